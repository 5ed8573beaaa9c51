//! Sorted disjoint ranges with a fast lookup: binary search, narrowed for IPv4 by a
//! table of where each /16 starts.

use std::collections::BTreeMap;

/// Disjoint `[start, end] -> value` ranges, sorted by start.
#[derive(Debug, Clone)]
pub struct RangeTable<K, V> {
    starts: Vec<K>,
    ends: Vec<K>,
    vals: Vec<V>,
    /// IPv4 only: `slot[k]` = index of the first range with `start >= k << 16`.
    slot: Vec<u32>,
}

impl<K, V> Default for RangeTable<K, V> {
    fn default() -> Self {
        RangeTable {
            starts: Vec::new(),
            ends: Vec::new(),
            vals: Vec::new(),
            slot: Vec::new(),
        }
    }
}

impl<K: Copy + Ord, V: Copy> RangeTable<K, V> {
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn find(&self, ip: K, lo: usize, hi: usize) -> Option<V> {
        let s = self.starts.get(lo..hi)?;
        let n = s.partition_point(|&x| x <= ip);
        if n == 0 {
            // The range before `lo` (if any) was considered by the caller choosing `lo`.
            return None;
        }
        let i = lo + n - 1;
        if self.ends.get(i).is_some_and(|&e| ip <= e) {
            return self.vals.get(i).copied();
        }
        None
    }
}

impl<V: Copy> RangeTable<u32, V> {
    /// From sorted disjoint rows whose bounds fit in 32 bits (others are dropped).
    pub fn new_v4(rows: &[(u128, u128, V)]) -> Self {
        let mut t = RangeTable::default();
        for &(s, e, v) in rows {
            let (Ok(s), Ok(e)) = (u32::try_from(s), u32::try_from(e)) else {
                continue;
            };
            t.starts.push(s);
            t.ends.push(e);
            t.vals.push(v);
        }
        t.slot = (0..=65536u64)
            .map(|k| {
                let p = t.starts.partition_point(|&x| u64::from(x) < (k << 16));
                u32::try_from(p).unwrap_or(u32::MAX)
            })
            .collect();
        t
    }

    pub fn get(&self, ip: u32) -> Option<V> {
        let k = (ip >> 16) as usize;
        let (Some(&a), Some(&b)) = (self.slot.get(k), self.slot.get(k + 1)) else {
            return self.find(ip, 0, self.starts.len());
        };
        // The containing range may start in an earlier /16: include the one before.
        self.find(ip, (a as usize).saturating_sub(1), b as usize)
    }
}

impl<V: Copy> RangeTable<u128, V> {
    pub fn new_v6(rows: Vec<(u128, u128, V)>) -> Self {
        let mut t = RangeTable::default();
        for (s, e, v) in rows {
            t.starts.push(s);
            t.ends.push(e);
            t.vals.push(v);
        }
        t
    }

    pub fn get(&self, ip: u128) -> Option<V> {
        self.find(ip, 0, self.starts.len())
    }
}

/// Two IPv4 tables as one whose values are pairs (0 where a table has no range), so
/// that a lookup of both is one search.
pub fn overlay_v4(a: &RangeTable<u32, u16>, b: &RangeTable<u32, u32>) -> Table4 {
    // Ranges of one table that contain `p`, or the next one after it.
    fn at<V: Copy + Default>(t: &RangeTable<u32, V>, i: &mut usize, p: u64) -> (V, u64) {
        while t.ends.get(*i).is_some_and(|&e| u64::from(e) < p) {
            *i += 1;
        }
        match (t.starts.get(*i), t.ends.get(*i), t.vals.get(*i)) {
            (Some(&s), Some(&e), Some(&v)) if u64::from(s) <= p => (v, u64::from(e) + 1),
            (Some(&s), _, _) => (V::default(), u64::from(s)),
            _ => (V::default(), 1 << 32),
        }
    }
    let mut rows: Vec<(u32, u32, (u16, u32))> = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j, mut p) = (0usize, 0usize, 0u64);
    while p < 1 << 32 {
        let (va, na) = at(a, &mut i, p);
        let (vb, nb) = at(b, &mut j, p);
        let next = na.min(nb);
        let v = (va, vb);
        // Both bounds are below 2^32 here: p < 2^32 and p < next <= 2^32.
        let (from, to) = (p as u32, (next - 1) as u32);
        if v != (0, 0) {
            match rows.last_mut() {
                Some(last) if last.2 == v && u64::from(last.1) + 1 == p => last.1 = to,
                _ => rows.push((from, to, v)),
            }
        }
        p = next;
    }
    Table4::new(&rows)
}

