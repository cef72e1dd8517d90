//! Maintenance windows: a device's declared windows with the proof of its list and what its
//! periods still allow, and the module's parameters (`docs/spec/staking.md`, "Maintenance
//! windows").

use axum::{Json, extract::State};
use utoipa::{
    IntoParams,
    openapi::path::{Parameter, ParameterIn},
};

use super::{AppState, Route, Segment, parse_hex32};
use crate::{
    ApiError, Backend, ErrorBody, MaintenanceParamsView, MaintenanceView,
    openapi::{BackendErrors, EXAMPLE_DEVICE, hex32_path_param},
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/maintenance", maintenance::<B>),
        Route::get("/v1/devices/{id}/maintenance", device_maintenance::<B>),
    ]
}

/// The maintenance parameters, with the proof of their record.
///
/// The notice a declaration must give, the period quotas count over, the epochs and windows a
/// period allows, and the range of epochs a window declared in the next block may start in.
#[utoipa::path(
    get,
    path = "/v1/maintenance",
    tag = "maintenance",
    operation_id = "getMaintenance",
    responses(
        (status = 200, description = "The parameters and a proof of their record.", body = MaintenanceParamsView),
        BackendErrors
    )
)]
async fn maintenance<B: Backend>(
    State(state): State<AppState<B>>,
) -> Result<Json<MaintenanceParamsView>, ApiError> {
    state.backend.maintenance().await.map(Json)
}

/// A device's maintenance windows and what its periods still allow.
///
/// Each declared window (first epoch, length, end, declaring block) and whether it is active,
/// upcoming or past; the epochs and windows the current and the next period have used against
/// what they allow; the notice and the start epochs a declaration in the next block may use;
/// and a proof of the device's window list (an exclusion proof if it never declared one).
#[utoipa::path(
    get,
    path = "/v1/devices/{id}/maintenance",
    tag = "maintenance",
    operation_id = "getDeviceMaintenance",
    params(DeviceParam),
    responses(
        (status = 200, description = "The windows, the allowance and a proof of the window list.", body = MaintenanceView),
        (status = 400, description = "`id` is not 64 hex characters (code 7).", body = ErrorBody),
        (status = 404, description = "No device is registered with this key.", body = ErrorBody),
        BackendErrors
    )
)]
async fn device_maintenance<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<MaintenanceView>, ApiError> {
    let id = parse_hex32(&id, "device id")?;
    state
        .backend
        .device_maintenance(id)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "device {} is not registered",
                crate::hex::encode(id)
            ))
        })
}

/// The `{id}` of the device route.
struct DeviceParam;

impl IntoParams for DeviceParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "id",
            "Device key, 64 hex characters.",
            EXAMPLE_DEVICE,
        )]
    }
}
