//! Configuration: one typed struct, layered defaults → `glint.toml` → `GLINT_*` environment
//! (`__` separates nesting levels) → command-line flags. `glint.example.toml` documents every key.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use glint_api::AuthMode;
use glint_api::auth::keystone::{KeystoneSettings, Secret, ServiceCredentials};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Directory for the default SQLite file and filesystem store.
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub store: StoreConfig,
    pub auth: AuthConfig,
    pub limits: LimitsConfig,
    pub policy: PolicyConfig,
    pub scrub: ScrubConfig,
    /// Seconds that in-flight requests may run on after SIGTERM/SIGINT (no new connections are
    /// accepted meanwhile); uploads still running then are aborted and end as failed uploads.
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://…`; default `sqlite://<data_dir>/glint.db`.
    pub url: Option<String>,
    /// Pool size (per instance: N instances open up to N × this many connections).
    pub max_connections: u32,
    /// Connections kept open even when idle.
    pub min_connections: u32,
    /// Seconds to wait for a pooled connection (including connecting) before answering 503.
    pub acquire_timeout_secs: u64,
    /// Seconds an idle connection is kept before it is closed.
    pub idle_timeout_secs: u64,
    /// Seconds after which a connection is replaced (spreads load after a failover).
    pub max_lifetime_secs: u64,
    /// PostgreSQL TLS: `disable`, `prefer`, `require`, `verify-ca` or `verify-full`; unset keeps
    /// the URL's `sslmode` (default `prefer`).
    pub ssl_mode: Option<String>,
    /// PostgreSQL TLS: PEM file of the CA that signed the server's certificate.
    pub ssl_root_cert: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `file:///abs/dir` or `s3://bucket/prefix`; default `file://<data_dir>/images`.
    pub url: Option<String>,
    /// S3: `http(s)://host:port` of an S3-compatible server; unset means AWS.
    pub endpoint: Option<String>,
    /// S3: signing region; unset means `us-east-1`.
    pub region: Option<String>,
    /// S3: access key id; with the secret below, or neither (anonymous requests).
    pub access_key_id: Option<String>,
    /// S3: secret access key. Never logged; `check-config` shows `***`.
    pub secret_access_key: Option<SecretString>,
    /// S3: allow a plain-HTTP endpoint.
    pub allow_http: bool,
    /// S3: path-style requests (`endpoint/bucket/key`: Ceph RGW, MinIO); false = virtual-hosted.
    pub path_style: bool,
    /// S3: seconds to open a connection.
    pub connect_timeout_secs: u64,
    /// S3: seconds for one request (one part of an upload, the start of a download).
    pub request_timeout_secs: u64,
    /// S3: retries of a failed request, and the seconds spent retrying one at most.
    pub max_retries: usize,
    pub retry_timeout_secs: u64,
}

/// A secret from the configuration: serialised as itself (so layering works), but `Debug`
/// prints `***` and [`Config::redacted`] replaces it before anything is shown.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(pub String);

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// `trusted-headers`, `keystone`, `fake-token` or `noauth`.
    pub mode: AuthMode,
    /// Serve callers without credentials as read-only anonymous users (public images only).
    pub allow_anonymous: bool,
    /// Allow `noauth` (everyone is admin) on a non-loopback address. Never in production.
    pub force_noauth: bool,
    /// Used by `mode = "keystone"` only.
    pub keystone: KeystoneConfig,
}

