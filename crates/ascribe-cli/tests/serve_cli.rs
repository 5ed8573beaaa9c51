//! `ascribe users grant|revoke` and `ascribe serve --tls-cert/--tls-key`
//! end to end through the binary, over real sockets.

mod common;

use common::{ascribe, text};

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;
use std::sync::Arc;

const PASSWORD: &str = "long enough password";

fn add_user(db: &Path, name: &str, role: &str) {
    let o = common::users_add(db, name, role, "red", PASSWORD);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// Kills the server when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        // The server never exits by itself; either way it is gone after this.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `ascribe serve` with `extra` arguments; the server and the
/// address from its start-up line (`scheme://ADDR/taxii2/`).
fn serve(db: &Path, scheme: &str, extra: &[&str]) -> (Server, String) {
    // Standard error is closed once the address is read: a log line the
    // server cannot write must not take a request down.
    let (child, _, addr) = common::serve(db, scheme, extra, &[("RUST_LOG", "info")]);
    (Server(child), addr)
}

fn basic(user: &str) -> String {
    use base64::Engine;
    let t = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{PASSWORD}"));
    format!("Basic {t}")
}

fn request(path: &str, user: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nAccept: application/taxii+json;version=2.1\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        basic(user)
    )
}

fn get(addr: &str, path: &str, user: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    s.write_all(request(path, user).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap_or_else(|e| panic!("{e}"));
    out
}

fn body(resp: &str) -> &str {
    resp.split("\r\n\r\n").nth(1).unwrap_or("")
}

#[test]
fn grant_and_revoke_change_what_the_server_shows() {
    let (_dir, db) = common::temp_db();
    add_user(&db, "rita", "reader");

    let o = ascribe(&db, &["users", "grant", "rita", "nope", "read"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("collection \"nope\": no collection with this id or alias"));
    let o = ascribe(&db, &["users", "grant", "bob", "intel", "read"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("user \"bob\": no such user"));
    let o = ascribe(&db, &["users", "grant", "rita", "intel", "admin"]);
    assert_eq!(o.status.code(), Some(2));
    common::assert_contains(&text(&o.stderr), "expected read, write or read,write");

    let o = ascribe(&db, &["users", "revoke", "rita", "intel"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no rights (hidden)"));

    let (_server, addr) = serve(&db, "http", &[]);
    // Revoked: exactly what a collection that does not exist looks like.
    let revoked = get(&addr, "/api1/collections/intel/", "rita");
    let missing = get(&addr, "/api1/collections/no-such-collection/", "rita");
    assert!(revoked.starts_with("HTTP/1.1 404 "), "{revoked}");
    assert_eq!(body(&revoked), body(&missing));
    let objects = get(&addr, "/api1/collections/intel/objects/", "rita");
    assert!(objects.starts_with("HTTP/1.1 404 "), "{objects}");
    let list = get(&addr, "/api1/collections/", "rita");
    assert!(
        !list.contains("ascribe intelligence") && list.contains("ascribe assessments"),
        "{list}"
    );

    // Granted while the server runs: rights are read per request.
    let o = ascribe(&db, &["users", "grant", "rita", "intel", "read"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = get(&addr, "/api1/collections/intel/", "rita");
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    assert!(
        r.contains("\"can_read\":true") && r.contains("\"can_write\":false"),
        "{r}"
    );
    let o = ascribe(
        &db,
        &[
            "users",
            "grant",
            "rita",
            "4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14",
            "read,write",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "by id: {}", text(&o.stderr));
    let r = get(&addr, "/api1/collections/intel/", "rita");
    assert!(r.contains("\"can_write\":true"), "{r}");
}

#[test]
fn serve_over_tls_and_name_bad_certificate_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let db = d.join("a.db");
    add_user(&db, "ana", "reader");
    let a = rcgen::generate_simple_self_signed(vec!["localhost".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let b = rcgen::generate_simple_self_signed(vec!["localhost".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let (cert, key, other) = (
        d.join("cert.pem"),
        d.join("key.pem"),
        d.join("other-key.pem"),
    );
    std::fs::write(&cert, a.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&key, a.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&other, b.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));
    let s = |p: &Path| p.to_str().unwrap_or("").to_owned();

    for (args, expect) in [
        (
            vec![
                "--tls-cert".to_owned(),
                s(&d.join("none.pem")),
                "--tls-key".into(),
                s(&key),
            ],
            "none.pem: No such file",
        ),
        (
            vec![
                "--tls-cert".to_owned(),
                s(&cert),
                "--tls-key".into(),
                s(&other),
            ],
            "other-key.pem: the private key does not belong to the certificate in",
        ),
        (
            vec![
                "--tls-cert".to_owned(),
                s(&key),
                "--tls-key".into(),
                s(&key),
            ],
            "key.pem: expected one or more PEM \"CERTIFICATE\" blocks",
        ),
        (vec!["--tls-cert".to_owned(), s(&cert)], "--tls-key"),
    ] {
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend(args.iter().map(String::as_str));
        let o = ascribe(&db, &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            text(&o.stderr).contains(expect),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }

    let (_server, addr) = serve(
        &db,
        "https",
        &["--tls-cert", &s(&cert), "--tls-key", &s(&key)],
    );
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(a.cert.der().clone())
        .unwrap_or_else(|e| panic!("{e}"));
    #[allow(deprecated)] // the ring provider, as the server uses
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name =
        rustls_pki_types::ServerName::try_from("localhost").unwrap_or_else(|e| panic!("{e}"));
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), name).unwrap_or_else(|e| panic!("{e}"));
    let mut tcp = TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{e}"));
    let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
    tls.write_all(request("/api1/collections/", "ana").as_bytes())
        .unwrap_or_else(|e| panic!("TLS request: {e}"));
    let mut out = Vec::new();
    // rustls reports the server's close without close_notify as an error
    // after the whole answer arrived; what arrived is what counts.
    let _ = tls.read_to_end(&mut out);
    let r = text(&out);
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    assert!(r.contains("ascribe intelligence"), "{r}");
}
