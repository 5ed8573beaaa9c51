//! Zeek logs: the default TSV form (`#separator`, `#path`, `#fields` headers) and the
//! JSON form (one object a line, `_path` naming the log).
//!
//! Logs map onto the EVE vocabulary so one aggregation serves both: `notice` → `alert`
//! (signature = `note`, action `blocked` when a drop action was taken, else `allowed`),
//! `conn` → `flow`, `ssl` → `tls`, `files` → `fileinfo`; others keep their name.
//! Host names come from `dns.query`, `http.host` and `ssl.server_name`; URLs from
//! `http.host` + `http.uri`; hashes from `files.{md5,sha1,sha256}`.

use ascribe_model::diag::excerpt;
use std::borrow::Cow;

use serde::Deserialize;

use crate::record::{address, Record};
use crate::time::{parse_epoch, parse_iso};

/// The EVE event type a Zeek log path stands for.
pub fn event_type_of(path: &str) -> &str {
    match path {
        "notice" => "alert",
        "conn" => "flow",
        "ssl" => "tls",
        "files" => "fileinfo",
        other => other,
    }
}

fn parse_ts(s: &str) -> Option<i64> {
    if s.contains('-') && s.len() >= 19 {
        return parse_iso(s);
    }
    parse_epoch(s)
}

fn action_of(actions: &str) -> &'static str {
    if actions.contains("ACTION_DROP") || actions.contains("ACTION_BLOCK") {
        "blocked"
    } else {
        "allowed"
    }
}

/// The state of a TSV log: what its header lines said.
#[derive(Debug, Clone)]
pub struct TsvHeader {
    sep: String,
    unset: String,
    empty: String,
    path: String,
    idx: Idx,
    have_fields: bool,
}

#[derive(Debug, Clone, Default)]
struct Idx {
    ts: Option<usize>,
    orig_h: Option<usize>,
    resp_h: Option<usize>,
    note: Option<usize>,
    actions: Option<usize>,
    query: Option<usize>,
    host: Option<usize>,
    uri: Option<usize>,
    server_name: Option<usize>,
    md5: Option<usize>,
    sha1: Option<usize>,
    sha256: Option<usize>,
    n: usize,
}

impl Default for TsvHeader {
    fn default() -> Self {
        TsvHeader {
            sep: "\t".into(),
            unset: "-".into(),
            empty: "(empty)".into(),
            path: String::new(),
            idx: Idx::default(),
            have_fields: false,
        }
    }
}

fn unescape_sep(s: &str) -> String {
    if let Some(hex) = s.strip_prefix("\\x") {
        if let Ok(b) = u8::from_str_radix(hex, 16) {
            return char::from(b).to_string();
        }
    }
    s.to_owned()
}

impl TsvHeader {
    /// A header with the log path guessed from a file name (`conn.log`, `dns.first2000.log`).
    pub fn for_file(name: &str) -> TsvHeader {
        let base = name.rsplit('/').next().unwrap_or(name);
        let path = base.split('.').next().unwrap_or("").to_owned();
        TsvHeader {
            path,
            ..TsvHeader::default()
        }
    }

    /// Takes a `#` line into account; returns whether it was one.
    pub fn header_line(&mut self, line: &str) -> Result<bool, String> {
        let Some(rest) = line.strip_prefix('#') else {
            return Ok(false);
        };
        let (key, val) = if let Some(v) = rest.strip_prefix("separator ") {
            ("separator", v)
        } else {
            rest.split_once(self.sep.as_str()).unwrap_or((rest, ""))
        };
        match key {
            "separator" => self.sep = unescape_sep(val.trim()),
            "unset_field" => self.unset = val.to_owned(),
            "empty_field" => self.empty = val.to_owned(),
            "path" => self.path = val.to_owned(),
            "fields" => {
                let names: Vec<&str> = val.split(self.sep.as_str()).collect();
                let pos = |n: &str| names.iter().position(|f| *f == n);
                self.idx = Idx {
                    ts: pos("ts"),
                    orig_h: pos("id.orig_h"),
                    resp_h: pos("id.resp_h"),
                    note: pos("note"),
                    actions: pos("actions"),
                    query: pos("query"),
                    host: pos("host"),
                    uri: pos("uri"),
                    server_name: pos("server_name"),
                    md5: pos("md5"),
                    sha1: pos("sha1"),
                    sha256: pos("sha256"),
                    n: names.len(),
                };
                self.have_fields = true;
            }
            _ => {}
        }
        Ok(true)
    }

    pub fn event_type(&self) -> &str {
        event_type_of(&self.path)
    }

