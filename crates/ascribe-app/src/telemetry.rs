//! Attaching a sensor run to an incident: the run's rows become stored
//! observations, its sightings stored sightings, and both become evidence
//! as observed (with the AS an address is registered to; the policy decides
//! at assessment time what that weighs), all in one unit of work.

use ascribe_enrich::Geo;
use ascribe_intel::Addr;
use ascribe_model::{Evidence, Indicator, IndicatorKind, Observation, Observed, Tlp};
use ascribe_store::{Store, TelemetryRun};
use ascribe_telemetry::{evidence, Output};

use crate::{AppError, Clock, Result};

/// What a sensor run brings to an incident.
#[derive(Debug, Clone, Copy)]
pub struct AttachArgs<'a> {
    /// The input names, as the run read them (`-` for standard input).
    pub inputs: &'a [String],
    /// The event types the run selected, as given (`alert`, `alert,flow`, `all`).
    pub event_types: &'a str,
    /// Lowest TLP of what is made from the logs (sightings, evidence).
    pub min_tlp: Tlp,
    /// Smallest share of the geolocated events from one country for a geolocation item.
    pub geo_min_share: f64,
}

/// What was stored.
#[derive(Debug, Clone)]
pub struct Attached {
    pub run: TelemetryRun,
    /// What was stored: the sightings and source territories as observed.
    pub observed: Vec<Observed>,
    /// The same graded under the incident's own policy (for showing; the
    /// assessment grades them again under the policy in force then).
    pub graded: Vec<Evidence>,
}

/// A run that read no log record is not evidence: attaching it would store an empty run
/// (and claim the logs were looked at). Names each input and what it was read as.
pub fn refuse_empty_run(out: &Output) -> Result<()> {
    let s = &out.summary;
    if s.lines > s.bad_lines {
        return Ok(());
    }
    let files: Vec<String> = s
        .files
        .iter()
        .map(|f| format!("{} (read as {})", f.name, f.format))
        .collect();
    Err(AppError::Input(format!(
        "{}: no log record read ({} line(s), {} bad); expected Suricata EVE JSON lines, Zeek logs or a CSV firewall log with a header; nothing stored",
        files.join(", "),
        s.lines,
        s.bad_lines
    )))
}

/// Stores the run (id `INCIDENT@now`) and the evidence drawn from it in the
/// incident, graded against the incident's hypotheses, in one unit of work:
/// a failure or a kill between them leaves neither.
pub fn attach(
    store: &mut Store,
    clock: &dyn Clock,
    incident: &str,
    args: &AttachArgs<'_>,
    out: &Output,
    geo: Option<&Geo>,
) -> Result<Attached> {
    refuse_empty_run(out)?;
    let min_tlp = args.min_tlp;
    let inputs = args.inputs;
    let Some(stored) = crate::case::load(store, incident)? else {
        return Err(crate::assess::no_incident(store, incident)?);
    };
    let now = i64::try_from(clock.now().unix_timestamp_nanos() / 1000)
        .expect("the clock's time in microseconds since 1970 fits 64 bits");
    let started_at = ascribe_telemetry::time::format_micros(now);
    let run = TelemetryRun {
        id: format!("{incident}@{started_at}"),
        incident_id: Some(incident.to_owned()),
        started_at,
        inputs: inputs.to_vec(),
        event_types: args.event_types.to_owned(),
        summary_json: serde_json::to_string(&out.summary)
            .expect("a run summary (strings and numbers) serialises as JSON"),
        tlp: min_tlp,
        observations: out
            .rows
            .iter()
            .map(|r| {
                (
                    Observation {
                        day: ascribe_telemetry::time::format_day(r.day),
                        src_country: r.src_country.to_string(),
                        src_asn: r.src_asn,
                        signature: r.signature.to_string(),
                        action: r.action.to_string(),
                        events: r.events,
                        distinct_src_ips: r.distinct_src_ips,
                        first_seen: ascribe_telemetry::time::format_micros(r.first_seen),
                        last_seen: ascribe_telemetry::time::format_micros(r.last_seen),
                    },
                    r.matched_events,
                    r.matched_indicators.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect(),
        // A sighting (and the observed data exported with it) is derived from
        // the indicator and the logs: it takes the stricter of the two markings.
        sightings: out
            .sightings
            .iter()
            .map(|s| evidence::stored_sighting(s, min_tlp))
            .collect(),
    };
    let names: Vec<String> = inputs.to_vec();
    let source = format!("sensor logs ({})", names.join(", "));
    // The AS an address indicator is registered to: the policy decides at
    // assessment time whether it is a shared hosting provider.
    let as_name = |ind: &Indicator| -> Option<String> {
        if ind.kind != IndicatorKind::Ip {
            return None;
        }
        let (g, a) = (geo?, Addr::parse(&ind.value)?);
        let info = g.lookup(a);
        g.as_name(info.asn).or_else(|| g.as_name_of(a))
    };
    let hyps = &stored.case.hypotheses;
    let mut items =
        evidence::sighting_observations(&out.sightings, hyps, &source, min_tlp, &as_name);
    items.extend(evidence::geolocation_observations(
        &out.rows,
        hyps,
        &source,
        min_tlp,
        args.geo_min_share,
    ));
    // Stored as observed; graded here under the incident's own policy (what
    // `assess` without a config would use) for the caller to show.
    let case_policy = crate::assess::stored_policy(stored.policy_json.as_deref())?;
    let policy = crate::assess::policy(None, case_policy.as_ref())?;
    let graded = ascribe_assess::observed_to_evidence(&items, &policy).map_err(|source| {
        AppError::Assess {
            incident: incident.to_owned(),
            source,
        }
    })?;
    // The run and the evidence drawn from it are one writer transaction: a
    // failure or a kill between them leaves neither.
    store.unit_of_work(|u| {
        u.save_telemetry_run(&run)?;
        u.upsert_observed(incident, &items)
    })?;
    Ok(Attached {
        run,
        observed: items,
        graded,
    })
}
