//! The cleaner: raw bytes in, the article's text out, with every byte of the
//! clean text mapped back to the original.
//!
//! The original is the document decoded as UTF-8 (invalid sequences become
//! U+FFFD, so offsets always refer to [`Cleaned::original`]). The clean text is
//! a list of blocks (paragraphs, headings) separated by a blank line; inside a
//! block, line breaks are soft. Boilerplate blocks (navigation, link lists,
//! donation appeals, cookie notices, subtitle-site chrome) are left out.

use std::borrow::Cow;

/// Why a document yields no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Looks like a binary file (NUL bytes or mostly control characters).
    Binary,
    /// Nothing left once boilerplate is removed.
    NoText,
}

/// The input format, from the file extension or sniffed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Markdown,
}

impl Format {
    /// The format for a file name; unknown extensions are sniffed later.
    pub fn from_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
            return Some(Format::Html);
        }
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            return Some(Format::Markdown);
        }
        if lower.ends_with(".txt") {
            return Some(Format::Text);
        }
        None
    }

    /// Sniffs HTML from the first bytes.
    pub fn sniff(text: &str) -> Format {
        let head: String = text
            .chars()
            .take(1024)
            .collect::<String>()
            .to_ascii_lowercase();
        if head.contains("<!doctype html") || head.contains("<html") || head.contains("<body") {
            Format::Html
        } else {
            Format::Text
        }
    }
}

/// A span of the clean text and where it came from in the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    clean: usize,
    orig: usize,
    clean_len: usize,
    orig_len: usize,
}

/// One block of the clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Byte range in [`Cleaned::text`].
    pub start: usize,
    pub end: usize,
    /// A heading or other line that does not read as prose.
    pub heading: bool,
}

/// A cleaned document.
#[derive(Debug, Clone)]
pub struct Cleaned<'a> {
    /// The document as decoded text; offsets refer to this.
    pub original: Cow<'a, str>,
    /// The article text, blocks separated by `\n\n`.
    pub text: String,
    pub blocks: Vec<Block>,
    pieces: Vec<Piece>,
    pub format: Format,
    /// HTML `<meta>`/`<time>` values that may carry a date.
    pub meta_dates: Vec<String>,
    /// Set when no text came out, and why.
    pub skipped: Option<Skip>,
    /// Whether line breaks were treated as soft (subtitle or hard-wrapped text).
    pub wrapped: bool,
}

impl Cleaned<'_> {
    /// The byte offset in the original for a byte offset in the clean text.
    /// Always a char boundary of the original.
    pub fn to_original(&self, clean: usize) -> usize {
        let idx = self.pieces.partition_point(|p| p.clean <= clean);
        let Some(p) = idx.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return 0;
        };
        let off = clean - p.clean;
        let o = if p.clean_len == p.orig_len {
            p.orig + off.min(p.orig_len)
        } else if off == 0 {
            p.orig
        } else {
            p.orig + p.orig_len
        };
        floor_boundary(&self.original, o)
    }

    /// An original range for a clean range.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.to_original(start);
        let e = self.to_original(end).max(s);
        (s, ceil_boundary(&self.original, e))
    }
}

/// The largest char boundary of `s` at or below `i` (at most its length).
pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Whether the bytes look binary: NUL bytes, or many control bytes, in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && b != b'\n' && b != b'\r' && b != b'\t' && b != 0x0c)
        .count();
    !head.is_empty() && ctrl * 10 > head.len()
}

/// A piece of a line before blocks are built: an original range and the
/// character it stands for when it is a character reference.
type LinePiece = (usize, usize, Option<char>);

/// The lines of a document before blocks are built: all pieces in one
/// vector (no allocation per line), each line a run of them.
#[derive(Debug, Default, Clone)]
struct Lines {
    pieces: Vec<LinePiece>,
    /// Where each line's pieces start in `pieces`.
    starts: Vec<usize>,
}

impl Lines {
    /// Starts a new, empty line; pieces pushed from now on are its.
    fn new_line(&mut self) {
        self.starts.push(self.pieces.len());
    }

    /// Adds a piece to the last line (there is one once `new_line` ran).
    fn push(&mut self, piece: LinePiece) {
        self.pieces.push(piece);
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    /// The pieces of line `k`.
    fn get(&self, k: usize) -> Option<&[LinePiece]> {
        let a = *self.starts.get(k)?;
        let b = self.starts.get(k + 1).copied().unwrap_or(self.pieces.len());
        self.pieces.get(a..b)
    }

    fn iter(&self) -> impl Iterator<Item = &[LinePiece]> + '_ {
        (0..self.len()).filter_map(|k| self.get(k))
    }
}

/// Cleans a document.
pub fn clean<'a>(bytes: &'a [u8], format: Option<Format>) -> Cleaned<'a> {
    // What `from_utf8_lossy` gives, with the validator that reads ASCII a
    // word at a time first (most documents are valid UTF-8).
    let original = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    let binary = looks_binary(bytes);
    let format = format.unwrap_or_else(|| Format::sniff(&original));
    let mut out = Cleaned {
        original,
        text: String::new(),
        blocks: Vec::new(),
        pieces: Vec::new(),
        format,
        meta_dates: Vec::new(),
        skipped: None,
        wrapped: false,
    };
    if binary {
        out.skipped = Some(Skip::Binary);
        return out;
    }
    let (lines, meta) = match format {
        Format::Html => html_lines(&out.original),
        Format::Markdown => (markdown_lines(&out.original), Vec::new()),
        Format::Text => (text_lines(&out.original), Vec::new()),
    };
    out.meta_dates = meta;
    build_blocks(&mut out, &lines);
    if out.blocks.is_empty() {
        out.skipped = Some(Skip::NoText);
    }
    out
}

fn text_lines(s: &str) -> Lines {
    let mut lines = Lines::default();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', s.as_bytes()) {
        lines.new_line();
        lines.push((start, nl, None));
        start = nl + 1;
    }
    if start < s.len() {
        lines.new_line();
        lines.push((start, s.len(), None));
    }
    lines
}

