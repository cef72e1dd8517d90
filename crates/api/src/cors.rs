//! Cross-origin reads: any web page may `GET` from the API.
//!
//! Chain data is public and third-party explorers read it from browsers, so `GET` and `HEAD`
//! responses carry `Access-Control-Allow-Origin: *`. Those are CORS "simple requests" (and
//! `EventSource` needs no preflight), so no `OPTIONS` handling is needed. Writes get no CORS
//! header: opening them would need preflight handling for the JSON and binary content types,
//! and same-origin pages and non-browser clients can already submit.

use axum::{
    extract::Request,
    http::{HeaderValue, Method, header::ACCESS_CONTROL_ALLOW_ORIGIN},
    middleware::Next,
    response::Response,
};

/// Middleware adding `Access-Control-Allow-Origin: *` to responses to reads.
pub(crate) async fn allow_any_origin_for_reads(request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = next.run(request).await;
    if read {
        response
            .headers_mut()
            .insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    response
}
