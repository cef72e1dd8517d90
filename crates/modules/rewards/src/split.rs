//! The fair, deterministic split of one class pool among the devices that worked for it.
//!
//! Rules, applied in this order (all integer math; the only roundings are the floors named in
//! rules 1, 4 and 5):
//!
//! 1. **Density.** Per `density_cell`, `n` = the number of *eligible* items with `units > 0`.
//!    `cell_scale_ppm = min(10^6, target × 10^6 / n)` (floor; `n == 0` or `target == 0` give
//!    10^6). Packing more devices than the target into one cell divides the cell's share
//!    among them; it never multiplies it. Ineligible and idle items do not count.
//! 2. **Scaled units.** `scaled = units × cell_scale_ppm × reputation_ppm × vetting_ppm`,
//!    exact, in units of 10^-18 work units (below 2^124, so it fits u128); 0 if not
//!    eligible. Reputation and vetting are clamped to at most 10^6 ppm.
//!
//!    2b. **Demand backing** (only when `backed_bps > 0`). A line's demand cap is its share of
//!    the pool's free part, `floor(pool × (10^4 − backed_bps) / 10^4 × scaled / Σ scaled)`,
//!    plus its `backing` (what paid usage within its reach backs; the caller computes it). A
//!    line whose cap is below its share of the pool is held to it, by water-filling (lowest
//!    cap per scaled unit first; each held line's surplus goes to the lines not held), and its
//!    scaled units are multiplied by `backing_ppm` (floor) so that rule 4 gives it its cap.
//!    If every line is held, the pool shared is the sum of the caps and the rest is not
//!    issued. After rule 5 no line exceeds its cap, exactly (`Cap::Demand`, for the factor's
//!    rounding). With every cap at least the line's share, nothing changes.
//! 3. **Nothing to pay.** If `Σ scaled == 0`, nothing is distributed and `not_issued = pool`.
//! 4. **Pro rata.** `uncapped = floor(pool × scaled / Σ scaled)`, computed exactly (256-bit
//!    intermediates); never above `pool`, and `Σ uncapped <= pool`.
//! 5. **Caps**, the cell cap first, then the device cap. A cell whose uncapped total
//!    `pool × Σ_cell scaled / Σ scaled` exceeds `cell_cap` is scaled down proportionally:
//!    each of its devices gets `floor(cell_cap × scaled / Σ_cell scaled)`, so the cell's total
//!    is at most `cell_cap`. Then `amount = min(that, device_cap)`. A cap of 0 is no cap.
//!    Everything a cap removes from a line (including the sub-unit rounding of the cell
//!    scale-down) is **not issued**: caps lower issuance, they never feed the treasury.
//! 6. **Dust.** `distributed = Σ amount`, `dust = (pool − not_issued) − distributed`, which is
//!    the rounding of rule 4: less than one base unit per line with `scaled > 0`. Dust goes to
//!    the treasury.
//!
//! Conservation, exact for every input: `distributed + dust + not_issued == pool`. It is
//! asserted at the end of every [`split`] (a break is a bug, and crashing beats minting the
//! wrong supply) and property-tested.
//!
//! # Duplication never pays the original
//! Adding a copy of a device (same work, same cell, another id) never raises the original's
//! amount, for any caps: each of the three bounds of a line (`pool × scaled / Σ scaled`,
//! `cell_cap × scaled / Σ_cell scaled`, `device_cap`) can only fall when the cell gains a
//! member, and the line is the floor of their minimum. (The copy earns its own line for the
//! work it claims; what bounds a crowded cell as a whole is rule 1 and the cell cap.) Two
//! choices keep this exact:
//! - rule 2 does not round: flooring scaled units to whole units zeroes small honest devices
//!   in a crowded cell (five devices of 3, 1, 1, 1, 1 units at target 5 earn 3/7 of the pool
//!   for the first; a twin of it makes the four others' scaled units floor to 0, and the pair
//!   takes the whole pool);
//! - the cell cap comes before the device cap: capping devices first and then sharing the
//!   cell cap pro rata to the capped amounts lets a capped device's twin shrink its cellmates'
//!   share of the cell cap and raise its own (tested in `a_twin_never_gains_from_the_caps`).
//!
//! [`Breakdown::capped_by`] names the last cap that lowered a line: `Device` if the device cap
//! did (even after the cell cap), else `Cell` if the cell cap did, else `None`.
//!
//! # Cost
//! One sort of `(cell, index)` pairs (16 B per item, freed before the lines are built) gives
//! every item a dense cell slot (8 B per item); the rest is sequential passes over the items
//! with lookups into per-cell arrays, one heap allocation per array (no per-item allocation).
//! Output is 96 B per item. Grouping through a `BTreeMap` over cells instead measured 4-10×
//! slower at 1M items over 50k cells and 7-15× at 10M over 500k (the `rewards_bench` binary
//! measures both). Rule 4 takes a 128-bit fast path whenever
//! `pool × scaled` and `Σ scaled` fit 128 bits (any realistic pool and unit count).
//!
//! # Panics
//! Only on a broken internal invariant (the conservation assertion, and narrowings whose
//! bounds are proved in comments); no input makes [`split`] panic.

