//! Checks and execution for slashing: accept evidence, answer an appeal, execute what is due.
//!
//! The app decides what evidence proves (signatures, the chain's records) and hands over a
//! [`Finding`]; this module owns the rules every offence shares: evidence age, one slash per
//! offence, the appeal window, the due queue, the bounty and the burn. Each function checks
//! every rule before it writes and returns `Ok(Err(rejection))` without writing when one
//! fails; `Err` is a storage fault.

use crate::{
    events::SlashingEvent,
    msg::Evidence,
    outcome::{SlashReason, SlashingRejection},
    params::SlashingParams,
    state_key::{Due, Ledger, Offences, Params, SINGLETON, Slashes, TargetSlashes},
    types::{Slash, SlashLedger, SlashStatus, TARGET_SLASHES_KEPT},
};
use terrane_accounts::{events::AccountsEvent, handler as accounts};
use terrane_pow::types::Report;
use terrane_primitives::{Address, Amount, BasisPoints, DeviceId, Epoch, Hash32, Height, sha256};
use terrane_staking::{
    events::StakingEvent,
    handler::{self as staking, StakeCtx},
    outcome::StakingRejection,
    types::Target,
};
use terrane_state::{Overlay, StateError, StateRead};

/// A module call's result: a storage fault, or an accepted value / a rejection.
pub type Executed<T> = Result<Result<T, SlashingRejection>, StateError>;

/// The parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<SlashingParams, StateError> {
    Ok(state
        .get::<Params>(&SINGLETON)
        .await?
        .expect("slashing params are written at genesis"))
}

/// The module's totals.
pub async fn ledger<S: StateRead>(state: &Overlay<S>) -> Result<SlashLedger, StateError> {
    Ok(state.get::<Ledger>(&SINGLETON).await?.unwrap_or_default())
}

/// Slash `id`, if recorded.
pub async fn slash<S: StateRead>(state: &Overlay<S>, id: u64) -> Result<Option<Slash>, StateError> {
    state.get::<Slashes>(&id).await
}

/// The latest slashes against `target`, oldest first.
pub async fn slashes_of<S: StateRead>(
    state: &Overlay<S>,
    target: &Target,
) -> Result<Vec<u64>, StateError> {
    Ok(state
        .get::<TargetSlashes>(target)
        .await?
        .map(|l| l.0)
        .unwrap_or_default())
}

/// The slashes the close of `epoch` executes.
pub async fn due<S: StateRead>(state: &Overlay<S>, epoch: Epoch) -> Result<Vec<u64>, StateError> {
    Ok(state
        .get::<Due>(&epoch)
        .await?
        .map(|l| l.0)
        .unwrap_or_default())
}

/// How one slash per offence is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cover {
    /// A one-off offence (an equivocation): one slash per key, ever.
    Once(Hash32),
    /// A windowed rule: per `(rule, device)` key, a window must start after the last epoch
    /// an earlier slash covered, so one offence is never slashed twice.
    Window {
        /// [`window_key`].
        key: Hash32,
        /// The window's first epoch.
        first: Epoch,
        /// Its last.
        last: Epoch,
    },
}

/// What the app found evidence to prove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Whose stake answers for it.
    pub target: Target,
    /// The offence.
    pub offence: SlashReason,
    /// The epoch of the offence (the last of a window).
    pub offence_epoch: Epoch,
    /// How duplicates are refused.
    pub cover: Cover,
}

/// The key of one duty's equivocation: the device, the epoch, the class's report kind and
/// its duty (from the class).
pub fn equivocation_key(report: &Report, duty: &Hash32) -> Hash32 {
    sha256(&[
        b"terrane/slash/equivocation/v1",
        report.device.as_ref(),
        &report.epoch.get().to_be_bytes(),
        &[report.class.get(), report.kind],
        duty.as_ref(),
    ])
}

/// The key of a validator's votes in one consensus round (`epoch`, `view`): one slash per
/// validator and round, whichever conflict the evidence shows (two notarizes, two finalizes,
/// a nullify and a finalize).
pub fn validator_round_key(validator: &Address, epoch: u64, view: u64) -> Hash32 {
    sha256(&[
        b"terrane/slash/validator-round/v1",
        validator.as_ref(),
        &epoch.to_be_bytes(),
        &view.to_be_bytes(),
    ])
}

/// The key of a windowed rule's coverage of `device`.
pub fn window_key(offence: SlashReason, device: &DeviceId) -> Hash32 {
    sha256(&[
        b"terrane/slash/window/v1",
        &offence.code().to_be_bytes(),
        device.as_ref(),
    ])
}

/// Whether `a` and `b` are two different claims by one device for one duty: same device,
/// epoch, class and kind, the same duty (`duty_a`, `duty_b`, from the class; `None` when the
/// class names no duty for the report), and different content.
pub fn conflicting(a: &Report, b: &Report, duty_a: Option<Hash32>, duty_b: Option<Hash32>) -> bool {
    a.device == b.device
        && a.epoch == b.epoch
        && a.class == b.class
        && a.kind == b.kind
        && duty_a.is_some()
        && duty_a == duty_b
        && a.id() != b.id()
}

