//! The finding catalogue: every check that compares what a device presents with what
//! it claims, each adding its findings (or a skipped check) to a [`Ctx`].

use std::collections::BTreeSet;

use crate::model::{Device, DeviceReport, HidReport, Interface, StringState, TransferType};
use crate::tables::{lookup_identity, usb_ids};
use crate::{Capability, Claim, Profile, Severity};

use super::capability::{
    allowance, capability_row, device_capabilities, interface_capabilities, lenient_cap, Allow,
};
use super::verdict::{FieldRef, Finding, Skipped};
use super::{host_mode_untested, VetOptions};

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub(super) struct Ctx<'a> {
    pub(super) report: &'a DeviceReport,
    pub(super) opts: &'a VetOptions,
    pub(super) findings: Vec<Finding>,
    pub(super) skipped: Vec<Skipped>,
}

impl Ctx<'_> {
    pub(super) fn add(
        &mut self,
        id: &'static str,
        severity: Severity,
        title: String,
        explanation: String,
        evidence: Vec<FieldRef>,
        references: Vec<&'static str>,
    ) {
        self.findings.push(Finding {
            id,
            severity,
            title,
            explanation,
            evidence,
            references,
        });
    }
    pub(super) fn skip(&mut self, check: &'static str, reason: impl Into<String>) {
        let reason = reason.into();
        if !self.skipped.iter().any(|s| s.check == check) {
            self.skipped.push(Skipped { check, reason });
        }
    }
}

pub(super) fn dev_field(d: &Device, field: &str, value: impl Into<String>) -> FieldRef {
    FieldRef {
        device: d.path.clone(),
        config: None,
        interface: None,
        alt: None,
        field: field.to_string(),
        value: value.into(),
    }
}

pub(super) fn hid_detail(iface: &Interface) -> String {
    match &iface.hid {
        Some(HidReport::Parsed { applications, .. }) => {
            let u: Vec<String> = applications
                .iter()
                .map(|a| format!("{:04x}:{:04x}", a.page, a.usage))
                .collect();
            format!("report descriptor usages {}", u.join(" "))
        }
        Some(HidReport::Unavailable) => "report descriptor unavailable".to_string(),
        None => String::new(),
    }
}

pub(super) fn capability_findings(ctx: &mut Ctx<'_>, beyond: &mut BTreeSet<Capability>) {
    let claim = ctx.opts.claim;
    let profile = ctx.opts.profile;
    let mut pending: Vec<Finding> = Vec::new();
    for d in &ctx.report.devices {
        for c in &d.configurations {
            // One finding per (interface number, capability), naming every
            // alternate setting that presents it.
            let mut seen: Vec<(u8, Capability)> = Vec::new();
            for iface in &c.interfaces {
                for cap in interface_capabilities(iface) {
                    let Allow::At(sev) = allowance(claim, cap) else {
                        continue;
                    };
                    if cap == Capability::Hub || cap == Capability::Billboard {
                        continue;
                    }
                    beyond.insert(cap);
                    let evidence = FieldRef {
                        device: d.path.clone(),
                        config: Some(c.value),
                        interface: Some(iface.number),
                        alt: Some(iface.alt),
                        field: if iface.class.class == 0x03 {
                            "bInterfaceClass/SubClass/Protocol; HID report descriptor".to_string()
                        } else {
                            "bInterfaceClass/SubClass/Protocol".to_string()
                        },
                        value: {
                            let detail = hid_detail(iface);
                            if detail.is_empty() {
                                iface.class.to_string()
                            } else {
                                format!("{} ({detail})", iface.class)
                            }
                        },
                    };
                    if seen.contains(&(iface.number, cap)) {
                        if let Some(f) = pending.iter_mut().rev().find(|f| {
                            f.id == capability_row(cap).finding_id
                                && f.evidence.first().is_some_and(|e| {
                                    e.device == d.path
                                        && e.config == Some(c.value)
                                        && e.interface == Some(iface.number)
                                })
                        }) {
                            f.evidence.push(evidence);
                        }
                        continue;
                    }
                    seen.push((iface.number, cap));
                    let id = capability_row(cap).finding_id;
                    let severity = lenient_cap(profile, claim, id, sev);
                    let where_ = format!(
                        "Interface {} (configuration {}, alternate setting {}) is {} ({})",
                        iface.number,
                        c.value,
                        iface.alt,
                        cap.describe(),
                        iface.class
                    );
                    pending.push(Finding {
                        id,
                        severity,
                        title: format!("{} exposes {}", capitalise(claim.noun()), cap.describe()),
                        explanation: format!(
                            "{where_}; {}. A {} does not need it.",
                            capability_row(cap).rationale,
                            claim.noun()
                        ),
                        evidence: vec![evidence],
                        references: capability_row(cap).references.to_vec(),
                    });
                }
            }
        }
    }
    ctx.findings.extend(pending);
}

