//! Images v1 list (§5.2): shapes, filters, `is_public`, deleted/killed images, sorting, paging.

use super::{assert_keys, detail_of, header, image_of, is_v1_time, json_of, kill_image, pattern};
use crate::helpers::*;
use reqwest::StatusCode;
use std::collections::BTreeSet;

#[tokio::test]
async fn list_shapes_match_glance() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let data = pattern(10);
    let id = owner.create_image_id("listed", Some(&data)).await;
    let body = json_of(send(owner.get("/v1/images")).await).await;
    // Transcript block 17: exactly these six keys.
    assert_eq!(
        body,
        serde_json::json!({"images": [{
            "id": id, "name": "listed", "size": 10, "disk_format": "raw",
            "container_format": "bare", "checksum": md5_hex(&data)
        }]})
    );
    let body = json_of(send(owner.get("/v1/images/detail")).await).await;
    let images = body["images"].as_array().expect("images");
    assert_eq!(images.len(), 1);
    assert_keys(&images[0]);
    assert_eq!(images[0], detail_of(&owner, &id).await);
    // `/v1/` is an alias of the list, and the v1.0/v1.1 prefixes reach the same router.
    for path in ["/v1/", "/v1.0/images", "/v1.1/images"] {
        let body = json_of(send(owner.get(path)).await).await;
        assert_eq!(body["images"][0]["id"], id.as_str(), "{path}");
    }
}

#[tokio::test]
async fn list_filters_select_by_field_property_size_and_flags() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let create = |name: &'static str, disk: &'static str, container: &'static str| {
        owner
            .post("/v1/images")
            .header("x-image-meta-name", name)
            .header("x-image-meta-disk_format", disk)
            .header("x-image-meta-container_format", container)
    };
    let a = image_of(
        send(
            create("alpha", "raw", "bare")
                .header("x-image-meta-property-distro", "ubuntu")
                .header("x-image-meta-min_ram", "512")
                .header("x-image-meta-min_disk", "3")
                .header("content-type", "application/octet-stream")
                .body(pattern(10)),
        )
        .await,
    )
    .await;
    let b = image_of(
        send(
            create("beta", "qcow2", "ovf")
                .header("x-image-meta-property-distro", "fedora")
                .header("content-type", "application/octet-stream")
                .body(pattern(100)),
        )
        .await,
    )
    .await;
    let c = image_of(send(create("gamma", "iso", "bare")).await).await;
    let d = image_of(
        send(
            create("delta", "raw", "bare")
                .header("x-image-meta-size", "0")
                .header("x-image-meta-protected", "true"),
        )
        .await,
    )
    .await;
    let [a, b, c, d] = [&a, &b, &c, &d].map(id_of);
    let set = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<BTreeSet<_>>();
    for (query, expected) in [
        ("", set(&[&a, &b, &c, &d])),
        ("?name=alpha", set(&[&a])),
        ("?name=in:alpha,beta", set(&[&a, &b])),
        ("?name=nothing", set(&[])),
        ("?status=queued", set(&[&c])),
        ("?status=active", set(&[&a, &b, &d])),
        ("?disk_format=qcow2", set(&[&b])),
        ("?disk_format=in:iso,qcow2", set(&[&b, &c])),
        ("?container_format=bare", set(&[&a, &c, &d])),
        ("?size_min=50", set(&[&b])),
        ("?size_max=10", set(&[&a, &c, &d])),
        ("?size_min=10&size_max=10", set(&[&a])),
        ("?property-distro=ubuntu", set(&[&a])),
        ("?property-distro=debian", set(&[])),
        // min_ram is an equality filter in v1, not a minimum (§5.2).
        ("?min_ram=512", set(&[&a])),
        ("?min_ram=256", set(&[])),
        ("?min_disk=3", set(&[&a])),
        ("?protected=true", set(&[&d])),
        ("?protected=False", set(&[&a, &b, &c])),
        ("?protected=1&container_format=bare", set(&[&d])),
        ("?status=active&disk_format=raw&size_max=0", set(&[&d])),
        // Unknown parameters are ignored, as Glance does.
        ("?colour=blue", set(&[&a, &b, &c, &d])),
    ] {
        let got: BTreeSet<String> = owner.list_ids(query).await.into_iter().collect();
        assert_eq!(got, expected, "{query}");
        let detail = json_of(send(owner.get(&format!("/v1/images/detail{query}"))).await).await;
        let got: BTreeSet<String> = detail["images"]
            .as_array()
            .expect("images")
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(got, expected, "detail{query}");
    }
}

