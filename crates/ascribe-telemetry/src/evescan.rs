//! A one-pass reader of an EVE line that keeps only the fields the job uses.
//!
//! Why: a general JSON deserializer spends most of its time on the fields we throw away
//! (`flow`, `alert.metadata`, ports, ids). This reader walks the object once, checks
//! the syntax of everything it skips, and borrows the strings it keeps from the line.
//!
//! It is deliberately conservative: whenever it meets something it does not handle
//! exactly as serde_json would (an escape in a key or kept string, a duplicate field, a
//! kept field of an unexpected type, very deep nesting, any syntax error) it answers
//! [`Unsure`] and the caller parses the line with serde_json, whose answer (value or
//! error message) is authoritative. The property that matters, tested against
//! serde_json on generated and mutated lines: when this reader answers, serde_json
//! gives the same value.
//!
//! Strings are found through a quote index: one SSE2 pass over the line (through
//! `safe_arch`, so no `unsafe` here) marks every `"`, and when the line has no backslash
//! and no control character every quote opens or closes a string, so a string's end is a
//! bit scan away. Lines with either (rare in EVE output) are read byte by byte, which
//! checks escapes and control characters as JSON requires.

use std::borrow::Cow;

use crate::eve::{Alert, Dns, DnsQuery, Eve, FileInfo, Http, Tls};

/// "Ask serde_json": the line is invalid or uses a form this reader leaves to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsure;

type R<T> = Result<T, Unsure>;

/// Nesting deeper than this is left to serde_json (whose limit is 128).
const MAX_DEPTH: u32 = 100;

struct Cur<'a> {
    b: &'a [u8],
    i: usize,
    /// The line as text when all of it is UTF-8 (the usual case): kept strings are then
    /// slices of it, with no check of their own.
    text: Option<&'a str>,
    /// Where the line's quotes are, when `indexed`: every string then ends at the next
    /// quote, found with a bit scan instead of a byte scan (the byte scan, a loop and a
    /// branch on each string's length, was the largest part of the pass).
    quotes: Quotes,
    indexed: bool,
}

/// Lines up to this long get a quote index; longer ones (rare) are scanned byte by byte.
const INDEX_MAX: usize = 4096;
const WORDS: usize = INDEX_MAX / 64;

/// One bit per byte of a line, set at each `"`, over `words` words.
struct Quotes {
    bits: [u64; WORDS],
    words: usize,
}

impl Quotes {
    /// The first quote at or after byte `from`.
    #[inline(always)]
    fn next(&self, from: usize) -> R<usize> {
        let mut w = from / 64;
        let mut bits = self.bits.get(w).ok_or(Unsure)? & (u64::MAX << (from % 64));
        while bits == 0 {
            w += 1;
            if w >= self.words {
                return Err(Unsure);
            }
            bits = *self.bits.get(w).ok_or(Unsure)?;
        }
        Ok(w * 64 + bits.trailing_zeros() as usize)
    }
}

/// Fills `q` (all zero on entry) with the quote bits of `line`; true when the index may
/// be used: the line is at most [`INDEX_MAX`] long and has no backslash and no control
/// character anywhere (otherwise a quote may be escaped, or a string may hold what JSON
/// forbids, and the byte scan, which checks both, reads it).
fn index_quotes(line: &[u8], q: &mut Quotes) -> bool {
    if line.len() > INDEX_MAX {
        return false;
    }
    q.words = line.len().div_ceil(64);
    let mut special = 0u32;
    // A word of quote bits from 64 bytes, in registers, stored once.
    let mut word = |block: &[u8; 64]| {
        let mut quote = 0u64;
        for (k, piece) in block.chunks_exact(16).enumerate() {
            if let Ok(piece) = <&[u8; 16]>::try_from(piece) {
                let m = masks16(piece);
                quote |= u64::from(m.quote) << (16 * k);
                special |= m.special;
            }
        }
        quote
    };
    let mut blocks = line.chunks_exact(64);
    let mut slots = q.bits.iter_mut();
    // Blocks first: a zip that runs out of blocks then takes no slot.
    for (block, slot) in (&mut blocks).zip(&mut slots) {
        if let Ok(block) = <&[u8; 64]>::try_from(block) {
            *slot = word(block);
        }
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        // Padded with spaces, which are neither quotes nor special.
        let mut block = [b' '; 64];
        if let Some(b) = block.get_mut(..rest.len()) {
            b.copy_from_slice(rest);
        }
        if let Some(slot) = slots.next() {
            *slot = word(&block);
        }
    }
    special == 0
}

