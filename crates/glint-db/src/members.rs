//! Image memberships: reads, and a transaction that serialises every change to one image's
//! membership list on both back ends.

use crate::error::DbError;
use crate::pool::Db;
use crate::rows::{IMAGE_COLUMNS, MEMBER_COLUMNS, image_from_row, membership_from_row};
use crate::sql::SqlBuilder;
use crate::write_gate::WriteTurn;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, MemberId, MemberStatus, Membership};
use sqlx::AssertSqlSafe;
use sqlx::{Any, Row, Transaction};

impl Db {
    /// Live memberships of an image in creation order.
    pub async fn list_members(&self, image: &ImageId) -> Result<Vec<Membership>, DbError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM image_members m WHERE m.image_id = $1 \
             ORDER BY m.position, m.member"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(image.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(membership_from_row).collect()
    }

    /// The membership of `member` on `image`, if any.
    pub async fn get_member(
        &self,
        image: &ImageId,
        member: &str,
    ) -> Result<Option<Membership>, DbError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM image_members m WHERE m.image_id = $1 AND m.member = $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(image.as_str())
            .bind(member)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(membership_from_row).transpose()
    }

    /// Every live membership of `member` on a non-deleted image, with that image, in creation
    /// order (for `/v1/shared-images/{member}`).
    pub async fn memberships_of(&self, member: &str) -> Result<Vec<(Membership, Image)>, DbError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, {IMAGE_COLUMNS}, m.status AS member_status, \
             m.created_at AS member_created_at, m.updated_at AS member_updated_at \
             FROM image_members m JOIN images i ON i.id = m.image_id \
             WHERE m.member = $1 AND i.deleted = 0 ORDER BY m.created_at, m.image_id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(member)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let image = image_from_row(row)?;
                let membership = Membership {
                    image_id: image.id.clone(),
                    member: MemberId::from_stored(row.try_get("member")?),
                    can_share: row.try_get::<i64, _>("can_share")? != 0,
                    status: MemberStatus::parse(&row.try_get::<String, _>("member_status")?)
                        .ok_or_else(|| DbError::Corrupt("bad member status".into()))?,
                    created_at: stored_time(&row.try_get::<String, _>("member_created_at")?)?,
                    updated_at: stored_time(&row.try_get::<String, _>("member_updated_at")?)?,
                };
                Ok((membership, image))
            })
            .collect()
    }

    /// The images among `images` on which `member` holds `can_share` (one query).
    pub async fn sharing_rights_of(
        &self,
        member: &str,
        images: &[ImageId],
    ) -> Result<Vec<ImageId>, DbError> {
        if images.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = SqlBuilder::new(
            "SELECT image_id FROM image_members WHERE can_share <> 0 AND member = ",
        );
        b.push_bind(crate::sql::Bind::Text(member.to_owned()))
            .push(" AND image_id IN (");
        let ids: Vec<String> = images.iter().map(|i| i.as_str().to_owned()).collect();
        b.push_text_list(&ids).push(")");
        let rows = b.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(ImageId::from_stored(r.try_get("image_id")?)))
            .collect()
    }

    /// Starts a change to `image`'s membership list. The first statement writes the image row,
    /// which takes PostgreSQL's row lock and SQLite's write lock up front: concurrent changes to
    /// one image's members run one after another, so read-then-write logic (quota, replace) sees
    /// a stable list. Returns `None` when the image does not exist or is deleted.
    pub async fn begin_membership_change(
        &self,
        image: &ImageId,
    ) -> Result<Option<MembershipTx>, DbError> {
        let (turn, mut tx) = self.begin_write().await?;
        let locked = sqlx::query("UPDATE images SET id = id WHERE id = $1 AND deleted = 0")
            .bind(image.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if locked == 0 {
            return Ok(None);
        }
        Ok(Some(MembershipTx {
            tx,
            _turn: turn,
            image: image.clone(),
        }))
    }
}

