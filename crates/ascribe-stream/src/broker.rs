//! The JetStream side: the stream and the workers' consumer, made the same way by the
//! shipper, the worker and `status` (whoever comes first creates them).

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};

use crate::StreamError;

/// Where batches go and who reads them.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The stream (default `ASCRIBE_TELEMETRY`).
    pub stream: String,
    /// Subjects are `{prefix}.{sensor}`; the stream takes `{prefix}.>`.
    pub subject_prefix: String,
    /// The workers' durable pull consumer (default `ascribe-workers`).
    pub consumer: String,
    /// The broker's publish dedupe window (default 15 min): a shipper that resends
    /// within it is answered "duplicate"; beyond it the `ingested_batches` table is the
    /// dedupe.
    pub duplicate_window: Duration,
    /// How long a batch stays in the stream (default 7 days): Limits retention keeps
    /// the dedupe map across broker restarts and lets a new consumer rebuild counts.
    pub max_age: Duration,
    /// Unacknowledged this long, a batch is delivered again (default 60 s).
    pub ack_wait: Duration,
    /// Deliveries before the broker gives up; the worker records the batch as refused
    /// at the last one (default 20: a worker killed now and then must not exhaust it).
    pub max_deliver: i64,
    /// Batches out unacknowledged across all workers (default 1,024).
    pub max_ack_pending: i64,
}

impl Default for Topology {
    fn default() -> Self {
        Topology {
            stream: "ASCRIBE_TELEMETRY".into(),
            subject_prefix: "ascribe.telemetry".into(),
            consumer: "ascribe-workers".into(),
            duplicate_window: Duration::from_secs(15 * 60),
            max_age: Duration::from_secs(7 * 24 * 3600),
            ack_wait: Duration::from_secs(60),
            max_deliver: 20,
            max_ack_pending: 1024,
        }
    }
}

impl Topology {
    pub fn subject(&self, sensor: &str) -> String {
        format!("{}.{sensor}", self.subject_prefix)
    }

    /// The stream that keeps the broker's "given up" advisories for the workers'
    /// consumer: `{stream}_GIVEN_UP`.
    pub fn given_up_stream(&self) -> String {
        format!("{}_GIVEN_UP", self.stream)
    }

    /// The subject the broker publishes on when it stops delivering a batch after
    /// `max_deliver` deliveries none of which was acknowledged.
    pub fn given_up_subject(&self) -> String {
        format!(
            "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{}.{}",
            self.stream, self.consumer
        )
    }
}

fn nats(what: &str, e: impl std::fmt::Display) -> StreamError {
    StreamError::Nats(format!("{what}: {e}"))
}

/// Connects to the broker (a list of URLs separated by commas is accepted).
pub async fn connect(url: &str, name: &str) -> Result<async_nats::Client, StreamError> {
    async_nats::ConnectOptions::new()
        .name(name)
        .connection_timeout(Duration::from_secs(5))
        // Keep trying after a broker restart, so a worker or shipper rides it out.
        .retry_on_initial_connect()
        .max_reconnects(None)
        .connect(url)
        .await
        .map_err(|e| nats(&format!("cannot connect to {url}"), e))
}

/// The stream: file storage, Limits retention (kept for `max_age`, acks do not delete),
/// `discard: new` (a full stream refuses publishes, which the shipper sees, rather than
/// dropping unread batches), messages up to 1 MiB.
pub async fn ensure_stream(
    js: &jetstream::Context,
    t: &Topology,
) -> Result<stream::Stream, StreamError> {
    let config = stream::Config {
        name: t.stream.clone(),
        subjects: vec![format!("{}.>", t.subject_prefix)],
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        discard: stream::DiscardPolicy::New,
        max_age: t.max_age,
        duplicate_window: t.duplicate_window,
        max_message_size: 1 << 20,
        ..Default::default()
    };
    let made = js
        .get_or_create_stream(config)
        .await
        .map_err(|e| nats(&format!("stream {}", t.stream), e))?;
    ensure_given_up_stream(js, t).await?;
    Ok(made)
}

/// The advisories the broker publishes when it gives a batch up (a batch whose every
/// delivery ended without an acknowledgement: the worker holding it died each time)
/// are core NATS messages, lost when no one listens. This stream keeps them, so a
/// worker started later still records each such batch in `rejected_batches`: nothing
/// leaves the system in silence. Made with the batches' stream, by whoever comes first.
async fn ensure_given_up_stream(
    js: &jetstream::Context,
    t: &Topology,
) -> Result<stream::Stream, StreamError> {
    let config = stream::Config {
        name: t.given_up_stream(),
        subjects: vec![t.given_up_subject()],
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        max_age: t.max_age,
        ..Default::default()
    };
    js.get_or_create_stream(config)
        .await
        .map_err(|e| nats(&format!("stream {}", t.given_up_stream()), e))
}

/// The workers' consumer of the "given up" advisories (same name as the batches').
pub async fn ensure_given_up_consumer(
    js: &jetstream::Context,
    t: &Topology,
) -> Result<consumer::Consumer<consumer::pull::Config>, StreamError> {
    let stream = ensure_given_up_stream(js, t).await?;
    let config = consumer::pull::Config {
        durable_name: Some(t.consumer.clone()),
        ack_policy: consumer::AckPolicy::Explicit,
        ack_wait: t.ack_wait,
        deliver_policy: consumer::DeliverPolicy::All,
        ..Default::default()
    };
    stream
        .get_or_create_consumer(&t.consumer, config)
        .await
        .map_err(|e| {
            nats(
                &format!("consumer {} of {}", t.consumer, t.given_up_stream()),
                e,
            )
        })
}

