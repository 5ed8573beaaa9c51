//! The capability model, the finding catalogue and the verdict rules.
//!
//! Here: the options and the entry points. Its parts: `verdict` (the versioned contract),
//! `capability` (the capability model and table), `findings` (the catalogue), `rules` (the
//! verdict rules).

mod capability;
mod findings;
mod rules;
mod verdict;

use std::collections::BTreeSet;

use crate::input::{parse_bytes, parse_snapshot, InputFormat, Selector};
use crate::model::DeviceReport;
use crate::sysfs::SysfsSnapshot;
use crate::tables::usb_ids;
use crate::{Capability, Claim, Profile, Severity, VetError};

/// Default keystroke-injection window (key-downs) and threshold (µs), after Google UKIP.
pub const TYPING_WINDOW: usize = 5;
pub const TYPING_THRESHOLD_US: i64 = 50_000;
/// Shortest observation window (s) that lets "nothing enumerated" pass.
pub const MIN_WINDOW_S: f64 = 30.0;

/// Options of a vetting run.
#[derive(Debug, Clone)]
pub struct VetOptions {
    pub claim: Claim,
    pub profile: Profile,
    pub selector: Option<Selector>,
    /// Overrides format detection.
    pub format: Option<InputFormat>,
    /// A name for the input in the report (a file name); never read.
    pub input_name: String,
    pub typing_window: usize,
    pub typing_threshold_us: i64,
}

impl VetOptions {
    pub fn new(claim: Claim) -> Self {
        VetOptions {
            claim,
            profile: Profile::Strict,
            selector: None,
            format: None,
            input_name: "-".to_string(),
            typing_window: TYPING_WINDOW,
            typing_threshold_us: TYPING_THRESHOLD_US,
        }
    }
}

pub(crate) use capability::capability_row;
pub use capability::{device_capabilities, interface_capabilities};
pub use verdict::{
    DeviceView, FieldRef, Finding, FunctionView, InputInfo, Skipped, UsbIdsNames, Verdict,
    VerdictKind, IDENTITY_CAVEAT, SCHEMA,
};

use findings::{
    behaviour_findings, capability_findings, data_findings, identity_findings, power_and_absence,
    string_findings, structure_findings, topology_findings, Ctx,
};
use rules::{cannot_see, inconclusive_reason, suggested_rule, summary};
use verdict::device_view;

/// Vet bytes in any supported format.
pub fn vet_bytes(bytes: &[u8], opts: &VetOptions) -> Result<Verdict, VetError> {
    let (format, report) = parse_bytes(bytes, opts.format, opts.selector.as_ref())?;
    Ok(vet_report(&report, format, &sha256_hex(bytes), opts))
}

/// Vet a sysfs snapshot the caller read from a folder.
pub fn vet_snapshot(snap: &SysfsSnapshot, opts: &VetOptions) -> Result<Verdict, VetError> {
    let report = parse_snapshot(snap, opts.selector.as_ref())?;
    let mut all = Vec::new();
    for e in &snap.entries {
        all.extend_from_slice(e.path.as_bytes());
        for (k, v) in &e.attrs {
            all.extend_from_slice(k.as_bytes());
            all.extend_from_slice(v);
        }
    }
    Ok(vet_report(
        &report,
        InputFormat::SysfsDir,
        &sha256_hex(&all),
        opts,
    ))
}

/// A power-only claim (a charger, a cable) whose host mode nobody tested:
/// the input gives no device-side probe result.
fn host_mode_untested(claim: Claim, report: &DeviceReport) -> bool {
    claim.is_power_only()
        && !report
            .observation
            .as_ref()
            .is_some_and(|o| o.device_side_probe_performed)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Vet a parsed report.
pub fn vet_report(
    report: &DeviceReport,
    format: InputFormat,
    sha256: &str,
    opts: &VetOptions,
) -> Verdict {
    let claim = opts.claim;
    let mut ctx = Ctx {
        report,
        opts,
        findings: Vec::new(),
        skipped: Vec::new(),
    };
    let mut all_caps: BTreeSet<Capability> = BTreeSet::new();
    let mut beyond: BTreeSet<Capability> = BTreeSet::new();
    for d in &report.devices {
        all_caps.extend(device_capabilities(d));
    }
    capability_findings(&mut ctx, &mut beyond);
    power_and_absence(&mut ctx, &all_caps);
    structure_findings(&mut ctx);
    topology_findings(&mut ctx);
    identity_findings(&mut ctx);
    string_findings(&mut ctx);
    behaviour_findings(&mut ctx, &all_caps);
    data_findings(&mut ctx);

    // The verdict.
    let max = ctx.findings.iter().map(|f| f.severity).max();
    let inconclusive = inconclusive_reason(report, claim);
    let verdict = match max {
        Some(s) if s >= Severity::High => VerdictKind::Fail,
        _ if inconclusive.is_some() => VerdictKind::Inconclusive,
        Some(Severity::Medium) => VerdictKind::Warn,
        _ => VerdictKind::Pass,
    };
    if let (Some(reason), VerdictKind::Inconclusive) = (&inconclusive, verdict) {
        ctx.skip("verdict", reason.clone());
    }
    let mut findings = ctx.findings;
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(b.id)));
    let risk_score = findings
        .iter()
        .map(|f| f.severity.weight())
        .sum::<u32>()
        .min(100);
    let skipped = ctx.skipped;
    let devices: Vec<DeviceView> = report.devices.iter().map(device_view).collect();
    let summary = summary(claim, verdict, &all_caps, &beyond, &findings, report);
    let cannot_see = cannot_see(claim, report, format);
    let rule = suggested_rule(report, verdict);
    Verdict {
        schema: SCHEMA,
        claim,
        profile: opts.profile,
        verdict,
        risk_score,
        summary,
        capabilities: all_caps.into_iter().collect(),
        beyond_claim: beyond.into_iter().collect(),
        devices,
        findings,
        checks_skipped: skipped,
        cannot_see,
        identity_caveat: IDENTITY_CAVEAT,
        input: InputInfo {
            name: opts.input_name.clone(),
            format,
            sha256: sha256.to_string(),
            parser_warnings: report.warnings.clone(),
            excluded_devices: report.excluded.clone(),
        },
        suggested_usbguard_rule: rule,
        usb_ids_version: usb_ids().version.clone(),
    }
}
