//! sysfs device folders and umockdev-record snapshots of them.
//!
//! Both become a [`SysfsSnapshot`]: a list of entries (device, interface or
//! HID folders), each with its attributes as bytes. The caller reads a real
//! folder into one (the CLI does); [`parse_umockdev`] reads the text format.

use std::collections::BTreeMap;

use crate::hid;
use crate::model::{
    ClassTriple, Config, Device, HidReport, Interface, ParseWarning, Speed, StringState, Strings,
};

/// One folder of a sysfs tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SysfsEntry {
    /// The folder path (`/devices/.../1-4.1.3`, or relative to the snapshot root).
    pub path: String,
    /// Attribute name to contents (text attributes as UTF-8 bytes).
    pub attrs: BTreeMap<String, Vec<u8>>,
}

impl SysfsEntry {
    /// The last path component.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
    fn text(&self, key: &str) -> Option<String> {
        self.attrs
            .get(key)
            .map(|v| String::from_utf8_lossy(v).trim().to_string())
    }
    fn hex_u8(&self, key: &str) -> Option<u8> {
        u8::from_str_radix(&self.text(key)?, 16).ok()
    }
    fn dec_u8(&self, key: &str) -> Option<u8> {
        self.text(key)?.parse().ok()
    }
}

/// A snapshot of a sysfs subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SysfsSnapshot {
    pub entries: Vec<SysfsEntry>,
}