/// `[auth.keystone]`: keystonemiddleware's `[keystone_authtoken]` for glint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeystoneConfig {
    /// Keystone's URL, with or without `/v3` (e.g. `http://127.0.0.1:5000`).
    pub url: Option<String>,
    /// The service user glint validates tokens as, with its project (password authentication).
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub project_name: Option<String>,
    pub user_domain_name: String,
    pub project_domain_name: String,
    /// Or an application credential instead of user, password and project.
    pub application_credential_id: Option<String>,
    pub application_credential_secret: Option<SecretString>,
    /// What 401 answers name in `WWW-Authenticate: Keystone uri="…"`; default `url`.
    pub www_authenticate_uri: Option<String>,
    /// Seconds a validated token is trusted without asking Keystone again (never past its own
    /// expiry); 0 = ask every time.
    pub cache_ttl_secs: u64,
    /// Validated tokens remembered at most.
    pub cache_size: u64,
    /// Seconds for each call to Keystone; past it the request is answered 503.
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Members per image; -1 = unlimited.
    pub image_member_quota: i64,
    /// Largest image in bytes.
    pub image_size_cap: u64,
    /// Custom properties per image; -1 = unlimited.
    pub image_property_quota: i64,
    /// Total bytes of one project's images (Glance `user_storage_quota`): digits, optionally
    /// with `B`, `KB`, `MB`, `GB` or `TB` (binary units); `"0"` = unlimited.
    pub user_storage_quota: String,
    /// Seconds glint waits for the next bytes of an upload before cutting the client off
    /// (Glance `client_socket_timeout`; per read, never for the whole upload).
    pub client_socket_timeout_secs: u64,
    /// Seconds a client has to send a request head, and an idle kept-alive connection stays
    /// open waiting for the next one.
    pub header_read_timeout_secs: u64,
    /// Headers per request (more: 431).
    pub max_headers: usize,
    /// Bytes of one header line, name and value (longer: 400; eventlet `max_header_line`).
    pub max_header_line: usize,
    /// Bytes of a request body that is not image data (larger: 413; oslo.middleware
    /// `max_request_body_size`).
    pub max_request_body_size: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// YAML (or JSON) policy file, as Glance's `policy.yaml`: rule name → oslo.policy check
    /// string. Its rules replace the built-in defaults they name; unset = the defaults.
    pub file: Option<PathBuf>,
}

/// Upload leases and the scrub of abandoned uploads and orphan blobs (RELIABILITY.md §1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScrubConfig {
    /// Seconds between scrubs; one also runs at start-up.
    pub interval_secs: u64,
    /// Seconds an upload's lease lasts unrenewed (renewed every third of it while it runs).
    pub lease_secs: u64,
    /// Seconds an unreferenced blob must be old before a scrub deletes it.
    pub orphan_min_age_secs: u64,
}

