//! CSV firewall logs with a header row and a column mapping.
//!
//! Each row is a policy decision, so it becomes an `alert` whose signature is the rule
//! (or empty) and whose action is normalized: `allow`, `accept`, `pass`, `permit` →
//! `allowed`; `deny`, `drop`, `block`, `reject` → `blocked`; anything else kept as written.

use ascribe_model::diag::excerpt;

use crate::record::{address, Record};
use crate::time::{parse_epoch, parse_iso};

/// Which header names hold which field. Unset entries are guessed from common names.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    pub ts: Option<String>,
    pub src: Option<String>,
    pub dst: Option<String>,
    pub action: Option<String>,
    pub signature: Option<String>,
    pub host: Option<String>,
}

impl ColumnMap {
    /// Parses `ts=time,src=src_ip,dst=dst_ip,action=act,signature=rule,host=sni`.
    pub fn parse(spec: &str) -> Result<ColumnMap, String> {
        let mut m = ColumnMap::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(format!("column mapping {part:?} must be FIELD=COLUMN"));
            };
            let v = Some(v.trim().to_owned());
            match k.trim() {
                "ts" | "time" | "timestamp" => m.ts = v,
                "src" | "src_ip" => m.src = v,
                "dst" | "dest" | "dest_ip" => m.dst = v,
                "action" => m.action = v,
                "signature" | "rule" => m.signature = v,
                "host" | "hostname" => m.host = v,
                other => {
                    return Err(format!(
                        "unknown field {other:?} in the column mapping (expected ts, src, dst, action, signature, host)"
                    ))
                }
            }
        }
        Ok(m)
    }
}

/// Column positions resolved against a header.
#[derive(Debug, Clone)]
pub struct CsvLayout {
    delim: u8,
    ts: usize,
    src: Option<usize>,
    dst: Option<usize>,
    action: Option<usize>,
    signature: Option<usize>,
    host: Option<usize>,
}

fn find(header: &[String], chosen: Option<&String>, guesses: &[&str]) -> Option<usize> {
    if let Some(c) = chosen {
        return header.iter().position(|h| h.trim().eq_ignore_ascii_case(c));
    }
    guesses
        .iter()
        .find_map(|g| header.iter().position(|h| h.trim().eq_ignore_ascii_case(g)))
}

impl CsvLayout {
    pub fn from_header(line: &str, map: &ColumnMap) -> Result<CsvLayout, String> {
        let delim = if line.matches(';').count() > line.matches(',').count() {
            b';'
        } else {
            b','
        };
        let header =
            ascribe_intel::csvline::split(line, delim).ok_or("unterminated quote in the header")?;
        let ts = find(
            &header,
            map.ts.as_ref(),
            &["timestamp", "time", "ts", "date", "datetime"],
        )
        .ok_or("no timestamp column (name it with --csv-map ts=COLUMN)")?;
        let l = CsvLayout {
            delim,
            ts,
            src: find(
                &header,
                map.src.as_ref(),
                &["src_ip", "src", "source", "srcip", "source_ip", "src_addr"],
            ),
            dst: find(
                &header,
                map.dst.as_ref(),
                &[
                    "dest_ip",
                    "dst_ip",
                    "dst",
                    "destination",
                    "dstip",
                    "dest",
                    "dst_addr",
                ],
            ),
            action: find(
                &header,
                map.action.as_ref(),
                &["action", "disposition", "verdict"],
            ),
            signature: find(
                &header,
                map.signature.as_ref(),
                &["signature", "rule", "rule_name", "policy"],
            ),
            host: find(
                &header,
                map.host.as_ref(),
                &["host", "hostname", "sni", "domain"],
            ),
        };
        if l.src.is_none() && map.src.is_some() {
            return Err("the mapped src column is not in the header".into());
        }
        Ok(l)
    }

    /// Splits one data line into owned fields (CSV may need unquoting).
    pub fn fields(&self, line: &str) -> Result<Vec<String>, String> {
        ascribe_intel::csvline::split(line, self.delim)
            .ok_or_else(|| "unterminated quote".to_owned())
    }

    pub fn record<'a>(&self, f: &'a [String]) -> Result<Record<'a>, String> {
        let get = |i: Option<usize>| {
            i.and_then(|i| f.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let ts = get(Some(self.ts)).ok_or("empty timestamp")?;
        let ts = parse_iso(ts).or_else(|| parse_epoch(ts)).ok_or_else(|| {
            format!(
                "timestamp {} is neither ISO 8601 nor epoch seconds",
                excerpt(ts)
            )
        })?;
        let mut r = Record {
            ts,
            event_type: "alert",
            src: address(get(self.src), "source")?,
            dest: address(get(self.dst), "destination")?,
            signature: get(self.signature).unwrap_or(""),
            action: normalize_action(get(self.action).unwrap_or("")),
            ..Record::default()
        };
        if let Some(h) = get(self.host) {
            r.hosts.push(h);
        }
        Ok(r)
    }
}

fn normalize_action(a: &str) -> &str {
    let l = a.to_ascii_lowercase();
    match l.as_str() {
        "allow" | "allowed" | "accept" | "accepted" | "pass" | "permit" | "permitted" => "allowed",
        "deny" | "denied" | "drop" | "dropped" | "block" | "blocked" | "reject" | "rejected" => {
            "blocked"
        }
        _ => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessed_and_mapped_columns() {
        let l = CsvLayout::from_header("time,src,dst,action,rule", &ColumnMap::default());
        let l = l.expect("header");
        let f = l.fields("2024-03-04T10:00:00Z,198.51.100.7,10.0.0.1,DENY,\"block, inbound\"");
        let f = f.unwrap_or_default();
        let r = l
            .record(&f)
            .map(|r| (r.action, r.signature, r.src.is_some()));
        assert_eq!(r, Ok(("blocked", "block, inbound", true)));
        let m = ColumnMap::parse("ts=when,src=from").unwrap_or_default();
        let l = CsvLayout::from_header("when;from;to", &m).expect("header");
        let f = l.fields("1709546400;198.51.100.7;x").unwrap_or_default();
        assert!(l.record(&f).is_ok());
        assert!(ColumnMap::parse("bogus=x").is_err());
        assert!(CsvLayout::from_header("a,b", &ColumnMap::default()).is_err());
    }
}
