//! A binary copy of the flattened tables beside the CSV files they come from.
//!
//! Why: building the tables parses about 1.5 million rows and applies "later row wins",
//! a quarter of a second paid before the first log line is read. The copy loads in a few
//! milliseconds. It is keyed by the source files' paths, sizes and modification times,
//! written atomically (temporary file, then rename), and ignored when it does not match,
//! does not decode, or cannot be written (a read-only folder): it is never needed.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;

use crate::ranges::{put_str, put_vec, Decoder, Le, RangeTable};
use crate::Geo;

const MAGIC: &[u8; 12] = b"ascribe-geo\0";
const VERSION: u32 = 1;
/// The cache file's name inside the geolocation folder.
pub const FILE: &str = ".ascribe-geo-cache";

/// What the cache depends on: each source file's path, size and modification time.
pub fn fingerprint(paths: &[&Path]) -> Option<String> {
    let mut fp = String::new();
    for p in paths {
        let m = std::fs::metadata(p).ok()?;
        let t = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        fp.push_str(&format!("{}\t{}\t{}\n", p.display(), m.len(), t.as_nanos()));
    }
    Some(fp)
}

fn encode(g: &Geo, fp: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 << 20);
    out.extend_from_slice(MAGIC);
    VERSION.put(&mut out);
    put_str(&mut out, fp);
    u32::try_from(g.countries.len())
        .expect("country indices are u16, so their count fits a u32")
        .put(&mut out);
    for c in &g.countries {
        put_str(&mut out, c);
    }
    u32::try_from(g.sources.len())
        .expect("a handful of source descriptions")
        .put(&mut out);
    for s in &g.sources {
        put_str(&mut out, s);
    }
    g.country4.encode(&mut out);
    g.country6.encode(&mut out);
    g.asn4.encode(&mut out);
    g.asn6.encode(&mut out);
    let mut names: Vec<(&u32, &Box<str>)> = g.as_names.iter().collect();
    names.sort_unstable_by_key(|(a, _)| **a);
    let asns: Vec<u32> = names.iter().map(|(a, _)| **a).collect();
    put_vec(&mut out, &asns);
    for (_, n) in names {
        put_str(&mut out, n);
    }
    out
}

fn decode(b: &[u8], fp: &str) -> Option<Geo> {
    let mut d = Decoder { b };
    if d.bytes(MAGIC.len())? != MAGIC || d.num::<u32>()? != VERSION || d.str()? != fp {
        return None;
    }
    let mut g = Geo::empty();
    let n = d.num::<u32>()?;
    g.countries = (0..n)
        .map(|_| d.str().map(String::into_boxed_str))
        .collect::<Option<_>>()?;
    if g.countries.len() > usize::from(u16::MAX) {
        return None;
    }
    g.country_index = g
        .countries
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(i, c)| {
            let i = u16::try_from(i).expect("checked above: at most u16::MAX countries");
            (c.clone(), i)
        })
        .collect();
    let n = d.num::<u32>()?;
    g.sources = (0..n).map(|_| d.str()).collect::<Option<_>>()?;
    g.country4 = RangeTable::decode(&mut d)?;
    g.country6 = RangeTable::decode(&mut d)?;
    g.asn4 = RangeTable::decode(&mut d)?;
    g.asn6 = RangeTable::decode(&mut d)?;
    let asns: Vec<u32> = d.vec()?;
    let mut names = FxHashMap::default();
    names.reserve(asns.len());
    for a in asns {
        names.insert(a, d.str()?.into_boxed_str());
    }
    g.as_names = names;
    // Every country value must name a known country.
    let known = g.countries.len();
    let valid = |v: u16| usize::from(v) < known;
    (d.b.is_empty() && g.country4.values().all(valid) && g.country6.values().all(valid))
        .then_some(g)
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The tables from the cache in `dir`, when it matches `fp`.
pub fn load(dir: &Path, fp: &str) -> Option<Geo> {
    let bytes = std::fs::read(path(dir)).ok()?;
    decode(&bytes, fp)
}

