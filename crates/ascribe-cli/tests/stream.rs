//! Sensors ship, workers count (issue 22), against the machine's NATS JetStream
//! (127.0.0.1:4222) and PostgreSQL (127.0.0.1:5432). The oracle of every test is
//! `telemetry ingest --format csv` on the same files: `telemetry report` must print the
//! same bytes, and the batch and line counts must be exact.
//!
//! Each test owns its stream, subjects and PostgreSQL schema. Without the services the
//! tests skip with the reason; with `ASCRIBE_REQUIRE_SERVICES=1` (CI) they fail.

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NATS: &str = "nats://127.0.0.1:4222";

/// The PostgreSQL server URL (without a schema); `ASCRIBE_TEST_PG` overrides it.
fn pg_base() -> String {
    std::env::var("ASCRIBE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// True when both services answer; otherwise prints why and, under
/// `ASCRIBE_REQUIRE_SERVICES=1`, fails.
fn services() -> bool {
    let up = |addr: &str| {
        TcpStream::connect_timeout(&addr.parse().expect("an address"), Duration::from_secs(1))
            .is_ok()
    };
    let missing: Vec<&str> = [
        ("127.0.0.1:4222", "nats-server"),
        ("127.0.0.1:5432", "PostgreSQL"),
    ]
    .iter()
    .filter(|(a, _)| !up(a))
    .map(|(_, n)| *n)
    .collect();
    if missing.is_empty() {
        return true;
    }
    let required = std::env::var("ASCRIBE_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "ASCRIBE_REQUIRE_SERVICES=1 but {} not listening on loopback",
        missing.join(" and ")
    );
    eprintln!(
        "skipped: {} not listening on loopback (start nats-server -js and PostgreSQL, see the README)",
        missing.join(" and ")
    );
    false
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql])
        .output()
        .unwrap_or_else(|e| panic!("running psql: {e}"));
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// One test's own stream, subjects and schema, removed when dropped.
struct Lab {
    name: String,
    dir: tempfile::TempDir,
    db: String,
}

impl Lab {
    fn new(tag: &str) -> Lab {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .subsec_nanos();
        let name = format!("t{}_{tag}_{nanos}", std::process::id());
        psql(&pg_base(), &format!("CREATE SCHEMA {name}"));
        let db = format!("{}?options=-c%20search_path%3D{name}", pg_base());
        Lab {
            name,
            dir: tempfile::tempdir().expect("a temporary folder"),
            db,
        }
    }

    fn broker_args(&self) -> Vec<String> {
        vec![
            "--nats".into(),
            NATS.into(),
            "--stream".into(),
            self.name.to_uppercase(),
            "--subject-prefix".into(),
            format!("test.{}", self.name),
        ]
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = common::command(Path::new(&self.db), args);
        c.env_remove("ASCRIBE_NATS").env_remove("ASCRIBE_FAILPOINT");
        c
    }

    fn ship(&self, sensor: &str, inputs: &[&Path], extra: &[&str]) -> serde_json::Value {
        let mut args: Vec<String> = vec!["ship".into(), "--sensor".into(), sensor.into()];
        args.extend(self.broker_args());
        args.push("--checkpoint".into());
        args.push(
            self.dir
                .path()
                .join(format!("ckpt-{sensor}.json"))
                .display()
                .to_string(),
        );
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::run(&mut self.cmd(&refs));
        assert!(out.status.success(), "ship: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("ship prints its report as JSON")
    }

    fn worker(&self, extra: &[&str]) -> Command {
        let mut args: Vec<String> = vec!["worker".into(), "--no-geo".into()];
        args.extend(self.broker_args());
        args.push("--indicators".into());
        args.push(self.indicators().display().to_string());
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = self.cmd(&refs);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        c
    }

    fn indicators(&self) -> PathBuf {
        let p = self.dir.path().join("ind.csv");
        if !p.exists() {
            std::fs::write(
                &p,
                "type,value,source\nip,10.0.0.3,t\nip,10.0.0.17,t\ncidr,192.0.2.0/28,t\n",
            )
            .expect("writing indicators");
        }
        p
    }

    /// `telemetry ingest` on the files: the CSV and (lines, bad lines).
    fn single_node(&self, inputs: &[&Path]) -> (String, u64, u64) {
        let mut args: Vec<String> = vec![
            "telemetry".into(),
            "ingest".into(),
            "--no-geo".into(),
            "--indicators".into(),
            self.indicators().display().to_string(),
            "--format".into(),
            "json".into(),
            "--out".into(),
            self.dir.path().join("oracle.csv").display().to_string(),
        ];
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::ascribe(Path::new("unused.db"), &refs);
        assert!(out.status.success(), "ingest: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let csv = std::fs::read_to_string(self.dir.path().join("oracle.csv")).expect("oracle CSV");
        (
            csv,
            v["summary"]["lines"].as_u64().expect("lines"),
            v["summary"]["bad_lines"].as_u64().expect("bad lines"),
        )
    }

    fn report(&self) -> String {
        let out = common::run(&mut self.cmd(&["telemetry", "report", "--format", "csv"]));
        assert!(out.status.success(), "report: {}", stderr(&out));
        String::from_utf8(out.stdout).expect("UTF-8")
    }

    fn sql(&self, sql: &str) -> String {
        psql(&self.db, sql)
    }

    fn sql_n(&self, sql: &str) -> u64 {
        let s = self.sql(sql);
        s.parse().unwrap_or_else(|e| panic!("{sql}: {s:?}: {e}"))
    }

    fn status(&self) -> serde_json::Value {
        let mut args = vec!["status".to_owned(), "--json".to_owned()];
        args.extend(self.broker_args());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::run(&mut self.cmd(&refs));
        assert!(out.status.success(), "status: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("status JSON")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &pg_base(),
                "-Atqc",
                &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
            ])
            .output();
        delete_stream(&self.name.to_uppercase());
    }
}

/// Removes a test's stream through the broker's JetStream API (plain NATS request).
fn delete_stream(stream: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        if let Ok(c) = async_nats::connect(NATS).await {
            let js = async_nats::jetstream::new(c);
            let _ = js.delete_stream(stream).await;
        }
    });
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A deterministic EVE log: alerts over three days, seven signatures, two actions,
/// sources some of which are indicators; flow events; every `bad_every`th line broken.
fn eve(lines: usize, seed: u64, bad_every: usize) -> String {
    let mut s = String::new();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in 0..lines {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = x >> 33;
        if bad_every > 0 && i % bad_every == bad_every - 1 {
            s.push_str("{\"timestamp\":\"2024-03-04T10:00:00.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\n");
            continue;
        }
        let day = 3 + r % 3;
        let kind = if r.is_multiple_of(11) {
            "flow"
        } else {
            "alert"
        };
        s.push_str(&format!(
            "{{\"timestamp\":\"2024-03-{day:02}T{:02}:{:02}:00.000000+0000\",\"event_type\":\"{kind}\",\"src_ip\":\"10.0.0.{}\",\"dest_ip\":\"192.0.2.{}\",\"alert\":{{\"action\":\"{}\",\"signature\":\"ET sig, {}\"}}}}\n",
            r % 24,
            (r >> 5) % 60,
            (r >> 7) % 40,
            (r >> 11) % 30,
            if (r >> 13).is_multiple_of(3) { "blocked" } else { "allowed" },
            (r >> 17) % 7
        ));
    }
    s
}

/// Writes `n` logs of `lines` lines each into DIR/logs and returns their paths.
fn logs(lab: &Lab, n: usize, lines: usize, bad_every: usize) -> Vec<PathBuf> {
    let dir = lab.dir.path().join("logs");
    std::fs::create_dir_all(&dir).expect("logs folder");
    (0..n)
        .map(|i| {
            let p = dir.join(format!("eve-{i}.json"));
            std::fs::write(&p, eve(lines, i as u64 + 1, bad_every)).expect("writing a log");
            p
        })
        .collect()
}

fn wait_all(children: Vec<Child>) -> Vec<Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("waiting for a worker"))
        .collect()
}

