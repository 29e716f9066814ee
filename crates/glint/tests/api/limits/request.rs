//! Request limits outside image data: JSON bodies (oslo.middleware `max_request_body_size`,
//! 114688 bytes), header line length (eventlet `max_header_line`, 16384) and header count
//! (100): each a clean 4xx, never a 500.

use super::{connect, owner_headers, read_answer};
use crate::helpers::*;
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::AsyncWriteExt;

/// A v2 create body of exactly `len` bytes.
fn create_body(len: usize) -> String {
    let shell = json!({"name": "", "disk_format": "raw", "container_format": "bare"}).to_string();
    let name = "n".repeat(len - shell.len());
    let body = json!({"name": name, "disk_format": "raw", "container_format": "bare"}).to_string();
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn json_bodies_over_max_request_body_size_are_413() {
    let app = spawn_app_with(|config| config.limits.max_request_body_size = 2048).await;
    let owner = app.tenant(OWNER);
    let create = |body: String| {
        owner
            .post("/v2/images")
            .header("content-type", "application/json")
            .body(body)
    };
    // At the limit: parsed (the name is too long for the schema, which proves it was read).
    let at_limit = send(create(create_body(2048))).await;
    assert_eq!(at_limit.status(), StatusCode::BAD_REQUEST);
    // One byte over, with a Content-Length: refused before reading.
    expect_v2_error(
        send(create(create_body(2049))).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request is too large. Larger than max_request_body_size (2048).",
    )
    .await;
    // Chunked, no Content-Length: cut off once past the limit.
    let body = create_body(4096).into_bytes();
    let chunks = body.chunks(1000).map(<[u8]>::to_vec).collect();
    expect_v2_error(
        send(
            owner
                .post("/v2/images")
                .header("content-type", "application/json")
                .body(crate::images::chunked(chunks)),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request is too large.",
    )
    .await;
    // v1 member bodies go through the same reader.
    let image = owner.create_image_id("shared", None).await;
    let members: Vec<_> = (0..200)
        .map(|i| json!({"member_id": format!("tenant-{i:04}"), "can_share": false}))
        .collect();
    expect_error(
        send(
            owner
                .put(&format!("/v1/images/{image}/members"))
                .json(&json!({ "memberships": members })),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request is too large.",
    )
    .await;
    // Nothing was created by the refused calls: only the image made for the member call.
    assert_eq!(owner.list_ids("").await, vec![image]);
}

#[tokio::test]
async fn the_default_body_limit_is_glances_114688_bytes() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(
        owner
            .post("/v2/images")
            .header("content-type", "application/json")
            .body(create_body(114_689)),
    )
    .await;
    expect_v2_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Larger than max_request_body_size (114688).",
    )
    .await;
}

#[tokio::test]
async fn a_header_line_over_max_header_line_is_400() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    // "x-image-meta-name: " is 19 bytes: 16384 in all is the longest line accepted.
    let fits = "a".repeat(16_384 - "x-image-meta-name".len() - 2);
    let response = send(owner.post("/v1/images").header("x-image-meta-name", &fits)).await;
    // Accepted by the limit; the name itself is refused by v1 as longer than 255.
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = text(response).await;
    assert!(!body.contains("Header Line Too Long"), "{body}");
    let long = format!("{fits}a");
    expect_error(
        send(owner.get("/v1/images").header("x-image-meta-name", &long)).await,
        StatusCode::BAD_REQUEST,
        "Header Line Too Long",
    )
    .await;
    let long = "a".repeat(16_384 - "x-anything".len() - 2 + 1);
    expect_v2_error(
        send(owner.get("/v2/images").header("x-anything", &long)).await,
        StatusCode::BAD_REQUEST,
        "Header Line Too Long",
    )
    .await;
}

#[tokio::test]
async fn more_than_100_headers_are_431_and_the_server_stays_up() {
    let app = spawn_app().await;
    // 101 headers in all (eventlet / http.client: at most 100).
    let mut socket = connect(&app).await;
    let mut head = format!(
        "GET /v2/images HTTP/1.1\r\nHost: glint\r\n{}",
        owner_headers()
    );
    for i in 0..97 {
        head.push_str(&format!("x-filler-{i}: 1\r\n"));
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).await.expect("head");
    let answer = read_answer(&mut socket).await.expect("an answer");
    assert_eq!(answer.status, 431, "{answer:?}");
    // The server still answers.
    let response = send(app.tenant(OWNER).get("/v2/images")).await;
    assert_eq!(response.status(), StatusCode::OK);
}
