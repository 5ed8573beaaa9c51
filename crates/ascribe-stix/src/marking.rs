//! TLP markings on STIX objects: the TLP 2.0 marking-definition ids, the legacy
//! TLP 1.0 ids (WHITE read as CLEAR), and marking definitions a bundle defines itself.

use std::collections::BTreeMap;

use ascribe_model::Tlp;
use serde_json::Value;

/// TLP 1.0 marking-definition ids as STIX 2.x published them.
const LEGACY: [(&str, Tlp); 4] = [
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

/// The TLP a marking-definition id stands for, from the standard ids alone.
pub fn standard_tlp(marking_id: &str) -> Option<Tlp> {
    Tlp::ALL
        .into_iter()
        .find(|t| t.stix_marking_id() == marking_id)
        .or_else(|| {
            LEGACY
                .iter()
                .find(|(id, _)| *id == marking_id)
                .map(|(_, t)| *t)
        })
}

/// Marking ids that a bundle defines as TLP with its own marking-definition
/// objects (legacy `definition_type: "tlp"` or the TLP 2.0 extension).
#[derive(Debug, Default, Clone)]
pub struct MarkingTable {
    defined: BTreeMap<String, Tlp>,
}

impl MarkingTable {
    /// Reads the TLP marking definitions among `objects`.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut defined = BTreeMap::new();
        for o in objects {
            if o.get("type").and_then(Value::as_str) != Some("marking-definition") {
                continue;
            }
            let Some(id) = o.get("id").and_then(Value::as_str) else {
                continue;
            };
            if let Some(t) = definition_tlp(o) {
                defined.insert(id.to_owned(), t);
            }
        }
        MarkingTable { defined }
    }

    /// The TLP for a marking id: standard ids first, then the bundle's own.
    pub fn tlp_of(&self, marking_id: &str) -> Option<Tlp> {
        standard_tlp(marking_id).or_else(|| self.defined.get(marking_id).copied())
    }

    /// The most restrictive TLP among an object's object-level and granular
    /// markings, or `None` when it carries no TLP marking at all.
    pub fn object_tlp(&self, o: &Value) -> Option<Tlp> {
        let mut best: Option<Tlp> = None;
        let mut see = |id: &str| {
            if let Some(t) = self.tlp_of(id) {
                best = Some(best.map_or(t, |b| b.max(t)));
            }
        };
        if let Some(refs) = o.get("object_marking_refs").and_then(Value::as_array) {
            for r in refs.iter().filter_map(Value::as_str) {
                see(r);
            }
        }
        if let Some(gms) = o.get("granular_markings").and_then(Value::as_array) {
            for g in gms {
                if let Some(r) = g.get("marking_ref").and_then(Value::as_str) {
                    see(r);
                }
            }
        }
        best
    }
}

fn definition_tlp(o: &Value) -> Option<Tlp> {
    if o.get("definition_type").and_then(Value::as_str) == Some("tlp") {
        let t = o.get("definition")?.get("tlp")?.as_str()?;
        return t.parse().ok();
    }
    if let Some(exts) = o.get("extensions").and_then(Value::as_object) {
        for e in exts.values() {
            if let Some(t) = e.get("tlp_2_0").and_then(Value::as_str) {
                return t.parse().ok();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn standard_and_legacy_ids_map_to_tlp() {
        for t in Tlp::ALL {
            assert_eq!(standard_tlp(t.stix_marking_id()), Some(t));
        }
        assert_eq!(
            standard_tlp("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Some(Tlp::Clear)
        );
        assert_eq!(
            standard_tlp("marking-definition--00000000-0000-4000-8000-000000000000"),
            None
        );
    }

    #[test]
    fn the_most_restrictive_marking_wins_including_granular_ones() {
        let table = MarkingTable::from_objects(&[json!({
            "type": "marking-definition", "id": "marking-definition--11111111-1111-4111-8111-111111111111",
            "definition_type": "tlp", "definition": {"tlp": "amber"}
        })]);
        let o = json!({
            "object_marking_refs": [Tlp::Green.stix_marking_id()],
            "granular_markings": [{"marking_ref": "marking-definition--11111111-1111-4111-8111-111111111111", "selectors": ["description"]}]
        });
        assert_eq!(table.object_tlp(&o), Some(Tlp::Amber));
        assert_eq!(table.object_tlp(&json!({})), None);
    }
}
