//! STIX objects, collections and add-objects statuses for the TAXII server.
//!
//! Every read takes the reader's clearance and filters in SQL, so no caller
//! can forget it: objects above it are invisible to filters, version
//! selection (`first`/`last` are computed over visible versions only), counts
//! and pages alike.
//!
//! Every write names its writer's clearance. A row is visible to clearance
//! `r` when `tlp <= r AND ceiling >= r` (see `migrations/0007`): a writer who
//! re-posts, or posts a newer version of, an object it cannot see gets its own
//! row, visible to readers up to just below the hidden versions' TLP, so its
//! write is real and reported truly, it learns nothing of the hidden versions,
//! and readers who see those versions never have them superseded by it.

use ascribe_model::Tlp;

use crate::sql::{big, unsigned, Params, Value};
use crate::users::{tlp_of_rank, tlp_rank};
use crate::{ReadUnit, Result, Store, StoreError, UnitOfWork};

/// The SQL condition "row `a` is visible to clearance rank `r`". `r` is one
/// of our own five ranks, written as a literal so that the planner can use
/// that clearance's partial index (`stix_objects_seen_by_r`).
fn visible(a: &str, r: i64) -> String {
    format!("{a}.tlp <= {r} AND {a}.ceiling >= {r}")
}

/// The stored marking definitions among `ids` (lower-cased), oldest first;
/// `stix_objects_marking_ids` indexes exactly this lookup.
fn marking_sql(params: &mut Params, ids: &[String]) -> String {
    let list = params.in_list("lower(id)", ids);
    format!(
        "SELECT json FROM stix_objects WHERE type = 'marking-definition' AND {list} ORDER BY seq"
    )
}

/// The counter `stix_objects.seq` is taken from.
const SEQ: &str = "stix_objects";

/// A TAXII collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub id: String,
    pub alias: String,
    pub title: String,
    pub description: Option<String>,
}

/// An object to add: the STIX JSON text and what is indexed from it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObject<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    /// Fixed-width version key (`modified`, else `created`, else '').
    pub version: &'a str,
    pub spec_version: &'a str,
    pub tlp: Tlp,
    pub marked: bool,
    pub json: &'a str,
}

/// What became of one object of an add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOutcome {
    pub id: String,
    pub version: String,
    /// False when that id and version were already in the collection.
    pub added: bool,
    pub date_added: String,
}

/// A stored object version.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObject {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub version: String,
    pub spec_version: String,
    pub tlp: Tlp,
    pub date_added: String,
    pub json: String,
}

/// Which versions of each object a query returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSel {
    First,
    Last,
    All,
    /// A version key (fixed-width timestamp).
    At(String),
}

/// A TAXII object query; `clearance` is mandatory.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectQuery {
    pub collection_id: String,
    pub clearance: Tlp,
    /// Fixed-width timestamp; only objects added strictly after it.
    pub added_after: Option<String>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    /// Empty: the default, `Last`.
    pub versions: Vec<VersionSel>,
    pub spec_versions: Vec<String>,
    /// Resume after this row (from a `next` token).
    pub after: Option<Cursor>,
    pub limit: usize,
}

impl ObjectQuery {
    pub fn new(collection_id: &str, clearance: Tlp, limit: usize) -> Self {
        ObjectQuery {
            collection_id: collection_id.to_owned(),
            clearance,
            added_after: None,
            ids: Vec::new(),
            types: Vec::new(),
            versions: Vec::new(),
            spec_versions: Vec::new(),
            after: None,
            limit,
        }
    }
}

/// Where a page ended: the last row the reader received, named by what the
/// reader already saw of it. Resuming looks the row up among the rows this
/// reader can see, so a cursor carries nothing about rows it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub id: String,
    /// The row's version key.
    pub version: String,
}

/// One page of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<StoredObject>,
    pub more: bool,
}

/// A TAXII status resource as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRecord {
    pub id: String,
    pub user_name: String,
    pub collection_id: String,
    pub request_timestamp: String,
    pub total_count: usize,
    pub success_count: usize,
    pub failure_count: usize,
    pub pending_count: usize,
    /// JSON with `successes` and `failures` arrays, as TAXII shows them.
    pub details_json: String,
}