/// Waits until `ingested_batches` holds `n` rows (at most `secs`).
fn wait_applied(lab: &Lab, n: u64, secs: u64) {
    let t = Instant::now();
    loop {
        let got = lab.sql_n("SELECT count(*) FROM ingested_batches");
        if got >= n {
            assert_eq!(got, n, "more batches applied than shipped");
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(secs),
            "only {got} of {n} batches applied after {secs}s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn workers_1_2_and_4_count_what_single_node_counts() {
    if !services() {
        return;
    }
    for workers in [1usize, 2, 4] {
        let lab = Lab::new(&format!("happy{workers}"));
        let files = logs(&lab, 3, 1500, 97);
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let (oracle, lines, bad) = lab.single_node(&refs);
        // Workers start together on an empty schema (the migration runs once), before
        // anything is shipped.
        let children: Vec<Child> = (0..workers)
            .map(|i| {
                lab.worker(&[
                    "--idle-exit",
                    "3",
                    "--max-lines",
                    "700",
                    "--name",
                    &format!("w{i}"),
                ])
                .spawn()
                .expect("starting a worker")
            })
            .collect();
        let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "100"]);
        let batches = shipped["batches"].as_u64().expect("batches");
        assert!(batches >= 45, "{shipped}");
        assert_eq!(shipped["lines"].as_u64(), Some(lines));
        for o in wait_all(children) {
            assert!(o.status.success(), "worker: {}", stderr(&o));
        }
        assert_eq!(lab.report(), oracle, "{workers} workers");
        assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
        assert_eq!(lab.sql_n("SELECT sum(lines) FROM ingested_batches"), lines);
        assert_eq!(
            lab.sql_n("SELECT sum(bad_lines) FROM ingested_batches"),
            bad
        );
        assert_eq!(lab.sql_n("SELECT count(*) FROM rejected_batches"), 0);
        assert_eq!(
            lab.sql_n("SELECT count(*) FROM schema_migrations WHERE version = 10"),
            1
        );
        if workers > 1 {
            let busy = lab.sql_n("SELECT count(*) FROM stream_workers WHERE batches > 0");
            assert!(busy >= 1, "no worker applied anything");
        }
        let st = lab.status();
        assert_eq!(
            st["database"]["batches_applied"].as_u64(),
            Some(batches),
            "{st}"
        );
        assert_eq!(st["broker"]["pending"].as_u64(), Some(0), "{st}");
        assert_eq!(st["broker"]["messages"].as_u64(), Some(batches), "{st}");
    }
}

