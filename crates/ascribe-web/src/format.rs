//! Small renderings shared by the pages: figures, grades in words, CSV cells.

use ascribe_model::{Admiralty, Tlp};

pub(crate) use ascribe_assess::report::{band, pct};

/// A count with thousands separators (`12,345`).
pub(crate) fn count(n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An Admiralty grade in words, e.g. "usually reliable, probably true".
pub(crate) fn grade_words(g: &str) -> String {
    match g.parse::<Admiralty>() {
        Ok(a) => format!("{}, {}", a.reliability.meaning(), a.credibility.meaning()).to_lowercase(),
        Err(_) => String::new(),
    }
}

/// The CSS class of a TLP chip or banner.
pub(crate) fn tlp_class(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "tlp tlp-clear",
        Tlp::Green => "tlp tlp-green",
        Tlp::Amber | Tlp::AmberStrict => "tlp tlp-amber",
        Tlp::Red => "tlp tlp-red",
    }
}

/// One CSV cell: quoted when it holds a comma, quote or line break; a cell a
/// spreadsheet would read as a formula is prefixed with `'`.
pub(crate) fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// CSV text: the marking line first (so a file carries its TLP), then a header and rows.
pub(crate) fn csv(marking: Tlp, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("# {}\n", marking.label());
    out.push_str(&header.join(","));
    out.push('\n');
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_cells() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("=cmd()"), "'=cmd()");
        assert_eq!(csv_cell("-0.5"), "-0.5");
        assert!(grade_words("B2").contains("usually reliable"));
        assert_eq!(grade_words("zz"), "");
    }
}
