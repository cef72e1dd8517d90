//! The route table: every (method, path) the API serves, one endpoint group per file.
//!
//! The router is built only from [`table`], and [`crate::endpoints`] lists the same table, so
//! what is served and what tests compare against the OpenAPI document cannot drift apart.
//! A [`Route`] is made by [`Route::get`] or [`Route::post`], which set the method in the table
//! and in the handler in one call.

// Visible to `openapi`, which lists each handler's `#[utoipa::path]`.
pub(crate) mod accounts;
pub(crate) mod cells;
pub(crate) mod chain;
pub(crate) mod classes;
pub(crate) mod credits;
pub(crate) mod devices;
pub(crate) mod epochs;
pub(crate) mod events;
pub(crate) mod maintenance;
pub(crate) mod meta;
pub(crate) mod outcomes;
pub(crate) mod params;
pub(crate) mod price;
pub(crate) mod slashing;
pub(crate) mod staking;
pub(crate) mod txs;

use std::sync::Arc;

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequestParts, Path, Query},
    handler::Handler,
    http::{Method, StatusCode, request::Parts},
    middleware,
    routing::{self, MethodRouter},
};
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use crate::{ApiError, Backend, Endpoint, MAX_BODY_BYTES, cors, error::code, hex};

/// What every handler can reach.
pub(crate) struct AppState<B> {
    /// The node.
    pub(crate) backend: Arc<B>,
    /// Becomes `true` when the server shuts down; open event streams end then.
    pub(crate) closing: watch::Receiver<bool>,
    /// The OpenAPI document as this backend completes it ([`crate::openapi::document_for`]).
    pub(crate) document: Arc<serde_json::Value>,
}

// Derived `Clone` would demand `B: Clone`; only the `Arc` is cloned.
impl<B> Clone for AppState<B> {
    fn clone(&self) -> Self {
        Self {
            backend: Arc::clone(&self.backend),
            closing: self.closing.clone(),
            document: Arc::clone(&self.document),
        }
    }
}

/// One row of the route table.
pub(crate) struct Route<B> {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState<B>>,
}

impl<B: Backend> Route<B> {
    /// A `GET` route (axum also answers `HEAD` with it).
    pub(crate) fn get<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState<B>>,
        T: 'static,
    {
        Self {
            method: Method::GET,
            path,
            handler: routing::get(handler),
        }
    }

    /// A `POST` route.
    pub(crate) fn post<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState<B>>,
        T: 'static,
    {
        Self {
            method: Method::POST,
            path,
            handler: routing::post(handler),
        }
    }

    /// The (method, path) this row serves.
    pub(crate) fn endpoint(&self) -> Endpoint {
        Endpoint {
            method: self.method.clone(),
            path: self.path,
        }
    }
}

/// Every route, group by group.
pub(crate) fn table<B: Backend>() -> Vec<Route<B>> {
    [
        chain::routes::<B>(),
        params::routes(),
        price::routes(),
        credits::routes(),
        staking::routes(),
        slashing::routes(),
        maintenance::routes(),
        txs::routes(),
        accounts::routes(),
        devices::routes(),
        epochs::routes(),
        cells::routes(),
        classes::routes(),
        outcomes::routes(),
        events::routes(),
        meta::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The router over [`table`], with JSON 404/405 answers, the body limit and CORS.
pub(crate) fn build<B: Backend>(backend: Arc<B>, closing: watch::Receiver<bool>) -> Router {
    // Two methods on one path are merged by axum into one method router.
    let router = table::<B>()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        });
    router
        // Must follow every `route` call: it only reaches routes already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(unknown_path)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(cors::allow_any_origin_for_reads))
        .with_state(AppState {
            document: Arc::new(crate::openapi::document_for(backend.component_schemas())),
            backend,
            closing,
        })
}