#[test]
fn duplicate_publishes_within_and_after_the_window_count_once() {
    if !services() {
        return;
    }
    // Within the broker's window: a resend is answered "duplicate" and never stored.
    let lab = Lab::new("dupin");
    let files = logs(&lab, 2, 800, 0);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (oracle, lines, _) = lab.single_node(&refs);
    let first = lab.ship("edge-1", &refs, &["--batch-lines", "100"]);
    let batches = first["batches"].as_u64().expect("batches");
    assert_eq!(first["duplicates"].as_u64(), Some(0));
    let again = lab.ship("edge-1", &refs, &["--batch-lines", "100", "--resend"]);
    assert_eq!(again["batches"].as_u64(), Some(batches));
    assert_eq!(again["duplicates"].as_u64(), Some(batches), "{again}");
    let out = lab.worker(&["--idle-exit", "2"]).output().expect("worker");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lab.report(), oracle);
    assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
    assert_eq!(lab.sql_n("SELECT sum(lines) FROM ingested_batches"), lines);
    // A second shipper run from its checkpoint publishes nothing.
    let resumed = lab.ship("edge-1", &refs, &["--batch-lines", "100"]);
    assert_eq!(resumed["batches"].as_u64(), Some(0), "{resumed}");

    // After the window (1 s here): the broker stores the resend as new messages, and
    // the batch table makes them no-ops.
    let lab = Lab::new("dupout");
    let files = logs(&lab, 2, 800, 0);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (oracle, lines, _) = lab.single_node(&refs);
    let window = ["--batch-lines", "100", "--duplicate-window", "1"];
    let first = lab.ship("edge-2", &refs, &window);
    let batches = first["batches"].as_u64().expect("batches");
    let out = lab.worker(&["--idle-exit", "2"]).output().expect("worker");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lab.report(), oracle);
    std::thread::sleep(Duration::from_millis(2500));
    let again = lab.ship("edge-2", &refs, &[&window[..], &["--resend"]].concat());
    assert_eq!(
        again["duplicates"].as_u64(),
        Some(0),
        "the window should have passed: {again}"
    );
    let out = lab.worker(&["--idle-exit", "2"]).output().expect("worker");
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("worker JSON");
    assert_eq!(report["duplicates"].as_u64(), Some(batches), "{report}");
    assert_eq!(report["batches"].as_u64(), Some(0), "{report}");
    assert_eq!(lab.report(), oracle);
    assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
    assert_eq!(lab.sql_n("SELECT sum(lines) FROM ingested_batches"), lines);
    let st = lab.status();
    assert_eq!(
        st["database"]["duplicates_skipped"].as_u64(),
        Some(batches),
        "{st}"
    );
    assert_eq!(st["broker"]["messages"].as_u64(), Some(2 * batches), "{st}");
}

