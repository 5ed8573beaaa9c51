//! `/devices/{id}`: a device report as `ascribe device vet` computed it
//! (kept as its `ascribe-device-verdict/v1` JSON when its findings were
//! filed in an incident): the verdict word, the findings table, the
//! descriptor tree, the suggested USBGuard rule, and the findings' export.
//! A report above the reader's clearance is never read (a 404, as a missing one).

use ascribe_model::Tlp;
use ascribe_store::DeviceReportRecord;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::Value;

use crate::export::{enc, Export};
use crate::format::count;
use crate::layout::{chip, page, pager, select_field, text_field, FieldErrors};
use crate::params::{Paging, Params};
use crate::{app_error, html_response, internal, not_found, Reading, Viewer, Web};

async fn load(web: &Web, id: String, at: Tlp) -> Result<(DeviceReportRecord, Value), Response> {
    let found = web
        .db(move |s| s.device_report_seen_by(&id, at))
        .await?
        .map_err(|e| app_error(&ascribe_app::AppError::from(e)))?;
    let Some(r) = found else {
        return Err(not_found());
    };
    match serde_json::from_str::<Value>(&r.report_json) {
        Ok(v) => Ok((r, v)),
        Err(e) => {
            tracing::error!(report = %r.id, error = %e, "a stored device report is not JSON");
            Err(internal())
        }
    }
}

/// A string field of a JSON object. The report's optional fields (a
/// device's parent, a function's association, usb.ids names) are absent
/// when there is nothing to say, which reads as "" here.
fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An array field of a JSON object (absent lists, such as a function's HID
/// usages, are empty ones).
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// A string descriptor as the report gives it: its text, or why there is none.
fn string_state(v: &Value) -> String {
    match s(v, "state") {
        "present" => format!("\"{}\"", s(v, "value")),
        "absent" => "none declared".to_owned(),
        "unavailable" => "declared, not in the input".to_owned(),
        other => other.to_owned(),
    }
}

/// A finding's evidence fields as one line each.
fn field_line(e: &Value) -> String {
    let mut out = format!("device {}", s(e, "device"));
    for k in ["config", "interface", "alt"] {
        if let Some(n) = e.get(k).and_then(Value::as_u64) {
            out.push_str(&format!(" {k} {n}"));
        }
    }
    out.push_str(&format!(": {} = {}", s(e, "field"), s(e, "value")));
    out
}

/// The verdict word in a sentence a reader can act on.
fn verdict_words(v: &str) -> &'static str {
    match v {
        "PASS" => "it presents what it claims and nothing more",
        "WARN" => "it presents what it claims, with findings to look at",
        "FAIL" => "it presents more than it claims: do not plug it in",
        "INCONCLUSIVE" => "the input cannot tell: treat it as unvetted",
        _ => "an unknown verdict",
    }
}

pub(crate) async fn show(
    State(web): State<Web>,
    Path(id): Path<String>,
    Reading { v, q }: Reading,
) -> Response {
    let (r, report) = match load(&web, id, v.clearance()).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let record = Record::default_for(&r);
    let shown = Shown {
        v: &v,
        q: &q,
        r: &r,
        report: &report,
        record: &record,
        page_size: web.config().page_size,
    };
    device_page(StatusCode::OK, &shown)
}

/// What the device page shows: the report as stored and read, and the
/// "record as evidence" form as entered.
struct Shown<'a> {
    v: &'a Viewer,
    q: &'a Params,
    r: &'a DeviceReportRecord,
    report: &'a Value,
    record: &'a Record,
    page_size: usize,
}

fn device_page(status: StatusCode, d: &Shown<'_>) -> Response {
    html_response(
        status,
        page(
            &format!("Device report {}", d.r.name),
            d.r.tlp,
            d.v,
            body(d),
        ),
    )
}

/// The "record as evidence" form as entered, with its errors by field.
#[derive(Debug, Default)]
struct Record {
    incident: String,
    tlp: String,
    errors: FieldErrors,
}

impl Record {
    /// The form before anything is entered: the report's incident and marking.
    fn default_for(r: &DeviceReportRecord) -> Self {
        Record {
            incident: crate::export::cell(r.incident_id.as_deref()),
            tlp: r.tlp.as_str().to_owned(),
            errors: FieldErrors::new(),
        }
    }
}

/// The markings a report's findings may be filed at by `v`: from the
/// report's own (never below it) up to the reader's clearance.
fn choices(r: &DeviceReportRecord, v: &Viewer) -> Vec<Tlp> {
    Tlp::ALL
        .into_iter()
        .filter(|t| *t >= r.tlp && *t <= v.clearance())
        .collect()
}

