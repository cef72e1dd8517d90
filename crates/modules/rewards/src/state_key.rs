//! Every key the rewards module stores.

use crate::{
    params::EmissionParams,
    types::{DeviceRewards, EpochSummary, Ledger, RewardLine},
};
use terrane_primitives::{Address, DeviceId, Epoch};
use terrane_state::{Table, tables};

/// `epoch -> EpochSummary`.
pub struct Summaries;
impl Table for Summaries {
    const ID: terrane_state::TableId = tables::EPOCH_SUMMARIES;
    const NAME: &'static str = "epoch_summaries";
    type Key = Epoch;
    type Value = EpochSummary;
    fn value_cfg() {}
}

/// `device -> DeviceRewards`.
pub struct Ledgers;
impl Table for Ledgers {
    const ID: terrane_state::TableId = tables::DEVICE_REWARDS;
    const NAME: &'static str = "device_rewards";
    type Key = DeviceId;
    type Value = DeviceRewards;
    fn value_cfg() {}
}

/// `(epoch, device) -> RewardLine`.
pub struct Lines;
impl Table for Lines {
    const ID: terrane_state::TableId = tables::REWARD_LINES;
    const NAME: &'static str = "reward_lines";
    type Key = (Epoch, DeviceId);
    type Value = RewardLine;
    fn value_cfg() {}
}

/// `(epoch, leaf index) -> device`: the reward list in leaf order.
pub struct List;
impl Table for List {
    const ID: terrane_state::TableId = tables::REWARD_LIST;
    const NAME: &'static str = "reward_list";
    type Key = (Epoch, u32);
    type Value = DeviceId;
    fn value_cfg() {}
}

/// The key of the module ledger.
pub const LEDGER_KEY: u8 = 0;
/// The key of the emission parameters.
pub const PARAMS_KEY: u8 = 1;
/// The key of the treasury address.
pub const TREASURY_KEY: u8 = 2;

/// `LEDGER_KEY -> Ledger`.
pub struct ModuleLedger;
impl Table for ModuleLedger {
    const ID: terrane_state::TableId = tables::EMISSION;
    const NAME: &'static str = "emission/ledger";
    type Key = u8;
    type Value = Ledger;
    fn value_cfg() {}
}

/// `PARAMS_KEY -> EmissionParams`.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::EMISSION;
    const NAME: &'static str = "emission/params";
    type Key = u8;
    type Value = EmissionParams;
    fn value_cfg() {}
}

/// `TREASURY_KEY -> treasury address`.
pub struct Treasury;
impl Table for Treasury {
    const ID: terrane_state::TableId = tables::EMISSION;
    const NAME: &'static str = "emission/treasury";
    type Key = u8;
    type Value = Address;
    fn value_cfg() {}
}
