//! The OpenAPI 3.1 document describing every endpoint, served at `GET /v1/openapi.json`.
//!
//! Derived with `utoipa`, not written by hand: each handler in `routes/` carries a
//! `#[utoipa::path]` with its path, parameters (each with an `example` the tests call it with)
//! and every status it answers, and each body type derives `ToSchema` ([`crate::types`], the
//! device, epoch, reward and cell views, [`crate::ErrorBody`]). `ApiDoc` gathers them; `build`
//! then adds what holds for every operation or schema alike, so that it is said once:
//!
//! - the connection layer's refusals (`server.rs`) and the catch-all `default` error, on every
//!   operation, since every request passes through that layer;
//! - the pattern of each string `format` the API defines (`STRING_FORMATS`);
//! - the range of each unsigned integer format, which OpenAPI's signed formats cannot state;
//! - the resource class names (`describe_device_classes`, the one place that writes them).
//!
//! The crate's tests check the document against the route table ([`crate::endpoints`]) and the
//! running router: the same operations, every status a handler produces, and response bodies
//! that validate against their schemas.

use std::{borrow::Cow, collections::BTreeMap, sync::LazyLock};

use serde_json::{Map, Value, json};
use utoipa::{
    IntoResponses, OpenApi, PartialSchema, ToSchema,
    openapi::{
        ContentBuilder, KnownFormat, ObjectBuilder, Ref, RefOr, Required, Response,
        ResponseBuilder, Schema, SchemaFormat,
        path::{Parameter, ParameterBuilder, ParameterIn},
        schema::{AdditionalProperties, Type},
    },
};

use crate::{
    ChainEvent, DEVICE_CLASSES, ErrorBody, MAX_BODY_BYTES, StreamLagged, error::code, routes,
    server::MAX_URI_BYTES,
};

/// The OpenAPI document, built once.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(|| build(&DEVICE_CLASSES));
    &DOCUMENT
}

/// The document with the backend's parameter schemas ([`crate::Backend::component_schemas`])
/// merged into its components: those named `ChainParams` and `Capabilities` replace the
/// placeholders of the same name.
pub fn document_for(component_schemas: Vec<(String, Value)>) -> Value {
    let mut document = document().clone();
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the document has component schemas");
    for (name, mut schema) in component_schemas {
        complete_formats(&mut schema);
        schemas.insert(name, schema);
    }
    document
}

/// A 32-byte hash: the example transaction hash and account address.
pub(crate) const EXAMPLE_HASH: &str =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/// A real signed transaction (a transfer on the test chain of `crates/app`'s wire fixtures),
/// so the example decodes and verifies like any submission.
const EXAMPLE_TX_FIXTURE: &str =
    include_str!("../../app/tests/fixtures/transfer_example.signed.hex");
/// A device key (the RFC 8032 test-1 Ed25519 public key).
pub(crate) const EXAMPLE_DEVICE: &str =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// A resolution-12 H3 cell in San Francisco.
pub(crate) const EXAMPLE_CELL: &str = "8c2830828052dff";
/// The resolution-8 cell containing [`EXAMPLE_CELL`].
pub(crate) const EXAMPLE_AREA: &str = "8828308281fffff";
/// A closed epoch.
pub(crate) const EXAMPLE_EPOCH: u64 = 1;

/// The example transaction, in hex.
pub(crate) fn example_tx() -> &'static str {
    EXAMPLE_TX_FIXTURE.trim()
}

/// The string formats the API defines, with the pattern each stands for. Outputs are lower-case
/// hex; inputs (`-input`, `hex-tx`) take either case.
const STRING_FORMATS: [(&str, &str); 6] = [
    ("hex", "^([0-9a-f]{2})*$"),
    ("hex32", "^[0-9a-f]{64}$"),
    ("hex-tx", "^([0-9a-fA-F]{2})+$"),
    ("h3-cell", "^[0-9a-f]{15}$"),
    ("h3-cell-input", "^0?8[0-9a-fA-F]{14}$"),
    // A number too large for JSON numbers (a u128).
    ("decimal", "^[0-9]+$"),
];

/// The unsigned integer formats (`non_strict_integers`) as utoipa spells them, as the
/// OpenAPI format registry spells them, and the largest value of each.
const UNSIGNED_FORMATS: [(&str, &str, u64); 4] = [
    ("u-int8", "uint8", u8::MAX as u64),
    ("u-int16", "uint16", u16::MAX as u64),
    ("u-int32", "uint32", u32::MAX as u64),
    ("u-int64", "uint64", u64::MAX),
];