/// Bits, one per byte of 16, for: `"`; `\` or a control character (< 0x20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    quote: u32,
    special: u32,
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn masks16(w: &[u8; 16]) -> Masks {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(w);
    let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8));
    let backslash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8));
    // c <= 0x1f exactly when min(c, 0x1f) == c (unsigned).
    let ctrl = cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1f)), v);
    Masks {
        quote: move_mask_i8_m128i(quote) as u32,
        special: move_mask_i8_m128i(bitor_m128i(backslash, ctrl)) as u32,
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn masks16(w: &[u8; 16]) -> Masks {
    masks16_bytes(w)
}

/// [`masks16`] a byte at a time: the definition the vector form is tested against.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn masks16_bytes(w: &[u8; 16]) -> Masks {
    let mut m = Masks {
        quote: 0,
        special: 0,
    };
    for (k, &c) in w.iter().enumerate() {
        m.quote |= u32::from(c == b'"') << k;
        m.special |= u32::from(c == b'\\' || c < 0x20) << k;
    }
    m
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes of `w` that are `"`, `\` or a control character (< 0x20) get their high bit set
/// (exact for ASCII; bytes >= 0x80 never flag, so UTF-8 passes through).
#[inline]
fn special(w: u64) -> u64 {
    let q = w ^ (LO * u64::from(b'"'));
    let s = w ^ (LO * u64::from(b'\\'));
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x;
    let ctrl = w.wrapping_sub(LO * 0x20) & !w;
    (has_zero(q) | has_zero(s) | ctrl) & HI
}

/// Where the first `"`, `\` or control character lies in `w` (16 when none does).
/// Written as one flag byte per input byte so that the compiler makes it vector
/// compares (SSE2 on x86_64) with no `unsafe` here.
#[inline]
fn first_special16(w: &[u8; 16]) -> usize {
    let mut f = [0u8; 16];
    for (o, &c) in f.iter_mut().zip(w) {
        *o = if (c == b'"') | (c == b'\\') | (c < 0x20) {
            0xff
        } else {
            0
        };
    }
    (u128::from_le_bytes(f).trailing_zeros() / 8) as usize
}

impl<'a> Cur<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        // Compact JSON (what Suricata writes) has none: one compare.
        if self.peek().is_none_or(|c| c > b' ') {
            return;
        }
        while let Some(c) = self.peek() {
            if matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> R<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Unsure)
        }
    }

    /// At a `"`: returns the raw bytes between the quotes and whether they hold an
    /// escape, checking escapes and rejecting control characters as JSON requires.
    #[inline]
    fn string(&mut self) -> R<(&'a [u8], bool)> {
        self.eat(b'"')?;
        let start = self.i;
        if self.indexed {
            // No backslash and no control character in the line: the next quote ends it.
            let end = self.quotes.next(start)?;
            let raw = self.b.get(start..end).ok_or(Unsure)?;
            self.i = end + 1;
            return Ok((raw, false));
        }
        self.string_bytes(start)
    }

    /// [`Cur::string`] from just after the opening quote at `start`, a byte scan; kept
    /// out of line so that the indexed path above inlines where strings are read.
    #[inline(never)]
    fn string_bytes(&mut self, start: usize) -> R<(&'a [u8], bool)> {
        let mut escaped = false;
        loop {
            // Sixteen bytes at a time to the next quote, backslash or control character,
            // then eight near the end of the line.
            'scan: {
                while let Some(chunk) = self
                    .b
                    .get(self.i..self.i + 16)
                    .and_then(|c| <&[u8; 16]>::try_from(c).ok())
                {
                    let n = first_special16(chunk);
                    self.i += n;
                    if n < 16 {
                        break 'scan;
                    }
                }
                while let Some(chunk) = self.b.get(self.i..self.i + 8) {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(chunk);
                    let m = special(u64::from_le_bytes(w));
                    if m == 0 {
                        self.i += 8;
                    } else {
                        self.i += (m.trailing_zeros() / 8) as usize;
                        break;
                    }
                }
            }
            let c = self.peek().ok_or(Unsure)?;
            match c {
                b'"' => {
                    let raw = self.b.get(start..self.i).ok_or(Unsure)?;
                    self.i += 1;
                    return Ok((raw, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                    match self.peek().ok_or(Unsure)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = self.b.get(self.i + 1..self.i + 5).ok_or(Unsure)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Unsure);
                            }
                            self.i += 5;
                        }
                        _ => return Err(Unsure),
                    }
                }
                c if c < 0x20 => return Err(Unsure),
                _ => self.i += 1,
            }
        }
    }

    /// A string value the job keeps: borrowed, valid UTF-8, or `null`. Escaped strings
    /// are left to serde_json.
    #[inline]
    fn kept(&mut self) -> R<Option<Cow<'a, str>>> {
        match self.peek() {
            Some(b'"') => {
                let start = self.i + 1;
                let (raw, escaped) = self.string()?;
                if escaped {
                    return unescape(raw).map(|s| Some(Cow::Owned(s)));
                }
                let s = match self.text {
                    // Between two ASCII quotes: always on character boundaries.
                    Some(t) => t.get(start..start + raw.len()).ok_or(Unsure)?,
                    None => std::str::from_utf8(raw).map_err(|_| Unsure)?,
                };
                Ok(Some(Cow::Borrowed(s)))
            }
            Some(b'n') => self.literal(b"null").map(|()| None),
            _ => Err(Unsure),
        }
    }

    /// An object key at a level whose fields we read; serde_json checks these are UTF-8.
    #[inline]
    fn key(&mut self) -> R<&'a [u8]> {
        let (raw, escaped) = self.name()?;
        if escaped || !self.utf8_key(raw) {
            return Err(Unsure);
        }
        Ok(raw)
    }

    /// An object key and its colon, with no check of its bytes (a key in a skipped
    /// object is not one serde_json reads either): the raw key and whether it holds an
    /// escape.
    #[inline(always)]
    fn name(&mut self) -> R<(&'a [u8], bool)> {
        // The usual form, `"name":` with no space, read from the index in one step.
        if self.indexed && self.peek() == Some(b'"') {
            let end = self.quotes.next(self.i + 1)?;
            if self.b.get(end + 1) == Some(&b':') {
                let raw = self.b.get(self.i + 1..end).ok_or(Unsure)?;
                self.i = end + 2;
                self.ws();
                return Ok((raw, false));
            }
        }
        let (raw, escaped) = self.string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Ok((raw, escaped))
    }

    /// A key at a level whose fields we read is UTF-8 (serde_json checks those keys, even
    /// of the fields whose values it skips).
    #[inline]
    fn utf8_key(&self, raw: &[u8]) -> bool {
        self.text.is_some() || raw.is_ascii() || std::str::from_utf8(raw).is_ok()
    }

    /// [`Cur::skip`] with the most common values, strings (from the index) and numbers,
    /// read here instead of through the recursive call and its dispatch.
    #[inline(always)]
    fn skip_value(&mut self, depth: u32) -> R<()> {
        match self.peek() {
            Some(b'"') if self.indexed => {
                self.i = self.quotes.next(self.i + 1)? + 1;
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.skip(depth),
        }
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Unsure)
        }
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        let s = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - s
    }

    /// JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    #[inline(always)]
    fn number(&mut self) -> R<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(Unsure);
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Unsure),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(Unsure);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(Unsure);
            }
        }
        Ok(())
    }

    /// Just after `{` or `[`: true when the container is empty (its close consumed).
    #[inline(always)]
    fn empty(&mut self, close: u8) -> bool {
        self.ws();
        if self.peek() == Some(close) {
            self.i += 1;
            return true;
        }
        false
    }

    /// After an element: true when another follows (the comma consumed), false when
    /// the container closes (the close consumed).
    #[inline(always)]
    fn more(&mut self, close: u8) -> R<bool> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                self.ws();
                Ok(true)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            _ => Err(Unsure),
        }
    }

    /// Skips any value, checking its syntax.
    fn skip(&mut self, depth: u32) -> R<()> {
        match self.peek().ok_or(Unsure)? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(Unsure);
                }
                let (close, named) = if open == b'{' {
                    (b'}', true)
                } else {
                    (b']', false)
                };
                self.i += 1;
                if self.empty(close) {
                    return Ok(());
                }
                loop {
                    if named {
                        self.name()?;
                    }
                    self.skip_value(depth + 1)?;
                    if !self.more(close)? {
                        return Ok(());
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Unsure),
        }
    }

    /// Enters a container that `open` starts, below the depth limit: `None`
    /// for `null`, else whether the container is empty (and so already closed).
    fn enter(&mut self, open: u8, close: u8, depth: u32) -> R<Option<bool>> {
        match self.peek() {
            Some(b'n') => return self.literal(b"null").map(|()| None),
            Some(c) if c == open => {}
            _ => return Err(Unsure),
        }
        if depth >= MAX_DEPTH {
            return Err(Unsure);
        }
        self.i += 1;
        Ok(Some(self.empty(close)))
    }

    /// Reads an object whose fields we pick, calling `field` for each key; `field`
    /// either consumes the value or returns `false` to have it skipped. `null` gives
    /// `Ok(false)` (the field is absent).
    fn object(
        &mut self,
        depth: u32,
        mut field: impl FnMut(&mut Self, &'a [u8]) -> R<bool>,
    ) -> R<bool> {
        let Some(empty) = self.enter(b'{', b'}', depth)? else {
            return Ok(false);
        };
        if empty {
            return Ok(true);
        }
        loop {
            let k = self.key()?;
            if !field(self, k)? {
                self.skip_value(depth + 1)?;
            }
            if !self.more(b'}')? {
                return Ok(true);
            }
        }
    }
}

