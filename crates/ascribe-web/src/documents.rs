//! `/documents/{id}`: a document's text in parts, each claim read from it
//! highlighted and linked to its entry in the list of claims below, its
//! metadata, and the claims' export. A document or claim above the reader's
//! clearance is never read (the store's statements filter); a document the
//! reader may not see is a 404, as a missing one.

use std::ops::Range;

use ascribe_model::{Claim, Tlp};
use ascribe_store::DocumentSeen;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use crate::format::{count, csv};
use crate::incidents::{cell, csv_response, enc, json_response, kind_word, table_json};
use crate::layout::{chip, page, pager};
use crate::params::{Paging, Params};
use crate::{app_error, html_response, not_found, query_of, viewer, Viewer, Web};

/// Bytes of text per part of the page (a part ends at a line break near
/// this, so a 32 MB document is shown a bounded part at a time).
const PART_BYTES: usize = 16 * 1024;
/// How far back from a part's nominal end a line break is looked for.
const PART_SLACK: usize = 2 * 1024;

/// Where part `k` (from 0) starts: the line start at or before `k *
/// PART_BYTES` within [`PART_SLACK`], else the char boundary there. Each
/// start depends on `k` only, and starts strictly increase.
fn part_start(text: &str, k: usize) -> usize {
    let nominal = k * PART_BYTES;
    if nominal >= text.len() {
        return text.len();
    }
    if k == 0 {
        return 0;
    }
    let from = nominal - PART_SLACK;
    match text.as_bytes()[from..nominal]
        .iter()
        .rposition(|&b| b == b'\n')
    {
        Some(i) => from + i + 1,
        None => (0..=nominal)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .expect("0 is a char boundary"),
    }
}

/// How many parts the text has (at least one).
fn parts(text: &str) -> usize {
    text.len().div_ceil(PART_BYTES).max(1)
}

/// The byte range of part `k` (from 0).
fn part_range(text: &str, k: usize) -> Range<usize> {
    part_start(text, k)..part_start(text, k + 1)
}

/// The part (from 0) that holds byte `offset`.
fn part_of(text: &str, offset: usize) -> usize {
    let k = (offset / PART_BYTES).min(parts(text) - 1);
    if k + 1 < parts(text) && offset >= part_start(text, k + 1) {
        k + 1
    } else {
        k
    }
}

/// A claim's span in `text`, when it is one (in range, on char boundaries, not empty).
fn span(text: &str, c: &Claim) -> Option<Range<usize>> {
    let (s, e) = (c.start?, c.end?);
    (s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e))
        .then_some(s..e)
}

/// The document page.
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
    let Some(seen) = (match load(&web, id, v.clearance()).await {
        Ok(s) => s,
        Err(r) => return r,
    }) else {
        return not_found();
    };
    let marking = marking(&seen);
    let body = body(&v, &q, &seen, web.config().page_size);
    html_response(
        StatusCode::OK,
        page(&format!("Document {}", seen.record.name), marking, &v, body),
    )
}

async fn load(web: &Web, id: String, at: Tlp) -> Result<Option<DocumentSeen>, Response> {
    web.db(move |s| ascribe_app::view::document_seen_by(s, &id, at))
        .await?
        .map_err(|e| app_error(&e))
}

/// The highest marking of what the page shows: the document's and its claims'.
fn marking(seen: &DocumentSeen) -> Tlp {
    seen.claims
        .iter()
        .map(|(_, c)| c.tlp)
        .fold(seen.record.tlp, Ord::max)
}

fn body(v: &Viewer, q: &Params, seen: &DocumentSeen, page_size: usize) -> Markup {
    let r = &seen.record;
    let here = format!("/documents/{}", enc(&r.name));
    let total = seen.claims.len();
    let cl = Paging::read(q, "cl", page_size, total);
    html! {
        h1 { "Document " (r.name) }
        section aria-labelledby="about" {
            h2 id="about" { "About this document" }
            dl class="facts" {
                dt { "Outlet" } dd { (r.outlet.as_deref().unwrap_or("not named in the document")) }
                dt { "Published" } dd { (r.published.as_deref().unwrap_or("no date found")) }
                dt { "Source address (as written, not a link)" }
                dd { @match &r.url { Some(u) => code { (u) }, None => "not named in the document" } }
                dt { "Size" } dd { (r.bytes) " bytes" }
                dt { "Read on" } dd { (r.ingested_at) }
                dt { "Marking" } dd { (chip(r.tlp)) }
                dt { "Claims read from it" } dd { (count(total)) " you may see (" (count(r.claims)) " read in all)" }
                dt { "Filed under" }
                dd {
                    @if r.incidents.is_empty() { "no incident" }
                    @for (i, inc) in r.incidents.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(format!("/incidents/{}", enc(inc))) { (inc) }
                    }
                }
            }
        }
        section aria-labelledby="text" {
            h2 id="text" { "Text" }
            (text_section(q, seen, &here, cl.size))
        }
        section aria-labelledby="claims" {
            h2 id="claims" { "Claims read from it" }
            (claims_section(q, seen, &here, cl))
        }
        section aria-labelledby="exports" {
            h2 id="exports" { "Export" }
            p class="exports" {
                a href=(format!("{here}/claims.csv")) { "Claims (CSV)" }
                a href=(format!("{here}/claims.json")) { "Claims (JSON)" }
            }
            p class="muted" { "Every export holds only what this page may show: nothing above " (v.clearance().label()) "." }
        }
    }
}

