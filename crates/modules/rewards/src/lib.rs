//! Epoch rewards: emission schedule, per-class pools, fair deterministic split, reward lists and
//! their Merkle roots.
//!
//! ```text
//! EmissionParams ─ emission_for(epoch) ─▶ emission                       (emission.rs)
//!   ─ class_pools ─▶ pool per class · remainder → treasury · coverage excess not issued
//! pool_c + WorkItems of class c ─ split ─▶ Split                           (split.rs)
//!   lines (device, Breakdown) in input order · distributed · dust → treasury · not_issued
//! Split ─ reward_root(epoch) ─▶ Hash32; prove / verify_line per line      (leaf.rs)
//! ```
//!
//! # Where each number comes from
//! - `emission`: `initial_per_epoch >> (epoch / halving_epochs)`, governance parameters.
//! - `pool_c`: `floor(emission × weight_bps / 10_000)` of class c's entry in the parameters'
//!   class list, capped by its `cap_per_epoch` (coverage's is: a bounded subsidy; the excess is
//!   not issued).
//! - `units`: the class verifier's work units for the device this epoch (the work ledger).
//! - `density_cell`: the device's location's H3 parent at `pow.density_resolution`, recorded
//!   in the work ledger (one setting, so the split and the ledger cannot disagree).
//! - `reputation_ppm`: the device's reputation score; `vetting_ppm`: its progress through the
//!   first `vetting_valid_reports` valid reports; `eligible`: active, not slashed, not cooling
//!   down. All three come from the state that records the work.
//! - every other field of a [`Breakdown`] is computed here by the rules below.
//!
//! # The split rules (in order, all integer; see [`split`](mod@split) for the proofs)
//! 1. Density: per cell, `n` = eligible items with `units > 0`;
//!    `cell_scale_ppm = min(10^6, target × 10^6 / n)` (floor). Crowding divides a cell's
//!    share, never multiplies it.
//! 2. `scaled = units × cell_scale × reputation × vetting`, exact (10^-18 units), 0 if not
//!    eligible (reputation and vetting clamped to 10^6).
//! 3. If `Σ scaled == 0`, nothing is distributed: `not_issued = pool`.
//! 4. `uncapped = floor(pool × scaled / Σ scaled)`, exact with 256-bit intermediates.
//! 5. Cell cap, then device cap: a cell earning more than `cell_cap` is scaled down
//!    proportionally (floor), then each line is held to `device_cap`; whatever caps remove
//!    is not issued.
//! 6. `dust = (pool − not_issued) − distributed`: the rounding of rule 4, under one base unit
//!    per rewarded line, to the treasury.
//!
//! Rules 2 and 5 make duplication never pay the original, exactly: a copy of a device in its
//! own cell never raises the original's amount. (Rounding scaled units to whole units, or
//! applying the device cap before the cell cap, each break that; the [`split`](mod@split)
//! module doc has the examples.)
//!
//! # Conservation
//! Exact, for every input, asserted in [`split()`] and property-tested:
//! `Σ pools + remainder + not_issued == emission` and, per pool,
//! `distributed + dust + not_issued == pool`.
//!
//! # Determinism
//! No floats, no hash maps, no clock: the same inputs give the same bytes on every machine.
//! Nothing here panics on any input except on a broken internal invariant (documented where
//! asserted).
#![deny(clippy::float_arithmetic)]
#![forbid(unsafe_code)]

pub mod economy;
pub mod emission;
pub mod leaf;
pub mod split;

pub use emission::{BPS_ONE, ClassPools, class_pools, emission_for};
pub use leaf::{
    LEAF_LEN, leaf_array, leaf_bytes, leaf_hash, leaf_position, prove, reward_leaves, reward_root,
    verify_line,
};
pub use params::{ClassPool, EmissionParams, MAX_CLASS_POOLS};
pub use split::{Breakdown, Cap, PPM, Split, SplitParams, WorkItem, split};

// ── State-machine rooms ─────────────────────────────────────────────────────────────────────
// The rewards module's state code (types, msg, outcome, params, genesis, events, state_key,
// handler, invariants, query) is declared here, below this line, in its own files. The pure
// math above reads only the parameters (`params`).
// ─────────────────────────────────────────────────────────────────────────────────────────────

pub mod events;
pub mod genesis;
pub mod handler;
pub mod invariants;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod query;
pub mod state_key;
pub mod types;

#[cfg(test)]
mod tests;
