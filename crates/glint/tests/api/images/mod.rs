//! Images v1, the image resource, happy paths (v1-images §2 record, §2.2 ownership, §2.3
//! `is_public`, §3 statuses, §4.1/§4.2 header codec, §5.1 create, §5.2 list, §5.3 HEAD, §5.4 GET,
//! §5.5 PUT, §5.6 DELETE; transcript blocks 2, 3, 16–18, 48, 50, 51).
//! Error rows of §5 are in `images_errors`. This module holds the helpers both share.

mod create;
mod headers;
mod list;
mod update_delete;

use crate::helpers::*;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;

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

// ---- helpers shared by the submodules and images_errors ----

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

/// A second connection to the test server's database, for what v1 does not show.
pub(crate) async fn open_db(app: &TestApp) -> glint_db::Db {
    app.db().await
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

/// Every object key in the blob store (whichever back end the test runs on).
pub(crate) async fn blob_files(app: &TestApp) -> Vec<String> {
    app.blob_keys().await
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
pub(crate) async fn snapshot(app: &TestApp) -> (Value, Vec<String>) {
    let body =
        json_of(
            send(app.admin().get(
                "/v1/images/detail?is_public=none&changes-since=1900-01-01T00:00:00&limit=1000",
            ))
            .await,
        )
        .await;
    (body, blob_files(app).await)
}

/// The request with `Accept: text/plain`, so error bodies are WebOb's plain text.
pub(crate) fn plain(request: RequestBuilder) -> RequestBuilder {
    request.header("accept", "text/plain")
}