fn stored_time(raw: &str) -> Result<Timestamp, DbError> {
    Timestamp::parse_stored(raw).ok_or_else(|| DbError::Corrupt(format!("bad timestamp {raw:?}")))
}

/// An open transaction holding the lock on one image's membership list.
pub struct MembershipTx {
    tx: Transaction<'static, Any>,
    /// Declared after `tx`, so dropped after it: the turn outlives the transaction.
    _turn: WriteTurn,
    image: ImageId,
}

impl MembershipTx {
    /// The image's live memberships in creation order, as seen inside the transaction.
    pub async fn members(&mut self) -> Result<Vec<Membership>, DbError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM image_members m WHERE m.image_id = $1 \
             ORDER BY m.position, m.member"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(self.image.as_str())
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(membership_from_row).collect()
    }

    /// How many live memberships the image has, as seen inside the transaction (the member
    /// quota needs the number, not 100 decoded rows).
    pub async fn count(&mut self) -> Result<u64, DbError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM image_members WHERE image_id = $1")
            .bind(self.image.as_str())
            .fetch_one(&mut *self.tx)
            .await?;
        let n: i64 = row.try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The live membership of `member`, as seen inside the transaction.
    pub async fn get(&mut self, member: &str) -> Result<Option<Membership>, DbError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM image_members m WHERE m.image_id = $1 AND m.member = $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(self.image.as_str())
            .bind(member)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(membership_from_row).transpose()
    }

    /// Adds a membership at the end of the list. A member removed earlier gets its first
    /// `created_at` back (Glance revives the soft-deleted row; v2-sharing §10 Q2).
    pub async fn insert(
        &mut self,
        member: &MemberId,
        can_share: bool,
        status: MemberStatus,
        now: Timestamp,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO image_members (image_id, member, can_share, status, position, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM \
             image_members WHERE image_id = $1), COALESCE((SELECT r.created_at FROM \
             image_members_removed r WHERE r.image_id = $1 AND r.member = $2), $5), $5)",
        )
        .bind(self.image.as_str())
        .bind(member.as_str())
        .bind(i16::from(can_share))
        .bind(status.as_str())
        .bind(now.to_stored())
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("DELETE FROM image_members_removed WHERE image_id = $1 AND member = $2")
            .bind(self.image.as_str())
            .bind(member.as_str())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Changes `can_share` and/or `status` of an existing membership.
    pub async fn update(
        &mut self,
        member: &MemberId,
        can_share: Option<bool>,
        status: Option<MemberStatus>,
        now: Timestamp,
    ) -> Result<bool, DbError> {
        let changed = sqlx::query(
            "UPDATE image_members SET can_share = COALESCE($1, can_share), \
             status = COALESCE($2, status), updated_at = $3 WHERE image_id = $4 AND member = $5",
        )
        .bind(can_share.map(i16::from))
        .bind(status.map(|s| s.as_str()))
        .bind(now.to_stored())
        .bind(self.image.as_str())
        .bind(member.as_str())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(changed > 0)
    }

    /// Removes a membership, remembering its creation time; false when there was none.
    pub async fn delete(&mut self, member: &MemberId) -> Result<bool, DbError> {
        // A live row and a remembered time never coexist (insert clears the time), but keep
        // this idempotent rather than rely on it.
        sqlx::query(
            "DELETE FROM image_members_removed WHERE image_id = $1 AND member = $2 AND EXISTS \
             (SELECT 1 FROM image_members m WHERE m.image_id = $1 AND m.member = $2)",
        )
        .bind(self.image.as_str())
        .bind(member.as_str())
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO image_members_removed (image_id, member, created_at) SELECT image_id, \
             member, created_at FROM image_members WHERE image_id = $1 AND member = $2",
        )
        .bind(self.image.as_str())
        .bind(member.as_str())
        .execute(&mut *self.tx)
        .await?;
        let changed = sqlx::query("DELETE FROM image_members WHERE image_id = $1 AND member = $2")
            .bind(self.image.as_str())
            .bind(member.as_str())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        Ok(changed > 0)
    }

    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
