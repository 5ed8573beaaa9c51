//! The TOML case file: an incident, its hypotheses, evidence and claims.
//!
//! Parsing is pure (text in, [`ParsedCase`] or located errors out); reading
//! the file is the caller's job. Every error names the line and column of the
//! offending value and says what was expected, and all errors in a file are
//! reported at once, so that an analyst fixes a case in one pass.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use ascribe_assess::Policy;
use ascribe_model::{
    estimative_band, AchRating, Admiralty, Bearing, Case, Claim, ClaimKind, Credibility, Evidence,
    Hypothesis, Incident, Period, Reliability, Tlp, OTHER_HYPOTHESIS,
};
use serde::Deserialize;
use toml::Spanned;

mod sections;

/// One problem in a case or config file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Everything wrong with a file, with the file's name for the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CaseError {
    pub file: String,
    pub errors: Vec<Located>,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The first problems in full, then a count (the one rule in ascribe_model::diag).
        let lines = ascribe_model::diag::capped(
            self.errors
                .iter()
                .map(|e| format!("{}:{}:{}: {}", self.file, e.line, e.column, e.message)),
            ascribe_model::diag::PROBLEMS_SHOWN,
        );
        f.write_str(&lines.join("\n"))
    }
}

/// A case file read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCase {
    pub case: Case,
    /// The case's own `[policy]` table, if any, to lay over a config file's.
    pub policy: Option<toml::Table>,
    /// Things done on the analyst's behalf (an added "other" hypothesis, ...).
    pub notes: Vec<String>,
}

/// The whole case file (`E` = `Vec<RawEvidence>`), or what is left of it
/// when its evidence sections are blanked (`E` = `Option<toml::Value>`, to
/// see a stray root `evidence` key).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase<E> {
    incident: RawIncident,
    #[serde(default)]
    hypothesis: Vec<RawHypothesis>,
    #[serde(default)]
    evidence: E,
    #[serde(default)]
    claim: Vec<RawClaim>,
    #[serde(default)]
    policy: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncident {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    period: Option<RawPeriod>,
    #[serde(default)]
    victims: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    from: Spanned<toml::Value>,
    to: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHypothesis {
    id: Spanned<String>,
    #[serde(default)]
    actor: Option<String>,
    /// The suspected sponsor state, when the analyst wants to give it.
    #[serde(default)]
    sponsor: Option<String>,
    #[serde(default)]
    prior: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    id: Spanned<String>,
    kind: String,
    summary: String,
    source: String,
    #[serde(default)]
    grade: Option<Spanned<String>>,
    #[serde(default)]
    reliability: Option<Spanned<String>>,
    #[serde(default)]
    credibility: Option<Spanned<i64>>,
    tlp: Spanned<String>,
    #[serde(default)]
    ratings: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
    #[serde(default)]
    likelihood_ratio: Option<Spanned<BTreeMap<Spanned<String>, Spanned<f64>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    #[serde(default)]
    id: Option<Spanned<String>>,
    kind: Spanned<String>,
    #[serde(default)]
    speaker: Option<String>,
    #[serde(default)]
    speaker_org: Option<String>,
    #[serde(default)]
    speaker_country: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    target_canonical: Option<String>,
    #[serde(default)]
    target_state: Option<String>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    confidence_phrase: Option<String>,
    #[serde(default)]
    date: Option<Spanned<toml::Value>>,
    #[serde(default)]
    quote: Option<String>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    tlp: Option<Spanned<String>>,
}

/// Tracks errors against the source text, to turn byte spans into lines and columns.
struct Errors<'a> {
    text: &'a str,
    /// Made at the first error: a file of 100,000 items may have as many
    /// errors, and rescanning the text for each would take minutes.
    lines: Option<LineIndex<'a>>,
    list: Vec<Located>,
    /// Added to every span: where the section the spans come from starts.
    base: usize,
}

impl<'a> Errors<'a> {
    fn new(text: &'a str) -> Self {
        Errors {
            text,
            lines: None,
            list: Vec::new(),
            base: 0,
        }
    }

    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let text = self.text;
        let (line, column) = self
            .lines
            .get_or_insert_with(|| LineIndex::new(text))
            .line_col(self.base + span.start);
        self.list.push(Located {
            line,
            column,
            message: message.into(),
        });
    }
}

/// Where each line of a text starts, to find many offsets' lines by bisection.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line's first byte; the first is 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset; an offset
    /// past the end or inside a character counts as the end of the text.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let offset = if text.is_char_boundary(offset) {
            offset
        } else {
            text.len()
        };
        // Lines starting at or before the offset; the first always does.
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[line - 1];
        let column = text
            .get(line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(offset)
}

