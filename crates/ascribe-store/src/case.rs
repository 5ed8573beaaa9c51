//! Incidents, hypotheses, evidence and claims.

use ascribe_model::{
    ActorRef, Admiralty, Band, Bearing, Case, Claim, Credibility, Evidence, Hypothesis, Incident,
    Period, Tlp,
};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::{Provenance, Result, Store, StoreError, UnitOfWork};

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
}

fn corrupt(what: &str, detail: impl ToString) -> StoreError {
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
    pub fn save_cases(&mut self, cases: &[(&Case, Option<&str>)]) -> Result<()> {
        self.write(|tx| {
            for (case, policy_json) in cases {
                save_case_tx(tx, case, *policy_json)?;
            }
            Ok(())
        })
    }
}

fn save_case_tx(tx: &Transaction<'_>, case: &Case, policy_json: Option<&str>) -> Result<()> {
    upsert_incident(tx, &case.incident, policy_json, true)?;
    let id = case.incident.id.as_str();
    tx.execute("DELETE FROM hypotheses WHERE incident_id = ?1", [id])?;
    let mut insert = tx.prepare(
        "INSERT INTO hypotheses (incident_id, id, actor, actor_name, sponsor, prior, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (pos, h) in case.hypotheses.iter().enumerate() {
        insert.execute(params![
            id,
            h.id,
            h.actor,
            h.resolved.as_ref().map(|r| r.name.as_str()),
            h.resolved.as_ref().and_then(|r| r.sponsor.as_deref()),
            h.prior,
            pos as i64
        ])?;
    }
    drop(insert);
    tx.execute(
        "DELETE FROM evidence WHERE incident_id = ?1 AND origin IS NULL",
        [id],
    )?;
    insert_evidence(tx, id, &case.evidence)?;
    tx.execute(
        "DELETE FROM claims WHERE incident_id = ?1 AND provenance = 'case'",
        [id],
    )?;
    insert_claims(tx, id, &case.claims, Provenance::Case)?;
    Ok(())
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
        let tx = self.tx;
        let exists = tx
            .query_row(
                "SELECT 1 FROM incidents WHERE id = ?1",
                [&incident.id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            upsert_incident(tx, incident, None, false)?;
            tx.execute(
                "INSERT INTO hypotheses (incident_id, id, position) VALUES (?1, ?2, 0)",
                params![incident.id, ascribe_model::OTHER_HYPOTHESIS],
            )?;
        }
        Ok(!exists)
    }

    /// Adds hypotheses an incident lacks (by id), keeping existing ones as they are.
    pub fn add_hypotheses(&self, incident_id: &str, hyps: &[Hypothesis]) -> Result<usize> {
        let tx = self.tx;
        require_incident(tx, incident_id)?;
        let first = next_position(tx, "hypotheses", incident_id)?;
        let mut added = 0;
        for (pos, h) in (first..).zip(hyps) {
            let n = tx.execute(
                "INSERT INTO hypotheses (incident_id, id, actor, actor_name, sponsor, prior, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (incident_id, id) DO NOTHING",
                params![
                    incident_id,
                    h.id,
                    h.actor,
                    h.resolved.as_ref().map(|r| r.name.as_str()),
                    h.resolved.as_ref().and_then(|r| r.sponsor.as_deref()),
                    h.prior,
                    pos
                ],
            )?;
            added += n;
        }
        Ok(added)
    }

    /// Adds or replaces evidence items (by id) in an existing incident.
    pub fn upsert_evidence(&self, incident_id: &str, items: &[Evidence]) -> Result<()> {
        let tx = self.tx;
        require_incident(tx, incident_id)?;
        let mut delete = tx.prepare("DELETE FROM evidence WHERE incident_id = ?1 AND id = ?2")?;
        for e in items {
            delete.execute(params![incident_id, e.id])?;
        }
        drop(delete);
        insert_evidence(tx, incident_id, items)?;
        touch(tx, incident_id)
    }

    /// Adds or replaces claims (by id) in an existing incident.
    pub fn upsert_claims(
        &self,
        incident_id: &str,
        claims: &[Claim],
        provenance: Provenance,
    ) -> Result<()> {
        let tx = self.tx;
        require_incident(tx, incident_id)?;
        let mut delete = tx.prepare("DELETE FROM claims WHERE incident_id = ?1 AND id = ?2")?;
        for c in claims {
            delete.execute(params![incident_id, c.id])?;
        }
        drop(delete);
        insert_claims(tx, incident_id, claims, provenance)?;
        touch(tx, incident_id)
    }
}

impl Store {
    /// Loads an incident as a case, or `None` if there is no such incident.
    pub fn load_case(&self, incident_id: &str) -> Result<Option<StoredCase>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT id, title, summary, period_from, period_to, victims_json, policy_json
                 FROM incidents WHERE id = ?1",
                [incident_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )
            .optional()?;
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

