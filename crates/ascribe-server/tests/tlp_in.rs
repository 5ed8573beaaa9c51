//! Issue 17, findings 1 and 2 over TAXII POST: an upper-case TLP:RED marking
//! id, and a custom TLP:RED definition in the same envelope or in an earlier
//! POST, keep the object from every reader below TLP:RED.

mod common;

use ascribe_model::Tlp;
use ascribe_store::Store;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

const CUSTOM: &str = "marking-definition--7a1b2c3d-0000-4000-8000-00000000beef";

use ascribe_testutil::upper_uuid as upper;

fn custom_red() -> Value {
    json!({"type": "marking-definition", "spec_version": "2.1", "id": CUSTOM,
           "created": "2020-01-01T00:00:00Z", "definition_type": "tlp", "definition": {"tlp": "red"}})
}

/// Indicator `n` with `refs` as its object markings.
fn marked(n: usize, refs: Value) -> Value {
    let mut o = indicator(n, Tlp::Clear, "2023-01-01T00:00:00.000Z");
    o["object_marking_refs"] = refs;
    o
}

async fn post(st: &ascribe_server::AppState, url: &str, objects: Vec<Value>) -> Value {
    let env = json!({ "objects": objects });
    let r = post_as(st, url, Some("u-red"), TAXII, env.to_string()).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.json["failure_count"].as_i64(), Some(0), "{}", r.text);
    r.json
}

async fn visible(st: &ascribe_server::AppState, url: &str, user: Option<&str>) -> Vec<String> {
    let r = get_as(st, url, user).await;
    r.json["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|o| o["type"] == "indicator")
                .map(|o| o["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn posted_red_markings_in_any_form_stay_hidden_below_red() {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    let cid = first_collection(&s);
    let st = state(s, true);
    let url = format!("/api1/collections/{cid}/objects/");

    // Finding 1: the standard TLP:RED id, upper case.
    post(
        &st,
        &url,
        vec![marked(1, json!([upper(Tlp::Red.stix_marking_id())]))],
    )
    .await;
    // Finding 2: a custom TLP:RED definition in the same envelope (entries
    // are imported one by one), referenced in upper case.
    post(
        &st,
        &url,
        vec![custom_red(), marked(2, json!([upper(CUSTOM)]))],
    )
    .await;
    // ... and referenced by a later POST that does not carry it.
    post(&st, &url, vec![marked(3, json!([CUSTOM]))]).await;
    // A ref nothing resolves: TLP:RED, and the status says why.
    let unknown = "marking-definition--99999999-0000-4000-8000-000000000000";
    let status = post(&st, &url, vec![marked(4, json!([unknown]))]).await;
    // A later envelope that redefines the stored TLP:RED definition as CLEAR
    // does not open its objects: two definitions that disagree fail closed.
    let mut clear_again = custom_red();
    clear_again["definition"] = json!({"tlp": "clear"});
    post(&st, &url, vec![clear_again, marked(6, json!([CUSTOM]))]).await;
    // A control: a CLEAR object is seen by everyone.
    post(
        &st,
        &url,
        vec![marked(5, json!([Tlp::Clear.stix_marking_id()]))],
    )
    .await;

    let hidden: Vec<String> = [1, 2, 3, 4, 6]
        .into_iter()
        .map(|n| format!("indicator--00000000-0000-4000-8000-{n:012}"))
        .collect();
    let control = "indicator--00000000-0000-4000-8000-000000000005".to_owned();
    for user in [
        None,
        Some("u-clear"),
        Some("u-green"),
        Some("u-amber"),
        Some("u-amber+strict"),
    ] {
        let got = visible(&st, &url, user).await;
        assert_eq!(got, std::slice::from_ref(&control), "{user:?} sees {got:?}");
    }
    let mut red = visible(&st, &url, Some("u-red")).await;
    red.sort();
    let mut want = hidden;
    want.push(control);
    want.sort();
    assert_eq!(red, want);
    assert!(
        status.to_string().contains(unknown),
        "the status names the ref: {status}"
    );
}
