//! The attribution assessment: a pure function of hypotheses and evidence.
//!
//! This crate is an **API boundary**: the binary, the server and the STIX
//! exporter all call [`assess`] and read an [`Assessment`]. It does no I/O and
//! reads no clock, so the same case gives the same assessment, byte for byte.
//!
//! The computation, in short: each item contributes, per hypothesis, the log
//! of its likelihood ratio (from its ACH rating by [`policy::AchTable`], or
//! given), clamped by its kind's rule, scaled by its Admiralty grade's weight,
//! and damped when its source already spoke. Contributions add to the log
//! priors and are normalised (a softmax). The public view is the same
//! computation over TLP:CLEAR items only.

mod claims;
mod observed;
pub mod policy;
pub mod report;
pub mod synth;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use ascribe_model::{Bearing, Case, Confidence, Evidence, Hypothesis, Icd203, Phia, Tlp};
use serde::{Serialize, Serializer};

pub use claims::{claims_to_evidence, ClaimConversion};
pub use observed::{grade_observed, observed_to_evidence};
pub use policy::Policy;

/// Why a case cannot be assessed. Anything softer is a warning in the assessment.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AssessError {
    #[error("the case has no hypotheses")]
    NoHypotheses,
    #[error("duplicate hypothesis id {0:?}")]
    DuplicateHypothesis(String),
    #[error("duplicate evidence id {0:?}")]
    DuplicateEvidence(String),
    #[error("hypothesis {id:?} has prior {prior}, expected a number between 0 and 1")]
    PriorOutOfRange { id: String, prior: f64 },
    #[error("the priors add up to {0:.4}, more than 1")]
    PriorsOverOne(f64),
    #[error("evidence {evidence:?} rates hypothesis {hypothesis:?}, which the case does not have")]
    UnknownHypothesis {
        evidence: String,
        hypothesis: String,
    },
    #[error("evidence {evidence:?} gives likelihood ratio {value} for {hypothesis:?}, expected a positive number")]
    BadLikelihoodRatio {
        evidence: String,
        hypothesis: String,
        value: f64,
    },
    #[error("{0}")]
    BadPolicy(String),
}

/// Rounds figures in JSON output to four decimals, so that output is stable
/// and readable; the structs keep full precision.
fn round4<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_to(*v, 4))
}

fn round4_map<S: Serializer>(m: &BTreeMap<String, f64>, s: S) -> Result<S::Ok, S::Error> {
    let rounded: BTreeMap<&str, f64> = m
        .iter()
        .map(|(k, v)| (k.as_str(), round_to(*v, 4)))
        .collect();
    rounded.serialize(s)
}

fn round_to(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    let r = (v * f).round() / f;
    // Avoid printing "-0.0".
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The outcome for one hypothesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HypothesisResult {
    pub id: String,
    /// The actor as the case names it, or `null` for the other/unknown hypothesis.
    pub actor: Option<String>,
    /// A label for reports.
    pub label: String,
    #[serde(serialize_with = "round4")]
    pub prior: f64,
    /// From all evidence.
    #[serde(serialize_with = "round4")]
    pub probability: f64,
    /// From TLP:CLEAR evidence only.
    #[serde(serialize_with = "round4")]
    pub public_probability: f64,
}

/// The leading hypothesis in each view, with its estimative words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leading {
    pub id: String,
    pub label: String,
    #[serde(serialize_with = "round4")]
    pub probability: f64,
    /// The PHIA yardstick term.
    pub phrase: Phia,
    /// The ICD 203 term for the same probability.
    pub icd203: Icd203,
    pub public_id: String,
    pub public_label: String,
    #[serde(serialize_with = "round4")]
    pub public_probability: f64,
    pub public_phrase: Phia,
    pub public_icd203: Icd203,
}

/// How much the leading probability moves when one item is removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub evidence: String,
    /// Change in the leading hypothesis's probability without this item
    /// (negative: the item supports the leader).
    #[serde(serialize_with = "round4")]
    pub delta: f64,
    /// Whether removing the item changes the leading hypothesis or its yardstick term.
    pub flips: bool,
    /// The leading hypothesis without this item, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_leading: Option<String>,
    /// The yardstick term without this item, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_phrase: Option<Phia>,
}

