//! `/telemetry`: what the stored sensor runs a reader may see counted:
//! events by source country (totals and over time), by source AS, the top
//! signatures, and the sightings of indicators. Each chart is SVG with its
//! data table beside it; the caveat that the territory traffic comes from is
//! not its sponsor stands above the charts. Runs and sightings above the
//! reader's clearance are never read (the store's statements filter and
//! sum); every list is one page at a time with its count.

use ascribe_model::Tlp;
use ascribe_store::{EventGroup, SightingRow, Store, StoreError, TelemetryFilter};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use crate::export::{cell, enc};
use crate::format::count;
use crate::layout::{chip, page, pager, text_input, FieldErrors};
use crate::params::{Paging, Params};
use crate::svg::counts;
use crate::{app_error, html_response, Reading, Viewer, Web};

/// Bars in a chart (the rest of the groups are in the paged table).
const CHART_BARS: usize = 10;
/// Countries given a column in the table of days.
const DAY_COUNTRIES: usize = 5;

/// The caveat every chart of source territories stands under.
const CAVEAT: &str = "The territory traffic comes from is not its sponsor: an address is registered in a country and an AS, and attackers rent, borrow and hijack machines anywhere. These counts say where connections came from, not who sent them.";

/// One page of a grouping: how many groups there are, and the page's rows.
struct Grouped {
    total: usize,
    rows: Vec<(String, u64)>,
}

/// What the page shows, read at one clearance.
struct Seen {
    marking: Option<Tlp>,
    countries: Grouped,
    /// The chart's countries (most events first), whatever the table's page.
    top_countries: Vec<(String, u64)>,
    days: Grouped,
    /// (day, country, events) for the page's days and the top countries.
    day_countries: Vec<(String, String, u64)>,
    asns: Grouped,
    top_asns: Vec<(String, u64)>,
    signatures: Grouped,
    sightings: (usize, Vec<SightingRow>),
}

/// The pages asked for: (country, day, AS, signature, sighting).
#[derive(Clone, Copy)]
struct Pages {
    size: usize,
    country: usize,
    day: usize,
    asn: usize,
    signature: usize,
    sighting: usize,
}

/// The page's filters as read from the query (the reader's clearance
/// always among them), with the errors to show next to their fields.
fn read_filter(v: &Viewer, q: &Params) -> (TelemetryFilter, FieldErrors) {
    let mut f = TelemetryFilter::from(v.clearance());
    let mut errors = FieldErrors::new();
    for (name, slot) in [("from", &mut f.from), ("to", &mut f.to)] {
        if let Some(d) = q.text(name) {
            if d.len() == 10 && ascribe_app::docs::days(d).is_some() {
                *slot = Some(d.to_owned());
            } else {
                errors.insert(
                    name,
                    format!("{d:?} is not a date: write it as YYYY-MM-DD, e.g. 2020-07-10."),
                );
            }
        }
    }
    if let Some(c) = q.text("src_country") {
        if c.len() == 2 && c.chars().all(|x| x.is_ascii_alphabetic()) {
            f.country = Some(c.to_ascii_uppercase());
        } else {
            errors.insert(
                "src_country",
                format!("{c:?}: write a two-letter country code, e.g. NL."),
            );
        }
    }
    if let Some(a) = q.text("src_asn") {
        match a.trim_start_matches(['A', 'S', 'a', 's']).parse::<u32>() {
            Ok(n) => f.asn = Some(n),
            Err(_) => {
                errors.insert(
                    "src_asn",
                    format!("{a:?}: write an AS number, e.g. 64500 or AS64500."),
                );
            }
        }
    }
    f.run = q.text("run").map(str::to_owned);
    (f, errors)
}

fn page_of(q: &Params, name: &str) -> usize {
    // A page past the end is read as the last one; an unreadable one is the first (as `Paging::read`).
    match q.get(name).map(|v| v.trim().parse::<usize>()) {
        Some(Ok(n)) if n >= 1 => n,
        Some(_) | None => 1,
    }
}

