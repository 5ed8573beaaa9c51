//! USBGuard rules and `usbguard list-devices` lines (usbguard-rules.conf(5)).
//!
//! A rule carries identity, strings and the interface class set, but no
//! endpoints, configurations or report descriptors: devices made from rules
//! are marked `interfaces_only` (or `identity_only` without `with-interface`).

use crate::model::{ClassTriple, Config, Device, HidReport, Interface, ParseWarning, StringState};

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
}

fn tokens(line: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => break,
            '{' => {
                chars.next();
                out.push(Tok::Open);
            }
            '}' => {
                chars.next();
                out.push(Tok::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('x') => {
                                let h: String = chars.by_ref().take(2).collect();
                                if let Ok(v) = u8::from_str_radix(&h, 16) {
                                    s.push(char::from(v));
                                }
                            }
                            Some('n') => s.push('\n'),
                            Some(o) => s.push(o),
                            None => break,
                        },
                        o => s.push(o),
                    }
                }
                out.push(Tok::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '{' || c == '}' || c == '"' {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                out.push(Tok::Word(w));
            }
        }
    }
    out
}

/// True when a line looks like a rule or a `list-devices` line.
pub fn looks_like_rule(line: &str) -> bool {
    let line = line.trim();
    let line = match line.split_once(": ") {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => rest,
        _ => line,
    };
    let first = line.split_whitespace().next().unwrap_or("");
    matches!(first, "allow" | "block" | "reject" | "match")
        || (first == "id"
            && line
                .split_whitespace()
                .nth(1)
                .is_some_and(|v| v.contains(':')))
}

fn class_part(s: &str) -> Option<u8> {
    if s == "*" {
        Some(0)
    } else {
        u8::from_str_radix(s, 16).ok()
    }
}

/// Parse rule lines. Each rule with an `id` becomes one device.
pub fn parse_rules(text: &str, warnings: &mut Vec<ParseWarning>) -> Vec<Device> {
    let mut devices = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !looks_like_rule(line) {
            warnings.push(ParseWarning::note(
                format!("line {}", n + 1),
                "not a USBGuard rule; ignored",
            ));
            continue;
        }
        let body = match line.split_once(": ") {
            Some((num, rest)) if num.chars().all(|c| c.is_ascii_digit()) => rest,
            _ => line,
        };
        let toks = tokens(body);
        let mut dev = Device {
            path: format!("rule:{}", n + 1),
            identity_only: true,
            ..Device::default()
        };
        dev.strings.manufacturer = StringState::Unavailable;
        dev.strings.product = StringState::Unavailable;
        dev.strings.serial = StringState::Unavailable;
        let mut has_id = false;
        let mut i = usize::from(matches!(
            toks.first(),
            Some(Tok::Word(w)) if matches!(w.as_str(), "allow" | "block" | "reject" | "match")
        ));
        while i < toks.len() {
            let Some(Tok::Word(name)) = toks.get(i) else {
                i += 1;
                continue;
            };
            // The value: a string, a word, or an optional operator and a set.
            let mut j = i + 1;
            if let Some(Tok::Word(op)) = toks.get(j) {
                if matches!(
                    op.as_str(),
                    "all-of" | "one-of" | "none-of" | "equals" | "equals-ordered" | "match-all"
                ) && toks.get(j + 1) == Some(&Tok::Open)
                {
                    j += 1;
                }
            }
            let mut values: Vec<String> = Vec::new();
            if toks.get(j) == Some(&Tok::Open) {
                j += 1;
                while let Some(t) = toks.get(j) {
                    j += 1;
                    match t {
                        Tok::Close => break,
                        Tok::Word(w) | Tok::Str(w) => values.push(w.clone()),
                        Tok::Open => {}
                    }
                }
            } else if let Some(Tok::Word(w) | Tok::Str(w)) = toks.get(j) {
                values.push(w.clone());
                j += 1;
            }
            match name.as_str() {
                "id" => {
                    if let Some((v, p)) = values.first().and_then(|v| v.split_once(':')) {
                        dev.vid = u16::from_str_radix(v, 16).unwrap_or(0);
                        dev.pid = u16::from_str_radix(p, 16).unwrap_or(0);
                        has_id = true;
                    }
                }
                "name" => {
                    dev.strings.product = StringState::from_index(1, values.first().cloned());
                }
                "serial" => {
                    dev.strings.serial = match values.first() {
                        Some(s) if !s.is_empty() => StringState::Present(s.clone()),
                        _ => StringState::Absent,
                    };
                }
                "via-port" => {
                    if let Some(p) = values.first() {
                        dev.path.clone_from(p);
                    }
                }
                "with-interface" => {
                    let mut cfg = Config::numbered(1);
                    for (k, v) in values.iter().enumerate() {
                        let parts: Vec<&str> = v.split(':').collect();
                        let triple = match parts.as_slice() {
                            [c, s, p] => match (class_part(c), class_part(s), class_part(p)) {
                                (Some(c), Some(s), Some(p)) => ClassTriple::new(c, s, p),
                                _ => {
                                    warnings.push(ParseWarning::note(
                                        format!("line {}", n + 1),
                                        format!("interface class {v:?} is not cc:ss:pp"),
                                    ));
                                    continue;
                                }
                            },
                            _ => continue,
                        };
                        cfg.interfaces.push(Interface {
                            number: u8::try_from(k).unwrap_or(u8::MAX),
                            alt: 0,
                            class: triple,
                            num_endpoints: 0,
                            endpoints: Vec::new(),
                            cdc_subtypes: Vec::new(),
                            hid: (triple.class == 0x03).then_some(HidReport::Unavailable),
                            string: None,
                        });
                    }
                    cfg.num_interfaces = u8::try_from(cfg.interfaces.len()).unwrap_or(u8::MAX);
                    dev.configurations = vec![cfg];
                    dev.identity_only = false;
                    dev.interfaces_only = true;
                }
                "if" => break,
                _ => {}
            }
            i = j.max(i + 1);
        }
        if has_id {
            devices.push(dev);
        } else {
            warnings.push(ParseWarning::note(
                format!("line {}", n + 1),
                "rule without an id attribute; ignored",
            ));
        }
    }
    devices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_devices_line() {
        let mut w = Vec::new();
        let d = parse_rules(
            r#"7: allow id 1532:006e serial "" name "Razer DeathAdder Essential" via-port "1-4.4.3" with-interface { 03:01:02 03:00:01 03:00:01 } with-connect-type "unknown""#,
            &mut w,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].vid_pid(), "1532:006e");
        assert_eq!(d[0].path, "1-4.4.3");
        assert_eq!(d[0].configurations[0].interfaces.len(), 3);
        assert_eq!(d[0].strings.serial, StringState::Absent);
    }
}
