//! Images v1 sharing handlers (v1-sharing §5, DECISIONS D1–D12, D19).

use crate::AppState;
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::v1::wire;
use axum::Extension;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use glint_core::{MemberId, RequestContext};
use glint_service::MemberChange;
use serde_json::{Map, Value};

/// `GET /v1/images/{id}/members`.
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    image_id: Result<Path<String>, PathRejection>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let image_id = path(image_id)?;
    body.reject_present()?;
    let rows = state.glint.list_members(&ctx, &image_id).await?;
    Ok(axum::Json(wire::members(&rows)).into_response())
}

/// `PUT /v1/images/{id}/members`: replace the whole list.
pub async fn replace(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    image_id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let image_id = path(image_id)?;
    let list = parse_memberships(body)?;
    state.glint.replace_members(&ctx, &image_id, list).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /v1/images/{id}/members/{member}`: add a member or change its `can_share`.
pub async fn add(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (image_id, member) = path(ids)?;
    let member = parse_member_id(&member)?;
    let can_share = parse_add_body(body, &member)?;
    state
        .glint
        .add_member(&ctx, &image_id, MemberChange { member, can_share })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /v1/images/{id}/members/{member}`.
pub async fn remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (image_id, member) = path(ids)?;
    body.reject_present()?;
    let member = parse_member_id(&member)?;
    state.glint.remove_member(&ctx, &image_id, &member).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET|HEAD /v1/shared-images/{member}`.
pub async fn shared_images(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    member: Result<Path<String>, PathRejection>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let member = path(member)?;
    body.reject_present()?;
    let member = parse_member_id(&member)?;
    let rows = state.glint.shared_images(&ctx, &member).await?;
    Ok(axum::Json(wire::shared_images(&rows)).into_response())
}

/// `GET /v1/images/{id}/members/{member}`: Glance routes it to a `show` that does not exist,
/// so it is always 405, without `Allow` and without looking at the ids (v1-sharing §4). HEAD is
/// an ordinary rejected method, with `Allow` (see the router).
pub async fn show_not_allowed() -> ApiError {
    ApiError::method_not_allowed("GET", None)
}

/// Path segments axum cannot decode (not UTF-8): a WebOb-framed 400 rather than axum's bare one.
fn path<T>(extracted: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    extracted
        .map(|Path(value)| value)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

pub(crate) fn parse_member_id(raw: &str) -> Result<MemberId, ApiError> {
    MemberId::parse(raw).map_err(|e| ApiError::bad_request(e.0))
}

/// D2: JSON booleans, or the strings "true"/"false" in any case; anything else is refused.
fn parse_can_share(value: &Value) -> Result<bool, ApiError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(ApiError::bad_request(format!(
            "Invalid value for can_share: {other}. Expected true or false."
        ))),
    }
}

/// The fields of one membership object: `can_share` (optional) and, where allowed, `member_id`.
fn membership_fields<'a>(
    object: &'a Map<String, Value>,
    what: &str,
) -> Result<(Option<&'a Value>, Option<bool>), ApiError> {
    if let Some(unknown) = object
        .keys()
        .find(|k| *k != "can_share" && *k != "member_id")
    {
        return Err(ApiError::bad_request(format!(
            "Unexpected key '{unknown}' in {what}. Allowed keys: member_id, can_share."
        )));
    }
    let can_share = object.get("can_share").map(parse_can_share).transpose()?;
    Ok((object.get("member_id"), can_share))
}

/// D1: `{"member": {"can_share": B}}` (python-glanceclient) or the seed's flat
/// `{"can_share": B}`, optionally naming the same `member_id` as the path.
pub(crate) fn parse_add_body(
    body: Option<Value>,
    member: &MemberId,
) -> Result<Option<bool>, ApiError> {
    let Some(body) = body else {
        return Ok(None);
    };
    let Value::Object(mut object) = body else {
        return Err(ApiError::bad_request(
            "Expected a JSON object: {\"member\": {\"can_share\": true|false}}",
        ));
    };
    let inner = match object.remove("member") {
        Some(Value::Object(inner)) if object.is_empty() => inner,
        Some(_) if !object.is_empty() => {
            return Err(ApiError::bad_request(
                "Use either {\"member\": {...}} or a flat object, not both",
            ));
        }
        Some(_) => {
            return Err(ApiError::bad_request("'member' must be an object"));
        }
        None => object,
    };
    let (member_id, can_share) = membership_fields(&inner, "the member object")?;
    match member_id {
        None => {}
        Some(Value::String(id)) if id == member.as_str() => {}
        Some(_) => {
            return Err(ApiError::bad_request(
                "member_id in the body does not match the member in the URL",
            ));
        }
    }
    Ok(can_share)
}

/// D5: `{"memberships": [{"member_id": "…", "can_share": B?}, …]}`.
pub(crate) fn parse_memberships(body: Option<Value>) -> Result<Vec<MemberChange>, ApiError> {
    let memberships = match body {
        Some(Value::Object(mut object)) => object.remove("memberships"),
        Some(_) => {
            return Err(ApiError::bad_request(
                "Expected a JSON object: {\"memberships\": [...]}",
            ));
        }
        None => None,
    };
    let Some(memberships) = memberships else {
        return Err(ApiError::bad_request("memberships is required"));
    };
    let Value::Array(entries) = memberships else {
        return Err(ApiError::bad_request("memberships must be a list"));
    };
    entries
        .iter()
        .map(|entry| {
            let Value::Object(object) = entry else {
                return Err(ApiError::registry_bad_request(
                    "Invalid membership association: each entry must be an object",
                ));
            };
            let (member_id, can_share) = membership_fields(object, "a membership")?;
            let member = match member_id {
                Some(Value::String(id)) => parse_member_id(id.as_str())?,
                Some(_) => {
                    return Err(ApiError::registry_bad_request(
                        "Invalid membership association: member_id must be a string",
                    ));
                }
                None => {
                    // Glance's registry message for an entry without `member_id` (transcript).
                    return Err(ApiError::registry_bad_request(
                        "Invalid membership association: 'member_id'",
                    ));
                }
            };
            Ok(MemberChange { member, can_share })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn member() -> MemberId {
        MemberId::parse("m").expect("id")
    }

    #[test]
    fn add_bodies_per_d1_and_d2() {
        let ok = |v: Value| parse_add_body(Some(v), &member()).expect("accepted");
        assert_eq!(ok(json!({"member": {"can_share": true}})), Some(true));
        assert_eq!(ok(json!({"can_share": "FALSE"})), Some(false));
        assert_eq!(
            ok(json!({"member_id": "m", "can_share": false})),
            Some(false)
        );
        assert_eq!(ok(json!({})), None);
        assert_eq!(ok(json!({"member": {}})), None);
        assert_eq!(parse_add_body(None, &member()).expect("none"), None);
        for bad in [
            json!({"member": {"can_share": "maybe"}}),
            json!({"can_share": null}),
            json!({"can_share": 1}),
            json!({"member": "can_share"}),
            json!({"member_id": "other"}),
            json!({"colour": "red"}),
            json!([1, 2]),
        ] {
            assert!(
                parse_add_body(Some(bad.clone()), &member()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn replace_bodies_per_d5() {
        let list = parse_memberships(Some(json!({"memberships": [
            {"member_id": "a", "can_share": true}, {"member_id": "b"}
        ]})))
        .expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].can_share, None);
        for bad in [
            json!({}),
            json!({"member_id": "x"}),
            json!({"memberships": {"a": 1}}),
            json!({"memberships": [{"can_share": true}]}),
            json!({"memberships": [5]}),
            json!({"memberships": [{"member_id": 5}]}),
            json!([]),
        ] {
            assert!(parse_memberships(Some(bad.clone())).is_err(), "{bad}");
        }
        assert!(parse_memberships(None).is_err());
    }
}
