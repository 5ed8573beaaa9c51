//! The ranges flattened from the ip-location-db CSVs ("later row wins") answer like the
//! vendor's own MaxMind DB at every range boundary, and an mmdb-only folder works too.

use std::net::IpAddr;
use std::path::PathBuf;

use ascribe_enrich::Geo;
use ascribe_intel::Addr;

fn geo_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ASCRIBE_GEO_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| ascribe_testutil::workspace_root().join(".geo"));
    if dir.join("geo-whois-asn-country").is_dir() && dir.join("geo-whois-asn-country-mmdb").is_dir()
    {
        return Some(dir);
    }
    let required = std::env::var(ascribe_testutil::REQUIRE_SHARED).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{} is missing: run bash scripts/setup-geo.sh",
        dir.display()
    );
    eprintln!(
        "skipped: no ip-location-db packages in {} (run bash scripts/setup-geo.sh)",
        dir.display()
    );
    None
}

#[derive(serde::Deserialize)]
struct Rec<'a> {
    country_code: &'a str,
}

#[test]
fn flattened_csv_ranges_agree_with_the_vendor_mmdb_at_every_boundary() {
    let Some(dir) = geo_dir() else { return };
    // Only the CSV packages: the country answers come from the flattened ranges.
    let tmp = tempfile::tempdir().unwrap();
    for pkg in ["geo-whois-asn-country", "asn"] {
        std::os::unix::fs::symlink(dir.join(pkg), tmp.path().join(pkg)).unwrap();
    }
    let geo = Geo::open(tmp.path()).unwrap();
    let mmdb = maxminddb::Reader::open_readfile(
        dir.join("geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb"),
    )
    .unwrap();
    let mut checked = 0u64;
    let mut mismatches = Vec::new();
    for (file, v4) in [
        ("geo-whois-asn-country-ipv4-num.csv", true),
        ("geo-whois-asn-country-ipv6-num.csv", false),
    ] {
        let text = std::fs::read_to_string(dir.join("geo-whois-asn-country").join(file)).unwrap();
        for line in text.lines() {
            let mut it = line.split(',');
            let (Some(s), Some(e)) = (it.next(), it.next()) else {
                continue;
            };
            let (s, e): (u128, u128) = (s.parse().unwrap(), e.parse().unwrap());
            for p in [Some(s), Some(e), s.checked_sub(1), e.checked_add(1)]
                .into_iter()
                .flatten()
            {
                let (ip, addr) = if v4 {
                    let Ok(x) = u32::try_from(p) else { continue };
                    (
                        IpAddr::V4(x.into()),
                        Addr(ascribe_intel::net::V4_MAPPED | u128::from(x)),
                    )
                } else {
                    (IpAddr::V6(p.into()), Addr(p))
                };
                let want = mmdb
                    .lookup::<Rec>(ip)
                    .map(|r| r.country_code.to_owned())
                    .unwrap_or_default();
                let got = geo.country_code(geo.lookup(addr).country).to_owned();
                checked += 1;
                if got != want && mismatches.len() < 5 {
                    mismatches.push(format!("{ip}: ours {got:?}, mmdb {want:?}"));
                }
            }
        }
    }
    assert!(checked > 1_000_000, "{checked}");
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

#[test]
fn an_mmdb_only_folder_and_the_csv_folder_agree_on_known_addresses() {
    let Some(dir) = geo_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        dir.join("geo-whois-asn-country-mmdb"),
        tmp.path().join("mmdb"),
    )
    .unwrap();
    let only_mmdb = Geo::open(tmp.path()).unwrap();
    let csv = Geo::open(&dir).unwrap();
    for (ip, cc, asn) in [
        ("8.8.8.8", "US", 15169),
        ("77.88.55.242", "RU", 13238),
        ("2001:4860:4860::8888", "US", 15169),
    ] {
        let a = Addr::parse(ip).unwrap();
        assert_eq!(
            only_mmdb.country_code(only_mmdb.lookup(a).country),
            cc,
            "{ip}"
        );
        let info = csv.lookup(a);
        assert_eq!(csv.country_code(info.country), cc, "{ip}");
        assert_eq!(info.asn, asn, "{ip}");
    }
    assert_eq!(csv.as_name(15169).as_deref(), Some("Google LLC"));
    assert_eq!(csv.lookup(Addr::parse("10.1.2.3").unwrap()).country, 0);
}

#[test]
fn an_empty_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Geo::open(tmp.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("bash scripts/setup-geo.sh"), "{err}");
}
