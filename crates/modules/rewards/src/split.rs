//! The fair, deterministic split of one class pool among the devices that worked for it.
//!
//! Rules, applied in this order (all integer math; each rounding is down):
//!
//! 1. **Density.** Per `density_cell`, `n` = the number of *eligible* items with `units > 0`.
//!    `cell_scale_ppm = min(10^6, target × 10^6 / n)` (floor; `n == 0` or `target == 0` give
//!    10^6). Packing more devices than the target into one cell divides the cell's share
//!    among them; it never multiplies it. Ineligible and idle items do not count.
//! 2. **Scaled units.** `scaled = units × cell_scale × reputation × vetting / 10^18` (u128,
//!    floor), 0 if not eligible. Reputation and vetting are clamped to at most 10^6 ppm, so
//!    `scaled <= units`.
//! 3. **Nothing to pay.** If `Σ scaled == 0`, nothing is distributed and `not_issued = pool`.
//! 4. **Pro rata.** `uncapped = floor(pool × scaled / Σ scaled)` (u128); never above `pool`,
//!    and `Σ uncapped <= pool`.
//! 5. **Caps.** First the device cap: `amount = min(uncapped, device_cap)`. Then the cell cap:
//!    if the amounts of a cell sum to `T > cell_cap`, each becomes
//!    `floor(amount × cell_cap / T)`, so the cell's total is at most `cell_cap`. A cap of 0 is
//!    no cap. Everything a cap removes from a line (including the sub-unit rounding of the
//!    cell scale-down) is **not issued**: caps lower issuance, they never feed the treasury.
//! 6. **Dust.** `distributed = Σ amount`, `dust = (pool − not_issued) − distributed`, which is
//!    the rounding of rule 4: less than one base unit per line with `scaled > 0`. Dust goes to
//!    the treasury.
//!
//! Conservation, exact for every input: `distributed + dust + not_issued == pool`. It is
//! asserted at the end of every [`split`] (a break is a bug, and crashing beats minting the
//! wrong supply) and property-tested.
//!
//! [`Breakdown::capped_by`] names the last cap that lowered a line: `Cell` if the cell
//! scale-down lowered it (even if the device cap lowered it first), else `Device` if the device
//! cap did, else `None`.
//!
//! # Cost
//! One sort of `(cell, index)` pairs (16 B per item, freed before the lines are built) gives
//! every item a dense cell slot (8 B per item); the rest is three sequential passes over the
//! items with lookups into per-cell arrays, and one heap allocation per array (no per-item
//! allocation). Output is 96 B per item. A `BTreeMap` over cells was measured slower at 1M
//! items over 50k cells: see `src/bin/rewards_bench.rs`.
//!
//! # Panics
//! Only on a broken internal invariant (the conservation assertion, and narrowing casts whose
//! bounds are proved in comments); no input makes [`split`] panic.

use serde::{Deserialize, Serialize};
use terrane_primitives::DeviceId;

/// One part per million: the unit of reputation, vetting and density scale.
pub const PPM: u32 = 1_000_000;

/// `PPM³`: the denominator of rule 2.
const PPM_CUBED: u128 = 1_000_000_000_000_000_000;

/// One device's work for a class in an epoch, as the work ledger recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkItem {
    /// The device.
    pub device: DeviceId,
    /// Work units its verified reports earned.
    pub units: u64,
    /// Its location's H3 parent at the density resolution (raw index).
    pub density_cell: u64,
    /// Its reputation, ppm (clamped to 10^6).
    pub reputation_ppm: u32,
    /// How far it is through vetting, ppm (clamped to 10^6).
    pub vetting_ppm: u32,
    /// Whether it may earn this epoch at all (active, not slashed, not cooling down).
    pub eligible: bool,
}

/// Which cap lowered a line last (see the module doc). The code is stable: it is part of the
/// reward leaf.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Cap {
    /// No cap lowered the line.
    #[default]
    None = 0,
    /// The per-device cap.
    Device = 1,
    /// The per-cell cap.
    Cell = 2,
}

impl Cap {
    /// The stable code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The cap with `code`.
    pub const fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::None),
            1 => Some(Self::Device),
            2 => Some(Self::Cell),
            _ => None,
        }
    }
}

