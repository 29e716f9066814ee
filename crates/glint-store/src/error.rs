//! Errors of the blob store.

/// What can go wrong storing or reading image bytes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// More bytes arrived than the limit allows (`image_size_cap` or the declared size).
    #[error("image data exceeds the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The client's body failed (disconnect, bad chunking).
    #[error("reading the request body failed: {0}")]
    Body(String),
    /// The object is not there.
    #[error("object not found")]
    NotFound,
    /// The object's length is not what the database recorded (lost or damaged data).
    #[error("object is {found} bytes, expected {expected}")]
    SizeMismatch { expected: u64, found: u64 },
    /// The storage back end failed; the message is for logs only.
    #[error("store error: {0}")]
    Backend(String),
    /// The store URL or settings are unusable.
    #[error("store configuration: {0}")]
    Config(String),
}

impl StoreError {
    pub(crate) fn backend(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => StoreError::NotFound,
            other => StoreError::Backend(other.to_string()),
        }
    }
}
