//! Images v1 create refusals (§5.1 checks 1–10, §4.1, §2.1): headers, formats, ids, publicizing, quota.

use super::{meta, refused};
use crate::helpers::*;
use crate::images::{detail_of, image_of, plain, snapshot};
use reqwest::StatusCode;

#[tokio::test]
async fn create_refuses_bad_headers_and_stores_nothing() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let before = snapshot(&app).await;
    let long_property = format!("x-image-meta-property-{}", "p".repeat(256));
    let long_name = "n".repeat(256);
    let long_checksum = "a".repeat(33);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("x-image-meta-colour", "red")],
            "Bad header: x-image-meta-colour",
        ),
        (
            vec![("X-Image-Meta-Is-Shiny", "1")],
            "Bad header: x-image-meta-is-shiny",
        ),
        (
            vec![(long_property.as_str(), "v")],
            "Bad header: x-image-meta-property-ppp",
        ),
        (
            vec![("x-image-meta-size", "abc")],
            "Invalid value 'abc' for parameter 'size': Cannot convert image size 'abc' to an integer.",
        ),
        (
            vec![("x-image-meta-size", "-1")],
            "Invalid value '-1' for parameter 'size': Cannot be a negative value.",
        ),
        (
            vec![("x-image-meta-min_ram", "1.5")],
            "Invalid value '1.5' for parameter 'min_ram': Cannot convert image min_ram '1.5' to an integer.",
        ),
        (
            vec![("x-image-meta-min_disk", "-5")],
            "Invalid value '-5' for parameter 'min_disk': Cannot be a negative value.",
        ),
        // Only the literal `None` is accepted as a null virtual_size.
        (
            vec![("x-image-meta-virtual_size", "none")],
            "Invalid value 'none' for parameter 'virtual_size': Cannot convert image virtual_size 'none' to an integer.",
        ),
        // min_ram/min_disk are 32-bit columns in Glance.
        (
            vec![("x-image-meta-min_ram", "2147483648")],
            "Invalid value '2147483648' for parameter 'min_ram'",
        ),
        (
            vec![("x-image-meta-created_at", "yesterday")],
            "Invalid time format for created_at.",
        ),
        (
            vec![("x-image-meta-deleted_at", "1899-12-31T00:00:00")],
            "Invalid time format for deleted_at.",
        ),
        (
            vec![("x-image-meta-disk_format", "floppy")],
            "Invalid disk format 'floppy' for image.",
        ),
        (
            vec![("x-image-meta-container_format", "box")],
            "Invalid container format 'box' for image.",
        ),
        // Formats are case-sensitive in Glance's lists.
        (
            vec![("x-image-meta-disk_format", "RAW")],
            "Invalid disk format 'RAW' for image.",
        ),
        (
            vec![
                ("x-image-meta-disk_format", "aki"),
                ("x-image-meta-container_format", "bare"),
            ],
            "Invalid mix of disk and container formats. When setting a disk or container format to one of 'aki', 'ari', or 'ami', the container and disk formats must match.",
        ),
        (
            vec![
                ("x-image-meta-disk_format", "raw"),
                ("x-image-meta-container_format", "ami"),
            ],
            "Invalid mix of disk and container formats.",
        ),
        (
            vec![("x-image-meta-name", long_name.as_str())],
            "Image name too long: 256",
        ),
        (
            vec![("x-image-meta-checksum", long_checksum.as_str())],
            "Invalid checksum 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': can't exceed 32 characters",
        ),
        (
            vec![("x-image-meta-id", "not-a-uuid")],
            "Failed to reserve image. Got error: Invalid image id format",
        ),
        (
            vec![("x-image-meta-location", "file:///etc/passwd")],
            "External sources are not supported: 'file:///etc/passwd'",
        ),
        (
            vec![("x-glance-api-copy-from", "swift+config://ref/c/o")],
            "External sources are not supported: 'swift+config://ref/c/o'",
        ),
        (
            vec![("x-image-meta-location", "")],
            "External source should not be empty",
        ),
        (
            vec![("x-image-meta-store", "rbd")],
            "Required store rbd is invalid",
        ),
        // Default image_size_cap is 1 TiB.
        (
            vec![("x-image-meta-size", "1099511627777")],
            "Denying attempt to upload image larger than 1099511627776 bytes.",
        ),
    ];
    for (headers, message) in cases {
        let request = meta(owner.post("/v1/images"), &headers);
        let response = send(plain(request)).await;
        let status = response.status();
        let body = text(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{headers:?}: {body}");
        assert!(
            body.contains(message),
            "{headers:?}: expected {message:?} in {body:?}"
        );
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn create_with_data_needs_formats_and_an_octet_stream_content_type() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let before = snapshot(&app).await;
    let with_data =
        |pairs: &[(&str, &str)]| meta(owner.post("/v1/images"), pairs).body(b"data".to_vec());
    refused(
        with_data(&[
            ("x-image-meta-container_format", "bare"),
            ("content-type", "application/octet-stream"),
        ]),
        StatusCode::BAD_REQUEST,
        "Disk format is not specified.",
    )
    .await;
    refused(
        with_data(&[
            ("x-image-meta-disk_format", "raw"),
            ("content-type", "application/octet-stream"),
        ]),
        StatusCode::BAD_REQUEST,
        "Container format is not specified.",
    )
    .await;
    for content_type in [None, Some("application/json"), Some("text/plain")] {
        let mut request = with_data(&[
            ("x-image-meta-disk_format", "raw"),
            ("x-image-meta-container_format", "bare"),
        ]);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        refused(
            request,
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/octet-stream",
        )
        .await;
    }
    // Glance reserves the record before these checks (and kills it for a bad Content-Type);
    // glint refuses before anything is written.
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn create_with_an_existing_id_is_a_conflict() {
    let app = spawn_app().await;
    let id = "f96c2b0f-37d4-47e4-bbd9-55e456989d61";
    let first = send(
        app.tenant(OWNER)
            .post("/v1/images")
            .header("x-image-meta-id", id)
            .header("x-image-meta-name", "first"),
    )
    .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let before = snapshot(&app).await;
    // Also across tenants and with data.
    for caller in [app.tenant(OWNER), app.tenant(OTHER)] {
        refused(
            caller
                .post("/v1/images")
                .header("x-image-meta-id", id)
                .header("x-image-meta-name", "second")
                .header("x-image-meta-disk_format", "raw")
                .header("x-image-meta-container_format", "bare")
                .header("content-type", "application/octet-stream")
                .body(b"data".to_vec()),
            StatusCode::CONFLICT,
            &format!("An image with identifier {id} already exists"),
        )
        .await;
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn non_admins_may_not_publicize_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    // A policy denial: 403 with WebOb's default body and no detail (transcript block 47).
    refused(
        owner
            .post("/v1/images")
            .header("x-image-meta-is_public", "true"),
        StatusCode::FORBIDDEN,
        "403 Forbidden\n\nAccess was denied to this resource.\n\n   ",
    )
    .await;
    assert!(
        snapshot(&app).await.0["images"]
            .as_array()
            .expect("images")
            .is_empty()
    );
    let id = owner.create_image_id("private", Some(b"x")).await;
    let before = detail_of(&owner, &id).await;
    refused(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-image-meta-is_public", "1"),
        StatusCode::FORBIDDEN,
        "Access was denied to this resource.",
    )
    .await;
    assert_eq!(detail_of(&owner, &id).await, before);
    assert!(app.tenant(OTHER).list_ids("").await.is_empty());
}

#[tokio::test]
async fn property_quota_is_413_on_create_and_update() {
    let app = spawn_app_with(|config| config.limits.image_property_quota = 2).await;
    let owner = app.tenant(OWNER);
    let three = [
        ("x-image-meta-property-a", "1"),
        ("x-image-meta-property-b", "2"),
        ("x-image-meta-property-c", "3"),
    ];
    let before = snapshot(&app).await;
    refused(
        meta(owner.post("/v1/images"), &three),
        StatusCode::PAYLOAD_TOO_LARGE,
        "The limit has been exceeded on the number of allowed image properties. Attempted: 3, Maximum: 2",
    )
    .await;
    assert_eq!(snapshot(&app).await, before);
    let response = send(meta(owner.post("/v1/images"), &three[..2])).await;
    let id = crate::helpers::id_of(&image_of(response).await);
    let before = snapshot(&app).await;
    // Merging one more property into the stored two makes three.
    refused(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("x-glance-registry-purge-props", "false")
            .header("x-image-meta-property-c", "3"),
        StatusCode::PAYLOAD_TOO_LARGE,
        "Attempted: 3, Maximum: 2",
    )
    .await;
    assert_eq!(snapshot(&app).await, before);
}
