//! List queries (`GET /v1/images`, `GET /v2/images`): an arbitrary query string decoded as axum
//! decodes it, parsed for an admin, a tenant and a caller without project, then turned into SQL.
//! Invariants: refusals are 4xx; limits stay within 0..=1000; the sort order ends with the
//! `created_at` and `id` tie-breakers; and the SQL text is the same whatever the values of the
//! filters: request text reaches the database only as bound parameters.
#![no_main]

use glint_api::fuzzing;
use glint_core::list::{ImageListQuery, SortKey};
use glint_fuzz::{assert_client_error, context};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // Bytes a URI cannot hold are sent percent-encoded, as a client would.
    let mut query = String::with_capacity(rest.len());
    for &b in rest {
        if b.is_ascii_graphic() && b != b'#' {
            query.push(char::from(b));
        } else {
            query.push_str(&format!("%{b:02X}"));
        }
    }
    let Ok(uri) = format!("/v2/images?{query}").parse::<http::Uri>() else {
        return;
    };
    let pairs = match fuzzing::query_pairs(&uri) {
        Ok(pairs) => pairs,
        Err(err) => {
            assert_client_error("query string", &err);
            return;
        }
    };
    let ctx = context(selector);
    let parsed = if selector & 4 == 0 {
        fuzzing::v1_list_query(&ctx, &pairs)
    } else {
        fuzzing::v2_list_query(&ctx, &pairs)
    };
    match parsed {
        Ok(query) => check(&query),
        Err(err) => assert_client_error("list query", &err),
    }
});

fn check(query: &ImageListQuery) {
    assert!(query.limit <= 1000, "limit {}", query.limit);
    let sort = query.full_sort();
    for key in [SortKey::CreatedAt, SortKey::Id] {
        assert!(sort.iter().any(|(k, _)| *k == key), "{key:?} missing");
    }
    let sql = glint_db::list_sql_shape(query);
    let redacted = glint_db::list_sql_shape(&redact(query));
    assert_eq!(sql, redacted, "request values changed the SQL text");
}

/// The same query with every request-supplied string replaced by `x`.
fn redact(query: &ImageListQuery) -> ImageListQuery {
    let mut q = query.clone();
    let x = |v: &mut Vec<String>| v.iter_mut().for_each(|s| *s = "x".into());
    let f = &mut q.filters;
    for list in [
        &mut f.name,
        &mut f.status,
        &mut f.container_format,
        &mut f.disk_format,
        &mut f.ids,
        &mut f.owner,
    ]
    .into_iter()
    .flatten()
    {
        x(list);
    }
    x(&mut f.tags);
    for (k, v) in &mut f.properties {
        *k = "x".into();
        *v = "x".into();
    }
    for value in [
        &mut f.size_min,
        &mut f.size_max,
        &mut f.min_ram,
        &mut f.min_disk,
    ]
    .into_iter()
    .flatten()
    {
        *value = 0;
    }
    if let Some(marker) = &mut q.marker {
        *marker = glint_core::ImageId::from_stored("x".into());
    }
    q
}
