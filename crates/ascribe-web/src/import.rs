//! Import by form: a case file uploaded (or pasted) into a form goes through the same use
//! case as `ascribe case import` (checked, then stored in one unit of work),
//! and a bad file is shown again with the same error the command prints
//! (file, line and column, what was expected) next to the field.
//!
//! Documents go through the same use case as `ascribe docs ingest` (read,
//! claims extracted and filed under incidents in one unit of work), and a
//! STIX bundle through the one of `ascribe stix import`.
//!
//! Only signed-in users whose role writes may import: anonymous readers are
//! sent to sign in, readers get a 403 page. The POST carries the session's
//! CSRF token and its body is bounded ([`MAX_BODY`]).

use std::collections::BTreeMap;

use ascribe_model::diag::error_chain;
use ascribe_model::Tlp;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::export::enc;
use crate::layout::{select_field, text_field};
use crate::{html_response, layout, refuse_csrf, writer, Viewer, Web};

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
            (paste_fields(Upload::Case, entered, error))
            button type="submit" { "Import" }
        }
        p {
            "To import documents (their claims filed under incidents), use the " a href="/import/documents" { "document import form" }
            "; to import a STIX bundle into a collection, the " a href="/import/stix" { "STIX import form" } "."
        }
    };
    layout::page("Import a case file", Tlp::Clear, viewer, body)
}

/// What a form uploads or takes pasted.
#[derive(Clone, Copy)]
enum Upload {
    Case,
    Bundle,
    Documents,
}

impl Upload {
    /// The thing in the labels ("Case file to upload").
    fn noun(self) -> &'static str {
        match self {
            Upload::Case => "case file",
            Upload::Bundle => "bundle",
            Upload::Documents => "document",
        }
    }

    /// The file types the upload offers.
    fn accept(self) -> &'static str {
        match self {
            Upload::Case => ".toml,application/toml,text/plain",
            Upload::Bundle => ".json,application/json",
            Upload::Documents => ".txt,.html,.htm,.md,text/plain,text/html,text/markdown",
        }
    }

    /// The name a paste goes by when none is given.
    fn pasted(self) -> &'static str {
        match self {
            Upload::Case => PASTED,
            Upload::Bundle => "pasted.json",
            Upload::Documents => PASTED_DOC,
        }
    }
}

