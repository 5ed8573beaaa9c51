//! Throughput and memory of the document reader on one core.
//!
//! Builds documents in memory from the seeds (when `../shared` is present),
//! the example statements in `examples/docs/` and a few documents of this
//! file, each copy varied (names and states rotated, paragraphs shuffled),
//! and reads them:
//!
//! - at 1x, 10x and 100x a realistic size: the documents as they are, then
//!   each made of 10 and of 100 of them, at least `ASCRIBE_BENCH_MB` (50) MB
//!   of raw text per size; MB/s per core of raw text read;
//! - cleaning alone and the lexicon scan alone at 1x;
//! - memory: one document of 1, 10 and 100 MB, each read in a process of
//!   its own, whose peak resident size is reported against the document's
//!   size; and 100 MB of junk (random words and punctuation, no sentence),
//!   which must yield no claim. `ASCRIBE_BENCH_NO_BIG=1` skips these.
//!
//! `cargo bench -p ascribe-extract` (release profile).
//!
//! The reader runs with the allocator of the `ascribe` binary (jemalloc),
//! as `ascribe docs` runs it: the rules allocate many short strings, and
//! glibc's malloc reads the same corpus more slowly (figures in
//! `docs/docs-ingest.md`).

use std::time::Instant;

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// CPU time of this thread in seconds (Linux `schedstat`), so that the
/// figure is per core even when other jobs share the machine; `None`
/// elsewhere, and wall time is used.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// A field of `/proc/self/status` in kB (`VmHWM`, `VmRSS`); `None` off Linux.
fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
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

/// The documents every size is made of: (name, text).
fn base_documents() -> Vec<(String, String)> {
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
    let dir = std::env::var_os("ASCRIBE_SHARED").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        std::path::PathBuf::from,
    );
    for n in [
        "000_eb6fa627e54debf7.txt",
        "001_c0a993ecbfa666d5.txt",
        "002_ba215ee4b5b671cf.txt",
    ] {
        if let Ok(t) = std::fs::read_to_string(dir.join("seeds").join(n)) {
            base.push((n.to_owned(), t));
        }
    }
    base
}

/// Documents of `mult` varied base documents each (`mult` 1: the base
/// documents themselves, varied), at least `target` bytes in all. The
/// first round of variations is the corpus this benchmark has always read.
fn corpus(base: &[(String, String)], mult: usize, target: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let (mut total, mut k) = (0usize, 0usize);
    let mut cur = String::new();
    let mut parts = 0;
    while total < target {
        for (name, d) in base {
            let v = vary(d, k);
            if mult == 1 {
                total += v.len();
                out.push((name.clone(), v));
                continue;
            }
            if !cur.is_empty() {
                cur.push_str("\n\n");
            }
            cur.push_str(&v);
            parts += 1;
            if parts == mult {
                total += cur.len();
                out.push((format!("cat{}.txt", out.len()), std::mem::take(&mut cur)));
                parts = 0;
            }
        }
        k += 1;
    }
    out
}

/// One document of at least `bytes` bytes: varied base documents, as a
/// `.txt` page.
fn big_document(base: &[(String, String)], bytes: usize) -> String {
    let mut big = String::with_capacity(bytes + 64 * 1024);
    let mut i = 0;
    while big.len() < bytes {
        big.push_str(&vary(&base[i % base.len()].1, i));
        big.push_str("\n\n");
        i += 1;
    }
    big
}

