//! A smoke run of glint-bench at tiny sizes against a glint started in this process: every
//! scenario and the SQLite seeder must work end to end. No timing is asserted (figures belong to
//! BENCHMARKS.md, produced by `scripts/bench/run.sh`).

use glint_bench::scenarios::{self, MEMBER, Plan, Scenario};
use glint_bench::target::{AuthStyle, Caller, Target};
use glint_bench::{Flavor, SeedPlan, api, seed};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_against_a_spawned_glint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = glint::config::Config {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        ..glint::config::Config::default()
    };
    let app = glint::startup::Application::build(&config)
        .await
        .expect("glint starts");
    let url = format!("http://{}", app.address());
    tokio::spawn(app.run());

    // 30 seeded images, every tenth shared with (and accepted by) MEMBER.
    let db = dir.path().join("glint.db").display().to_string();
    let plan = SeedPlan {
        flavor: Flavor::Glint,
        db,
        images: 30,
        member: MEMBER.into(),
        share_every: 10,
    };
    assert_eq!(seed::seed(&plan).await.expect("seed"), 30);
    // Topping up to the same count adds nothing.
    assert_eq!(seed::seed(&plan).await.expect("seed again"), 0);

    {
        let target = Target::new(&url, AuthStyle::Headers).expect("client");
        let listed = list_names(&target, MEMBER).await;
        assert_eq!(listed, vec!["seed-20", "seed-10", "seed-0"]);

        let plan = Plan {
            label: "glint".into(),
            scenarios: vec![
                Scenario::Create,
                Scenario::AddMember,
                Scenario::ListMembers,
                Scenario::ListImages,
                Scenario::SharedImages,
                Scenario::Upload,
                Scenario::Download,
            ],
            concurrency: vec![1, 3],
            requests: 7,
            max_time: Duration::from_secs(60),
            transfer_bytes: 3 << 20,
            images: 30,
            server_pid: Some(std::process::id()),
        };
        let measurements = scenarios::run(&target, &plan, |_| {})
            .await
            .expect("bench run");
        assert_eq!(measurements[0].scenario, "idle");
        assert_eq!(measurements.len(), 1 + 7 * 2);
        for m in &measurements[1..] {
            assert_eq!(m.errors, 0, "{m:?}");
            assert!(m.peak_rss_mib.is_some());
            match m.scenario.as_str() {
                "upload" | "download" => {
                    assert_eq!(m.requests, m.concurrency, "{m:?}");
                    assert_eq!(
                        m.bytes,
                        (3 << 20) / m.concurrency as u64 * m.concurrency as u64
                    );
                }
                _ => assert_eq!(m.requests, 7, "{m:?}"),
            }
        }
        // The v1 sharing was set up once, for both concurrencies.
        let v1_member = Caller::new(scenarios::V1_MEMBER);
        let shared = api::shared_images_v1(&target, &v1_member, scenarios::V1_MEMBER)
            .await
            .expect("shared images");
        assert_eq!(shared, 20);
    }
}

/// Names of the images `project` sees in its default v2 list.
async fn list_names(target: &Target, project: &str) -> Vec<String> {
    let response = target
        .request(&Caller::new(project), reqwest::Method::GET, "/v2/images")
        .send()
        .await
        .expect("list");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    body["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}
