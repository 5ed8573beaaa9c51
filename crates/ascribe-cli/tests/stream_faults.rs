//! Faults injected into the streaming path (issue 22; docs/scale-out.md's failure
//! table): each test starts its own nats-server and PostgreSQL cluster on free loopback
//! ports (`ascribe_testutil::services`), so it can stop, kill and restart them or cut
//! their connections, and ends as every streaming test ends: `telemetry report` prints
//! the bytes `telemetry ingest` prints on the same files, every batch applied once,
//! every line counted once.
//!
//! Without nats-server or PostgreSQL's binaries the tests skip with the reason; with
//! `ASCRIBE_REQUIRE_SERVICES=1` (CI) they fail. Every wait is bounded.
//! (A worker killed between its commit and its acknowledgements, and publishes after
//! the broker's duplicate window, are in `stream.rs`.)

mod common;
mod stream_lab;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use ascribe_testutil::services::Proxy;
use stream_lab::{eve, logs, stderr, Lab};

/// Worker settings that make a fault show within seconds: batches unacknowledged for
/// 2 s are delivered again, and transactions are small.
const FAST: [&str; 8] = [
    "--ack-wait",
    "2",
    "--max-lines",
    "400",
    "--max-wait-ms",
    "300",
    "--fetch",
    "8",
];

/// A child process that is killed when dropped, so a failing test leaves no worker or
/// shipper running.
struct Running(Option<Child>);

impl Running {
    fn take(mut self) -> Child {
        self.0.take().expect("a running child")
    }
}

