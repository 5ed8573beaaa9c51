//! The store: incidents, hypotheses, evidence and claims in a SQLite file
//! (the embedded default) or a PostgreSQL database.
//!
//! Each write that belongs together runs in one transaction, so an import
//! that fails leaves nothing half-written. The schema is portable SQL that
//! means the same on both engines: SQLite's migrations are in `migrations/`,
//! PostgreSQL's (from a baseline equal to SQLite's schema after 0009) in
//! `migrations/postgres/`; each is applied in order when the store opens.
//!
//! The store knows the model, not the formats the model was read from: it
//! never parses TOML, STIX or logs.

#[macro_use]
mod case;
mod actors;
mod devices;
mod docs;
mod observed;
mod postgres;
mod sql;
mod sqlite;
mod stix;
mod telemetry;
mod unit;
mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use actors::NamedHypothesis;
pub use case::{ClaimFilter, IncidentSummary, StoredCase};
pub use devices::DeviceReportRecord;
pub use docs::{DocumentFilter, DocumentRecord, DocumentSeen, KbImport};
pub use stix::{
    AddOutcome, Collection, Cursor, NewObject, ObjectQuery, Page, StatusRecord, StixWriter,
    StoredObject, VersionSel,
};
pub use telemetry::{EventGroup, SightingRow, TelemetryFilter, TelemetryRun};
pub use unit::{ReadUnit, UnitOfWork};
pub use users::{RightsChange, Role, UserRecord, WebSession};

use ascribe_model::Clock;

/// Where claims came from, so that re-importing one source replaces only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Written by an analyst in a case file.
    Case,
    /// Read from documents by the extractor.
    Docs,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Case => "case",
            Provenance::Docs => "docs",
        }
    }
}

/// An error of the database engine, kept opaque: its message (and its
/// causes, for logs), never its type, so callers do not depend on the engine.
#[derive(Debug)]
pub struct EngineError(Box<dyn std::error::Error + Send + Sync>);

impl EngineError {
    pub(crate) fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        EngineError(Box::new(e))
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for EngineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Errors at the store's boundary.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("opening database {db}")]
    Open {
        db: Location,
        #[source]
        source: EngineError,
    },
    /// The PostgreSQL server could not be reached (or the connection to it
    /// was lost); `target` names the host, port, database and user.
    #[error("cannot connect to PostgreSQL at {target}")]
    Connect {
        target: String,
        #[source]
        source: EngineError,
    },
    #[error("applying migration {name}")]
    Migration {
        name: &'static str,
        #[source]
        source: EngineError,
    },
    #[error("database {db} has schema version {found}, newer than this ascribe knows ({known}); upgrade ascribe")]
    TooNew {
        db: Location,
        found: i64,
        known: i64,
    },
    /// Another writer holds the database for longer than the busy timeout.
    /// Nothing of this write was stored; the same request may simply be retried.
    #[error("the database is busy with another writer; nothing was written, retry")]
    Busy {
        #[source]
        source: EngineError,
    },
    /// Any other failure of the engine.
    #[error("database error")]
    Database(#[source] EngineError),
    #[error("stored {what} is unreadable: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("no incident {0:?} in the database")]
    NoIncident(String),
    #[error("user {0:?} already exists")]
    UserExists(String),
    /// An object marked above its writer's clearance (a writer may not
    /// write what it could not read back).
    #[error("object {id} is marked above the writer's clearance")]
    AboveClearance { id: String },
    /// A paging cursor that names no row the reader can see.
    #[error("not a paging token this server issued for this reader")]
    BadCursor,
}

/// How long a connection waits for another writer before giving up with
/// [`StoreError::Busy`].
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl StoreError {
    /// Whether this is the "busy, retry" error.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Now, as `updated_at` has always held it: `YYYY-MM-DD HH:MM:SS` in UTC.
fn stamp(clock: &dyn Clock) -> String {
    let t = clock.now().to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Where a store lives. The command line's `--db` (or `ASCRIBE_DB`) is read
/// by [`Location::from_arg`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A SQLite database file, created if absent (the embedded default).
    File(PathBuf),
    /// A PostgreSQL database, as a `postgres://` or `postgresql://` URL
    /// (`postgres://user@host:port/database?options`).
    Postgres(String),
}

impl Location {
    /// A URL with the scheme `postgres://` or `postgresql://` names a
    /// PostgreSQL database; anything else is a SQLite file path.
    pub fn from_arg(arg: impl Into<PathBuf>) -> Location {
        let path: PathBuf = arg.into();
        match path.to_str() {
            Some(s) if s.starts_with("postgres://") || s.starts_with("postgresql://") => {
                Location::Postgres(s.to_owned())
            }
            _ => Location::File(path),
        }
    }
}

impl Location {
    /// Whether there is a database to open: a SQLite file that exists, or
    /// any PostgreSQL database (whether it holds ascribe's tables is found
    /// when it opens, which creates them).
    pub fn exists(&self) -> bool {
        match self {
            Location::File(p) => p.exists(),
            Location::Postgres(_) => true,
        }
    }
}

/// Shown without its password, so messages and logs may name it.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => p.display().fmt(f),
            Location::Postgres(url) => f.write_str(&postgres::redact(url)),
        }
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => f.debug_tuple("File").field(p).finish(),
            Location::Postgres(_) => f.debug_tuple("Postgres").field(&self.to_string()).finish(),
        }
    }
}

