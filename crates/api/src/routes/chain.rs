//! Chain-level reads: node status and finalized blocks.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment};
use crate::{ApiError, Backend, BlockId, BlockView, ErrorBody, StatusView, openapi::BackendErrors};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/status", status::<B>),
        Route::get("/v1/blocks/{id}", block::<B>),
    ]
}

/// The node's view of the chain.
#[utoipa::path(
    get,
    path = "/v1/status",
    tag = "chain",
    operation_id = "getStatus",
    responses((status = 200, description = "Node status.", body = StatusView), BackendErrors)
)]
async fn status<B: Backend>(
    State(state): State<AppState<B>>,
) -> Result<Json<StatusView>, ApiError> {
    state.backend.status().await.map(Json)
}

/// A finalized block by height, or the latest.
#[utoipa::path(
    get,
    path = "/v1/blocks/{id}",
    tag = "chain",
    operation_id = "getBlock",
    params((
        "id" = String,
        Path,
        description = "`latest` or a decimal height.",
        pattern = "^(latest|[0-9]+)$",
        example = "latest"
    )),
    responses(
        (status = 200, description = "The block.", body = BlockView),
        (
            status = 400,
            description = "`id` is neither `latest` nor a decimal height (code 7).",
            body = ErrorBody
        ),
        (
            status = 404,
            description = "No finalized block at this height on this node.",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
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
