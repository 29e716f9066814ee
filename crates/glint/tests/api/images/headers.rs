//! Images v1 header codec (§4.1/§4.2): `x-image-meta-*` on HEAD/GET and how requests are read.

use super::{detail_of, download, header, image_of, pattern};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

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
