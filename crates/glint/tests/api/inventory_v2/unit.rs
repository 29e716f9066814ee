//! Glance unit tests (B.4 `test_image_members_resource.py`, B.5 other sharing-related unit
//! tests), expressed as the HTTP calls the controllers serve.

use super::{image_of, list, member_ids, member_status, status_json, user};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const T1: &str = "tenant1";
const T2: &str = "tenant2";
const T3: &str = "tenant3";
const T4: &str = "tenant4";

/// B.4's fixtures: `[UUID1, …, UUID5]`.
async fn fixtures(app: &TestApp) -> [String; 5] {
    let uuid1 = image_of(app, T1, "public").await;
    let uuid2 = image_of(app, T1, "shared").await;
    user(app, T1).v2_add_member_ok(&uuid2, T4).await;
    let uuid3 = image_of(app, T3, "shared").await;
    user(app, T3).v2_add_member_ok(&uuid3, T4).await;
    user(app, T3).v2_add_member_ok(&uuid3, T2).await;
    let uuid4 = image_of(app, T4, "shared").await;
    user(app, T4).v2_add_member_ok(&uuid4, T1).await;
    let uuid5 = image_of(app, T1, "shared").await;
    [uuid1, uuid2, uuid3, uuid4, uuid5]
}

fn ids(members: &[&str]) -> Vec<String> {
    members.iter().map(|m| (*m).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// B.4 `TestImageMembersController`.

#[tokio::test]
async fn b4_index() {
    let app = spawn_app().await;
    let [uuid1, uuid2, uuid3, uuid4, uuid5] = fixtures(&app).await;
    let t1 = user(&app, T1);
    assert_eq!(member_ids(&t1, &uuid2).await, ids(&[T4])); // V2-U01
    let response = send(t1.get(&format!("/v2/images/{uuid5}/members"))).await;
    assert_eq!(
        status_json(response).await.1,
        json!({"members": [], "schema": "/v2/schemas/members"})
    ); // V2-U02
    assert_eq!(member_ids(&user(&app, T4), &uuid3).await, ids(&[T4])); // V2-U03
    let (status, _) = user(&app, T2).v2_members(&uuid5).await;
    assert_eq!(status, StatusCode::NOT_FOUND); // V2-U04
    let (status, _) = t1.v2_members(&uuid1).await;
    assert_eq!(status, StatusCode::FORBIDDEN); // V2-U05
    assert_eq!(member_ids(&app.admin(), &uuid4).await, ids(&[T1])); // V2-U06
    assert_eq!(member_ids(&t1, &uuid2).await.len(), 1); // V2-U07 (allowed: default policy; denied in policy.rs)
}

#[tokio::test]
async fn b4_show() {
    let app = spawn_app().await;
    let [_, uuid2, uuid3, _, _] = fixtures(&app).await;
    for caller in [user(&app, T1), user(&app, T4)] {
        let (status, member) = status_json(caller.v2_show_member(&uuid2, T4).await).await;
        assert_eq!(status, StatusCode::OK); // V2-U08
        assert_eq!(
            (member["member_id"].clone(), member["status"].clone()),
            (json!(T4), json!("pending"))
        ); // V2-U08
    }
    let response = user(&app, T2).v2_show_member(&uuid2, T4).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-U09
    let response = user(&app, T2).v2_show_member(&uuid3, T4).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-U10
}

#[tokio::test]
async fn b4_create() {
    let app = spawn_app().await;
    let [uuid1, uuid2, _, uuid4, _] = fixtures(&app).await;
    let t1 = user(&app, T1);
    let (status, member) = status_json(t1.v2_add_member(&uuid2, T3).await).await;
    assert_eq!(status, StatusCode::OK); // V2-U11
    assert_eq!(
        (member["member_id"].clone(), member["image_id"].clone()),
        (json!(T3), json!(uuid2))
    ); // V2-U11
    let response = t1.v2_add_member(&uuid2, T3).await;
    assert_eq!(response.status(), StatusCode::CONFLICT); // V2-U13
    let response = t1.v2_add_member(&uuid2, "\u{1f693}").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V2-U15
    let response = t1.v2_add_member(&uuid4, T2).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U21
    let response = t1.v2_add_member(&uuid1, T2).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U22
    let response = t1.v2_add_member("fake-image-id", T2).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-U23
    assert_eq!(member_ids(&t1, &uuid2).await, ids(&[T4, T3]));
}

#[tokio::test]
async fn b4_create_over_and_without_a_limit() {
    for (quota, expected) in [(0, StatusCode::PAYLOAD_TOO_LARGE), (-1, StatusCode::OK)] {
        let app = spawn_app_with(|c| c.limits.image_member_quota = quota).await;
        let image = image_of(&app, T1, "shared").await;
        let response = user(&app, T1).v2_add_member(&image, T3).await;
        assert_eq!(response.status(), expected, "quota {quota}"); // V2-U14, V2-O01
    }
    // V2-O01: quota 1 with no member yet: allowed.
    let app = spawn_app_with(|c| c.limits.image_member_quota = 1).await;
    let image = image_of(&app, T1, "shared").await;
    let response = user(&app, T1).v2_add_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-O01
}

#[tokio::test]
async fn b4_update() {
    let app = spawn_app().await;
    let [_, uuid2, _, _, _] = fixtures(&app).await;
    let (t1, t4) = (user(&app, T1), user(&app, T4));
    let response = t4.v2_set_member_status(&uuid2, T4, "accepted").await;
    assert_eq!(member_status(response).await, "accepted"); // V2-U16
    let response = t1.v2_set_member_status(&uuid2, T4, "accepted").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U18
    let response = t4.v2_set_member_status("123", T4, "accepted").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-U19
    let response = t4.v2_set_member_status(&uuid2, T4, "accept").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V2-U20
    let response = t4.v2_show_member(&uuid2, T4).await;
    assert_eq!(member_status(response).await, "accepted");
}

#[tokio::test]
async fn b4_delete() {
    let app = spawn_app().await;
    let [uuid1, uuid2, _, uuid4, uuid5] = fixtures(&app).await;
    let (t1, t4) = (user(&app, T1), user(&app, T4));
    let response = t4.v2_remove_member(&uuid2, T4).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U25
    assert_eq!(member_ids(&t1, &uuid2).await, ids(&[T4])); // V2-U25
    let response = t1.v2_remove_member(&uuid2, T4).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-U24, V2-U26 (allowed)
    assert_eq!(text(response).await, ""); // V2-U24
    assert!(member_ids(&t1, &uuid2).await.is_empty()); // V2-U24
    let response = t1.v2_remove_member(&uuid4, T1).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U27
    let response = t1.v2_remove_member(&uuid1, T4).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-U28
    let response = t1.v2_remove_member("fake-image-id", T4).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-U29
    let response = t1.v2_remove_member(&uuid5, T4).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-U29
}

// ---------------------------------------------------------------------------------------------
// B.4 `TestImageMembersSerializer` / `TestImagesDeserializer`.

fn is_v2_time(value: &Value) -> bool {
    let raw = value.as_str().unwrap_or_default();
    raw.len() == 20
        && raw.ends_with('Z')
        && raw.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == 'Z',
            _ => c.is_ascii_digit(),
        })
}

