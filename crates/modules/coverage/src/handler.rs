//! Loading what the verifier needs, storing what it accepts, and closing an epoch.

use crate::{
    KIND_BEACON, KIND_WITNESS,
    events::CloseSummary,
    msg::{Beacon, Witness},
    outcome::CoverageRejection,
    params::CoverageParams,
    state_key::{
        Cooldowns, EpochBeaconCount, EpochBeacons, MAX_REACH, PARAMS_KEY, Params, Reach,
        ReachCount, Slots, WitnessSeen, Witnesses,
    },
    types::{BeaconRecord, BeaconSlot, WitnessRecord},
    verify::{self, Judgement},
};
use commonware_codec::DecodeExt;
use std::collections::{BTreeMap, BTreeSet};
use terrane_devices::{
    handler::{self as devices, ClassCheck},
    types::{Capabilities, DeviceStatus},
};
use terrane_pow::{
    handler::{self as pow, Prechecked},
    outcome::PowRejection,
    params::PowParams,
    schedule,
    types::{OutcomeRecord, Verdict},
};
use terrane_primitives::{DeviceId, Epoch, Hash32};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// The coverage parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<CoverageParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("coverage params are written at genesis"))
}

/// The class's verdict on the capabilities of a device registering in it.
pub async fn check_capabilities<S: StateRead>(
    state: &Overlay<S>,
    caps: &Capabilities,
) -> Result<ClassCheck, StateError> {
    Ok(crate::radio::Radio::check(caps, &params(state).await?))
}

/// Starts the reward cooldown of `device`, which moved in epoch `moved_in`: the epoch of the
/// move earns nothing either, so the cooldown counts whole epochs after it.
pub async fn start_cooldown<S: StateRead>(
    state: &mut Overlay<S>,
    device: &DeviceId,
    moved_in: Epoch,
) -> Result<(), StateError> {
    let p = params(state).await?;
    let from = Epoch::new(
        moved_in
            .get()
            .saturating_add(p.relocation_cooldown_epochs)
            .saturating_add(1),
    );
    state.put::<Cooldowns>(device, &from);
    Ok(())
}

/// The first epoch `device` may earn coverage rewards in (`None`: since it registered).
pub async fn eligible_from<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
) -> Result<Option<Epoch>, StateError> {
    state.get::<Cooldowns>(device).await
}

fn verdict(j: Judgement) -> Verdict {
    if j.accountable {
        Verdict::Invalid(j.code.code())
    } else {
        Verdict::Refused(j.code.code())
    }
}

/// Judges a coverage report that passed the framework checks, storing what it accepts.
pub async fn verify_report<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    report: &Prechecked,
) -> Result<Verdict, StateError> {
    let p = params(state).await?;
    let payload = bytes::Bytes::copy_from_slice(&report.report.payload);
    match report.report.kind {
        KIND_BEACON => match Beacon::decode(payload) {
            Ok(b) => verify_beacon(state, env, pow_params, &p, report, &b).await,
            Err(_) => Ok(Verdict::Invalid(PowRejection::MalformedReport.code())),
        },
        KIND_WITNESS => match Witness::decode(payload) {
            Ok(w) => verify_witness(state, env, pow_params, &p, report, &w).await,
            Err(_) => Ok(Verdict::Invalid(PowRejection::MalformedReport.code())),
        },
        _ => Ok(Verdict::Invalid(CoverageRejection::UnknownKind.code())),
    }
}

/// The phase of `device`'s window of the current epoch that this block is in.
async fn window_phase<S: StateRead>(
    state: &Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    device: &DeviceId,
) -> Result<schedule::Phase, StateError> {
    let info = pow::epoch_info(state, env.epoch)
        .await?
        .expect("the current epoch is open");
    let window = schedule::window_of(&info.randomness, device, pow_params.windows_per_epoch);
    Ok(schedule::phase(
        env.height,
        info.start_height,
        pow_params.epoch_length_blocks,
        pow_params.window_grace_blocks,
        pow_params.windows_per_epoch,
        window,
    ))
}

