//! Fixed-point logarithms and radio link budgets, integer-only.
//!
//! Units are in the names: `_micro` is millionths, `_centi_db` hundredths of a decibel,
//! `_centi_dbm` hundredths of a dBm, `_centi_dbi` hundredths of a dBi, `_khz` kilohertz.
//!
//! Nothing here panics and nothing overflows: logarithms of `u64` are bounded (at most
//! 19_265_920 micro-units), sums are done in `i64` within proven bounds, and link budgets
//! saturate at the `i32` limits.
//!
//! Rounding directions:
//! - [`log10_micro`] rounds to nearest (error at most 0.5 micro-units plus ~1e-8).
//! - [`fspl_centi_db`] rounds the path loss down (toward −∞), and its constant rounds the loss
//!   down too, so the loss is never overstated and [`max_rssi_centi_dbm`] never understates
//!   what physics allows: an honest witness is never rejected because of our rounding.

/// Fractional bits of the binary logarithm: 48 bits resolve log2 to ~3.6e-15.
const LOG2_FRAC_BITS: u32 = 48;

/// `round(log10(2) · 10^6 · 2^40)`, computed with 60 significant digits.
const LOG10_2_MICRO_Q40: u128 = 330_985_980_541_906_186;

/// The mantissa's fixed point: `2^63` stands for 1.0.
const ONE_Q63: u128 = 1 << 63;

/// `20·log10(4π/c) + 20·log10(1000)` in micro-dB, negated: the free-space path loss constant
/// for distances in meters and frequencies in kHz. `20·log10(4π/c) = −147.552216778…` dB with
/// `c = 299_792_458` m/s (the textbook "−147.55"); plus 60 dB for kHz → Hz. Rounded up to
/// 87.552217 dB so the loss is rounded down.
const FSPL_OFFSET_KHZ_MICRO_DB: i64 = 87_552_217;

/// `round(10^6 · log10(x))` for `x ≥ 1`; `x = 0` is treated as 1 (returns 0).
///
/// Integer binary logarithm: the integer part of `log2 x` from the leading zeros; the
/// fractional part bit by bit, by squaring the mantissa in `[1, 2)` (Q1.63 in a `u128`) and
/// taking a bit whenever the square reaches 2; then `log10 x = log2 x · log10 2` in fixed
/// point. Every truncation is downward and smaller than 2^-47 in log2, so the result is within
/// 0.5 + 1e-8 micro-units of the exact value; powers of ten are exact. Monotone non-decreasing
/// in `x`.
pub fn log10_micro(x: u64) -> i64 {
    let x = x.max(1);
    // floor(log2 x), in 0..=63.
    let int_part = 63 - x.leading_zeros();
    // x / 2^int_part in [1, 2), exact: x has at most 64 significant bits.
    let mut mantissa = u128::from(x) << (63 - int_part);
    let mut log2_q48 = u128::from(int_part) << LOG2_FRAC_BITS;
    for bit in (0..LOG2_FRAC_BITS).rev() {
        // mantissa < 2^64, so its square fits; the product is in [1, 4) after the shift
        // (truncated down).
        mantissa = (mantissa * mantissa) >> 63;
        if mantissa >= 2 * ONE_Q63 {
            mantissa >>= 1;
            log2_q48 |= 1 << bit;
        }
    }
    // log2_q48 < 2^54 and the constant < 2^59: the product fits a u128. Round half up.
    let shift = LOG2_FRAC_BITS + 40;
    let micro = (log2_q48 * LOG10_2_MICRO_Q40 + (1 << (shift - 1))) >> shift;
    // At most round(10^6 · log10(2^64)) = 19_265_920.
    i64::try_from(micro).unwrap_or(i64::MAX)
}

/// Free-space path loss in hundredths of a dB:
/// `20·log10(d_m) + 20·log10(f_Hz) − 147.552…`, with `f_Hz = 1000 · freq_khz`.
///
/// Distances below 1 m are taken as 1 m (the formula is for the far field) and a frequency of
/// 0 as 1 kHz. Rounded down (see the module doc); within 0.01 dB of the exact formula. Monotone
/// non-decreasing in both arguments. Example: 1 km at 868 MHz gives 9121 (91.218 dB).
pub fn fspl_centi_db(distance_m: u32, freq_khz: u32) -> i32 {
    let d = log10_micro(u64::from(distance_m));
    let f = log10_micro(u64::from(freq_khz));
    // Both logs are in 0..=9_632_960, so the sum is in [−87.6e6, 297.8e6]: no overflow in i64.
    let micro_db = 20 * (d + f) - FSPL_OFFSET_KHZ_MICRO_DB;
    // Toward −∞: the loss is never overstated.
    let centi_db = micro_db.div_euclid(10_000);
    // In [−8_756, 29_780].
    i32::try_from(centi_db).unwrap_or(i32::MAX)
}

