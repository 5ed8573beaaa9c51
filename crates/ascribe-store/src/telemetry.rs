//! Sensor-log runs: their aggregates and sightings, optionally attached to an incident.

use ascribe_model::{Observation, Sighting, Tlp};

use crate::case::rank;
use crate::sql::{big, unsigned, ToParam};
use crate::{ReadUnit, Result, Store, UnitOfWork};

/// One `ascribe telemetry ingest` run as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryRun {
    pub id: String,
    pub incident_id: Option<String>,
    pub started_at: String,
    pub inputs: Vec<String>,
    pub event_types: String,
    /// The run's summary (counts per event type, bad lines) as JSON.
    pub summary_json: String,
    /// The logs' marking (`--tlp`): its aggregates are shown to readers
    /// cleared for it only; each sighting keeps its own, never below it.
    pub tlp: Tlp,
    /// Aggregates with their matched-event count and matched indicator values.
    pub observations: Vec<(Observation, u64, Vec<String>)>,
    pub sightings: Vec<Sighting>,
}

impl Store {
    /// Saves a run in one transaction (replacing a run with the same id).
    pub fn save_telemetry_run(&mut self, run: &TelemetryRun) -> Result<()> {
        self.unit_of_work(|u| u.save_telemetry_run(run))
    }

    /// Runs attached to an incident: (id, started_at, number of aggregate rows, number of sightings).
    pub fn telemetry_runs(&self, incident_id: &str) -> Result<Vec<(String, String, i64, i64)>> {
        self.read(|r| r.telemetry_runs(incident_id))
    }
}

impl UnitOfWork<'_> {
    /// Saves a run (replacing a run with the same id) as part of this unit of work.
    pub fn save_telemetry_run(&self, run: &TelemetryRun) -> Result<()> {
        self.execute("DELETE FROM telemetry_runs WHERE id = $1", &[&run.id])?;
        let inputs = serde_json::to_string(&run.inputs).expect("a list of strings serialises");
        self.execute(
            "INSERT INTO telemetry_runs (id, incident_id, started_at, inputs_json, event_types, summary_json, tlp)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&run.id, &run.incident_id, &run.started_at, &inputs, &run.event_types, &run.summary_json, &run.tlp.as_str()],
        )?;
        let mut agg = self.prepare(
            "INSERT INTO telemetry_aggregates (run_id, day, src_country, src_asn, signature, action,
               events, matched_events, distinct_src_ips, first_seen, last_seen)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )?;
        let mut matched_by = self.prepare(
            "INSERT INTO telemetry_aggregate_indicators (run_id, day, src_country, src_asn, signature,
               action, position, indicator)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )?;
        for (o, matched, vals) in &run.observations {
            let asn = i64::from(o.src_asn);
            // The aggregate's key: its row and its matched indicators' rows start with it.
            let key: [&dyn ToParam; 6] = [
                &run.id,
                &o.day,
                &o.src_country,
                &asn,
                &o.signature,
                &o.action,
            ];
            let (events, matched, addresses) = (
                big(o.events, "event count")?,
                big(*matched, "matched event count")?,
                big(o.distinct_src_ips, "address count")?,
            );
            let counts: [&dyn ToParam; 5] =
                [&events, &matched, &addresses, &o.first_seen, &o.last_seen];
            agg.execute(&[&key[..], &counts[..]].concat())?;
            for (pos, v) in (0_i64..).zip(vals) {
                let rest: [&dyn ToParam; 2] = [&pos, v];
                matched_by.execute(&[&key[..], &rest[..]].concat())?;
            }
        }
        drop(agg);
        drop(matched_by);
        let mut sig = self.prepare(
            "INSERT INTO telemetry_sightings (run_id, indicator_type, value, actor, source, tlp,
               first_seen, last_seen, events, examples_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )?;
        for s in &run.sightings {
            let ex = serde_json::to_string(&s.examples).expect("a list of strings serialises");
            sig.execute(&[
                &run.id,
                &s.indicator.kind.as_str(),
                &s.indicator.value,
                &s.indicator.actor,
                &s.indicator.source,
                &s.indicator.tlp.as_str(),
                &s.first_seen,
                &s.last_seen,
                &big(s.count, "sighting count")?,
                &ex,
            ])?;
        }
        Ok(())
    }
}

