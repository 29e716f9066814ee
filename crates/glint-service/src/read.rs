//! Reading images: show one, download its data, list.

use crate::{Glint, ServiceError};
use futures::StreamExt;
use glint_core::list::ImageListQuery;
use glint_core::policy::Action;
use glint_core::{Image, ImageId, ImageStatus, RequestContext};
use glint_store::{BlobStream, StoreError};
use std::ops::Range;

/// An image and a stream of (part of) its bytes.
pub struct Download {
    pub image: Image,
    pub body: BlobStream,
}

impl Glint {
    /// One image the caller may see (admins: deleted ones too).
    pub async fn show_image(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<Image, ServiceError> {
        self.authorize(ctx, Action::GetImage)?;
        Ok(self.find_visible(ctx, raw_id).await?.image)
    }

    /// The data of an active image (v1-images §5.4): deactivated → 403, other statuses → 404.
    pub async fn download(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        range: Option<Range<u64>>,
    ) -> Result<Download, ServiceError> {
        let image = self.show_image(ctx, raw_id).await?;
        match image.status {
            ImageStatus::Active => {}
            ImageStatus::Deactivated => {
                return Err(ServiceError::Forbidden(format!(
                    "Image {} is deactivated",
                    image.id
                )));
            }
            _ => {
                return Err(ServiceError::ImageNotActive(image.id.to_string()));
            }
        }
        self.authorize(ctx, Action::DownloadImage)?;
        let body = match (&image.location, image.size) {
            // Exactly `size` bytes or an error: never a short body under a full Content-Length.
            (Some(key), Some(size)) if size > 0 => {
                let size = u64::try_from(size).unwrap_or(0);
                self.store
                    .get_exact(key, size, range)
                    .await
                    .map_err(|err| download_error(&image.id, err))?
            }
            _ => futures::stream::empty().boxed(),
        };
        Ok(Download { image, body })
    }

    /// A page of images the caller may list. The marker must be an image the caller can see.
    pub async fn list_images(
        &self,
        ctx: &RequestContext,
        query: &ImageListQuery,
    ) -> Result<Vec<Image>, ServiceError> {
        self.authorize(ctx, Action::GetImages)?;
        let marker = match &query.marker {
            Some(id) => match self.find_visible(ctx, id.as_str()).await {
                Ok(found) => Some(found.image),
                Err(ServiceError::ImageNotFound(_)) => {
                    return Err(ServiceError::InvalidMarker);
                }
                Err(other) => return Err(other),
            },
            None => None,
        };
        Ok(self.db.list_images(query, marker.as_ref()).await?)
    }
}

/// A store that fails a download is a clean error, never a 500: data missing from the store is
/// 404 (Glance maps glance_store `NotFound` to `HTTPNotFound`), anything else 503.
pub(crate) fn download_error(id: &ImageId, err: StoreError) -> ServiceError {
    match err {
        StoreError::NotFound => {
            tracing::error!(image = %id, "the data of an active image is missing from the store");
            ServiceError::NotFound(format!("Image data for image {id} not found in the store."))
        }
        other => ServiceError::Unavailable(format!("reading the data of image {id}: {other}")),
    }
}
