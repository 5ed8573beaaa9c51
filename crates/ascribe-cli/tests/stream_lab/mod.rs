//! The harness of the streaming tests (`stream.rs` against the machine's services,
//! `stream_faults.rs` against services each test starts, kills and restarts): a
//! [`Lab`] is one test's stream, subjects and database, with the `ascribe` commands
//! run against them and the oracle, `telemetry ingest` on the same files.

#![allow(dead_code)] // Each test binary uses part of it.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ascribe_testutil::services::{self, NatsServer, PgCluster};

use crate::common;

/// The machine's broker.
pub const MACHINE_NATS: &str = "nats://127.0.0.1:4222";

/// The machine's PostgreSQL server URL (without a schema); `ASCRIBE_TEST_PG` overrides it.
fn machine_pg() -> String {
    std::env::var("ASCRIBE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// True when the machine's broker and PostgreSQL answer; otherwise prints why and,
/// under `ASCRIBE_REQUIRE_SERVICES=1`, fails.
fn machine_services() -> bool {
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
    services::skip::<()>(&format!(
        "{} not listening on loopback (start nats-server -js and PostgreSQL, see the README)",
        missing.join(" and ")
    ));
    false
}

pub fn psql(url: &str, sql: &str) -> String {
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

/// Services the lab started for itself.
pub struct Own {
    pub nats: NatsServer,
    pub pg: PgCluster,
}

/// One test's own stream, subjects and database, removed when dropped.
pub struct Lab {
    pub name: String,
    pub dir: tempfile::TempDir,
    /// The database the commands use.
    pub db: String,
    /// The broker the commands use.
    pub nats: String,
    /// The schema made on the machine's server (dropped with the lab).
    schema_on: Option<String>,
    /// The lab's own services, when it started them.
    pub own: Option<Own>,
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .subsec_nanos();
    format!("t{}_{tag}_{nanos}", std::process::id())
}

impl Lab {
    /// A schema and stream of the test's own on the machine's services, or `None`
    /// (after printing why) when they are not running.
    pub fn on_machine(tag: &str) -> Option<Lab> {
        if !machine_services() {
            return None;
        }
        let name = unique(tag);
        psql(&machine_pg(), &format!("CREATE SCHEMA {name}"));
        let db = format!("{}?options=-c%20search_path%3D{name}", machine_pg());
        Some(Lab {
            name,
            dir: tempfile::tempdir().expect("a temporary folder"),
            db,
            nats: MACHINE_NATS.to_owned(),
            schema_on: Some(machine_pg()),
            own: None,
        })
    }

    /// A nats-server and a PostgreSQL cluster of the test's own (an empty database),
    /// which it may kill and restart; `None` (after printing why) when they cannot be
    /// started and are not required.
    pub fn own(tag: &str) -> Option<Lab> {
        let nats = NatsServer::start()?;
        let pg = PgCluster::start()?;
        Some(Lab {
            name: unique(tag),
            dir: tempfile::tempdir().expect("a temporary folder"),
            db: pg.url("postgres"),
            nats: nats.url(),
            schema_on: None,
            own: Some(Own { nats, pg }),
        })
    }

    pub fn services(&mut self) -> &mut Own {
        self.own.as_mut().expect("a lab with its own services")
    }

    pub fn broker_args_at(&self, nats: &str) -> Vec<String> {
        vec![
            "--nats".into(),
            nats.into(),
            "--stream".into(),
            self.name.to_uppercase(),
            "--subject-prefix".into(),
            format!("test.{}", self.name),
        ]
    }

    pub fn broker_args(&self) -> Vec<String> {
        self.broker_args_at(&self.nats)
    }

    /// `ascribe --db DB ARGS` with the variables that change what it does removed.
    pub fn cmd_at(&self, db: &str, args: &[&str]) -> Command {
        let mut c = common::command(Path::new(db), args);
        c.env_remove("ASCRIBE_NATS")
            .env_remove("ASCRIBE_FAILPOINT")
            .env_remove("ASCRIBE_DB");
        c
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_at(&self.db, args)
    }

    /// `ascribe ship` of these logs, not yet run (its checkpoint in the lab's folder).
    pub fn ship_cmd(&self, sensor: &str, inputs: &[&Path], extra: &[&str]) -> Command {
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
        let mut c = self.cmd(&refs);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        c
    }

    /// Ships to the end and returns the shipper's report.
    pub fn ship(&self, sensor: &str, inputs: &[&Path], extra: &[&str]) -> serde_json::Value {
        let out = common::run(&mut self.ship_cmd(sensor, inputs, extra));
        assert!(out.status.success(), "ship: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("ship prints its report as JSON")
    }

    /// `ascribe worker` against these broker and database URLs, not yet run.
    pub fn worker_at(&self, nats: &str, db: &str, extra: &[&str]) -> Command {
        let mut args: Vec<String> = vec!["worker".into(), "--no-geo".into()];
        args.extend(self.broker_args_at(nats));
        args.push("--indicators".into());
        args.push(self.indicators().display().to_string());
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = self.cmd_at(db, &refs);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        c
    }

    pub fn worker(&self, extra: &[&str]) -> Command {
        self.worker_at(&self.nats, &self.db, extra)
    }

    pub fn indicators(&self) -> PathBuf {
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
    pub fn single_node(&self, inputs: &[&Path]) -> (String, u64, u64) {
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

    pub fn report(&self) -> String {
        let out = common::run(&mut self.cmd(&["telemetry", "report", "--format", "csv"]));
        assert!(out.status.success(), "report: {}", stderr(&out));
        String::from_utf8(out.stdout).expect("UTF-8")
    }

    pub fn sql(&self, sql: &str) -> String {
        psql(&self.db, sql)
    }

    pub fn sql_n(&self, sql: &str) -> u64 {
        let s = self.sql(sql);
        s.parse().unwrap_or_else(|e| panic!("{sql}: {s:?}: {e}"))
    }

    /// `ascribe status`, text or (`json`) parsed JSON as text.
    pub fn status_text(&self, json: bool) -> String {
        let mut args = vec!["status".to_owned()];
        if json {
            args.push("--json".to_owned());
        }
        args.extend(self.broker_args());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::run(&mut self.cmd(&refs));
        assert!(out.status.success(), "status: {}", stderr(&out));
        String::from_utf8(out.stdout).expect("UTF-8")
    }

    pub fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.status_text(true)).expect("status JSON")
    }

    /// Batches applied so far (none while the tables are not made yet).
    pub fn applied(&self) -> u64 {
        if self.sql("SELECT to_regclass('ingested_batches') IS NOT NULL") != "t" {
            return 0;
        }
        self.sql_n("SELECT count(*) FROM ingested_batches")
    }

    /// Waits until `ingested_batches` holds `n` rows (at most `secs`); more is a failure.
    pub fn wait_applied(&self, n: u64, secs: u64) {
        let t = Instant::now();
        loop {
            let got = self.applied();
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

    /// Waits until at least `n` batches are applied (at most `secs`), for a fault
    /// injected mid-run.
    pub fn wait_some_applied(&self, n: u64, secs: u64) {
        let t = Instant::now();
        loop {
            let got = self.applied();
            if got >= n {
                return;
            }
            assert!(
                t.elapsed() < Duration::from_secs(secs),
                "{got} of the {n} batches awaited applied after {secs}s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The exact end of every test: the report is the oracle's bytes, every batch is
    /// applied once, every line counted once, nothing refused.
    pub fn assert_exact(&self, oracle: &(String, u64, u64), batches: u64) {
        assert_eq!(
            self.report(),
            oracle.0,
            "the report differs from single-node"
        );
        assert_eq!(self.sql_n("SELECT count(*) FROM ingested_batches"), batches);
        assert_eq!(
            self.sql_n("SELECT coalesce(sum(lines), 0) FROM ingested_batches"),
            oracle.1
        );
        assert_eq!(
            self.sql_n("SELECT coalesce(sum(bad_lines), 0) FROM ingested_batches"),
            oracle.2
        );
        assert_eq!(self.sql_n("SELECT count(*) FROM rejected_batches"), 0);
    }

    /// Publishes one raw message with these headers on the lab's subject SUFFIX.
    pub fn publish_raw(&self, suffix: &str, headers: &[(&str, &str)], payload: Vec<u8>) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async {
            let c = async_nats::connect(&self.nats)
                .await
                .expect("connecting to NATS");
            let js = async_nats::jetstream::new(c);
            let mut h = async_nats::HeaderMap::new();
            for (k, v) in headers {
                h.insert(*k, *v);
            }
            let subject = format!("test.{}.{suffix}", self.name);
            js.publish_with_headers(subject, h, payload.into())
                .await
                .expect("publishing")
                .await
                .expect("acknowledged");
        });
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // The lab's own services go with it; on the machine's, what the test made.
        if let Some(base) = &self.schema_on {
            let _ = Command::new("psql")
                .args([
                    base.as_str(),
                    "-Atqc",
                    &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
                ])
                .output();
            delete_stream(&self.nats, &self.name.to_uppercase());
            delete_stream(
                &self.nats,
                &format!("{}_GIVEN_UP", self.name.to_uppercase()),
            );
        }
    }
}

/// Removes a test's stream through the broker's JetStream API.
fn delete_stream(nats: &str, stream: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        if let Ok(c) = async_nats::connect(nats).await {
            let js = async_nats::jetstream::new(c);
            let _ = js.delete_stream(stream).await;
        }
    });
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A deterministic EVE log: alerts over three days, seven signatures, two actions,
/// sources some of which are indicators; flow events; every `bad_every`th line broken.
pub fn eve(lines: usize, seed: u64, bad_every: usize) -> String {
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
pub fn logs(lab: &Lab, n: usize, lines: usize, bad_every: usize) -> Vec<PathBuf> {
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

pub fn wait_all(children: Vec<Child>) -> Vec<Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("waiting for a worker"))
        .collect()
}