pub(super) fn power_and_absence(ctx: &mut Ctx<'_>, caps: &BTreeSet<Capability>) {
    let claim = ctx.opts.claim;
    let devices = &ctx.report.devices;
    if claim.is_power_only() {
        if let Some(obs) = &ctx.report.observation {
            if obs.device_side_probe_performed && obs.setup_packets_seen.unwrap_or(0) > 0 {
                ctx.add(
                    "CAP-HOST-IN-CHARGER",
                    Severity::Critical,
                    format!("{} contains a USB host", capitalise(claim.noun())),
                    format!(
                        "A device-side probe saw {} SETUP packet(s) from the {}: it acts as a USB host against whatever is plugged in (juice jacking, ChoiceJacking). Host-side enumeration can never show this.",
                        obs.setup_packets_seen.unwrap_or(0),
                        claim.noun()
                    ),
                    vec![FieldRef {
                        device: "probe".to_string(),
                        config: None,
                        interface: None,
                        alt: None,
                        field: "device_side_probe.setup_packets_seen".to_string(),
                        value: obs.setup_packets_seen.unwrap_or(0).to_string(),
                    }],
                    vec!["usb-vetting.md §2.7", "TU Graz ChoiceJacking (2025)"],
                );
            }
        }
        if devices.is_empty() {
            return;
        }
        let non_billboard: Vec<Capability> = caps
            .iter()
            .copied()
            .filter(|c| *c != Capability::Billboard)
            .collect();
        let evidence: Vec<FieldRef> = devices
            .iter()
            .map(|d| dev_field(d, "idVendor:idProduct", d.vid_pid()))
            .collect();
        if non_billboard.is_empty() && caps.contains(&Capability::Billboard) {
            let sev = match (claim, ctx.opts.profile) {
                (_, Profile::Lenient) => Severity::Low,
                (Claim::Cable, Profile::Strict) => Severity::High,
                _ => Severity::Medium,
            };
            ctx.add(
                "CAP-BILLBOARD-ON-POWER-ONLY",
                sev,
                format!("{} enumerates a USB-C Billboard", capitalise(claim.noun())),
                format!(
                    "Only a Billboard function (11:00:00) enumerated. That is legitimate for USB-C power-delivery and alternate-mode parts, but it proves a USB device controller sits inside the {}.",
                    claim.noun()
                ),
                evidence,
                vec!["USB Billboard Device Class 1.2", "usb-vetting.md §5.4"],
            );
        } else {
            let only_vendor_hid = non_billboard
                .iter()
                .all(|c| matches!(c, Capability::HidVendor | Capability::Hub));
            let sev = if ctx.opts.profile == Profile::Lenient
                && only_vendor_hid
                && caps.contains(&Capability::Billboard)
            {
                Severity::Medium
            } else {
                Severity::Critical
            };
            let list: Vec<&str> = if non_billboard.is_empty() {
                vec!["functions not in the input"]
            } else {
                non_billboard.iter().map(|c| c.as_str()).collect()
            };
            ctx.add(
                "CAP-ENUMERATED-ON-POWER-ONLY",
                sev,
                format!("{} enumerated as a USB device", capitalise(claim.noun())),
                format!(
                    "A pure power path has no USB device controller, yet this {} presented {} ({}). The 2013 G20 \"cables\" and O.MG-class cables fit exactly this.",
                    claim.noun(),
                    if devices.len() == 1 { "a device".to_string() } else { format!("{} devices", devices.len()) },
                    list.join(", ")
                ),
                evidence,
                vec!["usb-vetting.md §1 threat model", "usb-vetting.md §5.4 CAP-ENUMERATED-ON-POWER-ONLY"],
            );
        }
        return;
    }
    use Capability as C;
    let (needed, sev): (&[Capability], Severity) = match claim {
        Claim::FlashDrive => (&[C::Storage], Severity::High),
        Claim::Phone => (
            &[C::StillImage, C::Vendor, C::Storage, C::Network, C::Serial],
            Severity::High,
        ),
        Claim::Keyboard => (&[C::Keyboard, C::HidUnknown], Severity::Medium),
        Claim::Mouse => (&[C::Pointer, C::HidUnknown], Severity::Medium),
        Claim::SecurityKey => (
            &[C::Fido, C::Smartcard, C::HidVendor, C::HidUnknown],
            Severity::Medium,
        ),
        _ => return,
    };
    if needed.iter().any(|c| caps.contains(c)) {
        return;
    }
    let nothing = devices.is_empty();
    let identity_only = !nothing && devices.iter().all(|d| d.identity_only);
    let list: Vec<&str> = caps.iter().map(|c| c.as_str()).collect();
    ctx.add(
        "CAP-CLAIMED-FUNCTION-ABSENT",
        if nothing || identity_only { Severity::Info } else { sev },
        format!("No {} function anywhere", claim.noun()),
        if nothing {
            format!("Nothing enumerated, so the claimed {} function could not be seen.", claim.noun())
        } else if identity_only {
            "The input carries identity only, so the functions could not be seen.".to_string()
        } else {
            format!(
                "No configuration or alternate setting presents the function a {} needs ({}); it presents {}. It is not what it says it is.",
                claim.noun(),
                needed.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" or "),
                if list.is_empty() { "nothing".to_string() } else { list.join(", ") }
            )
        },
        devices
            .iter()
            .map(|d| dev_field(d, "capabilities", list.join(" ")))
            .collect(),
        vec!["usb-vetting.md §5.4 CAP-CLAIMED-FUNCTION-ABSENT"],
    );
}

