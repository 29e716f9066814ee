//! Images v2 member wire formats: request bodies as Glance's `RequestDeserializer` reads them,
//! and member objects as its `ResponseSerializer` writes them (v2-sharing §4, §5).

use crate::error::ApiError;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use glint_core::{MemberStatus, Membership};
use serde::Serialize;
use serde_json::Value;
use std::io;

/// One member object, keys in Glance's order (§5.1).
#[derive(Serialize)]
struct MemberView<'a> {
    member_id: &'a str,
    image_id: &'a str,
    status: &'static str,
    created_at: String,
    updated_at: String,
    schema: &'static str,
}

impl<'a> MemberView<'a> {
    fn of(m: &'a Membership) -> Self {
        Self {
            member_id: m.member.as_str(),
            image_id: m.image_id.as_str(),
            status: m.status.as_str(),
            created_at: m.created_at.to_v2(),
            updated_at: m.updated_at.to_v2(),
            schema: "/v2/schemas/member",
        }
    }
}

#[derive(Serialize)]
struct MembersView<'a> {
    members: Vec<MemberView<'a>>,
    schema: &'static str,
}

/// `200` with one member object.
pub fn member(m: &Membership) -> Response {
    json_response(&MemberView::of(m))
}

/// `200` with `{"members": [...], "schema": "/v2/schemas/members"}` (§5.2).
pub fn members(rows: &[Membership]) -> Response {
    json_response(&MembersView {
        members: rows.iter().map(MemberView::of).collect(),
        schema: "/v2/schemas/members",
    })
}

fn json_response(value: &impl Serialize) -> Response {
    let body = python_json(value);
    (
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from(body),
    )
        .into_response()
}

/// `json.dumps(value, ensure_ascii=False)`: separators `", "` and `": "`, non-ASCII as is.
/// (serde_json escapes exactly the characters Python escapes without `ensure_ascii`.)
fn python_json(value: &impl Serialize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    // Serializing plain structs of strings into memory cannot fail.
    if value.serialize(&mut serializer).is_err() {
        tracing::error!("member JSON serialization failed");
    }
    out
}

