//! The one harness of the `ascribe` binary's integration tests: where the
//! repository is, how the binary is run (with the environment variables that
//! would change its answers removed, so a developer's shell cannot), and how
//! its output is read. Each test file says `mod common;`.

#![allow(dead_code)] // Each test binary uses part of it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example case.
pub fn example() -> PathBuf {
    root().join("examples/vaccine-research-2020.toml")
}

/// A fresh temporary folder (removed when dropped) and the path of a
/// database in it (`a.db`) that does not exist yet.
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("a.db");
    (dir, db)
}

/// Writes `contents` to the file `name` in `dir`; its path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("the temporary folder is writable");
    path
}

/// [`temp_db`] with the file `name` holding `text` beside the database;
/// the file's path as an argument.
pub fn with_file(name: &str, text: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf, String) {
    let (dir, db) = temp_db();
    let path = write(dir.path(), name, text);
    let path = path.to_str().expect("temporary paths are UTF-8").to_owned();
    (dir, db, path)
}

/// A database in `dir` (`a.db`) with the example case imported.
pub fn example_db(dir: &Path) -> PathBuf {
    let db = dir.join("a.db");
    let o = ascribe(
        &db,
        &["case", "import", example().to_str().expect("a UTF-8 path")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    db
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

/// `ascribe users add NAME --role ROLE --clearance CLEARANCE --password-stdin`,
/// the password on standard input.
pub fn users_add(db: &Path, name: &str, role: &str, clearance: &str, password: &str) -> Output {
    let args = [
        "users",
        "add",
        name,
        "--role",
        role,
        "--clearance",
        clearance,
        "--password-stdin",
    ];
    ascribe_with(db, &args, &[], Some(format!("{password}\n").as_bytes()))
}

/// Starts `ascribe serve --listen 127.0.0.1:0 --no-anonymous EXTRA...` (with
/// `env` set) and reads its standard error up to the address of its start-up
/// line (`SCHEME://ADDR/taxii2/`), 30 s at most. Returns the server, the rest
/// of its standard error (the caller drains it, or drops it to close it) and
/// the address.
pub fn serve(
    db: &Path,
    scheme: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Child, ChildStderr, String) {
    let mut child = command(db, &["serve", "--listen", "127.0.0.1:0", "--no-anonymous"])
        .args(extra)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting ascribe serve: {e}"));
    match start_up_address(&mut child, scheme) {
        Ok((err, addr)) => (child, err, addr),
        Err(why) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{why}");
        }
    }
}

/// Reads a server's standard error up to the address of its start-up line.
fn start_up_address(child: &mut Child, scheme: &str) -> Result<(ChildStderr, String), String> {
    let mut err = child.stderr.take().ok_or("standard error is not piped")?;
    let start = Instant::now();
    let marker = format!("{scheme}://");
    let mut buf = Vec::new();
    loop {
        let mut b = [0u8; 256];
        let n = err
            .read(&mut b)
            .map_err(|e| format!("reading ascribe serve's standard error: {e}"))?;
        buf.extend_from_slice(&b[..n]);
        let t = text(&buf);
        let addr = t
            .split(&marker)
            .nth(1)
            .and_then(|rest| rest.split_once("/taxii2/"));
        if let Some((a, _)) = addr {
            return Ok((err, a.to_owned()));
        }
        if n == 0 || start.elapsed() > Duration::from_secs(30) {
            return Err(format!("no address in {t}"));
        }
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

/// Asserts that `text` contains `part`, showing the whole text when it does not.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} is not in:\n{text}");
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
