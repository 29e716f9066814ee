//! Glance unit `tests/unit/v1/test_api.py` (A.3), the rows that set a policy rule to allow (`@`)
//! or deny (`!`) through a policy file. A v1 denial is 403 with WebOb's default body
//! (v1-images §1.4). UUID2 = a public active image.

use super::{public_image, rows};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

const DENIED: &str = "Access was denied to this resource.";

#[tokio::test]
async fn a3_get_members_by_policy() {
    let app = spawn_app_with_policy("get_members: \"@\"\n").await;
    let uuid2 = public_image(&app).await;
    assert_eq!(
        app.no_tenant().members(&uuid2).await,
        (StatusCode::OK, vec![])
    ); // V1-U02

    let app = spawn_app_with_policy("get_members: \"!\"\n").await;
    let uuid2 = public_image(&app).await;
    let response = send(app.no_tenant().get(&format!("/v1/images/{uuid2}/members"))).await;
    expect_error(response, StatusCode::FORBIDDEN, DENIED).await; // V1-U03
    // Even an admin: the rule is `!`, not "admin or …".
    assert_eq!(app.admin().members(&uuid2).await.0, StatusCode::FORBIDDEN); // V1-U03
}

#[tokio::test]
async fn a3_replace_members_forbidden_by_policy() {
    let app = spawn_app_with_policy("modify_member: \"!\"\n").await;
    let uuid2 = public_image(&app).await;
    let one = json!([{"member_id": "pattieblack", "can_share": false}]);
    let response = send(
        app.admin()
            .put(&format!("/v1/images/{uuid2}/members"))
            .json(&json!({"memberships": one})),
    )
    .await;
    expect_error(response, StatusCode::FORBIDDEN, DENIED).await; // V1-U11
    assert_eq!(app.admin().members(&uuid2).await.1, vec![]); // V1-U11: nothing replaced
}

#[tokio::test]
async fn a3_add_member_by_policy() {
    let app = spawn_app_with_policy("modify_member: \"!\"\n").await;
    let uuid2 = public_image(&app).await;
    let response = send(
        app.admin()
            .put(&format!("/v1/images/{uuid2}/members/pattieblack")),
    )
    .await;
    expect_error(response, StatusCode::FORBIDDEN, DENIED).await; // V1-U18
    assert_eq!(app.admin().members(&uuid2).await.1, vec![]); // V1-U18

    let app = spawn_app_with_policy("modify_member: \"@\"\n").await;
    let uuid2 = public_image(&app).await;
    assert_eq!(
        app.admin().add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-U19
    assert_eq!(
        app.admin().members(&uuid2).await.1,
        rows(&[("pattieblack", false)])
    ); // V1-U19
}

#[tokio::test]
async fn a3_delete_member_by_policy() {
    let app = spawn_app_with_policy("delete_member: \"@\"\n").await;
    let uuid2 = public_image(&app).await;
    let admin = app.admin();
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-U31
    assert_eq!(
        admin.remove_member(&uuid2, "pattieblack").await,
        StatusCode::NO_CONTENT
    ); // V1-U31

    let app = spawn_app_with_policy("delete_member: \"!\"\n").await;
    let uuid2 = public_image(&app).await;
    let admin = app.admin();
    assert_eq!(
        admin.add_member(&uuid2, "pattieblack", None).await,
        StatusCode::NO_CONTENT
    ); // V1-U32
    let response = send(admin.delete(&format!("/v1/images/{uuid2}/members/pattieblack"))).await;
    expect_error(response, StatusCode::FORBIDDEN, DENIED).await; // V1-U32
    assert_eq!(
        admin.members(&uuid2).await.1,
        rows(&[("pattieblack", false)])
    ); // V1-U32: still there
}
