//! Typed helpers for Images API v2 calls, on top of [`Caller`](crate::helpers::Caller).
#![allow(dead_code)]

use crate::helpers::{Caller, id_of, send};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The media type of v2 PATCH bodies.
pub const PATCH_TYPE: &str = "application/openstack-images-v2.1-json-patch";

impl Caller<'_> {
    /// `POST /v2/images` with `body`; asserts 201 and returns the image JSON.
    pub async fn v2_create(&self, body: Value) -> Value {
        let response = send(self.post("/v2/images").json(&body)).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::CREATED, "v2 create: {text}");
        serde_json::from_str(&text).expect("json")
    }

    /// Creates a raw/bare image with `visibility` and returns its id.
    pub async fn v2_create_id(&self, name: &str, visibility: &str) -> String {
        id_of(
            &self
                .v2_create(json!({
                    "name": name,
                    "disk_format": "raw",
                    "container_format": "bare",
                    "visibility": visibility,
                }))
                .await,
        )
    }

    /// `PUT /v2/images/{id}/file` with `data`; returns the status.
    pub async fn v2_upload(&self, image: &str, data: &[u8]) -> StatusCode {
        send(
            self.put(&format!("/v2/images/{image}/file"))
                .header("content-type", "application/octet-stream")
                .body(data.to_vec()),
        )
        .await
        .status()
    }

    /// `PATCH /v2/images/{id}` with a JSON-patch document; returns the raw response.
    pub async fn v2_patch(&self, image: &str, ops: Value) -> reqwest::Response {
        send(
            self.request(reqwest::Method::PATCH, &format!("/v2/images/{image}"))
                .header("content-type", PATCH_TYPE)
                .body(ops.to_string()),
        )
        .await
    }

    /// `POST /v2/images/{id}/members` with `{"member": member}`; returns the raw response.
    pub async fn v2_add_member(&self, image: &str, member: &str) -> reqwest::Response {
        send(
            self.post(&format!("/v2/images/{image}/members"))
                .json(&json!({ "member": member })),
        )
        .await
    }

    /// `PUT /v2/images/{id}/members/{member}` with `{"status": status}`.
    pub async fn v2_set_member_status(
        &self,
        image: &str,
        member: &str,
        status: &str,
    ) -> reqwest::Response {
        send(
            self.put(&format!("/v2/images/{image}/members/{member}"))
                .json(&json!({ "status": status })),
        )
        .await
    }

    /// Ids in `GET /v2/images{query}` (asserting 200), following no `next` link.
    pub async fn v2_list_ids(&self, query: &str) -> Vec<String> {
        let response = send(self.get(&format!("/v2/images{query}"))).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "v2 list {query}: {text}");
        let body: Value = serde_json::from_str(&text).expect("json");
        body["images"]
            .as_array()
            .expect("images")
            .iter()
            .map(id_of)
            .collect()
    }
}

/// Asserts status and that the body, HTML entities decoded (WebOb escapes quotes in its HTML
/// error pages), contains `needle`.
pub async fn expect_v2_error(response: reqwest::Response, status: StatusCode, needle: &str) {
    let got = response.status();
    let body = response.text().await.expect("body");
    let decoded = body
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert_eq!(got, status, "body: {body}");
    assert!(
        decoded.contains(needle),
        "expected {needle:?} in {decoded:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// v2 members.

impl crate::helpers::TestApp {
    /// A caller of project `project` with only the `reader` role (secure-RBAC read-only persona).
    pub fn reader(&self, project: &str) -> Caller<'_> {
        self.with_headers(vec![
            ("x-identity-status", "Confirmed".into()),
            ("x-tenant-id", project.into()),
            ("x-user-id", format!("reader-{project}")),
            ("x-roles", "reader".into()),
        ])
    }
}

impl Caller<'_> {
    /// `GET /v2/images/{id}/members/{member}`; the raw response.
    pub async fn v2_show_member(&self, image: &str, member: &str) -> reqwest::Response {
        send(self.get(&format!("/v2/images/{image}/members/{member}"))).await
    }

    /// `DELETE /v2/images/{id}/members/{member}`; the raw response.
    pub async fn v2_remove_member(&self, image: &str, member: &str) -> reqwest::Response {
        send(self.delete(&format!("/v2/images/{image}/members/{member}"))).await
    }

    /// `(status, [(member_id, status)])` of `GET /v2/images/{id}/members`.
    pub async fn v2_members(&self, image: &str) -> (StatusCode, Vec<(String, String)>) {
        let response = send(self.get(&format!("/v2/images/{image}/members"))).await;
        let status = response.status();
        if status != StatusCode::OK {
            return (status, Vec::new());
        }
        let body: Value = response.json().await.expect("json");
        let rows = body["members"]
            .as_array()
            .expect("members array")
            .iter()
            .map(|m| {
                (
                    m["member_id"].as_str().expect("member_id").to_owned(),
                    m["status"].as_str().expect("status").to_owned(),
                )
            })
            .collect();
        (status, rows)
    }

    /// Adds `member` through v2, asserting 200; returns the member object.
    pub async fn v2_add_member_ok(&self, image: &str, member: &str) -> Value {
        let response = self.v2_add_member(image, member).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "v2 add member {member}: {text}");
        serde_json::from_str(&text).expect("json")
    }
}
