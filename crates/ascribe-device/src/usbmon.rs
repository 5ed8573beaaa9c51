//! usbmon captures in pcap and pcapng (link types 189 and 220).
//!
//! Submissions are paired with completions by URB id; control transfers are
//! decoded to rebuild each device's descriptors (device, configuration,
//! strings, HID report descriptors); interrupt-IN completions from keyboard
//! interfaces become key events for the keystroke-timing check.

use std::collections::{BTreeMap, HashMap};

use crate::hid;
use crate::model::{Device, HidReport, KeyEvent, ParseWarning, StringState};

pub const LINKTYPE_USB_LINUX: u32 = 189;
pub const LINKTYPE_USB_LINUX_MMAPPED: u32 = 220;
pub const LINKTYPE_USBPCAP: u32 = 249;

/// USBPcap (Windows) pseudo-header, packed little endian: headerLen u16,
/// irpId u64, status u32, function u16, info u8 (bit 0: completion), bus u16,
/// device u16, endpoint u8, transfer u8, dataLength u32, and for control
/// transfers a stage u8 (0 setup, 1 data, 2 status, 3 complete).
fn decode_usbpcap(p: &Packet<'_>) -> Option<Urb> {
    let d = p.data;
    let header_len = usize::from(rd_u16(d, 0, false)?);
    let id = rd_u64(d, 2, false)?;
    let status = rd_u32(d, 10, false)? as i32;
    let info = *d.get(16)?;
    let bus = rd_u16(d, 17, false)?;
    let dev = u8::try_from(rd_u16(d, 19, false)?).unwrap_or(u8::MAX);
    let ep = *d.get(21)?;
    let xfer = *d.get(22)?;
    let payload = d.get(header_len.max(27)..).unwrap_or(&[]);
    let completion = info & 1 != 0;
    let (kind, setup, data) = if xfer == 2 {
        match *d.get(27)? {
            0 => (
                'S',
                payload.get(0..8).and_then(|s| s.try_into().ok()),
                Vec::new(),
            ),
            1 if completion => ('C', None, payload.to_vec()),
            _ => return None,
        }
    } else if completion {
        ('C', None, payload.to_vec())
    } else {
        ('S', None, Vec::new())
    };
    Some(Urb {
        id,
        kind: kind as u8,
        xfer,
        ep,
        dev,
        bus,
        setup,
        t_us: p.t_us,
        status,
        data,
    })
}

/// One captured packet with the link type of its interface.
struct Packet<'a> {
    linktype: u32,
    data: &'a [u8],
    big_endian: bool,
    /// Capture-file timestamp in µs (used where the link header has none).
    t_us: i64,
}

/// `fn $name(bytes, offset, big_endian) -> Option<$t>`: the integer at
/// `offset` in the capture's byte order, or `None` past the end.
macro_rules! read_int {
    ($($name:ident: $t:ty),*) => {$(
        fn $name(b: &[u8], off: usize, be: bool) -> Option<$t> {
            let s = b.get(off..off + std::mem::size_of::<$t>())?.try_into().ok()?;
            Some(if be {
                <$t>::from_be_bytes(s)
            } else {
                <$t>::from_le_bytes(s)
            })
        }
    )*};
}

read_int!(rd_u16: u16, rd_u32: u32, rd_u64: u64);

/// True when the bytes start like a pcap or pcapng file.
pub fn is_capture(bytes: &[u8]) -> bool {
    matches!(
        bytes.get(0..4),
        Some([0x0a, 0x0d, 0x0d, 0x0a])
            | Some([0xa1, 0xb2, 0xc3, 0xd4])
            | Some([0xd4, 0xc3, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0x3c, 0x4d])
            | Some([0x4d, 0x3c, 0xb2, 0xa1])
    )
}

