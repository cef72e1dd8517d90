//! About the node rather than the chain: Prometheus metrics and the OpenAPI document.

use axum::{Json, extract::State, http::header::CONTENT_TYPE, response::IntoResponse};

use super::{AppState, Route};
use crate::Backend;

/// The content type Prometheus expects for text exposition format 0.0.4.
const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/metrics", metrics::<B>),
        Route::get("/v1/openapi.json", openapi_document::<B>),
    ]
}

/// Prometheus metrics, text exposition format 0.0.4.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "meta",
    operation_id = "getMetrics",
    responses((status = 200, description = "Metrics.", body = String, content_type = "text/plain"))
)]
async fn metrics<B: Backend>(State(state): State<AppState<B>>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE)],
        state.backend.metrics(),
    )
}

/// This document.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    operation_id = "getOpenApi",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object))
)]
async fn openapi_document<B: Backend>(State(state): State<AppState<B>>) -> Json<serde_json::Value> {
    Json(serde_json::Value::clone(&state.document))
}
