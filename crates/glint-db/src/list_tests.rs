//! Request text never reaches the SQL of an image list: whatever the filter names and values, the
//! SQL text is built from fixed fragments and every request value is a bound parameter
//! (RELIABILITY.md §6). Sort keys are an enum, so ORDER BY holds only allow-listed expressions.

use crate::list::list_sql_shape;
use glint_core::list::{
    DeletedFilter, ImageFilters, ImageListQuery, ListScope, SortDir, SortKey, VisibilityFilter,
};
use glint_core::{ImageId, MemberStatus};
use proptest::prelude::*;

/// Request text, marked with a snowman that no SQL fragment of glint contains.
fn tainted() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| format!("\u{2603}{s}"))
}

fn tainted_list() -> impl Strategy<Value = Option<Vec<String>>> {
    prop::option::of(prop::collection::vec(tainted(), 0..3))
}

fn sort_key() -> impl Strategy<Value = (SortKey, SortDir)> {
    (
        prop::sample::select(SortKey::V1.to_vec()),
        prop::bool::ANY.prop_map(|asc| if asc { SortDir::Asc } else { SortDir::Desc }),
    )
}

prop_compose! {
    fn query()(
        names in tainted_list(),
        statuses in tainted_list(),
        formats in tainted_list(),
        ids in tainted_list(),
        owners in tainted_list(),
        tags in prop::collection::vec(tainted(), 0..3),
        properties in prop::collection::vec((tainted(), tainted()), 0..3),
        tenant in prop::option::of(tainted()),
        admin in prop::bool::ANY,
        v2 in prop::bool::ANY,
        sort in prop::collection::vec(sort_key(), 0..4),
        marker in prop::option::of(tainted()),
        limit in 0u32..2000,
    ) -> ImageListQuery {
        let scope = if v2 {
            ListScope::V2 {
                tenant,
                admin,
                member_status: Some(MemberStatus::Accepted),
                visibility: VisibilityFilter::Default,
            }
        } else {
            match tenant {
                Some(t) => ListScope::Tenant(t),
                None => ListScope::PublicOnly,
            }
        };
        ImageListQuery {
            scope,
            filters: ImageFilters {
                name: names,
                status: statuses,
                disk_format: formats.clone(),
                container_format: formats,
                ids,
                owner: owners,
                tags,
                properties,
                size_min: Some(1),
                ..ImageFilters::default()
            },
            deleted: DeletedFilter::Exclude,
            hide_killed: true,
            sort,
            limit,
            marker: marker.map(ImageId::from_stored),
        }
    }
}

/// The expressions ORDER BY may hold (`list::sort_expr`).
const SORT_EXPRESSIONS: [&str; 8] = [
    "COALESCE(i.name, '')",
    "i.status",
    "COALESCE(i.container_format, '')",
    "COALESCE(i.disk_format, '')",
    "COALESCE(i.size, 0)",
    "i.id",
    "i.created_at",
    "i.updated_at",
];

/// `a, COALESCE(b, ''), c` → its three terms (commas inside parentheses do not split).
fn top_level_terms(list: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(list[start..].trim());
    terms
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn request_values_are_bound_never_spliced(q in query()) {
        let sql = list_sql_shape(&q);
        prop_assert!(!sql.contains('\u{2603}'), "request text in SQL: {}", sql);
        let order_by = sql
            .rsplit_once(" ORDER BY ")
            .map(|(_, tail)| tail)
            .and_then(|tail| tail.rsplit_once(" LIMIT "))
            .map(|(terms, _)| terms)
            .unwrap_or_default();
        let terms = top_level_terms(order_by);
        prop_assert_eq!(terms.len(), q.full_sort().len());
        for term in terms {
            let expression = term
                .strip_suffix(" ASC")
                .or_else(|| term.strip_suffix(" DESC"))
                .unwrap_or(term);
            prop_assert!(SORT_EXPRESSIONS.contains(&expression), "ORDER BY {}", term);
        }
    }
}
