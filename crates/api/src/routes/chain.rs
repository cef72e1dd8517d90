//! Chain-level reads: node status and finalized blocks.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment};
use crate::{ApiError, Backend, BlockId, BlockView, StatusView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/status", status::<B>),
        Route::get("/v1/blocks/{id}", block::<B>),
    ]
}

async fn status<B: Backend>(
    State(state): State<AppState<B>>,
) -> Result<Json<StatusView>, ApiError> {
    state.backend.status().await.map(Json)
}

async fn block<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<BlockView>, ApiError> {
    let id: BlockId = id
        .parse()
        .map_err(|err| ApiError::malformed(format!("{err}")))?;
    state
        .backend
        .block(id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("block {id} is not finalized on this node")))
}
