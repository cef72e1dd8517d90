//! The connection layer: what a client must do to keep a connection, before any handler runs.
//!
//! ```text
//!  accept ── over max_connections or max_connections_per_ip ──▶ 503 too_many_connections, close
//!     │  send buffer capped (send_buffer_bytes), idle timer armed
//!     ▼
//!  HTTP/1.1 parser ── headers not complete in header_read_timeout_ms ──▶ connection closed
//!     │              (also ends a keep-alive connection that sends no next request in time)
//!     ▼
//!  request guard ── path over MAX_URI_BYTES ──▶ 414 uri_too_long
//!     │           ── headers over max_header_bytes ──▶ 431 headers_too_large
//!     │           ── Content-Length over MAX_BODY_BYTES ──▶ 413 body_too_large (body unread)
//!     │           ── over requests_per_second_per_ip ──▶ 429 rate_limited (Retry-After)
//!     │  body must arrive whole within body_read_timeout_ms, or the read fails (400)
//!     ▼
//!  routes (an event stream may close its own connection: see routes/events.rs)
//!     │
//!  no byte moves either way for idle_timeout_ms ──▶ connection closed
//! ```
//!
//! Every refusal answers with the documented JSON [`ErrorBody`](crate::ErrorBody) and is logged
//! (at most one line per reason every [`LOG_EVERY`], with the count refused since). Even the
//! HTTP parser's own answers (400 for bytes that are not HTTP/1.1, 414 and 431 past its hard
//! limits) are rewritten on their way out to carry the JSON body.
//!
//! Limits protect the node, not the API's fairness: block production and finality never wait
//! on this layer (it runs on its own tasks and holds no database guard), and whatever it
//! refuses, it refuses before reading a body.

use std::{
    collections::BTreeMap,
    future::Future,
    io,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use prometheus_client::metrics::{counter::Counter, gauge::Gauge};
use std::sync::atomic::AtomicI64;

use axum::{
    Router,
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Notify, watch},
    time::{Instant, Sleep},
};
use tower::ServiceExt;

use crate::{ApiError, Backend, MAX_BODY_BYTES, error::code, routes};

/// Longest request target (path and query) accepted, in bytes; a longer one is a 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// How often one refusal reason may be logged.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// Refused connections answered at once; past this a flood is closed without an answer, so
/// refusing can never hold more handles than this.
const MAX_REFUSALS_IN_FLIGHT: u32 = 64;

/// How long a refused connection may take to receive its answer.
const REFUSAL_WRITE_TIMEOUT: Duration = Duration::from_millis(500);

/// How long shutdown waits for open connections to finish their current request.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The limits of the connection layer: `[api]` in `node.toml`. Every field has a safe default;
/// `docs/operations.md` says what each protects and how to size it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerLimits {
    /// A client must send a request's complete headers within this, from when the server
    /// starts waiting for them (a new connection, or the end of the previous response).
    pub header_read_timeout_ms: u64,
    /// A request's whole body must arrive within this after its headers.
    pub body_read_timeout_ms: u64,
    /// A connection on which no byte moves either way for this long is closed.
    pub idle_timeout_ms: u64,
    /// Open connections, all clients together; the next one is refused with 503.
    pub max_connections: u32,
    /// Open connections from one IP address; the next one is refused with 503.
    pub max_connections_per_ip: u32,
    /// Requests per second one IP address may make, sustained; `0` turns the limit off.
    pub requests_per_second_per_ip: u32,
    /// Requests one IP address may make in a burst above the sustained rate.
    pub request_burst_per_ip: u32,
    /// Largest request head (request line plus headers), bytes; a larger one is a 431.
    pub max_header_bytes: u32,
    /// Open event streams (`GET /v1/events`), all clients together; the next is a 503.
    pub max_subscribers: u32,
    /// Events queued for one event-stream subscriber; a subscriber that lets its queue fill is
    /// sent `lagged` and disconnected.
    pub subscriber_queue_events: u32,
    /// Kernel send buffer per connection, bytes: bounds what a client that stops reading pins.
    pub send_buffer_bytes: u32,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 15_000,
            idle_timeout_ms: 60_000,
            max_connections: 1024,
            max_connections_per_ip: 256,
            requests_per_second_per_ip: 2000,
            request_burst_per_ip: 4000,
            max_header_bytes: 16 * 1024,
            max_subscribers: 128,
            subscriber_queue_events: 4096,
            send_buffer_bytes: 256 * 1024,
        }
    }
}