/// The engine behind a store and the connections it owns.
enum Backend {
    Sqlite(sqlite::SqliteBackend),
    // Boxed: its connection settings make it several times SQLite's size.
    Postgres(Box<postgres::PostgresBackend>),
}

/// An open database: its backend with the connections it owns, and the
/// caller's clock its writes are stamped with (the store reads no clock of
/// its own). Every read and write runs in a unit
/// of work ([`Store::read`], [`Store::unit_of_work`]) on one connection; a
/// store with several connections (a server) runs several units at once,
/// and is shared between threads as it is (`Store` is `Sync`).
pub struct Store {
    backend: Backend,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", self.location())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` with one
    /// connection, and brings its schema up to date; its writes are stamped
    /// by `clock`.
    pub fn open(path: &Path, clock: impl Clock + 'static) -> Result<Store> {
        Store::open_connections(path, 1, clock)
    }

    /// As [`Store::open`], with `connections` connections (at least one)
    /// for units of work running at once (the server).
    pub fn open_connections(
        path: &Path,
        connections: usize,
        clock: impl Clock + 'static,
    ) -> Result<Store> {
        Ok(Store {
            backend: Backend::Sqlite(sqlite::SqliteBackend::open(path, connections)?),
            clock: Arc::new(clock),
        })
    }

    /// Opens the database at `location` (a SQLite file is created if
    /// needed) with `connections` connections (at least one), and brings
    /// its schema up to date; its writes are stamped by `clock`. A
    /// PostgreSQL database's migrations apply once even when several
    /// processes open it at the same moment.
    pub fn open_at(
        location: &Location,
        connections: usize,
        clock: impl Clock + 'static,
    ) -> Result<Store> {
        let backend = match location {
            Location::File(path) => {
                Backend::Sqlite(sqlite::SqliteBackend::open(path, connections)?)
            }
            Location::Postgres(url) => Backend::Postgres(Box::new(
                postgres::PostgresBackend::open(location.clone(), url, connections)?,
            )),
        };
        Ok(Store {
            backend,
            clock: Arc::new(clock),
        })
    }

    /// An in-memory database, for tests and one-shot runs (one connection).
    pub fn open_in_memory(clock: impl Clock + 'static) -> Result<Store> {
        Ok(Store {
            backend: Backend::Sqlite(sqlite::SqliteBackend::in_memory()?),
            clock: Arc::new(clock),
        })
    }

