//! A MISP galaxy cluster of threat actors as STIX 2.1 objects, so that
//! `stix import` can take MISP's threat-actor galaxy beside STIX bundles.
//!
//! Each galaxy value becomes an `intrusion-set` whose UUID is the galaxy
//! value's own UUID, with the synonyms as aliases and the description; each
//! suspected sponsor (as ascribe's knowledge base canonicalises it) becomes a
//! nation-state `threat-actor` with an `attributed-to` relationship. The
//! galaxy's `version` v becomes `created`/`modified` = the Unix epoch plus v
//! seconds: importing the same galaxy twice is one version, a newer galaxy a
//! newer version. The galaxy is public (CC0/BSD-2), so every object is marked
//! TLP:CLEAR.

use ascribe_model::Tlp;
use serde_json::{json, Value};

use crate::ids::sdo_id;
use crate::time::format_millis;

/// Whether parsed JSON looks like a MISP galaxy cluster.
pub fn is_galaxy(v: &Value) -> bool {
    v.get("values").is_some_and(Value::is_array) && v.get("objects").is_none()
}

/// Converts a galaxy cluster's text into a STIX bundle.
pub fn galaxy_to_bundle(text: &str) -> Result<Value, String> {
    let raw: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let groups = ascribe_kb::misp_groups(text).map_err(|e| e.to_string())?;
    // A cluster without a version is dated at the epoch: the objects still
    // need a deterministic `created`, and no date is claimed for them.
    let version = raw.get("version").and_then(Value::as_i64).unwrap_or(0);
    let ts = time::OffsetDateTime::from_unix_timestamp(version)
        .map(|t| format_millis(&t))
        .map_err(|e| e.to_string())?;
    let marking = json!([Tlp::Clear.stix_marking_id()]);
    let mut objects = Vec::new();
    let mut states: Vec<String> = Vec::new();
    let values = raw
        .get("values")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for item in &values {
        let (Some(name), Some(uuid)) = (
            item.get("value").and_then(Value::as_str),
            item.get("uuid").and_then(Value::as_str),
        ) else {
            continue;
        };
        let Ok(uuid) = uuid::Uuid::parse_str(uuid) else {
            continue;
        };
        let set = format!("intrusion-set--{}", uuid.hyphenated());
        let group = groups.iter().find(|g| g.actor.name == name);
        let mut o = json!({
            "type": "intrusion-set", "spec_version": "2.1", "id": set,
            "created": ts, "modified": ts, "name": name,
            "external_references": [{"source_name": "misp-galaxy", "external_id": uuid.hyphenated().to_string()}],
            "object_marking_refs": marking,
        });
        if let Some(g) = group {
            if !g.actor.aliases.is_empty() {
                o["aliases"] = json!(g.actor.aliases);
            }
        }
        if let Some(d) = item
            .get("description")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
        {
            o["description"] = json!(d);
        }
        objects.push(o);
        for sponsor in group.map(|g| g.actor.sponsors.clone()).unwrap_or_default() {
            let ta = sdo_id("threat-actor", &format!("state|{}", sponsor.to_lowercase()));
            if !states.contains(&ta) {
                states.push(ta.clone());
                objects.push(json!({
                    "type": "threat-actor", "spec_version": "2.1", "id": ta,
                    "created": ts, "modified": ts, "name": sponsor,
                    "threat_actor_types": ["nation-state"], "resource_level": "government",
                    "object_marking_refs": marking,
                }));
            }
            objects.push(json!({
                "type": "relationship", "spec_version": "2.1",
                "id": sdo_id("relationship", &format!("{set}|attributed-to|{ta}")),
                "created": ts, "modified": ts,
                "relationship_type": "attributed-to", "source_ref": set, "target_ref": ta,
                "description": "suspected state sponsor, as the MISP galaxy gives it",
                "object_marking_refs": marking,
            }));
        }
    }
    Ok(json!({
        "type": "bundle",
        "id": sdo_id("bundle", &format!("misp-galaxy|{}|{version}", raw.get("uuid").and_then(Value::as_str).unwrap_or(""))),
        "objects": objects,
    }))
}
