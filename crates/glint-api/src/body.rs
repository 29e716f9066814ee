//! Reading small JSON request bodies the way Glance's `JSONRequestDeserializer` does
//! (v1-sharing §3.1): a body is present when `Content-Length > 0` or a PUT/POST is chunked, and
//! it is parsed before any other check.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode, header};
use serde_json::Value;

/// Largest JSON body accepted: room for a full member list of long ids, far below anything
/// that could hurt the server.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// An optional JSON document that is an object or an array.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Option<Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !body_present(&request) {
            return Ok(Self(None));
        }
        let bytes = axum::body::to_bytes(request.into_body(), JSON_BODY_LIMIT)
            .await
            .map_err(|_| {
                ApiError::explained(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("Request body is larger than {JSON_BODY_LIMIT} bytes."),
                )
            })?;
        if bytes.is_empty() {
            return Ok(Self(None));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| ApiError::bad_request("Malformed JSON in request body."))?;
        if !(value.is_object() || value.is_array()) {
            return Err(ApiError::bad_request(
                "Unexpected body type. Expected list/dict.",
            ));
        }
        Ok(Self(Some(value)))
    }
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

fn body_present(request: &Request) -> bool {
    let headers = request.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|n| n > 0) {
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
