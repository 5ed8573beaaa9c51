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
//! Two steps, so that a caller can add marking definitions it knows from
//! elsewhere (earlier files, the store) before any object is checked:
//! [`prepare`] reads the text and the markings, [`Prepared::run`] checks and
//! hands out the objects; [`import_streaming`] does both with the text's own
//! definitions. The checks and messages are [`crate::import`]'s own; only
//! bundles are streamed. A bare object, an array of objects or a MISP galaxy cluster is
//! read whole through [`crate::import_value`] and then handed to the sink.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::import::{
    check_bundle_object, import_bundle, import_value, import_value_with, ImportError,
    ImportOptions, PathError, StixObject,
};
use crate::marking::Markings;

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
    /// Markings that could not be classified: each object named by path and
    /// id, handed to the sink at TLP:RED, never at the default.
    pub warnings: Vec<PathError>,
}

/// A text read for a streamed import, before any object is checked: the
/// caller first learns which objects define or use markings
/// ([`Prepared::marking_objects`]), builds its marking table from them (and
/// from definitions it knows from elsewhere), then [`Prepared::run`]s.
#[derive(Debug)]
pub struct Prepared<'a> {
    kind: Kind<'a>,
}

#[derive(Debug)]
enum Kind<'a> {
    /// A bundle, streamed: its objects as raw slices of the text.
    Bundle {
        objects: Vec<&'a RawValue>,
        /// Problems of the bundle's own properties.
        header: Vec<PathError>,
        /// The marking definitions among the objects, and one carrier object
        /// holding every marking property (`object_marking_refs`,
        /// `granular_markings`) met in the bundle, deduplicated: what a
        /// marking table is built from, without holding the objects.
        markings: Vec<Value>,
    },
    /// Anything else, read whole (a bare object, an array, a MISP galaxy
    /// converted to a bundle).
    Whole {
        root: Value,
        galaxy: bool,
    },
    Failed(ImportError),
}

/// Reads `text` for a streamed import (see [`Prepared`]).
pub fn prepare(text: &str) -> Prepared<'_> {
    Prepared {
        kind: prepare_kind(text),
    }
}

fn prepare_kind(text: &str) -> Kind<'_> {
    let top: BTreeMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(t) => t,
        // Not an object (or not JSON): the whole-tree reader gives the
        // located error or reads the array.
        Err(_) => return whole(text),
    };
    let is_bundle = top
        .get("type")
        .is_some_and(|t| t.get().trim() == "\"bundle\"");
    if !is_bundle {
        return whole(text);
    }
    let objects: Vec<&RawValue> = match top.get("objects") {
        None => Vec::new(),
        Some(raw) => match serde_json::from_str(raw.get()) {
            Ok(v) => v,
            // `objects` is not an array: the whole-tree reader says so.
            Err(_) => return whole(text),
        },
    };
    // The bundle's own properties are checked by the importer itself, on
    // the bundle without its objects.
    let mut header = Map::new();
    for (k, raw) in &top {
        if k != "objects" {
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(v) => header.insert(k.clone(), v),
                Err(_) => return whole(text),
            };
        }
    }
    header.insert("objects".into(), Value::Array(Vec::new()));
    let header_opts = ImportOptions {
        partial: true,
        ..ImportOptions::default()
    };
    let header = match import_value(&Value::Object(header), &header_opts) {
        Ok(imp) => imp.errors,
        Err(ImportError::Rejected(e)) => e,
        Err(other) => return Kind::Failed(other),
    };
    // Pass 1: marking definitions and marking properties are all that is kept.
    let markings = marking_objects_of(objects.iter().copied());
    Kind::Bundle {
        objects,
        header,
        markings,
    }
}

/// What a marking table for `raws` (objects as raw JSON) is built from,
/// reading one object at a time: the marking definitions among them, and
/// one carrier object holding every distinct `object_marking_refs` entry
/// and `granular_markings` entry they use (so that a caller can look up
/// definitions stored elsewhere without holding the objects). Unreadable
/// objects are skipped here; the check of each object reports them.
pub fn marking_objects_of<'a>(raws: impl IntoIterator<Item = &'a RawValue>) -> Vec<Value> {
    let mut markings = Vec::new();
    let mut refs: BTreeSet<String> = BTreeSet::new();
    let mut granular: BTreeSet<String> = BTreeSet::new();
    for raw in raws {
        let Ok(v) = serde_json::from_str::<Value>(raw.get()) else {
            continue;
        };
        if let Some(a) = v.get("object_marking_refs").and_then(Value::as_array) {
            refs.extend(a.iter().map(Value::to_string));
        }
        if let Some(a) = v.get("granular_markings").and_then(Value::as_array) {
            granular.extend(a.iter().map(Value::to_string));
        }
        if v.get("type").and_then(Value::as_str) == Some("marking-definition") {
            markings.push(v);
        }
    }
    let parse_all = |set: BTreeSet<String>| -> Value {
        Value::Array(
            set.iter()
                .map(|t| serde_json::from_str(t).expect("the text of a JSON value reads back"))
                .collect(),
        )
    };
    if !refs.is_empty() || !granular.is_empty() {
        let mut carrier = Map::new();
        carrier.insert("object_marking_refs".into(), parse_all(refs));
        carrier.insert("granular_markings".into(), parse_all(granular));
        markings.push(Value::Object(carrier));
    }
    markings
}

