//! Narrow entry points into the request parsers, for the cargo-fuzz targets in `fuzz/` and for
//! property tests (RELIABILITY.md §6). Each takes input as a client sends it and runs the same
//! checks, in the same order, as the handler does before it calls `glint-service`, returning
//! what the handler would act on or the error it would answer. Not a stable API.

use crate::error::ApiError;
use crate::v1::headers::{V1Meta, write_image_headers};
use crate::v1::images::{self as v1_images, MetadataChanges};
use crate::v2::errors::image_call;
use crate::v2::{image_wire, list_query as v2_query, member_wire, patch};
use axum::extract::Query;
use axum::http::{HeaderMap, Uri};
use glint_core::list::ImageListQuery;
use glint_core::{Image, MemberStatus, RequestContext};
use glint_service::NewImage;
use serde_json::Value;
use std::collections::BTreeMap;

/// A request body as the JSON extractor reads it: `None` when empty, else an object or array.
pub fn json_body(bytes: &[u8]) -> Result<Option<Value>, ApiError> {
    crate::body::decode(bytes)
}

/// The query string of `uri` decoded into pairs as the list handlers receive them (axum's
/// `Query<Vec<(String, String)>>`); a query axum cannot decode is its 400.
pub fn query_pairs(uri: &Uri) -> Result<Vec<(String, String)>, ApiError> {
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|Query(pairs)| pairs)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// `GET /v1/images[/detail]` query pairs → the validated list query.
pub fn v1_list_query(
    ctx: &RequestContext,
    pairs: &[(String, String)],
) -> Result<ImageListQuery, ApiError> {
    crate::v1::query::parse(ctx, pairs)
}

/// `GET /v2/images` query pairs → the validated list query.
pub fn v2_list_query(
    ctx: &RequestContext,
    pairs: &[(String, String)],
) -> Result<ImageListQuery, ApiError> {
    v2_query::parse(ctx, pairs)
}

/// The custom properties named by `x-image-meta-property-*` headers (`None`: sent empty).
pub fn v1_header_properties(
    headers: &HeaderMap,
) -> Result<BTreeMap<String, Option<String>>, ApiError> {
    V1Meta::parse(headers).map(|meta| meta.properties)
}

/// `POST /v1/images` headers → the image the handler would reserve (`cap`: `image_size_cap`).
pub fn v1_create(headers: &HeaderMap, cap: u64) -> Result<NewImage, ApiError> {
    let meta = V1Meta::parse(headers)?;
    v1_images::check_size_cap(headers, &meta, cap)?;
    let with_data = v1_images::has_body(headers);
    v1_images::reject_external_sources(headers, &meta)?;
    let new = v1_images::new_image(&meta)?;
    if with_data {
        v1_images::require_formats(new.disk_format.as_deref(), new.container_format.as_deref())?;
        v1_images::require_octet_stream(headers)?;
    }
    // The declared size and checksum are read again for the upload check.
    meta.int("size")?;
    Ok(new)
}

/// `PUT /v1/images/{id}` headers (without data) applied to `current`: the record the handler
/// would store, or its refusal.
pub fn v1_update(
    headers: &HeaderMap,
    cap: u64,
    current: &Image,
    is_admin: bool,
) -> Result<Image, ApiError> {
    let meta = V1Meta::parse(headers)?;
    meta.validate_times()?;
    v1_images::check_size_cap(headers, &meta, cap)?;
    v1_images::reject_external_sources(headers, &meta)?;
    let changes = MetadataChanges::from_meta(&meta)?;
    let purge = headers
        .get("x-glance-registry-purge-props")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    changes
        .apply(current, is_admin, false, purge)
        .map_err(ApiError::from)
}

/// The `x-image-meta-*` headers of a v1 `HEAD` answer for `image`.
pub fn v1_image_headers(image: &Image) -> HeaderMap {
    let mut headers = HeaderMap::new();
    write_image_headers(&mut headers, image);
    headers
}

/// `PUT /v1/images/{id}/members/{member}` body → `can_share` (after the path's member id).
pub fn v1_member_add(member: &str, body: Option<Value>) -> Result<Option<bool>, ApiError> {
    let member = crate::v1::members::parse_member_id(member)?;
    crate::v1::members::parse_add_body(body, &member)
}

/// `PUT /v1/images/{id}/members` body → `(member, can_share)` of each membership.
pub fn v1_memberships(body: Option<Value>) -> Result<Vec<(String, Option<bool>)>, ApiError> {
    Ok(crate::v1::members::parse_memberships(body)?
        .into_iter()
        .map(|change| (change.member.as_str().to_owned(), change.can_share))
        .collect())
}

/// `POST /v2/images` body → the image to create.
pub fn v2_image_create(body: Option<Value>) -> Result<NewImage, ApiError> {
    image_wire::parse_create(body)
}

/// An image as `GET /v2/images/{id}` shows it.
pub fn v2_image_json(image: &Image) -> Value {
    image_wire::image_json(image)
}

/// `PATCH /v2/images/{id}` with `content_type` and `body`, applied to `current`.
pub fn v2_patch(
    content_type: Option<&str>,
    body: Option<Value>,
    current: &Image,
) -> Result<Image, ApiError> {
    let Some(strict_add) = patch::draft_of(content_type) else {
        return Err(patch::unsupported_media_type(content_type));
    };
    let document = patch::parse(body, strict_add)?;
    patch::apply(&document, current).map_err(image_call)
}

/// `POST /v2/images/{id}/members` body → the member id.
pub fn v2_member_create(body: Option<Value>) -> Result<String, ApiError> {
    member_wire::parse_create(body)
}

/// `PUT /v2/images/{id}/members/{m}` body → the status asked for (`None`: not one of the three).
pub fn v2_member_update(body: Option<Value>) -> Result<Option<MemberStatus>, ApiError> {
    member_wire::parse_update(body)
}

/// Whether `err` is a client error (4xx): a parser must never answer 5xx.
pub fn is_client_error(err: &ApiError) -> bool {
    err.status.is_client_error()
}
