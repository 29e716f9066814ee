//! `GET /v2/images` query parameters → a validated [`ImageListQuery`] (Glance
//! `RequestDeserializer.index`, `ImagesController.index`, v2-sharing §6.2).

use crate::error::ApiError;
use glint_core::list::{
    CmpOp, DeletedFilter, ImageFilters, ImageListQuery, ListScope, SortDir, SortKey, TimeColumn,
    VisibilityFilter,
};
use glint_core::time_fmt::Timestamp;
use glint_core::{ImageId, MemberStatus, RequestContext, Visibility};

/// Glance `limit_param_default` and `api_limit_max`.
const DEFAULT_LIMIT: u32 = 25;
const MAX_LIMIT: u32 = 1000;

/// Parameters with a meaning of their own; every other one filters on a custom property.
const RESERVED_PARAMS: &[&str] = &[
    "limit",
    "marker",
    "member_status",
    "tag",
    "sort",
    "sort_key",
    "sort_dir",
    "visibility",
    "os_hidden",
    "protected",
    "name",
    "status",
    "container_format",
    "disk_format",
    "id",
    "owner",
    "size_min",
    "size_max",
    "min_ram",
    "min_disk",
    "created_at",
    "updated_at",
    "changes-since",
];

/// Parses the raw query pairs for `ctx`.
pub fn parse(ctx: &RequestContext, pairs: &[(String, String)]) -> Result<ImageListQuery, ApiError> {
    // Like Python's `dict(request.params)`, the last value of a repeated parameter wins, except
    // for the parameters read as lists (`tag`, `sort_key`, `sort_dir`).
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let all = |name: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let bad = |m: String| ApiError::bad_request(m);

    let limit = match get("limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => {
            let n: i64 = raw
                .trim()
                .parse()
                .map_err(|_| bad("limit param must be an integer".into()))?;
            if n < 0 {
                return Err(bad("limit param must be positive".into()));
            }
            u32::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)
        }
    };
    let member_status = match get("member_status").unwrap_or("accepted") {
        "all" => None,
        raw => Some(MemberStatus::parse(raw).ok_or_else(|| bad(format!("Invalid status: {raw}")))?),
    };
    let visibility = match get("visibility") {
        None | Some("") => VisibilityFilter::Default,
        Some("all") => VisibilityFilter::All,
        Some(raw) => VisibilityFilter::Only(
            Visibility::parse(raw)
                .ok_or_else(|| bad(format!("Invalid visibility value: {raw}")))?,
        ),
    };
    if get("changes-since").is_some() {
        return Err(bad(
            "The \"changes-since\" filter is no longer available on v2.".into(),
        ));
    }
    let mut filters = ImageFilters {
        size_excludes_null: true,
        ..ImageFilters::default()
    };
    let os_hidden = get("os_hidden").unwrap_or("false").to_lowercase();
    filters.os_hidden = Some(match os_hidden.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(bad(format!(
                "Invalid value '{os_hidden}' for 'os_hidden' filter. Valid values are 'true' or \
                 'false'."
            )));
        }
    });
    if let Some(raw) = get("protected") {
        filters.protected = Some(match raw {
            "true" => true,
            "false" => false,
            _ => {
                return Err(bad(format!(
                    "Invalid value '{raw}' for 'protected' filter. Valid values are 'true' or \
                     'false'."
                )));
            }
        });
    }
    filters.name = get("name").map(in_list);
    filters.status = get("status").map(in_list);
    filters.container_format = get("container_format").map(in_list);
    filters.disk_format = get("disk_format").map(in_list);
    filters.ids = get("id").map(in_list);
    filters.owner = get("owner").map(in_list);
    let number = |name: &str| -> Result<Option<i64>, ApiError> {
        get(name)
            .map(|raw| {
                raw.trim().parse::<i64>().map_err(|_| {
                    bad("Unable to filter on a range with a non-numeric value.".into())
                })
            })
            .transpose()
    };
    filters.size_min = number("size_min")?;
    filters.size_max = number("size_max")?;
    filters.min_ram = number("min_ram")?;
    filters.min_disk = number("min_disk")?;
    for (column, name) in [
        (TimeColumn::CreatedAt, "created_at"),
        (TimeColumn::UpdatedAt, "updated_at"),
    ] {
        if let Some(raw) = get(name) {
            filters.times.push(time_filter(column, raw)?);
        }
    }
    filters.tags = all("tag")
        .into_iter()
        .map(|t| t.trim().to_owned())
        .collect();
    filters.properties = pairs
        .iter()
        .filter(|(k, _)| !RESERVED_PARAMS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    let sort = sorting(pairs)?;
    let marker = get("marker")
        // Matched exactly, as image ids are (another spelling is an unknown marker).
        .map(|raw| ImageId::from_stored(raw.to_owned()));
    Ok(ImageListQuery {
        scope: ListScope::V2 {
            tenant: ctx.owner().map(str::to_owned),
            admin: ctx.is_admin,
            member_status,
            visibility,
        },
        filters,
        deleted: DeletedFilter::Exclude,
        hide_killed: false,
        sort,
        limit,
        marker,
    })
}

/// `in:a,b` → both values; anything else → that one value.
fn in_list(raw: &str) -> Vec<String> {
    match raw.strip_prefix("in:") {
        Some(list) => list
            .split(',')
            .map(|v| v.trim().trim_matches('"').to_owned())
            .collect(),
        None => vec![raw.to_owned()],
    }
}

