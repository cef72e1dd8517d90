//! Wiring of `terrane-rewards`: epoch rewards, claims, and settlement on a sale.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{BlockCtx, Message, Module, TxCtx},
    modules::accounts::entry,
    outcome::Outcome,
    params::ChainParams,
};
use terrane_devices::events::DevicesEvent;
use terrane_primitives::{Amount, Epoch, ReasonInfo};
use terrane_rewards::{
    EmissionParams, events::RewardsEvent, genesis, handler, invariants, msg::ClaimRewards,
    outcome::RewardsRejection, state_key as tables,
};
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The rewards module.
pub struct Rewards;

impl Module for Rewards {
    const NAME: &'static str = "rewards";
    type Params = EmissionParams;

    fn params(chain: &ChainParams) -> &EmissionParams {
        &chain.rewards
    }

    fn validate_params(p: &EmissionParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        RewardsRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Summaries>(),
            entry::<tables::Ledgers>(),
            entry::<tables::Lines>(),
            entry::<tables::List>(),
            entry::<tables::ModuleLedger>(),
            entry::<tables::Params>(),
            entry::<tables::Treasury>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        let treasury = g.treasury().expect("validated genesis");
        genesis::apply(state, &g.params.rewards, &treasury);
    }

    /// Splits the closing epoch's emission over its work ledger (after every class closed).
    async fn close_epoch<S: StateRead>(
        ctx: &mut BlockCtx<'_, S>,
        closing: Epoch,
    ) -> Result<(), StateError> {
        let pow = &ctx.genesis.params.pow;
        let rules = super::ClassList {
            min_device_bond: Amount::new(ctx.genesis.params.staking.min_device_bond),
        };
        let (summary, minted, paid) =
            handler::close_epoch(ctx.state, ctx.env, pow, closing, &rules).await?;
        for e in minted {
            ctx.emit(EventKind::Accounts(e));
        }
        for e in super::staking::share_device_rewards(ctx.state, closing, &paid).await? {
            ctx.emit(EventKind::Staking(e));
        }
        let min_validator_bond = Amount::new(ctx.genesis.params.staking.min_validator_bond);
        for e in super::staking::pay_validators(
            ctx.state,
            closing,
            Amount::new(summary.validators),
            min_validator_bond,
        )
        .await?
        {
            ctx.emit(e);
        }
        ctx.emit(EventKind::Rewards(RewardsEvent::EpochClosed {
            epoch: closing,
            summary,
        }));
        Ok(())
    }

    /// Rewards earned under the seller are the seller's: a sale pays them out to the seller
    /// (the transfer already checked the signer owned the device).
    async fn on_event<S: StateRead>(
        ctx: &mut TxCtx<'_, S>,
        event: &EventKind,
    ) -> Result<Vec<EventKind>, StateError> {
        let EventKind::Devices(DevicesEvent::OwnerChanged { device, from, .. }) = event else {
            return Ok(Vec::new());
        };
        Ok(match handler::settle(ctx.state, device, from).await? {
            Some((amount, paid)) => paid_events(*device, amount, paid),
            None => Vec::new(),
        })
    }

    async fn held<S: StateRead>(state: &Overlay<S>) -> Result<Amount, StateError> {
        invariants::held(state).await
    }

    /// The last closed epoch conserved its emission.
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        _: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        let Some(epoch) = handler::ledger(state).await?.last_closed else {
            return Ok(Ok(()));
        };
        let Some(summary) = handler::summary(state, epoch).await? else {
            return Ok(Err(format!("closed epoch {epoch} has no summary")));
        };
        Ok(invariants::check_summary(&summary).map_err(|why| format!("epoch {epoch}: {why}")))
    }
}

impl Message for ClaimRewards {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        Ok(match handler::claim(ctx.state, ctx.signer, self).await? {
            Ok((amount, paid)) => Ok(paid_events(self.device, amount, paid)),
            Err(r) => Err(r.into()),
        })
    }
}

/// The events of paying `device`'s rewards to its owner.
fn paid_events(
    device: terrane_primitives::DeviceId,
    amount: Amount,
    paid: terrane_accounts::events::AccountsEvent,
) -> Vec<EventKind> {
    vec![
        EventKind::Accounts(paid),
        EventKind::Rewards(RewardsEvent::Claimed { device, amount }),
    ]
}
