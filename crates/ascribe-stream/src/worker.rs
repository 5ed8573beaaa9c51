//! The worker: pull batches, count each with the single-node pass, and commit many
//! batches' ids and merged deltas in one PostgreSQL transaction; acknowledge after.
//!
//! Every failure becomes "delivered again", and a batch delivered again is a no-op
//! (its id is already in `ingested_batches`): a crash before the commit rolls back, a
//! crash after it leaves acks unsent, a database error naks the window's batches.

use std::time::{Duration, Instant};

use async_nats::jetstream::message::Acker;
use async_nats::jetstream::{self, AckKind, Message};
use futures_util::StreamExt;

use crate::batch;
use crate::broker::{self, Topology};
use crate::count::{check, unpack, Counter, Refused};
use crate::pg::{self, Applied, BatchRow, RejectRow};
use crate::StreamError;

/// What a worker tells its caller after each transaction.
pub type OnCommit = dyn Fn(Result<&Applied, &StreamError>, Duration) + Send + Sync;

/// Told a batch's sensor before the batch is counted.
pub type OnRead = dyn Fn(&str) + Send + Sync;

/// What a worker tells its operator.
pub type OnNotice = dyn Fn(&str) + Send + Sync;

/// How a worker runs.
pub struct WorkerOptions {
    /// This worker's name in `ingested_batches` and `stream_workers`.
    pub name: String,
    pub topology: Topology,
    /// Batches asked for per pull (default 32: 32 x 1 MB stays far below the
    /// client's 64 MiB slow-consumer limit).
    pub fetch: usize,
    /// A transaction is committed once it holds this many lines (default 200,000) ...
    pub max_lines: u64,
    /// ... or this long after its first batch arrived (default 2 s), or when the
    /// stream has nothing more for now.
    pub max_wait: Duration,
    /// Larger batches are refused (default 1 MiB, the stream's message limit).
    pub max_batch_bytes: usize,
    /// Stop after this long without a batch (tests, benchmarks); run on when `None`.
    pub idle_exit: Option<Duration>,
    /// Called after each commit, before the acknowledgements (a test's crash point).
    pub after_commit: Option<Box<dyn Fn(u64) + Send + Sync>>,
    /// Called with a batch's sensor before it is counted (a test's crash point: a batch
    /// that kills every worker it reaches).
    pub before_count: Option<Box<OnRead>>,
    /// Called after each transaction with what it did (or why it failed: its batches
    /// are then handed back) and how long it took.
    pub on_commit: Option<Box<OnCommit>>,
    /// Told what the worker wants its operator to know (the consumer it found was made
    /// with other settings than this worker's).
    pub on_notice: Option<Box<OnNotice>>,
}

impl WorkerOptions {
    pub fn new(name: String, topology: Topology) -> WorkerOptions {
        WorkerOptions {
            name,
            topology,
            fetch: 32,
            max_lines: 200_000,
            max_wait: Duration::from_secs(2),
            max_batch_bytes: 1 << 20,
            idle_exit: None,
            after_commit: None,
            before_count: None,
            on_commit: None,
            on_notice: None,
        }
    }
}

/// What a worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WorkerReport {
    pub transactions: u64,
    pub batches: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub rows_upserted: u64,
    pub lines: u64,
    /// Deliveries that were not the first (from the broker's delivery count).
    pub redelivered: u64,
    /// Transactions that failed and whose batches were handed back.
    pub failed_transactions: u64,
    /// Acknowledgements (ack, term, nak) that could not be sent: each such batch comes
    /// back after the ack wait, and its second commit is a no-op.
    pub acks_lost: u64,
}

/// Sends an acknowledgement; one that cannot be sent is counted and told (the first
/// of a settle), not dropped in silence: the batch will come back, a no-op then.
async fn acknowledge(
    msg: &Acker,
    kind: AckKind,
    opts: &WorkerOptions,
    report: &mut WorkerReport,
    told: &mut bool,
) {
    if let Err(e) = msg.ack_with(kind).await {
        report.acks_lost += 1;
        if !*told {
            *told = true;
            notice(
                opts,
                &format!("an acknowledgement was not sent ({e}): its batch will be delivered again and skipped as a duplicate"),
            );
        }
    }
}

