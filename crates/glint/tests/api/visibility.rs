//! Who sees what through v1: v1-sharing §6.4 (image visibility), §5.1 and §6.3 (member lists),
//! §6.5; v1-images §5.2 (list visibility set), §5.3/§5.4 (HEAD, GET with data), §6 (what
//! membership changes in the image API), §2.3 (`is_public`, admin-only `publicize_image`);
//! DECISIONS D7 (sharers see the whole list), D10 (lists without a tenant: public only), D18
//! (anonymous: read-only, public only). Callers: owner, plain member, sharer (member with
//! `can_share`), outsider, admin, anonymous, authenticated without a tenant.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn private_shared_and_public_images_by_caller() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let w = World::new(&app).await;
    let (p, s, u) = (w.private.as_str(), w.shared.as_str(), w.public.as_str());
    let both = rows(&[(MEMBER, false), (SHARER, true)]);
    let member_only = rows(&[(MEMBER, false)]);
    let none = Vec::new();
    let table: Vec<Expectation<'_>> = vec![
        (
            "owner",
            vec![p, s, u],
            vec![p, s, u],
            [
                Some(none.clone()),
                Some(both.clone()),
                Some(member_only.clone()),
            ],
        ),
        // Transcripts §15–§19: a plain member sees, downloads and lists the image, and sees only
        // its own membership row.
        (
            "member",
            vec![s, u],
            vec![s, u],
            [None, Some(member_only.clone()), Some(member_only.clone())],
        ),
        // D7: a sharer sees every member; on the public image it is nobody (`[]`).
        (
            "sharer",
            vec![s, u],
            vec![s, u],
            [None, Some(both.clone()), Some(none.clone())],
        ),
        // Transcripts §26, §28: an unrelated tenant gets 404 for the shared image.
        (
            "outsider",
            vec![u],
            vec![u],
            [None, None, Some(none.clone())],
        ),
        // Admins see everything by id; their default list is "public + own" (V1-L11).
        (
            "admin",
            vec![p, s, u],
            vec![u],
            [
                Some(none.clone()),
                Some(both.clone()),
                Some(member_only.clone()),
            ],
        ),
        (
            "anonymous",
            vec![u],
            vec![u],
            [None, None, Some(none.clone())],
        ),
        (
            "no-tenant",
            vec![u],
            vec![u],
            [None, None, Some(none.clone())],
        ),
    ];
    for (name, sees, listed, members) in table {
        w.check(name, &sees, &listed).await;
        let caller = w.caller(name);
        for (image, expected) in [p, s, u].into_iter().zip(members) {
            let (status, got) = caller.members(image).await;
            match expected {
                Some(expected) => {
                    assert_eq!((status, got), (StatusCode::OK, expected), "{name} {image}")
                }
                None => assert_eq!(status, StatusCode::NOT_FOUND, "{name} {image}"),
            }
        }
    }
    // V1-L08/L12: an admin asking for `is_public=none` lists every image.
    let all = detail_ids(&app.admin(), "?is_public=none").await;
    assert_eq!(sorted(all), sorted(vec![p.into(), s.into(), u.into()]));
}

#[tokio::test]
async fn visibility_follows_removal_publication_and_deletion() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let w = World::new(&app).await;
    let (p, s, u) = (w.private.as_str(), w.shared.as_str(), w.public.as_str());
    let owner = app.tenant(OWNER);

    // 1. The owner removes MEMBER: the image disappears for it (transcript §44).
    assert_eq!(owner.remove_member(s, MEMBER).await, StatusCode::NO_CONTENT);
    w.check("member", &[u], &[u]).await;
    assert_eq!(app.tenant(MEMBER).members(s).await.0, StatusCode::NOT_FOUND);
    w.check("sharer", &[s, u], &[s, u]).await;
    assert_eq!(
        app.tenant(SHARER).members(s).await.1,
        rows(&[(SHARER, true)])
    );

    // 2. Only an admin may make it public (transcripts §47, §48: `publicize_image`).
    assert_eq!(set_public(&owner, s, "true").await, StatusCode::FORBIDDEN);
    w.check("outsider", &[u], &[u]).await;
    assert_eq!(set_public(&app.admin(), s, "true").await, StatusCode::OK);
    // Public: everybody sees and lists it; members are irrelevant (v1-images §6)…
    for name in ["member", "outsider", "anonymous", "no-tenant"] {
        w.check(name, &[s, u], &[s, u]).await;
    }
    w.check("sharer", &[s, u], &[s, u]).await;
    // …but member lists still show only what each caller may see (§5.1).
    assert_eq!(
        app.tenant(OUTSIDER).members(s).await,
        (StatusCode::OK, vec![])
    );
    assert_eq!(
        app.tenant(MEMBER).members(s).await,
        (StatusCode::OK, vec![])
    );
    assert_eq!(app.anonymous().members(s).await, (StatusCode::OK, vec![]));
    assert_eq!(owner.members(s).await.1, rows(&[(SHARER, true)]));

    // 3. Private again (is_public false needs no admin): back to members only.
    assert_eq!(set_public(&owner, s, "false").await, StatusCode::OK);
    for name in ["member", "outsider", "anonymous", "no-tenant"] {
        w.check(name, &[u], &[u]).await;
    }
    w.check("sharer", &[s, u], &[s, u]).await;
    w.check("owner", &[p, s, u], &[p, s, u]).await;

    // 4. Deleted: gone for everybody but an admin's HEAD (v1-images §5.3); never listed.
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{s}")))
            .await
            .status(),
        StatusCode::OK
    );
    for name in [
        "owner",
        "sharer",
        "member",
        "outsider",
        "anonymous",
        "no-tenant",
    ] {
        let caller = w.caller(name);
        assert_eq!(caller.head_status(s).await, StatusCode::NOT_FOUND, "{name}");
        assert_eq!(
            download(&caller, s).await.0,
            StatusCode::NOT_FOUND,
            "{name}"
        );
        assert!(!caller.list_ids("").await.contains(&s.to_owned()), "{name}");
        let response = send(caller.get(&format!("/v1/images/{s}/members"))).await;
        expect_error(
            response,
            StatusCode::NOT_FOUND,
            &format!("Image with identifier {s} not found"),
        )
        .await;
    }
    let admin = app.admin();
    let head = send(admin.head(&format!("/v1/images/{s}"))).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["x-image-meta-deleted"], "True");
    assert_eq!(download(&admin, s).await.0, StatusCode::NOT_FOUND);
    assert!(
        !detail_ids(&admin, "?is_public=none")
            .await
            .contains(&s.to_owned())
    );
    let response = send(admin.get(&format!("/v1/images/{s}/members"))).await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        &format!("Image with identifier {s} has been deleted."),
    )
    .await;
    // The other images are untouched.
    w.check("owner", &[p, u], &[p, u]).await;
    w.check("member", &[u], &[u]).await;
}

