//! Staking: the books, pools, positions and unbonding entries (`docs/spec/staking.md`).

use axum::{Json, extract::State};
use utoipa::{
    IntoParams,
    openapi::path::{Parameter, ParameterIn},
};

use super::{AppState, Route, Segment, SegmentPair, parse_hex32};
use crate::{
    ApiError, Backend, ErrorBody, StakePoolView, StakePositionView, StakeTarget, StakingView,
    UnbondingView,
    openapi::{BackendErrors, EXAMPLE_DEVICE, EXAMPLE_HASH, hex32_path_param},
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/staking", staking::<B>),
        Route::get("/v1/stakes/devices/{id}", device_pool::<B>),
        Route::get("/v1/stakes/validators/{address}", validator_pool::<B>),
        Route::get("/v1/stakes/devices/{id}/{staker}", device_position::<B>),
        Route::get(
            "/v1/stakes/validators/{address}/{staker}",
            validator_position::<B>,
        ),
        Route::get("/v1/unbonding/{address}", unbonding::<B>),
    ]
}

/// The staking books, parameters and validator set.
///
/// TRN bonded, unbonding and owed as rewards; the minimum bonds, the unbonding period and the
/// commission ceiling; every genesis validator with its own and total stake and whether it is
/// bonded (only bonded validators share the validators' emission).
#[utoipa::path(
    get,
    path = "/v1/staking",
    tag = "staking",
    operation_id = "getStaking",
    responses(
        (status = 200, description = "The books and the validators.", body = StakingView),
        BackendErrors
    )
)]
async fn staking<B: Backend>(
    State(state): State<AppState<B>>,
) -> Result<Json<StakingView>, ApiError> {
    state.backend.staking().await.map(Json)
}

async fn pool<B: Backend>(
    state: &AppState<B>,
    target: StakeTarget,
) -> Result<Json<StakePoolView>, ApiError> {
    state
        .backend
        .stake_pool(target)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "nothing is staked on {} {}",
                target.kind(),
                crate::hex::encode(target.id())
            ))
        })
}

/// A device's stake pool, with a proof.
#[utoipa::path(
    get,
    path = "/v1/stakes/devices/{id}",
    tag = "staking",
    operation_id = "getDeviceStakePool",
    params(DeviceParam),
    responses(
        (status = 200, description = "The pool and an inclusion proof of its record.", body = StakePoolView),
        (status = 400, description = "`id` is not 64 hex characters (code 7).", body = ErrorBody),
        (status = 404, description = "Nothing is staked on this device.", body = ErrorBody),
        BackendErrors
    )
)]
async fn device_pool<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<StakePoolView>, ApiError> {
    let id = parse_hex32(&id, "device id")?;
    pool(&state, StakeTarget::Device(id)).await
}

/// A validator's stake pool, with a proof.
#[utoipa::path(
    get,
    path = "/v1/stakes/validators/{address}",
    tag = "staking",
    operation_id = "getValidatorStakePool",
    params(ValidatorParam),
    responses(
        (status = 200, description = "The pool and an inclusion proof of its record.", body = StakePoolView),
        (status = 400, description = "`address` is not 64 hex characters (code 7).", body = ErrorBody),
        (status = 404, description = "Nothing is staked on this validator.", body = ErrorBody),
        BackendErrors
    )
)]
async fn validator_pool<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(address): Segment,
) -> Result<Json<StakePoolView>, ApiError> {
    let address = parse_hex32(&address, "validator address")?;
    pool(&state, StakeTarget::Validator(address)).await
}

/// One staker's position on a device: its stake and what it can claim now.
#[utoipa::path(
    get,
    path = "/v1/stakes/devices/{id}/{staker}",
    tag = "staking",
    operation_id = "getDeviceStakePosition",
    params(DeviceParam, StakerParam),
    responses(
        (status = 200, description = "The position (amount 0 if the staker has none).", body = StakePositionView),
        (status = 400, description = "`id` or `staker` is not 64 hex characters (code 7).", body = ErrorBody),
        BackendErrors
    )
)]
async fn device_position<B: Backend>(
    State(state): State<AppState<B>>,
    SegmentPair(id, staker): SegmentPair,
) -> Result<Json<StakePositionView>, ApiError> {
    let id = parse_hex32(&id, "device id")?;
    let staker = parse_hex32(&staker, "staker")?;
    state
        .backend
        .stake_position(StakeTarget::Device(id), staker)
        .await
        .map(Json)
}

/// One staker's position on a validator: its stake and what it can claim now.
#[utoipa::path(
    get,
    path = "/v1/stakes/validators/{address}/{staker}",
    tag = "staking",
    operation_id = "getValidatorStakePosition",
    params(ValidatorParam, StakerParam),
    responses(
        (status = 200, description = "The position (amount 0 if the staker has none).", body = StakePositionView),
        (status = 400, description = "`address` or `staker` is not 64 hex characters (code 7).", body = ErrorBody),
        BackendErrors
    )
)]
async fn validator_position<B: Backend>(
    State(state): State<AppState<B>>,
    SegmentPair(address, staker): SegmentPair,
) -> Result<Json<StakePositionView>, ApiError> {
    let address = parse_hex32(&address, "validator address")?;
    let staker = parse_hex32(&staker, "staker")?;
    state
        .backend
        .stake_position(StakeTarget::Validator(address), staker)
        .await
        .map(Json)
}

/// An account's unbonding entries and what it can withdraw now.
#[utoipa::path(
    get,
    path = "/v1/unbonding/{address}",
    tag = "staking",
    operation_id = "getUnbonding",
    params(AccountParam),
    responses(
        (status = 200, description = "The entries, oldest first (none: an empty list).", body = UnbondingView),
        (status = 400, description = "`address` is not 64 hex characters (code 7).", body = ErrorBody),
        BackendErrors
    )
)]
async fn unbonding<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(address): Segment,
) -> Result<Json<UnbondingView>, ApiError> {
    let address = parse_hex32(&address, "address")?;
    state.backend.unbonding(address).await.map(Json)
}

/// The `{id}` of the device routes (here and in slashing's).
pub(super) struct DeviceParam;

impl IntoParams for DeviceParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "id",
            "Device id, 64 hex characters.",
            EXAMPLE_DEVICE,
        )]
    }
}

/// The `{address}` of the validator routes (here and in slashing's).
pub(super) struct ValidatorParam;

impl IntoParams for ValidatorParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "address",
            "Validator account (its ed25519 consensus key), 64 hex characters.",
            EXAMPLE_HASH,
        )]
    }
}

/// The `{staker}` of the position routes.
struct StakerParam;

impl IntoParams for StakerParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "staker",
            "Staker account, 64 hex characters.",
            EXAMPLE_HASH,
        )]
    }
}

/// The `{address}` of the unbonding route.
struct AccountParam;

impl IntoParams for AccountParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "address",
            "Account address, 64 hex characters.",
            EXAMPLE_HASH,
        )]
    }
}
