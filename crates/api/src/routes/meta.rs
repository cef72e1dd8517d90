//! About the node rather than the chain: Prometheus metrics and the OpenAPI document.

use axum::{Json, extract::State, http::header::CONTENT_TYPE, response::IntoResponse};

use super::{AppState, Route};
use crate::{Backend, openapi};

/// The content type Prometheus expects for text exposition format 0.0.4.
const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/metrics", metrics::<B>),
        Route::get("/v1/openapi.json", openapi_document),
    ]
}

async fn metrics<B: Backend>(State(state): State<AppState<B>>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE)],
        state.backend.metrics(),
    )
}

async fn openapi_document() -> Json<&'static serde_json::Value> {
    Json(openapi::document())
}
