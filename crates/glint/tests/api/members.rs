//! v1 sharing: add, replace, remove, list (v1-sharing §5, seed, DECISIONS D1–D8).

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

fn m(member: &str, can_share: bool) -> (String, bool) {
    (member.to_owned(), can_share)
}

#[tokio::test]
async fn add_without_body_defaults_can_share_to_false_and_keeps_it_on_readd() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", Some(b"data")).await;
    assert_eq!(
        owner.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner
            .add_member(&id, SHARER, Some(json!({"member": {"can_share": true}})))
            .await,
        StatusCode::NO_CONTENT
    );
    // Seed: an existing member re-added without a body is left as it is.
    assert_eq!(
        owner.add_member(&id, SHARER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.members(&id).await.1,
        vec![m(MEMBER, false), m(SHARER, true)]
    );
    // With a body, can_share is set to the value given.
    owner
        .add_member(&id, SHARER, Some(json!({"member": {"can_share": false}})))
        .await;
    owner
        .add_member(&id, MEMBER, Some(json!({"member": {"can_share": true}})))
        .await;
    assert_eq!(
        owner.members(&id).await.1,
        vec![m(MEMBER, true), m(SHARER, false)]
    );
}

#[tokio::test]
async fn d1_accepts_wrapped_and_flat_bodies() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    for (member, body, expected) in [
        ("t1", json!({"member": {"can_share": true}}), true),
        ("t2", json!({"can_share": true}), true),
        ("t3", json!({"member_id": "t3", "can_share": true}), true),
        ("t4", json!({}), false),
        ("t5", json!({"member": {}}), false),
        ("t6", json!({"member_id": "t6"}), false),
        (
            "t7",
            json!({"member": {"member_id": "t7", "can_share": true}}),
            true,
        ),
    ] {
        assert_eq!(
            owner.add_member(&id, member, Some(body)).await,
            StatusCode::NO_CONTENT,
            "{member}"
        );
        let rows = owner.members(&id).await.1;
        assert!(rows.contains(&m(member, expected)), "{member}: {rows:?}");
    }
}

#[tokio::test]
async fn d1_empty_bodies_leave_an_existing_member_unchanged() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner
        .add_member(&id, MEMBER, Some(json!({"can_share": true})))
        .await;
    for body in [
        json!({}),
        json!({"member": {}}),
        json!({"member_id": MEMBER}),
    ] {
        assert_eq!(
            owner.add_member(&id, MEMBER, Some(body)).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, true)]);
    }
}

#[tokio::test]
async fn d2_can_share_strings_have_their_plain_meaning() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner
        .add_member(&id, MEMBER, Some(json!({"member": {"can_share": "TRUE"}})))
        .await;
    assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, true)]);
    // Glance reads "false" as true (truthiness); glint does not.
    owner
        .add_member(&id, MEMBER, Some(json!({"member": {"can_share": "false"}})))
        .await;
    assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, false)]);
}

#[tokio::test]
async fn d3_a_removed_member_added_again_without_body_is_back_with_can_share_false() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner
        .add_member(&id, MEMBER, Some(json!({"member": {"can_share": true}})))
        .await;
    assert_eq!(
        owner.remove_member(&id, MEMBER).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&id).await.1, vec![]);
    assert_eq!(
        owner.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, false)]);
}

#[tokio::test]
async fn members_are_listed_in_creation_order() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    let names = ["zeta", "alpha", "mu", "beta"];
    for name in names {
        owner.add_member(&id, name, None).await;
    }
    let listed: Vec<String> = owner
        .members(&id)
        .await
        .1
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(listed, names);
}

