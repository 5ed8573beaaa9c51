//! Hand-built descriptor vectors, one or more per finding of the catalogue,
//! including malformed ones. Builders write the bytes a device would send.

mod common;

use ascribe_device::evidence::{to_observed, EvidenceOptions};
use ascribe_device::{
    vet_bytes, Claim, InputFormat, Profile, Severity, Verdict, VerdictKind, VetOptions,
};
use common::severity;

// ---------- builders ----------

struct Dev {
    vid: u16,
    pid: u16,
    class: [u8; 3],
    mp0: u8,
    strings: [u8; 3],
    nconf: u8,
}

fn dev(vid: u16, pid: u16) -> Dev {
    Dev {
        vid,
        pid,
        class: [0, 0, 0],
        mp0: 64,
        strings: [0, 0, 0],
        nconf: 1,
    }
}

impl Dev {
    fn bytes(&self) -> Vec<u8> {
        let [v0, v1] = self.vid.to_le_bytes();
        let [p0, p1] = self.pid.to_le_bytes();
        vec![
            18,
            1,
            0x00,
            0x02,
            self.class[0],
            self.class[1],
            self.class[2],
            self.mp0,
            v0,
            v1,
            p0,
            p1,
            0x00,
            0x01,
            self.strings[0],
            self.strings[1],
            self.strings[2],
            self.nconf,
        ]
    }
}

fn iface(num: u8, alt: u8, c: u8, s: u8, p: u8, neps: u8) -> Vec<u8> {
    vec![9, 4, num, alt, neps, c, s, p, 0]
}

fn ep(addr: u8, attr: u8, mps: u16) -> Vec<u8> {
    let [a, b] = mps.to_le_bytes();
    vec![7, 5, addr, attr, a, b, 1]
}

fn iad(first: u8, count: u8, c: u8, s: u8, p: u8) -> Vec<u8> {
    vec![8, 0x0B, first, count, c, s, p, 0]
}

fn cdc(subtype: u8) -> Vec<u8> {
    vec![5, 0x24, subtype, 0x10, 0x01]
}

/// A configuration with correct wTotalLength and bNumInterfaces.
fn cfg(value: u8, parts: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = parts.concat();
    let mut numbers: Vec<u8> = Vec::new();
    let mut i = 0;
    while i + 1 < body.len() {
        if body[i + 1] == 4 && !numbers.contains(&body[i + 2]) {
            numbers.push(body[i + 2]);
        }
        i += usize::from(body[i]).max(1);
    }
    let total = u16::try_from(9 + body.len())
        .unwrap_or(u16::MAX)
        .to_le_bytes();
    let mut out = vec![
        9,
        2,
        total[0],
        total[1],
        numbers.len() as u8,
        value,
        0,
        0x80,
        50,
    ];
    out.extend(body);
    out
}

fn storage() -> Vec<Vec<u8>> {
    vec![
        iface(0, 0, 8, 6, 0x50, 2),
        ep(0x81, 2, 512),
        ep(0x02, 2, 512),
    ]
}

fn blob(d: &Dev, configs: &[Vec<u8>]) -> Vec<u8> {
    let mut b = d.bytes();
    for c in configs {
        b.extend_from_slice(c);
    }
    b
}

fn flash_drive_blob() -> Vec<u8> {
    blob(&dev(0x0781, 0x5567), &[cfg(1, &storage())])
}

fn run(bytes: &[u8], claim: Claim) -> Verdict {
    vet_bytes(bytes, &VetOptions::new(claim)).expect("vector parses")
}

fn run_lenient(bytes: &[u8], claim: Claim) -> Verdict {
    let mut o = VetOptions::new(claim);
    o.profile = Profile::Lenient;
    vet_bytes(bytes, &o).expect("vector parses")
}

fn has(v: &Verdict, id: &str) -> bool {
    v.findings.iter().any(|f| f.id == id)
}

/// A umockdev-record device entry.
fn umockdev_device(path: &str, desc: &[u8], attrs: &[(&str, &str)]) -> String {
    let mut s = format!("P: {path}\n");
    for (k, v) in attrs {
        s.push_str(&format!("A: {k}={v}\n"));
    }
    let hex: String = desc.iter().map(|b| format!("{b:02X}")).collect();
    s.push_str(&format!("H: descriptors={hex}\n\n"));
    s
}

const ROOT: &str = "/devices/pci0000:00/0000:00:14.0/usb1";

// ---------- the genuine article ----------

#[test]
fn genuine_flash_drive_passes() {
    let mut d = dev(0x0781, 0x5567);
    d.strings = [1, 2, 3];
    let desc = blob(&d, &[cfg(1, &storage())]);
    let text = umockdev_device(
        &format!("{ROOT}/1-2"),
        &desc,
        &[
            ("manufacturer", "SanDisk"),
            ("product", "Cruzer Blade"),
            ("serial", "4C530001230817117423"),
            ("speed", "480"),
        ],
    );
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    assert!(v.findings.iter().all(|f| f.severity <= Severity::Low));
    assert!(v
        .suggested_usbguard_rule
        .as_deref()
        .is_some_and(|r| r.starts_with("allow id 0781:5567")));
}

// ---------- CAP-* ----------

#[test]
fn cap_enumerated_on_power_only() {
    let v = run(&flash_drive_blob(), Claim::Charger);
    assert_eq!(
        severity(&v, "CAP-ENUMERATED-ON-POWER-ONLY"),
        Some(Severity::Critical)
    );
    assert_eq!(v.verdict, VerdictKind::Fail);
    assert!(v.cannot_see.iter().any(|c| c.contains("device-side probe")));
}

#[test]
fn cap_billboard_on_power_only() {
    let b = blob(
        &dev(0x32ac, 0x0002),
        &[cfg(1, &[iface(0, 0, 0x11, 0, 0, 0)])],
    );
    let v = run(&b, Claim::Charger);
    assert_eq!(
        severity(&v, "CAP-BILLBOARD-ON-POWER-ONLY"),
        Some(Severity::Medium)
    );
    assert!(!has(&v, "CAP-ENUMERATED-ON-POWER-ONLY"));
    assert_eq!(v.verdict, VerdictKind::Warn);
    assert_eq!(
        severity(&run(&b, Claim::Cable), "CAP-BILLBOARD-ON-POWER-ONLY"),
        Some(Severity::High)
    );
    assert_eq!(
        severity(
            &run_lenient(&b, Claim::PowerBank),
            "CAP-BILLBOARD-ON-POWER-ONLY"
        ),
        Some(Severity::Low)
    );
}

#[test]
fn cap_hid_keyboard_pointer_unknown_from_boot_protocol() {
    let b = blob(
        &dev(0x1a2b, 0x0001),
        &[cfg(
            1,
            &[
                iface(0, 0, 3, 1, 1, 1),
                ep(0x81, 3, 8),
                iface(1, 0, 3, 1, 2, 1),
                ep(0x82, 3, 8),
                iface(2, 0, 3, 0, 0, 1),
                ep(0x83, 3, 8),
            ],
        )],
    );
    let v = run(&b, Claim::FlashDrive);
    assert_eq!(severity(&v, "CAP-HID-KEYBOARD"), Some(Severity::Critical));
    assert_eq!(severity(&v, "CAP-HID-POINTER"), Some(Severity::High));
    assert_eq!(severity(&v, "CAP-HID-UNKNOWN"), Some(Severity::High));
    // The same unknown HID is only info for a keyboard and medium for a mouse.
    assert_eq!(
        severity(&run(&b, Claim::Keyboard), "CAP-HID-UNKNOWN"),
        Some(Severity::Info)
    );
    assert_eq!(
        severity(&run(&b, Claim::Mouse), "CAP-HID-UNKNOWN"),
        Some(Severity::Medium)
    );
}

/// A device with one HID interface 03:00:00 whose report descriptor is given,
/// as a umockdev snapshot with the hidraw folder.
fn hid_snapshot(report: &[u8]) -> String {
    let desc = blob(
        &dev(0x1a2b, 0x0002),
        &[cfg(
            1,
            &[
                iface(0, 0, 3, 0, 0, 1),
                vec![9, 0x21, 0x11, 1, 0, 1, 0x22, 30, 0],
                ep(0x81, 3, 64),
            ],
        )],
    );
    let mut s = umockdev_device(&format!("{ROOT}/1-3"), &desc, &[("product", "Widget")]);
    let hex: String = report.iter().map(|b| format!("{b:02X}")).collect();
    s.push_str(&format!(
        "P: {ROOT}/1-3/1-3:1.0/0003:1A2B:0002.0001\nH: report_descriptor={hex}\n\n"
    ));
    s
}

