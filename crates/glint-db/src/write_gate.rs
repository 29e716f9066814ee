//! One writer at a time, in arrival order, for SQLite.
//!
//! SQLite has a single write lock per database file. Without a gate, concurrent write
//! transactions from the pool's connections collide on it and the losers wait in SQLite's busy
//! handler, which *sleeps and polls* (1, 2, 5, … up to 100 ms per sleep) instead of queueing:
//! at 16 concurrent writers that turned a 1 ms commit into a 0.8–2.4 s tail (BENCHMARKS.md,
//! add-member at c = 16). Taking an async FIFO turn before `BEGIN` makes glint's own writers
//! queue in order and wake the moment the previous commit ends; the busy handler is left for
//! other processes touching the same file (a `sqlite3` shell, the bench seeder).
//!
//! PostgreSQL has row locks and many writers: it gets no gate.

use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The turn to write, held until the transaction has committed or rolled back.
pub(crate) type WriteTurn = Option<OwnedMutexGuard<()>>;

#[derive(Clone, Debug, Default)]
pub(crate) struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    /// A gate for SQLite; an open door (no waiting at all) otherwise.
    pub(crate) fn for_backend(is_sqlite: bool) -> Self {
        Self(is_sqlite.then(|| Arc::new(Mutex::new(()))))
    }

    /// Waits for this caller's turn; tokio's mutex hands turns out first come, first served.
    pub(crate) async fn turn(&self) -> WriteTurn {
        match &self.0 {
            Some(gate) => Some(Arc::clone(gate).lock_owned().await),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn sqlite_writers_take_turns_in_arrival_order() {
        let gate = WriteGate::for_backend(true);
        let first = gate.turn().await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for n in 0..5 {
            let (gate, order) = (gate.clone(), Arc::clone(&order));
            waiters.push(tokio::spawn(async move {
                let _turn = gate.turn().await;
                order.lock().expect("not poisoned").push(n);
            }));
            // Each waiter is queued before the next one arrives.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(order.lock().expect("not poisoned").is_empty());
        drop(first);
        for waiter in waiters {
            waiter.await.expect("waiter ran");
        }
        assert_eq!(*order.lock().expect("not poisoned"), vec![0, 1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn postgres_writers_never_wait() {
        let gate = WriteGate::for_backend(false);
        let first = gate.turn().await;
        assert!(first.is_none());
        assert!(gate.turn().await.is_none());
    }
}