#[tokio::test]
async fn sharing_again_and_delegated_sharing_grant_visibility() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let (s, u) = (w.shared.as_str(), w.public.as_str());
    assert_eq!(
        app.tenant(OWNER).remove_member(s, MEMBER).await,
        StatusCode::NO_CONTENT
    );
    w.check("member", &[u], &[u]).await;
    // The sharer shares it with MEMBER again (D7) and with OUTSIDER: both see it.
    assert_eq!(
        app.tenant(SHARER).add_member(s, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.tenant(SHARER).add_member(s, OUTSIDER, None).await,
        StatusCode::NO_CONTENT
    );
    w.check("member", &[s, u], &[s, u]).await;
    w.check("outsider", &[s, u], &[s, u]).await;
    // A replace that leaves both out hides it from both again.
    assert_eq!(
        app.tenant(OWNER)
            .replace_members(s, json!([{"member_id": SHARER}]))
            .await,
        StatusCode::NO_CONTENT
    );
    w.check("member", &[u], &[u]).await;
    w.check("outsider", &[u], &[u]).await;
}

#[tokio::test]
async fn members_see_queued_images_but_cannot_download_them() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let queued = owner.create_image_id("queued", None).await;
    owner.add_member(&queued, MEMBER, None).await;
    let member = app.tenant(MEMBER);
    // §6.4: visibility ignores status; v1-images §5.4: GET needs `active`.
    assert_eq!(member.head_status(&queued).await, StatusCode::OK);
    assert!(member.list_ids("").await.contains(&queued));
    let response = send(member.get(&format!("/v1/images/{queued}"))).await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        &format!("Image {queued} is not active"),
    )
    .await;
    assert_eq!(
        app.tenant(OUTSIDER).head_status(&queued).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_image_without_owner_is_visible_to_all_but_shared_by_admins_only() {
    let app = spawn_app().await;
    let response = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-name", "ownerless")
            .header("x-image-meta-owner", ""),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = id_of(&response.json::<Value>().await.expect("json")["image"]);
    // Q13: owner NULL → visible to everybody by id, only admins may share it.
    assert_eq!(app.tenant(OUTSIDER).head_status(&id).await, StatusCode::OK);
    assert_eq!(
        app.tenant(OUTSIDER).members(&id).await,
        (StatusCode::OK, vec![])
    );
    let response = send(
        app.tenant(OUTSIDER)
            .put(&format!("/v1/images/{id}/members/{MEMBER}")),
    )
    .await;
    expect_error(
        response,
        StatusCode::NOT_FOUND,
        "No permission to share that image",
    )
    .await;
    assert_eq!(
        app.admin().add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.tenant(MEMBER).members(&id).await.1,
        rows(&[(MEMBER, false)])
    );
    assert_eq!(app.tenant(OUTSIDER).members(&id).await.1, vec![]);
}

// ---------------------------------------------------------------------------------------------
// Helpers for this file.

const PRIVATE_DATA: &[u8] = b"private bytes";
const SHARED_DATA: &[u8] = b"shared bytes, 4 members of a team";
const PUBLIC_DATA: &[u8] = b"public bytes";

/// Three images of OWNER: `private` (no members), `shared` (MEMBER plain, SHARER with
/// `can_share`), `public` (created by an admin; MEMBER is a plain member).
struct World<'a> {
    app: &'a TestApp,
    private: String,
    shared: String,
    public: String,
}

