//! Helpers shared by the server tests: a store with users and objects, and
//! one-shot requests against the router.
#![allow(dead_code)]

use std::sync::OnceLock;

use ascribe_model::{Claim, ClaimKind, Tlp};
use ascribe_server::{app, auth, AppState, ServerConfig, StorePool};
use ascribe_store::{NewObject, Role, Store, UserRecord};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use base64::Engine;
use serde_json::{json, Value};
use tower::ServiceExt;

pub const PASSWORD: &str = "s3cret-test-pass";
pub const TAXII: &str = "application/taxii+json;version=2.1";

/// One Argon2id hash of [`PASSWORD`], shared so tests do not re-hash per user.
pub fn hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| auth::hash_password(PASSWORD).expect("Argon2id hashes a short password"))
        .clone()
}

/// Users named after their clearance (`u-clear`, `u-amber+strict`, ...), all analysts.
pub fn add_users(s: &mut Store) {
    for t in Tlp::ALL {
        let u = UserRecord {
            name: format!("u-{}", t.as_str()),
            role: Role::Analyst,
            clearance: t,
            password_hash: hash(),
        };
        if let Err(e) = s.add_user(&u, "2026-01-01T00:00:00Z") {
            panic!("add user: {e}");
        }
    }
    let reader = UserRecord {
        name: "reader".into(),
        role: Role::Reader,
        clearance: Tlp::Red,
        password_hash: hash(),
    };
    if let Err(e) = s.add_user(&reader, "2026-01-01T00:00:00Z") {
        panic!("add user: {e}");
    }
}

pub fn indicator(n: usize, tlp: Tlp, modified: &str) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2020-01-01T00:00:00.000Z", "modified": modified,
        "name": format!("tok{n}-{}", tlp.as_str()),
        "pattern": format!("[ipv4-addr:value = '198.51.100.{}']", n % 250),
        "pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z",
        "object_marking_refs": [tlp.stix_marking_id()],
    })
}

/// The id of the store's first collection (`intel`, made by the migration).
pub fn first_collection(s: &Store) -> String {
    s.stix_collections()
        .expect("the store lists its collections")[0]
        .id
        .clone()
}

pub fn add_objects(s: &mut Store, objs: &[(Value, Tlp)]) {
    let cid = first_collection(s);
    let texts: Vec<String> = objs.iter().map(|(o, _)| o.to_string()).collect();
    let keys: Vec<String> = objs
        .iter()
        .map(|(o, _)| {
            ascribe_stix::time::version_key(o["modified"].as_str().unwrap_or(""))
                .unwrap_or_default()
        })
        .collect();
    let news: Vec<NewObject<'_>> = objs
        .iter()
        .zip(&texts)
        .zip(&keys)
        .map(|(((o, t), text), key)| NewObject {
            id: o["id"].as_str().unwrap_or(""),
            kind: o["type"].as_str().unwrap_or(""),
            version: key,
            spec_version: "2.1",
            tlp: *t,
            marked: true,
            json: text,
        })
        .collect();
    if let Err(e) = s.stix_add_objects(&cid, &news, "2026-01-01T00:00:00.000000000Z") {
        panic!("add objects: {e}");
    }
}

pub fn state(s: Store, anonymous: bool) -> AppState {
    AppState::new(
        StorePool::single(s),
        ServerConfig {
            anonymous,
            max_content_length: 64 * 1024,
            ..ServerConfig::default()
        },
    )
}

pub fn basic(user: &str) -> String {
    let t = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{PASSWORD}"));
    format!("Basic {t}")
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

/// `GET uri` as `user` (anonymous with `None`).
pub async fn get_as(st: &AppState, uri: &str, user: Option<&str>) -> Reply {
    call(st, "GET", uri, user, None).await
}

/// `POST uri` as `user` with a body of media type `content_type`.
pub async fn post_as(
    st: &AppState,
    uri: &str,
    user: Option<&str>,
    content_type: &str,
    body: String,
) -> Reply {
    call(st, "POST", uri, user, Some((content_type, body))).await
}

pub async fn call(
    st: &AppState,
    method: &str,
    uri: &str,
    user: Option<&str>,
    body: Option<(&str, String)>,
) -> Reply {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("accept", TAXII);
    if let Some(u) = user {
        b = b.header("authorization", basic(u));
    }
    let req = match body {
        Some((ct, text)) => b.header("content-type", ct).body(Body::from(text)),
        None => b.body(Body::empty()),
    };
    send(st, req.unwrap_or_else(|e| panic!("request: {e}"))).await
}

/// One request through the router (no socket); `json` is `Null` when the
/// body is not JSON (an HTML page, an empty body).
pub async fn send(st: &AppState, req: Request<Body>) -> Reply {
    let resp = app(st.clone())
        .oneshot(req)
        .await
        .unwrap_or_else(|e| match e {});
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("a body read in memory");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// A claim about APT29: an accusation or statement by the NCSC, or a Kremlin denial.
pub fn claim(id: &str, kind: ClaimKind, date: &str, tlp: Tlp, quote: &str) -> Claim {
    Claim {
        id: id.to_owned(),
        kind: Some(kind),
        speaker: Some(
            if kind == ClaimKind::Denial {
                "Kremlin spokesman"
            } else {
                "NCSC"
            }
            .to_owned(),
        ),
        speaker_country: Some(
            if kind == ClaimKind::Denial {
                "Russia"
            } else {
                "United Kingdom"
            }
            .to_owned(),
        ),
        target: Some("APT29".to_owned()),
        target_canonical: Some("APT29".to_owned()),
        target_state: Some("Russia".to_owned()),
        date: Some(date.to_owned()),
        quote: Some(quote.to_owned()),
        tlp,
        ..Claim::default()
    }
}
