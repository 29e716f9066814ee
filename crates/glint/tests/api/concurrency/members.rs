//! Concurrent membership changes on one image through v1 and v2 at once — add (v1 with and
//! without `can_share`, v2), replace (v1), remove (v1 and v2), and v2 status changes by the
//! members themselves — each batch checked against every serial order of its operations: the
//! answers and the final list (order, `can_share`, status) must be those of one of them.

use super::serial::{Rng, SerialOp, rounds, seed, serial_order};
use crate::helpers::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Small, so that batches run into it (413 answers, and the count must stay exact).
const QUOTA: usize = 4;
/// The members named: the owner's neighbours in the helpers' tenant set plus one more.
const POOL: [&str; 5] = [
    MEMBER,
    SHARER,
    OTHER,
    OUTSIDER,
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
];
const STATUSES: [&str; 3] = ["pending", "accepted", "rejected"];
/// Operations per concurrent batch (all orders of 7 are 5040: cheap to search).
const BATCH: usize = 7;

/// The membership list as both APIs show it to the owner: (member, can_share, status) in list
/// order.
type List = Vec<(String, bool, String)>;

#[derive(Debug, Clone)]
enum Op {
    V1Add {
        member: usize,
        can_share: Option<bool>,
    },
    V1Replace {
        list: Vec<(usize, Option<bool>)>,
    },
    V1Remove {
        member: usize,
    },
    V2Add {
        member: usize,
    },
    V2Remove {
        member: usize,
    },
    /// The member itself sets its status.
    V2Status {
        member: usize,
        status: usize,
    },
}

impl SerialOp<List> for Op {
    /// The seed and v1-sharing §5 (D1–D8) for v1, v2-sharing §4 (Q1: 413 before 409) for v2.
    fn apply(&self, list: &mut List) -> StatusCode {
        let position = |m: usize, list: &List| list.iter().position(|(n, ..)| n == POOL[m]);
        match self {
            Op::V1Add { member, can_share } => match position(*member, list) {
                Some(at) => {
                    if let Some(flag) = can_share {
                        list[at].1 = *flag;
                    }
                    StatusCode::NO_CONTENT
                }
                None if list.len() + 1 > QUOTA => StatusCode::PAYLOAD_TOO_LARGE,
                None => {
                    let flag = can_share.unwrap_or(false);
                    list.push((POOL[*member].into(), flag, "pending".into()));
                    StatusCode::NO_CONTENT
                }
            },
            Op::V1Replace { list: wanted } => {
                // D5: the last entry for a member wins whole; it keeps its first position.
                let mut distinct: Vec<(usize, Option<bool>)> = Vec::new();
                for (m, flag) in wanted {
                    match distinct.iter_mut().find(|(n, _)| n == m) {
                        Some(entry) => entry.1 = *flag,
                        None => distinct.push((*m, *flag)),
                    }
                }
                if distinct.len() > QUOTA {
                    return StatusCode::PAYLOAD_TOO_LARGE;
                }
                let mut next: List = list
                    .iter()
                    .filter_map(|(n, flag, status)| {
                        let (_, given) = distinct.iter().find(|(m, _)| POOL[*m] == n)?;
                        Some((n.clone(), given.unwrap_or(*flag), status.clone()))
                    })
                    .collect();
                for (m, flag) in &distinct {
                    if position(*m, list).is_none() {
                        next.push((POOL[*m].into(), flag.unwrap_or(false), "pending".into()));
                    }
                }
                *list = next;
                StatusCode::NO_CONTENT
            }
            Op::V1Remove { member } | Op::V2Remove { member } => match position(*member, list) {
                Some(at) => {
                    list.remove(at);
                    StatusCode::NO_CONTENT
                }
                None => StatusCode::NOT_FOUND,
            },
            Op::V2Add { member } => {
                if list.len() + 1 > QUOTA {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else if position(*member, list).is_some() {
                    StatusCode::CONFLICT
                } else {
                    list.push((POOL[*member].into(), false, "pending".into()));
                    StatusCode::OK
                }
            }
            Op::V2Status { member, status } => match position(*member, list) {
                Some(at) => {
                    list[at].2 = STATUSES[*status].into();
                    StatusCode::OK
                }
                // Not a member: the image is not even visible to it.
                None => StatusCode::NOT_FOUND,
            },
        }
    }
}

fn random_op(rng: &mut Rng) -> Op {
    let member = rng.below(POOL.len());
    let flag = |rng: &mut Rng| match rng.below(3) {
        0 => None,
        1 => Some(false),
        _ => Some(true),
    };
    match rng.below(6) {
        0 => Op::V1Add {
            member,
            can_share: flag(rng),
        },
        1 => Op::V1Replace {
            list: (0..rng.below(QUOTA + 2))
                .map(|_| (rng.below(POOL.len()), flag(rng)))
                .collect(),
        },
        2 => Op::V1Remove { member },
        3 => Op::V2Add { member },
        4 => Op::V2Remove { member },
        _ => Op::V2Status {
            member,
            status: rng.below(STATUSES.len()),
        },
    }
}

async fn run(app: &TestApp, image: &str, op: &Op) -> StatusCode {
    let owner = app.tenant(OWNER);
    match op {
        Op::V1Add { member, can_share } => {
            let body = can_share.map(|b| json!({ "member": { "can_share": b } }));
            owner.add_member(image, POOL[*member], body).await
        }
        Op::V1Replace { list } => {
            let body: Vec<Value> = list
                .iter()
                .map(|(m, flag)| match flag {
                    Some(b) => json!({ "member_id": POOL[*m], "can_share": b }),
                    None => json!({ "member_id": POOL[*m] }),
                })
                .collect();
            owner.replace_members(image, json!(body)).await
        }
        Op::V1Remove { member } => owner.remove_member(image, POOL[*member]).await,
        Op::V2Add { member } => owner.v2_add_member(image, POOL[*member]).await.status(),
        Op::V2Remove { member } => owner.v2_remove_member(image, POOL[*member]).await.status(),
        Op::V2Status { member, status } => app
            .tenant(POOL[*member])
            .v2_set_member_status(image, POOL[*member], STATUSES[*status])
            .await
            .status(),
    }
}

/// The list as the owner sees it: v1 gives order and `can_share`, v2 the statuses.
async fn observe(app: &TestApp, image: &str) -> List {
    let owner = app.tenant(OWNER);
    let (status, v1) = owner.members(image).await;
    assert_eq!(status, StatusCode::OK);
    let (status, v2) = owner.v2_members(image).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        v1.len(),
        v2.len(),
        "v1 and v2 list different rows: {v1:?} {v2:?}"
    );
    v1.into_iter()
        .map(|(member, can_share)| {
            let status = v2
                .iter()
                .find(|(m, _)| *m == member)
                .map(|(_, s)| s.clone())
                .unwrap_or_else(|| panic!("{member} missing from the v2 list {v2:?}"));
            (member, can_share, status)
        })
        .collect()
}

