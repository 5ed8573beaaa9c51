//! The standard scales evidence is graded on and judgements are worded in.
//!
//! Each scale is an enum, not a string, so that a typo is a parse error at the
//! edge and never a silent default deep inside the assessor.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value did not belong to the scale it was parsed against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {scale}; expected one of {expected}")]
pub struct ScaleError {
    /// The scale's name, as a user would say it.
    pub scale: &'static str,
    /// The value that was given.
    pub value: String,
    /// The accepted values, for the message.
    pub expected: &'static str,
}

fn scale_err(scale: &'static str, value: &str, expected: &'static str) -> ScaleError {
    ScaleError {
        scale,
        value: value.to_owned(),
        expected,
    }
}

macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Traffic Light Protocol 2.0 marking, ordered from least to most restricted.
///
/// The order matters: a reader with clearance `c` may see an item marked `t`
/// exactly when `t <= c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Tlp {
    /// No limit on disclosure. The only marking that reaches a public view.
    #[default]
    Clear,
    /// Shareable within the community, not publicly.
    Green,
    /// The recipient's organisation and its clients.
    Amber,
    /// The recipient's organisation only.
    AmberStrict,
    /// Named recipients only.
    Red,
}

impl Tlp {
    /// Every marking, least restricted first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The lowercase name used in case files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// The label as FIRST writes it, e.g. `TLP:AMBER+STRICT`.
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// The standard STIX 2.1 marking-definition id for TLP 2.0.
    pub fn stix_marking_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// Whether the public may see material with this marking.
    pub fn is_public(self) -> bool {
        self == Tlp::Clear
    }
}

impl FromStr for Tlp {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("tlp:").unwrap_or(&t);
        match t {
            // TLP 1.0's WHITE is TLP 2.0's CLEAR.
            "clear" | "white" => Ok(Tlp::Clear),
            "green" => Ok(Tlp::Green),
            "amber" => Ok(Tlp::Amber),
            "amber+strict" | "amber-strict" | "amber_strict" => Ok(Tlp::AmberStrict),
            "red" => Ok(Tlp::Red),
            _ => Err(scale_err(
                "TLP marking",
                s,
                "clear, green, amber, amber+strict, red",
            )),
        }
    }
}
string_serde!(Tlp);

/// Admiralty source reliability, A (completely reliable) to F (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reliability {
    A,
    B,
    C,
    D,
    E,
    F,
}

impl Reliability {
    pub const ALL: [Reliability; 6] = [
        Reliability::A,
        Reliability::B,
        Reliability::C,
        Reliability::D,
        Reliability::E,
        Reliability::F,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reliability::A => "A",
            Reliability::B => "B",
            Reliability::C => "C",
            Reliability::D => "D",
            Reliability::E => "E",
            Reliability::F => "F",
        }
    }

    /// The wording of the NATO scale.
    pub fn meaning(self) -> &'static str {
        match self {
            Reliability::A => "completely reliable",
            Reliability::B => "usually reliable",
            Reliability::C => "fairly reliable",
            Reliability::D => "not usually reliable",
            Reliability::E => "unreliable",
            Reliability::F => "reliability cannot be judged",
        }
    }
}

impl FromStr for Reliability {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Reliability::A),
            "B" => Ok(Reliability::B),
            "C" => Ok(Reliability::C),
            "D" => Ok(Reliability::D),
            "E" => Ok(Reliability::E),
            "F" => Ok(Reliability::F),
            _ => Err(scale_err(
                "Admiralty source reliability",
                s,
                "A, B, C, D, E, F",
            )),
        }
    }
}
string_serde!(Reliability);

/// Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credibility {
    Confirmed = 1,
    ProbablyTrue = 2,
    PossiblyTrue = 3,
    Doubtful = 4,
    Improbable = 5,
    CannotBeJudged = 6,
}

