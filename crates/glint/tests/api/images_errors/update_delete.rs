//! Images v1 update and delete refusals (§5.5, §5.6): immutable fields, protection, other callers.

use super::refused;
use crate::helpers::*;
use crate::images::{download, force_status, image_of, snapshot};
use glint_core::ImageStatus;
use reqwest::StatusCode;

#[tokio::test]
async fn anonymous_callers_are_read_only() {
    let app = spawn_app_with(|config| config.auth.allow_anonymous = true).await;
    let response = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-is_public", "true"),
    )
    .await;
    let id = crate::helpers::id_of(&image_of(response).await);
    let anonymous = app.anonymous();
    assert_eq!(anonymous.head_status(&id).await, StatusCode::OK);
    let before = snapshot(&app).await;
    for request in [
        anonymous
            .post("/v1/images")
            .header("x-image-meta-name", "anon"),
        anonymous
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-name", "anon"),
        anonymous.delete(&format!("/v1/images/{id}")),
    ] {
        refused(request, StatusCode::FORBIDDEN, "Read-only access").await;
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn protected_and_pending_delete_images_cannot_be_deleted() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-protected", "true")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(b"keep".to_vec()),
    )
    .await;
    let id = crate::helpers::id_of(&image_of(response).await);
    let before = snapshot(&app).await;
    // Protection holds against admins too.
    for caller in [owner, app.admin()] {
        refused(
            caller.delete(&format!("/v1/images/{id}")),
            StatusCode::FORBIDDEN,
            "Image is protected",
        )
        .await;
    }
    assert_eq!(snapshot(&app).await, before);
    assert_eq!(download(&app.tenant(OWNER), &id).await.2, b"keep");
    let other = app
        .tenant(OWNER)
        .create_image_id("pending", Some(b"x"))
        .await;
    force_status(
        &app,
        &other,
        ImageStatus::Active,
        ImageStatus::PendingDelete,
    )
    .await;
    let before = snapshot(&app).await;
    refused(
        app.tenant(OWNER).delete(&format!("/v1/images/{other}")),
        StatusCode::FORBIDDEN,
        "Forbidden to delete a pending_delete image.",
    )
    .await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn update_refuses_changes_to_immutable_fields() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = b"abc".to_vec();
    let id = owner.create_image_id("fixed", Some(&data)).await;
    let queued = owner.create_image_id("queued", None).await;
    let before = snapshot(&app).await;
    let path = format!("/v1/images/{id}");
    // Non-admins: size and checksum of an active image are frozen (ACTIVE_IMMUTABLE).
    refused(
        owner.put(&path).header("x-image-meta-size", "4"),
        StatusCode::FORBIDDEN,
        "Forbidden to modify 'size' of active image.",
    )
    .await;
    refused(
        owner
            .put(&path)
            .header("x-image-meta-checksum", "0123456789abcdef0123456789abcdef"),
        StatusCode::FORBIDDEN,
        "Forbidden to modify 'checksum' of active image.",
    )
    .await;
    // Anyone, any status: status and id (IMMUTABLE).
    for (caller, target) in [
        (app.tenant(OWNER), &id),
        (app.admin(), &id),
        (app.tenant(OWNER), &queued),
    ] {
        let path = format!("/v1/images/{target}");
        refused(
            caller.put(&path).header("x-image-meta-status", "killed"),
            StatusCode::FORBIDDEN,
            "Forbidden to modify 'status' of image.",
        )
        .await;
        refused(
            caller
                .put(&path)
                .header("x-image-meta-id", "00000000-0000-0000-0000-000000000000"),
            StatusCode::FORBIDDEN,
            "Forbidden to modify 'id' of image.",
        )
        .await;
    }
    // Bad headers on update are refused as on create.
    for (name, value, message) in [
        (
            "x-image-meta-colour",
            "red",
            "Bad header: x-image-meta-colour",
        ),
        (
            "x-image-meta-disk_format",
            "floppy",
            "Invalid disk format 'floppy' for image.",
        ),
        (
            "x-image-meta-min_ram",
            "lots",
            "Cannot convert image min_ram 'lots' to an integer.",
        ),
        (
            "x-image-meta-updated_at",
            "soon",
            "Invalid time format for updated_at.",
        ),
        (
            "x-image-meta-location",
            "file:///etc/shadow",
            "External sources are not supported: 'file:///etc/shadow'",
        ),
    ] {
        refused(
            owner.put(&path).header(name, value),
            StatusCode::BAD_REQUEST,
            message,
        )
        .await;
    }
    refused(
        owner
            .put(&path)
            .header("x-image-meta-name", "x".repeat(300)),
        StatusCode::BAD_REQUEST,
        "Image name too long: 300",
    )
    .await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn others_may_not_update_or_delete_an_image() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let outsider = app.tenant(OUTSIDER);
    let public = crate::helpers::id_of(
        &image_of(
            send(
                app.admin()
                    .post("/v1/images")
                    .header("x-image-meta-is_public", "true"),
            )
            .await,
        )
        .await,
    );
    let private = owner.create_image_id("private", Some(b"x")).await;
    let shared = owner.create_image_id("shared", Some(b"y")).await;
    owner.add_member(&shared, MEMBER, None).await;
    let before = snapshot(&app).await;
    // Public images of others: visible, so 403 with Glance's message.
    refused(
        outsider
            .put(&format!("/v1/images/{public}"))
            .header("x-image-meta-name", "mine"),
        StatusCode::FORBIDDEN,
        &format!("Forbidden to update image: {public}"),
    )
    .await;
    refused(
        outsider.delete(&format!("/v1/images/{public}")),
        StatusCode::FORBIDDEN,
        &format!("Forbidden to delete image: {public}"),
    )
    .await;
    // Images the caller cannot see, and shared images seen as a member (D11): 404.
    for (caller, id) in [
        (&outsider, &private),
        (&outsider, &shared),
        (&app.tenant(MEMBER), &shared),
    ] {
        let message = format!("Image with identifier {id} not found");
        refused(
            caller
                .put(&format!("/v1/images/{id}"))
                .header("x-image-meta-name", "mine"),
            StatusCode::NOT_FOUND,
            &message,
        )
        .await;
        refused(
            caller.delete(&format!("/v1/images/{id}")),
            StatusCode::NOT_FOUND,
            &message,
        )
        .await;
    }
    assert_eq!(snapshot(&app).await, before);
}
