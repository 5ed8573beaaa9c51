//! How statements about an incident become evidence, by documented defaults.
//!
//! - An accusation or attribution statement is a graded claim consistent with
//!   the accused: "strongly consistent" when its confidence phrase is strong
//!   (band midpoint at or above `policy.claims.strong_from`), else
//!   "consistent". It is a statement, never technical evidence.
//! - A denial by the accused is neutral: it is expected whoever did it.
//! - A counter-accusation is neutral about this incident.
//! - Every claim takes `policy.claims.default_grade` and its own TLP marking;
//!   its source is the speaking organisation (else the speaker), so that many
//!   statements by one government are damped as one source.

use std::collections::BTreeMap;

use ascribe_model::names::{self, Match, Name};
use ascribe_model::{
    AchRating, Admiralty, Bearing, Claim, ClaimKind, Evidence, EvidenceKind, Hypothesis,
};

use crate::Policy;

/// The evidence made from claims, and notes on claims that could not be used.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimConversion {
    pub evidence: Vec<Evidence>,
    pub notes: Vec<String>,
}

/// Converts claims to evidence items with ids `claim:<claim id>`.
pub fn claims_to_evidence(
    claims: &[Claim],
    hypotheses: &[Hypothesis],
    policy: &Policy,
) -> ClaimConversion {
    let mut out = ClaimConversion::default();
    let grade: Admiralty = match policy.claims.default_grade.parse() {
        Ok(g) => g,
        Err(err) => {
            out.notes.push(format!(
                "policy claims.default_grade: {err}; C3 used instead"
            ));
            Admiralty::new(
                ascribe_model::Reliability::C,
                ascribe_model::Credibility::PossiblyTrue,
            )
        }
    };
    for (n, claim) in claims.iter().enumerate() {
        let claim_id = if claim.id.is_empty() {
            format!("{}", n + 1)
        } else {
            claim.id.clone()
        };
        let kind = claim.kind_or_accusation();
        let targets = accused(claim, hypotheses);
        let mut ratings = BTreeMap::new();
        let evidence_kind = match kind {
            ClaimKind::Accusation | ClaimKind::AttributionStatement => {
                if targets.is_empty() {
                    out.notes.push(format!(
                        "claim {claim_id} accuses {:?}, which matches no hypothesis; it was not used",
                        claim.target.as_deref().or(claim.target_canonical.as_deref()).unwrap_or("nobody named")
                    ));
                    continue;
                }
                let strong = claim
                    .probability
                    .is_some_and(|b| b.midpoint() >= policy.claims.strong_from);
                let rating = if strong {
                    AchRating::StronglyConsistent
                } else {
                    AchRating::Consistent
                };
                for h in &targets {
                    ratings.insert(h.id.clone(), rating);
                }
                if kind == ClaimKind::Accusation {
                    EvidenceKind::Accusation
                } else {
                    EvidenceKind::OfficialStatement
                }
            }
            ClaimKind::Denial => EvidenceKind::Denial,
            ClaimKind::CounterAccusation => EvidenceKind::CounterAccusation,
        };
        let speaker = claim
            .speaker_org
            .clone()
            .or_else(|| claim.speaker.clone())
            .or_else(|| claim.doc.clone())
            .unwrap_or_else(|| "unattributed statement".to_owned());
        let mut summary = format!("{} ({kind})", speaker);
        if let Some(t) = claim
            .target
            .as_deref()
            .or(claim.target_canonical.as_deref())
        {
            summary.push_str(&format!(" about {t}"));
        }
        if let Some(p) = &claim.confidence_phrase {
            summary.push_str(&format!(", \"{p}\""));
        }
        if let Some(d) = &claim.date {
            summary.push_str(&format!(", {d}"));
        }
        out.evidence.push(Evidence {
            id: format!("claim:{claim_id}"),
            kind: evidence_kind,
            summary,
            source: speaker,
            grade,
            tlp: claim.tlp,
            bearing: Bearing::Ratings(ratings),
            origin: Some(match &claim.doc {
                Some(doc) => format!("claim {claim_id} in {doc}"),
                None => format!("claim {claim_id}"),
            }),
        });
    }
    out
}

