//! The streaming pass: read chunks of whole lines, parse (only what is needed), look up,
//! match and count, on N threads, in memory that does not grow with the input.
//!
//! Threads share one reader behind a mutex: a thread takes the lock, reads the next
//! chunk (default 1 MiB) into its own buffer, hands the partial last line to the next
//! reader, releases the lock and works on its chunk. The aggregate table is shared, in
//! locked shards ([`Shared`]); sightings, counts and bad lines are per thread and merged
//! once at the end. Line numbers for diagnostics and sighting examples are recorded as
//! (chunk, line in chunk) and resolved after the run.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ascribe_enrich::{Geo, GeoInfo};
use ascribe_intel::{Diagnostic, Matcher};
use rustc_hash::FxHashMap;

use crate::distinct::Distinct;
use crate::eve::{self, TypeFinder};
use crate::fwcsv::{ColumnMap, CsvLayout};
use crate::record::Record;
use crate::time::MICROS_PER_DAY;
use crate::zeek::{self, TsvHeader};

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
}

impl<'a> Job<'a> {
    pub fn new(matcher: &'a Matcher, geo: Option<&'a Geo>) -> Job<'a> {
        Job {
            matcher,
            geo,
            event_types: vec!["alert".to_owned()],
            threads: 2,
            chunk_bytes: std::env::var("ASCRIBE_CHUNK_KB")
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .map_or(1 << 20, |k| k << 10),
            strict: false,
            csv_map: ColumnMap::default(),
            max_examples: 3,
            max_bad_kept: 10,
            count_sources: true,
        }
    }

    fn selected(&self, t: &[u8]) -> bool {
        self.event_types.is_empty() || self.event_types.iter().any(|s| s.as_bytes() == t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    day: i32,
    asn: u32,
    sig: u32,
    act: u32,
    cc: u16,
}

/// Shards of the aggregate table (a power of two).
const SHARDS: usize = 64;

/// The aggregate table, shared by the threads: one table in shards behind locks, so
/// that a group seen by every thread is stored once (a table per thread multiplied the
/// memory of the pass by the number of threads). Keys use the shared string ids.
#[derive(Debug)]
struct Shared {
    shards: Vec<Mutex<FxHashMap<Key, Agg>>>,
    strings: Mutex<Interner>,
    /// Set by `--strict` at the first bad line, or by an I/O error.
    stop: AtomicBool,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            strings: Mutex::default(),
            stop: AtomicBool::new(false),
        }
    }
}

/// The shard of a key.
fn shard_of(k: &Key) -> usize {
    let h = (u64::from(k.sig) << 32 | u64::from(k.asn))
        ^ (u64::from(k.cc) << 16 ^ u64::from(k.act))
        ^ (u64::from(k.day as u32) << 40);
    let h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 58) as usize & (SHARDS - 1)
}

#[derive(Debug, Clone, Default)]
struct Agg {
    events: u64,
    matched_events: u64,
    /// Matched indicator ids, sorted; boxed because most groups have none: 8 bytes
    /// instead of a 24-byte empty `Vec` in each of hundreds of thousands of groups.
    #[allow(clippy::box_collection)]
    matched: Option<Box<Vec<u32>>>,
    srcs: Distinct,
    first: i64,
    last: i64,
}

/// Where an event is: input file, chunk, line within the chunk (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    file: u32,
    seq: u32,
    line: u32,
}

#[derive(Debug, Clone, Default)]
struct Sight {
    count: u64,
    first: i64,
    last: i64,
    examples: Vec<Pos>,
}

#[derive(Debug, Default)]
struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", |s| s)
    }
}

/// One thread's tables.
#[derive(Debug, Default)]
pub struct Worker {
    /// Strings of this thread, and their ids in [`Shared::strings`].
    strings: Interner,
    to_shared: Vec<u32>,
    sightings: FxHashMap<u32, Sight>,
    /// Lines by event type, with whether the job selects the type: one look per line
    /// for both, by a packed form of the name (two byte-comparison calls per line were
    /// a few percent of the pass).
    types: Vec<TypeCount>,
    bad: Vec<(Pos, String)>,
    bad_count: u64,
    chunk_lines: Vec<(u32, u32, u32)>,
    scratch: Vec<u32>,
    lines: u64,
    selected: u64,
    matched_events: u64,
    /// Events since the last [`Worker::flush`], one group each, by shard: a thread
    /// lists a chunk's events on its own and then adds them to the shared table, a
    /// lock per shard and chunk instead of a lock per event (which cost an eighth of
    /// the pass, most of it in moving the lock's cache line between cores). A list,
    /// not a table: within one chunk a group rarely repeats (about 7,000 alerts a
    /// chunk, 350,000 groups in the benchmark), so a table would only hash twice.
    pending: Vec<Vec<(Key, Agg)>>,
    /// A small direct-mapped cache of geo answers (addresses repeat a lot).
    geo_cache: Vec<(u128, GeoInfo)>,
}

const GEO_CACHE: usize = 1 << 12;

#[derive(Debug)]
struct TypeCount {
    key: u128,
    name: Box<[u8]>,
    lines: u64,
    selected: bool,
}

/// A type name of up to 15 bytes packed with its length (`u128::MAX` for longer ones,
/// which are compared by name). Byte by byte: a copy of a variable length was a call.
#[inline]
fn type_key(t: &[u8]) -> u128 {
    if t.len() > 15 {
        return u128::MAX;
    }
    let mut k = (t.len() as u128) << 120;
    for (i, &b) in t.iter().enumerate() {
        k |= u128::from(b) << (8 * i);
    }
    k
}

/// [`type_key`] of `line[s..e]`, read as one 16-byte load where the line is long
/// enough (it nearly always is: the type is followed by the rest of the event).
#[inline]
fn type_key_in(line: &[u8], s: usize, e: usize) -> u128 {
    let len = e.saturating_sub(s);
    match line.get(s..s + 16) {
        Some(w) if len < 16 => {
            let mut b = [0u8; 16];
            b.copy_from_slice(w);
            let mask = (1u128 << (8 * len)) - 1;
            (u128::from_le_bytes(b) & mask) | (len as u128) << 120
        }
        _ => type_key(line.get(s..e).unwrap_or_default()),
    }
}