impl Default for ScrubConfig {
    fn default() -> Self {
        let defaults = glint_service::ScrubSettings::default();
        Self {
            interval_secs: defaults.interval.as_secs(),
            lease_secs: defaults.lease.as_secs(),
            orphan_min_age_secs: defaults.orphan_min_age.as_secs(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:9292".into(),
            data_dir: PathBuf::from("./glint-data"),
            database: DatabaseConfig::default(),
            store: StoreConfig::default(),
            auth: AuthConfig::default(),
            limits: LimitsConfig::default(),
            policy: PolicyConfig::default(),
            scrub: ScrubConfig::default(),
            shutdown_grace_secs: 30,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 16,
            min_connections: 0,
            acquire_timeout_secs: 10,
            idle_timeout_secs: 600,
            max_lifetime_secs: 1800,
            ssl_mode: None,
            ssl_root_cert: None,
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        let s3 = glint_store::S3Settings::default();
        Self {
            url: None,
            endpoint: None,
            region: None,
            access_key_id: None,
            secret_access_key: None,
            allow_http: s3.allow_http,
            path_style: s3.path_style,
            connect_timeout_secs: s3.connect_timeout.as_secs(),
            request_timeout_secs: s3.request_timeout.as_secs(),
            max_retries: s3.max_retries,
            retry_timeout_secs: s3.retry_timeout.as_secs(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: AuthMode::TrustedHeaders,
            allow_anonymous: false,
            force_noauth: false,
            keystone: KeystoneConfig::default(),
        }
    }
}

impl Default for KeystoneConfig {
    fn default() -> Self {
        Self {
            url: None,
            username: None,
            password: None,
            project_name: None,
            user_domain_name: "Default".into(),
            project_domain_name: "Default".into(),
            application_credential_id: None,
            application_credential_secret: None,
            www_authenticate_uri: None,
            cache_ttl_secs: 300,
            cache_size: 10_000,
            timeout_secs: 10,
        }
    }
}

impl KeystoneConfig {
    /// The validated settings, or what is missing or wrong, in terms of the configuration keys.
    pub fn settings(&self) -> anyhow::Result<KeystoneSettings> {
        let Some(url) = self.url.as_deref().filter(|u| !u.trim().is_empty()) else {
            anyhow::bail!(
                "auth.mode = \"keystone\" needs auth.keystone.url (e.g. http://127.0.0.1:5000)"
            );
        };
        let settings = KeystoneSettings::new(
            url,
            self.credentials()?,
            self.www_authenticate_uri.as_deref(),
        )?;
        Ok(KeystoneSettings {
            cache_ttl: Duration::from_secs(self.cache_ttl_secs),
            cache_size: self.cache_size,
            timeout: Duration::from_secs(self.timeout_secs.max(1)),
            ..settings
        })
    }

    fn credentials(&self) -> anyhow::Result<ServiceCredentials> {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        let secret_set = |v: &Option<SecretString>| v.as_ref().is_some_and(|s| !s.0.is_empty());
        let app_cred =
            set(&self.application_credential_id) || secret_set(&self.application_credential_secret);
        let password = set(&self.username) || secret_set(&self.password) || set(&self.project_name);
        match (app_cred, password) {
            (true, true) => anyhow::bail!(
                "auth.keystone: set either username/password/project_name or \
                 application_credential_id/application_credential_secret, not both"
            ),
            (true, false) => match (
                &self.application_credential_id,
                &self.application_credential_secret,
            ) {
                (Some(id), Some(secret)) if !id.is_empty() && !secret.0.is_empty() => {
                    Ok(ServiceCredentials::ApplicationCredential {
                        id: id.clone(),
                        secret: Secret::new(secret.0.clone()),
                    })
                }
                _ => anyhow::bail!(
                    "auth.keystone: application_credential_id and application_credential_secret \
                     go together"
                ),
            },
            (false, true) => {
                let missing: Vec<&str> = [
                    ("username", set(&self.username)),
                    ("password", secret_set(&self.password)),
                    ("project_name", set(&self.project_name)),
                ]
                .into_iter()
                .filter(|(_, present)| !present)
                .map(|(name, _)| name)
                .collect();
                if !missing.is_empty() {
                    anyhow::bail!(
                        "auth.keystone: the service user needs {} too",
                        missing.join(", ")
                    );
                }
                Ok(ServiceCredentials::Password {
                    username: self.username.clone().unwrap_or_default(),
                    password: Secret::new(
                        self.password
                            .as_ref()
                            .map(|p| p.0.clone())
                            .unwrap_or_default(),
                    ),
                    user_domain_name: self.user_domain_name.clone(),
                    project_name: self.project_name.clone().unwrap_or_default(),
                    project_domain_name: self.project_domain_name.clone(),
                })
            }
            (false, false) => anyhow::bail!(
                "auth.mode = \"keystone\" needs service credentials: auth.keystone.username, \
                 password and project_name, or application_credential_id and \
                 application_credential_secret"
            ),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let defaults = glint_service::Limits::default();
        Self {
            image_member_quota: defaults.image_member_quota,
            image_size_cap: defaults.image_size_cap,
            image_property_quota: defaults.image_property_quota,
            user_storage_quota: defaults.user_storage_quota.to_string(),
            client_socket_timeout_secs: defaults.client_socket_timeout.as_secs(),
            header_read_timeout_secs: 30,
            max_headers: 100,
            max_header_line: defaults.max_header_line,
            max_request_body_size: defaults.max_request_body_size,
        }
    }
}

/// The keys of [`Config`]; see [`Config::environment`].
const TOP_LEVEL_KEYS: [&str; 9] = [
    "bind",
    "data_dir",
    "database",
    "store",
    "auth",
    "limits",
    "policy",
    "scrub",
    "shutdown_grace_secs",
];

/// Command-line overrides (highest precedence).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub auth: Option<AuthMode>,
}

impl Config {
    /// Loads the layers; `path` is the TOML file (`glint.toml` when present, if not given).
    /// The error is boxed: figment's is large and only ever travels to the start-up report.
    pub fn load(path: Option<&Path>, overrides: &Overrides) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match path {
            Some(p) => figment = figment.merge(Toml::file_exact(p)),
            None => figment = figment.merge(Toml::file("glint.toml")),
        }
        figment = figment.merge(Self::environment());
        let mut config: Config = figment.extract().map_err(Box::new)?;
        if let Some(bind) = &overrides.bind {
            config.bind = bind.clone();
        }
        if let Some(dir) = &overrides.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(mode) = overrides.auth {
            config.auth.mode = mode;
        }
        glint_service::parse_storage_quota(&config.limits.user_storage_quota)
            .map_err(|e| Box::new(figment::Error::from(format!("limits.{e}"))))?;
        Ok(config)
    }

    /// `GLINT_*` variables naming one of the top-level keys. Other `GLINT_` variables (such as
    /// `GLINT_BIN` or `GLINT_TEST_DATABASE_URL` used by scripts and tests) are not configuration
    /// and must not fail start-up; a typo *inside* a known section still does.
    fn environment() -> Env {
        Env::prefixed("GLINT_").split("__").filter(|key| {
            let top = key.as_str().split('.').next().unwrap_or_default();
            TOP_LEVEL_KEYS
                .iter()
                .any(|known| top.eq_ignore_ascii_case(known))
        })
    }

    pub fn database_url(&self) -> String {
        self.database
            .url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("glint.db").display()))
    }

