//! The connection layer as an adversarial client meets it: real sockets against a real server.
// Timeouts are what is under test here, measured on the wall clock; this is not state code.
#![allow(clippy::disallowed_methods)]

mod common;

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use common::{FakeBackend, assert_documented, block_event};
use serde_json::Value;
use terrane_api::{ServerLimits, ServerStats};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

struct Server {
    addr: SocketAddr,
    backend: Arc<FakeBackend>,
    stats: ServerStats,
    _stop: oneshot::Sender<()>,
}

async fn start(limits: ServerLimits) -> Server {
    let backend = Arc::new(FakeBackend::with_event_capacity(65_536));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stats = ServerStats::default();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(terrane_api::serve_with(
        Arc::clone(&backend),
        listener,
        limits,
        stats.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        addr,
        backend,
        stats,
        _stop: stop,
    }
}

/// Reads until the server closes the connection or `limit` passes; returns what was read and
/// whether the server closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    let mut seen = Vec::new();
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return (seen, false),
            Ok(Ok(0)) | Ok(Err(_)) => return (seen, true),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Sends one request on a fresh connection and returns the status and JSON body.
async fn request(addr: SocketAddr, raw: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let (bytes, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    parse_response(&bytes)
}

fn parse_response(bytes: &[u8]) -> (u16, Value) {
    let text = String::from_utf8_lossy(bytes);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default();
    // A chunked body (keep-alive answers) starts with its hex length line.
    let json = body
        .find('{')
        .and_then(|start| body.rfind('}').map(|end| &body[start..=end]))
        .unwrap_or("null");
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n").into_bytes()
}

#[tokio::test]
async fn slowloris_client_is_disconnected_after_the_header_timeout() {
    let server = start(ServerLimits {
        header_read_timeout_ms: 600,
        ..ServerLimits::default()
    })
    .await;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /v1/status HTTP/1.1\r\nhost: test\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut closed = false;
    // One header byte every 100 ms: bytes keep moving, the head never ends.
    for _ in 0..40 {
        if slow.write_all(b"x").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(100), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            _ => {}
        }
    }
    let waited = started.elapsed();
    assert!(closed, "a slowloris client was still connected after 4 s");
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(3),
        "closed after {waited:?}, expected about the 600 ms header timeout"
    );
    // Meanwhile a well-behaved client is served.
    let (status, _) = request(server.addr, &get("/v1/outcomes")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn connection_cap_refuses_the_next_connection_with_a_json_error_while_existing_clients_work()
{
    let server = start(ServerLimits {
        max_connections: 3,
        max_connections_per_ip: 3,
        max_subscribers: 3,
        header_read_timeout_ms: 30_000,
        idle_timeout_ms: 30_000,
        ..ServerLimits::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(server.addr).await.unwrap());
    }
    // Let the server admit all three before the fourth arrives.
    while server.stats.open_connections.get() < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (status, body) = request(server.addr, &get("/v1/outcomes")).await;
    assert_eq!(status, 503);
    assert_eq!(body["reason"], "too_many_connections");
    assert_documented("GET", "/v1/outcomes", status, &body);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("api.max_connections"),
        "{body}"
    );
    assert_eq!(server.stats.refused_connections_total.get(), 1);
    // An admitted connection still gets answers.
    let mut first = held.remove(0);
    first.write_all(&get("/v1/outcomes")).await.unwrap();
    let (bytes, _) = read_until_closed(&mut first, Duration::from_secs(5)).await;
    assert_eq!(parse_response(&bytes).0, 200);
    // Its place is free again once it closed.
    drop(first);
    while server.stats.open_connections.get() > 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(request(server.addr, &get("/v1/outcomes")).await.0, 200);
}

#[tokio::test]
async fn idle_sockets_are_closed_after_the_header_timeout_and_free_their_places() {
    let server = start(ServerLimits {
        header_read_timeout_ms: 400,
        ..ServerLimits::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(TcpStream::connect(server.addr).await.unwrap());
    }
    for stream in &mut idle {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(3)).await;
        assert!(closed, "a silent socket stayed open");
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.stats.open_connections.get() > 0 {
        assert!(
            Instant::now() < deadline,
            "closed sockets still counted open"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn oversized_path_headers_and_declared_body_get_json_errors_without_waiting_for_the_body() {
    let server = start(ServerLimits::default()).await;
    let long_path = format!("/v1/blocks/{}", "1".repeat(100_000));
    let (status, body) = request(server.addr, &get(&long_path)).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (414, Some("uri_too_long"))
    );
    assert_documented("GET", &long_path, status, &body);

    let big_header = format!(
        "GET /v1/status HTTP/1.1\r\nhost: test\r\nx-padding: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let (status, body) = request(server.addr, big_header.as_bytes()).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (431, Some("headers_too_large"))
    );
    assert_documented("GET", "/v1/status", status, &body);

    let started = Instant::now();
    let (status, body) = request(
        server.addr,
        b"POST /v1/tx HTTP/1.1\r\nhost: test\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000000000000\r\n\r\n",
    )
    .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (413, Some("tx_too_large"))
    );
    assert_documented("POST", "/v1/tx", status, &body);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn requests_the_parser_refuses_still_get_json_error_bodies() {
    let server = start(ServerLimits::default()).await;
    let (status, body) = request(server.addr, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_eq!((status, body["reason"].as_str()), (400, Some("malformed")));
    // Past the parser's own buffer (4 x max_header_bytes), the parser answers; still JSON.
    let huge = format!(
        "GET /v1/status HTTP/1.1\r\nhost: test\r\nx-padding: {}\r\n\r\n",
        "a".repeat(200_000)
    );
    let (status, body) = request(server.addr, huge.as_bytes()).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (431, Some("headers_too_large"))
    );
    assert_documented("GET", "/v1/status", status, &body);
}

#[tokio::test]
async fn a_body_that_trickles_past_its_timeout_is_refused() {
    let server = start(ServerLimits {
        body_read_timeout_ms: 500,
        ..ServerLimits::default()
    })
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST /v1/tx HTTP/1.1\r\nhost: test\r\ncontent-type: application/octet-stream\r\ncontent-length: 100\r\n\r\nabc")
        .await
        .unwrap();
    let started = Instant::now();
    let (bytes, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let (status, body) = parse_response(&bytes);
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("body_read_timeout_ms"),
        "{body}"
    );
    assert_documented("POST", "/v1/tx", status, &body);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn requests_over_the_per_address_rate_get_429_with_retry_after() {
    let server = start(ServerLimits {
        requests_per_second_per_ip: 1,
        request_burst_per_ip: 2,
        ..ServerLimits::default()
    })
    .await;
    assert_eq!(request(server.addr, &get("/v1/outcomes")).await.0, 200);
    assert_eq!(request(server.addr, &get("/v1/outcomes")).await.0, 200);
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(&get("/v1/outcomes")).await.unwrap();
    let (bytes, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    assert!(text.contains("retry-after: 1"), "{text}");
    let (status, body) = parse_response(&bytes);
    assert_eq!(
        (status, body["reason"].as_str()),
        (429, Some("rate_limited"))
    );
    assert_documented("GET", "/v1/outcomes", status, &body);
    assert_eq!(server.stats.rate_limited.get(), 1);
}

/// Opens an event stream whose reader never reads, on a small receive buffer.
async fn stalled_subscriber(addr: SocketAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    stream
        .write_all(b"GET /v1/events HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .unwrap();
    stream
}

#[tokio::test]
async fn stalled_subscriber_is_dropped_after_its_queue_fills_and_others_get_every_event() {
    let server = start(ServerLimits {
        subscriber_queue_events: 64,
        send_buffer_bytes: 4096,
        ..ServerLimits::default()
    })
    .await;
    let mut stalled = stalled_subscriber(server.addr).await;
    let client = reqwest::Client::new();
    let reader = client
        .get(format!("http://{}/v1/events", server.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(reader.status(), 200);
    while server.backend.events.receiver_count() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    const EVENTS: u64 = 3000;
    let collect = tokio::spawn(async move {
        let mut reader = common::SseReader::new(reader);
        let mut heights = Vec::new();
        while (heights.len() as u64) < EVENTS {
            let message = tokio::time::timeout(Duration::from_secs(10), reader.next())
                .await
                .expect("the reading subscriber kept receiving")
                .expect("the reading subscriber's stream stayed open");
            assert_eq!(message.event, "block", "the reading subscriber lagged");
            let data: Value = serde_json::from_str(&message.data).unwrap();
            heights.push(data["height"].as_u64().unwrap());
        }
        (heights, reader)
    });
    for height in 0..EVENTS {
        server.backend.events.send(block_event(height)).unwrap();
        if height % 8 == 7 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let (heights, _reader) = collect.await.unwrap();
    assert_eq!(heights, (0..EVENTS).collect::<Vec<_>>());
    // The stalled one is dropped once its queue has stayed full for the 5 s grace.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.stats.dropped_subscribers.get() == 0 {
        assert!(
            Instant::now() < deadline,
            "the stalled subscriber was never dropped"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.stats.dropped_subscribers.get(), 1);
    // The stalled subscriber never reads its `lagged` message, so after the grace period the
    // server closes its connection: reading now drains the buffers and then finds the end.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (bytes, closed) = read_until_closed(&mut stalled, Duration::from_secs(5)).await;
    assert!(closed, "the stalled subscriber's connection is still open");
    assert!(!bytes.is_empty());
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.stats.open_subscribers.get() != 1 {
        assert!(Instant::now() < deadline, "the dropped stream still counts");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_burst_larger_than_the_queue_does_not_drop_a_reading_subscriber() {
    let server = start(ServerLimits {
        subscriber_queue_events: 16,
        ..ServerLimits::default()
    })
    .await;
    let reader = reqwest::Client::new()
        .get(format!("http://{}/v1/events", server.addr))
        .send()
        .await
        .unwrap();
    while server.backend.events.receiver_count() < 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // One block's worth of events at once: 50 times the queue.
    for height in 0..800 {
        server.backend.events.send(block_event(height)).unwrap();
    }
    let mut reader = common::SseReader::new(reader);
    for height in 0..800 {
        let message = reader.expect_next().await;
        assert_eq!(message.event, "block");
        let data: Value = serde_json::from_str(&message.data).unwrap();
        assert_eq!(data["height"], height);
    }
    assert_eq!(server.stats.dropped_subscribers.get(), 0);
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_and_reads_again_gets_lagged_then_the_stream_ends() {
    let server = start(ServerLimits {
        subscriber_queue_events: 8,
        send_buffer_bytes: 4096,
        ..ServerLimits::default()
    })
    .await;
    let mut slow = stalled_subscriber(server.addr).await;
    while server.backend.events.receiver_count() < 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for height in 0..2000 {
        server.backend.events.send(block_event(height)).unwrap();
    }
    // Dropped once its queue has stayed full for the 5 s grace.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.stats.dropped_subscribers.get() == 0 {
        assert!(
            Instant::now() < deadline,
            "the slow subscriber was never dropped"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // It reads again within the grace period: it gets the `lagged` message, then the end of
    // the response (the last chunk of its chunked body).
    let mut bytes = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(4);
    let mut buf = [0u8; 8192];
    while !bytes.ends_with(b"\r\n0\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, slow.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => bytes.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("event: lagged"),
        "no lagged message in {text}"
    );
    assert!(
        bytes.ends_with(b"\r\n0\r\n\r\n"),
        "the stream did not end after lagged"
    );
}

#[tokio::test]
async fn the_subscriber_cap_refuses_the_next_stream_with_503() {
    let server = start(ServerLimits {
        max_subscribers: 2,
        ..ServerLimits::default()
    })
    .await;
    let _a = stalled_subscriber(server.addr).await;
    let _b = stalled_subscriber(server.addr).await;
    while server.stats.open_subscribers.get() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (status, body) = request(server.addr, &get("/v1/events")).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (503, Some("too_many_subscribers"))
    );
    assert_documented("GET", "/v1/events", status, &body);
}