pub(super) fn structure_findings(ctx: &mut Ctx<'_>) {
    let claim = ctx.opts.claim;
    let malformed: Vec<FieldRef> = ctx
        .report
        .warnings
        .iter()
        .filter(|w| w.malformed)
        .map(|w| FieldRef {
            device: w.at.clone(),
            config: None,
            interface: None,
            alt: None,
            field: "descriptor structure".to_string(),
            value: w.message.clone(),
        })
        .collect();
    if !malformed.is_empty() {
        ctx.add(
            "STRUCT-MALFORMED",
            Severity::Medium,
            "Malformed descriptors".to_string(),
            format!(
                "{} structural problem(s): lengths that lie, counts that do not match, or associations out of range. Sloppy firmware, or an attempt to exploit host parsers.",
                malformed.len()
            ),
            malformed,
            vec!["USB 2.0 §9.5, §9.6", "usb-vetting.md §2.4 robustness rules"],
        );
    }
    for d in &ctx.report.devices {
        if d.configurations.len() > 1 {
            let sets: Vec<BTreeSet<Capability>> = d
                .configurations
                .iter()
                .map(|c| {
                    c.interfaces
                        .iter()
                        .flat_map(interface_capabilities)
                        .collect()
                })
                .collect();
            if sets.windows(2).any(|w| w.first() != w.get(1)) {
                let ev = d
                    .configurations
                    .iter()
                    .zip(&sets)
                    .map(|(c, s)| FieldRef {
                        device: d.path.clone(),
                        config: Some(c.value),
                        interface: None,
                        alt: None,
                        field: "capabilities".to_string(),
                        value: s.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" "),
                    })
                    .collect();
                ctx.findings.push(Finding {
                    id: "STRUCT-MULTI-CONFIG-DIVERGENT",
                    severity: Severity::High,
                    title: "Configurations expose different capabilities".to_string(),
                    explanation: "The device has several configurations with different capability sets: a function can hide in a configuration that the policy tool or operating system does not inspect (Linux and Windows choose configurations differently).".to_string(),
                    evidence: ev,
                    references: vec!["usb-vetting.md §5.4 STRUCT-MULTI-CONFIG-DIVERGENT"],
                });
            }
        }
        for c in &d.configurations {
            let mut flagged: BTreeSet<u8> = BTreeSet::new();
            for a in &c.interfaces {
                for b in &c.interfaces {
                    if a.number == b.number
                        && a.alt != b.alt
                        && a.class.class != b.class.class
                        && flagged.insert(a.number)
                    {
                        ctx.findings.push(Finding {
                            id: "STRUCT-ALT-CLASS-MISMATCH",
                            severity: Severity::High,
                            title: format!("Interface {} changes class between alternate settings", a.number),
                            explanation: format!(
                                "Alternate settings {} ({}) and {} ({}) of interface {} have different base classes; policy tools that look at alternate setting 0 only miss the other.",
                                a.alt, a.class, b.alt, b.class, a.number
                            ),
                            evidence: vec![
                                FieldRef { device: d.path.clone(), config: Some(c.value), interface: Some(a.number), alt: Some(a.alt), field: "bInterfaceClass".to_string(), value: a.class.to_string() },
                                FieldRef { device: d.path.clone(), config: Some(c.value), interface: Some(b.number), alt: Some(b.alt), field: "bInterfaceClass".to_string(), value: b.class.to_string() },
                            ],
                            references: vec!["usb-vetting.md §5.4 STRUCT-ALT-CLASS-MISMATCH"],
                        });
                    }
                }
            }
        }
        let caps = device_capabilities(d);
        let numbers: BTreeSet<(u8, u8)> = d
            .all_interfaces()
            .map(|(c, i)| (c.value, i.number))
            .collect();
        let odd = matches!(d.class.class, 0x03 | 0x08)
            || (claim == Claim::FlashDrive
                && (d.class.class, d.class.subclass, d.class.protocol) == (0xEF, 0x02, 0x01)
                && numbers.len() <= 1);
        if odd {
            ctx.findings.push(Finding {
                id: "STRUCT-DEVICE-CLASS-ODD",
                severity: Severity::Low,
                title: "Unusual device-level class".to_string(),
                explanation: format!(
                    "The device descriptor's class triple is {}; ordinary devices declare 00 (defined at interface level). Typical of gadget frameworks.",
                    d.class
                ),
                evidence: vec![dev_field(d, "bDeviceClass/SubClass/Protocol", d.class.to_string())],
                references: vec!["usb-vetting.md §5.4 STRUCT-DEVICE-CLASS-ODD"],
            });
        }
        if caps.contains(&Capability::Storage) {
            let full_speed = matches!(
                d.speed,
                crate::model::Speed::Full | crate::model::Speed::Low
            ) || d.all_interfaces().any(|(_, i)| {
                i.class.class == 0x08
                    && i.endpoints
                        .iter()
                        .any(|e| e.transfer == TransferType::Bulk && e.max_packet == 64)
            });
            if full_speed {
                ctx.findings.push(Finding {
                    id: "STRUCT-SPEED-FULL-STORAGE",
                    severity: Severity::Medium,
                    title: "Full-speed mass storage".to_string(),
                    explanation: "Storage runs at full speed (bulk packets of 64 bytes). Genuine flash controllers are high or super speed; microcontroller implants (ATmega32u4, RP2040, STM32F1) are full speed.".to_string(),
                    evidence: vec![dev_field(d, "speed / bulk wMaxPacketSize", format!("{:?} / 64", d.speed).to_lowercase())],
                    references: vec!["usb-vetting.md §5.4 STRUCT-SPEED-FULL-STORAGE"],
                });
            }
            if d.max_packet0 == 8 {
                ctx.findings.push(Finding {
                    id: "STRUCT-EP0-8-STORAGE",
                    severity: Severity::Low,
                    title: "Storage with an 8-byte control endpoint".to_string(),
                    explanation: "bMaxPacketSize0 is 8, typical of low-speed or HID-style firmware rather than flash controllers.".to_string(),
                    evidence: vec![dev_field(d, "bMaxPacketSize0", "8")],
                    references: vec!["usb-vetting.md §5.4 STRUCT-EP0-8-STORAGE"],
                });
            }
            for (c, i) in d.all_interfaces() {
                if i.class.class == 0x08
                    && !(i.class.subclass == 0x06 && matches!(i.class.protocol, 0x50 | 0x62))
                {
                    ctx.findings.push(Finding {
                        id: "CAP-STORAGE-LEGACY",
                        severity: Severity::Low,
                        title: "Legacy mass-storage subclass".to_string(),
                        explanation: format!("Interface {} is {}; a modern flash drive is 08:06:50 (bulk-only) or 08:06:62 (UAS).", i.number, i.class),
                        evidence: vec![FieldRef { device: d.path.clone(), config: Some(c.value), interface: Some(i.number), alt: Some(i.alt), field: "bInterfaceClass/SubClass/Protocol".to_string(), value: i.class.to_string() }],
                        references: vec!["USB Mass Storage Class Overview 1.4"],
                    });
                    break;
                }
            }
        }
    }
}

