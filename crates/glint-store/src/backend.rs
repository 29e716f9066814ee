//! Building the object_store behind a [`Location`]: a local directory with fsync, or an S3 bucket
//! (optionally under a key prefix) with bounded timeouts and retries.

use crate::error::StoreError;
use crate::settings::{Location, S3Settings};
use object_store::aws::AmazonS3Builder;
use object_store::chunked::ChunkedStore;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};
use std::sync::Arc;
use std::time::Duration;

/// Bytes per read when streaming a local file out (one blocking-thread hop each).
const READ_CHUNK: usize = 1024 * 1024;

/// Opens the store at `location`.
pub(crate) fn build(
    location: &Location,
    s3: &S3Settings,
) -> Result<Arc<dyn ObjectStore>, StoreError> {
    match location {
        Location::Local { dir } => local(dir),
        Location::S3 { bucket, prefix } => {
            let store = amazon(bucket, s3)?;
            if prefix.is_empty() {
                Ok(Arc::new(store))
            } else {
                Ok(Arc::new(PrefixStore::new(store, prefix.as_str())))
            }
        }
    }
}

fn local(dir: &str) -> Result<Arc<dyn ObjectStore>, StoreError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::Config(format!("cannot create store directory {dir}: {e}")))?;
    let store = LocalFileSystem::new_with_prefix(dir)
        .map_err(|e| StoreError::Config(e.to_string()))?
        // A committed `active` image must survive a crash: fsync file and directory.
        .with_fsync(true);
    // object_store streams a local file in 8 KiB reads, each on a blocking thread of its own:
    // downloads ran at a third of Glance's speed (BENCHMARKS.md). Reads of READ_CHUNK instead.
    Ok(Arc::new(ChunkedStore::new(Arc::new(store), READ_CHUNK)))
}

fn amazon(bucket: &str, s3: &S3Settings) -> Result<object_store::aws::AmazonS3, StoreError> {
    // `AmazonS3Builder::new()`, not `from_env()`: only what glint's configuration says counts.
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(s3.region.as_deref().unwrap_or("us-east-1"))
        .with_allow_http(s3.allow_http)
        .with_virtual_hosted_style_request(!s3.path_style)
        .with_client_options(
            ClientOptions::new()
                .with_allow_http(s3.allow_http)
                .with_connect_timeout(s3.connect_timeout)
                .with_timeout(s3.request_timeout),
        )
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(2),
                base: 2.0,
            },
            max_retries: s3.max_retries,
            retry_timeout: s3.retry_timeout,
        });
    if let Some(endpoint) = &s3.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    match (&s3.access_key_id, &s3.secret_access_key) {
        (Some(key), Some(secret)) => {
            builder = builder
                .with_access_key_id(key)
                .with_secret_access_key(secret.expose());
        }
        // Without credentials object_store would ask the cloud's instance-metadata service; glint
        // sends anonymous (unsigned) requests instead, for a bucket that allows them.
        (None, None) => builder = builder.with_skip_signature(true),
        _ => {
            return Err(StoreError::Config(
                "set both store.access_key_id and store.secret_access_key, or neither".into(),
            ));
        }
    }
    // The builder's errors name settings, never their values.
    builder
        .build()
        .map_err(|e| StoreError::Config(format!("S3 store for bucket {bucket:?}: {e}")))
}
