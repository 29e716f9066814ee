//! JSON request bodies: v1 member bodies, v2 image create, v2 member create and update, read by
//! the same extractor as the handlers. Invariants: refusals are 4xx; accepted member ids obey
//! DECISIONS D19; an accepted v2 image renders and parses back to the same attributes.
#![no_main]

use glint_api::fuzzing;
use glint_core::time_fmt::Timestamp;
use glint_core::{Image, ImageId, MemberId};
use glint_fuzz::{assert_client_error, assert_v2_round_trip};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let body = match fuzzing::json_body(bytes) {
        Ok(body) => body,
        Err(err) => {
            assert_client_error("json body", &err);
            return;
        }
    };
    match selector % 5 {
        0 => match fuzzing::v1_member_add("tenant-b", body) {
            Ok(_) => {}
            Err(err) => assert_client_error("v1 member add", &err),
        },
        1 => match fuzzing::v1_memberships(body) {
            Ok(members) => {
                for (member, _) in members {
                    assert!(MemberId::violation(&member).is_none(), "{member:?}");
                }
            }
            Err(err) => assert_client_error("v1 memberships", &err),
        },
        2 => match fuzzing::v2_image_create(body) {
            Ok(new) => {
                let id = new.id.clone().unwrap_or_else(ImageId::generate);
                let mut image = Image::new(id, Some("p1".into()), Timestamp::now());
                image.name = new.name;
                image.disk_format = new.disk_format;
                image.container_format = new.container_format;
                if let Some(visibility) = new.visibility {
                    image.visibility = visibility;
                }
                if let Some(owner) = new.owner {
                    image.owner = owner;
                }
                image.protected = new.protected;
                image.os_hidden = new.os_hidden;
                image.min_ram = new.min_ram;
                image.min_disk = new.min_disk;
                image.properties = new.properties;
                image.tags = new.tags;
                let mut distinct = image.tags.clone();
                distinct.sort();
                distinct.dedup();
                assert_eq!(distinct.len(), image.tags.len(), "duplicate tags kept");
                assert_v2_round_trip(&image);
            }
            Err(err) => assert_client_error("v2 image create", &err),
        },
        3 => match fuzzing::v2_member_create(body) {
            Ok(member) => assert!(!member.is_empty()),
            Err(err) => assert_client_error("v2 member create", &err),
        },
        _ => {
            if let Err(err) = fuzzing::v2_member_update(body) {
                assert_client_error("v2 member update", &err);
            }
        }
    }
});
