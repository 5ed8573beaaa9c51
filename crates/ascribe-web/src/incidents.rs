//! `/incidents` (the list, filtered and sorted, with the leading candidate
//! full and public) and `/incidents/{id}` (the judgement, the bars, what
//! would change the verdict, the ACH matrix, the what-if, the claims
//! timeline, provenance), and their exports.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use ascribe_app::view::{self, WhatIf};
use ascribe_app::AppError;
use ascribe_assess::Assessment;
use ascribe_model::{Admiralty, Case, Claim, ClaimKind, Phia, Tlp};
use ascribe_store::Store;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use crate::export::{
    cell, claim_rows, claims_header, claims_marking, download, enc, Export, Format,
};
use crate::format::{band, count, grade_words, pct};
use crate::layout::{chip, page, pager, select_input, text_input};
use crate::params::{Paging, Params};
use crate::svg::{bars, Bar};
use crate::{app_error, html_response, lock, Reading, Viewer, Web};

/// What the list shows of one incident, computed once per incident,
/// clearance and stored version (`updated_at`) and kept.
#[derive(Debug, Clone)]
pub(crate) struct Digest {
    id: String,
    title: String,
    from: Option<String>,
    to: Option<String>,
    victims: Vec<String>,
    verdict: Option<Verdict>,
    /// Hypothesis actors, normalised (the knowledge base's canonical name and the name as written).
    actors: BTreeSet<String>,
    /// Who accused (speaker, organisation, country), lowercased.
    accusers: BTreeSet<String>,
    accusations: usize,
    denials: usize,
    evidence: usize,
    public_evidence: usize,
    marking: Tlp,
}

#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    label: String,
    phrase: Phia,
    probability: f64,
    public_label: String,
    public_phrase: Phia,
    public_probability: f64,
    gap: i64,
}

fn digest(case: &Case, a: Option<&Assessment>, marking: Tlp) -> Digest {
    let kb = ascribe_kb::KnowledgeBase::builtin();
    let mut actors = BTreeSet::new();
    for h in &case.hypotheses {
        for name in h.actor.iter().chain(h.resolved.as_ref().map(|r| &r.name)) {
            actors.insert(ascribe_kb::normalize(name));
            if let Some(actor) = kb.resolve_actor(name) {
                actors.insert(ascribe_kb::normalize(&actor.name));
            }
        }
    }
    let mut accusers = BTreeSet::new();
    let (mut accusations, mut denials) = (0, 0);
    for c in &case.claims {
        match c.kind_or_accusation() {
            ClaimKind::Accusation | ClaimKind::AttributionStatement => {
                accusations += 1;
                for who in [&c.speaker, &c.speaker_org, &c.speaker_country]
                    .into_iter()
                    .flatten()
                {
                    accusers.insert(who.to_lowercase());
                }
            }
            ClaimKind::Denial => denials += 1,
            ClaimKind::CounterAccusation => {}
        }
    }
    let period = case.incident.period.as_ref();
    Digest {
        id: case.incident.id.clone(),
        title: case.incident.title.clone(),
        from: period.map(|p| p.from.clone()),
        to: period.map(|p| p.to.clone()),
        victims: case.incident.victims.clone(),
        verdict: a.map(|a| Verdict {
            label: a.leading.label.clone(),
            phrase: a.leading.phrase,
            probability: a.leading.probability,
            public_label: a.leading.public_label.clone(),
            public_phrase: a.leading.public_phrase,
            public_probability: a.leading.public_probability,
            gap: a.gap.points,
        }),
        actors,
        accusers,
        accusations,
        denials,
        evidence: a.map_or(case.evidence.len() + case.observed.len(), |a| {
            a.evidence_count
        }),
        public_evidence: a.map_or(0, |a| a.public_evidence_count),
        marking,
    }
}

/// Every incident's digest at `clearance`: kept ones where the incident's
/// revision has not moved, the others computed (an assessment each) and kept.
fn digests(web: &Web, store: &Store, clearance: Tlp) -> Result<Vec<Arc<Digest>>, AppError> {
    let list = view::incident_revisions(store)?;
    let mut out = Vec::with_capacity(list.len());
    for (id, revision) in list {
        let key = (id, clearance);
        if let Some(d) = lock(&web.inner.digests).get(&key, revision) {
            out.push(d);
            continue;
        }
        // Read after the revision: a write in between makes this digest
        // newer than its label, so it is computed again, never kept stale.
        let (case, policy) = view::case_seen_by(store, &key.0, clearance)?;
        let marking = view::highest_marking(&case);
        let assessed = ascribe_app::assess::policy(web.config().policy.as_ref(), policy.as_ref())
            .and_then(|p| ascribe_app::assess::assess(case.clone(), &p));
        let d = match assessed {
            Ok(a) => digest(&case, Some(&a), marking),
            Err(e) if e.is_busy() => return Err(e),
            Err(e) => {
                tracing::warn!(incident = %key.0, error = %e, "an incident cannot be assessed");
                digest(&case, None, marking)
            }
        };
        let d = Arc::new(d);
        lock(&web.inner.digests).put(key, revision, d.clone());
        out.push(d);
    }
    Ok(out)
}

/// An incident as read at `at` with `what_if` applied, and its assessment:
/// the kept one while the incident's revision has not moved.
async fn assessed(
    web: &Web,
    id: String,
    at: Tlp,
    what_if: WhatIf,
) -> Result<Result<Arc<view::Seen>, AppError>, Response> {
    let w = web.clone();
    web.db(move |s| {
        // No such incident: `assess_seen_by` says so, with what is known.
        let revision = view::incident_revision(s, &id)?;
        let key = (id, at, what_if);
        if let Some(r) = revision {
            if let Some(seen) = lock(&w.inner.assessed).get(&key, r) {
                return Ok(seen);
            }
        }
        let config = w.config().policy.clone();
        let seen = Arc::new(view::assess_seen_by(
            s,
            &key.0,
            at,
            config.as_ref(),
            &key.2,
        )?);
        if let Some(r) = revision {
            lock(&w.inner.assessed).put(key, r, seen.clone());
        }
        Ok(seen)
    })
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Id,
    Date,
    Probability,
    Gap,
}

