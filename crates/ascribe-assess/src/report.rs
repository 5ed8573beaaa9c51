//! The human report: what an analyst reads, in the standard estimative words.
//!
//! A pure rendering of an [`Assessment`], beside the assessment as the device
//! and telemetry reports sit beside theirs, so the command line and the web
//! UI print the same text.
//!
//! Likelihood and confidence are kept in separate sentences, as ICD 203 asks.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::Assessment;

/// How many items the evidence table and the sensitivity list show. Above
/// it, a report of a telemetry-sized case (thousands of items) would bury
/// the few items that matter; each list then shows the items that matter
/// most and says how many it leaves out (`--format json` keeps every item).
const REPORT_ITEMS: usize = 20;

/// A probability as a whole percentage; never "100%" or "0%" for what is not
/// certain, since no assessment is. (The web UI prints figures the same way.)
pub fn pct(p: f64) -> String {
    if (0.995..1.0).contains(&p) {
        return ">99%".to_owned();
    }
    if p > 0.0 && p < 0.005 {
        return "<1%".to_owned();
    }
    format!("{:.0}%", p * 100.0)
}

/// A yardstick term's published range, e.g. `55-75%`.
pub fn band(phrase: ascribe_model::Phia) -> String {
    let b = phrase.band();
    format!("{:.0}-{:.0}%", b.low * 100.0, b.high * 100.0)
}

/// Renders an assessment as plain text, readable without colour.
pub fn text(a: &Assessment) -> String {
    let mut s = String::new();
    let _ = render(a, &mut s);
    s
}

fn render(a: &Assessment, s: &mut String) -> std::fmt::Result {
    let l = &a.leading;
    writeln!(s, "Attribution assessment: {} ({})", a.title, a.incident)?;
    writeln!(s)?;
    writeln!(s, "Judgement")?;
    writeln!(
        s,
        "  It is {} ({}) that {} carried out this incident: {} on the PHIA yardstick, \"{}\" in ICD 203 terms.",
        l.phrase,
        pct(l.probability),
        l.label,
        band(l.phrase),
        l.icd203
    )?;
    writeln!(s, "  Analytic confidence: {}.", a.confidence)?;
    writeln!(
        s,
        "  Public view (TLP:CLEAR evidence only): {} ({}) for {}; analytic confidence {}.",
        l.public_phrase,
        pct(l.public_probability),
        l.public_label,
        a.public_confidence
    )?;
    writeln!(s, "  {}", a.gap.line)?;
    writeln!(s)?;

    writeln!(
        s,
        "Hypotheses                               prior   full  public"
    )?;
    for h in &a.hypotheses {
        writeln!(
            s,
            "  {:<12} {:<25} {:>6} {:>6} {:>7}",
            h.id,
            truncate(&h.label, 25),
            pct(h.prior),
            pct(h.probability),
            pct(h.public_probability)
        )?;
    }
    writeln!(s)?;

    let ids: Vec<&str> = a.hypotheses.iter().map(|h| h.id.as_str()).collect();
    writeln!(
        s,
        "Evidence ({} items, {} TLP:CLEAR). Log-odds added to each hypothesis, after grade weight and same-source damping:",
        a.evidence_count, a.public_evidence_count
    )?;
    let mut header = format!(
        "  {:<30} {:<22} {:<5} {:<12} {:>6} {:>5}",
        "item", "kind", "grade", "tlp", "weight", "damp"
    );
    for id in &ids {
        let _ = write!(header, " {:>7}", truncate(id, 7));
    }
    writeln!(s, "{header}")?;
    let shown = evidence_shown(a);
    for c in a.contributions.iter().filter(|c| {
        shown
            .as_ref()
            .is_none_or(|set| set.contains(c.evidence.as_str()))
    }) {
        let mut line = format!(
            "  {:<30} {:<22} {:<5} {:<12} {:>6.2} {:>5.2}",
            truncate(&c.evidence, 30),
            truncate(&c.kind, 22),
            c.grade,
            c.tlp.label().trim_start_matches("TLP:"),
            c.weight,
            c.damping
        );
        for id in &ids {
            let v = c.log_lr.get(*id).copied().unwrap_or(0.0);
            let v = if v.abs() < 0.005 { 0.0 } else { v };
            let _ = write!(line, " {v:>+7.2}");
        }
        writeln!(s, "{}", line.trim_end())?;
    }
    if let Some(set) = &shown {
        writeln!(
            s,
            "  … and {} more items; the {} shown add most to or take most from {}. `--format json` lists every item.",
            a.contributions.len() - set.len(),
            set.len(),
            l.label
        )?;
    }
    writeln!(s)?;

    writeln!(
        s,
        "Sensitivity: {}'s probability without each item (the verdict hangs on those marked *)",
        l.label
    )?;
    let shown = sensitivity_shown(a);
    for x in a.sensitivity.iter().filter(|x| {
        shown
            .as_ref()
            .is_none_or(|set| set.contains(x.evidence.as_str()))
    }) {
        let mark = if x.flips { "*" } else { " " };
        let points = if (x.delta * 100.0).abs() < 0.05 {
            0.0
        } else {
            x.delta * 100.0
        };
        let mut line = format!(
            "  {mark} {:<30} {:>+6.1} points",
            truncate(&x.evidence, 30),
            points
        );
        if let Some(h) = &x.new_leading {
            let _ = write!(line, "  leading hypothesis becomes {h}");
        } else if let Some(p) = x.new_phrase {
            let _ = write!(line, "  wording becomes \"{p}\"");
        }
        writeln!(s, "{line}")?;
    }
    if let Some(set) = &shown {
        let flips = a.sensitivity.iter().filter(|x| x.flips).count();
        let flips_left = flips
            - a.sensitivity
                .iter()
                .filter(|x| x.flips && set.contains(x.evidence.as_str()))
                .count();
        writeln!(
            s,
            "  … and {} more items{}; the verdict hangs on {} item{} in all. `--format json` lists every item.",
            a.sensitivity.len() - set.len(),
            if flips_left > 0 { format!(" ({flips_left} of them marked *)") } else { String::new() },
            flips,
            if flips == 1 { "" } else { "s" }
        )?;
    }
    writeln!(s)?;

    let b = &a.confidence_basis;
    writeln!(
        s,
        "Confidence basis: {} diagnostic items from {} independent sources ({} technical), mean grade weight {:.2}.",
        b.items, b.sources, b.technical_sources, b.quality
    )?;
    let p = &a.public_confidence_basis;
    writeln!(
        s,
        "Public basis:     {} diagnostic items from {} independent sources ({} technical), mean grade weight {:.2}.",
        p.items, p.sources, p.technical_sources, p.quality
    )?;
    if !a.warnings.is_empty() {
        writeln!(s)?;
        writeln!(s, "Warnings")?;
        for w in &a.warnings {
            writeln!(s, "  - {w}")?;
        }
    }
    Ok(())
}

