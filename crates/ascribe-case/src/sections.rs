//! Splits a case file at its `[[evidence]]` tables, so that each evidence
//! item is parsed on its own and no TOML document of the whole file is built
//! (toml's document of a 100,000-item file takes about 25 bytes per byte).
//!
//! The scanner knows enough TOML to find table headers reliably: it skips
//! strings (basic, literal and both multi-line forms, with escapes in basic
//! strings), comments, and multi-line arrays and inline tables, so that a
//! line reading `[[evidence]]` inside any of them is not taken for a header.

use std::ops::Range;

/// Where a case file's evidence items are, or why the file cannot be split
/// safely (then it is parsed whole, which is the definition of its meaning).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// Byte ranges of each `[[evidence]]` table with its sub-tables
    /// (`[evidence.ratings]`, ...), in file order. Each starts at the start
    /// of its header's line.
    Evidence(Vec<Range<usize>>),
    /// A header the scanner cannot read, a `[evidence]` table, or an
    /// `[evidence.…]` sub-table away from its item: parse the whole file.
    Whole,
}

/// A table header: whether it is `[[...]]`, and its dotted key path.
struct Header {
    array: bool,
    keys: Vec<String>,
}

pub(crate) fn split(text: &str) -> Split {
    let b = text.as_bytes();
    let mut sections: Vec<Range<usize>> = Vec::new();
    // The evidence section being read: its start.
    let mut open: Option<usize> = None;
    // Nesting of `[`/`{` inside values.
    let mut depth = 0usize;
    let mut i = 0;
    let mut line_start = true;
    let mut this_line = 0;
    while i < b.len() {
        let c = b[i];
        if line_start {
            if c == b' ' || c == b'\t' {
                i += 1;
                continue;
            }
            line_start = false;
            if depth == 0 && c == b'[' {
                let Some((header, end)) = header(b, i) else {
                    return Split::Whole;
                };
                let is_evidence = header.keys.first().is_some_and(|k| k == "evidence");
                let item_start = is_evidence && header.array && header.keys.len() == 1;
                if item_start || !is_evidence {
                    if let Some(start) = open.take() {
                        sections.push(start..this_line);
                    }
                    if item_start {
                        open = Some(this_line);
                    }
                } else if open.is_none() || header.keys.len() == 1 {
                    // `[evidence]`, or `[evidence.x]` with no item before it.
                    return Split::Whole;
                }
                i = end;
                continue;
            }
        }
        match c {
            b'\n' => {
                i += 1;
                line_start = true;
                this_line = i;
            }
            b'#' => i = skip_comment(b, i),
            b'"' | b'\'' => i = skip_string(b, i),
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some(start) = open {
        sections.push(start..b.len());
    }
    Split::Evidence(sections)
}

/// Index of the newline ending the comment at `i` (or the end).
fn skip_comment(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

/// Index just past the string starting at `i` (a quote). An unterminated
/// string ends at its line's end (single-line) or the text's end (multi-line);
/// toml reports it.
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let basic = q == b'"';
    if b[i..].starts_with(&[q, q, q]) {
        let mut j = i + 3;
        while j < b.len() {
            if basic && b[j] == b'\\' {
                j += 2;
            } else if b[j..].starts_with(&[q, q, q]) {
                j += 3;
                // Up to two more quotes belong to the string's content.
                let mut extra = 0;
                while extra < 2 && b.get(j) == Some(&q) {
                    j += 1;
                    extra += 1;
                }
                return j;
            } else {
                j += 1;
            }
        }
        return b.len();
    }
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' if basic => j += 2,
            b'\n' => return j,
            c if c == q => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// Reads the table header at `i` (a `[`): the header and the index of the
/// newline ending its line (or the end). `None` when it is not a header the
/// scanner can read with certainty.
fn header(b: &[u8], i: usize) -> Option<(Header, usize)> {
    let array = b.get(i + 1) == Some(&b'[');
    let mut j = i + if array { 2 } else { 1 };
    let mut keys = Vec::new();
    loop {
        j = skip_ws(b, j);
        let (key, end) = key(b, j)?;
        keys.push(key);
        j = skip_ws(b, end);
        match b.get(j) {
            Some(b'.') => j += 1,
            Some(b']') => break,
            _ => return None,
        }
    }
    j += 1;
    if array {
        if b.get(j) != Some(&b']') {
            return None;
        }
        j += 1;
    }
    j = skip_ws(b, j);
    match b.get(j) {
        None | Some(b'\n') => Some((Header { array, keys }, j)),
        Some(b'\r') if b.get(j + 1) == Some(&b'\n') => Some((Header { array, keys }, j)),
        Some(b'#') => Some((Header { array, keys }, skip_comment(b, j))),
        _ => None,
    }
}

fn skip_ws(b: &[u8], mut j: usize) -> usize {
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    j
}

/// One key of a header: bare, or a basic or literal string without escapes
/// (a quoted key with escapes is not read: the file is then parsed whole).
fn key(b: &[u8], j: usize) -> Option<(String, usize)> {
    match b.get(j)? {
        q @ (b'"' | b'\'') => {
            let len = b[j + 1..]
                .iter()
                .position(|c| c == q || *c == b'\\' || *c == b'\n')?;
            let end = j + 1 + len;
            if b[end] != *q {
                return None;
            }
            // Cut at ASCII quotes of a `&str`: always on character boundaries.
            let k = std::str::from_utf8(&b[j + 1..end])
                .expect("a quoted key between ASCII quotes of UTF-8 text is UTF-8");
            Some((k.to_owned(), end + 1))
        }
        _ => {
            let len = b[j..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-'))
                .unwrap_or(b.len() - j);
            if len == 0 {
                return None;
            }
            let k = std::str::from_utf8(&b[j..j + len])
                .expect("a bare key is ASCII letters, digits, '_' and '-'");
            Some((k.to_owned(), j + len))
        }
    }
}

/// The text with every range's bytes made spaces, newlines kept, so that
/// what is left parses alone at the same offsets, lines and columns.
pub(crate) fn blank(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = text.as_bytes().to_vec();
    for r in ranges {
        for c in &mut out[r.clone()] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    }
    // Every byte of a range was replaced by an ASCII byte, and ranges start
    // and end at line boundaries, so the text stays UTF-8.
    String::from_utf8(out).expect("blanking whole lines keeps the text UTF-8")
}