impl Credibility {
    pub const ALL: [Credibility; 6] = [
        Credibility::Confirmed,
        Credibility::ProbablyTrue,
        Credibility::PossiblyTrue,
        Credibility::Doubtful,
        Credibility::Improbable,
        Credibility::CannotBeJudged,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: i64) -> Result<Self, ScaleError> {
        match n {
            1 => Ok(Credibility::Confirmed),
            2 => Ok(Credibility::ProbablyTrue),
            3 => Ok(Credibility::PossiblyTrue),
            4 => Ok(Credibility::Doubtful),
            5 => Ok(Credibility::Improbable),
            6 => Ok(Credibility::CannotBeJudged),
            _ => Err(scale_err(
                "Admiralty information credibility",
                &n.to_string(),
                "1, 2, 3, 4, 5, 6",
            )),
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Credibility::Confirmed => "confirmed by other sources",
            Credibility::ProbablyTrue => "probably true",
            Credibility::PossiblyTrue => "possibly true",
            Credibility::Doubtful => "doubtful",
            Credibility::Improbable => "improbable",
            Credibility::CannotBeJudged => "truth cannot be judged",
        }
    }

    /// STIX 2.1 Appendix A value for this credibility; `None` for 6, where
    /// the appendix says to leave `confidence` out.
    pub fn stix_confidence(self) -> Option<u8> {
        match self {
            Credibility::Confirmed => Some(90),
            Credibility::ProbablyTrue => Some(70),
            Credibility::PossiblyTrue => Some(50),
            Credibility::Doubtful => Some(30),
            Credibility::Improbable => Some(10),
            Credibility::CannotBeJudged => None,
        }
    }
}

impl Serialize for Credibility {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}
impl<'de> Deserialize<'de> for Credibility {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        Credibility::from_number(n).map_err(serde::de::Error::custom)
    }
}

/// A NATO Admiralty grade such as `B2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Admiralty {
    pub reliability: Reliability,
    pub credibility: Credibility,
}

impl Admiralty {
    pub fn new(reliability: Reliability, credibility: Credibility) -> Self {
        Admiralty {
            reliability,
            credibility,
        }
    }
}

impl fmt::Display for Admiralty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            self.reliability.as_str(),
            self.credibility.number()
        )
    }
}

impl FromStr for Admiralty {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let mut chars = t.chars();
        let (Some(r), Some(c), None) = (chars.next(), chars.next(), chars.next()) else {
            return Err(scale_err(
                "Admiralty grade",
                s,
                "a letter A-F and a digit 1-6, e.g. B2",
            ));
        };
        let reliability: Reliability = r.to_string().parse()?;
        let n = c.to_digit(10).map(i64::from).unwrap_or(0);
        let credibility = Credibility::from_number(n)?;
        Ok(Admiralty {
            reliability,
            credibility,
        })
    }
}

/// How consistent an item of evidence is with a hypothesis, in Heuer's ACH terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AchRating {
    StronglyConsistent,
    Consistent,
    Neutral,
    Inconsistent,
    StronglyInconsistent,
}

impl AchRating {
    pub const ALL: [AchRating; 5] = [
        AchRating::StronglyConsistent,
        AchRating::Consistent,
        AchRating::Neutral,
        AchRating::Inconsistent,
        AchRating::StronglyInconsistent,
    ];

    /// The short code used in ACH matrices and case files.
    pub fn as_str(self) -> &'static str {
        match self {
            AchRating::StronglyConsistent => "CC",
            AchRating::Consistent => "C",
            AchRating::Neutral => "N",
            AchRating::Inconsistent => "I",
            AchRating::StronglyInconsistent => "II",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            AchRating::StronglyConsistent => "strongly consistent",
            AchRating::Consistent => "consistent",
            AchRating::Neutral => "neutral",
            AchRating::Inconsistent => "inconsistent",
            AchRating::StronglyInconsistent => "strongly inconsistent",
        }
    }
}

