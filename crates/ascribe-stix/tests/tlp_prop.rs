//! Property: an export at a marking never contains, references or rests on
//! anything marked above it.

use std::collections::BTreeMap;

use ascribe_assess::Policy;
use ascribe_model::FixedClock;
use ascribe_model::{
    AchRating, Admiralty, Bearing, Case, Claim, ClaimKind, Credibility, Evidence, EvidenceKind,
    Hypothesis, Incident, Indicator, IndicatorKind, Reliability, Sighting, Tlp,
};
use ascribe_stix::{export_case, ExportInput};
use proptest::prelude::*;
use serde_json::Value;

fn tlp() -> impl Strategy<Value = Tlp> {
    (0usize..5).prop_map(|i| Tlp::ALL[i])
}

fn rating() -> impl Strategy<Value = AchRating> {
    (0usize..5).prop_map(|i| AchRating::ALL[i])
}

#[derive(Debug, Clone)]
struct Data {
    case: Case,
    indicators: Vec<Indicator>,
    sightings: Vec<Sighting>,
}

fn data() -> impl Strategy<Value = Data> {
    let ev = prop::collection::vec((tlp(), rating(), rating(), 0usize..4, 0usize..6), 0..8);
    let cl = prop::collection::vec((tlp(), 0usize..4), 0..4);
    let ind = prop::collection::vec((tlp(), 0usize..3, any::<bool>()), 0..6);
    (ev, cl, ind).prop_map(|(ev, cl, ind)| {
        let hypotheses = vec![
            Hypothesis {
                id: "h1".into(),
                actor: Some("Alpha Group".into()),
                resolved: None,
                prior: None,
            },
            Hypothesis {
                id: "h2".into(),
                actor: Some("Beta Group".into()),
                resolved: None,
                prior: None,
            },
            Hypothesis::other(),
        ];
        let evidence = ev
            .iter()
            .enumerate()
            .map(|(n, (t, r1, r2, src, kind))| Evidence {
                id: format!("evtok{n}{}", t.as_str()),
                kind: [
                    EvidenceKind::InfrastructureOverlap,
                    EvidenceKind::MalwareReuse,
                    EvidenceKind::Tradecraft,
                    EvidenceKind::Geolocation,
                    EvidenceKind::Denial,
                    EvidenceKind::OfficialStatement,
                ][*kind]
                    .clone(),
                summary: format!("summarytok{n}{}", t.as_str()),
                source: format!("sourcetok{src}{}", t.as_str()),
                grade: Admiralty::new(Reliability::B, Credibility::ProbablyTrue),
                tlp: *t,
                bearing: Bearing::Ratings(BTreeMap::from([
                    ("h1".to_owned(), *r1),
                    ("h2".to_owned(), *r2),
                ])),
                origin: None,
            })
            .collect();
        let claims = cl
            .iter()
            .enumerate()
            .map(|(n, (t, k))| Claim {
                id: format!("claimtok{n}{}", t.as_str()),
                kind: Some(ClaimKind::ALL[*k]),
                speaker_org: Some(format!("speakertok{n}{}", t.as_str())),
                target: Some(
                    if n % 2 == 0 {
                        "Alpha Group"
                    } else {
                        "Beta Group"
                    }
                    .into(),
                ),
                quote: Some(format!("quotetok{n}{}", t.as_str())),
                tlp: *t,
                ..Claim::default()
            })
            .collect();
        let indicators: Vec<Indicator> = ind
            .iter()
            .enumerate()
            .map(|(n, (t, k, linked))| Indicator {
                kind: [
                    IndicatorKind::Ip,
                    IndicatorKind::Domain,
                    IndicatorKind::Sha256,
                ][*k],
                value: match k {
                    0 => format!(
                        "198.51.{n}.{}",
                        Tlp::ALL.iter().position(|x| x == t).unwrap_or(0) + 1
                    ),
                    1 => format!("valtok{n}{}.example", t.as_str().replace('+', "-")),
                    _ => format!(
                        "{:064x}",
                        n * 1000 + Tlp::ALL.iter().position(|x| x == t).unwrap_or(0) + 7
                    ),
                },
                actor: linked.then(|| "Alpha Group".to_owned()),
                source: Some(format!("indsrctok{n}{}", t.as_str())),
                tlp: *t,
            })
            .collect();
        let sightings = indicators
            .iter()
            .step_by(2)
            .map(|i| Sighting {
                indicator: i.clone(),
                first_seen: "2024-01-01".into(),
                last_seen: "2024-01-02".into(),
                count: 3,
                examples: vec![],
            })
            .collect();
        Data {
            case: Case {
                incident: Incident::titled("inc", "An incident"),
                hypotheses,
                evidence,
                claims,
                observed: Vec::new(),
            },
            indicators,
            sightings,
        }
    })
}

fn ids_of(b: &Value) -> Vec<String> {
    b["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn all_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.ends_with("_ref") {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_owned());
                    }
                } else if k.ends_with("_refs") {
                    for s in x.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        out.push(s.to_owned());
                    }
                } else {
                    all_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| all_refs(x, out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn an_export_never_holds_or_references_anything_above_its_marking(d in data(), level in tlp()) {
        let clock = FixedClock(::time::OffsetDateTime::UNIX_EPOCH);
        let input = ExportInput { case: &d.case, indicators: &d.indicators, sightings: &d.sightings };
        let b = export_case(&input, level, &Policy::default(), &clock);
        let b = match b { Ok(b) => b, Err(e) => return Err(TestCaseError::fail(e.to_string())) };
        let text = b.to_string();
        let ids = ids_of(&b);
        for o in b["objects"].as_array().into_iter().flatten() {
            let m = o["object_marking_refs"][0].as_str().unwrap_or("");
            let t = Tlp::ALL.into_iter().find(|t| t.stix_marking_id() == m);
            prop_assert!(t.is_some_and(|t| t <= level), "{} marked {m} in a {level:?} export", o["id"]);
        }
        // Every reference resolves inside the bundle, except the TLP markings.
        let mut refs = Vec::new();
        all_refs(&b, &mut refs);
        for r in refs {
            prop_assert!(ids.contains(&r) || Tlp::ALL.iter().any(|t| t.stix_marking_id() == r), "dangling {r}");
        }
        // Nothing above the level appears, by id, summary, source or value.
        for t in Tlp::ALL.into_iter().filter(|t| *t > level) {
            let tag = t.as_str();
            for e in d.case.evidence.iter().filter(|e| e.tlp == t) {
                prop_assert!(!text.contains(&format!("\"{}", e.id)) && !text.contains(&format!(" {}:", e.id)), "{} leaked", e.id);
                prop_assert!(!text.contains(&e.summary), "{} leaked", e.summary);
            }
            for c in d.case.claims.iter().filter(|c| c.tlp == t) {
                prop_assert!(!text.contains(&c.id), "{} leaked", c.id);
            }
            for i in d.indicators.iter().filter(|i| i.tlp == t) {
                prop_assert!(!text.contains(&i.value), "{} ({tag}) leaked", i.value);
            }
        }
        // The figures rest only on what the level allows: the report equals
        // the assessor's verdict on the cut-down case.
        let cut = ascribe_stix::case_at(&d.case, level);
        let a = ascribe_assess::assess_case(cut, &Policy::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let report = b["objects"].as_array().into_iter().flatten().find(|o| o["type"] == "report").cloned().unwrap_or(Value::Null);
        let pct = format!("({:.0}%)", a.leading.probability * 100.0);
        prop_assert!(report["description"].as_str().unwrap_or("").contains(&pct));
    }
}
