//! Passwords (Argon2id), HTTP Basic credentials, and the bounds on what
//! authentication may cost.
//!
//! Every Argon2id verification fills 19 MiB, so unauthenticated guessing is
//! the cheapest way to exhaust the server. Three bounds hold that cost:
//! - at most [`AuthLimits::hash_permits`] verifications run at once, each in
//!   a memory buffer kept for reuse (so memory stays at permits x 19 MiB and
//!   is not left in allocator arenas per thread), and at most
//!   [`AuthLimits::hash_queue`] requests wait for one; the rest get 503;
//! - after [`AuthLimits::free_failures`] failures a client address, and
//!   separately a user name, is refused with 429 and `Retry-After` for a
//!   back-off that doubles per failure up to [`AuthLimits::backoff_max`],
//!   without hashing; both tables are bounded; 429 and 503 answers are held
//!   back a moment ([`AuthLimits::refusal_delay`]) so that a client retrying
//!   at once cannot turn cheap refusals into a CPU flood;
//! - a verified `Authorization` header is trusted for the cache TTL (bounded
//!   entries, keyed by its SHA-256 so no password is kept), so readers with
//!   valid credentials are served without hashing or back-off checks.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use ascribe_store::UserRecord;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::{AppState, Principal};

/// Hashes a password with Argon2id (the crate's default parameters) and a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom_fill(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn getrandom_fill(buf: &mut [u8]) -> Result<(), String> {
    // uuid's v4 generator draws from the OS; 16 bytes per UUID.
    for chunk in buf.chunks_mut(16) {
        let u = uuid::Uuid::new_v4();
        let bytes = u.as_bytes();
        chunk.copy_from_slice(bytes.get(..chunk.len()).ok_or("short random")?);
    }
    Ok(())
}

/// Whether `password` matches the PHC `hash`. A malformed hash never matches.
/// Allocates its own memory; the server uses [`Authenticator`] instead.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// The largest Argon2 memory cost (KiB) a stored hash may ask for; a hash
/// asking more never matches rather than making the server allocate it.
const MAX_M_COST: u32 = 256 * 1024;

