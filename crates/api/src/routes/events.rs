//! The live event stream: finalized chain events as Server-Sent Events.
//!
//! ```text
//!  backend broadcast ──▶ forwarder task ──▶ bounded queue (api.subscriber_queue_events)
//!                          │ queue full for STALL_GRACE  │
//!                          ▼                             ▼
//!                   `lagged` queued behind it     SSE body, written as the client reads
//!                   then disconnect if not read
//!                   within STALL_GRACE
//! ```
//!
//! Each [`ChainEvent`] is one SSE message whose `event:` field is its type and whose `data:`
//! is its JSON. A subscriber's events wait in its own bounded queue, so one that stops reading
//! pins at most that queue (plus the connection's capped send buffer) and never slows the
//! others: when its queue stays full for [`STALL_GRACE`] (a burst of one block's events only
//! fills it for as long as a reading client takes to drain it), the stream stops taking events
//! for it, sends one `lagged` message saying how many it missed once the client reads again,
//! and ends. A client that does not read even that within another [`STALL_GRACE`] has its
//! connection closed. Meanwhile the backend's broadcast buffer holds what the waiting
//! forwarder has not taken; past it, the subscriber gets a `lagged` message and continues. Comment lines keep
//! idle connections (and proxies) alive. At most `api.max_subscribers` streams are open at
//! once; the next is answered 503 `too_many_subscribers`.

use std::{
    convert::Infallible,
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use axum::{
    Extension,
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt, future, stream};
use tokio::sync::{
    broadcast::{self, error::RecvError},
    mpsc, oneshot, watch,
};

use super::{AppState, Route};
use crate::{
    ApiError, Backend, ChainEvent, ErrorBody, StreamLagged,
    openapi::EventStreamMessage,
    server::{ConnectionContext, Refusal, ServerLimits, Shared},
};

/// Idle time after which a keep-alive comment is sent; below common proxy timeouts (60 s).
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(15);

/// How long a subscriber's queue may stay full before it is dropped, and how long a dropped
/// subscriber then has to read its `lagged` message before its connection is closed.
pub const STALL_GRACE: Duration = Duration::from_secs(5);

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/events", events::<B>)]
}

/// One item of a subscriber's queue.
enum Queued {
    Event(ChainEvent),
    /// The forwarder itself fell behind the backend's buffer by this many events.
    Skipped(u64),
}

/// Server-Sent Events stream of finalized chain events.
///
/// Each message has `event:` set to the event type and `data:` set to a `ChainEvent` JSON
/// object with the same `type`. A subscriber that falls behind receives one `lagged` message
/// (data: `StreamLagged`) and the stream continues. Comment lines are sent as keep-alives.
/// Clients must ignore event types they do not know.
#[utoipa::path(
    get,
    path = "/v1/events",
    tag = "events",
    operation_id = "streamEvents",
    responses(
        (
            status = 200,
            description = "The stream; it ends when the node shuts down.",
            body = inline(EventStreamMessage),
            content_type = "text/event-stream"
        ),
        (
            status = 503,
            description = "As many event streams are open as the node allows \
                (`too_many_subscribers`, api.max_subscribers); retry later.",
            body = ErrorBody
        )
    )
)]
async fn events<B: Backend>(
    State(state): State<AppState<B>>,
    context: Option<Extension<ConnectionContext>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // A router served without `serve_with` has no connection layer: default limits, and no
    // shared subscriber count.
    let (shared, closer) = match context {
        Some(Extension(context)) => (context.server, Some((context.closer, context.peer))),
        None => (
            Arc::new(Shared::new(ServerLimits::default(), Default::default())),
            None,
        ),
    };
    let permit = SubscriberPermit::take(&shared)?;
    let queue_events = shared.limits.subscriber_queue_events as usize;
    let (queue, queued) = mpsc::channel(queue_events);
    let (final_lag, final_lag_rx) = oneshot::channel::<u64>();
    let (read_lag, lag_read) = oneshot::channel::<()>();
    tokio::spawn(forward(
        state.backend.subscribe(),
        queue,
        final_lag,
        lag_read,
        Arc::clone(&shared),
        closer,
    ));
    let messages = stream::unfold(
        Subscriber {
            queued,
            final_lag: Some(final_lag_rx),
            read_lag: Some(read_lag),
            _permit: permit,
        },
        next_message,
    );
    Ok(
        Sse::new(messages.take_until(closing(state.closing))).keep_alive(
            KeepAlive::new()
                .interval(KEEP_ALIVE_INTERVAL)
                .text("keep-alive"),
        ),
    )
}

