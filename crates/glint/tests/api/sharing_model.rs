//! Model-based test of v1 sharing: random sequences of image and member operations by several
//! tenants and an admin, each checked against a small reference model of who may see, list,
//! download and share what (v1-sharing §5–§7, v1-images §5, DECISIONS D1–D11).
//!
//! The model is written from the spec, not from glint's code: after every step the expected
//! status of the operation is asserted, then every actor's view is compared with the model
//! (default image list, HEAD and GET of every image, member lists, `/v1/shared-images/{t}`).

use crate::helpers::*;
use futures::future::join_all;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestError, TestRunner};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The member quota of every server in this test; small, so that 413s happen.
const QUOTA: usize = 3;
/// Tenants that act; the admin (index `ADMIN`) acts as project `ADMIN_PROJECT`.
const TENANTS: [&str; 4] = [OWNER, MEMBER, SHARER, OTHER];
const ADMIN: usize = 4;
const ADMIN_PROJECT: &str = "admin-project";
/// Tenants that may be named as members: the four tenants and the admin's own project.
const MEMBER_POOL: [&str; 5] = [OWNER, MEMBER, SHARER, OTHER, ADMIN_PROJECT];
/// An image id that never exists.
const MISSING: &str = "00000000-0000-4000-8000-000000000000";

const CASES: u32 = 16;
const MIN_STEPS: usize = 10;
const MAX_STEPS: usize = 25;

/// Who performs an operation.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// One of the five actors (0–3 tenants, 4 admin).
    Actor(usize),
    /// Whoever owns the chosen image (so that successful changes are frequent).
    ImageOwner,
}

#[derive(Debug, Clone)]
enum Op {
    /// `POST /v1/images` by an actor, with data (→ active) or without (→ queued).
    Create { actor: usize, data: Option<u8> },
    /// `PUT /v1/images/{i}/members/{m}`; `can_share` None = no body; `flat`: D1's flat body.
    Add {
        who: Who,
        image: Option<usize>,
        member: MemberRef,
        can_share: Option<bool>,
        flat: bool,
    },
    /// `PUT /v1/images/{i}/members` with `{"memberships": list}`.
    Replace {
        who: Who,
        image: Option<usize>,
        list: Vec<(usize, Option<bool>)>,
    },
    /// `DELETE /v1/images/{i}/members/{m}`.
    Remove {
        who: Who,
        image: Option<usize>,
        member: MemberRef,
    },
    /// `DELETE /v1/images/{i}`.
    Delete { who: Who, image: Option<usize> },
    /// `PUT /v1/images/{i}` renaming it, optionally with `x-image-meta-is_public`.
    Update {
        who: Who,
        image: Option<usize>,
        is_public: Option<bool>,
    },
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        1 => (0..5usize).prop_map(Who::Actor),
        1 => Just(Who::ImageOwner),
    ]
}

fn create() -> impl Strategy<Value = Op> {
    (0..5usize, proptest::option::weighted(0.8, any::<u8>()))
        .prop_map(|(actor, data)| Op::Create { actor, data })
}

/// A run: starts with an image, then random operations.
fn sequence() -> impl Strategy<Value = Vec<Op>> {
    (
        create(),
        proptest::collection::vec(op(), MIN_STEPS - 1..MAX_STEPS),
    )
        .prop_map(|(first, mut rest)| {
            rest.insert(0, first);
            rest
        })
}

/// An image: counted back from the newest one created (deleted ones included; mostly one of
/// the last three, so that memberships pile up), or `None` now and then for an id that never
/// existed.
fn image() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![
        1 => Just(None),
        9 => (0..3usize).prop_map(Some),
        3 => (0..16usize).prop_map(Some),
    ]
}

/// A member to name: one of `MEMBER_POOL`, or one of the image's current members.
#[derive(Debug, Clone, Copy)]
enum MemberRef {
    Pool(usize),
    Current(usize),
}

