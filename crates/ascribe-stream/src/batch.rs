//! Batches: where a log is cut, what a batch is called, and what travels with it.
//!
//! Pure: bytes in, offsets and names out. Exactly-once rests on one rule here: a batch id
//! is a function of the sensor, the file's identity and the byte range, and the range is
//! a function of the file's bytes from its start (plus the boundaries the shipper wrote
//! down before it published a batch cut short at the end of a growing file), so a
//! shipper restarted from its checkpoint cuts the same batches with the same ids.

use ascribe_telemetry::Format;
use sha2::{Digest, Sha256};

/// Header: the sensor that shipped the batch.
pub const H_SENSOR: &str = "Ascribe-Sensor";
/// Header: the log's name as the shipper was given it (bad lines name it; Zeek reads
/// its log type from it).
pub const H_FILE: &str = "Ascribe-File";
/// Header: the log's format, chosen once from the log's first line ([`Format::as_str`]).
pub const H_FORMAT: &str = "Ascribe-Format";
/// Header: bytes at the start of the payload that are the log's header lines repeated
/// (Zeek TSV `#` lines, the CSV header), not part of the range.
pub const H_PREAMBLE: &str = "Ascribe-Preamble";
/// Header: lines in the range (a check the worker makes).
pub const H_LINES: &str = "Ascribe-Lines";
/// Header: how the payload is packed ([`Encoding::as_str`]); absent for plain text.
pub const H_ENCODING: &str = "Ascribe-Encoding";

/// How a batch's payload travels. Zstandard at a fast level cuts the bytes the broker
/// stores and sends by about four on EVE JSON, for a pass over the batch in the
/// shipper and one in the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// The log's bytes as they are.
    #[default]
    Plain,
    /// One Zstandard frame that declares its plain length.
    Zstd,
}

/// The shipper's Zstandard level: a fast level, chosen by measurement (ratio 3.9 on
/// the benchmark's EVE at about 700 MB/s on one core, more than LZ4 gave on both).
pub const ZSTD_LEVEL: i32 = -3;

impl Encoding {
    /// The header value (and the shipper's `--compress` value).
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Plain => "none",
            Encoding::Zstd => "zstd",
        }
    }

    pub fn from_name(name: &str) -> Option<Encoding> {
        match name {
            "none" => Some(Encoding::Plain),
            "zstd" => Some(Encoding::Zstd),
            _ => None,
        }
    }

    /// The payload to publish for `plain`. Each thread keeps its Zstandard context:
    /// making one per batch costs about 5 % of the packing (measured).
    pub fn pack(self, plain: &[u8]) -> std::io::Result<Vec<u8>> {
        thread_local! {
            static PACKER: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
                const { std::cell::RefCell::new(None) };
        }
        match self {
            Encoding::Plain => Ok(plain.to_vec()),
            Encoding::Zstd => PACKER.with_borrow_mut(|packer| {
                let packer = match packer {
                    Some(p) => p,
                    None => packer.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
                };
                packer.compress(plain)
            }),
        }
    }
}

/// How big a batch may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_lines: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    /// 2,000 lines or 1,000,000 bytes: few ids keep the broker's duplicate map and the
    /// `ingested_batches` table small, and fewer, larger messages cost the shipper, the
    /// broker and the puller less (twice 512 KiB carried EVE 8-15 % faster through all
    /// three on one machine, measured); the plain payload stays under the broker's
    /// default payload limit (1 MiB) with room for the preamble and headers.
    fn default() -> Self {
        Limits {
            max_lines: 2000,
            max_bytes: 1_000_000,
        }
    }
}

