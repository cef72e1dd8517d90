//! The accounts invariant: value is neither created nor destroyed outside the ledger.

use crate::{handler, types::Supply};
use terrane_primitives::{Address, Amount};
use terrane_state::{Overlay, StateError, StateRead};

/// Why the supply invariant failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyViolation {
    /// The ledger.
    pub supply: Supply,
    /// Sum of the balances checked.
    pub balances: u128,
    /// Value held by modules (unclaimed rewards and the like).
    pub held: u128,
}

impl core::fmt::Display for SupplyViolation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "supply invariant broken: balances {} + held {} + burned {} != genesis {} + minted {}",
            self.balances,
            self.held,
            self.supply.burned.get(),
            self.supply.genesis.get(),
            self.supply.minted.get()
        )
    }
}

/// Checks `sum(balances of holders) + held + burned == genesis + minted`.
///
/// `holders` must include every address that ever held a balance (tests track them);
/// `held` is value minted into module pools and not yet credited to an account.
pub async fn check_supply<S: StateRead>(
    state: &Overlay<S>,
    holders: impl IntoIterator<Item = Address>,
    held: Amount,
) -> Result<Result<(), SupplyViolation>, StateError> {
    let supply = handler::supply(state).await?;
    let mut balances: u128 = 0;
    for address in holders {
        balances += u128::from(handler::account(state, &address).await?.balance.get());
    }
    let held = u128::from(held.get());
    let lhs = balances + held + u128::from(supply.burned.get());
    let rhs = u128::from(supply.genesis.get()) + u128::from(supply.minted.get());
    if lhs == rhs {
        Ok(Ok(()))
    } else {
        Ok(Err(SupplyViolation {
            supply,
            balances,
            held,
        }))
    }
}
