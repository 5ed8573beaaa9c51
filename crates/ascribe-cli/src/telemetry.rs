//! `ascribe telemetry ingest`: sensor logs to aggregates, sightings and evidence.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};
use ascribe_enrich::Geo;
use ascribe_intel::{IndicatorSet, Matcher};
use ascribe_model::Tlp;
use ascribe_telemetry::fwcsv::ColumnMap;
use ascribe_telemetry::{output, FinishError, Job, Output, Run};
use clap::{Subcommand, ValueEnum};

use crate::db::Db;
use crate::exit;

#[derive(Debug, Subcommand)]
pub(crate) enum TelemetryCommand {
    /// Read Suricata EVE, Zeek or CSV firewall logs: counts by day, source country,
    /// source AS, signature and action; sightings of indicators; evidence for an incident.
    Ingest(Box<IngestArgs>),
    /// Print the aggregates the workers counted into PostgreSQL (`--db postgres://…`),
    /// in the CSV contract `ingest --format csv` prints.
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// What to print (the CSV contract only).
    #[arg(long, value_enum, default_value = "csv")]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ReportFormat {
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OutFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct IngestArgs {
    /// Log files, folders (read recursively), glob patterns, or `-` for stdin; plain, .gz or .zst.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    inputs: Vec<String>,
    /// Indicator files: CSV type,value,source[,actor][,tlp], STIX 2.1 JSON, MISP JSON, or a plain list.
    /// Repeat the option for several files.
    #[arg(long, value_name = "FILE")]
    indicators: Vec<PathBuf>,
    /// Folder with the geolocation databases (default ./.geo, filled by scripts/setup-geo.sh).
    #[arg(long, value_name = "DIR", env = "ASCRIBE_GEO")]
    geo: Option<PathBuf>,
    /// Run without geolocation (countries and AS numbers empty).
    #[arg(long, conflicts_with = "geo")]
    no_geo: bool,
    /// Attach the run and its evidence to this incident in the database.
    #[arg(long, value_name = "ID")]
    incident: Option<String>,
    /// Write the aggregates as CSV (the peers' contract) to this file.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value = "table")]
    format: OutFormat,
    /// Stop at the first bad line and exit 1 (otherwise bad lines are counted and skipped).
    #[arg(long)]
    strict: bool,
    /// Event types to aggregate, comma-separated (`all` for every type).
    #[arg(long, default_value = "alert", value_name = "TYPES")]
    event_types: String,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Column mapping for CSV firewall logs: ts=COL,src=COL,dst=COL,action=COL,signature=COL,host=COL.
    #[arg(long, value_name = "MAP")]
    csv_map: Option<String>,
    /// Lowest TLP marking of what is made from these logs (sightings, their
    /// observed data, evidence): each takes the stricter of this and its indicator's.
    #[arg(long, default_value = "amber")]
    tlp: String,
    /// TLP for indicators that carry none (a STIX indicator without a TLP
    /// marking, a CSV row with an empty `tlp`, a plain list, a MISP event without
    /// a `tlp:` tag); a marking that cannot be classified is TLP:RED, never this.
    #[arg(long, default_value = "green", value_name = "TLP")]
    unmarked_tlp: String,
    /// Smallest share of the geolocated events from one country for a geolocation evidence item.
    #[arg(long, default_value_t = 0.01, value_name = "FRACTION")]
    geo_min_share: f64,
    /// Rows shown by the table format.
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

pub(crate) fn run(cmd: TelemetryCommand, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        TelemetryCommand::Ingest(args) => ingest(*args, db),
        TelemetryCommand::Report(args) => match args.format {
            ReportFormat::Csv => crate::stream::report(db),
        },
    }
}

/// One input: a name for messages and how to open it.
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    match (pat.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob_match(&pat[1..], s) || (!s.is_empty() && glob_match(pat, &s[1..])),
        (Some(b'?'), Some(_)) => glob_match(&pat[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob_match(&pat[1..], &s[1..]),
        _ => false,
    }
}

fn walk(dir: &Path, out: &mut Vec<Input>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read folder {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read folder {}", dir.display()))?;
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.is_file() {
            out.push(Input::File(p));
        }
    }
    Ok(())
}

fn expand(inputs: &[String]) -> anyhow::Result<Vec<Input>> {
    let mut out = Vec::new();
    for i in inputs {
        if i == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let p = PathBuf::from(i);
        if p.is_dir() {
            walk(&p, &mut out)?;
        } else if p.is_file() {
            out.push(Input::File(p));
        } else if i.contains(['*', '?']) {
            // A quoted glob: the pattern applies to the last component.
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let pat = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read folder {}", dir.display()))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("cannot read folder {}", dir.display()))?
                .into_iter()
                .filter(|f| f.is_file())
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| glob_match(pat.as_bytes(), n.as_bytes()))
                })
                .collect();
            found.sort();
            if found.is_empty() {
                bail!("no file matches {i}");
            }
            out.extend(found.into_iter().map(Input::File));
        } else {
            bail!("{i}: no such file or folder");
        }
    }
    Ok(out)
}

