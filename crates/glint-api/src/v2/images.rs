//! Images v2 image handlers: create, show, list, patch, delete, data, tags, actions
//! (Glance `glance/api/v2/router.py`, `images.py`, `image_data.py`, `image_tags.py`,
//! `image_actions.py`).

use crate::AppState;
use crate::body::JsonBody;
use crate::error::ApiError;
// Glance's tag controller words an unknown image as the member controller does.
use crate::v2::errors::{image_call, member_call as tag_call};
use crate::v2::{image_wire, list_query, patch, reject};
use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use glint_core::RequestContext;
use glint_service::ByteRange;
use serde_json::{Value, json};

/// The image routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/images",
            get(index)
                .post(create)
                .head(reject("GET, POST"))
                .fallback(reject("GET, POST")),
        )
        .route(
            "/images/{id}",
            get(show)
                .patch(update)
                .delete(delete)
                .head(reject("GET, PATCH, DELETE"))
                .fallback(reject("GET, PATCH, DELETE")),
        )
        .route(
            "/images/{id}/file",
            get(download)
                .put(upload)
                .head(reject("GET, PUT"))
                .fallback(reject("GET, PUT")),
        )
        .route(
            "/images/{id}/tags/{tag}",
            put(add_tag)
                .delete(delete_tag)
                .fallback(reject("PUT, DELETE")),
        )
        .route(
            "/images/{id}/actions/deactivate",
            post(deactivate).fallback(reject("POST")),
        )
        .route(
            "/images/{id}/actions/reactivate",
            post(reactivate).fallback(reject("POST")),
        )
}

/// `POST /v2/images`: 201 with the image and its `Location`.
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let new = image_wire::parse_create(body)?;
    let image = state
        .glint
        .v2_create_image(&ctx, new)
        .await
        .map_err(image_call)?;
    let mut response = (
        StatusCode::CREATED,
        axum::Json(image_wire::image_json(&image)),
    )
        .into_response();
    let location = format!("{}/v2/images/{}", crate::base_url(&headers), image.id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `GET /v2/images`.
async fn index(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    // Unlike show and delete, Glance's list route does not refuse a body.
    let query = list_query::parse(&ctx, &pairs)?;
    let images = state
        .glint
        .v2_list_images(&ctx, &query)
        .await
        .map_err(image_call)?;
    let mut result = json!({
        "images": images.iter().map(image_wire::image_json).collect::<Vec<_>>(),
        "first": "/v2/images",
        "schema": "/v2/schemas/images",
    });
    // Glance repeats the query (without `marker`) in `first`, and adds `next` when the page
    // is full, with the last image as the marker.
    let mut params: Vec<(String, String)> = Vec::new();
    for (k, v) in &pairs {
        match params.iter_mut().find(|(name, _)| name == k) {
            Some(existing) => existing.1 = v.clone(),
            None => params.push((k.clone(), v.clone())),
        }
    }
    params.retain(|(k, _)| k != "marker");
    if !params.is_empty() {
        result["first"] = Value::String(format!("/v2/images?{}", urlencode(&params)));
    }
    if let Some(last) = images.last()
        && images.len() as u64 >= u64::from(query.limit)
        && query.limit > 0
    {
        params.push(("marker".into(), last.id.to_string()));
        result["next"] = Value::String(format!("/v2/images?{}", urlencode(&params)));
    }
    Ok(axum::Json(result).into_response())
}

/// `GET /v2/images/{id}`.
async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    reject_body(&body)?;
    let image = state
        .glint
        .v2_show_image(&ctx, &id)
        .await
        .map_err(image_call)?;
    Ok(axum::Json(image_wire::image_json(&image)).into_response())
}

/// `PATCH /v2/images/{id}` with a JSON-patch document.
async fn update(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let Some(strict_add) = patch::draft_of(content_type) else {
        let mut response = patch::unsupported_media_type(content_type).into_response();
        // Glance adds the accepted types to the explanation and as `Accept-Patch`.
        if let Ok(value) = HeaderValue::from_str(&patch::MEDIA_TYPES.join(", ")) {
            response.headers_mut().insert("accept-patch", value);
        }
        return Ok(response);
    };
    let document = patch::parse(body, strict_add)?;
    let image = state
        .glint
        .v2_update_image(
            &ctx,
            &id,
            document.requested_visibility(),
            !document.changes.is_empty(),
            |current| patch::apply(&document, current),
        )
        .await
        .map_err(image_call)?;
    Ok(axum::Json(image_wire::image_json(&image)).into_response())
}

