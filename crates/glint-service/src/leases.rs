//! This process's uploads: the random instance id that owns their leases in the database, the
//! heartbeat that keeps those leases alive, and the switch that aborts them all at shutdown.

use crate::Glint;
use glint_core::time_fmt::Timestamp;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Timing of leases and scrubs (`[scrub]` in the config).
#[derive(Debug, Clone)]
pub struct ScrubSettings {
    /// Time between scrubs; the first runs at start-up.
    pub interval: Duration,
    /// How long an upload's lease lasts unrenewed. The heartbeat renews it every third of this,
    /// so it must exceed the clock skew between instances plus a database hiccup.
    pub lease: Duration,
    /// Age under which an unreferenced blob is left alone (a margin on top of the leases).
    pub orphan_min_age: Duration,
}

impl Default for ScrubSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(300),
            lease: Duration::from_secs(30),
            orphan_min_age: Duration::from_secs(3600),
        }
    }
}

/// The uploads running in this process.
#[derive(Debug)]
pub(crate) struct Uploads {
    /// Random per process: a restarted process never renews its predecessor's leases.
    pub(crate) instance_id: String,
    /// Cancelled at the end of the shutdown grace: running uploads fail cleanly.
    pub(crate) abort: CancellationToken,
    running: watch::Sender<usize>,
    /// Blob keys of the uploads running here: only their leases are renewed, so the lease of an
    /// upload that ended without reaching the database (an outage) expires and is scrubbed.
    keys: Mutex<HashSet<String>>,
}

impl Uploads {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            instance_id: uuid::Uuid::new_v4().to_string(),
            abort: CancellationToken::new(),
            running: watch::Sender::new(0),
            keys: Mutex::new(HashSet::new()),
        })
    }

    /// Counts the upload of `key` as running until the guard is dropped.
    pub(crate) fn track(self: &Arc<Self>, key: &str) -> RunningUpload {
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(key.to_owned());
        }
        self.running.send_modify(|n| *n += 1);
        RunningUpload {
            uploads: self.clone(),
            key: key.to_owned(),
        }
    }

    fn running_keys(&self) -> Vec<String> {
        self.keys
            .lock()
            .map(|keys| keys.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// One running upload; dropping it (the upload task ended, however) uncounts it.
pub(crate) struct RunningUpload {
    uploads: Arc<Uploads>,
    key: String,
}

impl Drop for RunningUpload {
    fn drop(&mut self) {
        if let Ok(mut keys) = self.uploads.keys.lock() {
            keys.remove(&self.key);
        }
        self.uploads
            .running
            .send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The instant `lease` from now.
pub(crate) fn lease_end(lease: Duration) -> Timestamp {
    let lease = time::Duration::try_from(lease).unwrap_or(time::Duration::MINUTE);
    Timestamp::from_datetime(time::OffsetDateTime::now_utc() + lease)
}

impl Glint {
    /// This process's instance id (owner of its upload leases).
    pub fn instance_id(&self) -> &str {
        &self.uploads.instance_id
    }

    /// Aborts every upload running in this process: each fails as the client's would (image
    /// back to its failure status, blob removed, lease released). New uploads fail at once.
    pub fn abort_uploads(&self) {
        self.uploads.abort.cancel();
    }

    /// Waits until no upload runs in this process.
    pub async fn uploads_finished(&self) {
        let mut running = self.uploads.running.subscribe();
        let _ = running.wait_for(|n| *n == 0).await;
    }

    /// Renews this process's leases every third of the lease time, forever. Spawned once.
    pub async fn heartbeat(self) {
        let period = (self.scrub.lease / 3).max(Duration::from_millis(100));
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let keys = self.uploads.running_keys();
            if keys.is_empty() {
                continue;
            }
            if let Err(err) = self
                .db
                .renew_leases(
                    &self.uploads.instance_id,
                    &keys,
                    lease_end(self.scrub.lease),
                )
                .await
            {
                // Another instance takes the uploads over once the lease runs out; they then
                // fail here too (their completion needs the lease), so no data is half-kept.
                tracing::warn!(error = %err, "could not renew upload leases");
            }
        }
    }
}
