//! The real bundles in `shared/data/stix` and ATT&CK import whole, keep every
//! object verbatim, and give the model what it holds (actors with aliases and
//! sponsors, indicators).

use std::path::PathBuf;

use ascribe_model::{Actor, IndicatorKind, Tlp};
use ascribe_stix::model::model_view;
use ascribe_stix::{import_bundle, ImportOptions, Imported};
use serde_json::Value;

fn bundles(dir: &str) -> Vec<PathBuf> {
    let Some(d) = ascribe_testutil::shared_file(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "json"));
    v.sort();
    v
}

/// A bundle of `shared/` imported under `opts`; `None` when `shared/` is absent.
fn imported(rel: &str, opts: &ImportOptions) -> Option<Imported> {
    let path = ascribe_testutil::shared_file(rel)?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(import_bundle(&text, opts).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

/// The actor of this name.
fn actor<'a>(actors: &'a [Actor], name: &str) -> &'a Actor {
    let found = actors.iter().find(|a| a.name == name);
    found.unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn every_oasis_and_attack_bundle_imports_without_loss() {
    let mut files = bundles("data/stix/oasis-cti-documentation");
    files.extend(bundles("data/stix/oasis-cti-stix2-json-schemas"));
    files.extend(bundles("data/stix/oasis-cti-stix-common-objects"));
    files.extend(bundles("data/attack"));
    if files.is_empty() {
        return;
    }
    assert!(files.len() >= 20, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let out = import_bundle(&text, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let raw: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let originals: Vec<Value> = match raw.get("objects") {
            Some(Value::Array(a)) => a.clone(),
            _ => vec![raw.clone()],
        };
        assert_eq!(
            out.objects.len() + out.duplicates,
            originals.len(),
            "{}",
            f.display()
        );
        // Verbatim: what is kept is exactly what was read.
        for (kept, orig) in out.objects.iter().zip(&originals) {
            assert_eq!(&kept.json, orig, "{}", f.display());
        }
    }
}

#[test]
fn attack_groups_keep_their_aliases_and_descriptions() {
    let opts = ImportOptions {
        unmarked: Tlp::Clear,
        ..Default::default()
    };
    let intrusion_sets = "data/attack/enterprise-attack-18.1-intrusion-sets.json";
    let Some(out) = imported(intrusion_sets, &opts) else {
        return;
    };
    let view = model_view(&out.objects);
    let apt29 = actor(&view.actors, "APT29");
    for alias in ["Cozy Bear", "NOBELIUM", "Midnight Blizzard", "The Dukes"] {
        assert!(
            apt29.aliases.iter().any(|a| a == alias),
            "{alias} missing from {:?}",
            apt29.aliases
        );
    }
    assert!(apt29
        .description
        .as_deref()
        .is_some_and(|d| d.contains("SVR")));
    // 187 groups; revoked ones are left out of the model but kept as objects.
    let sets = out
        .objects
        .iter()
        .filter(|o| o.kind == "intrusion-set")
        .count();
    assert_eq!(sets, 187);
    let revoked = out
        .objects
        .iter()
        .filter(|o| o.kind == "intrusion-set" && o.json["revoked"] == true)
        .count();
    assert_eq!(view.actors.len(), sets - revoked);
    // ATT&CK's marking is a copyright statement, not TLP: the default applies.
    assert!(out
        .objects
        .iter()
        .all(|o| o.tlp == Tlp::Clear && !o.marked || o.kind == "marking-definition"));
}

#[test]
fn apt1_gives_actors_and_poisonivy_gives_indicators() {
    let opts = ImportOptions::default();
    let Some(out) = imported("data/stix/oasis-cti-documentation/apt1.json", &opts) else {
        return;
    };
    let view = model_view(&out.objects);
    let apt1 = actor(&view.actors, "APT1");
    assert_eq!(apt1.aliases, ["Comment Crew", "Comment Group", "Shady Rat"]);
    assert!(view.actors.iter().any(|a| a.name == "Ugly Gorilla"));

    let c2 = "data/stix/oasis-cti-stix2-json-schemas/indicator-for-c2-ip-address.json";
    let out = imported(c2, &opts).expect("shared/ is present");
    let view = model_view(&out.objects);
    assert!(
        view.indicators.iter().any(|i| i.kind == IndicatorKind::Ip),
        "{view:?}"
    );
}

#[test]
fn legacy_tlp_markings_are_read() {
    let granular = "data/stix/oasis-cti-documentation/using-granular-markings.json";
    let Some(out) = imported(granular, &ImportOptions::default()) else {
        return;
    };
    // The bundle marks parts of an object with TLP 1.0 RED: the object is RED.
    assert!(
        out.objects.iter().any(|o| o.tlp == Tlp::Red && o.marked),
        "{:?}",
        out.objects
            .iter()
            .map(|o| (&o.id, o.tlp))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_misp_threat_actor_galaxy_imports_without_loss_of_what_the_model_holds() {
    let Some(p) = ascribe_testutil::shared_file("data/misp/threat-actor.json") else {
        return;
    };
    let text = std::fs::read_to_string(p).unwrap_or_default();
    let bundle = ascribe_stix::misp::galaxy_to_bundle(&text).unwrap_or_else(|e| panic!("{e}"));
    let out = ascribe_stix::import_value(&bundle, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.objects.iter().all(|o| o.tlp == Tlp::Clear && o.marked));
    let view = model_view(&out.objects);
    let kb = ascribe_kb::misp_groups(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kb.len(), 1041);
    let groups: Vec<_> = view
        .actors
        .iter()
        .filter(|a| a.kind == ascribe_model::ActorKind::Group)
        .collect();
    assert_eq!(groups.len(), kb.len());
    let raw: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    for g in &kb {
        let a = groups
            .iter()
            .find(|a| a.name == g.actor.name)
            .unwrap_or_else(|| panic!("{} lost", g.actor.name));
        let mut want = g.actor.aliases.clone();
        want.sort();
        let mut got = a.aliases.clone();
        got.sort();
        assert_eq!(got, want, "{}", a.name);
        let mut sp = g.actor.sponsors.clone();
        sp.sort();
        assert_eq!(a.sponsors, sp, "{}", a.name);
        // The galaxy's own UUID is the intrusion set's.
        let uuid = g.actor.sources[0].trim_start_matches("misp-galaxy:");
        assert_eq!(a.sources, [format!("stix:intrusion-set--{uuid}")]);
        let desc = raw["values"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["uuid"] == uuid)
            .and_then(|v| v["description"].as_str());
        assert_eq!(a.description.as_deref(), desc.filter(|d| !d.is_empty()));
    }
    let apt29 = groups
        .iter()
        .find(|a| a.name == "APT29")
        .unwrap_or_else(|| panic!("no APT29"));
    assert!(apt29.aliases.iter().any(|x| x == "COZY BEAR"));
    assert!(!apt29.sponsors.is_empty());
    // Importing the same galaxy again is the same objects and versions.
    let again = ascribe_stix::misp::galaxy_to_bundle(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, bundle);
}
