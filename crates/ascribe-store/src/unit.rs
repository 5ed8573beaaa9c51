//! Units of work: the one way a read or a write reaches the database.
//!
//! A [`ReadUnit`] is one read transaction (one consistent snapshot); a
//! [`UnitOfWork`] is one writer transaction that can also read. The store's
//! methods (`save_case`, `stix_query`, ...) are methods of these types; the
//! `Store` methods of the same names each run one unit on their own.
//!
//! The statements the area modules write go through the primitives here
//! (numbered `$N` placeholders, [`ToParam`] values, [`Row`] cells), which
//! hand them to the backend's engine; no area module knows the engine.

use std::ops::Deref;

use crate::postgres::{self, PgRow, PgStatement, Session};
use crate::sql::{FromCell, ToParam};
use crate::sqlite::{self, Connection, SqliteRow, SqliteStatement};
use crate::Result;
use ascribe_model::Tlp;

/// The engine side of a transaction.
#[derive(Clone, Copy)]
pub(crate) enum Engine<'t> {
    Sqlite(&'t Connection),
    Postgres(&'t Session),
}

/// One read transaction: everything read through it comes from one snapshot
/// of the database. See [`crate::Store::read`].
pub struct ReadUnit<'t> {
    engine: Engine<'t>,
}

impl std::fmt::Debug for ReadUnit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadUnit").finish_non_exhaustive()
    }
}

/// The writes of one use case, inside one writer transaction: all of them
/// are committed together, or none. It reads too (through [`ReadUnit`]),
/// seeing its own writes. See [`crate::Store::unit_of_work`].
pub struct UnitOfWork<'t> {
    read: ReadUnit<'t>,
    /// When this unit began, from the store's clock (`updated_at`).
    now: String,
}

impl std::fmt::Debug for UnitOfWork<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitOfWork")
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl<'t> Deref for UnitOfWork<'t> {
    type Target = ReadUnit<'t>;
    fn deref(&self) -> &ReadUnit<'t> {
        &self.read
    }
}

impl<'t> ReadUnit<'t> {
    pub(crate) fn new(engine: Engine<'t>) -> Self {
        ReadUnit { engine }
    }

    /// Rows of `sql`, each turned into a value by `f`.
    pub(crate) fn query<T>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self.engine {
            Engine::Sqlite(c) => sqlite::query(c, sql, params, |r| f(&Row(RowInner::Sqlite(r)))),
            Engine::Postgres(c) => {
                postgres::query(c, sql, params, |r| f(&Row(RowInner::Postgres(r))))
            }
        }
    }

    /// The first row of `sql`, if any.
    pub(crate) fn query_opt<T>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.query(sql, params, f)?.into_iter().next())
    }

    /// The first column of every row of a query.
    pub(crate) fn query_column<T: FromCell>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<Vec<T>> {
        self.query(sql, params, |r| r.get(0))
    }

    /// The one value of a query that always returns a row (a count, an aggregate).
    pub(crate) fn query_value<T: FromCell>(&self, sql: &str, params: &[&dyn ToParam]) -> Result<T> {
        self.query_opt(sql, params, |r| r.get(0))?
            .ok_or_else(|| crate::StoreError::Corrupt {
                what: "query".to_owned(),
                detail: format!("no row from {sql}"),
            })
    }

    /// Whether `sql` returns a row.
    pub(crate) fn exists(&self, sql: &str, params: &[&dyn ToParam]) -> Result<bool> {
        Ok(self.query_opt(sql, params, |_| Ok(()))?.is_some())
    }

    /// The engine's query plan of `sql`, one line per step (tests of index use).
    #[cfg(test)]
    pub(crate) fn plan(&self, sql: &str, params: &[&dyn ToParam]) -> Result<String> {
        let lines = self.query(&format!("EXPLAIN QUERY PLAN {sql}"), params, |r| {
            r.get::<String>(3)
        })?;
        Ok(lines.join("\n"))
    }
}

impl<'t> UnitOfWork<'t> {
    pub(crate) fn new(engine: Engine<'t>, now: String) -> Self {
        UnitOfWork {
            read: ReadUnit::new(engine),
            now,
        }
    }

    /// When this unit began (the store's clock), as stored in `updated_at`.
    pub fn now(&self) -> &str {
        &self.now
    }

    /// Runs one statement; the number of rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[&dyn ToParam]) -> Result<usize> {
        match self.read.engine {
            Engine::Sqlite(c) => sqlite::execute(c, sql, params),
            Engine::Postgres(c) => postgres::execute(c, sql, params),
        }
    }

    /// One statement prepared for many rows: an incident may bring 100,000
    /// items, and preparing the statement anew for each costs more than the insert.
    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement<'t>> {
        match self.read.engine {
            Engine::Sqlite(c) => Ok(Statement(StatementInner::Sqlite(sqlite::prepare(c, sql)?))),
            Engine::Postgres(c) => Ok(Statement(StatementInner::Postgres(postgres::prepare(
                c, sql,
            )?))),
        }
    }

    /// The next value of a named counter (an explicit id), held until the
    /// unit ends: counters are rows of `counters`, so writers take them one
    /// after the other on any backend, and a rolled-back unit takes none.
    pub(crate) fn next_id(&self, counter: &str) -> Result<i64> {
        let next = self.counter(counter)? + 1;
        self.set_counter(counter, next)?;
        Ok(next)
    }

    /// A counter's current value, its row held (locked on a backend with
    /// row locks) until the unit ends.
    pub(crate) fn counter(&self, counter: &str) -> Result<i64> {
        self.query_opt(
            "UPDATE counters SET value = value WHERE name = $1 RETURNING value",
            &[&counter],
            |r| r.get(0),
        )?
        .ok_or_else(|| crate::StoreError::Corrupt {
            what: "counters".to_owned(),
            detail: format!("no counter {counter:?}"),
        })
    }

    /// Sets a counter (taken with [`UnitOfWork::counter`] in this unit).
    pub(crate) fn set_counter(&self, counter: &str, value: i64) -> Result<()> {
        self.execute(
            "UPDATE counters SET value = $2 WHERE name = $1",
            &[&counter, &value],
        )?;
        Ok(())
    }
}

enum StatementInner<'t> {
    Sqlite(SqliteStatement<'t>),
    Postgres(PgStatement<'t>),
}

/// A statement prepared once for many rows; see [`UnitOfWork::prepare`].
pub(crate) struct Statement<'t>(StatementInner<'t>);

impl Statement<'_> {
    pub(crate) fn execute(&mut self, params: &[&dyn ToParam]) -> Result<usize> {
        match &mut self.0 {
            StatementInner::Sqlite(s) => s.execute(params),
            StatementInner::Postgres(s) => s.execute(params),
        }
    }
}

enum RowInner<'r> {
    Sqlite(&'r SqliteRow<'r>),
    Postgres(&'r PgRow<'r>),
}

/// One row of a result; cells are read by position.
pub(crate) struct Row<'r>(RowInner<'r>);

impl Row<'_> {
    pub(crate) fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        match &self.0 {
            RowInner::Sqlite(r) => r.get(i),
            RowInner::Postgres(r) => r.get(i),
        }
    }

    /// Column `i` as a TLP marking; `what` names the row when the stored
    /// text is not one.
    pub(crate) fn tlp(&self, i: usize, what: impl FnOnce() -> String) -> Result<Tlp> {
        let text: String = self.get(i)?;
        text.parse().map_err(|e| crate::case::corrupt(&what(), e))
    }
}