/// `created_at=gte:2024-01-01T00:00:00Z`; a bare timestamp means `eq` (Glance
/// `split_filter_op`: the whole value is tried as a timestamp first).
fn time_filter(column: TimeColumn, raw: &str) -> Result<(TimeColumn, CmpOp, Timestamp), ApiError> {
    let name = match column {
        TimeColumn::CreatedAt => "created_at",
        TimeColumn::UpdatedAt => "updated_at",
    };
    if let Some(at) = Timestamp::parse_iso8601(raw) {
        return Ok((column, CmpOp::Eq, at));
    }
    let (op, value) = raw.split_once(':').unwrap_or(("eq", raw));
    let op = CmpOp::parse(op)
        .ok_or_else(|| ApiError::bad_request("Unable to filter on a unknown operator."))?;
    let at = Timestamp::parse_iso8601(value).ok_or_else(|| {
        ApiError::bad_request(format!(
            "Bad \"{name}\" query filter format. Use ISO 8601 DateTime notation."
        ))
    })?;
    Ok((column, op, at))
}

/// The new `sort=key:dir,…` syntax or the classic repeated `sort_key`/`sort_dir`
/// (Glance `_get_sorting_params`).
fn sorting(pairs: &[(String, String)]) -> Result<Vec<(SortKey, SortDir)>, ApiError> {
    let bad = |m: String| ApiError::bad_request(m);
    let values = |name: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    };
    let key = |raw: &str| {
        SortKey::parse(raw).ok_or_else(|| {
            let available: Vec<&str> = SortKey::V1.iter().map(|k| k.as_str()).collect();
            bad(format!(
                "Invalid sort key: {raw}. It must be one of the following: {}.",
                available.join(", ")
            ))
        })
    };
    let dir = |raw: &str| match raw {
        "asc" => Ok(SortDir::Asc),
        "desc" => Ok(SortDir::Desc),
        other => Err(bad(format!("Invalid sort direction: {other}"))),
    };
    let sort_param = values("sort");
    let keys = values("sort_key");
    let dirs = values("sort_dir");
    if let Some(sort) = sort_param.last() {
        if !keys.is_empty() || !dirs.is_empty() {
            return Err(bad("Old and new sorting syntax cannot be combined".into()));
        }
        return sort
            .split(',')
            .map(|item| {
                let (k, d) = item.split_once(':').unwrap_or((item, "desc"));
                let d = if d.trim().is_empty() { "desc" } else { d };
                Ok((key(k.trim())?, dir(d.trim())?))
            })
            .collect();
    }
    let keys: Vec<SortKey> = keys.into_iter().map(key).collect::<Result<_, _>>()?;
    let dirs: Vec<SortDir> = dirs.into_iter().map(dir).collect::<Result<_, _>>()?;
    if dirs.len() > 1 && dirs.len() != keys.len() {
        return Err(bad(
            "Number of sort dirs does not match the number of sort keys".into(),
        ));
    }
    let keys = if keys.is_empty() {
        vec![SortKey::CreatedAt]
    } else {
        keys
    };
    Ok(keys
        .iter()
        .enumerate()
        .map(|(n, k)| {
            let d = match dirs.len() {
                0 => SortDir::Desc,
                1 => dirs[0],
                _ => dirs[n],
            };
            (*k, d)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(query: &str) -> Result<ImageListQuery, ApiError> {
        let pairs: Vec<(String, String)> = url_pairs(query);
        let ctx = RequestContext::authenticated(None, Some("p".into()), ["member".to_string()]);
        parse(&ctx, &pairs)
    }

    fn url_pairs(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    #[test]
    fn defaults() {
        let query = q("").expect("valid");
        assert_eq!(query.limit, DEFAULT_LIMIT);
        assert_eq!(query.sort, vec![(SortKey::CreatedAt, SortDir::Desc)]);
        assert_eq!(query.filters.os_hidden, Some(false));
        assert!(matches!(
            query.scope,
            ListScope::V2 {
                member_status: Some(MemberStatus::Accepted),
                visibility: VisibilityFilter::Default,
                ..
            }
        ));
    }

    #[test]
    fn sorting_syntaxes() {
        let query = q("sort=name:asc,size").expect("valid");
        assert_eq!(
            query.sort,
            vec![
                (SortKey::Name, SortDir::Asc),
                (SortKey::Size, SortDir::Desc)
            ]
        );
        let query = q("sort_key=name&sort_key=id&sort_dir=asc").expect("valid");
        assert_eq!(
            query.sort,
            vec![(SortKey::Name, SortDir::Asc), (SortKey::Id, SortDir::Asc)]
        );
        assert!(q("sort=name&sort_key=id").is_err());
        assert!(q("sort_key=a&sort_key=id&sort_dir=asc&sort_dir=desc&sort_dir=asc").is_err());
        assert!(q("sort_key=bogus").is_err());
        assert!(q("sort_dir=up").is_err());
    }

    #[test]
    fn refusals() {
        for bad in [
            "limit=x",
            "limit=-1",
            "member_status=maybe",
            "visibility=everyone",
            "os_hidden=yes",
            "protected=1",
            "size_min=big",
            "changes-since=2020-01-01",
            "created_at=after:2020-01-01T00:00:00Z",
        ] {
            assert!(q(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters() {
        let query = q("name=in:a,b&tag=x&tag=y&arch=x86_64&member_status=all&visibility=shared")
            .expect("valid");
        assert_eq!(query.filters.name, Some(vec!["a".into(), "b".into()]));
        assert_eq!(query.filters.tags, vec!["x", "y"]);
        assert_eq!(
            query.filters.properties,
            vec![("arch".to_owned(), "x86_64".to_owned())]
        );
        assert!(matches!(
            query.scope,
            ListScope::V2 {
                member_status: None,
                visibility: VisibilityFilter::Only(Visibility::Shared),
                ..
            }
        ));
    }
}
