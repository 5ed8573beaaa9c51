//! Passwords (Argon2id) and HTTP Basic credentials.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;

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
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        // The decoy must be a well-formed hash, or unknown names would answer faster.
        assert!(PasswordHash::new(decoy_hash()).is_ok());
        assert!(!verify_password("", decoy_hash()));
        assert_ne!(
            h,
            hash_password("correct horse").unwrap_or_default(),
            "salted"
        );
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
