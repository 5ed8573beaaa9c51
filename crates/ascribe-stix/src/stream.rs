//! Importing a bundle one object at a time.
//!
//! [`crate::import_bundle`] builds the whole bundle as a JSON tree and then
//! a copy of every object, about ten times the file. Here the bundle's
//! `objects` array is read as raw text slices of the input (checked as JSON
//! once, not copied), marking definitions are read in a first pass that
//! builds nothing else, and each object is then parsed, checked and handed
//! to the caller's sink, and dropped before the next. Memory is the input
//! text plus one object plus an (id, version) set for duplicates.
//!
//! The checks and messages are [`crate::import`]'s own; only bundles are
//! streamed. A bare object, an array of objects or a MISP galaxy cluster is
//! read whole through [`crate::import_value`] and then handed to the sink.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::import::{
    check_bundle_object, import_bundle, import_value, ImportError, ImportOptions, PathError,
    StixObject,
};
use crate::marking::MarkingTable;

/// What a streamed import did (the objects themselves went to the sink).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streamed {
    /// Objects handed to the sink, one per (id, version).
    pub accepted: usize,
    /// Objects repeated within the bundle with the same id and version.
    pub duplicates: usize,
    /// Errors of the objects left out (only with `partial`).
    pub errors: Vec<PathError>,
    /// The input was a MISP galaxy cluster, read as STIX intrusion sets.
    pub galaxy: bool,
}

/// Only an object's type, read without building the rest of it.
#[derive(Deserialize)]
struct TypeOnly<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

