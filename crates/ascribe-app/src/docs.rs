//! Filing claims read from documents under incidents.
//!
//! A claim joins an incident (one made by an earlier ingest, or an analyst's
//! case) when it names the same state or group, shares a word of its
//! operation ("vaccine", "election") and falls within the date window of it;
//! otherwise a new incident is made, with one hypothesis per accused party,
//! so that it can be assessed. The grouping ([`group_claims`]) is pure; the
//! store is read before it ([`existing_groups`]) and written after it, every
//! incident, hypothesis, claim and document of a run in one unit of work
//! ([`file_claims`]).

use std::collections::{BTreeMap, BTreeSet};

use ascribe_extract::Document;
use ascribe_kb::KnowledgeBase;
use ascribe_model::{ActorRef, Claim, ClaimKind, Hypothesis, Incident, Period};
use ascribe_store::{DocumentRecord, Provenance, Store};
use time::format_description::well_known::Rfc3339;

use crate::{Clock, Result};

/// How claims are filed.
#[derive(Debug, Clone, Copy)]
pub struct FileOptions<'a> {
    /// File every claim under this incident (created if missing) instead of grouping.
    pub incident: Option<&'a str>,
    /// Claims within this many days of an incident join it.
    pub window_days: i64,
}

/// Where the claims went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filed {
    /// Claim id to incident id.
    pub incidents: BTreeMap<String, String>,
    /// One line per incident: how many claims were filed under it, and whether it is new.
    pub lines: Vec<String>,
}

/// The grouping of a run's claims: the groups (existing and new, in order),
/// each claim's incident, and the claims per incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    pub groups: Vec<Group>,
    pub filed: BTreeMap<String, String>,
    pub by_incident: BTreeMap<String, Vec<Claim>>,
}

/// Resolves a claim's target through the knowledge base in use (an imported
/// one may know a group the built-in does not, or tie it to another sponsor).
pub fn overlay_kb(kb: &KnowledgeBase, c: &mut Claim) {
    let Some(t) = c.target_canonical.clone() else {
        return;
    };
    if let Some(a) = kb.resolve_actor(&t) {
        if a.kind == ascribe_model::ActorKind::Group {
            c.target_canonical = Some(a.name.clone());
            if let Some(s) = a.sponsors.first() {
                c.target_state = Some(s.clone());
            }
        }
    }
}

const GENERIC_OP: &[&str] = &[
    "attack",
    "attacks",
    "attacked",
    "attacking",
    "cyber",
    "hack",
    "hacked",
    "hacking",
    "tried",
    "trying",
    "steal",
    "stole",
    "stealing",
    "behind",
    "responsible",
    "campaign",
    "operation",
    "operations",
    "against",
    "their",
    "those",
    "these",
    "affiliation",
    "connected",
    "with",
    "from",
    "into",
    "about",
    "which",
    "that",
    "this",
    "the",
    "and",
    "for",
    "were",
    "was",
    "have",
    "been",
    "being",
    "carried",
    "out",
    "targeting",
    "targeted",
    "part",
];

/// The distinctive words of an operation ("vaccine", "election"); state
/// names and generic words ("attack", "hacking") are left out, and an
/// affiliation ("part of the Russian intelligence services") has none.
fn topic(text: &str) -> BTreeSet<String> {
    if text.starts_with("affiliation") {
        return BTreeSet::new();
    }
    let kb = KnowledgeBase::builtin();
    let rule = ascribe_model::names::OperationWords {
        longer_than: 3,
        stem: 7,
        stop: GENERIC_OP,
    };
    rule.of(text, |w| kb.resolve_state(w).is_none())
}

/// The day number of an ISO date (`YYYY-MM-DD`, anything after it ignored).
/// Dates written otherwise (`16 July 2020`, `2020-7`) are no error here: they
/// give `None`, and the claim or incident then joins by parties and topic
/// words alone, without a date window (tested below).
pub fn days(date: &str) -> Option<i64> {
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(date.get(..10)?, &iso) {
        Ok(d) => Some(i64::from(d.to_julian_day())),
        Err(_) => None,
    }
}

