//! The table id registry: every table in the chain, one line each, so ids never collide.
//!
//! Ids are part of the state layout (they are hashed into keys, two bytes big-endian). Never
//! renumber one; retire it. Today's modules use ids below 0x100 in blocks of 16 per module; a
//! new module takes the next free block (`docs/spec/state.md`).

use crate::TableId;

/// `accounts`: balance and nonce per address.
pub const ACCOUNTS: TableId = 0x01;
/// `accounts`: the supply ledger (genesis, minted, burned).
pub const SUPPLY: TableId = 0x02;
/// `app` (shared): chain parameters written at genesis; today the accounts fee parameters.
pub const CHAIN_PARAMS: TableId = 0x03;
/// `app`: receipt (height, index, outcome) per transaction hash.
pub const RECEIPTS: TableId = 0x04;
/// `app`: the chain head as seen by execution (height, timestamp, genesis hash).
pub const CHAIN_HEAD: TableId = 0x05;
/// `accounts`: who first funded an address, and at what height.
pub const FUNDING_ORIGINS: TableId = 0x06;
/// `devices`: device records by device id.
pub const DEVICES: TableId = 0x10;
/// `devices`: approved maker keys.
pub const MAKERS: TableId = 0x11;
/// `devices`: session keys by session public key.
pub const SESSION_KEYS: TableId = 0x12;
/// `devices`: device count and other registry totals.
pub const DEVICE_REGISTRY: TableId = 0x13;
/// `devices`: parameters (one record).
pub const DEVICE_PARAMS: TableId = 0x14;
/// `devices`: (owner, slot) -> device.
pub const OWNER_DEVICES: TableId = 0x15;
/// `devices`: owner -> number of devices.
pub const OWNER_DEVICE_COUNT: TableId = 0x16;
/// `devices`: (index cell, slot) -> device.
pub const CELL_DEVICES: TableId = 0x17;
/// `devices`: index cell -> number of devices.
pub const CELL_DEVICE_COUNT: TableId = 0x18;
/// `devices`: (class, slot) -> device.
pub const CLASS_DEVICES: TableId = 0x19;
/// `devices`: class -> number of devices.
pub const CLASS_DEVICE_COUNT: TableId = 0x1a;
/// `pow`: report ids already counted, by epoch (replay protection).
pub const SEEN_REPORTS: TableId = 0x20;
/// `pow`: per-device proof status (reputation, counters).
pub const DEVICE_WORK: TableId = 0x21;
/// `pow`: per-epoch, per-device work (units, density cell).
pub const EPOCH_WORK: TableId = 0x22;
/// `pow`: per-device recent report outcomes (a ring).
pub const DEVICE_OUTCOMES: TableId = 0x23;
/// `pow`: per-epoch, per-density-cell count of working devices.
pub const CELL_WORK: TableId = 0x24;
/// `pow`: per-epoch randomness and bounds.
pub const EPOCH_INFO: TableId = 0x25;
/// `pow`: per-epoch list of working devices (index -> device).
pub const EPOCH_WORKERS: TableId = 0x26;
/// `pow`: parameters (one record).
pub const POW_PARAMS: TableId = 0x27;
/// `pow`: (device, epoch) -> accountable invalid reports of that epoch (slashing's evidence).
pub const DEVICE_EPOCH_INVALID: TableId = 0x28;
/// `rewards`: epoch -> summary (emission, pools, reward root).
pub const EPOCH_SUMMARIES: TableId = 0x30;
/// `rewards`: per-device reward ledger (cumulative, claimed).
pub const DEVICE_REWARDS: TableId = 0x31;
/// `rewards`: (epoch, device) -> reward line (breakdown).
pub const REWARD_LINES: TableId = 0x32;
/// `rewards`: three single records by key: emission parameters, the rewards ledger (unclaimed
/// pool), the treasury address.
pub const EMISSION: TableId = 0x33;
/// `rewards`: per-epoch list of rewarded devices in leaf order (index -> device).
pub const REWARD_LIST: TableId = 0x34;
/// `coverage`: (epoch, beaconer) -> slot (the revealed beacon, the witness count).
pub const BEACON_SLOTS: TableId = 0x40;
/// `coverage`: (epoch, beaconer, index) -> witness record.
pub const WITNESSES: TableId = 0x41;
/// `coverage`: (epoch, index) -> beaconer, the beaconers with a slot in first-seen order.
pub const EPOCH_BEACONS: TableId = 0x42;
/// `coverage`: parameters (one record).
pub const COVERAGE_PARAMS: TableId = 0x43;
/// `coverage`: per-epoch count of beaconers with a slot.
pub const EPOCH_BEACON_COUNT: TableId = 0x44;
/// `coverage`: (epoch, beaconer, witness) pairs already witnessed.
pub const WITNESS_SEEN: TableId = 0x45;
/// `coverage`: device -> first epoch it may earn coverage rewards after a relocation.
pub const COVERAGE_COOLDOWNS: TableId = 0x46;
/// `coverage`: (epoch, device) -> number of hotspots it heard or was heard by, counted at the
/// close (its reach).
pub const COVERAGE_REACH_COUNT: TableId = 0x47;
/// `coverage`: (epoch, device, index) -> one hotspot of its reach, ascending.
pub const COVERAGE_REACH: TableId = 0x48;
/// `oracle`: oracle key -> its latest accepted price report.
pub const ORACLE_REPORTS: TableId = 0x50;
/// `oracle`: parameters (one record).
pub const ORACLE_PARAMS: TableId = 0x51;

