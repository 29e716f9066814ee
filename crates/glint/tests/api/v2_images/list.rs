//! `GET /v2/images`: which images a caller lists (v2-sharing §6.2), filters, sorting and
//! pagination with the `next` link.

use crate::helpers::{MEMBER, OTHER, OWNER, send, spawn_app};
use crate::v2_client::expect_v2_error as expect_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// v2-sharing §6.2's fixture: `owner` and `other` each own one image of every visibility
/// (public ones made by an admin); `MEMBER` is a pending member of owner's shared image.
async fn fixture(app: &crate::helpers::TestApp) -> (Vec<String>, Vec<String>) {
    let mut made = Vec::new();
    for project in [OWNER, OTHER] {
        let mut ids = Vec::new();
        for visibility in ["private", "shared", "community"] {
            ids.push(
                app.tenant(project)
                    .v2_create_id(&format!("{project}-{visibility}"), visibility)
                    .await,
            );
        }
        let public = app
            .admin()
            .v2_create(json!({"name": format!("{project}-public"), "owner": project, "visibility": "public"}))
            .await;
        ids.push(public["id"].as_str().expect("id").to_owned());
        made.push(ids);
    }
    // A v1 membership is a pending v2 membership (v2-sharing §8).
    let shared = &made[0][1];
    assert_eq!(
        app.tenant(OWNER).add_member(shared, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    (made[0].clone(), made[1].clone())
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn lists_follow_visibility_and_member_status() {
    let app = spawn_app().await;
    let (own, other) = fixture(&app).await;
    let (o_private, o_shared, o_community, o_public) = (&own[0], &own[1], &own[2], &own[3]);
    let x_public = &other[3];
    let x_community = &other[2];
    let member = app.tenant(MEMBER);
    let publics = sorted(vec![o_public.clone(), x_public.clone()]);

    // The member: public images only while its membership is pending.
    assert_eq!(sorted(member.v2_list_ids("").await), publics);
    assert!(member.v2_list_ids("?visibility=shared").await.is_empty());
    let mut with_pending = publics.clone();
    with_pending.push(o_shared.clone());
    assert_eq!(
        sorted(member.v2_list_ids("?member_status=pending").await),
        sorted(with_pending.clone())
    );
    assert_eq!(
        sorted(member.v2_list_ids("?member_status=all").await),
        sorted(with_pending)
    );
    assert_eq!(
        member
            .v2_list_ids("?member_status=pending&visibility=shared")
            .await,
        vec![o_shared.clone()]
    );
    assert!(
        member
            .v2_list_ids("?member_status=rejected&visibility=shared")
            .await
            .is_empty()
    );
    assert!(member.v2_list_ids("?visibility=private").await.is_empty());
    assert_eq!(
        sorted(member.v2_list_ids("?visibility=community").await),
        sorted(vec![o_community.clone(), x_community.clone()])
    );

    // The owner: all of its own (any visibility, member_status never filters them) + publics.
    let mut owner_default = own.clone();
    owner_default.push(x_public.clone());
    let owner = app.tenant(OWNER);
    assert_eq!(sorted(owner.v2_list_ids("").await), sorted(owner_default));
    assert_eq!(
        owner
            .v2_list_ids("?visibility=shared&member_status=rejected")
            .await,
        vec![o_shared.clone()]
    );
    assert_eq!(
        owner.v2_list_ids("?visibility=private").await,
        vec![o_private.clone()]
    );

    // Admin: everything except other owners' community images, unless asked.
    let admin = app.admin();
    let listed = admin.v2_list_ids("").await;
    assert_eq!(listed.len(), 6, "{listed:?}");
    assert!(!listed.contains(o_community) && !listed.contains(x_community));
    assert_eq!(admin.v2_list_ids("?visibility=all").await.len(), 8);
}

#[tokio::test]
async fn pages_follow_the_next_link() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let mut made = Vec::new();
    for n in 0..5 {
        made.push(owner.v2_create_id(&format!("img-{n}"), "private").await);
    }
    let mut seen = Vec::new();
    let mut url = "/v2/images?limit=2&sort=name:asc".to_owned();
    loop {
        let body: Value = send(owner.get(&url)).await.json().await.expect("json");
        assert_eq!(body["schema"], "/v2/schemas/images");
        assert_eq!(body["first"], "/v2/images?limit=2&sort=name%3Aasc");
        for image in body["images"].as_array().expect("images") {
            seen.push(image["name"].as_str().expect("name").to_owned());
        }
        match body["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, vec!["img-0", "img-1", "img-2", "img-3", "img-4"]);
    let body: Value = send(owner.get("/v2/images"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["first"], "/v2/images");
    assert!(body.get("next").is_none());
}

#[tokio::test]
async fn filters_select_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let a = owner
        .v2_create(
            json!({"name": "a", "disk_format": "qcow2", "container_format": "bare",
                          "tags": ["x", "y"], "arch": "x86_64", "protected": true}),
        )
        .await;
    let b = owner
        .v2_create(
            json!({"name": "b", "disk_format": "raw", "container_format": "bare",
                          "tags": ["x"], "arch": "aarch64", "os_hidden": true}),
        )
        .await;
    let id = |v: &Value| v["id"].as_str().expect("id").to_owned();
    let (a, b) = (id(&a), id(&b));
    assert_eq!(owner.v2_list_ids("?name=a").await, vec![a.clone()]);
    assert_eq!(
        owner.v2_list_ids("?disk_format=qcow2").await,
        vec![a.clone()]
    );
    assert_eq!(owner.v2_list_ids("?tag=x&tag=y").await, vec![a.clone()]);
    assert_eq!(owner.v2_list_ids("?arch=x86_64").await, vec![a.clone()]);
    assert_eq!(owner.v2_list_ids("?protected=true").await, vec![a.clone()]);
    // Hidden images are listed only when asked for.
    assert_eq!(owner.v2_list_ids("").await, vec![a.clone()]);
    assert_eq!(owner.v2_list_ids("?os_hidden=true").await, vec![b.clone()]);
    assert_eq!(
        sorted(
            owner
                .v2_list_ids(&format!("?id=in:{a},{b}&os_hidden=false"))
                .await
        ),
        vec![a.clone()]
    );
    assert_eq!(
        owner.v2_list_ids(&format!("?owner={OWNER}")).await,
        vec![a.clone()]
    );
    assert!(
        owner
            .v2_list_ids(&format!("?owner={OTHER}"))
            .await
            .is_empty()
    );
    // Images without data have no size: a size filter never matches them.
    assert!(owner.v2_list_ids("?size_min=0").await.is_empty());
    assert_eq!(
        owner
            .v2_list_ids("?created_at=gte:2000-01-01T00:00:00Z")
            .await,
        vec![a.clone()]
    );
    assert!(
        owner
            .v2_list_ids("?created_at=lt:2000-01-01T00:00:00Z")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn bad_list_parameters_are_400s() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    for (query, needle) in [
        ("limit=x", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("member_status=maybe", "Invalid status: maybe"),
        ("visibility=everyone", "Invalid visibility value: everyone"),
        ("os_hidden=1", "Invalid value '1' for 'os_hidden' filter."),
        (
            "protected=yes",
            "Invalid value 'yes' for 'protected' filter.",
        ),
        (
            "sort_key=owner",
            "Invalid sort key: owner. It must be one of the following: name,",
        ),
        ("sort_dir=up", "Invalid sort direction: up"),
        (
            "sort=name&sort_key=id",
            "Old and new sorting syntax cannot be combined",
        ),
        (
            "sort_key=name&sort_key=id&sort_key=size&sort_dir=asc&sort_dir=desc",
            "Number of sort dirs does not match the number of sort keys",
        ),
        ("changes-since=2020-01-01", "no longer available on v2"),
        (
            "size_min=big",
            "Unable to filter on a range with a non-numeric value.",
        ),
        (
            "marker=0b6d2c1e-5a3e-4c7a-9d0b-3b1f4e2a6c11",
            "No image found with ID 0b6d2c1e-5a3e-4c7a-9d0b-3b1f4e2a6c11",
        ),
        (
            "created_at=after:2020-01-01T00:00:00Z",
            "Unable to filter on a unknown operator.",
        ),
        (
            "created_at=gte:soon",
            "Bad \"created_at\" query filter format. Use ISO 8601 DateTime notation.",
        ),
    ] {
        expect_error(
            send(owner.get(&format!("/v2/images?{query}"))).await,
            StatusCode::BAD_REQUEST,
            needle,
        )
        .await;
    }
    // Glance's list route takes no notice of a body (it is not a body_reject route).
    let with_body = send(owner.get("/v2/images").json(&json!({}))).await;
    assert_eq!(with_body.status(), StatusCode::OK);
}
