//! Images v1 upload refusals: size cap, size/checksum mismatches, uploads to non-queued images.

use super::{meta, refused};
use crate::helpers::*;
use crate::images::{
    blob_files, chunked, download, header, image_of, kill_image, pattern, plain, snapshot,
    stored_image,
};
use reqwest::{RequestBuilder, StatusCode};
use tokio::io::AsyncWriteExt;

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
    assert!(blob_files(&app).await.is_empty());
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
    assert!(blob_files(&app).await.is_empty());
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
    assert!(blob_files(&app).await.is_empty());
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
    assert!(blob_files(&app).await.is_empty());
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
    assert!(blob_files(&app).await.is_empty());
}

/// A chunked body that sends its first half, then waits for `gate` before the second.
/// A client that goes away mid-upload (its body stream fails, so the connection is dropped with
/// bytes still owed) leaves the image `killed` with no bytes kept, never a short `active` image
/// (Glance `_upload` → `safe_kill`; v1-images §5.1 row 10).
#[tokio::test]
async fn an_upload_cut_off_by_the_client_kills_the_image_and_keeps_no_bytes() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("interrupted", None).await;
    // Over a raw socket: headers promising 1 MiB, 64 KiB of it, then the connection closes.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "PUT /v1/images/{id} HTTP/1.1\r\nHost: {address}\r\nX-Identity-Status: Confirmed\r\n\
         X-Tenant-Id: {OWNER}\r\nX-Roles: member\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        1024 * 1024
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    socket.write_all(&pattern(64 * 1024)).await.expect("part");
    socket.flush().await.expect("flush");
    // Wait until the server has started saving, then hang up.
    let mut saving = false;
    for _ in 0..500 {
        let h = send(owner.head(&format!("/v1/images/{id}"))).await;
        if header(h.headers(), "x-image-meta-status").as_deref() == Some("saving") {
            saving = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(saving, "the upload never started");
    drop(socket);
    // The server notices when the connection drops; give it a moment (no fixed sleep: poll).
    let mut last = None;
    for _ in 0..500 {
        let h = send(owner.head(&format!("/v1/images/{id}"))).await;
        last = header(h.headers(), "x-image-meta-status");
        if last.as_deref() == Some("killed") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(last.as_deref(), Some("killed"));
    assert!(
        blob_files(&app).await.is_empty(),
        "{:?}",
        blob_files(&app).await
    );
    let (status, _, _) = download(&owner, &id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

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
