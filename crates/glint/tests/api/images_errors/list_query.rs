//! Images v1 list refusals (§5.2): bad query parameters and markers the caller cannot see.

use super::refused;
use crate::helpers::*;
use crate::images::plain;
use reqwest::StatusCode;

#[tokio::test]
async fn list_refuses_bad_query_parameters() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    owner.create_image_id("one", None).await;
    let sort_keys = "Unsupported sort_key. Acceptable values: name, status, container_format, disk_format, size, id, created_at, updated_at";
    for (query, message) in [
        ("size_min=-1", "Bad value passed to filter size_min got -1"),
        (
            "size_min=small",
            "Bad value passed to filter size_min got small",
        ),
        (
            "size_max=1.5",
            "Bad value passed to filter size_max got 1.5",
        ),
        ("min_ram=-2", "Bad value passed to filter min_ram got -2"),
        (
            "is_public=maybe",
            "Bad value passed to filter is_public got maybe",
        ),
        (
            "protected=maybe",
            "Bad value passed to filter protected got maybe",
        ),
        // `none` passes the API's check but not the registry's.
        ("protected=none", "protected must be True, or False"),
        ("changes-since=tuesday", "Unrecognized changes-since value"),
        ("limit=ten", "limit param must be an integer"),
        ("limit=2.5", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("marker=nope", "Invalid marker format"),
        (
            "marker=00000000-0000-0000-0000-000000000000",
            "Invalid marker. Image could not be found.",
        ),
        ("sort_key=owner", sort_keys),
        ("sort_key=", sort_keys),
        (
            "sort_dir=up",
            "Unsupported sort_dir. Acceptable values: asc, desc",
        ),
        (
            "sort_dir=DESC",
            "Unsupported sort_dir. Acceptable values: asc, desc",
        ),
        ("name=gt:alpha", "unknown operator"),
    ] {
        for list in ["/v1/images", "/v1/images/detail"] {
            let response = send(plain(owner.get(&format!("{list}?{query}")))).await;
            let status = response.status();
            let body = text(response).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{list}?{query}: {body}");
            assert!(
                body.contains(message),
                "{list}?{query}: expected {message:?} in {body:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_marker_must_be_an_image_the_caller_can_see() {
    let app = spawn_app().await;
    let theirs = app.tenant(OTHER).create_image_id("theirs", None).await;
    let gone = app.tenant(OWNER).create_image_id("gone", None).await;
    send(app.tenant(OWNER).delete(&format!("/v1/images/{gone}"))).await;
    for marker in [&theirs, &gone] {
        refused(
            app.tenant(OWNER)
                .get(&format!("/v1/images?marker={marker}")),
            StatusCode::BAD_REQUEST,
            "Invalid marker. Image could not be found.",
        )
        .await;
    }
    // The owner of the marker may use it.
    let response = send(
        app.tenant(OTHER)
            .get(&format!("/v1/images?marker={theirs}")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Where Glance puts each message depends on the tier that raised it; these bodies were
/// recorded from the real Glance 15.0.2 (`e2e/peer_diff`), ids and lists aside.
#[tokio::test]
async fn error_bodies_are_framed_as_the_raising_glance_tier_frames_them() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let queued = owner.create_image_id("queued", None).await;
    let active = owner.create_image_id("active", Some(b"x")).await;
    let registry_explanation =
        |m: &str| format!("400 Bad Request\n\n400 Bad Request  {m}     \n\n   ");
    let registry_detail = |m: &str| {
        format!(
            "400 Bad Request\n\n400 Bad Request  The server could not comply with the request \
             since it is either malformed or otherwise incorrect.   {m}  \n\n   "
        )
    };
    let api_detail =
        |status: &str, default: &str, m: &str| format!("{status}\n\n{default}\n\n {m}  ");
    let complies = "The server could not comply with the request since it is either malformed \
                    or otherwise incorrect.";
    let cases = [
        (
            owner.get("/v1/images?marker=00000000-0000-0000-0000-000000000000"),
            registry_explanation("Invalid marker. Image could not be found."),
        ),
        (
            owner.get("/v1/images?marker=nope"),
            registry_explanation("Invalid marker format"),
        ),
        (
            owner.get("/v1/images?sort_dir=sideways"),
            registry_explanation("Unsupported sort_dir. Acceptable values: asc, desc"),
        ),
        (
            owner.get("/v1/images?limit=-1"),
            registry_detail("limit param must be positive"),
        ),
        (
            owner.get("/v1/images?changes-since=tuesday"),
            registry_detail("Unrecognized changes-since value"),
        ),
        (
            owner.get("/v1/images/detail?size_min=big"),
            api_detail(
                "400 Bad Request",
                complies,
                "Bad value passed to filter size_min got big",
            ),
        ),
        (
            owner.get(&format!("/v1/images/{queued}")),
            api_detail(
                "404 Not Found",
                "The resource could not be found.",
                &format!("Image {queued} is not active"),
            ),
        ),
        (
            owner
                .put(&format!("/v1/images/{active}"))
                .header("content-type", "application/octet-stream")
                .body(b"again".to_vec()),
            api_detail(
                "409 Conflict",
                "There was a conflict when trying to complete your request.",
                "Cannot upload to an unqueued image",
            ),
        ),
    ];
    for (request, expected) in cases {
        let body = text(send(plain(request)).await).await;
        assert_eq!(body, expected);
    }
}
