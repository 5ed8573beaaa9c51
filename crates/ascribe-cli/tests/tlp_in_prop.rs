//! Property (issue 17): whatever form a TLP marking arrives in (TLP 2.0 or
//! TLP 1.0 standard ids, custom definitions in the bundle, stored by an
//! earlier import or nowhere, statement definitions, object-level or granular,
//! ids in either letter case, refs nothing resolves), no object or derived
//! record ends below its strictest marking: through `stix import` (the CLI's
//! flow: the bundle, then the store), a TAXII envelope (entries imported one by
//! one against the whole envelope and the store), the indicator loader, the
//! sightings a run stores, the store's clearance filter, and the CLEAR and
//! GREEN exports.

use ascribe_assess::Policy;
use ascribe_model::FixedClock;
use ascribe_model::{Case, Hypothesis, Incident, Tlp};
use ascribe_stix::marking::Markings;
use ascribe_stix::model::model_view;
use ascribe_stix::{
    export_case, import_value_with, known_markings, objects_of, ExportInput, ImportOptions,
    StixObject,
};
use ascribe_store::{NewObject, ObjectQuery, Store, VersionSel};
use ascribe_telemetry::evidence::stored_sighting;
use ascribe_telemetry::SightingRow;
use proptest::prelude::*;
use serde_json::{json, Value};

use ascribe_tlp::TLP1;

/// Where a custom marking definition is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Home {
    /// In the same bundle (for TAXII: the same envelope).
    Bundle,
    /// Imported earlier, so in the store.
    Stored,
    /// Nowhere the importer can see.
    Nowhere,
}

/// How a custom definition says what it is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Legacy,
    Extension,
    Statement,
}

#[derive(Debug, Clone)]
struct Def {
    level: Tlp,
    form: Form,
    home: Home,
    upper: bool,
}

#[derive(Debug, Clone, Copy)]
enum Mark {
    Tlp2(Tlp),
    Tlp1(usize),
    Custom(usize),
    Unknown,
}

#[derive(Debug, Clone)]
struct Ref {
    mark: Mark,
    upper: bool,
    granular: bool,
}

fn tlp() -> impl Strategy<Value = Tlp> {
    (0usize..5).prop_map(|i| Tlp::ALL[i])
}

fn def() -> impl Strategy<Value = Def> {
    let form = prop_oneof![
        Just(Form::Legacy),
        Just(Form::Extension),
        Just(Form::Statement)
    ];
    let home = prop_oneof![Just(Home::Bundle), Just(Home::Stored), Just(Home::Nowhere)];
    (tlp(), form, home, any::<bool>()).prop_map(|(level, form, home, upper)| Def {
        level,
        form,
        home,
        upper,
    })
}

fn mark() -> impl Strategy<Value = Ref> {
    let m = prop_oneof![
        tlp().prop_map(Mark::Tlp2),
        (0usize..4).prop_map(Mark::Tlp1),
        (0usize..3).prop_map(Mark::Custom),
        Just(Mark::Unknown),
    ];
    (m, any::<bool>(), any::<bool>()).prop_map(|(mark, upper, granular)| Ref {
        mark,
        upper,
        granular,
    })
}

use ascribe_testutil::upper_uuid as upper;

fn custom_id(k: usize) -> String {
    format!("marking-definition--0000000{k}-aaaa-4bbb-8ccc-dddddddddddd")
}

