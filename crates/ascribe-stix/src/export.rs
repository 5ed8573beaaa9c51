//! Writing an incident and its assessment as a STIX 2.1 bundle.
//!
//! The bundle never holds more than the requested TLP: the case is first cut
//! down to the evidence, claims, indicators and sightings at or below it, and
//! the assessment is then computed on that cut-down case by the caller's
//! assessor. A `clear` export is therefore the public view recomputed, never
//! the full assessment with parts blacked out.

use ascribe_model::{Case, Icd203, Indicator, IndicatorKind, Sighting, Tlp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ids::{sco_id, sdo_id};
use crate::time::{format_millis, parse_timestamp};
use ascribe_model::Clock;

/// What the exporter needs from an assessment (filled from `ascribe_assess::Assessment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentView {
    pub hypotheses: Vec<HypothesisView>,
    pub leading: LeadingView,
    /// One line on the difference between the full and the public view.
    pub gap: String,
    pub sensitivity: Vec<SensitivityView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HypothesisView {
    pub id: String,
    pub label: String,
    pub probability: f64,
    pub public_probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadingView {
    pub id: String,
    pub probability: f64,
    /// The PHIA yardstick phrase (`likely`).
    pub phrase: String,
    /// Analytic confidence (`low`, `moderate`, `high`).
    pub confidence: String,
    pub public_id: String,
    pub public_probability: f64,
    pub public_phrase: String,
    pub public_confidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityView {
    pub evidence: String,
    pub delta: f64,
    pub flips: bool,
}

/// Everything an export draws on.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    pub case: &'a Case,
    pub indicators: &'a [Indicator],
    pub sightings: &'a [Sighting],
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("assessment of the case at {tlp} failed: {reason}")]
    Assess { tlp: &'static str, reason: String },
}

/// The case as a reader cleared to `max` may see it: evidence, observations
/// and claims marked above `max` removed.
pub fn case_at(case: &Case, max: Tlp) -> Case {
    let mut c = case.clone();
    c.evidence.retain(|e| e.tlp <= max);
    c.observed.retain(|o| o.tlp <= max);
    c.claims.retain(|cl| cl.tlp <= max);
    c
}

/// STIX confidence (0-100) for a probability: the ICD 203 term for `p`, then
/// that term's value on the STIX confidence appendix's DNI scale.
pub fn stix_confidence(p: f64) -> u8 {
    match Icd203::from_probability(p) {
        Icd203::AlmostNoChance => 5,
        Icd203::VeryUnlikely => 15,
        Icd203::Unlikely => 30,
        Icd203::RoughlyEvenChance => 50,
        Icd203::Likely => 70,
        Icd203::VeryLikely => 85,
        Icd203::AlmostCertain => 95,
    }
}

/// The estimative statement a report carries.
pub fn estimative_statement(case: &Case, a: &AssessmentView, tlp: Tlp) -> String {
    let label = a
        .hypotheses
        .iter()
        .find(|h| h.id == a.leading.id)
        .map_or(a.leading.id.as_str(), |h| h.label.as_str());
    let view = if tlp.is_public() {
        "On public (TLP:CLEAR) evidence only"
    } else {
        "On the evidence up to this bundle's marking"
    };
    format!(
        "{view}, we judge it {} ({:.0}%) that {} was carried out by or for {label}; analytic confidence {}.",
        a.leading.phrase,
        a.leading.probability * 100.0,
        case.incident.title,
        a.leading.confidence
    )
}

fn marking(tlp: Tlp) -> Value {
    json!([tlp.stix_marking_id()])
}

fn stix_ts(s: &str) -> Option<String> {
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_owned()
    };
    parse_timestamp(&full).map(|t| format_millis(&t))
}

/// The pattern and the SCO for an indicator value.
fn observable(ind: &Indicator) -> (String, String, Value) {
    let v = ind.value.trim();
    let q = v.replace('\\', "\\\\").replace('\'', "\\'");
    match ind.kind {
        IndicatorKind::Ip | IndicatorKind::Cidr => {
            let t = if v.contains(':') {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            };
            (
                format!("[{t}:value = '{q}']"),
                t.to_owned(),
                json!({"value": v}),
            )
        }
        IndicatorKind::Domain => (
            format!("[domain-name:value = '{q}']"),
            "domain-name".into(),
            json!({"value": v}),
        ),
        IndicatorKind::Url => (
            format!("[url:value = '{q}']"),
            "url".into(),
            json!({"value": v}),
        ),
        IndicatorKind::Md5 | IndicatorKind::Sha1 | IndicatorKind::Sha256 => {
            let algo = match ind.kind {
                IndicatorKind::Md5 => "MD5",
                IndicatorKind::Sha1 => "SHA-1",
                _ => "SHA-256",
            };
            let h = v.to_ascii_lowercase();
            (
                format!("[file:hashes.'{algo}' = '{h}']"),
                "file".into(),
                json!({"hashes": {algo: h}}),
            )
        }
    }
}

/// Exports `input` at most at `max`, with `assess` run on the case cut down to `max`.
pub fn export_bundle<F>(
    input: &ExportInput<'_>,
    max: Tlp,
    clock: &dyn Clock,
    assess: F,
) -> Result<Value, ExportError>
where
    F: FnOnce(&Case) -> Result<AssessmentView, String>,
{
    let case = case_at(input.case, max);
    let a = assess(&case).map_err(|reason| ExportError::Assess {
        tlp: max.label(),
        reason,
    })?;
    let now = format_millis(&clock.now());
    let inc_id = &case.incident.id;
    let level = max.as_str();
    // Objects derived from the assessment carry the highest marking of what it rests on.
    let derived = case
        .evidence
        .iter()
        .map(|e| e.tlp)
        .chain(case.observed.iter().map(|o| o.tlp))
        .chain(case.claims.iter().map(|c| c.tlp))
        .max()
        .unwrap_or(Tlp::Clear);

    let mut objects: Vec<Value> = Vec::new();
    let producer = sdo_id("identity", "ascribe");
    objects.push(json!({
        "type": "identity", "spec_version": "2.1", "id": producer,
        "created": now, "modified": now,
        "name": "ascribe", "identity_class": "system",
        "description": "Evidence-graded attribution assessments exported by ascribe.",
        "object_marking_refs": marking(Tlp::Clear),
    }));

    let incident = sdo_id("incident", inc_id);
    let mut inc = json!({
        "type": "incident", "spec_version": "2.1", "id": incident,
        "created": now, "modified": now, "created_by_ref": producer,
        "name": case.incident.title,
        "external_references": [{"source_name": "ascribe", "external_id": inc_id}],
        "object_marking_refs": marking(Tlp::Clear),
    });
    if let Some(s) = &case.incident.summary {
        inc["description"] = json!(s);
    }
    objects.push(inc);

    let mut actor_ids: Vec<(String, String)> = Vec::new(); // (actor name lowercased, intrusion-set id)
    for h in &case.hypotheses {
        let Some(actor) = h
            .resolved
            .as_ref()
            .map(|r| r.name.clone())
            .or(h.actor.clone())
        else {
            continue;
        };
        let set = sdo_id("intrusion-set", &actor.to_lowercase());
        let mut aliases: Vec<String> = Vec::new();
        if let Some(a) = &h.actor {
            if !a.eq_ignore_ascii_case(&actor) {
                aliases.push(a.clone());
            }
        }
        let mut o = json!({
            "type": "intrusion-set", "spec_version": "2.1", "id": set,
            "created": now, "modified": now, "created_by_ref": producer,
            "name": actor,
            "object_marking_refs": marking(Tlp::Clear),
        });
        if !aliases.is_empty() {
            o["aliases"] = json!(aliases);
        }
        objects.push(o);
        actor_ids.push((actor.to_lowercase(), set.clone()));
        if let Some(a) = &h.actor {
            actor_ids.push((a.to_lowercase(), set.clone()));
        }
        if let Some(sponsor) = h.resolved.as_ref().and_then(|r| r.sponsor.clone()) {
            let ta = sdo_id("threat-actor", &sponsor.to_lowercase());
            if !objects.iter().any(|o| o["id"] == json!(ta)) {
                objects.push(json!({
                    "type": "threat-actor", "spec_version": "2.1", "id": ta,
                    "created": now, "modified": now, "created_by_ref": producer,
                    "name": sponsor, "threat_actor_types": ["nation-state"],
                    "resource_level": "government",
                    "object_marking_refs": marking(Tlp::Clear),
                }));
            }
            objects.push(json!({
                "type": "relationship", "spec_version": "2.1",
                "id": sdo_id("relationship", &format!("{set}|attributed-to|{ta}")),
                "created": now, "modified": now, "created_by_ref": producer,
                "relationship_type": "attributed-to", "source_ref": set, "target_ref": ta,
                "description": format!("{actor} is reported to act for {sponsor} (knowledge base)."),
                "object_marking_refs": marking(Tlp::Clear),
            }));
        }
        let p = a.hypotheses.iter().find(|x| x.id == h.id);
        if let Some(p) = p {
            objects.push(json!({
                "type": "relationship", "spec_version": "2.1",
                "id": sdo_id("relationship", &format!("{inc_id}|attributed-to|{}|{level}", h.id)),
                "created": now, "modified": now, "created_by_ref": producer,
                "relationship_type": "attributed-to", "source_ref": incident, "target_ref": set,
                "confidence": stix_confidence(p.probability),
                "description": format!(
                    "Hypothesis {}: probability {:.2} ({}), from {} evidence item(s) at or below {}.",
                    h.id, p.probability, Icd203::from_probability(p.probability).as_str(),
                    case.evidence.len() + case.observed.len(), max.label()
                ),
                "object_marking_refs": marking(derived),
            }));
        }
    }

    let mut indicator_refs = Vec::new();
    for ind in input.indicators.iter().filter(|i| i.tlp <= max) {
        let (pattern, _, _) = observable(ind);
        let id = sdo_id(
            "indicator",
            &format!("{}|{}", ind.kind.as_str(), ind.value.trim()),
        );
        if objects.iter().any(|o| o["id"] == json!(id)) {
            continue;
        }
        let mut o = json!({
            "type": "indicator", "spec_version": "2.1", "id": id,
            "created": now, "modified": now, "created_by_ref": producer,
            "name": format!("{} {}", ind.kind.as_str(), ind.value.trim()),
            "indicator_types": ["attribution"],
            "pattern": pattern, "pattern_type": "stix", "valid_from": now,
            "object_marking_refs": marking(ind.tlp),
        });
        if let Some(s) = &ind.source {
            o["description"] = json!(format!("Source: {s}"));
        }
        objects.push(o);
        indicator_refs.push(id.clone());
        if let Some(actor) = &ind.actor {
            if let Some((_, set)) = actor_ids.iter().find(|(n, _)| *n == actor.to_lowercase()) {
                objects.push(json!({
                    "type": "relationship", "spec_version": "2.1",
                    "id": sdo_id("relationship", &format!("{id}|indicates|{set}")),
                    "created": now, "modified": now, "created_by_ref": producer,
                    "relationship_type": "indicates", "source_ref": id, "target_ref": set,
                    "object_marking_refs": marking(ind.tlp),
                }));
            }
        }
    }
    for s in input.sightings.iter().filter(|s| s.indicator.tlp <= max) {
        let ind_id = sdo_id(
            "indicator",
            &format!("{}|{}", s.indicator.kind.as_str(), s.indicator.value.trim()),
        );
        if !indicator_refs.contains(&ind_id) {
            // A sighting of an indicator not exported on its own: export it too.
            let (pattern, _, _) = observable(&s.indicator);
            objects.push(json!({
                "type": "indicator", "spec_version": "2.1", "id": ind_id,
                "created": now, "modified": now, "created_by_ref": producer,
                "name": format!("{} {}", s.indicator.kind.as_str(), s.indicator.value.trim()),
                "indicator_types": ["attribution"],
                "pattern": pattern, "pattern_type": "stix", "valid_from": now,
                "object_marking_refs": marking(s.indicator.tlp),
            }));
            indicator_refs.push(ind_id.clone());
        }
        let (_, sco_type, contributing) = observable(&s.indicator);
        let sco = sco_id(&sco_type, &contributing);
        if !objects.iter().any(|o| o["id"] == json!(sco)) {
            let mut o = contributing.clone();
            o["type"] = json!(sco_type);
            o["spec_version"] = json!("2.1");
            o["id"] = json!(sco);
            o["object_marking_refs"] = marking(s.indicator.tlp);
            objects.push(o);
        }
        let first = stix_ts(&s.first_seen).unwrap_or_else(|| now.clone());
        let last = stix_ts(&s.last_seen).unwrap_or_else(|| first.clone());
        let count = s.count.clamp(1, 999_999_999);
        let key = format!("{ind_id}|{}|{}", s.first_seen, s.last_seen);
        let od = sdo_id("observed-data", &key);
        objects.push(json!({
            "type": "observed-data", "spec_version": "2.1", "id": od,
            "created": now, "modified": now, "created_by_ref": producer,
            "first_observed": first, "last_observed": last, "number_observed": count,
            "object_refs": [sco],
            "object_marking_refs": marking(s.indicator.tlp),
        }));
        objects.push(json!({
            "type": "sighting", "spec_version": "2.1", "id": sdo_id("sighting", &key),
            "created": now, "modified": now, "created_by_ref": producer,
            "sighting_of_ref": ind_id, "observed_data_refs": [od],
            "first_seen": first, "last_seen": last, "count": count,
            "object_marking_refs": marking(s.indicator.tlp),
        }));
    }

    let statement = estimative_statement(&case, &a, max);
    let mut refs: Vec<Value> = objects
        .iter()
        .filter(|o| o["type"] != json!("identity"))
        .map(|o| o["id"].clone())
        .collect();
    let note_id = sdo_id("note", &format!("{inc_id}|assessment|{level}"));
    let mut content = String::new();
    content.push_str(&format!(
        "Full view (evidence up to {}): {} {:.0}% ({}), confidence {}.\n",
        max.label(),
        a.leading.id,
        a.leading.probability * 100.0,
        a.leading.phrase,
        a.leading.confidence
    ));
    content.push_str(&format!(
        "Public view (TLP:CLEAR evidence only): {} {:.0}% ({}), confidence {}.\n",
        a.leading.public_id,
        a.leading.public_probability * 100.0,
        a.leading.public_phrase,
        a.leading.public_confidence
    ));
    content.push_str(&format!("Gap: {}\n", a.gap));
    if a.sensitivity.is_empty() {
        content.push_str("Sensitivity: no single item moves the verdict.\n");
    } else {
        content
            .push_str("Sensitivity (effect of removing each item on the leading probability):\n");
        for s in &a.sensitivity {
            content.push_str(&format!(
                "- {}: {:+.1} points{}\n",
                s.evidence,
                s.delta * 100.0,
                if s.flips { ", changes the verdict" } else { "" }
            ));
        }
    }
    let report_id = sdo_id("report", &format!("{inc_id}|assessment|{level}"));
    refs.push(json!(note_id));
    objects.push(json!({
        "type": "note", "spec_version": "2.1", "id": note_id,
        "created": now, "modified": now, "created_by_ref": producer,
        "abstract": "Public and full views, gap and sensitivity",
        "content": content,
        "object_refs": [incident],
        "object_marking_refs": marking(derived),
    }));
    objects.push(json!({
        "type": "report", "spec_version": "2.1", "id": report_id,
        "created": now, "modified": now, "created_by_ref": producer,
        "name": format!("Attribution assessment: {}", case.incident.title),
        "description": statement,
        "report_types": ["threat-report"],
        "published": now,
        "confidence": stix_confidence(a.leading.probability),
        "object_refs": refs,
        "object_marking_refs": marking(derived),
    }));
    Ok(json!({
        "type": "bundle",
        "id": sdo_id("bundle", &format!("{inc_id}|{level}")),
        "objects": objects,
    }))
}

/// The exporter's view of an assessment.
pub fn view_of(a: &ascribe_assess::Assessment) -> AssessmentView {
    AssessmentView {
        hypotheses: a
            .hypotheses
            .iter()
            .map(|h| HypothesisView {
                id: h.id.clone(),
                label: h.label.clone(),
                probability: h.probability,
                public_probability: h.public_probability,
            })
            .collect(),
        leading: LeadingView {
            id: a.leading.id.clone(),
            probability: a.leading.probability,
            phrase: a.leading.phrase.as_str().to_owned(),
            confidence: a.confidence.as_str().to_owned(),
            public_id: a.leading.public_id.clone(),
            public_probability: a.leading.public_probability,
            public_phrase: a.leading.public_phrase.as_str().to_owned(),
            public_confidence: a.public_confidence.as_str().to_owned(),
        },
        gap: a.gap.line.clone(),
        sensitivity: a
            .sensitivity
            .iter()
            .map(|s| SensitivityView {
                evidence: s.evidence.clone(),
                delta: s.delta,
                flips: s.flips,
            })
            .collect(),
    }
}

/// Exports with ascribe's assessor: the case is cut to `max` (evidence and
/// claims) and `ascribe_assess::assess_case` (claims to evidence, then the
/// assessment: the one the `assess` command uses) runs on that.
pub fn export_case(
    input: &ExportInput<'_>,
    max: Tlp,
    policy: &ascribe_assess::Policy,
    clock: &dyn Clock,
) -> Result<Value, ExportError> {
    export_bundle(input, max, clock, |cut| {
        ascribe_assess::assess_case(cut.clone(), policy)
            .map(|a| view_of(&a))
            .map_err(|e| e.to_string())
    })
}