/// The strongest signal, in hundredths of a dBm, that a receiver `distance_m` away can hear
/// from a transmitter at `freq_khz`: EIRP (`tx_power + tx_gain`) plus the receiver's antenna
/// gain, minus the free-space path loss. Nothing in free space arrives stronger, so a reported
/// RSSI above this is physically impossible (before any tolerance the caller adds).
///
/// Saturating at the `i32` limits; never panics.
pub fn max_rssi_centi_dbm(
    tx_power_centi_dbm: i32,
    tx_gain_centi_dbi: i32,
    rx_gain_centi_dbi: i32,
    distance_m: u32,
    freq_khz: u32,
) -> i32 {
    tx_power_centi_dbm
        .saturating_add(tx_gain_centi_dbi)
        .saturating_add(rx_gain_centi_dbi)
        .saturating_sub(fspl_centi_db(distance_m, freq_khz))
}

/// `round(4π · 10^12)`: the crossover distance's constant, scaled so it stays in integers.
const FOUR_PI_E12: u128 = 12_566_370_614_359;

/// Speed of light, m/s.
const LIGHT_M_PER_S: u128 = 299_792_458;

/// The two-ray crossover distance in meters for antennas `height_m` above flat ground at
/// `freq_khz`: `d_c = 4π · h_t · h_r / λ` with both heights `height_m`. Below it, ground
/// reflection does not weaken a line-of-sight signal beyond free space; past it the direct and
/// reflected rays cancel and power falls as `d^-4` (the two-ray ground-reflection model: T. S.
/// Rappaport, *Wireless Communications: Principles and Practice*, 2nd ed., §4.6; A. Goldsmith,
/// *Wireless Communications*, §2.4). Rounded up, so the steeper slope never starts early.
/// At least 1 m; saturates at `u32::MAX`.
pub fn crossover_m(height_m: u32, freq_khz: u32) -> u32 {
    // h² ≤ 2^64, f·1000 < 2^42, the constant < 2^44: the product would not fit for absurd
    // heights, so it saturates (and so does the answer).
    let num = u128::from(height_m)
        .pow(2)
        .saturating_mul(u128::from(freq_khz) * 1000)
        .saturating_mul(FOUR_PI_E12);
    let den = LIGHT_M_PER_S * 1_000_000_000_000;
    u32::try_from(num.div_ceil(den)).unwrap_or(u32::MAX).max(1)
}

/// The least path loss, in hundredths of a dB, that a link of `distance_m` at `freq_khz` can
/// credibly have between antennas at most `height_m` above the ground: free space up to the
/// two-ray crossover distance ([`crossover_m`]), then `10 · n · log10(d / d_c)` more, with
/// `n = exponent_x10 / 10` (4.0 in the two-ray model). `exponent_x10 = 20` is free space at
/// every distance. Rounded down, so the loss is never overstated. Monotone non-decreasing in
/// the distance.
pub fn credible_loss_centi_db(
    distance_m: u32,
    freq_khz: u32,
    height_m: u32,
    exponent_x10: u32,
) -> i32 {
    let crossover = crossover_m(height_m, freq_khz);
    if distance_m <= crossover {
        return fspl_centi_db(distance_m, freq_khz);
    }
    // log10(d/d_c) in micro-units is in (0, 9_632_960]; the exponent is capped at 100 (n = 10),
    // so the product stays below 2^40 and the division gives hundredths of a dB.
    let decades_micro = log10_micro(u64::from(distance_m)) - log10_micro(u64::from(crossover));
    let extra = i64::from(exponent_x10.min(100)) * decades_micro.max(0) / 10_000;
    let extra = i32::try_from(extra).unwrap_or(i32::MAX);
    fspl_centi_db(crossover, freq_khz).saturating_add(extra)
}

/// The strongest signal, in hundredths of a dBm, a receiver `distance_m` away can credibly
/// report: like [`max_rssi_centi_dbm`], with the path loss of [`credible_loss_centi_db`].
pub fn max_credible_rssi_centi_dbm(
    tx_power_centi_dbm: i32,
    tx_gain_centi_dbi: i32,
    rx_gain_centi_dbi: i32,
    distance_m: u32,
    freq_khz: u32,
    height_m: u32,
    exponent_x10: u32,
) -> i32 {
    tx_power_centi_dbm
        .saturating_add(tx_gain_centi_dbi)
        .saturating_add(rx_gain_centi_dbi)
        .saturating_sub(credible_loss_centi_db(
            distance_m,
            freq_khz,
            height_m,
            exponent_x10,
        ))
}
