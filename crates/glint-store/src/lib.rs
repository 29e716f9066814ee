//! Image bytes: streamed into an object store while md5 (Glance `checksum`) and sha512
//! (`os_hash_value`) are computed on the fly, streamed (and ranged) back out, deleted.
//! Memory per upload is bounded by the part size times the parts in flight, whatever the image size.
//! Back ends: a local directory (embedded mode) or an S3-compatible bucket (scaled out).

mod backend;
mod error;
mod exact;
mod hashing;
mod inventory;
mod keys;
mod settings;

pub use error::StoreError;
pub use inventory::BlobEntry;
pub use keys::{IMAGES_PREFIX, image_blob_key, key_segment};
pub use settings::{Location, S3Settings, Secret};

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use hashing::{HashThreadGone, ImageHasher, PipelinedHasher};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use std::fmt::Display;
use std::ops::Range;
use std::sync::Arc;

/// Size of one multipart part on S3 (whose parts must be ≥ 5 MiB), and how many may be in
/// flight: ≈ 3 × 8 MiB buffered per upload.
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts of a local upload are only writes at an offset of one staging file: 1 MiB keeps an
/// upload's buffers at ≈ 3 MiB, so 16 uploads at once no longer peak at ~200 MiB (BENCHMARKS.md).
const LOCAL_PART_SIZE: usize = 1024 * 1024;
const PARTS_IN_FLIGHT: usize = 2;

/// What was stored: where, how much, and the digests of exactly those bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub key: String,
    pub size: u64,
    /// Lower-case hex MD5 (Glance `checksum`).
    pub md5: String,
    /// Lower-case hex SHA-512 (Glance `os_hash_value` with `os_hash_algo = sha512`).
    pub sha512: String,
}

/// A byte stream read back from the store.
pub type BlobStream = BoxStream<'static, Result<Bytes, StoreError>>;

/// The blob store behind one URL: `file:///abs/dir` (or a plain path) or `s3://bucket/prefix`.
#[derive(Clone, Debug)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
    description: String,
    /// The directory of a local store (its staging files are visible only there).
    local_dir: Option<std::path::PathBuf>,
}

