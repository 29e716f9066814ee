//! Downloads never return partial data: an active image whose blob is missing (404) or of the
//! wrong length (5xx) is answered with an error, never a 200 whose body is shorter than its
//! Content-Length.

use super::*;
use bytes::Bytes;
use reqwest::StatusCode;

/// Replaces the blob of image `id` by `bytes` (simulating data lost or damaged in the store).
async fn damage(app: &TestApp, id: &str, bytes: Option<&'static [u8]>) {
    let image = app
        .db()
        .await
        .get_image(&ImageId::from_stored(id.to_owned()))
        .await
        .expect("db")
        .expect("image");
    let key = image.location.expect("a location");
    let store = app.store();
    store.delete(&key).await.expect("delete");
    if let Some(bytes) = bytes {
        let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(bytes))]);
        store.put_stream(&key, body, 1 << 20).await.expect("put");
    }
}

#[tokio::test]
async fn a_short_or_missing_blob_is_an_error_not_a_truncated_download() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let bytes = data(50_000, 9);
    for (case, replacement) in [("short", Some(&b"only a few bytes"[..])), ("missing", None)] {
        let id = owner.create_image_id(case, Some(&bytes)).await;
        damage(&app, &id, replacement).await;
        for path in [format!("/v1/images/{id}"), format!("/v2/images/{id}/file")] {
            let response = send(owner.get(&path)).await;
            // Missing data is Glance's 404 (limits::store_errors); a damaged blob is a 5xx.
            let expected = match replacement {
                Some(_) => response.status().is_server_error(),
                None => response.status() == StatusCode::NOT_FOUND,
            };
            assert!(expected, "{case} {path}: {}", response.status());
            let body = response.bytes().await.expect("an error body");
            assert!(body.len() < 1024, "{case} {path}: image bytes in the error");
        }
        let ranged = send(
            owner
                .get(&format!("/v2/images/{id}/file"))
                .header("range", "bytes=0-9"),
        )
        .await;
        let expected = match replacement {
            Some(_) => ranged.status().is_server_error(),
            None => ranged.status() == StatusCode::NOT_FOUND,
        };
        assert!(expected, "{case} ranged: {}", ranged.status());
    }
    // An intact image is still served whole.
    let id = owner.create_image_id("intact", Some(&bytes)).await;
    let response = send(owner.get(&format!("/v1/images/{id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.expect("body") == bytes);
}
