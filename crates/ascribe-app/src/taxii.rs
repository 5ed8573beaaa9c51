//! What a TAXII 2.1 server does with its store, without HTTP: which
//! collections a caller may see and use, a page of objects read at the
//! caller's clearance, an envelope's objects checked and added one at a time
//! with their status in one unit of work, and a status resource as a viewer
//! may see it. The server (`ascribe-server`) owns the wire: media types,
//! authentication, query strings, status codes and JSON envelopes.

use ascribe_model::Tlp;
use ascribe_stix::import::check_bundle_object;
use ascribe_stix::marking::Markings;
use ascribe_stix::stream::marking_objects_of;
use ascribe_stix::time::format_timestamp;
use ascribe_stix::{known_markings, ImportError, ImportOptions};
use ascribe_store::{
    Collection, ObjectQuery, Page, Role, StatusRecord, StixWriter, Store, StoreError, UserRecord,
};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::stix::new_object;
use crate::{AppError, Clock, Result};

/// The clearance a caller reads at: an anonymous caller's is TLP:CLEAR.
pub fn clearance(user: Option<&UserRecord>) -> Tlp {
    user.map_or(Tlp::Clear, |u| u.clearance)
}

/// A collection and the caller's rights on it.
#[derive(Debug, Clone)]
pub struct Access {
    pub collection: Collection,
    pub read: bool,
    pub write: bool,
}

/// Why a collection cannot be used as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such collection, or no right on it (the two look the same).
    NoCollection,
    /// The caller may write but not read it.
    NoRead,
    /// The caller may read but not write it.
    NoWrite,
}

/// The collection named by id or alias and the caller's (read, write)
/// rights; `None` when it does not exist or the caller has no right on it.
/// An anonymous caller reads every collection and writes none.
pub fn access(store: &Store, user: Option<&UserRecord>, cid: &str) -> Result<Option<Access>> {
    let Some(collection) = store.stix_collection(cid)? else {
        return Ok(None);
    };
    let (read, write) = match user {
        None => (true, false),
        Some(u) => store.collection_rights(u, &collection.id)?,
    };
    if !read && !write {
        return Ok(None);
    }
    Ok(Some(Access {
        collection,
        read,
        write,
    }))
}

/// Every collection the caller has a right on, in the store's order.
pub fn collections(store: &Store, user: Option<&UserRecord>) -> Result<Vec<Access>> {
    let mut out = Vec::new();
    for c in store.stix_collections()? {
        if let Some(a) = access(store, user, &c.id)? {
            out.push(a);
        }
    }
    Ok(out)
}

/// A page of a collection's objects. The query's collection and clearance
/// are set here, from the collection found and the caller: a caller never
/// reads above its clearance, whatever the query asked.
pub fn read(
    store: &Store,
    user: Option<&UserRecord>,
    cid: &str,
    mut query: ObjectQuery,
) -> Result<std::result::Result<Page, Refused>> {
    let Some(a) = access(store, user, cid)? else {
        return Ok(Err(Refused::NoCollection));
    };
    if !a.read {
        return Ok(Err(Refused::NoRead));
    }
    query.collection_id = a.collection.id;
    query.clearance = clearance(user);
    Ok(Ok(store.stix_query(&query)?))
}

/// A status resource as the caller may read it: only its poster and admins
/// see one; for anyone else it does not exist.
pub fn status(store: &Store, user: Option<&UserRecord>, id: &str) -> Result<Option<StatusRecord>> {
    let Some(u) = user else {
        return Ok(None);
    };
    Ok(store
        .taxii_status(id)?
        .filter(|s| s.user_name == u.name || u.role == Role::Admin))
}

/// The entries of a status a viewer may see (each without its TLP rank).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusView {
    pub successes: Vec<Value>,
    pub failures: Vec<Value>,
    pub pendings: Vec<Value>,
}

/// The entries of a status as `viewer` may see them. Each entry carries the
/// TLP of its object (failures whose marking could not be read count as
/// TLP:RED); an entry above the viewer's clearance is left out, unless the
/// viewer posted it (every id and version in it came from the viewer's own
/// request, so nothing is disclosed). Counted from what is shown, success +
/// failure + pending = total always, and a viewer below the poster's objects
/// cannot count them. Details that are not the JSON this module writes are an
/// error naming the status.
pub fn status_seen_by(s: &StatusRecord, viewer: Option<&UserRecord>) -> Result<StatusView> {
    let details: Value = serde_json::from_str(&s.details_json).map_err(|e| AppError::Stored {
        what: format!("the details of TAXII status {}", s.id),
        source: Box::new(e),
    })?;
    let own = viewer.is_some_and(|u| u.name == s.user_name);
    let limit = tlp_rank(clearance(viewer));
    let shown = |key: &str| -> Vec<Value> {
        // A status lists only the kinds of entry it has: an absent list is
        // an empty one (no pendings are ever written).
        let Some(entries) = details.get(key).and_then(Value::as_array) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|e| own || e.get("tlp").and_then(Value::as_i64).unwrap_or(4) <= limit)
            .map(|e| {
                let mut e = e.clone();
                if let Some(m) = e.as_object_mut() {
                    m.remove("tlp");
                }
                e
            })
            .collect()
    };
    Ok(StatusView {
        successes: shown("successes"),
        failures: shown("failures"),
        pendings: shown("pendings"),
    })
}

