//! Authorization cannot leak (issue #7 item 5): a model-based test of both APIs. Random
//! sequences of v1 and v2 operations — create (v1, v2 with any visibility), upload (v1, v2),
//! share (v1 add with and without `can_share`, v1 replace, v2 add), accept/reject (v2 member
//! status), remove (v1, v2), change visibility (v2 PATCH, v1 `is_public`), delete (v1, v2) —
//! by five tenants, an admin and an anonymous caller, each checked against a small reference
//! model of who may see, list, download and share what (v1-images §2.3, §5; v1-sharing §5–§7;
//! v2-sharing §1, §2.2, §4, §6, §8; DECISIONS D1–D11, D15, D16, D18).
//!
//! The model is written from the spec, not from glint's code: after every step the expected
//! status of the operation is asserted, then every actor's view is compared with the model:
//! v1 `/images` and `/images/detail`, v2 `/images` by `visibility` and `member_status`, v1
//! HEAD and GET (data) and v2 GET and download of every image, v1 and v2 member lists, and
//! `/v1/shared-images/{t}` for every tenant. Any difference fails the run.
//!
//! `SHARING_MODEL_CASES` (default 2) sets the number of random sequences; every run prints
//! the number of model steps it checked.

mod checks;
mod directed;
mod model;
mod ops;

use checks::observe;
use model::{Model, actor};
use ops::{Op, apply, sequence};

use crate::helpers::*;
use futures::future::join_all;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestError, TestRunner};

/// The member quota of every server in this test; small, so that 413s happen.
const QUOTA: usize = 3;
/// Tenants that act; the admin (index `ADMIN`) acts as project `ADMIN_PROJECT`; the anonymous
/// caller (index `ANONYMOUS`) has no project.
const TENANTS: [&str; 5] = [OWNER, MEMBER, SHARER, OTHER, OUTSIDER];
const ADMIN: usize = 5;
const ANONYMOUS: usize = 6;
const ADMIN_PROJECT: &str = "admin-project";
/// Tenants that may be named as members: the five tenants and the admin's own project.
const MEMBER_POOL: [&str; 6] = [OWNER, MEMBER, SHARER, OTHER, OUTSIDER, ADMIN_PROJECT];
/// An image id that never exists.
const MISSING: &str = "00000000-0000-4000-8000-000000000000";

const CASES: u32 = 2;
const MIN_STEPS: usize = 10;
const MAX_STEPS: usize = 18;

/// Model steps checked by this process (all cases, shrinking included), for the report.
static STEPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `ops` on a fresh server; the first difference from the model, with the steps so far.
async fn run_case(ops: &[Op]) -> Result<(), String> {
    let app = spawn_app_with(|c| {
        c.limits.image_member_quota = QUOTA as i64;
        c.auth.allow_anonymous = true;
    })
    .await;
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let (got, want) = apply(&app, &mut model, op).await;
        for image in &mut model.images {
            image.sync_statuses();
        }
        if got != want {
            return Err(format!(
                "step {step}: {op:?}: status {got}, model expects {want}\nsteps: {:#?}",
                &ops[..=step]
            ));
        }
        STEPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let views = join_all((0..=ANONYMOUS).map(|i| observe(&app, &model, actor(i)))).await;
        let diffs: Vec<String> = views.into_iter().flatten().collect();
        if !diffs.is_empty() {
            return Err(format!(
                "after step {step} ({op:?}):\n  {}\nsteps: {:#?}",
                diffs.join("\n  "),
                &ops[..=step]
            ));
        }
    }
    Ok(())
}

#[test]
fn random_sharing_sequences_match_the_reference_model() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // SHARING_MODEL_CASES=500 explores further than the default run.
    let cases = std::env::var("SHARING_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&sequence(), |ops| {
        runtime
            .block_on(run_case(&ops))
            .map_err(TestCaseError::fail)
    });
    eprintln!(
        "sharing_model: {cases} random sequences, {} model steps checked",
        STEPS.load(std::sync::atomic::Ordering::Relaxed)
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, _)) => panic!("{reason}"),
        Err(other) => panic!("{other}"),
    }
}
