//! The behaviour every backend must show. Each test is a function over an
//! empty [`Store`]; [`behaviour_suite!`] runs them all against one backend,
//! so a PostgreSQL backend adds one line (`behaviour_suite!(postgres, ...)`)
//! and passes the same suite. Tests of one engine (a file reopened, its
//! migrations, its query plans) live beside that engine.

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

fn a_case_round_trips(mut store: Store) {
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

fn reimport_updates_and_keeps_evidence_from_elsewhere(mut store: Store) {
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

fn a_failed_import_writes_nothing(mut store: Store) {
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

fn claims_are_filtered(mut store: Store) {
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

fn evidence_needs_an_incident_and_ensure_creates_one(mut store: Store) {
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

/// Documents keep the incidents they were filed under, in order, and
/// re-recording one replaces its list.
fn documents_keep_their_incidents_in_order(mut store: Store) {
    let mut d = docs::DocumentRecord {
        name: "a.txt".into(),
        bytes: 10,
        published: None,
        claims: 2,
        incidents: vec!["z".into(), "a".into(), "m".into()],
        ingested_at: "2026-01-01T00:00:00Z".into(),
    };
    let e = docs::DocumentRecord {
        name: "b.txt".into(),
        incidents: vec![],
        ..d.clone()
    };
    store.record_document(&d).unwrap();
    store.record_document(&e).unwrap();
    assert_eq!(store.documents().unwrap(), vec![d.clone(), e.clone()]);
    d.incidents = vec!["q".into()];
    store.record_document(&d).unwrap();
    assert_eq!(store.documents().unwrap(), vec![d, e]);
}

/// Knowledge-base imports get ids in order; the latest is the one in use.
fn kb_imports_are_numbered_in_order(mut store: Store) {
    assert_eq!(store.latest_kb_import().unwrap(), None);
    for n in 1..=3 {
        store
            .save_kb_import(&docs::KbImport {
                source: format!("f{n}.json"),
                groups: n,
                data_json: "{}".into(),
                imported_at: "t".into(),
            })
            .unwrap();
    }
    assert_eq!(
        store.latest_kb_import().unwrap().map(|k| k.source),
        Some("f3.json".to_owned())
    );
    // A unit that fails takes no number with it.
    let failed: Result<()> = store.unit_of_work(|u| {
        u.save_kb_import(&docs::KbImport {
            source: "lost.json".into(),
            groups: 9,
            data_json: "{}".into(),
            imported_at: "t".into(),
        })?;
        Err(StoreError::NoIncident("refused".into()))
    });
    assert!(failed.is_err());
    assert_eq!(store.latest_kb_import().unwrap().map(|k| k.groups), Some(3));
}

/// STIX rows are numbered in insertion order across writes, and a write
/// that fails takes no number: paging by `seq` is paging by insertion.
fn stix_rows_are_numbered_in_insertion_order(mut store: Store) {
    let c = store.stix_collections().unwrap()[0].id.clone();
    let obj = |i: u32| NewObject {
        id: Box::leak(format!("indicator--00000000-0000-4000-8000-{i:012}").into_boxed_str()),
        kind: "indicator",
        version: "2020",
        spec_version: "2.1",
        tlp: Tlp::Clear,
        marked: true,
        json: "{}",
    };
    store
        .stix_add_objects(&c, &[obj(1), obj(2)], "2026")
        .unwrap();
    let failed = store.stix_write(&c, Tlp::Red, "2026", |w| {
        w.add(&obj(3))?;
        Err::<(), _>(StoreError::NoIncident("refused".into()))
    });
    assert!(failed.is_err());
    store.stix_add_objects(&c, &[obj(4)], "2025").unwrap();
    let mut q = ObjectQuery::new(&c, Tlp::Red, 10);
    q.versions = vec![VersionSel::All];
    let page = store.stix_query(&q).unwrap();
    let seqs: Vec<i64> = page.items.iter().map(|o| o.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    // `date_added` never goes below the latest, whatever the writer's clock says.
    assert_eq!(page.items[2].date_added, "2026");
}

/// A unit of work's reads see its own writes, and `updated_at` is the
/// store's clock, not the engine's.
fn writes_are_stamped_with_the_callers_clock(store: Store) {
    let t = time::OffsetDateTime::from_unix_timestamp(1_600_000_000).unwrap();
    let store = store.with_clock(Clock::fixed(t));
    let inc = Incident {
        id: "i".into(),
        title: "t".into(),
        summary: None,
        period: None,
        victims: vec![],
    };
    store
        .unit_of_work(|u| {
            u.ensure_incident(&inc)?;
            assert!(u.has_incident("i")?);
            u.upsert_evidence("i", &[evidence("x", Some("t"))])
        })
        .unwrap();
    let list = store.list_incidents().unwrap();
    assert_eq!(list[0].updated_at, "2020-09-13 12:26:40");
    assert_eq!(list[0].evidence, 1);
}

/// Runs the behaviour suite against one backend: `$open` makes an empty store.
macro_rules! behaviour_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            /// A store, and what must outlive it (a temporary directory).
            fn open() -> (Box<dyn std::any::Any>, super::Store) {
                ($open)()
            }
            behaviour_suite!(@tests
                a_case_round_trips,
                reimport_updates_and_keeps_evidence_from_elsewhere,
                a_failed_import_writes_nothing,
                claims_are_filtered,
                evidence_needs_an_incident_and_ensure_creates_one,
                documents_keep_their_incidents_in_order,
                kb_imports_are_numbered_in_order,
                stix_rows_are_numbered_in_insertion_order,
                writes_are_stamped_with_the_callers_clock
            );
        }
    };
    (@tests $($name:ident),*) => {
        $(
            #[test]
            fn $name() {
                let (_keep, store) = open();
                super::$name(store);
            }
        )*
    };
}

behaviour_suite!(sqlite_memory, || (
    Box::new(()) as Box<dyn std::any::Any>,
    super::Store::open_in_memory().expect("an in-memory store")
));
behaviour_suite!(sqlite_file, || {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store =
        super::Store::open_connections(&dir.path().join("suite.db"), 2).expect("a file store");
    (Box::new(dir) as Box<dyn std::any::Any>, store)
});

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