pub(super) fn topology_findings(ctx: &mut Ctx<'_>) {
    let claim = ctx.opts.claim;
    let devices = &ctx.report.devices;
    let hubs: Vec<&Device> = devices.iter().filter(|d| d.is_hub()).collect();
    // Identity-only entries (a plain `lsusb` listing) say nothing about topology.
    let non_hubs: Vec<&Device> = devices
        .iter()
        .filter(|d| !d.is_hub() && !d.identity_only)
        .collect();
    let hub_sev = match claim {
        Claim::FlashDrive | Claim::Charger | Claim::Cable | Claim::PowerBank => {
            Some(Severity::High)
        }
        Claim::Mouse | Claim::SecurityKey | Claim::Phone => Some(Severity::Medium),
        Claim::Keyboard | Claim::Unknown => None,
    };
    if let (Some(sev), false) = (hub_sev, hubs.is_empty()) {
        let ev = hubs
            .iter()
            .map(|d| dev_field(d, "bDeviceClass", d.class.to_string()))
            .collect();
        ctx.add(
            "TOPO-HUB-IN-CLAIM",
            sev,
            format!("{} contains a hub", capitalise(claim.noun())),
            format!(
                "The gift's port shows a hub with {} device(s) behind it; a {} has no reason to contain one, and every device behind it is vetted as part of the gift.",
                non_hubs.len(),
                claim.noun()
            ),
            ev,
            vec!["usb-vetting.md §5.4 TOPO-HUB-IN-CLAIM"],
        );
    }
    if non_hubs.len() > 1 {
        let sev = match claim {
            Claim::Unknown => Severity::Info,
            Claim::Keyboard => Severity::Medium,
            _ => Severity::High,
        };
        let ev = non_hubs
            .iter()
            .map(|d| dev_field(d, "idVendor:idProduct", d.vid_pid()))
            .collect();
        ctx.add(
            "TOPO-MULTIPLE-DEVICES",
            sev,
            format!("{} devices on the gift's port", non_hubs.len()),
            "More than one non-hub device appeared for one gift: functions can be split across devices behind an internal hub.".to_string(),
            ev,
            vec!["usb-vetting.md §5.4 TOPO-MULTIPLE-DEVICES"],
        );
    }
}

pub(super) fn is_gadget_manufacturer(s: &str) -> bool {
    let parts: Vec<&str> = s.split(' ').collect();
    parts.len() == 4
        && parts.first() == Some(&"Linux")
        && parts.get(2) == Some(&"with")
        && parts.iter().all(|p| !p.is_empty())
}

pub(super) fn placeholder_id(v: u16) -> bool {
    matches!(
        v,
        0x0000 | 0xFFFF | 0x1234 | 0xDEAD | 0xBEEF | 0xCAFE | 0xF000
    )
}

/// A repeated digit pattern: 1111, 1212, abab.
pub(super) fn repeated_digits(v: u16) -> bool {
    let [hi, lo] = v.to_be_bytes();
    hi == lo
}

/// What the usb.ids product name says the product is: the kinds named
/// (keyboard, storage, modem, ...) and the union of the capabilities they have.
pub(super) fn implied_by_name(name: &str) -> Option<(String, Vec<Capability>)> {
    use Capability as C;
    const HID: &[Capability] = &[
        C::Keyboard,
        C::Pointer,
        C::SystemControl,
        C::ConsumerControl,
        C::HidVendor,
        C::HidUnknown,
        C::HidOther,
        C::Hub,
        C::Vendor,
    ];
    const FAMILIES: &[(&str, &[&str], &[Capability])] = &[
        (
            "keyboard/mouse/receiver",
            &[
                "keyboard",
                "mouse",
                "receiver",
                "trackball",
                "touchpad",
                "keypad",
            ],
            HID,
        ),
        ("HID", &[" hid ", " hid,", " hid)", "(hid", " hid/"], HID),
        (
            "storage",
            &[
                "flash drive",
                "flash disk",
                "mass storage",
                "card reader",
                "pen drive",
                "thumb drive",
                "usb disk",
                "ssd",
            ],
            &[C::Storage, C::Hub],
        ),
        (
            "serial",
            &["cdc acm", "serial", "uart", "com port", "virtual com"],
            &[C::Serial, C::CommOther, C::Vendor],
        ),
        (
            "modem",
            &["modem", " lte ", " lte)", "wwan", " 3g ", " 4g "],
            &[
                C::Serial,
                C::Network,
                C::Vendor,
                C::Storage,
                C::CommOther,
                C::AudioIn,
                C::AudioOut,
            ],
        ),
        (
            "network adapter",
            &[
                "ethernet",
                "lan adapter",
                "network adapter",
                "wlan",
                "wireless lan",
                "802.11",
            ],
            &[C::Network, C::Vendor, C::Storage, C::CommOther, C::Radio],
        ),
        (
            "bluetooth",
            &["bluetooth"],
            &[C::Radio, C::Vendor, C::FirmwareUpdate, C::HidUnknown],
        ),
        (
            "camera",
            &["camera", "webcam"],
            &[
                C::Video,
                C::AudioIn,
                C::AudioOut,
                C::StillImage,
                C::Vendor,
                C::HidUnknown,
                C::HidOther,
                C::ConsumerControl,
            ],
        ),
        ("hub", &[" hub", "hub "], &[C::Hub, C::Billboard, C::Vendor]),
    ];
    let n = format!(" {} ", name.to_ascii_lowercase());
    let mut kinds: Vec<&str> = Vec::new();
    let mut implied: Vec<Capability> = Vec::new();
    for (kind, words, caps) in FAMILIES {
        if words.iter().any(|w| n.contains(w)) {
            kinds.push(kind);
            implied.extend_from_slice(caps);
        }
    }
    if kinds.is_empty() {
        return None;
    }
    Some((kinds.join(", "), implied))
}

pub(super) fn norm_words(s: &str) -> BTreeSet<String> {
    const STOP: &[&str] = &[
        "inc",
        "corp",
        "corporation",
        "co",
        "ltd",
        "llc",
        "technology",
        "technologies",
        "electronics",
        "semiconductor",
        "company",
        "gmbh",
        "ag",
        "sa",
        "international",
        "limited",
        "the",
        "of",
        "and",
        "com",
        "usb",
    ];
    s.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3 && !STOP.contains(w))
        .map(str::to_string)
        .collect()
}

