//! The server over real sockets: what hyper answers before the router
//! (414, overflowing Content-Length), media-type parameters, the
//! authentication back-off, and TLS with a real rustls client.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use ascribe_model::Tlp;
use ascribe_server::{AuthLimits, ServerConfig, StorePool};
use ascribe_store::Store;
use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

async fn start(limits: AuthLimits) -> (SocketAddr, String) {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    let cid = s.stix_collections().unwrap_or_else(|e| panic!("{e}"))[0]
        .id
        .clone();
    let st = ascribe_server::AppState::new(
        StorePool::single(s),
        ServerConfig {
            auth: limits,
            ..ServerConfig::default()
        },
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = l.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(ascribe_server::serve(l, st));
    (addr, cid)
}

/// Sends `req` whole and reads the answer to the end of the connection.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, req: &[u8]) -> String {
    s.write_all(req).await.unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    // The server may close while the request is still being sent; what it
    // answered is what counts.
    let _ = s.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// A request from the given loopback source address.
async fn raw_from(addr: SocketAddr, source: [u8; 4], req: &[u8]) -> String {
    let sock = TcpSocket::new_v4().unwrap_or_else(|e| panic!("{e}"));
    sock.bind((std::net::Ipv4Addr::from(source), 0).into())
        .unwrap_or_else(|e| panic!("{e}"));
    let s = sock.connect(addr).await.unwrap_or_else(|e| panic!("{e}"));
    exchange(s, req).await
}

async fn raw(addr: SocketAddr, req: &[u8]) -> String {
    let s = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(s, req).await
}

fn body_json(resp: &str) -> Value {
    let body = resp.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or(Value::Null)
}

fn header<'a>(resp: &'a str, name: &str) -> Option<&'a str> {
    resp.split("\r\n\r\n").next()?.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn get_req(path: &str, auth: Option<&str>) -> Vec<u8> {
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {TAXII}\r\n{auth}Connection: close\r\n\r\n")
        .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_hyper_refuses_get_taxii_error_bodies() {
    let (addr, _) = start(AuthLimits::default()).await;
    // A URI longer than hyper's 64 KiB limit.
    let long = format!(
        "GET /taxii2/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let r = raw(addr, long.as_bytes()).await;
    assert!(r.starts_with("HTTP/1.1 414 "), "{r}");
    assert_eq!(header(&r, "content-type"), Some(TAXII), "{r}");
    assert_eq!(body_json(&r)["http_status"], "414", "{r}");
    // A Content-Length no integer holds.
    let r = raw(
        addr,
        b"POST /api1/collections/x/objects/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 400 "), "{r}");
    assert_eq!(header(&r, "content-type"), Some(TAXII), "{r}");
    let v = body_json(&r);
    assert_eq!(v["http_status"], "400", "{r}");
    assert_eq!(
        header(&r, "content-length").and_then(|n| n.parse::<usize>().ok()),
        r.split("\r\n\r\n").nth(1).map(str::len)
    );
    // A normal request on the same server is untouched.
    let r = raw(addr, &get_req("/taxii2/", None)).await;
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    assert_eq!(body_json(&r)["default"], "http://x/api1/", "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_type_parameters_are_parsed() {
    let (addr, cid) = start(AuthLimits::default()).await;
    let post = |ct: &str, n: usize| {
        let env =
            json!({"objects": [indicator(n, Tlp::Clear, "2021-01-01T00:00:00.000Z")]}).to_string();
        format!(
            "POST /api1/collections/{cid}/objects/ HTTP/1.1\r\nHost: x\r\nAccept: {TAXII}\r\nAuthorization: {}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{env}",
            basic("u-red"),
            env.len()
        )
    };
    let r = raw(
        addr,
        post("application/taxii+json;version=2.1; charset=utf-8", 1).as_bytes(),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 202 "), "{r}");
    assert_eq!(body_json(&r)["success_count"], 1, "{r}");
    let r = raw(
        addr,
        post("Application/TAXII+JSON; charset=\"UTF-8\"", 2).as_bytes(),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 202 "), "{r}");
    let r = raw(
        addr,
        post("application/taxii+json;version=2.1; charset=iso-8859-1", 3).as_bytes(),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 415 "), "{r}");
    let v = body_json(&r);
    assert_eq!(v["http_status"], "415");
    assert!(
        v["description"]
            .as_str()
            .is_some_and(|d| d.contains("charset \"iso-8859-1\"") && d.contains("utf-8")),
        "{r}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_back_off_per_address_and_per_name() {
    let limits = AuthLimits {
        free_failures: 2,
        backoff_base: std::time::Duration::from_secs(30),
        refusal_delay: std::time::Duration::from_millis(10),
        ..AuthLimits::default()
    };
    let (addr, _) = start(limits).await;
    let wrong = |user: &str| {
        let t = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{user}:wrong password"),
        );
        format!("Basic {t}")
    };
    // A valid reader signs in first (and is then cached).
    let r = raw_from(
        addr,
        [127, 0, 0, 1],
        &get_req("/taxii2/", Some(&basic("u-red"))),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    // One address guessing distinct names: two failures, then 429 without hashing.
    for i in 0..2 {
        let r = raw_from(
            addr,
            [127, 0, 0, 1],
            &get_req("/taxii2/", Some(&wrong(&format!("guess{i}")))),
        )
        .await;
        assert!(r.starts_with("HTTP/1.1 401 "), "{r}");
    }
    let r = raw_from(
        addr,
        [127, 0, 0, 1],
        &get_req("/taxii2/", Some(&wrong("guess9"))),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 429 "), "{r}");
    assert_eq!(body_json(&r)["http_status"], "429");
    let after: u64 = header(&r, "retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=30).contains(&after), "{r}");
    // The cached reader on that same address is still served.
    let r = raw_from(
        addr,
        [127, 0, 0, 1],
        &get_req("/taxii2/", Some(&basic("u-red"))),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    // Another address is not held back...
    let r = raw_from(
        addr,
        [127, 0, 0, 2],
        &get_req("/taxii2/", Some(&basic("u-amber"))),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    // ...but one name guessed from many addresses is.
    for source in 3..5u8 {
        let r = raw_from(
            addr,
            [127, 0, 0, source],
            &get_req("/taxii2/", Some(&wrong("u-green"))),
        )
        .await;
        assert!(r.starts_with("HTTP/1.1 401 "), "{r}");
    }
    let r = raw_from(
        addr,
        [127, 0, 0, 6],
        &get_req("/taxii2/", Some(&basic("u-green"))),
    )
    .await;
    assert!(
        r.starts_with("HTTP/1.1 429 "),
        "even the right password waits: {r}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_a_real_rustls_client() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (cpath, kpath) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
    std::fs::write(&cpath, cert.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&kpath, cert.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));
    let tls = ascribe_server::load_tls(&cpath, &kpath).unwrap_or_else(|e| panic!("{e}"));

    let mut s = Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
    add_users(&mut s);
    let st = state(s, false);
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = l.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(ascribe_server::serve_tls(l, tls, st));

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(cert.cert.der().clone())
        .unwrap_or_else(|e| panic!("{e}"));
    #[allow(deprecated)] // the ring provider; see src/tls.rs
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let https = |req: Vec<u8>| {
        let connector = connector.clone();
        async move {
            let tcp = TcpStream::connect(addr)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let name = rustls_pki_types::ServerName::try_from("localhost")
                .unwrap_or_else(|e| panic!("{e}"));
            let tls = connector
                .connect(name, tcp)
                .await
                .unwrap_or_else(|e| panic!("handshake: {e}"));
            exchange(tls, &req).await
        }
    };
    let r = https(get_req("/api1/collections/", Some(&basic("u-red")))).await;
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    assert!(r.contains("ascribe intelligence"), "{r}");
    let r = https(get_req("/taxii2/", None)).await;
    assert!(
        r.starts_with("HTTP/1.1 401 "),
        "anonymous refused over TLS too: {r}"
    );
    // Plain HTTP to the TLS port gets no HTTP answer, and the server goes on.
    let r = raw(addr, &get_req("/taxii2/", None)).await;
    assert!(!r.starts_with("HTTP/1.1"), "{r}");
    let r = https(get_req("/taxii2/", Some(&basic("u-clear")))).await;
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    assert_eq!(body_json(&r)["default"], "https://x/api1/", "{r}");
}
