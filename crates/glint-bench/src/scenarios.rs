//! The scenarios of issue #6: each prepares what it needs through the API (untimed), then times
//! one request shape at each concurrency.

use crate::api;
use crate::measure::{self, Measurement, Op, Summary};
use crate::rss;
use crate::target::{Caller, Target};
use futures::{FutureExt, StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The project that owns what the scenarios create.
pub const OWNER: &str = "bench-owner";
/// The project images are shared with; `seed-sqlite --member` must name the same one for
/// `list-images`.
pub const MEMBER: &str = "bench-member";
/// The v1 member of `shared-images` (kept apart so that its pending v2 memberships stay out of
/// `list-images` on glint, where v1 and v2 share one database).
pub const V1_MEMBER: &str = "bench-v1-member";
/// Members added to an image before the next one is used (Glance's image_member_quota is 128).
const MEMBERS_PER_IMAGE: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Scenario {
    /// `POST /v2/images`, metadata only.
    Create,
    /// `POST /v2/images/{id}/members`, a new member each time.
    AddMember,
    /// `GET /v2/images/{id}/members` of an image with 10 members.
    ListMembers,
    /// `GET /v2/images` as the member of the seeded images (see `seed-sqlite`).
    ListImages,
    /// `GET /v1/shared-images/{member}` of a member with 20 shared images.
    SharedImages,
    /// `PUT /v2/images/{id}/file`: `--transfer-bytes` in total, split over the concurrency.
    Upload,
    /// `GET /v2/images/{id}/file` of the images the upload scenario stored.
    Download,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Create => "create",
            Scenario::AddMember => "add-member",
            Scenario::ListMembers => "list-members",
            Scenario::ListImages => "list-images",
            Scenario::SharedImages => "shared-images",
            Scenario::Upload => "upload",
            Scenario::Download => "download",
        }
    }
}

/// What a run does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Label for the output (`glint`, `glance`).
    pub label: String,
    pub scenarios: Vec<Scenario>,
    pub concurrency: Vec<usize>,
    /// Requests per metadata scenario and concurrency.
    pub requests: usize,
    /// Stop handing out requests after this long (the run then reports fewer).
    pub max_time: Duration,
    /// Bytes moved per transfer scenario and concurrency (each of C images gets 1/C of it).
    pub transfer_bytes: u64,
    /// Images in the database, recorded with the list-images figures.
    pub images: u64,
    /// The server's PID, for its peak RSS.
    pub server_pid: Option<u32>,
}

/// Runs the plan's scenarios in order; `report` sees each measurement as it is made.
pub async fn run(
    target: &Target,
    plan: &Plan,
    mut report: impl FnMut(&Measurement),
) -> anyhow::Result<Vec<Measurement>> {
    let owner = Caller::new(OWNER);
    let mut uploaded: HashMap<usize, Vec<String>> = HashMap::new();
    let mut out = Vec::new();
    if let Some(pid) = plan.server_pid {
        // Before any scenario: the idle figure.
        let idle = Summary {
            target: &plan.label,
            scenario: "idle",
            images: plan.images,
            concurrency: 0,
        }
        .measurement(
            Vec::new(),
            Vec::new(),
            0,
            Duration::ZERO,
            rss::peak_rss_mib(pid),
        );
        report(&idle);
        out.push(idle);
    }
    for &scenario in &plan.scenarios {
        for &concurrency in &plan.concurrency {
            let (op, requests) = match scenario {
                Scenario::Upload => {
                    let size = plan.transfer_bytes / concurrency as u64;
                    let ids = create_many(target, &owner, concurrency, "bench-upload").await?;
                    uploaded.insert(concurrency, ids.clone());
                    (upload_op(target, &owner, ids, size), concurrency)
                }
                Scenario::Download => {
                    let ids = match uploaded.get(&concurrency) {
                        Some(ids) => ids.clone(),
                        None => {
                            let size = plan.transfer_bytes / concurrency as u64;
                            let ids =
                                create_many(target, &owner, concurrency, "bench-download").await?;
                            for id in &ids {
                                api::upload(target, &owner, id, size).await?;
                            }
                            uploaded.insert(concurrency, ids.clone());
                            ids
                        }
                    };
                    (download_op(target, &owner, ids), concurrency)
                }
                _ => (
                    prepare(target, &owner, scenario, plan.requests).await?,
                    plan.requests,
                ),
            };
            let (latencies, errors, bytes, elapsed) =
                measure::run(op, requests, concurrency, plan.max_time).await;
            let m = Summary {
                target: &plan.label,
                scenario: scenario.name(),
                images: if scenario == Scenario::ListImages {
                    plan.images
                } else {
                    0
                },
                concurrency,
            }
            .measurement(
                latencies,
                errors,
                bytes,
                elapsed,
                plan.server_pid.and_then(rss::peak_rss_mib),
            );
            report(&m);
            out.push(m);
        }
    }
    // The transfer scenarios' images take disk space: give it back.
    for id in uploaded.values().flatten() {
        api::delete_image(target, &owner, id).await?;
    }
    Ok(out)
}