/// The lines of a Markdown document, as CommonMark reads it: each block
/// (paragraph, heading, list item, table row) a line of its own with a blank
/// line after it; a link's words without its address, emphasis without its
/// marks, a line break inside a paragraph a space; images, code blocks and
/// raw HTML left out. Text maps to where it stands in the source, and a
/// character an escape or entity stands for ("\*", "&amp;") to the escape.
fn markdown_lines(s: &str) -> Lines {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut lines = Lines::default();
    lines.new_line();
    let end_block = |lines: &mut Lines| {
        lines.new_line();
        lines.new_line();
    };
    // Inside an image (its alt text) or a code block: no article text.
    let mut hidden = 0usize;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    for (event, r) in Parser::new_ext(s, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { .. } | Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => {
                hidden += 1;
            }
            Event::End(TagEnd::Image | TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => {
                hidden = hidden.saturating_sub(1);
            }
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableRow | Tag::TableHead,
            ) => lines.new_line(),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => end_block(&mut lines),
            Event::End(TagEnd::TableCell) => lines.push((r.end, r.end, Some(' '))),
            Event::Text(t) | Event::Code(t) if hidden == 0 => {
                let src = s
                    .get(r.clone())
                    .expect("pulldown-cmark's offsets lie on the source's character boundaries");
                if src == &*t {
                    lines.push((r.start, r.end, None));
                } else if let (Some(c), None) = (t.chars().next(), t.chars().nth(1)) {
                    // An escape or an entity standing for one character.
                    lines.push((r.start, r.end, Some(c)));
                } else if let Some(k) = src.find(&*t) {
                    // Inline code: the words between the backticks.
                    lines.push((r.start + k, r.start + k + t.len(), None));
                } else {
                    // Text CommonMark rewrote otherwise: its source stands in.
                    lines.push((r.start, r.end, None));
                }
            }
            Event::SoftBreak | Event::HardBreak if hidden == 0 => {
                lines.push((r.start, r.end, Some(' ')));
            }
            _ => {}
        }
    }
    lines
}

/// Tags whose content is never article text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "svg", "nav", "header", "footer", "aside", "form", "iframe",
    "template", "button", "select", "figure",
];
/// Tags that end a line.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "article",
    "section",
    "main",
    "blockquote",
    "title",
    "dd",
    "dt",
    "pre",
    "table",
    "hr",
];

fn html_lines(s: &str) -> (Lines, Vec<String>) {
    let b = s.as_bytes();
    let mut lines = Lines::default();
    lines.new_line();
    let mut meta = Vec::new();
    let mut i = 0;
    let mut skip_depth: Vec<String> = Vec::new();
    let mut text_start = 0;
    let flush = |lines: &mut Lines, from: usize, to: usize, skipping: bool| {
        if !skipping && to > from {
            lines.push((from, to, None));
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'<' {
            flush(&mut lines, text_start, i, !skip_depth.is_empty());
            // Comments and doctype.
            if b[i..].starts_with(b"<!--") {
                let end = memchr::memmem::find(&b[i..], b"-->").map_or(b.len(), |e| i + e + 3);
                i = end;
                text_start = i;
                continue;
            }
            let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
            let tag = s.get(i + 1..end.saturating_sub(1)).unwrap_or("");
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name == "meta" || name == "time" {
                let lower = tag.to_ascii_lowercase();
                let datey = ["date", "published", "time", "created"]
                    .iter()
                    .any(|k| lower.contains(k));
                if datey {
                    for attr in ["content", "datetime"] {
                        if let Some(v) = attr_value(tag, attr) {
                            meta.push(v.to_owned());
                        }
                    }
                }
            }
            if SKIP_TAGS.contains(&name.as_str()) && !tag.ends_with('/') {
                if closing {
                    if let Some(pos) = skip_depth.iter().rposition(|t| *t == name) {
                        skip_depth.truncate(pos);
                    }
                } else {
                    skip_depth.push(name.clone());
                }
            }
            if BLOCK_TAGS.contains(&name.as_str()) {
                lines.new_line();
            }
            i = end;
            text_start = i;
            continue;
        }
        if c == b'&' {
            let semi = b[i..].iter().take(10).position(|&x| x == b';');
            if let Some(semi) = semi {
                let ent = s.get(i + 1..i + semi).unwrap_or("");
                if let Some(ch) = decode_entity(ent) {
                    flush(&mut lines, text_start, i, !skip_depth.is_empty());
                    if skip_depth.is_empty() {
                        lines.push((i, i + semi + 1, Some(ch)));
                    }
                    i += semi + 1;
                    text_start = i;
                    continue;
                }
            }
        }
        i += 1;
    }
    flush(&mut lines, text_start, b.len(), !skip_depth.is_empty());
    (lines, meta)
}

/// Where an HTML page says it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMeta {
    /// The outlet (`og:site_name`, else `application-name`).
    pub outlet: Option<String>,
    /// The page's address (`og:url`, else the canonical link).
    pub url: Option<String>,
}

/// The outlet and address an HTML page names in its `<meta>` and `<link>`
/// tags (text and Markdown name neither). One pass over the tags; the first
/// value of each kind wins.
pub fn source_meta(original: &str, format: Format) -> SourceMeta {
    let mut out = SourceMeta::default();
    if format != Format::Html {
        return out;
    }
    let (mut app_name, mut canonical) = (None, None);
    let b = original.as_bytes();
    for i in memchr::memchr_iter(b'<', b) {
        let head = b.get(i + 1..i + 6).unwrap_or(&[]);
        let is_meta = head.len() == 5
            && head[..4].eq_ignore_ascii_case(b"meta")
            && head[4].is_ascii_whitespace();
        let is_link = head.len() == 5
            && head[..4].eq_ignore_ascii_case(b"link")
            && head[4].is_ascii_whitespace();
        if !is_meta && !is_link {
            continue;
        }
        let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e);
        let Some(tag) = original.get(i + 1..end) else {
            continue;
        };
        let key = |attr: &str| attr_value(tag, attr).map(str::to_ascii_lowercase);
        let value = |attr: &str| {
            attr_value(tag, attr)
                .map(|v| decode_entities(v.trim()))
                .filter(|v| !v.is_empty())
        };
        if is_meta {
            match key("property").or_else(|| key("name")).as_deref() {
                Some("og:site_name") if out.outlet.is_none() => out.outlet = value("content"),
                Some("application-name") if app_name.is_none() => app_name = value("content"),
                Some("og:url") if out.url.is_none() => out.url = value("content"),
                _ => {}
            }
        } else if key("rel").as_deref() == Some("canonical") && canonical.is_none() {
            canonical = value("href");
        }
    }
    out.outlet = out.outlet.or(app_name);
    out.url = out.url.or(canonical);
    out
}

