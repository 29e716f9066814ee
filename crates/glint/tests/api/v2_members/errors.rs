//! v2-sharing §3 and §4 error rows: request bodies, `body_reject`, 405s, the read-only guard,
//! the check order (quota 413 before duplicate 409, ids checked last, status values after the
//! authorization steps) and D19 member ids. Nothing refused changes the stored rows.

use super::*;
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::json;

const MISSING: &str = "00000000-0000-4000-8000-000000000000";

/// §4.1 deserialization, before any other check (even on a missing image).
#[tokio::test]
async fn create_bodies_are_checked_first() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    for image in [id.as_str(), MISSING] {
        let url = format!("/v2/images/{image}/members");
        expect(
            owner.post(&url),
            S::BAD_REQUEST,
            "Body expected in request.",
        )
        .await;
        expect(
            owner.post(&url).json(&json!({"memberz": MEMBER})),
            S::BAD_REQUEST,
            "Member to be added not specified",
        )
        .await;
        for falsy in [
            json!(""),
            json!(null),
            json!(0),
            json!(false),
            json!([]),
            json!({}),
        ] {
            expect(
                owner.post(&url).json(&json!({ "member": falsy })),
                S::BAD_REQUEST,
                "Member can't be empty",
            )
            .await;
        }
        expect(
            owner.post(&url).json(&json!([SHARER])),
            S::BAD_REQUEST,
            "Expected a member in the form: {\"member\": \"image_id\"}",
        )
        .await;
        // Q6 / D9: Glance stores non-string ids; glint refuses them.
        for other in [
            json!(5),
            json!(true),
            json!([SHARER]),
            json!({"id": SHARER}),
        ] {
            expect(
                owner.post(&url).json(&json!({ "member": other })),
                S::BAD_REQUEST,
                "Member must be a string.",
            )
            .await;
        }
        expect(
            owner.post(&url).body("{\"member\": "),
            S::BAD_REQUEST,
            "Malformed JSON in request body.",
        )
        .await;
        expect(
            owner.post(&url).body("\"member\""),
            S::BAD_REQUEST,
            "Unexpected body type. Expected list/dict.",
        )
        .await;
    }
    // Other keys are ignored.
    let response = send(
        owner
            .post(&format!("/v2/images/{id}/members"))
            .json(&json!({"member": SHARER, "status": "accepted", "can_share": true})),
    )
    .await;
    assert_eq!(response.status(), S::OK);
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER, SHARER]));
}

