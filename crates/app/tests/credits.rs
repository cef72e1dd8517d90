//! Data credits and paid data sessions through the executor: burns at the oracle price, a
//! session escrowed, paid by signed receipts and closed, every refusal a recorded code, and
//! TRN and credit conservation checked after every block (the chain's invariants) over random
//! transaction sequences.

mod common;

use common::TestChain;
use commonware_cryptography::{Signer as _, ed25519};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_app::{
    Genesis, Outcome, Payload,
    testkit::{address_of, named_key},
};
use terrane_coverage::radio::{Band, capabilities as coverage};
use terrane_credits::{
    handler as credits,
    msg::BurnForCredits,
    outcome::CreditsRejection,
    types::{Credits, EscrowId},
};
use terrane_devices::{msg::Domains, testkit};
use terrane_oracle::{msg::SubmitPrice, types::MicroUsdPerTrn};
use terrane_primitives::{Amount, DeviceId, TimestampMs};
use terrane_sessions::{
    handler as sessions,
    msg::{CloseSession, OpenSession, SubmitReceipt},
    outcome::SessionsRejection,
    types::Receipt,
};

test_chain!(Chain);

fn key(name: &str) -> ed25519::PrivateKey {
    named_key(name)
}

fn hotspot() -> DeviceId {
    testkit::id_of(&testkit::key("hotspot"))
}

impl Chain {
    /// Consumer, owner, relay and oracle funded with 1,000 TRN; a hotspot registered to
    /// `owner`; the oracle at $1.00.
    fn new() -> Self {
        let names = ["consumer", "owner", "relay", "oracle"];
        let funded: Vec<_> = names
            .iter()
            .map(|n| (address_of(&key(n)), Amount::from_tokens(1_000).unwrap()))
            .collect();
        let mut g = Genesis::for_tests("credits-flow", &funded);
        g.params.oracle.oracles = vec![address_of(&key("oracle")).to_string()];
        g.makers = vec![testkit::address_of(&testkit::key("maker")).to_string()];
        let mut c = Self(TestChain::new(g, funded.iter().map(|(a, _)| *a).collect()));
        c.price(1_000_000);
        let owner = key("owner");
        let msg = testkit::registration(
            &Domains::of(&c.exec.genesis().chain_id()),
            &address_of(&owner),
            &testkit::key("hotspot"),
            coverage(30, 270, Band::Eu868),
            terrane_geo::offchain::cell_at(52.52, 13.40, 12),
            &testkit::key("maker"),
        );
        let tx = c.tx(&owner, Payload::RegisterDevice(msg));
        assert_eq!(c.outcomes(vec![tx]), vec![Outcome::OK]);
        c
    }

    fn price(&mut self, micro_usd: u64) {
        let ts = self.ts() + 1_000; // the next block's time
        let tx = self.tx(
            &key("oracle"),
            Payload::SubmitPrice(SubmitPrice {
                price: MicroUsdPerTrn::new(micro_usd),
                timestamp: TimestampMs::new(ts),
            }),
        );
        assert_eq!(self.outcomes(vec![tx]), vec![Outcome::OK]);
    }

    fn buy(&mut self, signer: &str, to: &str, base: u64) -> Outcome {
        self.one(
            signer,
            Payload::BurnForCredits(BurnForCredits {
                to: address_of(&key(to)),
                amount: Amount::new(base),
            }),
        )
    }

    fn open(&mut self, deposit: u64) -> (Outcome, EscrowId) {
        let next = block_on(credits::ledger(&self.state()))
            .unwrap()
            .escrows_opened
            + 1;
        let outcome = self.one(
            "consumer",
            Payload::OpenSession(OpenSession {
                device: hotspot(),
                deposit: Credits::new(deposit),
                duration_blocks: 50,
            }),
        );
        (outcome, EscrowId::new(next))
    }

    fn receipt(&self, session: EscrowId, bytes: u64, nonce: u64, by: &str) -> Payload {
        let receipt = Receipt {
            session,
            bytes,
            nonce,
        };
        let ns = Receipt::signing_namespace(&self.exec.genesis().chain_id());
        Payload::SubmitReceipt(SubmitReceipt {
            receipt,
            signature: key(by).sign(&ns, &receipt.message()),
        })
    }

    fn dc(&self, who: &str) -> u64 {
        block_on(credits::balance(&self.state(), &address_of(&key(who))))
            .unwrap()
            .get()
    }

    fn trn(&self, who: &str) -> u64 {
        block_on(terrane_accounts::handler::account(
            &self.state(),
            &address_of(&key(who)),
        ))
        .unwrap()
        .balance
        .get()
    }
}

