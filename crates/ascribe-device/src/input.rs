//! Format detection, parsing into a [`DeviceReport`], and choosing the gift's
//! scope (the selected device and everything behind it).

use serde::{Deserialize, Serialize};

use crate::model::{Device, DeviceReport, Observation, ParseWarning};
use crate::sysfs::SysfsSnapshot;
use crate::{lsusb, raw, sysfs, usbguard, usbmon, VetError};

/// The input formats understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// Binary sysfs `descriptors` blob (or the same as hex text).
    RawDescriptors,
    /// A sysfs device folder, read by the caller into a snapshot.
    SysfsDir,
    /// umockdev-record text.
    Umockdev,
    /// `lsusb -v` text.
    LsusbV,
    /// `usb-devices` output or /sys/kernel/debug/usb/devices.
    UsbDevices,
    /// usbmon capture, pcap or pcapng.
    Pcap,
    /// usbmon text (the `1u` format of /sys/kernel/debug/usb/usbmon/*u).
    UsbmonText,
    /// USBGuard rule or `list-devices` lines.
    UsbguardRule,
    /// "Nothing enumerated" (an observation record or the word `nothing`).
    Nothing,
}

impl InputFormat {
    pub const ALL: [InputFormat; 9] = [
        InputFormat::RawDescriptors,
        InputFormat::SysfsDir,
        InputFormat::Umockdev,
        InputFormat::LsusbV,
        InputFormat::UsbDevices,
        InputFormat::Pcap,
        InputFormat::UsbmonText,
        InputFormat::UsbguardRule,
        InputFormat::Nothing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::RawDescriptors => "raw-descriptors",
            InputFormat::SysfsDir => "sysfs-dir",
            InputFormat::Umockdev => "umockdev",
            InputFormat::LsusbV => "lsusb-v",
            InputFormat::UsbDevices => "usb-devices",
            InputFormat::Pcap => "pcap",
            InputFormat::UsbmonText => "usbmon-text",
            InputFormat::UsbguardRule => "usbguard-rule",
            InputFormat::Nothing => "nothing",
        }
    }
}

impl std::str::FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let alias = match s {
            "raw" | "descriptors" => "raw-descriptors",
            "sysfs" => "sysfs-dir",
            "lsusb" => "lsusb-v",
            "usbdevices" | "debugfs" => "usb-devices",
            "pcapng" | "usbmon" => "pcap",
            "1u" | "usbmon-1u" => "usbmon-text",
            "usbguard" => "usbguard-rule",
            "nothing-enumerated" | "observation" => "nothing",
            other => other,
        };
        InputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == alias)
            .ok_or_else(|| {
                format!(
                    "unknown input format {s:?}, expected one of {}",
                    InputFormat::ALL.map(InputFormat::as_str).join(", ")
                )
            })
    }
}

/// Which device in a multi-device input is the gift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `BUS:DEV`, decimal (lsusb and captures).
    BusDev(u16, u16),
    /// `VID:PID`, four hex digits each.
    VidPid(u16, u16),
    /// A sysfs port path such as `1-4.1.3`.
    Path(String),
}

impl std::str::FromStr for Selector {
    type Err = VetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once(':') {
            let dec =
                |x: &str| !x.is_empty() && x.len() <= 3 && x.chars().all(|c| c.is_ascii_digit());
            let hex4 = |x: &str| x.len() == 4 && x.chars().all(|c| c.is_ascii_hexdigit());
            if dec(a) && dec(b) {
                if let (Ok(a), Ok(b)) = (a.parse(), b.parse()) {
                    return Ok(Selector::BusDev(a, b));
                }
            }
            if hex4(a) && hex4(b) {
                if let (Ok(a), Ok(b)) = (u16::from_str_radix(a, 16), u16::from_str_radix(b, 16)) {
                    return Ok(Selector::VidPid(a, b));
                }
            }
            return Err(VetError::BadSelector(s.to_string()));
        }
        if s.contains('-') && !s.contains(char::is_whitespace) {
            return Ok(Selector::Path(s.to_string()));
        }
        Err(VetError::BadSelector(s.to_string()))
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::BusDev(b, d) => write!(f, "{b:03}:{d:03}"),
            Selector::VidPid(v, p) => write!(f, "{v:04x}:{p:04x}"),
            Selector::Path(p) => f.write_str(p),
        }
    }
}

