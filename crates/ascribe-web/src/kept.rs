//! Results kept between requests, each with the revision of the incident it
//! was computed from. Every write to an incident raises its revision in the
//! same transaction (store migration 0014), so one number read per request
//! tells exactly whether a kept result is still true: a reader never sees a
//! stale verdict, and paging through a 10,000-item matrix does not assess the
//! incident again for every page.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// At most `cap` results; the one used longest ago goes first.
pub(crate) struct Kept<K, V> {
    cap: usize,
    tick: u64,
    map: HashMap<K, Entry<V>>,
}

struct Entry<V> {
    revision: i64,
    used: u64,
    value: Arc<V>,
}

impl<K: Hash + Eq, V> Kept<K, V> {
    pub(crate) fn new(cap: usize) -> Self {
        Kept {
            cap: cap.max(1),
            tick: 0,
            map: HashMap::new(),
        }
    }

    /// The result kept for `key` if it was computed at `revision`.
    pub(crate) fn get(&mut self, key: &K, revision: i64) -> Option<Arc<V>> {
        self.tick += 1;
        let tick = self.tick;
        let e = self.map.get_mut(key)?;
        if e.revision != revision {
            return None;
        }
        e.used = tick;
        Some(e.value.clone())
    }

    /// Keeps `value`, computed at `revision`, for `key`. A result computed
    /// at an older revision than the one kept is not kept: two requests that
    /// raced keep the newer.
    pub(crate) fn put(&mut self, key: K, revision: i64, value: Arc<V>) {
        self.tick += 1;
        if self.map.get(&key).is_some_and(|e| e.revision > revision) {
            return;
        }
        if !self.map.contains_key(&key) && self.map.len() >= self.cap {
            self.evict();
        }
        self.map.insert(
            key,
            Entry {
                revision,
                used: self.tick,
                value,
            },
        );
    }

    /// Drops the entry used longest ago. Linear in `cap`, which is small for
    /// the big results and large only for the small ones (one per incident
    /// and clearance), where it runs once per incident past the cap.
    fn evict(&mut self) {
        let oldest = self
            .map
            .iter()
            .min_by_key(|(_, e)| e.used)
            .map(|(_, e)| e.used);
        if let Some(used) = oldest {
            self.map.retain(|_, e| e.used != used);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_given_back_only_at_its_revision() {
        let mut k = Kept::new(4);
        k.put("a", 3, Arc::new(30));
        assert_eq!(k.get(&"a", 3).as_deref(), Some(&30));
        assert_eq!(k.get(&"a", 4), None, "the incident changed since");
        assert_eq!(k.get(&"b", 3), None);
        k.put("a", 2, Arc::new(20));
        assert_eq!(
            k.get(&"a", 3).as_deref(),
            Some(&30),
            "an older result never replaces a newer"
        );
        k.put("a", 4, Arc::new(40));
        assert_eq!(k.get(&"a", 4).as_deref(), Some(&40));
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let mut k = Kept::new(2);
        k.put("a", 1, Arc::new(1));
        k.put("b", 1, Arc::new(2));
        assert!(k.get(&"a", 1).is_some());
        k.put("c", 1, Arc::new(3));
        assert_eq!(k.len(), 2);
        assert!(k.get(&"b", 1).is_none(), "b was used longest ago");
        assert!(k.get(&"a", 1).is_some());
        assert!(k.get(&"c", 1).is_some());
    }
}
