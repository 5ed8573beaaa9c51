//! What ascribe's model takes from imported STIX objects: actors (intrusion
//! sets and threat actors, with aliases and the sponsors their `attributed-to`
//! relationships name) and indicators (simple equality patterns, with the
//! actor an `indicates` relationship links them to).

use std::collections::BTreeMap;

use ascribe_model::{Actor, ActorKind, Indicator, IndicatorKind};
use serde_json::Value;

use crate::import::StixObject;

/// Actors and indicators derived from a set of objects (latest version of each).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelView {
    pub actors: Vec<Actor>,
    pub indicators: Vec<Indicator>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Reads the indicator kind and value from a one-comparison STIX pattern such
/// as `[ipv4-addr:value = '198.51.100.1']`; `None` for anything else.
pub fn simple_pattern(pattern: &str) -> Option<(IndicatorKind, String)> {
    let p = pattern.trim();
    let inner = p.strip_prefix('[')?.strip_suffix(']')?;
    let (lhs, rhs) = inner.split_once('=')?;
    let lhs = lhs.trim();
    let rhs = rhs.trim();
    let value = rhs.strip_prefix('\'')?.strip_suffix('\'')?;
    if value.contains('\'') && !value.contains("\\'") {
        return None;
    }
    let value = value.replace("\\'", "'").replace("\\\\", "\\");
    let kind = match lhs {
        "ipv4-addr:value" | "ipv6-addr:value" => {
            if value.contains('/') {
                IndicatorKind::Cidr
            } else {
                IndicatorKind::Ip
            }
        }
        "domain-name:value" => IndicatorKind::Domain,
        "url:value" => IndicatorKind::Url,
        _ => {
            let h = lhs.strip_prefix("file:hashes.")?;
            match h.trim_matches('\'').to_ascii_uppercase().as_str() {
                "MD5" => IndicatorKind::Md5,
                "SHA-1" | "SHA1" => IndicatorKind::Sha1,
                "SHA-256" | "SHA256" => IndicatorKind::Sha256,
                _ => return None,
            }
        }
    };
    Some((kind, value))
}

/// Builds the model view of `objects`. Where an id appears in several versions
/// the latest (largest version key) is used.
pub fn model_view(objects: &[StixObject]) -> ModelView {
    let mut latest: BTreeMap<&str, &StixObject> = BTreeMap::new();
    for o in objects {
        match latest.get(o.id.as_str()) {
            Some(prev) if prev.version >= o.version => {}
            _ => {
                latest.insert(o.id.as_str(), o);
            }
        }
    }
    let name_of = |id: &str| -> Option<String> {
        latest
            .get(id)
            .and_then(|o| o.json.get("name"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut sponsors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut indicates: BTreeMap<&str, String> = BTreeMap::new();
    for o in latest.values().filter(|o| o.kind == "relationship") {
        let j = &o.json;
        if j.get("revoked").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let (Some(rt), Some(src), Some(dst)) = (
            j.get("relationship_type").and_then(Value::as_str),
            j.get("source_ref").and_then(Value::as_str),
            j.get("target_ref").and_then(Value::as_str),
        ) else {
            continue;
        };
        let dst_kind = dst.split("--").next().unwrap_or("");
        match rt {
            "attributed-to" if matches!(dst_kind, "threat-actor" | "identity") => {
                if let Some(n) = name_of(dst) {
                    sponsors.entry(src).or_default().push(n);
                }
            }
            "indicates" if matches!(dst_kind, "intrusion-set" | "threat-actor" | "campaign") => {
                if let Some(n) = name_of(dst) {
                    indicates.insert(src, n);
                }
            }
            _ => {}
        }
    }
    let mut view = ModelView::default();
    for o in latest.values() {
        let j = &o.json;
        if j.get("revoked").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        match o.kind.as_str() {
            "intrusion-set" | "threat-actor" => {
                let Some(name) = j.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let nation = strings(j.get("threat_actor_types"))
                    .iter()
                    .any(|t| t == "nation-state");
                let mut aliases: Vec<String> = strings(j.get("aliases"))
                    .into_iter()
                    .filter(|a| a != name)
                    .collect();
                aliases.dedup();
                let mut sp = sponsors.remove(o.id.as_str()).unwrap_or_default();
                sp.sort();
                sp.dedup();
                view.actors.push(Actor {
                    name: name.to_owned(),
                    kind: if o.kind == "threat-actor" && nation && sp.is_empty() {
                        ActorKind::State
                    } else {
                        ActorKind::Group
                    },
                    aliases,
                    sponsors: sp,
                    description: j
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    sources: vec![format!("stix:{}", o.id)],
                });
            }
            "indicator" => {
                let Some((kind, value)) = j
                    .get("pattern")
                    .and_then(Value::as_str)
                    .and_then(simple_pattern)
                else {
                    continue;
                };
                view.indicators.push(Indicator {
                    kind,
                    value,
                    actor: indicates.get(o.id.as_str()).cloned(),
                    source: Some(format!("stix:{}", o.id)),
                    tlp: o.tlp,
                });
            }
            _ => {}
        }
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns_become_indicators() {
        assert_eq!(
            simple_pattern("[ipv4-addr:value = '198.51.100.1']"),
            Some((IndicatorKind::Ip, "198.51.100.1".into()))
        );
        assert_eq!(
            simple_pattern("[file:hashes.'SHA-256' = 'abc']"),
            Some((IndicatorKind::Sha256, "abc".into()))
        );
        assert_eq!(
            simple_pattern("[file:hashes.MD5 = 'abc']"),
            Some((IndicatorKind::Md5, "abc".into()))
        );
        assert_eq!(
            simple_pattern("[ipv4-addr:value = '10.0.0.0/8']").map(|x| x.0),
            Some(IndicatorKind::Cidr)
        );
        assert_eq!(simple_pattern("[a:b = 'x'] AND [c:d = 'y']"), None);
        assert_eq!(simple_pattern("[process:name = 'x']"), None);
    }
}
