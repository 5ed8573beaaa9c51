//! The streaming pass: read chunks of whole lines, parse (only what is needed), look up,
//! match and count, on N threads, in memory that does not grow with the input.
//!
//! Threads share one reader behind a mutex: a thread takes the lock, reads the next
//! chunk (default 1 MiB) into its own buffer, hands the partial last line to the next
//! reader, releases the lock and works on its chunk. The aggregate table is shared, in
//! locked shards ([`Shared`]); sightings, counts and bad lines are per thread and merged
//! once at the end. Line numbers for diagnostics and sighting examples are recorded as
//! (chunk, line in chunk) and resolved after the run.
//!
//! Here: [`Run`] and what it returns. Its parts: `job` (the formats and the shared job),
//! `supply` (where chunks come from), `worker` (one thread's parse and count), `table`
//! (the shared aggregate table), `merge` (sorted groups merged into rows, the sightings).

mod job;
mod merge;
mod supply;
mod table;
mod worker;

use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use ascribe_intel::Diagnostic;
use rustc_hash::FxHashMap;

use crate::eve::TypeFinder;
use crate::fwcsv::CsvLayout;
use crate::zeek::TsvHeader;

pub use job::{detect, Format, Job};
pub use supply::{Piece, Supply};
pub use worker::Worker;

use merge::{make_row, merged, sighting_rows, SortKey, Sorted, ROW_BATCH};
use supply::{next_chunk, Source};
use table::{Agg, Key, Pos, Shared, Sight, SHARDS};
use worker::FileCtx;

#[cfg(test)]
use job::Fault;

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

/// Why a run has no result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Reading an input failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A thread of the pass panicked (a bug): its share of the counts is lost, so the run
    /// gives no result rather than a partial one.
    #[error("a worker thread stopped unexpectedly: {0}")]
    WorkerPanicked(String),
}

/// Why [`Run::finish_each`] stopped: its caller's `each` failed, or the run did.
#[derive(Debug, thiserror::Error)]
pub enum FinishError<E> {
    #[error(transparent)]
    Each(E),
    #[error(transparent)]
    Run(#[from] RunError),
}

/// The message of a thread's panic (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// A worker's result, or the error its panic becomes.
fn joined<T>(r: std::thread::Result<T>) -> Result<T, RunError> {
    r.map_err(|p| RunError::WorkerPanicked(panic_message(&*p)))
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
    /// Set when a worker panicked: the tables are incomplete, so the run has no result.
    failed: Option<String>,
}

impl<'a> Run<'a> {
    pub fn new(job: &'a Job<'a>) -> Run<'a> {
        let n = job.threads.max(1);
        Run {
            job,
            workers: (0..n).map(|_| Worker::default()).collect(),
            shared: Shared::default(),
            files: Vec::new(),
            failed: None,
        }
    }

    /// True once `--strict` met a bad line.
    pub fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    /// Reads one input to its end. `on_chunk(lines)` is called after each chunk (for
    /// progress display). Errors are I/O errors of the reader and a worker's panic
    /// (after which every call fails: the run has no result).
    pub fn feed<R: Read + Send>(
        &mut self,
        name: &str,
        reader: R,
        on_chunk: &(dyn Fn(u64) + Sync),
    ) -> Result<Format, RunError> {
        self.feed_reader(name, None, reader, on_chunk)
    }

    /// Like [`Run::feed`], but the input is read as `format` whatever its first line
    /// looks like: a piece cut from the middle of a log (a streamed batch) is read as
    /// the whole log was, its format chosen once from the log's own first line.
    pub fn feed_as<R: Read + Send>(
        &mut self,
        name: &str,
        format: Format,
        reader: R,
        on_chunk: &(dyn Fn(u64) + Sync),
    ) -> Result<Format, RunError> {
        self.feed_reader(name, Some(format), reader, on_chunk)
    }

    fn feed_reader<R: Read + Send>(
        &mut self,
        name: &str,
        format: Option<Format>,
        reader: R,
        on_chunk: &(dyn Fn(u64) + Sync),
    ) -> Result<Format, RunError> {
        let mut src = Source {
            reader,
            carry: Vec::new(),
            eof: false,
        };
        // Look at the start to choose the format (the bytes stay in `carry`).
        let mut head = Vec::new();
        let Some(end) = next_chunk(&mut src, &mut head, 64 * 1024)? else {
            self.feed_supply_as(name, format, &[], src, on_chunk)?;
            return Ok(Format::Eve);
        };
        head.truncate(end);
        head.extend_from_slice(&src.carry);
        src.carry.clone_from(&head);
        self.feed_supply_as(name, format, &head, src, on_chunk)
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
    ) -> Result<Format, RunError> {
        self.feed_supply_as(name, None, head, supply, on_chunk)
    }

