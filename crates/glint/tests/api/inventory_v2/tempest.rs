//! Tempest v2 (B.6, `tempest/api/image/v2/`): images of the primary project with the default
//! visibility (`shared`), the alt project as member.

use super::{member_status, persona, status_json, user};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

const PRIMARY: &str = "primary";
const ALT: &str = "alt";

/// An image created as Tempest does: no visibility given (default `shared`).
async fn tempest_image(app: &TestApp) -> String {
    let image = user(app, PRIMARY)
        .v2_create(json!({"name": "tempest", "disk_format": "raw", "container_format": "bare"}))
        .await;
    assert_eq!(image["visibility"], "shared");
    id_of(&image)
}

async fn alt_lists(app: &TestApp, image: &str) -> bool {
    user(app, ALT)
        .v2_list_ids("")
        .await
        .iter()
        .any(|id| id == image)
}

#[tokio::test]
async fn b6_image_share_accept_and_reject() {
    let app = spawn_app().await;
    let (primary, alt) = (user(&app, PRIMARY), user(&app, ALT));
    let image = tempest_image(&app).await;
    assert_eq!(
        member_status(primary.v2_add_member(&image, ALT).await).await,
        "pending"
    ); // V2-T01
    assert!(!alt_lists(&app, &image).await); // V2-T01
    let response = alt.v2_set_member_status(&image, ALT, "accepted").await;
    assert_eq!(member_status(response).await, "accepted"); // V2-T01
    assert!(alt_lists(&app, &image).await); // V2-T01
    for lister in [primary, persona(&app, PRIMARY, "reader")] {
        let (status, rows) = lister.v2_members(&image).await;
        assert_eq!(
            (status, rows),
            (
                StatusCode::OK,
                vec![(ALT.to_owned(), "accepted".to_owned())]
            )
        ); // V2-T01
    }
    let (status, member) = status_json(alt.v2_show_member(&image, ALT).await).await;
    assert_eq!(status, StatusCode::OK); // V2-T03
    assert_eq!(
        (
            member["member_id"].clone(),
            member["image_id"].clone(),
            member["status"].clone()
        ),
        (json!(ALT), json!(image), json!("accepted"))
    ); // V2-T03

    let rejected = tempest_image(&app).await;
    user(&app, PRIMARY).v2_add_member_ok(&rejected, ALT).await;
    let response = alt.v2_set_member_status(&rejected, ALT, "rejected").await;
    assert_eq!(member_status(response).await, "rejected"); // V2-T02
    assert!(!alt_lists(&app, &rejected).await); // V2-T02
}

#[tokio::test]
async fn b6_remove_image_member() {
    let app = spawn_app().await;
    let image = tempest_image(&app).await;
    let primary = user(&app, PRIMARY);
    primary.v2_add_member_ok(&image, ALT).await;
    let response = user(&app, ALT)
        .v2_set_member_status(&image, ALT, "accepted")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(alt_lists(&app, &image).await); // V2-T04
    let response = primary.v2_remove_member(&image, ALT).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-T04
    assert!(!alt_lists(&app, &image).await); // V2-T04
}

#[tokio::test]
async fn b6_images_member_negative() {
    let app = spawn_app().await;
    let image = tempest_image(&app).await;
    let (primary, alt) = (user(&app, PRIMARY), user(&app, ALT));
    primary.v2_add_member_ok(&image, ALT).await;
    let response = alt
        .v2_set_member_status(&image, ALT, "notavalidstatus")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST); // V2-T06
    let response = primary.v2_set_member_status(&image, ALT, "accepted").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-T07
    assert!(!alt_lists(&app, &image).await); // V2-T07
}

#[tokio::test]
async fn b6_list_images_param_member_status() {
    let app = spawn_app().await;
    let primary = user(&app, PRIMARY);
    let image = tempest_image(&app).await;
    assert_eq!(
        primary.v2_upload(&image, b"tempest data").await,
        StatusCode::NO_CONTENT
    );
    let unshared = tempest_image(&app).await;
    primary.v2_add_member_ok(&image, ALT).await;
    let listed = user(&app, ALT)
        .v2_list_ids("?member_status=pending&visibility=shared")
        .await;
    assert_eq!(listed, vec![image]); // V2-T08
    assert!(!listed.contains(&unshared));
}
