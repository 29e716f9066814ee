//! glint's HTTP layer: authentication, version discovery, the Images v1 router and the
//! Glance-shaped error rendering. No SQL and no blob I/O here: handlers parse, then call
//! `glint-service`.

pub mod auth;
mod body;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
mod prometheus;
mod request_id;
mod request_limits;
mod v1;
mod v2;
mod versions;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use glint_service::Glint;
use tower_http::catch_panic::CatchPanicLayer;

pub use auth::keystone::Keystone;
pub use auth::{AuthMode, AuthSettings};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub glint: Glint,
}

/// The whole HTTP application.
pub fn app(glint: Glint, auth: AuthSettings) -> Router {
    let state = AppState { glint };
    prometheus::install();
    let v1 = v1::router();
    let v2 = v2::router();
    let mut authenticated = Router::new()
        .nest("/v1", v1.clone())
        .nest("/v1.0", v1.clone())
        .nest("/v1.1", v1)
        .route("/v1/", v1::index_alias())
        .route("/v1.0/", v1::index_alias())
        .route("/v1.1/", v1::index_alias())
        .nest("/v2", v2.clone())
        .route("/v2", get(v2::redirect_to_index));
    // Glance's version negotiation serves every listed v2 minor version at `/v2.N/…` too.
    for (id, _, _) in versions::VERSIONS
        .iter()
        .filter(|(_, _, major)| *major == "v2")
    {
        authenticated = authenticated.nest(&format!("/{id}"), v2.clone());
    }
    let authenticated =
        authenticated.layer(middleware::from_fn_with_state(auth, auth::authenticate));
    Router::new()
        .route("/", get(versions::multiple_choices))
        .route("/versions", get(versions::list))
        .route("/healthcheck", get(healthcheck))
        .route("/metrics", get(prometheus::render))
        .merge(authenticated)
        .route_layer(middleware::from_fn(prometheus::record))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_limits::header_lines,
        ))
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            error::ApiError::new(StatusCode::INTERNAL_SERVER_ERROR).into_response()
        }))
        .layer(middleware::from_fn(error::render_errors))
        .layer(middleware::from_fn(request_id::assign_request_id))
}

/// `http://<Host>`, for absolute `Location` headers.
pub(crate) fn base_url(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn not_found() -> error::ApiError {
    error::ApiError::new(StatusCode::NOT_FOUND)
}

/// `GET /healthcheck`: 200 `OK` when the database and the image store both answer, else 503
/// naming what is unreachable (oslo.middleware's healthcheck answers `OK`, or 503 with a reason).
/// Both are probed at once, each within the back end's own timeouts, so a load balancer sees an
/// outage within seconds and the instance comes back by itself when the back end does.
async fn healthcheck(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (StatusCode, String) {
    let (database, store) = tokio::join!(state.glint.ping_database(), state.glint.ping_store());
    if database.is_ok() && store.is_ok() {
        return (StatusCode::OK, "OK".into());
    }
    let mut problems = Vec::new();
    for (name, outcome) in [("database", database), ("image store", store)] {
        match outcome {
            Ok(()) => problems.push(format!("{name} reachable")),
            Err(err) => {
                tracing::warn!(error = %err, "health check: {name} unreachable");
                problems.push(format!("{name} unreachable"));
            }
        }
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!("Service Unavailable: {}", problems.join("; ")),
    )
}
