//! `glint migrate-store --from URL --to URL`: copies every live image's bytes from one store to
//! another, verified by checksum, resumable.
//!
//! Locations hold store-relative keys (`images/<id>/<uuid>`), so each object is copied under the
//! same key and the `image_locations` rows stay valid for the new store: switching `store.url`
//! is the only change left. Running it again skips every object already copied and verified,
//! which makes it resumable and lets an operator copy the bulk while serving, then stop the
//! instances, run it once more for the uploads made meanwhile, and switch.

use glint_db::{Db, StoredLocation};
use glint_store::{BlobStore, StoreError, StoredBlob};
use std::fmt;

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Objects copied and verified in this run.
    pub copied: u64,
    /// Objects already present in the target with the right digests (an earlier run).
    pub already_there: u64,
    pub bytes_copied: u64,
    /// Objects that could not be copied or verified, with the reason.
    pub failed: Vec<(String, String)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "copied {} object(s) ({} bytes), {} already present and verified, {} failed",
            self.copied,
            self.bytes_copied,
            self.already_there,
            self.failed.len()
        )
    }
}

/// Copies the data of every active location in `db` from `from` to `to`.
pub async fn migrate(db: &Db, from: &BlobStore, to: &BlobStore) -> anyhow::Result<Report> {
    let locations = db.active_locations().await?;
    tracing::info!(
        objects = locations.len(),
        from = from.describe(),
        to = to.describe(),
        "migrating image data"
    );
    let mut report = Report::default();
    for location in &locations {
        match migrate_one(location, from, to).await {
            Ok(Outcome::Copied(bytes)) => {
                report.copied += 1;
                report.bytes_copied += bytes;
            }
            Ok(Outcome::AlreadyThere) => report.already_there += 1,
            Err(reason) => {
                tracing::error!(image = %location.image_id, key = %location.key, %reason,
                    "image data not migrated");
                report.failed.push((location.image_id.clone(), reason));
            }
        }
    }
    Ok(report)
}

enum Outcome {
    Copied(u64),
    AlreadyThere,
}

async fn migrate_one(
    location: &StoredLocation,
    from: &BlobStore,
    to: &BlobStore,
) -> Result<Outcome, String> {
    let key = location.key.as_str();
    let expected = u64::try_from(location.size.unwrap_or(0)).unwrap_or(0);
    let fail = |e: StoreError| e.to_string();
    if to.size_of(key).await.map_err(fail)? == Some(expected) {
        let there = to.digest(key).await.map_err(fail)?;
        if mismatch(location, &there).is_none() {
            return Ok(Outcome::AlreadyThere);
        }
    }
    let source = from.get(key, None).await.map_err(|e| match e {
        StoreError::NotFound => format!("the source store has no object {key}"),
        other => other.to_string(),
    })?;
    // The limit is the recorded size: a longer object is refused rather than copied.
    let sent = to.put_stream(key, source, expected).await.map_err(fail)?;
    if let Some(problem) = mismatch(location, &sent) {
        discard(to, key).await;
        return Err(format!(
            "source data does not match the image record: {problem}"
        ));
    }
    // Read the copy back: what counts is what the target store will serve.
    let copy = to.digest(key).await.map_err(fail)?;
    if let Some(problem) = mismatch(location, &copy) {
        discard(to, key).await;
        return Err(format!("the copy does not verify: {problem}"));
    }
    Ok(Outcome::Copied(copy.size))
}

/// How `blob` differs from what the image record says, if it does.
fn mismatch(location: &StoredLocation, blob: &StoredBlob) -> Option<String> {
    let size = u64::try_from(location.size.unwrap_or(0)).unwrap_or(0);
    if blob.size != size {
        return Some(format!("size {} instead of {size}", blob.size));
    }
    if let Some(md5) = &location.checksum
        && !md5.eq_ignore_ascii_case(&blob.md5)
    {
        return Some(format!("md5 {} instead of {md5}", blob.md5));
    }
    if location.os_hash_algo.as_deref() == Some("sha512")
        && let Some(sha512) = &location.os_hash_value
        && !sha512.eq_ignore_ascii_case(&blob.sha512)
    {
        return Some("sha512 differs".into());
    }
    None
}

async fn discard(store: &BlobStore, key: &str) {
    if let Err(err) = store.delete(key).await {
        tracing::warn!(key, error = %err, "could not remove a copy that failed verification");
    }
}
