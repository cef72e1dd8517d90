//! The chain's parameters: what genesis (and later governance) set for every module.

use axum::{Json, extract::State};

use super::{AppState, Route};
use crate::Backend;

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/params", params::<B>)]
}

async fn params<B: Backend>(State(state): State<AppState<B>>) -> Json<serde_json::Value> {
    Json(state.backend.params())
}
