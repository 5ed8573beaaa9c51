//! Incidents, hypotheses, evidence and claims.

use crate::sql::{big, unsigned};
use crate::unit::Row;
use crate::{Provenance, ReadUnit, Result, Store, StoreError, UnitOfWork};
use ascribe_model::{
    ActorRef, Admiralty, Band, Bearing, Case, Claim, Credibility, Evidence, Hypothesis, Incident,
    Period, Tlp,
};

/// A case as stored, with the case file's policy table (JSON) if it had one.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    pub case: Case,
    pub policy_json: Option<String>,
}

/// One line of `ascribe case list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentSummary {
    pub id: String,
    pub title: String,
    pub hypotheses: usize,
    pub evidence: usize,
    pub claims: usize,
    pub updated_at: String,
    /// Raised by one with every write to the incident or its items (migration
    /// 0014): what was computed at one revision is still true at the same.
    pub revision: i64,
}

pub(crate) fn corrupt(what: &str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        detail: detail.to_string(),
    }
}

impl Store {
    /// Stores a case from a case file, replacing what an earlier import of the
    /// same incident wrote: its hypotheses, its analyst-written evidence and its
    /// case-file claims. Evidence and claims from other sources (telemetry,
    /// documents, devices) stay.
    pub fn save_case(&mut self, case: &Case, policy_json: Option<&str>) -> Result<()> {
        self.save_cases(&[(case, policy_json)])
    }

    /// Stores several cases as [`Store::save_case`] does, in one transaction:
    /// all of them are written, or none (a multi-file `case import`).
    pub fn save_cases(&self, cases: &[(&Case, Option<&str>)]) -> Result<()> {
        self.unit_of_work(|u| {
            for (case, policy_json) in cases {
                u.save_case(case, *policy_json)?;
            }
            Ok(())
        })
    }
}

impl UnitOfWork<'_> {
    /// Stores a case from a case file, as [`Store::save_case`] does.
    pub fn save_case(&self, case: &Case, policy_json: Option<&str>) -> Result<()> {
        upsert_incident(self, &case.incident, policy_json)?;
        let id = case.incident.id.as_str();
        self.execute("DELETE FROM hypotheses WHERE incident_id = $1", &[&id])?;
        insert_hypotheses(self, id, &case.hypotheses, 0, false)?;
        self.execute(
            "DELETE FROM evidence WHERE incident_id = $1 AND origin IS NULL",
            &[&id],
        )?;
        insert_evidence(self, id, &case.evidence)?;
        self.execute(
            "DELETE FROM claims WHERE incident_id = $1 AND provenance = 'case'",
            &[&id],
        )?;
        insert_claims(self, id, &case.claims, Provenance::Case)?;
        Ok(())
    }
}

impl Store {
    /// Creates an incident if it does not exist (title and period are kept if it does),
    /// with the "other" hypothesis, so that evidence can attach to it.
    pub fn ensure_incident(&mut self, incident: &Incident) -> Result<bool> {
        self.unit_of_work(|u| u.ensure_incident(incident))
    }

    /// Adds hypotheses an incident lacks (by id), keeping existing ones as they are.
    pub fn add_hypotheses(&mut self, incident_id: &str, hyps: &[Hypothesis]) -> Result<usize> {
        self.unit_of_work(|u| u.add_hypotheses(incident_id, hyps))
    }

    /// Adds or replaces evidence items (by id) in an existing incident.
    pub fn upsert_evidence(&mut self, incident_id: &str, items: &[Evidence]) -> Result<()> {
        self.unit_of_work(|u| u.upsert_evidence(incident_id, items))
    }

    /// Adds or replaces claims (by id) in an existing incident.
    pub fn upsert_claims(
        &mut self,
        incident_id: &str,
        claims: &[Claim],
        provenance: Provenance,
    ) -> Result<()> {
        self.unit_of_work(|u| u.upsert_claims(incident_id, claims, provenance))
    }
}