#[test]
fn a_consumer_buys_credits_pays_a_hotspot_by_receipts_and_gets_the_rest_back() {
    let mut c = Chain::new();
    let before = c.trn("consumer");
    assert_eq!(c.buy("consumer", "consumer", 1_000_000), Outcome::OK);
    assert_eq!(c.dc("consumer"), 100_000, "1 TRN at $1 is 100,000 credits");
    let fee = before - c.trn("consumer") - 1_000_000;
    assert!(fee > 0, "the fee is burned besides the million base units");

    let (opened, s) = c.open(10_000);
    assert_eq!(opened, Outcome::OK);
    assert_eq!(c.dc("consumer"), 90_000);
    // The hotspot's owner relays the receipts; a replay in the same block is refused.
    let r1 = c.receipt(s, 24_000, 1, "consumer");
    let r2 = c.receipt(s, 48_000, 2, "consumer");
    let txs = vec![
        c.tx(&key("owner"), r1),
        c.tx(&key("owner"), r2.clone()),
        c.tx(&key("relay"), r2),
    ];
    assert_eq!(
        c.outcomes(txs),
        vec![
            Outcome::OK,
            Outcome::OK,
            Outcome::from(SessionsRejection::StaleReceipt)
        ]
    );
    let epoch = c
        .exec
        .block_env(
            terrane_primitives::Height::new(c.height),
            TimestampMs::new(c.ts()),
            Default::default(),
        )
        .epoch;
    assert_eq!(
        block_on(credits::device_usage(&c.state(), epoch, &hotspot()))
            .unwrap()
            .get(),
        2_000,
        "48,000 bytes at 24 bytes a credit, once"
    );
    let close = CloseSession { session: s };
    assert_eq!(
        c.one("consumer", Payload::CloseSession(close)),
        Outcome::from(SessionsRejection::NotExpired)
    );
    assert_eq!(c.one("owner", Payload::CloseSession(close)), Outcome::OK);
    assert_eq!(c.dc("consumer"), 98_000);
    let l = block_on(credits::ledger(&c.state())).unwrap();
    assert_eq!(
        (l.minted.get(), l.spent.get(), l.outstanding().get()),
        (100_000, 2_000, 98_000)
    );
    assert_eq!(l.trn_burned, Amount::new(1_000_000));
    assert!(
        block_on(sessions::session(&c.state(), s))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_company_buys_credits_for_another_account_and_bad_burns_are_recorded_with_codes() {
    let mut c = Chain::new();
    assert_eq!(c.buy("owner", "consumer", 2_000_000), Outcome::OK);
    assert_eq!((c.dc("consumer"), c.dc("owner")), (200_000, 0));
    assert_eq!(
        c.buy("owner", "owner", 0),
        Outcome::from(CreditsRejection::ZeroBurn)
    );
    assert_eq!(
        c.buy("owner", "owner", 5),
        Outcome::from(CreditsRejection::BurnTooSmall)
    );
    assert_eq!(
        c.buy("relay", "relay", 5_000_000_000),
        Outcome::from(CreditsRejection::InsufficientTrn)
    );
    // Past the oracle's freshness window (ten minutes at one block a second), burns stop.
    for _ in 0..601 {
        c.outcomes(vec![]);
    }
    assert_eq!(
        c.buy("owner", "owner", 1_000_000),
        Outcome::from(CreditsRejection::NoFreshPrice)
    );
    assert_eq!(c.dc("owner"), 0, "nothing credited by a refused burn");
}

#[derive(Clone, Debug)]
enum Op {
    Price(u64),
    Buy(u8, u8, u64),
    Open(u64),
    Receipt {
        which: usize,
        bytes: u64,
        nonce: u64,
        forged: bool,
    },
    Close {
        which: usize,
        by_owner: bool,
    },
    Idle(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (100_000u64..5_000_000).prop_map(Op::Price),
        (0u8..3, 0u8..3, 0u64..3_000_000).prop_map(|(a, b, n)| Op::Buy(a, b, n)),
        (0u64..60_000).prop_map(Op::Open),
        (0usize..4, 0u64..2_000_000, 0u64..8, any::<bool>()).prop_map(
            |(which, bytes, nonce, forged)| Op::Receipt {
                which,
                bytes,
                nonce,
                forged
            }
        ),
        (0usize..4, any::<bool>()).prop_map(|(which, by_owner)| Op::Close { which, by_owner }),
        (1u8..80).prop_map(Op::Idle),
    ]
}

const NAMES: [&str; 3] = ["consumer", "owner", "relay"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random burns, sessions, receipts (forged, replayed, over escrow), closes and idle
    /// blocks: after every block TRN is conserved (balances + burned == genesis + minted)
    /// and credits are (minted == spent + balances + escrowed) — `TestChain` checks every
    /// module's invariant; and at the end the hotspot was paid exactly the credits the chain
    /// recorded as spent.
    #[test]
    fn trn_and_credits_are_conserved_over_random_transaction_sequences(ops in prop::collection::vec(op(), 1..25)) {
        let mut c = Chain::new();
        prop_assert_eq!(c.buy("consumer", "consumer", 1_000_000), Outcome::OK);
        let mut sessions_opened = Vec::new();
        for op in ops {
            match op {
                Op::Price(p) => c.price(p),
                Op::Buy(a, b, n) => { c.buy(NAMES[a as usize], NAMES[b as usize], n); }
                Op::Open(d) => {
                    let (o, s) = c.open(d);
                    if o == Outcome::OK { sessions_opened.push(s); }
                }
                Op::Receipt { which, bytes, nonce, forged } => {
                    if let Some(s) = sessions_opened.get(which % sessions_opened.len().max(1)).copied() {
                        let p = c.receipt(s, bytes, nonce, if forged { "relay" } else { "consumer" });
                        let outcome = c.one("relay", p);
                        prop_assert!(!forged || outcome != Outcome::OK);
                    }
                }
                Op::Close { which, by_owner } => {
                    if let Some(s) = sessions_opened.get(which % sessions_opened.len().max(1)).copied() {
                        c.one(if by_owner { "owner" } else { "consumer" }, Payload::CloseSession(CloseSession { session: s }));
                    }
                }
                Op::Idle(n) => for _ in 0..n { c.outcomes(vec![]); },
            }
        }
        let l = block_on(credits::ledger(&c.state())).unwrap();
        prop_assert_eq!(block_on(credits::lifetime_usage(&c.state(), &hotspot())).unwrap(), l.spent);
        let held: u64 = NAMES.iter().map(|n| c.dc(n)).sum();
        prop_assert_eq!(held, l.balances.get(), "the three accounts are every credit holder");
    }
}
