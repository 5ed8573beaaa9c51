//! The behaviour every backend must show. Each test is a function over an
//! empty [`Store`]; [`behaviour_suite!`] runs them all against one backend,
//! so a PostgreSQL backend adds one line (`behaviour_suite!(postgres, ...)`)
//! and passes the same suite. Tests of one engine (a file reopened, its
//! migrations, its query plans) live beside that engine.

use ascribe_model::{
    AchRating, Admiralty, Bearing, Case, Claim, ClaimKind, Credibility, Evidence, EvidenceKind,
    Fact, Hypothesis, Incident, Period, Reliability, Tlp,
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
        observed: Vec::new(),
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

fn a_sponsor_without_an_actor_name_is_a_corrupt_row(mut store: Store) {
    store.save_case(&case(), None).unwrap();
    store
        .raw_batch("UPDATE hypotheses SET actor_name = NULL WHERE id = 'apt29'")
        .unwrap();
    let err = store.load_case("inc").unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("\"apt29\"") && message.contains("\"inc\""),
        "the error names the row: {message}"
    );
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
    let inc = Incident::titled("ghost", "t");
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
        tlp: Tlp::Clear,
        outlet: None,
        url: None,
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
    let obj = |i: u32| {
        let id = format!("indicator--00000000-0000-4000-8000-{i:012}");
        obj(Box::leak(id.into_boxed_str()), "2020", Tlp::Clear)
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
    let store = store.with_clock(ascribe_model::FixedClock(t));
    let inc = Incident::titled("i", "t");
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

/// Every write to an incident or its items raises its revision by one, in
/// the write's own unit; reads and a unit that fails leave it as it was.
fn every_write_raises_the_revision_and_nothing_else_does(mut store: Store) {
    let rev = |s: &Store| s.incident_revision("inc").unwrap().expect("the incident");
    assert_eq!(store.incident_revision("inc").unwrap(), None);
    store.save_case(&case(), None).unwrap();
    let r0 = rev(&store);
    store.load_case("inc").unwrap();
    store.list_incidents().unwrap();
    assert_eq!(rev(&store), r0, "reads change nothing");
    store
        .upsert_evidence("inc", &[evidence("e3", Some("t"))])
        .unwrap();
    assert_eq!(rev(&store), r0 + 1);
    let mut c = case().claims;
    c[0].id = "c2".into();
    store
        .upsert_claims("inc", &c, crate::Provenance::Case)
        .unwrap();
    assert_eq!(rev(&store), r0 + 2);
    store.save_case(&case(), None).unwrap();
    assert_eq!(rev(&store), r0 + 3, "a re-import is a write");
    let failed = store.unit_of_work(|u| {
        u.upsert_evidence("inc", &[evidence("e4", Some("t"))])?;
        Err::<(), _>(StoreError::NoIncident("refused".into()))
    });
    assert!(failed.is_err());
    assert_eq!(rev(&store), r0 + 3, "a failed unit raises nothing");
    let listed = store.list_incidents().unwrap();
    assert_eq!(listed[0].revision, r0 + 3);
    assert_eq!(
        store.incident_revisions().unwrap(),
        [("inc".to_owned(), r0 + 3)]
    );
}

use crate::test_object as obj;

fn marking_definitions_are_found_by_id_in_any_case(store: Store) -> Result<()> {
    let mut s = store;
    let c = s.stix_collections()?[0].id.clone();
    let def = "marking-definition--AAAAAAAA-1111-4111-8111-111111111111";
    let json = format!(r#"{{"type":"marking-definition","id":"{def}"}}"#);
    let mut o = obj(def, "", Tlp::Green);
    o.json = &json;
    s.stix_add_objects(&c, &[o], "2026-01-01T00:00:00.000000000Z")?;
    let want = [def.to_ascii_lowercase(), "marking-definition--x".into()];
    assert_eq!(s.stix_marking_definitions(&want)?, [json]);
    assert!(s
        .stix_marking_definitions(&["marking-definition--x".into()])?
        .is_empty());
    Ok(())
}

fn versions_paging_and_clearance_are_applied_in_sql(store: Store) -> Result<()> {
    let mut s = store;
    let c = s.stix_collections()?[0].id.clone();
    let a = "indicator--00000000-0000-4000-8000-000000000001";
    let b = "indicator--00000000-0000-4000-8000-000000000002";
    let out = s.stix_add_objects(
        &c,
        &[
            obj(a, "2020-01-01", Tlp::Clear),
            obj(a, "2021-01-01", Tlp::Red),
            obj(b, "2020-01-01", Tlp::Green),
        ],
        "2026-01-01T00:00:00.000000000Z",
    )?;
    assert!(out.iter().all(|o| o.added));
    // The same version again is one object.
    let again = s.stix_add_objects(
        &c,
        &[obj(a, "2020-01-01", Tlp::Clear)],
        "2026-01-02T00:00:00.000000000Z",
    )?;
    assert!(!again[0].added);
    // A clear reader's "last" version of `a` is the clear one.
    let mut q = ObjectQuery::new(&c, Tlp::Clear, 10);
    let p = s.stix_query(&q)?;
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].version, "2020-01-01");
    q.clearance = Tlp::Red;
    let p = s.stix_query(&q)?;
    assert_eq!(
        p.items
            .iter()
            .map(|o| o.version.as_str())
            .collect::<Vec<_>>(),
        ["2021-01-01", "2020-01-01"]
    );
    q.versions = vec![VersionSel::All];
    q.limit = 2;
    let p = s.stix_query(&q)?;
    assert!(p.more);
    q.after = p.items.last().map(|o| Cursor {
        id: o.id.clone(),
        version: o.version.clone(),
    });
    let p2 = s.stix_query(&q)?;
    assert_eq!((p2.items.len(), p2.more), (1, false));
    assert_eq!(s.stix_count(&c, Tlp::Green)?, 2);
    Ok(())
}

/// Finding 9: objects and their status are one commit.
fn objects_and_their_status_commit_together(store: Store) -> Result<()> {
    let mut s = store;
    let c = s.stix_collections()?[0].id.clone();
    let x = "indicator--00000000-0000-4000-8000-000000000001";
    let status = |id: &str| StatusRecord {
        id: id.into(),
        user_name: "u".into(),
        collection_id: c.clone(),
        request_timestamp: "2026".into(),
        total_count: 1,
        success_count: 1,
        failure_count: 0,
        pending_count: 0,
        details_json: "{}".into(),
    };
    // The status fails (its id is taken): the objects go too.
    s.taxii_put_status(&status("taken"))?;
    let r = s.stix_write(&c, Tlp::Red, "2026", |w| {
        w.add(&obj(x, "2020", Tlp::Clear))?;
        w.put_status(&status("taken"))
    });
    assert!(r.is_err());
    assert_eq!(s.stix_count(&c, Tlp::Red)?, 0);
    s.stix_write(&c, Tlp::Red, "2026", |w| {
        w.add(&obj(x, "2020", Tlp::Clear))?;
        w.put_status(&status("new"))
    })?;
    assert_eq!(s.stix_count(&c, Tlp::Red)?, 1);
    assert!(s.taxii_status("new")?.is_some());
    Ok(())
}

/// Findings 6 and 11: a writer that cannot see an object's versions
/// neither overwrites nor supersedes them, and its own write is real.
fn a_low_writer_never_touches_versions_it_cannot_see(store: Store) -> Result<()> {
    let mut s = store;
    let c = s.stix_collections()?[0].id.clone();
    let a = "indicator--00000000-0000-4000-8000-000000000001";
    s.stix_add_objects(&c, &[obj(a, "2020", Tlp::Red)], "2026")?;
    let last = |s: &Store, t: Tlp| -> Result<Vec<(String, Tlp)>> {
        let p = s.stix_query(&ObjectQuery::new(&c, t, 10))?;
        Ok(p.items.into_iter().map(|o| (o.version, o.tlp)).collect())
    };
    // Same id and version as the hidden RED one: stored, for its writer.
    let out = s.stix_write(&c, Tlp::Clear, "2026", |w| {
        w.add(&obj(a, "2020", Tlp::Clear))
    })?;
    assert!(out.added);
    assert_eq!(last(&s, Tlp::Clear)?, [("2020".to_owned(), Tlp::Clear)]);
    assert_eq!(last(&s, Tlp::Red)?, [("2020".to_owned(), Tlp::Red)]);
    // A newer version: the CLEAR reader's latest, never the RED reader's.
    s.stix_write(&c, Tlp::Clear, "2026", |w| {
        w.add(&obj(a, "2021", Tlp::Clear))
    })?;
    assert_eq!(last(&s, Tlp::Green)?, [("2021".to_owned(), Tlp::Clear)]);
    assert_eq!(last(&s, Tlp::Red)?, [("2020".to_owned(), Tlp::Red)]);
    // An AMBER writer sees the CLEAR rows: the same version is no new row.
    let again = s.stix_write(&c, Tlp::Amber, "2026", |w| {
        w.add(&obj(a, "2021", Tlp::Clear))
    })?;
    assert!(!again.added);
    // A RED writer sees everything and may supersede.
    s.stix_add_objects(&c, &[obj(a, "2022", Tlp::Amber)], "2026")?;
    assert_eq!(last(&s, Tlp::Red)?, [("2022".to_owned(), Tlp::Amber)]);
    // Nobody writes above their own clearance.
    let e = s
        .stix_write(&c, Tlp::Green, "2026", |w| {
            w.add(&obj(a, "2023", Tlp::Amber))
        })
        .expect_err("above clearance");
    assert!(matches!(e, StoreError::AboveClearance { .. }), "{e:?}");
    Ok(())
}

/// Finding 5: a cursor names a row the reader saw; one naming a hidden
/// row is the same error as one naming nothing.
fn a_cursor_on_a_hidden_row_is_refused(store: Store) -> Result<()> {
    let mut s = store;
    let c = s.stix_collections()?[0].id.clone();
    let a = "indicator--00000000-0000-4000-8000-000000000001";
    s.stix_add_objects(&c, &[obj(a, "2020", Tlp::Red)], "2026")?;
    let mut q = ObjectQuery::new(&c, Tlp::Clear, 10);
    for id in [a, "indicator--00000000-0000-4000-8000-00000000ffff"] {
        q.after = Some(Cursor {
            id: id.into(),
            version: "2020".into(),
        });
        assert!(matches!(s.stix_query(&q), Err(StoreError::BadCursor)));
    }
    q.clearance = Tlp::Red;
    q.after = Some(Cursor {
        id: a.into(),
        version: "2020".into(),
    });
    assert_eq!(s.stix_query(&q)?.items.len(), 0);
    Ok(())
}

fn users_round_trip_and_names_are_unique(store: Store) -> Result<()> {
    let mut s = store;
    let u = UserRecord {
        name: "ana".into(),
        role: Role::Reader,
        clearance: Tlp::AmberStrict,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    s.add_user(&u, "2026-01-01T00:00:00Z")?;
    assert_eq!(s.user("ana")?, Some(u.clone()));
    assert!(matches!(
        s.add_user(&u, "x"),
        Err(StoreError::UserExists(_))
    ));
    assert_eq!(s.user("bob")?, None);
    let coll = s.stix_collections()?;
    assert_eq!(s.collection_rights(&u, &coll[0].id)?, (true, false));
    s.set_collection_right("ana", &coll[0].id, false, false)?;
    assert_eq!(s.collection_rights(&u, &coll[0].id)?, (false, false));
    // By alias, replacing the earlier row; unknown user or collection named.
    let alias = coll[0].alias.clone();
    assert_eq!(
        s.change_collection_rights("ana", &alias, true, true)?,
        RightsChange::Set {
            collection_id: coll[0].id.clone()
        }
    );
    assert_eq!(s.collection_rights(&u, &coll[0].id)?, (true, true));
    assert_eq!(
        s.change_collection_rights("bob", &alias, true, false)?,
        RightsChange::NoSuchUser
    );
    assert_eq!(
        s.change_collection_rights("ana", "nope", true, false)?,
        RightsChange::NoSuchCollection
    );
    Ok(())
}

fn documents_and_kb_imports_round_trip(store: Store) {
    let mut s = store;
    let d = DocumentRecord {
        name: "a.txt".into(),
        bytes: 10,
        published: Some("2020-07-16".into()),
        claims: 2,
        incidents: vec!["x".into(), "y".into()],
        ingested_at: "2026-01-01T00:00:00Z".into(),
        tlp: Tlp::Clear,
        outlet: None,
        url: None,
    };
    s.record_document(&d).unwrap_or_else(|e| panic!("{e}"));
    s.record_document(&d).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.documents().expect("documents read back"), vec![d]);
    assert_eq!(s.latest_kb_import().expect("kb imports read back"), None);
    for n in [1, 2] {
        let k = KbImport {
            source: format!("f{n}.json"),
            groups: n,
            data_json: "{}".into(),
            imported_at: "t".into(),
        };
        s.save_kb_import(&k).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(
        s.latest_kb_import()
            .expect("kb imports read back")
            .map(|k| k.groups),
        Some(2)
    );
}

/// A unit of work that fails after writing an incident, its evidence, a
/// document and a telemetry run leaves none of them; one that succeeds
/// leaves all.
fn a_unit_of_work_writes_everything_or_nothing(store: Store) -> Result<()> {
    let mut s = store;
    let inc = ascribe_model::Incident::titled("i", "t");
    let doc = DocumentRecord {
        name: "a.txt".into(),
        bytes: 1,
        published: None,
        claims: 0,
        incidents: vec!["i".into()],
        ingested_at: "t".into(),
        tlp: Tlp::Clear,
        outlet: None,
        url: None,
    };
    let run = crate::TelemetryRun {
        id: "r".into(),
        incident_id: Some("i".into()),
        started_at: "t".into(),
        inputs: vec![],
        event_types: "alert".into(),
        summary_json: "{}".into(),
        tlp: Tlp::Amber,
        observations: vec![],
        sightings: vec![],
    };
    let write = |s: &mut Store, fail: bool| {
        s.unit_of_work(|u| {
            u.ensure_incident(&inc)?;
            u.record_document(&doc)?;
            u.save_telemetry_run(&run)?;
            if fail {
                return Err(crate::StoreError::NoIncident("refused".into()));
            }
            Ok(())
        })
    };
    assert!(write(&mut s, true).is_err());
    assert!(!s.has_incident("i")?);
    assert_eq!(s.documents()?, vec![]);
    assert_eq!(s.telemetry_runs("i")?, vec![]);
    write(&mut s, false)?;
    assert!(s.has_incident("i")?);
    assert_eq!(s.documents()?, vec![doc.clone()]);
    assert_eq!(s.telemetry_runs("i")?.len(), 1);
    Ok(())
}

// Observations (observed.rs): the two forms of one id replace each other.

/// Observations with the ids of `graded`, as attaching again would write them.
fn observed_like(graded: &[Evidence]) -> Vec<ascribe_model::Observed> {
    graded
        .iter()
        .map(|e| ascribe_model::Observed {
            id: e.id.clone(),
            summary: e.summary.clone(),
            source: e.source.clone(),
            tlp: e.tlp,
            origin: e.origin.clone().expect("an item with an origin"),
            fact: Fact::Geolocation {
                country: "RU".into(),
                hypotheses: vec!["apt29".into()],
                events: 25,
                total: 852,
            },
        })
        .collect()
}

fn observed_items_round_trip_and_replace_their_graded_form(mut store: Store) {
    store.save_case(&case(), None).unwrap();
    let graded = [
        evidence("telemetry-geolocation-ru", Some("telemetry:geolocation:RU")),
        evidence("telemetry-geolocation-cn", Some("telemetry:geolocation:CN")),
    ];
    store.upsert_evidence("inc", &graded).unwrap();
    let observed = observed_like(&graded);
    // Attaching again writes the observed form (stamped by the store's
    // clock); the graded rows of the same ids go, the rest stay.
    let t = time::OffsetDateTime::from_unix_timestamp(1_600_000_000).unwrap();
    let mut store = store.with_clock(ascribe_model::FixedClock(t));
    store.upsert_observed("inc", &observed).unwrap();
    let loaded = store.load_case("inc").unwrap().unwrap().case;
    assert_eq!(loaded.observed, observed);
    assert_eq!(loaded.evidence, case().evidence);
    let listed = store.list_incidents().unwrap();
    assert_eq!(listed[0].evidence, case().evidence.len() + observed.len());
    assert_eq!(listed[0].updated_at, "2020-09-13 12:26:40");
    // Graded evidence of the same id replaces an observed item.
    store.upsert_evidence("inc", &graded[..1]).unwrap();
    let loaded = store.load_case("inc").unwrap().unwrap().case;
    assert_eq!(loaded.observed, observed[1..]);
    assert_eq!(loaded.evidence.len(), case().evidence.len() + 1);
}

fn a_reader_loads_only_what_its_clearance_allows(mut store: Store) {
    let mut c = case();
    c.evidence[1].tlp = Tlp::Clear;
    c.evidence.push(Evidence {
        tlp: Tlp::Red,
        ..evidence("e3", None)
    });
    c.claims[0].tlp = Tlp::Green;
    c.observed = observed_like(&[evidence("o1", Some("telemetry:geolocation:RU"))]);
    for o in &mut c.observed {
        o.tlp = Tlp::AmberStrict;
    }
    store.save_case(&c, None).unwrap();
    store.upsert_observed("inc", &c.observed).unwrap();
    for t in Tlp::ALL {
        let seen = store.load_case_seen_by("inc", t).unwrap().unwrap().case;
        assert!(seen.evidence.iter().all(|e| e.tlp <= t), "{t:?}");
        assert!(seen.claims.iter().all(|x| x.tlp <= t), "{t:?}");
        assert!(seen.observed.iter().all(|o| o.tlp <= t), "{t:?}");
        let all = |n: usize, tlp: Tlp| if tlp <= t { n } else { 0 };
        assert_eq!(
            seen.evidence.len(),
            all(1, Tlp::Clear) + all(1, Tlp::Amber) + all(1, Tlp::Red)
        );
        assert_eq!(seen.claims.len(), all(1, Tlp::Green));
        assert_eq!(seen.observed.len(), all(c.observed.len(), Tlp::AmberStrict));
        let listed = store.list_incidents_seen_by(t).unwrap();
        assert_eq!(
            listed[0].evidence,
            seen.evidence.len() + seen.observed.len()
        );
        assert_eq!(listed[0].claims, seen.claims.len());
    }
    // Everything at TLP:RED is what the unfiltered read gives.
    assert_eq!(
        store.load_case_seen_by("inc", Tlp::Red).unwrap(),
        store.load_case("inc").unwrap()
    );
    assert!(store.load_case_seen_by("nope", Tlp::Red).unwrap().is_none());
}

/// A document above a reader's clearance is not read (it looks missing), nor
/// are its claims above it; its text and metadata come back as recorded.
fn a_reader_sees_a_document_and_its_claims_only_at_its_clearance(mut store: Store) {
    let mut c = case();
    let text = "Officials said APT29 did it. The ministry denied it.";
    let claim = |id: &str, start: usize, end: usize, tlp: Tlp| Claim {
        id: id.into(),
        doc: Some("d.txt".into()),
        start: Some(start),
        end: Some(end),
        tlp,
        ..c.claims[0].clone()
    };
    c.claims = vec![
        claim("late", 29, 52, Tlp::Clear),
        claim("early", 0, 28, Tlp::Amber),
    ];
    store.save_case(&c, None).unwrap();
    for (name, tlp) in [("d.txt", Tlp::Clear), ("secret.txt", Tlp::Red)] {
        let d = DocumentRecord {
            name: name.into(),
            bytes: text.len() as u64,
            published: Some("2020-07-16".into()),
            claims: 2,
            incidents: vec!["inc".into()],
            ingested_at: "t".into(),
            tlp,
            outlet: Some("The Outlet".into()),
            url: Some("https://example.org/d".into()),
        };
        store
            .unit_of_work(|u| {
                u.record_document(&d)?;
                u.record_document_text(name, text)
            })
            .unwrap();
    }
    let seen = store
        .document_seen_by("d.txt", Tlp::Clear)
        .unwrap()
        .unwrap();
    assert_eq!(seen.text.as_deref(), Some(text));
    assert_eq!(seen.record.outlet.as_deref(), Some("The Outlet"));
    assert_eq!(seen.record.incidents, ["inc"]);
    let ids = |s: &DocumentSeen| {
        s.claims
            .iter()
            .map(|(_, c)| c.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&seen), ["late"]);
    let amber = store
        .document_seen_by("d.txt", Tlp::Amber)
        .unwrap()
        .unwrap();
    assert_eq!(
        ids(&amber),
        ["early", "late"],
        "in the order of their spans"
    );
    for t in [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict] {
        assert!(
            store.document_seen_by("secret.txt", t).unwrap().is_none(),
            "{t:?}"
        );
    }
    assert!(store
        .document_seen_by("secret.txt", Tlp::Red)
        .unwrap()
        .is_some());
    assert!(store.document_seen_by("nope", Tlp::Red).unwrap().is_none());
    let unknown = store.unit_of_work(|u| u.record_document_text("nope", "x"));
    assert!(unknown.is_err(), "a text needs its document");
}

/// Claims naming an actor by any of its names (in any case), at or below a
/// clearance; the hypotheses that name an actor, with their incident.
fn claims_naming_an_actor_and_named_hypotheses(mut store: Store) {
    let mut c = case();
    let base = c.claims[0].clone();
    c.claims = vec![
        Claim {
            id: "a".into(),
            target: Some("cozy bear".into()),
            target_canonical: None,
            tlp: Tlp::Clear,
            ..base.clone()
        },
        Claim {
            id: "b".into(),
            target: Some("x".into()),
            target_canonical: Some("APT29".into()),
            tlp: Tlp::Amber,
            ..base.clone()
        },
        Claim {
            id: "c".into(),
            target: Some("APT28".into()),
            target_canonical: Some("APT28".into()),
            tlp: Tlp::Clear,
            ..base
        },
    ];
    store.save_case(&c, None).unwrap();
    let names = ["APT29".to_owned(), "Cozy Bear".to_owned()];
    let ids = |t: Tlp| -> Vec<String> {
        store
            .claims_naming_seen_by(&names, t)
            .unwrap()
            .into_iter()
            .map(|(_, c)| c.id)
            .collect()
    };
    assert_eq!(ids(Tlp::Clear), ["a"]);
    assert_eq!(ids(Tlp::Amber), ["a", "b"]);
    assert!(store
        .claims_naming_seen_by(&[], Tlp::Red)
        .unwrap()
        .is_empty());
    let h = store.named_hypotheses().unwrap();
    assert!(
        !h.is_empty()
            && h.iter()
                .all(|h| h.incident_id == "inc" && h.incident_title == "An incident")
    );
}

/// A device report is read back whole at or above its marking, replaced
/// by id, and looks missing below its marking.
fn device_reports_are_kept_and_read_at_clearance(mut store: Store) {
    store.save_case(&case(), None).unwrap();
    let mut r = DeviceReportRecord {
        id: "ab12".into(),
        incident_id: Some("inc".into()),
        name: "dev.hex".into(),
        claim: "flash-drive".into(),
        verdict: "FAIL".into(),
        tlp: Tlp::Amber,
        vetted_at: "t".into(),
        report_json: "{}".into(),
    };
    store.unit_of_work(|u| u.save_device_report(&r)).unwrap();
    assert_eq!(
        store.device_report_seen_by("ab12", Tlp::Amber).unwrap(),
        Some(r.clone())
    );
    assert_eq!(
        store.device_report_seen_by("ab12", Tlp::Green).unwrap(),
        None
    );
    r.tlp = Tlp::Clear;
    r.verdict = "PASS".into();
    store.unit_of_work(|u| u.save_device_report(&r)).unwrap();
    assert_eq!(
        store.device_report_seen_by("ab12", Tlp::Clear).unwrap(),
        Some(r)
    );
    assert_eq!(store.device_report_seen_by("nope", Tlp::Red).unwrap(), None);
}

/// The documents list: filtered and counted in the statement, never a row
/// above the clearance, one page at a time, newest first; `%` and `_` in a
/// filter are themselves.
fn documents_are_listed_filtered_and_paged_at_clearance(mut store: Store) {
    store.save_case(&case(), None).unwrap();
    let doc = |name: &str, tlp: Tlp, outlet: Option<&str>, at: &str| DocumentRecord {
        name: name.into(),
        bytes: 1,
        published: None,
        claims: 0,
        incidents: vec!["inc".into()],
        ingested_at: at.into(),
        tlp,
        outlet: outlet.map(Into::into),
        url: Some("https://example.org/100%_sure".into()),
    };
    for d in [
        doc("a.txt", Tlp::Clear, Some("BBC News"), "2020-01-01"),
        doc("b.html", Tlp::Green, Some("Reuters"), "2020-01-03"),
        doc("c.txt", Tlp::Red, Some("BBC Monitoring"), "2020-01-02"),
    ] {
        store.record_document(&d).unwrap();
    }
    let list = |at: Tlp, f: &DocumentFilter, off: usize, n: usize| {
        let (total, rows) = store.read(|r| r.documents_seen_by(at, f, off, n)).unwrap();
        let names: Vec<String> = rows.iter().map(|d| d.name.clone()).collect();
        (total, names)
    };
    let all = DocumentFilter::default();
    assert_eq!(
        list(Tlp::Red, &all, 0, 10),
        (3, vec!["b.html".into(), "c.txt".into(), "a.txt".into()])
    );
    assert_eq!(
        list(Tlp::Green, &all, 0, 10),
        (2, vec!["b.html".into(), "a.txt".into()])
    );
    assert_eq!(list(Tlp::Red, &all, 1, 1), (3, vec!["c.txt".into()]));
    let bbc = DocumentFilter {
        outlet: Some("bbc".into()),
        ..DocumentFilter::default()
    };
    assert_eq!(list(Tlp::Amber, &bbc, 0, 10), (1, vec!["a.txt".into()]));
    let text = DocumentFilter {
        text: Some("TXT".into()),
        ..DocumentFilter::default()
    };
    assert_eq!(list(Tlp::Red, &text, 0, 10).0, 2);
    let literal = DocumentFilter {
        text: Some("100%_s".into()),
        ..DocumentFilter::default()
    };
    assert_eq!(list(Tlp::Red, &literal, 0, 10).0, 3);
    let wild = DocumentFilter {
        text: Some("1%s".into()),
        ..DocumentFilter::default()
    };
    assert_eq!(list(Tlp::Red, &wild, 0, 10).0, 0, "% is no wildcard");
    let red = DocumentFilter {
        marking: Some(Tlp::Red),
        ..DocumentFilter::default()
    };
    assert_eq!(list(Tlp::Amber, &red, 0, 10), (0, vec![]));
    let (_, rows) = store
        .read(|r| r.documents_seen_by(Tlp::Clear, &all, 0, 1))
        .unwrap();
    assert_eq!(rows[0].incidents, vec!["inc".to_owned()]);
}

/// Web sessions are kept by token hash, touched, and forgotten on
/// sign-out, when idle too long, or with their user.
fn web_sessions_are_kept_touched_and_forgotten(store: Store) -> Result<()> {
    let user = UserRecord {
        name: "ana".into(),
        role: Role::Analyst,
        clearance: Tlp::Amber,
        password_hash: "h".into(),
    };
    store.unit_of_work(|u| u.add_user(&user, "t"))?;
    let s = |last_used: i64| WebSession {
        user: "ana".into(),
        csrf: "c".into(),
        last_used,
    };
    store.unit_of_work(|u| {
        u.save_web_session("h1", &s(100))?;
        u.save_web_session("h2", &s(10))
    })?;
    assert_eq!(store.read(|r| r.web_session("h1"))?, Some(s(100)));
    assert!(store.unit_of_work(|u| u.touch_web_session("h1", 160))?);
    assert_eq!(
        store.read(|r| r.web_session("h1"))?.map(|x| x.last_used),
        Some(160)
    );
    assert_eq!(store.unit_of_work(|u| u.delete_web_sessions_before(50))?, 1);
    assert_eq!(store.read(|r| r.web_session("h2"))?, None);
    store.unit_of_work(|u| u.delete_web_session("h1"))?;
    assert!(
        !store.unit_of_work(|u| u.touch_web_session("h1", 200))?,
        "signed out"
    );
    assert_eq!(store.read(|r| r.web_session("h1"))?, None);
    Ok(())
}

/// The telemetry page's reads: sums by group over the runs a clearance may
/// see, one page at a time with the number of groups; sightings filtered by
/// their own marking and their run's.
fn telemetry_reads_sum_and_filter_by_marking(mut store: Store) {
    store.save_case(&case(), None).unwrap();
    let run = |id: &str, tlp: Tlp, country: &str, events: u64| crate::TelemetryRun {
        id: id.into(),
        incident_id: Some("inc".into()),
        started_at: "t".into(),
        inputs: vec![],
        event_types: "alert".into(),
        summary_json: "{}".into(),
        tlp,
        observations: ["2024-03-04", "2024-03-05"]
            .iter()
            .map(|day| {
                let o = ascribe_model::Observation {
                    day: (*day).into(),
                    src_country: country.into(),
                    src_asn: 64500,
                    signature: "S".into(),
                    action: "allowed".into(),
                    events,
                    distinct_src_ips: 1,
                    first_seen: "a".into(),
                    last_seen: "b".into(),
                };
                (o, 0, vec![])
            })
            .collect(),
        sightings: vec![ascribe_model::Sighting {
            indicator: ascribe_model::Indicator {
                kind: ascribe_model::IndicatorKind::Ip,
                value: format!("{id}-ip"),
                actor: None,
                source: None,
                tlp,
            },
            first_seen: "a".into(),
            last_seen: "b".into(),
            count: events,
            examples: vec![],
        }],
    };
    store
        .save_telemetry_run(&run("r1", Tlp::Clear, "NL", 5))
        .unwrap();
    store
        .save_telemetry_run(&run("r2", Tlp::Amber, "DE", 7))
        .unwrap();
    let by = |g: EventGroup, t: Tlp, most: bool, off: usize, lim: usize| {
        store
            .read(|r| r.events_by_seen_by(g, t, most, off, lim))
            .unwrap()
    };
    assert_eq!(
        by(EventGroup::Country, Tlp::Clear, true, 0, 10),
        (1, vec![("NL".to_owned(), 10)])
    );
    assert_eq!(
        by(EventGroup::Country, Tlp::Amber, true, 0, 10),
        (2, vec![("DE".to_owned(), 14), ("NL".to_owned(), 10)])
    );
    assert_eq!(
        by(EventGroup::Country, Tlp::Amber, true, 1, 10).1,
        [("NL".to_owned(), 10)]
    );
    assert_eq!(
        by(EventGroup::Day, Tlp::Amber, false, 0, 1),
        (2, vec![("2024-03-05".to_owned(), 12)])
    );
    assert_eq!(
        by(EventGroup::Asn, Tlp::Clear, true, 0, 10).1,
        [("64500".to_owned(), 10)]
    );
    store
        .read(|r| {
            assert_eq!(r.telemetry_marking_seen_by(Tlp::Clear)?, Some(Tlp::Clear));
            assert_eq!(r.telemetry_marking_seen_by(Tlp::Red)?, Some(Tlp::Amber));
            let days = ["2024-03-04".to_owned()];
            let cells =
                r.country_days_seen_by(Tlp::Clear, &days, &["NL".to_owned(), "DE".to_owned()])?;
            assert_eq!(cells, [("2024-03-04".to_owned(), "NL".to_owned(), 5)]);
            let (n, rows) = r.sightings_seen_by(Tlp::Clear, 0, 10)?;
            assert_eq!((n, rows.len(), rows[0].value.as_str()), (1, 1, "r1-ip"));
            assert_eq!(r.sightings_seen_by(Tlp::Amber, 0, 10)?.0, 2);
            // Narrowed by day, country, AS and run, in the statements; never above the clearance.
            let f = |from: Option<&str>,
                     to: Option<&str>,
                     country: Option<&str>,
                     asn: Option<u32>,
                     run: Option<&str>| {
                crate::TelemetryFilter {
                    clearance: Tlp::Amber,
                    from: from.map(Into::into),
                    to: to.map(Into::into),
                    country: country.map(Into::into),
                    asn,
                    run: run.map(Into::into),
                }
            };
            let day = f(Some("2024-03-05"), Some("2024-03-05"), None, None, None);
            assert_eq!(
                r.events_by_seen_by(EventGroup::Country, day.clone(), true, 0, 10)?,
                (2, vec![("DE".to_owned(), 7), ("NL".to_owned(), 5)])
            );
            assert_eq!(
                r.events_by_seen_by(
                    EventGroup::Day,
                    f(None, None, Some("DE"), None, None),
                    true,
                    0,
                    10
                )?
                .1,
                [("2024-03-04".to_owned(), 7), ("2024-03-05".to_owned(), 7)]
            );
            assert_eq!(
                r.events_by_seen_by(
                    EventGroup::Asn,
                    f(None, None, None, Some(1), None),
                    true,
                    0,
                    10
                )?
                .0,
                0
            );
            let r1 = f(None, None, None, None, Some("r1"));
            assert_eq!(
                r.events_by_seen_by(EventGroup::Country, r1.clone(), true, 0, 10)?
                    .1,
                [("NL".to_owned(), 10)]
            );
            assert_eq!(r.telemetry_marking_seen_by(r1.clone())?, Some(Tlp::Clear));
            assert_eq!(r.sightings_seen_by(r1, 0, 10)?.0, 1);
            let cells = r.country_days_seen_by(day, &days, &["NL".to_owned(), "DE".to_owned()])?;
            assert!(
                cells.is_empty(),
                "2024-03-04 is outside the days asked: {cells:?}"
            );
            let hidden = crate::TelemetryFilter {
                clearance: Tlp::Green,
                ..f(None, None, None, None, Some("r2"))
            };
            assert_eq!(
                r.events_by_seen_by(EventGroup::Country, hidden.clone(), true, 0, 10)?
                    .0,
                0
            );
            assert_eq!(r.sightings_seen_by(hidden.clone(), 0, 10)?.0, 0);
            assert_eq!(r.telemetry_marking_seen_by(hidden)?, None);
            Ok::<(), StoreError>(())
        })
        .unwrap();
}

/// What a suite test returns: nothing, or a store result that must be `Ok`.
trait Outcome {
    fn check(self);
}

impl Outcome for () {
    fn check(self) {}
}

impl Outcome for Result<()> {
    fn check(self) {
        if let Err(e) = self {
            panic!("{e}");
        }
    }
}

/// Runs the behaviour suite against one backend: `$open` makes an empty
/// store, with what must outlive it (a temporary directory, a schema), or
/// `None` when the backend's server is absent (it printed why).
macro_rules! behaviour_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            fn open() -> Option<(Box<dyn std::any::Any>, super::Store)> {
                ($open)()
            }
            behaviour_suite!(@tests
                a_case_round_trips,
                a_sponsor_without_an_actor_name_is_a_corrupt_row,
                reimport_updates_and_keeps_evidence_from_elsewhere,
                a_failed_import_writes_nothing,
                claims_are_filtered,
                evidence_needs_an_incident_and_ensure_creates_one,
                documents_keep_their_incidents_in_order,
                kb_imports_are_numbered_in_order,
                stix_rows_are_numbered_in_insertion_order,
                writes_are_stamped_with_the_callers_clock,
                every_write_raises_the_revision_and_nothing_else_does,
                marking_definitions_are_found_by_id_in_any_case,
                versions_paging_and_clearance_are_applied_in_sql,
                objects_and_their_status_commit_together,
                a_low_writer_never_touches_versions_it_cannot_see,
                a_cursor_on_a_hidden_row_is_refused,
                users_round_trip_and_names_are_unique,
                documents_and_kb_imports_round_trip,
                a_unit_of_work_writes_everything_or_nothing,
                observed_items_round_trip_and_replace_their_graded_form,
                a_reader_loads_only_what_its_clearance_allows,
                a_reader_sees_a_document_and_its_claims_only_at_its_clearance,
                claims_naming_an_actor_and_named_hypotheses,
                device_reports_are_kept_and_read_at_clearance,
                documents_are_listed_filtered_and_paged_at_clearance,
                web_sessions_are_kept_touched_and_forgotten,
                telemetry_reads_sum_and_filter_by_marking
            );
        }
    };
    (@tests $($name:ident),*) => {
        $(
            #[test]
            fn $name() {
                let Some((_keep, store)) = open() else {
                    return;
                };
                super::Outcome::check(super::$name(store));
            }
        )*
    };
}