/// Why a [`ServerLimits`] cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("api.{field}: {message}")]
pub struct LimitsError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl ServerLimits {
    /// Checks that every limit is usable: timeouts between 100 ms and one hour, counts at
    /// least one and no per-IP cap above its global one.
    pub fn validate(&self) -> Result<(), LimitsError> {
        let fail = |field, message: String| Err(LimitsError { field, message });
        for (field, ms) in [
            ("header_read_timeout_ms", self.header_read_timeout_ms),
            ("body_read_timeout_ms", self.body_read_timeout_ms),
            ("idle_timeout_ms", self.idle_timeout_ms),
        ] {
            if !(100..=3_600_000).contains(&ms) {
                return fail(field, format!("{ms} is outside 100..=3600000"));
            }
        }
        for (field, n) in [
            ("max_connections", self.max_connections),
            ("max_connections_per_ip", self.max_connections_per_ip),
            ("max_subscribers", self.max_subscribers),
            ("subscriber_queue_events", self.subscriber_queue_events),
        ] {
            if n == 0 {
                return fail(field, "must be at least 1".into());
            }
        }
        if self.max_connections_per_ip > self.max_connections {
            return fail(
                "max_connections_per_ip",
                format!(
                    "{} is above max_connections ({})",
                    self.max_connections_per_ip, self.max_connections
                ),
            );
        }
        if self.max_subscribers > self.max_connections {
            return fail(
                "max_subscribers",
                format!(
                    "{} is above max_connections ({})",
                    self.max_subscribers, self.max_connections
                ),
            );
        }
        if self.requests_per_second_per_ip > 0
            && self.request_burst_per_ip < self.requests_per_second_per_ip
        {
            return fail(
                "request_burst_per_ip",
                "must be at least requests_per_second_per_ip".into(),
            );
        }
        if !(1024..=1024 * 1024).contains(&self.max_header_bytes) {
            return fail(
                "max_header_bytes",
                format!("{} is outside 1024..=1048576", self.max_header_bytes),
            );
        }
        if !(4096..=64 * 1024 * 1024).contains(&self.send_buffer_bytes) {
            return fail(
                "send_buffer_bytes",
                format!("{} is outside 4096..=67108864", self.send_buffer_bytes),
            );
        }
        Ok(())
    }

    fn header_read_timeout(&self) -> Duration {
        Duration::from_millis(self.header_read_timeout_ms)
    }

    fn body_read_timeout(&self) -> Duration {
        Duration::from_millis(self.body_read_timeout_ms)
    }

    fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.idle_timeout_ms)
    }
}

/// Counters of what the connection layer refused, since start, and what is open now.
/// Prometheus metrics, so the node can export them as they are (`terrane_api_*` on
/// `/metrics`); cloning shares the counts.
#[derive(Clone, Debug, Default)]
pub struct ServerStats {
    /// Connections refused by `max_connections`.
    pub refused_connections_total: Counter,
    /// Connections refused by `max_connections_per_ip`.
    pub refused_connections_per_ip: Counter,
    /// Requests refused by the per-IP rate limit.
    pub rate_limited: Counter,
    /// Requests refused for an oversized head or path, or a declared body over the limit.
    pub oversized: Counter,
    /// Event streams refused by `max_subscribers`.
    pub refused_subscribers: Counter,
    /// Event-stream subscribers disconnected because their queue stayed full.
    pub dropped_subscribers: Counter,
    /// Connections open now.
    pub open_connections: Gauge<i64, AtomicI64>,
    /// Event streams open now.
    pub open_subscribers: Gauge<i64, AtomicI64>,
}

impl ServerStats {
    /// Every counter with its name and help text, for registration.
    pub fn counters(&self) -> Vec<(&'static str, &'static str, Counter)> {
        vec![
            (
                "terrane_api_refused_connections_total",
                "connections refused by api.max_connections",
                self.refused_connections_total.clone(),
            ),
            (
                "terrane_api_refused_connections_per_ip",
                "connections refused by api.max_connections_per_ip",
                self.refused_connections_per_ip.clone(),
            ),
            (
                "terrane_api_rate_limited",
                "requests refused by the per-address rate limit",
                self.rate_limited.clone(),
            ),
            (
                "terrane_api_oversized",
                "requests refused for an oversized path, head or declared body",
                self.oversized.clone(),
            ),
            (
                "terrane_api_refused_subscribers",
                "event streams refused by api.max_subscribers",
                self.refused_subscribers.clone(),
            ),
            (
                "terrane_api_dropped_subscribers",
                "event-stream subscribers dropped for not reading",
                self.dropped_subscribers.clone(),
            ),
        ]
    }

