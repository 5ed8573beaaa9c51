//! Case files: checked, resolved against the knowledge base, imported.

use ascribe_case::ParsedCase;
use ascribe_model::Tlp;
use ascribe_store::{Store, StoredCase};

use crate::error::Doing;
use crate::{AppError, Result};

/// Checks a case file's text (`file` names it in errors) and resolves its
/// hypotheses' actors; notes say what was done on the analyst's behalf.
pub fn check(file: &str, text: &str) -> Result<ParsedCase> {
    let mut parsed = ascribe_case::parse_case(file, text)?;
    let notes = resolve_hypotheses(&mut parsed.case);
    parsed.notes.extend(notes);
    Ok(parsed)
}

/// Stores checked cases in one transaction: every case is stored, or none
/// (re-importing an incident replaces what its case file owns).
pub fn import(store: &Store, cases: &[ParsedCase]) -> Result<()> {
    let policies = cases
        .iter()
        .map(|p| {
            p.policy
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| {
                    AppError::Input(format!(
                        "the [policy] table of {} cannot be stored: {e}",
                        p.case.incident.id
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let rows: Vec<_> = cases
        .iter()
        .zip(&policies)
        .map(|(p, policy)| (&p.case, policy.as_deref()))
        .collect();
    let place = store.location().to_string();
    store
        .save_cases(&rows)
        .doing(|| format!("storing the cases in {place}"))
}

/// An incident's case as every use case reads it, or `None` if there is no
/// such incident: the stored rows, with the items an older version stored
/// graded read back into observations ([`crate::legacy`]), so they are
/// graded under the policy in force like those stored since.
pub fn load(store: &Store, id: &str) -> Result<Option<StoredCase>> {
    load_seen_by(store, id, Tlp::Red)
}

/// [`load`] with only what `clearance` may see: the store filters the rows
/// (items read back keep the marking they were stored with).
pub fn load_seen_by(store: &Store, id: &str, clearance: Tlp) -> Result<Option<StoredCase>> {
    let Some(mut stored) = store.load_case_seen_by(id, clearance)? else {
        return Ok(None);
    };
    crate::legacy::upgrade(&mut stored.case);
    Ok(Some(stored))
}

/// Resolves each hypothesis's actor against the knowledge base, filling the
/// canonical name and suspected sponsor where the analyst gave none.
/// Returns notes for actors the knowledge base does not know.
pub fn resolve_hypotheses(case: &mut ascribe_model::Case) -> Vec<String> {
    let kb = ascribe_kb::KnowledgeBase::builtin();
    let mut notes = Vec::new();
    for h in &mut case.hypotheses {
        let Some(actor) = h.actor.as_deref() else {
            continue;
        };
        let Some(found) = kb.resolve_actor(actor) else {
            if h.resolved.is_none() {
                notes.push(format!(
                    "hypothesis {:?}: actor {actor:?} is not in the knowledge base; give `sponsor` in the case file if it has one",
                    h.id
                ));
            }
            continue;
        };
        let sponsor = found.sponsors.first().cloned();
        match &mut h.resolved {
            Some(r) => {
                r.name.clone_from(&found.name);
                if r.sponsor.is_none() {
                    r.sponsor = sponsor;
                }
            }
            None => {
                h.resolved = Some(ascribe_model::ActorRef {
                    name: found.name.clone(),
                    sponsor,
                })
            }
        }
    }
    notes
}