/// Adds objects (and a status) inside one writer transaction; see
/// [`UnitOfWork::stix_write`].
pub struct StixWriter<'u> {
    unit: &'u UnitOfWork<'u>,
    collection_id: String,
    writer: i64,
    seq: i64,
    date_added: String,
}

impl std::fmt::Debug for StixWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StixWriter")
            .field("collection_id", &self.collection_id)
            .field("writer", &self.writer)
            .finish_non_exhaustive()
    }
}

impl StixWriter<'_> {
    /// [`Store::stix_marking_definitions`] inside this write, so an import
    /// classifies against exactly what the transaction sees.
    pub fn marking_definitions(&self, ids: &[String]) -> Result<Vec<String>> {
        self.unit.stix_marking_definitions(ids)
    }

    /// Adds one object version. If the writer can already see that (id,
    /// version), nothing changes (`added: false`). Otherwise it is stored,
    /// visible up to just below the lowest TLP among the object's versions
    /// the writer cannot see (see the module doc). An object above the
    /// writer's own clearance is refused: a writer cannot write what it could
    /// not read back (and the ceiling rule needs `tlp <= writer`).
    pub fn add(&mut self, o: &NewObject<'_>) -> Result<AddOutcome> {
        let tlp = tlp_rank(o.tlp);
        if tlp > self.writer {
            return Err(StoreError::AboveClearance {
                id: o.id.to_owned(),
            });
        }
        let w = self.writer;
        let existing: Option<String> = self.unit.query_opt(
            "SELECT date_added FROM stix_objects
             WHERE collection_id = $1 AND id = $2 AND version = $3 AND tlp <= $4 AND ceiling >= $4",
            &[&self.collection_id, &o.id, &o.version, &w],
            |r| r.get(0),
        )?;
        if let Some(d) = existing {
            return Ok(AddOutcome {
                id: o.id.to_owned(),
                version: o.version.to_owned(),
                added: false,
                date_added: d,
            });
        }
        let lowest_hidden: Option<i64> = self.unit.query_value(
            "SELECT MIN(tlp) FROM stix_objects WHERE collection_id = $1 AND id = $2 AND tlp > $3",
            &[&self.collection_id, &o.id, &w],
        )?;
        let ceiling = lowest_hidden.map_or(tlp_rank(Tlp::Red), |m| m - 1);
        self.seq += 1;
        self.unit.execute(
            "INSERT INTO stix_objects (seq, collection_id, id, type, version, spec_version, tlp, marked, date_added, json, ceiling)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &self.seq,
                &self.collection_id,
                &o.id,
                &o.kind,
                &o.version,
                &o.spec_version,
                &tlp,
                &i64::from(o.marked),
                &self.date_added,
                &o.json,
                &ceiling,
            ],
        )?;
        Ok(AddOutcome {
            id: o.id.to_owned(),
            version: o.version.to_owned(),
            added: true,
            date_added: self.date_added.clone(),
        })
    }

    /// Stores a status resource in the same transaction as the objects.
    pub fn put_status(&self, s: &StatusRecord) -> Result<()> {
        self.unit.taxii_put_status(s)
    }
}

impl Store {
    /// Every collection, in order.
    pub fn stix_collections(&self) -> Result<Vec<Collection>> {
        self.read(|r| r.stix_collections())
    }

    /// The collection with this id or alias.
    pub fn stix_collection(&self, id_or_alias: &str) -> Result<Option<Collection>> {
        self.read(|r| r.stix_collection(id_or_alias))
    }