/// The list's filters as read from the query, with the errors to show next to their fields.
#[derive(Debug, Default)]
struct Filter {
    text: Option<String>,
    from: Option<String>,
    to: Option<String>,
    actor: Option<String>,
    accuser: Option<String>,
    denial: Option<bool>,
    verdict: Option<Phia>,
    gap: Option<i64>,
    sort: Option<Sort>,
    descending: bool,
    public: bool,
    errors: BTreeMap<&'static str, String>,
}

fn read_filter(q: &Params) -> Filter {
    let mut f = Filter {
        text: q.text("q").map(str::to_lowercase),
        actor: q.text("actor").map(str::to_owned),
        accuser: q.text("accuser").map(str::to_lowercase),
        public: q.get("view") == Some("public"),
        descending: q.get("dir") == Some("desc"),
        ..Filter::default()
    };
    for (name, slot) in [("from", &mut f.from), ("to", &mut f.to)] {
        if let Some(v) = q.text(name) {
            if ascribe_app::docs::days(v).is_some() && v.len() == 10 {
                *slot = Some(v.to_owned());
            } else {
                f.errors.insert(
                    name,
                    format!("{v:?} is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01."),
                );
            }
        }
    }
    match q.text("denial") {
        None | Some("any") => {}
        Some("yes") => f.denial = Some(true),
        Some("no") => f.denial = Some(false),
        Some(v) => {
            f.errors
                .insert("denial", format!("{v:?}: choose any, yes or no."));
        }
    }
    if let Some(v) = q.text("verdict") {
        match v.parse::<Phia>() {
            Ok(p) => f.verdict = Some(p),
            Err(_) => {
                f.errors.insert(
                    "verdict",
                    format!("{v:?} is not a yardstick word: choose one from the list."),
                );
            }
        }
    }
    if let Some(v) = q.text("gap") {
        match v.parse::<i64>() {
            Ok(g) if (0..=100).contains(&g) => f.gap = Some(g),
            _ => {
                f.errors.insert(
                    "gap",
                    format!("{v:?}: write a whole number of percentage points from 0 to 100."),
                );
            }
        }
    }
    f.sort = match q.text("sort") {
        None | Some("id") => Some(Sort::Id),
        Some("date") => Some(Sort::Date),
        Some("probability") => Some(Sort::Probability),
        Some("gap") => Some(Sort::Gap),
        Some(v) => {
            f.errors.insert(
                "sort",
                format!("{v:?}: sort by id, date, probability or gap."),
            );
            None
        }
    };
    f
}

fn matches(f: &Filter, d: &Digest, actor: Option<&str>) -> bool {
    if let Some(t) = &f.text {
        let hay = format!("{} {} {}", d.id, d.title, d.victims.join(" ")).to_lowercase();
        if !hay.contains(t.as_str()) {
            return false;
        }
    }
    // An incident overlaps the range when it ends on or after `from` and starts on or before `to`.
    if let Some(from) = &f.from {
        if d.to
            .as_deref()
            .or(d.from.as_deref())
            .is_none_or(|t| t.get(..10).unwrap_or(t) < from.as_str())
        {
            return false;
        }
    }
    if let Some(to) = &f.to {
        if d.from
            .as_deref()
            .or(d.to.as_deref())
            .is_none_or(|t| t.get(..10).unwrap_or(t) > to.as_str())
        {
            return false;
        }
    }
    if let Some(a) = actor {
        if !d.actors.iter().any(|x| x == a || x.contains(a)) {
            return false;
        }
    }
    if let Some(acc) = &f.accuser {
        if !d.accusers.iter().any(|x| x.contains(acc.as_str())) {
            return false;
        }
    }
    if let Some(want) = f.denial {
        if (d.denials > 0) != want {
            return false;
        }
    }
    if let Some(p) = f.verdict {
        if d.verdict.as_ref().map(|v| v.phrase) != Some(p) {
            return false;
        }
    }
    if let Some(g) = f.gap {
        if d.verdict.as_ref().is_none_or(|v| v.gap.abs() < g) {
            return false;
        }
    }
    true
}

/// The filtered, sorted digests.
fn select(f: &Filter, all: Vec<Arc<Digest>>) -> Vec<Arc<Digest>> {
    // The actor filter is alias-aware: "Cozy Bear" finds hypotheses written "APT29".
    let actor = f.actor.as_deref().map(|a| {
        let kb = ascribe_kb::KnowledgeBase::builtin();
        ascribe_kb::normalize(kb.resolve_actor(a).map_or(a, |x| x.name.as_str()))
    });
    let mut rows: Vec<Arc<Digest>> = all
        .into_iter()
        .filter(|d| matches(f, d, actor.as_deref()))
        .collect();
    let prob = |d: &Digest| d.verdict.as_ref().map_or(-1.0, |v| v.probability);
    let gap = |d: &Digest| d.verdict.as_ref().map_or(-1, |v| v.gap.abs());
    match f.sort.unwrap_or(Sort::Id) {
        Sort::Id => rows.sort_by(|a, b| a.id.cmp(&b.id)),
        Sort::Date => rows.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.id.cmp(&b.id))),
        Sort::Probability => {
            rows.sort_by(|a, b| prob(a).total_cmp(&prob(b)).then_with(|| a.id.cmp(&b.id)))
        }
        Sort::Gap => rows.sort_by(|a, b| gap(a).cmp(&gap(b)).then_with(|| a.id.cmp(&b.id))),
    }
    if f.descending {
        rows.reverse();
    }
    rows
}

/// The clearance a request reads at: the reader's, or TLP:CLEAR for the public view.
fn reading_at(v: &Viewer, public: bool) -> Tlp {
    if public {
        Tlp::Clear
    } else {
        v.clearance()
    }
}