/// An attribute value with its character references decoded (one left as
/// written when it is not one).
fn decode_entities(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';').filter(|&s| s <= 10) {
            Some(semi) => match decode_entity(&after[..semi]) {
                Some(ch) => {
                    out.push(ch);
                    rest = &after[semi + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            },
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn attr_value<'t>(tag: &'t str, attr: &str) -> Option<&'t str> {
    let lower = tag.to_ascii_lowercase();
    let key = format!("{attr}=");
    let pos = lower.find(&key)? + key.len();
    let rest = tag.get(pos..)?;
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let inner = rest.get(1..)?;
        let end = inner.find(quote)?;
        inner.get(..end)
    } else {
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>')
            .unwrap_or(rest.len());
        rest.get(..end)
    }
}

fn decode_entity(e: &str) -> Option<char> {
    if let Some(num) = e.strip_prefix('#') {
        let n = if let Some(h) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(h, 16).ok()?
        } else {
            num.parse().ok()?
        };
        return char::from_u32(n).filter(|c| *c != '\0');
    }
    Some(match e {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        _ => return None,
    })
}

/// Text of a line with replacements; borrowed when the line is one piece.
fn line_text<'o>(orig: &'o str, line: &[LinePiece]) -> Cow<'o, str> {
    if let [(a, b, None)] = line {
        return Cow::Borrowed(orig.get(*a..*b).unwrap_or(""));
    }
    let mut s = String::new();
    for &(a, b, rep) in line {
        match rep {
            Some(c) => s.push(c),
            None => s.push_str(orig.get(a..b).unwrap_or("")),
        }
    }
    Cow::Owned(s)
}

/// Whether a text holds a boilerplate cue (ASCII case-insensitive). The
/// text is lowered into `buf` and searched for the cues as written (lower
/// case): an automaton of exact cues skips ahead with a SIMD prefilter,
/// where one that folds case read each byte of the many blocks checked.
fn has_cue(t: &str, buf: &mut Vec<u8>) -> bool {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let ac = AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            // Leftmost matching, for the prefilter; any match will do.
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(BOILER_CUES)
            .expect("the boilerplate cues' automaton builds (a few dozen short patterns)")
    });
    buf.clear();
    buf.extend_from_slice(t.as_bytes());
    buf.make_ascii_lowercase();
    ac.is_match(buf.as_slice())
}

/// A short line reduced to letters, digits, spaces and apostrophes, lower case.
fn marker_norm(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Whether a line is written as a headline: three words in four or more
/// capitalised ("North Korea Categorically Denies Meddling in UK
/// Elections"), where prose capitalises names only.
pub(crate) fn title_case(t: &str) -> bool {
    let (mut words, mut caps) = (0, 0);
    for w in t.split_whitespace() {
        words += 1;
        caps += usize::from(w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()));
    }
    words >= 4 && caps * 4 >= words * 3
}

/// The width prose was folded at: the length (in characters) that a tenth
/// of its lines reach, so that a few long lines (an address that could
/// not be broken) do not raise it.
fn fold_width(texts: &[Cow<'_, str>]) -> usize {
    let mut lens: Vec<usize> = texts
        .iter()
        .map(|t| t.trim().chars().count())
        .filter(|&n| n > 0)
        .collect();
    // The tenth longest of every ten, found in linear time.
    let k = lens.len() / 10;
    if lens.is_empty() {
        return 0;
    }
    *lens.select_nth_unstable_by(k, |a, b| b.cmp(a)).1
}

/// The label that opens a speaker's turn in a transcript ("MS. PSAKI:",
/// "QUESTION:", "Wang Wenbin:"): up to four words before a colon in the
/// first 48 bytes, with a letter and no digit, in capitals or each word
/// capitalised. Gives the colon's offset. The transcript reader and the
/// folding of lines both ask.
pub(crate) fn turn_label(t: &str) -> Option<usize> {
    let colon = t.get(..t.len().min(48)).and_then(|h| h.find(':'))?;
    let label = t.get(..colon)?.trim();
    let words = label.split_whitespace().count();
    let caps = !label.chars().any(char::is_lowercase);
    let titled = label
        .split_whitespace()
        .all(|w| w.starts_with(char::is_uppercase));
    let ok = (1..=4).contains(&words)
        && label.chars().any(char::is_alphabetic)
        && !label.chars().any(|c| c.is_ascii_digit())
        && (caps || titled);
    ok.then_some(colon)
}

fn ends_terminal(t: &str) -> bool {
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{fffd}');
    t.ends_with(['.', '!', '?', '"', '”', '’', '\'', ':', ';', '…', ')'])
}

/// `t.split_whitespace().count()`, counted up to `cap` (the rules only
/// compare it with small numbers, so a long block is not counted to its
/// end). A word starts at a byte that is no whitespace after one that is;
/// continuation bytes keep the state of their character's lead byte, and
/// only the lead bytes of the non-ASCII whitespace characters (U+0085 and
/// up) are decoded. The claim rules count words with it too.
pub(crate) fn word_count(t: &str, cap: usize) -> usize {
    let b = t.as_bytes();
    let (mut n, mut prev_ws) = (0, true);
    let mut i = 0;
    while i < b.len() {
        // Eight ASCII bytes at a time.
        if let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            let w = u64::from_le_bytes(*chunk);
            if w & HIGH == 0 {
                let ws = ascii_space_mask(w);
                let starts = !ws & ((ws << 8) | (u64::from(prev_ws) << 7)) & HIGH;
                n += starts.count_ones() as usize;
                if n >= cap {
                    return cap;
                }
                prev_ws = ws >> 63 == 1;
                i += 8;
                continue;
            }
        }
        let c = b[i];
        i += 1;
        let ws = match BYTE_CLASS[usize::from(c)] {
            ByteClass::Word => false,
            ByteClass::Space => true,
            ByteClass::Continuation => continue,
            ByteClass::MaybeSpace => t
                .get(i - 1..)
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_whitespace),
        };
        if prev_ws && !ws {
            n += 1;
            if n >= cap {
                return cap;
            }
        }
        prev_ws = ws;
    }
    n
}

