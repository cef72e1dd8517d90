//! What must hold of coverage records.

use crate::{params::CoverageParams, query};
use terrane_primitives::{DeviceId, Epoch};
use terrane_state::{Overlay, StateError, StateRead};

/// A beaconer's stored witnesses are distinct devices, never the beaconer, and at most the
/// storage limit.
pub async fn check_slot<S: StateRead>(
    state: &Overlay<S>,
    p: &CoverageParams,
    epoch: Epoch,
    beaconer: &DeviceId,
) -> Result<Result<(), String>, StateError> {
    let ws = query::witnesses(state, epoch, beaconer).await?;
    if ws.len() > p.max_witnesses_stored as usize {
        return Ok(Err("more witnesses stored than allowed".into()));
    }
    let mut ids: Vec<DeviceId> = ws.iter().map(|w| w.witness).collect();
    if ids.contains(beaconer) {
        return Ok(Err("a beaconer witnessed itself".into()));
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != ws.len() {
        return Ok(Err("a device witnessed the same beaconer twice".into()));
    }
    Ok(Ok(()))
}