    pub fn store_url(&self) -> String {
        self.store.url.clone().unwrap_or_else(|| {
            format!(
                "file://{}",
                absolute(&self.data_dir.join("images")).display()
            )
        })
    }

    /// Pool and TLS settings of the database.
    pub fn db_options(&self) -> glint_db::DbOptions {
        let db = &self.database;
        glint_db::DbOptions {
            max_connections: db.max_connections,
            min_connections: db.min_connections,
            acquire_timeout: Duration::from_secs(db.acquire_timeout_secs),
            idle_timeout: Duration::from_secs(db.idle_timeout_secs),
            max_lifetime: Duration::from_secs(db.max_lifetime_secs),
            ssl_mode: db.ssl_mode.clone(),
            ssl_root_cert: db.ssl_root_cert.clone(),
        }
    }

    /// Endpoint, credentials and client tuning for an `s3://` store.
    pub fn s3_settings(&self) -> glint_store::S3Settings {
        let store = &self.store;
        glint_store::S3Settings {
            endpoint: store.endpoint.clone(),
            region: store.region.clone(),
            access_key_id: store.access_key_id.clone(),
            secret_access_key: store
                .secret_access_key
                .as_ref()
                .map(|s| glint_store::Secret::new(s.0.clone())),
            allow_http: store.allow_http,
            path_style: store.path_style,
            connect_timeout: Duration::from_secs(store.connect_timeout_secs),
            request_timeout: Duration::from_secs(store.request_timeout_secs),
            max_retries: store.max_retries,
            retry_timeout: Duration::from_secs(store.retry_timeout_secs),
        }
    }

    /// The Keystone settings when `auth.mode = "keystone"` (checked: a clear error names what is
    /// missing), `None` in the other modes.
    pub fn keystone_settings(&self) -> anyhow::Result<Option<KeystoneSettings>> {
        if self.auth.mode != AuthMode::Keystone {
            return Ok(None);
        }
        self.auth.keystone.settings().map(Some)
    }

    /// A copy fit to print or log: database password, S3 secret and Keystone secrets replaced
    /// by `***`.
    pub fn redacted(&self) -> Config {
        let mut shown = self.clone();
        shown.database.url = Some(redact_url(&self.database_url()));
        shown.store.url = Some(self.store_url());
        let hidden = || Some(SecretString("***".into()));
        if shown.store.secret_access_key.is_some() {
            shown.store.secret_access_key = hidden();
        }
        let keystone = &mut shown.auth.keystone;
        if keystone.password.is_some() {
            keystone.password = hidden();
        }
        if keystone.application_credential_secret.is_some() {
            keystone.application_credential_secret = hidden();
        }
        shown
    }