        let mut stmt = conn.prepare(
            "SELECT id, actor, actor_name, sponsor, prior FROM hypotheses WHERE incident_id = ?1 ORDER BY position, id",
        )?;
        let hypotheses = stmt
            .query_map([incident_id], |r| {
                let actor: Option<String> = r.get(1)?;
                let name: Option<String> = r.get(2)?;
                let sponsor: Option<String> = r.get(3)?;
                let resolved = match (name, sponsor) {
                    (None, None) => None,
                    (name, sponsor) => Some(ActorRef {
                        name: name.or_else(|| actor.clone()).unwrap_or_default(),
                        sponsor,
                    }),
                };
                Ok(Hypothesis {
                    id: r.get(0)?,
                    actor,
                    resolved,
                    prior: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let mut stmt = conn.prepare(
            "SELECT id, kind, summary, source, reliability, credibility, tlp, bearing_json, origin
             FROM evidence WHERE incident_id = ?1 ORDER BY position, id",
        )?;
        let rows = stmt.query_map([incident_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut evidence = Vec::new();
        for row in rows {
            let (id, kind, summary, source, rel, cred, tlp, bearing, origin) = row?;
            // The message is only made for a row that fails.
            let bad = |e: &dyn std::fmt::Display| corrupt(&format!("evidence {id:?}"), e);
            let grade = Admiralty::new(
                rel.parse().map_err(|e| bad(&e))?,
                Credibility::from_number(cred).map_err(|e| bad(&e))?,
            );
            evidence.push(Evidence {
                kind: kind.parse().unwrap_or_else(|never| match never {}),
                summary,
                source,
                grade,
                tlp: tlp.parse().map_err(|e| bad(&e))?,
                bearing: serde_json::from_str::<Bearing>(&bearing).map_err(|e| bad(&e))?,
                origin,
                id,
            });
        }

        let claims = self.query_claims(&ClaimFilter {
            incident: Some(incident_id.to_owned()),
            ..ClaimFilter::default()
        })?;
        let claims = claims.into_iter().map(|(_, c)| c).collect();
        Ok(Some(StoredCase {
            case: Case {
                incident,
                hypotheses,
                evidence,
                claims,
            },
            policy_json,
        }))
    }

    /// Claims matching a filter, with their incident ids.
    pub fn query_claims(&self, filter: &ClaimFilter) -> Result<Vec<(String, Claim)>> {
        let mut stmt = self.conn().prepare(
            "SELECT incident_id, id, kind, speaker, speaker_org, speaker_country, target, target_canonical,
                    target_state, operation, confidence_phrase, prob_low, prob_high, claim_date, quote, doc,
                    start_offset, end_offset, tlp
             FROM claims
             WHERE (?1 IS NULL OR incident_id = ?1)
               AND (?2 IS NULL OR LOWER(COALESCE(speaker, '') || ' ' || COALESCE(speaker_org, '')) LIKE ?2)
               AND (?3 IS NULL OR LOWER(COALESCE(target, '') || ' ' || COALESCE(target_canonical, '') || ' '
                                         || COALESCE(target_state, '')) LIKE ?3)
             ORDER BY incident_id, position, id",
        )?;
        let like = |s: &Option<String>| s.as_ref().map(|s| format!("%{}%", s.to_lowercase()));
        let rows = stmt.query_map(
            params![filter.incident, like(&filter.speaker), like(&filter.target)],
            claim_row,
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (incident, claim, kind, tlp) = row?;
            let what = format!("claim {:?}", claim.id);
            let kind = kind
                .map(|k| k.parse())
                .transpose()
                .map_err(|e| corrupt(&what, e))?;
            let tlp: Tlp = tlp.parse().map_err(|e| corrupt(&what, e))?;
            out.push((incident, Claim { kind, tlp, ..claim }));
        }
        Ok(out)
    }

    /// Every incident, by id.
    pub fn list_incidents(&self) -> Result<Vec<IncidentSummary>> {
        let mut stmt = self.conn().prepare(
            "SELECT i.id, i.title, i.updated_at,
                    (SELECT COUNT(*) FROM hypotheses h WHERE h.incident_id = i.id),
                    (SELECT COUNT(*) FROM evidence e WHERE e.incident_id = i.id),
                    (SELECT COUNT(*) FROM claims c WHERE c.incident_id = i.id)
             FROM incidents i ORDER BY i.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(IncidentSummary {
                id: r.get(0)?,
                title: r.get(1)?,
                updated_at: r.get(2)?,
                hypotheses: r.get::<_, i64>(3)? as usize,
                evidence: r.get::<_, i64>(4)? as usize,
                claims: r.get::<_, i64>(5)? as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Which claims to list; `None` fields match anything, text matches are substrings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub incident: Option<String>,
    pub speaker: Option<String>,
    pub target: Option<String>,
}

type ClaimRow = (String, Claim, Option<String>, String);

fn claim_row(r: &Row<'_>) -> rusqlite::Result<ClaimRow> {
    let low: Option<f64> = r.get(11)?;
    let high: Option<f64> = r.get(12)?;
    let claim = Claim {
        id: r.get(1)?,
        kind: None,
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
        start: r.get::<_, Option<i64>>(16)?.map(|v| v.max(0) as usize),
        end: r.get::<_, Option<i64>>(17)?.map(|v| v.max(0) as usize),
        tlp: Tlp::Red,
    };
    Ok((r.get(0)?, claim, r.get(2)?, r.get(18)?))
}

fn require_incident(tx: &Transaction<'_>, id: &str) -> Result<()> {
    let found = tx
        .query_row("SELECT 1 FROM incidents WHERE id = ?1", [id], |_| Ok(()))
        .optional()?;
    if found.is_none() {
        return Err(StoreError::NoIncident(id.to_owned()));
    }
    Ok(())
}

fn touch(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.execute(
        "UPDATE incidents SET updated_at = datetime('now') WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

fn upsert_incident(
    tx: &Transaction<'_>,
    i: &Incident,
    policy_json: Option<&str>,
    replace_policy: bool,
) -> Result<()> {
    let victims = serde_json::to_string(&i.victims).map_err(|e| corrupt("victims", e))?;
    tx.execute(
        "INSERT INTO incidents (id, title, summary, period_from, period_to, victims_json, policy_json, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, datetime('now'))
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, summary = excluded.summary,
             period_from = excluded.period_from, period_to = excluded.period_to,
             victims_json = excluded.victims_json,
             policy_json = CASE WHEN ?8 THEN excluded.policy_json ELSE incidents.policy_json END,
             updated_at = excluded.updated_at",
        params![
            i.id,
            i.title,
            i.summary,
            i.period.as_ref().map(|p| p.from.as_str()),
            i.period.as_ref().map(|p| p.to.as_str()),
            victims,
            policy_json,
            replace_policy
        ],
    )?;
    Ok(())
}

fn next_position(tx: &Transaction<'_>, table: &str, incident_id: &str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(position), -1) + 1 FROM {table} WHERE incident_id = ?1");
    Ok(tx.query_row(&sql, [incident_id], |r| r.get(0))?)
}

/// One prepared statement for all the rows: an incident may bring 100,000
/// items, and preparing the statement anew for each costs more than the insert.
fn insert_evidence(tx: &Transaction<'_>, incident_id: &str, items: &[Evidence]) -> Result<()> {
    let first = next_position(tx, "evidence", incident_id)?;
    let mut insert = tx.prepare(
        "INSERT INTO evidence (incident_id, id, kind, summary, source, reliability, credibility, tlp,
                               bearing_json, origin, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (pos, e) in (first..).zip(items) {
        let bearing = serde_json::to_string(&e.bearing).map_err(|err| corrupt("bearing", err))?;
        insert.execute(params![
            incident_id,
            e.id,
            e.kind.as_str(),
            e.summary,
            e.source,
            e.grade.reliability.as_str(),
            i64::from(e.grade.credibility.number()),
            e.tlp.as_str(),
            bearing,
            e.origin,
            pos
        ])?;
    }
    Ok(())
}

fn insert_claims(
    tx: &Transaction<'_>,
    incident_id: &str,
    claims: &[Claim],
    provenance: Provenance,
) -> Result<()> {
    let first = next_position(tx, "claims", incident_id)?;
    let mut insert = tx.prepare(
        "INSERT INTO claims (incident_id, id, kind, speaker, speaker_org, speaker_country, target,
                             target_canonical, target_state, operation, confidence_phrase, prob_low,
                             prob_high, claim_date, quote, doc, start_offset, end_offset, tlp, provenance,
                             position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?;
    for (pos, c) in (first..).zip(claims) {
        insert.execute(params![
            incident_id,
            c.id,
            c.kind.map(|k| k.as_str()),
            c.speaker,
            c.speaker_org,
            c.speaker_country,
            c.target,
            c.target_canonical,
            c.target_state,
            c.operation,
            c.confidence_phrase,
            c.probability.map(|b| b.low),
            c.probability.map(|b| b.high),
            c.date,
            c.quote,
            c.doc,
            c.start.map(|v| v as i64),
            c.end.map(|v| v as i64),
            c.tlp.as_str(),
            provenance.as_str(),
            pos
        ])?;
    }
    Ok(())
}
