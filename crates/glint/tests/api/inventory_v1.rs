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
//! | V1-U02, V1-U03 | policy file rules (`get_members: @` / `!`): glint has no configurable v1 policy file; the default outcome (200 `[]`) is V1-U01 |
//! | V1-U11, V1-U18, V1-U32 | policy rule set to deny (`modify_member: !`, `delete_member: !`): no configurable v1 policy, nothing can produce that 403 |
//! | V1-U19, V1-U31 | policy rule set to allow (`@`): same outcome as the default policy, asserted by V1-U05 (add 204) and V1-C05 (add, delete 204) |
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

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const KIB5: usize = 5 * 1024;

// ---------------------------------------------------------------------------------------------
// A.1 Glance functional `test_api.py::TestApi::test_get_head_simple_post` (noauth, quota 10)

#[tokio::test]
async fn a1_get_head_simple_post_member_steps() {
    let app = spawn_app_with(|c| {
        c.auth.mode = glint_api::AuthMode::Noauth;
        c.limits.image_member_quota = 10;
    })
    .await;
    let admin = app.anonymous(); // noauth: everybody is admin without a tenant
    let data = vec![b'*'; KIB5];
    let image1 = create(
        &admin,
        "Image1",
        Some(&data),
        &[("x-image-meta-is_public", "true")],
    )
    .await;
    let _image2 = create(
        &admin,
        "Image2",
        Some(&data),
        &[("x-image-meta-is_public", "true")],
    )
    .await;
    assert_eq!(
        admin.add_member(&image1, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-F01
    assert_eq!(
        admin.add_member(&image1, "pattiewhite", None).await,
        StatusCode::NO_CONTENT
    ); // V1-F02
    assert_eq!(
        admin.members(&image1).await,
        (
            StatusCode::OK,
            rows(&[("pattieblack", false), ("pattiewhite", false)])
        )
    ); // V1-F03: insertion order
    assert_eq!(
        admin.remove_member(&image1, "pattieblack").await,
        StatusCode::NO_CONTENT
    ); // V1-F04
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"member_id": format!("m{i}")}))
        .collect();
    let response = send(
        admin
            .put(&format!("/v1/images/{image1}/members"))
            .json(&json!({"memberships": eleven})),
    )
    .await;
    expect_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Attempted: 11, Maximum: 10",
    )
    .await; // V1-F05
    assert_eq!(
        admin.replace_members(&image1, json!(eleven[..10])).await,
        StatusCode::NO_CONTENT
    ); // V1-F06
    let response = send(admin.put(&format!("/v1/images/{image1}/members/fail_me"))).await;
    expect_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Attempted: 11, Maximum: 10",
    )
    .await; // V1-F07
    assert_eq!(delete_image(&admin, &image1).await, StatusCode::OK); // V1-F08
    let deleted = format!("Image with identifier {image1} has been deleted.");
    let response = send(admin.get(&format!("/v1/images/{image1}/members"))).await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-F08
    let response = send(
        admin
            .put(&format!("/v1/images/{image1}/members"))
            .json(&json!({"memberships": [{"member_id": "pattieblack", "can_share": "false"}]})),
    )
    .await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-F09
    let response = send(admin.put(&format!("/v1/images/{image1}/members/chickenpattie"))).await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-F10
    let response = send(admin.delete(&format!("/v1/images/{image1}/members/pattieblack"))).await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-F11
    let response = send(admin.head("/v1/images/detail")).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED); // V1-F12
    assert_eq!(response.headers()["allow"], "GET"); // V1-F12
}

// ---------------------------------------------------------------------------------------------
// A.2 Glance legacy functional `test_v1_api.py`

