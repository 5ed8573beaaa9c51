//! The PostgreSQL side: the one transaction a worker commits, and the reads of
//! `telemetry report` and `status`. The tables are the store's migration 0010.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use futures_util::{pin_mut, TryStreamExt};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, NoTls};

use crate::count::{merge, Deltas, Key, Tally};
use crate::StreamError;

/// Connects and keeps the connection running on the runtime; a lost connection shows as
/// an error of the next statement.
pub async fn connect(url: &str) -> Result<Client, StreamError> {
    let (client, conn) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|e| StreamError::Db(format!("cannot connect to {}: {e}", redact(url))))?;
    tokio::spawn(async move {
        // The error reaches the caller through its next statement.
        let _ = conn.await;
    });
    Ok(client)
}

/// The URL without a password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn db(e: tokio_postgres::Error) -> StreamError {
    StreamError::Db(crate::error_chain(&e))
}

/// Checks that the workers' tables are there. They are the store's PostgreSQL migration
/// 0010 (`ascribe-store/migrations/postgres/0010_stream.sql`): the caller opens the
/// database with `ascribe_store::Store::open_at` first, which applies it once, under
/// the store's migration lock, however many workers start together.
pub async fn require_tables(client: &Client) -> Result<(), StreamError> {
    let found: bool = client
        .query_one("SELECT to_regclass('ingested_batches') IS NOT NULL", &[])
        .await
        .map_err(db)?
        .get(0);
    if found {
        Ok(())
    } else {
        Err(StreamError::Db(
            "the database has no stream tables (migration 0010): open it with ascribe first".into(),
        ))
    }
}

/// Per-connection settings and staging tables for the binary COPY (emptied at each
/// commit).
///
/// A worker frozen inside its transaction (a paused VM, SIGSTOP) would hold the row
/// locks of its batch ids, and every other worker given those batches again would wait
/// on them for as long as it stays frozen. Past the ack wait its batches belong to
/// others anyway, so the server ends such a transaction then: idle in it for the ack
/// wait, or one statement running past the ack wait and at least 30 s. The frozen
/// worker finds its connection gone when it resumes, connects again and retries; its
/// batches are then duplicates.
pub async fn prepare_session(client: &Client, ack_wait: Duration) -> Result<(), StreamError> {
    let idle = ack_wait.as_millis().max(1);
    let statement = ack_wait.max(Duration::from_secs(30)).as_millis();
    client
        .batch_execute(&format!(
            "SET idle_in_transaction_session_timeout = {idle}; SET statement_timeout = {statement};"
        ))
        .await
        .map_err(db)?;
    client
        .batch_execute(
            "CREATE TEMP TABLE IF NOT EXISTS delta_counts (
                day bigint, src_country text, src_asn bigint, signature text, action text,
                events bigint, matched_events bigint) ON COMMIT DELETE ROWS;
             CREATE TEMP TABLE IF NOT EXISTS delta_indicators (
                day bigint, src_country text, src_asn bigint, signature text, action text,
                indicator text) ON COMMIT DELETE ROWS;",
        )
        .await
        .map_err(db)
}

/// A batch read by a worker, to be recorded with its deltas.
#[derive(Debug, Clone)]
pub struct BatchRow {
    pub batch_id: String,
    pub sensor: String,
    pub stream_seq: u64,
    pub lines: u64,
    pub bad_lines: u64,
    pub deltas: Deltas,
}

/// How the reason of a batch the broker gave up begins. The broker says only that no
/// delivery was acknowledged; a worker that refused the batch at its last delivery
/// knows why, and its reason replaces this one when the broker's came first (the
/// broker may give a batch up while the last delivery is still being refused).
pub const GIVEN_UP_BY_BROKER: &str = "given up by the broker";

/// A batch refused whole, with its reason.
#[derive(Debug, Clone)]
pub struct RejectRow {
    pub batch_id: String,
    pub sensor: String,
    pub stream_seq: u64,
    pub bytes: u64,
    pub reason: String,
}

/// What one commit did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Batches seen for the first time (their deltas applied).
    pub batches: u64,
    /// Batches already recorded (redelivered or republished): their deltas skipped.
    pub duplicates: u64,
    pub rejected: u64,
    /// Aggregate rows upserted (after merging the new batches' deltas).
    pub rows: u64,
    pub lines: u64,
}