fn packets<'a>(bytes: &'a [u8], warnings: &mut Vec<ParseWarning>) -> Vec<Packet<'a>> {
    let mut out = Vec::new();
    let magic = bytes.get(0..4);
    if magic == Some(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        // pcapng: blocks of (type, total length, body, total length).
        let mut be = false;
        let mut linktypes: Vec<u32> = Vec::new();
        let mut off = 0usize;
        while off + 12 <= bytes.len() {
            let Some(bt) = rd_u32(bytes, off, be) else {
                break;
            };
            if bt == 0x0A0D_0D0A {
                be = bytes.get(off + 8..off + 12) == Some(&[0x1a, 0x2b, 0x3c, 0x4d]);
                linktypes.clear();
            }
            let Some(len) = rd_u32(bytes, off + 4, be).map(|l| l as usize) else {
                break;
            };
            if len < 12 || off + len > bytes.len() {
                warnings.push(ParseWarning::malformed(
                    format!("capture offset {off}"),
                    format!("pcapng block length {len} is invalid; the rest is ignored"),
                ));
                break;
            }
            let body = bytes.get(off + 8..off + len - 4).unwrap_or(&[]);
            match bt {
                1 => linktypes.push(u32::from(rd_u16(body, 0, be).unwrap_or(0))),
                6 => {
                    let iface = rd_u32(body, 0, be).unwrap_or(u32::MAX) as usize;
                    let cap = rd_u32(body, 12, be).unwrap_or(0) as usize;
                    let ts = (u64::from(rd_u32(body, 4, be).unwrap_or(0)) << 32)
                        | u64::from(rd_u32(body, 8, be).unwrap_or(0));
                    if let (Some(&lt), Some(data)) = (linktypes.get(iface), body.get(20..20 + cap))
                    {
                        out.push(Packet {
                            linktype: lt,
                            data,
                            big_endian: be,
                            t_us: i64::try_from(ts).unwrap_or(i64::MAX),
                        });
                    }
                }
                3 => {
                    if let (Some(&lt), Some(data)) = (linktypes.first(), body.get(4..)) {
                        out.push(Packet {
                            linktype: lt,
                            data,
                            big_endian: be,
                            t_us: 0,
                        });
                    }
                }
                _ => {}
            }
            off += len;
        }
        return out;
    }
    // Classic pcap.
    let be = matches!(magic, Some([0xa1, 0xb2, ..]));
    let linktype = rd_u32(bytes, 20, be).unwrap_or(0) & 0x0FFF_FFFF;
    let mut off = 24usize;
    while off + 16 <= bytes.len() {
        let cap = rd_u32(bytes, off + 8, be).unwrap_or(0) as usize;
        let Some(data) = bytes.get(off + 16..off + 16 + cap) else {
            warnings.push(ParseWarning::malformed(
                format!("capture offset {off}"),
                "pcap record runs past the end of the file",
            ));
            break;
        };
        let sec = i64::from(rd_u32(bytes, off, be).unwrap_or(0));
        let frac = i64::from(rd_u32(bytes, off + 4, be).unwrap_or(0));
        let nanos = matches!(
            magic,
            Some([0xa1, 0xb2, 0x3c, 0x4d]) | Some([0x4d, 0x3c, 0xb2, 0xa1])
        );
        out.push(Packet {
            linktype,
            data,
            big_endian: be,
            t_us: sec * 1_000_000 + if nanos { frac / 1_000 } else { frac },
        });
        off += 16 + cap;
    }
    out
}

/// A decoded usbmon record.
struct Urb {
    id: u64,
    kind: u8,
    xfer: u8,
    ep: u8,
    dev: u8,
    bus: u16,
    setup: Option<[u8; 8]>,
    t_us: i64,
    status: i32,
    data: Vec<u8>,
}

fn decode(p: &Packet<'_>) -> Option<Urb> {
    if p.linktype == LINKTYPE_USBPCAP {
        return decode_usbpcap(p);
    }
    let be = p.big_endian;
    let d = p.data;
    let header = match p.linktype {
        LINKTYPE_USB_LINUX => 48usize,
        LINKTYPE_USB_LINUX_MMAPPED => {
            let ndesc = rd_u32(d, 60, be)? as usize;
            64usize.checked_add(ndesc.min(1024).checked_mul(16)?)?
        }
        _ => return None,
    };
    let flag_setup = *d.get(14)?;
    let ts_sec = rd_u64(d, 16, be)? as i64;
    let ts_usec = rd_u32(d, 24, be)? as i32;
    let status = rd_u32(d, 28, be)? as i32;
    let len_cap = rd_u32(d, 36, be)? as usize;
    let setup: Option<[u8; 8]> = if flag_setup == 0 {
        d.get(40..48).and_then(|s| s.try_into().ok())
    } else {
        None
    };
    let data = d.get(header..).unwrap_or(&[]);
    let data = data.get(..len_cap.min(data.len())).unwrap_or(&[]);
    Some(Urb {
        id: rd_u64(d, 0, be)?,
        kind: *d.get(8)?,
        xfer: *d.get(9)?,
        ep: *d.get(10)?,
        dev: *d.get(11)?,
        bus: rd_u16(d, 12, be)?,
        setup,
        t_us: ts_sec
            .saturating_mul(1_000_000)
            .saturating_add(i64::from(ts_usec)),
        status,
        data: data.to_vec(),
    })
}