impl UnitOfWork<'_> {
    /// Creates an incident if it does not exist (title and period are kept if it does),
    /// with the "other" hypothesis, so that evidence can attach to it.
    pub fn ensure_incident(&self, incident: &Incident) -> Result<bool> {
        // One statement decides, so two writers creating the same incident
        // at once (PostgreSQL runs them side by side) create it once.
        let created = write_incident(self, incident, None, "ON CONFLICT (id) DO NOTHING")? == 1;
        if created {
            self.execute(
                "INSERT INTO hypotheses (incident_id, id, position) VALUES ($1, $2, 0)",
                &[&incident.id, &ascribe_model::OTHER_HYPOTHESIS],
            )?;
        }
        Ok(created)
    }

    /// Adds hypotheses an incident lacks (by id), keeping existing ones as they are.
    pub fn add_hypotheses(&self, incident_id: &str, hyps: &[Hypothesis]) -> Result<usize> {
        require_incident(self, incident_id)?;
        let first = next_position(self, "hypotheses", incident_id)?;
        insert_hypotheses(self, incident_id, hyps, first, true)
    }

    /// Adds or replaces evidence items (by id) in an existing incident.
    pub fn upsert_evidence(&self, incident_id: &str, items: &[Evidence]) -> Result<()> {
        require_incident(self, incident_id)?;
        // An id is one item: graded evidence replaces an observed item of its id.
        forget_items(self, incident_id, items.iter().map(|e| e.id.as_str()))?;
        insert_evidence(self, incident_id, items)
    }

    /// Adds or replaces claims (by id) in an existing incident.
    pub fn upsert_claims(
        &self,
        incident_id: &str,
        claims: &[Claim],
        provenance: Provenance,
    ) -> Result<()> {
        require_incident(self, incident_id)?;
        let mut delete = self.prepare("DELETE FROM claims WHERE incident_id = $1 AND id = $2")?;
        for c in claims {
            delete.execute(&[&incident_id, &c.id])?;
        }
        drop(delete);
        insert_claims(self, incident_id, claims, provenance)
    }
}

impl Store {
    /// Loads an incident as a case, or `None` if there is no such incident.
    pub fn load_case(&self, incident_id: &str) -> Result<Option<StoredCase>> {
        self.read(|r| r.load_case(incident_id))
    }

    /// Claims matching a filter, with their incident ids.
    pub fn query_claims(&self, filter: &ClaimFilter) -> Result<Vec<(String, Claim)>> {
        self.read(|r| r.query_claims(filter))
    }

    /// Every incident, by id.
    pub fn list_incidents(&self) -> Result<Vec<IncidentSummary>> {
        self.read(|r| r.list_incidents())
    }

    /// An incident as a reader with `clearance` may see it ([`ReadUnit::load_case_seen_by`]).
    pub fn load_case_seen_by(
        &self,
        incident_id: &str,
        clearance: Tlp,
    ) -> Result<Option<StoredCase>> {
        self.read(|r| r.load_case_seen_by(incident_id, clearance))
    }

    /// Every incident with the counts a reader with `clearance` may see.
    pub fn list_incidents_seen_by(&self, clearance: Tlp) -> Result<Vec<IncidentSummary>> {
        self.read(|r| r.list_incidents_seen_by(clearance))
    }

    /// Every incident's id and revision, by id: one read of one table, so a
    /// reader holding results computed per incident can tell which are stale.
    pub fn incident_revisions(&self) -> Result<Vec<(String, i64)>> {
        self.read(|r| r.incident_revisions())
    }

    /// An incident's revision, or `None` if there is no such incident.
    pub fn incident_revision(&self, id: &str) -> Result<Option<i64>> {
        self.read(|r| r.incident_revision(id))
    }
}

/// The rank of a stored TLP name (`Tlp` order); a name it does not know
/// ranks as TLP:RED, so a filter on it errs closed. A macro so statements
/// stay literals.
macro_rules! tlp_rank {
    () => {
        "(CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 \
          WHEN 'amber+strict' THEN 3 ELSE 4 END)"
    };
}

/// The rank `tlp_rank!` gives a clearance.
pub(crate) fn rank(t: Tlp) -> i64 {
    match t {
        Tlp::Clear => 0,
        Tlp::Green => 1,
        Tlp::Amber => 2,
        Tlp::AmberStrict => 3,
        Tlp::Red => 4,
    }
}