use serde::{Deserialize, Serialize};
use terrane_primitives::DeviceId;
use wide::{U256, mul_div};

/// One part per million: the unit of reputation, vetting and density scale.
pub const PPM: u32 = 1_000_000;

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
    /// What the paid usage within its reach backs this epoch, base units (rule 2b; ignored
    /// when the pool is not demand-backed).
    pub backing: u64,
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
    /// Its demand cap (rule 2b): what its free share and the usage in its reach back.
    Demand = 3,
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
            3 => Some(Self::Demand),
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
    /// The most rule 2b lets it take, base units: its free share plus its backing (0 when
    /// the pool is not demand-backed).
    pub demand_cap: u64,
    /// Rule 2b's factor, ppm: below 10^6 when its demand cap held it below its unit share.
    pub backing_ppm: u32,
    /// `units × cell_scale_ppm × reputation_ppm × vetting_ppm` if eligible, else 0, then
    /// times `backing_ppm / 10^6` (floor): its work after density, reputation, vetting and
    /// demand backing, in 10^-18 work units (rules 2 and 2b).
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
    /// Demand backing, basis points of the pool (0 = off; rule 2b).
    pub backed_bps: u16,
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

/// Rule 2 for an eligible item (factors already clamped to at most 10^6).
pub fn scaled_units(
    units: u64,
    cell_scale_ppm: u32,
    reputation_ppm: u32,
    vetting_ppm: u32,
) -> u128 {
    // Each factor is at most 10^6 < 2^20, so their product is at most 10^18 < 2^60 and fits
    // u64; times units (< 2^64) it is below 2^124 and fits u128. Exact: no rounding.
    let factor = u64::from(cell_scale_ppm) * u64::from(reputation_ppm) * u64::from(vetting_ppm);
    u128::from(units) * u128::from(factor)
}

/// Whether an item counts toward its cell's density and can earn.
fn counts(item: &WorkItem) -> bool {
    item.eligible && item.units > 0
}

/// What [`split`] keeps per density cell, in one array so that an item's lookups share a
/// cache line.
#[derive(Clone, Copy, Debug, Default)]
struct CellState {
    /// Σ scaled units of its items (rule 5).
    scaled: U256,
    /// Counted devices: eligible, with work (rule 1).
    devices: u64,
    /// Its density scale (rule 1).
    scale_ppm: u32,
    /// Whether its uncapped total exceeds the cell cap (rule 5).
    over_cap: bool,
}

