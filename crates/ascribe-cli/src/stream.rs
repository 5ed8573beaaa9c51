//! `ascribe ship`, `ascribe worker`, `ascribe status` and `telemetry report`: argument
//! parsing and printing over `ascribe_stream` (issue 22).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use ascribe_enrich::Geo;
use ascribe_intel::Matcher;
use ascribe_model::Tlp;
use ascribe_store::Location;
use ascribe_stream::batch::Limits;
use ascribe_stream::broker::Topology;
use ascribe_stream::count::Counter;
use ascribe_stream::ship::ShipOptions;
use ascribe_stream::worker::WorkerOptions;
use ascribe_telemetry::fwcsv::ColumnMap;

use crate::exit;

/// Where the broker is and how the stream and the workers' consumer are set.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BrokerArgs {
    /// NATS server URL (JetStream on).
    #[arg(long, env = "ASCRIBE_NATS", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// JetStream stream holding the batches.
    #[arg(long, default_value = "ASCRIBE_TELEMETRY")]
    stream: String,
    /// Subjects are PREFIX.SENSOR.
    #[arg(long, default_value = "ascribe.telemetry", value_name = "PREFIX")]
    subject_prefix: String,
    /// The workers' durable consumer.
    #[arg(long, default_value = "ascribe-workers")]
    consumer: String,
    /// The broker's publish dedupe window, in seconds (when it creates the stream).
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    duplicate_window: u64,
    /// Seconds a batch may stay unacknowledged before it is delivered again (when the
    /// consumer is created).
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    ack_wait: u64,
    /// Deliveries of one batch before the broker gives up (when the consumer is created).
    #[arg(long, default_value_t = 20)]
    max_deliver: i64,
}

