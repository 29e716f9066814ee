//! v1 sharing body refusals (§3.1; D1, D2, D5, D9): malformed JSON and wrong body shapes.

use super::{Fixture, identity, member_paths, raw};
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_400_before_any_other_check() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let fx = Fixture::new(&app).await;
    let missing = "00000000-0000-0000-0000-000000000000";
    // §3.1: the body is parsed before the read-only guard, the tenant guard and the lookup, so
    // every caller gets the same 400 even for an image it cannot see.
    for caller in [
        app.tenant(OWNER),
        app.tenant(OUTSIDER),
        app.no_tenant(),
        app.anonymous(),
    ] {
        for image in [fx.id.as_str(), missing] {
            for (method, path) in member_paths(image) {
                let response = send(
                    caller
                        .request(method.clone(), &path)
                        .header("accept", "text/plain")
                        .header("content-type", "application/json")
                        .body(r#"{"member": {"can_share": tru"#),
                )
                .await;
                assert_eq!(
                    response.status(),
                    StatusCode::BAD_REQUEST,
                    "{method} {path}"
                );
                assert_eq!(
                    text(response).await,
                    "400 Bad Request\n\nMalformed JSON in request body.\n\n   "
                );
            }
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn json_that_is_not_an_object_or_array_is_unexpected_body_type() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    for body in ["true", "5", "\"x\"", "null"] {
        for (method, path) in member_paths(&fx.id) {
            let response = send(owner.request(method.clone(), &path).body(body)).await;
            expect_error(
                response,
                StatusCode::BAD_REQUEST,
                "Unexpected body type. Expected list/dict.",
            )
            .await;
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn d1_add_member_refuses_other_body_shapes() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    for (target, body) in [
        // Glance answers 204 and ignores `member` (transcript §37); D1: 400.
        (OTHER, json!({"member": "nope"})),
        (OTHER, json!({"member": null})),
        (OTHER, json!({"member": true})),
        // V1-R17: the registry refuses a list here.
        (OTHER, json!({"member": [{"can_share": true}]})),
        (OTHER, json!([])),
        (OTHER, json!([{"can_share": true}])),
        (OTHER, json!({"colour": "red"})),
        (
            OTHER,
            json!({"member": {"can_share": true, "colour": "red"}}),
        ),
        (
            OTHER,
            json!({"member": {"can_share": true}, "can_share": true}),
        ),
        // D1 clarification: a body member_id that differs from the path is refused.
        (OTHER, json!({"member_id": MEMBER, "can_share": true})),
        (OTHER, json!({"member": {"member_id": MEMBER}})),
        (OTHER, json!({"member_id": 5})),
        // The same shapes on an existing member do not touch it either.
        (MEMBER, json!({"member": "can_share"})),
        (SHARER, json!({"member_id": OTHER, "can_share": false})),
    ] {
        let response = send(
            owner
                .put(&format!("/v1/images/{}/members/{target}", fx.id))
                .json(&body),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        fx.unchanged().await;
    }
}

#[tokio::test]
async fn d2_can_share_must_be_a_boolean_or_true_false_string() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    // Transcript §38: Glance stores bool("maybe") = true; D2 clarification: all of these → 400.
    for value in [
        json!("maybe"),
        json!(null),
        json!(""),
        json!("1"),
        json!("yes"),
        json!(1),
        json!(0),
        json!([]),
        json!({}),
    ] {
        for (target, body) in [
            (OTHER, json!({"member": {"can_share": value}})),
            (MEMBER, json!({"can_share": value})),
        ] {
            let response = send(
                owner
                    .put(&format!("/v1/images/{}/members/{target}", fx.id))
                    .json(&body),
            )
            .await;
            expect_error(response, StatusCode::BAD_REQUEST, "can_share").await;
        }
        let list = json!([{"member_id": MEMBER}, {"member_id": OTHER, "can_share": value}]);
        assert_eq!(
            owner.replace_members(&fx.id, list).await,
            StatusCode::BAD_REQUEST,
            "{value}"
        );
        fx.unchanged().await;
    }
}

#[tokio::test]
async fn d5_replace_refuses_malformed_bodies() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let path = format!("/v1/images/{}/members", fx.id);
    // No body at all: Glance 500 (Q10); D5/D9: 400.
    expect_error(
        send(owner.put(&path)).await,
        StatusCode::BAD_REQUEST,
        "memberships is required",
    )
    .await;
    for (body, needle) in [
        // Transcript §35: Glance wraps the body as one membership (Q5); D5: memberships required.
        (json!({"members": []}), "memberships is required"),
        (json!({}), "memberships is required"),
        (json!({"member_id": MEMBER}), "memberships is required"),
        (
            json!({"image_memberships": {"member_id": MEMBER}}),
            "memberships is required",
        ),
        (json!([{"member_id": MEMBER}]), ""),
        // Transcript §34, V1-R10.
        (json!({"memberships": "nope"}), ""),
        (json!({"memberships": {"member_id": MEMBER}}), ""),
        (json!({"memberships": null}), ""),
        (json!({"memberships": 5}), ""),
        (json!({"memberships": false}), ""),
        // Transcript §36.
        (
            json!({"memberships": [{"can_share": true}]}),
            "Invalid membership association: 'member_id'",
        ),
        (json!({"memberships": [{"member_id": MEMBER}, 5]}), ""),
        (json!({"memberships": [{"member_id": 5}]}), ""),
        (json!({"memberships": [{"member_id": null}]}), ""),
        (json!({"memberships": [[MEMBER]]}), ""),
        (
            json!({"memberships": [{"member_id": MEMBER, "colour": "red"}]}),
            "",
        ),
    ] {
        let response = send(owner.put(&path).header("accept", "text/plain").json(&body)).await;
        let status = response.status();
        let got = text(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {got}");
        assert!(got.contains(needle), "{body}: {got}");
        fx.unchanged().await;
    }
}

#[tokio::test]
async fn replace_entry_without_member_id_has_glances_exact_bodies() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let path = format!("/v1/images/{}/members", fx.id);
    let body = r#"{"memberships": [{"can_share": true}]}"#;
    // Transcript §36 (registry 400 re-raised by the API, `Accept: */*`).
    let html = send(
        app.tenant(OWNER)
            .put(&path)
            .header("accept", "*/*")
            .body(body),
    )
    .await;
    assert_eq!(html.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        text(html).await,
        "<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad Request</h1>\n  400 Bad Request\n\nInvalid membership association: &#x27;member_id&#x27;\n\n   <br /><br />\n\n\n\n </body>\n</html>"
    );
    // v1-sharing §3.3 worked example (no `Accept`).
    let plain = raw(&app, "PUT", &path, &identity(OWNER), Some(body)).await;
    assert_eq!(plain.status, 400);
    assert_eq!(
        plain.body,
        "400 Bad Request\n\n400 Bad Request  Invalid membership association: 'member_id'     \n\n   "
    );
    fx.unchanged().await;
}

#[tokio::test]
async fn d9_bodies_on_calls_that_take_none_are_400() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let fx = Fixture::new(&app).await;
    let members = format!("/v1/images/{}/members", fx.id);
    let one = format!("/v1/images/{}/members/{MEMBER}", fx.id);
    for caller in [app.tenant(OWNER), app.admin(), app.anonymous()] {
        // Glance: TypeError → 500 (Q10), before any guard; D9: 400, still before any guard.
        for (method, path) in [
            (Method::GET, members.as_str()),
            (Method::DELETE, one.as_str()),
            (
                Method::GET,
                "/v1/shared-images/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            ),
        ] {
            for body in [json!({}), json!([]), json!({"member_id": MEMBER})] {
                let response = send(caller.request(method.clone(), path).json(&body)).await;
                expect_error(
                    response,
                    StatusCode::BAD_REQUEST,
                    "does not accept a request body",
                )
                .await;
            }
        }
        // D9/D12 clarification: HEAD of shared-images with a body is 400 too.
        let head = send(
            caller
                .head(&format!("/v1/shared-images/{MEMBER}"))
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
        assert_eq!(head.status(), StatusCode::BAD_REQUEST);
    }
    // The DELETE with a body removed nothing.
    fx.unchanged().await;
}
