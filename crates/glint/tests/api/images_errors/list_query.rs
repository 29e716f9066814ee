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
