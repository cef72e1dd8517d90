//! Every key the device registry stores.

use crate::{
    params::DevicesParams,
    types::{Device, Maker, Registry, SessionKey},
};
use terrane_primitives::{Address, DeviceId};
use terrane_state::{Table, tables};

/// `DeviceId -> Device`.
pub struct Devices;
impl Table for Devices {
    const ID: terrane_state::TableId = tables::DEVICES;
    const NAME: &'static str = "devices";
    type Key = DeviceId;
    type Value = Device;
    fn value_cfg() {}
}

/// `maker key -> Maker` (approved makers).
pub struct Makers;
impl Table for Makers {
    const ID: terrane_state::TableId = tables::MAKERS;
    const NAME: &'static str = "makers";
    type Key = Address;
    type Value = Maker;
    fn value_cfg() {}
}

/// `session key -> SessionKey`.
pub struct SessionKeys;
impl Table for SessionKeys {
    const ID: terrane_state::TableId = tables::SESSION_KEYS;
    const NAME: &'static str = "session_keys";
    type Key = DeviceId;
    type Value = SessionKey;
    fn value_cfg() {}
}

/// The key of the registry singletons.
pub const SINGLETON: u8 = 0;
/// The key of the params record.
pub const PARAMS_KEY: u8 = 1;

/// `SINGLETON -> Registry` totals.
pub struct RegistryTotals;
impl Table for RegistryTotals {
    const ID: terrane_state::TableId = tables::DEVICE_REGISTRY;
    const NAME: &'static str = "device_registry";
    type Key = u8;
    type Value = Registry;
    fn value_cfg() {}
}

/// `PARAMS_KEY -> DevicesParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::DEVICE_PARAMS;
    const NAME: &'static str = "device_params";
    type Key = u8;
    type Value = DevicesParams;
    fn value_cfg() {}
}
