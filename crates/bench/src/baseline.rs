//! The measured primitive speeds of LIMITS.md that the figures are compared with.
//!
//! Single-thread medians on a 2-vCPU AMD EPYC (Zen 4) VM, `--release`, default x86-64 target,
//! 200-byte messages. They are design references, not pass marks: the machine is noisy, so
//! compare ratios measured in one run rather than absolute figures across runs.

/// ed25519 verifications per second with a decoded key (36 µs each).
pub const VERIFY_SINGLE_PER_SEC: f64 = 28_000.0;

/// ed25519 verifications per second when the 32-byte key is decoded first (36 + 7 µs each).
pub const VERIFY_SINGLE_WITH_DECODE_PER_SEC: f64 = 1e6 / 43.0;

/// ed25519 `verify_batch` over batches of 64, signatures per second.
pub const VERIFY_BATCH64_PER_SEC: f64 = 53_000.0;

/// ed25519 `verify_batch` over batches of 1024, signatures per second.
pub const VERIFY_BATCH1024_PER_SEC: f64 = 82_000.0;

/// The bound on signed transfers per second per core: one batch verification and two QMDB
/// `current` random updates each, `1/(1/82k + 2/419k)`.
pub const EXECUTION_BOUND_PER_SEC: f64 = 59_000.0;
