//! The PostgreSQL backend: its connections, how each is set up, its
//! migrations, and the engine side of the statements the area modules write.
//! This is the only module that knows the `postgres` crate.
//!
//! Why the synchronous `postgres` client: the store's seam is synchronous (a
//! unit of work is a closure run on one connection) and its callers are the
//! command line and the server's blocking threads (`spawn_blocking`).
//! `postgres` is tokio-postgres driven by a current-thread runtime of its own
//! per connection, so the store keeps one code path for both engines and
//! needs no runtime of its own; an async caller that wants pipelining can use
//! tokio-postgres beside it.
//!
//! Isolation, chosen to mean what SQLite's transactions mean to the code:
//! - A read unit is `REPEATABLE READ, READ ONLY`: one snapshot for the whole
//!   unit, as a SQLite read transaction in WAL mode. A read-only snapshot
//!   never fails to serialise.
//! - A write unit is `READ COMMITTED`: SQLite's `BEGIN IMMEDIATE` serialises
//!   writers, and what the code depends on of that are the rows it locks
//!   first: `require_incident` updates the incident's row (so writers to one
//!   incident go one after the other and `MAX(position) + 1` is theirs), a
//!   counter is held `FOR UPDATE` by an `UPDATE ... RETURNING` (so `seq` and
//!   `kb_imports.id` are taken in commit order, and `stix_write` takes its
//!   counter before it reads). Each statement after such a lock sees what the
//!   previous holder committed, which READ COMMITTED gives and REPEATABLE
//!   READ would turn into serialization failures. Inserts of a new key
//!   (`ensure_incident`, `add_user`, `record_document`) are `ON CONFLICT`
//!   upserts that decide atomically.
//! - Waiting: `lock_timeout` is the busy timeout (10 s unless set); past it,
//!   and on a deadlock or a serialization failure, the answer is
//!   [`StoreError::Busy`] (the CLI's exit 3, the server's 503), as SQLite's
//!   `SQLITE_BUSY` is.

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use ::postgres::config::Host;
use ::postgres::error::SqlState;
use ::postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use ::postgres::{Client, Config, NoTls};

use crate::sql::{Cell, FromCell, Param, ToParam};
use crate::{EngineError, Location, Result, StoreError, BUSY_TIMEOUT};

/// The migrations of a PostgreSQL database, in order: (version, name, SQL).
/// The baseline is SQLite's schema after 0009 (its version), written for
/// PostgreSQL; later numbers are shared with SQLite's and reserved per area
/// (see ARCHITECTURE.md).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        9,
        "0009_baseline",
        include_str!("../migrations/postgres/0009_baseline.sql"),
    ),
    (
        10,
        "0010_stream",
        include_str!("../migrations/postgres/0010_stream.sql"),
    ),
    (
        11,
        "0011_documents",
        include_str!("../migrations/postgres/0011_documents.sql"),
    ),
    (
        12,
        "0012_device_reports",
        include_str!("../migrations/postgres/0012_device_reports.sql"),
    ),
    (
        13,
        "0013_telemetry_tlp",
        include_str!("../migrations/postgres/0013_telemetry_tlp.sql"),
    ),
    (
        14,
        "0014_revision",
        include_str!("../migrations/postgres/0014_revision.sql"),
    ),
    (
        15,
        "0015_web_sessions",
        include_str!("../migrations/postgres/0015_web_sessions.sql"),
    ),
];

/// Tables only PostgreSQL has: the streaming workers' (`ascribe-stream`, migration
/// 0010), which write PostgreSQL and never a SQLite file.
#[cfg(test)]
pub(crate) const STREAM_TABLES: &[&str] = &[
    "ingested_batches",
    "rejected_batches",
    "telemetry_counts",
    "telemetry_count_indicators",
    "stream_workers",
];

/// The newest schema version this build knows.
pub(crate) fn known_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The first key of the advisory lock migrations take ("ascr"); the second
/// is the schema's, so databases (and test schemas) migrate independently.
const MIGRATION_LOCK: i32 = 0x6173_6372;