/// `DELETE /v2/images/{id}`: 204.
async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    reject_body(&body)?;
    state
        .glint
        .v2_delete_image(&ctx, &id)
        .await
        .map_err(image_call)?;
    // Glance's 204 here carries `Content-Type: text/html; charset=UTF-8` (transcript #39).
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `PUT /v2/images/{id}/file`: the data, streamed (`application/octet-stream` only).
async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let media = content_type
        .and_then(|ct| ct.split(';').next())
        .map(str::trim);
    if media != Some("application/octet-stream") {
        // Glance `Request.get_content_type(('application/octet-stream',))`.
        return Err(unsupported(
            content_type,
            format!("Invalid content type {}", content_type.unwrap_or("None")),
        ));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    if let Some(size) = declared
        && u64::try_from(size).is_ok_and(|s| s > state.glint.limits().image_size_cap)
    {
        return Err(ApiError::explained(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The incoming image is too large: Image exceeds the size cap of {} bytes.",
                state.glint.limits().image_size_cap
            ),
        ));
    }
    state
        .glint
        // The declared size is what Glance passes to `set_data`: the quota is checked with it
        // before any byte is stored.
        .v2_upload(&ctx, &id, body.into_data_stream(), declared)
        .await
        .map_err(image_call)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /v2/images/{id}/file`: 200 with the data, 206 for a satisfiable `Range`, 204 when the
/// image has no data, 416 for a range outside it.
async fn download(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    reject_body(&body)?;
    let range = match headers.get(header::RANGE) {
        None => None,
        Some(value) => Some(parse_range(value.to_str().unwrap_or_default())?),
    };
    let (download, served) = match state.glint.v2_download(&ctx, &id, range).await {
        Ok(found) => found,
        Err(glint_service::ServiceError::NoImageData) => {
            // Unlike its other 204s, Glance sends this one without a Content-Type (peer run).
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        Err(other) => return Err(image_call(other)),
    };
    let image = &download.image;
    let size = u64::try_from(image.size.unwrap_or(0)).unwrap_or(0);
    let (status, length) = match &served {
        Some(r) => (StatusCode::PARTIAL_CONTENT, r.end - r.start),
        None => (StatusCode::OK, size),
    };
    let checksum = image.checksum.clone();
    let mut response = Response::new(Body::from_stream(download.body));
    *response.status_mut() = status;
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Some(r) = &served
        && let Ok(value) = HeaderValue::from_str(&format!("bytes {}-{}/{size}", r.start, r.end - 1))
    {
        out.insert(header::CONTENT_RANGE, value);
    }
    if let Some(value) = checksum.and_then(|c| HeaderValue::from_str(&c).ok()) {
        out.insert("content-md5", value);
    }
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok(response)
}

/// `PUT /v2/images/{id}/tags/{tag}`: 204.
async fn add_tag(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, tag)) = ids.map_err(|_| ApiError::new(StatusCode::NOT_FOUND))?;
    if tag.chars().count() > super::validate::MAX_STRING {
        return Err(ApiError::bad_request(format!(
            "Provided object does not match schema 'image': {} is too long",
            super::validate::py_repr(&Value::String(tag))
        )));
    }
    state
        .glint
        .v2_set_tag(&ctx, &id, &tag, true)
        .await
        .map_err(tag_call)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `DELETE /v2/images/{id}/tags/{tag}`: 204, or 404 when the image has no such tag.
async fn delete_tag(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let Path((id, tag)) = ids.map_err(|_| ApiError::new(StatusCode::NOT_FOUND))?;
    reject_body(&body)?;
    state
        .glint
        .v2_set_tag(&ctx, &id, &tag, false)
        .await
        .map_err(tag_call)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /v2/images/{id}/actions/deactivate`: 204.
