//! Property tests: the matcher agrees with a direct, obviously correct check.

use std::net::{Ipv4Addr, Ipv6Addr};

use ascribe_intel::{Addr, Matcher};
use ascribe_model::{Indicator, IndicatorKind, Tlp};
use proptest::prelude::*;

fn ind(kind: IndicatorKind, v: String) -> Indicator {
    Indicator {
        kind,
        value: v,
        actor: None,
        source: None,
        tlp: Tlp::Clear,
    }
}

/// Reference: is `ip` inside `net/len`, computed on std types only.
fn inside_v4(ip: u32, net: u32, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    };
    ip & mask == net & mask
}

fn inside_v6(ip: u128, net: u128, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len))
    };
    ip & mask == net & mask
}

/// Addresses that cluster, so that overlaps and hits are common.
fn v4() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        (0u32..4, any::<u16>()).prop_map(|(hi, lo)| 0xc633_0000 | (hi << 16) | u32::from(lo))
    ]
}

fn v6() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        (0u128..4, any::<u64>())
            .prop_map(|(hi, lo)| (0x2001_0db8u128 << 96) | (hi << 64) | u128::from(lo))
    ]
}

proptest! {
    #[test]
    fn networks_and_addresses_match_like_the_reference(
        nets4 in prop::collection::vec((v4(), 0u8..=32), 0..12),
        nets6 in prop::collection::vec((v6(), 0u8..=128), 0..12),
        ips4 in prop::collection::vec(v4(), 0..6),
        probes4 in prop::collection::vec(v4(), 1..12),
        probes6 in prop::collection::vec(v6(), 1..12),
    ) {
        let mut inds = Vec::new();
        for (n, l) in &nets4 { inds.push(ind(IndicatorKind::Cidr, format!("{}/{l}", Ipv4Addr::from(*n)))); }
        for (n, l) in &nets6 { inds.push(ind(IndicatorKind::Cidr, format!("{}/{l}", Ipv6Addr::from(*n)))); }
        for ip in &ips4 { inds.push(ind(IndicatorKind::Ip, Ipv4Addr::from(*ip).to_string())); }
        let (m, bad) = Matcher::new(inds);
        prop_assert!(bad.is_empty());
        let mut probes: Vec<u32> = probes4.clone();
        probes.extend(ips4.iter().copied());
        for p in probes {
            let mut got = Vec::new();
            let a = Addr::parse(&Ipv4Addr::from(p).to_string());
            prop_assert!(a.is_some());
            if let Some(a) = a { m.match_addr(a, &mut got); }
            got.sort_unstable();
            let mut want: Vec<u32> = Vec::new();
            for (i, (n, l)) in nets4.iter().enumerate() {
                if inside_v4(p, *n, *l) { want.push(i as u32); }
            }
            let base = (nets4.len() + nets6.len()) as u32;
            for (i, ip) in ips4.iter().enumerate() {
                if *ip == p { want.push(base + i as u32); }
            }
            want.sort_unstable();
            prop_assert_eq!(got, want, "v4 {}", Ipv4Addr::from(p));
        }
        for p in probes6 {
            let mut got = Vec::new();
            // Suricata's fixed-width form must parse like the compressed one.
            let seg = Ipv6Addr::from(p).segments();
            let fixed = seg.iter().map(|s| format!("{s:04x}")).collect::<Vec<_>>().join(":");
            if let Some(a) = Addr::parse(&fixed) { m.match_addr(a, &mut got); }
            got.sort_unstable();
            let mut want: Vec<u32> = Vec::new();
            let is_v4_mapped = (p >> 32) == 0xffff;
            for (i, (n, l)) in nets6.iter().enumerate() {
                // An address in ::ffff:0:0/96 is IPv4 and never matches IPv6 networks.
                if !is_v4_mapped && inside_v6(p, *n, *l) { want.push((nets4.len() + i) as u32); }
            }
            if is_v4_mapped {
                continue;
            }
            prop_assert_eq!(got, want, "v6 {}", fixed);
        }
    }

    #[test]
    fn domains_match_themselves_and_subdomains_whatever_the_case_and_dots(
        labels in prop::collection::vec("[a-z0-9-]{1,6}", 1..4),
        prefix in prop::collection::vec("[a-z0-9]{1,5}", 0..3),
        other in prop::collection::vec("[a-z0-9]{1,5}", 1..4),
        upper in any::<bool>(),
        dot in any::<bool>(),
        unicode in any::<bool>(),
    ) {
        let mut dom = labels.join(".");
        if unicode { dom = format!("bü{dom}"); }
        let (m, _) = Matcher::new(vec![ind(IndicatorKind::Domain, dom.clone())]);
        let mut host = prefix.iter().map(|p| format!("{p}.")).collect::<String>() + &dom;
        if upper { host = host.to_uppercase(); }
        if dot { host.push('.'); }
        let mut got = Vec::new();
        m.match_host(&host, &mut got);
        prop_assert_eq!(got, vec![0u32], "{} should match {}", host, dom);
        // The punycode form of the same name matches too.
        let ascii = ascribe_intel::domain::normalize(&host).into_owned();
        let mut got = Vec::new();
        m.match_host(&ascii, &mut got);
        prop_assert_eq!(got, vec![0u32]);
        // A name that does not end with the indicator at a label boundary never matches.
        let unrelated = format!("{}x{}", other.join("."), dom.replace('.', "-"));
        let reference = unrelated == dom || unrelated.ends_with(&format!(".{dom}"));
        let mut got = Vec::new();
        m.match_host(&unrelated, &mut got);
        prop_assert_eq!(!got.is_empty(), reference);
    }
}
