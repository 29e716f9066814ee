//! Uploading image data: `queued` → `saving` → `active`, or the failure status with no blob left.

use crate::leases::lease_end;
use crate::{Glint, ServiceError, ensure_writable, idle, quota};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use glint_core::disk_format::{HEAD_LEN, mismatch, virtual_size};
use glint_core::policy::Action;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, ImageStatus, RequestContext};
use glint_db::{UploadLease, UploadedData};
use glint_store::{StoreError, StoredBlob};
use std::fmt::Display;
use tokio_util::sync::CancellationToken;

/// What the client declared about the data, checked once it is stored, and what the image
/// becomes if the upload fails (v1: `killed`).
#[derive(Debug, Clone)]
pub struct UploadCheck {
    pub size: Option<i64>,
    pub checksum: Option<String>,
    pub failure_status: ImageStatus,
    /// Record the virtual size read from the data's head (v2, as Glance 33; v1 never did).
    pub record_virtual_size: bool,
}

impl Glint {
    /// Streams `body` into the store for image `raw_id` and activates it.
    ///
    /// The transfer runs in its own task, so an upload whose client vanishes still ends in a
    /// definite state (the failure status, partial blob removed) rather than stuck in `saving`.
    pub async fn upload<S, E>(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        body: S,
        check: UploadCheck,
    ) -> Result<Image, ServiceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        ensure_writable(ctx)?;
        self.authorize(ctx, Action::UploadImage)?;
        let image = self.find_visible(ctx, raw_id).await?.image;
        crate::update::ensure_mutable(ctx, &image, raw_id, "update")?;
        if image.deleted || !image.status.accepts_upload() {
            return Err(ServiceError::UploadToUnqueuedImage);
        }
        self.start_upload(image.id, body, check).await
    }

    /// Moves image `id` from `queued` to `saving` (else [`ServiceError::UploadToUnqueuedImage`])
    /// under an upload lease of this instance, and streams `body` into the store in a task of
    /// its own. The lease row names the blob before its first byte is written, so a scrub can
    /// always tell a live upload's blob from an orphan, and a dead process's upload from a live one.
    pub(crate) async fn start_upload<S, E>(
        &self,
        id: ImageId,
        body: S,
        check: UploadCheck,
    ) -> Result<Image, ServiceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        if self.uploads.abort.is_cancelled() {
            return Err(shutting_down());
        }
        let key = glint_store::image_blob_key(id.as_str(), ImageId::generate().as_str());
        let lease = UploadLease {
            image_id: id.clone(),
            blob_key: key.clone(),
            instance_id: self.uploads.instance_id.clone(),
            failure_status: check.failure_status,
            started_at: Timestamp::now(),
            expires_at: lease_end(self.scrub.lease),
        };
        if !self.db.begin_upload(&lease).await? {
            return Err(ServiceError::UploadToUnqueuedImage);
        }
        let this = self.clone();
        let running = self.uploads.track(&key);
        let task = tokio::spawn(async move {
            let _running = running;
            this.store_and_activate(id, key, body, check).await
        });
        task.await
            .map_err(|e| ServiceError::Internal(format!("upload task failed: {e}")))?
    }

    async fn store_and_activate<S, E>(
        &self,
        id: ImageId,
        key: String,
        body: S,
        check: UploadCheck,
    ) -> Result<Image, ServiceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let body = abortable(body, self.uploads.abort.clone());
        let cap = self.limits.image_size_cap;
        // The quota of the image's project, checked before any byte is stored (Glance
        // `check_quota` with the declared size), then enforced while the data streams in.
        let remaining = match self.upload_quota(&id, &check).await {
            Ok(remaining) => remaining,
            Err(err) => {
                self.fail_upload(&id, &key, failure_status(&err, &check))
                    .await;
                return Err(err);
            }
        };
        let limit = remaining.map_or(cap, |r| r.min(cap));
        // Keep the first bytes for the virtual size; the rest streams through untouched.
        let head = std::sync::Arc::new(std::sync::Mutex::new(Vec::with_capacity(HEAD_LEN)));
        let body = {
            let head = head.clone();
            body.map(move |chunk| {
                if let Ok(bytes) = &chunk
                    && let Ok(mut head) = head.lock()
                    && head.len() < HEAD_LEN
                {
                    let take = (HEAD_LEN - head.len()).min(bytes.len());
                    head.extend_from_slice(&bytes[..take]);
                }
                chunk
            })
        };
        let (body, idle) = idle::cut_off(body, self.limits.client_socket_timeout);
        let stored = match self.store.put_stream(&key, body, limit).await {
            Ok(stored) => stored,
            Err(err) => {
                if self.uploads.abort.is_cancelled() {
                    // Shutdown: the client's failure status (v1 `killed`, v2 `queued`).
                    self.fail_upload(&id, &key, check.failure_status).await;
                    return Err(shutting_down());
                }
                let err = match err {
                    // Whichever limit was the smaller one was hit.
                    StoreError::TooLarge { limit } if remaining == Some(limit) && limit < cap => {
                        ServiceError::StorageQuotaFull {
                            size: None,
                            remaining: limit,
                        }
                    }
                    StoreError::TooLarge { .. } => ServiceError::ImageTooLarge { cap },
                    StoreError::Body(_) if idle.fired() => ServiceError::ClientTimeout {
                        secs: self.limits.client_socket_timeout.as_secs(),
                    },
                    StoreError::Body(cause) => {
                        tracing::info!(image = %id, %cause, "upload body failed");
                        ServiceError::BadRequest(
                            "Client disconnected before sending all data to backend".into(),
                        )
                    }
                    other => other.into(),
                };
                self.fail_upload(&id, &key, failure_status(&err, &check))
                    .await;
                return Err(err);
            }
        };
        // Glance checks the quota again once the size is known: uploads that ran side by side
        // were each checked against the usage before the others were stored. The re-check and
        // the commit below run under one lock, so within this instance they cannot interleave.
        let _commit = match remaining {
            Some(_) => Some(self.quota_commit.lock().await),
            None => None,
        };
        if remaining.is_some() {
            let recheck = match self.upload_quota(&id, &check).await {
                Ok(Some(now)) => quota::check(Some(stored.size), now),
                Ok(None) => Ok(()),
                Err(err) => Err(err),
            };
            if let Err(err) = recheck {
                self.fail_upload(&id, &stored.key, failure_status(&err, &check))
                    .await;
                return Err(err);
            }
        }
        if let Err(err) = verify(&stored, &check) {
            self.fail_upload(&id, &stored.key, check.failure_status)
                .await;
            return Err(err);
        }
        let virtual_size = if check.record_virtual_size {
            let head = head.lock().map(|h| h.clone()).unwrap_or_default();
            let format = match self.db.get_image(&id).await {
                Ok(image) => image.and_then(|image| image.disk_format),
                Err(err) => {
                    self.fail_upload(&id, &stored.key, check.failure_status)
                        .await;
                    return Err(err.into());
                }
            };
            if let Some(message) = mismatch(format.as_deref(), &head) {
                self.fail_upload(&id, &stored.key, check.failure_status)
                    .await;
                return Err(ServiceError::FormatMismatch(message));
            }
            virtual_size(format.as_deref(), stored.size, &head)
        } else {
            None
        };
        let data = UploadedData {
            virtual_size,
            size: i64::try_from(stored.size).unwrap_or(i64::MAX),
            checksum: stored.md5.clone(),
            os_hash_algo: "sha512".into(),
            os_hash_value: stored.sha512.clone(),
            location: stored.key.clone(),
        };
        let activated = match self.db.complete_upload(&id, &data, Timestamp::now()).await {
            Ok(done) => done,
            Err(err) => {
                self.fail_upload(&id, &stored.key, check.failure_status)
                    .await;
                return Err(err.into());
            }
        };
        if !activated {
            self.fail_upload(&id, &stored.key, check.failure_status)
                .await;
            return Err(ServiceError::PreconditionFailed(format!(
                "Image {id} could not be found after upload. The image may have been deleted \
                 during the upload."
            )));
        }
        self.db
            .get_image(&id)
            .await?
            .ok_or_else(|| ServiceError::ImageNotFound(id.to_string()))
    }

    /// Leaves a failed upload in its failure status with no blob behind (Glance `safe_kill`).
    /// The lease goes first, with the status, in one transaction; the blob is deleted only when
    /// that released the lease. Otherwise the outcome belongs to someone else: a scrub took the
    /// upload over (it deletes the blob), or a completion whose answer was lost did commit (the
    /// blob is the image's data). If the database cannot be reached, the lease stays, stops being
    /// renewed, and expires; the scrub then finishes the job the same way.
    async fn fail_upload(&self, id: &ImageId, key: &str, status: ImageStatus) {
        match self.db.end_upload(id, key, status, Timestamp::now()).await {
            Ok(true) => self.discard_blob(key).await,
            Ok(false) => {}
            Err(err) => {
                tracing::error!(image = %id, error = %err, "could not mark a failed upload");
            }
        }
    }

    pub(crate) async fn discard_blob(&self, key: &str) {
        if let Err(err) = self.store.purge(key).await {
            // The start-up scrub removes blobs that no image references.
            tracing::warn!(key, error = %err, "could not delete a blob");
        }
    }
}

