//! Typed image-list queries: filters, sort order and keyset pagination, independent of the API
//! version that parsed them and of the SQL that runs them.

use crate::ids::ImageId;
use crate::image::Visibility;
use crate::member::MemberStatus;
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
    /// An Images v2 list (v2-sharing §6.2, DECISIONS D10 clarification).
    V2 {
        /// The caller's project.
        tenant: Option<String>,
        /// Admins are not restricted (and `member_status` does not apply to them).
        admin: bool,
        /// Which memberships make another owner's shared image listed: `None` for
        /// `member_status=all`.
        member_status: Option<MemberStatus>,
        visibility: VisibilityFilter,
    },
}

/// The `visibility` parameter of a v2 list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisibilityFilter {
    /// Absent: community images of other owners are left out.
    Default,
    /// `all`: every candidate.
    All,
    /// One visibility only.
    Only(Visibility),
}

/// A comparison operator of v2's time filters (`created_at=gte:2024-01-01T00:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl CmpOp {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "eq" => Self::Eq,
            "neq" => Self::Neq,
            "gt" => Self::Gt,
            "gte" => Self::Gte,
            "lt" => Self::Lt,
            "lte" => Self::Lte,
            _ => return None,
        })
    }
}

/// The time columns v2 filters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeColumn {
    CreatedAt,
    UpdatedAt,
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
    /// v2: images whose id is one of these.
    pub ids: Option<Vec<String>>,
    /// v2: images owned by one of these projects.
    pub owner: Option<Vec<String>>,
    /// v2: `os_hidden` (v2 lists hide hidden images unless asked).
    pub os_hidden: Option<bool>,
    /// v2: images carrying every one of these tags.
    pub tags: Vec<String>,
    /// v2: comparisons on `created_at` / `updated_at`.
    pub times: Vec<(TimeColumn, CmpOp, Timestamp)>,
    /// v2 compares `size_min`/`size_max` with the stored size, so images without data never
    /// match; v1 counts a missing size as 0.
    pub size_excludes_null: bool,
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
