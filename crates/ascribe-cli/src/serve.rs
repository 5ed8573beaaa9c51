//! `ascribe serve`: the TAXII 2.1 server and the analyst's web pages.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_server::{AppState, ServerConfig, StorePool};
use clap::Args;

use crate::db::Db;
use crate::exit;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (without --tls-cert: plain HTTP, keep it on loopback or behind a TLS proxy).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// Refuse anonymous requests (by default they may read TLP:CLEAR objects and pages only).
    #[arg(long)]
    no_anonymous: bool,
    /// Largest request body in bytes (TAXII max_content_length).
    #[arg(long, default_value_t = 10 * 1024 * 1024, value_name = "BYTES")]
    max_body: usize,
    /// Database connections for request handlers.
    #[arg(long, default_value_t = 4, value_name = "N")]
    connections: usize,
    /// Serve HTTPS with this PEM certificate chain (server certificate first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// Logs to standard error, filtered by `RUST_LOG` (default: `info`).
fn init_logging() -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) => tracing_subscriber::EnvFilter::try_new(&v).with_context(|| {
            format!("RUST_LOG={v:?}: expected a filter such as info or ascribe_server=debug")
        })?,
        Err(std::env::VarError::NotPresent) => tracing_subscriber::EnvFilter::new("info"),
        Err(e) => bail!("RUST_LOG: {e}"),
    };
    // A log line that cannot be written is dropped quietly: by default the
    // subscriber reports it with `eprintln!`, which panics when standard
    // error is a closed pipe and took every request down with it.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .log_internal_errors(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init()
        .map_err(|e| anyhow::anyhow!("setting up the log: {e}"))
}

pub(crate) fn run(args: ServeArgs, db: &Db) -> anyhow::Result<ExitCode> {
    init_logging()?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some(ascribe_server::load_tls(c, k)?),
        _ => None,
    };
    // Create and migrate the database once before the pool opens it.
    drop(db.open()?);
    let pool = StorePool::open_at(db.location(), args.connections, db.shared_clock())
        .with_context(|| format!("opening {db}"))?;
    let config = ServerConfig {
        anonymous: !args.no_anonymous,
        max_content_length: args.max_body,
        ..ServerConfig::default()
    };
    let hash_permits = config.auth.hash_permits;
    let state = AppState::new(pool, config);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr()?;
        tracing::info!(
            database = %db,
            anonymous = if args.no_anonymous { "refused" } else { "TLP:CLEAR read-only" },
            password_checks_at_once = hash_permits,
            "ascribe serve: TAXII 2.1 at {}",
            ascribe_server::url(addr, tls.is_some())
        );
        tracing::info!(
            "ascribe serve: analyst pages at {}",
            ascribe_server::pages_url(addr, tls.is_some())
        );
        match tls {
            Some(tls) => ascribe_server::serve_tls(listener, tls, state).await,
            None => ascribe_server::serve(listener, state).await,
        }
        .context("serving")
    })?;
    Ok(exit::ok())
}
