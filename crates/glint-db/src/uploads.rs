//! Upload leases (migration 0003): which instance is writing which blob for an image in
//! `saving`, and until when. Every transition out of `saving` that glint makes goes through the
//! lease row, so an instance whose lease was taken over by another instance's scrub can no longer
//! activate or fail the image, and a scrub can never act on an upload that is still alive.

use crate::error::DbError;
use crate::pool::Db;
use crate::sql::{Bind, SqlBuilder};
use glint_core::time_fmt::Timestamp;
use glint_core::{ImageId, ImageStatus};
use sqlx::Row;
use std::collections::HashSet;

/// An upload about to start: the image, the blob it writes, who writes it and until when.
#[derive(Debug, Clone)]
pub struct UploadLease {
    pub image_id: ImageId,
    pub blob_key: String,
    pub instance_id: String,
    /// Where the image goes if the upload is abandoned (v1 `killed`, v2 `queued`).
    pub failure_status: ImageStatus,
    pub started_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An upload whose lease expired: its instance died (or lost the database for a whole lease).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbandonedUpload {
    pub image_id: ImageId,
    pub blob_key: String,
    pub instance_id: String,
    pub failure_status: ImageStatus,
}

impl Db {
    /// `queued` → `saving` and the lease row, in one transaction. False when the image is not
    /// (or no longer) `queued`: another upload won the race.
    pub async fn begin_upload(&self, lease: &UploadLease) -> Result<bool, DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE images SET status = 'saving', updated_at = $1 \
             WHERE id = $2 AND deleted = 0 AND status = 'queued'",
        )
        .bind(lease.started_at.to_stored())
        .bind(lease.image_id.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        // A row left for a `queued` image can only be stale (its blob has no lease any more and
        // the orphan scrub removes it): the new upload replaces it.
        sqlx::query("DELETE FROM image_uploads WHERE image_id = $1")
            .bind(lease.image_id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO image_uploads (image_id, blob_key, instance_id, failure_status, \
             started_at, lease_expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(lease.image_id.as_str())
        .bind(lease.blob_key.as_str())
        .bind(lease.instance_id.as_str())
        .bind(lease.failure_status.as_str())
        .bind(lease.started_at.to_stored())
        .bind(lease.expires_at.to_stored())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The heartbeat: extends the leases `instance_id` holds on the uploads of `blob_keys`
    /// (those still running). Returns how many it renewed.
    pub async fn renew_leases(
        &self,
        instance_id: &str,
        blob_keys: &[String],
        expires_at: Timestamp,
    ) -> Result<u64, DbError> {
        if blob_keys.is_empty() {
            return Ok(0);
        }
        let mut b = SqlBuilder::new("UPDATE image_uploads SET lease_expires_at = ");
        b.push_bind(Bind::Text(expires_at.to_stored()))
            .push(" WHERE instance_id = ")
            .push_bind(Bind::Text(instance_id.to_owned()))
            .push(" AND blob_key IN (");
        b.push_text_list(blob_keys).push(")");
        let _turn = self.writes.turn().await;
        Ok(b.query()?.execute(&self.pool).await?.rows_affected())
    }

    /// Ends the upload of `blob_key` without data: drops its lease and, if the image is still
    /// `saving`, moves it to `status`. False when the lease was gone already (a scrub took it
    /// over): the image is then left as that scrub set it.
    pub async fn end_upload(
        &self,
        id: &ImageId,
        blob_key: &str,
        status: ImageStatus,
        now: Timestamp,
    ) -> Result<bool, DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let released =
            sqlx::query("DELETE FROM image_uploads WHERE image_id = $1 AND blob_key = $2")
                .bind(id.as_str())
                .bind(blob_key)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if released == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE images SET status = $1, updated_at = $2 \
             WHERE id = $3 AND deleted = 0 AND status = 'saving'",
        )
        .bind(status.as_str())
        .bind(now.to_stored())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Uploads whose lease ended before `now`.
    pub async fn expired_uploads(&self, now: Timestamp) -> Result<Vec<AbandonedUpload>, DbError> {
        let rows = sqlx::query(
            "SELECT image_id, blob_key, instance_id, failure_status FROM image_uploads \
             WHERE lease_expires_at < $1 ORDER BY image_id",
        )
        .bind(now.to_stored())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("failure_status")?;
                Ok(AbandonedUpload {
                    image_id: ImageId::from_stored(row.try_get("image_id")?),
                    blob_key: row.try_get("blob_key")?,
                    instance_id: row.try_get("instance_id")?,
                    failure_status: ImageStatus::parse(&status).unwrap_or(ImageStatus::Killed),
                })
            })
            .collect()
    }

    /// Takes over an abandoned upload: deletes its lease only if it is still expired at `now`
    /// (a conditional DELETE: of two scrubs at once exactly one wins, and a lease renewed
    /// meanwhile is left alone) and returns the image from `saving` to its failure status, in
    /// one transaction. True when this caller won; it then deletes the blob.
    pub async fn claim_abandoned(
        &self,
        upload: &AbandonedUpload,
        now: Timestamp,
    ) -> Result<bool, DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let claimed = sqlx::query(
            "DELETE FROM image_uploads WHERE image_id = $1 AND blob_key = $2 \
             AND lease_expires_at < $3",
        )
        .bind(upload.image_id.as_str())
        .bind(upload.blob_key.as_str())
        .bind(now.to_stored())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE images SET status = $1, updated_at = $2 \
             WHERE id = $3 AND deleted = 0 AND status = 'saving'",
        )
        .bind(upload.failure_status.as_str())
        .bind(now.to_stored())
        .bind(upload.image_id.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every blob key the database still owns: locations not deleted, and blobs of uploads in
    /// progress (live or not yet scrubbed). A blob outside this set is an orphan.
    pub async fn owned_blob_keys(&self) -> Result<HashSet<String>, DbError> {
        let rows = sqlx::query(
            "SELECT value AS blob_key FROM image_locations WHERE status <> 'deleted' \
             UNION SELECT blob_key FROM image_uploads",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(row.try_get::<String, _>("blob_key")?))
            .collect()
    }
}
