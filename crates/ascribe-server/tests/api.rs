//! The TAXII endpoints through the router, one request at a time.

mod common;

use ascribe_model::Tlp;
use ascribe_store::Store;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn setup(anonymous: bool) -> (ascribe_server::AppState, String) {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    let mut objs = Vec::new();
    for (n, t) in Tlp::ALL.into_iter().enumerate() {
        objs.push((indicator(n, t, "2021-01-01T00:00:00.000Z"), t));
    }
    // Object 0 has a second, RED version: a clear reader's "last" is the clear one.
    objs.push((indicator(0, Tlp::Red, "2022-01-01T00:00:00.000Z"), Tlp::Red));
    add_objects(&mut s, &objs);
    let cid = first_collection(&s);
    (state(s, anonymous), cid)
}

fn ids(v: &Value) -> Vec<String> {
    v["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn discovery_root_and_collections() {
    let (st, cid) = setup(true);
    let r = get_as(&st, "/taxii2/", Some("u-green")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], TAXII);
    assert!(r.json["api_roots"][0]
        .as_str()
        .is_some_and(|s| s.ends_with("/api1/")));
    let r = get_as(&st, "/api1/", Some("u-green")).await;
    assert_eq!(r.json["versions"][0], TAXII);
    assert_eq!(r.json["max_content_length"], 64 * 1024);
    let r = get_as(&st, "/api1/collections/", Some("reader")).await;
    let c = &r.json["collections"][0];
    assert_eq!(
        (
            c["id"].as_str(),
            c["can_read"].as_bool(),
            c["can_write"].as_bool()
        ),
        (Some(cid.as_str()), Some(true), Some(false))
    );
    let r = get_as(&st, &format!("/api1/collections/{cid}/"), None).await;
    assert_eq!(
        (r.json["can_read"].as_bool(), r.json["can_write"].as_bool()),
        (Some(true), Some(false))
    );
}

