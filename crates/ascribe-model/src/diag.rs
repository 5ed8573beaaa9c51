//! Bounded diagnostics: the one rule for how much of a bad input a message may echo
//! and how many problems a command prints. Why: a 50 MB bad line echoed whole, or a
//! bad bundle's 250,000 errors printed one a line, buries the one line the analyst
//! needs and can fill a disk; the first problems and a count say as much.

use std::fmt;

/// Characters of input a message quotes before it is cut (with the full length said).
pub const EXCERPT_CHARS: usize = 200;

/// Problems printed in full before the rest are only counted.
pub const PROBLEMS_SHOWN: usize = 20;

/// Characters of one whole message before it is cut: a net under messages whose
/// parts were not cut at their source (a library's error text quoting input).
pub const MESSAGE_CHARS: usize = 1000;

/// An error and its sources on one line, `: `-joined, as a command prints it; a source
/// whose text the message already holds is not repeated. Why: a driver's top message
/// alone is often just "db error", and wrappers often quote their source.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

/// `text` quoted as Rust's `{:?}` would, cut after [`EXCERPT_CHARS`] characters with
/// an ellipsis and the original length: `"AAAA…" (50000000 chars)`.
pub fn excerpt(text: &str) -> String {
    excerpt_n(text, EXCERPT_CHARS)
}

/// [`excerpt`] with a chosen bound.
pub fn excerpt_n(text: &str, max: usize) -> String {
    match cut_at(text, max) {
        None => format!("{text:?}"),
        Some(end) => {
            let head = format!("{:?}", &text[..end]);
            // The quoted head without its closing quote, then the ellipsis inside the quotes.
            let open = &head[..head.len() - 1];
            format!("{open}…\" ({} chars)", text.chars().count())
        }
    }
}

/// `msg` as is when short, else its first [`MESSAGE_CHARS`] characters, an ellipsis
/// and how long it was.
pub fn bound_message(msg: &str) -> std::borrow::Cow<'_, str> {
    match cut_at(msg, MESSAGE_CHARS) {
        None => std::borrow::Cow::Borrowed(msg),
        Some(end) => std::borrow::Cow::Owned(format!(
            "{}… (message cut; {} chars in all)",
            &msg[..end],
            msg.chars().count()
        )),
    }
}

/// The byte index after `max` characters of `text`, or `None` when it is not longer.
fn cut_at(text: &str, max: usize) -> Option<usize> {
    if text.len() <= max {
        return None;
    }
    let (end, _) = text.char_indices().nth(max)?;
    Some(end)
}

/// 1-based line and column of a byte offset into `bytes`; the column counts bytes
/// from the line's start (the input there may not be text).
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, before.len() - start + 1)
}

/// Where bytes stop being UTF-8; the caller puts `file:line:column: ` before the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not valid UTF-8 (byte offset {offset}); expected UTF-8 text")]
pub struct NotUtf8 {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// `bytes` as text, or where the first invalid UTF-8 is.
pub fn utf8(bytes: &[u8]) -> Result<&str, NotUtf8> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, column) = line_col(bytes, offset);
        NotUtf8 {
            line,
            column,
            offset,
        }
    })
}

/// The lines to print for a list of problems: the first `limit` in full (each bounded
/// by [`bound_message`]), then `… and K more problems` when there were more.
pub fn capped<I, T>(problems: I, limit: usize) -> Vec<String>
where
    I: IntoIterator<Item = T>,
    T: fmt::Display,
{
    let mut c = Capped::new(limit);
    let mut lines: Vec<String> = problems.into_iter().filter_map(|p| c.admit(&p)).collect();
    lines.extend(c.finish());
    lines
}

/// The closing line of a capped list: `… and 3 more problems`.
pub fn more(k: usize) -> String {
    let s = if k == 1 { "" } else { "s" };
    format!("… and {k} more problem{s}")
}

/// A running cap for problems found one at a time (a streaming reader): the first
/// `limit` are shown, the rest counted for [`Capped::finish`].
#[derive(Debug, Clone)]
pub struct Capped {
    limit: usize,
    seen: usize,
}

impl Capped {
    pub fn new(limit: usize) -> Self {
        Capped { limit, seen: 0 }
    }

    /// The next problem's text, bounded, if it is among the first `limit`; else `None`
    /// (only counted).
    pub fn admit(&mut self, problem: &dyn fmt::Display) -> Option<String> {
        self.seen += 1;
        (self.seen <= self.limit).then(|| bound_message(&problem.to_string()).into_owned())
    }

    /// How many problems went through [`Capped::admit`].
    pub fn seen(&self) -> usize {
        self.seen
    }

    /// The closing line when some were not shown.
    pub fn finish(&self) -> Option<String> {
        (self.seen > self.limit).then(|| more(self.seen - self.limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_excerpt_is_cut_with_its_length() {
        let s = "A".repeat(5000);
        let e = excerpt(&s);
        assert_eq!(
            e,
            format!("\"{}…\" (5000 chars)", "A".repeat(EXCERPT_CHARS))
        );
        assert_eq!(excerpt("short"), "\"short\"");
    }

    #[test]
    fn line_col_counts_lines_and_bytes() {
        assert_eq!(line_col(b"ab\ncd\xff", 5), (2, 3));
        assert_eq!(line_col(b"\xff", 0), (1, 1));
        let e = utf8(b"ok\nline two \xfe here").unwrap_err();
        assert_eq!((e.line, e.column, e.offset), (2, 10, 12));
    }

    #[test]
    fn a_long_list_shows_the_first_and_counts_the_rest() {
        let lines = capped(0..25, 20);
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[0], "0");
        assert_eq!(lines[20], "… and 5 more problems");
        assert_eq!(capped(0..20, 20).len(), 20);
        let mut c = Capped::new(2);
        assert!(c.admit(&"a").is_some());
        assert!(c.admit(&"b").is_some());
        assert!(c.admit(&"c").is_none());
        assert_eq!(c.finish().as_deref(), Some("… and 1 more problem"));
    }

    proptest! {
        /// Whatever the text, an excerpt stays bounded and a message too.
        #[test]
        fn excerpts_are_bounded(s in "\\PC{0,600}") {
            // A quoted char is at most 10 chars (`\u{10ffff}`) plus the suffix.
            prop_assert!(excerpt(&s).chars().count() <= EXCERPT_CHARS * 10 + 40);
            prop_assert!(bound_message(&s).chars().count() <= MESSAGE_CHARS + 60);
        }

        /// The line and column point at the offset: the line count matches, and the
        /// column is the distance from the last newline.
        #[test]
        fn line_col_matches_a_split(bytes in proptest::collection::vec(any::<u8>(), 0..200), at in 0usize..200) {
            let at = at.min(bytes.len());
            let (line, col) = line_col(&bytes, at);
            let lines: Vec<&[u8]> = bytes[..at].split(|&b| b == b'\n').collect();
            prop_assert_eq!(line, lines.len());
            prop_assert_eq!(col, lines.last().map_or(0, |l| l.len()) + 1);
        }
    }

    #[derive(Debug)]
    struct Wrapped(&'static str, Option<Box<Wrapped>>);

    impl fmt::Display for Wrapped {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|w| w as _)
        }
    }

    #[test]
    fn an_error_chain_names_each_source_once() {
        let root = Wrapped("connection refused", None);
        let mid = Wrapped("db error: connection refused", Some(Box::new(root)));
        let top = Wrapped("cannot commit", Some(Box::new(mid)));
        assert_eq!(
            error_chain(&top),
            "cannot commit: db error: connection refused"
        );
        assert_eq!(error_chain(&Wrapped("alone", None)), "alone");
    }
}
