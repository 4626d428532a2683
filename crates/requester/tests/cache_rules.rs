//! The token cache on its own, with paused time: deadlines and margin, tokens
//! that must not be cached, shared failures, replacement and the bound on keys.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use futures_util::FutureExt;
use zconnect_config::Secret;
use zconnect_requester::oauth::cache::{
    CacheKey, Fetch, FetchedToken, OAuthKey, Replacement, SecretDigest, TokenCache, TokenError,
    TokenFailure, TokenFailureKind,
};

const MARGIN: Duration = Duration::from_secs(1);
const INTERVAL: Duration = Duration::from_secs(5);

fn key(client: &str) -> CacheKey {
    CacheKey::OAuth(OAuthKey {
        config_id: "oauth".to_owned(),
        token_endpoint: "http://127.0.0.1:1/token".to_owned(),
        grant_type: "client_credentials",
        client_id: SecretDigest::of(client),
        client_secret: None,
        username: None,
        password: None,
        scope: None,
        audience: None,
        resource: None,
        custom_params: None,
    })
}

/// A token source that counts requests and issues `token-N` with `lifetime`.
#[derive(Clone, Default)]
struct Source {
    requests: Arc<AtomicUsize>,
}

impl Source {
    fn fetch(&self, lifetime: Option<Duration>) -> Fetch {
        let requests = self.requests.clone();
        async move {
            let serial = requests.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok(FetchedToken {
                value: Secret::new(format!("token-{serial}")),
                lifetime,
            })
        }
        .boxed()
    }

    fn fail(&self, kind: TokenFailureKind) -> Fetch {
        let requests = self.requests.clone();
        async move {
            requests.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(10)).await;
            Err(TokenFailure {
                kind,
                message: "the authorization server returned HTTP 503".to_owned(),
            })
        }
        .boxed()
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

#[tokio::test(start_paused = true)]
async fn cached_token_used_until_margin() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();
    let lifetime = Some(Duration::from_secs(10));
    cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();

    tokio::time::advance(Duration::from_millis(8_900)).await;
    let still_cached = cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();
    tokio::time::advance(Duration::from_millis(200)).await;
    let refreshed = cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();

    assert!(still_cached.hit);
    assert_eq!(still_cached.token.value.expose(), "token-1");
    assert!(!refreshed.hit);
    assert_eq!(refreshed.token.value.expose(), "token-2");
}

#[tokio::test(start_paused = true)]
async fn short_lived_token_serves_waiters_but_is_not_cached() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();
    let lifetime = Some(Duration::from_millis(500));

    let key = key("a");
    let waiters =
        join_all((0..5).map(|_| cache.get(&key, MARGIN, || source.fetch(lifetime)))).await;
    let later = cache
        .get(&key, MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();

    for waiter in waiters {
        assert_eq!(waiter.unwrap().token.value.expose(), "token-1");
    }
    assert_eq!(later.token.value.expose(), "token-2");
    assert_eq!(source.requests(), 2);
}

#[tokio::test(start_paused = true)]
async fn use_once_token_not_cached() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();

    let first = cache
        .get(&key("a"), MARGIN, || source.fetch(None))
        .await
        .unwrap();

    assert_eq!(first.token.value.expose(), "token-1");
    assert_eq!(cache.cached_tokens(), 0);
}

#[tokio::test(start_paused = true)]
async fn waiters_share_one_failure() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();

    let key = key("a");
    let results = join_all(
        (0..50).map(|_| cache.get(&key, MARGIN, || source.fail(TokenFailureKind::ServerError))),
    )
    .await;

    assert_eq!(source.requests(), 1);
    for result in results {
        assert!(matches!(result, Err(TokenError::Failed(_))));
    }
}

