//! Reading STIX 2.1 bundles: every object is checked, located errors are
//! reported by JSON path, and every object that passes is kept verbatim.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use ascribe_model::Tlp;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::ids::{is_stix_id, is_type_name, split_id};
use crate::marking::Markings;
use crate::time::parse_timestamp;

/// One STIX object as imported: the verbatim JSON plus what ascribe indexes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StixObject {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The version key: `modified`, else `created`, else empty (SCOs have neither).
    pub version: String,
    /// `spec_version` when the object gives one.
    pub spec_version: String,
    /// The strictest TLP among its markings (any that cannot be classified
    /// count as TLP:RED), or the importer's default when it has none.
    pub tlp: Tlp,
    /// Whether `tlp` came from a marking on the object (false: the default).
    pub marked: bool,
    pub json: Value,
}

/// How a bundle with errors is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Keep the valid objects of a bundle with errors (otherwise reject it whole).
    pub partial: bool,
    /// The TLP given to objects that carry no TLP marking.
    pub unmarked: Tlp,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            partial: false,
            unmarked: ascribe_tlp::UNMARKED_DEFAULT,
        }
    }
}

/// One problem, located by JSON path (`$.objects[3].created`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathError {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// A bundle that could not be imported at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("not JSON: {reason} at line {line}, column {column}")]
    Json {
        reason: String,
        line: usize,
        column: usize,
    },
    #[error("{} error(s), bundle rejected whole (use partial import to keep the valid objects); first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Rejected(Vec<PathError>),
}

/// What an import produced.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Imported {
    /// Valid objects, one per (id, version), in bundle order.
    pub objects: Vec<StixObject>,
    /// Errors of the objects left out (only with `partial`).
    pub errors: Vec<PathError>,
    /// Objects repeated within the bundle with the same id and version.
    pub duplicates: usize,
    /// Markings that could not be classified (unknown or unresolvable refs):
    /// each object named by path and id, kept at TLP:RED, never the default.
    pub warnings: Vec<PathError>,
}

/// Parses a bundle (or one bare STIX object) and checks every object.
pub fn import_bundle(text: &str, opts: &ImportOptions) -> Result<Imported, ImportError> {
    import_value(&parse_json(text)?, opts)
}

/// Parses the text of a bundle, with the line and column of a JSON error.
pub fn parse_json(text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError::Json {
        reason: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or("")
            .to_owned(),
        line: e.line(),
        column: e.column(),
    })
}

/// As [`import_bundle`], from parsed JSON.
pub fn import_value(root: &Value, opts: &ImportOptions) -> Result<Imported, ImportError> {
    import_value_with(root, opts, &Markings::default())
}

/// The objects of a bundle, a list of objects, or one bare object.
pub fn objects_of(root: &Value) -> Vec<&Value> {
    match root {
        Value::Object(m) if m.get("type").and_then(Value::as_str) == Some("bundle") => m
            .get("objects")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    }
}

/// The marking definitions an import of `objects` resolves its refs with:
/// `known` (definitions from earlier files of one command), those among
/// `objects` (a bundle, or a whole TAXII envelope whose entries are then
/// imported one by one), and the definitions `lookup` finds among those
/// stored earlier for every non-standard ref (it is given the lower-cased ids
/// and returns stored JSON texts). Where two of these disagree on an id, the
/// id fails closed.
pub fn known_markings<E>(
    objects: &[&Value],
    mut known: Markings,
    lookup: impl FnOnce(&[String]) -> Result<Vec<String>, E>,
) -> Result<Markings, E> {
    known.add_objects(objects.iter().copied());
    let look: Vec<String> = Markings::custom_refs(objects.iter().copied())
        .into_iter()
        .collect();
    if look.is_empty() {
        return Ok(known);
    }
    for text in lookup(&look)? {
        // A stored text that is not JSON defines nothing: the refs it would
        // have resolved stay unknown and fail closed (TLP:RED, a warning).
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            known.add_definition(&v);
        }
    }
    Ok(known)
}