/// The `limit` rows a table shows (most events first, then earliest day, then output
/// order), kept while the rows stream past instead of keeping them all.
struct TopRows {
    limit: usize,
    seq: u64,
    heap: std::collections::BinaryHeap<Ranked>,
}

/// A row with its place in the table; the heap's top is the one to drop first.
struct Ranked {
    key: (std::cmp::Reverse<u64>, i64, u64),
    row: ascribe_telemetry::Row,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl TopRows {
    fn new(limit: usize) -> Self {
        TopRows {
            limit,
            seq: 0,
            heap: std::collections::BinaryHeap::new(),
        }
    }

    fn offer(&mut self, row: ascribe_telemetry::Row) {
        let key = (std::cmp::Reverse(row.events), row.day, self.seq);
        self.seq += 1;
        if self.limit == 0 {
            return;
        }
        if self.heap.len() == self.limit {
            match self.heap.peek() {
                Some(worst) if key < worst.key => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Ranked { key, row });
    }

    /// The kept rows in table order.
    fn into_rows(self) -> Vec<ascribe_telemetry::Row> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.row)
            .collect()
    }
}

/// Bytes of CSV gathered before a write to the --out file and stdout.
const CSV_BUFFER: usize = 256 * 1024;

/// Writes to up to two writers (the --out file and stdout).
struct Tee<A, B> {
    a: Option<A>,
    b: Option<B>,
}

impl<A: Write, B: Write> Write for Tee<A, B> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(a) = &mut self.a {
            a.write_all(buf)?;
        }
        if let Some(b) = &mut self.b {
            b.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(a) = &mut self.a {
            a.flush()?;
        }
        if let Some(b) = &mut self.b {
            b.flush()?;
        }
        Ok(())
    }
}

/// Counts bytes read from the underlying file (for the progress bar).
struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

/// Opens an input, decompressing by magic bytes (gzip, zstd).
fn open(input: &Input, counter: Arc<AtomicU64>) -> anyhow::Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(std::io::stdin()),
        Input::File(p) => {
            Box::new(File::open(p).with_context(|| format!("cannot open {}", p.display()))?)
        }
    };
    let mut r = BufReader::with_capacity(
        1 << 16,
        Counting {
            inner: raw,
            n: counter,
        },
    );
    let head = std::io::BufRead::fill_buf(&mut r)
        .with_context(|| format!("cannot read {}", input.name()))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(flate2::read::MultiGzDecoder::new(r)));
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let d = zstd::stream::read::Decoder::with_buffer(r)
            .with_context(|| format!("cannot start zstd on {}", input.name()))?;
        return Ok(Box::new(d));
    }
    Ok(Box::new(r))
}

/// Indicators from every file, entries skipped, and entries whose marking
/// failed closed (kept at TLP:RED).
type LoadedIndicators = (
    IndicatorSet,
    Vec<ascribe_intel::Diagnostic>,
    Vec<ascribe_intel::Diagnostic>,
);

fn load_indicators(files: &[PathBuf], unmarked: Tlp) -> anyhow::Result<LoadedIndicators> {
    let mut all = IndicatorSet::default();
    let mut diags = Vec::new();
    let mut warnings = Vec::new();
    for f in files {
        let text = crate::diag::read_text(f).context("cannot read indicator file")?;
        let loaded = ascribe_intel::load_with(&text, &f.display().to_string(), unmarked);
        all.append(loaded.indicators);
        diags.extend(loaded.diagnostics);
        warnings.extend(loaded.warnings);
    }
    Ok((all, diags, warnings))
}

