//! v2-sharing §2.2: the outcome table, one test per caller row, under secure RBAC (D16).

use super::*;
use reqwest::StatusCode as S;

fn denied(rule: &str) -> String {
    format!("You are not authorized to complete {rule} action.")
}

/// Owner O with the member role: 200 / 200 all / 200 / 403 / 204.
#[tokio::test]
async fn owner_adds_lists_shows_and_removes_but_cannot_set_status() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    let added = owner.v2_add_member_ok(&id, SHARER).await;
    assert_eq!(added["status"], "pending");
    assert_eq!(
        owner.v2_members(&id).await,
        (S::OK, pending(&[MEMBER, OTHER, SHARER]))
    );
    assert_eq!(owner.v2_show_member(&id, MEMBER).await.status(), S::OK);
    expect(
        owner
            .put(&format!("/v2/images/{id}/members/{MEMBER}"))
            .json(&serde_json::json!({"status": "accepted"})),
        S::FORBIDDEN,
        &denied("modify_member"),
    )
    .await;
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER, SHARER]));
    assert_eq!(
        owner.v2_remove_member(&id, SHARER).await.status(),
        S::NO_CONTENT
    );
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// Member M with the member role: 403 / 200 own row / 200 / 200 / 403.
#[tokio::test]
async fn member_sees_its_own_row_and_sets_its_status_only() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let member = app.tenant(MEMBER);
    expect(
        member
            .post(&format!("/v2/images/{id}/members"))
            .json(&serde_json::json!({"member": SHARER})),
        S::FORBIDDEN,
        &denied("add_member"),
    )
    .await;
    assert_eq!(member.v2_members(&id).await, (S::OK, pending(&[MEMBER])));
    assert_eq!(member.v2_show_member(&id, MEMBER).await.status(), S::OK);
    let response = member.v2_set_member_status(&id, MEMBER, "accepted").await;
    assert_eq!(response.status(), S::OK);
    expect(
        member.delete(&format!("/v2/images/{id}/members/{MEMBER}")),
        S::FORBIDDEN,
        &denied("delete_member"),
    )
    .await;
    assert_eq!(
        rows(&app, &id).await,
        vec![
            (MEMBER.to_owned(), "accepted".to_owned()),
            (OTHER.to_owned(), "pending".to_owned())
        ]
    );
}

/// Member M with the reader role only: 403 / 200 own row / 200 / 403 / 403.
#[tokio::test]
async fn reader_member_only_reads() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let reader = app.reader(MEMBER);
    expect(
        reader
            .post(&format!("/v2/images/{id}/members"))
            .json(&serde_json::json!({"member": SHARER})),
        S::FORBIDDEN,
        &denied("add_member"),
    )
    .await;
    assert_eq!(reader.v2_members(&id).await, (S::OK, pending(&[MEMBER])));
    assert_eq!(reader.v2_show_member(&id, MEMBER).await.status(), S::OK);
    expect(
        reader
            .put(&format!("/v2/images/{id}/members/{MEMBER}"))
            .json(&serde_json::json!({"status": "accepted"})),
        S::FORBIDDEN,
        &denied("modify_member"),
    )
    .await;
    expect(
        reader.delete(&format!("/v2/images/{id}/members/{MEMBER}")),
        S::FORBIDDEN,
        &denied("delete_member"),
    )
    .await;
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// Owner O with the reader role only: 403 / 200 all / 200 / 403 / 403.
#[tokio::test]
async fn reader_owner_only_reads() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let reader = app.reader(OWNER);
    expect(
        reader
            .post(&format!("/v2/images/{id}/members"))
            .json(&serde_json::json!({"member": SHARER})),
        S::FORBIDDEN,
        &denied("add_member"),
    )
    .await;
    assert_eq!(
        reader.v2_members(&id).await,
        (S::OK, pending(&[MEMBER, OTHER]))
    );
    assert_eq!(reader.v2_show_member(&id, OTHER).await.status(), S::OK);
    expect(
        reader
            .put(&format!("/v2/images/{id}/members/{MEMBER}"))
            .json(&serde_json::json!({"status": "accepted"})),
        S::FORBIDDEN,
        &denied("modify_member"),
    )
    .await;
    expect(
        reader.delete(&format!("/v2/images/{id}/members/{MEMBER}")),
        S::FORBIDDEN,
        &denied("delete_member"),
    )
    .await;
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// Member M on another member N's row: 404 for show, update and delete (secure RBAC).
#[tokio::test]
async fn member_cannot_reach_another_members_row() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let member = app.tenant(MEMBER);
    let missing = format!("{OTHER} not found in the member list of the image {id}.");
    let one = format!("/v2/images/{id}/members/{OTHER}");
    expect(member.get(&one), S::NOT_FOUND, &missing).await;
    expect(
        member
            .put(&one)
            .json(&serde_json::json!({"status": "rejected"})),
        S::NOT_FOUND,
        &missing,
    )
    .await;
    expect(member.delete(&one), S::NOT_FOUND, &missing).await;
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// Another project X, which cannot see the image: 404 `Image <id> not found.` everywhere.
#[tokio::test]
async fn other_project_gets_404_everywhere() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let outsider = app.tenant(SHARER);
    for (name, request) in five_calls(&outsider, &id, MEMBER) {
        let response = send(request).await;
        assert_eq!(response.status(), S::NOT_FOUND, "{name}");
        let body = text(response).await;
        assert!(
            body.contains(&format!("Image {id} not found.")),
            "{name}: {body}"
        );
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// An admin of any project: 200 / 200 all / 200 / 200 (anyone's status) / 204.
#[tokio::test]
async fn admin_may_do_everything() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let admin = app.admin();
    admin.v2_add_member_ok(&id, SHARER).await;
    assert_eq!(
        admin.v2_members(&id).await,
        (S::OK, pending(&[MEMBER, OTHER, SHARER]))
    );
    assert_eq!(admin.v2_show_member(&id, OTHER).await.status(), S::OK);
    let response = admin.v2_set_member_status(&id, OTHER, "rejected").await;
    assert_eq!(response.status(), S::OK);
    assert_eq!(
        admin.v2_remove_member(&id, MEMBER).await.status(),
        S::NO_CONTENT
    );
    assert_eq!(
        rows(&app, &id).await,
        vec![
            (OTHER.to_owned(), "rejected".to_owned()),
            (SHARER.to_owned(), "pending".to_owned())
        ]
    );
}

