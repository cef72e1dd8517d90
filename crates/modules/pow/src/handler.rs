//! The framework's checks and records.
//!
//! Griefing rule: only what the device itself signed can cost it reputation or fill its
//! outcome ring. A report whose signature fails touches no device state; a replayed report
//! (duplicate, or an old epoch's) is reported as an event only, since anyone can replay a
//! device's signed report.

use crate::{
    events::PowEvent,
    outcome::PowRejection,
    params::PowParams,
    reputation,
    state_key::{
        CellWork, EpochInvalid, EpochWork, EpochWorkers, Epochs, Outcomes, PARAMS_KEY, Params,
        SeenReports, Work,
    },
    types::{DeviceWork, EpochInfo, OutcomeRecord, Report, SignedReport, Verdict, WorkEntry},
};
use terrane_devices::{
    handler as devices,
    types::{Device, DeviceStatus},
};
use terrane_maintenance::handler as maintenance;
use terrane_primitives::{DeviceId, Epoch, Hash32, Height};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// The framework parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<PowParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("pow params are written at genesis"))
}

/// A report that passed the framework's checks.
#[derive(Clone, Debug)]
pub struct Prechecked {
    /// The device it is from.
    pub device: Device,
    /// The report.
    pub report: Report,
    /// Its id.
    pub report_id: Hash32,
}

/// The framework's judgement before the class verifier.
#[derive(Clone, Debug)]
pub enum Precheck {
    /// Hand it to the class verifier.
    Accepted(Prechecked),
    /// Rejected; `device` is set when the rejection is the device's own doing and is recorded
    /// on its outcome ring and reputation.
    Rejected {
        /// The report id.
        report_id: Hash32,
        /// The device charged with it, if any.
        charged: Option<Device>,
        /// The reason.
        code: PowRejection,
    },
}

/// Runs the framework checks on one report. `signature_ok` is the block's (batched) verdict
/// on the report's signature.
pub async fn precheck<S: StateRead>(
    state: &Overlay<S>,
    env: &BlockEnv,
    signed: &SignedReport,
    signature_ok: bool,
) -> Result<Precheck, StateError> {
    let report_id = signed.report.id();
    let rejected = |code, charged| Precheck::Rejected {
        report_id,
        charged,
        code,
    };
    let Some(speaks_for) = devices::signer_device(state, env, &signed.signer).await? else {
        return Ok(rejected(PowRejection::UnknownDevice, None));
    };
    if speaks_for != signed.report.device {
        return Ok(rejected(PowRejection::SignerMismatch, None));
    }
    if !signature_ok {
        return Ok(rejected(PowRejection::BadReportSignature, None));
    }
    let device = devices::device(state, &speaks_for)
        .await?
        .expect("signer_device only names registered devices");
    if device.status != DeviceStatus::Active {
        return Ok(rejected(PowRejection::DeviceInactive, None));
    }
    if signed.report.epoch < env.epoch {
        return Ok(rejected(PowRejection::StaleEpoch, None));
    }
    if state
        .get::<SeenReports>(&(signed.report.epoch, report_id))
        .await?
        .is_some()
    {
        return Ok(rejected(PowRejection::DuplicateReport, None));
    }
    if signed.report.epoch > env.epoch {
        return Ok(rejected(PowRejection::FutureEpoch, Some(device)));
    }
    if signed.report.class != device.class() {
        return Ok(rejected(PowRejection::WrongClass, Some(device)));
    }
    // Resting is nobody's fault; the report earns nothing and costs nothing.
    if maintenance::in_maintenance(state, &device.id, signed.report.epoch).await? {
        return Ok(rejected(PowRejection::InMaintenance, None));
    }
    Ok(Precheck::Accepted(Prechecked {
        device,
        report: signed.report.clone(),
        report_id,
    }))
}

