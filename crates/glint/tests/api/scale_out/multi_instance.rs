//! Two `glint serve` processes on one database and one store (PostgreSQL + S3 when the
//! environment names them, else a shared SQLite file and directory): nothing either instance
//! knows lives only in its memory.

use super::process;
use crate::helpers::*;
use crate::images::download;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

/// Two instances over the same back ends, as handles the usual helpers work with.
async fn two_instances() -> (TestApp, TestApp, process::Instance, process::Instance) {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (mut config, backends) = test_config(data_dir.path()).await;
    // Spell the back ends out, so both processes use the very same ones.
    config.database.url = Some(config.database_url());
    config.store.url = Some(config.store_url());
    let first = process::start(&config).await;
    let second = process::start(&config).await;
    let a = TestApp::external(first.address.clone(), data_dir, config.clone(), backends);
    let spare_dir = tempfile::tempdir().expect("temp dir");
    let b = TestApp::external(
        second.address.clone(),
        spare_dir,
        config,
        Backends::default(),
    );
    (a, b, first, second)
}

#[tokio::test]
async fn an_image_uploaded_through_one_instance_is_listed_shared_and_served_by_the_other() {
    let (a, b, _first, _second) = two_instances().await;
    // Over one 8 MiB part, so that S3 sees a real multipart upload.
    let data: Vec<u8> = (0..9 * 1024 * 1024 + 17)
        .map(|i| (i * 7 % 253) as u8)
        .collect();
    let id = a.tenant(OWNER).create_image_id("shared", Some(&data)).await;

    assert!(b.tenant(OWNER).list_ids("").await.contains(&id));
    assert_eq!(
        b.tenant(OWNER).add_member(&id, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        a.tenant(OWNER).members(&id).await,
        (StatusCode::OK, vec![(MEMBER.to_owned(), false)])
    );
    assert_eq!(
        a.tenant(MEMBER).shared_images(MEMBER).await,
        vec![(id.clone(), false)]
    );

    for instance in [&a, &b] {
        let (status, headers, body) = download(&instance.tenant(MEMBER), &id).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.len(), data.len());
        assert!(body == data, "downloaded bytes differ from the upload");
        let checksum = headers
            .get("x-image-meta-checksum")
            .and_then(|v| v.to_str().ok());
        assert_eq!(checksum, Some(md5_hex(&data).as_str()));
    }
    // A ranged read through the other instance (the v1 API has none; the store serves one).
    let store = b.store();
    let key = store
        .keys("")
        .await
        .expect("list")
        .pop()
        .expect("one object");
    let stream = store.get(&key, Some(100..110)).await.expect("range");
    let part: Vec<bytes::Bytes> = futures::TryStreamExt::try_collect(stream)
        .await
        .expect("read");
    assert_eq!(part.concat(), data[100..110]);

    assert_eq!(
        send(b.tenant(OWNER).delete(&format!("/v1/images/{id}")))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        a.tenant(OWNER).head_status(&id).await,
        StatusCode::NOT_FOUND
    );
    assert!(a.blob_keys().await.is_empty(), "the blob is gone for both");
}

#[tokio::test]
async fn fifty_concurrent_replaces_across_two_instances_end_in_exactly_one_requested_list() {
    let (a, b, _first, _second) = two_instances().await;
    let id = a
        .tenant(OWNER)
        .create_image_id("contended", Some(b"x"))
        .await;
    // Fifty overlapping lists of four, so that any interleaving of two replaces would show.
    let lists: Vec<Vec<String>> = (0..50)
        .map(|i| {
            (0..4)
                .map(|j| format!("t{:02}", (i * 3 + j) % 11))
                .collect()
        })
        .collect();
    let (owner_a, owner_b) = (a.tenant(OWNER), b.tenant(OWNER));
    let statuses = join_all(lists.iter().enumerate().map(|(i, list)| {
        let body: Vec<_> = list.iter().map(|m| json!({ "member_id": m })).collect();
        let owner = if i % 2 == 0 { &owner_a } else { &owner_b };
        owner.replace_members(&id, json!(body))
    }))
    .await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::NO_CONTENT),
        "{statuses:?}"
    );

    let as_set = |l: &[String]| l.iter().cloned().collect::<BTreeSet<_>>();
    let seen_a: Vec<String> = owner_a
        .members(&id)
        .await
        .1
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    let seen_b: Vec<String> = owner_b
        .members(&id)
        .await
        .1
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    assert_eq!(seen_a, seen_b, "both instances read the same list");
    assert_eq!(seen_a.len(), 4, "no duplicates, no mixture: {seen_a:?}");
    assert_eq!(as_set(&seen_a).len(), 4, "duplicate rows: {seen_a:?}");
    assert!(
        lists.iter().any(|l| as_set(l) == as_set(&seen_a)),
        "{seen_a:?} is none of the requested lists"
    );
}
