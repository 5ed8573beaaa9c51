//! `usb-devices` output and `/sys/kernel/debug/usb/devices` (T:/D:/P:/S:/C:/I:/E: lines).
//!
//! Carries identity, strings, every configuration and interface alternate
//! setting with endpoints, and the topology (bus, parent device number), but
//! no report descriptors.

use crate::model::{
    ClassTriple, Config, Device, Endpoint, HidReport, Interface, ParseWarning, Speed, StringState,
    TransferType,
};

/// True when a line starts a device in this format.
pub fn is_topology_line(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("T:") && l.contains("Bus=") && l.contains("Dev#=")
}

/// `Key=value` pairs of one line; a value left empty by padding (`Dev#=  2`)
/// takes the next word, words without `=` extend the previous value.
fn pairs(rest: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut waiting = false;
    for word in rest.split_whitespace() {
        if let Some((k, v)) = word.split_once('=') {
            if !k.is_empty() && !waiting {
                out.push((k.to_string(), v.to_string()));
                waiting = v.is_empty();
                continue;
            }
        }
        if let Some(last) = out.last_mut() {
            if waiting {
                last.1 = word.to_string();
                waiting = false;
            } else {
                last.1.push(' ');
                last.1.push_str(word);
            }
        }
    }
    out
}

fn get<'a>(p: &'a [(String, String)], key: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn hex_prefix(v: &str) -> Option<u32> {
    let v = v.trim().trim_start_matches("0x");
    let h: String = v.chars().take_while(char::is_ascii_hexdigit).collect();
    u32::from_str_radix(&h, 16).ok()
}

fn dec_prefix(v: &str) -> Option<u32> {
    let d: String = v.trim().chars().take_while(char::is_ascii_digit).collect();
    d.parse().ok()
}

fn u8_of(v: Option<u32>) -> u8 {
    v.and_then(|n| u8::try_from(n).ok()).unwrap_or(0)
}

/// A parsed device with its topology.
pub struct TopoDevice {
    pub device: Device,
    pub bus: u16,
    pub dev: u16,
    pub parent_dev: u16,
}

