//! The Gregorian calendar rule, in one place: which (year, month, day) is a
//! real date. The case file's date fields and the document reader's
//! publication dates both check dates with it.

/// The number of days in `month` (1-12) of `year`, or `None` for no month.
#[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; the MSRV is 1.80
pub fn days_in_month(year: u32, month: u32) -> Option<u32> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Whether `year-month-day` is a real calendar date.
pub fn is_date(year: u32, month: u32, day: u32) -> bool {
    days_in_month(year, month).is_some_and(|days| (1..=days).contains(&day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_date(2024, 2, 29));
        assert!(!is_date(2023, 2, 29));
        assert!(is_date(2000, 2, 29));
        assert!(!is_date(1900, 2, 29));
        assert!(!is_date(2024, 4, 31));
        assert!(is_date(2024, 12, 31));
        assert!(!is_date(2024, 13, 1));
        assert!(!is_date(2024, 0, 1));
        assert!(!is_date(2024, 1, 0));
    }
}
