//! Transactions: submission and status.
//!
//! `POST /v1/tx` takes the signed transaction in one of three encodings, chosen by
//! `Content-Type`; all decode to the same bytes before reaching the backend.

use axum::{
    Json,
    body::Bytes,
    extract::{State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
};
use utoipa::{
    IntoParams,
    openapi::path::{Parameter, ParameterIn},
};

use super::{AppState, Route, Segment, parse_hex32};
use crate::{
    ApiError, Backend, ErrorBody, MAX_BODY_BYTES, StateProofView, SubmitTxRequest, TxStatusView,
    TxSubmitted,
    error::code,
    hex,
    openapi::{BackendErrors, EXAMPLE_HASH, TxBinary, TxHex, example_tx, hex32_path_param},
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::post("/v1/tx", submit_tx::<B>),
        Route::get("/v1/tx/{hash}", tx::<B>),
        Route::get("/v1/tx/{hash}/receipt", receipt::<B>),
    ]
}

/// Submit a signed transaction to the mempool.
#[utoipa::path(
    post,
    path = "/v1/tx",
    tag = "txs",
    operation_id = "submitTx",
    description = format!(
        "The body is the binary encoded signed transaction, in one of three encodings chosen by \
         Content-Type. The body may be at most {MAX_BODY_BYTES} bytes in any encoding."
    ),
    request_body(content(
        (inline(TxBinary) = "application/octet-stream"),
        (inline(TxHex) = "text/plain", example = json!(example_tx())),
        (SubmitTxRequest = "application/json", example = json!({ "tx": example_tx() }))
    )),
    responses(
        (status = 202, description = "Accepted into the mempool.", body = TxSubmitted),
        (
            status = 400,
            description = format!(
                "Empty, not hex, or bad JSON, or a body that could not be read or did not \
                 arrive within api.body_read_timeout_ms (code {}); or rejected by the \
                 transaction checks (code = the outcome of the broken rule).",
                code::MALFORMED
            ),
            body = ErrorBody
        ),
        (
            status = 409,
            description = "A conflict (code = the outcome): `duplicate_tx` (already pending or \
                included), `replacement_underpriced`, `nonce_too_low`.",
            body = ErrorBody
        ),
        (
            status = 413,
            description = format!(
                "Body over {MAX_BODY_BYTES} bytes (code {}, tx_too_large).",
                code::TX_TOO_LARGE
            ),
            body = ErrorBody
        ),
        (
            status = 415,
            description = "Content-Type is not one of the three accepted.",
            body = ErrorBody
        ),
        (
            status = 422,
            description = "Refused by a stateful rule of admission (code = the outcome of the \
                rule it broke, e.g. 100 insufficient_balance).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn submit_tx<B: Backend>(
    State(state): State<AppState<B>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<TxSubmitted>), ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(
                code::TX_TOO_LARGE,
                "tx_too_large",
                format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            )
        } else if crate::server::is_body_timeout(&rejection) {
            ApiError::malformed(
                "the request body did not arrive in time (the node's api.body_read_timeout_ms)",
            )
        } else {
            ApiError::malformed("the request body could not be read")
        }
    })?;
    let tx = decode_tx(&headers, &body)?;
    let submitted = state.backend.submit_tx(tx).await?;
    Ok((StatusCode::ACCEPTED, Json(submitted)))
}

/// The transaction bytes carried by `body`, per its `Content-Type`.
fn decode_tx(headers: &HeaderMap, body: &[u8]) -> Result<Vec<u8>, ApiError> {
    // Parameters such as `; charset=utf-8` do not change how the body decodes.
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split_once(';')
                .map_or(value, |(media_type, _)| media_type)
                .trim()
                .to_ascii_lowercase()
        });
    let tx = match media_type.as_deref() {
        Some("application/octet-stream") => body.to_vec(),
        Some("text/plain") => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::malformed("text/plain body must be hex"))?;
            // `echo $TX | curl --data-binary @-` leaves a trailing newline.
            decode_hex_tx(text.trim())?
        }
        Some("application/json") => decode_hex_tx(&json_tx(body)?.tx)?,
        _ => {
            return Err(ApiError::unsupported_media_type(
                "Content-Type must be application/octet-stream, text/plain (hex) or \
                 application/json ({\"tx\": \"<hex>\"})",
            ));
        }
    };
    if tx.is_empty() {
        return Err(ApiError::malformed("transaction is empty"));
    }
    Ok(tx)
}