/// The value of a string with the one-character escapes (a signature with quotes, say);
/// `\u` escapes, with their surrogate rules, are left to serde_json.
fn unescape(raw: &[u8]) -> R<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut it = raw.iter();
    while let Some(&c) = it.next() {
        if c != b'\\' {
            out.push(c);
            continue;
        }
        out.push(match it.next().ok_or(Unsure)? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            _ => return Err(Unsure),
        });
    }
    String::from_utf8(out).map_err(|_| Unsure)
}

/// Key equality that rejects on length and first byte before comparing the rest (most
/// keys of a line are not ours, and a `memcmp` call costs more than the key).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

/// Sets a kept field once; a second occurrence is left to serde_json (which rejects it).
#[inline]
fn once<T>(slot: &mut Option<T>, seen: &mut u32, bit: u32, v: Option<T>) -> R<bool> {
    if *seen & bit != 0 {
        return Err(Unsure);
    }
    *seen |= bit;
    *slot = v;
    Ok(true)
}

/// An object whose kept fields are all strings, in the order of `names`; `None` for
/// `null`.
fn strings<'a, const N: usize>(
    c: &mut Cur<'a>,
    depth: u32,
    names: [&[u8]; N],
) -> R<Option<[Option<Cow<'a, str>>; N]>> {
    let mut vals: [Option<Cow<'a, str>>; N] = std::array::from_fn(|_| None);
    let mut seen = 0u32;
    let present = c.object(depth, |c, k| {
        let Some(i) = names.iter().position(|n| same(n, k)) else {
            return Ok(false);
        };
        let slot = vals.get_mut(i).ok_or(Unsure)?;
        once(slot, &mut seen, 1 << i, c.kept()?)
    })?;
    Ok(present.then_some(vals))
}

fn alert<'a>(c: &mut Cur<'a>, depth: u32) -> R<Option<Alert<'a>>> {
    let v = strings(c, depth, [b"signature", b"action"])?;
    Ok(v.map(|[signature, action]| Alert { signature, action }))
}

