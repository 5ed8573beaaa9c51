//! `lsusb -v` text (usbutils, old and new layouts; cyme's lsusb mode).
//!
//! Devices are split on `Bus NNN Device NNN: ID vvvv:pppp`; fields are keyed on
//! their names within the section the last header line opened, never on
//! column positions. Root hubs (1d6b:0001..0003) are dropped.

use crate::hid;
use crate::model::{
    ClassTriple, Config, Device, Endpoint, HidReport, Iad, Interface, ParseWarning, Speed,
    StringState, Strings, TransferType,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Device,
    Config,
    Iad,
    Interface,
    Endpoint,
    Hid,
    Other,
}

/// Parse a whole `lsusb -v` text. Returns every non-root-hub device.
pub fn parse_lsusb(text: &str, warnings: &mut Vec<ParseWarning>) -> Vec<Device> {
    let mut devices = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut header: Option<&str> = None;
    let mut saw_any = false;
    for (n, line) in text.lines().enumerate() {
        if is_bus_line(line) {
            if header.is_some() || !block.is_empty() {
                if let Some(d) = parse_block(header, &block, warnings) {
                    devices.push(d);
                }
            }
            header = Some(line);
            block.clear();
            saw_any = true;
            continue;
        }
        if line.trim_start().starts_with("Device Descriptor:") && !saw_any {
            saw_any = true;
        }
        block.push((n + 1, line));
    }
    if header.is_some() || block.iter().any(|(_, l)| l.contains("Device Descriptor:")) {
        if let Some(d) = parse_block(header, &block, warnings) {
            devices.push(d);
        }
    }
    devices.retain(|d| !d.is_root_hub());
    devices
}

/// `Bus 003 Device 010: ID 04d9:4545 ...`
pub fn is_bus_line(line: &str) -> bool {
    parse_bus_line(line).is_some()
}

fn parse_bus_line(line: &str) -> Option<(u16, u16, u16, u16)> {
    let rest = line.strip_prefix("Bus ")?;
    let (bus, rest) = rest.split_once(" Device ")?;
    let (dev, rest) = rest.split_once(": ID ")?;
    let id = rest.get(0..9)?;
    let (v, p) = id.split_once(':')?;
    Some((
        bus.trim().parse().ok()?,
        dev.trim().parse().ok()?,
        u16::from_str_radix(v, 16).ok()?,
        u16::from_str_radix(p, 16).ok()?,
    ))
}