/// §4.4 deserialization.
#[tokio::test]
async fn update_bodies_are_checked_first() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let member = app.tenant(MEMBER);
    for image in [id.as_str(), MISSING] {
        let url = format!("/v2/images/{image}/members/{MEMBER}");
        expect(
            member.put(&url),
            S::BAD_REQUEST,
            "Body expected in request.",
        )
        .await;
        expect(
            member.put(&url).json(&json!({"state": "accepted"})),
            S::BAD_REQUEST,
            "Status not specified",
        )
        .await;
        expect(
            member.put(&url).json(&json!(["accepted"])),
            S::BAD_REQUEST,
            "Expected a status in the form: {\"status\": \"status\"}",
        )
        .await;
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// §4.4 step 8 and Q4: the status value is judged after the authorization steps, so the owner
/// gets 403 and the member (or an admin) 400. Values are case-sensitive strings.
#[tokio::test]
async fn invalid_status_is_400_for_the_member_and_403_for_the_owner() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let url = format!("/v2/images/{id}/members/{MEMBER}");
    const BAD: &str =
        "Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".";
    for value in [
        json!("bogus"),
        json!("Accepted"),
        json!(null),
        json!(1),
        json!(["accepted"]),
    ] {
        expect(
            app.tenant(MEMBER)
                .put(&url)
                .json(&json!({ "status": value })),
            S::BAD_REQUEST,
            BAD,
        )
        .await;
        expect(
            app.admin().put(&url).json(&json!({ "status": value })),
            S::BAD_REQUEST,
            BAD,
        )
        .await;
        expect(
            app.tenant(OWNER)
                .put(&url)
                .json(&json!({ "status": value })),
            S::FORBIDDEN,
            "You are not authorized to complete modify_member action.",
        )
        .await;
    }
    // Transcript srbac #30, byte for byte in the HTML framing.
    let response = app
        .tenant(MEMBER)
        .v2_set_member_status(&id, MEMBER, "bogus")
        .await;
    assert_eq!(response.status(), S::BAD_REQUEST);
    assert_eq!(
        text(response).await,
        "<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad \
         Request</h1>\n  Incorrect request: Status must be &quot;pending&quot;, \
         &quot;accepted&quot; or &quot;rejected&quot;.<br /><br />\n\n\n\n </body>\n</html>"
    );
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// §3: GET list, GET one and DELETE refuse a body before anything else (even a missing image).
#[tokio::test]
async fn body_reject_routes_refuse_a_body_first() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    for image in [id.as_str(), MISSING] {
        for (method, path) in [
            (Method::GET, format!("/v2/images/{image}/members")),
            (Method::GET, format!("/v2/images/{image}/members/{MEMBER}")),
            (
                Method::DELETE,
                format!("/v2/images/{image}/members/{MEMBER}"),
            ),
        ] {
            for body in ["{}", "not json"] {
                expect(
                    owner.request(method.clone(), &path).body(body),
                    S::BAD_REQUEST,
                    "A body is not expected with this request.",
                )
                .await;
            }
        }
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// §3: other methods are 405 with `Allow` (HEAD too: Glance's routes take GET only).
#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    let cases = [
        (
            format!("/v2/images/{id}/members"),
            "GET, POST",
            vec![Method::PUT, Method::DELETE, Method::PATCH, Method::HEAD],
        ),
        (
            format!("/v2/images/{id}/members/{MEMBER}"),
            "GET, PUT, DELETE",
            vec![Method::POST, Method::PATCH, Method::HEAD],
        ),
    ];
    for (path, allow, methods) in cases {
        for method in methods {
            let response = send(owner.request(method.clone(), &path)).await;
            assert_eq!(response.status(), S::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        }
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// §3: anonymous (read-only) callers: body errors first, then 403 `Read-only access` before the
/// image lookup; reads go on to the lookup.
#[tokio::test]
async fn anonymous_changes_are_read_only() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let id = shared_image(&app).await;
    let anonymous = app.anonymous();
    for image in [id.as_str(), MISSING] {
        let members = format!("/v2/images/{image}/members");
        let one = format!("{members}/{MEMBER}");
        expect(
            anonymous.post(&members),
            S::BAD_REQUEST,
            "Body expected in request.",
        )
        .await;
        for request in [
            anonymous.post(&members).json(&json!({"member": SHARER})),
            anonymous.put(&one).json(&json!({"status": "accepted"})),
            anonymous.delete(&one),
        ] {
            expect(request, S::FORBIDDEN, "Read-only access").await;
        }
        expect(
            anonymous.get(&members),
            S::NOT_FOUND,
            &format!("Image {image} not found."),
        )
        .await;
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
}

/// §4.1 steps 6 and 7, Q1, DECISIONS D8 clarification: at the quota, adding anyone (even an
/// existing member) is 413 with Glance's message (trailing colon); below it a duplicate is 409.
#[tokio::test]
async fn quota_is_checked_before_duplicates() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 3).await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    let url = format!("/v2/images/{id}/members");
    expect(
        owner.post(&url).json(&json!({"member": MEMBER})),
        S::CONFLICT,
        &format!("Member {MEMBER} is duplicated for image {id}"),
    )
    .await;
    owner.v2_add_member_ok(&id, SHARER).await;
    let full = format!(
        "Image member limit exceeded for image {id}: The limit has been exceeded on the number \
         of allowed image members for this image. Attempted: 4, Maximum: 3:"
    );
    for member in [OUTSIDER, MEMBER, "a😀"] {
        expect(
            owner.post(&url).json(&json!({ "member": member })),
            S::PAYLOAD_TOO_LARGE,
            &full,
        )
        .await;
    }
    // Status changes are not additions.
    let response = app
        .tenant(MEMBER)
        .v2_set_member_status(&id, MEMBER, "accepted")
        .await;
    assert_eq!(response.status(), S::OK);
    // After a removal there is room again.
    assert_eq!(
        owner.v2_remove_member(&id, OTHER).await.status(),
        S::NO_CONTENT
    );
    owner.v2_add_member_ok(&id, OUTSIDER).await;
    assert_eq!(rows(&app, &id).await.len(), 3);
}

/// Transcript srbac #14 (409) and #25 (403), byte for byte in the HTML framing.
#[tokio::test]
async fn transcript_bodies() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let html = |code: &str, message: &str| {
        format!(
            "<html>\n <head>\n  <title>{code}</title>\n </head>\n <body>\n  <h1>{code}</h1>\n  \
             {message}<br /><br />\n\n\n\n </body>\n</html>"
        )
    };
    let response = app.tenant(OWNER).v2_add_member(&id, MEMBER).await;
    assert_eq!(response.status(), S::CONFLICT);
    assert_eq!(
        text(response).await,
        html(
            "409 Conflict",
            &format!("Member {MEMBER} is duplicated for image {id}")
        )
    );
    let response = app.tenant(MEMBER).v2_add_member(&id, SHARER).await;
    assert_eq!(response.status(), S::FORBIDDEN);
    assert_eq!(
        text(response).await,
        html(
            "403 Forbidden",
            "You are not authorized to complete add_member action."
        )
    );
    let response = send(app.tenant(SHARER).get(&format!("/v2/images/{id}/members"))).await;
    assert_eq!(response.status(), S::NOT_FOUND);
    assert_eq!(
        text(response).await,
        html("404 Not Found", &format!("Image {id} not found."))
    );
}

