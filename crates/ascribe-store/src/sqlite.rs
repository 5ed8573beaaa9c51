//! The SQLite backend: its connections, how each is set up, its migrations,
//! and the engine side of the statements the other modules write. This is
//! the only module that knows `rusqlite`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
pub(crate) use rusqlite::Connection;
use rusqlite::{ErrorCode, OptionalExtension, TransactionBehavior};

use crate::sql::{render, Cell, Dialect, FromCell, Param, ToParam};
use crate::{EngineError, Location, Result, StoreError, BUSY_TIMEOUT};

/// `SQLITE_BUSY`/`SQLITE_LOCKED` (after the busy timeout) become
/// [`StoreError::Busy`], so every caller can tell "retry" from a real fault;
/// anything else is [`StoreError::Database`] with the engine's message.
pub(crate) fn engine(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
            source: EngineError::new(e),
        },
        _ => StoreError::Database(EngineError::new(e)),
    }
}

/// The migrations of a SQLite database, in order: (version, name, SQL,
/// whether it rebuilds tables and so runs with foreign keys off). Numbers are
/// reserved per area (see ARCHITECTURE.md).
const MIGRATIONS: &[(i64, &str, &str, bool)] = &[
    (
        1,
        "0001_core",
        include_str!("../migrations/0001_core.sql"),
        false,
    ),
    (
        2,
        "0002_telemetry",
        include_str!("../migrations/0002_telemetry.sql"),
        false,
    ),
    (
        3,
        "0003_docs",
        include_str!("../migrations/0003_docs.sql"),
        false,
    ),
    (
        4,
        "0004_stix",
        include_str!("../migrations/0004_stix.sql"),
        false,
    ),
    (
        6,
        "0006_sighting_floor",
        include_str!("../migrations/0006_sighting_floor.sql"),
        false,
    ),
    (
        7,
        "0007_stix_visibility",
        include_str!("../migrations/0007_stix_visibility.sql"),
        false,
    ),
    (
        8,
        "0008_portable",
        include_str!("../migrations/0008_portable.sql"),
        true,
    ),
    (
        9,
        "0009_observed",
        include_str!("../migrations/0009_observed.sql"),
        false,
    ),
    (
        11,
        "0011_documents",
        include_str!("../migrations/0011_documents.sql"),
        false,
    ),
    (
        12,
        "0012_device_reports",
        include_str!("../migrations/0012_device_reports.sql"),
        false,
    ),
    (
        13,
        "0013_telemetry_tlp",
        include_str!("../migrations/0013_telemetry_tlp.sql"),
        false,
    ),
    (
        14,
        "0014_revision",
        include_str!("../migrations/0014_revision.sql"),
        false,
    ),
    (
        15,
        "0015_web_sessions",
        include_str!("../migrations/0015_web_sessions.sql"),
        false,
    ),
];

