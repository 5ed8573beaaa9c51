//! Findings as evidence items of an incident.
//!
//! A device finding says what a device can do, not who made it: it bears on
//! the attribution hypotheses only weakly, so every hypothesis is rated
//! neutral unless the caller passes ratings. What matters is that the finding
//! is on record in the incident, graded and marked like any other evidence.

use std::collections::BTreeMap;

use ascribe_model::{
    AchRating, Admiralty, Bearing, Credibility, Evidence, EvidenceKind, Reliability, Tlp,
};

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

/// One evidence item per finding at or above `min_severity`, plus one for the
/// verdict itself. Grading: the host's own enumeration is a reliable source
/// (B); capability findings read straight from descriptors are probably true (2),
/// identity and string findings are possibly true hints (3), data notes cannot be judged (6).
pub fn to_evidence(v: &Verdict, opts: &EvidenceOptions) -> Vec<Evidence> {
    let prefix = opts
        .id_prefix
        .clone()
        .unwrap_or_else(|| format!("dev-{}", v.input.sha256.get(..8).unwrap_or("input")));
    let source = format!("device vetting: {}", v.input.name);
    let bearing = || {
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
        Bearing::Ratings(m)
    };
    let mut out = vec![Evidence {
        id: format!("{prefix}-verdict"),
        kind: EvidenceKind::DeviceFinding,
        summary: format!(
            "USB vetting verdict {} for a claimed {}: {}",
            v.verdict.as_str(),
            v.claim.noun(),
            v.summary
        ),
        source: source.clone(),
        grade: Admiralty::new(Reliability::B, Credibility::ProbablyTrue),
        tlp: opts.tlp,
        bearing: bearing(),
        origin: Some(format!("device:{}:verdict", v.input.sha256)),
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
        let credibility = if f.id.starts_with("CAP-")
            || f.id.starts_with("STRUCT-")
            || f.id.starts_with("TOPO-")
            || f.id.starts_with("BEH-")
        {
            Credibility::ProbablyTrue
        } else if f.id.starts_with("DATA-") {
            Credibility::CannotBeJudged
        } else {
            Credibility::PossiblyTrue
        };
        let rests_on = f
            .evidence
            .first()
            .map(|e| format!(" [{} = {}]", e.field, e.value))
            .unwrap_or_default();
        out.push(Evidence {
            id: format!("{prefix}-{}{suffix}", f.id.to_ascii_lowercase()),
            kind: EvidenceKind::DeviceFinding,
            summary: format!(
                "{} ({}, {}): {}{rests_on}",
                f.title,
                f.id,
                f.severity.as_str(),
                f.explanation
            ),
            source: source.clone(),
            grade: Admiralty::new(Reliability::B, credibility),
            tlp: opts.tlp,
            bearing: bearing(),
            origin: Some(format!("device:{}:{}", v.input.sha256, f.id)),
        });
    }
    out
}
