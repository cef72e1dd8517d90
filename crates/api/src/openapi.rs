//! The OpenAPI 3.0.3 document describing every endpoint, served at `GET /v1/openapi.json`.
//!
//! Hand-written with `json!` to keep the dependency tree small. It must list exactly the
//! routes in the route table ([`crate::endpoints`]), every response status each handler can
//! produce, and a schema for every body type in [`crate::types`] and [`crate::ErrorBody`];
//! the crate's tests check all three against the running router. Each path parameter and
//! request body carries an `example` the tests use to call the endpoint.

use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::{MAX_BODY_BYTES, error::code};

/// The OpenAPI document, built once.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(build);
    &DOCUMENT
}

const EXAMPLE_HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const EXAMPLE_TX_HEX: &str = "0a0b0c0d";

fn build() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Terrane node API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "HTTP JSON API served by every Terrane node. Byte strings are \
                lower-case hex without 0x; amounts are integer base units. Every error is a \
                JSON `Error` object whose `code` can be looked up at /v1/outcomes/{code}. \
                GET responses allow any origin (CORS).",
        },
        "tags": [
            { "name": "chain", "description": "Node status and finalized blocks." },
            { "name": "txs", "description": "Submit transactions and follow them." },
            { "name": "accounts", "description": "Accounts with state proofs." },
            { "name": "outcomes", "description": "The reason-code registry." },
            { "name": "events", "description": "Live chain events." },
            { "name": "meta", "description": "Metrics and this document." },
        ],
        "paths": paths(),
        "components": { "schemas": schemas() },
    })
}