/// What one item contributed, so every figure can be traced back to items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub evidence: String,
    pub kind: String,
    pub source: String,
    pub grade: String,
    pub tlp: Tlp,
    /// Grade weight times the kind's weight.
    #[serde(serialize_with = "round4")]
    pub weight: f64,
    /// The same-source damping factor (1 for a source's strongest item).
    #[serde(serialize_with = "round4")]
    pub damping: f64,
    /// Weighted, damped log-likelihood ratio added to each hypothesis's log-odds.
    #[serde(serialize_with = "round4_map")]
    pub log_lr: BTreeMap<String, f64>,
    /// Whether the item moves any hypothesis at all.
    pub diagnostic: bool,
}

/// The figures behind an analytic-confidence level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfidenceBasis {
    pub level: Confidence,
    /// Diagnostic items counted.
    pub items: usize,
    /// Distinct sources among them.
    pub sources: usize,
    /// Distinct sources of technical (non-statement) items among them.
    pub technical_sources: usize,
    /// Mean grade weight of the diagnostic items, 0 to 1.
    #[serde(serialize_with = "round4")]
    pub quality: f64,
}

/// The public/full gap, as a number and as the one line a report prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Percentage points of the full view's leading probability that the
    /// public view does not reach (negative: restricted evidence lowers it).
    pub points: i64,
    /// The full view's leading probability in percentage points.
    pub of_points: i64,
    /// Items the public view leaves out.
    pub restricted_items: usize,
    pub line: String,
}

/// An attribution assessment: full view, public view, and what it hangs on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub incident: String,
    pub title: String,
    pub hypotheses: Vec<HypothesisResult>,
    pub leading: Leading,
    pub confidence: Confidence,
    pub public_confidence: Confidence,
    pub confidence_basis: ConfidenceBasis,
    pub public_confidence_basis: ConfidenceBasis,
    pub gap: Gap,
    /// Items ordered by how far their removal moves the leading probability.
    pub sensitivity: Vec<Sensitivity>,
    pub contributions: Vec<Contribution>,
    /// True when every diagnostic item is a statement (accusation, denial, ...).
    pub statements_only: bool,
    pub evidence_count: usize,
    pub public_evidence_count: usize,
    pub warnings: Vec<String>,
    /// The probability of each hypothesis per view, unrounded, by id.
    #[serde(skip)]
    pub raw: BTreeMap<String, (f64, f64)>,
}

/// Convenience: a result row's probability by hypothesis id.
pub fn probability_of(a: &Assessment, id: &str) -> Option<f64> {
    a.raw.get(id).map(|(full, _)| *full)
}

/// Assesses a case with its observations and claims: observations are
/// graded under the policy ([`grade_observed`]), the claims become evidence
/// ([`claims_to_evidence`], ids `claim:<claim id>`), are added to the case's
/// evidence, and the case is assessed; the conversion's notes become warnings.
///
/// The one "claims, evidence, assessment" of ascribe: the command line's
/// `assess`, the STIX export and every later caller use it, so they agree.
/// A claim whose `claim:<id>` is already an evidence id is not dropped in
/// silence: the assessment fails with [`AssessError::DuplicateEvidence`],
/// naming it (which of the two should count is the analyst's call).
pub fn assess_case(mut case: Case, policy: &Policy) -> Result<Assessment, AssessError> {
    // Observations graded first, so items come in the order `assess` lists them.
    grade_observed(&mut case, policy)?;
    let conversion = claims_to_evidence(&case.claims, &case.hypotheses, policy);
    case.evidence.extend(conversion.evidence);
    let mut assessment = assess(&case, policy)?;
    assessment.warnings.extend(conversion.notes);
    Ok(assessment)
}

/// Per-item terms prepared once: ids, weights and clamped log ratios.
struct Item<'a> {
    evidence: &'a Evidence,
    /// Grade weight × kind weight.
    weight: f64,
    /// Clamped, unweighted log-likelihood ratio per hypothesis (index order).
    log_lr: Vec<f64>,
    /// Sum of |weight × log_lr|: orders a source's items, strongest first.
    strength: f64,
    /// The item's source, as an index into the case's distinct (normalised) sources.
    source: usize,
    /// The item's place in evidence-id order.
    rank: usize,
}