fn read(store: &Store, at: &TelemetryFilter, p: Pages) -> Result<Seen, StoreError> {
    store.read(|r| {
        let off = |n: usize| (n - 1) * p.size;
        // A page past the end shows the last one (as the pager says).
        let last = |total: usize| off(total.div_ceil(p.size).max(1));
        let group = |g: EventGroup, most: bool, n: usize| -> Result<Grouped, StoreError> {
            let (total, rows) = r.events_by_seen_by(g, at.clone(), most, off(n), p.size)?;
            if rows.is_empty() && total > 0 {
                let rows = r
                    .events_by_seen_by(g, at.clone(), most, last(total), p.size)?
                    .1;
                return Ok(Grouped { total, rows });
            }
            Ok(Grouped { total, rows })
        };
        let countries = group(EventGroup::Country, true, p.country)?;
        let top_countries = r
            .events_by_seen_by(EventGroup::Country, at.clone(), true, 0, CHART_BARS)?
            .1;
        let days = group(EventGroup::Day, false, p.day)?;
        let day_keys: Vec<String> = days.rows.iter().map(|d| d.0.clone()).collect();
        let column_countries: Vec<String> = top_countries
            .iter()
            .take(DAY_COUNTRIES)
            .map(|c| c.0.clone())
            .collect();
        let day_countries = r.country_days_seen_by(at.clone(), &day_keys, &column_countries)?;
        let asns = group(EventGroup::Asn, true, p.asn)?;
        let top_asns = r
            .events_by_seen_by(EventGroup::Asn, at.clone(), true, 0, CHART_BARS)?
            .1;
        let signatures = group(EventGroup::Signature, true, p.signature)?;
        let mut sightings = r.sightings_seen_by(at.clone(), off(p.sighting), p.size)?;
        if sightings.1.is_empty() && sightings.0 > 0 {
            sightings = r.sightings_seen_by(at.clone(), last(sightings.0), p.size)?;
        }
        Ok(Seen {
            marking: r.telemetry_marking_seen_by(at.clone())?,
            countries,
            top_countries,
            days,
            day_countries,
            asns,
            top_asns,
            signatures,
            sightings,
        })
    })
}

async fn load(web: &Web, at: TelemetryFilter, p: Pages) -> Result<Seen, Response> {
    web.db(move |s| read(s, &at, p))
        .await?
        .map_err(|e| app_error(&ascribe_app::AppError::from(e)))
}

/// The page's marking: the highest of the runs it counts and the sightings
/// it lists (TLP:CLEAR when it shows none).
fn marking(seen: &Seen) -> Tlp {
    seen.sightings
        .1
        .iter()
        .map(|s| s.tlp)
        .chain(seen.marking)
        .max()
        .unwrap_or(Tlp::Clear)
}

pub(crate) async fn show(State(web): State<Web>, Reading { v, q }: Reading) -> Response {
    let (filter, errors) = read_filter(&v, &q);
    let p = Pages {
        size: web.config().page_size,
        country: page_of(&q, "country"),
        day: page_of(&q, "day"),
        asn: page_of(&q, "as"),
        signature: page_of(&q, "sig"),
        sighting: page_of(&q, "sighting"),
    };
    let seen = match load(&web, filter, p).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = body(&v, &q, &errors, &seen, p);
    html_response(status, page("Telemetry", marking(&seen), &v, body))
}

fn paging(q: &Params, name: &str, size: usize, total: usize) -> Paging {
    Paging::read(q, name, size, total)
}

/// A two-column table of groups with their events.
fn group_table(id: &str, caption: &str, key: &str, g: &Grouped) -> Markup {
    html! {
        div class="table-wrap" role="region" aria-labelledby=(format!("{id}-caption")) tabindex="0" {
            table {
                caption id=(format!("{id}-caption")) { (caption) }
                thead { tr { th scope="col" { (key) } th scope="col" class="num" { "Events" } } }
                tbody {
                    @for (k, n) in &g.rows { tr { th scope="row" { (k) } td class="num" { (count(*n)) } } }
                }
            }
        }
    }
}

/// One grouping's chart and its paged table.
struct ByGroup {
    id: &'static str,
    /// The group in a sentence ("country", "AS").
    what: &'static str,
    /// The table's key column.
    label: &'static str,
    plural: &'static str,
    /// The page parameter.
    page: &'static str,
}

/// The caveat, then a grouping's chart of its top groups beside its table, one page at a time.
fn by_group(b: &ByGroup, q: &Params, g: Paging, top: &[(String, u64)], rows: &Grouped) -> Markup {
    html! {
        p class="caveat-short" { (CAVEAT) }
        div class="chart-and-table" {
            (counts(&format!("{}-chart", b.page), &takeaway(b.what, top), BARS_DESC, top))
            div {
                (pager(b.plural, "/telemetry", q, b.page, g, rows.total))
                (group_table(b.id, &format!("Events by source {}, most first", b.what), b.label, rows))
            }
        }
    }
}

/// What every bar chart of counts shows, for a screen reader.
const BARS_DESC: &str = "One bar per group, longest for the most events; the figure after each bar and the table beside give the same counts.";

