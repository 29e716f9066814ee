//! `GET /v1/images[/detail]` query parameters → a validated [`ImageListQuery`] (v1-images §5.2).

use crate::error::ApiError;
use glint_core::list::{DeletedFilter, ImageFilters, ImageListQuery, ListScope, SortDir, SortKey};
use glint_core::time_fmt::Timestamp;
use glint_core::{ImageId, RequestContext};

const DEFAULT_LIMIT: u32 = 25;
const MAX_LIMIT: u32 = 1000;

/// Parses the raw query pairs for `ctx`. Unknown parameters are ignored, as Glance does.
pub fn parse(ctx: &RequestContext, pairs: &[(String, String)]) -> Result<ImageListQuery, ApiError> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let bad_value = |name: &str, value: &str| {
        ApiError::bad_request_detail(format!("Bad value passed to filter {name} got {value}"))
    };
    let mut filters = ImageFilters {
        name: get("name").map(one_of).transpose()?,
        status: get("status").map(one_of).transpose()?,
        container_format: get("container_format").map(one_of).transpose()?,
        disk_format: get("disk_format").map(one_of).transpose()?,
        ..ImageFilters::default()
    };
    let non_negative = |name: &str| -> Result<Option<i64>, ApiError> {
        get(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| bad_value(name, v))
            })
            .transpose()
    };
    filters.size_min = non_negative("size_min")?;
    filters.size_max = non_negative("size_max")?;
    filters.min_ram = non_negative("min_ram")?;
    filters.min_disk = non_negative("min_disk")?;
    if let Some(v) = get("protected") {
        filters.protected = match v.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            "none" => {
                return Err(ApiError::registry_bad_request_detail(
                    "protected must be True, or False",
                ));
            }
            _ => return Err(bad_value("protected", v)),
        };
    }
    let is_public = match get("is_public") {
        None => None,
        Some(v) => Some(match v.to_ascii_lowercase().as_str() {
            "none" => None,
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => return Err(bad_value("is_public", v)),
        }),
    };
    if let Some(v) = get("changes-since") {
        filters.changes_since = Some(Timestamp::parse_iso8601(v).ok_or_else(|| {
            ApiError::registry_bad_request_detail("Unrecognized changes-since value")
        })?);
    }
    for (key, value) in pairs {
        if let Some(name) = key.strip_prefix("property-") {
            filters.properties.push((name.to_owned(), value.clone()));
        }
    }
    // Deleted images: admins may ask for them; `changes-since` includes them for everyone.
    let deleted_param = get("deleted")
        .filter(|_| ctx.is_admin)
        .map(crate::v1::headers::truthy);
    let deleted = match (deleted_param, filters.changes_since.is_some()) {
        (Some(true), _) => DeletedFilter::Only,
        (Some(false), _) => DeletedFilter::Exclude,
        (None, true) => DeletedFilter::Include,
        (None, false) => DeletedFilter::Exclude,
    };
    // Glance adds `status != killed` whenever deleted images are excluded (registry
    // `_get_filters` → `deleted=False`), even when a `status` filter asks for `killed`.
    let hide_killed = deleted == DeletedFilter::Exclude;
    let limit = match get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => {
            let n: i64 = v.trim().parse().map_err(|_| {
                ApiError::registry_bad_request_detail("limit param must be an integer")
            })?;
            if n < 0 {
                return Err(ApiError::registry_bad_request_detail(
                    "limit param must be positive",
                ));
            }
            u32::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)
        }
    };
    let marker = get("marker")
        .map(|v| {
            // UUID-like, then matched exactly as written (as image ids are).
            ImageId::parse(v)
                .map(|_| ImageId::from_stored(v.to_owned()))
                .ok_or_else(|| ApiError::registry_bad_request("Invalid marker format"))
        })
        .transpose()?;
    let sort_key = match get("sort_key") {
        None => SortKey::CreatedAt,
        Some(v) => SortKey::parse(v).ok_or_else(|| {
            ApiError::registry_bad_request(
                "Unsupported sort_key. Acceptable values: name, status, container_format, \
                 disk_format, size, id, created_at, updated_at",
            )
        })?,
    };
    let sort_dir = match get("sort_dir") {
        None | Some("desc") => SortDir::Desc,
        Some("asc") => SortDir::Asc,
        Some(_) => {
            return Err(ApiError::registry_bad_request(
                "Unsupported sort_dir. Acceptable values: asc, desc",
            ));
        }
    };
    Ok(ImageListQuery {
        scope: ListScope::for_caller(ctx, is_public),
        filters,
        deleted,
        hide_killed,
        sort: vec![(sort_key, sort_dir)],
        limit,
        marker,
    })
}

