//! STIX timestamps. The clock is `ascribe_model::Clock`, passed in.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Parses a STIX timestamp: RFC 3339 in UTC with a `Z` suffix.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    if !s.ends_with('Z') {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// A fixed-width form (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`) whose string order is
/// time order; used as the version key of stored objects.
pub fn format_timestamp(t: &OffsetDateTime) -> String {
    utc_with_fraction(t, &format!("{:09}", t.nanosecond()))
}

/// The STIX form with millisecond precision (`2020-07-16T09:00:00.000Z`).
pub fn format_millis(t: &OffsetDateTime) -> String {
    utc_with_fraction(t, &format!("{:03}", t.millisecond()))
}

/// `YYYY-MM-DDTHH:MM:SS.{fraction}Z`, in UTC (the fraction of a second does
/// not depend on the offset).
fn utc_with_fraction(t: &OffsetDateTime, fraction: &str) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{fraction}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )
}

/// A normalised version key from any STIX timestamp string, if it parses.
pub fn version_key(s: &str) -> Option<String> {
    parse_timestamp(s).map(|t| format_timestamp(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_keys_order_like_time_whatever_the_precision() {
        let a = version_key("2020-01-01T00:00:00.123Z");
        let b = version_key("2020-01-01T00:00:00.1234Z");
        assert!(a < b);
        assert_eq!(
            version_key("2020-01-01T00:00:00Z"),
            version_key("2020-01-01T00:00:00.000Z")
        );
        assert_eq!(version_key("2020-01-01T00:00:00+01:00"), None);
        assert_eq!(version_key("yesterday"), None);
    }

    #[test]
    fn millis_form_is_stix_shaped() {
        let c = ascribe_model::FixedClock::from_unix(1_594_890_000).expect("a time in range");
        assert_eq!(format_millis(&c.0), "2020-07-16T09:00:00.000Z");
    }
}