    /// Every gauge with its name and help text, for registration.
    pub fn gauges(&self) -> Vec<(&'static str, &'static str, Gauge<i64, AtomicI64>)> {
        vec![
            (
                "terrane_api_open_connections",
                "API connections open now",
                self.open_connections.clone(),
            ),
            (
                "terrane_api_open_subscribers",
                "event streams open now",
                self.open_subscribers.clone(),
            ),
        ]
    }
}

/// What a request can reach of its connection and of the server: set by [`serve_with`] as a
/// request extension. A router used without it (tests) falls back to default limits.
#[derive(Clone)]
pub(crate) struct ConnectionContext {
    /// The server's shared state.
    pub(crate) server: Arc<Shared>,
    /// Closes this request's connection at once (an event stream whose reader stalled).
    pub(crate) closer: Arc<Notify>,
    /// The client's address.
    pub(crate) peer: SocketAddr,
}

/// State shared by every connection of one server.
pub(crate) struct Shared {
    pub(crate) limits: ServerLimits,
    pub(crate) stats: ServerStats,
    per_ip: Mutex<BTreeMap<IpAddr, u32>>,
    buckets: Mutex<BTreeMap<IpAddr, Bucket>>,
    refusals_in_flight: AtomicU32,
    log: RefusalLog,
    drained: Notify,
}

impl Shared {
    pub(crate) fn new(limits: ServerLimits, stats: ServerStats) -> Self {
        Self {
            limits,
            stats,
            per_ip: Mutex::new(BTreeMap::new()),
            buckets: Mutex::new(BTreeMap::new()),
            refusals_in_flight: AtomicU32::new(0),
            log: RefusalLog::default(),
            drained: Notify::new(),
        }
    }

    /// Admits a connection from `ip`, or says which cap refuses it.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionPermit, Refusal> {
        let mut per_ip = self.per_ip.lock().expect("per-ip table lock");
        let open = self.stats.open_connections.get();
        if open >= i64::from(self.limits.max_connections) {
            self.stats.refused_connections_total.inc();
            return Err(Refusal::TooManyConnections);
        }
        let from_ip = per_ip.entry(ip).or_insert(0);
        if *from_ip >= self.limits.max_connections_per_ip {
            self.stats.refused_connections_per_ip.inc();
            return Err(Refusal::TooManyFromIp);
        }
        *from_ip += 1;
        self.stats.open_connections.inc();
        Ok(ConnectionPermit {
            shared: Arc::clone(self),
            ip,
        })
    }

    /// Takes one request token from `ip`'s bucket; `Err` holds the seconds until one is back.
    fn take_token(&self, ip: IpAddr) -> Result<(), u64> {
        let rate = self.limits.requests_per_second_per_ip;
        if rate == 0 {
            return Ok(());
        }
        let burst = u64::from(self.limits.request_burst_per_ip);
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate bucket lock");
        // Bound the table: a bucket that has refilled is the same as no bucket.
        if buckets.len() >= 4 * self.limits.max_connections as usize {
            buckets.retain(|_, bucket| bucket.filled_milli(now, rate, burst) < burst * 1000);
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens_milli: burst * 1000,
            at: now,
        });
        bucket.refill(now, rate, burst);
        if bucket.tokens_milli >= 1000 {
            bucket.tokens_milli -= 1000;
            Ok(())
        } else {
            // Rounded up: a client that waits this long is sure to get a token.
            let missing = 1000 - bucket.tokens_milli;
            Err(missing.div_ceil(u64::from(rate)).div_ceil(1000).max(1))
        }
    }

    /// Logs a refusal, at most once per reason per [`LOG_EVERY`].
    pub(crate) fn log_refusal(&self, refusal: Refusal, peer: SocketAddr) {
        self.log.note(refusal, peer, &self.limits);
    }
}