/// The maps keyed by resource class.
const CLASS_AMOUNTS: [&str; 2] = [
    "/components/schemas/EpochSummaryView/properties/pools",
    "/components/schemas/EpochSummaryView/properties/distributed",
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Terrane node API",
        description = "HTTP JSON API served by every Terrane node. Byte strings are lower-case \
            hex without 0x; amounts are integer base units. Every error is a JSON `Error` object \
            whose `code` can be looked up at /v1/outcomes/{code}. GET responses allow any origin \
            (CORS)."
    ),
    tags(
        (name = "chain", description = "Node status and finalized blocks."),
        (name = "txs", description = "Submit transactions and follow them."),
        (name = "accounts", description = "Accounts with state proofs."),
        (
            name = "devices",
            description = "Registered devices, their records with state proofs, and their \
                judged reports."
        ),
        (
            name = "rewards",
            description = "Device reward ledgers, per-epoch breakdowns, and reward-line proofs \
                for claims."
        ),
        (name = "epochs", description = "Reward epochs and their summaries."),
        (
            name = "credits",
            description = "Data credits (bought by burning TRN at the oracle price) and the paid \
                data sessions they fund."
        ),
        (
            name = "staking",
            description = "Bonds behind devices and validators, delegations, their rewards, and \
                unbonding stake."
        ),
        (
            name = "slashing",
            description = "Stake taken on evidence the chain checks: slashes with their \
                evidence and proofs, each target's slashes, the parameters and the due queue."
        ),
        (
            name = "maintenance",
            description = "Maintenance windows: the epochs a device's owner declared ahead of \
                time that it rests (unpaid, without fault), what each period still allows, and \
                the notice and quotas."
        ),
        (
            name = "cells",
            description = "H3 cells: devices located in them and their density scale."
        ),
        (name = "outcomes", description = "The reason-code registry."),
        (name = "events", description = "Live chain events."),
        (name = "meta", description = "Metrics and this document."),
    ),
    paths(
        routes::chain::status,
        routes::chain::block,
        routes::params::params,
        routes::price::price,
        routes::credits::credits,
        routes::credits::credit_account,
        routes::credits::session,
        routes::staking::staking,
        routes::staking::device_pool,
        routes::staking::validator_pool,
        routes::staking::device_position,
        routes::staking::validator_position,
        routes::staking::unbonding,
        routes::slashing::slashing,
        routes::slashing::slash,
        routes::slashing::device_slashes,
        routes::slashing::validator_slashes,
        routes::maintenance::maintenance,
        routes::maintenance::device_maintenance,
        routes::txs::submit_tx,
        routes::txs::tx,
        routes::txs::receipt,
        routes::accounts::account,
        routes::devices::devices,
        routes::devices::device,
        routes::devices::outcomes,
        routes::devices::rewards,
        routes::devices::reward_proof,
        routes::epochs::epoch,
        routes::cells::cell,
        routes::classes::classes,
        routes::outcomes::outcomes,
        routes::outcomes::outcome,
        routes::events::events,
        routes::meta::metrics,
        routes::meta::openapi_document,
    ),
    // The event stream's data, which no JSON response carries, and the parameters' placeholder.
    components(schemas(ChainEvent, StreamLagged, ChainParams, Capabilities))
)]
/// The operations and schemas as utoipa derives them, before [`build`] completes them.
struct ApiDoc;

/// The document for a chain whose resource classes are `classes`.
fn build(classes: &[&str]) -> Value {
    let mut document =
        serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    describe_device_classes(&mut document, classes);
    complete_formats(&mut document);
    let paths = document["paths"]
        .as_object_mut()
        .expect("the document has paths");
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        add_connection_refusals(&mut operation["responses"]);
    }
    document
}

/// Gives every custom string format its pattern and every unsigned integer format the
/// registry's name and its maximum.
fn complete_formats(document: &mut Value) {
    for_each_object(document, &mut |object| {
        let Some(format) = object.get("format").and_then(Value::as_str) else {
            return;
        };
        let pattern = STRING_FORMATS.iter().find(|(name, _)| *name == format);
        let unsigned = UNSIGNED_FORMATS
            .iter()
            .find(|(utoipa, registry, _)| *utoipa == format || *registry == format);
        if let Some((_, pattern)) = pattern {
            object.insert("pattern".into(), json!(pattern));
        }
        if let Some((_, registry, maximum)) = unsigned {
            object.insert("format".into(), json!(registry));
            object.entry("maximum").or_insert(json!(maximum));
        }
    });
}

