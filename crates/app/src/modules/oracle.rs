//! Wiring of `terrane-oracle`: the TRN/USD price oracle and its reports.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{Message, Module, TxCtx},
    modules::accounts::{entry, events},
    outcome::Outcome,
    params::ChainParams,
};
use terrane_oracle::{
    genesis, handler, invariants, msg::SubmitPrice, outcome::OracleRejection, params::OracleParams,
    state_key as tables,
};
use terrane_primitives::ReasonInfo;
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The price oracle module.
pub struct Oracle;

impl Module for Oracle {
    const NAME: &'static str = "oracle";
    type Params = OracleParams;

    fn params(chain: &ChainParams) -> &OracleParams {
        &chain.oracle
    }

    fn validate_params(p: &OracleParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        OracleRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![entry::<tables::Reports>(), entry::<tables::Params>()]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.oracle);
    }

    /// Every listed oracle's report carries a non-zero price.
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        _: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        invariants::check(state).await
    }
}

impl Message for SubmitPrice {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::submit(ctx.state, ctx.env, ctx.signer, self).await?;
        Ok(events(r, EventKind::Oracle))
    }
}
