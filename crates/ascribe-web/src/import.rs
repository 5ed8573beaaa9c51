//! Import by form: a case file uploaded (or pasted) into a form goes through the same use
//! case as `ascribe case import` (checked, then stored in one unit of work),
//! and a bad file is shown again with the same error the command prints
//! (file, line and column, what was expected) next to the field.
//!
//! Only signed-in users whose role writes may import: anonymous readers are
//! sent to sign in, readers get a 403 page. The POST carries the session's
//! CSRF token and its body is bounded ([`MAX_BODY`]).

use ascribe_model::Tlp;
use ascribe_store::UserRecord;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::incidents::enc;
use crate::{error_page, html_response, layout, viewer, Viewer, Web};

/// The largest form accepted, in bytes (4 MiB): a case file of tens of
/// thousands of items, far above any written by hand.
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

/// What the user typed, shown again when the import fails.
#[derive(Debug, Default)]
struct Entered {
    file: String,
    text: String,
}

/// The name a pasted case file goes by in errors when none is given.
const PASTED: &str = "pasted.toml";

/// The form, with the error of the last attempt next to the field.
fn form(viewer: &Viewer, entered: &Entered, error: Option<&str>) -> Markup {
    let csrf = viewer.csrf.as_deref().unwrap_or("");
    let body = html! {
        h1 { "Import a case file" }
        p {
            "Choose a case file (TOML, as " code { "ascribe case import" } " reads it) or paste one. It is checked and stored "
            "in one step: a file with a problem stores nothing. Importing an incident again replaces what its "
            "earlier case file wrote."
        }
        form method="post" action="/import" enctype="multipart/form-data" class="import" {
            input type="hidden" name="csrf" value=(csrf);
            div class="field" {
                label for="upload" { "Case file to upload" }
                input id="upload" name="upload" type="file" accept=".toml,application/toml,text/plain"
                    aria-describedby=[error.map(|_| "case-error")];
            }
            div class="field" {
                label for="file" { "File name of a pasted case (used in error messages)" }
                input id="file" name="file" type="text" value=(entered.file) placeholder=(PASTED);
            }
            div class="field" {
                label for="case" { "Or paste the case file here" }
                @if let Some(e) = error {
                    pre class="error" id="case-error" role="alert" { (e) }
                }
                textarea id="case" name="case" rows="24" cols="80" spellcheck="false"
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| "case-error")] { (entered.text) }
            }
            button type="submit" { "Import" }
        }
        p { "To import a STIX bundle into a collection, use the " a href="/import/stix" { "STIX import form" } "." }
    };
    layout::page("Import a case file", Tlp::Clear, viewer, body)
}

/// The signed-in user who may write, or the response that replaces the
/// page: sign in first, or 403 for a role that only reads.
async fn writer(web: &Web, headers: &HeaderMap) -> Result<(Viewer, UserRecord), Response> {
    let v = match viewer(web, headers).await {
        Ok(v) => v,
        Err(r) => return Err(r),
    };
    let Some(user) = v.user.clone() else {
        return Err(Redirect::to("/login").into_response());
    };
    if !user.role.default_rights().1 {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "Import not allowed",
            "Your account may read but not write, so it cannot import. Ask an administrator for the analyst role.",
        ));
    }
    Ok((v, user))
}

pub(crate) async fn show(State(web): State<Web>, headers: HeaderMap) -> Response {
    match writer(&web, &headers).await {
        Ok((v, _)) => html_response(StatusCode::OK, form(&v, &Entered::default(), None)),
        Err(r) => r,
    }
}

pub(crate) async fn import(State(web): State<Web>, headers: HeaderMap, body: Body) -> Response {
    let (v, _) = match writer(&web, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return html_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            form(
                &v,
                &Entered::default(),
                Some("The form is larger than 4 MiB, the most one import takes. Split the case file or import it with `ascribe case import`."),
            ),
        );
    };
    let posted = match Form::read(&headers, bytes).await {
        Ok(f) => f,
        Err(e) => {
            return html_response(
                StatusCode::BAD_REQUEST,
                form(&v, &Entered::default(), Some(&e)),
            )
        }
    };
    if v.csrf.is_none() || v.csrf.as_deref() != Some(posted.csrf.as_str()) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Import refused",
            "The import form had expired. Please open it again and resubmit.",
        );
    }
    let entered = match posted.entered() {
        Ok(e) => e,
        Err(e) => {
            return html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                form(&v, &Entered::default(), Some(&e)),
            )
        }
    };
    if entered.text.trim().is_empty() {
        return html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            form(
                &v,
                &entered,
                Some("Choose a case file to upload, or paste one."),
            ),
        );
    }
    let name = if entered.file.is_empty() {
        PASTED.to_owned()
    } else {
        entered.file.clone()
    };
    let text = entered.text.clone();
    let done = web
        .db(move |s| {
            let parsed = ascribe_app::case::check(&name, &text)?;
            let id = parsed.case.incident.id.clone();
            ascribe_app::case::import(s, &[parsed])?;
            Ok::<_, ascribe_app::AppError>(id)
        })
        .await;
    match done {
        Err(r) => r,
        Ok(Ok(id)) => Redirect::to(&format!("/incidents/{}", enc(&id))).into_response(),
        Ok(Err(e)) if is_input(&e) => html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            form(&v, &entered, Some(&chain(&e))),
        ),
        Ok(Err(e)) => crate::app_error(&e),
    }
}

