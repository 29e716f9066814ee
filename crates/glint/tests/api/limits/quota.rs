//! The per-project storage quota (`limits.user_storage_quota`, Glance's `user_storage_quota`):
//! refused up front when the declared size does not fit, cut mid-stream otherwise, re-checked
//! when the upload completes, and exact under concurrent uploads within one instance.

use super::status_of;
use crate::helpers::*;
use crate::images::{blob_files, chunked, pattern, plain};
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;

fn quota_app(quota: &'static str) -> impl FnOnce(&mut glint::config::Config) {
    move |config| config.limits.user_storage_quota = quota.into()
}

fn v1_data(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    plain(request)
        .header("x-image-meta-disk_format", "raw")
        .header("x-image-meta-container_format", "bare")
        .header("content-type", "application/octet-stream")
}

#[tokio::test]
async fn v1_uploads_past_the_quota_are_refused_and_killed() {
    // "1KB" is Glance's syntax: 1024 bytes.
    let app = spawn_app_with(quota_app("1KB")).await;
    let owner = app.tenant(OWNER);
    owner.create_image_id("first", Some(&pattern(600))).await;
    // Declared size over what remains (424): refused before any byte is stored.
    let declared = uuid::Uuid::new_v4().to_string();
    expect_error(
        send(
            v1_data(owner.post("/v1/images"))
                .header("x-image-meta-id", &declared)
                .header("x-image-meta-size", "600")
                .body(pattern(600)),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Denying attempt to upload image because it exceeds the quota: The size of the data \
         600 will exceed the limit. 424 bytes remaining.",
    )
    .await;
    // No declared size: cut off once the data passes what remains.
    let streamed = owner.create_image_id("streamed", None).await;
    expect_error(
        send(
            v1_data(owner.put(&format!("/v1/images/{streamed}")))
                .body(chunked(vec![pattern(300), pattern(300)])),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Denying attempt to upload image because it exceeds the quota: The size of the data \
         None will exceed the limit. 424 bytes remaining.",
    )
    .await;
    for id in [&declared, &streamed] {
        assert_eq!(status_of(&app, id).await, "killed", "{id}");
    }
    // Only the first image's blob is stored.
    assert_eq!(blob_files(&app).await.len(), 1);
    // Exactly what remains fits; then nothing remains, and an upload of unknown size is
    // refused outright (Glance `check_quota` with `image_size` None).
    owner.create_image_id("rest", Some(&pattern(424))).await;
    let full = owner.create_image_id("full", None).await;
    expect_error(
        send(v1_data(owner.put(&format!("/v1/images/{full}"))).body(chunked(vec![pattern(1)])))
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "0 bytes remaining.",
    )
    .await;
    // The quota is per project: another project still has all of it.
    let other = app.tenant(OTHER);
    other.create_image_id("other", Some(&pattern(1024))).await;
    // Deleting an image gives its bytes back.
    let first = owner.list_ids("").await;
    assert!(!first.is_empty());
    for id in first {
        assert_eq!(
            send(owner.delete(&format!("/v1/images/{id}")))
                .await
                .status(),
            StatusCode::OK
        );
    }
    owner.create_image_id("again", Some(&pattern(1024))).await;
}

#[tokio::test]
async fn v2_uploads_past_the_quota_are_refused_and_killed() {
    let app = spawn_app_with(quota_app("1000")).await;
    let owner = app.tenant(OWNER);
    let first = owner.v2_create_id("first", "private").await;
    assert_eq!(
        owner.v2_upload(&first, &pattern(600)).await,
        StatusCode::NO_CONTENT
    );
    // Content-Length is the declared size.
    let declared = owner.v2_create_id("declared", "private").await;
    expect_v2_error(
        send(
            owner
                .put(&format!("/v2/images/{declared}/file"))
                .header("content-type", "application/octet-stream")
                .body(pattern(401)),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Image exceeds the storage quota: The size of the data 401 will exceed the limit. 400 \
         bytes remaining.",
    )
    .await;
    let streamed = owner.v2_create_id("streamed", "private").await;
    expect_v2_error(
        send(
            owner
                .put(&format!("/v2/images/{streamed}/file"))
                .header("content-type", "application/octet-stream")
                .body(chunked(vec![pattern(250), pattern(250)])),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Image exceeds the storage quota:",
    )
    .await;
    // Issue #7: killed in v2 too (Glance 33 restores `queued`; README, differences).
    for id in [&declared, &streamed] {
        assert_eq!(status_of(&app, id).await, "killed", "{id}");
    }
    assert_eq!(blob_files(&app).await.len(), 1);
}

/// Uploads of one project racing each other: each passes the up-front check (nothing is stored
/// yet), but the re-check at completion is serialised within the instance, so the project never
/// ends over its quota and every refused upload is killed with no blob left.
#[tokio::test]
async fn concurrent_uploads_never_exceed_the_quota_together() {
    const UPLOADS: usize = 6;
    const SIZE: usize = 400;
    let app = spawn_app_with(quota_app("1000")).await;
    let owner = app.tenant(OWNER);
    let mut ids = Vec::new();
    for i in 0..UPLOADS {
        ids.push(owner.v2_create_id(&format!("racer-{i}"), "private").await);
    }
    // Every upload sends half its data, then waits until all have started.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(UPLOADS));
    let mut tasks = Vec::new();
    for id in &ids {
        let barrier = barrier.clone();
        let body = futures::stream::unfold(0u8, move |step| {
            let barrier = barrier.clone();
            async move {
                match step {
                    0 => Some((
                        Ok::<_, std::io::Error>(bytes::Bytes::from(pattern(SIZE / 2))),
                        1,
                    )),
                    1 => {
                        barrier.wait().await;
                        Some((Ok(bytes::Bytes::from(pattern(SIZE / 2))), 2))
                    }
                    _ => None,
                }
            }
        });
        tasks.push(tokio::spawn(
            owner
                .put(&format!("/v2/images/{id}/file"))
                .header("content-type", "application/octet-stream")
                .body(reqwest::Body::wrap_stream(body))
                .send(),
        ));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task").expect("response").status());
    }
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::NO_CONTENT)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::PAYLOAD_TOO_LARGE)
        .count();
    assert_eq!((accepted, refused), (2, UPLOADS - 2), "{statuses:?}");
    let mut active = 0;
    for id in &ids {
        match status_of(&app, id).await.as_str() {
            "active" => active += 1,
            "killed" => {}
            other => panic!("{id} ended {other}"),
        }
    }
    assert_eq!(active * SIZE, 800);
    assert_eq!(blob_files(&app).await.len(), 2);
}

#[tokio::test]
async fn a_malformed_quota_is_refused_at_start_up() {
    for bad in ["10 GB", "10G", "-1", "lots"] {
        let path = std::env::temp_dir().join(format!("glint-quota-{}.toml", short_id()));
        std::fs::write(&path, format!("[limits]\nuser_storage_quota = \"{bad}\"\n")).expect("toml");
        let loaded = glint::config::Config::load(Some(&path), &Default::default());
        let _ = std::fs::remove_file(&path);
        let error = loaded.expect_err(bad).to_string();
        assert!(error.contains("user_storage_quota"), "{bad}: {error}");
    }
}