#[tokio::test(start_paused = true)]
async fn pause_lengths_follow_failure_kind() {
    let table = [
        (TokenFailureKind::Connect, 1),
        (TokenFailureKind::Timeout, 1),
        (TokenFailureKind::ServerError, 1),
        (TokenFailureKind::ClientError, 30),
        (TokenFailureKind::ErrorAnswer, 30),
    ];
    for (kind, seconds) in table {
        let cache = Arc::new(TokenCache::new(10));
        let source = Source::default();
        cache
            .get(&key("a"), MARGIN, || source.fail(kind))
            .await
            .unwrap_err();

        tokio::time::advance(Duration::from_secs(seconds) - Duration::from_millis(100)).await;
        let paused = cache
            .get(&key("a"), MARGIN, || {
                source.fetch(Some(Duration::from_secs(60)))
            })
            .await;
        tokio::time::advance(Duration::from_millis(200)).await;
        let after = cache
            .get(&key("a"), MARGIN, || {
                source.fetch(Some(Duration::from_secs(60)))
            })
            .await;

        assert!(matches!(paused, Err(TokenError::Paused { .. })), "{kind:?}");
        assert!(after.is_ok(), "{kind:?}");
        assert_eq!(source.requests(), 2, "{kind:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn replace_uses_newer_cached_token() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();
    let lifetime = Some(Duration::from_secs(60));
    let rejected = cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap()
        .token;
    cache
        .replace(&key("a"), rejected.serial, MARGIN, INTERVAL, || {
            source.fetch(lifetime)
        })
        .await
        .unwrap();

    let second = cache
        .replace(&key("a"), rejected.serial, MARGIN, INTERVAL, || {
            source.fetch(lifetime)
        })
        .await;

    assert!(
        matches!(second, Ok(Replacement::Newer(ref token)) if token.value.expose() == "token-2")
    );
    assert_eq!(source.requests(), 2);
}

#[tokio::test(start_paused = true)]
async fn replacement_limited_within_interval() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();
    let lifetime = Some(Duration::from_secs(60));
    cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();
    let Replacement::Fetched(replacement) = cache
        .replace(&key("a"), 1, MARGIN, INTERVAL, || source.fetch(lifetime))
        .await
        .unwrap()
    else {
        panic!("expected a fetched replacement");
    };

    tokio::time::advance(Duration::from_secs(4)).await;
    let limited = cache
        .replace(&key("a"), replacement.serial, MARGIN, INTERVAL, || {
            source.fetch(lifetime)
        })
        .await;
    tokio::time::advance(Duration::from_secs(2)).await;
    let allowed = cache
        .replace(&key("a"), replacement.serial, MARGIN, INTERVAL, || {
            source.fetch(lifetime)
        })
        .await;

    assert!(matches!(limited, Ok(Replacement::Limited)));
    assert!(matches!(allowed, Ok(Replacement::Fetched(_))));
    assert_eq!(source.requests(), 3);
}

#[tokio::test(start_paused = true)]
async fn concurrent_replacements_share_one_request() {
    let cache = Arc::new(TokenCache::new(10));
    let source = Source::default();
    let lifetime = Some(Duration::from_secs(60));
    let rejected = cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap()
        .token;

    let key = key("a");
    let replacements = join_all((0..100).map(|_| {
        cache.replace(&key, rejected.serial, MARGIN, INTERVAL, || {
            source.fetch(lifetime)
        })
    }))
    .await;

    assert_eq!(source.requests(), 2);
    for replacement in replacements {
        assert!(matches!(
            replacement,
            Ok(Replacement::Fetched(_) | Replacement::Newer(_))
        ));
    }
}

#[tokio::test(start_paused = true)]
async fn least_recently_used_key_dropped_at_capacity() {
    let cache = Arc::new(TokenCache::new(2));
    let source = Source::default();
    let lifetime = Some(Duration::from_secs(60));
    cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();
    cache
        .get(&key("b"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();
    cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();

    cache
        .get(&key("c"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();
    let a = cache
        .get(&key("a"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();
    let b = cache
        .get(&key("b"), MARGIN, || source.fetch(lifetime))
        .await
        .unwrap();

    assert_eq!(cache.len(), 2);
    assert!(a.hit, "a was used more recently than b");
    assert!(!b.hit, "b was dropped");
    assert_eq!(source.requests(), 4);
}

#[tokio::test]
async fn secret_digest_debug_hides_value() {
    let digest = SecretDigest::of("hunter2");

    assert_eq!(format!("{digest:?}"), "SecretDigest(****)");
    assert_eq!(digest, SecretDigest::of("hunter2"));
    assert_ne!(digest, SecretDigest::of("hunter3"));
}