impl BrokerArgs {
    fn topology(&self) -> Topology {
        Topology {
            stream: self.stream.clone(),
            subject_prefix: self.subject_prefix.clone(),
            consumer: self.consumer.clone(),
            duplicate_window: Duration::from_secs(self.duplicate_window),
            ack_wait: Duration::from_secs(self.ack_wait),
            max_deliver: self.max_deliver,
            ..Topology::default()
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct ShipArgs {
    /// Log files or folders (read recursively): Suricata EVE, Zeek, CSV; plain text.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    inputs: Vec<PathBuf>,
    /// This sensor's name (letters, digits, '-', '_'): part of every batch id.
    #[arg(long)]
    sensor: String,
    #[command(flatten)]
    broker: BrokerArgs,
    /// The checkpoint file (default ascribe-ship-SENSOR.json).
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Lines per batch at most.
    #[arg(long, default_value_t = ascribe_stream::batch::Limits::default().max_lines)]
    batch_lines: usize,
    /// Bytes per batch at most.
    #[arg(long, default_value_t = ascribe_stream::batch::Limits::default().max_bytes)]
    batch_bytes: usize,
    /// Keep shipping what the logs gain (poll every 200 ms).
    #[arg(long)]
    follow: bool,
    /// With --follow: stop after this many seconds.
    #[arg(long, value_name = "SECS", requires = "follow")]
    follow_for: Option<f64>,
    /// Publish everything again from the start, with the same batch ids.
    #[arg(long)]
    resend: bool,
    /// Wait this long for a broker that fails (unreachable, no acknowledgement)
    /// before giving up, resuming from the checkpoint each time; 0 gives up at once.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    retry_for: f64,
    /// How batches travel: `zstd` packs each (about a quarter of the bytes on EVE
    /// JSON, for the CPU to pack and unpack), `none` sends the log's bytes.
    #[arg(long, value_name = "HOW", default_value = "zstd", value_parser = ["none", "zstd"])]
    compress: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WorkerArgs {
    #[command(flatten)]
    broker: BrokerArgs,
    /// Indicator files (as `telemetry ingest --indicators`).
    #[arg(long, value_name = "FILE")]
    indicators: Vec<PathBuf>,
    /// Folder with the geolocation databases (default ./.geo).
    #[arg(long, value_name = "DIR", env = "ASCRIBE_GEO")]
    geo: Option<PathBuf>,
    /// Count without geolocation (countries and AS numbers empty).
    #[arg(long, conflicts_with = "geo")]
    no_geo: bool,
    /// Event types to aggregate, comma-separated (`all` for every type).
    #[arg(long, default_value = "alert", value_name = "TYPES")]
    event_types: String,
    /// Column mapping for CSV firewall logs (as `telemetry ingest --csv-map`).
    #[arg(long, value_name = "MAP")]
    csv_map: Option<String>,
    /// This worker's name (default host:pid).
    #[arg(long)]
    name: Option<String>,
    /// Batches per pull.
    #[arg(long, default_value_t = 32)]
    fetch: usize,
    /// Lines per PostgreSQL transaction at most.
    #[arg(long, default_value_t = 200_000)]
    max_lines: u64,
    /// Milliseconds a transaction may gather batches.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    max_wait_ms: u64,
    /// Larger batches are refused (recorded with the reason).
    #[arg(long, default_value_t = 1 << 20)]
    max_batch_bytes: usize,
    /// Exit after this many seconds without a batch.
    #[arg(long, value_name = "SECS")]
    idle_exit: Option<f64>,
    /// Print one line per transaction.
    #[arg(long, short)]
    verbose: bool,
    /// Benchmark the transport alone: pull and acknowledge, count nothing, write
    /// nothing (the batches are gone from the consumer: use a stream of its own).
    #[arg(long, hide = true)]
    transport_only: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    broker: BrokerArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Delete the stream and its batches instead (benchmarks and tests clean up).
    #[arg(long, hide = true)]
    delete_stream: bool,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// A flag that turns true on SIGINT or SIGTERM (the work in hand is finished first).
fn stop_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
        let _ = tx.send(true);
    });
    rx
}

/// The PostgreSQL URL from `--db`/`ASCRIBE_DB`, the database opened once through the
/// store first: that applies its migrations (the workers' tables are 0010) once, under
/// its lock, however many workers start together. Done before the async runtime
/// starts: the store's client runs one of its own.
fn pg_url(db: &crate::db::Db) -> anyhow::Result<String> {
    match db.location() {
        Location::Postgres(url) => {
            db.open().context("opening the database")?;
            Ok(url.clone())
        }
        other => bail!(
            "--db {other:?}: the workers' aggregates live in PostgreSQL; pass --db postgres://USER@HOST/DB"
        ),
    }
}

fn files(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read folder {}", dir.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("cannot read folder {}", dir.display()))?;
        entries.sort();
        for p in entries {
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.is_file() {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            bail!("{}: no such file or folder", p.display());
        }
    }
    Ok(out)
}

pub(crate) fn ship(args: ShipArgs) -> anyhow::Result<ExitCode> {
    let paths = files(&args.inputs)?;
    let opts = ShipOptions {
        checkpoint: args
            .checkpoint
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("ascribe-ship-{}.json", args.sensor))),
        sensor: args.sensor.clone(),
        topology: args.broker.topology(),
        limits: Limits {
            max_lines: args.batch_lines.max(1),
            max_bytes: args.batch_bytes.max(1),
        },
        follow: args.follow.then_some(Duration::from_millis(200)),
        follow_for: args.follow_for.map(Duration::from_secs_f64),
        resend: args.resend,
        in_flight: 256,
        encoding: ascribe_stream::batch::Encoding::from_name(&args.compress)
            .expect("clap allows only none and zstd"),
        retry_for: Duration::try_from_secs_f64(args.retry_for).with_context(|| {
            format!(
                "--retry-for {}: a number of seconds, 0 or more",
                args.retry_for
            )
        })?,
    };
    let rt = runtime()?;
    let t0 = std::time::Instant::now();
    let report = rt.block_on(async {
        let stop = stop_signal();
        let client = ascribe_stream::broker::connect(&args.broker.nats, "ascribe ship").await?;
        let r = ascribe_stream::ship::ship(&client, &paths, &opts, &stop).await?;
        client
            .flush()
            .await
            .map_err(|e| ascribe_stream::StreamError::Nats(e.to_string()))?;
        Ok::<_, ascribe_stream::StreamError>(r)
    })?;
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "shipped {} batches ({} lines, {} bytes) from {} files in {secs:.2}s; {} already held by the broker; {} resumptions after the broker failed",
        report.batches, report.lines, report.bytes, report.files, report.duplicates, report.retries
    );
    println!("{}", serde_json::to_string(&report)?);
    Ok(exit::ok())
}

