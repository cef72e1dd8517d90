//! Data credits and paid data sessions (`docs/spec/credits.md`).

use axum::{Json, extract::State};
use utoipa::{
    IntoParams,
    openapi::path::{Parameter, ParameterIn},
};

use super::{AppState, Route, Segment, parse_decimal, parse_hex32};
use crate::{
    ApiError, Backend, CreditAccountView, CreditsView, ErrorBody, SessionView,
    openapi::{BackendErrors, EXAMPLE_HASH, hex32_path_param},
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/credits", credits::<B>),
        Route::get("/v1/credits/{address}", credit_account::<B>),
        Route::get("/v1/sessions/{id}", session::<B>),
    ]
}

/// The credit ledger and what credits cost now.
///
/// TRN burned for credits, credits minted, spent, held and escrowed (`minted == spent +
/// balances + escrowed`), the USD value of a credit, the oracle price and what one TRN buys
/// at it.
#[utoipa::path(
    get,
    path = "/v1/credits",
    tag = "credits",
    operation_id = "getCredits",
    responses(
        (status = 200, description = "The ledger and the price of credits.", body = CreditsView),
        BackendErrors
    )
)]
async fn credits<B: Backend>(
    State(state): State<AppState<B>>,
) -> Result<Json<CreditsView>, ApiError> {
    state.backend.credits().await.map(Json)
}

/// An account's credits, with a proof, and its open data sessions.
#[utoipa::path(
    get,
    path = "/v1/credits/{address}",
    tag = "credits",
    operation_id = "getCreditAccount",
    params(AddressParam),
    responses(
        (
            status = 200,
            description = "The balance (an account that never held credits has zero and an \
                exclusion proof) and the open sessions it pays for.",
            body = CreditAccountView
        ),
        (
            status = 400,
            description = "`address` is not 64 hex characters (code 7).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn credit_account<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(address): Segment,
) -> Result<Json<CreditAccountView>, ApiError> {
    let address = parse_hex32(&address, "address")?;
    state.backend.credit_account(address).await.map(Json)
}

/// An open data session.
#[utoipa::path(
    get,
    path = "/v1/sessions/{id}",
    tag = "credits",
    operation_id = "getSession",
    params(("id" = u64, Path, description = "Session id (decimal).", example = 1)),
    responses(
        (status = 200, description = "The session.", body = SessionView),
        (status = 400, description = "`id` is not a decimal number (code 7).", body = ErrorBody),
        (
            status = 404,
            description = "No open session has this id (never opened, or closed).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn session<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<SessionView>, ApiError> {
    let id = parse_decimal(&id, "session id")?;
    state
        .backend
        .session(id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no open session {id}")))
}

/// The `{address}` of the credit-account route.
struct AddressParam;

impl IntoParams for AddressParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "address",
            "Account address, 64 hex characters.",
            EXAMPLE_HASH,
        )]
    }
}
