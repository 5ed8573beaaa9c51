//! Counting a batch: the single-node telemetry pass ([`ascribe_telemetry::Run`]) run
//! over one batch, its rows kept as deltas; deltas of many batches merged in key order.
//!
//! No I/O. The rule for what a worker refuses outright ([`check`]) lives here too.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

use ascribe_enrich::Geo;
use ascribe_intel::Matcher;
use ascribe_telemetry::fwcsv::ColumnMap;
use ascribe_telemetry::{FinishError, Format, Job, Run};

use crate::batch::Encoding;

/// A group of the CSV contract: day (days since 1970-01-01), source country, source
/// AS, signature, action. Ordered as the CSV's rows are (strings by bytes).
pub type Key = (i64, String, u32, String, String);

/// What a group gained.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub events: u64,
    pub matched_events: u64,
    /// Distinct matched indicator values (a set: a union is the merge).
    pub indicators: BTreeSet<String>,
}

/// Deltas in key order: the order the upsert takes its rows in, so that concurrent
/// workers lock rows in one order and never deadlock.
pub type Deltas = BTreeMap<Key, Tally>;

/// Adds `more` into `into`: counts add, indicator sets join.
pub fn merge(into: &mut Deltas, more: &Deltas) {
    for (k, t) in more {
        let e = into.entry(k.clone()).or_default();
        e.events += t.events;
        e.matched_events += t.matched_events;
        e.indicators.extend(t.indicators.iter().cloned());
    }
}

/// One batch counted.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub lines: u64,
    pub bad_lines: u64,
    /// The first bad line's reason, as single-node reports it.
    pub first_bad: Option<String>,
    pub deltas: Deltas,
}

/// What a worker counts with: the single-node job's settings.
pub struct Counter {
    pub matcher: Matcher,
    pub geo: Option<Geo>,
    /// Selected event types; empty selects every type.
    pub event_types: Vec<String>,
    pub csv_map: ColumnMap,
}

/// Why a batch is refused whole (recorded in `rejected_batches`, never retried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("batch of {size} bytes is larger than the worker's limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("not a text log: a NUL byte at offset {at}")]
    Binary { at: usize },
    #[error("missing or bad header {header}: {why}")]
    Header { header: &'static str, why: String },
    #[error("the telemetry pass failed on this batch: {0}")]
    Pass(String),
    #[error("not a {encoding} payload: {why}")]
    Packing { encoding: &'static str, why: String },
}

/// The plain bytes of a payload packed with `encoding`, refused when they would be
/// larger than `limit` (read from the declared length before anything is unpacked,
/// so a small payload cannot make the worker hold a huge one) or do not unpack.
pub fn unpack(payload: &[u8], encoding: Encoding, limit: usize) -> Result<Cow<'_, [u8]>, Refused> {
    match encoding {
        Encoding::Plain => Ok(Cow::Borrowed(payload)),
        Encoding::Zstd => {
            let bad = |why: String| Refused::Packing {
                encoding: encoding.as_str(),
                why,
            };
            let size = match zstd::zstd_safe::get_frame_content_size(payload) {
                Ok(Some(n)) => usize::try_from(n).unwrap_or(usize::MAX),
                Ok(None) => return Err(bad("the frame does not declare its plain length".into())),
                Err(_) => return Err(bad("not a Zstandard frame".into())),
            };
            if size > limit {
                return Err(Refused::TooLarge { size, limit });
            }
            // Each thread keeps its Zstandard context rather than making one per batch.
            thread_local! {
                static UNPACKER: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
                    const { std::cell::RefCell::new(None) };
            }
            let plain = UNPACKER
                .with_borrow_mut(|unpacker| {
                    let unpacker = match unpacker {
                        Some(u) => u,
                        None => unpacker.insert(zstd::bulk::Decompressor::new()?),
                    };
                    unpacker.decompress(payload, size)
                })
                .map_err(|e| bad(e.to_string()))?;
            if plain.len() != size {
                return Err(bad(format!(
                    "{} bytes unpacked, {size} declared",
                    plain.len()
                )));
            }
            Ok(Cow::Owned(plain))
        }
    }
}

/// The rule for a payload refused before it is read: too large, or binary (text logs
/// never hold a NUL byte; Suricata and Zeek escape one). A half-bad batch is not
/// refused: its bad lines are counted as single-node counts them.
pub fn check(payload: &[u8], limit: usize) -> Result<(), Refused> {
    if payload.len() > limit {
        return Err(Refused::TooLarge {
            size: payload.len(),
            limit,
        });
    }
    if let Some(at) = memchr::memchr(0, payload) {
        return Err(Refused::Binary { at });
    }
    Ok(())
}

