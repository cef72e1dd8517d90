//! Reading and declaring windows.

use crate::{
    events::MaintenanceEvent,
    outcome::MaintenanceRejection,
    params::MaintenanceParams,
    state_key::{DeviceWindows, Params, SINGLETON},
    types::{Window, Windows},
};
use terrane_primitives::{DeviceId, Epoch, Height};
use terrane_state::{Overlay, StateError, StateRead};

/// The parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<MaintenanceParams, StateError> {
    Ok(state
        .get::<Params>(&SINGLETON)
        .await?
        .expect("maintenance params are written at genesis"))
}

/// The device's windows on record, by start.
pub async fn windows<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
) -> Result<Windows, StateError> {
    Ok(state
        .get::<DeviceWindows>(device)
        .await?
        .unwrap_or_default())
}

/// Whether the device rests in `epoch`.
pub async fn in_maintenance<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
    epoch: Epoch,
) -> Result<bool, StateError> {
    Ok(windows(state, device)
        .await?
        .0
        .iter()
        .any(|w| w.covers(epoch)))
}

/// How many epochs of `[from, to)` the device rests in (its reputation does not decay over
/// them). Windows dropped from the list all end before any record the app settles on a
/// declaration, so callers see every window that matters to them.
pub async fn excused<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
    from: Epoch,
    to: Epoch,
) -> Result<u64, StateError> {
    if to <= from {
        return Ok(0);
    }
    Ok(windows(state, device)
        .await?
        .0
        .iter()
        .map(|w| w.overlap(from.get(), to.get()))
        .sum())
}

/// Where a declaration is made.
#[derive(Clone, Copy, Debug)]
pub struct At {
    /// The block.
    pub height: Height,
    /// Its epoch.
    pub epoch: Epoch,
    /// Blocks per epoch (`pow.epoch_length_blocks`): epoch `e` starts at block `e * len`.
    pub epoch_length_blocks: u64,
}

/// Declares `[start, start + epochs)` for `device`, whose owner the app has checked signed
/// the declaration and whose reputation it has settled up to `at.epoch`.
pub async fn declare<S: StateRead>(
    state: &mut Overlay<S>,
    at: At,
    device: &DeviceId,
    start: Epoch,
    epochs: u32,
) -> Result<Result<MaintenanceEvent, MaintenanceRejection>, StateError> {
    use MaintenanceRejection as R;
    let p = params(state).await?;
    if epochs == 0 {
        return Ok(Err(R::Empty));
    }
    let Some(first_block) = start.get().checked_mul(at.epoch_length_blocks) else {
        return Ok(Err(R::TooFarAhead));
    };
    if first_block < at.height.get().saturating_add(p.notice_blocks) {
        return Ok(Err(R::TooSoon));
    }
    if start.get() > at.epoch.get().saturating_add(p.period_epochs) {
        return Ok(Err(R::TooFarAhead));
    }
    if epochs > p.epochs_per_period {
        return Ok(Err(R::QuotaExceeded));
    }
    let new = Window {
        start,
        epochs,
        declared_at: at.height,
    };
    let period = at.epoch.get() / p.period_epochs;
    let keep_from = period.saturating_sub(1) * p.period_epochs;
    let mut list = windows(state, device).await?.0;
    list.retain(|w| w.end() > keep_from);
    if list.iter().any(|w| w.overlap(start.get(), new.end()) > 0) {
        return Ok(Err(R::Overlaps));
    }
    // The window lies in at most two periods (it is no longer than one).
    for k in (start.get() / p.period_epochs)..=((new.end() - 1) / p.period_epochs) {
        let (lo, hi) = (k * p.period_epochs, (k + 1) * p.period_epochs);
        let used: u64 = list.iter().chain([&new]).map(|w| w.overlap(lo, hi)).sum();
        if used > u64::from(p.epochs_per_period) {
            return Ok(Err(R::QuotaExceeded));
        }
        let started = list
            .iter()
            .chain([&new])
            .filter(|w| w.start.get() / p.period_epochs == k)
            .count();
        if started > p.windows_per_period as usize {
            return Ok(Err(R::TooManyWindows));
        }
    }
    let at_index = list.partition_point(|w| w.start < start);
    list.insert(at_index, new);
    assert!(
        list.len() <= crate::types::MAX_WINDOWS_DECODE,
        "a window list outgrew four periods of quota"
    );
    state.put::<DeviceWindows>(device, &Windows(list));
    Ok(Ok(MaintenanceEvent::Declared {
        device: *device,
        start,
        epochs,
    }))
}
