//! Findings as evidence items of an incident.
//!
//! A device finding says what a device can do, not who made it: it bears on
//! the attribution hypotheses only weakly, so every hypothesis is rated
//! neutral unless the caller passes ratings. What matters is that the finding
//! is on record in the incident, marked like any other evidence, and graded
//! like any other: it is stored as the finding observed
//! ([`ascribe_model::Fact::DeviceFinding`]) and the assessment policy
//! (`ascribe_assess::policy::DeviceRules`) gives it its grade.

use std::collections::BTreeMap;

use ascribe_model::{AchRating, Fact, Observed, Tlp};

use crate::vet::Verdict;
use crate::Severity;

/// How to turn a verdict into evidence.
#[derive(Debug, Clone)]
pub struct EvidenceOptions {
    /// Hypothesis ids to rate (all neutral by default).
    pub hypotheses: Vec<String>,
    /// Ratings to use instead of neutral, by hypothesis id.
    pub ratings: BTreeMap<String, AchRating>,
    pub tlp: Tlp,
    /// Lowest severity recorded (info findings are left out by default).
    pub min_severity: Severity,
    /// Prefix of evidence ids (`dev-<sha8>` by default).
    pub id_prefix: Option<String>,
}

impl Default for EvidenceOptions {
    fn default() -> Self {
        EvidenceOptions {
            hypotheses: Vec::new(),
            ratings: BTreeMap::new(),
            tlp: Tlp::Amber,
            min_severity: Severity::Low,
            id_prefix: None,
        }
    }
}

/// One observed item per finding at or above `min_severity`, plus one for the
/// verdict itself (finding `verdict`). The policy grades them by the finding.
pub fn to_observed(v: &Verdict, opts: &EvidenceOptions) -> Vec<Observed> {
    let prefix = opts
        .id_prefix
        .clone()
        .unwrap_or_else(|| format!("dev-{}", v.input.sha256.get(..8).unwrap_or("input")));
    let source = format!("device vetting: {}", v.input.name);
    let ratings = {
        let mut m = BTreeMap::new();
        for h in &opts.hypotheses {
            m.insert(
                h.clone(),
                opts.ratings.get(h).copied().unwrap_or(AchRating::Neutral),
            );
        }
        for (h, r) in &opts.ratings {
            m.insert(h.clone(), *r);
        }
        m
    };
    let mut out = vec![Observed {
        id: format!("{prefix}-verdict"),
        summary: format!(
            "USB vetting verdict {} for a claimed {}: {}",
            v.verdict.as_str(),
            v.claim.noun(),
            v.summary
        ),
        source: source.clone(),
        tlp: opts.tlp,
        origin: format!("device:{}:verdict", v.input.sha256),
        fact: Fact::DeviceFinding {
            finding: "verdict".to_owned(),
            ratings: ratings.clone(),
        },
    }];
    let mut used: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in &v.findings {
        if f.severity < opts.min_severity {
            continue;
        }
        let n = used.entry(f.id).or_insert(0);
        *n += 1;
        let suffix = if *n > 1 {
            format!("-{n}")
        } else {
            String::new()
        };
        let rests_on = f
            .evidence
            .first()
            .map(|e| format!(" [{} = {}]", e.field, e.value))
            .unwrap_or_default();
        out.push(Observed {
            id: format!("{prefix}-{}{suffix}", f.id.to_ascii_lowercase()),
            summary: format!(
                "{} ({}, {}): {}{rests_on}",
                f.title,
                f.id,
                f.severity.as_str(),
                f.explanation
            ),
            source: source.clone(),
            tlp: opts.tlp,
            origin: format!("device:{}:{}", v.input.sha256, f.id),
            fact: Fact::DeviceFinding {
                finding: f.id.to_owned(),
                ratings: ratings.clone(),
            },
        });
    }
    out
}
