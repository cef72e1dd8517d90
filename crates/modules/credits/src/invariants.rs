//! What must hold of credits after any block.

use crate::handler;
use terrane_primitives::{Address, Amount};
use terrane_state::{Overlay, StateError, StateRead};

/// `minted == spent + balances + escrowed` (no credit appears or vanishes outside a burn or a
/// payment); the balances of `holders` are within the ledger's balances (equal when they are
/// every account that ever held credits); and no more TRN was burned for credits than the
/// supply ledger records burned in all (`supply_burned`).
pub async fn check<S: StateRead>(
    state: &Overlay<S>,
    holders: impl IntoIterator<Item = Address>,
    supply_burned: Amount,
) -> Result<Result<(), String>, StateError> {
    let l = handler::ledger(state).await?;
    let accounted =
        u128::from(l.spent.get()) + u128::from(l.balances.get()) + u128::from(l.escrowed.get());
    if u128::from(l.minted.get()) != accounted {
        return Ok(Err(format!(
            "credits minted {} != spent {} + balances {} + escrowed {}",
            l.minted.get(),
            l.spent.get(),
            l.balances.get(),
            l.escrowed.get()
        )));
    }
    let mut seen: u128 = 0;
    for h in holders {
        seen += u128::from(handler::balance(state, &h).await?.get());
    }
    if seen > u128::from(l.balances.get()) {
        return Ok(Err(format!(
            "accounts hold {seen} credits, the ledger only {}",
            l.balances.get()
        )));
    }
    if l.trn_burned > supply_burned {
        return Ok(Err(format!(
            "{} TRN burned for credits, more than the {} the supply records burned",
            l.trn_burned, supply_burned
        )));
    }
    if l.escrows_open > l.escrows_opened {
        return Ok(Err("more escrows open than were ever opened".into()));
    }
    Ok(Ok(()))
}
