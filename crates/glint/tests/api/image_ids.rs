//! Image ids are matched exactly as stored, and client-chosen ids are stored as written, as Glance
//! 33 (v2) and Glance 15 (v1) do on SQLite: another spelling of an existing id (upper case,
//! without hyphens, braces, `urn:uuid:`) names no image (404), and `ABC…` / `abc…` may be two
//! different images. Checked against both peers; Glance 15 answers 500 for a braces or
//! `urn:uuid:` id on create, glint 400 (DECISIONS D9).

use crate::helpers::*;
use crate::v2_client::expect_v2_error;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Other spellings of `id`, none of which finds it.
fn spellings(id: &str) -> Vec<String> {
    vec![
        id.to_uppercase(),
        id.replace('-', ""),
        format!("%7B{id}%7D"),
        format!("urn:uuid:{id}"),
        format!("%20{id}"),
    ]
}

#[tokio::test]
async fn v1_lookups_need_the_stored_spelling() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("spelled", Some(b"data")).await;
    assert_eq!(owner.head_status(&id).await, StatusCode::OK);
    for other in spellings(&id) {
        let image = format!("/v1/images/{other}");
        for (method, path) in [
            (Method::HEAD, image.clone()),
            (Method::GET, image.clone()),
            (Method::PUT, image.clone()),
            (Method::DELETE, image.clone()),
            (Method::GET, format!("{image}/members")),
            (Method::PUT, format!("{image}/members/{MEMBER}")),
            (Method::DELETE, format!("{image}/members/{MEMBER}")),
        ] {
            let response = send(owner.request(method.clone(), &path)).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
        }
    }
    // Nothing was changed through another spelling.
    assert_eq!(owner.head_status(&id).await, StatusCode::OK);
    assert_eq!(owner.members(&id).await, (StatusCode::OK, vec![]));
}

#[tokio::test]
async fn v1_client_ids_are_stored_as_written() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let lower = "0768d71b-5812-40b1-a7fd-7e10931f7295";
    for id in [
        lower.to_uppercase(),
        "81fe735e6d334047924428850ac66c98".into(),
    ] {
        let image = owner
            .create_image_with("as-written", None, &[("x-image-meta-id", id.as_str())])
            .await;
        assert_eq!(image["id"], json!(id));
        assert_eq!(owner.head_status(&id).await, StatusCode::OK);
    }
    // The lower-case spelling of the upper-case id is another image.
    assert_eq!(owner.head_status(lower).await, StatusCode::NOT_FOUND);
    let image = owner
        .create_image_with("lower", None, &[("x-image-meta-id", lower)])
        .await;
    assert_eq!(image["id"], json!(lower));
    let mut names = Vec::new();
    for id in [lower.to_owned(), lower.to_uppercase()] {
        let response = send(owner.request(Method::HEAD, &format!("/v1/images/{id}"))).await;
        names.push(response.headers()["x-image-meta-name"].clone());
    }
    assert_eq!(names, ["lower", "as-written"]);
    // Spellings Glance cannot store (it answers 500) are refused.
    for id in [format!("{{{lower}}}"), format!("urn:uuid:{lower}")] {
        let response = send(
            owner
                .post("/v1/images")
                .header("x-image-meta-id", id.as_str()),
        )
        .await;
        expect_error(response, StatusCode::BAD_REQUEST, "Invalid image id format").await;
    }
}

#[tokio::test]
async fn v2_lookups_need_the_stored_spelling() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("spelled", "shared").await;
    assert_eq!(owner.v2_upload(&id, b"data").await, StatusCode::NO_CONTENT);
    for other in spellings(&id) {
        let image = format!("/v2/images/{other}");
        for (method, path) in [
            (Method::GET, image.clone()),
            (Method::DELETE, image.clone()),
            (Method::GET, format!("{image}/file")),
            (Method::GET, format!("{image}/members")),
            (Method::GET, format!("{image}/members/{MEMBER}")),
            (Method::PUT, format!("{image}/tags/t")),
            (Method::POST, format!("{image}/actions/deactivate")),
        ] {
            let response = send(owner.request(method.clone(), &path)).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
        }
        let response = owner.v2_add_member(&other, MEMBER).await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "add member {other}"
        );
        let response = owner
            .v2_patch(
                &other,
                json!([{"op": "replace", "path": "/name", "value": "x"}]),
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "patch {other}");
    }
    let response = send(owner.get(&format!("/v2/images/{id}"))).await;
    let image: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        (
            image["name"].clone(),
            image["status"].clone(),
            image["tags"].clone()
        ),
        (json!("spelled"), json!("active"), json!([]))
    );
    assert_eq!(owner.v2_members(&id).await, (StatusCode::OK, vec![]));
}

#[tokio::test]
async fn v2_client_ids_are_stored_as_written() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let upper = "0768D71B-5812-40B1-A7FD-7E10931F7295";
    let image = owner.v2_create(json!({"id": upper, "name": "upper"})).await;
    assert_eq!(
        (image["id"].clone(), image["self"].clone()),
        (json!(upper), json!(format!("/v2/images/{upper}")))
    );
    let lower = upper.to_lowercase();
    let response = send(owner.get(&format!("/v2/images/{lower}"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let image = owner.v2_create(json!({"id": lower, "name": "lower"})).await;
    assert_eq!(image["id"], json!(lower));
    for (id, name) in [(upper, "upper"), (lower.as_str(), "lower")] {
        let response = send(owner.get(&format!("/v2/images/{id}"))).await;
        let image: serde_json::Value = response.json().await.expect("json");
        assert_eq!(image["name"], json!(name));
    }
    // The schema's pattern: hyphens only in the 8-4-4-4-12 places, 36 characters.
    for id in [
        "0768d71b5-812-40b1-a7fd-7e10931f7295",
        "0768d71b581240b1a7fd7e10931f7295",
    ] {
        let response = send(
            owner
                .post("/v2/images")
                .json(&json!({"id": id, "name": "bad"})),
        )
        .await;
        expect_v2_error(response, StatusCode::BAD_REQUEST, "does not match").await;
    }
}