/// A batch of the open transaction: its acknowledgement handle (used after the
/// commit), its size, how many times the broker has delivered it, and what reading it
/// gave. The payload itself is dropped once read, so a window of 200,000 lines holds
/// their deltas, not their text.
struct Item {
    msg: Acker,
    bytes: u64,
    delivered: i64,
    read: Result<BatchRow, RejectRow>,
}

/// The batches of the open transaction.
#[derive(Default)]
struct Window {
    items: Vec<Item>,
    lines: u64,
    opened: Option<Instant>,
}

/// What the worker reads of the consumer it pulls from (its settings may have been
/// made by another worker, so they are read back, never assumed).
#[derive(Debug, Clone, Copy)]
struct Consumer {
    /// Deliveries before the broker gives a batch up (0 or less: no limit).
    max_deliver: i64,
    ack_wait: Duration,
}

impl Consumer {
    /// True when the broker will not deliver this batch again.
    fn last_delivery(self, delivered: i64) -> bool {
        self.max_deliver > 0 && delivered >= self.max_deliver
    }
}

/// The rows and refusals of some items, for one transaction.
fn parts<'a>(items: impl Iterator<Item = &'a Item>) -> (Vec<&'a BatchRow>, Vec<&'a RejectRow>) {
    let (mut rows, mut rejects) = (Vec::new(), Vec::new());
    for it in items {
        match &it.read {
            Ok(r) => rows.push(r),
            Err(r) => rejects.push(r),
        }
    }
    (rows, rejects)
}

/// A message's payload as the log's bytes, read by its `Ascribe-Encoding` header
/// (absent: plain) and unpacked within `limit`.
fn plain_payload(m: &Message, limit: usize) -> Result<std::borrow::Cow<'_, [u8]>, Refused> {
    let named = m.headers.as_ref().and_then(|h| h.get(batch::H_ENCODING));
    let encoding = match named {
        None => batch::Encoding::Plain,
        Some(v) => batch::Encoding::from_name(v.as_str()).ok_or(Refused::Header {
            header: batch::H_ENCODING,
            why: "not none or zstd".to_owned(),
        })?,
    };
    unpack(&m.payload, encoding, limit)
}

/// One message read: counted, or refused with its reason.
fn read(counter: &Counter, opts: &WorkerOptions, m: &Message) -> Result<BatchRow, RejectRow> {
    let (topology, limit) = (&opts.topology, opts.max_batch_bytes);
    let (seq, info_error) = match m.info() {
        Ok(i) => (i.stream_sequence, None),
        Err(e) => (0, Some(e.to_string())),
    };
    let header = |name: &str| {
        m.headers
            .as_ref()
            .and_then(|h| h.get(name))
            .map(|v| v.as_str().to_owned())
    };
    let id = header("Nats-Msg-Id");
    let reject = |sensor: &str, reason: String| RejectRow {
        batch_id: id
            .clone()
            .unwrap_or_else(|| format!("unidentified:{}:{seq}", topology.stream)),
        sensor: sensor.to_owned(),
        stream_seq: seq,
        bytes: m.payload.len() as u64,
        reason,
    };
    let bad = |header: &'static str, why: &str| Refused::Header {
        header,
        why: why.to_owned(),
    };
    if let Some(e) = info_error {
        return Err(reject("", format!("not a JetStream delivery: {e}")));
    }
    let Some(id) = &id else {
        return Err(reject("", bad("Nats-Msg-Id", "absent").to_string()));
    };
    let Some((sensor, _, _, _)) = batch::parse_batch_id(id) else {
        return Err(reject(
            "",
            bad("Nats-Msg-Id", "not SENSOR:FILE:START-END").to_string(),
        ));
    };
    if header(batch::H_SENSOR).as_deref() != Some(sensor) {
        return Err(reject(
            sensor,
            bad(batch::H_SENSOR, "absent or not the id's sensor").to_string(),
        ));
    }
    let Some(format) =
        header(batch::H_FORMAT).and_then(|f| ascribe_telemetry::Format::from_name(&f))
    else {
        return Err(reject(
            sensor,
            bad(batch::H_FORMAT, "absent or unknown").to_string(),
        ));
    };
    let Some(file) = header(batch::H_FILE) else {
        return Err(reject(sensor, bad(batch::H_FILE, "absent").to_string()));
    };
    let plain = match plain_payload(m, limit) {
        Ok(p) => p,
        Err(e) => return Err(reject(sensor, e.to_string())),
    };
    if let Err(e) = check(&plain, limit) {
        return Err(reject(sensor, e.to_string()));
    }
    if let Some(f) = &opts.before_count {
        f(sensor);
    }
    match counter.count(&file, format, &plain) {
        Ok(c) => Ok(BatchRow {
            batch_id: id.clone(),
            sensor: sensor.to_owned(),
            stream_seq: seq,
            lines: c.lines,
            bad_lines: c.bad_lines,
            deltas: c.deltas,
        }),
        Err(e) => Err(reject(sensor, e.to_string())),
    }
}

