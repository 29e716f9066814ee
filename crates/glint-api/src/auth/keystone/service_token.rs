//! glint's own token, sent as `X-Auth-Token` when it asks Keystone about a caller's token.
//! Obtained on first use, reused until shortly before it expires, and dropped when Keystone
//! answers 401 to it (keystoneauth's session does the same for keystonemiddleware).

use super::KeystoneError;
use super::settings::{KeystoneSettings, ServiceCredentials};
use super::token::parse_time;
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// A token this close to its expiry is renewed first (keystoneauth's `MIN_TOKEN_LIFE_SECONDS`).
const RENEW_BEFORE: time::Duration = time::Duration::seconds(120);

#[derive(Debug, Clone)]
struct ServiceToken {
    value: String,
    expires_at: OffsetDateTime,
}

/// The current service token. The lock is held while a new one is fetched, so concurrent
/// requests wait for one `POST /v3/auth/tokens` instead of each sending their own.
#[derive(Debug, Default)]
pub struct ServiceTokenSource {
    current: Mutex<Option<ServiceToken>>,
}

impl ServiceTokenSource {
    /// A usable service token, fetched if there is none or it is about to expire.
    pub async fn get(
        &self,
        client: &reqwest::Client,
        settings: &KeystoneSettings,
    ) -> Result<String, KeystoneError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref()
            && token.expires_at - RENEW_BEFORE > OffsetDateTime::now_utc()
        {
            return Ok(token.value.clone());
        }
        let fresh = fetch(client, settings).await?;
        let value = fresh.value.clone();
        *current = Some(fresh);
        Ok(value)
    }

    /// Forgets `stale` (Keystone refused it); a token fetched meanwhile by another request stays.
    pub async fn invalidate(&self, stale: &str) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| t.value == stale) {
            *current = None;
        }
    }
}

/// `POST /v3/auth/tokens`: 201 with the token in `X-Subject-Token`. Any failure here means glint
/// cannot validate anything, so it is Keystone being unavailable to glint (503), never the
/// caller's fault (keystonemiddleware: `ServiceError`).
async fn fetch(
    client: &reqwest::Client,
    settings: &KeystoneSettings,
) -> Result<ServiceToken, KeystoneError> {
    let response = client
        .post(format!("{}?nocatalog", settings.tokens_url()))
        .json(&auth_request(&settings.credentials))
        .send()
        .await
        .map_err(|e| KeystoneError::Unavailable(format!("obtaining the service token: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(KeystoneError::Unavailable(format!(
            "Keystone refused glint's service credentials: {status}"
        )));
    }
    let value = response
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| {
            KeystoneError::Unavailable("Keystone's token reply has no X-Subject-Token".into())
        })?;
    let body: Value = response
        .json()
        .await
        .map_err(|e| KeystoneError::Unavailable(format!("reading the service token: {e}")))?;
    let expires_at = body["token"]["expires_at"]
        .as_str()
        .and_then(parse_time)
        .ok_or_else(|| {
            KeystoneError::Unavailable("Keystone's token reply has no expires_at".into())
        })?;
    tracing::debug!(%expires_at, "obtained a Keystone service token");
    Ok(ServiceToken { value, expires_at })
}

/// The Identity v3 authentication request for `credentials`.
pub fn auth_request(credentials: &ServiceCredentials) -> Value {
    match credentials {
        ServiceCredentials::Password {
            username,
            password,
            user_domain_name,
            project_name,
            project_domain_name,
        } => json!({"auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {
                    "name": username,
                    "domain": {"name": user_domain_name},
                    "password": password.expose(),
                }},
            },
            "scope": {"project": {
                "name": project_name,
                "domain": {"name": project_domain_name},
            }},
        }}),
        // An application credential is already scoped: a scope in the request is an error.
        ServiceCredentials::ApplicationCredential { id, secret } => json!({"auth": {
            "identity": {
                "methods": ["application_credential"],
                "application_credential": {"id": id, "secret": secret.expose()},
            },
        }}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keystone::settings::Secret;

    #[test]
    fn password_request_is_project_scoped() {
        let body = auth_request(&ServiceCredentials::Password {
            username: "glint".into(),
            password: Secret::new("pw"),
            user_domain_name: "Default".into(),
            project_name: "service".into(),
            project_domain_name: "Default".into(),
        });
        let auth = &body["auth"];
        assert_eq!(auth["identity"]["methods"], json!(["password"]));
        let user = &auth["identity"]["password"]["user"];
        assert_eq!(user["name"], "glint");
        assert_eq!(user["password"], "pw");
        assert_eq!(user["domain"]["name"], "Default");
        assert_eq!(auth["scope"]["project"]["name"], "service");
        assert_eq!(auth["scope"]["project"]["domain"]["name"], "Default");
    }

    #[test]
    fn application_credential_request_has_no_scope() {
        let body = auth_request(&ServiceCredentials::ApplicationCredential {
            id: "ac-id".into(),
            secret: Secret::new("ac-secret"),
        });
        assert_eq!(
            body,
            json!({"auth": {"identity": {
                "methods": ["application_credential"],
                "application_credential": {"id": "ac-id", "secret": "ac-secret"}
            }}})
        );
    }
}