fn member_ref() -> impl Strategy<Value = MemberRef> {
    prop_oneof![
        (0..MEMBER_POOL.len()).prop_map(MemberRef::Pool),
        (0..4usize).prop_map(MemberRef::Current),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let member = 0..MEMBER_POOL.len();
    let flag = proptest::option::of(any::<bool>());
    prop_oneof![
        1 => create(),
        5 => (who(), image(), member_ref(), flag.clone(), any::<bool>()).prop_map(
            |(who, image, member, can_share, flat)| Op::Add { who, image, member, can_share, flat }
        ),
        2 => (who(), image(), proptest::collection::vec((member, flag), 0..=4))
            .prop_map(|(who, image, list)| Op::Replace { who, image, list }),
        2 => (who(), image(), member_ref())
            .prop_map(|(who, image, member)| Op::Remove { who, image, member }),
        1 => (who(), image()).prop_map(|(who, image)| Op::Delete { who, image }),
        2 => (who(), image(), proptest::option::of(any::<bool>()))
            .prop_map(|(who, image, is_public)| Op::Update { who, image, is_public }),
    ]
}

/// A caller as the model sees it.
#[derive(Debug, Clone, Copy)]
struct Actor {
    project: &'static str,
    admin: bool,
}

fn actor(index: usize) -> Actor {
    if index == ADMIN {
        Actor {
            project: ADMIN_PROJECT,
            admin: true,
        }
    } else {
        Actor {
            project: TENANTS[index],
            admin: false,
        }
    }
}

#[derive(Debug, Clone)]
struct ModelImage {
    id: String,
    owner: &'static str,
    public: bool,
    deleted: bool,
    /// MD5 of the data of an active image; None for a queued one.
    md5: Option<String>,
    /// Live memberships in creation order: (member, can_share).
    members: Vec<(String, bool)>,
}

impl ModelImage {
    fn row(&self, member: &str) -> Option<&(String, bool)> {
        self.members.iter().find(|(m, _)| m == member)
    }

    /// v1-sharing §6.4 (stored visibility is only ever `public` or `shared` through v1).
    fn visible_to(&self, a: Actor) -> bool {
        if a.admin {
            return true;
        }
        !self.deleted && (self.public || self.owner == a.project || self.row(a.project).is_some())
    }

    /// §6.2 with D7: admins, the owner, live members holding `can_share`.
    fn sharable_by(&self, a: Actor) -> bool {
        a.admin || self.owner == a.project || self.row(a.project).is_some_and(|(_, s)| *s)
    }

    /// §3.4: the lookup every member call starts with (admins get 404 for deleted images too).
    fn member_call_lookup_ok(&self, a: Actor) -> bool {
        self.visible_to(a) && !self.deleted
    }

    /// v1-images §5.2: the default list (non-deleted, non-killed; public + own + shared with me).
    /// Admins without `is_public` are treated as a regular user of their own project.
    fn listed_for(&self, a: Actor) -> bool {
        !self.deleted && (self.public || self.owner == a.project || self.row(a.project).is_some())
    }

    /// §5.1 and D7: who sees which rows of the member list.
    fn member_rows_for(&self, a: Actor) -> Vec<(String, bool)> {
        if self.sharable_by(a) {
            self.members.clone()
        } else {
            self.members
                .iter()
                .filter(|(m, _)| m == a.project)
                .cloned()
                .collect()
        }
    }
}

#[derive(Debug, Default)]
struct Model {
    images: Vec<ModelImage>,
}

/// The image an operation targets (see `image()`), or None for an id that never existed.
fn pick(model: &Model, index: Option<usize>) -> Option<usize> {
    let n = model.images.len();
    index.filter(|_| n > 0).map(|i| n - 1 - i % n)
}

/// The member id a `MemberRef` names on image `index`.
fn member_name(model: &Model, index: Option<usize>, member: MemberRef) -> &'static str {
    let current = |i: usize| -> Option<&'static str> {
        let members = &model.images[index?].members;
        let name = &members.get(i % members.len().max(1))?.0;
        MEMBER_POOL.iter().copied().find(|m| m == name)
    };
    match member {
        MemberRef::Pool(i) => MEMBER_POOL[i],
        MemberRef::Current(i) => current(i).unwrap_or(MEMBER_POOL[i % MEMBER_POOL.len()]),
    }
}

