//! Operations: random generation (proptest strategies) and application to server and model.

use super::model::{
    Actor, Model, ModelImage, Visibility, actor, actor_of, caller, member_name, pick, resolve,
};
use super::{ADMIN, ANONYMOUS, MAX_STEPS, MEMBER_POOL, MIN_STEPS, MISSING, QUOTA};
use crate::helpers::*;
use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Who performs an operation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Who {
    /// One of the actors (0–4 tenants, `ADMIN`, `ANONYMOUS`).
    Actor(usize),
    /// Whoever owns the chosen image (so that successful changes are frequent).
    ImageOwner,
}

#[derive(Debug, Clone)]
pub(super) enum Op {
    /// An image created by a tenant or the admin, with data (→ active) or without (→ queued):
    /// `v2` None: `POST /v1/images` (visibility `shared`); Some(v): `POST /v2/images` with
    /// visibility `Visibility::ALL[v]` (only what the creator may set), then its data through
    /// `PUT /v2/images/{i}/file`.
    Create {
        actor: usize,
        data: Option<u8>,
        v2: Option<usize>,
    },
    /// Data for an image: `PUT /v1/images/{i}` with a body, or (`v2`) `PUT /v2/images/{i}/file`.
    Upload {
        who: Who,
        image: Option<usize>,
        seed: u8,
        v2: bool,
    },
    /// `PATCH /v2/images/{i}` replacing `/visibility` with `Visibility::ALL[visibility]`.
    SetVisibility {
        who: Who,
        image: Option<usize>,
        visibility: usize,
    },
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
    /// `DELETE /v1/images/{i}`, or (`v2`) `DELETE /v2/images/{i}`.
    Delete {
        who: Who,
        image: Option<usize>,
        v2: bool,
    },
    /// `PUT /v1/images/{i}` renaming it, optionally with `x-image-meta-is_public`.
    Update {
        who: Who,
        image: Option<usize>,
        is_public: Option<bool>,
    },
    /// `POST /v2/images/{i}/members` with `{"member": m}`.
    V2Add {
        who: Who,
        image: Option<usize>,
        member: MemberRef,
    },
    /// `PUT /v2/images/{i}/members/{m}` with `{"status": STATUSES[status]}`; `by_member`: the
    /// caller is the member itself (so that status changes succeed often), else `who`.
    V2Status {
        who: Who,
        by_member: bool,
        image: Option<usize>,
        member: MemberRef,
        status: usize,
    },
    /// `DELETE /v2/images/{i}/members/{m}`.
    V2Remove {
        who: Who,
        image: Option<usize>,
        member: MemberRef,
    },
}

/// The status values a v2 status change sends; the last is invalid (400 after the
/// authorization steps, v2-sharing §4.4 Q4).
pub(super) const STATUSES: [&str; 4] = ["pending", "accepted", "rejected", "Accepted"];

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        5 => (0..=ANONYMOUS).prop_map(Who::Actor),
        4 => Just(Who::ImageOwner),
    ]
}

/// Creators: the five tenants and the admin (anonymous callers create nothing). Through v2 a
/// tenant may choose `community`, `shared` or `private`; only the admin `public` too.
fn create() -> impl Strategy<Value = Op> {
    (
        0..=ADMIN,
        proptest::option::weighted(0.7, any::<u8>()),
        proptest::option::of(0..Visibility::ALL.len()),
    )
        .prop_map(|(actor, data, v2)| Op::Create {
            actor,
            data,
            v2: v2.map(|v| if v == 0 && actor != ADMIN { 2 } else { v }),
        })
}

