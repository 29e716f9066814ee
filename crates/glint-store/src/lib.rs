//! Image bytes: streamed into an object store while md5 (Glance `checksum`) and sha512
//! (`os_hash_value`) are computed on the fly, streamed (and ranged) back out, deleted.
//! Memory per upload is bounded by the part size times the parts in flight, whatever the image size.

mod error;
mod hashing;

pub use error::StoreError;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use hashing::ImageHasher;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use std::fmt::Display;
use std::ops::Range;
use std::sync::Arc;

/// Size of one multipart part, and how many may be in flight: ≈ 3 × 8 MiB buffered per upload.
const PART_SIZE: usize = 8 * 1024 * 1024;
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

/// The blob store behind one URL: `file:///abs/dir` (or a plain path) today.
#[derive(Clone, Debug)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
    description: String,
}

impl BlobStore {
    /// Opens the store named by `url`, creating a local directory when needed.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let dir = url.strip_prefix("file://").unwrap_or(url);
        if url.contains("://") && !url.starts_with("file://") {
            return Err(StoreError::Config(format!(
                "unsupported store URL {url:?}: use file:///path"
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Config(format!("cannot create store directory {dir}: {e}")))?;
        let local = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| StoreError::Config(e.to_string()))?
            // A committed `active` image must survive a crash: fsync file and directory.
            .with_fsync(true);
        Ok(Self {
            inner: Arc::new(local),
            description: format!("file://{dir}"),
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
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut hasher = ImageHasher::default();
        let mut body = std::pin::pin!(body);
        let outcome: Result<(), StoreError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| StoreError::Body(e.to_string()))?;
                if hasher.size() + chunk.len() as u64 > limit {
                    return Err(StoreError::TooLarge { limit });
                }
                hasher.update(&chunk);
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(StoreError::backend)?;
                writer.put(chunk);
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
        writer.finish().await.map_err(StoreError::backend)?;
        let (size, md5, sha512) = hasher.finish();
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
        Ok(result.into_stream().map_err(StoreError::backend).boxed())
    }

    /// Removes the object at `key`; a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StoreError::backend(e)),
        }
    }
}

#[cfg(test)]
mod tests;
