//! The subset of the STIX 2.1 patterning language that names indicators:
//! observation expressions `[ ... ]` joined by `OR`, each a list of comparisons joined
//! by `OR`, of the forms
//!
//! - `ipv4-addr:value = '198.51.100.7'` (or a CIDR), `ipv4-addr:value ISSUBSET '198.51.100.0/24'`,
//!   the same for `ipv6-addr`;
//! - `domain-name:value = 'c2.example'`;
//! - `url:value = 'http://c2.example/x'`;
//! - `file:hashes.'SHA-256' = '...'`, `file:hashes.MD5`, `file:hashes.'SHA-1'`.
//!
//! Anything else (`AND`, `FOLLOWEDBY`, `NOT`, `MATCHES`, `LIKE`, qualifiers, other object
//! paths) is an error that says what was not understood, so the caller can report it.

use ascribe_model::IndicatorKind;

/// Why a pattern is not supported or not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
#[non_exhaustive]
pub struct PatternError {
    pub reason: String,
}

fn err<T>(reason: impl Into<String>) -> Result<T, PatternError> {
    Err(PatternError {
        reason: reason.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LBracket,
    RBracket,
    LParen,
    RParen,
    Word(String),
    Str(String),
    Op(String),
}

fn tokenize(p: &str) -> Result<Vec<Tok>, PatternError> {
    let mut out = Vec::new();
    let mut chars = p.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' | ']' | '(' | ')' => {
                chars.next();
                out.push(match c {
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    '(' => Tok::LParen,
                    _ => Tok::RParen,
                });
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return err("unterminated string literal"),
                        Some('\\') => match chars.next() {
                            Some(e @ ('\\' | '\'')) => s.push(e),
                            _ => return err("invalid escape in string literal"),
                        },
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                    }
                }
                out.push(Tok::Str(s));
            }
            '=' | '!' | '<' | '>' => {
                let mut s = String::new();
                while let Some(&ch) = chars.peek() {
                    if matches!(ch, '=' | '!' | '<' | '>') {
                        s.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Op(s));
            }
            _ => {
                let mut s = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace()
                        || matches!(ch, '[' | ']' | '(' | ')' | '=' | '!' | '<' | '>')
                    {
                        break;
                    }
                    if ch == '\'' {
                        // A quoted path component such as hashes.'SHA-256'.
                        chars.next();
                        s.push('\'');
                        for q in chars.by_ref() {
                            s.push(q);
                            if q == '\'' {
                                break;
                            }
                        }
                        continue;
                    }
                    s.push(ch);
                    chars.next();
                }
                out.push(Tok::Word(s));
            }
        }
    }
    Ok(out)
}

/// Parses a pattern into the (type, value) pairs it names (any one of them matching
/// means the pattern matches).
pub fn parse_pattern(p: &str) -> Result<Vec<(IndicatorKind, String)>, PatternError> {
    let toks = tokenize(p)?;
    let mut parser = Parser {
        toks: &toks,
        pos: 0,
        out: Vec::new(),
    };
    parser.observations()?;
    let Parser { pos, out, .. } = parser;
    if pos != toks.len() {
        return err(format!("unexpected {:?} after the pattern", toks.get(pos)));
    }
    if out.is_empty() {
        return err("empty pattern");
    }
    Ok(out)
}

fn keyword(t: Option<&Tok>) -> Option<String> {
    match t {
        Some(Tok::Word(w)) => Some(w.to_ascii_uppercase()),
        _ => None,
    }
}

