//! STIX 2.1 in and out of the store: bundles imported into a collection
//! (all files or none), an incident's assessment exported as a TLP-marked
//! bundle (with the intel collection's indicators linked to its actors and
//! its stored sightings), and an export published to the `assessments`
//! collection.

use std::collections::BTreeMap;

use ascribe_assess::Policy;
use ascribe_model::names::{self, Match, Name};
use ascribe_model::{Case, Indicator, Tlp};
use ascribe_stix::marking::Markings;
use ascribe_stix::model::model_view;
use ascribe_stix::stream::{self, Streamed};
use ascribe_stix::time::format_timestamp;
use ascribe_stix::{export_case, ExportInput, ImportError, ImportOptions, StixObject};
use ascribe_store::{NewObject, ObjectQuery, Store, StoredObject, VersionSel};
use serde_json::Value;

use crate::{AppError, Clock, Result};

/// What the import of one file did.
#[derive(Debug)]
pub struct FileImport {
    pub name: String,
    /// The file was a MISP galaxy cluster, read as STIX intrusion sets.
    pub galaxy: bool,
    /// What was accepted, or why the file was rejected.
    pub outcome: std::result::Result<Accepted, ImportError>,
}

/// The objects of one file that were accepted.
#[derive(Debug)]
pub struct Accepted {
    pub streamed: Streamed,
    /// Objects new to the collection.
    pub added: usize,
    /// Objects the collection already held (same id and version).
    pub known: usize,
    /// Actors and indicators the model takes from them.
    pub actors: usize,
    pub indicators: usize,
}

/// What an import did: each file's outcome, and whether anything was stored
/// (`false`: a file was rejected, so every file was rolled back).
#[derive(Debug)]
pub struct ImportReport {
    pub files: Vec<FileImport>,
    pub stored: bool,
}

/// An import that found a rejected file: its transaction is rolled back.
struct RolledBack;

