//! The `x-image-meta-*` header codec (Images v1): arbitrary header lines through the create and
//! update checks. Invariants: refusals are 4xx; an update never changes `id` or `status`; what
//! glint renders as headers parses back, and applying it to the same image changes nothing but
//! what v1 cannot express (`private` shows as `is_public: False`, a missing size as 0).
#![no_main]

use glint_api::fuzzing;
use glint_core::{ImageStatus, Visibility};
use glint_fuzz::{assert_client_error, fixture_image, headers_from};
use libfuzzer_sys::fuzz_target;

const CAP: u64 = 1 << 40;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let headers = headers_from(rest);
    if let Err(err) = fuzzing::v1_create(&headers, CAP) {
        assert_client_error("v1 create", &err);
    }
    let status = if selector & 1 == 0 {
        ImageStatus::Queued
    } else {
        ImageStatus::Active
    };
    let is_admin = selector & 2 != 0;
    let current = fixture_image(status);
    let updated = match fuzzing::v1_update(&headers, CAP, &current, is_admin) {
        Ok(updated) => updated,
        Err(err) => {
            assert_client_error("v1 update", &err);
            return;
        }
    };
    assert_eq!(updated.id, current.id, "an update changed the id");
    assert_eq!(
        updated.status, current.status,
        "an update changed the status"
    );

    // Render → parse: the properties come back exactly.
    let rendered = fuzzing::v1_image_headers(&updated);
    let properties = match fuzzing::v1_header_properties(&rendered) {
        Ok(properties) => properties,
        Err(err) => panic!(
            "rendered headers refused: {:?}\n{rendered:?}",
            err.explanation
        ),
    };
    let expected: std::collections::BTreeMap<String, Option<String>> = updated
        .properties
        .iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect();
    assert_eq!(properties, expected, "properties after a header round trip");

    // Render → apply to the same image (as an admin may): nothing changes.
    let again = match fuzzing::v1_update(&rendered, CAP, &updated, true) {
        Ok(again) => again,
        Err(err) => panic!(
            "rendered headers refused on update: {} {:?} {:?}\n{rendered:?}",
            err.status, err.explanation, err.detail
        ),
    };
    let mut normalised = updated.clone();
    if normalised.visibility != Visibility::Public {
        normalised.visibility = Visibility::Shared;
    }
    if normalised.size.is_none() {
        normalised.size = Some(0);
    }
    assert_eq!(again, normalised, "a header round trip changed the image");
});
