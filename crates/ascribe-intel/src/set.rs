//! Indicators in compact form.
//!
//! Why: a feed of a million indicators as `Vec<Indicator>` costs about 200 bytes each
//! (three heap strings and the struct); here values share one text buffer and sources and
//! actors (a handful of distinct names) are stored once, about 30 bytes each. Indicators
//! are rebuilt on demand for the few that are reported.

use std::hash::BuildHasher;

use ascribe_model::{Indicator, IndicatorKind, Tlp};
use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};

const NONE: u32 = u32::MAX;

/// Indicators in load order; ids are indices.
#[derive(Debug, Default)]
pub struct IndicatorSet {
    text: String,
    /// (start, end) of each value in `text`.
    spans: Vec<(u32, u32)>,
    kinds: Vec<IndicatorKind>,
    tlps: Vec<Tlp>,
    /// Index into `names`, or [`NONE`].
    sources: Vec<u32>,
    actors: Vec<u32>,
    names: Vec<Box<str>>,
    name_ids: FxHashMap<Box<str>, u32>,
    /// Ids of the current file's indicators by (kind, value), to keep the first of each.
    seen: HashTable<u32>,
}

/// An indicator's fields, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub kind: IndicatorKind,
    pub value: &'a str,
    pub source: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub tlp: Tlp,
}

impl<'a> Parts<'a> {
    pub fn of(i: &'a Indicator) -> Parts<'a> {
        Parts {
            kind: i.kind,
            value: &i.value,
            source: i.source.as_deref(),
            actor: i.actor.as_deref(),
            tlp: i.tlp,
        }
    }
}

/// Why an indicator was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// The same type and value came earlier in the same file.
    Duplicate,
    /// More than 4 GiB of values or 2^32 - 1 indicators.
    Full,
}

fn key_hash(kind: IndicatorKind, value: &str) -> u64 {
    FxBuildHasher.hash_one((kind as u8, value))
}

impl IndicatorSet {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Starts a new file: duplicates are only removed within one file, so that the
    /// same value from two feeds keeps both sources.
    pub fn begin_file(&mut self) {
        self.seen.clear();
        self.seen.shrink_to(0, |_| 0);
    }

    /// Room for `n` more indicators (a loader's estimate from its line count).
    pub fn reserve(&mut self, n: usize) {
        self.spans.reserve(n);
        self.kinds.reserve(n);
        self.tlps.reserve(n);
        self.sources.reserve(n);
        self.actors.reserve(n);
        self.seen.reserve(n, |_| 0);
    }

    fn name_id(&mut self, name: Option<&str>) -> u32 {
        let Some(name) = name else { return NONE };
        if let Some(&i) = self.name_ids.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(NONE);
        let name: Box<str> = name.into();
        self.names.push(name.clone());
        self.name_ids.insert(name, i);
        i
    }

    /// Adds an indicator unless the same type and value came earlier in this file.
    pub fn push(&mut self, ind: Indicator) -> Result<u32, Skipped> {
        self.add(&Parts::of(&ind), true)
    }

    /// [`IndicatorSet::push`] from borrowed parts (no allocation for the caller).
    pub fn push_parts(&mut self, p: &Parts) -> Result<u32, Skipped> {
        self.add(p, true)
    }

    fn add(&mut self, ind: &Parts, dedup: bool) -> Result<u32, Skipped> {
        if !dedup {
            return self.store(ind);
        }
        let h = key_hash(ind.kind, ind.value);
        let (text, spans, kinds) = (&self.text, &self.spans, &self.kinds);
        let same = |&id: &u32| {
            let i = id as usize;
            kinds.get(i) == Some(&ind.kind)
                && spans
                    .get(i)
                    .and_then(|&(s, e)| text.get(s as usize..e as usize))
                    == Some(ind.value)
        };
        if self.seen.find(h, same).is_some() {
            return Err(Skipped::Duplicate);
        }
        let id = self.store(ind)?;
        let (text, spans, kinds) = (&self.text, &self.spans, &self.kinds);
        self.seen.insert_unique(h, id, |&other| {
            let i = other as usize;
            let v = spans
                .get(i)
                .and_then(|&(s, e)| text.get(s as usize..e as usize))
                .unwrap_or("");
            key_hash(kinds.get(i).copied().unwrap_or(IndicatorKind::Ip), v)
        });
        Ok(id)
    }