/// Parses a case file's text; `file` is only used in error messages.
pub fn parse_case(file: &str, text: &str) -> Result<ParsedCase, CaseError> {
    parse_case_with(file, text, read_raw)
}

/// [`parse_case`] with the given reader of the file's tables (the tests pass
/// [`read_raw_whole`], the reference).
fn parse_case_with(
    file: &str,
    text: &str,
    read: fn(&str) -> Result<Raw<'_>, Located>,
) -> Result<ParsedCase, CaseError> {
    let fail = |errors| CaseError {
        file: file.to_owned(),
        errors,
    };
    let raw = read(text).map_err(|err| fail(vec![err]))?;
    let mut errs = Errors::new(text);
    let mut notes = Vec::new();

    let incident = incident(raw.incident, &mut errs);

    // Hypotheses: unique ids, priors in range and at most 1 in all.
    let mut hypotheses = Vec::new();
    let mut ids = BTreeSet::new();
    let mut prior_total = 0.0;
    let mut last_prior_span = None;
    for h in raw.hypothesis {
        let id = h.id.get_ref().trim().to_owned();
        if id.is_empty() {
            errs.at(
                h.id.span(),
                "hypothesis id is empty; expected a short stable id such as \"apt29\"",
            );
        } else if !ids.insert(id.clone()) {
            errs.at(
                h.id.span(),
                format!("duplicate hypothesis id {id:?}; each hypothesis needs its own id"),
            );
        }
        let prior = h.prior.map(|p| {
            let v = *p.get_ref();
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                errs.at(
                    p.span(),
                    format!("prior {v} is out of range; expected a probability between 0 and 1"),
                );
            } else {
                prior_total += v;
                last_prior_span = Some(p.span());
            }
            v
        });
        let resolved = h.sponsor.as_ref().map(|s| ascribe_model::ActorRef {
            name: h.actor.clone().unwrap_or_else(|| id.clone()),
            sponsor: Some(s.clone()),
        });
        hypotheses.push(Hypothesis {
            id,
            actor: h.actor,
            resolved,
            prior,
        });
    }
    if prior_total > 1.0 + 1e-9 {
        if let Some(span) = last_prior_span {
            errs.at(
                span,
                format!("the priors add up to {prior_total:.4}; expected at most 1"),
            );
        }
    }

    // Evidence.
    let mut evidence = Vec::new();
    let mut evidence_ids = BTreeSet::new();
    // A toml error in an item is the only error to report, as the whole-file
    // parse would stop at it.
    let mut toml_error = FirstError::default();
    raw.evidence.each(&mut toml_error, |base, e| {
        // This item's spans count from its own section's start.
        errs.base = base;
        let id = e.id.get_ref().trim().to_owned();
        if id.is_empty() {
            errs.at(e.id.span(), "evidence id is empty");
        } else if !evidence_ids.insert(id.clone()) {
            errs.at(
                e.id.span(),
                format!("duplicate evidence id {id:?}; each item needs its own id"),
            );
        }
        let grade = grade(&e, &mut errs);
        let tlp = match e.tlp.get_ref().parse::<Tlp>() {
            Ok(t) => t,
            Err(err) => {
                errs.at(e.tlp.span(), err.to_string());
                Tlp::Red
            }
        };
        let bearing = match (e.ratings, e.likelihood_ratio) {
            (Some(_), Some(lr)) => {
                errs.at(
                    lr.span(),
                    "give either `ratings` or `likelihood_ratio`, not both",
                );
                Bearing::default()
            }
            (Some(r), None) => {
                let mut m = BTreeMap::new();
                for (h, v) in r.into_inner() {
                    check_hypothesis(&ids, &id, &h, &mut errs);
                    match v.get_ref().parse::<AchRating>() {
                        Ok(rating) => {
                            m.insert(h.into_inner(), rating);
                        }
                        Err(err) => errs.at(v.span(), err.to_string()),
                    }
                }
                Bearing::Ratings(m)
            }
            (None, Some(lr)) => {
                let mut m = BTreeMap::new();
                for (h, v) in lr.into_inner() {
                    check_hypothesis(&ids, &id, &h, &mut errs);
                    let x = *v.get_ref();
                    if !(x.is_finite() && x > 0.0) {
                        errs.at(
                            v.span(),
                            format!(
                                "likelihood ratio {x} is not usable; expected a positive number"
                            ),
                        );
                    }
                    m.insert(h.into_inner(), x);
                }
                Bearing::LikelihoodRatios(m)
            }
            (None, None) => {
                notes.push(format!(
                    "evidence {id:?} gives neither ratings nor likelihood_ratio: it is neutral"
                ));
                Bearing::default()
            }
        };
        evidence.push(Evidence {
            id,
            kind: e.kind.parse().unwrap_or_else(|never| match never {}),
            summary: e.summary,
            source: e.source,
            grade,
            tlp,
            bearing,
            origin: None,
        });
    });
    errs.base = 0;
    if let Some(err) = toml_error.located(text) {
        return Err(fail(vec![err]));
    }

    // Claims.
    let mut claims = Vec::new();
    let mut claim_ids = BTreeSet::new();
    for (n, c) in raw.claim.into_iter().enumerate() {
        let id = match &c.id {
            Some(s) => {
                let id = s.get_ref().trim().to_owned();
                if !claim_ids.insert(id.clone()) {
                    errs.at(s.span(), format!("duplicate claim id {id:?}"));
                }
                id
            }
            None => format!("claim-{}", n + 1),
        };
        let kind = match c.kind.get_ref().parse::<ClaimKind>() {
            Ok(k) => Some(k),
            Err(err) => {
                errs.at(c.kind.span(), err.to_string());
                None
            }
        };
        let tlp = match &c.tlp {
            Some(t) => t.get_ref().parse::<Tlp>().unwrap_or_else(|err| {
                errs.at(t.span(), err.to_string());
                Tlp::Red
            }),
            // A statement made in public is public.
            None => Tlp::Clear,
        };
        let date = c.date.as_ref().and_then(|d| date_value(d, &mut errs));
        let probability = c.confidence_phrase.as_deref().and_then(estimative_band);
        if let (Some(p), None) = (&c.confidence_phrase, probability) {
            notes.push(format!(
                "claim {id:?}: confidence phrase {p:?} is not on the PHIA or ICD 203 scales"
            ));
        }
        claims.push(Claim {
            id,
            kind,
            speaker: c.speaker,
            speaker_org: c.speaker_org,
            speaker_country: c.speaker_country,
            target: c.target,
            target_canonical: c.target_canonical,
            target_state: c.target_state,
            operation: c.operation,
            confidence_phrase: c.confidence_phrase,
            probability,
            date,
            quote: c.quote,
            doc: c.doc,
            start: None,
            end: None,
            tlp,
        });
    }

    // The policy table must at least be a valid policy on its own.
    let policy = raw.policy.map(|p| {
        let span = policy_span(text);
        let table = match p {
            toml::Value::Table(t) => t,
            other => {
                errs.at(
                    span.clone(),
                    format!("`policy` must be a table, not a {}", other.type_str()),
                );
                toml::Table::new()
            }
        };
        if let Err(err) = policy_from_tables(&[&table]) {
            errs.at(span, err);
        }
        table
    });

    if !errs.list.is_empty() {
        return Err(fail(errs.list));
    }
    let mut case = Case {
        incident,
        hypotheses,
        evidence,
        claims,
        observed: Vec::new(),
    };
    if case.ensure_other_hypothesis() {
        notes.push(
            "added the \"other or unknown actor\" hypothesis, which every case has".to_owned(),
        );
    }
    Ok(ParsedCase {
        case,
        policy,
        notes,
    })
}