/// Publishes one raw message with these headers to the lab's stream.
fn publish_raw(lab: &Lab, headers: &[(&str, &str)], payload: Vec<u8>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let c = async_nats::connect(NATS).await.expect("connecting to NATS");
        let js = async_nats::jetstream::new(c);
        let mut h = async_nats::HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, *v);
        }
        let subject = format!("test.{}.poison", lab.name);
        js.publish_with_headers(subject, h, payload.into())
            .await
            .expect("publishing")
            .await
            .expect("acknowledged");
    });
}

#[test]
fn poison_batches_are_recorded_with_their_reason_and_bad_lines_counted() {
    if !services() {
        return;
    }
    let lab = Lab::new("poison");
    // Half the lines of these logs are bad: counted as single-node counts them.
    let files = logs(&lab, 2, 600, 2);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (oracle, lines, bad) = lab.single_node(&refs);
    assert!(bad >= 590, "{bad}");
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "50"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    let ok = |id: &str| {
        vec![
            ("Nats-Msg-Id", id.to_owned()),
            ("Ascribe-Sensor", "poison".to_owned()),
            ("Ascribe-File", "x.json".to_owned()),
            ("Ascribe-Format", "suricata-eve".to_owned()),
        ]
    };
    let send = |h: Vec<(&str, String)>, p: Vec<u8>| {
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        publish_raw(&lab, &h, p);
    };
    // Binary garbage.
    let garbage: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    send(ok("poison:k:0-5000"), garbage);
    // Too large for the worker (its limit is set to 64 KiB below).
    let big = eve(600, 9, 0);
    assert!(big.len() > 65536);
    send(ok("poison:k:5000-90000"), big.into_bytes());
    // No batch id at all.
    send(
        vec![("Ascribe-Sensor", "poison".to_owned())],
        b"{}\n".to_vec(),
    );
    // An unknown format.
    let mut h = ok("poison:k:90000-90003");
    h[3].1 = "pcap".to_owned();
    send(h, b"{}\n".to_vec());
    let out = lab
        .worker(&["--idle-exit", "2", "--max-batch-bytes", "65536"])
        .output()
        .expect("worker");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lab.report(), oracle);
    assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
    assert_eq!(lab.sql_n("SELECT sum(lines) FROM ingested_batches"), lines);
    assert_eq!(
        lab.sql_n("SELECT sum(bad_lines) FROM ingested_batches"),
        bad
    );
    let rejected =
        lab.sql("SELECT batch_id || ' | ' || reason FROM rejected_batches ORDER BY stream_seq");
    let rows: Vec<&str> = rejected.lines().collect();
    assert_eq!(rows.len(), 4, "{rejected}");
    assert!(
        rows[0].starts_with("poison:k:0-5000 | not a text log: a NUL byte"),
        "{rejected}"
    );
    assert!(
        rows[1].contains("larger than the worker's limit of 65536 bytes"),
        "{rejected}"
    );
    assert!(rows[2].contains("Nats-Msg-Id: absent"), "{rejected}");
    assert!(rows[3].contains("Ascribe-Format"), "{rejected}");
    // Refused batches are terminated: nothing is left to deliver, nothing redelivered.
    std::thread::sleep(Duration::from_millis(500));
    let st = lab.status();
    assert_eq!(st["broker"]["pending"].as_u64(), Some(0), "{st}");
    assert_eq!(st["broker"]["ack_pending"].as_u64(), Some(0), "{st}");
    assert_eq!(st["database"]["rejected"].as_u64(), Some(4), "{st}");
}

