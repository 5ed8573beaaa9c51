//! What the synthetic-case examples share: reading `ITEMS [SEED]`.

use std::process::ExitCode;

/// `ITEMS [SEED]` from the command line, or (after printing the error and
/// the usage of `program`) the exit code for a usage error.
pub fn items_and_seed(program: &str) -> Result<(usize, u64), ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ascribe_assess::synth::args(&args).map_err(|e| {
        eprintln!("{program}: {e}\nusage: {program} ITEMS [SEED]  (SEED defaults to 1)");
        ExitCode::from(2)
    })
}