impl ReadUnit<'_> {
    /// Whether an incident exists.
    pub fn has_incident(&self, id: &str) -> Result<bool> {
        self.exists("SELECT 1 FROM incidents WHERE id = $1", &[&id])
    }

    /// Loads an incident as a case, as stored, or `None` if there is no such
    /// incident. Rows are returned as they are: items stored graded before
    /// migration 0009 are evidence here (`ascribe_app::case::load` reads them
    /// back into observations).
    pub fn load_case(&self, incident_id: &str) -> Result<Option<StoredCase>> {
        self.load_case_seen_by(incident_id, Tlp::Red)
    }

    /// Loads an incident with only the evidence, observations and claims
    /// marked at or below `clearance`: the filter is in the statements, so a
    /// reader's page never receives a row above its clearance.
    pub fn load_case_seen_by(
        &self,
        incident_id: &str,
        clearance: Tlp,
    ) -> Result<Option<StoredCase>> {
        let max = rank(clearance);
        let row = self.query_opt(
            "SELECT id, title, summary, period_from, period_to, victims_json, policy_json
             FROM incidents WHERE id = $1",
            &[&incident_id],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<Option<String>>(2)?,
                    r.get::<Option<String>>(3)?,
                    r.get::<Option<String>>(4)?,
                    r.get::<String>(5)?,
                    r.get::<Option<String>>(6)?,
                ))
            },
        )?;
        let Some((id, title, summary, from, to, victims, policy_json)) = row else {
            return Ok(None);
        };
        let victims: Vec<String> =
            serde_json::from_str(&victims).map_err(|e| corrupt("victims", e))?;
        let period = match (from, to) {
            (Some(from), Some(to)) => Some(Period { from, to }),
            _ => None,
        };
        let incident = Incident {
            id,
            title,
            summary,
            period,
            victims,
        };

        let hypotheses = self.query(
            "SELECT id, actor, actor_name, sponsor, prior FROM hypotheses WHERE incident_id = $1 ORDER BY position, id",
            &[&incident_id],
            |r| {
                let id: String = r.get(0)?;
                let actor: Option<String> = r.get(1)?;
                let name: Option<String> = r.get(2)?;
                let sponsor: Option<String> = r.get(3)?;
                // A resolved actor is written as its name and its sponsor, an
                // unresolved one as neither: a sponsor without a name is no row
                // any writer made.
                let resolved = match (name, sponsor) {
                    (None, None) => None,
                    (Some(name), sponsor) => Some(ActorRef { name, sponsor }),
                    (None, Some(sponsor)) => {
                        return Err(corrupt(
                            "hypothesis",
                            format!(
                                "hypothesis {id:?} of incident {incident_id:?} has sponsor {sponsor:?} but no actor name"
                            ),
                        ));
                    }
                };
                Ok(Hypothesis {
                    id,
                    actor,
                    resolved,
                    prior: r.get(4)?,
                })
            },
        )?;

        let evidence = self.query(
            concat!(r#"SELECT id, kind, summary, source, reliability, credibility, tlp, bearing_json, origin
             FROM evidence WHERE incident_id = $1 AND "#, tlp_rank!(), r#" <= $2
             ORDER BY position, id"#),
            &[&incident_id, &max],
            |r| {
                let id: String = r.get(0)?;
                let kind: String = r.get(1)?;
                let rel: String = r.get(4)?;
                let cred: i64 = r.get(5)?;
                let tlp: String = r.get(6)?;
                let bearing: String = r.get(7)?;
                // The message is only made for a row that fails.
                let bad = |e: &dyn std::fmt::Display| corrupt(&format!("evidence {id:?}"), e);
                let grade = Admiralty::new(
                    rel.parse().map_err(|e| bad(&e))?,
                    Credibility::from_number(cred).map_err(|e| bad(&e))?,
                );
                Ok(Evidence {
                    kind: kind.parse().unwrap_or_else(|never| match never {}),
                    summary: r.get(2)?,
                    source: r.get(3)?,
                    grade,
                    tlp: tlp.parse().map_err(|e| bad(&e))?,
                    bearing: serde_json::from_str::<Bearing>(&bearing).map_err(|e| bad(&e))?,
                    origin: r.get(8)?,
                    id,
                })
            },
        )?;

        let observed = crate::observed::load_observed(self, incident_id, max)?;

        let claims = self
            .query(CLAIMS_OF_INCIDENT, &[&incident_id, &max], claim_row)?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        Ok(Some(StoredCase {
            case: Case {
                incident,
                hypotheses,
                evidence,
                claims,
                observed,
            },
            policy_json,
        }))
    }

    /// Claims matching a filter, with their incident ids.
    pub fn query_claims(&self, filter: &ClaimFilter) -> Result<Vec<(String, Claim)>> {
        self.claims_seen_by(filter, Tlp::Red)
    }

    /// Claims matching a filter marked at or below `clearance`, with their incident ids.
    pub fn claims_seen_by(
        &self,
        filter: &ClaimFilter,
        clearance: Tlp,
    ) -> Result<Vec<(String, Claim)>> {
        // PostgreSQL types a placeholder where it first meets it, hence the
        // casts of the `IS NULL` tests. `\` escapes in the pattern on both
        // engines (PostgreSQL's default, named for SQLite), so a backslash
        // typed in a filter is one backslash.
        let like = |s: &Option<String>| {
            s.as_ref()
                .map(|s| format!("%{}%", s.to_lowercase().replace('\\', "\\\\")))
        };
        self.query(
            concat!(r#"SELECT incident_id, id, kind, speaker, speaker_org, speaker_country, target, target_canonical,
                    target_state, operation, confidence_phrase, prob_low, prob_high, claim_date, quote, doc,
                    start_offset, end_offset, tlp
             FROM claims
             WHERE (CAST($1 AS TEXT) IS NULL OR incident_id = $1)
               AND (CAST($2 AS TEXT) IS NULL OR LOWER(COALESCE(speaker, '') || ' ' || COALESCE(speaker_org, '')) LIKE $2 ESCAPE '\')
               AND (CAST($3 AS TEXT) IS NULL OR LOWER(COALESCE(target, '') || ' ' || COALESCE(target_canonical, '') || ' '
                                         || COALESCE(target_state, '')) LIKE $3 ESCAPE '\')
               AND "#, tlp_rank!(), r#" <= $4
             ORDER BY incident_id, position, id"#),
            &[
                &filter.incident,
                &like(&filter.speaker),
                &like(&filter.target),
                &rank(clearance),
            ],
            claim_row,
        )
    }

    /// Every incident, by id.
    pub fn list_incidents(&self) -> Result<Vec<IncidentSummary>> {
        self.list_incidents_seen_by(Tlp::Red)
    }

    /// Every incident's id and revision, by id.
    pub fn incident_revisions(&self) -> Result<Vec<(String, i64)>> {
        self.query("SELECT id, revision FROM incidents ORDER BY id", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    /// An incident's revision, or `None` if there is no such incident.
    pub fn incident_revision(&self, id: &str) -> Result<Option<i64>> {
        self.query_opt(
            "SELECT revision FROM incidents WHERE id = $1",
            &[&id],
            |r| r.get(0),
        )
    }

    /// Every incident, by id, counting only the items marked at or below `clearance`.
    pub fn list_incidents_seen_by(&self, clearance: Tlp) -> Result<Vec<IncidentSummary>> {
        self.query(
            concat!(
                r#"SELECT i.id, i.title, i.updated_at, i.revision,
                    (SELECT COUNT(*) FROM hypotheses h WHERE h.incident_id = i.id),
                    (SELECT COUNT(*) FROM evidence e WHERE e.incident_id = i.id AND "#,
                tlp_rank!(),
                r#" <= $1)
                      + (SELECT COUNT(*) FROM observed o WHERE o.incident_id = i.id AND "#,
                tlp_rank!(),
                r#" <= $1),
                    (SELECT COUNT(*) FROM claims c WHERE c.incident_id = i.id AND "#,
                tlp_rank!(),
                r#" <= $1)
             FROM incidents i ORDER BY i.id"#
            ),
            &[&rank(clearance)],
            |r| {
                Ok(IncidentSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    updated_at: r.get(2)?,
                    revision: r.get(3)?,
                    hypotheses: unsigned(r.get(4)?, "hypothesis count")?,
                    evidence: unsigned(r.get(5)?, "evidence count")?,
                    claims: unsigned(r.get(6)?, "claim count")?,
                })
            },
        )
    }
}

/// Which claims to list; `None` fields match anything, text matches are substrings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub incident: Option<String>,
    pub speaker: Option<String>,
    pub target: Option<String>,
}

pub(crate) fn claim_row(r: &Row<'_>) -> Result<(String, Claim)> {
    let id: String = r.get(1)?;
    let what = format!("claim {id:?}");
    let low: Option<f64> = r.get(11)?;
    let high: Option<f64> = r.get(12)?;
    let offset = |i: usize| -> Result<Option<usize>> {
        r.get::<Option<i64>>(i)?
            .map(|v| unsigned(v, &what))
            .transpose()
    };
    let kind: Option<String> = r.get(2)?;
    let tlp: String = r.get(18)?;
    let claim = Claim {
        kind: kind
            .map(|k| k.parse())
            .transpose()
            .map_err(|e| corrupt(&what, e))?,
        speaker: r.get(3)?,
        speaker_org: r.get(4)?,
        speaker_country: r.get(5)?,
        target: r.get(6)?,
        target_canonical: r.get(7)?,
        target_state: r.get(8)?,
        operation: r.get(9)?,
        confidence_phrase: r.get(10)?,
        probability: low.zip(high).map(|(l, h)| Band::new(l, h)),
        date: r.get(13)?,
        quote: r.get(14)?,
        doc: r.get(15)?,
        start: offset(16)?,
        end: offset(17)?,
        tlp: tlp.parse::<Tlp>().map_err(|e| corrupt(&what, e))?,
        id,
    };
    Ok((r.get(0)?, claim))
}

/// An incident's claims at or below a rank, in order. Its own statement,
/// not `claims_seen_by`'s: an `incident_id` test inside an `OR` keeps SQLite
/// off the key, and loading each incident read every claim in the database.
const CLAIMS_OF_INCIDENT: &str = concat!(
    r#"SELECT incident_id, id, kind, speaker, speaker_org, speaker_country, target, target_canonical,
            target_state, operation, confidence_phrase, prob_low, prob_high, claim_date, quote, doc,
            start_offset, end_offset, tlp
     FROM claims WHERE incident_id = $1 AND "#,
    tlp_rank!(),
    r#" <= $2
     ORDER BY position, id"#
);

/// Checks that the incident exists and marks it changed, first: on a
/// backend with row locks this takes the incident's row, so writers to one
/// incident's items go one after the other (and `next_position` is theirs).
pub(crate) fn require_incident(u: &UnitOfWork<'_>, id: &str) -> Result<()> {
    let n = u.execute(
        "UPDATE incidents SET updated_at = $2, revision = revision + 1 WHERE id = $1",
        &[&id, &u.now()],
    )?;
    if n == 0 {
        return Err(StoreError::NoIncident(id.to_owned()));
    }
    Ok(())
}

/// Writes a case file's incident (and its policy table), creating or
/// replacing the row: on a backend with row locks the row is then held, so
/// writers to one incident go one after the other, as with [`require_incident`].
fn upsert_incident(u: &UnitOfWork<'_>, i: &Incident, policy_json: Option<&str>) -> Result<()> {
    write_incident(
        u,
        i,
        policy_json,
        "ON CONFLICT (id) DO UPDATE SET title = excluded.title, summary = excluded.summary,
             period_from = excluded.period_from, period_to = excluded.period_to,
             victims_json = excluded.victims_json, policy_json = excluded.policy_json,
             updated_at = excluded.updated_at, revision = incidents.revision + 1",
    )?;
    Ok(())
}

/// Writes an incident's row (and its policy table); `on_conflict` says what
/// becomes of a row of that id already there. The number of rows written.
fn write_incident(
    u: &UnitOfWork<'_>,
    i: &Incident,
    policy_json: Option<&str>,
    on_conflict: &str,
) -> Result<usize> {
    let victims = serde_json::to_string(&i.victims).map_err(|e| corrupt("victims", e))?;
    u.execute(
        &format!(
            "INSERT INTO incidents (id, title, summary, period_from, period_to, victims_json, policy_json, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) {on_conflict}"
        ),
        &[
            &i.id,
            &i.title,
            &i.summary,
            &i.period.as_ref().map(|p| p.from.as_str()),
            &i.period.as_ref().map(|p| p.to.as_str()),
            &victims,
            &policy_json,
            &u.now(),
        ],
    )
}

/// Writes hypotheses at positions from `first` on; how many were written.
/// With `keep_existing`, one whose id the incident has is left out (and
/// still takes its position); without, it is an error.
fn insert_hypotheses(
    u: &UnitOfWork<'_>,
    incident_id: &str,
    hyps: &[Hypothesis],
    first: i64,
    keep_existing: bool,
) -> Result<usize> {
    let on_conflict = if keep_existing {
        " ON CONFLICT (incident_id, id) DO NOTHING"
    } else {
        ""
    };
    let mut insert = u.prepare(&format!(
        "INSERT INTO hypotheses (incident_id, id, actor, actor_name, sponsor, prior, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7){on_conflict}"
    ))?;
    let mut added = 0;
    for (pos, h) in (first..).zip(hyps) {
        added += insert.execute(&[
            &incident_id,
            &h.id,
            &h.actor,
            &h.resolved.as_ref().map(|r| r.name.as_str()),
            &h.resolved.as_ref().and_then(|r| r.sponsor.as_deref()),
            &h.prior,
            &pos,
        ])?;
    }
    Ok(added)
}

/// Removes the items of these ids from an incident, graded or observed: an
/// id names one item, so an item replacing it may be of the other sort.
pub(crate) fn forget_items<'a>(
    u: &UnitOfWork<'_>,
    incident_id: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let mut graded = u.prepare("DELETE FROM evidence WHERE incident_id = $1 AND id = $2")?;
    let mut observed = u.prepare("DELETE FROM observed WHERE incident_id = $1 AND id = $2")?;
    for id in ids {
        graded.execute(&[&incident_id, &id])?;
        observed.execute(&[&incident_id, &id])?;
    }
    Ok(())
}

/// The position after the incident's last item in `table` (one of ours).
/// Writers to one incident are serialised by [`require_incident`].
pub(crate) fn next_position(u: &UnitOfWork<'_>, table: &str, incident_id: &str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(position), -1) + 1 FROM {table} WHERE incident_id = $1");
    u.query_value(&sql, &[&incident_id])
}

/// One prepared statement for all the rows: an incident may bring 100,000
/// items, and preparing the statement anew for each costs more than the insert.
fn insert_evidence(u: &UnitOfWork<'_>, incident_id: &str, items: &[Evidence]) -> Result<()> {
    let first = next_position(u, "evidence", incident_id)?;
    let mut insert = u.prepare(
        "INSERT INTO evidence (incident_id, id, kind, summary, source, reliability, credibility, tlp,
                               bearing_json, origin, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )?;
    for (pos, e) in (first..).zip(items) {
        let bearing = serde_json::to_string(&e.bearing).map_err(|err| corrupt("bearing", err))?;
        insert.execute(&[
            &incident_id,
            &e.id,
            &e.kind.as_str(),
            &e.summary,
            &e.source,
            &e.grade.reliability.as_str(),
            &i64::from(e.grade.credibility.number()),
            &e.tlp.as_str(),
            &bearing,
            &e.origin,
            &pos,
        ])?;
    }
    Ok(())
}

fn insert_claims(
    u: &UnitOfWork<'_>,
    incident_id: &str,
    claims: &[Claim],
    provenance: Provenance,
) -> Result<()> {
    let first = next_position(u, "claims", incident_id)?;
    let mut insert = u.prepare(
        "INSERT INTO claims (incident_id, id, kind, speaker, speaker_org, speaker_country, target,
                             target_canonical, target_state, operation, confidence_phrase, prob_low,
                             prob_high, claim_date, quote, doc, start_offset, end_offset, tlp, provenance,
                             position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
    )?;
    for (pos, c) in (first..).zip(claims) {
        let offset = |v: Option<usize>| v.map(|v| big(v, "claim offset")).transpose();
        insert.execute(&[
            &incident_id,
            &c.id,
            &c.kind.map(|k| k.as_str()),
            &c.speaker,
            &c.speaker_org,
            &c.speaker_country,
            &c.target,
            &c.target_canonical,
            &c.target_state,
            &c.operation,
            &c.confidence_phrase,
            &c.probability.map(|b| b.low),
            &c.probability.map(|b| b.high),
            &c.date,
            &c.quote,
            &c.doc,
            &offset(c.start)?,
            &offset(c.end)?,
            &c.tlp.as_str(),
            &provenance.as_str(),
            &pos,
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod plans {
    use super::*;

    /// Loading one incident's claims searches by its key, never scans every
    /// claim of the database (what made the list's first view quadratic).
    #[test]
    fn an_incidents_claims_are_read_by_its_key() -> Result<()> {
        let s = Store::open_in_memory(crate::test_clock())?;
        let plan = s.read(|r| r.plan(CLAIMS_OF_INCIDENT, &[&"i", &4_i64]))?;
        assert!(plan.contains("SEARCH claims"), "{plan}");
        assert!(!plan.contains("SCAN claims"), "{plan}");
        Ok(())
    }
}