impl Worker {
    /// The index of type `t` in [`Worker::types`] (added, uncounted, when new).
    #[inline]
    fn type_slot(&mut self, job: &Job, t: &[u8]) -> usize {
        self.type_slot_keyed(job, type_key(t), t)
    }

    /// [`Worker::type_slot`] with the key already made (`type_key(t)`).
    #[inline]
    fn type_slot_keyed(&mut self, job: &Job, key: u128, t: &[u8]) -> usize {
        let found = self
            .types
            .iter()
            .position(|e| e.key == key && (key != u128::MAX || &*e.name == t));
        found.unwrap_or_else(|| {
            self.types.push(TypeCount {
                key,
                name: t.into(),
                lines: 0,
                selected: job.selected(t),
            });
            self.types.len() - 1
        })
    }

    /// Counts a line of type `t`; true when the job selects the type.
    fn count_type(&mut self, job: &Job, t: &[u8]) -> bool {
        let i = self.type_slot(job, t);
        self.types.get_mut(i).is_some_and(|e| {
            e.lines += 1;
            e.selected
        })
    }

    fn bad_line(&mut self, job: &Job, pos: Pos, reason: String) {
        self.bad_count += 1;
        if self.bad.len() < job.max_bad_kept {
            self.bad.push((pos, reason));
        }
    }

