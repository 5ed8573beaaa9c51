//! ascribe's domain model: the nouns of `DESIGN.md` as plain data.
//!
//! Nothing here does I/O or knows a wire format beyond serde derives; readers
//! produce these types, the store persists them, and the assessor consumes them.

pub mod calendar;
mod clock;
pub mod diag;
pub mod names;
mod scales;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use clock::{Clock, FixedClock};
pub use scales::{
    estimative_band, AchRating, Admiralty, Band, Confidence, Credibility, Icd203, Phia,
    Reliability, ScaleError, Tlp,
};

/// The id of the hypothesis that is always present: "some other or unknown actor".
pub const OTHER_HYPOTHESIS: &str = "other";

/// One operation: what happened, to whom, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable id, chosen by the analyst (`vaccine-research-2020`).
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default)]
    pub victims: Vec<String>,
}

impl Incident {
    /// An incident known only by its id and title: no summary, period or victims.
    pub fn titled(id: impl Into<String>, title: impl Into<String>) -> Incident {
        Incident {
            id: id.into(),
            title: title.into(),
            summary: None,
            period: None,
            victims: Vec::new(),
        }
    }
}

/// A closed span of days, as ISO `YYYY-MM-DD` strings (validated at the edge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// "Incident I was carried out by, or for, actor A".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hypothesis {
    pub id: String,
    /// The actor as the analyst named it; `None` for the other/unknown hypothesis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The actor's canonical name and sponsor, where the knowledge base knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<ActorRef>,
    /// Prior probability; `None` shares what is left equally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior: Option<f64>,
}

impl Hypothesis {
    pub fn other() -> Self {
        Hypothesis {
            id: OTHER_HYPOTHESIS.to_owned(),
            actor: None,
            resolved: None,
            prior: None,
        }
    }

    /// A label for reports: the canonical actor, else the actor as written, else the id.
    pub fn label(&self) -> &str {
        if let Some(r) = &self.resolved {
            return &r.name;
        }
        if let Some(a) = &self.actor {
            return a;
        }
        if self.id == OTHER_HYPOTHESIS {
            return "other or unknown actor";
        }
        &self.id
    }
}

/// A resolved reference to an actor in the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
}

/// What kind of actor an [`Actor`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorKind {
    State,
    Agency,
    Group,
}

/// A state, an agency, or a threat group, with its aliases and suspected sponsor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Suspected sponsor state(s), as the sources say; kept side by side, not merged.
    #[serde(default)]
    pub sponsors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where this entry came from (`misp-galaxy`, `mitre-attack`, a file).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// The vocabulary of evidence kinds. Extensible: an unknown kind is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceKind {
    InfrastructureOverlap,
    MalwareReuse,
    Tradecraft,
    Victimology,
    Intent,
    Geolocation,
    OfficialStatement,
    Accusation,
    Denial,
    CounterAccusation,
    DeviceFinding,
    Sighting,
    Other(String),
}

impl EvidenceKind {
    /// The known kinds, for help texts and documentation.
    pub const KNOWN: [&'static str; 12] = [
        "infrastructure-overlap",
        "malware-reuse",
        "tradecraft",
        "victimology",
        "intent",
        "geolocation",
        "official-statement",
        "accusation",
        "denial",
        "counter-accusation",
        "device-finding",
        "sighting",
    ];

    pub fn as_str(&self) -> &str {
        match self {
            EvidenceKind::InfrastructureOverlap => "infrastructure-overlap",
            EvidenceKind::MalwareReuse => "malware-reuse",
            EvidenceKind::Tradecraft => "tradecraft",
            EvidenceKind::Victimology => "victimology",
            EvidenceKind::Intent => "intent",
            EvidenceKind::Geolocation => "geolocation",
            EvidenceKind::OfficialStatement => "official-statement",
            EvidenceKind::Accusation => "accusation",
            EvidenceKind::Denial => "denial",
            EvidenceKind::CounterAccusation => "counter-accusation",
            EvidenceKind::DeviceFinding => "device-finding",
            EvidenceKind::Sighting => "sighting",
            EvidenceKind::Other(s) => s,
        }
    }

    /// Statements are what someone says about the incident, as opposed to
    /// technical evidence an analyst can examine.
    pub fn is_statement(&self) -> bool {
        matches!(
            self,
            EvidenceKind::OfficialStatement
                | EvidenceKind::Accusation
                | EvidenceKind::Denial
                | EvidenceKind::CounterAccusation
        )
    }
}

impl FromStr for EvidenceKind {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        Ok(match t.as_str() {
            "infrastructure-overlap" | "infrastructure" => EvidenceKind::InfrastructureOverlap,
            "malware-reuse" | "code-reuse" | "malware" => EvidenceKind::MalwareReuse,
            "tradecraft" | "ttp" | "ttps" => EvidenceKind::Tradecraft,
            "victimology" => EvidenceKind::Victimology,
            "intent" | "motive" => EvidenceKind::Intent,
            "geolocation" | "source-geolocation" => EvidenceKind::Geolocation,
            "official-statement" | "attribution-statement" => EvidenceKind::OfficialStatement,
            "accusation" => EvidenceKind::Accusation,
            "denial" => EvidenceKind::Denial,
            "counter-accusation" => EvidenceKind::CounterAccusation,
            "device-finding" => EvidenceKind::DeviceFinding,
            "sighting" => EvidenceKind::Sighting,
            _ => EvidenceKind::Other(t),
        })
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EvidenceKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EvidenceKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.parse() {
            Ok(k) => Ok(k),
            Err(never) => match never {},
        }
    }
}

