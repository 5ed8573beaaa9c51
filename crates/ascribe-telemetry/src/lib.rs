//! Sensor logs to counts, sightings and evidence.
//!
//! Readers for Suricata EVE JSON ([`eve`]), Zeek TSV and JSON ([`zeek`]) and CSV firewall
//! logs ([`fwcsv`]) turn lines into [`record::Record`]s; [`engine`] runs one streaming,
//! parallel pass that looks sources up ([`ascribe_enrich::Geo`]), matches indicators
//! ([`ascribe_intel::Matcher`]) and aggregates by (UTC day, source country, source AS,
//! signature, action); [`output`] writes the peers' CSV contract, a table and JSON;
//! [`evidence`] turns sightings and source territories into evidence items.
//!
//! Readers never fail a whole input on a bad line: each is counted and the first few are
//! kept with file, line and reason.

pub mod distinct;
pub mod engine;
pub mod eve;
pub mod evescan;
pub mod evidence;
pub mod fwcsv;
pub mod output;
pub mod record;
pub mod time;
pub mod zeek;

pub use engine::{
    FinishError, Format, Job, Output, Piece, Row, Run, RunError, SightingRow, Summary, Supply,
};
