//! Matching observed values against indicators.
//!
//! - Exact addresses: one hash probe (IPv4 as `::ffff:a.b.c.d`, so any textual form matches).
//! - Networks: each network is filed under the buckets it overlaps (the /16 of an IPv4
//!   address, the /32 of an IPv6 one); an address probes its one bucket and tests the few
//!   networks there, plus the short list of networks wider than a bucket. IPv4 networks
//!   never match IPv6 addresses and the reverse.
//! - Domains: the observed name is normalized ([`crate::domain::normalize`]) and each of
//!   its suffixes at a dot is probed, so an indicator matches itself and its subdomains.
//! - URLs: scheme dropped, host normalized, path kept as written; hashes: lowercase hex.
//!
//! Indicators sharing a key are chained through one `next` array, so memory is a few
//! words per indicator whatever the mix.

use ascribe_model::{Indicator, IndicatorKind};
use rustc_hash::FxHashMap;

use crate::domain::{normalize, suffixes};
use crate::net::{Addr, Net};
use crate::set::IndicatorSet;

const NONE: u32 = u32::MAX;

/// Networks of one family, by bucket.
#[derive(Debug, Default)]
struct NetIndex {
    /// Bucket -> networks overlapping that bucket.
    buckets: FxHashMap<u32, Vec<Span>>,
    /// Networks wider than [`MAX_EXPAND`] buckets, tested for every address.
    wide: Vec<Span>,
}

/// A network indicator as the range of addresses it holds (in the 128-bit form of
/// [`Addr`]), kept in the bucket lists themselves: testing an address is two
/// comparisons on memory already read, where looking the network up in a table of its
/// own was a cache miss per network tested (a fifth of the pass with a million
/// indicators). An index holds one family, so a range never meets the other's addresses.
#[derive(Debug, Clone, Copy)]
struct Span {
    lo: u128,
    hi: u128,
    id: u32,
}

impl Span {
    fn of(n: &Net, id: u32) -> Span {
        let width = if n.v4 { 32 } else { 128 };
        let host = width - u32::from(n.prefix.min(width as u8));
        let mask = 1u128.checked_shl(host).map_or(u128::MAX, |b| b - 1);
        Span {
            lo: n.addr.0,
            hi: n.addr.0 | mask,
            id,
        }
    }
}

/// Bits of the address (of the family's own width) that form the bucket number.
const V4_BUCKET_BITS: u8 = 16;
const V6_BUCKET_BITS: u8 = 32;
/// A network spanning more buckets than this goes to the wide list.
const MAX_EXPAND: u32 = 256;

/// Indicators ready to be matched.
#[derive(Debug, Default)]
pub struct Matcher {
    indicators: IndicatorSet,
    /// Network indicators compiled (they live in [`NetIndex`] lists).
    nets: usize,
    next: Vec<u32>,
    /// Exact addresses: IPv4 by its 32 bits (a quarter of the memory of 128-bit keys),
    /// IPv6 by all 128.
    ips4: FxHashMap<u32, u32>,
    ips6: FxHashMap<u128, u32>,
    v4: NetIndex,
    v6: NetIndex,
    domains: FxHashMap<Box<str>, u32>,
    urls: FxHashMap<Box<str>, u32>,
    hashes: FxHashMap<Box<str>, u32>,
}

fn chain(map_head: &mut u32, next: &mut [u32], id: u32) {
    if let Some(n) = next.get_mut(id as usize) {
        *n = *map_head;
    }
    *map_head = id;
}

/// The comparable form of a URL: no scheme, host normalized, no default port, path as written.
pub fn url_key(url: &str) -> String {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(
        rest,
        |(scheme, r)| if scheme.contains('/') { rest } else { r },
    );
    let (host, path) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let host = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(host);
    let path = if path.is_empty() { "/" } else { path };
    format!("{}{}", normalize(host), path)
}