fn resolve(model: &Model, who: Who, image: Option<usize>) -> Actor {
    match who {
        Who::Actor(i) => actor(i),
        Who::ImageOwner => match image {
            Some(i) if model.images[i].owner == ADMIN_PROJECT => actor(ADMIN),
            Some(i) => Actor {
                project: model.images[i].owner,
                admin: false,
            },
            None => actor(0),
        },
    }
}

fn caller<'a>(app: &'a TestApp, a: Actor) -> Caller<'a> {
    if a.admin {
        app.admin()
    } else {
        app.tenant(a.project)
    }
}

/// Distinct members of a replace list: first position, last entry wins whole (D5).
fn dedup(list: &[(usize, Option<bool>)]) -> Vec<(String, Option<bool>)> {
    let mut out: Vec<(String, Option<bool>)> = Vec::new();
    for (m, flag) in list {
        let name = MEMBER_POOL[*m].to_owned();
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = *flag,
            None => out.push((name, *flag)),
        }
    }
    out
}

/// Runs one operation against the server and the model; returns (got, expected) statuses.
async fn apply(app: &TestApp, model: &mut Model, op: &Op) -> (StatusCode, StatusCode) {
    match op {
        Op::Create { actor: index, data } => {
            let a = actor(*index);
            let bytes = data.map(|seed| vec![seed; 1 + usize::from(seed % 7)]);
            let id = caller(app, a)
                .create_image_id("model", bytes.as_deref())
                .await;
            model.images.push(ModelImage {
                id,
                owner: a.project,
                public: false,
                deleted: false,
                md5: bytes.as_deref().map(md5_hex),
                members: Vec::new(),
            });
            // create_image_id asserts 201 itself.
            (StatusCode::CREATED, StatusCode::CREATED)
        }
        Op::Add {
            who,
            image,
            member,
            can_share,
            flat,
        } => {
            let index = pick(model, *image);
            let a = resolve(model, *who, index);
            let member = member_name(model, index, *member);
            let id = index.map_or(MISSING.to_owned(), |i| model.images[i].id.clone());
            let body = can_share.map(|b| {
                if *flat {
                    json!({ "can_share": b })
                } else {
                    json!({ "member": { "can_share": b } })
                }
            });
            let got = caller(app, a).add_member(&id, member, body).await;
            let want = match index {
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.member_call_lookup_ok(a) || !img.sharable_by(a) {
                        // Non-sharers get 404, never 413 (Glance counts only the rows they
                        // can see: at most their own + 1 ≤ QUOTA).
                        StatusCode::NOT_FOUND
                    } else if let Some(pos) = img.members.iter().position(|(m, _)| m == member) {
                        // Existing member: seed/D1 — no body leaves it unchanged; D8 — no quota.
                        if let Some(b) = can_share {
                            img.members[pos].1 = *b;
                        }
                        StatusCode::NO_CONTENT
                    } else if img.members.len() + 1 > QUOTA {
                        StatusCode::PAYLOAD_TOO_LARGE
                    } else {
                        img.members
                            .push((member.to_owned(), can_share.unwrap_or(false)));
                        StatusCode::NO_CONTENT
                    }
                }
            };
            (got, want)
        }
        Op::Replace { who, image, list } => {
            let index = pick(model, *image);
            let a = resolve(model, *who, index);
            let id = index.map_or(MISSING.to_owned(), |i| model.images[i].id.clone());
            let body: Vec<Value> = list
                .iter()
                .map(|(m, flag)| match flag {
                    Some(b) => json!({ "member_id": MEMBER_POOL[*m], "can_share": b }),
                    None => json!({ "member_id": MEMBER_POOL[*m] }),
                })
                .collect();
            let got = caller(app, a).replace_members(&id, json!(body)).await;
            let wanted = dedup(list);
            let want = match index {
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.member_call_lookup_ok(a) {
                        StatusCode::NOT_FOUND
                    } else if wanted.len() > QUOTA {
                        // §5.3: the quota (step 8) is checked before the sharing right (step 10)
                        // for every caller that found the image — DECISIONS keep Glance's order;
                        // it depends only on the request, so it reveals nothing.
                        StatusCode::PAYLOAD_TOO_LARGE
                    } else if !img.sharable_by(a) {
                        // D7: plain members and outsiders get 404 on every change.
                        StatusCode::NOT_FOUND
                    } else {
                        // Seed/D4: listed existing members keep their position and can_share
                        // unless given; new ones (incl. previously removed) are appended.
                        let mut next: Vec<(String, bool)> = img
                            .members
                            .iter()
                            .filter_map(|(m, s)| {
                                wanted
                                    .iter()
                                    .find(|(w, _)| w == m)
                                    .map(|(_, flag)| (m.clone(), flag.unwrap_or(*s)))
                            })
                            .collect();
                        for (w, flag) in &wanted {
                            if img.row(w).is_none() {
                                next.push((w.clone(), flag.unwrap_or(false)));
                            }
                        }
                        img.members = next;
                        StatusCode::NO_CONTENT
                    }
                }
            };
            (got, want)
        }
        Op::Remove { who, image, member } => {
            let index = pick(model, *image);
            let a = resolve(model, *who, index);
            let member = member_name(model, index, *member);
            let id = index.map_or(MISSING.to_owned(), |i| model.images[i].id.clone());
            let got = caller(app, a).remove_member(&id, member).await;
            let want = match index {
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.member_call_lookup_ok(a) || !img.sharable_by(a) {
                        StatusCode::NOT_FOUND
                    } else if let Some(pos) = img.members.iter().position(|(m, _)| m == member) {
                        img.members.remove(pos);
                        StatusCode::NO_CONTENT
                    } else {
                        StatusCode::NOT_FOUND
                    }
                }
            };
            (got, want)
        }
        Op::Delete { who, image } => {
            let index = pick(model, *image);
            let a = resolve(model, *who, index);
            let id = index.map_or(MISSING.to_owned(), |i| model.images[i].id.clone());
            let got = send(caller(app, a).delete(&format!("/v1/images/{id}")))
                .await
                .status();
            let want = match index {
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.visible_to(a) || img.deleted {
                        // Non-admins cannot see it; admins: `Image <id> not found.` (§5.6).
                        StatusCode::NOT_FOUND
                    } else if a.admin || img.owner == a.project {
                        // §5.6: 200, and all memberships are soft-deleted with the image.
                        img.deleted = true;
                        img.members.clear();
                        StatusCode::OK
                    } else if img.public {
                        StatusCode::FORBIDDEN
                    } else {
                        // A member of a shared image: D11.
                        StatusCode::NOT_FOUND
                    }
                }
            };
            (got, want)
        }
        Op::Update {
            who,
            image,
            is_public,
        } => {
            let index = pick(model, *image);
            let a = resolve(model, *who, index);
            let id = index.map_or(MISSING.to_owned(), |i| model.images[i].id.clone());
            let mut request = caller(app, a)
                .put(&format!("/v1/images/{id}"))
                .header("x-image-meta-name", "renamed");
            if let Some(p) = is_public {
                request =
                    request.header("x-image-meta-is_public", if *p { "true" } else { "false" });
            }
            let got = send(request).await.status();
            let want = if *is_public == Some(true) && !a.admin {
                // v1-images §1.4/§5.5: `publicize_image` (admin only) is enforced before the
                // image is looked up.
                StatusCode::FORBIDDEN
            } else {
                match index {
                    None => StatusCode::NOT_FOUND,
                    Some(i) => {
                        let img = &mut model.images[i];
                        if !img.visible_to(a) {
                            StatusCode::NOT_FOUND
                        } else if img.deleted {
                            // Only admins get here: `Forbidden to update deleted image.`
                            StatusCode::FORBIDDEN
                        } else if a.admin || img.owner == a.project {
                            if let Some(p) = is_public {
                                img.public = *p;
                            }
                            StatusCode::OK
                        } else if img.public {
                            StatusCode::FORBIDDEN
                        } else {
                            StatusCode::NOT_FOUND
                        }
                    }
                }
            };
            (got, want)
        }
    }
}

