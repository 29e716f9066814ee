//! Version discovery and generic HTTP behaviour.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn root_is_multiple_choices_and_versions_is_ok_without_credentials() {
    let app = spawn_app().await;
    let root = send(app.anonymous().get("/")).await;
    assert_eq!(root.status(), StatusCode::MULTIPLE_CHOICES);
    let versions = send(app.anonymous().get("/versions")).await;
    assert_eq!(versions.status(), StatusCode::OK);
    assert_eq!(versions.headers()["content-type"], "application/json");
}

/// Glance 33's v2 entries in its own order (transcript #1), then v1 as Glance 15 listed it
/// beside v2 (DEPRECATED, last).
const EXPECTED_VERSIONS: [(&str, &str, &str); 13] = [
    ("v2.15", "SUPPORTED", "/v2/"),
    ("v2.9", "SUPPORTED", "/v2/"),
    ("v2.17", "CURRENT", "/v2/"),
    ("v2.7", "SUPPORTED", "/v2/"),
    ("v2.6", "SUPPORTED", "/v2/"),
    ("v2.5", "SUPPORTED", "/v2/"),
    ("v2.4", "SUPPORTED", "/v2/"),
    ("v2.3", "SUPPORTED", "/v2/"),
    ("v2.2", "SUPPORTED", "/v2/"),
    ("v2.1", "SUPPORTED", "/v2/"),
    ("v2.0", "SUPPORTED", "/v2/"),
    ("v1.1", "DEPRECATED", "/v1/"),
    ("v1.0", "DEPRECATED", "/v1/"),
];

#[tokio::test]
async fn the_versions_document_lists_glance_33s_v2_entries_then_v1() {
    let app = spawn_app().await;
    for path in ["/", "/versions"] {
        let body: Value = send(app.anonymous().get(path))
            .await
            .json()
            .await
            .expect("json");
        let got: Vec<(String, String, String)> = body["versions"]
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| {
                let href = v["links"][0]["href"].as_str().expect("href");
                assert_eq!(v["links"][0]["rel"], "self");
                (
                    v["id"].as_str().expect("id").to_owned(),
                    v["status"].as_str().expect("status").to_owned(),
                    href.strip_prefix(&app.address).unwrap_or(href).to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, String, String)> = EXPECTED_VERSIONS
            .iter()
            .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
            .collect();
        assert_eq!(got, expected, "{path}");
    }
}

#[tokio::test]
async fn the_versions_document_has_glances_bytes() {
    // python's json.dumps framing, keys in Glance's order: a byte comparison with the peer
    // (modulo the host) holds.
    let app = spawn_app().await;
    let body = text(send(app.anonymous().get("/versions")).await).await;
    let host = app.address.trim_start_matches("http://");
    let first = format!(
        r#"{{"versions": [{{"id": "v2.15", "status": "SUPPORTED", "links": [{{"rel": "self", "href": "http://{host}/v2/"}}]}}, "#
    );
    assert!(body.starts_with(&first), "{body}");
    assert!(body.ends_with(r#"/v1/"}]}]}"#), "{body}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    for response in [
        send(app.anonymous().get("/versions")).await,
        send(app.anonymous().get("/v1/images")).await, // 401
        send(app.tenant(OWNER).get("/v1/images")).await,
        send(app.tenant(OWNER).get("/no/such/path")).await,
    ] {
        let id = response
            .headers()
            .get("x-openstack-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(id.starts_with("req-") && id.len() > 10, "{id:?}");
    }
}

#[tokio::test]
async fn an_incoming_request_id_is_reused_with_the_prefix() {
    let app = spawn_app().await;
    let response = send(
        app.tenant(OWNER)
            .get("/v1/images")
            .header("x-openstack-request-id", "abc-123"),
    )
    .await;
    assert_eq!(response.headers()["x-openstack-request-id"], "req-abc-123");
}

#[tokio::test]
async fn version_prefixes_reach_the_same_api() {
    let app = spawn_app().await;
    let id = app.tenant(OWNER).create_image_id("x", None).await;
    for prefix in ["/v1", "/v1.0", "/v1.1"] {
        let status = send(app.tenant(OWNER).head(&format!("{prefix}/images/{id}")))
            .await
            .status();
        assert_eq!(status, StatusCode::OK, "{prefix}");
    }
    let alias = app.tenant(OWNER).list_ids("").await;
    let response = send(app.tenant(OWNER).get("/v1/")).await;
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["images"].as_array().map(Vec::len), Some(alias.len()));
}

#[tokio::test]
async fn unknown_paths_are_404_in_webob_framing() {
    let app = spawn_app().await;
    expect_error(
        send(
            app.tenant(OWNER)
                .get("/v1/nothing-here")
                .header("accept", "text/plain"),
        )
        .await,
        StatusCode::NOT_FOUND,
        "404 Not Found\n\nThe resource could not be found.",
    )
    .await;
}

#[tokio::test]
async fn healthcheck_reports_ok() {
    let app = spawn_app().await;
    let response = send(app.anonymous().get("/healthcheck")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "OK");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_without_credentials() {
    let app = spawn_app().await;
    let id = app.tenant(OWNER).create_image_id("x", None).await;
    // A 404 for a specific id: the label is the template, never the id itself.
    send(app.tenant(OTHER).get(&format!("/v1/images/{id}/members"))).await;
    let response = send(app.anonymous().get("/metrics")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = text(response).await;
    // The recorder is process-wide (other tests' servers count too), so only presence is checked.
    for needle in [
        r#"glint_http_requests_total{method="POST",route="/v1/images",status="201"}"#,
        r#"glint_http_requests_total{method="GET",route="/v1/images/{id}/members",status="404"}"#,
        "glint_http_request_duration_seconds_bucket{",
    ] {
        assert!(body.contains(needle), "{needle} missing from:\n{body}");
    }
    assert!(!body.contains(&id), "an image id leaked into a label");
}
