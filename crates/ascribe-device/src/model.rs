//! The canonical device model every parser produces.

use serde::Serialize;

/// USB speed as reported by the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Speed {
    Low,
    Full,
    High,
    Super,
    SuperPlus,
    #[default]
    Unknown,
}

impl Speed {
    /// From the sysfs `speed` attribute (Mbit/s).
    pub fn from_sysfs(s: &str) -> Speed {
        match s.trim() {
            "1.5" => Speed::Low,
            "12" => Speed::Full,
            "480" => Speed::High,
            "5000" => Speed::Super,
            "10000" | "20000" => Speed::SuperPlus,
            _ => Speed::Unknown,
        }
    }
}

/// A string descriptor as far as the input lets us know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum StringState {
    /// The index is 0: the device declares no such string.
    #[default]
    Absent,
    /// The index is non-zero but the input does not carry the text.
    Unavailable,
    /// The text as read.
    Present(String),
}

impl StringState {
    pub fn text(&self) -> Option<&str> {
        match self {
            StringState::Present(s) => Some(s),
            _ => None,
        }
    }
    /// From a descriptor index and optional text.
    pub fn from_index(index: u8, text: Option<String>) -> StringState {
        match (index, text) {
            (_, Some(t)) if !t.is_empty() => StringState::Present(t),
            (0, _) => StringState::Absent,
            _ => StringState::Unavailable,
        }
    }
}

/// Manufacturer, product and serial strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Strings {
    pub manufacturer: StringState,
    pub product: StringState,
    pub serial: StringState,
}

/// A class triple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClassTriple {
    pub class: u8,
    pub subclass: u8,
    pub protocol: u8,
}

impl ClassTriple {
    pub fn new(class: u8, subclass: u8, protocol: u8) -> Self {
        ClassTriple {
            class,
            subclass,
            protocol,
        }
    }
}

impl std::fmt::Display for ClassTriple {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02x}:{:02x}:{:02x}",
            self.class, self.subclass, self.protocol
        )
    }
}

impl Serialize for ClassTriple {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Transfer type of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferType {
    Control,
    Isochronous,
    Bulk,
    Interrupt,
}

impl TransferType {
    pub fn from_attributes(attr: u8) -> TransferType {
        match attr & 0x03 {
            0 => TransferType::Control,
            1 => TransferType::Isochronous,
            2 => TransferType::Bulk,
            _ => TransferType::Interrupt,
        }
    }
}

/// An endpoint descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub address: u8,
    pub transfer: TransferType,
    pub max_packet: u16,
    pub interval: u8,
}

impl Endpoint {
    pub fn is_in(&self) -> bool {
        self.address & 0x80 != 0
    }
}

/// An interface association descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Iad {
    pub first_interface: u8,
    pub interface_count: u8,
    pub class: ClassTriple,
}

/// One top-level application collection of a HID report descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HidApplication {
    pub page: u16,
    pub usage: u16,
    pub capability: crate::Capability,
}

/// What the HID report descriptor of an interface told us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HidReport {
    /// The input does not carry it (lsusb `** UNAVAILABLE **`, raw blobs).
    Unavailable,
    /// Decoded.
    Parsed {
        applications: Vec<HidApplication>,
        length: usize,
    },
}

/// An interface descriptor (one alternate setting of one interface).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interface {
    pub number: u8,
    pub alt: u8,
    pub class: ClassTriple,
    pub num_endpoints: u8,
    pub endpoints: Vec<Endpoint>,
    /// CDC functional descriptor subtypes seen (class-specific 0x24).
    pub cdc_subtypes: Vec<u8>,
    /// HID report descriptor, for class 03 interfaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hid: Option<HidReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string: Option<String>,
}

/// A configuration descriptor with everything below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Config {
    pub value: u8,
    pub attributes: u8,
    pub max_power_ma: u32,
    pub num_interfaces: u8,
    pub total_length: u16,
    pub interfaces: Vec<Interface>,
    pub iads: Vec<Iad>,
}

