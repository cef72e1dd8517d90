//! Devices: registry records with state proofs, lists by owner, cell and class, judged
//! reports, reward ledgers, and the proof of one reward line (what a reward claim rests on).

use std::collections::BTreeMap;

use axum::{Json, extract::State};
use serde::Deserialize;
use serde_json::json;
use utoipa::{
    IntoParams, IntoResponses,
    openapi::{
        KnownFormat, ObjectBuilder, RefOr, Required, Response, SchemaFormat,
        path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle},
        schema::{AdditionalProperties, Type},
    },
};

use super::{
    AppState, QueryParams, Route, Segment, SegmentPair, parse_cell, parse_decimal, parse_hex32,
};
use crate::{
    ApiError, Backend, DEFAULT_DEVICE_LIST_LIMIT, DEVICE_CLASSES, DeviceListView,
    DeviceOutcomesView, DeviceQuery, DeviceRewardsView, DeviceView, ErrorBody,
    MAX_CLASS_NAME_BYTES, MAX_DEVICE_LIST_LIMIT, RewardProofView,
    openapi::{
        BackendErrors, EXAMPLE_AREA, EXAMPLE_DEVICE, EXAMPLE_EPOCH, error_response,
        hex32_path_param,
    },
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

/// A registered device, with its record proven against the latest finalized state root.
#[utoipa::path(
    get,
    path = "/v1/devices/{id}",
    tag = "devices",
    operation_id = "getDevice",
    params(DeviceIdParam),
    responses(
        (status = 200, description = "The device.", body = DeviceView),
        DeviceLookupErrors,
        BackendErrors
    )
)]
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

/// The documented parameters: the three filters as one form-exploded object, so a schema can
/// say that at least one is required, then `limit` and `cursor`.
impl IntoParams for ListParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let string = |format: &str, description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::Custom(format.into())))
                .description(Some(description))
        };
        let filter = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("owner", string("hex32", "Devices owned by this address."))
            .property(
                "cell",
                string(
                    "h3-cell-input",
                    "H3 cell index in hex: 15 digits starting with 8 (the cell mode), \
                     optionally with a leading 0.",
                ),
            )
            .property(
                "class",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("Devices of this resource class.")),
            )
            .min_properties(Some(1))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        vec![
            ParameterBuilder::new()
                .name("filter")
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .style(Some(ParameterStyle::Form))
                .explode(Some(true))
                .description(Some(
                    "The filters, written as their own query parameters (`?owner=…&class=…`): \
                     at least one of `owner`, `cell` and `class`; a device is listed if it \
                     matches every one given. `cell` is an H3 cell index of any resolution, 15 \
                     hex digits starting with 8 (a leading 0 is allowed); one that is not an H3 \
                     cell, or is too coarse for the node to search (coarser than resolution 5), \
                     is a 400 (code 7).",
                ))
                .schema(Some(filter))
                .example(Some(json!({ "cell": EXAMPLE_AREA, "class": "coverage" })))
                .build(),
            ParameterBuilder::new()
                .name("limit")
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(format!(
                    "Most devices returned, 1 to {MAX_DEVICE_LIST_LIMIT}; \
                     {DEFAULT_DEVICE_LIST_LIMIT} if absent."
                )))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(uint32()))
                        .minimum(Some(1))
                        .maximum(Some(MAX_DEVICE_LIST_LIMIT))
                        .default(Some(json!(DEFAULT_DEVICE_LIST_LIMIT))),
                ))
                .example(Some(json!(10)))
                .build(),
            ParameterBuilder::new()
                .name("cursor")
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(
                    "Where the page starts: the `next_cursor` of the previous page (0, the \
                     default, starts at the beginning). A page reads at most 4000 index slots, \
                     so it may hold fewer than `limit` devices and still have a `next_cursor`.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(uint32()))
                        .minimum(Some(0))
                        .maximum(Some(u32::MAX))
                        .default(Some(json!(0))),
                ))
                .example(Some(json!(0)))
                .build(),
        ]
    }
}

fn uint32() -> SchemaFormat {
    SchemaFormat::KnownFormat(KnownFormat::UInt32)
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

/// Devices matching every filter given; at least one of owner, cell and class is required.
#[utoipa::path(
    get,
    path = "/v1/devices",
    tag = "devices",
    operation_id = "listDevices",
    params(ListParams),
    responses(
        (
            status = 200,
            description = "One page of the matching devices (at most `limit`), the length of \
                the index list read, and the cursor of the next page.",
            body = DeviceListView
        ),
        (
            status = 400,
            description = "No filter, a malformed filter or limit, an unknown or repeated query \
                parameter, or a cell the node cannot search (code 7).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn devices<B: Backend>(
    State(state): State<AppState<B>>,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<DeviceListView>, ApiError> {
    let query = params.into_query()?;
    state.backend.devices(query).await.map(Json)
}

/// A device's recently judged reports, newest first, each with its reason code.
#[utoipa::path(
    get,
    path = "/v1/devices/{id}/outcomes",
    tag = "devices",
    operation_id = "getDeviceOutcomes",
    params(DeviceIdParam),
    responses(
        (status = 200, description = "The outcomes.", body = DeviceOutcomesView),
        DeviceLookupErrors,
        BackendErrors
    )
)]
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

/// A device's reward ledger and how its reward was computed in recent closed epochs.
#[utoipa::path(
    get,
    path = "/v1/devices/{id}/rewards",
    tag = "rewards",
    operation_id = "getDeviceRewards",
    params(DeviceIdParam),
    responses(
        (status = 200, description = "The ledger and breakdowns.", body = DeviceRewardsView),
        DeviceLookupErrors,
        BackendErrors
    )
)]
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

/// A device's reward line in a closed epoch, proven: what a reward claim rests on.
#[utoipa::path(
    get,
    path = "/v1/devices/{id}/rewards/{epoch}",
    tag = "rewards",
    operation_id = "getRewardProof",
    // One line, which a doc comment this long could not be.
    summary = "A device's reward line in a closed epoch, with its Merkle path to the epoch's \
        reward root and the state proof of the epoch summary holding it.",
    params(
        DeviceIdParam,
        ("epoch" = u64, Path, description = "Decimal epoch number.", example = json!(EXAMPLE_EPOCH))
    ),
    responses(
        (status = 200, description = "The proven reward line.", body = RewardProofView),
        (
            status = 400,
            description = "`id` is not 64 hex characters, or `epoch` is not a decimal number \
                (code 7).",
            body = ErrorBody
        ),
        (
            status = 404,
            description = "No rewarded line: the device is not registered, earned nothing in \
                this epoch, or the epoch has not closed.",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
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

/// The `{id}` of the routes about one device.
struct DeviceIdParam;

impl IntoParams for DeviceIdParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "id",
            "Device key, 64 hex characters.",
            EXAMPLE_DEVICE,
        )]
    }
}

/// What the routes about one registered device answer besides its view.
struct DeviceLookupErrors;

impl IntoResponses for DeviceLookupErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [
            ("400", "`id` is not 64 hex characters (code 7)."),
            ("404", "No device is registered with this key."),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_owned(), error_response(description).into()))
        .collect()
    }
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