/// The device's proof record brought up to `epoch` (fresh if it never reported).
pub async fn device_work<S: StateRead>(
    state: &Overlay<S>,
    params: &PowParams,
    device: &DeviceId,
    epoch: Epoch,
) -> Result<DeviceWork, StateError> {
    let mut w = state
        .get::<Work>(device)
        .await?
        .unwrap_or_else(|| reputation::fresh(params, epoch));
    // Most reads are within the record's own epoch: nothing elapsed, no window to read.
    let excused = if epoch > w.reputation_epoch {
        maintenance::excused(state, device, w.reputation_epoch, epoch).await?
    } else {
        0
    };
    reputation::decay_excusing(&mut w, params, epoch, excused);
    Ok(w)
}

/// Brings the device's stored record up to `epoch` (decay applied, maintenance excused), so
/// the maintenance windows it rested in before `epoch` are accounted and may be forgotten.
pub async fn settle<S: StateRead>(
    state: &mut Overlay<S>,
    params: &PowParams,
    device: &DeviceId,
    epoch: Epoch,
) -> Result<(), StateError> {
    let w = device_work(state, params, device, epoch).await?;
    state.put::<Work>(device, &w);
    Ok(())
}

/// Records a verdict the device is accountable for: marks the report seen, updates the
/// reputation, appends the outcome, and credits valid units to the epoch's work.
pub async fn record<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    params: &PowParams,
    device: &Device,
    report: &Report,
    report_id: Hash32,
    verdict: Verdict,
) -> Result<PowEvent, StateError> {
    state.put::<SeenReports>(&(report.epoch, report_id), &1);
    let mut work = device_work(state, params, &device.id, env.epoch).await?;
    match verdict {
        Verdict::Valid { .. } => reputation::apply(&mut work, params, true),
        Verdict::Invalid(_) => {
            reputation::apply(&mut work, params, false);
            count_invalid(state, &device.id, report.epoch).await?;
        }
        // A pending report is judged when its class decides (`record_late`); refused ones are
        // nobody's fault.
        Verdict::Pending | Verdict::Refused(_) => {}
    }
    let units = match verdict {
        Verdict::Valid { units } => units,
        _ => 0,
    };
    append_outcome(
        state,
        params,
        &device.id,
        &mut work,
        OutcomeRecord {
            report_id,
            height: env.height,
            epoch: report.epoch,
            kind: report.kind,
            code: verdict.code(),
            units,
        },
    );
    state.put::<Work>(&device.id, &work);
    if units > 0 {
        credit(state, params, report.epoch, device, units).await?;
    }
    Ok(PowEvent::ReportJudged {
        report_id,
        device: Some(device.id),
        code: verdict.code(),
        units,
    })
}

/// Records the final outcome of a report that was pending (decided at epoch close): its
/// reputation effect (`Some(true)` valid, `Some(false)` invalid, `None` neutral), the outcome,
/// and its units. The report was already marked seen.
pub async fn record_late<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    params: &PowParams,
    device: &Device,
    record: OutcomeRecord,
    judgement: Option<bool>,
) -> Result<(), StateError> {
    // Decay only up to the report's epoch: an epoch close must see the reputation the device
    // had in the epoch being closed.
    let mut work = device_work(state, params, &device.id, record.epoch.min(env.epoch)).await?;
    if let Some(valid) = judgement {
        reputation::apply(&mut work, params, valid);
        if !valid {
            count_invalid(state, &device.id, record.epoch).await?;
        }
    }
    let units = record.units;
    let epoch = record.epoch;
    append_outcome(state, params, &device.id, &mut work, record);
    state.put::<Work>(&device.id, &work);
    if units > 0 {
        credit(state, params, epoch, device, units).await?;
    }
    Ok(())
}

/// Counts one accountable invalid report of `device` in `epoch`.
async fn count_invalid<S: StateRead>(
    state: &mut Overlay<S>,
    device: &DeviceId,
    epoch: Epoch,
) -> Result<(), StateError> {
    let n = state
        .get::<EpochInvalid>(&(*device, epoch))
        .await?
        .unwrap_or(0);
    state.put::<EpochInvalid>(&(*device, epoch), &n.saturating_add(1));
    Ok(())
}

/// Accountable invalid reports of `device` in `epoch` (what slashing's threshold counts).
pub async fn invalid_reports<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
    epoch: Epoch,
) -> Result<u32, StateError> {
    Ok(state
        .get::<EpochInvalid>(&(*device, epoch))
        .await?
        .unwrap_or(0))
}