/// Gives every item the dense slot of its density cell: slots number the distinct cells in
/// ascending cell order, so they depend only on the set of cells, never on input order.
///
/// Returns the slot of each item (input order) and the number of cells.
pub fn cell_slots(items: &[WorkItem]) -> (Vec<usize>, usize) {
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
    let mut cells = vec![CellState::default(); cell_count];

    // Rule 1. A cell's count is at most items.len(), which fits u64.
    for (item, &slot) in items.iter().zip(&slots) {
        if counts(item) {
            cells[slot].devices += 1;
        }
    }
    for cell in &mut cells {
        cell.scale_ppm = cell_scale_ppm(cell.devices, params.target_devices_per_cell);
    }

    // Rule 2, with the totals rules 4 and 5 divide by. Each scaled value is below 2^124 and a
    // slice holds fewer than 2^58 items (of 64 bytes), so every sum is below 2^182: U256
    // never overflows.
    let mut total_scaled = U256::ZERO;
    let mut lines = Vec::with_capacity(items.len());
    for (item, &slot) in items.iter().zip(&slots) {
        let cell = &mut cells[slot];
        let reputation_ppm = item.reputation_ppm.min(PPM);
        let vetting_ppm = item.vetting_ppm.min(PPM);
        let scaled = if counts(item) {
            scaled_units(item.units, cell.scale_ppm, reputation_ppm, vetting_ppm)
        } else {
            0
        };
        total_scaled = total_scaled.add(scaled);
        cell.scaled = cell.scaled.add(scaled);
        lines.push((
            item.device,
            Breakdown {
                units: item.units,
                cell_devices: u32::try_from(cell.devices).unwrap_or(u32::MAX),
                cell_scale_ppm: cell.scale_ppm,
                reputation_ppm,
                vetting_ppm,
                eligible: item.eligible,
                demand_cap: 0,
                backing_ppm: PPM,
                scaled_units: scaled,
                uncapped: 0,
                capped_by: Cap::None,
                amount: 0,
            },
        ));
    }

    // Rule 2b: demand backing lowers the scaled units of the lines it holds, so that rules
    // 4 and 5 below share the pool as if those lines had exactly their demand caps.
    let mut pool_eff = pool;
    if params.backed_bps > 0 && total_scaled != U256::ZERO {
        pool_eff = demand_backing(pool, items, &mut lines, total_scaled, params.backed_bps);
        total_scaled = U256::ZERO;
        for cell in &mut cells {
            cell.scaled = U256::ZERO;
        }
        for ((_, line), &slot) in lines.iter().zip(&slots) {
            total_scaled = total_scaled.add(line.scaled_units);
            cells[slot].scaled = cells[slot].scaled.add(line.scaled_units);
        }
    }

    // Rule 3.
    if total_scaled == U256::ZERO {
        return Split {
            lines,
            distributed: 0,
            dust: 0,
            not_issued: pool,
        };
    }

    // Rule 5's cell test: pool × cell / total > cell_cap, compared exactly. Both products are
    // below 2^64 × 2^182, inside U256; a product that did not fit would be the larger.
    let cell_cap = params.cell_cap;
    if cell_cap > 0 {
        let cap = total_scaled.mul_u64(cell_cap);
        for cell in &mut cells {
            cell.over_cap = match (cell.scaled.mul_u64(pool_eff), cap) {
                (Some(earned), Some(cap)) => earned > cap,
                (None, _) => true,
                (Some(_), None) => false,
            };
        }
    }

    // Rules 4 and 5. Σ uncapped <= pool (a sum of floors is at most the floor of the sum,
    // which is pool), so the u64 sum cannot overflow.
    let mut sum_uncapped: u64 = 0;
    for ((_, line), &slot) in lines.iter_mut().zip(&slots) {
        if line.scaled_units == 0 {
            continue;
        }
        // scaled <= total (it is one of its terms); rounded down.
        line.uncapped = mul_div(pool_eff, line.scaled_units, total_scaled);
        sum_uncapped += line.uncapped;
        line.amount = line.uncapped;
        let cell = &cells[slot];
        if cell.over_cap {
            // scaled <= its cell's total; rounded down, so the cell sums to at most cell_cap.
            let share = mul_div(cell_cap, line.scaled_units, cell.scaled);
            if share < line.amount {
                line.amount = share;
                line.capped_by = Cap::Cell;
            }
        }
        if params.device_cap > 0 && line.amount > params.device_cap {
            line.amount = params.device_cap;
            line.capped_by = Cap::Device;
        }
        // Rule 2b's bound is exact: the rounding of the backing factors never lets a line
        // take more than its demand cap.
        if params.backed_bps > 0 && line.amount > line.demand_cap {
            line.amount = line.demand_cap;
            line.capped_by = Cap::Demand;
        }
    }

    // Rule 6. Every amount is at most its uncapped share, so distributed <= Σ uncapped.
    let distributed: u64 = lines.iter().map(|(_, line)| line.amount).sum();
    let not_issued = sum_uncapped
        .checked_sub(distributed)
        .expect("caps only lower amounts")
        + (pool - pool_eff);
    let dust = pool_eff
        .checked_sub(sum_uncapped)
        .expect("the pro-rata shares sum to at most the pool");
    let out = Split {
        lines,
        distributed,
        dust,
        not_issued,
    };
    assert_eq!(
        out.total(),
        u128::from(pool),
        "reward split must conserve the pool"
    );
    out
}

