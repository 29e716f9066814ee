//! Changing an image's metadata. The API adapter supplies the change as a function of the
//! current record (v1 headers, v2 JSON patch); this module owns lookup, authorization and the
//! optimistic write.

use crate::{Glint, ServiceError, ensure_writable};
use glint_core::policy::{Action, Mutability, image_mutability};
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, RequestContext};

impl Glint {
    /// Applies `change` to image `raw_id`. `publicize`: the request asks to make the image public
    /// (policy `publicize_image`, checked up front as Glance does, whatever the current value).
    pub async fn update_image<F>(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        publicize: bool,
        change: F,
    ) -> Result<Image, ServiceError>
    where
        F: FnOnce(&Image) -> Result<Image, ServiceError>,
    {
        ensure_writable(ctx)?;
        self.authorize(ctx, Action::ModifyImage)?;
        if publicize {
            self.authorize(ctx, Action::PublicizeImage)?;
        }
        let image = self.find_visible(ctx, raw_id).await?.image;
        if image.deleted {
            return Err(ServiceError::Forbidden(
                "Forbidden to update deleted image.".into(),
            ));
        }
        ensure_mutable(ctx, &image, raw_id, "update")?;
        let mut updated = change(&image)?;
        self.check_property_quota(updated.properties.len())?;
        updated.id = image.id.clone();
        updated.updated_at = Timestamp::now();
        self.save_if_unchanged(&image, &updated).await?;
        Ok(updated)
    }

    /// Writes `updated` if the image's status is still that of `current`: the status moving
    /// in between (an upload finished, a delete ran) turns the write into a 409.
    pub(crate) async fn save_if_unchanged(
        &self,
        current: &Image,
        updated: &Image,
    ) -> Result<(), ServiceError> {
        if !self.db.update_image(updated, Some(current.status)).await? {
            return Err(ServiceError::Conflict(format!(
                "Image {} was changed by another request; retry",
                current.id
            )));
        }
        Ok(())
    }
}

/// Owners and admins may change an image; others get 403 for public/community images and 404
/// for the rest (DECISIONS D11).
pub(crate) fn ensure_mutable(
    ctx: &RequestContext,
    image: &Image,
    raw_id: &str,
    verb: &str,
) -> Result<(), ServiceError> {
    match image_mutability(ctx, image) {
        Mutability::Allowed => Ok(()),
        Mutability::Forbidden => Err(ServiceError::Forbidden(format!(
            "Forbidden to {verb} image: {}",
            image.id
        ))),
        Mutability::Hidden => Err(ServiceError::ImageNotFound(raw_id.to_owned())),
    }
}
