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

pub(super) fn default_severity(cap: Capability) -> Severity {
    match cap {
        Capability::Keyboard | Capability::Network => Severity::Critical,
        Capability::Pointer
        | Capability::SystemControl
        | Capability::ConsumerControl
        | Capability::HidVendor
        | Capability::HidUnknown
        | Capability::Serial
        | Capability::AudioIn
        | Capability::Video
        | Capability::Radio
        | Capability::Storage => Severity::High,
        Capability::FirmwareUpdate | Capability::Vendor => Severity::Medium,
        Capability::Hub | Capability::Billboard => Severity::Info,
        _ => Severity::Medium,
    }
}

pub(super) fn allowance(claim: Claim, cap: Capability) -> Allow {
    use Capability as C;
    use Severity as S;
    let at = Allow::At;
    match claim {
        Claim::Unknown => Allow::Expected,
        Claim::FlashDrive => match cap {
            C::Storage | C::Hub | C::Billboard => Allow::Expected,
            _ => at(default_severity(cap)),
        },
        Claim::Charger | Claim::Cable | Claim::PowerBank => match cap {
            C::Hub | C::Billboard => Allow::Expected,
            _ => at(default_severity(cap)),
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
            _ => at(default_severity(cap)),
        },
        Claim::Keyboard => match cap {
            C::Keyboard | C::SystemControl | C::ConsumerControl | C::Pointer | C::Hub => {
                Allow::Expected
            }
            C::HidVendor | C::HidOther => at(S::Low),
            C::HidUnknown | C::Billboard => at(S::Info),
            C::Network => at(S::High),
            _ => at(default_severity(cap)),
        },
        Claim::Mouse => match cap {
            C::Pointer | C::HidVendor => Allow::Expected,
            C::Keyboard | C::HidUnknown => at(S::Medium),
            C::SystemControl | C::ConsumerControl | C::HidOther => at(S::Low),
            C::Hub | C::Billboard => at(S::Info),
            _ => at(default_severity(cap)),
        },
        Claim::SecurityKey => match cap {
            C::Fido | C::Smartcard | C::HidVendor => Allow::Expected,
            C::Keyboard | C::HidUnknown | C::Storage => at(S::Medium),
            C::Network => at(S::High),
            C::Hub | C::Billboard => at(S::Info),
            _ => at(default_severity(cap)),
        },
    }
}

/// The finding id for a capability outside the claim.
pub(super) fn cap_finding_id(cap: Capability) -> &'static str {
    match cap {
        Capability::Keyboard => "CAP-HID-KEYBOARD",
        Capability::Pointer => "CAP-HID-POINTER",
        Capability::SystemControl | Capability::ConsumerControl => "CAP-HID-SYSCTL-CONSUMER",
        Capability::HidVendor => "CAP-HID-VENDOR",
        Capability::HidUnknown => "CAP-HID-UNKNOWN",
        Capability::Network => "CAP-NETWORK",
        Capability::Serial => "CAP-SERIAL",
        Capability::AudioIn => "CAP-AUDIO-IN",
        Capability::Video => "CAP-VIDEO",
        Capability::Radio => "CAP-RADIO",
        Capability::FirmwareUpdate => "CAP-FIRMWARE-UPDATE",
        Capability::Vendor => "CAP-VENDOR-IFACE",
        Capability::Storage => "CAP-STORAGE",
        _ => "CAP-UNEXPECTED-FUNCTION",
    }
}

pub(super) fn cap_rationale(cap: Capability) -> &'static str {
    match cap {
        Capability::Keyboard => "a keyboard can type commands into the host (keystroke injection: Rubber Ducky, Bash Bunny, O.MG, Teensy/Digispark)",
        Capability::Pointer => "a pointer can click consent prompts (ChoiceJacking-style use of HID)",
        Capability::SystemControl | Capability::ConsumerControl => "system and consumer control keys can launch applications, sleep or power off the host",
        Capability::HidVendor => "a vendor-defined HID channel is a raw bidirectional path that needs no driver (P4wnP1 raw HID, O.MG-class exfiltration)",
        Capability::HidUnknown => "its report descriptor is unavailable, so it must be treated as a possible keyboard until the descriptor is read",
        Capability::Network => "a rogue network adapter can hijack DHCP, DNS, WPAD and routes (Bash Bunny, P4wnP1, PoisonTap)",
        Capability::Serial => "a serial port is a command and console channel into an implant",
        Capability::AudioIn => "an audio input can record covertly",
        Capability::Video => "a camera function can record covertly",
        Capability::Radio => "a radio is an exfiltration path",
        Capability::FirmwareUpdate => "a firmware-update function makes the device re-flashable (BadUSB persistence); common on legitimate gear such as audio interfaces and debug probes",
        Capability::Vendor => "a vendor-specific interface has an unknown function",
        Capability::Storage => "mass storage can carry and exfiltrate data",
        _ => "a function the claimed device does not need",
    }
}

pub(super) fn cap_references(cap: Capability) -> Vec<&'static str> {
    match cap {
        Capability::Keyboard
        | Capability::Pointer
        | Capability::HidUnknown
        | Capability::SystemControl
        | Capability::ConsumerControl
        | Capability::HidVendor => vec![
            "usbguard-rules.conf(5), Example 3",
            "HID 1.11 §6.2.2 report descriptors",
            "usb-vetting.md §5.4 CAP-*",
        ],
        Capability::Network => vec![
            "USB class codes 02/06 ECM, 02/0d NCM, 02/0e MBIM, 02/0c/07 EEM, RNDIS 02/02/ff e0/01/03 ef/04",
            "usb-vetting.md §5.4 CAP-NETWORK",
        ],
        _ => vec!["usb-vetting.md §5.3 allowed capabilities per claim", "usb-vetting.md §5.4"],
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