    fn geo(&mut self, geo: &Geo, a: ascribe_intel::Addr) -> GeoInfo {
        if self.geo_cache.is_empty() {
            self.geo_cache = vec![(u128::MAX, GeoInfo::default()); GEO_CACHE];
        }
        let h = (a.0 as u64 ^ (a.0 >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = (h >> (64 - GEO_CACHE.trailing_zeros())) as usize & (GEO_CACHE - 1);
        if let Some(&(k, info)) = self.geo_cache.get(slot) {
            if k == a.0 {
                return info;
            }
        }
        let info = geo.lookup(a);
        if let Some(e) = self.geo_cache.get_mut(slot) {
            *e = (a.0, info);
        }
        info
    }

    /// The shared id of a string (a lock only the first time this thread sees it).
    fn string_id(&mut self, shared: &Shared, s: &str) -> u32 {
        let local = self.strings.id(s) as usize;
        if let Some(&g) = self.to_shared.get(local) {
            return g;
        }
        let g = shared
            .strings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .id(s);
        self.to_shared.push(g);
        g
    }

    fn add(&mut self, job: &Job, shared: &Shared, r: &Record, pos: Pos) {
        self.selected += 1;
        // Days since 1970 fit in an i32 for any timestamp that parsed (years 0-9999).
        let day = i32::try_from(r.ts.div_euclid(MICROS_PER_DAY)).unwrap_or(i32::MIN);
        let info = match (r.src, job.geo) {
            (Some(a), Some(g)) => self.geo(g, a),
            _ => GeoInfo::default(),
        };
        let m = job.matcher;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        if m.has_addresses() {
            for a in [r.src, r.dest].into_iter().flatten() {
                m.match_addr(a, &mut scratch);
            }
        }
        if m.has_domains() {
            for h in r.hosts.iter() {
                m.match_host(h, &mut scratch);
            }
        }
        if let Some((host, url)) = r.url {
            m.match_url(host, url, &mut scratch);
        }
        if m.has_hashes() {
            for h in r.hashes.iter().flatten() {
                m.match_hash(h, &mut scratch);
            }
        }
        let key = Key {
            day,
            cc: info.country,
            asn: info.asn,
            sig: self.string_id(shared, r.signature),
            act: self.string_id(shared, r.action),
        };
        if self.pending.is_empty() {
            self.pending = (0..SHARDS).map(|_| Vec::new()).collect();
        }
        let mut agg = Agg {
            events: 1,
            first: r.ts,
            last: r.ts,
            ..Agg::default()
        };
        if let (Some(a), true) = (r.src, job.count_sources) {
            agg.srcs.insert(a.0);
        }
        if !scratch.is_empty() {
            scratch.sort_unstable();
            scratch.dedup();
            agg.matched_events = 1;
            agg.matched = Some(Box::new(scratch.clone()));
            self.matched_events += 1;
            for &id in &scratch {
                let s = self.sightings.entry(id).or_insert_with(|| Sight {
                    first: r.ts,
                    last: r.ts,
                    ..Sight::default()
                });
                s.count += 1;
                s.first = s.first.min(r.ts);
                s.last = s.last.max(r.ts);
                if s.examples.len() < job.max_examples {
                    s.examples.push(pos);
                }
            }
        }
        if let Some(list) = self.pending.get_mut(shard_of(&key)) {
            list.push((key, agg));
        }
        self.scratch = scratch;
    }

    /// Adds the groups counted since the last call to the shared table.
    fn flush(&mut self, shared: &Shared) {
        for (table, shard) in self.pending.iter_mut().zip(&shared.shards) {
            if table.is_empty() {
                continue;
            }
            let mut into = shard
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (k, a) in table.drain(..) {
                match into.entry(k) {
                    std::collections::hash_map::Entry::Occupied(mut e) => combine(e.get_mut(), a),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(a);
                    }
                }
            }
        }
    }

    /// Processes one chunk of whole lines.
    fn chunk(
        &mut self,
        job: &Job,
        shared: &Shared,
        ctx: &mut FileCtx,
        buf: &[u8],
        file: u32,
        seq: u32,
    ) {
        let stop = &shared.stop;
        let finder = &ctx.finder;
        let mut line_no: u32 = 0;
        let mut start = 0usize;
        let ends = memchr::memchr_iter(b'\n', buf).chain(std::iter::once(buf.len()));
        let mut ahead = 0usize;
        for end in ends {
            ahead = prefetch_to(buf, ahead, end + PREFETCH_AHEAD);
            let raw = buf.get(start..end).unwrap_or_default();
            start = end + 1;
            if end == buf.len() && raw.is_empty() {
                break;
            }
            let pos = Pos {
                file,
                seq,
                line: line_no,
            };
            line_no += 1;
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            if line.first() != Some(&b'{') && line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.lines += 1;
            // Under --strict a line must be UTF-8 throughout, even in the fields the
            // readers skip unchecked (JSON requires it); the one test of the line is
            // made only then, so the usual pass is unchanged.
            if job.strict {
                if let Err(e) = std::str::from_utf8(line) {
                    self.bad_line(job, pos, not_utf8(e));
                    continue;
                }
            }
            match ctx.format {
                Format::Eve => {
                    // (slot, where the type lies in the line) of the quick look.
                    let mut fast = None;
                    if let Some((s, e)) = finder.event_type_span(line) {
                        let t = line.get(s..e).unwrap_or_default();
                        // A type the job skips is counted here; a selected one once
                        // parsed (which reads the type again).
                        let i = self.type_slot_keyed(job, type_key_in(line, s, e), t);
                        if let Some(ty) = self.types.get_mut(i).filter(|ty| !ty.selected) {
                            ty.lines += 1;
                            continue;
                        }
                        fast = Some((i, t.as_ptr(), t.len()));
                    }
                    let ev = match eve::parse(line) {
                        Ok(ev) => ev,
                        Err(e) => {
                            self.bad_line(job, pos, e);
                            continue;
                        }
                    };
                    let t = ev.event_type.as_deref().unwrap_or("");
                    // The parsed type is the very bytes the quick look found (the reader
                    // borrows it from the line) in the usual case: its slot is known.
                    let selected = match fast {
                        Some((i, at, n)) if std::ptr::eq(at, t.as_ptr()) && n == t.len() => {
                            self.types.get_mut(i).is_some_and(|ty| {
                                ty.lines += 1;
                                ty.selected
                            })
                        }
                        _ => self.count_type(job, t.as_bytes()),
                    };
                    if !selected {
                        continue;
                    }
                    match eve::to_record(&ev) {
                        Ok(r) => self.add(job, shared, &r, pos),
                        Err(e) => self.bad_line(job, pos, e),
                    }
                }
                Format::ZeekJson => {
                    let z = match zeek::parse_json(line) {
                        Ok(z) => z,
                        Err(e) => {
                            self.bad_line(job, pos, e);
                            continue;
                        }
                    };
                    match z.to_record(&ctx.zeek_path) {
                        Ok(r) => {
                            if self.count_type(job, r.event_type.as_bytes()) {
                                self.add(job, shared, &r, pos);
                            }
                        }
                        Err(e) => self.bad_line(job, pos, e),
                    }
                }
                Format::ZeekTsv => {
                    let text = match std::str::from_utf8(line) {
                        Ok(t) => t,
                        Err(e) => {
                            self.bad_line(job, pos, not_utf8(e));
                            continue;
                        }
                    };
                    match ctx.tsv.header_line(text) {
                        Ok(true) => {
                            self.lines -= 1;
                            continue;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            self.bad_line(job, pos, e);
                            continue;
                        }
                    }
                    match ctx.tsv.record(text) {
                        Ok(r) => {
                            if self.count_type(job, r.event_type.as_bytes()) {
                                self.add(job, shared, &r, pos);
                            }
                        }
                        Err(e) => self.bad_line(job, pos, e),
                    }
                }
                Format::Csv => {
                    if seq == 0 && pos.line == ctx.csv_header_line {
                        self.lines -= 1;
                        continue;
                    }
                    let Some(layout) = &ctx.csv else {
                        continue;
                    };
                    let text = match std::str::from_utf8(line) {
                        Ok(t) => t,
                        Err(e) => {
                            self.bad_line(job, pos, not_utf8(e));
                            continue;
                        }
                    };
                    let fields = match layout.fields(text) {
                        Ok(f) => f,
                        Err(e) => {
                            self.bad_line(job, pos, e);
                            continue;
                        }
                    };
                    match layout.record(&fields) {
                        Ok(r) => {
                            if self.count_type(job, r.event_type.as_bytes()) {
                                self.add(job, shared, &r, pos);
                            }
                        }
                        Err(e) => self.bad_line(job, pos, e),
                    }
                }
            }
            if job.strict && self.bad_count > 0 {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        self.chunk_lines.push((file, seq, line_no));
        self.flush(shared);
    }
}

/// A bad line's reason when it is not UTF-8: the column (1-based, in bytes) where it
/// stops being so; the line is the bad line's own.
#[cold]
fn not_utf8(e: std::str::Utf8Error) -> String {
    format!(
        "column {}: not valid UTF-8; expected UTF-8 text",
        e.valid_up_to() + 1
    )
}

/// How far ahead of the line being read its chunk is asked into the cache. The hardware
/// prefetcher stops at each 4 KiB page (mapped pages are not contiguous), and every byte
/// of a cached log comes from memory once: asking a page ahead overlaps that wait with
/// the parse. Measured on the 10-million-line benchmark (interleaved runs): 1 KiB gains
/// little, 4 KiB to 64 KiB take the pass from 2.04-2.07 s to 1.94-2.03 s.
const PREFETCH_AHEAD: usize = 4096;

/// Asks for the cache lines of `buf[from..to]` ahead of use; returns where it stopped.
#[inline]
fn prefetch_to(buf: &[u8], mut from: usize, to: usize) -> usize {
    let to = to.min(buf.len());
    while from < to {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
        if let Some(b) = buf.get(from) {
            safe_arch::prefetch_t0(b);
        }
        from += 64;
    }
    from
}

/// (day, country rank, AS, signature rank, action rank): the output order.
type SortKey = (i32, u32, u32, u32, u32);

/// Adds one group's counts into another's (the same key from two places).
fn combine(m: &mut Agg, a: Agg) {
    m.events += a.events;
    m.matched_events += a.matched_events;
    if let Some(v) = a.matched {
        let into = m.matched.get_or_insert_with(Box::default);
        into.extend(v.iter());
        into.sort_unstable();
        into.dedup();
    }
    m.srcs.merge(&a.srcs);
    m.first = m.first.min(a.first);
    m.last = m.last.max(a.last);
}

/// One thread's groups in output order: the keys with their group's place, sorted,
/// and the groups where they were put. Why not `(key, group)` pairs: sorting moved the
/// 80-byte pairs some twenty times each; the 24-byte keys move instead, and each group
/// is read once, by the merge.
struct Sorted {
    order: Vec<(SortKey, u32)>,
    groups: Vec<Agg>,
}

impl Sorted {
    fn new(n: usize, pairs: impl Iterator<Item = (SortKey, Agg)>) -> Sorted {
        let mut s = Sorted {
            order: Vec::with_capacity(n),
            groups: Vec::with_capacity(n),
        };
        for (k, a) in pairs {
            s.order
                .push((k, u32::try_from(s.groups.len()).unwrap_or(u32::MAX)));
            s.groups.push(a);
        }
        // One 128-bit comparison instead of up to five, when the ranks fit (always, short
        // of 16 million distinct signatures).
        if s.order.iter().all(|(k, _)| packable(k)) {
            s.order.sort_unstable_by_key(|e| packed(&e.0));
        } else {
            s.order.sort_unstable_by_key(|e| e.0);
        }
        s
    }
}

fn packable(&(_, cc, _, sig, act): &SortKey) -> bool {
    cc < 1 << 16 && sig < 1 << 24 && act < 1 << 24
}

/// A [`SortKey`] as one number in the same order (for keys that are [`packable`]).
fn packed(&(day, cc, asn, sig, act): &SortKey) -> u128 {
    // Flipping the sign bit orders signed days as unsigned numbers.
    let day = u128::from(day.cast_unsigned() ^ 0x8000_0000);
    day << 96
        | u128::from(cc) << 80
        | u128::from(asn) << 48
        | u128::from(sig) << 24
        | u128::from(act)
}

type Keys = std::iter::Peekable<std::vec::IntoIter<(SortKey, u32)>>;

/// The groups of several [`Sorted`], in key order, equal keys combined.
fn merged(parts: Vec<Sorted>) -> impl Iterator<Item = (SortKey, Agg)> {
    let mut heads: Vec<(Keys, Vec<Agg>)> = parts
        .into_iter()
        .map(|p| (p.order.into_iter().peekable(), p.groups))
        .collect();
    std::iter::from_fn(move || {
        let key = heads
            .iter_mut()
            .filter_map(|(h, _)| h.peek().map(|e| e.0))
            .min()?;
        let mut agg: Option<Agg> = None;
        for (h, groups) in &mut heads {
            while let Some((_, i)) = h.next_if(|e| e.0 == key) {
                let a = groups
                    .get_mut(i as usize)
                    .map(std::mem::take)
                    .unwrap_or_default();
                match &mut agg {
                    None => agg = Some(a),
                    Some(m) => combine(m, a),
                }
            }
        }
        Some((key, agg?))
    })
}

/// Merged groups handed from the merging thread to the one that makes and writes the
/// rows, at a time.
const ROW_BATCH: usize = 4096;

/// The output row of a merged group.
fn make_row(
    (day, ccr, asn, sigr, actr): SortKey,
    a: Agg,
    cc_arc: &[Arc<str>],
    str_arc: &[Arc<str>],
    m: &Matcher,
    values: &mut FxHashMap<u32, Arc<str>>,
) -> Row {
    let name = |names: &[Arc<str>], r: u32| {
        names
            .get(r as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""))
    };
    let mut vals: Vec<Arc<str>> = a
        .matched
        .iter()
        .flat_map(|v| v.iter())
        .filter_map(|&id| {
            if let Some(v) = values.get(&id) {
                return Some(v.clone());
            }
            let v: Arc<str> = Arc::from(m.value(id)?);
            values.insert(id, v.clone());
            Some(v)
        })
        .collect();
    vals.sort_unstable();
    vals.dedup();
    let (n, exact) = a.srcs.count();
    Row {
        day: i64::from(day),
        src_country: name(cc_arc, ccr),
        src_asn: asn,
        signature: name(str_arc, sigr),
        action: name(str_arc, actr),
        events: a.events,
        matched_events: a.matched_events,
        matched_indicators: vals,
        distinct_src_ips: n,
        distinct_src_ips_exact: exact,
        first_seen: a.first,
        last_seen: a.last,
    }
}

/// The sightings, most seen first, with their first example places.
fn sighting_rows(
    sightings: FxHashMap<u32, Sight>,
    m: &Matcher,
    max_examples: usize,
    where_is: &(impl Fn(Pos) -> (String, u64) + Sync),
) -> Vec<SightingRow> {
    let mut srows: Vec<SightingRow> = sightings
        .into_iter()
        .filter_map(|(id, mut s)| {
            let ind = m.get(id)?;
            s.examples.sort_unstable();
            s.examples.truncate(max_examples);
            Some(SightingRow {
                indicator: ind,
                first_seen: crate::time::format_micros(s.first),
                last_seen: crate::time::format_micros(s.last),
                count: s.count,
                examples: s
                    .examples
                    .into_iter()
                    .map(|p| {
                        let (f, l) = where_is(p);
                        format!("{f}:{l}")
                    })
                    .collect(),
            })
        })
        .collect();
    srows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.indicator.value.cmp(&b.indicator.value))
    });
    srows
}

