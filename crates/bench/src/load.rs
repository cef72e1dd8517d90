//! Load on a running network through its HTTP API: submit transfers at a target rate and time
//! them to finality.
//!
//! ```text
//! GET  /v1/accounts/{sender}   starting nonces (first node)
//! GET  /v1/events              tx_outcome events of one node ─▶ finality time per tx hash
//! POST /v1/tx  ×rate×duration  transfers of 1 base unit to the sink, round-robin over senders
//!                              and nodes ─▶ submit time per tx hash
//! stop at `duration`, wait for in-flight requests, then at most `drain` for stragglers
//! ```
//! The client runs on a current-thread tokio runtime (one core) and talks only to the URLs it
//! is given: no proxy from the environment, no redirects. Every response body is read up to a
//! fixed size, every request has a timeout, and the event stream is parsed with a line limit.
//!
//! Nonces: each sender starts at its finalized nonce and numbers its transfers consecutively.
//! A transfer is a pure function of (sender, nonce), so one the API did not take (mempool
//! full, timeout, …) gives its nonce back and is sent again, byte for byte, before the sender
//! moves on; a timed-out one that did get in comes back as 409 "already known" and counts as
//! accepted. Only `nonce_too_low` retires a nonce for good.

use crate::{BenchError, sse, stats::percentile};
use commonware_cryptography::ed25519;
use futures::{StreamExt as _, stream};
use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use terrane_accounts::{outcome::AccountsRejection, params::AccountsParams};
use terrane_api::{ErrorBody, TxSubmitted};
use terrane_app::{
    testkit::{address_of, named_key, transfer},
    tx::encode_signed,
};
use terrane_primitives::{Address, Amount, ChainId, Hash32, Nonce};
use tokio::sync::Semaphore;

/// Base units each load transfer moves.
const TRANSFER_AMOUNT: u64 = 1;

/// Largest response body read from `POST /v1/tx` or `GET /v1/accounts`, in bytes.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Highest target rate accepted, transactions per second.
pub const MAX_RATE_PER_SEC: u32 = 100_000;

/// Most requests in flight accepted as `max_in_flight`.
pub const MAX_IN_FLIGHT: usize = 4_096;

/// Concurrent requests while fetching starting nonces.
const NONCE_FETCH_CONCURRENCY: usize = 16;

/// How often the drain checks whether every accepted transaction is final.
const DRAIN_POLL: Duration = Duration::from_millis(50);

/// The address load transfers pay by default (derived from a public seed).
pub fn default_sink() -> Address {
    address_of(&named_key("terrane-bench/sink"))
}

/// What to load and how hard. Build with [`LoadConfig::new`], then adjust fields.
#[derive(Clone)]
pub struct LoadConfig {
    /// API base URLs, `http://host:port` (no path). Requests go to these only.
    pub nodes: Vec<String>,
    /// Index into `nodes` of the node whose event stream times finality.
    pub events_node: usize,
    /// The chain id transactions are signed for.
    pub chain_id: String,
    /// The chain's flat fee, base units (transfers pay exactly the minimum fee).
    pub base_fee: u64,
    /// The chain's per-byte fee, base units.
    pub byte_fee: u64,
    /// Funded keys that sign the transfers, used round-robin.
    pub senders: Vec<ed25519::PrivateKey>,
    /// Who receives the transfers.
    pub sink: Address,
    /// Transactions submitted per second, at most [`MAX_RATE_PER_SEC`].
    pub rate_per_sec: u32,
    /// How long transactions are submitted.
    pub duration: Duration,
    /// The start of the submission window left out of `finalized_per_sec` and the latencies.
    pub warmup: Duration,
    /// After submission stops, the longest wait for accepted transactions to finalize.
    pub drain: Duration,
    /// Timeout of each API request (connect included; not the event stream once open).
    pub request_timeout: Duration,
    /// Most `POST /v1/tx` requests in flight at once, at most [`MAX_IN_FLIGHT`]. When the
    /// node answers slower than this allows, submission falls behind the target rate.
    pub max_in_flight: usize,
}

