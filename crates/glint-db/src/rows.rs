//! Decoding stored rows into domain types.

use crate::error::DbError;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, ImageStatus, MemberId, MemberStatus, Membership, Visibility};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// The image columns in the order [`image_from_row`] reads them, qualified with alias `i`.
pub(crate) const IMAGE_COLUMNS: &str = "i.id, i.name, i.disk_format, i.container_format, i.size, \
    i.virtual_size, i.status, i.visibility, i.checksum, i.os_hash_algo, i.os_hash_value, i.owner, \
    i.min_disk, i.min_ram, i.protected, i.os_hidden, i.created_at, i.updated_at, i.deleted_at, \
    i.deleted, (SELECT l.value FROM image_locations l WHERE l.image_id = i.id \
    AND l.status = 'active' ORDER BY l.created_at DESC LIMIT 1) AS location";

pub(crate) const MEMBER_COLUMNS: &str =
    "m.image_id, m.member, m.can_share, m.status, m.created_at, m.updated_at";

fn timestamp(raw: &str) -> Result<Timestamp, DbError> {
    Timestamp::parse_stored(raw).ok_or_else(|| DbError::Corrupt(format!("bad timestamp {raw:?}")))
}

pub(crate) fn image_from_row(row: &AnyRow) -> Result<Image, DbError> {
    let status: String = row.try_get("status")?;
    let visibility: String = row.try_get("visibility")?;
    let created_at: String = row.try_get("created_at")?;
    let updated_at: String = row.try_get("updated_at")?;
    let deleted_at: Option<String> = row.try_get("deleted_at")?;
    Ok(Image {
        id: ImageId::from_stored(row.try_get("id")?),
        name: row.try_get("name")?,
        disk_format: row.try_get("disk_format")?,
        container_format: row.try_get("container_format")?,
        size: row.try_get("size")?,
        virtual_size: row.try_get("virtual_size")?,
        checksum: row.try_get("checksum")?,
        os_hash_algo: row.try_get("os_hash_algo")?,
        os_hash_value: row.try_get("os_hash_value")?,
        status: ImageStatus::parse(&status)
            .ok_or_else(|| DbError::Corrupt(format!("bad status {status:?}")))?,
        visibility: Visibility::parse(&visibility)
            .ok_or_else(|| DbError::Corrupt(format!("bad visibility {visibility:?}")))?,
        owner: row.try_get("owner")?,
        min_disk: row.try_get("min_disk")?,
        min_ram: row.try_get("min_ram")?,
        protected: row.try_get::<i64, _>("protected")? != 0,
        os_hidden: row.try_get::<i64, _>("os_hidden")? != 0,
        created_at: timestamp(&created_at)?,
        updated_at: timestamp(&updated_at)?,
        deleted_at: deleted_at.as_deref().map(timestamp).transpose()?,
        deleted: row.try_get::<i64, _>("deleted")? != 0,
        properties: BTreeMap::new(),
        tags: Vec::new(),
        location: row.try_get("location")?,
    })
}

pub(crate) fn membership_from_row(row: &AnyRow) -> Result<Membership, DbError> {
    let status: String = row.try_get("status")?;
    let created_at: String = row.try_get("created_at")?;
    let updated_at: String = row.try_get("updated_at")?;
    Ok(Membership {
        image_id: ImageId::from_stored(row.try_get("image_id")?),
        member: MemberId::from_stored(row.try_get("member")?),
        can_share: row.try_get::<i64, _>("can_share")? != 0,
        status: MemberStatus::parse(&status)
            .ok_or_else(|| DbError::Corrupt(format!("bad member status {status:?}")))?,
        created_at: timestamp(&created_at)?,
        updated_at: timestamp(&updated_at)?,
    })
}
