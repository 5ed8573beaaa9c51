//! A vetted device's findings filed as evidence in an incident, with its report.

use std::collections::BTreeMap;

use ascribe_device::evidence::{to_observed, EvidenceOptions};
use ascribe_device::Verdict;
use ascribe_model::Tlp;
use ascribe_store::{DeviceReportRecord, Store};
use time::format_description::well_known::Rfc3339;

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
    // The whole report is kept beside its findings, in the same unit of
    // work: the device page shows what the command printed.
    let report = DeviceReportRecord {
        id: verdict.input.sha256.clone(),
        incident_id: Some(incident.to_owned()),
        name: verdict.input.name.clone(),
        claim: verdict.claim.as_str().to_owned(),
        verdict: verdict.verdict.as_str().to_owned(),
        tlp,
        vetted_at: store
            .clock()
            .now()
            .format(&Rfc3339)
            .expect("a clock's time (a four-digit year) formats as RFC 3339"),
        report_json: ascribe_device::report::to_json(verdict),
    };
    store
        .unit_of_work(|u| {
            u.upsert_observed(incident, &evidence)?;
            u.save_device_report(&report)
        })
        .doing(|| format!("storing device findings in incident {incident}"))?;
    Ok(evidence.len())
}