/// The IPv4 (country, AS) table in the form the per-event lookup wants: every address
/// lies in exactly one entry (gaps are entries of `(0, 0)`), so an entry's end is the
/// next one's start, and an entry keeps its start and value side by side. A /16 inside
/// one entry (most of them) has its value in its slot. Why: the lookup is on every
/// event, and a binary search over separate start, end and value arrays cost four or
/// five cache misses; this costs one or two.
#[derive(Debug, Clone, Default)]
pub struct Table4 {
    /// Per /16: with [`INLINE`] set, the value (country in bits 32..48, AS in 0..32);
    /// otherwise the index of the entry holding the /16's first address (bits 0..32)
    /// and how many more entries start inside the /16 (bits 32..48).
    slot: Vec<u64>,
    entries: Vec<Entry4>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry4 {
    start: u32,
    asn: u32,
    country: u16,
}

const INLINE: u64 = 1 << 63;

impl Table4 {
    /// From sorted disjoint `(first, last, (country, AS))` rows.
    pub fn new(rows: &[(u32, u32, (u16, u32))]) -> Table4 {
        let mut entries: Vec<Entry4> = Vec::with_capacity(rows.len() * 2 + 1);
        let mut push = |start: u32, (country, asn): (u16, u32)| match entries.last() {
            Some(l) if (l.country, l.asn) == (country, asn) => {}
            _ => entries.push(Entry4 {
                start,
                asn,
                country,
            }),
        };
        let mut next = 0u64;
        for &(first, last, v) in rows {
            if u64::from(first) < next {
                continue; // not sorted and disjoint: keep the earlier row
            }
            if u64::from(first) > next {
                push(next as u32, (0, 0));
            }
            push(first, v);
            next = u64::from(last) + 1;
        }
        if next < 1 << 32 {
            push(next as u32, (0, 0));
        }
        // The entry holding an address: the last one starting at or before it.
        let holding = |ip: u32| entries.partition_point(|e| e.start <= ip).saturating_sub(1);
        let slot = (0..1u32 << 16)
            .map(|k| {
                let lo = holding(k << 16);
                let hi = holding(k << 16 | 0xffff);
                match entries.get(lo) {
                    Some(e) if hi == lo => INLINE | u64::from(e.country) << 32 | u64::from(e.asn),
                    _ => ((hi - lo) as u64) << 32 | lo as u64,
                }
            })
            .collect();
        Table4 { slot, entries }
    }

