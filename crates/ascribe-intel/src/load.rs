//! Indicator files: CSV `type,value,source[,actor][,tlp]`, STIX 2.1 bundles, MISP event
//! or feed JSON, and plain lists (one value a line, type guessed). Parsing never fails
//! a whole file on a bad entry: each is reported as a [`Diagnostic`] and skipped.
//!
//! TLP comes from `ascribe-tlp`, the rule `stix import` follows too: the strictest
//! marking (STIX object and granular marking refs in any id case, TLP 1.0 and 2.0 ids,
//! TLP marking definitions in the file; MISP `tlp:` tags; a CSV `tlp` column), the
//! loader's `unmarked` level for an entry with none, TLP:RED with a warning for a
//! marking that cannot be classified.

use std::collections::HashMap;

use ascribe_model::diag::excerpt;
use ascribe_model::{Indicator, IndicatorKind, Tlp};
use serde_json::Value;

use crate::net::{Addr, Net};
use crate::set::{IndicatorSet, Parts};
use crate::stix::{parse_pattern, PatternError};
use crate::Diagnostic;
use std::borrow::Cow;

/// Indicators read from one file, and what could not be read.
#[derive(Debug, Default)]
pub struct Loaded {
    pub indicators: IndicatorSet,
    pub diagnostics: Vec<Diagnostic>,
    /// Entries kept but whose marking could not be classified: they were given
    /// TLP:RED, never the default.
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    fn bad(&mut self, file: &str, line: usize, reason: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        });
    }

    fn warn(&mut self, file: &str, line: usize, reason: impl Into<String>) {
        self.warnings.push(Diagnostic {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        });
    }

    /// Adds an indicator; of the same type and value in one file, the first is kept.
    fn push(&mut self, ind: Indicator) {
        let _ = self.indicators.push(ind);
    }
}

/// Reads indicators as [`load_with`] does, entries without a marking at
/// [`ascribe_tlp::UNMARKED_DEFAULT`] (TLP:GREEN, as `stix import` gives them).
pub fn load(text: &str, file: &str) -> Loaded {
    load_with(text, file, ascribe_tlp::UNMARKED_DEFAULT)
}

/// Reads indicators, choosing the format from the content: JSON with `"type": "bundle"`
/// or STIX objects, JSON with `Event`/`Attribute` (MISP), a CSV whose header names
/// `type` and `value`, else a plain list. Entries that carry no TLP get `unmarked`.
pub fn load_with(text: &str, file: &str, unmarked: Tlp) -> Loaded {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') || head.starts_with('[') {
        return match serde_json::from_str::<Value>(head) {
            Ok(v) if looks_like_misp(&v) => load_misp(&v, file, unmarked),
            Ok(v) => load_stix(&v, file, unmarked),
            Err(e) => {
                let mut out = Loaded::default();
                out.bad(file, e.line(), format!("invalid JSON: {e}"));
                out
            }
        };
    }
    let first = head.lines().next().unwrap_or("").to_ascii_lowercase();
    let cols: Vec<&str> = first.split(',').map(str::trim).collect();
    if cols.contains(&"type") && cols.contains(&"value") {
        return load_csv(text, file, unmarked);
    }
    load_plain(text, file, unmarked)
}

/// Splits a line at commas into borrowed fields in one pass; false, with `f` partly
/// filled, when the line holds a quote (left to [`crate::csvline::split`]). Why: `char`
/// searches (a `contains` and a `split` per line, with the line split itself) were
/// 18.8 % of the samples in a profile of loading a million indicators.
fn split_plain<'a>(line: &'a str, f: &mut Vec<Cow<'a, str>>) -> bool {
    let mut start = 0;
    for (i, &c) in line.as_bytes().iter().enumerate() {
        match c {
            b'"' => return false,
            b',' => {
                f.push(Cow::Borrowed(line.get(start..i).unwrap_or_default()));
                start = i + 1;
            }
            _ => {}
        }
    }
    f.push(Cow::Borrowed(line.get(start..).unwrap_or_default()));
    true
}