fn queries<'a>(c: &mut Cur<'a>, depth: u32) -> R<Option<Vec<DnsQuery<'a>>>> {
    let Some(empty) = c.enter(b'[', b']', depth)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    if empty {
        return Ok(Some(out));
    }
    loop {
        // A `null` element is not a DnsQuery to serde_json: only objects here.
        if c.peek() != Some(b'{') {
            return Err(Unsure);
        }
        let [rrname] = strings(c, depth + 1, [b"rrname"])?.unwrap_or_default();
        out.push(DnsQuery { rrname });
        if !c.more(b']')? {
            return Ok(Some(out));
        }
    }
}

fn dns<'a>(c: &mut Cur<'a>, depth: u32) -> R<Option<Dns<'a>>> {
    let mut d = Dns {
        rrname: None,
        query: None,
        queries: None,
    };
    let mut seen = 0;
    let present = c.object(depth, |c, k| match k {
        k if same(k, b"rrname") => once(&mut d.rrname, &mut seen, 1, c.kept()?),
        k if same(k, b"query") => once(&mut d.query, &mut seen, 2, queries(c, depth + 1)?),
        k if same(k, b"queries") => once(&mut d.queries, &mut seen, 4, queries(c, depth + 1)?),
        _ => Ok(false),
    })?;
    Ok(present.then_some(d))
}