/// Parse the whole text. Root hubs are kept (the caller drops them) so the
/// tree can be rebuilt.
pub fn parse_usb_devices(text: &str, warnings: &mut Vec<ParseWarning>) -> Vec<TopoDevice> {
    let mut out: Vec<TopoDevice> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let Some((tag, rest)) = line.split_once(':') else {
            continue;
        };
        let rest = rest.trim_start_matches('*');
        let p = pairs(rest);
        match tag {
            "T" => {
                let bus = u16::try_from(dec_prefix(get(&p, "Bus").unwrap_or("")).unwrap_or(0))
                    .unwrap_or(0);
                let dev = u16::try_from(dec_prefix(get(&p, "Dev#").unwrap_or("")).unwrap_or(0))
                    .unwrap_or(0);
                let parent = u16::try_from(dec_prefix(get(&p, "Prnt").unwrap_or("")).unwrap_or(0))
                    .unwrap_or(0);
                // `usb-devices` writes the speed in Mbit/s, as sysfs does.
                let speed = Speed::from_sysfs(get(&p, "Spd").unwrap_or(""));
                out.push(TopoDevice {
                    device: Device {
                        path: format!("{bus:03}:{dev:03}"),
                        speed,
                        ..Device::default()
                    },
                    bus,
                    dev,
                    parent_dev: parent,
                });
            }
            _ => {
                let Some(td) = out.last_mut() else {
                    warnings.push(ParseWarning::note(
                        format!("line {}", n + 1),
                        "a usb-devices line before any T: line; ignored",
                    ));
                    continue;
                };
                let d = &mut td.device;
                match tag {
                    "D" => {
                        d.class = ClassTriple::new(
                            u8_of(get(&p, "Cls").and_then(hex_prefix)),
                            u8_of(get(&p, "Sub").and_then(hex_prefix)),
                            u8_of(get(&p, "Prot").and_then(hex_prefix)),
                        );
                        d.max_packet0 = u8_of(get(&p, "MxPS").and_then(dec_prefix));
                        d.num_configurations = u8_of(get(&p, "#Cfgs").and_then(dec_prefix));
                    }
                    "P" => {
                        d.vid = get(&p, "Vendor")
                            .and_then(hex_prefix)
                            .and_then(|v| u16::try_from(v).ok())
                            .unwrap_or(0);
                        d.pid = get(&p, "ProdID")
                            .and_then(hex_prefix)
                            .and_then(|v| u16::try_from(v).ok())
                            .unwrap_or(0);
                    }
                    "S" => {
                        if let Some((k, v)) = rest.trim().split_once('=') {
                            let st = StringState::from_index(1, Some(v.to_string()));
                            match k {
                                "Manufacturer" => d.strings.manufacturer = st,
                                "Product" => d.strings.product = st,
                                "SerialNumber" => d.strings.serial = st,
                                _ => {}
                            }
                        }
                    }
                    "C" => d.configurations.push(Config {
                        value: u8_of(get(&p, "Cfg#").and_then(dec_prefix)),
                        attributes: u8_of(get(&p, "Atr").and_then(hex_prefix)),
                        max_power_ma: get(&p, "MxPwr").and_then(dec_prefix).unwrap_or(0),
                        num_interfaces: u8_of(get(&p, "#Ifs").and_then(dec_prefix)),
                        total_length: 0,
                        interfaces: Vec::new(),
                        iads: Vec::new(),
                    }),
                    "I" => {
                        let num = get(&p, "If#").map_or(0, |v| {
                            if v.trim().starts_with("0x") {
                                u8_of(hex_prefix(v))
                            } else {
                                u8_of(dec_prefix(v))
                            }
                        });
                        let class = ClassTriple::new(
                            u8_of(get(&p, "Cls").and_then(hex_prefix)),
                            u8_of(get(&p, "Sub").and_then(hex_prefix)),
                            u8_of(get(&p, "Prot").and_then(hex_prefix)),
                        );
                        let iface = Interface {
                            number: num,
                            alt: u8_of(get(&p, "Alt").and_then(dec_prefix)),
                            class,
                            num_endpoints: u8_of(get(&p, "#EPs").and_then(dec_prefix)),
                            endpoints: Vec::new(),
                            cdc_subtypes: Vec::new(),
                            hid: (class.class == 0x03).then_some(HidReport::Unavailable),
                            string: None,
                        };
                        if d.configurations.is_empty() {
                            d.configurations.push(Config::numbered(1));
                        }
                        if let Some(c) = d.configurations.last_mut() {
                            c.interfaces.push(iface);
                        }
                    }
                    "E" => {
                        let ep = Endpoint {
                            address: u8_of(get(&p, "Ad").and_then(hex_prefix)),
                            transfer: TransferType::from_attributes(u8_of(
                                get(&p, "Atr").and_then(hex_prefix),
                            )),
                            max_packet: get(&p, "MxPS")
                                .and_then(dec_prefix)
                                .and_then(|v| u16::try_from(v & 0x07FF).ok())
                                .unwrap_or(0),
                            interval: 0,
                        };
                        if let Some(i) = d
                            .configurations
                            .last_mut()
                            .and_then(|c| c.interfaces.last_mut())
                        {
                            i.endpoints.push(ep);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    // Set each device's parent path from the topology.
    let index: Vec<(u16, u16, String)> = out
        .iter()
        .map(|t| (t.bus, t.dev, t.device.path.clone()))
        .collect();
    for t in &mut out {
        t.device.parent = index
            .iter()
            .find(|(b, d, _)| *b == t.bus && *d == t.parent_dev && t.parent_dev != 0)
            .map(|(_, _, p)| p.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_drive_block() {
        let text = "T:  Bus=01 Lev=01 Prnt=01 Port=00 Cnt=01 Dev#=  2 Spd=480  MxCh= 0\nD:  Ver= 2.00 Cls=00(>ifc ) Sub=00 Prot=00 MxPS=64 #Cfgs=  1\nP:  Vendor=0781 ProdID=5567 Rev=01.00\nS:  Manufacturer=SanDisk\nS:  SerialNumber=4C530001230817117423\nC:* #Ifs= 1 Cfg#= 1 Atr=80 MxPwr=200mA\nI:* If#= 0 Alt= 0 #EPs= 2 Cls=08(stor.) Sub=06 Prot=50 Driver=usb-storage\nE:  Ad=81(I) Atr=02(Bulk) MxPS= 512 Ivl=0ms\nE:  Ad=02(O) Atr=02(Bulk) MxPS= 512 Ivl=0ms\n";
        let mut w = Vec::new();
        let d = parse_usb_devices(text, &mut w);
        assert_eq!(d.len(), 1);
        let dev = &d[0].device;
        assert_eq!(dev.vid_pid(), "0781:5567");
        assert_eq!(dev.path, "001:002");
        assert_eq!(dev.speed, Speed::High);
        let i = &dev.configurations[0].interfaces[0];
        assert_eq!(i.class.to_string(), "08:06:50");
        assert_eq!(i.endpoints.len(), 2);
        assert_eq!(i.endpoints[0].max_packet, 512);
        assert_eq!(
            dev.strings.serial,
            StringState::Present("4C530001230817117423".into())
        );
    }
}