impl Counter {
    /// Counts one batch (`payload`: the preamble, then the range) as single-node counts
    /// the log it came from, on one thread.
    pub fn count(&self, name: &str, format: Format, payload: &[u8]) -> Result<Counted, Refused> {
        let mut job = Job::new(&self.matcher, self.geo.as_ref());
        job.event_types.clone_from(&self.event_types);
        job.threads = 1;
        job.count_sources = false;
        job.csv_map = self.csv_map.clone();
        job.max_bad_kept = 1;
        // The whole batch in one chunk.
        job.chunk_bytes = payload.len().max(4096);
        let mut run = Run::new(&job);
        run.feed_as(name, format, payload, &|_| {})
            .map_err(|e| Refused::Pass(e.to_string()))?;
        let mut deltas = Deltas::new();
        let out = run
            .finish_each(|r| {
                let key = (
                    r.day,
                    r.src_country.to_string(),
                    r.src_asn,
                    r.signature.to_string(),
                    r.action.to_string(),
                );
                let t = Tally {
                    events: r.events,
                    matched_events: r.matched_events,
                    indicators: r.matched_indicators.iter().map(|s| s.to_string()).collect(),
                };
                deltas.insert(key, t);
                Ok::<(), std::convert::Infallible>(())
            })
            .map_err(|e| match e {
                FinishError::Run(e) => Refused::Pass(e.to_string()),
                FinishError::Each(never) => match never {},
            })?;
        Ok(Counted {
            lines: out.summary.lines,
            bad_lines: out.summary.bad_lines,
            first_bad: out.summary.bad_examples.first().map(|d| d.reason.clone()),
            deltas,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> Counter {
        let text = "type,value,source\nip,10.0.0.3,t\n";
        let (matcher, _) = Matcher::new(ascribe_intel::load(text, "ind.csv").indicators);
        Counter {
            matcher,
            geo: None,
            event_types: vec!["alert".into()],
            csv_map: ColumnMap::default(),
        }
    }

    fn line(src: u8, sig: u8) -> String {
        format!("{{\"timestamp\":\"2024-03-04T10:00:00.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"10.0.0.{src}\",\"dest_ip\":\"192.0.2.1\",\"alert\":{{\"action\":\"allowed\",\"signature\":\"sig {sig}\"}}}}\n")
    }

    #[test]
    fn batches_merged_count_what_the_whole_log_counts() {
        let c = counter();
        let log: String = (0..40).map(|i| line(i % 5, i % 3)).collect::<String>() + "not json\n";
        let whole = c.count("t.json", Format::Eve, log.as_bytes());
        let whole = whole.as_ref().map(|w| (&w.deltas, w.lines, w.bad_lines));
        let mut merged = Deltas::new();
        let (mut lines, mut bad) = (0, 0);
        let bytes = log.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let n = crate::batch::cut(
                &bytes[at..],
                crate::batch::Limits {
                    max_lines: 7,
                    max_bytes: 4096,
                },
                None,
                true,
            )
            .map_or(bytes.len() - at, crate::batch::Cut::bytes);
            let b = c
                .count("t.json", Format::Eve, &bytes[at..at + n])
                .expect("counted");
            merge(&mut merged, &b.deltas);
            lines += b.lines;
            bad += b.bad_lines;
            at += n;
        }
        assert_eq!(whole, Ok((&merged, lines, bad)));
        assert_eq!((lines, bad), (41, 1));
        let matched: u64 = merged.values().map(|t| t.matched_events).sum();
        assert_eq!(matched, 8);
    }

    #[test]
    fn packed_payloads_unpack_or_are_refused_with_the_reason() {
        let plain = line(1, 2).repeat(50).into_bytes();
        let packed = Encoding::Zstd.pack(&plain).expect("packs");
        assert!(
            packed.len() * 3 < plain.len(),
            "{} of {}",
            packed.len(),
            plain.len()
        );
        let back = unpack(&packed, Encoding::Zstd, 1 << 20).expect("unpacks");
        assert_eq!(&*back, &plain[..]);
        assert_eq!(
            unpack(&packed, Encoding::Zstd, 100),
            Err(Refused::TooLarge {
                size: plain.len(),
                limit: 100
            })
        );
        // A frame cut in half, one that does not say how long it unpacks, no frame.
        let cut = &packed[..packed.len() / 2];
        let unsized_frame = zstd::stream::encode_all(&plain[..], 1).expect("packs");
        for (bad, why) in [
            (cut, ""),
            (&unsized_frame[..], "does not declare its plain length"),
            (b"\x01\x00", "not a Zstandard frame"),
        ] {
            let e = unpack(bad, Encoding::Zstd, 1 << 20).expect_err("refused");
            assert!(
                matches!(
                    e,
                    Refused::Packing {
                        encoding: "zstd",
                        ..
                    }
                ),
                "{e}"
            );
            assert!(e.to_string().contains(why), "{e}");
        }
        assert_eq!(
            unpack(b"abc", Encoding::Plain, 1).map(|c| c.into_owned()),
            Ok(b"abc".to_vec())
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_after_the_zstd_magic_unpack_or_are_refused(
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            // Never a panic, never more than the limit held.
            let mut bytes = vec![0x28, 0xb5, 0x2f, 0xfd];
            bytes.extend_from_slice(&body);
            if let Ok(p) = unpack(&bytes, Encoding::Zstd, 4096) {
                proptest::prop_assert!(p.len() <= 4096);
            }
        }

        #[test]
        fn packing_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..3000)) {
            let packed = Encoding::Zstd.pack(&bytes).expect("packs");
            proptest::prop_assert_eq!(unpack(&packed, Encoding::Zstd, 3000).map(|c| c.into_owned()), Ok(bytes));
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(check(b"ab\0c", 10), Err(Refused::Binary { at: 2 }));
        assert_eq!(
            check(b"abc", 2),
            Err(Refused::TooLarge { size: 3, limit: 2 })
        );
        assert_eq!(check(b"abc\n", 10), Ok(()));
    }
}