/// Rank of a TLP, as kept in a status entry.
fn tlp_rank(t: Tlp) -> i64 {
    let p = Tlp::ALL
        .iter()
        .position(|x| *x == t)
        .expect("Tlp::ALL lists every TLP");
    i64::try_from(p).expect("five ranks fit an i64")
}

/// How many problems of one object a status failure message lists.
const MAX_PROBLEMS: usize = 5;

/// A failure message in TAXII terms: what is wrong with this one object.
fn failure_text(e: &ImportError) -> String {
    match e {
        ImportError::Rejected(errs) => {
            let mut m = String::from("not a valid STIX 2.1 object: ");
            let listed: Vec<String> = errs
                .iter()
                .take(MAX_PROBLEMS)
                .map(ToString::to_string)
                .collect();
            m.push_str(&listed.join("; "));
            if errs.len() > MAX_PROBLEMS {
                m.push_str(&format!("; and {} more", errs.len() - MAX_PROBLEMS));
            }
            m
        }
        other => format!("not a valid STIX 2.1 object: {other}"),
    }
}

/// One envelope entry: a success (the object is stored, or that id and
/// version already was, visibly to the poster) or a failure.
fn add_one(
    w: &mut StixWriter<'_>,
    raw: &RawValue,
    table: &Markings,
    opts: &ImportOptions,
    clearance: Tlp,
) -> std::result::Result<std::result::Result<Value, Value>, StoreError> {
    let failure = |id: &str, message: String, tlp: Option<Tlp>| {
        let mut f = json!({"id": id, "message": message});
        if let Some(t) = tlp {
            f["tlp"] = json!(tlp_rank(t));
        }
        f
    };
    let v: Value = match serde_json::from_str(raw.get()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(failure("", format!("not JSON: {e}"), None))),
    };
    // An entry without an id is reported as such, with an empty id.
    let id = v.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    let nested = v.is_array() || v.get("type").and_then(Value::as_str) == Some("bundle");
    if nested {
        return Ok(Err(failure(
            &id,
            "an envelope entry must be one STIX object, not a bundle or an array".into(),
            None,
        )));
    }
    // The importer's check of one object, against the whole envelope's markings.
    let (o, warnings) = match check_bundle_object(&v, "$", table, opts) {
        Ok(o) => o,
        Err(errs) => {
            return Ok(Err(failure(
                &id,
                failure_text(&ImportError::Rejected(errs)),
                None,
            )))
        }
    };
    drop(v);
    if o.tlp > clearance {
        return Ok(Err(failure(
            &o.id,
            format!(
                "marked {}, above your clearance: a writer may only add objects it can read; not added",
                o.tlp.label()
            ),
            Some(o.tlp),
        )));
    }
    let text = o.json.to_string();
    let out = w.add(&new_object(&o, &text))?;
    let mut j = json!({"id": out.id, "tlp": tlp_rank(o.tlp)});
    if let Some(v) = o.json.get("modified").or_else(|| o.json.get("created")) {
        j["version"] = v.clone();
    }
    if !warnings.is_empty() {
        // The marking failed closed: the object is stored as TLP:RED.
        let why: Vec<&str> = warnings.iter().map(|w| w.reason.as_str()).collect();
        j["message"] = json!(why.join("; "));
    }
    Ok(Ok(j))
}

/// Adds an envelope's objects to a collection as `poster`, each checked on
/// its own (a bad one is a failure entry, the others still land), and
/// records the status `status_id`: objects and status are one unit of work,
/// so a status exists exactly when its objects were written. A marking
/// reference resolves against every definition in the envelope and those
/// stored earlier. Objects marked above the poster's clearance are refused.
pub fn add_objects(
    store: &Store,
    clock: &dyn Clock,
    poster: &UserRecord,
    cid: &str,
    status_id: String,
    entries: &[&RawValue],
    unmarked: Tlp,
) -> Result<std::result::Result<StatusRecord, Refused>> {
    let Some(a) = access(store, Some(poster), cid)? else {
        return Ok(Err(Refused::NoCollection));
    };
    if !a.write {
        return Ok(Err(Refused::NoWrite));
    }
    let now = format_timestamp(&clock.now());
    let opts = ImportOptions {
        partial: false,
        unmarked,
    };
    let clearance = poster.clearance;
    let table = known_markings(
        &marking_objects_of(entries.iter().copied())
            .iter()
            .collect::<Vec<_>>(),
        Markings::default(),
        |ids| store.stix_marking_definitions(ids),
    )?;
    let rec = store.unit_of_work(|u| {
        u.stix_write(&a.collection.id, clearance, &now, |w| {
            let mut successes = Vec::new();
            let mut failures = Vec::new();
            for raw in entries {
                match add_one(w, raw, &table, &opts, clearance)? {
                    Ok(j) => successes.push(j),
                    Err(j) => failures.push(j),
                }
            }
            let rec = StatusRecord {
                id: status_id,
                user_name: poster.name.clone(),
                collection_id: a.collection.id.clone(),
                request_timestamp: now.clone(),
                total_count: successes.len() + failures.len(),
                success_count: successes.len(),
                failure_count: failures.len(),
                pending_count: 0,
                details_json: json!({"successes": successes, "failures": failures}).to_string(),
            };
            w.put_status(&rec)?;
            Ok::<_, StoreError>(rec)
        })
    })?;
    Ok(Ok(rec))
}
