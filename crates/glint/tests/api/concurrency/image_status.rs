//! Concurrent changes to one image: deactivate/reactivate, delete (v1 and v2), metadata writes
//! (v2 PATCH, v1 PUT, v2 tags: the optimistic read-modify-write), uploads against deletes and
//! against each other. Each batch is checked against every serial order of its operations:
//! answers, final status, name, properties, tags and data must be those of one of them, and
//! no blob may be left that no image references (nor one missing that an image does).

use super::serial::{Rng, SerialOp, rounds, seed, serial_order};
use crate::helpers::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Queued,
    Active,
    Deactivated,
    Deleted,
}

/// What the owner can observe of the image.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImageState {
    status: Status,
    name: String,
    properties: BTreeSet<String>,
    tags: BTreeSet<String>,
    /// Which upload's data the image holds.
    data: Option<usize>,
}

impl ImageState {
    /// A deleted image shows nothing else.
    fn normalized(mut self) -> Self {
        if self.status == Status::Deleted {
            self.name.clear();
            self.properties.clear();
            self.tags.clear();
            self.data = None;
        }
        self
    }
}

#[derive(Debug, Clone)]
enum Op {
    Deactivate,
    Reactivate,
    V2Delete,
    V1Delete,
    /// PATCH adding property `p{n}` (and renaming to `n{n}` when `rename`).
    V2Patch {
        n: usize,
        rename: bool,
    },
    /// v1 PUT renaming to `v{n}`; `purge`: without `x-glance-registry-purge-props: false`, so
    /// that the properties not sent are removed (v1-images §5.5).
    V1Put {
        n: usize,
        purge: bool,
    },
    V2Tag {
        n: usize,
    },
    /// `PUT /v2/images/{id}/file` with the bytes of upload `n`.
    Upload {
        n: usize,
    },
}

fn upload_bytes(n: usize) -> Vec<u8> {
    // Large enough that a delete can land while the bytes stream.
    vec![b'a' + n as u8; 256 * 1024]
}

impl SerialOp<ImageState> for Op {
    /// v2 actions (`ImageActionsController`): deactivate active → deactivated, deactivated
    /// stays, other statuses 403; reactivate the other way round. Deleted images are 404 for
    /// every call of the owner. Uploads need `queued` (409 otherwise).
    fn apply(&self, s: &mut ImageState) -> StatusCode {
        if s.status == Status::Deleted {
            return StatusCode::NOT_FOUND;
        }
        match self {
            Op::Deactivate | Op::Reactivate => {
                let (from, to) = match self {
                    Op::Deactivate => (Status::Active, Status::Deactivated),
                    _ => (Status::Deactivated, Status::Active),
                };
                if s.status == to {
                    StatusCode::NO_CONTENT
                } else if s.status == from {
                    s.status = to;
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::FORBIDDEN
                }
            }
            Op::V2Delete | Op::V1Delete => {
                *s = ImageState {
                    status: Status::Deleted,
                    ..s.clone()
                }
                .normalized();
                if matches!(self, Op::V2Delete) {
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::OK
                }
            }
            Op::V2Patch { n, rename } => {
                s.properties.insert(format!("p{n}"));
                if *rename {
                    s.name = format!("n{n}");
                }
                StatusCode::OK
            }
            Op::V1Put { n, purge } => {
                if *purge {
                    s.properties.clear();
                }
                s.name = format!("v{n}");
                StatusCode::OK
            }
            Op::V2Tag { n } => {
                s.tags.insert(format!("t{n}"));
                StatusCode::NO_CONTENT
            }
            Op::Upload { n } => {
                if s.status != Status::Queued {
                    return StatusCode::CONFLICT;
                }
                s.status = Status::Active;
                s.data = Some(*n);
                StatusCode::NO_CONTENT
            }
        }
    }