    /// `(country, AS)` of an address, `(0, 0)` where unknown.
    #[inline]
    pub fn get(&self, ip: u32) -> (u16, u32) {
        let Some(&s) = self.slot.get((ip >> 16) as usize) else {
            return (0, 0);
        };
        if s & INLINE != 0 {
            // Bits 32..48 and 0..32, as packed by `new`.
            return ((s >> 32) as u16, s as u32);
        }
        let lo = (s & 0xffff_ffff) as usize;
        let more = ((s >> 32) & 0xffff) as usize;
        let Some(run) = self.entries.get(lo..=lo + more) else {
            return (0, 0);
        };
        let i = run.partition_point(|e| e.start <= ip);
        run.get(i.wrapping_sub(1))
            .map_or((0, 0), |e| (e.country, e.asn))
    }
}

/// Flattens possibly overlapping rows, given in file order, into sorted disjoint ranges
/// where a later row overrides the part of earlier rows it covers (the rule the
/// ip-location-db `.mmdb` files encode). Adjacent ranges with equal values are merged.
///
/// Rows that start after everything so far (the common case: the files are sorted) are
/// appended; the others are spliced in, which is cheap because they land near the end.
pub fn flatten_later_wins<V: Copy + PartialEq>(rows: Vec<(u128, u128, V)>) -> Vec<(u128, u128, V)> {
    let mut out: Vec<(u128, u128, V)> = Vec::with_capacity(rows.len());
    for (s, e, v) in rows {
        if out.last().is_none_or(|l| l.1 < s) {
            out.push((s, e, v));
            continue;
        }
        // Ranges i..j overlap [s, e]: i is the first ending at or after s, j the first
        // starting after e.
        let i = out.partition_point(|r| r.1 < s);
        let j = out.partition_point(|r| r.0 <= e).max(i);
        let mut repl: Vec<(u128, u128, V)> = Vec::with_capacity(3);
        if let Some(&(fs, _, fv)) = out.get(i) {
            if i < j && fs < s {
                repl.push((fs, s - 1, fv));
            }
        }
        repl.push((s, e, v));
        if j > i {
            if let Some(&(_, le, lv)) = out.get(j - 1) {
                if le > e {
                    repl.push((e + 1, le, lv));
                }
            }
        }
        out.splice(i..j, repl);
    }
    // Merge equal neighbours in place.
    let mut w = 0usize;
    for r in 0..out.len() {
        let Some(&cur) = out.get(r) else { break };
        if r > 0 {
            if let Some(last) = out.get_mut(w - 1) {
                if last.2 == cur.2 && last.1.checked_add(1) == Some(cur.0) {
                    last.1 = cur.1;
                    continue;
                }
            }
        }
        if let Some(slot) = out.get_mut(w) {
            *slot = cur;
        }
        w += 1;
    }
    out.truncate(w);
    out.shrink_to_fit();
    out
}

/// The same rule with an ordered map: slower, obviously right; the tests hold the fast
/// version to it.
pub fn flatten_later_wins_reference<V: Copy + PartialEq>(
    rows: Vec<(u128, u128, V)>,
) -> Vec<(u128, u128, V)> {
    let mut map: BTreeMap<u128, (u128, V)> = BTreeMap::new();
    for (s, e, v) in rows {
        if let Some((&ls, &(le, lv))) = map.range(..s).next_back() {
            if le >= s {
                map.insert(ls, (s - 1, lv));
                if le > e {
                    map.insert(e + 1, (le, lv));
                }
            }
        }
        let inside: Vec<(u128, (u128, V))> = map.range(s..=e).map(|(&k, &x)| (k, x)).collect();
        for (k, (ke, kv)) in inside {
            map.remove(&k);
            if ke > e {
                map.insert(e + 1, (ke, kv));
            }
        }
        map.insert(s, (e, v));
    }
    let mut out: Vec<(u128, u128, V)> = Vec::with_capacity(map.len());
    for (s, (e, v)) in map {
        if let Some(last) = out.last_mut() {
            if last.2 == v && last.1.checked_add(1) == Some(s) {
                last.1 = e;
                continue;
            }
        }
        out.push((s, e, v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn an_overlay_answers_as_both_tables(
            a in proptest::collection::vec((0u32..5000, 0u32..300, 0u16..4), 0..40),
            b in proptest::collection::vec((0u32..5000, 0u32..300, 0u32..4), 0..40),
            probes in proptest::collection::vec(0u32..6000, 50),
        ) {
            fn table<V: Copy + PartialEq>(rows: Vec<(u32, u32, V)>) -> RangeTable<u32, V> {
                let rows = rows
                    .into_iter()
                    .map(|(s, len, v)| (u128::from(s) * 1000, u128::from(s) * 1000 + u128::from(len) * 100, v))
                    .collect();
                RangeTable::new_v4(&flatten_later_wins(rows))
            }
            let ta = table(a);
            let tb = table(b);
            let both = overlay_v4(&ta, &tb);
            // Probes near range bounds, inside /16s with several ranges, and anywhere.
            for p in probes.into_iter().flat_map(|p| [p * 1000, p * 1000 + 1, (p * 1000).wrapping_sub(1), p * 100_000 + 99_999, p.wrapping_mul(999_983)]) {
                let want = (ta.get(p).unwrap_or(0), tb.get(p).unwrap_or(0));
                proptest::prop_assert_eq!(both.get(p), want, "at {}", p);
            }
            proptest::prop_assert_eq!(both.get(u32::MAX), (ta.get(u32::MAX).unwrap_or(0), tb.get(u32::MAX).unwrap_or(0)));
        }
    }

    #[test]
    fn later_rows_win_and_equal_neighbours_merge() {
        let rows = vec![
            (0, 99, 'a'),
            (10, 19, 'b'),
            (15, 29, 'c'),
            (90, 120, 'd'),
            (121, 130, 'd'),
        ];
        assert_eq!(
            flatten_later_wins(rows),
            vec![
                (0, 9, 'a'),
                (10, 14, 'b'),
                (15, 29, 'c'),
                (30, 89, 'a'),
                (90, 130, 'd')
            ]
        );
        // A later row covering several earlier ones.
        let rows = vec![(5, 6, 'x'), (8, 9, 'y'), (0, 20, 'z')];
        assert_eq!(flatten_later_wins(rows), vec![(0, 20, 'z')]);
    }

    proptest::proptest! {
        #[test]
        fn fast_flattening_equals_the_reference(
            rows in proptest::collection::vec((0u128..200, 0u128..40, 0u8..4), 0..40)
        ) {
            let rows: Vec<(u128, u128, u8)> = rows.into_iter().map(|(s, len, v)| (s, s + len, v)).collect();
            proptest::prop_assert_eq!(flatten_later_wins(rows.clone()), flatten_later_wins_reference(rows));
        }
    }

    #[test]
    fn table4_inline_slots_and_runs() {
        let rows = [
            (0x0100_0000, 0x01ff_ffff, (1, 100)),
            (0x0200_0010, 0x0200_001f, (2, 200)),
            (0x0200_0020, 0x0200_0020, (3, 300)),
            (0xffff_0000, 0xffff_ffff, (4, 400)),
        ];
        let t = Table4::new(&rows);
        for (ip, want) in [
            (0, (0, 0)),
            (0x00ff_ffff, (0, 0)),
            (0x0100_0000, (1, 100)),
            (0x0180_1234, (1, 100)),
            (0x01ff_ffff, (1, 100)),
            (0x0200_000f, (0, 0)),
            (0x0200_0010, (2, 200)),
            (0x0200_001f, (2, 200)),
            (0x0200_0020, (3, 300)),
            (0x0200_0021, (0, 0)),
            (0xfffe_ffff, (0, 0)),
            (0xffff_0000, (4, 400)),
            (u32::MAX, (4, 400)),
        ] {
            assert_eq!(t.get(ip), want, "{ip:#x}");
        }
        assert_eq!(Table4::default().get(0x0102_0304), (0, 0));
        assert_eq!(Table4::new(&[]).get(0x0102_0304), (0, 0));
    }

    #[test]
    fn v4_lookup_across_slot_boundaries() {
        let rows = vec![
            (0x0100_0000, 0x0102_ffff, 1u16),
            (0x0103_0005, 0x0103_0005, 2),
            (0x0a00_0000, 0x0aff_ffff, 3),
        ];
        let t = RangeTable::new_v4(&rows);
        assert_eq!(t.get(0x0101_1234), Some(1));
        assert_eq!(t.get(0x0102_ffff), Some(1));
        assert_eq!(t.get(0x0103_0004), None);
        assert_eq!(t.get(0x0103_0005), Some(2));
        assert_eq!(t.get(0x0a80_0000), Some(3));
        assert_eq!(t.get(0x0b00_0000), None);
        assert_eq!(t.get(0), None);
        assert_eq!(t.get(u32::MAX), None);
    }
}

/// Fixed-width little-endian encoding of the table's key and value types (for the cache).
pub trait Le: Copy {
    const N: usize;
    fn put(self, out: &mut Vec<u8>);
    fn take(b: &[u8]) -> Option<Self>;
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const N: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(b: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(b.try_into().ok()?))
            }
        }
    )*};
}
le!(u16, u32, u128);

