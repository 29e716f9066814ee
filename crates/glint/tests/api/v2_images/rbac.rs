//! Secure-RBAC personas on image calls (DECISIONS D16): readers read, members write their own
//! project's images, members of a shared image read and download it, nobody else sees it.

use crate::helpers::{MEMBER, OUTSIDER, OWNER, TestApp, send, spawn_app};
use crate::v2_client::expect_v2_error as expect_error;
use reqwest::StatusCode;
use serde_json::json;

fn with_roles<'a>(app: &'a TestApp, project: &str, roles: &str) -> crate::helpers::Caller<'a> {
    app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-tenant-id", project.into()),
        ("x-user-id", format!("user-{project}")),
        ("x-roles", roles.into()),
    ])
}

#[tokio::test]
async fn readers_read_but_do_not_write() {
    let app = spawn_app().await;
    let id = app.tenant(OWNER).v2_create_id("r", "private").await;
    assert_eq!(
        app.tenant(OWNER).v2_upload(&id, b"x").await,
        StatusCode::NO_CONTENT
    );
    let reader = with_roles(&app, OWNER, "reader");
    assert_eq!(
        send(reader.get(&format!("/v2/images/{id}"))).await.status(),
        StatusCode::OK
    );
    assert_eq!(reader.v2_list_ids("").await, vec![id.clone()]);
    for (response, rule) in [
        (
            reader
                .v2_patch(
                    &id,
                    json!([{"op": "replace", "path": "/name", "value": "n"}]),
                )
                .await,
            "modify_image",
        ),
        (
            send(reader.delete(&format!("/v2/images/{id}"))).await,
            "delete_image",
        ),
        (
            send(reader.get(&format!("/v2/images/{id}/file"))).await,
            "download_image",
        ),
        (
            send(reader.post(&format!("/v2/images/{id}/actions/deactivate"))).await,
            "deactivate",
        ),
    ] {
        expect_error(
            response,
            StatusCode::FORBIDDEN,
            &format!("You are not authorized to complete {rule} action."),
        )
        .await;
    }
}

#[tokio::test]
async fn callers_without_roles_see_nothing() {
    let app = spawn_app().await;
    let public = app
        .admin()
        .v2_create(json!({"name": "pub", "visibility": "public", "owner": OWNER}))
        .await;
    let id = public["id"].as_str().expect("id");
    let nobody = with_roles(&app, OUTSIDER, "");
    expect_error(
        send(nobody.get("/v2/images")).await,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete get_images action.",
    )
    .await;
    expect_error(
        send(nobody.get(&format!("/v2/images/{id}"))).await,
        StatusCode::NOT_FOUND,
        "No image found with ID",
    )
    .await;
}

#[tokio::test]
async fn members_of_a_shared_image_read_it_outsiders_get_404() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.v2_create_id("s", "shared").await;
    assert_eq!(
        owner.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    let shown = send(app.tenant(MEMBER).get(&format!("/v2/images/{id}"))).await;
    assert_eq!(
        shown.status(),
        StatusCode::OK,
        "pending members see it by id"
    );
    expect_error(
        send(app.tenant(MEMBER).delete(&format!("/v2/images/{id}"))).await,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete delete_image action.",
    )
    .await;
    let response = send(
        app.tenant(OUTSIDER)
            .get(&format!("/v2/images/{id}"))
            .header("accept", "application/json"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({
            "message": format!("No image found with ID {id}<br /><br />\n\n\n"),
            "code": "404 Not Found",
            "title": "Not Found"
        })
    );
    // Private: members lose access (D15 / v2-sharing §1.1).
    let private = owner
        .v2_patch(
            &id,
            json!([{"op": "replace", "path": "/visibility", "value": "private"}]),
        )
        .await;
    assert_eq!(private.status(), StatusCode::OK);
    assert_eq!(
        send(app.tenant(MEMBER).get(&format!("/v2/images/{id}")))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
