//! The use-case error enum. Each variant is one observable Glance outcome; the HTTP layer maps
//! them to status codes and WebOb bodies in one place (`glint-api/src/error.rs`).

use glint_core::policy::members_v2::{MemberCall, MemberRule};
use glint_db::DbError;
use glint_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Anonymous caller attempted a change (403 `Read-only access`).
    #[error("Read-only access")]
    ReadOnly,
    /// Authenticated without a tenant, and not admin (401 `No authenticated user`).
    #[error("No authenticated user")]
    NoAuthenticatedUser,
    /// A policy rule denied the call (403, no message, as Glance).
    #[error("policy denied")]
    PolicyDenied,
    /// A secure-RBAC rule denied an Images v2 call (403 `You are not authorized to complete
    /// <rule> action.`, Glance `glance/api/v2/policy.py`).
    #[error("You are not authorized to complete {0} action.")]
    RuleDenied(&'static str),
    /// A client-chosen id that exists already (409; v1 and v2 word it differently).
    #[error("An image with identifier {0} already exists")]
    DuplicateImageId(String),
    /// v2: a tag the image does not carry (bare 404, as Glance).
    #[error("The resource could not be found.")]
    TagNotFound,
    /// v2 download of an image without data (Glance answers 204 No Content).
    #[error("The requested image has no data")]
    NoImageData,
    /// A ranged download whose range lies outside the data (416).
    #[error("Requested range not satisfiable")]
    RangeNotSatisfiable { size: u64 },
    /// Missing, invisible or (for non-admins) deleted image; carries the id as the caller wrote it.
    #[error("Image with identifier {0} not found")]
    ImageNotFound(String),
    /// A deleted image looked up by an admin for a membership call.
    #[error("Image with identifier {0} has been deleted.")]
    ImageDeleted(String),
    /// The caller may not change this image's membership list (Glance: registry 403 → API 404).
    #[error("No permission to share that image")]
    NoPermissionToShare,
    /// No such membership (Glance: registry 404 → API 404).
    #[error("Membership could not be found.")]
    MembershipNotFound,
    /// Too many members (413).
    #[error(
        "The limit has been exceeded on the number of allowed image members for this image. \
         Attempted: {attempted}, Maximum: {maximum}"
    )]
    MemberQuotaExceeded { attempted: u64, maximum: i64 },
    /// v2 member call on an image that is not `shared` (403; show: 404). The wording depends on
    /// the call (Glance `ImageMembersController`, `_check_visibility_and_ownership`).
    #[error("{}", not_shared_message(*.call, .image_id))]
    MembersOnlyOnSharedImages { call: MemberCall, image_id: String },
    /// v2: policy `get_image` denied inside a member call: the image is hidden (bare 404).
    #[error("image hidden by policy get_image")]
    MemberCallHidden,
    /// v2: a member rule denied the call (403; show: 404).
    #[error("You are not authorized to complete {} action.", .rule.rule_name())]
    MemberRuleDenied { call: MemberCall, rule: MemberRule },
    /// v2: no live membership row of `member` the caller may see (404).
    #[error("{member} not found in the member list of the image {image_id}.")]
    MemberNotInList { member: String, image_id: String },
    /// v2: the member already has a live row (409).
    #[error("Member {member} is duplicated for image {image_id}")]
    MemberDuplicated { member: String, image_id: String },
    /// v2: too many members (413); Glance appends a colon to the quota message (§4.1).
    #[error(
        "Image member limit exceeded for image {image_id}: The limit has been exceeded on the \
         number of allowed image members for this image. Attempted: {attempted}, Maximum: \
         {maximum}:"
    )]
    V2MemberQuotaExceeded {
        image_id: String,
        attempted: u64,
        maximum: i64,
    },
    /// v2: a status other than the three (400, checked after the authorization steps).
    #[error("Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".")]
    InvalidMemberStatus,
    /// v2: a member id that cannot be stored (400; DECISIONS D19, Glance `no_4byte_params`).
    #[error("{0}")]
    InvalidMember(String),
    /// Data of an image that is not `active` was asked for (404; Glance's API tier raises it
    /// with the message as WebOb detail).
    #[error("Image {0} is not active")]
    ImageNotActive(String),
    /// Data sent to an image that is not `queued` (409, WebOb detail as Glance).
    #[error("Cannot upload to an unqueued image")]
    UploadToUnqueuedImage,
    /// A list marker that names no image the caller can see (400, from Glance's registry).
    #[error("Invalid marker. Image could not be found.")]
    InvalidMarker,
    /// Request content that cannot be accepted (400); the message names the problem.
    #[error("{0}")]
    BadRequest(String),
    /// Refused for this caller or state (403) with Glance's message.
    #[error("{0}")]
    Forbidden(String),
    /// Not found with a specific Glance message (404), e.g. `Image X is not active`.
    #[error("{0}")]
    NotFound(String),
    /// Refused (403) with Glance's message as WebOb *detail* (`HTTPForbidden(msg)`).
    #[error("{0}")]
    ForbiddenDetail(String),
    /// Conflict (409) with Glance's message as WebOb *detail* (`HTTPConflict(msg)`).
    #[error("{0}")]
    ConflictDetail(String),
    /// Data that is not what the image's `disk_format` says (415; Glance 33's format check).
    #[error("{0}")]
    FormatMismatch(String),
    /// Conflicting state (409), e.g. an existing id or an upload to a non-queued image.
    #[error("{0}")]
    Conflict(String),
    /// Too large (413): too many properties, or another limit with Glance's message.
    #[error("{0}")]
    TooLarge(String),
    /// Image data over `image_size_cap` (413); v1 and v2 word it differently.
    #[error("Denying attempt to upload image larger than {cap} bytes.")]
    ImageTooLarge { cap: u64 },
    /// Image data past the project's storage quota (413; glance `StorageQuotaFull`, whose
    /// message v1 and v2 prefix differently). `size` is the size known when it was refused.
    #[error(
        "The size of the data {} will exceed the limit. {remaining} bytes remaining.",
        .size.map_or_else(|| "None".to_owned(), |s| s.to_string())
    )]
    StorageQuotaFull { size: Option<u64>, remaining: u64 },
    /// The image store has no room left (413, glance_store `StorageFull`).
    #[error(
        "Image storage media is full: There is not enough disk space on the image storage media."
    )]
    StorageFull,
    /// The image store refuses writes (503, glance_store `StorageWriteDenied`).
    #[error(
        "Insufficient permissions on image storage media: Permission to write image storage \
         media denied."
    )]
    StorageWriteDenied,
    /// The client sent nothing for `client_socket_timeout` in the middle of its data (408).
    #[error("The client sent no data for {secs} seconds.")]
    ClientTimeout { secs: u64 },
    /// The image changed under the request (412), e.g. deleted during its upload.
    #[error("{0}")]
    PreconditionFailed(String),
    /// A back end (database, store) is unreachable (503); the message is for logs.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Anything else (500); the message is for logs only.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Glance's per-call wording when an image is not `shared`.
fn not_shared_message(call: MemberCall, image_id: &str) -> String {
    let verb = match call {
        MemberCall::Create => "create",
        MemberCall::List => {
            return format!(
                "Not allowed to list members for image {image_id}: Only shared images have \
                 members."
            );
        }
        MemberCall::Show => return "Only shared images have members.".to_owned(),
        MemberCall::Update => "update",
        MemberCall::Delete => "delete",
    };
    format!("Not allowed to {verb} members for image {image_id}.")
}

impl From<DbError> for ServiceError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Unavailable(m) => ServiceError::Unavailable(m),
            DbError::Duplicate => ServiceError::Internal("unexpected duplicate key".into()),
            DbError::Unrepresentable(_) => ServiceError::BadRequest(
                "The request contains a character the image database cannot store (such as NUL)."
                    .into(),
            ),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Backend(m) => ServiceError::Unavailable(m),
            StoreError::Full(cause) => {
                tracing::error!(%cause, "image store full");
                ServiceError::StorageFull
            }
            StoreError::WriteDenied(cause) => {
                tracing::error!(%cause, "image store refuses writes");
                ServiceError::StorageWriteDenied
            }
            other => ServiceError::Internal(other.to_string()),
        }
    }
}