/// The first token of a value as a number: `0x002b`, `100mA`, `2`, `255`.
fn num(value: &str) -> Option<u32> {
    let tok = value.split_whitespace().next()?;
    if let Some(h) = tok.strip_prefix("0x") {
        return u32::from_str_radix(h, 16).ok();
    }
    let digits: String = tok.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `2.01` as BCD 0x0201.
fn bcd(value: &str) -> Option<u16> {
    let tok = value.split_whitespace().next()?;
    let (maj, min) = tok.split_once('.')?;
    let maj = u16::from_str_radix(maj, 16).ok()?;
    let min = u16::from_str_radix(min, 16).ok()?;
    Some((maj << 8) | (min & 0xFF))
}

/// `1 Framework` -> (1, Some("Framework")).
fn index_string(value: &str) -> (u8, Option<String>) {
    let value = value.trim();
    let (idx, rest) = value.split_once(' ').unwrap_or((value, ""));
    let idx = idx.parse().unwrap_or(0);
    let rest = rest.trim();
    (idx, (!rest.is_empty()).then(|| rest.to_string()))
}

fn u8v(value: &str) -> u8 {
    num(value).and_then(|n| u8::try_from(n).ok()).unwrap_or(0)
}

/// Lines a device block may hold that say nothing about the device: their
/// start, and what a warning notes about them (none: passed over silently).
const PASSED_OVER: [(&str, Option<&str>); 3] = [
    (
        "** UNRECOGNIZED",
        Some("unrecognised descriptor kept as opaque bytes"),
    ),
    ("** UNAVAILABLE", None),
    (
        "Couldn't open device",
        Some("lsusb could not open the device: strings and report descriptors are missing"),
    ),
];

fn parse_block(
    header: Option<&str>,
    lines: &[(usize, &str)],
    warnings: &mut Vec<ParseWarning>,
) -> Option<Device> {
    let mut device = Device::default();
    let mut path = "-".to_string();
    if let Some((bus, dev, vid, pid)) = header.and_then(parse_bus_line) {
        path = format!("{bus:03}:{dev:03}");
        device.vid = vid;
        device.pid = pid;
    }
    device.path.clone_from(&path);
    let mut section = Section::Other;
    let mut seen_descriptor = false;
    let mut strings = [(0u8, None::<String>), (0, None), (0, None)];
    let mut report: Option<Vec<u8>> = None;
    for &(line_no, raw) in lines {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some((_, note)) = PASSED_OVER.iter().find(|(p, _)| line.starts_with(p)) {
            if let Some(note) = note {
                warnings.push(ParseWarning::note(format!("{path} line {line_no}"), *note));
            }
            continue;
        }
        if let Some(speed) = line.strip_prefix("Negotiated speed:") {
            let sp = speed.trim().to_ascii_lowercase();
            device.speed = if sp.starts_with("low") {
                Speed::Low
            } else if sp.starts_with("full") {
                Speed::Full
            } else if sp.starts_with("high") {
                Speed::High
            } else if sp.starts_with("superspeed+") || sp.starts_with("superspeedplus") {
                Speed::SuperPlus
            } else if sp.starts_with("super") {
                Speed::Super
            } else {
                Speed::Unknown
            };
            continue;
        }
        if line.starts_with("Report Descriptor:") {
            finish_report(&mut report, &mut device);
            report = Some(Vec::new());
            section = Section::Hid;
            continue;
        }
        if let Some(item) = line.strip_prefix("Item(") {
            if let Some(buf) = report.as_mut() {
                push_item(buf, item);
            }
            continue;
        }
        if line.ends_with(':') || line.starts_with("Device Status:") {
            finish_report(&mut report, &mut device);
            section = match line {
                "Device Descriptor:" => {
                    seen_descriptor = true;
                    Section::Device
                }
                "Configuration Descriptor:" => {
                    device.configurations.push(Config::numbered(0));
                    Section::Config
                }
                "Interface Association:" => {
                    if let Some(c) = device.configurations.last_mut() {
                        c.iads.push(Iad {
                            first_interface: 0,
                            interface_count: 0,
                            class: ClassTriple::default(),
                        });
                    }
                    Section::Iad
                }
                "Interface Descriptor:" => {
                    if let Some(c) = device.configurations.last_mut() {
                        c.interfaces.push(empty_interface());
                    }
                    Section::Interface
                }
                "Endpoint Descriptor:" => {
                    if let Some(i) = last_iface(&mut device) {
                        i.endpoints.push(Endpoint {
                            address: 0,
                            transfer: TransferType::Control,
                            max_packet: 0,
                            interval: 0,
                        });
                    }
                    Section::Endpoint
                }
                "HID Device Descriptor:" | "Report Descriptors:" => Section::Hid,
                "Billboard Capability:" => {
                    device.bos_billboard = true;
                    Section::Other
                }
                _ => {
                    if let Some(sub) = cdc_subtype(line) {
                        if let Some(i) = last_iface(&mut device) {
                            i.cdc_subtypes.push(sub);
                        }
                    }
                    Section::Other
                }
            };
            continue;
        }
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let value = value.trim_start();
        match section {
            Section::Device => match key {
                "bcdUSB" => device.bcd_usb = bcd(value).unwrap_or(0),
                "bDeviceClass" => device.class.class = u8v(value),
                "bDeviceSubClass" => device.class.subclass = u8v(value),
                "bDeviceProtocol" => device.class.protocol = u8v(value),
                "bMaxPacketSize0" => device.max_packet0 = u8v(value),
                "idVendor" => device.vid = num(value).and_then(|n| n.try_into().ok()).unwrap_or(0),
                "idProduct" => {
                    device.pid = num(value).and_then(|n| n.try_into().ok()).unwrap_or(0);
                }
                "bcdDevice" => device.bcd_device = bcd(value).unwrap_or(0),
                "iManufacturer" => strings[0] = index_string(value),
                "iProduct" => strings[1] = index_string(value),
                "iSerial" | "iSerialNumber" => strings[2] = index_string(value),
                "bNumConfigurations" => device.num_configurations = u8v(value),
                _ => {}
            },
            Section::Config => {
                if let Some(c) = device.configurations.last_mut() {
                    match key {
                        "wTotalLength" => {
                            c.total_length =
                                num(value).and_then(|n| n.try_into().ok()).unwrap_or(0);
                        }
                        "bNumInterfaces" => c.num_interfaces = u8v(value),
                        "bConfigurationValue" => c.value = u8v(value),
                        "bmAttributes" => c.attributes = u8v(value),
                        "MaxPower" => c.max_power_ma = num(value).unwrap_or(0),
                        _ => {}
                    }
                }
            }
            Section::Iad => {
                if let Some(iad) = device
                    .configurations
                    .last_mut()
                    .and_then(|c| c.iads.last_mut())
                {
                    match key {
                        "bFirstInterface" => iad.first_interface = u8v(value),
                        "bInterfaceCount" => iad.interface_count = u8v(value),
                        "bFunctionClass" => iad.class.class = u8v(value),
                        "bFunctionSubClass" => iad.class.subclass = u8v(value),
                        "bFunctionProtocol" => iad.class.protocol = u8v(value),
                        _ => {}
                    }
                }
            }
            Section::Interface => {
                if let Some(i) = last_iface(&mut device) {
                    match key {
                        "bInterfaceNumber" => i.number = u8v(value),
                        "bAlternateSetting" => i.alt = u8v(value),
                        "bNumEndpoints" => i.num_endpoints = u8v(value),
                        "bInterfaceClass" => {
                            i.class.class = u8v(value);
                            if i.class.class == 0x03 {
                                i.hid = Some(HidReport::Unavailable);
                            }
                        }
                        "bInterfaceSubClass" => i.class.subclass = u8v(value),
                        "bInterfaceProtocol" => i.class.protocol = u8v(value),
                        "iInterface" => i.string = index_string(value).1,
                        _ => {}
                    }
                }
            }
            Section::Endpoint => {
                if let Some(e) = last_iface(&mut device).and_then(|i| i.endpoints.last_mut()) {
                    match key {
                        "bEndpointAddress" => e.address = u8v(value),
                        "bmAttributes" => e.transfer = TransferType::from_attributes(u8v(value)),
                        "wMaxPacketSize" => {
                            e.max_packet = num(value)
                                .and_then(|n| u16::try_from(n & 0x07FF).ok())
                                .unwrap_or(0);
                        }
                        "bInterval" => e.interval = u8v(value),
                        _ => {}
                    }
                }
            }
            Section::Hid | Section::Other => {}
        }
    }
    finish_report(&mut report, &mut device);
    if !seen_descriptor {
        device.identity_only = true;
    }
    let [m, p, s] = strings;
    device.strings = Strings {
        manufacturer: StringState::from_index(m.0, m.1),
        product: StringState::from_index(p.0, p.1),
        serial: StringState::from_index(s.0, s.1),
    };
    for c in &device.configurations {
        crate::raw::check_structure(c, &path, warnings);
    }
    (header.is_some() || seen_descriptor).then_some(device)
}

fn empty_interface() -> Interface {
    Interface {
        number: 0,
        alt: 0,
        class: ClassTriple::default(),
        num_endpoints: 0,
        endpoints: Vec::new(),
        cdc_subtypes: Vec::new(),
        hid: None,
        string: None,
    }
}

fn last_iface(device: &mut Device) -> Option<&mut Interface> {
    device
        .configurations
        .last_mut()
        .and_then(|c| c.interfaces.last_mut())
}

fn cdc_subtype(header: &str) -> Option<u8> {
    let name = header.strip_prefix("CDC ")?.trim_end_matches(':');
    Some(match name {
        "Header" => 0x00,
        "Call Management" => 0x01,
        "ACM" => 0x02,
        "Union" => 0x06,
        "Ethernet" => 0x0F,
        "NCM" => 0x1A,
        "MBIM" => 0x1B,
        "MBIM Extended" => 0x1C,
        _ => 0xFF,
    })
}

/// Rebuild one short item from lsusb's `Item(Global): Usage Page, data= [ 0x01 ] 1`.
fn push_item(buf: &mut Vec<u8>, item: &str) {
    let Some((kind, rest)) = item.split_once("):") else {
        return;
    };
    let ty: u8 = match kind.trim() {
        "Main" => 0,
        "Global" => 1,
        "Local" => 2,
        _ => return,
    };
    let (name, data) = rest.split_once(", data=").unwrap_or((rest, ""));
    let name = name.trim();
    let tag: u8 = match (ty, name) {
        (0, "Input") => 0x8,
        (0, "Output") => 0x9,
        (0, "Feature") => 0xB,
        (0, "Collection") => 0xA,
        (0, "End Collection") => 0xC,
        (1, "Usage Page") => 0x0,
        (1, "Report ID") => 0x8,
        (1, "Push") => 0xA,
        (1, "Pop") => 0xB,
        (2, "Usage") => 0x0,
        (2, "Usage Minimum") => 0x1,
        (2, "Usage Maximum") => 0x2,
        _ => 0xF,
    };
    let bytes: Vec<u8> = data
        .split(['[', ']'])
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|t| u8::from_str_radix(t.trim_start_matches("0x"), 16).ok())
        .take(4)
        .collect();
    let size_code = match bytes.len() {
        0 => 0,
        1 => 1,
        2 => 2,
        _ => 3,
    };
    if tag == 0xF {
        // An item that does not matter for classification; keep its size
        // right so the walk stays aligned.
        buf.push((0xF << 4) | (ty << 2) | size_code);
    } else {
        buf.push((tag << 4) | (ty << 2) | size_code);
    }
    let mut padded = bytes.clone();
    if size_code == 3 {
        padded.resize(4, 0);
    }
    buf.extend_from_slice(&padded);
}