/// Actors and indicators the model takes from the imported objects, counted
/// as they stream past: `model_view` of each object, the latest version of
/// each id counting (as `model_view` does over a whole bundle; relationships
/// only add attribution, never actors or indicators).
#[derive(Default)]
struct ModelCount {
    latest: BTreeMap<String, (String, usize, usize)>,
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

/// The stored form of an object: the one mapping of every writer of STIX
/// objects (`import`, `store_objects`, `crate::taxii::add_objects`);
/// [`stored_object`] reads it back.
pub(crate) fn new_object<'a>(o: &'a StixObject, json: &'a str) -> NewObject<'a> {
    NewObject {
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
        json,
    }
}

/// A stored object read back as the importer made it (the reverse of
/// `new_object`). Stored objects were checked as JSON on the way in: one that
/// no longer reads is a fault to report, not an object to skip.
pub fn stored_object(o: StoredObject) -> Result<StixObject> {
    let json = serde_json::from_str(&o.json).map_err(|e| AppError::Stored {
        what: format!("stored STIX object {} is unreadable", o.id),
        source: Box::new(e),
    })?;
    Ok(StixObject {
        id: o.id,
        kind: o.kind,
        version: o.version,
        spec_version: o.spec_version,
        tlp: o.tlp,
        marked: true,
        json,
    })
}

/// Imports bundles into a collection, every file in one transaction, all or
/// nothing: a rejected file rolls back every file (the report says so), and
/// a file `read` cannot read stops the import with its error. Each bundle is
/// read one object at a time (`stream::prepare`, then `run`), so memory is
/// about one file's text, not a tree of it. The writer has full clearance
/// (whoever holds the database file does).
pub fn import<F>(
    store: &Store,
    clock: &dyn Clock,
    collection: &str,
    opts: &ImportOptions,
    files: &[F],
    mut read: impl FnMut(&F) -> Result<(String, String)>,
) -> Result<ImportReport> {
    let coll = collection_named(store, collection)?;
    let now = format_timestamp(&clock.now());
    let mut reports = Vec::new();
    // Marking definitions of the files read so far in this import.
    let mut defined = Markings::default();
    let written = store.stix_write(&coll.id, Tlp::Red, &now, |w| -> Result<(), Outcome> {
        for f in files {
            let (name, text) = read(f)?;
            let (mut added, mut known) = (0usize, 0usize);
            let mut model = ModelCount::default();
            let prepared = stream::prepare(&text);
            let galaxy = prepared.galaxy();
            // Marking refs resolve against this file's definitions, the files
            // before it, and the definitions stored by earlier imports.
            let marking_objects = prepared.marking_objects();
            let table = ascribe_stix::known_markings(&marking_objects, defined.clone(), |ids| {
                w.marking_definitions(ids)
            })
            .map_err(AppError::from)?;
            defined.add_objects(marking_objects.iter().copied());
            drop(marking_objects);
            let verdict = prepared.run(opts, &table, |o| -> Result<()> {
                model.see(&o);
                let json = o.json.to_string();
                let out = w.add(&new_object(&o, &json))?;
                if out.added {
                    added += 1;
                } else {
                    known += 1;
                }
                Ok(())
            })?;
            drop(text);
            let outcome = verdict.map(|streamed| Accepted {
                streamed,
                added,
                known,
                actors: model.actors(),
                indicators: model.indicators(),
            });
            reports.push(FileImport {
                name,
                galaxy,
                outcome,
            });
        }
        if reports.iter().any(|r| r.outcome.is_err()) {
            return Err(Outcome::RolledBack(RolledBack));
        }
        Ok(())
    });
    match written {
        Ok(()) => Ok(ImportReport {
            files: reports,
            stored: true,
        }),
        Err(Outcome::RolledBack(RolledBack)) => Ok(ImportReport {
            files: reports,
            stored: false,
        }),
        Err(Outcome::Failed(e)) => Err(e),
    }
}

/// Why the import's transaction was rolled back.
enum Outcome {
    RolledBack(RolledBack),
    Failed(AppError),
}

impl From<AppError> for Outcome {
    fn from(e: AppError) -> Self {
        Outcome::Failed(e)
    }
}

impl From<ascribe_store::StoreError> for Outcome {
    fn from(e: ascribe_store::StoreError) -> Self {
        Outcome::Failed(e.into())
    }
}

/// Stores objects in a collection in one write; returns (new, already there).
pub fn store_objects(
    store: &mut Store,
    clock: &dyn Clock,
    collection_id: &str,
    objects: &[StixObject],
) -> Result<(usize, usize)> {
    let texts: Vec<String> = objects.iter().map(|o| o.json.to_string()).collect();
    let news: Vec<NewObject<'_>> = objects
        .iter()
        .zip(&texts)
        .map(|(o, t)| new_object(o, t))
        .collect();
    let now = format_timestamp(&clock.now());
    let out = store.stix_add_objects(collection_id, &news, &now)?;
    let added = out.iter().filter(|o| o.added).count();
    Ok((added, out.len() - added))
}

/// The case exported as a STIX bundle at most at `max`, assessed under
/// `policy` (the assessment `assess` gives: [`ascribe_assess::assess_case`]
/// on the case cut to `max`), with the intel collection's indicators linked
/// to the case's actors and the incident's stored sightings when there is a
/// store.
pub fn export(
    store: Option<&Store>,
    case: &Case,
    policy: &Policy,
    max: Tlp,
    clock: &dyn Clock,
) -> Result<Value> {
    let (indicators, sightings) = match store {
        Some(store) => (
            linked_indicators(store, case, max)?,
            store.stix_incident_sightings(&case.incident.id)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let input = ExportInput {
        case,
        indicators: &indicators,
        sightings: &sightings,
    };
    Ok(export_case(&input, max, policy, clock)?)
}

/// Adds an exported bundle's objects to the `assessments` collection served
/// over TAXII; returns (new, already there).
pub fn publish(store: &mut Store, clock: &dyn Clock, bundle: &Value) -> Result<(usize, usize)> {
    let imp = ascribe_stix::import_value(bundle, &ImportOptions::default())
        .map_err(|e| AppError::Input(format!("re-reading the export: {e}")))?;
    let coll = collection_named(store, "assessments")?;
    store_objects(store, clock, &coll.id, &imp.objects)
}

/// The collection with this id or alias, or the error naming the ones there are.
fn collection_named(store: &Store, id_or_alias: &str) -> Result<ascribe_store::Collection> {
    if let Some(coll) = store.stix_collection(id_or_alias)? {
        return Ok(coll);
    }
    let known = store
        .stix_collections()?
        .into_iter()
        .map(|c| c.alias)
        .collect();
    Err(AppError::NoCollection {
        id: id_or_alias.to_owned(),
        known,
    })
}

/// Indicators from the intel collection linked to one of the case's actors.
fn linked_indicators(store: &Store, case: &Case, max: Tlp) -> Result<Vec<Indicator>> {
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
        .map(stored_object)
        .collect::<Result<_>>()?;
    // An indicator is linked when its actor names a hypothesis of the case
    // (the one hypothesis matcher, as sightings are matched).
    Ok(model_view(&objects)
        .indicators
        .into_iter()
        .filter(|i| {
            i.tlp <= max
                && i.actor.as_deref().is_some_and(|a| {
                    let a = Name::new(a);
                    case.hypotheses
                        .iter()
                        .any(|h| names::names_hypothesis(h, &a, Match::Same))
                })
        })
        .collect())
}
