//! How v2 words the service errors whose text differs from v1's. Everything else renders as
//! [`ApiError::from`] does (`crate::error`, the one mapping of service errors to HTTP).

use crate::error::ApiError;
use axum::http::StatusCode;
use glint_service::ServiceError;

/// For image calls (`/v2/images/{id}`, `/file`, tags, actions): an invisible image is
/// `No image found with ID <id>` (Glance `ImagesController.show`, transcript #31).
pub(crate) fn image_call(err: ServiceError) -> ApiError {
    match err {
        ServiceError::ImageNotFound(id) | ServiceError::ImageDeleted(id) => ApiError::explained(
            StatusCode::NOT_FOUND,
            format!("No image found with ID {id}"),
        ),
        ServiceError::DuplicateImageId(id) => ApiError::explained(
            StatusCode::CONFLICT,
            format!("Image ID {id} already exists!"),
        ),
        // Glance 33 `ImageDataController.upload` words the limits its own way.
        ServiceError::ImageTooLarge { cap } => ApiError::explained(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The incoming image is too large: Image exceeds the size cap of {cap} bytes."),
        ),
        ServiceError::StorageQuotaFull { .. } => ApiError::explained(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Image exceeds the storage quota: {err}"),
        ),
        // An image deleted while its data streamed in: v1 answers 412, v2 410 (Glance
        // `ImageDataController.upload` raises `HTTPGone`).
        ServiceError::PreconditionFailed(message) => ApiError::explained(StatusCode::GONE, message),
        other => other.into(),
    }
}

/// For member calls (`/v2/images/{id}/members…`): an invisible image is `Image <id> not found.`
/// (Glance `ImageMembersController._lookup_image`, v2-sharing §4, transcript #33).
pub(crate) fn member_call(err: ServiceError) -> ApiError {
    match err {
        ServiceError::ImageNotFound(id) | ServiceError::ImageDeleted(id) => {
            ApiError::explained(StatusCode::NOT_FOUND, format!("Image {id} not found."))
        }
        other => other.into(),
    }
}
