//! Images v1, the image resource, happy paths (v1-images §2 record, §2.2 ownership, §2.3
//! `is_public`, §3 statuses, §4.1/§4.2 header codec, §5.1 create, §5.2 list, §5.3 HEAD, §5.4 GET,
//! §5.5 PUT, §5.6 DELETE; transcript blocks 2, 3, 16–18, 48, 50, 51).
//! Error rows of §5 are in `images_errors.rs`.

use crate::helpers::*;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The keys of a v1 image record (transcript block 2: exactly these 18).
const DETAIL_KEYS: [&str; 18] = [
    "checksum",
    "container_format",
    "created_at",
    "deleted",
    "deleted_at",
    "disk_format",
    "id",
    "is_public",
    "min_disk",
    "min_ram",
    "name",
    "owner",
    "properties",
    "protected",
    "size",
    "status",
    "updated_at",
    "virtual_size",
];

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
    let blobs = blob_files(&app);
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    assert_eq!(std::fs::read(&blobs[0]).expect("blob"), data);
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
    assert!(blob_files(&app).is_empty());
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
    assert!(blob_files(&app).is_empty());
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
async fn head_returns_every_non_null_field_as_x_image_meta_headers() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = pattern(4096);
    let created = owner.create_image("v1-share-test", Some(&data)).await;
    let id = id_of(&created);
    send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-glance-registry-purge-props", "false")
            .header("x-image-meta-property-custom", "v1"),
    )
    .await;
    let response = send(owner.head(&format!("/v1/images/{id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers().clone();
    assert!(text(response).await.is_empty());
    // WebOb's default for an empty 200 (transcript block 3).
    assert_eq!(
        header(&h, "content-type").as_deref(),
        Some("text/html; charset=UTF-8")
    );
    let detail = detail_of(&owner, &id).await;
    // Transcript block 3, value for value; booleans are Python's `True`/`False`.
    for (name, expected) in [
        ("x-image-meta-id", id.clone()),
        ("x-image-meta-name", "v1-share-test".into()),
        ("x-image-meta-disk_format", "raw".into()),
        ("x-image-meta-container_format", "bare".into()),
        ("x-image-meta-size", "4096".into()),
        ("x-image-meta-checksum", md5_hex(&data)),
        ("x-image-meta-status", "active".into()),
        ("x-image-meta-is_public", "False".into()),
        ("x-image-meta-owner", OWNER.into()),
        ("x-image-meta-protected", "False".into()),
        ("x-image-meta-deleted", "False".into()),
        ("x-image-meta-min_disk", "0".into()),
        ("x-image-meta-min_ram", "0".into()),
        (
            "x-image-meta-created_at",
            detail["created_at"].as_str().expect("t").into(),
        ),
        (
            "x-image-meta-updated_at",
            detail["updated_at"].as_str().expect("t").into(),
        ),
        ("x-image-meta-property-custom", "v1".into()),
        ("etag", md5_hex(&data)),
    ] {
        assert_eq!(
            header(&h, name).as_deref(),
            Some(expected.as_str()),
            "{name}"
        );
    }
    // Null fields are left out; location is never shown.
    for absent in [
        "x-image-meta-deleted_at",
        "x-image-meta-virtual_size",
        "x-image-meta-location",
        "x-image-meta-properties",
    ] {
        assert_eq!(header(&h, absent), None, "{absent}");
    }
    // GET carries the same metadata headers, plus the data.
    let (status, get_headers, body) = download(&owner, &id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, data);
    for name in [
        "x-image-meta-id",
        "x-image-meta-checksum",
        "x-image-meta-property-custom",
        "etag",
    ] {
        assert_eq!(header(&get_headers, name), header(&h, name), "{name}");
    }
    assert_eq!(
        header(&get_headers, "content-length").as_deref(),
        Some("4096")
    );
}

#[tokio::test]
async fn header_names_are_case_insensitive_and_dashes_mean_underscores() {
    let app = spawn_app().await;
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("X-Image-Meta-Name", "codec")
            .header("X-Image-Meta-Disk-Format", "vmdk")
            .header("X-IMAGE-META-CONTAINER-FORMAT", "ova")
            .header("X-Image-Meta-Min-Ram", "512")
            .header("x-image-meta-min_disk", "2147483647")
            .header("x-image-meta-virtual_size", "123456")
            .header("X-Image-Meta-Protected", "Yes")
            .header("X-Image-Meta-Property-OS-Distro", "Ubuntu")
            .header("x-image-meta-property-hw_disk_bus", "scsi"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    assert_eq!(image["disk_format"], "vmdk");
    assert_eq!(image["container_format"], "ova");
    assert_eq!(image["min_ram"], 512);
    // 2^31 − 1 is the largest min_disk (§2.1).
    assert_eq!(image["min_disk"], 2_147_483_647_i64);
    assert_eq!(image["virtual_size"], 123_456);
    // `bool_from_string`: "Yes" is true.
    assert_eq!(image["protected"], true);
    // Property names are lower-cased with '-' → '_'; values are kept as sent.
    assert_eq!(
        image["properties"],
        serde_json::json!({"os_distro": "Ubuntu", "hw_disk_bus": "scsi"})
    );
    let h = send(
        app.tenant(OWNER)
            .head(&format!("/v1/images/{}", id_of(&image))),
    )
    .await
    .headers()
    .clone();
    assert_eq!(
        header(&h, "x-image-meta-virtual_size").as_deref(),
        Some("123456")
    );
    assert_eq!(
        header(&h, "x-image-meta-protected").as_deref(),
        Some("True")
    );
    assert_eq!(
        header(&h, "x-image-meta-property-os_distro").as_deref(),
        Some("Ubuntu")
    );
}

#[tokio::test]
async fn empty_header_values_mean_null_and_falsy_flags_are_false() {
    let app = spawn_app().await;
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-name", "")
            .header("x-image-meta-virtual_size", "None")
            .header("x-image-meta-protected", "maybe")
            .header("x-image-meta-is_public", "False"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let image = image_of(response).await;
    assert_eq!(image["name"], Value::Null);
    assert_eq!(image["virtual_size"], Value::Null);
    // Anything but 1/t/true/on/y/yes is false (no error), and is_public=False needs no admin.
    assert_eq!(image["protected"], false);
    assert_eq!(image["is_public"], false);
    let h = send(
        app.tenant(OWNER)
            .head(&format!("/v1/images/{}", id_of(&image))),
    )
    .await
    .headers()
    .clone();
    assert_eq!(header(&h, "x-image-meta-name"), None);
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
async fn list_shapes_match_glance() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = pattern(10);
    let id = owner.create_image_id("listed", Some(&data)).await;
    let body = json_of(send(owner.get("/v1/images")).await).await;
    // Transcript block 17: exactly these six keys.
    assert_eq!(
        body,
        serde_json::json!({"images": [{
            "id": id, "name": "listed", "size": 10, "disk_format": "raw",
            "container_format": "bare", "checksum": md5_hex(&data)
        }]})
    );
    let body = json_of(send(owner.get("/v1/images/detail")).await).await;
    let images = body["images"].as_array().expect("images");
    assert_eq!(images.len(), 1);
    assert_keys(&images[0]);
    assert_eq!(images[0], detail_of(&owner, &id).await);
    // `/v1/` is an alias of the list, and the v1.0/v1.1 prefixes reach the same router.
    for path in ["/v1/", "/v1.0/images", "/v1.1/images"] {
        let body = json_of(send(owner.get(path)).await).await;
        assert_eq!(body["images"][0]["id"], id.as_str(), "{path}");
    }
}

#[tokio::test]
async fn list_filters_select_by_field_property_size_and_flags() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let create = |name: &'static str, disk: &'static str, container: &'static str| {
        owner
            .post("/v1/images")
            .header("x-image-meta-name", name)
            .header("x-image-meta-disk_format", disk)
            .header("x-image-meta-container_format", container)
    };
    let a = image_of(
        send(
            create("alpha", "raw", "bare")
                .header("x-image-meta-property-distro", "ubuntu")
                .header("x-image-meta-min_ram", "512")
                .header("x-image-meta-min_disk", "3")
                .header("content-type", "application/octet-stream")
                .body(pattern(10)),
        )
        .await,
    )
    .await;
    let b = image_of(
        send(
            create("beta", "qcow2", "ovf")
                .header("x-image-meta-property-distro", "fedora")
                .header("content-type", "application/octet-stream")
                .body(pattern(100)),
        )
        .await,
    )
    .await;
    let c = image_of(send(create("gamma", "iso", "bare")).await).await;
    let d = image_of(
        send(
            create("delta", "raw", "bare")
                .header("x-image-meta-size", "0")
                .header("x-image-meta-protected", "true"),
        )
        .await,
    )
    .await;
    let [a, b, c, d] = [&a, &b, &c, &d].map(id_of);
    let set = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<BTreeSet<_>>();
    for (query, expected) in [
        ("", set(&[&a, &b, &c, &d])),
        ("?name=alpha", set(&[&a])),
        ("?name=in:alpha,beta", set(&[&a, &b])),
        ("?name=nothing", set(&[])),
        ("?status=queued", set(&[&c])),
        ("?status=active", set(&[&a, &b, &d])),
        ("?disk_format=qcow2", set(&[&b])),
        ("?disk_format=in:iso,qcow2", set(&[&b, &c])),
        ("?container_format=bare", set(&[&a, &c, &d])),
        ("?size_min=50", set(&[&b])),
        ("?size_max=10", set(&[&a, &c, &d])),
        ("?size_min=10&size_max=10", set(&[&a])),
        ("?property-distro=ubuntu", set(&[&a])),
        ("?property-distro=debian", set(&[])),
        // min_ram is an equality filter in v1, not a minimum (§5.2).
        ("?min_ram=512", set(&[&a])),
        ("?min_ram=256", set(&[])),
        ("?min_disk=3", set(&[&a])),
        ("?protected=true", set(&[&d])),
        ("?protected=False", set(&[&a, &b, &c])),
        ("?protected=1&container_format=bare", set(&[&d])),
        ("?status=active&disk_format=raw&size_max=0", set(&[&d])),
        // Unknown parameters are ignored, as Glance does.
        ("?colour=blue", set(&[&a, &b, &c, &d])),
    ] {
        let got: BTreeSet<String> = owner.list_ids(query).await.into_iter().collect();
        assert_eq!(got, expected, "{query}");
        let detail = json_of(send(owner.get(&format!("/v1/images/detail{query}"))).await).await;
        let got: BTreeSet<String> = detail["images"]
            .as_array()
            .expect("images")
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(got, expected, "detail{query}");
    }
}

#[tokio::test]
async fn is_public_filter_is_honoured_for_admins_only() {
    let app = spawn_app().await;
    let public = image_of(
        send(
            app.admin()
                .post("/v1/images")
                .header("x-image-meta-is_public", "yes"),
        )
        .await,
    )
    .await;
    let public = id_of(&public);
    let mine = app.tenant(OWNER).create_image_id("mine", None).await;
    let theirs = app.tenant(OTHER).create_image_id("theirs", None).await;
    let set = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<BTreeSet<_>>();
    let listed = |ids: Vec<String>| ids.into_iter().collect::<BTreeSet<_>>();
    // Non-admins: the parameter is silently ignored.
    for query in ["", "?is_public=false", "?is_public=none", "?is_public=true"] {
        assert_eq!(
            listed(app.tenant(OWNER).list_ids(query).await),
            set(&[&public, &mine]),
            "{query}"
        );
    }
    // Admins: absent or true → as a regular user; none → all; false → all non-public.
    let admin = app.admin();
    assert_eq!(listed(admin.list_ids("").await), set(&[&public]));
    assert_eq!(
        listed(admin.list_ids("?is_public=true").await),
        set(&[&public])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=1").await),
        set(&[&public])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=none").await),
        set(&[&public, &mine, &theirs])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=False").await),
        set(&[&mine, &theirs])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=0").await),
        set(&[&mine, &theirs])
    );
}

#[tokio::test]
async fn killed_and_deleted_images_are_left_out_unless_asked_for() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let live = owner.create_image_id("live", Some(b"live")).await;
    let killed = kill_image(&app, "killed").await;
    let gone = owner.create_image_id("gone", Some(b"gone")).await;
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{gone}")))
            .await
            .status(),
        StatusCode::OK
    );
    // Default list: neither killed nor deleted images (§5.2).
    assert_eq!(owner.list_ids("").await, vec![live.clone()]);
    // Glance excludes killed images whenever deleted ones are excluded, even for status=killed.
    assert!(owner.list_ids("?status=killed").await.is_empty());
    assert_eq!(
        owner
            .list_ids("?status=killed&changes-since=2000-01-01T00:00:00")
            .await,
        vec![killed.clone()]
    );
    // The killed image is still there by id.
    let h = send(owner.head(&format!("/v1/images/{killed}"))).await;
    assert_eq!(
        header(h.headers(), "x-image-meta-status").as_deref(),
        Some("killed")
    );
    // changes-since includes deleted (and killed) images, for everybody.
    let since: BTreeSet<String> = owner
        .list_ids("?changes-since=2000-01-01T00:00:00")
        .await
        .into_iter()
        .collect();
    assert_eq!(
        since,
        [&live, &killed, &gone].into_iter().cloned().collect()
    );
    let detail = json_of(send(owner.get("/v1/images/detail?changes-since=2000-01-01")).await).await;
    let deleted = detail["images"]
        .as_array()
        .expect("images")
        .iter()
        .find(|i| i["id"] == gone.as_str())
        .expect("deleted image listed");
    assert_eq!(deleted["status"], "deleted");
    assert_eq!(deleted["deleted"], true);
    assert!(is_v1_time(&deleted["deleted_at"]));
    // A changes-since after everything lists nothing.
    assert!(
        owner
            .list_ids("?changes-since=2999-01-01T00:00:00Z")
            .await
            .is_empty()
    );
    // Admins may ask for deleted images only; the parameter means nothing to others.
    assert_eq!(
        app.admin().list_ids("?deleted=true&is_public=none").await,
        vec![gone.clone()]
    );
    assert_eq!(owner.list_ids("?deleted=true").await, vec![live.clone()]);
    // Admin `deleted=false` is the default filter: killed images stay out too.
    assert_eq!(
        app.admin().list_ids("?deleted=false&is_public=none").await,
        vec![live.clone()]
    );
}

