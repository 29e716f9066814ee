//! Glance functional v1 member tests (A.1 `test_api.py` member steps, A.2 legacy `test_v1_api.py`).

use super::{caller, create, delete_image, detail_ids, owner_of, rows, sorted};
use crate::helpers::*;
use reqwest::StatusCode;
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
