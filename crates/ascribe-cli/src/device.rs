//! `ascribe device vet`: does a gift present more than it claims?
//!
//! The file reading happens here; the vetting is `ascribe_device`, which is
//! pure. Exit codes: 0 for PASS and WARN, 1 for FAIL and (under the strict
//! profile) INCONCLUSIVE, 2 for bad input or usage.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use ascribe_device::report::{to_json, to_text};
use ascribe_device::{
    vet_bytes, vet_snapshot, Claim, InputFormat, Profile, Selector, SysfsEntry, SysfsSnapshot,
    Verdict, VerdictKind, VetOptions,
};

use crate::db::Db;

/// Device vetting.
#[derive(Debug, clap::Subcommand)]
pub enum DeviceCmd {
    /// Vet a USB device against what it claims to be.
    ///
    /// INPUT is a raw `descriptors` file (binary or hex), a sysfs device
    /// folder, a umockdev-record file, `lsusb -v` or `usb-devices` output, a
    /// usbmon capture (pcap/pcapng, or usbmon text), a USBGuard rule, an
    /// observation record (JSON), `nothing` for a device that presented
    /// nothing, or `-` for standard input.
    ///
    /// Exit codes: 0 PASS or WARN, 1 FAIL (and INCONCLUSIVE under the strict
    /// profile), 2 bad input. See docs/device.md.
    Vet(VetArgs),
}

#[derive(Debug, clap::Args)]
pub struct VetArgs {
    /// The input (file, sysfs folder, `nothing`, or `-` for stdin).
    pub input: String,
    /// What the device is said to be: flash-drive, charger, cable, power-bank,
    /// phone, keyboard, mouse, security-key or unknown.
    #[arg(long, value_parser = parse_claim)]
    pub claim: Claim,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// strict (gifts) or lenient.
    #[arg(long, default_value = "strict", value_parser = parse_profile)]
    pub profile: Profile,
    /// Store the findings as evidence in this incident.
    #[arg(long)]
    pub incident: Option<String>,
    /// Override format detection: raw-descriptors, sysfs-dir, umockdev, lsusb-v, usb-devices, pcap, usbmon-text, usbguard-rule, nothing.
    #[arg(long, value_parser = parse_input_format)]
    pub input_format: Option<InputFormat>,
    /// Choose the gift in a multi-device input: BUS:DEV, VID:PID or a port path (1-4.1).
    #[arg(long)]
    pub device: Option<String>,
    /// TLP of the stored evidence (clear, green, amber, amber-strict, red).
    #[arg(long, default_value = "amber")]
    pub tlp: String,
}

fn parse_claim(s: &str) -> Result<Claim, String> {
    s.parse()
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
}

fn parse_input_format(s: &str) -> Result<InputFormat, String> {
    s.parse()
}

fn parse_tlp(s: &str) -> anyhow::Result<ascribe_model::Tlp> {
    use ascribe_model::Tlp;
    Ok(match s.trim().to_ascii_lowercase().trim_start_matches("tlp:") {
        "clear" | "white" => Tlp::Clear,
        "green" => Tlp::Green,
        "amber" => Tlp::Amber,
        "amber-strict" | "amber+strict" => Tlp::AmberStrict,
        "red" => Tlp::Red,
        other => bail!("--tlp: unknown marking {other:?}, expected clear, green, amber, amber-strict or red"),
    })
}

/// Exit code for a verdict (documented in docs/device.md).
pub fn exit_code(v: &Verdict) -> u8 {
    match (v.verdict, v.profile) {
        (VerdictKind::Pass | VerdictKind::Warn, _) => 0,
        (VerdictKind::Inconclusive, Profile::Lenient) => 0,
        (VerdictKind::Fail | VerdictKind::Inconclusive, _) => 1,
    }
}

pub fn run(cmd: DeviceCmd, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        DeviceCmd::Vet(args) => match vet(&args, db) {
            Ok(code) => Ok(code),
            Err(e) => {
                eprintln!("error: {}", crate::diag::bounded_error(&e));
                Ok(ExitCode::from(2))
            }
        },
    }
}

