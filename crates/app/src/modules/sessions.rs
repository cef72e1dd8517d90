//! Wiring of `terrane-sessions`: paid data sessions with hotspots, settled by consumer-signed
//! cumulative receipts through the credits escrow.

use crate::{
    events::EventKind,
    genesis::Genesis,
    module::{Message, Module, TxCtx},
    modules::accounts::entry,
    outcome::Outcome,
    params::ChainParams,
};
use terrane_primitives::ReasonInfo;
use terrane_sessions::{
    genesis, handler,
    handler::Emitted,
    msg::{CloseSession, OpenSession, SubmitReceipt},
    outcome::SessionsRejection,
    params::SessionsParams,
    state_key as tables,
};
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The data-sessions module.
pub struct Sessions;

impl Module for Sessions {
    const NAME: &'static str = "sessions";
    type Params = SessionsParams;

    fn params(chain: &ChainParams) -> &SessionsParams {
        &chain.sessions
    }

    fn validate_params(p: &SessionsParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        SessionsRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Sessions>(),
            entry::<tables::PayerSessions>(),
            entry::<tables::PayerSessionList>(),
            entry::<tables::Params>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.sessions);
    }
}

/// A sessions result as a message's: the credits moves first (the escrow, the payment, the
/// refund), then the session's own event.
fn emitted(r: Result<Emitted, SessionsRejection>) -> Result<Vec<EventKind>, Outcome> {
    r.map(|e| {
        e.credits
            .into_iter()
            .map(EventKind::Credits)
            .chain(e.sessions.into_iter().map(EventKind::Sessions))
            .collect()
    })
    .map_err(Into::into)
}

impl Message for OpenSession {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        Ok(emitted(
            handler::open(ctx.state, ctx.env, ctx.signer, self).await?,
        ))
    }
}

impl Message for SubmitReceipt {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        Ok(emitted(
            handler::submit_receipt(ctx.state, ctx.env, self).await?,
        ))
    }
}

impl Message for CloseSession {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        Ok(emitted(
            handler::close(ctx.state, ctx.env, ctx.signer, self).await?,
        ))
    }
}
