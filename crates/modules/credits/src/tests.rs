//! One named test per credits rule, both sides, and the ledger's equation as a property.

use crate::{
    genesis, handler, invariants,
    msg::BurnForCredits,
    outcome::CreditsRejection,
    params::CreditsParams,
    types::{Credits, Service},
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_accounts::{genesis as accounts_genesis, params::AccountsParams};
use terrane_oracle::{
    genesis as oracle_genesis, handler as oracle, msg::SubmitPrice, params::OracleParams,
    types::MicroUsdPerTrn,
};
use terrane_primitives::{Address, Amount, ChainId, DeviceId, Epoch, Hash32, Height, TimestampMs};
use terrane_state::{BlockEnv, MemStore, Overlay};

const NOW: u64 = 50_000_000;
/// $1.00 per TRN.
const ONE_DOLLAR: u64 = 1_000_000;

fn addr(n: u8) -> Address {
    Address::new([n; 32])
}

fn device(n: u8) -> DeviceId {
    DeviceId::new([n; 32])
}

const ORACLE: u8 = 9;

fn env(epoch: u64, at_ms: u64) -> BlockEnv {
    BlockEnv {
        chain_id: ChainId::new("credits-test").unwrap(),
        height: Height::new(10),
        epoch: Epoch::new(epoch),
        timestamp: TimestampMs::new(at_ms),
        randomness: Hash32::default(),
    }
}

/// Accounts 1..=3 hold 1,000 TRN each; one oracle; no price reported yet.
fn setup() -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    let allocations: Vec<_> = (1..=3)
        .map(|n| (addr(n), Amount::from_tokens(1_000).unwrap()))
        .collect();
    accounts_genesis::apply(&mut o, &allocations, &AccountsParams::default());
    oracle_genesis::apply(
        &mut o,
        &OracleParams {
            oracles: vec![addr(ORACLE).to_string()],
            ..OracleParams::default()
        },
    );
    genesis::apply(&mut o, &CreditsParams::default());
    o
}

fn set_price(o: &mut Overlay<MemStore>, micro_usd: u64, at_ms: u64) {
    block_on(oracle::submit(
        o,
        &env(0, at_ms),
        &addr(ORACLE),
        &SubmitPrice {
            price: MicroUsdPerTrn::new(micro_usd),
            timestamp: TimestampMs::new(at_ms),
        },
    ))
    .unwrap()
    .unwrap();
}

fn buy(
    o: &mut Overlay<MemStore>,
    at_ms: u64,
    from: u8,
    to: u8,
    base: u64,
) -> Result<(), CreditsRejection> {
    block_on(handler::buy(
        o,
        &env(0, at_ms),
        &addr(from),
        &BurnForCredits {
            to: addr(to),
            amount: Amount::new(base),
        },
    ))
    .unwrap()
    .map(|_| ())
}

fn trn(o: &Overlay<MemStore>, n: u8) -> u64 {
    block_on(terrane_accounts::handler::account(o, &addr(n)))
        .unwrap()
        .balance
        .get()
}

fn dc(o: &Overlay<MemStore>, n: u8) -> u64 {
    block_on(handler::balance(o, &addr(n))).unwrap().get()
}

fn check(o: &Overlay<MemStore>) {
    let burned = block_on(terrane_accounts::handler::supply(o))
        .unwrap()
        .burned;
    block_on(invariants::check(o, (0..=10).map(addr), burned))
        .unwrap()
        .unwrap();
}

#[test]
fn burning_one_trn_at_one_dollar_buys_one_hundred_thousand_credits_for_the_named_account() {
    let mut o = setup();
    set_price(&mut o, ONE_DOLLAR, NOW);
    buy(&mut o, NOW, 1, 2, 1_000_000).unwrap();
    assert_eq!(dc(&o, 2), 100_000, "credits go to `to`");
    assert_eq!(dc(&o, 1), 0, "not to the payer");
    assert_eq!(trn(&o, 1), 999_000_000, "the payer's TRN is burned");
    let l = block_on(handler::ledger(&o)).unwrap();
    assert_eq!(l.trn_burned, Amount::new(1_000_000));
    assert_eq!((l.minted.get(), l.balances.get()), (100_000, 100_000));
    // At $2.50 the same burn buys 2.5 times as many credits.
    set_price(&mut o, 2_500_000, NOW + 1);
    buy(&mut o, NOW + 1, 1, 1, 1_000_000).unwrap();
    assert_eq!(dc(&o, 1), 250_000);
    check(&o);
}

