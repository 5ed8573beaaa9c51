//! Bad input end to end (issue 17, findings 14 and 15): error output is capped and
//! truncated, empty inputs are refused before anything is stored, invalid UTF-8 is
//! located, an error's text is said once, and `--strict` refuses invalid UTF-8 in any
//! field of an EVE line.

mod common;

use common::{ascribe, root, text};

use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("the temporary folder is writable");
    p.to_str().expect("temporary paths are UTF-8").to_owned()
}

const EVE: &str = r#"{"timestamp":"2024-03-04T00:00:00Z","event_type":"alert","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","alert":{"signature":"x","action":"allowed"}}"#;

/// Imports the example case (incident `vaccine-research-2020`) into a new database.
fn with_incident(dir: &Path) -> PathBuf {
    let db = dir.join("a.db");
    let example = root().join("examples/vaccine-research-2020.toml");
    let o = ascribe(
        &db,
        &["case", "import", example.to_str().expect("UTF-8 path")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    db
}

#[test]
fn a_huge_bad_indicator_line_is_quoted_in_part_with_its_length() {
    let (dir, db) = common::temp_db();
    let long = "A".repeat(1_000_000);
    let ind = write(dir.path(), "bad.txt", format!("{long}\n").as_bytes());
    let eve = write(dir.path(), "eve.json", format!("{EVE}\n").as_bytes());
    let o = ascribe(
        &db,
        &[
            "telemetry",
            "ingest",
            "--no-geo",
            "--indicators",
            &ind,
            &eve,
        ],
    );
    let err = text(&o.stderr);
    assert!(err.len() < 5_000, "{} bytes of stderr", err.len());
    assert!(
        err.contains("bad.txt:1: \"AAAA"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.contains("…\" (1000000 chars)"), "{err}");
}

#[test]
fn stix_import_prints_the_first_problems_and_counts_the_rest() {
    let (dir, db) = common::temp_db();
    // 100 indicators without their six required properties: 600 problems.
    let objects: Vec<String> = (0..100)
        .map(|i| format!(r#"{{"type":"indicator","spec_version":"2.1","name":"n{i}"}}"#))
        .collect();
    let bundle = format!(
        r#"{{"type":"bundle","id":"bundle--6c2a4b3e-4f6a-4d8e-9b1c-2d3e4f5a6b7c","objects":[{}]}}"#,
        objects.join(",")
    );
    let f = write(dir.path(), "bad.json", bundle.as_bytes());
    for partial in [false, true] {
        let mut args = vec!["stix", "import", f.as_str()];
        if partial {
            args.push("--partial");
        }
        let o = ascribe(&db, &args);
        let err = text(&o.stderr);
        let problems = err.lines().filter(|l| l.contains("objects[")).count();
        assert_eq!(problems, 20, "partial {partial}: {err}");
        assert!(err.contains("… and 580 more problems"), "{err}");
        assert!(err.lines().count() <= 23, "{err}");
    }
}

#[test]
fn telemetry_for_an_incident_refuses_empty_and_non_log_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_incident(dir.path());
    let empty = write(dir.path(), "empty.json", b"");
    let prose = write(
        dir.path(),
        "notes.txt",
        b"Meeting notes\nnothing here is a log\n",
    );
    for input in [&empty, &prose] {
        let o = ascribe(
            &db,
            &[
                "telemetry",
                "ingest",
                "--no-geo",
                input,
                "--incident",
                "vaccine-research-2020",
            ],
        );
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{input}: {err}");
        assert!(err.contains(input.as_str()), "{err}");
        assert!(err.contains("no log record read"), "{err}");
        assert!(err.contains("expected Suricata EVE"), "{err}");
    }
    let store = ascribe_store::Store::open(&db, ascribe_app::SystemClock).unwrap();
    let runs = store.telemetry_runs("vaccine-research-2020").unwrap();
    assert!(runs.is_empty(), "{runs:?}");
}

#[test]
fn docs_ingest_refuses_an_empty_file() {
    let (dir, db) = common::temp_db();
    let empty = write(dir.path(), "empty.txt", b"");
    let blank = write(dir.path(), "blank.txt", b" \n\n\t\n");
    for f in [&empty, &blank] {
        let o = ascribe(&db, &["docs", "ingest", f]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(f.as_str()), "{err}");
        assert!(err.contains("expected a document"), "{err}");
    }
    if db.exists() {
        let store = ascribe_store::Store::open(&db, ascribe_app::SystemClock).unwrap();
        assert!(store.documents().unwrap().is_empty());
    }
}

#[test]
fn invalid_utf8_is_located_by_line_and_column() {
    let (dir, db) = common::temp_db();
    let f = write(dir.path(), "case.toml", b"[incident]\nid = \"a\xffb\"\n");
    for args in [
        vec!["case", "check", f.as_str()],
        vec!["stix", "import", f.as_str()],
        vec!["kb", "import", f.as_str()],
    ] {
        let o = ascribe(&db, &args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!("{f}:2:8: not valid UTF-8")),
            "{args:?}: {err}"
        );
    }
    // Indicator files too.
    let eve = write(dir.path(), "eve.json", format!("{EVE}\n").as_bytes());
    let o = ascribe(
        &db,
        &["telemetry", "ingest", "--no-geo", "--indicators", &f, &eve],
    );
    common::assert_contains(&text(&o.stderr), &format!("{f}:2:8: not valid UTF-8"));
}

#[test]
fn kb_import_says_its_error_once() {
    let (dir, db) = common::temp_db();
    let f = write(dir.path(), "kb.json", b"{bad");
    let o = ascribe(&db, &["kb", "import", &f]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("key must be a string").count(), 1, "{err}");
    assert!(err.contains("line 1 column 2"), "{err}");
}

#[test]
fn strict_refuses_invalid_utf8_in_a_field_the_reader_skips() {
    let (dir, db) = common::temp_db();
    // `host` is not read by the EVE reader; its value is not UTF-8.
    let mut bad = EVE.trim_end_matches('}').as_bytes().to_vec();
    bad.extend_from_slice(b",\"host\":\"ids\xff01\"}\n");
    let mut input = format!("{EVE}\n").into_bytes();
    input.extend_from_slice(&bad);
    let f = write(dir.path(), "eve.json", &input);
    let o = ascribe(&db, &["telemetry", "ingest", "--no-geo", &f, "--strict"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let col = bad.iter().position(|&b| b == 0xff).unwrap() + 1;
    assert!(
        err.contains(&format!("eve.json:2: column {col}: not valid UTF-8")),
        "{err}"
    );
    // Without --strict the line is read (the skipped field is not checked).
    let o = ascribe(&db, &["telemetry", "ingest", "--no-geo", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    common::assert_contains(&text(&o.stderr), "2 lines");
}