impl Config {
    /// A configuration known only by its value (the text formats that list
    /// interfaces without a configuration descriptor): nothing below it yet,
    /// every descriptor field zero.
    pub fn numbered(value: u8) -> Config {
        Config {
            value,
            attributes: 0,
            max_power_ma: 0,
            num_interfaces: 0,
            total_length: 0,
            interfaces: Vec::new(),
            iads: Vec::new(),
        }
    }
}

/// One USB device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Device {
    /// Port path (`1-4.1.3`), `bus:dev` for captures and lsusb, or `-` when unknown.
    pub path: String,
    pub parent: Option<String>,
    pub speed: Speed,
    pub vid: u16,
    pub pid: u16,
    pub bcd_device: u16,
    pub bcd_usb: u16,
    pub class: ClassTriple,
    pub max_packet0: u8,
    pub num_configurations: u8,
    pub strings: Strings,
    pub configurations: Vec<Config>,
    /// Billboard capability seen in a BOS descriptor.
    pub bos_billboard: bool,
    /// True when the input carried only identity and interface classes (no
    /// configuration-level descriptors), as a USBGuard rule does.
    pub interfaces_only: bool,
    /// True when the input carried identity only (no interfaces at all).
    pub identity_only: bool,
}

impl Device {
    pub fn vid_pid(&self) -> String {
        format!("{:04x}:{:04x}", self.vid, self.pid)
    }
    /// A root hub of the host (Linux Foundation 1d6b:0001..0003).
    pub fn is_root_hub(&self) -> bool {
        self.vid == 0x1d6b && (1..=3).contains(&self.pid)
    }
    pub fn is_hub(&self) -> bool {
        self.class.class == 0x09
            || self
                .configurations
                .iter()
                .any(|c| c.interfaces.iter().any(|i| i.class.class == 0x09))
    }
    /// Every interface of every configuration and alternate setting.
    pub fn all_interfaces(&self) -> impl Iterator<Item = (&Config, &Interface)> {
        self.configurations
            .iter()
            .flat_map(|c| c.interfaces.iter().map(move |i| (c, i)))
    }
}

/// A non-fatal observation made while parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseWarning {
    /// Where (device path, byte offset or line).
    pub at: String,
    pub message: String,
    /// True when the descriptor structure itself is malformed (STRUCT-MALFORMED).
    pub malformed: bool,
}

impl ParseWarning {
    pub fn malformed(at: impl Into<String>, message: impl Into<String>) -> Self {
        ParseWarning {
            at: at.into(),
            message: message.into(),
            malformed: true,
        }
    }
    pub fn note(at: impl Into<String>, message: impl Into<String>) -> Self {
        ParseWarning {
            at: at.into(),
            message: message.into(),
            malformed: false,
        }
    }
}

/// A HID input report seen in a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyEvent {
    /// Microseconds since the start of the capture.
    pub t_us: i64,
    pub device: String,
    /// Newly pressed key usages (page 0x07) in this report.
    pub pressed: Vec<u8>,
}

/// An explicit "nothing enumerated" observation (chargers, cables).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Observation {
    pub window_s: Option<f64>,
    pub device_side_probe_performed: bool,
    pub setup_packets_seen: Option<u64>,
}

/// The canonical result of parsing any input.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct DeviceReport {
    /// The devices in scope: the gift and anything behind it.
    pub devices: Vec<Device>,
    /// Devices present in the input but outside the gift's scope.
    pub excluded: Vec<String>,
    pub warnings: Vec<ParseWarning>,
    /// Interrupt-IN keyboard reports (captures only).
    pub key_events: Vec<KeyEvent>,
    /// True when the input was a capture (behaviour checks ran).
    pub behaviour_observed: bool,
    /// Set for "nothing enumerated" inputs.
    pub observation: Option<Observation>,
    /// Distinct identities read at address 0 during the capture, when more than one.
    pub reenumerations: Vec<String>,
    /// Descriptors read twice with different bytes (captures).
    pub descriptor_instability: Vec<String>,
    /// The gift answered the MS OS 1.0 string request (captures).
    pub msos_answered: bool,
    /// A HID function that appeared more than 2 s after a storage function (captures).
    pub late_hid: Vec<String>,
}