fn shutting_down() -> ServiceError {
    ServiceError::Unavailable("glint is shutting down; the upload was aborted".into())
}

/// `body` with its errors as text, ending in an error as soon as `abort` is cancelled (shutdown):
/// an aborted upload must fail, never end early and be taken for complete.
fn abortable<S, E>(
    body: S,
    abort: CancellationToken,
) -> impl Stream<Item = Result<Bytes, String>> + Send
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Display + Send + 'static,
{
    futures::stream::unfold(
        (Box::pin(body), abort, false),
        |(mut body, abort, done)| async move {
            if done {
                return None;
            }
            tokio::select! {
                biased;
                () = abort.cancelled() => {
                    Some((Err("upload aborted at shutdown".to_owned()), (body, abort, true)))
                }
                item = body.next() => match item {
                    None => None,
                    Some(Ok(chunk)) => Some((Ok(chunk), (body, abort, false))),
                    Some(Err(err)) => Some((Err(err.to_string()), (body, abort, true))),
                },
            }
        },
    )
}

impl Glint {
    /// What the image's project may still store (`None`: no quota), refused up front when the
    /// declared size does not fit (Glance `check_quota` before `set_data`).
    async fn upload_quota(
        &self,
        id: &ImageId,
        check: &UploadCheck,
    ) -> Result<Option<u64>, ServiceError> {
        if self.limits.user_storage_quota == 0 {
            return Ok(None);
        }
        let owner = self
            .db
            .get_image(id)
            .await?
            .ok_or_else(|| ServiceError::ImageNotFound(id.to_string()))?
            .owner;
        let remaining = self.quota_remaining(owner.as_deref(), id).await?;
        if let Some(remaining) = remaining {
            let declared = check.size.and_then(|s| u64::try_from(s).ok());
            quota::check(declared, remaining)?;
        }
        Ok(remaining)
    }
}

