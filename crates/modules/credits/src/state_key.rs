//! Every key credits stores.

use crate::{
    params::CreditsParams,
    types::{CreditLedger, Credits, EpochUsage, Escrow, EscrowId},
};
use terrane_primitives::{Address, DeviceId, Epoch};
use terrane_state::{Table, tables};

/// `account -> its credit balance` (absent is zero).
pub struct Balances;
impl Table for Balances {
    const ID: terrane_state::TableId = tables::CREDIT_BALANCES;
    const NAME: &'static str = "credit_balances";
    type Key = Address;
    type Value = Credits;
    fn value_cfg() {}
}

/// The key of a singleton record.
pub const SINGLETON: u8 = 0;

/// `SINGLETON -> CreditLedger`.
pub struct Ledger;
impl Table for Ledger {
    const ID: terrane_state::TableId = tables::CREDIT_LEDGER;
    const NAME: &'static str = "credit_ledger";
    type Key = u8;
    type Value = CreditLedger;
    fn value_cfg() {}
}

/// `escrow id -> Escrow`, while open.
pub struct Escrows;
impl Table for Escrows {
    const ID: terrane_state::TableId = tables::ESCROWS;
    const NAME: &'static str = "escrows";
    type Key = EscrowId;
    type Value = Escrow;
    fn value_cfg() {}
}

/// `(epoch, device) -> credits paid to the device in the epoch`.
pub struct DeviceUsage;
impl Table for DeviceUsage {
    const ID: terrane_state::TableId = tables::DEVICE_USAGE;
    const NAME: &'static str = "device_usage";
    type Key = (Epoch, DeviceId);
    type Value = Credits;
    fn value_cfg() {}
}

/// `epoch -> the epoch's paid usage`.
pub struct EpochUsageTotals;
impl Table for EpochUsageTotals {
    const ID: terrane_state::TableId = tables::EPOCH_USAGE;
    const NAME: &'static str = "epoch_usage";
    type Key = Epoch;
    type Value = EpochUsage;
    fn value_cfg() {}
}

/// `(epoch, index) -> device`, the devices with paid usage in the epoch in first-paid order
/// (what the epoch close walks).
pub struct UsageDevices;
impl Table for UsageDevices {
    const ID: terrane_state::TableId = tables::USAGE_DEVICES;
    const NAME: &'static str = "usage_devices";
    type Key = (Epoch, u32);
    type Value = DeviceId;
    fn value_cfg() {}
}

/// `device -> credits paid to it since genesis`.
pub struct LifetimeUsage;
impl Table for LifetimeUsage {
    const ID: terrane_state::TableId = tables::LIFETIME_USAGE;
    const NAME: &'static str = "lifetime_usage";
    type Key = DeviceId;
    type Value = Credits;
    fn value_cfg() {}
}

/// The key of the params record.
pub const PARAMS_KEY: u8 = 0;

/// `PARAMS_KEY -> CreditsParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::CREDITS_PARAMS;
    const NAME: &'static str = "credits_params";
    type Key = u8;
    type Value = CreditsParams;
    fn value_cfg() {}
}