async fn deactivate(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    state
        .glint
        .v2_deactivate(&ctx, &id)
        .await
        .map_err(image_call)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /v2/images/{id}/actions/reactivate`: 204.
async fn reactivate(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = image_id(id)?;
    state
        .glint
        .v2_reactivate(&ctx, &id)
        .await
        .map_err(image_call)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// An `{id}` that does not decode cannot name an image: 404 like an unknown one.
fn image_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|_| image_call(glint_service::ServiceError::ImageNotFound(String::new())))
}

/// Routes Glance marks `body_reject`: a body → 400.
fn reject_body(body: &JsonBody) -> Result<(), ApiError> {
    match body.0 {
        Some(_) => Err(ApiError::bad_request(
            "A body is not expected with this request.",
        )),
        None => Ok(()),
    }
}

/// An empty answer as WebOb sends it (`Content-Type: text/html; charset=UTF-8`, no body).
fn empty(status: StatusCode) -> Response {
    let mut response = status.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    response
}

/// `Range: bytes=first-last | first- | -suffix` (Glance, through WebOb): several ranges → 400,
/// anything else unparsable → 416 `Invalid Range header.`
fn parse_range(raw: &str) -> Result<ByteRange, ApiError> {
    let invalid = || ApiError::detailed(StatusCode::RANGE_NOT_SATISFIABLE, "Invalid Range header.");
    let spec = raw
        .trim()
        .strip_prefix("bytes=")
        .ok_or_else(invalid)?
        .trim();
    if spec.contains(',') {
        return Err(ApiError::bad_request(
            "Requests with multiple ranges are not supported in Glance. You may make multiple \
             single-range requests instead.",
        ));
    }
    let (first, last) = spec.split_once('-').ok_or_else(invalid)?;
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| s.parse::<u64>().map_err(|_| invalid());
    if first.is_empty() {
        return Ok(ByteRange::Suffix(number(last)?));
    }
    let first = number(first)?;
    let last = if last.is_empty() {
        None
    } else {
        Some(number(last)?)
    };
    if last.is_some_and(|l| l < first) {
        return Err(invalid());
    }
    Ok(ByteRange::From { first, last })
}

/// 415 as WebOb words it, with Glance's message as the detail.
fn unsupported(content_type: Option<&str>, detail: String) -> ApiError {
    // WebOb fills `${CONTENT_TYPE}` from the request; without the header the template is
    // left as it is (what Glance sends).
    let shown = content_type.unwrap_or("${CONTENT_TYPE}");
    ApiError::explained_with_detail(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("The request media type {shown} is not supported by this server."),
        detail,
    )
}

/// Python's `urllib.parse.urlencode` (`quote_plus` on keys and values).
fn urlencode(pairs: &[(String, String)]) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const QUOTE_PLUS: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'_')
        .remove(b'.')
        .remove(b'-')
        .remove(b'~')
        .remove(b' ');
    let enc = |s: &str| {
        utf8_percent_encode(s, QUOTE_PLUS)
            .to_string()
            .replace(' ', "+")
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let ok = |raw: &str| parse_range(raw).ok();
        assert_eq!(
            ok("bytes=0-9"),
            Some(ByteRange::From {
                first: 0,
                last: Some(9)
            })
        );
        assert_eq!(ok("bytes=-5"), Some(ByteRange::Suffix(5)));
        assert_eq!(
            ok("bytes=7-"),
            Some(ByteRange::From {
                first: 7,
                last: None
            })
        );
        let status = |raw: &str| parse_range(raw).map(|_| ()).expect_err("refused").status;
        assert_eq!(status("bytes=0-1,4-5"), StatusCode::BAD_REQUEST);
        assert_eq!(status("items=0-1"), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(status("bytes=5-2"), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(status("bytes=abc"), StatusCode::RANGE_NOT_SATISFIABLE);
    }

    #[test]
    fn query_encoding_is_pythons() {
        let pairs = vec![
            ("name".to_owned(), "a b/c".to_owned()),
            ("limit".to_owned(), "2".to_owned()),
        ];
        assert_eq!(urlencode(&pairs), "name=a+b%2Fc&limit=2");
    }
}
