//! The workers' PostgreSQL side, against a real server (skips with the reason without
//! one; `ASCRIBE_REQUIRE_POSTGRES=1` makes it fail instead):
//! - a worker's session (`pg::prepare_session`): a transaction left idle past the ack
//!   wait is ended by the server, so a frozen worker's row locks do not stall the
//!   workers that were given its batches;
//! - a batch refused at its last delivery may be given up by the broker while the
//!   worker that refused it is still recording why: whichever row is committed first,
//!   the one left names the worker's reason, not the broker's "none acknowledged".

use std::future::Future;
use std::time::Duration;

use ascribe_stream::pg::{self, RejectRow, GIVEN_UP_BY_BROKER};

/// Runs `test` against a schema of its own (made and dropped by a blocking client,
/// outside the runtime).
fn on_postgres<F: Future<Output = ()>>(test: impl FnOnce(String) -> F) {
    let Some(schema) = ascribe_testutil::postgres_schema() else {
        return;
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test(schema.url().to_owned()));
}

#[test]
fn a_transaction_left_idle_past_the_ack_wait_is_ended_by_the_server() {
    on_postgres(|url| async move { idle_transaction_ended(&url).await });
}

#[test]
fn the_workers_reason_wins_over_the_brokers_in_either_order() {
    on_postgres(|url| async move { either_order(&url).await });
}

async fn idle_transaction_ended(url: &str) {
    let c = pg::connect(url).await.expect("connecting");
    pg::prepare_session(&c, Duration::from_millis(400))
        .await
        .expect("preparing the session");
    // Busy statements inside the transaction are not idle time.
    c.batch_execute("BEGIN; SELECT pg_sleep(0.6); SELECT 1")
        .await
        .expect("statements running past the ack wait are not ended");
    // Idle inside it past the ack wait: the server ends the session.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = c.simple_query("SELECT 1").await;
    assert!(
        after.is_err(),
        "a transaction idle past the ack wait was left open: {after:?}"
    );
}

fn row(id: &str, reason: &str) -> RejectRow {
    RejectRow {
        batch_id: id.to_owned(),
        sensor: "edge-1".to_owned(),
        stream_seq: 7,
        bytes: 300,
        reason: reason.to_owned(),
    }
}

async fn reason(c: &tokio_postgres::Client, id: &str) -> (String, String) {
    let r = c
        .query_one(
            "SELECT reason, worker FROM rejected_batches WHERE batch_id = $1",
            &[&id],
        )
        .await
        .expect("one row per rejected batch");
    (r.get(0), r.get(1))
}

async fn either_order(url: &str) {
    let mut c = pg::connect(url).await.expect("connecting");
    c.batch_execute(include_str!(
        "../../ascribe-store/migrations/postgres/0010_stream.sql"
    ))
    .await
    .expect("the stream tables");
    let broker = format!("{GIVEN_UP_BY_BROKER} after 3 deliveries (the consumer's limit)");
    let worker = "refused by the database at each of its 3 deliveries: no";
    // The broker's advisory first, then the worker's reason: replaced.
    let a = pg::commit(&mut c, "w1", &[], &[&row("a:k:0-1", &broker)])
        .await
        .expect("the advisory's row");
    assert_eq!(a.rejected, 1);
    let b = pg::commit(&mut c, "w2", &[], &[&row("a:k:0-1", worker)])
        .await
        .expect("the worker's row");
    assert_eq!(b.rejected, 0, "one batch is rejected once");
    assert_eq!(
        reason(&c, "a:k:0-1").await,
        (worker.to_owned(), "w2".to_owned())
    );
    // The worker's reason first, then the advisory: kept.
    pg::commit(&mut c, "w2", &[], &[&row("b:k:0-1", worker)])
        .await
        .expect("the worker's row");
    pg::commit(&mut c, "w1", &[], &[&row("b:k:0-1", &broker)])
        .await
        .expect("the advisory's row");
    assert_eq!(
        reason(&c, "b:k:0-1").await,
        (worker.to_owned(), "w2".to_owned())
    );
    // Two advisories: the first stays.
    pg::commit(&mut c, "w1", &[], &[&row("c:k:0-1", &broker)])
        .await
        .expect("an advisory");
    pg::commit(
        &mut c,
        "w3",
        &[],
        &[&row("c:k:0-1", &format!("{broker} again"))],
    )
    .await
    .expect("the same advisory again");
    assert_eq!(
        reason(&c, "c:k:0-1").await,
        (broker.clone(), "w1".to_owned())
    );
}
