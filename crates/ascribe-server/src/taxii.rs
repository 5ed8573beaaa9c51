//! TAXII 2.1 endpoints: the wire (media types, authentication, query
//! strings, status codes, envelopes). What is read and written, and who may,
//! is `ascribe_app::taxii`.
use ascribe_app::taxii::{self, Access, Refused};
use ascribe_app::AppError;
use ascribe_store::{Cursor, ObjectQuery, Page, StatusRecord, Store, StoreError, VersionSel};
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::query::{encode_token, parse_query, BAD_TOKEN};
use crate::{AppState, Principal, STIX_MEDIA, TAXII_MEDIA};

const ROOT: &str = "api1";

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/api1/", get(api_root))
        .route("/api1/status/{sid}/", get(status))
        .route("/api1/status/{sid}", get(status))
        .route("/api1/collections/", get(collections))
        .route("/api1/collections/{cid}/", get(collection))
        .route(
            "/api1/collections/{cid}/objects/",
            get(get_objects).post(add_objects),
        )
        .route("/api1/collections/{cid}/objects/{oid}/", get(get_object))
        .route(
            "/api1/collections/{cid}/objects/{oid}/versions/",
            get(versions),
        )
        .route("/api1/collections/{cid}/manifest/", get(manifest))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(taxii_errors_only))
        .with_state(state)
}

/// An error as a TAXII error resource.
pub(crate) fn error(status: StatusCode, title: &str, description: &str) -> Response {
    let body = json!({
        "title": title,
        "description": description,
        "http_status": status.as_str(),
    });
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"ascribe TAXII\""),
        );
    }
    r
}

fn internal() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error",
        "the server could not complete the request",
    )
}

/// Seconds a client is asked to wait before retrying a write the store was
/// too busy for.
const RETRY_AFTER_SECS: &str = "2";

/// 503 with `Retry-After`: another writer held the store past the busy
/// timeout; nothing of the request was written and it may be sent again.
fn busy() -> Response {
    let mut r = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "store busy",
        "another writer holds the store; nothing was written, retry the request",
    );
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECS),
    );
    r
}

/// The TAXII answer to a store error.
fn store_failure(e: &StoreError) -> Response {
    match e {
        StoreError::Busy { .. } => busy(),
        StoreError::BadCursor => error(
            StatusCode::BAD_REQUEST,
            "bad query",
            &format!("query parameter next: {BAD_TOKEN}"),
        ),
        _ => {
            tracing::error!(error = %crate::error_chain(e), "store error");
            internal()
        }
    }
}

/// Any error response that did not come from a handler (a rejected path, a
/// framework default) is replaced by a plain TAXII error of the same status.
async fn taxii_errors_only(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    let is_taxii = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/taxii+json"));
    if (r.status().is_client_error() || r.status().is_server_error()) && !is_taxii {
        let s = r.status();
        let title = s.canonical_reason().unwrap_or("error").to_ascii_lowercase();
        return error(s, &title, "the request could not be served");
    }
    r
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found", "no such TAXII resource")
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed",
        "this resource does not support that method",
    )
}

fn taxii_json(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA));
    r
}

/// Whether the Accept header admits a TAXII 2.1 response.
fn accepts_taxii(headers: &HeaderMap) -> bool {
    let Some(a) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    a.split(',').any(|item| {
        let parts: Vec<String> = item
            .split(';')
            .map(|p| p.trim().to_ascii_lowercase().replace(' ', ""))
            .collect();
        let media = parts.first().map_or("", String::as_str);
        let version_ok = parts
            .iter()
            .skip(1)
            .filter(|p| p.starts_with("version="))
            .all(|p| p == "version=2.1");
        match media {
            "*/*" | "application/*" => true,
            "application/taxii+json" | "application/stix+json" => version_ok,
            _ => false,
        }
    })
}

