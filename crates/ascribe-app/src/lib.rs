//! ascribe's use cases, as plain functions over a store handle and a clock.
//!
//! The command line, the web UI and workers call the same functions, so a
//! rule lives in one place and every caller gets the same answer (the `assess`
//! command and the STIX export compute one assessment through
//! [`ascribe_assess::assess_case`]). Each function that writes does so in one
//! unit of work ([`ascribe_store::Store::unit_of_work`] or one store write):
//! it all lands or none of it does.
//!
//! What stays out: reading files and the environment, printing, exit codes
//! (the caller's edge); "now" comes in as a [`Clock`].
//!
//! - [`assess`]: the stored case, the policy layers, the assessment;
//! - [`case`]: case files checked against the knowledge base and imported;
//! - [`device`]: a vetted device's findings filed in an incident;
//! - [`docs`]: claims read from documents filed under incidents;
//! - [`kb`]: the knowledge base in use, and importing one;
//! - [`stix`]: STIX bundles imported, an assessment exported and published;
//! - [`taxii`]: a TAXII server's collections, pages, additions and statuses;
//! - [`telemetry`]: a sensor run attached to an incident;
//! - [`view`]: an incident as one reader may see it, and what-ifs over it.

pub mod actor;
pub mod assess;
pub mod case;
pub mod device;
pub mod docs;
mod error;
pub mod kb;
pub mod legacy;
pub mod stix;
pub mod taxii;
pub mod telemetry;
pub mod view;

pub use ascribe_model::{Clock, FixedClock};
pub use error::AppError;

/// The system clock, in UTC: the one place that reads the time of day. Use
/// cases never construct it; the edge (the binary, the server) makes one per
/// run and hands that same clock to the store and to every use case.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

/// The result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
