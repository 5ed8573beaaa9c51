//! Every default the assessment rests on, in one place, with the reason beside it.
//!
//! A case file's `[policy]` table, or a config file's, overrides any of these;
//! fields left out keep the values below. Changing a default here changes
//! every assessment, so each one says why it is what it is.

use std::collections::BTreeMap;

use ascribe_model::{AchRating, Admiralty, Credibility, EvidenceKind, Reliability};
use serde::{Deserialize, Serialize};

/// The assessor's knobs. Construct with [`Policy::default`] and override fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Likelihood ratio for each ACH rating.
    pub ach: AchTable,
    /// Weight for each Admiralty source-reliability grade.
    pub reliability: ReliabilityWeights,
    /// Weight for each Admiralty information-credibility grade.
    pub credibility: CredibilityWeights,
    /// Factor applied to each further item from the same source: the k-th
    /// strongest item of a source (counting from 0) is scaled by `damping^k`.
    ///
    /// 0.5 means ten articles repeating one statement count for less than
    /// twice the statement (1 + 1/2 + 1/4 + ... < 2): repetition is not
    /// corroboration.
    pub same_source_damping: f64,
    /// Per-kind rules, keyed by the evidence kind's name.
    pub kinds: BTreeMap<String, KindRule>,
    /// How claims (accusations, denials, ...) become evidence.
    pub claims: ClaimRules,
    /// Thresholds of the analytic-confidence rule.
    pub confidence: ConfidenceRule,
    /// How sensor sightings and source territories are graded.
    pub telemetry: TelemetryRules,
    /// How device findings are graded.
    pub device: DeviceRules,
}

impl Default for Policy {
    fn default() -> Self {
        let mut kinds = BTreeMap::new();
        // A denial by the accused is neutral: it is expected whoever did it.
        kinds.insert(
            "denial".to_owned(),
            KindRule {
                weight: 0.0,
                max_lr: None,
                min_lr: None,
            },
        );
        // A counter-accusation ("the attacks come from your territory") says
        // nothing about who carried out this incident.
        kinds.insert(
            "counter-accusation".to_owned(),
            KindRule {
                weight: 0.0,
                max_lr: None,
                min_lr: None,
            },
        );
        // Where attacking addresses sit is at most weakly consistent with that
        // country's state being the sponsor: proxies, rented servers and
        // botnets are the norm, so no rating may move more than "consistent".
        kinds.insert(
            "geolocation".to_owned(),
            KindRule {
                weight: 1.0,
                max_lr: Some(2.0),
                min_lr: Some(0.5),
            },
        );
        // An official attribution statement counts as a graded claim, not as
        // technical evidence: it keeps its grade's weight, is capped at the
        // "strongly consistent" ratio, and never makes confidence high alone.
        for k in ["official-statement", "accusation"] {
            kinds.insert(
                k.to_owned(),
                KindRule {
                    weight: 1.0,
                    max_lr: Some(4.0),
                    min_lr: Some(0.25),
                },
            );
        }
        Policy {
            ach: AchTable::default(),
            reliability: ReliabilityWeights::default(),
            credibility: CredibilityWeights::default(),
            same_source_damping: 0.5,
            kinds,
            claims: ClaimRules::default(),
            confidence: ConfidenceRule::default(),
            telemetry: TelemetryRules::default(),
            device: DeviceRules::default(),
        }
    }
}

impl Policy {
    /// The weight an Admiralty grade gives an item, in `[0, 1]`.
    pub fn grade_weight(&self, grade: Admiralty) -> f64 {
        self.reliability.get(grade.reliability) * self.credibility.get(grade.credibility)
    }

    /// The rule for a kind; kinds without one take the neutral rule.
    pub fn kind_rule(&self, kind: &EvidenceKind) -> KindRule {
        self.kinds.get(kind.as_str()).copied().unwrap_or_default()
    }

