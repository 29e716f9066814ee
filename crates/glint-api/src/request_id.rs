//! `x-openstack-request-id` on every response (Glance `ContextMiddleware.process_response`):
//! the caller's id is reused, prefixed with `req-` when needed; otherwise a fresh `req-<uuid>`.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-openstack-request-id";

/// Glance's `max_request_id_length`: longer incoming ids are replaced, not echoed.
const MAX_LENGTH: usize = 64;

pub async fn assign_request_id(request: Request, next: Next) -> Response {
    let incoming = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| {
            !v.is_empty() && v.len() <= MAX_LENGTH && v.chars().all(|c| c.is_ascii_graphic())
        });
    let id = match incoming {
        Some(v) if v.starts_with("req-") => v.to_owned(),
        Some(v) => format!("req-{v}"),
        None => format!("req-{}", uuid::Uuid::new_v4()),
    };
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
        // The route template (`/v1/images/{id}/members`), filled in once routing has matched.
        route = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    // One access-log line per request (the body of a download may still be streaming).
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}
