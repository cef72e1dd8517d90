//! The emission schedule and its split into per-class pools.
//!
//! ```text
//! emission(epoch) = initial_per_epoch >> (epoch / halving_epochs)      exact, halves every period
//! pool_c          = floor(emission × class_weights_bps[c] / 10_000)    rounded down
//! coverage pool   = min(pool_coverage, coverage_cap_per_epoch)         the rest is never issued
//! remainder       = emission − Σ floor(...)                            rounding dust → treasury
//! ```
//! Conservation, exact for every input: `Σ pools + remainder + not_issued == emission`.
//!
//! Coverage is a bounded subsidy (radio coverage is the class most exposed to spoofing, and
//! rewards should follow paid traffic), so the coverage pool is capped per epoch and what the
//! cap removes is **not issued**: it is neither minted nor sent to the treasury. Weights that leave part of
//! the 10_000 bps unassigned also send that part to the treasury through `remainder`.
//!
//! Nothing here panics. Invalid parameters (rejected by [`EmissionParams::validate`]) still
//! give conserving results: `halving_epochs == 0` never halves, and weights summing above
//! 10_000 bps truncate the later classes' pools to what is left.

use crate::params::EmissionParams;
use terrane_devices::types::ResourceClass;
use terrane_primitives::Epoch;

/// Number of resource classes; pools and weights are indexed by the class tag.
pub const CLASS_COUNT: usize = ResourceClass::ALL.len();

/// Index of the coverage class in pools and weights (its `ResourceClass` tag).
pub const COVERAGE: usize = ResourceClass::Coverage.tag() as usize;

/// Stable class names, in tag order: `ResourceClass::name`, the one source of class names.
pub const CLASS_NAMES: [&str; CLASS_COUNT] = {
    let mut names = [""; CLASS_COUNT];
    let mut i = 0;
    while i < CLASS_COUNT {
        names[i] = ResourceClass::ALL[i].name();
        i += 1;
    }
    names
};

/// 100 % in basis points.
pub const BPS_ONE: u16 = 10_000;

/// The emission of `epoch`: `initial_per_epoch >> (epoch / halving_epochs)`, exact.
///
/// After 64 halvings the emission is 0. `halving_epochs == 0` (invalid) never halves.
pub fn emission_for(epoch: Epoch, params: &EmissionParams) -> u64 {
    let halvings = epoch.get().checked_div(params.halving_epochs).unwrap_or(0);
    // `checked_shr` is `None` for shifts of 64 or more: everything has been halved away.
    u32::try_from(halvings)
        .ok()
        .and_then(|shift| params.initial_per_epoch.checked_shr(shift))
        .unwrap_or(0)
}

/// One epoch's emission divided among the classes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClassPools {
    /// The pool of each class, base units, indexed by class tag.
    pub pools: [u64; CLASS_COUNT],
    /// Rounding dust and unassigned weight, base units: credited to the treasury.
    pub remainder: u64,
    /// What the coverage cap removed, base units: never minted.
    pub not_issued: u64,
}

impl ClassPools {
    /// `Σ pools + remainder + not_issued`, which equals the emission they were split from.
    pub fn total(&self) -> u128 {
        self.pools.iter().map(|p| u128::from(*p)).sum::<u128>()
            + u128::from(self.remainder)
            + u128::from(self.not_issued)
    }
}

/// Splits `emission` into per-class pools by `params.class_weights_bps`, then caps the
/// coverage pool by `params.coverage_cap_per_epoch`.
pub fn class_pools(emission: u64, params: &EmissionParams) -> ClassPools {
    let mut out = ClassPools::default();
    // What is not yet assigned to a pool; it only shrinks, so no subtraction below underflows.
    let mut left = emission;
    for (pool, weight) in out.pools.iter_mut().zip(params.class_weights_bps) {
        // Rounded down: the fraction lost stays in `left` and ends in the treasury.
        // emission × weight < 2^64 × 2^16 fits u128; the quotient is at most
        // emission × 65_535 / 10_000, so it is clamped to `left` before narrowing.
        let share = u128::from(emission) * u128::from(weight) / u128::from(BPS_ONE);
        // Weights summing above 10_000 (invalid) would over-assign: clamp to what is left.
        let share = u64::try_from(share).unwrap_or(u64::MAX).min(left);
        *pool = share;
        left -= share;
    }
    let coverage = &mut out.pools[COVERAGE];
    if params.coverage_cap_per_epoch > 0 && *coverage > params.coverage_cap_per_epoch {
        out.not_issued = *coverage - params.coverage_cap_per_epoch;
        *coverage = params.coverage_cap_per_epoch;
    }
    out.remainder = left;
    debug_assert_eq!(out.total(), u128::from(emission));
    out
}
