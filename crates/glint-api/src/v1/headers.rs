//! The `x-image-meta-*` header codec (v1-images §4): request headers → typed metadata with
//! Glance's validation messages, and an image → response headers.

use crate::error::ApiError;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use glint_core::Image;
use glint_core::time_fmt::Timestamp;
use std::collections::{BTreeMap, HashMap};

const PREFIX: &str = "x-image-meta-";
const PROPERTY_PREFIX: &str = "x-image-meta-property-";

/// Core fields a request may carry (Glance `IMAGE_META_HEADERS`).
const CORE_FIELDS: [&str; 21] = [
    "location",
    "size",
    "is_public",
    "disk_format",
    "container_format",
    "name",
    "status",
    "copy_from",
    "uri",
    "checksum",
    "created_at",
    "updated_at",
    "deleted_at",
    "min_ram",
    "min_disk",
    "owner",
    "store",
    "id",
    "protected",
    "deleted",
    "virtual_size",
];

/// Largest value of `min_disk` / `min_ram` (a 32-bit column in Glance).
const MAX_INT32: i64 = (1 << 31) - 1;

/// Metadata sent as headers: each present field with its value (`None` for an empty header).
#[derive(Debug, Default, Clone)]
pub struct V1Meta {
    fields: HashMap<&'static str, Option<String>>,
    /// Custom properties; `None` for an empty header value.
    pub properties: BTreeMap<String, Option<String>>,
}

impl V1Meta {
    pub fn parse(headers: &HeaderMap) -> Result<Self, ApiError> {
        let mut meta = Self::default();
        for (name, value) in headers {
            let key = name.as_str();
            if !key.starts_with(PREFIX) {
                continue;
            }
            let value = std::str::from_utf8(value.as_bytes())
                .map_err(|_| ApiError::bad_request(format!("Header {key} is not valid UTF-8")))?
                .trim();
            let value = (!value.is_empty()).then(|| value.to_owned());
            if let Some(property) = key.strip_prefix(PROPERTY_PREFIX) {
                let property = property.replace('-', "_");
                if property.is_empty() || property.chars().count() > 255 {
                    return Err(ApiError::bad_request(format!("Bad header: {key}")));
                }
                meta.properties.insert(property, value);
                continue;
            }
            let field = key[PREFIX.len()..].replace('-', "_");
            let Some(field) = CORE_FIELDS.iter().find(|f| **f == field) else {
                return Err(ApiError::bad_request(format!("Bad header: {key}")));
            };
            meta.fields.insert(field, value);
        }
        Ok(meta)
    }

    /// `None`: absent; `Some(None)`: sent empty (null).
    pub fn text(&self, field: &str) -> Option<Option<String>> {
        self.fields.get(field).cloned()
    }

    /// Glance `bool_from_string`: true iff one of `1, t, true, on, y, yes`.
    pub fn flag(&self, field: &str) -> Option<bool> {
        self.fields
            .get(field)
            .map(|v| v.as_deref().is_some_and(truthy))
    }

    /// A non-negative integer field (`size`, `min_disk`, `min_ram`, `virtual_size`).
    pub fn int(&self, field: &str) -> Result<Option<Option<i64>>, ApiError> {
        let Some(value) = self.fields.get(field) else {
            return Ok(None);
        };
        let Some(raw) = value else {
            return Ok(Some(None));
        };
        if field == "virtual_size" && raw == "None" {
            return Ok(Some(None));
        }
        let invalid = |why: &str| {
            ApiError::bad_request(format!(
                "Invalid value '{raw}' for parameter '{field}': {why}"
            ))
        };
        let parsed: i64 = raw.parse().map_err(|_| {
            invalid(&format!(
                "Cannot convert image {field} '{raw}' to an integer."
            ))
        })?;
        if parsed < 0 {
            return Err(invalid("Cannot be a negative value."));
        }
        if matches!(field, "min_disk" | "min_ram") && parsed > MAX_INT32 {
            return Err(invalid(&format!("Must be at most {MAX_INT32}.")));
        }
        Ok(Some(Some(parsed)))
    }

    /// Time fields are accepted only as ISO 8601 from year 1900 on, and otherwise ignored.
    pub fn validate_times(&self) -> Result<(), ApiError> {
        for field in ["created_at", "updated_at", "deleted_at"] {
            if let Some(Some(raw)) = self.fields.get(field) {
                let ok = Timestamp::parse_iso8601(raw).is_some_and(|t| t.year() >= 1900);
                if !ok {
                    return Err(ApiError::bad_request(format!(
                        "Invalid time format for {field}."
                    )));
                }
            }
        }
        Ok(())
    }
}

