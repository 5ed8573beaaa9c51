//! What a run does: the input formats, and the job the threads share read-only.

use ascribe_enrich::Geo;
use ascribe_intel::Matcher;

use crate::fwcsv::ColumnMap;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Eve,
    ZeekJson,
    ZeekTsv,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Eve => "suricata-eve",
            Format::ZeekJson => "zeek-json",
            Format::ZeekTsv => "zeek-tsv",
            Format::Csv => "csv",
        }
    }

    /// The format [`Format::as_str`] names (a streamed batch carries it in a header).
    pub fn from_name(name: &str) -> Option<Format> {
        [Format::Eve, Format::ZeekJson, Format::ZeekTsv, Format::Csv]
            .into_iter()
            .find(|f| f.as_str() == name)
    }
}

/// Guesses the format from the first non-empty line.
pub fn detect(first_line: &[u8]) -> Format {
    let t = first_line.trim_ascii_start();
    if t.starts_with(b"{") {
        if memchr::memmem::find(t, b"\"_path\"").is_some()
            || memchr::memmem::find(t, b"\"id.orig_h\"").is_some()
        {
            return Format::ZeekJson;
        }
        return Format::Eve;
    }
    if t.starts_with(b"#separator") || t.starts_with(b"#fields") || t.starts_with(b"#path") {
        return Format::ZeekTsv;
    }
    Format::Csv
}

/// What to do, shared read-only by the threads.
pub struct Job<'a> {
    pub matcher: &'a Matcher,
    pub geo: Option<&'a Geo>,
    /// Selected event types; empty selects every type.
    pub event_types: Vec<String>,
    pub threads: usize,
    pub chunk_bytes: usize,
    /// Stop at the first bad line.
    pub strict: bool,
    pub csv_map: ColumnMap,
    /// Example event references kept per sighting.
    pub max_examples: usize,
    /// Bad lines kept in full (all are counted).
    pub max_bad_kept: usize,
    /// Count distinct source addresses per group. Off when nothing will show them (the
    /// CSV contract has no such column): it is a tenth of the pass.
    pub count_sources: bool,
    /// Where a test makes a thread of the pass panic.
    #[cfg(test)]
    pub(crate) fault: Fault,
}

/// A thread of the pass that a test makes panic (compiled only for tests).
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Fault {
    #[default]
    None,
    Sort,
    Merge,
    Sightings,
}

#[cfg(test)]
impl Fault {
    pub(super) fn hit(self, at: Fault) {
        if self == at {
            panic!("injected fault in {at:?}");
        }
    }
}

/// Bytes of log a thread takes at a time unless the caller says otherwise
/// (the `ascribe` binary reads `ASCRIBE_CHUNK_KB`; the library reads no environment).
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

impl<'a> Job<'a> {
    pub fn new(matcher: &'a Matcher, geo: Option<&'a Geo>) -> Job<'a> {
        Job {
            matcher,
            geo,
            event_types: vec!["alert".to_owned()],
            threads: 2,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            strict: false,
            csv_map: ColumnMap::default(),
            max_examples: 3,
            max_bad_kept: 10,
            count_sources: true,
            #[cfg(test)]
            fault: Fault::None,
        }
    }

    pub(super) fn selected(&self, t: &[u8]) -> bool {
        self.event_types.is_empty() || self.event_types.iter().any(|s| s.as_bytes() == t)
    }
}
