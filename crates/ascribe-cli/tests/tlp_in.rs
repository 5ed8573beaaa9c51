//! Issue 17, findings 1-4 through the binary: TLP classified on the way in must
//! never land below the strictest marking, so nothing restricted reaches a
//! `--tlp clear` export.

mod common;

use common::{root, text};

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};

/// `ascribe` at a fixed time (SOURCE_DATE_EPOCH) for reproducible exports.
fn ascribe(db: &Path, args: &[&str]) -> Output {
    common::run(common::command(db, args).env("SOURCE_DATE_EPOCH", "1600000000"))
}

const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const CUSTOM_RED: &str = "marking-definition--7a1b2c3d-0000-4000-8000-00000000beef";
const APT29: &str = "intrusion-set--0c7e22ad-b099-4dc3-b0df-2ea3f49ae2e6";

use ascribe_testutil::upper_uuid as upper;

fn bundle(objects: Vec<Value>) -> String {
    json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": objects})
        .to_string()
}

/// An indicator of `ip` marked with `refs`, and its `indicates` link to APT29
/// (marked the same way), so that `stix export` links it to the example case.
fn linked_indicator(n: u8, ip: &str, refs: Value) -> Vec<Value> {
    let id = format!("indicator--00000000-0000-4000-8000-0000000000{n:02}");
    vec![
        json!({"type": "indicator", "spec_version": "2.1", "id": id,
               "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
               "pattern": format!("[ipv4-addr:value = '{ip}']"), "pattern_type": "stix",
               "valid_from": "2020-01-01T00:00:00Z", "object_marking_refs": refs}),
        json!({"type": "relationship", "spec_version": "2.1",
               "id": format!("relationship--00000000-0000-4000-8000-0000000001{n:02}"),
               "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
               "relationship_type": "indicates", "source_ref": id, "target_ref": APT29,
               "object_marking_refs": refs}),
    ]
}

fn apt29() -> Value {
    json!({"type": "intrusion-set", "spec_version": "2.1", "id": APT29,
           "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
           "name": "APT29", "object_marking_refs": [CLEAR]})
}

