//! The job's output against the DuckDB peer's, byte for byte, on a generated EVE file;
//! and the real sensor samples in ../shared parse with zero bad lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use ascribe_enrich::Geo;
use ascribe_intel::Matcher;
use ascribe_telemetry::{output, Job, Run};

fn require() -> bool {
    std::env::var(ascribe_testutil::REQUIRE_SHARED).is_ok_and(|v| v == "1")
}

/// The geo folder `scripts/setup-geo.sh` fills (or `$ASCRIBE_GEO_DIR`).
fn geo_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ASCRIBE_GEO_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| ascribe_testutil::workspace_root().join(".geo"));
    if dir.join("geo-whois-asn-country").is_dir() || dir.join("flat").is_dir() {
        return Some(dir);
    }
    assert!(
        !require(),
        "{} is missing: run bash scripts/setup-geo.sh",
        dir.display()
    );
    eprintln!(
        "skipped: no geo databases in {} (run bash scripts/setup-geo.sh)",
        dir.display()
    );
    None
}

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !require(),
            "python3 cannot import duckdb: run bash scripts/setup-bench.sh"
        );
        eprintln!(
            "skipped: python3 cannot import duckdb (bash scripts/setup-bench.sh installs it)"
        );
    }
    ok
}

fn run_ours(eve: &Path, ind: &Path, geo: &Geo, types: &[&str], threads: usize) -> (String, u64) {
    let text = std::fs::read_to_string(ind).unwrap_or_default();
    let loaded = ascribe_intel::load(&text, "ind.csv");
    assert!(
        loaded.diagnostics.is_empty(),
        "{:?}",
        loaded.diagnostics.first()
    );
    let (m, rejected) = Matcher::new(loaded.indicators);
    assert!(rejected.is_empty());
    let mut job = Job::new(&m, Some(geo));
    job.event_types = types.iter().map(|s| (*s).to_owned()).collect();
    job.threads = threads;
    job.chunk_bytes = 256 * 1024; // many chunks, so the hand-over between threads is exercised
    let mut run = Run::new(&job);
    let f = std::fs::File::open(eve).map_err(|e| e.to_string());
    let Ok(f) = f else {
        panic!("cannot open {}", eve.display())
    };
    let fed = run.feed(&eve.display().to_string(), f, &|_| {});
    assert!(fed.is_ok());
    if threads == 1 {
        let out = run.finish();
        return (output::csv(&out.rows), out.summary.bad_lines);
    }
    // With more threads, the streamed path a CSV-only `telemetry ingest` takes.
    let Ok(mut csv) = output::CsvWriter::new(Vec::new()) else {
        panic!("csv header")
    };
    let out = run.finish_each(|r| csv.row(&r));
    let Ok(out) = out else { panic!("csv row") };
    assert!(out.rows.is_empty());
    let Ok(bytes) = csv.finish() else {
        panic!("csv flush")
    };
    assert_eq!(
        out.summary.rows,
        bytes.iter().filter(|&&b| b == b'\n').count() as u64 - 1
    );
    (
        String::from_utf8(bytes).unwrap_or_default(),
        out.summary.bad_lines,
    )
}

#[test]
fn aggregates_equal_the_duckdb_peer_byte_for_byte() {
    let Some(gen) = ascribe_testutil::shared_file("bench/gen_eve.py") else {
        return;
    };
    let Some(peer) = ascribe_testutil::shared_file("bench/peers/duckdb_peer.py") else {
        return;
    };
    let Some(prep) = ascribe_testutil::shared_file("bench/prep_geo.py") else {
        return;
    };
    let Some(geo_dir) = geo_dir() else { return };
    if !duckdb_available() {
        return;
    }
    let Ok(tmp) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let eve = tmp.path().join("eve.json");
    let ind = tmp.path().join("ind.csv");
    let st = Command::new("python3")
        .arg(&gen)
        .args([
            "--lines",
            "30000",
            "--indicators",
            "5000",
            "--ind-hit",
            "0.5",
            "--ind-event-rate",
            "0.05",
        ])
        .arg("--out")
        .arg(&eve)
        .arg("--ind-out")
        .arg(&ind)
        .status();
    assert!(st.is_ok_and(|s| s.success()), "gen_eve.py failed");

    // The peer reads GEO/flat/, which prep_geo.py derives; ours reads the packages as fetched.
    let peer_geo = tmp.path().join("geo");
    let _ = std::fs::create_dir_all(&peer_geo);
    if geo_dir.join("flat").is_dir() {
        let _ = std::os::unix::fs::symlink(geo_dir.join("flat"), peer_geo.join("flat"));
    } else {
        for pkg in ["geo-whois-asn-country", "asn", "geo-whois-asn-country-mmdb"] {
            let _ = std::os::unix::fs::symlink(geo_dir.join(pkg), peer_geo.join(pkg));
        }
        let st = Command::new("python3").arg(&prep).arg(&peer_geo).status();
        assert!(st.is_ok_and(|s| s.success()), "prep_geo.py failed");
    }
    let geo = Geo::open(&geo_dir);
    let Ok(geo) = geo else {
        panic!("geo: {:?}", geo.err())
    };

    for types in [&["alert"][..], &["alert", "flow"][..]] {
        let peer_out = tmp.path().join("peer.csv");
        let st = Command::new("python3")
            .arg(&peer)
            .args([&eve, &ind, &peer_geo, &peer_out])
            .env("EVENT_TYPES", types.join(","))
            .env("THREADS", "2")
            .status();
        assert!(st.is_ok_and(|s| s.success()), "duckdb peer failed");
        let want = std::fs::read_to_string(&peer_out).unwrap_or_default();
        assert!(
            want.lines().count() > 100,
            "the peer produced too little to compare"
        );
        for threads in [1, 2] {
            let (got, bad) = run_ours(&eve, &ind, &geo, types, threads);
            assert_eq!(bad, 0);
            if got != want {
                let first = got.lines().zip(want.lines()).position(|(a, b)| a != b);
                panic!(
                    "{types:?}, {threads} threads: output differs from the DuckDB peer's at line {first:?} \
                     ({} vs {} lines)",
                    got.lines().count(),
                    want.lines().count()
                );
            }
        }
    }
}

fn read_all(p: &Path) -> Vec<u8> {
    let raw = std::fs::read(p).unwrap_or_default();
    if p.extension().is_some_and(|e| e == "gz") {
        use std::io::Read;
        let mut out = Vec::new();
        let r = flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out);
        assert!(r.is_ok(), "gunzip {}", p.display());
        return out;
    }
    raw
}

#[test]
fn real_sensor_samples_parse_with_zero_bad_lines() {
    let Some(dir) = ascribe_testutil::shared_file("data/telemetry") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            if name.ends_with(".json")
                || name.ends_with(".json.gz")
                || name.ends_with(".log")
                || name.ends_with(".log.gz")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the Suricata and Zeek samples, found {}",
        files.len()
    );
    let (m, _) = Matcher::new(Vec::new());
    for f in files {
        let mut job = Job::new(&m, None);
        job.event_types = Vec::new();
        let mut run = Run::new(&job);
        let name = f.display().to_string();
        let data = read_all(&f);
        let format = run.feed(&name, &data[..], &|_| {});
        let out = run.finish();
        assert!(format.is_ok());
        assert_eq!(
            out.summary.bad_lines,
            0,
            "{name}: {:?}",
            out.summary.bad_examples.first()
        );
        assert!(out.summary.lines > 0, "{name}: no events read");
        assert!(out.summary.selected_events > 0, "{name}: no records");
    }
}