#[tokio::test]
async fn sort_key_and_sort_dir_order_the_list() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let b = owner.create_image_id("b", Some(&pattern(30))).await;
    let a = owner.create_image_id("a", Some(&pattern(10))).await;
    let c = owner.create_image_id("c", Some(&pattern(20))).await;
    // Default: created_at descending, newest first.
    assert_eq!(
        owner.list_ids("").await,
        vec![c.clone(), a.clone(), b.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_dir=asc").await,
        vec![b.clone(), a.clone(), c.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=name&sort_dir=asc").await,
        vec![a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=name").await,
        vec![c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=size&sort_dir=asc").await,
        vec![a.clone(), c.clone(), b.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=size&sort_dir=desc").await,
        vec![b.clone(), c.clone(), a.clone()]
    );
    // A reserved image counts as size 0 (v1 shows 0; Glance stores 0).
    let reserved = owner.create_image_id("d", None).await;
    assert_eq!(
        owner.list_ids("?sort_key=size&sort_dir=asc&limit=1").await,
        vec![reserved.clone()]
    );
    assert_eq!(owner.list_ids("?size_max=0").await, vec![reserved.clone()]);
    send(owner.delete(&format!("/v1/images/{reserved}"))).await;
    let mut by_id = vec![a.clone(), b.clone(), c.clone()];
    by_id.sort();
    assert_eq!(owner.list_ids("?sort_key=id&sort_dir=asc").await, by_id);
    // updated_at: touching `a` moves it to the front of a descending list.
    send(
        owner
            .put(&format!("/v1/images/{a}"))
            .header("x-image-meta-min_ram", "1"),
    )
    .await;
    assert_eq!(owner.list_ids("?sort_key=updated_at").await[0], a);
    for key in ["status", "container_format", "disk_format", "created_at"] {
        assert_eq!(
            owner.list_ids(&format!("?sort_key={key}")).await.len(),
            3,
            "{key}"
        );
    }
}

#[tokio::test]
async fn limit_and_marker_page_through_the_whole_list() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    // Duplicate names so that the created_at/id tie-breakers matter for the name order.
    for name in ["x", "y", "x", "z", "x", "y", "x"] {
        owner.create_image_id(name, None).await;
    }
    for order in [
        "",
        "&sort_key=name&sort_dir=asc",
        "&sort_key=name",
        "&sort_key=size&sort_dir=asc",
    ] {
        let full = owner.list_ids(&format!("?limit=100{order}")).await;
        assert_eq!(full.len(), 7);
        let mut paged = Vec::new();
        let mut marker = String::new();
        loop {
            let page = owner.list_ids(&format!("?limit=3{marker}{order}")).await;
            assert!(page.len() <= 3);
            let Some(last) = page.last().cloned() else {
                break;
            };
            paged.extend(page);
            marker = format!("&marker={last}");
        }
        assert_eq!(paged, full, "order {order:?}");
    }
    assert!(owner.list_ids("?limit=0").await.is_empty());
    // The marker itself is never in the page after it.
    let full = owner.list_ids("").await;
    assert_eq!(
        owner.list_ids(&format!("?marker={}", full[6])).await,
        Vec::<String>::new()
    );
    assert_eq!(
        owner.list_ids(&format!("?marker={}", full[0])).await,
        full[1..].to_vec()
    );
}

#[tokio::test]
async fn the_default_page_holds_25_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    for n in 0..27 {
        owner.create_image_id(&format!("img-{n}"), None).await;
    }
    // Glance `limit_param_default` = 25; an over-large limit is capped, not refused.
    assert_eq!(owner.list_ids("").await.len(), 25);
    assert_eq!(owner.list_ids("?limit=26").await.len(), 26);
    assert_eq!(owner.list_ids("?limit=100000").await.len(), 27);
}

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
    assert_eq!(blob_files(&app).len(), 1);
    let response = send(owner.delete(&format!("/v1/images/{id}"))).await;
    // Transcript block 50: 200 with an empty body (not the api-ref's 204).
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(response.headers(), "content-type").as_deref(),
        Some("text/html; charset=UTF-8")
    );
    assert!(text(response).await.is_empty());
    assert!(blob_files(&app).is_empty());
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

// ---- helpers shared with images_errors.rs ----

/// The value of one response header, as text.
pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| v.to_str().expect("ascii header").to_owned())
}

