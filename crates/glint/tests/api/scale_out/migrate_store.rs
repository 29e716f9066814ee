//! `glint migrate-store`: every live image's bytes copied to another store, verified, resumable;
//! a server pointed at the new store then serves them.

use crate::helpers::*;
use crate::images::download;
use glint::migrate_store::migrate;
use glint::startup::{Application, open_store_at};
use reqwest::StatusCode;

/// A second store for the test: a fresh S3 prefix when S3 is configured and the app's store is
/// local, else a fresh directory (S3 → file covers the other direction).
fn target_url(app: &TestApp, dir: &std::path::Path) -> String {
    let source = app.config.store_url();
    match std::env::var("GLINT_TEST_S3_URL") {
        Ok(url) if source.starts_with("file://") => {
            let (bucket, _) = glint_store::S3Settings::from_endpoint_url(&url).expect("s3 url");
            format!("s3://{bucket}/t/{}", short_id())
        }
        _ => format!("file://{}", dir.display()),
    }
}

#[tokio::test]
async fn migrate_store_copies_verifies_resumes_and_the_new_store_serves() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let big: Vec<u8> = (0..1_000_000).map(|i| (i % 239) as u8).collect();
    let first = owner.create_image_id("first", Some(&big)).await;
    let second = owner.create_image_id("second", Some(b"small")).await;
    let _no_data = owner.create_image_id("queued", None).await;
    let gone = owner.create_image_id("gone", Some(b"deleted")).await;
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{gone}")))
            .await
            .status(),
        StatusCode::OK
    );

    let dir = tempfile::tempdir().expect("dir");
    let mut config = app.config.clone();
    let target_url = target_url(&app, dir.path());
    let source = app.store();
    let target = open_store_at(&config, &target_url).expect("target");
    let db = app.db().await;

    let report = migrate(&db, &source, &target).await.expect("migrate");
    assert_eq!((report.copied, report.already_there), (2, 0), "{report}");
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.bytes_copied, big.len() as u64 + 5);
    let mut copied = target.keys("").await.expect("list");
    copied.sort();
    assert_eq!(copied, app.blob_keys().await, "the same keys, nothing else");

    // Resumable: a second run finds everything in place; a damaged copy is copied again.
    let again = migrate(&db, &source, &target).await.expect("migrate again");
    assert_eq!((again.copied, again.already_there), (0, 2), "{again}");
    let damaged = copied[0].clone();
    let bytes =
        futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"smalL"))]);
    target
        .put_stream(&damaged, bytes, u64::MAX)
        .await
        .expect("overwrite");
    let repaired = migrate(&db, &source, &target).await.expect("repair");
    assert_eq!(
        (repaired.copied, repaired.already_there),
        (1, 1),
        "{repaired}"
    );

    // A server on the same database and the new store serves both images.
    config.store.url = Some(target_url.clone());
    config.bind = "127.0.0.1:0".into();
    let moved = Application::build(&config)
        .await
        .expect("server on the new store");
    let address = format!("http://{}", moved.address());
    tokio::spawn(moved.run());
    let view = TestApp::external(
        address,
        tempfile::tempdir().expect("dir"),
        config,
        Backends::default(),
    );
    let (status, _, body) = download(&view.tenant(OWNER), &first).await;
    assert_eq!((status, body == big), (StatusCode::OK, true));
    let (status, _, body) = download(&view.tenant(OWNER), &second).await;
    assert_eq!((status, body), (StatusCode::OK, b"small".to_vec()));

    // Data missing from the source is reported, not invented.
    source.delete(&copied[0]).await.expect("delete");
    target.delete(&copied[0]).await.expect("delete");
    let broken = migrate(&db, &source, &target).await.expect("migrate");
    assert_eq!(broken.failed.len(), 1, "{broken:?}");
    assert!(broken.failed[0].1.contains("no object"), "{broken:?}");

    for key in target.keys("").await.unwrap_or_default() {
        let _ = target.delete(&key).await;
    }
}

#[tokio::test]
async fn the_migrate_store_command_reports_and_exits_cleanly() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    owner.create_image_id("one", Some(b"bytes")).await;
    let dir = tempfile::tempdir().expect("dir");
    let to = format!("file://{}", dir.path().display());
    let from = app.config.store_url();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_glint"));
    command
        .args(["migrate-store", "--from", &from, "--to", &to])
        .env("GLINT_DATABASE__URL", app.config.database_url())
        .env("GLINT_DATA_DIR", app.data_dir.path());
    let store = &app.config.store;
    for (name, value) in [
        ("GLINT_STORE__ENDPOINT", store.endpoint.clone()),
        ("GLINT_STORE__ACCESS_KEY_ID", store.access_key_id.clone()),
        (
            "GLINT_STORE__SECRET_ACCESS_KEY",
            store.secret_access_key.as_ref().map(|s| s.0.clone()),
        ),
        (
            "GLINT_STORE__ALLOW_HTTP",
            Some(store.allow_http.to_string()),
        ),
    ] {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("glint runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("copied 1 object(s) (5 bytes)"), "{stdout}");
    assert!(!stdout.contains("SECRET") && !stdout.contains("secret_access_key"));
}
