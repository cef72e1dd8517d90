//! The OpenAPI document against the running router: the same endpoints, the same status
//! codes, and bodies that match the documented schemas.

mod common;

use std::collections::BTreeSet;

use common::{
    AREA_AB, CELL_A, CURRENT_EPOCH, DEVICE_A, DEVICE_B, DEVICE_C, FakeBackend, KNOWN_TX, OWNER_A,
    SseReader, TestServer, block_event, cell_text, check_schema, epoch_closed_event,
    find_operation, report_outcome_event, tx_outcome_event,
};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use terrane_api::{ChainEvent, MAX_BODY_BYTES, endpoints, hex, openapi};

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every (method, path template) the document describes.
fn documented_operations(document: &Value) -> BTreeSet<(String, String)> {
    document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|key| HTTP_METHODS.contains(&key.as_str()))
                .map(move |method| (method.to_ascii_uppercase(), path.clone()))
        })
        .collect()
}

/// A concrete path for `template`, with each path parameter replaced by its documented
/// example and every query parameter set to its example.
fn example_path(template: &str, operation: &Value) -> String {
    let mut path = template.to_owned();
    let mut query = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let example = &parameter["example"];
        let text = example
            .as_str()
            .map_or_else(|| example.to_string(), str::to_owned);
        let name = parameter["name"].as_str().unwrap();
        if parameter["in"] == "query" && parameter["explode"] == true {
            // A form-exploded object: each member is its own parameter.
            for (member, value) in example.as_object().expect("an object example") {
                let value = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                query.push(format!("{member}={value}"));
            }
        } else if parameter["in"] == "query" {
            query.push(format!("{name}={text}"));
        } else {
            path = path.replace(&format!("{{{name}}}"), &text);
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    path
}

#[test]
fn openapi_document_lists_every_routed_path() {
    let routed: BTreeSet<(String, String)> = endpoints::<FakeBackend>()
        .into_iter()
        .map(|endpoint| (endpoint.method.to_string(), endpoint.path.to_owned()))
        .collect();
    let documented = documented_operations(openapi::document());
    assert_eq!(
        routed.len(),
        endpoints::<FakeBackend>().len(),
        "route table has duplicates"
    );
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routed but not documented: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

#[test]
fn every_parameter_is_documented_with_an_example_that_fits_its_schema() {
    let document = openapi::document();
    let mut query_parameters = 0;
    for (method, template) in documented_operations(document) {
        let operation = &document["paths"][&template][method.to_ascii_lowercase()];
        let in_template: BTreeSet<&str> = template
            .split('/')
            .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let mut in_path = BTreeSet::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let at = format!("{method} {template} {name}");
            match parameter["in"].as_str() {
                Some("path") => {
                    assert_eq!(parameter["required"], true, "{at}");
                    in_path.insert(name);
                }
                Some("query") if parameter["explode"] == true => {
                    // A form-exploded object (the device filters): required, with members.
                    assert_eq!(parameter["required"], true, "{at}");
                    assert_eq!(parameter["schema"]["type"], "object", "{at}");
                    query_parameters += parameter["schema"]["properties"]
                        .as_object()
                        .map_or(0, serde_json::Map::len);
                }
                Some("query") => {
                    assert_eq!(parameter["required"], false, "{at}");
                    query_parameters += 1;
                }
                other => panic!("{at}: parameter in {other:?}"),
            }
            assert!(parameter["description"].is_string(), "{at}: no description");
            let example = &parameter["example"];
            assert!(!example.is_null(), "{at}: no example");
            check_schema(document, &parameter["schema"], example, &at)
                .unwrap_or_else(|error| panic!("example does not fit: {error}"));
        }
        assert_eq!(in_template, in_path, "{method} {template}");
        assert!(operation["operationId"].is_string(), "{method} {template}");
    }
    assert!(
        query_parameters >= 4,
        "only {query_parameters} query parameters"
    );
}

#[test]
fn every_schema_reference_resolves() {
    fn walk(document: &Value, value: &Value, found: &mut usize) {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let pointer = reference.strip_prefix('#').expect("local reference");
                    assert!(document.pointer(pointer).is_some(), "dangling {reference}");
                    *found += 1;
                }
                map.values().for_each(|child| walk(document, child, found));
            }
            Value::Array(items) => items.iter().for_each(|child| walk(document, child, found)),
            _ => {}
        }
    }
    let mut found = 0;
    walk(openapi::document(), openapi::document(), &mut found);
    assert!(found > 10, "only {found} references");
}