/// Everything one actor observes, compared with the model; returns the differences.
async fn observe(app: &TestApp, model: &Model, a: Actor) -> Vec<String> {
    let c = caller(app, a);
    let mut diffs = Vec::new();
    let who = if a.admin {
        "admin".to_owned()
    } else {
        a.project[..1].to_owned()
    };

    // Default list.
    let listed: BTreeSet<String> = c.list_ids("?limit=1000").await.into_iter().collect();
    let expected: BTreeSet<String> = model
        .images
        .iter()
        .filter(|i| i.listed_for(a))
        .map(|i| i.id.clone())
        .collect();
    if listed != expected {
        diffs.push(format!(
            "{who}: GET /v1/images lists {listed:?}, model {expected:?}"
        ));
    }

    // Per image: HEAD, GET (data), GET members.
    let per_image = model.images.iter().enumerate().map(|(n, img)| {
        let c = &c;
        let who = &who;
        async move {
            let mut diffs = Vec::new();
            let head = c.head_status(&img.id).await;
            // v1-images §5.3: admins get the headers of deleted images too.
            let want = if img.visible_to(a) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            if head != want {
                diffs.push(format!("{who}: HEAD image#{n} → {head}, model {want}"));
            }

            let response = send(c.get(&format!("/v1/images/{}", img.id))).await;
            let status = response.status();
            let want_md5 = img
                .md5
                .as_ref()
                .filter(|_| img.visible_to(a) && !img.deleted);
            match want_md5 {
                Some(md5) => {
                    let body = response.bytes().await.expect("body");
                    if status != StatusCode::OK || md5_hex(&body) != *md5 {
                        diffs.push(format!("{who}: GET image#{n} → {status}, wrong or no data"));
                    }
                }
                None if status != StatusCode::NOT_FOUND => {
                    diffs.push(format!("{who}: GET image#{n} → {status}, model 404"));
                }
                None => {}
            }

            let got = c.members(&img.id).await;
            let want = if img.member_call_lookup_ok(a) {
                (StatusCode::OK, img.member_rows_for(a))
            } else {
                (StatusCode::NOT_FOUND, Vec::new())
            };
            if got != want {
                diffs.push(format!(
                    "{who}: GET image#{n}/members → {got:?}, model {want:?}"
                ));
            }
            diffs
        }
    });
    diffs.extend(join_all(per_image).await.into_iter().flatten());

    // D7 clarification: shared-images of t lists rows naming the caller, rows on images the
    // caller owns or may share; admins all. Deleted images have no live rows. Order unspecified.
    for t in MEMBER_POOL {
        let got: BTreeSet<(String, bool)> = c.shared_images(t).await.into_iter().collect();
        let want: BTreeSet<(String, bool)> = model
            .images
            .iter()
            .filter(|img| !img.deleted)
            .filter(|img| a.admin || t == a.project || img.sharable_by(a))
            .filter_map(|img| img.row(t).map(|(_, s)| (img.id.clone(), *s)))
            .collect();
        if got != want {
            diffs.push(format!(
                "{who}: GET /v1/shared-images/{t} → {got:?}, model {want:?}"
            ));
        }
    }
    diffs
}