#[tokio::test]
async fn replace_sets_exactly_the_listed_members() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner
        .add_member(&id, MEMBER, Some(json!({"can_share": true})))
        .await;
    owner.add_member(&id, SHARER, None).await;
    let status = owner
        .replace_members(&id, json!([{"member_id": MEMBER}, {"member_id": OTHER, "can_share": true}, {"member_id": "new-one"}]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // MEMBER keeps can_share (omitted), SHARER is removed, new members default to false.
    assert_eq!(
        owner.members(&id).await.1,
        vec![m(MEMBER, true), m(OTHER, true), m("new-one", false)]
    );
    assert_eq!(
        owner.replace_members(&id, json!([])).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&id).await.1, vec![]);
}

#[tokio::test]
async fn d4_a_previously_removed_member_in_a_replace_list_is_new() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner
        .add_member(&id, MEMBER, Some(json!({"can_share": true})))
        .await;
    owner.remove_member(&id, MEMBER).await;
    owner
        .replace_members(&id, json!([{"member_id": MEMBER}]))
        .await;
    // Glance revives the old row with its old can_share (Q7); glint treats it as new (D4).
    assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, false)]);
}

#[tokio::test]
async fn d5_duplicates_in_a_replace_list_last_entry_wins_whole() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner
        .add_member(&id, MEMBER, Some(json!({"can_share": true})))
        .await;
    owner
        .replace_members(
            &id,
            json!([{"member_id": OTHER, "can_share": true}, {"member_id": MEMBER, "can_share": false}, {"member_id": OTHER}, {"member_id": MEMBER}]),
        )
        .await;
    // OTHER: last entry omits can_share and OTHER is new → false. MEMBER: existing, last entry
    // omits it → unchanged (true). Never two rows (D6).
    let rows = owner.members(&id).await.1;
    assert_eq!(rows.len(), 2);
    assert!(
        rows.contains(&m(OTHER, false)) && rows.contains(&m(MEMBER, true)),
        "{rows:?}"
    );
}

#[tokio::test]
async fn d6_adding_the_same_member_twice_never_duplicates() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    for _ in 0..3 {
        owner.add_member(&id, MEMBER, None).await;
        owner
            .add_member(&id, MEMBER, Some(json!({"can_share": true})))
            .await;
    }
    assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, true)]);
    assert_eq!(
        app.tenant(MEMBER).shared_images(MEMBER).await,
        vec![(id.clone(), true)]
    );
}

#[tokio::test]
async fn d7_a_sharer_manages_the_whole_list() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let sharer = app.tenant(SHARER);
    let id = owner.create_image_id("img", Some(b"x")).await;
    owner.add_member(&id, MEMBER, None).await;
    owner
        .add_member(&id, SHARER, Some(json!({"member": {"can_share": true}})))
        .await;
    // Sharer sees every member, adds, re-adds without duplicating, removes others.
    assert_eq!(
        sharer.members(&id).await.1,
        vec![m(MEMBER, false), m(SHARER, true)]
    );
    assert_eq!(
        sharer
            .add_member(&id, OTHER, Some(json!({"can_share": true})))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sharer.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sharer.remove_member(&id, MEMBER).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.members(&id).await.1,
        vec![m(SHARER, true), m(OTHER, true)]
    );
    // A delegated sharer (OTHER) can share too.
    assert_eq!(
        app.tenant(OTHER).add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    // A replace by the sharer that omits itself removes its own membership (it asked for that).
    assert_eq!(
        sharer
            .replace_members(&id, json!([{"member_id": MEMBER}]))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&id).await.1, vec![m(MEMBER, false)]);
    assert_eq!(sharer.head_status(&id).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn d7_a_plain_member_sees_only_its_own_row_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let member = app.tenant(MEMBER);
    let id = owner.create_image_id("img", None).await;
    owner.add_member(&id, MEMBER, None).await;
    owner.add_member(&id, OTHER, None).await;
    assert_eq!(member.members(&id).await.1, vec![m(MEMBER, false)]);
    assert_eq!(
        member.add_member(&id, SHARER, None).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member.remove_member(&id, OTHER).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member.remove_member(&id, MEMBER).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member.replace_members(&id, json!([])).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner.members(&id).await.1,
        vec![m(MEMBER, false), m(OTHER, false)]
    );
}

