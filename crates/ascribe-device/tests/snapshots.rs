//! Snapshots of the text and JSON reports (review changes with INSTA_UPDATE).

use ascribe_device::report::{to_json, to_text};
use ascribe_device::{vet_bytes, Claim, Selector, Verdict, VetOptions};

fn vet(rel: &str, claim: Claim, selector: Option<&str>) -> Option<Verdict> {
    let path = ascribe_testutil::shared_file(&format!("data/usb/{rel}"))?;
    let bytes = std::fs::read(path).expect("sample");
    let mut o = VetOptions::new(claim);
    o.input_name = rel.rsplit('/').next().unwrap_or(rel).to_string();
    o.selector = selector.map(|s| s.parse::<Selector>().expect("selector"));
    Some(vet_bytes(&bytes, &o).expect("parses"))
}

#[test]
fn holtek_keyboard_claimed_as_flash_drive() {
    let Some(v) = vet(
        "lsusb/jc_holtek-keyboard_04d9-4545.lsusb-v.txt",
        Claim::FlashDrive,
        None,
    ) else {
        return;
    };
    insta::assert_snapshot!("holtek_flash_drive_text", to_text(&v));
    insta::assert_snapshot!("holtek_flash_drive_json", to_json(&v));
}

#[test]
fn framework_card_claimed_as_charger() {
    let Some(v) = vet(
        "lsusb/jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt",
        Claim::Charger,
        None,
    ) else {
        return;
    };
    insta::assert_snapshot!("framework_charger_text", to_text(&v));
}

#[test]
fn capture_keyboard_claimed_as_keyboard() {
    let Some(v) = vet(
        "pcap/umockdev_usbkbd-enumeration_04d9-1603.linktype220.pcapng",
        Claim::Keyboard,
        None,
    ) else {
        return;
    };
    insta::assert_snapshot!("pcap_keyboard_text", to_text(&v));
    insta::assert_snapshot!("pcap_keyboard_json", to_json(&v));
}

#[test]
fn yubico_claimed_as_security_key() {
    let Some(v) = vet(
        "sysfs/umockdev_yubico-fido2-key_1050-0120.umockdev",
        Claim::SecurityKey,
        None,
    ) else {
        return;
    };
    insta::assert_snapshot!("yubico_security_key_text", to_text(&v));
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