#[test]
fn a_burn_without_a_fresh_price_is_refused_and_burns_nothing() {
    let mut o = setup();
    assert_eq!(
        buy(&mut o, NOW, 1, 1, 1_000_000),
        Err(CreditsRejection::NoFreshPrice),
        "no report at all"
    );
    set_price(&mut o, ONE_DOLLAR, NOW);
    let stale = NOW + OracleParams::default().max_report_age_ms + 1;
    assert_eq!(
        buy(&mut o, stale, 1, 1, 1_000_000),
        Err(CreditsRejection::NoFreshPrice),
        "the only report aged out"
    );
    assert_eq!(trn(&o, 1), 1_000_000_000);
    assert_eq!(block_on(handler::ledger(&o)).unwrap(), Default::default());
    check(&o);
}

#[test]
fn zero_dust_and_unfunded_burns_get_their_codes_and_change_nothing() {
    let mut o = setup();
    set_price(&mut o, ONE_DOLLAR, NOW);
    assert_eq!(buy(&mut o, NOW, 1, 1, 0), Err(CreditsRejection::ZeroBurn));
    // 9 base units at $1 are 9 micro-USD: less than one credit of 10.
    assert_eq!(
        buy(&mut o, NOW, 1, 1, 9),
        Err(CreditsRejection::BurnTooSmall)
    );
    buy(&mut o, NOW, 1, 1, 10).unwrap();
    assert_eq!(dc(&o, 1), 1, "10 base units is exactly one credit");
    assert_eq!(
        buy(&mut o, NOW, 4, 1, 1_000_000),
        Err(CreditsRejection::InsufficientTrn),
        "account 4 holds nothing"
    );
    assert_eq!(trn(&o, 1), 1_000_000_000 - 10);
    check(&o);
}

#[test]
fn an_escrow_pays_devices_at_most_its_deposit_and_releases_the_rest_to_its_payer() {
    let mut o = setup();
    set_price(&mut o, ONE_DOLLAR, NOW);
    buy(&mut o, NOW, 1, 1, 1_000_000).unwrap();
    let e = env(3, NOW);
    assert_eq!(
        block_on(handler::escrow(
            &mut o,
            &e,
            &addr(1),
            Service::DATA_SESSION,
            Credits::ZERO
        ))
        .unwrap(),
        Err(CreditsRejection::ZeroDeposit)
    );
    assert_eq!(
        block_on(handler::escrow(
            &mut o,
            &e,
            &addr(1),
            Service::DATA_SESSION,
            Credits::new(100_001)
        ))
        .unwrap(),
        Err(CreditsRejection::InsufficientCredits)
    );
    let (id, _) = block_on(handler::escrow(
        &mut o,
        &e,
        &addr(1),
        Service::DATA_SESSION,
        Credits::new(40_000),
    ))
    .unwrap()
    .unwrap();
    assert_eq!(dc(&o, 1), 60_000);
    check(&o);
    block_on(handler::pay(
        &mut o,
        id,
        &device(7),
        Epoch::new(3),
        Credits::new(15_000),
    ))
    .unwrap();
    block_on(handler::pay(
        &mut o,
        id,
        &device(8),
        Epoch::new(3),
        Credits::new(5_000),
    ))
    .unwrap();
    block_on(handler::pay(
        &mut o,
        id,
        &device(7),
        Epoch::new(4),
        Credits::new(1_000),
    ))
    .unwrap();
    check(&o);
    let lines = block_on(handler::epoch_usage_lines(&o, Epoch::new(3))).unwrap();
    assert_eq!(
        lines,
        vec![
            (device(7), Credits::new(15_000)),
            (device(8), Credits::new(5_000))
        ],
        "in first-paid order"
    );
    assert_eq!(
        block_on(handler::epoch_usage(&o, Epoch::new(3)))
            .unwrap()
            .credits
            .get(),
        20_000
    );
    assert_eq!(
        block_on(handler::lifetime_usage(&o, &device(7)))
            .unwrap()
            .get(),
        16_000
    );
    block_on(handler::release(&mut o, id)).unwrap();
    assert_eq!(dc(&o, 1), 60_000 + 19_000, "the unpaid 19,000 come back");
    assert!(block_on(handler::escrow_of(&o, id)).unwrap().is_none());
    let l = block_on(handler::ledger(&o)).unwrap();
    assert_eq!(
        (l.spent.get(), l.escrowed.get(), l.escrows_open),
        (21_000, 0, 0)
    );
    check(&o);
}

