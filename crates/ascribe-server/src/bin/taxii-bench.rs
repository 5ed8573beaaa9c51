//! Benchmark: objects served per second when paging through 100,000 STIX
//! objects over TAXII 2.1, ascribe against the OASIS reference server
//! medallion on the same data in the same run, and a bounded concurrent load
//! (p50/p99 latency) from this process against each server running as a
//! separate process. Loopback only; every loop is bounded by a count and a
//! time budget.
//!
//! medallion's memory backend filters every request in time that grows with
//! the square of the collection, so it is compared with ascribe on a smaller
//! collection (`--peer-objects`, same objects), and on the full collection
//! only the time to its first page is measured, within a budget.
//!
//! usage: taxii-bench [--objects N] [--page N] [--clients N] [--requests N] [--budget-secs N]
//!                    [--peer-objects N] [--medallion-full-budget-secs N] [--no-medallion]
//!        taxii-bench serve DB PORTFILE        (internal: the ascribe server process)

#[path = "../bench_server.rs"]
mod bench_server;

use bench_server::Killed;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use ascribe_model::Tlp;
use ascribe_server::auth;
use ascribe_store::{NewObject, Role, Store, UserRecord};
use base64::Engine;
use serde_json::{json, Value};

const USER: &str = "bench";
const PASSWORD: &str = "bench-password-1";

struct Opts {
    objects: usize,
    page: usize,
    clients: usize,
    requests: usize,
    budget: Duration,
    medallion: bool,
    peer_objects: usize,
    full_budget: Duration,
}

fn parse_opts() -> Result<Opts, String> {
    let mut o = Opts {
        objects: 100_000,
        page: 1000,
        clients: 4,
        requests: 200,
        budget: Duration::from_secs(60),
        medallion: true,
        peer_objects: 1000,
        full_budget: Duration::from_secs(60),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name}: expected a number"))
        };
        match a.as_str() {
            "--objects" => o.objects = num("--objects")?,
            "--page" => o.page = num("--page")?,
            "--clients" => o.clients = num("--clients")?.max(1),
            "--requests" => o.requests = num("--requests")?,
            "--budget-secs" => o.budget = Duration::from_secs(num("--budget-secs")? as u64),
            "--no-medallion" => o.medallion = false,
            "--peer-objects" => o.peer_objects = num("--peer-objects")?,
            "--medallion-full-budget-secs" => {
                o.full_budget = Duration::from_secs(num("--medallion-full-budget-secs")? as u64)
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn object(n: usize) -> (Value, Tlp) {
    let tlp = Tlp::ALL[n % 5];
    let o = json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--{:08x}-0000-4000-8000-{n:012}", n / 1_000_000),
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "name": format!("bench indicator {n}"),
        "pattern": format!("[ipv4-addr:value = '10.{}.{}.{}']", (n >> 16) & 255, (n >> 8) & 255, n & 255),
        "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
        "object_marking_refs": [tlp.stix_marking_id()],
    });
    (o, tlp)
}

fn build_db(path: &Path, n: usize) -> Result<String, String> {
    let mut s = Store::open(path, ascribe_app::SystemClock).map_err(|e| e.to_string())?;
    let hash = auth::hash_password(PASSWORD)?;
    s.add_user(
        &UserRecord {
            name: USER.into(),
            role: Role::Analyst,
            clearance: Tlp::Red,
            password_hash: hash,
        },
        "2026-01-01T00:00:00Z",
    )
    .map_err(|e| e.to_string())?;
    let cid = s
        .stix_collection("intel")
        .map_err(|e| e.to_string())?
        .ok_or("no intel collection")?
        .id;
    let key = "2024-01-01T00:00:00.000000000Z";
    for start in (0..n).step_by(10_000) {
        let objs: Vec<(Value, Tlp)> = (start..(start + 10_000).min(n)).map(object).collect();
        let texts: Vec<String> = objs.iter().map(|(o, _)| o.to_string()).collect();
        let news: Vec<NewObject<'_>> = objs
            .iter()
            .zip(&texts)
            .map(|((o, t), text)| NewObject {
                id: o["id"].as_str().unwrap_or(""),
                kind: "indicator",
                version: key,
                spec_version: "2.1",
                tlp: *t,
                marked: true,
                json: text,
            })
            .collect();
        s.stix_add_objects(&cid, &news, "2026-01-01T00:00:00.000000000Z")
            .map_err(|e| e.to_string())?;
    }
    Ok(cid)
}

