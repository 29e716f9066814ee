//! Part C, v2 rows (X-17..X-24): scenarios derived from Glance's code with no upstream test.

use super::{image_of, list, member_ids, member_status, no_project, status_json, user};
use crate::helpers::*;
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;
use serde_json::json;

const OWNER_P: &str = "tenant1";
const MEMBER_P: &str = "tenant2";

#[tokio::test]
async fn x17_quota_before_duplicate() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 2).await;
    let image = image_of(&app, OWNER_P, "shared").await;
    let owner = user(&app, OWNER_P);
    owner.v2_add_member_ok(&image, MEMBER_P).await;
    owner.v2_add_member_ok(&image, "tenant3").await;
    let response = owner.v2_add_member(&image, MEMBER_P).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn x18_re_added_member_is_pending_with_its_first_created_at() {
    let app = spawn_app().await;
    let image = image_of(&app, OWNER_P, "shared").await;
    let owner = user(&app, OWNER_P);
    let first = owner.v2_add_member_ok(&image, MEMBER_P).await;
    let response = user(&app, MEMBER_P)
        .v2_set_member_status(&image, MEMBER_P, "accepted")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = owner.v2_remove_member(&image, MEMBER_P).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let again = owner.v2_add_member_ok(&image, MEMBER_P).await;
    assert_eq!(again["status"], "pending");
    assert_eq!(again["created_at"], first["created_at"]);
}

#[tokio::test]
async fn x19_pending_and_rejected_members_get_and_download() {
    let app = spawn_app().await;
    let image = image_of(&app, OWNER_P, "shared").await;
    let owner = user(&app, OWNER_P);
    assert_eq!(
        owner.v2_upload(&image, b"bytes").await,
        StatusCode::NO_CONTENT
    );
    owner.v2_add_member_ok(&image, MEMBER_P).await;
    let member = user(&app, MEMBER_P);
    for status in ["pending", "rejected"] {
        if status == "rejected" {
            let response = member.v2_set_member_status(&image, MEMBER_P, status).await;
            assert_eq!(member_status(response).await, status);
        }
        let response = send(member.get(&format!("/v2/images/{image}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "{status}");
        let response = send(member.get(&format!("/v2/images/{image}/file"))).await;
        assert_eq!(response.status(), StatusCode::OK, "{status}");
        assert_eq!(text(response).await, "bytes");
    }
}

#[tokio::test]
async fn x20_owner_lists_shared_with_any_member_status() {
    let app = spawn_app().await;
    let owner = user(&app, OWNER_P);
    let mut shared = vec![
        image_of(&app, OWNER_P, "shared").await,
        image_of(&app, OWNER_P, "shared").await,
    ];
    shared.sort();
    owner.v2_add_member_ok(&shared[0], MEMBER_P).await;
    image_of(&app, OWNER_P, "private").await;
    let query = "?visibility=shared&member_status=rejected";
    assert_eq!(list(&owner, query).await, shared);
}

#[tokio::test]
async fn x21_shared_private_shared_keeps_the_membership() {
    let app = spawn_app().await;
    let image = image_of(&app, OWNER_P, "shared").await;
    let owner = user(&app, OWNER_P);
    owner.v2_add_member_ok(&image, MEMBER_P).await;
    let member = user(&app, MEMBER_P);
    let show = format!("/v2/images/{image}");
    for (visibility, expected) in [
        ("private", StatusCode::NOT_FOUND),
        ("shared", StatusCode::OK),
    ] {
        let patch = json!([{"op": "replace", "path": "/visibility", "value": visibility}]);
        assert_eq!(owner.v2_patch(&image, patch).await.status(), StatusCode::OK);
        let response = send(member.get(&show)).await;
        assert_eq!(response.status(), expected, "{visibility}");
    }
    assert_eq!(member_ids(&owner, &image).await, vec![MEMBER_P.to_owned()]);
}

#[tokio::test]
async fn x22_bodies_where_none_is_expected() {
    let app = spawn_app().await;
    let image = image_of(&app, OWNER_P, "shared").await;
    let owner = user(&app, OWNER_P);
    owner.v2_add_member_ok(&image, MEMBER_P).await;
    let members = format!("/v2/images/{image}/members");
    for request in [
        owner.get(&members),
        owner.delete(&format!("{members}/{MEMBER_P}")),
    ] {
        let response = send(request.json(&json!({"x": 1}))).await;
        let needle = "A body is not expected with this request.";
        expect_v2_error(response, StatusCode::BAD_REQUEST, needle).await;
    }
    assert_eq!(member_ids(&owner, &image).await, vec![MEMBER_P.to_owned()]);
}

#[tokio::test]
async fn x23_other_methods_are_405() {
    let app = spawn_app().await;
    let image = image_of(&app, OWNER_P, "shared").await;
    let owner = user(&app, OWNER_P);
    let members = format!("/v2/images/{image}/members");
    for (request, allow) in [
        (owner.put(&members), "GET, POST"),
        (
            owner.post(&format!("{members}/{MEMBER_P}")),
            "GET, PUT, DELETE",
        ),
    ] {
        let response = send(request).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], allow);
    }
}

#[tokio::test]
async fn x24_callers_without_a_project_do_not_list_shared_images() {
    let app = spawn_app().await;
    let image = image_of(&app, OWNER_P, "shared").await;
    user(&app, OWNER_P).v2_add_member_ok(&image, MEMBER_P).await;
    let public = image_of(&app, OWNER_P, "public").await;
    let lonely = no_project(&app, "member,reader");
    assert_eq!(list(&lonely, "").await, vec![public]); // X-24 (D10)
    let (status, _) = status_json(send(lonely.get(&format!("/v2/images/{image}"))).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND); // X-24 (D10)
}
