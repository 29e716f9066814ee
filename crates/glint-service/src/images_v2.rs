//! Images v2 use cases: the same records, store and state machine as v1, with v2's lookup (a
//! deleted image is gone for everybody) and its secure-RBAC rules (DECISIONS D16).
//!
//! Glance's order of checks for an image call: the read-only guard, the image lookup (404 when
//! the caller cannot see it: `ImageRepo.get`, then policy `get_image`), then the call's own rule
//! (403 `You are not authorized to complete <rule> action.`), then state checks.

use crate::create::NewImage;
use crate::read::Download;
use crate::update::{OPTIMISTIC_ATTEMPTS, changed_concurrently, next_updated_at};
use crate::upload::UploadCheck;
use crate::{Glint, ServiceError, ensure_writable};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use glint_core::list::ImageListQuery;
use glint_core::policy::Api;
use glint_core::policy::rbac::{Rule, Target};
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageStatus, RequestContext, Visibility};
use std::fmt::Display;
use std::ops::Range;

/// An image the caller may see through v2, and whether it holds a membership on it.
struct SeenV2 {
    image: Image,
    is_member: bool,
}

/// Glance's `image_tag_quota` default.
pub const IMAGE_TAG_QUOTA: usize = 128;

impl Glint {
    /// `POST /v2/images`: `add_image` for the owner the image would get (a non-admin naming
    /// another owner is refused), `publicize_image` / `communitize_image` for those
    /// visibilities, then the property and tag quotas.
    pub async fn v2_create_image(
        &self,
        ctx: &RequestContext,
        new: NewImage,
    ) -> Result<Image, ServiceError> {
        ensure_writable(ctx)?;
        let owner = match &new.owner {
            Some(requested) => requested.clone(),
            None => ctx.owner().map(str::to_owned),
        };
        self.require(ctx, Rule::AddImage, &Target::new_image(ctx.owner()))?;
        if !ctx.is_admin && owner.as_deref() != ctx.owner() {
            // Glance `ImageAPIPolicy.add_image`: only admins create images for others.
            return Err(ServiceError::ForbiddenDetail(format!(
                "You are not permitted to create images owned by '{}'",
                owner.as_deref().unwrap_or("None")
            )));
        }
        match new.visibility {
            Some(Visibility::Public) => {
                self.require(
                    ctx,
                    Rule::PublicizeImage,
                    &Target::new_image(owner.as_deref()),
                )?;
            }
            Some(Visibility::Community) => {
                self.require(
                    ctx,
                    Rule::CommunitizeImage,
                    &Target::new_image(owner.as_deref()),
                )?;
            }
            _ => {}
        }
        self.check_tag_quota(new.tags.len())?;
        // The owner was authorised above; `create_image` honours it for admins only, so pass
        // the resolved value through an admin-equivalent path.
        let mut new = new;
        new.owner = Some(owner);
        self.create_image_unchecked(ctx, new, false).await
    }

