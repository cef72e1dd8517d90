//! Terrane's throughput benchmarks: they measure and return figures; `terrane bench` prints them.
//!
//! ```text
//! ed25519(samples)       signed transfers ─▶ verify one by one / in batches of 64, 1024
//! execution(txs, block)  genesis (10,000 funded accounts) ─▶ pre-signed transfers ─▶ per block:
//!                        Executor::execute on an Overlay over a QMDB batch ─▶ writes ─▶
//!                        merkleize ─▶ apply ─▶ commit        (on-disk StateDb, 1 worker thread)
//! reports(hotspots, town) coverage hotspots registered ─▶ one epoch of witness and beacon
//!                        reports in relay bundles ─▶ the blocks that carry them (timed) ─▶
//!                        the next epoch's first block, which closes and pays (timed, memory)
//! load(config)           POST /v1/tx at a target rate ─▶ GET /v1/events tx_outcome ─▶ latency
//! ```
//!
//! What each figure means, and the LIMITS.md baseline it is read against (repeated in
//! [`baseline`]):
//!
//! - [`Ed25519Figures`]: signatures verified per second on one core by commonware-cryptography
//!   over the signing bytes of real transfer transactions. `single_per_sec` uses keys decoded
//!   beforehand (LIMITS: 28k/s), `single_with_decode_per_sec` decodes the 32-byte key first
//!   (LIMITS: +7 µs each, ≈23k/s), `batch64_per_sec` / `batch1024_per_sec` use `verify_batch`
//!   (LIMITS: 53k / 82k per s).
//! - [`ExecutionFigures`]: signed transfers per second through the node's whole per-block path
//!   on one core: decode, batch signature check, execution, QMDB merkleize, apply and a durable
//!   commit. LIMITS bounds it near 59k/s per core (`1/(1/82k + 2/419k)`); the figures also give
//!   its ratio to single and batch verification measured in the same run on the same
//!   transactions, since the machine is too noisy to compare runs.
//! - [`ReportFigures`]: device reports per second through the same per-block path: relay
//!   bundles of device-signed coverage witnesses and beacon reveals, every report judged by
//!   the coverage rules. Each report carries its own signature, so the same-run ed25519 rates
//!   over those signatures are its ceiling. Its [`EpochCloseFigures`] time the block that
//!   closes the epoch for those hotspots in state (coverage matching, reward split, reward
//!   root, credits), with its writes and resident memory; `terrane-rewards`'s `rewards_bench`
//!   times the split alone at 1M and 10M devices.
//! - [`LoadFigures`]: what a running network sustains from outside: transactions submitted
//!   through the HTTP API, finalized per second after a warm-up, and the latency from
//!   submission to the `tx_outcome` event. Its ceiling is the execution figure of the slowest
//!   validator.
//!
//! Every function checks that what it timed succeeded (every signature valid, every transfer
//! `ok` with balances as predicted), so a figure can never come from a failing path.
//!
//! The in-process figures also carry `cpu_share`: the share of the timed wall-clock the
//! benchmark thread spent on a CPU. Well below 1, the core was shared with other processes (or
//! the thread waited on I/O) and the rates understate the hardware by about that factor.
// Benchmarks time work with `Instant::now`, which clippy.toml forbids to state code: this crate
// is not state code and nothing in it feeds consensus.
#![allow(clippy::disallowed_methods)]

pub mod baseline;
mod cpu;
mod error;
mod execution;
mod hotspots;
mod load;
mod memory;
mod reports;
pub mod soak;
mod sse;
mod statedb;
mod stats;
mod usage;
mod verify;
mod workload;

pub use error::BenchError;
pub use execution::{ExecutionFigures, GENESIS_ACCOUNTS, execution};
pub use load::{LoadConfig, LoadFigures, MAX_IN_FLIGHT, MAX_RATE_PER_SEC, default_sink, load};
pub use memory::RssReading;
pub use reports::{EPOCH_BLOCKS, EpochCloseFigures, ReportFigures, reports};
pub use usage::{UsageCloseFigures, UsageFigures, usage};
pub use verify::{Ed25519Figures, ed25519};
