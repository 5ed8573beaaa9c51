//! Addresses as numbers: IPv4 `a.b.c.d` is handled as `::ffff:a.b.c.d`, so both
//! families share one 128-bit space (the same convention as the benchmark peers).

use std::net::IpAddr;

/// The offset of IPv4 addresses in the shared 128-bit space (`::ffff:0.0.0.0`).
pub const V4_MAPPED: u128 = 0xffff_0000_0000;

/// An address in the shared 128-bit space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr(pub u128);

impl Addr {
    /// Parses IPv4 dotted quads and IPv6 in any textual form (Suricata's fixed-width
    /// groups included); `None` for anything else.
    pub fn parse(s: &str) -> Option<Addr> {
        if let Some(v4) = parse_v4_fast(s.as_bytes()) {
            return Some(Addr(V4_MAPPED | u128::from(v4)));
        }
        if let Some(v6) = parse_v6_full(s.as_bytes()) {
            return Some(Addr(v6));
        }
        match s.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => Some(Addr(V4_MAPPED | u128::from(u32::from(a)))),
            IpAddr::V6(a) => Some(Addr(u128::from(a))),
        }
    }

    /// True for addresses in the IPv4 part of the space.
    pub fn is_v4(self) -> bool {
        (self.0 >> 32) == 0xffff
    }

    /// The low 32 bits (the IPv4 address when [`Addr::is_v4`]).
    pub fn v4_bits(self) -> u32 {
        // Truncation is the point: the low 32 bits are the IPv4 address.
        (self.0 & 0xffff_ffff) as u32
    }
}

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_v4() {
            return write!(f, "{}", std::net::Ipv4Addr::from(self.v4_bits()));
        }
        write!(f, "{}", std::net::Ipv6Addr::from(self.0))
    }
}

/// Suricata's IPv6 form: eight groups of four hex digits, nothing compressed (a third
/// of the time of the general parser, which handles every other form).
fn parse_v6_full(b: &[u8]) -> Option<u128> {
    if b.len() != 39 {
        return None;
    }
    let mut out: u128 = 0;
    for (i, group) in b.chunks(5).enumerate() {
        let (hex, sep) = group.split_at(4);
        if sep != if i == 7 { &b""[..] } else { &b":"[..] } {
            return None;
        }
        for &c in hex {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return None,
            };
            out = (out << 4) | u128::from(d);
        }
    }
    Some(out)
}

/// A dotted quad without leading zeros beyond a single `0`, the common case in logs.
fn parse_v4_fast(b: &[u8]) -> Option<u32> {
    if b.len() < 7 || b.len() > 15 {
        return None;
    }
    let mut out: u32 = 0;
    let mut part: u32 = 0;
    let mut digits = 0;
    let mut dots = 0;
    for &c in b {
        match c {
            b'0'..=b'9' => {
                if digits == 1 && part == 0 {
                    return None;
                }
                part = part * 10 + u32::from(c - b'0');
                digits += 1;
                if digits > 3 || part > 255 {
                    return None;
                }
            }
            b'.' => {
                if digits == 0 {
                    return None;
                }
                out = (out << 8) | part;
                part = 0;
                digits = 0;
                dots += 1;
            }
            _ => return None,
        }
    }
    if dots != 3 || digits == 0 {
        return None;
    }
    Some((out << 8) | part)
}

/// A network: its first address (host bits cleared) and prefix length, in the family's
/// own terms (0..=32 for IPv4, 0..=128 for IPv6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Net {
    pub addr: Addr,
    pub prefix: u8,
    pub v4: bool,
}

impl Net {
    /// Parses `addr/len` (host bits allowed and cleared) or a bare address (a host route).
    pub fn parse(s: &str) -> Option<Net> {
        let (a, len) = match s.split_once('/') {
            Some((a, l)) => (a.trim(), Some(l.trim().parse::<u8>().ok()?)),
            None => (s.trim(), None),
        };
        // The family follows the text, as in the peers: `::ffff:1.2.3.0/120` is IPv6.
        let v4 = !a.contains(':');
        let addr = Addr::parse(a)?;
        let max = if v4 { 32 } else { 128 };
        let prefix = len.unwrap_or(max);
        if prefix > max {
            return None;
        }
        let net = Net { addr, prefix, v4 };
        Some(Net {
            addr: Addr(
                net.key_bits().checked_shl(net.host_bits()).unwrap_or(0)
                    | if v4 { V4_MAPPED } else { 0 },
            ),
            ..net
        })
    }

