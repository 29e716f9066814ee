//! What glint needs to validate tokens with Keystone: where it is, who glint is to it (the
//! service user or application credential, as keystonemiddleware's `[keystone_authtoken]`),
//! and how long validated tokens are trusted without asking again.

use std::time::Duration;

/// A secret from the configuration; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// How glint authenticates itself to Keystone to obtain its service token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceCredentials {
    /// keystoneauth's `password` plugin, project-scoped.
    Password {
        username: String,
        password: Secret,
        user_domain_name: String,
        project_name: String,
        project_domain_name: String,
    },
    /// keystoneauth's `v3applicationcredential` plugin (the credential carries its own scope).
    ApplicationCredential { id: String, secret: Secret },
}

#[derive(Debug, Clone)]
pub struct KeystoneSettings {
    /// Keystone's root, without `/v3` and without a trailing `/`.
    pub base_url: String,
    pub credentials: ServiceCredentials,
    /// Sent back in `WWW-Authenticate: Keystone uri="…"` with every 401.
    pub www_authenticate_uri: String,
    /// Longest time a validated token is trusted without asking Keystone again; zero turns the
    /// cache off. A token is never trusted past its own `expires_at`.
    pub cache_ttl: Duration,
    /// Most validated tokens kept at once.
    pub cache_size: u64,
    /// Limit on each call to Keystone (connecting included); past it the request is answered 503.
    pub timeout: Duration,
}

/// Errors in the Keystone settings, reported at start-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("auth.keystone.url is not an http(s) URL: {0:?}")]
    BadUrl(String),
}

impl KeystoneSettings {
    /// Settings with `url` normalised (with or without `/v3`, trailing `/` or not) and
    /// `www_authenticate_uri` defaulting to the URL as given.
    pub fn new(
        url: &str,
        credentials: ServiceCredentials,
        www_authenticate_uri: Option<&str>,
    ) -> Result<Self, SettingsError> {
        let trimmed = url.trim().trim_end_matches('/');
        let parsed =
            reqwest::Url::parse(trimmed).map_err(|_| SettingsError::BadUrl(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(SettingsError::BadUrl(url.to_owned()));
        }
        let base_url = trimmed
            .strip_suffix("/v3")
            .unwrap_or(trimmed)
            .trim_end_matches('/')
            .to_owned();
        Ok(Self {
            www_authenticate_uri: www_authenticate_uri
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .unwrap_or(trimmed)
                .to_owned(),
            base_url,
            credentials,
            cache_ttl: Duration::from_secs(300),
            cache_size: 10_000,
            timeout: Duration::from_secs(10),
        })
    }

    /// `POST` here obtains a token, `GET` validates one (Identity API v3).
    pub fn tokens_url(&self) -> String {
        format!("{}/v3/auth/tokens", self.base_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_cred() -> ServiceCredentials {
        ServiceCredentials::ApplicationCredential {
            id: "id".into(),
            secret: Secret::new("s"),
        }
    }

    #[test]
    fn url_with_or_without_v3() {
        for url in [
            "http://ks:5000",
            "http://ks:5000/",
            "http://ks:5000/v3",
            "http://ks:5000/v3/",
        ] {
            let s = KeystoneSettings::new(url, app_cred(), None).expect(url);
            assert_eq!(s.tokens_url(), "http://ks:5000/v3/auth/tokens", "{url}");
        }
        let s = KeystoneSettings::new("https://cloud/identity/v3", app_cred(), None).expect("ok");
        assert_eq!(s.tokens_url(), "https://cloud/identity/v3/auth/tokens");
        assert_eq!(s.www_authenticate_uri, "https://cloud/identity/v3");
        let s = KeystoneSettings::new("http://ks:5000", app_cred(), Some("https://public:5000"))
            .expect("ok");
        assert_eq!(s.www_authenticate_uri, "https://public:5000");
    }

    #[test]
    fn non_http_urls_are_refused() {
        for url in ["", "ks:5000", "ftp://ks", "file:///etc"] {
            assert!(
                KeystoneSettings::new(url, app_cred(), None).is_err(),
                "{url}"
            );
        }
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let shown = format!("{:?}", app_cred());
        assert!(!shown.contains("\"s\""), "{shown}");
        assert!(shown.contains("***"));
    }
}
