//! `glint-bench run | seed-sqlite | compare`: see `BENCHMARKS.md` and `scripts/bench/run.sh`.

use clap::{Parser, Subcommand};
use glint_bench::{AuthStyle, Flavor, Plan, Scenario, SeedPlan, Target, compare, describe};
use std::io::Write;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(version, about = "Benchmarks an Images API server (glint or Glance)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs scenarios against one server and prints (and optionally records) the figures.
    Run {
        /// Base URL, e.g. http://127.0.0.1:9292
        #[arg(long)]
        url: String,
        /// Label for the output (glint, glance).
        #[arg(long, default_value = "server")]
        label: String,
        #[arg(long, value_enum, default_value = "headers")]
        auth: AuthStyle,
        /// Scenarios, comma-separated, in the order to run.
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            default_value = "create,add-member,list-members,upload,download"
        )]
        scenarios: Vec<Scenario>,
        #[arg(long, value_delimiter = ',', default_value = "1,16")]
        concurrency: Vec<usize>,
        /// Requests per metadata scenario and concurrency.
        #[arg(long, default_value_t = 1000)]
        requests: usize,
        /// Seconds after which a scenario stops issuing requests.
        #[arg(long, default_value_t = 30)]
        max_seconds: u64,
        /// Bytes moved per transfer scenario and concurrency.
        #[arg(long, default_value_t = 1 << 30)]
        transfer_bytes: u64,
        /// Images in the server's database (recorded with list-images figures).
        #[arg(long, default_value_t = 0)]
        images: u64,
        /// The server's PID, for its peak RSS (VmHWM).
        #[arg(long)]
        server_pid: Option<u32>,
        /// Appends each measurement as a JSON line to this file.
        #[arg(long)]
        out: Option<String>,
    },
    /// Writes seeded images (10 % shared with --member, accepted) straight into a SQLite file.
    SeedSqlite {
        #[arg(long, value_enum)]
        flavor: Flavor,
        /// The server's SQLite file.
        #[arg(long)]
        db: String,
        /// Seeded images wanted in total (tops up).
        #[arg(long)]
        images: u64,
        #[arg(long, default_value = glint_bench::scenarios::MEMBER)]
        member: String,
        #[arg(long, default_value_t = 10)]
        share_every: u64,
    },
    /// Prints the side-by-side Markdown table of two `run --out` files (glint first).
    Compare { glint: String, glance: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Run {
            url,
            label,
            auth,
            scenarios,
            concurrency,
            requests,
            max_seconds,
            transfer_bytes,
            images,
            server_pid,
            out,
        } => {
            let target = Target::new(&url, auth)?;
            let plan = Plan {
                label,
                scenarios,
                concurrency,
                requests,
                max_time: Duration::from_secs(max_seconds),
                transfer_bytes,
                images,
                server_pid,
            };
            let mut file = match &out {
                Some(path) => Some(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)?,
                ),
                None => None,
            };
            // Failed requests are reported (ERRORS, and the table's errors column), not fatal:
            // an overloaded server's 500s are part of what is measured.
            glint_bench::scenarios::run(&target, &plan, |m| {
                println!("{}", describe(m));
                if let Some(f) = file.as_mut()
                    && let Ok(line) = serde_json::to_string(m)
                {
                    let _ = writeln!(f, "{line}");
                }
            })
            .await?;
        }
        Command::SeedSqlite {
            flavor,
            db,
            images,
            member,
            share_every,
        } => {
            let t0 = Instant::now();
            let added = glint_bench::seed::seed(&SeedPlan {
                flavor,
                db,
                images,
                member,
                share_every: share_every.max(1),
            })
            .await?;
            println!(
                "seeded {added} images ({images} in total) in {:.1} s",
                t0.elapsed().as_secs_f64()
            );
        }
        Command::Compare { glint, glance } => {
            print!(
                "{}",
                compare::table(&compare::read(&glint)?, &compare::read(&glance)?)
            );
        }
    }
    Ok(())
}