/// Writes what a resource class name is into the document: every string property named
/// `class`, and the keys of each map keyed by class ([`CLASS_AMOUNTS`]). Which classes exist
/// is the chain's answer (`GET /v1/classes`), not the document's: a chain that runs another
/// class serves its name without a new document. So the schema gives the spelling the API
/// accepts ([`CLASS_NAME_PATTERN`]) and `classes` (the names of the chain as built,
/// [`DEVICE_CLASSES`] today) as examples. This is the one place that writes them.
fn describe_device_classes(document: &mut Value, classes: &[&str]) {
    let description = "A resource class name, as `GET /v1/classes` lists them.";
    for_each_object(document, &mut |object| {
        if let Some(class) = object
            .get_mut("properties")
            .and_then(|properties| properties.get_mut("class"))
            .and_then(Value::as_object_mut)
        {
            class.insert("pattern".into(), json!(CLASS_NAME_PATTERN));
            class.insert("examples".into(), json!(classes));
            class.entry("description").or_insert(json!(description));
        }
    });
    for pointer in CLASS_AMOUNTS {
        let map = document
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} is not in the document"));
        let amount = json!({ "type": "integer", "format": "uint64", "minimum": 0 });
        let example: Map<String, Value> = classes
            .iter()
            .map(|class| ((*class).to_owned(), json!(0)))
            .collect();
        *map = json!({
            "type": "object",
            "description": map["description"],
            "propertyNames": { "pattern": CLASS_NAME_PATTERN },
            "additionalProperties": amount,
            "examples": [example],
        });
    }
}

/// The spelling of a class name (`crate::MAX_CLASS_NAME_BYTES` at most), as the `class`
/// filter accepts it.
pub const CLASS_NAME_PATTERN: &str = "^[a-z][a-z0-9_]{0,31}$";

/// Calls `visit` on every JSON object in `value`, outermost first.
fn for_each_object(value: &mut Value, visit: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(object) => {
            visit(object);
            object
                .values_mut()
                .for_each(|child| for_each_object(child, visit));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| for_each_object(child, visit)),
        _ => {}
    }
}

/// What the connection layer (`server.rs`) answers before any handler runs, whatever the
/// operation: the status and the description of its error.
fn connection_refusals() -> [(&'static str, String); 6] {
    [
        (
            "400",
            format!(
                "the request is not valid HTTP/1.1 (code {}).",
                code::MALFORMED
            ),
        ),
        (
            "413",
            format!(
                "a declared Content-Length over {MAX_BODY_BYTES} bytes (code {}, \
                 tx_too_large); the body is not read.",
                code::TX_TOO_LARGE
            ),
        ),
        (
            "414",
            format!("the request target is over {MAX_URI_BYTES} bytes (uri_too_long)."),
        ),
        (
            "429",
            "this address made more requests than api.requests_per_second_per_ip allows, \
             past its burst (rate_limited); retry after the Retry-After delay."
                .into(),
        ),
        (
            "431",
            "the request line and headers are over api.max_header_bytes (headers_too_large)."
                .into(),
        ),
        (
            "503",
            "the node has as many connections open as it allows, in all or from this address \
             (too_many_connections: api.max_connections, api.max_connections_per_ip); the \
             connection is answered and closed; retry later."
                .into(),
        ),
    ]
}

/// Adds the connection layer's refusals and the catch-all to one operation's `responses`. A
/// status the handler also answers keeps its description, followed by the refusal's.
fn add_connection_refusals(responses: &mut Value) {
    let responses = responses
        .as_object_mut()
        .expect("every operation has responses");
    for (status, refusal) in connection_refusals() {
        let refusal = format!("Refused before routing: {refusal}");
        match responses.get_mut(status) {
            Some(response) => {
                let handler = response["description"].as_str().unwrap_or_default();
                response["description"] = json!(format!("{handler} {refusal}"));
            }
            None => {
                responses.insert(status.into(), json!(error_response(&refusal)));
            }
        }
    }
    responses["429"]["headers"] = json!({
        "Retry-After": {
            "description": "Seconds until this address may send again.",
            "schema": { "type": "integer", "format": "uint64", "minimum": 1 },
        },
    });
    responses.insert(
        "default".into(),
        json!(error_response(
            "Any other error, e.g. 405 for a method this path does not accept."
        )),
    );
}

/// A required path parameter holding 32 bytes in hex, with its example.
pub(crate) fn hex32_path_param(name: &str, description: &str, example: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::Custom("hex32".into()))),
        ))
        .example(Some(json!(example)))
        .build()
}

/// A response whose body is the [`ErrorBody`].
pub(crate) fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                .build(),
        )
        .build()
}

/// The errors any [`crate::Backend`] call may return; listed by every handler that makes one.
pub(crate) struct BackendErrors;

