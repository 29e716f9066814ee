//! Store keys never escape their image's directory, on the local filesystem or under an S3
//! prefix, whatever the id: property tests over hostile ids and real writes.

use super::*;
use crate::BlobStore;
use futures::stream;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use proptest::prelude::*;
use std::path::Component;

/// Ids an attacker would try, then anything at all.
fn hostile_id() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            ".",
            "..",
            "/",
            "//",
            "../../etc/passwd",
            "/etc/passwd",
            "%2F",
            "..%2F..%2Fetc",
            "%2E%2E",
            "%252E%252E",
            "a/../../b",
            "..\\..\\windows",
            "x#1",
            "images",
            "_2F",
            "é/ü/😀",
            "\u{0}",
            "\u{202e}..",
            "de2f2211-3ac7-4260-9142-41db0ecfb425",
        ])
        .prop_map(str::to_owned),
        "[./%#_a-f0-9\\\\-]{0,60}",
        any::<String>(),
        ".{200,400}",
        Just("a".repeat(5000)),
    ]
}

/// The key has three segments, `images/<image>/<upload>`, and on disk it is a file three levels
/// below the store root.
fn assert_confined(image: &str, upload: &str) {
    let key = image_blob_key(image, upload);
    let path = Path::from(key.as_str());
    let parts: Vec<String> = path.parts().map(|p| p.as_ref().to_owned()).collect();
    assert_eq!(
        parts,
        vec![
            IMAGES_PREFIX.to_owned(),
            key_segment(image),
            key_segment(upload)
        ],
        "{key:?}"
    );
    // Only paths are computed here: nothing is written under this directory.
    let root = std::env::temp_dir()
        .canonicalize()
        .expect("temp dir")
        .join("glint-key-root");
    std::fs::create_dir_all(&root).expect("root");
    let fs = LocalFileSystem::new_with_prefix(&root).expect("fs");
    let file = fs.path_to_filesystem(&path).expect("a valid file path");
    let relative = file
        .strip_prefix(&root)
        .unwrap_or_else(|_| panic!("{file:?} is outside {root:?}"));
    let components: Vec<Component<'_>> = relative.components().collect();
    assert_eq!(components.len(), 3, "{relative:?}");
    assert!(
        components.iter().all(|c| matches!(c, Component::Normal(_))),
        "{relative:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn keys_stay_in_their_image_directory(image in hostile_id(), upload in hostile_id()) {
        assert_confined(&image, &upload);
    }

    #[test]
    fn segments_are_plain_and_injective(a in hostile_id(), b in hostile_id()) {
        let (sa, sb) = (key_segment(&a), key_segment(&b));
        prop_assert!(sa.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        prop_assert_eq!(a == b, sa == sb);
    }
}

#[test]
fn uuids_are_their_own_segment() {
    let id = "de2f2211-3ac7-4260-9142-41db0ecfb425";
    assert_eq!(key_segment(id), id);
    assert_eq!(
        image_blob_key(id, id),
        format!("images/{id}/{id}"),
        "keys of stored images keep their layout"
    );
    assert_eq!(key_segment(".."), "_2E_2E");
    assert_eq!(key_segment("a/b"), "a_2Fb");
    assert_eq!(key_segment(""), "_");
}

/// Real writes with hostile ids: on a local directory nothing appears outside the store root,
/// and under an S3-style prefix every object stays below `<prefix>/images/`.
#[tokio::test]
async fn hostile_ids_write_inside_the_store() {
    let runner_ids = [
        "..",
        "../../escaped",
        "/abs",
        "%2F..%2F",
        "a/../../../b",
        "😀/..",
        "x#1",
        "",
    ];
    let outer = tempfile::tempdir().expect("tempdir");
    let root = outer.path().join("root");
    let local = BlobStore::from_url(root.to_str().expect("utf8")).expect("local store");
    let memory = std::sync::Arc::new(InMemory::new());
    let prefixed = PrefixStore::new(memory.clone(), "tenant/prefix");
    for image in runner_ids {
        for upload in ["..", "u"] {
            let key = image_blob_key(image, upload);
            let body = stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"x"))]);
            local.put_stream(&key, body, 16).await.expect("put");
            prefixed
                .put(&Path::from(key.as_str()), PutPayload::from_static(b"x"))
                .await
                .expect("put");
        }
    }
    // Every file under the temp dir is a blob three levels below `root/images`.
    let mut pending = vec![outer.path().to_path_buf()];
    let mut files = 0;
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(root.join(IMAGES_PREFIX))
                    .unwrap_or_else(|_| panic!("{path:?} escaped {root:?}/{IMAGES_PREFIX}"));
                assert_eq!(relative.components().count(), 2, "{relative:?}");
                files += 1;
            }
        }
    }
    assert_eq!(files, runner_ids.len() * 2, "one file per key, none merged");
    let keys = local.keys("").await.expect("list");
    assert_eq!(keys.len(), runner_ids.len() * 2);
    let mut listed = 0;
    let mut all = memory.list(None);
    while let Some(meta) = futures::StreamExt::next(&mut all).await {
        let location = meta.expect("meta").location.to_string();
        assert!(
            location.starts_with("tenant/prefix/images/"),
            "{location} escaped the S3 prefix"
        );
        listed += 1;
    }
    assert_eq!(listed, runner_ids.len() * 2);
}
