//! The error every endpoint returns: an HTTP status plus a stable reason code, as data.
//!
//! On the wire an error is always the JSON object [`ErrorBody`]
//! (`{"code": 7, "reason": "malformed", "message": "..."}`), whatever the status, so a client
//! can branch on `code` without parsing prose. Codes share the numbering of the chain's
//! outcome registry (`GET /v1/outcomes`), so one lookup explains any code; `0` means the error
//! has no reason code (a missing block, an unknown path).

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Reason codes the API assigns itself, before a request reaches the [`crate::Backend`].
pub mod code {
    /// The error has no reason code.
    pub const NONE: u16 = 0;
    /// The request could not be decoded: bad hex, wrong length, bad JSON, bad path segment.
    pub const MALFORMED: u16 = 7;
    /// The submitted transaction exceeds the request body limit.
    pub const TX_TOO_LARGE: u16 = 9;
}

/// An API error: the HTTP status sent, and the body's code, reason and message.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{status} {reason} (code {code}): {message}")]
pub struct ApiError {
    /// HTTP status code of the response.
    pub status: u16,
    /// Stable reason code, [`code::NONE`] if none applies.
    pub code: u16,
    /// Stable snake_case name of the reason, e.g. `malformed`.
    pub reason: String,
    /// Human-readable explanation; wording may change between releases.
    pub message: String,
}

/// Body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// Stable reason code, 0 if none applies; see /v1/outcomes/{code}.
    pub code: u16,
    /// Stable snake_case name of the reason.
    pub reason: String,
    /// Human-readable explanation.
    pub message: String,
}

impl ApiError {
    /// An error with any status. Prefer the named constructors.
    pub fn new(
        status: StatusCode,
        code: u16,
        reason: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status: status.as_u16(),
            code,
            reason: reason.into(),
            message: message.into(),
        }
    }

    /// 400: the request is invalid for the stated reason.
    pub fn bad_request(code: u16, reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, reason, message)
    }

    /// 400 with [`code::MALFORMED`]: the request could not be decoded.
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::bad_request(code::MALFORMED, "malformed", message)
    }

    /// 404: the addressed object does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code::NONE, "not_found", message)
    }

    /// 405: the path exists but not for this method.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            code::NONE,
            "method_not_allowed",
            message,
        )
    }

    /// 409: the request conflicts with current state, e.g. a transaction already known.
    pub fn conflict(code: u16, reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, reason, message)
    }

    /// 413: the request body is over its limit.
    pub fn payload_too_large(
        code: u16,
        reason: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, code, reason, message)
    }

    /// 415: the request body has a content type the endpoint does not accept.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::NONE,
            "unsupported_media_type",
            message,
        )
    }

    /// 503: the node cannot answer now (still syncing, mempool full); retrying later may work.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            code::NONE,
            "unavailable",
            message,
        )
    }

    /// 500: a fault inside the node, never the client's doing.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            code::NONE,
            "internal",
            message,
        )
    }

    /// The JSON body sent for this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code,
            reason: self.reason.clone(),
            message: self.message.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // A backend could build a status outside 100..=999; that is a node fault, not the
        // client's, so it becomes a 500 rather than a panic.
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::warn!(status = self.status, code = self.code, reason = %self.reason, message = %self.message, "api request failed inside the node");
        }
        (status, Json(self.body())).into_response()
    }
}
