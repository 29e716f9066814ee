//! glint's use cases, shared by Images v1 and v2: each takes the caller's
//! [`RequestContext`](glint_core::RequestContext) and typed, validated input, applies the
//! policy of `glint-core`, and drives the database and blob store. The API versions are thin
//! adapters over this crate (ARCHITECTURE rule 1).

mod create;
mod delete;
mod error;
mod idle;
mod images_v2;
mod leases;
mod lookup;
mod members;
mod members_v2;
mod quota;
mod read;
mod scrub;
mod update;
mod upload;

pub use create::NewImage;
pub use error::ServiceError;
pub use images_v2::{ByteRange, IMAGE_TAG_QUOTA};
pub use leases::ScrubSettings;
pub use members::MemberChange;
pub use quota::parse_storage_quota;
pub use read::Download;
pub use scrub::ScrubReport;
pub use upload::UploadCheck;

use glint_core::RequestContext;
use glint_core::policy::rbac::Target;
use glint_core::policy::{Action, Api, Policy};
use glint_db::Db;
use glint_store::BlobStore;
use std::sync::Arc;
use std::time::Duration;

/// Operator limits (`[limits]` in the config).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Members per image; negative = unlimited (Glance `image_member_quota`, default 128).
    pub image_member_quota: i64,
    /// Largest image in bytes (Glance `image_size_cap`, default 1 TiB).
    pub image_size_cap: u64,
    /// Custom properties per image; negative = unlimited (Glance `image_property_quota`).
    pub image_property_quota: i64,
    /// Total bytes of one project's images; 0 = unlimited (Glance `user_storage_quota`).
    pub user_storage_quota: u64,
    /// Longest wait for the next piece of an upload's body (Glance `client_socket_timeout`,
    /// a per-read socket timeout): a client that sends nothing for this long is cut off, however
    /// long the upload has run in total.
    pub client_socket_timeout: Duration,
    /// Largest body of a request that is not image data (oslo.middleware `sizelimit`
    /// `max_request_body_size`).
    pub max_request_body_size: usize,
    /// Longest request header line, name and value (eventlet's `max_header_line`).
    pub max_header_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            image_member_quota: 128,
            image_size_cap: 1 << 40,
            image_property_quota: 128,
            user_storage_quota: 0,
            client_socket_timeout: Duration::from_secs(900),
            max_request_body_size: 114_688,
            max_header_line: 16_384,
        }
    }
}

/// The image service: every use case hangs off this handle; cheap to clone.
#[derive(Clone, Debug)]
pub struct Glint {
    db: Db,
    store: BlobStore,
    /// Shared, not copied: axum clones the state into every route (hundreds, with the
    /// `/v1.0`, `/v1.1` and `/v2.N` aliases), and a deep copy of the rule sets each time cost
    /// 7.5 MiB of start-up heap (heaptrack, BENCHMARKS.md).
    policy: Arc<Policy>,
    limits: Limits,
    scrub: ScrubSettings,
    uploads: Arc<leases::Uploads>,
    /// Serialises the storage-quota re-check and the commit of completed uploads in this
    /// process, so that uploads racing within one instance never end over the quota together.
    quota_commit: Arc<tokio::sync::Mutex<()>>,
}

impl Glint {
    /// The service with glint's built-in policy defaults.
    pub fn new(db: Db, store: BlobStore, limits: Limits) -> Self {
        Self::with_policy(db, store, limits, Policy::default())
    }

    /// The service with `policy` (the defaults with an operator's overrides) in force.
    pub fn with_policy(db: Db, store: BlobStore, limits: Limits, policy: Policy) -> Self {
        Self {
            db,
            store,
            policy: Arc::new(policy),
            limits,
            scrub: ScrubSettings::default(),
            uploads: leases::Uploads::new(),
            quota_commit: Default::default(),
        }
    }

    /// The same service with `settings` for leases and scrubs.
    pub fn with_scrub(mut self, settings: ScrubSettings) -> Self {
        self.scrub = settings;
        self
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Database reachability, for health checks.
    pub async fn ping_database(&self) -> Result<(), ServiceError> {
        Ok(self.db.ping().await?)
    }

    /// Blob store reachability, for health checks.
    pub async fn ping_store(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }

    /// Fails with [`ServiceError::PolicyDenied`] unless the policy allows `action`. Glance 15's
    /// v1 checks its rules against an empty target (`_enforce(req, action)`), so rules that
    /// compare target attributes deny there.
    pub(crate) fn authorize(
        &self,
        ctx: &RequestContext,
        action: Action,
    ) -> Result<(), ServiceError> {
        if self
            .policy
            .allows(Api::V1, action.rule_name(), ctx, &Target::none())
        {
            Ok(())
        } else {
            Err(ServiceError::PolicyDenied)
        }
    }
}

/// Read-only guard (Glance `utils.mutating`): anonymous callers change nothing.
pub(crate) fn ensure_writable(ctx: &RequestContext) -> Result<(), ServiceError> {
    if ctx.read_only {
        Err(ServiceError::ReadOnly)
    } else {
        Ok(())
    }
}
