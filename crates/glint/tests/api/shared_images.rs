//! `GET /v1/shared-images/{member}`: v1-sharing §5.5 (table and response shape), §6.3, §6.5 (last
//! column) and DECISIONS D7 (clarification: a caller sees the rows naming itself and the rows on
//! images it owns or may share; admins see all), D12 (GET and HEAD). The path value is the
//! *member* tenant, not the owner (the api-ref is wrong, §10). Errors are in `members_errors.rs`.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_member_and_admins_see_every_live_membership_of_the_member() {
    let app = spawn_app().await;
    let s = Scenario::new(&app).await;
    let everything = sorted(vec![
        (s.i1.clone(), false),
        (s.i2.clone(), true),
        (s.i3.clone(), false),
        (s.public.clone(), false),
    ]);
    // Memberships on images of two owners, public and queued images alike (§5.5: no visibility
    // or status filtering).
    assert_eq!(
        sorted(app.tenant(MEMBER).shared_images(MEMBER).await),
        everything
    );
    assert_eq!(sorted(app.admin().shared_images(MEMBER).await), everything);
    let root = app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-roles", "admin".into()),
    ]);
    assert_eq!(sorted(root.shared_images(MEMBER).await), everything);
}

#[tokio::test]
async fn the_response_has_exactly_image_id_and_can_share() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner.add_member(&id, MEMBER, None).await;
    let response = send(owner.get(&format!("/v1/shared-images/{MEMBER}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.expect("json");
    // Transcript §12: {"shared_images": [{"image_id": …, "can_share": false}]}.
    assert_eq!(
        body,
        json!({"shared_images": [{"image_id": id, "can_share": false}]})
    );
    // The owner is not its own member (transcript §14).
    let response = send(owner.get(&format!("/v1/shared-images/{OWNER}"))).await;
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"shared_images": []})
    );
}

#[tokio::test]
async fn other_tenants_see_only_rows_on_images_they_own_or_may_share() {
    let app = spawn_app().await;
    let s = Scenario::new(&app).await;
    // §5.5 row "tenant O, X ≠ O": only X's memberships on O's images.
    assert_eq!(
        sorted(app.tenant(OWNER).shared_images(MEMBER).await),
        sorted(vec![
            (s.i1.clone(), false),
            (s.i2.clone(), true),
            (s.public.clone(), false)
        ])
    );
    assert_eq!(
        app.tenant(OTHER).shared_images(MEMBER).await,
        vec![(s.i3.clone(), false)]
    );
    // D7: a delegated sharer sees the rows of the images it may share (SHARER on I1; MEMBER
    // holds can_share on I2, where OTHER is a member)…
    assert_eq!(
        app.tenant(SHARER).shared_images(MEMBER).await,
        vec![(s.i1.clone(), false)]
    );
    assert_eq!(
        app.tenant(MEMBER).shared_images(OTHER).await,
        vec![(s.i2.clone(), false)]
    );
    // …while a plain member never learns who else an image is shared with.
    assert_eq!(
        app.tenant(OTHER).shared_images(MEMBER).await.len(),
        1,
        "only its own image I3"
    );
    assert_eq!(app.tenant(MEMBER).shared_images(SHARER).await, vec![]);
    assert_eq!(app.tenant(OTHER).shared_images(SHARER).await, vec![]);
    assert_eq!(app.tenant(SHARER).shared_images(OTHER).await, vec![]);
    // An unrelated tenant sees nothing of anybody.
    for member in [MEMBER, SHARER, OTHER] {
        assert_eq!(
            app.tenant(OUTSIDER).shared_images(member).await,
            vec![],
            "{member}"
        );
    }
}

#[tokio::test]
async fn callers_without_a_tenant_get_an_empty_list() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let s = Scenario::new(&app).await;
    // §5.5 last row; §6.5: 200 `[]`, no guard (no 401 or 403 here).
    assert_eq!(app.no_tenant().shared_images(MEMBER).await, vec![]);
    assert_eq!(app.anonymous().shared_images(MEMBER).await, vec![]);
    assert_eq!(
        app.tenant(MEMBER).shared_images(MEMBER).await.len(),
        4,
        "{s:?}"
    );
}

#[tokio::test]
async fn unknown_members_get_an_empty_list_never_404() {
    let app = spawn_app().await;
    let _s = Scenario::new(&app).await;
    for member in ["nobody", "00000000000000000000000000000000", "with%20space"] {
        assert_eq!(app.admin().shared_images(member).await, vec![], "{member}");
        assert_eq!(
            app.tenant(OWNER).shared_images(member).await,
            vec![],
            "{member}"
        );
    }
}

#[tokio::test]
async fn can_share_is_the_value_of_each_row_and_follows_updates() {
    let app = spawn_app().await;
    let s = Scenario::new(&app).await;
    let owner = app.tenant(OWNER);
    // The api-ref's "true if all members have can_share" is wrong (§10): it is the row's value.
    assert_eq!(
        app.tenant(SHARER).shared_images(SHARER).await,
        vec![(s.i1.clone(), true)]
    );
    assert!(
        app.tenant(MEMBER)
            .shared_images(MEMBER)
            .await
            .contains(&(s.i1.clone(), false))
    );
    owner
        .add_member(&s.i1, SHARER, Some(json!({"member": {"can_share": false}})))
        .await;
    owner
        .add_member(&s.i1, MEMBER, Some(json!({"can_share": "true"})))
        .await;
    assert_eq!(
        app.tenant(SHARER).shared_images(SHARER).await,
        vec![(s.i1.clone(), false)]
    );
    assert!(
        app.tenant(MEMBER)
            .shared_images(MEMBER)
            .await
            .contains(&(s.i1.clone(), true))
    );
    // Without can_share SHARER no longer sees MEMBER's row on I1; MEMBER now sees SHARER's.
    assert_eq!(app.tenant(SHARER).shared_images(MEMBER).await, vec![]);
    assert_eq!(
        app.tenant(MEMBER).shared_images(SHARER).await,
        vec![(s.i1.clone(), false)]
    );
}

