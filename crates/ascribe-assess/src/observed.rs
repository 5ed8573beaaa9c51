//! What programs observed, graded under the policy.
//!
//! Sensor sightings, source territories and device findings are stored as
//! what was seen ([`ascribe_model::Observed`]); this is the one place that
//! turns them into likelihood ratios, ratings and grades, from
//! [`Policy::telemetry`] and [`Policy::device`], each time a case is assessed.

use std::collections::BTreeMap;

use ascribe_model::{Bearing, Case, Evidence, Fact, IndicatorKind, Observed};

use crate::policy::policy_grade;
use crate::{AssessError, Policy};

/// Grades the case's observations under `policy` and appends them to its
/// evidence (after the evidence, before claims the caller converts next).
pub fn grade_observed(case: &mut Case, policy: &Policy) -> Result<(), AssessError> {
    let graded = observed_to_evidence(&case.observed, policy)?;
    case.evidence.extend(graded);
    case.observed.clear();
    Ok(())
}

/// The evidence items the observations make under `policy`, in their order.
pub fn observed_to_evidence(
    observed: &[Observed],
    policy: &Policy,
) -> Result<Vec<Evidence>, AssessError> {
    let t = &policy.telemetry;
    let sighting_grade = policy_grade("telemetry.sighting_grade", &t.sighting_grade)
        .map_err(AssessError::BadPolicy)?;
    let geolocation_grade = policy_grade("telemetry.geolocation_grade", &t.geolocation_grade)
        .map_err(AssessError::BadPolicy)?;
    observed
        .iter()
        .map(|o| {
            let (summary, grade, bearing) = match &o.fact {
                Fact::Sighting {
                    indicator,
                    hypotheses,
                    as_name,
                    shared_hosting,
                    ..
                } => {
                    let shared = match shared_hosting {
                        Some(decided) => *decided,
                        None => as_name
                            .as_deref()
                            .is_some_and(|n| t.is_shared_hosting_as(n)),
                    };
                    let (lr, why) = specificity(policy, *indicator, shared);
                    let ratios: BTreeMap<String, f64> =
                        hypotheses.iter().map(|h| (h.clone(), lr)).collect();
                    (
                        format!("{}; {why}.", o.summary),
                        sighting_grade,
                        Bearing::LikelihoodRatios(ratios),
                    )
                }
                Fact::Geolocation { hypotheses, .. } => (
                    o.summary.clone(),
                    geolocation_grade,
                    Bearing::Ratings(
                        hypotheses
                            .iter()
                            .map(|h| (h.clone(), t.geolocation_rating))
                            .collect(),
                    ),
                ),
                Fact::DeviceFinding { finding, ratings } => (
                    o.summary.clone(),
                    policy
                        .device
                        .grade(finding)
                        .map_err(AssessError::BadPolicy)?,
                    Bearing::Ratings(ratings.clone()),
                ),
            };
            Ok(Evidence {
                id: o.id.clone(),
                kind: o.fact.kind(),
                summary,
                source: o.source.clone(),
                grade,
                tlp: o.tlp,
                bearing,
                origin: Some(o.origin.clone()),
            })
        })
        .collect()
}

/// How specific an indicator is, as a likelihood ratio for the linked actor, and why.
fn specificity(policy: &Policy, kind: IndicatorKind, shared_hosting: bool) -> (f64, &'static str) {
    let r = &policy.telemetry.ratio;
    match kind {
        IndicatorKind::Sha256 | IndicatorKind::Sha1 | IndicatorKind::Md5 => {
            (r.hash, "a file hash is specific to one tool build")
        }
        IndicatorKind::Domain => (
            r.domain,
            "a dedicated domain is rarely shared between operators",
        ),
        IndicatorKind::Url => (r.url, "a URL path on an actor's server is specific"),
        IndicatorKind::Ip if shared_hosting => (
            r.shared_hosting_address,
            "the address belongs to a hosting or cloud provider shared by many tenants",
        ),
        IndicatorKind::Ip => (
            r.address,
            "a single address is reused, rented and reassigned",
        ),
        IndicatorKind::Cidr => (r.network, "a network range is shared by many hosts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_grade_that_is_not_one_is_refused_by_name() {
        let mut p = Policy::default();
        p.telemetry.sighting_grade = "Z9".into();
        let err = p.validate().unwrap_err();
        assert!(err.contains("telemetry.sighting_grade"), "{err}");
        assert!(observed_to_evidence(&[], &p).is_err());
        let mut p = Policy::default();
        p.device.hint_grade = "B".into();
        assert!(p.validate().unwrap_err().contains("device.hint_grade"));
        let mut p = Policy::default();
        p.telemetry.ratio.hash = 0.0;
        assert!(p.validate().unwrap_err().contains("telemetry.ratio.hash"));
        let mut p = Policy::default();
        p.telemetry.shared_hosting_as.push(" ".into());
        assert!(p.validate().unwrap_err().contains("shared_hosting_as"));
    }

    #[test]
    fn the_shared_hosting_list_is_the_policys() {
        let sighting = |as_name: Option<&str>| Observed {
            id: "s".into(),
            summary: "seen".into(),
            source: "sensors".into(),
            tlp: ascribe_model::Tlp::Amber,
            origin: "telemetry:sighting:ip:192.0.2.1".into(),
            fact: Fact::Sighting {
                indicator: IndicatorKind::Ip,
                hypotheses: vec!["h".into()],
                count: 1,
                first_seen: "a".into(),
                last_seen: "b".into(),
                as_name: as_name.map(Into::into),
                shared_hosting: None,
            },
        };
        let lr = |p: &Policy, o: Observed| match &observed_to_evidence(&[o], p).unwrap()[0].bearing
        {
            Bearing::LikelihoodRatios(m) => m["h"],
            Bearing::Ratings(_) => unreachable!("a sighting has ratios"),
        };
        let p = Policy::default();
        assert_eq!(lr(&p, sighting(Some("HETZNER-AS"))), 1.2);
        assert_eq!(lr(&p, sighting(Some("Rostelecom"))), 2.0);
        assert_eq!(lr(&p, sighting(None)), 2.0);
        let mut p = Policy::default();
        p.telemetry.shared_hosting_as = vec!["rostelecom".into()];
        assert_eq!(lr(&p, sighting(Some("HETZNER-AS"))), 2.0);
        assert_eq!(lr(&p, sighting(Some("Rostelecom"))), 1.2);
    }
}