fn vet(args: &VetArgs, db: &Db) -> anyhow::Result<ExitCode> {
    let mut opts = VetOptions::new(args.claim);
    opts.profile = args.profile;
    opts.format = args.input_format;
    opts.input_name.clone_from(&args.input);
    if let Some(sel) = &args.device {
        opts.selector = Some(
            sel.parse::<Selector>()
                .map_err(|e| anyhow::anyhow!("--device: {e}"))?,
        );
    }
    let tlp = parse_tlp(&args.tlp)?;
    let path = PathBuf::from(&args.input);
    let verdict = if args.input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("reading standard input")?;
        vet_bytes(&buf, &opts)?
    } else if path.is_dir() {
        let snap = read_sysfs_dir(&path)?;
        vet_snapshot(&snap, &opts)
            .with_context(|| format!("{}: not a usable sysfs device folder", path.display()))?
    } else if !path.exists() && matches!(args.input.as_str(), "nothing" | "nothing-enumerated") {
        opts.format = Some(InputFormat::Nothing);
        vet_bytes(b"nothing", &opts)?
    } else {
        let bytes =
            std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
        vet_bytes(&bytes, &opts).with_context(|| path.display().to_string())?
    };
    let rendered = if args.format == "json" {
        to_json(&verdict) + "\n"
    } else {
        to_text(&verdict)
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => {}
        // A closed pipe (`ascribe device vet ... | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).context("writing the report"),
    }
    drop(stdout);
    if let Some(incident) = &args.incident {
        let n = store_evidence(db, incident, &verdict, tlp)?;
        eprintln!(
            "stored {n} evidence item(s) of kind device-finding in incident {incident} ({db})"
        );
    }
    Ok(ExitCode::from(exit_code(&verdict)))
}

/// Stores the verdict's findings in an incident (ascribe-app); returns how many.
fn store_evidence(
    db: &Db,
    incident: &str,
    verdict: &Verdict,
    tlp: ascribe_model::Tlp,
) -> anyhow::Result<usize> {
    let store = db.open()?;
    Ok(ascribe_app::device::file_verdict(
        &store, incident, verdict, tlp,
    )?)
}

/// Attribute files read from a sysfs folder; everything else is left alone
/// (some sysfs files block or have side effects when read).
const ATTRS: &[&str] = &[
    "descriptors",
    "bos_descriptors",
    "idVendor",
    "idProduct",
    "bcdDevice",
    "bcdUSB",
    "bDeviceClass",
    "bDeviceSubClass",
    "bDeviceProtocol",
    "bMaxPacketSize0",
    "bNumConfigurations",
    "bConfigurationValue",
    "bNumInterfaces",
    "bmAttributes",
    "bMaxPower",
    "manufacturer",
    "product",
    "serial",
    "speed",
    "version",
    "busnum",
    "devnum",
    "devpath",
    "removable",
    "authorized",
    "bInterfaceNumber",
    "bAlternateSetting",
    "bNumEndpoints",
    "bInterfaceClass",
    "bInterfaceSubClass",
    "bInterfaceProtocol",
    "interface",
    "modalias",
    "report_descriptor",
];

/// Read a sysfs device folder (or a copy of one) into a snapshot. Symbolic
/// links below the root are not followed; depth and size are bounded.
pub fn read_sysfs_dir(root: &Path) -> anyhow::Result<SysfsSnapshot> {
    let root = root
        .canonicalize()
        .with_context(|| format!("{}: cannot open folder", root.display()))?;
    let mut snap = SysfsSnapshot::default();
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        if snap.entries.len() > 10_000 {
            bail!(
                "{}: more than 10000 folders; point at one device folder",
                root.display()
            );
        }
        let rel = dir
            .strip_prefix(root.parent().unwrap_or(&root))
            .unwrap_or(&dir)
            .to_string_lossy()
            .into_owned();
        let mut entry = SysfsEntry {
            path: rel,
            attrs: BTreeMap::new(),
        };
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut subdirs = Vec::new();
        for item in read.flatten() {
            let Ok(ft) = item.file_type() else { continue };
            let name = item.file_name().to_string_lossy().into_owned();
            if ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                if depth < 8 && name != "power" {
                    subdirs.push(item.path());
                }
                continue;
            }
            if ft.is_file() && ATTRS.contains(&name.as_str()) {
                if let Ok(mut f) = std::fs::File::open(item.path()) {
                    let mut buf = Vec::new();
                    if std::io::Read::by_ref(&mut f)
                        .take(1 << 20)
                        .read_to_end(&mut buf)
                        .is_ok()
                    {
                        entry.attrs.insert(name, buf);
                    }
                }
            }
        }
        subdirs.sort();
        for s in subdirs.into_iter().rev() {
            stack.push((s, depth + 1));
        }
        snap.entries.push(entry);
    }
    Ok(snap)
}