/// What the capture told us about one (bus, device).
#[derive(Default)]
struct DevState {
    device_desc: Vec<u8>,
    configs: BTreeMap<u8, Vec<u8>>,
    strings: BTreeMap<u8, String>,
    reports: BTreeMap<u8, Vec<u8>>,
    configured_at: Option<i64>,
    /// Its identity was first read at address 0 just before: newly enumerated.
    new_device: bool,
    first_seen: i64,
    interrupt_in: Vec<(i64, u8, Vec<u8>)>,
    msos: bool,
    /// (descriptor type, index) -> bytes first read, for the stability check.
    reads: HashMap<(u8, u8), Vec<u8>>,
    unstable: Vec<String>,
}

/// The result of reading a capture.
pub struct Capture {
    /// Every device with a device descriptor, keyed `BBB:DDD`, in first-seen order.
    pub devices: Vec<(Device, CaptureFacts)>,
    /// Device descriptors read at address 0 (VID:PID), in order.
    pub address0_identities: Vec<String>,
    pub linktypes_seen: Vec<u32>,
    /// Time from the first to the last record, µs.
    pub span_us: i64,
}

/// Per-device facts only a capture shows.
#[derive(Debug, Clone, Default)]
pub struct CaptureFacts {
    pub configured: bool,
    /// Enumerated during the capture (identity read at address 0 first).
    pub new_device: bool,
    pub first_seen_us: i64,
    pub key_events: Vec<KeyEvent>,
    pub msos_answered: bool,
    pub unstable: Vec<String>,
}

fn utf16_string(desc: &[u8]) -> String {
    let body = desc.get(2..usize::from(desc.first().copied().unwrap_or(0)).min(desc.len()));
    let units: Vec<u16> = body
        .unwrap_or(&[])
        .chunks_exact(2)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect();
    String::from_utf16_lossy(&units)
}

/// Read a capture. Non-USB link types are skipped with a warning.
pub fn parse_capture(bytes: &[u8], warnings: &mut Vec<ParseWarning>) -> Capture {
    let pkts = packets(bytes, warnings);
    let mut linktypes_seen: Vec<u32> = Vec::new();
    let mut urbs = Vec::new();
    for p in &pkts {
        if !linktypes_seen.contains(&p.linktype) {
            linktypes_seen.push(p.linktype);
        }
        if let Some(urb) = decode(p) {
            urbs.push(urb);
        }
    }
    let mut cap = process(urbs, warnings);
    cap.linktypes_seen = linktypes_seen;
    cap
}

/// True when a line looks like usbmon's text format (`1u`):
/// `<tag> <timestamp> <S|C|E> <Ci|Co|Bi|Bo|Ii|Io|Zi|Zo>:<bus>:<dev>:<ep> ...`.
pub fn looks_like_usbmon_text(line: &str) -> bool {
    let mut it = line.split_whitespace();
    let (Some(_tag), Some(ts), Some(ev), Some(addr)) = (it.next(), it.next(), it.next(), it.next())
    else {
        return false;
    };
    ts.chars().all(|c| c.is_ascii_digit())
        && matches!(ev, "S" | "C" | "E")
        && parse_address(addr).is_some()
}

/// `Ci:1:001:0` -> (xfer type, bus, dev, endpoint with direction bit).
fn parse_address(addr: &str) -> Option<(u8, u16, u8, u8)> {
    let mut parts = addr.split(':');
    let kind = parts.next()?;
    let bus = parts.next()?.parse().ok()?;
    let dev = parts.next()?.parse().ok()?;
    let ep: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    let mut k = kind.chars();
    let xfer = match k.next()? {
        'Z' => 0,
        'I' => 1,
        'C' => 2,
        'B' => 3,
        _ => return None,
    };
    let dir = match k.next()? {
        'i' => 0x80,
        'o' => 0,
        _ => return None,
    };
    if k.next().is_some() {
        return None;
    }
    Some((xfer, bus, dev, (ep & 0x7F) | dir))
}

/// Read usbmon text (Documentation/usb/usbmon.rst, the `1u` format).
pub fn parse_usbmon_text(text: &str, warnings: &mut Vec<ParseWarning>) -> Capture {
    let mut urbs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match text_urb(line) {
            Some(u) => urbs.push(u),
            None => warnings.push(ParseWarning::note(
                format!("line {}", n + 1),
                "not a usbmon text record; skipped",
            )),
        }
    }
    process(urbs, warnings)
}