/// `bytes` bytes of junk: random words of random letters, digits and
/// punctuation, random line breaks, no sentence (xorshift, fixed seed).
fn junk(bytes: usize) -> String {
    const CHARS: &[u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<>&;#@%*()[]{}|/\\-_=+~^";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut s = String::with_capacity(bytes + 16);
    while s.len() < bytes {
        let r = next();
        let len = 1 + (r % 12) as usize;
        for k in 0..len {
            let c = CHARS[((r >> (8 + 5 * k)) as usize ^ k) % CHARS.len()];
            s.push(char::from(c));
        }
        s.push(match next() % 16 {
            0 => '\n',
            1 => ',',
            _ => ' ',
        });
    }
    s
}

/// Child mode (`--one KIND MB`): reads one document in a process of its
/// own and prints `claims seconds peak_kB base_kB`.
fn one(kind: &str, mb: usize) {
    let base = base_documents();
    let _ = ascribe_extract::read_document("warm.txt", b"Russia denied it.", None);
    let doc = match kind {
        "junk" => junk(mb * 1_000_000),
        _ => big_document(&base, mb * 1_000_000),
    };
    let before = status_kb("VmRSS:").unwrap_or(0);
    let clock = Clock::start();
    let read = ascribe_extract::read_document("big.txt", doc.as_bytes(), None);
    let (secs, _) = clock.stop();
    let peak = status_kb("VmHWM:").unwrap_or(0);
    println!("{} {} {secs} {peak} {before}", doc.len(), read.claims.len());
}

/// Raw text per corpus size: `ASCRIBE_BENCH_MB` (default 50) MB. A value that is
/// not a whole number stops the bench rather than measuring another size.
fn corpus_bytes() -> usize {
    let mb = match std::env::var("ASCRIBE_BENCH_MB") {
        Err(std::env::VarError::NotPresent) => 50,
        Ok(m) => m
            .parse::<usize>()
            .unwrap_or_else(|e| panic!("ASCRIBE_BENCH_MB={m:?}: not a whole number of MB ({e})")),
        Err(e) => panic!("ASCRIBE_BENCH_MB: {e}"),
    };
    mb * 1024 * 1024
}

/// A layout the bench also reads each size in: its name and how to make it.
type Layout = (&'static str, fn(&str) -> String);

/// Dump mode (`--dump OUT [FILE...]`): writes every claim read from the
/// 1x, 10x and 100x corpora (`ASCRIBE_BENCH_MB` each) and from each FILE to
/// OUT, one document a line, so that a change meant to be faster can be shown
/// to read exactly the same claims (diff two dumps).
fn dump(out: &str, files: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    let base = base_documents();
    let target = corpus_bytes();
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut docs = Vec::new();
    for mult in [1, 10, 100] {
        docs.extend(corpus(&base, mult, target));
    }
    for f in files {
        docs.push((f.clone(), std::fs::read_to_string(f)?));
    }
    for (name, d) in &docs {
        let doc = ascribe_extract::read_document(name, d.as_bytes(), None);
        writeln!(
            w,
            "{name}\t{:?}\t{:?}\t{}\t{:?}\t{:?}",
            doc.published, doc.skipped, doc.clean_len, doc.source, doc.claims
        )?;
    }
    w.flush()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(p) = args.iter().position(|a| a == "--dump") {
        let Some(out) = args.get(p + 1) else {
            eprintln!("--dump needs an output file");
            std::process::exit(2);
        };
        if let Err(e) = dump(out, &args[p + 2..]) {
            eprintln!("--dump {out}: {e}");
            std::process::exit(1);
        }
        return;
    }
    if let Some(p) = args.iter().position(|a| a == "--one") {
        let kind = args.get(p + 1).map_or("text", String::as_str);
        let mb = args.get(p + 2).and_then(|m| m.parse().ok()).unwrap_or(1);
        one(kind, mb);
        return;
    }
    let base = base_documents();
    let target = corpus_bytes();
    // Warm the lexicon and knowledge base.
    let _ = ascribe_extract::read_document("warm.txt", b"Russia denied it.", None);
    let mean = base.iter().map(|(_, d)| d.len()).sum::<usize>() / base.len().max(1);
    println!(
        "{} base documents ({} seed documents found), mean size {:.1} kB",
        base.len(),
        base.len().saturating_sub(OWN.len()),
        mean as f64 / 1e3
    );
    #[cfg(not(target_env = "msvc"))]
    println!("allocator: jemalloc, as in the `ascribe` binary");
    let mut first = Vec::new();
    for mult in [1, 10, 100] {
        let docs = corpus(&base, mult, target);
        let total: usize = docs.iter().map(|(_, d)| d.len()).sum();
        let clock = Clock::start();
        let mut claims = 0usize;
        for (name, d) in &docs {
            let doc = ascribe_extract::read_document(name, d.as_bytes(), None);
            claims += doc.claims.len();
        }
        let (secs, wall) = clock.stop();
        let mb = total as f64 / 1e6;
        println!(
            "{mult:>3}x: {} documents of {:.1} kB mean, {mb:.1} MB, {claims} claims: {secs:.2} s of CPU time on one core ({wall:.2} s wall): {:.1} MB/s per core",
            docs.len(),
            total as f64 / docs.len().max(1) as f64 / 1e3,
            mb / secs
        );
        // The same documents laid out otherwise: folded at 72 columns, as
        // mail and plain-text releases are (the cleaner measures the width
        // and joins the lines), and as a subtitle page (short lines, blank
        // lines between them, sentences running across: read as one run).
        let layouts: [Layout; 2] = [
            ("folded at 72 columns", |d| {
                ascribe_testutil::fold(d, 72, false)
            }),
            ("as subtitles", |d| {
                ascribe_testutil::fold(d, 42, false).replace('\n', "\n\n\n")
            }),
        ];
        for (layout, lay_out) in layouts {
            let laid: Vec<String> = docs.iter().map(|(_, d)| lay_out(d)).collect();
            let ltotal: usize = laid.iter().map(String::len).sum();
            let clock = Clock::start();
            let mut lclaims = 0usize;
            for ((name, _), d) in docs.iter().zip(&laid) {
                lclaims += ascribe_extract::read_document(name, d.as_bytes(), None)
                    .claims
                    .len();
            }
            let (lsecs, _) = clock.stop();
            println!(
                "     {layout}: {:.1} MB, {lclaims} claims: {lsecs:.2} s of CPU time: {:.1} MB/s per core",
                ltotal as f64 / 1e6,
                ltotal as f64 / 1e6 / lsecs
            );
        }
        if mult == 1 {
            first = docs;
        }
    }

    let total: usize = first.iter().map(|(_, d)| d.len()).sum();
    let mb = total as f64 / 1e6;
    let clock = Clock::start();
    let mut n = 0usize;
    for (_, d) in &first {
        n += ascribe_extract::clean(d.as_bytes(), None).text.len();
    }
    let (secs, _) = clock.stop();
    println!(
        "  1x cleaning alone: {:.2} s ({:.1} MB/s, {n} clean bytes)",
        secs,
        mb / secs
    );
    let clock = Clock::start();
    let mut n = 0usize;
    for (_, d) in &first {
        n += ascribe_extract::bench_scan(d);
    }
    let (secs, _) = clock.stop();
    println!(
        "  1x lexicon scan alone: {:.2} s ({:.1} MB/s, {n} hits)",
        secs,
        mb / secs
    );
    if std::env::var_os("ASCRIBE_BENCH_NO_BIG").is_some() {
        return;
    }
    // Memory: one document per process, so that each peak is its own.
    let Ok(exe) = std::env::current_exe() else {
        println!("memory: cannot find this benchmark's executable");
        return;
    };
    println!("one document per process: peak resident size against the document's size");
    for (kind, mb) in [("text", 1), ("text", 10), ("text", 100), ("junk", 100)] {
        let out = std::process::Command::new(&exe)
            .args(["--one", kind, &mb.to_string()])
            .output();
        let line = match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
            Ok(o) => {
                println!(
                    "  {kind} {mb} MB: the reading process failed ({}): {}",
                    o.status,
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                continue;
            }
            Err(e) => {
                println!("  {kind} {mb} MB: cannot run {}: {e}", exe.display());
                continue;
            }
        };
        let f: Vec<f64> = line
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let [bytes, claims, secs, peak, before] = f[..] else {
            println!("  {kind} {mb} MB: unreadable report {line:?}");
            continue;
        };
        println!(
            "  {kind:>4} {:>5.1} MB: {claims} claims in {secs:.2} s ({:.1} MB/s); peak RSS {:.0} MB, {:.1} bytes per input byte above the {:.0} MB resident before reading",
            bytes / 1e6,
            bytes / 1e6 / secs,
            peak / 1e3,
            (peak - before) * 1e3 / bytes,
            before / 1e3,
        );
    }
}