fn assert_member_object(member: &Value) {
    let mut keys: Vec<&str> = member
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let expected = [
        "created_at",
        "image_id",
        "member_id",
        "schema",
        "status",
        "updated_at",
    ];
    assert_eq!(keys, expected); // V2-U30
    assert_eq!(member["schema"], "/v2/schemas/member"); // V2-U30
    assert!(is_v2_time(&member["created_at"]), "{member}"); // V2-U30
    assert!(is_v2_time(&member["updated_at"]), "{member}"); // V2-U30
}

async fn json_response(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    ); // V2-U30
    status_json(response).await.1
}

#[tokio::test]
async fn b4_serializer() {
    let app = spawn_app().await;
    let image = image_of(&app, T1, "shared").await;
    let (owner, member) = (user(&app, T1), user(&app, T4));
    assert_member_object(&json_response(owner.v2_add_member(&image, T4).await).await); // V2-U30
    assert_member_object(&json_response(owner.v2_show_member(&image, T4).await).await); // V2-U30
    let updated = member.v2_set_member_status(&image, T4, "accepted").await;
    assert_member_object(&json_response(updated).await); // V2-U30
    let listed = json_response(send(owner.get(&format!("/v2/images/{image}/members"))).await).await;
    assert_eq!(listed["schema"], "/v2/schemas/members"); // V2-U30
    assert_member_object(&listed["members"][0]); // V2-U30
}

