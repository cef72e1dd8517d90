//! The module list against every registry it must cover (cosmos-sdk's "no forgotten modules"):
//! every registered table is owned by a listed module under its own name, every parameter
//! section is a listed module, every payload and report kind has one name. A module left out
//! of `terrane_app::modules::for_each_module!` leaves its tables and parameters unowned, and
//! these tests fail. (Reason codes: `wire_fixtures.rs` checks the registry against
//! `docs/spec/outcomes.md` both ways.)

use std::collections::{BTreeMap, BTreeSet};
use terrane_app::{
    modules::{
        class_name, enabled_classes, module_names, module_tables, report_kind_name, report_kinds,
    },
    params::ChainParams,
    state_key as app,
    tx::PAYLOADS,
};
use terrane_devices::types::ResourceClass;
use terrane_state::{Table, TableId, tables::ALL};

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
        let registered = ALL
            .iter()
            .find(|(i, _)| i == id)
            .unwrap_or_else(|| panic!("table {name} of {module} uses unregistered id {id:#06x}"))
            .1;
        let agrees = *name == registered
            || name
                .strip_prefix(registered)
                .is_some_and(|rest| rest.starts_with('/'));
        assert!(
            agrees,
            "table {name} ({id:#06x}) of {module} is registered as {registered}"
        );
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
    let modules: BTreeSet<&str> = module_names().into_iter().collect();
    assert_eq!(sections, modules);
}

#[test]
fn payload_tags_and_kind_names_are_unique() {
    let tags: BTreeSet<u8> = PAYLOADS.iter().map(|(t, _)| *t).collect();
    let kinds: BTreeSet<&str> = PAYLOADS.iter().map(|(_, k)| *k).collect();
    assert_eq!(tags.len(), PAYLOADS.len());
    assert_eq!(kinds.len(), PAYLOADS.len());
}

#[test]
fn every_enabled_class_is_a_known_class_and_names_its_report_kinds() {
    let classes = enabled_classes();
    assert!(classes.contains(&ResourceClass::Coverage.tag()));
    for class in classes {
        assert!(ResourceClass::from_tag(class).is_some(), "class {class}");
    }
    let coverage = ResourceClass::Coverage.tag();
    assert_eq!(
        report_kind_name(coverage, terrane_coverage::KIND_BEACON),
        Some("beacon")
    );
    assert_eq!(
        report_kind_name(coverage, terrane_coverage::KIND_WITNESS),
        Some("witness")
    );
    assert_eq!(report_kind_name(coverage, 200), None);
    assert_eq!(report_kind_name(ResourceClass::Storage.tag(), 0), None);
    assert_eq!(
        report_kinds(),
        vec![(coverage, 0, "beacon"), (coverage, 1, "witness")]
    );
}

#[test]
fn class_names_come_from_resource_class_and_unknown_tags_have_none() {
    for class in ResourceClass::ALL {
        assert_eq!(class_name(class.tag()), Some(class.name()));
    }
    assert_eq!(
        class_name(u8::try_from(ResourceClass::ALL.len()).unwrap()),
        None
    );
    assert_eq!(
        terrane_rewards::CLASS_NAMES.to_vec(),
        ResourceClass::ALL.map(ResourceClass::name).to_vec()
    );
}