#[tokio::test]
async fn removed_replaced_and_deleted_memberships_disappear() {
    let app = spawn_app().await;
    let s = Scenario::new(&app).await;
    let owner = app.tenant(OWNER);
    let member = app.tenant(MEMBER);
    // Transcript §43: a removed member's list loses the image.
    assert_eq!(
        owner.remove_member(&s.i1, MEMBER).await,
        StatusCode::NO_CONTENT
    );
    // A replace that leaves MEMBER out.
    assert_eq!(
        owner
            .replace_members(&s.i2, json!([{"member_id": OTHER}]))
            .await,
        StatusCode::NO_CONTENT
    );
    // Deleting an image soft-deletes its memberships (v1-images §5.6).
    assert_eq!(
        send(app.admin().delete(&format!("/v1/images/{}", s.public)))
            .await
            .status(),
        StatusCode::OK
    );
    for caller in [app.tenant(MEMBER), app.admin(), app.tenant(OWNER)] {
        let rows = caller.shared_images(MEMBER).await;
        assert!(
            !rows
                .iter()
                .any(|(id, _)| *id == s.i1 || *id == s.i2 || *id == s.public),
            "{rows:?}"
        );
    }
    assert_eq!(
        member.shared_images(MEMBER).await,
        vec![(s.i3.clone(), false)]
    );
    assert_eq!(
        app.tenant(OTHER).shared_images(OTHER).await,
        vec![(s.i2.clone(), false)]
    );
    // Deleting the last image clears the list for the member and for admins.
    assert_eq!(
        send(app.tenant(OTHER).delete(&format!("/v1/images/{}", s.i3)))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(member.shared_images(MEMBER).await, vec![]);
    assert_eq!(app.admin().shared_images(MEMBER).await, vec![]);
    // Shared again: back, with can_share false (D3).
    assert_eq!(
        owner.add_member(&s.i1, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        member.shared_images(MEMBER).await,
        vec![(s.i1.clone(), false)]
    );
}

#[tokio::test]
async fn head_and_every_version_prefix_list_the_same() {
    let app = spawn_app().await;
    let s = Scenario::new(&app).await;
    let member = app.tenant(MEMBER);
    // D12: HEAD answers like GET, without a body.
    let head = send(member.head(&format!("/v1/shared-images/{MEMBER}"))).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(text(head).await, "");
    for prefix in ["/v1.0", "/v1.1"] {
        let response = send(member.get(&format!("{prefix}/shared-images/{MEMBER}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "{prefix}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(
            body["shared_images"].as_array().map(Vec::len),
            Some(4),
            "{prefix}: {s:?}"
        );
    }
}

#[tokio::test]
async fn member_ids_are_matched_verbatim_after_url_decoding() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    for member in ["with space", "Tenant-Case", "tenant-case"] {
        let path = format!("/v1/images/{id}/members/{}", member.replace(' ', "%20"));
        assert_eq!(
            send(owner.put(&path)).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(
        owner.shared_images("with%20space").await,
        vec![(id.clone(), false)]
    );
    // Case-sensitive: two different tenants.
    assert_eq!(
        owner.shared_images("Tenant-Case").await,
        vec![(id.clone(), false)]
    );
    owner.remove_member(&id, "tenant-case").await;
    assert_eq!(owner.shared_images("tenant-case").await, vec![]);
    assert_eq!(owner.shared_images("Tenant-Case").await, vec![(id, false)]);
}

// ---------------------------------------------------------------------------------------------
// Helpers for this file.

/// Images and memberships used by most tests:
/// - `i1` (OWNER, active): MEMBER (false), SHARER (true)
/// - `i2` (OWNER, queued): MEMBER (true), OTHER (false)
/// - `i3` (OTHER): MEMBER (false)
/// - `public` (OWNER, public): MEMBER (false)
#[derive(Debug)]
struct Scenario {
    i1: String,
    i2: String,
    i3: String,
    public: String,
}

impl Scenario {
    async fn new(app: &TestApp) -> Self {
        let owner = app.tenant(OWNER);
        let i1 = owner.create_image_id("i1", Some(b"one")).await;
        let i2 = owner.create_image_id("i2", None).await;
        let i3 = app
            .tenant(OTHER)
            .create_image_id("i3", Some(b"three"))
            .await;
        let public = app.create_public_image(OWNER, "public", None).await;
        for (caller, image, member, can_share) in [
            (OWNER, &i1, MEMBER, false),
            (OWNER, &i1, SHARER, true),
            (OWNER, &i2, MEMBER, true),
            (OWNER, &i2, OTHER, false),
            (OTHER, &i3, MEMBER, false),
            (OWNER, &public, MEMBER, false),
        ] {
            let status = app
                .tenant(caller)
                .add_member(
                    image,
                    member,
                    Some(json!({"member": {"can_share": can_share}})),
                )
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
        Self { i1, i2, i3, public }
    }
}

fn sorted(mut rows: Vec<(String, bool)>) -> Vec<(String, bool)> {
    rows.sort();
    rows
}
