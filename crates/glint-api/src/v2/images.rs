//! Images v2 image handlers: create, show, list, patch, delete, data, tags, actions.

use crate::AppState;
use axum::Router;

/// The image routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
}