#[tokio::test]
async fn a2_test_ownership() {
    let app = spawn_app().await;
    let owner_header = [("x-image-meta-owner", "tenant2")];
    let admin1 = caller(&app, Some("tenant1"), true);
    let id = create(&admin1, "a", None, &owner_header).await;
    assert_eq!(owner_of(&admin1, &id).await, "tenant2"); // V1-L01
    let tenant1 = caller(&app, Some("tenant1"), false);
    let id = create(&tenant1, "b", None, &owner_header).await;
    assert_eq!(owner_of(&tenant1, &id).await, "tenant1"); // V1-L02
    let response = send(
        tenant1
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-owner", "tenant2"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK); // V1-L03
    assert_eq!(owner_of(&tenant1, &id).await, "tenant1"); // V1-L03
    let admin3 = caller(&app, Some("tenant3"), true);
    let response = send(
        admin3
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-owner", "tenant2"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK); // V1-L04
    assert_eq!(owner_of(&admin3, &id).await, "tenant2"); // V1-L04
}

#[tokio::test]
async fn a2_test_image_visibility_to_different_users() {
    let app = spawn_app().await;
    let admin_no_tenant = caller(&app, None, true);
    let admin_tenant = caller(&app, Some("admin"), true);
    // 8 images: owners admin / tenant1 / tenant2 / none × public / private.
    let mut public = Vec::new();
    let mut private = Vec::new();
    let mut by_owner = std::collections::HashMap::new();
    for owner in ["admin", "tenant1", "tenant2", ""] {
        for is_public in ["true", "false"] {
            let headers = [
                ("x-image-meta-owner", owner),
                ("x-image-meta-is_public", is_public),
            ];
            let id = create(
                &admin_no_tenant,
                &format!("{owner}-{is_public}"),
                None,
                &headers,
            )
            .await;
            if owner.is_empty() {
                assert_eq!(owner_of(&admin_no_tenant, &id).await, Value::Null);
            }
            by_owner.insert((owner, is_public), id.clone());
            if is_public == "true" {
                public.push(id)
            } else {
                private.push(id)
            }
        }
    }
    let all = sorted([public.clone(), private.clone()].concat());
    let with =
        |extra: &str| sorted([public.clone(), vec![by_owner[&(extra, "false")].clone()]].concat());
    let tenant1 = caller(&app, Some("tenant1"), false);
    assert_eq!(detail_ids(&tenant1, "").await, with("tenant1")); // V1-L05: 4 public + own private
    let no_role = app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-tenant-id", "tenant1".into()),
        ("x-user-id", "user-tenant1".into()),
    ]);
    assert_eq!(detail_ids(&no_role, "").await, with("tenant1")); // V1-L05: "no role"
    assert_eq!(
        detail_ids(&app.no_tenant(), "").await,
        sorted(public.clone())
    ); // V1-L06
    assert_eq!(
        detail_ids(&admin_no_tenant, "").await,
        sorted(public.clone())
    ); // V1-L07
    assert_eq!(detail_ids(&admin_no_tenant, "?is_public=none").await, all); // V1-L08
    assert_eq!(
        detail_ids(&admin_no_tenant, "?is_public=true").await,
        sorted(public.clone())
    ); // V1-L09
    assert_eq!(
        detail_ids(&admin_no_tenant, "?is_public=false").await,
        sorted(private.clone())
    ); // V1-L10
    assert_eq!(detail_ids(&admin_tenant, "").await, with("admin")); // V1-L11
    assert_eq!(detail_ids(&admin_tenant, "?is_public=none").await, all); // V1-L12
    assert_eq!(
        detail_ids(&admin_tenant, "?is_public=true").await,
        with("admin")
    ); // V1-L13
    assert_eq!(
        detail_ids(&admin_tenant, "?is_public=false").await,
        sorted(private)
    ); // V1-L14
}

#[tokio::test]
async fn a2_test_filtered_images() {
    let app = spawn_app_with(|c| c.auth.mode = glint_api::AuthMode::Noauth).await;
    let admin = app.anonymous();
    let mut public = Vec::new();
    for name in ["a", "b", "c"] {
        public.push(create(&admin, name, None, &[("x-image-meta-is_public", "True")]).await);
    }
    let private = create(&admin, "d", None, &[("x-image-meta-is_public", "False")]).await;
    let all = sorted([public.clone(), vec![private.clone()]].concat());
    assert_eq!(detail_ids(&admin, "?is_public=None").await, all); // V1-L15
    assert_eq!(detail_ids(&admin, "?is_public=False").await, vec![private]); // V1-L15
    assert_eq!(detail_ids(&admin, "?is_public=True").await, sorted(public)); // V1-L15
    let response = send(admin.get("/v1/images/detail?is_public=imalittleteapot")).await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "is_public got imalittleteapot",
    )
    .await; // V1-L16
}

// ---------------------------------------------------------------------------------------------
// A.3 Glance unit `tests/unit/v1/test_api.py` (TestGlanceAPI). UUID2 = a public active image;
// the default identity is "no tenant, not admin".

#[tokio::test]
async fn a3_get_members_and_shared_images() {
    let app = spawn_app().await;
    let uuid2 = public_image(&app).await;
    let anyone = app.no_tenant();
    assert_eq!(anyone.members(&uuid2).await, (StatusCode::OK, vec![])); // V1-U01
    let random = uuid::Uuid::new_v4().to_string();
    assert_eq!(app.admin().members(&random).await.0, StatusCode::NOT_FOUND); // V1-U04
    assert_eq!(anyone.shared_images("pattieblack").await, vec![]); // V1-U06
}

#[tokio::test]
async fn a3_add_member() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    let random = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-U05
    let response = send(
        app.no_tenant()
            .put(&format!("/v1/images/{uuid2}/members/pattieblack")),
    )
    .await;
    expect_error(response, StatusCode::UNAUTHORIZED, "No authenticated user").await; // V1-U13
    assert_eq!(
        admin.add_member(&random, "pattieblack", None).await,
        StatusCode::NOT_FOUND
    ); // V1-U14
    let body = json!({"member": {"can_share": true}});
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", Some(body)).await,
        StatusCode::NO_CONTENT
    ); // V1-U15
    assert_eq!(
        admin.members(&uuid2).await.1,
        rows(&[("pattieblack", true)])
    ); // V1-U15
}

#[tokio::test]
async fn a3_add_member_quota() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 0).await;
    let uuid2 = public_image(&app).await;
    let response = send(
        app.admin()
            .put(&format!("/v1/images/{uuid2}/members/pattieblack")),
    )
    .await;
    expect_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Attempted: 1, Maximum: 0",
    )
    .await; // V1-U16
    let app = spawn_app_with(|c| c.limits.image_member_quota = -1).await;
    let uuid2 = public_image(&app).await;
    assert_eq!(
        app.admin().add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-U17
}