/// At most this many prepared statements are kept per connection (the
/// TAXII query builds statements at run time; the rest are a few dozen).
const STATEMENT_CACHE: usize = 256;

/// One connection and what the store keeps with it.
struct Conn {
    client: Client,
    statements: HashMap<String, ::postgres::Statement>,
    /// A transaction was begun and not yet ended (a unit that panicked):
    /// it is rolled back before the connection is used again.
    in_transaction: bool,
    /// The connection was found lost: it is replaced before its next unit.
    lost: bool,
    target: Arc<str>,
}

/// One connection, as a unit of work holds it for its whole transaction.
pub(crate) struct Session(RefCell<Conn>);

/// A PostgreSQL database and the connections to it. Every unit of work
/// takes one connection for its whole transaction; a lost connection is
/// replaced when a unit next takes it.
pub(crate) struct PostgresBackend {
    location: Location,
    config: Config,
    /// Host, port, database and user, for messages (never the password).
    target: Arc<str>,
    conns: Vec<Mutex<Session>>,
    next: AtomicUsize,
    busy_ms: AtomicU64,
}

/// What the server was asked for, for messages: host, port, database, user.
fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let mut out = if hosts.is_empty() {
        "localhost".to_owned()
    } else {
        hosts.join(",")
    };
    if !ports.is_empty() {
        out.push_str(&format!(" port {}", ports.join(",")));
    }
    if let Some(db) = config.get_dbname() {
        out.push_str(&format!(", database {db}"));
    }
    if let Some(user) = config.get_user() {
        out.push_str(&format!(", user {user}"));
    }
    out
}

/// A URL with its password (in the user part or a `password=` parameter)
/// replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    if scheme.is_empty() {
        format!("{authority}{tail}")
    } else {
        format!("{scheme}://{authority}{tail}")
    }
}

/// Serialization failures, deadlocks and lock timeouts become
/// [`StoreError::Busy`] (retry); a lost connection is
/// [`StoreError::Connect`] naming the server; anything else is
/// [`StoreError::Database`] with the engine's message.
fn engine(target: &str, e: ::postgres::Error) -> StoreError {
    if let Some(code) = e.code() {
        if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::LOCK_NOT_AVAILABLE
        {
            return StoreError::Busy {
                source: EngineError::new(e),
            };
        }
        if code.code().starts_with("08") || *code == SqlState::ADMIN_SHUTDOWN {
            return StoreError::Connect {
                target: target.to_owned(),
                source: EngineError::new(e),
            };
        }
    }
    let io = e
        .source()
        .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
    if e.is_closed() || io {
        return StoreError::Connect {
            target: target.to_owned(),
            source: EngineError::new(e),
        };
    }
    StoreError::Database(EngineError::new(e))
}

impl Conn {
    /// The store's error for `e`; a lost connection is marked for replacing.
    fn engine(&mut self, e: ::postgres::Error) -> StoreError {
        let err = engine(&self.target, e);
        if matches!(err, StoreError::Connect { .. }) {
            self.lost = true;
        }
        err
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).map_err(|e| self.engine(e))
    }

    /// The prepared statement for `sql`, from this connection's cache.
    fn statement(&mut self, sql: &str) -> Result<::postgres::Statement> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.client.prepare(sql).map_err(|e| self.engine(e))?;
        if self.statements.len() < STATEMENT_CACHE {
            self.statements.insert(sql.to_owned(), st.clone());
        }
        Ok(st)
    }

    fn set_lock_timeout(&mut self, ms: u64) -> Result<()> {
        self.batch(&format!("SET lock_timeout = {ms}"))
    }
}

