//! What must hold of staking after any block.

use crate::{handler, types::Target};
use std::collections::BTreeMap;
use terrane_primitives::{Address, Amount};
use terrane_state::{Overlay, StateError, StateRead};

/// Given every `(staker, target)` position that exists and every account that ever
/// unbonded (`holders`): each pool's total and pending are its positions' sums, a pool
/// never has more pending than it owes, and the ledger's bonded, owed, unbonding and pool
/// count are the sums over pools and queues. With a partial list, only the pools listed
/// are checked in full and the ledger's sums bound the listed ones from above.
pub async fn check<S: StateRead>(
    state: &Overlay<S>,
    positions: impl IntoIterator<Item = (Address, Target)>,
    holders: impl IntoIterator<Item = Address>,
    complete: bool,
) -> Result<Result<(), String>, StateError> {
    let l = handler::ledger(state).await?;
    let mut sums = BTreeMap::<Target, (u128, u128)>::new();
    for (who, target) in positions {
        let p = handler::position(state, &who, &target).await?;
        let e = sums.entry(target).or_default();
        e.0 += u128::from(p.amount.get());
        e.1 += u128::from(p.pending.get());
    }
    let (mut bonded, mut owed, mut pools) = (0u128, 0u128, 0u64);
    for (target, (amount, pending)) in &sums {
        let Some(pool) = handler::pool(state, target).await? else {
            if *amount != 0 || *pending != 0 {
                return Ok(Err(format!("positions on {target} without a pool")));
            }
            continue;
        };
        pools += 1;
        bonded += u128::from(pool.total.get());
        owed += u128::from(pool.owed.get());
        if complete
            && (u128::from(pool.total.get()) != *amount
                || u128::from(pool.pending.get()) != *pending)
        {
            return Ok(Err(format!(
                "pool {target}: total {} pending {} but positions hold {amount} and {pending}",
                pool.total, pool.pending
            )));
        }
        if pool.pending > pool.owed || pool.operator_stake > pool.total {
            return Ok(Err(format!("pool {target}: {pool:?} is inconsistent")));
        }
    }
    let mut unbonding = 0u128;
    for h in holders {
        for e in handler::unbonding(state, &h).await?.0 {
            unbonding += u128::from(e.amount.get());
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