/// A per-IP token bucket, in thousandths of a token.
struct Bucket {
    tokens_milli: u64,
    at: Instant,
}

impl Bucket {
    /// Milli-tokens the bucket holds at `now`.
    fn filled_milli(&self, now: Instant, rate: u32, burst: u64) -> u64 {
        let elapsed_ms = u64::try_from(now.duration_since(self.at).as_millis()).unwrap_or(u64::MAX);
        // rate tokens per second = rate milli-tokens per millisecond.
        self.tokens_milli
            .saturating_add(elapsed_ms.saturating_mul(u64::from(rate)))
            .min(burst * 1000)
    }

    fn refill(&mut self, now: Instant, rate: u32, burst: u64) {
        self.tokens_milli = self.filled_milli(now, rate, burst);
        self.at = now;
    }
}

/// An admitted connection; dropping it frees its place.
struct ConnectionPermit {
    shared: Arc<Shared>,
    ip: IpAddr,
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        let mut per_ip = self.shared.per_ip.lock().expect("per-ip table lock");
        if let Some(from_ip) = per_ip.get_mut(&self.ip) {
            *from_ip -= 1;
            if *from_ip == 0 {
                per_ip.remove(&self.ip);
            }
        }
        let before = self.shared.stats.open_connections.dec();
        if before == 1 {
            self.shared.drained.notify_waiters();
        }
    }
}

/// Everything this layer refuses, with its stable reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Refusal {
    TooManyConnections,
    TooManyFromIp,
    RateLimited,
    UriTooLong,
    HeadersTooLarge,
    BodyTooLarge,
    TooManySubscribers,
    SubscriberLagged,
}

impl Refusal {
    /// The stable snake_case reason, as sent in the error body.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Self::TooManyConnections | Self::TooManyFromIp => "too_many_connections",
            Self::RateLimited => "rate_limited",
            Self::UriTooLong => "uri_too_long",
            Self::HeadersTooLarge => "headers_too_large",
            // The one body the API takes is a transaction's: the same reason as a body that
            // turns out too large while read.
            Self::BodyTooLarge => "tx_too_large",
            Self::TooManySubscribers => "too_many_subscribers",
            Self::SubscriberLagged => "subscriber_lagged",
        }
    }

    fn explain(self, limits: &ServerLimits) -> String {
        match self {
            Self::TooManyConnections => format!(
                "the node has {} connections open, its maximum (api.max_connections); retry later",
                limits.max_connections
            ),
            Self::TooManyFromIp => format!(
                "this address has {} connections open, the maximum per address \
                 (api.max_connections_per_ip); close one or retry later",
                limits.max_connections_per_ip
            ),
            Self::RateLimited => format!(
                "this address made more than {} requests per second (burst {}); retry after \
                 the Retry-After delay",
                limits.requests_per_second_per_ip, limits.request_burst_per_ip
            ),
            Self::UriTooLong => format!("the request target is over {MAX_URI_BYTES} bytes"),
            Self::HeadersTooLarge => format!(
                "the request line and headers are over {} bytes (api.max_header_bytes)",
                limits.max_header_bytes
            ),
            Self::BodyTooLarge => format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            Self::TooManySubscribers => format!(
                "{} event streams are open, the maximum (api.max_subscribers); retry later",
                limits.max_subscribers
            ),
            Self::SubscriberLagged => format!(
                "the subscriber let {} events queue up unread (api.subscriber_queue_events)",
                limits.subscriber_queue_events
            ),
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::TooManyConnections | Self::TooManyFromIp | Self::TooManySubscribers => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::SubscriberLagged => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The error this refusal answers with.
    pub(crate) fn error(self, limits: &ServerLimits) -> ApiError {
        let reason_code = match self {
            Self::BodyTooLarge => code::TX_TOO_LARGE,
            _ => code::NONE,
        };
        ApiError::new(
            self.status(),
            reason_code,
            self.reason(),
            self.explain(limits),
        )
    }
}

/// Rate-limited logging of refusals: one line per reason per [`LOG_EVERY`].
#[derive(Default)]
struct RefusalLog {
    last: Mutex<BTreeMap<Refusal, (Instant, u64)>>,
}

impl RefusalLog {
    fn note(&self, refusal: Refusal, peer: SocketAddr, limits: &ServerLimits) {
        let now = Instant::now();
        let mut last = self.last.lock().expect("refusal log lock");
        let entry = last.entry(refusal).or_insert((now - LOG_EVERY, 0));
        entry.1 += 1;
        if now.duration_since(entry.0) >= LOG_EVERY {
            tracing::warn!(
                reason = refusal.reason(),
                %peer,
                refused_since_last_line = entry.1,
                "api refused: {}",
                refusal.explain(limits)
            );
            *entry = (now, 0);
        }
    }
}

/// Serves the API on `listener` with the default [`ServerLimits`] until `shutdown` completes.
pub async fn serve<B: Backend>(
    backend: Arc<B>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(
        backend,
        listener,
        ServerLimits::default(),
        ServerStats::default(),
        shutdown,
    )
    .await
}

/// Serves the API on `listener` under `limits` until `shutdown` completes, then stops
/// accepting, ends open event streams, and returns once open connections have finished their
/// current request (at most [`SHUTDOWN_GRACE`]). `stats` counts what was refused.
///
/// # Panics
/// If `limits` fails [`ServerLimits::validate`]: the caller validates configuration first.
pub async fn serve_with<B: Backend>(
    backend: Arc<B>,
    listener: TcpListener,
    limits: ServerLimits,
    stats: ServerStats,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    if let Err(e) = limits.validate() {
        panic!("invalid API limits: {e}");
    }
    let (closing_sender, closing) = watch::channel(false);
    let app = routes::build(backend, closing.clone());
    let shared = Arc::new(Shared::new(limits, stats));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file handles, or a connection reset before accept: neither ends the
                // server. Back off briefly so a handle shortage does not spin the loop.
                tracing::warn!(error = %e, "api accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match shared.admit(peer.ip()) {
            Ok(permit) => {
                let app = app.clone();
                let shared = Arc::clone(&shared);
                let closing = closing.clone();
                tokio::spawn(async move {
                    connection(stream, peer, app, shared, closing).await;
                    drop(permit);
                });
            }
            Err(refusal) => refuse(stream, peer, refusal, &shared),
        }
    }
    // An event stream never ends by itself, so without this shutdown would wait for every
    // subscriber to hang up.
    closing_sender.send_replace(true);
    let drained = shared.drained.notified();
    if shared.stats.open_connections.get() > 0 {
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
    }
    Ok(())
}