/// CSV with a header naming at least `type` and `value` (`source`, `actor`, `tlp` optional),
/// the format `gen_eve.py` writes. A row with an empty or missing `tlp` gets `unmarked`;
/// a `tlp` that is not a TLP level is a diagnostic and the row is skipped.
pub fn load_csv(text: &str, file: &str, unmarked: Tlp) -> Loaded {
    let mut out = Loaded::default();
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return out;
    };
    let Some(header) = crate::csvline::split(header.trim_start_matches('\u{feff}'), b',') else {
        out.bad(file, 1, "unterminated quote in the header");
        return out;
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(ti), Some(vi)) = (col("type"), col("value")) else {
        out.bad(file, 1, "header must name the columns type and value");
        return out;
    };
    let (si, ai, li) = (col("source"), col("actor"), col("tlp"));
    out.indicators
        .reserve(memchr::memchr_iter(b'\n', text.as_bytes()).count());
    // One buffer of fields for all lines; a line without quotes borrows its fields.
    let mut f: Vec<Cow<'_, str>> = Vec::new();
    for (n, line) in lines {
        let lineno = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        f.clear();
        if !split_plain(line, &mut f) {
            f.clear();
            let Some(split) = crate::csvline::split(line, b',') else {
                out.bad(file, lineno, "unterminated quote");
                continue;
            };
            f.extend(split.into_iter().map(Cow::Owned));
        }
        let get = |i: Option<usize>| {
            i.and_then(|i| f.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let typ = get(Some(ti)).unwrap_or_default();
        let Some(value) = get(Some(vi)) else {
            continue; // The peers skip empty values too.
        };
        let kind = match typ.parse::<IndicatorKind>() {
            Ok(k) => k,
            Err(e) => {
                out.bad(file, lineno, e.to_string());
                continue;
            }
        };
        if let Err(reason) = validate(kind, value) {
            out.bad(file, lineno, reason);
            continue;
        }
        let tlp = match get(li).map(str::parse::<Tlp>) {
            None => unmarked,
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                out.bad(file, lineno, e.to_string());
                continue;
            }
        };
        let _ = out.indicators.push_parts(&Parts {
            kind,
            value,
            actor: get(ai),
            source: get(si),
            tlp,
        });
    }
    out
}

/// Checks that a value has the form its type needs.
pub fn validate(kind: IndicatorKind, value: &str) -> Result<(), String> {
    let ok = match kind {
        IndicatorKind::Ip => Addr::parse(value).is_some(),
        IndicatorKind::Cidr => Net::parse(value).is_some(),
        IndicatorKind::Domain => !value.contains(char::is_whitespace) && !value.contains('/'),
        IndicatorKind::Url => !value.contains(char::is_whitespace),
        IndicatorKind::Md5 => is_hex(value, 32),
        IndicatorKind::Sha1 => is_hex(value, 40),
        IndicatorKind::Sha256 => is_hex(value, 64),
    };
    if ok {
        return Ok(());
    }
    Err(format!("{} is not a valid {kind} value", excerpt(value)))
}

fn is_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Guesses the type of a bare value.
pub fn guess_kind(v: &str) -> Option<IndicatorKind> {
    if Addr::parse(v).is_some() {
        return Some(IndicatorKind::Ip);
    }
    if v.contains('/') && Net::parse(v).is_some() {
        return Some(IndicatorKind::Cidr);
    }
    if v.contains("://") {
        return Some(IndicatorKind::Url);
    }
    for (n, k) in [
        (32, IndicatorKind::Md5),
        (40, IndicatorKind::Sha1),
        (64, IndicatorKind::Sha256),
    ] {
        if is_hex(v, n) {
            return Some(k);
        }
    }
    if v.contains('.') && !v.contains(char::is_whitespace) && !v.contains('/') {
        return Some(IndicatorKind::Domain);
    }
    None
}

/// One value a line; `#` starts a comment; a line `value,anything` keeps the first field.
/// A list carries no marking: every value gets `unmarked`.
pub fn load_plain(text: &str, file: &str, unmarked: Tlp) -> Loaded {
    let mut out = Loaded::default();
    for (n, line) in text.lines().enumerate() {
        let v = line.split('#').next().unwrap_or("").trim();
        let v = v.split([',', ';', '\t']).next().unwrap_or("").trim();
        if v.is_empty() {
            continue;
        }
        let Some(kind) = guess_kind(v) else {
            out.bad(
                file,
                n + 1,
                format!("{} is not an ip, cidr, domain, url or hash", excerpt(v)),
            );
            continue;
        };
        out.push(Indicator {
            kind,
            value: v.to_owned(),
            actor: None,
            source: Some(file.to_owned()),
            tlp: unmarked,
        });
    }
    out
}

