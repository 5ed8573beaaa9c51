//! The one harness of the `ascribe` binary's integration tests: where the
//! repository is, how the binary is run (with the environment variables that
//! would change its answers removed, so a developer's shell cannot), and how
//! its output is read. Each test file says `mod common;`.

#![allow(dead_code)] // Each test binary uses part of it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example case.
pub fn example() -> PathBuf {
    root().join("examples/vaccine-research-2020.toml")
}

/// `ascribe --db DB ARGS...`, not yet run. Variables that change results
/// (a config file, a geolocation folder, a fixed clock, the chunk size) are
/// removed; a test that wants one sets it on the returned command.
pub fn command(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ascribe"));
    c.arg("--db").arg(db).args(args);
    for var in [
        "ASCRIBE_CONFIG",
        "ASCRIBE_GEO",
        "SOURCE_DATE_EPOCH",
        "ASCRIBE_CHUNK_KB",
        "ASCRIBE_BUSY_TIMEOUT_MS",
    ] {
        c.env_remove(var);
    }
    c
}

/// Runs `ascribe --db DB ARGS...` to the end.
pub fn ascribe(db: &Path, args: &[&str]) -> Output {
    run(&mut command(db, args))
}

/// Runs `ascribe` with these environment variables and, if given, this standard input.
pub fn ascribe_with(
    db: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
) -> Output {
    let mut c = command(db, args);
    c.envs(env.iter().copied());
    match stdin {
        None => run(&mut c),
        Some(bytes) => run_with_stdin(&mut c, bytes),
    }
}

/// Runs a command to the end.
pub fn run(c: &mut Command) -> Output {
    c.output()
        .unwrap_or_else(|e| panic!("running ascribe: {e}"))
}

/// Runs a command with `bytes` on its standard input.
pub fn run_with_stdin(c: &mut Command, bytes: &[u8]) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running ascribe: {e}"));
    if let Some(mut w) = child.stdin.take() {
        w.write_all(bytes)
            .unwrap_or_else(|e| panic!("writing ascribe's standard input: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for ascribe: {e}"))
}

/// Bytes of output as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A run's standard output as text.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// A run's standard error as text.
pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}