impl ReadUnit<'_> {
    /// Runs attached to an incident: (id, started_at, number of aggregate rows, number of sightings).
    pub fn telemetry_runs(&self, incident_id: &str) -> Result<Vec<(String, String, i64, i64)>> {
        self.query(
            "SELECT r.id, r.started_at,
                    (SELECT COUNT(*) FROM telemetry_aggregates a WHERE a.run_id = r.id),
                    (SELECT COUNT(*) FROM telemetry_sightings s WHERE s.run_id = r.id)
             FROM telemetry_runs r WHERE r.incident_id = $1 ORDER BY r.started_at, r.id",
            &[&incident_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
    }
}

/// What the telemetry page groups events by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventGroup {
    /// Source country (ISO code as the geolocation gave it).
    Country,
    /// Source AS number.
    Asn,
    /// Alert signature.
    Signature,
    /// UTC day.
    Day,
}

impl EventGroup {
    fn column(self) -> &'static str {
        match self {
            EventGroup::Country => "a.src_country",
            EventGroup::Asn => "CAST(a.src_asn AS TEXT)",
            EventGroup::Signature => "a.signature",
            EventGroup::Day => "a.day",
        }
    }
}

/// One stored sighting as the telemetry page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingRow {
    pub run_id: String,
    pub incident_id: Option<String>,
    pub indicator_type: String,
    pub value: String,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub tlp: Tlp,
    pub first_seen: String,
    pub last_seen: String,
    pub events: u64,
}

/// The rank of a run's marking (`r.tlp`), as `tlp_rank!` ranks `tlp`.
macro_rules! run_rank {
    () => {
        "(CASE r.tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 \
          WHEN 'amber+strict' THEN 3 ELSE 4 END)"
    };
}

/// What the telemetry reads see: the runs marked at or below `clearance`
/// (there is no filter without one), narrowed to the days from `from` to
/// `to` (`YYYY-MM-DD`, both included), a source country, a source AS and
/// one run. Sightings have no country or AS: they are narrowed by run and
/// by the days they were seen on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryFilter {
    pub clearance: Tlp,
    pub from: Option<String>,
    pub to: Option<String>,
    pub country: Option<String>,
    pub asn: Option<u32>,
    pub run: Option<String>,
}

impl From<Tlp> for TelemetryFilter {
    /// Everything a reader with this clearance may see.
    fn from(clearance: Tlp) -> Self {
        TelemetryFilter {
            clearance,
            from: None,
            to: None,
            country: None,
            asn: None,
            run: None,
        }
    }
}

/// A statement's parameters as it is written: `$1` is the clearance's rank.
struct Bound<'a> {
    params: Vec<&'a dyn ToParam>,
}

impl<'a> Bound<'a> {
    /// Adds `v`; its placeholder.
    fn push(&mut self, v: &'a dyn ToParam) -> String {
        self.params.push(v);
        format!("${}", self.params.len())
    }
}

/// The filter's conditions on aggregates (`a`) beyond the clearance.
struct Narrowed {
    max: i64,
    asn: Option<i64>,
    /// The last day as the upper bound of a timestamp (`to` + `T~`, after any time of that day).
    until: Option<String>,
}

impl TelemetryFilter {
    fn narrowed(&self) -> Narrowed {
        Narrowed {
            max: rank(self.clearance),
            asn: self.asn.map(i64::from),
            until: self.to.as_ref().map(|t| format!("{t}T~")),
        }
    }

    /// The conditions of the clearance and the filter on aggregates `a` of runs `r`.
    fn on_aggregates<'a>(&'a self, n: &'a Narrowed, b: &mut Bound<'a>) -> String {
        let mut w = String::from(concat!(run_rank!(), " <= $1"));
        if let Some(f) = &self.from {
            w.push_str(&format!(" AND a.day >= {}", b.push(f)));
        }
        if let Some(t) = &self.to {
            w.push_str(&format!(" AND a.day <= {}", b.push(t)));
        }
        if let Some(c) = &self.country {
            w.push_str(&format!(" AND a.src_country = {}", b.push(c)));
        }
        if let Some(a) = &n.asn {
            w.push_str(&format!(" AND a.src_asn = {}", b.push(a)));
        }
        if let Some(r) = &self.run {
            w.push_str(&format!(" AND a.run_id = {}", b.push(r)));
        }
        w
    }

    /// The conditions on sightings `s` of runs `r`: their own marking and
    /// their run's, the run, and the days they were seen on.
    fn on_sightings<'a>(&'a self, n: &'a Narrowed, b: &mut Bound<'a>) -> String {
        let mut w = String::from(concat!(
            "(CASE s.tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 \
              WHEN 'amber+strict' THEN 3 ELSE 4 END)",
            " <= $1 AND ",
            run_rank!(),
            " <= $1"
        ));
        if let Some(f) = &self.from {
            w.push_str(&format!(" AND s.last_seen >= {}", b.push(f)));
        }
        if let Some(u) = &n.until {
            w.push_str(&format!(" AND s.first_seen <= {}", b.push(u)));
        }
        if let Some(r) = &self.run {
            w.push_str(&format!(" AND s.run_id = {}", b.push(r)));
        }
        w
    }
}

