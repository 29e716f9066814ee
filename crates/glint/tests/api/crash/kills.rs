//! `kill -9` during uploads at randomized points, then a restart: the image ends as a failed
//! upload leaves it in its API (v1 `killed`, v2 `queued`) or `active` with exactly the uploaded
//! bytes; never `active` with other bytes, never a partial download; the partial blob and the
//! lease are gone once the restarted process has scrubbed; the image can then be re-uploaded
//! (v2) or deleted (both) as Glance allows. `GLINT_CRASH_RUNS` (default 6) sets the number of
//! runs and `GLINT_CRASH_SEED` replays a sequence; the outcome tally is printed.

use super::raw::{RawRequest, identity};
use super::*;
use std::collections::BTreeMap;

/// Where in the upload the process dies.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// Request head received, image `saving`, no body byte sent.
    BeforeBody,
    /// This many body bytes sent.
    MidStream(usize),
    /// Every byte sent, then this many milliseconds before the kill.
    AfterLastByte(u64),
}

/// A small xorshift generator: reproducible from its printed seed, no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn uploads_killed_at_random_points_end_failed_or_complete_never_broken() {
    let runs = env_number("GLINT_CRASH_RUNS").unwrap_or(6);
    let seed = env_number("GLINT_CRASH_SEED").unwrap_or_else(|| {
        u64::from_le_bytes(
            uuid::Uuid::new_v4().as_bytes()[..8]
                .try_into()
                .unwrap_or_default(),
        )
    }) | 1;
    eprintln!("crash runs: {runs}, GLINT_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let mut node = Node::start(fast_scrub).await;
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for run in 0..runs {
        let api = if rng.below(2) == 0 { 1 } else { 2 };
        let len = 1 + rng.below(512 * 1024) as usize;
        let bytes = data(len, rng.next());
        let point = match rng.below(3) {
            0 => KillPoint::BeforeBody,
            1 => KillPoint::MidStream(rng.below(len as u64) as usize),
            _ => KillPoint::AfterLastByte(rng.below(30)),
        };
        let outcome = crash_once(&mut node, run, api, &bytes, point).await;
        let phase = match point {
            KillPoint::BeforeBody => "before-body",
            KillPoint::MidStream(_) => "mid-stream",
            KillPoint::AfterLastByte(_) => "after-last-byte",
        };
        *tally
            .entry(format!("v{api} {phase} -> {outcome}"))
            .or_default() += 1;
    }
    eprintln!("crash outcomes (seed {seed}): {tally:#?}");
    assert_eq!(tally.values().sum::<usize>() as u64, runs);
}

/// One crash: start an upload, kill the process at `point`, restart, check. Returns the status
/// the image ended in.
async fn crash_once(node: &mut Node, run: u64, api: u8, bytes: &[u8], point: KillPoint) -> String {
    let context = format!("run {run}: v{api}, {} bytes, {point:?}", bytes.len());
    let id = queued_image(&node.app, api, &format!("crash-{run}")).await;
    let (method, path) = upload_request(api, &id);
    let headers = identity(OWNER);
    let mut request =
        RawRequest::start(&node.socket(), method, &path, &headers, Some(bytes.len())).await;
    wait_until("the upload to start", || async {
        node.status(&id).await == ImageStatus::Saving
    })
    .await;
    match point {
        KillPoint::BeforeBody => {}
        KillPoint::MidStream(n) => {
            let _ = request.send(&bytes[..n]).await;
        }
        KillPoint::AfterLastByte(ms) => {
            let _ = request.send(bytes).await;
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
    node.instance.kill_hard();
    // A success the client saw before the kill must have stuck (checked below).
    let answered_success = request
        .finish(Vec::new())
        .await
        .is_some_and(|r| (200..300).contains(&r.status));
    node.restart().await;

    // The restarted process's scrub resets the upload once the dead process's lease expires.
    wait_until("the abandoned upload to be reset", || async {
        node.status(&id).await != ImageStatus::Saving && node.leases().await == 0
    })
    .await;
    let status = node.status(&id).await;
    assert!(
        !answered_success || status == ImageStatus::Active,
        "{context}: the client was told the upload succeeded, but the image is {status:?}"
    );
    let (code, body) = download(&node.app, api, &id).await;
    if status == ImageStatus::Active {
        assert_eq!(code, 200, "{context}");
        assert!(body == bytes, "{context}: active with other bytes");
        assert_eq!(node.blobs_of(&id).await.len(), 1, "{context}");
    } else {
        assert_eq!(status, failure_status(api), "{context}");
        assert_ne!(code, 200, "{context}: data served for a {status:?} image");
        assert!(body.len() < 1024, "{context}: data in an error body");
        wait_until("the partial blob to be removed", || async {
            node.blobs_of(&id).await.is_empty()
        })
        .await;
    }

    // What Glance allows next: v2 uploads again to the queued image; both may delete it.
    if api == 2 && status == ImageStatus::Queued {
        let response = send(
            node.app
                .tenant(OWNER)
                .put(&path)
                .header("content-type", "application/octet-stream")
                .body(bytes.to_vec()),
        )
        .await;
        assert_eq!(response.status().as_u16(), 204, "{context}: re-upload");
        let (code, body) = download(&node.app, api, &id).await;
        assert_eq!(code, 200, "{context}");
        assert!(body == bytes, "{context}: re-uploaded bytes differ");
    }
    let delete_path = if api == 1 {
        format!("/v1/images/{id}")
    } else {
        format!("/v2/images/{id}")
    };
    let response = send(node.app.tenant(OWNER).delete(&delete_path)).await;
    assert!(
        response.status().is_success(),
        "{context}: delete {}",
        response.status()
    );
    wait_until("the deleted image's data to go", || async {
        node.blobs_of(&id).await.is_empty()
    })
    .await;
    status.as_str().to_owned()
}