impl FromStr for AchRating {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "CC" | "STRONGLY-CONSISTENT" | "STRONGLY CONSISTENT" => {
                Ok(AchRating::StronglyConsistent)
            }
            "C" | "CONSISTENT" => Ok(AchRating::Consistent),
            "N" | "NA" | "NEUTRAL" => Ok(AchRating::Neutral),
            "I" | "INCONSISTENT" => Ok(AchRating::Inconsistent),
            "II" | "STRONGLY-INCONSISTENT" | "STRONGLY INCONSISTENT" => {
                Ok(AchRating::StronglyInconsistent)
            }
            _ => Err(scale_err("ACH rating", s, "CC, C, N, I, II")),
        }
    }
}
string_serde!(AchRating);

/// A band of probability, inclusive at both ends, as fractions of one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub low: f64,
    pub high: f64,
}

impl Band {
    pub const fn new(low: f64, high: f64) -> Self {
        Band { low, high }
    }
    pub fn contains(&self, p: f64) -> bool {
        p >= self.low && p <= self.high
    }
    /// Distance from `p` to the band; zero inside it.
    pub fn distance(&self, p: f64) -> f64 {
        if p < self.low {
            self.low - p
        } else if p > self.high {
            p - self.high
        } else {
            0.0
        }
    }
    pub fn midpoint(&self) -> f64 {
        (self.low + self.high) / 2.0
    }
}

/// The UK PHIA probability yardstick.
///
/// The yardstick leaves deliberate gaps between its bands; a probability in a
/// gap takes the nearest term, ties going to the less confident one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phia {
    RemoteChance,
    HighlyUnlikely,
    Unlikely,
    RealisticPossibility,
    Likely,
    HighlyLikely,
    AlmostCertain,
}

impl Phia {
    pub const ALL: [Phia; 7] = [
        Phia::RemoteChance,
        Phia::HighlyUnlikely,
        Phia::Unlikely,
        Phia::RealisticPossibility,
        Phia::Likely,
        Phia::HighlyLikely,
        Phia::AlmostCertain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Phia::RemoteChance => "remote chance",
            Phia::HighlyUnlikely => "highly unlikely",
            Phia::Unlikely => "unlikely",
            Phia::RealisticPossibility => "realistic possibility",
            Phia::Likely => "likely",
            Phia::HighlyLikely => "highly likely",
            Phia::AlmostCertain => "almost certain",
        }
    }

    /// The yardstick's published range for this term.
    pub fn band(self) -> Band {
        match self {
            Phia::RemoteChance => Band::new(0.0, 0.05),
            Phia::HighlyUnlikely => Band::new(0.10, 0.20),
            Phia::Unlikely => Band::new(0.25, 0.35),
            Phia::RealisticPossibility => Band::new(0.40, 0.50),
            Phia::Likely => Band::new(0.55, 0.75),
            Phia::HighlyLikely => Band::new(0.80, 0.90),
            Phia::AlmostCertain => Band::new(0.95, 1.0),
        }
    }

    /// The term for a probability: the band it falls in, else the nearest.
    pub fn from_probability(p: f64) -> Phia {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        let mut best = Phia::RemoteChance;
        let mut best_d = f64::INFINITY;
        for term in Phia::ALL {
            let d = term.band().distance(p);
            // Strictly less: on a tie the earlier, less confident term stays.
            if d < best_d - 1e-12 {
                best = term;
                best_d = d;
            }
        }
        best
    }
}
string_serde!(Phia);

impl FromStr for Phia {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Phia::ALL
            .into_iter()
            .find(|p| p.as_str() == t || (t == "probably" && *p == Phia::Likely))
            .ok_or_else(|| scale_err("PHIA yardstick term", s, "remote chance … almost certain"))
    }
}

/// ICD 203 expressions of likelihood, which cover 1–99 % without gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Icd203 {
    AlmostNoChance,
    VeryUnlikely,
    Unlikely,
    RoughlyEvenChance,
    Likely,
    VeryLikely,
    AlmostCertain,
}