    pub fn limits(&self) -> glint_service::Limits {
        glint_service::Limits {
            image_member_quota: self.limits.image_member_quota,
            image_size_cap: self.limits.image_size_cap,
            image_property_quota: self.limits.image_property_quota,
            // Checked by `load`; a configuration built in code with a bad value gets no quota.
            user_storage_quota: glint_service::parse_storage_quota(&self.limits.user_storage_quota)
                .unwrap_or(0),
            client_socket_timeout: Duration::from_secs(self.limits.client_socket_timeout_secs),
            max_request_body_size: self.limits.max_request_body_size,
            max_header_line: self.limits.max_header_line,
        }
    }

    /// Per-connection settings of the HTTP server.
    pub fn http_limits(&self) -> crate::server::HttpLimits {
        crate::server::HttpLimits {
            header_read_timeout: Duration::from_secs(self.limits.header_read_timeout_secs),
            max_headers: self.limits.max_headers,
            max_header_line: self.limits.max_header_line,
        }
    }
}

impl Config {
    /// Lease and scrub timing for the service.
    pub fn scrub_settings(&self) -> glint_service::ScrubSettings {
        glint_service::ScrubSettings {
            interval: Duration::from_secs(self.scrub.interval_secs.max(1)),
            lease: Duration::from_secs(self.scrub.lease_secs.max(1)),
            orphan_min_age: Duration::from_secs(self.scrub.orphan_min_age_secs),
        }
    }

