//! Timestamps as UTC microseconds since the epoch, without a date library: sensor
//! timestamps come in a handful of shapes and this is on the hot path.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // Both are small and positive by construction.
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// ISO 8601 UTC with microseconds: `2024-03-04T00:00:37.112453Z`.
pub fn format_micros(t: i64) -> String {
    let day = t.div_euclid(MICROS_PER_DAY);
    let rem = t.rem_euclid(MICROS_PER_DAY);
    let secs = rem / 1_000_000;
    let us = rem % 1_000_000;
    format!(
        "{}T{:02}:{:02}:{:02}.{:06}Z",
        format_day(day),
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        us
    )
}

fn num(b: &[u8]) -> Option<u32> {
    let mut n: u32 = 0;
    if b.is_empty() {
        return None;
    }
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// Parses RFC 3339 / Suricata timestamps (`2024-03-03T19:00:37.112453-0500`,
/// `...+00:00`, `...Z`, a space instead of `T`, no fraction, no zone = UTC) into UTC
/// microseconds.
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 19 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let y = num(b.get(0..4)?)?;
    let mo = num(b.get(5..7)?)?;
    let d = num(b.get(8..10)?)?;
    if !matches!(b.get(10), Some(b'T' | b' ' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let h = num(b.get(11..13)?)?;
    let mi = num(b.get(14..16)?)?;
    let se = num(b.get(17..19)?)?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    let mut us: i64 = 0;
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        let start = i;
        let mut scale = 100_000;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            us += i64::from(c - b'0') * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = b.get(i + 1..)?;
            let (oh, om) = match rest.len() {
                4 => (num(rest.get(0..2)?)?, num(rest.get(2..4)?)?),
                5 if rest.get(2) == Some(&b':') => (num(rest.get(0..2)?)?, num(rest.get(3..5)?)?),
                2 => (num(rest)?, 0),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = i64::from(oh) * 3600 + i64::from(om) * 60;
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(y), mo, d);
    let secs =
        days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(se) - offset_secs;
    Some(secs * 1_000_000 + us)
}

/// Parses epoch seconds with an optional fraction (Zeek's `ts`: `1300475167.096535`).
pub fn parse_epoch(s: &str) -> Option<i64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let neg = int.starts_with('-');
    let secs: i64 = int.parse().ok()?;
    let mut us: i64 = 0;
    let mut scale = 100_000;
    for c in frac.bytes().take(6) {
        if !c.is_ascii_digit() {
            return None;
        }
        us += i64::from(c - b'0') * scale;
        scale /= 10;
    }
    let us = if neg { -us } else { us };
    secs.checked_mul(1_000_000)?.checked_add(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_move_the_utc_day() {
        let t = parse_iso("2024-03-03T19:00:37.112453-0500");
        assert_eq!(
            t.map(format_micros).as_deref(),
            Some("2024-03-04T00:00:37.112453Z")
        );
        assert_eq!(
            t.map(|t| format_day(t.div_euclid(MICROS_PER_DAY)))
                .as_deref(),
            Some("2024-03-04")
        );
        assert_eq!(
            parse_iso("2024-03-04T00:30:00+01:00")
                .map(format_micros)
                .as_deref(),
            Some("2024-03-03T23:30:00.000000Z")
        );
        assert_eq!(
            parse_iso("2024-02-29 12:00:00Z")
                .map(format_micros)
                .as_deref(),
            Some("2024-02-29T12:00:00.000000Z")
        );
        assert_eq!(
            parse_iso("1969-12-31T23:59:59.5+0000")
                .map(format_micros)
                .as_deref(),
            Some("1969-12-31T23:59:59.500000Z")
        );
        assert_eq!(parse_iso("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_iso("2024-03-04T00:00:00+5"), None);
        assert_eq!(
            parse_epoch("1300475167.096535")
                .map(format_micros)
                .as_deref(),
            Some("2011-03-18T19:06:07.096535Z")
        );
    }

    #[test]
    fn civil_round_trip() {
        for z in [-800_000i64, -1, 0, 1, 19_786, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
