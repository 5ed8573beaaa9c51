//! Issue 17, findings 1 and 2 at the importer: a marking id in another letter
//! case, granular markings, and refs nothing resolves are never classified
//! below their strictest reading.

use ascribe_model::Tlp;
use ascribe_stix::{import_value, ImportOptions};
use serde_json::{json, Value};

const CUSTOM: &str = "marking-definition--7a1b2c3d-0000-4000-8000-00000000beef";

use ascribe_testutil::upper_uuid as upper;

fn indicator(marks: Value) -> Value {
    let mut o = json!({"type": "indicator", "spec_version": "2.1",
        "id": "indicator--00000000-0000-4000-8000-000000000001",
        "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
        "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
        "valid_from": "2020-01-01T00:00:00Z"});
    if let (Some(o), Some(m)) = (o.as_object_mut(), marks.as_object()) {
        o.extend(m.clone());
    }
    o
}

/// The TLP the importer gives the indicator, with unmarked objects at CLEAR
/// (the most open default, so any fall back to the default shows).
fn tlp_of(objects: Vec<Value>) -> Tlp {
    let b = json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": objects});
    let opts = ImportOptions {
        unmarked: Tlp::Clear,
        ..Default::default()
    };
    match import_value(&b, &opts) {
        Ok(imp) => imp
            .objects
            .iter()
            .find(|o| o.kind == "indicator")
            .map(|o| o.tlp)
            .unwrap_or_else(|| panic!("no indicator imported: {imp:?}")),
        Err(e) => panic!("import failed: {e}"),
    }
}

#[test]
fn finding_1_marking_ids_in_upper_case_are_the_same_marking() {
    for t in Tlp::ALL {
        let id = upper(t.stix_marking_id());
        assert_eq!(
            tlp_of(vec![indicator(json!({"object_marking_refs": [id]}))]),
            t
        );
        assert_eq!(
            tlp_of(vec![indicator(
                json!({"granular_markings": [{"marking_ref": id, "selectors": ["pattern"]}]})
            )]),
            t
        );
    }
    // TLP 1.0's RED id, upper case.
    let legacy = upper("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed");
    assert_eq!(
        tlp_of(vec![indicator(json!({"object_marking_refs": [legacy]}))]),
        Tlp::Red
    );
    // A custom definition and its ref in different cases.
    let def = json!({"type": "marking-definition", "spec_version": "2.1", "id": upper(CUSTOM),
        "created": "2020-01-01T00:00:00Z", "definition_type": "tlp", "definition": {"tlp": "red"}});
    assert_eq!(
        tlp_of(vec![
            def,
            indicator(json!({"object_marking_refs": [CUSTOM]}))
        ]),
        Tlp::Red
    );
}

#[test]
fn finding_2_a_marking_ref_nothing_resolves_fails_closed() {
    let b = json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982",
        "objects": [indicator(json!({"object_marking_refs": [CUSTOM, Tlp::Clear.stix_marking_id()]}))]});
    let opts = ImportOptions {
        unmarked: Tlp::Clear,
        ..Default::default()
    };
    let imp = import_value(&b, &opts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imp.objects[0].tlp, Tlp::Red);
    assert!(imp.objects[0].marked);
    let w = serde_json::to_string(&imp).expect("the import serialises");
    assert!(w.contains(CUSTOM) && w.contains("$.objects[0]"), "{w}");
}
