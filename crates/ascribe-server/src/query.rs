//! TAXII query parameters: `added_after`, `limit`, `next` and the `match[...]` filters.

use ascribe_stix::time::version_key;
use ascribe_store::{Cursor, VersionSel};
use base64::Engine;

/// The parsed query of an objects, manifest or versions request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaxiiQuery {
    pub added_after: Option<String>,
    pub limit: Option<usize>,
    pub next: Option<Cursor>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: Vec<VersionSel>,
    pub spec_versions: Vec<String>,
}

/// A bad query parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("query parameter {param}: {reason}")]
pub struct QueryError {
    pub param: String,
    pub reason: &'static str,
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'%') => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            Some(b'+') => {
                out.push(b' ');
                i += 1;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
            None => break,
        }
    }
    String::from_utf8(out).ok()
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The one answer to every `next` that is not a token this server issued
/// for this reader: malformed, tampered with, or naming a row the reader
/// cannot see all read alike.
pub(crate) const BAD_TOKEN: &str = "not a paging token this server issued for you";

/// The `next` token for a page that ended at `last`.
///
/// A token names the last row of the page by what the reader already
/// received of it (its id and version), base64url-encoded, and the store
/// resumes after that row among the rows this reader can see. It carries no
/// row number, counter, time of its own or anything about other rows, so
/// two tokens differ only in rows the reader was shown: the gap between them
/// says nothing about how many hidden rows lie between, in this collection
/// or any other. A forged token naming a hidden or absent row is refused with
/// the same 400 as a malformed one, so tokens are no existence oracle either.
pub fn encode_token(last: &Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{} {}", last.id, last.version))
}

/// Reads a token made by [`encode_token`].
pub fn decode_token(t: &str) -> Option<Cursor> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t.trim_end_matches('='))
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, version) = text.split_once(' ')?;
    if id.is_empty() || id.contains(' ') || version.contains(' ') {
        return None;
    }
    Some(Cursor {
        id: id.to_owned(),
        version: version.to_owned(),
    })
}

/// Parses a raw query string. Unknown parameters are ignored.
pub fn parse_query(raw: Option<&str>) -> Result<TaxiiQuery, QueryError> {
    let mut q = TaxiiQuery::default();
    let Some(raw) = raw else { return Ok(q) };
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = |reason| QueryError {
            param: k.chars().take(40).collect(),
            reason,
        };
        let k = percent_decode(k).ok_or_else(|| bad("not valid percent-encoding"))?;
        let v = percent_decode(v).ok_or_else(|| bad("not valid percent-encoding"))?;
        let bad = |reason| QueryError {
            param: k.chars().take(40).collect(),
            reason,
        };
        match k.as_str() {
            "added_after" => {
                q.added_after =
                    Some(version_key(&v).ok_or_else(|| {
                        bad("expected a UTC timestamp like 2020-01-01T00:00:00Z")
                    })?);
            }
            "limit" => {
                let n: usize = v.parse().map_err(|_| bad("expected a positive integer"))?;
                if n == 0 {
                    return Err(bad("expected a positive integer"));
                }
                q.limit = Some(n);
            }
            "next" => {
                q.next = Some(decode_token(&v).ok_or_else(|| bad(BAD_TOKEN))?);
            }
            "match[id]" => q.ids.extend(list(&v)),
            "match[type]" => q.types.extend(list(&v)),
            "match[spec_version]" => q.spec_versions.extend(list(&v)),
            "match[version]" => {
                for item in list(&v) {
                    q.versions.push(match item.as_str() {
                        "first" => VersionSel::First,
                        "last" => VersionSel::Last,
                        "all" => VersionSel::All,
                        t => {
                            VersionSel::At(version_key(t).ok_or_else(|| {
                                bad("expected first, last, all or a UTC timestamp")
                            })?)
                        }
                    });
                }
            }
            _ => {}
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxii_filters_parse() {
        let q = parse_query(Some(
            "match%5Btype%5D=indicator,malware&match[version]=all&limit=5&next=aW5kaWNhdG9yLS14IDIwMjA&added_after=2020-01-01T00:00:00Z",
        ));
        let q = q.unwrap_or_default();
        assert_eq!(q.types, ["indicator", "malware"]);
        assert_eq!(q.versions, [VersionSel::All]);
        let c = Cursor {
            id: "indicator--x".into(),
            version: "2020".into(),
        };
        assert_eq!((q.limit, q.next), (Some(5), Some(c.clone())));
        assert_eq!(decode_token(&encode_token(&c)), Some(c));
        // A version key may be empty (SCOs): the token still reads back.
        let sco = Cursor {
            id: "ipv4-addr--y".into(),
            version: String::new(),
        };
        assert_eq!(decode_token(&encode_token(&sco)), Some(sco));
        assert!(parse_query(Some("next=42")).is_err());
        assert!(q.added_after.is_some());
        assert!(parse_query(Some("limit=0")).is_err());
        assert!(parse_query(Some("added_after=yesterday")).is_err());
        assert!(parse_query(Some("match[version]=soon")).is_err());
        assert!(parse_query(Some("next=abc")).is_err());
        assert!(parse_query(Some("x=%zz")).is_err());
    }
}
