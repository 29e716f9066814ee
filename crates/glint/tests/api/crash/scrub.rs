//! The scrub with several instances on one database and store: blobs that nothing owns are
//! removed, while an upload running on another instance is left alone and completes.

use super::raw::{RawRequest, identity};
use super::*;
use bytes::Bytes;

/// Puts an object that no image references, as a process killed between storing an upload
/// and committing it would leave.
async fn plant_orphan(app: &TestApp) -> String {
    // With no age margin a running scrub may take the object while it is being written (it
    // has no lease, so it is an orphan from its first byte): plant again until one lands.
    for _ in 0..20 {
        let key = format!("images/{}/{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"orphan"))]);
        if app.store().put_stream(&key, body, 1024).await.is_ok() {
            return key;
        }
    }
    panic!("could not plant an orphan");
}

#[tokio::test]
async fn two_scrubbing_instances_remove_orphans_but_not_a_live_upload_on_either() {
    // Long leases (the live upload must not look abandoned on a busy machine); every second a
    // scrub on each instance, with no age margin for orphans.
    let first = Node::start(|config| {
        config.scrub.interval_secs = 1;
        config.scrub.lease_secs = 30;
        config.scrub.orphan_min_age_secs = 0;
    })
    .await;
    let _second = first.another().await;
    let kept = data(100_000, 7);
    let active = first
        .app
        .tenant(OWNER)
        .create_image_id("kept", Some(&kept))
        .await;

    for api in [1, 2] {
        let id = queued_image(&first.app, api, "live").await;
        let bytes = data(300_000, u64::from(api));
        let (method, path) = upload_request(api, &id);
        let mut request = RawRequest::start(
            &first.socket(),
            method,
            &path,
            &identity(OWNER),
            Some(bytes.len()),
        )
        .await;
        request.send(&bytes[..100_000]).await.expect("first half");
        wait_until("the upload to start", || async {
            first.status(&id).await == ImageStatus::Saving
        })
        .await;
        // Two orphans, one after the other: once the second is gone, both instances have
        // scrubbed at least once while the upload was running.
        for _ in 0..2 {
            let orphan = plant_orphan(&first.app).await;
            wait_until("the orphan to be scrubbed", || async {
                !first.app.blob_keys().await.contains(&orphan)
            })
            .await;
        }
        assert_eq!(first.status(&id).await, ImageStatus::Saving, "v{api}");
        assert_eq!(first.leases().await, 1, "v{api}: the live lease was taken");
        request.send(&bytes[100_000..]).await.expect("second half");
        let response = request.finish(Vec::new()).await.expect("a response");
        assert!(
            (200..300).contains(&response.status),
            "v{api}: {response:?}"
        );
        assert_eq!(first.status(&id).await, ImageStatus::Active, "v{api}");
        let (code, body) = download(&first.app, api, &id).await;
        assert_eq!(code, 200);
        assert!(body == bytes, "v{api}: uploaded bytes differ");
        assert_eq!(first.blobs_of(&id).await.len(), 1);
    }
    // The image that was active all along still has its data.
    let (code, body) = download(&first.app, 1, &active).await;
    assert_eq!(code, 200);
    assert!(body == kept);
    assert_eq!(first.leases().await, 0);
}

#[tokio::test]
async fn the_start_up_scrub_removes_orphans_older_than_the_margin_only() {
    let mut node = Node::start(|config| {
        // No periodic scrub during the test: only the one at start-up.
        config.scrub.interval_secs = 3600;
        config.scrub.orphan_min_age_secs = 0;
    })
    .await;
    let kept = data(10_000, 3);
    let id = node
        .app
        .tenant(OWNER)
        .create_image_id("kept", Some(&kept))
        .await;
    let orphan = plant_orphan(&node.app).await;
    node.instance.kill_hard();
    node.restart().await;
    wait_until("the start-up scrub to remove the orphan", || async {
        !node.app.blob_keys().await.contains(&orphan)
    })
    .await;
    assert_eq!(node.blobs_of(&id).await.len(), 1);
    let (code, body) = download(&node.app, 1, &id).await;
    assert_eq!(code, 200);
    assert!(body == kept);

    // With a margin of an hour, a fresh orphan survives the start-up scrub. The referenced
    // blob shows when that scrub has run: there is no other signal, so this half checks the
    // state after a restart and a scrub of a fresh orphan that must be kept.
    node.instance.kill_hard();
    node.app.config.scrub.orphan_min_age_secs = 3600;
    let young = plant_orphan(&node.app).await;
    node.restart().await;
    let report = glint_service_scrub(&node.app).await;
    assert_eq!(report.orphans, 0, "a young orphan was removed");
    assert!(node.app.blob_keys().await.contains(&young));
}

/// Runs one scrub in this test process with the node's configuration (the same code the
/// server runs), for the half of a test that must see a scrub's result.
async fn glint_service_scrub(app: &TestApp) -> glint_service::ScrubReport {
    let db = glint::startup::open_database(&app.config)
        .await
        .expect("db");
    let store = app.store();
    glint_service::Glint::new(db, store, app.config.limits())
        .with_scrub(app.config.scrub_settings())
        .scrub_once()
        .await
        .expect("scrub")
}
