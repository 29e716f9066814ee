//! Images v1 create (§5.1): reserve vs upload, client ids, formats, size cap, owner, `is_public`.

use super::{
    assert_keys, blob_files, chunked, download, header, image_of, is_v1_time, pattern, sha512_hex,
    stored_image,
};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn reserve_without_data_is_queued_with_glance_record_shape() {
    let app = spawn_app().await;
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-name", "reserved")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let headers = response.headers().clone();
    assert_eq!(
        header(&headers, "content-type").as_deref(),
        Some("application/json")
    );
    // No checksum yet, so no ETag (§5.1: "ETag when known").
    assert_eq!(header(&headers, "etag"), None);
    let image = image_of(response).await;
    assert_keys(&image);
    let id = id_of(&image);
    // Location is absolute (§7), built from the Host the client used.
    assert_eq!(
        header(&headers, "location"),
        Some(format!("{}/v1/images/{id}", app.address))
    );
    assert_eq!(image["status"], "queued");
    // Glance `_reserve` stores size 0 for a reserved image without a size.
    assert_eq!(image["size"], 0);
    assert_eq!(image["checksum"], Value::Null);
    assert_eq!(image["virtual_size"], Value::Null);
    assert_eq!(image["deleted_at"], Value::Null);
    assert_eq!(image["deleted"], false);
    assert_eq!(image["is_public"], false);
    assert_eq!(image["protected"], false);
    assert_eq!(image["min_disk"], 0);
    assert_eq!(image["min_ram"], 0);
    assert_eq!(image["owner"], OWNER);
    assert_eq!(image["name"], "reserved");
    assert_eq!(image["properties"], serde_json::json!({}));
    assert!(is_v1_time(&image["created_at"]), "{}", image["created_at"]);
    assert_eq!(image["created_at"], image["updated_at"]);
    // The record is really there: HEAD says the same.
    let head = send(app.tenant(OWNER).head(&format!("/v1/images/{id}"))).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        header(head.headers(), "x-image-meta-status").as_deref(),
        Some("queued")
    );
}

#[tokio::test]
async fn create_with_data_stores_bytes_md5_and_sha512() {
    let app = spawn_app().await;
    let data = pattern(4096);
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-name", "v1-share-test")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-is_public", "false")
            .header("x-image-meta-property-custom", "v1")
            .header("content-type", "application/octet-stream")
            .body(data.clone()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let etag = header(response.headers(), "etag");
    let image = image_of(response).await;
    assert_keys(&image);
    assert_eq!(image["status"], "active");
    assert_eq!(image["size"], 4096);
    assert_eq!(image["checksum"], md5_hex(&data));
    assert_eq!(etag, Some(md5_hex(&data)));
    assert_eq!(image["properties"], serde_json::json!({"custom": "v1"}));
    assert_eq!(image["is_public"], false);
    // The stored record carries os_hash_algo/os_hash_value (sha512), not shown by v1.
    let id = id_of(&image);
    let stored = stored_image(&app, &id).await;
    assert_eq!(stored.checksum, Some(md5_hex(&data)));
    assert_eq!(stored.os_hash_algo.as_deref(), Some("sha512"));
    assert_eq!(stored.os_hash_value, Some(sha512_hex(&data)));
    // Exactly one blob, holding exactly the bytes.
    let blobs = blob_files(&app).await;
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    assert_eq!(app.read_blob(&blobs[0]).await, data);
    // And the download returns them.
    let (status, _, body) = download(&app.tenant(OWNER), &id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, data);
}