fn append_outcome<S: StateRead>(
    state: &mut Overlay<S>,
    params: &PowParams,
    device: &DeviceId,
    work: &mut DeviceWork,
    record: OutcomeRecord,
) {
    let slot = u8::try_from(work.outcomes % u64::from(params.outcomes_kept))
        .expect("outcomes_kept is at most 256");
    state.put::<Outcomes>(&(*device, slot), &record);
    work.outcomes = work.outcomes.saturating_add(1);
}

/// Adds `units` to `device`'s work in `epoch`, entering it in the worker list and its density
/// cell's tally the first time.
pub async fn credit<S: StateRead>(
    state: &mut Overlay<S>,
    params: &PowParams,
    epoch: Epoch,
    device: &Device,
    units: u64,
) -> Result<(), StateError> {
    let key = (epoch, device.id);
    let entry = match state.get::<EpochWork>(&key).await? {
        Some(mut e) => {
            e.units = e.units.saturating_add(units);
            e
        }
        None => {
            let mut info = state
                .get::<Epochs>(&epoch)
                .await?
                .expect("work is only credited to an open epoch");
            let density_cell = device
                .location
                .parent(params.density_resolution)
                .expect("device locations are resolution 12")
                .raw();
            let e = WorkEntry {
                units,
                class: device.class(),
                density_cell,
                index: info.workers,
            };
            state.put::<EpochWorkers>(&(epoch, info.workers), &device.id);
            info.workers = info
                .workers
                .checked_add(1)
                .expect("fewer than 2^32 workers");
            state.put::<Epochs>(&epoch, &info);
            let cell_key = (epoch, density_cell);
            let n = state.get::<CellWork>(&cell_key).await?.unwrap_or(0);
            state.put::<CellWork>(&cell_key, &(n + 1));
            e
        }
    };
    state.put::<EpochWork>(&key, &entry);
    Ok(())
}

/// Opens `epoch` with the randomness of its first block.
pub fn open_epoch<S: StateRead>(
    state: &mut Overlay<S>,
    epoch: Epoch,
    randomness: Hash32,
    start_height: Height,
) -> PowEvent {
    state.put::<Epochs>(
        &epoch,
        &EpochInfo {
            randomness,
            start_height,
            workers: 0,
        },
    );
    PowEvent::EpochOpened { epoch, randomness }
}

/// The epoch's record, if it opened.
pub async fn epoch_info<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
) -> Result<Option<EpochInfo>, StateError> {
    state.get::<Epochs>(&epoch).await
}

/// Every device that worked in `epoch`, in the order they first earned units.
pub async fn workers<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
) -> Result<Vec<(DeviceId, WorkEntry)>, StateError> {
    let Some(info) = epoch_info(state, epoch).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(info.workers as usize);
    for i in 0..info.workers {
        let device = state
            .get::<EpochWorkers>(&(epoch, i))
            .await?
            .expect("worker list is contiguous");
        let entry = state
            .get::<EpochWork>(&(epoch, device))
            .await?
            .expect("every listed worker has an entry");
        out.push((device, entry));
    }
    Ok(out)
}

/// The device's recorded outcomes, newest first.
pub async fn recent_outcomes<S: StateRead>(
    state: &Overlay<S>,
    params: &PowParams,
    device: &DeviceId,
) -> Result<Vec<OutcomeRecord>, StateError> {
    let Some(work) = state.get::<Work>(device).await? else {
        return Ok(Vec::new());
    };
    let kept = u64::from(params.outcomes_kept);
    let n = work.outcomes.min(kept);
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for k in 0..n {
        let seq = work.outcomes - 1 - k;
        let slot = u8::try_from(seq % kept).expect("below 256");
        if let Some(r) = state.get::<Outcomes>(&(*device, slot)).await? {
            out.push(r);
        }
    }
    Ok(out)
}

/// Working devices counted in a density cell in `epoch`.
pub async fn cell_workers<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    density_cell: u64,
) -> Result<u32, StateError> {
    Ok(state
        .get::<CellWork>(&(epoch, density_cell))
        .await?
        .unwrap_or(0))
}