fn text_urb(line: &str) -> Option<Urb> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let tag = *words.first()?;
    let id = u64::from_str_radix(tag.trim_start_matches("0x"), 16).unwrap_or_else(|_| {
        tag.bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    });
    let t_us: i64 = words.get(1)?.parse().ok()?;
    let kind = *words.get(2)?.as_bytes().first()?;
    let (xfer, bus, dev, ep) = parse_address(words.get(3)?)?;
    let mut i = 4;
    let mut setup = None;
    let mut status = 0i32;
    if *words.get(i)? == "s" {
        let hex: String = words.get(i + 1..i + 6)?.concat();
        let b = crate::hid::decode_hex(&hex)?;
        // bmRequestType bRequest wValue wIndex wLength, the words big-endian as printed.
        let (rt, rq) = (*b.first()?, *b.get(1)?);
        let w = |k: usize| -> Option<[u8; 2]> { Some([*b.get(k + 1)?, *b.get(k)?]) };
        let (v, x, l) = (w(2)?, w(4)?, w(6)?);
        setup = Some([rt, rq, v[0], v[1], x[0], x[1], l[0], l[1]]);
        i += 6;
    } else {
        status = words.get(i)?.split(':').next()?.parse().ok()?;
        i += 1;
    }
    // Data length, then the data tag.
    i += 1;
    let data = match words.get(i) {
        Some(&"=") => {
            crate::hid::decode_hex(&words.get(i + 1..).unwrap_or(&[]).concat()).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    Some(Urb {
        id,
        kind,
        xfer,
        ep,
        dev,
        bus,
        setup,
        t_us,
        status,
        data,
    })
}

/// Pair submissions with completions and rebuild devices.
fn process(urbs: Vec<Urb>, warnings: &mut Vec<ParseWarning>) -> Capture {
    let linktypes_seen: Vec<u32> = Vec::new();
    let mut pending: HashMap<u64, [u8; 8]> = HashMap::new();
    let mut states: BTreeMap<(u16, u8), DevState> = BTreeMap::new();
    let mut order: Vec<(u16, u8)> = Vec::new();
    let mut address0 = Vec::new();
    let mut t0: Option<i64> = None;
    let mut span_us = 0i64;
    for urb in &urbs {
        let t = urb.t_us.saturating_sub(*t0.get_or_insert(urb.t_us));
        span_us = span_us.max(t);
        let key = (urb.bus, urb.dev);
        if urb.kind == b'S' {
            if let Some(s) = urb.setup {
                pending.insert(urb.id, s);
                // SET_CONFIGURATION with a non-zero value.
                if s[0] == 0x00 && s[1] == 0x09 && s[2] != 0 {
                    let st = states.entry(key).or_default();
                    st.configured_at.get_or_insert(t);
                }
            }
            continue;
        }
        if urb.kind != b'C' {
            continue;
        }
        if urb.xfer == 1 && urb.ep & 0x80 != 0 && urb.status == 0 && !urb.data.is_empty() {
            if let Some(st) = states.get_mut(&key) {
                st.interrupt_in.push((t, urb.ep, urb.data.clone()));
            }
            continue;
        }
        if urb.xfer != 2 {
            continue;
        }
        let Some(setup) = pending.remove(&urb.id) else {
            continue;
        };
        if urb.status != 0 || urb.data.is_empty() {
            continue;
        }
        let (req_type, req, value_lo, value_hi) = (setup[0], setup[1], setup[2], setup[3]);
        let index = u16::from_le_bytes([setup[4], setup[5]]);
        if req != 0x06 || req_type & 0x80 == 0 {
            continue;
        }
        if urb.dev == 0 {
            if value_hi == 0x01 && urb.data.len() >= 12 {
                let d = &urb.data;
                address0.push(format!(
                    "{:02x}{:02x}:{:02x}{:02x}",
                    d[9], d[8], d[11], d[10]
                ));
            }
            continue;
        }
        if !states.contains_key(&key) || !order.contains(&key) {
            order.push(key);
        }
        let st = states.entry(key).or_default();
        if st.device_desc.is_empty() && st.configs.is_empty() {
            st.first_seen = t;
        }
        let data = urb.data.clone();
        if req_type == 0x80 {
            if let Some(prev) = st.reads.get(&(value_hi, value_lo)) {
                let n = prev.len().min(data.len());
                if prev.get(..n) != data.get(..n) {
                    st.unstable.push(format!(
                        "descriptor type 0x{value_hi:02x} index {value_lo} read twice with different bytes"
                    ));
                }
            }
            let entry = st.reads.entry((value_hi, value_lo)).or_default();
            if data.len() > entry.len() {
                entry.clone_from(&data);
            }
        }
        match (req_type, value_hi) {
            (0x80, 0x01) if data.len() > st.device_desc.len() => {
                if st.device_desc.is_empty() && data.len() >= 12 {
                    let id = format!(
                        "{:02x}{:02x}:{:02x}{:02x}",
                        data.get(9).copied().unwrap_or(0),
                        data.get(8).copied().unwrap_or(0),
                        data.get(11).copied().unwrap_or(0),
                        data.get(10).copied().unwrap_or(0)
                    );
                    st.new_device = address0.contains(&id);
                }
                st.device_desc = data;
            }
            (0x80, 0x02) => {
                let cur = st.configs.entry(value_lo).or_default();
                if data.len() > cur.len() {
                    *cur = data;
                }
            }
            (0x80, 0x03) if value_lo != 0 => {
                let s = utf16_string(&data);
                if value_lo == 0xEE && s.starts_with("MSFT100") {
                    st.msos = true;
                }
                st.strings.insert(value_lo, s);
            }
            (0x81, 0x22) => {
                if let Ok(iface) = u8::try_from(index) {
                    st.reports.insert(iface, data);
                }
            }
            _ => {}
        }
    }
    let mut devices = Vec::new();
    for key in order {
        let Some(st) = states.remove(&key) else {
            continue;
        };
        if st.device_desc.len() < 18 {
            continue;
        }
        let path = format!("{:03}:{:03}", key.0, key.1);
        let mut blob = st.device_desc.clone();
        for c in st.configs.values() {
            blob.extend_from_slice(c);
        }
        let Some(mut dev) = crate::raw::parse_descriptors(&blob, &path, warnings) else {
            continue;
        };
        let idx = |i: usize| st.device_desc.get(i).copied().unwrap_or(0);
        let string = |i: u8| StringState::from_index(i, st.strings.get(&i).cloned());
        dev.strings.manufacturer = string(idx(14));
        dev.strings.product = string(idx(15));
        dev.strings.serial = string(idx(16));
        for (iface, rd) in &st.reports {
            let apps = hid::classify(rd);
            for it in dev
                .configurations
                .iter_mut()
                .flat_map(|c| c.interfaces.iter_mut())
                .filter(|it| it.number == *iface && it.class.class == 0x03)
            {
                it.hid = Some(HidReport::Parsed {
                    applications: apps.clone(),
                    length: rd.len(),
                });
            }
        }
        let key_events = key_events(&dev, &st.interrupt_in);
        let facts = CaptureFacts {
            configured: st.configured_at.is_some(),
            new_device: st.new_device,
            first_seen_us: st.first_seen,
            key_events,
            msos_answered: st.msos,
            unstable: st.unstable,
        };
        devices.push((dev, facts));
    }
    Capture {
        devices,
        address0_identities: address0,
        linktypes_seen,
        span_us,
    }
}

/// Key-down events from boot-format reports on keyboard interfaces.
fn key_events(dev: &Device, reports: &[(i64, u8, Vec<u8>)]) -> Vec<KeyEvent> {
    let keyboard_eps: Vec<u8> = dev
        .all_interfaces()
        .filter(|(_, i)| {
            i.class.class == 0x03
                && match &i.hid {
                    Some(HidReport::Parsed { applications, .. }) => applications
                        .iter()
                        .any(|a| a.capability == crate::Capability::Keyboard),
                    _ => i.class.subclass == 1 && i.class.protocol == 1,
                }
        })
        .flat_map(|(_, i)| i.endpoints.iter().filter(|e| e.is_in()).map(|e| e.address))
        .collect();
    let mut out = Vec::new();
    let mut held: HashMap<u8, Vec<u8>> = HashMap::new();
    for (t, ep, data) in reports {
        if !keyboard_eps.contains(ep) || data.len() < 3 {
            continue;
        }
        let keys: Vec<u8> = data
            .get(2..data.len().min(8))
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|k| *k > 3)
            .collect();
        let prev = held.entry(*ep).or_default();
        let pressed: Vec<u8> = keys.iter().copied().filter(|k| !prev.contains(k)).collect();
        *prev = keys;
        if !pressed.is_empty() {
            out.push(KeyEvent {
                t_us: *t,
                device: dev.path.clone(),
                pressed,
            });
        }
    }
    out
}