impl LoadConfig {
    /// A configuration with defaults: 100 tx/s for 30 s after a 5 s warm-up inside it, 30 s
    /// drain, 5 s request timeout, 256 requests in flight, events from the first node,
    /// [`default_sink`].
    pub fn new(
        nodes: Vec<String>,
        chain_id: impl Into<String>,
        base_fee: u64,
        byte_fee: u64,
        senders: Vec<ed25519::PrivateKey>,
    ) -> Self {
        Self {
            nodes,
            events_node: 0,
            chain_id: chain_id.into(),
            base_fee,
            byte_fee,
            senders,
            sink: default_sink(),
            rate_per_sec: 100,
            duration: Duration::from_secs(30),
            warmup: Duration::from_secs(5),
            drain: Duration::from_secs(30),
            request_timeout: Duration::from_secs(5),
            max_in_flight: 256,
        }
    }
}

/// What a network sustained from outside. Request counts count requests (a retried
/// transaction counts each time); transaction counts count distinct transactions.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadFigures {
    /// Nodes submitted to.
    pub nodes: usize,
    /// Signing accounts.
    pub senders: usize,
    /// The target rate, transactions per second.
    pub target_per_sec: u32,
    /// Submission window, seconds.
    pub duration_secs: f64,
    /// Warm-up at its start, seconds.
    pub warmup_secs: f64,
    /// `POST /v1/tx` requests sent.
    pub submitted: u64,
    /// Distinct transactions the API took (202, or 409 already known).
    pub accepted: u64,
    /// Requests the API answered with another status (see `api_rejections`).
    pub rejected_by_api: u64,
    /// Requests that got no answer (connect error, timeout).
    pub transport_errors: u64,
    /// Distinct submitted transactions whose charged `tx_outcome` arrived, whatever the code.
    pub finalized: u64,
    /// Accepted transactions with no `tx_outcome` by the end of the drain.
    pub unfinalized: u64,
    /// `submitted / duration`: the rate actually offered.
    pub offered_per_sec: f64,
    /// Sustained finality rate: `tx_outcome`s of our transactions arriving after the warm-up
    /// and before submission stopped, per second of that window.
    pub finalized_per_sec: f64,
    /// Transactions first sent after the warm-up that finalized: the latency sample.
    pub latency_samples: u64,
    /// Median time from first submission to `tx_outcome`, milliseconds.
    pub latency_p50_ms: Option<f64>,
    /// 99th percentile of the same, milliseconds.
    pub latency_p99_ms: Option<f64>,
    /// Largest of the same, milliseconds.
    pub latency_max_ms: Option<f64>,
    /// Finalized transactions per outcome code (0 is ok).
    pub outcome_codes: BTreeMap<u16, u64>,
    /// Uncharged `tx_outcome` events of our transactions per code (`charged: false`: rejected
    /// before the fee was taken, e.g. a nonce ahead of the account). They leave the
    /// transaction pending, so they are not counted as finalized.
    pub uncharged_codes: BTreeMap<u16, u64>,
    /// Rejected requests per `"<status> <reason>"`, transport errors per `"transport <kind>"`.
    pub api_rejections: BTreeMap<String, u64>,
    /// Accepted answers whose hash differs from the locally computed transaction id.
    pub hash_mismatches: u64,
    /// Events the stream reported skipping (`lagged`): finality counts are then lower bounds.
    pub events_lagged: u64,
    /// The event stream ended or failed before the run did.
    pub events_stream_ended: bool,
}

/// Submits transfers to a running network as `config` says and measures what it finalizes.
///
/// Returns an error if the configuration is invalid, the client cannot be built, a sender's
/// nonce cannot be fetched, or the event stream cannot be opened; failures during the run are
/// counted in the figures instead.
pub fn load(config: LoadConfig) -> Result<LoadFigures, BenchError> {
    let checked = Checked::new(config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Setup(format!("starting the client runtime: {e}")))?;
    runtime.block_on(run(checked))
}