fn takeaway(what: &str, rows: &[(String, u64)]) -> String {
    match rows.first() {
        Some((k, n)) => format!(
            "Most events come from {what} {k}: {} events (the {} largest shown)",
            count(*n),
            rows.len()
        ),
        None => format!("No events by {what}"),
    }
}

/// The GET form of the page's filters; every table, chart and export below follows it.
fn filter_form(q: &Params, errors: &FieldErrors) -> Markup {
    html! {
        form method="get" action="/telemetry" class="filters" aria-label="Filter telemetry" {
            (text_input(errors, q, "from", "From day", Some("YYYY-MM-DD")))
            (text_input(errors, q, "to", "To day", Some("YYYY-MM-DD")))
            (text_input(errors, q, "src_country", "Source country", Some("two letters, e.g. NL")))
            (text_input(errors, q, "src_asn", "Source AS", Some("e.g. 64500")))
            (text_input(errors, q, "run", "Sensor run", Some("its id")))
            div class="actions" {
                button type="submit" { "Apply filters" }
                a href="/telemetry" { "Clear filters" }
            }
        }
        @if !errors.is_empty() {
            p class="error" role="alert" { "Some filters could not be read; see the messages next to them. The counts below ignore them." }
        }
        p class="muted" { "Sightings have no source country or AS: they follow the days and the run only." }
    }
}