/// `credits`: account -> credit balance.
pub const CREDIT_BALANCES: TableId = 0x60;
/// `credits`: the credit ledger (TRN burned, minted, spent, balances, escrowed).
pub const CREDIT_LEDGER: TableId = 0x61;
/// `credits`: open escrows by id.
pub const ESCROWS: TableId = 0x62;
/// `credits`: (epoch, device) -> credits paid to the device.
pub const DEVICE_USAGE: TableId = 0x63;
/// `credits`: epoch -> paid usage totals.
pub const EPOCH_USAGE: TableId = 0x64;
/// `credits`: (epoch, index) -> device with paid usage.
pub const USAGE_DEVICES: TableId = 0x65;
/// `credits`: device -> credits paid to it since genesis.
pub const LIFETIME_USAGE: TableId = 0x66;
/// `credits`: parameters (one record).
pub const CREDITS_PARAMS: TableId = 0x67;
/// `sessions`: session id -> data session.
pub const DATA_SESSIONS: TableId = 0x70;
/// `sessions`: payer -> number of open sessions.
pub const PAYER_SESSIONS: TableId = 0x71;
/// `sessions`: parameters (one record).
pub const SESSIONS_PARAMS: TableId = 0x72;
/// `sessions`: (payer, slot) -> open session id.
pub const PAYER_SESSION_LIST: TableId = 0x73;
/// `staking`: target -> its stake pool.
pub const STAKE_POOLS: TableId = 0x80;
/// `staking`: (staker, target) -> position.
pub const STAKE_POSITIONS: TableId = 0x81;
/// `staking`: staker -> unbonding entries.
pub const UNBONDING: TableId = 0x82;
/// `staking`: the module's totals (one record).
pub const STAKE_LEDGER: TableId = 0x83;
/// `staking`: parameters (one record).
pub const STAKING_PARAMS: TableId = 0x84;
/// `staking`: validator account -> 1, the static validator set from genesis.
pub const STAKE_VALIDATORS: TableId = 0x85;
/// `staking`: the validator set as one ordered list (one record), for the emission share.
pub const STAKE_VALIDATOR_SET: TableId = 0x86;
/// `slashing`: slash id -> the slash, its evidence and status.
pub const SLASHES: TableId = 0x90;
/// `slashing`: (epoch, slash id) -> 1, the pending slashes that execute at that epoch's close.
pub const SLASHES_DUE: TableId = 0x91;
/// `slashing`: offence instance key -> the slash for it (one slash per offence).
pub const SLASH_OFFENCES: TableId = 0x92;
/// `slashing`: (target, slash id) -> 1, every slash against a target.
pub const TARGET_SLASHES: TableId = 0x93;
/// `slashing`: the totals (next id, slashed, bounties, burned, pending).
pub const SLASH_LEDGER: TableId = 0x94;
/// `slashing`: the parameters.
pub const SLASHING_PARAMS: TableId = 0x95;
/// `maintenance`: device -> its declared maintenance windows (three periods at most).
pub const MAINTENANCE_WINDOWS: TableId = 0xa0;
/// `maintenance`: the parameters.
pub const MAINTENANCE_PARAMS: TableId = 0xa1;

/// Ids for test-only modules (the `uptime` class of `terrane-app`'s `uptime-test-class`
/// feature): never used on a production chain, so they are not listed in [`ALL`].
pub const TEST_ONLY: core::ops::RangeInclusive<TableId> = 0x0f00..=0x0fff;

