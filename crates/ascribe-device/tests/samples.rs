//! The real samples of usb-vetting.md §7.1 (R1-R20), read from ../shared.

use ascribe_device::hid::{classify, decode_hex};
use ascribe_device::{vet_bytes, Capability, Claim, Selector, Severity, Verdict, VetOptions};

fn vet(rel: &str, claim: Claim, selector: Option<&str>) -> Option<Verdict> {
    let path = ascribe_testutil::shared_file(&format!("data/usb/{rel}"))?;
    let bytes = std::fs::read(&path).expect("sample readable");
    let mut opts = VetOptions::new(claim);
    opts.input_name = rel.to_string();
    opts.selector = selector.map(|s| s.parse::<Selector>().expect("selector"));
    Some(vet_bytes(&bytes, &opts).expect("sample parses"))
}

fn ids(v: &Verdict) -> Vec<&'static str> {
    v.findings.iter().map(|f| f.id).collect()
}

fn count(v: &Verdict, id: &str) -> usize {
    v.findings.iter().filter(|f| f.id == id).count()
}

fn severity(v: &Verdict, id: &str) -> Option<Severity> {
    v.findings
        .iter()
        .filter(|f| f.id == id)
        .map(|f| f.severity)
        .max()
}

fn assert_nothing_at_or_above_medium(v: &Verdict) {
    let loud: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
        .map(|f| (f.id, f.severity))
        .collect();
    assert!(loud.is_empty(), "unexpected findings {loud:?}");
}

const HOLTEK: &str = "lsusb/jc_holtek-keyboard_04d9-4545.lsusb-v.txt";
const LG: &str = "raw/usbguard_lg-phone-tethering_1004-61fe.descriptors.bin";
const XPERIA: &str = "sysfs/umockdev_sony-xperia-mini-pro-mtp_0fce-0166.umockdev";
const YUBICO: &str = "sysfs/umockdev_yubico-fido2-key_1050-0120.umockdev";
const KINESIS: &str = "sysfs/umockdev_kinesis-keyboard-behind-hub_05f3-0007.umockdev";
const PCAP: &str = "pcap/umockdev_usbkbd-enumeration_04d9-1603.linktype220.pcapng";

