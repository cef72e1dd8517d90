//! Reward epochs: their schedule, and once closed, their summary and reward root.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment, parse_decimal};
use crate::{ApiError, Backend, EpochId, EpochView, ErrorBody, openapi::BackendErrors};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/epochs/{id}", epoch::<B>)]
}

/// A reward epoch, with its summary once closed.
#[utoipa::path(
    get,
    path = "/v1/epochs/{id}",
    tag = "epochs",
    operation_id = "getEpoch",
    params((
        "id" = String,
        Path,
        description = "`current` (the epoch of the latest finalized block) or a decimal epoch \
            number.",
        pattern = "^(current|[0-9]+)$",
        example = "current"
    )),
    responses(
        (status = 200, description = "The epoch.", body = EpochView),
        (
            status = 400,
            description = "`id` is neither `current` nor a decimal number (code 7).",
            body = ErrorBody
        ),
        (status = 404, description = "The epoch has not started.", body = ErrorBody),
        BackendErrors
    )
)]
async fn epoch<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<EpochView>, ApiError> {
    let id = parse_epoch_id(&id)?;
    state.backend.epoch(id).await?.map(Json).ok_or_else(|| {
        ApiError::not_found(match id {
            EpochId::Current => "no epoch has started".to_owned(),
            EpochId::Number(epoch) => format!("epoch {epoch} has not started"),
        })
    })
}

/// `current`, or a decimal epoch written with digits only.
fn parse_epoch_id(id: &str) -> Result<EpochId, ApiError> {
    if id == "current" {
        return Ok(EpochId::Current);
    }
    parse_decimal(id, "epoch id")
        .map(EpochId::Number)
        .map_err(|_| ApiError::malformed("epoch id must be `current` or a decimal epoch number"))
}
