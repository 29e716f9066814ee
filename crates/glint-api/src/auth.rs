//! Authentication modes (DECISIONS D17, D18): each turns request headers into the caller's
//! [`RequestContext`], stored as a request extension for the handlers.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use glint_core::RequestContext;
use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

/// How callers prove who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    /// Trust the headers keystonemiddleware sets (`X-Identity-Status: Confirmed`,
    /// `X-Project-Id`, `X-User-Id`, `X-Roles`), as Glance's `trusted-auth` flavour.
    TrustedHeaders,
    /// `X-Auth-Token: user:project:role[,role]` (Glance's functional-test `FakeAuthMiddleware`),
    /// so real clients run without Keystone. Project `none` means no project.
    FakeToken,
    /// Every request is an admin without user or project (Glance's default pipeline).
    Noauth,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TrustedHeaders => "trusted-headers",
            Self::FakeToken => "fake-token",
            Self::Noauth => "noauth",
        }
    }
}

/// The auth settings the HTTP layer needs.
#[derive(Debug, Clone, Copy)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// Callers without credentials get a read-only anonymous context instead of 401 (D18).
    pub allow_anonymous: bool,
}

/// Middleware: resolves the caller or answers 401.
pub async fn authenticate(
    State(settings): State<AuthSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    match resolve(settings, request.headers()) {
        Some(ctx) => {
            request.extensions_mut().insert(ctx);
            next.run(request).await
        }
        None => ApiError::new(StatusCode::UNAUTHORIZED).into_response(),
    }
}

fn resolve(settings: AuthSettings, headers: &HeaderMap) -> Option<RequestContext> {
    let identity = match settings.mode {
        AuthMode::Noauth => return Some(RequestContext::unauthenticated_admin()),
        AuthMode::TrustedHeaders => from_trusted_headers(headers),
        AuthMode::FakeToken => from_fake_token(headers),
    };
    match identity {
        Some(ctx) => Some(ctx),
        None if settings.allow_anonymous => Some(RequestContext::anonymous()),
        None => None,
    }
}

/// The first of `names` present, percent-decoded (glanceclient percent-encodes header values).
fn header(headers: &HeaderMap, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        headers.get(*name).and_then(|v| v.to_str().ok()).map(|v| {
            percent_decode_str(v.trim())
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn roles(raw: Option<String>) -> Vec<String> {
    raw.map(|r| r.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

fn from_trusted_headers(headers: &HeaderMap) -> Option<RequestContext> {
    let status = header(headers, &["x-identity-status"])?;
    if status != "Confirmed" {
        return None;
    }
    Some(RequestContext::authenticated(
        header(headers, &["x-user-id", "x-user"]),
        header(headers, &["x-project-id", "x-tenant-id", "x-tenant"]),
        roles(header(headers, &["x-roles", "x-role"])),
    ))
}

fn from_fake_token(headers: &HeaderMap) -> Option<RequestContext> {
    let token = header(headers, &["x-auth-token"])?;
    let mut parts = token.splitn(3, ':');
    let user = parts.next().filter(|u| !u.is_empty())?.to_owned();
    let project = parts.next()?.to_owned();
    let project = (project != "none" && !project.is_empty()).then_some(project);
    Some(RequestContext::authenticated(
        Some(user),
        project,
        roles(parts.next().map(str::to_owned)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        h
    }

    const TRUSTED: AuthSettings = AuthSettings {
        mode: AuthMode::TrustedHeaders,
        allow_anonymous: false,
    };
    const FAKE: AuthSettings = AuthSettings {
        mode: AuthMode::FakeToken,
        allow_anonymous: false,
    };

    #[test]
    fn trusted_headers_need_confirmed_identity() {
        assert_eq!(resolve(TRUSTED, &headers(&[("x-tenant-id", "p")])), None);
        let ctx = resolve(
            TRUSTED,
            &headers(&[
                ("x-identity-status", "Confirmed"),
                ("x-tenant-id", "p"),
                ("x-roles", "Member%2Creader"),
            ]),
        )
        .expect("ctx");
        assert_eq!(ctx.owner(), Some("p"));
        assert!(ctx.has_role("member") && !ctx.is_admin);
        let anon = AuthSettings {
            allow_anonymous: true,
            ..TRUSTED
        };
        assert_eq!(
            resolve(anon, &HeaderMap::new()),
            Some(RequestContext::anonymous())
        );
    }

    #[test]
    fn fake_tokens_are_percent_decoded() {
        let ctx = resolve(
            FAKE,
            &headers(&[("x-auth-token", "u%3Aproj%3Aadmin%2Cmember")]),
        )
        .expect("ctx");
        assert_eq!(ctx.user_id.as_deref(), Some("u"));
        assert_eq!(ctx.owner(), Some("proj"));
        assert!(ctx.is_admin);
        let ctx = resolve(FAKE, &headers(&[("x-auth-token", "u:none:member")])).expect("ctx");
        assert_eq!(ctx.owner(), None);
        assert_eq!(
            resolve(FAKE, &headers(&[("x-auth-token", "garbage")])),
            None
        );
        assert_eq!(resolve(FAKE, &HeaderMap::new()), None);
    }
}
