//! A worker's PostgreSQL session (`pg::prepare_session`): a transaction left idle past
//! the ack wait is ended by the server, so a frozen worker's row locks do not stall the
//! workers that were given its batches. Needs PostgreSQL (skips with the reason without
//! it; `ASCRIBE_REQUIRE_POSTGRES=1` makes it fail instead).

use std::time::Duration;

#[test]
fn a_transaction_left_idle_past_the_ack_wait_is_ended_by_the_server() {
    // The schema is made (and dropped) by a blocking client, outside the runtime.
    let Some(schema) = ascribe_testutil::postgres_schema() else {
        return;
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(idle_transaction_ended(schema.url()));
}

async fn idle_transaction_ended(url: &str) {
    let c = ascribe_stream::pg::connect(url).await.expect("connecting");
    ascribe_stream::pg::prepare_session(&c, Duration::from_millis(400))
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