/// How an item bears on the hypotheses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bearing {
    /// ACH ratings by hypothesis id; hypotheses not named are neutral.
    Ratings(BTreeMap<String, AchRating>),
    /// Explicit likelihood ratios by hypothesis id, relative to the others;
    /// hypotheses not named get 1.
    LikelihoodRatios(BTreeMap<String, f64>),
}

impl Default for Bearing {
    fn default() -> Self {
        Bearing::Ratings(BTreeMap::new())
    }
}

impl Bearing {
    /// The hypothesis ids this bearing names.
    pub fn hypothesis_ids(&self) -> Vec<&str> {
        match self {
            Bearing::Ratings(m) => m.keys().map(String::as_str).collect(),
            Bearing::LikelihoodRatios(m) => m.keys().map(String::as_str).collect(),
        }
    }
}

/// An item bearing on the hypotheses, graded and marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: String,
    pub kind: EvidenceKind,
    pub summary: String,
    /// Who reported it. Items sharing a source are not independent.
    pub source: String,
    pub grade: Admiralty,
    pub tlp: Tlp,
    pub bearing: Bearing,
    /// Where the item came from when a program made it (`claim:3`,
    /// `telemetry:sighting:...`, `device:...`); `None` when an analyst wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// What a claim says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClaimKind {
    Accusation,
    Denial,
    CounterAccusation,
    AttributionStatement,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 4] = [
        ClaimKind::Accusation,
        ClaimKind::Denial,
        ClaimKind::CounterAccusation,
        ClaimKind::AttributionStatement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Accusation => "accusation",
            ClaimKind::Denial => "denial",
            ClaimKind::CounterAccusation => "counter-accusation",
            ClaimKind::AttributionStatement => "attribution-statement",
        }
    }
}

impl FromStr for ClaimKind {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "accusation" => Ok(ClaimKind::Accusation),
            "denial" => Ok(ClaimKind::Denial),
            "counter-accusation" => Ok(ClaimKind::CounterAccusation),
            "attribution-statement" => Ok(ClaimKind::AttributionStatement),
            _ => Err(ScaleError {
                scale: "claim kind",
                value: s.to_owned(),
                expected: "accusation, denial, counter-accusation, attribution-statement",
            }),
        }
    }
}

impl fmt::Display for ClaimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ClaimKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ClaimKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A statement by a speaker about an incident, from a source document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Claim {
    /// Stable within its incident: given in a case file, or derived from the
    /// document and offsets by the reader.
    #[serde(default)]
    pub id: String,
    pub kind: Option<ClaimKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_country: Option<String>,
    /// The party accused or denying, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_canonical: Option<String>,
    /// The state the target is linked to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_phrase: Option<String>,
    /// The confidence phrase as a probability band, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Band>,
    /// ISO date the statement was made or published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The source document, with character offsets of the quote in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// Public statements are TLP:CLEAR; a claim from a restricted briefing is not.
    #[serde(default)]
    pub tlp: Tlp,
}

impl Claim {
    /// A claim with no kind is not yet usable as evidence.
    pub fn kind_or_accusation(&self) -> ClaimKind {
        self.kind.unwrap_or(ClaimKind::Accusation)
    }
}

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorKind {
    Ip,
    Cidr,
    Domain,
    Url,
    Md5,
    Sha1,
    Sha256,
}

impl IndicatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Ip => "ip",
            IndicatorKind::Cidr => "cidr",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Md5 => "md5",
            IndicatorKind::Sha1 => "sha1",
            IndicatorKind::Sha256 => "sha256",
        }
    }
}

impl FromStr for IndicatorKind {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ip" | "ipv4" | "ipv6" | "ip-src" | "ip-dst" | "ipv4-addr" | "ipv6-addr" => {
                Ok(IndicatorKind::Ip)
            }
            "cidr" | "net" | "subnet" => Ok(IndicatorKind::Cidr),
            "domain" | "hostname" | "domain-name" => Ok(IndicatorKind::Domain),
            "url" | "uri" => Ok(IndicatorKind::Url),
            "md5" => Ok(IndicatorKind::Md5),
            "sha1" | "sha-1" => Ok(IndicatorKind::Sha1),
            "sha256" | "sha-256" => Ok(IndicatorKind::Sha256),
            _ => Err(ScaleError {
                scale: "indicator type",
                value: s.to_owned(),
                expected: "ip, cidr, domain, url, md5, sha1, sha256",
            }),
        }
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IP, CIDR, domain, URL or file hash, with the actor it is linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default)]
    pub tlp: Tlp,
}