/// Rule 2b. Gives every line with scaled units its demand cap — its share of the pool's
/// free part (`10^4 − backed_bps` bps) by scaled units, plus its `backing` — and holds the
/// lines whose cap is below their share of the pool to their cap, water-filling: the line
/// with the lowest cap per scaled unit first, each held line's surplus shared among the
/// others, until every remaining line's cap covers its share. A held line's scaled units are
/// scaled by `backing_ppm` = its cap per scaled unit over the remaining lines' pool per scaled
/// unit (floor), so the pro-rata of rule 4 gives it (about) its cap and the rest of the pool
/// to the lines that can back it.
///
/// Returns the pool rule 4 shares: the whole pool while some line is not held; if every line
/// is held, the sum of their caps (the rest is not issued).
fn demand_backing(
    pool: u64,
    items: &[WorkItem],
    lines: &mut [(DeviceId, Breakdown)],
    total: U256,
    backed_bps: u16,
) -> u64 {
    let one = u128::from(crate::emission::BPS_ONE);
    let free_pool =
        u64::try_from(u128::from(pool) * (one - u128::from(backed_bps.min(10_000))) / one)
            .expect("at most the pool");
    let mut order: Vec<usize> = Vec::new();
    for (i, ((_, line), item)) in lines.iter_mut().zip(items).enumerate() {
        if line.scaled_units == 0 {
            continue;
        }
        // scaled <= total (one of its terms).
        let free = mul_div(free_pool, line.scaled_units, total);
        line.demand_cap = free.saturating_add(item.backing);
        order.push(i);
    }
    // Lowest cap per scaled unit first (cap_a / s_a < cap_b / s_b, cross-multiplied: each
    // product is below 2^64 × 2^124); ties in input order, so the order is fully determined.
    order.sort_unstable_by(|&a, &b| {
        let (la, lb) = (&lines[a].1, &lines[b].1);
        U256::product(la.demand_cap, lb.scaled_units)
            .cmp(&U256::product(lb.demand_cap, la.scaled_units))
            .then(a.cmp(&b))
    });
    let mut rest = pool;
    let mut active = total;
    let mut held = 0usize;
    for &i in &order {
        let line = &lines[i].1;
        // Held when cap < rest × scaled / active, exactly; a product beyond 256 bits is the
        // larger. Each hold raises rest / active (the held line took less than its share), so
        // once a line is not held, no later (higher-rate) line is.
        let below = active
            .mul_u64(line.demand_cap)
            .is_some_and(|c| c < U256::product(rest, line.scaled_units));
        if !below {
            break;
        }
        // cap < rest × scaled / active <= rest, and scaled is one of active's terms.
        rest -= line.demand_cap;
        active = active.sub(line.scaled_units);
        held += 1;
    }
    if held == 0 {
        return pool;
    }
    // The rate a held line is measured against: the pool per scaled unit of the lines left,
    // or, if every line is held, the highest held rate (the last one held).
    let (rate_num, rate_den, pool_eff) = if held < order.len() {
        (rest, active, pool)
    } else {
        let last = &lines[order[held - 1]].1;
        (
            last.demand_cap,
            U256::ZERO.add(last.scaled_units),
            pool - rest,
        )
    };
    for &i in &order[..held] {
        let line = &mut lines[i].1;
        // Every held line's rate is at most the reference rate (the rates only rose while
        // holding), so cap × rate_den <= rate_num × scaled, which fits 256 bits.
        let y = U256::product(rate_num, line.scaled_units);
        let x = rate_den
            .mul_u64(line.demand_cap)
            .expect("at most rate_num × scaled, which fits 256 bits");
        line.backing_ppm = ratio_ppm(x, y);
        line.scaled_units = scale_by_ppm(line.scaled_units, line.backing_ppm);
    }
    pool_eff
}