    /// `GET /v2/images/{id}`.
    pub async fn v2_show_image(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<Image, ServiceError> {
        Ok(self.find_v2(ctx, raw_id).await?.image)
    }

    /// `GET /v2/images`: policy `get_images`, then the page, each image re-checked against
    /// `get_image` (Glance `ImagesController.index`). The marker must be an image the caller can
    /// see (else 400 `marker not found`, as Glance's `InvalidMarker` … `NotFound`).
    pub async fn v2_list_images(
        &self,
        ctx: &RequestContext,
        query: &ImageListQuery,
    ) -> Result<Vec<Image>, ServiceError> {
        self.require(ctx, Rule::GetImages, &Target::new_image(ctx.owner()))?;
        let marker = match &query.marker {
            Some(id) => match self.find_v2(ctx, id.as_str()).await {
                Ok(seen) => Some(seen.image),
                Err(ServiceError::ImageNotFound(_)) => {
                    // Glance: a marker that exists but is not the caller's to see is 403.
                    let exists = self.db.get_image(id).await?.is_some_and(|i| !i.deleted);
                    return Err(if exists {
                        ServiceError::Forbidden(format!(
                            "Forbidding request, image {} not visible",
                            id.as_str()
                        ))
                    } else {
                        ServiceError::BadRequest(format!("No image found with ID {}", id.as_str()))
                    });
                }
                Err(other) => return Err(other),
            },
            None => None,
        };
        let images = self.db.list_images(query, marker.as_ref()).await?;
        // Membership does not change what `get_image` allows on a listed image: every listed
        // image is the caller's, public/community, or a shared image it is a member of.
        Ok(images
            .into_iter()
            .filter(|image| {
                let target = Target::of_image(ctx, image, image.visibility == Visibility::Shared);
                self.allows(ctx, Rule::GetImage, &target)
            })
            .collect())
    }

    /// `PATCH /v2/images/{id}`: `changes` builds the new record from the current one (the JSON
    /// patch, applied by the adapter). Rules, in Glance's order: `publicize_image` /
    /// `communitize_image` when a change asks for that visibility, then `modify_image`; an
    /// empty patch checks nothing and changes nothing. A write that loses an optimistic race
    /// re-reads the image and runs the checks and the patch again (no lost update).
    pub async fn v2_update_image<F>(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        requested_visibility: Option<Visibility>,
        has_changes: bool,
        changes: F,
    ) -> Result<Image, ServiceError>
    where
        F: Fn(&Image) -> Result<Image, ServiceError>,
    {
        ensure_writable(ctx)?;
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let seen = self.find_v2(ctx, raw_id).await?;
            if !has_changes {
                return Ok(seen.image);
            }
            let target = Target::of_image(ctx, &seen.image, seen.is_member);
            match requested_visibility {
                Some(Visibility::Public) => self.require(ctx, Rule::PublicizeImage, &target)?,
                Some(Visibility::Community) => {
                    self.require(ctx, Rule::CommunitizeImage, &target)?
                }
                _ => {}
            }
            self.require(ctx, Rule::ModifyImage, &target)?;
            let current = seen.image;
            let mut updated = changes(&current)?;
            if updated.owner != current.owner && !ctx.is_admin {
                return Err(ServiceError::ForbiddenDetail(
                    "Owner can't be updated by non admin.".into(),
                ));
            }
            self.check_property_quota(updated.properties.len())?;
            self.check_tag_quota(updated.tags.len())?;
            updated.id = current.id.clone();
            updated.updated_at = next_updated_at(&current);
            if self.save_if_unchanged(&current, &updated).await? {
                return Ok(updated);
            }
        }
        Err(changed_concurrently(raw_id))
    }