/// A validated configuration.
struct Checked {
    nodes: Vec<String>,
    events_url: String,
    chain: ChainId,
    params: AccountsParams,
    senders: Vec<ed25519::PrivateKey>,
    sink: Address,
    rate_per_sec: u32,
    duration: Duration,
    warmup: Duration,
    drain: Duration,
    request_timeout: Duration,
    max_in_flight: usize,
}

impl Checked {
    fn new(config: LoadConfig) -> Result<Self, BenchError> {
        let invalid = |m: String| Err(BenchError::InvalidArgument(m));
        if config.nodes.is_empty() {
            return invalid("at least one node URL is needed".into());
        }
        let nodes = config
            .nodes
            .iter()
            .map(|u| base_url(u))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(events_node) = nodes.get(config.events_node) else {
            return invalid(format!(
                "events_node {} is not one of the {} nodes",
                config.events_node,
                nodes.len()
            ));
        };
        let chain = ChainId::new(&config.chain_id)
            .map_err(|e| BenchError::InvalidArgument(format!("chain id: {e}")))?;
        if config.senders.is_empty() {
            return invalid("at least one funded sender key is needed".into());
        }
        if config.rate_per_sec == 0 || config.rate_per_sec > MAX_RATE_PER_SEC {
            return invalid(format!(
                "rate must be 1..={MAX_RATE_PER_SEC} tx/s, got {}",
                config.rate_per_sec
            ));
        }
        if config.duration.is_zero() {
            return invalid("duration must be positive".into());
        }
        if config.request_timeout.is_zero() {
            return invalid("request timeout must be positive".into());
        }
        if config.max_in_flight == 0 || config.max_in_flight > MAX_IN_FLIGHT {
            return invalid(format!(
                "max_in_flight must be 1..={MAX_IN_FLIGHT}, got {}",
                config.max_in_flight
            ));
        }
        Ok(Self {
            events_url: format!("{events_node}/v1/events"),
            nodes,
            chain,
            params: AccountsParams {
                base_fee: Amount::new(config.base_fee),
                byte_fee: Amount::new(config.byte_fee),
            },
            senders: config.senders,
            sink: config.sink,
            rate_per_sec: config.rate_per_sec,
            duration: config.duration,
            warmup: config.warmup,
            drain: config.drain,
            request_timeout: config.request_timeout,
            max_in_flight: config.max_in_flight,
        })
    }
}