/// Whether an error is the file's fault (shown to the user) rather than the
/// server's (logged, not shown).
fn is_input(e: &ascribe_app::AppError) -> bool {
    matches!(
        e,
        ascribe_app::AppError::Case(_) | ascribe_app::AppError::Input(_)
    )
}

/// An error and its causes, as the command prints them.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        next = s.source();
    }
    out
}

/// The fields of a posted form, from either encoding.
struct Form {
    csrf: String,
    file: String,
    text: String,
    /// The STIX form's collection.
    collection: String,
    /// An uploaded file: its name and bytes.
    upload: Option<(String, Vec<u8>)>,
}

impl Form {
    /// A form posted as `multipart/form-data` (read by `multer`) or as
    /// `application/x-www-form-urlencoded`; the body is already bounded.
    async fn read(headers: &HeaderMap, body: Bytes) -> Result<Form, String> {
        // A content type that is not text is no multipart form: read as urlencoded.
        let ct = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if let Ok(b) = multer::parse_boundary(ct) {
            let mut f = Form {
                csrf: String::new(),
                file: String::new(),
                text: String::new(),
                collection: String::new(),
                upload: None,
            };
            let whole =
                futures_util::stream::once(
                    async move { Ok::<Bytes, std::convert::Infallible>(body) },
                );
            let mut parts = multer::Multipart::new(whole, b);
            let bad = |e: multer::Error| {
                format!("The form could not be read as multipart/form-data: {e}.")
            };
            while let Some(part) = parts.next_field().await.map_err(bad)? {
                let name = part.name().map(str::to_owned);
                let filename = part.file_name().map(str::to_owned);
                let data = part.bytes().await.map_err(bad)?;
                let text = || String::from_utf8_lossy(&data).into_owned();
                match (name.as_deref(), &filename) {
                    (Some("upload"), Some(fname)) if !fname.is_empty() || !data.is_empty() => {
                        f.upload = Some((fname.clone(), data.to_vec()));
                    }
                    (Some("csrf"), _) => f.csrf = text(),
                    (Some("file"), _) => f.file = text().trim().to_owned(),
                    (Some("case"), _) => f.text = text().replace("\r\n", "\n"),
                    (Some("collection"), _) => f.collection = text().trim().to_owned(),
                    // Fields this form does not have (or without a name) are not ours.
                    _ => {}
                }
            }
            return Ok(f);
        }
        let p = crate::params::Params::parse(&body[..]);
        Ok(Form {
            csrf: p.get("csrf").unwrap_or("").to_owned(),
            file: p.get("file").unwrap_or("").trim().to_owned(),
            text: p.get("case").unwrap_or("").to_owned(),
            collection: p.get("collection").unwrap_or("").trim().to_owned(),
            upload: None,
        })
    }

    /// What to import: an uploaded file (its text, under its own name) in
    /// preference to a paste.
    fn entered(self) -> Result<Entered, String> {
        match self.upload {
            Some((name, bytes)) => {
                let file = if name.is_empty() {
                    PASTED.to_owned()
                } else {
                    name
                };
                let text = String::from_utf8(bytes).map_err(|e| {
                    format!(
                        "{file}: not UTF-8 text (byte {} is not valid)",
                        e.utf8_error().valid_up_to() + 1
                    )
                })?;
                Ok(Entered { file, text })
            }
            None => Ok(Entered {
                file: self.file,
                text: self.text,
            }),
        }
    }
}

/// The collection a STIX import goes to unless the user names another (as
/// `ascribe stix import`).
const DEFAULT_COLLECTION: &str = "intel";

/// The STIX form: the problems of the last attempt next to the field, or what
/// the import stored.
fn stix_form(
    viewer: &Viewer,
    entered: &Entered,
    collection: &str,
    error: Option<&str>,
    done: &[String],
) -> Markup {
    let csrf = viewer.csrf.as_deref().unwrap_or("");
    let body = html! {
        h1 { "Import a STIX bundle" }
        @if !done.is_empty() {
            div role="status" {
                h2 { "Imported" }
                ul { @for d in done { li { (d) } } }
            }
        }
        p {
            "Choose a STIX 2.1 bundle (JSON, as " code { "ascribe stix import" } " reads it) or paste one. "
            "A bundle with an error is rejected whole and stores nothing. Objects without a TLP marking are stored as "
            (Tlp::Green.label()) "; a marking that cannot be classified stores its object as " (Tlp::Red.label()) "."
        }
        form method="post" action="/import/stix" enctype="multipart/form-data" class="import" {
            input type="hidden" name="csrf" value=(csrf);
            div class="field" {
                label for="collection" { "Collection (alias or id)" }
                input id="collection" name="collection" type="text" required value=(collection);
            }
            div class="field" {
                label for="upload" { "Bundle to upload" }
                input id="upload" name="upload" type="file" accept=".json,application/json"
                    aria-describedby=[error.map(|_| "case-error")];
            }
            div class="field" {
                label for="file" { "File name of a pasted bundle (used in error messages)" }
                input id="file" name="file" type="text" value=(entered.file) placeholder="pasted.json";
            }
            div class="field" {
                label for="case" { "Or paste the bundle here" }
                @if let Some(e) = error {
                    pre class="error" id="case-error" role="alert" { (e) }
                }
                textarea id="case" name="case" rows="16" cols="80" spellcheck="false"
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| "case-error")] { (entered.text) }
            }
            button type="submit" { "Import" }
        }
    };
    layout::page("Import a STIX bundle", Tlp::Clear, viewer, body)
}

