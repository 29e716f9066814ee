//! Configuration: one typed struct, layered defaults → `glint.toml` → `GLINT_*` environment
//! (`__` separates nesting levels) → command-line flags. `glint.example.toml` documents every key.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use glint_api::AuthMode;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://…`; default `sqlite://<data_dir>/glint.db`.
    pub url: Option<String>,
    /// Pool size.
    pub max_connections: u32,
    /// Seconds to wait for a pooled connection before answering 503.
    pub acquire_timeout_secs: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `file:///abs/dir`; default `file://<data_dir>/images`.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// `trusted-headers`, `fake-token` or `noauth`.
    pub mode: AuthMode,
    /// Serve callers without credentials as read-only anonymous users (public images only).
    pub allow_anonymous: bool,
    /// Allow `noauth` (everyone is admin) on a non-loopback address. Never in production.
    pub force_noauth: bool,
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
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 16,
            acquire_timeout_secs: 10,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: AuthMode::TrustedHeaders,
            allow_anonymous: false,
            force_noauth: false,
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
        }
    }
}

/// The keys of [`Config`]; see [`Config::environment`].
const TOP_LEVEL_KEYS: [&str; 6] = ["bind", "data_dir", "database", "store", "auth", "limits"];

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

    pub fn limits(&self) -> glint_service::Limits {
        glint_service::Limits {
            image_member_quota: self.limits.image_member_quota,
            image_size_cap: self.limits.image_size_cap,
            image_property_quota: self.limits.image_property_quota,
        }
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