/// `text` as an API base URL: `http://host[:port]` with no path, query, fragment or
/// credentials, returned as its origin without a trailing slash.
fn base_url(text: &str) -> Result<String, BenchError> {
    let invalid = |why: &str| {
        Err(BenchError::InvalidArgument(format!(
            "node URL {text:?} {why}; expected http://host:port"
        )))
    };
    let Ok(url) = reqwest::Url::parse(text) else {
        return invalid("does not parse");
    };
    if url.scheme() != "http" {
        return invalid("is not plain http (this client has no TLS)");
    }
    if url.host_str().is_none() {
        return invalid("has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return invalid("carries credentials");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return invalid("has a path, query or fragment");
    }
    Ok(url.origin().ascii_serialization())
}

/// One sender's nonce allocator.
#[derive(Debug)]
struct NonceAllocator {
    next: u64,
    /// Nonces given back, sent again lowest first.
    returned: BTreeSet<u64>,
}

impl NonceAllocator {
    fn new(start: u64) -> Self {
        Self {
            next: start,
            returned: BTreeSet::new(),
        }
    }

    fn take(&mut self) -> u64 {
        self.returned.pop_first().unwrap_or_else(|| {
            let n = self.next;
            self.next += 1;
            n
        })
    }

    fn give_back(&mut self, nonce: u64) {
        debug_assert!(nonce < self.next, "only taken nonces come back");
        self.returned.insert(nonce);
    }
}

/// One submitted transaction.
struct Track {
    /// When it was first sent.
    sent_at: Instant,
    accepted: bool,
    /// When its `tx_outcome` arrived, and its code.
    finalized: Option<(Instant, u16)>,
}

/// What the submission tasks and the event reader share.
#[derive(Default)]
struct Ledger {
    txs: BTreeMap<Hash32, Track>,
    submitted: u64,
    rejected_by_api: u64,
    transport_errors: u64,
    api_rejections: BTreeMap<String, u64>,
    hash_mismatches: u64,
    uncharged_codes: BTreeMap<u16, u64>,
    events_lagged: u64,
    events_stream_ended: bool,
}

/// How the API answered one submission.
enum Answer {
    Accepted { hash_matches: bool },
    Rejected { reason: String, nonce_used: bool },
    Transport(String),
}

struct Shared {
    client: reqwest::Client,
    ledger: Mutex<Ledger>,
    nonces: Mutex<Vec<NonceAllocator>>,
    request_timeout: Duration,
}

async fn run(config: Checked) -> Result<LoadFigures, BenchError> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(config.request_timeout)
        .pool_max_idle_per_host(config.max_in_flight)
        .build()
        .map_err(|e| BenchError::Setup(format!("building the HTTP client: {e}")))?;

    let starts = starting_nonces(&client, &config).await?;
    let shared = Arc::new(Shared {
        client,
        ledger: Mutex::new(Ledger::default()),
        nonces: Mutex::new(starts.into_iter().map(NonceAllocator::new).collect()),
        request_timeout: config.request_timeout,
    });

    let events = open_events(&shared.client, &config).await?;
    let reader = tokio::spawn(read_events(events, Arc::clone(&shared)));

    let slots = Arc::new(Semaphore::new(config.max_in_flight));
    let start = Instant::now();
    let end = start + config.duration;
    submit_until(&config, &shared, &slots, start, end).await;

    // In-flight requests end by their own timeout; wait for them, then for stragglers.
    let in_flight = u32::try_from(config.max_in_flight).expect("bounded by MAX_IN_FLIGHT");
    let _ = tokio::time::timeout(
        config.request_timeout + Duration::from_secs(1),
        slots.acquire_many(in_flight),
    )
    .await;
    let drain_end = Instant::now() + config.drain;
    while Instant::now() < drain_end && !all_accepted_final(&shared) {
        tokio::time::sleep(DRAIN_POLL).await;
    }
    reader.abort();

    let ledger = shared.ledger.lock().expect("ledger lock");
    Ok(figures(&config, &ledger, start, end))
}

/// Each sender's next nonce from the first node's finalized state.
async fn starting_nonces(
    client: &reqwest::Client,
    config: &Checked,
) -> Result<Vec<u64>, BenchError> {
    let node = &config.nodes[0];
    let lookups = config.senders.iter().map(|key| {
        let url = format!("{node}/v1/accounts/{}", address_of(key));
        async move {
            let response = client
                .get(&url)
                .timeout(config.request_timeout)
                .send()
                .await
                .map_err(|e| BenchError::Api(format!("GET {url}: {e}")))?;
            let status = response.status();
            let body = read_capped(response).await;
            if status != reqwest::StatusCode::OK {
                return Err(BenchError::Api(format!(
                    "GET {url}: {status}: {}",
                    String::from_utf8_lossy(&body)
                )));
            }
            // Only `nonce` is needed; reading just it keeps this client working as the
            // account view grows.
            serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|account| account.get("nonce")?.as_u64())
                .ok_or_else(|| {
                    BenchError::Api(format!("GET {url}: no account nonce in the answer"))
                })
        }
    });
    stream::iter(lookups)
        .buffered(NONCE_FETCH_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// Opens the event stream and waits for its headers.
async fn open_events(
    client: &reqwest::Client,
    config: &Checked,
) -> Result<reqwest::Response, BenchError> {
    let url = &config.events_url;
    let response = tokio::time::timeout(
        config.request_timeout,
        client
            .get(url)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .send(),
    )
    .await
    .map_err(|_| {
        BenchError::Api(format!(
            "GET {url}: no answer in {:?}",
            config.request_timeout
        ))
    })?
    .map_err(|e| BenchError::Api(format!("GET {url}: {e}")))?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(BenchError::Api(format!("GET {url}: {}", response.status())));
    }
    Ok(response)
}

