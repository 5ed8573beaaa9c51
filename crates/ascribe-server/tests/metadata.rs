//! Regression tests for what an adversarial probe found in the TAXII write
//! and paging paths (issue 17, findings 5–9, 11 and the TAXII part of 15):
//! nothing about hidden objects leaks through tokens, write outcomes or
//! statuses, and writes are whole.

mod common;

use std::time::Duration;

use ascribe_model::Tlp;
use ascribe_server::{encode_token, AppState, ServerConfig, StorePool};
use ascribe_store::{Cursor, Role, Store, UserRecord};
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn id(n: usize) -> String {
    format!("indicator--00000000-0000-4000-8000-{n:012}")
}

fn store(objs: &[(Value, Tlp)]) -> (Store, String) {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    add_objects(&mut s, objs);
    let cid = first_collection(&s);
    (s, cid)
}

fn envelope(objs: &[Value]) -> Option<(&'static str, String)> {
    Some((TAXII, json!({ "objects": objs }).to_string()))
}

fn objects_of(r: &Reply) -> Vec<Value> {
    r.json["objects"].as_array().cloned().unwrap_or_default()
}

fn marking(o: &Value) -> &str {
    o["object_marking_refs"][0].as_str().unwrap_or("")
}

/// Finding 5: paging tokens were the global row number, so the gap between
/// two tokens counted the hidden rows between two visible ones. Now what a
/// reader receives (bodies and tokens) is the same whatever hidden rows lie
/// between its rows, and a token naming a hidden row is refused exactly like
/// a malformed one.
#[tokio::test]
async fn paging_tokens_say_nothing_about_hidden_rows() {
    let mut with_hidden = Vec::new();
    let mut without = Vec::new();
    for n in 0..5 {
        let visible = (
            indicator(n, Tlp::Clear, "2021-01-01T00:00:00.000Z"),
            Tlp::Clear,
        );
        with_hidden.push(visible.clone());
        without.push(visible);
        for k in 0..=n {
            let hidden = 100 + 10 * n + k;
            with_hidden.push((
                indicator(hidden, Tlp::Red, "2021-01-01T00:00:00.000Z"),
                Tlp::Red,
            ));
        }
    }
    let (a, cid) = store(&with_hidden);
    let (b, _) = store(&without);
    let (a, b) = (state(a, true), state(b, true));
    let base = format!("/api1/collections/{cid}/objects/?limit=1");
    for user in [Some("u-clear"), None] {
        let mut next: Option<String> = None;
        let mut pages = 0;
        loop {
            let url = match &next {
                Some(t) => format!("{base}&next={t}"),
                None => base.clone(),
            };
            let ra = get_as(&a, &url, user).await;
            let rb = get_as(&b, &url, user).await;
            assert_eq!(ra.status, StatusCode::OK, "{}", ra.text);
            assert_eq!(ra.text, rb.text, "a page differs with hidden rows present");
            pages += 1;
            next = ra.json["next"].as_str().map(str::to_owned);
            if next.is_none() {
                break;
            }
        }
        assert_eq!(pages, 5);
    }
    // Tampered, malformed and hidden-row tokens: one and the same 400.
    let forged = encode_token(&Cursor {
        id: id(100),
        version: ascribe_stix::time::version_key("2021-01-01T00:00:00.000Z")
            .expect("a valid timestamp"),
    });
    let absent = encode_token(&Cursor {
        id: id(99),
        version: "x".into(),
    });
    let mut bodies = Vec::new();
    for t in ["42", "not-a-token", forged.as_str(), absent.as_str()] {
        let r = get_as(&a, &format!("{base}&next={t}"), Some("u-clear")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{t}: {}", r.text);
        assert_eq!(r.json["http_status"], "400");
        assert!(r.headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("application/taxii+json"));
        bodies.push(r.text);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    // The same forged token is fine for a reader who can see that row.
    let r = get_as(&a, &format!("{base}&next={forged}"), Some("u-red")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// The status of a post as its poster sees it, without the parts that differ
/// per request.
fn shape(status: &Value) -> Value {
    let mut s = status.clone();
    s["id"] = Value::Null;
    s["request_timestamp"] = Value::Null;
    for e in s["successes"].as_array_mut().into_iter().flatten() {
        e["id"] = Value::Null;
    }
    s
}

/// Finding 6: a CLEAR writer posting the id and version of a RED object it
/// cannot see was told "success" while the object was dropped, and a GET then
/// answered 404: an existence oracle and a false success. Now the write is
/// real (the writer reads back what it posted), its answer is the same as
/// for a fresh id, and the RED object is untouched.
#[tokio::test]
async fn a_post_colliding_with_a_hidden_object_is_a_real_write_that_discloses_nothing() {
    let v = "2021-01-01T00:00:00.000Z";
    let (s, cid) = store(&[(indicator(1, Tlp::Red, v), Tlp::Red)]);
    let st = state(s, false);
    let url = format!("/api1/collections/{cid}/objects/");
    // The CLEAR writer posts indicator `n` at version `v`.
    let post = |n| {
        call(
            &st,
            "POST",
            &url,
            Some("u-clear"),
            envelope(&[indicator(n, Tlp::Clear, v)]),
        )
    };
    let collide = post(1).await;
    let fresh = post(2).await;
    assert_eq!(collide.status, StatusCode::ACCEPTED, "{}", collide.text);
    assert_eq!(shape(&collide.json), shape(&fresh.json));
    assert_eq!(collide.json["success_count"], 1);
    for n in [1, 2] {
        let r = get_as(&st, &format!("{url}{}/", id(n)), Some("u-clear")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(marking(&objects_of(&r)[0]), Tlp::Clear.stix_marking_id());
    }
    let r = get_as(&st, &format!("{url}{}/", id(1)), Some("u-red")).await;
    let got = objects_of(&r);
    assert_eq!(got.len(), 1, "{}", r.text);
    assert_eq!(marking(&got[0]), Tlp::Red.stix_marking_id());
}

/// Finding 11: a CLEAR writer could post a newer CLEAR version of a RED
/// object, which then became "latest" for RED readers.
#[tokio::test]
async fn a_low_writer_cannot_supersede_a_version_above_its_clearance() {
    let (s, cid) = store(&[(indicator(1, Tlp::Red, "2021-01-01T00:00:00.000Z"), Tlp::Red)]);
    let st = state(s, false);
    let url = format!("/api1/collections/{cid}/objects/");
    let newer = indicator(1, Tlp::Clear, "2022-01-01T00:00:00.000Z");
    let r = call(&st, "POST", &url, Some("u-clear"), envelope(&[newer])).await;
    assert_eq!(r.json["success_count"], 1, "{}", r.text);
    for (user, want_marking, want_modified) in [
        ("u-red", Tlp::Red, "2021-01-01T00:00:00.000Z"),
        ("u-amber+strict", Tlp::Clear, "2022-01-01T00:00:00.000Z"),
        ("u-clear", Tlp::Clear, "2022-01-01T00:00:00.000Z"),
    ] {
        let r = get_as(&st, &format!("{url}{}/", id(1)), Some(user)).await;
        let got = objects_of(&r);
        assert_eq!(got.len(), 1, "{user}: {}", r.text);
        assert_eq!(marking(&got[0]), want_marking.stix_marking_id(), "{user}");
        assert_eq!(got[0]["modified"], want_modified, "{user}");
    }
    // A RED writer, who sees the RED version, does supersede it.
    let newest = indicator(1, Tlp::Amber, "2023-01-01T00:00:00.000Z");
    call(&st, "POST", &url, Some("u-red"), envelope(&[newest])).await;
    let r = get_as(&st, &format!("{url}{}/", id(1)), Some("u-red")).await;
    assert_eq!(objects_of(&r)[0]["modified"], "2023-01-01T00:00:00.000Z");
}

/// Finding 7: an admin cleared for CLEAR read the ids and versions of
/// others' RED posts in their statuses.
#[tokio::test]
async fn statuses_show_only_entries_at_or_below_the_viewers_clearance() {
    let (mut s, cid) = store(&[]);
    let admin = UserRecord {
        name: "admin-clear".into(),
        role: Role::Admin,
        clearance: Tlp::Clear,
        password_hash: hash(),
    };
    s.add_user(&admin, "2026-01-01T00:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let st = state(s, false);
    let url = format!("/api1/collections/{cid}/objects/");
    let v = "2021-01-01T00:00:00.000Z";
    let mut bad = indicator(3, Tlp::Red, v);
    bad["created"] = json!("yesterday");
    let objs = [indicator(1, Tlp::Clear, v), indicator(2, Tlp::Red, v), bad];
    let posted = call(&st, "POST", &url, Some("u-red"), envelope(&objs)).await;
    assert_eq!(
        (
            posted.json["success_count"].as_i64(),
            posted.json["failure_count"].as_i64()
        ),
        (Some(2), Some(1)),
        "{}",
        posted.text
    );
    let sid = posted.json["id"].as_str().unwrap_or("").to_owned();
    let status_url = format!("/api1/status/{sid}/");
    let own = get_as(&st, &status_url, Some("u-red")).await;
    assert_eq!(own.json["total_count"], 3, "{}", own.text);
    let seen = get_as(&st, &status_url, Some("admin-clear")).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert!(seen.text.contains(&id(1)));
    assert!(
        !seen.text.contains(&id(2)) && !seen.text.contains(&id(3)),
        "{}",
        seen.text
    );
    assert_eq!(
        (
            seen.json["total_count"].as_i64(),
            seen.json["success_count"].as_i64(),
            seen.json["failure_count"].as_i64(),
            seen.json["pending_count"].as_i64()
        ),
        (Some(1), Some(1), Some(0), Some(0))
    );
    // Neither poster nor admin: no such status.
    let other = get_as(&st, &status_url, Some("u-green")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

/// Finding 15 (TAXII part): counts did not add up for nested arrays and
/// bundles, and failure texts spoke of the command line.
#[tokio::test]
async fn status_counts_add_up_and_failures_speak_taxii() {
    let (s, cid) = store(&[]);
    let st = state(s, false);
    let url = format!("/api1/collections/{cid}/objects/");
    let v = "2021-01-01T00:00:00.000Z";
    let mut bad = indicator(5, Tlp::Clear, v);
    bad["created"] = json!("yesterday");
    let nested_bundle = json!({
        "type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
        "objects": [indicator(2, Tlp::Clear, v), indicator(3, Tlp::Clear, v)],
    });
    let objs = [
        indicator(1, Tlp::Clear, v),
        nested_bundle,
        json!([indicator(4, Tlp::Clear, v)]),
        bad,
        indicator(6, Tlp::Red, v),
    ];
    let r = call(&st, "POST", &url, Some("u-green"), envelope(&objs)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let n = |k: &str| r.json[k].as_i64().unwrap_or(-1);
    assert_eq!(n("total_count"), 5, "{}", r.text);
    assert_eq!(
        n("success_count") + n("failure_count") + n("pending_count"),
        5
    );
    assert_eq!(
        (n("success_count"), n("failure_count")),
        (1, 4),
        "{}",
        r.text
    );
    let failures = r.json["failures"].as_array().cloned().unwrap_or_default();
    assert_eq!(failures.len(), 4);
    for f in &failures {
        let m = f["message"].as_str().unwrap_or("");
        for cli in [
            "--partial",
            "partial import",
            "rejected whole",
            "bundle rejected",
        ] {
            assert!(!m.contains(cli), "CLI wording in {m:?}");
        }
    }
    let bad_msg = failures[2]["message"].as_str().unwrap_or("");
    assert!(bad_msg.contains("$.created"), "{bad_msg}");
    assert!(failures[3]["message"]
        .as_str()
        .unwrap_or("")
        .contains("above your clearance"));
    // Nothing of the nested entries was stored.
    let r = get_as(&st, &url, Some("u-red")).await;
    assert_eq!(objects_of(&r).len(), 1);
}

fn file_state(
    dir: &tempfile::TempDir,
    busy_wait: Duration,
) -> (AppState, String, std::path::PathBuf) {
    let path = dir.path().join("taxii.db");
    let mut s = Store::open(&path, ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    s.set_busy_timeout(busy_wait)
        .unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    let cid = first_collection(&s);
    let st = AppState::new(
        StorePool::single(s),
        ServerConfig {
            anonymous: false,
            ..ServerConfig::default()
        },
    );
    (st, cid, path)
}

fn count(conn: &rusqlite::Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Finding 8 (server side): a POST while another writer holds the store
/// failed with a bare 500; now it waits for the busy timeout and then
/// answers 503 with Retry-After as a TAXII error, having written nothing.
#[tokio::test]
async fn a_busy_store_answers_503_with_retry_after_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (st, cid, path) = file_state(&dir, Duration::from_millis(200));
    let url = format!("/api1/collections/{cid}/objects/");
    let other = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
    other
        .execute_batch("BEGIN IMMEDIATE")
        .unwrap_or_else(|e| panic!("{e}"));
    let objs = [indicator(1, Tlp::Clear, "2021-01-01T00:00:00.000Z")];
    let r = call(&st, "POST", &url, Some("u-red"), envelope(&objs)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert_eq!(r.json["http_status"], "503");
    assert!(r.json["description"]
        .as_str()
        .unwrap_or("")
        .contains("retry"));
    assert!(r.headers.contains_key("retry-after"));
    other
        .execute_batch("ROLLBACK")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (count(&other, "stix_objects"), count(&other, "taxii_status")),
        (0, 0)
    );
    let r = call(&st, "POST", &url, Some("u-red"), envelope(&objs)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(
        (count(&other, "stix_objects"), count(&other, "taxii_status")),
        (1, 1)
    );
}

/// Finding 9: the objects of an add and its status were separate commits,
/// so a failure (or a kill) between them left objects with no status. Here
/// the status write fails: the objects must not stay either.
#[tokio::test]
async fn a_failed_status_write_takes_its_objects_with_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (st, cid, path) = file_state(&dir, Duration::from_secs(5));
    let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(
        "CREATE TRIGGER no_status BEFORE INSERT ON taxii_status BEGIN SELECT RAISE(ABORT, 'status store failed'); END;",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let url = format!("/api1/collections/{cid}/objects/");
    let objs = [indicator(1, Tlp::Clear, "2021-01-01T00:00:00.000Z")];
    let r = call(&st, "POST", &url, Some("u-red"), envelope(&objs)).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.text);
    assert_eq!(
        count(&conn, "stix_objects"),
        0,
        "objects stored without their status"
    );
}