/// The TAXII answer to a use case's error.
fn app_failure(e: &AppError) -> Response {
    match e {
        AppError::Store(e) | AppError::StoreDoing { source: e, .. } => store_failure(e),
        _ => {
            tracing::error!(error = %crate::error_chain(e), "use case failed");
            internal()
        }
    }
}

/// Runs `f` with the store on a blocking thread; `f` calls the use cases of
/// `ascribe_app::taxii` (or asks the store for a unit of work).
pub(crate) async fn db<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
) -> Result<T, Response> {
    let pool = st.pool.clone();
    match tokio::task::spawn_blocking(move || f(pool.store())).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(app_failure(&e)),
        Err(e) => {
            tracing::error!(error = %e, "store task failed");
            Err(internal())
        }
    }
}

/// Checks Accept and authenticates.
async fn begin(st: &AppState, headers: &HeaderMap) -> Result<Principal, Response> {
    if !accepts_taxii(headers) {
        return Err(error(
            StatusCode::NOT_ACCEPTABLE,
            "not acceptable",
            "this server answers application/taxii+json;version=2.1",
        ));
    }
    crate::auth::authenticate(st, headers).await
}

fn root_url(headers: &HeaderMap) -> String {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(h) if h.bytes().all(|b| b.is_ascii_graphic()) => {
            format!("{}://{h}/{ROOT}/", crate::net::scheme())
        }
        _ => format!("/{ROOT}/"),
    }
}

async fn discovery(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = begin(&st, &headers).await {
        return r;
    }
    let root = root_url(&headers);
    taxii_json(
        StatusCode::OK,
        json!({
            "title": "ascribe TAXII 2.1",
            "description": "Attribution assessments and threat intelligence, filtered by TLP clearance.",
            "default": root,
            "api_roots": [root],
        })
        .to_string(),
    )
}

async fn api_root(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = begin(&st, &headers).await {
        return r;
    }
    taxii_json(
        StatusCode::OK,
        json!({
            "title": "ascribe",
            "description": "ascribe's STIX 2.1 collections",
            "versions": [TAXII_MEDIA],
            "max_content_length": st.config.max_content_length,
        })
        .to_string(),
    )
}

fn collection_json(a: &Access) -> Value {
    let c = &a.collection;
    let mut v = json!({
        "id": c.id, "title": c.title, "alias": c.alias,
        "can_read": a.read, "can_write": a.write, "media_types": [STIX_MEDIA],
    });
    if let Some(d) = &c.description {
        v["description"] = json!(d);
    }
    v
}

async fn collections(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let p = match begin(&st, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let out = db(&st, move |s| {
        let all = taxii::collections(s, p.user.as_ref())?;
        Ok(all.iter().map(collection_json).collect::<Vec<_>>())
    })
    .await;
    match out {
        Ok(v) if v.is_empty() => taxii_json(StatusCode::OK, "{}".into()),
        Ok(v) => taxii_json(StatusCode::OK, json!({ "collections": v }).to_string()),
        Err(r) => r,
    }
}

async fn collection(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> Response {
    let p = match begin(&st, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match db(&st, move |s| taxii::access(s, p.user.as_ref(), &cid)).await {
        Ok(Some(a)) => taxii_json(StatusCode::OK, collection_json(&a).to_string()),
        Ok(None) => no_collection(),
        Err(r) => r,
    }
}

fn no_collection() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "collection not found",
        "no such collection, or no right on it",
    )
}

/// The TAXII answer to a refused collection.
fn refused(r: Refused) -> Response {
    match r {
        Refused::NoCollection => no_collection(),
        Refused::NoRead => error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "no read right on this collection",
        ),
        Refused::NoWrite => error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "no write right on this collection",
        ),
    }
}

/// The TAXII form of a stored date (microsecond precision).
fn taxii_date(key: &str) -> String {
    match key.get(..26) {
        Some(head) if key.len() == 30 => format!("{head}Z"),
        _ => key.to_owned(),
    }
}