#[test]
fn r01_holtek_keyboard_as_keyboard_passes() {
    let Some(v) = vet(HOLTEK, Claim::Keyboard, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_nothing_at_or_above_medium(&v);
    assert_eq!(
        v.capabilities,
        vec![Capability::Keyboard, Capability::Pointer]
    );
}

#[test]
fn r02_holtek_keyboard_as_flash_drive_fails() {
    let Some(v) = vet(HOLTEK, Claim::FlashDrive, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert_eq!(severity(&v, "CAP-HID-KEYBOARD"), Some(Severity::Critical));
    assert_eq!(severity(&v, "CAP-HID-POINTER"), Some(Severity::High));
    assert!(ids(&v).contains(&"CAP-CLAIMED-FUNCTION-ABSENT"));
    // The serial index is 0: absent, not unavailable.
    assert!(!ids(&v).contains(&"STR-UNAVAILABLE"));
}

#[test]
fn r03_g502_mouse_warns_on_unknown_hid() {
    let Some(v) = vet(
        "lsusb/jc_logitech-g502-mouse_046d-c08b.lsusb-v.txt",
        Claim::Mouse,
        None,
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "WARN", "{:#?}", v.findings);
    assert_eq!(severity(&v, "CAP-HID-UNKNOWN"), Some(Severity::Medium));
    assert!(ids(&v).contains(&"DATA-HID-REPORT-UNAVAILABLE"));
}

#[test]
fn r04_framework_hdmi_card_as_charger_fails() {
    let Some(v) = vet(
        "lsusb/jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt",
        Claim::Charger,
        None,
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert_eq!(
        severity(&v, "CAP-ENUMERATED-ON-POWER-ONLY"),
        Some(Severity::Critical)
    );
    assert!(ids(&v).contains(&"CAP-HID-UNKNOWN"));
    assert!(v.capabilities.contains(&Capability::Billboard));
    assert!(v.cannot_see.iter().any(|c| c.contains("USB host")));
}

#[test]
fn r05_nrf52_serial_as_flash_drive_fails() {
    let Some(v) = vet(
        "lsusb/jc_nrf52-cdc-acm_1915-521a.lsusb-v.txt",
        Claim::FlashDrive,
        None,
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert_eq!(severity(&v, "CAP-SERIAL"), Some(Severity::High));
    assert!(ids(&v).contains(&"CAP-CLAIMED-FUNCTION-ABSENT"));
}

#[test]
fn r06_quectel_mbim_as_flash_drive_fails() {
    let Some(v) = vet(
        "lsusb/jc_quectel-ec25-mbim_2c7c-0125.lsusb-v.txt",
        Claim::FlashDrive,
        None,
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert_eq!(severity(&v, "CAP-NETWORK"), Some(Severity::Critical));
    let net = v
        .findings
        .iter()
        .find(|f| f.id == "CAP-NETWORK")
        .expect("network");
    assert!(net.evidence.iter().any(|e| e.value.starts_with("02:0e:00")));
    assert!(ids(&v).contains(&"CAP-VENDOR-IFACE"));
    assert!(ids(&v).contains(&"CAP-CLAIMED-FUNCTION-ABSENT"));
}

#[test]
fn r07_lg_phone_as_phone_passes() {
    let Some(v) = vet(LG, Claim::Phone, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_nothing_at_or_above_medium(&v);
    assert!(v.checks_skipped.iter().any(|s| s.check == "STR-*"));
}

#[test]
fn r08_lg_phone_as_flash_drive_fails_and_matches_usbguard_parse() {
    let Some(v) = vet(LG, Claim::FlashDrive, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    for id in [
        "CAP-NETWORK",
        "CAP-SERIAL",
        "CAP-VENDOR-IFACE",
        "CAP-CLAIMED-FUNCTION-ABSENT",
    ] {
        assert!(ids(&v).contains(&id), "missing {id}");
    }
    let net = v
        .findings
        .iter()
        .find(|f| f.id == "CAP-NETWORK")
        .expect("network");
    assert!(net.evidence.iter().any(|e| e.value == "02:06:00"));
    let ser = v
        .findings
        .iter()
        .find(|f| f.id == "CAP-SERIAL")
        .expect("serial");
    assert!(ser.evidence.iter().any(|e| e.value == "02:02:01"));
    // Golden counts from USBGuard's own parse of the same blob.
    let Some(p) = ascribe_testutil::shared_file(
        "data/usb/raw/usbguard_lg-phone-tethering_1004-61fe.descriptors.bin",
    ) else {
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
    assert_eq!(
        c.interfaces
            .iter()
            .map(|i| i.endpoints.len())
            .sum::<usize>(),
        8
    );
    assert_eq!(c.iads.len(), 2);
    assert_eq!(
        c.interfaces
            .iter()
            .map(|i| i.cdc_subtypes.len())
            .sum::<usize>(),
        7
    );
    let golden = std::fs::read_to_string(
        ascribe_testutil::shared_file(
            "data/usb/raw/usbguard_lg-phone-tethering_1004-61fe.usbguard-read-descriptor.txt",
        )
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
fn r09_xperia_as_phone_passes_with_low_placeholder_serial() {
    let Some(v) = vet(XPERIA, Claim::Phone, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_eq!(severity(&v, "STR-SERIAL-PLACEHOLDER"), Some(Severity::Low));
    // The host's hubs are not part of the gift.
    assert_eq!(v.devices.len(), 1);
    assert_eq!(v.devices[0].vid, "0fce");
}

#[test]
fn r10_xperia_as_flash_drive_fails() {
    let Some(v) = vet(XPERIA, Claim::FlashDrive, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert!(ids(&v).contains(&"CAP-CLAIMED-FUNCTION-ABSENT"));
    let vend = v
        .findings
        .iter()
        .find(|f| f.id == "CAP-VENDOR-IFACE")
        .expect("vendor");
    assert!(vend.evidence.iter().any(|e| e.value == "ff:ff:00"));
    assert_eq!(
        severity(&v, "STR-SERIAL-PLACEHOLDER"),
        Some(Severity::Medium)
    );
}

#[test]
fn r11_yubico_as_security_key_passes() {
    let Some(v) = vet(YUBICO, Claim::SecurityKey, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_eq!(v.capabilities, vec![Capability::Fido]);
    let f = &v.devices[0].functions[0];
    assert_eq!(f.hid_usages, vec!["f1d0:0001".to_string()]);
}

#[test]
fn r12_yubico_as_flash_drive_fails_without_keyboard() {
    let Some(v) = vet(YUBICO, Claim::FlashDrive, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert!(ids(&v).contains(&"CAP-CLAIMED-FUNCTION-ABSENT"));
    assert!(!ids(&v).contains(&"CAP-HID-KEYBOARD"));
}

#[test]
fn r13_kinesis_subtree_as_keyboard_passes() {
    let Some(v) = vet(KINESIS, Claim::Keyboard, Some("1-1.5.4")) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_nothing_at_or_above_medium(&v);
    assert_eq!(v.devices.len(), 2);
    assert!(v.capabilities.contains(&Capability::Hub));
    assert!(v.capabilities.contains(&Capability::Keyboard));
    assert!(ids(&v).contains(&"STR-NO-STRINGS"));
}

#[test]
fn r14_kinesis_subtree_as_flash_drive_fails() {
    let Some(v) = vet(KINESIS, Claim::FlashDrive, Some("1-1.5.4")) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    for id in [
        "TOPO-HUB-IN-CLAIM",
        "CAP-HID-KEYBOARD",
        "CAP-CLAIMED-FUNCTION-ABSENT",
    ] {
        assert!(ids(&v).contains(&id), "missing {id}");
    }
}

#[test]
fn r15_placeholder_keyboard_warns() {
    let Some(v) = vet(
        "sysfs/usbguard_devices-dock-trackball-keyboard.umockdev",
        Claim::Keyboard,
        Some("1-4.1.3"),
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "WARN", "{:#?}", v.findings);
    assert_eq!(severity(&v, "ID-PLACEHOLDER"), Some(Severity::Medium));
    assert_eq!(
        severity(&v, "ID-PRODUCT-NOT-IN-USBIDS"),
        Some(Severity::Info)
    );
    assert!(!ids(&v).contains(&"ID-VID-NOT-IN-USBIDS"));
    assert_eq!(v.devices.len(), 1);
}

#[test]
fn r16_capture_keyboard_passes_without_injection() {
    let Some(v) = vet(PCAP, Claim::Keyboard, None) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_eq!(v.devices.len(), 1);
    let d = &v.devices[0];
    assert_eq!(
        (d.vid.as_str(), d.pid.as_str(), d.path.as_str()),
        ("04d9", "1603", "001:011")
    );
    assert_eq!(
        d.strings.product,
        ascribe_device::model::StringState::Present("USB Keyboard".to_string())
    );
    let parsed: Vec<_> = d
        .functions
        .iter()
        .filter(|f| f.hid_report == Some("parsed"))
        .collect();
    assert_eq!(parsed.len(), 2);
    assert!(!ids(&v).contains(&"BEH-KEYSTROKE-INJECTION"));
    // The webcam and fingerprint reader are outside the gift's scope.
    assert_eq!(v.input.excluded_devices.len(), 2);
    assert!(v
        .input
        .excluded_devices
        .iter()
        .any(|e| e.contains("04f2:b67d")));
    assert!(v
        .input
        .excluded_devices
        .iter()
        .any(|e| e.contains("06cb:00bd")));
}

#[test]
fn r16_capture_key_events_are_human() {
    let Some(p) = ascribe_testutil::shared_file(&format!("data/usb/{PCAP}")) else {
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

#[test]
fn r17_capture_keyboard_as_flash_drive_fails() {
    let Some(v) = vet(PCAP, Claim::FlashDrive, Some("001:011")) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    for id in [
        "CAP-HID-KEYBOARD",
        "CAP-HID-SYSCTL-CONSUMER",
        "CAP-CLAIMED-FUNCTION-ABSENT",
    ] {
        assert!(ids(&v).contains(&id), "missing {id}");
    }
    let usages = &v.devices[0].functions[1].hid_usages;
    assert_eq!(
        usages,
        &vec!["0001:0080".to_string(), "000c:0001".to_string()]
    );
}

#[test]
fn r18_black_magic_probe_as_flash_drive_fails() {
    let Some(v) = vet(
        "lsusb/cyme_black-magic-probe-iad-dfu_1d50-6018.lsusb-v.txt",
        Claim::FlashDrive,
        None,
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert_eq!(count(&v, "CAP-SERIAL"), 2);
    let dfu = v
        .findings
        .iter()
        .find(|f| f.id == "CAP-FIRMWARE-UPDATE")
        .expect("dfu");
    assert!(dfu.evidence.iter().any(|e| e.value == "fe:01:01"));
    assert!(ids(&v).contains(&"CAP-VENDOR-IFACE"));
    assert!(ids(&v).contains(&"CAP-CLAIMED-FUNCTION-ABSENT"));
    let assoc: Vec<_> = v.devices[0]
        .functions
        .iter()
        .filter(|f| f.association.is_some())
        .collect();
    assert!(assoc.len() >= 4);
}

fn classify_file(name: &str) -> Option<Vec<Capability>> {
    let p = ascribe_testutil::shared_file(&format!("data/usb/hid/{name}"))?;
    let text = std::fs::read_to_string(p).expect("hex");
    let bytes = decode_hex(&text).expect("valid hex");
    Some(classify(&bytes).into_iter().map(|a| a.capability).collect())
}

#[test]
fn r19_report_descriptor_classifier() {
    let Some(k) = classify_file("p4wnp1_report_desc.hex") else {
        return;
    };
    assert_eq!(k, vec![Capability::Keyboard]);
    assert_eq!(
        classify_file("p4wnp1_raw_report_desc.hex"),
        Some(vec![Capability::HidVendor])
    );
    assert_eq!(
        classify_file("p4wnp1_mouse_combined_desc.hex"),
        Some(vec![Capability::Pointer, Capability::Pointer])
    );
    assert_eq!(
        classify_file("umockdev-pcap_holtek-keyboard_04d9-1603_iface0.report_desc.hex"),
        Some(vec![Capability::Keyboard])
    );
    assert_eq!(
        classify_file("umockdev-pcap_holtek-keyboard_04d9-1603_iface1.report_desc.hex"),
        Some(vec![Capability::SystemControl, Capability::ConsumerControl])
    );
    assert_eq!(
        classify_file("umockdev_yubico-fido2_1050-0120.report_desc.hex"),
        Some(vec![Capability::Fido])
    );
}

#[test]
fn r20_whole_framework_dump_parses() {
    let Some(p) =
        ascribe_testutil::shared_file("data/usb/lsusb/jc_system-dump-framework-laptop.lsusb-v.txt")
    else {
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
    let Some(v) = vet(
        "lsusb/jc_system-dump-framework-laptop.lsusb-v.txt",
        Claim::Unknown,
        None,
    ) else {
        return;
    };
    assert_eq!(v.devices.len(), 10);
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

#[test]
fn more_real_samples() {
    let Some(v) = vet(
        "lsusb/cyme_segger-jlink-cdc-vendor_1366-1050.lsusb-v.txt",
        Claim::FlashDrive,
        None,
    ) else {
        return;
    };
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert_eq!(count(&v, "CAP-SERIAL"), 2);
    assert!(ids(&v).contains(&"CAP-VENDOR-IFACE"));
    let v = vet(
        "lsusb/jc_goodix-fingerprint-vendor_27c6-609c.lsusb-v.txt",
        Claim::FlashDrive,
        None,
    )
    .expect("shared present");
    assert_eq!(v.verdict.as_str(), "FAIL");
    assert!(ids(&v).contains(&"CAP-VENDOR-IFACE"));
    let v = vet(
        "pcap/umockdev_usbkbd-enumeration_04d9-1603.sysfs.umockdev",
        Claim::Keyboard,
        None,
    )
    .expect("shared present");
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
    assert_eq!(v.devices[0].vid, "04d9");
    // The whole CentOS dump: virtual VMware devices, root hubs skipped.
    let v = vet(
        "lsusb/jc_system-dump-vmware-centos7.lsusb-v.txt",
        Claim::Unknown,
        None,
    )
    .expect("shared present");
    assert!(v.devices.iter().all(|d| d.vid == "0e0f"));
    assert!(
        v.input.parser_warnings.iter().all(|w| !w.malformed),
        "{:?}",
        v.input.parser_warnings
    );
    // The trackball behind the dock, selected by VID:PID.
    let v = vet(
        "sysfs/usbguard_devices-dock-trackball-keyboard.umockdev",
        Claim::Mouse,
        Some("047d:2048"),
    )
    .expect("shared present");
    assert_eq!(v.devices.len(), 1);
    assert_eq!(v.capabilities, vec![Capability::Pointer]);
    assert_eq!(v.verdict.as_str(), "PASS", "{:#?}", v.findings);
}
