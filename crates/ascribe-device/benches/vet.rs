//! Throughput of parsing and vetting, per input format. Prints figures; no
//! assertions on time. Run: `cargo bench -p ascribe-device --bench vet`.

use std::time::Instant;

use ascribe_device::{vet_bytes, Claim, VetOptions};

fn bench(name: &str, bytes: &[u8], claim: Claim) {
    let opts = VetOptions::new(claim);
    // Warm up (and build the lazily parsed usb.ids table).
    let first = vet_bytes(bytes, &opts).expect("sample vets");
    let iters = 200u32;
    let start = Instant::now();
    for _ in 0..iters {
        let v = vet_bytes(bytes, &opts).expect("sample vets");
        assert_eq!(v.verdict, first.verdict);
    }
    let per = start.elapsed() / iters;
    let mbps = bytes.len() as f64 / per.as_secs_f64() / 1e6;
    println!(
        "{name:<48} {:>8} bytes  {:>10.1} µs/vet  {:>8.1} MB/s  verdict {}",
        bytes.len(),
        per.as_secs_f64() * 1e6,
        mbps,
        first.verdict.as_str()
    );
}

fn main() {
    let root = ascribe_testutil::workspace_root();
    let t = Instant::now();
    let _ = ascribe_device::tables::usb_ids();
    println!(
        "usb.ids first load: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    for (file, claim) in [
        (
            "examples/devices/jc_holtek-keyboard_04d9-4545.lsusb-v.txt",
            Claim::FlashDrive,
        ),
        (
            "examples/devices/synthetic-flash-drive.descriptors.hex",
            Claim::FlashDrive,
        ),
    ] {
        let bytes = std::fs::read(root.join(file)).expect("example");
        bench(file, &bytes, claim);
    }
    for (rel, claim) in [
        (
            "data/usb/lsusb/jc_system-dump-framework-laptop.lsusb-v.txt",
            Claim::Unknown,
        ),
        (
            "data/usb/pcap/umockdev_usbkbd-enumeration_04d9-1603.linktype220.pcapng",
            Claim::Keyboard,
        ),
        (
            "data/usb/sysfs/usbguard_devices-dock-trackball-keyboard.umockdev",
            Claim::Keyboard,
        ),
        (
            "data/usb/raw/usbguard_lg-phone-tethering_1004-61fe.descriptors.bin",
            Claim::Phone,
        ),
    ] {
        let Some(p) = ascribe_testutil::shared_file(rel) else {
            continue;
        };
        let bytes = std::fs::read(p).expect("sample");
        bench(rel, &bytes, claim);
    }
}
