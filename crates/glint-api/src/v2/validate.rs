//! Checks of image attribute values against the v2 image schema, worded as Glance words them:
//! `Provided object does not match schema 'image': <reason>`, where the reason is the message of
//! Python's `jsonschema` (`glance/schema.py` `Schema.validate`), values shown as Python `repr`s.

use crate::error::ApiError;
use glint_core::Visibility;
use glint_core::image::{DISK_FORMATS, V2_CONTAINER_FORMATS};
use serde_json::Value;

/// The `id` pattern of the image schema.
const ID_PATTERN: &str =
    "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";

/// Longest string the schema accepts for names, owners, tags and property names.
pub const MAX_STRING: usize = 255;

/// A 400 for a value the image schema rejects.
pub fn schema_error(reason: impl AsRef<str>) -> ApiError {
    ApiError::bad_request(format!(
        "Provided object does not match schema 'image': {}",
        reason.as_ref()
    ))
}

/// Validates `value` for the schema property `name`; `Ok` for names the schema does not list
/// (custom properties are checked by [`custom_value`]).
pub fn base_value(name: &str, value: &Value) -> Result<(), ApiError> {
    match name {
        "name" | "owner" => nullable_string(value, MAX_STRING),
        "visibility" => {
            let ok = value.as_str().and_then(Visibility::parse).is_some();
            if !value.is_string() {
                return Err(not_of_type(value, &["string"]));
            }
            if !ok {
                return Err(not_one_of(
                    value,
                    &["community", "public", "private", "shared"],
                    false,
                ));
            }
            Ok(())
        }
        "protected" | "os_hidden" => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(not_of_type(value, &["boolean"])),
        },
        "min_ram" | "min_disk" => match value {
            Value::Number(n) if n.as_i64().is_some_and(|v| v < 0) => {
                // Glance's domain refuses negatives after the schema check.
                Err(ApiError::bad_request(format!(
                    "Invalid value '{n}' for parameter '{name}': Cannot be a negative value"
                )))
            }
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            _ => Err(not_of_type(value, &["integer"])),
        },
        "container_format" => format_value(value, &V2_CONTAINER_FORMATS),
        "disk_format" => format_value(value, &DISK_FORMATS),
        "tags" => {
            let Value::Array(items) = value else {
                return Err(not_of_type(value, &["array"]));
            };
            for item in items {
                let Value::String(tag) = item else {
                    return Err(not_of_type(item, &["string"]));
                };
                if tag.chars().count() > MAX_STRING {
                    return Err(too_long(item));
                }
            }
            Ok(())
        }
        "id" => match value.as_str() {
            None => Err(not_of_type(value, &["string"])),
            Some(raw) if matches_id_pattern(raw) => Ok(()),
            Some(_) => Err(schema_error(format!(
                "{} does not match '{ID_PATTERN}'",
                py_repr(value)
            ))),
        },
        _ => Ok(()),
    }
}

/// Custom properties must be strings (the schema's `additionalProperties: {"type": "string"}`).
pub fn custom_value(value: &Value) -> Result<&str, ApiError> {
    value
        .as_str()
        .ok_or_else(|| not_of_type(value, &["string"]))
}

fn nullable_string(value: &Value, max: usize) -> Result<(), ApiError> {
    match value {
        Value::Null => Ok(()),
        Value::String(s) if s.chars().count() > max => Err(too_long(value)),
        Value::String(_) => Ok(()),
        _ => Err(not_of_type(value, &["null", "string"])),
    }
}

fn format_value(value: &Value, allowed: &[&str]) -> Result<(), ApiError> {
    match value {
        Value::Null => Ok(()),
        Value::String(s) if allowed.contains(&s.as_str()) => Ok(()),
        Value::String(_) => Err(not_one_of(value, allowed, true)),
        _ => Err(not_of_type(value, &["null", "string"])),
    }
}

fn not_of_type(value: &Value, types: &[&str]) -> ApiError {
    let types: Vec<String> = types.iter().map(|t| format!("'{t}'")).collect();
    schema_error(format!(
        "{} is not of type {}",
        py_repr(value),
        types.join(", ")
    ))
}

fn not_one_of(value: &Value, allowed: &[&str], with_none: bool) -> ApiError {
    let mut items: Vec<String> = Vec::new();
    if with_none {
        items.push("None".into());
    }
    items.extend(allowed.iter().map(|a| format!("'{a}'")));
    schema_error(format!(
        "{} is not one of [{}]",
        py_repr(value),
        items.join(", ")
    ))
}

fn too_long(value: &Value) -> ApiError {
    schema_error(format!("{} is too long", py_repr(value)))
}

/// A JSON value as Python's `repr` shows the decoded object.
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `repr` of a `str`: single quotes unless the text holds one and no double quote.
fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `ID_PATTERN`: hex digits (any case) in the 8-4-4-4-12 layout.
fn matches_id_pattern(raw: &str) -> bool {
    raw.len() == 36
        && raw.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_reprs() {
        assert_eq!(py_repr(&json!(null)), "None");
        assert_eq!(py_repr(&json!([1, "a", true])), "[1, 'a', True]");
        assert_eq!(py_repr(&json!("it's")), "\"it's\"");
        assert_eq!(py_repr(&json!({"k": "v"})), "{'k': 'v'}");
    }

    #[test]
    fn schema_checks() {
        assert!(base_value("name", &json!(null)).is_ok());
        assert!(base_value("name", &json!(1)).is_err());
        assert!(base_value("name", &json!("x".repeat(256))).is_err());
        assert!(base_value("disk_format", &json!("qcow2")).is_ok());
        assert!(base_value("disk_format", &json!("nope")).is_err());
        assert!(base_value("visibility", &json!("shared")).is_ok());
        assert!(base_value("visibility", &json!("everyone")).is_err());
        assert!(base_value("protected", &json!("true")).is_err());
        assert!(base_value("min_ram", &json!(1.5)).is_err());
        assert!(base_value("tags", &json!(["a", 1])).is_err());
        assert!(base_value("id", &json!("not-a-uuid")).is_err());
        assert!(custom_value(&json!(1)).is_err());
    }
}
