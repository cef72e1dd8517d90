//! Reward epochs: their schedule, and once closed, their summary and reward root.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment, parse_decimal};
use crate::{ApiError, Backend, EpochId, EpochView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/epochs/{id}", epoch::<B>)]
}

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
