//! `/v2/info/*`: discovery documents clients call on their normal paths (import methods,
//! stores).

use crate::AppState;
use axum::Router;

/// The info routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
}
