//! The module list against every registry it must cover (cosmos-sdk's "no forgotten modules"):
//! every registered table is owned by a listed module under its own name, every parameter
//! section is a listed module, every payload and report kind has one name. A module left out
//! of `terrane_app::modules::for_each_module!` leaves its tables and parameters unowned, and
//! these tests fail. (Reason codes: `wire_fixtures.rs` checks the registry against
//! `docs/spec/outcomes.md` both ways.)

use std::collections::{BTreeMap, BTreeSet};
use terrane_app::{
    modules::{
        RESERVED_CLASSES, class_by_name, class_name, classes, module_names, module_tables,
        modules_with_params, report_kind_name, report_kinds,
    },
    params::ChainParams,
    state_key as app,
    tx::PAYLOADS,
};
use terrane_primitives::ClassId;
use terrane_state::{
    Table, TableId,
    tables::{ALL, TEST_ONLY},
};

fn entry<T: Table>() -> (TableId, &'static str) {
    (T::ID, T::NAME)
}

#[test]
fn every_registered_table_is_owned_by_one_listed_module_under_its_own_name() {
    let mut owned: Vec<(&str, (TableId, &str))> = vec![
        ("app", entry::<app::Receipts>()),
        ("app", entry::<app::Head>()),
    ];
    for (module, tables) in module_tables() {
        owned.extend(tables.into_iter().map(|t| (module, t)));
    }
    let mut owner_of_id = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (module, (id, name)) in &owned {
        match ALL.iter().find(|(i, _)| i == id) {
            Some(&(_, registered)) => {
                let agrees = *name == registered
                    || name
                        .strip_prefix(registered)
                        .is_some_and(|rest| rest.starts_with('/'));
                assert!(
                    agrees,
                    "table {name} ({id:#06x}) of {module} is registered as {registered}"
                );
            }
            // A test-only module's ids are its own, outside the production registry.
            None => assert!(
                TEST_ONLY.contains(id),
                "table {name} of {module} uses unregistered id {id:#06x}"
            ),
        }
        assert!(
            seen.insert((*id, *name)),
            "two tables named {name} under {id:#06x}"
        );
        let first = *owner_of_id.entry(*id).or_insert(*module);
        assert_eq!(
            first, *module,
            "table id {id:#06x} is claimed by two modules"
        );
    }
    for (id, name) in ALL {
        assert!(
            owner_of_id.contains_key(id),
            "registered table {name} ({id:#06x}) is owned by no listed module"
        );
    }
}

#[test]
fn every_parameter_section_belongs_to_a_listed_module() {
    let json = serde_json::to_value(ChainParams::default()).unwrap();
    let sections: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "block")
        .collect();
    let modules: BTreeSet<&str> = modules_with_params().into_iter().collect();
    assert_eq!(sections, modules);
    let all: BTreeSet<&str> = module_names().into_iter().collect();
    assert!(modules.is_subset(&all));
}

#[test]
fn payload_tags_and_kind_names_are_unique() {
    let tags: BTreeSet<u8> = PAYLOADS.iter().map(|(t, _)| *t).collect();
    let kinds: BTreeSet<&str> = PAYLOADS.iter().map(|(_, k)| *k).collect();
    assert_eq!(tags.len(), PAYLOADS.len());
    assert_eq!(kinds.len(), PAYLOADS.len());
}

#[test]
fn every_class_the_chain_runs_has_a_unique_id_and_name_and_names_its_report_kinds() {
    let classes = classes();
    let ids: BTreeSet<ClassId> = classes.iter().map(|(c, _)| *c).collect();
    let names: BTreeSet<&str> = classes.iter().map(|(_, n)| *n).collect();
    assert_eq!(ids.len(), classes.len(), "two classes share an id");
    assert_eq!(names.len(), classes.len(), "two classes share a name");
    assert!(ids.contains(&terrane_coverage::CLASS));
    for (id, name) in RESERVED_CLASSES {
        assert!(!ids.contains(id), "reserved id {id} is run by a class");
        assert!(
            !names.contains(name),
            "reserved name {name} is run by a class"
        );
    }
    let coverage = terrane_coverage::CLASS;
    assert_eq!(
        report_kind_name(coverage, terrane_coverage::KIND_BEACON),
        Some("beacon")
    );
    assert_eq!(
        report_kind_name(coverage, terrane_coverage::KIND_WITNESS),
        Some("witness")
    );
    assert_eq!(report_kind_name(coverage, 200), None);
    assert_eq!(
        report_kind_name(ClassId::new(1), 0),
        None,
        "reserved, not run"
    );
    assert!(report_kinds().starts_with(&[(coverage, 0, "beacon"), (coverage, 1, "witness")]));
}

#[test]
fn class_names_come_from_the_class_list_then_the_reserved_ids_and_others_have_none() {
    assert_eq!(class_name(terrane_coverage::CLASS), Some("coverage"));
    assert_eq!(class_name(ClassId::new(1)), Some("storage"));
    assert_eq!(class_name(ClassId::new(4)), Some("sensing"));
    assert_eq!(class_name(ClassId::new(0xee)), None);
    for (id, name) in classes()
        .into_iter()
        .chain(RESERVED_CLASSES.iter().copied())
    {
        assert_eq!(class_by_name(name), Some(id));
    }
    assert_eq!(class_by_name("teleportation"), None);
}

#[test]
fn every_default_reward_pool_is_for_a_class_that_runs_or_is_reserved() {
    for pool in ChainParams::default().rewards.classes {
        assert!(
            class_name(pool.class).is_some(),
            "pool of unnamed class {}",
            pool.class
        );
    }
}
