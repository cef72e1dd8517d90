//! What the framework reports to indexers and event streams.

use terrane_primitives::{DeviceId, Hash32};

/// A framework event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PowEvent {
    /// A report was judged.
    ReportJudged {
        /// The report.
        report_id: Hash32,
        /// The device it names, when the signer was recognized.
        device: Option<DeviceId>,
        /// 0 valid or pending, else the reason code.
        code: u16,
        /// Units credited now.
        units: u64,
    },
    /// An epoch opened.
    EpochOpened {
        /// Its number.
        epoch: terrane_primitives::Epoch,
        /// Its randomness.
        randomness: Hash32,
    },
}