#[tokio::test]
async fn served_openapi_document_is_the_built_document() {
    let server = TestServer::start(FakeBackend::new()).await;
    let served: Value = server.get("/v1/openapi.json").await.json().await.unwrap();
    assert_eq!(&served, openapi::document());
    assert_eq!(served["openapi"], "3.1.0");
}

#[tokio::test]
async fn every_documented_operation_is_served_at_its_examples() {
    let server = TestServer::start(FakeBackend::new()).await;
    let document = openapi::document();
    for (method, template) in documented_operations(document) {
        let operation = &document["paths"][&template][method.to_ascii_lowercase()];
        let path = example_path(&template, operation);
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let bodies: Vec<(String, Vec<u8>)> = match operation["requestBody"]["content"].as_object() {
            None => vec![(String::new(), Vec::new())],
            Some(content) => content
                .iter()
                .map(|(content_type, media)| {
                    let body = match content_type.as_str() {
                        // Binary has no JSON example; send the bytes the hex example encodes.
                        "application/octet-stream" => {
                            let example = content["text/plain"]["example"].as_str().unwrap();
                            hex::decode(example).unwrap()
                        }
                        "application/json" => media["example"].to_string().into_bytes(),
                        _ => media["example"].as_str().unwrap().as_bytes().to_vec(),
                    };
                    (content_type.clone(), body)
                })
                .collect(),
        };
        for (content_type, body) in bodies {
            let mut request = server.client.request(method.clone(), server.url(&path));
            if !content_type.is_empty() {
                request = request
                    .header(header::CONTENT_TYPE, &content_type)
                    .body(body);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            assert!(
                status.is_success(),
                "{method} {path} {content_type}: {status}"
            );
            assert!(
                !operation["responses"][status.as_str()].is_null(),
                "{method} {path}: {status} not documented"
            );
        }
    }
}

/// Sends a request, then checks the status is documented for the operation and the body
/// matches the documented content type and schema.
async fn assert_conforms(
    server: &TestServer,
    method: Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) {
    let document = openapi::document();
    let (template, operation) = find_operation(document, method.as_str(), path)
        .unwrap_or_else(|| panic!("{method} {path} is not a documented operation"));
    let mut request = server.client.request(method.clone(), server.url(path));
    if let Some((content_type, body)) = body {
        request = request
            .header(header::CONTENT_TYPE, content_type)
            .body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let documented = &operation["responses"][status.as_str()];
    assert!(
        !documented.is_null(),
        "{method} {template}: status {status} is not documented"
    );
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let media_type = content_type.split(';').next().unwrap().trim().to_owned();
    let media = &documented["content"][&media_type];
    assert!(
        !media.is_null(),
        "{method} {path} {status}: {media_type} not documented"
    );
    if media_type == "application/json" {
        let body: Value = response.json().await.unwrap();
        check_schema(
            document,
            &media["schema"],
            &body,
            &format!("{method} {path} {status}"),
        )
        .unwrap_or_else(|error| panic!("{error}\nbody: {body}"));
    }
}

#[tokio::test]
async fn response_bodies_match_documented_schemas() {
    let server = TestServer::start(FakeBackend::new()).await;
    let hash = |first: u8| hex::encode([first; 32]);
    let gets = [
        "/v1/status".to_owned(),
        "/v1/blocks/latest".into(),
        "/v1/blocks/3".into(),
        "/v1/blocks/4".into(),
        "/v1/blocks/11".into(),
        "/v1/blocks/nope".into(),
        format!("/v1/tx/{}", hash(0)),
        format!("/v1/tx/{}", hash(1)),
        format!("/v1/tx/{}", hash(2)),
        "/v1/tx/abc".into(),
        format!("/v1/accounts/{}", hash(0)),
        format!("/v1/accounts/{}", hash(9)),
        "/v1/accounts/xyz".into(),
        "/v1/params".into(),
        format!("/v1/devices/{DEVICE_A}"),
        format!("/v1/devices/{DEVICE_B}"),
        format!("/v1/devices/{DEVICE_C}"),
        format!("/v1/devices/{}", hash(0)),
        "/v1/devices/abc".into(),
        format!("/v1/devices?owner={OWNER_A}"),
        format!(
            "/v1/devices?cell={}&class=storage&limit=1",
            cell_text(AREA_AB)
        ),
        "/v1/devices?class=coverage".into(),
        "/v1/devices?class=energy".into(),
        "/v1/devices".into(),
        "/v1/devices?class=wifi".into(),
        "/v1/devices?cell=1".into(),
        "/v1/devices?class=coverage&limit=0".into(),
        format!("/v1/devices/{DEVICE_A}/outcomes"),
        format!("/v1/devices/{DEVICE_B}/outcomes"),
        format!("/v1/devices/{}/outcomes", hash(0)),
        "/v1/devices/abc/outcomes".into(),
        format!("/v1/devices/{DEVICE_A}/rewards"),
        format!("/v1/devices/{DEVICE_C}/rewards"),
        format!("/v1/devices/{}/rewards", hash(0)),
        "/v1/devices/abc/rewards".into(),
        format!("/v1/devices/{DEVICE_A}/rewards/0"),
        format!("/v1/devices/{DEVICE_B}/rewards/1"),
        format!("/v1/devices/{DEVICE_A}/rewards/{CURRENT_EPOCH}"),
        format!("/v1/devices/{DEVICE_A}/rewards/current"),
        "/v1/epochs/current".into(),
        "/v1/epochs/0".into(),
        format!("/v1/epochs/{}", CURRENT_EPOCH + 1),
        "/v1/epochs/latest".into(),
        format!("/v1/cells/{}", cell_text(CELL_A)),
        format!("/v1/cells/{}", cell_text(AREA_AB)),
        "/v1/cells/85283473fffffff".into(),
        "/v1/cells/8001fffffffffff".into(),
        "/v1/cells/1".into(),
        "/v1/cells/xyz".into(),
        "/v1/staking".into(),
        format!("/v1/stakes/devices/{DEVICE_A}"),
        format!("/v1/stakes/validators/{}", common::OWNER_C),
        format!("/v1/stakes/devices/{DEVICE_A}/{OWNER_A}"),
        format!("/v1/unbonding/{OWNER_A}"),
        "/v1/slashing".into(),
        "/v1/slashes/1".into(),
        "/v1/slashes/2".into(),
        "/v1/slashes/3".into(),
        "/v1/slashes/one".into(),
        format!("/v1/stakes/devices/{DEVICE_A}/slashes"),
        format!("/v1/stakes/validators/{}/slashes", common::OWNER_C),
        "/v1/stakes/devices/abc/slashes".into(),
        "/v1/maintenance".into(),
        format!("/v1/devices/{DEVICE_A}/maintenance"),
        format!("/v1/devices/{DEVICE_B}/maintenance"),
        format!("/v1/devices/{}/maintenance", hash(0)),
        "/v1/devices/abc/maintenance".into(),
        "/v1/outcomes".into(),
        "/v1/outcomes/7".into(),
        "/v1/outcomes/4242".into(),
        "/v1/outcomes/seven".into(),
        "/metrics".into(),
        "/v1/openapi.json".into(),
        "/v1/events".into(),
    ];
    for path in &gets {
        assert_conforms(&server, Method::GET, path, None).await;
    }
    let posts: [(&str, Vec<u8>); 8] = [
        ("application/octet-stream", vec![1, 2, 3]),
        ("text/plain", b"010203".to_vec()),
        ("application/json", br#"{"tx":"010203"}"#.to_vec()),
        ("text/plain", b"xyz".to_vec()),
        ("application/octet-stream", KNOWN_TX.to_vec()),
        ("application/octet-stream", vec![0xff]),
        ("application/octet-stream", vec![0; MAX_BODY_BYTES + 1]),
        ("image/png", vec![1]),
    ];
    for (content_type, body) in posts {
        assert_conforms(&server, Method::POST, "/v1/tx", Some((content_type, body))).await;
    }
    // A wrong method is answered under each operation's `default` response.
    let response = server
        .client
        .delete(server.url("/v1/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    let default = &openapi::document()["paths"]["/v1/status"]["get"]["responses"]["default"];
    check_schema(
        openapi::document(),
        &default["content"]["application/json"]["schema"],
        &body,
        "405",
    )
    .unwrap();
}

#[tokio::test]
async fn backend_error_statuses_are_documented_and_match_the_error_schema() {
    for error in [
        terrane_api::ApiError::internal("fault"),
        terrane_api::ApiError::unavailable("syncing"),
    ] {
        let backend = FakeBackend {
            block_error: Some(error),
            ..FakeBackend::new()
        };
        let server = TestServer::start(backend).await;
        assert_conforms(&server, Method::GET, "/v1/blocks/1", None).await;
    }
}

#[tokio::test]
async fn event_stream_messages_match_documented_schemas() {
    let backend = FakeBackend {
        prefill_on_subscribe: (1..=3).map(block_event).collect(),
        ..FakeBackend::with_event_capacity(2)
    };
    let server = TestServer::start(backend).await;
    let mut reader = SseReader::new(server.get("/v1/events").await);
    // Sent one at a time, each once the previous message is read, so the two-event channel
    // never overflows again.
    let mut later = [
        tx_outcome_event(3, 0),
        report_outcome_event(3, Some(DEVICE_A)),
        report_outcome_event(3, None),
        epoch_closed_event(0),
    ]
    .into_iter();

    let document = openapi::document();
    let schemas = &document["components"]["schemas"];
    let mut seen = BTreeSet::new();
    // One lagged message, the two buffered blocks, then the four later events.
    for read in 0..7 {
        if read >= 3 {
            server.backend.events.send(later.next().unwrap()).unwrap();
        }
        let message = reader.expect_next().await;
        let data: Value = serde_json::from_str(&message.data).unwrap();
        let schema = if message.event == "lagged" {
            &schemas["StreamLagged"]
        } else {
            assert_eq!(
                data["type"], message.event,
                "event name and type tag differ"
            );
            &schemas["ChainEvent"]
        };
        check_schema(document, schema, &data, &message.event)
            .unwrap_or_else(|error| panic!("{error}\ndata: {data}"));
        seen.insert(message.event);
    }
    assert_eq!(
        seen,
        BTreeSet::from([
            "block".into(),
            "epoch_closed".into(),
            "lagged".into(),
            "report_outcome".into(),
            "tx_outcome".into(),
        ])
    );
}

#[test]
fn every_chain_event_type_has_its_own_schema() {
    let chain_event = &openapi::document()["components"]["schemas"]["ChainEvent"];
    let branches = chain_event["oneOf"].as_array().unwrap();
    let type_of = |branch: &Value| {
        branch["properties"]["type"]["enum"][0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let events = [
        block_event(1),
        tx_outcome_event(1, 0),
        epoch_closed_event(0),
        report_outcome_event(1, Some(DEVICE_A)),
        ChainEvent::Unknown,
    ];
    for event in &events {
        let branch = branches
            .iter()
            .find(|branch| type_of(branch) == event.kind())
            .unwrap_or_else(|| panic!("no schema for event {}", event.kind()));
        let data = serde_json::to_value(event).unwrap();
        check_schema(openapi::document(), branch, &data, event.kind())
            .unwrap_or_else(|error| panic!("{error}\ndata: {data}"));
    }
    let documented: BTreeSet<String> = branches.iter().map(type_of).collect();
    let tested: BTreeSet<String> = events.iter().map(|event| event.kind().to_owned()).collect();
    assert_eq!(documented, tested, "a documented event type is not tested");
}

/// The validator behind every schema test, shown to refuse what it should.
#[tokio::test]
async fn bodies_that_differ_from_their_schema_are_refused() {
    let server = TestServer::start(FakeBackend::new()).await;
    let document = openapi::document();
    let status_view = json!({ "$ref": "#/components/schemas/StatusView" });
    let body: Value = server.get("/v1/status").await.json().await.unwrap();
    check_schema(document, &status_view, &body, "as served").unwrap();
    let mut undocumented = body.clone();
    undocumented["uptime_secs"] = json!(5);
    let mut missing = body.clone();
    missing.as_object_mut().unwrap().remove("peers");
    let mut mistyped = body.clone();
    mistyped["finalized_height"] = json!("10");
    let mut negative = body.clone();
    negative["peers"] = json!(-1);
    let mut too_large = body.clone();
    too_large["peers"] = json!(u64::from(u32::MAX) + 1);
    let mut not_hex = body.clone();
    not_hex["state_root"] = json!("0xcc");
    for (what, bad) in [
        ("an undocumented field", undocumented),
        ("a missing field", missing),
        ("a string for an integer", mistyped),
        ("a negative count", negative),
        ("a u32 past its range", too_large),
        ("hex with 0x", not_hex),
    ] {
        assert!(
            check_schema(document, &status_view, &bad, what).is_err(),
            "{what} passed: {bad}"
        );
    }
    let event = json!({ "$ref": "#/components/schemas/ChainEvent" });
    let mut block = serde_json::to_value(block_event(1)).unwrap();
    check_schema(document, &event, &block, "block").unwrap();
    block["type"] = json!("tx_outcome");
    assert!(check_schema(document, &event, &block, "a block tagged as another type").is_err());
}

#[test]
fn every_operation_documents_the_connection_layer_refusals() {
    let document = openapi::document();
    for (method, template) in documented_operations(document) {
        let responses = &document["paths"][&template][method.to_ascii_lowercase()]["responses"];
        for status in ["400", "413", "414", "429", "431", "503", "default"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error",
                "{method} {template} {status}"
            );
        }
        assert!(
            responses["429"]["headers"]["Retry-After"].is_object(),
            "{method} {template}"
        );
    }
}
