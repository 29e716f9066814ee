//! Image lists: a validated [`ImageListQuery`] becomes one SQL query with keyset pagination,
//! plus one query for the page's properties and tags.

use crate::error::DbError;
use crate::pool::Db;
use crate::rows::{IMAGE_COLUMNS, image_from_row};
use crate::sql::{Bind, SqlBuilder};
use glint_core::Image;
use glint_core::Visibility;
use glint_core::list::{
    CmpOp, DeletedFilter, ImageFilters, ImageListQuery, ListScope, SortDir, SortKey, TimeColumn,
    VisibilityFilter,
};

/// An image's size for sorting and filtering: a reserved image without one counts as 0.
const SIZE: &str = "COALESCE(i.size, 0)";

/// The SQL expression a sort key orders by. NULLs are folded to the smallest value so that
/// SQLite and PostgreSQL order alike and keyset comparisons never meet a NULL. A missing size
/// is 0, as v1 shows it (Glance `_reserve` stores 0 for a reserved image).
fn sort_expr(key: SortKey) -> &'static str {
    match key {
        SortKey::Name => "COALESCE(i.name, '')",
        SortKey::Status => "i.status",
        SortKey::ContainerFormat => "COALESCE(i.container_format, '')",
        SortKey::DiskFormat => "COALESCE(i.disk_format, '')",
        SortKey::Size => SIZE,
        SortKey::Id => "i.id",
        SortKey::CreatedAt => "i.created_at",
        SortKey::UpdatedAt => "i.updated_at",
    }
}

/// The marker image's value for a sort key, as bound in the keyset condition.
fn sort_value(image: &Image, key: SortKey) -> Bind {
    let text = |v: &Option<String>| Bind::Text(v.clone().unwrap_or_default());
    match key {
        SortKey::Name => text(&image.name),
        SortKey::Status => Bind::Text(image.status.as_str().into()),
        SortKey::ContainerFormat => text(&image.container_format),
        SortKey::DiskFormat => text(&image.disk_format),
        SortKey::Size => Bind::Int(image.size.unwrap_or(0)),
        SortKey::Id => Bind::Text(image.id.as_str().into()),
        SortKey::CreatedAt => Bind::Text(image.created_at.to_stored()),
        SortKey::UpdatedAt => Bind::Text(image.updated_at.to_stored()),
    }
}