/// Per-file reading state of one thread.
#[derive(Clone)]
struct FileCtx {
    format: Format,
    finder: std::sync::Arc<TypeFinder>,
    zeek_path: String,
    tsv: TsvHeader,
    csv: Option<CsvLayout>,
    csv_header_line: u32,
}

/// What [`Supply::next`] hands a thread: a chunk read into the thread's own buffer (its
/// length), or a window of the input that the thread holds while it works on it.
pub enum Piece<W> {
    Buffered(usize),
    Window(W),
}

/// Chunks of whole lines, in input order, taken by one thread at a time (under a lock).
/// A line that does not end in a chunk must be carried whole into the next.
pub trait Supply: Send {
    type Window: AsRef<[u8]>;
    /// The next chunk of about `want` bytes (more when one line is longer), either read
    /// into `buf` or as a window; `None` at the end.
    fn next(
        &mut self,
        buf: &mut Vec<u8>,
        want: usize,
    ) -> std::io::Result<Option<Piece<Self::Window>>>;
}

/// A reader as a [`Supply`]: each chunk is copied into the taking thread's buffer.
struct Source<R> {
    reader: R,
    carry: Vec<u8>,
    eof: bool,
}

impl<R: Read + Send> Supply for Source<R> {
    type Window = Vec<u8>;