fn ingest(args: IngestArgs, db: &Db) -> anyhow::Result<ExitCode> {
    let inputs = expand(&args.inputs)?;
    let min_tlp: Tlp = args
        .tlp
        .parse()
        .map_err(|e| anyhow::anyhow!("--tlp: {e}"))?;
    let unmarked: Tlp = args
        .unmarked_tlp
        .parse()
        .map_err(|e| anyhow::anyhow!("--unmarked-tlp: {e}"))?;
    let mut stderr = std::io::stderr().lock();
    let t0 = std::time::Instant::now();
    // The geolocation tables and the indicators load independently: open the
    // geolocation databases on a second thread meanwhile (both take a few tenths of a
    // second, a fixed cost paid before the first line is read).
    let geo_dir = (!args.no_geo).then(|| args.geo.clone().unwrap_or_else(|| PathBuf::from(".geo")));
    let (loaded, ind_took, geo_opened) = std::thread::scope(|s| {
        let geo_task = geo_dir.as_deref().map(|dir| {
            s.spawn(move || {
                let t = std::time::Instant::now();
                (Geo::open(dir), t.elapsed())
            })
        });
        let loaded = load_indicators(&args.indicators, unmarked);
        let ind_took = t0.elapsed();
        let geo_opened = geo_task.map(|h| h.join());
        (loaded, ind_took, geo_opened)
    });
    let (indicators, ind_diags, ind_warnings) = loaded?;
    crate::diag::print_problems(&mut stderr, "warning: ", &ind_warnings)?;
    crate::diag::print_problems(&mut stderr, "warning: ", &ind_diags)?;
    let t1 = std::time::Instant::now();
    let (matcher, rejected) = Matcher::new(indicators);
    let ind_took = ind_took + t1.elapsed();
    if !rejected.is_empty() {
        writeln!(
            stderr,
            "warning: {} indicators could not be compiled",
            rejected.len()
        )?;
    }
    if !args.indicators.is_empty() {
        writeln!(
            stderr,
            "indicators: {} loaded in {:.2}s",
            matcher.indicators().len(),
            ind_took.as_secs_f64()
        )?;
    }
    let geo = match geo_opened {
        None => None,
        Some(Err(p)) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(a panic without a message)".to_owned());
            anyhow::bail!(
                "the thread opening the geolocation databases stopped unexpectedly: {msg}"
            )
        }
        Some(Ok((Ok(g), took))) => {
            writeln!(stderr, "geo: opened in {:.2}s", took.as_secs_f64())?;
            Some(g)
        }
        Some(Ok((Err(e), _))) => {
            writeln!(stderr, "error: {e}")?;
            writeln!(
                stderr,
                "hint: or pass --no-geo to count without countries and AS numbers"
            )?;
            return Ok(exit::bad_input());
        }
    };
    let csv_map = match &args.csv_map {
        Some(m) => ColumnMap::parse(m).map_err(|e| anyhow::anyhow!("--csv-map: {e}"))?,
        None => ColumnMap::default(),
    };
    let mut job = Job::new(&matcher, geo.as_ref());
    job.event_types = if args.event_types.trim() == "all" {
        Vec::new()
    } else {
        args.event_types
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    job.threads = args.threads.max(1);
    if let Some(bytes) = chunk_bytes()? {
        job.chunk_bytes = bytes;
    }
    job.strict = args.strict;
    // Only the table, JSON and stored evidence show distinct sources.
    job.count_sources = !matches!(args.format, OutFormat::Csv) || args.incident.is_some();
    job.csv_map = csv_map;

    let total_bytes: u64 = inputs
        .iter()
        .map(|i| match i {
            // Only the progress bar's total: a file that cannot be read is
            // reported when it is opened.
            Input::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Input::Stdin => 0,
        })
        .sum();
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = if total_bytes > 0 {
            indicatif::ProgressBar::new(total_bytes)
        } else {
            indicatif::ProgressBar::new_spinner()
        };
        let style = indicatif::ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    });
    let started = std::time::Instant::now();
    let bytes = Arc::new(AtomicU64::new(0));
    let lines = AtomicU64::new(0);
    let mut run = Run::new(&job);
    let mut mapped_files = Vec::new();
    for input in &inputs {
        let on_chunk = |n: u64| {
            let total = lines.fetch_add(n, Ordering::Relaxed) + n;
            if let Some(p) = &progress {
                p.set_position(bytes.load(Ordering::Relaxed));
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                p.set_message(format!("{:.0}k lines/s", total as f64 / secs / 1e3));
            }
        };
        let mapped = match input {
            Input::File(p) => crate::mapped::Mapped::open(p, bytes.clone()),
            Input::Stdin => None,
        };
        match mapped {
            Some((supply, head)) => {
                mapped_files.push(input.name());
                run.feed_supply(&input.name(), &head, supply, &on_chunk)
            }
            None => run.feed(&input.name(), open(input, bytes.clone())?, &on_chunk),
        }
        .with_context(|| format!("reading {}", input.name()))?;
        if run.stopped() {
            break;
        }
    }
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let pass = started.elapsed();
    // The CSV (to --out, and to stdout with --format csv) is written as the rows are
    // made; the table keeps only the rows it shows; JSON and --incident keep them all.
    let to_stdout = matches!(args.format, OutFormat::Csv);
    let keep_rows = matches!(args.format, OutFormat::Json) || args.incident.is_some();
    let mut csv = None;
    if args.out.is_some() || to_stdout {
        let file = match &args.out {
            Some(path) => Some(
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
            ),
            None => None,
        };
        // One buffer in front of both: each block is handed to the file and to stdout
        // whole, rather than every row to two small buffers.
        let tee = std::io::BufWriter::with_capacity(
            CSV_BUFFER,
            Tee {
                a: file,
                b: to_stdout.then(|| std::io::stdout().lock()),
            },
        );
        csv = Some(output::CsvWriter::new(tee).context("cannot write the CSV output")?);
    }
    let out = if keep_rows {
        let out = run.try_finish()?;
        if let Some(c) = &mut csv {
            for r in &out.rows {
                c.row(r).context("cannot write the CSV output")?;
            }
        }
        out
    } else {
        let mut top = TopRows::new(if to_stdout { 0 } else { args.limit });
        let mut out = run
            .finish_each(|r| {
                if let Some(c) = &mut csv {
                    c.row(&r)?;
                }
                top.offer(r);
                Ok::<(), std::io::Error>(())
            })
            .map_err(|e| match e {
                FinishError::Each(e) => {
                    anyhow::Error::new(e).context("cannot write the CSV output")
                }
                FinishError::Run(e) => e.into(),
            })?;
        out.rows = top.into_rows();
        out
    };
    if let Some(c) = csv {
        c.finish().context("cannot write the CSV output")?;
    }
    let elapsed = started.elapsed();
    writeln!(
        stderr,
        "pass {:.2}s, merge and output {:.2}s",
        pass.as_secs_f64(),
        (elapsed - pass).as_secs_f64()
    )?;
    print_summary(
        &mut stderr,
        &out,
        &job,
        geo.as_ref(),
        &mapped_files,
        elapsed,
    )?;
    if let Some(path) = &args.out {
        writeln!(stderr, "aggregates written to {}", path.display())?;
    }
    {
        let mut stdout = std::io::stdout().lock();
        match args.format {
            OutFormat::Csv => {}
            OutFormat::Json => {
                serde_json::to_writer_pretty(&mut stdout, &out)?;
                writeln!(stdout)?;
            }
            OutFormat::Table => stdout.write_all(output::table(&out, args.limit).as_bytes())?,
        }
    }

    if let Some(incident) = &args.incident {
        attach(
            db,
            incident,
            &args,
            &inputs,
            &out,
            geo.as_ref(),
            min_tlp,
            &mut stderr,
        )?;
    }
    if out.summary.stopped_early || (args.strict && out.summary.bad_lines > 0) {
        return Ok(exit::warnings());
    }
    Ok(exit::ok())
}

