//! Idle timeouts: a client that stops sending in the middle of an upload is cut off after
//! `client_socket_timeout_secs` (per read) and its upload fails cleanly; a client that trickles
//! its request head is disconnected after `header_read_timeout_secs`; and there is no
//! whole-request timeout: a slow but steady one-minute upload succeeds at a one-second idle
//! timeout.

use super::{connect, owner_headers, read_answer, status_of};
use crate::helpers::*;
use crate::images::{blob_files, pattern};
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Starts an upload of `total` bytes on a raw socket, sends `sent` of them and then nothing,
/// keeping the connection open; returns the server's answer.
async fn stalled_upload(app: &TestApp, request_line: &str, extra: &str, sent: usize) -> super::Raw {
    let mut socket = connect(app).await;
    let head = format!(
        "{request_line} HTTP/1.1\r\nHost: glint\r\nAccept: text/plain\r\n{}{extra}\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        owner_headers(),
        1024 * 1024
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    socket.write_all(&pattern(sent)).await.expect("part");
    socket.flush().await.expect("flush");
    // The socket stays open (and silent) while the answer is read.
    read_answer(&mut socket).await.expect("an answer")
}

#[tokio::test]
async fn a_client_that_stops_sending_is_cut_off_and_its_upload_fails_cleanly() {
    let app = spawn_app_with(|config| config.limits.client_socket_timeout_secs = 1).await;
    let owner = app.tenant(OWNER);
    let v1 = owner.create_image_id("v1", None).await;
    let answer = stalled_upload(
        &app,
        &format!("PUT /v1/images/{v1}"),
        "x-image-meta-disk_format: raw\r\nx-image-meta-container_format: bare\r\n",
        64 * 1024,
    )
    .await;
    assert_eq!(answer.status, 408, "{answer:?}");
    assert!(
        answer
            .body
            .contains("The client sent no data for 1 seconds."),
        "{answer:?}"
    );
    // v1: a failed upload kills the image (Glance `safe_kill`).
    assert_eq!(status_of(&app, &v1).await, "killed");
    let v2 = owner.v2_create_id("v2", "private").await;
    let answer = stalled_upload(&app, &format!("PUT /v2/images/{v2}/file"), "", 64 * 1024).await;
    assert_eq!(answer.status, 408, "{answer:?}");
    // v2: the client's failure puts the image back to `queued` for a retry (Glance `_restore`).
    assert_eq!(status_of(&app, &v2).await, "queued");
    assert!(
        blob_files(&app).await.is_empty(),
        "{:?}",
        blob_files(&app).await
    );
    // The image takes a complete upload afterwards.
    assert_eq!(
        owner.v2_upload(&v2, b"complete").await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_client_that_trickles_its_request_head_is_disconnected() {
    let app = spawn_app_with(|config| config.limits.header_read_timeout_secs = 1).await;
    let mut socket = connect(&app).await;
    socket
        .write_all(b"GET /v2/images HTTP/1.1\r\nHost: glint\r\n")
        .await
        .expect("start");
    // Then one header byte every 200 ms, never finishing: the server hangs up on its own (the
    // answer, if any, is not a success) and the loop ends when a write fails or EOF is read.
    let mut closed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if socket.write_all(b"x").await.is_err() {
            closed = true;
            break;
        }
        let mut probe = [0u8; 64];
        match tokio::time::timeout(Duration::from_millis(1), socket.peek(&mut probe)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => {
                let answer = read_answer(&mut socket).await;
                assert!(
                    answer.as_ref().is_none_or(|a| a.status >= 400),
                    "{answer:?}"
                );
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "a 20 s trickled head was still being read");
    // Complete requests are unaffected.
    let response = send(app.tenant(OWNER).get("/v2/images")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// No whole-request timeout on data routes: one minute of 1 KiB every 250 ms at a 1 s idle
/// timeout is stored whole.
#[tokio::test]
async fn a_slow_but_steady_one_minute_upload_succeeds() {
    let app = spawn_app_with(|config| {
        config.limits.client_socket_timeout_secs = 1;
        config.limits.header_read_timeout_secs = 1;
    })
    .await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("trickled", "private").await;
    const PIECES: usize = 240;
    let body = futures::stream::unfold(0usize, |i| async move {
        if i == PIECES {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        Some((
            Ok::<_, std::io::Error>(bytes::Bytes::from(pattern(1024))),
            i + 1,
        ))
    });
    let started = std::time::Instant::now();
    let response = send(
        owner
            .put(&format!("/v2/images/{id}/file"))
            .header("content-type", "application/octet-stream")
            .body(reqwest::Body::wrap_stream(body)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // It did last the minute (a precondition of the test, not a performance figure).
    assert!(started.elapsed() >= Duration::from_secs(60));
    assert_eq!(status_of(&app, &id).await, "active");
    let image: serde_json::Value = send(owner.get(&format!("/v2/images/{id}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(image["size"], 240 * 1024);
    assert_eq!(
        image["checksum"],
        md5_hex(&pattern(1024).repeat(PIECES)).as_str()
    );
}
