//! Part C v1 rows (X-01..X-16, X-24): code-derived member routes, bodies, guards and lists.

use super::{caller, public_image, rows, sorted};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
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
