//! The capability model: what each interface can do, and what the rules say about each
//! capability (one row per capability) and about each claim.

use std::collections::BTreeSet;

use crate::model::{Device, HidReport, Interface, TransferType};
use crate::{Capability, Claim, Profile, Severity};

/// Capabilities of one interface alternate setting.
pub fn interface_capabilities(iface: &Interface) -> Vec<Capability> {
    let c = iface.class;
    let caps = match c.class {
        0x03 => match &iface.hid {
            Some(HidReport::Parsed { applications, .. }) if !applications.is_empty() => {
                let mut v: Vec<Capability> = applications.iter().map(|a| a.capability).collect();
                // A boot interface can be switched to the boot protocol by the
                // host (SET_PROTOCOL), whatever its report descriptor says.
                match (c.subclass, c.protocol) {
                    (1, 1) => v.push(Capability::Keyboard),
                    (1, 2) => v.push(Capability::Pointer),
                    _ => {}
                }
                v.sort();
                v.dedup();
                return v;
            }
            Some(HidReport::Parsed { .. }) => Capability::HidUnknown,
            _ => match (c.subclass, c.protocol) {
                (1, 1) => Capability::Keyboard,
                (1, 2) => Capability::Pointer,
                _ => Capability::HidUnknown,
            },
        },
        0x08 => Capability::Storage,
        0x02 => match c.subclass {
            0x02 if c.protocol == 0xFF => Capability::Network,
            0x02 => Capability::Serial,
            0x06 | 0x07 | 0x0C | 0x0D | 0x0E => Capability::Network,
            _ if iface
                .cdc_subtypes
                .iter()
                .any(|s| matches!(s, 0x0F | 0x1A | 0x1B)) =>
            {
                Capability::Network
            }
            _ => Capability::CommOther,
        },
        0x0A => return Vec::new(),
        0x01 => match c.subclass {
            0x02 if iface
                .endpoints
                .iter()
                .any(|e| e.is_in() && e.transfer == TransferType::Isochronous) =>
            {
                Capability::AudioIn
            }
            0x01 | 0x02 => Capability::AudioOut,
            _ => Capability::Other,
        },
        0x06 => Capability::StillImage,
        0x07 => Capability::Printer,
        0x09 => Capability::Hub,
        0x0B => Capability::Smartcard,
        0x0E | 0x10 => Capability::Video,
        0x11 => Capability::Billboard,
        0xE0 => match (c.subclass, c.protocol) {
            (0x01, 0x03) => Capability::Network,
            _ => Capability::Radio,
        },
        0xEF => match (c.subclass, c.protocol) {
            (0x01, 0x01) | (0x04, _) => Capability::Network,
            (0x05, _) => Capability::Video,
            _ => Capability::Other,
        },
        0xFE => match c.subclass {
            0x01 => Capability::FirmwareUpdate,
            0x02 => Capability::Radio,
            _ => Capability::Other,
        },
        0xFF => Capability::Vendor,
        _ => Capability::Other,
    };
    vec![caps]
}

/// Every capability of a device, across configurations and alternate settings.
pub fn device_capabilities(d: &Device) -> BTreeSet<Capability> {
    let mut set: BTreeSet<Capability> = d
        .all_interfaces()
        .flat_map(|(_, i)| interface_capabilities(i))
        .collect();
    if d.class.class == 0x09 {
        set.insert(Capability::Hub);
    }
    if d.bos_billboard && set.is_empty() {
        set.insert(Capability::Billboard);
    }
    set
}

/// How a claim treats a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Allow {
    Expected,
    At(Severity),
}