/// A case file's tables, each evidence item with the offset its spans count from.
struct Raw<'a> {
    incident: RawIncident,
    hypothesis: Vec<RawHypothesis>,
    evidence: Items<'a>,
    claim: Vec<RawClaim>,
    policy: Option<toml::Value>,
}

/// The evidence sections of a case file (see [`sections`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidenceSection {
    evidence: Vec<RawEvidence>,
}

/// Reads a case file's tables: each `[[evidence]]` section on its own and the
/// rest as one document with those sections blanked, so that no document of
/// the whole file is built. The result is what parsing the whole file gives
/// ([`read_raw_whole`], the reference the tests compare with): spans are the
/// same once offset by their section's start. A file the scanner cannot split
/// with certainty is parsed whole.
fn read_raw(text: &str) -> Result<Raw<'_>, Located> {
    let sections = match sections::split(text) {
        sections::Split::Evidence(s) if !s.is_empty() => s,
        _ => return read_raw_whole(text),
    };
    let rest = sections::blank(text, &sections);
    let head = toml::from_str::<RawCase<Option<toml::Value>>>(&rest);
    let items = Items::Sections { text, sections };
    let head = match head {
        Ok(head) => head,
        Err(err) => {
            // A syntax error in an item comes before this one if this is not
            // a syntax error, or comes earlier in the file.
            let mut first = FirstError::default();
            first.note(&rest, 0, &err);
            drop(rest);
            items.each(&mut first, |_, _| {});
            return Err(first
                .located(text)
                .expect("an error was noted for the rest"));
        }
    };
    drop(rest);
    if head.evidence.is_some() {
        // A root `evidence` key as well as `[[evidence]]` tables: toml's own
        // error for the clash is the one to give.
        return read_raw_whole(text);
    }
    Ok(Raw {
        incident: head.incident,
        hypothesis: head.hypothesis,
        evidence: items,
        claim: head.claim,
        policy: head.policy,
    })
}

