//! Limits on request heads that hyper does not check itself. hyper refuses more than
//! `max_headers` headers (431) and heads over its buffer (431) before glint sees the request;
//! the length of one header line is checked here, as eventlet's `max_header_line` does for
//! Glance (16384 bytes by default; eventlet answers `400 Header Line Too Long`).

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses a request with a header line (`Name: value`) longer than `max_header_line`.
pub async fn header_lines(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let max = state.glint.limits().max_header_line;
    let too_long = request
        .headers()
        .iter()
        .any(|(name, value)| name.as_str().len() + 2 + value.len() > max);
    if too_long {
        return ApiError::explained(StatusCode::BAD_REQUEST, "Header Line Too Long")
            .into_response();
    }
    next.run(request).await
}