/// Writes the cache; errors (a read-only folder, a full disk) are the caller's to ignore.
pub fn store(dir: &Path, fp: &str, g: &Geo) -> std::io::Result<()> {
    // Unique per process and call: tests open the same folder from several threads.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{FILE}.{}.{seq}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, encode(g, fp));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    std::fs::rename(&tmp, path(dir)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_intel::Addr;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// An ip-location-db layout with a nested (later-wins) row and an AS name.
    fn folder(cc: &str) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(
            d,
            "geo-whois-asn-country/geo-whois-asn-country-ipv4-num.csv",
            &format!("16777216,16777471,AU\n16777300,16777310,{cc}\n"),
        );
        write(
            d,
            "geo-whois-asn-country/geo-whois-asn-country-ipv6-num.csv",
            "42540766411282592856903984951653826560,42540766490510755371168322545197776895,DE\n",
        );
        write(
            d,
            "asn/asn-ipv4-num.csv",
            "16777216,16777471,13335,Cloudflare\n",
        );
        write(d, "asn/asn-ipv6-num.csv", "");
        t
    }

    fn answers(g: &Geo) -> Vec<(String, u32, Option<String>)> {
        [
            "1.0.0.1",
            "1.0.0.90",
            "1.0.0.255",
            "2.0.0.1",
            "2001:db8::1",
            "::1",
        ]
        .iter()
        .map(|s| {
            let i = g.lookup(Addr::parse(s).unwrap());
            let name = g.as_name(i.asn);
            (g.country_code(i.country).to_owned(), i.asn, name)
        })
        .collect()
    }

    #[test]
    fn a_second_open_reads_the_cache_and_answers_the_same() {
        let t = folder("NZ");
        let first = Geo::open(t.path()).unwrap();
        assert!(t.path().join(FILE).is_file());
        assert!(!first.sources.iter().any(|s| s.starts_with("cache:")));
        let second = Geo::open(t.path()).unwrap();
        assert!(second.sources.iter().any(|s| s.starts_with("cache:")));
        assert_eq!(answers(&first), answers(&second));
        assert_eq!(answers(&second)[1].0, "NZ");
        assert_eq!(answers(&second)[0].2.as_deref(), Some("Cloudflare"));
    }

    #[test]
    fn a_damaged_or_stale_cache_is_rebuilt() {
        let t = folder("NZ");
        Geo::open(t.path()).unwrap();
        let cache = t.path().join(FILE);
        // Cut short: ignored, rebuilt from the CSV files.
        let bytes = std::fs::read(&cache).unwrap();
        std::fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
        let g = Geo::open(t.path()).unwrap();
        assert!(!g.sources.iter().any(|s| s.starts_with("cache:")));
        assert_eq!(answers(&g)[1].0, "NZ");
        // A changed source file (other size): the old cache no longer matches.
        write(
            t.path(),
            "geo-whois-asn-country/geo-whois-asn-country-ipv4-num.csv",
            "16777216,16777471,AU\n16777300,16777310,FJ\n16777400,16777401,AU\n",
        );
        let g = Geo::open(t.path()).unwrap();
        assert!(!g.sources.iter().any(|s| s.starts_with("cache:")));
        assert_eq!(answers(&g)[1].0, "FJ");
        assert_eq!(answers(&Geo::open(t.path()).unwrap())[1].0, "FJ");
    }

    #[test]
    fn garbage_never_decodes() {
        for b in [&b""[..], b"ascribe-geo\0", &[0xff; 64]] {
            assert!(decode(b, "fp").is_none());
        }
        let t = folder("NZ");
        let g = Geo::open(t.path()).unwrap();
        let good = encode(&g, "fp");
        assert!(decode(&good, "fp").is_some());
        assert!(decode(&good, "other").is_none());
        for cut in [13, good.len() / 3, good.len() - 1] {
            assert!(decode(&good[..cut], "fp").is_none(), "cut at {cut}");
        }
    }
}