/// An incident a claim may join.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub states: BTreeSet<String>,
    pub topic: BTreeSet<String>,
    pub dates: Vec<i64>,
    pub new: bool,
    pub targets: BTreeSet<String>,
    pub title: String,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// The incidents in the store as groups a claim may join (analysts' cases
/// and earlier ingests alike).
pub fn existing_groups(store: &Store) -> Result<Vec<Group>> {
    let mut out = Vec::new();
    for inc in store.list_incidents()? {
        let Some(stored) = crate::case::load(store, &inc.id)? else {
            continue;
        };
        let case = stored.case;
        let mut g = Group {
            id: inc.id.clone(),
            states: BTreeSet::new(),
            topic: topic(&format!(
                "{} {}",
                case.incident.title,
                // An incident without a summary has topic words from its title alone.
                case.incident.summary.as_deref().unwrap_or("")
            )),
            dates: Vec::new(),
            new: false,
            targets: BTreeSet::new(),
            title: case.incident.title.clone(),
            first_date: None,
            last_date: None,
        };
        if let Some(p) = &case.incident.period {
            g.dates.extend(days(&p.from));
            g.dates.extend(days(&p.to));
        }
        for h in &case.hypotheses {
            if let Some(r) = &h.resolved {
                g.states.extend(r.sponsor.clone());
                g.states.insert(r.name.clone());
            }
            if let Some(a) = &h.actor {
                g.states.insert(a.clone());
            }
        }
        for c in &case.claims {
            g.states.extend(c.target_state.clone());
            g.states.extend(c.target_canonical.clone());
            if let Some(op) = &c.operation {
                g.topic.extend(topic(op));
            }
            if let Some(d) = c.date.as_deref().and_then(days) {
                g.dates.push(d);
            }
        }
        out.push(g);
    }
    Ok(out)
}

fn claim_state(c: &Claim) -> Option<String> {
    match c.kind {
        Some(ClaimKind::Denial) => c.target_state.clone().or_else(|| c.speaker_country.clone()),
        Some(ClaimKind::CounterAccusation) => c.speaker_country.clone(),
        _ => c
            .target_state
            .clone()
            .or_else(|| c.target_canonical.clone()),
    }
}

/// Files each claim of `docs` under one of `groups` or a new group (pure:
/// the store is read before and written after).
pub fn group_claims(
    mut groups: Vec<Group>,
    docs: &[(Document, u64)],
    opts: &FileOptions<'_>,
) -> Grouping {
    let mut filed: BTreeMap<String, String> = BTreeMap::new();
    let mut by_incident: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    for (d, _) in docs {
        let date = d.published.as_deref().and_then(days);
        let mut doc_group: Option<usize> = None;
        for c in &d.claims {
            let cl = &c.claim;
            let gi = if let Some(id) = opts.incident {
                match groups.iter().position(|g| g.id == id) {
                    Some(i) => i,
                    None => {
                        groups.push(new_group(id.to_owned(), cl, d));
                        groups.len() - 1
                    }
                }
            } else {
                let state = claim_state(cl);
                let t = topic(cl.operation.as_deref().unwrap_or(""));
                let near = |g: &Group| match date {
                    Some(x) => {
                        g.dates.is_empty()
                            || g.dates.iter().any(|y| (x - y).abs() <= opts.window_days)
                    }
                    None => true,
                };
                let same_party = |g: &Group| state.as_ref().is_some_and(|s| g.states.contains(s));
                let found = groups
                    .iter()
                    .position(|g| {
                        same_party(g) && near(g) && (t.is_empty() || !g.topic.is_disjoint(&t))
                    })
                    .or_else(|| {
                        // A denial or counter-accusation without its own operation
                        // answers the accusation of the same document.
                        doc_group.filter(|_| t.is_empty() || state.is_none())
                    });
                match found {
                    Some(i) => i,
                    None => {
                        let base = format!(
                            "docs-{}-{}",
                            slug(state.as_deref().unwrap_or("unknown")),
                            t.iter()
                                .next()
                                .cloned()
                                .unwrap_or_else(|| "statement".to_owned())
                        );
                        let base = match d.published.as_deref() {
                            Some(p) => format!("{base}-{}", p.get(..7).unwrap_or(p)),
                            None => base,
                        };
                        let mut id = base.clone();
                        let mut n = 2;
                        while groups.iter().any(|g| g.id == id) {
                            id = format!("{base}-{n}");
                            n += 1;
                        }
                        groups.push(new_group(id, cl, d));
                        groups.len() - 1
                    }
                }
            };
            if doc_group.is_none() {
                doc_group = Some(gi);
            }
            if let Some(g) = groups.get_mut(gi) {
                g.states.extend(claim_state(cl));
                g.topic.extend(topic(cl.operation.as_deref().unwrap_or("")));
                g.dates.extend(date);
                if matches!(
                    cl.kind,
                    Some(ClaimKind::Accusation | ClaimKind::AttributionStatement)
                ) {
                    g.targets.extend(cl.target_canonical.clone());
                }
                if let Some(p) = &d.published {
                    if g.first_date.as_ref().is_none_or(|f| p < f) {
                        g.first_date = Some(p.clone());
                    }
                    if g.last_date.as_ref().is_none_or(|l| p > l) {
                        g.last_date = Some(p.clone());
                    }
                }
                filed.insert(cl.id.clone(), g.id.clone());
                by_incident
                    .entry(g.id.clone())
                    .or_default()
                    .push(cl.clone());
            }
        }
    }
    Grouping {
        groups,
        filed,
        by_incident,
    }
}

