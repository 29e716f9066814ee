//! Crash safety and graceful shutdown, proven against the real `glint` binary (RELIABILITY.md
//! §1 and §3): processes are killed with SIGKILL mid-upload and restarted, or stopped with
//! SIGTERM, on a fresh data directory (or per-test PostgreSQL schema and S3 prefix).

mod downloads;
mod kills;
mod raw;
mod scrub;
mod shutdown;

use crate::helpers::*;
use crate::scale_out::process::{self, Instance};
use glint::config::Config;
use glint_core::{ImageId, ImageStatus};
use std::time::Duration;

/// A test app served by a child process that the test may kill and restart.
pub struct Node {
    pub app: TestApp,
    pub instance: Instance,
    /// The test's own connection to the database, to look behind the API.
    db: glint_db::Db,
}

impl Node {
    /// Starts `glint serve` with `configure` applied to a fresh test configuration.
    pub async fn start(configure: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (mut config, backends) = test_config(data_dir.path()).await;
        // Spelt out, so that a restarted or second process uses the very same back ends.
        config.database.url = Some(config.database_url());
        config.store.url = Some(config.store_url());
        configure(&mut config);
        let instance = process::start(&config).await;
        let app = TestApp::external(instance.address.clone(), data_dir, config, backends);
        let db = app.db().await;
        Self { app, instance, db }
    }

    /// Another process on the same back ends.
    pub async fn another(&self) -> Instance {
        process::start(&self.app.config).await
    }

    /// Replaces the process by a fresh one on the same back ends (after a kill).
    pub async fn restart(&mut self) {
        self.instance = process::start(&self.app.config).await;
        self.app.address = self.instance.address.clone();
    }

    pub fn socket(&self) -> String {
        self.instance.socket_address()
    }

    /// The image's status as stored.
    pub async fn status(&self, id: &str) -> ImageStatus {
        self.db
            .get_image(&ImageId::from_stored(id.to_owned()))
            .await
            .expect("db")
            .expect("image row")
            .status
    }

    /// Upload leases still in the database (live or not).
    pub async fn leases(&self) -> usize {
        let far = glint_core::time_fmt::Timestamp::parse_stored("9999-01-01T00:00:00.000000Z")
            .expect("timestamp");
        self.db.expired_uploads(far).await.expect("db").len()
    }

    /// Blobs of image `id` in the store (staging files of the local store included).
    pub async fn blobs_of(&self, id: &str) -> Vec<String> {
        let prefix = format!("images/{id}/");
        self.app
            .blob_keys()
            .await
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .collect()
    }
}

/// Short leases and frequent scrubs, so that a killed process's upload is reset quickly.
pub fn fast_scrub(config: &mut Config) {
    config.scrub.interval_secs = 1;
    config.scrub.lease_secs = 2;
    config.scrub.orphan_min_age_secs = 0;
}

/// Polls `check` until it holds; panics with `what` after a minute (a hung server, not a slow one).
pub async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates a queued image through `api` (1 or 2) as OWNER; returns its id.
pub async fn queued_image(app: &TestApp, api: u8, name: &str) -> String {
    let owner = app.tenant(OWNER);
    if api == 1 {
        id_of(&owner.create_image(name, None).await)
    } else {
        let response = send(owner.post("/v2/images").json(&serde_json::json!({
            "name": name, "disk_format": "raw", "container_format": "bare"
        })))
        .await;
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        let body: serde_json::Value = response.json().await.expect("json");
        body["id"].as_str().expect("id").to_owned()
    }
}

/// The upload request of `api` for image `id`.
pub fn upload_request(api: u8, id: &str) -> (&'static str, String) {
    if api == 1 {
        ("PUT", format!("/v1/images/{id}"))
    } else {
        ("PUT", format!("/v2/images/{id}/file"))
    }
}

/// What a failed upload leaves the image in: v1 `killed` (Glance 15 `safe_kill`), v2 `queued`
/// (Glance 33 `_restore`).
pub fn failure_status(api: u8) -> ImageStatus {
    if api == 1 {
        ImageStatus::Killed
    } else {
        ImageStatus::Queued
    }
}

/// The image's data downloaded through `api`: (status, body).
pub async fn download(app: &TestApp, api: u8, id: &str) -> (u16, Vec<u8>) {
    let path = if api == 1 {
        format!("/v1/images/{id}")
    } else {
        format!("/v2/images/{id}/file")
    };
    let response = send(app.tenant(OWNER).get(&path)).await;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    (status, body)
}

/// Deterministic test data of `len` bytes, different per `seed`.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
