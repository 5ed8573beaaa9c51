//! Embedded reference tables: usb.ids and the attack-tool identity table.
//!
//! Both are parsed once, lazily, from text compiled into the crate
//! (`data/usb.ids`, `data/known-identities.csv`; licences in the README).

use std::collections::HashMap;
use std::sync::OnceLock;

const USB_IDS: &[u8] = include_bytes!("../data/usb.ids");
const KNOWN_IDENTITIES: &str = include_str!("../data/known-identities.csv");

/// Vendor and product names from usb.ids.
#[derive(Debug, Default)]
pub struct UsbIds {
    pub version: String,
    vendors: HashMap<u16, (String, HashMap<u16, String>)>,
}

impl UsbIds {
    /// Parse usb.ids text (vendor/product section only).
    pub fn parse(text: &str) -> UsbIds {
        let mut ids = UsbIds::default();
        let mut current: Option<u16> = None;
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("# Version:") {
                ids.version = v.trim().to_string();
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('\t') {
                if rest.starts_with('\t') {
                    continue;
                }
                let (Some(vendor), Some((id, name))) = (current, rest.split_once("  ")) else {
                    continue;
                };
                if let (Ok(pid), Some(entry)) =
                    (u16::from_str_radix(id, 16), ids.vendors.get_mut(&vendor))
                {
                    entry.1.insert(pid, name.to_string());
                }
                continue;
            }
            // A top-level line: a vendor, or the start of the class section.
            let Some((id, name)) = line.split_once("  ") else {
                current = None;
                continue;
            };
            match u16::from_str_radix(id, 16) {
                Ok(vid) if id.len() == 4 => {
                    ids.vendors.insert(vid, (name.to_string(), HashMap::new()));
                    current = Some(vid);
                }
                _ => {
                    if id.starts_with("C ") {
                        break;
                    }
                    current = None;
                }
            }
        }
        ids
    }

    pub fn vendor(&self, vid: u16) -> Option<&str> {
        self.vendors.get(&vid).map(|v| v.0.as_str())
    }

    pub fn product(&self, vid: u16, pid: u16) -> Option<&str> {
        self.vendors
            .get(&vid)
            .and_then(|v| v.1.get(&pid))
            .map(String::as_str)
    }
}

/// The embedded usb.ids.
pub fn usb_ids() -> &'static UsbIds {
    static IDS: OnceLock<UsbIds> = OnceLock::new();
    IDS.get_or_init(|| UsbIds::parse(&String::from_utf8_lossy(USB_IDS)))
}

/// How a row of the identity table matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Exact,
    ExactPlusContext,
    Range,
    VendorNotRootHub,
    Vendor,
}

/// One row of known-identities.csv.
#[derive(Debug, Clone)]
pub struct KnownIdentity {
    pub vid: u16,
    pub pid_from: u16,
    pub pid_to: u16,
    pub kind: MatchKind,
    pub identity: String,
    pub note: String,
    pub category: String,
    pub severity_if_power_or_storage: String,
    pub row: usize,
    pub source: String,
}

/// Split one CSV line honouring double quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// Parse the identity table; rows that match any VID (`*,*`) are left out:
/// they document tools whose identity is configurable.
pub fn parse_identities(text: &str) -> Vec<KnownIdentity> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let f = csv_fields(line);
        let get = |i: usize| f.get(i).cloned().unwrap_or_default();
        let Ok(vid) = u16::from_str_radix(&get(0), 16) else {
            continue;
        };
        let pid = get(1);
        let (pid_from, pid_to) = if pid == "*" {
            (0, 0xFFFF)
        } else if let Some((a, b)) = pid.split_once('-') {
            match (u16::from_str_radix(a, 16), u16::from_str_radix(b, 16)) {
                (Ok(a), Ok(b)) => (a, b),
                _ => continue,
            }
        } else {
            match u16::from_str_radix(&pid, 16) {
                Ok(p) => (p, p),
                Err(_) => continue,
            }
        };
        let kind = match get(2).as_str() {
            "exact" => MatchKind::Exact,
            "exact_plus_context" => MatchKind::ExactPlusContext,
            "range" => MatchKind::Range,
            "vendor_not_roothub" => MatchKind::VendorNotRootHub,
            _ => MatchKind::Vendor,
        };
        rows.push(KnownIdentity {
            vid,
            pid_from,
            pid_to,
            kind,
            identity: get(3),
            note: get(4),
            category: get(5),
            severity_if_power_or_storage: get(6),
            row: n + 1,
            source: get(8),
        });
    }
    rows
}

/// The embedded identity table.
pub fn known_identities() -> &'static [KnownIdentity] {
    static ROWS: OnceLock<Vec<KnownIdentity>> = OnceLock::new();
    ROWS.get_or_init(|| parse_identities(KNOWN_IDENTITIES))
}

/// The most specific row matching a VID:PID (exact before range before vendor).
pub fn lookup_identity(vid: u16, pid: u16) -> Option<&'static KnownIdentity> {
    known_identities()
        .iter()
        .filter(|r| r.vid == vid && (r.pid_from..=r.pid_to).contains(&pid))
        .filter(|r| !(r.kind == MatchKind::VendorNotRootHub && (1..=3).contains(&pid)))
        .min_by_key(|r| r.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_ids_has_the_sample_names() {
        let ids = usb_ids();
        assert_eq!(ids.version, "2026.06.10");
        assert_eq!(ids.vendor(0x1111), Some("Pandora International Ltd."));
        assert_eq!(ids.product(0x1111, 0x1111), None);
        assert_eq!(ids.product(0x2c7c, 0x0125), Some("EC25 LTE modem"));
    }

    #[test]
    fn identity_lookup_prefers_exact_rows() {
        let r = lookup_identity(0xf000, 0xff02).map(|r| r.kind);
        assert_eq!(r, Some(MatchKind::Exact));
        let r = lookup_identity(0xf000, 0x1234).map(|r| r.kind);
        assert_eq!(r, Some(MatchKind::Vendor));
        assert!(lookup_identity(0x1d6b, 0x0002).is_none());
        assert_eq!(
            lookup_identity(0x1d6b, 0x0104).map(|r| r.category.as_str()),
            Some("linux_gadget")
        );
        assert!(known_identities().len() >= 45);
    }
}
