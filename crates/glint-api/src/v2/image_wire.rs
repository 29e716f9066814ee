//! The v2 image representation (Glance `ImagesController` `ResponseSerializer._format_image`)
//! and the create request (`RequestDeserializer.create`).

use crate::error::ApiError;
use crate::v2::validate::{self, MAX_STRING};
use axum::http::StatusCode;
use glint_core::{Image, ImageId, Visibility};
use glint_service::NewImage;
use serde_json::{Map, Value, json};

/// Attributes a client may never send (Glance `_disallowed_properties`).
const DISALLOWED: [&str; 5] = ["direct_url", "self", "file", "schema", "stores"];
/// Attributes computed by the server (Glance `ImageFactory._check_readonly`).
const READ_ONLY: [&str; 8] = [
    "created_at",
    "updated_at",
    "status",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
];
/// Names kept for Glance's own use (`_reserved_properties`).
const RESERVED: [&str; 3] = ["location", "deleted", "deleted_at"];
/// Prefix reserved for Glance's own properties (`GLANCE_RESERVED_NS`).
pub const RESERVED_NAMESPACE: &str = "os_glance";

/// An image as v2 shows it: custom properties at top level beside the core attributes.
pub fn image_json(image: &Image) -> Value {
    let mut view = Map::new();
    for (k, v) in &image.properties {
        view.insert(k.clone(), Value::String(v.clone()));
    }
    let href = format!("/v2/images/{}", image.id);
    let core = json!({
        "name": image.name,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "visibility": image.visibility.as_str(),
        "size": image.size,
        "virtual_size": image.virtual_size,
        "status": image.status.as_str(),
        "checksum": image.checksum,
        "protected": image.protected,
        "min_ram": image.min_ram,
        "min_disk": image.min_disk,
        "owner": image.owner,
        "os_hidden": image.os_hidden,
        "os_hash_algo": image.os_hash_algo,
        "os_hash_value": image.os_hash_value,
        "id": image.id.as_str(),
        "created_at": image.created_at.to_v2(),
        "updated_at": image.updated_at.to_v2(),
        "tags": image.tags,
        "self": href,
        "file": format!("{href}/file"),
        "schema": "/v2/schemas/image",
    });
    if let Value::Object(core) = core {
        view.extend(core);
    }
    Value::Object(view)
}

/// `POST /v2/images` body → a [`NewImage`], with Glance's checks in its order: a body is
/// required, disallowed attributes (403), schema validation (400), read-only attributes (403),
/// custom property names (400 over 255 characters, 403 reserved).
pub fn parse_create(body: Option<Value>) -> Result<NewImage, ApiError> {
    let body = body.ok_or_else(|| ApiError::bad_request("Body expected in request."))?;
    let Value::Object(fields) = body else {
        return Err(validate::schema_error(format!(
            "{} is not of type 'object'",
            validate::py_repr(&body)
        )));
    };
    for key in DISALLOWED {
        if fields.contains_key(key) {
            return Err(read_only(key));
        }
    }
    for (key, value) in &fields {
        if is_core(key) {
            validate::base_value(key, value)?;
        } else if key != "locations" && !READ_ONLY.contains(&key.as_str()) {
            validate::custom_value(value)?;
        }
    }
    let mut new = NewImage::default();
    for (key, value) in fields {
        if READ_ONLY.contains(&key.as_str()) {
            return Err(read_only(&key));
        }
        match key.as_str() {
            "id" => new.id = value.as_str().and_then(ImageId::verbatim),
            "name" => new.name = value.as_str().map(str::to_owned),
            "disk_format" => new.disk_format = value.as_str().map(str::to_owned),
            "container_format" => new.container_format = value.as_str().map(str::to_owned),
            "visibility" => new.visibility = value.as_str().and_then(Visibility::parse),
            "owner" => new.owner = Some(value.as_str().map(str::to_owned)),
            "protected" => new.protected = value.as_bool().unwrap_or(false),
            "os_hidden" => new.os_hidden = value.as_bool().unwrap_or(false),
            "min_ram" => new.min_ram = value.as_i64().unwrap_or(0),
            "min_disk" => new.min_disk = value.as_i64().unwrap_or(0),
            "tags" => new.tags = distinct_tags(&value),
            "locations" => {
                // glint keeps image data in its own store only (no external locations).
                return Err(ApiError::bad_request(
                    "External image locations are not supported.",
                ));
            }
            _ => {
                check_custom_name(&key)?;
                let value = validate::custom_value(&value)?.to_owned();
                new.properties.insert(key, value);
            }
        }
    }
    Ok(new)
}

/// Whether `name` is a core attribute of the image schema a client may write.
pub fn is_core(name: &str) -> bool {
    matches!(
        name,
        "id" | "name"
            | "disk_format"
            | "container_format"
            | "visibility"
            | "owner"
            | "protected"
            | "os_hidden"
            | "min_ram"
            | "min_disk"
            | "tags"
    )
}

/// Whether `name` is one of the attributes the server computes.
pub fn is_read_only(name: &str) -> bool {
    READ_ONLY.contains(&name) || DISALLOWED.contains(&name) || name == "id"
}

/// Reserved names and the reserved namespace (403), then the length limit (400).
pub fn check_custom_name(name: &str) -> Result<(), ApiError> {
    if RESERVED.contains(&name) || name.starts_with(RESERVED_NAMESPACE) {
        return Err(reserved(name));
    }
    if name.chars().count() > MAX_STRING {
        return Err(ApiError::bad_request(
            "Custom property should not be greater than 255 characters.",
        ));
    }
    Ok(())
}

/// 403 `Attribute '<name>' is reserved.`; Glance's create raises it as WebOb detail.
pub fn reserved(name: &str) -> ApiError {
    ApiError::detailed(
        StatusCode::FORBIDDEN,
        format!("Attribute '{name}' is reserved."),
    )
}

/// 403 `Attribute '<name>' is read-only.`
pub fn read_only(name: &str) -> ApiError {
    ApiError::explained(
        StatusCode::FORBIDDEN,
        format!("Attribute '{name}' is read-only."),
    )
}

/// The tags of a validated `tags` array, each once, in first-seen order.
pub fn distinct_tags(value: &Value) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_bodies() {
        let new = parse_create(Some(json!({
            "name": "n", "disk_format": "raw", "container_format": "bare",
            "tags": ["a", "b", "a"], "custom": "v", "visibility": "private"
        })))
        .expect("valid");
        assert_eq!(new.tags, vec!["a", "b"]);
        assert_eq!(new.properties.get("custom").map(String::as_str), Some("v"));
        assert_eq!(new.visibility, Some(Visibility::Private));
        assert_eq!(
            parse_create(None).expect_err("no body").status,
            StatusCode::BAD_REQUEST
        );
        for (body, status) in [
            (json!({"status": "active"}), StatusCode::FORBIDDEN),
            (json!({"self": "x"}), StatusCode::FORBIDDEN),
            (json!({"deleted": "x"}), StatusCode::FORBIDDEN),
            (json!({"os_glance_x": "x"}), StatusCode::FORBIDDEN),
            (json!({"custom": 1}), StatusCode::BAD_REQUEST),
            (json!({"disk_format": "floppy"}), StatusCode::BAD_REQUEST),
            (json!([1]), StatusCode::BAD_REQUEST),
        ] {
            assert_eq!(
                parse_create(Some(body.clone()))
                    .expect_err("refused")
                    .status,
                status,
                "{body}"
            );
        }
    }
}
