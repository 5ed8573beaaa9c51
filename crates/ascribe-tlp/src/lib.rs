//! One classifier for TLP on the way in, for every way a marking arrives:
//! STIX marking refs (object level and granular), STIX marking definitions
//! (from the same bundle, the same TAXII envelope or the store), MISP tags,
//! and text values (CSV columns, command-line floors).
//!
//! Why one crate: a second copy of this rule is how material got classified
//! towards the open side (an upper-case id, a definition in an earlier bundle,
//! a loader with its own default). Every importer calls this.
//!
//! The rule:
//!
//! 1. An object's TLP is the strictest TLP among all its markings: every
//!    `object_marking_refs` entry and every granular marking's `marking_ref`.
//! 2. Marking ids are compared without regard to letter case.
//! 3. A ref is a TLP 2.0 or TLP 1.0 standard id (fixed: no definition can
//!    change what a standard id means), or it names a marking definition the
//!    importer knows (same bundle, envelope or store): a TLP definition gives
//!    its level, a definition that is not TLP (a statement, a copyright) adds
//!    nothing.
//! 4. Fail closed, to [`STRICTEST`] with a problem naming the ref: a ref that
//!    resolves to nothing, a TLP definition whose level cannot be read, an id
//!    with two definitions that disagree, markings that are not well formed.
//! 5. An object with no TLP marking gets the importer's default.
//! 6. A record derived from others takes the strictest of its inputs
//!    ([`strictest`]).

use std::collections::{BTreeMap, BTreeSet};

use ascribe_model::Tlp;
use serde_json::Value;

/// Where anything that cannot be classified goes.
pub const STRICTEST: Tlp = Tlp::Red;

/// The level an importer gives material that carries no TLP marking unless
/// told otherwise (`--unmarked-tlp`): TLP:GREEN, not public until someone
/// says so. `stix import`, TAXII POST and the indicator loaders share it.
pub const UNMARKED_DEFAULT: Tlp = Tlp::Green;

/// TLP 1.0 marking-definition ids as STIX 2.0/2.1 published them (WHITE is CLEAR).
pub const TLP1: [(&str, Tlp); 4] = [
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
];

/// The TLP 1.0 standard ids and their levels (for tests and documentation).
pub fn tlp1_ids() -> impl Iterator<Item = (&'static str, Tlp)> {
    TLP1.into_iter()
}

/// The key a marking id is compared by: STIX ids are case-insensitive in
/// their hex digits (the OASIS schema accepts `[0-9a-fA-F]`).
pub fn id_key(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// The TLP a marking-definition id stands for by standard (TLP 2.0, then
/// TLP 1.0), in any letter case.
pub fn standard_tlp(marking_id: &str) -> Option<Tlp> {
    Tlp::ALL
        .into_iter()
        .find(|t| t.stix_marking_id().eq_ignore_ascii_case(marking_id))
        .or_else(|| {
            TLP1.iter()
                .find(|(id, _)| id.eq_ignore_ascii_case(marking_id))
                .map(|(_, t)| *t)
        })
}

/// The strictest of the markings a derived record is made from (a sighting
/// from its indicator and the run's floor, for example).
pub fn strictest(inputs: impl IntoIterator<Item = Tlp>) -> Tlp {
    inputs.into_iter().max().unwrap_or(STRICTEST)
}

/// What a marking definition says about TLP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// A TLP definition (legacy `definition_type: "tlp"`, the TLP 2.0
    /// extension's `tlp_2_0`, or a `TLP:` name), the strictest it names.
    Tlp(Tlp),
    /// A definition that says nothing about TLP (statement, copyright).
    NotTlp,
    /// It claims to be TLP but its level cannot be read.
    Unreadable,
}

/// Reads one `marking-definition` object.
pub fn definition_meaning(o: &Value) -> Meaning {
    let mut level: Option<Tlp> = None;
    let mut unreadable = false;
    let mut see = |v: Option<&Value>| match v.and_then(Value::as_str).map(str::parse::<Tlp>) {
        Some(Ok(t)) => level = Some(level.map_or(t, |l| l.max(t))),
        _ => unreadable = true,
    };
    if o.get("definition_type")
        .and_then(Value::as_str)
        .is_some_and(|d| d.eq_ignore_ascii_case("tlp"))
    {
        see(o.get("definition").and_then(|d| d.get("tlp")));
    }
    if let Some(exts) = o.get("extensions").and_then(Value::as_object) {
        for e in exts.values() {
            if let Some(t) = e.get("tlp_2_0") {
                see(Some(t));
            }
        }
    }
    if let Some(name) = o.get("name").and_then(Value::as_str) {
        if name
            .trim()
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("tlp:"))
        {
            see(o.get("name"));
        }
    }
    match (unreadable, level) {
        (true, _) => Meaning::Unreadable,
        (false, Some(t)) => Meaning::Tlp(t),
        (false, None) => Meaning::NotTlp,
    }
}

