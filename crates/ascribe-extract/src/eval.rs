//! Scoring against a gold file, by the rules of `shared/seeds/README.md`:
//! a predicted claim matches a gold claim of the same document with the same
//! `kind` and `target_canonical` and a matching speaker (person, or
//! organisation by shared content words); each gold claim matches at most
//! once. Claims marked `salience: background` are optional: found, they
//! count as true positives; missed, they do not count against recall.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ExtractedClaim;

/// One document of a gold file.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldDoc {
    pub doc: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub claims: Vec<GoldClaim>,
}

/// One gold claim (the fields scored; others are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct GoldClaim {
    pub kind: String,
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub speaker_org: Option<String>,
    #[serde(default)]
    pub speaker_country: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub target_canonical: Option<String>,
    #[serde(default)]
    pub target_state: Option<String>,
    #[serde(default)]
    pub confidence_phrase: Option<String>,
    #[serde(default)]
    pub confidence_acceptable: Vec<String>,
    #[serde(default)]
    pub quote_or_evidence: Option<String>,
    #[serde(default)]
    pub also_evidence: Vec<String>,
    #[serde(default)]
    pub salience: Option<String>,
}

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// The scores of these counts (1.0 where a ratio has nothing to count).
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Prf {
        let p = if tp + fp == 0 {
            1.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fn_ == 0 {
            1.0
        } else {
            tp as f64 / (tp + fn_) as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf {
            tp,
            fp,
            fn_,
            precision: p,
            recall: r,
            f1: f,
        }
    }
}

/// The scores of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Claims matched on kind, target and speaker.
    pub overall: Prf,
    /// The same, per claim kind (a missed gold claim counts under its kind,
    /// an extra predicted claim under the kind predicted).
    pub by_kind: BTreeMap<String, Prf>,
    /// Recall on claims marked `main`.
    pub main_recall: f64,
    pub main_found: usize,
    pub main_total: usize,
    /// Field accuracy over matched claims, by field name.
    pub fields: BTreeMap<String, Prf>,
    /// Confidence phrase right on matched claims where the gold has one.
    pub confidence_right: usize,
    pub confidence_total: usize,
    /// Publication dates right, over documents with a gold date.
    pub published_right: usize,
    pub published_total: usize,
    /// Lines describing each unmatched gold and predicted claim.
    pub misses: Vec<String>,
    /// Where the errors are: an extra claim paired with a missed one of the
    /// same document when exactly one of kind, target and speaker differs
    /// ("wrong speaker", "wrong kind", "wrong target"), the rest unpaired
    /// ("extra", "missed"). Says whether a fix belongs in finding claims or
    /// in reading their parts.
    pub errors: BTreeMap<String, usize>,
}

fn words(s: &str) -> Vec<String> {
    const STOP: &[&str] = &["the", "of", "and", "for", "in", "us", "uk", "a", "an"];
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !STOP.contains(w))
        .map(str::to_owned)
        .collect()
}

fn norm(s: &str) -> String {
    crate::claims::normalize_quote(s)
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Whether a predicted claim has the gold claim's kind.
fn kind_matches(g: &GoldClaim, p: &ExtractedClaim) -> bool {
    p.claim.kind.map(|k| k.as_str()) == Some(g.kind.as_str())
}

/// Whether a predicted claim names the gold claim's canonical target (case
/// ignored).
fn target_matches(g: &GoldClaim, p: &ExtractedClaim) -> bool {
    p.claim.target_canonical.as_deref().map(str::to_lowercase)
        == g.target_canonical.as_deref().map(str::to_lowercase)
}

/// Whether two speakers are the same by the README's fuzzy rule.
pub fn speaker_matches(g: &GoldClaim, p: &ExtractedClaim) -> bool {
    let pc = &p.claim;
    if let (Some(a), Some(b)) = (&g.speaker, &pc.speaker) {
        let (wa, wb) = (words(a), words(b));
        if wa.iter().any(|w| wb.contains(w)) {
            return true;
        }
    }
    match (&g.speaker_org, &pc.speaker_org) {
        (Some(a), Some(b)) => {
            let (wa, wb) = (words(a), words(b));
            let shared = wa.iter().filter(|w| wb.contains(w)).count();
            shared >= 1 && (shared * 2 >= wa.len().min(wb.len()) || shared >= 2)
        }
        (None, None) => g.speaker.is_none() && pc.speaker.is_none() || g.speaker == pc.speaker,
        _ => false,
    }
}

fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.contains(&b) || b.contains(&a) {
        return true;
    }
    // A shared run of eight words counts as overlap.
    let wa: Vec<&str> = a.split(' ').collect();
    let wb = format!(" {b} ");
    wa.windows(8.min(wa.len()))
        .any(|w| wb.contains(&format!(" {} ", w.join(" "))))
}