#[tokio::test]
async fn a3_replace_members() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    let random = uuid::Uuid::new_v4().to_string();
    let one = json!([{"member_id": "pattieblack", "can_share": false}]);
    let response = send(
        app.no_tenant()
            .put(&format!("/v1/images/{uuid2}/members"))
            .json(&json!({"memberships": one})),
    )
    .await;
    expect_error(response, StatusCode::UNAUTHORIZED, "No authenticated user").await; // V1-U07
    assert_eq!(
        admin.replace_members(&random, one.clone()).await,
        StatusCode::NOT_FOUND
    ); // V1-U08
    let response = send(
        admin
            .put(&format!("/v1/images/{uuid2}/members"))
            .json(&json!({"image_memberships": {"member_id": "pattieblack"}})),
    )
    .await;
    expect_error(response, StatusCode::BAD_REQUEST, "memberships is required").await; // V1-U09 (D5)
    assert_eq!(
        admin.replace_members(&uuid2, one).await,
        StatusCode::NO_CONTENT
    ); // V1-U10, V1-U23
    assert_eq!(
        admin.members(&uuid2).await,
        (StatusCode::OK, rows(&[("pattieblack", false)]))
    ); // V1-U23
    let string_false = json!([{"member_id": "pattieblack", "can_share": "false"}]);
    assert_eq!(
        admin.replace_members(&uuid2, string_false).await,
        StatusCode::NO_CONTENT
    ); // V1-U12
    assert_eq!(
        admin.members(&uuid2).await.1,
        rows(&[("pattieblack", false)])
    ); // V1-U12: D2, false
}

#[tokio::test]
async fn a3_replace_members_quota() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 1).await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    assert_eq!(
        admin
            .replace_members(&uuid2, json!([{"member_id": "baz"}]))
            .await,
        StatusCode::NO_CONTENT
    ); // V1-U24
    let two = json!([{"member_id": "foo1"}, {"member_id": "foo2"}]);
    assert_eq!(
        admin.replace_members(&uuid2, two.clone()).await,
        StatusCode::PAYLOAD_TOO_LARGE
    ); // V1-U24
    assert_eq!(admin.members(&uuid2).await.1, rows(&[("baz", false)])); // V1-U24: unchanged
    let app = spawn_app_with(|c| c.limits.image_member_quota = -1).await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    assert_eq!(
        admin.replace_members(&uuid2, two).await,
        StatusCode::NO_CONTENT
    ); // V1-U25
    let body = json_body(send(admin.get(&format!("/v1/images/{uuid2}/members"))).await).await;
    assert_eq!(
        body,
        json!({"members": [{"member_id": "foo1", "can_share": false}, {"member_id": "foo2", "can_share": false}]})
    ); // V1-U25
}

#[tokio::test]
async fn a3_member_calls_on_a_deleted_image() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-U22
    assert_eq!(delete_image(&admin, &uuid2).await, StatusCode::OK); // V1-U20
    let deleted = format!("Image with identifier {uuid2} has been deleted.");
    let path = format!("/v1/images/{uuid2}/members");
    expect_error(
        send(admin.get(&path)).await,
        StatusCode::NOT_FOUND,
        &deleted,
    )
    .await; // V1-U20
    let response = send(admin.delete(&format!("{path}/pattieblack"))).await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-U21
    let response = send(
        admin
            .put(&path)
            .json(&json!({"memberships": [{"member_id": "pattieblack"}]})),
    )
    .await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-U22
    let response = send(admin.put(&format!("{path}/pattieblack"))).await;
    expect_error(response, StatusCode::NOT_FOUND, &deleted).await; // V1-U26
}

#[tokio::test]
async fn a3_delete_member() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    let random = uuid::Uuid::new_v4().to_string();
    admin.add_member(&uuid2, "pattieblack", None).await;
    let response = send(
        app.no_tenant()
            .delete(&format!("/v1/images/{uuid2}/members/pattieblack")),
    )
    .await;
    expect_error(response, StatusCode::UNAUTHORIZED, "No authenticated user").await; // V1-U27
    assert_eq!(
        admin.remove_member(&random, "pattieblack").await,
        StatusCode::NOT_FOUND
    ); // V1-U28
    let response = send(admin.delete(&format!("/v1/images/{uuid2}/members/test_user"))).await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "Membership could not be found",
    )
    .await; // V1-U29
    admin
        .add_member(
            &uuid2,
            "pattieblack",
            Some(json!({"member": {"can_share": true}})),
        )
        .await;
    let response = send(
        app.tenant("test1")
            .delete(&format!("/v1/images/{uuid2}/members/pattieblack")),
    )
    .await;
    expect_error(response, StatusCode::NOT_FOUND, "Forbidden").await; // V1-U30
    assert_eq!(
        admin.members(&uuid2).await.1,
        rows(&[("pattieblack", true)])
    ); // V1-U30: kept
}

// ---------------------------------------------------------------------------------------------
// A.4 Glance unit `tests/unit/v1/test_registry_api.py` (registry 403 → public API 404, §3).

#[tokio::test]
async fn a4_registry_get_members_and_shared_images() {
    let app = spawn_app().await;
    let uuid2 = public_image(&app).await;
    assert_eq!(
        app.tenant(OTHER).members(&uuid2).await,
        (StatusCode::OK, vec![])
    ); // V1-R01
    let random = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        app.tenant(OTHER).members(&random).await.0,
        StatusCode::NOT_FOUND
    ); // V1-R02
    let private = app.tenant(OWNER).create_image_id("private", None).await;
    let response = send(
        app.tenant(OTHER)
            .get(&format!("/v1/images/{private}/members")),
    )
    .await;
    expect_error(response, StatusCode::NOT_FOUND, "not found").await; // V1-R03
    assert_eq!(app.tenant(OTHER).shared_images("pattieblack").await, vec![]); // V1-R04
}