fn finish_report(report: &mut Option<Vec<u8>>, device: &mut Device) {
    let Some(bytes) = report.take() else { return };
    if let Some(i) = last_iface(device) {
        i.hid = Some(HidReport::Parsed {
            applications: hid::classify(&bytes),
            length: bytes.len(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_line_and_numbers() {
        assert_eq!(
            parse_bus_line("Bus 003 Device 010: ID 04d9:4545 Holtek"),
            Some((3, 10, 0x04d9, 0x4545))
        );
        assert_eq!(num("0x002b"), Some(0x2b));
        assert_eq!(num("100mA"), Some(100));
        assert_eq!(bcd("2.01"), Some(0x0201));
        assert_eq!(index_string("3 "), (3, None));
    }

    #[test]
    fn report_descriptor_items_are_rebuilt() {
        let text = "Bus 001 Device 002: ID 1234:5678\nDevice Descriptor:\n  idVendor 0x1234\n  Configuration Descriptor:\n    bConfigurationValue 1\n    Interface Descriptor:\n      bInterfaceNumber 0\n      bInterfaceClass 3 Human Interface Device\n        Report Descriptor: (length is 8)\n          Item(Global): Usage Page, data= [ 0x01 ] 1\n          Item(Local ): Usage, data= [ 0x06 ] 6\n          Item(Main  ): Collection, data= [ 0x01 ] 1\n          Item(Main  ): End Collection, data=none\n";
        let mut w = Vec::new();
        let d = parse_lsusb(text, &mut w);
        let iface = &d[0].configurations[0].interfaces[0];
        match &iface.hid {
            Some(HidReport::Parsed { applications, .. }) => {
                assert_eq!(applications[0].capability, crate::Capability::Keyboard);
            }
            other => panic!("not parsed: {other:?}"),
        }
    }
}
