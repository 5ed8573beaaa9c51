//! `ascribe telemetry ingest` end to end: formats, compression, stdin, exit codes,
//! messages, and evidence attached to the example incident.

mod common;

use common::{root, text};

use std::path::Path;
use std::process::Output;

/// `ascribe` with these variables and standard input (empty when `None`:
/// never the terminal's).
fn ascribe_env(db: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    common::ascribe_with(db, args, env, Some(stdin.unwrap_or(&[])))
}

fn sample() -> String {
    root()
        .join("examples/telemetry/eve-sample.json.gz")
        .display()
        .to_string()
}

fn indicators() -> String {
    root()
        .join("examples/telemetry/indicators.csv")
        .display()
        .to_string()
}

/// `telemetry ingest INPUT` without geolocation, with `more` arguments.
fn ingest(db: &Path, input: &str, more: &[&str]) -> Output {
    let args = [&["telemetry", "ingest", input, "--no-geo"], more].concat();
    ascribe(db, &args, None)
}

/// `telemetry ingest INPUT` against the example indicators, without
/// geolocation, as CSV, with these variables and standard input.
fn ingest_csv(db: &Path, input: &str, stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let indicators = indicators();
    let args = [
        "telemetry",
        "ingest",
        input,
        "--no-geo",
        "--indicators",
        &indicators,
        "--format",
        "csv",
    ];
    ascribe_env(db, &args, stdin, env)
}

fn ascribe(db: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    ascribe_env(db, args, stdin, &[])
}

#[test]
fn gzip_plain_zstd_and_stdin_give_the_same_csv() {
    let (dir, db) = common::temp_db();
    let gz = ingest_csv(&db, &sample(), None, &[]);
    assert_eq!(gz.status.code(), Some(0), "{}", text(&gz.stderr));
    let out = text(&gz.stdout);
    assert!(out.starts_with(
        "day,src_country,src_asn,signature,action,events,matched_events,matched_indicators\n"
    ));
    assert!(
        out.contains("175.6.90.140"),
        "the planted APT29 address is matched"
    );
    let err = text(&gz.stderr);
    assert!(err.contains("2000 lines"), "{err}");
    assert!(err.contains("alert 572"), "{err}");

    let raw = {
        use std::io::Read;
        let f = std::fs::File::open(sample()).unwrap();
        let mut v = Vec::new();
        flate2::read::MultiGzDecoder::new(f)
            .read_to_end(&mut v)
            .unwrap();
        v
    };
    let plain = common::write(dir.path(), "eve.json", &raw);
    let zst = common::write(
        dir.path(),
        "eve.json.zst",
        zstd::encode_all(&raw[..], 3).unwrap(),
    );
    for input in [plain.display().to_string(), zst.display().to_string()] {
        let o = ingest_csv(&db, &input, None, &[]);
        assert_eq!(text(&o.stdout), out, "{input}");
    }
    let o = ingest_csv(&db, "-", Some(&raw), &[]);
    assert_eq!(text(&o.stdout), out, "stdin");
    // A quoted glob and a folder find the same file.
    let glob = dir.path().join("eve.js?n").display().to_string();
    let o = ingest_csv(&db, &glob, None, &[]);
    assert_eq!(text(&o.stdout), out, "glob");
}