/// Records the arrival of every `tx_outcome` for a transaction we sent.
async fn read_events(mut response: reqwest::Response, shared: Arc<Shared>) {
    let mut parser = terrane_client::sse::SseParser::new();
    let mut messages = Vec::new();
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) | Err(_) => break,
        };
        let arrived = Instant::now();
        parser.push(&chunk, &mut messages);
        if messages.is_empty() {
            continue;
        }
        let mut ledger = shared.ledger.lock().expect("ledger lock");
        for message in messages.drain(..) {
            match sse::observe(&message) {
                Some(sse::Observed::TxOutcome {
                    hash,
                    code,
                    charged,
                    ..
                }) => {
                    let Some(track) = ledger.txs.get_mut(&hash) else {
                        continue;
                    };
                    if !charged {
                        // Nothing happened and the same transaction may still execute later:
                        // noted, but not final.
                        *ledger.uncharged_codes.entry(code).or_default() += 1;
                    } else if track.finalized.is_none() {
                        // A transaction included twice (the second time as a duplicate) keeps
                        // its first outcome.
                        track.finalized = Some((arrived, code));
                    }
                }
                Some(sse::Observed::Lagged(skipped)) => ledger.events_lagged += skipped,
                None => {}
            }
        }
    }
    shared
        .ledger
        .lock()
        .expect("ledger lock")
        .events_stream_ended = true;
}

/// Sends transfers on schedule (`rate` per second from `start`) until `end`.
async fn submit_until(
    config: &Checked,
    shared: &Arc<Shared>,
    slots: &Arc<Semaphore>,
    start: Instant,
    end: Instant,
) {
    let rate = f64::from(config.rate_per_sec);
    let mut sent: u64 = 0;
    loop {
        let now = Instant::now();
        if now >= end {
            return;
        }
        // Transactions due by now (the first is due at `start`); a late loop catches up. The
        // product is at most rate × duration, far below where f64 loses integers.
        #[allow(clippy::cast_possible_truncation)]
        let due = ((now - start).as_secs_f64() * rate) as u64 + 1;
        while sent < due {
            // All slots busy means the nodes answer slower than the rate needs: wait, but
            // never past the end of the run.
            let acquire = Arc::clone(slots).acquire_owned();
            let deadline = tokio::time::Instant::from_std(end);
            let Ok(Ok(permit)) = tokio::time::timeout_at(deadline, acquire).await else {
                return;
            };
            let sender = round_robin(sent, config.senders.len());
            let node = &config.nodes[round_robin(sent, config.nodes.len())];
            let nonce = shared.nonces.lock().expect("nonce lock")[sender].take();
            let tx = transfer(
                &config.chain,
                &config.params,
                &config.senders[sender],
                Nonce::new(nonce),
                config.sink,
                Amount::new(TRANSFER_AMOUNT),
            );
            let id = tx.id();
            let body = encode_signed(&tx);
            {
                let mut ledger = shared.ledger.lock().expect("ledger lock");
                ledger.submitted += 1;
                ledger.txs.entry(id).or_insert(Track {
                    sent_at: Instant::now(),
                    accepted: false,
                    finalized: None,
                });
            }
            let url = format!("{node}/v1/tx");
            let shared = Arc::clone(shared);
            tokio::spawn(async move {
                let answer = post_tx(&shared, &url, body, id).await;
                record(&shared, id, sender, nonce, answer);
                drop(permit);
            });
            sent += 1;
        }
        let next_due = start + Duration::from_secs_f64(sent as f64 / rate);
        tokio::time::sleep_until(tokio::time::Instant::from_std(next_due.min(end))).await;
    }
}

