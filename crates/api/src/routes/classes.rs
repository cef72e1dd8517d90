//! The resource classes the chain knows, so a client learns the names every `class` field
//! and filter uses from the chain rather than from a list built into it.

use axum::{Json, extract::State};

use super::{AppState, Route};
use crate::{Backend, ClassView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/classes", classes::<B>)]
}

/// Every resource class the chain knows.
///
/// The classes it runs (devices register and report in them), then the ids it reserves for
/// classes not built yet, each in id order, with their report kinds.
#[utoipa::path(
    get,
    path = "/v1/classes",
    tag = "devices",
    operation_id = "listClasses",
    responses((status = 200, description = "The classes.", body = Vec<ClassView>))
)]
async fn classes<B: Backend>(State(state): State<AppState<B>>) -> Json<Vec<ClassView>> {
    Json(state.backend.classes())
}
