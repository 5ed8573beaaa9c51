//! Sensors ship, workers count (issue 22), against the machine's NATS JetStream
//! (127.0.0.1:4222) and PostgreSQL (127.0.0.1:5432). The oracle of every test is
//! `telemetry ingest --format csv` on the same files: `telemetry report` must print the
//! same bytes, and the batch and line counts must be exact.
//!
//! Each test owns its stream, subjects and PostgreSQL schema. Without the services the
//! tests skip with the reason; with `ASCRIBE_REQUIRE_SERVICES=1` (CI) they fail.

mod common;
mod stream_lab;

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use stream_lab::{eve, logs, stderr, wait_all, Lab};

#[test]
fn workers_1_2_and_4_count_what_single_node_counts() {
    for workers in [1usize, 2, 4] {
        let Some(lab) = Lab::on_machine(&format!("happy{workers}")) else {
            return;
        };
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
        // Packed batches (the default) and, with two workers, the log's bytes.
        let compress = if workers == 2 { "none" } else { "zstd" };
        let shipped = lab.ship(
            "edge-1",
            &refs,
            &["--batch-lines", "100", "--compress", compress],
        );
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
    // Within the broker's window: a resend is answered "duplicate" and never stored.
    let Some(lab) = Lab::on_machine("dupin") else {
        return;
    };
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
    let Some(lab) = Lab::on_machine("dupout") else {
        return;
    };
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

#[test]
fn poison_batches_are_recorded_with_their_reason_and_bad_lines_counted() {
    let Some(lab) = Lab::on_machine("poison") else {
        return;
    };
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
        lab.publish_raw("poison", &h, p);
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
    // Packed: a frame that does not unpack, a small frame that unpacks past the
    // worker's limit (refused before it is unpacked), an encoding no worker reads.
    let packed = |id: &str, encoding: &str| {
        let mut h = ok(id);
        h.push(("Ascribe-Encoding", encoding.to_owned()));
        h
    };
    let mut cut = zstd::bulk::compress(eve(20, 3, 0).as_bytes(), 1).expect("packs");
    cut.truncate(cut.len() / 2);
    send(packed("poison:k:90003-90010", "zstd"), cut);
    let bomb = zstd::bulk::compress(&vec![b'a'; 300_000], 1).expect("packs");
    assert!(bomb.len() < 1000);
    send(packed("poison:k:90010-90020", "zstd"), bomb);
    send(packed("poison:k:90020-90030", "gzip"), b"{}\n".to_vec());
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
    assert_eq!(rows.len(), 7, "{rejected}");
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
    assert!(rows[4].contains("not a zstd payload"), "{rejected}");
    assert!(
        rows[5].contains("batch of 300000 bytes is larger than the worker's limit"),
        "{rejected}"
    );
    assert!(
        rows[6].contains("Ascribe-Encoding: not none or zstd"),
        "{rejected}"
    );
    // Refused batches are terminated: nothing is left to deliver, nothing redelivered.
    std::thread::sleep(Duration::from_millis(500));
    let st = lab.status();
    assert_eq!(st["broker"]["pending"].as_u64(), Some(0), "{st}");
    assert_eq!(st["broker"]["ack_pending"].as_u64(), Some(0), "{st}");
    assert_eq!(st["database"]["rejected"].as_u64(), Some(7), "{st}");
}

#[test]
fn workers_killed_at_random_points_and_after_commit_still_count_once() {
    let Some(lab) = Lab::on_machine("kill") else {
        return;
    };
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
    lab.wait_applied(batches, 90);
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

/// The benchmark's transport figure (`worker --transport-only`) pulls, unpacks and
/// acknowledges every batch without a database write: it reports the batches and lines
/// shipped, packed or not, and leaves nothing pending.
#[test]
fn transport_only_pulls_every_batch_and_applies_nothing() {
    for compress in ["zstd", "none"] {
        let Some(lab) = Lab::on_machine(&format!("drain{compress}")) else {
            return;
        };
        let files = logs(&lab, 2, 800, 0);
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let shipped = lab.ship(
            "edge-1",
            &refs,
            &["--batch-lines", "50", "--compress", compress],
        );
        let out = lab
            .worker(&["--transport-only", "--idle-exit", "1"])
            .output()
            .expect("a transport-only worker");
        assert!(out.status.success(), "worker: {}", stderr(&out));
        let drained: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("the worker prints JSON");
        assert_eq!(
            drained["batches"], shipped["batches"],
            "{drained} {shipped}"
        );
        assert_eq!(drained["lines"].as_u64(), Some(1600), "{drained}");
        assert!(drained["last_at"].as_f64().is_some(), "{drained}");
        assert_eq!(lab.status()["broker"]["pending"].as_u64(), Some(0));
        assert_eq!(lab.applied(), 0, "transport only writes nothing");
    }
}