/// A file to upload, the name of a paste, and the paste, with the error
/// of the last attempt next to the paste (the three forms share them).
fn paste_fields(p: Upload, entered: &Entered, error: Option<&str>) -> Markup {
    let (noun, several) = (p.noun(), matches!(p, Upload::Documents));
    let upload = if several {
        format!("{}s to upload (several at once if you like)", capital(noun))
    } else {
        format!("{} to upload", capital(noun))
    };
    html! {
        div class="field" {
            label for="upload" { (upload) }
            input id="upload" name="upload" type="file" accept=(p.accept()) multiple[several]
                aria-describedby=[error.map(|_| "case-error")];
        }
        div class="field" {
            label for="file" { "File name of a pasted " (noun) " (used in error messages and as its name)" }
            input id="file" name="file" type="text" value=(entered.file) placeholder=(p.pasted());
        }
        div class="field" {
            label for="case" { "Or paste the " (noun) " here" }
            @if let Some(e) = error {
                pre class="error" id="case-error" role="alert" { (e) }
            }
            textarea id="case" name="case" rows=(if several { 12 } else { 20 }) cols="80" spellcheck="false"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| "case-error")] { (entered.text) }
        }
    }
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
    if let Some(r) = refuse_csrf(&v, &posted.csrf) {
        return r;
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
            form(&v, &entered, Some(&error_chain(&e))),
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

/// The fields of a posted form, from either encoding.
struct Form {
    csrf: String,
    file: String,
    text: String,
    /// Every other text field by name, trimmed (the first of each name).
    fields: BTreeMap<String, String>,
    /// The uploaded files, in order: name and bytes.
    uploads: Vec<(String, Vec<u8>)>,
}

impl Form {
    /// A form posted as `multipart/form-data` (read by `multer`) or as
    /// `application/x-www-form-urlencoded`; the body is already bounded.
    async fn read(headers: &HeaderMap, body: Bytes) -> Result<Form, String> {
        let mut f = Form {
            csrf: String::new(),
            file: String::new(),
            text: String::new(),
            fields: BTreeMap::new(),
            uploads: Vec::new(),
        };
        let put = |f: &mut Form, name: &str, value: String| match name {
            "csrf" => f.csrf = value,
            "file" => f.file = value.trim().to_owned(),
            "case" => f.text = value.replace("\r\n", "\n"),
            _ => {
                f.fields
                    .entry(name.to_owned())
                    .or_insert_with(|| value.trim().to_owned());
            }
        };
        // A content type that is not text is no multipart form: read as urlencoded.
        let ct = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Ok(b) = multer::parse_boundary(ct) else {
            for (k, v) in crate::params::Params::parse(&body[..]).prefixed("") {
                put(&mut f, k, v.to_owned());
            }
            return Ok(f);
        };
        let whole =
            futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
        let mut parts = multer::Multipart::new(whole, b);
        let bad =
            |e: multer::Error| format!("The form could not be read as multipart/form-data: {e}.");
        while let Some(part) = parts.next_field().await.map_err(bad)? {
            let name = part.name().map(str::to_owned);
            let filename = part.file_name().map(str::to_owned);
            let data = part.bytes().await.map_err(bad)?;
            match (name.as_deref(), filename) {
                // A file field with nothing chosen is sent with no name and no bytes.
                (Some("upload"), Some(fname)) if !fname.is_empty() || !data.is_empty() => {
                    f.uploads.push((fname, data.to_vec()));
                }
                (Some(name), None) => {
                    put(&mut f, name, String::from_utf8_lossy(&data).into_owned())
                }
                // Files in fields this form does not have (or without a name) are not ours.
                _ => {}
            }
        }
        Ok(f)
    }

    /// A text field other than the paste, trimmed ("" when absent).
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// What to import: an uploaded file (its text, under its own name) in
    /// preference to a paste.
    fn entered(self) -> Result<Entered, String> {
        match self.uploads.into_iter().next() {
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
            (paste_fields(Upload::Bundle, entered, error))
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
    if let Some(r) = refuse_csrf(&v, &posted.csrf) {
        return r;
    }
    let collection = match posted.field("collection") {
        "" => DEFAULT_COLLECTION.to_owned(),
        c => c.to_owned(),
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
                &error_chain(&e),
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

/// What the document form asks besides the documents, as entered.
#[derive(Debug, Default)]
struct DocFields {
    outlet: String,
    url: String,
    published: String,
    tlp: String,
    incident: String,
}

impl DocFields {
    fn of(posted: &Form) -> Self {
        DocFields {
            outlet: posted.field("outlet").to_owned(),
            url: posted.field("url").to_owned(),
            published: posted.field("published").to_owned(),
            tlp: posted.field("tlp").to_owned(),
            incident: posted.field("incident").to_owned(),
        }
    }
}

/// The document form's errors, by field (`case` for the documents themselves).
type Errors = crate::layout::FieldErrors;

/// The markings a user may give documents: up to their clearance.
fn markings(v: &Viewer) -> Vec<Tlp> {
    Tlp::ALL
        .into_iter()
        .filter(|t| *t <= v.clearance())
        .collect()
}

/// The document form, with the errors of the last attempt next to their fields.
fn docs_form(v: &Viewer, entered: &Entered, d: &DocFields, errors: &Errors) -> Markup {
    let csrf = v.csrf.as_deref().unwrap_or("");
    let chosen = if d.tlp.is_empty() {
        Tlp::Clear.as_str()
    } else {
        d.tlp.as_str()
    };
    let options: Vec<(&str, &str)> = markings(v)
        .into_iter()
        .map(|t| (t.as_str(), t.label()))
        .collect();
    let body = html! {
        h1 { "Import documents" }
        p {
            "Choose one or more documents (text, HTML or Markdown, as " code { "ascribe docs ingest" } " reads them) or paste one. "
            "The claims read from them are filed under incidents (an existing one when a claim names the same party, "
            "shares a word of its operation and falls within 45 days of it; otherwise a new one), all in one step: a "
            "problem stores nothing."
        }
        @if !errors.is_empty() {
            p class="error" role="alert" { "Nothing was imported; see the messages next to the fields." }
        }
        form method="post" action="/import/documents" enctype="multipart/form-data" class="import" {
            input type="hidden" name="csrf" value=(csrf);
            (paste_fields(Upload::Documents, entered, errors.get("case").map(String::as_str)))
            (text_field(errors, "outlet", "Outlet", Some("who published it, e.g. BBC News; empty: as the page names it"), &d.outlet))
            (text_field(errors, "url", "Address", Some("where it was published; empty: as the page names it"), &d.url))
            (text_field(errors, "published", "Publication date", Some("YYYY-MM-DD; empty: as found in the text"), &d.published))
            (text_field(errors, "incident", "File every claim under this incident", Some("an incident id (made if missing); empty: grouped as the command does"), &d.incident))
            (select_field(errors, "tlp", "Marking of the documents and their claims", &options, chosen))
            button type="submit" { "Import" }
        }
        p { "Imported documents are listed on the " a href="/documents" { "documents page" } "." }
    };
    layout::page("Import documents", Tlp::Clear, v, body)
}

/// `word` with its first letter in capitals.
fn capital(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The name a pasted document goes by when none is given.
const PASTED_DOC: &str = "pasted.txt";

pub(crate) async fn docs_show(State(web): State<Web>, headers: HeaderMap) -> Response {
    match writer(&web, &headers).await {
        Ok((v, _)) => html_response(
            StatusCode::OK,
            docs_form(
                &v,
                &Entered::default(),
                &DocFields::default(),
                &Errors::new(),
            ),
        ),
        Err(r) => r,
    }
}

/// Reads the fields beside the documents; each problem goes next to its field.
fn check_doc_fields(v: &Viewer, d: &DocFields, errors: &mut Errors) -> Option<Tlp> {
    if !d.published.is_empty()
        && (d.published.len() != 10 || ascribe_app::docs::days(&d.published).is_none())
    {
        errors.insert(
            "published",
            format!(
                "{:?} is not a date: write it as YYYY-MM-DD, e.g. 2020-07-16.",
                d.published
            ),
        );
    }
    if d.url.chars().any(char::is_whitespace) {
        errors.insert("url", "An address has no spaces.".to_owned());
    }
    if d.incident.chars().any(char::is_whitespace) {
        errors.insert("incident", "An incident id has no spaces.".to_owned());
    }
    let tlp = match d.tlp.parse::<Tlp>() {
        Ok(t) if t <= v.clearance() => Some(t),
        Ok(t) => {
            errors.insert(
                "tlp",
                format!(
                    "{} is above your clearance ({}).",
                    t.label(),
                    v.clearance().label()
                ),
            );
            None
        }
        Err(e) => {
            errors.insert("tlp", format!("{e}: choose a marking from the list."));
            None
        }
    };
    tlp
}

/// `POST /import/documents`: reads each document as `ascribe docs ingest`
/// does (with the knowledge base in use), applies what the form says of
/// them, files their claims in one unit of work, and shows the result (303):
/// the document's page, or the list when there were several.
pub(crate) async fn docs_import(
    State(web): State<Web>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (v, _) = match writer(&web, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let mut errors = Errors::new();
    let again = |status, entered: &Entered, d: &DocFields, errors: &Errors| {
        html_response(status, docs_form(&v, entered, d, errors))
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        errors.insert("case", "The form is larger than 4 MiB, the most one import takes. Import fewer documents at once, or use `ascribe docs ingest`.".to_owned());
        return again(
            StatusCode::PAYLOAD_TOO_LARGE,
            &Entered::default(),
            &DocFields::default(),
            &errors,
        );
    };
    let posted = match Form::read(&headers, bytes).await {
        Ok(f) => f,
        Err(e) => {
            errors.insert("case", e);
            return again(
                StatusCode::BAD_REQUEST,
                &Entered::default(),
                &DocFields::default(),
                &errors,
            );
        }
    };
    if let Some(r) = refuse_csrf(&v, &posted.csrf) {
        return r;
    }
    let d = DocFields::of(&posted);
    let tlp = check_doc_fields(&v, &d, &mut errors);
    let pasted = Entered {
        file: posted.file.clone(),
        text: posted.text.clone(),
    };
    let mut inputs: Vec<(String, Vec<u8>)> = posted.uploads;
    if !pasted.text.trim().is_empty() {
        let name = if pasted.file.is_empty() {
            PASTED_DOC.to_owned()
        } else {
            pasted.file.clone()
        };
        inputs.push((name, pasted.text.clone().into_bytes()));
    }
    if inputs.is_empty() {
        errors.insert(
            "case",
            "Choose a document to upload, or paste one.".to_owned(),
        );
    }
    let Some(tlp) = tlp.filter(|_| errors.is_empty()) else {
        return again(StatusCode::UNPROCESSABLE_ENTITY, &pasted, &d, &errors);
    };
    let names: Vec<String> = inputs.iter().map(|(n, _)| n.clone()).collect();
    let fields = (
        d.outlet.clone(),
        d.url.clone(),
        d.published.clone(),
        d.incident.clone(),
    );
    let clearance = v.clearance();
    let done = web
        .db(move |s| ingest(s, inputs, &fields, tlp, clearance))
        .await;
    match done {
        Err(r) => r,
        Ok(Ok(())) if names.len() == 1 => {
            Redirect::to(&format!("/documents/{}", enc(&names[0]))).into_response()
        }
        Ok(Ok(())) => Redirect::to("/documents").into_response(),
        Ok(Err(e)) if is_input(&e) => {
            errors.insert("case", error_chain(&e));
            again(StatusCode::UNPROCESSABLE_ENTITY, &pasted, &d, &errors)
        }
        Ok(Err(e)) => crate::app_error(&e),
    }
}

/// The steps of `ascribe docs ingest` for documents given as bytes: each is
/// read with the knowledge base in use (an imported one teaches the reader
/// its names), the form's outlet, address, date and marking replace what the
/// reader found, and every claim is filed in one unit of work.
fn ingest(
    store: &ascribe_store::Store,
    inputs: Vec<(String, Vec<u8>)>,
    (outlet, url, published, incident): &(String, String, String, String),
    tlp: Tlp,
    clearance: Tlp,
) -> Result<(), ascribe_app::AppError> {
    // A document is replaced under its name; a writer may not replace what they may
    // not read (the message says only that the name is taken, never its marking).
    for (name, _) in &inputs {
        let stored = store.document_seen_by(name, Tlp::Red)?;
        if stored.is_some_and(|d| d.record.tlp > clearance) {
            return Err(ascribe_app::AppError::Input(format!(
                "{name}: a document of this name is stored and this account may not replace it; give the file another name; nothing stored"
            )));
        }
    }
    let (kb, imported) = ascribe_app::kb::in_use(Some(store))?;
    let reader = imported.then(|| ascribe_extract::Reader::new(kb.clone()));
    let given = |s: &String| (!s.is_empty()).then(|| s.clone());
    let mut docs = Vec::with_capacity(inputs.len());
    for (name, bytes) in inputs {
        // An empty file is no document: storing it would file a source that says nothing.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ascribe_app::AppError::Input(format!(
                "{name}: empty ({} byte(s), no text); expected a document (text, HTML or Markdown); nothing stored",
                bytes.len()
            )));
        }
        let mut doc = match &reader {
            Some(r) => r.read(&name, &bytes, None),
            None => ascribe_extract::read_document(&name, &bytes, None),
        };
        if doc.skipped == Some(ascribe_extract::Skip::Binary) {
            return Err(ascribe_app::AppError::Input(format!(
                "{name}: looks like a binary file, not a document; nothing stored"
            )));
        }
        if let Some(o) = given(outlet) {
            doc.source.outlet = Some(o);
        }
        if let Some(u) = given(url) {
            doc.source.url = Some(u);
        }
        if let Some(p) = given(published) {
            doc.published = Some(p);
        }
        for c in &mut doc.claims {
            ascribe_app::docs::overlay_kb(&kb, &mut c.claim);
            c.claim.tlp = tlp;
            if published.is_empty() {
                continue;
            }
            c.claim.date = Some(published.clone());
        }
        docs.push((doc, bytes.len() as u64));
    }
    let incident = given(incident);
    let opts = ascribe_app::docs::FileOptions {
        incident: incident.as_deref(),
        window_days: 45,
    };
    ascribe_app::docs::file_marked_claims(store, store.clock(), &docs, &opts, &kb, tlp)?;
    Ok(())
}
