//! The real samples of usb-vetting.md §7.1 (R1-R20), read from ../shared.

mod common;

use ascribe_device::hid::{classify, decode_hex};
use ascribe_device::{Capability, Claim, Severity, Verdict};
use common::severity;

const HOLTEK: &str = "lsusb/jc_holtek-keyboard_04d9-4545.lsusb-v.txt";
const LG: &str = "raw/usbguard_lg-phone-tethering_1004-61fe.descriptors.bin";
const XPERIA: &str = "sysfs/umockdev_sony-xperia-mini-pro-mtp_0fce-0166.umockdev";
const YUBICO: &str = "sysfs/umockdev_yubico-fido2-key_1050-0120.umockdev";
const KINESIS: &str = "sysfs/umockdev_kinesis-keyboard-behind-hub_05f3-0007.umockdev";
const PCAP: &str = "pcap/umockdev_usbkbd-enumeration_04d9-1603.linktype220.pcapng";
const DOCK: &str = "sysfs/usbguard_devices-dock-trackball-keyboard.umockdev";
const FRAMEWORK_DUMP: &str = "lsusb/jc_system-dump-framework-laptop.lsusb-v.txt";

/// What vetting one real sample under one claim must show.
struct Case {
    /// The test the row stands for (R1-R20 of §7.1, or "more").
    name: &'static str,
    /// A path under `shared/data/usb/`.
    sample: &'static str,
    claim: Claim,
    selector: Option<&'static str>,
    verdict: Option<&'static str>,
    /// Finding ids with the highest severity among their findings.
    severities: &'static [(&'static str, Severity)],
    /// Finding ids with how many findings have them.
    counts: &'static [(&'static str, usize)],
    present: &'static [&'static str],
    absent: &'static [&'static str],
    /// Finding ids with one value that must be among their evidence.
    evidence: &'static [(&'static str, &'static str)],
    /// Nothing at or above medium severity.
    quiet: bool,
    devices: Option<usize>,
    /// What is particular to the sample.
    more: fn(&Verdict),
}

const CASE: Case = Case {
    name: "",
    sample: "",
    claim: Claim::Unknown,
    selector: None,
    verdict: None,
    severities: &[],
    counts: &[],
    present: &[],
    absent: &[],
    evidence: &[],
    quiet: false,
    devices: None,
    more: nothing_more,
};

fn nothing_more(_: &Verdict) {}

impl Case {
    fn check(&self, v: &Verdict) {
        let name = self.name;
        if let Some(verdict) = self.verdict {
            assert_eq!(v.verdict.as_str(), verdict, "{name}: {:#?}", v.findings);
        }
        for (id, s) in self.severities {
            assert_eq!(severity(v, id), Some(*s), "{name}: severity of {id}");
        }
        for (id, n) in self.counts {
            let count = v.findings.iter().filter(|f| f.id == *id).count();
            assert_eq!(count, *n, "{name}: findings {id}");
        }
        let ids: Vec<&str> = v.findings.iter().map(|f| f.id).collect();
        for id in self.present {
            assert!(ids.contains(id), "{name}: missing {id}");
        }
        for id in self.absent {
            assert!(!ids.contains(id), "{name}: unexpected {id}");
        }
        for (id, value) in self.evidence {
            let f = v.findings.iter().find(|f| f.id == *id);
            let f = f.unwrap_or_else(|| panic!("{name}: missing {id}"));
            let values: Vec<&str> = f.evidence.iter().map(|e| e.value.as_str()).collect();
            assert!(values.contains(value), "{name}: {id} evidence {values:?}");
        }
        if self.quiet {
            let loud: Vec<_> = v
                .findings
                .iter()
                .filter(|f| f.severity >= Severity::Medium)
                .map(|f| (f.id, f.severity))
                .collect();
            assert!(loud.is_empty(), "{name}: unexpected findings {loud:?}");
        }
        if let Some(n) = self.devices {
            assert_eq!(v.devices.len(), n, "{name}: devices");
        }
        let more = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.more)(v)));
        if let Err(panic) = more {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic");
            panic!("{name}: {why}");
        }
    }
}

