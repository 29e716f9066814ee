//! The scrub, run at start-up and then periodically by every instance: uploads abandoned by a
//! dead process go back to the status their API leaves a failed upload in (v1 `killed`, v2
//! `queued`) and lose their partial blob; blobs that no image location and no upload lease owns
//! are deleted. Only the database decides (no local state), and every decision is a conditional
//! write, so several instances scrubbing at once neither collide nor touch a live upload.

use crate::{Glint, ServiceError};
use glint_core::time_fmt::Timestamp;
use std::time::SystemTime;

/// What one scrub did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrubReport {
    /// Abandoned uploads taken over (image reset, blob removed).
    pub abandoned: usize,
    /// Unreferenced blobs deleted.
    pub orphans: usize,
}

/// Image blobs live under this prefix (`images/<image id>/<uuid>`); nothing else is touched.
const BLOB_PREFIX: &str = "images/";

impl Glint {
    /// One scrub pass.
    pub async fn scrub_once(&self) -> Result<ScrubReport, ServiceError> {
        let mut report = ScrubReport::default();
        let now = Timestamp::now();
        for upload in self.db.expired_uploads(now).await? {
            if !self.db.claim_abandoned(&upload, now).await? {
                continue; // another scrub won it, or its owner renewed the lease meanwhile
            }
            tracing::warn!(
                image = %upload.image_id,
                dead_instance = %upload.instance_id,
                status = upload.failure_status.as_str(),
                "abandoned upload reset"
            );
            // A failure here leaves an unreferenced blob for the orphan pass below or the next.
            self.discard_blob(&upload.blob_key).await;
            report.abandoned += 1;
        }
        // List first, then ask the database: a blob listed now either is owned in the answer
        // (location or lease) or was already orphaned when listed. An upload begun after the
        // listing is not in it; its lease row exists before its first byte is written.
        let blobs = self.store.inventory(BLOB_PREFIX).await?;
        if blobs.is_empty() {
            return Ok(report);
        }
        let owned = self.db.owned_blob_keys().await?;
        let wall = SystemTime::now();
        for blob in blobs {
            let age = wall.duration_since(blob.modified).unwrap_or_default();
            if owned.contains(&blob.key) || age < self.scrub.orphan_min_age {
                continue;
            }
            match self.store.purge(&blob.key).await {
                Ok(()) => {
                    tracing::info!(key = %blob.key, "orphan blob removed");
                    report.orphans += 1;
                }
                Err(err) => tracing::warn!(key = %blob.key, error = %err, "orphan blob kept"),
            }
        }
        Ok(report)
    }

    /// Scrubs now and then every `interval`, forever. Spawned once per process.
    pub async fn scrub_periodically(self) {
        let mut ticker = tokio::time::interval(self.scrub.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match self.scrub_once().await {
                Ok(report) if report == ScrubReport::default() => {}
                Ok(report) => tracing::info!(
                    abandoned = report.abandoned,
                    orphans = report.orphans,
                    "scrub done"
                ),
                // An outage of the database or store: try again next time.
                Err(err) => tracing::warn!(error = %err, "scrub failed"),
            }
        }
    }
}
