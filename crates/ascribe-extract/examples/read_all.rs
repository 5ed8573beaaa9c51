//! Reads every file named on the command line `ROUNDS` times (default 1)
//! and prints the bytes read and claims found: a fixed workload for
//! `valgrind --tool=callgrind`, whose instruction counts do not depend on
//! the machine's load as the benchmark's timings do.
//! `cargo run --release -p ascribe-extract --example read_all -- FILE...`

fn main() {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut docs = Vec::new();
    for p in std::env::args().skip(1) {
        match std::fs::read(&p) {
            Ok(b) => docs.push((p, b)),
            Err(e) => {
                eprintln!("{p}: {e}");
                std::process::exit(2);
            }
        }
    }
    let (mut bytes, mut claims) = (0usize, 0usize);
    for _ in 0..rounds {
        for (name, b) in &docs {
            let d = ascribe_extract::read_document(name, b, None);
            bytes += b.len();
            claims += d.claims.len();
        }
    }
    println!("{bytes} bytes, {claims} claims");
}
