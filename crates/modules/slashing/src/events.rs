//! What slashing reports to indexers and event streams.

use terrane_primitives::{Address, Amount, Epoch};
use terrane_staking::types::Target;

/// A slashing event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlashingEvent {
    /// Evidence accepted: a slash is pending until `due` closes.
    EvidenceAccepted {
        /// The slash.
        id: u64,
        /// Whose stake.
        target: Target,
        /// The offence code.
        offence: u16,
        /// The reporter.
        reporter: Address,
        /// The epoch whose close executes it.
        due: Epoch,
    },
    /// A counter-proof was accepted; `voided` when it leaves the evidence below threshold.
    Appealed {
        /// The slash.
        id: u64,
        /// The epoch the counter-proof answered.
        epoch: Epoch,
        /// Whether the slash is now void.
        voided: bool,
    },
    /// A slash executed.
    Executed {
        /// The slash.
        id: u64,
        /// Whose stake.
        target: Target,
        /// Stake taken.
        slashed: Amount,
        /// To the reporter.
        bounty: Amount,
        /// Burned.
        burned: Amount,
    },
    /// A slash came due with nothing to take.
    Lapsed {
        /// The slash.
        id: u64,
    },
}
