//! Raw descriptor blobs in the sysfs `descriptors` layout: the 18-byte device
//! descriptor, then every configuration as read (USB 2.0 chapter 9).
//!
//! The walk goes by `bLength`, never by `wTotalLength` (which may lie); a
//! `bLength` below 2 or past the end stops the walk with a malformed warning.

use std::collections::BTreeSet;

use crate::model::{
    ClassTriple, Config, Device, Endpoint, HidReport, Iad, Interface, ParseWarning, Speed,
    StringState, Strings, TransferType,
};

/// Parse a descriptor blob. Returns `None` when not even a device descriptor
/// is there; everything after that is best effort with warnings.
pub fn parse_descriptors(
    bytes: &[u8],
    path: &str,
    warnings: &mut Vec<ParseWarning>,
) -> Option<Device> {
    let dev = bytes.get(0..18)?;
    if dev.first().copied()? < 18 || dev.get(1).copied()? != 0x01 {
        warnings.push(ParseWarning::malformed(
            format!("{path} offset 0"),
            "the blob does not start with an 18-byte device descriptor",
        ));
        return None;
    }
    let b = |i: usize| dev.get(i).copied().unwrap_or(0);
    let w = |i: usize| u16::from_le_bytes([b(i), b(i + 1)]);
    let mut device = Device {
        path: path.to_string(),
        bcd_usb: w(2),
        class: ClassTriple::new(b(4), b(5), b(6)),
        max_packet0: b(7),
        vid: w(8),
        pid: w(10),
        bcd_device: w(12),
        num_configurations: b(17),
        strings: Strings {
            manufacturer: StringState::from_index(b(14), None),
            product: StringState::from_index(b(15), None),
            serial: StringState::from_index(b(16), None),
        },
        speed: Speed::Unknown,
        ..Device::default()
    };
    let start = usize::from(b(0)).min(bytes.len());
    device.configurations = parse_configs(bytes.get(start..).unwrap_or(&[]), start, path, warnings);
    if device.configurations.len() != usize::from(device.num_configurations) {
        warnings.push(ParseWarning::malformed(
            path,
            format!(
                "bNumConfigurations is {} but {} configuration(s) were read",
                device.num_configurations,
                device.configurations.len()
            ),
        ));
    }
    Some(device)
}

/// Parse a run of configuration blobs (each starting with a 0x02 descriptor).
/// `base` is the offset of `bytes` in the original input, for messages.
pub fn parse_configs(
    bytes: &[u8],
    base: usize,
    path: &str,
    warnings: &mut Vec<ParseWarning>,
) -> Vec<Config> {
    let mut configs: Vec<Config> = Vec::new();
    let mut config_start = 0usize;
    let mut off = 0usize;
    while off < bytes.len() {
        let len = usize::from(bytes.get(off).copied().unwrap_or(0));
        let kind = bytes.get(off + 1).copied();
        if len < 2 || off + len > bytes.len() {
            warnings.push(ParseWarning::malformed(
                format!("{path} offset {}", base + off),
                format!(
                    "descriptor bLength {len} {} ({} bytes left); the rest is ignored",
                    if len < 2 {
                        "is below 2"
                    } else {
                        "runs past the end"
                    },
                    bytes.len() - off
                ),
            ));
            break;
        }
        let d = bytes.get(off..off + len).unwrap_or(&[]);
        let g = |i: usize| d.get(i).copied().unwrap_or(0);
        let at = || format!("{path} offset {}", base + off);
        match kind {
            Some(0x01) => {
                warnings.push(ParseWarning::malformed(
                    at(),
                    "a second device descriptor; the rest is ignored",
                ));
                break;
            }
            Some(0x02) => {
                if let Some(prev) = configs.last() {
                    check_total(prev, off - config_start, path, warnings);
                }
                config_start = off;
                let power_units = 2u32;
                configs.push(Config {
                    total_length: u16::from_le_bytes([g(2), g(3)]),
                    num_interfaces: g(4),
                    value: g(5),
                    attributes: g(7),
                    max_power_ma: u32::from(g(8)) * power_units,
                    interfaces: Vec::new(),
                    iads: Vec::new(),
                });
                if len < 9 {
                    warnings.push(ParseWarning::malformed(
                        at(),
                        format!("configuration descriptor of {len} bytes (expected 9)"),
                    ));
                }
            }
            Some(other) => {
                let Some(config) = configs.last_mut() else {
                    warnings.push(ParseWarning::malformed(
                        at(),
                        format!("descriptor type 0x{other:02x} before any configuration"),
                    ));
                    off += len;
                    continue;
                };
                match other {
                    0x04 => {
                        if len < 9 {
                            warnings.push(ParseWarning::malformed(
                                at(),
                                format!("interface descriptor of {len} bytes (expected 9)"),
                            ));
                        }
                        let class = ClassTriple::new(g(5), g(6), g(7));
                        config.interfaces.push(Interface {
                            number: g(2),
                            alt: g(3),
                            num_endpoints: g(4),
                            class,
                            endpoints: Vec::new(),
                            cdc_subtypes: Vec::new(),
                            hid: (class.class == 0x03).then_some(HidReport::Unavailable),
                            string: None,
                        });
                    }
                    0x05 => {
                        if len < 7 {
                            warnings.push(ParseWarning::malformed(
                                at(),
                                format!("endpoint descriptor of {len} bytes (expected 7)"),
                            ));
                        }
                        let ep = Endpoint {
                            address: g(2),
                            transfer: TransferType::from_attributes(g(3)),
                            max_packet: u16::from_le_bytes([g(4), g(5)]) & 0x07FF,
                            interval: g(6),
                        };
                        match config.interfaces.last_mut() {
                            Some(iface) => iface.endpoints.push(ep),
                            None => warnings.push(ParseWarning::malformed(
                                at(),
                                "endpoint descriptor outside any interface",
                            )),
                        }
                    }
                    0x0B => {
                        if len < 8 {
                            warnings.push(ParseWarning::malformed(
                                at(),
                                format!("interface association of {len} bytes (expected 8)"),
                            ));
                        }
                        config.iads.push(Iad {
                            first_interface: g(2),
                            interface_count: g(3),
                            class: ClassTriple::new(g(4), g(5), g(6)),
                        });
                    }
                    0x24 => {
                        if let Some(iface) = config.interfaces.last_mut() {
                            iface.cdc_subtypes.push(g(2));
                        }
                    }
                    _ => {}
                }
            }
            None => break,
        }
        off += len;
    }
    if let Some(prev) = configs.last() {
        check_total(prev, bytes.len() - config_start, path, warnings);
    }
    for config in &configs {
        check_structure(config, path, warnings);
    }
    configs
}