fn date_headers(r: &mut Response, page: &Page) {
    let (Some(first), Some(last)) = (page.items.first(), page.items.last()) else {
        return;
    };
    for (name, v) in [
        ("x-taxii-date-added-first", &first.date_added),
        ("x-taxii-date-added-last", &last.date_added),
    ] {
        if let Ok(h) = HeaderValue::from_str(&taxii_date(v)) {
            r.headers_mut().insert(name, h);
        }
    }
}

enum Kind {
    Objects,
    Object(String),
    Versions(String),
    Manifest,
}

/// Shared by the four read endpoints: authentication, rights, the query
/// (always with the caller's clearance), and the page.
async fn read(
    st: AppState,
    headers: HeaderMap,
    cid: String,
    raw: Option<String>,
    kind: Kind,
) -> Result<(Page, Kind), Response> {
    let p = begin(&st, &headers).await?;
    let tq = parse_query(raw.as_deref())
        .map_err(|e| error(StatusCode::BAD_REQUEST, "bad query", &e.to_string()))?;
    let limit = tq
        .limit
        .unwrap_or(st.config.default_page)
        .min(st.config.max_page);
    let page = db(&st, move |s| {
        // The use case sets the collection and the caller's clearance.
        let mut q = ObjectQuery::new(&cid, p.clearance(), limit);
        q.added_after = tq.added_after;
        q.types = tq.types;
        q.spec_versions = tq.spec_versions;
        q.after = tq.next;
        q.ids = tq.ids;
        q.versions = tq.versions;
        match &kind {
            Kind::Object(id) => q.ids = vec![id.clone()],
            Kind::Versions(id) => {
                q.ids = vec![id.clone()];
                q.versions = vec![VersionSel::All];
            }
            Kind::Objects | Kind::Manifest => {}
        }
        Ok(taxii::read(s, p.user.as_ref(), &cid, q)?.map(|page| (page, kind)))
    })
    .await?;
    page.map_err(refused)
}

fn envelope_head(page: &Page) -> String {
    let mut s = format!("{{\"more\":{}", page.more);
    if page.more {
        if let Some(last) = page.items.last() {
            let token = encode_token(&Cursor {
                id: last.id.clone(),
                version: last.version.clone(),
            });
            s.push_str(&format!(",\"next\":\"{token}\""));
        }
    }
    s
}

async fn get_objects(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    match read(st, headers, cid, raw, Kind::Objects).await {
        Ok((page, _)) => objects_response(&page),
        Err(r) => r,
    }
}

fn objects_response(page: &Page) -> Response {
    let mut body = envelope_head(page);
    body.push_str(",\"objects\":[");
    for (i, o) in page.items.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&o.json);
    }
    body.push_str("]}");
    let mut r = taxii_json(StatusCode::OK, body);
    date_headers(&mut r, page);
    r
}

async fn get_object(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((cid, oid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    match read(st, headers, cid, raw, Kind::Object(oid)).await {
        Ok((page, _)) if page.items.is_empty() => no_object(),
        Ok((page, _)) => objects_response(&page),
        Err(r) => r,
    }
}

fn no_object() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "object not found",
        "no such object in this collection",
    )
}

fn object_version(o: &ascribe_store::StoredObject) -> String {
    let v: Value = serde_json::from_str(&o.json).unwrap_or(Value::Null);
    v.get("modified")
        .or_else(|| v.get("created"))
        .and_then(Value::as_str)
        .map_or_else(|| taxii_date(&o.date_added), str::to_owned)
}

