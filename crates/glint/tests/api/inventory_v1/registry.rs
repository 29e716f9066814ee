//! Glance registry unit tests (A.4 `test_registry_api.py`, A.5 `test_registry_client.py`).

use super::{public_image, rows};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
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
