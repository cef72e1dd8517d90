//! Read-only views for the API: receipts and the chain head.

use crate::state_key::{ChainHead, HEAD_KEY, Head, Receipt, Receipts};
use terrane_primitives::Hash32;
use terrane_state::{Overlay, StateError, StateRead};

/// The receipt of transaction `id`, if it was executed.
pub async fn receipt<S: StateRead>(
    state: &Overlay<S>,
    id: &Hash32,
) -> Result<Option<Receipt>, StateError> {
    state.get::<Receipts>(id).await
}

/// The last executed block, if any.
pub async fn head<S: StateRead>(state: &Overlay<S>) -> Result<Option<ChainHead>, StateError> {
    state.get::<Head>(&HEAD_KEY).await
}