/// The whole-tree path: anything but a bundle, and every malformed input.
fn whole(text: &str) -> Kind<'_> {
    let Ok(root) = serde_json::from_str::<Value>(text) else {
        // The importer's own reader gives the located JSON error.
        return match import_bundle(text, &ImportOptions::default()) {
            Err(e) => Kind::Failed(e),
            Ok(_) => Kind::Failed(ImportError::Rejected(vec![PathError {
                path: "$".into(),
                reason: "not readable as JSON".into(),
            }])),
        };
    };
    if !crate::misp::is_galaxy(&root) {
        return Kind::Whole {
            root,
            galaxy: false,
        };
    }
    drop(root);
    match crate::misp::galaxy_to_bundle(text) {
        Ok(b) => Kind::Whole {
            root: b,
            galaxy: true,
        },
        Err(e) => Kind::Failed(ImportError::Rejected(vec![PathError {
            path: "$".into(),
            reason: format!("a MISP galaxy cluster that could not be read: {e}"),
        }])),
    }
}

impl Prepared<'_> {
    /// The objects a marking table for this import is built from: the
    /// marking definitions, plus (for a streamed bundle) one object carrying
    /// every marking property the bundle uses.
    pub fn marking_objects(&self) -> Vec<&Value> {
        match &self.kind {
            Kind::Bundle { markings, .. } => markings.iter().collect(),
            Kind::Whole { root, .. } => crate::import::objects_of(root),
            Kind::Failed(_) => Vec::new(),
        }
    }

    /// Whether the text was a MISP galaxy cluster, read as STIX.
    pub fn galaxy(&self) -> bool {
        matches!(self.kind, Kind::Whole { galaxy: true, .. })
    }

    /// Checks the objects against `table`, handing each valid one to `sink`
    /// in bundle order.
    ///
    /// The sink sees objects before the verdict on the whole input: without
    /// `partial`, an input with any error is `Ok(Err(ImportError::Rejected))`
    /// after the sink may already have taken some objects, so write them in a
    /// transaction and roll it back on that answer. Once an error is found
    /// (without `partial`) no further objects go to the sink. A sink error
    /// stops the import and is returned as `Err`.
    pub fn run<E>(
        self,
        opts: &ImportOptions,
        table: &Markings,
        mut sink: impl FnMut(StixObject) -> Result<(), E>,
    ) -> Result<Result<Streamed, ImportError>, E> {
        let (objects, mut errors) = match self.kind {
            Kind::Failed(e) => return Ok(Err(e)),
            Kind::Whole { root, galaxy } => {
                let imp = match import_value_with(&root, opts, table) {
                    Ok(imp) => imp,
                    Err(e) => return Ok(Err(e)),
                };
                drop(root);
                let out = Streamed {
                    accepted: imp.objects.len(),
                    duplicates: imp.duplicates,
                    errors: imp.errors,
                    galaxy,
                    warnings: imp.warnings,
                };
                for o in imp.objects {
                    sink(o)?;
                }
                return Ok(Ok(out));
            }
            Kind::Bundle {
                objects, header, ..
            } => (objects, header),
        };
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
            match check_bundle_object(&v, &path, table, opts) {
                Ok((obj, mut warnings)) => {
                    out.warnings.append(&mut warnings);
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
}

/// [`prepare`], a marking table from the text's own definitions, and
/// [`Prepared::run`]: the streamed equivalent of [`crate::import_bundle`].
pub fn import_streaming<E>(
    text: &str,
    opts: &ImportOptions,
    sink: impl FnMut(StixObject) -> Result<(), E>,
) -> Result<Result<Streamed, ImportError>, E> {
    let prepared = prepare(text);
    let table = Markings::from_objects(prepared.marking_objects());
    prepared.run(opts, &table, sink)
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