/// The address of claim `n` (its index in span order) in the list below the text.
fn claim_href(q: &Params, here: &str, n: usize, page_size: usize) -> String {
    let cl = (n / page_size.max(1) + 1).to_string();
    format!("{here}{}#claim-{n}", q.with("cl", Some(&cl)).query())
}

fn text_section(q: &Params, seen: &DocumentSeen, here: &str, page_size: usize) -> Markup {
    let Some(text) = &seen.text else {
        return html! { p { "The text of this document was not kept (it was read before texts were stored). The claims below carry their quotes." } };
    };
    let total = parts(text);
    let g = Paging::read(q, "part", 1, total);
    let k = g.page - 1;
    let range = part_range(text, k);
    // The claims whose spans meet this part, clipped to it, with their index.
    let mut marks: Vec<(usize, Range<usize>)> = seen
        .claims
        .iter()
        .enumerate()
        .filter_map(|(n, (_, c))| span(text, c).map(|s| (n, s)))
        .filter(|(_, s)| s.start < range.end && s.end > range.start)
        .map(|(n, s)| (n, s.start.max(range.start)..s.end.min(range.end)))
        .collect();
    marks.sort_by_key(|(n, s)| (s.start, *n));
    // Cut the part at every span's start and end; each piece is marked by
    // the first claim (in span order) that covers it.
    let mut cuts: Vec<usize> = vec![range.start, range.end];
    for (_, s) in &marks {
        cuts.push(s.start);
        cuts.push(s.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let pieces: Vec<(Range<usize>, Option<usize>, Vec<usize>)> = cuts
        .windows(2)
        .map(|w| {
            let piece = w[0]..w[1];
            let by = marks
                .iter()
                .find(|(_, s)| s.start <= piece.start && piece.end <= s.end)
                .map(|(n, _)| *n);
            let starting: Vec<usize> = marks
                .iter()
                .filter(|(_, s)| s.start == piece.start)
                .map(|(n, _)| *n)
                .collect();
            (piece, by, starting)
        })
        .collect();
    html! {
        p { "Each highlighted passage is a claim read from the document; it links to that claim in the list below." }
        (pager("parts of the text", here, q, "part", g, total))
        div class="doc-text" role="region" aria-label=(format!("Text, part {} of {}", g.page, total)) tabindex="0" {
            @for (piece, by, starting) in &pieces {
                @for n in starting { span id=(format!("span-{n}")) {} }
                @match by {
                    Some(n) => mark { a href=(claim_href(q, here, *n, page_size)) { (&text[piece.clone()]) } }
                    None => (&text[piece.clone()])
                }
            }
        }
        (pager("parts of the text", here, q, "part", g, total))
    }
}

fn speaker(c: &Claim) -> String {
    let who = c
        .speaker
        .as_deref()
        .or(c.speaker_org.as_deref())
        .unwrap_or("unnamed speaker");
    match (&c.speaker, &c.speaker_org) {
        (Some(_), Some(o)) => format!("{who} ({o})"),
        _ => who.to_owned(),
    }
}

fn claims_section(q: &Params, seen: &DocumentSeen, here: &str, g: Paging) -> Markup {
    let total = seen.claims.len();
    let text = seen.text.as_deref();
    html! {
        @if total == 0 {
            p { "No claim read from this document is shown to you." }
        } @else {
            (pager("claims", here, q, "cl", g, total))
            ol class="timeline" start=(g.range(total).start + 1) {
                @for n in g.range(total) {
                    @let (incident, c) = &seen.claims[n];
                    li id=(format!("claim-{n}")) {
                        strong { (kind_word(c.kind_or_accusation())) } " " (chip(c.tlp))
                        br;
                        (speaker(c))
                        @if let Some(ct) = &c.speaker_country { ", " (ct) }
                        @if let Some(t) = &c.target {
                            " → " (t)
                            @if let Some(cn) = &c.target_canonical { @if cn != t { " (" (cn) ")" } }
                        }
                        @if let Some(p) = &c.confidence_phrase { " · \"" (p) "\"" }
                        @if let Some(quote) = &c.quote { blockquote { (quote) } }
                        span class="muted" {
                            "Claim " (c.id) " · filed under "
                            a href=(format!("/incidents/{}", enc(incident))) { (incident) }
                            @if let Some(s) = text.and_then(|t| span(t, c).map(|s| (t, s))) {
                                @let part = part_of(s.0, s.1.start) + 1;
                                " · " a href=(format!("{here}{}#span-{n}", q.with("part", Some(&part.to_string())).query())) { "characters " (s.1.start) "–" (s.1.end) " in the text" }
                            }
                        }
                    }
                }
            }
            (pager("claims", here, q, "cl", g, total))
        }
    }
}

const CLAIMS_HEADER: [&str; 13] = [
    "id",
    "incident",
    "kind",
    "speaker",
    "speaker_org",
    "speaker_country",
    "target",
    "target_canonical",
    "confidence_phrase",
    "quote",
    "start",
    "end",
    "tlp",
];

fn claim_rows(seen: &DocumentSeen) -> Vec<Vec<String>> {
    seen.claims
        .iter()
        .map(|(incident, c)| {
            let o = |s: &Option<String>| cell(s.as_deref());
            let n = |x: Option<usize>| x.map_or(String::new(), |x| x.to_string());
            vec![
                c.id.clone(),
                incident.clone(),
                c.kind_or_accusation().as_str().to_owned(),
                o(&c.speaker),
                o(&c.speaker_org),
                o(&c.speaker_country),
                o(&c.target),
                o(&c.target_canonical),
                o(&c.confidence_phrase),
                o(&c.quote),
                n(c.start),
                n(c.end),
                c.tlp.label().to_owned(),
            ]
        })
        .collect()
}

async fn export(web: &Web, id: String, headers: &HeaderMap) -> Result<DocumentSeen, Response> {
    let v = viewer(web, headers).await?;
    load(web, id, v.clearance()).await?.ok_or_else(not_found)
}

pub(crate) async fn claims_csv(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match export(&web, id, &headers).await {
        Ok(s) => csv_response(csv(marking(&s), &CLAIMS_HEADER, &claim_rows(&s))),
        Err(r) => r,
    }
}

pub(crate) async fn claims_json(
    State(web): State<Web>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match export(&web, id, &headers).await {
        Ok(s) => json_response(&table_json(marking(&s), &CLAIMS_HEADER, &claim_rows(&s))),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_text_once_at_line_breaks_and_find_their_offsets() {
        let line = "é".repeat(40) + "\n";
        let text = line.repeat(1000);
        let n = parts(&text);
        assert!(n > 1);
        let mut at = 0;
        for k in 0..n {
            let r = part_range(&text, k);
            assert_eq!(r.start, at, "part {k} starts where the last ended");
            assert!(r.start == 0 || text.as_bytes()[r.start - 1] == b'\n');
            at = r.end;
            for off in [r.start, r.end.saturating_sub(1)] {
                if off < text.len() && text.is_char_boundary(off) {
                    assert_eq!(part_of(&text, off), k, "offset {off}");
                }
            }
        }
        assert_eq!(at, text.len());
        // No line break near: parts end on char boundaries.
        let flat = "é".repeat(20_000);
        for k in 0..parts(&flat) {
            assert!(flat.is_char_boundary(part_range(&flat, k).end));
        }
        assert_eq!(part_range("", 0), 0..0);
        assert_eq!(parts(""), 1);
    }

    #[test]
    fn a_span_must_lie_in_the_text_on_char_boundaries() {
        let c = |s: usize, e: usize| Claim {
            start: Some(s),
            end: Some(e),
            ..Claim::default()
        };
        assert_eq!(span("aé b", &c(0, 3)), Some(0..3));
        assert_eq!(span("aé b", &c(0, 2)), None, "inside é");
        assert_eq!(span("ab", &c(1, 9)), None);
        assert_eq!(span("ab", &c(1, 1)), None);
    }
}
