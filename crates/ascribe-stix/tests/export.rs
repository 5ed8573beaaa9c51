//! Exports of the example case: contents by marking, stable ids, and the
//! OASIS validator's verdict.

use std::path::{Path, PathBuf};
use std::process::Command;

use ascribe_assess::Policy;
use ascribe_model::FixedClock;
use ascribe_model::{Case, Indicator, IndicatorKind, Sighting, Tlp};
use ascribe_stix::{export_case, ExportInput};
use serde_json::Value;

fn example_case() -> Case {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/vaccine-research-2020.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    match ascribe_case::parse_case("vaccine-research-2020.toml", &text) {
        Ok(p) => p.case,
        Err(e) => panic!("example case does not parse: {e}"),
    }
}

fn indicators() -> Vec<Indicator> {
    use IndicatorKind::{Domain, Ip, Sha256};
    let hash = "0C5AD1E8FE43583E279201CDB1046AEA742BAE59685E6DA6A1E6A9A4D5D8E8F5";
    let rows = [
        (
            Ip,
            "103.216.221.19",
            Some("APT29"),
            "NCSC joint advisory",
            Tlp::Clear,
        ),
        (Sha256, hash, Some("APT29"), "partner liaison", Tlp::Amber),
        (
            Domain,
            "internal-relay.example",
            None,
            "partner liaison",
            Tlp::Red,
        ),
    ];
    rows.into_iter()
        .map(|(kind, value, actor, source, tlp)| Indicator {
            kind,
            value: value.into(),
            actor: actor.map(Into::into),
            source: Some(source.into()),
            tlp,
        })
        .collect()
}

fn sightings(ind: &[Indicator]) -> Vec<Sighting> {
    ind.iter()
        .map(|i| Sighting {
            indicator: i.clone(),
            first_seen: "2020-05-02".into(),
            last_seen: "2020-06-30T12:00:00Z".into(),
            count: 17,
            examples: vec!["eve.json:12".into()],
        })
        .collect()
}

fn export(tlp: Tlp) -> Value {
    let case = example_case();
    let ind = indicators();
    let s = sightings(&ind);
    let input = ExportInput {
        case: &case,
        indicators: &ind,
        sightings: &s,
    };
    let clock = FixedClock::from_unix(1_600_000_000).unwrap_or(FixedClock(time_zero()));
    match export_case(&input, tlp, &Policy::default(), &clock) {
        Ok(b) => b,
        Err(e) => panic!("export at {tlp:?} failed: {e}"),
    }
}

fn time_zero() -> ::time::OffsetDateTime {
    ::time::OffsetDateTime::UNIX_EPOCH
}

fn objects(b: &Value) -> Vec<Value> {
    b["objects"].as_array().cloned().unwrap_or_default()
}

fn marking_of(o: &Value) -> Tlp {
    let id = o["object_marking_refs"][0].as_str().unwrap_or("");
    Tlp::ALL
        .into_iter()
        .find(|t| t.stix_marking_id() == id)
        .unwrap_or_else(|| panic!("object {} has no TLP 2.0 marking", o["id"]))
}

#[test]
fn every_object_is_marked_at_or_below_the_export_level() {
    for tlp in Tlp::ALL {
        let b = export(tlp);
        for o in objects(&b) {
            assert!(marking_of(&o) <= tlp, "{} above {tlp:?}", o["id"]);
        }
    }
}

#[test]
fn a_clear_export_holds_the_recomputed_public_view_not_the_full_one() {
    let clear = export(Tlp::Clear);
    let red = export(Tlp::Red);
    let text = clear.to_string();
    // The restricted evidence and indicators are absent, by id and by content.
    assert!(!text.contains("internal-relay.example"));
    assert!(!text.to_lowercase().contains("0c5ad1e8fe43583e"));
    assert!(!text.contains("partner liaison"));
    let report = |b: &Value| {
        objects(b)
            .into_iter()
            .find(|o| o["type"] == "report")
            .map(|o| o["description"].as_str().unwrap_or("").to_owned())
            .unwrap_or_default()
    };
    let (rc, rr) = (report(&clear), report(&red));
    assert!(
        rc.starts_with("On public (TLP:CLEAR) evidence only"),
        "{rc}"
    );
    assert_ne!(
        rc, rr,
        "the full and public statements should differ on the example case"
    );
    // The clear report's figure is what the assessor gives on the public case.
    let case = ascribe_stix::case_at(&example_case(), Tlp::Clear);
    let a = ascribe_assess::assess_case(case, &Policy::default()).map(|a| a.leading.probability);
    let pct = format!("({:.0}%)", a.unwrap_or(f64::NAN) * 100.0);
    assert!(rc.contains(&pct), "{rc} should contain {pct}");
}