pub(super) fn identity_findings(ctx: &mut Ctx<'_>) {
    let claim = ctx.opts.claim;
    let ids = usb_ids();
    let mut out = Vec::new();
    for d in &ctx.report.devices {
        if d.is_root_hub() {
            continue;
        }
        let caps = device_capabilities(d);
        let vp = d.vid_pid();
        let idf = |v: String| vec![dev_field(d, "idVendor:idProduct", v)];
        if let Some(row) = lookup_identity(d.vid, d.pid) {
            let row_sev = match row.severity_if_power_or_storage.as_str() {
                "critical" => Severity::Critical,
                "high" => Severity::High,
                "medium" => Severity::Medium,
                "low" => Severity::Low,
                _ => Severity::Info,
            };
            let risky_claim = matches!(
                claim,
                Claim::FlashDrive | Claim::Charger | Claim::Cable | Claim::PowerBank
            );
            let (id, sev) = match row.category.as_str() {
                "attack_tool" => ("ID-KNOWN-ATTACK-TOOL", row_sev),
                "linux_gadget" => ("ID-LINUX-GADGET", Severity::High),
                "dev_board" if risky_claim => ("ID-DEVBOARD", row_sev),
                "dev_board" => ("ID-DEVBOARD", Severity::Low),
                _ => {
                    // A real product's ID that an attack tool spoofs by default:
                    // suspicious only when the functions do not fit it.
                    let fits = caps.iter().all(|c| {
                        matches!(
                            c,
                            Capability::Keyboard
                                | Capability::Pointer
                                | Capability::SystemControl
                                | Capability::ConsumerControl
                                | Capability::HidVendor
                                | Capability::HidUnknown
                                | Capability::HidOther
                                | Capability::Hub
                        )
                    });
                    (
                        "ID-KNOWN-ATTACK-TOOL",
                        if fits { Severity::Info } else { Severity::High },
                    )
                }
            };
            out.push(Finding {
                id,
                severity: sev,
                title: format!("Identity {vp} matches {}", row.identity),
                explanation: format!(
                    "{vp} is the default identity of {}{}. A hint, not proof: identities are trivially spoofed both ways.",
                    row.identity,
                    if row.note.is_empty() { String::new() } else { format!(" ({})", row.note) }
                ),
                evidence: idf(vp.clone()),
                references: vec!["known-identities.csv (embedded)", "usb-vetting.md §4"],
            });
        }
        let vendor = ids.vendor(d.vid);
        let product = ids.product(d.vid, d.pid);
        if placeholder_id(d.vid)
            || placeholder_id(d.pid)
            || (d.vid == d.pid && repeated_digits(d.vid))
        {
            out.push(Finding {
                id: "ID-PLACEHOLDER",
                severity: if ctx.opts.profile == Profile::Lenient { Severity::Low } else { Severity::Medium },
                title: format!("Placeholder identity {vp}"),
                explanation: format!(
                    "{vp} looks like a placeholder a firmware author never replaced{}. Real products ship assigned IDs.",
                    match (vendor, product) {
                        (Some(v), None) => format!(" (usb.ids knows vendor {:04x} as \"{v}\" but no product {:04x})", d.vid, d.pid),
                        (Some(v), Some(p)) => format!(" (usb.ids: \"{v}\" / \"{p}\")"),
                        _ => String::new(),
                    }
                ),
                evidence: idf(vp.clone()),
                references: vec!["usb-vetting.md §5.4 ID-PLACEHOLDER"],
            });
        }
        match (vendor, product) {
            (None, _) => out.push(Finding {
                id: "ID-VID-NOT-IN-USBIDS",
                severity: Severity::Low,
                title: format!("Vendor {:04x} is not in usb.ids", d.vid),
                explanation: "usb.ids does not list this vendor. It is incomplete (Raspberry Pi 2e8a and Espressif 303a are missing too), so this alone means little.".to_string(),
                evidence: vec![dev_field(d, "idVendor", format!("{:04x}", d.vid))],
                references: vec!["usb.ids (embedded)"],
            }),
            (Some(v), None) => out.push(Finding {
                id: "ID-PRODUCT-NOT-IN-USBIDS",
                severity: Severity::Info,
                title: format!("Product {:04x} of {v} is not in usb.ids", d.pid),
                explanation: "usb.ids knows the vendor but not this product; common for newer or niche products.".to_string(),
                evidence: idf(vp.clone()),
                references: vec!["usb.ids (embedded)"],
            }),
            (Some(_), Some(p)) => {
                if let Some((kind, implied)) = implied_by_name(p) {
                    let implied: &[Capability] = &implied;
                    use Capability as C;
                    let risky = [C::Storage, C::Keyboard, C::Pointer, C::Network, C::Serial, C::Radio, C::Video, C::AudioIn, C::SystemControl, C::ConsumerControl];
                    let odd: Vec<&str> = caps
                        .iter()
                        .filter(|c| risky.contains(c) && !implied.contains(c))
                        .map(|c| c.as_str())
                        .collect();
                    if !odd.is_empty() {
                        out.push(Finding {
                            id: "ID-USBIDS-CLASS-MISMATCH",
                            severity: Severity::High,
                            title: format!("{vp} is registered as \"{p}\" but presents {}", odd.join(", ")),
                            explanation: format!("usb.ids names this identity a {kind} product, which would not present {}. Either the identity is borrowed or the firmware is not what the label says.", odd.join(", ")),
                            evidence: idf(vp.clone()),
                            references: vec!["usb.ids (embedded)", "usb-vetting.md §5.4 ID-USBIDS-CLASS-MISMATCH"],
                        });
                    }
                }
            }
        }
        if let (Some(v), Some(m)) = (vendor, d.strings.manufacturer.text()) {
            let a = norm_words(v);
            let b = norm_words(m);
            if !a.is_empty() && !b.is_empty() && a.is_disjoint(&b) && !is_gadget_manufacturer(m) {
                out.push(Finding {
                    id: "ID-VENDOR-STRING-MISMATCH",
                    severity: Severity::Low,
                    title: "Manufacturer string does not match the vendor ID".to_string(),
                    explanation: format!("The device says it is made by \"{}\" while usb.ids assigns {:04x} to \"{v}\". Rebranding explains many cases.", clip(m), d.vid),
                    evidence: vec![dev_field(d, "iManufacturer", clip(m))],
                    references: vec!["usb-vetting.md §5.4 ID-VENDOR-STRING-MISMATCH"],
                });
            }
        }
        let gadget_vid = (d.vid == 0x1d6b && !d.is_root_hub())
            || (d.vid == 0x0525 && (d.pid & 0xFF00) == 0xA400);
        let gadget_mfr = d
            .strings
            .manufacturer
            .text()
            .is_some_and(is_gadget_manufacturer);
        if (gadget_vid || gadget_mfr)
            && !out.iter().any(|f| {
                f.id == "ID-LINUX-GADGET" && f.evidence.first().is_some_and(|e| e.device == d.path)
            })
        {
            out.push(Finding {
                id: "ID-LINUX-GADGET",
                severity: Severity::High,
                title: "A Linux computer posing as a USB device".to_string(),
                explanation: "The identity is that of the Linux USB gadget stack (Raspberry Pi Zero, USB Armory, P4wnP1-class implants): a full computer sits behind the port.".to_string(),
                evidence: if gadget_mfr { vec![dev_field(d, "iManufacturer", d.strings.manufacturer.text().map(clip).unwrap_or_default())] } else { idf(vp.clone()) },
                references: vec!["Linux drivers/usb/gadget/composite.c composite_default_mfr()", "usb-vetting.md §4"],
            });
        }
    }
    ctx.findings.extend(out);
}