/// How `claim` treats `cap`: expected, or unexpected at a severity (the capability's
/// default unless the claim names another).
pub(super) fn allowance(claim: Claim, cap: Capability) -> Allow {
    use Capability as C;
    use Severity as S;
    let at = Allow::At;
    match claim {
        Claim::Unknown => Allow::Expected,
        Claim::FlashDrive => match cap {
            C::Storage | C::Hub | C::Billboard => Allow::Expected,
            _ => at(capability_row(cap).default_severity),
        },
        Claim::Charger | Claim::Cable | Claim::PowerBank => match cap {
            C::Hub | C::Billboard => Allow::Expected,
            _ => at(capability_row(cap).default_severity),
        },
        Claim::Phone => match cap {
            C::StillImage
            | C::Vendor
            | C::Storage
            | C::Network
            | C::Serial
            | C::CommOther
            | C::AudioIn
            | C::AudioOut
            | C::Hub
            | C::Billboard => Allow::Expected,
            C::Fido => at(S::Low),
            C::HidUnknown => at(S::Info),
            C::Keyboard | C::Pointer => at(S::High),
            _ => at(capability_row(cap).default_severity),
        },
        Claim::Keyboard => match cap {
            C::Keyboard | C::SystemControl | C::ConsumerControl | C::Pointer | C::Hub => {
                Allow::Expected
            }
            C::HidVendor | C::HidOther => at(S::Low),
            C::HidUnknown | C::Billboard => at(S::Info),
            C::Network => at(S::High),
            _ => at(capability_row(cap).default_severity),
        },
        Claim::Mouse => match cap {
            C::Pointer | C::HidVendor => Allow::Expected,
            C::Keyboard | C::HidUnknown => at(S::Medium),
            C::SystemControl | C::ConsumerControl | C::HidOther => at(S::Low),
            C::Hub | C::Billboard => at(S::Info),
            _ => at(capability_row(cap).default_severity),
        },
        Claim::SecurityKey => match cap {
            C::Fido | C::Smartcard | C::HidVendor => Allow::Expected,
            C::Keyboard | C::HidUnknown | C::Storage => at(S::Medium),
            C::Network => at(S::High),
            C::Hub | C::Billboard => at(S::Info),
            _ => at(capability_row(cap).default_severity),
        },
    }
}

/// What the rules say about one capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CapabilityRow {
    /// Its name in the verdict (`Capability::as_str`, the serialised name).
    pub(crate) name: &'static str,
    /// A phrase for the analyst's note (`Capability::describe`).
    pub(crate) describe: &'static str,
    /// Its severity where a claim does not expect it and names no other.
    pub(crate) default_severity: Severity,
    /// The finding raised when it is outside the claim.
    pub(crate) finding_id: &'static str,
    /// Why that matters, in the finding's explanation.
    pub(crate) rationale: &'static str,
    pub(crate) references: &'static [&'static str],
}

const HID_REFERENCES: &[&str] = &[
    "usbguard-rules.conf(5), Example 3",
    "HID 1.11 §6.2.2 report descriptors",
    "usb-vetting.md §5.4 CAP-*",
];
const NETWORK_REFERENCES: &[&str] = &[
    "USB class codes 02/06 ECM, 02/0d NCM, 02/0e MBIM, 02/0c/07 EEM, RNDIS 02/02/ff e0/01/03 ef/04",
    "usb-vetting.md §5.4 CAP-NETWORK",
];
const CLAIM_REFERENCES: &[&str] = &[
    "usb-vetting.md §5.3 allowed capabilities per claim",
    "usb-vetting.md §5.4",
];
/// The finding of a capability without a finding of its own.
const UNEXPECTED: &str = "CAP-UNEXPECTED-FUNCTION";
const NOT_NEEDED: &str = "a function the claimed device does not need";
const SYSCTL_CONSUMER: &str =
    "system and consumer control keys can launch applications, sleep or power off the host";