/// §4.1 step 8 and DECISIONS D19: ids that cannot be stored are 400 (4-byte UTF-8 in Glance's
/// words; too long, control characters), checked after the duplicate test; 255 characters fit.
#[tokio::test]
async fn member_ids_follow_d19() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let owner = app.tenant(OWNER);
    let url = format!("/v2/images/{id}/members");
    for (member, message) in [
        (
            "tenant-😀".to_owned(),
            "Member can't contain 4 byte unicode characters.",
        ),
        (
            "é".repeat(256),
            "Member can't be longer than 255 characters.",
        ),
        (
            "a\u{7}b".to_owned(),
            "Member can't contain control characters.",
        ),
        (
            "a\u{85}b".to_owned(),
            "Member can't contain control characters.",
        ),
    ] {
        expect(
            owner.post(&url).json(&json!({ "member": member })),
            S::BAD_REQUEST,
            message,
        )
        .await;
    }
    assert_eq!(rows(&app, &id).await, pending(&[MEMBER, OTHER]));
    let long = "é".repeat(255);
    let added = owner.v2_add_member_ok(&id, &long).await;
    assert_eq!(added["member_id"], long.as_str());
    // A path naming an impossible member is simply not in the list.
    let response = owner.v2_show_member(&id, "x%F0%9F%98%80").await;
    assert_eq!(response.status(), S::NOT_FOUND);
}

/// §4.4 step 9: the same status again succeeds and keeps the row.
#[tokio::test]
async fn same_status_again_succeeds() {
    let app = spawn_app().await;
    let id = shared_image(&app).await;
    let member = app.tenant(MEMBER);
    for status in [
        "pending", "pending", "rejected", "rejected", "accepted", "accepted",
    ] {
        let response = member.v2_set_member_status(&id, MEMBER, status).await;
        assert_eq!(response.status(), S::OK);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], status);
    }
}
