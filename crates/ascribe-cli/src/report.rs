//! The human report: what an analyst reads, in the standard estimative words.
//!
//! Likelihood and confidence are kept in separate sentences, as ICD 203 asks.

use std::fmt::Write;

use ascribe_assess::Assessment;

/// A probability as a whole percentage; never "100%" or "0%" for what is not
/// certain, since no assessment is.
fn pct(p: f64) -> String {
    if (0.995..1.0).contains(&p) {
        return ">99%".to_owned();
    }
    if p > 0.0 && p < 0.005 {
        return "<1%".to_owned();
    }
    format!("{:.0}%", p * 100.0)
}

fn band(phrase: ascribe_model::Phia) -> String {
    let b = phrase.band();
    format!("{:.0}-{:.0}%", b.low * 100.0, b.high * 100.0)
}

/// Renders an assessment as plain text, readable without colour.
pub(crate) fn text(a: &Assessment) -> String {
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
    for c in &a.contributions {
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
    writeln!(s)?;

    writeln!(
        s,
        "Sensitivity: {}'s probability without each item (the verdict hangs on those marked *)",
        l.label
    )?;
    for x in &a.sensitivity {
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

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}
