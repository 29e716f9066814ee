//! Shared pieces of the fuzz targets: turning fuzzer bytes into requests, fixture images, and the
//! invariants every parser must keep (a refusal is a 4xx, never a 5xx).

use glint_api::error::ApiError;
use glint_api::fuzzing;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, ImageStatus, RequestContext, Visibility};
use http::{HeaderMap, HeaderName, HeaderValue};

/// Panics unless `err` is a client error: parsers answer bad input with 4xx only.
pub fn assert_client_error(what: &str, err: &ApiError) {
    assert!(
        fuzzing::is_client_error(err),
        "{what}: refusal with status {} ({:?} / {:?})",
        err.status,
        err.explanation,
        err.detail
    );
}

/// Header lines `name: value`, one per `\n`. A name starting with `+` stands for
/// `x-image-meta-property-…` and one starting with `~` for `x-image-meta-…`, so that mutations
/// reach the codec more often. Lines that are not valid header names or values are skipped (hyper
/// would have refused them before glint saw them).
pub fn headers_from(data: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let name = match name.first() {
            Some(b'+') => [b"x-image-meta-property-".as_slice(), &name[1..]].concat(),
            Some(b'~') => [b"x-image-meta-".as_slice(), &name[1..]].concat(),
            _ => name.to_vec(),
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&name),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    headers
}

/// A queued image owned by `owner-p` with a little of everything set.
pub fn fixture_image(status: ImageStatus) -> Image {
    let now = Timestamp::parse_stored("2026-11-28T15:59:20.123456Z").unwrap_or_else(Timestamp::now);
    let mut image = Image::new(
        ImageId::from_stored("de2f2211-3ac7-4260-9142-41db0ecfb425".into()),
        Some("owner-p".into()),
        now,
    );
    image.status = status;
    image.name = Some("cirros".into());
    image.disk_format = Some("qcow2".into());
    image.container_format = Some("bare".into());
    image.visibility = Visibility::Private;
    image.properties.insert("os_distro".into(), "cirros".into());
    image.properties.insert("kernel_id".into(), "k1".into());
    image.tags = vec!["lts".into(), "x86".into()];
    if status != ImageStatus::Queued {
        image.size = Some(11);
        image.checksum = Some("1a8170f6b425d667b1aba297dbe4ff88".into());
        image.os_hash_algo = Some("sha512".into());
        image.os_hash_value = Some("ab".repeat(64));
    }
    image
}

/// One of the callers whose list queries differ: an admin, a tenant, or a caller without project.
pub fn context(selector: u8) -> RequestContext {
    match selector % 3 {
        0 => RequestContext::authenticated(None, Some("p1".into()), ["admin".to_string()]),
        1 => RequestContext::authenticated(None, Some("p1".into()), ["member".to_string()]),
        _ => RequestContext::authenticated(None, None, ["member".to_string()]),
    }
}

/// Every string a v2 `POST /v2/images` body may carry back: the rendered image without the
/// attributes the server computes (which a client may not send).
pub fn resendable_json(image: &Image) -> serde_json::Value {
    let mut view = fuzzing::v2_image_json(image);
    if let Some(object) = view.as_object_mut() {
        for key in [
            "created_at",
            "updated_at",
            "status",
            "checksum",
            "os_hash_algo",
            "os_hash_value",
            "size",
            "virtual_size",
            "self",
            "file",
            "schema",
        ] {
            object.remove(key);
        }
    }
    view
}

/// The render → parse round trip of v2: an image glint shows can be created again with the same
/// client-settable attributes.
pub fn assert_v2_round_trip(image: &Image) {
    let body = resendable_json(image);
    let again = match fuzzing::v2_image_create(Some(body.clone())) {
        Ok(again) => again,
        Err(err) => panic!(
            "rendered image refused on create: {} {:?} {:?}\nbody: {body}",
            err.status, err.explanation, err.detail
        ),
    };
    assert_eq!(again.name, image.name, "name");
    assert_eq!(again.disk_format, image.disk_format, "disk_format");
    assert_eq!(
        again.container_format, image.container_format,
        "container_format"
    );
    assert_eq!(again.visibility, Some(image.visibility), "visibility");
    assert_eq!(again.protected, image.protected, "protected");
    assert_eq!(again.os_hidden, image.os_hidden, "os_hidden");
    assert_eq!(again.min_ram, image.min_ram, "min_ram");
    assert_eq!(again.min_disk, image.min_disk, "min_disk");
    assert_eq!(again.properties, image.properties, "properties");
    assert_eq!(again.tags, image.tags, "tags");
    assert_eq!(again.owner, Some(image.owner.clone()), "owner");
    assert_eq!(
        again.id.as_ref().map(ImageId::as_str),
        Some(image.id.as_str()),
        "id"
    );
}