/// `error` as a whole HTTP/1.1 answer that closes its connection, for the places that write to
/// the socket below hyper.
fn closing_answer(error: &ApiError) -> Vec<u8> {
    // The status was built from a `StatusCode` by `Refusal::error` or `ApiError::malformed`.
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&error.body()).expect("error bodies serialize");
    let mut answer = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

/// Answers a refused connection with its JSON error and closes it, without reading from it.
fn refuse(mut stream: TcpStream, peer: SocketAddr, refusal: Refusal, shared: &Arc<Shared>) {
    shared.log_refusal(refusal, peer);
    if shared.refusals_in_flight.fetch_add(1, Ordering::Relaxed) >= MAX_REFUSALS_IN_FLIGHT {
        shared.refusals_in_flight.fetch_sub(1, Ordering::Relaxed);
        return; // dropped: closed without an answer
    }
    let answer = closing_answer(&refusal.error(&shared.limits));
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        let write = async {
            stream.write_all(&answer).await?;
            stream.shutdown().await
        };
        let _ = tokio::time::timeout(REFUSAL_WRITE_TIMEOUT, write).await;
        shared.refusals_in_flight.fetch_sub(1, Ordering::Relaxed);
    });
}

/// Serves one admitted connection until it closes, times out, is closed by its event stream,
/// or the server shuts down.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    shared: Arc<Shared>,
    mut closing: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let _ = socket2::SockRef::from(&stream)
        .set_send_buffer_size(shared.limits.send_buffer_bytes as usize);
    let closer = Arc::new(Notify::new());
    let context = ConnectionContext {
        server: Arc::clone(&shared),
        closer: Arc::clone(&closer),
        peer,
    };
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let app = app.clone();
            let context = context.clone();
            async move {
                let response = match guard(&request, &context) {
                    Some(refused) => refused,
                    None => {
                        let limits = &context.server.limits;
                        let deadline = Instant::now() + limits.body_read_timeout();
                        let mut request =
                            request.map(|body| Body::new(DeadlineBody::new(body, deadline)));
                        request.extensions_mut().insert(context);
                        app.oneshot(request).await.unwrap_or_else(|e| match e {})
                    }
                };
                Ok::<_, std::convert::Infallible>(response)
            }
        });
    let io = TokioIo::new(IdleIo::new(stream, &shared.limits));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.limits.header_read_timeout())
        // The parser's own cap sits above ours so that an oversized head usually reaches
        // `guard` and gets a JSON 431; only heads past this get the parser's bare one.
        .max_buf_size((shared.limits.max_header_bytes as usize * 4).max(8192))
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    let shutting_down = async {
        // A dropped sender (never the case while serving) also means "closing".
        let _ = closing.wait_for(|closing| *closing).await;
    };
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "api connection ended");
            }
        }
        () = closer.notified() => {} // dropped: the socket closes now
        () = shutting_down => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
        }
    }
}