impl std::ops::Deref for Running {
    type Target = Child;
    fn deref(&self) -> &Child {
        self.0.as_ref().expect("a running child")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            // Cleaning up after a failed test: the child may have ended already.
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

trait Start {
    fn running(&mut self, what: &str) -> Running;
}

impl Start for Command {
    fn running(&mut self, what: &str) -> Running {
        Running(Some(self.spawn().unwrap_or_else(|e| panic!("{what}: {e}"))))
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(ok.success(), "kill -{sig} {}", child.id());
}

/// Waits for a child to end (at most `secs`), then its output.
fn finish(running: Running, secs: u64) -> Output {
    let mut child = running.take();
    let t = Instant::now();
    while child.try_wait().expect("polling a child").is_none() {
        if t.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("a killed child's output");
            panic!("still running after {secs}s: {}", stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("a child's output")
}

/// SIGTERM to each worker (it commits and acknowledges what it holds, then exits);
/// their reports, which must all be successes.
fn stop_workers(workers: Vec<Running>) -> Vec<serde_json::Value> {
    for w in &workers {
        signal(w, "TERM");
    }
    workers
        .into_iter()
        .map(|w| {
            let out = finish(w, 30);
            assert!(out.status.success(), "worker: {}", stderr(&out));
            serde_json::from_slice(&out.stdout).expect("a worker's report")
        })
        .collect()
}

fn sum(reports: &[serde_json::Value], field: &str) -> u64 {
    reports
        .iter()
        .map(|r| r[field].as_u64().expect("a count"))
        .sum()
}

fn paths(files: &[PathBuf]) -> Vec<&Path> {
    files.iter().map(PathBuf::as_path).collect()
}

#[test]
fn a_worker_stopped_past_the_ack_wait_then_resumed_counts_once() {
    let Some(lab) = Lab::own("sigstop") else {
        return;
    };
    let files = logs(&lab, 2, 6000, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "20"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    let a = lab
        .worker(&[&FAST[..], &["--name", "a"]].concat())
        .running("starting worker a");
    lab.wait_some_applied(8, 60);
    // Stopped while it holds batches delivered and not acknowledged. Acknowledgements
    // a sent just before the stop may still be on their way to the broker (socket
    // buffers), so the pending count is read once they have had time to land.
    let mut held = 0;
    for _ in 0..40 {
        signal(&a, "STOP");
        std::thread::sleep(Duration::from_millis(300));
        held = lab.status()["broker"]["ack_pending"]
            .as_u64()
            .expect("ack_pending");
        if held > 0 {
            break;
        }
        signal(&a, "CONT");
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(held > 0, "worker a never held a batch when stopped");
    let b = lab
        .worker(&[&FAST[..], &["--name", "b"]].concat())
        .running("starting worker b");
    // While a stays stopped (up to 30 s), b applies the rest. Whether the broker gives
    // a's held batches to b once their ack wait (2 s) has run out, or keeps them for a
    // until it resumes, is the broker's choice: both were seen here, the second even
    // after 30 s. (Should a be frozen inside its transaction, holding the row locks of
    // its batch ids, PostgreSQL ends that transaction after the ack wait:
    // `pg::prepare_session`.) Either way each batch must count once.
    let t = Instant::now();
    while lab.applied() < batches && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    signal(&a, "CONT");
    lab.wait_applied(batches, 120);
    let reports = stop_workers(vec![a, b]);
    eprintln!(
        "a held {held} batches when stopped; delivered again: {} (b {}, a {})",
        sum(&reports, "redelivered"),
        reports[1]["redelivered"],
        reports[0]["redelivered"]
    );
    lab.assert_exact(&oracle, batches);
}

#[test]
fn a_batch_that_kills_every_worker_it_reaches_is_recorded_when_the_broker_gives_it_up() {
    let Some(lab) = Lab::on_machine("givenup") else {
        return;
    };
    // Two deliveries at most, 2 s apart: a batch whose every worker dies is given up
    // by the broker within seconds.
    let settings = [
        "--ack-wait",
        "2",
        "--max-deliver",
        "2",
        "--fetch",
        "1",
        "--max-wait-ms",
        "300",
    ];
    let poison = lab.dir.path().join("poison.json");
    std::fs::write(&poison, eve(20, 9, 0)).expect("writing the poison log");
    let shipped = lab.ship("poison", &[&poison], &[]);
    assert_eq!(shipped["batches"], 1, "{shipped}");
    for attempt in 0..2 {
        let name = format!("doomed-{attempt}");
        let out = finish(
            lab.worker(&[&settings[..], &["--name", &name]].concat())
                .env("ASCRIBE_FAILPOINT", "abort_on_sensor:poison")
                .running("starting a doomed worker"),
            30,
        );
        assert!(
            !out.status.success() && stderr(&out).contains("aborting on a batch of sensor poison"),
            "worker {name} did not die on the batch: {}",
            stderr(&out)
        );
    }
    // The broker gives the batch up when its second delivery's ack wait has run out and
    // a worker asks for more (it then publishes its advisory). A healthy worker records
    // it, and counts what comes next.
    let files = logs(&lab, 1, 400, 37);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let batches = lab.ship("edge-1", &refs, &["--batch-lines", "50"])["batches"]
        .as_u64()
        .expect("batches");
    let healthy = lab
        .worker(&[&settings[..], &["--name", "healthy", "--idle-exit", "4"]].concat())
        .running("starting the healthy worker");
    let out = finish(healthy, 60);
    assert!(out.status.success(), "healthy worker: {}", stderr(&out));
    let rejected = lab.sql("SELECT sensor || ' ' || reason FROM rejected_batches");
    assert!(
        rejected.starts_with("poison given up by the broker after 2 deliveries"),
        "{rejected}"
    );
    assert_eq!(
        lab.sql_n("SELECT count(*) FROM rejected_batches WHERE batch_id LIKE 'poison:%'"),
        1
    );
    assert_eq!(
        lab.report(),
        oracle.0,
        "the report differs from single-node"
    );
    assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
    assert_eq!(lab.status()["broker"]["given_up"], 1);
    let text = lab.status_text(false);
    assert!(
        text.contains("1 given up after 2 deliveries") && text.contains("1 rejected"),
        "{text}"
    );
}

#[test]
fn nats_killed_and_restarted_mid_run_loses_and_doubles_nothing() {
    let Some(mut lab) = Lab::own("natskill") else {
        return;
    };
    let files = logs(&lab, 2, 6000, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let first = lab.ship("edge-1", &refs[..1], &["--batch-lines", "20"]);
    let workers: Vec<Running> = ["a", "b"]
        .iter()
        .map(|n| {
            lab.worker(&[&FAST[..], &["--name", n]].concat())
                .running("starting a worker")
        })
        .collect();
    lab.wait_some_applied(30, 60);
    lab.services().nats.kill();
    // A shipper started while the broker is down, over both logs: the first is past
    // its checkpoint already. It waits for the broker (--retry-for) and resumes from
    // its checkpoint by itself: one run.
    let shipper = lab
        .ship_cmd(
            "edge-1",
            &refs,
            &["--batch-lines", "20", "--retry-for", "60"],
        )
        .running("starting the shipper");
    std::thread::sleep(Duration::from_secs(2));
    lab.services().nats.restart();
    let out = finish(shipper, 90);
    assert!(
        out.status.success(),
        "the shipper gave up although the broker came back: {}",
        stderr(&out)
    );
    let batches = 2 * 6000 / 20;
    let second: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ship report");
    assert_eq!(first["batches"].as_u64(), Some(batches / 2), "{first}");
    assert!(
        second["batches"].as_u64() <= Some(batches / 2),
        "the first log was shipped again: {second}"
    );
    lab.wait_applied(batches, 120);
    stop_workers(workers);
    lab.assert_exact(&oracle, batches);
}

#[test]
fn a_worker_whose_broker_is_gone_says_so_and_carries_on_when_it_returns() {
    let Some(mut lab) = Lab::own("brokergone") else {
        return;
    };
    let told = lab.dir.path().join("worker.err");
    let mut cmd = lab.worker(&[&FAST[..], &["--name", "a"]].concat());
    cmd.stderr(std::fs::File::create(&told).expect("a file for the worker's stderr"));
    let worker = cmd.running("starting a worker");
    let said = |what: &str, secs: u64| {
        let t = Instant::now();
        loop {
            let text = std::fs::read_to_string(&told).expect("the worker's stderr");
            if text.contains(what) {
                return;
            }
            assert!(
                t.elapsed() < Duration::from_secs(secs),
                "the worker did not say {what:?} within {secs}s: {text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let files = logs(&lab, 2, 600, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let ship = |lab: &Lab, part: &[&Path]| {
        lab.ship("edge-1", part, &["--batch-lines", "50"])["batches"]
            .as_u64()
            .expect("batches")
    };
    let first = ship(&lab, &refs[..1]);
    lab.wait_applied(first, 60);
    lab.services().nats.kill();
    said("cannot pull batches", 30);
    said("waiting for the broker", 1);
    lab.services().nats.restart();
    said("the broker answers again", 30);
    // And it still works: the next log is counted exactly.
    let batches = first + ship(&lab, &refs[1..]);
    lab.wait_applied(batches, 60);
    stop_workers(vec![worker]);
    lab.assert_exact(&oracle, batches);
}

#[test]
fn postgres_stopped_immediately_and_restarted_mid_run_counts_once() {
    let Some(mut lab) = Lab::own("pgstop") else {
        return;
    };
    let files = logs(&lab, 2, 6000, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "20"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    let workers: Vec<Running> = ["a", "b"]
        .iter()
        .map(|n| {
            lab.worker(&[&FAST[..], &["--name", n]].concat())
                .running("starting a worker")
        })
        .collect();
    lab.wait_some_applied(batches / 5, 60);
    lab.services().pg.stop_immediate();
    std::thread::sleep(Duration::from_secs(3));
    lab.services().pg.start_again();
    lab.wait_applied(batches, 120);
    let reports = stop_workers(workers);
    assert!(
        sum(&reports, "failed_transactions") > 0,
        "no transaction met the stopped server: {reports:?}"
    );
    lab.assert_exact(&oracle, batches);
}

#[test]
fn connections_cut_by_a_proxy_count_once() {
    let Some(lab) = Lab::own("proxy") else {
        return;
    };
    let own = lab.own.as_ref().expect("own services");
    let nats = Proxy::start(own.nats.port());
    let pg = Proxy::start(own.pg.port());
    let files = logs(&lab, 2, 6000, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "20"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    let nats_url = format!("nats://127.0.0.1:{}", nats.port());
    let pg_url = format!("postgres://postgres@127.0.0.1:{}/postgres", pg.port());
    let workers: Vec<Running> = ["a", "b"]
        .iter()
        .map(|n| {
            lab.worker_at(&nats_url, &pg_url, &[&FAST[..], &["--name", n]].concat())
                .running("starting a worker")
        })
        .collect();
    let mut applied = batches / 6;
    for round in 0..3 {
        lab.wait_some_applied(applied, 60);
        // Both connections at once, then each alone.
        if round != 2 {
            pg.cut(Duration::from_secs(2));
        }
        if round != 1 {
            nats.cut(Duration::from_secs(2));
        }
        std::thread::sleep(Duration::from_secs(2));
        applied += batches / 6;
    }
    lab.wait_applied(batches, 120);
    let reports = stop_workers(workers);
    assert!(
        sum(&reports, "failed_transactions") > 0,
        "no transaction met a cut connection: {reports:?}"
    );
    assert!(
        nats.accepted() > 2 && pg.accepted() > 2,
        "the workers never reconnected"
    );
    lab.assert_exact(&oracle, batches);
}

/// Requests lost on the way (the connection stays up, what the worker sends is dropped):
/// a pull whose answer never comes must not keep a worker from stopping when told.
/// (A CI run had a worker still running 30 s after SIGTERM: its pull for the broker's
/// "given up" advisories had no expiry, and its answer was lost with a cut.)
#[test]
fn a_worker_whose_requests_vanish_still_stops_when_told() {
    let Some(lab) = Lab::own("swallow") else {
        return;
    };
    let own = lab.own.as_ref().expect("own services");
    let nats = Proxy::start(own.nats.port());
    let files = logs(&lab, 1, 800, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let nats_url = format!("nats://127.0.0.1:{}", nats.port());
    let worker = lab
        .worker_at(&nats_url, &lab.db, &[&FAST[..], &["--name", "a"]].concat())
        .running("starting a worker");
    let batches = lab.ship("edge-1", &refs, &["--batch-lines", "100"])["batches"]
        .as_u64()
        .expect("batches");
    lab.wait_applied(batches, 60);
    // Idle, the worker pulls every second: some of its pulls are lost.
    nats.swallow(Duration::from_secs(3));
    std::thread::sleep(Duration::from_millis(3500));
    let t = Instant::now();
    stop_workers(vec![worker]);
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "stopping took {:?}",
        t.elapsed()
    );
    lab.assert_exact(&oracle, batches);
}

#[test]
fn four_workers_starting_together_on_an_empty_database_migrate_it_once() {
    let Some(lab) = Lab::own("four") else {
        return;
    };
    let files = logs(&lab, 3, 1500, 97);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let workers: Vec<Running> = (0..4)
        .map(|i| {
            lab.worker(&["--max-lines", "700", "--name", &format!("w{i}")])
                .running("starting a worker")
        })
        .collect();
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "100"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    lab.wait_applied(batches, 60);
    stop_workers(workers);
    lab.assert_exact(&oracle, batches);
    assert_eq!(
        lab.sql(
            "SELECT count(*) = count(DISTINCT version) AND count(*) > 0 FROM schema_migrations"
        ),
        "t",
        "a migration recorded twice"
    );
    assert_eq!(
        lab.sql_n("SELECT count(*) FROM schema_migrations WHERE version = 10"),
        1
    );
}

#[test]
fn ship_follow_on_a_growing_log_counts_the_final_log() {
    let Some(lab) = Lab::own("follow") else {
        return;
    };
    let dir = lab.dir.path().join("logs");
    std::fs::create_dir_all(&dir).expect("logs folder");
    let path = dir.join("growing.json");
    let whole = eve(5000, 7, 53).into_bytes();
    // The log starts with its first thousand lines, then grows in pieces cut anywhere,
    // mid-line included.
    let first: usize = whole
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(999)
        .map(|(i, _)| i + 1)
        .expect("1000 lines");
    std::fs::write(&path, &whole[..first]).expect("writing the log");
    let worker = lab
        .worker(&[&FAST[..], &["--name", "a"]].concat())
        .running("starting a worker");
    let shipper = lab
        .ship_cmd(
            "edge-1",
            &[&path],
            &["--batch-lines", "50", "--follow", "--follow-for", "60"],
        )
        .running("starting the shipper");
    let rest = &whole[first..];
    let step = rest.len() / 9 + 1;
    for piece in rest.chunks(step) {
        std::thread::sleep(Duration::from_millis(150));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("opening the log");
        std::io::Write::write_all(&mut f, piece).expect("appending to the log");
    }
    signal(&shipper, "TERM");
    let out = finish(shipper, 20);
    assert!(out.status.success(), "ship --follow: {}", stderr(&out));
    let shipped: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ship report");
    let oracle = lab.single_node(&[&path]);
    assert_eq!(shipped["lines"].as_u64(), Some(oracle.1), "{shipped}");
    let batches = shipped["batches"].as_u64().expect("batches");
    lab.wait_applied(batches, 60);
    stop_workers(vec![worker]);
    lab.assert_exact(&oracle, batches);
}

#[test]
fn a_batch_refused_at_every_delivery_is_recorded_as_rejected_and_shown() {
    let Some(lab) = Lab::own("maxdeliver") else {
        return;
    };
    let files = logs(&lab, 2, 1000, 53);
    let refs = paths(&files);
    let oracle = lab.single_node(&refs);
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "100"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    // The database refuses one batch every time (as a constraint or a bug would). The
    // report opens the database first, which makes the tables.
    lab.report();
    lab.sql(
        "CREATE FUNCTION refuse_batch() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'batch % refused by the test', NEW.batch_id; END $$;
         CREATE TRIGGER refuse_batch BEFORE INSERT ON ingested_batches FOR EACH ROW
         WHEN (NEW.batch_id LIKE 'refused:%') EXECUTE FUNCTION refuse_batch();",
    );
    let line = eve(3, 99, 0);
    lab.publish_raw(
        "refused",
        &[
            ("Nats-Msg-Id", "refused:k:0-300"),
            ("Ascribe-Sensor", "refused"),
            ("Ascribe-File", "x.json"),
            ("Ascribe-Format", "suricata-eve"),
        ],
        line.into_bytes(),
    );
    // Handed back (nak) after each refusal, the batch comes again within a second; the
    // ack wait is long, so a slow machine never lets it run out first (the broker would
    // then give the batch up itself, with its own reason: seen once with 10 s while
    // the other fault tests and two builds shared the two cores).
    let mut settings = FAST;
    settings[1] = "30";
    let worker = lab
        .worker(&[&settings[..], &["--max-deliver", "3", "--name", "a"]].concat())
        .running("starting a worker");
    lab.wait_applied(batches, 60);
    let t = Instant::now();
    while lab.sql_n("SELECT count(*) FROM rejected_batches") == 0 {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the refused batch was not recorded within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let reports = stop_workers(vec![worker]);
    assert_eq!(reports[0]["rejected"].as_u64(), Some(1), "{}", reports[0]);
    assert_eq!(lab.report(), oracle.0);
    assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
    assert_eq!(
        lab.sql_n("SELECT sum(lines) FROM ingested_batches"),
        oracle.1
    );
    let rejected = lab.sql("SELECT batch_id || ' | ' || reason FROM rejected_batches");
    assert!(
        rejected
            .starts_with("refused:k:0-300 | refused by the database at each of its 3 deliveries")
            && rejected.contains("batch refused:k:0-300 refused by the test")
            && rejected.lines().count() == 1,
        "{rejected}"
    );
    let status = lab.status_text(false);
    assert!(
        status.contains("1 rejected")
            && status.contains(
                "rejected refused:k:0-300: refused by the database at each of its 3 deliveries"
            ),
        "{status}"
    );
    let st = lab.status();
    assert_eq!(st["broker"]["pending"].as_u64(), Some(0), "{st}");
    assert_eq!(st["broker"]["ack_pending"].as_u64(), Some(0), "{st}");
    // A worker given other settings than the consumer's is told which apply.
    let out = lab
        .worker(&["--ack-wait", "7", "--idle-exit", "0.5"])
        .output()
        .expect("worker");
    assert!(out.status.success(), "worker: {}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("was made with ack_wait 30s and max_deliver 3, not 7s and 20: those apply"),
        "{}",
        stderr(&out)
    );
}

/// A shipper whose broker never answers waits `--retry-for`, then gives up
/// with an error naming the broker's failure (no services needed: a closed
/// loopback port).
#[test]
fn a_shipper_gives_up_after_retry_for_when_no_broker_answers() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let log = dir.path().join("eve.json");
    std::fs::write(&log, eve(50, 7, 0)).expect("a log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_ascribe"))
        .args(["ship", "--sensor", "edge-1", "--nats"])
        .arg(format!("nats://127.0.0.1:{port}"))
        .arg("--checkpoint")
        .arg(dir.path().join("ckpt.json"))
        .args(["--retry-for", "1"])
        .arg(&log)
        .output()
        .expect("ascribe runs");
    assert!(!out.status.success(), "no broker, yet it succeeded");
    let err = stderr(&out);
    assert!(err.contains("gave up after"), "{err}");
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "gave up only after {:?}",
        t.elapsed()
    );
}
