//! Building and running the server: connect, migrate, bind, serve until a shutdown signal.

use crate::config::{Config, redact_url};
use crate::server::{self, HttpLimits};
use anyhow::Context;
use glint_api::AuthSettings;
use glint_db::Db;
use glint_service::Glint;
use glint_store::BlobStore;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

/// A bound, ready-to-serve glint.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    address: SocketAddr,
    glint: Glint,
    grace: Duration,
    http: HttpLimits,
}

/// Connects to the database configured and applies migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    if config.database.url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    }
    let url = config.database_url();
    let db = Db::connect(&url, &config.db_options())
        .await
        .with_context(|| format!("connecting to {}", redact_url(&url)))?;
    db.migrate().await.context("applying migrations")?;
    Ok(db)
}

/// Opens the image store configured (`file://` or `s3://`). Nothing is contacted here.
pub fn open_store(config: &Config) -> anyhow::Result<BlobStore> {
    open_store_at(config, &config.store_url())
}

/// Opens the store at `url` with the configuration's S3 settings (for `migrate-store`).
pub fn open_store_at(config: &Config, url: &str) -> anyhow::Result<BlobStore> {
    BlobStore::open(url, &config.s3_settings())
        .with_context(|| format!("opening the image store {url}"))
}

impl Application {
    /// Opens everything and binds `config.bind` (port 0 picks a free port).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        // Settings errors first: nothing is opened for a configuration that cannot serve.
        let keystone = config.keystone_settings()?;
        let listener = TcpListener::bind(&config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let address = listener.local_addr()?;
        if config.auth.mode == glint_api::AuthMode::Noauth
            && !address.ip().is_loopback()
            && !config.auth.force_noauth
        {
            anyhow::bail!(
                "auth mode noauth makes every caller an admin; refusing to serve it on {address} \
                 (set auth.force_noauth = true to insist)"
            );
        }
        // A bad policy file stops start-up before anything is opened (oslo.policy would only
        // log it and deny; the operator learns of it here instead).
        let policy = crate::policy_file::load(config.policy.file.as_deref())?;
        let db = open_database(config).await?;
        let store = open_store(config)?;
        // A store that is down at start-up is not fatal: instances behind a load balancer
        // start, report 503 on /healthcheck, and serve once the store is back.
        if let Err(err) = store.ping().await {
            tracing::warn!(store = %store.describe(), error = %err, "image store unreachable");
        }
        tracing::info!(
            %address,
            database = %redact_url(&config.database_url()),
            store = %store.describe(),
            auth = config.auth.mode.as_str(),
            "glint listening"
        );
        let glint = Glint::with_policy(db, store, config.limits(), policy)
            .with_scrub(config.scrub_settings());
        // Keep this process's upload leases alive, and scrub now and periodically: uploads of
        // dead processes are reset and orphan blobs removed (RELIABILITY.md §1).
        tokio::spawn(glint.clone().heartbeat());
        tokio::spawn(glint.clone().scrub_periodically());
        let mut auth = AuthSettings::new(config.auth.mode, config.auth.allow_anonymous);
        if let Some(settings) = keystone {
            tracing::info!(keystone = %settings.base_url, "validating tokens with Keystone");
            auth.keystone =
                Some(glint_api::Keystone::new(settings).context("building the Keystone client")?);
        }
        Ok(Self {
            listener,
            router: glint_api::app(glint.clone(), auth),
            address,
            glint,
            grace: config.shutdown_grace(),
            http: config.http_limits(),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until SIGINT/SIGTERM, then shuts down gracefully: the listener closes at once (new
    /// connections are refused), in-flight requests run on for up to the grace period, and
    /// uploads still running then are aborted cleanly (failure status, blob removed, lease
    /// released) before the process exits.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (signalled_tx, mut signalled) = tokio::sync::watch::channel(false);
        // server::serve stops accepting when this future completes, then waits for the
        // connections in flight; the grace below bounds that wait.
        let server = server::serve(self.listener, self.router, self.http, async move {
            shutdown_signal().await;
            let _ = signalled_tx.send(true);
        });
        let mut server = std::pin::pin!(server);
        tokio::select! {
            result = &mut server => return Ok(result?),
            _ = signalled.wait_for(|s| *s) => {}
        }
        let glint = self.glint;
        let deadline = tokio::time::Instant::now() + self.grace;
        let drained = tokio::time::timeout_at(deadline, async {
            if let Err(err) = (&mut server).await {
                tracing::warn!(error = %err, "server error while draining");
            }
            // An upload whose client went away still runs to its end in its own task.
            glint.uploads_finished().await;
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                grace_secs = self.grace.as_secs(),
                "shutdown grace over: aborting running uploads"
            );
            glint.abort_uploads();
            // Each aborted upload removes its blob and resets its image; bounded, so that a
            // hung store cannot keep the process alive (the scrub of another instance, or of
            // the next start, finishes what is left once the lease expires).
            if tokio::time::timeout(ABORT_BUDGET, glint.uploads_finished())
                .await
                .is_err()
            {
                tracing::error!("uploads still running after the abort; exiting anyway");
            }
        }
        tracing::info!("stopped");
        Ok(())
    }

    /// Serves until the process ends (tests).
    pub async fn run(self) -> std::io::Result<()> {
        server::serve(
            self.listener,
            self.router,
            self.http,
            std::future::pending(),
        )
        .await
    }
}

/// Time the aborted uploads get to clean up after the grace period.
const ABORT_BUDGET: Duration = Duration::from_secs(10);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
