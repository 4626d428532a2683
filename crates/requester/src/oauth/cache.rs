//! The token cache: tokens by everything that makes them differ, deadlines on
//! the monotonic clock, one token request at a time per key (single flight),
//! a pause after a failed request, and a bound on the number of keys.
//!
//! The cache lives in [`crate::SharedState`], so it outlives configuration
//! reloads: a key that a reload leaves unchanged keeps its token.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use futures_util::future::BoxFuture;
use http::HeaderValue;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use tokio::time::Instant;
use zconnect_config::Secret;

/// A SHA-256 digest of a secret part of a cache key, salted per process so
/// that digests cannot be compared across processes or looked up in tables.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SecretDigest([u8; 32]);

/// Hashes the first 8 bytes only: digests are uniformly distributed, so they
/// spread keys as well as all 32 bytes would, and every call hashes its key.
impl Hash for SecretDigest {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut head = [0_u8; 8];
        head.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(head));
    }
}

impl SecretDigest {
    pub fn of(value: &str) -> SecretDigest {
        let mut hasher = Sha256::new();
        hasher.update(process_salt());
        hasher.update(value.as_bytes());
        SecretDigest(hasher.finalize().into())
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(****)")
    }
}

/// 32 bytes that differ from one process to the next. The standard library's
/// `RandomState` is seeded from the operating system's random source, so
/// hashing with fresh instances gives unpredictable bytes without another
/// dependency.
fn process_salt() -> &'static [u8; 32] {
    static SALT: OnceLock<[u8; 32]> = OnceLock::new();
    SALT.get_or_init(|| {
        let mut salt = [0_u8; 32];
        for (index, chunk) in salt.chunks_mut(8).enumerate() {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_usize(index);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
        salt
    })
}

/// Everything that makes one cached token differ from another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    OAuth(OAuthKey),
    AuthToken(AuthTokenKey),
}

/// The key of an OAuth 2.0 token. Every value that can come from a caller
/// is kept as a digest, so the cache contains no credential in clear.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OAuthKey {
    pub config_id: String,
    pub token_endpoint: String,
    pub grant_type: &'static str,
    pub client_id: SecretDigest,
    pub client_secret: Option<SecretDigest>,
    pub username: Option<SecretDigest>,
    pub password: Option<SecretDigest>,
    pub scope: Option<SecretDigest>,
    pub audience: Option<SecretDigest>,
    pub resource: Option<SecretDigest>,
    /// Digest of the custom parameters in the order sent.
    pub custom_params: Option<SecretDigest>,
}

/// The key of a `zosconnect_authToken` token: the credentials and a digest
/// of the element's settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuthTokenKey {
    pub token_id: String,
    pub token_endpoint: String,
    pub settings: SecretDigest,
    pub username: Option<SecretDigest>,
    pub password: Option<SecretDigest>,
    pub custom: Option<SecretDigest>,
}

/// A token in use: the value, a serial number that grows with every token
/// fetched (so "newer than the rejected one" is a comparison), and when it
/// stops being usable.
pub struct CachedToken {
    pub value: Secret,
    pub serial: u64,
    pub deadline: Instant,
    /// `Bearer <value>`, built by the first call that sends the token.
    bearer: OnceLock<Option<HeaderValue>>,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("value", &self.value)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl CachedToken {
    /// Returns `Bearer <value>` as a header value marked sensitive, built
    /// once per token rather than once per call; `None` when the token has
    /// characters that an HTTP header cannot carry.
    pub fn bearer_header(&self) -> Option<HeaderValue> {
        self.bearer
            .get_or_init(|| {
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {}", self.value.expose())).ok()?;
                value.set_sensitive(true);
                Some(value)
            })
            .clone()
    }

    fn usable(&self, now: Instant, margin: Duration) -> bool {
        self.deadline.saturating_duration_since(now) >= margin
    }
}

/// The token and lifetime from a successful token request.
#[derive(Debug)]
pub struct FetchedToken {
    pub value: Secret,
    /// How long the token lives from when the request was sent; `None` or
    /// zero when it must not be cached.
    pub lifetime: Option<Duration>,
}

/// A failed token request: its kind, which sets how long the key pauses, and
/// a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFailure {
    pub kind: TokenFailureKind,
    /// A sentence naming the authorization server and the cause, never a
    /// secret.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFailureKind {
    /// Refused connection, DNS or TLS failure.
    Connect,
    Timeout,
    /// A 5xx status without an `error` field.
    ServerError,
    /// A 4xx status without an `error` field.
    ClientError,
    /// A response with an `error` field, whatever its status.
    ErrorAnswer,
    /// A 2xx response without a readable token.
    Unreadable,
    /// The request could not be built (caller credentials missing, a bad
    /// header value) or the flight ended without an outcome.
    Internal,
}

