//! Endpoint behaviour over a real socket: decoding, status codes, error bodies, CORS, the
//! event stream and shutdown.

mod common;

use std::time::Duration;

use common::{
    AREA_AB, BAD_SIGNATURE_CODE, CELL_A, CELL_B, CURRENT_EPOCH, DEVICE_A, DEVICE_B, DEVICE_C,
    EPOCH_LENGTH_BLOCKS, FakeBackend, KNOWN_TX, LATEST_HEIGHT, OWNER_A, SseReader, TestServer,
    block_event, cell_text, epoch_closed_event, error_body, fake_hash, report_outcome_event,
    tx_outcome_event,
};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use terrane_api::{
    AccountView, ApiError, Backend, BlockView, CellView, ChainEvent, DEFAULT_DEVICE_LIST_LIMIT,
    DeviceListView, DeviceOutcomesView, DeviceQuery, DeviceRewardsView, DeviceView, EpochView,
    MAX_BODY_BYTES, MAX_DEVICE_LIST_LIMIT, OutcomeView, RewardProofView, StateProofView,
    StatusView, StreamLagged, TxStatus, TxStatusView, TxSubmitted, hex,
};

const OCTET_STREAM: &str = "application/octet-stream";
const TEXT: &str = "text/plain";
const JSON: &str = "application/json";

async fn json_of<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    response.json().await.unwrap()
}

#[tokio::test]
async fn status_returns_the_backend_view() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.get("/v1/status").await;
    assert_eq!(response.status(), StatusCode::OK);
    let status: StatusView = json_of(response).await;
    assert_eq!(status.finalized_height, LATEST_HEIGHT);
    assert_eq!(status.chain_id, "terrane-test");
}