/// Reads what [`RangeTable::encode`] and its helpers wrote; `None` on any shortfall.
pub struct Decoder<'a> {
    pub b: &'a [u8],
}

impl Decoder<'_> {
    pub fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let (head, rest) = self.b.split_at_checked(n)?;
        self.b = rest;
        Some(head)
    }

    pub fn num<T: Le>(&mut self) -> Option<T> {
        T::take(self.bytes(T::N)?)
    }

    pub fn vec<T: Le>(&mut self) -> Option<Vec<T>> {
        let n = usize::try_from(self.num::<u32>()?).ok()?;
        let raw = self.bytes(n.checked_mul(T::N)?)?;
        raw.chunks_exact(T::N).map(T::take).collect()
    }

    pub fn str(&mut self) -> Option<String> {
        let n = usize::try_from(self.num::<u32>()?).ok()?;
        String::from_utf8(self.bytes(n)?.to_vec()).ok()
    }
}

pub fn put_vec<T: Le>(out: &mut Vec<u8>, v: &[T]) {
    u32::try_from(v.len()).unwrap_or(u32::MAX).put(out);
    for &x in v {
        x.put(out);
    }
}

pub fn put_str(out: &mut Vec<u8>, s: &str) {
    u32::try_from(s.len()).unwrap_or(u32::MAX).put(out);
    out.extend_from_slice(s.as_bytes());
}

impl<K: Le + Ord, V: Le> RangeTable<K, V> {
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_vec(out, &self.starts);
        put_vec(out, &self.ends);
        put_vec(out, &self.vals);
        put_vec(out, &self.slot);
    }

    /// The table back, or `None` when the bytes are short or inconsistent.
    pub fn decode(d: &mut Decoder) -> Option<Self> {
        let t = RangeTable {
            starts: d.vec()?,
            ends: d.vec()?,
            vals: d.vec()?,
            slot: d.vec()?,
        };
        let n = t.starts.len();
        let sorted = t.starts.windows(2).all(|w| matches!(w, [a, b] if a < b));
        let ok = t.ends.len() == n
            && t.vals.len() == n
            && sorted
            && (t.slot.is_empty() || t.slot.len() == 65537)
            && t.slot.iter().all(|&s| s as usize <= n);
        ok.then_some(t)
    }
}

impl<K, V: Copy> RangeTable<K, V> {
    pub fn values(&self) -> impl Iterator<Item = V> + '_ {
        self.vals.iter().copied()
    }
}
