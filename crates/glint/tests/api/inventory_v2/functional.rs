//! Glance functional tests (B.1–B.3): the member lifecycle with image lists, the member API with
//! the default policy, and image lists involving sharing.

use super::{
    VISIBILITIES, image_of, list, member_ids, member_status, no_project, ownerless, persona,
    sorted, status_json, user,
};
use crate::helpers::*;
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;
use std::collections::HashMap;

const T1: &str = "tenant1";
const T2: &str = "tenant2";
const T3: &str = "tenant3";
const T4: &str = "tenant4";
/// The project of `TestApp::admin()`.
const ADMIN: &str = "admin-project";

/// `<owner>-<visibility>` → id for owners tenant1, tenant2 and admin.
async fn lifecycle_fixture(app: &TestApp) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    for owner in [T1, T2, ADMIN] {
        for visibility in ["community", "private", "public", "shared"] {
            let id = image_of(app, owner, visibility).await;
            ids.insert(format!("{owner}-{visibility}"), id);
        }
    }
    ids
}

// ---------------------------------------------------------------------------------------------
// B.1 `test_image_members.py::TestImageMembers::test_image_member_lifecycle`, quota 10.

#[tokio::test]
async fn b1_image_member_lifecycle() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 10).await;
    let (t1, t2, t3) = (user(&app, T1), user(&app, T2), user(&app, T3));
    assert!(t1.v2_list_ids("").await.is_empty()); // V2-F01
    let ids = lifecycle_fixture(&app).await;
    let id = |name: &str| ids[name].clone();
    let publics = sorted(vec![
        id("tenant1-public"),
        id("tenant2-public"),
        id("admin-project-public"),
    ]);
    let mut expected = publics.clone();
    expected.extend(["tenant1-community", "tenant1-private", "tenant1-shared"].map(id));
    assert_eq!(list(&t1, "").await, sorted(expected)); // V2-F02
    assert_eq!(list(&t3, "").await, publics); // V2-F03

    let shared = id("tenant1-shared");
    let (status, member) = status_json(t1.v2_add_member(&shared, T3).await).await;
    assert_eq!(status, StatusCode::OK); // V2-F04
    for key in ["image_id", "member_id", "created_at", "updated_at"] {
        assert!(member.get(key).is_some(), "{key} in {member}"); // V2-F04
    }
    assert_eq!(member["status"], "pending"); // V2-F04

    let mut with_shared = publics.clone();
    with_shared.push(shared.clone());
    let with_shared = sorted(with_shared);
    assert_eq!(list(&t3, "").await, publics); // V2-F05
    assert!(t3.v2_list_ids("?visibility=shared").await.is_empty()); // V2-F06
    assert_eq!(list(&t3, "?member_status=pending").await, with_shared); // V2-F07
    assert_eq!(list(&t3, "?member_status=all").await, with_shared); // V2-F08
    assert_eq!(
        list(&t3, "?member_status=pending&visibility=shared").await,
        vec![shared.clone()]
    ); // V2-F09
    for status in ["rejected", "accepted"] {
        let query = format!("?member_status={status}&visibility=shared");
        assert!(t3.v2_list_ids(&query).await.is_empty(), "{query}"); // V2-F10, V2-F11
    }
    assert!(t3.v2_list_ids("?visibility=private").await.is_empty()); // V2-F12
    assert!(member_ids(&t2, &id("tenant2-shared")).await.is_empty()); // V2-F13

    let response = t1.v2_set_member_status(&shared, T3, "accepted").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-F14
    assert_eq!(
        member_status(t1.v2_show_member(&shared, T3).await).await,
        "pending"
    ); // V2-F15
    assert_eq!(
        member_status(t3.v2_show_member(&shared, T3).await).await,
        "pending"
    ); // V2-F16
    let response = t2.v2_show_member(&shared, T3).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-F17
    let response = t3.v2_set_member_status(&shared, T3, "accepted").await;
    assert_eq!(member_status(response).await, "accepted"); // V2-F18
    assert_eq!(list(&t3, "").await, with_shared); // V2-F19
    let response = t3.v2_set_member_status(&shared, T3, "invalid-status").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V2-F20
    // V2-F21 with `/file` (staging is import: not supported): the member may not upload.
    assert_eq!(t3.v2_upload(&shared, b"data").await, StatusCode::FORBIDDEN); // V2-F21
    assert_eq!(t1.v2_upload(&shared, b"data").await, StatusCode::NO_CONTENT); // V2-F21
    let response = t1.v2_set_member_status(&shared, T3, "accepted").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-F22

    let response = t2.v2_add_member(&id("tenant2-shared"), T4).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-F23
    for visibility in ["public", "private", "community"] {
        let response = t1
            .v2_add_member(&id(&format!("tenant1-{visibility}")), T4)
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{visibility}"); // V2-F24
    }
    assert_eq!(member_ids(&t1, &shared).await, vec![T3.to_owned()]); // V2-F25
    let t1_admin = persona(&app, T1, "admin");
    assert_eq!(member_ids(&t1_admin, &shared).await, vec![T3.to_owned()]); // V2-F26
    let (status, _) = t1.v2_members(&id("tenant2-shared")).await;
    assert_eq!(status, StatusCode::NOT_FOUND); // V2-F27
    for visibility in ["public", "community", "private"] {
        let image = id(&format!("tenant1-{visibility}"));
        let response = send(t1.get(&format!("/v2/images/{image}/members"))).await;
        expect_v2_error(
            response,
            StatusCode::FORBIDDEN,
            "Only shared images have members",
        )
        .await; // V2-F28
    }
    let response = t3.v2_remove_member(&shared, T3).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-F29
    let response = t1.v2_remove_member(&shared, T3).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-F30
    assert!(member_ids(&t1, &shared).await.is_empty()); // V2-F30

    for _ in 0..10 {
        let random = uuid::Uuid::new_v4().simple().to_string();
        let response = t1.v2_add_member(&shared, &random).await;
        assert_eq!(response.status(), StatusCode::OK); // V2-F31
    }
    let response = t1.v2_add_member(&shared, "eleventh").await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE); // V2-F32
    for visibility in ["public", "community", "private"] {
        let image = id(&format!("tenant1-{visibility}"));
        let response = t1.v2_show_member(&image, T3).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{visibility}"); // V2-F33
        let response = t1.v2_remove_member(&image, T3).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{visibility}"); // V2-F34
    }
}