/// Refuses a request before routing when its head is over a limit or its address is over its
/// rate; `None` lets it through.
fn guard(
    request: &hyper::Request<hyper::body::Incoming>,
    context: &ConnectionContext,
) -> Option<Response> {
    let shared = &context.server;
    let target = target_bytes(request.uri());
    let refusal = if target > MAX_URI_BYTES {
        Some(Refusal::UriTooLong)
    } else if head_bytes(request, target) > shared.limits.max_header_bytes as usize {
        Some(Refusal::HeadersTooLarge)
    } else if declared_body_bytes(request).is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        Some(Refusal::BodyTooLarge)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        shared.stats.oversized.inc();
        shared.log_refusal(refusal, context.peer);
        let mut response = refusal.error(&shared.limits).into_response();
        // The body was not read; the connection cannot carry another request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return Some(response);
    }
    if let Err(retry_after_secs) = shared.take_token(context.peer.ip()) {
        shared.stats.rate_limited.inc();
        shared.log_refusal(Refusal::RateLimited, context.peer);
        let mut response = Refusal::RateLimited.error(&shared.limits).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        return Some(response);
    }
    None
}

/// The length of a request target as sent (`/path?query`, or the absolute form).
fn target_bytes(uri: &axum::http::Uri) -> usize {
    let scheme = uri.scheme_str().map_or(0, |s| s.len() + 3);
    let authority = uri.authority().map_or(0, |a| a.as_str().len());
    let path = uri.path_and_query().map_or(0, |p| p.as_str().len());
    scheme + authority + path
}

/// The size of a request's head as received: request line (whose target is `target` bytes)
/// plus header lines.
fn head_bytes<T>(request: &hyper::Request<T>, target: usize) -> usize {
    let line = request.method().as_str().len() + target + 12;
    request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum::<usize>()
        + line
}

fn declared_body_bytes<T>(request: &hyper::Request<T>) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Whether `error` (or anything in its source chain) is a body that missed its deadline.
pub(crate) fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error.is::<BodyTimedOut>() {
            return true;
        }
        next = error.source();
    }
    false
}

/// Why a request body could not be read in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within api.body_read_timeout_ms")]
struct BodyTimedOut;

/// A request body that fails once its deadline passes.
struct DeadlineBody<B> {
    inner: B,
    deadline: Pin<Box<Sleep>>,
}

impl<B> DeadlineBody<B> {
    fn new(inner: B, deadline: Instant) -> Self {
        Self {
            inner,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }
}

impl<B> http_body::Body for DeadlineBody<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// A socket that fails with `TimedOut` once no byte has moved either way for `idle`, and
/// that gives the HTTP parser's bodyless error answers a JSON body.
struct IdleIo {
    inner: TcpStream,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    /// A rewritten answer still to be written, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
    limits: ServerLimits,
}

impl IdleIo {
    fn new(inner: TcpStream, limits: &ServerLimits) -> Self {
        let idle = limits.idle_timeout();
        Self {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            pending: None,
            limits: limits.clone(),
        }
    }

    /// Writes out a pending rewritten answer; `Ready(Ok)` once nothing is pending.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = self.pending.as_mut() {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    fn progressed(&mut self) {
        let next = Instant::now() + self.idle;
        self.timer.as_mut().reset(next);
    }

    /// Whether the idle deadline has passed; registers the waker otherwise.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.timer.as_mut().poll(cx).is_ready()
    }
}

