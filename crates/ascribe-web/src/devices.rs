//! `/devices/{id}`: a device report as `ascribe device vet` computed it
//! (kept as its `ascribe-device-verdict/v1` JSON when its findings were
//! filed in an incident): the verdict word, the findings table, the
//! descriptor tree, the suggested USBGuard rule, and the findings' export.
//! A report above the reader's clearance is never read (a 404, as a missing one).

use ascribe_model::Tlp;
use ascribe_store::DeviceReportRecord;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use serde_json::Value;

use crate::format::{count, csv};
use crate::incidents::{csv_response, enc, json_response, table_json};
use crate::layout::{chip, page, pager};
use crate::params::{Paging, Params};
use crate::{app_error, html_response, internal, not_found, query_of, viewer, Viewer, Web};

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
    headers: HeaderMap,
    q: RawQuery,
) -> Response {
    let q = query_of(&q);
    let v = match viewer(&web, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (r, report) = match load(&web, id, v.clearance()).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let body = body(&v, &q, &r, &report, web.config().page_size);
    html_response(
        StatusCode::OK,
        page(&format!("Device report {}", r.name), r.tlp, &v, body),
    )
}

fn body(
    v: &Viewer,
    q: &Params,
    r: &DeviceReportRecord,
    report: &Value,
    page_size: usize,
) -> Markup {
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

async fn export(web: Web, id: String, headers: HeaderMap, json: bool) -> Response {
    let v = match viewer(&web, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (r, report) = match load(&web, id, v.clearance()).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let rows = finding_rows(&report);
    if json {
        json_response(&table_json(r.tlp, &FINDINGS_HEADER, &rows))
    } else {
        csv_response(csv(r.tlp, &FINDINGS_HEADER, &rows))
    }
}

pub(crate) async fn findings_csv(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    export(web, id, headers, false).await
}

pub(crate) async fn findings_json(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    export(web, id, headers, true).await
}
