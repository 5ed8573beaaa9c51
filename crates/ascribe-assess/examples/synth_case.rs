//! Writes a seeded synthetic case file to stdout, for scale measurements:
//!
//! ```text
//! cargo run --release -p ascribe-assess --example synth_case -- 100000 1 > case.toml
//! ```

use std::io::Write;
use std::process::ExitCode;

mod support;

fn main() -> ExitCode {
    let (items, seed) = match support::items_and_seed("synth_case") {
        Ok(a) => a,
        Err(usage) => return usage,
    };
    let text = ascribe_assess::synth::case_file(items, seed);
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("synth_case: writing the case: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
