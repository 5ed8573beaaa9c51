//! `/actors/{id}`: one actor of the knowledge base in use: its aliases and
//! where the entry comes from, its suspected sponsors side by side with who
//! names which, the incidents where it is a hypothesis, and the claims
//! naming it at the reader's clearance (the store filters them), each list
//! paginated, with exports.

use std::collections::BTreeMap;

use ascribe_app::actor::ActorSeen;
use ascribe_model::{ActorKind, Case, Tlp};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use crate::export::{cell, claim_rows, claims_header, enc, Export};
use crate::format::count;
use crate::incidents::kind_word;
use crate::layout::{chip, page, pager, table};
use crate::params::{Paging, Params};
use crate::{app_error, html_response, not_found, Reading, Viewer, Web};

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
    crate::export::claims_marking(seen.claims.iter().map(|(_, c)| c))
}

pub(crate) async fn show(
    State(web): State<Web>,
    Path(id): Path<String>,
    Reading { v, q }: Reading,
) -> Response {
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
                (table("incidents", html! { "Incidents with a hypothesis naming " (a.name) }, &["Incident", "Hypothesis", "Named as"], html! {
                    @for h in &hyps[inc.range(hyps.len())] {
                        tr {
                            th scope="row" { a href=(format!("/incidents/{}", enc(&h.incident_id))) { (h.incident_title) } br; span class="muted" { (h.incident_id) } }
                            td { (h.hypothesis_id) }
                            td { (h.actor.as_deref().or(h.actor_name.as_deref()).unwrap_or("")) }
                        }
                    }
                }))
            }
        }
        section aria-labelledby="claims" {
            h2 id="claims" { "Claims naming it" }
            (pager("claims", &here, q, "cl", cl, claims.len()))
            @if !claims.is_empty() {
                (table("claims", html! { "Claims naming " (a.name) " by any of its names, up to " (v.clearance().label()) },
                    &["Claim", "Date", "Kind", "Speaker", "Named as", "Quote", "Marking"], html! {
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
                }))
            }
        }
        section aria-labelledby="exports" {
            h2 id="exports" { "Export" }
            p class="exports" {
                @for (t, label) in [("sponsors", "Sponsors"), ("states", "States in claims"), ("incidents", "Incidents"), ("claims", "Claims")] {
                    a href=(format!("{here}/{t}.csv")) { (label) " (CSV)" }
                    a href=(format!("{here}/{t}.json")) { (label) " (JSON)" }
                }
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

const SPONSORS_HEADER: [&str; 2] = ["sponsor", "named_by"];

const STATES_HEADER: [&str; 3] = ["state", "claims", "said_by"];

fn state_rows(states: &[StateSaid]) -> Vec<Vec<String>> {
    states
        .iter()
        .map(|(state, n, speakers)| {
            let by: Vec<String> = speakers.iter().map(|(s, k)| format!("{s} ({k})")).collect();
            vec![state.clone(), n.to_string(), by.join("; ")]
        })
        .collect()
}

/// `/actors/{id}/{sponsors|states|incidents|claims}.{csv|json}`: one table
/// of the page, whole, read at the reader's clearance.
pub(crate) async fn export(State(web): State<Web>, x: Export) -> Response {
    let s = match load(&web, x.id, x.v.clearance()).await {
        Ok(Some(s)) => s,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    // The knowledge base's entries, incidents and hypotheses carry no
    // marking of their own; what claims say is marked by its claims.
    let claims = claims_header();
    let (header, rows, marking): (&[&str], Vec<Vec<String>>, Tlp) = match x.table.as_str() {
        "sponsors" => (
            &SPONSORS_HEADER,
            sponsors(&s)
                .into_iter()
                .map(|(sp, by)| vec![sp, by.join("; ")])
                .collect(),
            Tlp::Clear,
        ),
        "states" => (
            &STATES_HEADER,
            state_rows(&states_in_claims(&s)),
            marking(&s),
        ),
        "incidents" => (&INCIDENTS_HEADER, incident_rows(&s), Tlp::Clear),
        "claims" => (
            &claims,
            claim_rows(s.claims.iter().map(|(i, c)| (i.as_str(), c))),
            marking(&s),
        ),
        _ => return not_found(),
    };
    crate::export::table(x.format, marking, header, &rows)
}
