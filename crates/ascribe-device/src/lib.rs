//! Vetting USB devices against what they claim to be.
//!
//! A pure library: the caller passes bytes (or a [`SysfsSnapshot`] it read
//! from a folder) and gets a [`Verdict`] back. Every input format converges on
//! one [`DeviceReport`]; the capability model covers every configuration,
//! alternate setting and device behind a hub; findings compare what the device
//! presents with what it claims, and the verdict follows from their severities.
//!
//! ```
//! use ascribe_device::{vet_bytes, Claim, VetOptions};
//! // A boot keyboard (03:01:01) presented by something that claims to be a flash drive.
//! let blob = [
//!     0x12, 0x01, 0x00, 0x02, 0, 0, 0, 64, 0xeb, 0x03, 0x03, 0x24, 0, 1, 0, 0, 0, 1,
//!     9, 2, 25, 0, 1, 1, 0, 0x80, 50,
//!     9, 4, 0, 0, 1, 3, 1, 1, 0,
//!     7, 5, 0x81, 3, 8, 0, 10,
//! ];
//! let verdict = vet_bytes(&blob, &VetOptions::new(Claim::FlashDrive)).unwrap();
//! assert_eq!(verdict.verdict.as_str(), "FAIL");
//! assert!(verdict.findings.iter().any(|f| f.id == "CAP-HID-KEYBOARD"));
//! ```

pub mod evidence;
pub mod hid;
pub mod input;
pub mod lsusb;
pub mod model;
pub mod raw;
pub mod report;
pub mod sysfs;
pub mod tables;
pub mod usbdevices;
pub mod usbguard;
pub mod usbmon;
pub mod vet;

use serde::Serialize;

pub use input::{detect_format, parse_bytes, parse_snapshot, InputFormat, Selector};
pub use model::{Device, DeviceReport};
pub use sysfs::{SysfsEntry, SysfsSnapshot};
pub use vet::{vet_bytes, vet_report, vet_snapshot, Finding, Verdict, VerdictKind, VetOptions};

/// What a device can do once plugged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Storage,
    Keyboard,
    Pointer,
    SystemControl,
    ConsumerControl,
    HidVendor,
    /// HID whose report descriptor is unavailable and whose boot protocol says nothing.
    HidUnknown,
    /// HID of another kind (joystick, sensor, ...).
    HidOther,
    Fido,
    Network,
    Serial,
    CommOther,
    AudioIn,
    AudioOut,
    Video,
    Radio,
    FirmwareUpdate,
    Vendor,
    StillImage,
    Printer,
    Smartcard,
    Hub,
    Billboard,
    Other,
}

impl Capability {
    pub fn as_str(self) -> &'static str {
        vet::capability_row(self).name
    }

    /// A phrase for the analyst's note.
    pub fn describe(self) -> &'static str {
        vet::capability_row(self).describe
    }
}

/// What the device is said to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Claim {
    FlashDrive,
    Charger,
    Cable,
    PowerBank,
    Phone,
    Keyboard,
    Mouse,
    SecurityKey,
    Unknown,
}

impl Claim {
    pub const ALL: [Claim; 9] = [
        Claim::FlashDrive,
        Claim::Charger,
        Claim::Cable,
        Claim::PowerBank,
        Claim::Phone,
        Claim::Keyboard,
        Claim::Mouse,
        Claim::SecurityKey,
        Claim::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Claim::FlashDrive => "flash-drive",
            Claim::Charger => "charger",
            Claim::Cable => "cable",
            Claim::PowerBank => "power-bank",
            Claim::Phone => "phone",
            Claim::Keyboard => "keyboard",
            Claim::Mouse => "mouse",
            Claim::SecurityKey => "security-key",
            Claim::Unknown => "unknown",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Claim::FlashDrive => "flash drive",
            Claim::Charger => "charger",
            Claim::Cable => "cable",
            Claim::PowerBank => "power bank",
            Claim::Phone => "phone",
            Claim::Keyboard => "keyboard",
            Claim::Mouse => "mouse",
            Claim::SecurityKey => "security key",
            Claim::Unknown => "device of unknown kind",
        }
    }

    /// A charger, cable or power bank: nothing should enumerate.
    pub fn is_power_only(self) -> bool {
        matches!(self, Claim::Charger | Claim::Cable | Claim::PowerBank)
    }
}

impl std::str::FromStr for Claim {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let squash = |x: &str| -> String {
            x.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let norm = squash(s);
        Claim::ALL
            .into_iter()
            .find(|c| squash(c.as_str()) == norm)
            .ok_or_else(|| {
                format!(
                    "unknown claim {s:?}, expected one of {}",
                    Claim::ALL.map(Claim::as_str).join(", ")
                )
            })
    }
}

/// How hard to be. Strict is for gifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    #[default]
    Strict,
    Lenient,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Strict => "strict",
            Profile::Lenient => "lenient",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "strict" => Ok(Profile::Strict),
            "lenient" => Ok(Profile::Lenient),
            other => Err(format!(
                "unknown profile {other:?}, expected strict or lenient"
            )),
        }
    }
}

/// Finding severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    /// Weight in the risk score (for sorting only).
    pub fn weight(self) -> u32 {
        match self {
            Severity::Info => 0,
            Severity::Low => 5,
            Severity::Medium => 15,
            Severity::High => 40,
            Severity::Critical => 100,
        }
    }
}

/// Errors of the vetting library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VetError {
    #[error("input format not recognised: {0}")]
    UnknownFormat(String),
    #[error("{format} input holds no usable device: {reason}")]
    NoDevice { format: String, reason: String },
    #[error("no device matches the selector {0}")]
    NoMatch(String),
    #[error("invalid device selector {0:?}: expected BUS:DEV (decimal), VID:PID (4 hex digits each) or a port path such as 1-4.1")]
    BadSelector(String),
    #[error("observation record is not valid JSON: {0}")]
    BadObservation(String),
}