fn counter(args: &WorkerArgs) -> anyhow::Result<Counter> {
    let mut all = ascribe_intel::IndicatorSet::default();
    for f in &args.indicators {
        let text = crate::diag::read_text(f).context("cannot read indicator file")?;
        let loaded = ascribe_intel::load_with(&text, &f.display().to_string(), Tlp::Green);
        crate::diag::print_problems(
            &mut std::io::stderr().lock(),
            "warning: ",
            &loaded.diagnostics,
        )?;
        all.append(loaded.indicators);
    }
    let (matcher, rejected) = Matcher::new(all);
    if !rejected.is_empty() {
        eprintln!(
            "warning: {} indicators could not be compiled",
            rejected.len()
        );
    }
    let geo =
        if args.no_geo {
            None
        } else {
            let dir = args.geo.clone().unwrap_or_else(|| PathBuf::from(".geo"));
            Some(Geo::open(&dir).with_context(|| {
                "hint: or pass --no-geo to count without countries and AS numbers"
            })?)
        };
    let event_types = if args.event_types.trim() == "all" {
        Vec::new()
    } else {
        args.event_types
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let csv_map = match &args.csv_map {
        Some(m) => ColumnMap::parse(m).map_err(|e| anyhow::anyhow!("--csv-map: {e}"))?,
        None => ColumnMap::default(),
    };
    Ok(Counter {
        matcher,
        geo,
        event_types,
        csv_map,
    })
}

/// Where the crash tests make a worker die (`ASCRIBE_FAILPOINT`).
enum Failpoint {
    /// `after_commit:N`: the process exits after its Nth commit, before acknowledging
    /// ("between commit and ack").
    AfterCommit(u64),
    /// `abort_on_sensor:NAME`: the process aborts when it reads a batch of that sensor
    /// (a batch that kills every worker it reaches).
    AbortOnSensor(String),
}

fn failpoint() -> anyhow::Result<Option<Failpoint>> {
    let v = match std::env::var("ASCRIBE_FAILPOINT") {
        Ok(v) => v,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(e) => bail!("ASCRIBE_FAILPOINT: {e}"),
    };
    if let Some(Ok(n)) = v.strip_prefix("after_commit:").map(str::parse::<u64>) {
        return Ok(Some(Failpoint::AfterCommit(n)));
    }
    match v.strip_prefix("abort_on_sensor:") {
        Some(name) if !name.is_empty() => Ok(Some(Failpoint::AbortOnSensor(name.to_owned()))),
        _ => bail!("ASCRIBE_FAILPOINT={v}: expected after_commit:N or abort_on_sensor:NAME"),
    }
}

pub(crate) fn worker(args: WorkerArgs, db: &crate::db::Db) -> anyhow::Result<ExitCode> {
    let url = pg_url(db)?;
    let counter = counter(&args)?;
    // Only a label for the operator: a machine without /etc/hostname is "worker".
    let host = std::fs::read_to_string("/etc/hostname")
        .map_or_else(|_| "worker".to_owned(), |h| h.trim().to_owned());
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("{host}:{}", std::process::id()));
    let mut opts = WorkerOptions::new(name.clone(), args.broker.topology());
    opts.fetch = args.fetch.max(1);
    opts.max_lines = args.max_lines.max(1);
    opts.max_wait = Duration::from_millis(args.max_wait_ms);
    opts.max_batch_bytes = args.max_batch_bytes;
    opts.idle_exit = args.idle_exit.map(Duration::from_secs_f64);
    match failpoint()? {
        Some(Failpoint::AfterCommit(n)) => {
            opts.after_commit = Some(Box::new(move |k| {
                if k >= n {
                    eprintln!("failpoint: aborting after commit {k}, before the acknowledgements");
                    std::process::exit(70);
                }
            }));
        }
        Some(Failpoint::AbortOnSensor(name)) => {
            opts.before_count = Some(Box::new(move |sensor| {
                if sensor == name {
                    eprintln!("failpoint: aborting on a batch of sensor {sensor}");
                    std::process::exit(70);
                }
            }));
        }
        None => {}
    }
    opts.on_notice = Some(Box::new(|m| eprintln!("warning: {m}")));
    let verbose = args.verbose;
    opts.on_commit = Some(Box::new(move |r, took| match r {
        Ok(a) if verbose => eprintln!(
            "commit: {} batches new, {} duplicates, {} rows, {} lines in {:.3}s",
            a.batches,
            a.duplicates,
            a.rows,
            a.lines,
            took.as_secs_f64()
        ),
        Ok(_) => {}
        Err(e) => eprintln!("warning: transaction failed, its batches handed back: {e}"),
    }));
    let rt = runtime()?;
    let t0 = std::time::Instant::now();
    if args.transport_only {
        let (batches, lines, last) = rt.block_on(async {
            let client = ascribe_stream::broker::connect(&args.broker.nats, &name).await?;
            ascribe_stream::worker::drain(&client, &opts).await
        })?;
        // When the last batch arrived, on the command's clock: how long ago
        // the drain saw it, taken from the command's "now".
        let ago = last
            .elapsed()
            .context("the system clock went back while draining")?;
        let last_at = (db.clock().now() - ago).unix_timestamp_nanos() as f64 / 1e9;
        println!(
            "{}",
            serde_json::json!({ "batches": batches, "lines": lines, "last_at": last_at })
        );
        return Ok(exit::ok());
    }
    let report = rt.block_on(async {
        let stop = stop_signal();
        let client = ascribe_stream::broker::connect(&args.broker.nats, &name).await?;
        ascribe_stream::worker::run(&client, &url, &counter, &opts, &stop).await
    })?;
    eprintln!(
        "worker {name}: {} batches applied ({} lines), {} duplicates skipped, {} rejected, {} rows upserted in {} transactions, {:.2}s",
        report.batches,
        report.lines,
        report.duplicates,
        report.rejected,
        report.rows_upserted,
        report.transactions,
        t0.elapsed().as_secs_f64()
    );
    if report.acks_lost > 0 {
        eprintln!(
            "worker {name}: {} acknowledgements could not be sent; their batches come back to a worker and are skipped as duplicates",
            report.acks_lost
        );
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(exit::ok())
}

pub(crate) fn status(args: StatusArgs, db: &crate::db::Db) -> anyhow::Result<ExitCode> {
    let topology = args.broker.topology();
    let rt = runtime()?;
    if args.delete_stream {
        rt.block_on(async {
            let client =
                ascribe_stream::broker::connect(&args.broker.nats, "ascribe status").await?;
            ascribe_stream::broker::delete_stream(&client, &topology).await
        })?;
        return Ok(exit::ok());
    }
    let url = pg_url(db)?;
    let (b, d) = rt.block_on(async {
        let client = ascribe_stream::broker::connect(&args.broker.nats, "ascribe status").await?;
        let b = ascribe_stream::broker::status(&client, &topology).await?;
        let pg = ascribe_stream::pg::connect(&url).await?;
        ascribe_stream::pg::require_tables(&pg).await?;
        let d = ascribe_stream::pg::status(&pg).await?;
        Ok::<_, ascribe_stream::StreamError>((b, d))
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = serde_json::json!({ "broker": b, "database": d });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(exit::ok());
    }
    writeln!(
        out,
        "stream {}: {} batches, {} bytes, sequences {}-{}",
        b.stream, b.messages, b.bytes, b.first_seq, b.last_seq
    )?;
    writeln!(
        out,
        "consumer {}: {} pending, {} awaiting acknowledgement, {} redelivered, {} given up after {} deliveries",
        b.consumer, b.pending, b.ack_pending, b.redelivered, b.given_up, b.max_deliver
    )?;
    writeln!(
        out,
        "database: {} batches applied ({} lines, {} bad lines), {} duplicates skipped, {} rejected, {} aggregate rows ({} upserted in {} transactions)",
        d.batches_applied, d.lines, d.bad_lines, d.duplicates_skipped, d.rejected, d.aggregate_rows, d.rows_upserted, d.transactions
    )?;
    for (id, reason) in &d.latest_rejected {
        writeln!(out, "rejected {id}: {reason}")?;
    }
    Ok(exit::ok())
}

/// `telemetry report`: the workers' aggregates as the single-node CSV.
pub(crate) fn report(db: &crate::db::Db) -> anyhow::Result<ExitCode> {
    let url = pg_url(db)?;
    let rt = runtime()?;
    let out = std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout().lock());
    let mut out = rt.block_on(ascribe_stream::report_csv(&url, out))?;
    out.flush()?;
    Ok(exit::ok())
}