    fn store(&mut self, ind: &Parts) -> Result<u32, Skipped> {
        let id = u32::try_from(self.spans.len())
            .ok()
            .filter(|&i| i != NONE)
            .ok_or(Skipped::Full)?;
        let start = u32::try_from(self.text.len()).map_err(|_| Skipped::Full)?;
        let end = u32::try_from(self.text.len() + ind.value.len()).map_err(|_| Skipped::Full)?;
        self.text.push_str(ind.value);
        self.spans.push((start, end));
        self.kinds.push(ind.kind);
        self.tlps.push(ind.tlp);
        let source = self.name_id(ind.source);
        self.sources.push(source);
        let actor = self.name_id(ind.actor);
        self.actors.push(actor);
        Ok(id)
    }

    /// The value as written in the file.
    pub fn value(&self, id: u32) -> Option<&str> {
        let &(s, e) = self.spans.get(id as usize)?;
        self.text.get(s as usize..e as usize)
    }

    pub fn kind(&self, id: u32) -> Option<IndicatorKind> {
        self.kinds.get(id as usize).copied()
    }

    fn name(&self, i: Option<&u32>) -> Option<String> {
        i.and_then(|&i| self.names.get(i as usize))
            .map(|n| n.to_string())
    }

    /// The indicator, rebuilt.
    pub fn get(&self, id: u32) -> Option<Indicator> {
        let i = id as usize;
        Some(Indicator {
            kind: self.kind(id)?,
            value: self.value(id)?.to_owned(),
            actor: self.name(self.actors.get(i)),
            source: self.name(self.sources.get(i)),
            // `tlps` is pushed beside `spans`: an id with a span has a TLP,
            // and never the default (TLP:CLEAR) in its place.
            tlp: self.tlps.get(i).copied()?,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Indicator> + '_ {
        (0..u32::try_from(self.len()).unwrap_or(0)).filter_map(|i| self.get(i))
    }

    /// Moves another set's indicators in after this one's (no duplicate removal).
    pub fn append(&mut self, other: IndicatorSet) {
        if self.is_empty() {
            *self = other;
            self.begin_file();
            return;
        }
        for ind in other.iter() {
            let _ = self.add(&Parts::of(&ind), false);
        }
    }
}

impl FromIterator<Indicator> for IndicatorSet {
    /// Every indicator, duplicates included (each is its own "file").
    fn from_iter<T: IntoIterator<Item = Indicator>>(iter: T) -> Self {
        let mut s = IndicatorSet::default();
        for ind in iter {
            let _ = s.add(&Parts::of(&ind), false);
        }
        s
    }
}

impl From<Vec<Indicator>> for IndicatorSet {
    fn from(v: Vec<Indicator>) -> Self {
        v.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(kind: IndicatorKind, v: &str, src: Option<&str>) -> Indicator {
        Indicator {
            kind,
            value: v.to_owned(),
            actor: None,
            source: src.map(str::to_owned),
            tlp: Tlp::Green,
        }
    }

    #[test]
    fn round_trips_and_removes_duplicates_within_a_file() {
        let mut s = IndicatorSet::default();
        let a = ind(IndicatorKind::Ip, "1.2.3.4", Some("feed"));
        assert_eq!(s.push(a.clone()), Ok(0));
        assert_eq!(s.push(a.clone()), Err(Skipped::Duplicate));
        // Same value, other type: kept.
        assert_eq!(s.push(ind(IndicatorKind::Domain, "1.2.3.4", None)), Ok(1));
        s.begin_file();
        assert_eq!(
            s.push(ind(IndicatorKind::Ip, "1.2.3.4", Some("other"))),
            Ok(2)
        );
        assert_eq!(s.get(0), Some(a));
        assert_eq!(s.get(2).and_then(|i| i.source).as_deref(), Some("other"));
        assert_eq!(s.value(1), Some("1.2.3.4"));
        assert_eq!(s.get(3), None);
        assert_eq!(s.len(), 3);
    }
}
