//! Typed image-list queries: filters, sort order and keyset pagination, independent of the API
//! version that parsed them and of the SQL that runs them.

use crate::ids::ImageId;
use crate::time_fmt::Timestamp;

/// Columns an image list may be sorted by (an allow-list: nothing from the request reaches SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Status,
    ContainerFormat,
    DiskFormat,
    Size,
    Id,
    CreatedAt,
    UpdatedAt,
}

impl SortKey {
    /// The keys Images v1 accepts, in the order Glance's message lists them.
    pub const V1: [SortKey; 8] = [
        Self::Name,
        Self::Status,
        Self::ContainerFormat,
        Self::DiskFormat,
        Self::Size,
        Self::Id,
        Self::CreatedAt,
        Self::UpdatedAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Status => "status",
            Self::ContainerFormat => "container_format",
            Self::DiskFormat => "disk_format",
            Self::Size => "size",
            Self::Id => "id",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::V1.into_iter().find(|k| k.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

/// Which images the caller's list is drawn from, before filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// A regular caller with a tenant: public and community images, its own images, and shared
    /// images it is a member of; community images of other owners are then removed (v1 §5.2).
    Tenant(String),
    /// A caller without a tenant: public images only (DECISIONS D10).
    PublicOnly,
    /// Admin with `is_public=none`: every image (community images of others excluded, as Glance).
    AdminAll { tenant: Option<String> },
    /// Admin with `is_public=false`: every non-public image (same community exclusion).
    AdminNonPublic { tenant: Option<String> },
}

/// How deleted images take part in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedFilter {
    /// Default: no deleted images.
    Exclude,
    /// `changes-since`: deleted images included too.
    Include,
    /// Admin `deleted=true`: only deleted images.
    Only,
}

/// Filters of an image list; `None` means "not filtered".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageFilters {
    pub name: Option<Vec<String>>,
    pub status: Option<Vec<String>>,
    pub container_format: Option<Vec<String>>,
    pub disk_format: Option<Vec<String>>,
    pub size_min: Option<i64>,
    pub size_max: Option<i64>,
    pub min_ram: Option<i64>,
    pub min_disk: Option<i64>,
    pub protected: Option<bool>,
    pub changes_since: Option<Timestamp>,
    /// Custom property equality filters.
    pub properties: Vec<(String, String)>,
}

/// One image-list request, fully validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageListQuery {
    pub scope: ListScope,
    pub filters: ImageFilters,
    pub deleted: DeletedFilter,
    /// Sort keys in priority order; `created_at` and `id` tie-breakers are appended by the
    /// executor when absent, with the direction of the last key (Glance `paginate_query`).
    /// Whether `killed` images are left out (v1's default unless `changes-since` or `deleted`).
    pub hide_killed: bool,
    pub sort: Vec<(SortKey, SortDir)>,
    pub limit: u32,
    pub marker: Option<ImageId>,
}

impl ImageListQuery {
    /// The sort order with tie-breakers appended, so that keyset pagination is total.
    pub fn full_sort(&self) -> Vec<(SortKey, SortDir)> {
        let mut sort = self.sort.clone();
        let dir = sort.last().map(|(_, d)| *d).unwrap_or(SortDir::Desc);
        for key in [SortKey::CreatedAt, SortKey::Id] {
            if !sort.iter().any(|(k, _)| *k == key) {
                sort.push((key, dir));
            }
        }
        sort
    }
}

impl ListScope {
    /// The scope of a caller's list (v1-images §5.2, DECISIONS D10). `is_public` is the admin-only
    /// v1 filter: `None` absent, `Some(None)` for `none`, `Some(Some(b))` for true/false; it is
    /// ignored for everybody else.
    pub fn for_caller(ctx: &crate::RequestContext, is_public: Option<Option<bool>>) -> Self {
        let tenant = ctx.owner().map(str::to_owned);
        if ctx.is_admin {
            match is_public {
                Some(None) => return Self::AdminAll { tenant },
                Some(Some(false)) => return Self::AdminNonPublic { tenant },
                _ => {}
            }
        }
        match tenant {
            Some(t) => Self::Tenant(t),
            None => Self::PublicOnly,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tie_breakers_follow_last_direction() {
        let query = ImageListQuery {
            scope: ListScope::PublicOnly,
            filters: ImageFilters::default(),
            deleted: DeletedFilter::Exclude,
            hide_killed: true,
            sort: vec![(SortKey::Name, SortDir::Asc)],
            limit: 25,
            marker: None,
        };
        assert_eq!(
            query.full_sort(),
            vec![
                (SortKey::Name, SortDir::Asc),
                (SortKey::CreatedAt, SortDir::Asc),
                (SortKey::Id, SortDir::Asc)
            ]
        );
    }
}
