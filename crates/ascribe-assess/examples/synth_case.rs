//! Writes a seeded synthetic case file to stdout, for scale measurements:
//!
//! ```text
//! cargo run --release -p ascribe-assess --example synth_case -- 100000 1 > case.toml
//! ```

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (items, seed) = match ascribe_assess::synth::args(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("synth_case: {e}\nusage: synth_case ITEMS [SEED]  (SEED defaults to 1)");
            return ExitCode::from(2);
        }
    };
    let text = ascribe_assess::synth::case_file(items, seed);
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("synth_case: writing the case: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