#[tokio::test]
async fn d8_only_new_memberships_count_against_the_quota() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 2).await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    owner.add_member(&id, "a", None).await;
    owner.add_member(&id, "b", None).await;
    // Updating an existing member at the quota is fine (Glance: 413, Q4).
    assert_eq!(
        owner
            .add_member(&id, "a", Some(json!({"can_share": true})))
            .await,
        StatusCode::NO_CONTENT
    );
    let response = send(owner.put(&format!("/v1/images/{id}/members/c"))).await;
    expect_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "The limit has been exceeded on the number of allowed image members for this image. Attempted: 3, Maximum: 2",
    )
    .await;
    // Replace counts the distinct members of the resulting list (D5 clarification).
    assert_eq!(
        owner
            .replace_members(
                &id,
                json!([{"member_id": "x"}, {"member_id": "y"}, {"member_id": "x"}])
            )
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner
            .replace_members(
                &id,
                json!([{"member_id": "x"}, {"member_id": "y"}, {"member_id": "z"}])
            )
            .await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // A refused call changes nothing.
    assert_eq!(
        owner.members(&id).await.1,
        vec![m("x", false), m("y", false)]
    );
}

#[tokio::test]
async fn quota_zero_refuses_every_add_and_minus_one_is_unlimited() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 0).await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    assert_eq!(
        owner.add_member(&id, MEMBER, None).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        owner.replace_members(&id, json!([])).await,
        StatusCode::NO_CONTENT
    );

    let app = spawn_app_with(|c| c.limits.image_member_quota = -1).await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    let list: Vec<_> = (0..200)
        .map(|i| json!({"member_id": format!("t{i}")}))
        .collect();
    assert_eq!(
        owner.replace_members(&id, json!(list)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&id).await.1.len(), 200);
}

#[tokio::test]
async fn the_default_quota_is_128() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    let list: Vec<_> = (0..129)
        .map(|i| json!({"member_id": format!("t{i}")}))
        .collect();
    assert_eq!(
        owner.replace_members(&id, json!(list)).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        owner.replace_members(&id, json!(list[..128])).await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn admins_manage_members_of_any_image() {
    let app = spawn_app().await;
    let id = app.tenant(OWNER).create_image_id("img", None).await;
    let admin = app.admin();
    assert_eq!(
        admin.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(admin.members(&id).await.1, vec![m(MEMBER, false)]);
    assert_eq!(
        admin
            .replace_members(&id, json!([{"member_id": OTHER}]))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.remove_member(&id, OTHER).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(admin.remove_member(&id, OTHER).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn members_of_a_public_image_are_managed_by_its_owner_only() {
    let app = spawn_app().await;
    let id = app.create_public_image(OWNER, "pub", None).await;
    let owner = app.tenant(OWNER);
    assert_eq!(
        owner.add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    // Others see a public image but get [] as its member list and 404 when sharing it.
    assert_eq!(
        app.tenant(OUTSIDER).members(&id).await,
        (StatusCode::OK, vec![])
    );
    assert_eq!(
        app.tenant(OUTSIDER).add_member(&id, OTHER, None).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn member_ids_are_stored_verbatim_and_may_be_the_owner_itself() {
    let app = spawn_app().await;
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("img", None).await;
    let long = "é".repeat(255);
    for member in ["Tenant-With-Case", OWNER, "with space", long.as_str()] {
        let path = format!("/v1/images/{id}/members/{}", urlencode(member));
        assert_eq!(
            send(owner.put(&path)).await.status(),
            StatusCode::NO_CONTENT,
            "{member}"
        );
    }
    let rows: Vec<String> = owner
        .members(&id)
        .await
        .1
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        rows,
        vec![
            "Tenant-With-Case".to_owned(),
            OWNER.into(),
            "with space".into(),
            long
        ]
    );
}

pub fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