/// The form that files the report's findings in an incident; for writers only.
fn record_form(v: &Viewer, r: &DeviceReportRecord, f: &Record) -> Markup {
    let writes = v.user.as_ref().is_some_and(|u| u.role.default_rights().1);
    let options: Vec<(&str, &str)> = choices(r, v)
        .into_iter()
        .map(|t| (t.as_str(), t.label()))
        .collect();
    html! {
        @if !writes {
            p { "Signed-in analysts may file this report's findings as evidence in an incident." }
        } @else {
            p {
                "File this report's findings as evidence items in an incident, as "
                code { "ascribe device vet --incident" } " does: every hypothesis rated neutral, graded by the policy when assessed. "
                "They cannot be marked below the report's own marking (" (r.tlp.label()) ") nor above your clearance."
            }
            form method="post" action=(format!("/devices/{}/record", enc(&r.id))) class="filters" aria-label="Record as evidence" {
                input type="hidden" name="csrf" value=(v.csrf.as_deref().unwrap_or(""));
                (text_field(&f.errors, "incident", "Incident id", None, &f.incident))
                (select_field(&f.errors, "tlp", "Marking of the evidence", &options, &f.tlp))
                div class="actions" { button type="submit" { "Record as evidence" } }
            }
        }
    }
}

/// `POST /devices/{id}/record`: files the report's findings in the incident
/// named, at the marking chosen, through the same use case as the command
/// line; then shows the incident (303). A wrong field is shown next to it.
pub(crate) async fn record(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (v, _) = match crate::writer(&web, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let form = Params::parse(&body);
    if let Some(r) = crate::refuse_csrf(&v, form.get("csrf").unwrap_or("")) {
        return r;
    }
    let (r, report) = match load(&web, id.clone(), v.clearance()).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let mut f = Record {
        incident: form.text("incident").unwrap_or("").to_owned(),
        tlp: form.text("tlp").unwrap_or("").to_owned(),
        errors: FieldErrors::new(),
    };
    let tlp = f
        .tlp
        .parse::<Tlp>()
        .ok()
        .filter(|t| choices(&r, &v).contains(t));
    if tlp.is_none() {
        f.errors.insert(
            "tlp",
            format!(
                "Choose a marking from {} (the report's) to {} (your clearance).",
                r.tlp.label(),
                v.clearance().label()
            ),
        );
    }
    if f.incident.is_empty() {
        f.errors.insert(
            "incident",
            "Name the incident to file the findings in.".to_owned(),
        );
    }
    let no_query = Params::default();
    let again = |f: &Record| {
        let shown = Shown {
            v: &v,
            q: &no_query,
            r: &r,
            report: &report,
            record: f,
            page_size: web.config().page_size,
        };
        device_page(StatusCode::UNPROCESSABLE_ENTITY, &shown)
    };
    let Some(tlp) = tlp.filter(|_| f.errors.is_empty()) else {
        return again(&f);
    };
    let (incident, at) = (f.incident.clone(), v.clearance());
    let done = web
        .db(move |s| ascribe_app::device::file_report(s, &id, at, &incident, tlp))
        .await;
    match done {
        Err(resp) => resp,
        Ok(Ok(_)) => {
            Redirect::to(&format!("/incidents/{}#provenance", enc(&f.incident))).into_response()
        }
        Ok(Err(ascribe_app::AppError::NoIncident { .. })) => {
            f.errors.insert(
                "incident",
                format!("There is no incident {:?}.", f.incident),
            );
            again(&f)
        }
        Ok(Err(ascribe_app::AppError::Input(m))) => {
            f.errors.insert("tlp", m);
            again(&f)
        }
        Ok(Err(e)) => app_error(&e),
    }
}

fn body(d: &Shown<'_>) -> Markup {
    let (v, q, r, report, page_size) = (d.v, d.q, d.r, d.report, d.page_size);
    let here = format!("/devices/{}", enc(&r.id));
    let findings = list(report, "findings");
    let fg = Paging::read(q, "f", page_size, findings.len());
    let devices = list(report, "devices");
    let dg = Paging::read(q, "d", page_size, devices.len());
    let verdict = s(report, "verdict");
    html! {
        h1 { "Device report: " (r.name) }
        section aria-labelledby="verdict" {
            h2 id="verdict" { "Verdict" }
            div class="judgement" {
                p { strong class="verdict" { (verdict) } " for a claimed " (s(report, "claim").replace('-', " ")) ": " (verdict_words(verdict)) "." }
                p { (s(report, "summary")) }
                p class="muted" {
                    @match report.get("risk_score").and_then(Value::as_u64) {
                        Some(risk) => { "Risk " (risk) "/100" }
                        None => { "No risk score in the report" }
                    }
                    ", profile " (s(report, "profile")) "."
                }
            }
            dl class="facts" {
                dt { "Input" } dd { (s(&report["input"], "name")) " (" (s(&report["input"], "format")) ")" }
                dt { "SHA-256" } dd { code { (r.id) } }
                dt { "Filed" } dd {
                    (r.vetted_at)
                    @if let Some(i) = &r.incident_id { " in incident " a href=(format!("/incidents/{}", enc(i))) { (i) } }
                }
                dt { "Marking" } dd { (chip(r.tlp)) }
                dt { "usb.ids" } dd { (s(report, "usb_ids_version")) }
            }
            p class="muted" { (s(report, "identity_caveat")) }
        }
        section aria-labelledby="findings" {
            h2 id="findings" { "Findings" }
            (pager("findings", &here, q, "f", fg, findings.len()))
            @if !findings.is_empty() {
                div class="table-wrap" role="region" aria-labelledby="findings-caption" tabindex="0" {
                    table {
                        caption id="findings-caption" { "Findings, most severe first (" (count(findings.len())) ")" }
                        thead { tr { th scope="col" { "Finding" } th scope="col" { "Severity" } th scope="col" { "What it means" } th scope="col" { "Descriptor fields it rests on" } } }
                        tbody {
                            @for f in &findings[fg.range(findings.len())] {
                                tr {
                                    th scope="row" { (s(f, "title")) br; span class="muted" { (s(f, "id")) } }
                                    td { (s(f, "severity")) }
                                    td { (s(f, "explanation")) }
                                    td {
                                        @for e in list(f, "evidence") { (field_line(e)) br; }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @let skipped = list(report, "checks_skipped");
            @if !skipped.is_empty() {
                h3 { "Checks that could not run (" (count(skipped.len())) ")" }
                ul { @for k in skipped { li { strong { (s(k, "check")) } ": " (s(k, "reason")) } } }
            }
            @let blind = list(report, "cannot_see");
            @if !blind.is_empty() {
                h3 { "What enumeration cannot see" }
                ul { @for b in blind { li { (b.as_str().unwrap_or("")) } } }
            }
        }
        section aria-labelledby="tree" {
            h2 id="tree" { "Descriptor tree" }
            (pager("devices", &here, q, "d", dg, devices.len()))
            @if devices.is_empty() { p { "Nothing enumerated." } }
            ul class="tree" {
                @for d in &devices[dg.range(devices.len())] {
                    li {
                        strong { (s(d, "path")) } " " code { (s(d, "vid")) ":" (s(d, "pid")) }
                        " " (s(&d["usb_ids"], "vendor")) @if !s(&d["usb_ids"], "product").is_empty() { " / " (s(&d["usb_ids"], "product")) }
                        @if !s(d, "parent").is_empty() { " · behind " (s(d, "parent")) }
                        br;
                        span class="muted" {
                            "class " (s(d, "device_class")) ", speed " (s(d, "speed"))
                            ", manufacturer " (string_state(&d["strings"]["manufacturer"]))
                            ", product " (string_state(&d["strings"]["product"]))
                            ", serial " (string_state(&d["strings"]["serial"]))
                        }
                        ul {
                            @for f in list(d, "functions") {
                                @let caps: Vec<&str> = list(f, "capabilities").iter().filter_map(Value::as_str).collect();
                                li {
                                    "configuration " (f["config"]) ", interface " (f["interface"]) ", alternate " (f["alt"]) ": "
                                    (s(f, "class")) " → "
                                    @if caps.is_empty() { "no capability of its own" } @else { strong { (caps.join(", ")) } }
                                    @if !s(f, "association").is_empty() { " (" (s(f, "association")) ")" }
                                    @let usages: Vec<&str> = list(f, "hid_usages").iter().filter_map(Value::as_str).collect();
                                    @if !usages.is_empty() { " · HID usages " code { (usages.join(" ")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="usbguard" {
            h2 id="usbguard" { "Suggested USBGuard rule" }
            @match report.get("suggested_usbguard_rule").and_then(Value::as_str) {
                Some(rule) => { pre class="rule" tabindex="0" aria-label="USBGuard rule" { code { (rule) } } }
                None => { p { "None: the report suggests no rule." } }
            }
        }
        section aria-labelledby="record" {
            h2 id="record" { "Record as evidence" }
            (record_form(v, r, d.record))
        }
        section aria-labelledby="exports" {
            h2 id="exports" { "Export" }
            p class="exports" {
                a href=(format!("{here}/findings.csv")) { "Findings (CSV)" }
                a href=(format!("{here}/findings.json")) { "Findings (JSON)" }
            }
            p class="muted" { "Every export holds only what this page may show: nothing above " (v.clearance().label()) "." }
        }
    }
}

const FINDINGS_HEADER: [&str; 5] = ["id", "severity", "title", "explanation", "evidence"];

fn finding_rows(report: &Value) -> Vec<Vec<String>> {
    list(report, "findings")
        .iter()
        .map(|f| {
            vec![
                s(f, "id").to_owned(),
                s(f, "severity").to_owned(),
                s(f, "title").to_owned(),
                s(f, "explanation").to_owned(),
                list(f, "evidence")
                    .iter()
                    .map(field_line)
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect()
}

/// `/devices/{id}/findings.{csv|json}`.
pub(crate) async fn export(State(web): State<Web>, x: Export) -> Response {
    if x.table != "findings" {
        return not_found();
    }
    match load(&web, x.id, x.v.clearance()).await {
        Ok((r, report)) => {
            crate::export::table(x.format, r.tlp, &FINDINGS_HEADER, &finding_rows(&report))
        }
        Err(resp) => resp,
    }
}