/// What the broker's "given up" advisory says (the fields read of
/// `io.nats.jetstream.advisory.v1.max_deliver`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct GivenUp {
    pub stream: String,
    pub consumer: String,
    pub stream_seq: u64,
    pub deliveries: u64,
}

/// Reads a "given up" advisory; the error names what was wrong with it.
pub fn read_given_up(payload: &[u8]) -> Result<GivenUp, String> {
    serde_json::from_slice(payload).map_err(|e| format!("not a max_deliver advisory: {e}"))
}

/// The workers' consumer: durable, pulled, each batch acknowledged on its own (never
/// "ack all": one worker's ack would acknowledge another's uncommitted batches).
pub async fn ensure_consumer(
    stream: &stream::Stream,
    t: &Topology,
) -> Result<consumer::Consumer<consumer::pull::Config>, StreamError> {
    let config = consumer::pull::Config {
        durable_name: Some(t.consumer.clone()),
        ack_policy: consumer::AckPolicy::Explicit,
        ack_wait: t.ack_wait,
        max_deliver: t.max_deliver,
        max_ack_pending: t.max_ack_pending,
        deliver_policy: consumer::DeliverPolicy::All,
        ..Default::default()
    };
    stream
        .get_or_create_consumer(&t.consumer, config)
        .await
        .map_err(|e| nats(&format!("consumer {}", t.consumer), e))
}

/// What `status` shows of the broker.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BrokerStatus {
    pub stream: String,
    pub messages: u64,
    pub bytes: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    pub consumer: String,
    pub pending: u64,
    pub ack_pending: usize,
    pub redelivered: usize,
    pub delivered: u64,
    /// Batches the broker gave up after `max_deliver` unacknowledged deliveries (its
    /// advisories, kept in `{stream}_GIVEN_UP`; workers record each in
    /// `rejected_batches`).
    pub given_up: u64,
    /// The consumer's delivery limit (as made by whoever came first).
    pub max_deliver: i64,
}

pub async fn status(
    client: &async_nats::Client,
    t: &Topology,
) -> Result<BrokerStatus, StreamError> {
    let js = jetstream::new(client.clone());
    let mut stream = js
        .get_stream(&t.stream)
        .await
        .map_err(|e| nats(&format!("stream {}", t.stream), e))?;
    let info = stream
        .info()
        .await
        .map_err(|e| nats(&format!("stream {}", t.stream), e))?
        .clone();
    let mut s = BrokerStatus {
        stream: t.stream.clone(),
        messages: info.state.messages,
        bytes: info.state.bytes,
        first_seq: info.state.first_sequence,
        last_seq: info.state.last_sequence,
        consumer: t.consumer.clone(),
        ..BrokerStatus::default()
    };
    let mut c: consumer::Consumer<consumer::pull::Config> = stream
        .get_consumer(&t.consumer)
        .await
        .map_err(|e| nats(&format!("consumer {}", t.consumer), e))?;
    let ci = c
        .info()
        .await
        .map_err(|e| nats(&format!("consumer {}", t.consumer), e))?;
    s.pending = ci.num_pending;
    s.ack_pending = ci.num_ack_pending;
    s.redelivered = ci.num_redelivered;
    s.delivered = ci.delivered.stream_sequence;
    s.max_deliver = ci.config.max_deliver;
    let mut given_up = ensure_given_up_stream(&js, t).await?;
    s.given_up = given_up
        .info()
        .await
        .map_err(|e| nats(&format!("stream {}", t.given_up_stream()), e))?
        .state
        .messages;
    Ok(s)
}

/// Deletes the stream and its batches (benchmarks and tests clean up with it).
pub async fn delete_stream(client: &async_nats::Client, t: &Topology) -> Result<(), StreamError> {
    let js = jetstream::new(client.clone());
    for name in [t.stream.clone(), t.given_up_stream()] {
        js.delete_stream(&name)
            .await
            .map_err(|e| nats(&format!("deleting stream {name}"), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_up_advisory_is_read_and_a_foreign_one_refused_with_the_reason() {
        // The shape nats-server 2.x publishes (io.nats.jetstream.advisory.v1.max_deliver).
        let advisory = br#"{"type":"io.nats.jetstream.advisory.v1.max_deliver","id":"x1","timestamp":"2026-12-07T03:30:00Z","stream":"ASCRIBE_TELEMETRY","consumer":"ascribe-workers","stream_seq":42,"deliveries":20,"domain":""}"#;
        assert_eq!(
            read_given_up(advisory),
            Ok(GivenUp {
                stream: "ASCRIBE_TELEMETRY".into(),
                consumer: "ascribe-workers".into(),
                stream_seq: 42,
                deliveries: 20,
            })
        );
        let err = read_given_up(br#"{"type":"something else"}"#).expect_err("not an advisory");
        assert!(
            err.starts_with("not a max_deliver advisory: missing field"),
            "{err}"
        );
    }

    #[test]
    fn the_given_up_stream_listens_to_its_own_consumer_only() {
        let t = Topology::default();
        assert_eq!(t.given_up_stream(), "ASCRIBE_TELEMETRY_GIVEN_UP");
        assert_eq!(
            t.given_up_subject(),
            "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ASCRIBE_TELEMETRY.ascribe-workers"
        );
    }
}
