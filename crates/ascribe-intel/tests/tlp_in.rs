//! Issue 17, finding 4: the indicator loader reads markings as `stix import`
//! does (granular markings, any id case, definitions in the file, unknown refs
//! fail closed) and gives entries without a marking TLP:GREEN, not CLEAR.

use ascribe_intel::load;
use ascribe_model::Tlp;
use serde_json::{json, Value};

const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const CUSTOM: &str = "marking-definition--7a1b2c3d-0000-4000-8000-00000000beef";

use ascribe_testutil::upper_uuid as upper;

/// Indicator `n`, of the address 198.51.100.`n`, with the markings of `marks`.
fn indicator(n: u8, marks: Value) -> Value {
    ascribe_testutil::stix_indicator(n, &format!("198.51.100.{n}"), &marks)
}

fn tlps(text: &str) -> Vec<(String, Tlp)> {
    load(text, "f")
        .indicators
        .iter()
        .map(|i| (i.value.to_string(), i.tlp))
        .collect()
}

#[test]
fn stix_indicators_take_their_strictest_marking_in_any_form() {
    let def = json!({"type": "marking-definition", "spec_version": "2.1", "id": upper(CUSTOM),
        "created": "2020-01-01T00:00:00Z", "definition_type": "tlp", "definition": {"tlp": "red"}});
    let b = json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": [
        def,
        indicator(1, json!({"granular_markings": [{"marking_ref": RED, "selectors": ["pattern"]}]})),
        indicator(2, json!({"object_marking_refs": [upper(RED)]})),
        indicator(3, json!({"object_marking_refs": [CUSTOM]})),
        indicator(4, json!({"object_marking_refs": ["marking-definition--99999999-0000-4000-8000-000000000000"]})),
        indicator(5, json!({})),
    ]});
    let got = tlps(&b.to_string());
    assert_eq!(
        got,
        [
            ("198.51.100.1".to_owned(), Tlp::Red),
            ("198.51.100.2".to_owned(), Tlp::Red),
            ("198.51.100.3".to_owned(), Tlp::Red),
            ("198.51.100.4".to_owned(), Tlp::Red),
            ("198.51.100.5".to_owned(), Tlp::Green),
        ]
    );
}

#[test]
fn csv_rows_and_lists_without_a_marking_are_green() {
    assert_eq!(
        tlps("type,value,source\nip,198.51.100.9,x\n"),
        [("198.51.100.9".to_owned(), Tlp::Green)]
    );
    assert_eq!(
        tlps("type,value,tlp\nip,198.51.100.9,\nip,198.51.100.10,clear\n"),
        [
            ("198.51.100.9".to_owned(), Tlp::Green),
            ("198.51.100.10".to_owned(), Tlp::Clear)
        ]
    );
    assert_eq!(
        tlps("198.51.100.11\n"),
        [("198.51.100.11".to_owned(), Tlp::Green)]
    );
    let misp = r#"{"Event":{"info":"x","Attribute":[{"type":"ip-dst","value":"198.51.100.12"},
        {"type":"ip-dst","value":"198.51.100.13","Tag":[{"name":"tlp:unclear"}]}]}}"#;
    assert_eq!(
        tlps(misp),
        [
            ("198.51.100.12".to_owned(), Tlp::Green),
            ("198.51.100.13".to_owned(), Tlp::Red)
        ]
    );
}
