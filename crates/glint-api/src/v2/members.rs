//! Images v2 member handlers (v2-sharing §3, §4; Glance `ImageMembersController`): parse the
//! request in Glance's order (`body_reject`, then the body), then call the v2 member use cases.

use super::errors::member_call;
use super::member_wire::{self, parse_create, parse_update, reject_body};
use super::reject;
use crate::AppState;
use crate::body::JsonBody;
use crate::error::ApiError;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use glint_core::RequestContext;

/// The member routes of v2 (Glance `router.py`; other methods 405 with `Allow`, HEAD included:
/// Glance's routes take GET only).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/images/{image_id}/members",
            get(list)
                .post(create)
                .head(reject("GET, POST"))
                .fallback(reject("GET, POST")),
        )
        .route(
            "/images/{image_id}/members/{member_id}",
            get(show)
                .put(update)
                .delete(remove)
                .head(reject("GET, PUT, DELETE"))
                .fallback(reject("GET, PUT, DELETE")),
        )
}

/// `GET /v2/images/{id}/members`.
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    image_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let image_id = path(image_id)?;
    reject_body(&headers)?;
    let rows = state
        .glint
        .v2_list_members(&ctx, &image_id)
        .await
        .map_err(member_call)?;
    Ok(member_wire::members(&rows))
}

/// `POST /v2/images/{id}/members`: 200 (not 201) with the new member.
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    image_id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let image_id = path(image_id)?;
    let member = parse_create(body)?;
    let row = state
        .glint
        .v2_add_member(&ctx, &image_id, &member)
        .await
        .map_err(member_call)?;
    Ok(member_wire::member(&row))
}

/// `GET /v2/images/{id}/members/{member}`.
async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (image_id, member) = path(ids)?;
    reject_body(&headers)?;
    let row = state
        .glint
        .v2_show_member(&ctx, &image_id, &member)
        .await
        .map_err(member_call)?;
    Ok(member_wire::member(&row))
}

/// `PUT /v2/images/{id}/members/{member}`: the member accepts, rejects or resets its status.
async fn update(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (image_id, member) = path(ids)?;
    let status = parse_update(body)?;
    let row = state
        .glint
        .v2_update_member_status(&ctx, &image_id, &member, status)
        .await
        .map_err(member_call)?;
    Ok(member_wire::member(&row))
}

/// `DELETE /v2/images/{id}/members/{member}`: 204.
async fn remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (image_id, member) = path(ids)?;
    reject_body(&headers)?;
    state
        .glint
        .v2_remove_member(&ctx, &image_id, &member)
        .await
        .map_err(member_call)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Path segments axum cannot decode (not UTF-8): a WebOb-framed 400 rather than axum's bare one.
fn path<T>(extracted: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    extracted
        .map(|Path(value)| value)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}