#[tokio::test]
async fn b4_deserializer() {
    let app = spawn_app().await;
    let image = image_of(&app, T1, "shared").await;
    let owner = user(&app, T1);
    let (_, member) = status_json(owner.v2_add_member(&image, "123").await).await;
    assert_eq!(member["member_id"], "123"); // V2-U31
    let members = format!("/v2/images/{image}/members");
    for body in [
        json!({"not_member": "x"}),
        json!({"member": ""}),
        json!(["123"]),
    ] {
        let response = send(owner.post(&members).json(&body)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}"); // V2-U32
    }
    let response = send(owner.post(&members)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V2-U32
    let response = user(&app, "123")
        .v2_set_member_status(&image, "123", "accepted")
        .await;
    assert_eq!(member_status(response).await, "accepted"); // V2-U33
    let one = format!("{members}/123");
    let caller = user(&app, "123");
    for body in [json!({"not_status": "accepted"}), json!(["accepted"])] {
        let response = send(caller.put(&one).json(&body)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}"); // V2-U34
    }
    let response = send(caller.put(&one)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V2-U34
    assert_eq!(member_ids(&owner, &image).await, vec!["123".to_owned()]);
}

// ---------------------------------------------------------------------------------------------
// B.5 other unit tests (V2-O01 is with V2-U14 above).

#[tokio::test]
async fn b5_member_repo() {
    let app = spawn_app().await;
    let image = image_of(&app, T1, "shared").await;
    let owner = user(&app, T1);
    let response = owner.v2_add_member(&image, T4).await;
    assert_eq!(member_status(response).await, "pending"); // V2-O02
    let response = owner.v2_add_member(&image, T4).await;
    assert_eq!(response.status(), StatusCode::CONFLICT); // V2-O03
    let (_, before) = status_json(owner.v2_show_member(&image, T4).await).await;
    let response = user(&app, T4)
        .v2_set_member_status(&image, T4, "accepted")
        .await;
    assert_eq!(response.status(), StatusCode::OK); // V2-O04
    let (_, after) = status_json(owner.v2_show_member(&image, T4).await).await;
    assert_eq!(after["status"], "accepted"); // V2-O04
    assert_eq!(
        (after["image_id"].clone(), after["created_at"].clone()),
        (before["image_id"].clone(), before["created_at"].clone())
    ); // V2-O04
    let response = owner.v2_remove_member(&image, T4).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-O05
    assert!(member_ids(&owner, &image).await.is_empty()); // V2-O05
    let response = owner.v2_remove_member(&image, T4).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-O05
}

#[tokio::test]
async fn b5_list_shared_and_by_member_status() {
    let app = spawn_app().await;
    let owner = user(&app, T1);
    let mut others = Vec::new();
    for visibility in ["public", "private", "community"] {
        others.push(image_of(&app, T1, visibility).await);
    }
    let shared = image_of(&app, T1, "shared").await;
    assert_eq!(
        list(&owner, "?visibility=shared").await,
        vec![shared.clone()]
    ); // V2-O06
    owner.v2_add_member_ok(&shared, T2).await;
    owner.v2_add_member_ok(&shared, T3).await;
    let response = user(&app, T3)
        .v2_set_member_status(&shared, T3, "accepted")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // The public image is listed by everybody; community images are not in default lists.
    assert_eq!(list(&user(&app, T2), "").await, vec![others[0].clone()]); // V2-O07
    let mut with_shared = vec![others[0].clone(), shared.clone()];
    with_shared.sort();
    assert_eq!(list(&user(&app, T3), "").await, with_shared); // V2-O07
}
