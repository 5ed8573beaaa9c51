//! The server process the benchmarks (`src/bin/*-bench.rs`) measure: the
//! benchmark binary runs itself again as `BIN serve DB PORTFILE`, so the
//! server is a process of its own (its memory and CPU apart from the
//! clients'). Included by each benchmark with `#[path]`; not part of the
//! library.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ascribe_server::{AppState, ServerConfig, StorePool};

/// The child's side: serves `db` (four connections, default configuration)
/// on a free loopback port and writes the port to `portfile`.
pub(crate) fn serve_child(db: &str, portfile: &str) -> Result<(), String> {
    let pool =
        StorePool::open(Path::new(db), 4, ascribe_app::SystemClock).map_err(|e| e.to_string())?;
    let state = AppState::new(pool, ServerConfig::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = l.local_addr().map_err(|e| e.to_string())?.port();
        std::fs::write(portfile, port.to_string()).map_err(|e| e.to_string())?;
        ascribe_server::serve(l, state)
            .await
            .map_err(|e| e.to_string())
    })
}

/// Kills the process when dropped.
pub(crate) struct Killed(pub(crate) Child);

impl Drop for Killed {
    fn drop(&mut self) {
        // The process may have exited already; either way it is gone.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The parent's side: starts this binary as the server of `db` and waits
/// (30 s at most) for the port it listens on.
pub(crate) fn start_server(db: &Path, portfile: &Path) -> Result<(Killed, SocketAddr), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let child = Command::new(exe)
        .arg("serve")
        .arg(db)
        .arg(portfile)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let server = Killed(child);
    let start = Instant::now();
    loop {
        // Not there yet, or half written: wait for the whole number.
        if let Ok(Ok(p)) = std::fs::read_to_string(portfile).map(|s| s.trim().parse::<u16>()) {
            return Ok((server, SocketAddr::from((Ipv4Addr::LOCALHOST, p))));
        }
        if start.elapsed() > Duration::from_secs(30) {
            return Err(format!("the server of {} did not start", db.display()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