/// The members of a JSON object in the order written, repeats kept (a `Value` would keep only
/// the last of a repeated member).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The `{"tx": "<hex>"}` body, with an error that says what is wrong in the API's words.
fn json_tx(body: &[u8]) -> Result<SubmitTxRequest, ApiError> {
    let refuse =
        |what: String| ApiError::malformed(format!("body must be {{\"tx\": \"<hex>\"}}: {what}"));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|err| {
        refuse(format!(
            "it is not JSON (line {}, column {})",
            err.line(),
            err.column()
        ))
    })?;
    if !value.is_object() {
        return Err(refuse("it is not a JSON object".into()));
    }
    let Members(members) =
        serde_json::from_slice(body).map_err(|_| refuse("it is not a JSON object".into()))?;
    let mut tx = None;
    for (name, value) in members {
        if name != "tx" {
            return Err(refuse(format!(
                "unknown member {name:?}; tx is the only one"
            )));
        }
        if tx.is_some() {
            return Err(refuse("the tx member is given twice".into()));
        }
        match value {
            serde_json::Value::String(text) => tx = Some(text),
            _ => return Err(refuse("tx must be a string of hex".into())),
        }
    }
    tx.map(|tx| SubmitTxRequest { tx })
        .ok_or_else(|| refuse("the tx member is missing".into()))
}

fn decode_hex_tx(text: &str) -> Result<Vec<u8>, ApiError> {
    hex::decode(text).map_err(|err| ApiError::malformed(format!("transaction is not hex: {err}")))
}

/// Whether a transaction is pending, included (with its outcome), or unknown.
#[utoipa::path(
    get,
    path = "/v1/tx/{hash}",
    tag = "txs",
    operation_id = "getTx",
    params(TxHashParam),
    responses(
        (
            status = 200,
            description = "The transaction's status; `unknown` is not an error.",
            body = TxStatusView
        ),
        (
            status = 400,
            description = "`hash` is not 64 hex characters (code 7).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn tx<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(hash): Segment,
) -> Result<Json<TxStatusView>, ApiError> {
    let hash = parse_hex32(&hash, "transaction hash")?;
    state.backend.tx(hash).await.map(Json)
}

/// A charged transaction's receipt record, proven against the latest finalized state root.
///
/// The value is the stored receipt (height u64be, index u32be, code u16be); the key is
/// SHA-256("terrane/state/v1" ‖ 0x04 ‖ hash). Check it as any state record (state.md,
/// Checking a value).
#[utoipa::path(
    get,
    path = "/v1/tx/{hash}/receipt",
    tag = "txs",
    operation_id = "getTxReceipt",
    params(TxHashParam),
    responses(
        (status = 200, description = "The receipt and its proof.", body = StateProofView),
        (
            status = 400,
            description = "`hash` is not 64 hex characters (code 7).",
            body = ErrorBody
        ),
        (
            status = 404,
            description = "No receipt: unknown, pending, or rejected without a charge.",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn receipt<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(hash): Segment,
) -> Result<Json<StateProofView>, ApiError> {
    let hash = parse_hex32(&hash, "transaction hash")?;
    state.backend.receipt(hash).await?.map(Json).ok_or_else(|| {
        ApiError::not_found(format!(
            "transaction {} has no receipt (unknown, pending, or rejected without a charge)",
            hex::encode(hash)
        ))
    })
}

/// The `{hash}` of the routes about one transaction.
struct TxHashParam;

impl IntoParams for TxHashParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![hex32_path_param(
            "hash",
            "Transaction hash, 64 hex characters.",
            EXAMPLE_HASH,
        )]
    }
}
