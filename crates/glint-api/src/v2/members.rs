//! Images v2 member handlers (v2-sharing §4).

use crate::AppState;
use axum::Router;

/// The member routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
}
