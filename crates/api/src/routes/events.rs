//! The live event stream: finalized chain events as Server-Sent Events.
//!
//! Each [`ChainEvent`] is one SSE message whose `event:` field is its type and whose `data:`
//! is its JSON. A subscriber that falls behind gets one `lagged` message saying how many
//! events it missed, then the stream continues from the oldest event still buffered. Comment
//! lines keep idle connections (and proxies) alive.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt, future, stream};
use tokio::sync::{broadcast::error::RecvError, watch};

use super::{AppState, Route};
use crate::{Backend, ChainEvent, StreamLagged};

/// Idle time after which a keep-alive comment is sent; below common proxy timeouts (60 s).
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(15);

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/events", events::<B>)]
}

async fn events<B: Backend>(
    State(state): State<AppState<B>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.backend.subscribe();
    let messages = stream::unfold(receiver, |mut receiver| async move {
        let message = match receiver.recv().await {
            Ok(event) => chain_event(&event),
            Err(RecvError::Lagged(skipped)) => lagged(skipped),
            // The backend dropped its sender: no more events will ever come.
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(message), receiver))
    });
    Sse::new(messages.take_until(closing(state.closing))).keep_alive(
        KeepAlive::new()
            .interval(KEEP_ALIVE_INTERVAL)
            .text("keep-alive"),
    )
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
