//! `ascribe case`: import, list and check case files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ascribe_case::ParsedCase;
use clap::Subcommand;

use crate::db::Db;
use crate::exit;

#[derive(Debug, Subcommand)]
pub(crate) enum CaseCommand {
    /// Import case files into the database (re-importing an incident updates it).
    Import {
        /// Case files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Check case files without importing them.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List the incidents in the database.
    List,
}

pub(crate) fn run(cmd: CaseCommand, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        CaseCommand::Import { files } => {
            // Read and check every file first: one bad file imports nothing.
            let parsed = files
                .iter()
                .map(|f| read_case(f))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let store = db.open()?;
            let mut err = std::io::stderr().lock();
            // One transaction for every file: all are stored, or none.
            ascribe_app::case::import(&store, &parsed)?;
            for (file, p) in files.iter().zip(&parsed) {
                for note in &p.notes {
                    writeln!(err, "note: {}: {note}", file.display())?;
                }
                writeln!(
                    err,
                    "imported {} from {}: {} hypotheses, {} evidence items, {} claims",
                    p.case.incident.id,
                    file.display(),
                    p.case.hypotheses.len(),
                    p.case.evidence.len(),
                    p.case.claims.len()
                )?;
            }
            Ok(exit::ok())
        }
        CaseCommand::Check { files } => {
            let mut out = std::io::stdout().lock();
            for f in &files {
                let p = read_case(f)?;
                writeln!(out, "{}: ok ({})", f.display(), p.case.incident.id)?;
            }
            Ok(exit::ok())
        }
        CaseCommand::List => {
            let store = db.open()?;
            let mut out = std::io::stdout().lock();
            let list = store.list_incidents()?;
            if list.is_empty() {
                writeln!(out, "no incidents in {db}")?;
            }
            for i in list {
                writeln!(
                    out,
                    "{:<28} {:>2} hypotheses {:>4} evidence {:>4} claims  {}",
                    i.id, i.hypotheses, i.evidence, i.claims, i.title
                )?;
            }
            Ok(exit::ok())
        }
    }
}

/// Reads and checks a case file; errors name the file, line and column.
pub(crate) fn read_case(path: &Path) -> anyhow::Result<ParsedCase> {
    let text = crate::diag::read_text(path)?;
    Ok(ascribe_app::case::check(
        &path.display().to_string(),
        &text,
    )?)
}
