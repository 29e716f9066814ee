//! The per-step check: every actor's view of the server compared with the model.

use super::MEMBER_POOL;
use super::model::{Actor, Model, ModelImage, Visibility, caller};
use crate::helpers::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

/// The v2 list queries checked, as (query, visibility filter, member_status filter; None = all).
fn v2_queries() -> Vec<(String, Option<Visibility>, Option<&'static str>)> {
    let mut queries = vec![
        ("?limit=1000".to_owned(), None, Some("accepted")),
        ("?limit=1000&member_status=all".to_owned(), None, None),
        (
            "?limit=1000&member_status=pending".to_owned(),
            None,
            Some("pending"),
        ),
        (
            "?limit=1000&member_status=rejected".to_owned(),
            None,
            Some("rejected"),
        ),
        (
            "?limit=1000&visibility=shared&member_status=all".to_owned(),
            Some(Visibility::Shared),
            None,
        ),
    ];
    for v in Visibility::ALL {
        queries.push((
            format!("?limit=1000&visibility={}", v.as_str()),
            Some(v),
            Some("accepted"),
        ));
    }
    queries
}

/// Ids of `GET /v1/images{path}` as this caller, or the status when it is not 200.
async fn v1_list(c: &Caller<'_>, path: &str) -> Result<BTreeSet<String>, StatusCode> {
    let response = send(c.get(&format!("/v1/images{path}"))).await;
    if response.status() != StatusCode::OK {
        return Err(response.status());
    }
    let body: Value = response.json().await.expect("json");
    Ok(body["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(id_of)
        .collect())
}

/// Ids of `GET /v2/images{query}` as this caller, or the status when it is not 200.
async fn v2_list(c: &Caller<'_>, query: &str) -> Result<BTreeSet<String>, StatusCode> {
    let response = send(c.get(&format!("/v2/images{query}"))).await;
    if response.status() != StatusCode::OK {
        return Err(response.status());
    }
    let body: Value = response.json().await.expect("json");
    Ok(body["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(id_of)
        .collect())
}

/// Everything one actor observes, compared with the model; returns the differences.
pub(super) async fn observe(app: &TestApp, model: &Model, a: Actor) -> Vec<String> {
    let c = caller(app, a);
    let mut diffs = Vec::new();
    let who = a.name();
    let ids = |keep: &dyn Fn(&ModelImage) -> bool| -> BTreeSet<String> {
        model
            .images
            .iter()
            .filter(|i| keep(i))
            .map(|i| i.id.clone())
            .collect()
    };

    // v1 lists (§5.2): the summary and the detail list hold the same images.
    let expected = Ok(ids(&|i| i.listed_for(a)));
    for path in ["?limit=1000", "/detail?limit=1000"] {
        let listed = v1_list(&c, path).await;
        if listed != expected {
            diffs.push(format!(
                "{who}: GET /v1/images{path} → {listed:?}, model {expected:?}"
            ));
        }
    }

    // v2 lists (§6.2): the default shows shared images only once accepted.
    for (query, visibility, member_status) in v2_queries() {
        let listed = v2_list(&c, &query).await;
        // `get_images` needs the `reader` role: anonymous callers get 403 (D16).
        let expected = if a.anonymous {
            Err(StatusCode::FORBIDDEN)
        } else {
            Ok(ids(&|i| i.v2_listed_for(a, visibility, member_status)))
        };
        if listed != expected {
            diffs.push(format!(
                "{who}: GET /v2/images{query} → {listed:?}, model {expected:?}"
            ));
        }
    }

    // Per image: v1 HEAD and GET (data), v2 GET and download, v1 and v2 member lists.
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

            // §5.4: data only of a visible active image; a queued one is 404 "not active".
            let want_md5 = img
                .md5
                .as_ref()
                .filter(|_| img.visible_to(a) && !img.deleted);
            diffs.extend(
                download(c, &format!("/v1/images/{}", img.id), want_md5, None)
                    .await
                    .map(|d| format!("{who}: GET /v1/images/#{n} {d}")),
            );

            // v2 show and download (§6.1): deleted images are gone for everybody.
            let response = send(c.get(&format!("/v2/images/{}", img.id))).await;
            let got = response.status();
            let want = if img.v2_visible_to(a) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            if got != want {
                diffs.push(format!("{who}: GET /v2/images/#{n} → {got}, model {want}"));
            }
            let visible = img.v2_visible_to(a);
            let want_md5 = img.md5.as_ref().filter(|_| visible);
            // A visible image without data: 204.
            let empty = (visible && img.md5.is_none()).then_some(StatusCode::NO_CONTENT);
            diffs.extend(
                download(c, &format!("/v2/images/{}/file", img.id), want_md5, empty)
                    .await
                    .map(|d| format!("{who}: GET /v2/images/#{n}/file {d}")),
            );

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

            // v2 member list (§4.2): the lookup of §6.1 (no role needed), then only shared
            // images have members (403), then `get_image` (anonymous callers: 404).
            let got = c.v2_members(&img.id).await;
            let want = if !img.member_call_lookup_ok(a) {
                (StatusCode::NOT_FOUND, Vec::new())
            } else if !img.shared() {
                (StatusCode::FORBIDDEN, Vec::new())
            } else if !img.v2_visible_to(a) {
                (StatusCode::NOT_FOUND, Vec::new())
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
    // caller owns or may share; admins all; anonymous callers nothing. Deleted images have no
    // live rows. Order unspecified.
    for t in MEMBER_POOL {
        let got: BTreeSet<(String, bool)> = c.shared_images(t).await.into_iter().collect();
        let want: BTreeSet<(String, bool)> = model
            .images
            .iter()
            .filter(|img| !img.deleted)
            .filter(|img| a.admin || (!a.anonymous && t == a.project) || img.sharable_by(a))
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

/// GETs `path`: with `want_md5`, 200 and exactly that data; else `empty` (a data-less answer
/// such as v2's 204) or 404. Returns the difference, if any.
async fn download(
    c: &Caller<'_>,
    path: &str,
    want_md5: Option<&String>,
    empty: Option<StatusCode>,
) -> Option<String> {
    let response = send(c.get(path)).await;
    let status = response.status();
    match want_md5 {
        Some(md5) => {
            let body = response.bytes().await.expect("body");
            (status != StatusCode::OK || md5_hex(&body) != *md5)
                .then(|| format!("→ {status}, wrong or no data (model 200 with data)"))
        }
        None => {
            let want = empty.unwrap_or(StatusCode::NOT_FOUND);
            (status != want).then(|| format!("→ {status}, model {want}"))
        }
    }
}
