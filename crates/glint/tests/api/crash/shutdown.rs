//! SIGTERM: the listener closes at once, requests in flight finish within the grace period,
//! uploads still running after it are aborted cleanly, and the process exits.

use super::raw::{RawRequest, identity};
use super::*;

/// Whether a new connection to `socket` is refused.
async fn refused(socket: &str) -> bool {
    tokio::net::TcpStream::connect(socket).await.is_err()
}

#[tokio::test]
async fn after_sigterm_new_connections_are_refused_and_requests_in_flight_finish() {
    let mut node = Node::start(|config| config.shutdown_grace_secs = 60).await;
    let socket = node.socket();
    let served = data(8 * 1024 * 1024, 11);
    let active = node
        .app
        .tenant(OWNER)
        .create_image_id("served", Some(&served))
        .await;
    let queued = queued_image(&node.app, 1, "uploaded").await;
    let uploaded = data(200_000, 12);

    // A download that has started (head and first bytes read) and an upload half sent.
    let mut reading = RawRequest::start(
        &socket,
        "GET",
        &format!("/v1/images/{active}"),
        &identity(OWNER),
        None,
    )
    .await;
    let start = reading.read_some(64).await;
    let (method, path) = upload_request(1, &queued);
    let mut upload = RawRequest::start(
        &socket,
        method,
        &path,
        &identity(OWNER),
        Some(uploaded.len()),
    )
    .await;
    upload.send(&uploaded[..100_000]).await.expect("first half");
    wait_until("the upload to start", || async {
        node.status(&queued).await == ImageStatus::Saving
    })
    .await;

    node.instance.terminate();
    wait_until("new connections to be refused", || refused(&socket)).await;

    upload
        .send(&uploaded[100_000..])
        .await
        .expect("second half");
    let response = upload.finish(Vec::new()).await.expect("upload answered");
    assert_eq!(response.status, 200, "{response:?}");
    let response = reading.finish(start).await.expect("download answered");
    assert_eq!(response.status, 200);
    assert_eq!(response.content_length, Some(served.len()));
    assert!(response.body == served, "the download was cut or differs");

    let exit = node.instance.wait_exit().await;
    assert!(exit.success(), "{exit:?}");
    assert_eq!(node.status(&queued).await, ImageStatus::Active);
    assert_eq!(node.leases().await, 0);
    node.restart().await;
    let (code, body) = download(&node.app, 1, &queued).await;
    assert_eq!(code, 200);
    assert!(body == uploaded);
}

#[tokio::test]
async fn uploads_still_running_after_the_grace_are_aborted_as_failed_uploads() {
    let mut node = Node::start(|config| config.shutdown_grace_secs = 1).await;
    let socket = node.socket();
    let mut running = Vec::new();
    for api in [1, 2] {
        let id = queued_image(&node.app, api, "stalled").await;
        let (method, path) = upload_request(api, &id);
        let mut request =
            RawRequest::start(&socket, method, &path, &identity(OWNER), Some(1_000_000)).await;
        request
            .send(&data(300_000, 5))
            .await
            .expect("part of the body");
        wait_until("the upload to start", || async {
            node.status(&id).await == ImageStatus::Saving
        })
        .await;
        running.push((api, id, request));
    }

    node.instance.terminate();
    let exit = node.instance.wait_exit().await;
    assert!(exit.success(), "{exit:?}");
    for (api, id, request) in running {
        // Answered 503 before the exit, or cut off with it: never a success.
        if let Some(response) = request.finish(Vec::new()).await {
            assert!(response.status >= 500, "v{api}: {response:?}");
        }
        // Left by the shutdown itself, before any restart or scrub.
        assert_eq!(node.status(&id).await, failure_status(api), "v{api}");
        assert!(node.blobs_of(&id).await.is_empty(), "v{api}: blob left");
    }
    assert_eq!(node.leases().await, 0, "leases left behind");
}
