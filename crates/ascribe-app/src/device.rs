//! A vetted device's findings filed as evidence in an incident, with its report.

use std::collections::BTreeMap;

use ascribe_device::evidence::{filing_to_observed, EvidenceOptions, Filing};
use ascribe_device::Verdict;
use ascribe_model::Tlp;
use ascribe_store::{DeviceReportRecord, Store};
use time::format_description::well_known::Rfc3339;

use crate::error::Doing;
use crate::{AppError, Result};

/// Stores a verdict's findings in an incident as observed (one write; the
/// policy grades them at assessment), rating every hypothesis of the incident
/// neutral: a device finding says what a device can do, not who made it. Returns the number of items stored.
pub fn file_verdict(store: &Store, incident: &str, verdict: &Verdict, tlp: Tlp) -> Result<usize> {
    let report = Kept {
        name: verdict.input.name.clone(),
        claim: verdict.claim.as_str().to_owned(),
        verdict: verdict.verdict.as_str().to_owned(),
        report_json: ascribe_device::report::to_json(verdict),
    };
    file(store, incident, &Filing::of(verdict), report, tlp)
}

/// Files a kept device report's findings in `incident` at `tlp` (the
/// "record as evidence" of the device page), through the same steps as
/// [`file_verdict`]. The report is read at `clearance`: one above it looks
/// missing. Its findings are never filed below the report's own marking, so
/// filing cannot make them visible to more readers.
pub fn file_report(
    store: &Store,
    report_id: &str,
    clearance: Tlp,
    incident: &str,
    tlp: Tlp,
) -> Result<usize> {
    let Some(stored) = store
        .device_report_seen_by(report_id, clearance)
        .doing(|| format!("reading device report {report_id}"))?
    else {
        return Err(AppError::Input(format!(
            "no device report {report_id:?} that you may see"
        )));
    };
    if tlp < stored.tlp {
        return Err(AppError::Input(format!(
            "device report {report_id} is marked {}; its findings cannot be filed below that ({} asked)",
            stored.tlp.label(),
            tlp.label()
        )));
    }
    let filing =
        ascribe_device::report::read_filing(&stored.report_json).map_err(|e| AppError::Stored {
            what: format!("reading device report {report_id}"),
            source: Box::new(e),
        })?;
    let report = Kept {
        name: stored.name,
        claim: stored.claim,
        verdict: stored.verdict,
        report_json: stored.report_json,
    };
    file(store, incident, &filing, report, tlp)
}

/// The report kept beside the findings.
struct Kept {
    name: String,
    claim: String,
    verdict: String,
    report_json: String,
}

fn file(store: &Store, incident: &str, filing: &Filing, kept: Kept, tlp: Tlp) -> Result<usize> {
    let Some(stored) = store
        .load_case(incident)
        .doing(|| format!("reading incident {incident}"))?
    else {
        return Err(crate::assess::no_incident(store, incident)?);
    };
    let evidence = filing_to_observed(
        filing,
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
        id: filing.sha256.clone(),
        incident_id: Some(incident.to_owned()),
        name: kept.name,
        claim: kept.claim,
        verdict: kept.verdict,
        tlp,
        vetted_at: store
            .clock()
            .now()
            .format(&Rfc3339)
            .expect("a clock's time (a four-digit year) formats as RFC 3339"),
        report_json: kept.report_json,
    };
    store
        .unit_of_work(|u| {
            u.upsert_observed(incident, &evidence)?;
            u.save_device_report(&report)
        })
        .doing(|| format!("storing device findings in incident {incident}"))?;
    Ok(evidence.len())
}

#[cfg(test)]
mod tests {
    use ascribe_model::{Case, Hypothesis, Incident};

    use super::*;

    fn incident(id: &str) -> Case {
        Case {
            incident: Incident {
                id: id.to_owned(),
                title: id.to_owned(),
                summary: None,
                period: None,
                victims: vec![],
            },
            hypotheses: vec![Hypothesis::other()],
            evidence: vec![],
            claims: vec![],
            observed: vec![],
        }
    }

    #[test]
    fn a_kept_report_files_again_elsewhere_never_below_its_marking_nor_above_the_reader() {
        let mut store = Store::open_in_memory(crate::SystemClock).expect("a store");
        for id in ["a", "b"] {
            store.save_case(&incident(id), None).expect("saved");
        }
        let bytes = std::fs::read(
            ascribe_testutil::workspace_root()
                .join("examples/devices/synthetic-flash-drive.descriptors.hex"),
        )
        .expect("the example device input is readable");
        let verdict = ascribe_device::vet_bytes(
            &bytes,
            &ascribe_device::VetOptions::new(ascribe_device::Claim::FlashDrive),
        )
        .expect("the example vets");
        let id = verdict.input.sha256.clone();
        let n = file_verdict(&store, "a", &verdict, Tlp::Amber).expect("filed in a");
        let again = file_report(&store, &id, Tlp::Red, "b", Tlp::Red).expect("filed in b");
        assert_eq!(again, n, "the same items as the command filed");
        let b = store.load_case("b").expect("read").expect("b");
        assert_eq!(b.case.observed.len(), n);
        assert!(b.case.observed.iter().all(|o| o.tlp == Tlp::Red));
        let below = file_report(&store, &id, Tlp::Red, "a", Tlp::Green);
        assert!(matches!(below, Err(AppError::Input(m)) if m.contains("cannot be filed below")));
        // Now marked TLP:RED, the report looks missing to an AMBER reader.
        let hidden = file_report(&store, &id, Tlp::Amber, "a", Tlp::Red);
        assert!(matches!(hidden, Err(AppError::Input(m)) if m.contains("no device report")));
        assert!(matches!(
            file_report(&store, &id, Tlp::Red, "zz", Tlp::Red),
            Err(AppError::NoIncident { .. })
        ));
    }
}
