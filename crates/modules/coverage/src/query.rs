//! Read-only views for the API.

pub use crate::handler::params;
use crate::{
    state_key::{Reach, ReachCount, Slots, Witnesses},
    types::{BeaconSlot, WitnessRecord},
};
use terrane_primitives::{DeviceId, Epoch};
use terrane_state::{Overlay, StateError, StateRead};

/// A beaconer's slot in an epoch.
pub async fn slot<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    beaconer: &DeviceId,
) -> Result<Option<BeaconSlot>, StateError> {
    state.get::<Slots>(&(epoch, *beaconer)).await
}

/// The witnesses stored for a beaconer in an epoch.
pub async fn witnesses<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    beaconer: &DeviceId,
) -> Result<Vec<WitnessRecord>, StateError> {
    let Some(s) = slot(state, epoch, beaconer).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(s.witnesses as usize);
    for i in 0..s.witnesses {
        if let Some(w) = state.get::<Witnesses>(&(epoch, *beaconer, i)).await? {
            out.push(w);
        }
    }
    Ok(out)
}

/// The hotspots `device` heard or was heard by in `epoch`'s counted witness reports (its
/// reach, at most [`crate::state_key::MAX_REACH`], ascending): empty before the close.
pub async fn reach<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    device: &DeviceId,
) -> Result<Vec<DeviceId>, StateError> {
    let n = state
        .get::<ReachCount>(&(epoch, *device))
        .await?
        .unwrap_or(0);
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        out.push(
            state
                .get::<Reach>(&(epoch, *device, i))
                .await?
                .expect("reach entries are contiguous"),
        );
    }
    Ok(out)
}