/// Runs a worker until `stop` turns true (the open transaction is committed and
/// acknowledged first) or it has been idle for `idle_exit`.
pub async fn run(
    client: &async_nats::Client,
    db_url: &str,
    counter: &Counter,
    opts: &WorkerOptions,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Result<WorkerReport, StreamError> {
    let mut db = pg::connect(db_url).await?;
    pg::require_tables(&db).await?;
    let js = jetstream::new(client.clone());
    let stream = broker::ensure_stream(&js, &opts.topology).await?;
    let consumer = broker::ensure_consumer(&stream, &opts.topology).await?;
    let settings = Consumer {
        max_deliver: consumer.cached_info().config.max_deliver,
        ack_wait: consumer.cached_info().config.ack_wait,
    };
    pg::prepare_session(&db, settings.ack_wait).await?;
    // The consumer is made by whoever comes first; its settings are not changed here.
    let t = &opts.topology;
    if (settings.ack_wait, settings.max_deliver) != (t.ack_wait, t.max_deliver) {
        notice(
            opts,
            &format!(
                "consumer {} was made with ack_wait {}s and max_deliver {}, not {}s and {}: those apply",
                t.consumer,
                settings.ack_wait.as_secs_f64(),
                settings.max_deliver,
                t.ack_wait.as_secs_f64(),
                t.max_deliver
            ),
        );
    }
    let given_up = broker::ensure_given_up_consumer(&js, &opts.topology).await?;
    let mut report = WorkerReport::default();
    let mut win = Window::default();
    let mut last_batch = Instant::now();
    let mut given_up_read: Option<Instant> = None;
    // Since when pulls have failed (the broker unreachable): the worker waits for it, as
    // the client reconnects by itself, and says so once rather than in silence.
    let mut broker_down: Option<Instant> = None;
    loop {
        if given_up_read.is_none_or(|t| t.elapsed() >= GIVEN_UP_EVERY) {
            record_given_up(&mut db, &given_up, &stream, opts, &mut report).await?;
            given_up_read = Some(Instant::now());
        }
        let stopping = *stop.borrow();
        let idle = opts.idle_exit.is_some_and(|d| last_batch.elapsed() >= d);
        if (stopping || idle) && win.items.is_empty() {
            break;
        }
        let mut got = Vec::new();
        if !stopping {
            let wait = if win.items.is_empty() { 1000 } else { 100 };
            let fetched = consumer
                .fetch()
                .max_messages(opts.fetch)
                .expires(Duration::from_millis(wait))
                .messages()
                .await;
            let pulled = match fetched {
                Ok(mut batch) => {
                    while let Some(m) = batch.next().await {
                        match m {
                            Ok(m) => got.push(m),
                            // A pull cut short (broker restart, timeout): what arrived
                            // is kept, the rest is delivered again.
                            Err(_) => break,
                        }
                    }
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            };
            let state = client.connection_state();
            match (pulled, state) {
                (Ok(()), async_nats::connection::State::Connected) => {
                    if let Some(since) = broker_down.take() {
                        notice(
                            opts,
                            &format!(
                                "the broker answers again, {:.1}s after this worker found it gone",
                                since.elapsed().as_secs_f64()
                            ),
                        );
                    }
                }
                (pulled, state) => {
                    if broker_down.is_none() {
                        broker_down = Some(Instant::now());
                        let why = pulled
                            .err()
                            .unwrap_or_else(|| format!("connection {state}"));
                        notice(
                            opts,
                            &format!("cannot pull batches ({why}): waiting for the broker"),
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        if !got.is_empty() {
            last_batch = Instant::now();
            win.opened.get_or_insert_with(Instant::now);
            let read_all: Vec<Result<BatchRow, RejectRow>> = tokio::task::block_in_place(|| {
                got.iter().map(|m| read(counter, opts, m)).collect()
            });
            for (m, r) in got.into_iter().zip(read_all) {
                // A message without JetStream metadata is refused by `read` at once; it
                // is taken as a first delivery.
                let delivered = m.info().map_or(1, |i| i.delivered);
                if delivered > 1 {
                    report.redelivered += 1;
                }
                if let Ok(row) = &r {
                    win.lines += row.lines;
                }
                let bytes = m.payload.len() as u64;
                let (_read_already, acker) = m.split();
                win.items.push(Item {
                    msg: acker,
                    bytes,
                    delivered,
                    read: r,
                });
            }
        }
        let full = win.lines >= opts.max_lines
            || win.opened.is_some_and(|t| t.elapsed() >= opts.max_wait)
            || win.items.len() >= opts.topology.max_ack_pending.max(1) as usize / 2;
        let quiet = last_batch.elapsed() >= Duration::from_millis(100);
        if !win.items.is_empty() && (full || quiet || stopping) {
            let w = std::mem::take(&mut win);
            commit(&mut db, db_url, client, opts, settings, w, &mut report).await?;
        }
    }
    flush_acks(client, opts).await?;
    Ok(report)
}

/// Waits until the acknowledgements the client holds are written to the broker's
/// connection, at most [`FLUSH_WAIT`]: while the client is reconnecting the flush waits
/// for the connection, and a broker away for long must not hold the worker, nor a stop.
/// Past the bound the worker says so and goes on: an acknowledgement that did not
/// arrive means a redelivery, which the batch table makes a no-op.
async fn flush_acks(client: &async_nats::Client, opts: &WorkerOptions) -> Result<(), StreamError> {
    match tokio::time::timeout(FLUSH_WAIT, client.flush()).await {
        Ok(flushed) => {
            flushed.map_err(|e| StreamError::Nats(format!("flushing acknowledgements: {e}")))
        }
        Err(_) => {
            notice(
                opts,
                &format!(
                    "acknowledgements not sent to the broker within {}s (its connection is down): their batches may come back to a worker, which skips them as duplicates",
                    FLUSH_WAIT.as_secs()
                ),
            );
            Ok(())
        }
    }
}

fn notice(opts: &WorkerOptions, what: &str) {
    if let Some(f) = &opts.on_notice {
        f(what);
    }
}

/// How often a worker reads the broker's "given up" advisories.
const GIVEN_UP_EVERY: Duration = Duration::from_secs(1);

/// The server's expiry of a pull for advisories (it answers at once when there are none).
const GIVEN_UP_EXPIRES: Duration = Duration::from_millis(500);

/// How long a worker waits for the broker to answer a request of its own before it
/// takes the broker as away for now.
const BROKER_ANSWER: Duration = Duration::from_secs(3);

/// How long a worker waits to send its acknowledgements (see [`flush_acks`]).
const FLUSH_WAIT: Duration = Duration::from_secs(10);

/// Records in `rejected_batches` each batch the broker gave up since the last call:
/// every one of its `max_deliver` deliveries ended without an acknowledgement, so
/// whatever happened to the workers that held it, it is not counted and must not
/// vanish. The advisory is acknowledged once the row is committed; a batch that was
/// in fact applied (its acknowledgements lost) is not recorded. When the broker or
/// the database fails, the advisories stay unacknowledged and come back.
async fn record_given_up(
    db: &mut tokio_postgres::Client,
    given_up: &jetstream::consumer::PullConsumer,
    stream: &jetstream::stream::Stream,
    opts: &WorkerOptions,
    report: &mut WorkerReport,
) -> Result<(), StreamError> {
    // A fetch without an expiry waits for its answer forever, and a request or answer
    // lost with a cut connection never comes: the fetch is bounded, so a worker told to
    // stop is never stuck here (a CI run saw it).
    let pull = async {
        let mut got = Vec::new();
        // The broker is away; the batches' pull sees it too, and this is tried again.
        if let Ok(mut fetched) = given_up
            .fetch()
            .max_messages(64)
            .expires(GIVEN_UP_EXPIRES)
            .messages()
            .await
        {
            while let Some(Ok(m)) = fetched.next().await {
                got.push(m);
            }
        }
        got
    };
    // What came before the bound ran out is dropped unacknowledged and comes back.
    let Ok(got) = tokio::time::timeout(BROKER_ANSWER, pull).await else {
        return Ok(());
    };
    if got.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(got.len());
    for m in &got {
        rows.push(given_up_row(stream, &opts.topology, m).await);
    }
    let t = Instant::now();
    let refs: Vec<&RejectRow> = rows.iter().collect();
    match pg::commit(db, &opts.name, &[], &refs).await {
        Ok(applied) => {
            report.transactions += 1;
            report.rejected += applied.rejected;
            if let Some(f) = &opts.on_commit {
                f(Ok(&applied), t.elapsed());
            }
            let mut told = false;
            for m in &got {
                // A lost ack brings the advisory back; recording it again is a no-op.
                if let Err(e) = m.ack().await {
                    report.acks_lost += 1;
                    if !std::mem::replace(&mut told, true) {
                        notice(opts, &format!("a \"given up\" advisory's acknowledgement was not sent ({e}): it will be read again, a no-op"));
                    }
                }
            }
            Ok(())
        }
        Err(e) => {
            report.failed_transactions += 1;
            if let Some(f) = &opts.on_commit {
                f(Err(&e), t.elapsed());
            }
            Ok(())
        }
    }
}

/// The `rejected_batches` row of a "given up" advisory: the batch's id and sensor are
/// read from the batch itself, still in the stream (Limits retention).
async fn given_up_row(
    stream: &jetstream::stream::Stream,
    topology: &Topology,
    m: &Message,
) -> RejectRow {
    let seq = m.info().map_or(0, |i| i.stream_sequence);
    let g = match broker::read_given_up(&m.payload) {
        Ok(g) => g,
        Err(why) => {
            return RejectRow {
                batch_id: format!("unreadable-advisory:{}:{seq}", topology.given_up_stream()),
                sensor: String::new(),
                stream_seq: seq,
                bytes: m.payload.len() as u64,
                reason: why,
            }
        }
    };
    let unidentified = format!("unidentified:{}:{}", topology.stream, g.stream_seq);
    let why = format!(
        "{} after {} deliveries (the consumer's limit), none acknowledged: each worker that held it stopped before committing it",
        pg::GIVEN_UP_BY_BROKER,
        g.deliveries
    );
    match stream.get_raw_message(g.stream_seq).await {
        Ok(b) => {
            let header = |name: &str| b.headers.get(name).map(|v| v.as_str().to_owned());
            RejectRow {
                batch_id: header("Nats-Msg-Id").unwrap_or(unidentified),
                // As `read` does: no sensor header, no sensor.
                sensor: header(batch::H_SENSOR).unwrap_or_else(String::new),
                stream_seq: g.stream_seq,
                bytes: b.payload.len() as u64,
                reason: why,
            }
        }
        Err(e) => RejectRow {
            batch_id: unidentified,
            sensor: String::new(),
            stream_seq: g.stream_seq,
            bytes: 0,
            reason: format!("{why} (the batch is no longer in the stream: {e})"),
        },
    }
}

/// Commits the window, then acknowledges its batches (refused ones with "term": never
/// delivered again).
///
/// A lost database connection keeps the batches: the broker is told they are in
/// progress while the worker connects again, then the same transaction is tried again
/// (a commit that landed before the connection went makes the retry a no-op). A
/// transaction the database refuses is split ([`isolate`]).
async fn commit(
    db: &mut tokio_postgres::Client,
    db_url: &str,
    client: &async_nats::Client,
    opts: &WorkerOptions,
    settings: Consumer,
    w: Window,
    report: &mut WorkerReport,
) -> Result<(), StreamError> {
    // A connection lost again and again is given up after this many tries (the
    // batches are then delivered again to whoever is left).
    const TRIES: usize = 10;
    for _ in 0..TRIES {
        let t = Instant::now();
        let (rows, rejects) = parts(w.items.iter());
        match pg::commit(db, &opts.name, &rows, &rejects).await {
            Ok(applied) => {
                report.transactions += 1;
                if let Some(f) = &opts.after_commit {
                    f(report.transactions);
                }
                settle(client, opts, report, &applied, t.elapsed(), &w.items).await?;
                return Ok(());
            }
            Err(e) => {
                report.failed_transactions += 1;
                if let Some(f) = &opts.on_commit {
                    f(Err(&e), t.elapsed());
                }
                if connection_lost(db).await {
                    *db = reconnect(db_url, &w.items, settings.ack_wait).await?;
                    continue;
                }
                return isolate(db, db_url, client, opts, settings, w, report).await;
            }
        }
    }
    Err(StreamError::Db(format!(
        "the connection to the database was lost {TRIES} times in one transaction"
    )))
}

/// After a commit: the counters, the caller's callback, the acknowledgements.
async fn settle(
    client: &async_nats::Client,
    opts: &WorkerOptions,
    report: &mut WorkerReport,
    applied: &Applied,
    took: Duration,
    items: &[Item],
) -> Result<(), StreamError> {
    report.batches += applied.batches;
    report.duplicates += applied.duplicates;
    report.rejected += applied.rejected;
    report.rows_upserted += applied.rows;
    report.lines += applied.lines;
    if let Some(f) = &opts.on_commit {
        f(Ok(applied), took);
    }
    let mut told = false;
    for it in items {
        let kind = if it.read.is_err() {
            AckKind::Term
        } else {
            AckKind::Ack
        };
        // A lost ack is a redelivery, which the batch table makes a no-op.
        acknowledge(&it.msg, kind, opts, report, &mut told).await;
    }
    flush_acks(client, opts).await
}

/// True when the database connection is gone (not just the statement refused).
async fn connection_lost(db: &tokio_postgres::Client) -> bool {
    if db.is_closed() {
        return true;
    }
    let probe = tokio::time::timeout(Duration::from_secs(5), db.simple_query("SELECT 1")).await;
    !matches!(probe, Ok(Ok(_)))
}

/// The database refused the window's transaction: each batch is committed on its own,
/// so that a batch the database refuses does not hold the others back. A batch
/// refused at its last delivery is recorded in `rejected_batches` with the database's
/// reason and terminated: never retried forever, never dropped in silence. Before its
/// last delivery it is handed back (nak) to be delivered again.
async fn isolate(
    db: &mut tokio_postgres::Client,
    db_url: &str,
    client: &async_nats::Client,
    opts: &WorkerOptions,
    settings: Consumer,
    w: Window,
    report: &mut WorkerReport,
) -> Result<(), StreamError> {
    // One transaction per batch takes a while: the broker is told the batches are in
    // progress, so their ack wait does not run out meanwhile.
    for it in &w.items {
        // A lost "in progress" only means the batch may be delivered again.
        let _ = it.msg.ack_with(AckKind::Progress).await;
    }
    let mut items = w.items.into_iter();
    while let Some(it) = items.next() {
        let t = Instant::now();
        let (rows, rejects) = parts(std::iter::once(&it));
        let refused = match pg::commit(db, &opts.name, &rows, &rejects).await {
            Ok(applied) => {
                report.transactions += 1;
                settle(client, opts, report, &applied, t.elapsed(), &[it]).await?;
                continue;
            }
            Err(e) => e,
        };
        report.failed_transactions += 1;
        if let Some(f) = &opts.on_commit {
            f(Err(&refused), t.elapsed());
        }
        if connection_lost(db).await {
            // Not the batch's fault: it and the rest come back later.
            let mut told = false;
            for rest in std::iter::once(it).chain(items) {
                let nak = AckKind::Nak(Some(NAK_DELAY));
                acknowledge(&rest.msg, nak, opts, report, &mut told).await;
            }
            *db = reconnect(db_url, &[], settings.ack_wait).await?;
            return Ok(());
        }
        if !settings.last_delivery(it.delivered) {
            let mut told = false;
            let nak = AckKind::Nak(Some(NAK_DELAY));
            acknowledge(&it.msg, nak, opts, report, &mut told).await;
            continue;
        }
        let rejected = reject_row(&it, &refused);
        let t = Instant::now();
        match pg::commit(db, &opts.name, &[], &[&rejected]).await {
            Ok(applied) => {
                report.transactions += 1;
                let given_up = Item {
                    read: Err(rejected),
                    ..it
                };
                settle(client, opts, report, &applied, t.elapsed(), &[given_up]).await?;
            }
            Err(e) => {
                // Not even the refusal could be written: the broker gives the batch
                // up now, and the error says which one.
                report.failed_transactions += 1;
                return Err(StreamError::Db(format!(
                    "batch {} at its last delivery could not be recorded as rejected: {e}",
                    rejected.batch_id
                )));
            }
        }
    }
    flush_acks(client, opts).await
}

/// How long a batch handed back waits before it is delivered again.
const NAK_DELAY: Duration = Duration::from_secs(1);

/// A batch given up at its last delivery, with the database's reason.
fn reject_row(it: &Item, why: &StreamError) -> RejectRow {
    let (batch_id, sensor, stream_seq) = match &it.read {
        Ok(r) => (r.batch_id.clone(), r.sensor.clone(), r.stream_seq),
        Err(r) => (r.batch_id.clone(), r.sensor.clone(), r.stream_seq),
    };
    RejectRow {
        batch_id,
        sensor,
        stream_seq,
        bytes: it.bytes,
        reason: format!(
            "refused by the database at each of its {} deliveries (the consumer's limit): {why}",
            it.delivered
        ),
    }
}

/// Connects again, trying for up to a minute; meanwhile the broker is told that the
/// held batches are in progress, so they are not delivered to another worker.
async fn reconnect(
    db_url: &str,
    held: &[Item],
    ack_wait: Duration,
) -> Result<tokio_postgres::Client, StreamError> {
    let started = Instant::now();
    let mut told: Option<Instant> = None;
    loop {
        if told.is_none_or(|t| t.elapsed() >= ack_wait / 3) {
            for it in held {
                // A lost "in progress" only means the batch may be delivered again.
                let _ = it.msg.ack_with(AckKind::Progress).await;
            }
            told = Some(Instant::now());
        }
        match pg::connect(db_url).await {
            Ok(c) => {
                pg::prepare_session(&c, ack_wait).await?;
                return Ok(c);
            }
            Err(e) if started.elapsed() >= Duration::from_secs(60) => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// The transport alone (a benchmark's figure): pull and acknowledge batches without
/// counting or a database, until idle for `idle_exit`. Returns the batches, the lines as
/// the shipper declared them, and when the last batch arrived.
pub async fn drain(
    client: &async_nats::Client,
    opts: &WorkerOptions,
) -> Result<(u64, u64, std::time::SystemTime), StreamError> {
    let js = jetstream::new(client.clone());
    let stream = broker::ensure_stream(&js, &opts.topology).await?;
    let consumer = broker::ensure_consumer(&stream, &opts.topology).await?;
    let idle = opts.idle_exit.unwrap_or(Duration::from_secs(2));
    let (mut batches, mut lines) = (0u64, 0u64);
    let mut last = Instant::now();
    let mut last_at = std::time::SystemTime::now();
    // A continuous pull: the broker is asked for more while batches are unpacked, so
    // the pipe never waits on a round trip (a fetch at a time left both sides idle).
    let mut got = consumer
        .stream()
        .max_messages_per_batch(opts.fetch)
        .messages()
        .await
        .map_err(|e| StreamError::Nats(format!("pull: {e}")))?;
    loop {
        let wait = idle.saturating_sub(last.elapsed());
        let m = match tokio::time::timeout(wait, got.next()).await {
            Err(_) | Ok(None) => break,
            Ok(Some(m)) => m.map_err(|e| StreamError::Nats(format!("pull: {e}")))?,
        };
        last = Instant::now();
        last_at = std::time::SystemTime::now();
        batches += 1;
        let n = match m.headers.as_ref().and_then(|h| h.get(batch::H_LINES)) {
            Some(v) => Some(v.as_str().parse::<u64>().map_err(|e| {
                StreamError::Nats(format!(
                    "a batch whose {} header is not a count: {e}",
                    batch::H_LINES
                ))
            })?),
            None => None,
        };
        lines += n.ok_or_else(|| {
            StreamError::Nats(format!(
                "a batch without a readable {} header",
                batch::H_LINES
            ))
        })?;
        // Unpacked as a worker would, so the figure includes it.
        plain_payload(&m, opts.max_batch_bytes)
            .map_err(|e| StreamError::Nats(format!("a batch that does not unpack: {e}")))?;
        m.ack()
            .await
            .map_err(|e| StreamError::Nats(format!("ack: {e}")))?;
    }
    flush_acks(client, opts).await?;
    Ok((batches, lines, last_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascribe_testutil::services::{NatsServer, Proxy};
    use std::sync::{Arc, Mutex};

    /// A flush while the broker's connection is down (cut, new ones refused) waits for
    /// the client to reconnect: the wait ends at [`FLUSH_WAIT`] with a warning instead,
    /// not when the broker comes back (here after three times as long).
    #[test]
    fn a_flush_while_the_broker_is_away_ends_at_its_bound_with_a_warning() {
        let Some(nats) = NatsServer::start() else {
            return;
        };
        let proxy = Proxy::start(nats.port());
        let told = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut opts = WorkerOptions::new("t".to_owned(), Topology::default());
        let sink = Arc::clone(&told);
        opts.on_notice = Some(Box::new(move |m| {
            sink.lock().expect("notice lock").push(m.to_owned());
        }));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let took = rt.block_on(async {
            let client = async_nats::connect(format!("127.0.0.1:{}", proxy.port()))
                .await
                .expect("connecting through the proxy");
            flush_acks(&client, &opts).await.expect("a flush answered");
            assert!(told.lock().expect("notice lock").is_empty());
            proxy.cut(FLUSH_WAIT * 3);
            let cut = Instant::now();
            while client.connection_state() == async_nats::connection::State::Connected {
                assert!(
                    cut.elapsed() < Duration::from_secs(5),
                    "the cut went unseen"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            // An acknowledgement's worth, held by the client until it reconnects.
            client
                .publish("t.ack", "+ACK".into())
                .await
                .expect("a publish is queued while reconnecting");
            let t = Instant::now();
            flush_acks(&client, &opts)
                .await
                .expect("a lost answer is no error");
            t.elapsed()
        });
        assert!(
            took >= FLUSH_WAIT && took < FLUSH_WAIT + Duration::from_secs(5),
            "{took:?}"
        );
        let told = told.lock().expect("notice lock");
        assert!(
            told.len() == 1 && told[0].contains("not sent to the broker within"),
            "{told:?}"
        );
    }
}