    /// Checks that every number is usable; the assessor refuses a policy that is not.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("ach.CC", self.ach.cc),
            ("ach.C", self.ach.c),
            ("ach.N", self.ach.n),
            ("ach.I", self.ach.i),
            ("ach.II", self.ach.ii),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("policy {name} must be a positive number, not {v}"));
            }
        }
        let reliability = Reliability::ALL.map(|r| {
            (
                format!("reliability.{}", r.as_str()),
                self.reliability.get(r),
            )
        });
        let credibility = Credibility::ALL.map(|c| {
            (
                format!("credibility.{}", c.number()),
                self.credibility.get(c),
            )
        });
        let damping = ("same_source_damping".to_owned(), self.same_source_damping);
        for (name, w) in reliability.into_iter().chain(credibility).chain([damping]) {
            if !(0.0..=1.0).contains(&w) {
                return Err(format!("policy {name} must be between 0 and 1, not {w}"));
            }
        }
        for (k, rule) in &self.kinds {
            if !(rule.weight.is_finite() && rule.weight >= 0.0) {
                return Err(format!(
                    "policy kinds.{k}.weight must be 0 or more, not {}",
                    rule.weight
                ));
            }
            if rule.max_lr.is_some_and(|m| !(m.is_finite() && m >= 1.0)) {
                return Err(format!("policy kinds.{k}.max_lr must be 1 or more"));
            }
            if rule
                .min_lr
                .is_some_and(|m| !(m.is_finite() && m > 0.0 && m <= 1.0))
            {
                return Err(format!(
                    "policy kinds.{k}.min_lr must be above 0 and at most 1"
                ));
            }
        }
        self.telemetry.validate()?;
        self.device.validate()?;
        Ok(())
    }
}

/// Reads a grade written in a policy (`"B3"`), naming the key when it is not one.
pub(crate) fn policy_grade(key: &str, grade: &str) -> Result<Admiralty, String> {
    grade
        .parse()
        .map_err(|e| format!("policy {key} must be an Admiralty grade such as B2: {e}"))
}

/// Likelihood ratios for ACH ratings.
///
/// Symmetric in log space (CC = 1/II, C = 1/I) so that "strongly consistent
/// with A" and "strongly inconsistent with B" are equally diagnostic; 4 for a
/// strong rating means one A1 item alone moves even odds to 80 %.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AchTable {
    #[serde(rename = "CC")]
    pub cc: f64,
    #[serde(rename = "C")]
    pub c: f64,
    #[serde(rename = "N")]
    pub n: f64,
    #[serde(rename = "I")]
    pub i: f64,
    #[serde(rename = "II")]
    pub ii: f64,
}

impl Default for AchTable {
    fn default() -> Self {
        AchTable {
            cc: 4.0,
            c: 2.0,
            n: 1.0,
            i: 0.5,
            ii: 0.25,
        }
    }
}

impl AchTable {
    pub fn ratio(&self, r: AchRating) -> f64 {
        match r {
            AchRating::StronglyConsistent => self.cc,
            AchRating::Consistent => self.c,
            AchRating::Neutral => self.n,
            AchRating::Inconsistent => self.i,
            AchRating::StronglyInconsistent => self.ii,
        }
    }
}

/// Weights for source reliability.
///
/// A counts fully; each step down removes a fifth; E (unreliable) keeps a
/// token tenth so it still shows in sensitivity; F (cannot be judged) sits
/// half-way, like the MISP admiralty taxonomy's value for F.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct ReliabilityWeights {
    pub A: f64,
    pub B: f64,
    pub C: f64,
    pub D: f64,
    pub E: f64,
    pub F: f64,
}

impl Default for ReliabilityWeights {
    fn default() -> Self {
        ReliabilityWeights {
            A: 1.0,
            B: 0.8,
            C: 0.6,
            D: 0.4,
            E: 0.1,
            F: 0.5,
        }
    }
}

impl ReliabilityWeights {
    pub fn get(&self, r: Reliability) -> f64 {
        match r {
            Reliability::A => self.A,
            Reliability::B => self.B,
            Reliability::C => self.C,
            Reliability::D => self.D,
            Reliability::E => self.E,
            Reliability::F => self.F,
        }
    }
}

/// Weights for information credibility, on the same steps as reliability:
/// 1 (confirmed) counts fully, 5 (improbable) a tenth, 6 (cannot be judged) half.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredibilityWeights {
    #[serde(rename = "1")]
    pub c1: f64,
    #[serde(rename = "2")]
    pub c2: f64,
    #[serde(rename = "3")]
    pub c3: f64,
    #[serde(rename = "4")]
    pub c4: f64,
    #[serde(rename = "5")]
    pub c5: f64,
    #[serde(rename = "6")]
    pub c6: f64,
}

