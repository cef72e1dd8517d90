//! Read-only views for the API.

pub use crate::handler::params;
use crate::{
    state_key::{Slots, Witnesses},
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
