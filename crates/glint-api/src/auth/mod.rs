//! Authentication modes (DECISIONS D17, D18): each turns request headers into the caller's
//! [`RequestContext`], stored as a request extension for the handlers.

pub mod keystone;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use glint_core::RequestContext;
use keystone::{Identified, Keystone, KeystoneError};
use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How callers prove who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    /// Trust the headers keystonemiddleware sets (`X-Identity-Status: Confirmed`,
    /// `X-Project-Id`, `X-User-Id`, `X-Roles`), as Glance's `trusted-auth` flavour.
    TrustedHeaders,
    /// Validate `X-Auth-Token` with Keystone v3, as keystonemiddleware's `auth_token` in front
    /// of Glance ([`keystone`]).
    Keystone,
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
            Self::Keystone => "keystone",
            Self::FakeToken => "fake-token",
            Self::Noauth => "noauth",
        }
    }
}

/// The auth settings the HTTP layer needs.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// Callers without credentials get a read-only anonymous context instead of 401 (D18).
    pub allow_anonymous: bool,
    /// The Keystone client; required by (and only used in) [`AuthMode::Keystone`].
    pub keystone: Option<Arc<Keystone>>,
}

impl AuthSettings {
    /// Settings for a mode that needs no Keystone.
    pub fn new(mode: AuthMode, allow_anonymous: bool) -> Self {
        Self {
            mode,
            allow_anonymous,
            keystone: None,
        }
    }
}

/// Why a request gets no context. Mapped to HTTP in `error.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No acceptable credentials in a header-trusting mode: Glance's `ContextMiddleware` 401.
    NoCredentials,
    /// keystonemiddleware's rejection: missing, invalid or expired token (401).
    TokenRejected,
    /// Keystone could not be asked (503).
    IdentityUnavailable,
}

impl From<KeystoneError> for AuthError {
    fn from(err: KeystoneError) -> Self {
        match err {
            KeystoneError::InvalidToken(_) => Self::TokenRejected,
            KeystoneError::Unavailable(_) => Self::IdentityUnavailable,
        }
    }
}

/// Middleware: resolves the caller or answers 401 (503 when Keystone cannot be asked).
pub async fn authenticate(
    State(settings): State<AuthSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    let mut response = match identify(&settings, request.headers()).await {
        Ok(ctx) => {
            request.extensions_mut().insert(ctx);
            next.run(request).await
        }
        Err(err) => err.into_response(),
    };
    // keystonemiddleware adds this to every 401, its own and the application's.
    if let Some(keystone) = &settings.keystone
        && response.status() == StatusCode::UNAUTHORIZED
    {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            keystone.www_authenticate().clone(),
        );
    }
    response
}

async fn identify(
    settings: &AuthSettings,
    headers: &HeaderMap,
) -> Result<RequestContext, AuthError> {
    let (identity, missing) = match settings.mode {
        AuthMode::Keystone => {
            let Some(keystone) = &settings.keystone else {
                tracing::error!("auth mode keystone without Keystone settings");
                return Err(AuthError::IdentityUnavailable);
            };
            match keystone.identify(headers).await? {
                Identified::Caller(ctx) => (Some(ctx), AuthError::TokenRejected),
                // Only a request without any token may be anonymous (D18); a bad one is 401.
                Identified::NoToken => (None, AuthError::TokenRejected),
            }
        }
        _ => (resolve(settings, headers), AuthError::NoCredentials),
    };
    match identity {
        Some(ctx) => Ok(ctx),
        None if settings.allow_anonymous => Ok(RequestContext::anonymous()),
        None => Err(missing),
    }
}

/// The caller named by the headers, in the modes that need no outside service.
fn resolve(settings: &AuthSettings, headers: &HeaderMap) -> Option<RequestContext> {
    match settings.mode {
        AuthMode::Noauth => Some(RequestContext::unauthenticated_admin()),
        AuthMode::TrustedHeaders => from_trusted_headers(headers),
        AuthMode::FakeToken => from_fake_token(headers),
        AuthMode::Keystone => None,
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
        keystone: None,
    };
    const FAKE: AuthSettings = AuthSettings {
        mode: AuthMode::FakeToken,
        allow_anonymous: false,
        keystone: None,
    };

    #[tokio::test]
    async fn trusted_headers_need_confirmed_identity() {
        assert_eq!(resolve(&TRUSTED, &headers(&[("x-tenant-id", "p")])), None);
        let ctx = resolve(
            &TRUSTED,
            &headers(&[
                ("x-identity-status", "Confirmed"),
                ("x-tenant-id", "p"),
                ("x-roles", "Member%2Creader"),
            ]),
        )
        .expect("ctx");
        assert_eq!(ctx.owner(), Some("p"));
        assert!(ctx.has_role("member") && !ctx.is_admin);
        assert_eq!(
            identify(&TRUSTED, &HeaderMap::new()).await,
            Err(AuthError::NoCredentials)
        );
        let anon = AuthSettings {
            allow_anonymous: true,
            ..TRUSTED
        };
        assert_eq!(
            identify(&anon, &HeaderMap::new()).await,
            Ok(RequestContext::anonymous())
        );
    }

    #[test]
    fn fake_tokens_are_percent_decoded() {
        let ctx = resolve(
            &FAKE,
            &headers(&[("x-auth-token", "u%3Aproj%3Aadmin%2Cmember")]),
        )
        .expect("ctx");
        assert_eq!(ctx.user_id.as_deref(), Some("u"));
        assert_eq!(ctx.owner(), Some("proj"));
        assert!(ctx.is_admin);
        let ctx = resolve(&FAKE, &headers(&[("x-auth-token", "u:none:member")])).expect("ctx");
        assert_eq!(ctx.owner(), None);
        assert_eq!(
            resolve(&FAKE, &headers(&[("x-auth-token", "garbage")])),
            None
        );
        assert_eq!(resolve(&FAKE, &HeaderMap::new()), None);
    }
}