impl Selector {
    fn matches(&self, d: &Device) -> bool {
        match self {
            Selector::BusDev(b, dv) => d.path == format!("{b:03}:{dv:03}"),
            Selector::VidPid(v, p) => d.vid == *v && d.pid == *p,
            Selector::Path(p) => d.path == *p,
        }
    }
}

/// Guess the format of some bytes.
pub fn detect_format(bytes: &[u8]) -> Option<InputFormat> {
    if usbmon::is_capture(bytes) {
        return Some(InputFormat::Pcap);
    }
    if bytes.len() >= 18 && bytes.first() == Some(&0x12) && bytes.get(1) == Some(&0x01) {
        return Some(InputFormat::RawDescriptors);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') && trimmed.contains("usb-vetting-observation") {
        return Some(InputFormat::Nothing);
    }
    let lower = trimmed.trim_end().to_ascii_lowercase();
    if lower == "nothing" || lower == "nothing enumerated" || lower == "nothing-enumerated" {
        return Some(InputFormat::Nothing);
    }
    if is_hex_blob(trimmed) {
        return Some(InputFormat::RawDescriptors);
    }
    for line in text.lines().take(2000) {
        if lsusb::is_bus_line(line) || line.trim() == "Device Descriptor:" {
            return Some(InputFormat::LsusbV);
        }
        if line.starts_with("P: /devices/") {
            return Some(InputFormat::Umockdev);
        }
        if crate::usbdevices::is_topology_line(line) {
            return Some(InputFormat::UsbDevices);
        }
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if usbguard::looks_like_rule(l) {
            return Some(InputFormat::UsbguardRule);
        }
        if usbmon::looks_like_usbmon_text(l) {
            return Some(InputFormat::UsbmonText);
        }
    }
    None
}

fn is_hex_blob(text: &str) -> bool {
    let t = crate::hid::normalise_hex(text);
    t.len() >= 36
        && t.len().is_multiple_of(2)
        && t.chars().all(|c| c.is_ascii_hexdigit())
        && t.get(0..4).is_some_and(|p| p == "1201")
}

/// The observation record of §2.7 (only the fields we use).
#[derive(Debug, Deserialize)]
struct ObservationRecord {
    schema: String,
    #[serde(default)]
    window_s: Option<f64>,
    #[serde(default)]
    host_side: Option<HostSide>,
    #[serde(default)]
    device_side_probe: Option<Probe>,
}

