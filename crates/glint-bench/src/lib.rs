//! glint-bench: the benchmark scenarios of issue #6 against any Images API base URL (glint or
//! the real Glance), the bulk seeder for the large list scenarios, and the side-by-side table.
//! Not part of `cargo test` except for a smoke run at tiny sizes (`tests/smoke.rs`).

pub mod api;
pub mod compare;
pub mod measure;
pub mod rss;
pub mod scenarios;
pub mod seed;
pub mod target;

pub use measure::Measurement;
pub use scenarios::{Plan, Scenario};
pub use seed::{Flavor, SeedPlan};
pub use target::{AuthStyle, Target};

/// One line of human-readable output for a measurement.
pub fn describe(m: &Measurement) -> String {
    let rss = m
        .peak_rss_mib
        .map_or(String::new(), |r| format!(" peak RSS {r:.1} MiB"));
    if m.scenario == "idle" {
        return format!("{:<8} idle{rss}", m.target);
    }
    let transfer = if m.bytes > 0 {
        format!(" {:.1} MiB/s", m.mib_per_s)
    } else {
        String::new()
    };
    let images = if m.images > 0 {
        format!(" images={}", m.images)
    } else {
        String::new()
    };
    let errors = match &m.first_error {
        Some(e) => format!(" ERRORS {} (first: {e})", m.errors),
        None => String::new(),
    };
    format!(
        "{:<8} {:<14}{images} c={:<3} n={:<6} {:>9.1} req/s p50 {:.2} ms p99 {:.2} ms{transfer}{rss}{errors}",
        m.target, m.scenario, m.concurrency, m.requests, m.req_per_s, m.p50_ms, m.p99_ms
    )
}