fn paths() -> Value {
    json!({
        "/v1/status": {
            "get": {
                "tags": ["chain"],
                "operationId": "getStatus",
                "summary": "The node's view of the chain.",
                "responses": with_backend_errors(json!({
                    "200": ok("Node status.", reference("StatusView")),
                })),
            },
        },
        "/v1/blocks/{id}": {
            "get": {
                "tags": ["chain"],
                "operationId": "getBlock",
                "summary": "A finalized block by height, or the latest.",
                "parameters": [path_param(
                    "id",
                    "`latest` or a decimal height.",
                    json!({ "type": "string", "pattern": "^(latest|[0-9]+)$" }),
                    json!("latest"),
                )],
                "responses": with_backend_errors(json!({
                    "200": ok("The block.", reference("BlockView")),
                    "400": error("`id` is neither `latest` nor a decimal height (code 7)."),
                    "404": error("No finalized block at this height on this node."),
                })),
            },
        },
        "/v1/tx": {
            "post": {
                "tags": ["txs"],
                "operationId": "submitTx",
                "summary": "Submit a signed transaction to the mempool.",
                "description": format!(
                    "The body is the binary encoded signed transaction, in one of three \
                     encodings chosen by Content-Type. The body may be at most {MAX_BODY_BYTES} \
                     bytes in any encoding."
                ),
                "requestBody": {
                    "required": true,
                    "content": {
                        "application/octet-stream": {
                            "schema": { "type": "string", "format": "binary" },
                        },
                        "text/plain": {
                            "schema": hex_schema("Hex of the transaction; surrounding whitespace is ignored."),
                            "example": EXAMPLE_TX_HEX,
                        },
                        "application/json": {
                            "schema": reference("SubmitTxRequest"),
                            "example": { "tx": EXAMPLE_TX_HEX },
                        },
                    },
                },
                "responses": with_backend_errors(json!({
                    "202": ok("Accepted into the mempool.", reference("TxSubmitted")),
                    "400": error(&format!(
                        "Empty, not hex, or bad JSON (code {}), or rejected by the \
                         transaction checks (code = the outcome of the broken rule).",
                        code::MALFORMED
                    )),
                    "409": error("The transaction is already known."),
                    "413": error(&format!(
                        "Body over {MAX_BODY_BYTES} bytes (code {}, tx_too_large).",
                        code::TX_TOO_LARGE
                    )),
                    "415": error("Content-Type is not one of the three accepted."),
                })),
            },
        },
        "/v1/tx/{hash}": {
            "get": {
                "tags": ["txs"],
                "operationId": "getTx",
                "summary": "Whether a transaction is pending, included (with its outcome), or unknown.",
                "parameters": [path_param(
                    "hash",
                    "Transaction hash, 64 hex characters.",
                    hex32_schema("Transaction hash."),
                    json!(EXAMPLE_HASH),
                )],
                "responses": with_backend_errors(json!({
                    "200": ok("The transaction's status; `unknown` is not an error.", reference("TxStatusView")),
                    "400": error("`hash` is not 64 hex characters (code 7)."),
                })),
            },
        },
        "/v1/accounts/{address}": {
            "get": {
                "tags": ["accounts"],
                "operationId": "getAccount",
                "summary": "An account and its proof against the latest finalized state root.",
                "parameters": [path_param(
                    "address",
                    "Account address, 64 hex characters.",
                    hex32_schema("Account address."),
                    json!(EXAMPLE_HASH),
                )],
                "responses": with_backend_errors(json!({
                    "200": ok(
                        "The account; an address without a record has zero balance and an exclusion proof.",
                        reference("AccountView"),
                    ),
                    "400": error("`address` is not 64 hex characters (code 7)."),
                })),
            },
        },
        "/v1/outcomes": {
            "get": {
                "tags": ["outcomes"],
                "operationId": "listOutcomes",
                "summary": "Every reason code, sorted by code.",
                "responses": with_default(json!({
                    "200": ok("The registry.", json!({ "type": "array", "items": reference("OutcomeView") })),
                })),
            },
        },
        "/v1/outcomes/{code}": {
            "get": {
                "tags": ["outcomes"],
                "operationId": "getOutcome",
                "summary": "One reason code.",
                "parameters": [path_param(
                    "code",
                    "Decimal reason code.",
                    uint_schema(u64::from(u16::MAX), "Reason code."),
                    json!(code::MALFORMED),
                )],
                "responses": with_default(json!({
                    "200": ok("The outcome.", reference("OutcomeView")),
                    "400": error("`code` is not a decimal number below 65536 (code 7)."),
                    "404": error("No outcome has this code."),
                })),
            },
        },
        "/v1/events": {
            "get": {
                "tags": ["events"],
                "operationId": "streamEvents",
                "summary": "Server-Sent Events stream of finalized chain events.",
                "description": "Each message has `event:` set to the event type and `data:` \
                    set to a `ChainEvent` JSON object with the same `type`. A subscriber that \
                    falls behind receives one `lagged` message (data: `StreamLagged`) and the \
                    stream continues. Comment lines are sent as keep-alives. Clients must \
                    ignore event types they do not know.",
                "responses": with_default(json!({
                    "200": {
                        "description": "The stream; it ends when the node shuts down.",
                        "content": { "text/event-stream": { "schema": { "type": "string" } } },
                    },
                })),
            },
        },
        "/metrics": {
            "get": {
                "tags": ["meta"],
                "operationId": "getMetrics",
                "summary": "Prometheus metrics, text exposition format 0.0.4.",
                "responses": with_default(json!({
                    "200": {
                        "description": "Metrics.",
                        "content": { "text/plain": { "schema": { "type": "string" } } },
                    },
                })),
            },
        },
        "/v1/openapi.json": {
            "get": {
                "tags": ["meta"],
                "operationId": "getOpenApi",
                "summary": "This document.",
                "responses": with_default(json!({
                    "200": ok("The OpenAPI 3.0.3 document.", json!({ "type": "object" })),
                })),
            },
        },
    })
}