/// A run: starts with an image, then random operations.
pub(super) fn sequence() -> impl Strategy<Value = Vec<Op>> {
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
pub(super) enum MemberRef {
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
        1 => (who(), image(), any::<bool>())
            .prop_map(|(who, image, v2)| Op::Delete { who, image, v2 }),
        2 => (who(), image(), any::<u8>(), any::<bool>())
            .prop_map(|(who, image, seed, v2)| Op::Upload { who, image, seed, v2 }),
        2 => (who(), image(), 0..Visibility::ALL.len())
            .prop_map(|(who, image, visibility)| Op::SetVisibility { who, image, visibility }),
        2 => (who(), image(), proptest::option::of(any::<bool>()))
            .prop_map(|(who, image, is_public)| Op::Update { who, image, is_public }),
        3 => (who(), image(), member_ref())
            .prop_map(|(who, image, member)| Op::V2Add { who, image, member }),
        4 => (
            who(),
            proptest::bool::weighted(0.7),
            image(),
            member_ref(),
            prop_oneof![6 => 0..3usize, 1 => Just(3usize)],
        )
            .prop_map(|(who, by_member, image, member, status)| Op::V2Status {
                who,
                by_member,
                image,
                member,
                status,
            }),
        1 => (who(), image(), member_ref())
            .prop_map(|(who, image, member)| Op::V2Remove { who, image, member }),
    ]
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

/// The bytes an upload with `seed` sends.
fn data_of(seed: u8) -> Vec<u8> {
    vec![seed; 1 + usize::from(seed % 7)]
}

/// Everything that changes state is refused to anonymous callers before anything else
/// (v1-sharing §3.2 step 2, v2-sharing §3: `Read-only access`; DECISIONS D18).
const READ_ONLY: StatusCode = StatusCode::FORBIDDEN;

/// The image an operation targets: its index in the model and its id (a never-existing one
/// for `None`).
fn target(model: &Model, image: Option<usize>) -> (Option<usize>, String) {
    let index = pick(model, image);
    let id = index.map_or(MISSING.to_owned(), |i| model.images[i].id.clone());
    (index, id)
}

/// Runs one operation against the server and the model; returns (got, expected) statuses.
pub(super) async fn apply(app: &TestApp, model: &mut Model, op: &Op) -> (StatusCode, StatusCode) {
    match op {
        Op::Create {
            actor: index,
            data,
            v2,
        } => {
            let a = actor(*index);
            let c = caller(app, a);
            let bytes = data.map(data_of);
            let (id, visibility) = match v2 {
                None => (
                    c.create_image_id("model", bytes.as_deref()).await,
                    Visibility::Shared,
                ),
                Some(v) => {
                    let visibility = Visibility::ALL[*v];
                    let id = c.v2_create_id("model", visibility.as_str()).await;
                    if let Some(bytes) = &bytes {
                        let status = c.v2_upload(&id, bytes).await;
                        if status != StatusCode::NO_CONTENT {
                            return (status, StatusCode::NO_CONTENT);
                        }
                    }
                    (id, visibility)
                }
            };
            model.images.push(ModelImage::new(
                id,
                a.project,
                visibility,
                bytes.as_deref().map(md5_hex),
            ));
            // The create helpers assert 201 themselves.
            (StatusCode::CREATED, StatusCode::CREATED)
        }
        Op::Upload {
            who,
            image,
            seed,
            v2,
        } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let bytes = data_of(*seed);
            let c = caller(app, a);
            let got = if *v2 {
                c.v2_upload(&id, &bytes).await
            } else {
                send(
                    c.put(&format!("/v1/images/{id}"))
                        .header("content-type", "application/octet-stream")
                        .body(bytes.clone()),
                )
                .await
                .status()
            };
            let img = index.map(|i| &mut model.images[i]);
            let want = if a.anonymous {
                READ_ONLY
            } else if *v2 {
                v2_upload(img, a, &bytes)
            } else {
                v1_upload(img, a, &bytes)
            };
            (got, want)
        }
        Op::SetVisibility {
            who,
            image,
            visibility,
        } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let visibility = Visibility::ALL[*visibility];
            let got = caller(app, a)
                .v2_patch(
                    &id,
                    json!([{ "op": "replace", "path": "/visibility", "value": visibility.as_str() }]),
                )
                .await
                .status();
            let want = match index.map(|i| &mut model.images[i]) {
                _ if a.anonymous => READ_ONLY,
                None => StatusCode::NOT_FOUND,
                Some(img) if !img.v2_visible_to(a) => StatusCode::NOT_FOUND,
                // `publicize_image` (admin only), `communitize_image` and `modify_image`
                // (the owner's project or an admin), in Glance's order; all 403.
                Some(_) if visibility == Visibility::Public && !a.admin => StatusCode::FORBIDDEN,
                Some(img) if !(a.admin || a.owns(img.owner)) => StatusCode::FORBIDDEN,
                Some(img) => {
                    // Memberships stay stored whatever the visibility (v2-sharing §1.1).
                    img.visibility = visibility;
                    StatusCode::OK
                }
            };
            (got, want)
        }
        Op::Add {
            who,
            image,
            member,
            can_share,
            flat,
        } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let member = member_name(model, index, *member);
            let body = can_share.map(|b| {
                if *flat {
                    json!({ "can_share": b })
                } else {
                    json!({ "member": { "can_share": b } })
                }
            });
            let got = caller(app, a).add_member(&id, member, body).await;
            let want = match index {
                _ if a.anonymous => READ_ONLY,
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
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
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
                _ if a.anonymous => READ_ONLY,
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
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let member = member_name(model, index, *member);
            let got = caller(app, a).remove_member(&id, member).await;
            let want = match index {
                _ if a.anonymous => READ_ONLY,
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
        Op::Delete { who, image, v2 } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let prefix = if *v2 { "v2" } else { "v1" };
            let got = send(caller(app, a).delete(&format!("/{prefix}/images/{id}")))
                .await
                .status();
            let img = index.map(|i| &mut model.images[i]);
            let want = match img {
                _ if a.anonymous => READ_ONLY,
                // Non-admins cannot see it; admins: `Image <id> not found.` (§5.6); v2: a
                // deleted image is gone for everybody.
                None => StatusCode::NOT_FOUND,
                Some(img) if !img.v2_visible_to(a) => StatusCode::NOT_FOUND,
                Some(img) if a.admin || a.owns(img.owner) => {
                    // v1 §5.6: 200; v2: 204. All memberships go with the image.
                    img.deleted = true;
                    img.members.clear();
                    if *v2 {
                        StatusCode::NO_CONTENT
                    } else {
                        StatusCode::OK
                    }
                }
                // v2: `delete_image` (owner or admin) → 403 for anyone else who sees it.
                Some(_) if *v2 => StatusCode::FORBIDDEN,
                // v1: others' public and community images 403; a member of a shared image: D11.
                Some(img)
                    if matches!(img.visibility, Visibility::Public | Visibility::Community) =>
                {
                    StatusCode::FORBIDDEN
                }
                Some(_) => StatusCode::NOT_FOUND,
            };
            (got, want)
        }
        Op::Update {
            who,
            image,
            is_public,
        } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let mut request = caller(app, a)
                .put(&format!("/v1/images/{id}"))
                .header("x-image-meta-name", "renamed");
            if let Some(p) = is_public {
                request =
                    request.header("x-image-meta-is_public", if *p { "true" } else { "false" });
            }
            let got = send(request).await.status();
            let want = if a.anonymous || (*is_public == Some(true) && !a.admin) {
                // v1-images §1.4/§5.5: `publicize_image` (admin only) is enforced before the
                // image is looked up; anonymous callers are read-only.
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
                        } else if a.admin || a.owns(img.owner) {
                            // §2.3: is_public true → public, anything else → shared (also
                            // from private and community).
                            match is_public {
                                Some(true) => img.visibility = Visibility::Public,
                                Some(false) => img.visibility = Visibility::Shared,
                                None => {}
                            }
                            StatusCode::OK
                        } else if matches!(
                            img.visibility,
                            Visibility::Public | Visibility::Community
                        ) {
                            StatusCode::FORBIDDEN
                        } else {
                            StatusCode::NOT_FOUND
                        }
                    }
                }
            };
            (got, want)
        }
        Op::V2Add { who, image, member } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let member = member_name(model, index, *member);
            let got = caller(app, a).v2_add_member(&id, member).await.status();
            let want = match index {
                _ if a.anonymous => READ_ONLY,
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.v2_visible_to(a) {
                        StatusCode::NOT_FOUND
                    } else if !img.shared() {
                        // Only shared images have members (§4.1 step 3).
                        StatusCode::FORBIDDEN
                    } else if !(a.admin || a.owns(img.owner)) {
                        // `add_member`: the owner's project or an admin; v1's `can_share`
                        // means nothing here.
                        StatusCode::FORBIDDEN
                    } else if img.members.len() + 1 > QUOTA {
                        // Q1: the quota comes before the duplicate test.
                        StatusCode::PAYLOAD_TOO_LARGE
                    } else if img.row(member).is_some() {
                        StatusCode::CONFLICT
                    } else {
                        img.members.push((member.to_owned(), false));
                        StatusCode::OK
                    }
                }
            };
            (got, want)
        }
        Op::V2Status {
            who,
            by_member,
            image,
            member,
            status,
        } => {
            let (index, id) = target(model, *image);
            let member = member_name(model, index, *member);
            let a = if *by_member {
                actor_of(member)
            } else {
                resolve(model, *who, index)
            };
            let value = STATUSES[*status];
            let got = caller(app, a)
                .v2_set_member_status(&id, member, value)
                .await
                .status();
            let want = match index {
                _ if a.anonymous => READ_ONLY,
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.v2_visible_to(a) {
                        StatusCode::NOT_FOUND
                    } else if !img.shared() {
                        StatusCode::FORBIDDEN
                    } else if img.row(member).is_none()
                        || !(a.admin || a.owns(img.owner) || member == a.project)
                    {
                        // §4.4 step 6: rows others than the caller's own are not found.
                        StatusCode::NOT_FOUND
                    } else if !a.admin && a.owns(img.owner) {
                        // `modify_member`: the member itself or an admin, never the owner.
                        StatusCode::FORBIDDEN
                    } else if *status >= 3 {
                        StatusCode::BAD_REQUEST
                    } else {
                        img.statuses.insert(member.to_owned(), value);
                        StatusCode::OK
                    }
                }
            };
            (got, want)
        }
        Op::V2Remove { who, image, member } => {
            let (index, id) = target(model, *image);
            let a = resolve(model, *who, index);
            let member = member_name(model, index, *member);
            let got = caller(app, a).v2_remove_member(&id, member).await.status();
            let want = match index {
                _ if a.anonymous => READ_ONLY,
                None => StatusCode::NOT_FOUND,
                Some(i) => {
                    let img = &mut model.images[i];
                    if !img.v2_visible_to(a) {
                        StatusCode::NOT_FOUND
                    } else if !img.shared() {
                        StatusCode::FORBIDDEN
                    } else if img.row(member).is_none()
                        || !(a.admin || a.owns(img.owner) || member == a.project)
                    {
                        StatusCode::NOT_FOUND
                    } else if !(a.admin || a.owns(img.owner)) {
                        // `delete_member`: a member cannot remove itself (it may reject).
                        StatusCode::FORBIDDEN
                    } else {
                        img.members.retain(|(m, _)| m != member);
                        StatusCode::NO_CONTENT
                    }
                }
            };
            (got, want)
        }
    }
}