fn print_summary(
    w: &mut impl Write,
    out: &Output,
    job: &Job,
    geo: Option<&Geo>,
    mapped: &[String],
    elapsed: std::time::Duration,
) -> anyhow::Result<()> {
    let s = &out.summary;
    for f in &s.files {
        let how = if mapped.contains(&f.name) {
            ", memory-mapped"
        } else {
            ""
        };
        writeln!(w, "read {} ({}{how})", f.name, f.format)?;
    }
    if let Some(g) = geo {
        for src in &g.sources {
            writeln!(w, "geo: {src}")?;
        }
    }
    let types: Vec<String> = s
        .event_types
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    writeln!(
        w,
        "{} lines in {:.2}s; events by type: {}",
        s.lines,
        elapsed.as_secs_f64(),
        if types.is_empty() {
            "none".to_owned()
        } else {
            types.join(", ")
        }
    )?;
    writeln!(
        w,
        "selected ({}): {} events in {} rows; {} matched at least one of {} indicators ({} indicators seen)",
        if job.event_types.is_empty() { "all".to_owned() } else { job.event_types.join(",") },
        s.selected_events,
        s.rows,
        s.matched_events,
        job.matcher.indicators().len(),
        out.sightings.len()
    )?;
    if s.bad_lines > 0 {
        writeln!(
            w,
            "{} bad lines skipped; the first {}:",
            s.bad_lines,
            s.bad_examples.len()
        )?;
        for d in &s.bad_examples {
            writeln!(
                w,
                "  {}",
                ascribe_model::diag::bound_message(&d.to_string())
            )?;
        }
    }
    if s.stopped_early {
        writeln!(w, "stopped at the first bad line (--strict)")?;
    }
    Ok(())
}

