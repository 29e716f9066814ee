//! `PATCH /v2/images/{id}`: JSON-patch documents (media types
//! `application/openstack-images-v2.1-json-patch`, and the older `…v2.0-json-patch` draft-4
//! form), parsed and checked before the image is looked up, then applied to the record
//! (Glance `RequestDeserializer.update`, `ImagesController._do_add/_do_replace/_do_remove`).

use crate::error::ApiError;
use crate::v2::image_wire::{self, check_custom_name, distinct_tags, is_core, read_only};
use crate::v2::validate;
use axum::http::StatusCode;
use glint_core::{Image, ImageStatus, Visibility};
use glint_service::ServiceError;
use serde_json::Value;

/// The media types a PATCH may carry, sorted as Glance lists them in `Accept-Patch`.
pub const MEDIA_TYPES: [&str; 2] = [
    "application/openstack-images-v2.0-json-patch",
    "application/openstack-images-v2.1-json-patch",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Remove,
    Replace,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Replace => "replace",
        }
    }
}

/// One checked operation on a top-level attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub op: Op,
    pub name: String,
    pub value: Option<Value>,
}

/// A parsed patch document.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub changes: Vec<Change>,
    /// Draft 4 (`…v2.0-json-patch`): `add` of an existing attribute is a conflict.
    pub strict_add: bool,
}

impl Patch {
    /// The visibility the patch finally asks for, if it sets one (for the publicize and
    /// communitize rules).
    pub fn requested_visibility(&self) -> Option<Visibility> {
        self.changes
            .iter()
            .filter(|c| c.name == "visibility" && c.op != Op::Remove)
            .filter_map(|c| c.value.as_ref()?.as_str().and_then(Visibility::parse))
            .find(|v| matches!(v, Visibility::Public | Visibility::Community))
    }
}

/// The media type's draft, or `None` when it is not a patch media type (415).
pub fn draft_of(content_type: Option<&str>) -> Option<bool> {
    let media = content_type?.split(';').next()?.trim();
    match media {
        "application/openstack-images-v2.0-json-patch" => Some(true),
        "application/openstack-images-v2.1-json-patch" => Some(false),
        _ => None,
    }
}

/// Parses the body of a PATCH in Glance's order of checks.
pub fn parse(body: Option<Value>, strict_add: bool) -> Result<Patch, ApiError> {
    let body = body.ok_or_else(|| ApiError::bad_request("Body expected in request."))?;
    let Value::Array(raw_changes) = body else {
        return Err(ApiError::bad_request(
            "Request body must be a JSON array of operation objects.",
        ));
    };
    let mut changes = Vec::with_capacity(raw_changes.len());
    for raw in raw_changes {
        let Value::Object(raw) = raw else {
            return Err(ApiError::bad_request("Operations must be JSON objects."));
        };
        let (op, pointer) = if strict_add {
            draft4_op(&raw)?
        } else {
            draft10_op(&raw)?
        };
        let pointer = pointer
            .as_str()
            .ok_or_else(|| ApiError::bad_request("Pointer must be a string."))?;
        let path = decode_pointer(pointer)?;
        // Glance `_path_depth_limits`: `/locations/N` for add and remove, else one level.
        let depth = match (path.first().map(String::as_str), op) {
            (Some("locations"), Op::Add | Op::Remove) => 2,
            _ => 1,
        };
        if path.len() != depth {
            return Err(ApiError::bad_request(format!(
                "Invalid JSON pointer for this resource: '/{}'",
                path.join("/")
            )));
        }
        let name = path.into_iter().next().unwrap_or_default();
        let value = match op {
            Op::Remove => None,
            _ => Some(raw.get("value").cloned().ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Operation \"{}\" requires a member named \"value\".",
                    op.name()
                ))
            })?),
        };
        check_change(&name, value.as_ref())?;
        changes.push(Change { op, name, value });
    }
    Ok(Patch {
        changes,
        strict_add,
    })
}

fn draft10_op(raw: &serde_json::Map<String, Value>) -> Result<(Op, Value), ApiError> {
    let available = "add, remove, replace";
    let op = match raw.get("op") {
        None => {
            return Err(ApiError::bad_request(format!(
                "Unable to find `op` in JSON Schema change. It must be one of the following: \
                 {available}."
            )));
        }
        Some(Value::String(s)) if s == "add" => Op::Add,
        Some(Value::String(s)) if s == "remove" => Op::Remove,
        Some(Value::String(s)) if s == "replace" => Op::Replace,
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned);
            return Err(ApiError::bad_request(format!(
                "Invalid operation: `{shown}`. It must be one of the following: {available}."
            )));
        }
    };
    let path = raw
        .get("path")
        .cloned()
        .ok_or_else(|| ApiError::bad_request("Unable to find 'path' in JSON Schema change"))?;
    Ok((op, path))
}

