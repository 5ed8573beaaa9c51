//! Items stored graded before migration 0009 (telemetry sightings and source
//! territories, device findings written as fixed evidence with the constants
//! the default policy now holds), read back into what was observed when a
//! stored case is loaded, so an old store is graded under the policy like a
//! new one. A read-time rule: old rows are not rewritten.

use ascribe_assess::{observed_to_evidence, Policy};
use ascribe_model::{Bearing, Case, Evidence, Fact, IndicatorKind, Observed};

/// Moves the case's legacy items out of its evidence into its observations:
/// those read back come first (in the evidence's order), then those stored as
/// observed. The other evidence stays as it is.
pub(crate) fn upgrade(case: &mut Case) {
    let mut observed = Vec::new();
    case.evidence.retain(|e| match observed_from_legacy(e) {
        Some(o) => {
            observed.push(o);
            false
        }
        None => true,
    });
    observed.append(&mut case.observed);
    case.observed = observed;
}

/// Reads an item stored the old way back into what was observed. `None` when
/// the item is not such an item, or when the default policy would not grade
/// the observation read back into exactly the stored item (an edited row, an
/// unknown format): that item stays fixed evidence, so an old store assesses
/// as it did under the default policy either way.
pub fn observed_from_legacy(e: &Evidence) -> Option<Observed> {
    let origin = e.origin.as_deref()?;
    let candidates = if let Some(rest) = origin.strip_prefix("telemetry:sighting:") {
        legacy_sighting(e, rest)?
    } else if let Some(cc) = origin.strip_prefix("telemetry:geolocation:") {
        vec![legacy_geolocation(e, cc)?]
    } else if let Some(rest) = origin.strip_prefix("device:") {
        let (_, finding) = rest.split_once(':')?;
        let Bearing::Ratings(ratings) = &e.bearing else {
            return None;
        };
        vec![(
            e.summary.clone(),
            Fact::DeviceFinding {
                finding: finding.to_owned(),
                ratings: ratings.clone(),
            },
        )]
    } else {
        return None;
    };
    candidates.into_iter().find_map(|(summary, fact)| {
        let observed = Observed {
            id: e.id.clone(),
            summary,
            source: e.source.clone(),
            tlp: e.tlp,
            origin: origin.to_owned(),
            fact,
        };
        // An observation the default policy cannot grade cannot be the row it
        // came from: the row then stays fixed evidence, as stored (not lost).
        let Ok(regraded) =
            observed_to_evidence(std::slice::from_ref(&observed), &Policy::default())
        else {
            return None;
        };
        (regraded.as_slice() == std::slice::from_ref(e)).then_some(observed)
    })
}

/// `Sensor logs show N event(s) with ... between FIRST and LAST[, e.g. X]; WHY.`
/// The readings it may be: for an address, seen on shared hosting or not (the
/// reason at the end tells which; the one the default policy grades into the
/// stored row is kept). `None` when the row is not in that form (a field does
/// not parse): it is then not an old sighting and stays fixed evidence.
fn legacy_sighting(e: &Evidence, kind_value: &str) -> Option<Vec<(String, Fact)>> {
    let (kind, _) = kind_value.split_once(':')?;
    let indicator: IndicatorKind = kind.parse().ok()?;
    let Bearing::LikelihoodRatios(ratios) = &e.bearing else {
        return None;
    };
    // The reason is the last "; " clause; everything before it is what was seen.
    let (seen, _why) = e.summary.strip_suffix('.')?.rsplit_once("; ")?;
    let rest = seen.strip_prefix("Sensor logs show ")?;
    let (count, rest) = rest.split_once(" event(s) with ")?;
    let (_, span) = rest.rsplit_once(" between ")?;
    let (first_seen, last) = span.split_once(" and ")?;
    let last_seen = last.split_once(", e.g. ").map_or(last, |(l, _)| l);
    let count = count.parse().ok()?;
    let shared: &[Option<bool>] = if indicator == IndicatorKind::Ip {
        &[Some(false), Some(true)]
    } else {
        &[None]
    };
    Some(
        shared
            .iter()
            .map(|&shared_hosting| {
                (
                    seen.to_owned(),
                    Fact::Sighting {
                        indicator,
                        hypotheses: ratios.keys().cloned().collect(),
                        count,
                        first_seen: first_seen.to_owned(),
                        last_seen: last_seen.to_owned(),
                        as_name: None,
                        shared_hosting,
                    },
                )
            })
            .collect(),
    )
}

/// `N of TOTAL geolocated events (...) came from addresses in CC; ...`
/// `None` when the row is not in that form: it then stays fixed evidence.
fn legacy_geolocation(e: &Evidence, cc: &str) -> Option<(String, Fact)> {
    let Bearing::Ratings(ratings) = &e.bearing else {
        return None;
    };
    let (n, rest) = e.summary.split_once(" of ")?;
    let (total, _) = rest.split_once(" geolocated events")?;
    Some((
        e.summary.clone(),
        Fact::Geolocation {
            country: cc.to_owned(),
            hypotheses: ratings.keys().cloned().collect(),
            events: n.parse().ok()?,
            total: total.parse().ok()?,
        },
    ))
}
