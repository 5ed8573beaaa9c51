//! A vetted device's findings filed as evidence in an incident.

use std::collections::BTreeMap;

use ascribe_device::evidence::{to_observed, EvidenceOptions};
use ascribe_device::Verdict;
use ascribe_model::Tlp;
use ascribe_store::Store;

use crate::error::Doing;
use crate::Result;

/// Stores a verdict's findings in an incident as observed (one write; the
/// policy grades them at assessment), rating every hypothesis of the incident
/// neutral: a device finding says what a device can do, not who made it. Returns the number of items stored.
pub fn file_verdict(
    store: &mut Store,
    incident: &str,
    verdict: &Verdict,
    tlp: Tlp,
) -> Result<usize> {
    let Some(stored) = store
        .load_case(incident)
        .doing(|| format!("reading incident {incident}"))?
    else {
        return Err(crate::assess::no_incident(store, incident)?);
    };
    let evidence = to_observed(
        verdict,
        &EvidenceOptions {
            hypotheses: stored
                .case
                .hypotheses
                .iter()
                .map(|h| h.id.clone())
                .collect(),
            ratings: BTreeMap::new(),
            tlp,
            ..EvidenceOptions::default()
        },
    );
    store
        .upsert_observed(incident, &evidence)
        .doing(|| format!("storing device findings in incident {incident}"))?;
    Ok(evidence.len())
}