    /// `PUT /v2/images/{id}/tags/{tag}` (idempotent) and `DELETE …/tags/{tag}` (404 when the
    /// tag is absent: Glance `Tag <tag> not found`). Both need `modify_image`; retried like
    /// [`Glint::v2_update_image`].
    pub async fn v2_set_tag(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        tag: &str,
        present: bool,
    ) -> Result<(), ServiceError> {
        ensure_writable(ctx)?;
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let seen = self.find_v2(ctx, raw_id).await?;
            self.require(
                ctx,
                Rule::ModifyImage,
                &Target::of_image(ctx, &seen.image, seen.is_member),
            )?;
            let current = seen.image;
            let mut updated = current.clone();
            let has = current.tags.iter().any(|t| t == tag);
            match (present, has) {
                (true, true) => return Ok(()),
                (true, false) => {
                    updated.tags.push(tag.to_owned());
                    self.check_tag_quota(updated.tags.len())?;
                }
                (false, true) => updated.tags.retain(|t| t != tag),
                // Glance answers a bare 404 here.
                (false, false) => return Err(ServiceError::TagNotFound),
            }
            updated.updated_at = next_updated_at(&current);
            if self.save_if_unchanged(&current, &updated).await? {
                return Ok(());
            }
        }
        Err(changed_concurrently(raw_id))
    }

    /// `DELETE /v2/images/{id}`: `delete_image`, then protected (403), then the soft delete and
    /// the blob — with a compare-and-set on the record read, re-read on a lost race (as
    /// [`Glint::delete_image`]).
    pub async fn v2_delete_image(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<(), ServiceError> {
        ensure_writable(ctx)?;
        let not_found =
            || ServiceError::NotFound(format!("Failed to find image {raw_id} to delete"));
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let seen = self.find_v2(ctx, raw_id).await.map_err(|err| match err {
                ServiceError::ImageNotFound(_) => not_found(),
                other => other,
            })?;
            self.require(
                ctx,
                Rule::DeleteImage,
                &Target::of_image(ctx, &seen.image, seen.is_member),
            )?;
            let image = seen.image;
            if image.protected {
                return Err(ServiceError::Forbidden(format!(
                    "Image {} is protected and cannot be deleted.",
                    image.id
                )));
            }
            if self.delete_if_unchanged(&image).await? {
                return Ok(());
            }
        }
        Err(changed_concurrently(raw_id))
    }

    /// `PUT /v2/images/{id}/file`: `upload_image`, then the status must be `queued` (Glance:
    /// 409 `Image status transition from <status> to saving is not allowed`). A failed upload
    /// puts the image back to `queued` (Glance `ImageDataController._restore`).
    pub async fn v2_upload<S, E>(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        body: S,
        declared_size: Option<i64>,
    ) -> Result<Image, ServiceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        ensure_writable(ctx)?;
        let seen = self.find_v2(ctx, raw_id).await?;
        self.require(
            ctx,
            Rule::UploadImage,
            &Target::of_image(ctx, &seen.image, seen.is_member),
        )?;
        let transition = |status: ImageStatus| {
            ServiceError::Conflict(format!(
                "Image status transition from {} to saving is not allowed",
                status.as_str()
            ))
        };
        if !seen.image.status.accepts_upload() {
            return Err(transition(seen.image.status));
        }
        let check = UploadCheck {
            size: declared_size,
            checksum: None,
            failure_status: ImageStatus::Queued,
            record_virtual_size: true,
        };
        match self.start_upload(seen.image.id, body, check).await {
            // The image left `queued` between the lookup and the transition.
            Err(ServiceError::UploadToUnqueuedImage) => Err(transition(ImageStatus::Saving)),
            other => other,
        }
    }

    /// `GET /v2/images/{id}/file`: deactivated → 403 for non-admins, `download_image`, no data
    /// → 204, a range outside the data → 416.
    pub async fn v2_download(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        range: Option<ByteRange>,
    ) -> Result<(Download, Option<Range<u64>>), ServiceError> {
        let seen = self.find_v2(ctx, raw_id).await?;
        let image = seen.image;
        if image.status == ImageStatus::Deactivated && !ctx.is_admin {
            return Err(ServiceError::Forbidden(
                "The requested image has been deactivated. Image data download is forbidden."
                    .into(),
            ));
        }
        self.require(
            ctx,
            Rule::DownloadImage,
            &Target::of_image(ctx, &image, seen.is_member),
        )?;
        let (Some(key), Some(size)) = (image.location.clone(), image.size) else {
            return Err(ServiceError::NoImageData);
        };
        let size = u64::try_from(size).unwrap_or(0);
        let range = match range {
            Some(range) => Some(
                range
                    .resolve(size)
                    .ok_or(ServiceError::RangeNotSatisfiable { size })?,
            ),
            None => None,
        };
        let body = if size == 0 {
            futures::stream::empty().boxed()
        } else {
            // Exactly the bytes announced, or an error (crash safety: never a short body).
            self.store
                .get_exact(&key, size, range.clone())
                .await
                .map_err(|err| crate::read::download_error(&image.id, err))?
        };
        Ok((Download { image, body }, range))
    }

    /// `POST /v2/images/{id}/actions/deactivate` (`deactivate`): active → deactivated;
    /// deactivated stays; other statuses → 403 (Glance `ImageActionsController`).
    pub async fn v2_deactivate(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<(), ServiceError> {
        self.v2_status_action(
            ctx,
            raw_id,
            Rule::Deactivate,
            ImageStatus::Active,
            ImageStatus::Deactivated,
        )
        .await
    }

    /// `POST /v2/images/{id}/actions/reactivate` (`reactivate`): deactivated → active.
    pub async fn v2_reactivate(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<(), ServiceError> {
        self.v2_status_action(
            ctx,
            raw_id,
            Rule::Reactivate,
            ImageStatus::Deactivated,
            ImageStatus::Active,
        )
        .await
    }

    async fn v2_status_action(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        rule: Rule,
        from: ImageStatus,
        to: ImageStatus,
    ) -> Result<(), ServiceError> {
        ensure_writable(ctx)?;
        // The status is read, checked and moved with a compare-and-set; a move that lost the
        // race re-reads and decides again on the new status (two concurrent deactivates both
        // succeed, as one after the other would; a delete in between makes it a 404).
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let seen = self.find_v2(ctx, raw_id).await?;
            self.require(
                ctx,
                rule,
                &Target::of_image(ctx, &seen.image, seen.is_member),
            )?;
            let status = seen.image.status;
            if status == to {
                return Ok(());
            }
            if status != from {
                return Err(ServiceError::Forbidden(format!(
                    "Not allowed to {} image in status '{}'",
                    rule.name(),
                    status.as_str()
                )));
            }
            if self
                .db
                .transition_status(&seen.image.id, &[from], to, Timestamp::now())
                .await?
            {
                return Ok(());
            }
        }
        Err(changed_concurrently(raw_id))
    }

    /// The v2 image lookup: `find_visible`, deleted images are gone for everybody (admins too:
    /// Glance `ImageRepo.get`), and `get_image` must allow the caller (else 404, to hide it).
    async fn find_v2(&self, ctx: &RequestContext, raw_id: &str) -> Result<SeenV2, ServiceError> {
        let found = self.find_visible(ctx, raw_id).await?;
        let image = found.image;
        let not_found = || ServiceError::ImageNotFound(raw_id.to_owned());
        if image.deleted
            || matches!(
                image.status,
                ImageStatus::Deleted | ImageStatus::PendingDelete
            )
        {
            return Err(not_found());
        }
        let is_member = found.own.is_some();
        if !self.allows(
            ctx,
            Rule::GetImage,
            &Target::of_image(ctx, &image, is_member),
        ) {
            return Err(not_found());
        }
        Ok(SeenV2 { image, is_member })
    }

    /// Does the configured policy's v2 `rule` allow the caller on `target`?
    fn allows(&self, ctx: &RequestContext, rule: Rule, target: &Target<'_>) -> bool {
        self.policy.allows(Api::V2, rule.name(), ctx, target)
    }

    /// Fails with [`ServiceError::RuleDenied`] unless `rule` allows the caller on `target`.
    fn require(
        &self,
        ctx: &RequestContext,
        rule: Rule,
        target: &Target<'_>,
    ) -> Result<(), ServiceError> {
        if self.allows(ctx, rule, target) {
            Ok(())
        } else {
            Err(ServiceError::RuleDenied(rule.name()))
        }
    }

    /// Glance `image_tag_quota` (413).
    fn check_tag_quota(&self, count: usize) -> Result<(), ServiceError> {
        if count > IMAGE_TAG_QUOTA {
            return Err(ServiceError::TooLarge(format!(
                "The limit has been exceeded on the number of allowed image tags. Attempted: \
                 {count}, Maximum: {IMAGE_TAG_QUOTA}"
            )));
        }
        Ok(())
    }
}

