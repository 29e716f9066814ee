//! The handful of Images API calls the scenarios make, each checking the status Glance answers.

use crate::target::{Caller, Target};
use anyhow::{Context, bail};
use bytes::Bytes;
use futures::StreamExt;
use reqwest::{Method, Response, StatusCode};

/// Fails unless `response` has status `want`; the body goes into the error.
async fn expect(response: Response, want: StatusCode, what: &str) -> anyhow::Result<Response> {
    if response.status() == want {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    bail!(
        "{what}: {status} (wanted {want}): {}",
        body.chars().take(200).collect::<String>()
    )
}

/// `POST /v2/images` (metadata only) by `owner`; returns the new id.
pub async fn create_image(target: &Target, owner: &Caller, name: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({
        "name": name,
        "disk_format": "raw",
        "container_format": "bare",
        // Only `shared` images take members in v2 (Glance 33's default visibility too).
        "visibility": "shared",
    });
    let response = target
        .request(owner, Method::POST, "/v2/images")
        .json(&body)
        .send()
        .await?;
    let image: serde_json::Value = expect(response, StatusCode::CREATED, "create image")
        .await?
        .json()
        .await?;
    image["id"]
        .as_str()
        .map(str::to_owned)
        .context("create image: no id in the answer")
}

/// `POST /v2/images/{id}/members`.
pub async fn add_member(
    target: &Target,
    owner: &Caller,
    image: &str,
    member: &str,
) -> anyhow::Result<()> {
    let response = target
        .request(owner, Method::POST, &format!("/v2/images/{image}/members"))
        .json(&serde_json::json!({ "member": member }))
        .send()
        .await?;
    expect(response, StatusCode::OK, "add member").await?;
    Ok(())
}

/// `GET` of a JSON document; returns the body length.
pub async fn get_json(target: &Target, caller: &Caller, path: &str) -> anyhow::Result<u64> {
    let response = target.request(caller, Method::GET, path).send().await?;
    let body = expect(response, StatusCode::OK, path)
        .await?
        .bytes()
        .await?;
    Ok(body.len() as u64)
}

/// `POST /v1/images` without data (a `queued` image); returns the new id.
pub async fn create_image_v1(
    target: &Target,
    owner: &Caller,
    name: &str,
) -> anyhow::Result<String> {
    let response = target
        .request(owner, Method::POST, "/v1/images")
        .header("x-image-meta-name", name)
        .header("x-image-meta-disk_format", "raw")
        .header("x-image-meta-container_format", "bare")
        .send()
        .await?;
    let image: serde_json::Value = expect(response, StatusCode::CREATED, "v1 create image")
        .await?
        .json()
        .await?;
    image["image"]["id"]
        .as_str()
        .map(str::to_owned)
        .context("v1 create image: no id in the answer")
}

/// `PUT /v1/images/{id}/members/{member}`.
pub async fn add_member_v1(
    target: &Target,
    owner: &Caller,
    image: &str,
    member: &str,
) -> anyhow::Result<()> {
    let response = target
        .request(
            owner,
            Method::PUT,
            &format!("/v1/images/{image}/members/{member}"),
        )
        .send()
        .await?;
    expect(response, StatusCode::NO_CONTENT, "v1 add member").await?;
    Ok(())
}

/// How many images `GET /v1/shared-images/{member}` lists for `caller`.
pub async fn shared_images_v1(
    target: &Target,
    caller: &Caller,
    member: &str,
) -> anyhow::Result<usize> {
    let path = format!("/v1/shared-images/{member}");
    let response = target.request(caller, Method::GET, &path).send().await?;
    let body: serde_json::Value = expect(response, StatusCode::OK, &path)
        .await?
        .json()
        .await?;
    Ok(body["shared_images"].as_array().map_or(0, Vec::len))
}

/// One MiB of zeros, shared by every upload (the same bytes `dd if=/dev/zero` writes).
static ZEROS: [u8; 1 << 20] = [0; 1 << 20];

/// `PUT /v2/images/{id}/file` with `size` zero bytes, streamed in 1 MiB chunks with a
/// Content-Length (as `glance image-upload --file` sends a regular file).
pub async fn upload(
    target: &Target,
    owner: &Caller,
    image: &str,
    size: u64,
) -> anyhow::Result<u64> {
    let chunk = ZEROS.len() as u64;
    let chunks = futures::stream::iter((0..size.div_ceil(chunk)).map(move |n| {
        let len = chunk.min(size - n * chunk) as usize;
        Ok::<_, std::io::Error>(Bytes::from_static(&ZEROS[..len]))
    }));
    let response = target
        .request(owner, Method::PUT, &format!("/v2/images/{image}/file"))
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", size)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await?;
    expect(response, StatusCode::NO_CONTENT, "upload").await?;
    Ok(size)
}

/// `GET /v2/images/{id}/file`, read to the end; returns the bytes received.
pub async fn download(target: &Target, caller: &Caller, image: &str) -> anyhow::Result<u64> {
    let response = target
        .request(caller, Method::GET, &format!("/v2/images/{image}/file"))
        .send()
        .await?;
    let mut body = expect(response, StatusCode::OK, "download")
        .await?
        .bytes_stream();
    let mut received = 0;
    while let Some(chunk) = body.next().await {
        received += chunk?.len() as u64;
    }
    Ok(received)
}

/// `DELETE /v2/images/{id}` (clean-up after the transfer scenarios).
pub async fn delete_image(target: &Target, owner: &Caller, image: &str) -> anyhow::Result<()> {
    let response = target
        .request(owner, Method::DELETE, &format!("/v2/images/{image}"))
        .send()
        .await?;
    expect(response, StatusCode::NO_CONTENT, "delete image").await?;
    Ok(())
}