/// Aggregated telemetry: (day, source country, source ASN, signature, action) → counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// UTC day, `YYYY-MM-DD`.
    pub day: String,
    /// ISO 3166 alpha-2 code of the source address's territory; empty when unknown.
    pub src_country: String,
    /// Source autonomous system number; 0 when unknown.
    pub src_asn: u32,
    pub signature: String,
    /// `allowed`, `blocked`, or `flow`.
    pub action: String,
    pub events: u64,
    pub distinct_src_ips: u64,
    pub first_seen: String,
    pub last_seen: String,
}

/// Matches of one indicator in telemetry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sighting {
    pub indicator: Indicator,
    pub first_seen: String,
    pub last_seen: String,
    pub count: u64,
    /// A few references to matching events (`file:line`).
    #[serde(default)]
    pub examples: Vec<String>,
}

/// What a program observed about an incident (a sensor sighting, where attacks
/// came from, a device finding), kept as observed: the assessment policy turns
/// it into likelihood ratios and a grade each time a case is assessed
/// (`ascribe_assess::observed_to_evidence`), so re-tuning needs no re-ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// The id of the evidence item it becomes.
    pub id: String,
    /// What was seen, in words; the policy adds why it weighs what it weighs.
    pub summary: String,
    /// Who reported it. Items sharing a source are not independent.
    pub source: String,
    pub tlp: Tlp,
    /// What made it (`telemetry:sighting:TYPE:VALUE`, `telemetry:geolocation:CC`,
    /// `device:SHA256:FINDING`).
    pub origin: String,
    pub fact: Fact,
}

/// The observation itself, with the hypotheses it points at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fact {
    /// An indicator linked to an actor matched events in sensor logs.
    Sighting {
        /// The type of indicator matched (a hash, a domain, an address, ...).
        indicator: IndicatorKind,
        /// The hypotheses naming the indicator's actor.
        hypotheses: Vec<String>,
        count: u64,
        first_seen: String,
        last_seen: String,
        /// The autonomous system an address indicator is registered to, when a
        /// geolocation database knew it: the policy decides whether it is a
        /// hosting provider shared by many tenants.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_name: Option<String>,
        /// Whether the address was at a shared hosting provider, as decided at
        /// ingest; only items stored before observations were kept carry it
        /// (their AS name was not stored). Wins over `as_name`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shared_hosting: Option<bool>,
    },
    /// A share of the geolocated events came from addresses in a country whose
    /// state the hypotheses name as sponsor.
    Geolocation {
        /// ISO 3166 alpha-2 code.
        country: String,
        /// The hypotheses whose sponsor is that country's state.
        hypotheses: Vec<String>,
        events: u64,
        /// Geolocated events in all.
        total: u64,
    },
    /// A device vetting finding (`CAP-...`, `DATA-...`, ...) or the verdict (`verdict`).
    DeviceFinding {
        finding: String,
        /// Ratings by hypothesis id as the caller gave them (neutral by default:
        /// a device finding says what a device can do, not who made it).
        ratings: BTreeMap<String, AchRating>,
    },
}

impl Fact {
    /// The kind of evidence item the fact becomes.
    pub fn kind(&self) -> EvidenceKind {
        match self {
            Fact::Sighting { .. } => EvidenceKind::InfrastructureOverlap,
            Fact::Geolocation { .. } => EvidenceKind::Geolocation,
            Fact::DeviceFinding { .. } => EvidenceKind::DeviceFinding,
        }
    }
}

/// Everything known about one incident: what a case file holds and what the
/// assessor needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub incident: Incident,
    pub hypotheses: Vec<Hypothesis>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub claims: Vec<Claim>,
    /// What programs observed, graded by the policy at assessment time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observed: Vec<Observed>,
}

impl Case {
    /// Adds the other/unknown hypothesis if the case lacks one; returns whether it did.
    pub fn ensure_other_hypothesis(&mut self) -> bool {
        if self.hypotheses.iter().any(|h| h.id == OTHER_HYPOTHESIS) {
            return false;
        }
        self.hypotheses.push(Hypothesis::other());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_kind_round_trips_and_keeps_unknown_kinds() {
        for k in EvidenceKind::KNOWN {
            assert_eq!(
                k.parse::<EvidenceKind>().map(|e| e.to_string()).ok(),
                Some(k.to_owned())
            );
        }
        let k: EvidenceKind = "Insider-Testimony"
            .parse()
            .unwrap_or(EvidenceKind::Tradecraft);
        assert_eq!(k, EvidenceKind::Other("insider-testimony".into()));
    }

    #[test]
    fn other_hypothesis_is_added_once() {
        let mut case = Case {
            incident: Incident {
                id: "i".into(),
                title: "t".into(),
                summary: None,
                period: None,
                victims: vec![],
            },
            hypotheses: vec![],
            evidence: vec![],
            claims: vec![],
            observed: vec![],
        };
        assert!(case.ensure_other_hypothesis());
        assert!(!case.ensure_other_hypothesis());
        assert_eq!(case.hypotheses.len(), 1);
    }
}