/// The untimed set-up of a metadata scenario, and its timed request.
async fn prepare(
    target: &Target,
    owner: &Caller,
    scenario: Scenario,
    requests: usize,
) -> anyhow::Result<Op> {
    let t = target.clone();
    let o = owner.clone();
    Ok(match scenario {
        Scenario::Create => Arc::new(move |n| {
            let (t, o) = (t.clone(), o.clone());
            async move {
                api::create_image(&t, &o, &format!("bench-create-{n}")).await?;
                Ok(0)
            }
            .boxed()
        }),
        Scenario::AddMember => {
            let images = create_many(
                target,
                owner,
                requests.div_ceil(MEMBERS_PER_IMAGE),
                "bench-members",
            )
            .await?;
            let images = Arc::new(images);
            // Member ids unique to this set-up, so that a second concurrency adds new members.
            let run = images.first().cloned().unwrap_or_default();
            let run = run.get(..8).unwrap_or_default().to_owned();
            Arc::new(move |n| {
                let (t, o, images) = (t.clone(), o.clone(), images.clone());
                let member = format!("bench-m-{run}-{n}");
                async move {
                    api::add_member(&t, &o, &images[n / MEMBERS_PER_IMAGE], &member).await?;
                    Ok(0)
                }
                .boxed()
            })
        }
        Scenario::ListMembers => {
            let image = api::create_image(target, owner, "bench-list-members").await?;
            for m in 0..10 {
                api::add_member(target, owner, &image, &format!("bench-lm-{m}")).await?;
            }
            let path = Arc::new(format!("/v2/images/{image}/members"));
            Arc::new(move |_| {
                let (t, o, path) = (t.clone(), o.clone(), path.clone());
                async move { api::get_json(&t, &o, &path).await.map(|_| 0) }.boxed()
            })
        }
        Scenario::ListImages => {
            let member = Caller::new(MEMBER);
            Arc::new(move |_| {
                let (t, member) = (t.clone(), member.clone());
                async move { api::get_json(&t, &member, "/v2/images").await.map(|_| 0) }.boxed()
            })
        }
        Scenario::SharedImages => {
            let member = Caller::new(V1_MEMBER);
            // Shared once per server: a second run (or concurrency) reuses the 20.
            let existing = api::shared_images_v1(target, &member, V1_MEMBER).await?;
            if existing < 20 {
                for n in existing..20 {
                    let id = api::create_image_v1(target, owner, &format!("bench-v1-{n}")).await?;
                    api::add_member_v1(target, owner, &id, V1_MEMBER).await?;
                }
            }
            let path = Arc::new(format!("/v1/shared-images/{V1_MEMBER}"));
            Arc::new(move |_| {
                let (t, member, path) = (t.clone(), member.clone(), path.clone());
                async move { api::get_json(&t, &member, &path).await.map(|_| 0) }.boxed()
            })
        }
        Scenario::Upload | Scenario::Download => unreachable!("prepared by the caller"),
    })
}

fn upload_op(target: &Target, owner: &Caller, ids: Vec<String>, size: u64) -> Op {
    let (t, o, ids) = (target.clone(), owner.clone(), Arc::new(ids));
    Arc::new(move |n| {
        let (t, o, ids) = (t.clone(), o.clone(), ids.clone());
        async move { api::upload(&t, &o, &ids[n], size).await }.boxed()
    })
}

fn download_op(target: &Target, owner: &Caller, ids: Vec<String>) -> Op {
    let (t, o, ids) = (target.clone(), owner.clone(), Arc::new(ids));
    Arc::new(move |n| {
        let (t, o, ids) = (t.clone(), o.clone(), ids.clone());
        async move { api::download(&t, &o, &ids[n]).await }.boxed()
    })
}

/// Creates `count` images, 8 at a time.
async fn create_many(
    target: &Target,
    owner: &Caller,
    count: usize,
    name: &str,
) -> anyhow::Result<Vec<String>> {
    futures::stream::iter(0..count)
        .map(|n| {
            let name = format!("{name}-{n}");
            async move { api::create_image(target, owner, &name).await }
        })
        .buffered(8)
        .try_collect()
        .await
}