/// The evidence rows a long report shows, or `None` for all of them: the
/// [`REPORT_ITEMS`] items whose damped log-odds for the leading hypothesis are
/// largest either way (ties by id), so the table shows what carries the verdict.
fn evidence_shown(a: &Assessment) -> Option<BTreeSet<&str>> {
    if a.contributions.len() <= REPORT_ITEMS {
        return None;
    }
    let lead = a.leading.id.as_str();
    // The pull is looked up once per item, and only the top items are ordered.
    let mut order: Vec<(f64, &str)> = a
        .contributions
        .iter()
        .map(|c| {
            let pull = c.log_lr.get(lead).copied().unwrap_or(0.0).abs();
            (pull, c.evidence.as_str())
        })
        .collect();
    order.select_nth_unstable_by(REPORT_ITEMS - 1, |x, y| {
        y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1))
    });
    Some(order[..REPORT_ITEMS].iter().map(|&(_, id)| id).collect())
}

/// The sensitivity rows a long report shows, or `None` for all of them: the
/// items the verdict hangs on first, then those that move the leading
/// probability most, [`REPORT_ITEMS`] in all, in the assessment's order.
fn sensitivity_shown(a: &Assessment) -> Option<BTreeSet<&str>> {
    if a.sensitivity.len() <= REPORT_ITEMS {
        return None;
    }
    let flips = a.sensitivity.iter().filter(|x| x.flips);
    let rest = a.sensitivity.iter().filter(|x| !x.flips);
    Some(
        flips
            .chain(rest)
            .take(REPORT_ITEMS)
            .map(|x| x.evidence.as_str())
            .collect(),
    )
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_assessment() -> Assessment {
        let case = crate::synth::case(60, 11);
        crate::assess(&case, &crate::Policy::default()).expect("assesses")
    }

    #[test]
    fn a_short_case_shows_every_item() {
        let mut a = long_assessment();
        a.contributions.truncate(REPORT_ITEMS);
        a.sensitivity.truncate(REPORT_ITEMS);
        assert!(evidence_shown(&a).is_none());
        assert!(sensitivity_shown(&a).is_none());
        assert!(!text(&a).contains("more items"));
    }

    #[test]
    fn the_items_the_verdict_hangs_on_are_shown_first_however_small() {
        let mut a = long_assessment();
        // The items that move the leader least, marked as if the verdict hung
        // on them and on nothing else.
        for x in &mut a.sensitivity {
            x.flips = false;
        }
        let n = a.sensitivity.len();
        for x in &mut a.sensitivity[n - 3..] {
            x.flips = true;
        }
        let hangs: Vec<String> = a.sensitivity[n - 3..]
            .iter()
            .map(|x| x.evidence.clone())
            .collect();
        let shown = sensitivity_shown(&a).expect("60 items are more than the limit");
        assert_eq!(shown.len(), REPORT_ITEMS);
        for id in &hangs {
            assert!(shown.contains(id.as_str()), "{id} not shown");
        }
        // The rest are the largest movers, in order.
        for x in &a.sensitivity[..REPORT_ITEMS - 3] {
            assert!(shown.contains(x.evidence.as_str()));
        }
        let report = text(&a);
        assert!(
            report.contains("  … and 40 more items; the verdict hangs on 3 items in all."),
            "{report}"
        );
    }

    #[test]
    fn the_evidence_table_keeps_the_largest_pulls_on_the_leader() {
        let a = long_assessment();
        let shown = evidence_shown(&a).expect("60 items are more than the limit");
        let pull = |id: &str| {
            let c = a
                .contributions
                .iter()
                .find(|c| c.evidence == id)
                .expect("an item");
            c.log_lr[&a.leading.id].abs()
        };
        let weakest_shown = shown
            .iter()
            .map(|id| pull(id))
            .fold(f64::INFINITY, f64::min);
        for c in &a.contributions {
            if !shown.contains(c.evidence.as_str()) {
                assert!(
                    pull(&c.evidence) <= weakest_shown,
                    "{} left out",
                    c.evidence
                );
            }
        }
    }
}