/// A recursive-descent parser over the tokens, collecting the comparisons.
struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    out: Vec<(IndicatorKind, String)>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos)
    }

    /// `inner` between the current token (already checked) and `close`;
    /// `missing` says what a missing `close` leaves open.
    fn enclosed(
        &mut self,
        inner: fn(&mut Self) -> Result<(), PatternError>,
        close: Tok,
        missing: &str,
    ) -> Result<(), PatternError> {
        self.pos += 1;
        inner(self)?;
        if self.peek() != Some(&close) {
            return err(missing);
        }
        self.pos += 1;
        Ok(())
    }

    /// Observation expressions (or groups of them) joined by `OR`.
    fn observations(&mut self) -> Result<(), PatternError> {
        loop {
            match self.peek() {
                Some(Tok::LBracket) => self.enclosed(
                    Self::comparisons,
                    Tok::RBracket,
                    "expected ] to close the observation expression",
                )?,
                Some(Tok::LParen) => self.enclosed(
                    Self::observations,
                    Tok::RParen,
                    "expected ) to close the group",
                )?,
                other => return err(format!("expected [ or (, found {other:?}")),
            }
            match keyword(self.peek()).as_deref() {
                Some("OR") => self.pos += 1,
                Some(k @ ("AND" | "FOLLOWEDBY")) => {
                    return err(format!(
                        "{k} between observation expressions is not supported"
                    ))
                }
                Some(k @ ("WITHIN" | "START" | "REPEATS")) => {
                    return err(format!("the {k} qualifier is not supported"))
                }
                _ => return Ok(()),
            }
        }
    }

    /// Comparisons (or groups of them) joined by `OR`, inside one
    /// observation expression.
    fn comparisons(&mut self) -> Result<(), PatternError> {
        loop {
            if self.peek() == Some(&Tok::LParen) {
                self.enclosed(
                    Self::comparisons,
                    Tok::RParen,
                    "expected ) in the comparison expression",
                )?;
            } else {
                let Some(Tok::Word(path)) = self.peek() else {
                    return err("expected an object path");
                };
                self.pos += 1;
                let op = match self.peek() {
                    Some(Tok::Op(o)) => o.clone(),
                    Some(Tok::Word(w)) => w.to_ascii_uppercase(),
                    other => {
                        return err(format!(
                            "expected an operator after {path}, found {other:?}"
                        ))
                    }
                };
                self.pos += 1;
                let Some(Tok::Str(value)) = self.peek() else {
                    return err(format!("expected a string literal after {path} {op}"));
                };
                let found = comparison(path, &op, value)?;
                self.pos += 1;
                self.out.push(found);
            }
            match keyword(self.peek()).as_deref() {
                Some("OR") => self.pos += 1,
                Some("AND") => return err("AND inside an observation expression is not supported"),
                _ => return Ok(()),
            }
        }
    }
}

fn comparison(path: &str, op: &str, value: &str) -> Result<(IndicatorKind, String), PatternError> {
    let path_l = path.to_ascii_lowercase();
    let v = value.trim().to_owned();
    match (path_l.as_str(), op) {
        ("ipv4-addr:value" | "ipv6-addr:value", "=") => {
            let fam_ok = path_l.starts_with("ipv6") == v.contains(':');
            if !fam_ok {
                return err(format!(
                    "{} is not an address of the {path} family",
                    ascribe_model::diag::excerpt(&v)
                ));
            }
            if v.contains('/') {
                return Ok((IndicatorKind::Cidr, v));
            }
            Ok((IndicatorKind::Ip, v))
        }
        ("ipv4-addr:value" | "ipv6-addr:value", "ISSUBSET") => Ok((IndicatorKind::Cidr, v)),
        ("domain-name:value", "=") => Ok((IndicatorKind::Domain, v)),
        ("url:value", "=") => Ok((IndicatorKind::Url, v)),
        (p, "=") if p.starts_with("file:hashes.") => {
            let algo = p
                .trim_start_matches("file:hashes.")
                .trim_matches('\'')
                .replace('-', "");
            match algo.as_str() {
                "md5" => Ok((IndicatorKind::Md5, v)),
                "sha1" => Ok((IndicatorKind::Sha1, v)),
                "sha256" => Ok((IndicatorKind::Sha256, v)),
                other => err(format!("hash algorithm {other} is not supported")),
            }
        }
        (_, "=" | "ISSUBSET") => err(format!("object path {path} is not supported")),
        _ => err(format!("operator {op} is not supported")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_patterns() {
        assert_eq!(
            parse_pattern(
                "[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '203.0.113.0/24']"
            ),
            Ok(vec![
                (IndicatorKind::Ip, "198.51.100.1".into()),
                (IndicatorKind::Cidr, "203.0.113.0/24".into())
            ])
        );
        assert_eq!(
            parse_pattern("[file:hashes.'SHA-256' = 'aa'] OR [file:hashes.MD5 = 'bb']"),
            Ok(vec![
                (IndicatorKind::Sha256, "aa".into()),
                (IndicatorKind::Md5, "bb".into())
            ])
        );
        assert_eq!(
            parse_pattern("[url:value = 'http://x.example/it\\'s']"),
            Ok(vec![(IndicatorKind::Url, "http://x.example/it's".into())])
        );
        assert_eq!(
            parse_pattern("[ipv6-addr:value ISSUBSET '2001:db8::/32']"),
            Ok(vec![(IndicatorKind::Cidr, "2001:db8::/32".into())])
        );
    }

    #[test]
    fn unsupported_patterns_say_why() {
        for (p, why) in [
            (
                "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']",
                "AND",
            ),
            ("[file:name = 'a']", "file:name"),
            ("[domain-name:value MATCHES 'x']", "MATCHES"),
            ("[email-addr:value = 'a@b']", "email-addr"),
            ("[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS", "WITHIN"),
            ("[ipv4-addr:value = '1.2.3.4'", "]"),
            ("[ipv4-addr:value = '2001:db8::1']", "family"),
        ] {
            let e = parse_pattern(p).err().map(|e| e.reason).unwrap_or_default();
            assert!(e.contains(why), "{p}: {e}");
        }
    }
}