pub(super) fn clip(s: &str) -> String {
    if s.chars().count() > 80 {
        let head: String = s.chars().take(80).collect();
        format!("{head}… ({} chars)", s.chars().count())
    } else {
        s.to_string()
    }
}

pub(super) fn placeholder_serial(s: &str) -> bool {
    let u = s.to_ascii_uppercase();
    let first = u.chars().next();
    u.len() >= 4 && u.chars().all(|c| Some(c) == first)
        || u.starts_with("0123456789")
        || u.starts_with("123456789")
        || u == "DEADBEEF"
}

pub(super) fn string_findings(ctx: &mut Ctx<'_>) {
    let claim = ctx.opts.claim;
    let lenient = ctx.opts.profile == Profile::Lenient;
    let mut out = Vec::new();
    let mut unavailable: Vec<FieldRef> = Vec::new();
    for d in &ctx.report.devices {
        let caps = device_capabilities(d);
        let fields = [
            ("iManufacturer", &d.strings.manufacturer),
            ("iProduct", &d.strings.product),
            ("iSerialNumber", &d.strings.serial),
        ];
        for (name, st) in fields {
            if *st == StringState::Unavailable {
                unavailable.push(dev_field(d, name, "index > 0, text not in the input"));
            }
        }
        let m = d.strings.manufacturer.text().unwrap_or("");
        let p = d.strings.product.text().unwrap_or("");
        let s = d.strings.serial.text().unwrap_or("");
        let lm = m.to_ascii_lowercase();
        let lp = p.to_ascii_lowercase();
        let known_serial = matches!(
            s.to_ascii_lowercase().as_str(),
            "deadbeefdeadbeef" | "deadbeef1337"
        );
        let known_mfr = [
            "mame82",
            "digistump.com",
            "teensyduino",
            "flipper devices",
            "hak5",
        ]
        .iter()
        .any(|k| lm.contains(k));
        let known_prod = ["p4wnp1", "bash bunny", "rubber ducky", "o.mg", "digikey"]
            .iter()
            .any(|k| lp.contains(k));
        if known_serial || known_mfr || known_prod {
            let (field, value) = if known_serial {
                ("iSerialNumber", s)
            } else if known_mfr {
                ("iManufacturer", m)
            } else {
                ("iProduct", p)
            };
            out.push(Finding {
                id: "STR-KNOWN-TOOL-STRINGS",
                severity: Severity::Critical,
                title: "Strings of a known attack tool".to_string(),
                explanation: format!("{field} \"{}\" is a default string of an attack tool or its development platform. Strings can be spoofed, so this is a hint: but few legitimate products carry it.", clip(value)),
                evidence: vec![dev_field(d, field, clip(value))],
                references: vec!["known-identities.csv (embedded)", "usb-vetting.md §5.4 STR-KNOWN-TOOL-STRINGS"],
            });
        }
        if is_gadget_manufacturer(m) {
            out.push(Finding {
                id: "STR-GADGET-DEFAULT-MFR",
                severity: Severity::High,
                title: "Default manufacturer string of the Linux gadget stack".to_string(),
                explanation: format!("\"{}\" has the form \"Linux <release> with <udc>\" that Linux gadgets report when nobody set a manufacturer.", clip(m)),
                evidence: vec![dev_field(d, "iManufacturer", clip(m))],
                references: vec!["Linux drivers/usb/gadget/composite.c composite_default_mfr()"],
            });
        }
        if caps.contains(&Capability::Storage) {
            match &d.strings.serial {
                StringState::Absent => out.push(Finding {
                    id: "STR-SERIAL-MISSING-STORAGE",
                    severity: Severity::Low,
                    title: "Storage without a serial number".to_string(),
                    explanation: "The bulk-only transport spec asks storage devices for a unique serial of at least 12 hex digits; many cheap drives ignore it.".to_string(),
                    evidence: vec![dev_field(d, "iSerialNumber", "0")],
                    references: vec!["USB Mass Storage Bulk-Only Transport 1.0 §4.1.1"],
                }),
                StringState::Present(sv)
                    if sv.len() < 12 || !sv.chars().all(|c| c.is_ascii_hexdigit()) =>
                {
                    out.push(Finding {
                        id: "STR-SERIAL-FORMAT-STORAGE",
                        severity: Severity::Low,
                        title: "Storage serial is not 12+ hex digits".to_string(),
                        explanation: "The bulk-only transport spec asks for at least 12 hex digits.".to_string(),
                        evidence: vec![dev_field(d, "iSerialNumber", clip(sv))],
                        references: vec!["USB Mass Storage Bulk-Only Transport 1.0 §4.1.1"],
                    });
                }
                _ => {}
            }
        }
        if !s.is_empty() && placeholder_serial(s) {
            out.push(Finding {
                id: "STR-SERIAL-PLACEHOLDER",
                severity: if claim == Claim::Phone || lenient { Severity::Low } else { Severity::Medium },
                title: format!("Placeholder serial \"{}\"", clip(s)),
                explanation: "The serial is a placeholder (a counting sequence or one repeated character), as left by development firmware or mass-produced clones; every unit shares it.".to_string(),
                evidence: vec![dev_field(d, "iSerialNumber", clip(s))],
                references: vec!["usb-vetting.md §5.4 STR-SERIAL-PLACEHOLDER"],
            });
        }
        for (name, st) in fields {
            let Some(t) = st.text() else { continue };
            if t.chars().any(|c| c.is_control() || c == '\u{FFFD}') {
                out.push(Finding {
                    id: "STR-CONTROL-CHARS",
                    severity: if lenient { Severity::Low } else { Severity::Medium },
                    title: format!("{name} holds control or invalid characters"),
                    explanation: "Strings with control characters or invalid UTF-16 aim at log injection or at confusing the tools that display them.".to_string(),
                    evidence: vec![dev_field(d, name, t.escape_debug().take(80).collect::<String>())],
                    references: vec!["USBGuard Utility::escapeString", "usb-vetting.md §5.4 STR-CONTROL-CHARS"],
                });
            }
            if t.chars().count() > 126 {
                out.push(Finding {
                    id: "STR-OVERLONG",
                    severity: Severity::Medium,
                    title: format!("{name} is longer than a string descriptor can hold"),
                    explanation: format!("A USB string descriptor holds at most 126 UTF-16 code units; this one has {} characters. A crafted input or a parser-exploit attempt.", t.chars().count()),
                    evidence: vec![dev_field(d, name, clip(t))],
                    references: vec!["USB 2.0 §9.6.7 (bLength is one byte)"],
                });
            }
        }
        if !d.identity_only
            && d.strings.manufacturer == StringState::Absent
            && d.strings.product == StringState::Absent
            && d.strings.serial == StringState::Absent
        {
            out.push(Finding {
                id: "STR-NO-STRINGS",
                severity: Severity::Info,
                title: "The device declares no strings".to_string(),
                explanation: "Manufacturer, product and serial indexes are all 0. Legal and common on cheap devices; nothing to compare the identity against.".to_string(),
                evidence: vec![dev_field(d, "iManufacturer/iProduct/iSerialNumber", "0/0/0")],
                references: vec!["USB 2.0 §9.6.1"],
            });
        }
    }
    if !unavailable.is_empty() {
        out.push(Finding {
            id: "STR-UNAVAILABLE",
            severity: Severity::Info,
            title: "Some strings are not in the input".to_string(),
            explanation: "The descriptors name these strings but the input does not carry their text (raw descriptors, or lsusb run without root); the string checks skipped them.".to_string(),
            evidence: unavailable,
            references: vec!["usb-vetting.md §5.4 STR-UNAVAILABLE"],
        });
        ctx.skip(
            "STR-*",
            "some strings are not in the input (index > 0, text unavailable)",
        );
    }
    ctx.findings.extend(out);
}