/// Large plain files at rest are read through mapped windows: the same rows, counts and
/// bad-line positions as reading them with `read`.
#[test]
fn a_mapped_file_gives_what_a_read_one_gives() {
    use std::io::Read;
    let (dir, db) = common::temp_db();
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(sample()).unwrap())
        .read_to_end(&mut raw)
        .unwrap();
    // About 40 MB: more than two 16 MiB windows, with bad lines in the middle and at the end.
    let mut big = Vec::new();
    for i in 0..30 {
        big.extend_from_slice(&raw);
        if i == 17 {
            big.extend_from_slice(b"{\"event_type\":\"alert\",\"timestamp\":\n");
        }
    }
    big.extend_from_slice(b"{not json");
    let path = common::write(dir.path(), "big-eve.json", &big);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let path = path.to_str().unwrap();
    let mapped = ingest_csv(&db, path, None, &[]);
    let read = ingest_csv(&db, path, None, &[("ASCRIBE_MMAP", "0")]);
    assert_eq!(mapped.status.code(), Some(0), "{}", text(&mapped.stderr));
    assert_eq!(text(&mapped.stdout), text(&read.stdout));
    let lines = 30 * raw.iter().filter(|&&b| b == b'\n').count() + 2;
    let (m, r) = (text(&mapped.stderr), text(&read.stderr));
    assert!(m.contains(&format!("{lines} lines")), "{m}");
    assert!(m.contains("alert 17160"), "{m}");
    assert!(
        m.contains("big-eve.json (suricata-eve, memory-mapped)"),
        "{m}"
    );
    assert!(r.contains("big-eve.json (suricata-eve)"), "{r}");
    let bad = |e: &str| -> Vec<String> {
        e.lines()
            .filter(|l| l.contains("big-eve.json:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(bad(&m).len(), 2, "{m}");
    assert_eq!(bad(&m), bad(&r));
}

#[test]
fn bad_lines_are_reported_with_file_and_line_and_strict_stops() {
    let (_dir, db, name) = common::with_file(
        "bad.json",
        "{\"timestamp\":\"2024-03-04T00:00:00.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"198.51.100.7\",\"dest_ip\":\"10.0.0.1\",\"alert\":{\"action\":\"allowed\",\"signature\":\"S\"}}\n\
         {\"timestamp\":\"2024-03-04T00:00:01\",\"event_type\":\"alert\",\"src_ip\":\"198.51.100.7\"\n\
         {\"timestamp\":\"yesterday\",\"event_type\":\"alert\",\"src_ip\":\"198.51.100.7\"}\n",
    );
    let o = ingest(&db, &name, &["--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    assert!(err.contains("2 bad lines skipped"), "{err}");
    assert!(
        err.contains(&format!("{name}:2: EOF while parsing")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:3: timestamp \"yesterday\" is not ISO 8601"
        )),
        "{err}"
    );
    assert_eq!(
        text(&o.stdout).lines().count(),
        2,
        "the good line is counted"
    );
    let o = ingest(&db, &name, &["--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
}

#[test]
fn a_missing_geo_database_says_how_to_get_one() {
    let (dir, db) = common::temp_db();
    let empty = dir.path().join("nogeo");
    std::fs::create_dir_all(&empty).unwrap();
    let o = ascribe(
        &db,
        &[
            "telemetry",
            "ingest",
            &sample(),
            "--geo",
            empty.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("no geolocation database in"), "{err}");
    assert!(err.contains("bash scripts/setup-geo.sh"), "{err}");
}

/// The example case in `dir/a.db` with the sample run attached to it; the
/// attaching run's output.
fn example_with_sample(dir: &Path) -> (std::path::PathBuf, Output) {
    let db = common::example_db(dir);
    let indicators = indicators();
    let o = ingest(
        &db,
        &sample(),
        &[
            "--indicators",
            &indicators,
            "--event-types",
            "alert,dns,http,tls",
            "--incident",
            "vaccine-research-2020",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    (db, o)
}

#[test]
fn evidence_is_attached_to_the_incident() {
    let dir = tempfile::tempdir().unwrap();
    let (db, o) = example_with_sample(dir.path());
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "telemetry-domain-metro-account821-net [infrastructure-overlap; B3; apt29:LR 4]"
        ),
        "{err}"
    );
    assert!(
        err.contains("telemetry-cidr-106-203-26-0-25 [infrastructure-overlap; B3; apt28:LR 1.3]"),
        "{err}"
    );
    let o = ascribe(&db, &["assess", "vaccine-research-2020"], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    common::assert_contains(&text(&o.stdout), "telemetry-domain-metro-accoun");
    let o = ingest(&db, &sample(), &["--incident", "no-such-incident"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no incident \"no-such-incident\""));
}

/// The table (which keeps only the rows it shows while the rows stream past) shows the
/// rows with the most events, as the full JSON output ranks them, and counts the rest.
#[test]
fn the_table_shows_the_largest_rows_of_the_full_output() {
    let (_dir, db) = common::temp_db();
    let run = |format: &str| {
        let o = ingest(&db, &sample(), &["--format", format, "--limit", "3"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let mut ranked: Vec<(u64, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["events"].as_u64().unwrap(),
                r["day"].as_str().unwrap().to_owned(),
                r["signature"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Most events first, then the earliest day; the sort is stable (output order).
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    assert!(ranked.len() > 3, "the sample has more than three rows");
    let table = run("table");
    let lines: Vec<&str> = table.lines().collect();
    for (i, (events, day, sig)) in ranked.iter().take(3).enumerate() {
        let line = lines[i + 1];
        assert!(line.starts_with(day.as_str()), "{line}");
        assert!(line.contains(&sig[..sig.len().min(30)]), "{line} / {sig}");
        assert!(line.contains(&format!(" {events} ")), "{line}");
    }
    assert!(
        table.contains(&format!("... {} more rows", ranked.len() - 3)),
        "{table}"
    );
}

/// The contribution of one item in `assess --format json`: (grade, log ratios).
fn contribution(json: &serde_json::Value, id: &str) -> (String, serde_json::Value) {
    let c = json["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .find(|c| c["evidence"] == id)
        .unwrap_or_else(|| panic!("no contribution {id} in {json}"));
    (
        c["grade"].as_str().expect("grade").to_owned(),
        c["log_lr"].clone(),
    )
}

/// Sightings and device findings are stored as observed, so a `[policy]`
/// re-grades them without a re-ingest: one ingest, three assessments. The
/// default policy's figures and a config restating the defaults give the same
/// bytes; a config changing the domain ratio, the network ratio, the sighting
/// grade and the device capability grade moves those items.
#[test]
fn a_policy_regrades_attached_telemetry_without_reingesting() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = example_with_sample(dir.path());
    let device = root().join("examples/devices/jc_holtek-keyboard_04d9-4545.lsusb-v.txt");
    let o = ascribe(
        &db,
        &[
            "device",
            "vet",
            device.to_str().unwrap(),
            "--claim",
            "flash-drive",
            "--incident",
            "vaccine-research-2020",
        ],
        None,
    );
    assert_ne!(o.status.code(), Some(2), "{}", text(&o.stderr));
    common::assert_contains(&text(&o.stderr), "stored");
    let assess = |config: Option<&Path>| {
        let mut args = vec!["assess", "vaccine-research-2020", "--format", "json"];
        if let Some(c) = config {
            args.extend(["--config", c.to_str().unwrap()]);
        }
        let o = ascribe(&db, &args, None);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        o.stdout
    };
    let default = assess(None);
    let restated = common::write(
        dir.path(),
        "restated.toml",
        "[policy.telemetry]\nsighting_grade = \"B3\"\n[policy.telemetry.ratio]\ndomain = 4.0\nnetwork = 1.3\n",
    );
    assert_eq!(text(&assess(Some(&restated))), text(&default));
    let tuned = common::write(
        dir.path(),
        "tuned.toml",
        "[policy.telemetry]\nsighting_grade = \"A1\"\n[policy.telemetry.ratio]\ndomain = 8.0\nnetwork = 1.0\n[policy.device]\ncapability_grade = \"C3\"\n",
    );
    let tuned = assess(Some(&tuned));
    let before: serde_json::Value = serde_json::from_slice(&default).unwrap();
    let after: serde_json::Value = serde_json::from_slice(&tuned).unwrap();
    let domain = "telemetry-domain-metro-account821-net";
    let network = "telemetry-cidr-106-203-26-0-25";
    let (g0, l0) = contribution(&before, domain);
    let (g1, l1) = contribution(&after, domain);
    assert_eq!((g0.as_str(), g1.as_str()), ("B3", "A1"));
    // ln 8 at weight 1 against ln 4 at weight 0.48 (B3), damping aside: larger.
    let apt29 = |l: &serde_json::Value| l["apt29"].as_f64().expect("apt29");
    assert!(apt29(&l1) > apt29(&l0), "{l0} -> {l1}");
    let (_, net) = contribution(&after, network);
    assert_eq!(
        net["apt28"].as_f64(),
        Some(0.0),
        "a ratio of 1 moves nothing"
    );
    assert_ne!(before["hypotheses"], after["hypotheses"]);
    let device_grades = |json: &serde_json::Value| -> Vec<String> {
        json["contributions"]
            .as_array()
            .expect("contributions")
            .iter()
            .filter(|c| {
                c["evidence"]
                    .as_str()
                    .is_some_and(|e| e.ends_with("-cap-hid-keyboard"))
            })
            .map(|c| c["grade"].as_str().expect("grade").to_owned())
            .collect()
    };
    assert_eq!(device_grades(&before), ["B2"]);
    assert_eq!(device_grades(&after), ["C3"]);
}

/// `ASCRIBE_CHUNK_KB` is read at the binary's edge: small chunks give the same
/// CSV, and a value that is no size is an error naming it (it used to be
/// ignored in silence inside the engine).
#[test]
fn chunk_size_from_the_environment_changes_nothing_or_is_refused() {
    let (_dir, db) = common::temp_db();
    let whole = ingest_csv(&db, &sample(), None, &[]);
    assert_eq!(whole.status.code(), Some(0), "{}", text(&whole.stderr));
    let small = ingest_csv(&db, &sample(), None, &[("ASCRIBE_CHUNK_KB", "4")]);
    assert_eq!(small.status.code(), Some(0), "{}", text(&small.stderr));
    assert_eq!(text(&whole.stdout), text(&small.stdout));
    for bad in ["0", "lots", "-1"] {
        let o = ingest_csv(&db, &sample(), None, &[("ASCRIBE_CHUNK_KB", bad)]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        common::assert_contains(&text(&o.stderr), "ASCRIBE_CHUNK_KB=");
    }
}