/// STIX 2.1: every `indicator` object (in a bundle, a list, or alone). Its actor is the
/// name of the intrusion-set, threat-actor or campaign it `indicates` in the same file.
/// Its TLP follows `ascribe-tlp` over the file's own marking definitions.
pub fn load_stix(v: &Value, file: &str, unmarked: Tlp) -> Loaded {
    let mut out = Loaded::default();
    let objects: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => match o.get("objects").and_then(Value::as_array) {
            Some(a) => a.iter().collect(),
            None => vec![v],
        },
        _ => Vec::new(),
    };
    let mut names: HashMap<&str, &str> = HashMap::new();
    let markings = ascribe_tlp::Markings::from_objects(objects.iter().copied());
    for o in &objects {
        let (Some(id), Some(t)) = (
            o.get("id").and_then(Value::as_str),
            o.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        if matches!(t, "intrusion-set" | "threat-actor" | "campaign") {
            if let Some(n) = o.get("name").and_then(Value::as_str) {
                names.insert(id, n);
            }
        }
    }
    let mut actor_of: HashMap<&str, &str> = HashMap::new();
    for o in &objects {
        if o.get("type").and_then(Value::as_str) != Some("relationship")
            || o.get("relationship_type").and_then(Value::as_str) != Some("indicates")
        {
            continue;
        }
        let (Some(s), Some(t)) = (
            o.get("source_ref").and_then(Value::as_str),
            o.get("target_ref").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let Some(n) = names.get(t) {
            actor_of.insert(s, n);
        }
    }
    for (i, o) in objects.iter().enumerate() {
        if o.get("type").and_then(Value::as_str) != Some("indicator") {
            continue;
        }
        let id = o.get("id").and_then(Value::as_str).unwrap_or("indicator");
        let at = i + 1;
        let pattern_type = o
            .get("pattern_type")
            .and_then(Value::as_str)
            .unwrap_or("stix");
        if pattern_type != "stix" {
            out.bad(
                file,
                at,
                format!(
                    "{id}: pattern_type {} is not supported (only stix)",
                    excerpt(pattern_type)
                ),
            );
            continue;
        }
        let Some(pattern) = o.get("pattern").and_then(Value::as_str) else {
            out.bad(file, at, format!("{id}: no pattern"));
            continue;
        };
        let parsed = match parse_pattern(pattern) {
            Ok(p) => p,
            Err(PatternError { reason }) => {
                out.bad(
                    file,
                    at,
                    format!("{id}: unsupported pattern {}: {reason}", excerpt(pattern)),
                );
                continue;
            }
        };
        let class = markings.classify(o, unmarked);
        for p in &class.problems {
            out.warn(file, at, format!("{id}: {p}"));
        }
        let tlp = class.tlp;
        let source = o
            .get("created_by_ref")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| Some(format!("stix:{id}")));
        for (kind, value) in parsed {
            if let Err(reason) = validate(kind, &value) {
                out.bad(file, at, format!("{id}: {reason}"));
                continue;
            }
            out.push(Indicator {
                kind,
                value,
                actor: actor_of.get(id).map(|s| (*s).to_owned()),
                source: source.clone(),
                tlp,
            });
        }
    }
    out
}

fn looks_like_misp(v: &Value) -> bool {
    v.get("Event").is_some()
        || v.get("response").is_some()
        || v.get("Attribute").is_some()
        || v.as_array()
            .is_some_and(|a| a.first().is_some_and(|e| e.get("Event").is_some()))
}