fn http<'a>(c: &mut Cur<'a>, depth: u32) -> R<Option<Http<'a>>> {
    let v = strings(c, depth, [b"hostname", b"url"])?;
    Ok(v.map(|[hostname, url]| Http { hostname, url }))
}

fn tls<'a>(c: &mut Cur<'a>, depth: u32) -> R<Option<Tls<'a>>> {
    let v = strings(c, depth, [b"sni"])?;
    Ok(v.map(|[sni]| Tls { sni }))
}

fn fileinfo<'a>(c: &mut Cur<'a>, depth: u32) -> R<Option<FileInfo<'a>>> {
    let v = strings(c, depth, [b"md5", b"sha1", b"sha256"])?;
    Ok(v.map(|[md5, sha1, sha256]| FileInfo { md5, sha1, sha256 }))
}

/// Reads one EVE line, or answers [`Unsure`] (see the module documentation).
pub fn scan(line: &[u8]) -> Result<Eve<'_>, Unsure> {
    let mut c = Cur {
        b: line,
        i: 0,
        text: std::str::from_utf8(line).ok(),
        quotes: Quotes {
            bits: [0; WORDS],
            words: 0,
        },
        indexed: false,
    };
    c.indexed = index_quotes(line, &mut c.quotes);
    c.ws();
    if c.peek() != Some(b'{') {
        return Err(Unsure);
    }
    let mut ev = Eve {
        timestamp: None,
        event_type: None,
        src_ip: None,
        dest_ip: None,
        alert: None,
        dns: None,
        http: None,
        tls: None,
        fileinfo: None,
    };
    let mut seen = 0u32;
    // A slice pattern per name: the compiler decides on the length, then on bytes, where
    // a chain of comparisons took up to nine tests for each key we skip.
    c.object(0, |c, k| match k {
        b"timestamp" => once(&mut ev.timestamp, &mut seen, 1, c.kept()?),
        b"event_type" => once(&mut ev.event_type, &mut seen, 2, c.kept()?),
        b"src_ip" => once(&mut ev.src_ip, &mut seen, 4, c.kept()?),
        b"dest_ip" => once(&mut ev.dest_ip, &mut seen, 8, c.kept()?),
        b"alert" => once(&mut ev.alert, &mut seen, 16, alert(c, 1)?),
        b"dns" => once(&mut ev.dns, &mut seen, 32, dns(c, 1)?),
        b"http" => once(&mut ev.http, &mut seen, 64, http(c, 1)?),
        b"tls" => once(&mut ev.tls, &mut seen, 128, tls(c, 1)?),
        b"fileinfo" => once(&mut ev.fileinfo, &mut seen, 256, fileinfo(c, 1)?),
        _ => Ok(false),
    })?;
    c.ws();
    if c.i != line.len() {
        return Err(Unsure);
    }
    Ok(ev)
}

