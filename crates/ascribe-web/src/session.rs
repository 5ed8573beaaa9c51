//! Signed-in sessions: a random token in an HttpOnly, SameSite=Strict cookie
//! (Secure over TLS), the user's name and a CSRF token kept on the server.
//!
//! The table takes the time as a parameter, so its rules are tested without
//! a clock. Sessions live in memory: a restart signs everyone out.

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

struct Session {
    user: String,
    csrf: String,
    last: Instant,
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
        let t = token();
        let csrf = token();
        self.map.insert(
            t.clone(),
            Session {
                user: user.to_owned(),
                csrf: csrf.clone(),
                last: now,
            },
        );
        (t, csrf)
    }

    /// The user and CSRF token of a live session, which is kept alive.
    pub fn touch(&mut self, token: &str, now: Instant) -> Option<(String, String)> {
        let live = match self.map.get_mut(token) {
            Some(s) if now.duration_since(s.last) < self.idle => {
                s.last = now;
                Some((s.user.clone(), s.csrf.clone()))
            }
            Some(_) => None,
            None => return None,
        };
        if live.is_none() {
            self.map.remove(token);
        }
        live
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
        assert_eq!(s.touch(&tok, later), Some(("ana".to_owned(), csrf.clone())));
        // Used at 50 s, so still alive at 100 s; idle past 60 s after that it ends.
        assert!(s.touch(&tok, t0 + Duration::from_secs(100)).is_some());
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
