//! Where image bytes are: the `image_locations` rows of live images, for store migrations.

use crate::error::DbError;
use crate::pool::Db;
use sqlx::Row;

/// One active location with what its bytes must hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLocation {
    pub image_id: String,
    /// The object key inside the store (store-relative, e.g. `images/<id>/<uuid>`).
    pub key: String,
    pub size: Option<i64>,
    /// MD5 hex (Glance `checksum`).
    pub checksum: Option<String>,
    pub os_hash_algo: Option<String>,
    pub os_hash_value: Option<String>,
}

impl Db {
    /// Every active location of a non-deleted image, ordered by image id so that a migration
    /// interrupted and run again walks them in the same order.
    pub async fn active_locations(&self) -> Result<Vec<StoredLocation>, DbError> {
        let rows = sqlx::query(
            "SELECT l.image_id, l.value, i.size, i.checksum, i.os_hash_algo, i.os_hash_value \
             FROM image_locations l JOIN images i ON i.id = l.image_id \
             WHERE l.status = 'active' AND i.deleted = 0 ORDER BY l.image_id, l.created_at",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredLocation {
                    image_id: row.try_get("image_id")?,
                    key: row.try_get("value")?,
                    size: row.try_get("size")?,
                    checksum: row.try_get("checksum")?,
                    os_hash_algo: row.try_get("os_hash_algo")?,
                    os_hash_value: row.try_get("os_hash_value")?,
                })
            })
            .collect()
    }
}
