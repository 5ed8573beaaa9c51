//! `/documents/{id}`: a document's text in parts, each claim read from it
//! highlighted and linked to its entry in the list of claims below, its
//! metadata, and the claims' export. A document or claim above the reader's
//! clearance is never read (the store's statements filter); a document the
//! reader may not see is a 404, as a missing one.

use std::ops::Range;

use ascribe_model::{Claim, Tlp};
use ascribe_store::{DocumentFilter, DocumentRecord, DocumentSeen};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use crate::export::{claim_rows, claims_header, claims_marking, enc, Export};
use crate::format::count;
use crate::incidents::kind_word;
use crate::layout::{chip, page, pager};
use crate::params::{Paging, Params};
use crate::{app_error, html_response, not_found, Reading, Viewer, Web};

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
    Reading { v, q }: Reading,
) -> Response {
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
    claims_marking(seen.claims.iter().map(|(_, c)| c)).max(seen.record.tlp)
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

/// The list's filter as read from the query, with the errors to show next to their fields.
fn read_list_filter(q: &Params) -> (DocumentFilter, crate::layout::FieldErrors) {
    let mut errors = crate::layout::FieldErrors::new();
    let marking = match q.text("marking") {
        None => None,
        Some(m) => match m.parse::<Tlp>() {
            Ok(t) => Some(t),
            Err(e) => {
                errors.insert("marking", format!("{e}: choose a marking from the list."));
                None
            }
        },
    };
    let f = DocumentFilter {
        text: q.text("q").map(str::to_owned),
        outlet: q.text("outlet").map(str::to_owned),
        marking,
    };
    (f, errors)
}

/// The most rows the list's export holds.
const EXPORT_ROWS: usize = 100_000;

/// One page of the documents the reader may see that match the query's
/// filter, and how many match in all (both counted in the store).
async fn load_list(
    web: &Web,
    v: &Viewer,
    f: DocumentFilter,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<DocumentRecord>), Response> {
    let at = v.clearance();
    web.db(move |s| s.read(|r| r.documents_seen_by(at, &f, offset, limit)))
        .await?
        .map_err(|e| app_error(&ascribe_app::AppError::from(e)))
}

/// `/documents`: the documents a reader may see, newest first, filtered by
/// text, outlet and marking, a page at a time with their count.
pub(crate) async fn list(State(web): State<Web>, Reading { v, q }: Reading) -> Response {
    let (f, errors) = read_list_filter(&q);
    let size = web.config().page_size;
    // The count comes with the first read; a page past the end is read again as the last.
    let asked = match q.get("page").map(|p| p.trim().parse::<usize>()) {
        Some(Ok(n)) if n >= 1 => n,
        Some(_) | None => 1,
    };
    let (total, mut rows) = match load_list(&web, &v, f.clone(), (asked - 1) * size, size).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let g = Paging::read(&q, "page", size, total);
    if g.page != asked {
        rows = match load_list(&web, &v, f, (g.page - 1) * size, size).await {
            Ok(x) => x.1,
            Err(r) => return r,
        };
    }
    let marking = rows.iter().map(|d| d.tlp).fold(Tlp::Clear, Ord::max);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = list_body(&v, &q, &errors, &rows, g, total);
    html_response(status, page("Documents", marking, &v, body))
}

fn list_body(
    v: &Viewer,
    q: &Params,
    errors: &crate::layout::FieldErrors,
    rows: &[DocumentRecord],
    g: Paging,
    total: usize,
) -> Markup {
    let markings: Vec<(&str, &str)> = std::iter::once(("", "any"))
        .chain(
            Tlp::ALL
                .iter()
                .filter(|t| **t <= v.clearance())
                .map(|t| (t.as_str(), t.label())),
        )
        .collect();
    let export = |ext: &str| format!("/documents.{ext}{}", q.with("page", None).query());
    let writes = v.user.as_ref().is_some_and(|u| u.role.default_rights().1);
    html! {
        h1 { "Documents" }
        p {
            "The documents read by " code { "ascribe docs ingest" } " or the import form that you may see (up to " (v.clearance().label()) "), newest first."
            @if writes { " " a href="/import/documents" { "Import documents" } "." }
        }
        form method="get" action="/documents" class="filters" aria-label="Filter documents" {
            (crate::layout::text_input(errors, q, "q", "Text in name, outlet or address", None))
            (crate::layout::text_input(errors, q, "outlet", "Outlet", None))
            (crate::layout::select_input(errors, q, "marking", "Marking", &markings))
            div class="actions" {
                button type="submit" { "Apply filters" }
                a href="/documents" { "Clear filters" }
            }
        }
        @if !errors.is_empty() {
            p class="error" role="alert" { "Some filters could not be read; see the messages next to them. The list below ignores them." }
        }
        (pager("documents", "/documents", q, "page", g, total))
        @if !rows.is_empty() {
            div class="table-wrap" role="region" aria-labelledby="documents-caption" tabindex="0" {
                table {
                    caption id="documents-caption" { "Documents, newest first" }
                    thead { tr {
                        th scope="col" { "Document" } th scope="col" { "Outlet" } th scope="col" { "Published" }
                        th scope="col" class="num" { "Claims read" } th scope="col" { "Filed under" } th scope="col" { "Read on" } th scope="col" { "Marking" }
                    } }
                    tbody {
                        @for d in rows {
                            tr {
                                th scope="row" { a href=(format!("/documents/{}", enc(&d.name))) { (d.name) } }
                                td { (d.outlet.as_deref().unwrap_or("not named")) }
                                td { (d.published.as_deref().unwrap_or("no date")) }
                                td class="num" { (count(d.claims)) }
                                td {
                                    @for (i, inc) in d.incidents.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        a href=(format!("/incidents/{}", enc(inc))) { (inc) }
                                    }
                                }
                                td { (d.ingested_at) }
                                td { (chip(d.tlp)) }
                            }
                        }
                    }
                }
            }
        }
        (pager("documents", "/documents", q, "page", g, total))
        p class="exports" { "Export this list (every page, same filters): " a href=(export("csv")) { "CSV" } a href=(export("json")) { "JSON" } }
    }
}