/// `v` or `in:a,b,c`; any other `op:` prefix is refused.
fn one_of(value: &str) -> Result<Vec<String>, ApiError> {
    if let Some(list) = value.strip_prefix("in:") {
        return Ok(list.split(',').map(|s| s.trim().to_owned()).collect());
    }
    if let Some((op, _)) = value.split_once(':')
        && !op.is_empty()
        && op.chars().all(|c| c.is_ascii_alphabetic())
    {
        return Err(ApiError::bad_request(format!(
            "Unable to filter by unknown operator '{op}'."
        )));
    }
    Ok(vec![value.to_owned()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ctx: &RequestContext, q: &[(&str, &str)]) -> Result<ImageListQuery, ApiError> {
        let pairs: Vec<(String, String)> = q
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        parse(ctx, &pairs)
    }

    fn tenant() -> RequestContext {
        RequestContext::authenticated(None, Some("p".into()), ["member".to_string()])
    }

    #[test]
    fn defaults() {
        let q = run(&tenant(), &[]).expect("query");
        assert_eq!(q.limit, 25);
        assert_eq!(q.sort, vec![(SortKey::CreatedAt, SortDir::Desc)]);
        assert_eq!(q.scope, ListScope::Tenant("p".into()));
        assert!(q.hide_killed);
    }

    #[test]
    fn killed_images_show_only_with_deleted_ones() {
        assert!(
            run(&tenant(), &[("status", "killed")])
                .expect("q")
                .hide_killed
        );
        assert!(
            !run(&tenant(), &[("changes-since", "2000-01-01")])
                .expect("q")
                .hide_killed
        );
        let admin = RequestContext::authenticated(None, Some("a".into()), ["admin".to_string()]);
        assert!(run(&admin, &[("deleted", "false")]).expect("q").hide_killed);
        assert!(!run(&admin, &[("deleted", "true")]).expect("q").hide_killed);
    }

    #[test]
    fn errors_carry_glance_messages() {
        // The message sits in the explanation or the detail, bare or inside a relayed registry
        // body, depending on which Glance tier raises it (framing is tested over HTTP).
        let msg = |q: &[(&str, &str)]| {
            let error = run(&tenant(), q).expect_err("error");
            let text = error.detail.or(error.explanation).unwrap_or_default();
            text.split("\n\n")
                .map(str::trim)
                .filter(|piece| !piece.is_empty())
                .last()
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(msg(&[("limit", "x")]), "limit param must be an integer");
        assert_eq!(msg(&[("limit", "-1")]), "limit param must be positive");
        assert_eq!(msg(&[("marker", "nope")]), "Invalid marker format");
        assert_eq!(
            msg(&[("sort_dir", "up")]),
            "Unsupported sort_dir. Acceptable values: asc, desc"
        );
        assert!(msg(&[("sort_key", "owner")]).starts_with("Unsupported sort_key."));
        assert_eq!(
            msg(&[("size_min", "-3")]),
            "Bad value passed to filter size_min got -3"
        );
        assert_eq!(
            msg(&[("is_public", "maybe")]),
            "Bad value passed to filter is_public got maybe"
        );
        assert_eq!(
            msg(&[("changes-since", "tuesday")]),
            "Unrecognized changes-since value"
        );
        assert_eq!(
            msg(&[("protected", "none")]),
            "protected must be True, or False"
        );
    }

    #[test]
    fn limits_are_capped_and_is_public_is_admin_only() {
        assert_eq!(run(&tenant(), &[("limit", "5000")]).expect("q").limit, 1000);
        assert_eq!(
            run(&tenant(), &[("is_public", "none")]).expect("q").scope,
            ListScope::Tenant("p".into())
        );
        let admin = RequestContext::authenticated(None, Some("a".into()), ["admin".to_string()]);
        assert_eq!(
            run(&admin, &[("is_public", "none")]).expect("q").scope,
            ListScope::AdminAll {
                tenant: Some("a".into())
            }
        );
    }

    #[test]
    fn in_lists() {
        let q = run(&tenant(), &[("disk_format", "in:raw,qcow2")]).expect("q");
        assert_eq!(
            q.filters.disk_format,
            Some(vec!["raw".into(), "qcow2".into()])
        );
        assert!(run(&tenant(), &[("name", "gt:x")]).is_err());
    }
}
