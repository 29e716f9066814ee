use super::*;
use futures::stream;

fn chunks(
    data: &[u8],
    size: usize,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + use<> {
    let parts: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    stream::iter(parts)
}

async fn read_all(mut s: BlobStream) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(chunk) = s.next().await {
        out.extend_from_slice(&chunk.expect("chunk"));
    }
    out
}

#[tokio::test]
async fn stores_hashes_and_reads_back_with_ranges() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = BlobStore::from_url(&format!("file://{}", dir.path().display())).expect("store");
    let data: Vec<u8> = (0..(PART_SIZE * 2 + 12345))
        .map(|i| (i % 251) as u8)
        .collect();
    let blob = store
        .put_stream("images/a", chunks(&data, 65536), u64::MAX)
        .await
        .expect("put");
    assert_eq!(blob.size, data.len() as u64);
    assert_eq!(blob.md5, hex::encode(Md5::digest(&data)));
    assert_eq!(blob.sha512, hex::encode(sha2::Sha512::digest(&data)));
    assert_eq!(
        read_all(store.get("images/a", None).await.expect("get")).await,
        data
    );
    let part = read_all(store.get("images/a", Some(10..20)).await.expect("range")).await;
    assert_eq!(part, data[10..20]);
    store.delete("images/a").await.expect("delete");
    assert!(matches!(
        store.get("images/a", None).await,
        Err(StoreError::NotFound)
    ));
    store
        .delete("images/a")
        .await
        .expect("deleting twice is fine");
}

#[tokio::test]
async fn empty_upload_has_known_digests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = BlobStore::from_url(dir.path().to_str().expect("path")).expect("store");
    let blob = store
        .put_stream("e", chunks(&[], 1), 10)
        .await
        .expect("put");
    assert_eq!(blob.size, 0);
    assert_eq!(blob.md5, "d41d8cd98f00b204e9800998ecf8427e");
}

#[tokio::test]
async fn over_limit_and_broken_bodies_leave_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = BlobStore::from_url(dir.path().to_str().expect("path")).expect("store");
    let err = store
        .put_stream("big", chunks(&[7u8; 1000], 100), 999)
        .await;
    assert!(matches!(err, Err(StoreError::TooLarge { limit: 999 })));
    assert!(matches!(
        store.get("big", None).await,
        Err(StoreError::NotFound)
    ));

    let broken = stream::iter(vec![
        Ok(Bytes::from_static(b"abc")),
        Err(std::io::Error::other("client went away")),
    ]);
    let err = store.put_stream("broken", broken, u64::MAX).await;
    assert!(matches!(err, Err(StoreError::Body(_))));
    assert!(matches!(
        store.get("broken", None).await,
        Err(StoreError::NotFound)
    ));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(leftovers.is_empty(), "no staging files left: {leftovers:?}");
}

use md5::{Digest, Md5};
