//! `ascribe device vet` end to end: inputs, exit codes, JSON, and --incident.

mod common;

use common::{ascribe, root, stderr as err, stdout as out};

use std::path::Path;
use std::process::Output;

fn ex(name: &str) -> String {
    root()
        .join("examples/devices")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `device vet INPUT --claim CLAIM` with `more` arguments.
fn vet(db: &Path, input: &str, claim: &str, more: &[&str]) -> Output {
    ascribe(
        db,
        &[&["device", "vet", input, "--claim", claim], more].concat(),
    )
}

const HOLTEK: &str = "jc_holtek-keyboard_04d9-4545.lsusb-v.txt";

#[test]
fn exit_codes_follow_the_verdict() {
    let (_dir, db) = common::temp_db();
    let fail = vet(&db, &ex(HOLTEK), "flash-drive", &[]);
    assert_eq!(fail.status.code(), Some(1), "{}", err(&fail));
    assert!(out(&fail).starts_with("FAIL"));
    let pass = vet(&db, &ex(HOLTEK), "keyboard", &[]);
    assert_eq!(pass.status.code(), Some(0), "{}", out(&pass));
    let warn = vet(
        &db,
        &ex("jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt"),
        "mouse",
        &[],
    );
    assert!(out(&warn).starts_with("WARN"), "{}", out(&warn));
    assert_eq!(warn.status.code(), Some(0));
    let inconclusive = vet(&db, "nothing", "flash-drive", &[]);
    assert!(out(&inconclusive).starts_with("INCONCLUSIVE"));
    assert_eq!(inconclusive.status.code(), Some(1));
    let lenient = vet(&db, "nothing", "flash-drive", &["--profile", "lenient"]);
    assert_eq!(lenient.status.code(), Some(0));
    let charger = vet(&db, &ex("charger-nothing-enumerated.json"), "charger", &[]);
    assert_eq!(charger.status.code(), Some(0), "{}", out(&charger));
    assert!(out(&charger).contains("acting as a USB host"));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let (dir, db) = common::temp_db();
    let missing = vet(&db, "/nonexistent/file", "cable", &[]);
    assert_eq!(missing.status.code(), Some(2));
    common::assert_contains(&err(&missing), "/nonexistent/file");
    let claim = vet(&db, &ex(HOLTEK), "toaster", &[]);
    assert_eq!(claim.status.code(), Some(2));
    let junk = common::write(dir.path(), "junk.txt", "hello world\n");
    let o = vet(&db, junk.to_str().expect("utf8"), "cable", &[]);
    assert_eq!(o.status.code(), Some(2));
    common::assert_contains(&err(&o), "input format not recognised");
    let sel = vet(&db, &ex(HOLTEK), "cable", &["--device", "9999:0001"]);
    assert_eq!(sel.status.code(), Some(2));
    common::assert_contains(&err(&sel), "no device matches");
}

#[test]
fn json_output_is_the_documented_schema() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = vet(
        &dir.path().join("a.db"),
        &ex(HOLTEK),
        "flash-drive",
        &["--format", "json", "--device", "04d9:4545"],
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v["schema"], "ascribe-device-verdict/v1");
    assert_eq!(v["verdict"], "FAIL");
    assert_eq!(v["claim"], "flash-drive");
    assert_eq!(v["findings"][0]["id"], "CAP-HID-KEYBOARD");
    assert_eq!(v["devices"][0]["functions"][0]["class"], "03:01:01");
}

#[test]
fn a_sysfs_folder_is_read_into_a_snapshot() {
    let dir = tempfile::tempdir().expect("tmp");
    let dev = dir.path().join("1-2");
    std::fs::create_dir_all(dev.join("1-2:1.0")).expect("mkdir");
    let hex = std::fs::read_to_string(ex("synthetic-flash-drive.descriptors.hex")).expect("hex");
    let bytes: Vec<u8> = (0..hex.trim().len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex digit"))
        .collect();
    std::fs::write(dev.join("descriptors"), &bytes).expect("write");
    std::fs::write(dev.join("idVendor"), "0781\n").expect("write");
    std::fs::write(dev.join("serial"), "4C530001230817117423\n").expect("write");
    std::fs::write(dev.join("speed"), "480\n").expect("write");
    std::fs::write(dev.join("1-2:1.0/bInterfaceClass"), "08\n").expect("write");
    let o = vet(
        &dir.path().join("a.db"),
        dev.to_str().expect("utf8"),
        "flash-drive",
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    common::assert_contains(&out(&o), "(sysfs-dir");
    common::assert_contains(&out(&o), "serial \"4C530001230817117423\"");
}

#[test]
fn incident_stores_findings_as_evidence() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = common::example_db(dir.path());
    let o = vet(
        &db,
        &ex(HOLTEK),
        "flash-drive",
        &["--incident", "vaccine-research-2020"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    common::assert_contains(&err(&o), "stored 4 evidence item(s)");
    // Vetting the same input again replaces rather than duplicates.
    let _ = vet(
        &db,
        &ex(HOLTEK),
        "flash-drive",
        &["--incident", "vaccine-research-2020"],
    );
    let a = ascribe(&db, &["assess", "vaccine-research-2020"]);
    let text = out(&a);
    assert_eq!(text.matches("device-finding").count(), 4, "{text}");
    assert!(text.contains("dev-6b5db225-cap-hid-keyboard"), "{text}");
    let missing = vet(
        &db,
        &ex(HOLTEK),
        "flash-drive",
        &["--incident", "no-such-incident"],
    );
    assert_eq!(missing.status.code(), Some(2));
    common::assert_contains(&err(&missing), "no incident \"no-such-incident\"");
}
