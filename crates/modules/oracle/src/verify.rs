//! The chain's price from the reports: pure functions of plain values.

use crate::types::{ChainPrice, MicroUsdPerTrn, PriceReport};
use terrane_primitives::TimestampMs;

/// The median of the reports whose timestamp is at least `now − max_age_ms`, or `None` with
/// fewer than `min_reports` of them. With an even count the median is the mean of the two
/// middle prices, rounded down. Order of `reports` does not matter.
pub fn median_price(
    reports: &[PriceReport],
    now: TimestampMs,
    max_age_ms: u64,
    min_reports: u32,
) -> Option<ChainPrice> {
    let oldest_fresh = now.get().saturating_sub(max_age_ms);
    let mut fresh: Vec<&PriceReport> = reports
        .iter()
        .filter(|r| r.timestamp.get() >= oldest_fresh)
        .collect();
    let count = u32::try_from(fresh.len()).expect("at most 32 oracles");
    if fresh.is_empty() || count < min_reports {
        return None;
    }
    fresh.sort_by_key(|r| r.price);
    let mid = fresh.len() / 2;
    let price = if fresh.len() % 2 == 1 {
        fresh[mid].price.get()
    } else {
        let (a, b) = (fresh[mid - 1].price.get(), fresh[mid].price.get());
        // a ≤ b: a + (b − a) / 2 is the mean rounded down, without overflow.
        a + (b - a) / 2
    };
    Some(ChainPrice {
        price: MicroUsdPerTrn::new(price),
        reports: count,
        oldest: fresh.iter().map(|r| r.timestamp).min().expect("non-empty"),
    })
}