const ABSENT: &str = "CAP-CLAIMED-FUNCTION-ABSENT";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "r01 holtek keyboard as keyboard passes",
            sample: HOLTEK,
            claim: Claim::Keyboard,
            verdict: Some("PASS"),
            quiet: true,
            more: |v| {
                assert_eq!(
                    v.capabilities,
                    vec![Capability::Keyboard, Capability::Pointer]
                );
            },
            ..CASE
        },
        Case {
            name: "r02 holtek keyboard as flash drive fails",
            sample: HOLTEK,
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            severities: &[
                ("CAP-HID-KEYBOARD", Severity::Critical),
                ("CAP-HID-POINTER", Severity::High),
            ],
            present: &[ABSENT],
            // The serial index is 0: absent, not unavailable.
            absent: &["STR-UNAVAILABLE"],
            ..CASE
        },
        Case {
            name: "r03 g502 mouse warns on unknown hid",
            sample: "lsusb/jc_logitech-g502-mouse_046d-c08b.lsusb-v.txt",
            claim: Claim::Mouse,
            verdict: Some("WARN"),
            severities: &[("CAP-HID-UNKNOWN", Severity::Medium)],
            present: &["DATA-HID-REPORT-UNAVAILABLE"],
            ..CASE
        },
        Case {
            name: "r04 framework hdmi card as charger fails",
            sample: "lsusb/jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt",
            claim: Claim::Charger,
            verdict: Some("FAIL"),
            severities: &[("CAP-ENUMERATED-ON-POWER-ONLY", Severity::Critical)],
            present: &["CAP-HID-UNKNOWN"],
            more: |v| {
                assert!(v.capabilities.contains(&Capability::Billboard));
                assert!(v.cannot_see.iter().any(|c| c.contains("USB host")));
            },
            ..CASE
        },
        Case {
            name: "r05 nrf52 serial as flash drive fails",
            sample: "lsusb/jc_nrf52-cdc-acm_1915-521a.lsusb-v.txt",
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            severities: &[("CAP-SERIAL", Severity::High)],
            present: &[ABSENT],
            ..CASE
        },
        Case {
            name: "r06 quectel mbim as flash drive fails",
            sample: "lsusb/jc_quectel-ec25-mbim_2c7c-0125.lsusb-v.txt",
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            severities: &[("CAP-NETWORK", Severity::Critical)],
            present: &["CAP-VENDOR-IFACE", ABSENT],
            more: |v| {
                let net = v.findings.iter().find(|f| f.id == "CAP-NETWORK");
                let net = net.expect("network");
                assert!(net.evidence.iter().any(|e| e.value.starts_with("02:0e:00")));
            },
            ..CASE
        },
        Case {
            name: "r07 lg phone as phone passes",
            sample: LG,
            claim: Claim::Phone,
            verdict: Some("PASS"),
            quiet: true,
            more: |v| assert!(v.checks_skipped.iter().any(|s| s.check == "STR-*")),
            ..CASE
        },
        Case {
            name: "r08 lg phone as flash drive fails",
            sample: LG,
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            present: &["CAP-NETWORK", "CAP-SERIAL", "CAP-VENDOR-IFACE", ABSENT],
            evidence: &[("CAP-NETWORK", "02:06:00"), ("CAP-SERIAL", "02:02:01")],
            ..CASE
        },
        Case {
            name: "r09 xperia as phone passes with low placeholder serial",
            sample: XPERIA,
            claim: Claim::Phone,
            verdict: Some("PASS"),
            severities: &[("STR-SERIAL-PLACEHOLDER", Severity::Low)],
            // The host's hubs are not part of the gift.
            devices: Some(1),
            more: |v| assert_eq!(v.devices[0].vid, "0fce"),
            ..CASE
        },
        Case {
            name: "r10 xperia as flash drive fails",
            sample: XPERIA,
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            severities: &[("STR-SERIAL-PLACEHOLDER", Severity::Medium)],
            present: &[ABSENT],
            evidence: &[("CAP-VENDOR-IFACE", "ff:ff:00")],
            ..CASE
        },
        Case {
            name: "r11 yubico as security key passes",
            sample: YUBICO,
            claim: Claim::SecurityKey,
            verdict: Some("PASS"),
            more: |v| {
                assert_eq!(v.capabilities, vec![Capability::Fido]);
                let f = &v.devices[0].functions[0];
                assert_eq!(f.hid_usages, vec!["f1d0:0001".to_string()]);
            },
            ..CASE
        },
        Case {
            name: "r12 yubico as flash drive fails without keyboard",
            sample: YUBICO,
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            present: &[ABSENT],
            absent: &["CAP-HID-KEYBOARD"],
            ..CASE
        },
        Case {
            name: "r13 kinesis subtree as keyboard passes",
            sample: KINESIS,
            claim: Claim::Keyboard,
            selector: Some("1-1.5.4"),
            verdict: Some("PASS"),
            quiet: true,
            devices: Some(2),
            present: &["STR-NO-STRINGS"],
            more: |v| {
                assert!(v.capabilities.contains(&Capability::Hub));
                assert!(v.capabilities.contains(&Capability::Keyboard));
            },
            ..CASE
        },
        Case {
            name: "r14 kinesis subtree as flash drive fails",
            sample: KINESIS,
            claim: Claim::FlashDrive,
            selector: Some("1-1.5.4"),
            verdict: Some("FAIL"),
            present: &["TOPO-HUB-IN-CLAIM", "CAP-HID-KEYBOARD", ABSENT],
            ..CASE
        },
        Case {
            name: "r15 placeholder keyboard warns",
            sample: DOCK,
            claim: Claim::Keyboard,
            selector: Some("1-4.1.3"),
            verdict: Some("WARN"),
            severities: &[
                ("ID-PLACEHOLDER", Severity::Medium),
                ("ID-PRODUCT-NOT-IN-USBIDS", Severity::Info),
            ],
            absent: &["ID-VID-NOT-IN-USBIDS"],
            devices: Some(1),
            ..CASE
        },
        Case {
            name: "r16 capture keyboard passes without injection",
            sample: PCAP,
            claim: Claim::Keyboard,
            verdict: Some("PASS"),
            absent: &["BEH-KEYSTROKE-INJECTION"],
            devices: Some(1),
            more: |v| {
                let d = &v.devices[0];
                assert_eq!(
                    (d.vid.as_str(), d.pid.as_str(), d.path.as_str()),
                    ("04d9", "1603", "001:011")
                );
                assert_eq!(
                    d.strings.product,
                    ascribe_device::model::StringState::Present("USB Keyboard".to_string())
                );
                let parsed = d
                    .functions
                    .iter()
                    .filter(|f| f.hid_report == Some("parsed"));
                assert_eq!(parsed.count(), 2);
                // The webcam and fingerprint reader are outside the gift's scope.
                let excluded = &v.input.excluded_devices;
                assert_eq!(excluded.len(), 2);
                assert!(excluded.iter().any(|e| e.contains("04f2:b67d")));
                assert!(excluded.iter().any(|e| e.contains("06cb:00bd")));
            },
            ..CASE
        },
        Case {
            name: "r17 capture keyboard as flash drive fails",
            sample: PCAP,
            claim: Claim::FlashDrive,
            selector: Some("001:011"),
            verdict: Some("FAIL"),
            present: &["CAP-HID-KEYBOARD", "CAP-HID-SYSCTL-CONSUMER", ABSENT],
            more: |v| {
                let usages = &v.devices[0].functions[1].hid_usages;
                assert_eq!(
                    usages,
                    &vec!["0001:0080".to_string(), "000c:0001".to_string()]
                );
            },
            ..CASE
        },
        Case {
            name: "r18 black magic probe as flash drive fails",
            sample: "lsusb/cyme_black-magic-probe-iad-dfu_1d50-6018.lsusb-v.txt",
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            counts: &[("CAP-SERIAL", 2)],
            present: &["CAP-VENDOR-IFACE", ABSENT],
            evidence: &[("CAP-FIRMWARE-UPDATE", "fe:01:01")],
            more: |v| {
                let functions = &v.devices[0].functions;
                let assoc = functions.iter().filter(|f| f.association.is_some());
                assert!(assoc.count() >= 4);
            },
            ..CASE
        },
        Case {
            name: "r20 whole framework dump",
            sample: FRAMEWORK_DUMP,
            devices: Some(10),
            ..CASE
        },
        Case {
            name: "more: segger j-link as flash drive fails",
            sample: "lsusb/cyme_segger-jlink-cdc-vendor_1366-1050.lsusb-v.txt",
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            counts: &[("CAP-SERIAL", 2)],
            present: &["CAP-VENDOR-IFACE"],
            ..CASE
        },
        Case {
            name: "more: goodix fingerprint reader as flash drive fails",
            sample: "lsusb/jc_goodix-fingerprint-vendor_27c6-609c.lsusb-v.txt",
            claim: Claim::FlashDrive,
            verdict: Some("FAIL"),
            present: &["CAP-VENDOR-IFACE"],
            ..CASE
        },
        Case {
            name: "more: the capture's sysfs snapshot as keyboard passes",
            sample: "pcap/umockdev_usbkbd-enumeration_04d9-1603.sysfs.umockdev",
            claim: Claim::Keyboard,
            verdict: Some("PASS"),
            more: |v| assert_eq!(v.devices[0].vid, "04d9"),
            ..CASE
        },
        Case {
            // The whole CentOS dump: virtual VMware devices, root hubs skipped.
            name: "more: vmware centos dump",
            sample: "lsusb/jc_system-dump-vmware-centos7.lsusb-v.txt",
            more: |v| {
                assert!(v.devices.iter().all(|d| d.vid == "0e0f"));
                let warnings = &v.input.parser_warnings;
                assert!(warnings.iter().all(|w| !w.malformed), "{warnings:?}");
            },
            ..CASE
        },
        Case {
            // The trackball behind the dock, selected by VID:PID.
            name: "more: dock trackball as mouse passes",
            sample: DOCK,
            claim: Claim::Mouse,
            selector: Some("047d:2048"),
            verdict: Some("PASS"),
            devices: Some(1),
            more: |v| assert_eq!(v.capabilities, vec![Capability::Pointer]),
            ..CASE
        },
    ]
}

