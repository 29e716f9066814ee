//! `/v2/info/*`: discovery documents clients call on their normal paths (import methods,
//! stores, usage), answered as Glance 33 (`glance/api/v2/discovery.py`) answers them in a
//! deployment configured like glint.

use super::reject;
use super::schemas::{json_document, reject_body};
use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};

/// `GET /v2/info/import`. Glance reports its `enabled_import_methods` option verbatim
/// (`InfoController.get_image_import`); its default lists `glance-direct`, `web-download`
/// and `copy-image`. glint implements none of the interoperable-import calls (no staging
/// `PUT /stage`, no `POST /import`): images get their data by direct upload (`PUT /file`),
/// which this document does not describe. So glint answers as a Glance with
/// `enabled_import_methods = []` does: an empty list. Clients read it to choose a path:
/// python-glanceclient's `image-create-via-import` refuses an unlisted method up front and
/// its plain `image-create` uploads directly; openstacksdk imports only when asked
/// (`use_import`). Advertising methods glint would then reject with 404 would send those
/// clients down a path that fails half-way, after the image record exists.
const IMPORT: &str = r#"{"import-methods": {"description": "Import methods available.", "type": "array", "value": []}}"#;

/// `GET /v2/info/usage`. Glance reports per-project usage against Keystone unified limits
/// only when `use_keystone_limits` is on; otherwise `ks_quota.get_usage` is empty and the
/// answer is `{"usage": {}}` (what the peer sends by default). glint enforces no unified
/// limits, so it has nothing else to report.
const USAGE: &str = r#"{"usage": {}}"#;

/// The info routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/info/import",
            get(|headers: HeaderMap| async move { json_document(&headers, IMPORT) })
                .head(reject("GET"))
                .fallback(reject("GET")),
        )
        .route(
            "/info/stores",
            get(stores).head(reject("GET")).fallback(reject("GET")),
        )
        .route(
            "/info/stores/detail",
            get(stores).head(reject("GET")).fallback(reject("GET")),
        )
        .route("/info/usage", any(usage))
}

/// `/v2/info/usage`, every method. Glance maps only GET here, without a 405 controller:
/// other methods, HEAD included, fall through to its 404 (peer: POST and HEAD → 404). One
/// handler for all methods, as a method fallback would add an `Allow` header Glance does
/// not send.
async fn usage(method: Method, headers: HeaderMap) -> Response {
    if method == Method::GET {
        json_document(&headers, USAGE)
    } else {
        ApiError::new(StatusCode::NOT_FOUND).into_response()
    }
}

/// `GET /v2/info/stores` and `/stores/detail`. Glance lists stores only when multiple
/// backends are configured (`enabled_backends`); with the single default store, which is
/// glint's model (one blob store per deployment), both answer 404 with this message before
/// any policy check. python-glanceclient and openstacksdk call them only when the user
/// names a store.
async fn stores(headers: HeaderMap) -> Result<Response, ApiError> {
    reject_body(&headers)?;
    Err(ApiError::explained(
        StatusCode::NOT_FOUND,
        "Multi backend is not supported at this site.",
    ))
}