/// The case's items prepared once, for both views and the sensitivity.
struct Prepared<'a> {
    items: Vec<Item<'a>>,
    /// Item indices in evidence-id order: every sum runs in this order.
    order: Vec<usize>,
    /// How many distinct sources the items have.
    sources: usize,
}

impl Item<'_> {
    fn diagnostic(&self) -> bool {
        self.strength > 1e-12
    }
}

/// Assesses a case under a policy.
///
/// The case's claims are not read here: convert them first with
/// [`claims_to_evidence`] and add the result to the evidence, so that the
/// conversion is visible to the caller and can be reported.
///
/// The case's observations (sightings, source territories, device findings)
/// are graded here, under `policy`, by [`observed_to_evidence`], and follow
/// the evidence.
pub fn assess(case: &Case, policy: &Policy) -> Result<Assessment, AssessError> {
    policy.validate().map_err(AssessError::BadPolicy)?;
    if !case.observed.is_empty() {
        let mut graded = Case {
            incident: case.incident.clone(),
            hypotheses: case.hypotheses.clone(),
            evidence: case.evidence.clone(),
            claims: Vec::new(),
            observed: case.observed.clone(),
        };
        grade_observed(&mut graded, policy)?;
        return assess(&graded, policy);
    }
    let hyps = &case.hypotheses;
    if hyps.is_empty() {
        return Err(AssessError::NoHypotheses);
    }
    let mut warnings = Vec::new();
    let index = hypothesis_index(hyps)?;
    let priors = priors(hyps, &mut warnings)?;
    let prepared = prepare(case, policy, &index)?;
    let items = &prepared.items;

    let all: Vec<usize> = (0..items.len()).collect();
    let public: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].evidence.tlp.is_public())
        .collect();

    let full = view(&priors, &prepared, &all, policy.same_source_damping);
    let public_p = view(&priors, &prepared, &public, policy.same_source_damping).p;
    let full_p = &full.p;

    let lead = argmax(full_p);
    let public_lead = argmax(&public_p);
    let phrase = Phia::from_probability(full_p[lead]);

    let confidence_basis = confidence(&prepared, &all, policy);
    let public_confidence_basis = confidence(&prepared, &public, policy);

    let statements_only = {
        let mut diag = items.iter().filter(|it| it.diagnostic()).peekable();
        diag.peek().is_some() && diag.all(|it| it.evidence.kind.is_statement())
    };

    // Ordered by how far each item moves the leader, then by id; the rows
    // come in id order, and sorting keys rather than rows saves moving them.
    let sensitivity = {
        let rows = sensitivity(&prepared, &full, lead, phrase, hyps);
        let mut keys: Vec<(f64, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, s)| (s.delta.abs(), i))
            .collect();
        keys.sort_unstable_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.1.cmp(&b.1))
        });
        let mut rows: Vec<Option<Sensitivity>> = rows.into_iter().map(Some).collect();
        keys.iter()
            .map(|&(_, i)| rows[i].take().expect("each row is taken once"))
            .collect::<Vec<_>>()
    };
    let damping = &full.factors;

    let contributions = items
        .iter()
        .zip(damping)
        .map(|(it, d)| Contribution {
            evidence: it.evidence.id.clone(),
            kind: it.evidence.kind.to_string(),
            source: it.evidence.source.clone(),
            grade: it.evidence.grade.to_string(),
            tlp: it.evidence.tlp,
            weight: it.weight,
            damping: *d,
            log_lr: hyps
                .iter()
                .zip(&it.log_lr)
                .map(|(h, l)| (h.id.clone(), l * it.weight * d))
                .collect(),
            diagnostic: it.diagnostic(),
        })
        .collect();

    // Warnings an analyst should read before quoting the result.
    if statements_only {
        warnings.push(
            "the assessment rests on statements only (accusations, official statements): no technical evidence"
                .to_owned(),
        );
    }
    if items.iter().all(|it| !it.diagnostic()) {
        warnings
            .push("no item of evidence moves any hypothesis: the result is the priors".to_owned());
    }
    if public.is_empty() && !items.is_empty() {
        warnings.push("no evidence is TLP:CLEAR: the public view is the priors alone".to_owned());
    }
    for (i, h) in hyps.iter().enumerate() {
        let touched = items
            .iter()
            .any(|it| it.weight > 0.0 && it.log_lr[i].abs() > 1e-12);
        if !touched && h.id != ascribe_model::OTHER_HYPOTHESIS {
            warnings.push(format!("no evidence bears on hypothesis {:?}", h.id));
        }
    }
    for s in &sensitivity {
        if s.new_leading.is_some() {
            warnings.push(format!(
                "the leading hypothesis hangs on one item: without {:?} it would be {:?}",
                s.evidence,
                s.new_leading.as_deref().unwrap_or_default()
            ));
        }
    }

    let gap = gap(hyps, lead, full_p, &public_p, items.len() - public.len());

    let hypotheses = hyps
        .iter()
        .enumerate()
        .map(|(i, h)| HypothesisResult {
            id: h.id.clone(),
            actor: h.actor.clone(),
            label: h.label().to_owned(),
            prior: priors[i],
            probability: full_p[i],
            public_probability: public_p[i],
        })
        .collect();
    let raw = hyps
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id.clone(), (full_p[i], public_p[i])))
        .collect();

    Ok(Assessment {
        incident: case.incident.id.clone(),
        title: case.incident.title.clone(),
        hypotheses,
        leading: Leading {
            id: hyps[lead].id.clone(),
            label: hyps[lead].label().to_owned(),
            probability: full_p[lead],
            phrase,
            icd203: Icd203::from_probability(full_p[lead]),
            public_id: hyps[public_lead].id.clone(),
            public_label: hyps[public_lead].label().to_owned(),
            public_probability: public_p[public_lead],
            public_phrase: Phia::from_probability(public_p[public_lead]),
            public_icd203: Icd203::from_probability(public_p[public_lead]),
        },
        confidence: confidence_basis.level,
        public_confidence: public_confidence_basis.level,
        confidence_basis,
        public_confidence_basis,
        gap,
        sensitivity,
        contributions,
        statements_only,
        evidence_count: items.len(),
        public_evidence_count: public.len(),
        warnings,
        raw,
    })
}

