use crate::{
    genesis, handler, invariants::check_supply, msg::Transfer, outcome::AccountsRejection,
    params::AccountsParams,
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_primitives::{Address, Amount, Height, Nonce};
use terrane_state::{MemStore, Overlay};

fn addr(i: u8) -> Address {
    Address::new([i; 32])
}

fn funded(allocs: &[(u8, u64)]) -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    let allocs: Vec<_> = allocs
        .iter()
        .map(|(i, a)| (addr(*i), Amount::new(*a)))
        .collect();
    genesis::apply(&mut o, &allocs, &AccountsParams::default());
    let (_, writes) = o.into_parts();
    let mut store = MemStore::new();
    store.apply(writes);
    Overlay::new(store)
}

fn transfer(to: u8, amount: u64) -> Transfer {
    Transfer {
        to: addr(to),
        amount: Amount::new(amount),
        memo: vec![],
    }
}

#[test]
fn transfer_moves_exact_amount() {
    block_on(async {
        let mut s = funded(&[(1, 100)]);
        handler::transfer(&mut s, &addr(1), &transfer(2, 40), Height::new(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            handler::account(&s, &addr(1)).await.unwrap().balance,
            Amount::new(60)
        );
        assert_eq!(
            handler::account(&s, &addr(2)).await.unwrap().balance,
            Amount::new(40)
        );
    });
}

#[test]
fn rejects_transfer_above_balance_and_writes_nothing() {
    block_on(async {
        let mut s = funded(&[(1, 100)]);
        let before = s.pending_writes();
        let r = handler::transfer(&mut s, &addr(1), &transfer(2, 101), Height::new(1))
            .await
            .unwrap();
        assert_eq!(r, Err(AccountsRejection::InsufficientFunds));
        assert_eq!(s.pending_writes(), before);
    });
}

#[test]
fn rejects_zero_amount_transfer() {
    block_on(async {
        let mut s = funded(&[(1, 100)]);
        let r = handler::transfer(&mut s, &addr(1), &transfer(2, 0), Height::new(1))
            .await
            .unwrap();
        assert_eq!(r, Err(AccountsRejection::ZeroAmount));
    });
}

#[test]
fn self_transfer_keeps_balance() {
    block_on(async {
        let mut s = funded(&[(1, 100)]);
        handler::transfer(&mut s, &addr(1), &transfer(1, 60), Height::new(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            handler::account(&s, &addr(1)).await.unwrap().balance,
            Amount::new(100)
        );
    });
}

#[test]
fn charge_advances_nonce_and_burns_fee() {
    block_on(async {
        let mut s = funded(&[(1, 1_000_000)]);
        let fee = AccountsParams::default().min_fee(100);
        handler::charge(&mut s, &addr(1), Nonce::new(0), fee, 100)
            .await
            .unwrap()
            .unwrap();
        let a = handler::account(&s, &addr(1)).await.unwrap();
        assert_eq!(a.nonce, Nonce::new(1));
        assert_eq!(a.balance, Amount::new(1_000_000 - fee.get()));
        assert_eq!(handler::supply(&s).await.unwrap().burned, fee);
    });
}

#[test]
fn rejects_reused_nonce_as_replay() {
    block_on(async {
        let mut s = funded(&[(1, 1_000_000)]);
        let fee = Amount::new(10_000);
        handler::charge(&mut s, &addr(1), Nonce::new(0), fee, 10)
            .await
            .unwrap()
            .unwrap();
        let r = handler::charge(&mut s, &addr(1), Nonce::new(0), fee, 10)
            .await
            .unwrap();
        assert_eq!(r, Err(AccountsRejection::NonceTooLow));
    });
}

#[test]
fn rejects_nonce_that_skips_ahead() {
    block_on(async {
        let mut s = funded(&[(1, 1_000_000)]);
        let r = handler::charge(&mut s, &addr(1), Nonce::new(1), Amount::new(10_000), 10)
            .await
            .unwrap();
        assert_eq!(r, Err(AccountsRejection::NonceTooHigh));
    });
}

#[test]
fn rejects_fee_below_minimum_for_length() {
    block_on(async {
        let mut s = funded(&[(1, 1_000_000)]);
        let min = AccountsParams::default().min_fee(500);
        let r = handler::charge(
            &mut s,
            &addr(1),
            Nonce::new(0),
            Amount::new(min.get() - 1),
            500,
        )
        .await
        .unwrap();
        assert_eq!(r, Err(AccountsRejection::FeeBelowMinimum));
    });
}

#[test]
fn rejects_fee_the_balance_cannot_cover() {
    block_on(async {
        let mut s = funded(&[(1, 5)]);
        let r = handler::charge(&mut s, &addr(1), Nonce::new(0), Amount::new(10_000), 10)
            .await
            .unwrap();
        assert_eq!(r, Err(AccountsRejection::FeeUnpayable));
    });
}

#[test]
fn genesis_rejects_duplicate_address() {
    let r = genesis::validate(&[(addr(1), Amount::new(1)), (addr(1), Amount::new(2))]);
    assert_eq!(
        r.unwrap_err(),
        genesis::GenesisError::DuplicateAddress(addr(1))
    );
}

#[test]
fn mint_and_burn_keep_supply_invariant() {
    block_on(async {
        let mut s = funded(&[(1, 1_000)]);
        handler::mint(&mut s, &addr(2), Amount::new(500))
            .await
            .unwrap();
        handler::burn(&mut s, &addr(1), Amount::new(300))
            .await
            .unwrap()
            .unwrap();
        check_supply(&s, [addr(1), addr(2)], Amount::ZERO)
            .await
            .unwrap()
            .unwrap();
        let r = handler::burn(&mut s, &addr(1), Amount::new(701))
            .await
            .unwrap();
        assert_eq!(r, Err(AccountsRejection::InsufficientFunds));
    });
}

proptest! {
    #[test]
    fn random_transfers_conserve_supply(ops in proptest::collection::vec((0u8..5, 0u8..5, 0u64..2_000), 1..60)) {
        block_on(async {
            let mut s = funded(&[(0, 5_000), (1, 1_000), (2, 0)]);
            for (from, to, amount) in ops {
                let before = handler::account(&s, &addr(from)).await.unwrap().balance;
                let r = handler::transfer(&mut s, &addr(from), &transfer(to, amount), Height::new(1)).await.unwrap();
                match r {
                    Ok(_) => prop_assert!(amount > 0 && before.get() >= amount),
                    Err(AccountsRejection::ZeroAmount) => prop_assert_eq!(amount, 0),
                    Err(AccountsRejection::InsufficientFunds) => prop_assert!(before.get() < amount),
                    Err(other) => prop_assert!(false, "unexpected {other}"),
                }
            }
            check_supply(&s, (0..5).map(addr), Amount::ZERO).await.unwrap().unwrap();
            Ok(())
        })?;
    }
}

#[test]
fn a_transfer_that_creates_an_account_records_its_funder_and_height_once() {
    block_on(async {
        let mut s = funded(&[(1, 100), (9, 100)]);
        handler::transfer(&mut s, &addr(1), &transfer(2, 10), Height::new(5))
            .await
            .unwrap()
            .unwrap();
        // A later transfer from someone else does not rewrite it; a genesis account has none.
        handler::transfer(&mut s, &addr(9), &transfer(2, 10), Height::new(6))
            .await
            .unwrap()
            .unwrap();
        let o = handler::funding_origin(&s, &addr(2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((o.funder, o.height), (addr(1), Height::new(5)));
        assert_eq!(handler::funding_origin(&s, &addr(9)).await.unwrap(), None);
    });
}

#[test]
fn accounts_one_funder_created_within_the_window_are_linked_and_others_are_not() {
    block_on(async {
        let mut s = funded(&[(1, 100), (7, 100)]);
        for (to, h) in [(2, 10), (3, 12), (4, 500)] {
            handler::transfer(&mut s, &addr(1), &transfer(to, 10), Height::new(h))
                .await
                .unwrap()
                .unwrap();
        }
        handler::transfer(&mut s, &addr(7), &transfer(5, 10), Height::new(11))
            .await
            .unwrap()
            .unwrap();
        let linked = |a: u8, b: u8| {
            let s = &s;
            async move {
                handler::funding_linked(s, &addr(a), &addr(b), 100)
                    .await
                    .unwrap()
            }
        };
        assert!(linked(2, 3).await, "one funder, 2 blocks apart");
        assert!(
            linked(2, 1).await && linked(1, 4).await,
            "funder and funded"
        );
        assert!(!linked(2, 4).await, "one funder, 490 blocks apart");
        assert!(!linked(2, 5).await, "another funder");
        assert!(!linked(1, 7).await, "two genesis accounts");
        assert!(linked(6, 6).await, "an address is its own owner");
    });
}