/// serde_json's compact output with Python's default separators.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// Glance's `body_reject` (GET list, GET one, DELETE): a body (`Content-Length > 0`) is refused
/// before anything else (§3). Transfer-Encoding only counts for methods that take bodies, and
/// these do not.
pub fn reject_body(headers: &HeaderMap) -> Result<(), ApiError> {
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

/// `POST …/members` body: `{"member": "<id>"}` (`RequestDeserializer.create`); other keys are
/// ignored. Non-string ids are refused here (Glance stores them: Q6, DECISIONS D9); whether a
/// string id can be stored is checked later, in Glance's order.
pub fn parse_create(body: Option<Value>) -> Result<String, ApiError> {
    let object = match body {
        None => return Err(ApiError::bad_request("Body expected in request.")),
        Some(Value::Object(object)) => object,
        Some(_) => {
            return Err(ApiError::bad_request(
                "Expected a member in the form: {\"member\": \"image_id\"}",
            ));
        }
    };
    match object.get("member") {
        None => Err(ApiError::bad_request("Member to be added not specified")),
        Some(value) if is_falsy(value) => Err(ApiError::bad_request("Member can't be empty")),
        Some(Value::String(member)) => Ok(member.clone()),
        Some(_) => Err(ApiError::bad_request("Member must be a string.")),
    }
}

/// `PUT …/members/{m}` body: `{"status": …}` (`RequestDeserializer.update`). The value is
/// judged later (after the authorization steps, Q4): `None` for anything but the three strings.
pub fn parse_update(body: Option<Value>) -> Result<Option<MemberStatus>, ApiError> {
    let object = match body {
        None => return Err(ApiError::bad_request("Body expected in request.")),
        Some(Value::Object(object)) => object,
        Some(_) => {
            return Err(ApiError::bad_request(
                "Expected a status in the form: {\"status\": \"status\"}",
            ));
        }
    };
    match object.get("status") {
        None => Err(ApiError::bad_request("Status not specified")),
        Some(value) => Ok(value.as_str().and_then(MemberStatus::parse)),
    }
}

/// Python truthiness of a JSON value (`if not member_id`).
fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glint_core::time_fmt::Timestamp;
    use glint_core::{ImageId, MemberId};
    use serde_json::json;

    #[test]
    fn member_json_is_glances_byte_for_byte() {
        let t = Timestamp::parse_stored("2026-11-28T15:59:20.123456Z").expect("time");
        let m = Membership {
            image_id: ImageId::from_stored("fe050ed3-b306-428b-9e09-8586ec75e637".into()),
            member: MemberId::from_stored("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".into()),
            can_share: true,
            status: MemberStatus::Pending,
            created_at: t,
            updated_at: t,
        };
        // Transcript srbac #13.
        assert_eq!(
            String::from_utf8(python_json(&MemberView::of(&m))).expect("utf8"),
            "{\"member_id\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\", \"image_id\": \
             \"fe050ed3-b306-428b-9e09-8586ec75e637\", \"status\": \"pending\", \"created_at\": \
             \"2026-11-28T15:59:20Z\", \"updated_at\": \"2026-11-28T15:59:20Z\", \"schema\": \
             \"/v2/schemas/member\"}"
        );
        let list = MembersView {
            members: vec![MemberView::of(&m), MemberView::of(&m)],
            schema: "/v2/schemas/members",
        };
        let text = String::from_utf8(python_json(&list)).expect("utf8");
        assert!(text.starts_with("{\"members\": [{\"member_id\""));
        assert!(text.contains("}, {"));
        assert!(text.ends_with("}], \"schema\": \"/v2/schemas/members\"}"));
    }

    #[test]
    fn non_ascii_is_not_escaped_controls_are() {
        let text = String::from_utf8(python_json(&json!(["é\u{1}\"\\"]))).expect("utf8");
        assert_eq!(text, "[\"é\\u0001\\\"\\\\\"]");
    }

    #[test]
    fn create_bodies() {
        let msg = |b: Option<Value>| parse_create(b).err().and_then(|e| e.explanation);
        assert_eq!(
            parse_create(Some(json!({"member": "t", "x": 1}))).ok(),
            Some("t".into())
        );
        assert_eq!(msg(None).as_deref(), Some("Body expected in request."));
        assert_eq!(
            msg(Some(json!({"x": 1}))).as_deref(),
            Some("Member to be added not specified")
        );
        for falsy in [
            json!(""),
            json!(null),
            json!(0),
            json!(false),
            json!([]),
            json!({}),
        ] {
            assert_eq!(
                msg(Some(json!({ "member": falsy }))).as_deref(),
                Some("Member can't be empty")
            );
        }
        assert_eq!(
            msg(Some(json!(["x"]))).as_deref(),
            Some("Expected a member in the form: {\"member\": \"image_id\"}")
        );
        for other in [json!(5), json!(true), json!(["x"]), json!({"a": 1})] {
            assert_eq!(
                msg(Some(json!({ "member": other }))).as_deref(),
                Some("Member must be a string.")
            );
        }
    }

    #[test]
    fn update_bodies() {
        assert_eq!(
            parse_update(Some(json!({"status": "accepted"}))).ok(),
            Some(Some(MemberStatus::Accepted))
        );
        for bad in [
            json!("Accepted"),
            json!(1),
            json!(null),
            json!(["accepted"]),
        ] {
            assert_eq!(
                parse_update(Some(json!({ "status": bad }))).ok(),
                Some(None)
            );
        }
        let msg = |b: Option<Value>| parse_update(b).err().and_then(|e| e.explanation);
        assert_eq!(msg(None).as_deref(), Some("Body expected in request."));
        assert_eq!(
            msg(Some(json!({}))).as_deref(),
            Some("Status not specified")
        );
        assert_eq!(
            msg(Some(json!([]))).as_deref(),
            Some("Expected a status in the form: {\"status\": \"status\"}")
        );
    }
}