fn hypothesis_index(hyps: &[Hypothesis]) -> Result<BTreeMap<&str, usize>, AssessError> {
    let mut index = BTreeMap::new();
    for (i, h) in hyps.iter().enumerate() {
        if index.insert(h.id.as_str(), i).is_some() {
            return Err(AssessError::DuplicateHypothesis(h.id.clone()));
        }
    }
    Ok(index)
}

/// Priors as given; missing ones share what is left equally.
fn priors(hyps: &[Hypothesis], warnings: &mut Vec<String>) -> Result<Vec<f64>, AssessError> {
    let mut given = 0.0;
    let mut missing = 0usize;
    for h in hyps {
        match h.prior {
            Some(p) if !(p.is_finite() && (0.0..=1.0).contains(&p)) => {
                return Err(AssessError::PriorOutOfRange {
                    id: h.id.clone(),
                    prior: p,
                })
            }
            Some(p) => given += p,
            None => missing += 1,
        }
    }
    if given > 1.0 + 1e-9 {
        return Err(AssessError::PriorsOverOne(given));
    }
    let share = if missing > 0 {
        ((1.0 - given).max(0.0)) / missing as f64
    } else {
        0.0
    };
    let mut priors: Vec<f64> = hyps.iter().map(|h| h.prior.unwrap_or(share)).collect();
    let total: f64 = priors.iter().sum();
    if missing == 0 && (total - 1.0).abs() > 1e-9 && total > 0.0 {
        warnings.push(format!(
            "the priors add up to {total:.4}; they were scaled to add up to 1"
        ));
    }
    if total <= 0.0 {
        warnings.push("every prior is 0; equal priors were used instead".to_owned());
        priors = vec![1.0; hyps.len()];
    }
    let total: f64 = priors.iter().sum();
    for (p, h) in priors.iter_mut().zip(hyps) {
        *p /= total;
        if *p == 0.0 {
            warnings.push(format!(
                "hypothesis {:?} has prior 0: no evidence can make it possible (give it a small prior instead)",
                h.id
            ));
        }
    }
    Ok(priors)
}

