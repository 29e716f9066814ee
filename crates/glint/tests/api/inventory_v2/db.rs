//! The v2 parts of the database-layer tests shared by v1 and v2 (A.7 `glance/tests/functional/db/
//! base.py`): DB-08 and DB-11, through `GET /v2/images`.

use super::functional::{ids_where, sixteen_images};
use super::{image_of, list, no_project, persona, sorted, user};
use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn db08_image_get_multiple_members() {
    let app = spawn_app().await;
    let mut publics = Vec::new();
    for _ in 0..3 {
        publics.push(image_of(&app, "tenant1", "public").await);
    }
    let publics = sorted(publics);
    let shared = image_of(&app, "tenant1", "shared").await;
    user(&app, "tenant1")
        .v2_add_member_ok(&shared, "tenant2")
        .await;
    let tenant2 = user(&app, "tenant2");
    let mut all = publics.clone();
    all.push(shared.clone());
    let all = sorted(all);
    for (query, expected) in [
        ("", publics.clone()),
        ("?member_status=rejected", publics.clone()),
        ("?visibility=shared", vec![]),
        (
            "?member_status=pending&visibility=shared",
            vec![shared.clone()],
        ),
        ("?member_status=all&visibility=shared", vec![shared.clone()]),
        ("?member_status=pending", all.clone()),
        ("?member_status=all", all),
    ] {
        assert_eq!(list(&tenant2, query).await, expected, "{query}"); // DB-08
    }
    let response = send(tenant2.get(&format!("/v2/images/{shared}"))).await;
    assert_eq!(response.status(), StatusCode::OK); // DB-08
}

#[tokio::test]
async fn db11_visibility() {
    let app = spawn_app().await;
    let images = sixteen_images(&app).await;
    let tenant1 = persona(&app, "tenant1", "member,reader");
    let seen = list(&tenant1, "").await;
    assert_eq!(seen.len(), 7); // DB-11
    let own_shared = ids_where(&images, |owner, v| owner == "tenant1" && v == "shared");
    assert_eq!(list(&tenant1, "?visibility=shared").await, own_shared); // DB-11
    let publics = ids_where(&images, |_, v| v == "public");
    assert_eq!(list(&no_project(&app, "member,reader"), "").await, publics); // DB-11
    let admin_alone = no_project(&app, "admin,member,reader");
    assert_eq!(list(&admin_alone, "").await.len(), 12); // DB-11
    assert_eq!(list(&app.admin(), "").await.len(), 13); // DB-11
}