async fn slot<S: StateRead>(
    state: &mut Overlay<S>,
    epoch: Epoch,
    beaconer: &DeviceId,
) -> Result<BeaconSlot, StateError> {
    match state.get::<Slots>(&(epoch, *beaconer)).await? {
        Some(s) => Ok(s),
        None => new_slot(state, epoch, beaconer).await,
    }
}

/// The first slot of a beaconer in `epoch`: lists it for the close.
async fn new_slot<S: StateRead>(
    state: &mut Overlay<S>,
    epoch: Epoch,
    beaconer: &DeviceId,
) -> Result<BeaconSlot, StateError> {
    let n = state.get::<EpochBeaconCount>(&epoch).await?.unwrap_or(0);
    state.put::<EpochBeacons>(&(epoch, n), beaconer);
    state.put::<EpochBeaconCount>(&epoch, &(n + 1));
    Ok(BeaconSlot::default())
}

async fn verify_beacon<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    p: &CoverageParams,
    report: &Prechecked,
    beacon: &Beacon,
) -> Result<Verdict, StateError> {
    let beaconer = &report.device;
    let inside =
        window_phase(state, env, pow_params, &beaconer.id).await? == schedule::Phase::Reveal;
    let existing = state.get::<Slots>(&(env.epoch, beaconer.id)).await?;
    let revealed = existing.as_ref().is_some_and(|s| s.beacon.is_some());
    if let Err(j) = verify::check_beacon(beaconer, beacon, p, env.timestamp.get(), inside, revealed)
    {
        return Ok(verdict(j));
    }
    let mut s = match existing {
        Some(s) => s,
        None => new_slot(state, env.epoch, &beaconer.id).await?,
    };
    s.beacon = Some(BeaconRecord {
        commitment: verify::reveal_commitment(&beaconer.id, beacon),
        report_id: report.report_id,
        frequency_khz: beacon.frequency_khz,
        timestamp_ms: beacon.timestamp_ms,
        revealed_at: env.height,
    });
    state.put::<Slots>(&(env.epoch, beaconer.id), &s);
    Ok(Verdict::Pending)
}

async fn verify_witness<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    p: &CoverageParams,
    report: &Prechecked,
    body: &Witness,
) -> Result<Verdict, StateError> {
    let witness = &report.device;
    let refuse = |code: CoverageRejection| Ok(Verdict::Refused(code.code()));
    let Some(beaconer) = devices::device(state, &body.beaconer).await? else {
        return refuse(CoverageRejection::UnknownBeaconer);
    };
    if beaconer.status != DeviceStatus::Active || beaconer.class() != crate::CLASS {
        return refuse(CoverageRejection::UnknownBeaconer);
    }
    let existing = state
        .get::<Slots>(&(env.epoch, beaconer.id))
        .await?
        .unwrap_or_default();
    if existing.beacon.is_some() {
        return refuse(CoverageRejection::WitnessAfterReveal);
    }
    match window_phase(state, env, pow_params, &beaconer.id).await? {
        schedule::Phase::Work => {}
        schedule::Phase::Before => return refuse(CoverageRejection::WitnessEarly),
        schedule::Phase::Reveal | schedule::Phase::After => {
            return refuse(CoverageRejection::WitnessLate);
        }
    }
    let seen_key = (env.epoch, beaconer.id, witness.id);
    if state.get::<WitnessSeen>(&seen_key).await?.is_some() {
        return Ok(Verdict::Invalid(CoverageRejection::DuplicateWitness.code()));
    }
    if existing.witnesses >= p.max_witnesses_stored {
        return refuse(CoverageRejection::TooManyWitnesses);
    }
    if let Err(j) = verify::check_witness_time(body, env.timestamp.get(), p) {
        return Ok(verdict(j));
    }
    let distance = match verify::check_witness(witness, &beaconer, body, p) {
        Ok(d) => d,
        Err(j) => return Ok(verdict(j)),
    };
    // Owner accounts cost nothing to create, so one funder creating many at once is one owner
    // for this rule. No fault: an honest owner cannot see who funded the other.
    if terrane_accounts::handler::funding_linked(
        state,
        &witness.owner,
        &beaconer.owner,
        p.funding_link_window_blocks,
    )
    .await?
    {
        return refuse(CoverageRejection::LinkedOwnerWitness);
    }
    let mut s = slot(state, env.epoch, &beaconer.id).await?;
    state.put::<Witnesses>(
        &(env.epoch, beaconer.id, s.witnesses),
        &WitnessRecord {
            witness: witness.id,
            report_id: report.report_id,
            body: *body,
            distance_m: distance,
            height: env.height,
            included_ms: env.timestamp.get(),
        },
    );
    s.witnesses += 1;
    state.put::<Slots>(&(env.epoch, beaconer.id), &s);
    state.put::<WitnessSeen>(&seen_key, &1);
    Ok(Verdict::Pending)
}