/// The hypotheses a claim accuses: those whose actor it names, or, when it
/// names no actor of the case, those whose sponsor is the state it names.
fn accused<'h>(claim: &Claim, hypotheses: &'h [Hypothesis]) -> Vec<&'h Hypothesis> {
    let said = |fields: &[&Option<String>]| -> Vec<Name> {
        fields
            .iter()
            .filter_map(|f| f.as_deref())
            .map(Name::new)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let named = said(&[&claim.target_canonical, &claim.target]);
    let states = said(&[&claim.target_state, &claim.target_canonical, &claim.target]);
    let named_hyps: Vec<&Hypothesis> = hypotheses
        .iter()
        .filter(|h| h.id != ascribe_model::OTHER_HYPOTHESIS)
        .filter(|h| {
            named
                .iter()
                .any(|s| names::names_hypothesis(h, s, Match::SameOrWithin))
        })
        .collect();
    if !named_hyps.is_empty() {
        return named_hyps;
    }
    hypotheses
        .iter()
        .filter(|h| h.id != ascribe_model::OTHER_HYPOTHESIS)
        .filter(|h| {
            let Some(sponsor) = h.resolved.as_ref().and_then(|r| r.sponsor.as_deref()) else {
                return false;
            };
            let sponsor = Name::new(sponsor);
            states
                .iter()
                .any(|s| s.names(&sponsor, Match::SameOrWithin))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_model::{ActorRef, Band, Tlp};

    fn hyp(id: &str, actor: &str, sponsor: Option<&str>) -> Hypothesis {
        Hypothesis {
            id: id.into(),
            actor: Some(actor.into()),
            resolved: Some(ActorRef {
                name: actor.into(),
                sponsor: sponsor.map(Into::into),
            }),
            prior: None,
        }
    }

    fn claim(kind: ClaimKind, target: &str, band: Option<Band>) -> Claim {
        Claim {
            kind: Some(kind),
            speaker_org: Some("UK Government".into()),
            target: Some(target.into()),
            probability: band,
            ..Claim::default()
        }
    }

    /// One claim converted against APT29 (sponsored by Russia), `more` and "other".
    fn against_apt29(more: &[Hypothesis], c: Claim) -> ClaimConversion {
        let mut hyps = vec![hyp("apt29", "APT29", Some("Russia"))];
        hyps.extend_from_slice(more);
        hyps.push(Hypothesis::other());
        claims_to_evidence(&[c], &hyps, &Policy::default())
    }

    /// The ratings of an item that bears on hypotheses one by one.
    fn ratings(e: &Evidence) -> &BTreeMap<String, AchRating> {
        let Bearing::Ratings(r) = &e.bearing else {
            panic!("ratings expected")
        };
        r
    }

    #[test]
    fn accusation_against_a_state_is_consistent_with_its_groups() {
        let band = Some(Band::new(0.95, 1.0));
        let out = against_apt29(
            &[hyp("apt41", "APT41", Some("China"))],
            claim(ClaimKind::Accusation, "Russia", band),
        );
        assert_eq!(out.evidence.len(), 1);
        let r = ratings(&out.evidence[0]);
        assert_eq!(r.get("apt29"), Some(&AchRating::StronglyConsistent));
        assert_eq!(r.get("apt41"), None);
        assert_eq!(out.evidence[0].kind, EvidenceKind::Accusation);
        assert_eq!(out.evidence[0].source, "UK Government");
        assert_eq!(out.evidence[0].tlp, Tlp::Clear);
    }

    #[test]
    fn a_named_group_is_preferred_to_its_sponsor() {
        let apt28 = [hyp("apt28", "APT28", Some("Russia"))];
        let mut c = claim(ClaimKind::AttributionStatement, "APT29", None);
        c.target_state = Some("Russia".into());
        let out = against_apt29(&apt28, c);
        let r = ratings(&out.evidence[0]);
        assert_eq!(r.keys().collect::<Vec<_>>(), ["apt29"]);
        let out = against_apt29(
            &apt28,
            claim(ClaimKind::Accusation, "Russian hackers", None),
        );
        assert!(
            out.evidence.is_empty(),
            "an adjective alone is not a state: {:?}",
            out.evidence
        );
    }

    #[test]
    fn weak_or_missing_phrase_is_merely_consistent() {
        let out = against_apt29(&[], claim(ClaimKind::Accusation, "APT 29", None));
        let r = ratings(&out.evidence[0]);
        assert_eq!(r.get("apt29"), Some(&AchRating::Consistent));
    }

    #[test]
    fn denial_is_kept_as_neutral_evidence() {
        let out = against_apt29(&[], claim(ClaimKind::Denial, "Russia", None));
        assert_eq!(out.evidence[0].kind, EvidenceKind::Denial);
        assert_eq!(out.evidence[0].bearing, Bearing::Ratings(BTreeMap::new()));
    }

    #[test]
    fn accusation_of_an_unknown_party_is_noted_not_used() {
        let out = against_apt29(&[], claim(ClaimKind::Accusation, "Atlantis", None));
        assert!(out.evidence.is_empty());
        assert_eq!(out.notes.len(), 1);
        assert!(out.notes[0].contains("Atlantis"), "{:?}", out.notes);
    }
}