/// Files each claim under an incident and stores everything (incidents,
/// hypotheses for new incidents, claims, document records) in one unit of
/// work: a failure or a kill half-way leaves none of it. Returns where each
/// claim went.
pub fn file_claims(
    store: &Store,
    clock: &dyn Clock,
    docs: &[(Document, u64)],
    opts: &FileOptions<'_>,
    kb: &KnowledgeBase,
) -> Result<Filed> {
    file_marked_claims(store, clock, docs, opts, kb, ascribe_model::Tlp::Clear)
}

/// [`file_claims`] for documents marked `marking` (the import form's
/// choice): each document is recorded at the strictest of `marking` and its
/// claims' markings, so a document without claims keeps its marking too.
pub fn file_marked_claims(
    store: &Store,
    clock: &dyn Clock,
    docs: &[(Document, u64)],
    opts: &FileOptions<'_>,
    kb: &KnowledgeBase,
    marking: ascribe_model::Tlp,
) -> Result<Filed> {
    let Grouping {
        groups,
        filed,
        by_incident,
    } = group_claims(existing_groups(store)?, docs, opts);
    let now = clock
        .now()
        .format(&Rfc3339)
        .expect("a clock's time (a four-digit year) formats as RFC 3339");
    // Every incident, hypothesis, claim and document of this run is one
    // writer transaction: a failure or a kill half-way leaves none of it.
    let mut filed_lines = Vec::new();
    store.unit_of_work(|u| -> Result<()> {
        for (id, claims) in &by_incident {
            let Some(g) = groups.iter().find(|g| &g.id == id) else {
                continue;
            };
            let incident = Incident {
                id: id.clone(),
                title: g.title.clone(),
                summary: Some(
                    "Filed by `ascribe docs ingest` from statements in documents.".to_owned(),
                ),
                period: match (&g.first_date, &g.last_date) {
                    (Some(a), Some(b)) => Some(Period {
                        from: a.clone(),
                        to: b.clone(),
                    }),
                    _ => None,
                },
                victims: vec![],
            };
            let created = u.ensure_incident(&incident)?;
            if created || g.new {
                // Hypotheses exclude each other: a state whose group is already a
                // hypothesis is covered by it (claims naming the state map to the group).
                let sponsors: BTreeSet<String> = g
                    .targets
                    .iter()
                    .filter_map(|t| kb.resolve_actor(t))
                    .filter(|a| a.kind == ascribe_model::ActorKind::Group)
                    .flat_map(|a| a.sponsors.first().cloned())
                    .collect();
                let hyps: Vec<Hypothesis> = g
                    .targets
                    .iter()
                    .filter(|t| !sponsors.contains(*t))
                    .map(|t| {
                        let resolved = kb.resolve_actor(t).map(|a| ActorRef {
                            name: a.name.clone(),
                            sponsor: a.sponsors.first().cloned(),
                        });
                        Hypothesis {
                            id: slug(t),
                            actor: Some(t.clone()),
                            resolved,
                            prior: None,
                        }
                    })
                    .collect();
                u.add_hypotheses(id, &hyps)?;
            }
            u.upsert_claims(id, claims, Provenance::Docs)?;
            filed_lines.push(format!(
                "filed {} claim(s) under incident {id}{}",
                claims.len(),
                if created { " (new)" } else { "" }
            ));
        }
        for (d, bytes) in docs {
            let incidents: BTreeSet<String> = d
                .claims
                .iter()
                .filter_map(|c| filed.get(&c.claim.id).cloned())
                .collect();
            u.record_document(&DocumentRecord {
                name: d.name.clone(),
                bytes: *bytes,
                published: d.published.clone(),
                claims: d.claims.len(),
                incidents: incidents.into_iter().collect(),
                ingested_at: now.clone(),
                // The strictest of its claims' markings (a reader may see
                // the text only where it may see every claim read from it).
                tlp: d.claims.iter().map(|c| c.claim.tlp).fold(marking, Ord::max),
                outlet: d.source.outlet.clone(),
                url: d.source.url.clone(),
            })?;
            u.record_document_text(&d.name, &d.original)?;
        }
        Ok(())
    })?;
    Ok(Filed {
        incidents: filed,
        lines: filed_lines,
    })
}