/// Closes `epoch`: matches witnesses to revealed beacons, selects, and credits units through
/// the framework. `randomness` is the closing block's randomness (unknown to every reporter).
pub async fn close_epoch<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    epoch: Epoch,
    randomness: &Hash32,
) -> Result<CloseSummary, StateError> {
    let p = params(state).await?;
    let mut summary = CloseSummary::default();
    // Who heard whom in the reports that count: the reach rewards' demand backing shares a
    // customer's payment over (docs/spec/coverage.md#reach-who-a-customer-backs).
    let mut reach: BTreeMap<DeviceId, BTreeSet<DeviceId>> = BTreeMap::new();
    let count = state.get::<EpochBeaconCount>(&epoch).await?.unwrap_or(0);
    for i in 0..count {
        let beaconer_id = state
            .get::<EpochBeacons>(&(epoch, i))
            .await?
            .expect("beacon list is contiguous");
        let s = state
            .get::<Slots>(&(epoch, beaconer_id))
            .await?
            .expect("every listed beaconer has a slot");
        summary.witnesses += s.witnesses;
        // Witnesses whose commitment the reveal opens, split by whether their time and
        // frequency agree with what the beaconer declares.
        let mut agreeing: Vec<WitnessRecord> = Vec::new();
        let mut disputing: Vec<(WitnessRecord, CoverageRejection)> = Vec::new();
        for w in 0..s.witnesses {
            let rec = state
                .get::<Witnesses>(&(epoch, beaconer_id, w))
                .await?
                .expect("witness slots are contiguous");
            match verify::check_against_beacon(&beaconer_id, &rec.body, s.beacon.as_ref(), &p) {
                Ok(()) => agreeing.push(rec),
                Err(
                    code @ (CoverageRejection::WitnessFrequencyMismatch
                    | CoverageRejection::WitnessTimingInvalid),
                ) => disputing.push((rec, code)),
                Err(code) => {
                    summary.unmatched += 1;
                    // A witness whose commitment the reveal contradicts was false. With no
                    // reveal there is nothing to judge by: penalising would let a beaconer that
                    // transmits and never reveals grief its honest witnesses for free.
                    let judgement = (code != CoverageRejection::BeaconNotRevealed).then_some(false);
                    late(
                        state,
                        env,
                        pow_params,
                        epoch,
                        &rec.witness,
                        rec.report_id,
                        KIND_WITNESS,
                        code.code(),
                        0,
                        judgement,
                    )
                    .await?;
                }
            }
        }
        // Time and frequency are the beaconer's own declaration, so a witness that disagrees
        // with it is no evidence against the witness: the majority of the matching witnesses
        // decides who is wrong. A beacon most of them contradict is the one at fault (it earns
        // nothing and costs its beaconer an invalid step); the minority on either side is
        // refused without fault. Otherwise a beaconer declaring a skewed time or another
        // channel could charge every honest witness (and, through slashing's repeated-invalid
        // rule, put their bonds at risk), or keep its witness rewards for its own clique.
        // Witnesses that all tell one story count whatever the declaration says: a beaconer
        // declaring a time among its honest witnesses' own cannot split them into a refused
        // minority.
        //
        // The chain's own clock bounds the declaration first: the block that first held a
        // matching witness shows the beacon had been heard by then (an attacker's early junk
        // witness cannot pin it, because only witnesses the reveal opens are matching).
        let matching = || agreeing.iter().chain(disputing.iter().map(|d| &d.0));
        let time_fault = match (&s.beacon, matching().map(|r| r.included_ms).min()) {
            (Some(b), Some(first_heard)) => verify::check_beacon_time(b, first_heard, &p).err(),
            _ => None,
        };
        let disputed = time_fault.is_some() || disputing.len() > agreeing.len();
        let one_story = !disputing.is_empty() && verify::one_story(matching(), &p);
        let (winners, losers): (Vec<WitnessRecord>, Vec<(WitnessRecord, CoverageRejection)>) =
            if one_story {
                let all = agreeing
                    .into_iter()
                    .chain(disputing.into_iter().map(|d| d.0));
                (all.collect(), Vec::new())
            } else if disputed {
                let sided = agreeing
                    .into_iter()
                    .map(|r| (r, CoverageRejection::BeaconDisputed))
                    .collect();
                (disputing.into_iter().map(|(r, _)| r).collect(), sided)
            } else {
                (agreeing, disputing)
            };
        // A far report no nearer witness corroborates is what a beacon relayed over the
        // internet looks like: refused without fault (a lone honest far witness loses only
        // this beacon's units).
        let (winners, lone) = corroborate(state, &p, &beaconer_id, winners).await?;
        let losers = losers.into_iter().chain(
            lone.into_iter()
                .map(|r| (r, CoverageRejection::WitnessUncorroborated)),
        );
        for (rec, code) in losers {
            late(
                state,
                env,
                pow_params,
                epoch,
                &rec.witness,
                rec.report_id,
                KIND_WITNESS,
                code.code(),
                0,
                None,
            )
            .await?;
        }
        let mut candidates: Vec<(Hash32, WitnessRecord)> = winners
            .into_iter()
            .map(|rec| {
                (
                    verify::selection_draw(randomness, &beaconer_id, &rec.witness),
                    rec,
                )
            })
            .collect();
        candidates.sort_by_key(|c| c.0);
        let k = (p.max_witnesses_selected as usize).min(candidates.len());
        for (_, rec) in &candidates[k..] {
            late(
                state,
                env,
                pow_params,
                epoch,
                &rec.witness,
                rec.report_id,
                KIND_WITNESS,
                CoverageRejection::WitnessNotSelected.code(),
                0,
                Some(true),
            )
            .await?;
        }
        let selected = u32::try_from(k).expect("at most max_witnesses_stored");
        summary.selected += selected;
        // Shares by the witnesses that count: a refused report (the wrong side of a dispute,
        // an uncorroborated far one) must not dilute the honest witnesses' units, or copying a
        // published commitment into junk witnesses would grief them for the price of a fee.
        let heard = u32::try_from(candidates.len().min(p.max_witnesses_selected as usize))
            .expect("at most max_witnesses_selected");
        let per_witness = verify::witness_units(heard, &p);
        for (_, rec) in &candidates[..k] {
            if per_witness > 0 && rec.witness != beaconer_id {
                reach.entry(beaconer_id).or_default().insert(rec.witness);
                reach.entry(rec.witness).or_default().insert(beaconer_id);
            }
            late(
                state,
                env,
                pow_params,
                epoch,
                &rec.witness,
                rec.report_id,
                KIND_WITNESS,
                0,
                per_witness,
                Some(true),
            )
            .await?;
        }
        if let Some(beacon) = &s.beacon
            && disputed
        {
            summary.beacons += 1;
            let (code, judgement) = time_fault
                .map_or((CoverageRejection::BeaconDisputed, Some(false)), |j| {
                    (j.code, j.accountable.then_some(false))
                });
            late(
                state,
                env,
                pow_params,
                epoch,
                &beaconer_id,
                beacon.report_id,
                KIND_BEACON,
                code.code(),
                0,
                judgement,
            )
            .await?;
        } else if let Some(beacon) = &s.beacon {
            summary.beacons += 1;
            late(
                state,
                env,
                pow_params,
                epoch,
                &beaconer_id,
                beacon.report_id,
                KIND_BEACON,
                0,
                verify::beacon_units(selected, &p),
                // Only a beacon somebody heard shows the device works; a lone reveal proves
                // nothing and must not count towards vetting.
                (selected > 0).then_some(true),
            )
            .await?;
        }
    }
    for (device, partners) in reach {
        let mut n = 0u32;
        for partner in partners.into_iter().take(MAX_REACH) {
            state.put::<Reach>(&(epoch, device, n), &partner);
            n += 1;
        }
        state.put::<ReachCount>(&(epoch, device), &n);
    }
    Ok(summary)
}