impl Icd203 {
    pub const ALL: [Icd203; 7] = [
        Icd203::AlmostNoChance,
        Icd203::VeryUnlikely,
        Icd203::Unlikely,
        Icd203::RoughlyEvenChance,
        Icd203::Likely,
        Icd203::VeryLikely,
        Icd203::AlmostCertain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Icd203::AlmostNoChance => "almost no chance",
            Icd203::VeryUnlikely => "very unlikely",
            Icd203::Unlikely => "unlikely",
            Icd203::RoughlyEvenChance => "roughly even chance",
            Icd203::Likely => "likely",
            Icd203::VeryLikely => "very likely",
            Icd203::AlmostCertain => "almost certain",
        }
    }

    /// The paired synonym ICD 203 allows ("remote", "highly probable", ...).
    pub fn synonym(self) -> &'static str {
        match self {
            Icd203::AlmostNoChance => "remote",
            Icd203::VeryUnlikely => "highly improbable",
            Icd203::Unlikely => "improbable",
            Icd203::RoughlyEvenChance => "roughly even odds",
            Icd203::Likely => "probable",
            Icd203::VeryLikely => "highly probable",
            Icd203::AlmostCertain => "nearly certain",
        }
    }

    pub fn band(self) -> Band {
        match self {
            Icd203::AlmostNoChance => Band::new(0.01, 0.05),
            Icd203::VeryUnlikely => Band::new(0.05, 0.20),
            Icd203::Unlikely => Band::new(0.20, 0.45),
            Icd203::RoughlyEvenChance => Band::new(0.45, 0.55),
            Icd203::Likely => Band::new(0.55, 0.80),
            Icd203::VeryLikely => Band::new(0.80, 0.95),
            Icd203::AlmostCertain => Band::new(0.95, 0.99),
        }
    }

    /// The term for a probability. Shared band edges go to the higher term,
    /// except that values beyond the scale's 1 % and 99 % ends take the end terms.
    pub fn from_probability(p: f64) -> Icd203 {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        let mut term = Icd203::AlmostNoChance;
        for t in Icd203::ALL {
            if p >= t.band().low {
                term = t;
            }
        }
        term
    }
}
string_serde!(Icd203);

impl FromStr for Icd203 {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Icd203::ALL
            .into_iter()
            .find(|p| p.as_str() == t || p.synonym() == t)
            .ok_or_else(|| scale_err("ICD 203 term", s, "almost no chance … almost certain"))
    }
}

/// Analytic confidence, a separate axis from likelihood (ICD 203, PHIA AnCR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Low,
    Moderate,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Moderate => "moderate",
            Confidence::High => "high",
        }
    }
}

impl FromStr for Confidence {
    type Err = ScaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Ok(Confidence::Low),
            "moderate" | "medium" => Ok(Confidence::Moderate),
            "high" => Ok(Confidence::High),
            _ => Err(scale_err("analytic confidence", s, "low, moderate, high")),
        }
    }
}
string_serde!(Confidence);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlp_orders_from_clear_to_red() {
        assert!(Tlp::Clear < Tlp::Green);
        assert!(Tlp::Amber < Tlp::AmberStrict);
        assert!(Tlp::AmberStrict < Tlp::Red);
        assert_eq!("TLP:WHITE".parse::<Tlp>(), Ok(Tlp::Clear));
        assert_eq!("amber+strict".parse::<Tlp>(), Ok(Tlp::AmberStrict));
        assert!("purple".parse::<Tlp>().is_err());
    }

    #[test]
    fn admiralty_parses_and_prints() {
        let g: Admiralty = "b2".parse().unwrap();
        assert_eq!(g.to_string(), "B2");
        assert!("G2".parse::<Admiralty>().is_err());
        assert!("B7".parse::<Admiralty>().is_err());
        assert!("B".parse::<Admiralty>().is_err());
    }

    #[test]
    fn phia_terms_follow_the_yardstick() {
        assert_eq!(Phia::from_probability(0.97), Phia::AlmostCertain);
        assert_eq!(Phia::from_probability(0.85), Phia::HighlyLikely);
        assert_eq!(Phia::from_probability(0.60), Phia::Likely);
        assert_eq!(Phia::from_probability(0.45), Phia::RealisticPossibility);
        assert_eq!(Phia::from_probability(0.02), Phia::RemoteChance);
        // In the gap between 75 % and 80 %, the nearest band wins.
        assert_eq!(Phia::from_probability(0.76), Phia::Likely);
        assert_eq!(Phia::from_probability(0.79), Phia::HighlyLikely);
        // Exactly half-way between two bands goes to the less confident term.
        assert_eq!(Phia::from_probability(0.925), Phia::HighlyLikely);
    }

    #[test]
    fn icd203_terms_cover_the_scale() {
        assert_eq!(Icd203::from_probability(0.0), Icd203::AlmostNoChance);
        assert_eq!(Icd203::from_probability(0.50), Icd203::RoughlyEvenChance);
        assert_eq!(Icd203::from_probability(0.80), Icd203::VeryLikely);
        assert_eq!(Icd203::from_probability(1.0), Icd203::AlmostCertain);
        assert_eq!("highly probable".parse::<Icd203>(), Ok(Icd203::VeryLikely));
    }
}

