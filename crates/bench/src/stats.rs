//! Small statistics over measurements: medians of rates and nearest-rank percentiles.

use std::time::{Duration, Instant};

/// The median of `values` (the mean of the middle two for an even count), `None` if empty.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// The nearest-rank `pct`-th percentile of `sorted` (ascending): the smallest value with at
/// least `pct`% of the values at or below it. `pct` 0 gives the minimum, 100 the maximum;
/// `None` if `sorted` is empty.
///
/// # Panics
/// If `pct` is over 100.
pub(crate) fn percentile(sorted: &[u64], pct: u32) -> Option<u64> {
    assert!(pct <= 100, "percentile {pct} is over 100");
    if sorted.is_empty() {
        return None;
    }
    debug_assert!(
        sorted.windows(2).all(|w| w[0] <= w[1]),
        "input must be sorted"
    );
    let n = sorted.len() as u64;
    // rank = ceil(pct/100 * n), at least 1; integer arithmetic so 99% of 100 is exactly 99.
    let rank = (u64::from(pct) * n).div_ceil(100).max(1);
    let index = usize::try_from(rank - 1).expect("rank is at most the slice length");
    Some(sorted[index])
}

/// Splits `units` into `rounds` contiguous groups, times `run` on each, and returns the median
/// of `items(group) / seconds`: a rate robust to one group being interrupted.
///
/// # Panics
/// If `units` is empty or `rounds` is 0.
pub(crate) fn median_rate<T>(
    units: &[T],
    rounds: usize,
    items: impl Fn(&[T]) -> usize,
    mut run: impl FnMut(&[T]),
) -> f64 {
    assert!(!units.is_empty() && rounds > 0, "nothing to time");
    let per_round = units.len().div_ceil(rounds.min(units.len()));
    let mut rates: Vec<f64> = units
        .chunks(per_round)
        .map(|group| {
            let start = Instant::now();
            run(group);
            rate(items(group), start.elapsed())
        })
        .collect();
    median(&mut rates).expect("at least one round")
}

/// `count / elapsed` per second; infinite when `elapsed` is zero so a caller never divides by it.
pub(crate) fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_of_nothing_is_none() {
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn percentile_of_one_value_is_that_value_at_every_rank() {
        for pct in [0, 1, 50, 99, 100] {
            assert_eq!(percentile(&[7], pct), Some(7));
        }
    }

    #[test]
    fn percentile_uses_nearest_rank_on_one_to_one_hundred() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0), Some(1));
        assert_eq!(percentile(&values, 1), Some(1));
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&values, 99), Some(99));
        assert_eq!(percentile(&values, 100), Some(100));
    }

    #[test]
    fn percentile_rounds_rank_up_on_small_samples() {
        // 10 values: p50 is the 5th, p99 the 10th (rank ceil(9.9) = 10), p90 the 9th.
        let values: Vec<u64> = (10..=100).step_by(10).collect();
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&values, 90), Some(90));
        assert_eq!(percentile(&values, 99), Some(100));
        // Two values: the median by nearest rank is the lower one.
        assert_eq!(percentile(&[3, 9], 50), Some(3));
        assert_eq!(percentile(&[3, 9], 51), Some(9));
    }

    #[test]
    fn percentile_counts_repeated_values() {
        let values = [1, 1, 1, 1, 1, 1, 1, 1, 1, 500];
        assert_eq!(percentile(&values, 90), Some(1));
        assert_eq!(percentile(&values, 91), Some(500));
    }

    #[test]
    #[should_panic(expected = "over 100")]
    fn percentile_over_one_hundred_is_a_bug() {
        let _ = percentile(&[1], 101);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn median_rate_runs_every_unit_exactly_once() {
        let units: Vec<u32> = (0..23).collect();
        let mut seen = Vec::new();
        let r = median_rate(&units, 5, <[u32]>::len, |group| {
            seen.extend_from_slice(group)
        });
        assert_eq!(seen, units);
        assert!(r > 0.0);
    }
}
