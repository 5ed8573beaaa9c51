//! `ascribe stix import` and `ascribe stix export`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use ascribe_app::{Clock, FixedClock};
use ascribe_model::Tlp;
use ascribe_stix::{ImportError, ImportOptions};
use clap::Subcommand;

use crate::db::Db;
use crate::exit;

#[derive(Debug, Subcommand)]
pub(crate) enum StixCommand {
    /// Import STIX 2.1 bundles into a collection (threat actors, intrusion sets,
    /// campaigns, identities, indicators, malware, relationships, reports,
    /// opinions, notes, sightings, markings, incidents; anything else verbatim).
    Import {
        /// Bundle files (JSON).
        #[arg(required = true, value_name = "BUNDLE.json")]
        files: Vec<PathBuf>,
        /// Keep the valid objects of a bundle with errors (default: reject the bundle whole).
        #[arg(long)]
        partial: bool,
        /// TLP for objects without a TLP marking (a marking that cannot be
        /// classified makes the object TLP:RED, never this).
        #[arg(long, default_value = "green", value_parser = parse_tlp, value_name = "TLP")]
        unmarked_tlp: Tlp,
        /// Collection alias or id.
        #[arg(long, default_value = "intel")]
        collection: String,
    },
    /// Export an incident and its assessment as a STIX 2.1 bundle, at most at a TLP.
    Export {
        /// Incident id in the database, or a case file (.toml).
        #[arg(value_name = "INCIDENT")]
        incident: String,
        /// Highest marking in the bundle: clear, green, amber, amber+strict, red.
        /// With clear the assessment is the public view, recomputed.
        #[arg(long, default_value = "clear", value_parser = parse_tlp, value_name = "TLP")]
        tlp: Tlp,
        /// Write the bundle here instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Also add the exported objects to the `assessments` collection served over TAXII.
        #[arg(long)]
        publish: bool,
        /// A config file whose [policy] table overrides the defaults (the case's own
        /// [policy] wins), as for `assess`.
        #[arg(long, env = "ASCRIBE_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

fn parse_tlp(s: &str) -> Result<Tlp, String> {
    s.parse::<Tlp>().map_err(|e| e.to_string())
}

pub(crate) fn run(cmd: StixCommand, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        StixCommand::Import {
            files,
            partial,
            unmarked_tlp,
            collection,
        } => import(&files, partial, unmarked_tlp, &collection, db),
        StixCommand::Export {
            incident,
            tlp,
            out,
            publish,
            config,
        } => export(
            &incident,
            tlp,
            out.as_deref(),
            publish,
            config.as_deref(),
            db,
        ),
    }
}

/// Marking warnings printed in full per file; the rest are counted.
const MAX_WARNINGS: usize = 20;

/// `stix import`: every file in one transaction, all or nothing (like
/// `case import`): a rejected or unreadable file rolls back every file and
/// exits 2.
fn import(
    files: &[PathBuf],
    partial: bool,
    unmarked: Tlp,
    collection: &str,
    db: &Db,
) -> anyhow::Result<ExitCode> {
    let store = db.open()?;
    let opts = ImportOptions { partial, unmarked };
    let report = ascribe_app::stix::import(&store, db.clock(), collection, &opts, files, |f| {
        let text = crate::diag::read_text(f).map_err(|e| {
            ascribe_app::AppError::Input(format!(
                "nothing imported: an import of several files is all or nothing: {e:#}"
            ))
        })?;
        Ok((f.display().to_string(), text))
    })?;
    let mut stderr = std::io::stderr().lock();
    let mut had_errors = false;
    let mut rejected = 0usize;
    let mut summaries = Vec::new();
    for file in &report.files {
        let name = &file.name;
        if file.galaxy {
            writeln!(
                stderr,
                "{name}: a MISP galaxy cluster, read as STIX intrusion sets (TLP:CLEAR)"
            )?;
        }
        match &file.outcome {
            Ok(a) => {
                let s = &a.streamed;
                crate::diag::print_problems(
                    &mut stderr,
                    &format!("{name}: "),
                    s.errors.iter().map(|e| format!("{}: {}", e.path, e.reason)),
                )?;
                for m in s.warnings.iter().take(MAX_WARNINGS) {
                    writeln!(stderr, "{name}: warning: {}: {}", m.path, m.reason)?;
                }
                if s.warnings.len() > MAX_WARNINGS {
                    writeln!(
                        stderr,
                        "{name}: warning: {} more marking(s) could not be classified (their objects are stored as TLP:RED)",
                        s.warnings.len() - MAX_WARNINGS
                    )?;
                }
                had_errors |= !s.errors.is_empty() || !s.warnings.is_empty();
                summaries.push(format!(
                    "{name}: {} object(s) accepted ({} new, {} already stored, {} repeated in the bundle), {} left out; {} actor(s), {} indicator(s) for the model",
                    s.accepted,
                    a.added,
                    a.known,
                    s.duplicates,
                    s.errors.len(),
                    a.actors,
                    a.indicators
                ));
            }
            Err(ImportError::Rejected(errs)) => {
                rejected += 1;
                crate::diag::print_problems(
                    &mut stderr,
                    &format!("{name}: "),
                    errs.iter().map(|e| format!("{}: {}", e.path, e.reason)),
                )?;
                writeln!(
                    stderr,
                    "{name}: rejected whole ({} error(s)) (use --partial to keep the valid objects)",
                    errs.len()
                )?;
            }
            Err(e) => {
                rejected += 1;
                writeln!(stderr, "{name}: {e}")?;
            }
        }
    }
    if !report.stored {
        if files.len() == 1 {
            writeln!(stderr, "nothing imported")?;
        } else {
            writeln!(
                stderr,
                "nothing imported: {rejected} of {} files rejected, and an import of several files is all or nothing",
                files.len()
            )?;
        }
        return Ok(exit::bad_input());
    }
    let mut stdout = std::io::stdout().lock();
    for line in &summaries {
        writeln!(stdout, "{line}")?;
    }
    if had_errors {
        return Ok(exit::warnings());
    }
    Ok(exit::ok())
}

/// A fixed clock at `SOURCE_DATE_EPOCH` when set (reproducible bundles, as
/// documented in docs/stix-taxii.md); the export uses the command's otherwise.
fn source_date_epoch() -> anyhow::Result<Option<FixedClock>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 = s
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH={s:?}: expected seconds since 1970"))?;
            let c = FixedClock::from_unix(secs)
                .with_context(|| format!("SOURCE_DATE_EPOCH={s:?} is out of range"))?;
            Ok(Some(c))
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(e) => anyhow::bail!("SOURCE_DATE_EPOCH: {e}"),
    }
}

