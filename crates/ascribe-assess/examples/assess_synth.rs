//! Assesses a seeded synthetic case once, for instruction counts that do not
//! depend on the machine's load (the assessment alone, no parsing):
//!
//! ```text
//! cargo build --release -p ascribe-assess --example assess_synth
//! valgrind --tool=callgrind --toggle-collect='ascribe_assess::assess' \
//!     target/release/examples/assess_synth 100000 1
//! ```
//!
//! `scripts/count-assess.sh` runs it at 1,000, 10,000 and 100,000 items and
//! prints instructions per item.

use std::process::ExitCode;

mod support;

fn main() -> ExitCode {
    let (items, seed) = match support::items_and_seed("assess_synth") {
        Ok(a) => a,
        Err(usage) => return usage,
    };
    let case = ascribe_assess::synth::case(items, seed);
    match ascribe_assess::assess(&case, &ascribe_assess::Policy::default()) {
        Ok(a) => {
            // Something of the result is printed so the work cannot be optimised away.
            println!("{items} items: {} hypotheses ranked", a.hypotheses.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("assess_synth: {e}");
            ExitCode::FAILURE
        }
    }
}
