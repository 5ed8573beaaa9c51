//! The aggregate table the threads share (in locked shards), its keys and groups,
//! and the string ids its keys use.

use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::distinct::Distinct;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Key {
    pub(super) day: i32,
    pub(super) asn: u32,
    pub(super) sig: u32,
    pub(super) act: u32,
    pub(super) cc: u16,
}

/// Shards of the aggregate table (a power of two).
pub(super) const SHARDS: usize = 64;

/// The aggregate table, shared by the threads: one table in shards behind locks, so
/// that a group seen by every thread is stored once (a table per thread multiplied the
/// memory of the pass by the number of threads). Keys use the shared string ids.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) shards: Vec<Mutex<FxHashMap<Key, Agg>>>,
    pub(super) strings: Mutex<Interner>,
    /// Set by `--strict` at the first bad line, or by an I/O error.
    pub(super) stop: AtomicBool,
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
pub(super) fn shard_of(k: &Key) -> usize {
    let h = (u64::from(k.sig) << 32 | u64::from(k.asn))
        ^ (u64::from(k.cc) << 16 ^ u64::from(k.act))
        ^ (u64::from(k.day as u32) << 40);
    let h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 58) as usize & (SHARDS - 1)
}

#[derive(Debug, Clone, Default)]
pub(super) struct Agg {
    pub(super) events: u64,
    pub(super) matched_events: u64,
    /// Matched indicator ids, sorted; boxed because most groups have none: 8 bytes
    /// instead of a 24-byte empty `Vec` in each of hundreds of thousands of groups.
    #[allow(clippy::box_collection)]
    pub(super) matched: Option<Box<Vec<u32>>>,
    pub(super) srcs: Distinct,
    pub(super) first: i64,
    pub(super) last: i64,
}

/// Where an event is: input file, chunk, line within the chunk (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pos {
    pub(super) file: u32,
    pub(super) seq: u32,
    pub(super) line: u32,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Sight {
    pub(super) count: u64,
    pub(super) first: i64,
    pub(super) last: i64,
    pub(super) examples: Vec<Pos>,
}

#[derive(Debug, Default)]
pub(super) struct Interner {
    pub(super) ids: FxHashMap<Box<str>, u32>,
    pub(super) names: Vec<Box<str>>,
}

impl Interner {
    pub(super) fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    pub(super) fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", |s| s)
    }
}

/// Adds one group's counts into another's (the same key from two places).
pub(super) fn combine(m: &mut Agg, a: Agg) {
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
