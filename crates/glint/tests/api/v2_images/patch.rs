//! `PATCH /v2/images/{id}`: JSON-patch documents, their refusals, and who may patch.

use crate::helpers::{MEMBER, OWNER, send, spawn_app};
use crate::v2_client::expect_v2_error as expect_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn add_replace_remove_core_and_custom_properties() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("before", "private").await;
    let response = owner
        .v2_patch(
            &id,
            json!([
                {"op": "replace", "path": "/name", "value": "after"},
                {"op": "add", "path": "/hw_disk_bus", "value": "scsi"},
                {"op": "add", "path": "/os_distro", "value": "debian"},
                {"op": "replace", "path": "/min_ram", "value": 512},
                {"op": "replace", "path": "/protected", "value": true},
                {"op": "replace", "path": "/visibility", "value": "shared"},
                {"op": "replace", "path": "/tags", "value": ["a", "b", "a"]},
                {"op": "remove", "path": "/os_distro"},
            ]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let image: Value = response.json().await.expect("json");
    assert_eq!(image["name"], "after");
    assert_eq!(image["hw_disk_bus"], "scsi");
    assert!(image.get("os_distro").is_none());
    assert_eq!(image["min_ram"], 512);
    assert_eq!(image["protected"], true);
    assert_eq!(image["visibility"], "shared");
    assert_eq!(image["tags"], json!(["a", "b"]));
    let shown: Value = send(owner.get(&format!("/v2/images/{id}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shown, image, "the change was stored");
    // An empty patch changes nothing.
    let same: Value = owner
        .v2_patch(&id, json!([]))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(same["updated_at"], image["updated_at"]);
}

#[tokio::test]
async fn refused_patches_change_nothing() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("keep", "private").await;
    let before: Value = send(owner.get(&format!("/v2/images/{id}")))
        .await
        .json()
        .await
        .expect("json");
    for (ops, status, needle) in [
        (
            json!({}),
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON array of operation objects.",
        ),
        (
            json!(["x"]),
            StatusCode::BAD_REQUEST,
            "Operations must be JSON objects.",
        ),
        (
            json!([{"path": "/name"}]),
            StatusCode::BAD_REQUEST,
            "Unable to find `op` in JSON Schema change.",
        ),
        (
            json!([{"op": "move", "path": "/name"}]),
            StatusCode::BAD_REQUEST,
            "Invalid operation: `move`.",
        ),
        (
            json!([{"op": "add", "value": 1}]),
            StatusCode::BAD_REQUEST,
            "Unable to find 'path' in JSON Schema change",
        ),
        (
            json!([{"op": "add", "path": "/x"}]),
            StatusCode::BAD_REQUEST,
            "Operation \"add\" requires a member named \"value\".",
        ),
        (
            json!([{"op": "add", "path": "x", "value": "1"}]),
            StatusCode::BAD_REQUEST,
            "does not start with \"/\".",
        ),
        (
            json!([{"op": "add", "path": "/a//b", "value": "1"}]),
            StatusCode::BAD_REQUEST,
            "contains adjacent \"/\".",
        ),
        (
            json!([{"op": "add", "path": "/a/", "value": "1"}]),
            StatusCode::BAD_REQUEST,
            "end with \"/\".",
        ),
        (
            json!([{"op": "add", "path": "/a~2", "value": "1"}]),
            StatusCode::BAD_REQUEST,
            "not part of a recognized escape sequence.",
        ),
        (
            json!([{"op": "add", "path": "/tags/-", "value": "t"}]),
            StatusCode::BAD_REQUEST,
            "Invalid JSON pointer for this resource: '/tags/-'",
        ),
        (
            json!([{"op": "replace", "path": "/status", "value": "active"}]),
            StatusCode::FORBIDDEN,
            "Attribute 'status' is read-only.",
        ),
        (
            json!([{"op": "replace", "path": "/id", "value": "x"}]),
            StatusCode::FORBIDDEN,
            "Attribute 'id' is read-only.",
        ),
        (
            json!([{"op": "add", "path": "/deleted", "value": "1"}]),
            StatusCode::FORBIDDEN,
            "Attribute 'deleted' is reserved.",
        ),
        (
            json!([{"op": "replace", "path": "/min_ram", "value": "big"}]),
            StatusCode::BAD_REQUEST,
            "'big' is not of type 'integer'",
        ),
        (
            json!([{"op": "add", "path": "/custom", "value": 1}]),
            StatusCode::BAD_REQUEST,
            "1 is not of type 'string'",
        ),
        (
            json!([{"op": "replace", "path": "/nope", "value": "1"}]),
            StatusCode::CONFLICT,
            "Property nope does not exist.",
        ),
        (
            json!([{"op": "remove", "path": "/nope"}]),
            StatusCode::CONFLICT,
            "Property nope does not exist.",
        ),
        (
            json!([{"op": "remove", "path": "/name"}]),
            StatusCode::FORBIDDEN,
            "Property name may not be removed.",
        ),
        (
            json!([{"op": "replace", "path": "/visibility", "value": "public"}]),
            StatusCode::FORBIDDEN,
            "You are not authorized to complete publicize_image action.",
        ),
        (
            json!([{"op": "replace", "path": "/owner", "value": MEMBER}]),
            StatusCode::FORBIDDEN,
            "Owner can't be updated by non admin.",
        ),
        (
            json!([{"op": "add", "path": "/locations/-", "value": {"url": "http://x", "metadata": {}}}]),
            StatusCode::FORBIDDEN,
            "It's not allowed to add locations if locations are invisible.",
        ),
        // Valid first op, failing second: the whole patch is refused.
        (
            json!([{"op": "replace", "path": "/name", "value": "changed"}, {"op": "remove", "path": "/nope"}]),
            StatusCode::CONFLICT,
            "Property nope does not exist.",
        ),
    ] {
        expect_error(owner.v2_patch(&id, ops.clone()).await, status, needle).await;
    }
    // Draft 4 (v2.0) forms: `add` of an existing attribute is a conflict.
    let response = send(
        owner
            .request(reqwest::Method::PATCH, &format!("/v2/images/{id}"))
            .header(
                "content-type",
                "application/openstack-images-v2.0-json-patch",
            )
            .body(json!([{"add": "/name", "value": "x"}]).to_string()),
    )
    .await;
    expect_error(
        response,
        StatusCode::CONFLICT,
        "Property name already present.",
    )
    .await;
    // Wrong media type: 415 with Accept-Patch.
    let response = send(
        owner
            .request(reqwest::Method::PATCH, &format!("/v2/images/{id}"))
            .json(&json!([])),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        response.headers()["accept-patch"],
        "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"
    );
    let after: Value = send(owner.get(&format!("/v2/images/{id}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(after, before);
}

#[tokio::test]
async fn formats_are_fixed_once_data_is_there() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("fmt", "private").await;
    assert_eq!(owner.v2_upload(&id, b"data").await, StatusCode::NO_CONTENT);
    expect_error(
        owner
            .v2_patch(
                &id,
                json!([{"op": "replace", "path": "/disk_format", "value": "qcow2"}]),
            )
            .await,
        StatusCode::FORBIDDEN,
        "Attribute disk_format can be only replaced for a queued image.",
    )
    .await;
}

#[tokio::test]
async fn only_owners_and_admins_patch() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("mine", "shared").await;
    assert_eq!(
        owner.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    let op = json!([{"op": "replace", "path": "/name", "value": "hijack"}]);
    expect_error(
        app.tenant(MEMBER).v2_patch(&id, op.clone()).await,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete modify_image action.",
    )
    .await;
    expect_error(
        app.tenant("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee")
            .v2_patch(&id, op.clone())
            .await,
        StatusCode::NOT_FOUND,
        &format!("No image found with ID {id}"),
    )
    .await;
    let by_admin = app.admin().v2_patch(&id, op).await;
    assert_eq!(by_admin.status(), StatusCode::OK);
}
