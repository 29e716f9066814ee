//! Database-layer membership tests (A.7 `functional/db/base.py`) through the v1 API.

use super::{public_image, rows, sorted};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// A.7 Database layer `glance/tests/functional/db/base.py` (through the v1 API).

#[tokio::test]
async fn a7_membership_visibility() {
    let app = spawn_app().await;
    let (owner1, owner2) = (app.tenant("owner1"), app.tenant("owner2"));
    let image1 = owner1.create_image_id("o1", None).await;
    let image2 = owner2.create_image_id("o2", None).await;
    for (owner, image) in [(&owner1, &image1), (&owner2, &image2)] {
        owner.add_member(image, "user1", None).await;
        owner.add_member(image, "user2", None).await;
    }
    let ids = |v: Vec<(String, bool)>| sorted(v.into_iter().map(|(id, _)| id).collect());
    assert_eq!(
        ids(owner1.shared_images("user1").await),
        vec![image1.clone()]
    ); // DB-01
    assert_eq!(
        ids(app.tenant("user1").shared_images("user1").await),
        sorted(vec![image1.clone(), image2.clone()])
    ); // DB-02
    assert_eq!(
        ids(app.tenant("user2").shared_images("user1").await),
        Vec::<String>::new()
    ); // DB-03
    assert_eq!(
        ids(app.admin().shared_images("user1").await),
        sorted(vec![image1.clone(), image2])
    ); // DB-04
    let both = rows(&[("user1", false), ("user2", false)]);
    assert_eq!(owner1.members(&image1).await.1, both); // DB-05
    assert_eq!(app.admin().members(&image1).await.1, both); // DB-05
    assert_eq!(
        app.tenant("user1").members(&image1).await.1,
        rows(&[("user1", false)])
    ); // DB-06
    assert_eq!(
        app.tenant("user2").members(&image1).await.1,
        rows(&[("user2", false)])
    ); // DB-06
    // DB-06 for a member with `can_share`: D7 lets a sharer see the whole list.
    owner1
        .add_member(&image1, "user1", Some(json!({"can_share": true})))
        .await;
    let both_sharer = rows(&[("user1", true), ("user2", false)]);
    assert_eq!(app.tenant("user1").members(&image1).await.1, both_sharer); // DB-06 (D7)
    assert_eq!(
        app.tenant("user3").members(&image1).await.0,
        StatusCode::NOT_FOUND
    ); // DB-07 (not visible)
    let public = public_image(&app).await;
    app.admin().add_member(&public, "user1", None).await;
    assert_eq!(app.tenant("user3").members(&public).await.1, vec![]); // DB-07 (visible, no rows)
}

#[tokio::test]
async fn a7_driver_member_rows() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 1).await;
    let owner = app.tenant(OWNER);
    let image = owner.create_image_id("img", None).await;
    assert_eq!(
        app.tenant(MEMBER).head_status(&image).await,
        StatusCode::NOT_FOUND
    );
    owner.add_member(&image, MEMBER, None).await;
    assert_eq!(owner.members(&image).await.1, rows(&[(MEMBER, false)])); // DB-10: can_share false
    assert_eq!(app.tenant(MEMBER).head_status(&image).await, StatusCode::OK); // DB-09
    owner
        .add_member(&image, MEMBER, Some(json!({"can_share": true})))
        .await;
    assert_eq!(owner.members(&image).await.1, rows(&[(MEMBER, true)])); // DB-10: update
    owner.remove_member(&image, MEMBER).await;
    assert_eq!(owner.members(&image).await.1, vec![]); // DB-10: delete hides the row
    assert_eq!(
        app.tenant(MEMBER).head_status(&image).await,
        StatusCode::NOT_FOUND
    ); // DB-09
    // DB-10: the count ignores deleted rows (quota 1, one deleted row).
    assert_eq!(
        owner.add_member(&image, OTHER, None).await,
        StatusCode::NO_CONTENT
    ); // DB-10
}