impl ReadUnit<'_> {
    /// The highest marking among the runs a reader with the filter's
    /// clearance may see (the one run when it names one), or `None` when
    /// there are none.
    pub fn telemetry_marking_seen_by(
        &self,
        seen: impl Into<TelemetryFilter>,
    ) -> Result<Option<Tlp>> {
        let seen = seen.into();
        let max = rank(seen.clearance);
        let mut b = Bound { params: vec![&max] };
        let mut w = String::from(concat!(run_rank!(), " <= $1"));
        if let Some(r) = &seen.run {
            w.push_str(&format!(" AND r.id = {}", b.push(r)));
        }
        let top: Option<i64> = self.query_value(
            &format!(
                concat!(
                    "SELECT MAX(",
                    run_rank!(),
                    ") FROM telemetry_runs r WHERE {}"
                ),
                w
            ),
            &b.params,
        )?;
        Ok(top.map(|t| match t {
            0 => Tlp::Clear,
            1 => Tlp::Green,
            2 => Tlp::Amber,
            3 => Tlp::AmberStrict,
            _ => Tlp::Red,
        }))
    }

    /// Events of the runs marked at or below the filter's clearance that
    /// match it, summed by `group`: the number of groups, and one page of
    /// them (`offset`, `limit`), by events (most first, then key) or by key
    /// when `most_first` is false. The filter and the sums are in the statement.
    pub fn events_by_seen_by(
        &self,
        group: EventGroup,
        seen: impl Into<TelemetryFilter>,
        most_first: bool,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<(String, u64)>)> {
        let seen = seen.into();
        let col = group.column();
        let n = seen.narrowed();
        let mut b = Bound {
            params: vec![&n.max],
        };
        let from = format!(
            " FROM telemetry_aggregates a JOIN telemetry_runs r ON r.id = a.run_id WHERE {}",
            seen.on_aggregates(&n, &mut b)
        );
        let total: i64 =
            self.query_value(&format!("SELECT COUNT(DISTINCT {col}){from}"), &b.params)?;
        let order = if most_first { "2 DESC, 1" } else { "1 DESC" };
        let (limit, offset) = (big(limit, "page size")?, big(offset, "page offset")?);
        let (l, o) = (b.push(&limit), b.push(&offset));
        let rows = self.query(
            &format!("SELECT {col}, CAST(SUM(a.events) AS BIGINT){from} GROUP BY {col} ORDER BY {order} LIMIT {l} OFFSET {o}"),
            &b.params,
            |r| Ok((r.get::<String>(0)?, unsigned(r.get(1)?, "event count")?)),
        )?;
        Ok((unsigned(total, "group count")?, rows))
    }

    /// Events per (day, country) for `countries`, on `days`, of the runs
    /// marked at or below `clearance`.
    pub fn country_days_seen_by(
        &self,
        seen: impl Into<TelemetryFilter>,
        days: &[String],
        countries: &[String],
    ) -> Result<Vec<(String, String, u64)>> {
        if days.is_empty() || countries.is_empty() {
            return Ok(Vec::new());
        }
        let seen = seen.into();
        let n = seen.narrowed();
        let mut b = Bound {
            params: vec![&n.max],
        };
        let w = seen.on_aggregates(&n, &mut b);
        let d: Vec<String> = days.iter().map(|x| b.push(x)).collect();
        let c: Vec<String> = countries.iter().map(|x| b.push(x)).collect();
        let sql = format!(
            "SELECT a.day, a.src_country, CAST(SUM(a.events) AS BIGINT)
             FROM telemetry_aggregates a JOIN telemetry_runs r ON r.id = a.run_id
             WHERE {w} AND a.day IN ({d}) AND a.src_country IN ({c})
             GROUP BY a.day, a.src_country ORDER BY a.day, a.src_country",
            d = d.join(", "),
            c = c.join(", ")
        );
        self.query(&sql, &b.params, |r| {
            Ok((r.get(0)?, r.get(1)?, unsigned(r.get(2)?, "event count")?))
        })
    }

    /// Sightings marked at or below `clearance` of runs marked at or below
    /// it: how many, and one page of them, most events first.
    pub fn sightings_seen_by(
        &self,
        seen: impl Into<TelemetryFilter>,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<SightingRow>)> {
        let seen = seen.into();
        let n = seen.narrowed();
        let mut b = Bound {
            params: vec![&n.max],
        };
        let filter = format!(
            " FROM telemetry_sightings s JOIN telemetry_runs r ON r.id = s.run_id WHERE {}",
            seen.on_sightings(&n, &mut b)
        );
        let total: i64 = self.query_value(&format!("SELECT COUNT(*){filter}"), &b.params)?;
        let (limit, offset) = (big(limit, "page size")?, big(offset, "page offset")?);
        let (l, o) = (b.push(&limit), b.push(&offset));
        let rows = self.query(
            &format!(
                "SELECT s.run_id, r.incident_id, s.indicator_type, s.value, s.actor, s.source, s.tlp,
                        s.first_seen, s.last_seen, s.events{filter}
                 ORDER BY s.events DESC, s.indicator_type, s.value, s.run_id LIMIT {l} OFFSET {o}"
            ),
            &b.params,
            |r| {
                let value: String = r.get(3)?;
                Ok(SightingRow {
                    run_id: r.get(0)?,
                    incident_id: r.get(1)?,
                    indicator_type: r.get(2)?,
                    tlp: r.tlp(6, || format!("sighting {value:?}"))?,
                    actor: r.get(4)?,
                    source: r.get(5)?,
                    first_seen: r.get(7)?,
                    last_seen: r.get(8)?,
                    events: unsigned(r.get(9)?, "sighting count")?,
                    value,
                })
            },
        )?;
        Ok((unsigned(total, "sighting count")?, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_model::{Indicator, IndicatorKind, Tlp};

    /// Migration 0006: a database written before sightings took the run's
    /// floor has its CLEAR and GREEN sightings raised to AMBER.
    #[test]
    fn sightings_stored_without_the_floor_are_raised_to_amber() -> crate::Result<()> {
        let s = Store::open_in_memory(crate::test_clock())?;
        s.raw_batch(
            "INSERT INTO telemetry_runs (id, incident_id, started_at, inputs_json, event_types, summary_json)
             VALUES ('r1', NULL, '2026', '[]', 'alert', '{}');
             INSERT INTO telemetry_sightings VALUES
             ('r1', 'ip', '198.51.100.1', NULL, NULL, 'clear', 'a', 'b', 1, '[]'),
             ('r1', 'ip', '198.51.100.2', NULL, NULL, 'green', 'a', 'b', 1, '[]'),
             ('r1', 'ip', '198.51.100.3', NULL, NULL, 'red', 'a', 'b', 1, '[]');
             DELETE FROM schema_migrations WHERE version = 6;",
        )?;
        s.migrate_again()?;
        let tlps: Vec<String> =
            s.read(|r| r.query_column("SELECT tlp FROM telemetry_sightings ORDER BY value", &[]))?;
        assert_eq!(tlps, ["amber", "amber", "red"]);
        Ok(())
    }

    #[test]
    fn a_run_round_trips_its_counts() {
        let Ok(mut store) = Store::open_in_memory(crate::test_clock()) else {
            panic!("in-memory store")
        };
        let obs = Observation {
            day: "2024-03-04".into(),
            src_country: "RU".into(),
            src_asn: 13238,
            signature: "ET X".into(),
            action: "blocked".into(),
            events: 5,
            distinct_src_ips: 2,
            first_seen: "2024-03-04T00:00:00.000000Z".into(),
            last_seen: "2024-03-04T01:00:00.000000Z".into(),
        };
        let s = Sighting {
            indicator: Indicator {
                kind: IndicatorKind::Ip,
                value: "198.51.100.7".into(),
                actor: Some("APT29".into()),
                source: None,
                tlp: Tlp::Green,
            },
            first_seen: obs.first_seen.clone(),
            last_seen: obs.last_seen.clone(),
            count: 2,
            examples: vec!["eve.json:3".into()],
        };
        let run = TelemetryRun {
            id: "run-1".into(),
            incident_id: None,
            started_at: "2026-11-22T05:00:00Z".into(),
            inputs: vec!["eve.json".into()],
            event_types: "alert".into(),
            summary_json: "{}".into(),
            tlp: Tlp::Amber,
            observations: vec![(obs, 2, vec!["198.51.100.7".into()])],
            sightings: vec![s],
        };
        assert!(store.save_telemetry_run(&run).is_ok());
        assert!(
            store.save_telemetry_run(&run).is_ok(),
            "saving again replaces"
        );
        let n: i64 = store
            .read(|r| {
                r.query_value(
                    "SELECT SUM(events) FROM telemetry_aggregates WHERE run_id = 'run-1'",
                    &[],
                )
            })
            .expect("the sum of the run's events");
        assert_eq!(n, 5);
    }
}