    fn next(&mut self, buf: &mut Vec<u8>, want: usize) -> std::io::Result<Option<Piece<Vec<u8>>>> {
        Ok(next_chunk(self, buf, want)?.map(Piece::Buffered))
    }
}

/// Fills `buf` with the next chunk of whole lines and returns its length; `None` at the
/// end. `buf` keeps its length between calls (it is zeroed only when it grows), so
/// refilling it costs a copy from the reader and nothing more.
fn next_chunk<R: Read>(
    src: &mut Source<R>,
    buf: &mut Vec<u8>,
    want: usize,
) -> std::io::Result<Option<usize>> {
    if buf.len() < want {
        buf.resize(want, 0);
    }
    let mut len = src.carry.len();
    if buf.len() <= len {
        buf.resize(len * 2 + 1, 0);
    }
    if let Some(dst) = buf.get_mut(..len) {
        dst.copy_from_slice(&src.carry);
    }
    src.carry.clear();
    loop {
        while !src.eof && len < buf.len() {
            let Some(dst) = buf.get_mut(len..) else { break };
            match src.reader.read(dst) {
                Ok(0) => src.eof = true,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let filled = buf.get(..len).unwrap_or_default();
        if src.eof || memchr::memrchr(b'\n', filled).is_some() {
            break;
        }
        // One line longer than the buffer: grow and keep reading.
        let grown = buf.len() * 2;
        buf.resize(grown, 0);
    }
    if len == 0 {
        return Ok(None);
    }
    let mut end = len;
    if !src.eof {
        let filled = buf.get(..len).unwrap_or_default();
        if let Some(i) = memchr::memrchr(b'\n', filled) {
            src.carry
                .extend_from_slice(filled.get(i + 1..).unwrap_or_default());
            end = i + 1;
        }
    }
    Ok(Some(end))
}

/// Totals of a run, and what went wrong, after merging the threads.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub lines: u64,
    /// Events by type, as read (all types, selected or not).
    pub event_types: Vec<(String, u64)>,
    pub selected_events: u64,
    pub matched_events: u64,
    pub bad_lines: u64,
    /// The first bad lines in full.
    pub bad_examples: Vec<Diagnostic>,
    pub stopped_early: bool,
    /// Output rows (also when they were streamed rather than kept).
    pub rows: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileSummary {
    pub name: String,
    pub format: &'static str,
}

/// One output row: the CSV contract's columns plus distinct sources and first/last seen.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    /// UTC day, as days since 1970-01-01; serialized `YYYY-MM-DD`.
    #[serde(serialize_with = "ser_day")]
    pub day: i64,
    /// Shared strings: many rows carry the same country, signature and action.
    pub src_country: Arc<str>,
    pub src_asn: u32,
    pub signature: Arc<str>,
    pub action: Arc<str>,
    pub events: u64,
    pub matched_events: u64,
    /// Distinct values as written in the indicator files, sorted bytewise; shared
    /// between rows (an indicator seen in many groups is stored once).
    pub matched_indicators: Vec<Arc<str>>,
    pub distinct_src_ips: u64,
    pub distinct_src_ips_exact: bool,
    /// UTC microseconds; serialized as ISO 8601 ([`crate::time::format_micros`]).
    #[serde(serialize_with = "ser_micros")]
    pub first_seen: i64,
    #[serde(serialize_with = "ser_micros")]
    pub last_seen: i64,
}

fn ser_day<S: serde::Serializer>(d: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::format_day(*d))
}

fn ser_micros<S: serde::Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::format_micros(*t))
}

/// Matches of one indicator.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SightingRow {
    pub indicator: ascribe_model::Indicator,
    pub first_seen: String,
    pub last_seen: String,
    pub count: u64,
    /// `file:line` of the first few matching events.
    pub examples: Vec<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Output {
    pub rows: Vec<Row>,
    /// Names of the source ASes in `rows`, where the geo data has them.
    pub as_names: std::collections::BTreeMap<u32, String>,
    pub sightings: Vec<SightingRow>,
    pub summary: Summary,
}

/// A run over several inputs with the same job; feed inputs one by one, then [`Run::finish`].
pub struct Run<'a> {
    job: &'a Job<'a>,
    workers: Vec<Worker>,
    shared: Shared,
    files: Vec<FileSummary>,
}

