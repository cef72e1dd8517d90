//! Devices: registry records with state proofs, lists by owner, cell and class, judged
//! reports, reward ledgers, and the proof of one reward line (what a reward claim rests on).

use axum::{Json, extract::State};
use serde::Deserialize;

use super::{
    AppState, QueryParams, Route, Segment, SegmentPair, parse_cell, parse_decimal, parse_hex32,
};
use crate::{
    ApiError, Backend, DEFAULT_DEVICE_LIST_LIMIT, DEVICE_CLASSES, DeviceListView,
    DeviceOutcomesView, DeviceQuery, DeviceRewardsView, DeviceView, MAX_CLASS_NAME_BYTES,
    MAX_DEVICE_LIST_LIMIT, RewardProofView,
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::get("/v1/devices", devices::<B>),
        Route::get("/v1/devices/{id}", device::<B>),
        Route::get("/v1/devices/{id}/outcomes", outcomes::<B>),
        Route::get("/v1/devices/{id}/rewards", rewards::<B>),
        Route::get("/v1/devices/{id}/rewards/{epoch}", reward_proof::<B>),
    ]
}

async fn device<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<DeviceView>, ApiError> {
    let id = parse_device_id(&id)?;
    state
        .backend
        .device(id)
        .await?
        .map(Json)
        .ok_or_else(|| not_registered(&id))
}

/// The query string of `GET /v1/devices`, as text: each value is validated in
/// [`ListParams::into_query`] so its error names the parameter.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    owner: Option<String>,
    cell: Option<String>,
    class: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

impl super::KnownParams for ListParams {
    const NAMES: &'static [&'static str] = &["owner", "cell", "class", "limit", "cursor"];
}

impl ListParams {
    fn into_query(self) -> Result<DeviceQuery, ApiError> {
        if self.owner.is_none() && self.cell.is_none() && self.class.is_none() {
            // Listing every device would be unbounded work for the node.
            return Err(ApiError::malformed(
                "give at least one filter: owner, cell or class (e.g. /v1/devices?class=coverage)",
            ));
        }
        let owner = self
            .owner
            .map(|owner| parse_hex32(&owner, "owner"))
            .transpose()?;
        let cell = self
            .cell
            .map(|cell| parse_cell(&cell, "cell"))
            .transpose()?;
        let class = self.class.map(parse_class).transpose()?;
        let limit = self
            .limit
            .map_or(Ok(DEFAULT_DEVICE_LIST_LIMIT), |limit| parse_limit(&limit))?;
        let cursor = self.cursor.map_or(Ok(0), |cursor| parse_cursor(&cursor))?;
        Ok(DeviceQuery {
            owner,
            cell,
            class,
            limit,
            cursor,
        })
    }
}

/// A class name's spelling: which classes exist is the chain's (the backend answers 400 for
/// a name it does not run), so a chain with a new class needs no change here.
fn parse_class(class: String) -> Result<String, ApiError> {
    let spelled = !class.is_empty()
        && class.len() <= MAX_CLASS_NAME_BYTES
        && class.starts_with(|c: char| c.is_ascii_lowercase())
        && class
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if spelled {
        Ok(class)
    } else {
        Err(ApiError::malformed(format!(
            "class must be a class name (lower-case letters, digits and _, at most \
             {MAX_CLASS_NAME_BYTES} bytes), e.g. one of {}",
            DEVICE_CLASSES.join(", ")
        )))
    }
}

fn parse_limit(limit: &str) -> Result<u32, ApiError> {
    parse_decimal(limit, "limit")
        .ok()
        .and_then(|limit| u32::try_from(limit).ok())
        .filter(|limit| (1..=MAX_DEVICE_LIST_LIMIT).contains(limit))
        .ok_or_else(|| {
            ApiError::malformed(format!(
                "limit must be a decimal number from 1 to {MAX_DEVICE_LIST_LIMIT}"
            ))
        })
}

fn parse_cursor(cursor: &str) -> Result<u32, ApiError> {
    parse_decimal(cursor, "cursor")
        .ok()
        .and_then(|cursor| u32::try_from(cursor).ok())
        .ok_or_else(|| {
            ApiError::malformed(format!(
                "cursor must be a decimal number from 0 to {} (a next_cursor from an earlier page)",
                u32::MAX
            ))
        })
}

async fn devices<B: Backend>(
    State(state): State<AppState<B>>,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<DeviceListView>, ApiError> {
    let query = params.into_query()?;
    state.backend.devices(query).await.map(Json)
}

async fn outcomes<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<DeviceOutcomesView>, ApiError> {
    let id = parse_device_id(&id)?;
    state
        .backend
        .device_outcomes(id)
        .await?
        .map(Json)
        .ok_or_else(|| not_registered(&id))
}

async fn rewards<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(id): Segment,
) -> Result<Json<DeviceRewardsView>, ApiError> {
    let id = parse_device_id(&id)?;
    state
        .backend
        .device_rewards(id)
        .await?
        .map(Json)
        .ok_or_else(|| not_registered(&id))
}

async fn reward_proof<B: Backend>(
    State(state): State<AppState<B>>,
    SegmentPair(id, epoch): SegmentPair,
) -> Result<Json<RewardProofView>, ApiError> {
    let id = parse_device_id(&id)?;
    let epoch = parse_decimal(&epoch, "epoch")?;
    state
        .backend
        .reward_proof(id, epoch)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "device {} has no rewarded line in epoch {epoch} (unregistered, not rewarded, \
                 or the epoch has not closed)",
                crate::hex::encode(id)
            ))
        })
}

fn parse_device_id(id: &str) -> Result<[u8; 32], ApiError> {
    parse_hex32(id, "device id")
}

fn not_registered(id: &[u8; 32]) -> ApiError {
    ApiError::not_found(format!(
        "device {} is not registered",
        crate::hex::encode(id)
    ))
}