    fn feed_supply_as<S: Supply>(
        &mut self,
        name: &str,
        forced: Option<Format>,
        head: &[u8],
        supply: S,
        on_chunk: &(dyn Fn(u64) + Sync),
    ) -> Result<Format, RunError> {
        if let Some(msg) = &self.failed {
            return Err(RunError::WorkerPanicked(msg.clone()));
        }
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
        let format = forced.unwrap_or_else(|| detect(first_line));
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
                    // Poisoned only when another thread panicked in the supply: that
                    // thread's join reports it.
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
                        io_error
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .get_or_insert(e);
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
        // A worker that panics (in the supply or the parse) leaves its share uncounted:
        // the run fails rather than give partial counts.
        let panicked: Option<String> = if threads == 1 {
            self.workers.first_mut().and_then(|w| {
                // The run is marked failed on a panic and never read again, so state left
                // half-updated by the panic is never seen.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(w, ctx)));
                joined(r).err().map(|e| e.to_string())
            })
        } else {
            std::thread::scope(|s| {
                let tasks: Vec<_> = self
                    .workers
                    .iter_mut()
                    .map(|w| {
                        let ctx = ctx.clone();
                        let work = &work;
                        s.spawn(move || work(w, ctx))
                    })
                    .collect();
                let mut first = None;
                for t in tasks {
                    if let Err(RunError::WorkerPanicked(msg)) = joined(t.join()) {
                        first.get_or_insert(msg);
                    }
                }
                first
            })
        };
        if let Some(msg) = panicked {
            self.shared.stop.store(true, Ordering::Relaxed);
            self.failed = Some(msg.clone());
            return Err(RunError::WorkerPanicked(msg));
        }
        if let Some(e) = io_error
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            return Err(e.into());
        }
        Ok(format)
    }

    /// Merges the threads' tables into sorted rows, sightings and a summary.
    ///
    /// # Panics
    ///
    /// When a worker thread panicked (a bug), with its message; [`Run::try_finish`]
    /// returns that as an error instead.
    pub fn finish(self) -> Output {
        match self.try_finish() {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`Run::finish`], but a worker thread's panic is an error.
    pub fn try_finish(self) -> Result<Output, RunError> {
        let mut rows = Vec::new();
        let out = self.finish_each(|r| {
            rows.push(r);
            Ok::<(), std::convert::Infallible>(())
        });
        match out {
            Ok(mut out) => {
                out.rows = rows;
                Ok(out)
            }
            Err(FinishError::Run(e)) => Err(e),
            Err(FinishError::Each(never)) => match never {},
        }
    }

    /// Like [`Run::finish`], but hands each row to `each` in output order instead of
    /// keeping them (`Output::rows` is left empty): a CSV-only run then never holds every
    /// row at once. Stops at the first error of `each`, and fails when a worker thread
    /// panicked (the rows handed out so far are then not all of them).
    pub fn finish_each<E>(
        self,
        mut each: impl FnMut(Row) -> Result<(), E>,
    ) -> Result<Output, FinishError<E>> {
        if let Some(msg) = self.failed {
            return Err(RunError::WorkerPanicked(msg).into());
        }
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
        let sorted: Result<Vec<Sorted>, RunError> = std::thread::scope(|s| {
            let tasks: Vec<_> = groups
                .into_iter()
                .map(|tables| {
                    let (str_rank, cc_rank) = (&str_rank, &cc_rank);
                    s.spawn(move || {
                        #[cfg(test)]
                        job.fault.hit(Fault::Sort);
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
            // Every thread joined (not up to the first panic), so none is left to
            // panic the scope.
            let all: Vec<_> = tasks.into_iter().map(|t| joined(t.join())).collect();
            all.into_iter().collect()
        });
        let sorted = sorted?;
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
            let sighting_rows = s.spawn(move || {
                #[cfg(test)]
                job.fault.hit(Fault::Sightings);
                sighting_rows(sightings, m, job.max_examples, where_is)
            });
            // The merge runs on its own thread; rows are made here, where they are
            // written and dropped, so that the counts of the shared names (`Arc`s) are
            // not moved between cores at every row.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(SortKey, Agg)>>(4);
            let merge = s.spawn(move || {
                let mut batch = Vec::with_capacity(ROW_BATCH);
                #[cfg(test)]
                job.fault.hit(Fault::Merge);
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
                    // An error here means the caller stopped at an error of its own.
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
            // Both are joined whatever `each` did, so no panic goes unreported.
            let merged = joined(merge.join());
            let srows = joined(sighting_rows.join());
            (asns, merged.and(srows), written)
        });
        // A panic comes before the caller's own error: the rows it was handed were not
        // all of them.
        let srows = srows?;
        summary.rows = written.map_err(FinishError::Each)?;
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
    use ascribe_intel::Matcher;
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

    /// `n` alert lines, one a second from 2024-03-04, sources 10.0.0.0-99.
    fn alerts(n: u32) -> Vec<u8> {
        let mut out = String::new();
        for i in 0..n {
            out.push_str(&format!(
                "{{\"timestamp\":\"2024-03-04T{:02}:{:02}:{:02}.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"10.0.0.{}\",\"dest_ip\":\"192.0.2.1\",\"alert\":{{\"action\":\"allowed\",\"signature\":\"sig {}\"}}}}\n",
                i / 3600 % 24,
                i / 60 % 60,
                i % 60,
                i % 100,
                i % 7
            ));
        }
        out.into_bytes()
    }

    /// A log that breaks (panics) after `good` bytes: a bug in a reader, met by the
    /// worker that takes the chunk.
    struct Breaks {
        data: Vec<u8>,
        at: usize,
        good: usize,
    }

    impl Read for Breaks {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            assert!(self.at < self.good, "the log reader broke");
            let n = buf.len().min(self.good - self.at).min(1000);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn a_reader_that_panics_on_a_worker_fails_the_run_with_its_message() {
        let (m, _) = Matcher::new(Vec::new());
        let data = alerts(4000);
        // Past the 64 KiB the format is chosen from, so the panic is met by a worker.
        let good = 200_000;
        assert!(data.len() > good);
        for threads in [1, 2] {
            let mut job = Job::new(&m, None);
            job.threads = threads;
            job.chunk_bytes = 8 << 10;
            let mut run = Run::new(&job);
            let reader = Breaks {
                data: data.clone(),
                at: 0,
                good,
            };
            let fed = run.feed("t.json", reader, &|_| {});
            let Err(RunError::WorkerPanicked(msg)) = &fed else {
                panic!("{threads} threads: {fed:?}")
            };
            assert!(msg.contains("the log reader broke"), "{msg}");
            assert!(run.stopped());
            // Every later step of the run fails the same way: nothing half-counted comes out.
            let again = run.feed("u.json", &data[..100], &|_| {});
            assert!(
                matches!(again, Err(RunError::WorkerPanicked(_))),
                "{again:?}"
            );
            let mut rows = 0;
            let out = run.finish_each(|_| {
                rows += 1;
                Ok::<(), ()>(())
            });
            assert!(
                matches!(&out, Err(FinishError::Run(RunError::WorkerPanicked(m))) if m.contains("the log reader broke")),
                "{out:?}"
            );
            assert_eq!(rows, 0);
        }
    }

    #[test]
    fn a_panicking_sort_merge_or_sighting_thread_fails_the_run() {
        let text = "type,value,source\nip,10.0.0.3,t\n";
        let (m, _) = Matcher::new(ascribe_intel::load(text, "ind.csv").indicators);
        let data = alerts(3000);
        // The same run without a fault, so the faults below are met with work to do.
        let mut job = Job::new(&m, None);
        job.threads = 2;
        let mut run = Run::new(&job);
        assert!(run.feed("t.json", &data[..], &|_| {}).is_ok());
        let whole = run.try_finish();
        assert!(whole
            .as_ref()
            .is_ok_and(|o| o.rows.len() > 1 && !o.sightings.is_empty()));
        for fault in [Fault::Sort, Fault::Merge, Fault::Sightings] {
            for streamed in [false, true] {
                let mut job = Job::new(&m, None);
                job.threads = 2;
                job.fault = fault;
                let mut run = Run::new(&job);
                assert!(run.feed("t.json", &data[..], &|_| {}).is_ok());
                let err = if streamed {
                    match run.finish_each(|_| Ok::<(), ()>(())) {
                        Err(FinishError::Run(e)) => e.to_string(),
                        other => panic!("{fault:?}: {other:?}"),
                    }
                } else {
                    match run.try_finish() {
                        Err(e) => e.to_string(),
                        Ok(out) => panic!("{fault:?}: {} rows and no error", out.rows.len()),
                    }
                };
                assert_eq!(
                    err,
                    format!("a worker thread stopped unexpectedly: injected fault in {fault:?}")
                );
            }
        }
    }
}
