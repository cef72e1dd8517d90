//! The emission schedule and its split into per-class pools.
//!
//! ```text
//! emission(epoch) = initial_per_epoch >> (epoch / halving_epochs)      exact, halves every period
//! pool_c          = floor(emission × weight_bps_c / 10_000)            per listed class c, in id order
//! pool_c          = min(pool_c, cap_per_epoch_c)                       the rest is never issued
//! remainder       = emission − Σ floor(...)                            rounding dust → treasury
//! ```
//! Conservation, exact for every input: `Σ pools + remainder + not_issued == emission`.
//!
//! The pools are data: one entry per class in [`EmissionParams::classes`]. A class may carry a
//! per-epoch cap (coverage does: it is a bounded subsidy, radio coverage being the class most
//! exposed to spoofing), and what the cap removes is **not issued**: neither minted nor sent
//! to the treasury. Weights that leave part of the 10_000 bps unassigned send that part to the
//! treasury through `remainder`.
//!
//! Nothing here panics. Invalid parameters (rejected by [`EmissionParams::validate`]) still
//! give conserving results: `halving_epochs == 0` never halves, and weights summing above
//! 10_000 bps truncate the later classes' pools to what is left.

use crate::params::EmissionParams;
use terrane_primitives::{ClassId, Epoch};

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassPools {
    /// The pool of each listed class, base units, in the parameters' (class id) order.
    pub pools: Vec<(ClassId, u64)>,
    /// Rounding dust and unassigned weight, base units: credited to the treasury.
    pub remainder: u64,
    /// What the per-class caps removed, base units: never minted.
    pub not_issued: u64,
}

impl ClassPools {
    /// `Σ pools + remainder + not_issued`, which equals the emission they were split from.
    pub fn total(&self) -> u128 {
        self.pools.iter().map(|(_, p)| u128::from(*p)).sum::<u128>()
            + u128::from(self.remainder)
            + u128::from(self.not_issued)
    }

    /// The pool of `class` (0 if the parameters list no pool for it).
    pub fn pool(&self, class: ClassId) -> u64 {
        self.pools
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(0, |(_, p)| *p)
    }
}

/// Splits `emission` into per-class pools by each listed class's `weight_bps`, then caps each
/// pool by its `cap_per_epoch`.
pub fn class_pools(emission: u64, params: &EmissionParams) -> ClassPools {
    let mut out = ClassPools::default();
    // What is not yet assigned to a pool; it only shrinks, so no subtraction below underflows.
    let mut left = emission;
    for class in &params.classes {
        // Rounded down: the fraction lost stays in `left` and ends in the treasury.
        // emission × weight < 2^64 × 2^16 fits u128; the quotient is at most
        // emission × 65_535 / 10_000, so it is clamped to `left` before narrowing.
        let share = u128::from(emission) * u128::from(class.weight_bps) / u128::from(BPS_ONE);
        // Weights summing above 10_000 (invalid) would over-assign: clamp to what is left.
        let mut share = u64::try_from(share).unwrap_or(u64::MAX).min(left);
        left -= share;
        if class.cap_per_epoch > 0 && share > class.cap_per_epoch {
            out.not_issued += share - class.cap_per_epoch;
            share = class.cap_per_epoch;
        }
        out.pools.push((class.class, share));
    }
    out.remainder = left;
    debug_assert_eq!(out.total(), u128::from(emission));
    out
}
