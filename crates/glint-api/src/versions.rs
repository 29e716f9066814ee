//! Version discovery: `GET /` (300) and `GET /versions` (200), no credentials needed
//! (Glance `glance/api/versions.py`).

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The versions document, links built from the request's `Host`.
fn document(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost:9292");
    let base = format!("http://{host}");
    let entry = |id: &str, status: &str, path: &str| json!({"id": id, "status": status, "links": [{"rel": "self", "href": format!("{base}/{path}/")}]});
    json!({"versions": [
        entry("v1.1", "DEPRECATED", "v1"),
        entry("v1.0", "DEPRECATED", "v1"),
    ]})
    .to_string()
}

fn respond(status: StatusCode, headers: &HeaderMap) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        document(headers),
    )
        .into_response()
}

/// `GET /` and unknown versions: 300 Multiple Choices.
pub async fn multiple_choices(headers: HeaderMap) -> Response {
    respond(StatusCode::MULTIPLE_CHOICES, &headers)
}

/// `GET /versions`: 200.
pub async fn list(headers: HeaderMap) -> Response {
    respond(StatusCode::OK, &headers)
}
