//! The `ascribe` command: glue between the readers, the store and the assessor.
//!
//! This is the only crate that uses `anyhow`, prints, and decides exit codes:
//! 0 ok, 1 ran but with warnings or findings the user asked to treat as
//! errors, 2 bad input or usage (and anything else that stopped the work).

mod assess;
mod case;
mod db;
mod device;
mod diag;
mod docs;
mod mapped;
mod serve;
mod stix;
mod stream;
mod telemetry;
mod users;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use ascribe_app::SystemClock;
use clap::{Parser, Subcommand};

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Who did it, on what evidence, and how sure can anyone be.
#[derive(Debug, Parser)]
#[command(name = "ascribe", version, max_term_width = 100)]
struct Cli {
    /// The database: a SQLite file, or a PostgreSQL database as a URL
    /// (postgres://USER@HOST:PORT/DATABASE).
    #[arg(
        long,
        global = true,
        env = "ASCRIBE_DB",
        default_value = "ascribe.db",
        value_name = "PATH|URL"
    )]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import, list and check case files.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Assess an incident (by id, or a case file directly).
    Assess(assess::AssessArgs),
    /// Vet USB devices (gifts) against what they claim to be.
    #[command(subcommand)]
    Device(device::DeviceCmd),
    /// Sensor logs: counts by source territory and network, indicator sightings, evidence.
    #[command(subcommand)]
    Telemetry(telemetry::TelemetryCommand),
    /// Import STIX 2.1 bundles; export an incident's assessment as STIX 2.1.
    #[command(subcommand)]
    Stix(stix::StixCommand),
    /// Serve the collections over TAXII 2.1 and the analyst's pages at /incidents.
    Serve(serve::ServeArgs),
    /// Manage the TAXII server's users.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Read raw documents into the claims register; score the reader against a gold file.
    #[command(subcommand)]
    Docs(docs::DocsCommand),
    /// List stored claims (accusations, denials, counter-accusations, attribution statements).
    Claims(docs::ClaimsArgs),
    /// The knowledge base of threat groups: import a replacement, look a name up.
    #[command(subcommand)]
    Kb(docs::KbCommand),
    /// Ship sensor logs to NATS JetStream in batches (workers count them).
    Ship(stream::ShipArgs),
    /// Count shipped batches into PostgreSQL, exactly once (run as many as you like).
    Worker(stream::WorkerArgs),
    /// The stream, the workers' consumer and what the workers applied.
    Status(stream::StatusArgs),
}

/// Exit codes, as documented in the README.
pub(crate) mod exit {
    use std::process::ExitCode;
    pub(crate) fn ok() -> ExitCode {
        ExitCode::SUCCESS
    }
    pub(crate) fn warnings() -> ExitCode {
        ExitCode::from(1)
    }
    pub(crate) fn bad_input() -> ExitCode {
        ExitCode::from(2)
    }
    /// Another writer held the database past the busy timeout; nothing was
    /// written and the same command may be run again.
    pub(crate) fn busy() -> ExitCode {
        ExitCode::from(3)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout and succeed; usage errors exit 2.
            let code = if err.use_stderr() {
                exit::bad_input()
            } else {
                exit::ok()
            };
            let _ = err.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return exit::ok();
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {}", diag::bounded_error(&err));
            if is_busy(&err) {
                return exit::busy();
            }
            exit::bad_input()
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The one "now" of the command: use cases take it as a parameter and
    // never read the system time themselves (`stix export` may fix it with
    // SOURCE_DATE_EPOCH for reproducible bundles).
    // The same clock stamps the store's writes.
    let db = &db::Db::new(
        ascribe_store::Location::from_arg(cli.db),
        Arc::new(SystemClock),
    );
    match cli.command {
        Command::Case(cmd) => case::run(cmd, db),
        Command::Assess(args) => assess::run(args, db),
        Command::Device(cmd) => device::run(cmd, db),
        Command::Telemetry(cmd) => telemetry::run(cmd, db),
        Command::Stix(cmd) => stix::run(cmd, db),
        Command::Serve(args) => serve::run(args, db),
        Command::Users(cmd) => users::run(cmd, db),
        Command::Docs(cmd) => docs::run(cmd, db),
        Command::Claims(args) => docs::run_claims(args, db),
        Command::Kb(cmd) => docs::run_kb(cmd, db),
        Command::Ship(args) => stream::ship(args),
        Command::Worker(args) => stream::worker(args, db),
        Command::Status(args) => stream::status(args, db),
    }
}

/// The store's "busy, retry" error, anywhere in the chain (on its own or
/// inside a use case's error).
fn is_busy(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<ascribe_store::StoreError>()
            .is_some_and(ascribe_store::StoreError::is_busy)
            || e.downcast_ref::<ascribe_app::AppError>()
                .is_some_and(ascribe_app::AppError::is_busy)
    })
}

/// A closed pipe (`ascribe ... | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}