/// `n mod len`, for picking the `n`-th item of a cycle.
fn round_robin(n: u64, len: usize) -> usize {
    usize::try_from(n % len as u64).expect("the remainder is below a usize length")
}

/// One `POST /v1/tx`.
async fn post_tx(shared: &Shared, url: &str, body: bytes::Bytes, id: Hash32) -> Answer {
    let response = match shared
        .client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .timeout(shared.request_timeout)
        .body(body)
        .send()
        .await
    {
        Ok(response) => response,
        Err(e) => return Answer::Transport(transport_kind(&e).to_owned()),
    };
    let status = response.status();
    let body = read_capped(response).await;
    match status.as_u16() {
        202 => Answer::Accepted {
            hash_matches: serde_json::from_slice::<TxSubmitted>(&body)
                .is_ok_and(|s| s.hash == id.to_string()),
        },
        409 => Answer::Accepted { hash_matches: true },
        code => {
            let error = serde_json::from_slice::<ErrorBody>(&body).ok();
            let reason = error
                .as_ref()
                .map_or_else(|| format!("{code}"), |e| format!("{code} {}", e.reason));
            let nonce_used = error.is_some_and(|e| e.code == AccountsRejection::NonceTooLow.code());
            Answer::Rejected { reason, nonce_used }
        }
    }
}

/// Books one answer, giving the nonce back unless the transaction got in or the nonce is spent.
fn record(shared: &Shared, id: Hash32, sender: usize, nonce: u64, answer: Answer) {
    let give_back = {
        let mut ledger = shared.ledger.lock().expect("ledger lock");
        match answer {
            Answer::Accepted { hash_matches } => {
                if !hash_matches {
                    ledger.hash_mismatches += 1;
                }
                if let Some(track) = ledger.txs.get_mut(&id) {
                    track.accepted = true;
                }
                false
            }
            Answer::Rejected { reason, nonce_used } => {
                ledger.rejected_by_api += 1;
                *ledger.api_rejections.entry(reason).or_default() += 1;
                !nonce_used
            }
            Answer::Transport(kind) => {
                ledger.transport_errors += 1;
                *ledger
                    .api_rejections
                    .entry(format!("transport {kind}"))
                    .or_default() += 1;
                true
            }
        }
    };
    if give_back {
        shared.nonces.lock().expect("nonce lock")[sender].give_back(nonce);
    }
}

fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "other"
    }
}

/// The response body, cut at [`MAX_RESPONSE_BYTES`] (empty if reading fails).
async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_RESPONSE_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == MAX_RESPONSE_BYTES {
            break;
        }
    }
    body
}

fn all_accepted_final(shared: &Shared) -> bool {
    let ledger = shared.ledger.lock().expect("ledger lock");
    ledger
        .txs
        .values()
        .all(|t| !t.accepted || t.finalized.is_some())
}