pub fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "t" | "true" | "on" | "y" | "yes"
    )
}

/// Python `str()` of a boolean.
fn py_bool(value: bool) -> String {
    if value { "True" } else { "False" }.to_owned()
}

/// The non-null fields of an image as `(field, value)` in Glance's v1 shape.
fn header_fields(image: &Image) -> Vec<(&'static str, String)> {
    let mut out = vec![("id", image.id.to_string())];
    let mut opt = |name: &'static str, value: &Option<String>| {
        if let Some(v) = value {
            out.push((name, v.clone()));
        }
    };
    opt("name", &image.name);
    opt("disk_format", &image.disk_format);
    opt("container_format", &image.container_format);
    opt("checksum", &image.checksum);
    opt("owner", &image.owner);
    out.push(("size", crate::v1::wire::v1_size(image).to_string()));
    if let Some(virtual_size) = image.virtual_size {
        out.push(("virtual_size", virtual_size.to_string()));
    }
    out.push(("status", image.status.as_str().to_owned()));
    out.push(("is_public", py_bool(image.is_public())));
    out.push(("protected", py_bool(image.protected)));
    out.push(("deleted", py_bool(image.deleted)));
    out.push(("min_disk", image.min_disk.to_string()));
    out.push(("min_ram", image.min_ram.to_string()));
    out.push(("created_at", image.created_at.to_v1()));
    out.push(("updated_at", image.updated_at.to_v1()));
    if let Some(deleted_at) = image.deleted_at {
        out.push(("deleted_at", deleted_at.to_v1()));
    }
    out
}

/// Adds `x-image-meta-*` (and `ETag`) headers describing `image` (v1-images §4.2). Values that
/// cannot travel in a header (control characters) are left out rather than failing the call.
pub fn write_image_headers(headers: &mut HeaderMap, image: &Image) {
    let mut add = |name: String, value: &str| match (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_bytes(value.as_bytes()),
    ) {
        (Ok(n), Ok(v)) => {
            headers.append(n, v);
        }
        _ => tracing::debug!(%name, "image metadata not representable as a header"),
    };
    for (field, value) in header_fields(image) {
        add(format!("{PREFIX}{field}"), &value);
    }
    for (name, value) in &image.properties {
        add(
            format!("{PROPERTY_PREFIX}{}", name.to_ascii_lowercase()),
            value,
        );
    }
    if let Some(checksum) = &image.checksum
        && let Ok(v) = HeaderValue::from_str(checksum)
    {
        headers.insert(header::ETAG, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&'static str, &str)]) -> Result<V1Meta, ApiError> {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        V1Meta::parse(&h)
    }

    #[test]
    fn names_are_normalised_and_unknown_fields_refused() {
        let m = meta(&[
            ("x-image-meta-is-public", "yes"),
            ("x-image-meta-property-os-distro", "ubuntu"),
        ])
        .expect("meta");
        assert_eq!(m.flag("is_public"), Some(true));
        assert_eq!(
            m.properties.get("os_distro"),
            Some(&Some("ubuntu".to_owned()))
        );
        let err = meta(&[("x-image-meta-colour", "red")]).expect_err("bad header");
        assert_eq!(
            err.explanation.as_deref(),
            Some("Bad header: x-image-meta-colour")
        );
    }

    #[test]
    fn integers_follow_glance_messages() {
        let m =
            meta(&[("x-image-meta-size", "abc"), ("x-image-meta-min_ram", "-1")]).expect("meta");
        assert_eq!(
            m.int("size").expect_err("nan").explanation.as_deref(),
            Some(
                "Invalid value 'abc' for parameter 'size': Cannot convert image size 'abc' to an integer."
            )
        );
        assert_eq!(
            m.int("min_ram").expect_err("neg").explanation.as_deref(),
            Some("Invalid value '-1' for parameter 'min_ram': Cannot be a negative value.")
        );
        let m = meta(&[
            ("x-image-meta-virtual_size", "None"),
            ("x-image-meta-name", ""),
        ])
        .expect("meta");
        assert_eq!(m.int("virtual_size").expect("ok"), Some(None));
        assert_eq!(m.text("name"), Some(None));
    }

    #[test]
    fn truthiness() {
        for v in ["1", "t", "True", "on", "Y", "yes"] {
            assert!(truthy(v), "{v}");
        }
        for v in ["0", "false", "no", "", "2"] {
            assert!(!truthy(v), "{v}");
        }
    }
}
