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
    ///
    /// The write is optimistic (see [`Glint::save_if_unchanged`]); a write that lost the race
    /// to a concurrent change re-reads the image and runs every check and `change` again on the
    /// new record, so that concurrent updates behave as some serial order (no lost update).
    pub async fn update_image<F>(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        publicize: bool,
        change: F,
    ) -> Result<Image, ServiceError>
    where
        F: Fn(&Image) -> Result<Image, ServiceError>,
    {
        ensure_writable(ctx)?;
        self.authorize(ctx, Action::ModifyImage)?;
        if publicize {
            self.authorize(ctx, Action::PublicizeImage)?;
        }
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let image = self.find_visible(ctx, raw_id).await?.image;
            if image.deleted {
                return Err(ServiceError::Forbidden(
                    "Forbidden to update deleted image.".into(),
                ));
            }
            // v1-images §5.5: Glance's API checks the request against the record (status, id,
            // size and checksum changes, data for a non-queued image: 403/409) before the
            // registry refuses a caller that does not own the image.
            let mut updated = change(&image)?;
            ensure_mutable(ctx, &image, raw_id, "update")?;
            self.check_property_quota(updated.properties.len())?;
            updated.id = image.id.clone();
            updated.updated_at = next_updated_at(&image);
            if self.save_if_unchanged(&image, &updated).await? {
                return Ok(updated);
            }
        }
        Err(changed_concurrently(raw_id))
    }

    /// Writes `updated` if the stored image is still `current` (same status and `updated_at`;
    /// every write to an image row moves one of them): returns false when another request
    /// changed the image in between, and the caller should re-read and retry.
    pub(crate) async fn save_if_unchanged(
        &self,
        current: &Image,
        updated: &Image,
    ) -> Result<bool, ServiceError> {
        Ok(self
            .db
            .update_image(updated, Some((current.status, current.updated_at)))
            .await?)
    }
}

/// How many times an optimistic write re-reads and retries before it answers 409. Each lost
/// race means another request's write committed, so this only runs out under heavy contention.
pub(crate) const OPTIMISTIC_ATTEMPTS: usize = 32;

/// The 409 of a write that lost [`OPTIMISTIC_ATTEMPTS`] races in a row.
pub(crate) fn changed_concurrently(raw_id: &str) -> ServiceError {
    ServiceError::Conflict(format!(
        "Image {raw_id} was changed by another request; retry"
    ))
}

/// The `updated_at` of a metadata write on `image`: now, but always after the stored value, so
/// that the optimistic check of a concurrent writer that read the same record fails even when
/// both writes fall into the same microsecond.
pub(crate) fn next_updated_at(image: &Image) -> Timestamp {
    let now = Timestamp::now();
    if now > image.updated_at {
        now
    } else {
        image.updated_at.plus_micros(1)
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