#[tokio::test]
async fn a4_registry_replace_members() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    let path = format!("/v1/images/{uuid2}/members");
    let response = send(app.no_tenant().put(&path).json(&json!({"memberships": []}))).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED); // V1-R05
    let random = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        admin.replace_members(&random, json!([])).await,
        StatusCode::NOT_FOUND
    ); // V1-R06
    admin.add_member(&uuid2, "test1", None).await;
    let response = send(
        admin
            .put(&path)
            .json(&json!({"image_memberships": {"member_id": "test2"}})),
    )
    .await;
    expect_error(response, StatusCode::BAD_REQUEST, "memberships").await; // V1-R07 (D5)
    let response = send(
        app.tenant("test1")
            .put(&path)
            .json(&json!({"memberships": [{"member_id": "test2"}]})),
    )
    .await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "No permission to share that image",
    )
    .await; // V1-R08 (403 → 404)
    let list = json!([{"member_id": "test2", "can_share": true}]);
    assert_eq!(
        admin.replace_members(&uuid2, list).await,
        StatusCode::NO_CONTENT
    ); // V1-R09
    assert_eq!(admin.members(&uuid2).await.1, rows(&[("test2", true)])); // V1-R09
    let response = send(
        admin
            .put(&path)
            .json(&json!({"memberships": {"member_id": "test3"}})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V1-R10 (D5: an array is required)
    let list = json!([{"member_id": "test2", "can_share": false}]);
    assert_eq!(
        admin.replace_members(&uuid2, list).await,
        StatusCode::NO_CONTENT
    ); // V1-R11
    assert_eq!(admin.members(&uuid2).await.1, rows(&[("test2", false)])); // V1-R11
    admin.add_member(&uuid2, "test1", None).await;
    admin.remove_member(&uuid2, "test1").await;
    let list = json!([{"member_id": "test1"}]);
    assert_eq!(
        admin.replace_members(&uuid2, list).await,
        StatusCode::NO_CONTENT
    ); // V1-R12
    assert_eq!(admin.members(&uuid2).await.1, rows(&[("test1", false)])); // V1-R12: one live row
}

#[tokio::test]
async fn a4_registry_add_and_delete_member() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    let random = uuid::Uuid::new_v4().to_string();
    let path = format!("/v1/images/{uuid2}/members");
    assert_eq!(
        app.no_tenant().add_member(&uuid2, "test1", None).await,
        StatusCode::UNAUTHORIZED
    ); // V1-R13
    let body = json!({"member": {"can_share": true}});
    assert_eq!(
        admin.add_member(&uuid2, "test1", Some(body)).await,
        StatusCode::NO_CONTENT
    ); // V1-R14
    assert_eq!(
        admin.add_member(&random, "test1", None).await,
        StatusCode::NOT_FOUND
    ); // V1-R15
    let response = send(app.tenant(OTHER).put(&format!("{path}/test2"))).await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "No permission to share that image",
    )
    .await; // V1-R16 (403 → 404)
    let response = send(
        admin
            .put(&format!("{path}/test1"))
            .json(&json!({"member": [{"can_share": true}]})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V1-R17 (D1)
    assert_eq!(
        app.no_tenant().remove_member(&uuid2, "test1").await,
        StatusCode::UNAUTHORIZED
    ); // V1-R18
    let response = send(admin.delete(&format!("{path}/nobody"))).await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "Membership could not be found",
    )
    .await; // V1-R19
    assert_eq!(
        admin.remove_member(&random, "test1").await,
        StatusCode::NOT_FOUND
    ); // V1-R20
    let response = send(app.tenant(OTHER).delete(&format!("{path}/test1"))).await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "No permission to share that image",
    )
    .await; // V1-R21 (403 → 404)
    // V1-R22: add, delete, add again with can_share → one live member with the new value.
    let image = app.tenant(OWNER).create_image_id("r22", None).await;
    let owner = app.tenant(OWNER);
    owner.add_member(&image, MEMBER, None).await;
    assert_eq!(owner.members(&image).await.1, rows(&[(MEMBER, false)])); // V1-R22
    owner.remove_member(&image, MEMBER).await;
    assert_eq!(owner.members(&image).await.1, vec![]); // V1-R22
    owner
        .add_member(&image, MEMBER, Some(json!({"can_share": true})))
        .await;
    assert_eq!(owner.members(&image).await.1, rows(&[(MEMBER, true)])); // V1-R22 (D6)
}