async fn unknown_path() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        code::NONE,
        "unknown_path",
        "no endpoint at this path; the API is described at GET /v1/openapi.json",
    )
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::method_not_allowed(format!(
        "this path does not accept {method}; see the Allow header"
    ))
}

/// The single path parameter of a route, as text. A segment that is not valid UTF-8 after
/// percent-decoding is a 400 `malformed` error rather than axum's plain-text rejection.
pub(crate) struct Segment(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(segment)| Self(segment))
            .map_err(|_| bad_segment())
    }
}

/// The two path parameters of a route, as text, in template order; rejected like [`Segment`].
pub(crate) struct SegmentPair(pub(crate) String, pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for SegmentPair {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map(|Path((first, second))| Self(first, second))
            .map_err(|_| bad_segment())
    }
}

/// The error for a path segment axum could not decode, in the API's words.
fn bad_segment() -> ApiError {
    ApiError::malformed("a path segment is not valid UTF-8 after percent-decoding")
}

/// A query string's parameter names, for [`QueryParams`].
pub(crate) trait KnownParams {
    /// Every parameter the query takes.
    const NAMES: &'static [&'static str];
}

/// The query string decoded into `T`. A query `T` cannot take (an unknown or repeated
/// parameter) is a 400 `malformed` error naming the parameter rather than axum's plain-text
/// rejection; `T` holds text, and the handler validates each value so its error names the
/// parameter.
pub(crate) struct QueryParams<T>(pub(crate) T);

impl<T: DeserializeOwned + KnownParams, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let unreadable =
            || ApiError::malformed("the query string is not valid percent-encoded UTF-8");
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| unreadable())?;
        let mut seen: Vec<&str> = Vec::with_capacity(pairs.len());
        for (name, _) in &pairs {
            if !T::NAMES.contains(&name.as_str()) {
                return Err(ApiError::malformed(format!(
                    "unknown query parameter {name:?}; this path takes {}",
                    T::NAMES.join(", ")
                )));
            }
            if seen.contains(&name.as_str()) {
                return Err(ApiError::malformed(format!(
                    "query parameter {name:?} is given twice"
                )));
            }
            seen.push(name);
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(params)| Self(params))
            .map_err(|_| unreadable())
    }
}

/// Decodes a 32-byte hash or address given as 64 hex characters; `what` names it in the error.
pub(crate) fn parse_hex32(segment: &str, what: &str) -> Result<[u8; 32], ApiError> {
    hex::decode_array::<32>(segment)
        .map_err(|err| ApiError::malformed(format!("{what} must be 64 hex characters: {err}")))
}

/// Decodes a decimal `u64` written with digits only; `what` names it in the error.
pub(crate) fn parse_decimal(text: &str, what: &str) -> Result<u64, ApiError> {
    // `u64::from_str` alone would also accept a leading `+`; one spelling per number keeps
    // URLs canonical for caches.
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse().ok())
        .flatten()
        .ok_or_else(|| ApiError::malformed(format!("{what} must be a decimal number below 2^64")))
}

/// Decodes an H3 cell index written as H3 writes it: 15 hex digits starting with `8` (the cell
/// mode), or 16 with a leading `0` (the document's pattern [`crate::openapi`] states the same).
/// Whether it is a valid cell (resolution digits, base cell) is the backend's to say.
pub(crate) fn parse_cell(text: &str, what: &str) -> Result<u64, ApiError> {
    let digits = text
        .strip_prefix('0')
        .filter(|_| text.len() == 16)
        .unwrap_or(text);
    // Checked before `from_str_radix`, which would also accept a sign.
    let well_formed = digits.len() == 15
        && digits.starts_with('8')
        && digits.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed
        .then(|| u64::from_str_radix(text, 16).ok())
        .flatten()
        .ok_or_else(|| {
            ApiError::malformed(format!(
                "{what} must be an H3 cell index: 15 hex digits starting with 8, e.g. 8c2830828052dff"
            ))
        })
}
