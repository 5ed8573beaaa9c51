//! Services a fault test owns, so it can kill and restart them: a nats-server with
//! JetStream over a temporary store, a PostgreSQL cluster initialised into a
//! temporary folder, and a TCP proxy that cuts connections on demand. Everything
//! listens on a free loopback port and is stopped and removed when dropped.
//!
//! The binaries are found on the machine (`nats-server` on the `PATH` or in
//! `/usr/sbin`, PostgreSQL's `initdb`/`pg_ctl`/`postgres` in `pg_config --bindir` or
//! Debian's `/usr/lib/postgresql/N/bin`; `ASCRIBE_NATS_SERVER` and `ASCRIBE_PG_BIN`
//! override). Where they are absent a test skips with the reason; with
//! `ASCRIBE_REQUIRE_SERVICES=1` (as CI sets) it fails instead.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The environment variable that turns a skipped service test into a failure.
pub const REQUIRE_SERVICES: &str = "ASCRIBE_REQUIRE_SERVICES";

/// `None` after printing why the test skips.
///
/// # Panics
///
/// Under `ASCRIBE_REQUIRE_SERVICES=1`: a required service that cannot start fails the test.
pub fn skip<T>(reason: &str) -> Option<T> {
    let required = std::env::var(REQUIRE_SERVICES).is_ok_and(|v| v == "1");
    assert!(!required, "{REQUIRE_SERVICES}=1 but {reason}");
    eprintln!("skipped: {reason}");
    None
}

/// A loopback port nothing listens on now (the OS picks it; another process could
/// take it before the caller binds it, which on a test machine does not happen).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding a loopback port")
}

/// A folder of its own under the system's temporary folder.
fn scratch(tag: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is past 1970")
        .subsec_nanos();
    let dir =
        std::env::temp_dir().join(format!("ascribe-{tag}-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

fn on_path(name: &str, also: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(also.iter().map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Waits until something accepts connections on the loopback port.
fn wait_listening(port: u16, within: Duration) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let t = Instant::now();
    while t.elapsed() < within {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| format!("(no log: {e})"));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// A nats-server with JetStream on a free loopback port, its store in a temporary
/// folder that outlives a kill, so a restart recovers the streams.
#[derive(Debug)]
pub struct NatsServer {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl NatsServer {
    /// Started and accepting clients, or `None` (after printing why) when there is no
    /// `nats-server` and it is not required.
    ///
    /// # Panics
    ///
    /// When the server does not start.
    pub fn start() -> Option<NatsServer> {
        let bin = match std::env::var_os("ASCRIBE_NATS_SERVER") {
            Some(p) if Path::new(&p).is_file() => PathBuf::from(p),
            Some(p) => {
                return skip(&format!(
                    "ASCRIBE_NATS_SERVER={} is not a file",
                    Path::new(&p).display()
                ))
            }
            None => match on_path("nats-server", &["/usr/sbin", "/usr/local/sbin"]) {
                Some(p) => p,
                None => {
                    return skip("nats-server is not installed (Debian: apt install nats-server)")
                }
            },
        };
        let mut s = NatsServer {
            bin,
            dir: scratch("nats"),
            port: free_port(),
            child: None,
        };
        s.restart();
        Some(s)
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// SIGKILL, then waits for the process to end.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL to nats-server");
            c.wait().expect("waiting for nats-server");
        }
    }

    /// Starts it again on the same port over the same store (killing it first if it runs).
    ///
    /// # Panics
    ///
    /// When it does not accept clients within 20 s.
    pub fn restart(&mut self) {
        self.kill();
        let log = self.dir.join("nats.log");
        let child = Command::new(&self.bin)
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(self.dir.join("js"))
            .arg("-l")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.bin.display()));
        self.child = Some(child);
        assert!(
            wait_listening(self.port, Duration::from_secs(20)),
            "nats-server did not listen on {} within 20 s:\n{}",
            self.port,
            tail(&log)
        );
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // Ending the test's own server; it may have exited already.
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whom PostgreSQL runs as: itself, or (when the test runs as root, which `initdb`
/// refuses) the `postgres` account.
#[derive(Debug, Clone, Copy)]
struct Account {
    uid: u32,
    gid: u32,
}

/// The effective user id, from the owner of a file this process creates.
fn euid(dir: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.join(".owner");
    std::fs::write(&probe, b"").expect("writing a probe file");
    let uid = std::fs::metadata(&probe)
        .expect("reading a probe file")
        .uid();
    std::fs::remove_file(&probe).expect("removing a probe file");
    uid
}

fn account(name: &str) -> Option<Account> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() > 3 && f[0] == name {
            Some(Account {
                uid: f[2].parse().ok()?,
                gid: f[3].parse().ok()?,
            })
        } else {
            None
        }
    })
}

fn pg_bin_dir() -> Result<PathBuf, String> {
    let has_all = |d: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| d.join(b).is_file())
    };
    if let Some(d) = std::env::var_os("ASCRIBE_PG_BIN") {
        let d = PathBuf::from(d);
        return if has_all(&d) {
            Ok(d)
        } else {
            Err(format!(
                "ASCRIBE_PG_BIN={} lacks initdb, pg_ctl or postgres",
                d.display()
            ))
        };
    }
    if let Some(d) = on_path("pg_ctl", &[]).and_then(|p| p.parent().map(Path::to_path_buf)) {
        if has_all(&d) {
            return Ok(d);
        }
    }
    if let Some(cfg) = on_path("pg_config", &[]) {
        if let Ok(out) = Command::new(cfg).arg("--bindir").output() {
            let d = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if out.status.success() && has_all(&d) {
                return Ok(d);
            }
        }
    }
    // Debian keeps them per major version.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has_all(d))
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, d)| d)
        .ok_or_else(|| "PostgreSQL's initdb, pg_ctl and postgres are not installed (Debian: apt install postgresql)".to_owned())
}