impl<'a> Run<'a> {
    pub fn new(job: &'a Job<'a>) -> Run<'a> {
        let n = job.threads.max(1);
        Run {
            job,
            workers: (0..n).map(|_| Worker::default()).collect(),
            shared: Shared::default(),
            files: Vec::new(),
        }
    }

    /// True once `--strict` met a bad line.
    pub fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    /// Reads one input to its end. `on_chunk(lines)` is called after each chunk (for
    /// progress display). Errors are I/O errors of the reader.
    pub fn feed<R: Read + Send>(
        &mut self,
        name: &str,
        reader: R,
        on_chunk: &(dyn Fn(u64) + Sync),
    ) -> std::io::Result<Format> {
        let mut src = Source {
            reader,
            carry: Vec::new(),
            eof: false,
        };
        // Look at the start to choose the format (the bytes stay in `carry`).
        let mut head = Vec::new();
        let Some(end) = next_chunk(&mut src, &mut head, 64 * 1024)? else {
            self.feed_supply(name, &[], src, on_chunk)?;
            return Ok(Format::Eve);
        };
        head.truncate(end);
        head.extend_from_slice(&src.carry);
        src.carry.clone_from(&head);
        self.feed_supply(name, &head, src, on_chunk)
    }

    /// Reads one input whose chunks come from `supply` (a memory-mapped file, say);
    /// `head` is its first bytes (at least its first line when it has one), to choose
    /// the format.
    pub fn feed_supply<S: Supply>(
        &mut self,
        name: &str,
        head: &[u8],
        supply: S,
        on_chunk: &(dyn Fn(u64) + Sync),
    ) -> std::io::Result<Format> {
        let file = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        if head.iter().all(u8::is_ascii_whitespace) && head.len() < 64 * 1024 {
            // Nothing but blank lines (or nothing at all): there is no line to count.
            let mut supply = supply;
            let mut buf = Vec::new();
            while supply.next(&mut buf, 64 * 1024)?.is_some() {}
            self.files.push(FileSummary {
                name: name.to_owned(),
                format: "empty",
            });
            return Ok(Format::Eve);
        }
        let (first_line_idx, first_line) = head
            .split(|&b| b == b'\n')
            .enumerate()
            .find(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
            .map_or((0, &b""[..]), |(i, l)| (i, l));
        let format = detect(first_line);
        let base = name.rsplit('/').next().unwrap_or(name);
        let mut ctx = FileCtx {
            format,
            finder: std::sync::Arc::new(TypeFinder::default()),
            zeek_path: base.split('.').next().unwrap_or("").to_owned(),
            tsv: TsvHeader::for_file(name),
            csv: None,
            csv_header_line: u32::try_from(first_line_idx).unwrap_or(0),
        };
        if format == Format::Csv {
            let text =
                String::from_utf8_lossy(first_line.strip_suffix(b"\r").unwrap_or(first_line))
                    .into_owned();
            match CsvLayout::from_header(&text, &self.job.csv_map) {
                Ok(l) => ctx.csv = Some(l),
                Err(e) => {
                    let w = self.workers.first_mut();
                    if let Some(w) = w {
                        w.bad_count += 1;
                        w.bad.push((
                            Pos {
                                file,
                                seq: 0,
                                line: ctx.csv_header_line,
                            },
                            format!(
                                "not Suricata EVE, Zeek or a CSV log with a usable header: {e}"
                            ),
                        ));
                    }
                    self.files.push(FileSummary {
                        name: name.to_owned(),
                        format: format.as_str(),
                    });
                    return Ok(format);
                }
            }
        }
        self.files.push(FileSummary {
            name: name.to_owned(),
            format: format.as_str(),
        });
        let job = self.job;
        let stop = &self.shared.stop;
        let shared_agg = &self.shared;
        let chunk = job.chunk_bytes;
        // Zeek TSV header lines carry state: one thread, in order.
        let threads = if format == Format::ZeekTsv {
            1
        } else {
            self.workers.len()
        };
        // The supply and the number of the next chunk, taken together under the lock so
        // that chunk numbers follow the input's order.
        let supply = Mutex::new((supply, 0u32));
        let io_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
        let work = |w: &mut Worker, mut ctx: FileCtx| {
            let mut buf = Vec::new();
            loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let next = {
                    let Ok(mut guard) = supply.lock() else { return };
                    let (supply, seq) = &mut *guard;
                    let got = supply.next(&mut buf, chunk);
                    if let Ok(Some(_)) = got {
                        *seq += 1;
                    }
                    got.map(|g| g.map(|piece| (*seq - 1, piece)))
                };
                let (seq, piece) = match next {
                    Ok(Some(x)) => x,
                    Ok(None) => return,
                    Err(e) => {
                        if let Ok(mut slot) = io_error.lock() {
                            slot.get_or_insert(e);
                        }
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                };
                let bytes = match &piece {
                    Piece::Buffered(end) => buf.get(..*end).unwrap_or_default(),
                    Piece::Window(win) => win.as_ref(),
                };
                let before = w.lines;
                w.chunk(job, shared_agg, &mut ctx, bytes, file, seq);
                on_chunk(w.lines - before);
            }
        };
        if threads == 1 {
            if let Some(w) = self.workers.first_mut() {
                work(w, ctx);
            }
        } else {
            std::thread::scope(|s| {
                for w in &mut self.workers {
                    let ctx = ctx.clone();
                    let work = &work;
                    s.spawn(move || work(w, ctx));
                }
            });
        }
        if let Some(e) = io_error.into_inner().ok().flatten() {
            return Err(e);
        }
        Ok(format)
    }

    /// Merges the threads' tables into sorted rows, sightings and a summary.
    pub fn finish(self) -> Output {
        let mut rows = Vec::new();
        let out = self.finish_each(|r| {
            rows.push(r);
            Ok::<(), std::convert::Infallible>(())
        });
        match out {
            Ok(mut out) => {
                out.rows = rows;
                out
            }
            Err(never) => match never {},
        }
    }

    /// Like [`Run::finish`], but hands each row to `each` in output order instead of
    /// keeping them (`Output::rows` is left empty): a CSV-only run then never holds every
    /// row at once. Stops at the first error of `each`.
    pub fn finish_each<E>(self, mut each: impl FnMut(Row) -> Result<(), E>) -> Result<Output, E> {
        let job = self.job;
        let stopped = self.stopped();
        // Resolve (file, chunk) to the chunk's first line number.
        let mut chunks: Vec<(u32, u32, u32)> = self
            .workers
            .iter()
            .flat_map(|w| w.chunk_lines.iter().copied())
            .collect();
        chunks.sort_unstable();
        let mut starts: FxHashMap<(u32, u32), u64> = FxHashMap::default();
        let mut cur_file = u32::MAX;
        let mut next_line = 1u64;
        for (f, s, n) in chunks {
            if f != cur_file {
                cur_file = f;
                next_line = 1;
            }
            starts.insert((f, s), next_line);
            next_line += u64::from(n);
        }
        let files = &self.files;
        let where_is = |p: Pos| -> (String, u64) {
            let name = files
                .get(p.file as usize)
                .map_or_else(String::new, |f| f.name.clone());
            let line = starts.get(&(p.file, p.seq)).copied().unwrap_or(1) + u64::from(p.line);
            (name, line)
        };

        // The shared table's shards, and the string ids its keys use; the per-thread
        // counts, sightings and bad lines are summed below.
        let workers = self.workers;
        let strings = self
            .shared
            .strings
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let shards: Vec<FxHashMap<Key, Agg>> = self
            .shared
            .shards
            .into_iter()
            .map(|m| {
                m.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            })
            .collect();
        let mut str_order: Vec<u32> =
            (0..u32::try_from(strings.names.len()).unwrap_or(0)).collect();
        str_order.sort_unstable_by(|&a, &b| strings.name(a).cmp(strings.name(b)));
        let mut str_rank = vec![0u32; str_order.len()];
        for (r, &id) in str_order.iter().enumerate() {
            if let Some(x) = str_rank.get_mut(id as usize) {
                *x = u32::try_from(r).unwrap_or(u32::MAX);
            }
        }
        let cc_name = |i: u16| job.geo.map_or("", |g| g.country_code(i));
        let mut cc_used: Vec<u16> = shards
            .iter()
            .flat_map(|t| t.keys().map(|k| k.cc))
            .collect::<std::collections::BTreeSet<u16>>()
            .into_iter()
            .collect();
        cc_used.sort_unstable_by(|&a, &b| cc_name(a).cmp(cc_name(b)));
        let cc_rank: FxHashMap<u16, u32> = cc_used
            .iter()
            .enumerate()
            .map(|(r, &c)| (c, u32::try_from(r).unwrap_or(u32::MAX)))
            .collect();
        let mut sightings: FxHashMap<u32, Sight> = FxHashMap::default();
        let mut types: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        let mut summary = Summary {
            stopped_early: stopped,
            ..Summary::default()
        };
        let mut bad: Vec<(Pos, String)> = Vec::new();
        for w in workers {
            summary.lines += w.lines;
            summary.selected_events += w.selected;
            summary.matched_events += w.matched_events;
            summary.bad_lines += w.bad_count;
            bad.extend(w.bad);
            for t in w.types.into_iter().filter(|t| t.lines > 0) {
                *types
                    .entry(String::from_utf8_lossy(&t.name).into_owned())
                    .or_default() += t.lines;
            }
            for (id, s) in w.sightings {
                let e = sightings.entry(id).or_insert_with(|| Sight {
                    first: s.first,
                    last: s.last,
                    ..Sight::default()
                });
                e.count += s.count;
                e.first = e.first.min(s.first);
                e.last = e.last.max(s.last);
                e.examples.extend(s.examples);
            }
        }
        // Each thread's table becomes a vector sorted by the output order (days, then
        // ranks of country codes, AS, signature and action strings in byte order), one
        // thread per table; the sorted vectors are then merged and equal keys combined.
        // The shards are split between threads; each makes a sorted vector of its own.
        let threads = job.threads.clamp(1, SHARDS);
        let mut groups: Vec<Vec<FxHashMap<Key, Agg>>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, t) in shards.into_iter().enumerate() {
            if let Some(g) = groups.get_mut(i % threads) {
                g.push(t);
            }
        }
        let sorted: Vec<Sorted> = std::thread::scope(|s| {
            let tasks: Vec<_> = groups
                .into_iter()
                .map(|tables| {
                    let (str_rank, cc_rank) = (&str_rank, &cc_rank);
                    s.spawn(move || {
                        let rank = |i: u32| str_rank.get(i as usize).copied().unwrap_or(0);
                        let n = tables.iter().map(|t| t.len()).sum();
                        Sorted::new(
                            n,
                            tables.into_iter().flatten().map(|(k, a)| {
                                let key = (
                                    k.day,
                                    cc_rank.get(&k.cc).copied().unwrap_or(0),
                                    k.asn,
                                    rank(k.sig),
                                    rank(k.act),
                                );
                                (key, a)
                            }),
                        )
                    })
                })
                .collect();
            tasks.into_iter().filter_map(|t| t.join().ok()).collect()
        });
        summary.event_types = types.into_iter().collect();
        bad.sort_by_key(|(p, _)| *p);
        summary.bad_examples = bad
            .into_iter()
            .take(job.max_bad_kept)
            .map(|(p, reason)| {
                let (file, line) = where_is(p);
                Diagnostic {
                    file,
                    line: usize::try_from(line).unwrap_or(usize::MAX),
                    reason,
                }
            })
            .collect();
        summary.files = self.files.clone();
        let m = job.matcher;
        let cc_arc: Vec<Arc<str>> = cc_used.iter().map(|&c| Arc::from(cc_name(c))).collect();
        let str_arc: Vec<Arc<str>> = str_order
            .iter()
            .map(|&id| Arc::from(strings.name(id)))
            .collect();
        // Three things at once: the sighting rows on one thread; the merge of the sorted
        // vectors on another, handing its groups over in batches; the rows made and given
        // to the caller's `each` (the CSV writer) here. Done one after the other they were
        // a tenth of a whole run with one core idle.
        let (asns, srows, written) = std::thread::scope(|s| {
            let where_is = &where_is;
            let sighting_rows =
                s.spawn(move || sighting_rows(sightings, m, job.max_examples, where_is));
            // The merge runs on its own thread; rows are made here, where they are
            // written and dropped, so that the counts of the shared names (`Arc`s) are
            // not moved between cores at every row.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(SortKey, Agg)>>(4);
            s.spawn(move || {
                let mut batch = Vec::with_capacity(ROW_BATCH);
                for g in merged(sorted) {
                    batch.push(g);
                    if batch.len() == ROW_BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(ROW_BATCH));
                        if tx.send(full).is_err() {
                            return; // the caller stopped at an error
                        }
                    }
                }
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
            });
            let mut asns: rustc_hash::FxHashSet<u32> = rustc_hash::FxHashSet::default();
            let mut values: FxHashMap<u32, Arc<str>> = FxHashMap::default();
            let mut written = 0u64;
            let mut failed = None;
            'rows: for batch in &rx {
                for (key, a) in batch {
                    if key.2 != 0 {
                        asns.insert(key.2);
                    }
                    if let Err(e) = each(make_row(key, a, &cc_arc, &str_arc, m, &mut values)) {
                        failed = Some(e);
                        break 'rows;
                    }
                    written += 1;
                }
            }
            drop(rx);
            let written = failed.map_or(Ok(written), Err);
            let srows = sighting_rows.join().unwrap_or_default();
            (asns, srows, written)
        });
        summary.rows = written?;
        let as_names: std::collections::BTreeMap<u32, String> = asns
            .into_iter()
            .filter_map(|asn| Some((asn, job.geo?.as_name(asn)?)))
            .collect();
        Ok(Output {
            rows: Vec::new(),
            as_names,
            sightings: srows,
            summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// (day, signature, action) -> (events, matched events, matched values, sources,
    /// first, last), as the rows give them.
    type Groups = BTreeMap<(i64, String, String), (u64, u64, Vec<String>, u64, i64, i64)>;

    /// A group counted by hand: events, matched events, matched values, sources, first,
    /// last.
    type Tally = (u64, u64, BTreeSet<String>, BTreeSet<u8>, i64, i64);

    /// The rows of a run, made by `finish` or (`streamed`) handed out by `finish_each`.
    fn groups(
        input: &[u8],
        threads: usize,
        chunk_bytes: usize,
        m: &Matcher,
        streamed: bool,
    ) -> Groups {
        let mut job = Job::new(m, None);
        job.threads = threads;
        job.chunk_bytes = chunk_bytes;
        job.count_sources = true;
        let mut run = Run::new(&job);
        let fed = run.feed("t.json", std::io::Cursor::new(input), &|_| {});
        assert!(fed.is_ok(), "{fed:?}");
        let rows = if streamed {
            let mut rows = Vec::new();
            let out = run.finish_each(|r| {
                rows.push(r);
                Ok::<(), ()>(())
            });
            assert!(out.is_ok_and(|o| o.rows.is_empty()));
            rows
        } else {
            run.finish().rows
        };
        rows.into_iter()
            .map(|r| {
                assert!(r.distinct_src_ips_exact);
                (
                    (r.day, r.signature.to_string(), r.action.to_string()),
                    (
                        r.events,
                        r.matched_events,
                        r.matched_indicators.iter().map(|s| s.to_string()).collect(),
                        r.distinct_src_ips,
                        r.first_seen,
                        r.last_seen,
                    ),
                )
            })
            .collect()
    }

    proptest! {
        #[test]
        fn type_keys_read_from_the_line_equal_those_made_from_the_name(
            line in proptest::collection::vec(any::<u8>(), 0..40),
            s in 0usize..40,
            n in 0usize..20,
        ) {
            let (s, e) = (s.min(line.len()), (s + n).min(line.len()));
            let t = &line[s..e];
            prop_assert_eq!(type_key_in(&line, s, e), type_key(t));
        }

        #[test]
        fn prefetching_covers_the_asked_range_once_and_stays_in_the_buffer(
            len in 0usize..10_000,
            from in 0usize..10_000,
            to in 0usize..20_000,
        ) {
            let buf = vec![0u8; len];
            let stop = prefetch_to(&buf, from, to);
            let end = to.min(len);
            if from >= end {
                // Nothing asked: the mark does not move, so no line is asked for twice.
                prop_assert_eq!(stop, from);
            } else {
                // Whole cache lines from `from`, up to the first at or past the end.
                prop_assert!(stop >= end && stop < end + 64);
                prop_assert_eq!((stop - from) % 64, 0);
            }
        }

        #[test]
        fn packed_keys_sort_as_the_keys(
            a in (any::<i32>(), 0u32..1 << 16, any::<u32>(), 0u32..1 << 24, 0u32..1 << 24),
            b in (any::<i32>(), 0u32..1 << 16, any::<u32>(), 0u32..1 << 24, 0u32..1 << 24),
        ) {
            prop_assert!(packable(&a) && packable(&b));
            prop_assert_eq!(packed(&a).cmp(&packed(&b)), a.cmp(&b));
            // Days and ranks that differ in one field only.
            let c = (a.0, a.1, a.2, a.3, b.4);
            prop_assert_eq!(packed(&a).cmp(&packed(&c)), a.cmp(&c));
            let d = (b.0, a.1, a.2, a.3, a.4);
            prop_assert_eq!(packed(&a).cmp(&packed(&d)), a.cmp(&d));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Counts do not depend on how the input is cut into chunks or shared between
        /// threads, and equal a count made by hand: events are listed per chunk and
        /// combined in the shared table, so a group whose events fall in many chunks
        /// (and threads) must still count each event, source and indicator once.
        #[test]
        fn counts_do_not_depend_on_chunks_or_threads(
            events in proptest::collection::vec((0u8..3, 0u8..2, 0u8..40, 0u32..200_000), 1..400),
            chunk_kb in 1usize..4,
        ) {
            let text = "type,value,source\nip,10.0.0.3,t\nip,10.0.0.7,t\n";
            let (m, rejected) = Matcher::new(ascribe_intel::load(text, "ind.csv").indicators);
            prop_assert!(rejected.is_empty());
            let mut input = String::new();
            let mut want: BTreeMap<_, Tally> = BTreeMap::new();
            for &(sig, act, src, secs) in &events {
                let ts = 1_709_510_400 + i64::from(secs);
                let (day, sod) = (ts.div_euclid(86_400), ts.rem_euclid(86_400));
                let action = ["allowed", "blocked"][usize::from(act)];
                let signature = format!("sig {sig}");
                input.push_str(&format!(
                    "{{\"timestamp\":\"2024-03-{:02}T{:02}:{:02}:{:02}.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"10.0.0.{src}\",\"dest_ip\":\"192.0.2.1\",\"alert\":{{\"action\":\"{action}\",\"signature\":\"{signature}\"}}}}\n",
                    day - 19_786 + 4, sod / 3600, sod % 3600 / 60, sod % 60
                ));
                let g = want.entry((day, signature, action.to_owned())).or_insert((0, 0, BTreeSet::new(), BTreeSet::new(), i64::MAX, i64::MIN));
                g.0 += 1;
                if src == 3 || src == 7 {
                    g.1 += 1;
                    g.2.insert(format!("10.0.0.{src}"));
                }
                g.3.insert(src);
                g.4 = g.4.min(ts * 1_000_000);
                g.5 = g.5.max(ts * 1_000_000);
            }
            let want: Groups = want
                .into_iter()
                .map(|(k, (n, me, mi, s, f, l))| (k, (n, me, mi.into_iter().collect(), s.len() as u64, f, l)))
                .collect();
            let one = groups(input.as_bytes(), 1, 1 << 20, &m, false);
            prop_assert_eq!(&one, &want);
            let many = groups(input.as_bytes(), 2, chunk_kb << 10, &m, false);
            prop_assert_eq!(&many, &want);
            let streamed = groups(input.as_bytes(), 2, chunk_kb << 10, &m, true);
            prop_assert_eq!(&streamed, &want);
        }
    }
}
