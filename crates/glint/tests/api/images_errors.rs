//! Images v1, the image resource, refusals: every error row of v1-images §5 (5.1 create checks
//! 1–10, 5.2 list parameters, 5.3/5.4 lookup and status, 5.5 update rules, 5.6 delete rules) and
//! the header rules of §4.1 and §2.1. Each test checks the status, Glance's message, and that the
//! refused request left the stored images (records and blobs) as they were.

use crate::helpers::*;
use crate::images::{
    blob_files, chunked, detail_of, download, force_status, header, image_of, kill_image, pattern,
    plain, snapshot, stored_image,
};
use glint_core::ImageStatus;
use reqwest::{RequestBuilder, StatusCode};

/// Sends `request` as plain text and checks status and message.
async fn refused(request: RequestBuilder, status: StatusCode, needle: &str) {
    expect_error(send(plain(request)).await, status, needle).await;
}

fn meta(request: RequestBuilder, pairs: &[(&str, &str)]) -> RequestBuilder {
    pairs.iter().fold(request, |r, (k, v)| r.header(*k, *v))
}

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
    // Also across tenants, with data, and with another spelling of the same UUID.
    for (caller, spelling) in [
        (app.tenant(OWNER), id.to_owned()),
        (app.tenant(OTHER), id.to_uppercase()),
    ] {
        refused(
            caller
                .post("/v1/images")
                .header("x-image-meta-id", spelling)
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
async fn size_cap_refuses_declared_sizes_up_front() {
    let app = spawn_app_with(|config| config.limits.image_size_cap = 16).await;
    let owner = app.tenant(OWNER);
    let cap_message = "Denying attempt to upload image larger than 16 bytes.";
    let queued = owner.create_image_id("queued", None).await;
    let before = snapshot(&app).await;
    let upload = |request: RequestBuilder| {
        request
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
    };
    // Content-Length over the cap (§5.1 row 1): 400 before anything is stored.
    refused(
        upload(owner.post("/v1/images")).body(pattern(17)),
        StatusCode::BAD_REQUEST,
        cap_message,
    )
    .await;
    // x-image-meta-size over the cap, whatever the body (Glance `ImageDeserializer`).
    refused(
        upload(owner.post("/v1/images"))
            .header("x-image-meta-size", "17")
            .body(pattern(5)),
        StatusCode::BAD_REQUEST,
        cap_message,
    )
    .await;
    refused(
        owner.post("/v1/images").header("x-image-meta-size", "17"),
        StatusCode::BAD_REQUEST,
        cap_message,
    )
    .await;
    // The same on update, with data or a declared size.
    refused(
        upload(owner.put(&format!("/v1/images/{queued}"))).body(pattern(17)),
        StatusCode::BAD_REQUEST,
        cap_message,
    )
    .await;
    refused(
        owner
            .put(&format!("/v1/images/{queued}"))
            .header("x-image-meta-size", "17"),
        StatusCode::BAD_REQUEST,
        cap_message,
    )
    .await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn size_cap_stops_a_chunked_upload_with_413_and_kills_the_image() {
    let app = spawn_app_with(|config| config.limits.image_size_cap = 16).await;
    let owner = app.tenant(OWNER);
    let id = uuid::Uuid::new_v4().to_string();
    refused(
        owner
            .post("/v1/images")
            .header("x-image-meta-id", &id)
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(chunked(vec![pattern(10), pattern(7)])),
        StatusCode::PAYLOAD_TOO_LARGE,
        "Denying attempt to upload image larger than 16 bytes.",
    )
    .await;
    // Glance `upload_utils`: ImageSizeLimitExceeded → safe_kill → 413.
    let h = send(owner.head(&format!("/v1/images/{id}"))).await;
    assert_eq!(
        header(h.headers(), "x-image-meta-status").as_deref(),
        Some("killed")
    );
    assert!(blob_files(&app).is_empty());
    // The same through PUT on a queued image.
    let queued = owner.create_image_id("queued", None).await;
    refused(
        owner
            .put(&format!("/v1/images/{queued}"))
            .header("content-type", "application/octet-stream")
            .body(chunked(vec![pattern(20)])),
        StatusCode::PAYLOAD_TOO_LARGE,
        "Denying attempt to upload image larger than 16 bytes.",
    )
    .await;
    let h = send(owner.head(&format!("/v1/images/{queued}"))).await;
    assert_eq!(
        header(h.headers(), "x-image-meta-status").as_deref(),
        Some("killed")
    );
    assert!(blob_files(&app).is_empty());
}

#[tokio::test]
async fn size_and_checksum_mismatches_kill_the_image_and_keep_no_bytes() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = b"four".to_vec();
    let create = |id: &str| {
        owner
            .post("/v1/images")
            .header("x-image-meta-id", id)
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/octet-stream")
            .body(data.clone())
    };
    let by_size = uuid::Uuid::new_v4().to_string();
    refused(
        create(&by_size).header("x-image-meta-size", "5"),
        StatusCode::BAD_REQUEST,
        "Supplied size (5) and size generated from uploaded image (4) did not match. Setting image status to 'killed'.",
    )
    .await;
    let by_checksum = uuid::Uuid::new_v4().to_string();
    let wrong = "0123456789abcdef0123456789abcdef";
    refused(
        create(&by_checksum).header("x-image-meta-checksum", wrong),
        StatusCode::BAD_REQUEST,
        &format!(
            "Supplied checksum ({wrong}) and checksum generated from uploaded image ({}) did not match. Setting image status to 'killed'.",
            md5_hex(&data)
        ),
    )
    .await;
    // Through PUT on a queued image too.
    let queued = owner.create_image_id("queued", None).await;
    refused(
        owner
            .put(&format!("/v1/images/{queued}"))
            .header("x-image-meta-size", "3")
            .header("content-type", "application/octet-stream")
            .body(data.clone()),
        StatusCode::BAD_REQUEST,
        "Supplied size (3) and size generated from uploaded image (4) did not match.",
    )
    .await;
    for id in [&by_size, &by_checksum, &queued] {
        let h = send(owner.head(&format!("/v1/images/{id}"))).await;
        assert_eq!(
            header(h.headers(), "x-image-meta-status").as_deref(),
            Some("killed"),
            "{id}"
        );
        // No checksum was computed for it: the record keeps only what the client declared.
        let declared = (*id == by_checksum).then(|| wrong.to_owned());
        assert_eq!(
            header(h.headers(), "x-image-meta-checksum"),
            declared,
            "{id}"
        );
        let stored = stored_image(&app, id).await;
        assert_eq!(
            (stored.os_hash_value, stored.location),
            (None, None),
            "{id}"
        );
        refused(
            owner.get(&format!("/v1/images/{id}")),
            StatusCode::NOT_FOUND,
            &format!("Image {id} is not active"),
        )
        .await;
    }
    assert!(blob_files(&app).is_empty());
}

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
async fn data_goes_only_to_queued_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = b"original".to_vec();
    let active = owner.create_image_id("active", Some(&data)).await;
    let killed = kill_image(&app, "killed").await;
    let empty = crate::helpers::id_of(
        &image_of(send(owner.post("/v1/images").header("x-image-meta-size", "0")).await).await,
    );
    let before = snapshot(&app).await;
    for id in [&active, &killed, &empty] {
        refused(
            owner
                .put(&format!("/v1/images/{id}"))
                .header("content-type", "application/octet-stream")
                .header("x-image-meta-disk_format", "raw")
                .header("x-image-meta-container_format", "bare")
                .body(b"replacement".to_vec()),
            StatusCode::CONFLICT,
            "Cannot upload to an unqueued image",
        )
        .await;
    }
    assert_eq!(snapshot(&app).await, before);
    assert_eq!(download(&owner, &active).await.2, data);
}

#[tokio::test]
async fn upload_to_a_queued_image_still_needs_formats_and_content_type() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(owner.post("/v1/images").header("x-image-meta-name", "bare")).await;
    let id = crate::helpers::id_of(&image_of(response).await);
    let before = snapshot(&app).await;
    let path = format!("/v1/images/{id}");
    refused(
        owner
            .put(&path)
            .header("content-type", "application/octet-stream")
            .body(b"x".to_vec()),
        StatusCode::BAD_REQUEST,
        "Disk format is not specified.",
    )
    .await;
    refused(
        owner
            .put(&path)
            .header("x-image-meta-disk_format", "raw")
            .header("content-type", "application/octet-stream")
            .body(b"x".to_vec()),
        StatusCode::BAD_REQUEST,
        "Container format is not specified.",
    )
    .await;
    refused(
        owner
            .put(&path)
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"x".to_vec()),
        StatusCode::BAD_REQUEST,
        "Content-Type must be application/octet-stream",
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

#[tokio::test]
async fn list_refuses_bad_query_parameters() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    owner.create_image_id("one", None).await;
    let sort_keys = "Unsupported sort_key. Acceptable values: name, status, container_format, disk_format, size, id, created_at, updated_at";
    for (query, message) in [
        ("size_min=-1", "Bad value passed to filter size_min got -1"),
        (
            "size_min=small",
            "Bad value passed to filter size_min got small",
        ),
        (
            "size_max=1.5",
            "Bad value passed to filter size_max got 1.5",
        ),
        ("min_ram=-2", "Bad value passed to filter min_ram got -2"),
        (
            "is_public=maybe",
            "Bad value passed to filter is_public got maybe",
        ),
        (
            "protected=maybe",
            "Bad value passed to filter protected got maybe",
        ),
        // `none` passes the API's check but not the registry's.
        ("protected=none", "protected must be True, or False"),
        ("changes-since=tuesday", "Unrecognized changes-since value"),
        ("limit=ten", "limit param must be an integer"),
        ("limit=2.5", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("marker=nope", "Invalid marker format"),
        (
            "marker=00000000-0000-0000-0000-000000000000",
            "Invalid marker. Image could not be found.",
        ),
        ("sort_key=owner", sort_keys),
        ("sort_key=", sort_keys),
        (
            "sort_dir=up",
            "Unsupported sort_dir. Acceptable values: asc, desc",
        ),
        (
            "sort_dir=DESC",
            "Unsupported sort_dir. Acceptable values: asc, desc",
        ),
        ("name=gt:alpha", "unknown operator"),
    ] {
        for list in ["/v1/images", "/v1/images/detail"] {
            let response = send(plain(owner.get(&format!("{list}?{query}")))).await;
            let status = response.status();
            let body = text(response).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{list}?{query}: {body}");
            assert!(
                body.contains(message),
                "{list}?{query}: expected {message:?} in {body:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_marker_must_be_an_image_the_caller_can_see() {
    let app = spawn_app().await;
    let theirs = app.tenant(OTHER).create_image_id("theirs", None).await;
    let gone = app.tenant(OWNER).create_image_id("gone", None).await;
    send(app.tenant(OWNER).delete(&format!("/v1/images/{gone}"))).await;
    for marker in [&theirs, &gone] {
        refused(
            app.tenant(OWNER)
                .get(&format!("/v1/images?marker={marker}")),
            StatusCode::BAD_REQUEST,
            "Invalid marker. Image could not be found.",
        )
        .await;
    }
    // The owner of the marker may use it.
    let response = send(
        app.tenant(OTHER)
            .get(&format!("/v1/images?marker={theirs}")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
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
async fn data_uploaded_later_must_match_the_size_and_checksum_declared_at_reserve() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let reserve = |pairs: &[(&str, &str)]| {
        meta(
            owner
                .post("/v1/images")
                .header("x-image-meta-disk_format", "raw")
                .header("x-image-meta-container_format", "bare"),
            pairs,
        )
    };
    let upload = |id: &str| {
        owner
            .put(&format!("/v1/images/{id}"))
            .header("content-type", "application/octet-stream")
            .body(b"four".to_vec())
    };
    let sized =
        crate::helpers::id_of(&image_of(send(reserve(&[("x-image-meta-size", "10")])).await).await);
    let wrong = "0123456789abcdef0123456789abcdef";
    let summed = crate::helpers::id_of(
        &image_of(send(reserve(&[("x-image-meta-checksum", wrong)])).await).await,
    );
    // Glance `upload_utils` compares the data with the record's size and checksum, which were
    // stored by `_reserve`, even when the upload request does not repeat them.
    refused(
        upload(&sized),
        StatusCode::BAD_REQUEST,
        "Supplied size (10) and size generated from uploaded image (4) did not match. Setting image status to 'killed'.",
    )
    .await;
    refused(
        upload(&summed),
        StatusCode::BAD_REQUEST,
        &format!(
            "Supplied checksum ({wrong}) and checksum generated from uploaded image ({}) did not match.",
            md5_hex(b"four")
        ),
    )
    .await;
    for id in [&sized, &summed] {
        let h = send(owner.head(&format!("/v1/images/{id}"))).await;
        assert_eq!(
            header(h.headers(), "x-image-meta-status").as_deref(),
            Some("killed")
        );
    }
    assert!(blob_files(&app).is_empty());
}

#[tokio::test]
async fn while_data_is_arriving_the_image_is_saving_and_takes_no_second_upload() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("slow", None).await;
    let path = format!("/v1/images/{id}");
    let (release, gate) = tokio::sync::oneshot::channel::<()>();
    let first = tokio::spawn(
        owner
            .put(&path)
            .header("content-type", "application/octet-stream")
            .body(gated_body(gate))
            .send(),
    );
    wait_for_status(&owner, &id, "saving").await;
    refused(
        owner
            .put(&path)
            .header("content-type", "application/octet-stream")
            .body(b"second".to_vec()),
        StatusCode::CONFLICT,
        "Cannot upload to an unqueued image",
    )
    .await;
    refused(
        owner.get(&path),
        StatusCode::NOT_FOUND,
        &format!("Image {id} is not active"),
    )
    .await;
    release.send(()).expect("upload still running");
    let response = first.await.expect("task").expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(download(&owner, &id).await.2, b"first half, second half");
}

#[tokio::test]
async fn an_image_deleted_during_its_upload_stays_deleted_and_keeps_no_bytes() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("doomed", None).await;
    let path = format!("/v1/images/{id}");
    let (release, gate) = tokio::sync::oneshot::channel::<()>();
    let upload = tokio::spawn(
        plain(owner.put(&path))
            .header("content-type", "application/octet-stream")
            .body(gated_body(gate))
            .send(),
    );
    wait_for_status(&owner, &id, "saving").await;
    assert_eq!(send(owner.delete(&path)).await.status(), StatusCode::OK);
    release.send(()).expect("upload still running");
    let response = upload.await.expect("task").expect("response");
    // Glance `upload_utils`: ImageNotFound after the store write → 412 Precondition Failed.
    expect_error(
        response,
        StatusCode::PRECONDITION_FAILED,
        &format!("Image {id} could not be found after upload. The image may have been deleted during the upload."),
    )
    .await;
    assert_eq!(owner.head_status(&id).await, StatusCode::NOT_FOUND);
    let h = send(app.admin().head(&path)).await;
    assert_eq!(
        header(h.headers(), "x-image-meta-status").as_deref(),
        Some("deleted")
    );
    assert!(blob_files(&app).is_empty());
}

/// A chunked body that sends its first half, then waits for `gate` before the second.
fn gated_body(gate: tokio::sync::oneshot::Receiver<()>) -> reqwest::Body {
    let stream = futures::stream::unfold((0, Some(gate)), |(step, gate)| async move {
        match step {
            0 => Some((
                Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"first half, ")),
                (1, gate),
            )),
            1 => {
                if let Some(gate) = gate {
                    let _ = gate.await;
                }
                Some((Ok(bytes::Bytes::from_static(b"second half")), (2, None)))
            }
            _ => None,
        }
    });
    reqwest::Body::wrap_stream(stream)
}

/// Polls HEAD until the image reaches `status` (the server moves it there on its own).
async fn wait_for_status(caller: &Caller<'_>, id: &str, status: &str) {
    for _ in 0..2000 {
        let h = send(caller.head(&format!("/v1/images/{id}"))).await;
        if header(h.headers(), "x-image-meta-status").as_deref() == Some(status) {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("{id} never reached {status}");
}
