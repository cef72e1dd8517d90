//! Wiring of `terrane-accounts`: balances, fees, the supply invariant.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{Message, Module, TxCtx},
    outcome::Outcome,
    params::ChainParams,
};
use terrane_accounts::{
    genesis, handler, invariants, msg::Transfer, outcome::AccountsRejection,
    params::AccountsParams, state_key as tables,
};
use terrane_primitives::ReasonInfo;
use terrane_state::{Overlay, StateError, StateRead, Table, TableId};

/// The accounts module.
pub struct Accounts;

/// `(T::ID, T::NAME)`, a table's registry entry.
pub(crate) fn entry<T: Table>() -> (TableId, &'static str) {
    (T::ID, T::NAME)
}

impl Module for Accounts {
    const NAME: &'static str = "accounts";
    type Params = AccountsParams;

    fn params(chain: &ChainParams) -> &AccountsParams {
        &chain.accounts
    }

    fn validate_params(_: &AccountsParams) -> Result<(), String> {
        // Any fee, zero included, is a valid policy.
        Ok(())
    }

    fn reasons() -> Vec<ReasonInfo> {
        AccountsRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Accounts>(),
            entry::<tables::SupplyLedger>(),
            entry::<tables::Params>(),
            entry::<tables::FundingOrigins>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        let allocations = g.allocation_list().expect("validated genesis");
        genesis::apply(state, &allocations, &g.params.accounts);
    }

    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        at: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        Ok(
            invariants::check_supply(state, at.holders.iter().copied(), at.held)
                .await?
                .map_err(|v| v.to_string()),
        )
    }
}

impl Message for Transfer {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::transfer(ctx.state, ctx.signer, self, ctx.env.height).await?;
        Ok(events(r, EventKind::Accounts))
    }
}

/// A module handler's result as a message's: its events wrapped, its rejection as an outcome.
pub(crate) fn events<E, R: Into<Outcome>>(
    r: Result<Vec<E>, R>,
    wrap: impl Fn(E) -> EventKind,
) -> Result<Vec<EventKind>, Outcome> {
    r.map(|evs| evs.into_iter().map(wrap).collect())
        .map_err(Into::into)
}