fn new_group(id: String, c: &Claim, d: &Document) -> Group {
    let state = claim_state(c).unwrap_or_else(|| "unknown party".to_owned());
    let op = c
        .operation
        .clone()
        .unwrap_or_else(|| "statements".to_owned());
    let mut op: String = op.chars().take(80).collect();
    if c.operation.as_ref().is_some_and(|o| o.chars().count() > 80) {
        if let Some(p) = op.rfind(' ') {
            op.truncate(p);
        }
        op.push_str(" ...");
    }
    Group {
        id,
        states: claim_state(c).into_iter().collect(),
        topic: topic(c.operation.as_deref().unwrap_or("")),
        dates: d.published.as_deref().and_then(days).into_iter().collect(),
        new: true,
        targets: BTreeSet::new(),
        title: format!("{state}: {op}"),
        first_date: d.published.clone(),
        last_date: d.published.clone(),
    }
}

#[cfg(test)]
mod tests {
    use ascribe_extract::ExtractedClaim;

    use super::*;

    fn accusation(id: &str, group: &str, state: &str, operation: &str) -> Claim {
        Claim {
            id: id.into(),
            kind: Some(ClaimKind::Accusation),
            speaker_org: Some("NCSC".into()),
            target: Some(group.into()),
            target_canonical: Some(group.into()),
            target_state: Some(state.into()),
            operation: Some(operation.into()),
            ..Claim::default()
        }
    }

    fn doc(name: &str, published: &str, claims: Vec<Claim>) -> (Document, u64) {
        let claims = claims
            .into_iter()
            .map(|claim| ExtractedClaim {
                claim,
                reporter: None,
                phia: None,
                icd203: None,
            })
            .collect();
        let doc = Document {
            name: name.into(),
            published: Some(published.into()),
            claims,
            skipped: None,
            clean_len: 0,
            original: String::new(),
            source: ascribe_extract::SourceMeta::default(),
        };
        (doc, 100)
    }