fn prepare<'a>(
    case: &'a Case,
    policy: &Policy,
    index: &BTreeMap<&str, usize>,
) -> Result<Prepared<'a>, AssessError> {
    let n = case.hypotheses.len();
    // Lookups only, never iterated: hash order cannot reach the output.
    let mut seen: HashSet<&str> = HashSet::with_capacity(case.evidence.len());
    let mut sources: HashMap<Cow<'a, str>, usize> = HashMap::new();
    // Items of one source often come together: skip the lookup for a run.
    let mut last_source: Option<(&str, usize)> = None;
    let mut items = Vec::with_capacity(case.evidence.len());
    let mut ratios = vec![1.0; n];
    let mut logs = vec![0.0; n];
    for e in &case.evidence {
        if !seen.insert(e.id.as_str()) {
            return Err(AssessError::DuplicateEvidence(e.id.clone()));
        }
        let rule = policy.kind_rule(&e.kind);
        // Each bearing becomes (hypothesis, ratio) pairs, checked the same way.
        ratios.fill(1.0);
        let mut set = |h: &String, v: f64| {
            let Some(&i) = index.get(h.as_str()) else {
                return Err(AssessError::UnknownHypothesis {
                    evidence: e.id.clone(),
                    hypothesis: h.clone(),
                });
            };
            if !(v.is_finite() && v > 0.0) {
                return Err(AssessError::BadLikelihoodRatio {
                    evidence: e.id.clone(),
                    hypothesis: h.clone(),
                    value: v,
                });
            }
            ratios[i] = v;
            Ok(())
        };
        match &e.bearing {
            Bearing::Ratings(m) => {
                for (h, r) in m {
                    set(h, policy.ach.ratio(*r))?;
                }
            }
            Bearing::LikelihoodRatios(m) => {
                for (h, v) in m {
                    set(h, *v)?;
                }
            }
        }
        // Ratios are relative: centre them on their geometric mean before
        // clamping, so a cap limits how far the item separates hypotheses,
        // whichever of them the analyst wrote the ratio against.
        for (l, r) in logs.iter_mut().zip(&ratios) {
            *l = r.ln();
        }
        let mean = logs.iter().sum::<f64>() / n as f64;
        let log_lr: Vec<f64> = logs
            .iter()
            .map(|l| rule.clamp((l - mean).exp()).ln())
            .collect();
        let weight = policy.grade_weight(e.grade) * rule.weight;
        let strength = log_lr.iter().map(|l| (l * weight).abs()).sum();
        let source = match last_source {
            Some((raw, s)) if raw == e.source => s,
            _ => {
                let next = sources.len();
                let s = *sources.entry(normalise_source(&e.source)).or_insert(next);
                last_source = Some((e.source.as_str(), s));
                s
            }
        };
        items.push(Item {
            evidence: e,
            weight,
            log_lr,
            strength,
            source,
            rank: 0,
        });
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    let in_id_order = items
        .windows(2)
        .all(|w| w[0].evidence.id < w[1].evidence.id);
    if !in_id_order {
        order.sort_unstable_by(|&a, &b| items[a].evidence.id.cmp(&items[b].evidence.id));
    }
    for (rank, &i) in order.iter().enumerate() {
        items[i].rank = rank;
    }
    Ok(Prepared {
        items,
        order,
        sources: sources.len(),
    })
}

/// One view of the case (all items, or the public ones): the posterior, and
/// what the sensitivity needs to take one item out without recomputing.
struct View {
    /// Log prior plus every chosen item's weighted, damped log ratio, per hypothesis.
    logp: Vec<f64>,
    /// The posterior: `logp` normalised.
    p: Vec<f64>,
    /// Each item's same-source damping factor (1 for items not chosen).
    factors: Vec<f64>,
    /// The chosen items grouped by source, each group strongest first (damping order).
    members: Vec<usize>,
    /// Where each source's group starts in `members`, and where the last ends.
    bounds: Vec<usize>,
}

impl View {
    /// Each source's items, strongest first; empty for sources with none chosen.
    fn groups(&self) -> impl Iterator<Item = &[usize]> {
        self.bounds.windows(2).map(|w| &self.members[w[0]..w[1]])
    }
}

