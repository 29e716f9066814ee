//! Storage used by a project, for the per-project storage quota (Glance `user_storage_quota`).

use crate::error::DbError;
use crate::pool::Db;
use glint_core::ImageId;
use sqlx::Row;

impl Db {
    /// Bytes stored for `owner`'s images, not counting `except` (the image being uploaded).
    ///
    /// As Glance's `_image_get_disk_usage_by_owner`: the size of every non-deleted image that is
    /// not `killed` or `pending_delete`, once per active location. Images still `saving` have no
    /// location yet and count nothing, which is why an upload also re-checks the quota once
    /// its size is known (see `glint-service`'s `quota` module).
    pub async fn storage_usage(&self, owner: &str, except: &ImageId) -> Result<u64, DbError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(i.size), 0) AS BIGINT) AS used \
             FROM images i JOIN image_locations l ON l.image_id = i.id AND l.status = 'active' \
             WHERE i.owner = $1 AND i.deleted = 0 \
             AND i.status NOT IN ('killed', 'pending_delete', 'deleted') AND i.id <> $2",
        )
        .bind(owner)
        .bind(except.as_str())
        .fetch_one(&self.pool)
        .await?;
        let used: i64 = row.try_get("used")?;
        Ok(u64::try_from(used).unwrap_or(0))
    }
}
