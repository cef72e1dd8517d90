//! What maintenance reports to indexers and event streams.

use terrane_primitives::{DeviceId, Epoch};

/// A maintenance event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MaintenanceEvent {
    /// A window was declared.
    Declared {
        /// The device.
        device: DeviceId,
        /// Its first epoch.
        start: Epoch,
        /// Its length in epochs.
        epochs: u32,
    },
}
