//! `ascribe serve`: the TAXII 2.1 server.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use ascribe_server::{AppState, ServerConfig, StorePool};
use clap::Args;

use crate::case::open_store;
use crate::exit;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (plain HTTP: keep it on loopback or behind a TLS proxy).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// Refuse anonymous requests (by default they may read TLP:CLEAR objects only).
    #[arg(long)]
    no_anonymous: bool,
    /// Largest request body in bytes (TAXII max_content_length).
    #[arg(long, default_value_t = 10 * 1024 * 1024, value_name = "BYTES")]
    max_body: usize,
    /// Database connections for request handlers.
    #[arg(long, default_value_t = 4, value_name = "N")]
    connections: usize,
}

pub(crate) fn run(args: ServeArgs, db: &Path) -> anyhow::Result<ExitCode> {
    // Create and migrate the database once before the pool opens it.
    drop(open_store(db)?);
    let pool = StorePool::open(db, args.connections)
        .with_context(|| format!("opening {}", db.display()))?;
    let state = AppState::new(
        pool,
        ServerConfig {
            anonymous: !args.no_anonymous,
            max_content_length: args.max_body,
            ..ServerConfig::default()
        },
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr()?;
        eprintln!(
            "ascribe serve: TAXII 2.1 at http://{addr}/taxii2/ (database {}, anonymous {})",
            db.display(),
            if args.no_anonymous {
                "refused"
            } else {
                "TLP:CLEAR read-only"
            }
        );
        ascribe_server::serve(listener, state)
            .await
            .context("serving")
    })?;
    Ok(exit::ok())
}