/// Scores predicted claims (grouped by document name) against a gold file.
pub fn score(
    gold: &[GoldDoc],
    predicted: &BTreeMap<String, (Option<String>, Vec<ExtractedClaim>)>,
) -> Report {
    let mut rep = Report::default();
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut field: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut kinds: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for gd in gold {
        let key = predicted
            .keys()
            .find(|k| k.as_str() == gd.doc || k.ends_with(&format!("/{}", gd.doc)))
            .cloned();
        let (published, preds) = key
            .and_then(|k| predicted.get(&k).cloned())
            .unwrap_or_default();
        if gd.published.is_some() {
            rep.published_total += 1;
            if published == gd.published {
                rep.published_right += 1;
            }
        }
        let mut used = vec![false; preds.len()];
        let mut matched_gold = vec![None; gd.claims.len()];
        // Two passes: first insist on quote overlap, then without it.
        for pass in 0..2 {
            for (gi, g) in gd.claims.iter().enumerate() {
                if matched_gold[gi].is_some() {
                    continue;
                }
                for (pi, p) in preds.iter().enumerate() {
                    if used[pi] {
                        continue;
                    }
                    if !(kind_matches(g, p) && target_matches(g, p) && speaker_matches(g, p)) {
                        continue;
                    }
                    let quote_ok = quote_matches(g, p);
                    if pass == 0 && !quote_ok {
                        continue;
                    }
                    used[pi] = true;
                    matched_gold[gi] = Some(pi);
                    break;
                }
            }
        }
        for (gi, g) in gd.claims.iter().enumerate() {
            let main = g.salience.as_deref() != Some("background");
            if main {
                rep.main_total += 1;
            }
            match matched_gold[gi] {
                Some(pi) => {
                    tp += 1;
                    kinds.entry(g.kind.clone()).or_default().0 += 1;
                    if main {
                        rep.main_found += 1;
                    }
                    let p = &preds[pi];
                    let pc = &p.claim;
                    let mut count = |name: &str, ok: bool| {
                        let e = field.entry(name.to_owned()).or_default();
                        e.1 += 1;
                        if ok {
                            e.0 += 1;
                        }
                    };
                    count("speaker_country", pc.speaker_country == g.speaker_country);
                    if g.speaker.is_some() {
                        count(
                            "speaker",
                            match (&g.speaker, &pc.speaker) {
                                (Some(a), Some(b)) => {
                                    let wb = words(b);
                                    words(a).iter().any(|w| wb.contains(w))
                                }
                                _ => false,
                            },
                        );
                    }
                    count("target_state", pc.target_state == g.target_state);
                    count("quote", quote_matches(g, p));
                    count(
                        "target",
                        match (&g.target, &pc.target) {
                            (None, None) => true,
                            (Some(a), Some(b)) => overlaps(a, b),
                            _ => false,
                        },
                    );
                    let conf_ok = conf_matches(g, p);
                    count("confidence_phrase", conf_ok);
                    if g.confidence_phrase.is_some() {
                        rep.confidence_total += 1;
                        if conf_ok {
                            rep.confidence_right += 1;
                        }
                    }
                }
                None => {
                    if main {
                        fn_ += 1;
                        kinds.entry(g.kind.clone()).or_default().2 += 1;
                    }
                    rep.misses.push(format!(
                        "{}: missed {} {}{} -> {} ({})",
                        gd.doc,
                        g.kind,
                        g.speaker
                            .as_deref()
                            .map(|s| format!("{s} / "))
                            .unwrap_or_default(),
                        g.speaker_org.as_deref().unwrap_or("-"),
                        g.target_canonical.as_deref().unwrap_or("-"),
                        g.salience.as_deref().unwrap_or("main"),
                    ));
                }
            }
        }
        tally_errors(&mut rep.errors, &gd.claims, &matched_gold, &preds, &used);
        for (pi, p) in preds.iter().enumerate() {
            if !used[pi] {
                fp += 1;
                let c = &p.claim;
                kinds
                    .entry(c.kind.map_or("-", |k| k.as_str()).to_owned())
                    .or_default()
                    .1 += 1;
                rep.misses.push(format!(
                    "{}: extra {} {}{} -> {} \"{}\"",
                    gd.doc,
                    c.kind.map(|k| k.as_str()).unwrap_or("-"),
                    c.speaker
                        .as_deref()
                        .map(|s| format!("{s} / "))
                        .unwrap_or_default(),
                    c.speaker_org.as_deref().unwrap_or("-"),
                    c.target_canonical.as_deref().unwrap_or("-"),
                    c.quote
                        .as_deref()
                        .unwrap_or("")
                        .chars()
                        .take(80)
                        .collect::<String>(),
                ));
            }
        }
    }
    rep.overall = Prf::new(tp, fp, fn_);
    rep.main_recall = if rep.main_total == 0 {
        1.0
    } else {
        rep.main_found as f64 / rep.main_total as f64
    };
    for (k, (right, total)) in field {
        rep.fields
            .insert(k, Prf::new(right, total - right, total - right));
    }
    for (k, (tp, fp, fn_)) in kinds {
        rep.by_kind.insert(k, Prf::new(tp, fp, fn_));
    }
    rep
}

