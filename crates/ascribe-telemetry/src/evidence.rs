//! Telemetry as observed evidence, keeping territory apart from sponsorship.
//!
//! What the logs showed is stored as observed ([`ascribe_model::Fact`]); the
//! assessment policy (`ascribe_assess::policy::TelemetryRules`) turns it into
//! ratios and grades each time a case is assessed.
//!
//! - A sighting of an indicator linked to an actor becomes a [`Fact::Sighting`] for that
//!   actor's hypotheses, with the indicator's type and, for an address, the AS it is
//!   registered to: the policy weighs it by how specific the indicator is (a file hash
//!   or a dedicated C2 domain or URL strong, a single address weaker, an address at a
//!   shared hosting or cloud provider or a whole network weak).
//! - Where the sources of the selected events were geolocated becomes a
//!   [`Fact::Geolocation`] per country that a hypothesis's sponsor state matches, which
//!   the policy rates at most "C" (consistent) for those hypotheses and nothing against
//!   the others: an attack from a territory does not show that its state is behind it.
//!
//! Every item names where it came from in `origin` (`telemetry:sighting:<type>:<value>`,
//! `telemetry:geolocation:<CC>`) and is marked at least `min_tlp`.
//!
//! Everything made from the logs (sightings, the observed data exported with them,
//! evidence) is derived from two inputs, the indicator and the logs, and takes the
//! stricter of their markings ([`ascribe_tlp::strictest`]).

use std::collections::BTreeMap;

use ascribe_model::names::{self, Match, Name};
use ascribe_model::{Fact, Hypothesis, Indicator, Observed, Sighting, Tlp};

use crate::engine::{Row, SightingRow};

/// A sighting as stored and exported: its marking is the stricter of the
/// indicator's and the run's floor `min_tlp` (sensor logs are not public).
pub fn stored_sighting(s: &SightingRow, min_tlp: Tlp) -> Sighting {
    Sighting {
        indicator: Indicator {
            tlp: ascribe_tlp::strictest([s.indicator.tlp, min_tlp]),
            ..s.indicator.clone()
        },
        first_seen: s.first_seen.clone(),
        last_seen: s.last_seen.clone(),
        count: s.count,
        examples: s.examples.clone(),
    }
}

/// The hypotheses an actor name points at (by id, actor as written, or
/// canonical name: [`ascribe_model::names::names_hypothesis`], same name).
pub fn hypotheses_for_actor<'h>(actor: &str, hyps: &'h [Hypothesis]) -> Vec<&'h Hypothesis> {
    let a = Name::new(actor);
    hyps.iter()
        .filter(|h| names::names_hypothesis(h, &a, Match::Same))
        .collect()
}

/// Names a state goes by, for the countries most often named in attribution.
pub fn state_names(cc: &str) -> &'static [&'static str] {
    match cc {
        "RU" => &["russia", "russian federation"],
        "CN" => &["china", "people's republic of china", "prc"],
        "KP" => &[
            "north korea",
            "dprk",
            "democratic people's republic of korea",
        ],
        "IR" => &["iran", "islamic republic of iran"],
        "US" => &["united states", "united states of america", "usa", "us"],
        "GB" => &["united kingdom", "uk", "great britain"],
        "IL" => &["israel"],
        "VN" => &["vietnam", "viet nam"],
        "KR" => &["south korea", "republic of korea"],
        "IN" => &["india"],
        "PK" => &["pakistan"],
        "BY" => &["belarus"],
        "UA" => &["ukraine"],
        "TR" => &["turkey", "turkiye"],
        "SY" => &["syria"],
        "LB" => &["lebanon"],
        "AE" => &["united arab emirates", "uae"],
        "SA" => &["saudi arabia"],
        "DE" => &["germany"],
        "FR" => &["france"],
        "NL" => &["netherlands"],
        _ => &[],
    }
}

fn sponsor_of(h: &Hypothesis) -> Option<&str> {
    h.resolved.as_ref().and_then(|r| r.sponsor.as_deref())
}

