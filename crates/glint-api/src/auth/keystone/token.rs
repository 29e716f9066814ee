//! Keystone's answer to a token validation (`GET /v3/auth/tokens`), reduced to what glint
//! authorises with: user, project scope, role names and expiry.

use super::KeystoneError;
use glint_core::RequestContext;
use serde::Deserialize;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A token Keystone confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub user_id: String,
    /// Only for project-scoped tokens: unscoped, domain- and system-scoped tokens carry none,
    /// so they are granted nothing that belongs to a project.
    pub project_id: Option<String>,
    /// Role names as Keystone lists them. Keystone's reply already holds the implied roles (it
    /// computes the token's roles from the *effective* role assignments, which expand role
    /// implications); `RequestContext::authenticated` adds the default ones again regardless.
    pub roles: Vec<String>,
    pub expires_at: OffsetDateTime,
}

#[derive(Deserialize)]
struct Reply {
    token: Token,
}

#[derive(Deserialize)]
struct Token {
    expires_at: String,
    user: Option<Ref>,
    project: Option<Ref>,
    #[serde(default)]
    roles: Vec<Role>,
    application_credential: Option<ApplicationCredential>,
}

#[derive(Deserialize)]
struct Ref {
    id: String,
}

#[derive(Deserialize)]
struct Role {
    name: String,
}

#[derive(Deserialize)]
struct ApplicationCredential {
    access_rules: Option<serde_json::Value>,
}

/// The token described by a 200 reply, if it may be used now.
///
/// As keystonemiddleware: contents it cannot read make the token invalid ("Invalid token
/// contents"), as does a token whose expiry has passed (`will_expire_soon(stale_duration=0)`).
/// A token of an application credential with access rules is refused, as keystonemiddleware does
/// when no `service_type` is configured to check the rules against.
pub fn parse(body: &[u8], now: OffsetDateTime) -> Result<TokenInfo, KeystoneError> {
    let reply: Reply = serde_json::from_slice(body)
        .map_err(|_| KeystoneError::InvalidToken("unreadable token contents"))?;
    let token = reply.token;
    let expires_at = parse_time(&token.expires_at)
        .ok_or(KeystoneError::InvalidToken("unreadable token expiry"))?;
    if expires_at <= now {
        return Err(KeystoneError::InvalidToken("token expired"));
    }
    if token
        .application_credential
        .is_some_and(|a| a.access_rules.is_some_and(|r| !r.is_null()))
    {
        return Err(KeystoneError::InvalidToken(
            "application credential with access rules",
        ));
    }
    let user_id = token
        .user
        .map(|u| u.id)
        .filter(|id| !id.is_empty())
        .ok_or(KeystoneError::InvalidToken("token names no user"))?;
    Ok(TokenInfo {
        user_id,
        project_id: token.project.map(|p| p.id).filter(|id| !id.is_empty()),
        roles: token.roles.into_iter().map(|r| r.name).collect(),
        expires_at,
    })
}

/// Keystone writes `2026-11-29T12:00:00.000000Z`.
pub fn parse_time(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339).ok()
}

impl TokenInfo {
    pub fn context(&self) -> RequestContext {
        RequestContext::authenticated(
            Some(self.user_id.clone()),
            self.project_id.clone(),
            self.roles.iter().cloned(),
        )
    }

    /// How long this token may be trusted without asking Keystone again: `ttl`, cut short by its
    /// expiry.
    pub fn cache_lifetime(&self, now: OffsetDateTime, ttl: Duration) -> Duration {
        let left = Duration::try_from(self.expires_at - now).unwrap_or(Duration::ZERO);
        left.min(ttl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

    fn reply(token: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&json!({ "token": token })).expect("json")
    }

    #[test]
    fn project_scoped_token() {
        let info = parse(
            &reply(json!({
                "expires_at": "2026-11-29T13:00:00.000000Z",
                "user": {"id": "u1", "name": "alice", "domain": {"id": "default"}},
                "project": {"id": "p1", "name": "demo", "domain": {"id": "default"}},
                "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}],
                "methods": ["password"]
            })),
            NOW,
        )
        .expect("valid");
        assert_eq!(info.user_id, "u1");
        assert_eq!(info.project_id.as_deref(), Some("p1"));
        assert_eq!(info.roles, ["member", "reader"]);
        let ctx = info.context();
        assert_eq!(ctx.owner(), Some("p1"));
        assert!(ctx.has_role("member") && !ctx.is_admin);
    }

    #[test]
    fn domain_and_system_scoped_tokens_have_no_project() {
        for scope in [
            json!({"domain": {"id": "default", "name": "Default"}}),
            json!({"system": {"all": true}}),
            json!({}),
        ] {
            let mut token = json!({
                "expires_at": "2026-11-29T13:00:00Z",
                "user": {"id": "u1"},
                "roles": [{"name": "admin"}]
            });
            if let (Some(t), Some(s)) = (token.as_object_mut(), scope.as_object()) {
                t.extend(s.clone());
            }
            let info = parse(&reply(token), NOW).expect("valid");
            assert_eq!(info.project_id, None, "{scope}");
            assert_eq!(info.context().owner(), None);
        }
    }

    #[test]
    fn expired_unreadable_and_restricted_tokens_are_invalid() {
        let expired = reply(json!({"expires_at": "2026-11-29T11:59:59Z", "user": {"id": "u"}}));
        assert!(matches!(
            parse(&expired, NOW),
            Err(KeystoneError::InvalidToken(_))
        ));
        for body in [
            b"not json".to_vec(),
            reply(json!({"user": {"id": "u"}})),
            reply(json!({"expires_at": "tomorrow", "user": {"id": "u"}})),
            reply(json!({"expires_at": "2026-11-29T13:00:00Z"})),
            reply(json!({
                "expires_at": "2026-11-29T13:00:00Z", "user": {"id": "u"},
                "application_credential": {"id": "a", "access_rules": []}
            })),
        ] {
            assert!(
                matches!(parse(&body, NOW), Err(KeystoneError::InvalidToken(_))),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
        let unrestricted = reply(json!({
            "expires_at": "2026-11-29T13:00:00Z", "user": {"id": "u"},
            "application_credential": {"id": "a", "restricted": true}
        }));
        assert!(parse(&unrestricted, NOW).is_ok());
    }

    #[test]
    fn cached_no_longer_than_ttl_or_expiry() {
        let info = TokenInfo {
            user_id: "u".into(),
            project_id: None,
            roles: vec![],
            expires_at: datetime!(2026-11-29 12:01 UTC),
        };
        let ttl = Duration::from_secs(300);
        assert_eq!(info.cache_lifetime(NOW, ttl), Duration::from_secs(60));
        assert_eq!(
            info.cache_lifetime(NOW, Duration::from_secs(10)),
            Duration::from_secs(10)
        );
        let later = datetime!(2026-11-29 12:05 UTC);
        assert_eq!(info.cache_lifetime(later, ttl), Duration::ZERO);
    }
}