/// The reader's contract, checkable on any input (tests and the fuzz target use it):
/// true when it is unsure or gives exactly what serde_json gives.
pub fn agrees_with_serde_json(line: &[u8]) -> bool {
    match scan(line) {
        Err(Unsure) => true,
        Ok(ev) => serde_json::from_slice::<Eve>(line).ok() == Some(ev),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LINES: [&str; 6] = [
        r#"{"timestamp":"2024-03-03T19:00:01.303951-0500","flow_id":572943837656250,"in_iface":"enp3s0f1","event_type":"alert","src_ip":"10.20.86.45","src_port":65229,"dest_ip":"10.0.0.54","dest_port":53,"proto":"UDP","tx_id":1,"alert":{"action":"blocked","gid":1,"signature_id":2036040,"rev":10,"signature":"ET MALWARE Observed DNS Query","category":"C2","severity":1,"metadata":{"attack_target":["Networking_Equipment"],"created_at":["2011_07_13"]}},"dns":{"query":[{"type":"query","id":50870,"rrname":"www.googleapis.com","rrtype":"A","tx_id":1,"opcode":0}]},"app_proto":"dns","flow":{"pkts_toserver":14,"bytes_toclient":0,"start":"2024-03-03T18:59:57.312881-0500"},"host":"ids-nyc01"}"#,
        r#"{"timestamp":"2024-03-04T00:00:00.119362+0000","event_type":"alert","src_ip":"2409:8351:a9dc:c5db:8805:2673:cfad:7d57","dest_ip":"fd12:3456:789a:0001:2492:5c24:14c6:e8fb","alert":{"action":"allowed","signature":"ET \"quoted\" sig, with comma","x":[1.5e-3,-0,true,false,null,{}]},"http":{"hostname":"Example.COM.","url":"/a?b=c"},"tls":{"sni":"b.example"},"fileinfo":{"md5":"d41d8cd98f00b204e9800998ecf8427e"}}"#,
        r#"{"timestamp":"2024-03-04T00:00:00Z","event_type":"dns","dns":{"version":2,"rrname":"x.example","queries":[{"rrname":"y.example"}]}}"#,
        r#" { "timestamp" : "2024-03-04T00:00:00Z" , "event_type" : "flow" , "alert" : null , "dns" : { "query" : null } } "#,
        r#"{"timestamp":"2024-03-04T00:00:00Z","event_type":"alert","alert":{"signature":"caf\u00e9"}}"#,
        r#"{"event_type":"alert","event_type":"flow"}"#,
    ];

    fn serde(line: &[u8]) -> Option<Eve<'_>> {
        serde_json::from_slice::<Eve>(line).ok()
    }

    #[test]
    fn agrees_with_serde_json_on_samples() {
        let mut answered = 0;
        for l in LINES {
            if let Ok(ev) = scan(l.as_bytes()) {
                answered += 1;
                assert_eq!(Some(ev), serde(l.as_bytes()), "{l}");
            }
        }
        // The `\u` escape and the duplicate key are left to serde_json.
        assert_eq!(answered, 4);
        assert!(scan(LINES[4].as_bytes()).is_err() && serde(LINES[4].as_bytes()).is_some());
        assert!(scan(LINES[5].as_bytes()).is_err() && serde(LINES[5].as_bytes()).is_none());
    }

    #[test]
    fn rejects_what_json_rejects() {
        let bad: [&[u8]; 12] = [
            b"",
            b"{",
            br#"{"a":01}"#,
            br#"{"a":1.}"#,
            br#"{"a":-}"#,
            br#"{"a":tru}"#,
            br#"{"a":"x	y"}"#,
            br#"{"a":"\x"}"#,
            br#"{"a":[1,]}"#,
            br#"{"a":1,}"#,
            br#"{"a":1} x"#,
            br#"{"src_ip":5}"#,
        ];
        for b in bad {
            assert_eq!(scan(b), Err(Unsure), "{}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn special_bytes_are_found_in_every_position() {
        for pos in 0..8 {
            for c in [b'"', b'\\', 0u8, 0x1f] {
                let mut w = [b'a'; 8];
                w[pos] = c;
                let m = special(u64::from_le_bytes(w));
                assert_eq!(m.trailing_zeros() / 8, pos as u32);
            }
            for c in [b' ', b'~', 0x80, 0xff, b'!', b'#', b'[', b']'] {
                let mut w = [b'a'; 8];
                w[pos] = c;
                assert_eq!(special(u64::from_le_bytes(w)), 0, "{c:#x}");
            }
        }
    }

    #[test]
    fn sixteen_byte_scan_finds_the_first_special_byte() {
        // Every byte value in every position, alone and then before a quote at the end.
        for pos in 0..16 {
            for c in 0..=255u8 {
                let mut w = [b'a'; 16];
                w[pos] = c;
                let want = if c == b'"' || c == b'\\' || c < 0x20 {
                    pos
                } else {
                    16
                };
                assert_eq!(first_special16(&w), want, "{c:#x} at {pos}");
                if pos < 15 {
                    w[15] = b'"';
                    assert_eq!(first_special16(&w), want.min(15), "{c:#x} at {pos}");
                }
            }
        }
    }

    #[test]
    fn lines_the_index_cannot_take_are_read_by_the_byte_scan() {
        // Longer than the index, and with a tab between tokens (a control character):
        // both read byte by byte, with serde_json's answer.
        let long = format!(
            r#"{{"event_type":"alert","alert":{{"signature":"{}","action":"allowed"}}}}"#,
            "x".repeat(INDEX_MAX)
        );
        let tab = "{\"event_type\":\t\"alert\",\"src_ip\":\"10.0.0.1\"}";
        for l in [long.as_str(), tab] {
            let mut q = Quotes {
                bits: [0; WORDS],
                words: 0,
            };
            assert!(!index_quotes(l.as_bytes(), &mut q));
            let ev = scan(l.as_bytes());
            assert!(ev.is_ok(), "{l}");
            assert_eq!(ev.ok(), serde(l.as_bytes()));
        }
    }

    /// Lines built to stress the index: quotes, backslashes, control and high bytes at
    /// any position, across word boundaries.
    fn indexable() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                8 => Just(b'a'),
                4 => Just(b'"'),
                1 => Just(b'\\'),
                1 => Just(b'\t'),
                1 => Just(0xc3u8),
                1 => any::<u8>(),
            ],
            0..300,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The vector masks are the byte-by-byte definition.
        #[test]
        fn vector_masks_are_the_bytewise_masks(w in any::<[u8; 16]>()) {
            prop_assert_eq!(masks16(&w), masks16_bytes(&w));
        }

        /// The index marks exactly the quotes and is usable exactly when no byte is a
        /// backslash or control character.
        #[test]
        fn the_quote_index_marks_every_quote(line in indexable()) {
            let mut q = Quotes { bits: [0; WORDS], words: 0 };
            let indexed = index_quotes(&line, &mut q);
            prop_assert_eq!(indexed, !line.iter().any(|&c| c == b'\\' || c < 0x20));
            prop_assert_eq!(q.words, line.len().div_ceil(64));
            for (i, &c) in line.iter().enumerate() {
                prop_assert_eq!(q.bits[i / 64] >> (i % 64) & 1 == 1, c == b'"', "byte {}", i);
                if c == b'"' {
                    prop_assert_eq!(q.next(i), Ok(i));
                }
            }
            prop_assert!(q.bits[line.len().div_ceil(64)..].iter().all(|&w| w == 0));
            // Past the last quote there is no next one.
            let after = line.iter().rposition(|&c| c == b'"').map_or(0, |p| p + 1);
            if after < line.len() {
                prop_assert_eq!(q.next(after), Err(Unsure));
            }
        }
    }

    fn mutated() -> impl Strategy<Value = Vec<u8>> {
        (
            0..LINES.len(),
            proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 0..4),
        )
            .prop_map(|(i, edits)| {
                let mut b = LINES[i].as_bytes().to_vec();
                for (at, byte, op) in edits {
                    if b.is_empty() {
                        break;
                    }
                    let p = at.index(b.len());
                    match op {
                        0 => b[p] = byte,
                        1 => {
                            b.remove(p);
                        }
                        _ => b.insert(p, byte),
                    }
                }
                b
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// Whenever the fast reader answers, serde_json gives the same value.
        #[test]
        fn never_disagrees_with_serde_json(line in mutated()) {
            if let Ok(ev) = scan(&line) {
                prop_assert_eq!(Some(ev), serde(&line));
            }
        }

        #[test]
        fn never_panics(line in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(ev) = scan(&line) {
                prop_assert_eq!(Some(ev), serde(&line));
            }
        }
    }
}
