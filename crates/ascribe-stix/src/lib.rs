//! STIX 2.1 for ascribe.
//!
//! - [`import`]: bundles in, every object checked and located errors given by
//!   JSON path, objects kept verbatim with their TLP and version key;
//! - [`export`]: an incident and its assessment out as a TLP-marked bundle,
//!   cut down to a marking before the assessment is computed;
//! - [`model`]: what ascribe's model takes from imported objects (actors,
//!   indicators);
//! - [`stream`]: the same import one object at a time, in bounded memory;
//! - [`ids`]: deterministic identifiers; [`time`]: timestamps and the clock.
//!
//! No I/O: callers read files and talk to the store.

pub mod export;
pub mod ids;
pub mod import;
pub mod marking;
pub mod misp;
pub mod model;
pub mod stream;
pub mod time;

pub use export::{
    case_at, estimative_statement, export_bundle, export_case, stix_confidence, view_of,
    AssessmentView, ExportError, ExportInput, HypothesisView, LeadingView, SensitivityView,
};
pub use import::{
    import_bundle, import_value, import_value_with, known_markings, objects_of, parse_json,
    ImportError, ImportOptions, Imported, PathError, StixObject,
};
