//! `ascribe stix import` and `ascribe stix export`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_model::{Case, Tlp};
use ascribe_stix::model::model_view;
use ascribe_stix::time::{format_timestamp, Clock, FixedClock, SystemClock};
use ascribe_stix::{
    export_case, import_bundle, ExportInput, ImportError, ImportOptions, StixObject,
};
use ascribe_store::{NewObject, ObjectQuery, Store, VersionSel};
use clap::Subcommand;

use crate::case::{open_store, read_case};
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
        /// TLP for objects without a TLP marking.
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
    },
}

fn parse_tlp(s: &str) -> Result<Tlp, String> {
    s.parse::<Tlp>().map_err(|e| e.to_string())
}

pub(crate) fn run(cmd: StixCommand, db: &Path) -> anyhow::Result<ExitCode> {
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
        } => export(&incident, tlp, out.as_deref(), publish, db),
    }
}

/// Stores imported objects in a collection; returns (new, already there).
pub(crate) fn store_objects(
    store: &mut Store,
    collection_id: &str,
    objects: &[StixObject],
) -> anyhow::Result<(usize, usize)> {
    let texts: Vec<String> = objects.iter().map(|o| o.json.to_string()).collect();
    let news: Vec<NewObject<'_>> = objects
        .iter()
        .zip(&texts)
        .map(|(o, t)| NewObject {
            id: &o.id,
            kind: &o.kind,
            version: &o.version,
            spec_version: if o.spec_version.is_empty() {
                "2.1"
            } else {
                &o.spec_version
            },
            tlp: o.tlp,
            marked: o.marked,
            json: t,
        })
        .collect();
    let now = format_timestamp(&SystemClock.now());
    let out = store.stix_add_objects(collection_id, &news, &now)?;
    let added = out.iter().filter(|o| o.added).count();
    Ok((added, out.len() - added))
}

fn import(
    files: &[PathBuf],
    partial: bool,
    unmarked: Tlp,
    collection: &str,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let mut store = open_store(db)?;
    let Some(coll) = store.stix_collection(collection)? else {
        let known: Vec<String> = store
            .stix_collections()?
            .into_iter()
            .map(|c| c.alias)
            .collect();
        bail!(
            "no collection {collection:?}; known collections: {}",
            known.join(", ")
        );
    };
    let opts = ImportOptions { partial, unmarked };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let mut rejected = false;
    let mut had_errors = false;
    for f in files {
        let name = f.display().to_string();
        let text = crate::diag::read_text(f)?;
        // A MISP threat-actor galaxy cluster is read as the equivalent STIX.
        let parsed = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) if ascribe_stix::misp::is_galaxy(&v) => {
                let b = ascribe_stix::misp::galaxy_to_bundle(&text)
                    .map_err(|e| anyhow::anyhow!("{name}: MISP galaxy cluster: {e}"))?;
                writeln!(
                    stderr,
                    "{name}: a MISP galaxy cluster, read as STIX intrusion sets (TLP:CLEAR)"
                )?;
                ascribe_stix::import_value(&b, &opts)
            }
            _ => import_bundle(&text, &opts),
        };
        match parsed {
            Ok(imp) => {
                crate::diag::print_problems(
                    &mut stderr,
                    &format!("{name}: "),
                    imp.errors
                        .iter()
                        .map(|e| format!("{}: {}", e.path, e.reason)),
                )?;
                had_errors |= !imp.errors.is_empty();
                let (added, known) = store_objects(&mut store, &coll.id, &imp.objects)?;
                let view = model_view(&imp.objects);
                writeln!(
                    stdout,
                    "{name}: {} object(s) accepted ({added} new, {known} already stored, {} repeated in the bundle), {} left out; {} actor(s), {} indicator(s) for the model",
                    imp.objects.len(),
                    imp.duplicates,
                    imp.errors.len(),
                    view.actors.len(),
                    view.indicators.len()
                )?;
            }
            Err(ImportError::Rejected(errs)) => {
                rejected = true;
                crate::diag::print_problems(
                    &mut stderr,
                    &format!("{name}: "),
                    errs.iter().map(|e| format!("{}: {}", e.path, e.reason)),
                )?;
                writeln!(
                    stderr,
                    "{name}: rejected whole ({} error(s)); nothing imported from it (use --partial to keep the valid objects)",
                    errs.len()
                )?;
            }
            Err(e) => {
                rejected = true;
                writeln!(stderr, "{name}: {e}")?;
            }
        }
    }
    if rejected {
        return Ok(exit::bad_input());
    }
    if had_errors {
        return Ok(exit::warnings());
    }
    Ok(exit::ok())
}

