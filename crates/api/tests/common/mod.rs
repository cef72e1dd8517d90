//! Shared by the integration tests: a fake [`Backend`], a server on a real socket, a tiny
//! Server-Sent Events reader, and a checker for the OpenAPI schema subset the document uses.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::Value;
use terrane_api::{
    AccountView, ApiError, Backend, BlockId, BlockView, ChainEvent, OutcomeView, StatusView,
    TxInBlock, TxStatus, TxStatusView, TxSubmitted, hex,
};
use tokio::{net::TcpListener, sync::broadcast, sync::oneshot, task::JoinHandle};

/// Height of the fake chain's latest finalized block.
pub const LATEST_HEIGHT: u64 = 10;

/// A transaction the fake backend already knows: submitting it is a 409.
pub const KNOWN_TX: &[u8] = b"known";

/// Reason code the fake backend uses for a stateful rejection.
pub const BAD_SIGNATURE_CODE: u16 = 13;

/// An in-memory stand-in for the node.
pub struct FakeBackend {
    /// Chain events; the test publishes on it.
    pub events: broadcast::Sender<ChainEvent>,
    /// Published right after each subscription is made, to overflow a small channel on purpose.
    pub prefill_on_subscribe: Vec<ChainEvent>,
    /// Every transaction `submit_tx` accepted, in order.
    pub submitted: Mutex<Vec<Vec<u8>>>,
    /// Returned by `block` instead of a block, to test pass-through of backend errors.
    pub block_error: Option<ApiError>,
}

impl FakeBackend {
    pub fn new() -> Self {
        Self::with_event_capacity(64)
    }

    pub fn with_event_capacity(capacity: usize) -> Self {
        Self {
            events: broadcast::channel(capacity).0,
            prefill_on_subscribe: Vec::new(),
            submitted: Mutex::new(Vec::new()),
            block_error: None,
        }
    }
}

pub fn outcome(code: u16) -> OutcomeView {
    let (name, description) = match code {
        0 => ("ok", "The transaction executed."),
        7 => ("malformed", "The transaction could not be decoded."),
        9 => ("tx_too_large", "The transaction exceeds the size limit."),
        13 => ("bad_signature", "The signature does not verify."),
        _ => ("unassigned", "No such rule."),
    };
    OutcomeView {
        code,
        name: name.into(),
        description: description.into(),
    }
}

/// The fake's transaction hash: the bytes of `tx`, cycled to 32 bytes.
pub fn fake_hash(tx: &[u8]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = tx[i % tx.len()];
    }
    hash
}

pub fn block_view(height: u64) -> BlockView {
    BlockView {
        height,
        digest: hex::encode([height.to_le_bytes(), [1; 8], [2; 8], [3; 8]].concat()),
        parent: hex::encode([0xaa; 32]),
        timestamp_ms: 1_700_000_000_000 + height * 1_000,
        epoch: height / 100,
        view: height + 2,
        proposer: hex::encode([0xbb; 32]),
        header: hex::encode([0xab; 64]),
        state_root: hex::encode([0xcc; 32]),
        seed: height.is_multiple_of(2).then(|| hex::encode([0xdd; 48])),
        tx_count: 2,
        txs: vec![
            TxInBlock {
                hash: hex::encode([0x11; 32]),
                outcome: outcome(0),
            },
            TxInBlock {
                hash: hex::encode([0x22; 32]),
                outcome: outcome(BAD_SIGNATURE_CODE),
            },
        ],
        finalization: (height != LATEST_HEIGHT).then(|| hex::encode([0xee; 96])),
    }
}

pub fn block_event(height: u64) -> ChainEvent {
    ChainEvent::Block {
        height,
        digest: hex::encode([0x01; 32]),
        tx_count: 1,
        state_root: hex::encode([0x02; 32]),
        timestamp_ms: 1_700_000_000_000 + height,
    }
}

pub fn tx_outcome_event(height: u64, index: u32) -> ChainEvent {
    ChainEvent::TxOutcome {
        hash: hex::encode([0x03; 32]),
        height,
        index,
        code: 0,
        name: "ok".into(),
    }
}

impl Backend for FakeBackend {
    async fn status(&self) -> Result<StatusView, ApiError> {
        Ok(StatusView {
            chain_id: "terrane-test".into(),
            genesis_hash: hex::encode([0x47; 32]),
            finalized_height: LATEST_HEIGHT,
            finalized_block: hex::encode([0x48; 32]),
            state_root: hex::encode([0x49; 32]),
            peers: 3,
            validators: 4,
            mempool_size: 0,
            network_identity: hex::encode([0x4a; 96]),
        })
    }

