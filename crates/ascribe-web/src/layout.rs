//! The frame of every page: the TLP banner at top and bottom, landmarks, a
//! skip link, the navigation, sign-in and sign-out, and pagination.

use std::collections::BTreeMap;

use ascribe_model::Tlp;
use maud::{html, Markup, DOCTYPE};

use crate::format::{count, tlp_class};
use crate::params::{Paging, Params};
use crate::Viewer;

/// The one stylesheet, served from `/static/ascribe.css` (no inline styles,
/// so the content security policy needs no `unsafe-inline`).
pub const STYLESHEET: &str = include_str!("ascribe.css");

/// The TLP banner: the label as text (FIRST TLP 2.0 colours on black).
pub(crate) fn banner(marking: Tlp, place: &str) -> Markup {
    html! {
        div class=(format!("banner {}", tlp_class(marking))) role="note" aria-label=(format!("Marking ({place})")) {
            strong { (marking.label()) }
        }
    }
}

/// A TLP chip for one row.
pub(crate) fn chip(t: Tlp) -> Markup {
    html! { span class=(tlp_class(t)) { (t.label()) } }
}

/// A whole page. `marking` is the highest marking of anything in `body`.
pub(crate) fn page(title: &str, marking: Tlp, viewer: &Viewer, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – ascribe" }
                link rel="stylesheet" href="/static/ascribe.css";
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header {
                    (banner(marking, "top of page"))
                    div class="bar" {
                        a class="brand" href="/incidents" { "ascribe" }
                        nav aria-label="Main" {
                            ul {
                                li { a href="/incidents" { "Incidents" } }
                                li { a href="/documents" { "Documents" } }
                                li { a href="/telemetry" { "Telemetry" } }
                                @if viewer.user.as_ref().is_some_and(|u| u.role.default_rights().1) {
                                    li { a href="/import" { "Import" } }
                                }
                            }
                        }
                        div class="who" {
                            @match (&viewer.user, &viewer.csrf) {
                                (Some(u), Some(csrf)) => {
                                    span { "Signed in as " strong { (u.name) } ", cleared for " (u.clearance.label()) }
                                    form method="post" action="/logout" class="inline" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { "Sign out" }
                                    }
                                }
                                _ => {
                                    span { "Not signed in: " (Tlp::Clear.label()) " only" }
                                    a href="/login" { "Sign in" }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
                footer { (banner(marking, "bottom of page")) }
            }
        }
    }
}

/// The sign-in page, with an error above the form when there is one.
pub(crate) fn login(viewer: &Viewer, nonce: &str, error: Option<&str>, name: &str) -> Markup {
    let body = html! {
        h1 { "Sign in" }
        p { "Sign in with an account made by " code { "ascribe users add" } ". Without signing in you see " (Tlp::Clear.label()) " material only, if the server allows it." }
        form method="post" action="/login" class="login" {
            input type="hidden" name="csrf" value=(nonce);
            @if let Some(e) = error {
                p class="error" id="login-error" role="alert" { (e) }
            }
            div class="field" {
                label for="name" { "User name" }
                input id="name" name="name" type="text" autocomplete="username" required value=(name)
                    aria-describedby=[error.map(|_| "login-error")];
            }
            div class="field" {
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
            }
            button type="submit" { "Sign in" }
        }
    };
    page("Sign in", Tlp::Clear, viewer, body)
}

/// "Showing a–b of n" and links to the other pages of a list, keeping the
/// rest of the query. `name` is the page parameter.
pub(crate) fn pager(
    label: &str,
    path: &str,
    q: &Params,
    name: &str,
    g: Paging,
    total: usize,
) -> Markup {
    let r = g.range(total);
    let pages = g.pages(total);
    let link = |p: usize| format!("{path}{}", q.with(name, Some(&p.to_string())).query());
    html! {
        nav class="pager" aria-label=(format!("Pages of {label}")) {
            p {
                @if total == 0 {
                    "No " (label) "."
                } @else {
                    "Showing " (count(r.start + 1)) "–" (count(r.end)) " of " (count(total)) " " (label)
                    " (page " (g.page) " of " (pages) ")."
                }
            }
            @if pages > 1 {
                ul {
                    @if g.page > 1 {
                        li { a href=(link(1)) { "First" } }
                        li { a href=(link(g.page - 1)) rel="prev" { "Previous" } }
                    }
                    @if g.page < pages {
                        li { a href=(link(g.page + 1)) rel="next" { "Next" } }
                        li { a href=(link(pages)) { "Last" } }
                    }
                }
            }
        }
    }
}

/// The errors of a form, by field name, each shown next to its field.
pub(crate) type FieldErrors = BTreeMap<&'static str, String>;

/// A labelled text field holding the query's value of `name`, with a hint
/// and the field's error beside it.
pub(crate) fn text_input(
    errors: &FieldErrors,
    q: &Params,
    name: &'static str,
    label: &str,
    hint: Option<&str>,
) -> Markup {
    text_field(errors, name, label, hint, q.get(name).unwrap_or(""))
}

/// A labelled text field holding `value`, with a hint and its error beside it.
pub(crate) fn text_field(
    errors: &FieldErrors,
    name: &'static str,
    label: &str,
    hint: Option<&str>,
    value: &str,
) -> Markup {
    let err = errors.get(name);
    let hint_id = format!("{name}-hint");
    let err_id = format!("{name}-error");
    let described: Vec<&str> = hint
        .map(|_| hint_id.as_str())
        .into_iter()
        .chain(err.map(|_| err_id.as_str()))
        .collect();
    html! {
        div class="field" {
            label for=(name) { (label) }
            @if let Some(h) = hint { span class="muted" id=(hint_id) { (h) } }
            input id=(name) name=(name) type="text" value=(value)
                aria-invalid=[err.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))];
            @if let Some(e) = err { span class="error" id=(err_id) { (e) } }
        }
    }
}

/// A labelled choice holding the query's value of `name`, with its error beside it.
pub(crate) fn select_input(
    errors: &FieldErrors,
    q: &Params,
    name: &'static str,
    label: &str,
    options: &[(&str, &str)],
) -> Markup {
    select_field(errors, name, label, options, q.get(name).unwrap_or(""))
}

/// A labelled choice with `current` selected, with its error beside it.
pub(crate) fn select_field(
    errors: &FieldErrors,
    name: &'static str,
    label: &str,
    options: &[(&str, &str)],
    current: &str,
) -> Markup {
    let err = errors.get(name);
    let err_id = format!("{name}-error");
    html! {
        div class="field" {
            label for=(name) { (label) }
            select id=(name) name=(name) aria-invalid=[err.map(|_| "true")]
                aria-describedby=[err.map(|_| err_id.as_str())] {
                @for (value, text) in options {
                    option value=(value) selected[*value == current] { (text) }
                }
            }
            @if let Some(e) = err { span class="error" id=(err_id) { (e) } }
        }
    }
}

/// A table in a labelled region that scrolls on its own (reflow at 320 px):
/// its caption, its column headers (a name starting with `#` is a number
/// column, right-aligned) and its rows.
pub(crate) fn table(id: &str, caption: Markup, head: &[&str], rows: Markup) -> Markup {
    html! {
        div class="table-wrap" role="region" aria-labelledby=(format!("{id}-caption")) tabindex="0" {
            table {
                caption id=(format!("{id}-caption")) { (caption) }
                thead { tr {
                    @for h in head {
                        @match h.strip_prefix('#') {
                            Some(n) => th scope="col" class="num" { (n) },
                            None => th scope="col" { (h) },
                        }
                    }
                } }
                tbody { (rows) }
            }
        }
    }
}
