//! `/v2/schemas/*`: the JSON schemas Glance serves (clients such as python-glanceclient fetch
//! them to build and validate requests).

use crate::AppState;
use axum::Router;

/// The schema routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
}
