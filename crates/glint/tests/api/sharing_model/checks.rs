//! The per-step check: every actor's view of the server compared with the model.

use super::MEMBER_POOL;
use super::model::{Actor, Model, caller};
use crate::helpers::*;
use futures::future::join_all;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// Everything one actor observes, compared with the model; returns the differences.
pub(super) async fn observe(app: &TestApp, model: &Model, a: Actor) -> Vec<String> {
    let c = caller(app, a);
    let mut diffs = Vec::new();
    let who = if a.admin {
        "admin".to_owned()
    } else {
        a.project[..1].to_owned()
    };

    // Default list.
    let listed: BTreeSet<String> = c.list_ids("?limit=1000").await.into_iter().collect();
    let expected: BTreeSet<String> = model
        .images
        .iter()
        .filter(|i| i.listed_for(a))
        .map(|i| i.id.clone())
        .collect();
    if listed != expected {
        diffs.push(format!(
            "{who}: GET /v1/images lists {listed:?}, model {expected:?}"
        ));
    }

    // v2 lists (§6.2): the default shows shared images only once accepted.
    for (query, member_status) in [
        ("?limit=1000", Some("accepted")),
        ("?limit=1000&member_status=all", None),
        ("?limit=1000&member_status=pending", Some("pending")),
        ("?limit=1000&member_status=rejected", Some("rejected")),
    ] {
        let listed: BTreeSet<String> = c.v2_list_ids(query).await.into_iter().collect();
        let expected: BTreeSet<String> = model
            .images
            .iter()
            .filter(|i| i.v2_listed_for(a, member_status))
            .map(|i| i.id.clone())
            .collect();
        if listed != expected {
            diffs.push(format!(
                "{who}: GET /v2/images{query} lists {listed:?}, model {expected:?}"
            ));
        }
    }

    // Per image: HEAD, GET (data), GET members (v1 and v2).
    let per_image = model.images.iter().enumerate().map(|(n, img)| {
        let c = &c;
        let who = &who;
        async move {
            let mut diffs = Vec::new();
            let head = c.head_status(&img.id).await;
            // v1-images §5.3: admins get the headers of deleted images too.
            let want = if img.visible_to(a) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            if head != want {
                diffs.push(format!("{who}: HEAD image#{n} → {head}, model {want}"));
            }

            let response = send(c.get(&format!("/v1/images/{}", img.id))).await;
            let status = response.status();
            let want_md5 = img
                .md5
                .as_ref()
                .filter(|_| img.visible_to(a) && !img.deleted);
            match want_md5 {
                Some(md5) => {
                    let body = response.bytes().await.expect("body");
                    if status != StatusCode::OK || md5_hex(&body) != *md5 {
                        diffs.push(format!("{who}: GET image#{n} → {status}, wrong or no data"));
                    }
                }
                None if status != StatusCode::NOT_FOUND => {
                    diffs.push(format!("{who}: GET image#{n} → {status}, model 404"));
                }
                None => {}
            }

            let got = c.members(&img.id).await;
            let want = if img.member_call_lookup_ok(a) {
                (StatusCode::OK, img.member_rows_for(a))
            } else {
                (StatusCode::NOT_FOUND, Vec::new())
            };
            if got != want {
                diffs.push(format!(
                    "{who}: GET image#{n}/members → {got:?}, model {want:?}"
                ));
            }

            // v2 member list: only shared images have members (§4.2).
            let got = c.v2_members(&img.id).await;
            let want = if !img.member_call_lookup_ok(a) {
                (StatusCode::NOT_FOUND, Vec::new())
            } else if img.public {
                (StatusCode::FORBIDDEN, Vec::new())
            } else {
                (StatusCode::OK, img.v2_member_rows_for(a))
            };
            if got != want {
                diffs.push(format!(
                    "{who}: GET /v2/images/#{n}/members → {got:?}, model {want:?}"
                ));
            }
            diffs
        }
    });
    diffs.extend(join_all(per_image).await.into_iter().flatten());

    // D7 clarification: shared-images of t lists rows naming the caller, rows on images the
    // caller owns or may share; admins all. Deleted images have no live rows. Order unspecified.
    for t in MEMBER_POOL {
        let got: BTreeSet<(String, bool)> = c.shared_images(t).await.into_iter().collect();
        let want: BTreeSet<(String, bool)> = model
            .images
            .iter()
            .filter(|img| !img.deleted)
            .filter(|img| a.admin || t == a.project || img.sharable_by(a))
            .filter_map(|img| img.row(t).map(|(_, s)| (img.id.clone(), *s)))
            .collect();
        if got != want {
            diffs.push(format!(
                "{who}: GET /v1/shared-images/{t} → {got:?}, model {want:?}"
            ));
        }
    }
    diffs
}
