//! The HTTP/1.1 server loop: hyper with the limits `axum::serve` cannot set.
//!
//! `axum::serve` gives hyper no timer, so hyper's header read timeout never runs and a
//! slowloris client that trickles its request head keeps a connection (and a task) forever.
//! Here each connection is served by hyper's `http1::Builder` with a Tokio timer and:
//! - `header_read_timeout`: the whole request head (and the wait for the next request on a
//!   kept-alive connection) must arrive within `limits.header_read_timeout_secs`, else the
//!   connection is closed;
//! - `max_headers`: more headers than `limits.max_headers` → 431 (eventlet: 100), and a head
//!   no larger than `max_headers` × `max_header_line` (eventlet's own bound) → else 431;
//! - no whole-request timeout: image data may take hours; a silent upload body is cut by the
//!   per-read idle timeout of `glint-service` (`client_socket_timeout`), which counts only
//!   the time glint waits for the client.

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// Connection settings taken from `[limits]`.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub header_read_timeout: Duration,
    pub max_headers: usize,
    /// Longest header line; with `max_headers` it bounds the whole head.
    pub max_header_line: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish (as `axum::serve(..).with_graceful_shutdown`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_headers(limits.max_headers)
        // hyper's read buffer alone let a 480 KB head through in a test; bound the head by
        // what eventlet allows at most (every header line at its longest).
        .max_header_size(limits.max_headers.saturating_mul(limits.max_header_line));
    // Every connection task holds a receiver; `closed()` tells when all of them have ended.
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // EMFILE and friends: wait a little rather than spin (as axum::serve).
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(
            router
                .clone()
                .map_request(|request: hyper::Request<Incoming>| request.map(Body::new)),
        );
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(%peer, error = %err, "connection ended with an error");
                    }
                    return;
                }
                _ = stop.wait_for(|stopping| *stopping) => {}
            }
            connection.as_mut().graceful_shutdown();
            if let Err(err) = connection.await {
                tracing::debug!(%peer, error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(stop_rx);
    stop_tx.closed().await;
    Ok(())
}
