//! The price oracle through the executor: a listed oracle's signed report is accepted and
//! sets the chain's price; a stranger's is a recorded rejection with its code.

mod common;

use common::TestChain;
use futures::executor::block_on;
use terrane_app::{
    Genesis, Outcome, Payload,
    testkit::{address_of, named_key},
};
use terrane_oracle::{handler, msg::SubmitPrice, outcome::OracleRejection, types::MicroUsdPerTrn};
use terrane_primitives::{Amount, TimestampMs};

#[test]
fn a_listed_oracle_sets_the_price_and_a_strangers_report_is_refused_with_its_code() {
    let (oracle, stranger) = (named_key("oracle"), named_key("stranger"));
    let funded: Vec<_> = [&oracle, &stranger]
        .iter()
        .map(|k| (address_of(k), Amount::from_tokens(10).unwrap()))
        .collect();
    let mut g = Genesis::for_tests("oracle-flow", &funded);
    g.params.oracle.oracles = vec![address_of(&oracle).to_string()];
    let mut c = TestChain::new(g, funded.iter().map(|(a, _)| *a).collect());
    c.execute(vec![]);
    let now = c.ts();
    let report = |price| {
        Payload::SubmitPrice(SubmitPrice {
            price: MicroUsdPerTrn::new(price),
            timestamp: TimestampMs::new(now),
        })
    };
    let txs = vec![
        c.tx(&oracle, report(2_500_000)),
        c.tx(&stranger, report(9_999_999)),
    ];
    let outcomes: Vec<Outcome> = c.execute(txs).txs.into_iter().map(|t| t.outcome).collect();
    assert_eq!(
        outcomes,
        vec![Outcome::OK, Outcome::from(OracleRejection::NotOracle)]
    );
    let price = block_on(handler::price(&c.state(), TimestampMs::new(c.ts())))
        .unwrap()
        .expect("one fresh report is enough at the default");
    assert_eq!((price.price.get(), price.reports), (2_500_000, 1));
}
