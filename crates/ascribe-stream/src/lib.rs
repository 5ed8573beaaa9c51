//! Telemetry past one machine (issue 22): sensors ship log batches to NATS JetStream,
//! any number of workers count them into PostgreSQL exactly once.
//!
//! Exactly-once is a property of the PostgreSQL transaction, not of the broker: each
//! batch carries a deterministic id ([`batch`]: sensor, file identity, byte range), and
//! a worker commits the ids of many batches (unique) with the merged aggregate deltas
//! of the ids that were new, in one transaction, then acknowledges ([`worker`],
//! [`pg::commit`]). Every failure then reduces to "delivered again", which is a no-op.
//! Counting is the single-node pass ([`count`], over `ascribe_telemetry::Run`), so
//! `telemetry report` ([`report_csv`]) prints the bytes `telemetry ingest` prints.
//!
//! Pure parts ([`batch`], [`count`]) are apart from the I/O ([`ship`], [`worker`],
//! [`broker`], [`pg`]).

pub mod batch;
pub mod broker;
pub mod count;
pub mod pg;
pub mod ship;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;

/// Why a shipper, worker or report stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    #[error("nats: {0}")]
    Nats(String),
    #[error("postgresql: {0}")]
    Db(String),
    #[error("{path}: {why}")]
    Io { path: PathBuf, why: String },
    #[error("checkpoint {path}: {why}")]
    Checkpoint { path: PathBuf, why: String },
    #[error("{0}")]
    Config(String),
}

pub use ascribe_model::diag::error_chain;

/// The aggregates as the single-node CSV contract, written by the single-node writer.
pub fn write_csv<W: std::io::Write>(w: W, deltas: &count::Deltas) -> std::io::Result<W> {
    let mut csv = ascribe_telemetry::output::CsvWriter::new(w)?;
    for ((day, cc, asn, sig, act), t) in deltas {
        let row = ascribe_telemetry::Row {
            day: *day,
            src_country: Arc::from(cc.as_str()),
            src_asn: *asn,
            signature: Arc::from(sig.as_str()),
            action: Arc::from(act.as_str()),
            events: t.events,
            matched_events: t.matched_events,
            matched_indicators: t.indicators.iter().map(|s| Arc::from(s.as_str())).collect(),
            // Not in the CSV contract, and not kept by the workers.
            distinct_src_ips: 0,
            distinct_src_ips_exact: false,
            first_seen: 0,
            last_seen: 0,
        };
        csv.row(&row)?;
    }
    csv.finish()
}

/// `telemetry report --format csv`: every aggregate in the database as CSV.
pub async fn report_csv<W: std::io::Write>(db_url: &str, w: W) -> Result<W, StreamError> {
    let client = pg::connect(db_url).await?;
    pg::require_tables(&client).await?;
    let all = pg::aggregates(&client).await?;
    write_csv(w, &all).map_err(|e| StreamError::Io {
        path: PathBuf::from("-"),
        why: e.to_string(),
    })
}