/// A single HTTP byte range as requested (`bytes=a-b`, `bytes=a-`, `bytes=-n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `first-last`, inclusive; `last` absent for `first-`.
    From { first: u64, last: Option<u64> },
    /// `-n`: the last n bytes.
    Suffix(u64),
}

impl ByteRange {
    /// The half-open range of a `size`-byte image this asks for, clamped as RFC 9110 says;
    /// `None` when it is unsatisfiable.
    pub fn resolve(self, size: u64) -> Option<Range<u64>> {
        match self {
            Self::From { first, last } => {
                if first >= size {
                    return None;
                }
                let end = last.map_or(size, |l| l.saturating_add(1).min(size));
                (end > first).then_some(first..end)
            }
            // `bytes=-0` is served whole, as Glance (WebOb) does.
            Self::Suffix(0) => (size > 0).then_some(0..size),
            Self::Suffix(n) => (size > 0).then(|| size.saturating_sub(n)..size),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ByteRange;

    #[test]
    fn ranges_resolve_as_rfc_9110() {
        let from = |first, last| ByteRange::From { first, last };
        assert_eq!(from(0, Some(9)).resolve(100), Some(0..10));
        assert_eq!(from(90, Some(200)).resolve(100), Some(90..100));
        assert_eq!(from(90, None).resolve(100), Some(90..100));
        assert_eq!(from(100, None).resolve(100), None);
        assert_eq!(from(5, Some(4)).resolve(100), None);
        assert_eq!(ByteRange::Suffix(10).resolve(100), Some(90..100));
        assert_eq!(ByteRange::Suffix(500).resolve(100), Some(0..100));
        assert_eq!(ByteRange::Suffix(0).resolve(100), Some(0..100));
    }
}
