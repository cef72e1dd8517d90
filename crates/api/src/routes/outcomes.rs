//! The reason-code registry, so any `code` in a response or event can be looked up.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment};
use crate::{ApiError, Backend, ErrorBody, OutcomeView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/outcomes", outcomes::<B>),
        Route::get("/v1/outcomes/{code}", outcome::<B>),
    ]
}

/// Every reason code, sorted by code.
#[utoipa::path(
    get,
    path = "/v1/outcomes",
    tag = "outcomes",
    operation_id = "listOutcomes",
    responses((status = 200, description = "The registry.", body = Vec<OutcomeView>))
)]
async fn outcomes<B: Backend>(State(state): State<AppState<B>>) -> Json<Vec<OutcomeView>> {
    Json(state.backend.outcomes())
}

/// One reason code.
#[utoipa::path(
    get,
    path = "/v1/outcomes/{code}",
    tag = "outcomes",
    operation_id = "getOutcome",
    params((
        "code" = u16,
        Path,
        description = "Decimal reason code.",
        example = json!(crate::error::code::MALFORMED)
    )),
    responses(
        (status = 200, description = "The outcome.", body = OutcomeView),
        (
            status = 400,
            description = "`code` is not a decimal number below 65536 (code 7).",
            body = ErrorBody
        ),
        (status = 404, description = "No outcome has this code.", body = ErrorBody)
    )
)]
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
