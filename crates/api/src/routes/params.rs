//! The chain's parameters: what genesis (and later governance) set for every module.

use axum::{Json, extract::State};

use super::{AppState, Route};
use crate::{Backend, openapi::ChainParams};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/params", params::<B>)]
}

/// The chain's parameters.
///
/// The chain id, the genesis hash, the approved device makers, the treasury, and every
/// module's parameters (`params`), with the field names of the genesis file.
#[utoipa::path(
    get,
    path = "/v1/params",
    tag = "chain",
    operation_id = "getParams",
    responses((status = 200, description = "The parameters.", body = ChainParams))
)]
async fn params<B: Backend>(State(state): State<AppState<B>>) -> Json<serde_json::Value> {
    Json(state.backend.params())
}
