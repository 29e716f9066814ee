//! The v2 rows that set member rules (and `get_image`) through a policy file: B.2
//! `test_member_api_policy.py::TestImageMembersPolicy`, B.4 `test_image_members_resource.py`
//! and V2-I06. Glance's tests change the rules of a running server; glint reads them at
//! start-up, so each row sets its images up under the default policy and asks a second server,
//! over the same database and store, started with the row's rules.

use super::{image_of, member_ids, member_status, status_json, user};
use crate::helpers::*;
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;
use serde_json::json;

const T1: &str = "tenant1";
const T2: &str = "tenant2";
const T3: &str = "tenant3";
const T4: &str = "tenant4";

/// `You are not authorized to complete <rule> action.` with 403.
async fn denied(response: reqwest::Response, rule: &str) {
    let needle = format!("You are not authorized to complete {rule} action.");
    expect_v2_error(response, StatusCode::FORBIDDEN, &needle).await;
}

/// A shared image of T1 with T3 as a (pending) member, under the default policy.
async fn shared_with_t3(app: &TestApp) -> String {
    let image = image_of(app, T1, "shared").await;
    user(app, T1).v2_add_member_ok(&image, T3).await;
    image
}

// ---------------------------------------------------------------------------------------------
// B.2 `TestImageMembersPolicy`.

#[tokio::test]
async fn b2_add_member_by_policy() {
    let setup = spawn_app().await;
    let image = image_of(&setup, T1, "shared").await;
    let app = spawn_app_like_with_policy(&setup, "add_member: \"!\"\nget_image: \"@\"\n").await;
    denied(user(&app, T1).v2_add_member(&image, T3).await, "add_member").await; // V2-P02
    let app = spawn_app_like_with_policy(&setup, "add_member: \"!\"\nget_image: \"!\"\n").await;
    let response = user(&app, T1).v2_add_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-P03
    assert!(member_ids(&user(&setup, T1), &image).await.is_empty()); // V2-P02, V2-P03
}

#[tokio::test]
async fn b2_update_member_by_policy() {
    let setup = spawn_app().await;
    let image = shared_with_t3(&setup).await;
    let app = spawn_app_like_with_policy(&setup, "modify_member: \"!\"\nget_image: \"@\"\n").await;
    let response = user(&app, T3)
        .v2_set_member_status(&image, T3, "accepted")
        .await;
    denied(response, "modify_member").await; // V2-P05
    let app = spawn_app_like_with_policy(
        &setup,
        "modify_member: \"!\"\nget_image: \"!\"\nget_member: \"@\"\n",
    )
    .await;
    let response = user(&app, T2)
        .v2_set_member_status(&image, T3, "accepted")
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-P06
    let response = user(&setup, T3).v2_show_member(&image, T3).await;
    assert_eq!(member_status(response).await, "pending"); // V2-P05, V2-P06
}

#[tokio::test]
async fn b2_list_members_by_policy() {
    let setup = spawn_app().await;
    let image = shared_with_t3(&setup).await;
    let app = spawn_app_like_with_policy(&setup, "get_members: \"!\"\nget_image: \"@\"\n").await;
    let (status, _) = user(&app, T1).v2_members(&image).await;
    assert_eq!(status, StatusCode::FORBIDDEN); // V2-P08
    let response = send(user(&app, T1).get(&format!("/v2/images/{image}/members"))).await;
    denied(response, "get_members").await; // V2-P08
    let app = spawn_app_like_with_policy(&setup, "get_members: \"!\"\nget_image: \"!\"\n").await;
    let (status, _) = user(&app, T1).v2_members(&image).await;
    assert_eq!(status, StatusCode::NOT_FOUND); // V2-P09
    let app = spawn_app_like_with_policy(&setup, "get_members: \"@\"\nget_member: \"!\"\n").await;
    let response = send(user(&app, T1).get(&format!("/v2/images/{image}/members"))).await;
    assert_eq!(
        status_json(response).await,
        (
            StatusCode::OK,
            json!({"members": [], "schema": "/v2/schemas/members"})
        )
    ); // V2-P10
}

#[tokio::test]
async fn b2_show_member_by_policy() {
    let setup = spawn_app().await;
    let image = shared_with_t3(&setup).await;
    let app = spawn_app_like_with_policy(&setup, "get_member: \"!\"\n").await;
    let response = user(&app, T1).v2_show_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-P12
    let response = user(&setup, T1).v2_show_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-P12: the default allows
}

#[tokio::test]
async fn b2_delete_member_by_policy() {
    let setup = spawn_app().await;
    let image = shared_with_t3(&setup).await;
    let app = spawn_app_like_with_policy(&setup, "delete_member: \"!\"\n").await;
    denied(
        user(&app, T1).v2_remove_member(&image, T3).await,
        "delete_member",
    )
    .await; // V2-P14
    let app = spawn_app_like_with_policy(
        &setup,
        "delete_member: \"!\"\nget_image: \"!\"\nget_member: \"@\"\n",
    )
    .await;
    let response = user(&app, T1).v2_remove_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-P15
    assert_eq!(
        member_ids(&user(&setup, T1), &image).await,
        vec![T3.to_owned()]
    ); // V2-P14, P15
}

// ---------------------------------------------------------------------------------------------
// V2-I06 `test_member_additions_works_for_owning_tenant_id`.

#[tokio::test]
async fn i06_add_member_for_the_owning_project() {
    let app = spawn_app_with_policy("add_member: \"project_id:%(owner)s\"\n").await;
    let image = image_of(&app, T1, "shared").await;
    let response = user(&app, T1).v2_add_member(&image, T3).await;
    assert_eq!(member_status(response).await, "pending"); // V2-I06
    // T3 sees the image (it is a member) but does not own it.
    denied(user(&app, T3).v2_add_member(&image, T2).await, "add_member").await; // V2-I06
}

// ---------------------------------------------------------------------------------------------
// B.4 `TestImageMembersController`, the rules set to deny.

#[tokio::test]
async fn b4_rules_set_to_deny() {
    let setup = spawn_app().await;
    let image = image_of(&setup, T1, "shared").await;
    user(&setup, T1).v2_add_member_ok(&image, T4).await;

    let app = spawn_app_like_with_policy(&setup, "get_members: \"!\"\n").await;
    let (status, _) = user(&app, T1).v2_members(&image).await;
    assert_eq!(status, StatusCode::FORBIDDEN); // V2-U07 (forbidden)

    let app = spawn_app_like_with_policy(&setup, "add_member: \"!\"\n").await;
    denied(user(&app, T1).v2_add_member(&image, T3).await, "add_member").await; // V2-U12

    let app = spawn_app_like_with_policy(&setup, "modify_member: \"!\"\n").await;
    let response = user(&app, T4)
        .v2_set_member_status(&image, T4, "accepted")
        .await;
    denied(response, "modify_member").await; // V2-U17

    let app = spawn_app_like_with_policy(&setup, "get_member: \"!\"\n").await;
    let response = user(&app, T1).v2_remove_member(&image, T4).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U26 (get_member denies)
    let app = spawn_app_like_with_policy(&setup, "delete_member: \"!\"\n").await;
    denied(
        user(&app, T1).v2_remove_member(&image, T4).await,
        "delete_member",
    )
    .await; // V2-U26
    assert_eq!(
        member_ids(&user(&setup, T1), &image).await,
        vec![T4.to_owned()]
    ); // V2-U26
}
