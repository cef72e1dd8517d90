//! `load` against an in-process fake node on 127.0.0.1 speaking the three endpoints it uses, as
//! `docs/spec/api.md` describes them: it accepts transfers and reports each one final a few
//! milliseconds later. Assertions are about counts and codes, never about speed.

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    response::{
        IntoResponse, Response,
        sse::{Event, Sse},
    },
    routing::{get, post},
};
use futures::{Stream, stream};
use serde_json::json;
use std::{
    collections::{BTreeMap, BTreeSet},
    convert::Infallible,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use terrane_app::{SignedTransaction, testkit::named_key};
use terrane_bench::{LoadConfig, load};
use tokio::sync::broadcast;

const CHAIN: &str = "bench-fake";

/// Accepts every transfer except every `reject_every`-th submission (503), and publishes its
/// `tx_outcome` (code 0) 5 ms later.
struct FakeNode {
    events: broadcast::Sender<serde_json::Value>,
    calls: AtomicU64,
    reject_every: u64,
    /// Accepted nonces per signer.
    accepted: Mutex<BTreeMap<[u8; 32], BTreeSet<u64>>>,
    /// Nonces per signer whose submission was rejected at least once.
    rejected: Mutex<BTreeMap<[u8; 32], BTreeSet<u64>>>,
}

fn error(status: StatusCode, code: u16, reason: &str) -> Response {
    let body = json!({"code": code, "reason": reason, "message": reason});
    (status, Json(body)).into_response()
}

async fn account() -> Json<serde_json::Value> {
    Json(json!({"balance": 1_000_000_000u64, "nonce": 0}))
}

async fn submit(State(node): State<Arc<FakeNode>>, headers: HeaderMap, body: Bytes) -> Response {
    if headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) != Some("application/octet-stream") {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            0,
            "unsupported_media_type",
        );
    }
    let Ok(tx) = SignedTransaction::decode_bounded(&body) else {
        return error(StatusCode::BAD_REQUEST, 7, "malformed");
    };
    let signer = *tx.tx.signer.as_bytes();
    let nonce = tx.tx.nonce.get();
    let call = node.calls.fetch_add(1, Ordering::SeqCst) + 1;
    if node.reject_every > 0 && call.is_multiple_of(node.reject_every) {
        node.rejected
            .lock()
            .unwrap()
            .entry(signer)
            .or_default()
            .insert(nonce);
        return error(StatusCode::SERVICE_UNAVAILABLE, 0, "unavailable");
    }
    let fresh = node
        .accepted
        .lock()
        .unwrap()
        .entry(signer)
        .or_default()
        .insert(nonce);
    if !fresh {
        return error(StatusCode::CONFLICT, 2, "duplicate_tx");
    }
    let hash = tx.id().to_string();
    let events = node.events.clone();
    let event = json!({
        "type": "tx_outcome", "hash": hash, "height": 1, "index": 0, "code": 0, "name": "ok",
        "charged": true
    });
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let _ = events.send(event);
    });
    (StatusCode::ACCEPTED, Json(json!({"hash": hash}))).into_response()
}

async fn events(
    State(node): State<Arc<FakeNode>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = node.events.subscribe();
    Sse::new(stream::unfold(receiver, |mut receiver| async move {
        let event = receiver.recv().await.ok()?;
        let message = Event::default().event("tx_outcome").data(event.to_string());
        Some((Ok(message), receiver))
    }))
}

/// Serves a fake node on 127.0.0.1 from its own thread for the rest of the test process.
fn serve(reject_every: u64) -> (SocketAddr, Arc<FakeNode>) {
    let node = Arc::new(FakeNode {
        events: broadcast::channel(65_536).0,
        calls: AtomicU64::new(0),
        reject_every,
        accepted: Mutex::new(BTreeMap::new()),
        rejected: Mutex::new(BTreeMap::new()),
    });
    let app = Router::new()
        .route("/v1/accounts/{address}", get(account))
        .route("/v1/tx", post(submit))
        .route("/v1/events", get(events))
        .with_state(Arc::clone(&node));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (addr_rx.recv().unwrap(), node)
}

fn config(addr: SocketAddr) -> LoadConfig {
    LoadConfig {
        rate_per_sec: 200,
        duration: Duration::from_millis(1_000),
        warmup: Duration::from_millis(200),
        drain: Duration::from_secs(10),
        ..LoadConfig::new(
            vec![format!("http://{addr}")],
            CHAIN,
            1_000,
            10,
            (0..4).map(|i| named_key(&format!("load-{i}"))).collect(),
        )
    }
}

#[test]
fn every_accepted_transfer_is_matched_to_its_outcome_event() {
    let (addr, node) = serve(0);
    let fig = load(config(addr)).expect("load runs");
    assert!(fig.submitted > 0, "{fig}");
    assert_eq!(fig.rejected_by_api, 0, "{fig}");
    assert_eq!(fig.transport_errors, 0, "{fig}");
    assert_eq!(fig.accepted, fig.submitted, "{fig}");
    assert_eq!(fig.finalized, fig.accepted, "{fig}");
    assert_eq!(fig.unfinalized, 0, "{fig}");
    assert_eq!(fig.hash_mismatches, 0, "{fig}");
    assert_eq!(fig.outcome_codes, BTreeMap::from([(0, fig.finalized)]));
    assert!(
        fig.latency_samples > 0 && fig.latency_p50_ms.is_some(),
        "{fig}"
    );
    // Round-robin over 4 senders from nonce 0, every one accepted: each sender's nonces are
    // consecutive from 0.
    let accepted = node.accepted.lock().unwrap();
    assert_eq!(accepted.len(), 4);
    for nonces in accepted.values() {
        assert_eq!(
            nonces.iter().copied().collect::<Vec<_>>(),
            (0..nonces.len() as u64).collect::<Vec<_>>()
        );
    }
}

#[test]
fn rejected_submissions_are_counted_by_reason_and_their_nonces_sent_again() {
    let (addr, node) = serve(3);
    let fig = load(config(addr)).expect("load runs");
    assert!(fig.rejected_by_api > 0, "{fig}");
    assert_eq!(
        fig.api_rejections,
        BTreeMap::from([("503 unavailable".to_owned(), fig.rejected_by_api)])
    );
    assert_eq!(fig.submitted, fig.accepted + fig.rejected_by_api, "{fig}");
    assert_eq!(fig.finalized, fig.accepted, "{fig}");
    // A rejected nonce is sent again at its sender's next turn: no nonce goes missing unless
    // it was rejected (and the run ended before its turn came), and rejected ones get in.
    let accepted = node.accepted.lock().unwrap();
    let rejected = node.rejected.lock().unwrap();
    let total: usize = accepted.values().map(BTreeSet::len).sum();
    assert_eq!(total as u64, fig.accepted);
    let mut resent_and_accepted = 0;
    for (signer, nonces) in accepted.iter() {
        let rejected = rejected.get(signer).cloned().unwrap_or_default();
        let max = *nonces.last().unwrap();
        for nonce in 0..max {
            assert!(
                nonces.contains(&nonce) || rejected.contains(&nonce),
                "nonce {nonce} skipped without a rejection"
            );
        }
        resent_and_accepted += rejected.intersection(nonces).count();
    }
    assert!(resent_and_accepted > 0, "no rejected nonce was sent again");
}
