//! Every key slashing stores.

use crate::{
    params::SlashingParams,
    types::{IdList, Slash, SlashLedger},
};
use terrane_primitives::{Epoch, Hash32};
use terrane_staking::types::Target;
use terrane_state::{Table, tables};

/// `id -> Slash`.
pub struct Slashes;
impl Table for Slashes {
    const ID: terrane_state::TableId = tables::SLASHES;
    const NAME: &'static str = "slashes";
    type Key = u64;
    type Value = Slash;
    fn value_cfg() {}
}

/// `epoch -> the slashes its close executes`.
pub struct Due;
impl Table for Due {
    const ID: terrane_state::TableId = tables::SLASHES_DUE;
    const NAME: &'static str = "slashes_due";
    type Key = Epoch;
    type Value = IdList;
    fn value_cfg() {}
}

/// `offence key -> u64`: for an equivocation, the slash that covers it; for a windowed rule
/// (keyed by rule and device), the last epoch a slash already covers.
pub struct Offences;
impl Table for Offences {
    const ID: terrane_state::TableId = tables::SLASH_OFFENCES;
    const NAME: &'static str = "slash_offences";
    type Key = Hash32;
    type Value = u64;
    fn value_cfg() {}
}

/// `target -> its latest slashes`.
pub struct TargetSlashes;
impl Table for TargetSlashes {
    const ID: terrane_state::TableId = tables::TARGET_SLASHES;
    const NAME: &'static str = "target_slashes";
    type Key = Target;
    type Value = IdList;
    fn value_cfg() {}
}

/// The key of a singleton record.
pub const SINGLETON: u8 = 0;

/// `SINGLETON -> SlashLedger`.
pub struct Ledger;
impl Table for Ledger {
    const ID: terrane_state::TableId = tables::SLASH_LEDGER;
    const NAME: &'static str = "slash_ledger";
    type Key = u8;
    type Value = SlashLedger;
    fn value_cfg() {}
}

/// `SINGLETON -> SlashingParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::SLASHING_PARAMS;
    const NAME: &'static str = "slashing_params";
    type Key = u8;
    type Value = SlashingParams;
    fn value_cfg() {}
}