    const GROUPING: FileOptions<'static> = FileOptions {
        incident: None,
        window_days: 45,
    };

    fn incident_of<'g>(g: &'g Grouping, claim: &str) -> &'g str {
        g.filed.get(claim).map_or("(not filed)", String::as_str)
    }

    #[test]
    fn topic_keeps_distinctive_words_only() {
        let words = |t: &str| topic(t).into_iter().collect::<Vec<_>>();
        // Generic words, short words and state names are left out; words are cut to 7 letters.
        assert_eq!(
            words("Russian hacking of the vaccine research"),
            ["researc", "vaccine"]
        );
        assert_eq!(words("attacks against the election"), ["electio"]);
        // An affiliation is no operation.
        assert!(words("affiliation with the intelligence services").is_empty());
    }

    #[test]
    fn days_read_the_date_part_only() {
        assert_eq!(days("2020-07-16"), days("2020-07-16T09:00:00Z"));
        assert_eq!(days("2020-07-16").map(|d| d - 1), days("2020-07-15"));
        assert_eq!(days("16 July 2020"), None);
        assert_eq!(days("2020-7"), None);
    }

    #[test]
    fn one_party_one_topic_within_the_window_is_one_new_incident() {
        let docs = [
            doc(
                "a.txt",
                "2020-07-16",
                vec![accusation("a1", "APT29", "Russia", "vaccine")],
            ),
            doc(
                "b.txt",
                "2020-08-01",
                vec![accusation("b1", "APT29", "Russia", "vaccine theft")],
            ),
        ];
        let g = group_claims(Vec::new(), &docs, &GROUPING);
        assert_eq!(g.groups.len(), 1);
        let only = &g.groups[0];
        assert_eq!(only.id, "docs-russia-vaccine-2020-07");
        assert_eq!(only.title, "Russia: vaccine");
        assert!(only.new);
        assert_eq!(only.targets, BTreeSet::from(["APT29".to_owned()]));
        assert_eq!(only.first_date.as_deref(), Some("2020-07-16"));
        assert_eq!(only.last_date.as_deref(), Some("2020-08-01"));
        assert_eq!(incident_of(&g, "a1"), only.id);
        assert_eq!(incident_of(&g, "b1"), only.id);
        assert_eq!(g.by_incident[&only.id].len(), 2);
    }

    #[test]
    fn another_topic_or_outside_the_window_is_another_incident() {
        let docs = [
            doc(
                "a.txt",
                "2020-07-16",
                vec![accusation("a1", "APT29", "Russia", "vaccine")],
            ),
            doc(
                "b.txt",
                "2020-07-20",
                vec![accusation("b1", "APT29", "Russia", "election")],
            ),
            // 46 days after the last vaccine claim: outside a 45-day window.
            doc(
                "c.txt",
                "2020-08-31",
                vec![accusation("c1", "APT29", "Russia", "vaccine")],
            ),
        ];
        let g = group_claims(Vec::new(), &docs, &GROUPING);
        let ids: Vec<&str> = g.groups.iter().map(|x| x.id.as_str()).collect();
        // The third, past the window, makes a new incident (dated August).
        assert_eq!(
            ids,
            [
                "docs-russia-vaccine-2020-07",
                "docs-russia-electio-2020-07",
                "docs-russia-vaccine-2020-08"
            ]
        );
        let wider = FileOptions {
            window_days: 60,
            ..GROUPING
        };
        let g = group_claims(Vec::new(), &docs, &wider);
        assert_eq!(incident_of(&g, "c1"), incident_of(&g, "a1"));
    }

    #[test]
    fn a_clashing_new_id_gets_a_number() {
        let docs = [
            doc(
                "a.txt",
                "2020-07-01",
                vec![accusation("a1", "APT29", "Russia", "vaccine")],
            ),
            doc(
                "b.txt",
                "2020-07-02",
                vec![accusation("b1", "Lazarus", "North Korea", "vaccine")],
            ),
        ];
        // Different parties: two incidents; a third party with a clashing base id.
        let mut g = group_claims(Vec::new(), &docs, &GROUPING);
        assert_eq!(g.groups.len(), 2);
        let base = g.groups[0].id.clone();
        g.groups[0].states.clear();
        let again = [doc(
            "c.txt",
            "2020-07-03",
            vec![accusation("c1", "APT29", "Russia", "vaccine")],
        )];
        let g = group_claims(g.groups, &again, &GROUPING);
        assert_eq!(incident_of(&g, "c1"), format!("{base}-2"));
    }

    #[test]
    fn an_answer_without_its_own_operation_joins_its_document_s_incident() {
        let counter = Claim {
            id: "a2".into(),
            kind: Some(ClaimKind::CounterAccusation),
            speaker_country: Some("China".into()),
            ..Claim::default()
        };
        let docs = [doc(
            "a.txt",
            "2020-07-16",
            vec![accusation("a1", "APT29", "Russia", "vaccine"), counter],
        )];
        let g = group_claims(Vec::new(), &docs, &GROUPING);
        assert_eq!(g.groups.len(), 1);
        assert_eq!(incident_of(&g, "a2"), incident_of(&g, "a1"));
        // It is not an accusation: its party is no target of the incident.
        assert_eq!(g.groups[0].targets, BTreeSet::from(["APT29".to_owned()]));
    }

    #[test]
    fn a_claim_joins_an_existing_incident_and_leaves_it_not_new() {
        let existing = Group {
            id: "vaccine-research-2020".into(),
            states: BTreeSet::from(["Russia".to_owned(), "APT29".to_owned()]),
            topic: topic("Intrusions into COVID-19 vaccine research"),
            dates: days("2020-07-16").into_iter().collect(),
            new: false,
            targets: BTreeSet::new(),
            title: "Intrusions into COVID-19 vaccine research".into(),
            first_date: None,
            last_date: None,
        };
        let docs = [doc(
            "a.txt",
            "2020-07-20",
            vec![accusation("a1", "APT29", "Russia", "vaccine")],
        )];
        let g = group_claims(vec![existing], &docs, &GROUPING);
        assert_eq!(g.groups.len(), 1);
        assert!(!g.groups[0].new);
        assert_eq!(incident_of(&g, "a1"), "vaccine-research-2020");
    }

    /// The store part: incidents, hypotheses for a new incident (one per
    /// accused party), claims and document records, dated by the clock given.
    #[test]
    fn file_claims_stores_the_grouping_at_the_clock_s_time() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let clock = crate::FixedClock::from_unix(1_600_000_000).expect("a time in range");
        let store = Store::open(&dir.path().join("a.db"), clock).expect("a new database opens");
        let docs = [doc(
            "a.txt",
            "2020-07-16",
            vec![accusation("a1", "APT29", "Russia", "vaccine")],
        )];
        let kb = KnowledgeBase::builtin();
        let filed = file_claims(&store, &clock, &docs, &GROUPING, kb).expect("filed");
        let id = "docs-russia-vaccine-2020-07";
        assert_eq!(filed.incidents.get("a1").map(String::as_str), Some(id));
        assert_eq!(
            filed.lines,
            [format!("filed 1 claim(s) under incident {id} (new)")]
        );
        let case = crate::case::load(&store, id)
            .expect("readable")
            .expect("stored")
            .case;
        let hyps: Vec<&str> = case.hypotheses.iter().map(|h| h.id.as_str()).collect();
        assert!(hyps.contains(&"apt29"), "{hyps:?}");
        assert_eq!(case.claims.len(), 1);
        let records = store.documents().expect("readable");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].ingested_at, "2020-09-13T12:26:40Z");
        assert_eq!(records[0].incidents, [id.to_owned()]);
    }

    #[test]
    fn a_named_incident_takes_every_claim() {
        let docs = [
            doc(
                "a.txt",
                "2020-07-16",
                vec![accusation("a1", "APT29", "Russia", "vaccine")],
            ),
            doc(
                "b.txt",
                "2021-01-01",
                vec![accusation("b1", "Lazarus", "North Korea", "banks")],
            ),
        ];
        let opts = FileOptions {
            incident: Some("mine"),
            ..GROUPING
        };
        let g = group_claims(Vec::new(), &docs, &opts);
        assert_eq!(g.groups.len(), 1);
        assert_eq!(g.groups[0].id, "mine");
        assert_eq!(incident_of(&g, "a1"), "mine");
        assert_eq!(incident_of(&g, "b1"), "mine");
        assert_eq!(
            g.groups[0].targets,
            BTreeSet::from(["APT29".to_owned(), "Lazarus".to_owned()])
        );
    }
}
