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
    assert!(
        stdout(&o).contains("vaccine-research-2020"),
        "{}",
        stdout(&o)
    );
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