#[tokio::test]
async fn a4_registry_routes() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let uuid1 = owner.create_image_id("uuid1", None).await;
    let response = send(owner.get(&format!("/v1/images/{uuid1}/members/123"))).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED); // V1-R23, X-01
    assert!(response.headers().get("allow").is_none()); // V1-R23 (public API), X-01
    assert_eq!(owner.members(&uuid1).await.0, StatusCode::OK); // V1-R24
    let response = send(owner.get(&format!("/v1/images/{uuid1}/members.xxx"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V1-R24
}

#[tokio::test]
async fn a4_registry_is_image_sharable() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", None).await;
    assert_eq!(
        app.admin().add_member(&image, "t1", None).await,
        StatusCode::NO_CONTENT
    ); // V1-R25
    assert_eq!(
        owner.add_member(&image, "t2", None).await,
        StatusCode::NO_CONTENT
    ); // V1-R26
    let public = public_image(&app).await; // visible to OUTSIDER, not shared with it
    assert_eq!(
        app.tenant(OUTSIDER).add_member(&public, "t3", None).await,
        StatusCode::NOT_FOUND
    ); // V1-R27
    owner
        .add_member(&image, SHARER, Some(json!({"can_share": true})))
        .await;
    owner.add_member(&image, MEMBER, None).await;
    assert_eq!(
        app.tenant(SHARER).add_member(&image, "t4", None).await,
        StatusCode::NO_CONTENT
    ); // V1-R28
    assert_eq!(
        app.tenant(MEMBER).add_member(&image, "t5", None).await,
        StatusCode::NOT_FOUND
    ); // V1-R29
    assert_eq!(
        app.no_tenant().add_member(&public, "t6", None).await,
        StatusCode::UNAUTHORIZED
    ); // V1-R30
}

// ---------------------------------------------------------------------------------------------
// A.5 Glance unit `tests/unit/v1/test_registry_client.py`

#[tokio::test]
async fn a5_registry_client() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uuid2 = public_image(&app).await;
    assert_eq!(admin.members(&uuid2).await, (StatusCode::OK, vec![])); // V1-C01
    let random = uuid::Uuid::new_v4().to_string();
    assert_eq!(admin.members(&random).await.0, StatusCode::NOT_FOUND); // V1-C02
    assert_eq!(admin.shared_images("pattieblack").await, vec![]); // V1-C03
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-C04
    let wire = json!([{"member_id": "pattieblack2"}]);
    assert_eq!(
        admin.replace_members(&uuid2, wire).await,
        StatusCode::NO_CONTENT
    ); // V1-C04
    assert_eq!(
        admin.members(&uuid2).await.1,
        rows(&[("pattieblack2", false)])
    ); // V1-C04
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-C05
    assert_eq!(
        admin.remove_member(&uuid2, "pattieblack").await,
        StatusCode::NO_CONTENT
    ); // V1-C05
}

// ---------------------------------------------------------------------------------------------
// A.6 Tempest v1 (`tempest/api/image/v1/`): private images with data, add body `{"member": {}}`.

#[tokio::test]
async fn a6_tempest_image_members() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let alt = app.tenant(MEMBER);
    let first = tempest_image(&owner).await;
    let second = tempest_image(&owner).await;
    let empty = Some(json!({"member": {}}));
    assert_eq!(
        owner.add_member(&first, MEMBER, empty.clone()).await,
        StatusCode::NO_CONTENT
    ); // V1-T01
    assert_eq!(owner.members(&first).await.1, rows(&[(MEMBER, false)])); // V1-T01
    assert_eq!(
        send(alt.get(&format!("/v1/images/{first}"))).await.status(),
        StatusCode::OK
    ); // V1-T01
    owner.add_member(&second, MEMBER, empty).await;
    let shared: Vec<String> = alt
        .shared_images(MEMBER)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(sorted(shared), sorted(vec![first.clone(), second.clone()])); // V1-T02
    assert_eq!(
        owner.remove_member(&first, MEMBER).await,
        StatusCode::NO_CONTENT
    ); // V1-T03
    assert_eq!(owner.members(&first).await.1, vec![]); // V1-T03
    assert_eq!(
        send(alt.get(&format!("/v1/images/{first}"))).await.status(),
        StatusCode::NOT_FOUND
    ); // V1-T03
}

#[tokio::test]
async fn a6_tempest_image_members_negative() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let random = uuid::Uuid::new_v4().to_string();
    let body = Some(json!({"member": {}}));
    assert_eq!(
        owner.add_member(&random, MEMBER, body).await,
        StatusCode::NOT_FOUND
    ); // V1-T04
    assert_eq!(
        owner.remove_member(&random, MEMBER).await,
        StatusCode::NOT_FOUND
    ); // V1-T05
    let image = tempest_image(&owner).await;
    assert_eq!(
        owner.remove_member(&image, MEMBER).await,
        StatusCode::NOT_FOUND
    ); // V1-T06
    let response = send(app.tenant(MEMBER).get(&format!("/v1/images/{image}"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V1-T07
}

#[tokio::test]
async fn a6_tempest_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let private = [("x-image-meta-is_public", "False")];
    // V1-T08: register, then upload.
    let id = create(&owner, "registered", None, &private).await;
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("content-type", "application/octet-stream")
            .body(vec![b'x'; 1024]),
    )
    .await;
    let image = json_body(response).await["image"].clone();
    assert_eq!(image["is_public"], false); // V1-T08
    assert_eq!(image["status"], "active"); // V1-T08
    // V1-T08: min_ram.
    let image = create_json(
        &owner,
        &[
            ("x-image-meta-is_public", "False"),
            ("x-image-meta-min_ram", "40"),
        ],
    )
    .await;
    assert_eq!(
        (image["is_public"].clone(), image["min_ram"].clone()),
        (json!(false), json!(40))
    ); // V1-T08
    // V1-T08 (remote / http location): not applicable, glint refuses external sources.
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-is_public", "False")
            .header("x-image-meta-location", "http://example.com/someimage.iso"),
    )
    .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "External sources are not supported",
    )
    .await; // V1-T08
    // V1-T09: invalid formats on create.
    for (name, value) in [
        ("x-image-meta-container_format", "wrong"),
        ("x-image-meta-disk_format", "wrong"),
    ] {
        let response = send(owner.post("/v1/images").header(name, value)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}"); // V1-T09
    }
    // V1-T09: delete of a non-existent, blank, malformed (`!@#$%^&*()`, percent-encoded) or
    // over-long id.
    let missing = uuid::Uuid::new_v4().to_string();
    let malformed = "%21%40%23%24%25%5E%26%2A%28%29";
    for id in [missing.as_str(), "", malformed, &"a".repeat(37)] {
        let response = send(owner.delete(&format!("/v1/images/{id}"))).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{id:?}"); // V1-T09
    }
}

