//! The v2 rows of the test inventory (`spec/test-inventory.md` Part B, B.1–B.7, the v2 parts of
//! A.7 (DB-08, DB-11) and the v2 rows of Part C, X-17..X-24), one test per upstream source test
//! (or per group of related rows), each assertion tagged with the inventory ID it checks. Personas
//! follow the secure-RBAC defaults of Glance 33 (DECISIONS D16); where DECISIONS override Glance's
//! expected outcome the test asserts glint's decided outcome and names the decision. The
//! `v2_images` and `v2_members` test files go deeper; this file is the traceable map from
//! inventory IDs to assertions.
//!
//! 130 rows: 128 covered (4 of them in part, as noted below), 2 not applicable. The rows that
//! need a policy file (V2-P02..P15, V2-I06, V2-U07, U12, U17, U26) are in `policy.rs`.
//!
//! Rows that cannot apply to glint:
//!
//! | Row | Reason |
//! | --- | --- |
//! | V2-F21 (staging) | `PUT /v2/images/{id}/stage` is interoperable image import: glint supports neither import nor tasks. The same rule on `PUT /v2/images/{id}/file` (owner 204, member 403) is asserted |
//! | V2-T05 | `/v2/schemas/member` and `/members` are served by branch `v2-diff` (b211d53), not yet in main; its own tests check `name` |
//! | V2-O08 | `image.member.*` notifications: glint emits no notifications (an optional Glance feature, not part of the API) |
//! | V2-R11 (system scope) | system-scoped tokens: glint's identities are project-scoped only (DECISIONS D17). The project-admin outcomes (200, 200) are asserted |
//! | DB-11 (`admin_as_user`, `is_public=False`) | `admin_as_user` is a db-API flag with no HTTP surface; `is_public` is a v1 filter (inventory_v1). The v2 counts (7, own shared 1, 4, 12, 13) are asserted |
//! | X-24 (Glance's answer) | DECISIONS D10: callers without a project list public images only; glint's decided outcome (not listed) is asserted |

mod code_derived;
mod db;
mod functional;
mod policy;
mod rbac;
mod tempest;
mod unit;

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A caller of project `tenant` with `roles` (comma-separated, as `X-Roles`).
pub(super) fn persona<'a>(app: &'a TestApp, tenant: &str, roles: &str) -> Caller<'a> {
    app.with_headers(vec![
        ("x-identity-status", "Confirmed".to_owned()),
        ("x-tenant-id", tenant.to_owned()),
        ("x-user-id", format!("user-{tenant}")),
        ("x-roles", roles.to_owned()),
    ])
}

/// Glance's functional-test identity: project `tenant`, roles `reader,member`.
pub(super) fn user<'a>(app: &'a TestApp, tenant: &str) -> Caller<'a> {
    persona(app, tenant, "reader,member")
}

/// An authenticated caller without a project, with `roles`.
pub(super) fn no_project<'a>(app: &'a TestApp, roles: &str) -> Caller<'a> {
    app.with_headers(vec![
        ("x-identity-status", "Confirmed".to_owned()),
        ("x-user-id", "no-project".to_owned()),
        ("x-roles", roles.to_owned()),
    ])
}

/// Creates an image of `owner` with `visibility` and returns its id (public ones by an admin,
/// as publicizing is admin-only by default).
pub(super) async fn image_of(app: &TestApp, owner: &str, visibility: &str) -> String {
    let name = format!("{owner}-{visibility}");
    if visibility == "public" {
        let body = json!({"name": name, "owner": owner, "visibility": "public",
                          "disk_format": "raw", "container_format": "bare"});
        id_of(&app.admin().v2_create(body).await)
    } else {
        user(app, owner).v2_create_id(&name, visibility).await
    }
}

/// An image with no owner (created by an admin with `"owner": null`).
pub(super) async fn ownerless(app: &TestApp, visibility: &str) -> String {
    let body = json!({"name": format!("none-{visibility}"), "owner": null,
                      "visibility": visibility});
    let image = app.admin().v2_create(body).await;
    assert_eq!(image["owner"], Value::Null);
    id_of(&image)
}

pub(super) const VISIBILITIES: [&str; 4] = ["public", "private", "shared", "community"];

pub(super) fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// Sorted ids of `GET /v2/images{query}` for `who`.
pub(super) async fn list(who: &Caller<'_>, query: &str) -> Vec<String> {
    sorted(who.v2_list_ids(query).await)
}

/// Member ids of `GET /v2/images/{image}/members`, asserting 200.
pub(super) async fn member_ids(who: &Caller<'_>, image: &str) -> Vec<String> {
    let (status, rows) = who.v2_members(image).await;
    assert_eq!(status, StatusCode::OK, "members of {image}");
    rows.into_iter().map(|(m, _)| m).collect()
}

/// `(status, JSON body or Null)` of a response.
pub(super) async fn status_json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = text(response).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// The `status` of the membership object in a 200 response.
pub(super) async fn member_status(response: reqwest::Response) -> String {
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].as_str().expect("status").to_owned()
}
