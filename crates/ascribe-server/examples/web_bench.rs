//! Benchmark of the analyst's pages: server time (p50, p95) and HTML size of
//! the incident page and of the incidents list, at 1x, 10x and 100x sizes,
//! through the composed router (no socket: the time is the server's), on a
//! SQLite file, signed in as a reader cleared to TLP:RED (who sees every item).
//!
//! Sizes: the incident page for a synthetic case of 100/1,000/10,000 evidence
//! items and 10/100/1,000 claims; the list for 100/1,000/10,000 incidents of
//! 5 items each. The list's first request computes every incident's digest
//! (an assessment each) and is reported apart ("cold"); later requests read
//! the digests kept for unchanged incidents.
//!
//! usage: cargo run --release -p ascribe-server --example web_bench [-- --runs N --max-scale 1|10|100]

use std::time::{Duration, Instant};

// The claims are the ones the page tests use.
#[path = "../tests/common/mod.rs"]
mod common;

use ascribe_model::{Case, Claim, ClaimKind, Tlp};
use ascribe_server::{app, auth, AppState, ServerConfig, StorePool};
use ascribe_store::{Role, Store, UserRecord};
use axum::body::Body;
use axum::http::{header, Request};
use tower::ServiceExt;

const USER: &str = "bench";
const PASSWORD: &str = "bench-password-1";

fn claims(n: usize) -> Vec<Claim> {
    (0..n)
        .map(|i| {
            let kind = match i % 4 {
                0 | 1 => ClaimKind::Accusation,
                2 => ClaimKind::Denial,
                _ => ClaimKind::AttributionStatement,
            };
            let date = format!("2020-{:02}-{:02}", 1 + (i / 28) % 12, 1 + i % 28);
            let tlp = if i % 3 == 0 { Tlp::Clear } else { Tlp::Amber };
            let quote = format!("statement number {i} about the operation");
            Claim {
                speaker: Some(format!("speaker {}", i % 37)),
                ..common::claim(&format!("c{i:05}"), kind, &date, tlp, &quote)
            }
        })
        .collect()
}

fn case(items: usize, n_claims: usize, seed: u64, id: &str) -> Case {
    let mut c = ascribe_assess::synth::case(items, seed);
    c.incident.id = id.to_owned();
    c.claims = claims(n_claims);
    c
}

struct Client {
    state: AppState,
    cookie: String,
}

async fn send(st: &AppState, req: Request<Body>) -> (u16, Vec<u8>, Vec<String>) {
    let resp = app(st.clone())
        .oneshot(req)
        .await
        .unwrap_or_else(|e| match e {});
    let status = resp.status().as_u16();
    let cookies = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
        .collect();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("the body is read")
        .to_vec();
    (status, body, cookies)
}

async fn sign_in(state: AppState) -> Client {
    let (_, form, cookies) = send(
        &state,
        Request::get("/login")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    let form = String::from_utf8_lossy(&form);
    let at = form.find(r#"name="csrf" value=""#).expect("a CSRF field") + 19;
    let csrf = &form[at..at + form[at..].find('"').expect("a quote")];
    let req = Request::post("/login")
        .header(header::COOKIE, cookies.join("; "))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={csrf}&name={USER}&password={PASSWORD}"
        )))
        .expect("a request");
    let (status, _, cookies) = send(&state, req).await;
    assert_eq!(status, 303, "signed in");
    let cookie = cookies
        .into_iter()
        .find(|c| c.starts_with("ascribe_session="))
        .expect("a session cookie");
    Client { state, cookie }
}

