//! Writing aggregates: the peers' CSV contract (byte for byte), a table for people, JSON.

use std::fmt::Write as _;

use crate::engine::{Output, Row};

/// The CSV header of the contract in `shared/bench/README.md`.
pub const CSV_HEADER: &str =
    "day,src_country,src_asn,signature,action,events,matched_events,matched_indicators";

/// Appends a field with RFC 4180 minimal quoting, as Python's `csv` module writes it
/// (quoted when it holds the delimiter, a quote, CR or LF; quotes doubled).
pub fn push_field(out: &mut String, f: &str) {
    if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

/// Writes the contract's CSV a row at a time (LF line ends; rows come sorted).
pub struct CsvWriter<W: std::io::Write> {
    w: W,
    line: String,
    /// The last day written and its text: rows come grouped by day.
    day: Option<(i64, String)>,
}

impl<W: std::io::Write> CsvWriter<W> {
    /// Starts the file with its header.
    pub fn new(mut w: W) -> std::io::Result<Self> {
        w.write_all(CSV_HEADER.as_bytes())?;
        w.write_all(b"\n")?;
        Ok(CsvWriter {
            w,
            line: String::with_capacity(256),
            day: None,
        })
    }

    pub fn row(&mut self, r: &Row) -> std::io::Result<()> {
        let line = &mut self.line;
        line.clear();
        match &self.day {
            Some((d, text)) if *d == r.day => line.push_str(text),
            _ => {
                let text = crate::time::format_day(r.day);
                line.push_str(&text);
                self.day = Some((r.day, text));
            }
        }
        let mut num = itoa::Buffer::new();
        line.push(',');
        push_field(line, &r.src_country);
        line.push(',');
        line.push_str(num.format(r.src_asn));
        line.push(',');
        push_field(line, &r.signature);
        line.push(',');
        push_field(line, &r.action);
        line.push(',');
        line.push_str(num.format(r.events));
        line.push(',');
        line.push_str(num.format(r.matched_events));
        line.push(',');
        match &r.matched_indicators[..] {
            [] => {}
            [one] => push_field(line, one),
            many => push_field(line, &many.join("|")),
        }
        line.push('\n');
        self.w.write_all(line.as_bytes())
    }

    /// Flushes and gives the writer back.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Writes the aggregates as the contract's CSV.
pub fn write_csv(w: &mut impl std::io::Write, rows: &[Row]) -> std::io::Result<()> {
    let mut c = CsvWriter::new(w)?;
    for r in rows {
        c.row(r)?;
    }
    c.finish().map(|_| ())
}

/// The aggregates as the contract's CSV, in memory.
pub fn csv(rows: &[Row]) -> String {
    let mut out = Vec::with_capacity(64 + rows.len() * 80);
    write_csv(&mut out, rows).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the CSV is written from UTF-8 strings")
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// A table for a terminal: the `limit` largest rows by events, then the sightings.
pub fn table(out: &Output, limit: usize) -> String {
    let mut s = String::new();
    let mut rows: Vec<&Row> = out.rows.iter().collect();
    rows.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.day.cmp(&b.day)));
    let _ = writeln!(
        s,
        "{:<10}  {:<2}  {:>7}  {:<22}  {:<40}  {:<8}  {:>7}  {:>7}  {:>5}",
        "day", "cc", "asn", "as name", "signature", "action", "events", "matched", "srcs"
    );
    for r in rows.iter().take(limit) {
        let srcs = if r.distinct_src_ips_exact {
            r.distinct_src_ips.to_string()
        } else {
            format!("~{}", r.distinct_src_ips)
        };
        let _ = writeln!(
            s,
            "{:<10}  {:<2}  {:>7}  {:<22}  {:<40}  {:<8}  {:>7}  {:>7}  {:>5}",
            crate::time::format_day(r.day),
            if r.src_country.is_empty() {
                "--"
            } else {
                &r.src_country
            },
            r.src_asn,
            clip(out.as_names.get(&r.src_asn).map_or("", String::as_str), 22),
            clip(&r.signature, 40),
            clip(&r.action, 8),
            r.events,
            r.matched_events,
            srcs
        );
    }
    // The rows may be only the shown ones (streamed runs): the summary has the total.
    let total = usize::try_from(out.summary.rows)
        .unwrap_or(usize::MAX)
        .max(out.rows.len());
    if total > limit {
        let _ = writeln!(
            s,
            "... {} more rows (use --format csv or --out FILE for all)",
            total - limit
        );
    }
    if !out.sightings.is_empty() {
        let _ = writeln!(
            s,
            "\nsightings ({} indicators matched)",
            out.sightings.len()
        );
        let _ = writeln!(
            s,
            "{:<7}  {:<40}  {:<16}  {:>7}  {:<27}  {:<27}  example",
            "type", "indicator", "actor", "events", "first seen", "last seen"
        );
        for x in out.sightings.iter().take(limit) {
            let _ = writeln!(
                s,
                "{:<7}  {:<40}  {:<16}  {:>7}  {:<27}  {:<27}  {}",
                x.indicator.kind.as_str(),
                clip(&x.indicator.value, 40),
                clip(x.indicator.actor.as_deref().unwrap_or("-"), 16),
                x.count,
                x.first_seen,
                x.last_seen,
                x.examples.first().map_or("", String::as_str)
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_python_csv() {
        let mut s = String::new();
        for f in ["plain", "a,b", "say \"hi\"", "", "x|y"] {
            push_field(&mut s, f);
            s.push(';');
        }
        assert_eq!(s, "plain;\"a,b\";\"say \"\"hi\"\"\";;x|y;");
    }
}