/// A minimal HTTP/1.1 client with keep-alive, enough for the two servers.
struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    auth: String,
    timeout: Duration,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        let t = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
        Client {
            addr,
            conn: None,
            auth: format!("Basic {t}"),
            timeout: Duration::from_secs(300),
        }
    }

    fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        for attempt in 0..2 {
            if self.conn.is_none() {
                let s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))
                    .map_err(|e| e.to_string())?;
                s.set_read_timeout(Some(self.timeout))
                    .map_err(|e| e.to_string())?;
                s.set_nodelay(true).map_err(|e| e.to_string())?;
                self.conn = Some(BufReader::new(s));
            }
            match self.try_get(path) {
                Ok(r) => return Ok(r),
                Err(e) if attempt == 0 => {
                    self.conn = None;
                    let _ = e;
                }
                Err(e) => return Err(e),
            }
        }
        Err("unreachable".into())
    }

    fn try_get(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let host = self.addr;
        let auth = self.auth.clone();
        let r = self.conn.as_mut().ok_or("no connection")?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/taxii+json;version=2.1\r\nAuthorization: {auth}\r\nConnection: keep-alive\r\n\r\n"
        );
        r.get_mut()
            .write_all(req.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        if r.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("connection closed".into());
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or("bad status line")?;
        let mut len: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            let mut h = String::new();
            r.read_line(&mut h).map_err(|e| e.to_string())?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap_or((h, ""));
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
            match k.as_str() {
                "content-length" => len = v.parse().ok(),
                "transfer-encoding" => chunked = v.contains("chunked"),
                "connection" => close = v == "close",
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut sz = String::new();
                r.read_line(&mut sz).map_err(|e| e.to_string())?;
                let n = usize::from_str_radix(sz.trim().split(';').next().unwrap_or("0"), 16)
                    .map_err(|e| e.to_string())?;
                let mut chunk = vec![0; n + 2];
                r.read_exact(&mut chunk).map_err(|e| e.to_string())?;
                chunk.truncate(n);
                body.extend(chunk);
                if n == 0 {
                    break;
                }
            }
        } else if let Some(n) = len {
            body.resize(n, 0);
            r.read_exact(&mut body).map_err(|e| e.to_string())?;
        } else {
            r.read_to_end(&mut body).map_err(|e| e.to_string())?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        Ok((status, body))
    }
}

fn wait_ready(
    addr: SocketAddr,
    path: &str,
    limit: Duration,
    child: &mut Child,
) -> Result<(), String> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(st)) = child.try_wait() {
            return Err(format!("the server process exited ({st}) before answering"));
        }
        if let Ok((200, _)) = Client::new(addr).get(path) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("server at {addr} not ready after {limit:?}"))
}

struct Paging {
    objects: usize,
    pages: usize,
    secs: f64,
}

