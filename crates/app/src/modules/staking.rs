//! Wiring of `terrane-staking`: stake behind devices and validators. The app resolves a
//! target's operator and minimum bond (a device's owner from the registry, a validator from
//! the genesis set) so staking reads no other module's tables.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{Message, Module, TxCtx},
    modules::accounts::{entry, events},
    outcome::Outcome,
    params::ChainParams,
};
use terrane_primitives::{Address, Amount, Epoch, ReasonInfo};
use terrane_staking::{
    events::StakingEvent,
    genesis, handler,
    handler::{Source, StakeCtx, TargetInfo},
    invariants,
    msg::{ClaimStakeRewards, SetCommission, Stake, Unstake, WithdrawUnbonded},
    outcome::StakingRejection,
    params::StakingParams,
    state_key as tables,
    types::Target,
};
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The staking module.
pub struct Staking;

impl Module for Staking {
    const NAME: &'static str = "staking";
    type Params = StakingParams;

    fn params(chain: &ChainParams) -> &StakingParams {
        &chain.staking
    }

    fn validate_params(p: &StakingParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        StakingRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Pools>(),
            entry::<tables::Positions>(),
            entry::<tables::Unbondings>(),
            entry::<tables::Ledger>(),
            entry::<tables::Params>(),
            entry::<tables::Validators>(),
            entry::<tables::ValidatorSet>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        // A validated genesis has hex ed25519 keys; an account address is the key itself.
        let validators: Vec<Address> = g
            .consensus
            .validators
            .iter()
            .map(|v| v.public_key.parse().expect("validated genesis"))
            .collect();
        genesis::apply(state, &g.params.staking, &validators);
    }

    async fn held<S: StateRead>(state: &Overlay<S>) -> Result<Amount, StateError> {
        invariants::held(state).await
    }

    /// The ledger's sums bound every holder's unbonding entries (positions are checked in
    /// full by the module's own property tests, which know every position).
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        at: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        invariants::check(state, [], at.holders.iter().copied(), false).await
    }
}

/// Hands each device rewarded in closed epoch `closing` its delegators' share: the stake
/// fraction delegated to it (floored; the owner keeps the rest) moves from the device's credit
/// into its stake pool, where the commission goes to the operator and the rest to the
/// delegations pro rata. Devices without delegations keep their whole credit. `paid` is the
/// close's reward list (device, line total); one pool read per rewarded device.
pub(crate) async fn share_device_rewards<S: StateRead>(
    state: &mut Overlay<S>,
    closing: Epoch,
    paid: &[(terrane_primitives::DeviceId, Amount)],
) -> Result<Vec<StakingEvent>, StateError> {
    let ctx = StakeCtx {
        epoch: closing,
        treasury: terrane_rewards::handler::treasury(state).await?,
    };
    let mut events = Vec::new();
    for &(device, total) in paid {
        let target = Target::Device(device);
        let Some(pool) = handler::pool(state, &target).await? else {
            continue;
        };
        let share = handler::delegated_share(&pool, total);
        if share.is_zero() {
            continue;
        }
        terrane_rewards::handler::hand_to_delegators(state, &device, share).await?;
        let (_, event) = handler::distribute(state, &ctx, &target, share, Source::Held)
            .await?
            .expect("a non-zero delegated share means the pool has delegated stake");
        events.push(event);
    }
    Ok(events)
}

/// Pays closed epoch `closing`'s validator share of the emission (`amount`, from the rewards
/// summary) to the bonded validators by stake; what no bonded validator takes goes to the
/// treasury.
pub(crate) async fn pay_validators<S: StateRead>(
    state: &mut Overlay<S>,
    closing: Epoch,
    amount: Amount,
    min_validator_bond: Amount,
) -> Result<Vec<EventKind>, StateError> {
    let ctx = StakeCtx {
        epoch: closing,
        treasury: terrane_rewards::handler::treasury(state).await?,
    };
    let (_, staking, minted) =
        handler::pay_validators(state, &ctx, amount, min_validator_bond).await?;
    Ok(minted
        .into_iter()
        .map(EventKind::Accounts)
        .chain(staking.into_iter().map(EventKind::Staking))
        .collect())
}

/// Where a staking call runs.
async fn stake_ctx<S: StateRead>(ctx: &TxCtx<'_, S>) -> Result<StakeCtx, StateError> {
    Ok(StakeCtx {
        epoch: ctx.env.epoch,
        treasury: terrane_rewards::handler::treasury(ctx.state).await?,
    })
}

/// Who operates `target` and the bond it needs; `None` if it is no device or validator (also
/// what the API reports a pool against).
pub async fn target_info<S: StateRead>(
    state: &Overlay<S>,
    params: &StakingParams,
    target: &Target,
) -> Result<Option<TargetInfo>, StateError> {
    Ok(match target {
        Target::Device(id) => {
            terrane_devices::handler::device(state, id)
                .await?
                .map(|d| TargetInfo {
                    operator: d.owner,
                    min_bond: Amount::new(params.min_device_bond),
                })
        }
        Target::Validator(a) => handler::is_validator(state, a)
            .await?
            .then_some(TargetInfo {
                operator: *a,
                min_bond: Amount::new(params.min_validator_bond),
            }),
    })
}

impl Message for Stake {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let Some(info) = target_info(ctx.state, &ctx.params.staking, &self.target).await? else {
            return Ok(Err(StakingRejection::UnknownTarget.into()));
        };
        let sc = stake_ctx(ctx).await?;
        let r = handler::stake(ctx.state, &sc, ctx.signer, self, &info).await?;
        Ok(events(r, EventKind::Staking))
    }
}

impl Message for Unstake {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        // A device deregistered or given away still lets its stakers leave: the minimum is the
        // parameter's, whoever operates it now.
        let min = match self.target {
            Target::Device(_) => ctx.params.staking.min_device_bond,
            Target::Validator(_) => ctx.params.staking.min_validator_bond,
        };
        let sc = stake_ctx(ctx).await?;
        let r = handler::unstake(ctx.state, &sc, ctx.signer, self, Amount::new(min)).await?;
        Ok(events(r, EventKind::Staking))
    }
}

impl Message for WithdrawUnbonded {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let sc = stake_ctx(ctx).await?;
        let r = handler::withdraw(ctx.state, &sc, ctx.signer).await?;
        Ok(events(r, EventKind::Staking))
    }
}

impl Message for SetCommission {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let sc = stake_ctx(ctx).await?;
        let r = handler::set_commission(ctx.state, &sc, ctx.signer, self).await?;
        Ok(events(r, EventKind::Staking))
    }
}

impl Message for ClaimStakeRewards {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let sc = stake_ctx(ctx).await?;
        let r = handler::claim(ctx.state, &sc, ctx.signer, self).await?;
        Ok(events(r, EventKind::Staking))
    }
}
