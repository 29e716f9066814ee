//! Image rows: create, read, update, status transitions, soft delete.

use crate::error::DbError;
use crate::pool::Db;
use crate::rows::{IMAGE_COLUMNS, image_from_row};
use crate::sql::{Bind, SqlBuilder};
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, ImageStatus};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use std::collections::{BTreeMap, HashMap};

/// The checksums and size of bytes that were stored, committed together with `active`.
#[derive(Debug, Clone)]
pub struct UploadedData {
    pub size: i64,
    /// The guest-visible size, when the data's format tells it (kept as it was otherwise).
    pub virtual_size: Option<i64>,
    pub checksum: String,
    pub os_hash_algo: String,
    pub os_hash_value: String,
    pub location: String,
}

/// An image's properties and tags, as stored beside its row.
#[derive(Debug, Default)]
pub(crate) struct Attributes {
    pub properties: BTreeMap<String, String>,
    pub tags: Vec<String>,
}

impl Db {
    /// Inserts a new image with its properties in one transaction.
    /// A client-chosen id that exists already → [`DbError::Duplicate`].
    pub async fn insert_image(&self, image: &Image) -> Result<(), DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO images (id, name, disk_format, container_format, size, virtual_size, \
             status, visibility, checksum, os_hash_algo, os_hash_value, owner, min_disk, min_ram, \
             protected, os_hidden, created_at, updated_at, deleted_at, deleted) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, NULL, 0)",
        )
        .bind(image.id.as_str())
        .bind(image.name.as_deref())
        .bind(image.disk_format.as_deref())
        .bind(image.container_format.as_deref())
        .bind(image.size)
        .bind(image.virtual_size)
        .bind(image.status.as_str())
        .bind(image.visibility.as_str())
        .bind(image.checksum.as_deref())
        .bind(image.os_hash_algo.as_deref())
        .bind(image.os_hash_value.as_deref())
        .bind(image.owner.as_deref())
        .bind(image.min_disk)
        .bind(image.min_ram)
        .bind(i16::from(image.protected))
        .bind(i16::from(image.os_hidden))
        .bind(image.created_at.to_stored())
        .bind(image.updated_at.to_stored())
        .execute(&mut *tx)
        .await?;
        write_properties(&mut tx, &image.id, &image.properties).await?;
        write_tags(&mut tx, &image.id, &image.tags, image.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One image (deleted ones included) with its properties.
    pub async fn get_image(&self, id: &ImageId) -> Result<Option<Image>, DbError> {
        let sql = format!("SELECT {IMAGE_COLUMNS} FROM images i WHERE i.id = $1");
        let Some(row) = sqlx::query(AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let mut image = image_from_row(&row)?;
        let attributes = self
            .attributes_of(std::slice::from_ref(&image.id))
            .await?
            .remove(&image.id)
            .unwrap_or_default();
        image.properties = attributes.properties;
        image.tags = attributes.tags;
        Ok(Some(image))
    }

    /// Properties and tags of several images, in one query (one round trip to the database
    /// per list page or image, not two; BENCHMARKS.md). Each image's tags come sorted.
    pub(crate) async fn attributes_of(
        &self,
        ids: &[ImageId],
    ) -> Result<HashMap<ImageId, Attributes>, DbError> {
        let mut out: HashMap<ImageId, Attributes> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let texts: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        let mut b = SqlBuilder::new(
            "SELECT image_id, 'p' AS kind, name, value FROM image_properties WHERE image_id IN (",
        );
        b.push_text_list(&texts).push(
            ") UNION ALL SELECT image_id, 't' AS kind, value AS name, NULL AS value \
             FROM image_tags WHERE image_id IN (",
        );
        b.push_text_list(&texts)
            .push(") ORDER BY kind, image_id, name");
        let rows: Vec<AnyRow> = b.query()?.fetch_all(&self.pool).await?;
        for row in rows {
            let id: String = row.try_get("image_id")?;
            let kind: String = row.try_get("kind")?;
            let name: String = row.try_get("name")?;
            let attributes = out.entry(ImageId::from_stored(id)).or_default();
            if kind == "t" {
                attributes.tags.push(name);
            } else {
                attributes.properties.insert(name, row.try_get("value")?);
            }
        }
        Ok(out)
    }

    /// Writes every mutable metadata column of `image`; when `expected` is given, only if the
    /// stored status and `updated_at` still are those (returns whether a row changed): the
    /// compare-and-set of an optimistic read-modify-write. Properties and tags are replaced.
    pub async fn update_image(
        &self,
        image: &Image,
        expected: Option<(ImageStatus, Timestamp)>,
    ) -> Result<bool, DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let mut b = SqlBuilder::new("UPDATE images SET name = ");
        b.push_bind(text(&image.name))
            .push(", disk_format = ")
            .push_bind(text(&image.disk_format))
            .push(", container_format = ")
            .push_bind(text(&image.container_format))
            .push(", size = ")
            .push_bind(int(image.size))
            .push(", virtual_size = ")
            .push_bind(int(image.virtual_size))
            .push(", status = ")
            .push_bind(Bind::Text(image.status.as_str().into()))
            .push(", visibility = ")
            .push_bind(Bind::Text(image.visibility.as_str().into()))
            .push(", checksum = ")
            .push_bind(text(&image.checksum))
            .push(", owner = ")
            .push_bind(text(&image.owner))
            .push(", min_disk = ")
            .push_bind(Bind::Int(image.min_disk))
            .push(", min_ram = ")
            .push_bind(Bind::Int(image.min_ram))
            .push(", protected = ")
            .push_bind(Bind::Flag(image.protected))
            .push(", os_hidden = ")
            .push_bind(Bind::Flag(image.os_hidden))
            .push(", updated_at = ")
            .push_bind(Bind::Text(image.updated_at.to_stored()))
            .push(" WHERE id = ")
            .push_bind(Bind::Text(image.id.as_str().into()))
            .push(" AND deleted = 0");
        if let Some((status, updated_at)) = expected {
            b.push(" AND status = ")
                .push_bind(Bind::Text(status.as_str().into()))
                .push(" AND updated_at = ")
                .push_bind(Bind::Text(updated_at.to_stored()));
        }
        let changed = b.query()?.execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM image_properties WHERE image_id = $1")
            .bind(image.id.as_str())
            .execute(&mut *tx)
            .await?;
        write_properties(&mut tx, &image.id, &image.properties).await?;
        sqlx::query("DELETE FROM image_tags WHERE image_id = $1")
            .bind(image.id.as_str())
            .execute(&mut *tx)
            .await?;
        write_tags(&mut tx, &image.id, &image.tags, image.updated_at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Moves an image from one of `from` to `to`; false when its status was none of them.
    pub async fn transition_status(
        &self,
        id: &ImageId,
        from: &[ImageStatus],
        to: ImageStatus,
        now: Timestamp,
    ) -> Result<bool, DbError> {
        let mut b = SqlBuilder::new("UPDATE images SET status = ");
        b.push_bind(Bind::Text(to.as_str().into()))
            .push(", updated_at = ")
            .push_bind(Bind::Text(now.to_stored()))
            .push(" WHERE id = ")
            .push_bind(Bind::Text(id.as_str().into()))
            .push(" AND deleted = 0 AND status IN (");
        let from: Vec<String> = from.iter().map(|s| s.as_str().to_owned()).collect();
        b.push_text_list(&from).push(")");
        let _turn = self.writes.turn().await;
        let changed = b.query()?.execute(&self.pool).await?.rows_affected();
        Ok(changed > 0)
    }

    /// Records stored data and makes the image `active` in one transaction — only if it is still
    /// `saving` under the upload lease of `data.location` (an image deleted or killed meanwhile,
    /// or whose abandoned upload a scrub took over, stays as it is; returns false). The lease is
    /// released in the same transaction: size, checksums, status, location and the end of the
    /// upload are committed together or not at all.
    pub async fn complete_upload(
        &self,
        id: &ImageId,
        data: &UploadedData,
        now: Timestamp,
    ) -> Result<bool, DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE images SET status = 'active', size = $1, checksum = $2, os_hash_algo = $3, \
             os_hash_value = $4, updated_at = $5, virtual_size = COALESCE($7, virtual_size) \
             WHERE id = $6 AND deleted = 0 AND status = 'saving' AND EXISTS (SELECT 1 FROM \
             image_uploads u WHERE u.image_id = $6 AND u.blob_key = $8)",
        )
        .bind(data.size)
        .bind(data.checksum.as_str())
        .bind(data.os_hash_algo.as_str())
        .bind(data.os_hash_value.as_str())
        .bind(now.to_stored())
        .bind(id.as_str())
        .bind(data.virtual_size)
        .bind(data.location.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM image_uploads WHERE image_id = $1 AND blob_key = $2")
            .bind(id.as_str())
            .bind(data.location.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO image_locations (id, image_id, value, status, created_at, updated_at) \
             VALUES ($1, $2, $3, 'active', $4, $4)",
        )
        .bind(ImageId::generate().as_str().to_owned())
        .bind(id.as_str())
        .bind(data.location.as_str())
        .bind(now.to_stored())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Soft-deletes an image: status `deleted`, `deleted = 1`, its locations marked deleted and
    /// its memberships removed, in one transaction. With `expected`, only if the stored status
    /// and `updated_at` still are those (the caller decided on that record: its location is the
    /// blob to discard, its `protected` flag was checked). False when it was already deleted or
    /// (with `expected`) changed meanwhile.
    pub async fn soft_delete_image(
        &self,
        id: &ImageId,
        now: Timestamp,
        expected: Option<(ImageStatus, Timestamp)>,
    ) -> Result<bool, DbError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let mut b =
            SqlBuilder::new("UPDATE images SET status = 'deleted', deleted = 1, deleted_at = ");
        b.push_bind(Bind::Text(now.to_stored()))
            .push(", updated_at = ")
            .push_bind(Bind::Text(now.to_stored()))
            .push(" WHERE id = ")
            .push_bind(Bind::Text(id.as_str().into()))
            .push(" AND deleted = 0");
        if let Some((status, updated_at)) = expected {
            b.push(" AND status = ")
                .push_bind(Bind::Text(status.as_str().into()))
                .push(" AND updated_at = ")
                .push_bind(Bind::Text(updated_at.to_stored()));
        }
        let changed = b.query()?.execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        tx.execute(
            sqlx::query(
                "UPDATE image_locations SET status = 'deleted', updated_at = $1 WHERE image_id = $2",
            )
            .bind(now.to_stored())
            .bind(id.as_str()),
        )
        .await?;
        tx.execute(sqlx::query("DELETE FROM image_members WHERE image_id = $1").bind(id.as_str()))
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn text(value: &Option<String>) -> Bind {
    Bind::OptText(value.clone())
}

fn int(value: Option<i64>) -> Bind {
    Bind::OptInt(value)
}

async fn write_properties(
    tx: &mut sqlx::Transaction<'_, Any>,
    id: &ImageId,
    properties: &BTreeMap<String, String>,
) -> Result<(), DbError> {
    for (name, value) in properties {
        sqlx::query("INSERT INTO image_properties (image_id, name, value) VALUES ($1, $2, $3)")
            .bind(id.as_str())
            .bind(name.as_str())
            .bind(value.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn write_tags(
    tx: &mut sqlx::Transaction<'_, Any>,
    id: &ImageId,
    tags: &[String],
    now: Timestamp,
) -> Result<(), DbError> {
    for tag in tags {
        sqlx::query("INSERT INTO image_tags (image_id, value, created_at) VALUES ($1, $2, $3)")
            .bind(id.as_str())
            .bind(tag.as_str())
            .bind(now.to_stored())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