fn setup(dir: &Path) -> PathBuf {
    let db = dir.join("a.db");
    let example = root().join("examples/vaccine-research-2020.toml");
    let o = ascribe(&db, &["case", "import", example.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    db
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).expect("write a test file");
    p.display().to_string()
}

fn export(db: &Path, tlp: &str) -> String {
    let o = ascribe(
        db,
        &["stix", "export", "vaccine-research-2020", "--tlp", tlp],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    text(&o.stdout)
}

/// Findings 1 and 2: a TLP:RED marking id in upper case, and a custom TLP:RED
/// definition imported in an earlier bundle, are TLP:RED, even with
/// `--unmarked-tlp clear`; a marking that resolves to nothing is TLP:RED too.
#[test]
fn red_markings_in_any_case_or_defined_earlier_stay_out_of_a_clear_export() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = setup(dir.path());
    let defs = write(
        dir.path(),
        "defs.json",
        &bundle(vec![json!({
            "type": "marking-definition", "spec_version": "2.1", "id": CUSTOM_RED,
            "created": "2020-01-01T00:00:00Z", "definition_type": "tlp",
            "definition": {"tlp": "red"}})]),
    );
    let o = ascribe(&db, &["stix", "import", &defs]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut objects = vec![apt29()];
    objects.extend(linked_indicator(1, "198.51.100.201", json!([upper(RED)])));
    objects.extend(linked_indicator(2, "198.51.100.202", json!([CUSTOM_RED])));
    objects.extend(linked_indicator(
        3,
        "198.51.100.203",
        json!([upper(CUSTOM_RED)]),
    ));
    objects.extend(linked_indicator(4, "198.51.100.204", json!([CLEAR])));
    let intel = write(dir.path(), "intel.json", &bundle(objects));
    let o = ascribe(&db, &["stix", "import", "--unmarked-tlp", "clear", &intel]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let red = export(&db, "red");
    for ip in [
        "198.51.100.201",
        "198.51.100.202",
        "198.51.100.203",
        "198.51.100.204",
    ] {
        assert!(red.contains(ip), "{ip} is linked to APT29: {red}");
    }
    let clear = export(&db, "clear");
    for ip in ["198.51.100.201", "198.51.100.202", "198.51.100.203"] {
        assert!(
            !clear.contains(ip),
            "{ip} is TLP:RED but in the CLEAR export"
        );
    }
    assert!(clear.contains("198.51.100.204"));

    // A ref to a definition that is nowhere: TLP:RED, a warning naming the
    // object and the ref, exit 1 (warnings).
    let unknown = "marking-definition--99999999-0000-4000-8000-000000000000";
    let mut objects = vec![apt29()];
    objects.extend(linked_indicator(5, "198.51.100.205", json!([unknown])));
    let f = write(dir.path(), "unknown.json", &bundle(objects));
    let o = ascribe(&db, &["stix", "import", "--unmarked-tlp", "clear", &f]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("indicator--00000000-0000-4000-8000-000000000005") && err.contains(unknown),
        "{err}"
    );
    assert!(!export(&db, "clear").contains("198.51.100.205"));
    assert!(export(&db, "red").contains("198.51.100.205"));
}

/// Finding 3: `telemetry ingest --incident` at the default `--tlp amber` with
/// TLP:CLEAR indicators: no sighting and no observed data in a CLEAR export,
/// both in an AMBER one.
#[test]
fn sightings_from_an_amber_run_stay_out_of_a_clear_export() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = setup(dir.path());
    let sample = root().join("examples/telemetry/eve-sample.json.gz");
    let indicators = root().join("examples/telemetry/indicators.csv");
    let o = ascribe(
        &db,
        &[
            "telemetry",
            "ingest",
            sample.to_str().unwrap_or(""),
            "--indicators",
            indicators.to_str().unwrap_or(""),
            "--no-geo",
            "--event-types",
            "alert,dns,http,tls",
            "--incident",
            "vaccine-research-2020",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let kinds = |s: &str| -> Vec<String> {
        let b: Value = serde_json::from_str(s).expect("the export is JSON");
        b["objects"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["type"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let amber = kinds(&export(&db, "amber"));
    assert!(amber.iter().any(|k| k == "sighting"), "{amber:?}");
    assert!(amber.iter().any(|k| k == "observed-data"), "{amber:?}");
    let clear = kinds(&export(&db, "clear"));
    assert!(
        !clear
            .iter()
            .any(|k| k == "sighting" || k == "observed-data"),
        "{clear:?}"
    );
}

/// Finding 4 through `telemetry ingest`: a STIX indicator marked TLP:RED only
/// by a granular marking, and one with no marking, with `--tlp clear` (the
/// floor no longer hides the indicator's own marking): the RED sighting stays
/// out of the CLEAR and GREEN exports, the unmarked one is GREEN.
#[test]
fn the_indicator_loader_reads_granular_markings_and_gives_unmarked_green() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = setup(dir.path());
    let eve = [
        r#"{"timestamp":"2024-03-04T10:00:00.000000+0000","event_type":"alert","src_ip":"203.0.113.77","dest_ip":"10.0.0.1","alert":{"signature":"x","action":"allowed"}}"#,
        r#"{"timestamp":"2024-03-04T10:00:01.000000+0000","event_type":"alert","src_ip":"203.0.113.78","dest_ip":"10.0.0.1","alert":{"signature":"x","action":"allowed"}}"#,
    ]
    .join("\n");
    let logs = write(dir.path(), "eve.json", &format!("{eve}\n"));
    let ind = |n: u8, ip: &str, extra: Value| ascribe_testutil::stix_indicator(n, ip, &extra);
    let intel = write(
        dir.path(),
        "intel.json",
        &bundle(vec![
            ind(
                1,
                "203.0.113.77",
                json!({"granular_markings": [{"marking_ref": RED, "selectors": ["pattern"]}]}),
            ),
            ind(2, "203.0.113.78", json!({})),
        ]),
    );
    let o = ascribe(
        &db,
        &[
            "telemetry",
            "ingest",
            &logs,
            "--indicators",
            &intel,
            "--no-geo",
            "--tlp",
            "clear",
            "--incident",
            "vaccine-research-2020",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(export(&db, "red").contains("203.0.113.77"));
    for tlp in ["clear", "green"] {
        assert!(
            !export(&db, tlp).contains("203.0.113.77"),
            "a TLP:RED indicator's sighting in the {tlp} export"
        );
    }
    assert!(!export(&db, "clear").contains("203.0.113.78"));
    assert!(export(&db, "green").contains("203.0.113.78"));
}