/// Runs `rounds` batches of concurrent member operations, each on a fresh image whose list was
/// first filled serially; returns the number of concurrent operations run.
async fn batches(app: &TestApp, seed: u64, rounds: u64) -> usize {
    let mut ran = 0;
    for round in 0..rounds {
        let mut rng = Rng::new(seed.wrapping_add(round));
        let image = app
            .tenant(OWNER)
            .create_image_id("contended", Some(b"x"))
            .await;
        // A random starting list, built one call at a time (and checked as it goes).
        let mut list = List::new();
        for _ in 0..rng.below(5) {
            let op = random_op(&mut rng);
            let want = op.apply(&mut list);
            assert_eq!(run(app, &image, &op).await, want, "set-up {op:?}");
        }
        let start = list.clone();
        let ops: Vec<Op> = (0..BATCH).map(|_| random_op(&mut rng)).collect();
        let statuses = join_all(ops.iter().map(|op| run(app, &image, op))).await;
        ran += ops.len();
        let end = observe(app, &image).await;
        let observed: Vec<(Op, StatusCode)> = ops.into_iter().zip(statuses).collect();
        assert!(
            serial_order(&start, &observed, &end).is_some(),
            "seed {seed} round {round}: no serial order of {observed:#?}\nfrom {start:?} \
             gives {end:?}"
        );
    }
    ran
}

/// Mixed v1/v2 member changes; SQLite by default, PostgreSQL in CI's scale-out stage.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_v1_and_v2_member_changes_equal_some_serial_order() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = QUOTA as i64).await;
    let (seed, rounds) = (seed(), rounds(12));
    let ran = batches(&app, seed, rounds).await;
    eprintln!("concurrency/members: {rounds} batches, {ran} concurrent operations, seed {seed}");
}