/// The fraction of stake `offence` costs.
pub fn fraction_of(p: &SlashingParams, offence: SlashReason) -> BasisPoints {
    let bps = match offence {
        SlashReason::DeviceEquivocation => p.equivocation_bps,
        SlashReason::RepeatedInvalidProofs => p.invalid_proofs_bps,
        SlashReason::ValidatorEquivocation => p.validator_equivocation_bps,
        _ => p.missed_duty_bps,
    };
    BasisPoints::new(bps).expect("validated parameters")
}

/// The code a rule every offence shares answers with for `offence`: validator evidence has
/// its own codes (`validator_evidence_*`), so a validator's operator reads its refusals apart
/// from a device's.
fn refusal(offence: SlashReason, why: SlashingRejection) -> SlashingRejection {
    match (offence, why) {
        (SlashReason::ValidatorEquivocation, SlashingRejection::AlreadySlashed) => {
            SlashingRejection::ValidatorAlreadySlashed
        }
        (SlashReason::ValidatorEquivocation, SlashingRejection::NothingStaked) => {
            SlashingRejection::ValidatorNothingStaked
        }
        _ => why,
    }
}

/// Where evidence comes in: the block's height and epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    /// The block's height.
    pub height: Height,
    /// Its epoch.
    pub epoch: Epoch,
}

/// Records a pending slash for `finding`, reported by `reporter` with `evidence`; `staked`
/// is whether anything is bonded on or unbonding from the target now.
pub async fn submit<S: StateRead>(
    state: &mut Overlay<S>,
    at: At,
    reporter: &Address,
    finding: Finding,
    evidence: Evidence,
    staked: bool,
) -> Executed<Vec<SlashingEvent>> {
    let p = params(state).await?;
    let too_old =
        at.epoch.get().saturating_sub(finding.offence_epoch.get()) > p.evidence_max_age_epochs;
    if finding.offence_epoch > at.epoch || too_old {
        return Ok(Err(SlashingRejection::OutOfWindow));
    }
    let covered = match finding.cover {
        Cover::Once(key) => state.get::<Offences>(&key).await?.is_some(),
        Cover::Window { key, first, .. } => state
            .get::<Offences>(&key)
            .await?
            .is_some_and(|covered| first.get() <= covered),
    };
    if covered {
        return Ok(Err(refusal(
            finding.offence,
            SlashingRejection::AlreadySlashed,
        )));
    }
    if !staked {
        return Ok(Err(refusal(
            finding.offence,
            SlashingRejection::NothingStaked,
        )));
    }
    let due_epoch = at
        .epoch
        .checked_add(p.appeal_window_epochs)
        .expect("epochs do not run out");
    let mut due_list = state.get::<Due>(&due_epoch).await?.unwrap_or_default();
    if due_list.0.len() >= usize::try_from(p.max_due_per_epoch).expect("u32 fits usize") {
        return Ok(Err(SlashingRejection::QueueFull));
    }
    let mut l = ledger(state).await?;
    let id = l.count.checked_add(1).expect("slash ids do not run out");
    l.count = id;
    l.pending = l.pending.checked_add(1).expect("bounded by count");
    let record = Slash {
        id,
        target: finding.target,
        offence: finding.offence.code(),
        reporter: *reporter,
        offence_epoch: finding.offence_epoch,
        submitted: at.height,
        due: due_epoch,
        fraction: fraction_of(&p, finding.offence),
        status: SlashStatus::Pending,
        outcome: 0,
        appeals: 0,
        slashed: Amount::ZERO,
        bounty: Amount::ZERO,
        evidence,
    };
    match finding.cover {
        Cover::Once(key) => state.put::<Offences>(&key, &id),
        Cover::Window { key, last, .. } => state.put::<Offences>(&key, &last.get()),
    }
    due_list.0.push(id);
    state.put::<Due>(&due_epoch, &due_list);
    let mut mine = state
        .get::<TargetSlashes>(&finding.target)
        .await?
        .unwrap_or_default();
    mine.0.push(id);
    if mine.0.len() > TARGET_SLASHES_KEPT {
        mine.0.remove(0);
    }
    state.put::<TargetSlashes>(&finding.target, &mine);
    state.put::<Slashes>(&id, &record);
    state.put::<Ledger>(&SINGLETON, &l);
    Ok(Ok(vec![SlashingEvent::EvidenceAccepted {
        id,
        target: finding.target,
        offence: finding.offence.code(),
        reporter: *reporter,
        due: due_epoch,
    }]))
}

