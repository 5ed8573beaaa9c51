//! Renderings of a [`Verdict`]: stable JSON and an analyst's note.

use std::fmt::Write as _;

use serde::Deserialize;

use crate::evidence::{FiledFinding, Filing};
use crate::vet::{FieldRef, Verdict, VerdictKind, SCHEMA};
use crate::{Claim, Severity};

/// The JSON rendering (schema `ascribe-device-verdict/v1`, see docs/device.md).
pub fn to_json(v: &Verdict) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// Why a stored report could not be read back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    #[error("not an {SCHEMA} report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the report's schema is {0:?}, expected {SCHEMA}")]
    Schema(String),
    #[error("the report's {what} {value:?} is not one this version knows")]
    Unknown { what: &'static str, value: String },
}

/// The part of an `ascribe-device-verdict/v1` report that filing reads.
#[derive(Deserialize)]
struct Stored {
    schema: String,
    claim: String,
    verdict: String,
    summary: String,
    input: StoredInput,
    findings: Vec<StoredFinding>,
}

#[derive(Deserialize)]
struct StoredInput {
    name: String,
    sha256: String,
}

#[derive(Deserialize)]
struct StoredFinding {
    id: String,
    severity: String,
    title: String,
    explanation: String,
    evidence: Vec<StoredField>,
}

#[derive(Deserialize)]
struct StoredField {
    field: String,
    value: String,
}

/// Reads back what filing needs from a report [`to_json`] wrote: the same
/// [`Filing`] as [`Filing::of`] the verdict it was written from.
pub fn read_filing(json: &str) -> Result<Filing, ReadError> {
    let s: Stored = serde_json::from_str(json)?;
    if s.schema != SCHEMA {
        return Err(ReadError::Schema(s.schema));
    }
    let unknown = |what: &'static str, value: &str| ReadError::Unknown {
        what,
        value: value.to_owned(),
    };
    let verdict = [
        VerdictKind::Pass,
        VerdictKind::Warn,
        VerdictKind::Fail,
        VerdictKind::Inconclusive,
    ]
    .into_iter()
    .find(|k| k.as_str() == s.verdict)
    .ok_or_else(|| unknown("verdict", &s.verdict))?;
    let claim = Claim::ALL
        .into_iter()
        .find(|c| c.as_str() == s.claim)
        .ok_or_else(|| unknown("claim", &s.claim))?;
    let mut findings = Vec::with_capacity(s.findings.len());
    for f in s.findings {
        let severity = [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|x| x.as_str() == f.severity)
        .ok_or_else(|| unknown("severity", &f.severity))?;
        findings.push(FiledFinding {
            rests_on: f.evidence.into_iter().next().map(|e| (e.field, e.value)),
            id: f.id,
            severity,
            title: f.title,
            explanation: f.explanation,
        });
    }
    Ok(Filing {
        sha256: s.input.sha256,
        name: s.input.name,
        verdict,
        claim,
        summary: s.summary,
        findings,
    })
}

fn field_line(e: &FieldRef) -> String {
    let mut s = format!("device {}", e.device);
    if let Some(c) = e.config {
        let _ = write!(s, " config {c}");
    }
    if let Some(i) = e.interface {
        let _ = write!(s, " interface {i}");
    }
    if let Some(a) = e.alt {
        let _ = write!(s, " alt {a}");
    }
    let _ = write!(s, ": {} = {}", e.field, e.value);
    s
}

fn claim_expectation(v: &Verdict) -> &'static str {
    use crate::Claim as C;
    match v.claim {
        C::FlashDrive => "one mass-storage interface (08:06:50, optionally 08:06:62) and nothing else",
        C::Charger | C::PowerBank => "nothing at all on the data lines (a USB-C Billboard is tolerated)",
        C::Cable => "nothing at all: a cable has no USB device controller",
        C::Phone => "MTP/PTP, vendor (ADB), storage, tethering network, serial or audio functions; no keyboard or pointer",
        C::Keyboard => "keyboard, system/consumer control and pointer HID, possibly behind its own hub",
        C::Mouse => "a pointer, possibly a vendor HID channel for configuration",
        C::SecurityKey => "a FIDO or smart-card function, possibly vendor HID",
        C::Unknown => "nothing in particular: capabilities are reported, identity and behaviour decide",
    }
}

