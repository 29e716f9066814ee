//! The v1 rows of the test inventory (`spec/test-inventory.md` Part A, A.1–A.7, and the v1 rows
//! of Part C), one test per upstream source test (or per group of related rows), each assertion
//! tagged with the inventory ID it checks. Where DECISIONS override Glance's expected outcome the
//! test asserts glint's decided outcome and names the decision. This file is the traceable map
//! from inventory IDs to assertions; the other test files go deeper.
//!
//! Rows that cannot apply to glint:
//!
//! | Row | Reason |
//! | --- | --- |
//! | V1-U12 (policy part) | `modify_member: @` is the default; the request itself (replace with `can_share: "false"`) is asserted: 204, and D2 makes it `false` (Glance: true) |
//! | V1-R22 (row counts) | registry row reuse (1 row total after delete and re-add) is a storage detail with no HTTP surface; its observable part (exactly one live member, the new `can_share`) is asserted; D6 keeps one live row per (image, member) |
//! | V1-R23 (`Allow: PUT, DELETE`) | that header is the registry's; the public API answers 405 without `Allow` (asserted, with X-01) |
//! | V1-R25..R30 (as unit calls) | `is_image_sharable` is registry-internal; each case is asserted through the public API (add a member: 204 for "sharable", 404 for "not sharable", 401 for no tenant) |
//! | V1-C04 (client wrapping) | the registry client's wrapping of a bare `{"member_id": …}` is client-side; on the wire it sends `{"memberships": [...]}` (asserted). A bare body sent to glint is 400 by D5 (X-05) |
//! | V1-T08 (remote / http location) | glint keeps data only in its own store: `x-image-meta-location` is refused with 400 `External sources are not supported` (README "Differences from Glance"; asserted). Register-then-upload and `min_ram` are asserted |
//! | DB-08 | v2 list filters (`member_status`, `visibility=shared`) and v2 member statuses: v2-only. Its v1 part (a member lists and gets a `pending` shared image) is X-15 |
//! | DB-10 (`status`, `updated_at`) | v2 member status and member timestamps are not exposed by v1; defaults (`can_share` false), count-ignores-deleted (quota) and delete-hides-row are asserted |
//! | DB-11 | needs the v2 visibilities `community` and `private`; its v1-expressible subset (4 owners × public/shared) is V1-L05..L14 |
//! | X-17..X-23 | v2-only |

mod api_unit;
mod code_derived;
mod db;
mod decisions;
mod functional;
mod policy;
mod registry;
mod tempest;

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers shared by the submodules.

pub(super) fn rows(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(m, c)| ((*m).to_owned(), *c)).collect()
}

pub(super) fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// A trusted-headers caller of project `tenant` (or none), admin or `member`.
pub(super) fn caller<'a>(app: &'a TestApp, tenant: Option<&str>, admin: bool) -> Caller<'a> {
    let mut headers = vec![
        ("x-identity-status", "Confirmed".to_owned()),
        ("x-user-id", format!("user-{}", tenant.unwrap_or("none"))),
        ("x-roles", if admin { "admin" } else { "member" }.to_owned()),
    ];
    if let Some(tenant) = tenant {
        headers.push(("x-tenant-id", tenant.to_owned()));
    }
    app.with_headers(headers)
}

/// `POST /v1/images` with `headers` (and data when given); returns the image JSON.
pub(super) async fn create_json(who: &Caller<'_>, headers: &[(&str, &str)]) -> Value {
    create_with(who, "img", None, headers).await
}

pub(super) async fn create_with(
    who: &Caller<'_>,
    name: &str,
    data: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> Value {
    who.create_image_with(name, data, headers).await
}

/// Creates an image and returns its id.
pub(super) async fn create(
    who: &Caller<'_>,
    name: &str,
    data: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> String {
    id_of(&create_with(who, name, data, headers).await)
}

/// A public active image (UUID2 of Glance's unit tests), owned by OWNER, created by an admin.
pub(super) async fn public_image(app: &TestApp) -> String {
    let headers = [
        ("x-image-meta-is_public", "true"),
        ("x-image-meta-owner", OWNER),
    ];
    create(&app.admin(), "uuid2", Some(b"data"), &headers).await
}

/// A Tempest v1 image: private, bare/raw, with data.
pub(super) async fn tempest_image(owner: &Caller<'_>) -> String {
    create(
        owner,
        "tempest",
        Some(b"tempest data"),
        &[("x-image-meta-is_public", "False")],
    )
    .await
}

pub(super) async fn delete_image(who: &Caller<'_>, id: &str) -> StatusCode {
    send(who.delete(&format!("/v1/images/{id}"))).await.status()
}

/// `x-image-meta-owner` of `HEAD /v1/images/{id}` (asserting 200), `Null` when absent.
pub(super) async fn owner_of(who: &Caller<'_>, id: &str) -> Value {
    let response = send(who.request(Method::HEAD, &format!("/v1/images/{id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    match response.headers().get("x-image-meta-owner") {
        Some(v) => json!(v.to_str().expect("ascii")),
        None => Value::Null,
    }
}

/// Sorted ids of `GET /v1/images/detail{query}`.
pub(super) async fn detail_ids(who: &Caller<'_>, query: &str) -> Vec<String> {
    let response = send(who.get(&format!("/v1/images/detail{query}"))).await;
    let body = json_body(response).await;
    sorted(
        body["images"]
            .as_array()
            .expect("images")
            .iter()
            .map(id_of)
            .collect(),
    )
}

pub(super) async fn json_body(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = text(response).await;
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json body")
}