/// The probability band of an estimative phrase as written in a statement
/// ("almost certainly", "highly likely", "high confidence"), or `None` when the
/// phrase is not one the standard scales define.
///
/// PHIA terms map to their yardstick band, ICD 203 terms to theirs. "High /
/// moderate / low confidence" is a confidence level, not a probability; it is
/// mapped as the STIX confidence appendix does (High → 70–100 %, Med → 30–69 %,
/// Low → 1–29 %), which is coarse and said to be so in the docs.
pub fn estimative_band(phrase: &str) -> Option<Band> {
    let mut t = phrase.trim().to_ascii_lowercase();
    for prefix in ["with ", "we assess ", "assess "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_owned();
        }
    }
    let t = t.trim_end_matches(['.', ',']).to_owned();
    // Adverbs name the same band as their adjectives.
    let adjective = match t.as_str() {
        "almost certainly" | "nearly certainly" | "almost certain" => "almost certain",
        "very likely" | "highly likely" | "highly probable" | "very probably" => "highly likely",
        "likely" | "probably" | "probable" => "likely",
        "realistic possibility" | "a realistic possibility" => "realistic possibility",
        "roughly even chance" | "even chance" | "roughly even odds" => "roughly even chance",
        "unlikely" | "improbable" | "probably not" => "unlikely",
        "highly unlikely" | "very unlikely" | "highly improbable" => "highly unlikely",
        "remote chance" | "almost no chance" | "remote" | "a remote chance" => "remote chance",
        "high confidence" | "a high degree of confidence" | "high degree of confidence" => {
            "high confidence"
        }
        "moderate confidence" | "medium confidence" => "moderate confidence",
        "low confidence" => "low confidence",
        "very high degree of certainty"
        | "a very high degree of certainty"
        | "very high confidence" => "almost certain",
        other => other,
    };
    match adjective {
        "high confidence" => return Some(Band::new(0.70, 1.0)),
        "moderate confidence" => return Some(Band::new(0.30, 0.69)),
        "low confidence" => return Some(Band::new(0.01, 0.29)),
        "roughly even chance" => return Some(Icd203::RoughlyEvenChance.band()),
        _ => {}
    }
    if let Ok(p) = adjective.parse::<Phia>() {
        return Some(p.band());
    }
    adjective.parse::<Icd203>().ok().map(Icd203::band)
}

#[cfg(test)]
mod estimative_tests {
    use super::*;

    #[test]
    fn common_phrases_have_bands() {
        assert_eq!(
            estimative_band("almost certainly"),
            Some(Phia::AlmostCertain.band())
        );
        assert_eq!(
            estimative_band("Highly likely"),
            Some(Phia::HighlyLikely.band())
        );
        assert_eq!(
            estimative_band("with a very high degree of certainty"),
            Some(Phia::AlmostCertain.band())
        );
        assert_eq!(
            estimative_band("high confidence"),
            Some(Band::new(0.70, 1.0))
        );
        assert_eq!(estimative_band("probably"), Some(Phia::Likely.band()));
        assert_eq!(
            estimative_band("nearly certain"),
            Some(Icd203::AlmostCertain.band())
        );
        assert_eq!(estimative_band("for sure"), None);
    }
}