/// The identity of a log file: device and inode (which survive a rename) and a hash of
/// its first line (which tells a new file that reused an inode from the old one).
pub fn file_key(dev: u64, ino: u64, first_line: &[u8]) -> String {
    let h = Sha256::digest(first_line);
    let mut hex = String::with_capacity(16);
    for b in h.iter().take(8) {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("{dev:x}.{ino:x}.{hex}")
}

/// The batch id (the broker's `Nats-Msg-Id` and the key of `ingested_batches`).
pub fn batch_id(sensor: &str, file_key: &str, start: u64, end: u64) -> String {
    format!("{sensor}:{file_key}:{start}-{end}")
}

/// A batch id's parts: sensor, file key, start, end; `None` when it is not one.
pub fn parse_batch_id(id: &str) -> Option<(&str, &str, u64, u64)> {
    let (rest, range) = id.rsplit_once(':')?;
    let (sensor, key) = rest.rsplit_once(':')?;
    let (a, b) = range.split_once('-')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    (!sensor.is_empty() && !key.is_empty() && a < b).then_some((sensor, key, a, b))
}

/// A sensor name usable in a subject and an id: letters, digits, `-` and `_`.
pub fn valid_sensor(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Where a batch ends (a length from its start), and whether the rules decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Decided by the limits or a boundary written down earlier: the same bytes from the
    /// same start always cut here.
    Full(usize),
    /// Cut short because the log ends (for now) before the limits: a shipper writes
    /// this boundary down before it publishes the batch, so a restart cuts it again.
    Short(usize),
}

impl Cut {
    /// Bytes in the batch (never zero).
    pub fn bytes(self) -> usize {
        match self {
            Cut::Full(n) | Cut::Short(n) => n,
        }
    }
}

/// Where the next batch of `data` (the log from the batch's start to what is read of it)
/// ends.
///
/// A batch is whole lines: it ends after `max_lines` lines, or after the last line that
/// keeps it within `max_bytes` (a single longer line makes a batch of its own), or at
/// `forced` (a boundary written down earlier). When `data` ends before either limit,
/// the batch is cut short at its last newline; a last line without one is included only
/// when `at_eof` (a log at rest: the single-node reader counts that line too). `None`:
/// no whole line yet.
pub fn cut(data: &[u8], limits: Limits, forced: Option<usize>, at_eof: bool) -> Option<Cut> {
    let mut lines = 0usize;
    let mut end = 0usize;
    let hard = forced.unwrap_or(usize::MAX);
    for nl in memchr::memchr_iter(b'\n', data) {
        let next = nl + 1;
        if next > hard {
            return Some(Cut::Full(hard));
        }
        if next > limits.max_bytes && end > 0 {
            return Some(Cut::Full(end));
        }
        end = next;
        lines += 1;
        if lines >= limits.max_lines || end == hard || end >= limits.max_bytes {
            return Some(Cut::Full(end));
        }
    }
    if hard <= data.len() {
        // A boundary written down earlier inside a last line without a newline.
        return Some(Cut::Full(hard));
    }
    if at_eof && data.len() > end {
        if end > 0 && data.len() > limits.max_bytes {
            return Some(Cut::Full(end));
        }
        return Some(Cut::Short(data.len()));
    }
    if data.len() > limits.max_bytes && end > 0 {
        return Some(Cut::Full(end));
    }
    (end > 0).then_some(Cut::Short(end))
}

/// Lines in a range: newlines, plus one for a last line without one.
pub fn count_lines(range: &[u8]) -> usize {
    let n = memchr::memchr_iter(b'\n', range).count();
    n + usize::from(range.last().is_some_and(|&b| b != b'\n'))
}

/// The log's first line (without its newline) that is not blank, from its head;
/// `None` when the head holds no whole non-blank line yet.
pub fn first_line(head: &[u8]) -> Option<&[u8]> {
    let mut at = 0;
    for nl in memchr::memchr_iter(b'\n', head) {
        let line = head.get(at..nl)?;
        at = nl + 1;
        if !line.iter().all(u8::is_ascii_whitespace) {
            return Some(line);
        }
    }
    None
}

/// What a batch that does not start the log carries in front of its range so that it
/// reads as the log does: Zeek TSV's leading `#` lines, a CSV log's header line; nothing
/// for line-per-record JSON.
pub fn preamble(format: Format, head: &[u8]) -> Vec<u8> {
    match format {
        Format::Eve | Format::ZeekJson => Vec::new(),
        Format::Csv => match first_line(head) {
            Some(l) => {
                let mut v = l.to_vec();
                v.push(b'\n');
                v
            }
            // A log with no whole line yet has no header to repeat.
            None => Vec::new(),
        },
        Format::ZeekTsv => {
            let mut out = Vec::new();
            let mut at = 0;
            for nl in memchr::memchr_iter(b'\n', head) {
                let line = head.get(at..=nl).expect("nl is an index of head");
                if !line.starts_with(b"#") {
                    break;
                }
                out.extend_from_slice(line);
                at = nl + 1;
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const L: Limits = Limits {
        max_lines: 3,
        max_bytes: 20,
    };

    #[test]
    fn ids_round_trip() {
        let k = file_key(0x801, 1234, b"{\"a\":1}");
        let id = batch_id("s-1", &k, 0, 100);
        assert_eq!(parse_batch_id(&id), Some(("s-1", k.as_str(), 0, 100)));
        assert_eq!(parse_batch_id("nope"), None);
        assert_eq!(parse_batch_id("s:k:5-5"), None);
        assert!(valid_sensor("edge_01") && !valid_sensor("a.b") && !valid_sensor(""));
    }

    #[test]
    fn cuts_on_lines_and_limits() {
        use Cut::{Full, Short};
        assert_eq!(cut(b"a\nb\nc\nd\n", L, None, false), Some(Full(6)));
        assert_eq!(cut(b"a\nb\n", L, None, false), Some(Short(4)));
        assert_eq!(cut(b"a\nb", L, None, false), Some(Short(2)));
        assert_eq!(cut(b"a\nb", L, None, true), Some(Short(3)));
        assert_eq!(cut(b"abc", L, None, false), None);
        // Bytes: the line that would pass 20 bytes starts the next batch.
        assert_eq!(
            cut(b"0123456789\n0123456789\n", L, None, false),
            Some(Full(11))
        );
        // A line longer than the limit is a batch of its own.
        let long: Vec<u8> = [b'x'; 30].iter().chain(b"\nab\n").copied().collect();
        assert_eq!(cut(&long, L, None, false), Some(Full(31)));
        // A boundary written down earlier wins.
        assert_eq!(cut(b"a\nb\nc\n", L, Some(2), false), Some(Full(2)));
        assert_eq!(cut(b"a\nb\nc\n", L, Some(4), false), Some(Full(4)));
    }

    #[test]
    fn preambles() {
        let tsv = b"#separator \\x09\n#fields\tts\n#types\ttime\n1.0\n";
        assert_eq!(
            preamble(Format::ZeekTsv, tsv),
            b"#separator \\x09\n#fields\tts\n#types\ttime\n"
        );
        assert_eq!(preamble(Format::Csv, b"\nts,src\n1,2\n"), b"ts,src\n");
        assert!(preamble(Format::Eve, b"{}\n").is_empty());
    }

    proptest! {
        /// Cutting a log batch by batch covers it exactly, in whole lines within the
        /// limits, and cutting again from any batch start gives the same batches (what
        /// a restarted shipper relies on).
        #[test]
        fn cutting_covers_the_log_and_is_repeatable(
            lines in proptest::collection::vec(0usize..30, 0..40),
            tail in 0usize..5,
        ) {
            let mut log = Vec::new();
            for n in &lines {
                log.extend(std::iter::repeat_n(b'x', *n));
                log.push(b'\n');
            }
            log.extend(std::iter::repeat_n(b'y', tail));
            let mut at = 0;
            let mut starts = Vec::new();
            while at < log.len() {
                let end = cut(&log[at..], L, None, true);
                prop_assert!(end.is_some());
                let end = at + end.map_or(0, Cut::bytes);
                prop_assert!(end > at);
                let piece = &log[at..end];
                prop_assert!(end == log.len() || piece.ends_with(b"\n"));
                prop_assert!(count_lines(piece) <= L.max_lines);
                prop_assert!(piece.len() <= L.max_bytes || count_lines(piece) == 1);
                starts.push((at, end));
                at = end;
            }
            for &(s, e) in &starts {
                prop_assert_eq!(cut(&log[s..], L, None, true).map(|n| s + n.bytes()), Some(e));
                // Read a little at a time, a full cut never differs.
                for w in 1..(e - s + 1) {
                    if let Some(Cut::Full(n)) = cut(&log[s..s + w], L, None, false) {
                        prop_assert_eq!(s + n, e);
                    }
                }
            }
        }
    }
}
