//! The store, then the database, goes away mid-run: requests that need it fail cleanly with 503,
//! the health check says which one is missing, nothing stored is damaged, and the service
//! recovers by itself when the back end returns. The cut-and-restore test needs PostgreSQL and
//! S3 (a network between glint and them to cut): it runs when `GLINT_TEST_DATABASE_URL` and
//! `GLINT_TEST_S3_URL` are set; the unreachable-store test runs everywhere.

use super::proxy::{Proxy, host_port, redirect};
use crate::helpers::*;
use crate::images::download;
use reqwest::StatusCode;
use serde_json::Value;

async fn health(app: &TestApp) -> (StatusCode, String) {
    let response = send(app.anonymous().get("/healthcheck")).await;
    (response.status(), text(response).await)
}

/// Status of every image an admin can list, by id.
async fn statuses(app: &TestApp) -> Vec<(String, String)> {
    let response = send(
        app.admin()
            .get("/v1/images/detail?is_public=none&changes-since=1900-01-01T00:00:00&limit=1000"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    let mut out: Vec<(String, String)> = body["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| {
            (
                id_of(i),
                i["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn store_and_database_outages_answer_503_and_the_service_recovers() {
    let (Ok(db_url), Ok(s3_url)) = (
        std::env::var("GLINT_TEST_DATABASE_URL"),
        std::env::var("GLINT_TEST_S3_URL"),
    ) else {
        eprintln!("skipped: needs GLINT_TEST_DATABASE_URL and GLINT_TEST_S3_URL");
        return;
    };
    let db_proxy = Proxy::start(host_port(&db_url)).await;
    let s3_proxy = Proxy::start(host_port(&s3_url)).await;
    let app = spawn_app_with(|c| {
        let url = c.database.url.clone().expect("per-test database");
        c.database.url = Some(redirect(&url, db_proxy.address));
        let endpoint = c.store.endpoint.clone().expect("S3 endpoint");
        c.store.endpoint = Some(redirect(&endpoint, s3_proxy.address));
        // Fail within seconds rather than the production defaults.
        c.database.acquire_timeout_secs = 2;
        c.store.max_retries = 1;
        c.store.retry_timeout_secs = 2;
        c.store.connect_timeout_secs = 1;
    })
    .await;
    let owner = app.tenant(OWNER);
    let data: Vec<u8> = (0..300_000).map(|i| (i % 241) as u8).collect();
    let kept = owner.create_image_id("kept", Some(&data)).await;
    assert_eq!(health(&app).await, (StatusCode::OK, "OK".into()));

    // The store goes away: data calls fail with 503, metadata calls still work.
    s3_proxy.cut();
    let (status, body) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body.contains("image store unreachable") && body.contains("database reachable"),
        "{body}"
    );
    let (status, _, _) = download(&owner, &kept).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-name", "during-store-outage")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(data.clone()),
    )
    .await;
    expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily unavailable",
    )
    .await;
    assert!(owner.list_ids("").await.contains(&kept));

    s3_proxy.restore();
    assert_eq!(health(&app).await, (StatusCode::OK, "OK".into()));
    let (status, _, body) = download(&owner, &kept).await;
    assert_eq!((status, body == data), (StatusCode::OK, true));
    let after_store = owner
        .create_image_id("after-store-outage", Some(b"later"))
        .await;

    // The database goes away: everything but the store answers 503, quickly.
    db_proxy.cut();
    let (status, body) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body.contains("database unreachable") && body.contains("image store reachable"),
        "{body}"
    );
    expect_error(
        send(owner.get("/v1/images")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily unavailable",
    )
    .await;
    assert_eq!(
        owner.head_status(&kept).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let create = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-name", "during-db-outage"),
    )
    .await;
    assert_eq!(create.status(), StatusCode::SERVICE_UNAVAILABLE);

    db_proxy.restore();
    assert_eq!(health(&app).await, (StatusCode::OK, "OK".into()));

    // Nothing damaged: the two good images are active with their bytes; the upload refused
    // during the store outage is `killed` (as Glance leaves a failed upload) with no object.
    let listed = statuses(&app).await;
    let active: Vec<&String> = listed
        .iter()
        .filter(|(_, s)| s == "active")
        .map(|(i, _)| i)
        .collect();
    let mut expected = vec![&kept, &after_store];
    expected.sort();
    assert_eq!(active, expected, "{listed:?}");
    let others: Vec<&str> = listed
        .iter()
        .filter(|(_, s)| s != "active")
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(others, vec!["killed"], "{listed:?}");
    assert_eq!(
        app.blob_keys().await.len(),
        2,
        "no object from the refused upload"
    );
    let (status, _, body) = download(&owner, &kept).await;
    assert_eq!((status, body == data), (StatusCode::OK, true));
}

/// Runs on every machine: an S3 endpoint where nothing listens is an outage from the start.
#[tokio::test]
async fn an_unreachable_store_is_named_by_the_healthcheck_and_refuses_data_with_503() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let app = spawn_app_with(|c| {
        c.store.url = Some("s3://nowhere/glint".into());
        c.store.endpoint = Some(format!("http://127.0.0.1:{closed_port}"));
        c.store.access_key_id = Some("AK".into());
        c.store.secret_access_key = Some(glint::config::SecretString("SK".into()));
        c.store.allow_http = true;
        c.store.max_retries = 0;
    })
    .await;
    let (status, body) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body,
        "Service Unavailable: database reachable; image store unreachable"
    );
    let owner = app.tenant(OWNER);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-name", "nowhere")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(b"bytes".to_vec()),
    )
    .await;
    expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily unavailable",
    )
    .await;
    // Metadata still works, and the refused upload left its image killed, as Glance does.
    let listed = statuses(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1, "killed");
}