impl PostgresBackend {
    /// Connects `connections` connections (at least one) to the database at
    /// `url` and brings its schema up to date.
    pub(crate) fn open(location: Location, url: &str, connections: usize) -> Result<Self> {
        let mut config: Config = url.parse().map_err(|e| StoreError::Open {
            db: location.clone(),
            source: EngineError::new(e),
        })?;
        if config.get_application_name().is_none() {
            config.application_name("ascribe");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(BUSY_TIMEOUT);
        }
        let target: Arc<str> = describe(&config).into();
        let busy_ms = u64::try_from(BUSY_TIMEOUT.as_millis()).expect("10 s in milliseconds");
        let mut backend = PostgresBackend {
            location,
            config,
            target,
            conns: Vec::new(),
            next: AtomicUsize::new(0),
            busy_ms: AtomicU64::new(busy_ms),
        };
        for i in 0..connections.max(1) {
            let mut conn = backend.connect()?;
            if i == 0 {
                backend.migrate_on(&mut conn)?;
            }
            backend.conns.push(Mutex::new(Session(RefCell::new(conn))));
        }
        Ok(backend)
    }

    fn connect(&self) -> Result<Conn> {
        let client = self
            .config
            .connect(NoTls)
            .map_err(|e| StoreError::Connect {
                target: self.target.to_string(),
                source: EngineError::new(e),
            })?;
        let mut conn = Conn {
            client,
            statements: HashMap::new(),
            in_transaction: false,
            lost: false,
            target: self.target.clone(),
        };
        conn.set_lock_timeout(self.busy_ms.load(Ordering::Relaxed))?;
        Ok(conn)
    }

    pub(crate) fn location(&self) -> &Location {
        &self.location
    }

