//! Domain names as they are compared: lowercased, trailing dots removed, and labels
//! outside ASCII written in punycode (`bücher.de` → `xn--bcher-kva.de`), so that an
//! indicator written in Unicode matches the ASCII form DNS carries and vice versa.

use std::borrow::Cow;

/// The comparable form of a host name. Borrows when the name is already lowercase
/// ASCII without a trailing dot (the common case in logs).
pub fn normalize(name: &str) -> Cow<'_, str> {
    let trimmed = name.trim_end_matches('.');
    let b = trimmed.as_bytes();
    if b.iter().all(|c| c.is_ascii() && !c.is_ascii_uppercase()) {
        return Cow::Borrowed(trimmed);
    }
    if trimmed.is_ascii() {
        return Cow::Owned(trimmed.to_ascii_lowercase());
    }
    let lower = trimmed.to_lowercase();
    let mut out = String::with_capacity(lower.len() + 8);
    for (i, label) in lower.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() {
            out.push_str(label);
        } else {
            out.push_str("xn--");
            punycode_encode(label, &mut out);
        }
    }
    Cow::Owned(out)
}

/// The suffixes a name is looked up under, longest first: `a.b.c`, `b.c`, `c`.
/// (Every position after a dot, as the peers' suffix join does; `a..b` gives `.b` too.)
pub fn suffixes(name: &str) -> impl Iterator<Item = &str> {
    std::iter::once(name)
        .chain(memchr::memchr_iter(b'.', name.as_bytes()).filter_map(move |i| name.get(i + 1..)))
}

// RFC 3492 parameters.
const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

fn adapt(mut delta: u32, num_points: u32, first: bool) -> u32 {
    delta /= if first { DAMP } else { 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (((BASE - T_MIN + 1) * delta) / (delta + SKEW))
}

fn digit(d: u32) -> char {
    // d < 36 by construction: a..z then 0..9.
    let b = if d < 26 {
        b'a' + d as u8
    } else {
        b'0' + (d - 26) as u8
    };
    char::from(b)
}

/// Appends the punycode encoding of `label` (without the `xn--` prefix) to `out`.
/// Overflow (labels far longer than DNS allows) stops the encoding early.
pub fn punycode_encode(label: &str, out: &mut String) {
    let cps: Vec<u32> = label.chars().map(u32::from).collect();
    let mut basic = 0u32;
    for &c in &cps {
        if c < 0x80 {
            if let Some(ch) = char::from_u32(c) {
                out.push(ch);
            }
            basic += 1;
        }
    }
    let mut h = basic;
    if basic > 0 {
        out.push('-');
    }
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let total = u32::try_from(cps.len()).unwrap_or(u32::MAX);
    while h < total {
        let Some(m) = cps.iter().copied().filter(|&c| c >= n).min() else {
            return;
        };
        let Some(d) = (m - n)
            .checked_mul(h + 1)
            .and_then(|x| delta.checked_add(x))
        else {
            return;
        };
        delta = d;
        n = m;
        for &c in &cps {
            if c < n {
                let Some(d) = delta.checked_add(1) else {
                    return;
                };
                delta = d;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta += 1;
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_dots_and_idn() {
        assert_eq!(normalize("Example.COM."), "example.com");
        assert_eq!(normalize("example.com"), "example.com");
        assert_eq!(normalize("bücher.de"), "xn--bcher-kva.de");
        assert_eq!(normalize("BÜCHER.de."), "xn--bcher-kva.de");
        // RFC 3492 sample (Chinese, simplified) and a label with no ASCII at all.
        assert_eq!(
            normalize("他们为什么不说中文"),
            "xn--ihqwcrb4cv8a8dqg056pqjye"
        );
        assert_eq!(normalize("münchen.de"), "xn--mnchen-3ya.de");
    }

    #[test]
    fn suffixes_walk_every_dot() {
        let v: Vec<&str> = suffixes("a.b.c").collect();
        assert_eq!(v, ["a.b.c", "b.c", "c"]);
        let v: Vec<&str> = suffixes("a..b").collect();
        assert_eq!(v, ["a..b", ".b", "b"]);
    }
}
