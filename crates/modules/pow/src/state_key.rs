//! Every key the framework stores.

use crate::{
    params::PowParams,
    types::{DeviceWork, EpochInfo, OutcomeRecord, WorkEntry},
};
use terrane_primitives::{DeviceId, Epoch, Hash32};
use terrane_state::{Table, tables};

/// `(epoch, report id) -> 1`: reports already counted.
pub struct SeenReports;
impl Table for SeenReports {
    const ID: terrane_state::TableId = tables::SEEN_REPORTS;
    const NAME: &'static str = "seen_reports";
    type Key = (Epoch, Hash32);
    type Value = u8;
    fn value_cfg() {}
}

/// `device -> DeviceWork`.
pub struct Work;
impl Table for Work {
    const ID: terrane_state::TableId = tables::DEVICE_WORK;
    const NAME: &'static str = "device_work";
    type Key = DeviceId;
    type Value = DeviceWork;
    fn value_cfg() {}
}

/// `(device, epoch) -> accountable invalid reports of that epoch`: what slashing's
/// repeated-invalid-proofs rule counts.
pub struct EpochInvalid;
impl Table for EpochInvalid {
    const ID: terrane_state::TableId = tables::DEVICE_EPOCH_INVALID;
    const NAME: &'static str = "device_epoch_invalid";
    type Key = (DeviceId, terrane_primitives::Epoch);
    type Value = u32;
    fn value_cfg() {}
}

/// `(device, slot) -> OutcomeRecord`: the device's last `outcomes_kept` outcomes.
pub struct Outcomes;
impl Table for Outcomes {
    const ID: terrane_state::TableId = tables::DEVICE_OUTCOMES;
    const NAME: &'static str = "device_outcomes";
    type Key = (DeviceId, u8);
    type Value = OutcomeRecord;
    fn value_cfg() {}
}

/// `epoch -> EpochInfo`.
pub struct Epochs;
impl Table for Epochs {
    const ID: terrane_state::TableId = tables::EPOCH_INFO;
    const NAME: &'static str = "epoch_info";
    type Key = Epoch;
    type Value = EpochInfo;
    fn value_cfg() {}
}

/// `(epoch, device) -> WorkEntry`.
pub struct EpochWork;
impl Table for EpochWork {
    const ID: terrane_state::TableId = tables::EPOCH_WORK;
    const NAME: &'static str = "epoch_work";
    type Key = (Epoch, DeviceId);
    type Value = WorkEntry;
    fn value_cfg() {}
}

/// `(epoch, index) -> device`: the epoch's workers in the order they first earned units.
pub struct EpochWorkers;
impl Table for EpochWorkers {
    const ID: terrane_state::TableId = tables::EPOCH_WORKERS;
    const NAME: &'static str = "epoch_workers";
    type Key = (Epoch, u32);
    type Value = DeviceId;
    fn value_cfg() {}
}

/// `(epoch, density cell) -> working devices in the cell`.
pub struct CellWork;
impl Table for CellWork {
    const ID: terrane_state::TableId = tables::CELL_WORK;
    const NAME: &'static str = "cell_work";
    type Key = (Epoch, u64);
    type Value = u32;
    fn value_cfg() {}
}

/// The key of the params record.
pub const PARAMS_KEY: u8 = 0;

/// `PARAMS_KEY -> PowParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::POW_PARAMS;
    const NAME: &'static str = "pow_params";
    type Key = u8;
    type Value = PowParams;
    fn value_cfg() {}
}
