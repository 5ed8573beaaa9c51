//! Test helpers shared by ascribe's crates.
//!
//! Tests that read `../shared` (seeds, real sensor logs, real STIX) call
//! [`shared_dir`]: on a user's clone without it they skip with a printed
//! reason; with `ASCRIBE_REQUIRE_SHARED=1` (as CI sets) they fail instead.

pub mod services;

use std::path::PathBuf;

/// The environment variable that turns a skip into a failure.
pub const REQUIRE_SHARED: &str = "ASCRIBE_REQUIRE_SHARED";

/// The `shared/` folder beside the repository, or `None` (after printing why)
/// when it is absent and not required.
///
/// # Panics
///
/// When the folder is absent and `ASCRIBE_REQUIRE_SHARED=1`: that is the point.
pub fn shared_dir() -> Option<PathBuf> {
    let root = workspace_root();
    let candidates = [
        std::env::var_os("ASCRIBE_SHARED").map(PathBuf::from),
        Some(root.join("../shared")),
    ];
    for dir in candidates.into_iter().flatten() {
        if dir.join("DESIGN.md").is_file() {
            return dir.canonicalize().ok().or(Some(dir));
        }
    }
    let required = std::env::var(REQUIRE_SHARED).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{REQUIRE_SHARED}=1 but ../shared (or $ASCRIBE_SHARED) was not found beside {}",
        root.display()
    );
    eprintln!("skipped: ../shared is absent (set ASCRIBE_SHARED to its path to run this test)");
    None
}

/// Skips a test whose tool or data is missing, saying what is missing and
/// how to get it; with `ASCRIBE_REQUIRE_SHARED=1` (as CI sets) the test
/// fails with that message instead.
///
/// # Panics
///
/// When `ASCRIBE_REQUIRE_SHARED=1`: that is the point.
pub fn skip(missing: &str) {
    let required = std::env::var(REQUIRE_SHARED).is_ok_and(|v| v == "1");
    assert!(!required, "{missing}");
    eprintln!("skipped: {missing}");
}

/// A STIX 2.1 indicator of the address `ip`, numbered `n` (its id ends in
/// `n`), with the fields of `extra` (markings) added.
pub fn stix_indicator(n: u8, ip: &str, extra: &serde_json::Value) -> serde_json::Value {
    let mut o = serde_json::json!({"type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-0000000000{n:02}"),
        "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
        "pattern": format!("[ipv4-addr:value = '{ip}']"), "pattern_type": "stix",
        "valid_from": "2020-01-01T00:00:00Z"});
    if let (Some(o), Some(e)) = (o.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    o
}

/// A STIX id with its UUID in upper-case hex, as the STIX schema allows
/// (ids are compared case-insensitively; the TLP tests post both forms).
pub fn upper_uuid(id: &str) -> String {
    match id.split_once("--") {
        Some((kind, uuid)) => format!("{kind}--{}", uuid.to_ascii_uppercase()),
        None => id.to_owned(),
    }
}

/// A file under `shared/`, or `None` when `shared/` is absent (see [`shared_dir`]).
///
/// # Panics
///
/// When `shared/` exists but the file does not: the test data moved.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    let dir = shared_dir()?;
    let path = dir.join(rel);
    assert!(path.exists(), "{} is missing from shared/", path.display());
    Some(path)
}

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(|p| p.parent())
        .map_or(here.clone(), PathBuf::from)
}

/// The environment variable that turns a skipped PostgreSQL test into a failure.
pub const REQUIRE_POSTGRES: &str = "ASCRIBE_REQUIRE_POSTGRES";

/// A PostgreSQL schema of its own for one test, created empty in the test
/// server's database and dropped (with everything in it) when this is
/// dropped, so tests run in parallel and leave nothing behind.
#[derive(Debug)]
pub struct PgSchema {
    base: String,
    name: String,
    url: String,
}

impl PgSchema {
    /// The URL a store opens: the test database, with this schema alone on
    /// the connection's search path.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server's URL without the schema (the test database as it is).
    pub fn base_url(&self) -> &str {
        &self.base
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let dropped = postgres::Client::connect(&self.base, postgres::NoTls).and_then(|mut c| {
            c.batch_execute(&format!(
                "SET synchronous_commit = off; DROP SCHEMA IF EXISTS {} CASCADE",
                self.name
            ))
        });
        // A drop cannot fail the test it ends; say what was left behind.
        if let Err(e) = dropped {
            eprintln!("could not drop test schema {}: {e}", self.name);
        }
    }
}

/// The test server: `ASCRIBE_TEST_POSTGRES` (a URL) if set, else the
/// machine's PostgreSQL at 127.0.0.1:5432 with trust auth, database `test`,
/// as user `postgres` or else `root`. Found once per test binary.
fn postgres_base() -> &'static Result<String, String> {
    static BASE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let candidates: Vec<String> = match std::env::var("ASCRIBE_TEST_POSTGRES") {
            Ok(url) => vec![url],
            Err(_) => ["postgres", "root"]
                .iter()
                .map(|user| format!("postgres://{user}@127.0.0.1:5432/test?connect_timeout=5"))
                .collect(),
        };
        let mut reasons = Vec::new();
        for url in candidates {
            match postgres::Client::connect(&url, postgres::NoTls) {
                Ok(_) => return Ok(url),
                Err(e) => reasons.push(format!("{url}: {e}")),
            }
        }
        Err(reasons.join("; "))
    })
}

/// A fresh, empty schema on the test server, or `None` (after printing
/// why) when the server cannot be reached and is not required.
///
/// # Panics
///
/// When the server cannot be reached and `ASCRIBE_REQUIRE_POSTGRES=1` (as CI
/// sets), or when it can but the schema cannot be created.
pub fn postgres_schema() -> Option<PgSchema> {
    let base = match postgres_base() {
        Ok(base) => base.clone(),
        Err(reason) => {
            let required = std::env::var(REQUIRE_POSTGRES).is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{REQUIRE_POSTGRES}=1 but PostgreSQL is not reachable: {reason}"
            );
            eprintln!("skipped: PostgreSQL is not reachable ({reason}); start it (README: PostgreSQL) or set ASCRIBE_TEST_POSTGRES");
            return None;
        }
    };
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is past 1970")
        .subsec_nanos();
    let name = format!("ascribe_test_{}_{n}_{nanos}", std::process::id());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to {base}: {e}"));
    admin
        .batch_execute(&format!(
            "SET synchronous_commit = off; CREATE SCHEMA {name}"
        ))
        .unwrap_or_else(|e| panic!("creating schema {name}: {e}"));
    // A test needs no durability: commits do not wait for the disk.
    let sep = if base.contains('?') { '&' } else { '?' };
    let url =
        format!("{base}{sep}options=-c%20search_path%3D{name}%20-c%20synchronous_commit%3Doff");
    Some(PgSchema { base, name, url })
}

/// `text` with each line folded at `width` characters, breaking at spaces
/// only (a no-break space holds two words together), as `fmt` and mail
/// clients fold prose; with `blank`, the lines of the input are separated
/// by a blank line. For the document reader's layout test and benchmark.
pub fn fold(text: &str, width: usize, blank: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width.max(1) + 1);
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        let mut col = 0;
        for w in line.split(' ').filter(|w| !w.is_empty()) {
            let n = w.chars().count();
            if col > 0 && col + 1 + n > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(w);
            col += n;
        }
    }
    out
}