    pub(crate) fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        // 0 means "wait for ever" to PostgreSQL; the shortest wait is 1 ms.
        let ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
        self.busy_ms.store(ms, Ordering::Relaxed);
        for c in &self.conns {
            lock(c).0.borrow_mut().set_lock_timeout(ms)?;
        }
        Ok(())
    }

    /// A free connection if there is one, else the next in turn (waiting
    /// for it); reconnected if it was lost, out of any transaction.
    fn session(&self) -> Result<MutexGuard<'_, Session>> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let mut guard = None;
        for k in 0..n {
            match self.conns[(start + k) % n].try_lock() {
                Ok(g) => {
                    guard = Some(g);
                    break;
                }
                Err(TryLockError::Poisoned(p)) => {
                    guard = Some(p.into_inner());
                    break;
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let guard = match guard {
            Some(g) => g,
            None => lock(&self.conns[start]),
        };
        {
            let mut conn = guard.0.borrow_mut();
            if conn.lost || conn.client.is_closed() {
                *conn = self.connect()?;
            } else if conn.in_transaction {
                conn.batch("ROLLBACK")?;
                conn.in_transaction = false;
            }
        }
        Ok(guard)
    }

    /// Runs `f` inside one transaction on one connection (see the module
    /// doc for the isolation of each kind); committed when `f` returns
    /// `Ok`, rolled back otherwise.
    pub(crate) fn transaction<T, E: From<StoreError>>(
        &self,
        write: bool,
        f: impl FnOnce(&Session) -> Result<T, E>,
    ) -> Result<T, E> {
        let guard = self.session()?;
        let session: &Session = &guard;
        {
            let mut conn = session.0.borrow_mut();
            conn.batch(if write {
                "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE"
            } else {
                "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            })?;
            conn.in_transaction = true;
        }
        let out = f(session);
        let mut conn = session.0.borrow_mut();
        match out {
            Ok(v) => {
                conn.batch("COMMIT")?;
                conn.in_transaction = false;
                Ok(v)
            }
            Err(e) => {
                // The unit's own error is the one to report. A failed
                // rollback leaves `in_transaction` set: the connection is
                // rolled back, or replaced, before its next unit.
                if conn.batch("ROLLBACK").is_ok() {
                    conn.in_transaction = false;
                }
                Err(e)
            }
        }
    }

    /// The schema version after migrations.
    pub(crate) fn schema_version(&self) -> Result<i64> {
        self.transaction(false, |s| {
            let mut conn = s.0.borrow_mut();
            schema_version(&mut conn)
        })
    }

    /// Applies every known migration not recorded as applied.
    #[cfg(test)]
    pub(crate) fn migrate(&self) -> Result<()> {
        let guard = self.session()?;
        let mut conn = guard.0.borrow_mut();
        self.migrate_on(&mut conn)
    }

    /// Raw SQL on a connection, outside any unit of work (tests).
    #[cfg(test)]
    pub(crate) fn raw_batch(&self, sql: &str) -> Result<()> {
        let guard = self.session()?;
        let mut conn = guard.0.borrow_mut();
        conn.batch(sql)
    }

    /// Apply every known migration not yet recorded, in order. An
    /// up-to-date database is only read. Each missing one runs in its own
    /// transaction that first takes the schema's migration lock
    /// (`pg_advisory_xact_lock`) and checks again: processes that open a new
    /// database at once apply each migration once, the others wait for it.
    fn migrate_on(&self, conn: &mut Conn) -> Result<()> {
        let applied = applied_versions(conn)?;
        self.check_not_newer(&applied)?;
        for &(version, name, sql) in MIGRATIONS {
            if applied.contains(&version) {
                continue;
            }
            // Waiting for another process past the timeout is "busy, retry",
            // as for any write; anything else is this migration's failure.
            let failed = |e: StoreError| match e {
                StoreError::Database(source) => StoreError::Migration { name, source },
                other => other,
            };
            let done = self.apply(conn, version, name, sql).map_err(failed);
            if done.is_err() && conn.batch("ROLLBACK").is_err() {
                // The connection is broken; it is not used again.
                conn.in_transaction = true;
            }
            done?;
        }
        Ok(())
    }

    fn apply(&self, conn: &mut Conn, version: i64, name: &str, sql: &str) -> Result<()> {
        conn.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
        let lock = format!(
            "SELECT pg_advisory_xact_lock({MIGRATION_LOCK}, hashtext(COALESCE(current_schema(), '')))"
        );
        conn.batch(&lock)?;
        conn.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
        )?;
        let applied = applied_versions(conn)?;
        self.check_not_newer(&applied)?;
        if !applied.contains(&version) {
            conn.batch(sql)?;
            conn.client
                .execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    &[&version, &name],
                )
                .map_err(|e| conn.engine(e))?;
        }
        conn.batch("COMMIT")
    }

    fn check_not_newer(&self, applied: &[i64]) -> Result<()> {
        // A schema with no migration applied yet is never newer.
        let Some(found) = applied.iter().copied().max() else {
            return Ok(());
        };
        let known = known_version();
        if found > known {
            return Err(StoreError::TooNew {
                db: self.location.clone(),
                found,
                known,
            });
        }
        Ok(())
    }
}

/// The recorded migrations (none when the bookkeeping table is absent).
fn applied_versions(conn: &mut Conn) -> Result<Vec<i64>> {
    let exists: bool = conn
        .client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| conn.engine(e))?;
    if !exists {
        return Ok(Vec::new());
    }
    let rows = conn
        .client
        .query("SELECT version FROM schema_migrations", &[])
        .map_err(|e| conn.engine(e))?;
    rows.iter()
        .map(|r| r.try_get::<_, i64>(0).map_err(|e| conn.engine(e)))
        .collect()
}

fn schema_version(conn: &mut Conn) -> Result<i64> {
    conn.client
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(|e| conn.engine(e))
}