impl IntoResponses for BackendErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [
            ("500", "A fault inside the node."),
            (
                "503",
                "The node cannot answer now (e.g. still syncing); retry later.",
            ),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_owned(), error_response(description).into()))
        .collect()
    }
}

/// The body of `GET /v1/params` until the backend types it ([`crate::Backend::component_schemas`]:
/// the node does, from the parameter structs); the API crate alone does not know them.
pub(crate) struct ChainParams;

impl PartialSchema for ChainParams {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .description(Some(
                "The chain id (`chain_id`), genesis hash (`genesis_hash`), approved device \
                 makers (`makers`), treasury (`treasury`) and module parameters (`params`), as \
                 in the genesis file. Free-form: new parameters appear as the chain gains \
                 features.",
            ))
            .into()
    }
}

impl ToSchema for ChainParams {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ChainParams")
    }
}

/// A device's capabilities until the backend types them ([`crate::Backend::component_schemas`]:
/// the node gives each class's own schema); their fields are the device's class's.
pub(crate) struct Capabilities;

impl PartialSchema for Capabilities {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .description(Some(
                "What the maker attested the device can do, as its resource class names it \
                 (coverage: `antenna_gain_dbi_x10`, `tx_power_dbm_x10`, `band`).",
            ))
            .into()
    }
}

impl ToSchema for Capabilities {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Capabilities")
    }
}

/// A `POST /v1/tx` body in binary.
pub(crate) struct TxBinary;

impl PartialSchema for TxBinary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for TxBinary {}

/// A `POST /v1/tx` body in hex.
pub(crate) struct TxHex;

impl PartialSchema for TxHex {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("hex-tx".into())))
            .description(Some(
                "Hex of the transaction; surrounding whitespace is ignored.",
            ))
            .into()
    }
}

impl ToSchema for TxHex {}

/// One message of the `GET /v1/events` stream.
pub(crate) struct EventStreamMessage;

impl PartialSchema for EventStreamMessage {
    fn schema() -> RefOr<Schema> {
        let string = || ObjectBuilder::new().schema_type(Type::String);
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "One Server-Sent Events message: `event` names the ChainEvent type (or \
                 `lagged`), `data` is its JSON (ChainEvent or StreamLagged).",
            ))
            .property("event", string())
            .property("data", string().content_media_type("application/json"))
            .property("id", string())
            .property("retry", ObjectBuilder::new().schema_type(Type::Integer))
            .required("data")
            .into()
    }
}

impl ToSchema for EventStreamMessage {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `class` and every class map of the document, by where it is.
    fn class_names(document: &mut Value) -> Vec<Value> {
        let mut found = Vec::new();
        for_each_object(document, &mut |object| {
            if let Some(class) = object.get("properties").and_then(|p| p.get("class")) {
                assert_eq!(class["pattern"], json!(CLASS_NAME_PATTERN));
                found.push(class["examples"].clone());
            }
        });
        for pointer in CLASS_AMOUNTS {
            let map = document.pointer(pointer).unwrap();
            assert_eq!(map["propertyNames"]["pattern"], json!(CLASS_NAME_PATTERN));
            let keys: Vec<&String> = map["examples"][0].as_object().unwrap().keys().collect();
            found.push(json!(keys));
        }
        found
    }

    #[test]
    fn class_names_come_from_the_list_given() {
        let mut document = build(&["wind", "water"]);
        let found = class_names(&mut document);
        // DeviceView, DeviceSummaryView, RewardLineView, CellClassDensityView, the devices
        // filter, and the two class maps.
        assert_eq!(found.len(), 7, "{found:?}");
        // Map examples list their keys in sorted order.
        assert!(
            found
                .iter()
                .all(|names| *names == json!(["wind", "water"])
                    || *names == json!(["water", "wind"])),
            "{found:?}"
        );
    }

    #[test]
    fn every_custom_string_format_in_the_document_has_a_pattern() {
        let mut document = document().clone();
        let mut formats = Vec::new();
        for_each_object(&mut document, &mut |object| {
            // A nullable string's type is `["string", "null"]`.
            let string = match object.get("type") {
                Some(Value::String(kind)) => kind == "string",
                Some(Value::Array(kinds)) => kinds.contains(&json!("string")),
                _ => false,
            };
            if string && let Some(format) = object.get("format").and_then(Value::as_str) {
                formats.push((format.to_owned(), object.contains_key("pattern")));
            }
        });
        assert!(formats.len() > 40, "only {} string formats", formats.len());
        for (format, has_pattern) in formats {
            // `binary` is OpenAPI's own, for the raw transaction body.
            assert!(
                has_pattern || format == "binary",
                "format {format} has no pattern"
            );
        }
    }
}
