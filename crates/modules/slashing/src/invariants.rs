//! What must hold of slashing after any block.

use crate::{handler, types::SlashStatus};
use terrane_primitives::Amount;
use terrane_state::{Overlay, StateError, StateRead};

/// Every slash from 1 to the ledger's count is recorded; the ledger's pending count and its
/// slashed total are the records' (pending ones count, executed ones sum), and what was
/// slashed is exactly bounties plus burned.
pub async fn check<S: StateRead>(state: &Overlay<S>) -> Result<Result<(), String>, StateError> {
    let l = handler::ledger(state).await?;
    let (mut pending, mut slashed, mut bounties) = (0u64, 0u128, 0u128);
    for id in 1..=l.count {
        let Some(s) = handler::slash(state, id).await? else {
            return Ok(Err(format!("slash {id} of {} is missing", l.count)));
        };
        match s.status {
            SlashStatus::Pending => pending += 1,
            SlashStatus::Executed => {
                slashed += u128::from(s.slashed.get());
                bounties += u128::from(s.bounty.get());
            }
            SlashStatus::Voided | SlashStatus::Lapsed => {}
        }
        if s.status != SlashStatus::Executed
            && (s.slashed != Amount::ZERO || s.bounty != Amount::ZERO)
        {
            return Ok(Err(format!("slash {id} took stake without executing")));
        }
    }
    let books = u128::from(l.bounties.get()) + u128::from(l.burned.get());
    if pending != l.pending
        || slashed != u128::from(l.slashed.get())
        || bounties != u128::from(l.bounties.get())
        || books != u128::from(l.slashed.get())
    {
        return Ok(Err(format!(
            "slash ledger {l:?} against records: pending {pending}, slashed {slashed}, bounties {bounties}"
        )));
    }
    Ok(Ok(()))
}