pub(crate) async fn json_of(response: Response) -> Value {
    let status = response.status();
    let body = text(response).await;
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json body")
}

/// The `image` object of a create/update response (asserting success).
pub(crate) async fn image_of(response: Response) -> Value {
    json_of(response).await["image"].clone()
}

/// The record of one image as `/v1/images/detail` shows it to `caller`.
pub(crate) async fn detail_of(caller: &Caller<'_>, id: &str) -> Value {
    let body = json_of(send(caller.get("/v1/images/detail?limit=1000")).await).await;
    body["images"]
        .as_array()
        .expect("images")
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} not in detail list"))
}

/// `GET /v1/images/{id}`: status, headers and body bytes.
pub(crate) async fn download(caller: &Caller<'_>, id: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = send(caller.get(&format!("/v1/images/{id}"))).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

fn assert_keys(image: &Value) {
    let keys: Vec<&str> = image
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = DETAIL_KEYS.to_vec();
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` (§2.1), no zone suffix.
pub(crate) fn is_v1_time(value: &Value) -> bool {
    let Some(s) = value.as_str() else {
        return false;
    };
    let shape = "dddd-dd-ddTdd:dd:dd.dddddd";
    s.len() == shape.len()
        && s.chars().zip(shape.chars()).all(|(c, p)| match p {
            'd' => c.is_ascii_digit(),
            other => c == other,
        })
}

/// Deterministic, non-repeating-ish bytes.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// A body sent with `Transfer-Encoding: chunked` (no `Content-Length`).
pub(crate) fn chunked(chunks: Vec<Vec<u8>>) -> reqwest::Body {
    let stream = futures::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c))),
    );
    reqwest::Body::wrap_stream(stream)
}

pub(crate) fn sha512_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha512::digest(data))
}

/// A second connection to the test server's SQLite file, for what v1 does not show.
pub(crate) async fn open_db(app: &TestApp) -> glint_db::Db {
    let url = format!(
        "sqlite://{}",
        app.data_dir.path().join("glint.db").display()
    );
    glint_db::Db::connect(&url, &glint_db::DbOptions::default())
        .await
        .expect("db")
}

pub(crate) async fn stored_image(app: &TestApp, id: &str) -> glint_core::Image {
    let id = glint_core::ImageId::parse(id).expect("uuid");
    open_db(app)
        .await
        .get_image(&id)
        .await
        .expect("db read")
        .expect("stored image")
}

/// Moves an image between statuses behind the API's back (v2-only states such as deactivated).
pub(crate) async fn force_status(
    app: &TestApp,
    id: &str,
    from: glint_core::ImageStatus,
    to: glint_core::ImageStatus,
) {
    let image_id = glint_core::ImageId::parse(id).expect("uuid");
    let moved = open_db(app)
        .await
        .transition_status(
            &image_id,
            &[from],
            to,
            glint_core::time_fmt::Timestamp::now(),
        )
        .await
        .expect("db write");
    assert!(moved, "{id} was not {from:?}");
}

/// Every file in the blob store.
pub(crate) fn blob_files(app: &TestApp) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.data_dir.path().join("images"), &mut out);
    out.sort();
    out
}

/// Creates an image of `OWNER` whose upload fails its checksum check: it ends `killed`.
pub(crate) async fn kill_image(app: &TestApp, name: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let response = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-id", &id)
            .header("x-image-meta-name", name)
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("x-image-meta-checksum", "00000000000000000000000000000000")
            .header("content-type", "application/octet-stream")
            .body(b"data".to_vec()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    id
}

/// Everything stored: every image record an admin can list (deleted and killed included) and
/// the blob files. Equal snapshots before and after a request mean it changed nothing.
pub(crate) async fn snapshot(app: &TestApp) -> (Value, Vec<PathBuf>) {
    let body =
        json_of(
            send(app.admin().get(
                "/v1/images/detail?is_public=none&changes-since=1900-01-01T00:00:00&limit=1000",
            ))
            .await,
        )
        .await;
    (body, blob_files(app))
}

/// The request with `Accept: text/plain`, so error bodies are WebOb's plain text.
pub(crate) fn plain(request: RequestBuilder) -> RequestBuilder {
    request.header("accept", "text/plain")
}
