//! md5 + sha512 of a byte stream, fed chunk by chunk.

use md5::{Digest, Md5};
use sha2::Sha512;

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

    pub(crate) fn size(&self) -> u64 {
        self.size
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
