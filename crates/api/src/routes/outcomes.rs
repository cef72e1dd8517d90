//! The reason-code registry, so any `code` in a response or event can be looked up.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment};
use crate::{ApiError, Backend, OutcomeView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/outcomes", outcomes::<B>),
        Route::get("/v1/outcomes/{code}", outcome::<B>),
    ]
}

async fn outcomes<B: Backend>(State(state): State<AppState<B>>) -> Json<Vec<OutcomeView>> {
    Json(state.backend.outcomes())
}

async fn outcome<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(code): Segment,
) -> Result<Json<OutcomeView>, ApiError> {
    // Digits only, as for block heights: one spelling per code.
    let code: u16 = code
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| code.parse().ok())
        .flatten()
        .ok_or_else(|| ApiError::malformed("outcome code must be a decimal number below 65536"))?;
    state
        .backend
        .outcomes()
        .into_iter()
        .find(|outcome| outcome.code == code)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no outcome has code {code}")))
}
