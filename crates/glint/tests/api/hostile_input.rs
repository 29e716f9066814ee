//! Hostile input over HTTP (RELIABILITY.md §6): sort keys and filter names come from allow-lists
//! (unknown ones get Glance's 400 before any SQL runs, or are bound as values), and ids that try
//! to walk out of the image store find nothing and write nothing outside it.

use crate::helpers::{TestApp, send, spawn_app};
use crate::v2_client::expect_v2_error;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Ids in `GET /v2/images?{query}` as `caller`, asserting 200.
async fn v2_ids(app: &TestApp, query: &str) -> Vec<String> {
    let response = send(app.tenant("p1").get(&format!("/v2/images?{query}"))).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let body: Value = response.json().await.expect("json");
    body["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn unknown_sort_keys_and_directions_are_refused_with_glances_400() {
    let app = spawn_app().await;
    let caller = app.tenant("p1");
    caller.v2_create_id("kept", "private").await;
    // Images v1 (Glance registry's message).
    for key in [
        "owner",
        "name;DROP TABLE images",
        "i.name",
        "name DESC",
        "NAME",
        "",
    ] {
        let query = format!("/v1/images?sort_key={}", urlencode(key));
        expect_v2_error(
            send(caller.get(&query)).await,
            StatusCode::BAD_REQUEST,
            "Unsupported sort_key. Acceptable values: name, status, container_format, \
             disk_format, size, id, created_at, updated_at",
        )
        .await;
    }
    expect_v2_error(
        send(caller.get("/v1/images/detail?sort_dir=up%3B--")).await,
        StatusCode::BAD_REQUEST,
        "Unsupported sort_dir. Acceptable values: asc, desc",
    )
    .await;
    // Images v2, both syntaxes.
    for query in [
        "sort_key=owner".to_owned(),
        format!("sort_key={}", urlencode("name;DROP TABLE images")),
        format!("sort={}", urlencode("name:asc,(SELECT 1):desc")),
        "sort=os_hash_value".to_owned(),
    ] {
        let response = send(caller.get(&format!("/v2/images?{query}"))).await;
        expect_v2_error(
            response,
            StatusCode::BAD_REQUEST,
            "It must be one of the following: name, status, container_format, disk_format, \
             size, id, created_at, updated_at.",
        )
        .await;
    }
    expect_v2_error(
        send(caller.get("/v2/images?sort=name:sideways")).await,
        StatusCode::BAD_REQUEST,
        "Invalid sort direction: sideways",
    )
    .await;
    // The table is intact and the image still listed.
    assert_eq!(v2_ids(&app, "").await.len(), 1);
}

#[tokio::test]
async fn unknown_filter_names_are_values_never_sql() {
    let app = spawn_app().await;
    let caller = app.tenant("p1");
    let id = caller.v2_create_id("kept", "private").await;
    // v2 treats an unknown parameter as a custom-property filter (Glance does the same): the
    // name and the value are bound parameters, so an injection attempt only matches nothing.
    for (name, value) in [
        ("x' OR '1'='1", "1"),
        ("name) OR 1=1 --", "x"),
        ("p.name", "' OR 1=1 --"),
    ] {
        let query = format!("{}={}", urlencode(name), urlencode(value));
        assert_eq!(v2_ids(&app, &query).await, Vec::<String>::new(), "{query}");
    }
    // A NUL character: SQLite compares it (nothing matches); PostgreSQL cannot hold it in text
    // and refuses the statement, which is the request's fault (400), never a 500.
    let query = format!("{}={}", urlencode("\u{1F4A3}"), urlencode("\u{0}"));
    if std::env::var_os("GLINT_TEST_DATABASE_URL").is_some() {
        let response = send(caller.get(&format!("/v2/images?{query}"))).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    } else {
        assert_eq!(v2_ids(&app, &query).await, Vec::<String>::new(), "{query}");
    }
    // Filter values on known columns are bound too.
    let query = format!("name={}", urlencode("kept' OR '1'='1"));
    assert!(v2_ids(&app, &query).await.is_empty());
    // v1 ignores parameters it does not know (Glance's registry drops them).
    let response = send(caller.get("/v1/images?colour%27%3B=red")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(v2_ids(&app, "").await, vec![id]);
    // Unknown comparison operators are refused rather than passed on.
    expect_v2_error(
        send(caller.get("/v2/images?created_at=like:2024")).await,
        StatusCode::BAD_REQUEST,
        "Unable to filter on a unknown operator.",
    )
    .await;
    expect_v2_error(
        send(caller.get("/v1/images?name=like:x%25")).await,
        StatusCode::BAD_REQUEST,
        "Unable to filter by unknown operator 'like'.",
    )
    .await;
}

#[tokio::test]
async fn path_ids_cannot_reach_outside_the_store() {
    let app = spawn_app().await;
    let caller = app.tenant("p1");
    let id = caller.v2_create_id("real", "private").await;
    assert_eq!(
        caller.v2_upload(&id, b"bytes").await,
        StatusCode::NO_CONTENT
    );
    let before = app.blob_keys().await;
    assert_eq!(before.len(), 1);
    assert!(
        before[0].starts_with(&format!("images/{id}/")),
        "{before:?}"
    );
    // Bare `..` and `%2E%2E` segments are resolved by the client's URL parser before sending
    // (WHATWG URL), so only encoded traversals reach the server.
    let hostile = [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f",
        "..%5C..%5C",
        &format!("{id}%2F..%2F.."),
        &format!("..%2F{id}"),
        "%C0%AE%C0%AE",
        "%F0%9F%92%A3",
        &"a".repeat(5000),
    ];
    for raw in hostile {
        for (method, path) in [
            (Method::GET, format!("/v2/images/{raw}")),
            (Method::GET, format!("/v2/images/{raw}/file")),
            (Method::PUT, format!("/v2/images/{raw}/file")),
            (Method::DELETE, format!("/v2/images/{raw}")),
            (Method::GET, format!("/v1/images/{raw}")),
            (Method::PUT, format!("/v1/images/{raw}")),
            (Method::DELETE, format!("/v1/images/{raw}")),
        ] {
            let mut request = caller.request(method.clone(), &path);
            if method == Method::PUT {
                request = request
                    .header("content-type", "application/octet-stream")
                    .body(b"evil".to_vec());
            }
            let status = send(request).await.status();
            assert!(
                status.is_client_error(),
                "{method} {path}: {status} (only 4xx may answer a hostile id)"
            );
        }
    }
    assert_eq!(
        app.blob_keys().await,
        before,
        "nothing written, nothing removed"
    );
    let response = send(caller.get(&format!("/v2/images/{id}/file"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.expect("body").as_ref(), b"bytes");
}

/// Percent-encodes everything but unreserved characters.
fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Regression (found by `fuzz/list_query`): a timestamp with a multi-byte character six bytes
/// from its end made the ISO 8601 parser slice inside that character and panic, which the panic
/// layer answered 500. Each place that parses one now answers Glance's 400.
#[tokio::test]
async fn multibyte_timestamps_are_refused_not_crashed() {
    let app = spawn_app().await;
    let caller = app.tenant("p1");
    expect_v2_error(
        send(caller.get("/v1/images?changes-since=2020-01-01T00%3A0%EF%BF%BD%EF%BF%BD")).await,
        StatusCode::BAD_REQUEST,
        "Unrecognized changes-since value",
    )
    .await;
    expect_v2_error(
        send(caller.get("/v2/images?created_at=2020-01-01T00%3A00%3A00%C3%A900")).await,
        StatusCode::BAD_REQUEST,
        // Not a timestamp, so Glance reads `2020-01-01T00` as the operator.
        "Unable to filter on a unknown operator.",
    )
    .await;
    let value = reqwest::header::HeaderValue::from_bytes("2020-01-01T00:00:00\u{e9}00".as_bytes())
        .expect("obs-text header value");
    expect_v2_error(
        send(
            caller
                .post("/v1/images")
                .header("x-image-meta-name", "t")
                .header("x-image-meta-created_at", value),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "Invalid time format for created_at.",
    )
    .await;
}
