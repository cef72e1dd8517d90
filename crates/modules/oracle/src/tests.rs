//! One named test per oracle rule, both sides.

use crate::{
    genesis, handler,
    msg::SubmitPrice,
    outcome::OracleRejection,
    params::OracleParams,
    types::{MicroUsdPerTrn, PriceReport},
    verify::median_price,
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_primitives::{Address, ChainId, Epoch, Hash32, Height, TimestampMs};
use terrane_state::{BlockEnv, MemStore, Overlay};

fn key(n: u8) -> Address {
    Address::new([n; 32])
}

fn env(height: u64, timestamp_ms: u64) -> BlockEnv {
    BlockEnv {
        chain_id: ChainId::new("oracle-test").unwrap(),
        height: Height::new(height),
        epoch: Epoch::ZERO,
        timestamp: TimestampMs::new(timestamp_ms),
        randomness: Hash32::default(),
    }
}

fn params() -> OracleParams {
    OracleParams {
        oracles: (1..=3).map(|n| key(n).to_string()).collect(),
        min_fresh_reports: 2,
        ..OracleParams::default()
    }
}

fn setup() -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    genesis::apply(&mut o, &params());
    o
}

fn report(price: u64, timestamp_ms: u64) -> SubmitPrice {
    SubmitPrice {
        price: MicroUsdPerTrn::new(price),
        timestamp: TimestampMs::new(timestamp_ms),
    }
}

fn submit(
    o: &mut Overlay<MemStore>,
    at_ms: u64,
    who: u8,
    msg: SubmitPrice,
) -> Result<(), OracleRejection> {
    block_on(handler::submit(o, &env(1, at_ms), &key(who), &msg))
        .unwrap()
        .map(|_| ())
}

const NOW: u64 = 10_000_000;

#[test]
fn the_price_is_the_median_of_fresh_reports_from_listed_oracles() {
    let mut o = setup();
    submit(&mut o, NOW, 1, report(2_000_000, NOW - 1_000)).unwrap();
    submit(&mut o, NOW, 2, report(2_600_000, NOW - 500)).unwrap();
    submit(&mut o, NOW, 3, report(2_400_000, NOW)).unwrap();
    let p = block_on(handler::price(&o, TimestampMs::new(NOW)))
        .unwrap()
        .unwrap();
    assert_eq!((p.price.get(), p.reports), (2_400_000, 3));
    assert_eq!(p.oldest, TimestampMs::new(NOW - 1_000));
}

#[test]
fn with_too_few_fresh_reports_there_is_no_price_never_a_stale_one() {
    let mut o = setup();
    submit(&mut o, NOW, 1, report(2_000_000, NOW)).unwrap();
    let one = block_on(handler::price(&o, TimestampMs::new(NOW))).unwrap();
    assert_eq!(
        one,
        Err(OracleRejection::TooFewFreshReports),
        "one of two needed"
    );
    submit(&mut o, NOW, 2, report(3_000_000, NOW)).unwrap();
    let two = block_on(handler::price(&o, TimestampMs::new(NOW)))
        .unwrap()
        .unwrap();
    assert_eq!(
        two.price.get(),
        2_500_000,
        "the mean of the two middle prices"
    );
    // Later, both reports have aged out of the window.
    let later = NOW + OracleParams::default().max_report_age_ms + 1;
    let stale = block_on(handler::price(&o, TimestampMs::new(later))).unwrap();
    assert_eq!(stale, Err(OracleRejection::TooFewFreshReports));
}

#[test]
fn reports_from_strangers_zero_prices_and_bad_timestamps_are_refused_and_write_nothing() {
    let p = OracleParams::default();
    let cases = [
        (9, report(1, NOW), OracleRejection::NotOracle),
        (1, report(0, NOW), OracleRejection::PriceZero),
        (
            1,
            report(1, NOW + p.max_future_skew_ms + 1),
            OracleRejection::ReportFromTheFuture,
        ),
        (
            1,
            report(1, NOW - p.max_report_age_ms - 1),
            OracleRejection::ReportStale,
        ),
    ];
    for (who, msg, code) in cases {
        let mut o = setup();
        assert_eq!(submit(&mut o, NOW, who, msg), Err(code));
        assert!(
            block_on(handler::reports(&o)).unwrap().is_empty(),
            "{code:?}"
        );
    }
    // The edges are accepted.
    let mut o = setup();
    submit(&mut o, NOW, 1, report(1, NOW + p.max_future_skew_ms)).unwrap();
    submit(&mut o, NOW, 2, report(1, NOW - p.max_report_age_ms)).unwrap();
}

#[test]
fn an_oracle_can_only_replace_its_report_with_a_newer_one() {
    let mut o = setup();
    submit(&mut o, NOW, 1, report(2_000_000, NOW)).unwrap();
    assert_eq!(
        submit(&mut o, NOW, 1, report(9_000_000, NOW)),
        Err(OracleRejection::ReportNotNewer)
    );
    submit(&mut o, NOW + 1, 1, report(2_100_000, NOW + 1)).unwrap();
    let reports = block_on(handler::reports(&o)).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].1.price.get(), 2_100_000);
}

#[test]
fn params_refuse_duplicates_bad_keys_too_many_oracles_and_zero_minimums() {
    params().validate().unwrap();
    let mut twice = params();
    twice.oracles.push(key(1).to_string());
    assert!(twice.validate().unwrap_err().contains("twice"));
    let mut bad = params();
    bad.oracles.push("0x12".into());
    assert!(bad.validate().unwrap_err().contains("hex key"));
    let many = OracleParams {
        oracles: (0..=32).map(|n| key(n).to_string()).collect(),
        ..params()
    };
    assert!(many.validate().unwrap_err().contains("at most 32"));
    let zero = OracleParams {
        min_fresh_reports: 0,
        ..params()
    };
    assert!(zero.validate().unwrap_err().contains("min_fresh_reports"));
}

#[test]
fn params_round_trip_through_their_state_encoding() {
    use commonware_codec::{DecodeExt, Encode};
    let p = params();
    assert_eq!(OracleParams::decode(p.encode()).unwrap(), p);
}

proptest! {
    #[test]
    fn the_median_does_not_depend_on_report_order_and_lies_within_the_fresh_prices(
        prices in prop::collection::vec(1u64..10_000_000, 1..32),
        rotate in 0usize..32,
    ) {
        let reports: Vec<PriceReport> = prices
            .iter()
            .map(|p| PriceReport {
                price: MicroUsdPerTrn::new(*p),
                timestamp: TimestampMs::new(NOW),
                height: Height::new(1),
            })
            .collect();
        let mut rotated = reports.clone();
        rotated.rotate_left(rotate % reports.len());
        let a = median_price(&reports, TimestampMs::new(NOW), 1_000, 1).unwrap();
        let b = median_price(&rotated, TimestampMs::new(NOW), 1_000, 1).unwrap();
        prop_assert_eq!(a, b);
        let (lo, hi) = (prices.iter().min().unwrap(), prices.iter().max().unwrap());
        prop_assert!(*lo <= a.price.get() && a.price.get() <= *hi);
        let below = prices.iter().filter(|p| **p < a.price.get()).count();
        let above = prices.iter().filter(|p| **p > a.price.get()).count();
        prop_assert!(below <= prices.len() / 2 && above <= prices.len() / 2);
    }
}