#[test]
fn workers_killed_at_random_points_and_after_commit_still_count_once() {
    if !services() {
        return;
    }
    let lab = Lab::new("kill");
    let files = logs(&lab, 2, 6000, 53);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (oracle, lines, bad) = lab.single_node(&refs);
    // A short ack wait so that the batches of a killed worker come back quickly.
    let fast = [
        "--ack-wait",
        "2",
        "--max-lines",
        "500",
        "--max-wait-ms",
        "300",
    ];
    // First a worker that aborts between its first commit and the acknowledgements.
    let shipped = lab.ship("edge-1", &refs, &["--batch-lines", "40"]);
    let batches = shipped["batches"].as_u64().expect("batches");
    let out = lab
        .worker(&fast)
        .env("ASCRIBE_FAILPOINT", "after_commit:1")
        .output()
        .expect("worker");
    assert!(
        !out.status.success(),
        "the failpoint should abort the worker"
    );
    let applied = lab.sql_n("SELECT count(*) FROM ingested_batches");
    assert!(applied > 0, "the first commit should have landed");
    // Then two workers, one of them killed with SIGKILL at varied points and restarted.
    let start = |i: usize| {
        lab.worker(&[&fast[..], &["--idle-exit", "6", "--name", &format!("k{i}")]].concat())
            .spawn()
            .expect("starting a worker")
    };
    let steady = start(0);
    let mut victim = start(1);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let t = Instant::now();
    for round in 0..6 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(150 + seed % 600));
        if t.elapsed() > Duration::from_secs(30) {
            break;
        }
        victim.kill().expect("SIGKILL");
        let _ = victim.wait();
        victim = start(round + 2);
    }
    wait_applied(&lab, batches, 90);
    for o in wait_all(vec![steady, victim]) {
        assert!(o.status.success(), "worker: {}", stderr(&o));
    }
    assert_eq!(lab.report(), oracle);
    assert_eq!(lab.sql_n("SELECT count(*) FROM ingested_batches"), batches);
    assert_eq!(lab.sql_n("SELECT sum(lines) FROM ingested_batches"), lines);
    assert_eq!(
        lab.sql_n("SELECT sum(bad_lines) FROM ingested_batches"),
        bad
    );
    assert_eq!(lab.sql_n("SELECT count(*) FROM rejected_batches"), 0);
    // The aborted worker's committed batches came back and were skipped.
    let dups = lab.sql_n("SELECT sum(duplicates) FROM stream_workers");
    assert!(
        dups >= applied,
        "{dups} duplicates skipped, {applied} committed before the abort"
    );
}