// ---------------------------------------------------------------------------------------------
// A.7 Database layer `glance/tests/functional/db/base.py` (through the v1 API).

#[tokio::test]
async fn a7_membership_visibility() {
    let app = spawn_app().await;
    let (owner1, owner2) = (app.tenant("owner1"), app.tenant("owner2"));
    let image1 = owner1.create_image_id("o1", None).await;
    let image2 = owner2.create_image_id("o2", None).await;
    for (owner, image) in [(&owner1, &image1), (&owner2, &image2)] {
        owner.add_member(image, "user1", None).await;
        owner.add_member(image, "user2", None).await;
    }
    let ids = |v: Vec<(String, bool)>| sorted(v.into_iter().map(|(id, _)| id).collect());
    assert_eq!(
        ids(owner1.shared_images("user1").await),
        vec![image1.clone()]
    ); // DB-01
    assert_eq!(
        ids(app.tenant("user1").shared_images("user1").await),
        sorted(vec![image1.clone(), image2.clone()])
    ); // DB-02
    assert_eq!(
        ids(app.tenant("user2").shared_images("user1").await),
        Vec::<String>::new()
    ); // DB-03
    assert_eq!(
        ids(app.admin().shared_images("user1").await),
        sorted(vec![image1.clone(), image2])
    ); // DB-04
    let both = rows(&[("user1", false), ("user2", false)]);
    assert_eq!(owner1.members(&image1).await.1, both); // DB-05
    assert_eq!(app.admin().members(&image1).await.1, both); // DB-05
    assert_eq!(
        app.tenant("user1").members(&image1).await.1,
        rows(&[("user1", false)])
    ); // DB-06
    assert_eq!(
        app.tenant("user2").members(&image1).await.1,
        rows(&[("user2", false)])
    ); // DB-06
    // DB-06 for a member with `can_share`: D7 lets a sharer see the whole list.
    owner1
        .add_member(&image1, "user1", Some(json!({"can_share": true})))
        .await;
    let both_sharer = rows(&[("user1", true), ("user2", false)]);
    assert_eq!(app.tenant("user1").members(&image1).await.1, both_sharer); // DB-06 (D7)
    assert_eq!(
        app.tenant("user3").members(&image1).await.0,
        StatusCode::NOT_FOUND
    ); // DB-07 (not visible)
    let public = public_image(&app).await;
    app.admin().add_member(&public, "user1", None).await;
    assert_eq!(app.tenant("user3").members(&public).await.1, vec![]); // DB-07 (visible, no rows)
}

#[tokio::test]
async fn a7_driver_member_rows() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 1).await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", None).await;
    assert_eq!(
        app.tenant(MEMBER).head_status(&image).await,
        StatusCode::NOT_FOUND
    );
    owner.add_member(&image, MEMBER, None).await;
    assert_eq!(owner.members(&image).await.1, rows(&[(MEMBER, false)])); // DB-10: can_share false
    assert_eq!(app.tenant(MEMBER).head_status(&image).await, StatusCode::OK); // DB-09
    owner
        .add_member(&image, MEMBER, Some(json!({"can_share": true})))
        .await;
    assert_eq!(owner.members(&image).await.1, rows(&[(MEMBER, true)])); // DB-10: update
    owner.remove_member(&image, MEMBER).await;
    assert_eq!(owner.members(&image).await.1, vec![]); // DB-10: delete hides the row
    assert_eq!(
        app.tenant(MEMBER).head_status(&image).await,
        StatusCode::NOT_FOUND
    ); // DB-09
    // DB-10: the count ignores deleted rows (quota 1, one deleted row).
    assert_eq!(
        owner.add_member(&image, OTHER, None).await,
        StatusCode::NO_CONTENT
    ); // DB-10
}

// ---------------------------------------------------------------------------------------------
// Part C, v1 rows.

#[tokio::test]
async fn c_x01_x02_member_routes_405() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", None).await;
    let response = send(owner.get(&format!("/v1/images/{image}/members/{MEMBER}"))).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers().get("allow").is_none());
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "The method GET is not allowed for this resource.",
    )
    .await;
    let response = send(owner.post(&format!("/v1/images/{image}/members"))).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, PUT");
}

#[tokio::test]
async fn c_x03_to_x07_bodies() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", None).await;
    owner
        .add_member(
            &image,
            "x3",
            Some(json!({"member": {"can_share": "false"}})),
        )
        .await;
    assert_eq!(owner.members(&image).await.1, rows(&[("x3", false)])); // D2 (Glance: true)
    let flat = json!({"member_id": "x4", "can_share": true});
    assert_eq!(
        owner.add_member(&image, "x4", Some(flat)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.members(&image).await.1,
        rows(&[("x3", false), ("x4", true)])
    ); // D1 (Glance: false)
    let response = send(
        owner
            .put(&format!("/v1/images/{image}/members"))
            .json(&json!({"member_id": "x5"})),
    )
    .await;
    expect_error(response, StatusCode::BAD_REQUEST, "memberships is required").await; // D5 (Glance: 204)
    assert_eq!(owner.members(&image).await.1.len(), 2); // unchanged
    assert_eq!(
        owner
            .replace_members(&image, json!([{"member_id": "x4"}]))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&image).await.1, rows(&[("x4", true)])); // stays true
    owner.remove_member(&image, "x4").await;
    assert_eq!(
        owner
            .replace_members(&image, json!([{"member_id": "x4"}]))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&image).await.1, rows(&[("x4", false)])); // D4 (Glance: revived true)
}