#[derive(Debug, Deserialize)]
struct HostSide {
    #[serde(default)]
    new_devices: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Probe {
    #[serde(default)]
    performed: bool,
    #[serde(default)]
    setup_packets_seen: Option<u64>,
}

fn parse_observation(bytes: &[u8]) -> Result<DeviceReport, VetError> {
    let text = String::from_utf8_lossy(bytes);
    let mut report = DeviceReport::default();
    if !text.trim_start().starts_with('{') {
        report.observation = Some(Observation::default());
        return Ok(report);
    }
    let rec: ObservationRecord =
        serde_json::from_slice(bytes).map_err(|e| VetError::BadObservation(e.to_string()))?;
    if rec.schema != "usb-vetting-observation/v1" {
        return Err(VetError::BadObservation(format!(
            "schema is {:?}, expected \"usb-vetting-observation/v1\"",
            rec.schema
        )));
    }
    let probe = rec.device_side_probe.unwrap_or(Probe {
        performed: false,
        setup_packets_seen: None,
    });
    let new_devices = rec.host_side.map(|h| h.new_devices).unwrap_or_default();
    for (k, d) in new_devices.iter().enumerate() {
        let hex = |key: &str| {
            d.get(key)
                .and_then(|v| v.as_str())
                .and_then(|s| u16::from_str_radix(s, 16).ok())
                .unwrap_or(0)
        };
        report.devices.push(Device {
            path: format!("observation:{}", k + 1),
            vid: hex("vid"),
            pid: hex("pid"),
            identity_only: true,
            ..Device::default()
        });
    }
    report.observation = Some(Observation {
        window_s: rec.window_s,
        device_side_probe_performed: probe.performed,
        setup_packets_seen: probe.setup_packets_seen,
    });
    Ok(report)
}

/// Parse bytes in the given (or detected) format and select the gift's scope.
pub fn parse_bytes(
    bytes: &[u8],
    format: Option<InputFormat>,
    selector: Option<&Selector>,
) -> Result<(InputFormat, DeviceReport), VetError> {
    let format = match format {
        Some(f) => f,
        None => detect_format(bytes).ok_or_else(|| {
            VetError::UnknownFormat(
                "expected raw descriptors, umockdev-record, lsusb -v, pcap/pcapng, a USBGuard rule or an observation record"
                    .to_string(),
            )
        })?,
    };
    let mut warnings = Vec::new();
    let text = || String::from_utf8_lossy(bytes).into_owned();
    let report = match format {
        InputFormat::RawDescriptors => {
            let blob = if bytes.first() == Some(&0x12) {
                bytes.to_vec()
            } else {
                crate::hid::decode_hex(&text()).unwrap_or_default()
            };
            let Some(dev) = raw::parse_descriptors(&blob, "-", &mut warnings) else {
                return Err(VetError::NoDevice {
                    format: format.as_str().to_string(),
                    reason: "no 18-byte device descriptor at the start".to_string(),
                });
            };
            DeviceReport {
                devices: vec![dev],
                warnings,
                ..DeviceReport::default()
            }
        }
        InputFormat::Umockdev | InputFormat::SysfsDir => {
            let snap = sysfs::parse_umockdev(&text(), &mut warnings);
            return parse_snapshot_with(&snap, selector, warnings).map(|r| (format, r));
        }
        InputFormat::LsusbV => {
            let devices = lsusb::parse_lsusb(&text(), &mut warnings);
            select_flat(devices, selector, warnings, format)?
        }
        InputFormat::UsbDevices => {
            let topo = crate::usbdevices::parse_usb_devices(&text(), &mut warnings);
            select_tree(topo, selector, warnings)?
        }
        InputFormat::UsbguardRule => {
            let devices = usbguard::parse_rules(&text(), &mut warnings);
            if devices.is_empty() {
                return Err(VetError::NoDevice {
                    format: format.as_str().to_string(),
                    reason: "no rule with an id attribute".to_string(),
                });
            }
            select_flat(devices, selector, warnings, format)?
        }
        InputFormat::Pcap => {
            let cap = usbmon::parse_capture(bytes, &mut warnings);
            capture_report(cap, selector, warnings)?
        }
        InputFormat::UsbmonText => {
            let cap = usbmon::parse_usbmon_text(&text(), &mut warnings);
            capture_report(cap, selector, warnings)?
        }
        InputFormat::Nothing => parse_observation(bytes)?,
    };
    Ok((format, report))
}

/// Flat inputs (lsusb, rules): the selected device, or all of them.
fn select_flat(
    devices: Vec<Device>,
    selector: Option<&Selector>,
    mut warnings: Vec<ParseWarning>,
    format: InputFormat,
) -> Result<DeviceReport, VetError> {
    let mut report = DeviceReport::default();
    match selector {
        Some(sel) => {
            let (inside, outside): (Vec<Device>, Vec<Device>) =
                devices.into_iter().partition(|d| sel.matches(d));
            if inside.is_empty() {
                return Err(VetError::NoMatch(sel.to_string()));
            }
            report.devices = inside;
            report.excluded = outside.iter().map(describe).collect();
        }
        None => {
            if devices.len() > 1 {
                warnings.push(ParseWarning::note(
                    format.as_str(),
                    format!(
                        "{} devices in the input and no --device given: all are vetted as one gift",
                        devices.len()
                    ),
                ));
            }
            report.devices = devices;
        }
    }
    report.warnings = warnings;
    Ok(report)
}

/// Topology inputs: the selected device and everything below it, or every
/// non-root-hub device.
fn select_tree(
    topo: Vec<crate::usbdevices::TopoDevice>,
    selector: Option<&Selector>,
    warnings: Vec<ParseWarning>,
) -> Result<DeviceReport, VetError> {
    let Some(sel) = selector else {
        let devices = topo
            .into_iter()
            .map(|t| t.device)
            .filter(|d| !d.is_root_hub())
            .collect();
        return select_flat(devices, None, warnings, InputFormat::UsbDevices);
    };
    let root = topo
        .iter()
        .find(|t| sel.matches(&t.device))
        .map(|t| t.device.path.clone())
        .ok_or_else(|| VetError::NoMatch(sel.to_string()))?;
    // Walk parent links upwards (bounded) to decide membership.
    let parent_of = |p: &str| -> Option<String> {
        topo.iter()
            .find(|t| t.device.path == p)
            .and_then(|t| t.device.parent.clone())
    };
    let mut report = DeviceReport::default();
    for t in &topo {
        let mut cur = Some(t.device.path.clone());
        let mut inside = false;
        for _ in 0..16 {
            let Some(c) = cur else { break };
            if c == root {
                inside = true;
                break;
            }
            cur = parent_of(&c);
        }
        if inside {
            report.devices.push(t.device.clone());
        } else if !t.device.is_root_hub() {
            report.excluded.push(describe(&t.device));
        }
    }
    report.warnings = warnings;
    Ok(report)
}

fn describe(d: &Device) -> String {
    format!("{} {}", d.path, d.vid_pid())
}

/// Parse a snapshot the caller read from a sysfs folder.
pub fn parse_snapshot(
    snap: &SysfsSnapshot,
    selector: Option<&Selector>,
) -> Result<DeviceReport, VetError> {
    parse_snapshot_with(snap, selector, Vec::new())
}

fn parse_snapshot_with(
    snap: &SysfsSnapshot,
    selector: Option<&Selector>,
    mut warnings: Vec<ParseWarning>,
) -> Result<DeviceReport, VetError> {
    let all = sysfs::devices_from_snapshot(snap, &mut warnings);
    let candidates: Vec<&Device> = all.iter().filter(|d| !d.is_root_hub()).collect();
    let root = match selector {
        Some(sel) => candidates
            .iter()
            .find(|d| sel.matches(d))
            .map(|d| d.path.clone())
            .ok_or_else(|| VetError::NoMatch(sel.to_string()))?,
        None => candidates
            .first()
            .map(|d| d.path.clone())
            .ok_or_else(|| VetError::NoDevice {
                format: "sysfs".to_string(),
                reason: "no USB device folder other than root hubs".to_string(),
            })?,
    };
    let prefix = format!("{root}.");
    let mut report = DeviceReport::default();
    for d in all {
        if d.path == root || d.path.starts_with(&prefix) {
            report.devices.push(d);
        } else if !d.is_root_hub() {
            report.excluded.push(describe(&d));
        }
    }
    // The gift first, then what is behind it, shallowest first.
    report
        .devices
        .sort_by_key(|d| (d.path != root, d.path.matches('.').count(), d.path.clone()));
    report.warnings = warnings;
    Ok(report)
}

fn capture_report(
    cap: usbmon::Capture,
    selector: Option<&Selector>,
    mut warnings: Vec<ParseWarning>,
) -> Result<DeviceReport, VetError> {
    for lt in &cap.linktypes_seen {
        if ![
            usbmon::LINKTYPE_USB_LINUX,
            usbmon::LINKTYPE_USB_LINUX_MMAPPED,
            usbmon::LINKTYPE_USBPCAP,
        ]
        .contains(lt)
        {
            warnings.push(ParseWarning::note(
                "capture",
                format!("link type {lt} is not USB (189, 220 or 249); its packets were skipped"),
            ));
        }
    }
    let devices: Vec<(Device, usbmon::CaptureFacts)> = cap
        .devices
        .into_iter()
        .filter(|(d, _)| !d.is_root_hub())
        .collect();
    // The gift: the selected device; without a selector, every device the
    // host configured within ENUMERATION_BURST_US of the last one configured
    // (a gift with an internal hub enumerates hub and children together);
    // failing that, the last device whose descriptors were read.
    const ENUMERATION_BURST_US: i64 = 3_000_000;
    let chosen: Vec<usize> = match selector {
        Some(sel) => vec![devices
            .iter()
            .position(|(d, _)| sel.matches(d))
            .ok_or_else(|| VetError::NoMatch(sel.to_string()))?],
        None => {
            // Under the vetting procedure (authorized_default=0) the host
            // never configures the gift, so a device whose identity was
            // read at address 0 counts as newly enumerated too.
            let latest = devices
                .iter()
                .filter(|(_, f)| f.configured || f.new_device)
                .map(|(_, f)| f.first_seen_us)
                .max();
            match latest {
                Some(latest) => devices
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, f))| {
                        (f.configured || f.new_device)
                            && f.first_seen_us >= latest - ENUMERATION_BURST_US
                    })
                    .map(|(i, _)| i)
                    .collect(),
                None => devices.len().checked_sub(1).into_iter().collect(),
            }
        }
    };
    let mut report = DeviceReport {
        behaviour_observed: true,
        ..DeviceReport::default()
    };
    let mut in_scope: Vec<(i64, Device)> = Vec::new();
    // Storage configured earlier in the capture, for the staged-HID check.
    let earlier_storage: Vec<(i64, String)> = devices
        .iter()
        .enumerate()
        .filter(|(i, (d, f))| {
            !chosen.contains(i)
                && (f.configured || f.new_device)
                && crate::vet::device_capabilities(d).contains(&crate::Capability::Storage)
        })
        .map(|(_, (d, f))| (f.first_seen_us, describe(d)))
        .collect();
    for (i, (d, facts)) in devices.into_iter().enumerate() {
        if chosen.contains(&i) {
            let hid = crate::vet::device_capabilities(&d).iter().any(|c| {
                matches!(
                    c,
                    crate::Capability::Keyboard
                        | crate::Capability::Pointer
                        | crate::Capability::HidUnknown
                        | crate::Capability::HidVendor
                )
            });
            if hid {
                for (t, what) in &earlier_storage {
                    if facts.first_seen_us - t > 2_000_000 {
                        report.late_hid.push(format!(
                            "{} {} with HID appeared {:.1} s after storage {what}",
                            d.path,
                            d.vid_pid(),
                            (facts.first_seen_us - t) as f64 / 1e6
                        ));
                    }
                }
            }
            report.key_events.extend(facts.key_events);
            report.msos_answered |= facts.msos_answered;
            report.descriptor_instability.extend(
                facts
                    .unstable
                    .into_iter()
                    .map(|u| format!("{}: {u}", d.path)),
            );
            in_scope.push((facts.first_seen_us, d));
        } else {
            report.excluded.push(describe(&d));
        }
    }
    // Hubs first (they enumerate before what hangs off them), then by time.
    in_scope.sort_by_key(|(t, d)| (!d.is_hub(), *t));
    report.devices = in_scope.into_iter().map(|(_, d)| d).collect();
    let mut distinct: Vec<&String> = Vec::new();
    for id in &cap.address0_identities {
        if !distinct.contains(&id) {
            distinct.push(id);
        }
    }
    if distinct.len() > 1 {
        report.reenumerations = distinct.into_iter().cloned().collect();
    }
    if report.devices.is_empty() {
        // A capture in which nothing enumerated: its span is the observation window.
        report.observation = Some(crate::model::Observation {
            window_s: Some(cap.span_us as f64 / 1e6),
            ..crate::model::Observation::default()
        });
    }
    report.warnings = warnings;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!(
            "001:011".parse::<Selector>().ok(),
            Some(Selector::BusDev(1, 11))
        );
        assert_eq!(
            "04d9:1603".parse::<Selector>().ok(),
            Some(Selector::VidPid(0x04d9, 0x1603))
        );
        assert_eq!(
            "1-4.1.3".parse::<Selector>().ok(),
            Some(Selector::Path("1-4.1.3".into()))
        );
        assert!("zz".parse::<Selector>().is_err());
    }

    #[test]
    fn detection() {
        assert_eq!(detect_format(b"nothing\n"), Some(InputFormat::Nothing));
        assert_eq!(
            detect_format(b"allow id 1234:5678 with-interface 08:06:50"),
            Some(InputFormat::UsbguardRule)
        );
        assert_eq!(detect_format(b"hello"), None);
    }
}