impl BlobStore {
    /// Opens the local store named by `url` (`file:///dir` or a path), creating the directory.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        Self::open(url, &S3Settings::default())
    }

    /// Opens the store named by `url`; `s3` applies to `s3://` URLs. Nothing is contacted yet:
    /// an unreachable S3 server shows in [`BlobStore::ping`] and in requests, not at start-up.
    pub fn open(url: &str, s3: &S3Settings) -> Result<Self, StoreError> {
        let location = Location::parse(url)?;
        let local_dir = match &location {
            Location::Local { dir } => Some(std::path::PathBuf::from(dir)),
            Location::S3 { .. } => None,
        };
        Ok(Self {
            inner: backend::build(&location, s3)?,
            description: location.describe(),
            local_dir,
        })
    }

    /// A human-readable name for logs (no secrets).
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Streams `body` to `key`, hashing as it goes, refusing more than `limit` bytes.
    /// On any failure the partial object is removed and nothing is left under `key`.
    pub async fn put_stream<S, E>(
        &self,
        key: &str,
        body: S,
        limit: u64,
    ) -> Result<StoredBlob, StoreError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Display,
    {
        let path = Path::from(key);
        let upload = self
            .inner
            .put_multipart(&path)
            .await
            .map_err(StoreError::backend)?;
        let part_size = if self.local_dir.is_some() {
            LOCAL_PART_SIZE
        } else {
            PART_SIZE
        };
        let mut writer = WriteMultipart::new_with_chunk_size(upload, part_size);
        // md5 and sha512 run on threads of their own while this task receives and writes.
        let mut hasher = PipelinedHasher::start();
        let mut body = std::pin::pin!(body);
        let outcome: Result<(), StoreError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| StoreError::Body(e.to_string()))?;
                if hasher.size() + chunk.len() as u64 > limit {
                    return Err(StoreError::TooLarge { limit });
                }
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(StoreError::backend)?;
                writer.put(chunk.clone());
                hasher.update(chunk).await.map_err(hash_failed)?;
            }
            Ok(())
        }
        .await;
        if let Err(err) = outcome {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(key, error = %abort, "could not abort a failed upload");
            }
            return Err(err);
        }
        // The last part's write and the digests' tails overlap too.
        let (written, digests) = tokio::join!(writer.finish(), hasher.finish());
        if let Err(err) = written {
            // `finish` aborts the upload itself; the delete covers a completion that reached
            // the server but whose answer was lost, so that no object is left either way.
            self.remove_quietly(key).await;
            return Err(StoreError::backend(err));
        }
        let Ok((size, md5, sha512)) = digests else {
            self.remove_quietly(key).await;
            return Err(hash_failed(HashThreadGone));
        };
        Ok(StoredBlob {
            key: key.to_owned(),
            size,
            md5,
            sha512,
        })
    }

    /// Streams the object at `key`, or the bytes in `range` of it.
    pub async fn get(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<BlobStream, StoreError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self
            .inner
            .get_opts(&Path::from(key), options)
            .await
            .map_err(StoreError::backend)?;
        Ok(read_ahead(
            result.into_stream().map_err(StoreError::backend).boxed(),
        ))
    }

    /// Reads the whole object at `key` and returns its size and digests, as an upload would
    /// have computed them (for verifying copies).
    pub async fn digest(&self, key: &str) -> Result<StoredBlob, StoreError> {
        let mut stream = self.get(key, None).await?;
        let mut hasher = ImageHasher::default();
        while let Some(chunk) = stream.next().await {
            hasher.update(&chunk?);
        }
        let (size, md5, sha512) = hasher.finish();
        Ok(StoredBlob {
            key: key.to_owned(),
            size,
            md5,
            sha512,
        })
    }

    /// The size of the object at `key`, or `None` when there is none.
    pub async fn size_of(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self.inner.head(&Path::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(StoreError::backend(e)),
        }
    }

    /// Every key under `prefix` (`""` for all), for migrations, scrubs and tests.
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = (!prefix.is_empty()).then(|| Path::from(prefix));
        self.inner
            .list(prefix.as_ref())
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(StoreError::backend)
    }

    /// Reachability: one cheap request that must be answered (a missing object is an answer).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self.inner.head(&Path::from("glint-healthcheck")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StoreError::Backend(e.to_string())),
        }
    }

    async fn remove_quietly(&self, key: &str) {
        if let Err(err) = self.delete(key).await {
            tracing::warn!(key, error = %err, "could not remove a failed upload's object");
        }
    }

    /// Removes the object at `key`; a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StoreError::backend(e)),
        }
    }
}

/// Chunks read ahead of the client per download: with 1 MiB local reads, ≤ 3 MiB held.
const READ_AHEAD: usize = 2;

/// Reads `stream` on a task of its own, up to [`READ_AHEAD`] chunks ahead of the consumer, so
/// that the next read from disk or S3 overlaps the socket write of the previous chunk instead of
/// waiting for it (pulled directly, each read started only when hyper asked for more; loopback
/// downloads ran at 1.5 GiB/s with 40 % of the CPU idle; BENCHMARKS.md). The task ends, closing
/// the blob, as soon as the consumer is dropped (a client that went away) or after an error.
fn read_ahead(mut stream: BlobStream) -> BlobStream {
    let (mut tx, rx) = futures::channel::mpsc::channel(READ_AHEAD - 1);
    tokio::spawn(async move {
        use futures::SinkExt;
        while let Some(item) = stream.next().await {
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    rx.boxed()
}

/// A digest thread died: the bytes cannot be vouched for, so the upload fails (a 5xx).
fn hash_failed(_: HashThreadGone) -> StoreError {
    StoreError::Backend("a digest thread ended before the upload did".into())
}

#[cfg(test)]
mod tests;