pub(super) fn behaviour_findings(ctx: &mut Ctx<'_>, caps: &BTreeSet<Capability>) {
    let report = ctx.report;
    if !report.behaviour_observed {
        ctx.skip(
            "BEH-*",
            "only a usbmon capture over time shows keystroke timing and re-enumeration",
        );
        return;
    }
    let mut events: Vec<&crate::model::KeyEvent> = report.key_events.iter().collect();
    events.sort_by_key(|e| e.t_us);
    let mut run = 1usize;
    let mut best = 1usize;
    let mut min_gap: Option<i64> = None;
    for w in events.windows(2) {
        let (Some(a), Some(b)) = (w.first(), w.get(1)) else {
            continue;
        };
        let gap = b.t_us - a.t_us;
        min_gap = Some(min_gap.map_or(gap, |m: i64| m.min(gap)));
        if gap < ctx.opts.typing_threshold_us {
            run += 1;
            best = best.max(run);
        } else {
            run = 1;
        }
    }
    if !events.is_empty() && best >= ctx.opts.typing_window {
        ctx.add(
            "BEH-KEYSTROKE-INJECTION",
            Severity::Critical,
            "Keystrokes at machine speed".to_string(),
            format!(
                "{best} consecutive key presses arrived less than {} µs apart; humans do not type like that (Google UKIP thresholds: {} keys, {} µs).",
                ctx.opts.typing_threshold_us, ctx.opts.typing_window, ctx.opts.typing_threshold_us
            ),
            vec![FieldRef {
                device: events.first().map(|e| e.device.clone()).unwrap_or_default(),
                config: None,
                interface: None,
                alt: None,
                field: "interrupt-IN key reports".to_string(),
                value: format!("{} key-downs, minimum gap {} µs", events.len(), min_gap.unwrap_or(0)),
            }],
            vec!["google/ukip README (KEYSTROKE_WINDOW, ABNORMAL_TYPING)", "usb-vetting.md §5.4 BEH-KEYSTROKE-INJECTION"],
        );
    }
    if !report.reenumerations.is_empty() {
        ctx.add(
            "BEH-REENUMERATION-IDENTITY-CHANGE",
            Severity::High,
            "The device came back as something else".to_string(),
            format!(
                "During the capture, identities {} were read at address 0: the device re-enumerated with a different identity (Bash Bunny ATTACKMODE switching).",
                report.reenumerations.join(", ")
            ),
            vec![FieldRef { device: "address 0".to_string(), config: None, interface: None, alt: None, field: "idVendor:idProduct".to_string(), value: report.reenumerations.join(" ") }],
            vec!["usb-vetting.md §5.4 BEH-REENUMERATION-IDENTITY-CHANGE"],
        );
    }
    if !report.descriptor_instability.is_empty() {
        ctx.add(
            "BEH-DESCRIPTOR-INSTABILITY",
            Severity::High,
            "Descriptors change between reads".to_string(),
            "The same descriptor read twice gave different bytes: the device answers differently depending on when or how it is asked (host fingerprinting).".to_string(),
            report.descriptor_instability.iter().map(|s| FieldRef { device: s.split(':').take(2).collect::<Vec<_>>().join(":"), config: None, interface: None, alt: None, field: "GET_DESCRIPTOR".to_string(), value: s.clone() }).collect(),
            vec!["usb-vetting.md §5.4 BEH-DESCRIPTOR-INSTABILITY"],
        );
    }
    if !report.late_hid.is_empty() {
        ctx.add(
            "BEH-LATE-HID",
            Severity::Medium,
            "A HID function appeared after the storage function".to_string(),
            "During the capture a storage device was configured first and a device with a keyboard-capable HID function more than 2 s later: the staged pattern of gadgets that wait before typing.".to_string(),
            report
                .late_hid
                .iter()
                .map(|s| FieldRef {
                    device: s.split(' ').next().unwrap_or("-").to_string(),
                    config: None,
                    interface: None,
                    alt: None,
                    field: "enumeration time".to_string(),
                    value: s.clone(),
                })
                .collect(),
            vec!["usb-vetting.md §5.4 BEH-LATE-HID"],
        );
    }
    if report.msos_answered && caps.contains(&Capability::Network) {
        ctx.add(
            "BEH-MSOS-RNDIS",
            Severity::Medium,
            "Windows-targeted network gadget".to_string(),
            "The device answered the MS OS string descriptor request (MSFT100) and presents a network function: the pattern P4wnP1 uses to get a driverless RNDIS adapter on Windows.".to_string(),
            vec![FieldRef { device: report.devices.first().map(|d| d.path.clone()).unwrap_or_default(), config: None, interface: None, alt: None, field: "string descriptor 0xEE".to_string(), value: "MSFT100".to_string() }],
            vec!["usb-vetting.md §5.4 BEH-MSOS-RNDIS"],
        );
    }
}

