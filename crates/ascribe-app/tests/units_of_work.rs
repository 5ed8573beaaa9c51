//! Each use case is one unit of work: it all lands or nothing does, and a
//! store held by another writer is "busy, retry" with nothing written.
//! (The CLI's `tests/store_writes.rs` proves the same end to end, with kill -9.)
//! rusqlite appears here only to plant a failure in the database file.

use std::path::Path;

use ascribe_app::docs::{file_claims, FileOptions};
use ascribe_app::FixedClock;
use ascribe_extract::{Document, ExtractedClaim};
use ascribe_model::{Claim, ClaimKind};
use ascribe_store::{ClaimFilter, Store};

fn accusation(id: &str, state: &str, operation: &str) -> ExtractedClaim {
    ExtractedClaim {
        claim: Claim {
            id: id.into(),
            kind: Some(ClaimKind::Accusation),
            speaker_org: Some("NCSC".into()),
            target: Some("APT29".into()),
            target_canonical: Some("APT29".into()),
            target_state: Some(state.into()),
            operation: Some(operation.into()),
            ..Claim::default()
        },
        reporter: None,
        phia: None,
        icd203: None,
    }
}

/// Three documents about two incidents.
fn docs() -> Vec<(Document, u64)> {
    [
        ("a.txt", "2020-07-16", "vaccine"),
        ("b.txt", "2020-07-17", "vaccine"),
        ("c.txt", "2020-07-18", "election"),
    ]
    .into_iter()
    .map(|(name, date, op)| {
        let doc = Document {
            name: name.into(),
            published: Some(date.into()),
            claims: vec![accusation(&format!("{name}-1"), "Russia", op)],
            skipped: None,
            clean_len: 0,
            original: String::new(),
            source: ascribe_extract::SourceMeta::default(),
        };
        (doc, 10)
    })
    .collect()
}

fn counts(store: &Store) -> (usize, usize, usize) {
    (
        store.list_incidents().expect("readable").len(),
        store
            .query_claims(&ClaimFilter::default())
            .expect("readable")
            .len(),
        store.documents().expect("readable").len(),
    )
}

const OPTS: FileOptions<'static> = FileOptions {
    incident: None,
    window_days: 45,
};

fn clock() -> FixedClock {
    FixedClock::from_unix(1_600_000_000).expect("a time in range")
}

fn install(db: &Path, sql: &str) {
    let c = rusqlite::Connection::open(db).expect("the database opens");
    c.execute_batch(sql).expect("the SQL applies");
}

#[test]
fn filing_claims_stores_everything_or_nothing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("a.db");
    let store = Store::open(&db, clock()).expect("a new database opens");
    // The last write of the run (the third document record) is refused.
    install(
        &db,
        "CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.name = 'c.txt'
         BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    );
    let kb = ascribe_kb::KnowledgeBase::builtin();
    let err = file_claims(&store, &clock(), &docs(), &OPTS, kb).expect_err("refused");
    assert!(format!("{err:?}").contains("refused"), "{err:?}");
    assert!(!err.is_busy());
    assert_eq!(counts(&store), (0, 0, 0), "nothing of the run is stored");
    install(&db, "DROP TRIGGER refuse;");
    let filed = file_claims(&store, &clock(), &docs(), &OPTS, kb).expect("filed");
    assert_eq!(filed.incidents.len(), 3);
    assert_eq!(counts(&store), (2, 3, 3));
}

#[test]
fn a_store_held_by_another_writer_is_busy_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("a.db");
    let mut store = Store::open(&db, clock()).expect("a new database opens");
    store
        .set_busy_timeout(std::time::Duration::from_millis(50))
        .expect("the timeout is set");
    let other = rusqlite::Connection::open(&db).expect("the database opens");
    other
        .execute_batch("BEGIN IMMEDIATE;")
        .expect("the other writer holds the database");
    let kb = ascribe_kb::KnowledgeBase::builtin();
    let err = file_claims(&store, &clock(), &docs(), &OPTS, kb).expect_err("busy");
    assert!(err.is_busy(), "{err:?}");
    other.execute_batch("ROLLBACK;").expect("released");
    assert_eq!(counts(&store), (0, 0, 0));
}