impl Matcher {
    /// Builds a matcher; indicators whose value does not parse for their type are
    /// returned by index (loaders validate, so this is empty for loaded files).
    pub fn new(indicators: impl Into<IndicatorSet>) -> (Matcher, Vec<usize>) {
        let indicators: IndicatorSet = indicators.into();
        let mut m = Matcher {
            next: vec![NONE; indicators.len()],
            ..Matcher::default()
        };
        let mut rejected = Vec::new();
        // Sized once: growing the maps was a tenth of loading a million indicators.
        let mut counts = [0usize; 8];
        for i in 0..indicators.len() {
            let k = u32::try_from(i).ok().and_then(|id| indicators.kind(id));
            if let Some(c) = k.and_then(|k| counts.get_mut(k as usize)) {
                *c += 1;
            }
        }
        let count = |k: IndicatorKind| counts.get(k as usize).copied().unwrap_or(0);
        m.ips4.reserve(count(IndicatorKind::Ip));
        m.domains.reserve(count(IndicatorKind::Domain));
        for i in 0..indicators.len() {
            let Ok(id) = u32::try_from(i) else {
                rejected.push(i);
                continue;
            };
            let (Some(kind), Some(v)) = (indicators.kind(id), indicators.value(id)) else {
                rejected.push(i);
                continue;
            };
            let v = v.trim();
            match kind {
                IndicatorKind::Ip => match Addr::parse(v) {
                    Some(a) if a.is_v4() => {
                        chain(m.ips4.entry(a.v4_bits()).or_insert(NONE), &mut m.next, id);
                    }
                    Some(a) => chain(m.ips6.entry(a.0).or_insert(NONE), &mut m.next, id),
                    None => rejected.push(i),
                },
                IndicatorKind::Cidr => match Net::parse(v) {
                    Some(n) => m.add_net(n, id),
                    None => rejected.push(i),
                },
                IndicatorKind::Domain => {
                    let key: Box<str> = normalize(v).into();
                    chain(m.domains.entry(key).or_insert(NONE), &mut m.next, id);
                }
                IndicatorKind::Url => {
                    let key: Box<str> = url_key(v).into();
                    chain(m.urls.entry(key).or_insert(NONE), &mut m.next, id);
                }
                IndicatorKind::Md5 | IndicatorKind::Sha1 | IndicatorKind::Sha256 => {
                    let key: Box<str> = v.to_ascii_lowercase().into();
                    chain(m.hashes.entry(key).or_insert(NONE), &mut m.next, id);
                }
            }
        }
        m.indicators = indicators;
        (m, rejected)
    }

    fn add_net(&mut self, n: Net, id: u32) {
        self.nets += 1;
        let (index, bits, width) = if n.v4 {
            (&mut self.v4, V4_BUCKET_BITS, 32u8)
        } else {
            (&mut self.v6, V6_BUCKET_BITS, 128u8)
        };
        let packed = Span::of(&n, id);
        if n.prefix >= bits {
            let b = bucket(n.addr, n.v4, bits, width);
            index.buckets.entry(b).or_default().push(packed);
            return;
        }
        let span = 1u32
            .checked_shl(u32::from(bits - n.prefix))
            .unwrap_or(u32::MAX);
        if span > MAX_EXPAND {
            index.wide.push(packed);
            return;
        }
        let first = bucket(n.addr, n.v4, bits, width);
        for b in first..first.saturating_add(span) {
            index.buckets.entry(b).or_default().push(packed);
        }
    }

    pub fn indicators(&self) -> &IndicatorSet {
        &self.indicators
    }

    /// The indicator, rebuilt from the compact set.
    pub fn get(&self, id: u32) -> Option<Indicator> {
        self.indicators.get(id)
    }

    /// The value as written in its file.
    pub fn value(&self, id: u32) -> Option<&str> {
        self.indicators.value(id)
    }

    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// True when no indicator can match an address (lets callers skip work).
    pub fn has_addresses(&self) -> bool {
        !self.ips4.is_empty() || !self.ips6.is_empty() || self.nets > 0
    }

    pub fn has_domains(&self) -> bool {
        !self.domains.is_empty()
    }

    pub fn has_urls(&self) -> bool {
        !self.urls.is_empty()
    }

    pub fn has_hashes(&self) -> bool {
        !self.hashes.is_empty()
    }

    fn walk(&self, mut id: u32, out: &mut Vec<u32>) {
        while id != NONE {
            out.push(id);
            id = self.next.get(id as usize).copied().unwrap_or(NONE);
        }
    }

    /// Appends the ids of indicators matching an address (exact or network).
    pub fn match_addr(&self, a: Addr, out: &mut Vec<u32>) {
        let exact = if a.is_v4() {
            self.ips4.get(&a.v4_bits())
        } else {
            self.ips6.get(&a.0)
        };
        if let Some(&h) = exact {
            self.walk(h, out);
        }
        let (index, bits, width) = if a.is_v4() {
            (&self.v4, V4_BUCKET_BITS, 32u8)
        } else {
            (&self.v6, V6_BUCKET_BITS, 128u8)
        };
        let b = bucket(a, a.is_v4(), bits, width);
        let lists = [
            index.buckets.get(&b).map_or(&[][..], Vec::as_slice),
            &index.wide,
        ];
        for span in lists.into_iter().flatten() {
            if span.lo <= a.0 && a.0 <= span.hi {
                out.push(span.id);
            }
        }
    }

    /// Appends the ids of domain indicators matching a host name or any parent of it.
    pub fn match_host(&self, name: &str, out: &mut Vec<u32>) {
        if self.domains.is_empty() {
            return;
        }
        let n = normalize(name);
        for s in suffixes(&n) {
            if let Some(&h) = self.domains.get(s) {
                self.walk(h, out);
            }
        }
    }

