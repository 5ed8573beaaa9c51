//! `ascribe assess`: the attribution assessment of one incident.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_assess::{assess, claims_to_evidence, Assessment};
use ascribe_model::Case;
use clap::{Args, ValueEnum};

use crate::case::{open_store, read_case};
use crate::{exit, report};

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

pub(crate) fn run(args: AssessArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => {
            let text = crate::diag::read_text(path)?;
            Some(ascribe_case::parse_config(
                &path.display().to_string(),
                &text,
            )?)
        }
        None => None,
    };
    let (case, case_policy) = load_target(&args.target, db)?;
    let layers: Vec<&toml::Table> = config.iter().chain(case_policy.iter()).collect();
    let policy = ascribe_case::policy_from_tables(&layers).map_err(anyhow::Error::msg)?;
    let assessment = assess_case(case, &policy)?;

    // Stdout flushes at every newline; pretty JSON of a 100,000-item case has
    // millions of lines, so buffer it (one write per 8 KiB instead).
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Text => out.write_all(report::text(&assessment).as_bytes())?,
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

/// Adds the evidence graded from observations and made from claims and assesses; conversion notes become warnings.
pub(crate) fn assess_case(
    mut case: Case,
    policy: &ascribe_assess::Policy,
) -> anyhow::Result<Assessment> {
    ascribe_assess::grade_observed(&mut case, policy)
        .with_context(|| format!("grading {}", case.incident.id))?;
    let conversion = claims_to_evidence(&case.claims, &case.hypotheses, policy);
    case.evidence.extend(conversion.evidence);
    let mut assessment =
        assess(&case, policy).with_context(|| format!("assessing {}", case.incident.id))?;
    assessment.warnings.extend(conversion.notes);
    Ok(assessment)
}

/// A case from a file path or from the database, with its own policy table.
fn load_target(target: &str, db: &Path) -> anyhow::Result<(Case, Option<toml::Table>)> {
    let as_path = Path::new(target);
    if as_path.is_file() || target.ends_with(".toml") {
        let parsed = read_case(as_path)?;
        return Ok((parsed.case, parsed.policy));
    }
    if !db.exists() {
        bail!(
            "no incident {target:?}: the database {} does not exist\n\nhint: import a case first with `ascribe case import FILE`, or pass a case file",
            db.display()
        );
    }
    let store = open_store(db)?;
    let Some(stored) = store.load_case(target)? else {
        let known: Vec<String> = store.list_incidents()?.into_iter().map(|i| i.id).collect();
        bail!(
            "no incident {target:?} in {}; known incidents: {}",
            db.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    };
    let policy = stored
        .policy_json
        .as_deref()
        .map(serde_json::from_str::<toml::Table>)
        .transpose()
        .context("reading the incident's stored policy")?;
    Ok((stored.case, policy))
}