/// The newest schema version this build knows.
pub(crate) fn known_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// A SQLite database and the connections to it. Every unit of work takes
/// one connection for its whole transaction; with WAL, readers run beside
/// the one writer.
pub(crate) struct SqliteBackend {
    location: Location,
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

fn setup(conn: &Connection, db: &Location) -> Result<()> {
    // The busy timeout comes first: switching to WAL and migrating take
    // locks too, and another process may be writing right now.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(engine)?;
    // WAL lets readers (the server) run while a writer imports; every
    // write begins as a writer (`BEGIN IMMEDIATE`), so the busy timeout
    // applies to it and it never fails half-way on a stale snapshot.
    conn.pragma_update(None, "journal_mode", "WAL")
        .or_else(|_| conn.pragma_update(None, "journal_mode", "DELETE"))
        .map_err(|e| StoreError::Open {
            db: db.clone(),
            source: EngineError::new(e),
        })?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(engine)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(engine)?;
    Ok(())
}

impl SqliteBackend {
    /// Opens `connections` connections (at least one) to the file at `path`,
    /// creating it if needed, and brings its schema up to date.
    pub(crate) fn open(path: &Path, connections: usize) -> Result<Self> {
        let db = Location::File(path.to_owned());
        let mut conns = Vec::new();
        for i in 0..connections.max(1) {
            let mut conn = Connection::open(path).map_err(|e| StoreError::Open {
                db: db.clone(),
                source: EngineError::new(e),
            })?;
            setup(&conn, &db)?;
            if i == 0 {
                migrate(&mut conn, &db)?;
            }
            conns.push(Mutex::new(conn));
        }
        Ok(SqliteBackend {
            location: db,
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// One in-memory connection (an in-memory database cannot be opened twice).
    pub(crate) fn in_memory() -> Result<Self> {
        let db = Location::File(PathBuf::from(":memory:"));
        let mut conn = Connection::open_in_memory().map_err(engine)?;
        setup(&conn, &db)?;
        migrate(&mut conn, &db)?;
        Ok(SqliteBackend {
            location: db,
            conns: vec![Mutex::new(conn)],
            next: AtomicUsize::new(0),
        })
    }

    pub(crate) fn location(&self) -> &Location {
        &self.location
    }

    pub(crate) fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        for c in &self.conns {
            lock(c).busy_timeout(wait).map_err(engine)?;
        }
        Ok(())
    }

    /// Runs `f` on a connection outside any unit of work (tests that hold
    /// locks or break a database by hand).
    #[cfg(test)]
    pub(crate) fn raw<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        f(&mut self.connection())
    }

    /// A free connection if there is one, else the next in turn (waiting for it).
    fn connection(&self) -> MutexGuard<'_, Connection> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for k in 0..n {
            match self.conns[(start + k) % n].try_lock() {
                Ok(g) => return g,
                Err(TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        lock(&self.conns[start])
    }

    /// Runs `f` inside one transaction on one connection: begun as a writer
    /// (`BEGIN IMMEDIATE`) when `write`, so the busy timeout applies to it;
    /// committed when `f` returns `Ok`, rolled back otherwise.
    pub(crate) fn transaction<T, E: From<StoreError>>(
        &self,
        write: bool,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.connection();
        let behaviour = if write {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        let tx = conn.transaction_with_behavior(behaviour).map_err(engine)?;
        let out = f(&tx)?;
        tx.commit().map_err(engine)?;
        Ok(out)
    }
}

/// A connection's lock. A panic while it was held unwound the transaction
/// (rolled back on drop), so the connection itself is sound.
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

pub(crate) fn migrate(conn: &mut Connection, db: &Location) -> Result<()> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
        [],
    )
    .map_err(engine)?;
    let current = schema_version(conn)?;
    let known = known_version();
    if current > known {
        return Err(StoreError::TooNew {
            db: db.clone(),
            found: current,
            known,
        });
    }
    // Apply every known migration not yet recorded, in order: numbers are
    // reserved per area, so a later area's number may land before an earlier one's.
    // An up-to-date database is only read. Each missing one is checked again
    // inside its writer transaction: two processes opening a new database at
    // once apply it once.
    let applied: Vec<i64> = {
        let mut st = conn
            .prepare("SELECT version FROM schema_migrations")
            .map_err(engine)?;
        let rows = st.query_map([], |r| r.get(0)).map_err(engine)?;
        rows.collect::<rusqlite::Result<_>>().map_err(engine)?
    };
    for &(version, name, sql, rebuilds) in MIGRATIONS {
        if applied.contains(&version) {
            continue;
        }
        // Waiting for another writer past the timeout is "busy, retry", as
        // for any write; anything else is this migration's failure.
        let failed = |e: rusqlite::Error| match engine(e) {
            busy @ StoreError::Busy { .. } => busy,
            StoreError::Database(source) => StoreError::Migration { name, source },
            other => other,
        };
        // A migration that rebuilds tables runs with foreign keys off (the
        // pragma is a no-op inside a transaction), or dropping a parent
        // table would cascade to its children; it checks them before commit.
        if rebuilds {
            conn.pragma_update(None, "foreign_keys", "OFF")
                .map_err(engine)?;
        }
        let done = apply(conn, version, sql, name, rebuilds).map_err(failed);
        if rebuilds {
            conn.pragma_update(None, "foreign_keys", "ON")
                .map_err(engine)?;
        }
        done?;
    }
    Ok(())
}

fn apply(
    conn: &mut Connection,
    version: i64,
    sql: &str,
    name: &str,
    rebuilds: bool,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let applied = tx
        .query_row(
            "SELECT 1 FROM schema_migrations WHERE version = ?1",
            [version],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if applied {
        return Ok(());
    }
    tx.execute_batch(sql)?;
    if rebuilds {
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!("a row of {table} lost its parent")),
            ));
        }
    }
    tx.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
        (version, name),
    )?;
    tx.commit()
}

pub(crate) fn schema_version(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
    .map_err(engine)
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(v)),
            Param::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(v)),
            Param::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

fn bind<'a>(params: &'a [&'a dyn ToParam]) -> Vec<Param<'a>> {
    params.iter().map(|p| p.to_param()).collect()
}

pub(crate) fn execute(conn: &Connection, sql: &str, params: &[&dyn ToParam]) -> Result<usize> {
    let mut st = conn
        .prepare_cached(&render(Dialect::Sqlite, sql))
        .map_err(engine)?;
    st.execute(rusqlite::params_from_iter(bind(params)))
        .map_err(engine)
}

#[cfg(test)]
pub(crate) fn execute_batch(conn: &Connection, sql: &str) -> Result<()> {
    conn.execute_batch(sql).map_err(engine)
}

pub(crate) fn query<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToParam],
    mut f: impl FnMut(&SqliteRow<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut st = conn
        .prepare_cached(&render(Dialect::Sqlite, sql))
        .map_err(engine)?;
    let mut rows = st
        .query(rusqlite::params_from_iter(bind(params)))
        .map_err(engine)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(engine)? {
        out.push(f(&SqliteRow(r))?);
    }
    Ok(out)
}