impl TokenFailureKind {
    /// How long calls for the same key fail at once after this failure. A
    /// rejected client or grant waits 30 s, because repeating a wrong password
    /// can lock the user's account; faults that may pass quickly wait 1 s.
    pub fn pause(self) -> Duration {
        match self {
            TokenFailureKind::ClientError | TokenFailureKind::ErrorAnswer => {
                Duration::from_secs(30)
            }
            TokenFailureKind::Connect
            | TokenFailureKind::Timeout
            | TokenFailureKind::ServerError
            | TokenFailureKind::Unreadable
            | TokenFailureKind::Internal => Duration::from_secs(1),
        }
    }

    /// The metric label of a token request with this outcome.
    pub fn label(self) -> &'static str {
        match self {
            TokenFailureKind::Connect => "connect_error",
            TokenFailureKind::Timeout => "timeout",
            TokenFailureKind::ServerError => "server_error",
            TokenFailureKind::ClientError => "client_error",
            TokenFailureKind::ErrorAnswer => "error_answer",
            TokenFailureKind::Unreadable => "unreadable",
            TokenFailureKind::Internal => "internal",
        }
    }
}

/// A failed lookup.
#[derive(Debug, Clone)]
pub enum TokenError {
    /// The token request made for this lookup (or the one it waited for)
    /// failed.
    Failed(Arc<TokenFailure>),
    /// An earlier request failed and its pause ends in `remaining`.
    Paused {
        failure: Arc<TokenFailure>,
        remaining: Duration,
    },
}

/// A token found by [`TokenCache::get`].
#[derive(Debug, Clone)]
pub struct Lookup {
    pub token: Arc<CachedToken>,
    /// True when the token came from the cache without waiting.
    pub hit: bool,
}

/// The outcome of [`TokenCache::replace`].
#[derive(Debug, Clone)]
pub enum Replacement {
    /// The cache already contains a token newer than the rejected one.
    Newer(Arc<CachedToken>),
    /// A token request made (or joined) for this replacement returned a token.
    Fetched(Arc<CachedToken>),
    /// The last replacement for this key is less than `tokenReplaceInterval`
    /// ago; the rejected token stays cached.
    Limited,
}

type FlightOutcome = Option<Result<Arc<CachedToken>, Arc<TokenFailure>>>;

/// The token request that produces a key's next token, started on demand.
pub type Fetch = BoxFuture<'static, Result<FetchedToken, TokenFailure>>;

struct Pause {
    until: Instant,
    failure: Arc<TokenFailure>,
}

#[derive(Default)]
struct Slot {
    token: Option<Arc<CachedToken>>,
    flight: Option<watch::Receiver<FlightOutcome>>,
    pause: Option<Pause>,
    last_replacement: Option<Instant>,
    /// Position in the least-recently-used order.
    tick: u64,
}

/// A multiply-and-rotate hasher (the one rustc uses) for token cache keys.
///
/// Every call hashes its key at least twice, and SipHash, made to resist
/// chosen keys, costs most of a cache hit. Keys here cannot be chosen: their
/// caller-supplied parts are salted SHA-256 digests, and the rest comes from
/// server.xml.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for byte in chunks.remainder() {
            self.add(u64::from(*byte));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[derive(Default)]
