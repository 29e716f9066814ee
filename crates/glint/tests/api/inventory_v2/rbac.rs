//! glance-tempest-plugin secure-RBAC tests (B.7, `glance_tempest_plugin/tests/rbac/v2/`):
//! project member, project reader and project admin personas of project P; "other project"
//! images are created by a member of another project.

use super::{member_ids, member_status, persona, user};
use crate::helpers::*;
use reqwest::StatusCode;

const P: &str = "project-p";
const OTHER_P: &str = "other-project";
const THIRD: &str = "third-project";

/// A `shared` image of `owner`'s project.
async fn shared_of(app: &TestApp, owner: &str) -> String {
    user(app, owner).v2_create_id("rbac", "shared").await
}

/// Another project's shared image with `members` (pending).
async fn other_with(app: &TestApp, members: &[&str]) -> String {
    let image = shared_of(app, OTHER_P).await;
    for member in members {
        user(app, OTHER_P).v2_add_member_ok(&image, member).await;
    }
    image
}

fn member_of<'a>(app: &'a TestApp) -> Caller<'a> {
    persona(app, P, "member,reader")
}

fn reader_of<'a>(app: &'a TestApp) -> Caller<'a> {
    persona(app, P, "reader")
}

fn admin_of<'a>(app: &'a TestApp) -> Caller<'a> {
    persona(app, P, "admin,member,reader")
}

/// Show and list as `who` (member or reader persona): V2-R02, V2-R03 (and V2-R09).
async fn reads(app: &TestApp, who: &Caller<'_>) {
    let own = shared_of(app, P).await;
    user(app, P).v2_add_member_ok(&own, THIRD).await;
    let response = who.v2_show_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-R02, V2-R09
    let foreign = other_with(app, &[THIRD]).await;
    let response = who.v2_show_member(&foreign, THIRD).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-R02, V2-R09
    let both = other_with(app, &[P, THIRD]).await;
    assert_eq!(member_ids(who, &both).await, vec![P.to_owned()]); // V2-R03, V2-R09
}

#[tokio::test]
async fn b7_project_member() {
    let app = spawn_app().await;
    let member = member_of(&app);
    let own = shared_of(&app, P).await;
    let response = member.v2_add_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-R01
    reads(&app, &member).await;
    let shared_with_p = other_with(&app, &[P]).await;
    for status in ["accepted", "rejected"] {
        let response = member.v2_set_member_status(&shared_with_p, P, status).await;
        assert_eq!(member_status(response).await, status); // V2-R04
    }
    let hidden = other_with(&app, &[THIRD]).await;
    for status in ["accepted", "rejected"] {
        let response = member.v2_set_member_status(&hidden, THIRD, status).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{status}"); // V2-R04
    }
    let response = member.v2_remove_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-R05
    let response = member.v2_remove_member(&hidden, THIRD).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-R05
    assert_eq!(
        member_ids(&user(&app, OTHER_P), &hidden).await,
        vec![THIRD.to_owned()]
    );
}

#[tokio::test]
async fn b7_project_reader() {
    let app = spawn_app().await;
    let reader = reader_of(&app);
    let own = shared_of(&app, P).await;
    let response = reader.v2_add_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-R06
    reads(&app, &reader).await; // V2-R09
    let shared_with_p = other_with(&app, &[P]).await;
    let hidden = other_with(&app, &[THIRD]).await;
    for status in ["accepted", "rejected"] {
        let response = reader.v2_set_member_status(&shared_with_p, P, status).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{status}"); // V2-R07
        let response = reader.v2_set_member_status(&hidden, THIRD, status).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{status}"); // V2-R07
    }
    user(&app, P).v2_add_member_ok(&own, THIRD).await;
    let response = reader.v2_remove_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN); // V2-R08
    let response = reader.v2_remove_member(&hidden, THIRD).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND); // V2-R08
    let (_, rows) = user(&app, OTHER_P).v2_members(&shared_with_p).await;
    assert_eq!(rows, vec![(P.to_owned(), "pending".to_owned())]);
    assert_eq!(
        member_ids(&user(&app, P), &own).await,
        vec![THIRD.to_owned()]
    );
}

#[tokio::test]
async fn b7_project_admin() {
    let app = spawn_app().await;
    let admin = admin_of(&app);
    let own = shared_of(&app, P).await;
    let response = admin.v2_add_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-R10
    let response = admin.v2_show_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-R11
    let foreign = other_with(&app, &[P, THIRD]).await;
    let response = admin.v2_show_member(&foreign, THIRD).await;
    assert_eq!(response.status(), StatusCode::OK); // V2-R11
    assert_eq!(
        member_ids(&admin, &foreign).await,
        vec![P.to_owned(), THIRD.to_owned()]
    ); // V2-R12
    for status in ["accepted", "rejected"] {
        for target in [P, THIRD] {
            let response = admin.v2_set_member_status(&foreign, target, status).await;
            assert_eq!(member_status(response).await, status, "{target}"); // V2-R13
        }
    }
    let response = admin.v2_remove_member(&own, THIRD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-R14
    let response = admin.v2_remove_member(&foreign, THIRD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT); // V2-R14
    assert_eq!(member_ids(&admin, &foreign).await, vec![P.to_owned()]);
}
