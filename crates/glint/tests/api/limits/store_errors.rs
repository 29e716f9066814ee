//! Store failures during an upload or a download, on real file systems: a store directory on a
//! 2 MiB tmpfs (disk full: 413 `Image storage media is full`), on a read-only tmpfs (write
//! denied: 503), and data missing from the store (download: 404). The image never ends
//! `active`; a failed upload ends `killed` with no partial blob. The mounts need root (the
//! sandbox CI runs as root); elsewhere these tests say so and skip.

use super::{exchange, owner_headers, status_of};
use crate::helpers::*;
use crate::images::{blob_files, pattern};
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs with `options` (e.g. `size=2m`), or explains why not and returns None.
    fn mount(options: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "glint-test"])
            .arg(dir.path())
            .status();
        match status {
            Ok(s) if s.success() => Some(Self { dir }),
            other => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs ({other:?}); the store-error tests need root"
                );
                None
            }
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// An app whose image store is the directory `store`.
async fn app_on(store: &Path) -> TestApp {
    let url = format!("file://{}", store.display());
    spawn_app_with(move |config| config.store.url = Some(url)).await
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// A 4 MiB upload written by hand, so that the answer is read even while data is still owed.
async fn raw_upload(app: &TestApp, request_line: &str, extra: &str) -> super::Raw {
    let data = pattern(4 * 1024 * 1024);
    let head = format!(
        "{request_line} HTTP/1.1\r\nHost: glint\r\nAccept: text/plain\r\n{}{extra}\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        owner_headers(),
        data.len()
    );
    exchange(app, head, data, 64 * 1024).await
}

#[tokio::test]
async fn a_full_disk_answers_413_and_kills_the_image_in_v1_and_v2() {
    let Some(disk) = Tmpfs::mount("size=2m") else {
        return;
    };
    let app = app_on(&disk.path()).await;
    let owner = app.tenant(OWNER);
    let v1 = owner.create_image_id("v1", None).await;
    let answer = raw_upload(
        &app,
        &format!("PUT /v1/images/{v1}"),
        "x-image-meta-disk_format: raw\r\nx-image-meta-container_format: bare\r\n",
    )
    .await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert!(
        answer.body.contains(
            "Image storage media is full: There is not enough disk space on the image storage \
             media."
        ),
        "{answer:?}"
    );
    let v2 = owner.v2_create_id("v2", "private").await;
    let answer = raw_upload(&app, &format!("PUT /v2/images/{v2}/file"), "").await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert!(
        answer.body.contains("Image storage media is full"),
        "{answer:?}"
    );
    for id in [&v1, &v2] {
        assert_eq!(status_of(&app, id).await, "killed", "{id}");
    }
    // No partial blob (nor staging file) is left on the full disk.
    assert_eq!(files_under(&disk.path()), Vec::<PathBuf>::new());
    // The disk is usable again for what fits.
    let small = owner.v2_create_id("small", "private").await;
    assert_eq!(
        owner.v2_upload(&small, &pattern(1024)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(status_of(&app, &small).await, "active");
    drop(app);
}

#[tokio::test]
async fn a_read_only_store_answers_503_and_kills_the_image() {
    let Some(disk) = Tmpfs::mount("size=1m,ro") else {
        return;
    };
    let app = app_on(&disk.path()).await;
    let owner = app.tenant(OWNER);
    let v1 = owner.create_image_id("v1", None).await;
    let response = send(
        owner
            .put(&format!("/v1/images/{v1}"))
            .header("accept", "text/plain")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(pattern(1024)),
    )
    .await;
    expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "Insufficient permissions on image storage media: Permission to write image storage \
         media denied.",
    )
    .await;
    let v2 = owner.v2_create_id("v2", "private").await;
    let response = send(
        owner
            .put(&format!("/v2/images/{v2}/file"))
            .header("content-type", "application/octet-stream")
            .body(pattern(1024)),
    )
    .await;
    expect_v2_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "Insufficient permissions on image storage media",
    )
    .await;
    for id in [&v1, &v2] {
        assert_eq!(status_of(&app, id).await, "killed", "{id}");
    }
}

#[tokio::test]
async fn data_missing_from_the_store_is_a_clean_404_on_download() {
    let app = spawn_app().await;
    if app.config.store.url.is_some() {
        eprintln!("SKIPPED: the blob is removed from a local store directory");
        return;
    }
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("lost", Some(b"some bytes")).await;
    let blobs = blob_files(&app).await;
    assert_eq!(blobs.len(), 1);
    let dir = PathBuf::from(app.config.store_url().trim_start_matches("file://"));
    std::fs::remove_file(dir.join(&blobs[0])).expect("remove the blob");
    expect_error(
        send(
            owner
                .get(&format!("/v1/images/{id}"))
                .header("accept", "text/plain"),
        )
        .await,
        StatusCode::NOT_FOUND,
        &format!("Image data for image {id} not found in the store."),
    )
    .await;
    expect_v2_error(
        send(owner.get(&format!("/v2/images/{id}/file"))).await,
        StatusCode::NOT_FOUND,
        &format!("Image data for image {id} not found in the store."),
    )
    .await;
    // The record is untouched: the image is still `active` (an operator restores the data).
    assert_eq!(status_of(&app, &id).await, "active");
}