/// Undo umockdev's escapes in `A:` values (`\n`, `\\`, `\t`, `\xHH`).
fn unescape(value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if b == b'\\' {
            match bytes.get(i + 1) {
                Some(b'n') => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                Some(b't') => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                Some(b'\\') => {
                    out.push(b'\\');
                    i += 2;
                    continue;
                }
                Some(b'x') => {
                    let hex = bytes
                        .get(i + 2..i + 4)
                        .and_then(|h| std::str::from_utf8(h).ok());
                    if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        out.push(v);
                        i += 4;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Parse umockdev-record text into a snapshot.
pub fn parse_umockdev(text: &str, warnings: &mut Vec<ParseWarning>) -> SysfsSnapshot {
    let mut snap = SysfsSnapshot::default();
    for (n, line) in text.lines().enumerate() {
        if let Some(path) = line.strip_prefix("P: ") {
            snap.entries.push(SysfsEntry {
                path: path.trim().to_string(),
                attrs: BTreeMap::new(),
            });
            continue;
        }
        let Some(entry) = snap.entries.last_mut() else {
            continue;
        };
        if let Some(kv) = line.strip_prefix("A: ") {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            entry.attrs.insert(k.to_string(), unescape(v));
        } else if let Some(kv) = line.strip_prefix("H: ") {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            match hid::decode_hex(v) {
                Some(bytes) => {
                    entry.attrs.insert(k.to_string(), bytes);
                }
                None => warnings.push(ParseWarning::note(
                    format!("line {}", n + 1),
                    format!("binary attribute {k} is not valid hex"),
                )),
            }
        }
    }
    snap
}

/// Kind of a sysfs folder, from its name.
enum EntryKind {
    /// `1-4.1.3` or `usb1`.
    Device,
    /// `1-4.1.3:1.0` -> (device, config, interface).
    Interface(String, u8, u8),
    /// `0003:1050:0120.000A` under an interface folder.
    Hid,
    Other,
}

fn kind_of(name: &str) -> EntryKind {
    if let Some((dev, ci)) = name.split_once(':') {
        if is_device_name(dev) {
            if let Some((c, i)) = ci.split_once('.') {
                if let (Ok(c), Ok(i)) = (c.parse(), u8::from_str_radix(i, 16)) {
                    return EntryKind::Interface(dev.to_string(), c, i);
                }
            }
        }
        let parts: Vec<&str> = name.split([':', '.']).collect();
        if parts.len() == 4
            && parts
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return EntryKind::Hid;
        }
        return EntryKind::Other;
    }
    if is_device_name(name) {
        EntryKind::Device
    } else {
        EntryKind::Other
    }
}

fn is_device_name(name: &str) -> bool {
    if let Some(n) = name.strip_prefix("usb") {
        return !n.is_empty() && n.chars().all(|c| c.is_ascii_digit());
    }
    let Some((bus, ports)) = name.split_once('-') else {
        return false;
    };
    !bus.is_empty()
        && bus.chars().all(|c| c.is_ascii_digit())
        && !ports.is_empty()
        && ports
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// The parent port path of `1-4.1.3` is `1-4.1`; of `1-4` it is `usb1`.
pub fn parent_path(path: &str) -> Option<String> {
    let (bus, ports) = path.split_once('-')?;
    match ports.rsplit_once('.') {
        Some((head, _)) => Some(format!("{bus}-{head}")),
        None => Some(format!("usb{bus}")),
    }
}

/// Turn a snapshot into devices (every USB device folder, root hubs included).
pub fn devices_from_snapshot(
    snap: &SysfsSnapshot,
    warnings: &mut Vec<ParseWarning>,
) -> Vec<Device> {
    let mut devices: Vec<Device> = Vec::new();
    for entry in &snap.entries {
        if !matches!(kind_of(entry.name()), EntryKind::Device) {
            continue;
        }
        if !entry.attrs.contains_key("idVendor") && !entry.attrs.contains_key("descriptors") {
            continue;
        }
        let name = entry.name().to_string();
        let mut dev = match entry.attrs.get("descriptors") {
            Some(blob) => crate::raw::parse_descriptors(blob, &name, warnings)
                .unwrap_or_else(|| device_from_attrs(entry)),
            None => device_from_attrs(entry),
        };
        dev.path.clone_from(&name);
        dev.parent = parent_path(&name);
        if let Some(bos) = entry.attrs.get("bos_descriptors") {
            dev.bos_billboard |= bos_has_billboard(bos);
        }
        dev.speed = entry
            .text("speed")
            .map_or(Speed::Unknown, |s| Speed::from_sysfs(&s));
        let attr_string = |key: &str, current: &StringState| match entry.text(key) {
            Some(t) if !t.is_empty() => StringState::Present(t),
            _ => match current {
                // With attributes we know a missing file means index 0 when
                // the descriptors do not say otherwise.
                StringState::Unavailable => StringState::Unavailable,
                _ => StringState::Absent,
            },
        };
        dev.strings = Strings {
            manufacturer: attr_string("manufacturer", &dev.strings.manufacturer),
            product: attr_string("product", &dev.strings.product),
            serial: attr_string("serial", &dev.strings.serial),
        };
        devices.push(dev);
    }
    // Interface folders: strings and HID report descriptors.
    let mut last_iface: Option<(String, u8, u8)> = None;
    for entry in &snap.entries {
        match kind_of(entry.name()) {
            EntryKind::Interface(dev, c, i) => {
                if let Some(d) = devices.iter_mut().find(|d| d.path == dev) {
                    if d.configurations.is_empty() {
                        add_interface_from_attrs(d, entry, c);
                    }
                    let text = entry.text("interface");
                    for iface in d
                        .configurations
                        .iter_mut()
                        .filter(|cf| cf.value == c)
                        .flat_map(|cf| cf.interfaces.iter_mut())
                        .filter(|it| it.number == i)
                    {
                        if iface.string.is_none() {
                            iface.string.clone_from(&text);
                        }
                    }
                }
                last_iface = Some((dev, c, i));
            }
            EntryKind::Hid => {
                let Some(rd) = entry.attrs.get("report_descriptor") else {
                    continue;
                };
                // The HID folder sits inside its interface folder.
                let owner = entry
                    .path
                    .rsplit('/')
                    .nth(1)
                    .and_then(|p| match kind_of(p) {
                        EntryKind::Interface(d, c, i) => Some((d, c, i)),
                        _ => None,
                    })
                    .or_else(|| last_iface.clone());
                let Some((dev, c, i)) = owner else { continue };
                if let Some(d) = devices.iter_mut().find(|d| d.path == dev) {
                    let apps = hid::classify(rd);
                    for iface in d
                        .configurations
                        .iter_mut()
                        .filter(|cf| cf.value == c)
                        .flat_map(|cf| cf.interfaces.iter_mut())
                        .filter(|it| it.number == i && it.class.class == 0x03)
                    {
                        iface.hid = Some(HidReport::Parsed {
                            applications: apps.clone(),
                            length: rd.len(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    devices
}

/// Walk a BOS blob for a Billboard device capability (type 0x10, cap 0x0D).
pub fn bos_has_billboard(bos: &[u8]) -> bool {
    let mut off = 0usize;
    while let (Some(&len), Some(&kind)) = (bos.get(off), bos.get(off + 1)) {
        if len < 2 {
            return false;
        }
        if kind == 0x10 && bos.get(off + 2) == Some(&0x0D) {
            return true;
        }
        off += usize::from(len);
    }
    false
}

fn device_from_attrs(entry: &SysfsEntry) -> Device {
    let hex16 = |k: &str| {
        entry
            .text(k)
            .and_then(|v| u16::from_str_radix(&v, 16).ok())
            .unwrap_or(0)
    };
    Device {
        path: entry.name().to_string(),
        vid: hex16("idVendor"),
        pid: hex16("idProduct"),
        bcd_device: hex16("bcdDevice"),
        class: ClassTriple::new(
            entry.hex_u8("bDeviceClass").unwrap_or(0),
            entry.hex_u8("bDeviceSubClass").unwrap_or(0),
            entry.hex_u8("bDeviceProtocol").unwrap_or(0),
        ),
        max_packet0: entry.dec_u8("bMaxPacketSize0").unwrap_or(0),
        num_configurations: entry.dec_u8("bNumConfigurations").unwrap_or(0),
        interfaces_only: true,
        ..Device::default()
    }
}

fn add_interface_from_attrs(d: &mut Device, entry: &SysfsEntry, config: u8) {
    let class = ClassTriple::new(
        entry.hex_u8("bInterfaceClass").unwrap_or(0),
        entry.hex_u8("bInterfaceSubClass").unwrap_or(0),
        entry.hex_u8("bInterfaceProtocol").unwrap_or(0),
    );
    let iface = Interface {
        number: entry.hex_u8("bInterfaceNumber").unwrap_or(0),
        alt: entry.dec_u8("bAlternateSetting").unwrap_or(0),
        class,
        num_endpoints: entry.hex_u8("bNumEndpoints").unwrap_or(0),
        endpoints: Vec::new(),
        cdc_subtypes: Vec::new(),
        hid: (class.class == 0x03).then_some(HidReport::Unavailable),
        string: None,
    };
    match d.configurations.iter_mut().find(|c| c.value == config) {
        Some(c) => c.interfaces.push(iface),
        None => d.configurations.push(Config {
            interfaces: vec![iface],
            ..Config::numbered(config)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_parents() {
        assert!(is_device_name("1-4.1.3"));
        assert!(is_device_name("usb1"));
        assert!(!is_device_name("1-4.1.3:1.0"));
        assert!(matches!(
            kind_of("1-4.1.3:1.0"),
            EntryKind::Interface(_, 1, 0)
        ));
        assert!(matches!(kind_of("0003:1050:0120.000A"), EntryKind::Hid));
        assert_eq!(parent_path("1-4.1.3").as_deref(), Some("1-4.1"));
        assert_eq!(parent_path("1-4").as_deref(), Some("usb1"));
        assert_eq!(unescape("a\\nb\\x41"), b"a\nbA".to_vec());
    }
}