fn def_json(k: usize, d: &Def) -> Value {
    let id = if d.upper {
        upper(&custom_id(k))
    } else {
        custom_id(k)
    };
    let mut o = json!({"type": "marking-definition", "spec_version": "2.1", "id": id,
                       "created": "2020-01-01T00:00:00Z"});
    match d.form {
        Form::Legacy => {
            o["definition_type"] = json!("tlp");
            o["definition"] = json!({"tlp": d.level.as_str()});
        }
        Form::Extension => {
            o["extensions"] = json!({"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                {"extension_type": "property-extension", "tlp_2_0": d.level.as_str()}});
        }
        Form::Statement => {
            o["definition_type"] = json!("statement");
            o["definition"] = json!({"statement": "Copyright someone"});
        }
    }
    o
}

fn value(n: usize) -> String {
    format!("198.51.100.{}", n + 1)
}

fn indicator_json(n: usize, refs: &[Ref]) -> Value {
    let mut o = json!({"type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
        "pattern": format!("[ipv4-addr:value = '{}']", value(n)), "pattern_type": "stix",
        "valid_from": "2020-01-01T00:00:00Z"});
    let mut object_level = Vec::new();
    let mut granular = Vec::new();
    for r in refs {
        let id = match r.mark {
            Mark::Tlp2(t) => t.stix_marking_id().to_owned(),
            Mark::Tlp1(i) => TLP1[i].0.to_owned(),
            Mark::Custom(k) => custom_id(k),
            Mark::Unknown => "marking-definition--99999999-0000-4000-8000-000000000000".to_owned(),
        };
        let id = if r.upper { upper(&id) } else { id };
        if r.granular {
            granular.push(json!({"marking_ref": id, "selectors": ["pattern"]}));
        } else {
            object_level.push(json!(id));
        }
    }
    if !object_level.is_empty() {
        o["object_marking_refs"] = json!(object_level);
    }
    if !granular.is_empty() {
        o["granular_markings"] = json!(granular);
    }
    o
}

/// What the documented rule gives an indicator, when the importer sees the
/// definitions whose home is in `sees`: the strictest marking, TLP:RED for
/// any it cannot resolve, the default (GREEN) for none.
fn expected(refs: &[Ref], defs: &[Def], sees: &[Home]) -> Tlp {
    let mut best: Option<Tlp> = None;
    for r in refs {
        let level = match r.mark {
            Mark::Tlp2(t) => Some(t),
            Mark::Tlp1(i) => Some(TLP1[i].1),
            Mark::Custom(k) if sees.contains(&defs[k].home) => match defs[k].form {
                Form::Statement => None,
                _ => Some(defs[k].level),
            },
            Mark::Custom(_) | Mark::Unknown => Some(Tlp::Red),
        };
        if let Some(l) = level {
            best = Some(best.map_or(l, |b| b.max(l)));
        }
    }
    best.unwrap_or(Tlp::Green)
}

/// The strictest marking an indicator truly carries, as one who knows every
/// definition reads it (refs to nothing carry no known level).
fn truth(refs: &[Ref], defs: &[Def]) -> Tlp {
    refs.iter()
        .filter_map(|r| match r.mark {
            Mark::Tlp2(t) => Some(t),
            Mark::Tlp1(i) => Some(TLP1[i].1),
            Mark::Custom(k) if defs[k].form != Form::Statement => Some(defs[k].level),
            _ => None,
        })
        .max()
        .unwrap_or(Tlp::Clear)
}

fn bundle(objects: Vec<Value>) -> Value {
    json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": objects})
}

fn store_objects(store: &mut Store, objects: &[StixObject]) -> Result<(), TestCaseError> {
    let cid = store
        .stix_collections()
        .map_err(|e| TestCaseError::fail(e.to_string()))?[0]
        .id
        .clone();
    let texts: Vec<String> = objects.iter().map(|o| o.json.to_string()).collect();
    let news: Vec<NewObject<'_>> = objects
        .iter()
        .zip(&texts)
        .map(|(o, t)| NewObject {
            id: &o.id,
            kind: &o.kind,
            version: &o.version,
            spec_version: "2.1",
            tlp: o.tlp,
            marked: o.marked,
            json: t,
        })
        .collect();
    store
        .stix_add_objects(&cid, &news, "2026-01-01T00:00:00.000000000Z")
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    Ok(())
}

/// `stix import` of one bundle, as the CLI does it.
fn cli_import(store: &mut Store, root: &Value) -> Result<Vec<StixObject>, TestCaseError> {
    let known = known_markings(&objects_of(root), Markings::default(), |ids| {
        store.stix_marking_definitions(ids)
    })
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let imp = import_value_with(root, &ImportOptions::default(), &known)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    store_objects(store, &imp.objects)?;
    Ok(imp.objects)
}

/// A TAXII POST of `entries`, as the server does it: one by one, against the
/// whole envelope and the store.
fn taxii_post(store: &mut Store, entries: &[Value]) -> Result<Vec<StixObject>, TestCaseError> {
    let known = known_markings(
        &entries.iter().collect::<Vec<_>>(),
        Markings::default(),
        |ids| store.stix_marking_definitions(ids),
    )
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut out = Vec::new();
    for e in entries {
        let imp = import_value_with(e, &ImportOptions::default(), &known)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        out.extend(imp.objects);
    }
    store_objects(store, &out)?;
    Ok(out)
}

/// The indicators a reader cleared to `c` sees in the store.
fn visible(store: &Store, c: Tlp) -> Result<Vec<StixObject>, TestCaseError> {
    let cid = store
        .stix_collections()
        .map_err(|e| TestCaseError::fail(e.to_string()))?[0]
        .id
        .clone();
    let mut q = ObjectQuery::new(&cid, c, 10_000);
    q.types = vec!["indicator".into()];
    q.versions = vec![VersionSel::All];
    let page = store
        .stix_query(&q)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    page.items
        .into_iter()
        .map(|o| {
            ascribe_app::stix::stored_object(o).map_err(|e| TestCaseError::fail(e.to_string()))
        })
        .collect()
}

fn case() -> Case {
    Case {
        incident: Incident::titled("inc", "An incident"),
        hypotheses: vec![
            Hypothesis {
                id: "h1".into(),
                actor: Some("Alpha Group".into()),
                resolved: None,
                prior: None,
            },
            Hypothesis::other(),
        ],
        evidence: vec![],
        claims: vec![],
        observed: Vec::new(),
    }
}

fn tlp_of_indicator(objects: &[StixObject], n: usize) -> Option<Tlp> {
    let id = format!("indicator--00000000-0000-4000-8000-{n:012}");
    objects.iter().find(|o| o.id == id).map(|o| o.tlp)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn no_object_or_derived_record_ends_below_its_strictest_marking(
        defs in prop::collection::vec(def(), 3),
        inds in prop::collection::vec(prop::collection::vec(mark(), 0..4), 1..6),
        floor in tlp(),
    ) {
        let stored_defs: Vec<Value> = defs.iter().enumerate()
            .filter(|(_, d)| d.home == Home::Stored).map(|(k, d)| def_json(k, d)).collect();
        let mut main: Vec<Value> = defs.iter().enumerate()
            .filter(|(_, d)| d.home == Home::Bundle).map(|(k, d)| def_json(k, d)).collect();
        main.extend(inds.iter().enumerate().map(|(n, r)| indicator_json(n, r)));
        let importer_sees = [Home::Bundle, Home::Stored];

        // stix import: an earlier bundle with the stored definitions, then the main one.
        let mut cli = Store::open_in_memory(ascribe_app::SystemClock).map_err(|e| TestCaseError::fail(e.to_string()))?;
        cli_import(&mut cli, &bundle(stored_defs.clone()))?;
        let imported = cli_import(&mut cli, &bundle(main.clone()))?;
        // TAXII: an earlier POST with the stored definitions, then an envelope.
        let mut taxii = Store::open_in_memory(ascribe_app::SystemClock).map_err(|e| TestCaseError::fail(e.to_string()))?;
        taxii_post(&mut taxii, &stored_defs)?;
        let posted = taxii_post(&mut taxii, &main)?;
        for (n, refs) in inds.iter().enumerate() {
            let want = expected(refs, &defs, &importer_sees);
            prop_assert!(want >= truth(refs, &defs));
            prop_assert_eq!(tlp_of_indicator(&imported, n), Some(want), "stix import of {}", n);
            prop_assert_eq!(tlp_of_indicator(&posted, n), Some(want), "TAXII POST of {}", n);
        }
        // The store serves no indicator above a reader's clearance.
        for c in Tlp::ALL {
            for store in [&cli, &taxii] {
                for o in visible(store, c)? {
                    let n = inds.iter().enumerate()
                        .position(|(n, _)| o.id == format!("indicator--00000000-0000-4000-8000-{n:012}"));
                    let n = n.ok_or_else(|| TestCaseError::fail(format!("unknown object {}", o.id)))?;
                    prop_assert!(expected(&inds[n], &defs, &importer_sees) <= c, "{} served at {c:?}", o.id);
                }
            }
        }

        // The indicator loader sees the file alone: stored definitions are unknown to it.
        let loaded = ascribe_intel::load(&bundle(main).to_string(), "intel.json");
        let mut rows = Vec::new();
        for (n, refs) in inds.iter().enumerate() {
            let got = loaded.indicators.iter().find(|i| i.value == value(n)).map(|i| i.tlp);
            prop_assert_eq!(got, Some(expected(refs, &defs, &[Home::Bundle])), "loader, {}", n);
        }
        for ind in loaded.indicators.iter() {
            rows.push(SightingRow {
                indicator: ind,
                first_seen: "2024-01-01T00:00:00Z".into(),
                last_seen: "2024-01-02T00:00:00Z".into(),
                count: 2,
                examples: vec![],
            });
        }
        // Sightings take the stricter of their indicator's marking and the run's floor.
        let sightings: Vec<_> = rows.iter().map(|r| stored_sighting(r, floor)).collect();
        for s in &sightings {
            prop_assert_eq!(s.indicator.tlp, r_tlp(&rows, &s.indicator.value).max(floor));
        }

        // The CLEAR and GREEN exports hold nothing above their marking.
        let indicators = model_view(&visible(&cli, Tlp::Red)?).indicators;
        let clock = FixedClock(::time::OffsetDateTime::UNIX_EPOCH);
        for level in [Tlp::Clear, Tlp::Green] {
            let input = ExportInput { case: &case(), indicators: &indicators, sightings: &sightings };
            let b = export_case(&input, level, &Policy::default(), &clock)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let text = b.to_string();
            for (n, refs) in inds.iter().enumerate() {
                // Reachable through the indicator (as imported) or its sighting.
                let via_indicator = expected(refs, &defs, &importer_sees) <= level;
                let via_sighting = expected(refs, &defs, &[Home::Bundle]).max(floor) <= level;
                prop_assert!(truth(refs, &defs) <= level || !(via_indicator || via_sighting));
                if !via_indicator && !via_sighting {
                    prop_assert!(!mentions(&text, &value(n)), "{} in the {level:?} export", value(n));
                }
            }
            if floor > level {
                for o in b["objects"].as_array().into_iter().flatten() {
                    prop_assert!(o["type"] != "sighting" && o["type"] != "observed-data",
                        "{} from a {floor:?} run in the {level:?} export", o["type"]);
                }
            }
        }
    }
}

/// Whether `text` names the address `v` (not merely one it is a prefix of).
fn mentions(text: &str, v: &str) -> bool {
    text.match_indices(v).any(|(i, _)| {
        !text[i + v.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

fn r_tlp(rows: &[SightingRow], v: &str) -> Tlp {
    rows.iter()
        .find(|r| r.indicator.value == v)
        .map_or(Tlp::Red, |r| r.indicator.tlp)
}