#[tokio::test]
async fn objects_are_filtered_by_clearance_and_paged() {
    let (st, cid) = setup(true);
    let url = format!("/api1/collections/{cid}/objects/");
    let anon = get_as(&st, &url, None).await;
    assert_eq!(ids(&anon.json).len(), 1, "{}", anon.text);
    assert!(anon.text.contains("tok0-clear") && !anon.text.contains("red"));
    let amber = get_as(&st, &url, Some("u-amber")).await;
    assert_eq!(ids(&amber.json).len(), 3);
    assert!(amber.headers.contains_key("x-taxii-date-added-first"));
    assert!(amber.headers.contains_key("x-taxii-date-added-last"));
    let red = get_as(&st, &url, Some("u-red")).await;
    // Five objects; object 0's last version is the RED one.
    assert_eq!(ids(&red.json).len(), 5);
    assert!(red.text.contains("2022-01-01"));
    // Paging: two at a time, following `next`.
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10 {
        let u = match &next {
            Some(n) => format!("{url}?limit=2&next={n}"),
            None => format!("{url}?limit=2"),
        };
        let r = get_as(&st, &u, Some("u-red")).await;
        seen.extend(ids(&r.json));
        if r.json["more"] != json!(true) {
            break;
        }
        next = r.json["next"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ids(&red.json));
    // Filters.
    let r = get_as(&st, &format!("{url}?match[version]=all"), Some("u-red")).await;
    assert_eq!(ids(&r.json).len(), 6);
    let r = get_as(&st, &format!("{url}?match[version]=all"), Some("u-clear")).await;
    assert_eq!(ids(&r.json).len(), 1);
    let r = get_as(&st, &format!("{url}?match[type]=malware"), Some("u-red")).await;
    assert_eq!(ids(&r.json).len(), 0);
    let r = get_as(
        &st,
        &format!("{url}?match[id]=indicator--00000000-0000-4000-8000-000000000004"),
        Some("u-amber"),
    )
    .await;
    assert_eq!(
        ids(&r.json).len(),
        0,
        "a RED object is invisible to AMBER even by id"
    );
    let r = get_as(
        &st,
        &format!("{url}?match[spec_version]=2.1&added_after=2025-01-01T00:00:00Z"),
        Some("u-green"),
    )
    .await;
    assert_eq!(ids(&r.json).len(), 2);
    let r = get_as(
        &st,
        &format!("{url}?added_after=2027-01-01T00:00:00Z"),
        Some("u-green"),
    )
    .await;
    assert_eq!(ids(&r.json).len(), 0);
}

#[tokio::test]
async fn object_versions_and_manifest_respect_clearance() {
    let (st, cid) = setup(true);
    let o0 = "indicator--00000000-0000-4000-8000-000000000000";
    let o4 = "indicator--00000000-0000-4000-8000-000000000004";
    let base = format!("/api1/collections/{cid}");
    let r = get_as(
        &st,
        &format!("{base}/objects/{o0}/versions/"),
        Some("u-clear"),
    )
    .await;
    assert_eq!(r.json["versions"], json!(["2021-01-01T00:00:00.000Z"]));
    let r = get_as(
        &st,
        &format!("{base}/objects/{o0}/versions/"),
        Some("u-red"),
    )
    .await;
    assert_eq!(r.json["versions"].as_array().map(Vec::len), Some(2));
    let r = get_as(
        &st,
        &format!("{base}/objects/{o4}/"),
        Some("u-amber+strict"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json["http_status"], "404");
    let r = get_as(&st, &format!("{base}/objects/{o4}/"), Some("u-red")).await;
    assert_eq!(ids(&r.json), [o4]);
    let r = get_as(&st, &format!("{base}/manifest/"), Some("u-green")).await;
    let m = r.json["objects"].as_array().cloned().unwrap_or_default();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["media_type"], "application/stix+json;version=2.1");
    assert!(m[0]["date_added"]
        .as_str()
        .is_some_and(|d| d.ends_with('Z')));
}

#[tokio::test]
async fn adding_objects_returns_a_status_and_rights_apply() {
    let (st, cid) = setup(true);
    let url = format!("/api1/collections/{cid}/objects/");
    let env = json!({"objects": [indicator(50, Tlp::Green, "2023-01-01T00:00:00Z"), {"type": "indicator", "id": "bad"}]});
    let r = post_as(&st, &url, Some("u-amber"), TAXII, env.to_string()).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(
        (
            r.json["success_count"].as_i64(),
            r.json["failure_count"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(r.json["status"], "complete");
    let sid = r.json["id"].as_str().unwrap_or("").to_owned();
    let s = get_as(&st, &format!("/api1/status/{sid}/"), Some("u-amber")).await;
    assert_eq!(s.json["total_count"], 2);
    // Someone else's status is not found.
    let s = get_as(&st, &format!("/api1/status/{sid}/"), Some("u-red")).await;
    assert_eq!(s.status, StatusCode::NOT_FOUND);
    // Posting the same object again is still one object.
    post_as(&st, &url, Some("u-amber"), TAXII, env.to_string()).await;
    let r = call(
        &st,
        "GET",
        &format!(
            "{url}?match[id]=indicator--00000000-0000-4000-8000-000000000050&match[version]=all"
        ),
        Some("u-amber"),
        None,
    )
    .await;
    assert_eq!(ids(&r.json).len(), 1);
    // A reader may not write; anonymous may not write; the wrong media type is refused.
    let r = post_as(&st, &url, Some("reader"), TAXII, env.to_string()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_as(&st, &url, None, TAXII, env.to_string()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = post_as(
        &st,
        &url,
        Some("u-amber"),
        "application/json",
        env.to_string(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = json!({"objects": [], "pad": "x".repeat(70 * 1024)});
    let r = post_as(&st, &url, Some("u-amber"), TAXII, big.to_string()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json["http_status"], "413");
}

#[tokio::test]
async fn errors_are_taxii_errors_without_internals() {
    let (st, cid) = setup(false);
    let cases = [
        (
            "GET",
            "/api1/collections/".to_owned(),
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "GET",
            "/api1/collections/".to_owned(),
            Some("nobody"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "GET",
            "/nowhere".to_owned(),
            Some("u-red"),
            StatusCode::NOT_FOUND,
        ),
        (
            "DELETE",
            "/api1/".to_owned(),
            Some("u-red"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "GET",
            "/api1/collections/no-such/objects/".to_owned(),
            Some("u-red"),
            StatusCode::NOT_FOUND,
        ),
        (
            "GET",
            format!("/api1/collections/{cid}/objects/?limit=-1"),
            Some("u-red"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "GET",
            format!("/api1/collections/{cid}/objects/?added_after=%ff"),
            Some("u-red"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "GET",
            format!("/api1/collections/{cid}/objects/%ff%fe/"),
            Some("u-red"),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (m, u, who, want) in cases {
        let r = call(&st, m, &u, who, None).await;
        assert_eq!(r.status, want, "{m} {u}: {}", r.text);
        assert_eq!(r.headers["content-type"], TAXII, "{m} {u}");
        assert_eq!(r.json["http_status"], want.as_str(), "{m} {u}: {}", r.text);
        for leak in ["panicked", "rusqlite", "src/", "sqlite", "stack", "thread"] {
            assert!(!r.text.to_lowercase().contains(leak), "{m} {u}: {}", r.text);
        }
    }
    let r = get_as(&st, "/api1/collections/", Some("u-red")).await;
    assert_eq!(r.status, StatusCode::OK);
    // Accept must admit TAXII.
    let req = axum::http::Request::builder()
        .uri("/taxii2/")
        .header("accept", "text/html")
        .header("authorization", basic("u-red"))
        .body(axum::body::Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    use tower::ServiceExt;
    let resp = ascribe_server::app(st.clone())
        .oneshot(req)
        .await
        .unwrap_or_else(|e| match e {});
    assert_eq!(resp.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn explicit_collection_rights_override_the_role() {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    add_objects(
        &mut s,
        &[(
            indicator(1, Tlp::Clear, "2021-01-01T00:00:00.000Z"),
            Tlp::Clear,
        )],
    );
    let colls = s.stix_collections().unwrap_or_default();
    let (intel, assessments) = (colls[0].id.clone(), colls[1].id.clone());
    s.set_collection_right("u-red", &intel, false, false)
        .unwrap_or_else(|e| panic!("{e}"));
    s.set_collection_right("u-red", &assessments, true, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let st = state(s, true);
    // No right at all: the collection is not listed and looks missing.
    let r = get_as(&st, "/api1/collections/", Some("u-red")).await;
    let listed: Vec<&str> = r.json["collections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(listed, [assessments.as_str()]);
    for path in [
        format!("/api1/collections/{intel}/"),
        format!("/api1/collections/{intel}/objects/"),
        format!("/api1/collections/{intel}/manifest/"),
    ] {
        let r = get_as(&st, &path, Some("u-red")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Read-only on a collection an analyst could otherwise write.
    let env = json!({"objects": [indicator(2, Tlp::Clear, "2021-01-01T00:00:00.000Z")]});
    let r = post_as(
        &st,
        &format!("/api1/collections/{assessments}/objects/"),
        Some("u-red"),
        TAXII,
        env.to_string(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another analyst keeps the role's rights.
    let r = get_as(
        &st,
        &format!("/api1/collections/{intel}/objects/"),
        Some("u-amber"),
    )
    .await;
    assert_eq!(ids(&r.json).len(), 1);
}
