//! Wiring of `terrane-slashing`: the app decides what evidence proves, with the registry,
//! the framework's verdicts and the classes' own rules (devices) or the executor's
//! [`VoteEvidence`] (validators, [`votes`]), and hands slashing a finding; due slashes
//! execute at the close of their epoch, after rewards paid it.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{BlockCtx, Message, Module, TxCtx},
    modules::{
        accounts::{entry, events},
        duty_done, missed_duty, report_duty,
    },
    outcome::Outcome,
    params::ChainParams,
};
use commonware_codec::Encode as _;
use commonware_cryptography::Verifier as _;
use terrane_devices::types::{Device, DeviceStatus};
use terrane_pow::types::SignedReport;
use terrane_primitives::{Address, Epoch, Namespace, ReasonInfo};
use terrane_slashing::{
    genesis,
    handler::{self, At, Cover, Finding},
    invariants,
    msg::{AppealSlash, Evidence, SubmitEvidence},
    outcome::{SlashReason, SlashingRejection},
    params::SlashingParams,
    state_key as tables,
};
use terrane_staking::types::Target;
use terrane_state::{BlockEnv, Overlay, StateError, StateRead, TableId};

mod votes;

pub use votes::{Conflict, VoteEvidence};

/// The slashing module.
pub struct Slashing;

impl Module for Slashing {
    const NAME: &'static str = "slashing";
    type Params = SlashingParams;

    fn params(chain: &ChainParams) -> &SlashingParams {
        &chain.slashing
    }

    fn validate_params(p: &SlashingParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        SlashingRejection::infos()
            .chain(SlashReason::infos())
            .collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Slashes>(),
            entry::<tables::Due>(),
            entry::<tables::Offences>(),
            entry::<tables::TargetSlashes>(),
            entry::<tables::Ledger>(),
            entry::<tables::Params>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.slashing);
    }

    /// Executes the slashes due at `closing`'s close (rewards, earlier in the list, already
    /// paid `closing` with the stake as it stood).
    async fn close_epoch<S: StateRead>(
        ctx: &mut BlockCtx<'_, S>,
        closing: Epoch,
    ) -> Result<(), StateError> {
        let treasury = terrane_rewards::handler::treasury(ctx.state).await?;
        let out = handler::execute_due(ctx.state, closing, treasury).await?;
        for e in out.staking {
            ctx.emit(EventKind::Staking(e));
        }
        for e in out.accounts {
            ctx.emit(EventKind::Accounts(e));
        }
        for e in out.slashing {
            ctx.emit(EventKind::Slashing(e));
        }
        Ok(())
    }

    /// The ledger matches the records, and slashed stake is bounties plus burns.
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        _: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        invariants::check(state).await
    }
}

/// Whether `signed` is signed for its own device on this chain, by the device's key or one of
/// its live session keys.
async fn signed_for_device<S: StateRead>(
    state: &Overlay<S>,
    env: &BlockEnv,
    signed: &SignedReport,
) -> Result<bool, StateError> {
    if terrane_devices::handler::signer_device(state, env, &signed.signer).await?
        != Some(signed.report.device)
    {
        return Ok(false);
    }
    let Some(pk) = terrane_devices::handler::public_key(&signed.signer) else {
        return Ok(false);
    };
    let ns = env.chain_id.namespace(Namespace::DeviceReport);
    Ok(pk.verify(&ns, &signed.report.encode(), &signed.signature))
}

/// Whether anything is bonded on or unbonding from `target`.
async fn staked<S: StateRead>(state: &Overlay<S>, target: &Target) -> Result<bool, StateError> {
    Ok(terrane_staking::handler::pool(state, target)
        .await?
        .is_some_and(|p| !p.total().is_zero() || !p.unbonding.stake.is_zero()))
}

/// What validator evidence proves: `votes` verified by the executor's vote checker
/// (`None`: it has none, so nothing verifies). The chain does not map consensus
/// views to its own epochs, so the offence is dated by the block that accepts the evidence;
/// one slash per validator and round.
fn validator_finding(
    env: &BlockEnv,
    p: &SlashingParams,
    verifier: Option<&dyn VoteEvidence>,
    validator: &Address,
    votes: &[u8],
) -> Result<Finding, SlashingRejection> {
    if p.validator_equivocation_bps == 0 {
        return Err(SlashingRejection::ValidatorEvidenceDisabled);
    }
    let Some(verifier) = verifier else {
        return Err(SlashingRejection::NotAValidator);
    };
    let c = verifier.check(validator, votes, &env.randomness)?;
    Ok(Finding {
        target: Target::Validator(c.validator),
        offence: SlashReason::ValidatorEquivocation,
        offence_epoch: env.epoch,
        cover: Cover::Once(handler::validator_round_key(&c.validator, c.epoch, c.view)),
    })
}

