//! Errors of the blob store.

use std::io::ErrorKind;

/// What can go wrong storing or reading image bytes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// More bytes arrived than the limit allows (`image_size_cap` or the declared size).
    #[error("image data exceeds the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The client's body failed (disconnect, bad chunking, idle timeout).
    #[error("reading the request body failed: {0}")]
    Body(String),
    /// The object is not there.
    #[error("object not found")]
    NotFound,
    /// The object's length is not what the database recorded (lost or damaged data).
    #[error("object is {found} bytes, expected {expected}")]
    SizeMismatch { expected: u64, found: u64 },
    /// The storage media has no room left (ENOSPC, EDQUOT): glance_store's `StorageFull`.
    #[error("store full: {0}")]
    Full(String),
    /// The storage media refuses writes (EACCES, EPERM, EROFS): glance_store's
    /// `StorageWriteDenied`.
    #[error("store write denied: {0}")]
    WriteDenied(String),
    /// The storage back end failed; the message is for logs only.
    #[error("store error: {0}")]
    Backend(String),
    /// The store URL or settings are unusable.
    #[error("store configuration: {0}")]
    Config(String),
}

impl StoreError {
    /// Classifies an object_store error by the I/O error at the bottom of its source chain, so
    /// that a full or read-only disk is told apart from an unreachable back end (Glance maps
    /// them to 413 and 503 with their own messages).
    pub(crate) fn backend(err: object_store::Error) -> Self {
        if let object_store::Error::NotFound { .. } = err {
            return StoreError::NotFound;
        }
        let message = err.to_string();
        match io_kind(&err) {
            Some(ErrorKind::StorageFull | ErrorKind::QuotaExceeded) => StoreError::Full(message),
            Some(ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem) => {
                StoreError::WriteDenied(message)
            }
            _ => StoreError::Backend(message),
        }
    }
}

/// The kind of the first `std::io::Error` in `err`'s source chain.
fn io_kind(err: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        current = e.source();
    }
    None
}