fn figures(config: &Checked, ledger: &Ledger, start: Instant, end: Instant) -> LoadFigures {
    // With a warm-up as long as the run, measure the whole run rather than nothing.
    let window_start = if config.warmup < config.duration {
        start + config.warmup
    } else {
        start
    };
    let window_secs = (end - window_start).as_secs_f64();

    let mut outcome_codes = BTreeMap::new();
    let mut latencies_micros = Vec::new();
    let mut finalized_in_window = 0u64;
    let mut accepted = 0u64;
    let mut unfinalized = 0u64;
    for track in ledger.txs.values() {
        if track.accepted {
            accepted += 1;
        }
        let Some((at, code)) = track.finalized else {
            if track.accepted {
                unfinalized += 1;
            }
            continue;
        };
        *outcome_codes.entry(code).or_insert(0u64) += 1;
        if at >= window_start && at <= end {
            finalized_in_window += 1;
        }
        if track.sent_at >= window_start {
            let micros = at.saturating_duration_since(track.sent_at).as_micros();
            latencies_micros.push(u64::try_from(micros).unwrap_or(u64::MAX));
        }
    }
    latencies_micros.sort_unstable();
    let ms = |pct| percentile(&latencies_micros, pct).map(|us| us as f64 / 1000.0);
    LoadFigures {
        nodes: config.nodes.len(),
        senders: config.senders.len(),
        target_per_sec: config.rate_per_sec,
        duration_secs: config.duration.as_secs_f64(),
        warmup_secs: (window_start - start).as_secs_f64(),
        submitted: ledger.submitted,
        accepted,
        rejected_by_api: ledger.rejected_by_api,
        transport_errors: ledger.transport_errors,
        finalized: outcome_codes.values().sum(),
        unfinalized,
        offered_per_sec: ledger.submitted as f64 / config.duration.as_secs_f64(),
        finalized_per_sec: finalized_in_window as f64 / window_secs,
        latency_samples: latencies_micros.len() as u64,
        latency_p50_ms: ms(50),
        latency_p99_ms: ms(99),
        latency_max_ms: ms(100),
        outcome_codes,
        uncharged_codes: ledger.uncharged_codes.clone(),
        api_rejections: ledger.api_rejections.clone(),
        hash_mismatches: ledger.hash_mismatches,
        events_lagged: ledger.events_lagged,
        events_stream_ended: ledger.events_stream_ended,
    }
}