/// The toml error the whole-file parse would stop at: the first syntax error
/// in the file, else the first error in a value; ordered by (not a syntax
/// error, offset). A piece that failed is read again as a plain table to tell
/// a syntax error (a cost only on the error path).
#[derive(Default)]
struct FirstError(Option<((bool, usize), String)>);

impl FirstError {
    fn note(&mut self, piece: &str, base: usize, err: &toml::de::Error) {
        let syntax = piece.parse::<toml::Table>().is_err();
        let key = (!syntax, err.span().map_or(usize::MAX, |s| base + s.start));
        let message = err.message().trim_end_matches('\n').replace('\n', "; ");
        self.merge(FirstError(Some((key, message))));
    }

    fn merge(&mut self, other: FirstError) {
        if let Some((key, message)) = other.0 {
            if !matches!(&self.0, Some((k, _)) if *k <= key) {
                self.0 = Some((key, message));
            }
        }
    }

    /// The error noted, located in the whole text.
    fn located(self, text: &str) -> Option<Located> {
        let ((_, offset), message) = self.0?;
        let (line, column) = if offset == usize::MAX {
            (1, 1)
        } else {
            line_col(text, offset)
        };
        Some(Located {
            line,
            column,
            message,
        })
    }
}

/// A case file's evidence items: parsed with the whole file, or still to be
/// parsed one section at a time, so that no more than one raw item is held.
enum Items<'a> {
    Parsed(Vec<RawEvidence>),
    Sections {
        text: &'a str,
        sections: Vec<Range<usize>>,
    },
}

impl Items<'_> {
    /// Calls `f` with each item, in file order, and the offset its spans
    /// count from; a section toml cannot read is noted in `first` instead.
    fn each(self, first: &mut FirstError, mut f: impl FnMut(usize, RawEvidence)) {
        match self {
            Items::Parsed(items) => items.into_iter().for_each(|e| f(0, e)),
            Items::Sections { text, sections } => {
                for s in sections {
                    let piece = &text[s.clone()];
                    match toml::from_str::<RawEvidenceSection>(piece) {
                        Ok(p) => p.evidence.into_iter().for_each(|e| f(s.start, e)),
                        Err(err) => first.note(piece, s.start, &err),
                    }
                }
            }
        }
    }
}

/// Reads a case file's tables from one document of the whole file.
fn read_raw_whole(text: &str) -> Result<Raw<'_>, Located> {
    let raw: RawCase<Vec<RawEvidence>> = toml::from_str(text).map_err(|err| {
        let (line, column) = err.span().map_or((1, 1), |s| line_col(text, s.start));
        let message = err.message().trim_end_matches('\n').replace('\n', "; ");
        Located {
            line,
            column,
            message,
        }
    })?;
    Ok(Raw {
        incident: raw.incident,
        hypothesis: raw.hypothesis,
        evidence: Items::Parsed(raw.evidence),
        claim: raw.claim,
        policy: raw.policy,
    })
}

fn incident(raw: RawIncident, errs: &mut Errors) -> Incident {
    let id = raw.id.get_ref().trim().to_owned();
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c == '/') {
        errs.at(
            raw.id.span(),
            format!(
                "incident id {id:?} is not usable; expected a non-empty id without spaces or '/'"
            ),
        );
    }
    let period = raw.period.map(|p| {
        // An unreadable date is already an error in `errs`, and a file with
        // errors yields no case: the empty date is never seen.
        let from = date_value(&p.from, errs).unwrap_or_default();
        let to = date_value(&p.to, errs).unwrap_or_default();
        if !from.is_empty() && !to.is_empty() && from > to {
            errs.at(
                p.to.span(),
                format!("period ends ({to}) before it starts ({from})"),
            );
        }
        Period { from, to }
    });
    Incident {
        id,
        title: raw.title,
        summary: raw.summary,
        period,
        victims: raw.victims,
    }
}

