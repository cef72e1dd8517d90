//! Every table of every module against the id registry (`terrane_state::tables`): ids are
//! registered, names agree with the registry (or are `name/record` for an id holding several
//! single records), and no two tables share an id and a name.

use std::collections::BTreeSet;
use terrane_state::{Table, tables::ALL};

fn entry<T: Table>() -> (u8, &'static str) {
    (T::ID, T::NAME)
}

#[test]
fn every_module_table_is_registered_under_its_own_name() {
    use terrane_accounts::state_key as acc;
    use terrane_app::state_key as app;
    use terrane_coverage::state_key as cov;
    use terrane_devices::{index as idx, state_key as dev};
    use terrane_pow::state_key as pow;
    use terrane_rewards::state_key as rew;
    let used = [
        entry::<acc::Accounts>(),
        entry::<acc::SupplyLedger>(),
        entry::<acc::Params>(),
        entry::<app::Receipts>(),
        entry::<app::Head>(),
        entry::<dev::Devices>(),
        entry::<dev::Makers>(),
        entry::<dev::SessionKeys>(),
        entry::<dev::RegistryTotals>(),
        entry::<dev::Params>(),
        entry::<idx::OwnerList>(),
        entry::<idx::OwnerCount>(),
        entry::<idx::CellList>(),
        entry::<idx::CellCount>(),
        entry::<idx::ClassList>(),
        entry::<idx::ClassCount>(),
        entry::<pow::SeenReports>(),
        entry::<pow::Work>(),
        entry::<pow::Outcomes>(),
        entry::<pow::Epochs>(),
        entry::<pow::EpochWork>(),
        entry::<pow::EpochWorkers>(),
        entry::<pow::CellWork>(),
        entry::<pow::Params>(),
        entry::<rew::Summaries>(),
        entry::<rew::Ledgers>(),
        entry::<rew::Lines>(),
        entry::<rew::List>(),
        entry::<rew::ModuleLedger>(),
        entry::<rew::Params>(),
        entry::<rew::Treasury>(),
        entry::<cov::Slots>(),
        entry::<cov::Witnesses>(),
        entry::<cov::EpochBeacons>(),
        entry::<cov::EpochBeaconCount>(),
        entry::<cov::WitnessSeen>(),
        entry::<cov::Params>(),
    ];
    let mut seen = BTreeSet::new();
    for (id, name) in used {
        let registered = ALL
            .iter()
            .find(|(i, _)| *i == id)
            .unwrap_or_else(|| panic!("table {name} uses unregistered id {id:#04x}"))
            .1;
        let agrees = name == registered
            || name
                .strip_prefix(registered)
                .is_some_and(|rest| rest.starts_with('/'));
        assert!(
            agrees,
            "table {name} ({id:#04x}) is registered as {registered}"
        );
        assert!(
            seen.insert((id, name)),
            "two tables named {name} under {id:#04x}"
        );
    }
    let ids: BTreeSet<u8> = used.iter().map(|(id, _)| *id).collect();
    for (id, name) in ALL {
        assert!(
            ids.contains(id),
            "registered table {name} ({id:#04x}) is used by no module"
        );
    }
}