pub(super) fn data_findings(ctx: &mut Ctx<'_>) {
    let report = ctx.report;
    let claim = ctx.opts.claim;
    let identity_only: Vec<FieldRef> = report
        .devices
        .iter()
        .filter(|d| d.identity_only)
        .map(|d| dev_field(d, "idVendor:idProduct", d.vid_pid()))
        .collect();
    if !identity_only.is_empty() {
        ctx.add(
            "DATA-NO-DESCRIPTORS",
            Severity::Info,
            "Identity only, no descriptors".to_string(),
            "The input names the device but carries no interface descriptors, so its capabilities are unknown.".to_string(),
            identity_only,
            vec!["usb-vetting.md §5.4 DATA-*"],
        );
    }
    let mut hid_unavail: Vec<FieldRef> = Vec::new();
    for d in &report.devices {
        for (c, i) in d.all_interfaces() {
            if i.class.class == 0x03 && matches!(i.hid, Some(HidReport::Unavailable) | None) {
                hid_unavail.push(FieldRef {
                    device: d.path.clone(),
                    config: Some(c.value),
                    interface: Some(i.number),
                    alt: Some(i.alt),
                    field: "HID report descriptor".to_string(),
                    value: format!("unavailable; classified from {} alone", i.class),
                });
            }
        }
    }
    if !hid_unavail.is_empty() {
        ctx.add(
            "DATA-HID-REPORT-UNAVAILABLE",
            Severity::Info,
            "HID report descriptors not in the input".to_string(),
            "Without the report descriptor a HID interface is classified from its boot subclass/protocol only; a non-boot interface stays hid_unknown. Re-run with the descriptor (lsusb -v as root with usbhid unbound, or a usbmon capture of the enumeration).".to_string(),
            hid_unavail,
            vec!["usb-vetting.md §1 step 4"],
        );
        ctx.skip(
            "HID report-descriptor classification",
            "report descriptors are not in the input for some HID interfaces",
        );
    }
    let notes: Vec<FieldRef> = report
        .warnings
        .iter()
        .filter(|w| !w.malformed)
        .map(|w| FieldRef {
            device: w.at.clone(),
            config: None,
            interface: None,
            alt: None,
            field: "parser".to_string(),
            value: w.message.clone(),
        })
        .collect();
    if !notes.is_empty() {
        ctx.add(
            "DATA-PARSER-WARNINGS",
            Severity::Info,
            "Parser notes".to_string(),
            "The parser noted things worth knowing about the input.".to_string(),
            notes,
            vec!["usb-vetting.md §5.4 DATA-*"],
        );
    }
    if report.devices.is_empty() {
        let window = report.observation.as_ref().and_then(|o| o.window_s);
        ctx.add(
            "DATA-NOTHING-ENUMERATED",
            Severity::Info,
            "Nothing enumerated".to_string(),
            match window {
                Some(w) => format!("The host watched for {w} s and no USB device appeared."),
                None => "No USB device appeared; the input does not say how long the host watched."
                    .to_string(),
            },
            vec![FieldRef {
                device: "-".to_string(),
                config: None,
                interface: None,
                alt: None,
                field: "window_s".to_string(),
                value: window.map_or("unknown".to_string(), |w| w.to_string()),
            }],
            vec!["usb-vetting.md §2.7"],
        );
    }
    if host_mode_untested(claim, report) {
        ctx.add(
            "DATA-NO-DEVICE-SIDE-PROBE",
            Severity::Info,
            "Host mode not tested".to_string(),
            format!("Enumeration cannot see a {} that acts as a USB host against a phone; no device-side probe result was given.", claim.noun()),
            vec![FieldRef { device: "-".to_string(), config: None, interface: None, alt: None, field: "device_side_probe.performed".to_string(), value: "false".to_string() }],
            vec!["usb-vetting.md §2.7", "usb-vetting.md §8 charger host-mode"],
        );
        ctx.skip(
            "CAP-HOST-IN-CHARGER",
            "no device-side probe result in the input",
        );
    }
}
