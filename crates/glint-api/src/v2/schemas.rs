//! `/v2/schemas/*`: the JSON schemas Glance serves (clients such as python-glanceclient fetch
//! them to build and validate requests).
//!
//! The bodies are Glance 33's, byte for byte, as a default deployment serves them (the image
//! schema includes the extra properties of Glance's shipped `etc/schema-image.json`, which
//! every packaged Glance installs). python-glanceclient builds a `warlock` model from
//! `/v2/schemas/image` and validates every create and PATCH against it, and reads
//! `additionalProperties` to tell custom properties from core ones, so a drift here changes
//! what the client will send. Only the four schemas of the APIs glint serves are offered:
//! the CLI also asks for `metadefs/namespace` and `metadefs/resource_type` when it fills its
//! schema cache, but it tolerates a 404 for them (`_cache_schemas` swallows the error), and
//! glint has no metadefs API for them to describe.

use super::reject;
use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use std::sync::LazyLock;

/// Glance's `GET /v2/schemas/image` (`glance/api/v2/images.py` `get_schema`, with
/// `load_custom_properties`). Asset kept byte for byte; a trailing newline an editor may add
/// is trimmed.
static IMAGE: LazyLock<&'static str> =
    LazyLock::new(|| include_str!("schemas/image.json").trim_end());

/// Glance's `GET /v2/schemas/member` (`glance/api/v2/image_members.py` `get_schema`;
/// v2-sharing §4.6).
static MEMBER: LazyLock<&'static str> =
    LazyLock::new(|| include_str!("schemas/member.json").trim_end());

/// `GET /v2/schemas/images`: Glance's collection schema wraps the image schema as the item
/// type and adds the paging links (`get_collection_schema` → `glance.schema.CollectionSchema`,
/// whose `raw()` emits exactly this shape).
static IMAGES: LazyLock<String> = LazyLock::new(|| {
    format!(
        concat!(
            r#"{{"name": "images", "properties": {{"images": {{"type": "array", "items": {}}}, "#,
            r#""first": {{"type": "string"}}, "next": {{"type": "string"}}, "#,
            r#""schema": {{"type": "string"}}}}, "links": [{{"rel": "first", "href": "{{first}}"}}, "#,
            r#"{{"rel": "next", "href": "{{next}}"}}, {{"rel": "describedby", "href": "{{schema}}"}}]}}"#
        ),
        *IMAGE
    )
});

/// `GET /v2/schemas/members`: the member schema as item type (v2-sharing §4.6).
static MEMBERS: LazyLock<String> = LazyLock::new(|| {
    format!(
        concat!(
            r#"{{"name": "members", "properties": {{"members": {{"type": "array", "items": {}}}, "#,
            r#""schema": {{"type": "string"}}}}, "links": [{{"rel": "describedby", "href": "{{schema}}"}}]}}"#
        ),
        *MEMBER
    )
});

/// The schema routes of v2.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/schemas/image", schema(|| *IMAGE))
        .route("/schemas/images", schema(|| IMAGES.as_str()))
        .route("/schemas/member", schema(|| *MEMBER))
        .route("/schemas/members", schema(|| MEMBERS.as_str()))
}

/// GET only: Glance routes the other methods, HEAD included, to its 405 `Allow: GET`
/// controller (`glance/api/v2/router.py`, `reject_method_resource`).
fn schema(body: fn() -> &'static str) -> MethodRouter<AppState> {
    get(move |headers: HeaderMap| async move { json_document(&headers, body()) })
        .head(reject("GET"))
        .fallback(reject("GET"))
}

/// A fixed JSON document for a GET that must not carry a body.
pub(super) fn json_document(headers: &HeaderMap, body: &'static str) -> Response {
    if let Err(err) = reject_body(headers) {
        return err.into_response();
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Glance's routes for these documents are marked `body_reject`: any body (Glance's
/// `JSONRequestDeserializer.has_body`: for a GET, a `Content-Length` above zero), whatever
/// its content, is refused before the controller runs (`wsgi.Resource.__call__`).
pub(super) fn reject_body(headers: &HeaderMap) -> Result<(), ApiError> {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|n| n > 0) {
        return Err(ApiError::bad_request(
            "A body is not expected with this request.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use glint_core::image::{CONTAINER_FORMATS, DISK_FORMATS};
    use serde_json::Value;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("schema is JSON")
    }

    fn strings(value: &Value) -> Vec<Option<&str>> {
        value
            .as_array()
            .expect("enum")
            .iter()
            .map(Value::as_str)
            .collect()
    }

    /// `null` first, then the formats in Glance's configured order.
    fn with_null(formats: &[&'static str]) -> Vec<Option<&'static str>> {
        std::iter::once(None)
            .chain(formats.iter().copied().map(Some))
            .collect()
    }

    #[test]
    fn the_disk_format_enum_is_glint_cores_list() {
        let image = parse(&IMAGE);
        assert_eq!(
            strings(&image["properties"]["disk_format"]["enum"]),
            with_null(&DISK_FORMATS)
        );
    }

    #[test]
    fn the_container_format_enum_is_glint_cores_list_plus_compressed() {
        // Glance 33's default `container_formats` ends with `compressed` (added in Rocky,
        // after the v1 API was gone); glint-core's list is Glance 15's. The schema keeps
        // Glance 33's enum; whether glint accepts `compressed` is glint-core's decision,
        // and this test fails as soon as the two lists move apart in any other way.
        let image = parse(&IMAGE);
        let mut expected = with_null(&CONTAINER_FORMATS);
        if !CONTAINER_FORMATS.contains(&"compressed") {
            expected.push(Some("compressed"));
        }
        assert_eq!(
            strings(&image["properties"]["container_format"]["enum"]),
            expected
        );
    }

    #[test]
    fn the_collection_schemas_wrap_the_item_schemas() {
        let images = parse(&IMAGES);
        assert_eq!(images["properties"]["images"]["items"], parse(&IMAGE));
        assert_eq!(images["links"][1]["href"], "{next}");
        let members = parse(&MEMBERS);
        assert_eq!(members["properties"]["members"]["items"], parse(&MEMBER));
        assert_eq!(members["links"][0]["rel"], "describedby");
    }

    #[test]
    fn the_documents_are_glances_bytes() {
        // Lengths Glance 33 sends as Content-Length (peer run, default config).
        assert_eq!(IMAGE.len(), 6083);
        assert_eq!(IMAGES.len(), 6371);
        assert_eq!(MEMBER.len(), 678);
        assert_eq!(MEMBERS.len(), 839);
        assert!(IMAGE.starts_with(r#"{"name": "image", "properties": {"id": "#));
    }
}
