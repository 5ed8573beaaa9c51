//! HID report-descriptor classifier (HID 1.11 §6.2.2).
//!
//! Walks short and long items, keeps the usage page through Push/Pop, and
//! classifies each top-level collection by its (page:usage). Any Input item
//! over the keyboard page (0x07) inside a collection makes it a keyboard,
//! whatever the collection claims to be.

use crate::model::HidApplication;
use crate::Capability;

/// Deepest Push stack honoured; deeper pushes are ignored.
const MAX_PUSH: usize = 16;

/// Classify a report descriptor. Never panics; truncated items end the walk.
pub fn classify(desc: &[u8]) -> Vec<HidApplication> {
    let mut apps = Vec::new();
    let mut page: u32 = 0;
    let mut stack: Vec<u32> = Vec::new();
    let mut usages: Vec<u32> = Vec::new();
    let mut usage_min: Option<u32> = None;
    let mut depth: u32 = 0;
    // The application being walked: (page, usage, saw keyboard input).
    let mut current: Option<(u16, u16, bool)> = None;
    let mut i = 0usize;
    while i < desc.len() {
        let Some(&prefix) = desc.get(i) else { break };
        if prefix == 0xFE {
            // Long item: 0xFE, size, tag, data.
            let size = desc.get(i + 1).copied().unwrap_or(0) as usize;
            i = i.saturating_add(3).saturating_add(size);
            continue;
        }
        let size = match prefix & 0x03 {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => 4,
        };
        let Some(data) = desc.get(i + 1..i + 1 + size) else {
            break;
        };
        let value = data
            .iter()
            .rev()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        let full_usage = |v: u32| {
            if size == 4 {
                v
            } else {
                (page << 16) | (v & 0xFFFF)
            }
        };
        match prefix & 0xFC {
            0x04 => page = value & 0xFFFF,
            0xA4 if stack.len() < MAX_PUSH => {
                stack.push(page);
            }
            0xB4 => {
                if let Some(p) = stack.pop() {
                    page = p;
                }
            }
            0x08 => usages.push(full_usage(value)),
            0x18 => usage_min = Some(full_usage(value)),
            0x28 => {
                if let Some(min) = usage_min {
                    usages.push(min);
                }
                usages.push(full_usage(value));
            }
            0xA0 => {
                if depth == 0 {
                    let u = usages.first().copied().unwrap_or(page << 16);
                    current = Some(((u >> 16) as u16, (u & 0xFFFF) as u16, false));
                }
                depth = depth.saturating_add(1);
                usages.clear();
                usage_min = None;
            }
            0xC0 => {
                if depth > 0 {
                    depth -= 1;
                    if depth == 0 {
                        if let Some((p, u, kbd)) = current.take() {
                            apps.push(application(p, u, kbd));
                        }
                    }
                }
                usages.clear();
                usage_min = None;
            }
            0x80 | 0x90 | 0xB0 => {
                let over_keys =
                    usages.iter().any(|u| u >> 16 == 0x07) || (usages.is_empty() && page == 0x07);
                if prefix & 0xFC == 0x80 && over_keys {
                    if let Some(cur) = current.as_mut() {
                        cur.2 = true;
                    }
                }
                usages.clear();
                usage_min = None;
            }
            _ => {}
        }
        i += 1 + size;
    }
    // An unterminated application still counts.
    if let Some((p, u, kbd)) = current.take() {
        apps.push(application(p, u, kbd));
    }
    apps
}

fn application(page: u16, usage: u16, keyboard_input: bool) -> HidApplication {
    HidApplication {
        page,
        usage,
        capability: if keyboard_input {
            Capability::Keyboard
        } else {
            capability_of(page, usage)
        },
    }
}

/// The capability a top-level (page:usage) stands for.
pub fn capability_of(page: u16, usage: u16) -> Capability {
    match (page, usage) {
        (0x01, 0x06 | 0x07) | (0x07, _) => Capability::Keyboard,
        (0x01, 0x01 | 0x02) | (0x0D, _) => Capability::Pointer,
        (0x01, 0x80) => Capability::SystemControl,
        (0x0C, _) => Capability::ConsumerControl,
        (0xF1D0, _) => Capability::Fido,
        (0xFF00..=0xFFFF, _) => Capability::HidVendor,
        _ => Capability::HidOther,
    }
}

/// Decode a hex string (whitespace and `0x` ignored) into bytes.
pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = normalise_hex(text).into_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let hi = hex_val(*pair.first()?)?;
            let lo = hex_val(*pair.get(1)?)?;
            Some((hi << 4) | lo)
        })
        .collect()
}

/// Hex digits only: `0x`, `\\x`, commas, colons and whitespace removed.
pub fn normalise_hex(text: &str) -> String {
    // Comments (`#`, `//`) to the end of the line are dropped.
    let text: String = text
        .lines()
        .map(|l| {
            let l = l.split('#').next().unwrap_or("");
            l.split("//").next().unwrap_or("")
        })
        .collect::<Vec<_>>()
        .join(" ");
    text.replace("0x", "")
        .replace("0X", "")
        .replace("\\x", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | ':' | ';'))
        .collect()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_keyboard_descriptor_is_a_keyboard() {
        // Usage Page GD, Usage Keyboard, Collection App, Usage Page Keys,
        // Usage Min E0, Max E7, Input, End.
        let d = [
            0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x81, 0x02,
            0xC0,
        ];
        let apps = classify(&d);
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].capability, Capability::Keyboard);
        assert_eq!((apps[0].page, apps[0].usage), (1, 6));
    }

    #[test]
    fn vendor_collection_hiding_key_input_is_a_keyboard() {
        let d = [
            0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81,
            0x00, 0xC0,
        ];
        assert_eq!(classify(&d)[0].capability, Capability::Keyboard);
    }

    #[test]
    fn four_byte_usage_carries_its_page() {
        let d = [0x0B, 0x01, 0x00, 0xD0, 0xF1, 0xA1, 0x01, 0xC0];
        assert_eq!(classify(&d)[0].capability, Capability::Fido);
    }

    #[test]
    fn push_pop_restores_page_and_truncation_stops() {
        let d = [
            0x05, 0x0C, 0xA4, 0x05, 0x01, 0xB4, 0x09, 0x01, 0xA1, 0x01, 0xC0, 0x05,
        ];
        assert_eq!(classify(&d)[0].capability, Capability::ConsumerControl);
    }

    #[test]
    fn long_items_and_garbage_do_not_panic() {
        assert!(classify(&[0xFE, 0xFF, 0x00]).is_empty());
        assert!(classify(&[0xC0, 0xC0, 0xA1]).len() <= 1);
        assert_eq!(decode_hex("0a 0B"), Some(vec![0x0A, 0x0B]));
        assert_eq!(decode_hex("0g"), None);
    }
}