impl Report {
    /// Adds another run's counts (another gold file) to this one.
    pub fn merge(&mut self, o: &Report) {
        fn add(a: &Prf, b: &Prf) -> Prf {
            Prf::new(a.tp + b.tp, a.fp + b.fp, a.fn_ + b.fn_)
        }
        self.overall = add(&self.overall, &o.overall);
        for (k, p) in &o.by_kind {
            let e = self.by_kind.entry(k.clone()).or_default();
            *e = add(e, p);
        }
        for (k, p) in &o.fields {
            let e = self.fields.entry(k.clone()).or_default();
            // Field accuracy: tp right, fp wrong (fn_ mirrors fp).
            *e = add(e, p);
        }
        self.main_found += o.main_found;
        self.main_total += o.main_total;
        self.main_recall = if self.main_total == 0 {
            1.0
        } else {
            self.main_found as f64 / self.main_total as f64
        };
        self.confidence_right += o.confidence_right;
        self.confidence_total += o.confidence_total;
        self.published_right += o.published_right;
        self.published_total += o.published_total;
        self.misses.extend(o.misses.iter().cloned());
        for (k, n) in &o.errors {
            *self.errors.entry(k.clone()).or_default() += n;
        }
    }
}

/// Pairs a document's extra claims with its missed ones that differ in one
/// field only, and counts the pairs by that field and the rest as plain
/// extras and misses (missed background claims are no error).
fn tally_errors(
    errors: &mut BTreeMap<String, usize>,
    gold: &[GoldClaim],
    matched_gold: &[Option<usize>],
    preds: &[ExtractedClaim],
    used: &[bool],
) {
    let mut gold_left: Vec<usize> = (0..gold.len())
        .filter(|&gi| matched_gold[gi].is_none())
        .collect();
    for (pi, p) in preds.iter().enumerate() {
        if used[pi] {
            continue;
        }
        let off = |g: &GoldClaim| match (
            kind_matches(g, p),
            target_matches(g, p),
            speaker_matches(g, p),
        ) {
            (true, true, false) => Some("wrong speaker"),
            (false, true, true) => Some("wrong kind"),
            (true, false, true) => Some("wrong target"),
            _ => None,
        };
        let found = gold_left
            .iter()
            .enumerate()
            .find_map(|(i, &gi)| off(&gold[gi]).map(|why| (i, why)));
        let why = match found {
            Some((i, why)) => {
                gold_left.remove(i);
                why
            }
            None => "extra (no gold claim like it)",
        };
        *errors.entry(why.to_owned()).or_default() += 1;
    }
    for gi in gold_left {
        if gold[gi].salience.as_deref() != Some("background") {
            *errors
                .entry("missed (nothing like it read)".to_owned())
                .or_default() += 1;
        }
    }
}