/// How one device's reward was computed, rule by rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Work units, as given.
    pub units: u64,
    /// Eligible devices with work in its density cell (rule 1; saturates at `u32::MAX`).
    pub cell_devices: u32,
    /// Its cell's density scale, ppm (rule 1).
    pub cell_scale_ppm: u32,
    /// Reputation used, ppm (clamped).
    pub reputation_ppm: u32,
    /// Vetting used, ppm (clamped).
    pub vetting_ppm: u32,
    /// Whether it was eligible.
    pub eligible: bool,
    /// Units after density, reputation and vetting (rule 2).
    pub scaled_units: u128,
    /// Its pro-rata share of the pool before caps, base units (rule 4).
    pub uncapped: u64,
    /// The last cap that lowered it (rule 5).
    pub capped_by: Cap,
    /// What it is paid, base units.
    pub amount: u64,
}

/// The result of splitting one pool.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// One line per work item, in input order.
    pub lines: Vec<(DeviceId, Breakdown)>,
    /// `Σ amount`, base units: to be credited to devices.
    pub distributed: u64,
    /// Rounding dust of the pro-rata split, base units: to the treasury.
    pub dust: u64,
    /// What caps removed, or the whole pool if nobody earned: never minted.
    pub not_issued: u64,
}

impl Split {
    /// `distributed + dust + not_issued`, which equals the pool it was split from.
    pub fn total(&self) -> u128 {
        u128::from(self.distributed) + u128::from(self.dust) + u128::from(self.not_issued)
    }
}

/// The rules a pool is split under; see [`crate::EmissionParams::split_params`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitParams {
    /// Devices a density cell may hold before their shares are scaled down (0 = no density
    /// scaling).
    pub target_devices_per_cell: u32,
    /// Most the devices of one cell may earn together, base units (0 = no cap).
    pub cell_cap: u64,
    /// Most one device may earn, base units (0 = no cap).
    pub device_cap: u64,
}

/// Rule 1: the density scale of a cell holding `n` counted devices.
pub fn cell_scale_ppm(n: u64, target: u32) -> u32 {
    if n == 0 || target == 0 {
        return PPM;
    }
    // target × 10^6 < 2^32 × 2^20 fits u64. Rounded down: a crowded cell never gets more.
    let scale = u64::from(target) * u64::from(PPM) / n;
    // min(10^6, ·) fits u32.
    u32::try_from(scale.min(u64::from(PPM))).unwrap_or(PPM)
}

/// Rule 2 for an eligible item (inputs already clamped to at most 10^6).
pub fn scaled_units(units: u64, cell_scale_ppm: u32, reputation_ppm: u32, vetting_ppm: u32) -> u128 {
    // Each factor is at most 10^6 < 2^20, so their product is at most 10^18 < 2^60 and fits
    // u64; times units (< 2^64) it is below 2^124 and fits u128. Rounded down.
    let factor = u64::from(cell_scale_ppm) * u64::from(reputation_ppm) * u64::from(vetting_ppm);
    u128::from(units) * u128::from(factor) / PPM_CUBED
}

/// Whether an item counts toward its cell's density and can earn.
fn counts(item: &WorkItem) -> bool {
    item.eligible && item.units > 0
}

/// `floor(a × b / c)` for `b <= c`, `c > 0`: at most `a`, so it fits u64.
fn mul_div_floor(a: u64, b: u128, c: u128) -> u64 {
    debug_assert!(b <= c && c > 0);
    // a < 2^64 and b <= u64::MAX in every call (b is a scaled unit count or an amount), so
    // the product fits u128.
    let q = u128::from(a) * b / c;
    u64::try_from(q).expect("floor(a × b / c) <= a when b <= c")
}

/// Gives every item the dense slot of its density cell: slots number the distinct cells in
/// ascending cell order, so they depend only on the set of cells, never on input order.
///
/// Returns the slot of each item (input order) and the number of cells.
fn cell_slots(items: &[WorkItem]) -> (Vec<usize>, usize) {
    let mut order: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.density_cell, i))
        .collect();
    // Pairs are unique (the index is), so the sorted order is fully determined.
    order.sort_unstable();
    let mut slots = vec![0usize; items.len()];
    let mut cells = 0usize;
    let mut previous = None;
    for (cell, i) in order {
        if previous != Some(cell) {
            previous = Some(cell);
            cells += 1;
        }
        // cells >= 1 here.
        slots[i] = cells - 1;
    }
    (slots, cells)
}