/// Times `runs` requests of `uri`: (first, p50, p95, bytes).
async fn time(c: &Client, uri: &str, runs: usize) -> (Duration, Duration, Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    let mut first = Duration::ZERO;
    for i in 0..=runs {
        let req = Request::get(uri)
            .header(header::COOKIE, &c.cookie)
            .body(Body::empty())
            .expect("a request");
        let t = Instant::now();
        let (status, body, _) = send(&c.state, req).await;
        let d = t.elapsed();
        assert_eq!(status, 200, "{uri}: {}", String::from_utf8_lossy(&body));
        size = body.len();
        if i == 0 {
            first = d;
        } else {
            times.push(d);
        }
    }
    times.sort();
    let q = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    (first, q(0.50), q(0.95), size)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn open(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, Store) {
    let path = dir.join(name);
    let mut s = Store::open(&path, ascribe_app::SystemClock).expect("the bench database opens");
    s.add_user(
        &UserRecord {
            name: USER.to_owned(),
            role: Role::Reader,
            clearance: Tlp::Red,
            password_hash: auth::hash_password(PASSWORD).expect("a hash"),
        },
        "2026-01-01T00:00:00Z",
    )
    .expect("the user is added");
    (path, s)
}

fn state(path: &std::path::Path) -> AppState {
    AppState::new(
        StorePool::open(path, 4, ascribe_app::SystemClock).expect("the pool opens"),
        ServerConfig::default(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| {
                v.parse().unwrap_or_else(|e| panic!("{name} {v:?}: {e}"))
            })
    };
    let runs = opt("--runs", 40);
    let max_scale = opt("--max-scale", 100);
    let dir = std::env::temp_dir().join(format!("ascribe-web-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!("web_bench: {runs} timed requests after one first request; server time through the router, body included");
    println!();
    println!("incident page (/incidents/ID, 50 rows per table page)");
    println!(
        "{:>7} {:>7} {:>7} {:>10} {:>9} {:>9} {:>12} {:>10}",
        "scale", "items", "claims", "first ms", "p50 ms", "p95 ms", "p95 µs/item", "HTML KB"
    );
    for scale in [1usize, 10, 100].into_iter().filter(|s| *s <= max_scale) {
        let (items, n_claims) = (100 * scale, 10 * scale);
        let (path, mut s) = open(&dir, &format!("incident-{scale}.db"));
        s.save_case(&case(items, n_claims, 7, "big"), None)
            .expect("the case is saved");
        drop(s);
        let (first, p50, p95, size) = rt.block_on(async {
            let c = sign_in(state(&path)).await;
            time(&c, "/incidents/big", runs).await
        });
        println!(
            "{:>6}x {:>7} {:>7} {:>10.1} {:>9.1} {:>9.1} {:>12.2} {:>10.1}",
            scale,
            items,
            n_claims,
            ms(first),
            ms(p50),
            ms(p95),
            p95.as_secs_f64() * 1e6 / items as f64,
            size as f64 / 1024.0
        );
    }
    println!();
    println!("incidents list (/incidents, 50 rows per page; each incident 5 items, 2 claims)");
    println!(
        "{:>7} {:>9} {:>12} {:>9} {:>9} {:>16} {:>10}",
        "scale", "incidents", "cold ms", "p50 ms", "p95 ms", "p95 µs/incident", "HTML KB"
    );
    for scale in [1usize, 10, 100].into_iter().filter(|s| *s <= max_scale) {
        let n = 100 * scale;
        let (path, s) = open(&dir, &format!("list-{scale}.db"));
        let cases: Vec<Case> = (0..n)
            .map(|i| case(5, 2, i as u64, &format!("inc-{i:05}")))
            .collect();
        let refs: Vec<(&Case, Option<&str>)> = cases.iter().map(|c| (c, None)).collect();
        s.save_cases(&refs).expect("the cases are saved");
        drop(s);
        let (cold, p50, p95, size) = rt.block_on(async {
            let c = sign_in(state(&path)).await;
            time(&c, "/incidents?sort=probability&dir=desc&page=3", runs).await
        });
        println!(
            "{:>6}x {:>9} {:>12.1} {:>9.1} {:>9.1} {:>16.2} {:>10.1}",
            scale,
            n,
            ms(cold),
            ms(p50),
            ms(p95),
            p95.as_secs_f64() * 1e6 / n as f64,
            size as f64 / 1024.0
        );
    }
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        eprintln!("could not remove {}: {e}", dir.display());
    }
}
