//! `ascribe stix import` and `ascribe stix export`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_model::{Case, Tlp};
use ascribe_stix::marking::Markings;
use ascribe_stix::model::model_view;
use ascribe_stix::stream;
use ascribe_stix::time::{format_timestamp, Clock, FixedClock, SystemClock};
use ascribe_stix::{export_case, ExportInput, ImportError, ImportOptions, StixObject};
use ascribe_store::{NewObject, ObjectQuery, Store, VersionSel};
use clap::Subcommand;

use crate::case::open_store;
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

/// An import that found a rejected file: its transaction is rolled back.
#[derive(Debug)]
struct RolledBack;

impl std::fmt::Display for RolledBack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a file was rejected; nothing imported")
    }
}

impl std::error::Error for RolledBack {}

/// Actors and indicators the model takes from the imported objects, counted
/// as they stream past: `model_view` of each object, the latest version of
/// each id counting (as `model_view` does over a whole bundle; relationships
/// only add attribution, never actors or indicators).
#[derive(Default)]
struct ModelCount {
    latest: std::collections::BTreeMap<String, (String, usize, usize)>,
}

impl ModelCount {
    fn see(&mut self, o: &StixObject) {
        if !matches!(
            o.kind.as_str(),
            "intrusion-set" | "threat-actor" | "indicator"
        ) {
            return;
        }
        if self
            .latest
            .get(&o.id)
            .is_some_and(|(v, _, _)| *v >= o.version)
        {
            return;
        }
        let view = model_view(std::slice::from_ref(o));
        self.latest.insert(
            o.id.clone(),
            (o.version.clone(), view.actors.len(), view.indicators.len()),
        );
    }
    fn actors(&self) -> usize {
        self.latest.values().map(|c| c.1).sum()
    }
    fn indicators(&self) -> usize {
        self.latest.values().map(|c| c.2).sum()
    }
}

/// `stix import`: every file in one transaction, all or nothing (like
/// `case import`): a rejected or unreadable file rolls back every file and
/// exits 2. Each bundle is read one object at a time (`stream::prepare`, then `run`),
/// so memory is about the file's text, not a tree of it.
/// Marking warnings printed in full per file; the rest are counted.
const MAX_WARNINGS: usize = 20;

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
    let now = format_timestamp(&SystemClock.now());
    let mut stderr = std::io::stderr().lock();
    let mut had_errors = false;
    let mut rejected = 0usize;
    let mut summaries = Vec::new();
    // Marking definitions of the files read so far in this command.
    let mut defined = Markings::default();
    // Whoever holds the database file has full clearance.
    let written = store.stix_write(&coll.id, Tlp::Red, &now, |w| -> anyhow::Result<()> {
        for f in files {
            let name = f.display().to_string();
            let text = crate::diag::read_text(f).context(
                "nothing imported: an import of several files is all or nothing",
            )?;
            let (mut added, mut known) = (0usize, 0usize);
            let mut model = ModelCount::default();
            let prepared = stream::prepare(&text);
            if prepared.galaxy() {
                writeln!(
                    stderr,
                    "{name}: a MISP galaxy cluster, read as STIX intrusion sets (TLP:CLEAR)"
                )?;
            }
            // Marking refs resolve against this file's definitions, the files
            // before it, and the definitions stored by earlier imports.
            let marking_objects = prepared.marking_objects();
            let table = ascribe_stix::known_markings(&marking_objects, defined.clone(), |ids| {
                w.marking_definitions(ids)
            })?;
            defined.add_objects(marking_objects.iter().copied());
            drop(marking_objects);
            let verdict = prepared.run(&opts, &table, |o| -> anyhow::Result<()> {
                model.see(&o);
                let json = o.json.to_string();
                let out = w.add(&NewObject {
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
                    json: &json,
                })?;
                if out.added {
                    added += 1;
                } else {
                    known += 1;
                }
                Ok(())
            })?;
            drop(text);
            match verdict {
                Ok(s) => {
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
                        "{name}: {} object(s) accepted ({added} new, {known} already stored, {} repeated in the bundle), {} left out; {} actor(s), {} indicator(s) for the model",
                        s.accepted,
                        s.duplicates,
                        s.errors.len(),
                        model.actors(),
                        model.indicators()
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
        if rejected > 0 {
            return Err(RolledBack.into());
        }
        Ok(())
    });
    match written {
        Ok(()) => {}
        Err(e) if e.is::<RolledBack>() => {
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
        Err(e) => return Err(e),
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
    config: Option<&Path>,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let (case, policy) = crate::assess::case_and_policy(target, config, db)?;
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
