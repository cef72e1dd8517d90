//! What must hold of the work ledger.

use crate::handler;
use terrane_primitives::Epoch;
use terrane_state::{Overlay, StateError, StateRead};

/// Checks that the epoch's worker list and work entries agree: every listed worker's entry
/// names its own position, and the per-cell tallies add up to the number of workers.
pub async fn check_epoch<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
) -> Result<Result<(), String>, StateError> {
    let workers = handler::workers(state, epoch).await?;
    let mut cells = std::collections::BTreeMap::<u64, u32>::new();
    for (i, (_, entry)) in workers.iter().enumerate() {
        if entry.index as usize != i {
            return Ok(Err(format!("worker {i} records index {}", entry.index)));
        }
        *cells.entry(entry.density_cell).or_default() += 1;
    }
    for (cell, n) in cells {
        let tally = handler::cell_workers(state, epoch, cell).await?;
        if tally != n {
            return Ok(Err(format!("cell {cell:x}: tally {tally}, workers {n}")));
        }
    }
    Ok(Ok(()))
}