/// Splits `pool` base units among `items` by the rules in the module doc.
///
/// Deterministic: the result depends only on the arguments (not on the machine, the order of
/// equal cells, or the allocator); `lines` follow the input order.
pub fn split(pool: u64, items: &[WorkItem], params: &SplitParams) -> Split {
    let (slots, cell_count) = cell_slots(items);

    // Rule 1. A cell's count is at most items.len(), which fits u64.
    let mut cell_devices = vec![0u64; cell_count];
    for (item, &slot) in items.iter().zip(&slots) {
        if counts(item) {
            cell_devices[slot] += 1;
        }
    }
    let cell_scale: Vec<u32> = cell_devices
        .iter()
        .map(|&n| cell_scale_ppm(n, params.target_devices_per_cell))
        .collect();

    // Rule 2. Each scaled value is at most units < 2^64 and there are fewer than 2^58 items
    // (a slice of 64-byte items), so the total stays below 2^122: no overflow.
    let mut total_scaled: u128 = 0;
    let mut lines = Vec::with_capacity(items.len());
    for (item, &slot) in items.iter().zip(&slots) {
        let reputation_ppm = item.reputation_ppm.min(PPM);
        let vetting_ppm = item.vetting_ppm.min(PPM);
        let scale = cell_scale[slot];
        let scaled = if counts(item) {
            scaled_units(item.units, scale, reputation_ppm, vetting_ppm)
        } else {
            0
        };
        total_scaled += scaled;
        lines.push((
            item.device,
            Breakdown {
                units: item.units,
                cell_devices: u32::try_from(cell_devices[slot]).unwrap_or(u32::MAX),
                cell_scale_ppm: scale,
                reputation_ppm,
                vetting_ppm,
                eligible: item.eligible,
                scaled_units: scaled,
                uncapped: 0,
                capped_by: Cap::None,
                amount: 0,
            },
        ));
    }
    drop(cell_scale);

    // Rule 3.
    if total_scaled == 0 {
        return Split {
            lines,
            distributed: 0,
            dust: 0,
            not_issued: pool,
        };
    }

    // Rules 4 and the device cap of 5. Σ uncapped <= pool (a sum of floors is at most the
    // floor of the sum, which is pool), so the u64 sum cannot overflow.
    let mut sum_uncapped: u64 = 0;
    for (_, line) in &mut lines {
        // scaled <= total_scaled, and scaled <= units <= u64::MAX (rule 2).
        line.uncapped = mul_div_floor(pool, line.scaled_units, total_scaled);
        sum_uncapped += line.uncapped;
        line.amount = line.uncapped;
        if params.device_cap > 0 && line.amount > params.device_cap {
            line.amount = params.device_cap;
            line.capped_by = Cap::Device;
        }
    }

    // The cell cap of rule 5. A cell's total is at most Σ uncapped <= pool: fits u64.
    if params.cell_cap > 0 {
        let mut cell_total = vec![0u64; cell_count];
        for ((_, line), &slot) in lines.iter().zip(&slots) {
            cell_total[slot] += line.amount;
        }
        for ((_, line), &slot) in lines.iter_mut().zip(&slots) {
            let total = cell_total[slot];
            if total > params.cell_cap && line.amount > 0 {
                // Rounded down, so the cell's new total is at most cell_cap; amount <= total.
                line.amount = mul_div_floor(
                    params.cell_cap,
                    u128::from(line.amount),
                    u128::from(total),
                );
                line.capped_by = Cap::Cell;
            }
        }
    }

    // Rule 6. Every amount is at most its uncapped share, so distributed <= Σ uncapped.
    let distributed: u64 = lines.iter().map(|(_, line)| line.amount).sum();
    let not_issued = sum_uncapped
        .checked_sub(distributed)
        .expect("caps only lower amounts");
    let dust = pool
        .checked_sub(sum_uncapped)
        .expect("the pro-rata shares sum to at most the pool");
    let out = Split {
        lines,
        distributed,
        dust,
        not_issued,
    };
    assert_eq!(out.total(), u128::from(pool), "reward split must conserve the pool");
    out
}
