//! The versioned verdict contract (`ascribe-device-verdict/v1`): what a vetting run
//! returns and serialises. A change here is a change of schema.

use serde::Serialize;

use crate::input::InputFormat;
use crate::model::{Device, HidReport, StringState};
use crate::tables::usb_ids;
use crate::{Capability, Claim, Profile, Severity};

use super::capability::{device_capabilities, interface_capabilities};
use super::findings::clip;

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VerdictKind {
    #[serde(rename = "PASS")]
    Pass,
    #[serde(rename = "WARN")]
    Warn,
    #[serde(rename = "FAIL")]
    Fail,
    #[serde(rename = "INCONCLUSIVE")]
    Inconclusive,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Pass => "PASS",
            VerdictKind::Warn => "WARN",
            VerdictKind::Fail => "FAIL",
            VerdictKind::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// One descriptor field a finding rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldRef {
    pub device: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<u8>,
    pub field: String,
    pub value: String,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub evidence: Vec<FieldRef>,
    pub references: Vec<&'static str>,
}

/// A check that could not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub check: &'static str,
    pub reason: String,
}

/// One function (interface alternate setting) of a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionView {
    pub config: u8,
    pub interface: u8,
    pub alt: u8,
    pub class: String,
    pub capabilities: Vec<Capability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hid_report: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hid_usages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<String>,
}

/// usb.ids names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsbIdsNames {
    pub vendor: Option<String>,
    pub product: Option<String>,
}

/// A device as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceView {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub vid: String,
    pub pid: String,
    pub usb_ids: UsbIdsNames,
    pub device_class: String,
    pub strings: crate::model::Strings,
    pub speed: crate::model::Speed,
    pub configurations: usize,
    pub capabilities: Vec<Capability>,
    pub functions: Vec<FunctionView>,
}

/// Where the input came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputInfo {
    pub name: String,
    pub format: InputFormat,
    pub sha256: String,
    pub parser_warnings: Vec<crate::model::ParseWarning>,
    pub excluded_devices: Vec<String>,
}

/// The complete result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub schema: &'static str,
    pub claim: Claim,
    pub profile: Profile,
    pub verdict: VerdictKind,
    pub risk_score: u32,
    pub summary: String,
    pub capabilities: Vec<Capability>,
    pub beyond_claim: Vec<Capability>,
    pub devices: Vec<DeviceView>,
    pub findings: Vec<Finding>,
    pub checks_skipped: Vec<Skipped>,
    pub cannot_see: Vec<String>,
    pub identity_caveat: &'static str,
    pub input: InputInfo,
    pub suggested_usbguard_rule: Option<String>,
    pub usb_ids_version: String,
}

pub const SCHEMA: &str = "ascribe-device-verdict/v1";
pub const IDENTITY_CAVEAT: &str = "VID:PID, strings and serial are chosen by the device and trivially spoofed: identity matches against known attack tools and development boards are hints, never proof; the verdict rests on capabilities.";

pub(super) fn device_view(d: &Device) -> DeviceView {
    let ids = usb_ids();
    let mut functions = Vec::new();
    for c in &d.configurations {
        for i in &c.interfaces {
            let assoc = c
                .iads
                .iter()
                .find(|a| {
                    let first = u16::from(a.first_interface);
                    (first..first + u16::from(a.interface_count)).contains(&u16::from(i.number))
                })
                .map(|a| {
                    format!(
                        "{} interfaces from {} ({})",
                        a.interface_count, a.first_interface, a.class
                    )
                });
            let (hid_report, hid_usages) = match &i.hid {
                Some(HidReport::Parsed { applications, .. }) => (
                    Some("parsed"),
                    applications
                        .iter()
                        .map(|a| format!("{:04x}:{:04x}", a.page, a.usage))
                        .collect(),
                ),
                Some(HidReport::Unavailable) => (Some("unavailable"), Vec::new()),
                None => (None, Vec::new()),
            };
            functions.push(FunctionView {
                config: c.value,
                interface: i.number,
                alt: i.alt,
                class: i.class.to_string(),
                capabilities: interface_capabilities(i),
                hid_report,
                hid_usages,
                association: assoc,
            });
        }
    }
    let clip_state = |s: &StringState| match s {
        StringState::Present(t) => StringState::Present(clip(t)),
        other => other.clone(),
    };
    DeviceView {
        path: d.path.clone(),
        parent: d.parent.clone(),
        vid: format!("{:04x}", d.vid),
        pid: format!("{:04x}", d.pid),
        usb_ids: UsbIdsNames {
            vendor: ids.vendor(d.vid).map(str::to_string),
            product: ids.product(d.vid, d.pid).map(str::to_string),
        },
        device_class: d.class.to_string(),
        strings: crate::model::Strings {
            manufacturer: clip_state(&d.strings.manufacturer),
            product: clip_state(&d.strings.product),
            serial: clip_state(&d.strings.serial),
        },
        speed: d.speed,
        configurations: d.configurations.len(),
        capabilities: device_capabilities(d).into_iter().collect(),
        functions,
    }
}