    /// Adds objects to a collection in one transaction, written with full
    /// clearance (the command line: whoever holds the database file). An
    /// (id, version) already present is left as it was (`added: false`).
    /// `now` is a fixed-width timestamp; `date_added` never goes below the
    /// collection's latest, so insertion order is date order.
    pub fn stix_add_objects(
        &mut self,
        collection_id: &str,
        objects: &[NewObject<'_>],
        now: &str,
    ) -> Result<Vec<AddOutcome>> {
        self.stix_write(collection_id, Tlp::Red, now, |w| {
            objects.iter().map(|o| w.add(o)).collect()
        })
    }

    /// [`UnitOfWork::stix_write`] in a unit of its own.
    pub fn stix_write<T, E: From<StoreError>>(
        &self,
        collection_id: &str,
        writer: Tlp,
        now: &str,
        f: impl FnOnce(&mut StixWriter<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.unit_of_work(|u| u.stix_write(collection_id, writer, now, f))
    }

    /// One page of objects matching `q`, never above `q.clearance`.
    /// A cursor that names no row this reader can see is
    /// [`StoreError::BadCursor`].
    pub fn stix_query(&self, q: &ObjectQuery) -> Result<Page> {
        self.read(|r| r.stix_query(q))
    }

    /// Number of object versions in a collection at or below `clearance`.
    pub fn stix_count(&self, collection_id: &str, clearance: Tlp) -> Result<i64> {
        self.read(|r| r.stix_count(collection_id, clearance))
    }

    /// See [`ReadUnit::stix_marking_definitions`].
    pub fn stix_marking_definitions(&self, ids: &[String]) -> Result<Vec<String>> {
        self.read(|r| r.stix_marking_definitions(ids))
    }

    /// Sightings of indicators from the telemetry runs attached to an
    /// incident, for the STIX export (which filters them by marking).
    pub fn stix_incident_sightings(
        &self,
        incident_id: &str,
    ) -> Result<Vec<ascribe_model::Sighting>> {
        self.read(|r| r.stix_incident_sightings(incident_id))
    }

    /// Stores a status resource on its own (a status with no objects).
    pub fn taxii_put_status(&mut self, s: &StatusRecord) -> Result<()> {
        self.unit_of_work(|u| u.taxii_put_status(s))
    }

    /// A status resource by id.
    pub fn taxii_status(&self, id: &str) -> Result<Option<StatusRecord>> {
        self.read(|r| r.taxii_status(id))
    }
}

impl UnitOfWork<'_> {
    /// Runs `f` with a [`StixWriter`] inside this unit: what it adds
    /// (objects, a status) is committed with the unit. `writer` is the
    /// clearance of the one writing.
    pub fn stix_write<T, E: From<StoreError>>(
        &self,
        collection_id: &str,
        writer: Tlp,
        now: &str,
        f: impl FnOnce(&mut StixWriter<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        // `seq` comes from its counter, held until this unit ends: writers
        // take numbers one after the other, so `seq` order is commit order
        // and a reader paging by `seq` never skips a row committed later.
        let seq = self.counter(SEQ)?;
        // `date_added` never decreases with `seq`, so the last row holds
        // both maxima (a key lookup, not a scan of every row).
        let last_added: Option<String> = self.query_opt(
            "SELECT date_added FROM stix_objects WHERE seq = $1",
            &[&seq],
            |r| r.get(0),
        )?;
        let date_added = match last_added {
            Some(l) if l.as_str() > now => l,
            _ => now.to_owned(),
        };
        let mut w = StixWriter {
            unit: self,
            collection_id: collection_id.to_owned(),
            writer: tlp_rank(writer),
            seq,
            date_added,
        };
        let out = f(&mut w)?;
        if w.seq != seq {
            self.set_counter(SEQ, w.seq)?;
        }
        Ok(out)
    }

    /// Stores a status resource.
    pub fn taxii_put_status(&self, s: &StatusRecord) -> Result<()> {
        self.execute(
            "INSERT INTO taxii_status (id, user_name, collection_id, request_timestamp, total_count, success_count, failure_count, pending_count, details_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &s.id,
                &s.user_name,
                &s.collection_id,
                &s.request_timestamp,
                &big(s.total_count, "status total count")?,
                &big(s.success_count, "status success count")?,
                &big(s.failure_count, "status failure count")?,
                &big(s.pending_count, "status pending count")?,
                &s.details_json,
            ],
        )?;
        Ok(())
    }
}

fn collection_row(r: &crate::unit::Row<'_>) -> Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        alias: r.get(1)?,
        title: r.get(2)?,
        description: r.get(3)?,
    })
}

