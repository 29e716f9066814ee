//! The side-by-side table: two runs' measurements matched by (scenario, images, concurrency),
//! ratios first (glint / Glance; for latency and memory a ratio below 1 is better).

use crate::measure::Measurement;
use std::fmt::Write;

/// `a / b`, or `-` when either side has nothing to divide.
fn ratio(a: f64, b: f64) -> String {
    if a > 0.0 && b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "-".into()
    }
}

fn num(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A Markdown table comparing `ours` (glint) with `theirs` (Glance), in `ours`' order.
pub fn table(ours: &[Measurement], theirs: &[Measurement]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| scenario | images | c | req/s ratio | p50 ratio | p99 ratio | MiB/s ratio | peak RSS ratio \
         | glint req/s | Glance req/s | glint p50/p99 ms | Glance p50/p99 ms | glint MiB/s | \
         Glance MiB/s | glint RSS MiB | Glance RSS MiB | n (glint/Glance) | errors |"
    );
    let _ = writeln!(out, "|{}", "---|".repeat(18));
    for a in ours {
        let Some(b) = theirs.iter().find(|b| {
            b.scenario == a.scenario && b.images == a.images && b.concurrency == a.concurrency
        }) else {
            continue;
        };
        let rss = |m: &Measurement| m.peak_rss_mib.map_or("-".into(), num);
        let transfer = a.bytes > 0 || b.bytes > 0;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} / {} | {} | {} | {} | {} | {}/{} | {}/{} |",
            a.scenario,
            a.images,
            a.concurrency,
            ratio(a.req_per_s, b.req_per_s),
            ratio(a.p50_ms, b.p50_ms),
            ratio(a.p99_ms, b.p99_ms),
            if transfer {
                ratio(a.mib_per_s, b.mib_per_s)
            } else {
                "-".into()
            },
            ratio(a.peak_rss_mib.unwrap_or(0.0), b.peak_rss_mib.unwrap_or(0.0)),
            num(a.req_per_s),
            num(b.req_per_s),
            num(a.p50_ms),
            num(a.p99_ms),
            num(b.p50_ms),
            num(b.p99_ms),
            if transfer {
                num(a.mib_per_s)
            } else {
                "-".into()
            },
            if transfer {
                num(b.mib_per_s)
            } else {
                "-".into()
            },
            rss(a),
            rss(b),
            a.requests,
            b.requests,
            a.errors,
            b.errors,
        );
    }
    out
}

/// Reads a `--out` file: one JSON measurement per line.
pub fn read(path: &str) -> anyhow::Result<Vec<Measurement>> {
    std::fs::read_to_string(path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Ok(serde_json::from_str(l)?))
        .collect()
}