fn grade(e: &RawEvidence, errs: &mut Errors) -> Admiralty {
    let fallback = Admiralty::new(Reliability::F, Credibility::CannotBeJudged);
    if let Some(g) = &e.grade {
        return g
            .get_ref()
            .parse()
            .unwrap_or_else(|err: ascribe_model::ScaleError| {
                errs.at(g.span(), err.to_string());
                fallback
            });
    }
    let reliability = grade_part(
        e,
        &e.reliability,
        "`reliability` (Admiralty A-F)",
        errs,
        |r| r.parse(),
        Reliability::F,
    );
    let credibility = grade_part(
        e,
        &e.credibility,
        "`credibility` (Admiralty 1-6)",
        errs,
        |c| Credibility::from_number(*c),
        Credibility::CannotBeJudged,
    );
    Admiralty::new(reliability, credibility)
}

/// One part of an evidence item's grade, read by `read`; an unreadable or
/// missing part (named `what`) is an error, and counts as `fallback`.
fn grade_part<R, T>(
    e: &RawEvidence,
    part: &Option<Spanned<R>>,
    what: &str,
    errs: &mut Errors,
    read: impl FnOnce(&R) -> Result<T, ascribe_model::ScaleError>,
    fallback: T,
) -> T {
    let Some(part) = part else {
        let id = e.id.get_ref();
        errs.at(
            e.id.span(),
            format!("evidence {id:?} has no {what} or `grade`"),
        );
        return fallback;
    };
    read(part.get_ref()).unwrap_or_else(|err| {
        errs.at(part.span(), err.to_string());
        fallback
    })
}

fn check_hypothesis(
    ids: &BTreeSet<String>,
    evidence: &str,
    h: &Spanned<String>,
    errs: &mut Errors,
) {
    let name = h.get_ref();
    if !ids.contains(name) && name != OTHER_HYPOTHESIS {
        let known: Vec<&str> = ids.iter().map(String::as_str).collect();
        errs.at(
            h.span(),
            format!(
                "evidence {evidence:?} rates hypothesis {name:?}, which does not exist; expected one of {}",
                if known.is_empty() { "the case's hypotheses (none defined)".to_owned() } else { known.join(", ") }
            ),
        );
    }
}

/// A date as `YYYY-MM-DD`, given as a string or a TOML date.
fn date_value(v: &Spanned<toml::Value>, errs: &mut Errors) -> Option<String> {
    let text = match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            errs.at(
                v.span(),
                format!(
                    "expected a date such as 2020-07-16, found a {}",
                    other.type_str()
                ),
            );
            return None;
        }
    };
    if valid_date(&text) {
        Some(text)
    } else {
        errs.at(
            v.span(),
            format!("{text:?} is not a date; expected YYYY-MM-DD"),
        );
        None
    }
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD`.
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    ascribe_model::calendar::is_date(y, m, d)
}

/// Reads a config file: a `[policy]` table and nothing else (for now).
pub fn parse_config(file: &str, text: &str) -> Result<toml::Table, CaseError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawConfig {
        #[serde(default)]
        policy: Option<toml::Value>,
    }
    let fail = |errors| CaseError {
        file: file.to_owned(),
        errors,
    };
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let (line, column) = err.span().map_or((1, 1), |s| line_col(text, s.start));
        fail(vec![Located {
            line,
            column,
            message: err.message().trim_end().replace('\n', "; "),
        }])
    })?;
    let Some(p) = raw.policy else {
        return Ok(toml::Table::new());
    };
    let span = policy_span(text);
    let toml::Value::Table(table) = p else {
        let (line, column) = line_col(text, span.start);
        return Err(fail(vec![Located {
            line,
            column,
            message: "`policy` must be a table".to_owned(),
        }]));
    };
    if let Err(message) = policy_from_tables(&[&table]) {
        let (line, column) = line_col(text, span.start);
        return Err(fail(vec![Located {
            line,
            column,
            message,
        }]));
    }
    Ok(table)
}

/// Where the policy starts: its first `[policy...]` header or `policy` key.
///
/// Found by scanning, because toml's spans do not survive dotted headers
/// such as `[policy.kinds.denial]` inside a spanned value.
fn policy_span(text: &str) -> Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("[policy") || t.starts_with("policy") {
            let start = offset + (line.len() - t.len());
            return start..start + t.trim_end().len();
        }
        offset += line.len();
    }
    0..0
}

/// The default policy with the given `[policy]` tables laid over it in order
/// (a config file's, then the case's).
pub fn policy_from_tables(layers: &[&toml::Table]) -> Result<Policy, String> {
    let mut merged =
        toml::Table::try_from(Policy::default()).map_err(|e| format!("policy: {e}"))?;
    for layer in layers {
        merge(&mut merged, layer);
    }
    let policy: Policy = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| format!("policy: {}", e.message().trim_end()))?;
    policy.validate()?;
    Ok(policy)
}

fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
