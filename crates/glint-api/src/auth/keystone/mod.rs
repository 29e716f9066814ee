//! `auth.mode = "keystone"`: glint validates tokens itself, the way keystonemiddleware's
//! `auth_token` does in front of Glance (`keystonemiddleware/auth_token/__init__.py`,
//! `_identity.py`): `GET /v3/auth/tokens` with glint's service token in `X-Auth-Token` and the
//! caller's in `X-Subject-Token`.
//!
//! Keystone's answers, as keystonemiddleware reads them: 200 → valid (unless expired or
//! unreadable); 404 → invalid token (401 to the caller); 401 → glint's own service token was
//! refused: fetch a new one and retry once, then give up; anything else, a refused connection or
//! a timeout → Keystone is unavailable (503 to the caller, never 401).

mod cache;
mod service_token;
mod settings;
mod token;

pub use settings::{KeystoneSettings, Secret, ServiceCredentials, SettingsError};
pub use token::TokenInfo;

use axum::http::{HeaderMap, HeaderValue};
use cache::TokenCache;
use glint_core::RequestContext;
use service_token::ServiceTokenSource;
use std::sync::Arc;
use time::OffsetDateTime;

/// Why a token could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoneError {
    /// The token is not (or no longer) valid: the caller's problem, 401.
    #[error("invalid token: {0}")]
    InvalidToken(&'static str),
    /// Keystone could not be asked: 503, so clients retry instead of re-authenticating.
    #[error("Keystone unavailable: {0}")]
    Unavailable(String),
}

/// The Keystone client of the auth middleware: one per server, shared by all requests.
#[derive(Debug)]
pub struct Keystone {
    settings: KeystoneSettings,
    client: reqwest::Client,
    service_token: ServiceTokenSource,
    cache: TokenCache,
    www_authenticate: HeaderValue,
}

/// What Keystone said about a request's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identified {
    /// A valid user token: the caller.
    Caller(RequestContext),
    /// No user token at all (any `X-Service-Token` was valid).
    NoToken,
}

impl Keystone {
    pub fn new(settings: KeystoneSettings) -> Result<Arc<Self>, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("glint/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let www_authenticate = HeaderValue::from_str(&format!(
            "Keystone uri=\"{}\"",
            settings.www_authenticate_uri
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("Keystone"));
        Ok(Arc::new(Self {
            cache: TokenCache::new(settings.cache_ttl, settings.cache_size),
            settings,
            client,
            service_token: ServiceTokenSource::default(),
            www_authenticate,
        }))
    }

    /// `Keystone uri="<www_authenticate_uri>"`, for every 401 (keystonemiddleware
    /// `_reject_auth_headers`), so clients know where to get a token.
    pub fn www_authenticate(&self) -> &HeaderValue {
        &self.www_authenticate
    }

    /// Validates the request's `X-Service-Token` (when present) and then its `X-Auth-Token`.
    /// As keystonemiddleware: an invalid service token fails the request even when the user token
    /// is good, and the user token alone says who the caller is.
    pub async fn identify(&self, headers: &HeaderMap) -> Result<Identified, KeystoneError> {
        if let Some(service) = token_header(headers, "x-service-token")? {
            self.validate(&service).await.inspect_err(|e| {
                if matches!(e, KeystoneError::InvalidToken(_)) {
                    tracing::info!(error = %e, "invalid service token");
                }
            })?;
        }
        let Some(user) = token_header(headers, "x-auth-token")? else {
            return Ok(Identified::NoToken);
        };
        let info = self.validate(&user).await?;
        Ok(Identified::Caller(info.context()))
    }

    /// The token's details, from the cache or from Keystone.
    pub async fn validate(&self, token: &str) -> Result<Arc<TokenInfo>, KeystoneError> {
        let key = cache::key(token);
        let outcome = self
            .cache
            .get_or_validate(key, self.ask_keystone(token))
            .await;
        match &outcome {
            Err(KeystoneError::InvalidToken(reason)) => {
                tracing::info!(token = %cache::fingerprint(&key), reason, "token rejected");
            }
            Err(KeystoneError::Unavailable(cause)) => {
                tracing::error!(%cause, "unable to validate token");
            }
            Ok(_) => {}
        }
        outcome
    }

    async fn ask_keystone(&self, token: &str) -> Result<TokenInfo, KeystoneError> {
        let unavailable = |e: reqwest::Error| KeystoneError::Unavailable(e.to_string());
        let mut retried = false;
        loop {
            let service = self.service_token.get(&self.client, &self.settings).await?;
            let response = self
                .client
                .get(format!("{}?nocatalog", self.settings.tokens_url()))
                .header("x-auth-token", &service)
                .header("x-subject-token", token)
                .send()
                .await
                .map_err(unavailable)?;
            match response.status().as_u16() {
                200 => {
                    let body = response.bytes().await.map_err(unavailable)?;
                    return token::parse(&body, OffsetDateTime::now_utc());
                }
                404 => return Err(KeystoneError::InvalidToken("unknown to Keystone")),
                // Our service token was refused (expired early, revoked): once more with a new
                // one (keystonemiddleware `verify_token(retry=True)`), then it is a service error.
                401 if !retried => {
                    retried = true;
                    self.service_token.invalidate(&service).await;
                }
                401 => {
                    return Err(KeystoneError::Unavailable(
                        "Keystone refused glint's service token".into(),
                    ));
                }
                status => {
                    return Err(KeystoneError::Unavailable(format!(
                        "Keystone answered {status} to a token validation"
                    )));
                }
            }
        }
    }
}

/// A token header's value: absent or blank means no token; one that cannot be a token (not
/// visible ASCII) is invalid. glanceclient percent-encodes header values, so it is decoded first.
fn token_header(headers: &HeaderMap, name: &str) -> Result<Option<String>, KeystoneError> {
    let Some(raw) = headers.get(name) else {
        return Ok(None);
    };
    let value = raw
        .to_str()
        .map_err(|_| KeystoneError::InvalidToken("malformed token header"))?;
    let value = percent_encoding::percent_decode_str(value.trim())
        .decode_utf8()
        .map_err(|_| KeystoneError::InvalidToken("malformed token header"))?;
    if value.is_empty() {
        return Ok(None);
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(KeystoneError::InvalidToken("malformed token header"));
    }
    Ok(Some(value.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn token_headers() {
        let h = headers(&[("x-auth-token", " gAAAA%3Dabc ")]);
        assert_eq!(
            token_header(&h, "x-auth-token"),
            Ok(Some("gAAAA=abc".into()))
        );
        assert_eq!(token_header(&h, "x-service-token"), Ok(None));
        assert_eq!(
            token_header(&headers(&[("x-auth-token", "")]), "x-auth-token"),
            Ok(None)
        );
        assert!(token_header(&headers(&[("x-auth-token", "a%20b")]), "x-auth-token").is_err());
    }
}
