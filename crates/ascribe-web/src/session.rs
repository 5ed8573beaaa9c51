//! Signed-in sessions: a random token in an HttpOnly, SameSite=Strict cookie
//! (Secure over TLS), the user's name and a CSRF token kept on the server.
//!
//! The table takes the time as a parameter, so its rules are tested without
//! a clock. It is the server's memory of the sessions; each is also kept in
//! the store (migration 0015, the token only as its SHA-256, see
//! [`token_hash`]), so a restart signs no one out: a token the table does
//! not know is looked up there and taken back ([`Sessions::restore`]). A
//! session's use is written to the store at most once every [`SAVE_EVERY`],
//! and that write also tells whether it was signed out elsewhere.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ascribe_session";
/// The sign-in form's cookie: a nonce the form repeats (double submit), so a
/// sign-in cannot be posted from another site.
pub(crate) const LOGIN_COOKIE: &str = "ascribe_login";

/// 256 random bits from the operating system, as hex.
pub(crate) fn token() -> String {
    let a = uuid::Uuid::new_v4();
    let b = uuid::Uuid::new_v4();
    format!("{}{}", a.simple(), b.simple())
}

/// How often a session's use is written to the store at most.
pub(crate) const SAVE_EVERY: Duration = Duration::from_secs(60);

/// A token's SHA-256 in hex: the store's key for its session.
pub(crate) fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Session {
    user: String,
    csrf: String,
    last: Instant,
    /// When its use was last written to the store.
    saved: Instant,
}

/// A live session's user and CSRF token, and whether its use is due to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Touched {
    pub user: String,
    pub csrf: String,
    pub save: bool,
}

/// The open sessions, bounded: past `max`, the least recently used goes.
pub(crate) struct Sessions {
    map: HashMap<String, Session>,
    max: usize,
    idle: Duration,
}

impl Sessions {
    pub fn new(max: usize, idle: Duration) -> Self {
        Sessions {
            map: HashMap::new(),
            max: max.max(1),
            idle,
        }
    }

    /// Opens a session for `user`: (cookie token, CSRF token).
    pub fn open(&mut self, user: &str, now: Instant) -> (String, String) {
        let (t, csrf) = (token(), token());
        self.restore(&t, user, &csrf, now, now);
        (t, csrf)
    }

    /// Takes a session kept in the store back into the table, last used at `last`.
    pub fn restore(&mut self, t: &str, user: &str, csrf: &str, last: Instant, now: Instant) {
        self.map
            .retain(|_, s| now.duration_since(s.last) < self.idle);
        while self.map.len() >= self.max {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, s)| s.last)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    self.map.remove(&k);
                }
                None => break,
            }
        }
        self.map.insert(
            t.to_owned(),
            Session {
                user: user.to_owned(),
                csrf: csrf.to_owned(),
                last,
                saved: now,
            },
        );
    }

    /// The user and CSRF token of a live session, which is kept alive.
    pub fn touch(&mut self, token: &str, now: Instant) -> Option<Touched> {
        let live = match self.map.get_mut(token) {
            Some(s) if now.duration_since(s.last) < self.idle => {
                s.last = now;
                let save = now.duration_since(s.saved) >= SAVE_EVERY;
                if save {
                    s.saved = now;
                }
                Some(Touched {
                    user: s.user.clone(),
                    csrf: s.csrf.clone(),
                    save,
                })
            }
            Some(_) => None,
            None => return None,
        };
        if live.is_none() {
            self.map.remove(token);
        }
        live
    }

    /// Forgets a session (signed out elsewhere).
    pub fn forget(&mut self, token: &str) {
        self.map.remove(token);
    }

    /// Closes a session when `csrf` is its token; false (session kept) otherwise.
    pub fn close(&mut self, token: &str, csrf: &str) -> bool {
        match self.map.get(token) {
            Some(s) if s.csrf == csrf => {
                self.map.remove(token);
                true
            }
            Some(_) => false,
            None => true,
        }
    }
}

/// A cookie's value from the request, if present.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        // A Cookie header with bytes outside visible ASCII holds no cookie
        // this server set (its values are base64url), so it is passed over.
        .flat_map(|v| v.to_str())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn attributes(secure: bool) -> &'static str {
    if secure {
        "; Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Strict"
    }
}

pub(crate) fn session_cookie(token: &str, secure: bool) -> String {
    format!("{SESSION_COOKIE}={token}{}", attributes(secure))
}

pub(crate) fn login_cookie(nonce: &str, secure: bool) -> String {
    format!("{LOGIN_COOKIE}={nonce}{}", attributes(secure))
}

pub(crate) fn expired(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_while_used_and_ends_when_idle() {
        let t0 = Instant::now();
        let mut s = Sessions::new(10, Duration::from_secs(60));
        let (tok, csrf) = s.open("ana", t0);
        assert_eq!(tok.len(), 64);
        assert_ne!(tok, csrf);
        let later = t0 + Duration::from_secs(50);
        assert_eq!(
            s.touch(&tok, later),
            Some(Touched {
                user: "ana".to_owned(),
                csrf: csrf.clone(),
                save: false
            })
        );
        // Used at 50 s, so still alive at 100 s; idle past 60 s after that it ends.
        assert!(
            s.touch(&tok, t0 + Duration::from_secs(100))
                .is_some_and(|t| t.save),
            "its use is written once a minute"
        );
        assert!(s
            .touch(&tok, t0 + Duration::from_secs(101))
            .is_some_and(|t| !t.save));
        assert!(s.touch(&tok, t0 + Duration::from_secs(161)).is_none());
        assert!(s.touch("nope", t0).is_none());
    }

    #[test]
    fn sign_out_needs_the_csrf_token_and_the_table_is_bounded() {
        let t0 = Instant::now();
        let mut s = Sessions::new(2, Duration::from_secs(60));
        let (a, csrf) = s.open("a", t0);
        assert!(!s.close(&a, "wrong"));
        assert!(s.touch(&a, t0).is_some());
        assert!(s.close(&a, &csrf));
        assert!(s.touch(&a, t0).is_none());
        let (b, _) = s.open("b", t0);
        let (c, _) = s.open("c", t0 + Duration::from_secs(1));
        let (d, _) = s.open("d", t0 + Duration::from_secs(2));
        assert!(s.touch(&b, t0 + Duration::from_secs(3)).is_none());
        assert!(s.touch(&c, t0 + Duration::from_secs(3)).is_some());
        assert!(s.touch(&d, t0 + Duration::from_secs(3)).is_some());
    }

    #[test]
    fn a_kept_session_is_taken_back_by_its_token_and_its_hash_is_not_the_token() {
        let t0 = Instant::now();
        let mut s = Sessions::new(10, Duration::from_secs(60));
        s.restore("tok", "ana", "c", t0, t0 + Duration::from_secs(30));
        assert!(s.touch("tok", t0 + Duration::from_secs(59)).is_some());
        let h = token_hash("tok");
        assert_eq!(h.len(), 64);
        assert!(!h.contains("tok"));
        assert_eq!(h, token_hash("tok"));
        s.forget("tok");
        assert!(s.touch("tok", t0 + Duration::from_secs(60)).is_none());
    }

    #[test]
    fn cookies_are_read_by_name_and_written_strict() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "x=1; ascribe_session=abc; y=2".parse().expect("a header"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "z"), None);
        let c = session_cookie("t", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!session_cookie("t", false).contains("Secure"));
    }
}
