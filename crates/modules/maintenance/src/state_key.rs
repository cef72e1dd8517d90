//! Every key maintenance stores.

use crate::{params::MaintenanceParams, types::Windows};
use terrane_primitives::DeviceId;
use terrane_state::{Table, tables};

/// `device -> its windows`.
pub struct DeviceWindows;
impl Table for DeviceWindows {
    const ID: terrane_state::TableId = tables::MAINTENANCE_WINDOWS;
    const NAME: &'static str = "maintenance_windows";
    type Key = DeviceId;
    type Value = Windows;
    fn value_cfg() {}
}

/// The key of a singleton record.
pub const SINGLETON: u8 = 0;

/// `SINGLETON -> MaintenanceParams`, written at genesis.
pub struct Params;
impl Table for Params {
    const ID: terrane_state::TableId = tables::MAINTENANCE_PARAMS;
    const NAME: &'static str = "maintenance_params";
    type Key = u8;
    type Value = MaintenanceParams;
    fn value_cfg() {}
}