/// The posterior over the hypotheses from the chosen items.
fn view(priors: &[f64], prepared: &Prepared, chosen: &[usize], damping: f64) -> View {
    let items = &prepared.items;
    let mut factors = vec![1.0; items.len()];
    // Group the chosen items by source (a counting sort on the source index);
    // within a source, the strongest counts fully and each further one by one
    // more power of the damping factor. Ordering by strength, then id, keeps
    // the result independent of input order.
    let mut bounds = vec![0usize; prepared.sources + 1];
    for &i in chosen {
        bounds[items[i].source + 1] += 1;
    }
    for s in 1..bounds.len() {
        bounds[s] += bounds[s - 1];
    }
    let mut next = bounds.clone();
    let mut members = vec![0usize; chosen.len()];
    for &i in chosen {
        let slot = &mut next[items[i].source];
        members[*slot] = i;
        *slot += 1;
    }
    for w in bounds.windows(2) {
        let group = &mut members[w[0]..w[1]];
        group.sort_unstable_by(|&a, &b| {
            items[b]
                .strength
                .partial_cmp(&items[a].strength)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| items[a].rank.cmp(&items[b].rank))
        });
        let mut f = 1.0;
        for &i in group.iter() {
            if items[i].diagnostic() {
                factors[i] = f;
                f *= damping;
            }
        }
    }
    // Add in id order, so that floating-point sums do not depend on input order.
    let mut is_chosen = vec![false; items.len()];
    for &i in chosen {
        is_chosen[i] = true;
    }
    let mut logp: Vec<f64> = priors.iter().map(|p| p.ln()).collect();
    for &i in prepared.order.iter().filter(|&&i| is_chosen[i]) {
        let it = &items[i];
        let w = it.weight * factors[i];
        if w == 0.0 {
            continue;
        }
        for (lp, l) in logp.iter_mut().zip(&it.log_lr) {
            *lp += w * l;
        }
    }
    View {
        p: softmax(&logp),
        logp,
        factors,
        members,
        bounds,
    }
}

/// How the full view changes when each item in turn is left out, in id order.
///
/// Leaving out item `k` changes only its own source group's damped sum: `k`'s
/// own term goes, and when `k` is diagnostic, every later diagnostic item of
/// the group moves up one damping step (factor `d^j` becomes `d^(j-1)`). So
/// the posterior without `k` is `logp + change(k)`, where for the diagnostic
/// item at rank `r` of a group
///
/// ```text
/// change(r) = shift(r) - f_r·c_r,   shift(r) = Σ_{j>r} (f_{j-1} - f_j)·c_j
/// ```
///
/// (`c_j` the item's weighted log ratios, `f_j` its damping factor), and
/// `shift` is built backwards over the group, `shift(r) = shift(r+1) +
/// (f_r - f_{r+1})·c_{r+1}`, without dividing by the damping factor (which may
/// be 0). That is O(items × hypotheses) in all, however large one source is.
/// It equals the recomputation of the whole case without `k` up to rounding
/// (a property test compares the two), and exactly when `k` moves nothing.
fn sensitivity(
    prepared: &Prepared,
    full: &View,
    lead: usize,
    phrase: Phia,
    hyps: &[Hypothesis],
) -> Vec<Sensitivity> {
    let items = &prepared.items;
    let n = full.logp.len();
    let mut out: Vec<Option<Sensitivity>> = vec![None; items.len()];
    let mut shift: Vec<f64> = Vec::new();
    let mut diag: Vec<usize> = Vec::new();
    let mut logp = vec![0.0; n];
    let mut p = Vec::with_capacity(n);
    for group in full.groups() {
        diag.clear();
        diag.extend(group.iter().copied().filter(|&i| items[i].diagnostic()));
        let m = diag.len();
        shift.clear();
        shift.resize(m * n, 0.0);
        for r in (0..m.saturating_sub(1)).rev() {
            let next = &items[diag[r + 1]];
            let step = full.factors[diag[r]] - full.factors[diag[r + 1]];
            let (here, later) = shift.split_at_mut((r + 1) * n);
            let here = &mut here[r * n..];
            for h in 0..n {
                here[h] = later[h] + step * next.weight * next.log_lr[h];
            }
        }
        let mut rank = 0;
        for &k in group {
            let it = &items[k];
            logp.copy_from_slice(&full.logp);
            if it.diagnostic() {
                for (lp, s) in logp.iter_mut().zip(&shift[rank * n..(rank + 1) * n]) {
                    *lp += s;
                }
                rank += 1;
            }
            let w = it.weight * full.factors[k];
            if w != 0.0 {
                for (lp, l) in logp.iter_mut().zip(&it.log_lr) {
                    *lp -= w * l;
                }
            }
            softmax_into(&logp, &mut p);
            let new_lead = argmax(&p);
            let new_phrase = Phia::from_probability(p[new_lead]);
            let leader_changed = new_lead != lead;
            let phrase_changed = new_phrase != phrase;
            out[k] = Some(Sensitivity {
                evidence: it.evidence.id.clone(),
                delta: p[lead] - full.p[lead],
                flips: leader_changed || phrase_changed,
                new_leading: leader_changed.then(|| hyps[new_lead].id.clone()),
                new_phrase: (leader_changed || phrase_changed).then_some(new_phrase),
            });
        }
    }
    prepared
        .order
        .iter()
        .map(|&k| {
            out[k]
                .take()
                .expect("every item of the full view is in one source group")
        })
        .collect()
}

