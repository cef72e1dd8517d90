//! Accounts, with proofs against the finalized state root.

use axum::{Json, extract::State};
use utoipa::{
    IntoParams,
    openapi::path::{Parameter, ParameterIn},
};

use super::{AppState, Route, Segment, parse_hex32};
use crate::{
    AccountView, ApiError, Backend, ErrorBody,
    openapi::{BackendErrors, EXAMPLE_HASH, hex32_path_param},
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/accounts/{address}", account::<B>)]
}

/// An account and its proof against the latest finalized state root.
#[utoipa::path(
    get,
    path = "/v1/accounts/{address}",
    tag = "accounts",
    operation_id = "getAccount",
    params(AddressParam),
    responses(
        (
            status = 200,
            description = "The account; an address without a record has zero balance and an \
                exclusion proof.",
            body = AccountView
        ),
        (
            status = 400,
            description = "`address` is not 64 hex characters (code 7).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn account<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(address): Segment,
) -> Result<Json<AccountView>, ApiError> {
    let address = parse_hex32(&address, "address")?;
    state.backend.account(address).await.map(Json)
}

/// The `{address}` of the account route.
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