    fn host_bits(&self) -> u32 {
        if self.v4 {
            32 - u32::from(self.prefix)
        } else {
            128 - u32::from(self.prefix)
        }
    }

    /// The network bits, right-aligned: the key under which an address of this
    /// prefix length is looked up.
    pub fn key_bits(&self) -> u128 {
        key(self.addr, self.prefix, self.v4)
    }

    pub fn contains(&self, a: Addr) -> bool {
        if a.is_v4() != self.v4 {
            return false;
        }
        key(a, self.prefix, self.v4) == self.key_bits()
    }
}

/// The first `prefix` bits of an address (of the IPv4 bits for IPv4), right-aligned.
pub fn key(a: Addr, prefix: u8, v4: bool) -> u128 {
    if v4 {
        let host = 32 - u32::from(prefix.min(32));
        u128::from(a.v4_bits()).checked_shr(host).unwrap_or(0)
    } else {
        let host = 128 - u32::from(prefix.min(128));
        a.0.checked_shr(host).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_full_v6_form_parses_as_std_does(words in proptest::array::uniform8(0u16..), upper: bool) {
            let text = words.iter().map(|w| format!("{w:04x}")).collect::<Vec<_>>().join(":");
            let text = if upper { text.to_uppercase() } else { text };
            let std: std::net::Ipv6Addr = text.parse().unwrap();
            proptest::prop_assert_eq!(parse_v6_full(text.as_bytes()), Some(u128::from(std)));
            proptest::prop_assert_eq!(Addr::parse(&text), Some(Addr(u128::from(std))));
        }

        #[test]
        fn the_v6_fast_path_never_accepts_what_std_rejects(s in "[0-9a-fA-F:.g ]{39}") {
            if let Some(v) = parse_v6_full(s.as_bytes()) {
                let std: std::net::Ipv6Addr = s.parse().unwrap();
                proptest::prop_assert_eq!(v, u128::from(std));
            }
        }
    }

    #[test]
    fn v4_and_v6_forms_parse_to_the_same_numbers() {
        assert_eq!(Addr::parse("1.2.3.4"), Some(Addr(V4_MAPPED | 0x0102_0304)));
        assert_eq!(Addr::parse("::ffff:1.2.3.4"), Addr::parse("1.2.3.4"));
        assert_eq!(
            Addr::parse("2001:0db8:0000:0000:0000:0000:0000:0001"),
            Addr::parse("2001:db8::1")
        );
        assert_eq!(Addr::parse("01.2.3.4"), None);
        assert_eq!(Addr::parse("1.2.3"), None);
        assert_eq!(Addr::parse("256.1.1.1"), None);
        assert_eq!(Addr::parse("example.com"), None);
        assert!(Addr::parse("10.0.0.1").is_some_and(Addr::is_v4));
        assert!(!Addr::parse("2001:db8::1").is_some_and(Addr::is_v4));
    }

    #[test]
    fn nets_clear_host_bits_and_keep_families_apart() {
        let n = Net::parse("10.1.2.3/8");
        assert_eq!(n.map(|n| n.addr), Addr::parse("10.0.0.0"));
        let n = n.unwrap_or(Net {
            addr: Addr(0),
            prefix: 0,
            v4: false,
        });
        assert!(n.contains(Addr::parse("10.255.0.1").unwrap_or(Addr(0))));
        assert!(!n.contains(Addr::parse("11.0.0.1").unwrap_or(Addr(0))));
        let all4 = Net::parse("0.0.0.0/0").unwrap_or(n);
        assert!(all4.contains(Addr::parse("1.1.1.1").unwrap_or(Addr(0))));
        assert!(!all4.contains(Addr::parse("2001:db8::1").unwrap_or(Addr(0))));
        let all6 = Net::parse("::/0").unwrap_or(n);
        assert!(all6.contains(Addr::parse("2001:db8::1").unwrap_or(Addr(0))));
        assert!(!all6.contains(Addr::parse("1.1.1.1").unwrap_or(Addr(1))));
        assert_eq!(Net::parse("10.0.0.0/33"), None);
        assert_eq!(Net::parse("1.2.3.4").map(|n| n.prefix), Some(32));
    }
}
