//! What must hold of staking after any block.

use crate::{handler, types::Target};
use std::collections::BTreeMap;
use terrane_primitives::{Address, Amount};
use terrane_state::{Overlay, StateError, StateRead};

/// Given every `(staker, target)` position that exists and every account that ever
/// unbonded (`holders`): each pool's shares and pending are its positions' sums, its
/// unbonding shares are its entries' sums, its positions are worth its bonded stake up to
/// less than a base unit each (flooring), a book with shares has stake and one without has
/// none, a pool never has more pending than it owes, and the ledger's bonded, owed,
/// unbonding and pool count are the sums over pools. With a partial list, only the pools
/// listed are checked in full and the ledger's sums bound the listed ones from above.
pub async fn check<S: StateRead>(
    state: &Overlay<S>,
    positions: impl IntoIterator<Item = (Address, Target)>,
    holders: impl IntoIterator<Item = Address>,
    complete: bool,
) -> Result<Result<(), String>, StateError> {
    #[derive(Default)]
    struct Sums {
        shares: u128,
        pending: u128,
        worth: u128,
        positions: u128,
        unbonding_shares: u128,
    }
    let l = handler::ledger(state).await?;
    let mut sums = BTreeMap::<Target, Sums>::new();
    for (who, target) in positions {
        let p = handler::position(state, &who, &target).await?;
        let worth = match handler::pool(state, &target).await? {
            Some(pool) => pool.bonded.value(p.shares),
            None => Amount::ZERO,
        };
        let e = sums.entry(target).or_default();
        e.shares += u128::from(p.shares.get());
        e.pending += u128::from(p.pending.get());
        e.worth += u128::from(worth.get());
        e.positions += 1;
    }
    for h in holders {
        for e in handler::unbonding(state, &h).await?.0 {
            sums.entry(e.target).or_default().unbonding_shares += u128::from(e.shares.get());
        }
    }
    let (mut bonded, mut owed, mut unbonding, mut pools) = (0u128, 0u128, 0u128, 0u64);
    for (target, sum) in &sums {
        let Some(pool) = handler::pool(state, target).await? else {
            if sum.shares != 0 || sum.pending != 0 || sum.unbonding_shares != 0 {
                return Ok(Err(format!(
                    "positions or unbonding on {target} without a pool"
                )));
            }
            continue;
        };
        pools += 1;
        bonded += u128::from(pool.bonded.stake.get());
        unbonding += u128::from(pool.unbonding.stake.get());
        owed += u128::from(pool.owed.get());
        let stake = u128::from(pool.bonded.stake.get());
        if complete
            && (u128::from(pool.bonded.shares.get()) != sum.shares
                || u128::from(pool.pending.get()) != sum.pending
                || u128::from(pool.unbonding.shares.get()) != sum.unbonding_shares
                || sum.worth > stake
                || stake - sum.worth > sum.positions)
        {
            return Ok(Err(format!(
                "pool {target}: {pool:?} but positions hold {} shares worth {} and {} pending, entries {} unbonding shares",
                sum.shares, sum.worth, sum.pending, sum.unbonding_shares
            )));
        }
        let book_ok = |b: &crate::types::Book| b.shares.is_zero() == b.stake.is_zero();
        if pool.pending > pool.owed
            || pool.operator_shares > pool.bonded.shares
            || !book_ok(&pool.bonded)
            || !book_ok(&pool.unbonding)
        {
            return Ok(Err(format!("pool {target}: {pool:?} is inconsistent")));
        }
    }
    let ledger = (
        u128::from(l.bonded.get()),
        u128::from(l.rewards_owed.get()),
        u128::from(l.unbonding.get()),
        l.pools,
    );
    let ok = if complete {
        ledger == (bonded, owed, unbonding, pools)
    } else {
        ledger.0 >= bonded && ledger.1 >= owed && ledger.2 >= unbonding && ledger.3 >= pools
    };
    if !ok {
        return Ok(Err(format!(
            "staking ledger {l:?} against pools: bonded {bonded}, owed {owed}, unbonding {unbonding}, pools {pools}"
        )));
    }
    Ok(Ok(()))
}

/// Every base unit staking holds (bonded, unbonding, owed rewards), for the supply check.
pub async fn held<S: StateRead>(state: &Overlay<S>) -> Result<Amount, StateError> {
    Ok(handler::ledger(state).await?.held())
}
