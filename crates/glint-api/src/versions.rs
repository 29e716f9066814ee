//! Version discovery: `GET /` (300) and `GET /versions` (200), no credentials needed
//! (Glance `glance/api/versions.py`).

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The entries of the versions document, in Glance's order: Glance 33's v2 list as a default
/// deployment sends it (no `image_cache_dir`, no `enabled_backends`, so the odd order of
/// `versions.py`: `v2.15`, `v2.9`, then the `CURRENT` `v2.17`, then `v2.7` … `v2.0`;
/// transcript #1), followed by v1 as Glance 15 listed it when v1 and v2 were both enabled:
/// `v1.1` and `v1.0`, `DEPRECATED`, after every v2 entry (glance-v1-transcript).
pub(crate) const VERSIONS: [(&str, &str, &str); 13] = [
    ("v2.15", "SUPPORTED", "v2"),
    ("v2.9", "SUPPORTED", "v2"),
    ("v2.17", "CURRENT", "v2"),
    ("v2.7", "SUPPORTED", "v2"),
    ("v2.6", "SUPPORTED", "v2"),
    ("v2.5", "SUPPORTED", "v2"),
    ("v2.4", "SUPPORTED", "v2"),
    ("v2.3", "SUPPORTED", "v2"),
    ("v2.2", "SUPPORTED", "v2"),
    ("v2.1", "SUPPORTED", "v2"),
    ("v2.0", "SUPPORTED", "v2"),
    ("v1.1", "DEPRECATED", "v1"),
    ("v1.0", "DEPRECATED", "v1"),
];

/// The versions document, links built from the request's `Host`, in Glance's own bytes
/// (Python's `json.dumps`: `", "` and `": "` separators, keys in `id`, `status`, `links`
/// order), so that even a byte-for-byte comparison with Glance holds.
fn document(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost:9292");
    let entries: Vec<String> = VERSIONS
        .iter()
        .map(|(id, status, path)| {
            // The host is caller-supplied: serialise it as a JSON string, never splice it raw.
            let href = Value::String(format!("http://{host}/{path}/"));
            format!(
                r#"{{"id": "{id}", "status": "{status}", "links": [{{"rel": "self", "href": {href}}}]}}"#
            )
        })
        .collect();
    format!(r#"{{"versions": [{}]}}"#, entries.join(", "))
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
