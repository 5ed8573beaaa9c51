//! The end of a run: each thread's groups sorted into output order, merged, and made
//! into rows; the sighting rows.

use std::sync::Arc;

use ascribe_intel::Matcher;
use rustc_hash::FxHashMap;

use super::table::{combine, Agg, Pos, Sight};
use super::{Row, SightingRow};

/// (day, country rank, AS, signature rank, action rank): the output order.
pub(super) type SortKey = (i32, u32, u32, u32, u32);

/// One thread's groups in output order: the keys with their group's place, sorted,
/// and the groups where they were put. Why not `(key, group)` pairs: sorting moved the
/// 80-byte pairs some twenty times each; the 24-byte keys move instead, and each group
/// is read once, by the merge.
pub(super) struct Sorted {
    pub(super) order: Vec<(SortKey, u32)>,
    pub(super) groups: Vec<Agg>,
}

impl Sorted {
    pub(super) fn new(n: usize, pairs: impl Iterator<Item = (SortKey, Agg)>) -> Sorted {
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

pub(super) fn packable(&(_, cc, _, sig, act): &SortKey) -> bool {
    cc < 1 << 16 && sig < 1 << 24 && act < 1 << 24
}

/// A [`SortKey`] as one number in the same order (for keys that are [`packable`]).
pub(super) fn packed(&(day, cc, asn, sig, act): &SortKey) -> u128 {
    // Flipping the sign bit orders signed days as unsigned numbers.
    let day = u128::from(day.cast_unsigned() ^ 0x8000_0000);
    day << 96
        | u128::from(cc) << 80
        | u128::from(asn) << 48
        | u128::from(sig) << 24
        | u128::from(act)
}

pub(super) type Keys = std::iter::Peekable<std::vec::IntoIter<(SortKey, u32)>>;

/// The groups of several [`Sorted`], in key order, equal keys combined.
pub(super) fn merged(parts: Vec<Sorted>) -> impl Iterator<Item = (SortKey, Agg)> {
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
                    .expect("a sorted key points at a group of its own vector");
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
pub(super) const ROW_BATCH: usize = 4096;

/// The output row of a merged group.
pub(super) fn make_row(
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
pub(super) fn sighting_rows(
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
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
}