/// What `evidence` proves, against the chain's state at `env`.
async fn finding<S: StateRead>(
    state: &Overlay<S>,
    env: &BlockEnv,
    p: &SlashingParams,
    verifier: Option<&dyn VoteEvidence>,
    evidence: &Evidence,
) -> Result<Result<Finding, SlashingRejection>, StateError> {
    let device_id = match evidence {
        Evidence::ValidatorEquivocation { validator, votes } => {
            return Ok(validator_finding(env, p, verifier, validator, votes));
        }
        _ => evidence.device().expect("device evidence names its device"),
    };
    let Some(device) = terrane_devices::handler::device(state, &device_id).await? else {
        return Ok(Err(SlashingRejection::UnknownDevice));
    };
    let target = Target::Device(device_id);
    Ok(match evidence {
        Evidence::DeviceEquivocation { first, second } => {
            let (a, b) = (&first.report, &second.report);
            let duty = report_duty(a);
            if !handler::conflicting(a, b, duty, report_duty(b)) {
                return Ok(Err(SlashingRejection::NotConflicting));
            }
            if !signed_for_device(state, env, first).await?
                || !signed_for_device(state, env, second).await?
            {
                return Ok(Err(SlashingRejection::BadReportSignature));
            }
            let duty = duty.expect("conflicting reports have a duty");
            Ok(Finding {
                target,
                offence: SlashReason::DeviceEquivocation,
                offence_epoch: a.epoch,
                cover: Cover::Once(handler::equivocation_key(a, &duty)),
            })
        }
        Evidence::RepeatedInvalidProofs {
            device: _,
            last_epoch,
        } => {
            // Only closed epochs: a close can still judge pending reports of the open one.
            if *last_epoch >= env.epoch {
                return Ok(Err(SlashingRejection::OutOfWindow));
            }
            let first = Epoch::new((last_epoch.get() + 1).saturating_sub(p.invalid_window_epochs));
            let mut invalid = 0u64;
            for e in first.get()..=last_epoch.get() {
                invalid += u64::from(
                    terrane_pow::handler::invalid_reports(state, &device_id, Epoch::new(e)).await?,
                );
            }
            if invalid < u64::from(p.invalid_threshold) {
                return Ok(Err(SlashingRejection::BelowThreshold));
            }
            Ok(Finding {
                target,
                offence: SlashReason::RepeatedInvalidProofs,
                offence_epoch: *last_epoch,
                cover: Cover::Window {
                    key: handler::window_key(SlashReason::RepeatedInvalidProofs, &device_id),
                    first,
                    last: *last_epoch,
                },
            })
        }
        Evidence::MissedDuties { device: _, epochs } => {
            missed_finding(state, env, p, &device, target, epochs).await?
        }
        Evidence::ValidatorEquivocation { .. } => unreachable!("answered above"),
    })
}

/// The missed-duties rule: at least `missed_threshold` strictly ascending closed epochs
/// within `missed_window_epochs`, each one the device was registered and active for and its
/// class records no duty done, outside any maintenance window its owner declared.
async fn missed_finding<S: StateRead>(
    state: &Overlay<S>,
    env: &BlockEnv,
    p: &SlashingParams,
    device: &Device,
    target: Target,
    epochs: &[Epoch],
) -> Result<Result<Finding, SlashingRejection>, StateError> {
    let (Some(first), Some(last)) = (epochs.first(), epochs.last()) else {
        return Ok(Err(SlashingRejection::BelowThreshold));
    };
    if epochs.len() < usize::try_from(p.missed_threshold).expect("u32 fits usize") {
        return Ok(Err(SlashingRejection::BelowThreshold));
    }
    if last.get() - first.get() >= p.missed_window_epochs {
        return Ok(Err(SlashingRejection::TooMuchEvidence));
    }
    if *last >= env.epoch {
        return Ok(Err(SlashingRejection::OutOfWindow));
    }
    if !epochs.windows(2).all(|w| w[0] < w[1])
        || *first < device.registered_epoch
        || device.status != DeviceStatus::Active
    {
        return Ok(Err(SlashingRejection::NotMissed));
    }
    for e in epochs {
        if terrane_maintenance::handler::in_maintenance(state, &device.id, *e).await? {
            return Ok(Err(SlashingRejection::InMaintenance));
        }
        if !missed_duty(state, device, *e).await? {
            return Ok(Err(SlashingRejection::NotMissed));
        }
    }
    Ok(Ok(Finding {
        target,
        offence: SlashReason::MissedDuties,
        offence_epoch: *last,
        cover: Cover::Window {
            key: handler::window_key(SlashReason::MissedDuties, &device.id),
            first: *first,
            last: *last,
        },
    }))
}

impl Message for SubmitEvidence {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let p = &ctx.params.slashing;
        let found = match finding(ctx.state, ctx.env, p, ctx.votes, &self.evidence).await? {
            Ok(f) => f,
            Err(why) => return Ok(Err(why.into())),
        };
        let staked = staked(ctx.state, &found.target).await?;
        let at = At {
            height: ctx.env.height,
            epoch: ctx.env.epoch,
        };
        let r = handler::submit(
            ctx.state,
            at,
            ctx.signer,
            found,
            self.evidence.clone(),
            staked,
        )
        .await?;
        Ok(events(r, EventKind::Slashing))
    }
}

impl Message for AppealSlash {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        // The accused is the target's operator now (a device's current owner).
        let operator = match handler::slash(ctx.state, self.slash).await? {
            Some(s) => match s.target {
                Target::Device(d) => terrane_devices::handler::device(ctx.state, &d)
                    .await?
                    .map(|d| d.owner),
                Target::Validator(a) => Some(a),
            },
            None => None,
        };
        let s = match handler::appealable(ctx.state, ctx.signer, self.slash, |_| operator).await? {
            Ok(s) => s,
            Err(why) => return Ok(Err(why.into())),
        };
        let report = &self.counter.report;
        if Target::Device(report.device) != s.target
            || !signed_for_device(ctx.state, ctx.env, &self.counter).await?
            || !duty_done(ctx.state, report).await?
        {
            return Ok(Err(SlashingRejection::CounterProofInvalid.into()));
        }
        let r = handler::answer(ctx.state, s, report.epoch).await?;
        Ok(events(r, EventKind::Slashing))
    }
}