fn check_total(config: &Config, walked: usize, path: &str, warnings: &mut Vec<ParseWarning>) {
    if usize::from(config.total_length) != walked {
        warnings.push(ParseWarning::malformed(
            format!("{path} config {}", config.value),
            format!(
                "wTotalLength is {} but the configuration spans {walked} bytes",
                config.total_length
            ),
        ));
    }
}

/// Interface counts, endpoint counts and interface-association ranges.
pub fn check_structure(config: &Config, path: &str, warnings: &mut Vec<ParseWarning>) {
    let at = format!("{path} config {}", config.value);
    let numbers: BTreeSet<u8> = config.interfaces.iter().map(|i| i.number).collect();
    if numbers.len() != usize::from(config.num_interfaces) {
        warnings.push(ParseWarning::malformed(
            at.clone(),
            format!(
                "bNumInterfaces is {} but {} distinct interface number(s) are present",
                config.num_interfaces,
                numbers.len()
            ),
        ));
    }
    for iface in &config.interfaces {
        if iface.endpoints.len() != usize::from(iface.num_endpoints) {
            warnings.push(ParseWarning::malformed(
                format!("{at} interface {} alt {}", iface.number, iface.alt),
                format!(
                    "bNumEndpoints is {} but {} endpoint descriptor(s) follow",
                    iface.num_endpoints,
                    iface.endpoints.len()
                ),
            ));
        }
    }
    let mut claimed: BTreeSet<u8> = BTreeSet::new();
    for iad in &config.iads {
        let first = u16::from(iad.first_interface);
        let end = first + u16::from(iad.interface_count);
        let in_range = iad.interface_count > 0
            && (first..end).all(|n| u8::try_from(n).is_ok_and(|n| numbers.contains(&n)));
        if !in_range {
            warnings.push(ParseWarning::malformed(
                at.clone(),
                format!(
                    "interface association covers interfaces {first}..{end} which are not all present",
                ),
            ));
        }
        for n in first..end {
            let Ok(n) = u8::try_from(n) else { break };
            if !claimed.insert(n) {
                warnings.push(ParseWarning::malformed(
                    at.clone(),
                    format!("interface {n} belongs to more than one interface association"),
                ));
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_blob_is_none() {
        let mut w = Vec::new();
        assert!(parse_descriptors(&[0x12, 0x01, 0x00], "x", &mut w).is_none());
    }

    #[test]
    fn zero_length_descriptor_stops_with_a_warning() {
        let mut blob = vec![
            0x12, 0x01, 0x00, 0x02, 0, 0, 0, 64, 0x81, 0x07, 0x80, 0x55, 0, 1, 1, 2, 3, 1,
        ];
        blob.extend_from_slice(&[9, 2, 18, 0, 1, 1, 0, 0x80, 50, 0, 0]);
        let mut w = Vec::new();
        let d = parse_descriptors(&blob, "x", &mut w);
        assert!(d.is_some());
        assert!(w
            .iter()
            .any(|w| w.malformed && w.message.contains("below 2")));
    }
}
