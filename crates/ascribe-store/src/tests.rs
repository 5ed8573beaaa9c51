use ascribe_model::{
    AchRating, Admiralty, Bearing, Case, Claim, ClaimKind, Credibility, Evidence, EvidenceKind,
    Hypothesis, Incident, Period, Reliability, Tlp,
};

use super::*;

fn case() -> Case {
    Case {
        incident: Incident {
            id: "inc".into(),
            title: "An incident".into(),
            summary: Some("what happened".into()),
            period: Some(Period {
                from: "2020-01-01".into(),
                to: "2020-02-01".into(),
            }),
            victims: vec!["a lab".into()],
        },
        hypotheses: vec![
            Hypothesis {
                id: "apt29".into(),
                actor: Some("APT29".into()),
                resolved: Some(ascribe_model::ActorRef {
                    name: "APT29".into(),
                    sponsor: Some("Russia".into()),
                }),
                prior: Some(0.3),
            },
            Hypothesis::other(),
        ],
        evidence: vec![evidence("e1", None), evidence("e2", None)],
        claims: vec![Claim {
            id: "c1".into(),
            kind: Some(ClaimKind::Denial),
            speaker: Some("Dmitry Peskov".into()),
            speaker_org: Some("Kremlin".into()),
            target: Some("Russia".into()),
            probability: Some(ascribe_model::Band::new(0.1, 0.2)),
            date: Some("2020-07-16".into()),
            ..Claim::default()
        }],
    }
}

fn evidence(id: &str, origin: Option<&str>) -> Evidence {
    Evidence {
        id: id.into(),
        kind: EvidenceKind::InfrastructureOverlap,
        summary: format!("item {id}"),
        source: "NCSC".into(),
        grade: Admiralty::new(Reliability::B, Credibility::ProbablyTrue),
        tlp: Tlp::Amber,
        bearing: Bearing::Ratings([("apt29".to_owned(), AchRating::StronglyConsistent)].into()),
        origin: origin.map(Into::into),
    }
}

#[test]
fn a_case_round_trips() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .save_case(&case(), Some("{\"same_source_damping\":0.3}"))
        .unwrap();
    let loaded = store.load_case("inc").unwrap().unwrap();
    assert_eq!(loaded.case, case());
    assert_eq!(
        loaded.policy_json.as_deref(),
        Some("{\"same_source_damping\":0.3}")
    );
    assert!(store.load_case("nope").unwrap().is_none());
}

#[test]
fn reimport_updates_and_keeps_evidence_from_elsewhere() {
    let mut store = Store::open_in_memory().unwrap();
    store.save_case(&case(), None).unwrap();
    store
        .upsert_evidence("inc", &[evidence("sensor:1", Some("telemetry"))])
        .unwrap();
    let mut changed = case();
    changed.incident.title = "Renamed".into();
    changed.evidence.pop();
    store.save_case(&changed, None).unwrap();
    store.save_case(&changed, None).unwrap();
    let loaded = store.load_case("inc").unwrap().unwrap().case;
    assert_eq!(loaded.incident.title, "Renamed");
    let ids: Vec<&str> = loaded.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["sensor:1", "e1"]);
    assert_eq!(loaded.claims.len(), 1);
    assert_eq!(store.list_incidents().unwrap().len(), 1);
}

#[test]
fn a_failed_import_writes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let mut bad = case();
    // Two items with one id violate the primary key half-way through.
    bad.evidence.push(evidence("e1", None));
    assert!(store.save_case(&bad, None).is_err());
    assert!(store.list_incidents().unwrap().is_empty());
    // An update that fails leaves the earlier version whole.
    store.save_case(&case(), None).unwrap();
    let mut bad = case();
    bad.incident.title = "Half".into();
    bad.evidence.push(evidence("e2", None));
    assert!(store.save_case(&bad, None).is_err());
    let loaded = store.load_case("inc").unwrap().unwrap().case;
    assert_eq!(loaded, case());
}

#[test]
fn claims_are_filtered() {
    let mut store = Store::open_in_memory().unwrap();
    store.save_case(&case(), None).unwrap();
    let f = |speaker: Option<&str>, target: Option<&str>| ClaimFilter {
        incident: None,
        speaker: speaker.map(Into::into),
        target: target.map(Into::into),
    };
    assert_eq!(
        store.query_claims(&f(Some("kreml"), None)).unwrap().len(),
        1
    );
    assert_eq!(store.query_claims(&f(Some("NCSC"), None)).unwrap().len(), 0);
    assert_eq!(
        store.query_claims(&f(None, Some("russia"))).unwrap().len(),
        1
    );
}

#[test]
fn evidence_needs_an_incident_and_ensure_creates_one() {
    let mut store = Store::open_in_memory().unwrap();
    let err = store
        .upsert_evidence("ghost", &[evidence("x", Some("t"))])
        .unwrap_err();
    assert!(matches!(err, StoreError::NoIncident(_)));
    let inc = Incident {
        id: "ghost".into(),
        title: "t".into(),
        summary: None,
        period: None,
        victims: vec![],
    };
    assert!(store.ensure_incident(&inc).unwrap());
    assert!(!store.ensure_incident(&inc).unwrap());
    store
        .upsert_evidence("ghost", &[evidence("x", Some("t"))])
        .unwrap();
    let loaded = store.load_case("ghost").unwrap().unwrap().case;
    assert_eq!(loaded.hypotheses, vec![Hypothesis::other()]);
    assert_eq!(loaded.evidence.len(), 1);
}

#[test]
fn a_file_reopens_at_the_same_schema_and_refuses_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    {
        let mut store = Store::open(&path).unwrap();
        store.save_case(&case(), None).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        crate::sqlite::known_version()
    );
    assert!(store.load_case("inc").unwrap().is_some());
    store
        .raw_batch("INSERT INTO schema_migrations VALUES (9999, 'future')")
        .unwrap();
    drop(store);
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::TooNew { found: 9999, .. })
    ));
}