#[tokio::test]
async fn is_public_filter_is_honoured_for_admins_only() {
    let app = spawn_app().await;
    let public = image_of(
        send(
            app.admin()
                .post("/v1/images")
                .header("x-image-meta-is_public", "yes"),
        )
        .await,
    )
    .await;
    let public = id_of(&public);
    let mine = app.tenant(OWNER).create_image_id("mine", None).await;
    let theirs = app.tenant(OTHER).create_image_id("theirs", None).await;
    let set = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<BTreeSet<_>>();
    let listed = |ids: Vec<String>| ids.into_iter().collect::<BTreeSet<_>>();
    // Non-admins: the parameter is silently ignored.
    for query in ["", "?is_public=false", "?is_public=none", "?is_public=true"] {
        assert_eq!(
            listed(app.tenant(OWNER).list_ids(query).await),
            set(&[&public, &mine]),
            "{query}"
        );
    }
    // Admins: absent or true → as a regular user; none → all; false → all non-public.
    let admin = app.admin();
    assert_eq!(listed(admin.list_ids("").await), set(&[&public]));
    assert_eq!(
        listed(admin.list_ids("?is_public=true").await),
        set(&[&public])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=1").await),
        set(&[&public])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=none").await),
        set(&[&public, &mine, &theirs])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=False").await),
        set(&[&mine, &theirs])
    );
    assert_eq!(
        listed(admin.list_ids("?is_public=0").await),
        set(&[&mine, &theirs])
    );
}

#[tokio::test]
async fn killed_and_deleted_images_are_left_out_unless_asked_for() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let live = owner.create_image_id("live", Some(b"live")).await;
    let killed = kill_image(&app, "killed").await;
    let gone = owner.create_image_id("gone", Some(b"gone")).await;
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{gone}")))
            .await
            .status(),
        StatusCode::OK
    );
    // Default list: neither killed nor deleted images (§5.2).
    assert_eq!(owner.list_ids("").await, vec![live.clone()]);
    // Glance excludes killed images whenever deleted ones are excluded, even for status=killed.
    assert!(owner.list_ids("?status=killed").await.is_empty());
    assert_eq!(
        owner
            .list_ids("?status=killed&changes-since=2000-01-01T00:00:00")
            .await,
        vec![killed.clone()]
    );
    // The killed image is still there by id.
    let h = send(owner.head(&format!("/v1/images/{killed}"))).await;
    assert_eq!(
        header(h.headers(), "x-image-meta-status").as_deref(),
        Some("killed")
    );
    // changes-since includes deleted (and killed) images, for everybody.
    let since: BTreeSet<String> = owner
        .list_ids("?changes-since=2000-01-01T00:00:00")
        .await
        .into_iter()
        .collect();
    assert_eq!(
        since,
        [&live, &killed, &gone].into_iter().cloned().collect()
    );
    let detail = json_of(send(owner.get("/v1/images/detail?changes-since=2000-01-01")).await).await;
    let deleted = detail["images"]
        .as_array()
        .expect("images")
        .iter()
        .find(|i| i["id"] == gone.as_str())
        .expect("deleted image listed");
    assert_eq!(deleted["status"], "deleted");
    assert_eq!(deleted["deleted"], true);
    assert!(is_v1_time(&deleted["deleted_at"]));
    // A changes-since after everything lists nothing.
    assert!(
        owner
            .list_ids("?changes-since=2999-01-01T00:00:00Z")
            .await
            .is_empty()
    );
    // Admins may ask for deleted images only; the parameter means nothing to others.
    assert_eq!(
        app.admin().list_ids("?deleted=true&is_public=none").await,
        vec![gone.clone()]
    );
    assert_eq!(owner.list_ids("?deleted=true").await, vec![live.clone()]);
    // Admin `deleted=false` is the default filter: killed images stay out too.
    assert_eq!(
        app.admin().list_ids("?deleted=false&is_public=none").await,
        vec![live.clone()]
    );
}

