//! Finding an image on behalf of a caller, with Glance's visibility rules (v1-sharing §3.4, §6.4).

use crate::{Glint, ServiceError};
use glint_core::policy::can_see_image;
use glint_core::{Image, ImageId, ImageStatus, Membership, RequestContext};

/// An image the caller can see, with the caller's own membership on it (if any).
#[derive(Debug, Clone)]
pub(crate) struct Visible {
    pub image: Image,
    pub own: Option<Membership>,
}

impl Glint {
    /// Loads `raw_id` if `ctx` may see it. Ids are matched exactly as stored, as Glance does on
    /// SQLite and PostgreSQL: another spelling of an existing id (upper case, without hyphens,
    /// braces) is not that image (404), and ids longer than 36 characters are not looked up.
    /// Admins see deleted images; others get 404 for them.
    pub(crate) async fn find_visible(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<Visible, ServiceError> {
        let not_found = || ServiceError::ImageNotFound(raw_id.to_owned());
        let id = ImageId::lookup(raw_id).ok_or_else(not_found)?;
        let image = self.db.get_image(&id).await?.ok_or_else(not_found)?;
        let own = match ctx.owner() {
            // Only shared images of others need the membership to decide visibility, but
            // sharing rights need it for every image the caller does not own.
            Some(owner) if !image.is_owned_by(Some(owner)) => {
                self.db.get_member(&image.id, owner).await?
            }
            _ => None,
        };
        if !can_see_image(ctx, &image, own.is_some()) {
            return Err(not_found());
        }
        Ok(Visible { image, own })
    }

    /// The lookup every membership call starts with (v1-sharing §3.4, DECISIONS D13): deleted
    /// images are 404 for everybody; admins are told they were deleted.
    pub(crate) async fn find_for_members(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<Visible, ServiceError> {
        let found = self.find_visible(ctx, raw_id).await?;
        if found.image.deleted
            || matches!(
                found.image.status,
                ImageStatus::Deleted | ImageStatus::PendingDelete
            )
        {
            return Err(ServiceError::ImageDeleted(raw_id.to_owned()));
        }
        Ok(found)
    }
}