/// Sightings of indicators linked to an actor that a hypothesis names, as observed.
/// `as_name(ind)` names the AS an address indicator is registered to, when known.
pub fn sighting_observations(
    sightings: &[SightingRow],
    hyps: &[Hypothesis],
    source: &str,
    min_tlp: Tlp,
    as_name: &dyn Fn(&Indicator) -> Option<String>,
) -> Vec<Observed> {
    let mut out = Vec::new();
    for s in sightings {
        let ind = &s.indicator;
        let Some(actor) = ind.actor.as_deref() else {
            continue;
        };
        let targets = hypotheses_for_actor(actor, hyps);
        if targets.is_empty() {
            continue;
        }
        let example = s
            .examples
            .first()
            .map_or(String::new(), |e| format!(", e.g. {e}"));
        out.push(Observed {
            id: format!("telemetry-{}-{}", ind.kind, slug(&ind.value)),
            summary: format!(
                "Sensor logs show {} event(s) with {} {} (linked to {actor}{}) between {} and {}{example}",
                s.count,
                ind.kind,
                ind.value,
                ind.source.as_deref().map_or(String::new(), |src| format!(" by {src}")),
                s.first_seen,
                s.last_seen,
            ),
            source: source.to_owned(),
            tlp: ascribe_tlp::strictest([ind.tlp, min_tlp]),
            origin: format!("telemetry:sighting:{}:{}", ind.kind, ind.value),
            fact: Fact::Sighting {
                indicator: ind.kind,
                hypotheses: targets.iter().map(|h| h.id.clone()).collect(),
                count: s.count,
                first_seen: s.first_seen.clone(),
                last_seen: s.last_seen.clone(),
                as_name: as_name(ind),
                shared_hosting: None,
            },
        });
    }
    out
}

/// Source territories as observed: for each source country whose state is a
/// hypothesis's sponsor and that accounts for at least `min_share` of the geolocated
/// events, the country, those hypotheses and the counts.
pub fn geolocation_observations(
    rows: &[Row],
    hyps: &[Hypothesis],
    source: &str,
    min_tlp: Tlp,
    min_share: f64,
) -> Vec<Observed> {
    // Shares among the events whose source could be placed at all (private and unknown
    // addresses say nothing about territory).
    let total: u64 = rows
        .iter()
        .filter(|r| !r.src_country.is_empty())
        .map(|r| r.events)
        .sum();
    if total == 0 {
        return Vec::new();
    }
    let mut by_cc: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.src_country.is_empty()) {
        *by_cc.entry(&*r.src_country).or_default() += r.events;
    }
    let mut out = Vec::new();
    for (cc, n) in by_cc {
        let share = n as f64 / total as f64;
        if share < min_share {
            continue;
        }
        let names = state_names(cc);
        let sponsored: Vec<String> = hyps
            .iter()
            .filter(|h| {
                sponsor_of(h).is_some_and(|s| {
                    let s = s.trim().to_ascii_lowercase();
                    s == cc.to_ascii_lowercase() || names.iter().any(|n| *n == s)
                })
            })
            .map(|h| h.id.clone())
            .collect();
        if sponsored.is_empty() {
            continue;
        }
        out.push(Observed {
            id: format!("telemetry-geolocation-{}", cc.to_ascii_lowercase()),
            summary: format!(
                "{n} of {total} geolocated events ({:.1}%) came from addresses in {cc}; \
                 the territory an attack comes from is at most weakly consistent with its state \
                 being the sponsor (proxies, rented servers and botnets are the norm).",
                share * 100.0
            ),
            source: source.to_owned(),
            tlp: min_tlp,
            origin: format!("telemetry:geolocation:{cc}"),
            fact: Fact::Geolocation {
                country: cc.to_owned(),
                hypotheses: sponsored,
                events: n,
                total,
            },
        });
    }
    out
}

fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(64);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_assess::{observed_to_evidence, Policy};
    use ascribe_model::{AchRating, ActorRef, Bearing, EvidenceKind, IndicatorKind};

    fn hyp(id: &str, actor: &str, sponsor: &str) -> Hypothesis {
        Hypothesis {
            id: id.into(),
            actor: Some(actor.into()),
            resolved: Some(ActorRef {
                name: actor.into(),
                sponsor: Some(sponsor.into()),
            }),
            prior: None,
        }
    }

    fn sighting(kind: IndicatorKind, v: &str, actor: &str) -> SightingRow {
        SightingRow {
            indicator: Indicator {
                kind,
                value: v.into(),
                actor: Some(actor.into()),
                source: Some("ti".into()),
                tlp: Tlp::Green,
            },
            first_seen: "2024-03-04T00:00:00.000000Z".into(),
            last_seen: "2024-03-04T01:00:00.000000Z".into(),
            count: 3,
            examples: vec!["eve.json:7".into()],
        }
    }

    #[test]
    fn specific_indicators_weigh_more() {
        let hyps = [hyp("apt29", "APT29", "Russia"), Hypothesis::other()];
        let s = [
            sighting(IndicatorKind::Domain, "c2.example", "apt29"),
            sighting(IndicatorKind::Ip, "198.51.100.7", "APT 29"),
            sighting(IndicatorKind::Cidr, "198.51.100.0/24", "APT29"),
            sighting(IndicatorKind::Ip, "203.0.113.9", "Someone Else"),
        ];
        let observed = sighting_observations(&s, &hyps, "sensors", Tlp::Amber, &|_| None);
        let ev = observed_to_evidence(&observed, &Policy::default()).expect("grades");
        let lrs: Vec<f64> = ev
            .iter()
            .map(|e| match &e.bearing {
                Bearing::LikelihoodRatios(m) => m.get("apt29").copied().unwrap_or(0.0),
                Bearing::Ratings(_) => 0.0,
            })
            .collect();
        assert_eq!(lrs, [4.0, 2.0, 1.3]);
        assert!(ev
            .iter()
            .all(|e| e.tlp == Tlp::Amber && e.kind == EvidenceKind::InfrastructureOverlap));
        assert_eq!(
            ev[1].origin.as_deref(),
            Some("telemetry:sighting:ip:198.51.100.7")
        );
        let shared = sighting_observations(&s[1..2], &hyps, "sensors", Tlp::Clear, &|_| {
            Some("AMAZON-02".to_owned())
        });
        let shared = observed_to_evidence(&shared, &Policy::default()).expect("grades");
        assert!(
            matches!(&shared[0].bearing, Bearing::LikelihoodRatios(m) if m.get("apt29") == Some(&1.2))
        );
    }

    #[test]
    fn geolocation_is_at_most_consistent() {
        let hyps = [
            hyp("apt29", "APT29", "Russia"),
            hyp("apt28", "APT28", "Russian Federation"),
            Hypothesis::other(),
        ];
        let row = |cc: &str, events| Row {
            day: 19_786,
            src_country: cc.into(),
            src_asn: 0,
            signature: "s".into(),
            action: "allowed".into(),
            events,
            matched_events: 0,
            matched_indicators: vec![],
            distinct_src_ips: 1,
            distinct_src_ips_exact: true,
            first_seen: 0,
            last_seen: 0,
        };
        let rows = [row("RU", 30), row("US", 60), row("", 10)];
        let observed = geolocation_observations(&rows, &hyps, "sensors", Tlp::Amber, 0.05);
        let ev = observed_to_evidence(&observed, &Policy::default()).expect("grades");
        assert_eq!(ev.len(), 1);
        let Bearing::Ratings(r) = &ev[0].bearing else {
            panic!("ratings expected")
        };
        assert_eq!(r.get("apt29"), Some(&AchRating::Consistent));
        assert_eq!(r.get("apt28"), Some(&AchRating::Consistent));
        assert_eq!(r.get("other"), None);
        assert!(ev[0].summary.contains("30 of 90"), "{}", ev[0].summary);
    }
}