fn export(
    target: &str,
    tlp: Tlp,
    out: Option<&Path>,
    publish: bool,
    config: Option<&Path>,
    db: &Db,
) -> anyhow::Result<ExitCode> {
    let (case, policy) = crate::assess::case_and_policy(target, config, db)?;
    let fixed = source_date_epoch()?;
    let export_clock: &dyn Clock = match &fixed {
        Some(c) => c,
        None => db.clock(),
    };
    let store = if db.exists() { Some(db.open()?) } else { None };
    let bundle = ascribe_app::stix::export(store.as_ref(), &case, &policy, tlp, export_clock)?;
    let text = serde_json::to_string_pretty(&bundle)?;
    match out {
        Some(p) => {
            std::fs::write(p, format!("{text}\n"))
                .with_context(|| format!("writing {}", p.display()))?;
            eprintln!(
                "wrote {} ({} objects, at most {})",
                p.display(),
                bundle["objects"].as_array().map_or(0, Vec::len),
                tlp.label()
            );
        }
        None => {
            let mut so = std::io::stdout().lock();
            writeln!(so, "{text}")?;
            so.flush()?;
        }
    }
    if publish {
        let mut store = db.open()?;
        let (added, known) = ascribe_app::stix::publish(&mut store, db.clock(), &bundle)?;
        eprintln!("published to collection assessments: {added} new, {known} already there");
    }
    Ok(exit::ok())
}