/// Every allocated id, for the uniqueness test and `docs/spec/state.md`. A table's `NAME` is
/// its id's name here, or `name/record` when one id holds several single records.
pub const ALL: &[(TableId, &str)] = &[
    (ACCOUNTS, "accounts"),
    (SUPPLY, "supply"),
    (CHAIN_PARAMS, "chain_params"),
    (RECEIPTS, "receipts"),
    (CHAIN_HEAD, "chain_head"),
    (FUNDING_ORIGINS, "funding_origins"),
    (DEVICES, "devices"),
    (MAKERS, "makers"),
    (SESSION_KEYS, "session_keys"),
    (DEVICE_REGISTRY, "device_registry"),
    (DEVICE_PARAMS, "device_params"),
    (OWNER_DEVICES, "owner_devices"),
    (OWNER_DEVICE_COUNT, "owner_device_count"),
    (CELL_DEVICES, "cell_devices"),
    (CELL_DEVICE_COUNT, "cell_device_count"),
    (CLASS_DEVICES, "class_devices"),
    (CLASS_DEVICE_COUNT, "class_device_count"),
    (SEEN_REPORTS, "seen_reports"),
    (DEVICE_WORK, "device_work"),
    (EPOCH_WORK, "epoch_work"),
    (DEVICE_OUTCOMES, "device_outcomes"),
    (CELL_WORK, "cell_work"),
    (EPOCH_INFO, "epoch_info"),
    (EPOCH_WORKERS, "epoch_workers"),
    (POW_PARAMS, "pow_params"),
    (DEVICE_EPOCH_INVALID, "device_epoch_invalid"),
    (EPOCH_SUMMARIES, "epoch_summaries"),
    (DEVICE_REWARDS, "device_rewards"),
    (REWARD_LINES, "reward_lines"),
    (EMISSION, "emission"),
    (REWARD_LIST, "reward_list"),
    (BEACON_SLOTS, "beacon_slots"),
    (WITNESSES, "witnesses"),
    (EPOCH_BEACONS, "epoch_beacons"),
    (COVERAGE_PARAMS, "coverage_params"),
    (EPOCH_BEACON_COUNT, "epoch_beacon_count"),
    (WITNESS_SEEN, "witness_seen"),
    (COVERAGE_COOLDOWNS, "coverage_cooldowns"),
    (COVERAGE_REACH_COUNT, "coverage_reach_count"),
    (COVERAGE_REACH, "coverage_reach"),
    (ORACLE_REPORTS, "oracle_reports"),
    (ORACLE_PARAMS, "oracle_params"),
    (CREDIT_BALANCES, "credit_balances"),
    (CREDIT_LEDGER, "credit_ledger"),
    (ESCROWS, "escrows"),
    (DEVICE_USAGE, "device_usage"),
    (EPOCH_USAGE, "epoch_usage"),
    (USAGE_DEVICES, "usage_devices"),
    (LIFETIME_USAGE, "lifetime_usage"),
    (CREDITS_PARAMS, "credits_params"),
    (DATA_SESSIONS, "data_sessions"),
    (PAYER_SESSIONS, "payer_sessions"),
    (SESSIONS_PARAMS, "sessions_params"),
    (PAYER_SESSION_LIST, "payer_session_list"),
    (STAKE_POOLS, "stake_pools"),
    (STAKE_POSITIONS, "stake_positions"),
    (UNBONDING, "unbonding"),
    (STAKE_LEDGER, "stake_ledger"),
    (STAKING_PARAMS, "staking_params"),
    (STAKE_VALIDATORS, "stake_validators"),
    (STAKE_VALIDATOR_SET, "stake_validator_set"),
    (SLASHES, "slashes"),
    (SLASHES_DUE, "slashes_due"),
    (SLASH_OFFENCES, "slash_offences"),
    (TARGET_SLASHES, "target_slashes"),
    (SLASH_LEDGER, "slash_ledger"),
    (SLASHING_PARAMS, "slashing_params"),
    (MAINTENANCE_WINDOWS, "maintenance_windows"),
    (MAINTENANCE_PARAMS, "maintenance_params"),
];

#[cfg(test)]
mod tests {
    use super::ALL;
    use std::collections::BTreeSet;

    #[test]
    fn table_ids_are_unique() {
        let ids: BTreeSet<crate::TableId> = ALL.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), ALL.len());
    }
}
