//! The OpenAPI 3.0.3 document describing every endpoint, served at `GET /v1/openapi.json`.
//!
//! Hand-written with `json!` to keep the dependency tree small. It must list exactly the
//! routes in the route table ([`crate::endpoints`]), every response status each handler can
//! produce, and a schema for every body type in [`crate::types`], the device, epoch, reward and
//! cell views, and [`crate::ErrorBody`]; the crate's tests check all three against the running
//! router. Each path and query parameter and each request body carries an `example` the tests
//! use to call the endpoint.

use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::{
    DEFAULT_DEVICE_LIST_LIMIT, DEVICE_CLASSES, MAX_BODY_BYTES, MAX_DEVICE_LIST_LIMIT, error::code,
};

/// The OpenAPI document, built once.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(build);
    &DOCUMENT
}

const EXAMPLE_HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/// A real signed transaction (a transfer on the test chain of `crates/app`'s wire fixtures),
/// so the example decodes and verifies like any submission.
const EXAMPLE_TX_FIXTURE: &str =
    include_str!("../../app/tests/fixtures/transfer_example.signed.hex");
/// A device key (the RFC 8032 test-1 Ed25519 public key).
const EXAMPLE_DEVICE: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// A resolution-12 H3 cell in San Francisco.
const EXAMPLE_CELL: &str = "8c2830828052dff";
/// The resolution-8 cell containing [`EXAMPLE_CELL`].
const EXAMPLE_AREA: &str = "8828308281fffff";
/// A closed epoch.
const EXAMPLE_EPOCH: u64 = 1;
/// Parts per million: the largest value of a `_ppm` factor.
const PPM: u64 = 1_000_000;

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
            { "name": "devices", "description": "Registered devices, their records with state \
                proofs, and their judged reports." },
            { "name": "rewards", "description": "Device reward ledgers, per-epoch breakdowns, \
                and reward-line proofs for claims." },
            { "name": "epochs", "description": "Reward epochs and their summaries." },
            { "name": "cells", "description": "H3 cells: devices located in them and their \
                density scale." },
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
        "/v1/params": {
            "get": {
                "tags": ["chain"],
                "operationId": "getParams",
                "summary": "The chain's parameters.",
                "description": "The chain id, the genesis hash, the approved device makers, the \
                    treasury, and every module's parameters (`params`), with the field names \
                    of the genesis file.",
                "responses": with_default(json!({
                    "200": ok("The parameters.", reference("ChainParams")),
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
                            "schema": tx_hex_schema("Hex of the transaction; surrounding whitespace is ignored."),
                            "example": EXAMPLE_TX_FIXTURE.trim(),
                        },
                        "application/json": {
                            "schema": reference("SubmitTxRequest"),
                            "example": { "tx": EXAMPLE_TX_FIXTURE.trim() },
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
                    "409": error("A conflict (code = the outcome): `duplicate_tx` (already \
                        pending or included), `replacement_underpriced`, `nonce_too_low`."),
                    "422": error("Refused by a stateful rule of admission (code = the outcome \
                        of the rule it broke, e.g. 100 insufficient_balance)."),
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
                "parameters": [tx_hash_param()],
                "responses": with_backend_errors(json!({
                    "200": ok("The transaction's status; `unknown` is not an error.", reference("TxStatusView")),
                    "400": error("`hash` is not 64 hex characters (code 7)."),
                })),
            },
        },
        "/v1/tx/{hash}/receipt": {
            "get": {
                "tags": ["txs"],
                "operationId": "getTxReceipt",
                "summary": "A charged transaction's receipt record, proven against the latest \
                    finalized state root.",
                "description": "The value is the stored receipt (height u64be, index u32be, code \
                    u16be); the key is SHA-256(\"terrane/state/v1\" ‖ 0x04 ‖ hash). Check it as \
                    any state record (state.md, Checking a value).",
                "parameters": [tx_hash_param()],
                "responses": with_backend_errors(json!({
                    "200": ok("The receipt and its proof.", reference("StateProofView")),
                    "400": error("`hash` is not 64 hex characters (code 7)."),
                    "404": error("No receipt: unknown, pending, or rejected without a charge."),
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
        "/v1/devices": {
            "get": {
                "tags": ["devices"],
                "operationId": "listDevices",
                "summary": "Devices matching every filter given; at least one of owner, cell and \
                    class is required.",
                "parameters": [
                    {
                        "name": "filter",
                        "in": "query",
                        "required": true,
                        "style": "form",
                        "explode": true,
                        "description": "The filters, written as their own query parameters \
                            (`?owner=…&class=…`): at least one of `owner`, `cell` and `class`; \
                            a device is listed if it matches every one given. `cell` is an H3 \
                            cell index of any resolution, 15 hex digits starting with 8 (a \
                            leading 0 is allowed); one that is not an H3 cell, or is too coarse \
                            for the node to search (coarser than resolution 5), is a 400 \
                            (code 7).",
                        "schema": {
                            "type": "object",
                            "properties": {
                                "owner": hex32_schema("Devices owned by this address."),
                                "cell": cell_input_schema(),
                                "class": class_schema("Devices of this resource class."),
                            },
                            "minProperties": 1,
                            "additionalProperties": false,
                        },
                        "example": { "cell": EXAMPLE_AREA, "class": "coverage" },
                    },
                    query_param(
                        "limit",
                        &format!(
                            "Most devices returned, 1 to {MAX_DEVICE_LIST_LIMIT}; \
                             {DEFAULT_DEVICE_LIST_LIMIT} if absent."
                        ),
                        json!({
                            "type": "integer",
                            "format": "uint32",
                            "minimum": 1,
                            "maximum": MAX_DEVICE_LIST_LIMIT,
                            "default": DEFAULT_DEVICE_LIST_LIMIT,
                        }),
                        json!(10),
                    ),
                    query_param(
                        "cursor",
                        "Where the page starts: the `next_cursor` of the previous page (0, the \
                         default, starts at the beginning). A page reads at most 4000 index \
                         slots, so it may hold fewer than `limit` devices and still have a \
                         `next_cursor`.",
                        json!({
                            "type": "integer",
                            "format": "uint32",
                            "minimum": 0,
                            "maximum": u32::MAX,
                            "default": 0,
                        }),
                        json!(0),
                    ),
                ],
                "responses": with_backend_errors(json!({
                    "200": ok(
                        "One page of the matching devices (at most `limit`), the length of the \
                         index list read, and the cursor of the next page.",
                        reference("DeviceListView"),
                    ),
                    "400": error("No filter, a malformed filter or limit, an unknown or repeated \
                        query parameter, or a cell the node cannot search (code 7)."),
                })),
            },
        },
        "/v1/devices/{id}": {
            "get": {
                "tags": ["devices"],
                "operationId": "getDevice",
                "summary": "A registered device, with its record proven against the latest \
                    finalized state root.",
                "parameters": [device_id_param()],
                "responses": with_backend_errors(json!({
                    "200": ok("The device.", reference("DeviceView")),
                    "400": error("`id` is not 64 hex characters (code 7)."),
                    "404": error("No device is registered with this key."),
                })),
            },
        },
        "/v1/devices/{id}/outcomes": {
            "get": {
                "tags": ["devices"],
                "operationId": "getDeviceOutcomes",
                "summary": "A device's recently judged reports, newest first, each with its \
                    reason code.",
                "parameters": [device_id_param()],
                "responses": with_backend_errors(json!({
                    "200": ok("The outcomes.", reference("DeviceOutcomesView")),
                    "400": error("`id` is not 64 hex characters (code 7)."),
                    "404": error("No device is registered with this key."),
                })),
            },
        },
        "/v1/devices/{id}/rewards": {
            "get": {
                "tags": ["rewards"],
                "operationId": "getDeviceRewards",
                "summary": "A device's reward ledger and how its reward was computed in recent \
                    closed epochs.",
                "parameters": [device_id_param()],
                "responses": with_backend_errors(json!({
                    "200": ok("The ledger and breakdowns.", reference("DeviceRewardsView")),
                    "400": error("`id` is not 64 hex characters (code 7)."),
                    "404": error("No device is registered with this key."),
                })),
            },
        },
        "/v1/devices/{id}/rewards/{epoch}": {
            "get": {
                "tags": ["rewards"],
                "operationId": "getRewardProof",
                "summary": "A device's reward line in a closed epoch, with its Merkle path to the \
                    epoch's reward root and the state proof of the epoch summary holding it.",
                "parameters": [
                    device_id_param(),
                    path_param(
                        "epoch",
                        "Decimal epoch number.",
                        uint_schema(u64::MAX, "Epoch."),
                        json!(EXAMPLE_EPOCH),
                    ),
                ],
                "responses": with_backend_errors(json!({
                    "200": ok("The proven reward line.", reference("RewardProofView")),
                    "400": error("`id` is not 64 hex characters, or `epoch` is not a decimal \
                        number (code 7)."),
                    "404": error("No rewarded line: the device is not registered, earned \
                        nothing in this epoch, or the epoch has not closed."),
                })),
            },
        },
        "/v1/epochs/{id}": {
            "get": {
                "tags": ["epochs"],
                "operationId": "getEpoch",
                "summary": "A reward epoch, with its summary once closed.",
                "parameters": [path_param(
                    "id",
                    "`current` (the epoch of the latest finalized block) or a decimal epoch \
                    number.",
                    json!({ "type": "string", "pattern": "^(current|[0-9]+)$" }),
                    json!("current"),
                )],
                "responses": with_backend_errors(json!({
                    "200": ok("The epoch.", reference("EpochView")),
                    "400": error("`id` is neither `current` nor a decimal number (code 7)."),
                    "404": error("The epoch has not started."),
                })),
            },
        },
        "/v1/cells/{cell}": {
            "get": {
                "tags": ["cells"],
                "operationId": "getCell",
                "summary": "The devices located in an H3 cell and the density scale of its \
                    density cell this epoch.",
                "parameters": [path_param(
                    "cell",
                    "H3 cell index: 15 hex digits starting with 8 (a leading 0 is allowed).",
                    cell_input_schema(),
                    json!(EXAMPLE_CELL),
                )],
                "responses": with_backend_errors(json!({
                    "200": ok("The cell.", reference("CellView")),
                    "400": error("`cell` is not written as an H3 cell index, not an H3 cell, or too \
                        coarse for the node to search (code 7)."),
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
                        "content": { "text/event-stream": { "schema": {
                            "type": "object",
                            "description": "One Server-Sent Events message: `event` names \
                                the ChainEvent type (or `lagged`), `data` is its JSON \
                                (ChainEvent or StreamLagged).",
                            "properties": {
                                "event": { "type": "string" },
                                "data": { "type": "string", "contentMediaType": "application/json" },
                                "id": { "type": "string" },
                                "retry": { "type": "integer" },
                            },
                            "required": ["data"],
                        } } },
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
    let mut schemas = json!({
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
        "SubmitTxRequest": closed(object(
            "JSON form of a transaction submission: exactly one member, `tx`; any other member \
             is refused (400, code 7).",
            json!({ "tx": tx_hex_schema("Hex of the binary encoded signed transaction.") }),
        )),
        "TxStatus": {
            "type": "string",
            "enum": ["pending", "included", "refused", "unknown"],
            "description": "pending: in this node's mempool; included: in a finalized block and \
                charged (the outcome says whether the payload succeeded); refused: in a finalized \
                block but rejected before being charged (nothing happened, nonce unchanged); \
                unknown: none of these.",
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
                "tx": hex_schema("The transaction's bytes as the block holds them; leaf i of \
                    txs_root is SHA-256(0x00 ‖ bytes)."),
                "outcome": reference("OutcomeView"),
            }),
        ),
        "ChainEvent": {
            "description": "A finalized chain event, tagged by `type`. More types will be \
                added; clients must ignore types they do not know.",
            "oneOf": [
                reference("BlockEvent"),
                reference("TxOutcomeEvent"),
                reference("EpochClosedEvent"),
                reference("ReportOutcomeEvent"),
            ],
            "discriminator": {
                "propertyName": "type",
                "mapping": {
                    "block": "#/components/schemas/BlockEvent",
                    "tx_outcome": "#/components/schemas/TxOutcomeEvent",
                    "epoch_closed": "#/components/schemas/EpochClosedEvent",
                    "report_outcome": "#/components/schemas/ReportOutcomeEvent",
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
                "charged": boolean("Whether it was charged (fee burned, nonce used). An uncharged \
                    rejection changed nothing: a transaction with this hash may still execute later."),
            }),
        ),
        "EpochClosedEvent": object(
            "A reward epoch closed: its rewards were credited to device ledgers.",
            json!({
                "type": tag("epoch_closed"),
                "epoch": uint_schema(u64::MAX, "The epoch."),
                "height": uint_schema(u64::MAX, "Height of the block that closed it."),
                "emission": uint_schema(u64::MAX, "Emission of the epoch, base units."),
                "distributed": uint_schema(u64::MAX, "Credited to devices, all classes, base units."),
                "reward_root": hex32_schema("Merkle root of the epoch's reward list."),
            }),
        ),
        "ReportOutcomeEvent": object(
            "A device report (proof of physical work) was judged.",
            json!({
                "type": tag("report_outcome"),
                "report_id": hex32_schema("Report id."),
                "device": nullable(hex32_schema("Device key; null if the signer was not recognized.")),
                "height": uint_schema(u64::MAX, "Height of the judging block."),
                "code": uint_schema(u64::from(u16::MAX), "0 if valid (or pending), else the reason code."),
                "name": string("Reason name, `ok` for 0."),
                "units": uint_schema(u64::MAX, "Work units credited by this judgement."),
            }),
        ),
        "StreamLagged": object(
            "Data of the `lagged` event: the subscriber missed events.",
            json!({ "skipped": uint_schema(u64::MAX, "Number of events missed.") }),
        ),
    });
    if let (Some(all), Value::Object(more)) = (schemas.as_object_mut(), device_schemas()) {
        all.extend(more);
    }
    schemas
}

/// Schemas of the device, reward, epoch and cell views (`devices_types.rs`) and of the chain
/// parameters.
fn device_schemas() -> Value {
    json!({
        "ChainParams": free_object(
            "The chain id (`chain_id`), genesis hash (`genesis_hash`), approved device makers \
             (`makers`), treasury (`treasury`) and module parameters (`params`), as in the \
             genesis file. Free-form: new parameters appear as the chain gains features.",
        ),
        "StateProofView": object(
            "A state record with its proof against the finalized state root at `height` \
             (docs/spec/state.md).",
            json!({
                "height": uint_schema(u64::MAX, "Finalized height the proof is against."),
                "state_root": hex_schema("State root at `height`; equals that block header's \
                    `state_root`."),
                "key": hex32_schema("State key of the record."),
                "value": nullable(hex_schema("Encoded record; null if absent.")),
                "proof": hex_schema("Encoded proof: key-value proof if `value` is set, \
                    exclusion proof otherwise."),
            }),
        ),
        "RewardLedgerView": object(
            "A device's reward ledger. `claimable` = `cumulative` - `claimed`.",
            json!({
                "cumulative": uint_schema(u64::MAX, "Everything ever credited, base units."),
                "claimed": uint_schema(u64::MAX, "Everything ever claimed, base units."),
                "claimable": uint_schema(u64::MAX, "Credited and not yet claimed, base units."),
                "last_epoch": uint_schema(u64::MAX, "Last epoch that credited it."),
            }),
        ),
        "DeviceView": object(
            "A registered device, with its record proven.",
            json!({
                "id": hex32_schema("Device key (its Ed25519 public key)."),
                "owner": hex32_schema("Owner address."),
                "class": class_schema("Resource class."),
                "capabilities": free_object(
                    "Class-specific capabilities, e.g. for coverage `antenna_gain_dbi_x10`, \
                     `tx_power_dbm_x10` and `band`; for storage `capacity_gib`.",
                ),
                "maker": hex32_schema("Key of the maker that attested the device."),
                "location": cell_schema("Asserted H3 cell, resolution 12."),
                "status": device_status_schema(),
                "registered_at": uint_schema(u64::MAX, "Registration height."),
                "registered_epoch": uint_schema(u64::MAX, "Registration epoch."),
                "relocations": uint_schema(u64::from(u32::MAX), "Location re-assertions."),
                "eligible_from": uint_schema(
                    u64::MAX,
                    "First epoch in which the device may be paid for its work under its \
                     class's rules (coverage: after the relocation cooldown). Computed from \
                     the class's records, not part of the proven device record.",
                ),
                "reputation_ppm": ppm_schema("Reputation as of the current epoch."),
                "valid_reports": uint_schema(u64::MAX, "Valid reports ever."),
                "invalid_reports": uint_schema(u64::MAX, "Invalid reports ever."),
                "rewards": reference("RewardLedgerView"),
                "record": reference("StateProofView"),
            }),
        ),
        "DeviceSummaryView": object(
            "A device in a list.",
            json!({
                "id": hex32_schema("Device key."),
                "owner": hex32_schema("Owner address."),
                "class": class_schema("Resource class."),
                "location": cell_schema("Asserted H3 cell."),
                "status": device_status_schema(),
            }),
        ),
        "DeviceListView": object(
            "Devices matching a query.",
            json!({
                "devices": {
                    "type": "array",
                    "items": reference("DeviceSummaryView"),
                    "description": "The devices, at most `limit`.",
                },
                "total": uint_schema(
                    u64::from(u32::MAX),
                    "Length of the index list read (owner's, else the cell's index cells', else \
                     the class's): the number of matches when that is the only filter and a \
                     cell is at resolution 8, otherwise an upper bound.",
                ),
                "next_cursor": nullable(uint_schema(
                    u64::from(u32::MAX),
                    "The `cursor` of the next page; null once the list has been read to its end.",
                )),
            }),
        ),
        "ReportOutcomeView": object(
            "One judged report of a device.",
            json!({
                "report_id": hex32_schema("Report id."),
                "height": uint_schema(u64::MAX, "Height it was judged at."),
                "epoch": uint_schema(u64::MAX, "Its epoch."),
                "kind": string("Report kind, e.g. `beacon` or `witness`."),
                "code": uint_schema(u64::from(u16::MAX), "0 if valid (or pending), else the \
                    reason code; see /v1/outcomes/{code}."),
                "name": string("Reason name, `ok` for 0."),
                "units": uint_schema(u64::MAX, "Work units credited by it."),
            }),
        ),
        "DeviceOutcomesView": object(
            "A device's recent report outcomes.",
            json!({
                "device": hex32_schema("Device key."),
                "outcomes": {
                    "type": "array",
                    "items": reference("ReportOutcomeView"),
                    "description": "Newest first.",
                },
            }),
        ),
        "RewardLineView": object(
            "How a device's reward in one epoch was computed, rule by rule \
             (docs/spec/api.md).",
            json!({
                "epoch": uint_schema(u64::MAX, "The epoch."),
                "class": class_schema("Pool (class) it was paid from."),
                "units": uint_schema(u64::MAX, "Work units."),
                "cell_devices": uint_schema(u64::from(u32::MAX), "Working devices in its density cell."),
                "cell_scale_ppm": ppm_schema("Density scale."),
                "reputation_ppm": ppm_schema("Reputation."),
                "vetting_ppm": ppm_schema("Vetting progress."),
                "eligible": boolean("Whether it could earn (active, not cooling down)."),
                "scaled_units": decimal_schema(
                    "units × cell_scale_ppm × reputation_ppm × vetting_ppm: a u128 as a decimal \
                     string (units in 10^-18).",
                ),
                "uncapped": uint_schema(u64::MAX, "Pro-rata amount before caps, base units."),
                "capped_by": {
                    "type": "string",
                    "enum": ["none", "device", "cell"],
                    "description": "Which cap lowered the amount, if any.",
                },
                "amount": uint_schema(u64::MAX, "Amount credited, base units."),
                "leaf_index": nullable(uint_schema(
                    u64::from(u32::MAX),
                    "Position in the epoch's reward list; null if not rewarded.",
                )),
            }),
        ),
        "DeviceRewardsView": object(
            "A device's reward ledger and recent per-epoch breakdowns.",
            json!({
                "device": hex32_schema("Device key."),
                "ledger": reference("RewardLedgerView"),
                "lines": {
                    "type": "array",
                    "items": reference("RewardLineView"),
                    "description": "Breakdowns of the most recent closed epochs it has a line \
                        in, newest first.",
                },
            }),
        ),
        "ProofStepView": object(
            "One step of a Merkle path.",
            json!({
                "sibling": hex32_schema("Sibling hash."),
                "side": {
                    "type": "string",
                    "enum": ["left", "right"],
                    "description": "`left`: the next hash is node(sibling, running); `right`: \
                        node(running, sibling).",
                },
            }),
        ),
        "RewardProofView": object(
            "A device's reward line in an epoch, proven: leaf → `path` → `reward_root` \
             (Merkle), and the epoch summary holding `reward_root` → state root (`summary`).",
            json!({
                "epoch": uint_schema(u64::MAX, "The epoch."),
                "device": hex32_schema("Device key."),
                "line": reference("RewardLineView"),
                "leaf": hex_schema("The 98-byte leaf data of the line (docs/spec/api.md); \
                    its leaf hash is SHA-256(0x00 ‖ leaf)."),
                "path": {
                    "type": "array",
                    "items": reference("ProofStepView"),
                    "description": "Merkle path from the leaf hash to `reward_root`, leaf level \
                        first.",
                },
                "reward_root": hex32_schema("The epoch's reward root."),
                "summary": reference("StateProofView"),
            }),
        ),
        "EpochSummaryView": object(
            "What closing an epoch decided.",
            json!({
                "emission": uint_schema(u64::MAX, "Emission, base units."),
                "pools": class_map("Pool of each class, base units."),
                "distributed": class_map("Distributed to devices per class, base units."),
                "dust": uint_schema(u64::MAX, "Rounding dust minted to the treasury, base units."),
                "not_issued": uint_schema(u64::MAX, "Not issued (caps, classes without work), \
                    base units."),
                "reward_root": hex32_schema("Merkle root of the reward list."),
                "devices": uint_schema(u64::from(u32::MAX), "Devices with a reward line."),
                "rewarded": uint_schema(u64::from(u32::MAX), "Devices rewarded a non-zero amount."),
                "closed_at": uint_schema(u64::MAX, "Height of the block that closed it."),
            }),
        ),
        "EpochView": object(
            "A reward epoch.",
            json!({
                "epoch": uint_schema(u64::MAX, "Its number."),
                "start_height": uint_schema(u64::MAX, "First height."),
                "end_height": uint_schema(u64::MAX, "Last height, inclusive."),
                "randomness": hex_schema("Randomness that schedules its duty windows."),
                "workers": uint_schema(u64::from(u32::MAX), "Devices with work so far."),
                "windows": uint_schema(u64::from(u32::MAX), "Duty windows per epoch."),
                "closed": boolean("Whether it has closed."),
                "summary": nullable(json!({ "allOf": [reference("EpochSummaryView")] })),
            }),
        ),
        "CellView": object(
            "An H3 cell: the devices located in it and its density scale.",
            json!({
                "cell": cell_schema("The cell asked for."),
                "resolution": uint_schema(15, "Its H3 resolution."),
                "devices": {
                    "type": "array",
                    "items": reference("DeviceSummaryView"),
                    "maxItems": MAX_DEVICE_LIST_LIMIT,
                    "description": "Devices located in it: at most 1000, the first found in \
                        the index.",
                },
                "truncated": {
                    "type": "boolean",
                    "description": "True when the cell may hold more devices than listed (page \
                        through them with GET /v1/devices?cell=…).",
                },
                "density_cell": cell_schema("The cell at the density resolution containing it, \
                    or itself if it is coarser."),
                "epoch": uint_schema(u64::MAX, "The current epoch."),
                "working_devices": uint_schema(
                    u64::from(u32::MAX),
                    "Devices credited work in the density cell so far this epoch, all classes \
                     (coverage devices are credited when the epoch closes).",
                ),
                "last_closed": nullable(reference("CellDensityView")),
            }),
        ),
        "CellDensityView": object(
            "How the last closed epoch's reward split counted and scaled a density cell.",
            json!({
                "epoch": uint_schema(u64::MAX, "The closed epoch."),
                "classes": {
                    "type": "array",
                    "items": reference("CellClassDensityView"),
                    "description": "One entry per class with a reward line in the cell.",
                },
            }),
        ),
        "CellClassDensityView": object(
            "One class's density figures in a cell, exactly as the split used them.",
            json!({
                "class": { "type": "string", "description": "Class name." },
                "cell_devices": uint_schema(
                    u64::from(u32::MAX),
                    "Eligible devices of this class with work in the cell.",
                ),
                "cell_scale_ppm": ppm_schema("The density scale each of them got."),
            }),
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

/// An H3 cell as the API writes it: 15 lower-case hex digits.
fn cell_schema(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^[0-9a-f]{15}$", "description": description })
}

/// An H3 cell index as the API reads it: 15 hex digits of either case starting with `8`,
/// optionally after a `0`.
fn cell_input_schema() -> Value {
    json!({
        "type": "string",
        "pattern": "^0?8[0-9a-fA-F]{14}$",
        "description": "H3 cell index in hex: 15 digits starting with 8 (the cell mode), \
            optionally with a leading 0.",
    })
}

fn class_schema(description: &str) -> Value {
    json!({ "type": "string", "enum": DEVICE_CLASSES, "description": description })
}

/// An object with one amount per resource class.
fn class_map(description: &str) -> Value {
    let classes: serde_json::Map<String, Value> = DEVICE_CLASSES
        .iter()
        .map(|class| ((*class).to_owned(), uint_schema(u64::MAX, class)))
        .collect();
    object(description, Value::Object(classes))
}

fn device_status_schema() -> Value {
    json!({
        "type": "string",
        "enum": ["active", "deactivated"],
        "description": "Registration status.",
    })
}

/// A factor in parts per million, at most 10^6 (= 1).
fn ppm_schema(description: &str) -> Value {
    uint_schema(PPM, &format!("{description} Parts per million, 10^6 = 1."))
}

/// A non-negative integer too large for JSON numbers, as decimal digits.
fn decimal_schema(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^[0-9]+$", "description": description })
}

fn boolean(description: &str) -> Value {
    json!({ "type": "boolean", "description": description })
}

/// An object whose fields are not fixed by this document.
fn free_object(description: &str) -> Value {
    json!({ "type": "object", "additionalProperties": true, "description": description })
}

/// An unsigned integer schema. OpenAPI's `int32`/`int64` formats are signed and too small for
/// Rust's unsigned types, so the format names the Rust type and `maximum` states the range.
fn uint_schema(maximum: u64, description: &str) -> Value {
    let format = if maximum <= u64::from(u8::MAX) {
        "uint8"
    } else if maximum <= u64::from(u16::MAX) {
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

/// `schema` with `additionalProperties: false`: members it does not name are refused.
fn closed(mut schema: Value) -> Value {
    if let Some(fields) = schema.as_object_mut() {
        fields.insert("additionalProperties".into(), Value::Bool(false));
    }
    schema
}

fn nullable(mut schema: Value) -> Value {
    if let Some(fields) = schema.as_object_mut() {
        fields.insert("nullable".into(), Value::Bool(true));
    }
    schema
}

/// A submitted transaction in hex: not empty, either case (as every hex input).
fn tx_hex_schema(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": "^([0-9a-fA-F]{2})+$",
        "description": description,
    })
}

/// The `{hash}` of the transaction routes.
fn tx_hash_param() -> Value {
    path_param(
        "hash",
        "Transaction hash, 64 hex characters.",
        hex32_schema("Transaction hash."),
        json!(EXAMPLE_HASH),
    )
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

fn query_param(name: &str, description: &str, schema: Value, example: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
        "example": example,
    })
}

fn device_id_param() -> Value {
    path_param(
        "id",
        "Device key, 64 hex characters.",
        hex32_schema("Device key."),
        json!(EXAMPLE_DEVICE),
    )
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