/// Sources are compared without case or surrounding space: "NCSC" and "ncsc " are one source.
fn normalise_source(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    // Lowercase ASCII is already normal; anything else takes the full rule.
    if t.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.to_lowercase())
    }
}

fn softmax(logp: &[f64]) -> Vec<f64> {
    let mut p = Vec::with_capacity(logp.len());
    softmax_into(logp, &mut p);
    p
}

/// [`softmax`] into a buffer, so the sensitivity allocates nothing per item.
fn softmax_into(logp: &[f64], p: &mut Vec<f64>) {
    p.clear();
    let max = logp
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        p.resize(logp.len(), 1.0 / logp.len() as f64);
        return;
    }
    p.extend(logp.iter().map(|l| (l - max).exp()));
    let total: f64 = p.iter().sum();
    for e in p.iter_mut() {
        *e /= total;
    }
}

/// The index of the largest probability; ties go to the earlier hypothesis.
fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] + 1e-12 {
            best = i;
        }
    }
    best
}

fn confidence(prepared: &Prepared, chosen: &[usize], policy: &Policy) -> ConfidenceBasis {
    let rule = &policy.confidence;
    // Per source: whether it gave a diagnostic item, and a technical one.
    let mut diagnostic = vec![false; prepared.sources];
    let mut technical_source = vec![false; prepared.sources];
    let mut items = 0usize;
    let mut grade_sum = 0.0;
    for it in chosen.iter().map(|&i| &prepared.items[i]) {
        if !it.diagnostic() {
            continue;
        }
        items += 1;
        grade_sum += policy.grade_weight(it.evidence.grade);
        diagnostic[it.source] = true;
        if !it.evidence.kind.is_statement() {
            technical_source[it.source] = true;
        }
    }
    let sources = diagnostic.iter().filter(|&&d| d).count();
    let technical = technical_source.iter().filter(|&&t| t).count();
    let quality = if items == 0 {
        0.0
    } else {
        grade_sum / items as f64
    };
    let level = if sources >= rule.high_sources
        && technical >= rule.high_technical_sources
        && quality >= rule.high_quality
    {
        Confidence::High
    } else if sources >= rule.moderate_sources && technical > 0 && quality >= rule.moderate_quality
    {
        Confidence::Moderate
    } else {
        Confidence::Low
    };
    ConfidenceBasis {
        level,
        items,
        sources,
        technical_sources: technical,
        quality,
    }
}

fn gap(hyps: &[Hypothesis], lead: usize, full: &[f64], public: &[f64], restricted: usize) -> Gap {
    let of_points = (full[lead] * 100.0).round() as i64;
    let public_points = (public[lead] * 100.0).round() as i64;
    let points = of_points - public_points;
    let who = hyps[lead].label();
    let line = if restricted == 0 {
        format!("All evidence is TLP:CLEAR: the public can check every point of the {of_points}% for {who}.")
    } else if points > 0 {
        format!(
            "{points} of the {of_points} points of probability for {who} rest on evidence the public cannot see \
             (full view {of_points}%, public view {public_points}%; {restricted} restricted item{}).",
            if restricted == 1 { "" } else { "s" }
        )
    } else if points < 0 {
        format!(
            "Restricted evidence lowers {who} by {} points: the public view gives {public_points}%, the full view {of_points}%.",
            -points
        )
    } else {
        format!(
            "The {restricted} restricted item{} move nothing: the public can check all {of_points} points for {who}.",
            if restricted == 1 { "" } else { "s" }
        )
    };
    Gap {
        points,
        of_points,
        restricted_items: restricted,
        line,
    }
}

#[cfg(test)]
mod tests;