/// As [`import_value`], with marking definitions known from outside the
/// bundle (the rest of a TAXII envelope, definitions stored earlier): a
/// marking ref resolves against the bundle's own definitions and `known`.
pub fn import_value_with(
    root: &Value,
    opts: &ImportOptions,
    known: &Markings,
) -> Result<Imported, ImportError> {
    let mut errors = Vec::new();
    let (objects, base): (Vec<&Value>, &str) = match root {
        Value::Object(m) if m.get("type").and_then(Value::as_str) == Some("bundle") => {
            if let Some(id) = m.get("id") {
                if !id
                    .as_str()
                    .is_some_and(|s| s.starts_with("bundle--") && is_stix_id(s))
                {
                    errors.push(err("$.id", "expected a bundle id `bundle--<uuid>`"));
                }
            } else {
                errors.push(err("$.id", "missing required property"));
            }
            match m.get("objects") {
                Some(Value::Array(a)) => (a.iter().collect(), "$.objects"),
                None => (Vec::new(), "$.objects"),
                Some(_) => {
                    errors.push(err("$.objects", "expected an array of STIX objects"));
                    (Vec::new(), "$.objects")
                }
            }
        }
        Value::Object(m) if m.contains_key("type") && m.contains_key("id") => (vec![root], "$"),
        Value::Array(a) => (a.iter().collect(), "$"),
        _ => {
            return Err(ImportError::Rejected(vec![err(
                "$",
                "expected a STIX bundle (an object with \"type\": \"bundle\") or a STIX object",
            )]))
        }
    };
    let own = Markings::from_objects(objects.iter().copied());
    let table = if own.is_empty() {
        Cow::Borrowed(known)
    } else {
        let mut t = known.clone();
        t.merge(&own);
        Cow::Owned(t)
    };
    let mut out = Imported::default();
    let mut seen: BTreeMap<(String, String), ()> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        let path = if base == "$" && objects.len() == 1 && !root.is_array() {
            "$".to_owned()
        } else {
            format!("{base}[{i}]")
        };
        match check_object(o, &path, &table, opts) {
            Ok((obj, mut warnings)) => {
                out.warnings.append(&mut warnings);
                if seen
                    .insert((obj.id.clone(), obj.version.clone()), ())
                    .is_some()
                {
                    out.duplicates += 1;
                } else {
                    out.objects.push(obj);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() && !opts.partial {
        return Err(ImportError::Rejected(errors));
    }
    out.errors = errors;
    Ok(out)
}

/// Checks one object of a bundle against the bundle's marking table, as
/// [`import_value`] does for each of its objects: for [`crate::stream`],
/// which never holds the whole bundle.
pub fn check_bundle_object(
    v: &Value,
    path: &str,
    table: &Markings,
    opts: &ImportOptions,
) -> Result<(StixObject, Vec<PathError>), Vec<PathError>> {
    check_object(v, path, table, opts)
}

fn err(path: &str, reason: &str) -> PathError {
    PathError {
        path: path.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Types whose objects are cyber observables (no created/modified).
const SCO_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

const OPINIONS: [&str; 5] = [
    "strongly-disagree",
    "disagree",
    "neutral",
    "agree",
    "strongly-agree",
];

struct Checker<'a> {
    o: &'a Map<String, Value>,
    path: &'a str,
    errors: Vec<PathError>,
}

impl Checker<'_> {
    fn fail(&mut self, prop: &str, reason: impl Into<String>) {
        self.errors.push(PathError {
            path: format!("{}.{prop}", self.path),
            reason: reason.into(),
        });
    }
    fn string(&mut self, prop: &str) -> Option<&str> {
        match self.o.get(prop) {
            None => {
                self.fail(prop, "missing required property");
                None
            }
            Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
            Some(_) => {
                self.fail(prop, "expected a non-empty string");
                None
            }
        }
    }
    fn timestamp(&mut self, prop: &str, required: bool) {
        match self.o.get(prop) {
            None if required => self.fail(prop, "missing required property"),
            None => {}
            Some(Value::String(s)) if parse_timestamp(s).is_some() => {}
            Some(_) => self.fail(
                prop,
                "expected a timestamp `YYYY-MM-DDTHH:MM:SS[.s]Z` in UTC",
            ),
        }
    }
    fn reference(&mut self, prop: &str, required: bool) {
        match self.o.get(prop) {
            None if required => self.fail(prop, "missing required property"),
            None => {}
            Some(Value::String(s)) if is_stix_id(s) => {}
            Some(_) => self.fail(prop, "expected a STIX id `<type>--<uuid>`"),
        }
    }
    fn refs(&mut self, prop: &str, required: bool) {
        match self.o.get(prop) {
            None if required => self.fail(prop, "missing required property"),
            None => {}
            Some(Value::Array(a)) if !a.is_empty() || !required => {
                for (i, r) in a.iter().enumerate() {
                    if !r.as_str().is_some_and(is_stix_id) {
                        self.errors.push(PathError {
                            path: format!("{}.{prop}[{i}]", self.path),
                            reason: "expected a STIX id `<type>--<uuid>`".into(),
                        });
                    }
                }
            }
            Some(_) => self.fail(prop, "expected a non-empty array of STIX ids"),
        }
    }
}

fn check_object(
    v: &Value,
    path: &str,
    table: &Markings,
    opts: &ImportOptions,
) -> Result<(StixObject, Vec<PathError>), Vec<PathError>> {
    let Some(o) = v.as_object() else {
        return Err(vec![err(path, "expected a STIX object (a JSON object)")]);
    };
    let mut c = Checker {
        o,
        path,
        errors: Vec::new(),
    };
    let kind = c.string("type").map(str::to_owned);
    let id = c.string("id").map(str::to_owned);
    if let Some(k) = &kind {
        if !is_type_name(k) {
            c.fail(
                "type",
                "expected a STIX type name (lowercase letters, digits, hyphens)",
            );
        }
    }
    if let (Some(k), Some(i)) = (&kind, &id) {
        match split_id(i) {
            None => c.fail("id", "expected a STIX id `<type>--<uuid>`"),
            Some((prefix, _)) if prefix != k => {
                c.fail(
                    "id",
                    format!("id type `{prefix}` does not match type `{k}`"),
                );
            }
            Some(_) => {}
        }
    }
    let kind_s = kind.clone().unwrap_or_default();
    let is_sco = SCO_TYPES.contains(&kind_s.as_str());
    let spec_version = match o.get("spec_version") {
        None if is_sco => String::new(),
        None => {
            c.fail(
                "spec_version",
                "missing required property (this importer reads STIX 2.1)",
            );
            String::new()
        }
        Some(Value::String(s)) if s == "2.1" => s.clone(),
        Some(other) => {
            c.fail("spec_version", format!("expected \"2.1\", found {other}"));
            String::new()
        }
    };
    if !is_sco && kind_s != "bundle" {
        c.timestamp("created", true);
        if kind_s != "marking-definition" && kind_s != "extension-definition" {
            c.timestamp("modified", true);
        }
        c.reference("created_by_ref", false);
    }
    if let Some(conf) = o.get("confidence") {
        if !matches!(conf.as_u64(), Some(n) if n <= 100) {
            c.fail("confidence", "expected an integer from 0 to 100");
        }
    }
    match o.get("object_marking_refs") {
        None => {}
        Some(Value::Array(a)) => {
            for (i, r) in a.iter().enumerate() {
                if !r
                    .as_str()
                    .is_some_and(|s| s.starts_with("marking-definition--") && is_stix_id(s))
                {
                    c.errors.push(PathError {
                        path: format!("{path}.object_marking_refs[{i}]"),
                        reason: "expected a marking-definition id".into(),
                    });
                }
            }
        }
        Some(_) => c.fail(
            "object_marking_refs",
            "expected an array of marking-definition ids",
        ),
    }
    match kind_s.as_str() {
        "threat-actor" | "intrusion-set" | "campaign" | "identity" | "incident" | "tool"
        | "attack-pattern" | "course-of-action" | "infrastructure" | "vulnerability"
        | "location" => {
            if kind_s != "location" {
                c.string("name");
            }
            if matches!(
                kind_s.as_str(),
                "threat-actor" | "intrusion-set" | "campaign"
            ) {
                c.timestamp("first_seen", false);
                c.timestamp("last_seen", false);
            }
        }
        "malware" => match o.get("is_family") {
            Some(Value::Bool(true)) => {
                c.string("name");
            }
            Some(Value::Bool(false)) => {}
            _ => c.fail("is_family", "missing required boolean property"),
        },
        "indicator" => {
            c.string("pattern");
            c.string("pattern_type");
            c.timestamp("valid_from", true);
            c.timestamp("valid_until", false);
        }
        "relationship" => {
            c.string("relationship_type");
            c.reference("source_ref", true);
            c.reference("target_ref", true);
        }
        "sighting" => {
            c.reference("sighting_of_ref", true);
            c.refs("observed_data_refs", false);
            c.refs("where_sighted_refs", false);
            c.timestamp("first_seen", false);
            c.timestamp("last_seen", false);
            if let Some(n) = o.get("count") {
                if !matches!(n.as_u64(), Some(n) if n <= 999_999_999) {
                    c.fail("count", "expected an integer from 0 to 999999999");
                }
            }
        }
        "report" => {
            c.string("name");
            c.timestamp("published", true);
            c.refs("object_refs", true);
        }
        "opinion" => {
            match o.get("opinion").and_then(Value::as_str) {
                Some(s) if OPINIONS.contains(&s) => {}
                Some(_) => c.fail(
                    "opinion",
                    format!("expected one of {}", OPINIONS.join(", ")),
                ),
                None => c.fail("opinion", "missing required property"),
            }
            c.refs("object_refs", true);
        }
        "note" => {
            c.string("content");
            c.refs("object_refs", true);
        }
        "grouping" => {
            c.string("context");
            c.refs("object_refs", true);
        }
        "observed-data" => {
            c.timestamp("first_observed", true);
            c.timestamp("last_observed", true);
            if !o
                .get("number_observed")
                .and_then(Value::as_u64)
                .is_some_and(|n| (1..=999_999_999).contains(&n))
            {
                c.fail("number_observed", "expected an integer from 1 to 999999999");
            }
        }
        _ => {}
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let version = o
        .get("modified")
        .or_else(|| o.get("created"))
        .and_then(Value::as_str)
        .and_then(parse_timestamp)
        .map(|t| crate::time::format_timestamp(&t))
        .unwrap_or_default();
    let id = id.expect("an object without an id failed its checks above");
    let class = table.classify(v, opts.unmarked);
    let warnings = class
        .problems
        .into_iter()
        .map(|p| PathError {
            path: path.to_owned(),
            reason: format!("{id}: {p}"),
        })
        .collect();
    Ok((
        StixObject {
            id,
            kind: kind_s,
            version,
            spec_version,
            tlp: class.tlp,
            marked: class.marked,
            json: v.clone(),
        },
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ta(id: &str, modified: &str) -> Value {
        json!({"type": "threat-actor", "spec_version": "2.1", "id": id,
               "created": "2020-01-01T00:00:00Z", "modified": modified, "name": "X"})
    }

    const A: &str = "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

    #[test]
    fn errors_name_the_json_path_and_the_reason() {
        let b = json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982",
            "objects": [ta(A, "2020-01-01T00:00:00Z"),
                        {"type": "indicator", "spec_version": "2.1", "id": "indicator--e2e1a340-4415-4ba8-9671-f7343fbf0836",
                         "created": "2020-01-01T00:00:00Z", "modified": "yesterday", "pattern_type": "stix",
                         "valid_from": "2020-01-01T00:00:00Z"}]});
        let e = import_value(&b, &ImportOptions::default());
        let Err(ImportError::Rejected(errs)) = e else {
            panic!("expected a rejection, got {e:?}")
        };
        let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["$.objects[1].modified", "$.objects[1].pattern"]);
        assert_eq!(errs[1].reason, "missing required property");

        let part = import_value(
            &b,
            &ImportOptions {
                partial: true,
                ..Default::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(part.objects.len(), 1);
        assert_eq!(part.errors.len(), 2);
    }

    #[test]
    fn the_same_version_twice_is_one_object() {
        let b = json!([
            ta(A, "2020-01-01T00:00:00Z"),
            ta(A, "2020-01-01T00:00:00.000Z"),
            ta(A, "2021-01-01T00:00:00Z")
        ]);
        let out = import_value(&b, &ImportOptions::default()).unwrap_or_default();
        assert_eq!(out.objects.len(), 2);
        assert_eq!(out.duplicates, 1);
    }

    #[test]
    fn id_must_match_type_and_json_errors_give_line_and_column() {
        let b = ta(
            "intrusion-set--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "2020-01-01T00:00:00Z",
        );
        let Err(ImportError::Rejected(e)) = import_value(&b, &ImportOptions::default()) else {
            panic!("expected a rejection")
        };
        assert_eq!(e[0].path, "$.id");
        let j = import_bundle(
            "{\n  \"type\": \"bundle\",\n  oops",
            &ImportOptions::default(),
        );
        assert!(matches!(j, Err(ImportError::Json { line: 3, .. })), "{j:?}");
    }

    #[test]
    fn unmarked_objects_get_the_default_and_marked_ones_their_marking() {
        let mut o = ta(A, "2020-01-01T00:00:00Z");
        let out = import_value(&o, &ImportOptions::default()).unwrap_or_default();
        assert_eq!(
            (out.objects[0].tlp, out.objects[0].marked),
            (Tlp::Green, false)
        );
        o["object_marking_refs"] = json!([Tlp::Red.stix_marking_id()]);
        let out = import_value(
            &o,
            &ImportOptions {
                unmarked: Tlp::Clear,
                ..Default::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(
            (out.objects[0].tlp, out.objects[0].marked),
            (Tlp::Red, true)
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[a-z0-9:.\\-]{0,40}".prop_map(Value::String),
            Just(json!("2020-01-01T00:00:00Z")),
            Just(json!("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")),
            Just(json!(Tlp::Amber.stix_marking_id())),
        ]
    }

    fn object() -> impl Strategy<Value = Value> {
        let keys = prop::sample::select(vec![
            "type",
            "id",
            "spec_version",
            "created",
            "modified",
            "name",
            "pattern",
            "pattern_type",
            "valid_from",
            "source_ref",
            "target_ref",
            "relationship_type",
            "object_marking_refs",
            "granular_markings",
            "confidence",
            "object_refs",
            "sighting_of_ref",
            "count",
            "opinion",
            "content",
            "is_family",
        ]);
        prop::collection::btree_map(keys, leaf(), 0..12)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
    }

    proptest! {
        #[test]
        fn any_bundle_is_accepted_or_rejected_with_located_errors(
            objs in prop::collection::vec(object(), 0..6),
            partial in any::<bool>(),
        ) {
            let b = json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": objs});
            let opts = ImportOptions { partial, ..Default::default() };
            match import_value(&b, &opts) {
                Ok(imp) => {
                    for e in &imp.errors {
                        prop_assert!(e.path.starts_with("$.objects["), "{}", e.path);
                    }
                    prop_assert!(partial || imp.errors.is_empty());
                    for o in &imp.objects {
                        prop_assert!(crate::ids::is_stix_id(&o.id));
                    }
                }
                Err(ImportError::Rejected(errs)) => {
                    prop_assert!(!partial);
                    prop_assert!(!errs.is_empty());
                    for e in &errs {
                        prop_assert!(e.path.starts_with("$.objects["), "{}", e.path);
                    }
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }

        #[test]
        fn any_text_never_panics(text in "\\PC{0,200}") {
            let _ = import_bundle(&text, &ImportOptions::default());
        }
    }
}
