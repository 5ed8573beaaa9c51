//! Publication dates: header lines (`date 2020-07-18`), written dates
//! ("Saturday 18 July 2020", "July 18, 2020"), HTML meta values and dated URL
//! paths (`/2013/10/30/`).

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month number for a month name or its three-letter abbreviation.
pub fn month_number(w: &str) -> Option<u32> {
    let l = w.trim_end_matches('.').to_ascii_lowercase();
    if l.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == l || (l.len() == 3 && m.starts_with(&l)) || (l == "sept" && *m == "september")
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The days of the week, in lower case.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Whether a word names a weekday, in full or in three letters.
pub fn is_weekday(w: &str) -> bool {
    let l = w.trim_end_matches(',').to_ascii_lowercase();
    WEEKDAYS.contains(&l.as_str())
        || ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&l.as_str())
}

/// `YYYY-MM-DD` for a real date in the years news pages are dated with.
fn valid(y: u32, m: u32, d: u32) -> Option<String> {
    ((1900..=2100).contains(&y) && ascribe_model::calendar::is_date(y, m, d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The first full date in a short text, as ISO `YYYY-MM-DD`.
pub fn find_date(s: &str) -> Option<String> {
    // ISO dates: 2020-07-18, 2020/07/18.
    let b = s.as_bytes();
    for i in 0..b.len() {
        if i + 10 <= b.len()
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (b[i + 4] == b'-' || b[i + 4] == b'/')
            && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
            && b[i + 7] == b[i + 4]
            && b[i + 8..i + 10].iter().all(u8::is_ascii_digit)
        {
            let num = |r: std::ops::Range<usize>| {
                s.get(r).and_then(|t| t.parse::<u32>().ok()).unwrap_or(0)
            };
            if let Some(d) = valid(num(i..i + 4), num(i + 5..i + 7), num(i + 8..i + 10)) {
                return Some(d);
            }
        }
    }
    // Written dates: "18 July 2020", "July 18, 2020", "18th of July 2020".
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let Some(m) = month_number(w) else { continue };
        let day_of = |t: &str| -> Option<u32> {
            let t = t
                .trim_end_matches("st")
                .trim_end_matches("nd")
                .trim_end_matches("rd")
                .trim_end_matches("th");
            t.parse::<u32>().ok().filter(|d| (1..=31).contains(d))
        };
        let year_of = |t: &str| -> Option<u32> {
            let t = t.trim_end_matches(['.', ')']);
            (t.len() == 4).then(|| t.parse::<u32>().ok()).flatten()
        };
        // Day before the month.
        let before = i.checked_sub(1).and_then(|j| words.get(j)).copied();
        let before = if before == Some("of") {
            i.checked_sub(2).and_then(|j| words.get(j)).copied()
        } else {
            before
        };
        if let (Some(d), Some(y)) = (
            before.and_then(day_of),
            words.get(i + 1).and_then(|t| year_of(t)),
        ) {
            if let Some(x) = valid(y, m, d) {
                return Some(x);
            }
        }
        // Day after the month.
        if let (Some(d), Some(y)) = (
            words.get(i + 1).and_then(|t| day_of(t)),
            words.get(i + 2).and_then(|t| year_of(t)),
        ) {
            if let Some(x) = valid(y, m, d) {
                return Some(x);
            }
        }
    }
    None
}

/// A date from a URL path such as `/2013/10/30/`.
pub fn date_in_url(url: &str) -> Option<String> {
    let parts: Vec<&str> = url.split('/').collect();
    for w in parts.windows(3) {
        let (y, m, d) = (w[0], w[1], w[2]);
        if y.len() == 4 && m.len() <= 2 && d.len() <= 2 {
            if let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) {
                if let Some(x) = valid(y, m, d) {
                    return Some(x);
                }
            }
        }
    }
    None
}

/// The publication date of a document: an explicit header line in the first
/// lines, else an HTML meta value, else a written date heading the page, else
/// a dated URL written in the page head.
pub fn publication_date(original: &str, meta: &[String]) -> Option<String> {
    let head: Vec<&str> = original
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(12)
        .collect();
    for l in &head {
        let lower = l.to_ascii_lowercase();
        for key in ["date", "published", "pubdate", "publication date", "posted"] {
            if let Some(rest) = lower.strip_prefix(key) {
                if rest.starts_with([' ', ':', '\t', '=']) {
                    if let Some(d) = find_date(rest) {
                        return Some(d);
                    }
                }
            }
        }
    }
    for m in meta {
        if let Some(d) = find_date(m) {
            return Some(d);
        }
    }
    for l in head.iter().take(8) {
        if l.split_whitespace().count() <= 12 {
            if let Some(d) = find_date(l) {
                return Some(d);
            }
        }
    }
    for l in &head {
        let lower = l.to_ascii_lowercase();
        if lower.starts_with("url") || lower.starts_with("source") || lower.starts_with("http") {
            if let Some(d) = date_in_url(l) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_written_dates_and_urls() {
        assert_eq!(
            publication_date(" date 2020-07-18 0\nSaturday 18 July 2020 - 00:09\n", &[]),
            Some("2020-07-18".into())
        );
        assert_eq!(
            publication_date("Title\nMarch 3, 2021\nBody text.", &[]),
            Some("2021-03-03".into())
        );
        assert_eq!(find_date("the 5th of May 2019"), Some("2019-05-05".into()));
        assert_eq!(
            publication_date(
                "x",
                &["2019-02-30T00:00".into(), "2019-03-01T10:00Z".into()]
            ),
            Some("2019-03-01".into())
        );
        assert_eq!(
            date_in_url("https://example.org/2013/10/30/story"),
            Some("2013-10-30".into())
        );
        assert_eq!(publication_date("No date here at all.", &[]), None);
        assert_eq!(find_date("31 February 2020"), None);
    }
}