#[test]
fn real_samples_vet_as_section_7_1_says() {
    for case in cases() {
        let vetted = common::vet_sample(case.sample, case.sample, case.claim, case.selector);
        let Some(v) = vetted else {
            return;
        };
        case.check(&v);
    }
}

#[test]
fn r08_lg_phone_descriptors_match_usbguard_parse() {
    // Golden counts from USBGuard's own parse of the same blob.
    let Some(p) = common::sample(LG) else {
        return;
    };
    let blob = std::fs::read(p).expect("blob");
    assert_eq!(blob.len(), 195);
    let mut w = Vec::new();
    let d = ascribe_device::raw::parse_descriptors(&blob, "-", &mut w).expect("device");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(d.configurations.len(), 1);
    let c = &d.configurations[0];
    assert_eq!(c.interfaces.len(), 6);
    let endpoints: usize = c.interfaces.iter().map(|i| i.endpoints.len()).sum();
    assert_eq!(endpoints, 8);
    assert_eq!(c.iads.len(), 2);
    let cdc_subtypes: usize = c.interfaces.iter().map(|i| i.cdc_subtypes.len()).sum();
    assert_eq!(cdc_subtypes, 7);
    let golden = std::fs::read_to_string(
        common::sample("raw/usbguard_lg-phone-tethering_1004-61fe.usbguard-read-descriptor.txt")
            .expect("golden"),
    )
    .expect("golden text");
    // USBGuard's parse: descriptor headers in order, with their fields.
    let mut kinds: Vec<String> = Vec::new();
    let mut fields: Vec<Vec<(String, String)>> = Vec::new();
    for line in golden.lines() {
        if let Some((_, rest)) = line.split_once("type=") {
            kinds.push(rest.get(0..2).unwrap_or("").to_string());
            fields.push(Vec::new());
        } else if let Some((k, v)) = line.split_once(':') {
            if let Some(f) = fields.last_mut() {
                f.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    let count = |t: &str| kinds.iter().filter(|k| k.as_str() == t).count();
    assert_eq!(count("04"), c.interfaces.len());
    assert_eq!(count("05"), 8);
    assert_eq!(count("0b"), c.iads.len());
    assert_eq!(count("24"), 7);
    let get = |i: usize, k: &str| {
        fields[i]
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get(0, "idVendor"), format!("0x{:04x}", d.vid));
    assert_eq!(get(0, "idProduct"), format!("0x{:04x}", d.pid));
    assert_eq!(get(0, "bcdDevice"), format!("0x{:04x}", d.bcd_device));
    assert_eq!(get(0, "bDeviceClass"), format!("0x{:02x}", d.class.class));
    assert_eq!(get(1, "wTotalLength"), c.total_length.to_string());
    assert_eq!(get(1, "bNumInterfaces"), c.num_interfaces.to_string());
    assert_eq!(get(1, "bMaxPower"), (c.max_power_ma / 2).to_string());
    // Every interface descriptor, in order.
    let golden_ifaces: Vec<(String, String, String)> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| k.as_str() == "04")
        .map(|(i, _)| {
            (
                get(i, "bInterfaceNumber"),
                get(i, "bAlternateSetting"),
                format!(
                    "{:02x}:{:02x}:{:02x}",
                    get(i, "bInterfaceClass").parse::<u8>().unwrap_or(0),
                    get(i, "bInterfaceSubClass").parse::<u8>().unwrap_or(0),
                    get(i, "bInterfaceProtocol").parse::<u8>().unwrap_or(0)
                ),
            )
        })
        .collect();
    let mine: Vec<(String, String, String)> = c
        .interfaces
        .iter()
        .map(|i| (i.number.to_string(), i.alt.to_string(), i.class.to_string()))
        .collect();
    assert_eq!(mine, golden_ifaces);
}

#[test]
fn r16_capture_key_events_are_human() {
    let Some(p) = common::sample(PCAP) else {
        return;
    };
    let bytes = std::fs::read(p).expect("pcap");
    let (_, report) = ascribe_device::parse_bytes(&bytes, None, None).expect("parse");
    assert_eq!(report.key_events.len(), 7);
    let gaps: Vec<i64> = report
        .key_events
        .windows(2)
        .map(|w| w[1].t_us - w[0].t_us)
        .collect();
    assert!(gaps.iter().all(|g| *g >= 240_000), "{gaps:?}");
    assert_eq!(gaps.iter().min(), Some(&247_927));
}

fn classify_file(name: &str) -> Option<Vec<Capability>> {
    let p = common::sample(&format!("hid/{name}"))?;
    let text = std::fs::read_to_string(p).expect("hex");
    let bytes = decode_hex(&text).expect("valid hex");
    Some(classify(&bytes).into_iter().map(|a| a.capability).collect())
}

#[test]
fn r19_report_descriptor_classifier() {
    use Capability::{ConsumerControl, Fido, HidVendor, Keyboard, Pointer, SystemControl};
    let expected: [(&str, &[Capability]); 6] = [
        ("p4wnp1_report_desc.hex", &[Keyboard]),
        ("p4wnp1_raw_report_desc.hex", &[HidVendor]),
        ("p4wnp1_mouse_combined_desc.hex", &[Pointer, Pointer]),
        (
            "umockdev-pcap_holtek-keyboard_04d9-1603_iface0.report_desc.hex",
            &[Keyboard],
        ),
        (
            "umockdev-pcap_holtek-keyboard_04d9-1603_iface1.report_desc.hex",
            &[SystemControl, ConsumerControl],
        ),
        ("umockdev_yubico-fido2_1050-0120.report_desc.hex", &[Fido]),
    ];
    for (file, capabilities) in expected {
        let Some(k) = classify_file(file) else {
            return;
        };
        assert_eq!(k, capabilities, "{file}");
    }
}

#[test]
fn r20_whole_framework_dump_parses() {
    let Some(p) = common::sample(FRAMEWORK_DUMP) else {
        return;
    };
    let text = std::fs::read_to_string(p).expect("dump");
    let bus_blocks = text
        .lines()
        .filter(|l| ascribe_device::lsusb::is_bus_line(l))
        .count();
    assert_eq!(bus_blocks, 14);
    let mut w = Vec::new();
    let devices = ascribe_device::lsusb::parse_lsusb(&text, &mut w);
    assert_eq!(devices.len(), 10);
    assert!(devices.iter().all(|d| !d.is_root_hub()));
    assert!(w.iter().all(|w| !w.malformed), "{w:?}");
    let evo4 = devices
        .iter()
        .find(|d| {
            d.all_interfaces()
                .any(|(_, i)| i.class.to_string() == "fe:01:01")
        })
        .expect("a DFU device");
    assert!(ascribe_device::vet::device_capabilities(evo4).contains(&Capability::FirmwareUpdate));
    assert!(devices.iter().any(|d| d.bos_billboard));
}

#[test]
fn every_real_raw_blob_parses_cleanly() {
    let Some(dir) = ascribe_testutil::shared_file("data/usb/raw") else {
        return;
    };
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("raw dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("bin") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("blob");
        let mut w = Vec::new();
        let d = ascribe_device::raw::parse_descriptors(&bytes, "-", &mut w);
        let d = d.unwrap_or_else(|| panic!("{} has a device", path.display()));
        assert!(w.is_empty(), "{}: {w:?}", path.display());
        let name = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
        assert!(
            name.contains(&format!("{:04x}-{:04x}", d.vid, d.pid)),
            "{name}"
        );
        n += 1;
    }
    assert_eq!(n, 17);
}
