//! The analyst's screen: server-rendered HTML over ascribe's use cases.
//!
//! Pages are pure functions of plain data (`maud` markup) called by axum
//! handlers that read the store through `ascribe_app::view` at the reader's
//! clearance, so a page never receives a row above it. Every page carries a
//! TLP banner at top and bottom with the highest marking of what it shows.
//! No JavaScript and no request to anywhere else: forms are GET (filters,
//! what-ifs) or POST with a CSRF token (sign-in, sign-out).
//!
//! The server composes [`router`] beside TAXII and supplies the password
//! check ([`Gate`]), so sign-in goes through the server's Argon2id checks
//! and failure budget.

mod actors;
mod devices;
mod documents;
mod export;
mod format;
mod import;
mod incidents;
mod kept;
mod layout;
mod params;
mod session;
mod svg;
mod telemetry;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ascribe_app::view;
use ascribe_model::Tlp;
use ascribe_store::{Store, UserRecord};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::html;

pub use layout::STYLESHEET;
pub use session::SESSION_COOKIE;

/// Why a sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refused {
    /// Unknown user or wrong password (one answer for both).
    Wrong,
    /// Too many failures from this client or for this name: wait this long.
    Later(Duration),
    /// Too many checks running or the failure budget spent.
    Busy,
    /// The store failed (logged by the gate).
    Internal,
}

/// The boxed future a [`Gate`] returns.
pub type LoginFuture<'a> = Pin<Box<dyn Future<Output = Result<UserRecord, Refused>> + Send + 'a>>;

/// What the server lends the pages: its password check (Argon2id under its
/// bounds and failure budget) and what it knows of the connection.
pub trait Gate: Send + Sync + 'static {
    /// Checks `name` and `password`.
    fn login(&self, name: String, password: String) -> LoginFuture<'_>;
    /// Whether the current request came over TLS (cookies are then `Secure`).
    fn over_tls(&self) -> bool;
}

/// How the pages behave.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Show TLP:CLEAR material to readers who have not signed in; otherwise
    /// every page but sign-in sends them to sign in.
    pub anonymous: bool,
    /// A signed-in session ends this long after its last request.
    pub session_idle: Duration,
    /// At most this many sessions are kept (the oldest goes first).
    pub max_sessions: usize,
    /// Rows per page of every list.
    pub page_size: usize,
    /// A config file's `[policy]` table, under each case's own.
    pub policy: Option<toml::Table>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            anonymous: true,
            session_idle: Duration::from_secs(8 * 3600),
            max_sessions: 10_000,
            page_size: 50,
            policy: None,
        }
    }
}

/// The pages' shared state.
#[derive(Clone)]
pub struct Web {
    inner: Arc<Inner>,
}

/// The list's digests by incident and clearance, kept at the incident's revision.
type Digests = kept::Kept<(String, Tlp), incidents::Digest>;

/// Incident pages' assessments by incident, clearance read at and what-if,
/// kept at the incident's revision.
type Assessed = kept::Kept<(String, Tlp, view::WhatIf), view::Seen>;

/// How many digests are kept: one per incident and clearance read at, small.
const KEPT_DIGESTS: usize = 100_000;
/// How many assessed incidents are kept: each may hold 10,000 items, so few;
/// enough for a handful of analysts paging through the incidents they work on.
const KEPT_ASSESSED: usize = 16;

struct Inner {
    store: Arc<Store>,
    gate: Arc<dyn Gate>,
    config: WebConfig,
    sessions: Mutex<session::Sessions>,
    digests: Mutex<Digests>,
    assessed: Mutex<Assessed>,
}

impl Web {
    pub fn new(store: Arc<Store>, gate: Arc<dyn Gate>, config: WebConfig) -> Self {
        Web {
            inner: Arc::new(Inner {
                store,
                gate,
                sessions: Mutex::new(session::Sessions::new(
                    config.max_sessions,
                    config.session_idle,
                )),
                digests: Mutex::new(kept::Kept::new(KEPT_DIGESTS)),
                assessed: Mutex::new(kept::Kept::new(KEPT_ASSESSED)),
                config,
            }),
        }
    }

    fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// Runs `f` on the store off the async threads. A store call that panics
    /// is an internal error, logged.
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> Result<T, Response> {
        let store = self.inner.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "a page's store call did not finish");
                internal()
            })
    }
}