struct Slots {
    slots: HashMap<CacheKey, Slot, BuildHasherDefault<KeyHasher>>,
    /// Ticks in use order, oldest first, each naming its key.
    order: BTreeMap<u64, CacheKey>,
    next_tick: u64,
}

impl Slots {
    /// Returns the slot for `key`, created if missing, and marks it most
    /// recently used; drops the least recently used keys beyond `capacity`.
    fn touch(&mut self, key: &CacheKey, capacity: usize) -> &mut Slot {
        match self.slots.get(key).map(|slot| slot.tick) {
            // Already the most recently used, as a key used by calls in a
            // row is, so the order stays as it is.
            Some(previous) if previous == self.next_tick => {}
            // A key in use moves to the newest tick without being copied.
            Some(previous) => {
                self.next_tick += 1;
                let stored = self.order.remove(&previous).unwrap_or_else(|| key.clone());
                self.order.insert(self.next_tick, stored);
            }
            None => {
                self.next_tick += 1;
                self.slots.insert(key.clone(), Slot::default());
                self.order.insert(self.next_tick, key.clone());
                while self.slots.len() > capacity.max(1) {
                    let Some((_, oldest)) = self.order.pop_first() else {
                        break;
                    };
                    self.slots.remove(&oldest);
                }
            }
        }

        let tick = self.next_tick;
        let slot = self.slots.entry(key.clone()).or_default();
        slot.tick = tick;
        slot
    }
}