pub(crate) async fn stix_show(State(web): State<Web>, headers: HeaderMap) -> Response {
    match writer(&web, &headers).await {
        Ok((v, _)) => html_response(
            StatusCode::OK,
            stix_form(&v, &Entered::default(), DEFAULT_COLLECTION, None, &[]),
        ),
        Err(r) => r,
    }
}

pub(crate) async fn stix_import(
    State(web): State<Web>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (v, user) = match writer(&web, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let again = |status, entered: &Entered, collection: &str, e: &str| {
        html_response(status, stix_form(&v, entered, collection, Some(e), &[]))
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return again(
            StatusCode::PAYLOAD_TOO_LARGE,
            &Entered::default(),
            DEFAULT_COLLECTION,
            "The form is larger than 4 MiB, the most one import takes. Import larger bundles with `ascribe stix import`.",
        );
    };
    let posted = match Form::read(&headers, bytes).await {
        Ok(f) => f,
        Err(e) => {
            return again(
                StatusCode::BAD_REQUEST,
                &Entered::default(),
                DEFAULT_COLLECTION,
                &e,
            )
        }
    };
    if v.csrf.is_none() || v.csrf.as_deref() != Some(posted.csrf.as_str()) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Import refused",
            "The import form had expired. Please open it again and resubmit.",
        );
    }
    let collection = if posted.collection.is_empty() {
        DEFAULT_COLLECTION.to_owned()
    } else {
        posted.collection.clone()
    };
    let entered = match posted.entered() {
        Ok(e) => e,
        Err(e) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                &Entered::default(),
                &collection,
                &e,
            )
        }
    };
    if entered.text.trim().is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &entered,
            &collection,
            "Choose a bundle to upload, or paste one.",
        );
    }
    let name = if entered.file.is_empty() {
        "pasted.json".to_owned()
    } else {
        entered.file.clone()
    };
    let text = entered.text.clone();
    let coll = collection.clone();
    let done = web
        .db(move |s| {
            let opts = ascribe_stix::ImportOptions {
                partial: false,
                unmarked: Tlp::Green,
            };
            // The user's rights on this collection, as TAXII decides them.
            if let Some(c) = s.stix_collection(&coll)? {
                if !s.collection_rights(&user, &c.id)?.1 {
                    return Err(ascribe_app::AppError::Input(format!(
                        "you may not write to the collection {coll}"
                    )));
                }
            }
            ascribe_app::stix::import(s, &ascribe_app::SystemClock, &coll, &opts, &[()], |()| {
                Ok((name.clone(), text.clone()))
            })
        })
        .await;
    let report = match done {
        Err(r) => return r,
        Ok(Ok(r)) => r,
        Ok(Err(e)) if matches!(e, ascribe_app::AppError::NoCollection { .. }) || is_input(&e) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                &entered,
                &collection,
                &chain(&e),
            )
        }
        Ok(Err(e)) => return crate::app_error(&e),
    };
    let mut lines = Vec::new();
    for f in &report.files {
        match &f.outcome {
            Ok(a) => lines.push(format!(
                "{}: {} object(s) accepted ({} new, {} already stored, {} repeated in the bundle); {} actor(s), {} indicator(s) for the model; {} marking warning(s) (stored as TLP:RED)",
                f.name, a.streamed.accepted, a.added, a.known, a.streamed.duplicates, a.actors, a.indicators, a.streamed.warnings.len()
            )),
            Err(ascribe_stix::ImportError::Rejected(errs)) => {
                for e in errs.iter().take(50) {
                    lines.push(format!("{}: {}: {}", f.name, e.path, e.reason));
                }
                if errs.len() > 50 {
                    lines.push(format!("{}: {} more error(s)", f.name, errs.len() - 50));
                }
                lines.push(format!("{}: rejected whole ({} error(s)); nothing imported", f.name, errs.len()));
            }
            Err(e) => lines.push(format!("{}: {e}; nothing imported", f.name)),
        }
    }
    if !report.stored {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &entered,
            &collection,
            &lines.join("\n"),
        );
    }
    html_response(
        StatusCode::OK,
        stix_form(&v, &Entered::default(), &collection, None, &lines),
    )
}
