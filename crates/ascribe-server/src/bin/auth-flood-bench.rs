//! Benchmark: a bounded flood of wrong-password requests against the real
//! server (a separate process, default configuration) on loopback, while
//! readers with valid (cached) credentials keep reading (a fixed number of
//! requests quiet, then for the whole flood). Prints the
//! readers' p50/p99 latency quiet and under the flood, their ratio, the
//! server's peak RSS (VmHWM), and how the flood was answered (401 hashed
//! and refused, 429 backed off, 503 too many verifications at once).
//!
//! Each flood client sends one request at a time on a new connection, as
//! fast as it is answered, from its own loopback source address
//! (127.0.0.2, 127.0.0.3, ...; `--sources 1` puts them all on one), with a
//! new user name per request (`--names reader`: always the readers' user).
//! Every loop is bounded by a count and a time budget.
//!
//! usage: auth-flood-bench [--clients N] [--sources N] [--names distinct|reader]
//!                         [--readers N] [--reader-requests N] [--flood-secs N]
//!        auth-flood-bench serve DB PORTFILE   (internal: the server process)

#[path = "../bench_server.rs"]
mod bench_server;

use bench_server::Killed;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ascribe_model::Tlp;
use ascribe_server::auth;
use ascribe_store::{Role, Store, UserRecord};
use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

const USER: &str = "reader";
const PASSWORD: &str = "reader-password-1";

