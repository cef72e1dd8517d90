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

use crate::split::SplitParams;
use serde::{Deserialize, Serialize};
use terrane_primitives::Epoch;

/// Number of resource classes; pools and weights are indexed by the class tag.
pub const CLASS_COUNT: usize = 5;

/// Index of the coverage class (the `ResourceClass` tag in `terrane-devices`: coverage 0,
/// storage 1, compute 2, energy 3, sensing 4).
pub const COVERAGE: usize = 0;

/// Stable class names, in tag order.
pub const CLASS_NAMES: [&str; CLASS_COUNT] =
    ["coverage", "storage", "compute", "energy", "sensing"];

/// 100 % in basis points.
pub const BPS_ONE: u16 = 10_000;

/// Token emission and reward-split parameters, set at genesis and changed by governance.
///
/// All amounts are base units (10^-6 TRN). A cap of 0 means "no cap".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmissionParams {
    /// Emission of epoch 0, base units.
    pub initial_per_epoch: u64,
    /// Epochs between halvings of the emission.
    pub halving_epochs: u64,
    /// Share of each epoch's emission per class (coverage, storage, compute, energy,
    /// sensing), basis points; the sum is at most 10_000 and the unassigned rest goes to the
    /// treasury.
    pub class_weights_bps: [u16; CLASS_COUNT],
    /// Most the coverage pool may issue per epoch, base units (0 = no cap).
    pub coverage_cap_per_epoch: u64,
    /// Most the coverage devices of one density cell may earn per epoch, base units (0 = no
    /// cap).
    pub coverage_cap_per_cell: u64,
    /// Most one device may earn from one class pool per epoch, base units (0 = no cap).
    pub device_cap_per_epoch: u64,
    /// Devices a density cell may hold before their shares are scaled down.
    pub target_devices_per_cell: u32,
    /// Valid reports a new device needs before it earns its full share.
    pub vetting_valid_reports: u32,
}

impl Default for EmissionParams {
    /// Devnet values: 10_000 TRN per epoch halving every 1_000 epochs (visible within a devnet
    /// session at 400-block epochs), coverage a small capped subsidy, WeatherXM-like density of
    /// 10 devices per resolution-8 cell (about 0.7 km²).
    fn default() -> Self {
        Self {
            initial_per_epoch: 10_000_000_000,
            halving_epochs: 1_000,
            class_weights_bps: [1_000, 3_000, 2_500, 2_000, 1_500],
            coverage_cap_per_epoch: 800_000_000,
            coverage_cap_per_cell: 20_000_000,
            device_cap_per_epoch: 100_000_000,
            target_devices_per_cell: 10,
            vetting_valid_reports: 10,
        }
    }
}

impl EmissionParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.halving_epochs == 0 {
            return Err("rewards.halving_epochs must be at least 1".into());
        }
        let weights: u32 = self.class_weights_bps.iter().map(|w| u32::from(*w)).sum();
        if weights > u32::from(BPS_ONE) {
            return Err(format!(
                "rewards.class_weights_bps must sum to at most 10000, got {weights}"
            ));
        }
        if self.target_devices_per_cell == 0 {
            return Err("rewards.target_devices_per_cell must be at least 1".into());
        }
        Ok(())
    }

    /// The split rules for the pool of class `class` (a tag, see [`COVERAGE`]): every class
    /// gets the density target and the device cap; only coverage gets the per-cell cap.
    pub fn split_params(&self, class: usize) -> SplitParams {
        SplitParams {
            target_devices_per_cell: self.target_devices_per_cell,
            cell_cap: if class == COVERAGE {
                self.coverage_cap_per_cell
            } else {
                0
            },
            device_cap: self.device_cap_per_epoch,
        }
    }
}

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
