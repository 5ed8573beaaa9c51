//! The one error type at the application boundary.
//!
//! Its variants keep the distinctions a caller acts on: "busy, retry"
//! ([`AppError::is_busy`]: the command line exits 3, the server answers 503),
//! an incident or collection that is not there, input that cannot be used,
//! and faults of the store. The command line maps everything but "busy" to
//! exit 2; a web screen can tell a missing incident (404) from a fault.

use ascribe_store::StoreError;

/// Why a use case did not happen. When it is returned, the use case's unit
/// of work was rolled back: nothing of it was stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// A store failure, as the store words it.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A store failure while doing something the message names.
    #[error("{doing}")]
    StoreDoing {
        doing: String,
        #[source]
        source: StoreError,
    },
    /// The incident is not in the store.
    #[error("no incident {id:?} in {place}; known incidents: {}", known_list(.known))]
    NoIncident {
        id: String,
        /// Where it was looked for (the database file).
        place: String,
        known: Vec<String>,
    },
    /// The STIX collection is not in the store.
    #[error("no collection {id:?}; known collections: {}", .known.join(", "))]
    NoCollection { id: String, known: Vec<String> },
    /// A policy (the defaults, a config file's `[policy]`, the case's) that cannot be used.
    #[error("{0}")]
    Policy(String),
    /// The case cannot be assessed (no hypotheses, duplicate ids, ...).
    #[error("assessing {incident}")]
    Assess {
        incident: String,
        #[source]
        source: ascribe_assess::AssessError,
    },
    /// The STIX export failed.
    #[error(transparent)]
    Export(#[from] ascribe_stix::ExportError),
    /// Something stored that cannot be read back (a policy, a knowledge base).
    #[error("{what}")]
    Stored {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A case file that cannot be used (every problem, with line and column).
    #[error(transparent)]
    Case(#[from] ascribe_case::CaseError),
    /// A knowledge base that cannot be read, naming where it came from.
    #[error("{source_name}")]
    Kb {
        source_name: String,
        #[source]
        source: ascribe_kb::KbError,
    },
    /// Input the use case cannot use, with the reason (names the file or field).
    #[error("{0}")]
    Input(String),
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    }
}

impl AppError {
    /// Whether another writer held the store past its timeout: nothing was
    /// written and the same request may simply be retried.
    pub fn is_busy(&self) -> bool {
        match self {
            AppError::Store(e) | AppError::StoreDoing { source: e, .. } => e.is_busy(),
            _ => false,
        }
    }
}

/// Adds what was being done to a store error.
pub(crate) trait Doing<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, AppError>;
}

impl<T> Doing<T> for Result<T, StoreError> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, AppError> {
        self.map_err(|source| AppError::StoreDoing {
            doing: what(),
            source,
        })
    }
}
