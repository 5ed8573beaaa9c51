//! One thread of the pass: its own tables, and the parse, look-up, match and count of
//! a chunk of whole lines.

use std::sync::atomic::Ordering;

use ascribe_enrich::{Geo, GeoInfo};
use rustc_hash::FxHashMap;

use crate::eve::{self, TypeFinder};
use crate::fwcsv::CsvLayout;
use crate::record::Record;
use crate::time::MICROS_PER_DAY;
use crate::zeek::{self, TsvHeader};

use super::job::{Format, Job};
use super::table::{combine, shard_of, Agg, Interner, Key, Pos, Shared, Sight, SHARDS};

/// One thread's tables.
#[derive(Debug, Default)]
pub struct Worker {
    /// Strings of this thread, and their ids in [`Shared::strings`].
    pub(super) strings: Interner,
    pub(super) to_shared: Vec<u32>,
    pub(super) sightings: FxHashMap<u32, Sight>,
    /// Lines by event type, with whether the job selects the type: one look per line
    /// for both, by a packed form of the name (two byte-comparison calls per line were
    /// a few percent of the pass).
    pub(super) types: Vec<TypeCount>,
    pub(super) bad: Vec<(Pos, String)>,
    pub(super) bad_count: u64,
    pub(super) chunk_lines: Vec<(u32, u32, u32)>,
    pub(super) scratch: Vec<u32>,
    pub(super) lines: u64,
    pub(super) selected: u64,
    pub(super) matched_events: u64,
    /// Events since the last [`Worker::flush`], one group each, by shard: a thread
    /// lists a chunk's events on its own and then adds them to the shared table, a
    /// lock per shard and chunk instead of a lock per event (which cost an eighth of
    /// the pass, most of it in moving the lock's cache line between cores). A list,
    /// not a table: within one chunk a group rarely repeats (about 7,000 alerts a
    /// chunk, 350,000 groups in the benchmark), so a table would only hash twice.
    pub(super) pending: Vec<Vec<(Key, Agg)>>,
    /// A small direct-mapped cache of geo answers (addresses repeat a lot).
    pub(super) geo_cache: Vec<(u128, GeoInfo)>,
}

pub(super) const GEO_CACHE: usize = 1 << 12;

#[derive(Debug)]
pub(super) struct TypeCount {
    pub(super) key: u128,
    pub(super) name: Box<[u8]>,
    pub(super) lines: u64,
    pub(super) selected: bool,
}

/// A type name of up to 15 bytes packed with its length (`u128::MAX` for longer ones,
/// which are compared by name). Byte by byte: a copy of a variable length was a call.
#[inline]
pub(super) fn type_key(t: &[u8]) -> u128 {
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
pub(super) fn type_key_in(line: &[u8], s: usize, e: usize) -> u128 {
    let len = e.saturating_sub(s);
    match line.get(s..s + 16) {
        Some(w) if len < 16 => {
            let mut b = [0u8; 16];
            b.copy_from_slice(w);
            let mask = (1u128 << (8 * len)) - 1;
            (u128::from_le_bytes(b) & mask) | (len as u128) << 120
        }
        _ => type_key(line.get(s..e).expect("the type span lies in the line")),
    }
}

impl Worker {
    /// The index of type `t` in [`Worker::types`] (added, uncounted, when new).
    #[inline]
    pub(super) fn type_slot(&mut self, job: &Job, t: &[u8]) -> usize {
        self.type_slot_keyed(job, type_key(t), t)
    }

    /// [`Worker::type_slot`] with the key already made (`type_key(t)`).
    #[inline]
    pub(super) fn type_slot_keyed(&mut self, job: &Job, key: u128, t: &[u8]) -> usize {
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
    pub(super) fn count_type(&mut self, job: &Job, t: &[u8]) -> bool {
        let i = self.type_slot(job, t);
        self.types.get_mut(i).is_some_and(|e| {
            e.lines += 1;
            e.selected
        })
    }

    pub(super) fn bad_line(&mut self, job: &Job, pos: Pos, reason: String) {
        self.bad_count += 1;
        if self.bad.len() < job.max_bad_kept {
            self.bad.push((pos, reason));
        }
    }

    pub(super) fn geo(&mut self, geo: &Geo, a: ascribe_intel::Addr) -> GeoInfo {
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
    pub(super) fn string_id(&mut self, shared: &Shared, s: &str) -> u32 {
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

    pub(super) fn add(&mut self, job: &Job, shared: &Shared, r: &Record, pos: Pos) {
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
    pub(super) fn flush(&mut self, shared: &Shared) {
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
    pub(super) fn chunk(
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
            let raw = buf
                .get(start..end)
                .expect("line ends are newline positions in buf, or its end");
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
                        let t = line.get(s..e).expect("the type span lies in the line");
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
pub(super) const PREFETCH_AHEAD: usize = 4096;

/// Asks for the cache lines of `buf[from..to]` ahead of use; returns where it stopped.
#[inline]
pub(super) fn prefetch_to(buf: &[u8], mut from: usize, to: usize) -> usize {
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

/// Per-file reading state of one thread.
#[derive(Clone)]
pub(super) struct FileCtx {
    pub(super) format: Format,
    pub(super) finder: std::sync::Arc<TypeFinder>,
    pub(super) zeek_path: String,
    pub(super) tsv: TsvHeader,
    pub(super) csv: Option<CsvLayout>,
    pub(super) csv_header_line: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
    }
}
