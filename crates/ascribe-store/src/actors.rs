//! Reads about one actor across incidents: the hypotheses that name an
//! actor, and the claims that name one by any of its names.

use ascribe_model::{Claim, Tlp};

use crate::case::{claim_row, rank};
use crate::sql::ToParam;
use crate::{ReadUnit, Result, Store};

/// A hypothesis that names an actor, with its incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedHypothesis {
    pub incident_id: String,
    pub incident_title: String,
    pub hypothesis_id: String,
    /// The actor as the case wrote it.
    pub actor: Option<String>,
    /// The actor as resolved when the case was stored.
    pub actor_name: Option<String>,
}

impl Store {
    /// Every hypothesis that names an actor ([`ReadUnit::named_hypotheses`]).
    pub fn named_hypotheses(&self) -> Result<Vec<NamedHypothesis>> {
        self.read(|r| r.named_hypotheses())
    }

    /// Claims naming any of `names` ([`ReadUnit::claims_naming_seen_by`]).
    pub fn claims_naming_seen_by(
        &self,
        names: &[String],
        clearance: Tlp,
    ) -> Result<Vec<(String, Claim)>> {
        self.read(|r| r.claims_naming_seen_by(names, clearance))
    }
}

impl ReadUnit<'_> {
    /// Every hypothesis that names an actor, with its incident's title, by
    /// incident and position. Hypotheses carry no marking: an incident and
    /// its hypotheses are shown to every reader, as the incidents list does.
    pub fn named_hypotheses(&self) -> Result<Vec<NamedHypothesis>> {
        self.query(
            "SELECT h.incident_id, i.title, h.id, h.actor, h.actor_name
             FROM hypotheses h JOIN incidents i ON i.id = h.incident_id
             WHERE h.actor IS NOT NULL OR h.actor_name IS NOT NULL
             ORDER BY h.incident_id, h.position, h.id",
            &[],
            |r| {
                Ok(NamedHypothesis {
                    incident_id: r.get(0)?,
                    incident_title: r.get(1)?,
                    hypothesis_id: r.get(2)?,
                    actor: r.get(3)?,
                    actor_name: r.get(4)?,
                })
            },
        )
    }

    /// Claims marked at or below `clearance` whose target, as written or
    /// canonical, is one of `names` (compared in lower case), with their
    /// incident ids, by incident and position. No names, no claims.
    pub fn claims_naming_seen_by(
        &self,
        names: &[String],
        clearance: Tlp,
    ) -> Result<Vec<(String, Claim)>> {
        let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        if lower.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..lower.len()).map(|i| format!("${}", i + 2)).collect();
        let list = list.join(", ");
        let sql = format!(
            concat!(
                "SELECT incident_id, id, kind, speaker, speaker_org, speaker_country, target, target_canonical,
                    target_state, operation, confidence_phrase, prob_low, prob_high, claim_date, quote, doc,
                    start_offset, end_offset, tlp
             FROM claims
             WHERE ",
                tlp_rank!(),
                " <= $1 AND (LOWER(target) IN ({list}) OR LOWER(target_canonical) IN ({list}))
             ORDER BY incident_id, position, id"
            ),
            list = list
        );
        let max = rank(clearance);
        let mut params: Vec<&dyn ToParam> = vec![&max];
        params.extend(lower.iter().map(|n| n as &dyn ToParam));
        self.query(&sql, &params, claim_row)
    }
}
