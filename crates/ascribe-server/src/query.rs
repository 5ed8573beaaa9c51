//! TAXII query parameters: `added_after`, `limit`, `next` and the `match[...]` filters.

use ascribe_stix::time::version_key;
use ascribe_store::VersionSel;

/// The parsed query of an objects, manifest or versions request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaxiiQuery {
    pub added_after: Option<String>,
    pub limit: Option<usize>,
    pub next: Option<i64>,
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
                let n: i64 = v
                    .parse()
                    .map_err(|_| bad("not a token this server issued"))?;
                q.next = Some(n);
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
            "match%5Btype%5D=indicator,malware&match[version]=all&limit=5&next=42&added_after=2020-01-01T00:00:00Z",
        ));
        let q = q.unwrap_or_default();
        assert_eq!(q.types, ["indicator", "malware"]);
        assert_eq!(q.versions, [VersionSel::All]);
        assert_eq!((q.limit, q.next), (Some(5), Some(42)));
        assert!(q.added_after.is_some());
        assert!(parse_query(Some("limit=0")).is_err());
        assert!(parse_query(Some("added_after=yesterday")).is_err());
        assert!(parse_query(Some("match[version]=soon")).is_err());
        assert!(parse_query(Some("next=abc")).is_err());
        assert!(parse_query(Some("x=%zz")).is_err());
    }
}
