//! Images v1 update and delete (§5.5, §5.6): PUT of metadata and data, soft delete.

use super::{
    assert_keys, blob_files, chunked, detail_of, download, header, image_of, is_v1_time, pattern,
    sha512_hex, stored_image,
};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn put_updates_metadata_and_replaces_properties_by_default() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = pattern(64);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-name", "before")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-property-a", "1")
            .header("x-image-meta-property-b", "2")
            .header("content-type", "application/octet-stream")
            .body(data.clone()),
    )
    .await;
    let created = image_of(response).await;
    let id = id_of(&created);
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-name", "after")
            .header("x-image-meta-min_disk", "5")
            .header("x-image-meta-min_ram", "1024")
            .header("x-image-meta-protected", "true")
            .header("x-image-meta-disk_format", "qcow2")
            .header("x-image-meta-property-a", "10"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // Transcript block 48: the updated record, with the ETag of the unchanged checksum.
    assert_eq!(header(response.headers(), "etag"), Some(md5_hex(&data)));
    let updated = image_of(response).await;
    assert_keys(&updated);
    assert_eq!(updated["name"], "after");
    assert_eq!(updated["min_disk"], 5);
    assert_eq!(updated["min_ram"], 1024);
    assert_eq!(updated["protected"], true);
    assert_eq!(updated["disk_format"], "qcow2");
    // Properties not sent are purged (`x-glance-registry-purge-props` defaults to true).
    assert_eq!(updated["properties"], serde_json::json!({"a": "10"}));
    // Data, size, checksum and created_at are untouched; updated_at moves on.
    assert_eq!(updated["size"], 64);
    assert_eq!(updated["checksum"], md5_hex(&data));
    assert_eq!(updated["created_at"], created["created_at"]);
    assert!(updated["updated_at"].as_str() > created["updated_at"].as_str());
    assert_eq!(detail_of(&owner, &id).await, updated);
    assert_eq!(download(&owner, &id).await.2, data);
    // With purge-props false, the sent properties are merged into the stored ones.
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-glance-registry-purge-props", "False")
            .header("x-image-meta-property-c", "3"),
    )
    .await;
    assert_eq!(
        image_of(response).await["properties"],
        serde_json::json!({"a": "10", "c": "3"})
    );
    // A PUT without any header purges every property and changes nothing else.
    let response = send(owner.put(&format!("/v1/images/{id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bare = image_of(response).await;
    assert_eq!(bare["properties"], serde_json::json!({}));
    assert_eq!(bare["name"], "after");
}

#[tokio::test]
async fn put_with_data_uploads_to_a_queued_image_and_keeps_its_properties() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-name", "later")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-property-keep", "me"),
    )
    .await;
    let id = id_of(&image_of(response).await);
    let data = pattern(5000);
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            // The container format may come with the upload (§5.1 row 8: header or record).
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-size", "5000")
            .header("x-image-meta-checksum", md5_hex(&data))
            .header("content-type", "application/octet-stream")
            .body(data.clone()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(response.headers(), "etag"), Some(md5_hex(&data)));
    let image = image_of(response).await;
    assert_eq!(image["status"], "active");
    assert_eq!(image["size"], 5000);
    assert_eq!(image["checksum"], md5_hex(&data));
    assert_eq!(image["container_format"], "bare");
    // Uploading never purges properties.
    assert_eq!(image["properties"], serde_json::json!({"keep": "me"}));
    assert_eq!(download(&owner, &id).await.2, data);
    assert_eq!(
        stored_image(&app, &id).await.os_hash_value,
        Some(sha512_hex(&data))
    );
}

#[tokio::test]
async fn size_and_checksum_declared_at_reserve_are_kept_and_checked_on_upload() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = b"four".to_vec();
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-size", "4")
            .header("x-image-meta-checksum", md5_hex(&data)),
    )
    .await;
    let reserved = image_of(response).await;
    // Glance `_reserve` records what was declared; the image waits for its data.
    assert_eq!(reserved["status"], "queued");
    assert_eq!(reserved["size"], 4);
    assert_eq!(reserved["checksum"], md5_hex(&data));
    let response = send(
        owner
            .put(&format!("/v1/images/{}", id_of(&reserved)))
            .header("content-type", "application/octet-stream")
            .body(data.clone()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(image_of(response).await["status"], "active");
}

#[tokio::test]
async fn put_with_a_chunked_body_uploads_too() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("chunky", None).await;
    let chunks = vec![pattern(10), pattern(20)];
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("content-type", "application/octet-stream")
            .body(chunked(chunks.clone())),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let image = image_of(response).await;
    assert_eq!(image["status"], "active");
    assert_eq!(image["checksum"], md5_hex(&chunks.concat()));
}

#[tokio::test]
async fn status_and_id_may_be_sent_unchanged_and_admins_may_fix_size_and_checksum() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("same", Some(b"abc")).await;
    // Glance refuses only a *change* of status/id/size/checksum.
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-status", "active")
            .header("x-image-meta-id", &id)
            .header("x-image-meta-size", "3")
            .header("x-image-meta-checksum", md5_hex(b"abc")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // ACTIVE_IMMUTABLE applies to non-admins only.
    let response = send(
        app.admin()
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-checksum", "0123456789abcdef0123456789abcdef"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        image_of(response).await["checksum"],
        "0123456789abcdef0123456789abcdef"
    );
}

#[tokio::test]
async fn delete_soft_deletes_the_record_and_removes_the_bytes() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("doomed", Some(&pattern(100))).await;
    assert_eq!(blob_files(&app).await.len(), 1);
    let response = send(owner.delete(&format!("/v1/images/{id}"))).await;
    // Transcript block 50: 200 with an empty body (not the api-ref's 204).
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(response.headers(), "content-type").as_deref(),
        Some("text/html; charset=UTF-8")
    );
    assert!(text(response).await.is_empty());
    assert!(blob_files(&app).await.is_empty());
    // Transcript block 51: the owner gets 404 now, and the list forgets it.
    assert_eq!(owner.head_status(&id).await, StatusCode::NOT_FOUND);
    assert!(owner.list_ids("").await.is_empty());
    // Admins still see the soft-deleted record.
    let h = send(app.admin().head(&format!("/v1/images/{id}"))).await;
    assert_eq!(h.status(), StatusCode::OK);
    let h = h.headers();
    assert_eq!(header(h, "x-image-meta-status").as_deref(), Some("deleted"));
    assert_eq!(header(h, "x-image-meta-deleted").as_deref(), Some("True"));
    assert!(header(h, "x-image-meta-deleted_at").is_some_and(|t| is_v1_time(&Value::from(t))));
}

#[tokio::test]
async fn delete_removes_memberships_too() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("shared", Some(b"x")).await;
    owner.add_member(&id, MEMBER, None).await;
    assert_eq!(app.tenant(MEMBER).list_ids("").await, vec![id.clone()]);
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{id}")))
            .await
            .status(),
        StatusCode::OK
    );
    assert!(app.tenant(MEMBER).list_ids("").await.is_empty());
    assert!(app.tenant(MEMBER).shared_images(MEMBER).await.is_empty());
}

#[tokio::test]
async fn a_protected_image_can_be_deleted_once_unprotected() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-protected", "True")
            .header("x-image-meta-size", "0"),
    )
    .await;
    let id = id_of(&image_of(response).await);
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{id}")))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-protected", "false"),
    )
    .await;
    assert_eq!(image_of(response).await["protected"], false);
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{id}")))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(owner.head_status(&id).await, StatusCode::NOT_FOUND);
}
