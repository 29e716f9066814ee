//! Creating an image record (reserve); data follows through [`Glint::upload`].

use crate::{Glint, ServiceError, ensure_writable};
use glint_core::policy::Action;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, ImageStatus, RequestContext, Visibility};
use glint_db::DbError;
use std::collections::BTreeMap;

/// A validated create request (both API versions map onto it).
#[derive(Debug, Clone, Default)]
pub struct NewImage {
    /// A client-chosen id; generated when absent.
    pub id: Option<ImageId>,
    pub name: Option<String>,
    pub disk_format: Option<String>,
    pub container_format: Option<String>,
    /// `None`: the column default, `shared` (v1 without `is_public`).
    pub visibility: Option<Visibility>,
    /// An owner asked for explicitly; honoured for admins only (v1-images §2.2).
    pub owner: Option<Option<String>>,
    /// A declared size. `Some(0)` without data makes the image `active` at once (v1).
    pub size: Option<i64>,
    pub virtual_size: Option<i64>,
    pub checksum: Option<String>,
    pub min_disk: i64,
    pub min_ram: i64,
    pub protected: bool,
    pub properties: BTreeMap<String, String>,
    /// v2 tags (distinct).
    pub tags: Vec<String>,
    /// v2 `os_hidden`.
    pub os_hidden: bool,
}

impl Glint {
    /// Reserves an image. Checks, in Glance's order: read-only guard, `add_image` and
    /// `publicize_image` policies, property quota; then the record is written.
    pub async fn create_image(
        &self,
        ctx: &RequestContext,
        mut new: NewImage,
        with_data: bool,
    ) -> Result<Image, ServiceError> {
        ensure_writable(ctx)?;
        self.authorize(ctx, Action::AddImage)?;
        if new.visibility == Some(Visibility::Public) {
            self.authorize(ctx, Action::PublicizeImage)?;
        }
        if with_data {
            self.authorize(ctx, Action::UploadImage)?;
        }
        let owner = match new.owner.take() {
            Some(requested) if ctx.is_admin => requested,
            _ => ctx.owner().map(str::to_owned),
        };
        new.owner = Some(owner);
        self.create_image_unchecked(ctx, new, with_data).await
    }

    /// Writes a new image whose creation the caller was authorised for; `new.owner` is the owner
    /// it gets (`None` inside: the caller's project).
    pub(crate) async fn create_image_unchecked(
        &self,
        ctx: &RequestContext,
        new: NewImage,
        with_data: bool,
    ) -> Result<Image, ServiceError> {
        self.check_property_quota(new.properties.len())?;
        let owner = match new.owner {
            Some(owner) => owner.filter(|o| !o.is_empty()),
            None => ctx.owner().map(str::to_owned),
        };
        let id = new.id.unwrap_or_else(ImageId::generate);
        let mut image = Image::new(id, owner, Timestamp::now());
        image.name = new.name;
        image.disk_format = new.disk_format;
        image.container_format = new.container_format;
        image.visibility = new.visibility.unwrap_or(Visibility::Shared);
        image.size = new.size;
        image.virtual_size = new.virtual_size;
        image.min_disk = new.min_disk;
        image.min_ram = new.min_ram;
        image.protected = new.protected;
        image.properties = new.properties;
        image.tags = new.tags;
        image.os_hidden = new.os_hidden;
        // A declared checksum is recorded at once (Glance `_reserve`); data uploaded later must
        // match it, and a successful upload replaces it with the computed one.
        image.checksum = new.checksum;
        if new.size == Some(0) && !with_data {
            // v1: reserving with `x-image-meta-size: 0` yields an active, empty image.
            image.status = ImageStatus::Active;
        }
        match self.db.insert_image(&image).await {
            Ok(()) => Ok(image),
            Err(DbError::Duplicate) => Err(ServiceError::DuplicateImageId(image.id.to_string())),
            Err(other) => Err(other.into()),
        }
    }

    /// Glance `image_property_quota`: 413 beyond the limit (negative = unlimited).
    pub(crate) fn check_property_quota(&self, count: usize) -> Result<(), ServiceError> {
        let quota = self.limits.image_property_quota;
        if quota >= 0 && count as i64 > quota {
            return Err(ServiceError::TooLarge(format!(
                "The limit has been exceeded on the number of allowed image properties. \
                 Attempted: {count}, Maximum: {quota}"
            )));
        }
        Ok(())
    }
}
