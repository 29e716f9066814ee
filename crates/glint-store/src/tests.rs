//! Round trips through every configured back end: the local directory always, and an S3 bucket
//! (under a fresh prefix, removed afterwards) when `GLINT_TEST_S3_URL` is set.

use super::*;
use futures::stream;
use md5::{Digest, Md5};

/// A store for one test, and what removes it afterwards.
struct TestStore {
    store: BlobStore,
    _dir: Option<tempfile::TempDir>,
}

async fn stores() -> Vec<TestStore> {
    let dir = tempfile::tempdir().expect("tempdir");
    let local = BlobStore::from_url(&format!("file://{}", dir.path().display())).expect("store");
    let mut out = vec![TestStore {
        store: local,
        _dir: Some(dir),
    }];
    if let Ok(url) = std::env::var("GLINT_TEST_S3_URL") {
        let (bucket, s3) = S3Settings::from_endpoint_url(&url).expect("GLINT_TEST_S3_URL");
        let prefix = format!("st/{}", uuid::Uuid::new_v4().simple());
        let store = BlobStore::open(&format!("s3://{bucket}/{prefix}"), &s3).expect("s3 store");
        out.push(TestStore { store, _dir: None });
    }
    out
}

/// Deletes whatever a test left in the store (S3 prefixes are not removed by a temp dir).
async fn clean(store: &BlobStore) {
    for key in store.keys("").await.expect("list") {
        store.delete(&key).await.expect("delete");
    }
}

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
    let data: Vec<u8> = (0..(PART_SIZE * 2 + 12345))
        .map(|i| (i % 251) as u8)
        .collect();
    for TestStore { store, .. } in stores().await {
        let blob = store
            .put_stream("images/a", chunks(&data, 65536), u64::MAX)
            .await
            .expect("put");
        assert_eq!(blob.size, data.len() as u64, "{}", store.describe());
        assert_eq!(blob.md5, hex::encode(Md5::digest(&data)));
        assert_eq!(blob.sha512, hex::encode(sha2::Sha512::digest(&data)));
        assert_eq!(
            store.size_of("images/a").await.expect("head"),
            Some(blob.size)
        );
        assert_eq!(store.keys("images").await.expect("list"), vec!["images/a"]);
        assert_eq!(
            read_all(store.get("images/a", None).await.expect("get")).await,
            data
        );
        let part = read_all(store.get("images/a", Some(10..20)).await.expect("range")).await;
        assert_eq!(part, data[10..20]);
        let tail = PART_SIZE as u64 * 2..data.len() as u64;
        let end = read_all(
            store
                .get("images/a", Some(tail.clone()))
                .await
                .expect("range"),
        )
        .await;
        assert_eq!(end, data[tail.start as usize..]);
        store.delete("images/a").await.expect("delete");
        assert!(matches!(
            store.get("images/a", None).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.size_of("images/a").await.expect("head"), None);
        store
            .delete("images/a")
            .await
            .expect("deleting twice is fine");
        store.ping().await.expect("reachable");
        clean(&store).await;
    }
}

#[tokio::test]
async fn empty_upload_has_known_digests() {
    for TestStore { store, .. } in stores().await {
        let blob = store
            .put_stream("e", chunks(&[], 1), 10)
            .await
            .expect("put");
        assert_eq!(blob.size, 0, "{}", store.describe());
        assert_eq!(blob.md5, "d41d8cd98f00b204e9800998ecf8427e");
        assert!(
            read_all(store.get("e", None).await.expect("get"))
                .await
                .is_empty()
        );
        clean(&store).await;
    }
}

#[tokio::test]
async fn over_limit_and_broken_bodies_leave_nothing() {
    for TestStore { store, _dir } in stores().await {
        let err = store
            .put_stream("big", chunks(&[7u8; 1000], 100), 999)
            .await;
        assert!(matches!(err, Err(StoreError::TooLarge { limit: 999 })));
        assert!(matches!(
            store.get("big", None).await,
            Err(StoreError::NotFound)
        ));

        // A body failing after a whole part went out: the multipart upload is aborted.
        let mut parts: Vec<Result<Bytes, std::io::Error>> =
            vec![Ok(Bytes::from(vec![1u8; PART_SIZE + 10]))];
        parts.push(Err(std::io::Error::other("client went away")));
        let err = store
            .put_stream("broken", stream::iter(parts), u64::MAX)
            .await;
        assert!(matches!(err, Err(StoreError::Body(_))));
        assert!(matches!(
            store.get("broken", None).await,
            Err(StoreError::NotFound)
        ));
        assert!(store.keys("").await.expect("list").is_empty());
        if let Some(dir) = &_dir {
            let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
            assert!(leftovers.is_empty(), "no staging files left: {leftovers:?}");
        }
    }
}

#[tokio::test]
async fn an_unreachable_s3_server_is_a_backend_error_soon() {
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let s3 = S3Settings {
        endpoint: Some(format!("http://127.0.0.1:{port}")),
        access_key_id: Some("AK".into()),
        secret_access_key: Some(Secret::new("SK")),
        allow_http: true,
        max_retries: 1,
        retry_timeout: std::time::Duration::from_secs(2),
        ..S3Settings::default()
    };
    let store = BlobStore::open("s3://nowhere/p", &s3).expect("configured");
    let started = std::time::Instant::now();
    assert!(matches!(store.ping().await, Err(StoreError::Backend(_))));
    let err = store.put_stream("k", chunks(b"abc", 1), 10).await;
    assert!(matches!(err, Err(StoreError::Backend(_))), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn half_given_credentials_are_refused() {
    let s3 = S3Settings {
        access_key_id: Some("AK".into()),
        ..S3Settings::default()
    };
    assert!(matches!(
        BlobStore::open("s3://b", &s3),
        Err(StoreError::Config(_))
    ));
}

/// Reading ahead changes when chunks are read, not what the consumer sees: the same chunks in
/// order, an error where the source failed, and nothing after it.
#[tokio::test]
async fn read_ahead_passes_chunks_and_the_first_error_through_in_order() {
    let source: Vec<Result<Bytes, StoreError>> = vec![
        Ok(Bytes::from_static(b"a")),
        Ok(Bytes::from_static(b"b")),
        Ok(Bytes::from_static(b"c")),
        Err(StoreError::Backend("disk gone".into())),
        Ok(Bytes::from_static(b"never")),
    ];
    let seen: Vec<Result<Bytes, StoreError>> = read_ahead(futures::stream::iter(source).boxed())
        .collect()
        .await;
    assert_eq!(seen.len(), 4, "{seen:?}");
    let chunks: Vec<&[u8]> = seen[..3]
        .iter()
        .map(|c| c.as_ref().expect("chunk").as_ref())
        .collect();
    assert_eq!(chunks, [b"a", b"b", b"c"]);
    assert!(matches!(&seen[3], Err(StoreError::Backend(m)) if m == "disk gone"));
}

/// A consumer that goes away (a client that hung up) stops the reading task: the source is
/// dropped rather than read to the end.
#[tokio::test]
async fn read_ahead_stops_reading_when_the_consumer_is_dropped() {
    let pulled = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let endless = futures::stream::repeat_with(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok::<_, StoreError>(Bytes::from_static(b"x"))
    })
    .boxed();
    let mut stream = read_ahead(endless);
    assert!(stream.next().await.is_some());
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let after_drop = pulled.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(pulled.load(std::sync::atomic::Ordering::SeqCst), after_drop);
    assert!(
        after_drop <= 1 + READ_AHEAD + 1,
        "read {after_drop} chunks ahead"
    );
}