fn draft4_op(raw: &serde_json::Map<String, Value>) -> Result<(Op, Value), ApiError> {
    let mut found: Option<(Op, Value)> = None;
    for (key, op) in [
        ("add", Op::Add),
        ("remove", Op::Remove),
        ("replace", Op::Replace),
    ] {
        if let Some(path) = raw.get(key) {
            if found.is_some() {
                return Err(ApiError::bad_request(
                    "Operation objects must contain only one member named \"add\", \"remove\", \
                     or \"replace\".",
                ));
            }
            found = Some((op, path.clone()));
        }
    }
    found.ok_or_else(|| {
        ApiError::bad_request(
            "Operation objects must contain exactly one member named \"add\", \"remove\", or \
             \"replace\".",
        )
    })
}

/// Glance `_decode_json_pointer` with its `_validate_json_pointer` checks.
fn decode_pointer(pointer: &str) -> Result<Vec<String>, ApiError> {
    let bad = |what: &str| ApiError::bad_request(format!("Pointer `{pointer}` {what}"));
    if !pointer.starts_with('/') {
        return Err(bad("does not start with \"/\"."));
    }
    let rest = &pointer[1..];
    let adjacent = rest
        .match_indices('/')
        .any(|(i, _)| rest[i + 1..].trim_start().starts_with('/'));
    if adjacent {
        return Err(bad("contains adjacent \"/\"."));
    }
    if pointer.len() > 1 && pointer.ends_with('/') {
        return Err(bad("end with \"/\"."));
    }
    if rest.trim() == "/" {
        return Err(bad("does not contains valid token."));
    }
    let tilde_ok = pointer
        .match_indices('~')
        .all(|(i, _)| matches!(pointer.as_bytes().get(i + 1), Some(b'0' | b'1')));
    if !tilde_ok {
        return Err(bad(
            "contains \"~\" not part of a recognized escape sequence.",
        ));
    }
    Ok(rest
        .split('/')
        .map(|part| part.replace("~1", "/").replace("~0", "~").trim().to_owned())
        .collect())
}

/// Glance `_validate_change`: read-only and reserved names (403), then the value against the
/// schema (400).
fn check_change(name: &str, value: Option<&Value>) -> Result<(), ApiError> {
    if image_wire::is_read_only(name) {
        return Err(read_only(name));
    }
    if !is_core(name) && name != "locations" {
        // `_validate_change` raises the reserved-name 403 with the message as explanation.
        check_custom_name(name).map_err(|mut err| {
            if err.status == StatusCode::FORBIDDEN {
                err.explanation = err.detail.take();
            }
            err
        })?;
    }
    let Some(value) = value else {
        return Ok(());
    };
    if is_core(name) {
        validate::base_value(name, value)
    } else if name == "locations" {
        Ok(())
    } else {
        validate::custom_value(value).map(|_| ())
    }
}

/// Applies `patch` to `image` (Glance `_do_add`, `_do_replace`, `_do_remove`).
pub fn apply(patch: &Patch, image: &Image) -> Result<Image, ServiceError> {
    let mut out = image.clone();
    for change in &patch.changes {
        if change.name == "locations" {
            // show_multiple_locations is off (Glance's default): locations are invisible.
            let verb = match change.op {
                Op::Add => "add",
                Op::Remove => "remove",
                Op::Replace => "update",
            };
            return Err(ServiceError::Forbidden(format!(
                "It's not allowed to {verb} locations if locations are invisible."
            )));
        }
        let core = is_core(&change.name);
        let exists = core || out.properties.contains_key(&change.name);
        match (change.op, &change.value) {
            (Op::Remove, _) => {
                if core {
                    return Err(ServiceError::ForbiddenDetail(format!(
                        "Property {} may not be removed.",
                        change.name
                    )));
                }
                if out.properties.remove(&change.name).is_none() {
                    return Err(missing(&change.name));
                }
            }
            (Op::Replace, _) if !exists => return Err(missing(&change.name)),
            (Op::Add, _) if patch.strict_add && exists => {
                return Err(ServiceError::ConflictDetail(format!(
                    "Property {} already present.",
                    change.name
                )));
            }
            (_, Some(value)) => set(&mut out, image.status, &change.name, value)?,
            (_, None) => {}
        }
    }
    Ok(out)
}

