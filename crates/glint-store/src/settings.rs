//! What names a blob store: its URL plus, for S3, endpoint, region, credentials and client
//! tuning. Secrets are wrapped so that `Debug` never shows them.

use crate::error::StoreError;
use std::fmt;
use std::time::Duration;

/// A string that must not appear in logs: `Debug` prints `***`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (signing requests).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Settings for an `s3://` store. Unset fields fall back to object_store's `AWS_*` environment
/// handling being *off*: everything glint uses is explicit, so two instances configured alike
/// talk to the same bucket whatever their environment.
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// `http(s)://host:port` of an S3-compatible server; `None` means AWS itself.
    pub endpoint: Option<String>,
    /// Signing region (`us-east-1` when unset, which Ceph RGW and MinIO accept).
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    /// Allow a plain-HTTP endpoint (loopback test servers, a private RGW).
    pub allow_http: bool,
    /// Path-style requests (`endpoint/bucket/key`), as Ceph RGW, MinIO and s3s expect by default;
    /// `false` selects virtual-hosted style (`bucket.endpoint/key`), AWS's preference.
    pub path_style: bool,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one request (a part upload, a ranged read's start), not a whole stream.
    pub request_timeout: Duration,
    /// Retries of a failed idempotent request, and the total time spent retrying one: an outage
    /// answers 503 within about this long instead of hanging the client.
    pub max_retries: usize,
    pub retry_timeout: Duration,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            endpoint: None,
            region: None,
            access_key_id: None,
            secret_access_key: None,
            allow_http: false,
            path_style: true,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(60),
            max_retries: 3,
            retry_timeout: Duration::from_secs(15),
        }
    }
}

impl S3Settings {
    /// Reads `http(s)://[KEY:SECRET@]host[:port]/bucket` — one string naming an S3-compatible
    /// server, its credentials and a bucket, as test harnesses pass it (`GLINT_TEST_S3_URL`).
    /// Returns the bucket and settings for that endpoint (plain HTTP allowed for `http://`).
    pub fn from_endpoint_url(url: &str) -> Result<(String, Self), StoreError> {
        let bad =
            || StoreError::Config("expected http(s)://KEY:SECRET@host:port/bucket".to_owned());
        let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let (authority, path) = rest.split_once('/').ok_or_else(bad)?;
        let (credentials, host) = match authority.rsplit_once('@') {
            Some((credentials, host)) => (Some(credentials), host),
            None => (None, authority),
        };
        let bucket = path.trim_matches('/');
        if bucket.is_empty() || host.is_empty() {
            return Err(bad());
        }
        let mut settings = Self {
            endpoint: Some(format!("{scheme}://{host}")),
            allow_http: scheme == "http",
            ..Self::default()
        };
        if let Some(credentials) = credentials {
            let (key, secret) = credentials.split_once(':').ok_or_else(bad)?;
            settings.access_key_id = Some(key.to_owned());
            settings.secret_access_key = Some(Secret::new(secret));
        }
        Ok((bucket.to_owned(), settings))
    }
}

/// Where a store lives, parsed from its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// `file:///abs/dir` or a plain path.
    Local { dir: String },
    /// `s3://bucket/optional/prefix`.
    S3 { bucket: String, prefix: String },
}

impl Location {
    /// Parses `file:///dir`, a plain path, or `s3://bucket[/prefix]`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(StoreError::Config(format!(
                    "store URL {url:?} names no bucket: use s3://bucket/prefix"
                )));
            }
            return Ok(Location::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
            });
        }
        if let Some(dir) = url.strip_prefix("file://") {
            return Ok(Location::Local {
                dir: dir.to_owned(),
            });
        }
        if url.contains("://") {
            return Err(StoreError::Config(format!(
                "unsupported store URL {url:?}: use file:///path or s3://bucket/prefix"
            )));
        }
        Ok(Location::Local {
            dir: url.to_owned(),
        })
    }

    /// The URL form, for logs (it carries no secret).
    pub fn describe(&self) -> String {
        match self {
            Location::Local { dir } => format!("file://{dir}"),
            Location::S3 { bucket, prefix } if prefix.is_empty() => format!("s3://{bucket}"),
            Location::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert_eq!(
            Location::parse("s3://images/glint/prod/").expect("s3"),
            Location::S3 {
                bucket: "images".into(),
                prefix: "glint/prod".into()
            }
        );
        assert_eq!(
            Location::parse("s3://images").expect("s3").describe(),
            "s3://images"
        );
        assert_eq!(
            Location::parse("file:///var/lib/glint").expect("file"),
            Location::Local {
                dir: "/var/lib/glint".into()
            }
        );
        assert!(Location::parse("s3:///x").is_err());
        assert!(Location::parse("swift://x").is_err());
    }

    #[test]
    fn endpoint_urls_parse() {
        let (bucket, s3) =
            S3Settings::from_endpoint_url("http://AK:SK@127.0.0.1:9000/glint").expect("url");
        assert_eq!(bucket, "glint");
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(s3.access_key_id.as_deref(), Some("AK"));
        assert_eq!(
            s3.secret_access_key.as_ref().map(Secret::expose),
            Some("SK")
        );
        assert!(s3.allow_http);
        assert!(S3Settings::from_endpoint_url("http://127.0.0.1:9000").is_err());
        assert!(S3Settings::from_endpoint_url("ftp://h/b").is_err());
    }

    #[test]
    fn secrets_do_not_debug_print() {
        let settings = S3Settings {
            secret_access_key: Some(Secret::new("hunter2")),
            ..S3Settings::default()
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