fn page_through(
    addr: SocketAddr,
    objects_path: &str,
    page: usize,
    budget: Duration,
) -> Result<Paging, String> {
    let mut c = Client::new(addr);
    let start = Instant::now();
    let mut next: Option<String> = None;
    let (mut objects, mut pages) = (0usize, 0usize);
    loop {
        let path = match &next {
            Some(n) => format!("{objects_path}?limit={page}&next={n}"),
            None => format!("{objects_path}?limit={page}"),
        };
        if std::env::var_os("TAXII_BENCH_DEBUG").is_some() {
            eprintln!("GET {path}");
        }
        let (st, body) = c.get(&path)?;
        if st != 200 {
            return Err(format!(
                "{path}: HTTP {st}: {}",
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ));
        }
        let v: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        objects += v["objects"].as_array().map_or(0, Vec::len);
        pages += 1;
        if v["more"] != Value::Bool(true) || start.elapsed() > budget {
            break;
        }
        next = v["next"].as_str().map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    Ok(Paging {
        objects,
        pages,
        secs: start.elapsed().as_secs_f64(),
    })
}

struct Load {
    done: usize,
    errors: usize,
    secs: f64,
    p50: f64,
    p99: f64,
}

fn load(addr: SocketAddr, path: &str, clients: usize, requests: usize, budget: Duration) -> Load {
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let path = path.to_owned();
            std::thread::spawn(move || {
                let mut c = Client::new(addr);
                let mut lat = Vec::new();
                let mut errors = 0;
                for _ in 0..requests {
                    if start.elapsed() > budget {
                        break;
                    }
                    let t = Instant::now();
                    match c.get(&path) {
                        Ok((200, _)) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                        _ => errors += 1,
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        if let Ok((l, e)) = h.join() {
            all.extend(l);
            errors += e;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return f64::NAN;
        }
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all.get(i).copied().unwrap_or(f64::NAN)
    };
    Load {
        done: all.len(),
        errors,
        secs,
        p50: pct(0.5),
        p99: pct(0.99),
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn start_medallion(dir: &Path, n: usize, cid: &str, port: u16) -> Result<Child, String> {
    let objects: Vec<Value> = (0..n).map(|i| object(i).0).collect();
    let manifest: Vec<Value> = objects
        .iter()
        .map(|o| json!({"id": o["id"], "date_added": "2026-01-01T00:00:00.000000Z", "version": o["modified"], "media_type": "application/stix+json;version=2.1"}))
        .collect();
    let root = format!("http://127.0.0.1:{port}/api1/");
    let data = json!({
        "/discovery": {"title": "medallion bench", "default": root, "api_roots": [root]},
        "api1": {
            "information": {"title": "bench", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 104857600},
            "status": [],
            "collections": [{"id": cid, "title": "intel", "can_read": true, "can_write": true,
                             "media_types": ["application/stix+json;version=2.1"], "objects": objects, "manifest": manifest}]
        }
    });
    let data_path = dir.join("medallion-data.json");
    std::fs::write(&data_path, data.to_string()).map_err(|e| e.to_string())?;
    let config = json!({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": data_path},
        "users": {USER: PASSWORD},
        "taxii": {"max_page_size": 1000},
    });
    let cfg_path = dir.join("medallion.json");
    std::fs::write(&cfg_path, config.to_string()).map_err(|e| e.to_string())?;
    let exe = which("medallion").ok_or("medallion is not installed (scripts/setup-stix.sh)")?;
    Command::new(exe)
        .stdin(Stdio::null())
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--log-level",
            "ERROR",
        ])
        .arg(&cfg_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting medallion: {e}"))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|f| f.is_file())
    })
}

fn report(name: &str, p: &Paging, l: &Load, o: &Opts) {
    println!(
        "{name} paging: {} objects in {} pages in {:.2} s = {:.0} objects/s",
        p.objects,
        p.pages,
        p.secs,
        p.objects as f64 / p.secs
    );
    println!(
        "{name} load: {} clients x <= {} requests (first page, limit=100): {} ok, {} errors in {:.2} s = {:.1} req/s; p50 {:.2} ms, p99 {:.2} ms",
        o.clients, o.requests, l.done, l.errors, l.secs, l.done as f64 / l.secs, l.p50, l.p99
    );
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        let (Some(db), Some(pf)) = (args.get(2), args.get(3)) else {
            return Err("usage: taxii-bench serve DB PORTFILE".into());
        };
        return bench_server::serve_child(db, pf);
    }
    let o = parse_opts()?;
    let dir = std::env::temp_dir().join(format!("ascribe-taxii-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = bench(&o, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Starts the ascribe server process on a database; returns it and its address.
fn start_ascribe(dir: &Path, db: &Path) -> Result<(Killed, SocketAddr), String> {
    let portfile = dir.join(format!(
        "port-{}",
        db.file_name().and_then(|f| f.to_str()).unwrap_or("db")
    ));
    let (mut server, addr) = bench_server::start_server(db, &portfile)?;
    wait_ready(addr, "/taxii2/", Duration::from_secs(30), &mut server.0)?;
    Ok((server, addr))
}

/// Pages through the collection, then loads it with the clients; one report line.
fn measure(name: &str, addr: SocketAddr, path: &str, page: usize, o: &Opts) -> Result<(), String> {
    let p = page_through(addr, path, page, o.budget)?;
    let l = load(
        addr,
        &format!("{path}?limit=100"),
        o.clients,
        o.requests,
        o.budget,
    );
    report(name, &p, &l, o);
    Ok(())
}

/// medallion on a free port with the first `n` objects, ready; and how
/// many seconds it took to start.
fn run_medallion(dir: &Path, n: usize, cid: &str) -> Result<(Killed, SocketAddr, f64), String> {
    let port = free_port()?;
    let t = Instant::now();
    let mut m = Killed(start_medallion(dir, n, cid, port)?);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    wait_ready(addr, "/taxii2/", Duration::from_secs(300), &mut m.0)?;
    Ok((m, addr, t.elapsed().as_secs_f64()))
}

fn bench(o: &Opts, dir: &Path) -> Result<(), String> {
    let db = dir.join("full.db");
    let t = Instant::now();
    let cid = build_db(&db, o.objects)?;
    println!("data: {} STIX indicators (all five TLP markings; the client is cleared to TLP:RED), stored in {:.1} s", o.objects, t.elapsed().as_secs_f64());
    let objects_path = format!("/api1/collections/{cid}/objects/");
    {
        let (_server, addr) = start_ascribe(dir, &db)?;
        let name = format!("ascribe   {:>7}", o.objects);
        measure(&name, addr, &objects_path, o.page, o)?;
    }
    if !o.medallion {
        return Ok(());
    }
    // Both servers on the same smaller collection.
    let peer_db = dir.join("peer.db");
    build_db(&peer_db, o.peer_objects)?;
    {
        let (_server, addr) = start_ascribe(dir, &peer_db)?;
        let name = format!("ascribe   {:>7}", o.peer_objects);
        measure(&name, addr, &objects_path, o.page.min(100), o)?;
    }
    {
        let (_m, addr, secs) = run_medallion(dir, o.peer_objects, &cid)?;
        println!(
            "medallion 3.0.0 (memory backend) started on the same {} objects in {secs:.1} s",
            o.peer_objects,
        );
        let name = format!("medallion {:>7}", o.peer_objects);
        measure(&name, addr, &objects_path, o.page.min(100), o)?;
    }
    if o.full_budget > Duration::ZERO {
        let (_m, addr, secs) = run_medallion(dir, o.objects, &cid)?;
        println!(
            "medallion 3.0.0 started on the full {} objects in {secs:.1} s",
            o.objects,
        );
        let mut c = Client::new(addr);
        c.timeout = o.full_budget;
        let t = Instant::now();
        match c.get(&format!("{objects_path}?limit={}", o.page)) {
            Ok((200, body)) => println!(
                "medallion {:>7} first page of {} served in {:.2} s ({} bytes)",
                o.objects,
                o.page,
                t.elapsed().as_secs_f64(),
                body.len()
            ),
            Ok((st, _)) => println!(
                "medallion {:>7} first page: HTTP {st} after {:.2} s",
                o.objects,
                t.elapsed().as_secs_f64()
            ),
            Err(_) => println!(
                "medallion {:>7} first page of {} not served within {:.0} s (stopped)",
                o.objects,
                o.page,
                o.full_budget.as_secs_f64()
            ),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("taxii-bench: {e}");
            ExitCode::from(2)
        }
    }
}