/// A connection's lock. A panic while it was held left the connection in
/// a transaction at most, which [`PostgresBackend::session`] rolls back.
fn lock(m: &Mutex<Session>) -> MutexGuard<'_, Session> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A value bound as the type PostgreSQL inferred for its placeholder: the
/// statements are written once for both engines, so an integer may meet an
/// `integer` (`CASE WHEN $8 = 1`) as well as a `bigint` column.
impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(v) => {
                if *ty == Type::INT8 {
                    v.to_sql(ty, out)
                } else if *ty == Type::INT4 {
                    i32::try_from(v)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(v)?.to_sql(ty, out)
                } else if *ty == Type::FLOAT8 {
                    // Exact up to 2^53, far beyond any count the store binds.
                    (v as f64).to_sql(ty, out)
                } else if *ty == Type::BOOL && (v == 0 || v == 1) {
                    (v == 1).to_sql(ty, out)
                } else {
                    Err(format!("an integer bound to a {ty} placeholder").into())
                }
            }
            Param::Real(v) => {
                if *ty == Type::FLOAT8 {
                    v.to_sql(ty, out)
                } else {
                    Err(format!("a float bound to a {ty} placeholder").into())
                }
            }
            Param::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn bind<'a>(params: &'a [&'a dyn ToParam]) -> Vec<Param<'a>> {
    params.iter().map(|p| p.to_param()).collect()
}

fn refs<'a>(values: &'a [Param<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    values.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

fn count(n: u64) -> Result<usize> {
    usize::try_from(n).map_err(|_| StoreError::Corrupt {
        what: "rows changed".to_owned(),
        detail: format!("{n} does not fit a usize"),
    })
}

pub(crate) fn execute(s: &Session, sql: &str, params: &[&dyn ToParam]) -> Result<usize> {
    let mut conn = s.0.borrow_mut();
    let st = conn.statement(sql)?;
    let values = bind(params);
    let n = conn
        .client
        .execute(&st, &refs(&values))
        .map_err(|e| conn.engine(e))?;
    count(n)
}

/// The rows are fetched first, then handed to `f` one by one, so `f` may
/// itself run statements on the same unit.
pub(crate) fn query<T>(
    s: &Session,
    sql: &str,
    params: &[&dyn ToParam],
    mut f: impl FnMut(&PgRow<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let rows = {
        let mut conn = s.0.borrow_mut();
        let st = conn.statement(sql)?;
        let values = bind(params);
        conn.client
            .query(&st, &refs(&values))
            .map_err(|e| conn.engine(e))?
    };
    rows.iter().map(|r| f(&PgRow(r))).collect()
}

/// A prepared statement, for the same statement over many rows.
pub(crate) struct PgStatement<'s> {
    session: &'s Session,
    statement: ::postgres::Statement,
}

pub(crate) fn prepare<'s>(s: &'s Session, sql: &str) -> Result<PgStatement<'s>> {
    let statement = s.0.borrow_mut().statement(sql)?;
    Ok(PgStatement {
        session: s,
        statement,
    })
}

impl PgStatement<'_> {
    pub(crate) fn execute(&mut self, params: &[&dyn ToParam]) -> Result<usize> {
        let mut conn = self.session.0.borrow_mut();
        let values = bind(params);
        let n = conn
            .client
            .execute(&self.statement, &refs(&values))
            .map_err(|e| conn.engine(e))?;
        count(n)
    }
}

/// One row of a result.
pub(crate) struct PgRow<'r>(&'r ::postgres::Row);

