//! Every key the coverage class stores.

use crate::{
    params::CoverageParams,
    types::{BeaconSlot, WitnessRecord},
};
use terrane_primitives::{DeviceId, Epoch};
use terrane_state::{Table, tables};

/// `(epoch, beaconer) -> BeaconSlot`.
pub struct Slots;
impl Table for Slots {
    const ID: terrane_state::TableId = tables::BEACON_SLOTS;
    const NAME: &'static str = "beacon_slots";
    type Key = (Epoch, DeviceId);
    type Value = BeaconSlot;
    fn value_cfg() {}
}

/// `(epoch, beaconer, index) -> WitnessRecord`.
pub struct Witnesses;
impl Table for Witnesses {
    const ID: terrane_state::TableId = tables::WITNESSES;
    const NAME: &'static str = "witnesses";
    type Key = (Epoch, DeviceId, u32);
    type Value = WitnessRecord;
    fn value_cfg() {}
}

/// `(epoch, index) -> beaconer`: beaconers with a slot, in first-seen order.
pub struct EpochBeacons;
impl Table for EpochBeacons {
    const ID: terrane_state::TableId = tables::EPOCH_BEACONS;
    const NAME: &'static str = "epoch_beacons";
    type Key = (Epoch, u32);
    type Value = DeviceId;
    fn value_cfg() {}
}

/// `epoch -> number of beaconers listed`.
pub struct EpochBeaconCount;
impl Table for EpochBeaconCount {
    const ID: terrane_state::TableId = tables::EPOCH_BEACON_COUNT;
    const NAME: &'static str = "epoch_beacon_count";
    type Key = Epoch;
    type Value = u32;
    fn value_cfg() {}
}

/// `(epoch, beaconer, witness) -> 1`.
pub struct WitnessSeen;
impl Table for WitnessSeen {
    const ID: terrane_state::TableId = tables::WITNESS_SEEN;
    const NAME: &'static str = "witness_seen";
    type Key = (Epoch, DeviceId, DeviceId);
    type Value = u8;
    fn value_cfg() {}
}

/// `device -> first epoch it may earn coverage rewards`, written when a device relocates (no
/// record: eligible since registration).
pub struct Cooldowns;
impl Table for Cooldowns {
    const ID: terrane_state::TableId = tables::COVERAGE_COOLDOWNS;
    const NAME: &'static str = "coverage_cooldowns";
    type Key = DeviceId;
    type Value = Epoch;
    fn value_cfg() {}
}

/// `(epoch, device) -> n`: the hotspots it heard or was heard by in the epoch's counted
/// witness reports (its reach), at most [`MAX_REACH`], written at the close.
pub struct ReachCount;
impl Table for ReachCount {
    const ID: terrane_state::TableId = tables::COVERAGE_REACH_COUNT;
    const NAME: &'static str = "coverage_reach_count";
    type Key = (Epoch, DeviceId);
    type Value = u32;
    fn value_cfg() {}
}

/// `(epoch, device, index) -> hotspot`: its reach in ascending device id, `0..n`.
pub struct Reach;
impl Table for Reach {
    const ID: terrane_state::TableId = tables::COVERAGE_REACH;
    const NAME: &'static str = "coverage_reach";
    type Key = (Epoch, DeviceId, u32);
    type Value = DeviceId;
    fn value_cfg() {}
}

/// Most hotspots one device's reach lists (the lowest ids; a dense city's hotspot hears
/// fewer): bounds what a close writes and what rewards' close reads per paid device.
pub const MAX_REACH: usize = 64;

/// The key of the params record.
pub const PARAMS_KEY: u8 = 0;

/// `PARAMS_KEY -> CoverageParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::COVERAGE_PARAMS;
    const NAME: &'static str = "coverage_params";
    type Key = u8;
    type Value = CoverageParams;
    fn value_cfg() {}
}
