//! Snapshots of the text and JSON reports (review changes with INSTA_UPDATE).

mod common;

use ascribe_device::report::{to_json, to_text};
use ascribe_device::{vet_bytes, Claim, VetOptions};

/// Real samples vetted under a claim: the sample (under `shared/data/usb/`),
/// the claim, the snapshots' prefix, and whether the JSON report is kept
/// beside the text one.
const SAMPLES: [(&str, Claim, &str, bool); 4] = [
    (
        "lsusb/jc_holtek-keyboard_04d9-4545.lsusb-v.txt",
        Claim::FlashDrive,
        "holtek_flash_drive",
        true,
    ),
    (
        "lsusb/jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt",
        Claim::Charger,
        "framework_charger",
        false,
    ),
    (
        "pcap/umockdev_usbkbd-enumeration_04d9-1603.linktype220.pcapng",
        Claim::Keyboard,
        "pcap_keyboard",
        true,
    ),
    (
        "sysfs/umockdev_yubico-fido2-key_1050-0120.umockdev",
        Claim::SecurityKey,
        "yubico_security_key",
        false,
    ),
];

#[test]
fn real_samples_under_their_claims() {
    for (rel, claim, name, json) in SAMPLES {
        // The report names the input by its file name.
        let file_name = rel.rsplit('/').next().unwrap_or(rel);
        let Some(v) = common::vet_sample(rel, file_name, claim, None) else {
            return;
        };
        insta::assert_snapshot!(format!("{name}_text"), to_text(&v));
        if json {
            insta::assert_snapshot!(format!("{name}_json"), to_json(&v));
        }
    }
}

#[test]
fn charger_with_nothing_enumerated() {
    let rec = br#"{"schema":"usb-vetting-observation/v1","window_s":90,"host_side":{"new_devices":[]},"device_side_probe":{"performed":false}}"#;
    let mut o = VetOptions::new(Claim::Charger);
    o.input_name = "observation.json".to_string();
    let v = vet_bytes(rec, &o).expect("parses");
    insta::assert_snapshot!("charger_nothing_text", to_text(&v));
    insta::assert_snapshot!("charger_nothing_json", to_json(&v));
}
