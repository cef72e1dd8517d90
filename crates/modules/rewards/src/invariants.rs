//! What must hold of the rewards module.

use crate::{handler, types::EpochSummary};
use terrane_state::{Overlay, StateError, StateRead};

/// A closed epoch conserves its emission exactly.
pub fn check_summary(s: &EpochSummary) -> Result<(), String> {
    let total = s.distributed_total() + s.dust + s.not_issued + s.validators;
    if total == s.emission {
        Ok(())
    } else {
        Err(format!(
            "distributed {} + dust {} + not issued {} + validators {} != emission {}",
            s.distributed_total(),
            s.dust,
            s.not_issued,
            s.validators,
            s.emission
        ))
    }
}

/// The value the module holds: what was distributed and not yet claimed. The accounts supply
/// invariant counts it as held (`accounts::invariants::check_supply`).
pub async fn held<S: StateRead>(
    state: &Overlay<S>,
) -> Result<terrane_primitives::Amount, StateError> {
    Ok(handler::ledger(state).await?.unclaimed)
}
