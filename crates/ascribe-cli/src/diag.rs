//! Reading input files as text and printing their problems, the same way in every
//! command: invalid UTF-8 is reported with its line and column, and lists of problems
//! and echoed input are capped by the rule in [`ascribe_model::diag`].

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ascribe_model::diag::{bound_message, capped, PROBLEMS_SHOWN};

/// The file as text; not UTF-8 is an error naming the file, line and column.
pub(crate) fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    text_of(&path.display().to_string(), bytes)
}

/// `bytes` read from `name` as text, or where it stops being UTF-8.
pub(crate) fn text_of(name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
    if let Err(e) = ascribe_model::diag::utf8(&bytes) {
        anyhow::bail!("{name}:{}:{}: {e}", e.line, e.column);
    }
    Ok(String::from_utf8(bytes).expect("checked as UTF-8 just above"))
}

/// Prints the first problems in full (each after `prefix`), then how many more.
pub(crate) fn print_problems<T: std::fmt::Display>(
    out: &mut impl Write,
    prefix: &str,
    problems: impl IntoIterator<Item = T>,
) -> std::io::Result<()> {
    for line in capped(problems, PROBLEMS_SHOWN) {
        writeln!(out, "{prefix}{line}")?;
    }
    Ok(())
}

/// An error's text for stderr with each of its lines bounded (a library message may
/// quote input at any length).
pub(crate) fn bounded_error(err: &anyhow::Error) -> String {
    format!("{err:#}")
        .lines()
        .map(|l| bound_message(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}
