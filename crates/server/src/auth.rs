//! Sign-in: password hashes, opaque session tokens and login rate limiting, shared by the web
//! sign-in and TAK `<auth>` (the layer that turns a bearer token into a viewer is
//! `api::session`).
//!
//! Tokens are 32 random bytes shown to the client once; the log and the state keep only their
//! BLAKE3 hash, so neither a copy of the log nor a snapshot lets anyone sign in. A session is an
//! event (`session_opened`), ends with an event (`session_closed`, a password change or a
//! disabled user) or at its expiry, and can therefore be audited and replayed.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// An Argon2id PHC string for `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A new token (shown to the client once) and the hash the state keeps.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Failed sign-ins remembered per user name and per address, within a sliding window.
#[derive(Debug)]
pub struct RateLimiter {
    window: Duration,
    max_failures: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys remembered at most; past this, the oldest-looking entries are dropped so that a flood
/// of made-up user names cannot grow memory without bound.
const MAX_KEYS: usize = 100_000;

impl RateLimiter {
    pub fn new(window: Duration, max_failures: usize) -> RateLimiter {
        RateLimiter {
            window,
            max_failures: max_failures.max(1),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(user: &str, addr: Option<IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("user:{user}")];
        if let Some(addr) = addr {
            keys.push(format!("addr:{addr}"));
        }
        keys
    }

    /// `Err(retry_after)` when the user or the address has failed too often lately.
    pub fn check(&self, user: &str, addr: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for key in Self::keys(user, addr) {
            if let Some(times) = map.get_mut(&key) {
                while times.front().is_some_and(|t| now.duration_since(*t) > self.window) {
                    times.pop_front();
                }
                if times.len() >= self.max_failures
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(self.window.saturating_sub(now.duration_since(*oldest)));
                }
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait.max(Duration::from_secs(1))) }
    }

    pub fn failed(&self, user: &str, addr: Option<IpAddr>, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            let window = self.window;
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) <= window));
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for key in Self::keys(user, addr) {
            let times = map.entry(key).or_default();
            times.push_back(now);
            while times.len() > self.max_failures {
                times.pop_front();
            }
        }
    }

    pub fn succeeded(&self, user: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("user:{user}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_malformed_hashes_never_match() {
        let hash = hash_password("demo").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("demo", &hash));
        assert!(!verify_password("Demo", &hash));
        assert!(!verify_password("demo", "not a phc string"));
        assert!(!verify_password("demo", ""));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(a, ha);
    }

    #[test]
    fn the_limiter_blocks_after_repeated_failures_per_user_and_address() {
        let limiter = RateLimiter::new(Duration::from_secs(60), 3);
        let t0 = Instant::now();
        let addr: Option<IpAddr> = "127.0.0.9".parse().ok();
        for _ in 0..3 {
            assert!(limiter.check("cgw.watch", addr, t0).is_ok());
            limiter.failed("cgw.watch", addr, t0);
        }
        assert!(limiter.check("cgw.watch", None, t0).is_err(), "per user");
        assert!(limiter.check("someone.else", addr, t0).is_err(), "per address");
        assert!(limiter.check("someone.else", None, t0).is_ok());
        assert!(
            limiter.check("cgw.watch", addr, t0 + Duration::from_secs(61)).is_ok(),
            "the window slides"
        );
    }
}
