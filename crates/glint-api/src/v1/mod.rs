//! Images API v1: routes (Glance `glance/api/v1/router.py`), header codec, handlers.

pub(crate) mod headers;
mod image_path;
pub(crate) mod images;
pub(crate) mod members;
pub(crate) mod query;
mod wire;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, head, put};

/// A 405 answer for methods a route does not take.
fn reject(allow: &'static str) -> impl Fn(Method) -> std::future::Ready<ApiError> + Clone {
    move |method: Method| {
        std::future::ready(ApiError::method_not_allowed(method.as_str(), Some(allow)))
    }
}

/// `GET /v1/` (with the trailing slash): an alias of the image list.
pub fn index_alias() -> MethodRouter<AppState> {
    get(images::index).fallback(reject("GET"))
}

/// The v1 routes, to be nested under `/v1`, `/v1.0` and `/v1.1`.
pub fn router() -> Router<AppState> {
    let images: MethodRouter<AppState> = get(images::index)
        .post(images::create)
        .fallback(reject("GET, POST"));
    Router::new()
        .route("/", get(images::index).fallback(reject("GET")))
        .route("/images", images)
        .route(
            "/images/detail",
            get(images::detail)
                .head(reject("GET"))
                .fallback(reject("GET")),
        )
        .route(
            "/images/{id}",
            get(images::show)
                .head(images::meta)
                .put(images::update)
                .delete(images::delete)
                .fallback(reject("GET, HEAD, PUT, DELETE")),
        )
        .route(
            "/images/{id}/members",
            get(members::list)
                .put(members::replace)
                // axum would route HEAD to the GET handler; Glance's route takes GET only.
                .head(reject("GET, PUT"))
                .fallback(reject("GET, PUT")),
        )
        .route(
            "/images/{id}/members/{member}",
            put(members::add)
                .delete(members::remove)
                .get(members::show_not_allowed)
                .head(reject("GET, PUT, DELETE"))
                .fallback(reject("GET, PUT, DELETE")),
        )
        .route(
            "/shared-images/{member}",
            get(members::shared_images)
                .merge(head(members::shared_images))
                .fallback(reject("GET, HEAD")),
        )
}