fn quote_matches(g: &GoldClaim, p: &ExtractedClaim) -> bool {
    let Some(q) = &p.claim.quote else {
        return false;
    };
    g.quote_or_evidence
        .iter()
        .chain(&g.also_evidence)
        .any(|x| overlaps(x, q))
}

fn conf_matches(g: &GoldClaim, p: &ExtractedClaim) -> bool {
    match (&g.confidence_phrase, &p.claim.confidence_phrase) {
        (None, None) => true,
        (_, Some(b)) => g
            .confidence_phrase
            .iter()
            .chain(&g.confidence_acceptable)
            .any(|a| norm(a) == norm(b)),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(doc: &str, kind: &str, org: &str, target: &str, salience: &str) -> GoldDoc {
        GoldDoc {
            doc: doc.to_owned(),
            published: None,
            claims: vec![GoldClaim {
                kind: kind.to_owned(),
                speaker: None,
                speaker_org: Some(org.to_owned()),
                speaker_country: None,
                target: Some(target.to_owned()),
                target_canonical: Some(target.to_owned()),
                target_state: None,
                confidence_phrase: None,
                confidence_acceptable: Vec::new(),
                quote_or_evidence: None,
                also_evidence: Vec::new(),
                salience: Some(salience.to_owned()),
            }],
        }
    }

    /// One reading (the German government accuses Russia) against gold that
    /// differs from it in one field, in two, or not at all.
    #[test]
    fn errors_are_paired_by_the_one_field_that_differs() {
        let text =
            "The German government said Russia was behind the cyberattack on the parliament.";
        let claims = crate::read_document("t.txt", text.as_bytes(), None).claims;
        assert_eq!(claims.len(), 1, "{claims:?}");
        let cases = [
            (
                gold("a", "accusation", "German government", "Russia", "main"),
                None,
            ),
            (
                gold(
                    "b",
                    "accusation",
                    "French foreign ministry",
                    "Russia",
                    "main",
                ),
                Some("wrong speaker"),
            ),
            (
                gold("c", "denial", "German government", "Russia", "main"),
                Some("wrong kind"),
            ),
            (
                gold("d", "accusation", "German government", "China", "main"),
                Some("wrong target"),
            ),
            // Two fields off: an extra and a miss, not a pair.
            (
                gold("e", "denial", "French foreign ministry", "Russia", "main"),
                None,
            ),
            (
                gold(
                    "f",
                    "denial",
                    "French foreign ministry",
                    "Russia",
                    "background",
                ),
                None,
            ),
        ];
        for (g, want) in cases {
            let predicted = BTreeMap::from([(g.doc.clone(), (None, claims.clone()))]);
            let rep = score(std::slice::from_ref(&g), &predicted);
            let mut expect = BTreeMap::new();
            match (want, g.doc.as_str()) {
                (Some(why), _) => {
                    expect.insert(why.to_owned(), 1);
                }
                (None, "e") => {
                    expect.insert("extra (no gold claim like it)".to_owned(), 1);
                    expect.insert("missed (nothing like it read)".to_owned(), 1);
                }
                // A missed background claim is no error.
                (None, "f") => {
                    expect.insert("extra (no gold claim like it)".to_owned(), 1);
                }
                (None, _) => {}
            }
            assert_eq!(rep.errors, expect, "gold {}", g.doc);
            let mut total = Report::default();
            total.merge(&rep);
            total.merge(&rep);
            assert_eq!(
                total.errors.values().sum::<usize>(),
                2 * expect.values().sum::<usize>()
            );
        }
    }
}
