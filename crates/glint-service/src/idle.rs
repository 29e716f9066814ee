//! The idle timeout of an upload body: Glance's `client_socket_timeout` is a per-read socket
//! timeout, so a client is cut off when it sends nothing for that long, never because the
//! whole upload takes long. The clock runs only while glint waits for the client: while the
//! store applies back-pressure the body is not polled, and that time is not the client's.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use std::fmt::{self, Display};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether [`cut_off`] ended the body because the client went quiet.
#[derive(Clone, Default)]
pub(crate) struct IdleFlag(Arc<AtomicBool>);

impl IdleFlag {
    pub(crate) fn fired(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A body error: the client's own, or its silence.
#[derive(Debug)]
pub(crate) enum BodyError<E> {
    Client(E),
    Idle(Duration),
}

impl<E: Display> Display for BodyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::Client(e) => e.fmt(f),
            BodyError::Idle(d) => write!(f, "no data from the client for {} s", d.as_secs_f64()),
        }
    }
}

/// `body`, ending with [`BodyError::Idle`] when one chunk takes longer than `idle` to arrive.
pub(crate) fn cut_off<S, E>(
    body: S,
    idle: Duration,
) -> (
    impl Stream<Item = Result<Bytes, BodyError<E>>> + Send,
    IdleFlag,
)
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: Send,
{
    let flag = IdleFlag::default();
    let fired = flag.clone();
    let stream = futures::stream::unfold(
        (Box::pin(body), fired, false),
        move |(mut body, fired, done)| async move {
            if done {
                return None;
            }
            match tokio::time::timeout(idle, body.next()).await {
                Ok(Some(Ok(chunk))) => Some((Ok(chunk), (body, fired, false))),
                Ok(Some(Err(e))) => Some((Err(BodyError::Client(e)), (body, fired, true))),
                Ok(None) => None,
                Err(_) => {
                    fired.0.store(true, Ordering::SeqCst);
                    Some((Err(BodyError::Idle(idle)), (body, fired, true)))
                }
            }
        },
    );
    (stream, flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_quiet_client_is_cut_off_and_a_steady_one_is_not() {
        let steady = futures::stream::iter(0..20u8).then(|i| async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok::<_, std::io::Error>(Bytes::from(vec![i]))
        });
        let (stream, flag) = cut_off(steady, Duration::from_millis(500));
        let received: Vec<_> = stream.collect().await;
        assert_eq!(received.len(), 20);
        assert!(received.iter().all(Result::is_ok) && !flag.fired());

        let quiet = futures::stream::iter(0..2u8).then(|i| async move {
            tokio::time::sleep(Duration::from_millis(u64::from(i) * 1500)).await;
            Ok::<_, std::io::Error>(Bytes::from(vec![i]))
        });
        let (stream, flag) = cut_off(quiet, Duration::from_millis(500));
        let received: Vec<_> = stream.collect().await;
        assert_eq!(received.len(), 2);
        assert!(received[0].is_ok());
        assert!(matches!(received[1], Err(BodyError::Idle(_))));
        assert!(flag.fired());
    }
}