/// Imports `text` (a bundle, a STIX object or an array of them), handing
/// each valid object to `sink` in bundle order.
///
/// The sink sees objects before the verdict on the whole input: without
/// `partial`, an input with any error is `Ok(Err(ImportError::Rejected))`
/// after the sink may already have taken some objects, so write them in a
/// transaction and roll it back on that answer. Once an error is found
/// (without `partial`) no further objects go to the sink. A sink error stops
/// the import and is returned as `Err`.
pub fn import_streaming<E>(
    text: &str,
    opts: &ImportOptions,
    mut sink: impl FnMut(StixObject) -> Result<(), E>,
) -> Result<Result<Streamed, ImportError>, E> {
    let top: BTreeMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(t) => t,
        // Not an object (or not JSON): the whole-tree reader gives the
        // located error or reads the array.
        Err(_) => return whole(text, opts, sink),
    };
    let is_bundle = top
        .get("type")
        .is_some_and(|t| t.get().trim() == "\"bundle\"");
    if !is_bundle {
        return whole(text, opts, sink);
    }
    let objects: Vec<&RawValue> = match top.get("objects") {
        None => Vec::new(),
        Some(raw) => match serde_json::from_str(raw.get()) {
            Ok(v) => v,
            // `objects` is not an array: the whole-tree reader says so.
            Err(_) => return whole(text, opts, sink),
        },
    };
    // The bundle's own properties are checked by the importer itself, on
    // the bundle without its objects.
    let mut header = Map::new();
    for (k, raw) in &top {
        if k != "objects" {
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(v) => header.insert(k.clone(), v),
                Err(_) => return whole(text, opts, sink),
            };
        }
    }
    header.insert("objects".into(), Value::Array(Vec::new()));
    let header_opts = ImportOptions {
        partial: true,
        ..*opts
    };
    let mut errors = match import_value(&Value::Object(header), &header_opts) {
        Ok(imp) => imp.errors,
        Err(ImportError::Rejected(e)) => e,
        Err(other) => return Ok(Err(other)),
    };
    drop(top);
    // Pass 1: the marking definitions (usually few) are all that is kept.
    let mut definitions = Vec::new();
    for raw in &objects {
        let t: Option<TypeOnly<'_>> = serde_json::from_str(raw.get()).ok();
        if t.and_then(|t| t.kind).as_deref() == Some("marking-definition") {
            // Unreadable here means unreadable in pass 2, which reports it.
            if let Ok(v) = serde_json::from_str::<Value>(raw.get()) {
                definitions.push(v);
            }
        }
    }
    let table = MarkingTable::from_objects(definitions.iter());
    drop(definitions);
    // Pass 2: one object at a time.
    let mut out = Streamed::default();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (i, raw) in objects.iter().enumerate() {
        let path = format!("$.objects[{i}]");
        let v: Value = match serde_json::from_str(raw.get()) {
            Ok(v) => v,
            Err(e) => {
                errors.push(PathError {
                    path,
                    reason: format!("not readable as JSON: {e}"),
                });
                continue;
            }
        };
        match check_bundle_object(&v, &path, &table, opts) {
            Ok(obj) => {
                if !seen.insert((obj.id.clone(), obj.version.clone())) {
                    out.duplicates += 1;
                } else if errors.is_empty() || opts.partial {
                    out.accepted += 1;
                    sink(obj)?;
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() && !opts.partial {
        return Ok(Err(ImportError::Rejected(errors)));
    }
    out.errors = errors;
    Ok(Ok(out))
}

/// The whole-tree path: anything but a bundle, and every malformed input.
fn whole<E>(
    text: &str,
    opts: &ImportOptions,
    mut sink: impl FnMut(StixObject) -> Result<(), E>,
) -> Result<Result<Streamed, ImportError>, E> {
    let Ok(root) = serde_json::from_str::<Value>(text) else {
        // The importer's own reader gives the located JSON error.
        return Ok(import_bundle(text, opts).map(|_| Streamed::default()));
    };
    let galaxy = crate::misp::is_galaxy(&root);
    let imported = if galaxy {
        drop(root);
        match crate::misp::galaxy_to_bundle(text) {
            Ok(b) => import_value(&b, opts),
            Err(e) => Err(ImportError::Rejected(vec![PathError {
                path: "$".into(),
                reason: format!("a MISP galaxy cluster that could not be read: {e}"),
            }])),
        }
    } else {
        import_value(&root, opts)
    };
    let imp = match imported {
        Ok(imp) => imp,
        Err(e) => return Ok(Err(e)),
    };
    let out = Streamed {
        accepted: imp.objects.len(),
        duplicates: imp.duplicates,
        errors: imp.errors,
        galaxy,
    };
    for o in imp.objects {
        sink(o)?;
    }
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Imported;
    use ascribe_model::Tlp;
    use proptest::prelude::*;

    fn collect(
        text: &str,
        opts: &ImportOptions,
    ) -> Result<(Streamed, Vec<StixObject>), ImportError> {
        let mut got = Vec::new();
        let r = import_streaming(text, opts, |o| {
            got.push(o);
            Ok::<_, std::convert::Infallible>(())
        });
        match r {
            Ok(Ok(s)) => Ok((s, got)),
            Ok(Err(e)) => Err(e),
            Err(never) => match never {},
        }
    }

    fn indicator(n: u32, marking: &str, created: &str) -> Value {
        serde_json::json!({
            "type": "indicator", "spec_version": "2.1",
            "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
            "created": created, "modified": created,
            "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
            "valid_from": "2020-01-01T00:00:00Z",
            "object_marking_refs": [marking],
        })
    }

    proptest! {
        /// The streamed import is the whole-tree import: same objects in the
        /// same order with the same TLP, same errors, same duplicates, for
        /// bundles with valid, invalid and repeated objects, custom TLP
        /// definitions placed after their users, with and without `partial`.
        #[test]
        fn streaming_equals_whole_tree(
            objs in proptest::collection::vec((0u32..6, 0usize..4, any::<bool>()), 0..12),
            partial in any::<bool>(),
            header_ok in any::<bool>(),
        ) {
            let custom = "marking-definition--11111111-2222-4333-8444-555555555555";
            let markings = [Tlp::Clear.stix_marking_id(), Tlp::Amber.stix_marking_id(), custom, "marking-definition--99999999-2222-4333-8444-555555555555"];
            let mut list: Vec<Value> = objs.iter().map(|(n, m, valid)| {
                indicator(*n, markings[*m], if *valid { "2020-01-01T00:00:00.000Z" } else { "yesterday" })
            }).collect();
            list.push(serde_json::json!({
                "type": "marking-definition", "spec_version": "2.1", "id": custom,
                "created": "2020-01-01T00:00:00.000Z", "definition_type": "tlp",
                "definition": {"tlp": "red"},
            }));
            let mut bundle = serde_json::json!({"type": "bundle", "objects": list});
            if header_ok {
                bundle["id"] = Value::String("bundle--00000000-0000-4000-8000-000000000001".into());
            }
            let text = bundle.to_string();
            let opts = ImportOptions { partial, unmarked: Tlp::Green };
            let whole: Result<Imported, ImportError> = crate::import_bundle(&text, &opts);
            let streamed = collect(&text, &opts);
            match (whole, streamed) {
                (Ok(w), Ok((s, got))) => {
                    prop_assert_eq!(&w.objects, &got);
                    prop_assert_eq!(w.errors, s.errors);
                    prop_assert_eq!(w.duplicates, s.duplicates);
                    prop_assert_eq!(w.objects.len(), s.accepted);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "whole {a:?} but streamed {b:?}"),
            }
        }
    }

    proptest! {
        /// On any text built from JSON-ish pieces (bundles, broken ones,
        /// repeated keys, wrong shapes) the streamed import never panics and
        /// gives the whole-tree import's verdict.
        #[test]
        fn any_text_gets_the_whole_tree_verdict(
            pieces in proptest::collection::vec(prop_oneof![
                Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"),
                Just("\"type\""), Just("\"bundle\""), Just("\"objects\""), Just("\"id\""),
                Just("\"bundle--00000000-0000-4000-8000-000000000001\""), Just("1"), Just("null"),
                Just("\"indicator\""), Just(" "),
            ], 0..40),
            partial in any::<bool>(),
        ) {
            let text: String = pieces.concat();
            let opts = ImportOptions { partial, unmarked: Tlp::Green };
            let whole = crate::import_bundle(&text, &opts);
            let streamed = collect(&text, &opts);
            match (whole, streamed) {
                (Ok(w), Ok((s, got))) => {
                    prop_assert_eq!(&w.objects, &got);
                    prop_assert_eq!(w.errors, s.errors);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "whole {a:?} but streamed {b:?}"),
            }
        }
    }

    #[test]
    fn non_bundles_and_bad_json_read_as_before() {
        let opts = ImportOptions::default();
        let one = indicator(1, Tlp::Red.stix_marking_id(), "2020-01-01T00:00:00.000Z");
        let (s, got) = collect(&one.to_string(), &opts).expect("one object");
        assert_eq!((s.accepted, got[0].tlp), (1, Tlp::Red));
        let arr = Value::Array(vec![one.clone(), one]).to_string();
        assert_eq!(collect(&arr, &opts).expect("array").0.duplicates, 1);
        let bad = "{\"type\": \"bundle\",\n \"objects\": [}";
        assert_eq!(
            collect(bad, &opts).err(),
            crate::import_bundle(bad, &opts).err()
        );
        let not_array = r#"{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": 3}"#;
        assert!(matches!(
            collect(not_array, &opts),
            Err(ImportError::Rejected(_))
        ));
    }
}
