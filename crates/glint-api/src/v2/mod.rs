//! Images API v2: routes (Glance `glance/api/v2/router.py`), JSON wire types, handlers.
//! Like v1, an adapter over `glint-service` (ARCHITECTURE rule 1).

pub(crate) mod errors;
pub(crate) mod image_wire;
mod images;
mod info;
pub(crate) mod list_query;
pub(crate) mod member_wire;
mod members;
pub(crate) mod patch;
mod schemas;
mod validate;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::Method;

/// A 405 answer for methods a route does not take (Glance `RejectMethodController`).
pub(crate) fn reject(
    allow: &'static str,
) -> impl Fn(Method) -> std::future::Ready<ApiError> + Clone {
    move |method: Method| {
        std::future::ready(ApiError::method_not_allowed(method.as_str(), Some(allow)))
    }
}

/// `GET /v2` (no trailing slash): Glance redirects to `/v2/`.
pub async fn redirect_to_index(headers: axum::http::HeaderMap) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let mut response = StatusCode::FOUND.into_response();
    let location = format!("{}/v2/", crate::base_url(&headers));
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf8"),
    );
    response
}

/// The v2 routes, to be nested under `/v2`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(images::routes())
        .merge(members::routes())
        .merge(schemas::routes())
        .merge(info::routes())
}