#[test]
fn cap_hid_sysctl_consumer_from_report_descriptor() {
    // Consumer Control application, no boot protocol at all.
    let rd = [
        0x05, 0x0C, 0x09, 0x01, 0xA1, 0x01, 0x19, 0x00, 0x2A, 0x3C, 0x02, 0x81, 0x00, 0xC0,
    ];
    let v = run(hid_snapshot(&rd).as_bytes(), Claim::FlashDrive);
    assert_eq!(
        severity(&v, "CAP-HID-SYSCTL-CONSUMER"),
        Some(Severity::High)
    );
    assert!(!has(&v, "CAP-HID-UNKNOWN"));
    let f = v
        .findings
        .iter()
        .find(|f| f.id == "CAP-HID-SYSCTL-CONSUMER")
        .expect("finding");
    assert!(f.evidence[0].value.contains("000c:0001"));
}

#[test]
fn cap_hid_vendor_raw_channel() {
    let rd = [
        0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x09, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75,
        0x08, 0x95, 0x40, 0x81, 0x02, 0x09, 0x03, 0x91, 0x02, 0xC0,
    ];
    let v = run(hid_snapshot(&rd).as_bytes(), Claim::FlashDrive);
    assert_eq!(severity(&v, "CAP-HID-VENDOR"), Some(Severity::High));
    // A mouse may carry one for its configuration tool.
    assert!(!has(
        &run(hid_snapshot(&rd).as_bytes(), Claim::Mouse),
        "CAP-HID-VENDOR"
    ));
}

#[test]
fn cap_hid_keyboard_hidden_in_a_vendor_collection() {
    let rd = [
        0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x75, 0x08,
        0x95, 0x06, 0x81, 0x00, 0xC0,
    ];
    let v = run(hid_snapshot(&rd).as_bytes(), Claim::FlashDrive);
    assert_eq!(severity(&v, "CAP-HID-KEYBOARD"), Some(Severity::Critical));
}

#[test]
fn cap_host_in_charger_from_probe() {
    let rec = br#"{"schema":"usb-vetting-observation/v1","claim":"charger","window_s":90,
        "host_side":{"new_devices":[]},"device_side_probe":{"performed":true,"setup_packets_seen":4}}"#;
    let v = run(rec, Claim::Charger);
    assert_eq!(
        severity(&v, "CAP-HOST-IN-CHARGER"),
        Some(Severity::Critical)
    );
    assert_eq!(v.verdict, VerdictKind::Fail);
}

#[test]
fn cap_network_every_encoding() {
    for (c, s, p) in [
        (2, 6, 0),
        (2, 0x0d, 0),
        (2, 0x0e, 0),
        (2, 0x0c, 7),
        (2, 2, 0xff),
        (0xe0, 1, 3),
        (0xef, 4, 1),
        (0xef, 1, 1),
    ] {
        let b = blob(&dev(0x1a2b, 0x0003), &[cfg(1, &[iface(0, 0, c, s, p, 0)])]);
        let v = run(&b, Claim::FlashDrive);
        assert_eq!(
            severity(&v, "CAP-NETWORK"),
            Some(Severity::Critical),
            "{c:02x}:{s:02x}:{p:02x}"
        );
    }
    // A CDC subclass that is not itself a NIC but carries an Ethernet functional descriptor.
    let b = blob(
        &dev(0x1a2b, 0x0003),
        &[cfg(1, &[iface(0, 0, 2, 0x0a, 0, 0), cdc(0x00), cdc(0x0f)])],
    );
    assert!(has(&run(&b, Claim::FlashDrive), "CAP-NETWORK"));
}