// ---------------------------------------------------------------------------------------------
// B.2 `test_member_api_policy.py::TestImageMembersPolicy`, default policy only (the rows that
// need a policy file are listed in mod.rs).

#[tokio::test]
async fn b2_member_api_with_the_default_policy() {
    let app = spawn_app().await;
    let (owner, member) = (user(&app, T1), user(&app, T3));
    let image = owner.v2_create_id("shared-image", "shared").await;
    let response = owner.v2_add_member(&image, T3).await;
    assert_eq!(member_status(response).await, "pending"); // V2-P01
    let response = member.v2_set_member_status(&image, T3, "accepted").await;
    assert_eq!(member_status(response).await, "accepted"); // V2-P04
    assert_eq!(member_ids(&owner, &image).await, vec![T3.to_owned()]); // V2-P07
    let response = owner.v2_show_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-P11
    let response = owner.v2_remove_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-P13
    let response = owner.v2_show_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-P13
}

#[tokio::test]
async fn b2_image_sharing_not_allowed() {
    let app = spawn_app().await;
    let owner = user(&app, T1);
    for visibility in ["community", "private", "public"] {
        let image = image_of(&app, T1, visibility).await;
        let response = owner.v2_add_member(&image, T3).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{visibility}"); // V2-P16
    }
}

// ---------------------------------------------------------------------------------------------
// B.3 `test_images.py`: image lists involving sharing.

/// 16 images: owners admin / tenant1 / tenant2 / none × the four visibilities. Returns
/// `(owner or "none", visibility, id)`.
pub(super) async fn sixteen_images(app: &TestApp) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for visibility in VISIBILITIES {
        for owner in [ADMIN, T1, T2] {
            out.push((
                owner.to_owned(),
                visibility,
                image_of(app, owner, visibility).await,
            ));
        }
        out.push((
            "none".to_owned(),
            visibility,
            ownerless(app, visibility).await,
        ));
    }
    out
}

pub(super) fn ids_where(
    images: &[(String, &'static str, String)],
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<String> {
    sorted(
        images
            .iter()
            .filter(|(owner, visibility, _)| keep(owner, visibility))
            .map(|(_, _, id)| id.clone())
            .collect(),
    )
}

#[tokio::test]
async fn b3_image_visibility_to_different_users() {
    let app = spawn_app().await;
    let images = sixteen_images(&app).await;
    let of_visibility =
        |wanted: &'static str| ids_where(&images, move |_, visibility| visibility == wanted);

    let tenant1 = persona(&app, T1, "reader");
    let expected = ids_where(&images, |owner, v| v == "public" || owner == T1);
    assert_eq!(list(&tenant1, "").await, expected); // V2-I01
    assert_eq!(
        list(&tenant1, "?visibility=public").await,
        of_visibility("public")
    ); // V2-I02
    for visibility in ["private", "shared"] {
        let query = format!("?visibility={visibility}");
        let own = ids_where(&images, |owner, v| owner == T1 && v == visibility);
        assert_eq!(list(&tenant1, &query).await, own, "{query}"); // V2-I02
    }
    let query = "?visibility=community";
    assert_eq!(list(&tenant1, query).await, of_visibility("community")); // V2-I02

    let lonely = no_project(&app, "reader");
    assert_eq!(list(&lonely, "").await, of_visibility("public")); // V2-I03
    for (visibility, expected) in [
        ("public", of_visibility("public")),
        ("private", vec![]),
        ("shared", vec![]),
        ("community", of_visibility("community")),
    ] {
        let query = format!("?visibility={visibility}");
        assert_eq!(list(&lonely, &query).await, expected, "{query}"); // V2-I03
    }

    let admin_alone = no_project(&app, "admin,member,reader");
    let not_community = ids_where(&images, |_, v| v != "community");
    assert_eq!(list(&admin_alone, "").await, not_community); // V2-I04
    let admin = app.admin();
    let expected = ids_where(&images, |owner, v| v != "community" || owner == ADMIN);
    assert_eq!(list(&admin, "").await, expected); // V2-I05
    for visibility in VISIBILITIES {
        let query = format!("?visibility={visibility}");
        let all = of_visibility(visibility);
        assert_eq!(list(&admin_alone, &query).await, all, "{query}"); // V2-I04
        assert_eq!(list(&admin, &query).await, all, "{query}"); // V2-I05
    }
}

#[tokio::test]
async fn b3_member_additions_work_for_the_owning_tenant() {
    let app = spawn_app().await;
    let image = image_of(&app, T1, "shared").await;
    let response = user(&app, T1).v2_add_member(&image, T3).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-I06
}
