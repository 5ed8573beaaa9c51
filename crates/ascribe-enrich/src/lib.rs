//! IP address → country and autonomous system (number and name).
//!
//! One folder (`--geo DIR`) is searched in this order:
//!
//! 1. `DIR/flat/{country,asn}_v{4,6}.csv`: disjoint `start,end,value` ranges (what the
//!    benchmark peers read, written by `prep_geo.py`);
//! 2. the ip-location-db packages as they unpack: `DIR/geo-whois-asn-country/*-num.csv`
//!    and `DIR/asn/asn-ipv{4,6}-num.csv`. Their ranges overlap (geofeed entries nested in
//!    whois blocks); they are flattened with the vendor's rule, "the later row wins",
//!    which is what the vendor's `.mmdb` encodes;
//! 3. MaxMind DB files (`*.mmdb`: GeoLite2-Country / GeoLite2-ASN / GeoLite2-City, or
//!    ip-location-db's `geo-whois-asn-country.mmdb`), looked up with the `maxminddb` crate.
//!
//! AS names come from the `asn` CSV (4th column) when it is there, or from a GeoLite2-ASN
//! database. A folder with none of these is a [`GeoError::Missing`] whose message says how
//! to get the default databases.

mod cache;
mod ranges;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use ascribe_intel::Addr;
use rustc_hash::FxHashMap;
use serde::Deserialize;

pub use ranges::{flatten_later_wins, flatten_later_wins_reference, RangeTable};

/// What went wrong opening a geo folder.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeoError {
    #[error(
        "no geolocation database in {dir}: expected flat/country_v4.csv, \
         geo-whois-asn-country/geo-whois-asn-country-ipv4-num.csv or a *.mmdb file \
         (run `bash scripts/setup-geo.sh` to fetch the free ip-location-db databases into ./.geo, \
         or pass --geo DIR with GeoLite2-Country.mmdb and GeoLite2-ASN.mmdb)"
    )]
    Missing { dir: PathBuf },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Format {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("cannot open MaxMind DB {path}: {reason}")]
    Mmdb { path: PathBuf, reason: String },
}

/// The answer for one address: a country index (see [`Geo::country_code`]; 0 is unknown)
/// and an AS number (0 is unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GeoInfo {
    pub country: u16,
    pub asn: u32,
}

/// Opened databases; cheap to share between threads (`&Geo`).
pub struct Geo {
    countries: Vec<Box<str>>,
    country_index: FxHashMap<Box<str>, u16>,
    country4: RangeTable<u32, u16>,
    country6: RangeTable<u128, u16>,
    asn4: RangeTable<u32, u32>,
    asn6: RangeTable<u128, u32>,
    /// `country4` and `asn4` overlaid (and then emptied): one search per IPv4 lookup
    /// instead of two.
    both4: ranges::Table4,
    as_names: FxHashMap<u32, Box<str>>,
    mmdb_country: Option<maxminddb::Reader<Vec<u8>>>,
    mmdb_asn: Option<maxminddb::Reader<Vec<u8>>>,
    /// One line per source used, for summaries and provenance.
    pub sources: Vec<String>,
}

impl std::fmt::Debug for Geo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Geo")
            .field("sources", &self.sources)
            .finish()
    }
}

#[derive(Deserialize)]
struct MmdbCountry<'a> {
    #[serde(borrow, default)]
    country_code: Option<&'a str>,
    #[serde(borrow, default)]
    country: Option<MmdbIso<'a>>,
    #[serde(borrow, default)]
    registered_country: Option<MmdbIso<'a>>,
}

#[derive(Deserialize)]
struct MmdbIso<'a> {
    #[serde(borrow, default)]
    iso_code: Option<&'a str>,
}

#[derive(Deserialize)]
struct MmdbAsn<'a> {
    #[serde(default)]
    autonomous_system_number: Option<u32>,
    #[serde(borrow, default)]
    autonomous_system_organization: Option<&'a str>,
}

/// A file's rows as ranges (where the vendor's rows overlap, the later row
/// wins), with where they came from added to `sources`.
fn ranges_of<V: Copy + PartialEq>(
    rows: Vec<(u128, u128, V)>,
    overlapping: bool,
    what: &str,
    path: &Path,
    sources: &mut Vec<String>,
) -> Vec<(u128, u128, V)> {
    let n = rows.len();
    let rows = if overlapping {
        flatten_later_wins(rows)
    } else {
        rows
    };
    sources.push(format!(
        "{what}: {} ({n} rows{})",
        path.display(),
        if overlapping { ", later row wins" } else { "" }
    ));
    rows
}