/// Verifies `password` against the PHC `hash` in `blocks` (grown when the
/// hash asks for more memory; never shrunk, so the buffer is reused).
/// A malformed or non-Argon2 hash never matches.
fn verify_with_memory(password: &str, hash: &str, blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if params.m_cost() > MAX_M_COST {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    if blocks.len() < params.block_count() {
        blocks.resize(params.block_count(), Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if argon
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut blocks[..])
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// A hash of a password nobody has, verified against when the user does not
/// exist so that unknown names take as long as wrong passwords.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$YXNjcmliZWRlY295c2FsdA$Yq3lnNdQ0rM0z6y6yZJ2uWqSxJ7cQ2v3fE0zHkq3pQ8"
}

/// Splits an `Authorization: Basic ...` value into user and password.
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}

/// The bounds on authentication cost.
#[derive(Debug, Clone)]
pub struct AuthLimits {
    /// Password verifications running at once (each holds 19 MiB).
    pub hash_permits: usize,
    /// Requests allowed to wait for a permit; more are answered 503.
    pub hash_queue: usize,
    /// Longest wait for a permit before answering 503.
    pub hash_wait: Duration,
    /// Failures per address and per user name after which each further
    /// attempt waits out a back-off.
    pub free_failures: u32,
    /// First back-off; it doubles with each further failure.
    pub backoff_base: Duration,
    /// Longest back-off.
    pub backoff_max: Duration,
    /// Failures older than this are forgotten.
    pub forget_after: Duration,
    /// Entries kept in each failure table (addresses, names).
    pub table_entries: usize,
    /// Verified credentials kept in the cache.
    pub cache_entries: usize,
    /// How long a 429 or 503 answer is held back: a client that retries as
    /// soon as it is answered then costs a sleeping task (no CPU, a few KiB)
    /// for this long instead of a request-parse-refuse cycle per
    /// microsecond, which would take the cores from the readers.
    pub refusal_delay: Duration,
    /// Failed verifications per second the whole server pays for, however
    /// many addresses and names they come from; past it (and its burst), an
    /// uncached login is answered 503 without a check. A guesser who rotates
    /// addresses and names then costs at most this many hashes a second, so
    /// the cores stay with the readers.
    pub failures_per_sec: f64,
    /// Failed verifications allowed at once before `failures_per_sec` applies.
    pub failure_burst: f64,
}

impl Default for AuthLimits {
    fn default() -> Self {
        // Half the cores (at least one, at most four) may hash, so the rest
        // keep serving readers while a flood of guesses is being verified.
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let permits = (cores / 2).clamp(1, 4);
        AuthLimits {
            hash_permits: permits,
            hash_queue: 4 * permits,
            hash_wait: Duration::from_secs(2),
            free_failures: 5,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            forget_after: Duration::from_secs(15 * 60),
            table_entries: 4096,
            cache_entries: 1024,
            refusal_delay: Duration::from_secs(1),
            failures_per_sec: 2.0,
            failure_burst: 10.0,
        }
    }
}

/// The server-wide budget of failed verifications: a token bucket that
/// failures spend and time refills. Time is passed in, so the rule is
/// testable without a clock.
#[derive(Debug)]
pub(crate) struct FailureBudget {
    tokens: f64,
    last: Instant,
}

impl FailureBudget {
    pub(crate) fn new(limits: &AuthLimits, now: Instant) -> Self {
        FailureBudget {
            tokens: limits.failure_burst.max(1.0),
            last: now,
        }
    }

    fn refill(&mut self, now: Instant, limits: &AuthLimits) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens =
            (self.tokens + dt * limits.failures_per_sec).min(limits.failure_burst.max(1.0));
        self.last = now;
    }

    /// Takes a token for a verification that may fail, if one is left.
    /// Taking before hashing (not checking, then spending after) is what
    /// bounds the rate: concurrent guesses cannot all pass one check.
    pub(crate) fn try_take(&mut self, now: Instant, limits: &AuthLimits) -> bool {
        self.refill(now, limits);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Gives back a token taken for a verification that did not fail (it
    /// succeeded, or never ran).
    pub(crate) fn refund(&mut self, now: Instant, limits: &AuthLimits) {
        self.refill(now, limits);
        self.tokens = (self.tokens + 1.0).min(limits.failure_burst.max(1.0));
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    until: Instant,
}

/// Failed verifications per key (a client address or a user name), bounded:
/// when full, forgotten entries go first, then the one whose last failure is
/// oldest. Time is passed in, so the rule is testable without a clock.
#[derive(Debug)]
pub(crate) struct FailureTable<K> {
    map: HashMap<K, Failures>,
    cap: usize,
}

impl<K: Hash + Eq + Clone> FailureTable<K> {
    pub(crate) fn new(cap: usize) -> Self {
        FailureTable {
            map: HashMap::new(),
            cap: cap.max(1),
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// How long `k` must still wait, if it is backed off at `now`.
    pub(crate) fn blocked(&self, k: &K, now: Instant) -> Option<Duration> {
        let f = self.map.get(k)?;
        (f.until > now).then(|| f.until - now)
    }

    /// Records a failure of `k` at `now`.
    pub(crate) fn fail(&mut self, k: &K, now: Instant, l: &AuthLimits) {
        if !self.map.contains_key(k) && self.map.len() >= self.cap {
            self.map
                .retain(|_, f| now.saturating_duration_since(f.last) < l.forget_after);
            if self.map.len() >= self.cap {
                let oldest = self
                    .map
                    .iter()
                    .min_by_key(|(_, f)| f.last)
                    .map(|(k, _)| k.clone());
                if let Some(o) = oldest {
                    self.map.remove(&o);
                }
            }
        }
        let f = self.map.entry(k.clone()).or_insert(Failures {
            count: 0,
            last: now,
            until: now,
        });
        if now.saturating_duration_since(f.last) >= l.forget_after {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
        if f.count >= l.free_failures {
            let doublings = (f.count - l.free_failures).min(20);
            let delay = l
                .backoff_base
                .saturating_mul(1u32 << doublings)
                .min(l.backoff_max);
            f.until = now + delay;
        }
    }

    /// Forgets `k`'s failures (after a successful verification).
    pub(crate) fn clear(&mut self, k: &K) {
        self.map.remove(k);
    }
}

/// Verified `Authorization` headers by SHA-256, bounded: when full, expired
/// entries go first, then the oldest.
#[derive(Debug)]
pub(crate) struct CredentialCache {
    map: HashMap<[u8; 32], (UserRecord, Instant)>,
    cap: usize,
    ttl: Duration,
}

impl CredentialCache {
    pub(crate) fn new(cap: usize, ttl: Duration) -> Self {
        CredentialCache {
            map: HashMap::new(),
            cap: cap.max(1),
            ttl,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn get(&self, key: &[u8; 32], now: Instant) -> Option<UserRecord> {
        let (u, at) = self.map.get(key)?;
        (now.saturating_duration_since(*at) < self.ttl).then(|| u.clone())
    }

    pub(crate) fn insert(&mut self, key: [u8; 32], u: UserRecord, now: Instant) {
        if !self.map.contains_key(&key) && self.map.len() >= self.cap {
            let ttl = self.ttl;
            self.map
                .retain(|_, (_, at)| now.saturating_duration_since(*at) < ttl);
            if self.map.len() >= self.cap {
                let oldest = self
                    .map
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| *k);
                if let Some(o) = oldest {
                    self.map.remove(&o);
                }
            }
        }
        self.map.insert(key, (u, now));
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No, malformed or wrong credentials (401).
    Unauthorized,
    /// The address or name is backed off for this long (429).
    BackedOff(Duration),
    /// Too many verifications running and waiting (503).
    Busy,
    /// The store failed (500; logged).
    Internal,
}

/// Authentication state shared by all requests.
pub struct Authenticator {
    limits: AuthLimits,
    cache: Mutex<CredentialCache>,
    by_addr: Mutex<FailureTable<IpAddr>>,
    by_name: Mutex<FailureTable<String>>,
    budget: Mutex<FailureBudget>,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    hasher: std::sync::mpsc::Sender<Job>,
}

/// A password verification for a hashing thread.
struct Job {
    password: String,
    hash: String,
    answer: tokio::sync::oneshot::Sender<bool>,
}

/// Starts `n` hashing threads that take jobs from one queue. Each keeps its
/// own 19 MiB buffer (so memory stays at `n` buffers) and runs at the
/// lowest CPU priority: a flood of guesses then uses only the time the
/// readers leave, and a reader's request preempts a hash in progress.
/// They end when the [`Authenticator`] (the queue's sender) is dropped.
fn start_hashers(n: usize) -> std::io::Result<std::sync::mpsc::Sender<Job>> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..n {
        let rx = rx.clone();
        std::thread::Builder::new()
            .name(format!("ascribe-argon2-{i}"))
            .spawn(move || {
                lower_thread_priority();
                let mut blocks = Vec::new();
                loop {
                    let next = lock(&rx).recv();
                    let Ok(job) = next else { return };
                    let ok = verify_with_memory(&job.password, &job.hash, &mut blocks);
                    // The requester may have gone away; its answer is then moot.
                    let _ = job.answer.send(ok);
                }
            })?;
    }
    Ok(tx)
}

/// Lowers the calling thread's scheduling priority to the weakest (nice 19;
/// on Linux the nice value is per thread). Where it cannot, hashing runs at
/// normal priority and the permits alone bound it; that is logged.
fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    {
        // PRIO_PROCESS of "self" names the calling thread on Linux.
        if let Err(e) = rustix::process::setpriority_process(None, 19) {
            tracing::warn!(error = %e, "could not lower the hashing thread's priority");
        }
    }
}

/// Locks `m`; a panic while holding one of these locks leaves plain data
/// that is still consistent (every update is a single map operation).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One request waiting for a hashing permit.
struct Waiting<'a> {
    count: &'a AtomicUsize,
    /// Requests that were waiting before this one.
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        let ahead = count.fetch_add(1, Ordering::AcqRel);
        Waiting { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The back-off key of a client address: IPv4 as is, IPv6 by its /64 (one
/// host usually holds a whole /64), IPv4-mapped IPv6 as the IPv4 address.
fn addr_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// A client address for the log (`-` when unknown).
fn shown(peer: Option<IpAddr>) -> String {
    peer.map_or_else(|| "-".to_owned(), |p| p.to_string())
}

/// User names are keyed by at most this many bytes, so a flood of long
/// names cannot grow the table's memory beyond `table_entries` x this.
const NAME_KEY_MAX: usize = 256;

fn name_key(name: &str) -> String {
    let mut end = name.len().min(NAME_KEY_MAX);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}

impl Authenticator {
    pub fn new(limits: AuthLimits, cache_ttl: Duration) -> Self {
        let permits = limits.hash_permits.max(1);
        Authenticator {
            cache: Mutex::new(CredentialCache::new(limits.cache_entries, cache_ttl)),
            by_addr: Mutex::new(FailureTable::new(limits.table_entries)),
            by_name: Mutex::new(FailureTable::new(limits.table_entries)),
            budget: Mutex::new(FailureBudget::new(&limits, Instant::now())),
            permits: Arc::new(Semaphore::new(permits)),
            waiting: AtomicUsize::new(0),
            hasher: start_hashers(permits).expect("the OS starts the password hashing threads"),
            limits,
        }
    }

    /// Authenticates `header` (an `Authorization` value) from `peer`.
    /// `lookup` reads the user from the store.
    pub(crate) async fn check(
        &self,
        header: &HeaderValue,
        peer: Option<IpAddr>,
        lookup: impl AsyncFnOnce(String) -> Result<Option<UserRecord>, ()>,
    ) -> Result<UserRecord, Refusal> {
        let key: [u8; 32] = Sha256::digest(header.as_bytes()).into();
        if let Some(u) = lock(&self.cache).get(&key, Instant::now()) {
            return Ok(u);
        }
        let text = header.to_str().map_err(|_| Refusal::Unauthorized)?;
        let (name, password) = parse_basic(text).ok_or(Refusal::Unauthorized)?;
        let u = self.check_password(name, password, peer, lookup).await?;
        lock(&self.cache).insert(key, u.clone(), Instant::now());
        Ok(u)
    }

    /// Checks a user name and password from `peer` under the same bounds as
    /// a Basic header (back-off tables, failure budget, hashing permits); the
    /// web UI's sign-in uses it, so a flood of sign-ins costs what a flood of
    /// TAXII guesses does and both count against one budget.
    pub async fn check_password(
        &self,
        name: String,
        password: String,
        peer: Option<IpAddr>,
        lookup: impl AsyncFnOnce(String) -> Result<Option<UserRecord>, ()>,
    ) -> Result<UserRecord, Refusal> {
        let nkey = name_key(&name);
        let peer = peer.map(addr_key);
        let now = Instant::now();
        let wait = [
            peer.and_then(|p| lock(&self.by_addr).blocked(&p, now)),
            lock(&self.by_name).blocked(&nkey, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(w) = wait {
            tracing::debug!(peer = %shown(peer), user = ?nkey, "authentication backed off");
            return Err(Refusal::BackedOff(w));
        }
        if !lock(&self.budget).try_take(now, &self.limits) {
            tracing::debug!(peer = %shown(peer), user = ?nkey, "failure budget spent: login refused unchecked");
            return Err(Refusal::Busy);
        }
        let verified = self.verify(name, password, lookup).await;
        let now = Instant::now();
        let (user, ok) = match verified {
            Ok(v) => v,
            Err(r) => {
                // Nothing was verified, so nothing failed: the token goes back.
                lock(&self.budget).refund(now, &self.limits);
                return Err(r);
            }
        };
        match user {
            Some(u) if ok => {
                lock(&self.budget).refund(now, &self.limits);
                lock(&self.by_name).clear(&nkey);
                if let Some(p) = peer {
                    lock(&self.by_addr).clear(&p);
                }
                Ok(u)
            }
            _ => {
                tracing::info!(peer = %shown(peer), user = ?nkey, "authentication failed");
                if let Some(p) = peer {
                    lock(&self.by_addr).fail(&p, now, &self.limits);
                }
                lock(&self.by_name).fail(&nkey, now, &self.limits);
                Err(Refusal::Unauthorized)
            }
        }
    }

    /// Looks `name` up and verifies `password` against its hash (or the
    /// decoy's) on a hashing thread, under a permit.
    async fn verify(
        &self,
        name: String,
        password: String,
        lookup: impl AsyncFnOnce(String) -> Result<Option<UserRecord>, ()>,
    ) -> Result<(Option<UserRecord>, bool), Refusal> {
        let permit = self.permit().await?;
        let user = lookup(name).await.map_err(|()| Refusal::Internal)?;
        let hash = user
            .as_ref()
            .map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
        let (answer, verdict) = tokio::sync::oneshot::channel();
        self.hasher
            .send(Job {
                password,
                hash,
                answer,
            })
            .map_err(|_| {
                tracing::error!("password hashing threads are gone");
                Refusal::Internal
            })?;
        let ok = verdict.await.map_err(|_| {
            tracing::error!("password verification ended without an answer");
            Refusal::Internal
        })?;
        drop(permit);
        Ok((user, ok))
    }

    /// A hashing permit, waiting at most `hash_wait` behind at most
    /// `hash_queue` others.
    async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Refusal> {
        if let Ok(p) = self.permits.clone().try_acquire_owned() {
            return Ok(p);
        }
        // Counted down on drop, also when the client goes away mid-wait.
        let slot = Waiting::enter(&self.waiting);
        if slot.ahead >= self.limits.hash_queue {
            tracing::debug!("password verification queue full");
            return Err(Refusal::Busy);
        }
        let got =
            tokio::time::timeout(self.limits.hash_wait, self.permits.clone().acquire_owned()).await;
        drop(slot);
        match got {
            Ok(Ok(p)) => Ok(p),
            _ => Err(Refusal::Busy),
        }
    }
}

/// Authenticates a request: anonymous without `Authorization` (when
/// allowed), otherwise through the shared [`Authenticator`].
pub(crate) async fn authenticate(
    st: &AppState,
    headers: &HeaderMap,
) -> Result<Principal, Response> {
    let Some(h) = headers.get(header::AUTHORIZATION) else {
        if st.config.anonymous {
            return Ok(Principal { user: None });
        }
        return Err(refusal(Refusal::Unauthorized));
    };
    let peer = crate::net::current().map(|p| p.addr.ip());
    let lookup = |name: String| async move {
        crate::taxii::db(st, move |s| Ok(s.user(&name)?))
            .await
            .map_err(|_| ())
    };
    match st.auth.check(h, peer, lookup).await {
        Ok(u) => Ok(Principal { user: Some(u) }),
        Err(r @ (Refusal::BackedOff(_) | Refusal::Busy)) => {
            tokio::time::sleep(st.config.auth.refusal_delay).await;
            Err(refusal(r))
        }
        Err(r) => Err(refusal(r)),
    }
}

fn refusal(r: Refusal) -> Response {
    use crate::taxii::error;
    let retry = |mut resp: Response, d: Duration| {
        let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
        if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    };
    match r {
        Refusal::Unauthorized => error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "valid HTTP Basic credentials are required",
        ),
        Refusal::BackedOff(d) => retry(
            error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed logins",
                "too many failed authentications from this client or for this user; retry later",
            ),
            d,
        ),
        Refusal::Busy => retry(
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "too many authentications in progress; retry later",
            ),
            Duration::from_secs(1),
        ),
        Refusal::Internal => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "the server could not complete the request",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_model::Tlp;
    use ascribe_store::Role;

    fn limits() -> AuthLimits {
        AuthLimits {
            table_entries: 8,
            cache_entries: 4,
            ..AuthLimits::default()
        }
    }

    #[test]
    fn the_failure_budget_refills_at_its_rate_up_to_its_burst() {
        let l = AuthLimits {
            failures_per_sec: 2.0,
            failure_burst: 3.0,
            ..AuthLimits::default()
        };
        let t0 = Instant::now();
        let mut b = FailureBudget::new(&l, t0);
        for _ in 0..3 {
            assert!(b.try_take(t0, &l));
        }
        assert!(!b.try_take(t0, &l), "the burst is spent");
        assert!(!b.try_take(t0 + Duration::from_millis(400), &l));
        assert!(
            b.try_take(t0 + Duration::from_millis(500), &l),
            "one token after 0.5 s"
        );
        // A success gives its token back.
        b.refund(t0 + Duration::from_millis(500), &l);
        assert!(b.try_take(t0 + Duration::from_millis(500), &l));
        // A long quiet spell refills to the burst, not beyond it.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(b.try_take(later, &l));
        }
        assert!(!b.try_take(later, &l));
        b.refund(later, &l);
        b.refund(later, &l);
        b.refund(later, &l);
        b.refund(later, &l);
        for _ in 0..3 {
            assert!(b.try_take(later, &l));
        }
        assert!(!b.try_take(later, &l), "refunds stop at the burst");
    }

    /// Guesses arriving together cannot all pass one check of the budget:
    /// with a burst of 3 and no refill, 3 are verified and the rest are
    /// refused unchecked, however many run at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_guesses_hash_no_more_than_the_budget() {
        let auth = Arc::new(Authenticator::new(
            AuthLimits {
                hash_permits: 2,
                hash_queue: 64,
                hash_wait: Duration::from_secs(30),
                failures_per_sec: 1e-9,
                failure_burst: 3.0,
                free_failures: 1000,
                ..AuthLimits::default()
            },
            Duration::from_secs(60),
        ));
        let looked_up = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..16u8 {
            let auth = auth.clone();
            let looked_up = looked_up.clone();
            tasks.push(tokio::spawn(async move {
                let creds =
                    base64::engine::general_purpose::STANDARD.encode(format!("guess{i}:wrong"));
                let header =
                    HeaderValue::from_str(&format!("Basic {creds}")).expect("a valid header");
                let peer = Some(IpAddr::from([127, 0, 0, i + 1]));
                auth.check(&header, peer, |_| async move {
                    looked_up.fetch_add(1, Ordering::SeqCst);
                    Ok(None)
                })
                .await
            }));
        }
        let mut unauthorized = 0;
        let mut busy = 0;
        for t in tasks {
            match t.await.expect("the check task does not panic") {
                Err(Refusal::Unauthorized) => unauthorized += 1,
                Err(Refusal::Busy) => busy += 1,
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        assert_eq!(unauthorized, 3, "only the budget's tokens are hashed");
        assert_eq!(busy, 13);
        assert_eq!(looked_up.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse").expect("hashing works");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        // The decoy must be a well-formed hash, or unknown names would answer faster.
        assert!(PasswordHash::new(decoy_hash()).is_ok());
        assert!(!verify_password("", decoy_hash()));
        assert_ne!(
            h,
            hash_password("correct horse").expect("hashing works"),
            "salted"
        );
    }

    #[test]
    fn verifying_in_a_reused_buffer_agrees_with_the_crate() {
        let h = hash_password("correct horse").expect("hashing works");
        let mut blocks = Vec::new();
        assert!(verify_with_memory("correct horse", &h, &mut blocks));
        let len = blocks.len();
        assert_eq!(len, 19456, "the default parameters' 19 MiB");
        assert!(!verify_with_memory("wrong", &h, &mut blocks));
        assert!(!verify_with_memory("", decoy_hash(), &mut blocks));
        assert!(!verify_with_memory("x", "not a hash", &mut blocks));
        // A hash asking for more memory than the cap never matches (nor allocates).
        let greedy = h.replace("m=19456", "m=4194304");
        assert!(!verify_with_memory("correct horse", &greedy, &mut blocks));
        assert_eq!(blocks.len(), len, "the buffer is reused, not grown");
    }

    #[test]
    fn back_off_starts_after_the_free_failures_and_doubles_to_the_cap() {
        let l = limits();
        let mut t = FailureTable::new(l.table_entries);
        let t0 = Instant::now();
        for _ in 1..l.free_failures {
            t.fail(&"ana".to_owned(), t0, &l);
        }
        assert_eq!(t.blocked(&"ana".to_owned(), t0), None);
        t.fail(&"ana".to_owned(), t0, &l);
        assert_eq!(t.blocked(&"ana".to_owned(), t0), Some(l.backoff_base));
        t.fail(&"ana".to_owned(), t0, &l);
        assert_eq!(t.blocked(&"ana".to_owned(), t0), Some(l.backoff_base * 2));
        for _ in 0..40 {
            t.fail(&"ana".to_owned(), t0, &l);
        }
        assert_eq!(t.blocked(&"ana".to_owned(), t0), Some(l.backoff_max));
        assert_eq!(t.blocked(&"ana".to_owned(), t0 + l.backoff_max), None);
        // Forgotten after a quiet spell: free failures again.
        let later = t0 + l.forget_after + Duration::from_secs(1);
        t.fail(&"ana".to_owned(), later, &l);
        assert_eq!(t.blocked(&"ana".to_owned(), later), None);
        t.clear(&"ana".to_owned());
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn tables_and_cache_stay_bounded_under_distinct_keys() {
        let l = limits();
        let mut t = FailureTable::new(l.table_entries);
        let t0 = Instant::now();
        for _ in 0..10 {
            t.fail(&"victim".to_owned(), t0, &l);
        }
        for i in 0..10_000u32 {
            t.fail(
                &format!("name{i}"),
                t0 + Duration::from_millis(u64::from(i) + 1),
                &l,
            );
            assert!(t.len() <= l.table_entries);
        }
        let mut c = CredentialCache::new(l.cache_entries, Duration::from_secs(60));
        let u = UserRecord {
            name: "ana".into(),
            role: Role::Reader,
            clearance: Tlp::Green,
            password_hash: String::new(),
        };
        for i in 0..1000u32 {
            let mut k = [0u8; 32];
            k[..4].copy_from_slice(&i.to_le_bytes());
            c.insert(k, u.clone(), t0 + Duration::from_millis(u64::from(i)));
            assert!(c.len() <= l.cache_entries);
        }
        assert!(c.get(&[0u8; 32], t0).is_none(), "the oldest was evicted");
        assert_eq!(name_key(&"é".repeat(1000)).len(), NAME_KEY_MAX);
    }

    #[test]
    fn addresses_are_keyed_by_host_ipv6_by_its_64() {
        let k = |s: &str| addr_key(s.parse().unwrap_or(IpAddr::from([0u8; 4])));
        assert_eq!(k("192.0.2.7"), k("::ffff:192.0.2.7"));
        assert_ne!(k("192.0.2.7"), k("192.0.2.8"));
        assert_eq!(k("2001:db8:1:2::1"), k("2001:db8:1:2:ffff::9"));
        assert_ne!(k("2001:db8:1:2::1"), k("2001:db8:1:3::1"));
    }

    #[tokio::test]
    async fn a_client_leaving_mid_wait_frees_its_place_in_the_queue() {
        let l = AuthLimits {
            hash_permits: 1,
            hash_queue: 1,
            hash_wait: Duration::from_secs(60),
            ..AuthLimits::default()
        };
        let a = Authenticator::new(l, Duration::from_secs(60));
        let held = a.permits.clone().try_acquire_owned();
        assert!(held.is_ok());
        // A waiter that gives up (its request future is dropped).
        let gave_up = tokio::time::timeout(Duration::from_millis(20), a.permit()).await;
        assert!(gave_up.is_err());
        assert_eq!(a.waiting.load(Ordering::Acquire), 0);
        drop(held);
        assert!(a.permit().await.is_ok());
    }

    #[tokio::test]
    async fn overload_is_refused_not_queued() {
        let l = AuthLimits {
            hash_permits: 1,
            hash_queue: 0,
            ..AuthLimits::default()
        };
        let a = Authenticator::new(l, Duration::from_secs(60));
        let held = a.permits.clone().try_acquire_owned();
        assert!(held.is_ok());
        let h = HeaderValue::from_static("Basic YW5hOnd4eXo=");
        let r = a
            .check(&h, None, |_| async { Ok(None) })
            .await
            .map(|u| u.name);
        assert_eq!(r, Err(Refusal::Busy));
        drop(held);
        let r = a
            .check(&h, None, |_| async { Ok(None) })
            .await
            .map(|u| u.name);
        assert_eq!(r, Err(Refusal::Unauthorized), "hashed against the decoy");
    }

    #[test]
    fn basic_credentials_parse() {
        assert_eq!(
            parse_basic("Basic YWxpY2U6cDpx"),
            Some(("alice".into(), "p:q".into()))
        );
        assert_eq!(parse_basic("Bearer x"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
    }
}