/// What one marking ref resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Tlp(Tlp),
    NotTlp,
    /// Cannot be classified; the reason. Counts as [`STRICTEST`].
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Meaning(Meaning),
    /// Two definitions of one id that disagree.
    Conflict,
}

/// The marking definitions an import knows, by id (lower-cased): from the
/// bundle itself, the TAXII envelope and the store.
#[derive(Debug, Default, Clone)]
pub struct Markings {
    defs: BTreeMap<String, Known>,
}

/// An object's TLP as classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub tlp: Tlp,
    /// Whether `tlp` came from the object's markings (false: the default).
    pub marked: bool,
    /// Markings that could not be classified (each raised `tlp` to
    /// [`STRICTEST`]), with where on the object they are.
    pub problems: Vec<String>,
}

impl Markings {
    /// The definitions among `objects` (anything else is skipped).
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut m = Markings::default();
        m.add_objects(objects);
        m
    }

    /// Whether no definition is known.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Adds the marking definitions among `objects`.
    pub fn add_objects<'a>(&mut self, objects: impl IntoIterator<Item = &'a Value>) {
        for o in objects {
            self.add_definition(o);
        }
    }

    /// Adds `o` if it is a marking definition with an id that is not a
    /// standard one; true if added.
    pub fn add_definition(&mut self, o: &Value) -> bool {
        if o.get("type").and_then(Value::as_str) != Some("marking-definition") {
            return false;
        }
        let Some(id) = o.get("id").and_then(Value::as_str) else {
            return false;
        };
        if standard_tlp(id).is_some() {
            return false;
        }
        self.insert(id_key(id), Known::Meaning(definition_meaning(o)));
        true
    }

    /// Adds every definition of `other`.
    pub fn merge(&mut self, other: &Markings) {
        for (k, v) in &other.defs {
            self.insert(k.clone(), *v);
        }
    }

    fn insert(&mut self, key: String, k: Known) {
        match self.defs.get(&key) {
            Some(old) if *old != k => {
                self.defs.insert(key, Known::Conflict);
            }
            Some(_) => {}
            None => {
                self.defs.insert(key, k);
            }
        }
    }

    /// What a marking ref stands for.
    pub fn resolve(&self, marking_id: &str) -> Resolved {
        if let Some(t) = standard_tlp(marking_id) {
            return Resolved::Tlp(t);
        }
        match self.defs.get(&id_key(marking_id)) {
            Some(Known::Meaning(Meaning::Tlp(t))) => Resolved::Tlp(*t),
            Some(Known::Meaning(Meaning::NotTlp)) => Resolved::NotTlp,
            Some(Known::Meaning(Meaning::Unreadable)) => Resolved::Failed(format!(
                "{marking_id} is a TLP marking definition whose level cannot be read"
            )),
            Some(Known::Conflict) => Resolved::Failed(format!(
                "{marking_id} has definitions that disagree"
            )),
            None => Resolved::Failed(format!(
                "{marking_id} is neither a TLP 1.0/2.0 marking id nor a marking definition known to this import"
            )),
        }
    }

    /// Every marking ref on `objects` that is not a standard id (lower-cased):
    /// the ids to look up among the definitions stored earlier. Refs the
    /// bundle defines itself are looked up too, so that a stored definition
    /// that disagrees with the bundle's makes the id fail closed.
    pub fn custom_refs<'a>(objects: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for o in objects {
            for_each_ref(o, &mut |_, r| {
                if let Some(r) = r.filter(|r| standard_tlp(r).is_none()) {
                    out.insert(id_key(r));
                }
            });
        }
        out
    }

    /// The TLP of object `o`: the strictest of its markings, `unmarked` when
    /// it has no TLP marking, [`STRICTEST`] for any marking that cannot be
    /// classified.
    pub fn classify(&self, o: &Value, unmarked: Tlp) -> Classified {
        let mut best: Option<Tlp> = None;
        let mut problems = Vec::new();
        for_each_ref(o, &mut |at, r| {
            let level = match r.map(|r| self.resolve(r)) {
                Some(Resolved::Tlp(t)) => t,
                Some(Resolved::NotTlp) => return,
                Some(Resolved::Failed(why)) => {
                    problems.push(format!("{at}: {why}; treated as {}", STRICTEST.label()));
                    STRICTEST
                }
                None => {
                    problems.push(format!(
                        "{at}: not a marking id; treated as {}",
                        STRICTEST.label()
                    ));
                    STRICTEST
                }
            };
            best = Some(best.map_or(level, |b| b.max(level)));
        });
        Classified {
            tlp: best.unwrap_or(unmarked),
            marked: best.is_some(),
            problems,
        }
    }
}