#[test]
fn cap_serial_audio_video_radio_firmware_vendor() {
    type Case = (u8, u8, u8, Vec<Vec<u8>>, &'static str, Severity);
    let cases: [Case; 6] = [
        (2, 2, 1, vec![], "CAP-SERIAL", Severity::High),
        (
            1,
            2,
            0,
            vec![ep(0x81, 1, 192)],
            "CAP-AUDIO-IN",
            Severity::High,
        ),
        (0x0e, 1, 0, vec![], "CAP-VIDEO", Severity::High),
        (0xe0, 1, 1, vec![], "CAP-RADIO", Severity::High),
        (0xfe, 1, 1, vec![], "CAP-FIRMWARE-UPDATE", Severity::Medium),
        (
            0xff,
            0xff,
            0xff,
            vec![],
            "CAP-VENDOR-IFACE",
            Severity::Medium,
        ),
    ];
    for (c, s, p, eps, id, want) in cases {
        let mut parts = storage();
        parts.push(iface(1, 0, c, s, p, eps.len() as u8));
        parts.extend(eps);
        let b = blob(&dev(0x1a2b, 0x0004), &[cfg(1, &parts)]);
        let v = run(&b, Claim::FlashDrive);
        assert_eq!(severity(&v, id), Some(want), "{id}");
    }
    // Firmware update and vendor functions alone make a flash drive WARN, not FAIL.
    let mut parts = storage();
    parts.push(iface(1, 0, 0xfe, 1, 1, 0));
    let v = run(
        &blob(&dev(0x1a2b, 0x0004), &[cfg(1, &parts)]),
        Claim::FlashDrive,
    );
    assert_eq!(v.verdict, VerdictKind::Warn, "{:#?}", v.findings);
    let v = run_lenient(
        &blob(&dev(0x1a2b, 0x0004), &[cfg(1, &parts)]),
        Claim::FlashDrive,
    );
    assert_eq!(v.verdict, VerdictKind::Pass);
}

#[test]
fn cap_storage_legacy_storage_and_unexpected() {
    let b = blob(
        &dev(0x1a2b, 0x0005),
        &[cfg(
            1,
            &[iface(0, 0, 8, 4, 0, 2), ep(0x81, 2, 512), ep(2, 2, 512)],
        )],
    );
    assert_eq!(
        severity(&run(&b, Claim::FlashDrive), "CAP-STORAGE-LEGACY"),
        Some(Severity::Low)
    );
    assert_eq!(
        severity(&run(&flash_drive_blob(), Claim::Mouse), "CAP-STORAGE"),
        Some(Severity::High)
    );
    let mut parts = storage();
    parts.push(iface(1, 0, 7, 1, 2, 0));
    let v = run(
        &blob(&dev(0x1a2b, 0x0005), &[cfg(1, &parts)]),
        Claim::FlashDrive,
    );
    assert_eq!(
        severity(&v, "CAP-UNEXPECTED-FUNCTION"),
        Some(Severity::Medium)
    );
}

#[test]
fn cap_claimed_function_absent_and_nothing_enumerated() {
    let b = blob(
        &dev(0x1a2b, 0x0006),
        &[cfg(1, &[iface(0, 0, 0xff, 0, 0, 0)])],
    );
    assert_eq!(
        severity(&run(&b, Claim::FlashDrive), "CAP-CLAIMED-FUNCTION-ABSENT"),
        Some(Severity::High)
    );
    let v = run(b"nothing", Claim::FlashDrive);
    assert_eq!(v.verdict, VerdictKind::Inconclusive);
    assert_eq!(
        severity(&v, "CAP-CLAIMED-FUNCTION-ABSENT"),
        Some(Severity::Info)
    );
    assert!(has(&v, "DATA-NOTHING-ENUMERATED"));
}

// ---------- power-only claims with nothing enumerated ----------

#[test]
fn charger_nothing_enumerated_needs_a_window() {
    let v = run(b"nothing", Claim::Charger);
    assert_eq!(v.verdict, VerdictKind::Inconclusive);
    assert!(has(&v, "DATA-NO-DEVICE-SIDE-PROBE"));
    let rec =
        br#"{"schema":"usb-vetting-observation/v1","window_s":120,"host_side":{"new_devices":[]}}"#;
    let v = run(rec, Claim::Charger);
    assert_eq!(v.verdict, VerdictKind::Pass);
    assert!(v.cannot_see.iter().any(|c| c.contains("USB host")));
    let short = br#"{"schema":"usb-vetting-observation/v1","window_s":5}"#;
    assert_eq!(run(short, Claim::Cable).verdict, VerdictKind::Inconclusive);
    let bad = br#"{"schema":"something-else"}"#;
    let mut o = VetOptions::new(Claim::Cable);
    o.format = Some(InputFormat::Nothing);
    assert!(vet_bytes(bad, &o).is_err());
}

// ---------- STRUCT-* ----------

#[test]
fn struct_multi_config_divergent() {
    let mut d = dev(0x1a2b, 0x0007);
    d.nconf = 2;
    let mut second = storage();
    second.push(iface(1, 0, 3, 1, 1, 1));
    second.push(ep(0x83, 3, 8));
    let b = blob(&d, &[cfg(1, &storage()), cfg(2, &second)]);
    let v = run(&b, Claim::FlashDrive);
    assert_eq!(
        severity(&v, "STRUCT-MULTI-CONFIG-DIVERGENT"),
        Some(Severity::High)
    );
    // The keyboard in the second configuration counts too.
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert!(!has(&v, "STRUCT-MALFORMED"), "{:#?}", v.findings);
}

#[test]
fn struct_alt_class_mismatch() {
    let mut parts = storage();
    parts.push(iface(0, 1, 3, 1, 1, 1));
    parts.push(ep(0x83, 3, 8));
    let v = run(
        &blob(&dev(0x1a2b, 0x0008), &[cfg(1, &parts)]),
        Claim::FlashDrive,
    );
    assert_eq!(
        severity(&v, "STRUCT-ALT-CLASS-MISMATCH"),
        Some(Severity::High)
    );
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    // UAS as alternate setting 1 of the storage interface is fine.
    let mut parts = storage();
    parts.push(iface(0, 1, 8, 6, 0x62, 0));
    let v = run(
        &blob(&dev(0x1a2b, 0x0008), &[cfg(1, &parts)]),
        Claim::FlashDrive,
    );
    assert!(!has(&v, "STRUCT-ALT-CLASS-MISMATCH"));
}

fn malformed(v: &Verdict) -> Vec<String> {
    v.findings
        .iter()
        .filter(|f| f.id == "STRUCT-MALFORMED")
        .flat_map(|f| f.evidence.iter().map(|e| e.value.clone()))
        .collect()
}

#[test]
fn struct_malformed_truncated_descriptor() {
    let mut b = flash_drive_blob();
    b.truncate(b.len() - 3);
    let v = run(&b, Claim::FlashDrive);
    let m = malformed(&v);
    assert!(m.iter().any(|s| s.contains("runs past the end")), "{m:?}");
    assert_eq!(severity(&v, "STRUCT-MALFORMED"), Some(Severity::Medium));
}

#[test]
fn struct_malformed_zero_length_descriptor() {
    let mut b = flash_drive_blob();
    b.extend_from_slice(&[0, 0, 0, 0]);
    let m = malformed(&run(&b, Claim::FlashDrive));
    assert!(m.iter().any(|s| s.contains("below 2")), "{m:?}");
}

#[test]
fn struct_malformed_lengths_that_lie() {
    // wTotalLength says 200, bNumInterfaces says 3, bNumEndpoints says 5.
    let mut c = cfg(
        1,
        &[iface(0, 0, 8, 6, 0x50, 5), ep(0x81, 2, 512), ep(2, 2, 512)],
    );
    c[2] = 200;
    c[4] = 3;
    let v = run(&blob(&dev(0x1a2b, 0x0009), &[c]), Claim::FlashDrive);
    let m = malformed(&v);
    assert!(m.iter().any(|s| s.contains("wTotalLength is 200")), "{m:?}");
    assert!(m.iter().any(|s| s.contains("bNumInterfaces is 3")), "{m:?}");
    assert!(m.iter().any(|s| s.contains("bNumEndpoints is 5")), "{m:?}");
    // The storage function is still seen: the walk goes by bLength.
    assert!(v
        .capabilities
        .contains(&ascribe_device::Capability::Storage));
    // A bLength that claims more bytes than remain.
    let mut b = flash_drive_blob();
    let n = b.len();
    b[n - 7] = 40;
    assert!(malformed(&run(&b, Claim::FlashDrive))
        .iter()
        .any(|s| s.contains("runs past the end")));
}

#[test]
fn struct_malformed_interface_association_loops() {
    // Two associations claiming the same interfaces, one of count 0, one out of range.
    let parts = vec![
        iad(0, 2, 2, 2, 0),
        iad(1, 2, 2, 2, 0),
        iad(0, 0, 2, 2, 0),
        iad(200, 100, 2, 2, 0),
        iface(0, 0, 2, 2, 1, 0),
        iface(1, 0, 0x0a, 0, 0, 0),
        iface(2, 0, 0x0a, 0, 0, 0),
    ];
    let v = run(
        &blob(&dev(0x1a2b, 0x000a), &[cfg(1, &parts)]),
        Claim::FlashDrive,
    );
    let m = malformed(&v);
    assert!(
        m.iter()
            .any(|s| s.contains("more than one interface association")),
        "{m:?}"
    );
    assert!(m.iter().any(|s| s.contains("not all present")), "{m:?}");
}

#[test]
fn struct_malformed_second_device_descriptor_and_orphans() {
    let mut b = flash_drive_blob();
    b.extend_from_slice(&dev(1, 1).bytes());
    assert!(malformed(&run(&b, Claim::FlashDrive))
        .iter()
        .any(|s| s.contains("second device descriptor")));
    let mut b = dev(0x1a2b, 0x000b).bytes();
    b.extend_from_slice(&ep(0x81, 2, 512));
    b.extend_from_slice(&cfg(1, &[ep(0x81, 2, 512)]));
    let m = malformed(&run(&b, Claim::FlashDrive));
    assert!(
        m.iter().any(|s| s.contains("before any configuration")),
        "{m:?}"
    );
    assert!(
        m.iter().any(|s| s.contains("outside any interface")),
        "{m:?}"
    );
}

#[test]
fn struct_device_class_speed_ep0() {
    let mut d = dev(0x1a2b, 0x000c);
    d.class = [8, 0, 0];
    d.mp0 = 8;
    let b = blob(
        &d,
        &[cfg(
            1,
            &[iface(0, 0, 8, 6, 0x50, 2), ep(0x81, 2, 64), ep(2, 2, 64)],
        )],
    );
    let v = run(&b, Claim::FlashDrive);
    assert_eq!(severity(&v, "STRUCT-DEVICE-CLASS-ODD"), Some(Severity::Low));
    assert_eq!(
        severity(&v, "STRUCT-SPEED-FULL-STORAGE"),
        Some(Severity::Medium)
    );
    assert_eq!(severity(&v, "STRUCT-EP0-8-STORAGE"), Some(Severity::Low));
    assert_eq!(v.verdict, VerdictKind::Warn);
}

// ---------- TOPO-* ----------

fn hub_desc() -> Vec<u8> {
    let mut d = dev(0x05e3, 0x0608);
    d.class = [9, 0, 1];
    blob(&d, &[cfg(1, &[iface(0, 0, 9, 0, 0, 1), ep(0x81, 3, 1)])])
}

#[test]
fn topo_hub_and_multiple_devices() {
    let kbd = blob(
        &dev(0x1a2b, 0x0010),
        &[cfg(1, &[iface(0, 0, 3, 1, 1, 1), ep(0x81, 3, 8)])],
    );
    let text = [
        umockdev_device(&format!("{ROOT}/1-2"), &hub_desc(), &[]),
        umockdev_device(
            &format!("{ROOT}/1-2/1-2.1"),
            &flash_drive_blob(),
            &[("serial", "AA2009052500")],
        ),
        umockdev_device(&format!("{ROOT}/1-2/1-2.2"), &kbd, &[]),
        umockdev_device(&format!("{ROOT}/1-3"), &kbd, &[]),
    ]
    .concat();
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert_eq!(severity(&v, "TOPO-HUB-IN-CLAIM"), Some(Severity::High));
    assert_eq!(severity(&v, "TOPO-MULTIPLE-DEVICES"), Some(Severity::High));
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert_eq!(v.devices.len(), 3);
    assert_eq!(v.input.excluded_devices, vec!["1-3 1a2b:0010".to_string()]);
}

// ---------- ID-* ----------

#[test]
fn id_known_attack_tool_gadget_devboard() {
    // The severity comes from the identity table's row (high for the original Ducky,
    // critical for the Bash Bunny modes).
    let v = run(
        &blob(&dev(0x03eb, 0x2403), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(severity(&v, "ID-KNOWN-ATTACK-TOOL"), Some(Severity::High));
    let v = run(
        &blob(&dev(0xf000, 0xff02), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(
        severity(&v, "ID-KNOWN-ATTACK-TOOL"),
        Some(Severity::Critical)
    );
    assert!(v
        .findings
        .iter()
        .any(|f| f.id == "ID-KNOWN-ATTACK-TOOL" && f.explanation.contains("not proof")));
    let v = run(
        &blob(&dev(0xf000, 0x1234), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(severity(&v, "ID-KNOWN-ATTACK-TOOL"), Some(Severity::High));
    let v = run(
        &blob(&dev(0x1d6b, 0x0104), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(severity(&v, "ID-LINUX-GADGET"), Some(Severity::High));
    let v = run(
        &blob(&dev(0x16c0, 0x0483), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(severity(&v, "ID-DEVBOARD"), Some(Severity::High));
    assert_eq!(
        severity(
            &run(
                &blob(&dev(0x16c0, 0x0483), &[cfg(1, &storage())]),
                Claim::Unknown
            ),
            "ID-DEVBOARD"
        ),
        Some(Severity::Low)
    );
}

#[test]
fn id_usbids_class_mismatch_flipper_default() {
    // 046d:c529 is "Logitech Keyboard + Mice" in usb.ids and the Flipper BadUSB default.
    let v = run(
        &blob(&dev(0x046d, 0xc529), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(
        severity(&v, "ID-USBIDS-CLASS-MISMATCH"),
        Some(Severity::High)
    );
    assert_eq!(severity(&v, "ID-KNOWN-ATTACK-TOOL"), Some(Severity::High));
    // As a keyboard it fits its registration: info only.
    let kbd = blob(
        &dev(0x046d, 0xc529),
        &[cfg(1, &[iface(0, 0, 3, 1, 1, 1), ep(0x81, 3, 8)])],
    );
    let v = run(&kbd, Claim::Keyboard);
    assert!(!has(&v, "ID-USBIDS-CLASS-MISMATCH"));
    assert_eq!(severity(&v, "ID-KNOWN-ATTACK-TOOL"), Some(Severity::Info));
}

#[test]
fn id_placeholder_unknown_vendor_and_string_mismatch() {
    let v = run(
        &blob(&dev(0x1234, 0x5678), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(severity(&v, "ID-PLACEHOLDER"), Some(Severity::Medium));
    let v = run(
        &blob(&dev(0x2222, 0x2222), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert!(has(&v, "ID-PLACEHOLDER"));
    let v = run(
        &blob(&dev(0x2e8a, 0x0003), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(severity(&v, "ID-VID-NOT-IN-USBIDS"), Some(Severity::Low));
    let mut d = dev(0x0781, 0x5567);
    d.strings = [1, 0, 0];
    let text = umockdev_device(
        &format!("{ROOT}/1-2"),
        &blob(&d, &[cfg(1, &storage())]),
        &[("manufacturer", "Shenzhen Acme Widgets")],
    );
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert_eq!(
        severity(&v, "ID-VENDOR-STRING-MISMATCH"),
        Some(Severity::Low)
    );
}

// ---------- STR-* ----------

fn with_strings(attrs: &[(&str, &str)]) -> Verdict {
    let mut d = dev(0x0781, 0x5567);
    d.strings = [1, 2, 3];
    let text = umockdev_device(
        &format!("{ROOT}/1-2"),
        &blob(&d, &[cfg(1, &storage())]),
        attrs,
    );
    run(text.as_bytes(), Claim::FlashDrive)
}

#[test]
fn str_known_tool_and_gadget_strings() {
    let v = with_strings(&[
        ("manufacturer", "MaMe82"),
        ("product", "P4wnP1 by MaMe82"),
        ("serial", "deadbeefdeadbeef"),
    ]);
    assert_eq!(
        severity(&v, "STR-KNOWN-TOOL-STRINGS"),
        Some(Severity::Critical)
    );
    let v = with_strings(&[("manufacturer", "Linux 5.10.17+ with 20980000.usb")]);
    assert_eq!(severity(&v, "STR-GADGET-DEFAULT-MFR"), Some(Severity::High));
    assert_eq!(severity(&v, "ID-LINUX-GADGET"), Some(Severity::High));
}

#[test]
fn str_serial_checks_on_storage() {
    let v = run(&flash_drive_blob(), Claim::FlashDrive);
    assert_eq!(
        severity(&v, "STR-SERIAL-MISSING-STORAGE"),
        Some(Severity::Low)
    );
    assert!(has(&v, "STR-NO-STRINGS"));
    let v = with_strings(&[("serial", "ABC")]);
    assert_eq!(
        severity(&v, "STR-SERIAL-FORMAT-STORAGE"),
        Some(Severity::Low)
    );
    let v = with_strings(&[("serial", "000000000000")]);
    assert_eq!(
        severity(&v, "STR-SERIAL-PLACEHOLDER"),
        Some(Severity::Medium)
    );
    let v = with_strings(&[("serial", "0123456789ABCDEF")]);
    assert_eq!(
        severity(&v, "STR-SERIAL-PLACEHOLDER"),
        Some(Severity::Medium)
    );
}

#[test]
fn str_control_chars_and_a_64k_string() {
    let v = with_strings(&[("product", "Disk\\x1b[2J\\x07")]);
    assert_eq!(severity(&v, "STR-CONTROL-CHARS"), Some(Severity::Medium));
    let long = "A".repeat(64 * 1024);
    let v = with_strings(&[("product", &long)]);
    assert_eq!(severity(&v, "STR-OVERLONG"), Some(Severity::Medium));
    // The report keeps it short.
    let shown = serde_json::to_string(&v.devices[0].strings).expect("json");
    assert!(shown.len() < 300, "{}", shown.len());
    assert!(ascribe_device::report::to_text(&v).len() < 20_000);
}

#[test]
fn str_unavailable_in_raw_descriptors() {
    let mut d = dev(0x0781, 0x5567);
    d.strings = [1, 2, 3];
    let v = run(&blob(&d, &[cfg(1, &storage())]), Claim::FlashDrive);
    assert_eq!(severity(&v, "STR-UNAVAILABLE"), Some(Severity::Info));
    assert!(v.checks_skipped.iter().any(|s| s.check == "STR-*"));
    assert!(!has(&v, "STR-SERIAL-MISSING-STORAGE"));
}

// ---------- BEH-* (synthetic usbmon captures, link type 189) ----------

struct Cap {
    out: Vec<u8>,
    id: u64,
}

impl Cap {
    fn new() -> Self {
        // Classic pcap, little endian, link type 189.
        let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        out.extend_from_slice(&65535u32.to_le_bytes());
        out.extend_from_slice(&189u32.to_le_bytes());
        Cap { out, id: 0x1000 }
    }
    #[allow(clippy::too_many_arguments)]
    fn rec(
        &mut self,
        id: u64,
        kind: u8,
        xfer: u8,
        ep: u8,
        dev: u8,
        setup: Option<[u8; 8]>,
        t_us: i64,
        data: &[u8],
    ) {
        let mut h = Vec::new();
        h.extend_from_slice(&id.to_le_bytes());
        h.extend_from_slice(&[kind, xfer, ep, dev]);
        h.extend_from_slice(&1u16.to_le_bytes());
        h.push(if setup.is_some() { 0 } else { b'-' });
        h.push(if data.is_empty() { b'<' } else { 0 });
        h.extend_from_slice(&(t_us / 1_000_000).to_le_bytes());
        h.extend_from_slice(&((t_us % 1_000_000) as i32).to_le_bytes());
        h.extend_from_slice(&0i32.to_le_bytes());
        h.extend_from_slice(&(data.len() as u32).to_le_bytes());
        h.extend_from_slice(&(data.len() as u32).to_le_bytes());
        h.extend_from_slice(&setup.unwrap_or([0; 8]));
        h.extend_from_slice(data);
        let t = t_us.to_le_bytes();
        self.out.extend_from_slice(&t[0..4]);
        self.out.extend_from_slice(&[0, 0, 0, 0]);
        self.out.extend_from_slice(&(h.len() as u32).to_le_bytes());
        self.out.extend_from_slice(&(h.len() as u32).to_le_bytes());
        self.out.extend_from_slice(&h);
    }
    fn control_in(&mut self, dev: u8, setup: [u8; 8], t: i64, data: &[u8]) {
        self.id += 1;
        let id = self.id;
        self.rec(id, b'S', 2, 0x80, dev, Some(setup), t, &[]);
        self.rec(id, b'C', 2, 0x80, dev, None, t + 100, data);
    }
    fn get_descriptor(&mut self, dev: u8, ty: u8, index: u8, t: i64, data: &[u8]) {
        let len = (data.len() as u16).to_le_bytes();
        self.control_in(dev, [0x80, 6, index, ty, 0, 0, len[0], len[1]], t, data);
    }
    fn set_configuration(&mut self, dev: u8, t: i64) {
        self.id += 1;
        let id = self.id;
        self.rec(id, b'S', 2, 0, dev, Some([0, 9, 1, 0, 0, 0, 0, 0]), t, &[]);
        self.rec(id, b'C', 2, 0, dev, None, t + 50, &[]);
    }
    fn key(&mut self, dev: u8, t: i64, key: u8) {
        self.id += 1;
        let id = self.id;
        self.rec(id, b'C', 1, 0x81, dev, None, t, &[0, 0, key, 0, 0, 0, 0, 0]);
        self.id += 1;
        let id = self.id;
        self.rec(id, b'C', 1, 0x81, dev, None, t + 5_000, &[0; 8]);
    }
}

fn composite() -> Vec<u8> {
    let mut parts = storage();
    parts.push(iface(1, 0, 3, 1, 1, 1));
    parts.push(ep(0x81, 3, 8));
    cfg(1, &parts)
}

fn enumerate(cap: &mut Cap, dev_no: u8, t: i64, d: &Dev, config: &[u8]) {
    cap.get_descriptor(0, 1, 0, t, &d.bytes());
    cap.get_descriptor(dev_no, 1, 0, t + 1_000, &d.bytes());
    cap.get_descriptor(dev_no, 2, 0, t + 2_000, config.get(..9).unwrap_or(config));
    cap.get_descriptor(dev_no, 2, 0, t + 3_000, config);
    cap.set_configuration(dev_no, t + 4_000);
}

#[test]
fn beh_keystroke_injection_at_machine_speed() {
    let mut cap = Cap::new();
    enumerate(&mut cap, 7, 1_000_000, &dev(0x1a2b, 0x0020), &composite());
    for k in 0..12u8 {
        cap.key(7, 3_000_000 + i64::from(k) * 12_000, 4 + k);
    }
    let v = run(&cap.out, Claim::FlashDrive);
    assert_eq!(
        severity(&v, "BEH-KEYSTROKE-INJECTION"),
        Some(Severity::Critical)
    );
    assert_eq!(v.input.format, InputFormat::Pcap);
}

#[test]
fn beh_human_typing_is_not_injection() {
    let mut cap = Cap::new();
    enumerate(&mut cap, 7, 1_000_000, &dev(0x1a2b, 0x0021), &composite());
    for k in 0..12u8 {
        cap.key(7, 3_000_000 + i64::from(k) * 180_000, 4 + k);
    }
    let v = run(&cap.out, Claim::Keyboard);
    assert!(!has(&v, "BEH-KEYSTROKE-INJECTION"));
}

#[test]
fn beh_reenumeration_instability_and_msos() {
    let mut cap = Cap::new();
    let first = dev(0x0781, 0x5567);
    enumerate(&mut cap, 7, 1_000_000, &first, &cfg(1, &storage()));
    let second = dev(0x1a2b, 0x0022);
    let mut net = storage();
    net.push(iface(1, 0, 2, 6, 0, 0));
    let config = cfg(1, &net);
    enumerate(&mut cap, 8, 9_000_000, &second, &config);
    // The 9-byte read and the full read disagree.
    let mut changed = config.clone();
    changed[7] = 0xC0;
    cap.get_descriptor(8, 2, 0, 9_500_000, &changed);
    // MS OS string descriptor answered.
    let msos: Vec<u8> = {
        let mut s = vec![18, 3];
        for c in "MSFT100".encode_utf16() {
            s.extend_from_slice(&c.to_le_bytes());
        }
        s.extend_from_slice(&[0xbc, 0]);
        s
    };
    cap.get_descriptor(8, 3, 0xEE, 9_600_000, &msos);
    let v = run(&cap.out, Claim::FlashDrive);
    assert_eq!(
        severity(&v, "BEH-REENUMERATION-IDENTITY-CHANGE"),
        Some(Severity::High)
    );
    assert_eq!(
        severity(&v, "BEH-DESCRIPTOR-INSTABILITY"),
        Some(Severity::High)
    );
    assert_eq!(severity(&v, "BEH-MSOS-RNDIS"), Some(Severity::Medium));
    assert!(has(&v, "CAP-NETWORK"));
    // The gift is the device configured last.
    assert_eq!(v.devices[0].path, "001:008");
}

// ---------- DATA-* and other formats ----------

#[test]
fn data_identity_only_rule_is_inconclusive() {
    let v = run(
        b"allow id 0781:5567 serial \"4C530001230817117423\" name \"Cruzer\"\n",
        Claim::FlashDrive,
    );
    assert_eq!(v.verdict, VerdictKind::Inconclusive, "{:#?}", v.findings);
    assert!(has(&v, "DATA-NO-DESCRIPTORS"));
    let v = run(
        b"allow id 0781:5567 with-interface { 08:06:50 03:01:01 }\n",
        Claim::FlashDrive,
    );
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert_eq!(v.input.format, InputFormat::UsbguardRule);
}

#[test]
fn data_parser_warnings_from_lsusb() {
    let text = "Bus 001 Device 005: ID 0781:5567 SanDisk Corp. Cruzer Blade\nDevice Descriptor:\n  bLength 18\n  idVendor 0x0781\n  idProduct 0x5567\n  iSerial 3 4C530001230817117423\n  bNumConfigurations 1\n  Configuration Descriptor:\n    wTotalLength 32\n    bNumInterfaces 1\n    bConfigurationValue 1\n    Interface Descriptor:\n      bInterfaceNumber 0\n      bNumEndpoints 2\n      bInterfaceClass 8 Mass Storage\n      bInterfaceSubClass 6 SCSI\n      bInterfaceProtocol 80 Bulk-Only\n      Endpoint Descriptor:\n        bEndpointAddress 0x81 EP 1 IN\n        bmAttributes 2\n        wMaxPacketSize 0x0200 1x 512 bytes\n      Endpoint Descriptor:\n        bEndpointAddress 0x02 EP 2 OUT\n        bmAttributes 2\n        wMaxPacketSize 0x0200 1x 512 bytes\n      ** UNRECOGNIZED:  05 24 00 01 02\n";
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert!(has(&v, "DATA-PARSER-WARNINGS"));
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
}

#[test]
fn hex_text_of_descriptors_is_detected() {
    let hex: String = flash_drive_blob()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let v = run(hex.as_bytes(), Claim::FlashDrive);
    assert_eq!(v.input.format, InputFormat::RawDescriptors);
    assert!(v
        .capabilities
        .contains(&ascribe_device::Capability::Storage));
}

#[test]
fn unknown_input_is_an_error() {
    assert!(vet_bytes(b"hello world", &VetOptions::new(Claim::FlashDrive)).is_err());
    assert!(vet_bytes(&[0x12, 0x01, 0, 0], &VetOptions::new(Claim::FlashDrive)).is_err());
}

// ---------- evidence ----------

#[test]
fn findings_become_graded_marked_evidence() {
    let v = run(
        &blob(&dev(0x03eb, 0x2403), &[composite()]),
        Claim::FlashDrive,
    );
    let opts = EvidenceOptions {
        hypotheses: vec!["h1".to_string(), "h2".to_string()],
        ..EvidenceOptions::default()
    };
    let observed = to_observed(&v, &opts);
    // Graded under the default policy: B2 for capabilities, B3 for hints.
    let ev = ascribe_assess::observed_to_evidence(&observed, &ascribe_assess::Policy::default())
        .expect("the default policy grades");
    assert!(ev.len() >= 3);
    assert!(ev
        .iter()
        .all(|e| e.kind == ascribe_model::EvidenceKind::DeviceFinding));
    assert!(ev.iter().all(|e| e.tlp == ascribe_model::Tlp::Amber));
    assert!(ev.iter().all(|e| e.source.starts_with("device vetting: ")));
    let kbd = ev
        .iter()
        .find(|e| e.summary.contains("CAP-HID-KEYBOARD"))
        .expect("keyboard");
    assert_eq!(
        kbd.grade.credibility,
        ascribe_model::Credibility::ProbablyTrue
    );
    match &kbd.bearing {
        ascribe_model::Bearing::Ratings(r) => {
            assert_eq!(r.get("h1"), Some(&ascribe_model::AchRating::Neutral));
            assert_eq!(r.len(), 2);
        }
        other => panic!("unexpected bearing {other:?}"),
    }
    let ids: std::collections::BTreeSet<&String> = ev.iter().map(|e| &e.id).collect();
    assert_eq!(ids.len(), ev.len(), "evidence ids are unique");
    let tool = ev
        .iter()
        .find(|e| e.summary.contains("ID-KNOWN-ATTACK-TOOL"))
        .expect("tool");
    assert_eq!(
        tool.grade.credibility,
        ascribe_model::Credibility::PossiblyTrue
    );
    // A policy re-grades what is stored, without vetting again.
    let mut policy = ascribe_assess::Policy::default();
    policy.device.capability_grade = "C3".into();
    let regraded = ascribe_assess::observed_to_evidence(&observed, &policy).expect("grades");
    let kbd = regraded
        .iter()
        .find(|e| e.summary.contains("CAP-HID-KEYBOARD"))
        .expect("keyboard");
    assert_eq!(kbd.grade.to_string(), "C3");
}

#[test]
fn hex_with_prefixes_and_claim_spellings() {
    let hex: String = flash_drive_blob()
        .iter()
        .map(|b| format!("0x{b:02X}, "))
        .collect();
    let v = run(hex.as_bytes(), Claim::FlashDrive);
    assert_eq!(v.input.format, InputFormat::RawDescriptors);
    for s in ["flash_drive", "FlashDrive", "flash-drive", "FLASH DRIVE"] {
        assert_eq!(s.parse::<Claim>().ok(), Some(Claim::FlashDrive), "{s}");
    }
    assert_eq!("powerbank".parse::<Claim>().ok(), Some(Claim::PowerBank));
    assert!("toaster".parse::<Claim>().is_err());
}

#[test]
fn bos_billboard_in_a_sysfs_snapshot() {
    assert!(ascribe_device::sysfs::bos_has_billboard(&[
        5, 0x0F, 12, 0, 1, 7, 0x10, 0x0D, 0, 0, 0, 0
    ]));
    assert!(!ascribe_device::sysfs::bos_has_billboard(&[
        5, 0x0F, 7, 0, 1, 0, 0
    ]));
    let mut d = dev(0x32ac, 0x0009);
    d.class = [0x11, 0, 0];
    let text = format!(
        "P: {ROOT}/1-2\nA: idVendor=32ac\nH: bos_descriptors=050F0C000107100D00000000\nH: descriptors={}\n",
        blob(&d, &[cfg(1, &[])])
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    );
    let v = run(text.as_bytes(), Claim::PowerBank);
    assert!(
        v.capabilities
            .contains(&ascribe_device::Capability::Billboard),
        "{:?}",
        v.capabilities
    );
    assert!(has(&v, "CAP-BILLBOARD-ON-POWER-ONLY"));
}

/// usbmon text (`1u`) records for the same enumeration and fast typing.
fn usbmon_text(d: &Dev, config: &[u8], key_gap_us: i64) -> String {
    let words = |b: &[u8]| -> String {
        b.chunks(4)
            .map(|c| c.iter().map(|x| format!("{x:02x}")).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut s = String::new();
    let mut t = 1_000_000i64;
    let mut tag = 0xffff_8800_0000_1000u64;
    let mut get = |s: &mut String, dev: u8, ty: u8, data: &[u8], t: &mut i64| {
        tag += 0x40;
        s.push_str(&format!(
            "{tag:016x} {t} S Ci:1:{dev:03}:0 s 80 06 {ty:02x}00 0000 {:04x} {} <\n",
            data.len(),
            data.len()
        ));
        *t += 100;
        s.push_str(&format!(
            "{tag:016x} {t} C Ci:1:{dev:03}:0 0 {} = {}\n",
            data.len(),
            words(data)
        ));
        *t += 1_000;
    };
    get(&mut s, 7, 1, &d.bytes(), &mut t);
    get(&mut s, 7, 2, config, &mut t);
    s.push_str(&format!(
        "ffff880000009000 {t} S Co:1:007:0 s 00 09 0001 0000 0000 0\n"
    ));
    for k in 0..8u8 {
        t += key_gap_us;
        s.push_str(&format!(
            "ffff88000000a000 {t} C Ii:1:007:1 0:8 8 = 0000{:02x}00 00000000\n",
            4 + k
        ));
        s.push_str(&format!(
            "ffff88000000a000 {} C Ii:1:007:1 0:8 8 = 00000000 00000000\n",
            t + 3_000
        ));
    }
    s
}

#[test]
fn usbmon_text_is_read_like_a_capture() {
    let text = usbmon_text(&dev(0x1a2b, 0x0030), &composite(), 10_000);
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert_eq!(v.input.format, InputFormat::UsbmonText);
    assert_eq!(v.devices[0].path, "001:007");
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert_eq!(
        severity(&v, "BEH-KEYSTROKE-INJECTION"),
        Some(Severity::Critical)
    );
    let slow = usbmon_text(&dev(0x1a2b, 0x0030), &composite(), 300_000);
    assert!(!has(
        &run(slow.as_bytes(), Claim::Keyboard),
        "BEH-KEYSTROKE-INJECTION"
    ));
}

#[test]
fn plain_lsusb_listing_is_identity_only() {
    let text = "Bus 001 Device 004: ID 0781:5567 SanDisk Corp. Cruzer Blade\nBus 001 Device 003: ID 046d:c52b Logitech, Inc. Unifying Receiver\nBus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub\n";
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert_eq!(v.verdict, VerdictKind::Inconclusive, "{:#?}", v.findings);
    assert!(!has(&v, "TOPO-MULTIPLE-DEVICES"));
    assert_eq!(v.devices.len(), 2);
    let mut o = VetOptions::new(Claim::FlashDrive);
    o.selector = Some("0781:5567".parse().expect("selector"));
    let v = vet_bytes(text.as_bytes(), &o).expect("parses");
    assert_eq!(v.devices.len(), 1);
    assert!(has(&v, "DATA-NO-DESCRIPTORS"));
    assert_eq!(v.verdict, VerdictKind::Inconclusive);
    let v = run(
        &blob(&dev(0x1212, 0x1212), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert!(has(&v, "ID-PLACEHOLDER"));
}

#[test]
fn observation_listing_a_new_device_fails_a_charger() {
    let rec = br#"{"schema":"usb-vetting-observation/v1","window_s":60,"host_side":{"new_devices":[{"vid":"1a86","pid":"7523"}]}}"#;
    let v = run(rec, Claim::Charger);
    assert_eq!(
        severity(&v, "CAP-ENUMERATED-ON-POWER-ONLY"),
        Some(Severity::Critical)
    );
    assert!(!has(&v, "CAP-BILLBOARD-ON-POWER-ONLY"));
    assert_eq!(v.verdict, VerdictKind::Fail);
}

#[test]
fn lsusb_negotiated_speed_feeds_the_storage_speed_check() {
    let text = "Bus 001 Device 005: ID 0781:5567 SanDisk Corp. Cruzer Blade\nNegotiated speed: Full Speed (12Mbps)\nDevice Descriptor:\n  idVendor 0x0781\n  idProduct 0x5567\n  bNumConfigurations 1\n  Configuration Descriptor:\n    bNumInterfaces 1\n    bConfigurationValue 1\n    Interface Descriptor:\n      bInterfaceNumber 0\n      bNumEndpoints 0\n      bInterfaceClass 8 Mass Storage\n      bInterfaceSubClass 6\n      bInterfaceProtocol 80\n";
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert!(has(&v, "STRUCT-SPEED-FULL-STORAGE"), "{:#?}", v.findings);
}

#[test]
fn usbids_mismatch_for_a_leonardo_presenting_storage() {
    // 2341:8036 is "Leonardo (CDC ACM, HID)" in usb.ids.
    let v = run(
        &blob(&dev(0x2341, 0x8036), &[cfg(1, &storage())]),
        Claim::FlashDrive,
    );
    assert_eq!(
        severity(&v, "ID-USBIDS-CLASS-MISMATCH"),
        Some(Severity::High)
    );
    assert_eq!(severity(&v, "ID-DEVBOARD"), Some(Severity::High));
    // Serial plus keyboard fits the registration.
    let parts = vec![
        iface(0, 0, 2, 2, 1, 0),
        iface(1, 0, 0x0a, 0, 0, 0),
        iface(2, 0, 3, 1, 1, 1),
        ep(0x81, 3, 8),
    ];
    let v = run(
        &blob(&dev(0x2341, 0x8036), &[cfg(1, &parts)]),
        Claim::Unknown,
    );
    assert!(!has(&v, "ID-USBIDS-CLASS-MISMATCH"), "{:#?}", v.findings);
}

#[test]
fn capture_of_a_gift_with_an_internal_hub() {
    let mut cap = Cap::new();
    // Something else configured long before: outside the gift.
    enumerate(
        &mut cap,
        3,
        1_000_000,
        &dev(0x046d, 0x0892),
        &cfg(1, &[iface(0, 0, 0x0e, 1, 0, 0)]),
    );
    let mut hub = dev(0x05e3, 0x0608);
    hub.class = [9, 0, 1];
    enumerate(
        &mut cap,
        9,
        20_000_000,
        &hub,
        &cfg(1, &[iface(0, 0, 9, 0, 0, 1), ep(0x81, 3, 1)]),
    );
    enumerate(
        &mut cap,
        10,
        20_400_000,
        &dev(0x0781, 0x5567),
        &cfg(1, &storage()),
    );
    enumerate(
        &mut cap,
        11,
        20_800_000,
        &dev(0x1a2b, 0x0040),
        &cfg(1, &[iface(0, 0, 3, 1, 1, 1), ep(0x81, 3, 8)]),
    );
    let v = run(&cap.out, Claim::FlashDrive);
    assert_eq!(
        v.devices.len(),
        3,
        "{:?}",
        v.devices.iter().map(|d| &d.path).collect::<Vec<_>>()
    );
    assert_eq!(v.devices[0].vid, "05e3");
    assert!(has(&v, "TOPO-HUB-IN-CLAIM"));
    assert!(has(&v, "TOPO-MULTIPLE-DEVICES"));
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert_eq!(
        v.input.excluded_devices,
        vec!["001:003 046d:0892".to_string()]
    );
}

#[test]
fn annotated_hex_is_read() {
    let text = "# Twin Duck style composite\n12 01 00 02 00 00 00 40 eb 03 03 24 00 01 00 00 00 01 // device\n09 02 27 00 02 01 00 80 32 # config\n09 04 00 00 02 08 06 50 00\n07 05 81 02 00 02 00\n07 05 02 02 00 02 00\n09 04 01 00 01 03 01 01 00\n";
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert_eq!(v.input.format, InputFormat::RawDescriptors);
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert!(has(&v, "ID-KNOWN-ATTACK-TOOL"));
}

/// A USBPcap (link type 249) capture of an enumeration and fast typing.
fn usbpcap(d: &Dev, config: &[u8], key_gap_us: i64) -> Vec<u8> {
    let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&249u32.to_le_bytes());
    let mut rec =
        |t: i64, irp: u64, info: u8, ep: u8, xfer: u8, stage: Option<u8>, payload: &[u8]| {
            let mut h = Vec::new();
            let hl: u16 = if stage.is_some() { 28 } else { 27 };
            h.extend_from_slice(&hl.to_le_bytes());
            h.extend_from_slice(&irp.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes());
            h.extend_from_slice(&0x0008u16.to_le_bytes());
            h.push(info);
            h.extend_from_slice(&1u16.to_le_bytes());
            h.extend_from_slice(&5u16.to_le_bytes());
            h.push(ep);
            h.push(xfer);
            h.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            if let Some(s) = stage {
                h.push(s);
            }
            h.extend_from_slice(payload);
            out.extend_from_slice(&((t / 1_000_000) as u32).to_le_bytes());
            out.extend_from_slice(&((t % 1_000_000) as u32).to_le_bytes());
            out.extend_from_slice(&(h.len() as u32).to_le_bytes());
            out.extend_from_slice(&(h.len() as u32).to_le_bytes());
            out.extend_from_slice(&h);
        };
    let mut t = 1_000_000i64;
    let mut irp = 0x100u64;
    for (ty, data) in [(1u8, d.bytes()), (2u8, config.to_vec())] {
        irp += 1;
        let len = (data.len() as u16).to_le_bytes();
        rec(
            t,
            irp,
            0,
            0x80,
            2,
            Some(0),
            &[0x80, 6, 0, ty, 0, 0, len[0], len[1]],
        );
        rec(t + 100, irp, 1, 0x80, 2, Some(1), &data);
        t += 1_000;
    }
    irp += 1;
    rec(t, irp, 0, 0x00, 2, Some(0), &[0, 9, 1, 0, 0, 0, 0, 0]);
    for k in 0..8u8 {
        t += key_gap_us;
        irp += 1;
        rec(t, irp, 1, 0x81, 1, None, &[0, 0, 4 + k, 0, 0, 0, 0, 0]);
        irp += 1;
        rec(t + 3_000, irp, 1, 0x81, 1, None, &[0; 8]);
    }
    out
}

#[test]
fn usbpcap_captures_are_read() {
    let cap = usbpcap(&dev(0x1a2b, 0x0050), &composite(), 8_000);
    let v = run(&cap, Claim::FlashDrive);
    assert_eq!(v.input.format, InputFormat::Pcap);
    assert_eq!(v.devices.len(), 1, "{:?}", v.input.parser_warnings);
    assert_eq!(v.devices[0].path, "001:005");
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert_eq!(
        severity(&v, "BEH-KEYSTROKE-INJECTION"),
        Some(Severity::Critical)
    );
}

#[test]
fn beh_late_hid_after_storage() {
    let mut cap = Cap::new();
    enumerate(
        &mut cap,
        7,
        1_000_000,
        &dev(0x0781, 0x5567),
        &cfg(1, &storage()),
    );
    enumerate(&mut cap, 8, 6_000_000, &dev(0x0781, 0x5568), &composite());
    let v = run(&cap.out, Claim::FlashDrive);
    assert_eq!(severity(&v, "BEH-LATE-HID"), Some(Severity::Medium));
    assert_eq!(
        severity(&v, "BEH-REENUMERATION-IDENTITY-CHANGE"),
        Some(Severity::High)
    );
    assert_eq!(v.devices.len(), 1);
    // A network gadget without HID after storage is not staged HID.
    let mut cap = Cap::new();
    enumerate(
        &mut cap,
        7,
        1_000_000,
        &dev(0x0781, 0x5567),
        &cfg(1, &storage()),
    );
    let mut net = storage();
    net.push(iface(1, 0, 2, 6, 0, 0));
    enumerate(&mut cap, 8, 6_000_000, &dev(0x0781, 0x5568), &cfg(1, &net));
    assert!(!has(&run(&cap.out, Claim::FlashDrive), "BEH-LATE-HID"));
}

#[test]
fn lenient_billboard_brick_with_vendor_hid_warns() {
    let rd = [
        0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x09, 0x02, 0x81, 0x02, 0xC0,
    ];
    let desc = blob(
        &dev(0x1a2b, 0x0060),
        &[cfg(
            1,
            &[
                iface(0, 0, 0x11, 0, 0, 0),
                iface(1, 0, 3, 0, 0, 1),
                vec![9, 0x21, 0x11, 1, 0, 1, 0x22, 12, 0],
                ep(0x81, 3, 64),
            ],
        )],
    );
    let mut text = umockdev_device(&format!("{ROOT}/1-3"), &desc, &[]);
    let hex: String = rd.iter().map(|b| format!("{b:02X}")).collect();
    text.push_str(&format!(
        "P: {ROOT}/1-3/1-3:1.1/0003:1A2B:0060.0001\nH: report_descriptor={hex}\n\n"
    ));
    assert_eq!(
        run(text.as_bytes(), Claim::Charger).verdict,
        VerdictKind::Fail
    );
    let v = run_lenient(text.as_bytes(), Claim::Charger);
    assert_eq!(v.verdict, VerdictKind::Warn, "{:#?}", v.findings);
    assert_eq!(
        severity(&v, "CAP-ENUMERATED-ON-POWER-ONLY"),
        Some(Severity::Medium)
    );
}

#[test]
fn boot_keyboard_protocol_counts_even_with_a_vendor_report_descriptor() {
    let rd = [
        0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x09, 0x02, 0x81, 0x02, 0xC0,
    ];
    let desc = blob(
        &dev(0x1a2b, 0x0070),
        &[cfg(
            1,
            &[
                iface(0, 0, 3, 1, 1, 1),
                vec![9, 0x21, 0x11, 1, 0, 1, 0x22, 12, 0],
                ep(0x81, 3, 8),
            ],
        )],
    );
    let mut text = umockdev_device(&format!("{ROOT}/1-3"), &desc, &[]);
    let hex: String = rd.iter().map(|b| format!("{b:02X}")).collect();
    text.push_str(&format!(
        "P: {ROOT}/1-3/1-3:1.0/0003:1A2B:0070.0001\nH: report_descriptor={hex}\n\n"
    ));
    let v = run(text.as_bytes(), Claim::FlashDrive);
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert!(has(&v, "CAP-HID-VENDOR"));
}

const USB_DEVICES: &str = "\
T:  Bus=01 Lev=00 Prnt=00 Port=00 Cnt=00 Dev#=  1 Spd=480  MxCh=12
D:  Ver= 2.00 Cls=09(hub  ) Sub=00 Prot=01 MxPS=64 #Cfgs=  1
P:  Vendor=1d6b ProdID=0002 Rev=05.15
S:  Product=EHCI Host Controller
C:* #Ifs= 1 Cfg#= 1 Atr=e0 MxPwr=0mA
I:* If#= 0 Alt= 0 #EPs= 1 Cls=09(hub  ) Sub=00 Prot=00 Driver=hub

T:  Bus=01 Lev=01 Prnt=01 Port=02 Cnt=01 Dev#=  5 Spd=480  MxCh= 4
D:  Ver= 2.00 Cls=09(hub  ) Sub=00 Prot=02 MxPS=64 #Cfgs=  1
P:  Vendor=05e3 ProdID=0608 Rev=60.90
C:* #Ifs= 1 Cfg#= 1 Atr=e0 MxPwr=100mA
I:* If#= 0 Alt= 0 #EPs= 1 Cls=09(hub  ) Sub=00 Prot=00 Driver=hub

T:  Bus=01 Lev=02 Prnt=05 Port=00 Cnt=01 Dev#=  6 Spd=480  MxCh= 0
D:  Ver= 2.00 Cls=00(>ifc ) Sub=00 Prot=00 MxPS=64 #Cfgs=  1
P:  Vendor=0781 ProdID=5567 Rev=01.00
S:  Manufacturer=SanDisk
S:  SerialNumber=4C530001230817117423
C:* #Ifs= 1 Cfg#= 1 Atr=80 MxPwr=200mA
I:* If#= 0 Alt= 0 #EPs= 2 Cls=08(stor.) Sub=06 Prot=50 Driver=usb-storage
E:  Ad=81(I) Atr=02(Bulk) MxPS= 512 Ivl=0ms
E:  Ad=02(O) Atr=02(Bulk) MxPS= 512 Ivl=0ms

T:  Bus=01 Lev=02 Prnt=05 Port=01 Cnt=02 Dev#=  7 Spd=12   MxCh= 0
D:  Ver= 1.10 Cls=00(>ifc ) Sub=00 Prot=00 MxPS= 8 #Cfgs=  1
P:  Vendor=1a2b ProdID=0080 Rev=01.00
C:* #Ifs= 1 Cfg#= 1 Atr=a0 MxPwr=100mA
I:* If#= 0 Alt= 0 #EPs= 1 Cls=03(HID  ) Sub=01 Prot=01 Driver=usbhid
E:  Ad=81(I) Atr=03(Int.) MxPS=   8 Ivl=10ms

T:  Bus=01 Lev=01 Prnt=01 Port=03 Cnt=02 Dev#=  8 Spd=12   MxCh= 0
D:  Ver= 1.10 Cls=00(>ifc ) Sub=00 Prot=00 MxPS= 8 #Cfgs=  1
P:  Vendor=046d ProdID=c52b Rev=12.11
C:* #Ifs= 1 Cfg#= 1 Atr=a0 MxPwr=98mA
I:* If#= 0 Alt= 0 #EPs= 1 Cls=03(HID  ) Sub=01 Prot=02 Driver=usbhid
";

#[test]
fn usb_devices_topology_selects_the_subtree() {
    let mut o = VetOptions::new(Claim::FlashDrive);
    o.selector = Some("001:005".parse().expect("selector"));
    let v = vet_bytes(USB_DEVICES.as_bytes(), &o).expect("parses");
    assert_eq!(v.input.format, InputFormat::UsbDevices);
    let paths: Vec<&str> = v.devices.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, vec!["001:005", "001:006", "001:007"]);
    assert!(has(&v, "TOPO-HUB-IN-CLAIM"));
    assert!(has(&v, "CAP-HID-KEYBOARD"));
    assert_eq!(
        v.input.excluded_devices,
        vec!["001:008 046d:c52b".to_string()]
    );
    o.selector = Some("0781:5567".parse().expect("selector"));
    let v = vet_bytes(USB_DEVICES.as_bytes(), &o).expect("parses");
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
}

#[test]
fn unauthorized_gift_is_found_without_set_configuration() {
    // authorized_default=0: the host reads the descriptors but never configures.
    let mut cap = Cap::new();
    cap.get_descriptor(4, 1, 0, 500_000, &dev(0x046d, 0x0892).bytes());
    let d = dev(0x1a2b, 0x0090);
    cap.get_descriptor(0, 1, 0, 5_000_000, &d.bytes());
    cap.get_descriptor(9, 1, 0, 5_010_000, &d.bytes());
    cap.get_descriptor(9, 2, 0, 5_020_000, &composite());
    // The webcam is read again later (a resume), after the gift.
    cap.get_descriptor(4, 1, 0, 7_000_000, &dev(0x046d, 0x0892).bytes());
    let v = run(&cap.out, Claim::FlashDrive);
    assert_eq!(v.devices.len(), 1);
    assert_eq!(v.devices[0].path, "001:009");
    assert!(has(&v, "CAP-HID-KEYBOARD"));
}

#[test]
fn a_quiet_capture_is_an_observation_window() {
    let mut cap = Cap::new();
    cap.rec(1, b'C', 1, 0x81, 1, None, 1_000_000, &[0, 0]);
    cap.rec(2, b'C', 1, 0x81, 1, None, 91_000_000, &[0, 0]);
    let v = run(&cap.out, Claim::Charger);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    assert!(has(&v, "DATA-NOTHING-ENUMERATED"));
    let mut short = Cap::new();
    short.rec(1, b'C', 1, 0x81, 1, None, 1_000_000, &[0, 0]);
    short.rec(2, b'C', 1, 0x81, 1, None, 6_000_000, &[0, 0]);
    assert_eq!(
        run(&short.out, Claim::Cable).verdict,
        VerdictKind::Inconclusive
    );
}
