//! `glint`: an OpenStack Image Service (Glance) compatible server.

use clap::{Parser, Subcommand};
use glint::config::{Config, Overrides};
use glint::startup::{Application, open_database, open_store_at};
use glint_api::AuthMode;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "glint", version, about = "A Glance-compatible image service")]
struct Cli {
    /// Configuration file (default: ./glint.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Log as JSON lines.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:9292.
        #[arg(long)]
        bind: Option<String>,
        /// Data directory for the default SQLite file and image store.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// trusted-headers, keystone, fake-token or noauth.
        #[arg(long, value_parser = parse_auth)]
        auth: Option<AuthMode>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Check the policy file, print the effective configuration (as JSON, passwords and
    /// secrets redacted) and exit.
    CheckConfig,
    /// Copy every image's data from one store to another, verified by checksum. Resumable: run
    /// it again to copy only what is missing. `s3://` URLs use the `[store]` S3 settings.
    MigrateStore {
        /// The store the data is in now (e.g. file:///var/lib/glint/images).
        #[arg(long)]
        from: String,
        /// The store to copy it to (e.g. s3://bucket/prefix).
        #[arg(long)]
        to: String,
    },
}

fn parse_auth(raw: &str) -> Result<AuthMode, String> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    glint::telemetry::init(cli.log_json);
    let overrides = match &cli.command {
        Command::Serve {
            bind,
            data_dir,
            auth,
        } => Overrides {
            bind: bind.clone(),
            data_dir: data_dir.clone(),
            auth: *auth,
        },
        _ => Overrides::default(),
    };
    let config = Config::load(cli.config.as_deref(), &overrides)?;
    match cli.command {
        Command::Serve { .. } => Application::build(&config).await?.run_until_stopped().await,
        Command::Migrate => {
            open_database(&config).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::CheckConfig => {
            glint::policy_file::load(config.policy.file.as_deref())?;
            config.keystone_settings()?;
            println!("{}", as_json(&config.redacted()));
            Ok(())
        }
        Command::MigrateStore { from, to } => {
            let db = open_database(&config).await?;
            let source = open_store_at(&config, &from)?;
            let target = open_store_at(&config, &to)?;
            let report = glint::migrate_store::migrate(&db, &source, &target).await?;
            println!("{report}");
            if report.failed.is_empty() {
                Ok(())
            } else {
                for (image, reason) in &report.failed {
                    eprintln!("image {image}: {reason}");
                }
                anyhow::bail!(
                    "{} image(s) not migrated; run again after fixing",
                    report.failed.len()
                )
            }
        }
    }
}

fn as_json(config: &Config) -> String {
    serde_json::to_string_pretty(config).unwrap_or_default()
}