    async fn submit_tx(&self, tx: Vec<u8>) -> Result<TxSubmitted, ApiError> {
        if tx == KNOWN_TX {
            return Err(ApiError::conflict(
                0,
                "already_known",
                "transaction already known",
            ));
        }
        if tx.first() == Some(&0xff) {
            return Err(ApiError::bad_request(
                BAD_SIGNATURE_CODE,
                "bad_signature",
                "the signature does not verify",
            ));
        }
        let hash = hex::encode(fake_hash(&tx));
        self.submitted.lock().unwrap().push(tx);
        Ok(TxSubmitted { hash })
    }

    /// Hash first byte 0: unknown; 1: pending; anything else: included at height 5.
    async fn tx(&self, hash: [u8; 32]) -> Result<TxStatusView, ApiError> {
        let (status, height, index, outcome) = match hash[0] {
            0 => (TxStatus::Unknown, None, None, None),
            1 => (TxStatus::Pending, None, None, None),
            _ => (TxStatus::Included, Some(5), Some(1), Some(outcome(0))),
        };
        Ok(TxStatusView {
            hash: hex::encode(hash),
            status,
            height,
            index,
            outcome,
        })
    }

    /// Address first byte 0: no record (exclusion proof); anything else: a funded account.
    async fn account(&self, address: [u8; 32]) -> Result<AccountView, ApiError> {
        let exists = address[0] != 0;
        Ok(AccountView {
            address: hex::encode(address),
            balance: if exists { 1_000 } else { 0 },
            nonce: if exists { 4 } else { 0 },
            height: LATEST_HEIGHT,
            state_root: hex::encode([0x49; 32]),
            key: hex::encode([0x50; 32]),
            value: exists.then(|| hex::encode([0x51; 16])),
            proof: hex::encode([0x52; 64]),
        })
    }

    async fn block(&self, id: BlockId) -> Result<Option<BlockView>, ApiError> {
        if let Some(error) = &self.block_error {
            return Err(error.clone());
        }
        Ok(match id {
            BlockId::Latest => Some(block_view(LATEST_HEIGHT)),
            BlockId::Height(height) if height <= LATEST_HEIGHT => Some(block_view(height)),
            BlockId::Height(_) => None,
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        let receiver = self.events.subscribe();
        for event in &self.prefill_on_subscribe {
            let _ = self.events.send(event.clone());
        }
        receiver
    }

    fn metrics(&self) -> String {
        "# TYPE terrane_finalized_height gauge\nterrane_finalized_height 10\n".into()
    }

    fn outcomes(&self) -> Vec<OutcomeView> {
        [0, 7, 9, BAD_SIGNATURE_CODE]
            .into_iter()
            .map(outcome)
            .collect()
    }
}

/// A running API server on 127.0.0.1 with an ephemeral port.
pub struct TestServer {
    pub base: String,
    pub backend: Arc<FakeBackend>,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(backend: FakeBackend) -> Self {
        let backend = Arc::new(backend);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, signal) = oneshot::channel::<()>();
        let handle = tokio::spawn(terrane_api::serve(
            Arc::clone(&backend),
            listener,
            async move {
                let _ = signal.await;
            },
        ));
        Self {
            base,
            backend,
            client: reqwest::Client::new(),
            shutdown: Some(shutdown),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Waits until `count` event-stream subscribers are attached to the backend.
    pub async fn wait_for_subscribers(&self, count: usize) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while self.backend.events.receiver_count() < count {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("event-stream subscriber never attached");
    }

    /// Signals shutdown and returns how `serve` ended.
    pub async fn shut_down(mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let handle = self.handle.take().unwrap();
        tokio::time::timeout(Duration::from_secs(5), handle)
            .await
            .expect("serve did not return after shutdown")
            .unwrap()
    }
}

/// Reads Server-Sent Event messages from a streaming response.
pub struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

/// One SSE message: its `event:` name and `data:` text. Comment lines are dropped.
#[derive(Debug, PartialEq, Eq)]
pub struct SseMessage {
    pub event: String,
    pub data: String,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next message with an event name or data, or `None` when the stream ends.
    pub async fn next(&mut self) -> Option<SseMessage> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut message = SseMessage {
                    event: String::new(),
                    data: String::new(),
                };
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        message.event = name.trim_start().to_owned();
                    } else if let Some(data) = line.strip_prefix("data:") {
                        message.data.push_str(data.trim_start());
                    }
                }
                if !message.event.is_empty() || !message.data.is_empty() {
                    return Some(message);
                }
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => self.buffer.push_str(std::str::from_utf8(&chunk).unwrap()),
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Like [`SseReader::next`] but fails the test after five seconds.
    pub async fn expect_next(&mut self) -> SseMessage {
        tokio::time::timeout(Duration::from_secs(5), self.next())
            .await
            .expect("no event within 5 s")
            .expect("stream ended")
    }
}

/// Checks that an error response is the documented JSON error object.
pub async fn error_body(response: reqwest::Response) -> Value {
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "error content type {content_type:?}, body {text:?}"
    );
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    assert!(body["code"].is_u64(), "no numeric code in {body}");
    assert!(body["reason"].is_string(), "no reason in {body}");
    assert!(body["message"].is_string(), "no message in {body}");
    body
}