/// MISP event JSON (`{"Event": {...}}`, a list of them, or `{"response": [...]}`) and feed
/// event files: attributes and object attributes of supported types. The actor is the
/// event's threat-actor galaxy cluster or `misp-galaxy:threat-actor="..."` tag.
/// TLP from `tlp:` tags (attribute tags add to the event's), else `unmarked`.
pub fn load_misp(v: &Value, file: &str, unmarked: Tlp) -> Loaded {
    let mut out = Loaded::default();
    let mut events: Vec<&Value> = Vec::new();
    let list = v.get("response").unwrap_or(v);
    match list {
        Value::Array(a) => events.extend(a.iter().map(|e| e.get("Event").unwrap_or(e))),
        _ => events.push(list.get("Event").unwrap_or(list)),
    }
    for (e, ev) in events.into_iter().enumerate() {
        let actor = misp_actor(ev);
        let (tlp, problems) = misp_tlp(ev.get("Tag"));
        for p in problems {
            out.warn(file, e + 1, format!("event {}: {p}", e + 1));
        }
        let info = ev
            .get("info")
            .and_then(Value::as_str)
            .unwrap_or("misp event");
        let mut attrs: Vec<&Value> = Vec::new();
        if let Some(a) = ev.get("Attribute").and_then(Value::as_array) {
            attrs.extend(a);
        }
        if let Some(objs) = ev.get("Object").and_then(Value::as_array) {
            for o in objs {
                if let Some(a) = o.get("Attribute").and_then(Value::as_array) {
                    attrs.extend(a);
                }
            }
        }
        for (i, a) in attrs.iter().enumerate() {
            let (Some(t), Some(val)) = (
                a.get("type").and_then(Value::as_str),
                a.get("value").and_then(Value::as_str),
            ) else {
                out.bad(
                    file,
                    i + 1,
                    format!("{info}: attribute {i} lacks type or value"),
                );
                continue;
            };
            let Some(pairs) = misp_attribute(t, val) else {
                continue; // Types that are not network or file indicators (text, comment...).
            };
            let (a_tag, problems) = misp_tlp(a.get("Tag"));
            for p in problems {
                out.warn(file, i + 1, format!("{info}: attribute {i}: {p}"));
            }
            let a_tlp = match (tlp, a_tag) {
                (None, None) => unmarked,
                (t, a) => t.max(a).unwrap_or(unmarked),
            };
            for (kind, value) in pairs {
                if let Err(reason) = validate(kind, &value) {
                    out.bad(file, i + 1, format!("{info}: {reason}"));
                    continue;
                }
                out.push(Indicator {
                    kind,
                    value,
                    actor: actor.clone(),
                    source: Some(format!("misp:{info}")),
                    tlp: a_tlp,
                });
            }
        }
    }
    out
}

fn misp_attribute(t: &str, v: &str) -> Option<Vec<(IndicatorKind, String)>> {
    let one = |k| Some(vec![(k, v.trim().to_owned())]);
    let (left, right) = v.split_once('|').unwrap_or((v, ""));
    match t {
        "ip-src" | "ip-dst" => {
            if v.contains('/') {
                one(IndicatorKind::Cidr)
            } else {
                one(IndicatorKind::Ip)
            }
        }
        "ip-src|port" | "ip-dst|port" => Some(vec![(IndicatorKind::Ip, left.trim().to_owned())]),
        "domain" | "hostname" => one(IndicatorKind::Domain),
        "domain|ip" | "hostname|port" => {
            let mut v = vec![(IndicatorKind::Domain, left.trim().to_owned())];
            if t == "domain|ip" {
                v.push((IndicatorKind::Ip, right.trim().to_owned()));
            }
            Some(v)
        }
        "url" | "uri" => one(IndicatorKind::Url),
        "md5" => one(IndicatorKind::Md5),
        "sha1" => one(IndicatorKind::Sha1),
        "sha256" => one(IndicatorKind::Sha256),
        "filename|md5" => Some(vec![(IndicatorKind::Md5, right.trim().to_owned())]),
        "filename|sha1" => Some(vec![(IndicatorKind::Sha1, right.trim().to_owned())]),
        "filename|sha256" => Some(vec![(IndicatorKind::Sha256, right.trim().to_owned())]),
        _ => None,
    }
}

fn misp_tags(tags: Option<&Value>) -> impl Iterator<Item = &str> {
    tags.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
}