/// The one transaction of a worker: the batch ids (unique; the ones already there are
/// duplicates), the merged deltas of the new ones in key order, the refused batches
/// (never one already applied: a batch the broker gave up may have been committed by a
/// worker whose acknowledgements were lost), the worker's counters. All of it commits or none; the caller acknowledges after.
pub async fn commit(
    client: &mut Client,
    worker: &str,
    batches: &[&BatchRow],
    rejected: &[&RejectRow],
) -> Result<Applied, StreamError> {
    let tx = client.transaction().await.map_err(db)?;
    let mut applied = Applied::default();
    if !batches.is_empty() {
        let mut sorted: Vec<&BatchRow> = batches.to_vec();
        // Ids in one order, so two workers inserting overlapping ids never deadlock.
        sorted.sort_by(|a, b| a.batch_id.cmp(&b.batch_id));
        sorted.dedup_by(|a, b| a.batch_id == b.batch_id);
        let ids: Vec<&str> = sorted.iter().map(|b| b.batch_id.as_str()).collect();
        let sensors: Vec<&str> = sorted.iter().map(|b| b.sensor.as_str()).collect();
        let seqs: Vec<i64> = sorted.iter().map(|b| big(b.stream_seq)).collect();
        let lines: Vec<i64> = sorted.iter().map(|b| big(b.lines)).collect();
        let bad: Vec<i64> = sorted.iter().map(|b| big(b.bad_lines)).collect();
        let new: HashSet<String> = tx
            .query(
                "INSERT INTO ingested_batches (batch_id, sensor, stream_seq, lines, bad_lines, worker)
                 SELECT i, s, q, l, b, $6 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
                   AS u(i, s, q, l, b) ORDER BY i
                 ON CONFLICT (batch_id) DO NOTHING
                 RETURNING batch_id",
                &[&ids, &sensors, &seqs, &lines, &bad, &worker],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut total = Deltas::new();
        for b in &sorted {
            if new.contains(&b.batch_id) {
                merge(&mut total, &b.deltas);
                applied.lines += b.lines;
            }
        }
        applied.batches = new.len() as u64;
        applied.duplicates = (batches.len() - new.len()) as u64;
        applied.rows = total.len() as u64;
        if !total.is_empty() {
            upsert(&tx, &total).await?;
        }
    }
    if !rejected.is_empty() {
        let ids: Vec<&str> = rejected.iter().map(|b| b.batch_id.as_str()).collect();
        let sensors: Vec<&str> = rejected.iter().map(|b| b.sensor.as_str()).collect();
        let seqs: Vec<i64> = rejected.iter().map(|b| big(b.stream_seq)).collect();
        let bytes: Vec<i64> = rejected.iter().map(|b| big(b.bytes)).collect();
        let reasons: Vec<&str> = rejected.iter().map(|b| b.reason.as_str()).collect();
        let given_up = format!("{GIVEN_UP_BY_BROKER}%");
        tx.execute(
            "UPDATE rejected_batches r SET reason = u.r, worker = $3
             FROM unnest($1::text[], $2::text[]) AS u(i, r)
             WHERE r.batch_id = u.i AND r.reason LIKE $4 AND u.r NOT LIKE $4",
            &[&ids, &reasons, &worker, &given_up],
        )
        .await
        .map_err(db)?;
        applied.rejected = tx
            .execute(
                "INSERT INTO rejected_batches (batch_id, sensor, stream_seq, bytes, reason, worker)
                 SELECT i, s, q, n, r, $6 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[])
                   AS u(i, s, q, n, r)
                 WHERE NOT EXISTS (SELECT 1 FROM ingested_batches b WHERE b.batch_id = u.i)
                 ORDER BY i
                 ON CONFLICT (batch_id) DO NOTHING",
                &[&ids, &sensors, &seqs, &bytes, &reasons, &worker],
            )
            .await
            .map_err(db)?;
    }
    tx.execute(
        "INSERT INTO stream_workers AS w (worker, transactions, batches, duplicates, rejected, rows_upserted, lines, updated_at)
         VALUES ($1, 1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (worker) DO UPDATE SET transactions = w.transactions + 1,
           batches = w.batches + excluded.batches, duplicates = w.duplicates + excluded.duplicates,
           rejected = w.rejected + excluded.rejected, rows_upserted = w.rows_upserted + excluded.rows_upserted,
           lines = w.lines + excluded.lines, updated_at = now()",
        &[
            &worker,
            &big(applied.batches),
            &big(applied.duplicates),
            &big(applied.rejected),
            &big(applied.rows),
            &big(applied.lines),
        ],
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(applied)
}

/// The merged deltas: binary COPY into the session's staging tables, then one upsert
/// each in key order (measured: without the order, two workers deadlock now and then).
async fn upsert(tx: &tokio_postgres::Transaction<'_>, total: &Deltas) -> Result<(), StreamError> {
    let sink = tx
        .copy_in("COPY delta_counts FROM STDIN (FORMAT binary)")
        .await
        .map_err(db)?;
    let w = BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::INT8,
        ],
    );
    pin_mut!(w);
    let mut with_ind = 0usize;
    for ((day, cc, asn, sig, act), t) in total {
        let asn = i64::from(*asn);
        let (ev, me) = (big(t.events), big(t.matched_events));
        w.as_mut()
            .write(&[day, cc, &asn, sig, act, &ev, &me])
            .await
            .map_err(db)?;
        with_ind += t.indicators.len();
    }
    w.finish().await.map_err(db)?;
    tx.execute(
        "INSERT INTO telemetry_counts AS t (day, src_country, src_asn, signature, action, events, matched_events)
         SELECT * FROM delta_counts ORDER BY day, src_country, src_asn, signature, action
         ON CONFLICT (day, src_country, src_asn, signature, action) DO UPDATE
         SET events = t.events + excluded.events, matched_events = t.matched_events + excluded.matched_events",
        &[],
    )
    .await
    .map_err(db)?;
    if with_ind > 0 {
        let sink = tx
            .copy_in("COPY delta_indicators FROM STDIN (FORMAT binary)")
            .await
            .map_err(db)?;
        let w = BinaryCopyInWriter::new(
            sink,
            &[
                Type::INT8,
                Type::TEXT,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
            ],
        );
        pin_mut!(w);
        for ((day, cc, asn, sig, act), t) in total {
            let asn = i64::from(*asn);
            for ind in &t.indicators {
                w.as_mut()
                    .write(&[day, cc, &asn, sig, act, ind])
                    .await
                    .map_err(db)?;
            }
        }
        w.finish().await.map_err(db)?;
        tx.execute(
            "INSERT INTO telemetry_count_indicators
             SELECT * FROM delta_indicators ORDER BY day, src_country, src_asn, signature, action, indicator
             ON CONFLICT DO NOTHING",
            &[],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Every aggregate, in the CSV's order (sorted here, by bytes, as single-node sorts).
pub async fn aggregates(client: &Client) -> Result<Deltas, StreamError> {
    let mut out = Deltas::new();
    let rows = client
        .query_raw(
            "SELECT day, src_country, src_asn, signature, action, events, matched_events FROM telemetry_counts",
            std::iter::empty::<&str>(),
        )
        .await
        .map_err(db)?;
    pin_mut!(rows);
    while let Some(r) = rows.try_next().await.map_err(db)? {
        let key: Key = (r.get(0), r.get(1), asn(r.get(2))?, r.get(3), r.get(4));
        let t = Tally {
            events: count(r.get(5))?,
            matched_events: count(r.get(6))?,
            indicators: BTreeSet::new(),
        };
        out.insert(key, t);
    }
    let rows = client
        .query_raw(
            "SELECT day, src_country, src_asn, signature, action, indicator FROM telemetry_count_indicators",
            std::iter::empty::<&str>(),
        )
        .await
        .map_err(db)?;
    pin_mut!(rows);
    while let Some(r) = rows.try_next().await.map_err(db)? {
        let key: Key = (r.get(0), r.get(1), asn(r.get(2))?, r.get(3), r.get(4));
        let Some(t) = out.get_mut(&key) else {
            return Err(StreamError::Db(format!(
                "indicator {:?} is recorded for a group with no count: {key:?}",
                r.get::<_, String>(5)
            )));
        };
        t.indicators.insert(r.get(5));
    }
    Ok(out)
}

/// A count as PostgreSQL's bigint.
fn big(n: u64) -> i64 {
    i64::try_from(n).expect("counts and sequences stay below 2^63")
}

fn asn(v: i64) -> Result<u32, StreamError> {
    u32::try_from(v).map_err(|_| StreamError::Db(format!("stored AS number {v} is out of range")))
}

fn count(v: i64) -> Result<u64, StreamError> {
    u64::try_from(v).map_err(|_| StreamError::Db(format!("stored count {v} is negative")))
}

/// What `status` shows of the database.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DbStatus {
    pub batches_applied: i64,
    pub lines: i64,
    pub bad_lines: i64,
    pub duplicates_skipped: i64,
    pub transactions: i64,
    pub rows_upserted: i64,
    pub aggregate_rows: i64,
    pub rejected: i64,
    /// The latest refused batches: id and reason.
    pub latest_rejected: Vec<(String, String)>,
}

pub async fn status(client: &Client) -> Result<DbStatus, StreamError> {
    let mut s = DbStatus::default();
    let r = client
        .query_one(
            "SELECT count(*), coalesce(sum(lines), 0)::bigint, coalesce(sum(bad_lines), 0)::bigint FROM ingested_batches",
            &[],
        )
        .await
        .map_err(db)?;
    (s.batches_applied, s.lines, s.bad_lines) = (r.get(0), r.get(1), r.get(2));
    let r = client
        .query_one(
            "SELECT coalesce(sum(duplicates), 0)::bigint, coalesce(sum(transactions), 0)::bigint,
                    coalesce(sum(rows_upserted), 0)::bigint FROM stream_workers",
            &[],
        )
        .await
        .map_err(db)?;
    (s.duplicates_skipped, s.transactions, s.rows_upserted) = (r.get(0), r.get(1), r.get(2));
    let r = client
        .query_one("SELECT count(*) FROM telemetry_counts", &[])
        .await
        .map_err(db)?;
    s.aggregate_rows = r.get(0);
    let r = client
        .query_one("SELECT count(*) FROM rejected_batches", &[])
        .await
        .map_err(db)?;
    s.rejected = r.get(0);
    s.latest_rejected = client
        .query(
            "SELECT batch_id, reason FROM rejected_batches ORDER BY rejected_at DESC, batch_id LIMIT 10",
            &[],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(s)
}
