//! The request `Content-Type` of a TAXII POST, parsed as a media type
//! (RFC 9110 section 8.3.1): type and subtype case-insensitive, parameters
//! `name=value` or `name="value"` with optional whitespace around `;`.

/// Why a `Content-Type` is refused (answered 415 with this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaTypeError {
    #[error("no Content-Type: send application/taxii+json;version=2.1")]
    Missing,
    #[error("Content-Type {0:?} is not a media type: send application/taxii+json;version=2.1")]
    Malformed(String),
    #[error("media type {0:?}: send application/taxii+json;version=2.1")]
    WrongType(String),
    #[error("version {0:?}: this server accepts version=2.1 only")]
    WrongVersion(String),
    #[error("charset {0:?}: TAXII bodies are JSON, accepted in charset=utf-8 only")]
    WrongCharset(String),
    #[error("parameter {0:?} given twice")]
    Duplicate(String),
}

/// Checks that `value` names TAXII 2.1 JSON: `application/taxii+json`, with
/// `version` absent or `2.1` and `charset` absent or `utf-8`; other
/// parameters are ignored.
pub fn check_taxii_content_type(value: Option<&str>) -> Result<(), MediaTypeError> {
    let value = value.ok_or(MediaTypeError::Missing)?;
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or("").trim();
    let malformed = || MediaTypeError::Malformed(value.chars().take(100).collect());
    let (ty, sub) = media.split_once('/').ok_or_else(malformed)?;
    if ty.is_empty() || sub.is_empty() || !token(ty) || !token(sub) {
        return Err(malformed());
    }
    if !ty.eq_ignore_ascii_case("application") || !sub.eq_ignore_ascii_case("taxii+json") {
        return Err(MediaTypeError::WrongType(media.chars().take(100).collect()));
    }
    let mut seen: Vec<String> = Vec::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        let (name, raw) = p.split_once('=').ok_or_else(malformed)?;
        let name = name.trim().to_ascii_lowercase();
        if !token(&name) {
            return Err(malformed());
        }
        let raw = raw.trim();
        let v = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(q) => q,
            None if token(raw) => raw,
            None => return Err(malformed()),
        };
        if seen.contains(&name) {
            return Err(MediaTypeError::Duplicate(name));
        }
        match name.as_str() {
            "version" if v != "2.1" => {
                return Err(MediaTypeError::WrongVersion(v.chars().take(40).collect()))
            }
            "charset" if !v.eq_ignore_ascii_case("utf-8") => {
                return Err(MediaTypeError::WrongCharset(v.chars().take(40).collect()))
            }
            _ => {}
        }
        seen.push(name);
    }
    Ok(())
}

/// An RFC 9110 token.
fn token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn taxii_media_types_with_parameters() {
        for ok in [
            "application/taxii+json;version=2.1",
            "application/taxii+json",
            "application/taxii+json;version=2.1; charset=utf-8",
            "Application/TAXII+JSON; Version=\"2.1\"; CHARSET=UTF-8",
            "application/taxii+json ; charset=\"utf-8\" ; version=2.1",
            "application/taxii+json;version=2.1;",
        ] {
            assert_eq!(check_taxii_content_type(Some(ok)), Ok(()), "{ok}");
        }
        let bad = |v: &str| check_taxii_content_type(Some(v)).map_err(|e| e.to_string());
        assert!(matches!(
            check_taxii_content_type(None),
            Err(MediaTypeError::Missing)
        ));
        assert_eq!(
            bad("application/taxii+json;version=2.1; charset=iso-8859-1"),
            Err(
                "charset \"iso-8859-1\": TAXII bodies are JSON, accepted in charset=utf-8 only"
                    .into()
            )
        );
        type Kind = fn(&MediaTypeError) -> bool;
        let refused: [(&str, Kind); 5] = [
            ("application/taxii+json;version=2.0", |e| {
                matches!(e, MediaTypeError::WrongVersion(_))
            }),
            ("application/json", |e| {
                matches!(e, MediaTypeError::WrongType(_))
            }),
            ("application/taxii+json;version", |e| {
                matches!(e, MediaTypeError::Malformed(_))
            }),
            ("application/taxii+json;charset=utf-8;charset=latin1", |e| {
                matches!(e, MediaTypeError::Duplicate(_))
            }),
            ("taxii+json", |e| matches!(e, MediaTypeError::Malformed(_))),
        ];
        for (v, kind) in refused {
            let got = check_taxii_content_type(Some(v));
            assert!(got.as_ref().is_err_and(kind), "{v}: {got:?}");
        }
    }

    proptest! {
        /// Whitespace, case and quoting never change the verdict, and any
        /// input is answered without panicking.
        #[test]
        fn verdict_ignores_case_spacing_and_quotes(
            charset in prop_oneof![Just("utf-8"), Just("UTF-8"), Just("latin1"), Just("utf-16")],
            sp in "[ \t]{0,2}",
            quote in any::<bool>(),
            upper in any::<bool>(),
        ) {
            let q = if quote { "\"" } else { "" };
            let v = format!("application/taxii+json{sp};{sp}version={q}2.1{q}{sp};{sp}charset={q}{charset}{q}");
            let v = if upper { v.to_ascii_uppercase() } else { v };
            let ok = charset.eq_ignore_ascii_case("utf-8");
            prop_assert_eq!(check_taxii_content_type(Some(&v)).is_ok(), ok, "{}", v);
        }

        #[test]
        fn arbitrary_values_never_panic(v in ".{0,80}") {
            let _ = check_taxii_content_type(Some(&v));
        }
    }
}
