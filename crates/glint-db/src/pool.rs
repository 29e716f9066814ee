//! Connecting: one `AnyPool` chosen by URL scheme, with per-back-end session settings, pool
//! limits and (PostgreSQL) TLS.

use crate::error::DbError;
use crate::write_gate::{WriteGate, WriteTurn};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// PostgreSQL `sslmode` values, as libpq spells them.
const SSL_MODES: [&str; 6] = [
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// Pool settings.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    /// Connections kept open while idle.
    pub min_connections: u32,
    /// Time a query waits for a connection, connecting included; then 503.
    pub acquire_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_lifetime: Duration,
    /// PostgreSQL `sslmode` (see [`SSL_MODES`]); `None` keeps what the URL says.
    pub ssl_mode: Option<String>,
    /// PostgreSQL `sslrootcert`: the CA bundle that verifies the server.
    pub ssl_root_cert: Option<PathBuf>,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
            max_lifetime: Duration::from_secs(1800),
            ssl_mode: None,
            ssl_root_cert: None,
        }
    }
}

/// `url` with TLS parameters added (PostgreSQL only; SQLite has no network).
fn with_tls(url: &str, options: &DbOptions) -> Result<String, DbError> {
    let mut url = url.to_owned();
    let mut add = |key: &str, value: &str| {
        let sep = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{sep}{key}={}", query_escape(value));
    };
    if let Some(mode) = &options.ssl_mode {
        if !SSL_MODES.contains(&mode.as_str()) {
            return Err(DbError::Other(format!(
                "database.ssl_mode {mode:?} is not one of {}",
                SSL_MODES.join(", ")
            )));
        }
        add("sslmode", mode);
    }
    if let Some(cert) = &options.ssl_root_cert {
        add("sslrootcert", &cert.display().to_string());
    }
    Ok(url)
}

/// Percent-encodes what a URL query value cannot hold as is.
fn query_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Handle on the metadata database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: AnyPool,
    /// Every write takes a turn here first (SQLite only; see [`WriteGate`]).
    pub(crate) writes: WriteGate,
}

impl Db {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`). A SQLite file is created when
    /// missing and put in WAL mode with full fsync, so a committed transaction survives a crash.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let is_sqlite = url.starts_with("sqlite:");
        let url = if is_sqlite && !url.contains("mode=") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else if is_sqlite {
            url.to_owned()
        } else {
            with_tls(url, options)?
        };
        let connect = AnyConnectOptions::from_str(&url)?;
        // PostgreSQL connections are checked before use (the default), so after a database
        // restart the broken ones are dropped and new ones opened: the service recovers by
        // itself. A SQLite file does not restart, and the check is one more hop to the
        // connection's worker thread for every query (3 per list page; BENCHMARKS.md).
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .min_connections(options.min_connections)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(options.idle_timeout)
            .max_lifetime(options.max_lifetime)
            .test_before_acquire(!is_sqlite)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if is_sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect)
            .await?;
        Ok(Self {
            pool,
            writes: WriteGate::for_backend(is_sqlite),
        })
    }

    /// Waits for the turn to write, then opens the transaction. Keep the turn until the
    /// transaction has ended: bind both (`let (_turn, mut tx) = …`; `_` alone would drop it).
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<(WriteTurn, sqlx::Transaction<'static, sqlx::Any>), DbError> {
        let turn = self.writes.turn().await;
        let tx = self.pool.begin().await?;
        Ok((turn, tx))
    }

    /// Applies pending migrations (idempotent).
    pub async fn migrate(&self) -> Result<(), DbError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_settings_become_url_parameters() {
        let options = DbOptions {
            ssl_mode: Some("verify-full".into()),
            ssl_root_cert: Some(PathBuf::from("/etc/glint/ca bundle.pem")),
            ..DbOptions::default()
        };
        assert_eq!(
            with_tls("postgres://db/glint", &options).expect("valid"),
            "postgres://db/glint?sslmode=verify-full&sslrootcert=/etc/glint/ca%20bundle.pem"
        );
        let bad = DbOptions {
            ssl_mode: Some("yes".into()),
            ..DbOptions::default()
        };
        assert!(with_tls("postgres://db/glint", &bad).is_err());
    }
}