/// The high bit of each of eight bytes.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// For eight ASCII bytes: the high bit of each whitespace byte (space and
/// U+0009..U+000D, as `char::is_whitespace`). No byte carries into the
/// next: every byte is below 0x80.
fn ascii_space_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = w ^ (0x20 * ONES);
    let nonzero = (((x & !HIGH) + !HIGH) | x) & HIGH;
    let eq_space = !nonzero & HIGH;
    let ge_tab = (w + (0x80 - 0x09) * ONES) & HIGH;
    let ge_so = (w + (0x80 - 0x0e) * ONES) & HIGH;
    eq_space | (ge_tab & !ge_so)
}

#[derive(Clone, Copy)]
enum ByteClass {
    Word,
    Space,
    Continuation,
    MaybeSpace,
}

/// For [`word_count`]: what a byte of UTF-8 says about whitespace.
const BYTE_CLASS: [ByteClass; 256] = {
    let mut t = [ByteClass::Word; 256];
    let mut k = 0x80;
    while k < 0xc0 {
        t[k] = ByteClass::Continuation;
        k += 1;
    }
    t[b'\t' as usize] = ByteClass::Space;
    t[b'\n' as usize] = ByteClass::Space;
    t[0x0b] = ByteClass::Space;
    t[0x0c] = ByteClass::Space;
    t[b'\r' as usize] = ByteClass::Space;
    t[b' ' as usize] = ByteClass::Space;
    t[0xc2] = ByteClass::MaybeSpace;
    t[0xe1] = ByteClass::MaybeSpace;
    t[0xe2] = ByteClass::MaybeSpace;
    t[0xe3] = ByteClass::MaybeSpace;
    t
};

/// Short lines that mark the start of a list of other headlines or links.
const LIST_MARKERS: &[&str] = &[
    "featured stories",
    "related",
    "related stories",
    "related articles",
    "related content",
    "related news",
    "read more",
    "read also",
    "more stories",
    "more from",
    "most read",
    "most popular",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "similar content",
    "latest news",
    "latest",
    "top stories",
    "trending",
    "more on this story",
    "popular",
    "editor's picks",
    "see also",
    "also read",
    "more news",
    "in other news",
    "tags",
    "topics",
    "share this",
    "share",
    "comments",
    "comment",
    "advertisement",
    "download subtitles",
    "skip to content",
    "menu",
    "sign in",
    "log in",
    "subscribe",
    "newsletter",
    "follow us",
    "more",
    "next",
    "previous",
];

/// Phrases of donation appeals, cookie notices and site chrome.
const BOILER_CUES: &[&str] = &[
    "small favor to ask",
    "small favour to ask",
    "support us",
    "please support",
    "donate",
    "donation",
    "subscribe",
    "subscription",
    "need your help",
    "paiment methods",
    "payment methods",
    "remind me later",
    "not ready to support",
    "cookie",
    "privacy policy",
    "terms of use",
    "terms of service",
    "all rights reserved",
    "sign up for",
    "newsletter",
    "follow us on",
    "browse content similar",
    "check below for episodes",
    "click here",
    "share this article",
    "share on facebook",
    "javascript",
    "enable js",
    "advertisement",
    "copyright ©",
    "© 20",
    "story code",
    "download subtitles",
    "refuse to be silenced",
    "independent journalism",
    "skip to main content",
    "skip to content",
    "skip navigation",
];

fn is_date_line(t: &str) -> bool {
    if t.len() > 80 || t.split_whitespace().nth(8).is_some() {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    crate::date::find_date(t).is_some()
        && words.iter().all(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.is_empty()
                || w.chars().all(|c| c.is_ascii_digit())
                || crate::date::month_number(w).is_some()
                || crate::date::is_weekday(w)
                || w.eq_ignore_ascii_case("date")
                || w.eq_ignore_ascii_case("published")
                || w.eq_ignore_ascii_case("updated")
                || w.contains(':')
                || w.contains('-')
        })
}

fn build_blocks(out: &mut Cleaned<'_>, lines: &Lines) {
    let original = std::mem::take(&mut out.original);
    let (prose, chrome_dropped) = build_blocks_from(out, lines, &original, false);
    if !prose && chrome_dropped {
        // Nothing that reads as prose survived: the page's chrome rules took
        // the article with them (a menu word such as "More" opening a list
        // that never closes because the paragraphs are short or the text is
        // cut off; a page stored as one run of text that mentions a cookie
        // banner or a video player). Read it again with only the line-level
        // rules, so that a real article is not lost whole.
        let strict = (
            std::mem::take(&mut out.text),
            std::mem::take(&mut out.pieces),
            std::mem::take(&mut out.blocks),
        );
        if !build_blocks_from(out, lines, &original, true).0 {
            // Still no prose: the strict reading stands.
            (out.text, out.pieces, out.blocks) = strict;
        }
    }
    out.original = original;
}

