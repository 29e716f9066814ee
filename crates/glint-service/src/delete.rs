//! Deleting an image: soft delete of the record and its memberships, then the bytes.

use crate::update::{OPTIMISTIC_ATTEMPTS, changed_concurrently, ensure_mutable};
use crate::{Glint, ServiceError, ensure_writable};
use glint_core::policy::Action;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageStatus, RequestContext};

impl Glint {
    /// Deletes image `raw_id` (v1-images §5.6): protected → 403, pending_delete → 403, already
    /// deleted (admin view) → 404, others' public images → 403, others' shared images → 404.
    pub async fn delete_image(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<(), ServiceError> {
        ensure_writable(ctx)?;
        self.authorize(ctx, Action::DeleteImage)?;
        // Checked and deleted with a compare-and-set on the record read: an upload finishing
        // or a metadata change in between makes it re-read and decide again, so that the blob
        // discarded is the one the deleted record pointed to (none is left behind) and a
        // `protected` set meanwhile is honoured.
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let image = self.find_visible(ctx, raw_id).await?.image;
            if image.protected {
                return Err(ServiceError::Forbidden("Image is protected".into()));
            }
            if image.status == ImageStatus::PendingDelete {
                return Err(ServiceError::Forbidden(
                    "Forbidden to delete a pending_delete image.".into(),
                ));
            }
            if image.deleted || image.status == ImageStatus::Deleted {
                return Err(ServiceError::NotFound(format!(
                    "Image {} not found.",
                    image.id
                )));
            }
            ensure_mutable(ctx, &image, raw_id, "delete")?;
            if self.delete_if_unchanged(&image).await? {
                return Ok(());
            }
        }
        Err(changed_concurrently(raw_id))
    }

    /// Soft-deletes `image` if its record is still as it was read (status and `updated_at`),
    /// then discards its bytes; `false` when another writer changed it first, so the caller
    /// re-reads and decides again (v1 and v2 deletes).
    pub(crate) async fn delete_if_unchanged(&self, image: &Image) -> Result<bool, ServiceError> {
        let expected = Some((image.status, image.updated_at));
        if !self
            .db
            .soft_delete_image(&image.id, Timestamp::now(), expected)
            .await?
        {
            return Ok(false);
        }
        // The record is gone for everybody once committed; the bytes follow. A failure here
        // leaves an unreferenced blob that the store scrub removes.
        if let Some(key) = &image.location {
            self.discard_blob(key).await;
        }
        Ok(true)
    }
}
