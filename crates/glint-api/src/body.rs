//! Reading small JSON request bodies the way Glance's `JSONRequestDeserializer` does
//! (v1-sharing §3.1): a body is present when `Content-Length > 0` or a PUT/POST is chunked, and
//! it is parsed before any other check.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{Method, StatusCode, header};
use serde_json::Value;

/// An optional JSON document that is an object or an array.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Option<Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !body_present(&request) {
            return Ok(Self(None));
        }
        // oslo.middleware `sizelimit` (`max_request_body_size`): a declared length over the
        // limit is refused before reading; a chunked body is cut off once it passes the limit.
        let limit = AppState::from_ref(state)
            .glint
            .limits()
            .max_request_body_size;
        if declared_length(&request).is_some_and(|n| n > limit as u64) {
            return Err(ApiError::explained(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("Request is too large. Larger than max_request_body_size ({limit})."),
            ));
        }
        let bytes = axum::body::to_bytes(request.into_body(), limit)
            .await
            .map_err(|err| {
                if over_limit(&err) {
                    ApiError::explained(StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.")
                } else {
                    ApiError::bad_request("The request body could not be read.")
                }
            })?;
        decode(&bytes).map(Self)
    }
}

/// The bytes of a present body → `None` when empty, else a JSON object or array (400 for
/// anything else, as Glance's `JSONRequestDeserializer`).
pub(crate) fn decode(bytes: &[u8]) -> Result<Option<Value>, ApiError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::bad_request("Malformed JSON in request body."))?;
    if !(value.is_object() || value.is_array()) {
        return Err(ApiError::bad_request(
            "Unexpected body type. Expected list/dict.",
        ));
    }
    Ok(Some(value))
}

impl JsonBody {
    /// For calls that take no body (DECISIONS D9: Glance answers 500 here; glint 400).
    pub fn reject_present(&self) -> Result<(), ApiError> {
        match self.0 {
            Some(_) => Err(ApiError::bad_request(
                "This call does not accept a request body.",
            )),
            None => Ok(()),
        }
    }
}

/// Whether reading the body failed because it passed the limit (not because the client left).
fn over_limit(err: &axum::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

fn body_present(request: &Request) -> bool {
    let headers = request.headers();
    if declared_length(request).is_some_and(|n| n > 0) {
        return true;
    }
    let chunked = headers
        .get(header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            ["chunked", "compress", "deflate", "gzip", "identity"]
                .iter()
                .any(|te| v.to_ascii_lowercase().contains(te))
        });
    chunked && matches!(*request.method(), Method::PUT | Method::POST)
}