impl<'a> World<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let owner = app.tenant(OWNER);
        let private = owner.create_image_id("private", Some(PRIVATE_DATA)).await;
        let shared = owner.create_image_id("shared", Some(SHARED_DATA)).await;
        let public = app
            .create_public_image(OWNER, "public", Some(PUBLIC_DATA))
            .await;
        assert_eq!(
            owner.add_member(&shared, MEMBER, None).await,
            StatusCode::NO_CONTENT
        );
        let status = owner
            .add_member(
                &shared,
                SHARER,
                Some(json!({"member": {"can_share": true}})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(
            owner.add_member(&public, MEMBER, None).await,
            StatusCode::NO_CONTENT
        );
        Self {
            app,
            private,
            shared,
            public,
        }
    }

    fn caller(&self, name: &str) -> Caller<'a> {
        match name {
            "owner" => self.app.tenant(OWNER),
            "member" => self.app.tenant(MEMBER),
            "sharer" => self.app.tenant(SHARER),
            "outsider" => self.app.tenant(OUTSIDER),
            "admin" => self.app.admin(),
            "anonymous" => self.app.anonymous(),
            "no-tenant" => self.app.no_tenant(),
            other => panic!("unknown caller {other}"),
        }
    }

    fn data(&self, image: &str) -> &'static [u8] {
        if image == self.private {
            PRIVATE_DATA
        } else if image == self.shared {
            SHARED_DATA
        } else {
            PUBLIC_DATA
        }
    }

    /// `name` gets HEAD/GET 200 (with the image's bytes) for exactly `sees` among the three
    /// images, 404 for the others, and finds exactly `listed` in `/v1/images` and `/detail`.
    async fn check(&self, name: &str, sees: &[&str], listed: &[&str]) {
        let caller = self.caller(name);
        let all = [&self.private, &self.shared, &self.public];
        for image in all.iter().map(|s| s.as_str()) {
            let visible = sees.contains(&image);
            let expected = if visible {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            let head = send(caller.head(&format!("/v1/images/{image}"))).await;
            assert_eq!(head.status(), expected, "{name} HEAD {image}");
            if visible {
                assert_eq!(head.headers()["x-image-meta-id"], image);
                assert_eq!(head.headers()["x-image-meta-owner"], OWNER);
            } else {
                // Transcripts §28, §44: Glance's lookup 404 is plain text on HEAD, whatever
                // the `Accept` (reqwest sends `*/*`).
                assert_eq!(
                    head.headers()["content-type"],
                    "text/plain; charset=UTF-8",
                    "{name}"
                );
            }
            let (status, body) = download(&caller, image).await;
            assert_eq!(status, expected, "{name} GET {image}");
            if visible {
                assert_eq!(body, self.data(image), "{name} GET {image}");
            } else {
                let body = String::from_utf8_lossy(&body).into_owned();
                assert!(
                    body.contains(&format!("Image with identifier {image} not found")),
                    "{body}"
                );
            }
        }
        let expected: Vec<String> = sorted(listed.iter().map(|s| (*s).to_owned()).collect());
        let ours =
            |ids: Vec<String>| sorted(ids.into_iter().filter(|id| all.contains(&id)).collect());
        assert_eq!(
            ours(caller.list_ids("").await),
            expected,
            "{name} /v1/images"
        );
        assert_eq!(
            ours(detail_ids(&caller, "").await),
            expected,
            "{name} /v1/images/detail"
        );
    }
}

/// Status and bytes of `GET /v1/images/{image}`.
async fn download(caller: &Caller<'_>, image: &str) -> (StatusCode, Vec<u8>) {
    let response = send(caller.get(&format!("/v1/images/{image}"))).await;
    let status = response.status();
    (status, response.bytes().await.expect("body").to_vec())
}

/// Ids in `GET /v1/images/detail{query}`, checking each record says who owns it.
async fn detail_ids(caller: &Caller<'_>, query: &str) -> Vec<String> {
    let response = send(caller.get(&format!("/v1/images/detail{query}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    body["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|image| {
            assert!(
                image.get("owner").is_some() && image.get("is_public").is_some(),
                "{image}"
            );
            id_of(image)
        })
        .collect()
}

/// `PUT /v1/images/{image}` with `x-image-meta-is_public: value`.
async fn set_public(caller: &Caller<'_>, image: &str, value: &str) -> StatusCode {
    send(
        caller
            .put(&format!("/v1/images/{image}"))
            .header("x-image-meta-is_public", value),
    )
    .await
    .status()
}

/// A member list as a caller sees it, or `None` for 404.
type MemberList = Option<Vec<(String, bool)>>;

/// Caller name, images it sees, images it lists, member lists of (private, shared, public).
type Expectation<'a> = (&'a str, Vec<&'a str>, Vec<&'a str>, [MemberList; 3]);

fn rows(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(m, c)| ((*m).to_owned(), *c)).collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}