impl Default for CredibilityWeights {
    fn default() -> Self {
        CredibilityWeights {
            c1: 1.0,
            c2: 0.8,
            c3: 0.6,
            c4: 0.4,
            c5: 0.1,
            c6: 0.5,
        }
    }
}

impl CredibilityWeights {
    pub fn get(&self, c: Credibility) -> f64 {
        match c {
            Credibility::Confirmed => self.c1,
            Credibility::ProbablyTrue => self.c2,
            Credibility::PossiblyTrue => self.c3,
            Credibility::Doubtful => self.c4,
            Credibility::Improbable => self.c5,
            Credibility::CannotBeJudged => self.c6,
        }
    }
}

/// A rule for one evidence kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindRule {
    /// Multiplies the grade's weight; 0 makes the kind neutral.
    pub weight: f64,
    /// Caps a likelihood ratio from above before weighting.
    pub max_lr: Option<f64>,
    /// Caps a likelihood ratio from below before weighting.
    pub min_lr: Option<f64>,
}

impl Default for KindRule {
    fn default() -> Self {
        KindRule {
            weight: 1.0,
            max_lr: None,
            min_lr: None,
        }
    }
}

impl KindRule {
    pub fn clamp(&self, lr: f64) -> f64 {
        let mut lr = lr;
        if let Some(m) = self.max_lr {
            lr = lr.min(m);
        }
        if let Some(m) = self.min_lr {
            lr = lr.max(m);
        }
        lr
    }
}

/// How claims become evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimRules {
    /// Grade of a claim that gives none. C3 ("fairly reliable, possibly
    /// true"): a public statement is checkable only in part.
    pub default_grade: String,
    /// An accusation whose confidence phrase has a band at or above this
    /// probability is rated strongly consistent with the accused; below it,
    /// or without a phrase, consistent.
    pub strong_from: f64,
}

impl Default for ClaimRules {
    fn default() -> Self {
        ClaimRules {
            default_grade: "C3".to_owned(),
            strong_from: 0.8,
        }
    }
}

/// Thresholds for analytic confidence. The rule, documented in the README:
///
/// - high: at least `high_sources` independent sources, of which at least
///   `high_technical_sources` give technical (non-statement) evidence, with a
///   mean grade weight of at least `high_quality`;
/// - moderate: at least `moderate_sources` sources, one of them technical,
///   with a mean grade weight of at least `moderate_quality`;
/// - low: anything less, and always when the case rests on statements only.
///
/// Only diagnostic items count (those that move some hypothesis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfidenceRule {
    pub high_sources: usize,
    pub high_technical_sources: usize,
    pub high_quality: f64,
    pub moderate_sources: usize,
    pub moderate_quality: f64,
}

impl Default for ConfidenceRule {
    fn default() -> Self {
        // B2 grades weigh 0.64 and C3 0.36: high confidence needs sources of
        // about B2 on average, moderate about C3.
        ConfidenceRule {
            high_sources: 3,
            high_technical_sources: 2,
            high_quality: 0.5,
            moderate_sources: 2,
            moderate_quality: 0.3,
        }
    }
}

/// How sensor logs are graded: a sighting of an indicator linked to an actor by
/// how specific the indicator is, the territory attacks come from by a rating
/// capped by the `geolocation` kind rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetryRules {
    /// Grade of a sighting. B3: sensors are usually reliable (B), and a match
    /// says the indicator was seen, not that the linked actor used it (3).
    pub sighting_grade: String,
    /// Grade of the territory attacks came from. B2: geolocation databases are
    /// usually right about where an address is registered.
    pub geolocation_grade: String,
    /// Rating of a source territory for the hypotheses its state sponsors.
    /// "C" (consistent), never more: proxies, rented servers and botnets are
    /// the norm, and nothing is said against the other hypotheses.
    pub geolocation_rating: AchRating,
    /// Likelihood ratio of a sighting for the linked actor's hypotheses, by
    /// the type of indicator matched.
    pub ratio: SightingRatios,
    /// AS names (matched as lower-case substrings) of hosting, cloud and CDN
    /// providers, whose addresses many tenants share.
    pub shared_hosting_as: Vec<String>,
}

