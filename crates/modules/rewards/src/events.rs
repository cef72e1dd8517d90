//! What the rewards module reports to indexers and event streams.

use crate::types::EpochSummary;
use terrane_primitives::{Amount, DeviceId, Epoch};

/// A rewards event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RewardsEvent {
    /// An epoch's rewards were distributed.
    EpochClosed {
        /// The epoch.
        epoch: Epoch,
        /// The summary committed in state.
        summary: EpochSummary,
    },
    /// A device's rewards were paid to its owner (a claim, or a sale settling with the
    /// seller).
    Claimed {
        /// The device.
        device: DeviceId,
        /// The amount paid.
        amount: Amount,
    },
}
