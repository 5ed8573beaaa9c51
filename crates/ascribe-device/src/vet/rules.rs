//! The verdict rules: when a run is inconclusive, its summary, what it cannot see, and
//! the USBGuard rule it suggests.

use std::collections::BTreeSet;

use crate::input::InputFormat;
use crate::model::DeviceReport;
use crate::{Capability, Claim, Severity};

use super::verdict::{Finding, VerdictKind};
use super::{host_mode_untested, MIN_WINDOW_S};

pub(super) fn inconclusive_reason(report: &DeviceReport, claim: Claim) -> Option<String> {
    if report.devices.is_empty() {
        if claim.is_power_only() {
            let window = report.observation.as_ref().and_then(|o| o.window_s);
            return match window {
                Some(w) if w >= MIN_WINDOW_S => None,
                Some(w) => Some(format!(
                    "the observation window of {w} s is shorter than {MIN_WINDOW_S} s"
                )),
                None => Some("nothing enumerated, but the input does not say for how long the host watched (give an observation record with window_s)".to_string()),
            };
        }
        return Some("nothing enumerated, so the claimed function could not be seen".to_string());
    }
    if claim != Claim::Unknown && report.devices.iter().all(|d| d.identity_only) {
        return Some("the input carries identity only, no descriptors".to_string());
    }
    None
}

pub(super) fn summary(
    claim: Claim,
    verdict: VerdictKind,
    caps: &BTreeSet<Capability>,
    beyond: &BTreeSet<Capability>,
    findings: &[Finding],
    report: &DeviceReport,
) -> String {
    let noun = claim.noun();
    let list = |set: &BTreeSet<Capability>| {
        let v: Vec<&str> = set.iter().map(|c| c.describe()).collect();
        match v.as_slice() {
            [] => "nothing".to_string(),
            [one] => (*one).to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let mut s = if report.devices.is_empty() {
        format!("Claimed {noun}: nothing enumerated")
    } else {
        format!("Claimed {noun} presents {}", list(caps))
    };
    let presented: BTreeSet<Capability> = caps
        .iter()
        .copied()
        .filter(|c| !matches!(c, Capability::Hub | Capability::Billboard))
        .collect();
    if !beyond.is_empty() && claim != Claim::Unknown {
        if *beyond == presented && presented.len() == caps.len() {
            s.push_str(", all of it beyond the claim");
        } else {
            s.push_str(&format!("; beyond the claim: {}", list(beyond)));
        }
    }
    if let Some(f) = findings.first().filter(|f| f.severity >= Severity::Medium) {
        s.push_str(&format!(". Top finding: {} ({})", f.title, f.id));
    }
    s.push_str(&format!(". Verdict {}.", verdict.as_str()));
    if host_mode_untested(claim, report) {
        s.push_str(&format!(
            " Enumeration cannot see a {} acting as a USB host; no device-side probe was run.",
            noun
        ));
    }
    s
}

pub(super) fn cannot_see(claim: Claim, report: &DeviceReport, format: InputFormat) -> Vec<String> {
    let mut v = Vec::new();
    if claim.is_power_only() {
        v.push(format!("A {} can contain a USB host that attacks the phone plugged into it (juice jacking, ChoiceJacking); two hosts do not enumerate each other, so only a device-side probe (a gadget posing as a phone that logs SETUP packets) can show it.", claim.noun()));
        v.push("Power-delivery negotiation and e-markers travel on the CC wire, invisible to USB enumeration; a radio inside the shell (O.MG Wi-Fi) is invisible unless it is exposed over USB.".to_string());
    }
    if !report.behaviour_observed || !matches!(format, InputFormat::Pcap | InputFormat::UsbmonText)
    {
        v.push("Delayed re-enumeration and keystroke injection show only in a usbmon capture kept running 60-120 s after plug-in.".to_string());
    }
    v.push("A firmware implant that behaves exactly like the claimed device until a trigger (time, host fingerprint) is invisible to enumeration: a clean result is not proof of safety; for high-value cases, tear the device down.".to_string());
    v
}

pub(super) fn suggested_rule(report: &DeviceReport, verdict: VerdictKind) -> Option<String> {
    let d = report.devices.first()?;
    let mut classes: Vec<String> = d
        .all_interfaces()
        .map(|(_, i)| i.class.to_string())
        .collect();
    classes.dedup();
    let target = match verdict {
        VerdictKind::Pass | VerdictKind::Warn => "allow",
        VerdictKind::Fail => "reject",
        VerdictKind::Inconclusive => "block",
    };
    let mut rule = format!("{target} id {}", d.vid_pid());
    if let Some(s) = d.strings.serial.text() {
        let esc: String = s
            .chars()
            .take(126)
            .flat_map(|c| match c {
                '"' => vec!['\\', '"'],
                '\\' => vec!['\\', '\\'],
                c if c.is_control() || !c.is_ascii() => {
                    format!("\\x{:02x}", u32::from(c) & 0xFF).chars().collect()
                }
                c => vec![c],
            })
            .collect();
        rule.push_str(&format!(" serial \"{esc}\""));
    }
    if !classes.is_empty() {
        let op = if verdict == VerdictKind::Fail {
            "all-of "
        } else {
            ""
        };
        rule.push_str(&format!(" with-interface {op}{{ {} }}", classes.join(" ")));
    }
    Some(rule)
}
