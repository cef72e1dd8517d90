//! The table id registry: every table in the chain, one line each, so ids never collide.
//!
//! Ids are part of the state layout (they are hashed into keys). Never renumber one; retire it.

/// `accounts`: balance and nonce per address.
pub const ACCOUNTS: u8 = 0x01;
/// `accounts`: the supply ledger (genesis, minted, burned).
pub const SUPPLY: u8 = 0x02;
/// `app`: chain parameters written at genesis.
pub const CHAIN_PARAMS: u8 = 0x03;
/// `app`: receipt (height, index, outcome) per transaction hash.
pub const RECEIPTS: u8 = 0x04;
/// `app`: the chain head as seen by execution (height, timestamp, genesis hash).
pub const CHAIN_HEAD: u8 = 0x05;
/// `devices`: device records by device id.
pub const DEVICES: u8 = 0x10;
/// `devices`: approved maker keys.
pub const MAKERS: u8 = 0x11;
/// `devices`: session keys by session public key.
pub const SESSION_KEYS: u8 = 0x12;
/// `devices`: device count and other registry totals.
pub const DEVICE_REGISTRY: u8 = 0x13;
/// `devices`: device ids per H3 cell (count and slots).
pub const CELL_DEVICES: u8 = 0x14;
/// `pow`: report ids already counted (replay protection).
pub const SEEN_REPORTS: u8 = 0x20;
/// `pow`: per-device proof status (reputation, last outcomes).
pub const DEVICE_WORK: u8 = 0x21;
/// `pow`: per-epoch work ledger entries.
pub const EPOCH_WORK: u8 = 0x22;
/// `pow`: per-device recent outcomes.
pub const DEVICE_OUTCOMES: u8 = 0x23;
/// `pow`: per-epoch, per-cell work tallies.
pub const CELL_WORK: u8 = 0x24;
/// `rewards`: per-epoch summaries.
pub const EPOCHS: u8 = 0x30;
/// `rewards`: per-device reward ledger (cumulative, claimed).
pub const DEVICE_REWARDS: u8 = 0x31;
/// `rewards`: per-epoch, per-device reward entries.
pub const EPOCH_REWARDS: u8 = 0x32;
/// `rewards`: emission and pool state.
pub const EMISSION: u8 = 0x33;
/// `coverage`: beacons by (epoch, beaconer).
pub const BEACONS: u8 = 0x40;
/// `coverage`: witnesses per beacon.
pub const WITNESSES: u8 = 0x41;

/// Every allocated id, for the uniqueness test and `docs/spec/state.md`.
pub const ALL: &[(u8, &str)] = &[
    (ACCOUNTS, "accounts"),
    (SUPPLY, "supply"),
    (CHAIN_PARAMS, "chain_params"),
    (RECEIPTS, "receipts"),
    (CHAIN_HEAD, "chain_head"),
    (DEVICES, "devices"),
    (MAKERS, "makers"),
    (SESSION_KEYS, "session_keys"),
    (DEVICE_REGISTRY, "device_registry"),
    (CELL_DEVICES, "cell_devices"),
    (SEEN_REPORTS, "seen_reports"),
    (DEVICE_WORK, "device_work"),
    (EPOCH_WORK, "epoch_work"),
    (DEVICE_OUTCOMES, "device_outcomes"),
    (CELL_WORK, "cell_work"),
    (EPOCHS, "epochs"),
    (DEVICE_REWARDS, "device_rewards"),
    (EPOCH_REWARDS, "epoch_rewards"),
    (EMISSION, "emission"),
    (BEACONS, "beacons"),
    (WITNESSES, "witnesses"),
];

#[cfg(test)]
mod tests {
    use super::ALL;
    use std::collections::BTreeSet;

    #[test]
    fn table_ids_are_unique() {
        let ids: BTreeSet<u8> = ALL.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), ALL.len());
    }
}
