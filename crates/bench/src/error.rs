//! Why a benchmark produced no figures.

/// A benchmark could not run, or what it ran did not do what it was meant to measure.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// An argument or configuration value is out of range; the message says which.
    #[error("invalid benchmark argument: {0}")]
    InvalidArgument(String),
    /// The temporary directory, the runtime or the HTTP client could not be set up.
    #[error("benchmark setup failed: {0}")]
    Setup(String),
    /// The state database failed.
    #[error("state storage fault: {0}")]
    Storage(String),
    /// A benchmark transaction did not execute as `ok`: the figures would time a failing path.
    #[error(
        "transaction {index} of block {height} got outcome {code} ({name}) instead of ok: \
         the benchmark would measure a failing path"
    )]
    TxFailed {
        /// Block height.
        height: u64,
        /// Position in the block.
        index: u32,
        /// Outcome code.
        code: u16,
        /// Outcome name.
        name: &'static str,
    },
    /// A device report the benchmark built to be accepted was not: the figures would time a
    /// rejection.
    #[error(
        "report {index} of block {height} got code {code} ({name}) instead of being accepted: \
         the benchmark would measure a rejection"
    )]
    ReportRejected {
        /// Block height.
        height: u64,
        /// Position among the block's reports (bundles in order).
        index: usize,
        /// Reason code.
        code: u16,
        /// Reason name.
        name: &'static str,
    },
    /// The state after the run differs from what the workload predicts.
    #[error("final state differs from the workload's prediction: {0}")]
    StateMismatch(String),
    /// A node's API could not be reached or answered unexpectedly while setting up a load run.
    #[error("node API: {0}")]
    Api(String),
}