/// v1-images §5.5 for `PUT /v1/images/{i}` with data, in Glance's order: lookup (404),
/// deleted (admins: 403), data on a non-queued image (409), then the ownership check of the
/// registry (others' public/community images 403, a member of a shared one 404: D11).
fn v1_upload(img: Option<&mut ModelImage>, a: Actor, bytes: &[u8]) -> StatusCode {
    let Some(img) = img else {
        return StatusCode::NOT_FOUND;
    };
    if !img.visible_to(a) {
        StatusCode::NOT_FOUND
    } else if img.deleted {
        StatusCode::FORBIDDEN
    } else if img.md5.is_some() {
        StatusCode::CONFLICT
    } else if a.admin || a.owns(img.owner) {
        img.md5 = Some(md5_hex(bytes));
        StatusCode::OK
    } else if matches!(img.visibility, Visibility::Public | Visibility::Community) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::NOT_FOUND
    }
}

/// `PUT /v2/images/{i}/file`: lookup (404), `upload_image` (the owner's project or an admin,
/// else 403), then the status must be `queued` (409).
fn v2_upload(img: Option<&mut ModelImage>, a: Actor, bytes: &[u8]) -> StatusCode {
    let Some(img) = img else {
        return StatusCode::NOT_FOUND;
    };
    if !img.v2_visible_to(a) {
        StatusCode::NOT_FOUND
    } else if !(a.admin || a.owns(img.owner)) {
        StatusCode::FORBIDDEN
    } else if img.md5.is_some() {
        StatusCode::CONFLICT
    } else {
        img.md5 = Some(md5_hex(bytes));
        StatusCode::NO_CONTENT
    }
}