impl PgRow<'_> {
    pub(crate) fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        let row = self.0;
        let ty = row
            .columns()
            .get(i)
            .map(|c| c.type_().clone())
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("column {i}"),
                detail: format!("the row has {} columns", row.len()),
            })?;
        let bad = |e: ::postgres::Error| StoreError::Database(EngineError::new(e));
        let cell = if ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, Cell::Int)
        } else if ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Int(v.into()))
        } else if ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Int(v.into()))
        } else if ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, Cell::Real)
        } else if ty == Type::FLOAT4 {
            row.try_get::<_, Option<f32>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Real(v.into()))
        } else if ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Int(v.into()))
        } else if [
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
        ]
        .contains(&ty)
        {
            row.try_get::<_, Option<&str>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, Cell::Text)
        } else {
            // A type the store's schema never holds (a NUMERIC sum, say).
            Cell::Blob
        };
        T::from_cell(cell).ok_or_else(|| crate::sql::bad_cell::<T>(i, cell))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use ascribe_model::{Incident, Tlp};

    fn open(schema: &ascribe_testutil::PgSchema, connections: usize) -> Store {
        Store::open_at(
            &Location::Postgres(schema.url().to_owned()),
            connections,
            crate::test_clock(),
        )
        .unwrap_or_else(|e| panic!("{e}: {e:?}"))
    }

    /// A connection of the test's own to the schema, outside the store.
    fn raw(schema: &ascribe_testutil::PgSchema) -> Client {
        Client::connect(schema.url(), NoTls).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redact("postgres://ana:s3cret@db.example:5432/x?sslmode=disable&password=p"),
            "postgres://ana:***@db.example:5432/x?sslmode=disable&password=***"
        );
        assert_eq!(
            redact("postgresql://ana@127.0.0.1/test"),
            "postgresql://ana@127.0.0.1/test"
        );
        let at = Location::from_arg("postgres://a:b@h/d");
        assert_eq!(at.to_string(), "postgres://a:***@h/d");
        assert!(!format!("{at:?}").contains(":b@"));
        assert_eq!(
            Location::from_arg("postgres.db"),
            Location::File("postgres.db".into())
        );
    }

    /// An unreachable server is named (host, port, database, user), never
    /// with its password. Needs no server.
    #[test]
    fn an_unreachable_server_is_named() {
        let at = Location::from_arg("postgres://ana:secret@127.0.0.1:1/test");
        let e = Store::open_at(&at, 1, crate::test_clock()).expect_err("nothing listens on port 1");
        let text = e.to_string();
        assert!(matches!(e, StoreError::Connect { .. }), "{e:?}");
        assert!(
            text.contains("127.0.0.1 port 1, database test, user ana"),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }

    /// Four processes' worth of stores opening one empty schema at the same
    /// moment: every open succeeds and each migration is applied once.
    #[test]
    fn four_opens_at_once_migrate_an_empty_schema_once() {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return;
        };
        let barrier = std::sync::Barrier::new(4);
        std::thread::scope(|s| {
            let opens: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        Store::open_at(
                            &Location::Postgres(schema.url().to_owned()),
                            1,
                            crate::test_clock(),
                        )
                        .map(|st| st.schema_version())
                    })
                })
                .collect();
            for o in opens {
                let version = o
                    .join()
                    .expect("an opening thread does not panic")
                    .unwrap_or_else(|e| panic!("{e}: {e:?}"))
                    .unwrap_or_else(|e| panic!("{e}: {e:?}"));
                assert_eq!(version, known_version());
            }
        });
        let rows = raw(&schema)
            .query("SELECT version, name FROM schema_migrations", &[])
            .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        assert_eq!(
            got,
            [
                (9, "0009_baseline".to_owned()),
                (10, "0010_stream".to_owned()),
                (11, "0011_documents".to_owned()),
                (12, "0012_device_reports".to_owned()),
                (13, "0013_telemetry_tlp".to_owned()),
                (14, "0014_revision".to_owned()),
                (15, "0015_web_sessions".to_owned())
            ]
        );
    }

    /// The baseline is SQLite's schema after its migrations: the same
    /// tables, columns (name, type, NOT NULL, order) and indexes; every text
    /// column compares bytes (`COLLATE "C"`).
    #[test]
    fn the_baseline_is_the_sqlite_schema() -> Result<()> {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return Ok(());
        };
        let pg = open(&schema, 1);
        let lite = Store::open_in_memory(crate::test_clock())?;
        let lite_columns: Vec<(String, String, String, bool)> = lite.read(|r| {
            r.query(
                "SELECT m.name, p.name, p.type, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' ORDER BY m.name, p.cid",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
        })?;
        // The streaming workers' tables are PostgreSQL's own (migration 0010).
        let stream: Vec<String> = STREAM_TABLES.iter().map(|t| format!("'{t}'")).collect();
        let pg_columns: Vec<(String, String, String, bool)> = pg.read(|r| {
            r.query(
                &format!(
                    "SELECT table_name::TEXT, column_name::TEXT, upper(data_type)::TEXT, is_nullable = 'NO'
                     FROM information_schema.columns WHERE table_schema = current_schema()
                       AND table_name::TEXT NOT IN ({})
                     ORDER BY table_name COLLATE \"C\", ordinal_position",
                    stream.join(", ")
                ),
                &[],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
        })?;
        assert_eq!(pg_columns, lite_columns);
        let lite_indexes: Vec<String> = lite.read(|r| {
            r.query_column(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name",
                &[],
            )
        })?;
        let pg_indexes: Vec<String> = pg.read(|r| {
            r.query_column(
                "SELECT indexname::TEXT FROM pg_indexes WHERE schemaname = current_schema()
                 AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'
                 ORDER BY indexname COLLATE \"C\"",
                &[],
            )
        })?;
        assert_eq!(pg_indexes, lite_indexes);
        let not_c: Vec<String> = pg.read(|r| {
            r.query_column(
                "SELECT table_name || '.' || column_name FROM information_schema.columns
                 WHERE table_schema = current_schema() AND data_type = 'text'
                   AND table_name <> 'schema_migrations' AND collation_name IS DISTINCT FROM 'C'",
                &[],
            )
        })?;
        assert!(not_c.is_empty(), "{not_c:?}");
        Ok(())
    }

    /// A row held by another transaction past the lock timeout is "busy,
    /// retry", and nothing of the unit is written; held for less, the
    /// writer waits and writes.
    #[test]
    fn a_held_incident_is_busy_past_the_lock_timeout() -> Result<()> {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return Ok(());
        };
        let mut store = open(&schema, 1);
        let inc = Incident::titled("inc", "t");
        store.ensure_incident(&inc)?;
        let mut other = raw(&schema);
        let hold = "BEGIN; UPDATE incidents SET title = 'held' WHERE id = 'inc'";
        other.batch_execute(hold).unwrap_or_else(|e| panic!("{e}"));
        store.set_busy_timeout(Duration::from_millis(100))?;
        let hyp = ascribe_model::Hypothesis::other();
        let mut h = hyp.clone();
        h.id = "apt29".into();
        let e = store
            .add_hypotheses("inc", &[h.clone()])
            .expect_err("the incident's row is held");
        assert!(e.is_busy(), "{e:?}");
        other
            .batch_execute("ROLLBACK")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            store.load_case("inc")?.map(|c| c.case.hypotheses.len()),
            Some(1)
        );
        // Held for a moment only: the writer waits for it.
        store.set_busy_timeout(Duration::from_secs(10))?;
        other.batch_execute(hold).unwrap_or_else(|e| panic!("{e}"));
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.batch_execute("COMMIT").map(|()| other)
        });
        assert_eq!(store.add_hypotheses("inc", &[h])?, 1);
        release
            .join()
            .expect("the holder does not panic")
            .unwrap_or_else(|e| panic!("{e}"));
        let case = store.load_case("inc")?.expect("the incident").case;
        assert_eq!(
            (case.incident.title.as_str(), case.hypotheses.len()),
            ("held", 2)
        );
        Ok(())
    }

    /// Writers running side by side on PostgreSQL take positions and `seq`
    /// numbers one after the other (the incident's row and the counter row
    /// are held until each commits): no duplicate, no gap, no busy.
    #[test]
    fn concurrent_writers_take_positions_and_numbers_in_turn() -> Result<()> {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return Ok(());
        };
        let mut store = open(&schema, 4);
        store.ensure_incident(&Incident::titled("inc", "t"))?;
        let c = store.stix_collections()?[0].id.clone();
        let store = &store;
        std::thread::scope(|s| -> Result<()> {
            let writers: Vec<_> = (0..4)
                .map(|t| {
                    let c = c.clone();
                    s.spawn(move || -> Result<()> {
                        for i in 0..10 {
                            let id = format!("indicator--00000000-0000-4000-8000-{t:06}{i:06}");
                            let o = crate::test_object(&id, "2020", Tlp::Clear);
                            store.unit_of_work(|u| {
                                u.stix_write(&c, Tlp::Red, "2026", |w| w.add(&o))?;
                                let mut h = ascribe_model::Hypothesis::other();
                                h.id = format!("h-{t}-{i}");
                                u.add_hypotheses("inc", &[h])
                            })?;
                        }
                        Ok(())
                    })
                })
                .collect();
            for w in writers {
                w.join().expect("a writer thread does not panic")?;
            }
            Ok(())
        })?;
        let (seqs, positions): (Vec<i64>, Vec<i64>) = store.read(|r| {
            let seqs = r.query_column("SELECT seq FROM stix_objects ORDER BY seq", &[])?;
            let positions = r.query_column(
                "SELECT position FROM hypotheses WHERE incident_id = 'inc' ORDER BY position",
                &[],
            )?;
            Ok::<_, StoreError>((seqs, positions))
        })?;
        assert_eq!(seqs, (1..=40).collect::<Vec<i64>>());
        assert_eq!(positions, (0..=40).collect::<Vec<i64>>());
        Ok(())
    }

    /// Writers creating the same incident or user at once (side by side on
    /// PostgreSQL) create it once: one is told it created it, the others
    /// that it exists, and none fails on the key.
    #[test]
    fn a_new_key_written_at_once_is_created_once() -> Result<()> {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return Ok(());
        };
        let store = open(&schema, 4);
        let inc = Incident::titled("inc", "t");
        let user = crate::UserRecord {
            name: "ana".into(),
            role: crate::Role::Reader,
            clearance: Tlp::Green,
            password_hash: "h".into(),
        };
        let barrier = std::sync::Barrier::new(4);
        let outcomes: Vec<(bool, Result<()>)> = std::thread::scope(|s| {
            let writers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        let created = store.unit_of_work(|u| u.ensure_incident(&inc));
                        let added = store.unit_of_work(|u| u.add_user(&user, "t"));
                        created.map(|c| (c, added))
                    })
                })
                .collect();
            writers
                .into_iter()
                .map(|w| w.join().expect("a writer does not panic"))
                .collect::<Result<_>>()
        })?;
        assert_eq!(outcomes.iter().filter(|(created, _)| *created).count(), 1);
        let added = outcomes.iter().filter(|(_, a)| a.is_ok()).count();
        assert_eq!(added, 1, "{outcomes:?}");
        for (_, a) in &outcomes {
            if let Err(e) = a {
                assert!(matches!(e, StoreError::UserExists(_)), "{e:?}");
            }
        }
        let case = store.load_case("inc")?.expect("the incident").case;
        assert_eq!(case.hypotheses, vec![ascribe_model::Hypothesis::other()]);
        Ok(())
    }

    /// A connection the server dropped is replaced: at most the unit that
    /// found it gone fails (naming the server), the next one works.
    #[test]
    fn a_lost_connection_is_replaced() -> Result<()> {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return Ok(());
        };
        // Named, so that only this test's connection is dropped.
        let name = format!("lost_{}", schema.name());
        let url = format!("{}&application_name={name}", schema.url());
        let store = Store::open_at(&Location::Postgres(url), 1, crate::test_clock())?;
        let dropped = raw(&schema)
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                &[&name],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dropped.len(), 1);
        match store.stix_collections() {
            Ok(c) => assert_eq!(c.len(), 2),
            Err(e) => assert!(matches!(e, StoreError::Connect { .. }), "{e:?}"),
        }
        assert_eq!(store.stix_collections()?.len(), 2);
        Ok(())
    }

    /// A schema recorded by a newer ascribe is refused, as on SQLite.
    #[test]
    fn a_newer_schema_is_refused() {
        let Some(schema) = ascribe_testutil::postgres_schema() else {
            return;
        };
        drop(open(&schema, 1));
        raw(&schema)
            .batch_execute("INSERT INTO schema_migrations VALUES (9999, 'future')")
            .unwrap_or_else(|e| panic!("{e}"));
        let e = Store::open_at(
            &Location::Postgres(schema.url().to_owned()),
            1,
            crate::test_clock(),
        )
        .expect_err("too new");
        assert!(matches!(e, StoreError::TooNew { found: 9999, .. }), "{e:?}");
    }
}
