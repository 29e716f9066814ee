//! v1 sharing error paths: v1-sharing §3.1 (body parsing), §3.2 (guard order), §3.3 (WebOb error
//! framing, byte for byte), §3.4 (image lookup), §4 (405s), §5.1–§5.5 error rows, §6.5 decision
//! matrix error cells, §7 (member quota), and DECISIONS D1, D2, D5, D9, D12, D14, D19.
//! Expected bodies are copied from `peer/transcripts/glance-v1-transcript.md` where Glance was
//! recorded. After every refused call the stored membership list must be unchanged.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const EXPL_404: &str = "The resource could not be found.";
const EXPL_401: &str = "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.";

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

#[tokio::test]
async fn trusted_headers_without_confirmed_identity_are_401_without_detail() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    for headers in [
        vec![
            ("x-tenant-id", OWNER.to_owned()),
            ("x-roles", "admin".to_owned()),
        ],
        vec![
            ("x-identity-status", "Invalid".to_owned()),
            ("x-tenant-id", OWNER.to_owned()),
        ],
        vec![],
    ] {
        let caller = app.with_headers(headers);
        for (method, path) in member_paths(&fx.id) {
            let response = send(
                caller
                    .request(method.clone(), &path)
                    .header("accept", "text/plain"),
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path}"
            );
            // v1-images §1.3: the context middleware's own plain WebOb 401, no detail.
            assert_eq!(
                text(response).await,
                format!("401 Unauthorized\n\n{EXPL_401}\n\n   ")
            );
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn changes_without_a_tenant_are_401_no_authenticated_user() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let no_tenant = app.no_tenant();
    let missing = "00000000-0000-0000-0000-000000000000";
    for image in [fx.id.as_str(), missing] {
        for request in [
            no_tenant.put(&format!("/v1/images/{image}/members/{OTHER}")),
            no_tenant
                .put(&format!("/v1/images/{image}/members"))
                .json(&json!({"memberships": []})),
            no_tenant.delete(&format!("/v1/images/{image}/members/{MEMBER}")),
        ] {
            // §3.2: the tenant guard runs before the image lookup (so also for a missing image).
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(
                text(response).await,
                format!("401 Unauthorized\n\n{EXPL_401}\n\n No authenticated user  ")
            );
        }
    }
    // Reading is not guarded: a caller without tenant cannot see the private image (404)…
    let response = send(no_tenant.get(&format!("/v1/images/{}/members", fx.id))).await;
    expect_error(response, StatusCode::NOT_FOUND, "not found").await;
    fx.unchanged().await;
    // …and an admin without a tenant passes the guard (`not admin` is part of it).
    let root = app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-roles", "admin".into()),
    ]);
    assert_eq!(
        root.add_member(&fx.id, OTHER, None).await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn anonymous_changes_are_403_read_only_before_the_lookup() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let fx = Fixture::new(&app).await;
    let anonymous = app.anonymous();
    for image in [fx.id.as_str(), "00000000-0000-0000-0000-000000000000"] {
        for request in [
            anonymous.put(&format!("/v1/images/{image}/members/{OTHER}")),
            anonymous
                .put(&format!("/v1/images/{image}/members"))
                .json(&json!({"memberships": []})),
            anonymous.delete(&format!("/v1/images/{image}/members/{MEMBER}")),
        ] {
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            // v1-sharing §3.3 worked example "read-only context".
            assert_eq!(
                text(response).await,
                "403 Forbidden\n\nAccess was denied to this resource.\n\n Read-only access  "
            );
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn missing_images_and_overlong_ids_are_404() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let admin = app.admin();
    // Glance `_image_get`: ids longer than 36 characters are not found, even if they name an
    // existing image in another UUID spelling.
    let braced = format!("{{{}}}", fx.id);
    let urn = format!("urn:uuid:{}", fx.id);
    let too_long = format!("{}0", fx.id);
    for image in [
        "00000000-0000-0000-0000-000000000000",
        "not-a-uuid",
        braced.as_str(),
        urn.as_str(),
        too_long.as_str(),
        &"x".repeat(300),
    ] {
        let needle = format!("Image with identifier {image} not found");
        for (method, path) in member_paths(image) {
            let mut request = admin.request(method.clone(), &path);
            if path.ends_with("/members") && method == Method::PUT {
                request = request.json(&json!({"memberships": []}));
            }
            expect_error(send(request).await, StatusCode::NOT_FOUND, &needle).await;
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn an_image_the_caller_cannot_see_is_404_as_if_missing() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let outsider = app.tenant(OUTSIDER);
    // Transcript §26 (list) and §27 (add): byte for byte, `Accept: */*`.
    let expected = format!(
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\nImage with identifier {} not found\n\n\n </body>\n</html>",
        fx.id
    );
    for (method, path) in member_paths(&fx.id) {
        let mut request = outsider
            .request(method.clone(), &path)
            .header("accept", "*/*");
        if path.ends_with("/members") && method == Method::PUT {
            request = request.json(&json!({"memberships": []}));
        }
        let response = send(request).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=UTF-8"
        );
        assert_eq!(text(response).await, expected, "{method} {path}");
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn deleted_images_are_404_and_admins_are_told_they_were_deleted() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{}", fx.id)))
            .await
            .status(),
        StatusCode::OK
    );
    let gone = format!("Image with identifier {} not found", fx.id);
    let deleted = format!("Image with identifier {} has been deleted.", fx.id);
    // V1-F08..F11: non-admins cannot see deleted rows; V1-U20..U22, U26: admins are told.
    for (caller, needle) in [
        (app.tenant(OWNER), gone.as_str()),
        (app.tenant(MEMBER), gone.as_str()),
        (app.tenant(SHARER), gone.as_str()),
        (app.admin(), deleted.as_str()),
    ] {
        for (method, path) in member_paths(&fx.id) {
            let mut request = caller
                .request(method.clone(), &path)
                .header("accept", "text/plain");
            if path.ends_with("/members") && method == Method::PUT {
                request = request
                    .json(&json!({"memberships": [{"member_id": MEMBER, "can_share": "false"}]}));
            }
            let response = send(request).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(
                text(response).await,
                format!("404 Not Found\n\n{EXPL_404}\n\n {needle}  ")
            );
        }
    }
    // Deleting the image removed its memberships.
    assert_eq!(app.admin().shared_images(MEMBER).await, vec![]);
    assert_eq!(app.admin().shared_images(SHARER).await, vec![]);
}

#[tokio::test]
async fn callers_without_the_sharing_right_get_404_no_permission_to_share() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let public = create_public(&app).await;
    assert_eq!(
        app.tenant(OWNER).add_member(&public, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    let path = |image: &str, tail: &str| format!("/v1/images/{image}/members{tail}");
    // Transcript §20: a plain member adding a member, byte for byte.
    let response = send(
        app.tenant(MEMBER)
            .put(&path(&fx.id, &format!("/{OTHER}")))
            .header("accept", "*/*"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=UTF-8"
    );
    assert_eq!(
        text(response).await,
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  403 Forbidden\n\nAccess was denied to this resource.\n\n No permission to share that image  <br /><br />\n\n\n\n </body>\n</html>"
    );
    // §3.3 worked example (plain) and the JSON framing of the same error.
    let plain = "404 Not Found\n\n403 Forbidden  Access was denied to this resource.   No permission to share that image  \n\n   ";
    let json_body = r#"{"message": "403 Forbidden\n\nAccess was denied to this resource.\n\n No permission to share that image  <br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#;
    for (caller, image) in [
        // A plain member of a shared image, and an outsider on a public image it can see
        // (V1-U30: the body names the registry's "Forbidden").
        (app.tenant(MEMBER), fx.id.as_str()),
        (app.tenant(OUTSIDER), public.as_str()),
        (app.tenant(MEMBER), public.as_str()),
    ] {
        for request in [
            caller.put(&path(image, &format!("/{OTHER}"))),
            caller
                .put(&path(image, &format!("/{MEMBER}")))
                .json(&json!({"member": {"can_share": true}})),
            caller
                .put(&path(image, ""))
                .json(&json!({"memberships": [{"member_id": OTHER}]})),
            caller.delete(&path(image, &format!("/{MEMBER}"))),
            caller.delete(&path(image, &format!("/{OUTSIDER}"))),
        ] {
            let json_request = request.try_clone().expect("clone");
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
            assert_eq!(text(response).await, plain);
            let response = send(json_request.header("accept", "application/json")).await;
            assert_eq!(response.headers()["content-type"], "application/json");
            assert_eq!(text(response).await, json_body);
        }
    }
    fx.unchanged().await;
    assert_eq!(
        app.tenant(OWNER).members(&public).await.1,
        vec![(MEMBER.to_owned(), false)]
    );
}

#[tokio::test]
async fn removing_a_non_member_is_404_membership_could_not_be_found() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    assert_eq!(
        owner.remove_member(&fx.id, MEMBER).await,
        StatusCode::NO_CONTENT
    );
    let before = vec![(SHARER.to_owned(), true)];
    // Transcript §41: deleting the same member again, byte for byte.
    let again = send(
        owner
            .delete(&format!("/v1/images/{}/members/{MEMBER}", fx.id))
            .header("accept", "*/*"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        text(again).await,
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  404 Not Found\n\nMembership could not be found.\n\n   <br /><br />\n\n\n\n </body>\n</html>"
    );
    // V1-R19, V1-U29: owner, admin and a sharer removing someone who never was a member.
    for caller in [app.tenant(OWNER), app.admin(), app.tenant(SHARER)] {
        let plain = raw(
            &app,
            "DELETE",
            &format!("/v1/images/{}/members/never-a-member", fx.id),
            &caller_identity(&caller),
            None,
        )
        .await;
        assert_eq!(plain.status, 404);
        assert_eq!(
            plain.body,
            "404 Not Found\n\n404 Not Found  Membership could not be found.     \n\n   "
        );
        // Member ids are case-sensitive: SHARER upper-cased is not SHARER.
        let upper = SHARER.to_uppercase();
        assert_eq!(
            caller.remove_member(&fx.id, &upper).await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(owner.members(&fx.id).await.1, before);
}

#[tokio::test]
async fn member_quota_413_has_glances_bodies_and_changes_nothing() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 2).await;
    let fx = Fixture::new(&app).await;
    let expl = "The limit has been exceeded on the number of allowed image members for this image. Attempted: 3, Maximum: 2";
    // §7: the single add counts live members + 1; the replace counts the list.
    let add = format!("/v1/images/{}/members/{OTHER}", fx.id);
    let replace = format!("/v1/images/{}/members", fx.id);
    let list = r#"{"memberships": [{"member_id": "x"}, {"member_id": "y"}, {"member_id": "z"}]}"#;
    for (method, path, body) in [
        ("PUT", add.as_str(), None),
        ("PUT", replace.as_str(), Some(list)),
    ] {
        for who in [OWNER, SHARER] {
            let plain = raw(&app, method, path, &identity(who), body).await;
            assert_eq!(plain.status, 413);
            assert_eq!(
                plain.header("content-type"),
                Some("text/plain; charset=UTF-8")
            );
            assert_eq!(
                plain.body,
                format!("413 Request Entity Too Large\n\n{expl}\n\n   ")
            );
        }
        let mut request = app.admin().put(path).header("accept", "text/html");
        if let Some(body) = body {
            request = request.body(body);
        }
        let html = send(request).await;
        assert_eq!(html.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            text(html).await,
            format!(
                "<html>\n <head>\n  <title>413 Request Entity Too Large</title>\n </head>\n <body>\n  <h1>413 Request Entity Too Large</h1>\n  {expl}<br /><br />\n\n\n\n </body>\n</html>"
            )
        );
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn d19_member_ids_outside_the_rules_are_400() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let long = "a".repeat(256);
    let long_accented = "é".repeat(256);
    for encoded in [
        long.clone(),
        long_accented
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>(),
        "a%01b".to_owned(),
        "a%0Ab".to_owned(),
        "a%C2%85b".to_owned(),
        "a%F0%9F%98%80".to_owned(),
    ] {
        for request in [
            owner.put(&format!("/v1/images/{}/members/{encoded}", fx.id)),
            owner.delete(&format!("/v1/images/{}/members/{encoded}", fx.id)),
            owner.get(&format!("/v1/shared-images/{encoded}")),
        ] {
            expect_error(send(request).await, StatusCode::BAD_REQUEST, "member_id").await;
        }
    }
    for bad in [
        "",
        long.as_str(),
        long_accented.as_str(),
        "a\u{1}b",
        "a\u{9f}b",
        "tenant\u{1F600}",
    ] {
        let list = json!([{"member_id": OTHER}, {"member_id": bad}]);
        assert_eq!(
            owner.replace_members(&fx.id, list).await,
            StatusCode::BAD_REQUEST,
            "{bad:?}"
        );
    }
    fx.unchanged().await;
    // The limits themselves are fine: 255 characters, 3-byte UTF-8.
    let edge = format!("{}€", "a".repeat(254));
    assert_eq!(
        owner
            .replace_members(&fx.id, json!([{"member_id": edge}]))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&fx.id).await.1, vec![(edge, false)]);
}

#[tokio::test]
async fn get_of_one_member_is_always_405_without_allow() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let missing = "00000000-0000-0000-0000-000000000000";
    // §5.6: no lookup, no guard: any ids, any authenticated caller.
    for caller in [
        app.tenant(OWNER),
        app.tenant(OUTSIDER),
        app.no_tenant(),
        app.admin(),
    ] {
        for path in [
            format!("/v1/images/{}/members/{MEMBER}", fx.id),
            format!("/v1/images/{missing}/members/nobody"),
            "/v1/images/not-an-id/members/x".to_owned(),
        ] {
            let response = send(caller.get(&path).header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
            assert!(response.headers().get("allow").is_none(), "no Allow header");
            assert_eq!(
                text(response).await,
                "405 Method Not Allowed\n\nThe method GET is not allowed for this resource. \n\n "
            );
        }
    }
    // The same 405 in each WebOb framing (HTTPMethodNotAllowed's own template).
    let path = format!("/v1/images/{}/members/{MEMBER}", fx.id);
    let plain = raw(&app, "GET", &path, &identity(OWNER), None).await;
    assert_eq!(plain.status, 405);
    assert_eq!(
        plain.header("content-type"),
        Some("text/plain; charset=UTF-8")
    );
    assert_eq!(
        plain.body,
        "405 Method Not Allowed\n\nThe method GET is not allowed for this resource. \n\n "
    );
    let html = send(app.tenant(OWNER).get(&path)).await;
    assert_eq!(html.headers()["content-type"], "text/html; charset=UTF-8");
    assert_eq!(
        text(html).await,
        "<html>\n <head>\n  <title>405 Method Not Allowed</title>\n </head>\n <body>\n  <h1>405 Method Not Allowed</h1>\n  The method GET is not allowed for this resource. <br /><br />\n\n </body>\n</html>"
    );
    let json_response = send(
        app.tenant(OWNER)
            .get(&path)
            .header("accept", "application/json"),
    )
    .await;
    assert_eq!(json_response.headers()["content-type"], "application/json");
    assert_eq!(
        text(json_response).await,
        r#"{"message": "The method GET is not allowed for this resource. <br /><br />\n", "code": "405 Method Not Allowed", "title": "Method Not Allowed"}"#
    );
    fx.unchanged().await;
}

#[tokio::test]
async fn other_methods_on_member_routes_are_405_with_allow() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let list = format!("/v1/images/{}/members", fx.id);
    let one = format!("/v1/images/{}/members/{MEMBER}", fx.id);
    let patch = Method::from_bytes(b"PATCH").expect("method");
    // §4 route table (Glance `RejectMethodController`).
    for (method, path, allow) in [
        (Method::POST, list.as_str(), "GET, PUT"),
        (Method::DELETE, list.as_str(), "GET, PUT"),
        (patch.clone(), list.as_str(), "GET, PUT"),
        (Method::HEAD, list.as_str(), "GET, PUT"),
        (Method::POST, one.as_str(), "GET, PUT, DELETE"),
        (patch.clone(), one.as_str(), "GET, PUT, DELETE"),
        (Method::HEAD, one.as_str(), "GET, PUT, DELETE"),
    ] {
        let response = send(
            owner
                .request(method.clone(), path)
                .header("accept", "text/plain"),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(
            response
                .headers()
                .get("allow")
                .map(|v| v.to_str().expect("ascii")),
            Some(allow),
            "{method} {path}"
        );
        if method == Method::HEAD {
            // WebOb does not negotiate for HEAD: the exception's default content type.
            assert_eq!(
                response.headers()["content-type"],
                "text/html; charset=UTF-8"
            );
            assert_eq!(text(response).await, "", "no body on HEAD");
        } else {
            assert_eq!(
                text(response).await,
                format!(
                    "405 Method Not Allowed\n\nThe method {method} is not allowed for this resource. \n\n "
                )
            );
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn d12_shared_images_takes_get_and_head_only() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let path = format!("/v1/shared-images/{MEMBER}");
    let patch = Method::from_bytes(b"PATCH").expect("method");
    // Glance runs the listing for every method (Q11); D12: 405 `Allow: GET, HEAD`, body or not.
    for method in [Method::POST, Method::PUT, Method::DELETE, patch] {
        for body in [None, Some("{}"), Some("{not json")] {
            let mut request = owner
                .request(method.clone(), &path)
                .header("accept", "text/plain");
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            }
            let response = send(request).await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {body:?}"
            );
            assert_eq!(response.headers()["allow"], "GET, HEAD");
            assert_eq!(
                text(response).await,
                format!(
                    "405 Method Not Allowed\n\nThe method {method} is not allowed for this resource. \n\n "
                )
            );
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn error_framing_follows_accept_byte_for_byte() {
    let app = spawn_app().await;
    let missing = "00000000-0000-0000-0000-000000000000";
    let path = format!("/v1/images/{missing}/members");
    let detail = format!("Image with identifier {missing} not found");
    let plain = format!("404 Not Found\n\n{EXPL_404}\n\n {detail}  ");
    // Transcript §46 (admin, `Accept: */*`).
    let html = format!(
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  {EXPL_404}<br /><br />\n{detail}\n\n\n </body>\n</html>"
    );
    let json_body = format!(
        r#"{{"message": "{EXPL_404}<br /><br />\n{detail}\n\n", "code": "404 Not Found", "title": "Not Found"}}"#
    );
    // No Accept header at all: plain text (reqwest always sends one, so use a raw socket).
    let response = raw(&app, "GET", &path, &admin_identity(), None).await;
    assert_eq!(response.status, 404);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=UTF-8")
    );
    assert!(
        response
            .header("x-openstack-request-id")
            .is_some_and(|v| v.starts_with("req-"))
    );
    assert_eq!(response.body, plain);
    for (accept, content_type, body) in [
        ("*/*", "text/html; charset=UTF-8", &html),
        ("text/html", "text/html; charset=UTF-8", &html),
        ("application/json", "application/json", &json_body),
        // Ties go to text/html; otherwise the better q-value wins.
        (
            "application/json, text/html",
            "text/html; charset=UTF-8",
            &html,
        ),
        (
            "text/html;q=0.5, application/json",
            "application/json",
            &json_body,
        ),
        (
            "application/json, */*;q=0.1",
            "application/json",
            &json_body,
        ),
        // Accepting neither offer: plain text.
        ("text/plain", "text/plain; charset=UTF-8", &plain),
        ("image/png", "text/plain; charset=UTF-8", &plain),
    ] {
        let response = send(app.admin().get(&path).header("accept", accept)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{accept}");
        assert_eq!(response.headers()["content-type"], content_type, "{accept}");
        assert!(response.headers().contains_key("x-openstack-request-id"));
        assert_eq!(&text(response).await, body, "{accept}");
    }
}

#[tokio::test]
async fn caller_supplied_ids_are_escaped_per_framing() {
    let app = spawn_app().await;
    // The image id is echoed in the message: WebOb HTML-escapes it (non-ASCII as character
    // references), JSON-escapes it with `\uXXXX`, and strips tags from the plain text.
    let path = "/v1/images/%3Cb%3Ecaf%C3%A9%27%22%26/members";
    let html = send(app.admin().get(path).header("accept", "text/html")).await;
    assert_eq!(html.status(), StatusCode::NOT_FOUND);
    let html = text(html).await;
    assert!(
        html.contains("\nImage with identifier &lt;b&gt;caf&#233;&#x27;&quot;&amp; not found\n"),
        "{html}"
    );
    let json_response =
        text(send(app.admin().get(path).header("accept", "application/json")).await).await;
    assert!(
        json_response.contains(r#"Image with identifier <b>caf\u00e9'\"& not found"#),
        "{json_response}"
    );
    let plain = raw(&app, "GET", path, &admin_identity(), None).await;
    assert_eq!(
        plain.body,
        format!("404 Not Found\n\n{EXPL_404}\n\n Image with identifier café'\"& not found  ")
    );
}

#[tokio::test]
async fn path_segments_that_are_not_utf8_get_a_webob_400() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    for (method, path) in [
        ("GET", "/v1/images/%FF/members".to_owned()),
        ("PUT", "/v1/images/%FF/members".to_owned()),
        ("PUT", format!("/v1/images/{}/members/%FF", fx.id)),
        ("DELETE", format!("/v1/images/{}/members/caf%E9", fx.id)),
        ("GET", "/v1/shared-images/%C3%28".to_owned()),
    ] {
        let response = raw(&app, method, &path, &identity(OWNER), None).await;
        assert_eq!(response.status, 400, "{method} {path}");
        assert_eq!(
            response.header("content-type"),
            Some("text/plain; charset=UTF-8")
        );
        assert!(
            response.body.starts_with("400 Bad Request\n\n") && response.body.contains("UTF-8"),
            "{method} {path}: {:?}",
            response.body
        );
    }
    fx.unchanged().await;
}

// ---------------------------------------------------------------------------------------------
// Helpers for this file.

/// An image of OWNER shared with MEMBER (plain) and SHARER (`can_share`), and the list as stored.
struct Fixture<'a> {
    app: &'a TestApp,
    id: String,
    before: Vec<(String, bool)>,
}

impl<'a> Fixture<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let owner = app.tenant(OWNER);
        let id = owner.create_image_id("shared", Some(b"bytes")).await;
        assert_eq!(
            owner.add_member(&id, MEMBER, None).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            owner
                .add_member(&id, SHARER, Some(json!({"member": {"can_share": true}})))
                .await,
            StatusCode::NO_CONTENT
        );
        let before = app.admin().members(&id).await.1;
        assert_eq!(
            before,
            vec![(MEMBER.to_owned(), false), (SHARER.to_owned(), true)]
        );
        Self { app, id, before }
    }

    /// The stored list is what it was after setup.
    async fn unchanged(&self) {
        assert_eq!(
            self.app.admin().members(&self.id).await.1,
            self.before,
            "membership changed"
        );
    }
}

/// The four member calls on `image` (list, replace, add, remove).
fn member_paths(image: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, format!("/v1/images/{image}/members")),
        (Method::PUT, format!("/v1/images/{image}/members")),
        (Method::PUT, format!("/v1/images/{image}/members/{OTHER}")),
        (
            Method::DELETE,
            format!("/v1/images/{image}/members/{MEMBER}"),
        ),
    ]
}

/// A public image owned by OWNER (created by an admin: `publicize_image` is admin-only).
async fn create_public(app: &TestApp) -> String {
    let response = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-name", "public")
            .header("x-image-meta-is_public", "true")
            .header("x-image-meta-owner", OWNER),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    id_of(&response.json::<Value>().await.expect("json")["image"])
}

fn identity(project: &str) -> Vec<(String, String)> {
    vec![
        ("x-identity-status".into(), "Confirmed".into()),
        ("x-tenant-id".into(), project.into()),
        ("x-roles".into(), "member".into()),
    ]
}

fn admin_identity() -> Vec<(String, String)> {
    caller_identity_of(&[
        ("x-identity-status", "Confirmed"),
        ("x-tenant-id", "admin-project"),
        ("x-roles", "admin"),
    ])
}

fn caller_identity(caller: &Caller<'_>) -> Vec<(String, String)> {
    caller
        .headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn caller_identity_of(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A response read off a raw socket.
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request without an `Accept` header (reqwest always adds `Accept: */*`).
async fn raw(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> RawResponse {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.expect("read");
    let text = String::from_utf8(bytes).expect("utf-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("header end");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")),
        "error bodies carry a Content-Length"
    );
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}
