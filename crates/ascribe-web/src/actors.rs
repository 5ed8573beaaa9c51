//! `/actors/{id}`: one actor of the knowledge base in use: its aliases and
//! where the entry comes from, its suspected sponsors side by side with who
//! names which, the incidents where it is a hypothesis, and the claims
//! naming it at the reader's clearance (the store filters them), each list
//! paginated, with exports.

use std::collections::BTreeMap;

use ascribe_app::actor::ActorSeen;
use ascribe_model::{ActorKind, Case, Tlp};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use crate::format::{count, csv};
use crate::incidents::{cell, csv_response, enc, json_response, kind_word, table_json};
use crate::layout::{chip, page, pager};
use crate::params::{Paging, Params};
use crate::{app_error, html_response, not_found, query_of, viewer, Viewer, Web};

/// A hypothesis's label, linked to its actor's page when the built-in
/// knowledge base knows the actor it names.
pub(crate) fn hypothesis_label(case: &Case, hypothesis: &str, label: &str) -> Markup {
    let kb = ascribe_kb::KnowledgeBase::builtin();
    let actor = case
        .hypotheses
        .iter()
        .find(|h| h.id == hypothesis)
        .and_then(|h| {
            h.resolved
                .as_ref()
                .map(|r| r.name.as_str())
                .into_iter()
                .chain(h.actor.as_deref())
                .find_map(|n| kb.resolve_actor(n))
        });
    html! {
        @match actor {
            Some(a) => a href=(format!("/actors/{}", enc(&ascribe_app::actor::id_of(a)))) { (label) },
            None => (label),
        }
    }
}

async fn load(web: &Web, id: String, at: Tlp) -> Result<Option<ActorSeen>, Response> {
    web.db(move |s| ascribe_app::actor::seen_by(s, &id, at))
        .await?
        .map_err(|e| app_error(&e))
}

/// The highest marking on the page: its claims' (the knowledge base's
/// entries carry none and are shown to every reader).
fn marking(seen: &ActorSeen) -> Tlp {
    seen.claims
        .iter()
        .map(|(_, c)| c.tlp)
        .max()
        .unwrap_or(Tlp::Clear)
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
    let seen = match load(&web, id, v.clearance()).await {
        Ok(Some(s)) => s,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    let body = body(&v, &q, &seen, web.config().page_size);
    html_response(
        StatusCode::OK,
        page(&seen.actor.name, marking(&seen), &v, body),
    )
}

fn kind_text(k: ActorKind) -> &'static str {
    match k {
        ActorKind::Group => "threat group",
        ActorKind::Agency => "government body",
        ActorKind::State => "state",
    }
}

/// Sponsors with the sources that name each, in the knowledge base's order.
fn sponsors(seen: &ActorSeen) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = seen
        .actor
        .sponsors
        .iter()
        .map(|s| (s.clone(), Vec::new()))
        .collect();
    for (sponsor, source) in &seen.sponsor_sources {
        match out.iter_mut().find(|(s, _)| s == sponsor) {
            Some((_, by)) => by.push(source.clone()),
            None => out.push((sponsor.clone(), vec![source.clone()])),
        }
    }
    out
}

/// A state named beside the actor in claims: the state, how many claims,
/// and each speaker with their number of claims (most first).
type StateSaid = (String, usize, Vec<(String, usize)>);