    /// Appends the ids of URL indicators equal to `host` + `path` (an HTTP event's
    /// `hostname` and `url`) or to `path` when it is an absolute URL.
    pub fn match_url(&self, host: Option<&str>, path: &str, out: &mut Vec<u32>) {
        if self.urls.is_empty() {
            return;
        }
        let key = match host {
            Some(h) if !path.contains("://") => url_key(&format!("{h}{path}")),
            _ => url_key(path),
        };
        if let Some(&h) = self.urls.get(key.as_str()) {
            self.walk(h, out);
        }
    }

    /// Appends the ids of hash indicators equal to `hex` (any case).
    pub fn match_hash(&self, hex: &str, out: &mut Vec<u32>) {
        if self.hashes.is_empty() {
            return;
        }
        let key = hex.trim().to_ascii_lowercase();
        if let Some(&h) = self.hashes.get(key.as_str()) {
            self.walk(h, out);
        }
    }
}

fn bucket(a: Addr, v4: bool, bits: u8, width: u8) -> u32 {
    let host = u32::from(width - bits);
    let raw = if v4 {
        u128::from(a.v4_bits()) >> host
    } else {
        a.0 >> host
    };
    // At most `bits` (<= 32) bits remain.
    (raw & 0xffff_ffff) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_model::Tlp;

    fn ind(kind: IndicatorKind, v: &str) -> Indicator {
        Indicator {
            kind,
            value: v.into(),
            actor: None,
            source: None,
            tlp: Tlp::Clear,
        }
    }

    fn ids_addr(m: &Matcher, a: &str) -> Vec<u32> {
        let mut out = Vec::new();
        if let Some(a) = Addr::parse(a) {
            m.match_addr(a, &mut out);
        }
        out.sort_unstable();
        out
    }

    fn ids_host(m: &Matcher, h: &str) -> Vec<u32> {
        let mut out = Vec::new();
        m.match_host(h, &mut out);
        out.sort_unstable();
        out
    }

    #[test]
    fn addresses_and_overlapping_networks() {
        let (m, bad) = Matcher::new(vec![
            ind(IndicatorKind::Ip, "198.51.100.7"),
            ind(IndicatorKind::Cidr, "198.51.0.0/16"),
            ind(IndicatorKind::Cidr, "198.51.100.0/24"),
            ind(IndicatorKind::Cidr, "198.0.0.0/8"),
            ind(IndicatorKind::Cidr, "0.0.0.0/0"),
            ind(IndicatorKind::Ip, "2001:db8::1"),
            ind(IndicatorKind::Cidr, "2001:db8::/32"),
            ind(IndicatorKind::Cidr, "2001:db8:0:1::/64"),
            ind(IndicatorKind::Cidr, "::/0"),
            ind(IndicatorKind::Cidr, "198.51.100.7/32"),
            ind(IndicatorKind::Ip, "nope"),
        ]);
        assert_eq!(bad, [10]);
        assert_eq!(ids_addr(&m, "198.51.100.7"), [0, 1, 2, 3, 4, 9]);
        assert_eq!(ids_addr(&m, "198.51.101.7"), [1, 3, 4]);
        assert_eq!(ids_addr(&m, "10.0.0.1"), [4]);
        assert_eq!(
            ids_addr(&m, "2001:0db8:0000:0000:0000:0000:0000:0001"),
            [5, 6, 8]
        );
        assert_eq!(ids_addr(&m, "2001:db8:0:1::5"), [6, 7, 8]);
        assert_eq!(ids_addr(&m, "2001:db9::1"), [8]);
    }

    #[test]
    fn domains_match_themselves_and_subdomains_only() {
        let domains = [
            "Evil.Example.",
            "c2.evil.example",
            "bücher.de",
            "evil.example",
        ];
        let (m, _) = Matcher::new(domains.map(|d| ind(IndicatorKind::Domain, d)).to_vec());
        assert_eq!(ids_host(&m, "evil.example"), [0, 3]);
        assert_eq!(ids_host(&m, "A.C2.EVIL.example."), [0, 1, 3]);
        assert_eq!(ids_host(&m, "notevil.example"), Vec::<u32>::new());
        assert_eq!(ids_host(&m, "www.xn--bcher-kva.de"), [2]);
        assert_eq!(ids_host(&m, "WWW.BÜCHER.DE"), [2]);
        assert_eq!(ids_host(&m, "example"), Vec::<u32>::new());
    }

    #[test]
    fn urls_and_hashes() {
        let (m, _) = Matcher::new(vec![
            ind(IndicatorKind::Url, "http://C2.Example/gate.php?id=1"),
            ind(
                IndicatorKind::Sha256,
                "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            ),
        ]);
        let mut out = Vec::new();
        m.match_url(Some("c2.example"), "/gate.php?id=1", &mut out);
        m.match_url(None, "https://c2.example:443/gate.php?id=1", &mut out);
        m.match_url(Some("c2.example"), "/gate.php?id=2", &mut out);
        m.match_hash(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            &mut out,
        );
        assert_eq!(out, [0, 0, 1]);
    }
}