/// `floor(10^6 × x / y)` for `x <= y` (0 when `y == 0`), by bisection: both products stay
/// below 2^20 × y.
fn ratio_ppm(x: U256, y: U256) -> u32 {
    if y == U256::ZERO {
        return 0;
    }
    let target = x.mul_u64(u64::from(PPM)).expect("x <= y < 2^236");
    let (mut lo, mut hi) = (0u32, PPM);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if y.mul_u64(u64::from(mid)).is_some_and(|v| v <= target) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// `floor(s × ppm / 10^6)` for `ppm <= 10^6`, exact without 256 bits: with
/// `s = q × 10^6 + r`, it is `q × ppm + floor(r × ppm / 10^6)`.
fn scale_by_ppm(s: u128, ppm: u32) -> u128 {
    let million = u128::from(PPM);
    let (q, r) = (s / million, s % million);
    q * u128::from(ppm) + r * u128::from(ppm) / million
}

/// Just enough 256-bit arithmetic for exact pro-rata shares.
pub(crate) mod wide {
    /// An unsigned 256-bit integer: `hi × 2^128 + lo`. Field order makes the derived ordering
    /// numeric.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
    pub(crate) struct U256 {
        pub(crate) hi: u128,
        pub(crate) lo: u128,
    }

    const LOW_64: u128 = (1 << 64) - 1;

    impl U256 {
        pub(crate) const ZERO: Self = Self { hi: 0, lo: 0 };

        /// `self + v`. Callers keep sums far below 2^256 (see `split`), so `hi` cannot
        /// overflow.
        pub(crate) fn add(self, v: u128) -> Self {
            let (lo, carry) = self.lo.overflowing_add(v);
            Self {
                hi: self.hi + u128::from(carry),
                lo,
            }
        }

        /// `self − v` for `v <= self`.
        pub(crate) fn sub(self, v: u128) -> Self {
            let (lo, borrow) = self.lo.overflowing_sub(v);
            Self {
                hi: self.hi.checked_sub(u128::from(borrow)).expect("v <= self"),
                lo,
            }
        }

        /// `a × b`, exact (below 2^192).
        pub(crate) fn product(a: u64, b: u128) -> Self {
            let a = u128::from(a);
            // Each partial product is below 2^64 × 2^64.
            let low = a * (b & LOW_64);
            let mid = a * (b >> 64);
            let (lo, carry) = low.overflowing_add(mid << 64);
            Self {
                hi: (mid >> 64) + u128::from(carry),
                lo,
            }
        }

        /// `self × q`, or `None` if it does not fit 256 bits.
        pub(crate) fn mul_u64(self, q: u64) -> Option<Self> {
            let low = Self::product(q, self.lo);
            let high = u128::from(q).checked_mul(self.hi)?;
            Some(Self {
                hi: low.hi.checked_add(high)?,
                lo: low.lo,
            })
        }

        /// Number of significant bits.
        pub(crate) fn bits(self) -> u32 {
            if self.hi != 0 {
                256 - self.hi.leading_zeros()
            } else {
                128 - self.lo.leading_zeros()
            }
        }

        /// `self >> k` for `k < 256`.
        pub(crate) fn shr(self, k: u32) -> Self {
            match k {
                0 => self,
                1..128 => Self {
                    hi: self.hi >> k,
                    lo: (self.lo >> k) | (self.hi << (128 - k)),
                },
                _ => Self {
                    hi: 0,
                    lo: self.hi >> (k - 128),
                },
            }
        }
    }

    /// `floor(a × b / c)` for `c > 0` and `b <= c`: exact, and at most `a`.
    pub(crate) fn mul_div(a: u64, b: u128, c: U256) -> u64 {
        debug_assert!(c != U256::ZERO && U256::ZERO.add(b) <= c);
        if c.hi == 0
            && let Some(n) = u128::from(a).checked_mul(b)
        {
            // The quotient is at most a.
            return u64::try_from(n / c.lo).expect("floor(a × b / c) <= a when b <= c");
        }
        // Here c > 2^64 (else a × b <= a × c would fit 128 bits). Estimate the quotient from
        // the top 64 bits of c, then correct it: the estimate is within a few units.
        let n = U256::product(a, b);
        let shift = c.bits() - 64;
        // c >> shift is in [2^63, 2^64); n < 2^64 × c, so n >> shift < 2^128.
        let c_top = c.shr(shift).lo;
        let n_top = n.shr(shift).lo;
        let estimate = (n_top / c_top).min(u128::from(a));
        let mut q = u64::try_from(estimate).expect("clamped to a");
        // q × c > n: too big. `None` (beyond 256 bits) is bigger than any n.
        while c.mul_u64(q).is_none_or(|qc| qc > n) {
            q -= 1;
        }
        while q < a && c.mul_u64(q + 1).is_some_and(|qc| qc <= n) {
            q += 1;
        }
        q
    }
}
