//! Assessing an incident: its stored case, the policy in force, the assessment.

use ascribe_assess::{Assessment, Policy};
use ascribe_model::Case;
use ascribe_store::Store;

use crate::{AppError, Result};

/// An incident's case as stored, with its own `[policy]` table.
pub fn stored_case(store: &Store, id: &str) -> Result<(Case, Option<toml::Table>)> {
    let Some(stored) = crate::case::load(store, id)? else {
        return Err(no_incident(store, id)?);
    };
    let policy = stored_policy(stored.policy_json.as_deref())?;
    Ok((stored.case, policy))
}

/// An incident's own `[policy]` table, as the store keeps it (JSON).
pub(crate) fn stored_policy(policy_json: Option<&str>) -> Result<Option<toml::Table>> {
    policy_json
        .map(serde_json::from_str::<toml::Table>)
        .transpose()
        .map_err(|e| AppError::Stored {
            what: "reading the incident's stored policy".to_owned(),
            source: Box::new(e),
        })
}

/// The "no incident" error, listing the incidents there are.
pub(crate) fn no_incident(store: &Store, id: &str) -> Result<AppError> {
    let known = store.list_incidents()?.into_iter().map(|i| i.id).collect();
    Ok(AppError::NoIncident {
        id: id.to_owned(),
        place: store.location().to_string(),
        known,
    })
}

/// The policy in force: the defaults, overridden by a config file's
/// `[policy]` table, overridden by the case's own (the case wins).
pub fn policy(config: Option<&toml::Table>, case_policy: Option<&toml::Table>) -> Result<Policy> {
    let layers: Vec<&toml::Table> = config.into_iter().chain(case_policy).collect();
    ascribe_case::policy_from_tables(&layers).map_err(AppError::Policy)
}

/// The assessment of a case with its claims ([`ascribe_assess::assess_case`]:
/// claims become evidence, their notes warnings), naming the incident when it fails.
pub fn assess(case: Case, policy: &Policy) -> Result<Assessment> {
    let incident = case.incident.id.clone();
    ascribe_assess::assess_case(case, policy)
        .map_err(|source| AppError::Assess { incident, source })
}
