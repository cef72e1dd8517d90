//! Slashing: one slash with its evidence and proof, a target's slashes, and the module's
//! parameters, totals and due queue (`docs/spec/staking.md`, "Slashing").

use axum::{Json, extract::State};

use super::{
    AppState, Route, Segment, parse_decimal, parse_hex32,
    staking::{DeviceParam, ValidatorParam},
};
use crate::{
    ApiError, Backend, ErrorBody, SlashListView, SlashView, SlashingView, StakeTarget,
    openapi::BackendErrors,
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/slashing", slashing::<B>),
        Route::get("/v1/slashes/{id}", slash::<B>),
        Route::get("/v1/stakes/devices/{id}/slashes", device_slashes::<B>),
        Route::get(
            "/v1/stakes/validators/{address}/slashes",
            validator_slashes::<B>,
        ),
    ]
}

/// Slashing's parameters, totals and the slashes coming due.
///
/// The fractions each offence costs, the bounty, the windows; how many slashes were recorded
/// and are pending, what executed ones took, paid as bounties and burned; and the due lists of
/// the current epoch through the end of the appeal window, which hold every pending slash.
#[utoipa::path(
    get,
    path = "/v1/slashing",
    tag = "slashing",
    operation_id = "getSlashing",
    responses(
        (status = 200, description = "The parameters, totals and due lists.", body = SlashingView),
        BackendErrors
    )
)]
async fn slashing<B: Backend>(
    State(state): State<AppState<B>>,
) -> Result<Json<SlashingView>, ApiError> {
    state.backend.slashing().await.map(Json)
}

/// One slash, with its evidence and a proof of its record.
///
/// Whose stake, for which offence (reason code and name), the fraction, when it was filed and
/// comes due, its status, what it took, and the evidence decoded.
#[utoipa::path(
    get,
    path = "/v1/slashes/{id}",
    tag = "slashing",
    operation_id = "getSlash",
    params(("id" = u64, Path, description = "Slash id (decimal; ids start at 1).", example = 1)),
    responses(
        (status = 200, description = "The slash and an inclusion proof of its record.", body = SlashView),
        (status = 400, description = "`id` is not a decimal number (code 7).", body = ErrorBody),
        (status = 404, description = "No slash has this id.", body = ErrorBody),
        BackendErrors
    )
)]
async fn slash<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<SlashView>, ApiError> {
    let id = parse_decimal(&id, "slash id")?;
    state.backend.slash(id).await?.map(Json).ok_or_else(|| {
        ApiError::not_found(format!(
            "no slash has id {id}; GET /v1/slashing counts the slashes recorded"
        ))
    })
}

async fn list<B: Backend>(
    state: &AppState<B>,
    target: StakeTarget,
) -> Result<Json<SlashListView>, ApiError> {
    state.backend.target_slashes(target).await.map(Json)
}

/// A device's latest slashes, newest first.
#[utoipa::path(
    get,
    path = "/v1/stakes/devices/{id}/slashes",
    tag = "slashing",
    operation_id = "getDeviceSlashes",
    params(DeviceParam),
    responses(
        (status = 200, description = "Its slashes, newest first (none: an empty list).", body = SlashListView),
        (status = 400, description = "`id` is not 64 hex characters (code 7).", body = ErrorBody),
        BackendErrors
    )
)]
async fn device_slashes<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<SlashListView>, ApiError> {
    let id = parse_hex32(&id, "device id")?;
    list(&state, StakeTarget::Device(id)).await
}

/// A validator's latest slashes, newest first.
#[utoipa::path(
    get,
    path = "/v1/stakes/validators/{address}/slashes",
    tag = "slashing",
    operation_id = "getValidatorSlashes",
    params(ValidatorParam),
    responses(
        (status = 200, description = "Its slashes, newest first (none: an empty list).", body = SlashListView),
        (status = 400, description = "`address` is not 64 hex characters (code 7).", body = ErrorBody),
        BackendErrors
    )
)]
async fn validator_slashes<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(address): Segment,
) -> Result<Json<SlashListView>, ApiError> {
    let address = parse_hex32(&address, "validator address")?;
    list(&state, StakeTarget::Validator(address)).await
}