/// What the claims naming the actor say of a state behind it: the state they
/// name beside it, how many claims, and who said so (most claims first).
fn states_in_claims(seen: &ActorSeen) -> Vec<StateSaid> {
    let mut by: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (_, c) in &seen.claims {
        let Some(state) = &c.target_state else {
            continue;
        };
        let who = c
            .speaker_org
            .as_deref()
            .or(c.speaker.as_deref())
            .or(c.speaker_country.as_deref())
            .unwrap_or("unnamed speaker");
        *by.entry(state.clone())
            .or_default()
            .entry(who.to_owned())
            .or_default() += 1;
    }
    let mut out: Vec<StateSaid> = by
        .into_iter()
        .map(|(state, speakers)| {
            let n = speakers.values().sum();
            let mut speakers: Vec<(String, usize)> = speakers.into_iter().collect();
            speakers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (state, n, speakers)
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Speakers named per state in the table.
const SPEAKERS_SHOWN: usize = 5;

fn body(v: &Viewer, q: &Params, seen: &ActorSeen, page_size: usize) -> Markup {
    let a = &seen.actor;
    let here = format!("/actors/{}", enc(&ascribe_app::actor::id_of(a)));
    let al = Paging::read(q, "al", page_size, a.aliases.len());
    let hyps = &seen.hypotheses;
    let inc = Paging::read(q, "inc", page_size, hyps.len());
    let claims = &seen.claims;
    let cl = Paging::read(q, "cl", page_size, claims.len());
    let sp = sponsors(seen);
    let states = states_in_claims(seen);
    let st = Paging::read(q, "st", page_size, states.len());
    html! {
        h1 { (a.name) }
        p {
            "A " (kind_text(a.kind)) " in the "
            (if seen.imported { "imported" } else { "built-in" }) " knowledge base"
            @if !a.sources.is_empty() { ", from " (a.sources.join(", ")) }
            "."
        }
        @if let Some(d) = &a.description { p class="muted" { (d) } }
        section aria-labelledby="aliases" {
            h2 id="aliases" { "Aliases" }
            p { "The names this entry is known by. They come from the entry's sources ("
                (if a.sources.is_empty() { "not recorded".to_owned() } else { a.sources.join(", ") })
                "); the knowledge base does not record which source gave which name." }
            (pager("aliases", &here, q, "al", al, a.aliases.len()))
            @if !a.aliases.is_empty() {
                ul class="aliases" { @for n in &a.aliases[al.range(a.aliases.len())] { li { (n) } } }
            }
        }
        section aria-labelledby="sponsors" {
            h2 id="sponsors" { "Suspected sponsors" }
            p { "Each source's word, side by side: they are never merged into one answer." }
            @if sp.is_empty() {
                p { "No source in the knowledge base names a sponsor." }
            } @else {
                div class="table-wrap" role="region" aria-labelledby="sponsors-caption" tabindex="0" {
                    table {
                        caption id="sponsors-caption" { "Suspected sponsors and the sources that name them (" (count(sp.len())) ")" }
                        thead { tr { th scope="col" { "Sponsor" } th scope="col" { "Named by" } } }
                        tbody {
                            @for (s, by) in &sp {
                                tr { th scope="row" { (s) } td { @if by.is_empty() { "source not recorded" } @else { (by.join(", ")) } } }
                            }
                        }
                    }
                }
            }
            h3 { "What the claims you may see say" }
            @if states.is_empty() {
                p { "No claim you may see names a state beside it." }
            } @else {
                (pager("states", &here, q, "st", st, states.len()))
                div class="table-wrap" role="region" aria-labelledby="states-caption" tabindex="0" {
                    table {
                        caption id="states-caption" { "States named beside it in claims, and who named them" }
                        thead { tr { th scope="col" { "State" } th scope="col" class="num" { "Claims" } th scope="col" { "Said by (most claims first)" } } }
                        tbody {
                            @for (state, n, speakers) in &states[st.range(states.len())] {
                                tr {
                                    th scope="row" { (state) }
                                    td class="num" { (count(*n)) }
                                    td {
                                        (speakers.iter().take(SPEAKERS_SHOWN).map(|(s, k)| format!("{s} ({k})")).collect::<Vec<_>>().join(", "))
                                        @if speakers.len() > SPEAKERS_SHOWN { " … and " (speakers.len() - SPEAKERS_SHOWN) " more" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="incidents" {
            h2 id="incidents" { "Incidents where it is a hypothesis" }
            (pager("incidents", &here, q, "inc", inc, hyps.len()))
            @if !hyps.is_empty() {
                div class="table-wrap" role="region" aria-labelledby="incidents-caption" tabindex="0" {
                    table {
                        caption id="incidents-caption" { "Incidents with a hypothesis naming " (a.name) }
                        thead { tr { th scope="col" { "Incident" } th scope="col" { "Hypothesis" } th scope="col" { "Named as" } } }
                        tbody {
                            @for h in &hyps[inc.range(hyps.len())] {
                                tr {
                                    th scope="row" { a href=(format!("/incidents/{}", enc(&h.incident_id))) { (h.incident_title) } br; span class="muted" { (h.incident_id) } }
                                    td { (h.hypothesis_id) }
                                    td { (h.actor.as_deref().or(h.actor_name.as_deref()).unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="claims" {
            h2 id="claims" { "Claims naming it" }
            (pager("claims", &here, q, "cl", cl, claims.len()))
            @if !claims.is_empty() {
                div class="table-wrap" role="region" aria-labelledby="claims-caption" tabindex="0" {
                    table {
                        caption id="claims-caption" { "Claims naming " (a.name) " by any of its names, up to " (v.clearance().label()) }
                        thead { tr { th scope="col" { "Claim" } th scope="col" { "Date" } th scope="col" { "Kind" } th scope="col" { "Speaker" } th scope="col" { "Named as" } th scope="col" { "Quote" } th scope="col" { "Marking" } } }
                        tbody {
                            @for (incident, c) in &claims[cl.range(claims.len())] {
                                tr {
                                    th scope="row" { (c.id) br; a href=(format!("/incidents/{}", enc(incident))) { "in " (incident) } }
                                    td { (c.date.as_deref().unwrap_or("undated")) }
                                    td { (kind_word(c.kind_or_accusation())) }
                                    td { (c.speaker.as_deref().or(c.speaker_org.as_deref()).unwrap_or("unnamed speaker")) @if let Some(ct) = &c.speaker_country { ", " (ct) } }
                                    td { (c.target.as_deref().or(c.target_canonical.as_deref()).unwrap_or("")) }
                                    td { (c.quote.as_deref().unwrap_or("")) }
                                    td { (chip(c.tlp)) }
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
                a href=(format!("{here}/incidents.csv")) { "Incidents (CSV)" }
                a href=(format!("{here}/incidents.json")) { "Incidents (JSON)" }
                a href=(format!("{here}/claims.csv")) { "Claims (CSV)" }
                a href=(format!("{here}/claims.json")) { "Claims (JSON)" }
            }
            p class="muted" { "Every export holds only what this page may show: nothing above " (v.clearance().label()) "." }
        }
    }
}

const INCIDENTS_HEADER: [&str; 4] = ["incident", "title", "hypothesis", "named_as"];

fn incident_rows(seen: &ActorSeen) -> Vec<Vec<String>> {
    seen.hypotheses
        .iter()
        .map(|h| {
            vec![
                h.incident_id.clone(),
                h.incident_title.clone(),
                h.hypothesis_id.clone(),
                cell(h.actor.as_deref().or(h.actor_name.as_deref())),
            ]
        })
        .collect()
}

const CLAIMS_HEADER: [&str; 11] = [
    "id",
    "incident",
    "date",
    "kind",
    "speaker",
    "speaker_org",
    "speaker_country",
    "target",
    "target_state",
    "quote",
    "tlp",
];

fn claim_rows(seen: &ActorSeen) -> Vec<Vec<String>> {
    seen.claims
        .iter()
        .map(|(incident, c)| {
            let o = |s: &Option<String>| cell(s.as_deref());
            vec![
                c.id.clone(),
                incident.clone(),
                o(&c.date),
                c.kind_or_accusation().as_str().to_owned(),
                o(&c.speaker),
                o(&c.speaker_org),
                o(&c.speaker_country),
                o(&c.target),
                o(&c.target_state),
                o(&c.quote),
                c.tlp.label().to_owned(),
            ]
        })
        .collect()
}

async fn export(web: &Web, id: String, headers: &HeaderMap) -> Result<ActorSeen, Response> {
    let v = viewer(web, headers).await?;
    load(web, id, v.clearance()).await?.ok_or_else(not_found)
}

/// Which table an export holds and in which format.
#[derive(Clone, Copy)]
enum Table {
    Incidents,
    Claims,
}

async fn table(web: Web, id: String, headers: HeaderMap, t: Table, json: bool) -> Response {
    let s = match export(&web, id, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (header, rows, marking): (&[&str], Vec<Vec<String>>, Tlp) = match t {
        // Incidents and hypotheses carry no marking of their own.
        Table::Incidents => (&INCIDENTS_HEADER, incident_rows(&s), Tlp::Clear),
        Table::Claims => (&CLAIMS_HEADER, claim_rows(&s), marking(&s)),
    };
    if json {
        json_response(&table_json(marking, header, &rows))
    } else {
        csv_response(csv(marking, header, &rows))
    }
}

pub(crate) async fn incidents_csv(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    table(web, id, headers, Table::Incidents, false).await
}

pub(crate) async fn incidents_json(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    table(web, id, headers, Table::Incidents, true).await
}

pub(crate) async fn claims_csv(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    table(web, id, headers, Table::Claims, false).await
}

pub(crate) async fn claims_json(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    table(web, id, headers, Table::Claims, true).await
}