#[tokio::test]
async fn c_x08_to_x10_who_may_share() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let public = public_image(&app).await;
    let response = send(
        app.tenant(OUTSIDER)
            .put(&format!("/v1/images/{public}/members/{OTHER}")),
    )
    .await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "No permission to share that image",
    )
    .await;
    let image = owner.create_image_id("img", None).await;
    owner.add_member(&image, MEMBER, None).await;
    owner
        .add_member(&image, SHARER, Some(json!({"can_share": true})))
        .await;
    let member = app.tenant(MEMBER);
    assert_eq!(
        member.add_member(&image, OTHER, None).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member.remove_member(&image, SHARER).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member.remove_member(&image, MEMBER).await,
        StatusCode::NOT_FOUND
    ); // X-09 (D7: every change)
    assert_eq!(
        app.tenant(OTHER).head_status(&image).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.tenant(SHARER).add_member(&image, OTHER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.tenant(OTHER).head_status(&image).await, StatusCode::OK);
}

#[tokio::test]
async fn c_x11_update_at_quota() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 2).await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", None).await;
    owner
        .replace_members(&image, json!([{"member_id": MEMBER}, {"member_id": OTHER}]))
        .await;
    let body = Some(json!({"member": {"can_share": true}}));
    assert_eq!(
        owner.add_member(&image, MEMBER, body).await,
        StatusCode::NO_CONTENT
    ); // D8 (Glance: 413)
    assert_eq!(
        owner.members(&image).await.1,
        rows(&[(MEMBER, true), (OTHER, false)])
    );
    assert_eq!(
        owner.add_member(&image, "third", None).await,
        StatusCode::PAYLOAD_TOO_LARGE
    ); // new ones count
}

#[tokio::test]
async fn c_x12_shared_images_by_another_owner() {
    let app = spawn_app().await;
    let (o, p) = (app.tenant(OWNER), app.tenant(OTHER));
    let mine = o.create_image_id("mine", None).await;
    let theirs = p.create_image_id("theirs", None).await;
    o.add_member(&mine, MEMBER, None).await;
    p.add_member(&theirs, MEMBER, None).await;
    assert_eq!(
        o.shared_images(MEMBER).await,
        rows(&[(mine.as_str(), false)])
    );
}

#[tokio::test]
async fn c_x13_x14_guards() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let public = public_image(&app).await;
    let response = send(
        app.anonymous()
            .put(&format!("/v1/images/{public}/members/{MEMBER}")),
    )
    .await;
    expect_error(response, StatusCode::FORBIDDEN, "Read-only access").await;
    let anonymous = app.anonymous();
    let response = send(
        anonymous
            .put(&format!("/v1/images/{public}/members"))
            .json(&json!({"memberships": []})),
    )
    .await;
    expect_error(response, StatusCode::FORBIDDEN, "Read-only access").await; // X-13 (replace)
    let response = send(anonymous.delete(&format!("/v1/images/{public}/members/{MEMBER}"))).await;
    expect_error(response, StatusCode::FORBIDDEN, "Read-only access").await; // X-13 (remove)
    // an anonymous caller lists public images only, even while a shared image has a member.
    let shared = app.tenant(OWNER).create_image_id("shared", None).await;
    app.tenant(OWNER).add_member(&shared, MEMBER, None).await;
    assert_eq!(anonymous.list_ids("").await, vec![public.clone()]); // D10, D18
    let response = send(
        app.tenant(OWNER)
            .put(&format!("/v1/images/{public}/members/{MEMBER}"))
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Malformed JSON in request body.",
    )
    .await;
}

#[tokio::test]
async fn c_x15_x16_x24_lists() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let shared = owner.create_image_id("shared", None).await;
    let private = owner.create_image_id("private", None).await;
    let public = public_image(&app).await;
    owner.add_member(&shared, MEMBER, None).await; // v2 status pending: v1 ignores it
    let member = app.tenant(MEMBER);
    assert_eq!(
        sorted(member.list_ids("").await),
        sorted(vec![shared.clone(), public.clone()])
    );
    assert_eq!(member.head_status(&shared).await, StatusCode::OK);
    assert_eq!(
        sorted(member.list_ids("?is_public=false").await),
        sorted(member.list_ids("").await)
    );
    assert_eq!(
        sorted(owner.list_ids("?is_public=false").await),
        sorted(vec![shared.clone(), private, public.clone()])
    );
    assert_eq!(app.no_tenant().list_ids("").await, vec![public.clone()]); // D10
    assert_eq!(caller(&app, None, true).list_ids("").await, vec![public]); // D10 (admin as user)
}

// ---------------------------------------------------------------------------------------------
// Helpers for this file.

fn rows(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(m, c)| ((*m).to_owned(), *c)).collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// A trusted-headers caller of project `tenant` (or none), admin or `member`.
fn caller<'a>(app: &'a TestApp, tenant: Option<&str>, admin: bool) -> Caller<'a> {
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
async fn create_json(who: &Caller<'_>, headers: &[(&str, &str)]) -> Value {
    create_with(who, "img", None, headers).await
}

