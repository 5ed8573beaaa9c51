//! TLP markings on STIX objects: the rule lives in `ascribe-tlp`, shared with
//! the indicator loaders; this module re-exports it for STIX callers.

pub use ascribe_tlp::{
    definition_meaning, id_key, standard_tlp, strictest, Classified, Markings, Meaning, Resolved,
    STRICTEST,
};