    /// How long in-flight requests may run on after a shutdown signal.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A database URL fit for logs: any password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
// figment::Jail's closures must return figment's (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://glint:s3cret@db/glint"),
            "postgres://glint:***@db/glint"
        );
        assert_eq!(
            redact_url("sqlite://./glint-data/glint.db"),
            "sqlite://./glint-data/glint.db"
        );
    }

    #[test]
    fn store_settings_come_from_env_and_secrets_are_never_shown() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GLINT_STORE__URL", "s3://images/glint");
            jail.set_env("GLINT_STORE__ENDPOINT", "http://127.0.0.1:9000");
            jail.set_env("GLINT_STORE__ACCESS_KEY_ID", "AKIA");
            jail.set_env("GLINT_STORE__SECRET_ACCESS_KEY", "very-secret");
            jail.set_env("GLINT_STORE__ALLOW_HTTP", "true");
            jail.set_env("GLINT_DATABASE__URL", "postgres://glint:pw@db/glint");
            let config = Config::load(None, &Overrides::default()).map_err(|e| *e)?;
            let s3 = config.s3_settings();
            assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
            assert_eq!(
                s3.secret_access_key.as_ref().map(|s| s.expose()),
                Some("very-secret")
            );
            assert!(s3.allow_http && s3.path_style);
            let shown = serde_json::to_string(&config.redacted()).map_err(|e| e.to_string())?;
            assert!(
                !shown.contains("very-secret") && !shown.contains(":pw@"),
                "{shown}"
            );
            assert!(shown.contains("AKIA") && shown.contains("s3://images/glint"));
            assert!(!format!("{config:?}").contains("very-secret"));
            Ok(())
        });
    }

    #[test]
    fn env_nests_with_double_underscore() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GLINT_LIMITS__IMAGE_MEMBER_QUOTA", "10");
            jail.set_env("GLINT_AUTH__MODE", "fake-token");
            jail.create_file(
                "glint.toml",
                "bind = \"127.0.0.1:1\"\n[limits]\nimage_size_cap = 5\n",
            )?;
            let config = Config::load(None, &Overrides::default()).map_err(|e| *e)?;
            assert_eq!(config.limits.image_member_quota, 10);
            assert_eq!(config.limits.image_size_cap, 5);
            assert_eq!(config.auth.mode, AuthMode::FakeToken);
            assert_eq!(config.bind, "127.0.0.1:1");
            Ok(())
        });
    }

    #[test]
    fn unrelated_glint_variables_are_ignored_but_typos_in_sections_are_not() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GLINT_BIN", "/usr/bin/glint");
            jail.set_env("GLINT_TEST_DATABASE_URL", "postgres://localhost/x");
            jail.set_env("GLINT_DATA_DIR", "/tmp/glint-x");
            let config = Config::load(None, &Overrides::default()).map_err(|e| *e)?;
            assert_eq!(config.data_dir, PathBuf::from("/tmp/glint-x"));
            jail.set_env("GLINT_AUTH__MODDE", "noauth");
            let error = Config::load(None, &Overrides::default()).expect_err("typo accepted");
            assert!(error.to_string().contains("modde"), "{error}");
            Ok(())
        });
    }

    fn keystone_config(toml: &str) -> Result<Config, figment::Error> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        figment = figment.merge(Toml::string(toml));
        figment.extract()
    }

    #[test]
    fn keystone_settings_are_checked_with_clear_errors() {
        let error = |toml: &str| {
            keystone_config(toml)
                .expect("parses")
                .keystone_settings()
                .expect_err("refused")
                .to_string()
        };
        let base = "[auth]\nmode = \"keystone\"\n[auth.keystone]\n";
        assert!(error(base).contains("auth.keystone.url"));
        let with_url = format!("{base}url = \"http://127.0.0.1:5000/v3\"\n");
        assert!(error(&with_url).contains("service credentials"));
        let partial = format!("{with_url}username = \"glint\"\n");
        let message = error(&partial);
        assert!(
            message.contains("password") && message.contains("project_name"),
            "{message}"
        );
        let both = format!(
            "{with_url}username = \"glint\"\npassword = \"pw\"\nproject_name = \"service\"\n\
             application_credential_id = \"ac\"\n"
        );
        assert!(error(&both).contains("not both"));
        let half_app_cred = format!("{with_url}application_credential_id = \"ac\"\n");
        assert!(error(&half_app_cred).contains("go together"));
        let bad_url = format!(
            "{base}url = \"keystone:5000\"\napplication_credential_id = \"ac\"\n\
             application_credential_secret = \"s\"\n"
        );
        assert!(error(&bad_url).contains("not an http"));

        let good = format!(
            "{with_url}username = \"glint\"\npassword = \"pw\"\nproject_name = \"service\"\n\
             cache_ttl_secs = 60\n"
        );
        let config = keystone_config(&good).expect("parses");
        let settings = config
            .keystone_settings()
            .expect("valid")
            .expect("keystone");
        assert_eq!(settings.base_url, "http://127.0.0.1:5000");
        assert_eq!(settings.www_authenticate_uri, "http://127.0.0.1:5000/v3");
        assert_eq!(settings.cache_ttl, Duration::from_secs(60));
        assert_eq!(settings.cache_size, 10_000);
        assert!(matches!(
            settings.credentials,
            ServiceCredentials::Password { ref user_domain_name, .. } if user_domain_name == "Default"
        ));
        // Other modes ignore the section.
        let other = keystone_config("[auth]\nmode = \"fake-token\"\n").expect("parses");
        assert!(other.keystone_settings().expect("fine").is_none());
    }

    #[test]
    fn keystone_secrets_are_never_shown() {
        let config = keystone_config(
            "[auth.keystone]\npassword = \"hunter2\"\napplication_credential_secret = \"ac-s3cret\"\n",
        )
        .expect("parses");
        let shown = serde_json::to_string(&config.redacted()).expect("json");
        assert!(
            !shown.contains("hunter2") && !shown.contains("ac-s3cret"),
            "{shown}"
        );
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn example_file_loads_and_states_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../glint.example.toml");
        figment::Jail::expect_with(|_| {
            let config = Config::load(Some(&example), &Overrides::default()).map_err(|e| *e)?;
            let as_json = |c: &Config| serde_json::to_value(c).map_err(|e| e.to_string());
            assert_eq!(as_json(&config)?, as_json(&Config::default())?);
            Ok(())
        });
    }
}
