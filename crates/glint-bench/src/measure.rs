//! Running one request shape N times at concurrency C and summarising what was seen:
//! throughput, exact latency percentiles (every sample is kept and sorted), bytes moved.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One request of a scenario: given its sequence number, performs it and returns the payload
/// bytes it moved (0 for metadata calls), or what went wrong.
pub type Op = Arc<dyn Fn(usize) -> BoxFuture<'static, anyhow::Result<u64>> + Send + Sync>;

/// What one scenario at one concurrency measured. Serialised one per line (`--out`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    /// Free-form label of the server (`glint`, `glance`).
    pub target: String,
    pub scenario: String,
    /// Images in the database for the list scenarios, else 0.
    pub images: u64,
    pub concurrency: usize,
    /// Requests that succeeded.
    pub requests: usize,
    pub errors: usize,
    /// The first failure, for the report.
    pub first_error: Option<String>,
    pub elapsed_s: f64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub bytes: u64,
    pub mib_per_s: f64,
    /// The server's peak RSS so far (VmHWM, summed over its processes), when its PID is known.
    pub peak_rss_mib: Option<f64>,
}

/// Runs `op` for sequence numbers `0..requests` on `concurrency` workers; stops handing out new
/// requests once `max_time` has passed (slow servers at large sizes), so fewer may be run.
pub async fn run(
    op: Op,
    requests: usize,
    concurrency: usize,
    max_time: Duration,
) -> (Vec<Duration>, Vec<String>, u64, Duration) {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let (op, next) = (op.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            let mut bytes = 0;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests || start.elapsed() > max_time {
                    break;
                }
                let t0 = Instant::now();
                match op(n).await {
                    Ok(moved) => {
                        latencies.push(t0.elapsed());
                        bytes += moved;
                    }
                    Err(e) => errors.push(format!("{e:#}")),
                }
            }
            (latencies, errors, bytes)
        }));
    }
    let (mut latencies, mut errors, mut bytes) = (Vec::new(), Vec::new(), 0);
    for worker in workers {
        match worker.await {
            Ok((l, e, b)) => {
                latencies.extend(l);
                errors.extend(e);
                bytes += b;
            }
            Err(e) => errors.push(format!("worker panicked: {e}")),
        }
    }
    (latencies, errors, bytes, start.elapsed())
}

/// The `q`-quantile (0..=1) of sorted samples, nearest-rank, in milliseconds.
pub fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

/// Builds the summary of one run.
pub struct Summary<'a> {
    pub target: &'a str,
    pub scenario: &'a str,
    pub images: u64,
    pub concurrency: usize,
}

impl Summary<'_> {
    pub fn measurement(
        &self,
        mut latencies: Vec<Duration>,
        errors: Vec<String>,
        bytes: u64,
        elapsed: Duration,
        peak_rss_mib: Option<f64>,
    ) -> Measurement {
        latencies.sort_unstable();
        let secs = elapsed.as_secs_f64().max(1e-9);
        Measurement {
            target: self.target.to_owned(),
            scenario: self.scenario.to_owned(),
            images: self.images,
            concurrency: self.concurrency,
            requests: latencies.len(),
            errors: errors.len(),
            first_error: errors.into_iter().next(),
            elapsed_s: secs,
            req_per_s: latencies.len() as f64 / secs,
            p50_ms: quantile_ms(&latencies, 0.50),
            p99_ms: quantile_ms(&latencies, 0.99),
            max_ms: latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            bytes,
            mib_per_s: bytes as f64 / 1048576.0 / secs,
            peak_rss_mib,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let samples: Vec<_> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile_ms(&samples, 0.5), 50.0);
        assert_eq!(quantile_ms(&samples, 0.99), 99.0);
        assert_eq!(quantile_ms(&samples[..1], 0.99), 1.0);
        assert_eq!(quantile_ms(&[], 0.5), 0.0);
    }
}
