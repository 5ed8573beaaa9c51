//! `ascribe assess`: the attribution assessment of one incident.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use ascribe_model::Case;
use clap::{Args, ValueEnum};

use crate::case::read_case;
use crate::db::Db;
use crate::exit;

#[derive(Debug, Args)]
pub(crate) struct AssessArgs {
    /// An incident id in the database, or a case file (.toml) to assess directly.
    #[arg(value_name = "INCIDENT|FILE")]
    target: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// A config file whose [policy] table overrides the defaults (the case's own [policy] wins).
    #[arg(long, env = "ASCRIBE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Exit with status 1 when the assessment has warnings.
    #[arg(long, short = 'W')]
    warnings_as_errors: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

pub(crate) fn run(args: AssessArgs, db: &Db) -> anyhow::Result<ExitCode> {
    let (case, policy) = case_and_policy(&args.target, args.config.as_deref(), db)?;
    let assessment = ascribe_app::assess::assess(case, &policy)?;

    // Stdout flushes at every newline; pretty JSON of a 100,000-item case has
    // millions of lines, so buffer it (one write per 8 KiB instead).
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Text => out.write_all(ascribe_assess::report::text(&assessment).as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &assessment)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if args.warnings_as_errors && !assessment.warnings.is_empty() {
        return Ok(exit::warnings());
    }
    Ok(exit::ok())
}

/// The case a command names (an incident id in the database or a case file)
/// and the policy in force for it: the defaults, the `--config` file's
/// `[policy]`, the case's own. `assess` and `stix export` both read it here,
/// so they assess the same case under the same policy.
pub(crate) fn case_and_policy(
    target: &str,
    config: Option<&Path>,
    db: &Db,
) -> anyhow::Result<(Case, ascribe_assess::Policy)> {
    let config = match config {
        Some(path) => {
            let text = crate::diag::read_text(path)?;
            Some(ascribe_case::parse_config(
                &path.display().to_string(),
                &text,
            )?)
        }
        None => None,
    };
    let (case, case_policy) = load_target(target, db)?;
    let policy = ascribe_app::assess::policy(config.as_ref(), case_policy.as_ref())?;
    Ok((case, policy))
}

/// A case from a file path or from the database, with its own policy table.
fn load_target(target: &str, db: &Db) -> anyhow::Result<(Case, Option<toml::Table>)> {
    let as_path = Path::new(target);
    if as_path.is_file() || target.ends_with(".toml") {
        let parsed = read_case(as_path)?;
        return Ok((parsed.case, parsed.policy));
    }
    if !db.exists() {
        bail!(
            "no incident {target:?}: the database {} does not exist\n\nhint: import a case first with `ascribe case import FILE`, or pass a case file",
            db
        );
    }
    let store = db.open()?;
    Ok(ascribe_app::assess::stored_case(&store, target)?)
}