/// Calls `f(where, ref)` for every marking ref on `o`; `ref` is `None` where
/// a marking is present but not a string id, `null` included (malformed:
/// fails closed).
fn for_each_ref(o: &Value, f: &mut impl FnMut(String, Option<&str>)) {
    match o.get("object_marking_refs") {
        None => {}
        Some(Value::Array(refs)) => {
            for (i, r) in refs.iter().enumerate() {
                f(format!("object_marking_refs[{i}]"), r.as_str());
            }
        }
        Some(_) => f("object_marking_refs".to_owned(), None),
    }
    match o.get("granular_markings") {
        None => {}
        Some(Value::Array(gms)) => {
            for (i, g) in gms.iter().enumerate() {
                let at = format!("granular_markings[{i}].marking_ref");
                match g.get("marking_ref") {
                    Some(r) => f(at, r.as_str()),
                    // A language marking carries no TLP.
                    None if g.get("lang").is_some_and(Value::is_string) => {}
                    None => f(at, None),
                }
            }
        }
        Some(_) => f("granular_markings".to_owned(), None),
    }
}

/// TLP from MISP tag names (`tlp:red`, `TLP:AMBER+STRICT`, `tlp:white`):
/// the strictest, or `None` when no tag is a `tlp:` tag. A `tlp:` tag whose
/// level is unknown (`tlp:unclear`, `tlp:ex:chr`) fails closed, with a problem.
pub fn from_tags<'a>(names: impl IntoIterator<Item = &'a str>) -> (Option<Tlp>, Vec<String>) {
    let mut best: Option<Tlp> = None;
    let mut problems = Vec::new();
    for n in names {
        let t = n.trim();
        if !t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tlp:")) {
            continue;
        }
        let level = t.parse::<Tlp>().unwrap_or_else(|_| {
            problems.push(format!(
                "tag {t:?} is not a TLP level ascribe knows; treated as {}",
                STRICTEST.label()
            ));
            STRICTEST
        });
        best = Some(best.map_or(level, |b| b.max(level)));
    }
    (best, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CUSTOM: &str = "marking-definition--11111111-1111-4111-8111-111111111111";

    fn custom(level: &str) -> Value {
        json!({"type": "marking-definition", "spec_version": "2.1", "id": CUSTOM,
               "created": "2020-01-01T00:00:00Z", "definition_type": "tlp",
               "definition": {"tlp": level}})
    }

    #[test]
    fn standard_ids_map_in_any_case() {
        for t in Tlp::ALL {
            assert_eq!(standard_tlp(t.stix_marking_id()), Some(t));
            assert_eq!(
                standard_tlp(&t.stix_marking_id().to_ascii_uppercase()),
                Some(t)
            );
        }
        for (id, t) in tlp1_ids() {
            assert_eq!(standard_tlp(&id.to_ascii_uppercase()), Some(t));
        }
        assert_eq!(standard_tlp(CUSTOM), None);
    }

    #[test]
    fn the_strictest_marking_wins_including_granular_ones() {
        let m = Markings::from_objects(&[custom("amber")]);
        let o = json!({
            "object_marking_refs": [Tlp::Green.stix_marking_id()],
            "granular_markings": [{"marking_ref": CUSTOM.to_ascii_uppercase(), "selectors": ["description"]},
                                  {"lang": "de", "selectors": ["name"]}]
        });
        let c = m.classify(&o, Tlp::Clear);
        assert_eq!((c.tlp, c.marked), (Tlp::Amber, true));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let none = m.classify(&json!({}), Tlp::Green);
        assert_eq!((none.tlp, none.marked), (Tlp::Green, false));
    }

    #[test]
    fn unknown_unreadable_conflicting_and_malformed_markings_fail_closed() {
        let unknown = Markings::default().classify(
            &json!({"object_marking_refs": [CUSTOM, Tlp::Clear.stix_marking_id()]}),
            Tlp::Clear,
        );
        assert_eq!(unknown.tlp, Tlp::Red);
        assert!(
            unknown.problems[0].contains(CUSTOM),
            "{:?}",
            unknown.problems
        );
        assert!(unknown.problems[0].starts_with("object_marking_refs[0]"));

        let unreadable = Markings::from_objects(&[custom("purple")]);
        assert_eq!(
            unreadable
                .classify(&json!({"object_marking_refs": [CUSTOM]}), Tlp::Clear)
                .tlp,
            Tlp::Red
        );

        let mut both = Markings::from_objects(&[custom("clear")]);
        both.merge(&Markings::from_objects(&[custom("red")]));
        let c = both.classify(&json!({"object_marking_refs": [CUSTOM]}), Tlp::Clear);
        assert_eq!(c.tlp, Tlp::Red);
        assert!(c.problems[0].contains("disagree"));

        for bad in [
            json!({"object_marking_refs": CUSTOM}),
            json!({"object_marking_refs": [7]}),
            json!({"granular_markings": [{"selectors": ["name"]}]}),
            json!({"granular_markings": {"marking_ref": CUSTOM}}),
            json!({"object_marking_refs": null}),
        ] {
            let c = Markings::default().classify(&bad, Tlp::Clear);
            assert_eq!((c.tlp, c.problems.len()), (Tlp::Red, 1), "{bad}");
        }
    }

    #[test]
    fn statements_add_nothing_and_standard_ids_cannot_be_redefined() {
        let statement = json!({"type": "marking-definition", "id": CUSTOM, "created": "2020-01-01T00:00:00Z",
                               "definition_type": "statement", "definition": {"statement": "(c) MITRE"}});
        let mut redefine = custom("clear");
        redefine["id"] = json!(Tlp::Red.stix_marking_id());
        let m = Markings::from_objects(&[statement, redefine]);
        let c = m.classify(&json!({"object_marking_refs": [CUSTOM]}), Tlp::Green);
        assert_eq!((c.tlp, c.marked), (Tlp::Green, false));
        let c = m.classify(
            &json!({"object_marking_refs": [Tlp::Red.stix_marking_id()]}),
            Tlp::Clear,
        );
        assert_eq!(c.tlp, Tlp::Red);
    }

    #[test]
    fn tlp_2_0_extension_and_names_are_read() {
        let ext = json!({"type": "marking-definition", "id": CUSTOM, "name": "TLP:AMBER",
            "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}}});
        assert_eq!(definition_meaning(&ext), Meaning::Tlp(Tlp::AmberStrict));
        let named = json!({"type": "marking-definition", "id": CUSTOM, "name": "TLP:PURPLE"});
        assert_eq!(definition_meaning(&named), Meaning::Unreadable);
    }

    #[test]
    fn custom_refs_are_the_ones_to_look_up() {
        let other = "marking-definition--22222222-2222-4222-8222-222222222222";
        let objs = [json!({
            "object_marking_refs": [CUSTOM, Tlp::Red.stix_marking_id(), other.to_ascii_uppercase()],
            "granular_markings": [{"marking_ref": CUSTOM.to_ascii_uppercase()}]
        })];
        assert_eq!(
            Markings::custom_refs(&objs).into_iter().collect::<Vec<_>>(),
            [CUSTOM, other]
        );
    }

    #[test]
    fn misp_tags() {
        assert_eq!(
            from_tags(["tlp:amber", "TLP:RED"]),
            (Some(Tlp::Red), vec![])
        );
        assert_eq!(from_tags(["tlp:white", "osint"]).0, Some(Tlp::Clear));
        assert_eq!(from_tags(["misp-galaxy:x"]).0, None);
        let (t, p) = from_tags(["tlp:clear", "tlp:unclear"]);
        assert_eq!((t, p.len()), (Some(Tlp::Red), 1));
    }

    #[test]
    fn derived_records_take_the_strictest_input() {
        assert_eq!(strictest([Tlp::Clear, Tlp::Amber]), Tlp::Amber);
        assert_eq!(strictest([Tlp::Red, Tlp::Amber]), Tlp::Red);
    }
}
