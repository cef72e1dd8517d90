//! What must hold of the oracle's state after any block.

use crate::handler;
use terrane_state::{Overlay, StateError, StateRead};

/// Every stored report is a listed oracle's and carries a non-zero price. (Reports of a key
/// governance later removes are not read: [`handler::reports`] walks the listed keys.)
pub async fn check<S: StateRead>(state: &Overlay<S>) -> Result<Result<(), String>, StateError> {
    for (oracle, report) in handler::reports(state).await? {
        if report.price.get() == 0 {
            return Ok(Err(format!("oracle {oracle} holds a zero price")));
        }
    }
    Ok(Ok(()))
}
