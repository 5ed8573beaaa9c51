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

use crate::vet::{Verdict, VerdictKind};
use crate::{Claim, Severity};

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

/// What filing a verdict as evidence reads of it: the input, the verdict
/// and its findings. Made from a [`Verdict`] ([`Filing::of`]) or read back
/// from its stored `ascribe-device-verdict/v1` JSON
/// ([`crate::report::read_filing`]), so a report kept by `device vet
/// --incident` files the same items again later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// The SHA-256 of the input, in hex.
    pub sha256: String,
    /// The input's name as given.
    pub name: String,
    pub verdict: VerdictKind,
    pub claim: Claim,
    pub summary: String,
    pub findings: Vec<FiledFinding>,
}

/// One finding as filing reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledFinding {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    /// The first descriptor field it rests on: (field, value).
    pub rests_on: Option<(String, String)>,
}

impl Filing {
    /// What filing reads of a verdict.
    pub fn of(v: &Verdict) -> Filing {
        Filing {
            sha256: v.input.sha256.clone(),
            name: v.input.name.clone(),
            verdict: v.verdict,
            claim: v.claim,
            summary: v.summary.clone(),
            findings: v
                .findings
                .iter()
                .map(|f| FiledFinding {
                    id: f.id.to_owned(),
                    severity: f.severity,
                    title: f.title.clone(),
                    explanation: f.explanation.clone(),
                    rests_on: f
                        .evidence
                        .first()
                        .map(|e| (e.field.clone(), e.value.clone())),
                })
                .collect(),
        }
    }
}

/// One observed item per finding at or above `min_severity`, plus one for the
/// verdict itself (finding `verdict`). The policy grades them by the finding.
pub fn to_observed(v: &Verdict, opts: &EvidenceOptions) -> Vec<Observed> {
    filing_to_observed(&Filing::of(v), opts)
}

/// [`to_observed`] for a verdict read back from its report.
pub fn filing_to_observed(v: &Filing, opts: &EvidenceOptions) -> Vec<Observed> {
    let prefix = opts
        .id_prefix
        .clone()
        .unwrap_or_else(|| format!("dev-{}", v.sha256.get(..8).unwrap_or("input")));
    let source = format!("device vetting: {}", v.name);
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
        origin: format!("device:{}:verdict", v.sha256),
        fact: Fact::DeviceFinding {
            finding: "verdict".to_owned(),
            ratings: ratings.clone(),
        },
    }];
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &v.findings {
        if f.severity < opts.min_severity {
            continue;
        }
        let n = used.entry(f.id.as_str()).or_insert(0);
        *n += 1;
        let suffix = if *n > 1 {
            format!("-{n}")
        } else {
            String::new()
        };
        let rests_on = match &f.rests_on {
            Some((field, value)) => format!(" [{field} = {value}]"),
            None => String::new(),
        };
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
            origin: format!("device:{}:{}", v.sha256, f.id),
            fact: Fact::DeviceFinding {
                finding: f.id.clone(),
                ratings: ratings.clone(),
            },
        });
    }
    out
}
