//! Tags (`PUT/DELETE /v2/images/{id}/tags/{tag}`), deactivate/reactivate and delete.

use crate::helpers::{MEMBER, OWNER, send, spawn_app};
use crate::v2_client::expect_v2_error as expect_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn show(app: &crate::helpers::TestApp, id: &str) -> Value {
    send(app.tenant(OWNER).get(&format!("/v2/images/{id}")))
        .await
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn tags_are_added_once_and_removed() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("tags", "private").await;
    for tag in ["b", "a", "b"] {
        let status = send(owner.put(&format!("/v2/images/{id}/tags/{tag}")))
            .await
            .status();
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(show(&app, &id).await["tags"], json!(["a", "b"]));
    let status = send(owner.delete(&format!("/v2/images/{id}/tags/a")))
        .await
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(show(&app, &id).await["tags"], json!(["b"]));
    expect_error(
        send(owner.delete(&format!("/v2/images/{id}/tags/a"))).await,
        StatusCode::NOT_FOUND,
        "The resource could not be found.",
    )
    .await;
    let long = "t".repeat(256);
    expect_error(
        send(owner.put(&format!("/v2/images/{id}/tags/{long}"))).await,
        StatusCode::BAD_REQUEST,
        "is too long",
    )
    .await;
    // Members may not tag.
    let shared = owner.v2_create_id("shared", "shared").await;
    assert_eq!(
        owner.add_member(&shared, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    expect_error(
        send(
            app.tenant(MEMBER)
                .put(&format!("/v2/images/{shared}/tags/x")),
        )
        .await,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete modify_image action.",
    )
    .await;
}

#[tokio::test]
async fn the_tag_quota_is_128() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let tags: Vec<String> = (0..129).map(|n| format!("t{n}")).collect();
    expect_error(
        send(owner.post("/v2/images").json(&json!({ "tags": tags }))).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Attempted: 129, Maximum: 128",
    )
    .await;
}

#[tokio::test]
async fn deactivate_blocks_downloads_until_reactivated() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("deact", "private").await;
    let action = |name: &str| format!("/v2/images/{id}/actions/{name}");
    // Only active images can be deactivated.
    expect_error(
        send(owner.post(&action("deactivate"))).await,
        StatusCode::FORBIDDEN,
        "Not allowed to deactivate image in status 'queued'",
    )
    .await;
    assert_eq!(owner.v2_upload(&id, b"data").await, StatusCode::NO_CONTENT);
    for _ in 0..2 {
        let status = send(owner.post(&action("deactivate"))).await.status();
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(show(&app, &id).await["status"], "deactivated");
    expect_error(
        send(owner.get(&format!("/v2/images/{id}/file"))).await,
        StatusCode::FORBIDDEN,
        "The requested image has been deactivated. Image data download is forbidden.",
    )
    .await;
    // Admins still may download.
    let admin = send(app.admin().get(&format!("/v2/images/{id}/file"))).await;
    assert_eq!(admin.status(), StatusCode::OK);
    assert_eq!(
        send(owner.post(&action("reactivate"))).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(show(&app, &id).await["status"], "active");
    let status = send(owner.get(&format!("/v2/images/{id}/file")))
        .await
        .status();
    assert_eq!(status, StatusCode::OK);
    // GET on an action: 405.
    let response = send(owner.get(&action("reactivate"))).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn delete_removes_the_image_for_everybody() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("gone", "private").await;
    assert_eq!(owner.v2_upload(&id, b"data").await, StatusCode::NO_CONTENT);
    let status = send(owner.delete(&format!("/v2/images/{id}")))
        .await
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    for caller in [app.tenant(OWNER), app.admin()] {
        expect_error(
            send(caller.get(&format!("/v2/images/{id}"))).await,
            StatusCode::NOT_FOUND,
            &format!("No image found with ID {id}"),
        )
        .await;
    }
    expect_error(
        send(owner.delete(&format!("/v2/images/{id}"))).await,
        StatusCode::NOT_FOUND,
        &format!("Failed to find image {id} to delete"),
    )
    .await;
    assert!(owner.v2_list_ids("").await.is_empty());
}

#[tokio::test]
async fn protected_images_cannot_be_deleted() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let image = owner
        .v2_create(json!({"name": "p", "protected": true}))
        .await;
    let id = image["id"].as_str().expect("id");
    expect_error(
        send(owner.delete(&format!("/v2/images/{id}"))).await,
        StatusCode::FORBIDDEN,
        &format!("Image {id} is protected and cannot be deleted."),
    )
    .await;
    let unprotect = owner
        .v2_patch(
            id,
            json!([{"op": "replace", "path": "/protected", "value": false}]),
        )
        .await;
    assert_eq!(unprotect.status(), StatusCode::OK);
    let status = send(owner.delete(&format!("/v2/images/{id}")))
        .await
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
}