#[tokio::test]
async fn submit_tx_accepts_binary_hex_and_json_bodies_as_the_same_bytes() {
    let server = TestServer::start(FakeBackend::new()).await;
    let tx = vec![0x01, 0x02, 0xab, 0xcd];
    let bodies = [
        (OCTET_STREAM, tx.clone()),
        (TEXT, b"0102abcd\n".to_vec()),
        ("text/plain; charset=utf-8", b"0102ABCD".to_vec()),
        (JSON, br#"{"tx":"0102abcd"}"#.to_vec()),
    ];
    for (content_type, body) in bodies {
        let response = server.post("/v1/tx", content_type, body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{content_type}");
        let submitted: TxSubmitted = json_of(response).await;
        assert_eq!(submitted.hash, hex::encode(fake_hash(&tx)));
    }
    assert_eq!(*server.backend.submitted.lock().unwrap(), vec![tx; 4]);
}

#[tokio::test]
async fn submit_tx_rejects_bad_hex_with_malformed_code() {
    let server = TestServer::start(FakeBackend::new()).await;
    let cases: [(&str, &[u8]); 6] = [
        (TEXT, b"zz"),
        (TEXT, b"abc"),
        (TEXT, b"0x01x2"),
        (TEXT, &[0xc3, 0x28]),
        (JSON, br#"{"tx":"nothex"}"#),
        (JSON, b"not json"),
    ];
    for (content_type, body) in cases {
        let response = server.post("/v1/tx", content_type, body.to_vec()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let error = error_body(response).await;
        assert_eq!(error["code"], 7);
        assert_eq!(error["reason"], "malformed");
    }
    assert!(server.backend.submitted.lock().unwrap().is_empty());
}

#[tokio::test]
async fn submit_tx_json_refuses_other_members_and_explains_in_its_own_words() {
    let server = TestServer::start(FakeBackend::new()).await;
    let cases: [(&[u8], &str); 6] = [
        (br#"{"tx":"00","fee":1}"#, "unknown member \"fee\""),
        (br#"{"tx":1}"#, "tx must be a string"),
        (br#"{}"#, "tx member is missing"),
        (br#"["00"]"#, "not a JSON object"),
        (br#"{"tx":"#, "not JSON (line 1, column 6)"),
        (br#"{"tx":"00","tx":"00"}"#, "given twice"),
    ];
    for (body, needle) in cases {
        let response = server.post("/v1/tx", JSON, body.to_vec()).await;
        let what = String::from_utf8_lossy(body);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
        let error = error_body(response).await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(needle), "{what}: {message}");
        for library_text in ["expected struct", "SubmitTxRequest", "invalid type"] {
            assert!(!message.contains(library_text), "{what}: {message}");
        }
    }
    assert!(server.backend.submitted.lock().unwrap().is_empty());
}

#[tokio::test]
async fn receipt_is_served_with_its_proof_and_a_transaction_without_one_is_a_json_404() {
    let server = TestServer::start(FakeBackend::new()).await;
    let included = hex::encode([7u8; 32]);
    let response = server.get(&format!("/v1/tx/{included}/receipt")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let proof: StateProofView = json_of(response).await;
    assert!(proof.value.is_some());
    let pending = hex::encode([1u8; 32]);
    let response = server.get(&format!("/v1/tx/{pending}/receipt")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_body(response).await["reason"], "not_found");
    let response = server.get("/v1/tx/0x00/receipt").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn submit_tx_rejects_an_empty_transaction_in_every_encoding() {
    let server = TestServer::start(FakeBackend::new()).await;
    for (content_type, body) in [
        (OCTET_STREAM, &b""[..]),
        (TEXT, b"\n"),
        (JSON, br#"{"tx":""}"#),
    ] {
        let response = server.post("/v1/tx", content_type, body.to_vec()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{content_type}");
        assert_eq!(error_body(response).await["code"], 7);
    }
}

#[tokio::test]
async fn submit_tx_without_an_accepted_content_type_is_415() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server
        .post(
            "/v1/tx",
            "application/x-www-form-urlencoded",
            b"tx=00".to_vec(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        error_body(response).await["reason"],
        "unsupported_media_type"
    );

    let response = server
        .client
        .post(server.url("/v1/tx"))
        .body("00")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn oversized_tx_is_rejected_with_413_and_code_9() {
    let server = TestServer::start(FakeBackend::new()).await;
    for content_type in [OCTET_STREAM, TEXT, JSON] {
        let response = server
            .post("/v1/tx", content_type, vec![b'a'; MAX_BODY_BYTES + 1])
            .await;
        assert_eq!(
            response.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{content_type}"
        );
        let error = error_body(response).await;
        assert_eq!(error["code"], 9);
        assert_eq!(error["reason"], "tx_too_large");
    }
}

#[tokio::test]
async fn tx_of_exactly_the_body_limit_is_accepted() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server
        .post("/v1/tx", OCTET_STREAM, vec![0x42; MAX_BODY_BYTES])
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn backend_rejection_of_a_tx_is_passed_through_with_its_code() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.post("/v1/tx", OCTET_STREAM, KNOWN_TX.to_vec()).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_body(response).await["reason"], "already_known");

    let response = server.post("/v1/tx", OCTET_STREAM, vec![0xff, 0x00]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_body(response).await;
    assert_eq!(error["code"], BAD_SIGNATURE_CODE);
    assert_eq!(error["reason"], "bad_signature");
}

#[tokio::test]
async fn tx_hash_with_wrong_length_is_rejected() {
    let server = TestServer::start(FakeBackend::new()).await;
    let bad = [
        "ab".repeat(31) + "a",
        "ab".repeat(32) + "a",
        "zz".repeat(32),
        "0x".to_owned() + &"ab".repeat(31),
    ];
    for hash in bad {
        let response = server.get(&format!("/v1/tx/{hash}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{hash}");
        let error = error_body(response).await;
        assert_eq!(error["code"], 7);
        assert_eq!(error["reason"], "malformed");
    }
}

#[tokio::test]
async fn tx_status_reports_unknown_pending_and_included_with_200() {
    let server = TestServer::start(FakeBackend::new()).await;
    let cases = [
        (0x00, TxStatus::Unknown, None),
        (0x01, TxStatus::Pending, None),
        (0x02, TxStatus::Included, Some(5)),
    ];
    for (first, expected, height) in cases {
        let hash = hex::encode([first; 32]);
        let response = server.get(&format!("/v1/tx/{hash}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let view: TxStatusView = json_of(response).await;
        assert_eq!(
            (view.status, view.height, view.hash),
            (expected, height, hash)
        );
    }
}

#[tokio::test]
async fn account_endpoint_returns_proof_fields() {
    let server = TestServer::start(FakeBackend::new()).await;
    let funded = hex::encode([0x07; 32]);
    let response = server.get(&format!("/v1/accounts/{funded}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = json_of(response).await;
    for field in [
        "address",
        "balance",
        "nonce",
        "height",
        "state_root",
        "key",
        "value",
        "proof",
    ] {
        assert!(body.get(field).is_some(), "missing {field} in {body}");
    }
    let account: AccountView = serde_json::from_value(body).unwrap();
    assert_eq!((account.address, account.balance), (funded, 1_000));
    assert!(account.value.is_some());

    // An absent account is still 200: a zero balance with an exclusion proof.
    let absent = hex::encode([0x00; 32]);
    let body: Value = json_of(server.get(&format!("/v1/accounts/{absent}")).await).await;
    assert_eq!(body["value"], Value::Null);
    assert!(
        body["proof"]
            .as_str()
            .is_some_and(|proof| !proof.is_empty())
    );
}

#[tokio::test]
async fn account_address_that_is_not_64_hex_characters_is_rejected() {
    let server = TestServer::start(FakeBackend::new()).await;
    for address in ["", "00", &"g".repeat(64)] {
        let response = server.get(&format!("/v1/accounts/{address}")).await;
        let status = response.status();
        let error = error_body(response).await;
        // An empty segment matches no route at all.
        if address.is_empty() {
            assert_eq!(status, StatusCode::NOT_FOUND);
        } else {
            assert_eq!(
                (status, error["code"].as_u64()),
                (StatusCode::BAD_REQUEST, Some(7))
            );
        }
    }
}

#[tokio::test]
async fn blocks_resolve_by_latest_and_height_and_a_missing_height_is_a_json_404() {
    let server = TestServer::start(FakeBackend::new()).await;
    let latest: BlockView = json_of(server.get("/v1/blocks/latest").await).await;
    assert_eq!(latest.height, LATEST_HEIGHT);
    let third: BlockView = json_of(server.get("/v1/blocks/3").await).await;
    assert_eq!(third.height, 3);

    let response = server
        .get(&format!("/v1/blocks/{}", LATEST_HEIGHT + 1))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_body(response).await["reason"], "not_found");
}

#[tokio::test]
async fn block_id_that_is_neither_latest_nor_decimal_is_rejected() {
    let server = TestServer::start(FakeBackend::new()).await;
    for id in [
        "Latest",
        "-1",
        "+1",
        "0x10",
        "1.5",
        "18446744073709551616",
        "%20",
    ] {
        let response = server.get(&format!("/v1/blocks/{id}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{id}");
        assert_eq!(error_body(response).await["code"], 7);
    }
}

#[tokio::test]
async fn backend_errors_pass_through_with_their_status() {
    for (error, status) in [
        (
            ApiError::internal("disk on fire"),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        (
            ApiError::unavailable("syncing"),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    ] {
        let backend = FakeBackend {
            block_error: Some(error.clone()),
            ..FakeBackend::new()
        };
        let server = TestServer::start(backend).await;
        let response = server.get("/v1/blocks/1").await;
        assert_eq!(response.status(), status);
        let body = error_body(response).await;
        assert_eq!(
            body,
            json!({"code": 0, "reason": error.reason, "message": error.message})
        );
    }
}

/// Asserts a 400 `malformed` (code 7) JSON error and returns its message.
async fn assert_malformed(response: reqwest::Response, what: &str) -> String {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
    let error = error_body(response).await;
    assert_eq!(
        (error["code"].as_u64(), error["reason"].as_str()),
        (Some(7), Some("malformed")),
        "{what}: {error}"
    );
    error["message"].as_str().unwrap().to_owned()
}

/// The five routes addressed by a device id, for `id`.
fn device_paths(id: &str) -> [String; 5] {
    [
        format!("/v1/devices/{id}"),
        format!("/v1/devices/{id}/outcomes"),
        format!("/v1/devices/{id}/rewards"),
        format!("/v1/devices/{id}/rewards/0"),
        format!("/v1/devices/{id}/maintenance"),
    ]
}

#[tokio::test]
async fn device_endpoint_returns_the_device_with_its_record_proof() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.get(&format!("/v1/devices/{DEVICE_A}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let device: DeviceView = json_of(response).await;
    assert_eq!(
        (
            device.id.as_str(),
            device.owner.as_str(),
            device.class.as_str()
        ),
        (DEVICE_A, OWNER_A, "coverage")
    );
    assert_eq!(device.location, cell_text(CELL_A));
    assert_eq!(device.capabilities["band"], "eu868");
    assert_eq!(device.record.height, LATEST_HEIGHT);
    assert!(device.record.value.is_some());
    assert_eq!(
        device.rewards.claimable,
        device.rewards.cumulative - device.rewards.claimed
    );

    // Upper-case hex names the same device.
    let upper: DeviceView = json_of(
        server
            .get(&format!("/v1/devices/{}", DEVICE_A.to_ascii_uppercase()))
            .await,
    )
    .await;
    assert_eq!(upper, device);
}

#[tokio::test]
async fn device_id_with_wrong_length_is_rejected() {
    let server = TestServer::start(FakeBackend::new()).await;
    let bad = [
        DEVICE_A[..63].to_owned(),
        format!("{DEVICE_A}0"),
        format!("{DEVICE_A}00"),
        "zz".repeat(32),
        format!("0x{}", &DEVICE_A[..62]),
        "%20".repeat(64),
    ];
    for id in bad {
        for path in device_paths(&id) {
            let message = assert_malformed(server.get(&path).await, &path).await;
            assert!(message.contains("device id"), "{path}: {message}");
        }
    }
}

#[tokio::test]
async fn missing_device_is_a_json_404() {
    let server = TestServer::start(FakeBackend::new()).await;
    let unknown = hex::encode([0x42; 32]);
    for path in device_paths(&unknown) {
        let response = server.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let error = error_body(response).await;
        assert_eq!(
            (error["code"].as_u64(), error["reason"].as_str()),
            (Some(0), Some("not_found")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn device_outcomes_and_rewards_are_served_newest_first() {
    let server = TestServer::start(FakeBackend::new()).await;
    let outcomes: DeviceOutcomesView = json_of(
        server
            .get(&format!("/v1/devices/{DEVICE_A}/outcomes"))
            .await,
    )
    .await;
    assert_eq!(outcomes.device, DEVICE_A);
    assert!(outcomes.outcomes.len() >= 2);
    assert!(outcomes.outcomes.is_sorted_by(|a, b| a.height >= b.height));
    assert!(outcomes.outcomes.iter().any(|outcome| outcome.code != 0));

    let rewards: DeviceRewardsView =
        json_of(server.get(&format!("/v1/devices/{DEVICE_A}/rewards")).await).await;
    assert_eq!(rewards.device, DEVICE_A);
    let epochs: Vec<u64> = rewards.lines.iter().map(|line| line.epoch).collect();
    assert_eq!(epochs, (0..CURRENT_EPOCH).rev().collect::<Vec<_>>());
    assert_eq!(
        rewards.ledger.cumulative,
        rewards.lines.iter().map(|line| line.amount).sum::<u64>()
    );
    // A u128 too large for a JSON number travels as a decimal string.
    let scaled: u128 = rewards.lines[0].scaled_units.parse().unwrap();
    assert!(scaled > u128::from(u64::MAX));
}

#[tokio::test]
async fn reward_proof_carries_the_line_its_merkle_path_and_the_summary_proof() {
    let server = TestServer::start(FakeBackend::new()).await;
    let proof: RewardProofView = json_of(
        server
            .get(&format!("/v1/devices/{DEVICE_B}/rewards/1"))
            .await,
    )
    .await;
    assert_eq!((proof.epoch, proof.device.as_str()), (1, DEVICE_B));
    assert_eq!(proof.line.epoch, 1);
    assert!(proof.line.leaf_index.is_some());
    // The 134-byte leaf starts with the epoch and the device key.
    let leaf = hex::decode(&proof.leaf).unwrap();
    assert_eq!(leaf.len(), 134);
    assert_eq!(leaf[..8], 1u64.to_be_bytes());
    assert_eq!(hex::encode(&leaf[8..40]), DEVICE_B);
    assert!(!proof.path.is_empty());
    assert!(
        proof
            .path
            .iter()
            .all(|step| step.side == "left" || step.side == "right")
    );
    // The root is the one the epoch summary publishes, and the summary record is proven.
    let epoch: EpochView = json_of(server.get("/v1/epochs/1").await).await;
    assert_eq!(
        Some(&proof.reward_root),
        epoch.summary.as_ref().map(|s| &s.reward_root)
    );
    assert!(proof.summary.value.is_some());

    // The open epoch has no proven line yet.
    let response = server
        .get(&format!("/v1/devices/{DEVICE_B}/rewards/{CURRENT_EPOCH}"))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_body(response).await["reason"], "not_found");
}

#[tokio::test]
async fn reward_proof_needs_a_decimal_epoch() {
    let server = TestServer::start(FakeBackend::new()).await;
    for epoch in [
        "current",
        "latest",
        "-1",
        "+1",
        "1.0",
        "0x1",
        "1e3",
        "%201",
        "18446744073709551616",
    ] {
        let path = format!("/v1/devices/{DEVICE_A}/rewards/{epoch}");
        let message = assert_malformed(server.get(&path).await, &path).await;
        assert!(message.contains("epoch"), "{path}: {message}");
    }
    // The largest epoch is well formed; the device just has no line there.
    let response = server
        .get(&format!("/v1/devices/{DEVICE_A}/rewards/{}", u64::MAX))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn device_list_passes_every_filter_and_the_default_limit_to_the_backend() {
    let server = TestServer::start(FakeBackend::new()).await;
    let path = format!(
        "/v1/devices?owner={}&cell={}&class=coverage",
        OWNER_A.to_ascii_uppercase(),
        cell_text(AREA_AB).to_ascii_uppercase()
    );
    let response = server.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: DeviceListView = json_of(response).await;
    let ids: Vec<&str> = list
        .devices
        .iter()
        .map(|device| device.id.as_str())
        .collect();
    assert_eq!((ids, list.total), (vec![DEVICE_A], 1));
    assert_eq!(
        server.backend.device_queries.lock().unwrap().last(),
        Some(&DeviceQuery {
            owner: Some(hex::decode_array(OWNER_A).unwrap()),
            cell: Some(AREA_AB),
            class: Some("coverage".into()),
            limit: DEFAULT_DEVICE_LIST_LIMIT,
            cursor: 0,
        })
    );
}

#[tokio::test]
async fn device_list_applies_the_limit_and_reports_the_total() {
    let server = TestServer::start(FakeBackend::new()).await;
    let list: DeviceListView = json_of(
        server
            .get(&format!("/v1/devices?owner={OWNER_A}&limit=1"))
            .await,
    )
    .await;
    assert_eq!((list.devices.len(), list.total), (1, 2));

    let list: DeviceListView = json_of(
        server
            .get(&format!(
                "/v1/devices?class=coverage&limit={MAX_DEVICE_LIST_LIMIT}"
            ))
            .await,
    )
    .await;
    let ids: Vec<&str> = list
        .devices
        .iter()
        .map(|device| device.id.as_str())
        .collect();
    assert_eq!(ids, [DEVICE_A, DEVICE_C]);

    // A cell of any resolution filters; an index that is not written as a cell never reaches
    // the backend.
    let list: DeviceListView = json_of(
        server
            .get(&format!("/v1/devices?cell={}", cell_text(CELL_B)))
            .await,
    )
    .await;
    assert_eq!(list.devices[0].id, DEVICE_B);
    let asked = server.backend.device_queries.lock().unwrap().len();
    let response = server.get("/v1/devices?cell=7").await;
    let message = assert_malformed(response, "cell=7").await;
    assert!(message.contains("H3 cell index"), "{message}");
    assert_eq!(server.backend.device_queries.lock().unwrap().len(), asked);
}

#[tokio::test]
async fn device_list_needs_a_filter() {
    let server = TestServer::start(FakeBackend::new()).await;
    for path in ["/v1/devices", "/v1/devices?", "/v1/devices?limit=5"] {
        let message = assert_malformed(server.get(path).await, path).await;
        assert!(
            message.contains("owner, cell or class"),
            "{path}: {message}"
        );
    }
    assert!(server.backend.device_queries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn device_list_pages_follow_next_cursor_to_the_end() {
    let server = TestServer::start(FakeBackend::new()).await;
    let first: DeviceListView = json_of(
        server
            .get(&format!("/v1/devices?owner={OWNER_A}&limit=1"))
            .await,
    )
    .await;
    let cursor = first.next_cursor.expect("a second page");
    let second: DeviceListView = json_of(
        server
            .get(&format!(
                "/v1/devices?owner={OWNER_A}&limit=1&cursor={cursor}"
            ))
            .await,
    )
    .await;
    assert_eq!(
        server
            .backend
            .device_queries
            .lock()
            .unwrap()
            .last()
            .map(|q| q.cursor),
        Some(cursor)
    );
    assert_eq!(second.devices.len(), 1);
    assert_ne!(second.devices[0].id, first.devices[0].id);
    assert_eq!(second.next_cursor, None);
}

#[tokio::test]
async fn device_list_rejects_misspelled_class_and_bad_limit() {
    let server = TestServer::start(FakeBackend::new()).await;
    for class in [
        "Coverage",
        "",
        "coverage%20",
        "coverage,storage",
        &"a".repeat(33),
    ] {
        let path = format!("/v1/devices?class={class}");
        let message = assert_malformed(server.get(&path).await, &path).await;
        assert!(
            message.contains("class must be a class name"),
            "{path}: {message}"
        );
    }

    for limit in [
        "0",
        "1001",
        "-1",
        "+5",
        "5.0",
        "",
        "ten",
        "4294967297",
        "99999999999999999999999",
    ] {
        let path = format!("/v1/devices?class=coverage&limit={limit}");
        let message = assert_malformed(server.get(&path).await, &path).await;
        assert!(message.contains("limit"), "{path}: {message}");
    }
    let path = format!(
        "/v1/devices?class=coverage&limit={}",
        MAX_DEVICE_LIST_LIMIT + 1
    );
    let message = assert_malformed(server.get(&path).await, &path).await;
    assert!(
        message.contains(&MAX_DEVICE_LIST_LIMIT.to_string()),
        "the refusal names the maximum: {message}"
    );
    for cursor in ["-1", "", "x", "4294967296"] {
        let path = format!("/v1/devices?class=coverage&cursor={cursor}");
        let message = assert_malformed(server.get(&path).await, &path).await;
        assert!(message.contains("cursor"), "{path}: {message}");
    }
    for (path, needle) in [
        ("/v1/devices?owner=abc".to_owned(), "owner"),
        (format!("/v1/devices?owner={OWNER_A}0"), "owner"),
        ("/v1/devices?cell=xyz".to_owned(), "cell"),
        ("/v1/devices?cell=".to_owned(), "cell"),
        ("/v1/devices?class=coverage&color=red".to_owned(), "color"),
        (
            "/v1/devices?class=coverage&class=storage".to_owned(),
            "class",
        ),
    ] {
        let message = assert_malformed(server.get(&path).await, &path).await;
        assert!(message.contains(needle), "{path}: {message}");
    }
    // None of these reached the backend.
    assert!(server.backend.device_queries.lock().unwrap().is_empty());
    // A well-spelled name is the chain's to judge: it reaches the backend.
    server.get("/v1/devices?class=wifi").await;
    assert_eq!(
        server
            .backend
            .device_queries
            .lock()
            .unwrap()
            .last()
            .and_then(|q| q.class.clone()),
        Some("wifi".to_owned())
    );
}

#[tokio::test]
async fn epoch_accepts_current_and_numbers_only() {
    let server = TestServer::start(FakeBackend::new()).await;
    let current: EpochView = json_of(server.get("/v1/epochs/current").await).await;
    assert_eq!(current.epoch, CURRENT_EPOCH);
    assert!(!current.closed && current.summary.is_none());
    assert!((current.start_height..=current.end_height).contains(&LATEST_HEIGHT));
    assert_eq!(
        current.end_height - current.start_height + 1,
        EPOCH_LENGTH_BLOCKS
    );

    let closed: EpochView = json_of(server.get("/v1/epochs/0").await).await;
    let summary = closed.summary.expect("a closed epoch has a summary");
    assert!(closed.closed);
    let distributed: u64 = summary.distributed.values().sum();
    assert_eq!(
        summary.emission,
        distributed + summary.dust + summary.not_issued + summary.validators,
        "the fake's summary conserves its emission"
    );
    assert_eq!(
        summary.pools.keys().collect::<Vec<_>>(),
        ["compute", "coverage", "energy", "sensing", "storage"]
    );

    let response = server
        .get(&format!("/v1/epochs/{}", CURRENT_EPOCH + 1))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_body(response).await["reason"], "not_found");

    for id in [
        "Current",
        "CURRENT",
        "latest",
        "-1",
        "+1",
        "1.5",
        "0x1",
        "%20",
        "18446744073709551616",
    ] {
        let path = format!("/v1/epochs/{id}");
        assert_malformed(server.get(&path).await, &path).await;
    }
}

#[tokio::test]
async fn cell_must_be_hex() {
    let server = TestServer::start(FakeBackend::new()).await;
    for cell in [
        "xyz",
        "0x8c28",
        "+8c2830828052dff",
        "8c2830828052dff00",
        "8c283082 8052dff",
        "%20",
        "é",
        "0",
        "1",
        "7c2830828052dff",
        "ffffffffffffffff",
        "18c2830828052dff",
    ] {
        let path = format!("/v1/cells/{cell}");
        let message = assert_malformed(server.get(&path).await, &path).await;
        assert!(message.contains("cell"), "{path}: {message}");
    }
    assert!(server.backend.cells_asked.lock().unwrap().is_empty());

    // Either case, with or without a leading 0, reaches the backend, which judges the cell.
    let view: CellView = json_of(
        server
            .get(&format!(
                "/v1/cells/{}",
                cell_text(CELL_A).to_ascii_uppercase()
            ))
            .await,
    )
    .await;
    assert_eq!(view.cell, cell_text(CELL_A));
    assert_eq!(
        (view.resolution, view.density_cell),
        (12, cell_text(AREA_AB))
    );
    assert_eq!(view.devices[0].id, DEVICE_A);
    let padded = format!("0{}", cell_text(CELL_A));
    let view: CellView = json_of(server.get(&format!("/v1/cells/{padded}")).await).await;
    assert_eq!(view.cell, cell_text(CELL_A));
    // Written like a cell, but base cell 127 does not exist.
    let path = "/v1/cells/8ffffffffffffff";
    let message = assert_malformed(server.get(path).await, path).await;
    assert!(message.contains("not an H3 cell"), "{path}: {message}");
    assert_eq!(
        *server.backend.cells_asked.lock().unwrap(),
        [CELL_A, CELL_A, 0x08ff_ffff_ffff_ffff]
    );
}

#[tokio::test]
async fn cell_view_counts_the_working_devices_of_its_density_cell() {
    let server = TestServer::start(FakeBackend::new()).await;
    let area: CellView = json_of(
        server
            .get(&format!("/v1/cells/{}", cell_text(AREA_AB)))
            .await,
    )
    .await;
    assert_eq!(
        area.density_cell, area.cell,
        "a density-resolution cell is its own"
    );
    let ids: Vec<&str> = area
        .devices
        .iter()
        .map(|device| device.id.as_str())
        .collect();
    assert_eq!(ids, [DEVICE_A, DEVICE_B]);
    assert_eq!(area.working_devices, 2);
    let last = area.last_closed.expect("the fake closed an epoch");
    assert_eq!(last.epoch, CURRENT_EPOCH - 1);
    assert_eq!(
        (
            last.classes[0].class.as_str(),
            last.classes[0].cell_devices,
            last.classes[0].cell_scale_ppm
        ),
        ("coverage", 2, 500_000)
    );
    assert_eq!(area.epoch, CURRENT_EPOCH);
}

#[tokio::test]
async fn params_are_the_backend_json_as_is() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.get("/v1/params").await;
    assert_eq!(response.status(), StatusCode::OK);
    let params: Value = json_of(response).await;
    assert_eq!(params, server.backend.params());
    assert_eq!(
        params["params"]["pow"]["epoch_length_blocks"],
        EPOCH_LENGTH_BLOCKS
    );
}

#[tokio::test]
async fn event_stream_carries_epoch_closed_and_report_outcome_events() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.get("/v1/events").await;
    server.wait_for_subscribers(1).await;
    let published = [
        block_event(9),
        report_outcome_event(9, Some(DEVICE_A)),
        report_outcome_event(9, None),
        epoch_closed_event(1),
        tx_outcome_event(9, 0),
    ];
    for event in &published {
        server.backend.events.send(event.clone()).unwrap();
    }
    let mut reader = SseReader::new(response);
    for expected in &published {
        let message = reader.expect_next().await;
        assert_eq!(message.event, expected.kind());
        let received: ChainEvent = serde_json::from_str(&message.data).unwrap();
        assert_eq!(&received, expected);
    }
}

#[tokio::test]
async fn outcome_registry_lists_every_code_and_looks_up_one() {
    let server = TestServer::start(FakeBackend::new()).await;
    let all: Vec<OutcomeView> = json_of(server.get("/v1/outcomes").await).await;
    assert_eq!(all, server.backend.outcomes());

    let one: OutcomeView = json_of(server.get("/v1/outcomes/9").await).await;
    assert_eq!(one.name, "tx_too_large");

    let response = server.get("/v1/outcomes/12345").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    error_body(response).await;
    for code in ["x", "65536", "-1", "+7"] {
        let response = server.get(&format!("/v1/outcomes/{code}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{code}");
        error_body(response).await;
    }
}

#[tokio::test]
async fn metrics_are_served_as_prometheus_text() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("terrane_finalized_height 10")
    );
}

#[tokio::test]
async fn unknown_path_returns_json_404() {
    let server = TestServer::start(FakeBackend::new()).await;
    for path in ["/", "/v1", "/v2/status", "/v1/status/extra", "/v1/blocks/"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_body(response).await["reason"], "unknown_path");
    }
}

#[tokio::test]
async fn wrong_method_returns_json_405_with_allow_header() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server
        .client
        .delete(server.url("/v1/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.headers()[header::ALLOW]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allow.contains("GET"), "{allow}");
    assert_eq!(error_body(response).await["reason"], "method_not_allowed");

    let response = server.get("/v1/tx").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    error_body(response).await;
}

#[tokio::test]
async fn reads_allow_any_origin_and_writes_do_not() {
    let server = TestServer::start(FakeBackend::new()).await;
    for path in ["/v1/status", "/v1/blocks/999", "/nowhere"] {
        let response = server.get(path).await;
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "*",
            "{path}"
        );
    }
    let response = server.post("/v1/tx", OCTET_STREAM, vec![1]).await;
    assert!(
        response
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}

#[tokio::test]
async fn event_stream_delivers_block_events_in_order() {
    let server = TestServer::start(FakeBackend::new()).await;
    let response = server.get("/v1/events").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    server.wait_for_subscribers(1).await;

    let published: Vec<ChainEvent> = (1..=5)
        .flat_map(|height| [block_event(height), tx_outcome_event(height, 0)])
        .collect();
    for event in &published {
        server.backend.events.send(event.clone()).unwrap();
    }
    let mut reader = SseReader::new(response);
    for expected in &published {
        let message = reader.expect_next().await;
        assert_eq!(message.event, expected.kind());
        let received: ChainEvent = serde_json::from_str(&message.data).unwrap();
        assert_eq!(&received, expected);
    }
}

#[tokio::test]
async fn lagged_subscriber_is_told_how_many_events_it_missed_and_continues() {
    // Capacity 2 and 5 events published at subscription: the receiver misses the first 3.
    let backend = FakeBackend {
        prefill_on_subscribe: (1..=5).map(block_event).collect(),
        ..FakeBackend::with_event_capacity(2)
    };
    let server = TestServer::start(backend).await;
    let mut reader = SseReader::new(server.get("/v1/events").await);

    let lagged = reader.expect_next().await;
    assert_eq!(lagged.event, "lagged");
    let lagged: StreamLagged = serde_json::from_str(&lagged.data).unwrap();
    assert_eq!(lagged.skipped, 3);
    for height in 4..=5 {
        let message = reader.expect_next().await;
        assert_eq!(
            serde_json::from_str::<ChainEvent>(&message.data).unwrap(),
            block_event(height)
        );
    }
    server.backend.events.send(block_event(6)).unwrap();
    let message = reader.expect_next().await;
    assert_eq!(
        serde_json::from_str::<ChainEvent>(&message.data).unwrap(),
        block_event(6)
    );
}

#[tokio::test]
async fn serve_returns_after_shutdown_even_with_an_open_event_stream() {
    let server = TestServer::start(FakeBackend::new()).await;
    let mut reader = SseReader::new(server.get("/v1/events").await);
    server.wait_for_subscribers(1).await;

    server.shut_down().await.unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), reader.next()).await;
    assert_eq!(end.expect("stream still open after shutdown"), None);
}

/// Deterministic xorshift64* generator: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap()).unwrap()
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }

    /// A path segment: sometimes valid (64 hex digits, a small number), otherwise a mix of
    /// plausible characters and arbitrary percent-encoded bytes.
    fn segment(&mut self) -> String {
        const PLAUSIBLE: &[u8] = b"0123456789abcdefABCDEFlatestx-._~";
        match self.below(4) {
            0 => {
                return (0..64)
                    .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
                    .collect();
            }
            1 => return self.below(20).to_string(),
            _ => {}
        }
        (0..self.below(90))
            .map(|_| {
                if self.below(2) == 0 {
                    char::from(PLAUSIBLE[self.below(PLAUSIBLE.len())]).to_string()
                } else {
                    format!("%{:02X}", self.byte())
                }
            })
            .collect()
    }

    /// A device id: often a registered one, so the routes behind the id check are reached.
    fn device_segment(&mut self) -> String {
        match self.below(3) {
            0 => self.pick(&[DEVICE_A, DEVICE_B, DEVICE_C]).to_owned(),
            _ => self.segment(),
        }
    }

    /// An H3 index: a known cell, a random 1-16 hex digit index, or any segment.
    fn cell_segment(&mut self) -> String {
        match self.below(3) {
            0 => cell_text(*[CELL_A, CELL_B, AREA_AB].get(self.below(3)).unwrap()),
            1 => format!("{:x}", self.next()),
            _ => self.segment(),
        }
    }

    /// A query string of up to four `name=value` pairs, names mostly the known filters.
    fn query(&mut self) -> String {
        (0..self.below(5))
            .map(|_| {
                let name = match self.below(6) {
                    0 => "owner".to_owned(),
                    1 => "cell".to_owned(),
                    2 => "class".to_owned(),
                    3 => "limit".to_owned(),
                    _ => self.segment(),
                };
                let value = match (name.as_str(), self.below(2)) {
                    ("owner", 0) => OWNER_A.to_owned(),
                    ("cell", 0) => self.cell_segment(),
                    ("class", 0) => self.pick(&["coverage", "storage", "sensing"]).to_owned(),
                    _ => self.segment(),
                };
                format!("{name}={value}")
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[tokio::test]
async fn random_bodies_and_path_segments_never_produce_5xx_or_non_json_errors() {
    let server = TestServer::start(FakeBackend::new()).await;
    let mut rng = Rng(0x7e44_a9e0_5eed_0001);
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..400 {
        let body: Vec<u8> = match rng.below(3) {
            0 => (0..rng.below(2048)).map(|_| rng.byte()).collect(),
            1 => {
                const HEXISH: &[u8] = b"0123456789abcdefABCDEF \n\"{}:tx";
                (0..rng.below(256))
                    .map(|_| HEXISH[rng.below(HEXISH.len())])
                    .collect()
            }
            _ => format!(r#"{{"tx":"{}"}}"#, rng.segment()).into_bytes(),
        };
        let random_type: String = (0..rng.below(30))
            .map(|_| char::from(b' ' + rng.byte() % 95))
            .collect();
        let content_type = rng.pick(&[
            OCTET_STREAM,
            TEXT,
            JSON,
            "text/plain; charset=latin1",
            random_type.as_str(),
        ]);
        let response = server
            .client
            .post(server.url("/v1/tx"))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let what = format!("round {round}: POST /v1/tx {content_type:?}");
        seen.insert(assert_acceptable(response, &what).await);

        let path = match rng.below(13) {
            0 => format!("/v1/tx/{}", rng.segment()),
            1 => format!("/v1/accounts/{}", rng.segment()),
            2 => format!("/v1/blocks/{}", rng.segment()),
            3 => format!("/v1/outcomes/{}", rng.segment()),
            4 => format!("/v1/{}", rng.segment()),
            5 => format!("/v1/devices/{}", rng.device_segment()),
            6 => format!(
                "/v1/devices/{}/{}",
                rng.device_segment(),
                rng.pick(&["outcomes", "rewards", "x"])
            ),
            7 => format!(
                "/v1/devices/{}/rewards/{}",
                rng.device_segment(),
                rng.segment()
            ),
            8 => format!("/v1/devices?{}", rng.query()),
            9 => format!("/v1/epochs/{}", rng.segment()),
            10 => format!("/v1/cells/{}", rng.cell_segment()),
            11 => format!("/v1/params?{}", rng.query()),
            _ => format!("/{}/{}", rng.segment(), rng.segment()),
        };
        let response = server.get(&path).await;
        seen.insert(assert_acceptable(response, &format!("round {round}: GET {path}")).await);
    }
    // The inputs must reach past the first check, or the test proves little.
    for expected in [200, 202, 400, 404, 415] {
        assert!(seen.contains(&expected), "no {expected} among {seen:?}");
    }
}

/// No 5xx, and any error is the JSON error object. Returns the status.
async fn assert_acceptable(response: reqwest::Response, what: &str) -> u16 {
    let status = response.status();
    assert!(!status.is_server_error(), "{what}: {status}");
    if status.is_client_error() {
        error_body(response).await;
    }
    status.as_u16()
}

#[tokio::test]
async fn classes_are_the_backends_running_then_reserved() {
    let server = TestServer::start(FakeBackend::new()).await;
    let resp = server.get("/v1/classes").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let classes: Vec<terrane_api::ClassView> = resp.json().await.unwrap();
    assert_eq!(classes, server.backend.classes());
    assert_eq!(classes[0].name, "coverage");
    assert_eq!(classes[0].status, "running");
}

#[tokio::test]
async fn credits_routes_serve_the_ledger_an_account_with_its_sessions_and_one_session() {
    let server = TestServer::start(FakeBackend::new()).await;
    let credits: terrane_api::CreditsView = json_of(server.get("/v1/credits").await).await;
    assert_eq!(credits.outstanding, credits.balances + credits.escrowed);
    assert_eq!(credits.minted, credits.spent + credits.outstanding);
    let account: terrane_api::CreditAccountView =
        json_of(server.get(&format!("/v1/credits/{OWNER_A}")).await).await;
    assert_eq!(account.address, OWNER_A);
    assert_eq!(account.sessions.len(), 1);
    let session: terrane_api::SessionView = json_of(server.get("/v1/sessions/1").await).await;
    assert_eq!(session, account.sessions[0]);
    assert_eq!(session.remaining, session.deposit - session.paid);

    let missing = server.get("/v1/sessions/2").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_body(missing).await["reason"], "not_found");
    for bad in ["x", "-1", "0x1"] {
        assert_malformed(
            server.get(&format!("/v1/sessions/{bad}")).await,
            "session id",
        )
        .await;
    }
    assert_malformed(server.get("/v1/credits/abc").await, "address").await;
}

#[tokio::test]
async fn staking_routes_serve_the_books_a_pool_with_its_proof_positions_and_unbonding() {
    let server = TestServer::start(FakeBackend::new()).await;
    let books: terrane_api::StakingView = json_of(server.get("/v1/staking").await).await;
    assert_eq!(books.validators.len(), 1);
    assert!(books.validators[0].bonded);
    let pool: terrane_api::StakePoolView =
        json_of(server.get(&format!("/v1/stakes/devices/{DEVICE_A}")).await).await;
    assert_eq!(
        (pool.kind.as_str(), pool.target.as_str()),
        ("device", DEVICE_A)
    );
    assert_eq!(pool.delegated, pool.total - pool.operator_stake);
    let position: terrane_api::StakePositionView = json_of(
        server
            .get(&format!("/v1/stakes/devices/{DEVICE_A}/{OWNER_A}"))
            .await,
    )
    .await;
    assert!(position.operator && position.amount > 0);
    let on_validator: terrane_api::StakePositionView = json_of(
        server
            .get(&format!(
                "/v1/stakes/validators/{}/{OWNER_A}",
                common::OWNER_C
            ))
            .await,
    )
    .await;
    assert_eq!(
        (on_validator.kind.as_str(), on_validator.target.as_str()),
        ("validator", common::OWNER_C)
    );
    let unbonding: terrane_api::UnbondingView =
        json_of(server.get(&format!("/v1/unbonding/{OWNER_A}")).await).await;
    assert_eq!(unbonding.entries.len(), 1);

    let missing = server
        .get(&format!("/v1/stakes/validators/{}", common::OWNER_C))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_body(missing).await["reason"], "not_found");
    assert_malformed(server.get("/v1/stakes/devices/abc").await, "device id").await;
    assert_malformed(
        server
            .get(&format!("/v1/stakes/validators/{}/xyz", common::OWNER_C))
            .await,
        "staker",
    )
    .await;
    assert_malformed(server.get("/v1/unbonding/0x12").await, "address").await;
}

#[tokio::test]
async fn slashing_routes_serve_a_slash_with_its_evidence_a_targets_slashes_newest_first_and_the_due_queue()
 {
    let server = TestServer::start(FakeBackend::new()).await;
    let books: terrane_api::SlashingView = json_of(server.get("/v1/slashing").await).await;
    assert_eq!((books.count, books.pending), (common::SLASHES, 1));
    assert_eq!(books.slashed, books.bounties + books.burned);
    assert_eq!(
        (books.due_from, books.due_to),
        (
            CURRENT_EPOCH,
            CURRENT_EPOCH + books.params.appeal_window_epochs
        )
    );
    assert_eq!(
        books.due,
        vec![terrane_api::DueSlashesView {
            epoch: CURRENT_EPOCH + 1,
            ids: vec![2],
        }]
    );

    // The evidence is decoded to its kind and fields; amounts are the record's.
    let executed: Value = json_of(server.get("/v1/slashes/1").await).await;
    assert_eq!(executed["kind"], "device");
    assert_eq!(executed["target"], DEVICE_A);
    assert_eq!(
        (&executed["reason"]["code"], &executed["reason"]["name"]),
        (&json!(1150), &json!("device_equivocation"))
    );
    assert_eq!(executed["status"], "executed");
    assert_eq!(executed["ended_by"], Value::Null);
    assert_eq!(
        (
            &executed["slashed"],
            &executed["bounty"],
            &executed["burned"]
        ),
        (&json!(7_500_000), &json!(750_000), &json!(6_750_000))
    );
    assert_eq!(
        executed["evidence"],
        json!({
            "kind": "device_equivocation",
            "device": DEVICE_A,
            "epoch": 0,
            "first": "a1".repeat(40),
            "second": "b2".repeat(40),
        })
    );
    let pending: terrane_api::SlashView = json_of(server.get("/v1/slashes/2").await).await;
    assert_eq!(pending, common::fake_slash(2).unwrap());
    assert_eq!(
        pending.evidence,
        terrane_api::EvidenceView::MissedDuties {
            device: DEVICE_A.to_owned(),
            epochs: vec![0, 1],
        }
    );
    assert_eq!(pending.filed_epoch, CURRENT_EPOCH);

    // `slashes` is its own route, not a staker of the position route.
    let listed: terrane_api::SlashListView = json_of(
        server
            .get(&format!("/v1/stakes/devices/{DEVICE_A}/slashes"))
            .await,
    )
    .await;
    assert_eq!(
        (listed.kind.as_str(), listed.target.as_str()),
        ("device", DEVICE_A)
    );
    let ids: Vec<u64> = listed.slashes.iter().map(|s| s.id).collect();
    assert_eq!(ids, [2, 1], "newest first");
    assert_eq!(listed.slashes[0], common::slash_summary(&pending));
    let none: terrane_api::SlashListView = json_of(
        server
            .get(&format!(
                "/v1/stakes/validators/{}/slashes",
                common::OWNER_C
            ))
            .await,
    )
    .await;
    assert_eq!(none.kind, "validator");
    assert!(none.slashes.is_empty());

    let missing = server.get("/v1/slashes/3").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let error = error_body(missing).await;
    assert_eq!(error["reason"], "not_found");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no slash has id 3"),
        "{error}"
    );
    for bad in ["x", "-1", "0x1", "1.0"] {
        assert_malformed(server.get(&format!("/v1/slashes/{bad}")).await, "slash id").await;
    }
    assert_malformed(
        server.get("/v1/stakes/devices/abc/slashes").await,
        "device id",
    )
    .await;
    assert_malformed(
        server.get("/v1/stakes/validators/xyz/slashes").await,
        "validator address",
    )
    .await;
}

#[tokio::test]
async fn client_reads_slashes_and_maps_an_unknown_id_to_none() {
    let server = TestServer::start(FakeBackend::new()).await;
    let client = terrane_client::Client::new(&server.url(""));
    assert_eq!(client.slash(1).await.unwrap(), common::fake_slash(1));
    assert_eq!(client.slash(3).await.unwrap(), None);
    let listed = client
        .target_slashes(terrane_api::StakeTarget::Device(common::hex32(DEVICE_A)))
        .await
        .unwrap();
    assert_eq!(listed.slashes.len(), 2);
    let books = client.slashing().await.unwrap();
    assert_eq!(books.bounties, common::SLASH_BOUNTY);
}

#[tokio::test]
async fn maintenance_routes_serve_a_devices_windows_with_their_status_its_allowance_and_the_params()
{
    let server = TestServer::start(FakeBackend::new()).await;
    let params: terrane_api::MaintenanceParamsView =
        json_of(server.get("/v1/maintenance").await).await;
    assert_eq!(params, common::fake_maintenance_params());
    assert_eq!(
        (params.notice_blocks, params.earliest_start_epoch),
        (
            common::MAINTENANCE_NOTICE_BLOCKS,
            common::MAINTENANCE_EARLIEST_START
        )
    );

    let shown: Value = json_of(
        server
            .get(&format!("/v1/devices/{DEVICE_A}/maintenance"))
            .await,
    )
    .await;
    assert_eq!(shown["device"], DEVICE_A);
    assert_eq!(shown["epoch"], CURRENT_EPOCH);
    assert_eq!(
        shown["windows"][1],
        json!({ "start": 2, "epochs": 2, "end": 4, "declared_at": 1, "status": "active" })
    );
    let statuses: Vec<&str> = shown["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["past", "active", "upcoming"]);
    assert_eq!(
        shown["period"],
        json!({
            "index": 0,
            "first_epoch": 0,
            "end_epoch": common::MAINTENANCE_PERIOD_EPOCHS,
            "epochs_used": 4,
            "epochs_allowed": 10,
            "windows_used": 3,
            "windows_allowed": 4,
        })
    );
    assert!(shown["record"]["value"].is_string(), "{shown}");
    let typed: terrane_api::MaintenanceView = serde_json::from_value(shown).unwrap();
    assert_eq!(
        Some(typed),
        common::fake_maintenance(&common::hex32(DEVICE_A))
    );

    // A registered device that never declared a window has an empty list, proven absent.
    let none: terrane_api::MaintenanceView = json_of(
        server
            .get(&format!("/v1/devices/{DEVICE_B}/maintenance"))
            .await,
    )
    .await;
    assert!(none.windows.is_empty());
    assert_eq!((none.period.windows_used, none.period.epochs_used), (0, 0));
    assert_eq!(none.record.value, None);

    let missing = server
        .get(&format!(
            "/v1/devices/{}/maintenance",
            hex::encode([0x42; 32])
        ))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let error = error_body(missing).await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("is not registered"),
        "{error}"
    );
}

#[tokio::test]
async fn client_reads_maintenance_and_maps_an_unregistered_device_to_none() {
    let server = TestServer::start(FakeBackend::new()).await;
    let client = terrane_client::Client::new(&server.url(""));
    // The client names devices by the primitives' id type, which this crate does not depend
    // on: both are parsed from hex and their type inferred.
    let a = DEVICE_A.parse().unwrap();
    assert_eq!(
        client.maintenance(&a).await.unwrap(),
        common::fake_maintenance(&common::hex32(DEVICE_A))
    );
    let unknown = hex::encode([0x42; 32]).parse().unwrap();
    assert_eq!(client.maintenance(&unknown).await.unwrap(), None);
    assert_eq!(
        client.maintenance_params().await.unwrap(),
        common::fake_maintenance_params()
    );
}
