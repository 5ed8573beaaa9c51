//! The `ascribe` binary on PostgreSQL (`--db postgres://…`, `ASCRIBE_DB`):
//! the same commands print the same bytes as on a SQLite file. Each test
//! has a schema of its own on the test server; skipped with a printed
//! reason when PostgreSQL is absent (failed under ASCRIBE_REQUIRE_POSTGRES=1).

mod common;

use std::path::Path;

use common::{ascribe, command, example, run, stderr, stdout};

/// The example imported, then the commands that read it back, on a SQLite
/// file and on PostgreSQL: byte-identical output.
#[test]
fn the_example_reads_back_from_postgres_byte_for_byte_as_from_sqlite() {
    let Some(schema) = ascribe_testutil::postgres_schema() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sqlite = dir.path().join("a.db");
    let pg = Path::new(schema.url());
    let example = example();
    let example = example.to_str().expect("a UTF-8 path");
    for db in [sqlite.as_path(), pg] {
        let o = ascribe(db, &["case", "import", example]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stderr(&o).contains("imported vaccine-research-2020"));
    }
    // The writes of the other sources, each run on both: the same exit
    // code and the same standard output.
    let root = common::root();
    let ex = |p: &str| root.join("examples").join(p).display().to_string();
    let writes: &[(&[&str], i32)] = &[
        (&["docs", "ingest", "--format", "json", &ex("docs")], 0),
        (
            &[
                "telemetry",
                "ingest",
                &ex("telemetry/eve-sample.json.gz"),
                "--indicators",
                &ex("telemetry/indicators.csv"),
                "--no-geo",
                "--event-types",
                "alert,dns,http,tls",
                "--incident",
                "vaccine-research-2020",
            ],
            0,
        ),
        (
            &[
                "device",
                "vet",
                &ex("devices/jc_holtek-keyboard_04d9-4545.lsusb-v.txt"),
                "--claim",
                "flash-drive",
                "--incident",
                "vaccine-research-2020",
            ],
            1,
        ),
    ];
    for (args, code) in writes {
        let on = |db: &Path| {
            let o = ascribe(db, args);
            assert_eq!(o.status.code(), Some(*code), "{args:?}: {}", stderr(&o));
            o.stdout
        };
        let (a, b) = (on(&sqlite), on(pg));
        assert!(
            a == b,
            "{args:?} differs:\nSQLite:\n{}\nPostgreSQL:\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
    let commands: &[&[&str]] = &[
        &["assess", "vaccine-research-2020"],
        &["assess", "vaccine-research-2020", "--format", "json"],
        &["claims"],
        &["claims", "--speaker", "kremlin"],
        &["stix", "export", "vaccine-research-2020", "--tlp", "amber"],
    ];
    for args in commands {
        let on = |db: &Path| {
            let o = run(command(db, args).env("SOURCE_DATE_EPOCH", "1600000000"));
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            o.stdout
        };
        let (a, b) = (on(&sqlite), on(pg));
        assert!(!a.is_empty(), "{args:?} printed nothing");
        assert!(
            a == b,
            "{args:?} differs:\nSQLite:\n{}\nPostgreSQL:\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
    // ASCRIBE_DB names the database as --db does.
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_ascribe"));
    c.args(["case", "list"]).env("ASCRIBE_DB", schema.url());
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    common::assert_contains(&stdout(&o), "vaccine-research-2020");
}

/// A server that cannot be reached is a clear error naming it, with no
/// password in it, and exit 2; no PostgreSQL is needed for this.
#[test]
fn an_unreachable_server_is_named_without_its_password() {
    let db = Path::new("postgres://ana:secret@127.0.0.1:1/test");
    let o = ascribe(db, &["case", "list"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("127.0.0.1 port 1"), "{err}");
    assert!(err.contains("database test"), "{err}");
    assert!(!err.contains("secret"), "{err}");
}

/// `ascribe serve` on PostgreSQL: the TAXII server answers from it.
#[test]
fn serve_answers_from_postgres() {
    use std::io::{BufRead, Read, Write};
    let Some(schema) = ascribe_testutil::postgres_schema() else {
        return;
    };
    let mut child = command(
        Path::new(schema.url()),
        &["serve", "--listen", "127.0.0.1:0"],
    )
    .env("RUST_LOG", "info")
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap_or_else(|e| panic!("{e}"));
    let err = child.stderr.take().expect("a piped stderr");
    // The log is read to its end in a thread of its own, so the server
    // never writes to a closed pipe; the address comes from its first lines.
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if let Some((_, rest)) = line.split_once("http://") {
                if let Some((addr, _)) = rest.split_once('/') {
                    // The receiver may be gone (the test failed): nothing to tell.
                    let _ = tx.send(addr.to_owned());
                }
            }
        }
    });
    let addr = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("no address from ascribe serve: {e}"));
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{e}"));
    tcp.write_all(
        b"GET /api1/collections/ HTTP/1.1\r\nHost: x\r\nAccept: application/taxii+json;version=2.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    tcp.read_to_string(&mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    child.wait().unwrap_or_else(|e| panic!("{e}"));
    reader.join().expect("the log reader does not panic");
    assert!(out.starts_with("HTTP/1.1 200 "), "{out}");
    assert!(out.contains("ascribe intelligence"), "{out}");
}