/// The token cache of the process. Methods take `self: &Arc<Self>` because a
/// token request runs in its own task, which writes its outcome back.
pub struct TokenCache {
    slots: Mutex<Slots>,
    capacity: usize,
    serial: AtomicU64,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("keys", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl TokenCache {
    pub fn new(capacity: usize) -> TokenCache {
        TokenCache {
            slots: Mutex::new(Slots::default()),
            capacity,
            serial: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // The lock is never held across an await, so a poisoned
        // lock only means a panic elsewhere; the data is still consistent.
        self.slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.lock().slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of keys that hold a token, usable or not.
    pub fn cached_tokens(&self) -> usize {
        self.lock()
            .slots
            .values()
            .filter(|slot| slot.token.is_some())
            .count()
    }

    /// Returns a token for `key`: a cached one with at least `margin` of life
    /// left, else the outcome of the key's token request, started with
    /// `fetch` unless one is already in flight. Fails at once while the key
    /// pauses after a failure.
    pub async fn get(
        self: &Arc<Self>,
        key: &CacheKey,
        margin: Duration,
        fetch: impl FnOnce() -> Fetch,
    ) -> Result<Lookup, TokenError> {
        let flight = {
            let mut slots = self.lock();
            let slot = slots.touch(key, self.capacity);
            let now = Instant::now();

            if let Some(token) = slot
                .token
                .as_ref()
                .filter(|token| token.usable(now, margin))
            {
                return Ok(Lookup {
                    token: token.clone(),
                    hit: true,
                });
            }
            match &slot.flight {
                Some(flight) => flight.clone(),
                None => {
                    check_pause(slot, now)?;
                    self.start_flight(slot, key, margin, fetch())
                }
            }
        };

        let token = wait(flight).await.map_err(TokenError::Failed)?;
        Ok(Lookup { token, hit: false })
    }

    /// Returns a token newer than the rejected one (serial `rejected`): a
    /// newer cached one, else the outcome of a replacement token request,
    /// unless the last replacement for the key is less than `interval` ago
    /// (zero disables that limit).
    pub async fn replace(
        self: &Arc<Self>,
        key: &CacheKey,
        rejected: u64,
        margin: Duration,
        interval: Duration,
        fetch: impl FnOnce() -> Fetch,
    ) -> Result<Replacement, TokenError> {
        let flight = {
            let mut slots = self.lock();
            let slot = slots.touch(key, self.capacity);
            let now = Instant::now();

            let newer = slot
                .token
                .as_ref()
                .filter(|token| token.serial > rejected && token.usable(now, margin));
            if let Some(token) = newer {
                return Ok(Replacement::Newer(token.clone()));
            }
            match &slot.flight {
                Some(flight) => flight.clone(),
                None => {
                    check_pause(slot, now)?;
                    let limited = slot.last_replacement.is_some_and(|last| {
                        !interval.is_zero() && now.saturating_duration_since(last) < interval
                    });
                    if limited {
                        return Ok(Replacement::Limited);
                    }
                    slot.last_replacement = Some(now);
                    self.start_flight(slot, key, margin, fetch())
                }
            }
        };

        let token = wait(flight).await.map_err(TokenError::Failed)?;
        Ok(Replacement::Fetched(token))
    }

    /// Drops the cached token for `key` if it is still the one with serial
    /// `serial`.
    pub fn drop_token(&self, key: &CacheKey, serial: u64) {
        let mut slots = self.lock();
        if let Some(slot) = slots.slots.get_mut(key) {
            if slot
                .token
                .as_ref()
                .is_some_and(|token| token.serial == serial)
            {
                slot.token = None;
            }
        }
    }

    /// Starts the token request in its own task, so a caller that gives up
    /// does not cancel it for the others, and returns the receiver that
    /// every waiter shares.
    fn start_flight(
        self: &Arc<Self>,
        slot: &mut Slot,
        key: &CacheKey,
        margin: Duration,
        fetch: Fetch,
    ) -> watch::Receiver<FlightOutcome> {
        let (sender, receiver) = watch::channel(None);
        slot.flight = Some(receiver.clone());

        let cache = self.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let sent_at = Instant::now();
            let outcome = fetch.await;
            let outcome = cache.complete(&key, sent_at, margin, outcome);
            // Waiters may all have gone; their absence is not an error.
            let _ = sender.send(Some(outcome));
        });
        receiver
    }

    /// Records the outcome of a token request in the key's slot.
    fn complete(
        &self,
        key: &CacheKey,
        sent_at: Instant,
        margin: Duration,
        outcome: Result<FetchedToken, TokenFailure>,
    ) -> Result<Arc<CachedToken>, Arc<TokenFailure>> {
        let mut slots = self.lock();
        let slot = slots.touch(key, self.capacity);
        slot.flight = None;

        match outcome {
            Ok(fetched) => {
                let lifetime = fetched.lifetime.unwrap_or(Duration::ZERO);
                let token = Arc::new(CachedToken {
                    value: fetched.value,
                    serial: self.serial.fetch_add(1, Ordering::SeqCst) + 1,
                    deadline: sent_at + lifetime,
                    bearer: OnceLock::new(),
                });
                slot.pause = None;
                // A token that does not outlive the margin still serves the
                // calls that waited for it, but later calls get a new one.
                slot.token = (lifetime > margin).then(|| token.clone());
                Ok(token)
            }
            Err(failure) => {
                let failure = Arc::new(failure);
                slot.pause = Some(Pause {
                    until: Instant::now() + failure.kind.pause(),
                    failure: failure.clone(),
                });
                Err(failure)
            }
        }
    }
}

fn check_pause(slot: &Slot, now: Instant) -> Result<(), TokenError> {
    match &slot.pause {
        Some(pause) if now < pause.until => Err(TokenError::Paused {
            failure: pause.failure.clone(),
            remaining: pause.until - now,
        }),
        _ => Ok(()),
    }
}

async fn wait(
    mut flight: watch::Receiver<FlightOutcome>,
) -> Result<Arc<CachedToken>, Arc<TokenFailure>> {
    match flight.wait_for(Option::is_some).await {
        Ok(outcome) => match outcome.as_ref() {
            Some(result) => result.clone(),
            None => Err(abandoned()),
        },
        Err(_) => Err(abandoned()),
    }
}

/// Builds the failure of a token request whose task ended without an
/// outcome, which happens only when the runtime shuts down under it.
fn abandoned() -> Arc<TokenFailure> {
    Arc::new(TokenFailure {
        kind: TokenFailureKind::Internal,
        message: "the token request ended without a result".to_owned(),
    })
}
