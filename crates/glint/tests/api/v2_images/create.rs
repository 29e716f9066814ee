//! `POST /v2/images` and `GET /v2/images/{id}` (transcript #3, #5).

use crate::helpers::{OUTSIDER, OWNER, id_of, send, spawn_app};
use crate::v2_client::expect_v2_error as expect_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn create_returns_the_image_as_glance_does() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let response = send(owner.post("/v2/images").json(&json!({
        "name": "peer-test", "disk_format": "raw", "container_format": "bare",
        "visibility": "private", "tags": ["t1"], "custom_prop": "v1"
    })))
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id_location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("Location header");
    let image: Value = response.json().await.expect("json");
    let id = id_of(&image);
    assert!(id_location.ends_with(&format!("/v2/images/{id}")));
    for (key, expected) in [
        ("custom_prop", json!("v1")),
        ("name", json!("peer-test")),
        ("disk_format", json!("raw")),
        ("container_format", json!("bare")),
        ("visibility", json!("private")),
        ("size", Value::Null),
        ("virtual_size", Value::Null),
        ("status", json!("queued")),
        ("checksum", Value::Null),
        ("protected", json!(false)),
        ("min_ram", json!(0)),
        ("min_disk", json!(0)),
        ("owner", json!(OWNER)),
        ("os_hidden", json!(false)),
        ("os_hash_algo", Value::Null),
        ("os_hash_value", Value::Null),
        ("tags", json!(["t1"])),
        ("self", json!(format!("/v2/images/{id}"))),
        ("file", json!(format!("/v2/images/{id}/file"))),
        ("schema", json!("/v2/schemas/image")),
    ] {
        assert_eq!(image[key], expected, "{key}");
    }
    let created = image["created_at"].as_str().expect("created_at");
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    assert_eq!(image.as_object().map(|o| o.len()), Some(23));

    let shown: Value = send(owner.get(&format!("/v2/images/{id}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shown, image);
}

#[tokio::test]
async fn default_visibility_is_shared_and_a_client_id_is_kept() {
    let app = spawn_app().await;
    let id = "0b6d2c1e-5a3e-4c7a-9d0b-3b1f4e2a6c11";
    let image = app
        .tenant(OWNER)
        .v2_create(json!({"id": id, "name": "x"}))
        .await;
    assert_eq!(image["id"], id);
    assert_eq!(image["visibility"], "shared");
    // The same id again: 409.
    let again = send(
        app.tenant(OWNER)
            .post("/v2/images")
            .json(&json!({"id": id})),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_create_bodies_are_refused_and_nothing_is_created() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    for (body, status, needle) in [
        (
            json!({"status": "active"}),
            StatusCode::FORBIDDEN,
            "Attribute 'status' is read-only.",
        ),
        (
            json!({"self": "/x"}),
            StatusCode::FORBIDDEN,
            "Attribute 'self' is read-only.",
        ),
        (
            json!({"size": 1}),
            StatusCode::FORBIDDEN,
            "Attribute 'size' is read-only.",
        ),
        (
            json!({"deleted": "1"}),
            StatusCode::FORBIDDEN,
            "Attribute 'deleted' is reserved.",
        ),
        (
            json!({"os_glance_x": "1"}),
            StatusCode::FORBIDDEN,
            "Attribute 'os_glance_x' is reserved.",
        ),
        (
            json!({"disk_format": "floppy"}),
            StatusCode::BAD_REQUEST,
            "Provided object does not match schema 'image': 'floppy' is not one of [None, 'ami',",
        ),
        (
            json!({"visibility": "everyone"}),
            StatusCode::BAD_REQUEST,
            "'everyone' is not one of ['community', 'public', 'private', 'shared']",
        ),
        (
            json!({"name": 5}),
            StatusCode::BAD_REQUEST,
            "5 is not of type 'null', 'string'",
        ),
        (
            json!({"protected": "yes"}),
            StatusCode::BAD_REQUEST,
            "'yes' is not of type 'boolean'",
        ),
        (
            json!({"custom": 1}),
            StatusCode::BAD_REQUEST,
            "1 is not of type 'string'",
        ),
        (
            json!({"tags": ["a", 2]}),
            StatusCode::BAD_REQUEST,
            "2 is not of type 'string'",
        ),
        (
            json!({"id": "abc"}),
            StatusCode::BAD_REQUEST,
            "'abc' does not match",
        ),
        (
            json!(["x"]),
            StatusCode::BAD_REQUEST,
            "is not of type 'object'",
        ),
        (
            json!({ "k".repeat(256): "v" }),
            StatusCode::BAD_REQUEST,
            "Custom property should not be greater than 255 characters.",
        ),
    ] {
        expect_error(
            send(owner.post("/v2/images").json(&body)).await,
            status,
            needle,
        )
        .await;
    }
    expect_error(
        send(
            owner
                .post("/v2/images")
                .header("content-type", "application/json"),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "Body expected in request.",
    )
    .await;
    expect_error(
        send(owner.post("/v2/images").body("{not json")).await,
        StatusCode::BAD_REQUEST,
        "Malformed JSON in request body.",
    )
    .await;
    assert!(owner.v2_list_ids("").await.is_empty());
}

#[tokio::test]
async fn who_may_create_what() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    // Making an image public is admin-only; community is open to project members.
    expect_error(
        send(
            owner
                .post("/v2/images")
                .json(&json!({"visibility": "public"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete publicize_image action.",
    )
    .await;
    owner.v2_create(json!({"visibility": "community"})).await;
    // Another project as owner: only admins.
    expect_error(
        send(owner.post("/v2/images").json(&json!({"owner": OUTSIDER}))).await,
        StatusCode::FORBIDDEN,
        "You are not permitted to create images owned by 'ffffffffffffffffffffffffffffffff'",
    )
    .await;
    let made = app
        .admin()
        .v2_create(json!({"owner": OUTSIDER, "visibility": "public"}))
        .await;
    assert_eq!(made["owner"], OUTSIDER);
    // A reader may not create; an anonymous caller is read-only.
    let reader = app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-tenant-id", OWNER.into()),
        ("x-roles", "reader".into()),
    ]);
    expect_error(
        send(reader.post("/v2/images").json(&json!({}))).await,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete add_image action.",
    )
    .await;
    let status = send(app.anonymous().post("/v2/images").json(&json!({})))
        .await
        .status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