fn schemas() -> Value {
    json!({
        "Error": object(
            "Body of every error response.",
            json!({
                "code": uint_schema(u64::from(u16::MAX), "Stable reason code, 0 if none; see /v1/outcomes/{code}."),
                "reason": string("Stable snake_case name of the reason."),
                "message": string("Human-readable explanation."),
            }),
        ),
        "StatusView": object(
            "The node's view of the chain.",
            json!({
                "chain_id": string("Chain identifier."),
                "genesis_hash": hex_schema("Digest of the genesis block."),
                "finalized_height": uint_schema(u64::MAX, "Height of the latest finalized block."),
                "finalized_block": hex_schema("Digest of the latest finalized block."),
                "state_root": hex_schema("State root after the latest finalized block."),
                "peers": uint_schema(u64::from(u32::MAX), "Connected peers."),
                "validators": uint_schema(u64::from(u32::MAX), "Validators in the current epoch."),
                "mempool_size": uint_schema(u64::MAX, "Transactions in this node's mempool."),
                "network_identity": hex_schema("BLS threshold public key of the validator set."),
            }),
        ),
        "OutcomeView": object(
            "One entry of the reason-code registry.",
            json!({
                "code": uint_schema(u64::from(u16::MAX), "Stable numeric code."),
                "name": string("Stable snake_case name."),
                "description": string("What the rule is and how to satisfy it."),
            }),
        ),
        "AccountView": object(
            "An account with a proof against a finalized state root.",
            json!({
                "address": hex32_schema("Account address."),
                "balance": uint_schema(u64::MAX, "Balance in base units."),
                "nonce": uint_schema(u64::MAX, "Next nonce the account's transaction must carry."),
                "height": uint_schema(u64::MAX, "Finalized height the proof is against."),
                "state_root": hex_schema("State root at `height`."),
                "key": hex32_schema("State key of the account record."),
                "value": nullable(hex_schema("Encoded account record; null if absent.")),
                "proof": hex_schema("Encoded proof: inclusion if `value` is set, exclusion otherwise."),
            }),
        ),
        "TxSubmitted": object(
            "The transaction was accepted into the mempool.",
            json!({ "hash": hex32_schema("Transaction hash.") }),
        ),
        "SubmitTxRequest": object(
            "JSON form of a transaction submission.",
            json!({ "tx": hex_schema("The binary encoded signed transaction.") }),
        ),
        "TxStatus": {
            "type": "string",
            "enum": ["pending", "included", "unknown"],
            "description": "pending: in this node's mempool; included: in a finalized block; \
                unknown: neither.",
        },
        "TxStatusView": object(
            "Where a transaction is.",
            json!({
                "hash": hex32_schema("Transaction hash."),
                "status": reference("TxStatus"),
                "height": nullable(uint_schema(u64::MAX, "Height of the including block.")),
                "index": nullable(uint_schema(u64::from(u32::MAX), "Position in the including block.")),
                "outcome": nullable(json!({ "allOf": [reference("OutcomeView")] })),
            }),
        ),
        "BlockView": object(
            "A finalized block.",
            json!({
                "height": uint_schema(u64::MAX, "Block height."),
                "digest": hex_schema("Block digest."),
                "parent": hex_schema("Parent block digest."),
                "timestamp_ms": uint_schema(u64::MAX, "Proposer's timestamp, ms since the Unix epoch."),
                "epoch": uint_schema(u64::MAX, "Epoch of the block."),
                "view": uint_schema(u64::MAX, "Consensus view of the proposal."),
                "proposer": hex_schema("Proposer's public key."),
                "header": hex_schema("The encoded block header; the block digest is its SHA-256 \
                    and the finalization certificate signs that digest (docs/spec/blocks.md)."),
                "state_root": hex_schema("State root after the block."),
                "seed": nullable(hex_schema("Threshold randomness seed of the view.")),
                "tx_count": uint_schema(u64::from(u32::MAX), "Number of transactions."),
                "txs": {
                    "type": "array",
                    "items": reference("TxInBlock"),
                    "description": "Transactions in execution order.",
                },
                "finalization": nullable(hex_schema("Finalization certificate, if held.")),
            }),
        ),
        "TxInBlock": object(
            "A transaction in a block, with its outcome.",
            json!({
                "hash": hex32_schema("Transaction hash."),
                "outcome": reference("OutcomeView"),
            }),
        ),
        "ChainEvent": {
            "description": "A finalized chain event, tagged by `type`. More types will be \
                added; clients must ignore types they do not know.",
            "oneOf": [reference("BlockEvent"), reference("TxOutcomeEvent")],
            "discriminator": {
                "propertyName": "type",
                "mapping": {
                    "block": "#/components/schemas/BlockEvent",
                    "tx_outcome": "#/components/schemas/TxOutcomeEvent",
                },
            },
        },
        "BlockEvent": object(
            "A block was finalized.",
            json!({
                "type": tag("block"),
                "height": uint_schema(u64::MAX, "Block height."),
                "digest": hex_schema("Block digest."),
                "tx_count": uint_schema(u64::from(u32::MAX), "Number of transactions."),
                "state_root": hex_schema("State root after the block."),
                "timestamp_ms": uint_schema(u64::MAX, "Proposer's timestamp, ms since the Unix epoch."),
            }),
        ),
        "TxOutcomeEvent": object(
            "A transaction in a finalized block was executed.",
            json!({
                "type": tag("tx_outcome"),
                "hash": hex32_schema("Transaction hash."),
                "height": uint_schema(u64::MAX, "Height of the including block."),
                "index": uint_schema(u64::from(u32::MAX), "Position in the block."),
                "code": uint_schema(u64::from(u16::MAX), "Outcome code."),
                "name": string("Outcome name."),
            }),
        ),
        "StreamLagged": object(
            "Data of the `lagged` event: the subscriber missed events.",
            json!({ "skipped": uint_schema(u64::MAX, "Number of events missed.") }),
        ),
    })
}