/// Runs `ops` on a fresh server; the first difference from the model, with the steps so far.
async fn run_case(ops: &[Op]) -> Result<(), String> {
    let app = spawn_app_with(|c| c.limits.image_member_quota = QUOTA as i64).await;
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let (got, want) = apply(&app, &mut model, op).await;
        if got != want {
            return Err(format!(
                "step {step}: {op:?}: status {got}, model expects {want}\nsteps: {:#?}",
                &ops[..=step]
            ));
        }
        let views = join_all((0..=ADMIN).map(|i| observe(&app, &model, actor(i)))).await;
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
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, _)) => panic!("{reason}"),
        Err(other) => panic!("{other}"),
    }
}

/// Hand-written sequences through the same model, for paths random runs reach rarely:
/// publicizing, outsiders on public images, chains of sharers, the quota, admins on deleted
/// images, the admin's project as a member.
#[test]
fn directed_sequences_match_the_reference_model() {
    use MemberRef::Pool;
    use Op::*;
    const A: usize = 0;
    const B: usize = 1;
    const C: usize = 2;
    const D: usize = 3;
    const ADMIN_MEMBER: usize = 4;
    let img = Some(0); // the newest image
    let add = |who: usize, member: usize, can_share: Option<bool>, flat: bool| Add {
        who: Who::Actor(who),
        image: img,
        member: Pool(member),
        can_share,
        flat,
    };
    let replace = |who: usize, list: &[(usize, Option<bool>)]| Replace {
        who: Who::Actor(who),
        image: img,
        list: list.to_vec(),
    };
    let remove = |who: usize, member: usize| Remove {
        who: Who::Actor(who),
        image: img,
        member: Pool(member),
    };
    let update = |who: usize, is_public: Option<bool>| Update {
        who: Who::Actor(who),
        image: img,
        is_public,
    };
    let delete = |who: usize| Delete {
        who: Who::Actor(who),
        image: img,
    };
    let sequences: Vec<Vec<Op>> = vec![
        // Publicize, outsiders and plain members of a public image, back to private.
        vec![
            Create {
                actor: A,
                data: Some(3),
            },
            update(A, Some(true)),
            update(B, Some(true)),
            update(ADMIN, Some(true)),
            replace(D, &[(A, None), (B, None), (C, None), (D, None)]),
            replace(D, &[(D, Some(true))]),
            add(D, D, Some(true), false),
            add(A, B, None, false),
            replace(B, &[(B, Some(true))]),
            remove(B, B),
            update(B, None),
            delete(B),
            update(ADMIN, Some(false)),
            update(B, None),
            delete(B),
            Update {
                who: Who::Actor(A),
                image: None,
                is_public: Some(true),
            },
            Update {
                who: Who::Actor(A),
                image: None,
                is_public: Some(false),
            },
        ],
        // A chain of sharers; a sharer's replace without itself drops it; admin's project.
        vec![
            Create {
                actor: A,
                data: Some(9),
            },
            add(A, B, Some(true), true),
            add(B, C, Some(true), false),
            add(C, D, None, false),
            replace(
                C,
                &[(C, None), (ADMIN_MEMBER, Some(true)), (B, Some(false))],
            ),
            add(B, D, None, false),
            replace(ADMIN, &[(ADMIN_MEMBER, None), (C, None), (B, None)]),
            remove(C, C),
            remove(C, B),
            add(ADMIN, B, Some(true), true),
            remove(B, ADMIN_MEMBER),
            delete(A),
            add(ADMIN, B, None, false),
            replace(ADMIN, &[]),
            remove(ADMIN, B),
            update(ADMIN, None),
            delete(ADMIN),
        ],
        // The member quota (3): new members only; replace counts distinct members.
        vec![
            Create {
                actor: B,
                data: None,
            },
            add(B, A, None, false),
            add(B, C, None, false),
            add(B, D, Some(true), false),
            add(B, ADMIN_MEMBER, None, false),
            add(D, ADMIN_MEMBER, None, true),
            add(B, A, Some(true), true),
            replace(B, &[(A, None), (B, None), (C, None), (D, None)]),
            replace(
                D,
                &[(A, None), (C, Some(true)), (A, Some(false)), (D, None)],
            ),
            replace(B, &[(C, None), (D, None), (C, None), (ADMIN_MEMBER, None)]),
            add(ADMIN, D, None, false),
        ],
        // A plain member changes nothing; admin's own images; a missing image.
        vec![
            Create {
                actor: ADMIN,
                data: Some(1),
            },
            add(ADMIN, A, None, false),
            replace(A, &[]),
            replace(A, &[(A, None), (B, None), (C, None), (D, None)]),
            remove(A, A),
            add(A, B, None, false),
            update(A, Some(false)),
            delete(A),
            Remove {
                who: Who::Actor(ADMIN),
                image: None,
                member: Pool(A),
            },
            Delete {
                who: Who::Actor(ADMIN),
                image: None,
            },
            Add {
                who: Who::Actor(A),
                image: None,
                member: Pool(B),
                can_share: None,
                flat: false,
            },
        ],
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for ops in sequences {
        if let Err(e) = runtime.block_on(run_case(&ops)) {
            panic!("{e}");
        }
    }
}