/// The stream's side of one subscription.
struct Subscriber {
    queued: mpsc::Receiver<Queued>,
    final_lag: Option<oneshot::Receiver<u64>>,
    read_lag: Option<oneshot::Sender<()>>,
    _permit: SubscriberPermit,
}

async fn next_message(
    mut subscriber: Subscriber,
) -> Option<(Result<Event, Infallible>, Subscriber)> {
    if let Some(item) = subscriber.queued.recv().await {
        let message = match item {
            Queued::Event(event) => chain_event(&event),
            Queued::Skipped(skipped) => lagged(skipped),
        };
        return Some((Ok(message), subscriber));
    }
    // The forwarder stopped: the backend closed, or this subscriber's queue filled.
    let skipped = subscriber.final_lag.take()?.await.ok()?;
    if let Some(read) = subscriber.read_lag.take() {
        let _ = read.send(());
    }
    Some((Ok(lagged(skipped)), subscriber))
}

/// Moves events from the backend's broadcast into one subscriber's bounded queue.
async fn forward(
    mut receiver: broadcast::Receiver<ChainEvent>,
    queue: mpsc::Sender<Queued>,
    final_lag: oneshot::Sender<u64>,
    lag_read: oneshot::Receiver<()>,
    shared: Arc<Shared>,
    closer: Option<(Arc<tokio::sync::Notify>, std::net::SocketAddr)>,
) {
    loop {
        let item = match receiver.recv().await {
            Ok(event) => Queued::Event(event),
            Err(RecvError::Lagged(skipped)) => Queued::Skipped(skipped),
            // The backend dropped its sender: no more events will ever come.
            Err(RecvError::Closed) => return,
        };
        // A full queue is a reader that is behind, not yet a stalled one: a block's worth of
        // events arrives at once. Only a queue that stays full for STALL_GRACE drops it.
        match queue.send_timeout(item, STALL_GRACE).await {
            Ok(()) => {}
            // The stream ended (client gone or server closing).
            Err(mpsc::error::SendTimeoutError::Closed(_)) => return,
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => break,
        }
    }
    // The queue is full: this subscriber is dropped. Everything still buffered for it in the
    // broadcast, plus the event that did not fit, is what it missed.
    let skipped = receiver.len() as u64 + 1;
    drop(receiver);
    drop(queue);
    shared.stats.dropped_subscribers.inc();
    let _ = final_lag.send(skipped);
    if let Some((closer, peer)) = closer {
        shared.log_refusal(Refusal::SubscriberLagged, peer);
        if tokio::time::timeout(STALL_GRACE, lag_read).await.is_err() {
            closer.notify_one();
        }
    }
}

/// An open event stream's place under `api.max_subscribers`; freed on drop.
struct SubscriberPermit(Arc<Shared>);

impl SubscriberPermit {
    fn take(shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let open = shared.stats.open_subscribers.inner();
        let mut current = open.load(Ordering::Relaxed);
        loop {
            if current >= i64::from(shared.limits.max_subscribers) {
                shared.stats.refused_subscribers.inc();
                return Err(Refusal::TooManySubscribers.error(&shared.limits));
            }
            match open.compare_exchange(current, current + 1, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Ok(Self(Arc::clone(shared))),
                Err(now) => current = now,
            }
        }
    }
}

impl Drop for SubscriberPermit {
    fn drop(&mut self) {
        self.0.stats.open_subscribers.dec();
    }
}

fn chain_event(event: &ChainEvent) -> Event {
    message(event.kind(), event)
}

fn lagged(skipped: u64) -> Event {
    message("lagged", &StreamLagged { skipped })
}

fn message(name: &'static str, data: &impl serde::Serialize) -> Event {
    // These types always serialize; should one ever fail, the subscriber sees a comment rather
    // than a dropped connection. The error text stays out of it: axum panics on a comment
    // containing a newline, and an error message is not ours to vouch for.
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_else(|_| Event::default().comment(format!("unserializable {name} event")))
}

/// Completes when the server starts shutting down. A router built without `serve` has no
/// shutdown signal (its sender is gone), and then this never completes.
async fn closing(mut closing: watch::Receiver<bool>) {
    if closing.wait_for(|closing| *closing).await.is_err() {
        future::pending::<()>().await;
    }
}
