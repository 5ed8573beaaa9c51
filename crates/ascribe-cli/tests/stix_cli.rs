//! `ascribe stix`, `users` and `serve` end to end through the binary.

mod common;

use common::text;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Output;

/// `ascribe` at a fixed time (SOURCE_DATE_EPOCH) for reproducible exports.
fn ascribe(db: &Path, args: &[&str]) -> Output {
    common::run(common::command(db, args).env("SOURCE_DATE_EPOCH", "1600000000"))
}

const GOOD: &str = r#"{"type": "threat-actor", "spec_version": "2.1", "id": "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z", "name": "X",
  "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]}"#;

#[test]
fn import_rejects_or_keeps_part_and_names_the_path() {
    let (dir, db) = common::temp_db();
    let bad = dir.path().join("bad.json");
    let bundle = format!(
        r#"{{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": [{GOOD},
        {{"type": "indicator", "spec_version": "2.1", "id": "indicator--e2e1a340-4415-4ba8-9671-f7343fbf0836",
          "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z", "pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z"}}]}}"#
    );
    std::fs::write(&bad, bundle).unwrap_or_else(|e| panic!("{e}"));
    let bad_s = bad.to_str().unwrap_or("");
    let o = ascribe(&db, &["stix", "import", bad_s]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    common::assert_contains(
        &text(&o.stderr),
        "$.objects[1].pattern: missing required property",
    );
    assert!(text(&o.stderr).contains("rejected whole"));
    let o = ascribe(&db, &["stix", "import", "--partial", bad_s]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    common::assert_contains(&text(&o.stdout), "1 object(s) accepted (1 new");
    // Once is enough: the same object again is already stored.
    let o = ascribe(&db, &["stix", "import", "--partial", bad_s]);
    common::assert_contains(&text(&o.stdout), "(0 new, 1 already stored");
    let o = ascribe(&db, &["stix", "import", "--collection", "nope", bad_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no collection \"nope\""));
}

#[test]
fn export_is_reproducible_and_clear_holds_only_clear() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = common::example_db(dir.path());
    let a = ascribe(
        &db,
        &["stix", "export", "vaccine-research-2020", "--tlp", "clear"],
    );
    let b = ascribe(
        &db,
        &["stix", "export", "vaccine-research-2020", "--tlp", "clear"],
    );
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert_eq!(
        a.stdout, b.stdout,
        "SOURCE_DATE_EPOCH makes exports byte-identical"
    );
    let out = text(&a.stdout);
    assert!(out.contains("2020-09-13T12:26:40.000Z"));
    for t in ["55d920b0", "939a9414", "e828b379", "bab4a63c"] {
        assert!(!out.contains(t), "a clear export carries marking {t}");
    }
    let o = ascribe(
        &db,
        &["stix", "export", "vaccine-research-2020", "--tlp", "purple"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = ascribe(&db, &["stix", "export", "no-such-incident"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no incident \"no-such-incident\""));
}

fn users_add(db: &Path, name: &str, password: &str) -> Output {
    common::users_add(db, name, "reader", "amber", password)
}

fn get(addr: &str, path: &str, auth: Option<&str>) -> String {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    let auth = auth
        .map(|a| format!("Authorization: Basic {a}\r\n"))
        .unwrap_or_default();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/taxii+json;version=2.1\r\n{auth}Connection: close\r\n\r\n");
    s.write_all(req.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn users_and_serve_over_a_real_socket() {
    let (_dir, db) = common::temp_db();
    let o = users_add(&db, "ana", "short");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("at least 8 characters"));
    let o = users_add(&db, "ana", "long enough password");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = users_add(&db, "ana", "long enough password");
    assert_eq!(o.status.code(), Some(2), "a second ana");
    let list = ascribe(&db, &["users", "list"]);
    assert_eq!(text(&list.stdout), "ana\treader\tTLP:AMBER\n");

    let (mut child, _stderr, addr) = common::serve(&db, "http", &[], &[]);
    let anon = get(&addr, "/taxii2/", None);
    let ok = get(
        &addr,
        "/api1/collections/",
        Some("YW5hOmxvbmcgZW5vdWdoIHBhc3N3b3Jk"),
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(anon.starts_with("HTTP/1.1 401"), "{anon}");
    assert!(anon.contains("\"http_status\":\"401\""));
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("ascribe intelligence"));
}

/// `stix export` and `assess` compute one assessment: under the same
/// `--config` (here one that moves the figures) the bundle states the
/// figures `assess` gives, hypothesis by hypothesis. Issue 18: the export
/// used to ignore `--config`/`ASCRIBE_CONFIG`.
#[test]
fn export_and_assess_agree_under_the_same_config() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = common::example_db(dir.path());
    let config = common::write(
        dir.path(),
        "ascribe.toml",
        "[policy]\nsame_source_damping = 1.0\n",
    );
    let config = config.to_str().unwrap_or("");
    let figures = |extra: &[&str]| -> (Vec<String>, String) {
        let mut args = vec!["assess", "vaccine-research-2020", "--format", "json"];
        args.extend_from_slice(extra);
        let a = ascribe(&db, &args);
        assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
        let a: serde_json::Value =
            serde_json::from_slice(&a.stdout).unwrap_or_else(|e| panic!("{e}"));
        let mut args = vec!["stix", "export", "vaccine-research-2020", "--tlp", "red"];
        args.extend_from_slice(extra);
        let b = ascribe(&db, &args);
        assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
        let bundle = text(&b.stdout);
        let hyps = a["hypotheses"]
            .as_array()
            .into_iter()
            .flatten()
            // The export states one opinion per named hypothesis ("other" has none).
            .filter(|h| h["id"] != "other")
            .map(|h| {
                let want = format!(
                    "Hypothesis {}: probability {:.2}",
                    h["id"].as_str().unwrap_or(""),
                    h["probability"].as_f64().unwrap_or(f64::NAN)
                );
                assert!(bundle.contains(&want), "the bundle lacks {want:?}");
                want
            })
            .collect();
        let leading = format!(
            "Full view (evidence up to TLP:RED): {} {:.0}%",
            a["leading"]["id"].as_str().unwrap_or(""),
            a["leading"]["probability"].as_f64().unwrap_or(f64::NAN) * 100.0
        );
        assert!(bundle.contains(&leading), "the bundle lacks {leading:?}");
        (hyps, leading)
    };
    let plain = figures(&[]);
    let tuned = figures(&["--config", config]);
    assert_ne!(plain, tuned, "the config moves the figures of both");
}