/// Locks `m`; every update under these locks is one map operation, so the
/// data is consistent even after a panic elsewhere.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The paths the pages answer; every other path is the TAXII server's.
pub fn is_web_path(path: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "/incidents",
        "/import",
        "/actors",
        "/devices",
        "/login",
        "/logout",
        "/static/",
        "/documents",
        "/telemetry",
    ];
    path == "/" || path == "/favicon.ico" || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// The pages' routes (the caller sends other paths elsewhere; unknown page
/// paths end in [`not_found`]).
pub fn router(web: Web) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/static/ascribe.css", get(stylesheet))
        .route("/favicon.ico", get(no_icon))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/import", get(import::show).post(import::import))
        .route(
            "/import/stix",
            get(import::stix_show).post(import::stix_import),
        )
        .route(
            "/import/documents",
            get(import::docs_show).post(import::docs_import),
        )
        .route("/incidents", get(incidents::list))
        .route("/incidents.csv", get(incidents::list_csv))
        .route("/incidents.json", get(incidents::list_json))
        .route("/incidents/{id}", get(incidents::show))
        .route("/incidents/{id}/{file}", get(incidents::export))
        .route("/documents", get(documents::list))
        .route("/documents.csv", get(documents::list_csv))
        .route("/documents.json", get(documents::list_json))
        .route("/documents/{id}", get(documents::show))
        .route("/documents/{id}/{file}", get(documents::export))
        .route("/telemetry", get(telemetry::show))
        .route("/telemetry/{file}", get(telemetry::export))
        .route("/devices/{id}", get(devices::show))
        .route("/devices/{id}/record", post(devices::record))
        .route("/devices/{id}/{file}", get(devices::export))
        .route("/actors/{id}", get(actors::show))
        .route("/actors/{id}/{file}", get(actors::export))
        .with_state(web)
}

/// Who is reading: a signed-in user (re-read from the store on every
/// request, so a changed clearance applies at once) or an anonymous reader.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub user: Option<UserRecord>,
    /// The session's CSRF token, put in every POST form.
    pub csrf: Option<String>,
}

impl Viewer {
    pub fn clearance(&self) -> Tlp {
        self.user.as_ref().map_or(Tlp::Clear, |u| u.clearance)
    }
}

/// The reader of a request, or the response that replaces the page: sign
/// in first (anonymous reading refused) or an error.
pub(crate) async fn viewer(web: &Web, headers: &HeaderMap) -> Result<Viewer, Response> {
    let found = match session::cookie(headers, SESSION_COOKIE) {
        Some(token) => live_session(web, token).await?,
        None => None,
    };
    if let Some((name, csrf)) = found {
        let user = web.db(move |s| s.user(&name)).await?.map_err(|e| {
            tracing::error!(error = %e, "reading a signed-in user");
            internal()
        })?;
        if let Some(user) = user {
            return Ok(Viewer {
                user: Some(user),
                csrf: Some(csrf),
            });
        }
    }
    if web.config().anonymous {
        return Ok(Viewer {
            user: None,
            csrf: None,
        });
    }
    Err(Redirect::to("/login").into_response())
}

/// Seconds since 1970 by the store's clock (the time sessions are kept in).
fn unix_now(store: &Store) -> i64 {
    store.clock().now().unix_timestamp()
}

