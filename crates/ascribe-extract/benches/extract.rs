//! Throughput of the document reader on one core.
//!
//! Builds a corpus of at least 50 MB in memory from the seeds (when
//! `../shared` is present), the example statements in `examples/docs/` and
//! a few documents of this file, each copy varied (names and states rotated,
//! paragraphs shuffled), then reads every document and reports MB/s.
//! Also reads one 100 MB document to show memory and time stay bounded.
//!
//! `cargo bench -p ascribe-extract` (release profile).

use std::time::Instant;

/// CPU time of this thread in seconds (Linux `schedstat`), so that the
/// figure is per core even when other jobs share the machine; `None`
/// elsewhere, and wall time is used.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_secs(),
        }
    }
    /// (cpu or wall seconds, wall seconds)
    fn stop(&self) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, cpu_secs()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        (cpu, wall)
    }
}

const OWN: &[&str] = &[
    include_str!("../../../examples/docs/2020-07-16-ncsc-advisory.txt"),
    include_str!("../../../examples/docs/2020-07-17-kremlin-response.txt"),
    "German Interior Minister Karl Brandt spoke to reporters in Berlin on Monday. He said Chinese state hackers had stolen data from the federal parliament.\n\nChinese foreign ministry spokeswoman Zhou Wen rejected the report. \"These accusations are groundless,\" the spokeswoman said.\n",
    "Anna Berg talks to Viktor Sokolov, the spokesman for the Russian foreign ministry.\nDo you accept that Russian military hackers attacked the Olympic committee?\nWe reject this. Russia has never attacked anyone's computers.\nBut the Dutch intelligence service says it has evidence that GRU officers were behind the attack?\nThese are fabrications. There is no evidence at all.\n",
    "<html><head><meta property=\"article:published_time\" content=\"2021-04-15T10:00:00Z\"></head><body><nav>Home | World</nav><article><h1>US names SVR over supply-chain breach</h1><p>The White House said on Thursday that Russia&rsquo;s foreign intelligence service was behind the compromise of a widely used network management product.</p><p>The Russian embassy dismissed the statement as baseless.</p></article><footer>All rights reserved</footer></body></html>",
];

const STATES: &[&str] = &[
    "Russia",
    "China",
    "Iran",
    "North Korea",
    "Belarus",
    "Vietnam",
];

fn vary(doc: &str, k: usize) -> String {
    let mut s = doc.to_owned();
    let from = STATES[k % STATES.len()];
    let to = STATES[(k / STATES.len() + 1) % STATES.len()];
    if from != to {
        s = s.replace(from, to);
    }
    // Shuffle paragraphs a little: rotate by k.
    let paras: Vec<&str> = s.split("\n\n").collect();
    if paras.len() > 2 {
        let r = k % paras.len();
        let mut out: Vec<&str> = Vec::with_capacity(paras.len());
        out.extend_from_slice(&paras[r..]);
        out.extend_from_slice(&paras[..r]);
        s = out.join("\n\n");
    }
    s
}

fn main() {
    let mut base: Vec<(String, String)> = OWN
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                format!(
                    "own{i}.{}",
                    if d.starts_with("<html") {
                        "html"
                    } else {
                        "txt"
                    }
                ),
                (*d).to_owned(),
            )
        })
        .collect();
    if let Some(dir) = std::env::var_os("ASCRIBE_SHARED")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        })
    {
        for n in [
            "000_eb6fa627e54debf7.txt",
            "001_c0a993ecbfa666d5.txt",
            "002_ba215ee4b5b671cf.txt",
        ] {
            if let Ok(t) = std::fs::read_to_string(dir.join("seeds").join(n)) {
                base.push((n.to_owned(), t));
            }
        }
    }
    let target = 50 * 1024 * 1024;
    let mut corpus: Vec<(String, String)> = Vec::new();
    let mut total = 0usize;
    let mut k = 0usize;
    while total < target {
        for (name, d) in &base {
            let v = vary(d, k);
            total += v.len();
            corpus.push((name.clone(), v));
        }
        k += 1;
    }
    // Warm the lexicon and knowledge base.
    let _ = ascribe_extract::read_document("warm.txt", b"Russia denied it.", None);
    let clock = Clock::start();
    let mut claims = 0usize;
    for (name, d) in &corpus {
        let doc = ascribe_extract::read_document(name, d.as_bytes(), None);
        claims += doc.claims.len();
    }
    let (secs, wall) = clock.stop();
    let mb = total as f64 / 1e6;
    println!(
        "corpus: {} documents, {:.1} MB ({} seed documents found); {} claims",
        corpus.len(),
        mb,
        base.len().saturating_sub(OWN.len()),
        claims
    );
    println!(
        "read in {secs:.2} s of CPU time on one core ({wall:.2} s wall): {:.1} MB/s per core",
        mb / secs
    );

    let clock = Clock::start();
    let mut n = 0usize;
    for (_, d) in &corpus {
        n += ascribe_extract::clean(d.as_bytes(), None).text.len();
    }
    let (secs, _) = clock.stop();
    println!(
        "  of which cleaning alone: {:.2} s ({:.1} MB/s, {n} clean bytes)",
        secs,
        mb / secs
    );
    let clock = Clock::start();
    let mut n = 0usize;
    for (_, d) in &corpus {
        n += ascribe_extract::bench_scan(d);
    }
    let (secs, _) = clock.stop();
    println!(
        "  of which lexicon scan alone: {:.2} s ({:.1} MB/s, {n} hits)",
        secs,
        mb / secs
    );
    if std::env::var_os("ASCRIBE_BENCH_NO_BIG").is_some() {
        return;
    }
    // One document of 100 MB: bounded time, no panic.
    let mut big = String::with_capacity(100 * 1024 * 1024 + 4096);
    let mut i = 0;
    while big.len() < 100 * 1024 * 1024 {
        big.push_str(&vary(&base[i % base.len()].1, i));
        big.push_str("\n\n");
        i += 1;
    }
    let clock = Clock::start();
    let doc = ascribe_extract::read_document("big.txt", big.as_bytes(), None);
    let (secs, _) = clock.stop();
    println!(
        "one {:.0} MB document: {} claims in {secs:.2} s ({:.1} MB/s)",
        big.len() as f64 / 1e6,
        doc.claims.len(),
        big.len() as f64 / 1e6 / secs
    );
}