async fn versions(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((cid, oid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    match read(st, headers, cid, raw, Kind::Versions(oid)).await {
        Ok((page, _)) if page.items.is_empty() => no_object(),
        Ok((page, _)) => {
            let vs: Vec<String> = page.items.iter().map(object_version).collect();
            let mut body = envelope_head(&page);
            body.push_str(&format!(",\"versions\":{}}}", json!(vs)));
            let mut r = taxii_json(StatusCode::OK, body);
            date_headers(&mut r, &page);
            r
        }
        Err(r) => r,
    }
}

async fn manifest(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    match read(st, headers, cid, raw, Kind::Manifest).await {
        Ok((page, _)) => {
            let recs: Vec<Value> = page
                .items
                .iter()
                .map(|o| {
                    json!({
                        "id": o.id, "date_added": taxii_date(&o.date_added),
                        "version": object_version(o), "media_type": STIX_MEDIA,
                    })
                })
                .collect();
            let mut body = envelope_head(&page);
            body.push_str(&format!(",\"objects\":{}}}", Value::Array(recs)));
            let mut r = taxii_json(StatusCode::OK, body);
            date_headers(&mut r, &page);
            r
        }
        Err(r) => r,
    }
}

/// A status resource as `viewer` may see it (which entries, by
/// `taxii::status_seen_by`), with the counts of the entries shown.
fn status_json(s: &StatusRecord, viewer: &Principal) -> Result<String, AppError> {
    let seen = taxii::status_seen_by(s, viewer.user.as_ref())?;
    let (successes, failures, pendings) = (seen.successes, seen.failures, seen.pendings);
    Ok(json!({
        "id": s.id,
        "status": if pendings.is_empty() { "complete" } else { "pending" },
        "request_timestamp": taxii_date(&s.request_timestamp),
        "total_count": successes.len() + failures.len() + pendings.len(),
        "success_count": successes.len(),
        "failure_count": failures.len(),
        "pending_count": pendings.len(),
        "successes": successes,
        "failures": failures,
        "pendings": pendings,
    })
    .to_string())
}

/// A status as JSON, or the answer to its unreadable details.
fn status_response(code: StatusCode, s: &StatusRecord, viewer: &Principal) -> Response {
    match status_json(s, viewer) {
        Ok(body) => taxii_json(code, body),
        Err(e) => app_failure(&e),
    }
}

async fn status(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(sid): Path<String>,
) -> Response {
    let p = match begin(&st, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let user = p.user.clone();
    match db(&st, move |s| taxii::status(s, user.as_ref(), &sid)).await {
        Ok(Some(s)) => status_response(StatusCode::OK, &s, &p),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "status not found",
            "no such status resource",
        ),
        Err(r) => r,
    }
}

/// A TAXII envelope, its objects left as raw JSON text borrowed from the
/// body: each is parsed, checked and written one at a time, so a request
/// costs about its body plus one object, whatever the number of objects.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    objects: Option<Vec<&'a serde_json::value::RawValue>>,
}

async fn add_objects(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
    body: Body,
) -> Response {
    let p = match begin(&st, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(poster) = p.user.clone() else {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "adding objects needs an authenticated user",
        );
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()));
    if let Err(e) = crate::media::check_taxii_content_type(ct.as_deref()) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported media type",
            &e.to_string(),
        );
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request too large",
            "the body exceeds max_content_length",
        )
    };
    if declared.is_some_and(|n| n > st.config.max_content_length) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, st.config.max_content_length).await else {
        return too_large();
    };
    let unmarked = st.config.unmarked;
    let status_id = uuid::Uuid::new_v4().to_string();
    let out = db(&st, move |s| {
        let env = match serde_json::from_slice::<Envelope<'_>>(&bytes) {
            Ok(Envelope {
                objects: Some(objects),
            }) => objects,
            Err(e) if e.is_syntax() || e.is_eof() => {
                return Ok(Err(error(
                    StatusCode::BAD_REQUEST,
                    "bad request",
                    &format!(
                        "the body is not JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    ),
                )))
            }
            _ => {
                return Ok(Err(error(
                    StatusCode::BAD_REQUEST,
                    "bad request",
                    "expected an envelope with an \"objects\" array",
                )))
            }
        };
        // The store's clock: the one the server was started with.
        let rec = taxii::add_objects(s, s.clock(), &poster, &cid, status_id, &env, unmarked)?;
        Ok(rec.map_err(refused))
    })
    .await;
    match out {
        Ok(Ok(rec)) => status_response(StatusCode::ACCEPTED, &rec, &p),
        Ok(Err(r)) | Err(r) => r,
    }
}
