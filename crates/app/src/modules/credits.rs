//! Wiring of `terrane-credits`: data credits bought by burning TRN, and the escrow books every
//! paid service keeps through it.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{Message, Module, TxCtx},
    modules::accounts::{entry, events},
    outcome::Outcome,
    params::ChainParams,
};
use terrane_credits::{
    genesis, handler, invariants, msg::BurnForCredits, outcome::CreditsRejection,
    params::CreditsParams, state_key as tables,
};
use terrane_primitives::ReasonInfo;
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The data-credits module.
pub struct Credits;

impl Module for Credits {
    const NAME: &'static str = "credits";
    type Params = CreditsParams;

    fn params(chain: &ChainParams) -> &CreditsParams {
        &chain.credits
    }

    fn validate_params(p: &CreditsParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        CreditsRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Balances>(),
            entry::<tables::Ledger>(),
            entry::<tables::Escrows>(),
            entry::<tables::DeviceUsage>(),
            entry::<tables::EpochUsageTotals>(),
            entry::<tables::UsageDevices>(),
            entry::<tables::LifetimeUsage>(),
            entry::<tables::Params>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.credits);
    }

    /// `minted == spent + balances + escrowed`; holders' credits within the ledger's; TRN
    /// burned for credits within the supply's burned.
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        at: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        let burned = terrane_accounts::handler::supply(state).await?.burned;
        invariants::check(state, at.holders.iter().copied(), burned).await
    }
}

impl Message for BurnForCredits {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::buy(ctx.state, ctx.env, ctx.signer, self).await?;
        Ok(events(r, EventKind::Credits))
    }
}
