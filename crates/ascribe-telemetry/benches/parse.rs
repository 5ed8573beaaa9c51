//! Parse bound of one EVE reader: the fast reader against serde_json on the same lines.
//!
//!   cargo bench -p ascribe-telemetry --bench parse -- FILE [MAX_MB]
//!
//! Loads up to MAX_MB (default 512) of FILE's selected (`alert`) lines into memory,
//! then times each reader over them on one thread, best of three, and prints the ratio.

use std::time::Instant;

use ascribe_telemetry::{eve, evescan};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench -p ascribe-telemetry --bench parse -- EVE_FILE [MAX_MB]");
        return;
    };
    let max = args
        .get(1)
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(512)
        << 20;
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let finder = eve::TypeFinder::default();
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut bytes = 0usize;
    for l in text.split(|&b| b == b'\n') {
        if finder.event_type_fast(l) == Some(b"alert") {
            bytes += l.len();
            lines.push(l);
            if bytes >= max {
                break;
            }
        }
    }
    println!("{} alert lines, {:.1} MB", lines.len(), bytes as f64 / 1e6);
    let time = |name: &str, f: &dyn Fn(&[u8]) -> usize| {
        let mut best = f64::MAX;
        let mut ok = 0;
        for _ in 0..3 {
            let t = Instant::now();
            ok = lines.iter().map(|l| f(l)).sum::<usize>();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{name:12} {best:7.3} s  {:6.0} MB/s  {:5.0} ns/line  ({ok} parsed)",
            bytes as f64 / best / 1e6,
            best * 1e9 / lines.len() as f64
        );
        best
    };
    let fast = time("evescan", &|l| usize::from(evescan::scan(l).is_ok()));
    let serde = time("serde_json", &|l| {
        usize::from(serde_json::from_slice::<eve::Eve>(l).is_ok())
    });
    let rec = time("scan+record", &|l| {
        usize::from(
            evescan::scan(l)
                .ok()
                .is_some_and(|e| eve::to_record(&e).is_ok()),
        )
    });
    println!(
        "serde_json / evescan: {:.2}x; record building adds {:.0} ns/line",
        serde / fast,
        (rec - fast) * 1e9 / lines.len() as f64
    );
}