async fn load_list(
    web: &Web,
    v: &Viewer,
    q: &Params,
) -> Result<(Filter, Vec<Arc<Digest>>), Response> {
    let f = read_filter(q);
    let at = reading_at(v, f.public);
    let w = web.clone();
    let all = web
        .db(move |s| digests(&w, s, at))
        .await?
        .map_err(|e| app_error(&e))?;
    let rows = select(&f, all);
    Ok((f, rows))
}

pub(crate) async fn list(State(web): State<Web>, Reading { v, q }: Reading) -> Response {
    let (f, rows) = match load_list(&web, &v, &q).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let g = Paging::read(&q, "page", web.config().page_size, rows.len());
    let shown = &rows[g.range(rows.len())];
    let marking = shown.iter().map(|d| d.marking).max().unwrap_or(Tlp::Clear);
    let status = if f.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = list_body(&v, &f, &q, shown, g, rows.len());
    html_response(status, page("Incidents", marking, &v, body))
}

fn verdict_cell(v: &Verdict) -> Markup {
    html! {
        (v.label) " · " strong { (v.phrase.as_str()) } " " (pct(v.probability))
    }
}

fn public_cell(v: &Verdict) -> Markup {
    html! {
        (v.public_label) " · " strong { (v.public_phrase.as_str()) } " " (pct(v.public_probability))
    }
}

fn sort_header(q: &Params, key: &str, label: &str, current: Sort, desc: bool) -> Markup {
    let this = match key {
        "date" => Sort::Date,
        "probability" => Sort::Probability,
        "gap" => Sort::Gap,
        _ => Sort::Id,
    };
    let active = this == current;
    let next_desc = active && !desc;
    let href = format!(
        "/incidents{}",
        q.with("sort", Some(key))
            .with("dir", Some(if next_desc { "desc" } else { "asc" }))
            .with("page", None)
            .query()
    );
    let aria = active.then_some(if desc { "descending" } else { "ascending" });
    html! {
        th scope="col" aria-sort=[aria] {
            a href=(href) { (label) @if active { span class="muted" { (if desc { " ↓" } else { " ↑" }) } } }
        }
    }
}

fn list_body(
    v: &Viewer,
    f: &Filter,
    q: &Params,
    shown: &[Arc<Digest>],
    g: Paging,
    total: usize,
) -> Markup {
    let verdicts: Vec<(&str, &str)> = std::iter::once(("", "any"))
        .chain(Phia::ALL.iter().map(|p| (p.as_str(), p.as_str())))
        .collect();
    let sort = f.sort.unwrap_or(Sort::Id);
    let export = |ext: &str| format!("/incidents.{ext}{}", q.with("page", None).query());
    html! {
        h1 { "Incidents" }
        p class="views" {
            "View: "
            @let full = q.with("view", None).with("page", None).query();
            @let public = q.with("view", Some("public")).with("page", None).query();
            a href=(format!("/incidents{full}")) aria-current=[(!f.public).then_some("page")] { "Full (all evidence you may see, up to " (v.clearance().label()) ")" }
            " · "
            a href=(format!("/incidents{public}")) aria-current=[f.public.then_some("page")] { "Public (" (Tlp::Clear.label()) " evidence only)" }
        }
        form method="get" action="/incidents" class="filters" aria-label="Filter incidents" {
            @if f.public { input type="hidden" name="view" value="public"; }
            @let e = &f.errors;
            (text_input(e, q, "q", "Text", None))
            (text_input(e, q, "from", "From date", Some("YYYY-MM-DD")))
            (text_input(e, q, "to", "To date", Some("YYYY-MM-DD")))
            (text_input(e, q, "actor", "Named actor", Some("any alias, e.g. Cozy Bear")))
            (text_input(e, q, "accuser", "Accusing state or body", None))
            (select_input(e, q, "denial", "Has a denial", &[("any", "any"), ("yes", "yes"), ("no", "no")]))
            (select_input(e, q, "verdict", "Verdict word (full view)", &verdicts))
            (text_input(e, q, "gap", "Gap at least (points)", Some("full minus public")))
            (select_input(e, q, "sort", "Sort by", &[("id", "incident id"), ("date", "date"), ("probability", "probability"), ("gap", "gap")]))
            (select_input(e, q, "dir", "Order", &[("asc", "ascending"), ("desc", "descending")]))
            div class="actions" {
                button type="submit" { "Apply filters" }
                a href=(if f.public { "/incidents?view=public" } else { "/incidents" }) { "Clear filters" }
            }
        }
        @if !f.errors.is_empty() {
            p class="error" role="alert" { "Some filters could not be read; see the messages next to them. The list below ignores them." }
        }
        (pager("incidents", "/incidents", q, "page", g, total))
        div class="table-wrap" role="region" aria-labelledby="incidents-caption" tabindex="0" {
            table {
                caption id="incidents-caption" { "Incidents with the leading candidate, full view and public view side by side" }
                thead {
                    tr {
                        (sort_header(q, "id", "Incident", sort, f.descending))
                        (sort_header(q, "date", "Dates", sort, f.descending))
                        th scope="col" { "Victims" }
                        (sort_header(q, "probability", "Leading candidate (full)", sort, f.descending))
                        th scope="col" { "Public view" }
                        (sort_header(q, "gap", "Gap", sort, f.descending))
                        th scope="col" class="num" { "Accusations" }
                        th scope="col" class="num" { "Denials" }
                        th scope="col" class="num" { "Evidence (" (Tlp::Clear.label()) ")" }
                        th scope="col" { "Marking" }
                    }
                }
                tbody {
                    @for d in shown {
                        tr {
                            th scope="row" {
                                a href=(format!("/incidents/{}{}", enc(&d.id), if f.public { "?view=public" } else { "" })) { (d.title) }
                                br; span class="muted" { (d.id) }
                            }
                            td { (d.from.as_deref().unwrap_or("–")) @if let Some(t) = &d.to { " to " (t) } }
                            td { (d.victims.join(", ")) }
                            @match &d.verdict {
                                Some(vd) => {
                                    td { (verdict_cell(vd)) }
                                    td { (public_cell(vd)) }
                                    td class="num" { (vd.gap) " points" }
                                }
                                None => {
                                    td colspan="3" { "Cannot be assessed (see the incident page)" }
                                }
                            }
                            td class="num" { (d.accusations) }
                            td class="num" { (d.denials) }
                            td class="num" { (count(d.evidence)) " (" (count(d.public_evidence)) ")" }
                            td { (chip(d.marking)) }
                        }
                    }
                }
            }
        }
        (pager("incidents", "/incidents", q, "page", g, total))
        p class="exports" { "Export this list (every page, same filters): " a href=(export("csv")) { "CSV" } a href=(export("json")) { "JSON" } }
    }
}