impl ReadUnit<'_> {
    /// Every collection, in order.
    pub fn stix_collections(&self) -> Result<Vec<Collection>> {
        self.query(
            "SELECT id, alias, title, description FROM stix_collections ORDER BY position, id",
            &[],
            collection_row,
        )
    }

    /// The collection with this id or alias.
    pub fn stix_collection(&self, id_or_alias: &str) -> Result<Option<Collection>> {
        self.query_opt(
            "SELECT id, alias, title, description FROM stix_collections WHERE id = $1 OR alias = $1",
            &[&id_or_alias],
            collection_row,
        )
    }

    /// One page of objects matching `q`, never above `q.clearance`.
    /// A cursor that names no row this reader can see is
    /// [`StoreError::BadCursor`].
    pub fn stix_query(&self, q: &ObjectQuery) -> Result<Page> {
        let (sql, params) = self.query_sql(q)?;
        let mut items = self.query(&sql, &params.refs(), |r| {
            Ok(StoredObject {
                seq: r.get(0)?,
                id: r.get(1)?,
                kind: r.get(2)?,
                version: r.get(3)?,
                spec_version: r.get(4)?,
                tlp: tlp_of_rank(r.get(5)?),
                date_added: r.get(6)?,
                json: r.get(7)?,
            })
        })?;
        let more = items.len() > q.limit;
        items.truncate(q.limit);
        Ok(Page { items, more })
    }

    /// The SQL of [`ReadUnit::stix_query`] and its parameters (the cursor,
    /// if any, already resolved to a row this reader can see).
    fn query_sql(&self, q: &ObjectQuery) -> Result<(String, Params)> {
        let r = tlp_rank(q.clearance);
        let mut params = Params::default();
        let collection = params.push(Value::Text(q.collection_id.clone()));
        let after_seq = match &q.after {
            None => None,
            Some(c) => Some(
                self.query_opt(
                    &format!(
                        "SELECT c.seq FROM stix_objects c
                         WHERE c.collection_id = $1 AND c.id = $2 AND c.version = $3 AND {}",
                        visible("c", r)
                    ),
                    &[&q.collection_id, &c.id, &c.version],
                    |row| row.get::<i64>(0),
                )?
                .ok_or(StoreError::BadCursor)?,
            ),
        };
        // Paging follows `seq`; the reader's partial index
        // (`stix_objects_seen_by_r`) holds exactly its visible rows in that
        // order, so a page costs what the reader can see, not the collection.
        let mut visible_here = vec![format!("o.collection_id = {collection}"), visible("o", r)];
        if !q.spec_versions.is_empty() {
            visible_here.push(params.in_list("o.spec_version", &q.spec_versions));
        }
        let mut wh = visible_here.clone();
        let sub_filter = if q.spec_versions.is_empty() {
            String::new()
        } else {
            format!(
                " AND {}",
                params.in_list("v.spec_version", &q.spec_versions)
            )
        };
        if let Some(a) = &q.added_after {
            let p = params.push(Value::Text(a.clone()));
            wh.push(format!("o.date_added > {p}"));
        }
        if !q.ids.is_empty() {
            wh.push(params.in_list("o.id", &q.ids));
        }
        if !q.types.is_empty() {
            // Filtered on the reader's own index (no index by type exists to
            // tempt the planner into scanning hidden rows of that type).
            wh.push(params.in_list("o.type", &q.types));
        }
        if let Some(s) = after_seq {
            let p = params.push(Value::Int(s));
            wh.push(format!("o.seq > {p}"));
        }
        let sels = if q.versions.is_empty() {
            vec![VersionSel::Last]
        } else {
            q.versions.clone()
        };
        let mut vs = Vec::new();
        for s in &sels {
            match s {
                VersionSel::All => vs.push("1 = 1".to_owned()),
                VersionSel::First | VersionSel::Last => {
                    let f = if *s == VersionSel::First {
                        "MIN"
                    } else {
                        "MAX"
                    };
                    vs.push(format!(
                        "o.version = (SELECT {f}(v.version) FROM stix_objects v WHERE v.collection_id = o.collection_id AND v.id = o.id AND {}{sub_filter})", visible("v", r)
                    ));
                }
                VersionSel::At(k) => {
                    let p = params.push(Value::Text(k.clone()));
                    vs.push(format!("o.version = {p}"));
                }
            }
        }
        wh.push(format!("({})", vs.join(" OR ")));
        let limit = params.push(Value::Int(big(q.limit.saturating_add(1), "page size")?));
        let sql = format!(
            "SELECT o.seq, o.id, o.type, o.version, o.spec_version, o.tlp, o.date_added, o.json
             FROM stix_objects o WHERE {} ORDER BY o.seq LIMIT {limit}",
            wh.join(" AND "),
        );
        Ok((sql, params))
    }

    /// Number of object versions in a collection at or below `clearance`.
    pub fn stix_count(&self, collection_id: &str, clearance: Tlp) -> Result<i64> {
        self.query_value(
            &format!(
                "SELECT COUNT(*) FROM stix_objects o WHERE o.collection_id = $1 AND {}",
                visible("o", tlp_rank(clearance))
            ),
            &[&collection_id],
        )
    }

    /// Stored marking definitions with these ids, compared without regard to
    /// letter case, as JSON text: TLP definitions imported earlier resolve
    /// marking refs of a later import. All collections count (a STIX id
    /// names one definition) and no clearance applies: the lookup only
    /// classifies, and an id defined twice differently fails closed there.
    pub fn stix_marking_definitions(&self, ids: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut params = Params::default();
            let sql = marking_sql(&mut params, chunk);
            out.extend(self.query_column::<String>(&sql, &params.refs())?);
        }
        Ok(out)
    }

    /// Sightings of indicators from the telemetry runs attached to an
    /// incident, for the STIX export (which filters them by marking).
    pub fn stix_incident_sightings(
        &self,
        incident_id: &str,
    ) -> Result<Vec<ascribe_model::Sighting>> {
        self.query(
            "SELECT s.indicator_type, s.value, s.actor, s.source, s.tlp, s.first_seen, s.last_seen, s.events, s.examples_json
             FROM telemetry_sightings s JOIN telemetry_runs r ON r.id = s.run_id
             WHERE r.incident_id = $1 ORDER BY s.indicator_type, s.value, s.first_seen",
            &[&incident_id],
            |r| {
                let value: String = r.get(1)?;
                let corrupt = |detail: String| StoreError::Corrupt {
                    what: format!("sighting of {value}"),
                    detail,
                };
                let kind: String = r.get(0)?;
                let kind = kind
                    .parse()
                    .map_err(|e: ascribe_model::ScaleError| corrupt(e.to_string()))?;
                // An unreadable marking is treated as the most restrictive.
                let tlp: String = r.get(4)?;
                let tlp = tlp.parse().unwrap_or(Tlp::Red);
                let examples: String = r.get(8)?;
                let examples =
                    serde_json::from_str(&examples).map_err(|e| corrupt(e.to_string()))?;
                let count = unsigned(r.get(7)?, "sighting count")?;
                Ok(ascribe_model::Sighting {
                    indicator: ascribe_model::Indicator {
                        kind,
                        actor: r.get(2)?,
                        source: r.get(3)?,
                        tlp,
                        value,
                    },
                    first_seen: r.get(5)?,
                    last_seen: r.get(6)?,
                    count,
                    examples,
                })
            },
        )
    }

    /// A status resource by id.
    pub fn taxii_status(&self, id: &str) -> Result<Option<StatusRecord>> {
        self.query_opt(
            "SELECT id, user_name, collection_id, request_timestamp, total_count, success_count, failure_count, pending_count, details_json
             FROM taxii_status WHERE id = $1",
            &[&id],
            |r| {
                Ok(StatusRecord {
                    id: r.get(0)?,
                    user_name: r.get(1)?,
                    collection_id: r.get(2)?,
                    request_timestamp: r.get(3)?,
                    total_count: unsigned(r.get(4)?, "status total count")?,
                    success_count: unsigned(r.get(5)?, "status success count")?,
                    failure_count: unsigned(r.get(6)?, "status failure count")?,
                    pending_count: unsigned(r.get(7)?, "status pending count")?,
                    details_json: r.get(8)?,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_object as obj;

    #[test]
    fn incident_sightings_come_from_attached_telemetry_runs() -> Result<()> {
        let s = Store::open_in_memory(crate::test_clock())?;
        s.raw_batch(
            "INSERT INTO incidents (id, title, updated_at) VALUES ('inc', 't', '2026');
             INSERT INTO telemetry_runs (id, incident_id, started_at, inputs_json, event_types, summary_json)
             VALUES ('r1', 'inc', '2026', '[]', 'alert', '{}'), ('r2', NULL, '2026', '[]', 'alert', '{}');
             INSERT INTO telemetry_sightings VALUES
             ('r1', 'ip', '198.51.100.7', 'APT29', NULL, 'amber', '2024-03-04T00:00:00Z', '2024-03-05T00:00:00Z', 4, '[\"eve.json:3\"]'),
             ('r2', 'ip', '198.51.100.8', NULL, NULL, 'clear', '2024-03-04T00:00:00Z', '2024-03-05T00:00:00Z', 1, '[]');",
        )?;
        let got = s.stix_incident_sightings("inc")?;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].indicator.tlp, Tlp::Amber);
        assert_eq!((got[0].count, got[0].examples.len()), (4, 1));
        Ok(())
    }

    /// The marking lookup (any letter case, any collection) uses its own
    /// index, not a scan of every stored object.
    #[test]
    fn marking_definitions_are_looked_up_by_index() -> Result<()> {
        let s = Store::open_in_memory(crate::test_clock())?;
        let ids = ["marking-definition--x".to_owned()];
        let plan = s.read(|r| {
            let mut params = Params::default();
            let sql = marking_sql(&mut params, &ids);
            r.plan(&sql, &params.refs())
        })?;
        assert!(plan.contains("stix_objects_marking_ids"), "{plan}");
        Ok(())
    }

    fn file_store(dir: &tempfile::TempDir) -> Result<Store> {
        Store::open(&dir.path().join("t.db"), crate::test_clock())
    }

    /// Finding 8: a write waits for another writer (it begins as a writer,
    /// so the busy timeout applies) instead of failing on a stale read, and
    /// past the timeout the answer is the distinct "busy, retry" error.
    #[test]
    fn a_writer_waits_for_another_and_busy_is_its_own_error() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt {
            what: "tempdir".into(),
            detail: e.to_string(),
        })?;
        let a = file_store(&dir)?;
        let mut b = file_store(&dir)?;
        let c = b.stix_collections()?[0].id.clone();
        let x = "indicator--00000000-0000-4000-8000-000000000001";
        // `a` holds the write lock for a moment while `b` reads and writes.
        a.raw_batch("BEGIN IMMEDIATE")?;
        a.raw_batch("INSERT INTO taxii_status VALUES ('s', 'u', 'c', 't', 0, 0, 0, 0, '{}')")?;
        let holder = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            a.raw_batch("COMMIT").map(|()| a)
        });
        let added = b.stix_add_objects(&c, &[obj(x, "2020", Tlp::Clear)], "2026")?;
        assert!(added[0].added, "the second writer waited and wrote");
        let mut a = holder
            .join()
            .expect("the lock holder thread does not panic")?;
        // Held past the (shortened) timeout: Busy, and nothing written.
        a.raw_batch("BEGIN IMMEDIATE")?;
        b.set_busy_timeout(std::time::Duration::from_millis(100))?;
        let y = "indicator--00000000-0000-4000-8000-000000000002";
        let e = b
            .stix_add_objects(&c, &[obj(y, "2020", Tlp::Clear)], "2026")
            .expect_err("busy");
        assert!(e.is_busy(), "{e:?}");
        assert!(e.to_string().contains("retry"), "{e}");
        a.raw_batch("ROLLBACK")?;
        a.set_busy_timeout(std::time::Duration::from_secs(5))?;
        assert_eq!(a.stix_count(&c, Tlp::Red)?, 1);
        Ok(())
    }

    /// Finding 13: a reader's pages come from its own index, which holds
    /// only the rows it can see, never from a scan of the collection.
    #[test]
    fn every_clearance_pages_through_its_own_index() -> Result<()> {
        let s = Store::open_in_memory(crate::test_clock())?;
        let c = s.stix_collections()?[0].id.clone();
        for t in Tlp::ALL {
            for types in [vec![], vec!["indicator".to_owned()]] {
                let mut q = ObjectQuery::new(&c, t, 10);
                q.types = types;
                let plan = s.read(|r| {
                    let (sql, params) = r.query_sql(&q)?;
                    r.plan(&sql, &params.refs())
                })?;
                let own = format!("stix_objects_seen_by_{}", tlp_rank(t));
                assert!(plan.contains(&own), "{t:?}: {plan}");
                assert!(!plan.contains("TEMP B-TREE"), "{t:?} sorts: {plan}");
            }
        }
        Ok(())
    }
}
