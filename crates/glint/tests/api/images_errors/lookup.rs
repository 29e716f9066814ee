//! Images v1 lookup refusals (§5.3/§5.4): unknown ids, non-active downloads, deleted images, 405s.

use super::refused;
use crate::helpers::*;
use crate::images::{force_status, header, kill_image, snapshot};
use glint_core::ImageStatus;
use reqwest::StatusCode;

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_everywhere() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    owner.create_image_id("bystander", Some(b"x")).await;
    let before = snapshot(&app).await;
    for id in [
        "00000000-0000-0000-0000-000000000000",
        "not-a-uuid",
        "f96c2b0f-37d4-47e4-bbd9-55e456989d61x",
    ] {
        let path = format!("/v1/images/{id}");
        // Transcript block 46's message, with the id as the caller wrote it.
        let message = format!("Image with identifier {id} not found");
        assert_eq!(owner.head_status(id).await, StatusCode::NOT_FOUND);
        refused(owner.get(&path), StatusCode::NOT_FOUND, &message).await;
        refused(
            owner.put(&path).header("x-image-meta-name", "x"),
            StatusCode::NOT_FOUND,
            &message,
        )
        .await;
        refused(
            owner
                .put(&path)
                .header("content-type", "application/octet-stream")
                .body(b"x".to_vec()),
            StatusCode::NOT_FOUND,
            &message,
        )
        .await;
        refused(owner.delete(&path), StatusCode::NOT_FOUND, &message).await;
        refused(app.admin().get(&path), StatusCode::NOT_FOUND, &message).await;
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn download_needs_an_active_image() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let queued = owner.create_image_id("queued", None).await;
    let killed = kill_image(&app, "killed").await;
    for id in [&queued, &killed] {
        refused(
            owner.get(&format!("/v1/images/{id}")),
            StatusCode::NOT_FOUND,
            &format!("Image {id} is not active"),
        )
        .await;
    }
    // `deactivated` is reached through v2 only; v1 download → 403, HEAD still works.
    let data = b"bytes".to_vec();
    let id = owner.create_image_id("deactivated", Some(&data)).await;
    force_status(&app, &id, ImageStatus::Active, ImageStatus::Deactivated).await;
    refused(
        owner.get(&format!("/v1/images/{id}")),
        StatusCode::FORBIDDEN,
        &format!("Image {id} is deactivated"),
    )
    .await;
    assert_eq!(owner.head_status(&id).await, StatusCode::OK);
    // …and a non-admin may not change its size or checksum either.
    refused(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-size", "6"),
        StatusCode::FORBIDDEN,
        "Forbidden to modify 'size' of deactivated image.",
    )
    .await;
}

#[tokio::test]
async fn deleted_images_are_gone_for_owners_and_read_only_for_admins() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("gone", Some(b"x")).await;
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{id}")))
            .await
            .status(),
        StatusCode::OK
    );
    let path = format!("/v1/images/{id}");
    let before = snapshot(&app).await;
    let hidden = format!("Image with identifier {id} not found");
    assert_eq!(owner.head_status(&id).await, StatusCode::NOT_FOUND);
    refused(owner.get(&path), StatusCode::NOT_FOUND, &hidden).await;
    refused(
        owner.put(&path).header("x-image-meta-name", "back"),
        StatusCode::NOT_FOUND,
        &hidden,
    )
    .await;
    refused(owner.delete(&path), StatusCode::NOT_FOUND, &hidden).await;
    // Admins see the record but may neither change, download nor delete it again.
    let admin = app.admin();
    refused(
        admin.put(&path).header("x-image-meta-name", "back"),
        StatusCode::FORBIDDEN,
        "Forbidden to update deleted image.",
    )
    .await;
    refused(
        admin.get(&path),
        StatusCode::NOT_FOUND,
        &format!("Image {id} is not active"),
    )
    .await;
    refused(
        admin.delete(&path),
        StatusCode::NOT_FOUND,
        &format!("Image {id} not found."),
    )
    .await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("x", None).await;
    for (request, allow) in [
        (owner.head("/v1/images/detail"), "GET"),
        (owner.delete("/v1/images"), "GET, POST"),
        (owner.put("/v1/images"), "GET, POST"),
        (
            owner.post(&format!("/v1/images/{id}")),
            "GET, HEAD, PUT, DELETE",
        ),
    ] {
        let response = send(request).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(header(response.headers(), "allow").as_deref(), Some(allow));
    }
    assert_eq!(owner.head_status(&id).await, StatusCode::OK);
}

#[tokio::test]
async fn ids_that_do_not_decode_to_utf8_are_unknown_ids() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    owner.create_image_id("bystander", Some(b"x")).await;
    let before = snapshot(&app).await;
    // `%FF` cannot name an image: 404 like any unknown id, in WebOb framing (not axum's bare
    // 400), the id shown with the undecodable byte replaced.
    let path = "/v1/images/%FFab";
    let message = "Image with identifier \u{FFFD}ab not found";
    refused(owner.get(path), StatusCode::NOT_FOUND, message).await;
    refused(
        owner.put(path).header("x-image-meta-name", "x"),
        StatusCode::NOT_FOUND,
        message,
    )
    .await;
    refused(owner.delete(path), StatusCode::NOT_FOUND, message).await;
    assert_eq!(send(owner.head(path)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&app).await, before);
}
