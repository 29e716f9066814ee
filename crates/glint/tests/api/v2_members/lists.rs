//! v2-sharing §4.2 (who sees which rows, in creation order), §5 (the member object: keys,
//! order, timestamp shape, 200 on create) and the member lifecycle (statuses, removal, Q2).

use super::*;
use reqwest::StatusCode as S;
use serde_json::Value;

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn is_v2_time(value: &Value) -> bool {
    let Some(s) = value.as_str() else {
        return false;
    };
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// §4.1 / §5.1: 200 (not 201), `application/json`, exactly Glance's keys in Glance's order,
/// with Python's separators (transcript srbac #13).
#[tokio::test]
async fn create_answers_200_with_the_member_object() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("shared", None).await;
    let response = owner.v2_add_member(&id, MEMBER).await;
    assert_eq!(response.status(), S::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let raw = text(response).await;
    let body: Value = serde_json::from_str(&raw).expect("json");
    let expected = format!(
        "{{\"member_id\": \"{MEMBER}\", \"image_id\": \"{id}\", \"status\": \"pending\", \
         \"created_at\": {}, \"updated_at\": {}, \"schema\": \"/v2/schemas/member\"}}",
        body["created_at"], body["updated_at"]
    );
    assert_eq!(raw, expected);
    assert!(
        is_v2_time(&body["created_at"]) && is_v2_time(&body["updated_at"]),
        "{raw}"
    );
    // Show answers the same object; the list wraps it.
    let shown = text(owner.v2_show_member(&id, MEMBER).await).await;
    assert_eq!(shown, raw);
    let listed = text(send(owner.get(&format!("/v2/images/{id}/members"))).await).await;
    assert_eq!(
        listed,
        format!("{{\"members\": [{raw}], \"schema\": \"/v2/schemas/members\"}}")
    );
}

/// §4.2 step 5: admins and the owner (any role) see every row in creation order; a member only
/// its own.
#[tokio::test]
async fn list_rows_depend_on_the_caller() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    app.tenant(OWNER).v2_add_member_ok(&id, SHARER).await;
    let all = pending(&[MEMBER, OTHER, SHARER]);
    for caller in [app.tenant(OWNER), app.reader(OWNER), app.admin()] {
        assert_eq!(caller.v2_members(&id).await, (S::OK, all.clone()));
    }
    for member in [MEMBER, OTHER, SHARER] {
        assert_eq!(
            app.tenant(member).v2_members(&id).await,
            (S::OK, pending(&[member]))
        );
        assert_eq!(
            app.reader(member).v2_members(&id).await,
            (S::OK, pending(&[member]))
        );
    }
    // An image shared with nobody lists nothing.
    let lonely = app.tenant(OWNER).create_image_id("nobody", None).await;
    assert_eq!(
        app.tenant(OWNER).v2_members(&lonely).await,
        (S::OK, Vec::new())
    );
}

/// The anti-spam statuses: only the member moves its own status, in any direction; the owner
/// sees every change; `updated_at` keeps the v2 shape.
#[tokio::test]
async fn member_statuses_move_freely_and_show_everywhere() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let member = app.tenant(MEMBER);
    for status in ["accepted", "rejected", "pending", "accepted"] {
        let response = member.v2_set_member_status(&id, MEMBER, status).await;
        assert_eq!(response.status(), S::OK);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], status);
        assert_eq!(body["member_id"], MEMBER);
        assert!(is_v2_time(&body["updated_at"]));
        let shown: Value = app
            .tenant(OWNER)
            .v2_show_member(&id, MEMBER)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(shown["status"], status);
    }
    assert_eq!(
        rows(&app, &id).await,
        vec![
            (MEMBER.to_owned(), "accepted".to_owned()),
            (OTHER.to_owned(), "pending".to_owned())
        ]
    );
}