/// The status a failed upload leaves: issue #7 wants an image refused for a limit (size cap,
/// storage quota) or failed by the store (full, write denied, unreachable) `killed` in both API
/// versions — Glance 33's v2 puts it back to `queued` instead (README, differences). Other
/// failures (client gone, bad data) leave the caller's failure status (v1 `killed`, v2
/// `queued` so that the client may retry, as Glance `_restore`).
fn failure_status(err: &ServiceError, check: &UploadCheck) -> ImageStatus {
    match err {
        ServiceError::ImageTooLarge { .. }
        | ServiceError::StorageQuotaFull { .. }
        | ServiceError::StorageFull
        | ServiceError::StorageWriteDenied
        | ServiceError::Unavailable(_)
        | ServiceError::Internal(_) => ImageStatus::Killed,
        _ => check.failure_status,
    }
}

/// Glance v1 compares the declared size and checksum with what was actually received.
fn verify(stored: &StoredBlob, check: &UploadCheck) -> Result<(), ServiceError> {
    let mismatch = |attr: &str, supplied: &dyn Display, actual: &dyn Display| {
        ServiceError::BadRequest(format!(
            "Supplied {attr} ({supplied}) and {attr} generated from uploaded image ({actual}) did \
             not match. Setting image status to 'killed'."
        ))
    };
    if let Some(size) = check.size
        && u64::try_from(size).ok() != Some(stored.size)
    {
        return Err(mismatch("size", &size, &stored.size));
    }
    if let Some(checksum) = &check.checksum
        && !checksum.eq_ignore_ascii_case(&stored.md5)
    {
        return Err(mismatch("checksum", checksum, &stored.md5));
    }
    Ok(())
}