fn list_rows(rows: &[Arc<Digest>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|d| {
            let v = d.verdict.as_ref();
            vec![
                d.id.clone(),
                d.title.clone(),
                cell(d.from.as_deref()),
                cell(d.to.as_deref()),
                v.map_or(String::new(), |v| v.label.clone()),
                v.map_or(String::new(), |v| v.phrase.as_str().to_owned()),
                v.map_or(String::new(), |v| format!("{:.4}", v.probability)),
                v.map_or(String::new(), |v| v.public_label.clone()),
                v.map_or(String::new(), |v| v.public_phrase.as_str().to_owned()),
                v.map_or(String::new(), |v| format!("{:.4}", v.public_probability)),
                v.map_or(String::new(), |v| v.gap.to_string()),
                d.accusations.to_string(),
                d.denials.to_string(),
                d.evidence.to_string(),
                d.public_evidence.to_string(),
                d.marking.label().to_owned(),
            ]
        })
        .collect()
}

const LIST_HEADER: [&str; 16] = [
    "id",
    "title",
    "from",
    "to",
    "leading",
    "phrase",
    "probability",
    "public_leading",
    "public_phrase",
    "public_probability",
    "gap_points",
    "accusations",
    "denials",
    "evidence",
    "public_evidence",
    "marking",
];

async fn list_export(web: Web, r: Reading, format: Format) -> Response {
    match load_list(&web, &r.v, &r.q).await {
        Ok((_, rows)) => {
            let marking = rows.iter().map(|d| d.marking).max().unwrap_or(Tlp::Clear);
            crate::export::table(format, marking, &LIST_HEADER, &list_rows(&rows))
        }
        Err(r) => r,
    }
}

pub(crate) async fn list_csv(State(web): State<Web>, r: Reading) -> Response {
    list_export(web, r, Format::Csv).await
}

pub(crate) async fn list_json(State(web): State<Web>, r: Reading) -> Response {
    list_export(web, r, Format::Json).await
}

/// The what-if a query asks for: `exclude` (ids separated by spaces or
/// commas, possibly repeated) and `grades` (`ID=B2` pairs), with errors.
fn read_what_if(q: &Params) -> (WhatIf, BTreeMap<&'static str, String>) {
    let mut w = WhatIf::default();
    let mut errors = BTreeMap::new();
    for (k, v) in q.prefixed("") {
        if k == "exclude" {
            for id in v.split([' ', ',']).filter(|s| !s.is_empty()) {
                w.exclude.insert(id.to_owned());
            }
        }
    }
    if let Some(g) = q.text("grades") {
        let mut bad = Vec::new();
        for pair in g.split([' ', ',']).filter(|s| !s.is_empty()) {
            match pair
                .split_once('=')
                .map(|(id, gr)| (id, gr.parse::<Admiralty>()))
            {
                Some((id, Ok(grade))) if !id.is_empty() => {
                    w.grades.insert(id.to_owned(), grade);
                }
                _ => bad.push(pair.to_owned()),
            }
        }
        if !bad.is_empty() {
            errors.insert(
                "grades",
                format!(
                    "could not read {}: write ID=GRADE pairs, the grade a letter A-F and a digit 1-6, e.g. E3=C3.",
                    bad.join(", ")
                ),
            );
        }
    }
    (w, errors)
}