/// The checks every appeal passes before its counter-proof is looked at: the slash exists,
/// is pending, `signer` is the target's `operator`, and the offence admits a counter-proof.
pub async fn appealable<S: StateRead>(
    state: &Overlay<S>,
    signer: &Address,
    id: u64,
    operator: impl FnOnce(&Target) -> Option<Address>,
) -> Executed<Slash> {
    let Some(s) = slash(state, id).await? else {
        return Ok(Err(SlashingRejection::UnknownSlash));
    };
    if operator(&s.target) != Some(*signer) {
        return Ok(Err(SlashingRejection::NotAccused));
    }
    if s.status != SlashStatus::Pending {
        return Ok(Err(SlashingRejection::WindowClosed));
    }
    if s.offence != SlashReason::MissedDuties.code() {
        return Ok(Err(SlashingRejection::NoCounterProof));
    }
    Ok(Ok(s))
}

/// Accepts a counter-proof (checked by the app) that the device did its duty in `epoch`: the
/// epoch leaves the evidence, and below the threshold the slash is void.
pub async fn answer<S: StateRead>(
    state: &mut Overlay<S>,
    mut s: Slash,
    epoch: Epoch,
) -> Executed<Vec<SlashingEvent>> {
    let Evidence::MissedDuties { epochs, .. } = &mut s.evidence else {
        return Ok(Err(SlashingRejection::NoCounterProof));
    };
    let Some(i) = epochs.iter().position(|e| *e == epoch) else {
        return Ok(Err(SlashingRejection::CounterProofInvalid));
    };
    epochs.remove(i);
    let left = epochs.len();
    let p = params(state).await?;
    s.appeals = s.appeals.saturating_add(1);
    let voided = left < usize::try_from(p.missed_threshold).expect("u32 fits usize");
    if voided {
        s.status = SlashStatus::Voided;
        s.outcome = SlashReason::AppealUpheld.code();
        let mut l = ledger(state).await?;
        l.pending = l.pending.checked_sub(1).expect("it was pending");
        state.put::<Ledger>(&SINGLETON, &l);
    }
    let id = s.id;
    state.put::<Slashes>(&id, &s);
    Ok(Ok(vec![SlashingEvent::Appealed { id, epoch, voided }]))
}

/// What executing one epoch's due slashes emitted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutedSlashes {
    /// Slashing's own.
    pub slashing: Vec<SlashingEvent>,
    /// Staking's (the cuts).
    pub staking: Vec<StakingEvent>,
    /// Bounties paid.
    pub accounts: Vec<AccountsEvent>,
}

/// Executes every slash still pending that the close of `closing` is due to run, in id
/// order: the fraction of the target's bonded and unbonding stake, the bounty to the
/// reporter, the rest burned. A target with nothing staked any more lapses the slash.
pub async fn execute_due<S: StateRead>(
    state: &mut Overlay<S>,
    closing: Epoch,
    treasury: Address,
) -> Result<ExecutedSlashes, StateError> {
    let ids = due(state, closing).await?;
    let mut out = ExecutedSlashes::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let p = params(state).await?;
    let bounty_bps = BasisPoints::new(p.bounty_bps).expect("validated parameters");
    let ctx = StakeCtx {
        epoch: closing,
        treasury,
    };
    let mut l = ledger(state).await?;
    for id in ids {
        let mut s = slash(state, id).await?.expect("a due slash is recorded");
        if s.status != SlashStatus::Pending {
            continue;
        }
        l.pending = l.pending.checked_sub(1).expect("it was pending");
        match staking::slash(state, &ctx, &s.target, s.fraction).await? {
            Ok((cut, event)) => {
                let total = cut.total();
                let bounty = Amount::new(bounty_bps.apply_floor(total.get()));
                let burned = total.checked_sub(bounty).expect("a fraction of it");
                if !bounty.is_zero() {
                    out.accounts
                        .push(accounts::credit_from_pool(state, &s.reporter, bounty).await?);
                }
                accounts::burn_from_pool(state, burned).await?;
                s.status = SlashStatus::Executed;
                s.slashed = total;
                s.bounty = bounty;
                let add = |a: Amount, b: Amount| a.checked_add(b).expect("within the supply");
                l.slashed = add(l.slashed, total);
                l.bounties = add(l.bounties, bounty);
                l.burned = add(l.burned, burned);
                out.staking.push(event);
                out.slashing.push(SlashingEvent::Executed {
                    id,
                    target: s.target,
                    slashed: total,
                    bounty,
                    burned,
                });
            }
            Err(StakingRejection::NothingToSlash) => {
                s.status = SlashStatus::Lapsed;
                s.outcome = SlashReason::Lapsed.code();
                out.slashing.push(SlashingEvent::Lapsed { id });
            }
            Err(other) => unreachable!("staking's slash refuses only an empty target: {other:?}"),
        }
        state.put::<Slashes>(&id, &s);
    }
    state.put::<Ledger>(&SINGLETON, &l);
    state.delete::<Due>(&closing);
    Ok(out)
}