impl fmt::Display for LoadFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1} ms"));
        writeln!(
            f,
            "load: {} nodes, {} senders, target {}/s for {:.0} s (first {:.0} s warm-up)",
            self.nodes, self.senders, self.target_per_sec, self.duration_secs, self.warmup_secs
        )?;
        writeln!(
            f,
            "  requests    submitted {} ({:.1}/s) | rejected {} | no answer {}",
            self.submitted, self.offered_per_sec, self.rejected_by_api, self.transport_errors
        )?;
        writeln!(
            f,
            "  txs         accepted {} | finalized {} | not final after drain {}",
            self.accepted, self.finalized, self.unfinalized
        )?;
        writeln!(
            f,
            "  finality    {:.1} tx/s sustained | latency p50 {} | p99 {} | max {} ({} samples)",
            self.finalized_per_sec,
            ms(self.latency_p50_ms),
            ms(self.latency_p99_ms),
            ms(self.latency_max_ms),
            self.latency_samples
        )?;
        let codes: Vec<String> = self
            .outcome_codes
            .iter()
            .map(|(code, n)| format!("{code}: {n}"))
            .collect();
        writeln!(f, "  outcomes    {}", codes.join(", "))?;
        if !self.uncharged_codes.is_empty() {
            let codes: Vec<String> = self
                .uncharged_codes
                .iter()
                .map(|(code, n)| format!("{code}: {n}"))
                .collect();
            writeln!(f, "  uncharged   {} (not final)", codes.join(", "))?;
        }
        if !self.api_rejections.is_empty() {
            let reasons: Vec<String> = self
                .api_rejections
                .iter()
                .map(|(reason, n)| format!("{reason}: {n}"))
                .collect();
            writeln!(f, "  rejections  {}", reasons.join(", "))?;
        }
        if self.hash_mismatches > 0 || self.events_lagged > 0 || self.events_stream_ended {
            writeln!(
                f,
                "  warnings    hash mismatches {} | events skipped {} | event stream ended {}",
                self.hash_mismatches, self.events_lagged, self.events_stream_ended
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_the_origin_of_plain_http_urls() {
        assert_eq!(
            base_url("http://127.0.0.1:8001").unwrap(),
            "http://127.0.0.1:8001"
        );
        assert_eq!(
            base_url("http://127.0.0.1:8001/").unwrap(),
            "http://127.0.0.1:8001"
        );
        assert_eq!(base_url("http://localhost").unwrap(), "http://localhost");
    }

    #[test]
    fn base_url_refuses_anything_but_a_plain_http_origin() {
        for bad in [
            "",
            "127.0.0.1:8001",
            "https://127.0.0.1:8001",
            "ftp://127.0.0.1",
            "http://127.0.0.1:8001/v1",
            "http://127.0.0.1:8001/?x=1",
            "http://user:pw@127.0.0.1:8001",
        ] {
            assert!(base_url(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn given_back_nonces_are_sent_again_lowest_first_before_new_ones() {
        let mut n = NonceAllocator::new(5);
        assert_eq!((n.take(), n.take(), n.take()), (5, 6, 7));
        n.give_back(7);
        n.give_back(6);
        assert_eq!((n.take(), n.take(), n.take()), (6, 7, 8));
    }

    #[test]
    fn config_validation_names_the_bad_field() {
        let ok = || {
            LoadConfig::new(
                vec!["http://127.0.0.1:8001".into()],
                "devnet",
                1_000,
                10,
                vec![named_key("alice")],
            )
        };
        assert!(Checked::new(ok()).is_ok());
        let cases: Vec<(LoadConfig, &str)> = vec![
            (
                LoadConfig {
                    nodes: vec![],
                    ..ok()
                },
                "node",
            ),
            (
                LoadConfig {
                    senders: vec![],
                    ..ok()
                },
                "sender",
            ),
            (
                LoadConfig {
                    rate_per_sec: 0,
                    ..ok()
                },
                "rate",
            ),
            (
                LoadConfig {
                    events_node: 1,
                    ..ok()
                },
                "events_node",
            ),
            (
                LoadConfig {
                    max_in_flight: MAX_IN_FLIGHT + 1,
                    ..ok()
                },
                "max_in_flight",
            ),
            (
                LoadConfig {
                    duration: Duration::ZERO,
                    ..ok()
                },
                "duration",
            ),
        ];
        for (config, word) in cases {
            let err = Checked::new(config).err().expect("invalid config accepted");
            assert!(err.to_string().contains(word), "{err} does not name {word}");
        }
    }

    #[test]
    fn figures_count_distinct_transactions_and_time_only_the_window() {
        let config = Checked::new(LoadConfig {
            duration: Duration::from_secs(10),
            warmup: Duration::from_secs(2),
            ..LoadConfig::new(
                vec!["http://127.0.0.1:8001".into()],
                "devnet",
                1_000,
                10,
                vec![named_key("alice")],
            )
        })
        .unwrap();
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let end = at(10_000);
        let mut ledger = Ledger {
            submitted: 5,
            ..Ledger::default()
        };
        let mut add = |i: u8, sent: u64, accepted: bool, fin: Option<(u64, u16)>| {
            ledger.txs.insert(
                Hash32::new([i; 32]),
                Track {
                    sent_at: at(sent),
                    accepted,
                    finalized: fin.map(|(ms, code)| (at(ms), code)),
                },
            );
        };
        add(1, 1_000, true, Some((1_500, 0))); // warm-up: counted, not timed
        add(2, 3_000, true, Some((3_100, 0))); // 100 ms
        add(3, 4_000, true, Some((4_300, 110))); // 300 ms
        add(4, 9_900, true, Some((10_400, 0))); // final after the window: 500 ms
        add(5, 5_000, true, None); // never final
        let fig = figures(&config, &ledger, start, end);
        assert_eq!(fig.accepted, 5);
        assert_eq!(fig.finalized, 4);
        assert_eq!(fig.unfinalized, 1);
        assert_eq!(fig.outcome_codes, BTreeMap::from([(0, 3), (110, 1)]));
        assert_eq!(fig.latency_samples, 3);
        assert_eq!(fig.latency_p50_ms, Some(300.0));
        assert_eq!(fig.latency_max_ms, Some(500.0));
        // Two outcomes arrived in the 8 s window after the warm-up.
        assert_eq!(fig.finalized_per_sec, 2.0 / 8.0);
    }
}