fn missing(name: &str) -> ServiceError {
    ServiceError::ConflictDetail(format!("Property {name} does not exist."))
}

/// Sets one attribute from an already schema-checked value.
fn set(
    image: &mut Image,
    status: ImageStatus,
    name: &str,
    value: &Value,
) -> Result<(), ServiceError> {
    let text = || value.as_str().map(str::to_owned);
    match name {
        "name" => image.name = text(),
        "owner" => image.owner = text(),
        "visibility" => {
            if let Some(v) = value.as_str().and_then(Visibility::parse) {
                image.visibility = v;
            }
        }
        "protected" => image.protected = value.as_bool().unwrap_or(image.protected),
        "os_hidden" => image.os_hidden = value.as_bool().unwrap_or(image.os_hidden),
        "min_ram" => image.min_ram = value.as_i64().unwrap_or(image.min_ram),
        "min_disk" => image.min_disk = value.as_i64().unwrap_or(image.min_disk),
        "tags" => image.tags = distinct_tags(value),
        "disk_format" | "container_format" => {
            // Glance's domain `Image` setters: formats are fixed once data may exist.
            if status != ImageStatus::Queued {
                return Err(ServiceError::Forbidden(format!(
                    "Attribute {name} can be only replaced for a queued image."
                )));
            }
            if name == "disk_format" {
                image.disk_format = text();
            } else {
                image.container_format = text();
            }
        }
        _ => {
            image
                .properties
                .insert(name.to_owned(), text().unwrap_or_default());
        }
    }
    Ok(())
}

/// 415 for a PATCH that is not a patch media type (the caller adds `Accept-Patch`).
pub fn unsupported_media_type(content_type: Option<&str>) -> ApiError {
    let shown = content_type.unwrap_or("${CONTENT_TYPE}");
    ApiError::explained_with_detail(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("The request media type {shown} is not supported by this server."),
        format!(
            "Image PATCH expects Content-Type one of: {}",
            MEDIA_TYPES.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use glint_core::ImageId;
    use glint_core::time_fmt::Timestamp;
    use serde_json::json;

    fn image() -> Image {
        let mut image = Image::new(ImageId::generate(), Some("o".into()), Timestamp::now());
        image.properties.insert("custom".into(), "v".into());
        image
    }

    #[test]
    fn pointers() {
        assert_eq!(decode_pointer("/a~1b~0c").expect("ok"), vec!["a/b~c"]);
        for bad in ["a", "/a//b", "/a/", "/~2"] {
            assert!(decode_pointer(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn operations_apply_as_glance() {
        let patch = parse(
            Some(json!([
                {"op": "replace", "path": "/name", "value": "new"},
                {"op": "add", "path": "/extra", "value": "x"},
                {"op": "remove", "path": "/custom"},
                {"op": "replace", "path": "/tags", "value": ["t", "t", "u"]},
            ])),
            false,
        )
        .expect("valid");
        let out = apply(&patch, &image()).expect("applies");
        assert_eq!(out.name.as_deref(), Some("new"));
        assert_eq!(out.properties.get("extra").map(String::as_str), Some("x"));
        assert!(!out.properties.contains_key("custom"));
        assert_eq!(out.tags, vec!["t", "u"]);
    }

    #[test]
    fn refusals() {
        let parse_err = |doc: Value| parse(Some(doc), false).expect_err("refused").status;
        assert_eq!(parse_err(json!({})), StatusCode::BAD_REQUEST);
        assert_eq!(parse_err(json!([1])), StatusCode::BAD_REQUEST);
        assert_eq!(
            parse_err(json!([{"op": "move", "path": "/a"}])),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            parse_err(json!([{"op": "add", "path": "/a"}])),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            parse_err(json!([{"op": "replace", "path": "/status", "value": "active"}])),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            parse_err(json!([{"op": "add", "path": "/tags/-", "value": "x"}])),
            StatusCode::BAD_REQUEST
        );
        let patch = |doc: Value| parse(Some(doc), false).expect("parses");
        let img = image();
        assert!(matches!(
            apply(&patch(json!([{"op": "remove", "path": "/name"}])), &img),
            Err(ServiceError::ForbiddenDetail(_))
        ));
        assert!(matches!(
            apply(
                &patch(json!([{"op": "replace", "path": "/nope", "value": "x"}])),
                &img
            ),
            Err(ServiceError::ConflictDetail(_))
        ));
        let strict = parse(Some(json!([{"add": "/custom", "value": "x"}])), true).expect("draft 4");
        assert!(matches!(
            apply(&strict, &img),
            Err(ServiceError::ConflictDetail(_))
        ));
    }
}