impl Default for TelemetryRules {
    fn default() -> Self {
        TelemetryRules {
            sighting_grade: "B3".to_owned(),
            geolocation_grade: "B2".to_owned(),
            geolocation_rating: AchRating::Consistent,
            ratio: SightingRatios::default(),
            shared_hosting_as: [
                "amazon",
                "google",
                "microsoft",
                "cloudflare",
                "akamai",
                "digitalocean",
                "ovh",
                "hetzner",
                "linode",
                "hosting",
                "fastly",
                "alibaba",
                "tencent",
                "vultr",
                "choopa",
                "leaseweb",
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }
}

impl TelemetryRules {
    /// Whether an AS name is one of a shared hosting provider.
    pub fn is_shared_hosting_as(&self, as_name: &str) -> bool {
        let l = as_name.to_ascii_lowercase();
        self.shared_hosting_as
            .iter()
            .any(|p| l.contains(&p.to_ascii_lowercase()))
    }

    fn validate(&self) -> Result<(), String> {
        policy_grade("telemetry.sighting_grade", &self.sighting_grade)?;
        policy_grade("telemetry.geolocation_grade", &self.geolocation_grade)?;
        let r = &self.ratio;
        for (name, v) in [
            ("hash", r.hash),
            ("domain", r.domain),
            ("url", r.url),
            ("address", r.address),
            ("shared_hosting_address", r.shared_hosting_address),
            ("network", r.network),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!(
                    "policy telemetry.ratio.{name} must be a positive number, not {v}"
                ));
            }
        }
        if let Some(p) = self.shared_hosting_as.iter().find(|p| p.trim().is_empty()) {
            return Err(format!(
                "policy telemetry.shared_hosting_as holds an empty name ({p:?}), which every AS would match"
            ));
        }
        Ok(())
    }
}

/// Likelihood ratios of a sighting, by how specific the indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SightingRatios {
    /// A file hash (MD5, SHA-1, SHA-256) is specific to one tool build.
    pub hash: f64,
    /// A dedicated domain is rarely shared between operators.
    pub domain: f64,
    /// A URL path on an actor's server is specific.
    pub url: f64,
    /// A single address is reused, rented and reassigned.
    pub address: f64,
    /// An address of a hosting or cloud provider is shared by many tenants.
    pub shared_hosting_address: f64,
    /// A network range is shared by many hosts.
    pub network: f64,
}

impl Default for SightingRatios {
    fn default() -> Self {
        SightingRatios {
            hash: 5.0,
            domain: 4.0,
            url: 4.0,
            address: 2.0,
            shared_hosting_address: 1.2,
            network: 1.3,
        }
    }
}

/// How device findings are graded. The host's own enumeration is a reliable
/// source (B); how far a finding is true depends on what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceRules {
    /// Capability, structure, topology and behaviour findings (`CAP-`,
    /// `STRUCT-`, `TOPO-`, `BEH-`) and the verdict: read straight from
    /// descriptors, probably true (B2).
    pub capability_grade: String,
    /// Identity and string findings and any other: hints, possibly true (B3).
    pub hint_grade: String,
    /// Data notes (`DATA-`): what the input lacked; cannot be judged (B6).
    pub data_grade: String,
}

impl Default for DeviceRules {
    fn default() -> Self {
        DeviceRules {
            capability_grade: "B2".to_owned(),
            hint_grade: "B3".to_owned(),
            data_grade: "B6".to_owned(),
        }
    }
}

impl DeviceRules {
    /// The grade of a finding (`CAP-HID-KEYBOARD`, ..., or `verdict`).
    pub fn grade(&self, finding: &str) -> Result<Admiralty, String> {
        let capability = ["CAP-", "STRUCT-", "TOPO-", "BEH-"];
        if finding == "verdict" || capability.iter().any(|p| finding.starts_with(p)) {
            policy_grade("device.capability_grade", &self.capability_grade)
        } else if finding.starts_with("DATA-") {
            policy_grade("device.data_grade", &self.data_grade)
        } else {
            policy_grade("device.hint_grade", &self.hint_grade)
        }
    }

    fn validate(&self) -> Result<(), String> {
        policy_grade("device.capability_grade", &self.capability_grade)?;
        policy_grade("device.hint_grade", &self.hint_grade)?;
        policy_grade("device.data_grade", &self.data_grade)?;
        Ok(())
    }
}
