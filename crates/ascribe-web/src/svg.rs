//! Charts as SVG written by hand: a fixed view box, `role="img"`, a
//! `<title>` that states the takeaway and a `<desc>`; every figure is also
//! in the table printed beside the chart. Bars are told apart by their
//! printed labels and position, not by colour alone.

use ascribe_model::Phia;
use maud::{html, Markup};

use crate::format::pct;

/// One row of the bars chart: a hypothesis's full and public probability.
pub(crate) struct Bar<'a> {
    pub label: &'a str,
    pub full: f64,
    pub public: f64,
}

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 170.0;
/// The bars start just after the labels.
const BAR_X: f64 = LABEL_W + 10.0;
const BAR_W: f64 = 340.0;
const ROW_H: f64 = 46.0;
const TOP: f64 = 24.0;

/// Cuts a label to what fits its column (about 7 px a character).
fn fit(s: &str, width: f64) -> String {
    let n = (width / 7.2) as usize;
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Full and public bars per hypothesis over the PHIA yardstick's bands
/// (light grey where a band lies, so the word's range is visible).
pub(crate) fn bars(id: &str, title: &str, desc: &str, rows: &[Bar<'_>]) -> Markup {
    let height = TOP + ROW_H * rows.len() as f64 + 28.0;
    let x = |p: f64| BAR_X + BAR_W * p.clamp(0.0, 1.0);
    html! {
        svg class="chart" role="img" viewBox=(format!("0 0 {WIDTH} {height}"))
            aria-labelledby=(format!("{id}-title {id}-desc")) xmlns="http://www.w3.org/2000/svg" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (desc) }
            @for (i, ph) in Phia::ALL.iter().enumerate() {
                @let b = ph.band();
                rect x=(format!("{:.1}", x(b.low))) y=(TOP - 4.0) width=(format!("{:.1}", (x(b.high) - x(b.low)).max(1.0)))
                    height=(ROW_H * rows.len() as f64 + 4.0) fill=(if i % 2 == 0 { "#e6e6e6" } else { "#efefef" }) {}
            }
            text x=(BAR_X) y="14" font-size="11" fill="#404040" { "0%" }
            text x=(BAR_X + BAR_W / 2.0) y="14" font-size="11" fill="#404040" text-anchor="middle" { "50%" }
            text x=(BAR_X + BAR_W) y="14" font-size="11" fill="#404040" text-anchor="end" { "100%" }
            @for (i, r) in rows.iter().enumerate() {
                @let y = TOP + ROW_H * i as f64;
                text x="0" y=(format!("{:.1}", y + 20.0)) font-size="13" fill="#1a1a1a" { (fit(r.label, LABEL_W)) }
                rect x=(BAR_X) y=(format!("{:.1}", y + 4.0)) width=(format!("{:.1}", (x(r.full) - BAR_X).max(1.0))) height="15" fill="#1f3f66" {}
                rect x=(BAR_X) y=(format!("{:.1}", y + 22.0)) width=(format!("{:.1}", (x(r.public) - BAR_X).max(1.0))) height="15" fill="#5b7db0" {}
                text x=(BAR_X + BAR_W + 8.0) y=(format!("{:.1}", y + 16.0)) font-size="12" fill="#1a1a1a" { "full " (pct(r.full)) }
                text x=(BAR_X + BAR_W + 8.0) y=(format!("{:.1}", y + 34.0)) font-size="12" fill="#1a1a1a" { "public " (pct(r.public)) }
            }
            text x=(BAR_X) y=(format!("{:.1}", height - 8.0)) font-size="11" fill="#404040" {
                "Grey bands: the PHIA yardstick's ranges (remote chance … almost certain)"
            }
        }
    }
}

/// Height of one row of [`counts`].
const COUNT_ROW_H: f64 = 24.0;

/// Horizontal bars of counts, one per row, scaled to the largest; each
/// bar's figure is printed after it (and in the table beside the chart).
pub(crate) fn counts(id: &str, title: &str, desc: &str, rows: &[(String, u64)]) -> Markup {
    let height = 8.0 + COUNT_ROW_H * rows.len().max(1) as f64;
    let top = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    html! {
        svg class="chart" role="img" viewBox=(format!("0 0 {WIDTH} {height}"))
            aria-labelledby=(format!("{id}-title {id}-desc")) xmlns="http://www.w3.org/2000/svg" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (desc) }
            @for (i, (label, n)) in rows.iter().enumerate() {
                @let y = 4.0 + COUNT_ROW_H * i as f64;
                text x="0" y=(format!("{:.1}", y + 15.0)) font-size="13" fill="#1a1a1a" { (fit(label, LABEL_W)) }
                rect x=(BAR_X) y=(format!("{:.1}", y + 3.0)) width=(format!("{:.1}", (BAR_W * *n as f64 / top).max(1.0))) height="16" fill="#1f3f66" {}
                text x=(BAR_X + BAR_W + 8.0) y=(format!("{:.1}", y + 15.0)) font-size="12" fill="#1a1a1a" { (crate::format::count(*n)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_itself_and_prints_its_figures() {
        let s = bars(
            "b",
            "APT29 leads",
            "two bars",
            &[Bar {
                label: "APT29 (Russia) and a very long label that does not fit",
                full: 0.93,
                public: 0.71,
            }],
        )
        .into_string();
        assert!(s.contains(r#"role="img""#));
        assert!(s.contains(r#"<title id="b-title">APT29 leads</title>"#));
        assert!(s.contains("full 93%") && s.contains("public 71%"));
        assert!(s.contains('…'));
    }

    #[test]
    fn counts_scale_to_the_largest_and_print_each_figure() {
        let s = counts(
            "c",
            "Most from NL",
            "bars",
            &[("NL".to_owned(), 2000), ("DE".to_owned(), 500)],
        )
        .into_string();
        assert!(s.contains(r#"<title id="c-title">Most from NL</title>"#));
        assert!(s.contains(r#"width="340.0""#) && s.contains(r#"width="85.0""#));
        assert!(s.contains("2,000") && s.contains(">500<"));
    }
}