/// The user and CSRF token of the live session `token` names: from the
/// table in memory, else from the store (a session opened before a restart,
/// taken back while it is not idle too long). A session's use is written to
/// the store about once a minute; a session the store no longer has was
/// signed out elsewhere and ends here too.
async fn live_session(web: &Web, token: String) -> Result<Option<(String, String)>, Response> {
    let now = Instant::now();
    let touched = lock(&web.inner.sessions).touch(&token, now);
    let hash = session::token_hash(&token);
    if let Some(t) = touched {
        if !t.save {
            return Ok(Some((t.user, t.csrf)));
        }
        let kept = web
            .db(move |s| s.unit_of_work(|u| u.touch_web_session(&hash, unix_now(s))))
            .await?
            .map_err(|e| app_error(&ascribe_app::AppError::from(e)))?;
        if !kept {
            lock(&web.inner.sessions).forget(&token);
            return Ok(None);
        }
        return Ok(Some((t.user, t.csrf)));
    }
    let idle = web.config().session_idle;
    let kept = web
        .db(move |s| s.read(|r| r.web_session(&hash)).map(|k| (k, unix_now(s))))
        .await?
        .map_err(|e| app_error(&ascribe_app::AppError::from(e)))?;
    let (Some(k), at) = kept else {
        return Ok(None);
    };
    // Unused for this long by the store's clock (a clock set back counts as just used).
    let unused = Duration::from_secs((at - k.last_used).max(0).unsigned_abs());
    let Some(last) = now.checked_sub(unused).filter(|_| unused < idle) else {
        return Ok(None);
    };
    lock(&web.inner.sessions).restore(&token, &k.user, &k.csrf, last, now);
    Ok(Some((k.user, k.csrf)))
}

/// What every page handler starts from: who reads, and the query string.
/// Extracting it answers for the handler when the reader must sign in first
/// (or the store fails reading the session's user).
pub(crate) struct Reading {
    pub v: Viewer,
    pub q: params::Params,
}

impl FromRequestParts<Web> for Reading {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Response> {
        let q = params::Params::parse(parts.uri.query().unwrap_or("").as_bytes());
        let v = viewer(web, &parts.headers).await?;
        Ok(Reading { v, q })
    }
}

/// The signed-in user who may write, or the response that replaces the
/// page: sign in first, or 403 for a role that only reads.
pub(crate) async fn writer(
    web: &Web,
    headers: &HeaderMap,
) -> Result<(Viewer, UserRecord), Response> {
    let v = viewer(web, headers).await?;
    let Some(user) = v.user.clone() else {
        return Err(Redirect::to("/login").into_response());
    };
    if !user.role.default_rights().1 {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Your account may read but not write, so it cannot import or record evidence. Ask an administrator for the analyst role.",
        ));
    }
    Ok((v, user))
}

/// The refusal of a posted form whose CSRF token is not the session's.
pub(crate) fn refuse_csrf(v: &Viewer, posted: &str) -> Option<Response> {
    if v.csrf.is_some() && v.csrf.as_deref() == Some(posted) {
        return None;
    }
    Some(error_page(
        StatusCode::FORBIDDEN,
        "Form refused",
        "The form had expired. Please open it again and resubmit.",
    ))
}

async fn home() -> Redirect {
    Redirect::to("/incidents")
}

/// Browsers ask for an icon on every site; there is none (and no error).
async fn no_icon() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// The headers every page carries: no script, no frame, no request elsewhere.
pub(crate) fn html_response(status: StatusCode, markup: maud::Markup) -> Response {
    let mut r = (status, markup).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// An error page: a fixed title and sentence, nothing internal, marked
/// TLP:CLEAR (it shows nothing else).
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = html! {
        h1 { (title) }
        p { (message) }
        p { a href="/incidents" { "Back to the incidents" } }
    };
    html_response(
        status,
        layout::page(
            title,
            Tlp::Clear,
            &Viewer {
                user: None,
                csrf: None,
            },
            body,
        ),
    )
}

/// The page for a path no page answers.
pub fn not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address, or it is not shown to you.",
    )
}

pub(crate) fn internal() -> Response {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The server could not show this page. The error has been logged.",
    )
}

/// A use-case error as a page: busy is 503 (retry), a missing incident 404
/// (also one above the reader's clearance: it looks missing), the rest 500, logged.
pub(crate) fn app_error(e: &ascribe_app::AppError) -> Response {
    if e.is_busy() {
        let mut r = error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            "The database is busy with a write. Please try again in a moment.",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return r;
    }
    if matches!(e, ascribe_app::AppError::NoIncident { .. }) {
        return not_found();
    }
    tracing::error!(error = %e, "a page failed");
    internal()
}

async fn login_form(State(web): State<Web>, headers: HeaderMap) -> Response {
    let v = match viewer(&web, &headers).await {
        Ok(v) => v,
        Err(_) => Viewer {
            user: None,
            csrf: None,
        },
    };
    let nonce = session::token();
    let mut r = html_response(StatusCode::OK, layout::login(&v, &nonce, None, ""));
    set_cookie(
        &mut r,
        &session::login_cookie(&nonce, web.inner.gate.over_tls()),
    );
    r
}