struct Opts {
    clients: usize,
    sources: usize,
    distinct_names: bool,
    readers: usize,
    reader_requests: usize,
    flood: Duration,
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        clients: 16,
        sources: 16,
        distinct_names: true,
        readers: 2,
        reader_requests: 2000,
        flood: Duration::from_secs(30),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name}: expected a number"))
        };
        match a.as_str() {
            "--clients" => o.clients = num("--clients")?,
            "--sources" => o.sources = num("--sources")?.clamp(1, 250),
            "--readers" => o.readers = num("--readers")?.max(1),
            "--reader-requests" => o.reader_requests = num("--reader-requests")?.max(1),
            "--flood-secs" => o.flood = Duration::from_secs(num("--flood-secs")? as u64),
            "--names" => match it.next().map(String::as_str) {
                Some("distinct") => o.distinct_names = true,
                Some("reader") => o.distinct_names = false,
                _ => return Err("--names: expected distinct or reader".into()),
            },
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn start_server(dir: &Path) -> Result<(Killed, SocketAddr), String> {
    let db = dir.join("flood.db");
    let mut s = Store::open(&db, ascribe_app::SystemClock).map_err(|e| e.to_string())?;
    s.add_user(
        &UserRecord {
            name: USER.into(),
            role: Role::Reader,
            clearance: Tlp::Red,
            password_hash: auth::hash_password(PASSWORD)?,
        },
        "2026-01-01T00:00:00Z",
    )
    .map_err(|e| e.to_string())?;
    drop(s);
    bench_server::start_server(&db, &dir.join("port"))
}

/// One request on a new connection from `source`; the status code.
async fn request(addr: SocketAddr, source: Ipv4Addr, auth: &str) -> Result<u16, String> {
    let sock = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    sock.bind((source, 0).into()).map_err(|e| e.to_string())?;
    let mut s = sock.connect(addr).await.map_err(|e| e.to_string())?;
    let req = format!(
        "GET /api1/collections/ HTTP/1.1\r\nHost: {addr}\r\nAccept: application/taxii+json;version=2.1\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.map_err(|e| e.to_string())?;
    let head = String::from_utf8_lossy(out.get(..12).unwrap_or(&out)).into_owned();
    head.get(9..12)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {head:?}"))
}

fn basic(user: &str, password: &str) -> String {
    let t = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {t}")
}

/// `readers` tasks share `n` requests; latencies in ms, and failures.
async fn read_phase(
    addr: SocketAddr,
    readers: usize,
    n: usize,
    deadline: Instant,
) -> (Vec<f64>, u64) {
    let left = Arc::new(AtomicU64::new(n as u64));
    let mut tasks = Vec::new();
    for _ in 0..readers {
        let left = left.clone();
        tasks.push(tokio::spawn(async move {
            let auth = basic(USER, PASSWORD);
            let mut lat = Vec::new();
            let mut bad = 0u64;
            while left
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| v.checked_sub(1))
                .is_ok()
                && Instant::now() < deadline
            {
                let t = Instant::now();
                match request(addr, Ipv4Addr::LOCALHOST, &auth).await {
                    Ok(200) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                    _ => bad += 1,
                }
            }
            (lat, bad)
        }));
    }
    let mut all = Vec::new();
    let mut bad = 0;
    for t in tasks {
        match t.await {
            Ok((l, b)) => {
                all.extend(l);
                bad += b;
            }
            Err(_) => bad += 1,
        }
    }
    all.sort_by(f64::total_cmp);
    (all, bad)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A `kB` field of /proc/PID/status, in MB.
fn proc_mb(pid: u32, field: &str) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(o: &Opts, dir: &Path) -> Result<(), String> {
    let (server, addr) = start_server(dir)?;
    let pid = server.0.id();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        // The first request hashes once; later ones are served from the cache.
        let first = request(addr, Ipv4Addr::LOCALHOST, &basic(USER, PASSWORD)).await?;
        if first != 200 {
            return Err(format!("the reader's first request answered {first}"));
        }
        let rss_start = proc_mb(pid, "VmRSS:").unwrap_or(f64::NAN);
        let budget = Instant::now() + o.flood + Duration::from_secs(60);
        let (quiet, quiet_bad) = read_phase(addr, o.readers, o.reader_requests, budget).await;

        let stop = Arc::new(AtomicBool::new(false));
        let counts: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
        let flood_end = Instant::now() + o.flood;
        let mut flooders = Vec::new();
        for c in 0..o.clients {
            let (stop, counts) = (stop.clone(), counts.clone());
            let source = Ipv4Addr::new(127, 0, 0, 2 + (c % o.sources) as u8);
            let distinct = o.distinct_names;
            flooders.push(tokio::spawn(async move {
                let mut i = 0u64;
                while !stop.load(Ordering::Acquire) && Instant::now() < flood_end && i < 1_000_000 {
                    let name = if distinct {
                        format!("guess-{c}-{i}")
                    } else {
                        USER.to_owned()
                    };
                    let key = match request(addr, source, &basic(&name, "wrong")).await {
                        Ok(code) => code.to_string(),
                        Err(_) => "error".to_owned(),
                    };
                    *counts
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .entry(key)
                        .or_default() += 1;
                    i += 1;
                }
            }));
        }
        // Peak RSS sampled while the flood runs (VmHWM read at the end too).
        let sampling = stop.clone();
        let sampler = tokio::spawn(async move {
            let mut peak = 0f64;
            while !sampling.load(Ordering::Acquire) {
                if let Some(mb) = proc_mb(pid, "VmRSS:") {
                    peak = peak.max(mb);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Readers read for as long as the flood lasts.
        let (flood, flood_bad) = read_phase(addr, o.readers, 1_000_000, flood_end).await;
        let flood_secs = o.flood.as_secs_f64();
        stop.store(true, Ordering::Release);
        for f in flooders {
            if f.await.is_err() {
                return Err("a flood client panicked".into());
            }
        }
        let sampled = sampler.await.map_err(|e| e.to_string())?;
        let hwm = proc_mb(pid, "VmHWM:").unwrap_or(f64::NAN);
        let rss_end = proc_mb(pid, "VmRSS:").unwrap_or(f64::NAN);
        let counts = counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let total: u64 = counts.values().sum();

        let (q99, f99) = (pct(&quiet, 0.99), pct(&flood, 0.99));
        println!(
            "auth flood: {} clients from {} source address(es), {} names, {} readers x {} requests, flood budget {flood_secs:.0} s",
            o.clients,
            o.sources.min(o.clients.max(1)),
            if o.distinct_names { "distinct" } else { "the reader's" },
            o.readers,
            o.reader_requests
        );
        println!(
            "readers quiet: p50 {:.2} ms, p99 {q99:.2} ms ({} ok, {quiet_bad} failed)",
            pct(&quiet, 0.5),
            quiet.len()
        );
        println!(
            "readers flood: p50 {:.2} ms, p99 {f99:.2} ms ({} ok, {flood_bad} failed)",
            pct(&flood, 0.5),
            flood.len()
        );
        println!("p99 flood/quiet: {:.2}x", f99 / q99);
        println!(
            "server RSS: {rss_start:.1} MB before, peak {hwm:.1} MB (VmHWM; sampled peak {sampled:.1} MB), {rss_end:.1} MB after"
        );
        println!("flood answers ({total} requests): {counts:?}");
        println!(
            "RESULT quiet_p99_ms={q99:.3} flood_p99_ms={f99:.3} peak_rss_mb={hwm:.1} reader_ok={} reader_failed={} flood_requests={total} flood_401={} flood_429={} flood_503={}",
            quiet.len() + flood.len(),
            quiet_bad + flood_bad,
            counts.get("401").copied().unwrap_or(0),
            counts.get("429").copied().unwrap_or(0),
            counts.get("503").copied().unwrap_or(0),
        );
        Ok(())
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("serve") {
        match (args.get(1), args.get(2)) {
            (Some(db), Some(pf)) => bench_server::serve_child(db, pf),
            _ => Err("usage: auth-flood-bench serve DB PORTFILE".into()),
        }
    } else {
        parse_opts(&args).and_then(|o| {
            let dir =
                std::env::temp_dir().join(format!("ascribe-auth-flood-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let r = run(&o, &dir);
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                eprintln!("auth-flood-bench: leaving {}: {e}", dir.display());
            }
            r
        })
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("auth-flood-bench: {e}");
            ExitCode::from(2)
        }
    }
}