/// The capability table: one row per capability, in one exhaustive `match` (no
/// catch-all), so that a new capability does not compile until its row is written.
/// Kept one row to a line, as a table (rustfmt would spread each over eight).
#[rustfmt::skip]
pub(crate) fn capability_row(cap: Capability) -> CapabilityRow {
    use Capability as C;
    use Severity as S;
    let row = |name, describe, default_severity, finding_id, rationale, references| CapabilityRow {
        name,
        describe,
        default_severity,
        finding_id,
        rationale,
        references,
    };
    match cap {
        C::Storage => row("storage", "mass storage", S::High, "CAP-STORAGE", "mass storage can carry and exfiltrate data", CLAIM_REFERENCES),
        C::Keyboard => row("keyboard", "a keyboard", S::Critical, "CAP-HID-KEYBOARD", "a keyboard can type commands into the host (keystroke injection: Rubber Ducky, Bash Bunny, O.MG, Teensy/Digispark)", HID_REFERENCES),
        C::Pointer => row("pointer", "a pointer (mouse or touch)", S::High, "CAP-HID-POINTER", "a pointer can click consent prompts (ChoiceJacking-style use of HID)", HID_REFERENCES),
        C::SystemControl => row("system_control", "system control keys (sleep, power)", S::High, "CAP-HID-SYSCTL-CONSUMER", SYSCTL_CONSUMER, HID_REFERENCES),
        C::ConsumerControl => row("consumer_control", "consumer control keys (app launch, media)", S::High, "CAP-HID-SYSCTL-CONSUMER", SYSCTL_CONSUMER, HID_REFERENCES),
        C::HidVendor => row("hid_vendor", "a vendor-defined HID channel", S::High, "CAP-HID-VENDOR", "a vendor-defined HID channel is a raw bidirectional path that needs no driver (P4wnP1 raw HID, O.MG-class exfiltration)", HID_REFERENCES),
        C::HidUnknown => row("hid_unknown", "a HID interface of unknown kind", S::High, "CAP-HID-UNKNOWN", "its report descriptor is unavailable, so it must be treated as a possible keyboard until the descriptor is read", HID_REFERENCES),
        C::HidOther => row("hid_other", "a HID device of another kind", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Fido => row("fido", "a FIDO authenticator", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Network => row("network", "a network adapter", S::Critical, "CAP-NETWORK", "a rogue network adapter can hijack DHCP, DNS, WPAD and routes (Bash Bunny, P4wnP1, PoisonTap)", NETWORK_REFERENCES),
        C::Serial => row("serial", "a serial port", S::High, "CAP-SERIAL", "a serial port is a command and console channel into an implant", CLAIM_REFERENCES),
        C::CommOther => row("comm_other", "a communications function", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::AudioIn => row("audio_in", "an audio input (microphone)", S::High, "CAP-AUDIO-IN", "an audio input can record covertly", CLAIM_REFERENCES),
        C::AudioOut => row("audio_out", "an audio output", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Video => row("video", "a camera or video function", S::High, "CAP-VIDEO", "a camera function can record covertly", CLAIM_REFERENCES),
        C::Radio => row("radio", "a radio (Bluetooth or wireless)", S::High, "CAP-RADIO", "a radio is an exfiltration path", CLAIM_REFERENCES),
        C::FirmwareUpdate => row("firmware_update", "a firmware-update (DFU) function", S::Medium, "CAP-FIRMWARE-UPDATE", "a firmware-update function makes the device re-flashable (BadUSB persistence); common on legitimate gear such as audio interfaces and debug probes", CLAIM_REFERENCES),
        C::Vendor => row("vendor", "a vendor-specific function", S::Medium, "CAP-VENDOR-IFACE", "a vendor-specific interface has an unknown function", CLAIM_REFERENCES),
        C::StillImage => row("still_image", "a still-image/MTP function", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Printer => row("printer", "a printer", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Smartcard => row("smartcard", "a smart-card reader", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Hub => row("hub", "a hub", S::Info, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Billboard => row("billboard", "a USB-C Billboard", S::Info, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
        C::Other => row("other", "another class of function", S::Medium, UNEXPECTED, NOT_NEEDED, CLAIM_REFERENCES),
    }
}

pub(super) fn lenient_cap(profile: Profile, claim: Claim, id: &str, sev: Severity) -> Severity {
    // USB-C bricks and docks may carry a vendor HID for firmware updates.
    if profile == Profile::Lenient && claim.is_power_only() && id == "CAP-HID-VENDOR" {
        return sev.min(Severity::Medium);
    }
    if profile == Profile::Lenient
        && matches!(
            id,
            "CAP-FIRMWARE-UPDATE" | "CAP-VENDOR-IFACE" | "CAP-UNEXPECTED-FUNCTION"
        )
    {
        return sev.min(Severity::Low);
    }
    sev
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every capability (a new one must be added here too).
    const ALL: [Capability; 24] = [
        Capability::Storage,
        Capability::Keyboard,
        Capability::Pointer,
        Capability::SystemControl,
        Capability::ConsumerControl,
        Capability::HidVendor,
        Capability::HidUnknown,
        Capability::HidOther,
        Capability::Fido,
        Capability::Network,
        Capability::Serial,
        Capability::CommOther,
        Capability::AudioIn,
        Capability::AudioOut,
        Capability::Video,
        Capability::Radio,
        Capability::FirmwareUpdate,
        Capability::Vendor,
        Capability::StillImage,
        Capability::Printer,
        Capability::Smartcard,
        Capability::Hub,
        Capability::Billboard,
        Capability::Other,
    ];

    #[test]
    fn each_row_names_its_capability_as_the_verdict_serialises_it() {
        for cap in ALL {
            let row = capability_row(cap);
            let serialised = serde_json::to_value(cap).expect("a capability serialises");
            assert_eq!(serialised, serde_json::Value::from(row.name), "{cap:?}");
            assert_eq!(cap.as_str(), row.name);
            assert_eq!(cap.describe(), row.describe);
        }
        let names: BTreeSet<&str> = ALL.iter().map(|&c| capability_row(c).name).collect();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn a_capability_with_a_finding_of_its_own_says_why_it_matters() {
        for cap in ALL {
            let row = capability_row(cap);
            assert!(row.finding_id.starts_with("CAP-"), "{cap:?}");
            assert_eq!(
                row.finding_id == UNEXPECTED,
                row.rationale == NOT_NEEDED,
                "{cap:?}: a capability's own finding has its own rationale"
            );
            assert!(!row.references.is_empty(), "{cap:?}");
        }
    }
}