/// §4.5: a removed member loses access at once and disappears from every list; its show is 404.
#[tokio::test]
async fn removed_member_loses_access() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let member = app.tenant(MEMBER);
    assert_eq!(member.head_status(&id).await, S::OK);
    assert_eq!(
        app.tenant(OWNER)
            .v2_remove_member(&id, MEMBER)
            .await
            .status(),
        S::NO_CONTENT
    );
    assert_eq!(member.head_status(&id).await, S::NOT_FOUND);
    assert!(!member.list_ids("").await.contains(&id));
    expect(
        member.get(&format!("/v2/images/{id}/members")),
        S::NOT_FOUND,
        &format!("Image {id} not found."),
    )
    .await;
    expect(
        app.tenant(OWNER)
            .get(&format!("/v2/images/{id}/members/{MEMBER}")),
        S::NOT_FOUND,
        &format!("{MEMBER} not found in the member list of the image {id}."),
    )
    .await;
    // Removing again: the row is gone.
    expect(
        app.tenant(OWNER)
            .delete(&format!("/v2/images/{id}/members/{MEMBER}")),
        S::NOT_FOUND,
        &format!("{MEMBER} not found in the member list of the image {id}."),
    )
    .await;
    assert_eq!(rows(&app, &id).await, pending(&[OTHER]));
}

/// Q2 (§4.1 step 9): a re-added member starts `pending` again and keeps its first
/// `created_at` (the database test `re_added_member_keeps_its_first_created_at` covers the
/// times with a controlled clock).
#[tokio::test]
async fn re_added_member_is_pending_again() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    let first: Value = owner
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
    assert_eq!(
        owner.v2_remove_member(&id, MEMBER).await.status(),
        S::NO_CONTENT
    );
    let again = owner.v2_add_member_ok(&id, MEMBER).await;
    assert_eq!(again["status"], "pending");
    assert_eq!(again["created_at"], first["created_at"]);
    // It now lists after OTHER: glint keeps the current creation order of live rows.
    assert_eq!(rows(&app, &id).await, pending(&[OTHER, MEMBER]));
}

/// Q7: the owner may add itself; the row exists but the owner cannot change its status.
#[tokio::test]
async fn owner_may_add_itself_but_not_accept() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    owner.v2_add_member_ok(&id, OWNER).await;
    expect(
        owner
            .put(&format!("/v2/images/{id}/members/{OWNER}"))
            .json(&serde_json::json!({"status": "accepted"})),
        S::FORBIDDEN,
        "You are not authorized to complete modify_member action.",
    )
    .await;
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER, OWNER]));
}

/// The anti-spam provision (§1.2, §6.2): a member (here added through v1) can use the image at
/// once whatever its status, but the image is in its default v2 list only once accepted; the
/// `member_status` filter shows the others; the owner's own images are never filtered.
#[tokio::test]
async fn the_member_lists_the_image_only_once_accepted() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("shared", Some(b"data")).await;
    assert_eq!(owner.add_member(&id, MEMBER, None).await, S::NO_CONTENT);
    let member = app.tenant(MEMBER);
    let lists = |status: &'static str| {
        let member = &member;
        let id = id.clone();
        async move {
            let mut shown = Vec::new();
            for query in [
                "",
                "?member_status=accepted",
                "?member_status=pending",
                "?member_status=rejected",
                "?member_status=all",
                "?visibility=shared",
            ] {
                if member.v2_list_ids(query).await.contains(&id) {
                    shown.push(query);
                }
            }
            let image = send(member.get(&format!("/v2/images/{id}"))).await;
            assert_eq!(
                image.status(),
                S::OK,
                "{status}: usable whatever the status"
            );
            shown
        }
    };
    assert_eq!(
        lists("pending").await,
        ["?member_status=pending", "?member_status=all"]
    );
    for (status, expected) in [
        (
            "accepted",
            vec![
                "",
                "?member_status=accepted",
                "?member_status=all",
                "?visibility=shared",
            ],
        ),
        (
            "rejected",
            vec!["?member_status=rejected", "?member_status=all"],
        ),
        (
            "pending",
            vec!["?member_status=pending", "?member_status=all"],
        ),
    ] {
        let response = member.v2_set_member_status(&id, MEMBER, status).await;
        assert_eq!(response.status(), S::OK);
        assert_eq!(lists(status).await, expected, "{status}");
    }
    for query in [
        "",
        "?member_status=rejected",
        "?visibility=shared&member_status=pending",
    ] {
        assert!(
            owner.v2_list_ids(query).await.contains(&id),
            "owner {query}"
        );
    }
}
