//! What a reader may see: an incident loaded at the reader's clearance, its
//! assessment, and the same recomputed under a what-if, for the web UI.
//!
//! Clearance is applied by the store's statements
//! ([`ascribe_store::Store::load_case_seen_by`]), so nothing above it is ever
//! loaded; the public view is the same read at TLP:CLEAR.

use std::collections::{BTreeMap, BTreeSet};

use ascribe_assess::{Assessment, Policy};
use ascribe_model::{Admiralty, Case, Tlp};
use ascribe_store::{IncidentSummary, Store};

use crate::{AppError, Result};

/// An incident's case with only what `clearance` may see, and its own `[policy]` table.
pub fn case_seen_by(
    store: &Store,
    id: &str,
    clearance: Tlp,
) -> Result<(Case, Option<toml::Table>)> {
    let Some(stored) = crate::case::load_seen_by(store, id, clearance)? else {
        return Err(AppError::NoIncident {
            id: id.to_owned(),
            place: store.location().to_string(),
            known: Vec::new(),
        });
    };
    let policy = crate::assess::stored_policy(stored.policy_json.as_deref())?;
    Ok((stored.case, policy))
}

/// A document as `clearance` may see it (its text, metadata and the claims
/// read from it at or below `clearance`), or `None` when there is none or it
/// is marked above `clearance`: the store's statements filter, so nothing
/// above it is read.
pub fn document_seen_by(
    store: &Store,
    name: &str,
    clearance: Tlp,
) -> Result<Option<ascribe_store::DocumentSeen>> {
    Ok(store.document_seen_by(name, clearance)?)
}

/// Every incident with the counts `clearance` may see.
pub fn incidents_seen_by(store: &Store, clearance: Tlp) -> Result<Vec<IncidentSummary>> {
    Ok(store.list_incidents_seen_by(clearance)?)
}

/// Every incident's id and revision (raised by every write to it), by id:
/// what a reader keeping per-incident results checks them against.
pub fn incident_revisions(store: &Store) -> Result<Vec<(String, i64)>> {
    Ok(store.incident_revisions()?)
}

/// An incident's revision, or `None` if there is no such incident.
pub fn incident_revision(store: &Store, id: &str) -> Result<Option<i64>> {
    Ok(store.incident_revision(id)?)
}

/// A what-if: items left out and grades changed, applied to a loaded case
/// before it is assessed; stored data never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WhatIf {
    /// Evidence ids to leave out (`claim:<id>` for a claim).
    pub exclude: BTreeSet<String>,
    /// New grades of analyst-graded evidence, by id.
    pub grades: BTreeMap<String, Admiralty>,
}

impl WhatIf {
    pub fn is_empty(&self) -> bool {
        self.exclude.is_empty() && self.grades.is_empty()
    }
}

/// What a what-if named that the case does not hold (as the reader sees it)
/// or cannot change; the answer names it rather than ignoring it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIfProblem {
    pub id: String,
    pub reason: &'static str,
}

/// Applies `w` to `case` (pure). Ids the case does not hold are returned as
/// problems and change nothing.
pub fn apply_what_if(case: &mut Case, w: &WhatIf) -> Vec<WhatIfProblem> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for e in &case.evidence {
        seen.insert(e.id.clone());
    }
    for o in &case.observed {
        seen.insert(o.id.clone());
    }
    for c in &case.claims {
        seen.insert(format!("claim:{}", c.id));
    }
    for id in &w.exclude {
        if !seen.contains(id) {
            problems.push(WhatIfProblem {
                id: id.clone(),
                reason: "no such item in this incident",
            });
        }
    }
    for id in w.grades.keys() {
        if !case.evidence.iter().any(|e| &e.id == id) {
            problems.push(WhatIfProblem {
                id: id.clone(),
                reason: if seen.contains(id) {
                    "only an analyst-graded item's grade can be changed"
                } else {
                    "no such item in this incident"
                },
            });
        }
    }
    case.evidence.retain(|e| !w.exclude.contains(&e.id));
    case.observed.retain(|o| !w.exclude.contains(&o.id));
    case.claims
        .retain(|c| !w.exclude.contains(&format!("claim:{}", c.id)));
    for e in &mut case.evidence {
        if let Some(g) = w.grades.get(&e.id) {
            e.grade = *g;
        }
    }
    problems
}

/// The highest marking among a case's items (TLP:CLEAR for an empty case):
/// what a page showing its assessment must be marked.
pub fn highest_marking(case: &Case) -> Tlp {
    case.evidence
        .iter()
        .map(|e| e.tlp)
        .chain(case.observed.iter().map(|o| o.tlp))
        .chain(case.claims.iter().map(|c| c.tlp))
        .max()
        .unwrap_or(Tlp::Clear)
}

/// An incident as `clearance` may see it, with `what_if` applied, and its
/// assessment under the policy layers (defaults < `config` < the case's own).
pub fn assess_seen_by(
    store: &Store,
    id: &str,
    clearance: Tlp,
    config: Option<&toml::Table>,
    what_if: &WhatIf,
) -> Result<Seen> {
    let (mut case, case_policy) = case_seen_by(store, id, clearance)?;
    // Marked before the what-if: a page naming the items it left out shows them too.
    let marking = highest_marking(&case);
    let problems = apply_what_if(&mut case, what_if);
    let policy: Policy = crate::assess::policy(config, case_policy.as_ref())?;
    let assessment = crate::assess::assess(case.clone(), &policy)?;
    Ok(Seen {
        marking,
        case,
        assessment,
        problems,
    })
}

/// An incident as one reader sees it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub case: Case,
    pub assessment: Assessment,
    /// The highest marking of the items as loaded, before the what-if (a
    /// what-if page names the items it left out).
    pub marking: Tlp,
    pub problems: Vec<WhatIfProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_model::{Bearing, Evidence, EvidenceKind, Incident};

    fn item(id: &str, tlp: Tlp) -> Evidence {
        Evidence {
            id: id.to_owned(),
            kind: EvidenceKind::Other("x".to_owned()),
            summary: String::new(),
            source: "s".to_owned(),
            grade: "B2".parse().expect("a grade"),
            tlp,
            bearing: Bearing::default(),
            origin: None,
        }
    }

    #[test]
    fn a_what_if_leaves_out_regrades_and_names_what_it_cannot_find() {
        let mut case = Case {
            incident: Incident::titled("i", "t"),
            hypotheses: vec![],
            evidence: vec![item("E1", Tlp::Amber), item("E2", Tlp::Clear)],
            claims: vec![],
            observed: vec![],
        };
        assert_eq!(highest_marking(&case), Tlp::Amber);
        let w = WhatIf {
            exclude: ["E1".to_owned(), "E9".to_owned()].into(),
            grades: [("E2".to_owned(), "F6".parse().expect("a grade"))].into(),
        };
        let problems = apply_what_if(&mut case, &w);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].id, "E9");
        assert_eq!(case.evidence.len(), 1);
        assert_eq!(case.evidence[0].grade.to_string(), "F6");
        assert_eq!(highest_marking(&case), Tlp::Clear);
    }
}