/// A prepared statement, for the same statement over many rows.
pub(crate) struct SqliteStatement<'c>(rusqlite::CachedStatement<'c>);

pub(crate) fn prepare<'c>(conn: &'c Connection, sql: &str) -> Result<SqliteStatement<'c>> {
    conn.prepare_cached(&render(Dialect::Sqlite, sql))
        .map(SqliteStatement)
        .map_err(engine)
}

impl SqliteStatement<'_> {
    pub(crate) fn execute(&mut self, params: &[&dyn ToParam]) -> Result<usize> {
        self.0
            .execute(rusqlite::params_from_iter(bind(params)))
            .map_err(engine)
    }
}

/// One row of a result.
pub(crate) struct SqliteRow<'r>(&'r rusqlite::Row<'r>);

impl SqliteRow<'_> {
    pub(crate) fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        let v = self.0.get_ref(i).map_err(engine)?;
        let cell = match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(n) => Cell::Int(n),
            ValueRef::Real(x) => Cell::Real(x),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => Cell::Text(s),
                Err(_) => Cell::Blob,
            },
            ValueRef::Blob(_) => Cell::Blob,
        };
        T::from_cell(cell).ok_or_else(|| crate::sql::bad_cell::<T>(i, cell))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ObjectQuery, Store, VersionSel};
    use ascribe_model::Tlp;

    /// Rows as the code before migration 0008 wrote them: lists joined
    /// inside columns, engine-assigned ids, `datetime('now')`.
    const OLD_ROWS: &str = "
        INSERT INTO incidents (id, title, summary, period_from, period_to, victims_json, policy_json, updated_at)
        VALUES ('inc', 'An incident', NULL, '2020-01-01', '2020-02-01', '[\"a lab\"]', '{\"x\":1}', datetime('now'));
        INSERT INTO hypotheses VALUES ('inc', 'apt29', 'APT29', 'APT29', 'Russia', 0.3, 0), ('inc', 'other', NULL, NULL, NULL, NULL, 1);
        INSERT INTO evidence VALUES ('inc', 'e1', 'infrastructure-overlap', 'item', 'NCSC', 'B', 2, 'amber',
            '{\"ratings\":{\"apt29\":\"CC\"}}', NULL, 0);
        INSERT INTO claims VALUES ('inc', 'c1', 'denial', 'Peskov', 'Kremlin', 'RU', 'Russia', 'Russia', 'RU',
            'hack', NULL, 0.1, 0.2, '2020-07-16', 'we did not', 'a.txt', 5, 17, 'clear', 'docs', 0);
        INSERT INTO documents VALUES ('a.txt', 100, '2020-07-16', 1, 'inc,other-inc', '2026-01-01T00:00:00Z'),
                                     ('b.txt', 5, NULL, 0, '', '2026-01-01T00:00:00Z');
        INSERT INTO kb_imports (source, groups_count, data_json, imported_at) VALUES ('one.json', 1, '{}', 't1');
        INSERT INTO kb_imports (source, groups_count, data_json, imported_at) VALUES ('two.json', 2, '{}', 't2');
        INSERT INTO telemetry_runs VALUES ('r1', 'inc', '2026', '[\"eve.json\"]', 'alert', '{}');
        INSERT INTO telemetry_aggregates VALUES
            ('r1', '2024-03-04', 'RU', 13238, 'ET X', 'blocked', 5, 2, '198.51.100.7|evil.example', 2, 'a', 'b'),
            ('r1', '2024-03-04', 'NL', 1, 'ET Y', 'allowed', 1, 0, '', 1, 'a', 'b');
        INSERT INTO telemetry_sightings VALUES ('r1', 'ip', '198.51.100.7', 'APT29', NULL, 'amber', 'a', 'b', 4, '[\"eve.json:3\"]');
        INSERT INTO stix_objects (seq, collection_id, id, type, version, spec_version, tlp, marked, date_added, json, ceiling)
        VALUES (1, '4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14', 'indicator--1', 'indicator', '2020', '2.1', 0, 1, '2026-01-01', '{}', 4),
               (2, '4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14', 'indicator--1', 'indicator', '2021', '2.1', 4, 1, '2026-01-02', '{}', 4);
        INSERT INTO users VALUES ('ana', 'analyst', 2, 'hash', 't');
        INSERT INTO collection_rights VALUES ('ana', '4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14', 1, 0);
        INSERT INTO taxii_status VALUES ('s1', 'ana', 'c', 't', 2, 2, 0, 0, '{}');
    ";

    /// A database as the previous schema (0001..0007) left it.
    fn old_database(path: &Path) {
        let c = Connection::open(path).expect("a new database file");
        c.execute_batch(
            "PRAGMA foreign_keys = ON;
             CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        )
        .expect("the bookkeeping table");
        for &(version, name, sql, _) in MIGRATIONS.iter().filter(|m| m.0 <= 7) {
            c.execute_batch(sql).expect("an old migration");
            c.execute(
                "INSERT INTO schema_migrations VALUES (?1, ?2)",
                (version, name),
            )
            .expect("its record");
        }
        c.execute_batch(OLD_ROWS).expect("the old rows");
    }

    /// Migration 0008 on a database of the previous schema: every row is
    /// found again through the store, lists come back as relations in their
    /// order, and the counters continue from the old ids.
    #[test]
    fn a_database_of_the_previous_schema_migrates_without_loss() -> crate::Result<()> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("old.db");
        old_database(&path);
        let mut s = Store::open(&path, crate::test_clock())?;
        assert_eq!(s.schema_version()?, known_version());

        let case = s.load_case("inc")?.expect("the incident").case;
        assert_eq!(case.incident.victims, ["a lab"]);
        assert_eq!(case.hypotheses.len(), 2);
        assert_eq!(case.hypotheses[0].prior, Some(0.3));
        assert_eq!(case.evidence.len(), 1);
        assert_eq!(case.claims.len(), 1);
        let c = &case.claims[0];
        assert_eq!((c.start, c.end), (Some(5), Some(17)));
        assert_eq!(c.probability.map(|b| (b.low, b.high)), Some((0.1, 0.2)));

        let docs = s.documents()?;
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].incidents, ["inc", "other-inc"]);
        assert!(docs[1].incidents.is_empty());
        assert_eq!((docs[0].bytes, docs[0].claims), (100, 1));

        assert_eq!(
            s.latest_kb_import()?.map(|k| k.source),
            Some("two.json".to_owned())
        );
        s.save_kb_import(&crate::KbImport {
            source: "three.json".into(),
            groups: 3,
            data_json: "{}".into(),
            imported_at: "t3".into(),
        })?;
        assert_eq!(
            s.latest_kb_import()?.map(|k| k.source),
            Some("three.json".to_owned())
        );

        let matched: Vec<(String, String)> = s.read(|r| {
            r.query(
                "SELECT signature, indicator FROM telemetry_aggregate_indicators ORDER BY signature, position",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })?;
        assert_eq!(
            matched,
            [
                ("ET X".to_owned(), "198.51.100.7".to_owned()),
                ("ET X".to_owned(), "evil.example".to_owned())
            ]
        );
        assert_eq!(
            s.telemetry_runs("inc")?,
            [("r1".into(), "2026".into(), 2, 1)]
        );
        assert_eq!(s.stix_incident_sightings("inc")?.len(), 1);

        let intel = "4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14";
        let mut q = ObjectQuery::new(intel, Tlp::Red, 10);
        q.versions = vec![VersionSel::All];
        assert_eq!(s.stix_query(&q)?.items.len(), 2);
        let added = s.stix_add_objects(
            intel,
            &[crate::test_object("indicator--2", "2020", Tlp::Clear)],
            "2025",
        )?;
        assert_eq!(added[0].date_added, "2026-01-02");
        let seqs: Vec<i64> = s.stix_query(&q)?.items.iter().map(|o| o.seq).collect();
        assert_eq!(seqs, [1, 2, 3]);

        let ana = s.user("ana")?.expect("the user");
        assert_eq!(ana.clearance, Tlp::Amber);
        assert_eq!(s.collection_rights(&ana, intel)?, (true, false));
        assert_eq!(s.taxii_status("s1")?.map(|t| t.success_count), Some(2));
        assert_eq!(s.list_incidents()?[0].claims, 1);
        Ok(())
    }

    /// Every column of a new database has a type that means the same in
    /// SQLite and PostgreSQL, and no table leans on SQLite's rowid.
    #[test]
    fn every_column_has_a_portable_type() -> crate::Result<()> {
        let s = Store::open_in_memory(crate::test_clock())?;
        let columns: Vec<(String, String, String)> = s.read(|r| {
            r.query(
                "SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' ORDER BY m.name, p.cid",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })?;
        assert!(columns.len() > 100, "{}", columns.len());
        let odd: Vec<_> = columns
            .iter()
            .filter(|(_, _, t)| !["TEXT", "BIGINT", "DOUBLE PRECISION"].contains(&t.as_str()))
            .collect();
        assert!(odd.is_empty(), "{odd:?}");
        Ok(())
    }
}