/// The five calls on a visible image that is not `shared`: 403 / 403 / 404 / 403 / 403 with
/// the per-call wording.
async fn assert_no_members(caller: &Caller<'_>, id: &str) {
    let expected = [
        (
            S::FORBIDDEN,
            format!("Not allowed to create members for image {id}."),
        ),
        (
            S::FORBIDDEN,
            format!("Not allowed to list members for image {id}: Only shared images have members."),
        ),
        (S::NOT_FOUND, "Only shared images have members.".to_owned()),
        (
            S::FORBIDDEN,
            format!("Not allowed to update members for image {id}."),
        ),
        (
            S::FORBIDDEN,
            format!("Not allowed to delete members for image {id}."),
        ),
    ];
    for ((name, request), (status, message)) in
        five_calls(caller, id, MEMBER).into_iter().zip(expected)
    {
        let response = send(request.header("accept", "text/plain")).await;
        assert_eq!(response.status(), status, "{name}");
        let body = text(response).await;
        assert!(body.contains(&message), "{name}: {body}");
    }
}

#[tokio::test]
async fn public_images_have_no_members() {
    let app = spawn_app().await;
    let id = app.create_public_image(OWNER, "public", None).await;
    assert_no_members(&app.tenant(OWNER), &id).await;
    assert_no_members(&app.tenant(SHARER), &id).await;
    assert_no_members(&app.admin(), &id).await;
}

#[tokio::test]
async fn private_and_community_images_have_no_members() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    for visibility in ["private", "community"] {
        let id = owner.v2_create_id(visibility, visibility).await;
        assert_no_members(&owner, &id).await;
        assert_no_members(&app.admin(), &id).await;
    }
}

/// Deleted or nonexistent images: 404 for everybody, admins included.
#[tokio::test]
async fn deleted_and_missing_images_are_404_for_everybody() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let deleted = send(app.tenant(OWNER).delete(&format!("/v1/images/{id}"))).await;
    assert_eq!(deleted.status(), S::OK);
    let missing = "00000000-0000-4000-8000-000000000000";
    for image in [id.as_str(), missing, "not-a-uuid"] {
        for caller in [app.tenant(OWNER), app.tenant(MEMBER), app.admin()] {
            for (name, request) in five_calls(&caller, image, MEMBER) {
                let response = send(request).await;
                assert_eq!(response.status(), S::NOT_FOUND, "{name} {image}");
                let body = text(response).await;
                assert!(
                    body.contains(&format!("Image {image} not found.")),
                    "{body}"
                );
            }
        }
    }
}

/// A caller with neither `reader` nor `member` fails policy `get_image`: a bare 404, whoever it
/// is (D16).
#[tokio::test]
async fn callers_without_reader_role_get_a_bare_404() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    for project in [OWNER, MEMBER] {
        let roleless = app.with_headers(vec![
            ("x-identity-status", "Confirmed".into()),
            ("x-tenant-id", project.into()),
            ("x-roles", "observer".into()),
        ]);
        for (name, request) in five_calls(&roleless, &id, MEMBER) {
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), S::NOT_FOUND, "{name}");
            let body = text(response).await;
            assert!(
                body.contains(BARE_404) && !body.contains("Image"),
                "{name}: {body}"
            );
        }
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// DECISIONS D10 clarification: a caller without a project cannot see a shared image (404) and
/// may not share a public one (403).
#[tokio::test]
async fn callers_without_a_project() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let lonely = app.no_tenant();
    for (name, request) in five_calls(&lonely, &id, MEMBER) {
        assert_eq!(send(request).await.status(), S::NOT_FOUND, "{name}");
    }
    let public = app.create_public_image(OWNER, "public", None).await;
    let response = lonely.v2_add_member(&public, MEMBER).await;
    assert_eq!(response.status(), S::FORBIDDEN);
}
