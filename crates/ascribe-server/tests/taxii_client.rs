//! The OASIS taxii2-client (Python) against the server on a real loopback
//! socket: list collections, add objects, page through objects and the
//! manifest, fetch one object; and it never sees objects above its user's
//! clearance.

mod common;

use std::process::Command;

use ascribe_model::Tlp;
use ascribe_server::{AppState, ServerConfig, StorePool};
use ascribe_store::Store;
use common::*;
use serde_json::{json, Value};

fn python_with_taxii2client() -> Option<String> {
    for py in ["python3", "python"] {
        let ok = Command::new(py)
            .args(["-c", "import taxii2client"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py.to_owned());
        }
    }
    None
}

#[test]
fn taxii2_client_lists_adds_and_pages() {
    let Some(py) = python_with_taxii2client() else {
        ascribe_testutil::skip("taxii2-client is not installed (run scripts/setup-stix.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("taxii.db");
    {
        let mut s = Store::open(&db, ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
        add_users(&mut s);
    }
    let pool = StorePool::open(&db, 2, ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    let state = AppState::new(pool, ServerConfig::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    rt.spawn(ascribe_server::serve(listener, state));

    // 30 indicators, 6 at each marking; the user is cleared to AMBER.
    let objects: Vec<Value> = (0..30)
        .map(|n| indicator(n, Tlp::ALL[n % 5], "2024-03-01T00:00:00.000Z"))
        .collect();
    let env_path = dir.path().join("envelope.json");
    std::fs::write(&env_path, json!({ "objects": objects }).to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/taxii_client.py");
    let out = Command::new(&py)
        .arg(script)
        .arg(format!("http://{addr}/taxii2/"))
        .arg("u-amber")
        .arg(PASSWORD)
        .arg(&env_path)
        .arg("7")
        .output()
        .unwrap_or_else(|e| panic!("running {py}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "taxii2-client script failed:\n{stderr}"
    );
    let seen: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(
        seen["collections"],
        json!(["ascribe assessments", "ascribe intelligence"])
    );
    assert_eq!(seen["can_write"], true);
    assert_eq!(seen["status"], "complete");
    // An AMBER-cleared writer may add only what it can read: the 12 objects
    // marked AMBER+STRICT or RED are refused (each named in the status).
    assert_eq!(
        (
            seen["success_count"].as_i64(),
            seen["failure_count"].as_i64()
        ),
        (Some(18), Some(12))
    );
    // CLEAR, GREEN and AMBER: 18 of the 30, in pages of 7.
    let ids: Vec<String> = seen["ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 18, "{seen}");
    assert_eq!(seen["pages"], 3);
    assert_eq!(seen["manifest_ids"].as_array().map(Vec::len), Some(18));
    for (n, id) in (0..30).map(|n| (n, format!("indicator--00000000-0000-4000-8000-{n:012}"))) {
        assert_eq!(ids.contains(&id), Tlp::ALL[n % 5] <= Tlp::Amber, "{id}");
    }
    assert_eq!(seen["by_id"].as_array().map(Vec::len), Some(1));
    assert_eq!(seen["indicators"], 18);
    rt.shutdown_background();
}