impl Db {
    /// Runs an image list. `marker` must be the marker image already checked for visibility.
    pub async fn list_images(
        &self,
        query: &ImageListQuery,
        marker: Option<&Image>,
    ) -> Result<Vec<Image>, DbError> {
        let b = list_sql(query, marker);
        let rows = b.query()?.fetch_all(&self.pool).await?;
        let mut images = rows
            .iter()
            .map(image_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<_> = images.iter().map(|i| i.id.clone()).collect();
        let mut attributes = self.attributes_of(&ids).await?;
        for image in &mut images {
            let found = attributes.remove(&image.id).unwrap_or_default();
            image.properties = found.properties;
            image.tags = found.tags;
        }
        Ok(images)
    }
}

/// The SQL text of an image list without a marker, for tests and fuzzing: it depends only on the
/// shape of the query (which filters, which sort keys), never on request-supplied values, which
/// are bound as parameters (RELIABILITY.md §6).
#[doc(hidden)]
pub fn list_sql_shape(query: &ImageListQuery) -> String {
    list_sql(query, None).sql().to_owned()
}

/// The one query of a list page: scope, filters, keyset condition after `marker`, sort, limit.
fn list_sql(query: &ImageListQuery, marker: Option<&Image>) -> SqlBuilder {
    let mut b = SqlBuilder::new(&format!("SELECT {IMAGE_COLUMNS} FROM images i WHERE "));
    push_scope(&mut b, &query.scope);
    match query.deleted {
        DeletedFilter::Exclude => {
            b.push(" AND i.deleted = 0");
        }
        DeletedFilter::Include => {}
        DeletedFilter::Only => {
            b.push(" AND i.deleted = 1");
        }
    }
    if query.hide_killed {
        b.push(" AND i.status <> 'killed'");
    }
    push_filters(&mut b, &query.filters);
    let sort = query.full_sort();
    if let Some(marker) = marker {
        push_keyset(&mut b, &sort, marker);
    }
    b.push(" ORDER BY ");
    for (n, (key, dir)) in sort.iter().enumerate() {
        if n > 0 {
            b.push(", ");
        }
        b.push(sort_expr(*key)).push(match dir {
            SortDir::Asc => " ASC",
            SortDir::Desc => " DESC",
        });
    }
    b.push(" LIMIT ")
        .push_bind(Bind::Int(i64::from(query.limit)));
    b
}

fn push_scope(b: &mut SqlBuilder, scope: &ListScope) {
    // Community images of other owners never appear in lists (Glance `_select_images_query`).
    let community_of = |b: &mut SqlBuilder, tenant: &Option<String>| match tenant {
        Some(t) => {
            b.push("(i.visibility <> 'community' OR i.owner = ")
                .push_bind(Bind::Text(t.clone()))
                .push(")");
        }
        None => {
            b.push("i.visibility <> 'community'");
        }
    };
    match scope {
        ListScope::Tenant(tenant) => {
            b.push("(i.owner = ")
                .push_bind(Bind::Text(tenant.clone()))
                .push(" OR i.visibility = 'public' OR (i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member = ")
                .push_bind(Bind::Text(tenant.clone()))
                .push(")))");
        }
        ListScope::PublicOnly => {
            b.push("i.visibility = 'public'");
        }
        ListScope::AdminAll { tenant } => community_of(b, tenant),
        ListScope::AdminNonPublic { tenant } => {
            b.push("i.visibility <> 'public' AND ");
            community_of(b, tenant);
        }
        ListScope::V2 {
            tenant,
            admin,
            member_status,
            visibility,
        } => push_v2_scope(b, tenant, *admin, *member_status, *visibility),
    }
}

/// v2-sharing §6.2: the candidates (public and community images, the caller's own, shared images
/// it holds a membership of the requested status on), then the `visibility` parameter. Admins
/// start from every image; callers without a project from public and community images (D10).
fn push_v2_scope(
    b: &mut SqlBuilder,
    tenant: &Option<String>,
    admin: bool,
    member_status: Option<glint_core::MemberStatus>,
    visibility: VisibilityFilter,
) {
    b.push("(");
    match (admin, tenant) {
        (true, _) => {
            b.push("1 = 1");
        }
        (false, Some(t)) => {
            b.push("i.visibility IN ('public', 'community') OR i.owner = ")
                .push_bind(Bind::Text(t.clone()))
                .push(
                    " OR (i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m \
                     WHERE m.image_id = i.id AND m.member = ",
                )
                .push_bind(Bind::Text(t.clone()));
            if let Some(status) = member_status {
                b.push(" AND m.status = ")
                    .push_bind(Bind::Text(status.as_str().into()));
            }
            b.push("))");
        }
        (false, None) => {
            b.push("i.visibility IN ('public', 'community')");
        }
    }
    b.push(")");
    match visibility {
        VisibilityFilter::All => {}
        VisibilityFilter::Only(v) => {
            b.push(" AND i.visibility = ")
                .push_bind(Bind::Text(v.as_str().into()));
        }
        VisibilityFilter::Default => match tenant {
            Some(t) => {
                b.push(" AND (i.visibility <> 'community' OR i.owner = ")
                    .push_bind(Bind::Text(t.clone()))
                    .push(")");
            }
            None => {
                b.push(" AND i.visibility <> ")
                    .push_bind(Bind::Text(Visibility::Community.as_str().into()));
            }
        },
    }
}

fn push_filters(b: &mut SqlBuilder, filters: &ImageFilters) {
    let one_of = |b: &mut SqlBuilder, column: &str, values: &Option<Vec<String>>| {
        if let Some(values) = values {
            if values.is_empty() {
                b.push(" AND 1 = 0");
            } else {
                b.push(" AND ").push(column).push(" IN (");
                b.push_text_list(values).push(")");
            }
        }
    };
    one_of(b, "i.name", &filters.name);
    one_of(b, "i.status", &filters.status);
    one_of(b, "i.container_format", &filters.container_format);
    one_of(b, "i.disk_format", &filters.disk_format);
    let int_cmp = |b: &mut SqlBuilder, expr: &str, value: Option<i64>| {
        if let Some(v) = value {
            b.push(" AND ").push(expr).push_bind(Bind::Int(v));
        }
    };
    let size = if filters.size_excludes_null {
        "i.size"
    } else {
        SIZE
    };
    int_cmp(b, &format!("{size} >= "), filters.size_min);
    int_cmp(b, &format!("{size} <= "), filters.size_max);
    one_of(b, "i.id", &filters.ids);
    one_of(b, "i.owner", &filters.owner);
    if let Some(hidden) = filters.os_hidden {
        b.push(" AND i.os_hidden = ").push_bind(Bind::Flag(hidden));
    }
    for tag in &filters.tags {
        b.push(" AND EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.value = ")
            .push_bind(Bind::Text(tag.clone()))
            .push(")");
    }
    for (column, op, value) in &filters.times {
        let column = match column {
            TimeColumn::CreatedAt => "i.created_at",
            TimeColumn::UpdatedAt => "i.updated_at",
        };
        let op = match op {
            CmpOp::Eq => " = ",
            CmpOp::Neq => " <> ",
            CmpOp::Gt => " > ",
            CmpOp::Gte => " >= ",
            CmpOp::Lt => " < ",
            CmpOp::Lte => " <= ",
        };
        b.push(" AND ")
            .push(column)
            .push(op)
            .push_bind(Bind::Text(value.to_stored()));
    }
    int_cmp(b, "i.min_ram = ", filters.min_ram);
    int_cmp(b, "i.min_disk = ", filters.min_disk);
    if let Some(protected) = filters.protected {
        b.push(" AND i.protected = ")
            .push_bind(Bind::Flag(protected));
    }
    if let Some(since) = filters.changes_since {
        b.push(" AND i.updated_at > ")
            .push_bind(Bind::Text(since.to_stored()));
    }
    for (name, value) in &filters.properties {
        b.push(
            " AND EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = ",
        )
        .push_bind(Bind::Text(name.clone()))
        .push(" AND p.value = ")
        .push_bind(Bind::Text(value.clone()))
        .push(")");
    }
}

/// `AND ((k1 > v1) OR (k1 = v1 AND k2 > v2) OR …)`, with `<` for descending keys: the rows
/// strictly after the marker in the full (total) sort order.
fn push_keyset(b: &mut SqlBuilder, sort: &[(SortKey, SortDir)], marker: &Image) {
    b.push(" AND (");
    for n in 0..sort.len() {
        if n > 0 {
            b.push(" OR ");
        }
        b.push("(");
        for (key, _) in &sort[..n] {
            b.push(sort_expr(*key))
                .push(" = ")
                .push_bind(sort_value(marker, *key))
                .push(" AND ");
        }
        let (key, dir) = sort[n];
        b.push(sort_expr(key))
            .push(match dir {
                SortDir::Asc => " > ",
                SortDir::Desc => " < ",
            })
            .push_bind(sort_value(marker, key))
            .push(")");
    }
    b.push(")");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::DbOptions;
    use glint_core::MemberStatus;
    use sqlx::Row;

    /// The plan SQLite picks for a tenant's list without statistics (glint never runs ANALYZE):
    /// a walk of `ix_images_created_at` in sort order that stops after one page. Not a
    /// MULTI-INDEX OR over every image shared with the caller followed by a sort of them all,
    /// which took 4 s per page at a million images (migration 0004, BENCHMARKS.md).
    #[tokio::test]
    async fn tenant_lists_walk_the_created_at_index() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("glint.db").display());
        let db = Db::connect(&url, &DbOptions::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        let v2 = ListScope::V2 {
            tenant: Some("t".into()),
            admin: false,
            member_status: Some(MemberStatus::Accepted),
            visibility: VisibilityFilter::Default,
        };
        for scope in [ListScope::Tenant("t".into()), v2] {
            let query = ImageListQuery {
                scope,
                filters: ImageFilters {
                    os_hidden: Some(false),
                    ..ImageFilters::default()
                },
                deleted: DeletedFilter::Exclude,
                hide_killed: true,
                sort: Vec::new(),
                limit: 25,
                marker: None,
            };
            let b = list_sql(&query, None);
            let rows = sqlx::query_with(
                sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", b.sql())),
                b.arguments().expect("arguments"),
            )
            .fetch_all(&db.pool)
            .await
            .expect("plan");
            let plan: Vec<String> = rows
                .iter()
                .map(|r| r.try_get::<String, _>("detail").expect("detail"))
                .collect();
            let plan = plan.join("\n");
            assert!(!plan.contains("MULTI-INDEX OR"), "{plan}");
            assert!(plan.contains("USING INDEX ix_images_created_at"), "{plan}");
        }
    }
}