/// A PostgreSQL cluster of the test's own: `initdb` into a temporary folder, trust
/// authentication, listening on a free loopback port only.
#[derive(Debug)]
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    run_as: Option<Account>,
}

impl PgCluster {
    /// Initialised and running, or `None` (after printing why) when PostgreSQL is not
    /// installed and not required.
    ///
    /// # Panics
    ///
    /// When `initdb` or the start fails.
    pub fn start() -> Option<PgCluster> {
        let bin = match pg_bin_dir() {
            Ok(b) => b,
            Err(reason) => return skip(&reason),
        };
        let dir = scratch("pg");
        let run_as = if euid(&dir) == 0 {
            match account("postgres") {
                Some(a) => Some(a),
                None => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return skip(
                        "running as root and there is no postgres account to run initdb as",
                    );
                }
            }
        } else {
            None
        };
        if let Some(a) = run_as {
            std::os::unix::fs::chown(&dir, Some(a.uid), Some(a.gid))
                .unwrap_or_else(|e| panic!("handing {} to postgres: {e}", dir.display()));
        }
        let pg = PgCluster {
            bin,
            dir,
            port: free_port(),
            run_as,
        };
        let out = pg.run(
            "initdb",
            &[
                "-D",
                &pg.data().display().to_string(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        pg.start_again();
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        use std::os::unix::process::CommandExt;
        let mut c = Command::new(self.bin.join(program));
        c.args(args).current_dir(&self.dir).stdin(Stdio::null());
        if let Some(a) = self.run_as {
            c.uid(a.uid).gid(a.gid);
        }
        c.output()
            .unwrap_or_else(|e| panic!("running {program}: {e}"))
    }

    /// `postgres://postgres@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts the server (again) on its port and waits until it accepts connections.
    ///
    /// # Panics
    ///
    /// When it does not start within 30 s.
    pub fn start_again(&self) {
        // Durability against a process crash needs no fsync (the kernel keeps the
        // pages); a commit still waits for its WAL to be written.
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=40",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("pg.log");
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-l",
                &log.display().to_string(),
                "-o",
                &opts,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            tail(&log)
        );
    }

    /// `pg_ctl stop -m immediate`: every server process quits at once, no checkpoint,
    /// open transactions lost; the next start recovers from the WAL (as after a crash).
    ///
    /// # Panics
    ///
    /// When `pg_ctl` fails.
    pub fn stop_immediate(&self) {
        let out = self.stop("immediate");
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self, mode: &str) -> Output {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-m",
                mode,
                "-w",
                "stop",
            ],
        )
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Ending the test's own server; it may be stopped already.
        let _ = self.stop("immediate");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What the proxy's threads share.
#[derive(Debug)]
struct ProxyState {
    target: SocketAddr,
    /// Connections are refused until then.
    down_until: Mutex<Option<Instant>>,
    /// What clients send is read and thrown away until then.
    swallow_until: Mutex<Option<Instant>>,
    /// Both ends of every connection made, to cut them.
    open: Mutex<Vec<TcpStream>>,
    copiers: Mutex<Vec<JoinHandle<()>>>,
    stop: AtomicBool,
    accepted: AtomicU64,
}

/// A TCP proxy on a free loopback port to a loopback target, that cuts every open
/// connection and refuses new ones for a while when told ([`Proxy::cut`]).
#[derive(Debug)]
pub struct Proxy {
    port: u16,
    state: Arc<ProxyState>,
    accept: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listening, forwarding to `127.0.0.1:target_port`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub fn start(target_port: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the proxy's port");
        let port = listener.local_addr().expect("the proxy's address").port();
        let state = Arc::new(ProxyState {
            target: SocketAddr::from(([127, 0, 0, 1], target_port)),
            down_until: Mutex::new(None),
            swallow_until: Mutex::new(None),
            open: Mutex::new(Vec::new()),
            copiers: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
        });
        let s = Arc::clone(&state);
        let accept = std::thread::spawn(move || accept_loop(&listener, &s));
        Proxy {
            port,
            state,
            accept: Some(accept),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Connections forwarded so far.
    pub fn accepted(&self) -> u64 {
        self.state.accepted.load(Ordering::Relaxed)
    }

    /// Closes every open connection and refuses new ones (accepted, then closed at
    /// once) for `how_long`.
    pub fn cut(&self, how_long: Duration) {
        *self.state.down_until.lock().expect("proxy lock") = Some(Instant::now() + how_long);
        for s in self.state.open.lock().expect("proxy lock").drain(..) {
            // Either end may be closed already.
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// Keeps every connection open but throws away what clients send for `how_long`:
    /// requests vanish without an error, as on a path that drops packets. (Bytes thrown
    /// away mid-command may also make the server close the connection.)
    pub fn swallow(&self, how_long: Duration) {
        *self.state.swallow_until.lock().expect("proxy lock") = Some(Instant::now() + how_long);
    }
}

fn accept_loop(listener: &TcpListener, s: &Arc<ProxyState>) {
    for client in listener.incoming() {
        if s.stop.load(Ordering::Relaxed) {
            return;
        }
        let Ok(client) = client else { continue };
        let down = s
            .down_until
            .lock()
            .expect("proxy lock")
            .is_some_and(|t| Instant::now() < t);
        if down {
            let _ = client.shutdown(Shutdown::Both);
            continue;
        }
        let Ok(upstream) = TcpStream::connect_timeout(&s.target, Duration::from_secs(2)) else {
            let _ = client.shutdown(Shutdown::Both);
            continue;
        };
        s.accepted.fetch_add(1, Ordering::Relaxed);
        let pair = (client.try_clone(), upstream.try_clone());
        let (Ok(client2), Ok(upstream2)) = pair else {
            continue;
        };
        {
            let mut open = s.open.lock().expect("proxy lock");
            open.push(client.try_clone().expect("cloning a socket"));
            open.push(upstream.try_clone().expect("cloning a socket"));
        }
        let mut copiers = s.copiers.lock().expect("proxy lock");
        let st = Arc::clone(s);
        copiers.push(std::thread::spawn(move || {
            pipe(client, upstream, Some(&st))
        }));
        copiers.push(std::thread::spawn(move || pipe(upstream2, client2, None)));
    }
}

/// Copies one direction until either end closes or is cut, then closes both. An error
/// here is the cut the test asked for (or the peer leaving), so it ends the copy only.
/// With `swallow` (the client's side), what is read during a swallow is dropped.
fn pipe(mut from: TcpStream, mut to: TcpStream, swallow: Option<&ProxyState>) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_)
                if swallow.is_some_and(|s| {
                    s.swallow_until
                        .lock()
                        .expect("proxy lock")
                        .is_some_and(|t| Instant::now() < t)
                }) => {}
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], self.port)),
            Duration::from_secs(1),
        );
        if let Some(h) = self.accept.take() {
            h.join().expect("the proxy's accept loop does not panic");
        }
        for s in self.state.open.lock().expect("proxy lock").drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
        for h in self.state.copiers.lock().expect("proxy lock").drain(..) {
            h.join().expect("a proxy copier does not panic");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_one(url: &str) -> Result<i32, postgres::Error> {
        let mut c = postgres::Client::connect(url, postgres::NoTls)?;
        Ok(c.query_one("SELECT 41 + 1", &[])?.get(0))
    }

    #[test]
    fn postgres_through_the_proxy_survives_an_immediate_stop_and_a_cut() {
        let Some(pg) = PgCluster::start() else { return };
        let proxy = Proxy::start(pg.port());
        let via = format!("postgres://postgres@127.0.0.1:{}/postgres", proxy.port());
        assert_eq!(query_one(&via).expect("a query through the proxy"), 42);
        let mut held = postgres::Client::connect(&via, postgres::NoTls).expect("connecting");
        proxy.cut(Duration::from_millis(800));
        assert!(
            held.simple_query("SELECT 1").is_err(),
            "the cut connection still answers"
        );
        assert!(
            query_one(&via).is_err(),
            "a new connection went through during the cut"
        );
        std::thread::sleep(Duration::from_millis(900));
        assert_eq!(query_one(&via).expect("a query after the cut"), 42);
        pg.stop_immediate();
        assert!(
            query_one(&pg.url("postgres")).is_err(),
            "the stopped server answers"
        );
        pg.start_again();
        assert_eq!(
            query_one(&pg.url("postgres")).expect("a query after the restart"),
            42
        );
        assert!(proxy.accepted() >= 2);
    }

    #[test]
    fn nats_server_restarts_on_its_port() {
        let Some(mut nats) = NatsServer::start() else {
            return;
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], nats.port()));
        assert!(TcpStream::connect(addr).is_ok());
        nats.kill();
        assert!(
            TcpStream::connect(addr).is_err(),
            "a killed server still listens"
        );
        nats.restart();
        assert!(TcpStream::connect(addr).is_ok());
        assert!(nats.url().ends_with(&nats.port().to_string()));
    }
}
