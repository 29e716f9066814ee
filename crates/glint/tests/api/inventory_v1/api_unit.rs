//! Glance unit `tests/unit/v1/test_api.py` (A.3): member calls through the public v1 API.

use super::{delete_image, json_body, public_image, rows};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
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
