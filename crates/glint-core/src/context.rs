//! Who is calling: the identity every use case receives, built by the HTTP layer's auth mode.

/// The caller of one request (Glance `glance/context.py` `RequestContext`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestContext {
    pub user_id: Option<String>,
    /// The caller's project (tenant); Glance's `owner` with `owner_is_tenant = True`.
    pub project_id: Option<String>,
    /// Lower-cased role names, with Keystone's default implications applied
    /// (`admin` ⇒ `member` ⇒ `reader`, DECISIONS D16 clarification).
    pub roles: Vec<String>,
    pub is_admin: bool,
    /// Anonymous callers are read-only (DECISIONS D18; Glance `allow_anonymous_access`).
    pub read_only: bool,
}

impl RequestContext {
    /// An authenticated caller; `roles` are lower-cased and expanded with implied roles.
    pub fn authenticated(
        user_id: Option<String>,
        project_id: Option<String>,
        roles: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut expanded: Vec<String> = Vec::new();
        let mut push = |role: &str| {
            if !expanded.iter().any(|r| r == role) {
                expanded.push(role.to_owned());
            }
        };
        for role in roles {
            let role = role.trim().to_lowercase();
            if role.is_empty() {
                continue;
            }
            push(&role);
            if role == "admin" {
                push("member");
                push("reader");
            } else if role == "member" {
                push("reader");
            }
        }
        let is_admin = expanded.iter().any(|r| r == "admin");
        Self {
            user_id: user_id.filter(|s| !s.is_empty()),
            project_id: project_id.filter(|s| !s.is_empty()),
            roles: expanded,
            is_admin,
            read_only: false,
        }
    }

    /// Glance's `UnauthenticatedContextMiddleware`: admin without user or tenant.
    pub fn unauthenticated_admin() -> Self {
        Self {
            roles: vec!["admin".into(), "member".into(), "reader".into()],
            is_admin: true,
            ..Self::default()
        }
    }

    /// An anonymous caller: no tenant, no roles, read-only.
    pub fn anonymous() -> Self {
        Self {
            read_only: true,
            ..Self::default()
        }
    }

    /// The tenant that owns what this caller creates and whose memberships it holds.
    pub fn owner(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_lowercased_and_implied() {
        let ctx = RequestContext::authenticated(None, Some("p".into()), ["Admin".to_string()]);
        assert!(ctx.is_admin);
        assert!(ctx.has_role("member") && ctx.has_role("reader"));
        let ctx = RequestContext::authenticated(None, Some("p".into()), [" member ".to_string()]);
        assert!(!ctx.is_admin && ctx.has_role("reader"));
    }

    #[test]
    fn empty_project_is_no_project() {
        let ctx = RequestContext::authenticated(Some(String::new()), Some(String::new()), []);
        assert_eq!(ctx.owner(), None);
        assert_eq!(ctx.user_id, None);
    }
}