const LIST_HEADER: [&str; 9] = [
    "name",
    "outlet",
    "url",
    "published",
    "claims",
    "incidents",
    "ingested_at",
    "bytes",
    "tlp",
];

async fn list_export(web: Web, r: Reading, format: crate::export::Format) -> Response {
    let (f, _) = read_list_filter(&r.q);
    let rows = match load_list(&web, &r.v, f, 0, EXPORT_ROWS).await {
        Ok(x) => x.1,
        Err(resp) => return resp,
    };
    let marking = rows.iter().map(|d| d.tlp).fold(Tlp::Clear, Ord::max);
    let cells: Vec<Vec<String>> = rows
        .into_iter()
        .map(|d| {
            let o = |s: Option<String>| crate::export::cell(s.as_deref());
            vec![
                d.name,
                o(d.outlet),
                o(d.url),
                o(d.published),
                d.claims.to_string(),
                d.incidents.join(" "),
                d.ingested_at,
                d.bytes.to_string(),
                d.tlp.label().to_owned(),
            ]
        })
        .collect();
    crate::export::table(format, marking, &LIST_HEADER, &cells)
}

pub(crate) async fn list_csv(State(web): State<Web>, r: Reading) -> Response {
    list_export(web, r, crate::export::Format::Csv).await
}

pub(crate) async fn list_json(State(web): State<Web>, r: Reading) -> Response {
    list_export(web, r, crate::export::Format::Json).await
}

/// `/documents/{id}/claims.{csv|json}`: the claims read from it that the
/// reader may see.
pub(crate) async fn export(State(web): State<Web>, x: Export) -> Response {
    if x.table != "claims" {
        return not_found();
    }
    match load(&web, x.id, x.v.clearance()).await {
        Ok(Some(s)) => crate::export::table(
            x.format,
            marking(&s),
            &claims_header(),
            &claim_rows(s.claims.iter().map(|(i, c)| (i.as_str(), c))),
        ),
        Ok(None) => not_found(),
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
