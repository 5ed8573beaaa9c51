//! Writes a seeded synthetic case file to stdout, for scale measurements:
//!
//! ```text
//! cargo run --release -p ascribe-assess --example synth_case -- 100000 1 > case.toml
//! ```

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [n] => n.parse::<usize>().ok().map(|n| (n, 1)),
        [n, seed] => n.parse::<usize>().ok().zip(seed.parse::<u64>().ok()),
        _ => None,
    };
    let Some((items, seed)) = parsed else {
        eprintln!("usage: synth_case ITEMS [SEED]  (ITEMS and SEED are whole numbers; SEED defaults to 1)");
        return ExitCode::from(2);
    };
    let text = ascribe_assess::synth::case_file(items, seed);
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("synth_case: writing the case: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