    /// Uploads that lost a race change nothing and say so: 410 when the image was deleted
    /// while the bytes streamed in (Glance v2 `… may have been deleted during the upload`), 409
    /// when another upload had it `saving` (Glance: `Image status transition from saving to
    /// saving is not allowed`) — that other upload may then fail too, e.g. to a delete.
    fn no_effect(&self, status: StatusCode) -> bool {
        matches!(self, Op::Upload { .. })
            && matches!(status, StatusCode::GONE | StatusCode::CONFLICT)
    }
}

async fn run(app: &TestApp, image: &str, op: &Op) -> StatusCode {
    let owner = app.tenant(OWNER);
    let response = match op {
        Op::Deactivate => send(owner.post(&format!("/v2/images/{image}/actions/deactivate"))).await,
        Op::Reactivate => send(owner.post(&format!("/v2/images/{image}/actions/reactivate"))).await,
        Op::V2Delete => send(owner.delete(&format!("/v2/images/{image}"))).await,
        Op::V1Delete => send(owner.delete(&format!("/v1/images/{image}"))).await,
        Op::V2Patch { n, rename } => {
            let mut ops = vec![json!({ "op": "add", "path": format!("/p{n}"), "value": "x" })];
            if *rename {
                ops.push(json!({ "op": "replace", "path": "/name", "value": format!("n{n}") }));
            }
            owner.v2_patch(image, json!(ops)).await
        }
        Op::V1Put { n, purge } => {
            let mut request = owner
                .put(&format!("/v1/images/{image}"))
                .header("x-image-meta-name", format!("v{n}"));
            if !purge {
                request = request.header("x-glance-registry-purge-props", "false");
            }
            send(request).await
        }
        Op::V2Tag { n } => send(owner.put(&format!("/v2/images/{image}/tags/t{n}"))).await,
        Op::Upload { n } => {
            // A connection of its own: a server that refuses an upload early (409, 404) closes
            // the connection without reading the body, and a pooled connection could then be
            // reused by the next request just as it closes (a client-side race, not an answer).
            let client = reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(0)
                .build()
                .expect("client");
            let mut request = client
                .put(app.url(&format!("/v2/images/{image}/file")))
                .header("content-type", "application/octet-stream")
                .body(upload_bytes(*n));
            for (name, value) in &owner.headers {
                request = request.header(*name, value);
            }
            send(request).await
        }
    };
    response.status()
}

