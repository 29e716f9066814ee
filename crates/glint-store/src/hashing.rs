//! md5 + sha512 of a byte stream, fed chunk by chunk.
//!
//! [`ImageHasher`] hashes in the caller's thread. [`PipelinedHasher`] hands the chunks to two
//! blocking threads, one per digest, so that md5, sha512 and the store's writes proceed on
//! different cores: hashed inline, the two digests cost more CPU per byte than receiving and
//! writing together and capped an upload at what one core can hash (BENCHMARKS.md).

use bytes::Bytes;
use md5::{Digest, Md5};
use sha2::Sha512;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Running digests and byte count of an upload.
#[derive(Default)]
pub(crate) struct ImageHasher {
    md5: Md5,
    sha512: Sha512,
    size: u64,
}

impl ImageHasher {
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.md5.update(chunk);
        self.sha512.update(chunk);
        self.size += chunk.len() as u64;
    }

    /// (size, md5 hex, sha512 hex)
    pub(crate) fn finish(self) -> (u64, String, String) {
        (
            self.size,
            hex::encode(self.md5.finalize()),
            hex::encode(self.sha512.finalize()),
        )
    }
}

/// Chunks are handed over in batches of at least this many bytes, so that the threads wake a
/// few hundred times per second, not once per (often 8–64 KiB) body frame.
const BATCH_BYTES: usize = 1024 * 1024;
/// Batches queued per digest thread before `update` waits: bounds the memory held for hashing
/// (≈ BATCH_BYTES × (QUEUED_BATCHES + 1) per upload) and pushes back on a slow digest.
const QUEUED_BATCHES: usize = 4;

type Batch = Arc<Vec<Bytes>>;

/// One digest computed on a blocking thread from the batches it receives.
struct Lane {
    tx: mpsc::Sender<Batch>,
    done: JoinHandle<String>,
}

impl Lane {
    fn start<D: Digest + Send + 'static>() -> Self {
        let (tx, mut rx) = mpsc::channel::<Batch>(QUEUED_BATCHES);
        let done = tokio::task::spawn_blocking(move || {
            let mut digest = D::new();
            while let Some(batch) = rx.blocking_recv() {
                for chunk in batch.iter() {
                    digest.update(chunk);
                }
            }
            hex::encode(digest.finalize())
        });
        Self { tx, done }
    }
}

/// md5 and sha512 computed on two threads while the caller goes on with the bytes.
/// Dropping it without [`PipelinedHasher::finish`] ends both threads.
pub(crate) struct PipelinedHasher {
    md5: Lane,
    sha512: Lane,
    batch: Vec<Bytes>,
    batch_bytes: usize,
    size: u64,
}

impl PipelinedHasher {
    /// Starts the two digest threads (needs a tokio runtime).
    pub(crate) fn start() -> Self {
        Self {
            md5: Lane::start::<Md5>(),
            sha512: Lane::start::<Sha512>(),
            batch: Vec::new(),
            batch_bytes: 0,
            size: 0,
        }
    }

    /// Bytes fed so far.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Queues `chunk` (a reference count, not a copy); waits only when both threads are behind.
    pub(crate) async fn update(&mut self, chunk: Bytes) -> Result<(), HashThreadGone> {
        self.size += chunk.len() as u64;
        self.batch_bytes += chunk.len();
        self.batch.push(chunk);
        if self.batch_bytes >= BATCH_BYTES {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), HashThreadGone> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch: Batch = Arc::new(std::mem::take(&mut self.batch));
        self.batch_bytes = 0;
        self.md5
            .tx
            .send(batch.clone())
            .await
            .map_err(|_| HashThreadGone)?;
        self.sha512.tx.send(batch).await.map_err(|_| HashThreadGone)
    }

    /// (size, md5 hex, sha512 hex) of everything fed.
    pub(crate) async fn finish(mut self) -> Result<(u64, String, String), HashThreadGone> {
        self.flush().await?;
        let Self {
            md5, sha512, size, ..
        } = self;
        // Closing the channels lets each thread finalise.
        drop((md5.tx, sha512.tx));
        let md5 = md5.done.await.map_err(|_| HashThreadGone)?;
        let sha512 = sha512.done.await.map_err(|_| HashThreadGone)?;
        Ok((size, md5, sha512))
    }
}

/// A digest thread ended early (it panicked): the upload cannot be verified.
#[derive(Debug)]
pub(crate) struct HashThreadGone;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pipelined_digests_equal_inline_ones() {
        // Uneven chunks across several batches, including empty ones.
        let data: Vec<u8> = (0..3_500_000u32).map(|n| (n % 251) as u8).collect();
        let mut inline = ImageHasher::default();
        let mut piped = PipelinedHasher::start();
        for chunk in data.chunks(70_001).chain([&[][..]]) {
            inline.update(chunk);
            piped
                .update(Bytes::copy_from_slice(chunk))
                .await
                .expect("threads alive");
        }
        assert_eq!(piped.size(), data.len() as u64);
        assert_eq!(piped.finish().await.expect("digests"), inline.finish());
    }

    #[tokio::test]
    async fn nothing_fed_gives_the_empty_digests() {
        let (size, md5, sha512) = PipelinedHasher::start().finish().await.expect("digests");
        assert_eq!(size, 0);
        assert_eq!(md5, "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(sha512, hex::encode(Sha512::digest(b"")));
    }
}