    /// Reads one data line.
    pub fn record<'a>(&'a self, line: &'a str) -> Result<Record<'a>, String> {
        if !self.have_fields {
            return Err("data line before the #fields header".to_owned());
        }
        let fields: Vec<&str> = line.split(self.sep.as_str()).collect();
        if fields.len() != self.idx.n {
            return Err(format!(
                "{} fields, the #fields header names {}",
                fields.len(),
                self.idx.n
            ));
        }
        let get = |i: Option<usize>| -> Option<&'a str> {
            let v = *fields.get(i?)?;
            if v == self.unset || v == self.empty {
                return None;
            }
            Some(v)
        };
        let ts = get(self.idx.ts).ok_or("no ts")?;
        let ts = parse_ts(ts).ok_or_else(|| format!("ts {} is not a time", excerpt(ts)))?;
        let event_type = self.event_type();
        let mut r = Record {
            ts,
            event_type,
            src: address(get(self.idx.orig_h), "id.orig_h")?,
            dest: address(get(self.idx.resp_h), "id.resp_h")?,
            ..Record::default()
        };
        if event_type == "alert" {
            r.signature = get(self.idx.note).unwrap_or("");
            r.action = action_of(get(self.idx.actions).unwrap_or(""));
        } else {
            r.action = event_type;
        }
        for i in [self.idx.query, self.idx.host, self.idx.server_name] {
            if let Some(h) = get(i) {
                r.hosts.push(h);
            }
        }
        if let Some(u) = get(self.idx.uri) {
            r.url = Some((get(self.idx.host), u));
        }
        r.hashes = [get(self.idx.md5), get(self.idx.sha1), get(self.idx.sha256)];
        Ok(r)
    }
}

/// A Zeek JSON line.
#[derive(Debug, Deserialize)]
pub struct ZeekJson<'a> {
    #[serde(borrow, default, rename = "_path")]
    pub path: Option<Cow<'a, str>>,
    #[serde(default)]
    pub ts: Option<ZeekTs<'a>>,
    #[serde(borrow, default, rename = "id.orig_h")]
    pub orig_h: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "id.resp_h")]
    pub resp_h: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub note: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub actions: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    pub query: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub host: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub uri: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub server_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub md5: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub sha1: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub sha256: Option<Cow<'a, str>>,
}

/// `ts` as epoch seconds (number) or ISO text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ZeekTs<'a> {
    Num(f64),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

/// Parses one Zeek JSON line; `default_path` names the log when `_path` is absent.
pub fn parse_json(line: &[u8]) -> Result<ZeekJson<'_>, String> {
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

impl<'a> ZeekJson<'a> {
    pub fn to_record(&'a self, default_path: &'a str) -> Result<Record<'a>, String> {
        let ts = match &self.ts {
            None => return Err("no ts".to_owned()),
            Some(ZeekTs::Num(f)) if f.is_finite() => (f * 1e6).round() as i64,
            Some(ZeekTs::Num(_)) => return Err("ts is not a finite number".to_owned()),
            Some(ZeekTs::Text(s)) => {
                parse_ts(s).ok_or_else(|| format!("ts {} is not a time", excerpt(s)))?
            }
        };
        let path = self.path.as_deref().unwrap_or(default_path);
        let event_type = event_type_of(path);
        let mut r = Record {
            ts,
            event_type,
            src: address(self.orig_h.as_deref(), "id.orig_h")?,
            dest: address(self.resp_h.as_deref(), "id.resp_h")?,
            ..Record::default()
        };
        if event_type == "alert" {
            r.signature = self.note.as_deref().unwrap_or("");
            let drop = self
                .actions
                .iter()
                .flatten()
                .any(|a| a.contains("ACTION_DROP") || a.contains("ACTION_BLOCK"));
            r.action = if drop { "blocked" } else { "allowed" };
        } else {
            r.action = event_type;
        }
        for h in [&self.query, &self.host, &self.server_name]
            .into_iter()
            .flatten()
        {
            r.hosts.push(h);
        }
        if let Some(u) = self.uri.as_deref() {
            r.url = Some((self.host.as_deref(), u));
        }
        r.hashes = [
            self.md5.as_deref(),
            self.sha1.as_deref(),
            self.sha256.as_deref(),
        ];
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_header_and_rows() {
        let mut h = TsvHeader::for_file("x.log");
        for l in [
            "#separator \\x09",
            "#unset_field\t-",
            "#path\tnotice",
            "#fields\tts\tid.orig_h\tid.resp_h\tnote\tactions",
        ] {
            assert_eq!(h.header_line(l), Ok(true));
        }
        let r = h.record("1521911720.629574\t10.0.0.1\t-\tScan::Port_Scan\tNotice::ACTION_DROP");
        let r = r.map(|r| {
            (
                r.event_type,
                r.signature,
                r.action,
                r.src.is_some(),
                r.dest.is_none(),
            )
        });
        assert_eq!(r, Ok(("alert", "Scan::Port_Scan", "blocked", true, true)));
        assert!(h.record("1\t2").is_err());
        assert!(h.record("x\t10.0.0.1\t-\tn\t-").is_err());
    }

    #[test]
    fn json_rows() {
        let line = br#"{"_path":"dns","ts":"2018-03-24T17:15:20.629574Z","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","query":"Evil.Example"}"#;
        let z = parse_json(line);
        let r = z
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|z| z.to_record("x"));
        let r = r.map(|r| (r.event_type, r.hosts.iter().collect::<Vec<_>>()));
        assert_eq!(r, Ok(("dns", vec!["Evil.Example"])));
    }
}