fn body(v: &Viewer, q: &Params, errors: &FieldErrors, seen: &Seen, p: Pages) -> Markup {
    let here = "/telemetry";
    let cg = paging(q, "country", p.size, seen.countries.total);
    let dg = paging(q, "day", p.size, seen.days.total);
    let ag = paging(q, "as", p.size, seen.asns.total);
    let sg = paging(q, "sig", p.size, seen.signatures.total);
    let hg = paging(q, "sighting", p.size, seen.sightings.0);
    let columns: Vec<&str> = seen
        .top_countries
        .iter()
        .take(DAY_COUNTRIES)
        .map(|c| c.0.as_str())
        .collect();
    let cell_of = |day: &str, country: &str| {
        seen.day_countries
            .iter()
            .find(|(d, c, _)| d == day && c == country)
            .map_or(0, |x| x.2)
    };
    let desc = BARS_DESC;
    html! {
        h1 { "Telemetry" }
        p { "Counts from the sensor runs stored with " code { "ascribe telemetry ingest --incident" } " that you may see (up to " (v.clearance().label()) ")." }
        p class="caveat" { strong { "Caveat: " } (CAVEAT) }
        (filter_form(q, errors))
        section aria-labelledby="countries" {
            h2 id="countries" { "Events by source country" }
            (by_group(&ByGroup { id: "countries", what: "country", label: "Country", plural: "countries", page: "country" }, q, cg, &seen.top_countries, &seen.countries))
            h3 { "Over time" }
            p { "Events per day, with a column for each of the " (columns.len()) " countries with the most events." }
            (pager("days", here, q, "day", dg, seen.days.total))
            div class="chart-and-table" {
                (counts("day-chart", &format!("Events per day on this page of days ({} days)", seen.days.rows.len()), desc, &seen.days.rows))
                div class="table-wrap" role="region" aria-labelledby="days-caption" tabindex="0" {
                    table {
                        caption id="days-caption" { "Events per day (newest first) and by source country" }
                        thead { tr {
                            th scope="col" { "Day" }
                            th scope="col" class="num" { "All events" }
                            @for c in &columns { th scope="col" class="num" { (c) } }
                        } }
                        tbody {
                            @for (d, n) in &seen.days.rows {
                                tr {
                                    th scope="row" { (d) }
                                    td class="num" { (count(*n)) }
                                    @for c in &columns { td class="num" { (count(cell_of(d, c))) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="asns" {
            h2 id="asns" { "Events by source AS" }
            (by_group(&ByGroup { id: "asns", what: "AS", label: "AS", plural: "autonomous systems", page: "as" }, q, ag, &seen.top_asns, &seen.asns))
        }
        section aria-labelledby="signatures" {
            h2 id="signatures" { "Top signatures" }
            (pager("signatures", here, q, "sig", sg, seen.signatures.total))
            (group_table("signatures", "Events by signature, most first", "Signature", &seen.signatures))
        }
        section aria-labelledby="sightings" {
            h2 id="sightings" { "Sightings of indicators" }
            (pager("sightings", here, q, "sighting", hg, seen.sightings.0))
            @if !seen.sightings.1.is_empty() {
                div class="table-wrap" role="region" aria-labelledby="sightings-caption" tabindex="0" {
                    table {
                        caption id="sightings-caption" { "Indicators seen in the logs, most events first" }
                        thead { tr {
                            th scope="col" { "Indicator" } th scope="col" { "Actor (as the indicator's source says)" } th scope="col" class="num" { "Events" }
                            th scope="col" { "First and last seen" } th scope="col" { "Run" } th scope="col" { "Marking" }
                        } }
                        tbody {
                            @for s in &seen.sightings.1 {
                                tr {
                                    th scope="row" { code { (s.value) } br; span class="muted" { (s.indicator_type) @if let Some(src) = &s.source { " · " (src) } } }
                                    td { (s.actor.as_deref().unwrap_or("none named")) }
                                    td class="num" { (count(s.events)) }
                                    td { (s.first_seen) br; (s.last_seen) }
                                    td { (s.run_id) @if let Some(i) = &s.incident_id { br; a href=(format!("/incidents/{}", enc(i))) { "incident " (i) } } }
                                    td { (chip(s.tlp)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="exports" {
            h2 id="exports" { "Export" }
            p class="exports" {
                @let filters = filters_only(q).query();
                @for (t, label) in [("countries", "Countries"), ("days", "Days"), ("asns", "ASes"), ("signatures", "Signatures"), ("sightings", "Sightings")] {
                    a href=(format!("/telemetry/{t}.csv{filters}")) { (label) " (CSV)" }
                    a href=(format!("/telemetry/{t}.json{filters}")) { (label) " (JSON)" }
                }
            }
            p class="muted" { "Each export holds every row of its table under the filters above (at most " (count(EXPORT_ROWS)) "), and nothing above " (v.clearance().label()) "." }
        }
    }
}

/// The query without its page numbers: the filters alone.
fn filters_only(q: &Params) -> Params {
    ["country", "day", "as", "sig", "sighting"]
        .into_iter()
        .fold(q.clone(), |q, page| q.with(page, None))
}

/// An export's marking, header and rows.
type ExportTable = (Tlp, Vec<&'static str>, Vec<Vec<String>>);

/// The most rows an export holds.
const EXPORT_ROWS: usize = 100_000;

/// `/telemetry/{table}.{csv|json}`: one table whole (up to [`EXPORT_ROWS`]).
pub(crate) async fn export(
    State(web): State<Web>,
    axum::extract::Path(file): axum::extract::Path<String>,
    Reading { v, q }: Reading,
) -> Response {
    let Some((table, format)) = crate::export::file(&file) else {
        return crate::not_found();
    };
    let group = match table {
        "countries" => Some(EventGroup::Country),
        "days" => Some(EventGroup::Day),
        "asns" => Some(EventGroup::Asn),
        "signatures" => Some(EventGroup::Signature),
        "sightings" => None,
        _ => return crate::not_found(),
    };
    // Filters that cannot be read are left out, as on the page.
    let (at, _) = read_filter(&v, &q);
    let read = web
        .db(move |s| {
            s.read(|r| -> Result<ExportTable, StoreError> {
                // No run the reader may see: the export holds no row, so nothing marks it above TLP:CLEAR.
                let runs = r
                    .telemetry_marking_seen_by(at.clone())?
                    .unwrap_or(Tlp::Clear);
                match group {
                    Some(g) => {
                        let rows = r
                            .events_by_seen_by(g, at.clone(), g != EventGroup::Day, 0, EXPORT_ROWS)?
                            .1;
                        Ok((
                            runs,
                            vec!["key", "events"],
                            rows.into_iter()
                                .map(|(k, n)| vec![k, n.to_string()])
                                .collect(),
                        ))
                    }
                    None => {
                        let rows = r.sightings_seen_by(at.clone(), 0, EXPORT_ROWS)?.1;
                        let marking = rows.iter().map(|s| s.tlp).fold(runs, Ord::max);
                        Ok((
                            marking,
                            vec![
                                "type",
                                "value",
                                "actor",
                                "source",
                                "events",
                                "first_seen",
                                "last_seen",
                                "run",
                                "incident",
                                "tlp",
                            ],
                            rows.into_iter()
                                .map(|s| {
                                    vec![
                                        s.indicator_type,
                                        s.value,
                                        cell(s.actor.as_deref()),
                                        cell(s.source.as_deref()),
                                        s.events.to_string(),
                                        s.first_seen,
                                        s.last_seen,
                                        s.run_id,
                                        cell(s.incident_id.as_deref()),
                                        s.tlp.label().to_owned(),
                                    ]
                                })
                                .collect(),
                        ))
                    }
                }
            })
        })
        .await;
    match read {
        Ok(Ok((marking, header, rows))) => crate::export::table(format, marking, &header, &rows),
        Ok(Err(e)) => app_error(&ascribe_app::AppError::from(e)),
        Err(r) => r,
    }
}