async fn create_with(
    who: &Caller<'_>,
    name: &str,
    data: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> Value {
    let mut request = who
        .post("/v1/images")
        .header("x-image-meta-name", name)
        .header("x-image-meta-disk_format", "raw")
        .header("x-image-meta-container_format", "bare");
    for (header, value) in headers {
        request = request.header(*header, *value);
    }
    if let Some(data) = data {
        request = request
            .header("content-type", "application/octet-stream")
            .body(data.to_vec());
    }
    let response = send(request).await;
    assert_eq!(response.status(), StatusCode::CREATED, "create {name}");
    json_body(response).await["image"].clone()
}

/// Creates an image and returns its id.
async fn create(
    who: &Caller<'_>,
    name: &str,
    data: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> String {
    id_of(&create_with(who, name, data, headers).await)
}

/// A public active image (UUID2 of Glance's unit tests), owned by OWNER, created by an admin.
async fn public_image(app: &TestApp) -> String {
    let headers = [
        ("x-image-meta-is_public", "true"),
        ("x-image-meta-owner", OWNER),
    ];
    create(&app.admin(), "uuid2", Some(b"data"), &headers).await
}

/// A Tempest v1 image: private, bare/raw, with data.
async fn tempest_image(owner: &Caller<'_>) -> String {
    create(
        owner,
        "tempest",
        Some(b"tempest data"),
        &[("x-image-meta-is_public", "False")],
    )
    .await
}

async fn delete_image(who: &Caller<'_>, id: &str) -> StatusCode {
    send(who.delete(&format!("/v1/images/{id}"))).await.status()
}

/// `x-image-meta-owner` of `HEAD /v1/images/{id}` (asserting 200), `Null` when absent.
async fn owner_of(who: &Caller<'_>, id: &str) -> Value {
    let response = send(who.request(Method::HEAD, &format!("/v1/images/{id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    match response.headers().get("x-image-meta-owner") {
        Some(v) => json!(v.to_str().expect("ascii")),
        None => Value::Null,
    }
}

/// Sorted ids of `GET /v1/images/detail{query}`.
async fn detail_ids(who: &Caller<'_>, query: &str) -> Vec<String> {
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

async fn json_body(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = text(response).await;
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json body")
}

// ---------------------------------------------------------------------------------------------
// DECISIONS that change the outcome of calls the inventory exercises.

#[tokio::test]
async fn decisions_on_inventory_calls() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", Some(b"data")).await;
    // V1-U06 / V1-C03 route with other methods: D12.
    let response = send(owner.head("/v1/shared-images/pattieblack")).await;
    assert_eq!(response.status(), StatusCode::OK); // D12
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let response = send(owner.request(method.clone(), "/v1/shared-images/pattieblack")).await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        ); // D12
        assert_eq!(response.headers()["allow"], "GET, HEAD"); // D12
    }
    let response = send(owner.get("/v1/shared-images/pattieblack").json(&json!({}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9/D12 clarification
    // V1-F01 with member ids at and over the limit: D19.
    let longest = "m".repeat(255);
    assert_eq!(
        owner.add_member(&image, &longest, None).await,
        StatusCode::NO_CONTENT
    ); // D19
    let too_long = "m".repeat(256);
    assert_eq!(
        owner.add_member(&image, &too_long, None).await,
        StatusCode::BAD_REQUEST
    ); // D19
    let list = json!([{"member_id": too_long}]);
    assert_eq!(
        owner.replace_members(&image, list).await,
        StatusCode::BAD_REQUEST
    ); // D19
    // V1-U27 / V1-R18 / V1-U01 with an unexpected body: D9 (Glance 500).
    let path = format!("/v1/images/{image}/members");
    let response = send(owner.delete(&format!("{path}/{longest}")).json(&json!({}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9
    let response = send(owner.get(&path).json(&json!({}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9
    let response = send(owner.put(&path)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9: replace without a body
    let response = send(owner.put(&path).json(&json!([{"member_id": MEMBER}]))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9: array body
    let response = send(
        owner
            .put(&format!("{path}/{MEMBER}"))
            .json(&json!({"member": null})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9: `member` not an object
    // V1-T01 (a member may GET the image) — but not change it: D11.
    owner.add_member(&image, MEMBER, None).await;
    let member = app.tenant(MEMBER);
    let response = send(
        member
            .put(&format!("/v1/images/{image}"))
            .header("x-image-meta-name", "x"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // D11
    let response = send(member.delete(&format!("/v1/images/{image}"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // D11
    assert_eq!(member.head_status(&image).await, StatusCode::OK); // D11: still there
    // X-03 with other string spellings and non-boolean values: D2.
    let body = Some(json!({"member": {"can_share": "FALSE"}}));
    assert_eq!(
        owner.add_member(&image, MEMBER, body).await,
        StatusCode::NO_CONTENT
    ); // D2
    for value in [json!(null), json!(""), json!("yes"), json!(1)] {
        let body = Some(json!({"member": {"can_share": value}}));
        assert_eq!(
            owner.add_member(&image, MEMBER, body).await,
            StatusCode::BAD_REQUEST,
            "{value}"
        ); // D2
    }
    // V1-U25 with a duplicate id: D5 (last entry wins), D6 (one row).
    let list = json!([{"member_id": "dup", "can_share": true}, {"member_id": "dup"}]);
    assert_eq!(
        owner.replace_members(&image, list).await,
        StatusCode::NO_CONTENT
    ); // D5
    assert_eq!(owner.members(&image).await.1, rows(&[("dup", false)])); // D5, D6
}
