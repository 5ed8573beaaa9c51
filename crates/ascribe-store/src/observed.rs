//! What programs observed (migration 0009): sightings, source territories and
//! device findings, stored as observed and graded by the policy at assessment.

use ascribe_model::{Fact, Observed};

use crate::case::{corrupt, forget_items, next_position, require_incident};
use crate::{ReadUnit, Result, Store, UnitOfWork};

impl Store {
    /// Adds or replaces observed items (by id) in an existing incident.
    pub fn upsert_observed(&mut self, incident_id: &str, items: &[Observed]) -> Result<()> {
        self.unit_of_work(|u| u.upsert_observed(incident_id, items))
    }
}

impl UnitOfWork<'_> {
    /// Adds or replaces observed items (by id) in an existing incident; an
    /// evidence item of the same id (one stored graded, before migration 0009)
    /// is replaced too.
    pub fn upsert_observed(&self, incident_id: &str, items: &[Observed]) -> Result<()> {
        require_incident(self, incident_id)?;
        forget_items(self, incident_id, items.iter().map(|o| o.id.as_str()))?;
        let first = next_position(self, "observed", incident_id)?;
        let mut insert = self.prepare(
            "INSERT INTO observed (incident_id, id, summary, source, tlp, origin, fact_json, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )?;
        for (pos, o) in (first..).zip(items) {
            let fact = serde_json::to_string(&o.fact).map_err(|e| corrupt("fact", e))?;
            insert.execute(&[
                &incident_id,
                &o.id,
                &o.summary,
                &o.source,
                &o.tlp.as_str(),
                &o.origin,
                &fact,
                &pos,
            ])?;
        }
        Ok(())
    }
}

/// An incident's observed items at or below `max_rank`, in the order they
/// were stored. Items an older version stored graded, in `evidence`, are read
/// as evidence here (`ascribe_app::case::load` reads them back into
/// observations).
pub(crate) fn load_observed(
    r: &ReadUnit<'_>,
    incident_id: &str,
    max_rank: i64,
) -> Result<Vec<Observed>> {
    r.query(
        concat!(
            "SELECT id, summary, source, tlp, origin, fact_json
             FROM observed WHERE incident_id = $1 AND ",
            tlp_rank!(),
            " <= $2 ORDER BY position, id"
        ),
        &[&incident_id, &max_rank],
        |r| {
            let id: String = r.get(0)?;
            let tlp: String = r.get(3)?;
            let fact: String = r.get(5)?;
            // The message is only made for a row that fails.
            let bad = |e: &dyn std::fmt::Display| corrupt(&format!("observed {id:?}"), e);
            Ok(Observed {
                summary: r.get(1)?,
                source: r.get(2)?,
                tlp: tlp.parse().map_err(|e| bad(&e))?,
                origin: r.get(4)?,
                fact: serde_json::from_str::<Fact>(&fact).map_err(|e| bad(&e))?,
                id,
            })
        },
    )
}