#[tokio::test]
async fn create_with_a_chunked_body_has_no_content_length_and_still_uploads() {
    let app = spawn_app().await;
    let chunks: Vec<Vec<u8>> = vec![pattern(1000), vec![7; 3], pattern(70_000)];
    let all: Vec<u8> = chunks.concat();
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-name", "chunked")
            .header("x-image-meta-disk_format", "qcow2")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(chunked(chunks)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    assert_eq!(image["status"], "active");
    assert_eq!(image["size"], all.len());
    assert_eq!(image["checksum"], md5_hex(&all));
    let (_, headers, body) = download(&app.tenant(OWNER), &id_of(&image)).await;
    assert_eq!(body, all);
    assert_eq!(
        header(&headers, "content-length"),
        Some(all.len().to_string())
    );
}

#[tokio::test]
async fn an_empty_chunked_body_makes_an_active_empty_image() {
    let app = spawn_app().await;
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(chunked(vec![])),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    // A chunked body is data even when empty (Glance `has_body`): uploaded, md5 of nothing.
    assert_eq!(image["status"], "active");
    assert_eq!(image["size"], 0);
    assert_eq!(image["checksum"], md5_hex(b""));
}

#[tokio::test]
async fn a_zero_content_length_is_a_reservation_not_an_upload() {
    let app = spawn_app().await;
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-name", "empty")
            .header("content-type", "application/octet-stream")
            .body(Vec::new()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    // Formats are not required: no data was sent (§5.1 row 8 applies only with data).
    assert_eq!(image["status"], "queued");
    assert_eq!(image["disk_format"], Value::Null);
    assert!(blob_files(&app).await.is_empty());
}

#[tokio::test]
async fn declared_size_zero_without_data_is_active_at_once_and_downloads_empty() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-name", "zero")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-size", "0"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    // Glance `_reserve`: status = 'active' if size == 0 was supplied.
    assert_eq!(image["status"], "active");
    assert_eq!(image["size"], 0);
    assert_eq!(image["checksum"], Value::Null);
    let (status, headers, body) = download(&owner, &id_of(&image)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "content-length").as_deref(), Some("0"));
    assert_eq!(
        header(&headers, "content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert!(blob_files(&app).await.is_empty());
}

#[tokio::test]
async fn declared_size_and_checksum_that_match_the_data_are_accepted() {
    let app = spawn_app().await;
    let data = pattern(333);
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-size", "333")
            .header("x-image-meta-checksum", md5_hex(&data))
            .header("content-type", "application/octet-stream; charset=binary")
            .body(data.clone()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    assert_eq!(image["status"], "active");
    assert_eq!(image["checksum"], md5_hex(&data));
}

#[tokio::test]
async fn a_name_of_255_characters_is_accepted() {
    let app = spawn_app().await;
    // Characters, not bytes: 255 two-byte characters.
    let name = "é".repeat(255);
    let image = app.tenant(OWNER).create_image(&name, None).await;
    assert_eq!(image["name"], name.as_str());
}

#[tokio::test]
async fn amazon_formats_copy_into_the_missing_one() {
    let app = spawn_app().await;
    for (header_name, value) in [
        ("x-image-meta-disk_format", "aki"),
        ("x-image-meta-container_format", "ari"),
    ] {
        let response = send(
            app.tenant(OWNER)
                .post("/v1/images")
                .header(header_name, value),
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let image = image_of(response).await;
        // Glance `_validate_format` copies an aki/ari/ami format to the absent other one.
        assert_eq!(image["disk_format"], value);
        assert_eq!(image["container_format"], value);
    }
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-disk_format", "ami")
            .header("x-image-meta-container_format", "ami"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_client_chosen_id_is_used() {
    let app = spawn_app().await;
    let id = "de2f2211-3ac7-4260-9142-41db0ecfb425";
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-id", id)
            .header("x-image-meta-name", "chosen"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        header(response.headers(), "location"),
        Some(format!("{}/v1/images/{id}", app.address))
    );
    assert_eq!(image_of(response).await["id"], id);
    assert_eq!(app.tenant(OWNER).head_status(id).await, StatusCode::OK);
}

#[tokio::test]
async fn owner_is_the_callers_tenant_unless_an_admin_sets_it() {
    let app = spawn_app().await;
    // A non-admin's owner header is silently replaced by its own tenant (§2.2).
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-owner", OTHER),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mine = image_of(response).await;
    assert_eq!(mine["owner"], OWNER);
    // An admin may give the image to someone else, who then owns it.
    let response = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-owner", OTHER),
    )
    .await;
    let given = image_of(response).await;
    assert_eq!(given["owner"], OTHER);
    assert!(
        app.tenant(OTHER)
            .list_ids("")
            .await
            .contains(&id_of(&given))
    );
    // On update, a non-admin's owner header is dropped (200), an admin's applied.
    let id = id_of(&mine);
    let response = send(
        app.tenant(OWNER)
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-owner", OTHER),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(image_of(response).await["owner"], OWNER);
    let response = send(
        app.admin()
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-owner", OTHER),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(image_of(response).await["owner"], OTHER);
    // The former owner now sees a shared image of someone else without membership: gone.
    assert_eq!(
        app.tenant(OWNER).head_status(&id).await,
        StatusCode::NOT_FOUND
    );
    // An admin's empty owner is stored as null.
    let response = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-owner", ""),
    )
    .await;
    assert_eq!(image_of(response).await["owner"], Value::Null);
}

#[tokio::test]
async fn admins_create_public_images_that_everybody_sees() {
    let app = spawn_app().await;
    let response = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-name", "cirros")
            .header("x-image-meta-is_public", "True")
            .header("x-image-meta-disk_format", "aki"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    assert_eq!(image["is_public"], true);
    let id = id_of(&image);
    for tenant in [OWNER, OTHER] {
        assert_eq!(app.tenant(tenant).list_ids("").await, vec![id.clone()]);
        let h = send(app.tenant(tenant).head(&format!("/v1/images/{id}"))).await;
        assert_eq!(
            header(h.headers(), "x-image-meta-is_public").as_deref(),
            Some("True")
        );
    }
    // And back to not public (stored `shared`, §2.3): others lose it.
    let response = send(
        app.admin()
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-is_public", "false"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(image_of(response).await["is_public"], false);
    assert_eq!(app.tenant(OWNER).list_ids("").await, Vec::<String>::new());
}

#[tokio::test]
async fn an_image_exactly_at_the_size_cap_is_accepted() {
    let app = spawn_app_with(|config| config.limits.image_size_cap = 16).await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image("sixteen", Some(&pattern(16))).await;
    assert_eq!(image["size"], 16);
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(chunked(vec![pattern(8), pattern(8)])),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn noauth_images_have_no_owner_and_everyone_is_admin() {
    let app = spawn_app_with(|config| config.auth.mode = glint_api::AuthMode::Noauth).await;
    let anybody = app.anonymous();
    let response = send(
        anybody
            .post("/v1/images")
            .header("x-image-meta-is_public", "true"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    // §1.2/§2.2: the default no-auth flavor creates images with owner null, and may publicize.
    assert_eq!(image["owner"], Value::Null);
    assert_eq!(image["is_public"], true);
}