#[tokio::test]
async fn sort_key_and_sort_dir_order_the_list() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let b = owner.create_image_id("b", Some(&pattern(30))).await;
    let a = owner.create_image_id("a", Some(&pattern(10))).await;
    let c = owner.create_image_id("c", Some(&pattern(20))).await;
    // Default: created_at descending, newest first.
    assert_eq!(
        owner.list_ids("").await,
        vec![c.clone(), a.clone(), b.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_dir=asc").await,
        vec![b.clone(), a.clone(), c.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=name&sort_dir=asc").await,
        vec![a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=name").await,
        vec![c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=size&sort_dir=asc").await,
        vec![a.clone(), c.clone(), b.clone()]
    );
    assert_eq!(
        owner.list_ids("?sort_key=size&sort_dir=desc").await,
        vec![b.clone(), c.clone(), a.clone()]
    );
    // A reserved image counts as size 0 (v1 shows 0; Glance stores 0).
    let reserved = owner.create_image_id("d", None).await;
    assert_eq!(
        owner.list_ids("?sort_key=size&sort_dir=asc&limit=1").await,
        vec![reserved.clone()]
    );
    assert_eq!(owner.list_ids("?size_max=0").await, vec![reserved.clone()]);
    send(owner.delete(&format!("/v1/images/{reserved}"))).await;
    let mut by_id = vec![a.clone(), b.clone(), c.clone()];
    by_id.sort();
    assert_eq!(owner.list_ids("?sort_key=id&sort_dir=asc").await, by_id);
    // updated_at: touching `a` moves it to the front of a descending list.
    send(
        owner
            .put(&format!("/v1/images/{a}"))
            .header("x-image-meta-min_ram", "1"),
    )
    .await;
    assert_eq!(owner.list_ids("?sort_key=updated_at").await[0], a);
    for key in ["status", "container_format", "disk_format", "created_at"] {
        assert_eq!(
            owner.list_ids(&format!("?sort_key={key}")).await.len(),
            3,
            "{key}"
        );
    }
}

#[tokio::test]
async fn limit_and_marker_page_through_the_whole_list() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    // Duplicate names so that the created_at/id tie-breakers matter for the name order.
    for name in ["x", "y", "x", "z", "x", "y", "x"] {
        owner.create_image_id(name, None).await;
    }
    for order in [
        "",
        "&sort_key=name&sort_dir=asc",
        "&sort_key=name",
        "&sort_key=size&sort_dir=asc",
    ] {
        let full = owner.list_ids(&format!("?limit=100{order}")).await;
        assert_eq!(full.len(), 7);
        let mut paged = Vec::new();
        let mut marker = String::new();
        loop {
            let page = owner.list_ids(&format!("?limit=3{marker}{order}")).await;
            assert!(page.len() <= 3);
            let Some(last) = page.last().cloned() else {
                break;
            };
            paged.extend(page);
            marker = format!("&marker={last}");
        }
        assert_eq!(paged, full, "order {order:?}");
    }
    assert!(owner.list_ids("?limit=0").await.is_empty());
    // The marker itself is never in the page after it.
    let full = owner.list_ids("").await;
    assert_eq!(
        owner.list_ids(&format!("?marker={}", full[6])).await,
        Vec::<String>::new()
    );
    assert_eq!(
        owner.list_ids(&format!("?marker={}", full[0])).await,
        full[1..].to_vec()
    );
}

#[tokio::test]
async fn the_default_page_holds_25_images() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    for n in 0..27 {
        owner.create_image_id(&format!("img-{n}"), None).await;
    }
    // Glance `limit_param_default` = 25; an over-large limit is capped, not refused.
    assert_eq!(owner.list_ids("").await.len(), 25);
    assert_eq!(owner.list_ids("?limit=26").await.len(), 26);
    assert_eq!(owner.list_ids("?limit=100000").await.len(), 27);
}
