//! `load` against an in-process fake node on 127.0.0.1: the real API router over a backend that
//! accepts transfers and reports each one final a few milliseconds later. Assertions are about
//! counts and codes, never about speed.

use std::{
    collections::{BTreeMap, BTreeSet},
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use terrane_api::{
    AccountView, ApiError, Backend, BlockId, BlockView, ChainEvent, OutcomeView, StatusView,
    TxStatusView, TxSubmitted,
};
use terrane_app::{SignedTransaction, testkit::named_key};
use terrane_bench::{LoadConfig, load};
use tokio::sync::{broadcast, oneshot};

const CHAIN: &str = "bench-fake";

/// Accepts every decodable transaction except every `reject_every`-th submission (503), and
/// publishes its `tx_outcome` (code 0) 5 ms later.
struct FakeNode {
    events: broadcast::Sender<ChainEvent>,
    calls: AtomicU64,
    reject_every: u64,
    /// Accepted nonces per signer.
    accepted: Mutex<BTreeMap<[u8; 32], BTreeSet<u64>>>,
    /// Nonces per signer whose submission was rejected at least once.
    rejected: Mutex<BTreeMap<[u8; 32], BTreeSet<u64>>>,
}

impl Backend for FakeNode {
    async fn status(&self) -> Result<StatusView, ApiError> {
        Err(ApiError::unavailable("not faked"))
    }

    async fn submit_tx(&self, tx: Vec<u8>) -> Result<TxSubmitted, ApiError> {
        let tx = SignedTransaction::decode_bounded(&tx)
            .map_err(|e| ApiError::bad_request(7, "malformed", e.to_string()))?;
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.reject_every > 0 && call.is_multiple_of(self.reject_every) {
            self.rejected
                .lock()
                .unwrap()
                .entry(*tx.tx.signer.as_bytes())
                .or_default()
                .insert(tx.tx.nonce.get());
            return Err(ApiError::unavailable("mempool full"));
        }
        let fresh = self
            .accepted
            .lock()
            .unwrap()
            .entry(*tx.tx.signer.as_bytes())
            .or_default()
            .insert(tx.tx.nonce.get());
        if !fresh {
            return Err(ApiError::conflict(2, "duplicate_tx", "already known"));
        }
        let hash = tx.id().to_string();
        let events = self.events.clone();
        let event_hash = hash.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let _ = events.send(ChainEvent::TxOutcome {
                hash: event_hash,
                height: 1,
                index: 0,
                code: 0,
                name: "ok".into(),
            });
        });
        Ok(TxSubmitted { hash })
    }

    async fn tx(&self, _hash: [u8; 32]) -> Result<TxStatusView, ApiError> {
        Err(ApiError::unavailable("not faked"))
    }

    async fn account(&self, address: [u8; 32]) -> Result<AccountView, ApiError> {
        Ok(AccountView {
            address: terrane_primitives::Address::new(address).to_string(),
            balance: 1_000_000_000,
            nonce: 0,
            height: 1,
            state_root: "00".repeat(32),
            key: "00".repeat(32),
            value: None,
            proof: String::new(),
        })
    }

    async fn block(&self, _id: BlockId) -> Result<Option<BlockView>, ApiError> {
        Ok(None)
    }

    fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        self.events.subscribe()
    }

    fn metrics(&self) -> String {
        String::new()
    }

    fn outcomes(&self) -> Vec<OutcomeView> {
        Vec::new()
    }
}

/// Serves a fake node on 127.0.0.1 from its own thread until the returned sender is dropped.
fn serve(reject_every: u64) -> (SocketAddr, Arc<FakeNode>, oneshot::Sender<()>) {
    let node = Arc::new(FakeNode {
        events: broadcast::channel(65_536).0,
        calls: AtomicU64::new(0),
        reject_every,
        accepted: Mutex::new(BTreeMap::new()),
        rejected: Mutex::new(BTreeMap::new()),
    });
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let backend = Arc::clone(&node);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            terrane_api::serve(backend, listener, async {
                let _ = stop_rx.await;
            })
            .await
            .unwrap();
        });
    });
    (addr_rx.recv().unwrap(), node, stop_tx)
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
    let (addr, node, _stop) = serve(0);
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
    let (addr, node, _stop) = serve(3);
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