fn idle_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "no byte moved for api.idle_timeout_ms",
    )
}

impl AsyncRead for IdleIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.progressed();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(idle_error())),
            other => other,
        }
    }
}

/// The JSON answer for a bodyless error the HTTP parser wrote, if `data` is one.
///
/// The parser answers 400 (not HTTP/1.1), 414 (request target past its own limit) and 431
/// (head past its buffer) itself, with `content-length: 0`. Every answer of ours has a body,
/// so a bodyless answer with one of these statuses can only be the parser's.
fn rewrite_parser_error(data: &[u8], limits: &ServerLimits) -> Option<Vec<u8>> {
    let head = std::str::from_utf8(data.get(..data.len().min(512))?).ok()?;
    if !head.to_ascii_lowercase().contains("content-length: 0\r\n") {
        return None;
    }
    let error = if head.starts_with("HTTP/1.1 400 ") {
        ApiError::malformed("the request is not a valid HTTP/1.1 request")
    } else if head.starts_with("HTTP/1.1 414 ") {
        Refusal::UriTooLong.error(limits)
    } else if head.starts_with("HTTP/1.1 431 ") {
        Refusal::HeadersTooLarge.error(limits)
    } else {
        return None;
    };
    Some(closing_answer(&error))
}

impl IdleIo {
    /// One write: first whatever rewritten answer is pending, then `first` (the first
    /// non-empty slice) if it is the parser's bodyless error, else `write` on the socket.
    fn write_with(
        &mut self,
        cx: &mut Context<'_>,
        first: &[u8],
        write: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        if let Some(answer) = rewrite_parser_error(first, &self.limits) {
            // The parser's answer is a head alone, in one slice.
            self.pending = Some((answer, 0));
            self.progressed();
            return Poll::Ready(Ok(first.len()));
        }
        match write(Pin::new(&mut self.inner), cx) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.progressed();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(idle_error())),
            other => other,
        }
    }
}

impl AsyncWrite for IdleIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.write_with(cx, data, |inner, cx| inner.poll_write(cx, data))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let first: &[u8] = data
            .iter()
            .find(|slice| !slice.is_empty())
            .map_or(&[], |s| s);
        self.write_with(cx, first, |inner, cx| inner.poll_write_vectored(cx, data))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_limits_are_valid() {
        assert_eq!(ServerLimits::default().validate(), Ok(()));
    }

    #[test]
    fn per_ip_cap_above_global_cap_is_refused() {
        let limits = ServerLimits {
            max_connections: 10,
            max_connections_per_ip: 11,
            ..ServerLimits::default()
        };
        assert_eq!(
            limits.validate().unwrap_err().field,
            "max_connections_per_ip"
        );
    }

    #[test]
    fn zero_timeout_is_refused() {
        let limits = ServerLimits {
            idle_timeout_ms: 0,
            ..ServerLimits::default()
        };
        assert_eq!(limits.validate().unwrap_err().field, "idle_timeout_ms");
    }

    #[tokio::test]
    async fn rate_limit_refuses_past_the_burst_and_says_when_to_retry() {
        let limits = ServerLimits {
            requests_per_second_per_ip: 2,
            request_burst_per_ip: 3,
            ..ServerLimits::default()
        };
        let shared = Shared::new(limits, ServerStats::default());
        let ip: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..3 {
            assert_eq!(shared.take_token(ip), Ok(()));
        }
        assert_eq!(shared.take_token(ip), Err(1));
        // Another address has its own bucket.
        assert_eq!(shared.take_token(other), Ok(()));
    }

    #[tokio::test]
    async fn connection_caps_count_per_address_and_free_on_drop() {
        let limits = ServerLimits {
            max_connections: 3,
            max_connections_per_ip: 2,
            ..ServerLimits::default()
        };
        let shared = Arc::new(Shared::new(limits, ServerStats::default()));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = shared.admit(a).unwrap();
        let _second = shared.admit(a).unwrap();
        assert_eq!(shared.admit(a).err(), Some(Refusal::TooManyFromIp));
        let _third = shared.admit(b).unwrap();
        assert_eq!(shared.admit(b).err(), Some(Refusal::TooManyConnections));
        drop(first);
        assert!(shared.admit(a).is_ok());
    }
}