/// The text rendering: verdict, claim, what it presents, every capability
/// beyond the claim, other findings, what enumeration cannot see.
pub fn to_text(v: &Verdict) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} (risk {}/100, profile {})",
        v.verdict.as_str(),
        v.risk_score,
        v.profile.as_str()
    );
    let _ = writeln!(o, "{}", v.summary);
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Input: {} ({}, sha256 {}); usb.ids {}",
        v.input.name,
        v.input.format.as_str(),
        v.input.sha256.get(..16).unwrap_or(&v.input.sha256),
        v.usb_ids_version
    );
    if !v.input.excluded_devices.is_empty() {
        let _ = writeln!(
            o,
            "Outside the gift's scope: {}",
            v.input.excluded_devices.join(", ")
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "What it claims: a {}, which should present {}.",
        v.claim.noun(),
        claim_expectation(v)
    );
    let _ = writeln!(o);
    let _ = writeln!(o, "What it presents:");
    if v.devices.is_empty() {
        let _ = writeln!(o, "  nothing enumerated");
    }
    for d in &v.devices {
        let names = match (&d.usb_ids.vendor, &d.usb_ids.product) {
            (Some(a), Some(b)) => format!("{a} / {b}"),
            (Some(a), None) => format!("{a} / product not in usb.ids"),
            _ => "vendor not in usb.ids".to_string(),
        };
        let _ = writeln!(
            o,
            "  {} {}:{} ({names}), device class {}",
            d.path, d.vid, d.pid, d.device_class
        );
        let s = |st: &crate::model::StringState| match st {
            crate::model::StringState::Absent => "absent".to_string(),
            crate::model::StringState::Unavailable => "not in input".to_string(),
            crate::model::StringState::Present(t) => format!("{t:?}"),
        };
        let _ = writeln!(
            o,
            "    strings: manufacturer {}, product {}, serial {}",
            s(&d.strings.manufacturer),
            s(&d.strings.product),
            s(&d.strings.serial)
        );
        for f in &d.functions {
            let caps: Vec<&str> = f.capabilities.iter().map(|c| c.as_str()).collect();
            let mut line = format!(
                "    config {} interface {} alt {}: {} -> {}",
                f.config,
                f.interface,
                f.alt,
                f.class,
                if caps.is_empty() {
                    "data half of a CDC function".to_string()
                } else {
                    caps.join(", ")
                }
            );
            match f.hid_report {
                Some("parsed") => {
                    let _ = write!(line, " (report descriptor: {})", f.hid_usages.join(" "));
                }
                Some(_) => line.push_str(" (report descriptor unavailable)"),
                None => {}
            }
            let _ = writeln!(o, "{line}");
        }
    }
    let _ = writeln!(o);
    let absent: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.id == "CAP-CLAIMED-FUNCTION-ABSENT")
        .collect();
    let (beyond, other): (Vec<_>, Vec<_>) = v
        .findings
        .iter()
        .filter(|f| f.id != "CAP-CLAIMED-FUNCTION-ABSENT")
        .partition(|f| f.id.starts_with("CAP-") || f.id.starts_with("TOPO-"));
    if !absent.is_empty() {
        let _ = writeln!(o, "Is it what it claims?");
        for f in &absent {
            write_finding(&mut o, f);
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "Beyond the claim:");
    if beyond.is_empty() {
        let _ = writeln!(o, "  nothing");
    }
    for f in &beyond {
        write_finding(&mut o, f);
    }
    if !other.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Identity, strings, structure, behaviour and data:");
        for f in &other {
            write_finding(&mut o, f);
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Identity caveat: {}", v.identity_caveat);
    if !v.checks_skipped.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Checks skipped:");
        for s in &v.checks_skipped {
            let _ = writeln!(o, "  {}: {}", s.check, s.reason);
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "What enumeration cannot see:");
    for c in &v.cannot_see {
        let _ = writeln!(o, "  - {c}");
    }
    if let Some(r) = &v.suggested_usbguard_rule {
        let _ = writeln!(o);
        let _ = writeln!(o, "Suggested USBGuard rule: {r}");
    }
    if v.verdict == VerdictKind::Inconclusive {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "INCONCLUSIVE: collect the missing data named under \"Checks skipped\" and vet again."
        );
    }
    o
}

fn write_finding(o: &mut String, f: &crate::vet::Finding) {
    let _ = writeln!(o, "  [{}] {} {}", f.severity.as_str(), f.id, f.title);
    let _ = writeln!(o, "      {}", f.explanation);
    for e in f.evidence.iter().take(6) {
        let _ = writeln!(o, "      rests on {}", field_line(e));
    }
    if f.evidence.len() > 6 {
        let _ = writeln!(o, "      ... and {} more", f.evidence.len() - 6);
    }
    if !f.references.is_empty() {
        let _ = writeln!(o, "      ref: {}", f.references.join("; "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{filing_to_observed, to_observed, EvidenceOptions};
    use crate::{vet_bytes, VetOptions};

    fn example(file: &str, claim: Claim) -> Verdict {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/devices")
            .join(file);
        let bytes = std::fs::read(path).expect("the example device input is readable");
        vet_bytes(&bytes, &VetOptions::new(claim)).expect("the example vets")
    }

    #[test]
    fn a_stored_report_reads_back_to_the_same_filing_and_evidence() {
        for (file, claim) in [
            ("synthetic-flash-drive.descriptors.hex", Claim::FlashDrive),
            ("jc_holtek-keyboard_04d9-4545.lsusb-v.txt", Claim::Keyboard),
        ] {
            let v = example(file, claim);
            let back = read_filing(&to_json(&v)).expect("its own JSON reads back");
            assert_eq!(back, Filing::of(&v), "{file}");
            let opts = EvidenceOptions {
                hypotheses: vec!["h1".to_owned()],
                ..EvidenceOptions::default()
            };
            assert_eq!(filing_to_observed(&back, &opts), to_observed(&v, &opts));
        }
    }

    #[test]
    fn a_report_of_another_schema_or_word_is_refused_by_name() {
        let v = example("synthetic-flash-drive.descriptors.hex", Claim::FlashDrive);
        let json = to_json(&v);
        let other = json.replace(SCHEMA, "ascribe-device-verdict/v9");
        assert!(matches!(read_filing(&other), Err(ReadError::Schema(s)) if s.ends_with("v9")));
        let word = json.replacen("\"verdict\": \"", "\"verdict\": \"MAYBE", 1);
        assert!(read_filing(&word)
            .expect_err("an unknown verdict word")
            .to_string()
            .contains("verdict"));
        assert!(read_filing("{").is_err());
    }
}