    /// Stamps this store's writes with `clock` from now on.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Store {
        self.clock = Arc::new(clock);
        self
    }

    /// The clock this store's writes are stamped with, for callers that
    /// stamp other things of the same run (the server's `date_added`).
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The schema version after migrations.
    pub fn schema_version(&self) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite(b) => b.transaction(false, sqlite::schema_version),
            Backend::Postgres(b) => b.schema_version(),
        }
    }

    /// How long each connection waits for another writer (default
    /// [`BUSY_TIMEOUT`]); tests shorten it.
    pub fn set_busy_timeout(&mut self, wait: std::time::Duration) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(b) => b.set_busy_timeout(wait),
            Backend::Postgres(b) => b.set_busy_timeout(wait),
        }
    }

    /// Where this store lives (shown without a password).
    pub fn location(&self) -> &Location {
        match &self.backend {
            Backend::Sqlite(b) => b.location(),
            Backend::Postgres(b) => b.location(),
        }
    }

    /// Runs `f` with a [`ReadUnit`]: one read transaction, one snapshot.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&ReadUnit<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.backend {
            Backend::Sqlite(b) => {
                b.transaction(false, |c| f(&ReadUnit::new(unit::Engine::Sqlite(c))))
            }
            Backend::Postgres(b) => {
                b.transaction(false, |c| f(&ReadUnit::new(unit::Engine::Postgres(c))))
            }
        }
    }

    /// Runs `f` with a [`UnitOfWork`] inside one transaction begun as a
    /// writer (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: READ COMMITTED, its
    /// writers serialised by the row locks they take, see `postgres.rs`), so
    /// waiting for another writer honours the busy timeout, past which the
    /// answer is [`StoreError::Busy`]: every write it makes is committed
    /// together when `f` returns `Ok`, and none is when it returns `Err` or
    /// the process dies first. One use case, one call.
    pub fn unit_of_work<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut UnitOfWork<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let now = stamp(self.clock.as_ref());
        match &self.backend {
            Backend::Sqlite(b) => b.transaction(true, |c| {
                f(&mut UnitOfWork::new(unit::Engine::Sqlite(c), now))
            }),
            Backend::Postgres(b) => b.transaction(true, |c| {
                f(&mut UnitOfWork::new(unit::Engine::Postgres(c), now))
            }),
        }
    }

    /// Whether an incident exists.
    pub fn has_incident(&self, id: &str) -> Result<bool> {
        self.read(|r| r.has_incident(id))
    }
}

/// The clock of this crate's tests: fixed, so nothing they store depends on
/// when they run.
#[cfg(test)]
pub(crate) fn test_clock() -> ascribe_model::FixedClock {
    ascribe_model::FixedClock::from_unix(1_500_000_000).expect("a time in range")
}

/// An object for this crate's tests: its kind from its id, JSON `{}`.
#[cfg(test)]
pub(crate) fn test_object<'a>(
    id: &'a str,
    version: &'a str,
    tlp: ascribe_model::Tlp,
) -> NewObject<'a> {
    NewObject {
        id,
        kind: id.split("--").next().unwrap_or(""),
        version,
        spec_version: "2.1",
        tlp,
        marked: true,
        json: "{}",
    }
}

#[cfg(test)]
impl Store {
    /// Raw SQL on a connection, outside any unit of work (tests that hold
    /// locks or break a database by hand).
    pub(crate) fn raw_batch(&self, sql: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(b) => b.raw(|c| sqlite::execute_batch(c, sql)),
            Backend::Postgres(b) => b.raw_batch(sql),
        }
    }

    /// Applies the migrations not recorded as applied (tests of a migration).
    pub(crate) fn migrate_again(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(b) => b.raw(|c| sqlite::migrate(c, b.location())),
            Backend::Postgres(b) => b.migrate(),
        }
    }
}

#[cfg(test)]
mod tests;