/// Emits the blocks kept; `relaxed` turns off the list state and keeps long
/// blocks that mention a cue. Returns whether a prose block was kept and
/// whether the list state or a cue dropped any block.
fn build_blocks_from(
    out: &mut Cleaned<'_>,
    lines: &Lines,
    orig: &str,
    relaxed: bool,
) -> (bool, bool) {
    // Decide whether line breaks are soft: many lines end mid-sentence and
    // the next line continues in lower case (subtitles, hard-wrapped mail).
    let texts: Vec<Cow<'_, str>> = lines.iter().map(|l| line_text(orig, l)).collect();
    // The lowered copy `has_cue` searches, reused from block to block.
    let mut lowered = Vec::new();
    let nonempty: Vec<usize> = (0..texts.len())
        .filter(|&i| !texts[i].trim().is_empty())
        .collect();
    // Soft breaks, and those of them with a blank line in between.
    let (mut soft, mut soft_over_blank) = (0, 0);
    for w in nonempty.windows(2) {
        let (a, b) = (texts[w[0]].trim(), texts[w[1]].trim());
        if !ends_terminal(a) && b.starts_with(|c: char| c.is_lowercase()) {
            soft += 1;
            if w[1] > w[0] + 1 {
                soft_over_blank += 1;
            }
        }
    }
    let wrapped = nonempty.len() >= 6 && soft * 5 >= nonempty.len();
    // Prose folded at a width (mail, plain-text releases and transcripts)
    // breaks lines mid-sentence as subtitles do, but a sentence runs on
    // across a blank line only in subtitles: folded prose keeps its
    // paragraphs. Those are blocks like a page's, its line breaks spaces,
    // except where the line had room for the next word.
    let folded = wrapped && soft_over_blank * 2 < soft;
    let wrapped = wrapped && !folded;
    let width = if folded { fold_width(&texts) } else { 0 };
    out.wrapped = wrapped;

    // Group lines into raw blocks.
    let mut raw: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let tt = t.trim();
        if tt.is_empty() {
            if !wrapped && !cur.is_empty() {
                raw.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if wrapped {
            // Subtitle pages: chrome lines are dropped one by one, short
            // title lines stand alone, everything else runs on.
            let wc = word_count(tt, 26);
            let chrome = (wc <= 25 && has_cue(tt, &mut lowered))
                || (wc <= 4 && LIST_MARKERS.contains(&marker_norm(tt).as_str()));
            if chrome {
                if !cur.is_empty() {
                    raw.push(std::mem::take(&mut cur));
                }
                continue;
            }
            if wc <= 3 && !ends_terminal(tt) && cur.is_empty() {
                raw.push(vec![i]);
                continue;
            }
            cur.push(i);
            continue;
        }
        if let Some(&prev) = cur.last() {
            let p = texts[prev].trim();
            // A line that stops mid-sentence runs on: always before a lower-case
            // word, and before a capital when it is long enough to be prose.
            let join = if folded {
                // The line stopped short of the width by choice (a
                // paragraph's or a heading's end), or a speaker's turn starts.
                // Split at spaces only: a no-break space joins words.
                let next_word = tt
                    .split([' ', '\t'])
                    .next()
                    .map_or(0, |w| w.chars().count());
                let had_room = p.chars().count() + 1 + next_word <= width;
                !had_room && turn_label(tt).is_none()
            } else {
                // A short line with no stop before a whole paragraph is its
                // headline ("Iran dismisses allegations on organizing
                // cyber-attack on Australia", then the lede), as is a line
                // the next repeats; a line broken mid-sentence goes on
                // with the rest of that sentence only.
                let headline = tt == p
                    || p.split_whitespace().nth(14).is_none()
                        && ends_terminal(tt)
                        && tt.split_whitespace().nth(14).is_some();
                !ends_terminal(p)
                    && (tt.starts_with(|c: char| c.is_lowercase())
                        || p.split_whitespace().nth(7).is_some() && !title_case(p) && !headline)
            };
            if !join {
                raw.push(std::mem::take(&mut cur));
            }
        }
        cur.push(i);
    }
    if !cur.is_empty() {
        raw.push(cur);
    }

    // The clean text is about as long as the original (shorter for markup):
    // one allocation rather than a copy at each doubling.
    out.text.reserve(orig.len());
    let mut in_list = false;
    let mut prev_text: Cow<'_, str> = Cow::Borrowed("");
    let mut last_kept: Cow<'_, str> = Cow::Borrowed("");
    let mut seen_prose = false;
    let mut chrome_dropped = false;
    for block in raw {
        // A block of one line (most are) is that line's text, not a copy.
        let text: Cow<'_, str> = match block[..] {
            [i] => Cow::Borrowed(texts.get(i).map_or("", |t| t.trim())),
            _ => Cow::Owned(
                block
                    .iter()
                    .map(|&i| texts[i].trim())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        // Compared with numbers up to 120 only.
        let words = word_count(&text, 121);
        // A long run cut off mid-sentence (pages stored up to a byte limit)
        // is prose too when reading again.
        let prose = ends_terminal(&text) && words >= 12 || relaxed && words >= 40;
        if words <= 4 && LIST_MARKERS.contains(&marker_norm(&text).as_str()) {
            in_list = true;
            prev_text = text;
            continue;
        }
        if in_list && !wrapped && !relaxed {
            if prose && words >= 20 {
                in_list = false;
            } else {
                chrome_dropped = true;
                continue;
            }
        }
        let chrome = if relaxed {
            words < 25
        } else {
            words < 80 || !seen_prose || wrapped
        };
        // A long article paragraph that merely mentions a cue stays; the
        // cue search runs only where a cue would drop the block.
        if chrome && !(wrapped && words > 120) && has_cue(&text, &mut lowered) {
            chrome_dropped = true;
            prev_text = text;
            continue;
        }
        if text == prev_text || text == last_kept || is_date_line(&text) {
            prev_text = text;
            continue;
        }
        let heading = (!ends_terminal(&text) && words < 20) || words < 4;
        if heading && (words < 3 || seen_prose && words < 6) {
            prev_text = text;
            continue;
        }
        if prose {
            seen_prose = true;
        }
        last_kept = text.clone();
        prev_text = text;
        // Emit the block's lines as pieces.
        if !out.text.is_empty() {
            push_filler(out, "\n\n");
        }
        let start = out.text.len();
        for (k, &li) in block.iter().enumerate() {
            if k > 0 && !out.text.ends_with(' ') {
                // A line break inside a block is a space.
                push_filler(out, " ");
            }
            let Some(line) = lines.get(li) else { continue };
            for &(a, b, rep) in line {
                match rep {
                    Some(c) => {
                        let c = if c.is_whitespace() { ' ' } else { c };
                        if c == ' ' && out.text.ends_with(' ') {
                            continue;
                        }
                        out.pieces.push(Piece {
                            clean: out.text.len(),
                            orig: a,
                            clean_len: c.len_utf8(),
                            orig_len: b - a,
                        });
                        out.text.push(c);
                    }
                    None => emit_segment(out, orig, a, b),
                }
            }
        }
        // No trailing space at the end of a block.
        while out.text.len() > start && out.text.ends_with(' ') {
            out.text.pop();
            if let Some(p) = out.pieces.last_mut() {
                if p.clean_len <= 1 {
                    out.pieces.pop();
                } else {
                    p.clean_len -= 1;
                    p.orig_len = p.orig_len.saturating_sub(1);
                }
            }
        }
        out.blocks.push(Block {
            start,
            end: out.text.len(),
            heading,
        });
    }
    (seen_prose, chrome_dropped)
}

/// Copies `orig[a..b]` into the clean text with runs of whitespace (line
/// breaks, tabs, no-break spaces) as one space, keeping the mapping.
/// The bytes a whitespace character or U+FEFF can start with: ASCII
/// whitespace and the lead bytes of U+0085, U+00A0, U+1680, U+2000..U+205F,
/// U+3000 and U+FEFF.
const MAY_BE_SPACE: [bool; 256] = {
    let mut t = [false; 256];
    let lead: [u8; 11] = [
        b'\t', b'\n', 0x0b, 0x0c, b'\r', b' ', 0xc2, 0xe1, 0xe2, 0xe3, 0xef,
    ];
    let mut k = 0;
    while k < lead.len() {
        t[lead[k] as usize] = true;
        k += 1;
    }
    t
};

/// Whether eight bytes (`w`, little-endian), followed by `next`, are all
/// skipped inside a copy run of [`emit_segment`]: printable ASCII, no two
/// spaces in a row, and a last space followed by a byte that starts no
/// whitespace character.
fn plain_words(w: u64, next: Option<u8>) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Bytes below 0x80 only, so no sum below carries into the next byte.
    if w & HIGH != 0 || !(w + (0x80 - 0x20) * ONES) & HIGH != 0 {
        return false;
    }
    let x = w ^ (0x20 * ONES);
    let space = !(((x & !HIGH) + !HIGH) | x) & HIGH;
    if space & (space >> 8) != 0 {
        return false;
    }
    space >> 63 == 0 || next.is_some_and(|n| !MAY_BE_SPACE[usize::from(n)])
}

/// Appends text that stands for no original bytes (a paragraph break, the
/// space of a line break) as a piece of its own, placed where the original
/// read so far ends.
fn push_filler(out: &mut Cleaned<'_>, filler: &str) {
    let at = out.pieces.last().map_or(0, |p| p.orig + p.orig_len);
    out.pieces.push(Piece {
        clean: out.text.len(),
        orig: at,
        clean_len: filler.len(),
        orig_len: 0,
    });
    out.text.push_str(filler);
}

fn emit_segment(out: &mut Cleaned<'_>, original: &str, a: usize, b: usize) {
    let Cleaned { text, pieces, .. } = out;
    let seg = original.get(a..b).unwrap_or("");
    let mut run_start: Option<usize> = None; // start of a copy run (offset in seg)
    let mut ws_start: Option<usize> = None; // start of a whitespace run
    let flush_copy = |text: &mut String, pieces: &mut Vec<Piece>, from: usize, to: usize| {
        if to > from {
            pieces.push(Piece {
                clean: text.len(),
                orig: a + from,
                clean_len: to - from,
                orig_len: to - from,
            });
            text.push_str(seg.get(from..to).unwrap_or(""));
        }
    };
    let bytes = seg.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Inside a copy run, a byte that starts no whitespace character
        // (nor U+FEFF) changes nothing: skip to the next one that may. So
        // does a lone ASCII space before such a byte (the space between two
        // words, the most common byte of a text after letters), without
        // decoding characters as the general case below does.
        if run_start.is_some() && ws_start.is_none() {
            loop {
                // Eight bytes at once while they are plain words: what the
                // byte loop below would skip one by one.
                while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
                    if !plain_words(u64::from_le_bytes(*chunk), bytes.get(i + 8).copied()) {
                        break;
                    }
                    i += 8;
                }
                while bytes.get(i).is_some_and(|&b| !MAY_BE_SPACE[usize::from(b)]) {
                    i += 1;
                }
                let lone_space = bytes.get(i) == Some(&b' ')
                    && bytes
                        .get(i + 1)
                        .is_some_and(|&n| !MAY_BE_SPACE[usize::from(n)]);
                if !lone_space {
                    break;
                }
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
        }
        let Some(c) = seg.get(i..).and_then(|r| r.chars().next()) else {
            i += 1;
            continue;
        };
        let at = i;
        i += c.len_utf8();
        // A lone ASCII space between words is copied as it is.
        if c == ' '
            && ws_start.is_none()
            && run_start.is_some()
            && !seg
                .get(at + 1..)
                .and_then(|r| r.chars().next())
                .is_none_or(|n| n.is_whitespace() || n == '\u{feff}')
        {
            continue;
        }
        let ws = c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}';
        if ws {
            if let Some(r) = run_start.take() {
                flush_copy(text, pieces, r, at);
            }
            ws_start.get_or_insert(at);
        } else {
            if let Some(w) = ws_start.take() {
                if !text.ends_with(' ') && !text.is_empty() {
                    pieces.push(Piece {
                        clean: text.len(),
                        orig: a + w,
                        clean_len: 1,
                        orig_len: at - w,
                    });
                    text.push(' ');
                }
            }
            run_start.get_or_insert(at);
        }
    }
    if let Some(r) = run_start {
        flush_copy(text, pieces, r, seg.len());
    }
    if let Some(w) = ws_start {
        if !text.ends_with(' ') && !text.is_empty() {
            pieces.push(Piece {
                clean: text.len(),
                orig: a + w,
                clean_len: 1,
                orig_len: seg.len() - w,
            });
            text.push(' ');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_meta_reads_the_outlet_and_address_of_a_page_only() {
        let html = r#"<html><head><META name="application-name" content="App">
<meta property="og:site_name" content="The Daily &amp; Weekly"><link rel="canonical" href="https://example.org/a?x=1&amp;y=2">
<meta property="og:site_name" content="Second"></head><body><p>meta text</p></body></html>"#;
        let m = source_meta(html, Format::Html);
        assert_eq!(m.outlet.as_deref(), Some("The Daily & Weekly"));
        assert_eq!(m.url.as_deref(), Some("https://example.org/a?x=1&y=2"));
        let og = r#"<meta name="application-name" content="App"><meta property="og:url" content="https://e.org/b"><link rel="canonical" href="https://e.org/c">"#;
        let m = source_meta(og, Format::Html);
        assert_eq!(m.outlet.as_deref(), Some("App"));
        assert_eq!(m.url.as_deref(), Some("https://e.org/b"));
        assert_eq!(source_meta(html, Format::Text), SourceMeta::default());
    }

    #[test]
    fn offsets_map_back_through_html_entities() {
        let html = "<html><body><nav>Home | News</nav><p>The minister said it was Russia&rsquo;s work, officials said in a statement today.</p><script>var x=1;</script></body></html>";
        let c = clean(html.as_bytes(), Some(Format::Html));
        assert!(!c.text.contains("Home"));
        assert!(!c.text.contains("var x"));
        let pos = c.text.find("work").unwrap_or(0);
        let o = c.to_original(pos);
        assert_eq!(c.original.get(o..o + 4), Some("work"));
        let r = c.text.find('’').unwrap_or(0);
        let (a, b) = c.original_range(r, r + '’'.len_utf8());
        assert_eq!(c.original.get(a..b), Some("&rsquo;"));
    }

    #[test]
    fn boilerplate_lists_and_appeals_are_dropped() {
        let text = "Minister Accuses Neighbour\n\nThe foreign minister said on Monday that the neighbouring state's military intelligence was behind the attack on the ministry.\n\nPlease support independent journalism with a donation today, it takes a minute.\n\nRelated stories\nFloods hit the north\nElection results are in\n";
        let c = clean(text.as_bytes(), Some(Format::Text));
        assert!(c.text.contains("military intelligence was behind"));
        assert!(!c.text.contains("donation"));
        assert!(!c.text.contains("Floods"));
    }

    #[test]
    fn binary_and_empty_inputs_are_skipped() {
        let c = clean(b"\x00\x01\x02binary\x00", None);
        assert_eq!(c.skipped, Some(Skip::Binary));
        let c = clean(b"Home\nNews\nSport\nWeather\n", None);
        assert_eq!(c.skipped, Some(Skip::NoText));
    }

    /// A page whose article follows a "Share"/"More" menu line, in short
    /// paragraphs, cut off mid-sentence: the list state must not swallow it.
    #[test]
    fn an_article_after_a_menu_line_is_kept() {
        let text = "BBC
Home
News
More

UK blames Russia for cyber attacks

The UK has accused Russian military intelligence of a campaign of attacks.

The Foreign Office said the GRU was almost certainly responsible.

Moscow has denied the claims, calling them baseless and
";
        let c = clean(text.as_bytes(), Some(Format::Text));
        assert_eq!(c.skipped, None, "{:?}", c.text);
        assert!(
            c.text.contains("almost certainly responsible"),
            "{:?}",
            c.text
        );
        assert!(!c.text.contains("Home"));
    }

    /// A page stored as one long run of text that mentions a cookie banner
    /// or a video player: the article is that run, not chrome.
    #[test]
    fn one_long_block_with_a_cue_is_kept() {
        let mut text = String::from("This video can not be played. To play this video you need to enable JavaScript in your browser. ");
        for _ in 0..3 {
            text.push_str("The National Cyber Security Centre said Russian military intelligence was behind a series of attacks on media and sports bodies. ");
        }
        text.push_str("Officials said the attacks were reckless and the Kremlin denied");
        let c = clean(text.as_bytes(), Some(Format::Text));
        assert_eq!(c.skipped, None);
        assert!(c.text.contains("Russian military intelligence was behind"));
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        let texts = [
            "",
            " ",
            "one",
            "  two  words ",
            "tab\tnew\nline\r\x0bvt\x0cff end",
            "eight by eight bytes of plain ASCII text here, and more of it",
            "no\u{a0}break\u{2003}em\u{3000}ideographic\u{85}next \u{feff}bom",
            "caf\u{e9} na\u{ef}ve \u{201c}quoted\u{201d} \u{2014} dash\u{1680}ogham",
            "\x1c\x1d\x1e\x1f separators are no whitespace",
        ];
        for t in texts {
            let n = t.split_whitespace().count();
            assert_eq!(word_count(t, usize::MAX), n, "{t:?}");
            assert_eq!(word_count(t, 3), n.min(3), "{t:?}");
        }
    }

    #[test]
    fn eight_plain_bytes_are_skipped_as_the_byte_loop_skips_them() {
        // What the copy run of `emit_segment` skips a byte at a time.
        let skipped = |b: &[u8], k: usize| {
            let c = b[k];
            !MAY_BE_SPACE[usize::from(c)]
                || c == b' ' && b.get(k + 1).is_some_and(|&n| !MAY_BE_SPACE[usize::from(n)])
        };
        const BYTES: &[u8] = b"ab Z.  \t\n\x1f\x7f\xc2\xe2\x80\xef";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let (mut plain, mut n) = (0, 0);
        while n < 200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 8 + (x % 2) as usize;
            let b: Vec<u8> = (0..len)
                .map(|k| BYTES[((x >> (4 * k + 8)) % BYTES.len() as u64) as usize])
                .collect();
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[..8]);
            if plain_words(u64::from_le_bytes(w), b.get(8).copied()) {
                plain += 1;
                assert!((0..8).all(|k| skipped(&b, k)), "{b:?}");
            }
            n += 1;
        }
        assert!(plain > 0);
        assert!(!plain_words(u64::from_le_bytes(*b"said th "), Some(b' ')));
        assert!(!plain_words(u64::from_le_bytes(*b"said th "), None));
        assert!(plain_words(u64::from_le_bytes(*b"said th "), Some(b'x')));
        assert!(!plain_words(u64::from_le_bytes(*b"said  th"), Some(b'x')));
        assert!(plain_words(u64::from_le_bytes(*b"a word. "), Some(b'N')));
    }

    #[test]
    fn subtitles_are_joined_across_line_breaks() {
        let mut s = String::new();
        for _ in 0..4 {
            s.push_str("Welcome to the programme. According to\n\n\nthe agency the hackers were\n\n\nworking for the state, and\n\n\nthat is what they said.\n\n\n");
        }
        let c = clean(s.as_bytes(), Some(Format::Text));
        assert!(c.wrapped);
        assert_eq!(c.blocks.len(), 1);
    }

    fn block_texts(c: &Cleaned<'_>) -> Vec<String> {
        c.blocks
            .iter()
            .map(|b| c.text.get(b.start..b.end).unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn folded_prose_keeps_its_paragraphs_and_joins_its_lines() {
        // Folded at 44 characters, paragraphs apart; the first paragraph
        // has a sentence ending at a line's end, which does not end it.
        let s = "The ministry said on Monday that the attack\n\
                 on its network was carried out by hackers.\n\
                 It named the military intelligence service\n\
                 of a neighbouring state as their employer.\n\
                 \n\
                 The embassy rejected the accusation as\n\
                 groundless and said the country opposes all\n\
                 forms of cyberattack, whoever carries them\n\
                 out, and called for evidence to be shown.\n";
        let c = clean(s.as_bytes(), Some(Format::Text));
        assert!(!c.wrapped, "folded prose is no subtitle page");
        let blocks = block_texts(&c);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(blocks[0].starts_with("The ministry") && blocks[0].ends_with("their employer."));
        assert!(blocks[0].contains("attack on its network"));
        assert!(blocks[1].ends_with("to be shown."));
    }

    #[test]
    fn a_folded_transcript_breaks_at_each_turn_and_where_a_line_stops_short() {
        // No blank lines; turns start with a label, a short line ends a
        // paragraph.
        let s = "QUESTION: Can you tell us who was behind the\n\
                 attack on the ministry that was reported on\n\
                 Monday morning by the national agency?\n\
                 MS. PSAKI: We are confident that the\n\
                 government of that country is responsible for\n\
                 this attack.\n\
                 Tuesday, January 6, 2015\n\
                 QUESTION: And the sanctions announced last\n\
                 week by the administration, are they all?\n";
        let c = clean(s.as_bytes(), Some(Format::Text));
        let blocks = block_texts(&c);
        assert!(
            blocks.iter().any(
                |b| b.starts_with("MS. PSAKI: We are confident") && b.ends_with("this attack.")
            ),
            "{blocks:?}"
        );
        assert!(
            blocks.iter().any(|b| b.starts_with("QUESTION: And")),
            "{blocks:?}"
        );
        assert!(
            !blocks.iter().any(|b| b.contains("attack. Tuesday")),
            "{blocks:?}"
        );
    }

    #[test]
    fn a_long_headline_is_not_run_into_the_lede() {
        let s = "North Korea Categorically Denies Meddling in UK Elections\n\
                 The stance was announced by the presidential spokesman, who warned of consequences for relations between the two capitals.\n\
                 The statement came a day after the foreign secretary said the\n\
                 hackers had almost certainly worked for the state.\n";
        let blocks = block_texts(&clean(s.as_bytes(), Some(Format::Text)));
        assert!(
            blocks.iter().any(|b| b.starts_with("The stance")),
            "{blocks:?}"
        );
        assert!(
            blocks.iter().any(|b| b.contains("said the hackers")),
            "a line broken mid-sentence before a small word still runs on: {blocks:?}"
        );
        // A headline in sentence case, repeated or not, before its lede.
        for s in [
            "Iran dismisses allegations on organizing cyber-attack on Australia\n\
             Iran dismisses allegations on organizing cyber-attack on Australia\n\
             The Iranian foreign ministry spokesperson dismissed the allegations on Saturday, describing them as psychological war.\n",
            "Iran dismisses allegations on organizing cyber-attack on Australia\n\
             The Iranian foreign ministry spokesperson dismissed the allegations on Saturday, describing them as psychological war.\n",
        ] {
            let blocks = block_texts(&clean(s.as_bytes(), Some(Format::Text)));
            assert!(
                blocks.iter().any(|b| b.starts_with("The Iranian")),
                "{blocks:?}"
            );
        }
        assert!(title_case("Russia Denies Meddling in UK Elections"));
        assert!(!title_case(
            "The stance was announced by the Kremlin on Friday"
        ));
    }

    #[test]
    fn markdown_is_read_as_its_words() {
        let s = "# Ministry names the hackers\n\n\
                 The [foreign ministry](https://example.org/mfa) said on *Monday* that\n\
                 **Russian military intelligence** was behind the attack \\* &amp; more.\n\n\
                 ![a chart](chart.png)\n\n\
                 ```\nlet code = 1;\n```\n\n\
                 - The embassy rejected the accusation as groundless and called for evidence.\n";
        let c = clean(s.as_bytes(), Some(Format::Markdown));
        let blocks = block_texts(&c);
        assert!(
            blocks.iter().any(|b| b
                == "The foreign ministry said on Monday that Russian military intelligence was behind the attack * & more."),
            "{blocks:?}"
        );
        assert!(
            !c.text.contains("https://")
                && !c.text.contains("chart")
                && !c.text.contains("let code")
        );
        assert!(blocks.iter().any(|b| b.starts_with("The embassy rejected")));
        // The link's words map back to themselves in the source (a range
        // ending where markup follows runs on to the next words, as in HTML).
        let at = c
            .text
            .find("foreign ministry")
            .unwrap_or_else(|| panic!("{}", c.text));
        let (a, b) = c.original_range(at, at + "foreign ministry".len());
        assert!(
            s.get(a..b)
                .is_some_and(|o| o.starts_with("foreign ministry](")),
            "{a}..{b}"
        );
        let amp = c.text.find('&').unwrap_or_else(|| panic!("{}", c.text));
        let (a, b) = c.original_range(amp, amp + 1);
        assert_eq!(s.get(a..b), Some("&amp;"));
    }

    #[test]
    fn turn_labels_are_short_capitalised_heads_before_a_colon() {
        assert_eq!(turn_label("MS. PSAKI: Yes."), Some(9));
        assert_eq!(turn_label("Wang Wenbin: The US ..."), Some(11));
        assert_eq!(turn_label("Q: Who?"), Some(1));
        assert_eq!(turn_label("Officials said: it was them"), None);
        assert_eq!(turn_label("On 12 May: a statement"), None);
        assert_eq!(turn_label("No colon here at all"), None);
        assert_eq!(turn_label("The Very Long Label Of Five: x"), None);
    }
}