fn set_cookie(r: &mut Response, cookie: &str) {
    match HeaderValue::from_str(cookie) {
        Ok(v) => {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        Err(e) => tracing::error!(error = %e, "a cookie is not a header value"),
    }
}

async fn login(State(web): State<Web>, headers: HeaderMap, body: Bytes) -> Response {
    let form = params::Params::parse(&body);
    let name = form.get("name").unwrap_or("").trim().to_owned();
    let password = form.get("password").unwrap_or("").to_owned();
    let nonce = session::cookie(&headers, session::LOGIN_COOKIE);
    let anonymous = Viewer {
        user: None,
        csrf: None,
    };
    let again = |status: StatusCode, message: &str| {
        let fresh = session::token();
        let mut r = html_response(
            status,
            layout::login(&anonymous, &fresh, Some(message), &name),
        );
        set_cookie(
            &mut r,
            &session::login_cookie(&fresh, web.inner.gate.over_tls()),
        );
        r
    };
    if nonce.is_none() || nonce.as_deref() != form.get("csrf") {
        return again(
            StatusCode::FORBIDDEN,
            "The form had expired. Please sign in again.",
        );
    }
    if name.is_empty() || password.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your user name and password.",
        );
    }
    match web.inner.gate.login(name.clone(), password).await {
        Ok(user) => {
            let (token, csrf) = lock(&web.inner.sessions).open(&user.name, Instant::now());
            let (hash, idle) = (session::token_hash(&token), web.config().session_idle);
            let kept = web
                .db(move |s| {
                    let now = unix_now(s);
                    // Sessions idle longer than any may live are forgotten (an idle time past i64 seconds keeps all).
                    let cutoff =
                        now.saturating_sub(i64::try_from(idle.as_secs()).unwrap_or(i64::MAX));
                    let session = ascribe_store::WebSession {
                        user: user.name,
                        csrf,
                        last_used: now,
                    };
                    s.unit_of_work(|u| {
                        u.delete_web_sessions_before(cutoff)?;
                        u.save_web_session(&hash, &session)
                    })
                })
                .await;
            match kept {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return app_error(&ascribe_app::AppError::from(e)),
                Err(r) => return r,
            }
            let mut r = Redirect::to("/incidents").into_response();
            set_cookie(
                &mut r,
                &session::session_cookie(&token, web.inner.gate.over_tls()),
            );
            set_cookie(&mut r, &session::expired(session::LOGIN_COOKIE));
            r
        }
        Err(Refused::Wrong) => again(
            StatusCode::UNAUTHORIZED,
            "The user name or password is not right.",
        ),
        Err(Refused::Later(d)) => {
            let mut r = again(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed sign-ins from here or for this name. Please wait a little and try again.",
            );
            let secs = d.as_secs().max(1).to_string();
            if let Ok(v) = HeaderValue::from_str(&secs) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Err(Refused::Busy) => {
            let mut r = again(
                StatusCode::SERVICE_UNAVAILABLE,
                "The server is busy checking other sign-ins. Please try again in a moment.",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        Err(Refused::Internal) => internal(),
    }
}

async fn logout(State(web): State<Web>, headers: HeaderMap, body: Bytes) -> Response {
    let form = params::Params::parse(&body);
    let token = session::cookie(&headers, SESSION_COOKIE);
    if let Some(token) = token {
        // A session opened before a restart is taken back first, so its token is checked.
        if let Err(r) = live_session(&web, token.clone()).await {
            return r;
        }
        let ok = lock(&web.inner.sessions).close(&token, form.get("csrf").unwrap_or(""));
        if !ok {
            return error_page(
                StatusCode::FORBIDDEN,
                "Sign-out refused",
                "The sign-out form had expired. Please use the sign-out button again.",
            );
        }
        let hash = session::token_hash(&token);
        match web
            .db(move |s| s.unit_of_work(|u| u.delete_web_session(&hash)))
            .await
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return app_error(&ascribe_app::AppError::from(e)),
            Err(r) => return r,
        }
    }
    let mut r = Redirect::to("/login").into_response();
    set_cookie(&mut r, &session::expired(SESSION_COOKIE));
    r
}