/// Most counted witnesses a far witness is compared with (the farthest ones, which are the
/// likeliest to be near it): bounds the close's work per beacon to this many distances per
/// far witness, however many witnesses are stored.
const MAX_CORROBORATORS: usize = 64;

/// Splits a beacon's witnesses into those the locality rule counts and those it refuses
/// (`witness_uncorroborated`). In order of distance from the beaconer, a witness within
/// `corroboration_radius_m` counts; a farther one counts only if a counted witness of another
/// owner is within that radius of it. A real signal weakens smoothly with distance, so a
/// device that truly hears a far beacon usually has a neighbour that does too, while a beacon
/// relayed to a distant accomplice arrives with no such neighbour (unless the attacker puts a
/// device every radius along the way, each of which must itself be corroborated).
async fn corroborate<S: StateRead>(
    state: &Overlay<S>,
    p: &CoverageParams,
    beaconer: &DeviceId,
    witnesses: Vec<WitnessRecord>,
) -> Result<(Vec<WitnessRecord>, Vec<WitnessRecord>), StateError> {
    let radius = p.corroboration_radius_m;
    if witnesses.iter().all(|w| w.distance_m <= radius)
        || devices::device(state, beaconer).await?.is_none()
    {
        return Ok((witnesses, Vec::new()));
    }
    let mut order = witnesses;
    order.sort_by_key(|w| (w.distance_m, w.witness));
    let mut counted: Vec<(terrane_geo::H3Cell, terrane_primitives::Address)> = Vec::new();
    let (mut kept, mut lone) = (Vec::new(), Vec::new());
    for rec in order {
        let Some(d) = devices::device(state, &rec.witness).await? else {
            // Deregistered since it reported: nothing is paid to it anyway.
            kept.push(rec);
            continue;
        };
        let near = rec.distance_m <= radius
            || counted
                .iter()
                .rev()
                .take(MAX_CORROBORATORS)
                .any(|(cell, owner)| {
                    *owner != d.owner
                        && terrane_geo::distance_m(*cell, d.location).is_some_and(|m| m <= radius)
                });
        if near {
            counted.push((d.location, d.owner));
            kept.push(rec);
        } else {
            lone.push(rec);
        }
    }
    Ok((kept, lone))
}

#[allow(clippy::too_many_arguments)]
async fn late<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    epoch: Epoch,
    device: &DeviceId,
    report_id: Hash32,
    kind: u8,
    code: u16,
    units: u64,
    judgement: Option<bool>,
) -> Result<(), StateError> {
    let Some(d) = devices::device(state, device).await? else {
        return Ok(());
    };
    pow::record_late(
        state,
        env,
        pow_params,
        &d,
        OutcomeRecord {
            report_id,
            height: env.height,
            epoch,
            kind,
            code,
            units,
        },
        judgement,
    )
    .await
}
