//! Read-only views for the API.

pub use crate::handler::{device, params, signer_device};
use crate::{
    state_key::{RegistryTotals, SINGLETON, SessionKeys},
    types::{Registry, SessionKey},
};
use terrane_primitives::DeviceId;
use terrane_state::{Overlay, StateError, StateRead};

/// Registry totals.
pub async fn totals<S: StateRead>(state: &Overlay<S>) -> Result<Registry, StateError> {
    Ok(state
        .get::<RegistryTotals>(&SINGLETON)
        .await?
        .unwrap_or_default())
}

/// A session key's record.
pub async fn session<S: StateRead>(
    state: &Overlay<S>,
    key: &DeviceId,
) -> Result<Option<SessionKey>, StateError> {
    state.get::<SessionKeys>(key).await
}
