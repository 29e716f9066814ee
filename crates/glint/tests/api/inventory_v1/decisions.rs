//! DECISIONS that change the outcome of inventory calls (D2, D5, D6, D9, D11, D12, D19).

use super::rows;
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// DECISIONS that change the outcome of calls the inventory exercises.

#[tokio::test]
async fn decisions_on_inventory_calls() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", Some(b"data")).await;
    // V1-U06 / V1-C03 route with other methods: D12.
    let response = send(owner.head("/v1/shared-images/pattieblack")).await;
    assert_eq!(response.status(), StatusCode::OK); // D12
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let response = send(owner.request(method.clone(), "/v1/shared-images/pattieblack")).await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        ); // D12
        assert_eq!(response.headers()["allow"], "GET, HEAD"); // D12
    }
    let response = send(owner.get("/v1/shared-images/pattieblack").json(&json!({}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9/D12 clarification
    // V1-F01 with member ids at and over the limit: D19.
    let longest = "m".repeat(255);
    assert_eq!(
        owner.add_member(&image, &longest, None).await,
        StatusCode::NO_CONTENT
    ); // D19
    let too_long = "m".repeat(256);
    assert_eq!(
        owner.add_member(&image, &too_long, None).await,
        StatusCode::BAD_REQUEST
    ); // D19
    let list = json!([{"member_id": too_long}]);
    assert_eq!(
        owner.replace_members(&image, list).await,
        StatusCode::BAD_REQUEST
    ); // D19
    // V1-U27 / V1-R18 / V1-U01 with an unexpected body: D9 (Glance 500).
    let path = format!("/v1/images/{image}/members");
    let response = send(owner.delete(&format!("{path}/{longest}")).json(&json!({}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9
    let response = send(owner.get(&path).json(&json!({}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9
    let response = send(owner.put(&path)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9: replace without a body
    let response = send(owner.put(&path).json(&json!([{"member_id": MEMBER}]))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9: array body
    let response = send(
        owner
            .put(&format!("{path}/{MEMBER}"))
            .json(&json!({"member": null})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // D9: `member` not an object
    // V1-T01 (a member may GET the image) — but not change it: D11.
    owner.add_member(&image, MEMBER, None).await;
    let member = app.tenant(MEMBER);
    let response = send(
        member
            .put(&format!("/v1/images/{image}"))
            .header("x-image-meta-name", "x"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // D11
    let response = send(member.delete(&format!("/v1/images/{image}"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // D11
    assert_eq!(member.head_status(&image).await, StatusCode::OK); // D11: still there
    // X-03 with other string spellings and non-boolean values: D2.
    let body = Some(json!({"member": {"can_share": "FALSE"}}));
    assert_eq!(
        owner.add_member(&image, MEMBER, body).await,
        StatusCode::NO_CONTENT
    ); // D2
    for value in [json!(null), json!(""), json!("yes"), json!(1)] {
        let body = Some(json!({"member": {"can_share": value}}));
        assert_eq!(
            owner.add_member(&image, MEMBER, body).await,
            StatusCode::BAD_REQUEST,
            "{value}"
        ); // D2
    }
    // V1-U25 with a duplicate id: D5 (last entry wins), D6 (one row).
    let list = json!([{"member_id": "dup", "can_share": true}, {"member_id": "dup"}]);
    assert_eq!(
        owner.replace_members(&image, list).await,
        StatusCode::NO_CONTENT
    ); // D5
    assert_eq!(owner.members(&image).await.1, rows(&[("dup", false)])); // D5, D6
}