#[test]
#[should_panic(expected = "at most what remains")]
fn a_service_paying_above_the_escrow_is_a_bug_that_crashes() {
    let mut o = setup();
    set_price(&mut o, ONE_DOLLAR, NOW);
    buy(&mut o, NOW, 1, 1, 1_000_000).unwrap();
    let (id, _) = block_on(handler::escrow(
        &mut o,
        &env(0, NOW),
        &addr(1),
        Service::DATA_SESSION,
        Credits::new(10),
    ))
    .unwrap()
    .unwrap();
    let _ = block_on(handler::pay(
        &mut o,
        id,
        &device(7),
        Epoch::ZERO,
        Credits::new(11),
    ));
}

#[test]
fn credits_for_rounds_down_and_params_refuse_a_free_credit() {
    let p = CreditsParams::default();
    let q = |base, price| {
        handler::credits_for(Amount::new(base), MicroUsdPerTrn::new(price), &p)
            .unwrap()
            .get()
    };
    assert_eq!(q(1_000_000, ONE_DOLLAR), 100_000);
    assert_eq!(q(19, ONE_DOLLAR), 1);
    assert_eq!(q(1, 20_000_000), 2, "at $20 one base unit is 20 micro-USD");
    assert!(
        CreditsParams {
            micro_usd_per_credit: 0
        }
        .validate()
        .is_err()
    );
    p.validate().unwrap();
}

#[derive(Clone, Debug)]
enum Op {
    Price(u64),
    Buy {
        from: u8,
        to: u8,
        base: u64,
    },
    Escrow {
        payer: u8,
        deposit: u64,
    },
    Pay {
        which: usize,
        device: u8,
        epoch: u64,
        amount: u64,
    },
    Release {
        which: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..5_000_000).prop_map(Op::Price),
        (1u8..=4, 1u8..=5, 0u64..3_000_000).prop_map(|(from, to, base)| Op::Buy { from, to, base }),
        (1u8..=5, 0u64..200_000).prop_map(|(payer, deposit)| Op::Escrow { payer, deposit }),
        (0usize..8, 1u8..=4, 0u64..3, 0u64..100_000).prop_map(|(which, device, epoch, amount)| {
            Op::Pay {
                which,
                device,
                epoch,
                amount,
            }
        }),
        (0usize..8).prop_map(|which| Op::Release { which }),
    ]
}

proptest! {
    /// Whatever sequence of burns, escrows, payments and releases runs, every credit minted
    /// is spent, in a balance or in an escrow, and every TRN burned for one is in the supply's
    /// burned count.
    #[test]
    fn credits_minted_always_equal_spent_plus_outstanding(ops in prop::collection::vec(op(), 1..60)) {
        let mut o = setup();
        let mut t = NOW;
        set_price(&mut o, ONE_DOLLAR, t);
        let mut open = Vec::new();
        let mut paid_total = 0u64;
        for op in ops {
            t += 1;
            match op {
                Op::Price(p) => set_price(&mut o, p, t),
                Op::Buy { from, to, base } => { let _ = buy(&mut o, t, from, to, base); }
                Op::Escrow { payer, deposit } => {
                    if let Ok((id, _)) = block_on(handler::escrow(&mut o, &env(0, t), &addr(payer), Service::DATA_SESSION, Credits::new(deposit))).unwrap() {
                        open.push(id);
                    }
                }
                Op::Pay { which, device: d, epoch, amount } => {
                    if let Some(id) = open.get(which % open.len().max(1)).copied() {
                        let left = block_on(handler::escrow_of(&o, id)).unwrap().unwrap().remaining();
                        let amount = Credits::new(amount.min(left.get()));
                        block_on(handler::pay(&mut o, id, &device(d), Epoch::new(epoch), amount)).unwrap();
                        paid_total += amount.get();
                    }
                }
                Op::Release { which } => {
                    if !open.is_empty() {
                        let id = open.remove(which % open.len());
                        block_on(handler::release(&mut o, id)).unwrap();
                    }
                }
            }
            check(&o);
        }
        let l = block_on(handler::ledger(&o)).unwrap();
        prop_assert_eq!(l.spent.get(), paid_total);
        prop_assert_eq!(l.escrows_open, open.len() as u64);
        let usage: u64 = (0..3).map(|e| block_on(handler::epoch_usage(&o, Epoch::new(e))).unwrap().credits.get()).sum();
        prop_assert_eq!(usage, paid_total, "every spent credit is some device's usage");
        let held: u64 = (1..=5).map(|n| dc(&o, n)).sum();
        prop_assert_eq!(held, l.balances.get(), "holders 1..=5 are every credit holder");
    }
}
