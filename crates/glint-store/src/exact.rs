//! Reading a blob that must be exactly as long as the database says: never a short body.
//!
//! A download's headers (Content-Length, checksum) come from the database. If the blob is missing
//! or of another size, the caller gets an error before any header is sent; if it shrinks while
//! being streamed, the stream ends in an error instead of ending early, so the server aborts the
//! response and the client sees fewer bytes than Content-Length (a failed transfer), never a
//! complete-looking truncated image.

use crate::error::StoreError;
use crate::{BlobStore, BlobStream};
use futures::StreamExt;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore};
use std::ops::Range;

impl BlobStore {
    /// Streams the object at `key` (or `range` of it), which must be `size` bytes long.
    pub async fn get_exact(
        &self,
        key: &str,
        size: u64,
        range: Option<Range<u64>>,
    ) -> Result<BlobStream, StoreError> {
        let expected = match &range {
            Some(r) => r.end.saturating_sub(r.start),
            None => size,
        };
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = ObjectStore::get_opts(self.inner.as_ref(), &Path::from(key), options)
            .await
            .map_err(StoreError::backend)?;
        if result.meta.size != size {
            return Err(StoreError::SizeMismatch {
                expected: size,
                found: result.meta.size,
            });
        }
        Ok(exactly(
            result
                .into_stream()
                .map(|c| c.map_err(StoreError::backend))
                .boxed(),
            expected,
        ))
    }
}

/// `stream`, failing if it yields fewer or more than `expected` bytes in total.
fn exactly(stream: BlobStream, expected: u64) -> BlobStream {
    futures::stream::unfold(
        (stream, 0u64, false),
        move |(mut stream, seen, done)| async move {
            if done {
                return None;
            }
            match stream.next().await {
                Some(Ok(chunk)) => {
                    let seen = seen + chunk.len() as u64;
                    if seen > expected {
                        let err = StoreError::SizeMismatch {
                            expected,
                            found: seen,
                        };
                        return Some((Err(err), (stream, seen, true)));
                    }
                    Some((Ok(chunk), (stream, seen, false)))
                }
                Some(Err(err)) => Some((Err(err), (stream, seen, true))),
                None if seen < expected => {
                    let err = StoreError::SizeMismatch {
                        expected,
                        found: seen,
                    };
                    Some((Err(err), (stream, seen, true)))
                }
                None => None,
            }
        },
    )
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn chunks(parts: &[&'static [u8]]) -> BlobStream {
        let parts: Vec<Result<Bytes, StoreError>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        futures::stream::iter(parts).boxed()
    }

    async fn collect(stream: BlobStream) -> (Vec<u8>, Option<StoreError>) {
        let mut stream = stream;
        let mut out = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => out.extend_from_slice(&chunk),
                Err(err) => return (out, Some(err)),
            }
        }
        (out, None)
    }

    #[tokio::test]
    async fn a_stream_of_the_expected_length_passes_through() {
        let (bytes, err) = collect(exactly(chunks(&[b"abc", b"de"]), 5)).await;
        assert_eq!(bytes, b"abcde");
        assert!(err.is_none());
    }

    #[tokio::test]
    async fn a_short_stream_ends_in_an_error() {
        let (bytes, err) = collect(exactly(chunks(&[b"abc"]), 5)).await;
        assert_eq!(bytes, b"abc");
        assert!(matches!(
            err,
            Some(StoreError::SizeMismatch {
                expected: 5,
                found: 3
            })
        ));
    }

    #[tokio::test]
    async fn a_long_stream_ends_in_an_error_before_the_excess() {
        let (bytes, err) = collect(exactly(chunks(&[b"abc", b"def"]), 5)).await;
        assert_eq!(bytes, b"abc");
        assert!(matches!(
            err,
            Some(StoreError::SizeMismatch {
                expected: 5,
                found: 6
            })
        ));
    }

    #[tokio::test]
    async fn a_blob_of_another_size_is_refused_before_streaming() {
        let dir = tempfile::tempdir().expect("dir");
        let store = BlobStore::from_url(&dir.path().display().to_string()).expect("store");
        let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]);
        store
            .put_stream("images/x/y", body, 100)
            .await
            .expect("put");
        assert!(store.get_exact("images/x/y", 3, None).await.is_ok());
        assert!(matches!(
            store.get_exact("images/x/y", 4, None).await.err(),
            Some(StoreError::SizeMismatch {
                expected: 4,
                found: 3
            })
        ));
        assert!(matches!(
            store.get_exact("images/x/missing", 3, None).await.err(),
            Some(StoreError::NotFound)
        ));
    }
}