/// The case to export and its policy.
fn load(target: &str, db: &Path) -> anyhow::Result<(Case, ascribe_assess::Policy)> {
    let as_path = Path::new(target);
    if as_path.is_file() || target.ends_with(".toml") {
        let parsed = read_case(as_path)?;
        let layers: Vec<&toml::Table> = parsed.policy.iter().collect();
        let policy = ascribe_case::policy_from_tables(&layers).map_err(anyhow::Error::msg)?;
        return Ok((parsed.case, policy));
    }
    if !db.exists() {
        bail!(
            "no incident {target:?}: the database {} does not exist\n\nhint: import a case first with `ascribe case import FILE`",
            db.display()
        );
    }
    let store = open_store(db)?;
    let Some(stored) = store.load_case(target)? else {
        bail!("no incident {target:?} in {}", db.display());
    };
    let table = stored
        .policy_json
        .as_deref()
        .map(serde_json::from_str::<toml::Table>)
        .transpose()
        .context("reading the incident's stored policy")?;
    let layers: Vec<&toml::Table> = table.iter().collect();
    let policy = ascribe_case::policy_from_tables(&layers).map_err(anyhow::Error::msg)?;
    Ok((stored.case, policy))
}

/// Indicators from the intel collection linked to one of the case's actors.
fn linked_indicators(
    store: &Store,
    case: &Case,
    max: Tlp,
) -> anyhow::Result<Vec<ascribe_model::Indicator>> {
    let Some(coll) = store.stix_collection("intel")? else {
        return Ok(Vec::new());
    };
    let mut q = ObjectQuery::new(&coll.id, max, 100_000);
    q.types = vec![
        "indicator".into(),
        "relationship".into(),
        "intrusion-set".into(),
        "threat-actor".into(),
        "campaign".into(),
    ];
    q.versions = vec![VersionSel::Last];
    let page = store.stix_query(&q)?;
    let objects: Vec<StixObject> = page
        .items
        .into_iter()
        .filter_map(|o| {
            let json = serde_json::from_str(&o.json).ok()?;
            Some(StixObject {
                id: o.id,
                kind: o.kind,
                version: o.version,
                spec_version: o.spec_version,
                tlp: o.tlp,
                marked: true,
                json,
            })
        })
        .collect();
    let names: Vec<String> = case
        .hypotheses
        .iter()
        .flat_map(|h| {
            h.actor
                .iter()
                .cloned()
                .chain(h.resolved.iter().map(|r| r.name.clone()))
        })
        .map(|n| n.to_lowercase())
        .collect();
    Ok(model_view(&objects)
        .indicators
        .into_iter()
        .filter(|i| {
            i.tlp <= max
                && i.actor
                    .as_ref()
                    .is_some_and(|a| names.contains(&a.to_lowercase()))
        })
        .collect())
}

fn clock() -> anyhow::Result<Box<dyn Clock>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 = s
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH={s:?}: expected seconds since 1970"))?;
            let c = FixedClock::from_unix(secs)
                .with_context(|| format!("SOURCE_DATE_EPOCH={s:?} is out of range"))?;
            Ok(Box::new(c))
        }
        Err(_) => Ok(Box::new(SystemClock)),
    }
}

fn export(
    target: &str,
    tlp: Tlp,
    out: Option<&Path>,
    publish: bool,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let (case, policy) = load(target, db)?;
    let (indicators, sightings) = if db.exists() {
        let store = open_store(db)?;
        (
            linked_indicators(&store, &case, tlp)?,
            store.stix_incident_sightings(&case.incident.id)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let clock = clock()?;
    let input = ExportInput {
        case: &case,
        indicators: &indicators,
        sightings: &sightings,
    };
    let bundle = export_case(&input, tlp, &policy, clock.as_ref())?;
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
        let mut store = open_store(db)?;
        let imp = ascribe_stix::import_value(&bundle, &ImportOptions::default())
            .map_err(|e| anyhow::anyhow!("re-reading the export: {e}"))?;
        let coll = store
            .stix_collection("assessments")?
            .context("the assessments collection is missing")?;
        let (added, known) = store_objects(&mut store, &coll.id, &imp.objects)?;
        eprintln!("published to collection assessments: {added} new, {known} already there");
    }
    Ok(exit::ok())
}
