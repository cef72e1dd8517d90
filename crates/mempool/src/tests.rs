use super::*;
use proptest::prelude::*;
use terrane_accounts::params::AccountsParams;
use terrane_app::testkit::{address_of, named_key, transfer};
use terrane_app::tx::encode_signed as encode;
use terrane_primitives::ChainId;

fn chain() -> ChainId {
    ChainId::new("pool-test").unwrap()
}

fn tx(from: &str, nonce: u64, fee_bump: u64) -> SignedTransaction {
    let key = named_key(from);
    let mut t = transfer(
        &chain(),
        &AccountsParams::default(),
        &key,
        Nonce::new(nonce),
        Address::new([9; 32]),
        Amount::new(1),
    )
    .tx;
    t.fee = Amount::new(t.fee.get() + fee_bump);
    t.sign(&key, &chain())
}

fn rich(nonce: u64) -> Account {
    Account {
        balance: Amount::new(u64::MAX / 2),
        nonce: Nonce::new(nonce),
    }
}

fn admit(pool: &mut Pool, t: &SignedTransaction, acct: Account) -> Result<Admitted, Outcome> {
    pool.admit(t, encode(t), acct, Amount::new(1))
}

fn nonces(names: &[&str], n: u64) -> BTreeMap<Address, Nonce> {
    names
        .iter()
        .map(|s| (address_of(&named_key(s)), Nonce::new(n)))
        .collect()
}

#[test]
fn rejects_duplicate_and_stale_nonce() {
    let mut pool = Pool::new(Config::default());
    let t = tx("a", 0, 0);
    assert_eq!(admit(&mut pool, &t, rich(0)), Ok(Admitted::Added));
    assert_eq!(
        admit(&mut pool, &t, rich(0)),
        Err(EnvelopeRejection::DuplicateTx.into())
    );
    assert_eq!(
        admit(&mut pool, &tx("a", 0, 5), rich(1)),
        Err(AccountsRejection::NonceTooLow.into())
    );
}

#[test]
fn rejects_nonce_too_far_ahead() {
    let mut pool = Pool::new(Config {
        max_nonce_gap: 4,
        ..Config::default()
    });
    assert!(admit(&mut pool, &tx("a", 3, 0), rich(0)).is_ok());
    assert_eq!(
        admit(&mut pool, &tx("a", 4, 0), rich(0)),
        Err(EnvelopeRejection::NonceGapTooLarge.into())
    );
}

#[test]
fn rejects_fee_below_minimum_and_unpayable_fee() {
    let mut pool = Pool::new(Config::default());
    let t = tx("a", 0, 0);
    assert_eq!(
        pool.admit(&t, encode(&t), rich(0), Amount::new(t.tx.fee.get() + 1)),
        Err(AccountsRejection::FeeBelowMinimum.into())
    );
    let poor = Account {
        balance: Amount::new(1),
        nonce: Nonce::new(0),
    };
    assert_eq!(
        admit(&mut pool, &t, poor),
        Err(AccountsRejection::FeeUnpayable.into())
    );
    assert!(pool.is_empty());
}

#[test]
fn replacement_needs_a_higher_fee() {
    let mut pool = Pool::new(Config::default());
    let first = tx("a", 0, 10);
    admit(&mut pool, &first, rich(0)).unwrap();
    assert_eq!(
        admit(&mut pool, &tx("a", 0, 10), rich(0)).err(),
        Some(EnvelopeRejection::DuplicateTx.into())
    );
    assert_eq!(
        admit(&mut pool, &tx("a", 0, 5), rich(0)),
        Err(EnvelopeRejection::ReplacementUnderpriced.into())
    );
    assert_eq!(
        admit(&mut pool, &tx("a", 0, 11), rich(0)),
        Ok(Admitted::Replaced(first.id()))
    );
    assert_eq!(pool.len(), 1);
}

#[test]
fn account_queue_is_capped() {
    let mut pool = Pool::new(Config {
        max_per_account: 2,
        ..Config::default()
    });
    admit(&mut pool, &tx("a", 0, 0), rich(0)).unwrap();
    admit(&mut pool, &tx("a", 1, 0), rich(0)).unwrap();
    assert_eq!(
        admit(&mut pool, &tx("a", 2, 0), rich(0)),
        Err(EnvelopeRejection::AccountQueueFull.into())
    );
}

#[test]
fn full_pool_evicts_cheapest_with_its_successors_only_for_a_better_fee() {
    let mut pool = Pool::new(Config {
        max_txs: 3,
        ..Config::default()
    });
    admit(&mut pool, &tx("cheap", 0, 0), rich(0)).unwrap();
    admit(&mut pool, &tx("cheap", 1, 100), rich(0)).unwrap();
    admit(&mut pool, &tx("mid", 0, 50), rich(0)).unwrap();
    assert_eq!(
        admit(&mut pool, &tx("new", 0, 0), rich(0)),
        Err(EnvelopeRejection::MempoolFull.into())
    );
    admit(&mut pool, &tx("new", 0, 60), rich(0)).unwrap();
    // cheap/0 was evicted, and cheap/1 with it: it could never execute without cheap/0.
    assert_eq!(pool.len(), 2);
    assert!(!pool.contains(&tx("cheap", 1, 100).id()));
}