/// Validates `value` against an OpenAPI 3.0 `schema`, resolving `$ref`s in `document`.
///
/// Supports what the document uses: `$ref`, `allOf`, `oneOf`, `nullable`, `type`, `enum`,
/// `required`, `properties`, `items`, `minimum`, `maximum` and the document's `pattern`s.
/// It is stricter than OpenAPI in one way: an object property the schema does not declare is
/// an error, so a field added to a view without documenting it fails the test.
pub fn check_schema(
    document: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
) -> Result<(), String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| format!("{at}: non-local $ref {reference}"))?;
        let target = document
            .pointer(pointer)
            .ok_or_else(|| format!("{at}: dangling $ref {reference}"))?;
        return check_schema(document, target, value, at);
    }
    if value.is_null() {
        return if schema.get("nullable") == Some(&Value::Bool(true)) {
            Ok(())
        } else {
            Err(format!("{at}: null where the schema is not nullable"))
        };
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            check_schema(document, part, value, at)?;
        }
    }
    if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
        let matches = one
            .iter()
            .filter(|part| check_schema(document, part, value, at).is_ok())
            .count();
        if matches != 1 {
            return Err(format!(
                "{at}: {value} matches {matches} oneOf branches, not 1"
            ));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} not in enum {allowed:?}"));
    }
    let Some(kind) = schema.get("type").and_then(Value::as_str) else {
        return Ok(());
    };
    match kind {
        "object" => {
            let object = value
                .as_object()
                .ok_or_else(|| format!("{at}: expected object, got {value}"))?;
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().unwrap();
                if !object.contains_key(name) {
                    return Err(format!("{at}: missing required field {name}"));
                }
            }
            if let Some(properties) = properties {
                for (name, field) in object {
                    let field_schema = properties
                        .get(name)
                        .ok_or_else(|| format!("{at}: undocumented field {name}"))?;
                    check_schema(document, field_schema, field, &format!("{at}.{name}"))?;
                }
            }
            Ok(())
        }
        "array" => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{at}: expected array, got {value}"))?;
            let item_schema = schema
                .get("items")
                .ok_or_else(|| format!("{at}: array schema without items"))?;
            for (i, item) in items.iter().enumerate() {
                check_schema(document, item_schema, item, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        "string" => {
            let text = value
                .as_str()
                .ok_or_else(|| format!("{at}: expected string, got {value}"))?;
            match schema.get("pattern").and_then(Value::as_str) {
                None => Ok(()),
                Some(pattern) => check_pattern(pattern, text).map_err(|e| format!("{at}: {e}")),
            }
        }
        "integer" => {
            let number = value
                .as_u64()
                .map(i128::from)
                .or_else(|| value.as_i64().map(i128::from))
                .ok_or_else(|| format!("{at}: expected integer, got {value}"))?;
            let bound = |key: &str| schema.get(key).and_then(Value::as_u64).map(i128::from);
            if bound("minimum").is_some_and(|min| number < min)
                || bound("maximum").is_some_and(|max| number > max)
            {
                return Err(format!("{at}: {number} outside the schema's range"));
            }
            Ok(())
        }
        "boolean" if value.is_boolean() => Ok(()),
        "number" if value.is_number() => Ok(()),
        other => Err(format!("{at}: expected {other}, got {value}")),
    }
}

/// The document's regular expressions, checked by hand so the tests need no regex crate.
/// A new pattern in the document fails here until the checker learns it.
fn check_pattern(pattern: &str, text: &str) -> Result<(), String> {
    let lower_hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let ok = match pattern {
        "^[0-9a-f]{64}$" => text.len() == 64 && lower_hex(text),
        "^([0-9a-f]{2})*$" => text.len().is_multiple_of(2) && lower_hex(text),
        "^(latest|[0-9]+)$" => {
            text == "latest" || (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        }
        other => return Err(format!("checker does not know pattern {other}")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{text:?} does not match {pattern}"))
    }
}

/// The operation in `document` serving `method` on concrete `path`, with its path template.
pub fn find_operation<'a>(
    document: &'a Value,
    method: &str,
    path: &str,
) -> Option<(&'a str, &'a Value)> {
    let concrete: Vec<&str> = path.split('/').collect();
    document["paths"]
        .as_object()?
        .iter()
        .find_map(|(template, item)| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == concrete.len()
                && parts
                    .iter()
                    .zip(&concrete)
                    .all(|(part, segment)| part.starts_with('{') || part == segment);
            matches
                .then(|| item.get(method.to_ascii_lowercase()))
                .flatten()
                .map(|operation| (template.as_str(), operation))
        })
}
