//! Indicators of compromise: reading them (CSV, STIX 2.1 patterns, MISP JSON, plain
//! lists) and matching observed addresses, host names, URLs and file hashes against them.
//!
//! Pure: no I/O. Callers read files and pass text in.

pub mod csvline;
pub mod domain;
pub mod load;
pub mod matcher;
pub mod net;
pub mod set;
pub mod stix;

pub use load::{load, load_with, Loaded};
pub use matcher::Matcher;
pub use net::{Addr, Net};
pub use set::IndicatorSet;
pub use stix::{parse_pattern, PatternError};

/// A problem with one line or entry of an input, reported and skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line (or entry number for JSON inputs).
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}