#[test]
fn ids_are_stable_across_exports_and_references_resolve() {
    for tlp in Tlp::ALL {
        let a = export(tlp);
        let b = export(tlp);
        assert_eq!(a, b);
        let ids: Vec<String> = objects(&a)
            .iter()
            .map(|o| o["id"].as_str().unwrap_or("").to_owned())
            .collect();
        for o in objects(&a) {
            for key in [
                "source_ref",
                "target_ref",
                "sighting_of_ref",
                "created_by_ref",
            ] {
                if let Some(r) = o[key].as_str() {
                    assert!(ids.iter().any(|i| i == r), "{} -> {r} dangling", o["id"]);
                }
            }
            for key in ["object_refs", "observed_data_refs"] {
                for r in o[key].as_array().cloned().unwrap_or_default() {
                    assert!(
                        ids.iter().any(|i| Some(i.as_str()) == r.as_str()),
                        "{} -> {r} dangling",
                        o["id"]
                    );
                }
            }
        }
    }
    // The incident and intrusion sets keep their ids whatever the level.
    let pick = |b: &Value, t: &str| -> Vec<Value> {
        objects(b)
            .into_iter()
            .filter(|o| o["type"] == t)
            .map(|o| o["id"].clone())
            .collect()
    };
    assert_eq!(
        pick(&export(Tlp::Clear), "incident"),
        pick(&export(Tlp::Red), "incident")
    );
    assert_eq!(
        pick(&export(Tlp::Clear), "intrusion-set"),
        pick(&export(Tlp::Red), "intrusion-set")
    );
}

#[test]
fn attributed_to_confidence_follows_the_stix_appendix() {
    let b = export(Tlp::Red);
    let rels: Vec<Value> = objects(&b)
        .into_iter()
        .filter(|o| {
            o["relationship_type"] == "attributed-to"
                && o["source_ref"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("incident--"))
        })
        .collect();
    assert_eq!(rels.len(), 2, "one per named hypothesis");
    for r in rels {
        let c = r["confidence"].as_u64().unwrap_or(999);
        assert!([5, 15, 30, 50, 70, 85, 95].contains(&c), "{c}");
    }
}

#[test]
fn snapshots_of_the_amber_and_clear_exports() {
    insta::assert_json_snapshot!("vaccine_amber", export(Tlp::Amber));
    insta::assert_json_snapshot!("vaccine_clear", export(Tlp::Clear));
}

/// The OASIS validator, if installed: `stix2_validator` on PATH or the module.
fn validator() -> Option<Vec<String>> {
    let probe = |cmd: &[&str]| {
        Command::new(cmd[0])
            .args(&cmd[1..])
            .arg("--help")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if probe(&["stix2_validator"]) {
        return Some(vec!["stix2_validator".into()]);
    }
    // Without the console script on PATH, call its entry point through Python.
    let entry = "import sys; from stix2validator.scripts.stix2_validator import main; sys.argv[0] = 'stix2_validator'; main()";
    for py in ["python3", "python"] {
        if probe(&[py, "-c", entry]) {
            return Some(vec![py.into(), "-c".into(), entry.into()]);
        }
    }
    None
}

#[test]
fn every_export_passes_the_oasis_validator() {
    let Some(cmd) = validator() else {
        ascribe_testutil::skip("stix2-validator is not installed (run scripts/setup-stix.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut files: Vec<PathBuf> = Vec::new();
    for tlp in Tlp::ALL {
        let p = dir
            .path()
            .join(format!("export-{}.json", tlp.as_str().replace('+', "-")));
        std::fs::write(
            &p,
            serde_json::to_vec_pretty(&export(tlp)).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        files.push(p);
    }
    let out = Command::new(&cmd[0])
        .args(&cmd[1..])
        .args(["--version", "2.1"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("running the validator: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(
        out.status.success(),
        "stix2-validator reported errors:\n{text}"
    );
    assert!(
        !text.contains("[X]"),
        "stix2-validator reported errors:\n{text}"
    );
}