fn fmt_err(path: &Path, line: usize, reason: impl Into<String>) -> GeoError {
    GeoError::Format {
        path: path.to_owned(),
        line,
        reason: reason.into(),
    }
}

/// Calls `f(line, start, end, value, rest)` for each row `start,end,value[,...]` of
/// decimal integers, reading the file line by line (no copy of the whole file).
fn each_num_row(
    path: &Path,
    mut f: impl FnMut(usize, u128, u128, &str, &str) -> Result<(), GeoError>,
) -> Result<(), GeoError> {
    use std::io::BufRead;
    let io = |source| GeoError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, file);
    let mut buf = String::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        if r.read_line(&mut buf).map_err(io)? == 0 {
            return Ok(());
        }
        n += 1;
        let line = buf.trim_end_matches(['\n', '\r']);
        if line.is_empty() {
            continue;
        }
        let mut it = line.splitn(4, ',');
        let (Some(s), Some(e), Some(v)) = (it.next(), it.next(), it.next()) else {
            return Err(fmt_err(path, n, "expected start,end,value"));
        };
        let rest = it.next().unwrap_or("");
        let (Ok(s), Ok(e)) = (s.parse::<u128>(), e.parse::<u128>()) else {
            return Err(fmt_err(path, n, "start and end must be decimal integers"));
        };
        if e < s {
            return Err(fmt_err(path, n, "end is before start"));
        }
        f(n, s, e, v, rest)?;
    }
}

impl Geo {
    /// Opens the databases in `dir` (see the crate documentation for the layouts).
    fn empty() -> Geo {
        Geo {
            countries: vec!["".into()],
            country_index: FxHashMap::default(),
            country4: RangeTable::default(),
            country6: RangeTable::default(),
            asn4: RangeTable::default(),
            asn6: RangeTable::default(),
            both4: ranges::Table4::default(),
            as_names: FxHashMap::default(),
            mmdb_country: None,
            mmdb_asn: None,
            sources: Vec::new(),
        }
    }

    pub fn open(dir: &Path) -> Result<Geo, GeoError> {
        let mut g = Geo::open_tables(dir)?;
        // The separate v4 tables are only the overlay's input; dropping them keeps memory
        // as it was before the overlay.
        let (country4, asn4) = (std::mem::take(&mut g.country4), std::mem::take(&mut g.asn4));
        g.both4 = ranges::overlay_v4(&country4, &asn4);
        Ok(g)
    }

