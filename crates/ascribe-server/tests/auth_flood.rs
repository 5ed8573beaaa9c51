//! Finding 12: a flood of wrong passwords from 16 clients must neither grow
//! the server's memory (each Argon2id verification fills 19 MiB; unbounded,
//! 16 at once passed 256 MB) nor starve readers with valid credentials.
//! Runs the `auth-flood-bench` binary briefly (the server is its own
//! process, so its peak RSS is its own); the bench prints the 2x p99 figure,
//! here the timing bound is generous so a loaded machine does not fail it.

use std::collections::HashMap;
use std::process::Command;

#[test]
fn a_bad_password_flood_stays_under_256_mb_and_readers_are_served() {
    let out = Command::new(env!("CARGO_BIN_EXE_auth-flood-bench"))
        .args(["--clients", "16", "--sources", "16", "--flood-secs", "3"])
        .args(["--readers", "2", "--reader-requests", "100"])
        .output()
        .unwrap_or_else(|e| panic!("running auth-flood-bench: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "auth-flood-bench failed");
    let result: HashMap<&str, f64> = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT line in {text}"))
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k, v.parse().unwrap_or(f64::NAN)))
        .collect();
    let get = |k: &str| *result.get(k).unwrap_or_else(|| panic!("no {k} in {text}"));
    assert!(
        get("peak_rss_mb") < 256.0,
        "server peak RSS {} MB",
        get("peak_rss_mb")
    );
    assert_eq!(
        get("reader_failed"),
        0.0,
        "every reader request answered 200"
    );
    // 100 quiet requests, then reading throughout the 3 s flood.
    assert!(
        get("reader_ok") > 150.0,
        "readers starved: {}",
        get("reader_ok")
    );
    assert!(
        get("flood_p99_ms") < 2000.0,
        "reader p99 under the flood: {} ms",
        get("flood_p99_ms")
    );
    let flood = get("flood_requests");
    assert!(flood >= 16.0, "the flood ran");
    assert_eq!(
        get("flood_401") + get("flood_429") + get("flood_503"),
        flood,
        "every guess answered 401, 429 or 503"
    );
}
