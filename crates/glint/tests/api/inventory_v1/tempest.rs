//! Tempest v1 image and member tests (A.6): private images with data, add body `{"member": {}}`.

use super::{create, create_json, json_body, rows, sorted, tempest_image};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// A.6 Tempest v1 (`tempest/api/image/v1/`): private images with data, add body `{"member": {}}`.

#[tokio::test]
async fn a6_tempest_image_members() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let alt = app.tenant(MEMBER);
    let first = tempest_image(&owner).await;
    let second = tempest_image(&owner).await;
    let empty = Some(json!({"member": {}}));
    assert_eq!(
        owner.add_member(&first, MEMBER, empty.clone()).await,
        StatusCode::NO_CONTENT
    ); // V1-T01
    assert_eq!(owner.members(&first).await.1, rows(&[(MEMBER, false)])); // V1-T01
    assert_eq!(
        send(alt.get(&format!("/v1/images/{first}"))).await.status(),
        StatusCode::OK
    ); // V1-T01
    owner.add_member(&second, MEMBER, empty).await;
    let shared: Vec<String> = alt
        .shared_images(MEMBER)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(sorted(shared), sorted(vec![first.clone(), second.clone()])); // V1-T02
    assert_eq!(
        owner.remove_member(&first, MEMBER).await,
        StatusCode::NO_CONTENT
    ); // V1-T03
    assert_eq!(owner.members(&first).await.1, vec![]); // V1-T03
    assert_eq!(
        send(alt.get(&format!("/v1/images/{first}"))).await.status(),
        StatusCode::NOT_FOUND
    ); // V1-T03
}

#[tokio::test]
async fn a6_tempest_image_members_negative() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let random = uuid::Uuid::new_v4().to_string();
    let body = Some(json!({"member": {}}));
    assert_eq!(
        owner.add_member(&random, MEMBER, body).await,
        StatusCode::NOT_FOUND
    ); // V1-T04
    assert_eq!(
        owner.remove_member(&random, MEMBER).await,
        StatusCode::NOT_FOUND
    ); // V1-T05
    let image = tempest_image(&owner).await;
    assert_eq!(
        owner.remove_member(&image, MEMBER).await,
        StatusCode::NOT_FOUND
    ); // V1-T06
    let response = send(app.tenant(MEMBER).get(&format!("/v1/images/{image}"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V1-T07
}

#[tokio::test]
async fn a6_tempest_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let private = [("x-image-meta-is_public", "False")];
    // V1-T08: register, then upload.
    let id = create(&owner, "registered", None, &private).await;
    let response = send(
        owner
            .put(&format!("/v1/images/{id}"))
            .header("content-type", "application/octet-stream")
            .body(vec![b'x'; 1024]),
    )
    .await;
    let image = json_body(response).await["image"].clone();
    assert_eq!(image["is_public"], false); // V1-T08
    assert_eq!(image["status"], "active"); // V1-T08
    // V1-T08: min_ram.
    let image = create_json(
        &owner,
        &[
            ("x-image-meta-is_public", "False"),
            ("x-image-meta-min_ram", "40"),
        ],
    )
    .await;
    assert_eq!(
        (image["is_public"].clone(), image["min_ram"].clone()),
        (json!(false), json!(40))
    ); // V1-T08
    // V1-T08 (remote / http location): not applicable, glint refuses external sources.
    let response = send(
        owner
            .post("/v1/images")
            .header("x-image-meta-is_public", "False")
            .header("x-image-meta-location", "http://example.com/someimage.iso"),
    )
    .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "External sources are not supported",
    )
    .await; // V1-T08
    // V1-T09: invalid formats on create.
    for (name, value) in [
        ("x-image-meta-container_format", "wrong"),
        ("x-image-meta-disk_format", "wrong"),
    ] {
        let response = send(owner.post("/v1/images").header(name, value)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}"); // V1-T09
    }
    // V1-T09: delete of a non-existent, blank, malformed (`!@#$%^&*()`, percent-encoded) or
    // over-long id.
    let missing = uuid::Uuid::new_v4().to_string();
    let malformed = "%21%40%23%24%25%5E%26%2A%28%29";
    for id in [missing.as_str(), "", malformed, &"a".repeat(37)] {
        let response = send(owner.delete(&format!("/v1/images/{id}"))).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{id:?}"); // V1-T09
    }
}
