//! Suricata EVE JSON, one object a line (every event type; the fields of alert, flow,
//! dns, http, tls and fileinfo events that the job uses are read where present).
//!
//! Speed: most lines are not of a selected type. [`event_type_fast`] finds the top-level
//! `event_type` by a substring search; a line is fully parsed only when its type is
//! selected or the quick look cannot decide (spaces around the colon, escapes, a `{`
//! before the key). Selected lines are always parsed in full and their type re-checked,
//! so the quick look can only save work, never change the answer for valid JSON.

use ascribe_model::diag::excerpt;
use std::borrow::Cow;

use memchr::memmem;
use serde::Deserialize;

use crate::record::{address, Record};
use crate::time::parse_iso;

#[derive(Debug, PartialEq, Deserialize)]
pub struct Eve<'a> {
    #[serde(borrow, default)]
    pub timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub event_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub src_ip: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub dest_ip: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub alert: Option<Alert<'a>>,
    #[serde(borrow, default)]
    pub dns: Option<Dns<'a>>,
    #[serde(borrow, default)]
    pub http: Option<Http<'a>>,
    #[serde(borrow, default)]
    pub tls: Option<Tls<'a>>,
    #[serde(borrow, default)]
    pub fileinfo: Option<FileInfo<'a>>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct Alert<'a> {
    #[serde(borrow, default)]
    pub signature: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub action: Option<Cow<'a, str>>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct Dns<'a> {
    #[serde(borrow, default)]
    pub rrname: Option<Cow<'a, str>>,
    /// Suricata 6/7 DNS metadata inside alerts.
    #[serde(borrow, default)]
    pub query: Option<Vec<DnsQuery<'a>>>,
    /// Suricata 8 (`dns.version` 3).
    #[serde(borrow, default)]
    pub queries: Option<Vec<DnsQuery<'a>>>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct DnsQuery<'a> {
    #[serde(borrow, default)]
    pub rrname: Option<Cow<'a, str>>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct Http<'a> {
    #[serde(borrow, default)]
    pub hostname: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub url: Option<Cow<'a, str>>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct Tls<'a> {
    #[serde(borrow, default)]
    pub sni: Option<Cow<'a, str>>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct FileInfo<'a> {
    #[serde(borrow, default)]
    pub md5: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub sha1: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub sha256: Option<Cow<'a, str>>,
}

/// A reusable searcher for the `"event_type"` key.
pub struct TypeFinder {
    key: memmem::Finder<'static>,
}

impl Default for TypeFinder {
    fn default() -> Self {
        TypeFinder {
            key: memmem::Finder::new(b"\"event_type\""),
        }
    }
}

impl TypeFinder {
    /// The value of the top-level `event_type` when it can be read without parsing:
    /// the first occurrence of the key, with no `{` between the line's opening brace and
    /// it (so it is at depth 1), followed by `:` and a string without escapes.
    /// `None` means "parse the line to know".
    pub fn event_type_fast<'a>(&self, line: &'a [u8]) -> Option<&'a [u8]> {
        self.event_type_span(line).and_then(|(s, e)| line.get(s..e))
    }

    /// Where [`TypeFinder::event_type_fast`]'s answer lies in the line.
    pub fn event_type_span(&self, line: &[u8]) -> Option<(usize, usize)> {
        let pos = self.key.find(line)?;
        let before = line.get(1..pos)?;
        if line.first() != Some(&b'{')
            || memchr::memchr(b'{', before).is_some()
            || before.last() == Some(&b'\\')
        {
            return None;
        }
        let mut i = pos + b"\"event_type\"".len();
        while line.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if line.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        while line.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if line.get(i) != Some(&b'"') {
            return None;
        }
        let start = i + 1;
        let rest = line.get(start..)?;
        let end = memchr::memchr2(b'"', b'\\', rest)?;
        if rest.get(end) != Some(&b'"') {
            return None;
        }
        Some((start, start + end))
    }
}

/// Parses one line: the fast reader first, serde_json when it is unsure (and for the
/// error message of a bad line).
pub fn parse(line: &[u8]) -> Result<Eve<'_>, String> {
    if let Ok(ev) = crate::evescan::scan(line) {
        return Ok(ev);
    }
    serde_json::from_slice::<Eve>(line).map_err(|e| {
        let mut s = e.to_string();
        // serde_json's messages end with " at line 1 column N"; keep the column.
        if let Some(i) = s.find(" at line 1 column") {
            s.replace_range(i..i + " at line 1".len(), "");
        }
        s
    })
}

/// Why an event could not become a record.
pub fn to_record<'a>(ev: &'a Eve<'a>) -> Result<Record<'a>, String> {
    let Some(ts) = ev.timestamp.as_deref() else {
        return Err("no timestamp".to_owned());
    };
    let Some(ts) = parse_iso(ts) else {
        return Err(format!("timestamp {} is not ISO 8601", excerpt(ts)));
    };
    let event_type = ev.event_type.as_deref().unwrap_or("");
    let mut r = Record {
        ts,
        event_type,
        src: address(ev.src_ip.as_deref(), "src_ip")?,
        dest: address(ev.dest_ip.as_deref(), "dest_ip")?,
        ..Record::default()
    };
    if event_type == "alert" {
        if let Some(a) = &ev.alert {
            r.signature = a.signature.as_deref().unwrap_or("");
            r.action = a.action.as_deref().unwrap_or("");
        }
    } else {
        r.action = event_type;
    }
    if let Some(d) = &ev.dns {
        if let Some(n) = d.rrname.as_deref() {
            r.hosts.push(n);
        }
        for q in d.query.iter().chain(d.queries.iter()).flatten() {
            if let Some(n) = q.rrname.as_deref() {
                r.hosts.push(n);
            }
        }
    }
    if let Some(h) = &ev.http {
        if let Some(n) = h.hostname.as_deref() {
            r.hosts.push(n);
        }
        if let Some(u) = h.url.as_deref() {
            r.url = Some((h.hostname.as_deref(), u));
        }
    }
    if let Some(n) = ev.tls.as_ref().and_then(|t| t.sni.as_deref()) {
        r.hosts.push(n);
    }
    if let Some(f) = &ev.fileinfo {
        r.hashes = [f.md5.as_deref(), f.sha1.as_deref(), f.sha256.as_deref()];
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_type_agrees_with_parsing_or_defers() {
        let f = TypeFinder::default();
        let cases: [(&[u8], Option<&[u8]>); 6] = [
            (
                br#"{"timestamp":"x","event_type":"alert","a":1}"#,
                Some(b"alert"),
            ),
            (
                br#"{"timestamp":"x", "event_type" : "flow"}"#,
                Some(b"flow"),
            ),
            (br#"{"x":{"event_type":"flow"},"event_type":"alert"}"#, None),
            (br#"{"event_type":"al\"ert"}"#, None),
            (br#"{"event_type":1}"#, None),
            (br#"{"other":"y"}"#, None),
        ];
        for (line, want) in cases {
            assert_eq!(
                f.event_type_fast(line),
                want,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn alert_with_dns_metadata() {
        let line = br#"{"timestamp":"2024-03-03T19:00:37.112453-0500","event_type":"alert","src_ip":"2001:0db8:0000:0000:0000:0000:0000:0001","dest_ip":"10.0.0.1","alert":{"action":"blocked","signature":"ET X"},"dns":{"query":[{"rrname":"A.Example."}]},"tls":{"sni":"b.example"}}"#;
        let ev = parse(line);
        let ev = ev.as_ref().map_err(Clone::clone);
        let r = ev.and_then(to_record);
        let r = r
            .as_ref()
            .map(|r| (r.signature, r.action, r.hosts.iter().collect::<Vec<_>>()));
        assert_eq!(r, Ok(("ET X", "blocked", vec!["A.Example.", "b.example"])));
    }
}
