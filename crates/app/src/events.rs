//! Events emitted by execution, for indexers and the event stream.

use terrane_accounts::events::AccountsEvent;
use terrane_coverage::handler::CloseSummary;
use terrane_devices::events::DevicesEvent;
use terrane_pow::events::PowEvent;
use terrane_primitives::{Epoch, Hash32};
use terrane_rewards::types::EpochSummary;

/// An event from a module, tagged with the transaction that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppEvent {
    /// The transaction, or `None` for block-level events (genesis, epoch ends).
    pub tx: Option<Hash32>,
    /// What happened.
    pub kind: EventKind,
}

/// Module events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// From the accounts module.
    Accounts(AccountsEvent),
    /// From the device registry.
    Devices(DevicesEvent),
    /// From the proof-of-work framework (one per judged report).
    Pow(PowEvent),
    /// An epoch's coverage was closed (witness selection).
    CoverageClosed {
        /// The epoch.
        epoch: Epoch,
        /// What was decided.
        summary: CloseSummary,
    },
    /// An epoch's rewards were distributed.
    RewardsClosed {
        /// The epoch.
        epoch: Epoch,
        /// The summary committed in state.
        summary: EpochSummary,
    },
    /// A device's rewards were claimed.
    Claimed {
        /// The device.
        device: terrane_primitives::DeviceId,
        /// The amount paid to its owner.
        amount: terrane_primitives::Amount,
    },
}
