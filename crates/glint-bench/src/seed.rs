//! The bulk path for the large list scenarios: rows written straight into the server's SQLite
//! file, shaped as the API would have left them, because creating, sharing and accepting a
//! million images through HTTP takes hours on Glance. Used for glint (its own schema) and for
//! Glance 33 (the schema `glance-manage db_sync` creates). Idempotent: it tops the seeded set up
//! to the requested count, so 10 k → 100 k → 1 M reuses what is there.

use anyhow::{Context, bail};
use sqlx::{Connection, Executor, Row, SqliteConnection};
use time::OffsetDateTime;
use time::macros::format_description;

/// Whose schema the file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Flavor {
    Glint,
    Glance,
}

/// Seeded image ids: a recognisable UUID-shaped prefix plus the sequence number.
const ID_PREFIX: &str = "5eed0000-0000-4000-8000-";
/// Rows per INSERT statement, and per transaction.
const ROWS_PER_STATEMENT: u64 = 500;
const ROWS_PER_TRANSACTION: u64 = 20_000;
/// The first seeded image's creation time (2026-01-01); each next one a second later.
const BASE_UNIX: i64 = 1_767_225_600;

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub flavor: Flavor,
    /// Path of the SQLite file (the server's own; it may be running, idle).
    pub db: String,
    /// Seeded images wanted in total.
    pub images: u64,
    /// The project every tenth image is shared with (membership `accepted`).
    pub member: String,
    /// Every `share_every`-th image is shared with the member (10 = 10 %).
    pub share_every: u64,
}

/// Tops the seeded images up to `plan.images`; returns how many were added.
pub async fn seed(plan: &SeedPlan) -> anyhow::Result<u64> {
    if !plan
        .member
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!("--member: letters, digits, '-' and '_' only");
    }
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", plan.db))
        .await
        .with_context(|| format!("open {}", plan.db))?;
    // The server may hold the file open: wait for its locks rather than fail.
    conn.execute("PRAGMA busy_timeout = 60000").await?;
    let have: i64 = sqlx::query("SELECT COUNT(*) FROM images WHERE id LIKE $1")
        .bind(format!("{ID_PREFIX}%"))
        .fetch_one(&mut conn)
        .await?
        .try_get(0)?;
    let have = have as u64;
    let mut next = have;
    while next < plan.images {
        let end = plan.images.min(next + ROWS_PER_TRANSACTION);
        let mut tx = conn.begin().await?;
        let mut from = next;
        while from < end {
            let to = end.min(from + ROWS_PER_STATEMENT);
            let (images, members) = statements(plan, from, to)?;
            tx.execute(sqlx::AssertSqlSafe(images)).await?;
            if let Some(members) = members {
                tx.execute(sqlx::AssertSqlSafe(members)).await?;
            }
            from = to;
        }
        tx.commit().await?;
        next = end;
    }
    conn.close().await?;
    Ok(plan.images.saturating_sub(have))
}

/// The INSERTs for seeded images `from..to` and their memberships.
fn statements(plan: &SeedPlan, from: u64, to: u64) -> anyhow::Result<(String, Option<String>)> {
    let mut images = String::new();
    let mut members = String::new();
    for n in from..to {
        let id = format!("{ID_PREFIX}{n:012x}");
        let at = timestamp(plan.flavor, n)?;
        let shared = n % plan.share_every == 0;
        let visibility = if shared { "shared" } else { "private" };
        let owner = format!("seed-owner-{}", n % 100);
        let sep = if images.is_empty() { "" } else { "," };
        // An active 1 KiB raw image, as an upload would have left it (digests of 1 KiB of
        // zeros; no location: the list scenarios never read the data).
        let md5 = "0f343b0931126a20f133d67c2b018a3b";
        let sha = "8efb4f73c5655351c444eb109230c556d39e2c7624e9c11abc9e3fb4b9b9254218cc5085b454a9698d085cfa92198491f07a723be4574adc70617b73eb0b6461";
        images.push_str(&match plan.flavor {
            Flavor::Glint => format!(
                "{sep}('{id}','seed-{n}','raw','bare',1024,1024,'active','{visibility}','{md5}',\
                 'sha512','{sha}','{owner}',0,0,0,0,'{at}','{at}',NULL,0)"
            ),
            Flavor::Glance => format!(
                "{sep}('{id}','seed-{n}',1024,'active','{at}','{at}',NULL,0,'raw','bare','{md5}',\
                 '{owner}',0,0,0,1024,'{visibility}',0,'sha512','{sha}')"
            ),
        });
        if shared {
            let sep = if members.is_empty() { "" } else { "," };
            let member = &plan.member;
            members.push_str(&match plan.flavor {
                Flavor::Glint => {
                    format!("{sep}('{id}','{member}',0,'accepted',1,'{at}','{at}')")
                }
                Flavor::Glance => {
                    format!("{sep}('{id}','{member}',0,'{at}','{at}',NULL,0,'accepted')")
                }
            });
        }
    }
    let (image_cols, member_cols) = match plan.flavor {
        Flavor::Glint => (
            "id, name, disk_format, container_format, size, virtual_size, status, visibility, \
             checksum, os_hash_algo, os_hash_value, owner, min_disk, min_ram, protected, \
             os_hidden, created_at, updated_at, deleted_at, deleted",
            "image_id, member, can_share, status, position, created_at, updated_at",
        ),
        Flavor::Glance => (
            "id, name, size, status, created_at, updated_at, deleted_at, deleted, disk_format, \
             container_format, checksum, owner, min_disk, min_ram, protected, virtual_size, \
             visibility, os_hidden, os_hash_algo, os_hash_value",
            "image_id, member, can_share, created_at, updated_at, deleted_at, deleted, status",
        ),
    };
    let images = format!("INSERT INTO images ({image_cols}) VALUES {images}");
    let members = (!members.is_empty())
        .then(|| format!("INSERT INTO image_members ({member_cols}) VALUES {members}"));
    Ok((images, members))
}

/// Creation time of seeded image `n`, in the server's stored format: glint's fixed-width
/// `…T…Z` text, SQLAlchemy's `YYYY-MM-DD HH:MM:SS.ffffff` for Glance.
fn timestamp(flavor: Flavor, n: u64) -> anyhow::Result<String> {
    let at = OffsetDateTime::from_unix_timestamp(BASE_UNIX + n as i64)?;
    Ok(match flavor {
        Flavor::Glint => at.format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        ))?,
        Flavor::Glance => at.format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
        ))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_each_servers_format() {
        assert_eq!(
            timestamp(Flavor::Glint, 61).unwrap(),
            "2026-01-01T00:01:01.000000Z"
        );
        assert_eq!(
            timestamp(Flavor::Glance, 61).unwrap(),
            "2026-01-01 00:01:01.000000"
        );
    }

    #[test]
    fn every_tenth_image_is_shared() {
        let plan = SeedPlan {
            flavor: Flavor::Glint,
            db: String::new(),
            images: 20,
            member: "m".into(),
            share_every: 10,
        };
        let (images, members) = statements(&plan, 0, 20).unwrap();
        assert_eq!(images.matches("'shared'").count(), 2);
        assert_eq!(members.unwrap().matches("'accepted'").count(), 2);
    }
}