    fn open_tables(dir: &Path) -> Result<Geo, GeoError> {
        let mut g = Geo::empty();
        let flat = dir.join("flat");
        let raw_cc = dir.join("geo-whois-asn-country");
        let raw_asn = dir.join("asn");
        let country_files = if flat.join("country_v4.csv").is_file() {
            Some((
                flat.join("country_v4.csv"),
                flat.join("country_v6.csv"),
                false,
            ))
        } else if raw_cc.join("geo-whois-asn-country-ipv4-num.csv").is_file() {
            Some((
                raw_cc.join("geo-whois-asn-country-ipv4-num.csv"),
                raw_cc.join("geo-whois-asn-country-ipv6-num.csv"),
                true,
            ))
        } else {
            None
        };
        let asn_files = if flat.join("asn_v4.csv").is_file() {
            Some((flat.join("asn_v4.csv"), flat.join("asn_v6.csv"), false))
        } else if raw_asn.join("asn-ipv4-num.csv").is_file() {
            Some((
                raw_asn.join("asn-ipv4-num.csv"),
                raw_asn.join("asn-ipv6-num.csv"),
                true,
            ))
        } else {
            None
        };
        let have_country = country_files.is_some();
        let have_asn = asn_files.is_some();
        // The flattened tables from an earlier run, when the CSV files have not changed
        // (`ASCRIBE_GEO_CACHE=0` turns the cache off).
        let use_cache = std::env::var_os("ASCRIBE_GEO_CACHE").is_none_or(|v| v != "0");
        let fp = match (&country_files, &asn_files) {
            (Some((c4, c6, _)), Some((a4, a6, _))) if use_cache => {
                cache::fingerprint(&[c4, c6, a4, a6])
            }
            _ => None,
        };
        if let Some(mut cached) = fp.as_deref().and_then(|fp| cache::load(dir, fp)) {
            cached.sources.push(format!(
                "cache: {} (the tables above, built by an earlier run)",
                dir.join(cache::FILE).display()
            ));
            return Ok(cached);
        }
        // The country and AS tables are independent: build the AS tables on a second
        // thread (each takes a few tenths of a second), then move them in.
        let (country_loaded, asn_loaded) = std::thread::scope(|s| {
            let asn_task = asn_files.as_ref().map(|(v4, v6, overlapping)| {
                s.spawn(move || {
                    let mut a = Geo::empty();
                    a.load_asn(v4, v6, *overlapping).map(|()| a)
                })
            });
            let country_loaded = match &country_files {
                Some((v4, v6, overlapping)) => g.load_country(v4, v6, *overlapping),
                None => Ok(()),
            };
            (country_loaded, asn_task.map(|h| h.join()))
        });
        country_loaded?;
        match asn_loaded {
            None => {}
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            Some(Ok(a)) => {
                let a = a?;
                g.asn4 = a.asn4;
                g.asn6 = a.asn6;
                g.as_names = a.as_names;
                g.sources.extend(a.sources);
            }
        }
        if g.as_names.is_empty() && raw_asn.join("asn-ipv4-num.csv").is_file() {
            g.load_as_names(&raw_asn.join("asn-ipv4-num.csv"))?;
            g.load_as_names(&raw_asn.join("asn-ipv6-num.csv"))?;
        }
        if !have_country || !have_asn {
            for path in find_mmdb(dir) {
                let reader =
                    maxminddb::Reader::open_readfile(&path).map_err(|e| GeoError::Mmdb {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                let ty = reader.metadata.database_type.to_ascii_lowercase();
                if ty.contains("asn") {
                    if !have_asn && g.mmdb_asn.is_none() {
                        g.sources.push(format!("asn: {} ({ty})", path.display()));
                        g.mmdb_asn = Some(reader);
                    }
                } else if !have_country && g.mmdb_country.is_none() {
                    g.sources
                        .push(format!("country: {} ({ty})", path.display()));
                    g.mmdb_country = Some(reader);
                    // Lookups take `&self`: give every two-letter code an index up front.
                    for a in b'A'..=b'Z' {
                        for b in b'A'..=b'Z' {
                            let code = [a, b];
                            let code =
                                std::str::from_utf8(&code).expect("two ASCII capitals are UTF-8");
                            g.country_idx(code)
                                .expect("676 two-letter codes fit the u16 country indices");
                        }
                    }
                }
            }
        }
        if !have_country && g.mmdb_country.is_none() && !have_asn && g.mmdb_asn.is_none() {
            return Err(GeoError::Missing {
                dir: dir.to_owned(),
            });
        }
        if let Some(fp) = &fp {
            // Best effort: a folder we cannot write to just means no cache.
            let _ = cache::store(dir, fp, &g);
        }
        Ok(g)
    }

    /// The index of a country code, given one when it is new; `None` when
    /// every index of a `u16` is taken (a file with more distinct codes than
    /// that is no country table).
    fn country_idx(&mut self, code: &str) -> Option<u16> {
        if code.is_empty() {
            return Some(0);
        }
        if let Some(&i) = self.country_index.get(code) {
            return Some(i);
        }
        let i = u16::try_from(self.countries.len()).ok()?;
        self.countries.push(code.into());
        self.country_index.insert(code.into(), i);
        Some(i)
    }

    fn load_country(&mut self, v4: &Path, v6: &Path, overlapping: bool) -> Result<(), GeoError> {
        for (path, is4) in [(v4, true), (v6, false)] {
            if !path.is_file() {
                continue;
            }
            let mut vals: Vec<(u128, u128, u16)> = Vec::new();
            each_num_row(path, |line, s, e, v, _| {
                let Some(idx) = self.country_idx(v.trim()) else {
                    return Err(fmt_err(
                        path,
                        line,
                        "more than 65,535 distinct country codes",
                    ));
                };
                vals.push((s, e, idx));
                Ok(())
            })?;
            let vals = ranges_of(vals, overlapping, "country", path, &mut self.sources);
            if is4 {
                self.country4 = RangeTable::new_v4(&vals);
            } else {
                self.country6 = RangeTable::new_v6(vals);
            }
        }
        Ok(())
    }

    fn load_asn(&mut self, v4: &Path, v6: &Path, overlapping: bool) -> Result<(), GeoError> {
        for (path, is4) in [(v4, true), (v6, false)] {
            if !path.is_file() {
                continue;
            }
            let mut vals: Vec<(u128, u128, u32)> = Vec::new();
            let names = &mut self.as_names;
            each_num_row(path, |line, s, e, v, rest| {
                let Ok(asn) = v.trim().parse::<u32>() else {
                    return Err(fmt_err(path, line, "AS number must be an integer"));
                };
                vals.push((s, e, asn));
                if !rest.is_empty() && !names.contains_key(&asn) {
                    names.insert(asn, as_name_field(rest).into());
                }
                Ok(())
            })?;
            let vals = ranges_of(vals, overlapping, "asn", path, &mut self.sources);
            if is4 {
                self.asn4 = RangeTable::new_v4(&vals);
            } else {
                self.asn6 = RangeTable::new_v6(vals);
            }
        }
        Ok(())
    }

    fn load_as_names(&mut self, path: &Path) -> Result<(), GeoError> {
        if !path.is_file() {
            return Ok(());
        }
        let names = &mut self.as_names;
        each_num_row(path, |_, _, _, asn, rest| {
            if let Ok(asn) = asn.parse::<u32>() {
                if !rest.is_empty() && !names.contains_key(&asn) {
                    names.insert(asn, as_name_field(rest).into());
                }
            }
            Ok(())
        })
    }

    /// Country and AS of an address.
    pub fn lookup(&self, a: Addr) -> GeoInfo {
        if a.is_v4() {
            let (country, asn) = self.both4.get(a.v4_bits());
            let mut info = GeoInfo { country, asn };
            self.mmdb_fill(a, &mut info);
            return info;
        }
        let mut info = GeoInfo {
            country: self.country6.get(a.0).unwrap_or(0),
            asn: self.asn6.get(a.0).unwrap_or(0),
        };
        self.mmdb_fill(a, &mut info);
        info
    }

    fn mmdb_fill(&self, a: Addr, info: &mut GeoInfo) {
        if self.mmdb_country.is_none() && self.mmdb_asn.is_none() {
            return;
        }
        let ip: IpAddr = if a.is_v4() {
            IpAddr::V4(a.v4_bits().into())
        } else {
            IpAddr::V6(a.0.into())
        };
        if let Some(r) = &self.mmdb_country {
            if let Ok(rec) = r.lookup::<MmdbCountry>(ip) {
                let code = rec
                    .country_code
                    .or_else(|| rec.country.and_then(|c| c.iso_code))
                    .or_else(|| rec.registered_country.and_then(|c| c.iso_code));
                if let Some(code) = code {
                    info.country = self.country_index.get(code).copied().unwrap_or(0);
                }
            }
        }
        if let Some(r) = &self.mmdb_asn {
            if let Ok(rec) = r.lookup::<MmdbAsn>(ip) {
                info.asn = rec.autonomous_system_number.unwrap_or(0);
            }
        }
    }

    /// The ISO code for a country index (`""` for unknown).
    pub fn country_code(&self, idx: u16) -> &str {
        self.countries.get(usize::from(idx)).map_or("", |s| s)
    }

    /// The AS name, where the data has it.
    pub fn as_name(&self, asn: u32) -> Option<String> {
        if let Some(n) = self.as_names.get(&asn) {
            return Some(n.to_string());
        }
        None
    }

    /// The AS name of an address from a GeoLite2-ASN database, when one is open.
    pub fn as_name_of(&self, a: Addr) -> Option<String> {
        let r = self.mmdb_asn.as_ref()?;
        let ip: IpAddr = if a.is_v4() {
            IpAddr::V4(a.v4_bits().into())
        } else {
            IpAddr::V6(a.0.into())
        };
        let rec = r.lookup::<MmdbAsn>(ip).ok()?;
        rec.autonomous_system_organization.map(str::to_owned)
    }
}

/// The AS name column (CSV, maybe quoted).
fn as_name_field(rest: &str) -> String {
    if !rest.starts_with('"') {
        return rest.to_owned();
    }
    ascribe_intel::csvline::split(rest, b',')
        .and_then(|f| f.into_iter().next())
        .unwrap_or_default()
}

/// `*.mmdb` files in `dir` and its direct subfolders, sorted by path.
fn find_mmdb(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                dirs.push(e.path());
            }
        }
    }
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // ip-location-db ships v4-only and v6-only copies beside the combined file.
            if name.ends_with(".mmdb")
                && !name.ends_with("-ipv4.mmdb")
                && !name.ends_with("-ipv6.mmdb")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