/// The strictest `tlp:` tag (`None`: no such tag), and tags that failed closed.
fn misp_tlp(tags: Option<&Value>) -> (Option<Tlp>, Vec<String>) {
    ascribe_tlp::from_tags(misp_tags(tags))
}

fn misp_actor(ev: &Value) -> Option<String> {
    if let Some(gs) = ev.get("Galaxy").and_then(Value::as_array) {
        for g in gs {
            if g.get("type").and_then(Value::as_str) != Some("threat-actor") {
                continue;
            }
            let name = g
                .get("GalaxyCluster")
                .and_then(Value::as_array)
                .and_then(|c| c.first())
                .and_then(|c| c.get("value"))
                .and_then(Value::as_str);
            if let Some(n) = name {
                return Some(n.to_owned());
            }
        }
    }
    misp_tags(ev.get("Tag")).find_map(|n| {
        n.strip_prefix("misp-galaxy:threat-actor=")
            .map(|s| s.trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass split gives the full splitter's fields on a line without
        /// quotes, and hands every line with a quote over to it.
        #[test]
        fn plain_split_agrees_with_the_full_splitter(line in "[a-z0-9., \"]{0,24}") {
            let mut f = Vec::new();
            let plain = split_plain(&line, &mut f);
            proptest::prop_assert_eq!(plain, !line.contains('"'));
            if plain {
                let full = crate::csvline::split(&line, b',').unwrap_or_default();
                let got: Vec<String> = f.iter().map(|c| c.to_string()).collect();
                proptest::prop_assert_eq!(got, full);
            }
        }
    }

    #[test]
    fn quoted_and_plain_lines_load_alike() {
        let text = "type,value,source\nip,1.2.3.4,a\n\"domain\",\"x.example\",\"b,c\"\n";
        let l = load(text, "i.csv");
        let values: Vec<String> = l.indicators.iter().map(|i| i.value.to_string()).collect();
        assert_eq!(values, ["1.2.3.4", "x.example"]);
        assert_eq!(
            l.indicators.get(1).and_then(|i| i.source).as_deref(),
            Some("b,c")
        );
    }

    #[test]
    fn csv_with_actor_and_bad_rows() {
        let text = "type,value,source,actor\nip,1.2.3.4,ti,APT29\nip,1.2.3.4,ti,APT29\n\
                    domain,evil.example,ti,\nip,not-an-ip,ti,\nfrob,x,ti,\n,,,\n";
        let l = load(text, "i.csv");
        assert_eq!(l.indicators.len(), 2);
        assert_eq!(
            l.indicators.get(0).and_then(|i| i.actor).as_deref(),
            Some("APT29")
        );
        assert_eq!(l.indicators.get(1).and_then(|i| i.actor), None);
        let lines: Vec<usize> = l.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [5, 6]);
    }

    #[test]
    fn plain_lists_guess_types() {
        let l = load(
            "# list\n1.2.3.4\n10.0.0.0/8\nevil.example\nhttp://x.example/a\n\
                      d41d8cd98f00b204e9800998ecf8427e\nnonsense\n",
            "l.txt",
        );
        let kinds: Vec<IndicatorKind> = l.indicators.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            [
                IndicatorKind::Ip,
                IndicatorKind::Cidr,
                IndicatorKind::Domain,
                IndicatorKind::Url,
                IndicatorKind::Md5
            ]
        );
        assert_eq!(l.diagnostics.len(), 1);
    }

    #[test]
    fn misp_event_attributes_tags_and_actor() {
        let j = r#"{"Event":{"info":"op x","Tag":[{"name":"tlp:amber"},
            {"name":"misp-galaxy:threat-actor=\"APT29\""}],
            "Attribute":[{"type":"ip-dst","value":"198.51.100.7"},{"type":"comment","value":"hi"},
                         {"type":"domain|ip","value":"c2.example|203.0.113.9"}],
            "Object":[{"Attribute":[{"type":"sha256","value":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]}]}}"#;
        let l = load(j, "m.json");
        assert_eq!(l.indicators.len(), 4, "{:?}", l.diagnostics);
        assert!(l
            .indicators
            .iter()
            .all(|i| i.actor.as_deref() == Some("APT29")));
        assert!(l.indicators.iter().all(|i| i.tlp == Tlp::Amber));
    }
}
