//! What the oracle reports to indexers and event streams.

use crate::types::MicroUsdPerTrn;
use terrane_primitives::{Address, TimestampMs};

/// An oracle event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OracleEvent {
    /// An oracle's report was accepted.
    PriceReported {
        /// The oracle key.
        oracle: Address,
        /// The price.
        price: MicroUsdPerTrn,
        /// Its timestamp.
        timestamp: TimestampMs,
    },
}
