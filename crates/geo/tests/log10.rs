//! `log10_micro` against the float logarithm.

mod common;

use common::SplitMix64;
use terrane_geo::log10_micro;

#[test]
fn log10_micro_is_within_2_micro_units_of_float_log10_over_the_whole_u64_range() {
    let mut rng = SplitMix64::new(10);
    let mut worst = 0.0_f64;
    let mut worst_at = 1_u64;
    for n in 0..10_000_u32 {
        // Log-uniform over [1, 2^64): a random bit length, then random bits below it; plus the
        // edges of every power of two.
        let x = match n {
            0 => 1,
            1 => u64::MAX,
            2..=65 => 1_u64 << (n - 2) | u64::from(n % 2),
            _ => {
                let bits = rng.next_u64() % 64 + 1;
                let value = rng.next_u64() >> (64 - bits);
                value.max(1)
            }
        };
        let exact = 1e6 * (x as f64).log10();
        let error = (log10_micro(x) as f64 - exact).abs();
        if error > worst {
            (worst, worst_at) = (error, x);
        }
    }
    println!("log10_micro: max |error| {worst:.4} micro-units (at x = {worst_at})");
    assert!(worst <= 2.0);
}

#[test]
fn log10_micro_of_one_is_zero_and_of_powers_of_ten_is_exact() {
    assert_eq!(log10_micro(1), 0);
    assert_eq!(log10_micro(0), 0, "0 is treated as 1");
    let mut power = 1_u64;
    for k in 0..=19 {
        assert_eq!(log10_micro(power), k * 1_000_000, "10^{k}");
        power = power.saturating_mul(10);
    }
}

#[test]
fn log10_micro_is_monotone_around_powers_of_two_and_ten() {
    let mut power = 10_u64;
    for _ in 1..19 {
        for x in [power - 1, power, power + 1] {
            assert!(log10_micro(x) <= log10_micro(x + 1));
        }
        power *= 10;
    }
    for shift in 1..64 {
        let x = 1_u64 << shift;
        assert!(log10_micro(x - 1) <= log10_micro(x));
    }
}
