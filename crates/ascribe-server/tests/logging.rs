//! The log carries the underlying error of a failed request (the client a
//! generic TAXII 500), and no secrets: no password, no Authorization header.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use ascribe_server::{AppState, ServerConfig, StorePool};
use ascribe_store::Store;
use axum::http::StatusCode;
use common::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn store_errors_are_logged_with_their_cause_and_no_secrets() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .unwrap_or_else(|e| panic!("the only subscriber in this test binary: {e}"));

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    let mut s = Store::open(&db, ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    let cid = s.stix_collections().unwrap_or_else(|e| panic!("{e}"))[0]
        .id
        .clone();
    drop(s);
    // A database that lost a table: every object read fails in SQLite.
    rusqlite::Connection::open(&db)
        .and_then(|c| c.execute_batch("DROP TABLE stix_objects"))
        .unwrap_or_else(|e| panic!("{e}"));
    let st = AppState::new(
        StorePool::open(&db, 1, ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}")),
        ServerConfig::default(),
    );
    let r = get_as(
        &st,
        &format!("/api1/collections/{cid}/objects/"),
        Some("u-red"),
    )
    .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.json["title"], "internal error");
    assert!(
        !r.text.contains("stix_objects"),
        "no internals to the client: {}",
        r.text
    );

    // A failed login is logged by name, without its password.
    let wrong = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        "u-amber:hunter2-not-the-password",
    );
    let resp = {
        use tower::ServiceExt;
        let req = axum::http::Request::builder()
            .uri("/taxii2/")
            .header("accept", TAXII)
            .header("authorization", format!("Basic {wrong}"))
            .body(axum::body::Body::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        ascribe_server::app(st.clone())
            .oneshot(req)
            .await
            .unwrap_or_else(|e| match e {})
    };
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    let text = String::from_utf8_lossy(
        &log.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    assert!(
        text.contains("store error") && text.contains("no such table: stix_objects"),
        "the cause is logged: {text}"
    );
    assert!(
        text.contains("authentication failed") && text.contains("u-amber"),
        "{text}"
    );
    for secret in [
        PASSWORD,
        "hunter2-not-the-password",
        wrong.as_str(),
        "Basic ",
    ] {
        assert!(!text.contains(secret), "{secret:?} in the log: {text}");
    }
}