#[test]
fn selection_takes_consecutive_nonces_by_fee_within_limits() {
    let mut pool = Pool::new(Config::default());
    for n in [0, 1, 3] {
        admit(&mut pool, &tx("a", n, 0), rich(0)).unwrap();
    }
    admit(&mut pool, &tx("b", 0, 1_000), rich(0)).unwrap();
    let picked = select(
        &pool.snapshot(),
        &nonces(&["a", "b"], 0),
        &BlockLimits {
            max_txs: 10,
            max_tx_bytes: 1 << 20,
        },
    );
    let got: Vec<(Address, u64)> = picked.iter().map(|p| (p.signer, p.nonce.get())).collect();
    let a = address_of(&named_key("a"));
    let b = address_of(&named_key("b"));
    assert_eq!(got, vec![(b, 0), (a, 0), (a, 1)]);
    let capped = select(
        &pool.snapshot(),
        &nonces(&["a", "b"], 0),
        &BlockLimits {
            max_txs: 2,
            max_tx_bytes: 1 << 20,
        },
    );
    assert_eq!(capped.len(), 2);
}

#[test]
fn selection_skips_nonces_already_executed_in_the_parent_state() {
    let mut pool = Pool::new(Config::default());
    for n in 0..3 {
        admit(&mut pool, &tx("a", n, 0), rich(0)).unwrap();
    }
    let picked = select(
        &pool.snapshot(),
        &nonces(&["a"], 2),
        &BlockLimits {
            max_txs: 10,
            max_tx_bytes: 1 << 20,
        },
    );
    assert_eq!(picked.len(), 1);
    assert_eq!(picked[0].nonce, Nonce::new(2));
}

#[test]
fn prune_drops_executed_nonces() {
    let mut pool = Pool::new(Config::default());
    for n in 0..4 {
        admit(&mut pool, &tx("a", n, 0), rich(0)).unwrap();
    }
    pool.prune_below(&address_of(&named_key("a")), Nonce::new(3));
    assert_eq!(pool.len(), 1);
}

proptest! {
    #[test]
    fn pool_never_exceeds_its_limits_and_indexes_stay_consistent(
        ops in proptest::collection::vec((0u8..6, 0u64..6, 0u64..50), 1..120)
    ) {
        let cfg = Config { max_txs: 10, max_bytes: 2_000, max_per_account: 4, max_nonce_gap: 8 };
        let mut pool = Pool::new(cfg);
        for (who, nonce, bump) in ops {
            let name = format!("acct{who}");
            let _ = admit(&mut pool, &tx(&name, nonce, bump), rich(0));
            prop_assert!(pool.len() <= cfg.max_txs);
            prop_assert!(pool.bytes() <= cfg.max_bytes);
            let snap = pool.snapshot();
            let total: usize = snap.iter().map(|(_, q)| q.len()).sum();
            prop_assert_eq!(total, pool.len());
            let bytes: usize = snap.iter().flat_map(|(_, q)| q.iter()).map(|p| p.raw.len()).sum();
            prop_assert_eq!(bytes, pool.bytes());
        }
    }
}

/// One paid fee must not carry a queue of transactions that would all fail uncharged.
#[test]
fn an_accounts_queue_must_be_payable_as_a_whole() {
    let mut pool = Pool::new(Config::default());
    let first = tx("a", 0, 0);
    let per_tx = first.tx.fee.get() + 1; // fee plus the 1-unit transfer
    let acct = Account {
        balance: Amount::new(2 * per_tx),
        nonce: Nonce::ZERO,
    };
    assert_eq!(admit(&mut pool, &first, acct), Ok(Admitted::Added));
    assert_eq!(admit(&mut pool, &tx("a", 1, 0), acct), Ok(Admitted::Added));
    assert_eq!(
        admit(&mut pool, &tx("a", 2, 0), acct),
        Err(AccountsRejection::FeeUnpayable.into())
    );
    // The fee alone would fit if the transfer amount did not count.
    let tight = Account {
        balance: Amount::new(2 * per_tx + per_tx - 1),
        nonce: Nonce::ZERO,
    };
    assert_eq!(
        admit(&mut pool, &tx("a", 2, 0), tight),
        Err(AccountsRejection::InsufficientFunds.into())
    );
    // Replacing nonce 1 with a pricier one is judged against nonce 0 only.
    assert!(matches!(
        admit(&mut pool, &tx("a", 1, 1), tight),
        Ok(Admitted::Replaced(_))
    ));
}

#[test]
fn holds_exactly_tells_the_pending_bytes_from_a_copy_with_another_signature() {
    let mut pool = Pool::new(Config::default());
    let t = tx("a", 0, 0);
    admit(&mut pool, &t, rich(0)).unwrap();
    let mut copy = t.clone();
    copy.signature = tx("b", 0, 0).signature;
    assert_eq!(copy.id(), t.id(), "the id does not cover the signature");
    assert!(pool.holds_exactly(&t.id(), &encode(&t)));
    assert!(!pool.holds_exactly(&t.id(), &encode(&copy)));
}

#[test]
fn a_pricier_replacement_drops_the_later_nonces_it_leaves_unpayable() {
    let mut pool = Pool::new(Config::default());
    let first = tx("a", 0, 0);
    let per_tx = first.tx.fee.get() + 1;
    let acct = Account {
        balance: Amount::new(3 * per_tx),
        nonce: Nonce::ZERO,
    };
    for n in 0..3 {
        assert_eq!(admit(&mut pool, &tx("a", n, 0), acct), Ok(Admitted::Added));
    }
    // Nonce 1 now pays more: nonces 0 and 1 still fit, nonce 2 no longer does.
    let pricier = tx("a", 1, per_tx - 1);
    assert!(matches!(
        admit(&mut pool, &pricier, acct),
        Ok(Admitted::Replaced(_))
    ));
    assert_eq!(pool.len(), 2);
    assert!(!pool.contains(&tx("a", 2, 0).id()));
}
