//! JSON-patch documents (`PATCH /v2/images/{id}`) in both media types, applied to a queued and
//! an active image. Invariants: refusals are 4xx; attributes the server computes never change;
//! the patched image renders and parses back to the same attributes.
#![no_main]

use glint_api::fuzzing;
use glint_core::ImageStatus;
use glint_fuzz::{assert_client_error, assert_v2_round_trip, fixture_image};
use libfuzzer_sys::fuzz_target;

const MEDIA_TYPES: [Option<&str>; 4] = [
    Some("application/openstack-images-v2.1-json-patch"),
    Some("application/openstack-images-v2.0-json-patch"),
    Some("application/json"),
    None,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let content_type = MEDIA_TYPES[usize::from(selector % 4)];
    let status = if selector & 4 == 0 {
        ImageStatus::Queued
    } else {
        ImageStatus::Active
    };
    let body = match fuzzing::json_body(bytes) {
        Ok(body) => body,
        Err(err) => {
            assert_client_error("json body", &err);
            return;
        }
    };
    let current = fixture_image(status);
    let patched = match fuzzing::v2_patch(content_type, body, &current) {
        Ok(patched) => patched,
        Err(err) => {
            assert_client_error("v2 patch", &err);
            return;
        }
    };
    assert_eq!(patched.id, current.id, "id");
    assert_eq!(patched.status, current.status, "status");
    assert_eq!(patched.size, current.size, "size");
    assert_eq!(patched.virtual_size, current.virtual_size, "virtual_size");
    assert_eq!(patched.checksum, current.checksum, "checksum");
    assert_eq!(
        patched.os_hash_value, current.os_hash_value,
        "os_hash_value"
    );
    assert_eq!(patched.created_at, current.created_at, "created_at");
    assert_eq!(patched.location, current.location, "location");
    if status != ImageStatus::Queued {
        assert_eq!(patched.disk_format, current.disk_format, "disk_format");
        assert_eq!(
            patched.container_format, current.container_format,
            "container_format"
        );
    }
    assert_v2_round_trip(&patched);
});