/// `ASCRIBE_CHUNK_KB`: the bytes of log a thread takes at a time, in KiB
/// (default 1024); anything but a positive whole number is an error.
fn chunk_bytes() -> anyhow::Result<Option<usize>> {
    let Ok(v) = std::env::var("ASCRIBE_CHUNK_KB") else {
        return Ok(None);
    };
    match v.trim().parse::<usize>() {
        Ok(k) if k > 0 && k <= (1 << 20) => Ok(Some(k << 10)),
        _ => bail!("ASCRIBE_CHUNK_KB={v:?}: expected a whole number of KiB from 1 to 1048576"),
    }
}

/// Attaches the run to the incident (one unit of work, in ascribe-app) and
/// says what was stored.
#[allow(clippy::too_many_arguments)]
fn attach(
    db: &Db,
    incident: &str,
    args: &IngestArgs,
    inputs: &[Input],
    out: &Output,
    geo: Option<&Geo>,
    min_tlp: Tlp,
    stderr: &mut impl Write,
) -> anyhow::Result<()> {
    ascribe_app::telemetry::refuse_empty_run(out)?;
    let mut store = db.open()?;
    let names: Vec<String> = inputs.iter().map(Input::name).collect();
    let attach_args = ascribe_app::telemetry::AttachArgs {
        inputs: &names,
        event_types: &args.event_types,
        min_tlp,
        geo_min_share: args.geo_min_share,
    };
    let ascribe_app::telemetry::Attached {
        run,
        observed,
        graded,
    } = ascribe_app::telemetry::attach(&mut store, db.clock(), incident, &attach_args, out, geo)?;
    writeln!(
        stderr,
        "attached to incident {incident}: {} aggregate rows, {} sightings, {} evidence items",
        run.observations.len(),
        run.sightings.len(),
        observed.len()
    )?;
    for e in &graded {
        let bearing = match &e.bearing {
            ascribe_model::Bearing::Ratings(m) => m
                .iter()
                .map(|(h, r)| format!("{h}={}", r.as_str()))
                .collect::<Vec<_>>()
                .join(" "),
            ascribe_model::Bearing::LikelihoodRatios(m) => m
                .iter()
                .map(|(h, r)| format!("{h}:LR {r}"))
                .collect::<Vec<_>>()
                .join(" "),
        };
        writeln!(
            stderr,
            "  {} [{}; {}; {}] {}",
            e.id, e.kind, e.grade, bearing, e.summary
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_telemetry::Row;

    fn row(day: i64, events: u64, sig: &str) -> Row {
        Row {
            day,
            src_country: Arc::from("NL"),
            src_asn: 1,
            signature: Arc::from(sig),
            action: Arc::from("allowed"),
            events,
            matched_events: 0,
            matched_indicators: Vec::new(),
            distinct_src_ips: 0,
            distinct_src_ips_exact: false,
            first_seen: 0,
            last_seen: 0,
        }
    }

    /// The streamed top rows are exactly the first rows of the full table order
    /// (events descending, then day, then output order), ties included.
    #[test]
    fn top_rows_equal_the_head_of_a_full_sort() {
        let rows: Vec<Row> = (0..200u64)
            .map(|i| row(i64::try_from(i % 7).unwrap(), (i * 37) % 11, &i.to_string()))
            .collect();
        for limit in [0, 1, 5, 20, 199, 200, 500] {
            let mut top = TopRows::new(limit);
            for r in rows.iter().cloned() {
                top.offer(r);
            }
            let got: Vec<String> = top
                .into_rows()
                .iter()
                .map(|r| r.signature.to_string())
                .collect();
            let mut all: Vec<&Row> = rows.iter().collect();
            all.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.day.cmp(&b.day)));
            let want: Vec<String> = all
                .iter()
                .take(limit)
                .map(|r| r.signature.to_string())
                .collect();
            assert_eq!(got, want, "limit {limit}");
        }
    }
}
