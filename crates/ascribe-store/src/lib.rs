//! The store: incidents, hypotheses, evidence and claims in a SQLite file.
//!
//! Each write that belongs together runs in one transaction, so an import
//! that fails leaves nothing half-written. The schema is plain portable SQL
//! in `migrations/`, applied in order when the store opens; a PostgreSQL
//! backend will apply the same files.
//!
//! The store knows the model, not the formats the model was read from: it
//! never parses TOML, STIX or logs.

mod case;
mod docs;
mod stix;
mod telemetry;
mod users;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};

pub use case::{ClaimFilter, IncidentSummary, StoredCase};
pub use docs::{DocumentRecord, KbImport};
pub use stix::{
    AddOutcome, Collection, Cursor, NewObject, ObjectQuery, Page, StatusRecord, StixWriter,
    StoredObject, VersionSel,
};
pub use telemetry::TelemetryRun;
pub use users::{RightsChange, Role, UserRecord};

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

/// Errors at the store's boundary.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("opening database {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("applying migration {name}")]
    Migration {
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {path} has schema version {found}, newer than this ascribe knows ({known}); upgrade ascribe")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// Another writer holds the database for longer than the busy timeout.
    /// Nothing of this write was stored; the same request may simply be retried.
    #[error("the database is busy with another writer; nothing was written, retry")]
    Busy {
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error")]
    Sqlite(#[source] rusqlite::Error),
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

impl From<rusqlite::Error> for StoreError {
    /// `SQLITE_BUSY`/`SQLITE_LOCKED` (after the busy timeout) become
    /// [`StoreError::Busy`], so every caller can tell "retry" from a real fault.
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Busy { source: e }
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// Whether this is the "busy, retry" error.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The migrations, in order. Numbers are reserved per area (see ARCHITECTURE.md).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_core", include_str!("../migrations/0001_core.sql")),
    (
        2,
        "0002_telemetry",
        include_str!("../migrations/0002_telemetry.sql"),
    ),
    (3, "0003_docs", include_str!("../migrations/0003_docs.sql")),
    (4, "0004_stix", include_str!("../migrations/0004_stix.sql")),
    (
        6,
        "0006_sighting_floor",
        include_str!("../migrations/0006_sighting_floor.sql"),
    ),
    (
        7,
        "0007_stix_visibility",
        include_str!("../migrations/0007_stix_visibility.sql"),
    ),
];

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        Self::setup(conn, path.to_owned())
    }

    /// An in-memory database, for tests and one-shot runs.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Self::setup(conn, PathBuf::from(":memory:"))
    }

    fn setup(conn: Connection, path: PathBuf) -> Result<Store> {
        // The busy timeout comes first: switching to WAL and migrating take
        // locks too, and another process may be writing right now.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers (the server) run while a writer imports; every
        // write begins as a writer (`BEGIN IMMEDIATE`), so the busy timeout
        // applies to it and it never fails half-way on a stale snapshot.
        conn.pragma_update(None, "journal_mode", "WAL")
            .or_else(|_| conn.pragma_update(None, "journal_mode", "DELETE"))
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut store = Store { conn, path };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            [],
        )?;
        let current: i64 = self.schema_version()?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        // Apply every known migration not yet recorded, in order: numbers are
        // reserved per area, so a later area's number may land before an earlier one's.
        // Each is checked again inside its writer transaction: two processes
        // opening a new database at once apply it once.
        for &(version, name, sql) in MIGRATIONS {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let applied = tx
                .query_row(
                    "SELECT 1 FROM schema_migrations WHERE version = ?1",
                    [version],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if applied {
                continue;
            }
            tx.execute_batch(sql)
                .map_err(|source| StoreError::Migration { name, source })?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                (version, name),
            )
            .map_err(|source| StoreError::Migration { name, source })?;
            tx.commit()
                .map_err(|source| StoreError::Migration { name, source })?;
        }
        Ok(())
    }

    /// The schema version after migrations.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    /// How long this connection waits for another writer (default
    /// [`BUSY_TIMEOUT`]); tests shorten it.
    pub fn set_busy_timeout(&mut self, wait: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(wait)?;
        Ok(())
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one transaction begun as a writer (`BEGIN IMMEDIATE`):
    /// all of it is written, or none. Waiting for another writer honours the
    /// busy timeout; past it the answer is [`StoreError::Busy`].
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.write_with(f)
    }

    /// As [`Store::write`], for a closure with its own error type (rolled
    /// back on any `Err`, like a store error).
    pub fn write_with<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f` with a [`UnitOfWork`] inside one writer transaction: every
    /// write it makes (incidents, hypotheses, claims, evidence, documents,
    /// telemetry runs) is committed together when `f` returns `Ok`, and none
    /// is when it returns `Err` or the process dies first. One use case, one
    /// call: `docs ingest` and `telemetry ingest --incident` go through it.
    pub fn unit_of_work<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut UnitOfWork<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_with(|tx| f(&mut UnitOfWork { tx }))
    }

    /// The raw connection, for the store's own modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether an incident exists.
    pub fn has_incident(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM incidents WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

/// The writes of one use case, inside one writer transaction; see
/// [`Store::unit_of_work`]. Its methods are the store's write methods of the
/// same names (which each run one of these on their own).
pub struct UnitOfWork<'t> {
    tx: &'t Transaction<'t>,
}

impl std::fmt::Debug for UnitOfWork<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitOfWork").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
