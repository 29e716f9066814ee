//! v2-sharing §8: v1 and v2 share one membership table (DECISIONS D15).

use super::*;
use reqwest::StatusCode as S;
use serde_json::json;

/// A member added through v1 is a pending v2 member; the v1 `can_share` flag means nothing to
/// v2 (a v1 sharer cannot add members through v2).
#[tokio::test]
async fn v1_members_are_pending_v2_members() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("v1", Some(b"data")).await;
    assert_eq!(owner.add_member(&id, MEMBER, None).await, S::NO_CONTENT);
    assert_eq!(
        owner
            .add_member(&id, SHARER, Some(json!({"member": {"can_share": true}})))
            .await,
        S::NO_CONTENT
    );
    assert_eq!(
        owner.v2_members(&id).await,
        (S::OK, pending(&[MEMBER, SHARER]))
    );
    assert_eq!(
        app.tenant(MEMBER).v2_members(&id).await,
        (S::OK, pending(&[MEMBER]))
    );
    // The sharer is an ordinary member in v2.
    assert_eq!(
        app.tenant(SHARER).v2_members(&id).await,
        (S::OK, pending(&[SHARER]))
    );
    expect(
        app.tenant(SHARER)
            .post(&format!("/v2/images/{id}/members"))
            .json(&json!({"member": OTHER})),
        S::FORBIDDEN,
        "You are not authorized to complete add_member action.",
    )
    .await;
    // The v1 member accepts through v2.
    let response = app
        .tenant(MEMBER)
        .v2_set_member_status(&id, MEMBER, "accepted")
        .await;
    assert_eq!(response.status(), S::OK);
    // ... which v1 does not see: its rows keep their `can_share`.
    assert_eq!(
        owner.members(&id).await,
        (
            S::OK,
            vec![(MEMBER.to_owned(), false), (SHARER.to_owned(), true)]
        )
    );
}

/// v2-created members are ordinary v1 members with `can_share` false, whatever their status.
#[tokio::test]
async fn v2_members_are_usable_from_v1() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let response = app
        .tenant(OTHER)
        .v2_set_member_status(&id, OTHER, "rejected")
        .await;
    assert_eq!(response.status(), S::OK);
    assert_eq!(
        app.tenant(OWNER).members(&id).await,
        (
            S::OK,
            vec![(MEMBER.to_owned(), false), (OTHER.to_owned(), false)]
        )
    );
    for member in [MEMBER, OTHER] {
        let caller = app.tenant(member);
        assert_eq!(caller.head_status(&id).await, S::OK, "{member}");
        // v1 lists ignore the v2 status.
        assert!(caller.list_ids("").await.contains(&id), "{member}");
        assert_eq!(
            caller.shared_images(member).await,
            vec![(id.clone(), false)]
        );
        // v2 status changes do not give v1 sharing rights.
        assert_eq!(caller.add_member(&id, SHARER, None).await, S::NOT_FOUND);
    }
    // v1 can remove a v2 member, and v2 sees it gone.
    assert_eq!(
        app.tenant(OWNER).remove_member(&id, OTHER).await,
        S::NO_CONTENT
    );
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER]));
}

/// Removal and re-adding across the versions: the member comes back `pending` with its first
/// `created_at` (§8 last row, Q2).
#[tokio::test]
async fn re_adding_across_versions_reuses_the_membership() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    let first: serde_json::Value = owner
        .v2_show_member(&id, MEMBER)
        .await
        .json()
        .await
        .expect("json");
    let response = app
        .tenant(MEMBER)
        .v2_set_member_status(&id, MEMBER, "accepted")
        .await;
    assert_eq!(response.status(), S::OK);
    assert_eq!(owner.remove_member(&id, MEMBER).await, S::NO_CONTENT);
    assert_eq!(owner.add_member(&id, MEMBER, None).await, S::NO_CONTENT);
    let again: serde_json::Value = owner
        .v2_show_member(&id, MEMBER)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["status"], "pending");
    assert_eq!(again["created_at"], first["created_at"]);
    assert_eq!(
        owner.v2_remove_member(&id, MEMBER).await.status(),
        S::NO_CONTENT
    );
    assert_eq!(
        owner
            .replace_members(&id, json!([{"member_id": MEMBER}, {"member_id": OTHER}]))
            .await,
        S::NO_CONTENT
    );
    let third: serde_json::Value = owner
        .v2_show_member(&id, MEMBER)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(third["created_at"], first["created_at"]);
}

/// A v1 `is_public=false` update makes the image `shared`, so v2 may then add members to it.
#[tokio::test]
async fn v1_is_public_false_makes_an_image_shared() {
    let app = spawn_app().await;
    let id = app
        .create_public_image(OWNER, "public", Some(b"data"))
        .await;
    let owner = app.tenant(OWNER);
    assert_eq!(
        owner.v2_add_member(&id, MEMBER).await.status(),
        S::FORBIDDEN
    );
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-is_public", "false"),
    )
    .await;
    assert_eq!(response.status(), S::OK);
    owner.v2_add_member_ok(&id, MEMBER).await;
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER]));
}

/// v1 may add members to a v2-`private` image (D15, v1-sharing Q9); they do not see the image
/// and v2 member calls on it are refused, until it is `shared` again (here through v1).
#[tokio::test]
async fn v1_members_of_a_private_image_wait_for_it_to_be_shared() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("private", "private").await;
    assert_eq!(owner.add_member(&id, MEMBER, None).await, S::NO_CONTENT);
    assert_eq!(
        owner.members(&id).await,
        (S::OK, vec![(MEMBER.to_owned(), false)])
    );
    let member = app.tenant(MEMBER);
    assert_eq!(member.head_status(&id).await, S::NOT_FOUND);
    expect(
        member.get(&format!("/v2/images/{id}/members")),
        S::NOT_FOUND,
        &format!("Image {id} not found."),
    )
    .await;
    expect(
        owner.get(&format!("/v2/images/{id}/members")),
        S::FORBIDDEN,
        "Only shared images have members.",
    )
    .await;
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-is_public", "false"),
    )
    .await;
    assert_eq!(response.status(), S::OK);
    assert_eq!(member.head_status(&id).await, S::OK);
    assert_eq!(member.v2_members(&id).await, (S::OK, pending(&[MEMBER])));
}
