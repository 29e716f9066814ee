//! The `{id}` of `/v1/images/{id}`. A segment that does not decode to UTF-8 cannot name an
//! image, so it is answered like any unknown id (404 "Image with identifier … not found") in
//! WebOb framing, instead of axum's bare 400.

use crate::error::ApiError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use glint_service::ServiceError;
use percent_encoding::percent_decode_str;

pub struct ImageIdPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ImageIdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Self(id)),
            Err(_) => {
                let raw = parts.uri.path().rsplit('/').next().unwrap_or_default();
                let shown = percent_decode_str(raw).decode_utf8_lossy().into_owned();
                Err(ServiceError::ImageNotFound(shown).into())
            }
        }
    }
}
