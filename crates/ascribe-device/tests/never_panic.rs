//! Property tests: no parser panics or reads out of bounds, whatever the input.

use ascribe_device::{hid, vet_bytes, Claim, InputFormat, VetOptions};
use proptest::prelude::*;

fn vet_as(bytes: &[u8], format: Option<InputFormat>) {
    let mut o = VetOptions::new(Claim::FlashDrive);
    o.format = format;
    if let Ok(v) = vet_bytes(bytes, &o) {
        // Rendering must not panic either.
        let _ = ascribe_device::report::to_text(&v);
        let _ = ascribe_device::report::to_json(&v);
    }
}

/// A plausible descriptor blob with some bytes replaced.
fn mutated_blob() -> impl Strategy<Value = Vec<u8>> {
    let base: Vec<u8> = vec![
        18, 1, 0, 2, 0, 0, 0, 64, 0x81, 0x07, 0x67, 0x55, 0, 1, 1, 2, 3, 1, 9, 2, 57, 0, 2, 1, 0,
        0x80, 50, 8, 0x0b, 0, 2, 2, 2, 0, 0, 9, 4, 0, 0, 1, 3, 1, 1, 0, 9, 0x21, 0x11, 1, 0, 1,
        0x22, 63, 0, 7, 5, 0x81, 3, 8, 0, 10, 9, 4, 1, 0, 0, 2, 6, 0, 0, 5, 0x24, 0x0f, 1, 0,
    ];
    (
        proptest::collection::vec((0usize..80, any::<u8>()), 0..8),
        0usize..100,
    )
        .prop_map(move |(edits, cut)| {
            let mut b = base.clone();
            for (i, v) in edits {
                if let Some(x) = b.get_mut(i) {
                    *x = v;
                }
            }
            b.truncate(cut.max(18));
            b
        })
}

fn lsusb_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Bus 001 Device 002: ID 1234:5678 Thing".to_string()),
        Just("Device Descriptor:".to_string()),
        Just("  Configuration Descriptor:".to_string()),
        Just("    Interface Descriptor:".to_string()),
        Just("    Interface Association:".to_string()),
        Just("      Endpoint Descriptor:".to_string()),
        Just("        Report Descriptor: (length is 9)".to_string()),
        Just("          ** UNAVAILABLE **".to_string()),
        Just("Billboard Capability:".to_string()),
        "[A-Za-z]{1,20} +(0x[0-9a-f]{1,6}|[0-9]{1,6})( [ -~]{0,20})?",
        "Item\\((Main|Global|Local) ?\\): [A-Za-z ]{1,15}, data= \\[ (0x[0-9a-f]{2} ?){0,5}\\] [0-9]{0,4}",
        "[ -~]{0,40}",
    ]
}

fn umockdev_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "P: /devices/pci0000:00/usb1(/[0-9]-[0-9.]{1,6}(:[0-9]\\.[0-9])?){0,3}",
        "A: [a-zA-Z]{1,12}=[ -~]{0,20}",
        "H: (descriptors|report_descriptor)=[0-9A-F]{0,120}",
        Just(String::new()),
        "[ -~]{0,30}",
    ]
}

fn pcap_header(linktype: u32) -> Vec<u8> {
    let mut h = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    h.extend_from_slice(&65535u32.to_le_bytes());
    h.extend_from_slice(&linktype.to_le_bytes());
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn raw_descriptors_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut w = Vec::new();
        let _ = ascribe_device::raw::parse_descriptors(&bytes, "-", &mut w);
        vet_as(&bytes, Some(InputFormat::RawDescriptors));
        vet_as(&bytes, None);
    }

    #[test]
    fn mutated_descriptors_never_panic(bytes in mutated_blob()) {
        vet_as(&bytes, None);
        for claim in Claim::ALL {
            let _ = vet_bytes(&bytes, &VetOptions::new(claim));
        }
    }

    #[test]
    fn hid_classifier_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = hid::classify(&bytes);
    }

    #[test]
    fn lsusb_never_panics(lines in proptest::collection::vec(lsusb_line(), 0..60)) {
        let text = lines.join("\n");
        vet_as(text.as_bytes(), Some(InputFormat::LsusbV));
    }

    #[test]
    fn umockdev_never_panics(lines in proptest::collection::vec(umockdev_line(), 0..40)) {
        let text = lines.join("\n");
        vet_as(text.as_bytes(), Some(InputFormat::Umockdev));
    }

    #[test]
    fn usbguard_never_panics(text in "((allow|block|reject|[0-9]{1,2}: allow) )?(id [0-9a-f*]{0,4}:[0-9a-f*]{0,4} )?(serial \"[ -~]{0,10}\" )?(with-interface (one-of )?\\{ ([0-9a-f*]{1,2}:[0-9a-f*]{1,2}:[0-9a-f*]{1,2} ){0,4}\\}?)?[ -~]{0,20}") {
        vet_as(text.as_bytes(), Some(InputFormat::UsbguardRule));
    }

    #[test]
    fn captures_never_panic(
        linktype in prop_oneof![Just(189u32), Just(220u32), Just(249u32), any::<u32>()],
        body in proptest::collection::vec(any::<u8>(), 0..600),
        ng in any::<bool>(),
    ) {
        let mut bytes = if ng {
            let mut b = vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
            b.extend_from_slice(&[0xff; 8]);
            b.extend_from_slice(&28u32.to_le_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&20u32.to_le_bytes());
            b.extend_from_slice(&(linktype as u16).to_le_bytes());
            b.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            b.extend_from_slice(&20u32.to_le_bytes());
            b
        } else {
            pcap_header(linktype)
        };
        bytes.extend_from_slice(&body);
        vet_as(&bytes, Some(InputFormat::Pcap));
    }

    #[test]
    fn usbmon_text_never_panics(lines in proptest::collection::vec(
        "[0-9a-f]{1,16} [0-9]{1,10} [SCE] [CBIZ][io]:[0-9]{1,3}:[0-9]{1,3}:[0-9]{1,3} (s( [0-9a-f]{1,4}){5}|-?[0-9]{1,4}(:[0-9]{1,3})*) [0-9]{1,4} (<|>|=( [0-9a-f]{1,8}){0,6})",
        0..40,
    )) {
        vet_as(lines.join("\n").as_bytes(), Some(InputFormat::UsbmonText));
        vet_as(lines.join("\n").as_bytes(), None);
    }

    #[test]
    fn usb_devices_never_panics(lines in proptest::collection::vec(
        "[TDPSCIE]:\\*? +([A-Za-z#]{1,6}= *[0-9a-fx.()>A-Za-z]{0,8} ?){0,6}",
        0..40,
    )) {
        vet_as(lines.join("\n").as_bytes(), Some(InputFormat::UsbDevices));
        let mut o = VetOptions::new(Claim::FlashDrive);
        o.selector = Some(ascribe_device::Selector::BusDev(1, 2));
        let _ = vet_bytes(lines.join("\n").as_bytes(), &o);
    }

    #[test]
    fn any_text_in_any_format_never_panics(text in "[ -~\n\t]{0,300}") {
        for f in InputFormat::ALL {
            vet_as(text.as_bytes(), Some(f));
        }
    }
}
