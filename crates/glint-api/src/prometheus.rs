//! Prometheus metrics at `GET /metrics` (ARCHITECTURE rule 9): request counts and latencies
//! labelled by method, route template and status. Glance has no such endpoint; operators scrape
//! it like any other service's.

use axum::extract::{MatchedPath, Request};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const REQUESTS: &str = "glint_http_requests_total";
const DURATION: &str = "glint_http_request_duration_seconds";

/// Seconds to the response head (image bytes may stream for much longer).
const DURATION_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The process-wide recorder, installed on first use. Several servers in one process (the
/// integration tests) share it; a recorder installed by someone else leaves `/metrics` empty.
fn handle() -> &'static Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), &DURATION_BUCKETS)
            .ok()?
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).ok()?;
        // Histogram samples are buffered until upkeep folds them into the buckets; without a
        // scraper they would pile up, so a small thread does it independently of any runtime.
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_secs(5));
                    upkeep.run_upkeep();
                }
            })
            .ok()?;
        Some(handle)
    })
}

/// Installs the recorder (idempotent); called when the router is built.
pub fn install() {
    let _ = handle();
}

/// `GET /metrics`: the Prometheus text exposition format.
pub async fn render() -> Response {
    let body = handle()
        .as_ref()
        .map(PrometheusHandle::render)
        .unwrap_or_default();
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// Route-level middleware: the matched route template keeps the label set small (no ids).
pub async fn record(matched: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    // Names the operation in the request's span (opened before routing), so its log lines say
    // which endpoint they belong to.
    tracing::Span::current().record("route", route.as_str());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
