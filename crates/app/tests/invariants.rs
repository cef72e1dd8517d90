//! `check_all` catches a broken invariant of each module and names the module: the checks run
//! after every block in the tests and simulations can fail.

use futures::executor::block_on;
use terrane_app::{
    Executor, Genesis,
    invariants::{Violation, check_all},
    testkit::{address_of, named_key},
};
use terrane_devices::index::{ClassCount, ClassList};
use terrane_primitives::{Address, Amount, DeviceId, Epoch, Hash32, Height, TimestampMs};
use terrane_state::{MemStore, Overlay, Table};

fn alice() -> Address {
    address_of(&named_key("alice"))
}

/// A store after block 1 (genesis, no transactions), and its holders.
fn chain() -> (MemStore, Vec<Address>) {
    let genesis = Genesis::for_tests("invariants", &[(alice(), Amount::new(1_000_000))]);
    let holders = vec![alice(), genesis.treasury().unwrap()];
    let exec = Executor::new(genesis);
    let mut store = MemStore::new();
    let env = exec.block_env(Height::new(1), TimestampMs::new(1_000), Hash32::default());
    let mut overlay = Overlay::new(&store);
    block_on(exec.execute(&mut overlay, &env, &[])).unwrap();
    let (_, writes) = overlay.into_parts();
    store.apply(writes);
    (store, holders)
}

/// `check_all` after `tamper` wrote to the state.
fn check_after(tamper: impl FnOnce(&mut Overlay<&MemStore>)) -> Result<(), Violation> {
    let (mut store, holders) = chain();
    let mut overlay = Overlay::new(&store);
    tamper(&mut overlay);
    let (_, writes) = overlay.into_parts();
    store.apply(writes);
    block_on(check_all(&Overlay::new(&store), holders)).unwrap()
}

/// `check_all` after writing `value` under `key` of table `T`.
fn check_with<T: Table>(key: &T::Key, value: &T::Value) -> Result<(), Violation> {
    check_after(|o| o.put::<T>(key, value))
}

#[test]
fn a_fresh_chain_keeps_every_invariant() {
    let (store, holders) = chain();
    block_on(check_all(&Overlay::new(&store), holders))
        .unwrap()
        .unwrap();
}

#[test]
fn tokens_minted_out_of_the_ledger_break_the_accounts_invariant() {
    use terrane_accounts::{
        state_key::{SINGLETON, SupplyLedger},
        types::Supply,
    };
    let supply = Supply {
        genesis: Amount::new(1_000_000),
        minted: Amount::new(1),
        burned: Amount::ZERO,
    };
    let v = check_with::<SupplyLedger>(&SINGLETON, &supply).unwrap_err();
    assert_eq!(v.module, "accounts");
}

#[test]
fn a_class_list_naming_an_unknown_device_breaks_the_devices_invariant() {
    let ghost = DeviceId::from_slice(&[7; 32]).unwrap();
    let v = check_after(|o| {
        o.put::<ClassList>(&(terrane_coverage::CLASS, 0), &ghost);
        o.put::<ClassCount>(&terrane_coverage::CLASS, &1);
    })
    .unwrap_err();
    assert_eq!(v.module, "devices");
}

#[test]
fn a_worker_entry_out_of_its_list_position_breaks_the_pow_invariant() {
    use terrane_pow::{
        state_key::{EpochWork, EpochWorkers, Epochs},
        types::WorkEntry,
    };
    let worker = DeviceId::from_slice(&[9; 32]).unwrap();
    let v = check_after(|o| {
        let mut info = block_on(terrane_pow::handler::epoch_info(o, Epoch::ZERO))
            .unwrap()
            .expect("block 1 opened epoch 0");
        info.workers = 1;
        o.put::<Epochs>(&Epoch::ZERO, &info);
        o.put::<EpochWorkers>(&(Epoch::ZERO, 0), &worker);
        let entry = WorkEntry {
            units: 1,
            class: terrane_coverage::CLASS,
            density_cell: 0,
            index: 5,
        };
        o.put::<EpochWork>(&(Epoch::ZERO, worker), &entry);
    })
    .unwrap_err();
    assert_eq!(v.module, "pow");
}

#[test]
fn a_beacon_count_past_the_beacon_list_breaks_the_coverage_invariant() {
    use terrane_coverage::state_key::EpochBeaconCount;
    let v = check_with::<EpochBeaconCount>(&Epoch::ZERO, &1).unwrap_err();
    assert_eq!(v.module, "coverage");
}

#[test]
fn a_closed_epoch_without_its_summary_breaks_the_rewards_invariant() {
    use terrane_rewards::{
        state_key::{LEDGER_KEY, ModuleLedger},
        types::Ledger,
    };
    let ledger = Ledger {
        last_closed: Some(Epoch::ZERO),
        ..Ledger::default()
    };
    let v = check_with::<ModuleLedger>(&LEDGER_KEY, &ledger).unwrap_err();
    assert_eq!(v.module, "rewards");
}

#[test]
fn credits_minted_out_of_the_ledger_break_the_credits_invariant() {
    use terrane_credits::{
        state_key::{Ledger, SINGLETON},
        types::{CreditLedger, Credits},
    };
    let forged = CreditLedger {
        minted: Credits::new(5),
        ..CreditLedger::default()
    };
    let v = check_with::<Ledger>(&SINGLETON, &forged).unwrap_err();
    assert_eq!(v.module, "credits");
    assert!(v.why.contains("minted 5"), "{}", v.why);
    // A balance the ledger does not know of breaks it too.
    let v =
        check_with::<terrane_credits::state_key::Balances>(&alice(), &Credits::new(7)).unwrap_err();
    assert_eq!(v.module, "credits");
}