/// The owner's view of the image (v2 show and download), checked against the blob store.
async fn observe(app: &TestApp, image: &str) -> ImageState {
    let owner = app.tenant(OWNER);
    let response = send(owner.get(&format!("/v2/images/{image}"))).await;
    let keys: Vec<String> = app
        .blob_keys()
        .await
        .into_iter()
        .filter(|k| k.contains(image))
        .collect();
    if response.status() == StatusCode::NOT_FOUND {
        assert!(keys.is_empty(), "deleted image {image} left blobs {keys:?}");
        return ImageState {
            status: Status::Deleted,
            name: String::new(),
            properties: BTreeSet::new(),
            tags: BTreeSet::new(),
            data: None,
        };
    }
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    let status = match body["status"].as_str() {
        Some("queued") => Status::Queued,
        Some("active") => Status::Active,
        Some("deactivated") => Status::Deactivated,
        other => panic!("unexpected status {other:?} after the batch"),
    };
    let properties = body
        .as_object()
        .expect("object")
        .keys()
        .filter(|k| k.starts_with('p') && k[1..].parse::<usize>().is_ok())
        .cloned()
        .collect();
    let tags = body["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t.as_str().expect("tag").to_owned())
        .collect();
    let data = match body["checksum"].as_str() {
        None => {
            assert!(keys.is_empty(), "queued image {image} has blobs {keys:?}");
            None
        }
        Some(md5) => {
            assert_eq!(
                keys.len(),
                1,
                "image {image} should have one blob: {keys:?}"
            );
            (0..8).find(|n| md5_hex(&upload_bytes(*n)) == md5)
        }
    };
    ImageState {
        status,
        name: body["name"].as_str().unwrap_or_default().to_owned(),
        properties,
        tags,
        data,
    }
}

/// A batch: `ops` all at once on a fresh image (active with upload 7's data, or queued).
async fn batch(app: &TestApp, ops: Vec<Op>, queued: bool, label: &str) -> usize {
    let owner = app.tenant(OWNER);
    let image = owner.v2_create_id("contended", "shared").await;
    let mut start = ImageState {
        status: Status::Queued,
        name: "contended".into(),
        properties: BTreeSet::new(),
        tags: BTreeSet::new(),
        data: None,
    };
    if !queued {
        assert_eq!(
            run(app, &image, &Op::Upload { n: 7 }).await,
            StatusCode::NO_CONTENT
        );
        Op::Upload { n: 7 }.apply(&mut start);
    }
    let statuses = join_all(ops.iter().map(|op| run(app, &image, op))).await;
    let ran = ops.len();
    let end = observe(app, &image).await;
    let observed: Vec<(Op, StatusCode)> = ops.into_iter().zip(statuses).collect();
    assert!(
        serial_order(&start, &observed, &end).is_some(),
        "{label}: no serial order of {observed:#?}\nfrom {start:?} gives {end:?}"
    );
    ran
}

fn random_image_op(rng: &mut Rng, n: usize) -> Op {
    match rng.below(8) {
        0 => Op::Deactivate,
        1 => Op::Reactivate,
        2 if rng.chance(50) => Op::V2Delete,
        2 => Op::V1Delete,
        3 | 4 => Op::V2Patch {
            n,
            rename: rng.chance(50),
        },
        5 => Op::V1Put {
            n,
            purge: rng.chance(30),
        },
        6 => Op::V2Tag { n },
        _ => Op::Upload { n: n % 7 },
    }
}

/// Fixed batches for the races named in issue #7, then random mixes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_status_and_metadata_changes_equal_some_serial_order() {
    let app = spawn_app().await;
    let mut ran = 0;
    let patches = |k: usize| {
        (0..k).map(|n| Op::V2Patch {
            n,
            rename: n % 2 == 0,
        })
    };
    // Update against update: every 200 must have its property in the end (no lost update).
    ran += batch(&app, patches(7).collect(), false, "patches").await;
    ran += batch(
        &app,
        patches(3)
            .chain((3..6).map(|n| Op::V1Put { n, purge: false }))
            .chain([Op::V2Tag { n: 0 }])
            .collect(),
        false,
        "patches, v1 updates and a tag",
    )
    .await;
    // Deactivate/reactivate storms: every call a clean 204 (or 403 where serially so).
    ran += batch(
        &app,
        vec![
            Op::Deactivate,
            Op::Deactivate,
            Op::Reactivate,
            Op::Deactivate,
            Op::Reactivate,
            Op::Reactivate,
        ],
        false,
        "deactivate/reactivate",
    )
    .await;
    // Deletes against each other and against everything else.
    ran += batch(
        &app,
        vec![
            Op::V2Delete,
            Op::V1Delete,
            Op::Deactivate,
            Op::V2Patch { n: 1, rename: true },
            Op::V1Put { n: 2, purge: true },
            Op::V2Tag { n: 3 },
        ],
        false,
        "deletes",
    )
    .await;
    // Uploads against each other and against a delete, on a queued image.
    ran += batch(
        &app,
        (0..3).map(|n| Op::Upload { n }).collect(),
        true,
        "uploads",
    )
    .await;
    ran += batch(
        &app,
        vec![Op::Upload { n: 0 }, Op::Upload { n: 1 }, Op::V2Delete],
        true,
        "uploads and a delete",
    )
    .await;
    let (seed, rounds) = (seed(), rounds(8));
    for round in 0..rounds {
        let mut rng = Rng::new(seed.wrapping_add(1000 + round));
        let queued = rng.chance(40);
        let ops = (0..6).map(|n| random_image_op(&mut rng, n)).collect();
        ran += batch(&app, ops, queued, &format!("seed {seed} round {round}")).await;
    }
    eprintln!("concurrency/image_status: {ran} concurrent operations, seed {seed}");
}
