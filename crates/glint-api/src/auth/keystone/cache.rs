//! Validated tokens, so that a client's next requests do not each cost a Keystone round trip
//! (keystonemiddleware's token cache). Bounded in entries; each entry lives until its token
//! expires or the configured TTL passes, whichever comes first. Keys are SHA-256 digests, so the
//! tokens themselves are never kept (nor can they appear in a dump or log of the cache).

use super::KeystoneError;
use super::token::TokenInfo;
use moka::Expiry;
use moka::future::Cache;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

pub type TokenKey = [u8; 32];

pub fn key(token: &str) -> TokenKey {
    Sha256::digest(token.as_bytes()).into()
}

/// A short, non-reversible name for a token in logs.
pub fn fingerprint(key: &TokenKey) -> String {
    key.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone)]
pub struct TokenCache {
    /// `None`: caching is off (TTL zero or no room).
    entries: Option<Cache<TokenKey, Arc<TokenInfo>>>,
}

/// Each entry's lifetime: the TTL, cut short by the token's own expiry.
struct UntilExpiry {
    ttl: Duration,
}

impl Expiry<TokenKey, Arc<TokenInfo>> for UntilExpiry {
    fn expire_after_create(
        &self,
        _key: &TokenKey,
        value: &Arc<TokenInfo>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(value.cache_lifetime(OffsetDateTime::now_utc(), self.ttl))
    }
}

impl TokenCache {
    pub fn new(ttl: Duration, size: u64) -> Self {
        let entries = (!ttl.is_zero() && size > 0).then(|| {
            Cache::builder()
                .max_capacity(size)
                .expire_after(UntilExpiry { ttl })
                .build()
        });
        Self { entries }
    }

    /// The cached token, or what `validate` finds out, cached when valid. Concurrent misses for
    /// the same token share one call to `validate`.
    pub async fn get_or_validate<F>(
        &self,
        key: TokenKey,
        validate: F,
    ) -> Result<Arc<TokenInfo>, KeystoneError>
    where
        F: Future<Output = Result<TokenInfo, KeystoneError>>,
    {
        let Some(entries) = &self.entries else {
            return validate.await.map(Arc::new);
        };
        let info = entries
            .try_get_with(key, async { validate.await.map(Arc::new) })
            .await
            .map_err(|e| (*e).clone())?;
        // An entry never outlives its token, but the clock may have passed it since the lookup.
        if info.expires_at <= OffsetDateTime::now_utc() {
            entries.invalidate(&key).await;
            return Err(KeystoneError::InvalidToken("token expired"));
        }
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn info(lifetime: time::Duration) -> TokenInfo {
        TokenInfo {
            user_id: "u".into(),
            project_id: Some("p".into()),
            roles: vec!["reader".into()],
            expires_at: OffsetDateTime::now_utc() + lifetime,
        }
    }

    async fn lookup(
        cache: &TokenCache,
        token: &str,
        calls: &AtomicUsize,
        outcome: Result<TokenInfo, KeystoneError>,
    ) -> Result<Arc<TokenInfo>, KeystoneError> {
        cache
            .get_or_validate(key(token), async {
                calls.fetch_add(1, Ordering::SeqCst);
                outcome
            })
            .await
    }

    #[tokio::test]
    async fn valid_tokens_are_cached_and_invalid_ones_are_not() {
        let cache = TokenCache::new(Duration::from_secs(300), 10);
        let calls = AtomicUsize::new(0);
        let hour = time::Duration::hours(1);
        for _ in 0..3 {
            lookup(&cache, "good", &calls, Ok(info(hour)))
                .await
                .expect("valid");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        for _ in 0..2 {
            let rejected = Err(KeystoneError::InvalidToken("no"));
            assert!(lookup(&cache, "bad", &calls, rejected).await.is_err());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn zero_ttl_turns_the_cache_off() {
        let cache = TokenCache::new(Duration::ZERO, 10);
        let calls = AtomicUsize::new(0);
        for _ in 0..2 {
            lookup(&cache, "good", &calls, Ok(info(time::Duration::hours(1))))
                .await
                .expect("valid");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn keys_are_digests_not_tokens() {
        let k = key("gAAAAA-secret-token");
        assert_eq!(k, key("gAAAAA-secret-token"));
        assert_ne!(k, key("gAAAAA-secret-tokem"));
        assert_eq!(fingerprint(&k).len(), 12);
        assert!(!fingerprint(&k).contains("secret"));
    }
}
