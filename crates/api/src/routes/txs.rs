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

use super::{AppState, Route, Segment, parse_hex32};
use crate::{
    ApiError, Backend, MAX_BODY_BYTES, SubmitTxRequest, TxStatusView, TxSubmitted, error::code, hex,
};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![
        Route::post("/v1/tx", submit_tx::<B>),
        Route::get("/v1/tx/{hash}", tx::<B>),
    ]
}

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
        } else {
            ApiError::malformed(format!(
                "could not read request body: {}",
                rejection.body_text()
            ))
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
        Some("application/json") => {
            let request: SubmitTxRequest = serde_json::from_slice(body).map_err(|err| {
                ApiError::malformed(format!("body must be {{\"tx\": \"<hex>\"}}: {err}"))
            })?;
            decode_hex_tx(&request.tx)?
        }
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

fn decode_hex_tx(text: &str) -> Result<Vec<u8>, ApiError> {
    hex::decode(text).map_err(|err| ApiError::malformed(format!("transaction is not hex: {err}")))
}

async fn tx<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(hash): Segment,
) -> Result<Json<TxStatusView>, ApiError> {
    let hash = parse_hex32(&hash, "transaction hash")?;
    state.backend.tx(hash).await.map(Json)
}