/// An object schema in which every property is required: the server always sends every
/// field, with `null` for absent optional values.
fn object(description: &str, properties: Value) -> Value {
    let required: Vec<&String> = properties
        .as_object()
        .map(|fields| fields.keys().collect())
        .unwrap_or_default();
    json!({
        "type": "object",
        "description": description,
        "required": required,
        "properties": properties,
    })
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn tag(name: &str) -> Value {
    json!({ "type": "string", "enum": [name] })
}

fn hex_schema(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^([0-9a-f]{2})*$", "description": description })
}

fn hex32_schema(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^[0-9a-f]{64}$", "description": description })
}

/// An unsigned integer schema. OpenAPI's `int32`/`int64` formats are signed and too small for
/// Rust's unsigned types, so the format names the Rust type and `maximum` states the range.
fn uint_schema(maximum: u64, description: &str) -> Value {
    let format = if maximum <= u64::from(u16::MAX) {
        "uint16"
    } else if maximum <= u64::from(u32::MAX) {
        "uint32"
    } else {
        "uint64"
    };
    json!({
        "type": "integer",
        "format": format,
        "minimum": 0,
        "maximum": maximum,
        "description": description,
    })
}

fn nullable(mut schema: Value) -> Value {
    if let Some(fields) = schema.as_object_mut() {
        fields.insert("nullable".into(), Value::Bool(true));
    }
    schema
}

fn path_param(name: &str, description: &str, schema: Value, example: Value) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": description,
        "schema": schema,
        "example": example,
    })
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn error(description: &str) -> Value {
    ok(description, reference("Error"))
}

/// Adds the catch-all error response: a 405 for a wrong method, or any status a future
/// backend error uses.
fn with_default(mut responses: Value) -> Value {
    if let Some(map) = responses.as_object_mut() {
        map.insert(
            "default".into(),
            error("Any other error, e.g. 405 for a method this path does not accept."),
        );
    }
    responses
}

/// Adds the errors any backend call may return, then the catch-all.
fn with_backend_errors(mut responses: Value) -> Value {
    if let Some(map) = responses.as_object_mut() {
        map.insert("500".into(), error("A fault inside the node."));
        map.insert(
            "503".into(),
            error("The node cannot answer now (e.g. still syncing); retry later."),
        );
    }
    with_default(responses)
}
