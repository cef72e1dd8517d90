//! What the coverage class reports to indexers and event streams.

use terrane_primitives::Epoch;

/// A coverage event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoverageEvent {
    /// An epoch's witnesses were matched to revealed beacons and selected.
    EpochClosed {
        /// The epoch.
        epoch: Epoch,
        /// What was decided.
        summary: CloseSummary,
    },
}

/// What closing an epoch decided, for events and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseSummary {
    /// Beacons revealed.
    pub beacons: u32,
    /// Witnesses stored.
    pub witnesses: u32,
    /// Witnesses selected and paid.
    pub selected: u32,
    /// Witnesses no revealed beacon confirmed: a different beacon was revealed (417) or none
    /// was (425).
    pub unmatched: u32,
}