behaviour_suite!(sqlite_memory, || Some((
    Box::new(()) as Box<dyn std::any::Any>,
    super::Store::open_in_memory(crate::test_clock()).expect("an in-memory store")
)));
behaviour_suite!(sqlite_file, || {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store =
        super::Store::open_connections(&dir.path().join("suite.db"), 2, crate::test_clock())
            .expect("a file store");
    Some((Box::new(dir) as Box<dyn std::any::Any>, store))
});
// A schema of its own per test on the test server (dropped after it), two
// connections; skipped with a printed reason when PostgreSQL is absent.
behaviour_suite!(postgres, || {
    let schema = ascribe_testutil::postgres_schema()?;
    let at = super::Location::Postgres(schema.url().to_owned());
    let store =
        super::Store::open_at(&at, 2, crate::test_clock()).unwrap_or_else(|e| panic!("{e}: {e:?}"));
    Some((Box::new(schema) as Box<dyn std::any::Any>, store))
});

#[test]
fn a_file_reopens_at_the_same_schema_and_refuses_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    {
        let mut store = Store::open(&path, crate::test_clock()).unwrap();
        store.save_case(&case(), None).unwrap();
    }
    let store = Store::open(&path, crate::test_clock()).unwrap();
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
        Store::open(&path, crate::test_clock()),
        Err(StoreError::TooNew { found: 9999, .. })
    ));
}