/// The incident page.
pub(crate) async fn show(
    State(web): State<Web>,
    Path(id): Path<String>,
    Reading { v, q }: Reading,
) -> Response {
    let public = q.get("view") == Some("public");
    let at = reading_at(&v, public);
    let (what_if, mut errors) = read_what_if(&q);
    let seen = match assessed(&web, id.clone(), at, what_if.clone()).await {
        Ok(Ok(seen)) => seen,
        Ok(Err(e)) => return app_error(&e),
        Err(r) => return r,
    };
    for p in &seen.problems {
        errors
            .entry("exclude")
            .or_insert_with(String::new)
            .push_str(&format!("{}: {}. ", p.id, p.reason));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = incident_body(
        &v,
        &id,
        &q,
        public,
        &what_if,
        &errors,
        &seen,
        web.config().page_size,
    );
    html_response(
        status,
        page(&seen.case.incident.title, seen.marking, &v, body),
    )
}

/// How strongly an item bears on any hypothesis: the largest |log LR|.
fn diagnosticity(c: &ascribe_assess::Contribution) -> f64 {
    c.log_lr.values().fold(0.0_f64, |m, v| m.max(v.abs()))
}

#[allow(clippy::too_many_arguments)]
fn incident_body(
    v: &Viewer,
    id: &str,
    q: &Params,
    public: bool,
    what_if: &WhatIf,
    errors: &BTreeMap<&'static str, String>,
    seen: &view::Seen,
    page_size: usize,
) -> Markup {
    let a = &seen.assessment;
    let case = &seen.case;
    let l = &a.leading;
    let here = format!("/incidents/{}", enc(id));
    let base_q = q.with("ev", None).with("cl", None);
    html! {
        h1 { (case.incident.title) }
        p class="muted" {
            "Incident " (case.incident.id)
            @if let Some(p) = &case.incident.period { " · " (p.from) " to " (p.to) }
            @if !case.incident.victims.is_empty() { " · victims: " (case.incident.victims.join(", ")) }
        }
        p class="views" {
            "View: "
            a href=(format!("{here}{}", q.with("view", None).query())) aria-current=[(!public).then_some("page")] { "Full (up to " (v.clearance().label()) ")" }
            " · "
            a href=(format!("{here}{}", q.with("view", Some("public")).query())) aria-current=[public.then_some("page")] { "Public (" (Tlp::Clear.label()) " only)" }
        }
        @if !what_if.is_empty() {
            p class="error" role="status" {
                "What-if: this page shows the verdict recomputed "
                @if !what_if.exclude.is_empty() { "without " (what_if.exclude.iter().cloned().collect::<Vec<_>>().join(", ")) }
                @if !what_if.grades.is_empty() {
                    @if !what_if.exclude.is_empty() { " and " }
                    "with changed grades (" (what_if.grades.iter().map(|(k, g)| format!("{k}={g}")).collect::<Vec<_>>().join(", ")) ")"
                }
                ". Nothing stored has changed. "
                a href=(format!("{here}{}", if public { "?view=public" } else { "" })) { "Back to the stored verdict" }
            }
        }
        section aria-labelledby="judgement" {
            h2 id="judgement" { "Judgement" }
            div class="judgement" {
                p { "We assess it is " strong { (l.phrase.as_str()) } " (" (band(l.phrase)) " on the PHIA yardstick; " (pct(l.probability)) ") that "
                    strong { (l.label) } " carried out this incident — \"" (l.icd203.as_str()) "\" in ICD 203 terms. Analytic confidence: " (a.confidence.as_str()) "." }
                p { "On public evidence alone (" (Tlp::Clear.label()) "): " strong { (l.public_phrase.as_str()) } " (" (pct(l.public_probability)) ") for "
                    (l.public_label) "; analytic confidence " (a.public_confidence.as_str()) "." }
                p { (a.gap.line) }
            }
        }
        section aria-labelledby="hypotheses" {
            h2 id="hypotheses" { "Hypotheses, full and public" }
            (hypothesis_chart(a))
            div class="table-wrap" role="region" aria-labelledby="hyp-caption" tabindex="0" {
                table {
                    caption id="hyp-caption" { "Probability of each hypothesis (the chart's data)" }
                    thead { tr { th scope="col" { "Hypothesis" } th scope="col" class="num" { "Prior" } th scope="col" class="num" { "Full" } th scope="col" { "Full, in words" } th scope="col" class="num" { "Public" } th scope="col" { "Public, in words" } } }
                    tbody {
                        @for h in &a.hypotheses {
                            tr {
                                th scope="row" { (crate::actors::hypothesis_label(case, &h.id, &h.label)) }
                                td class="num" { (pct(h.prior)) }
                                td class="num" { (pct(h.probability)) }
                                td { (Phia::from_probability(h.probability).as_str()) }
                                td class="num" { (pct(h.public_probability)) }
                                td { (Phia::from_probability(h.public_probability).as_str()) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="change" {
            h2 id="change" { "What would change the verdict" }
            (sensitivity(a, &here, q))
        }
        section aria-labelledby="whatif" {
            h2 id="whatif" { "What if" }
            (what_if_form(q, errors, public))
        }
        section aria-labelledby="evidence" {
            h2 id="evidence" { "Evidence (ACH matrix)" }
            (matrix(a, case, &here, &base_q, q, page_size))
        }
        section aria-labelledby="claims" {
            h2 id="claims" { "Claims timeline" }
            (timeline(case, &here, q, page_size))
        }
        section aria-labelledby="provenance" {
            h2 id="provenance" { "Provenance" }
            (provenance(case))
        }
        section aria-labelledby="exports" {
            h2 id="exports" { "Export" }
            @let view_q = if public { "?view=public" } else { "" };
            p class="exports" {
                a href=(format!("{here}/evidence.csv{view_q}")) { "Evidence (CSV)" }
                a href=(format!("{here}/evidence.json{view_q}")) { "Evidence (JSON)" }
                a href=(format!("{here}/claims.csv{view_q}")) { "Claims (CSV)" }
                a href=(format!("{here}/claims.json{view_q}")) { "Claims (JSON)" }
                a href=(format!("{here}/stix.json{view_q}")) { "STIX 2.1 bundle" }
            }
            p class="muted" { "Every export holds only what this page may show: nothing above " (if public { Tlp::Clear.label() } else { v.clearance().label() }) "." }
        }
    }
}

fn hypothesis_chart(a: &Assessment) -> Markup {
    let rows: Vec<Bar<'_>> = a
        .hypotheses
        .iter()
        .map(|h| Bar {
            label: &h.label,
            full: h.probability,
            public: h.public_probability,
        })
        .collect();
    let l = &a.leading;
    let title = format!(
        "{} leads at {} ({}) on all evidence; on public evidence {} leads at {} ({})",
        l.label,
        pct(l.probability),
        l.phrase.as_str(),
        l.public_label,
        pct(l.public_probability),
        l.public_phrase.as_str()
    );
    let desc = "For each hypothesis, two bars: the probability from all evidence (upper, dark) and from TLP:CLEAR evidence only (lower, light), over the PHIA yardstick's bands. The table below gives the same figures.";
    bars("hyp-chart", &title, desc, &rows)
}

/// "What would change the verdict": the items whose removal changes the
/// leading hypothesis or its word, as sentences, at most five.
fn sensitivity(a: &Assessment, here: &str, q: &Params) -> Markup {
    let l = &a.leading;
    let flips: Vec<&ascribe_assess::Sensitivity> =
        a.sensitivity.iter().filter(|x| x.flips).take(5).collect();
    let top = a.sensitivity.first();
    let tlp_of: HashMap<&str, (Tlp, &str)> = a
        .contributions
        .iter()
        .map(|c| (c.evidence.as_str(), (c.tlp, c.kind.as_str())))
        .collect();
    let without = |id: &str| {
        format!(
            "{here}{}",
            q.with("exclude", Some(id)).with("ev", None).query()
        )
    };
    html! {
        @if flips.is_empty() {
            p {
                "No single item changes the verdict."
                @if let Some(x) = top {
                    " The item that moves it most is " a href=(without(&x.evidence)) { (x.evidence) }
                    ": without it " (l.label) " would be at " (pct((l.probability + x.delta).clamp(0.0, 1.0))) "."
                }
            }
        } @else {
            ul {
                @for x in &flips {
                    @let (tlp, kind) = tlp_of.get(x.evidence.as_str()).copied().unwrap_or((Tlp::Clear, ""));
                    li {
                        "Without " a href=(without(&x.evidence)) { (x.evidence) } " (" (tlp.label()) ", " (kind) ") "
                        @match (&x.new_leading, x.new_phrase) {
                            (Some(nl), _) => { "the leading hypothesis would become " strong { (nl) } }
                            (None, Some(np)) => { "the verdict would move from " strong { (l.phrase.as_str()) } " to " strong { (np.as_str()) } }
                            (None, None) => { "the verdict would change" }
                        }
                        " (" (l.label) " at " (pct((l.probability + x.delta).clamp(0.0, 1.0))) ")."
                    }
                }
            }
        }
        @if a.gap.restricted_items > 0 {
            p { "The public view leaves out " (count(a.gap.restricted_items)) " restricted items; " (a.gap.line) }
        }
    }
}

fn what_if_form(q: &Params, errors: &BTreeMap<&'static str, String>, public: bool) -> Markup {
    let exclude: Vec<&str> = q
        .prefixed("")
        .filter(|(k, _)| *k == "exclude")
        .map(|(_, v)| v)
        .collect();
    let ex_err = errors.get("exclude");
    let gr_err = errors.get("grades");
    html! {
        p { "Leave items out or change a grade and see the verdict recomputed. The result has its own address to share; nothing stored changes." }
        form method="get" class="filters" aria-label="What if" {
            @if public { input type="hidden" name="view" value="public"; }
            div class="field" {
                label for="exclude" { "Leave out (item ids)" }
                span class="muted" id="exclude-hint" { "separated by spaces, e.g. E2 claim:c3" }
                input id="exclude" name="exclude" type="text" value=(exclude.join(" "))
                    aria-invalid=[ex_err.map(|_| "true")]
                    aria-describedby=(if ex_err.is_some() { "exclude-hint exclude-error" } else { "exclude-hint" });
                @if let Some(e) = ex_err { span class="error" id="exclude-error" { (e) } }
            }
            div class="field" {
                label for="grades" { "Change grades" }
                span class="muted" id="grades-hint" { "ID=GRADE pairs, e.g. E3=C3" }
                input id="grades" name="grades" type="text" value=(q.get("grades").unwrap_or(""))
                    aria-invalid=[gr_err.map(|_| "true")]
                    aria-describedby=(if gr_err.is_some() { "grades-hint grades-error" } else { "grades-hint" });
                @if let Some(e) = gr_err { span class="error" id="grades-error" { (e) } }
            }
            div class="actions" { button type="submit" { "Recompute" } }
        }
    }
}

/// The ACH matrix: items by hypotheses, most diagnostic first, one page at a time.
fn matrix(
    a: &Assessment,
    case: &Case,
    here: &str,
    base_q: &Params,
    q: &Params,
    page_size: usize,
) -> Markup {
    let mut order: Vec<(f64, &ascribe_assess::Contribution)> = a
        .contributions
        .iter()
        .map(|c| (diagnosticity(c), c))
        .collect();
    order.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| x.1.evidence.cmp(&y.1.evidence))
    });
    let total = order.len();
    let g = Paging::read(q, "ev", page_size, total);
    let shown = &order[g.range(total)];
    let wanted: BTreeSet<&str> = shown.iter().map(|(_, c)| c.evidence.as_str()).collect();
    let mut summaries: HashMap<&str, &str> = HashMap::new();
    for e in &case.evidence {
        if wanted.contains(e.id.as_str()) {
            summaries.insert(&e.id, &e.summary);
        }
    }
    for o in &case.observed {
        if wanted.contains(o.id.as_str()) {
            summaries.insert(&o.id, &o.summary);
        }
    }
    let claim_quotes: HashMap<String, &str> = case
        .claims
        .iter()
        .filter_map(|c| {
            let id = format!("claim:{}", c.id);
            wanted
                .contains(id.as_str())
                .then(|| (id, c.quote.as_deref().unwrap_or("")))
        })
        .collect();
    let without = |id: &str| {
        format!(
            "{here}{}",
            q.with("exclude", Some(id)).with("ev", None).query()
        )
    };
    let _ = base_q;
    html! {
        p { "Each cell is the log-likelihood ratio the item adds to the hypothesis (after grade weight and same-source damping); positive supports it, negative weighs against it. Items are ordered by how strongly they tell hypotheses apart." }
        (pager("evidence items", here, q, "ev", g, total))
        div class="table-wrap" role="region" aria-labelledby="ach-caption" tabindex="0" {
            table {
                caption id="ach-caption" { "Evidence by hypothesis, most diagnostic first" }
                thead {
                    tr {
                        th scope="col" { "Item" }
                        th scope="col" { "Kind and source" }
                        th scope="col" { "Grade" }
                        th scope="col" { "Marking" }
                        @for h in &a.hypotheses { th scope="col" class="num" { (h.label) } }
                        th scope="col" { "In public view" }
                        th scope="col" { "What if" }
                    }
                }
                tbody {
                    @for (_, c) in shown {
                        tr {
                            th scope="row" {
                                (c.evidence)
                                @if let Some(s) = summaries.get(c.evidence.as_str()).copied().or_else(|| claim_quotes.get(&c.evidence).copied()) {
                                    @if !s.is_empty() { br; span class="muted" { (s) } }
                                }
                            }
                            td { (c.kind) br; span class="muted" { (c.source) } }
                            td { (c.grade) br; span class="muted" { (grade_words(&c.grade)) } }
                            td { (chip(c.tlp)) }
                            @for h in &a.hypotheses {
                                @let x = c.log_lr.get(&h.id).copied().unwrap_or(0.0);
                                td class="num" { (if x.abs() < 0.005 { "0.00".to_owned() } else { format!("{x:+.2}") }) }
                            }
                            td { (if c.tlp.is_public() { "yes" } else { "no" }) }
                            td { a href=(without(&c.evidence)) { "Without " (c.evidence) } }
                        }
                    }
                }
            }
        }
        (pager("evidence items", here, q, "ev", g, total))
    }
}

pub(crate) fn kind_word(k: ClaimKind) -> &'static str {
    match k {
        ClaimKind::Accusation => "Accusation",
        ClaimKind::Denial => "Denial",
        ClaimKind::CounterAccusation => "Counter-accusation",
        ClaimKind::AttributionStatement => "Attribution statement",
    }
}

/// Who a claim is about, normalised, for pairing accusations with denials.
fn party(c: &Claim) -> BTreeSet<String> {
    [&c.target_canonical, &c.target, &c.target_state]
        .into_iter()
        .flatten()
        .map(|s| ascribe_kb::normalize(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A denial as [`answers`] compares it: who it is about or by, normalised,
/// and its day.
struct Denial<'c> {
    claim: &'c Claim,
    party: BTreeSet<String>,
    day: Option<i64>,
}

/// Every denial among `claims`, in their order, read once per page.
fn denials<'c>(claims: &[&'c Claim]) -> Vec<Denial<'c>> {
    claims
        .iter()
        .filter(|c| c.kind == Some(ClaimKind::Denial))
        .map(|c| {
            let mut p = party(c);
            for s in [&c.speaker_country, &c.speaker_org, &c.speaker]
                .into_iter()
                .flatten()
            {
                p.insert(ascribe_kb::normalize(s));
            }
            Denial {
                claim: c,
                party: p,
                day: c.date.as_deref().and_then(ascribe_app::docs::days),
            }
        })
        .collect()
}

/// The denials that answer one accusation: a denial of the same party (or
/// by the accused state) made on or after the accusation's date. The first
/// [`ANSWERS_SHOWN`] (id, days later) in the claims' order, and how many in
/// all. Asked only for the accusations on the page shown, so a page costs
/// the page's size times the denials, never accusations times denials.
fn answers(a: &Claim, denials: &[Denial<'_>]) -> (Vec<(String, Option<i64>)>, usize) {
    if !matches!(
        a.kind_or_accusation(),
        ClaimKind::Accusation | ClaimKind::AttributionStatement
    ) {
        return (Vec::new(), 0);
    }
    let accused = party(a);
    let day_a = a.date.as_deref().and_then(ascribe_app::docs::days);
    let mut first = Vec::new();
    let mut all = 0;
    for d in denials {
        let after = match (day_a, d.day) {
            (Some(x), Some(y)) => y >= x,
            _ => true,
        };
        if after && !accused.is_disjoint(&d.party) {
            all += 1;
            if first.len() < ANSWERS_SHOWN {
                first.push((d.claim.id.clone(), day_a.zip(d.day).map(|(x, y)| y - x)));
            }
        }
    }
    (first, all)
}

/// Denials shown under one accusation.
const ANSWERS_SHOWN: usize = 3;

fn timeline(case: &Case, here: &str, q: &Params, page_size: usize) -> Markup {
    let mut claims: Vec<&Claim> = case.claims.iter().collect();
    claims.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    let denials = denials(&claims);
    let total = claims.len();
    let g = Paging::read(q, "cl", page_size, total);
    html! {
        @if total == 0 {
            p { "No claims are filed under this incident." }
        } @else {
            (pager("claims", here, q, "cl", g, total))
            ol class="timeline" {
                @for c in &claims[g.range(total)] {
                    li id=(format!("claim-{}", c.id)) {
                        strong { (c.date.as_deref().unwrap_or("undated")) " · " (kind_word(c.kind_or_accusation())) }
                        " " (chip(c.tlp))
                        br;
                        (c.speaker.as_deref().or(c.speaker_org.as_deref()).unwrap_or("unnamed speaker"))
                        @if let Some(o) = &c.speaker_org { @if c.speaker.is_some() { " (" (o) ")" } }
                        @if let Some(ct) = &c.speaker_country { ", " (ct) }
                        @if let Some(t) = &c.target {
                            " → " (t)
                            @if let Some(cn) = &c.target_canonical { @if cn != t { " (" (cn) ")" } }
                        }
                        @if let Some(p) = &c.confidence_phrase {
                            " · \"" (p) "\""
                            @if let Some(b) = &c.probability { " (" (format!("{:.0}-{:.0}%", b.low * 100.0, b.high * 100.0)) ")" }
                        }
                        @if let Some(quote) = &c.quote { blockquote { (quote) } }
                        @if let Some(d) = &c.doc {
                            span class="muted" { "Source: " (d)
                                @if let (Some(s), Some(e)) = (c.start, c.end) { ", characters " (s) "–" (e) } }
                        }
                        @let (ans, all) = answers(c, &denials);
                        @if all > 0 {
                            // The first answers only: one accusation may draw hundreds of denials.
                            @for (d, later) in &ans {
                                p class="answer" { "↳ denied by " a href=(format!("#claim-{d}")) { "claim " (d) }
                                    @if let Some(n) = later { ", " (n) (if *n == 1 { " day" } else { " days" }) " later" } }
                            }
                            @if all > ans.len() {
                                p class="answer" { "… and " (all - ans.len()) " more denials of the same party (see the claims export)" }
                            }
                        }
                    }
                }
            }
            (pager("claims", here, q, "cl", g, total))
        }
    }
}

/// Names by how many items each has, most first (then by name).
fn most_first(names: &BTreeMap<String, usize>) -> Vec<(&String, &usize)> {
    let mut top: Vec<(&String, &usize)> = names.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    top
}

/// The provenance row of documents (each named one links to its page).
const DOCUMENTS: &str = "Documents (claims read from them)";
/// The provenance row of device reports (each links to its report's page).
const DEVICES: &str = "Device reports";

/// Where the items came from, by kind of origin, with a few names each.
fn provenance(case: &Case) -> Markup {
    let mut groups: BTreeMap<&'static str, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    let mut add = |kind: &'static str, name: String| {
        let g = groups.entry(kind).or_default();
        g.0 += 1;
        *g.1.entry(name).or_default() += 1;
    };
    for e in &case.evidence {
        match &e.origin {
            None => add("Analyst-graded evidence (case file)", e.source.clone()),
            Some(o) => add(
                "Other programs",
                o.split(':').next().unwrap_or(o).to_owned(),
            ),
        }
    }
    // A device report's page is named by the input's SHA-256 its items' origin carries.
    let mut device_pages: BTreeMap<String, String> = BTreeMap::new();
    for o in &case.observed {
        let kind = match o.origin.as_str() {
            s if s.starts_with("telemetry:") => "Sensor runs (telemetry)",
            s if s.starts_with("device:") => {
                if let Some(sha) = s.split(':').nth(1) {
                    device_pages.insert(o.source.clone(), sha.to_owned());
                }
                DEVICES
            }
            _ => "Other observations",
        };
        add(kind, o.source.clone());
    }
    for c in &case.claims {
        match &c.doc {
            Some(d) => add(DOCUMENTS, d.clone()),
            None => add(
                "Claims written in the case file",
                c.speaker.clone().unwrap_or_else(|| "unnamed".to_owned()),
            ),
        }
    }
    html! {
        div class="table-wrap" role="region" aria-labelledby="prov-caption" tabindex="0" {
            table {
                caption id="prov-caption" { "Where this incident's items came from" }
                thead { tr { th scope="col" { "Origin" } th scope="col" class="num" { "Items" } th scope="col" { "Sources (most items first, at most 10)" } } }
                tbody {
                    @for (kind, (n, names)) in &groups {
                        @let top = most_first(names);
                        tr {
                            th scope="row" { (kind) }
                            td class="num" { (count(*n)) }
                            td {
                                @if *kind == DOCUMENTS {
                                    // Each document has a page of its own: its text with these claims marked.
                                    @for (i, (k, v)) in top.iter().take(10).enumerate() {
                                        @if i > 0 { ", " }
                                        a href=(format!("/documents/{}", enc(k))) { (k) } " (" (v) ")"
                                    }
                                } @else if *kind == DEVICES {
                                    @for (i, (k, v)) in top.iter().take(10).enumerate() {
                                        @if i > 0 { ", " }
                                        @match device_pages.get(k.as_str()) {
                                            Some(sha) => { a href=(format!("/devices/{}", enc(sha))) { (k) } " (" (v) ")" }
                                            None => { (k) " (" (v) ")" }
                                        }
                                    }
                                } @else {
                                    (top.iter().take(10).map(|(k, v)| format!("{k} ({v})")).collect::<Vec<_>>().join(", "))
                                }
                                @if top.len() > 10 { " … and " (top.len() - 10) " more" }
                            }
                        }
                    }
                }
            }
        }
    }
}

const EVIDENCE_HEADER: [&str; 8] = [
    "id", "kind", "source", "grade", "tlp", "weight", "damping", "log_lr",
];

fn evidence_rows(a: &Assessment) -> Vec<Vec<String>> {
    a.contributions
        .iter()
        .map(|c| {
            vec![
                c.evidence.clone(),
                c.kind.clone(),
                c.source.clone(),
                c.grade.clone(),
                c.tlp.label().to_owned(),
                format!("{:.4}", c.weight),
                format!("{:.4}", c.damping),
                c.log_lr
                    .iter()
                    .map(|(h, x)| format!("{h}={x:.4}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect()
}

/// `/incidents/{id}/{evidence|claims}.{csv|json}` and `/incidents/{id}/stix.json`,
/// read at the reader's clearance (TLP:CLEAR with `?view=public`).
pub(crate) async fn export(State(web): State<Web>, x: Export) -> Response {
    let at = reading_at(&x.v, x.q.get("view") == Some("public"));
    let (table, format) = (x.table.as_str(), x.format);
    match (table, format) {
        ("stix", Format::Json) => return stix(web, x.id, at).await,
        ("evidence" | "claims", _) => {}
        _ => return crate::not_found(),
    }
    let s = match assessed(&web, x.id, at, WhatIf::default()).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return app_error(&e),
        Err(r) => return r,
    };
    if table == "evidence" {
        return crate::export::table(
            format,
            s.marking,
            &EVIDENCE_HEADER,
            &evidence_rows(&s.assessment),
        );
    }
    let id = s.case.incident.id.as_str();
    crate::export::table(
        format,
        claims_marking(&s.case.claims),
        &claims_header(),
        &claim_rows(s.case.claims.iter().map(|c| (id, c))),
    )
}

/// The incident as a STIX 2.1 bundle at the reader's clearance (the
/// export use case recomputes the assessment from what it keeps).
async fn stix(web: Web, id: String, at: Tlp) -> Response {
    let config = web.config().policy.clone();
    let bundle = web
        .db(move |s| -> Result<serde_json::Value, AppError> {
            let (case, case_policy) = view::case_seen_by(s, &id, at)?;
            let policy = ascribe_app::assess::policy(config.as_ref(), case_policy.as_ref())?;
            // The store's clock: the one the server was started with.
            ascribe_app::stix::export(Some(s), &case, &policy, at, s.clock())
        })
        .await;
    match bundle {
        Ok(Ok(b)) => download("application/stix+json;version=2.1", b.to_string()),
        Ok(Err(e)) => app_error(&e),
        Err(r) => r,
    }
}
