//! People and speakers: the noun phrases that name who speaks, the people met
//! so far with their titles, and the capitalised-name helpers.

use super::*;

/// Where a noun phrase after a verb ends: at a comma, stop or quote. The
/// stop of an abbreviation made of initials ("the U.S. government", "U.K.
/// officials") is no end: wire copy writes state names that way.
pub(super) fn np_end(text: &str, s: usize, e: usize) -> usize {
    let t = text.get(s..e).unwrap_or("");
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(p) = t
        .get(from..)
        .and_then(|r| r.find([',', '.', ';', '“', '"', '”', '?']))
    {
        let at = from + p;
        if b.get(at) == Some(&b'.') && is_initial_stop(b, at) && at + 1 < b.len() {
            from = at + 1;
            continue;
        }
        return s + at;
    }
    e.max(s)
}

/// Whether the stop at `at` closes an initial: one capital letter that
/// starts a word or follows another initial's stop ("U.S.", "U.K.").
fn is_initial_stop(b: &[u8], at: usize) -> bool {
    at >= 1
        && b.get(at - 1).is_some_and(u8::is_ascii_uppercase)
        && (at == 1 || matches!(b.get(at - 2), Some(b' ' | b'.' | b'(' | b'\n')))
}

/// Splits "Raab and Britain's NCSC" into its parties.
pub(super) fn split_subjects(text: &str, s: usize, e: usize) -> Vec<(usize, usize)> {
    let t = text.get(s..e).unwrap_or("");
    let mut out = Vec::new();
    let mut start = 0;
    let mut cuts: Vec<(usize, usize)> = t
        .match_indices(" and ")
        .map(|(i, m)| (i, m.len()))
        .chain(t.match_indices(", ").map(|(i, m)| (i, m.len())))
        .collect();
    cuts.sort_unstable();
    for (i, len) in cuts {
        if i < start {
            continue;
        }
        out.push((s + start, s + i));
        start = i + len;
    }
    out.push((s + start, e));
    // "The UK, together with the US and Canada, accused ...": the partners
    // named after "together with", "alongside", "along with" or "joined by"
    // speak too.
    for part in &mut out {
        // "the FBI, the NSA, and the INCD": the serial comma's "and".
        if text
            .get(part.0..part.1)
            .is_some_and(|x| x.starts_with("and "))
        {
            part.0 += 4;
        }
        let x = text.get(part.0..part.1).unwrap_or("");
        let lead = x.len() - x.trim_start().len();
        for w in super::targets::PARTNERS {
            if x.get(lead..lead + w.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(w))
            {
                part.0 += lead + w.len();
                break;
            }
        }
    }
    out.retain(|(a, b)| text.get(*a..*b).is_some_and(|x| !x.trim().is_empty()));
    // "The US, the UK and their allies attributed ...": the unnamed allies
    // close the list of speakers without being one.
    if out.len() > 1 {
        out.retain(|(a, b)| text.get(*a..*b).is_none_or(|x| !is_allies(x)));
    }
    // Every item must be a name; the first may be "the governments of
    // Canada" (its head shared by the names after: "the foreign ministers
    // of Canada and New Zealand"), written in lower case mid-sentence as
    // at a sentence's start.
    let first = out.first().map(|p| p.0);
    if out.len() > 1
        && out.iter().any(|(a, b)| {
            text.get(*a..*b).is_none_or(|x| {
                let x = x.trim();
                let x = x.strip_prefix("the ").unwrap_or(x);
                let of_name = Some(*a) == first
                    && x.rsplit_once(" of ").is_some_and(|(head, name)| {
                        head.split_whitespace().count() <= 3
                            && name
                                .trim_start_matches("the ")
                                .starts_with(|c: char| c.is_uppercase())
                    });
                // "hardware manufacturer Microsoft": a noun before a name.
                let described = x.split_whitespace().count() <= 4
                    && x.rsplit(' ')
                        .next()
                        .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()));
                !x.starts_with(|c: char| c.is_uppercase()) && !of_name && !described
            })
        })
    {
        return vec![(s, e)];
    }
    out
}

/// "their allies", "its partners", "other allies": the unnamed parties a
/// joint statement adds to the states it names.
pub(super) fn is_allies(np: &str) -> bool {
    // "several of its allies", "some of their partners".
    let np = np.trim();
    let np = ["several of ", "some of ", "many of ", "most of ", "all of "]
        .iter()
        .find_map(|q| np.strip_prefix(q))
        .filter(|r| ["its ", "their ", "our "].iter().any(|p| r.starts_with(p)))
        .unwrap_or(np);
    let mut words = np.split_whitespace();
    let (Some(first), last) = (words.next(), words.next_back()) else {
        return false;
    };
    let noun = last.unwrap_or(first).trim_end_matches([',', '.']);
    let lead_ok = last.is_none()
        || matches!(
            first.to_ascii_lowercase().as_str(),
            "their" | "its" | "other" | "our" | "international" | "several" | "many"
        );
    lead_ok
        && words.count() <= 1
        && [
            "allies",
            "partners",
            "partner countries",
            "countries",
            "states",
        ]
        .iter()
        .any(|w| noun.eq_ignore_ascii_case(w))
}

pub(super) fn strip_np(np: &str) -> String {
    let mut t = np.trim();
    for p in [
        "But ",
        "And ",
        "So ",
        "Now ",
        "a host of ",
        "A host of ",
        "some ",
        "Some ",
        "the ",
        "The ",
        "a ",
        "A ",
        "many ",
        "several ",
    ] {
        if let Some(r) = t.strip_prefix(p) {
            t = r;
        }
    }
    normalize_ws(t.trim_matches([',', ' ', '.']))
}

/// The nouns that end the name of a state's organ as news writes it after
/// the state ("Ukraine's security service", "the U.S. Treasury").
const ORGANS: &[&str] = &[
    "ministry",
    "department",
    "office",
    "agency",
    "service",
    "directorate",
    "centre",
    "center",
    "command",
    "bureau",
    "police",
    "council",
    "authority",
    "treasury",
    "cabinet",
    "parliament",
    "embassy",
    "consulate",
    "chancellery",
    "intelligence",
];

/// Nouns an organ noun can qualify: "government hackers", "intelligence
/// officers".
const PERPETRATOR_NOUNS: &[&str] = &[
    "hacker",
    "hackers",
    "actor",
    "actors",
    "spy",
    "spies",
    "agent",
    "agents",
    "officer",
    "officers",
    "unit",
    "units",
    "group",
    "groups",
    "operative",
    "operatives",
    "personnel",
];

/// What follows a possessive "'s " (straight or curly apostrophe) at the
/// start of `t`.
pub(super) fn after_possessive(t: &str) -> Option<&str> {
    t.strip_prefix("'s ").or_else(|| t.strip_prefix("’s "))
}

/// The words after a state that name one of its organs, as written
/// ("security service" in "Ukraine's security service", "National Cyber
/// Directorate" in "Israel's National Cyber Directorate"): a few words of
/// letters ending in an organ noun, else None (a title, a person's name).
pub(super) fn organ_words(after: &str) -> Option<&str> {
    let t = after.trim_start();
    let t = after_possessive(t).unwrap_or(t);
    let t = t.trim().trim_end_matches([',', '.']);
    // A proper name runs longer ("National Computer Virus Emergency
    // Response Center") than a description ("cyber security agency").
    let proper = t
        .split(' ')
        .all(|w| w.starts_with(char::is_uppercase) || w == "of" || w == "and");
    let most = if proper { 7 } else { 5 };
    if t.is_empty()
        || word_count(t, most + 1) > most
        || !t.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-')
    {
        return None;
    }
    let last = t.rsplit(' ').next()?;
    ORGANS
        .iter()
        .any(|o| last.eq_ignore_ascii_case(o))
        .then_some(t)
}

/// What a state's office is called after its name: one of the usual
/// offices in their usual wording, else the organ as written after the
/// state (`after_state`, see [`organ_words`]), else "government".
pub(super) fn tail_after(np: &str, after_state: Option<&str>) -> String {
    let lower = np.to_lowercase();
    for k in [
        "foreign intelligence agency",
        "domestic intelligence agency",
        "intelligence agency",
        "foreign ministry",
        "embassy",
        "mission to the united nations",
        "mission to the un",
        // "Russia's UN mission", "China's mission to the EU".
        "un mission",
        "mission to the eu",
        "mission to the european union",
        "permanent mission",
        "consulate",
        "ministry of foreign affairs",
        "defence ministry",
        "defense ministry",
        "ministry of defence",
        "ministry of defense",
    ] {
        if lower.contains(k) {
            return match k {
                "mission to the united nations" | "mission to the un" | "un mission" => {
                    "mission to the UN".to_owned()
                }
                "mission to the eu" | "mission to the european union" => {
                    "mission to the EU".to_owned()
                }
                "permanent mission" => "mission".to_owned(),
                "ministry of foreign affairs" => "foreign ministry".to_owned(),
                "defense ministry" | "ministry of defence" | "ministry of defense" => {
                    "defence ministry".to_owned()
                }
                _ => k.to_owned(),
            };
        }
    }
    after_state
        .and_then(organ_words)
        .map_or_else(|| "government".to_owned(), str::to_owned)
}

pub(super) fn executive_of(country: &str) -> String {
    STATES.iter().find(|s| s.name == country).map_or_else(
        || format!("{country} government"),
        |s| s.executive.to_owned(),
    )
}

pub(super) fn country_prefix(country: &str) -> String {
    match country {
        "United States" => "US".to_owned(),
        "United Kingdom" => "UK".to_owned(),
        // A demonym, not an adjective: "the New Zealand government".
        "New Zealand" => "New Zealand".to_owned(),
        c => STATES
            .iter()
            .find(|s| s.name == c)
            .and_then(|s| s.adjectives.first())
            .map_or_else(|| c.to_owned(), |a| (*a).to_owned()),
    }
}

pub(super) const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "On",
    "In",
    "At",
    "But",
    "And",
    "However",
    "Asked",
    "According",
    "Now",
    "Well",
    "Yes",
    "No",
    "So",
    "President",
    "Prime",
    "Minister",
    "Secretary",
    "Foreign",
    "Home",
    "Presidential",
    "Spokesman",
    "Director",
    "Chief",
    "UK",
    "US",
    "Kremlin",
    "Russian",
    "British",
    "Chinese",
    "American",
    "This",
    "That",
    "It",
    "We",
    "They",
    "He",
    "She",
    "I",
    "Friday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Saturday",
    "Sunday",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "General",
    "Former",
    "Deputy",
    "Senator",
    "Attorney",
    "Defence",
    "Defense",
    "Council",
    "European",
    "National",
    "Security",
    "Cyber",
    "Centre",
    "Center",
    "Agency",
    "Ministry",
    "Office",
    "Department",
    "Justice",
    "State",
    "Federal",
    "Bureau",
    "Service",
    "Intelligence",
    "Media",
    "Embassy",
    "Government",
    "Reuters",
    "Again",
    "Although",
    "Do",
    "Did",
    "Is",
    "Are",
    "Was",
    "Were",
    "Some",
    "All",
    "Our",
    "Your",
    "His",
    "Her",
    "Their",
    "Italian",
    "German",
    "French",
    "Dutch",
    "Iranian",
    "Western",
    "Congress",
    "Senate",
    "House",
    "White",
    "Downing",
    "Street",
    "Story",
    "Code",
    "Featured",
    "Stories",
    // Words of an office's name ("the Permanent Mission", "Cyber Command").
    "Mission",
    "Permanent",
    "Federation",
    "Republic",
    "Command",
    "Directorate",
    "Authority",
    "Committee",
    "Commission",
    "Administration",
    "Police",
    "Prosecutor",
    "Prosecutors",
    "Spokesperson",
    "Spokeswoman",
    "Ambassador",
    "Consulate",
    "Parliament",
    "Cabinet",
    "Affairs",
    // "Google's Threat Analysis Group", "the Microsoft Threat Intelligence
    // Center": a team, not a person.
    "Group",
    "Team",
    "Center",
    "Centre",
    "Division",
    // Courts and their districts ("a grand jury in the Central District of
    // California"): places of a prosecution, not people.
    "District",
    "Court",
    "County",
    "Circuit",
];

/// Last words of an organisation's name (see [`capitalized_name`]).
const ORG_TAILS: &[&str] = &[
    "Group",
    "Team",
    "Center",
    "Centre",
    "Division",
    "Unit",
    "Agency",
    "Service",
    "Office",
    "Institute",
    "Council",
    "Committee",
    "Commission",
    "Directorate",
    "Command",
    "Ministry",
    "Department",
    "Bureau",
    "Lab",
    "Labs",
    "Laboratory",
    // "the China Cybersecurity Industry Alliance".
    "Alliance",
    "Association",
    "Coalition",
    "Consortium",
    "Foundation",
    "Academy",
    "University",
    "Society",
    "Authority",
    "Administration",
];

/// A body's full name: capitalised words (with "of", "for", "and", "the",
/// "on" between them) whose last word, or the last before "of [the] X",
/// is one of [`ORG_TAILS`], as in "China Cybersecurity Industry Alliance"
/// or "National Computer Virus Emergency Response Center of China". The
/// name (without a leading "The") and that word.
fn named_organisation(np: &str) -> Option<(&str, &'static str)> {
    // ("In April, the ... Alliance": past an opening phrase.)
    let np = np.trim().trim_end_matches([',', '.']);
    let np = np.rsplit(", ").next().unwrap_or(np);
    let name = np
        .strip_prefix("The ")
        .or_else(|| np.strip_prefix("the "))
        .unwrap_or(np);
    // (Asked of most noun phrases: a quick test on the last word, or an
    // "of" before the words are gathered.)
    let last = name.rsplit(' ').next().unwrap_or("");
    if !ORG_TAILS.contains(&last) && !name.as_bytes().windows(4).any(|w| w == b" of ") {
        return None;
    }
    let words: Vec<&str> = name.split(' ').collect();
    if words.len() < 2 || words.len() > 12 {
        return None;
    }
    let joiner = |w: &str| matches!(w, "of" | "for" | "and" | "the" | "on");
    let cased = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !words.iter().all(|w| joiner(w) || cased(w)) || !cased(words[0]) {
        return None;
    }
    // The head: the last word, or the word before a closing "of [the] X".
    let head = match words.iter().rposition(|w| *w == "of") {
        Some(k) if k > 0 && words.len() - k <= 3 => words[k - 1],
        _ => words[words.len() - 1],
    };
    ORG_TAILS.iter().find(|t| **t == head).map(|t| (name, *t))
}

/// A capitalised name of two to four words at the start of `s`.
/// Whether a word is one of [`NOT_NAMES`]: a set, since the speaker rules
/// ask it of each capitalised word and the list is long.
fn not_name(w: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| NOT_NAMES.iter().copied().collect())
        .contains(w)
}

/// "FBI", "NCSC", "CISA", "MIVD": two to six capitals.
fn is_acronym(a: &str) -> bool {
    (2..=6).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_uppercase())
}

pub(super) fn capitalized_name(s: &str) -> Option<String> {
    let mut words = Vec::new();
    for w in s.split_whitespace() {
        let mut w2 = w.trim_end_matches([',', '.', '’', '\'', ':', ';']);
        // `trim_end_matches("’s")` then `("'s")`, without building a
        // substring searcher per word.
        while let Some(r) = w2.strip_suffix("’s") {
            w2 = r;
        }
        while let Some(r) = w2.strip_suffix("'s") {
            w2 = r;
        }
        // Each part of a hyphenated name is capitalised: "Jean-Pierre".
        let cased = w2.len() >= 2
            && w2.split('-').all(|part| {
                part.chars().next().is_some_and(char::is_uppercase)
                    && part.chars().skip(1).all(char::is_lowercase)
            });
        // "Threat Analysis Group", "Global Research and Analysis Team":
        // capitalised words before an organisation's last word name it,
        // not a person.
        if cased && !words.is_empty() && ORG_TAILS.contains(&w2) {
            return None;
        }
        if !cased || not_name(w2) || words.len() == 4 {
            break;
        }
        words.push(w2);
        if w2.len() != w.len() {
            break;
        }
    }
    (words.len() >= 2).then(|| words.join(" "))
}

pub(super) fn last_capitalized_name(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    for i in (0..words.len()).rev() {
        let tail = words.get(i..).unwrap_or(&[]).join(" ");
        if let Some(n) = capitalized_name(&tail) {
            if n.split_whitespace().count() == words.len() - i {
                // Extend back while still a name.
                let mut best = n;
                for j in (0..i).rev() {
                    let t2 = words.get(j..).unwrap_or(&[]).join(" ");
                    match capitalized_name(&t2) {
                        Some(m) if m.split_whitespace().count() == words.len() - j => best = m,
                        _ => break,
                    }
                }
                return Some(best);
            }
        }
    }
    None
}

/// The last capitalised name in a span that is not part of a lexicon hit.
pub(super) fn last_capitalized_name_outside(
    text: &str,
    s: usize,
    e: usize,
    hits: &[Hit],
) -> Option<String> {
    let t = text.get(s..e)?;
    let mut best = None;
    let mut offset = 0;
    let words: Vec<&str> = t.split(' ').collect();
    for (k, _) in words.iter().enumerate() {
        // The words from the k-th on, as the span has them.
        let tail = t.get(offset..).unwrap_or("");
        let abs = s + offset;
        offset += words.get(k).map_or(0, |w| w.len() + 1);
        // " South Korea's": a space before the span starts no name (the
        // words after it are read from their own starts).
        if words.get(k).is_some_and(|w| w.is_empty()) {
            continue;
        }
        if hits.iter().any(|h| {
            h.start <= abs
                && abs < h.end
                && !matches!(
                    h.pat,
                    Pat::Person(_)
                        | Pat::Pron(_)
                        | Pat::Op
                        | Pat::Neg
                        | Pat::Cond
                        | Pat::Hedge
                        | Pat::Resp
                        | Pat::From
                        | Pat::Conf(_)
                )
        }) {
            continue;
        }
        if let Some(n) = capitalized_name(tail) {
            best = Some(n);
        }
    }
    best
}

impl Ctx<'_> {
    /// The body a statement document is issued by: "Statement by the North
    /// Atlantic Council ..." or "Joint statement by ..." in its first lines,
    /// or a "Source: NATO" line. Its sentences in "we" are that body's.
    pub(super) fn find_author(&mut self) {
        for i in 0..self.sentences.len().min(4) {
            let (s, e) = (self.sentences[i].start, self.sentences[i].end);
            let lower = self.text.get(s..e).unwrap_or("").to_ascii_lowercase();
            // ("Statement by", "Statement of condemnation by": the issuer
            // comes soon after the word; "a statement in regard to the
            // report issued by Microsoft" names the report's author, not
            // the statement's.)
            let from = if let Some(p) = lower.find("statement") {
                lower
                    .get(p..)
                    .and_then(|r| {
                        r.find(" by ").or_else(|| r.find(" from ")).filter(|&q| {
                            r.get(..q).is_some_and(|gap| {
                                gap.len() <= 40
                                    && ![" report", " regard", " on the ", " about "]
                                        .iter()
                                        .any(|w| gap.contains(w))
                            })
                        })
                    })
                    .map(|q| s + p + q + 1)
            } else {
                lower.starts_with("source:").then_some(s + 7)
            };
            // "A spokesperson for the Foreign Ministry of the DPRK gave the
            // following answer to a question ...:": what follows is that
            // party's own voice.
            if from.is_none() {
                let following = [
                    " gave the following ",
                    " issued the following ",
                    " made the following ",
                    " released the following ",
                    " published the following ",
                ]
                .iter()
                .find_map(|v| lower.find(v))
                .map(|p| s + p);
                if let Some(v) = following {
                    let cs = clause_start(self.text, s, v);
                    if let Some(sp) = self
                        .parse_np(cs, v, i)
                        .filter(|sp| sp.official && sp.country.is_some())
                    {
                        // A named spokesperson keeps their name: the words are theirs.
                        self.author = Some(sp);
                        self.author_voice_from = Some(i);
                        return;
                    }
                }
            }
            let Some(from) = from else { continue };
            let parties = self.hits_of(from, e, |p| {
                matches!(p, Pat::Body(_) | Pat::Bloc(_) | Pat::State(_))
            });
            let Some(h) = parties.first().copied() else {
                continue;
            };
            // "by the Foreign Ministers of A, B and C", "by the governments
            // of A and B": the parties' offices before their list.
            let lead = lower
                .get(from - s..h.start - s)
                .unwrap_or("")
                .trim_end()
                .trim_end_matches(" the");
            let offices = lead.ends_with(" of")
                && ["minister", "government", "leader", "head"]
                    .iter()
                    .any(|w| lead.contains(w));
            if h.start - from > 12 && !offices {
                continue;
            }
            if offices {
                // Each party of the list, as the list runs on.
                let mut sps = Vec::new();
                let mut end = h.start;
                for p in parties.iter() {
                    let gap = self.text.get(end..p.start).unwrap_or("");
                    let g = gap.trim().trim_start_matches(',').trim();
                    if end != h.start && !matches!(g, "" | "and" | "and the" | "the") {
                        break;
                    }
                    if let Some(sp) = self.parse_np(p.start, p.end, i).filter(|sp| sp.official) {
                        if !sps.contains(&sp) {
                            sps.push(sp);
                        }
                    }
                    end = p.end;
                }
                if !sps.is_empty() {
                    self.author = Some(sps.remove(0));
                    self.co_authors = sps;
                    self.author_voice_from = self.heading_line(i).then_some(i);
                    return;
                }
                continue;
            }
            if let Some(sp) = self.parse_np(from, h.end, i).filter(|sp| sp.official) {
                self.author = Some(sp);
                self.author_voice_from = self.heading_line(i).then_some(i);
                return;
            }
        }
        // A vendor's report: "Recorded Future's Insikt Group has identified
        // a campaign ... We attribute this activity to ...": the company
        // that opens one of the first sentences as its subject is the "we"
        // of the sentences that begin so (no voice beyond them).
        for i in 0..self.sentences.len().min(4) {
            let (s, e) = (self.sentences[i].start, self.sentences[i].end);
            let first = self
                .hits_of(s, (s + 40).min(e), |p| matches!(p, Pat::Body(_)))
                .first()
                .copied()
                .filter(|h| {
                    self.text
                        .get(s..h.start)
                        .is_some_and(|g| matches!(g.trim(), "" | "The" | "At"))
                });
            let Some(h) = first else { continue };
            let Pat::Body(b) = h.pat else { continue };
            if BODIES.get(b).is_some_and(|d| d.kind == BodyKind::Company) {
                if let Some(sp) = self.parse_np(h.start, h.end, i) {
                    self.author = Some(sp);
                    return;
                }
            }
        }
    }

    /// The company named nearest before `s`, else the first after `e`.
    fn company_near(&self, s: usize, e: usize) -> Option<&'static ascribe_kb::BodyDef> {
        let company = |h: &Hit| match h.pat {
            Pat::Body(i) => BODIES.get(i).filter(|b| b.kind == BodyKind::Company),
            _ => None,
        };
        let at = self.hits.partition_point(|h| h.start < s);
        let before = self.hits.get(..at).unwrap_or(&[]);
        let after = self.hits.get(at..).unwrap_or(&[]);
        before
            .iter()
            .rev()
            .find_map(company)
            .or_else(|| after.iter().filter(|h| h.start >= e).find_map(company))
    }

    /// The body last named before `s` that a role noun ("agency",
    /// "ministry") can stand for: its name holds the noun, or the noun names
    /// its kind.
    fn body_named_before(&self, s: usize, noun: &str) -> Option<&'static ascribe_kb::BodyDef> {
        // "According to the indictment, ...": the prosecuting body the
        // document named last speaks through its charging papers.
        if matches!(
            noun,
            "indictment"
                | "complaint"
                | "criminal complaint"
                | "court documents"
                | "charging documents"
        ) {
            let at = self.hits.partition_point(|h| h.start < s);
            return self.hits.get(..at)?.iter().rev().find_map(|h| match h.pat {
                Pat::Body(i) => BODIES
                    .get(i)
                    .filter(|b| b.kind == BodyKind::LawEnforcement || b.name.contains("Justice")),
                _ => None,
            });
        }
        let kinds: &[BodyKind] = match noun {
            "agency" | "service" | "directorate" | "bureau" | "centre" | "center" => &[
                BodyKind::Intelligence,
                BodyKind::Cyber,
                BodyKind::LawEnforcement,
            ],
            "ministry" | "department" => &[BodyKind::Ministry],
            "embassy" | "mission" => &[BodyKind::Embassy],
            _ => return None,
        };
        let at = self.hits.partition_point(|h| h.start < s);
        // (The body's kind first: the clause tests only for a body of it.)
        self.hits.get(..at)?.iter().rev().find_map(|h| match h.pat {
            Pat::Body(i) if !self.object_of_preposition(h.start) => BODIES
                .get(i)
                .filter(|b| kinds.contains(&b.kind) || b.name.to_lowercase().contains(noun))
                .filter(|_| !self.in_time_clause(h.start)),
            _ => None,
        })
    }

    /// Whether the name at `at` follows a preposition ("subordinate to the
    /// FSB's Centre 18", "officers of the GRU"): a body named so is spoken
    /// of, not one that speaks, and no later "the agency" stands for it.
    fn object_of_preposition(&self, at: usize) -> bool {
        let before = self.text.get(at.saturating_sub(16)..at).unwrap_or("");
        let before = before.trim_end();
        let before = before.strip_suffix("the").map_or(before, str::trim_end);
        let last = before.rsplit([' ', '\n']).next().unwrap_or("");
        [
            "of", "to", "by", "for", "with", "from", "against", "within", "under", "on",
        ]
        .iter()
        .any(|p| last.eq_ignore_ascii_case(p))
    }

    /// "The Dutch defence minister, Marieke Janssen," and "Marieke
    /// Janssen, the Dutch defence minister,": one person, named in one part
    /// of a subject split at its commas and given a post in the other.
    /// None unless one part is a bare name (capitalised words the lexicon
    /// does not know) and the other an official post with no name.
    pub(super) fn appositive(
        &mut self,
        a: (usize, usize),
        b: (usize, usize),
        i: usize,
    ) -> Option<Speaker> {
        let bare_name = |(x, y): (usize, usize)| {
            let t = self.text.get(x..y).unwrap_or("").trim();
            let n = t.split_whitespace().count();
            // "On Tuesday, the ministry said": a phrase of time, no name.
            let first = t.split_whitespace().next().unwrap_or("");
            (2..=4).contains(&n)
                && !not_name(first)
                && t.split_whitespace().all(|w| {
                    w.starts_with(char::is_uppercase)
                        && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
                })
                && !self.hits_in(x, y).iter().any(|h| {
                    matches!(
                        h.pat,
                        Pat::State(_) | Pat::Body(_) | Pat::Bloc(_) | Pat::Group(_) | Pat::Title(_)
                    )
                })
        };
        let (name, post) = match (bare_name(a), bare_name(b)) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => return None,
        };
        let sp = self.parse_np(post.0, post.1, i)?;
        if sp.person.is_some()
            || !sp.official
            || sp.media
            || sp.org.is_none() && sp.country.is_none()
        {
            return None;
        }
        let sp = Speaker {
            person: Some(self.text.get(name.0..name.1)?.trim().to_owned()),
            ..sp
        };
        self.remember(&sp, None);
        Some(sp)
    }

    /// "Estonia's foreign ministry summoned the envoy. The ministry said
    /// ...": a role noun stands for the organ of that name a state was
    /// given in the last few sentences, when the knowledge base does not
    /// know it as a body.
    /// Whether the party at `at` is named in a clause of time ("The
    /// ministry issued its statement after the German Interior Ministry
    /// said ..."): the story's background, not the body "the ministry" goes
    /// on speaking for.
    fn in_time_clause(&self, at: usize) -> bool {
        let b = self
            .text
            .get(floor_boundary(self.text, at.saturating_sub(32))..at)
            .unwrap_or("");
        // The party's own capitalised words and its article set aside.
        let mut b = b.trim_end();
        while let Some((head, last)) = b.rsplit_once(' ') {
            if last.starts_with(char::is_uppercase) || last == "the" {
                b = head.trim_end();
            } else {
                break;
            }
        }
        let b = b.to_ascii_lowercase();
        [" after", " before", " when", " since"]
            .iter()
            .any(|w| b.ends_with(w))
    }

    fn organ_named_before(&self, s: usize, sent: usize, noun: &str) -> Option<Speaker> {
        let head = noun.rsplit(' ').next()?;
        if !ORGANS.contains(&head) && head != "government" {
            return None;
        }
        let from = self
            .sentences
            .get(sent.saturating_sub(3))
            .map_or(s, |x| x.start.min(s));
        self.hits_in(from, s).iter().rev().find_map(|h| {
            let Pat::State(k) = h.pat else { return None };
            if self.in_time_clause(h.start) {
                return None;
            }
            let st = STATES.get(k)?;
            let rest = self.text.get(h.end..s)?;
            let rest = after_possessive(rest).unwrap_or(rest);
            let clause = rest
                .find([',', '.', ';', ':', '"', '“', '”', '(', '\n'])
                .map_or(rest, |p| rest.get(..p).unwrap_or(""));
            // The noun within the next four words, ending the phrase.
            let mut end = None;
            let mut at = 0;
            for w in clause.split(' ').take(5) {
                at += w.len() + 1;
                if w.eq_ignore_ascii_case(head) {
                    end = Some(at - 1);
                    break;
                }
            }
            let end = end?;
            let phrase = clause.get(..end)?.trim();
            if !phrase.to_lowercase().ends_with(noun) || phrase.contains(char::is_numeric) {
                return None;
            }
            // "Russian government hackers": the noun qualifies another.
            let next = clause.get(end..)?.split_whitespace().next().unwrap_or("");
            if PERPETRATOR_NOUNS
                .iter()
                .any(|w| next.eq_ignore_ascii_case(w))
            {
                return None;
            }
            Some(Speaker {
                person: None,
                org: Some(format!("{} {phrase}", country_prefix(st.name))),
                country: Some(st.name.to_owned()),
                official: true,
                media: false,
            })
        })
    }

    /// "The NCSC published an advisory on Tuesday. The advisory said ...":
    /// the body (not an outlet) named last in this sentence or the one
    /// before speaks through the document it issued. Further back the
    /// story may have moved on to another party's paper.
    fn publisher_before(
        &self,
        s: usize,
        sent: usize,
        noun: &str,
    ) -> Option<&'static ascribe_kb::BodyDef> {
        const PAPERS: &[&str] = &[
            "advisory",
            "joint advisory",
            "alert",
            "bulletin",
            "statement",
            "report",
            "assessment",
        ];
        if !PAPERS.contains(&noun) {
            return None;
        }
        let from = self
            .sentences
            .get(sent.saturating_sub(1))
            .map_or(s, |x| x.start.min(s));
        self.hits_in(from, s)
            .iter()
            .rev()
            .find_map(|h| match h.pat {
                Pat::Body(i) => BODIES.get(i).filter(|b| b.kind != BodyKind::Media),
                _ => None,
            })
    }

    /// A statement document's own "we" ("We strongly condemn ..."): its author.
    pub(super) fn author_of(&self, i: usize) -> Option<Speaker> {
        let sent = self.sentences.get(i)?;
        if sent.quoted > 0.5 || sent.turn != Turn::Narrative {
            return None;
        }
        if self.author_voice_from.is_some_and(|a| i > a) && !sent.heading && !sent.question {
            return self.author.clone();
        }
        let t = self
            .sent_text(i)
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
        (t.starts_with("We ") || t.starts_with("We,") || t.starts_with("Our "))
            .then(|| self.author.clone())?
    }

    /// Whether sentence `i` is a line of its own that names an author
    /// ("Statement by the governments of Estonia, Latvia and Lithuania"):
    /// a short block with no verb of saying, not a news sentence that
    /// mentions a statement.
    fn heading_line(&self, i: usize) -> bool {
        let Some(sent) = self.sentences.get(i) else {
            return false;
        };
        let alone = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|k| self.sentences.get(k))
            .all(|x| x.block != sent.block);
        alone
            && word_count(self.sent_text(i), 17) <= 16
            && !self
                .hits_in(sent.start, sent.end)
                .iter()
                .any(|h| matches!(h.pat, Pat::Assert | Pat::Accuse | Pat::Attribute))
    }

    pub(super) fn person_speaker(&mut self, name: &str) -> Speaker {
        if let Some(p) = self.find_person(name) {
            return p.speaker.clone();
        }
        if let Some(p) = PEOPLE.iter().find(|p| p.name == name || p.surname == name) {
            return Speaker {
                person: Some(p.name.to_owned()),
                org: Some(p.org.to_owned()),
                country: Some(p.country.to_owned()),
                official: true,
                media: false,
            };
        }
        Speaker {
            person: Some(name.to_owned()),
            ..Speaker::default()
        }
    }

    pub(super) fn find_person(&self, name: &str) -> Option<&Person> {
        let last = name.split_whitespace().last().unwrap_or(name);
        self.people.iter().rev().find(|p| {
            p.name == name || p.name.split_whitespace().last() == Some(last) && last.len() >= 2
        })
    }

    pub(super) fn remember(&mut self, sp: &Speaker, title: Option<usize>) {
        let Some(name) = sp.person.clone() else {
            return;
        };
        if let Some(p) = self.people.iter_mut().find(|p| p.name == name) {
            if p.speaker.org.is_none() {
                p.speaker.org.clone_from(&sp.org);
            }
            if p.speaker.country.is_none() {
                p.speaker.country.clone_from(&sp.country);
            }
            p.speaker.official |= sp.official;
            if title.is_some() {
                p.title = title;
            }
            // Most recent mention last.
            if let Some(pos) = self.people.iter().position(|p| p.name == name) {
                let p = self.people.remove(pos);
                self.people.push(p);
            }
            return;
        }
        self.people.push(Person {
            name,
            title,
            speaker: sp.clone(),
        });
    }

    /// Companies introduced by a noun: "firm", "company" or "vendor"
    /// followed by a capitalised name ("Israeli firm ClearSky Cyber
    /// Security provided ..."), with the state whose adjective comes right
    /// before ("Israeli").
    pub(super) fn find_firms(&mut self) {
        let text = self.text;
        // Only the sentences this reading holds: a huge input is read in
        // windows, each over the whole text.
        let (w0, w1) = self.window_span();
        let mut found = Vec::new();
        for noun in FIRM_NOUNS {
            let noun = format!("{noun} ");
            for (at, _) in text.get(w0..w1).unwrap_or("").match_indices(&noun) {
                let at = w0 + at;
                let from = at + noun.len();
                let rest = text.get(from..).unwrap_or("");
                let rest = rest
                    .strip_prefix("called ")
                    .or_else(|| rest.strip_prefix("named "))
                    .unwrap_or(rest);
                let name: Vec<&str> = rest
                    .split(' ')
                    .take(4)
                    .map_while(|w| {
                        let bare = w.trim_end_matches([',', '.', ';', ':']);
                        // (Running text: whole words of a name only.)
                        let ok = bare.len() >= 2
                            && firm_name_word(bare)
                            && bare.chars().all(|c| c.is_alphanumeric() || c == '-')
                            && !["It", "In", "On"].contains(&bare);
                        // A word with a mark after it ends the name.
                        ok.then_some((bare, bare.len() != w.len()))
                    })
                    .scan(false, |ended, (w, mark)| {
                        (!*ended).then(|| {
                            *ended = mark;
                            w
                        })
                    })
                    .collect();
                if name.is_empty() {
                    continue;
                }
                let adjective = self
                    .hits_of(at.saturating_sub(40), at, |p| matches!(p, Pat::State(_)))
                    .last()
                    .filter(|h| {
                        text.get(h.end..at).is_some_and(|g| {
                            g.split_whitespace().count() <= 2 && !g.contains([',', '.'])
                        })
                    })
                    .and_then(|h| match h.pat {
                        Pat::State(k) => STATES.get(k).map(|d| d.name.to_owned()),
                        _ => None,
                    });
                found.push((at, name.join(" "), adjective));
            }
        }
        found.sort_by_key(|f| f.0);
        self.firms = found;
    }

    /// The text this reading holds: from its first sentence to its last.
    fn window_span(&self) -> (usize, usize) {
        match (self.sentences.first(), self.sentences.last()) {
            (Some(a), Some(b)) => (a.start, b.end),
            _ => (0, 0),
        }
    }

    /// The company introduced before `s` whose name, or first word of it,
    /// is the whole phrase `np` ("ClearSky" after "firm ClearSky Cyber
    /// Security").
    fn firm_named_before(&self, s: usize, np: &str) -> Option<Speaker> {
        let np = np
            .trim()
            .trim_start_matches("The ")
            .trim_end_matches([',', '.']);
        if np.is_empty() || !np.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
        self.firms
            .iter()
            .rev()
            .filter(|f| f.0 < s)
            .find(|f| f.1 == np || f.1.split(' ').next() == Some(np))
            .map(|f| Speaker {
                person: None,
                org: Some(f.1.clone()),
                country: f.2.clone(),
                official: true,
                media: false,
            })
    }

    /// Where the text named, before `s`, the organisation whose initials
    /// are the acronym `acr` ("National Police Agency" for "NPA"): the
    /// name, or the body the knowledge base knows by a longer name around
    /// it ("Japan's National Police Agency"), or the name with a state's
    /// possessive right before it. None when `acr` is no acronym or no such
    /// name comes before. The names are gathered in one pass over the text,
    /// the first time one is asked for.
    fn name_of_acronym_before(&self, s: usize, acr: &str) -> Option<(usize, usize)> {
        if !is_acronym(acr) || acr.len() < 3 {
            return None;
        }
        let (w0, w1) = self.window_span();
        let names = self
            .initials
            .get_or_init(|| initials_of_names(self.text.get(w0..w1).unwrap_or(""), w0));
        let found = names.get(acr)?;
        let (a, b) = *found.get(found.partition_point(|&(_, b)| b <= s).checked_sub(1)?)?;
        if let Some(body) = self
            .hits_of(a.saturating_sub(24), b, |p| matches!(p, Pat::Body(_)))
            .into_iter()
            .find(|h| h.start <= a && h.end >= b)
        {
            return Some((body.start, body.end));
        }
        let a = self
            .hits_of(a.saturating_sub(24), a, |p| matches!(p, Pat::State(_)))
            .last()
            .filter(|h| {
                self.text
                    .get(h.end..a)
                    .is_some_and(|g| matches!(g.trim(), "'s" | "’s" | ""))
            })
            .map_or(a, |h| h.start);
        Some((a, b))
    }

    /// Parses a noun phrase naming a speaker.
    pub(super) fn parse_np(&mut self, s: usize, e: usize, sent: usize) -> Option<Speaker> {
        // "Albania cut its ties with Iran on Wednesday, Prime Minister Edi
        // Rama": a titled name after the last comma is the whole speaker,
        // not the clause before it.
        let mut s = s;
        // (Most phrases hold no comma and end in no bracket: the searches
        // below run only on those that do.)
        let has_comma = self
            .text
            .get(s..e)
            .is_some_and(|t| t.as_bytes().contains(&b','));
        // "The UK and allies have today (December 7th)": a date in brackets
        // at the end is no part of the name (an acronym in brackets is).
        let e = self
            .text
            .get(s..e)
            .map(str::trim_end)
            .filter(|t| t.ends_with(')'))
            .and_then(|t| t.rfind('(').map(|p| (p, t)))
            .filter(|(p, t)| {
                t.get(*p..)
                    .is_some_and(|b| b.chars().any(|c| c.is_ascii_digit()))
            })
            .map_or(e, |(p, _)| s + p);
        // "The US Justice Department, which announced the charges ...,
        // also": a relative clause is no part of the name.
        // (Only where the words before it name a party: "Andrei Kelin, who
        // is Russia's ambassador" keeps the post that names his.)
        let e = self
            .text
            .get(s..e)
            .filter(|_| has_comma)
            .and_then(|t| {
                [", which ", ", who "]
                    .iter()
                    .filter_map(|w| t.find(w))
                    .min()
            })
            .map(|p| s + p)
            .filter(|&cut| {
                !self
                    .hits_of(s, cut, |p| {
                        matches!(p, Pat::Body(_) | Pat::State(_) | Pat::Bloc(_))
                    })
                    .is_empty()
            })
            .unwrap_or(e);
        if let Some(p) = self
            .text
            .get(s..e)
            .filter(|_| has_comma)
            .and_then(|t| t.rfind(", "))
        {
            let tail_at = s + p + 2;
            let titled = self
                .hits_in(tail_at, e)
                .first()
                .is_some_and(|h| matches!(h.pat, Pat::Title(_)) && h.start == tail_at);
            if titled
                && self
                    .text
                    .get(tail_at..e)
                    .and_then(last_capitalized_name)
                    .is_some()
            {
                s = tail_at;
            }
        }
        // "multiple Chinese government agencies are taking the lead in":
        // a progressive verb ends the subject (where a party comes before
        // it and no relative clause does).
        let e = self
            .text
            .get(s..e)
            .and_then(|t| {
                [" are ", " is ", " was ", " were "]
                    .iter()
                    .filter_map(|w| t.find(w).map(|p| (p, p + w.len())))
                    .min()
            })
            .filter(|&(p, after)| {
                let t = self.text.get(s..e).unwrap_or("");
                let next = t
                    .get(after..)
                    .and_then(|r| r.split(' ').next())
                    .unwrap_or("");
                next.len() > 4
                    && next.ends_with("ing")
                    && !t[..p].contains(" who")
                    && !t[..p].contains(" that")
                    && !t[..p].contains(" which")
                    && !self
                        .hits_of(s, s + p, |x| {
                            matches!(x, Pat::Body(_) | Pat::State(_) | Pat::Bloc(_))
                        })
                        .is_empty()
            })
            .map_or(e, |(p, _)| s + p);
        // "The United States and several of its allies": the unnamed allies
        // are no part of the speaker.
        let e = self
            .text
            .get(s..e)
            .and_then(|t| t.rfind(" and ").filter(|&p| is_allies(&t[p + 5..])))
            .map_or(e, |p| s + p);
        // Trailing auxiliaries and adverbs belong to the verb: "agencies have".
        let mut e = e;
        loop {
            let t = self.text.get(s..e)?.trim_end();
            let last = t.rsplit(char::is_whitespace).next().unwrap_or("");
            let mut buf = [0u8; 64];
            let l = lowered(last, &mut buf);
            let when = [
                "yesterday",
                "today",
                "tonight",
                "earlier",
                "later",
                "week",
                "month",
                "year",
            ];
            let w = l.trim_end_matches(',');
            // "the agency on Jan. 8", "officials on 8 January": a date of
            // a day and a month (two words) stands as a weekday does.
            // (Only where the last word is a day's number or a capitalised
            // month: most phrases end otherwise.)
            let date_end = last.starts_with(|c: char| c.is_ascii_digit())
                || last.starts_with(char::is_uppercase) && (3..=10).contains(&last.len());
            if date_end {
                let words: Vec<&str> = t.rsplitn(4, char::is_whitespace).collect();
                let day = |x: &str| {
                    let x = x.trim_end_matches(',');
                    let x = ["st", "nd", "rd", "th"]
                        .iter()
                        .find_map(|s| x.strip_suffix(s))
                        .unwrap_or(x);
                    (1..=2).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit())
                };
                let month = |x: &str| crate::date::month_number(x.trim_end_matches(',')).is_some();
                if let [a, b, rest @ ..] = &words[..] {
                    if (day(a) && month(b) || month(a) && day(b)) && !rest.is_empty() {
                        let cut = a.len() + 1 + b.len();
                        let head = t.get(..t.len() - cut).unwrap_or("").trim_end();
                        let prev = head.rsplit(char::is_whitespace).next().unwrap_or("");
                        e = s + head.len();
                        if prev.eq_ignore_ascii_case("on") && prev.len() < head.len() {
                            e = s + head.len() - prev.len();
                        }
                        continue;
                    }
                }
            }
            let is_time = crate::date::WEEKDAYS.contains(&w) || when.contains(&w);
            if !last.is_empty() && last.len() < t.len() && is_time {
                // "the government on Monday", "officials last week".
                let head = t.get(..t.len() - last.len()).unwrap_or("").trim_end();
                let prev = head
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                e = s + head.len();
                if ["on", "last", "this", "earlier"].contains(&prev.as_str())
                    && prev.len() < head.len()
                {
                    e = s + head.len() - prev.len();
                }
                continue;
            }
            if !last.is_empty()
                && last.len() < t.len()
                && ([
                    "have",
                    "has",
                    "had",
                    "is",
                    "are",
                    "was",
                    "were",
                    "also",
                    "now",
                    "again",
                    "will",
                    "would",
                    "had",
                    "then",
                    "did",
                    "does",
                    "do",
                    "publicly",
                    "officially",
                    "not",
                    "never",
                    "since",
                    "already",
                    "still",
                    "even",
                    "first",
                ]
                .contains(&&*l)
                    || l.ends_with("ly") && l.len() > 4)
            {
                e = s + t.len() - last.len();
                continue;
            }
            // "The UK decided to name ...", "The US and UK governments have
            // joined forces to identify ...": a verb taking "to" (past, at
            // most one word after it) belongs to the verb that follows.
            if l == "to" && last.len() < t.len() {
                let words: Vec<&str> = t.rsplitn(4, char::is_whitespace).collect();
                let past = |w: &str| {
                    let w = w.to_ascii_lowercase();
                    w.len() > 4 && w.ends_with("ed")
                        || ["sought", "chose", "went", "took", "began", "set"].contains(&w.as_str())
                };
                let at = match words.as_slice() {
                    [_, v, _, _] | [_, v, _] if past(v) => Some(2),
                    [_, _, v, _] if past(v) && !words[1].starts_with(char::is_uppercase) => Some(3),
                    _ => None,
                };
                if let Some(n) = at {
                    let cut: usize = words.iter().take(n).map(|w| w.len() + 1).sum();
                    if cut < t.len() {
                        e = s + t.len() - cut;
                        continue;
                    }
                }
            }
            // "The government declined to comment and has denied ...": the
            // subject of two verbs ends before the first ("Raab and the
            // NCSC" is two subjects, with no verb between).
            if matches!(&*l, "and" | "but") && last.len() < t.len() {
                let first_verb = t
                    .split(' ')
                    .scan(0, |at, w| {
                        let here = *at;
                        *at += w.len() + 1;
                        Some((here, w))
                    })
                    .skip(1)
                    .find(|(_, w)| {
                        matches!(
                            *w,
                            "has"
                                | "have"
                                | "had"
                                | "is"
                                | "are"
                                | "was"
                                | "were"
                                | "did"
                                | "does"
                                | "declined"
                                | "refused"
                                | "would"
                                | "will"
                        )
                    })
                    .map(|(at, _)| at);
                e = s + first_verb.unwrap_or(t.len() - last.len());
                continue;
            }
            break;
        }
        let np = self.text.get(s..e)?.trim();
        if np.is_empty() || word_count(np, 17) > 16 {
            return None;
        }
        let hits = self.hits_of(s, e, |_| true);
        let mut sp = Speaker::default();
        let mut title: Option<usize> = None;
        let mut body: Option<usize> = None;
        let mut body_hit: Option<Hit> = None;
        let mut state: Option<usize> = None;
        let mut state_hit: Option<Hit> = None;
        let mut known: Option<usize> = None;
        let mut pron: Option<u8> = None;
        let mut official = false;
        let mut unofficial = false;
        let mut media: Option<Hit> = None;
        let mut exec_possessor = false;
        let mut bloc: Option<usize> = None;
        for h in &hits {
            match h.pat {
                Pat::Person(i) => {
                    // A surname alone must not sit inside another name
                    // ("Hua Ying" is not Hua Chunying).
                    let p = PEOPLE.get(i);
                    let found = self.text.get(h.start..h.end).unwrap_or("");
                    let other_name = p.is_some_and(|p| found != p.name) && {
                        let after = self.text.get(h.end..).unwrap_or("");
                        let before = self.text.get(..h.start).unwrap_or("").trim_end_matches(' ');
                        let next_word = after
                            .strip_prefix(' ')
                            .unwrap_or("")
                            .split(' ')
                            .next()
                            .unwrap_or("");
                        let cap_after = next_word.chars().next().is_some_and(char::is_uppercase)
                            && next_word.chars().skip(1).all(char::is_lowercase)
                            && !not_name(next_word);
                        let prev_word = before.rsplit(' ').next().unwrap_or("");
                        let cap_before = prev_word.chars().next().is_some_and(char::is_uppercase)
                            && prev_word.chars().skip(1).all(char::is_lowercase)
                            && !not_name(prev_word)
                            && p.is_some_and(|p| !p.name.contains(prev_word));
                        cap_after || cap_before
                    };
                    if !other_name {
                        known = Some(i);
                    }
                }
                Pat::Title(i) => {
                    if let Some(t) = TITLES.get(i) {
                        if t.org == TitleOrg::Executive
                            && title.is_some_and(|x| {
                                TITLES.get(x).is_some_and(|t| t.org == TitleOrg::Executive)
                            })
                        {
                            exec_possessor = true;
                        }
                        if title.is_some_and(|x| {
                            TITLES.get(x).is_some_and(|t| t.org == TitleOrg::Executive)
                        }) && t.org == TitleOrg::Own
                        {
                            exec_possessor = true;
                        }
                    }
                    title = Some(i);
                }
                // "Iran's mission to the United Nations": the body after
                // "to"/"in" is the host, not the speaker.
                Pat::Body(_)
                    if (state.is_some() || body.is_some())
                        && [" in", " in the", " to", " to the", " at"].iter().any(|p| {
                            self.text
                                .get(s..h.start)
                                .unwrap_or("")
                                .trim_end()
                                .to_lowercase()
                                .ends_with(p)
                        }) => {}
                // "Russia's UN mission", "the Iranian UN envoy": the body
                // before the post is its host.
                Pat::Body(_)
                    if state.is_some()
                        && self.text.get(h.end..e).is_some_and(|r| {
                            let r = r.trim_start().to_ascii_lowercase();
                            [
                                "mission",
                                "delegation",
                                "envoy",
                                "ambassador",
                                "representative",
                            ]
                            .iter()
                            .any(|w| r.starts_with(w))
                        }) => {}
                Pat::Body(i) => {
                    body = Some(i);
                    body_hit = Some(*h);
                }
                // "The EU said", "the European Union and the UK accused":
                // a union that speaks as one party (not a host: "Russia's
                // ambassador to the EU").
                Pat::Bloc(i)
                    if !(state.is_some() || body.is_some())
                        || ![" in", " in the", " to", " to the", " at"].iter().any(|p| {
                            self.text
                                .get(s..h.start)
                                .unwrap_or("")
                                .trim_end()
                                .to_lowercase()
                                .ends_with(p)
                        }) =>
                {
                    bloc = Some(i);
                }
                Pat::State(i) => {
                    // "the Chinese Embassy in the Netherlands", "Russia's
                    // ambassador to the UK": the later state is the host.
                    let before = self
                        .text
                        .get(s..h.start)
                        .unwrap_or("")
                        .trim_end()
                        .to_lowercase();
                    let host = (state.is_some() || body.is_some())
                        && [" in", " in the", " to", " to the", " at"]
                            .iter()
                            .any(|p| before.ends_with(p));
                    if !host {
                        state = Some(i);
                        state_hit = Some(*h);
                    }
                }
                Pat::Pron(p)
                    if h.start
                        == s + (self.text.get(s..e)?.len()
                            - self.text.get(s..e)?.trim_start().len()) =>
                {
                    pron = Some(p)
                }
                Pat::Official => official = true,
                Pat::Unofficial => unofficial = true,
                Pat::Media => media = Some(*h),
                _ => {}
            }
        }
        // Lowercased once for the tests below.
        let mut np_buf = [0u8; 64];
        let np_lower = lowered(np, &mut np_buf);
        if np_lower.contains("presidential") {
            exec_possessor = true;
        }
        // A company introduced before by a noun: "ClearSky also linked".
        if known.is_none() && title.is_none() && body.is_none() && state.is_none() {
            if let Some(sp) = self.firm_named_before(s, np) {
                return Some(sp);
            }
            // "The National Police Agency said ... the NPA has determined":
            // an acronym of a name met before is that name.
            let acr = np
                .trim()
                .trim_start_matches("the ")
                .trim_start_matches("The ");
            if let Some((a, b)) = self.name_of_acronym_before(s, acr) {
                if let Some(mut sp) = self.parse_np(a, b, sent) {
                    if let Some(org) = sp.org.as_mut().filter(|o| !o.contains(acr)) {
                        // The acronym the text uses, in place of the
                        // longer name it gave before.
                        let name = org.split(" (").next().unwrap_or(org);
                        *org = format!("{name} ({acr})");
                    }
                    return Some(sp);
                }
            }
        }
        // "The China Cybersecurity Industry Alliance said", "the National
        // Computer Virus Emergency Response Center of China said": a body
        // the knowledge base does not know, named in full, is that body
        // (of the state its name holds), not the state's government.
        if known.is_none() && title.is_none() && body.is_none() {
            if let Some((name, tail)) = named_organisation(np) {
                return Some(Speaker {
                    person: None,
                    org: Some(name.to_owned()),
                    country: state.and_then(|k| STATES.get(k)).map(|d| d.name.to_owned()),
                    // Think tanks and universities comment; the rest speak
                    // as institutions.
                    official: ![
                        "Institute",
                        "Foundation",
                        "Academy",
                        "University",
                        "Society",
                    ]
                    .contains(&tail),
                    media: false,
                });
            }
        }
        // One word naming a person met before: "Peskov said", "Mao said"
        // (the surname comes first in Chinese, Korean and Vietnamese names).
        if known.is_none() && title.is_none() && body.is_none() && state.is_none() {
            let w = np.trim();
            // Two letters are enough for a name met before ("Li said").
            if !w.contains(' ')
                && w.len() >= 2
                && w.starts_with(char::is_uppercase)
                && w.chars().skip(1).all(char::is_lowercase)
                && !not_name(w)
            {
                let met = self.people.iter().rev().find(|p| {
                    let mut t = p.name.split_whitespace();
                    let first = t.next();
                    let last = t.last();
                    last.is_some() && (first == Some(w) || last == Some(w))
                });
                if let Some(p) = met {
                    return Some(p.speaker.clone());
                }
            }
        }
        // A named person: the last capitalised name in the phrase.
        let name = last_capitalized_name_outside(self.text, s, e, &hits);
        if let Some(i) = known {
            if let Some(p) = PEOPLE.get(i) {
                let base = self.find_person(p.name).map(|x| x.speaker.clone());
                sp = base.unwrap_or(Speaker {
                    person: Some(p.name.to_owned()),
                    org: Some(p.org.to_owned()),
                    country: Some(p.country.to_owned()),
                    official: true,
                    media: false,
                });
                // A possessive ("Putin's spokesman Dmitry Peskov") is not the speaker.
                // Whether the phrase holds the person's possessive
                // ("Putin's ..."), read once for both uses below.
                let np_text = self.text.get(s..e).unwrap_or("");
                let possessed = np_text.match_indices(p.surname).any(|(k, m)| {
                    np_text
                        .get(k + m.len()..)
                        .and_then(after_possessive)
                        .is_some()
                });
                let own_post = title.is_some()
                    && name
                        .as_deref()
                        .is_none_or(|n| p.name.ends_with(n) || n.ends_with(p.surname))
                    && possessed;
                if own_post {
                    // "Putin's spokesman said": the holder of the post, unnamed.
                    sp = Speaker {
                        person: None,
                        org: Some(executive_of(p.country)),
                        country: Some(p.country.to_owned()),
                        official: true,
                        media: false,
                    };
                } else if let Some(n) = &name {
                    if possessed
                        && n != p.name
                        && !p.name.ends_with(n.as_str())
                        && !n.ends_with(p.surname)
                    {
                        sp = Speaker {
                            person: Some(n.clone()),
                            org: None,
                            country: Some(p.country.to_owned()),
                            official: true,
                            media: false,
                        };
                        if exec_possessor || title.is_some() {
                            sp.org = Some(executive_of(p.country));
                        }
                    }
                }
            }
        } else if let Some(n) = &name {
            if let Some(p) = self.find_person(n) {
                sp = p.speaker.clone();
            } else {
                sp.person = Some(n.clone());
            }
        } else if let Some(p) = pron {
            match p {
                0 => {
                    // he / she: the person last spoken of.
                    if let Some(p) = self.people.last() {
                        sp = p.speaker.clone();
                    }
                }
                1 | 2 if !self.resolving_pronoun => {
                    self.resolving_pronoun = true;
                    let q = self
                        .quote_speaker(sent)
                        .or_else(|| self.turn_speaker(sent))
                        .or_else(|| self.author_of(sent));
                    self.resolving_pronoun = false;
                    if let Some(q) = q {
                        sp = q;
                    }
                }
                1 | 2 => {}
                _ => return None,
            }
            return (!sp.is_empty()).then_some(sp);
        } else if let Some(t) = title {
            // "the spokesman": the person last given that title.
            let tt = TITLES.get(t).map(|x| x.title).unwrap_or("");
            let role = tt.split_whitespace().last().unwrap_or(tt);
            let definite = np_lower.starts_with("the ");
            if definite && body.is_none() && state.is_none() {
                if let Some(p) = self.people.iter().rev().find(|p| {
                    p.title
                        .and_then(|x| TITLES.get(x))
                        .is_some_and(|x| x.title.split_whitespace().last() == Some(role))
                }) {
                    return Some(p.speaker.clone());
                }
            }
            // "A spokesperson said", "the spokesman added", no one given
            // the title before: the official body the document named last.
            let bare_role = ["spokesman", "spokeswoman", "spokesperson"].contains(&tt)
                && name.is_none()
                && body.is_none()
                && state.is_none()
                && word_count(np, 3) <= 2;
            if bare_role {
                let at = self.hits.partition_point(|h| h.start < s);
                let last = self
                    .hits
                    .get(..at)
                    .unwrap_or(&[])
                    .iter()
                    .rev()
                    .find_map(|h| match h.pat {
                        Pat::Body(b) if !self.object_of_preposition(h.start) => {
                            BODIES.get(b).filter(|b| {
                                !matches!(b.kind, BodyKind::Media) && !b.country.is_empty()
                            })
                        }
                        _ => None,
                    });
                if let Some(b) = last {
                    return Some(Speaker {
                        person: None,
                        org: Some(b.name.to_owned()),
                        country: Some(b.country.to_owned()),
                        official: true,
                        media: false,
                    });
                }
            }
        }
        // "a US cybersecurity firm", "the company", "the cybersecurity
        // experts": the company the document names nearest before, else
        // after.
        if body.is_none() && known.is_none() && name.is_none() && title.is_none() {
            let l = np_lower.trim_end_matches([',', '.']);
            let firm = FIRM_NOUNS
                .iter()
                .any(|w| l.strip_suffix(w).is_some_and(|p| p.ends_with(' ')) || l == *w);
            let its_experts = l.starts_with("the ")
                && ["experts", "researchers", "analysts"]
                    .iter()
                    .any(|w| l.strip_suffix(w).is_some_and(|p| p.ends_with("security ")));
            if firm || its_experts {
                if let Some(b) = self.company_near(s, e) {
                    return Some(Speaker {
                        person: None,
                        org: Some(b.name.to_owned()),
                        country: (!b.country.is_empty()).then(|| b.country.to_owned()),
                        official: true,
                        media: false,
                    });
                }
            }
        }
        // "cybersecurity firm Redbay", "security company Redbay Labs": a
        // company the knowledge base does not know, named beside the noun
        // that says what it is. A company making an attribution speaks as
        // an institution (the annotation rules count it as an accuser).
        // Capitalised words right after the noun name the firm, not a person.
        if body.is_none() && known.is_none() && title.is_none() {
            let firm_noun = FIRM_NOUNS.iter().any(|w| np_lower.contains(w));
            if let Some(firm) = firm_noun.then(|| named_firm(np)).flatten() {
                // "a Chinese cybersecurity firm called Pangu Lab": the
                // state's adjective says where the firm is.
                return Some(Speaker {
                    person: None,
                    org: Some(firm),
                    country: state.and_then(|k| STATES.get(k)).map(|d| d.name.to_owned()),
                    official: true,
                    media: false,
                });
            }
        }
        // "An indictment unsealed in federal court on Tuesday alleges ...":
        // charging papers speak for the prosecuting body named before, or
        // for the US Justice Department when a federal court holds them.
        if body.is_none() && known.is_none() && title.is_none() {
            let l = np_lower.trim_start();
            let l = ["the ", "an ", "a "]
                .iter()
                .find_map(|a| l.strip_prefix(a))
                .unwrap_or(l);
            let papers = [
                "indictment",
                "criminal complaint",
                "complaint",
                "court documents",
                // "A grand jury in the Southern District of New York
                // returned an indictment charging ...".
                "federal grand jury",
                "grand jury",
            ]
            .into_iter()
            .find(|p| {
                l.strip_prefix(p)
                    .is_some_and(|r| r.is_empty() || r.starts_with([' ', ',']))
            });
            if let Some(p) = papers {
                let by = self.body_named_before(s, p).map(|b| Speaker {
                    person: None,
                    org: Some(b.name.to_owned()),
                    country: (!b.country.is_empty()).then(|| b.country.to_owned()),
                    official: true,
                    media: false,
                });
                let federal = l.contains("federal")
                    || l.contains("u.s.")
                    || l.contains(" us ")
                    || l.contains("district of")
                    || p.ends_with("grand jury");
                let sp = by.or_else(|| {
                    federal.then(|| Speaker {
                        person: None,
                        org: Some("US Department of Justice".to_owned()),
                        country: Some("United States".to_owned()),
                        official: true,
                        media: false,
                    })
                });
                if sp.is_some() {
                    return sp;
                }
            }
        }
        // "the agency said", "the ministry added": the body of that sort the
        // document named last.
        if body.is_none() && known.is_none() && name.is_none() && title.is_none() && state.is_none()
        {
            let noun = np_lower.trim_end_matches([',', '.']).strip_prefix("the ");
            let found = noun.and_then(|n| {
                self.body_named_before(s, n)
                    .or_else(|| self.publisher_before(s, sent, n))
            });
            if let Some(b) = found {
                return Some(Speaker {
                    person: None,
                    org: Some(b.name.to_owned()),
                    country: (!b.country.is_empty()).then(|| b.country.to_owned()),
                    official: !matches!(b.kind, BodyKind::Media),
                    media: matches!(b.kind, BodyKind::Media),
                });
            }
            if let Some(sp) = noun.and_then(|n| self.organ_named_before(s, sent, n)) {
                return Some(sp);
            }
        }
        // "Iran denied ..., the country's foreign ministry said": the
        // possessive stands for the state the sentence named before it.
        if state.is_none() && body.is_none() && known.is_none() {
            let l = np_lower.trim_start();
            let anaphor = [
                "the country's ",
                "the country’s ",
                "the nation's ",
                "the nation’s ",
            ]
            .iter()
            .any(|a| l.starts_with(a));
            if anaphor {
                let from = self.sentences.get(sent).map_or(s, |x| x.start.min(s));
                state = self
                    .hits_of(from, s, |p| matches!(p, Pat::State(_)))
                    .last()
                    .and_then(|h| match h.pat {
                        Pat::State(i) => Some(i),
                        _ => None,
                    });
            }
        }
        // Country: body, state word, title.
        let after_state = state_hit
            .filter(|h| h.end <= e)
            .and_then(|h| self.text.get(h.end..e));
        let body_def = body.and_then(|b| BODIES.get(b));
        let state_def = state.and_then(|x| STATES.get(x));
        // "China's CVERC had attributed ...": a state's possessive on an
        // acronym the knowledge base does not know names that state's body.
        if body_def.is_none() && known.is_none() && title.is_none() {
            if let (Some(st), Some(after)) = (state_def, after_state) {
                let acronym = after_possessive(after.trim_start())
                    .map(str::trim)
                    .filter(|a| is_acronym(a) && !not_name(a));
                if let Some(a) = acronym {
                    return Some(Speaker {
                        person: None,
                        org: Some(a.to_owned()),
                        country: Some(st.name.to_owned()),
                        official: true,
                        media: false,
                    });
                }
            }
        }
        if let Some(b) = body_def {
            // "Russia's foreign intelligence agency" is not the BND.
            let conflict =
                state_def.is_some_and(|st| !b.country.is_empty() && st.name != b.country);
            if conflict {
                if let Some(st) = state_def {
                    let alias = self.text.get(s..e).unwrap_or("");
                    sp.org.get_or_insert_with(|| {
                        format!(
                            "{} {}",
                            st.adjectives.first().unwrap_or(&st.name),
                            tail_after(alias, after_state)
                        )
                    });
                    sp.country.get_or_insert_with(|| st.name.to_owned());
                }
            } else {
                if sp.org.is_none() || sp.person.is_none() || known.is_none() {
                    sp.org.get_or_insert_with(|| {
                        // An acronym or other name the text used goes in
                        // brackets, as the annotation does: "US Federal
                        // Bureau of Investigation (FBI)"; where the text
                        // spelled the name out, the body's acronym, by
                        // which analysts (and annotators) know it.
                        let seen = body_hit
                            .and_then(|h| self.text.get(h.start..h.end))
                            .unwrap_or("");
                        if seen.is_empty() || b.name.to_lowercase().contains(&seen.to_lowercase()) {
                            // (A company's short names are its teams': "MSTIC".)
                            let public = !matches!(b.kind, BodyKind::Company | BodyKind::Media);
                            match b.aliases.iter().find(|a| public && is_acronym(a)) {
                                Some(a) if !b.name.contains(a) => format!("{} ({a})", b.name),
                                _ => b.name.to_owned(),
                            }
                        } else {
                            format!("{} ({seen})", b.name)
                        }
                    });
                }
                if !b.country.is_empty() {
                    sp.country.get_or_insert_with(|| b.country.to_owned());
                }
            }
            sp.official |= !matches!(b.kind, BodyKind::Media);
            sp.media |= matches!(b.kind, BodyKind::Media);
        }
        if let Some(st) = state_def {
            sp.country.get_or_insert_with(|| st.name.to_owned());
        }
        // "Albania cut its ties with Iran, Prime Minister Edi Rama said": a
        // title with no state of its own holds office in the state the
        // sentence opens with, its subject.
        if sp.country.is_none() && sp.person.is_some() && title.is_some() && body_def.is_none() {
            let st = self.sentences.get(sent).map(|x| x.start);
            let opening = st.and_then(|a| {
                self.hits_of(a, (a + 40).min(s), |p| matches!(p, Pat::State(_)))
                    .first()
                    .filter(|h| {
                        self.text
                            .get(a..h.start)
                            .is_some_and(|g| matches!(g.trim(), "" | "The" | "the"))
                    })
                    .and_then(|h| match h.pat {
                        Pat::State(k) => STATES.get(k),
                        _ => None,
                    })
            });
            if let Some(d) = opening {
                sp.country = Some(d.name.to_owned());
            }
        }
        if let Some(t) = title.and_then(|t| TITLES.get(t)) {
            if let Some(c) = t.implies_country {
                sp.country.get_or_insert_with(|| c.to_owned());
            }
            sp.official |= t.official;
            if sp.org.is_none() {
                match t.org {
                    TitleOrg::Executive => {
                        if let Some(c) = &sp.country {
                            sp.org = Some(executive_of(c));
                        }
                    }
                    TitleOrg::Named(o) => {
                        sp.org = Some(match &sp.country {
                            Some(c) => format!("{} {o}", country_prefix(c)),
                            None => o.to_owned(),
                        });
                    }
                    TitleOrg::Own | TitleOrg::None => {
                        if exec_possessor {
                            if let Some(c) = &sp.country {
                                sp.org = Some(executive_of(c));
                            }
                        }
                    }
                }
            }
        }
        if let Some(m) = media {
            if sp.org.is_none() && sp.person.is_none() {
                let t = self.text.get(m.start..m.end).unwrap_or("");
                // "US media", "Russian state media": the press of a state,
                // not its government.
                let of_state = state_def.is_some()
                    && matches!(
                        t,
                        "media" | "state media" | "media outlets" | "news outlets" | "newspapers"
                    )
                    && self
                        .text
                        .get(m.end..e)
                        .is_some_and(|r| r.trim().trim_end_matches(',').is_empty());
                sp.org = Some(if of_state {
                    strip_np(np)
                } else {
                    t.trim_start_matches("the ")
                        .trim_start_matches("The ")
                        .to_owned()
                });
                sp.media = true;
                if of_state {
                    sp.official = false;
                }
            }
        }
        // "Iran's mission to the United Nations": a state's own office.
        if sp.org.is_none() && sp.person.is_none() && body_def.is_none() {
            if let Some(st) = state_def {
                let tail = tail_after(np, after_state);
                // "According to the Czech ministry" after "The Czech
                // Foreign Ministry said": the organ named before, in full.
                let named = (ORGANS.contains(&tail.as_str()))
                    .then(|| self.organ_named_before(s, sent, &tail))
                    .flatten()
                    .filter(|x| x.country.as_deref() == Some(st.name));
                if let Some(x) = named {
                    sp.org = x.org;
                    sp.official = true;
                } else if tail != "government" {
                    sp.org = Some(format!("{} {tail}", country_prefix(st.name)));
                    sp.official = true;
                }
            }
        }
        if sp.org.is_none() && sp.person.is_none() {
            if official || unofficial {
                // "US intelligence chiefs", "Western intelligence agencies".
                let cleaned = strip_np(np);
                // "The British government" is the UK government, named as
                // "Britain" makes it (one name per speaker, so that its
                // claims in two sentences merge).
                let state_government = state_def.filter(|_| {
                    cleaned.split_whitespace().count() == 2 && cleaned.ends_with(" government")
                });
                if let Some(st) = state_government {
                    sp.org = Some(format!("{} government", country_prefix(st.name)));
                } else if !cleaned.is_empty() {
                    sp.org = Some(cleaned);
                }
                sp.official = official && !unofficial;
            } else if let Some(st) = state_def {
                // A state speaking: its government, or the seat that stands for it.
                let word = self
                    .text
                    .get(state_hit.map_or(s, |h| h.start)..state_hit.map_or(e, |h| h.end))
                    .unwrap_or("");
                let whole = strip_np(np);
                let seat = word.to_lowercase().contains("kremlin")
                    || word.contains("White House")
                    || word.contains("Downing");
                // "The US White House": the seat after its state's name.
                let seat_of_state = seat
                    && whole
                        .strip_suffix(word)
                        .is_some_and(|pre| word_count(pre, 2) <= 1);
                let only_state = word_count(&whole, 3) <= 2 || seat_of_state;
                if only_state {
                    sp.org = Some(if seat {
                        executive_of(st.name)
                    } else {
                        format!("{} government", country_prefix(st.name))
                    });
                    sp.official = true;
                } else if np.contains(" government")
                    || (media.is_none()
                        && title.is_none()
                        && name.is_none()
                        && word_count(&whole, 7) <= 6)
                {
                    // "the government of Japan", "the UK and its allies".
                    sp.org = Some(format!("{} government", country_prefix(st.name)));
                    sp.official = true;
                }
            }
        }
        if sp.org.is_none() && sp.person.is_none() && body.is_none() && state.is_none() {
            if let Some((name, _)) = bloc.and_then(|b| BLOCS.get(b)) {
                sp.org = Some((*name).to_owned());
                sp.country = Some((*name).to_owned());
                sp.official = true;
            }
        }
        // "federal prosecutors", "US prosecutors": the US Justice
        // Department's prosecutors (its name in the seed rules).
        // ("prosecutor" is an official word of the lexicon: the scan only
        // runs where one was met.)
        if official
            && body.is_none()
            && sp.person.is_none()
            && np_lower.contains("prosecutor")
            && (np_lower.contains("federal") || sp.country.as_deref() == Some("United States"))
        {
            sp.org = Some("US Department of Justice (prosecutors)".to_owned());
            sp.country = Some("United States".to_owned());
            sp.official = true;
        } else if official
            && body.is_none()
            && sp.person.is_none()
            && sp.country.is_none()
            && np_lower.contains("prosecutor")
        {
            // "..., which prosecutors said was operated by the MSS" in a
            // story of the Justice Department's charges: its prosecutors.
            if let Some(b) = self
                .body_named_before(s, "indictment")
                .filter(|b| !b.country.is_empty())
            {
                sp.org = Some(if b.name.contains("Justice") {
                    format!("{} (prosecutors)", b.name)
                } else {
                    format!("{} prosecutors", country_prefix(b.country))
                });
                sp.country = Some(b.country.to_owned());
            }
        }
        // "a senior administration official": in English news the
        // administration is the US executive.
        if state.is_none()
            && body.is_none()
            && sp.person.is_none()
            && sp.country.is_none()
            && np_lower.contains("administration official")
        {
            sp.org = Some("US government (administration officials)".to_owned());
            sp.country = Some("United States".to_owned());
            sp.official = true;
        }
        // "the Administration", "the Obama administration": in English news
        // the word alone names the US executive branch.
        if state.is_none() && body.is_none() && (sp.org.is_none() || sp.person.is_some()) {
            let l = np_lower.trim_end_matches([',', '.']).trim();
            let head = l.strip_suffix("administration").map(str::trim_end);
            let one_word = head.is_some_and(|h| {
                let h = h.strip_prefix("the").map_or(h, str::trim_start);
                h.is_empty() || !h.contains(' ') && np.contains(" administration")
            });
            if one_word {
                sp.org = Some("US government (the Administration)".to_owned());
                sp.country = Some("United States".to_owned());
                sp.official = true;
                sp.person = None;
            }
        }
        if unofficial && !official && body.is_none() && known.is_none() {
            sp.official = false;
        }
        if sp.person.is_some() && (title.is_some() || known.is_some()) {
            sp.official |= title.and_then(|t| TITLES.get(t)).is_none_or(|t| t.official);
        }
        // "Iran's top nuclear negotiator Saeed Jalili": a post the state's
        // possessive gives a named person is an office of that state.
        if sp.person.is_some() && !sp.official && !unofficial && sp.country.is_some() {
            if let Some(h) = state_hit {
                let post = self.text.get(h.end..e).and_then(after_possessive);
                if let Some(post) = post {
                    let words = post
                        .split_whitespace()
                        .take_while(|w| w.starts_with(char::is_lowercase))
                        .count();
                    if (1..=4).contains(&words) {
                        sp.official = true;
                    }
                }
            }
        }
        // "a former NSA analyst", "the ex-ambassador": someone who no
        // longer holds the post speaks for no institution (a commentator,
        // in the annotation rules).
        if ["former ", "ex-", "retired "]
            .iter()
            .any(|w| np_lower.contains(w))
        {
            sp.official = false;
        }
        if sp.is_empty() {
            return None;
        }
        if let Some(t) = title {
            let role = |t: usize| {
                TITLES
                    .get(t)
                    .and_then(|x| x.title.split_whitespace().last())
            };
            if sp.person.is_none() && sp.official && (sp.org.is_some() || sp.country.is_some()) {
                self.posts.push((t, sp.clone()));
            } else if sp.org.is_none()
                && sp.country.is_none()
                && sp
                    .person
                    .as_deref()
                    .is_some_and(|name| self.find_person(name).is_none())
            {
                // "A Chinese foreign ministry spokesperson said ...
                // Spokesperson Mao Ning made the remarks".
                if let Some((_, post)) =
                    self.posts.iter().rev().find(|(pt, _)| role(*pt) == role(t))
                {
                    sp.org.clone_from(&post.org);
                    sp.country.clone_from(&post.country);
                    sp.official = true;
                }
            }
        }
        self.remember(&sp, title);
        Some(sp)
    }

    pub(super) fn quote_speaker(&mut self, sent: usize) -> Option<Speaker> {
        let Some(g) = self.sentences.get(sent)?.group else {
            return self.continued_quote(sent, sent);
        };
        // A quotation's sentences are contiguous.
        let mut first = sent;
        while first > 0
            && self
                .sentences
                .get(first - 1)
                .is_some_and(|x| x.group == Some(g))
        {
            first -= 1;
        }
        let mut last = sent;
        while self
            .sentences
            .get(last + 1)
            .is_some_and(|x| x.group == Some(g))
        {
            last += 1;
        }
        let members: Vec<usize> = (first..=last).collect();
        for &i in members.iter().rev() {
            if let Some((sp, _, _)) = self.attribution_outside_quotes(i) {
                return Some(sp);
            }
        }
        self.continued_quote(first, sent)
    }

    /// `"...," Li said. "In fact, ..."`: a quotation with no attribution
    /// of its own (`sent`, whose quotation starts at `first`), right after
    /// an attributed one, goes on in the same voice.
    fn continued_quote(&mut self, first: usize, sent: usize) -> Option<Speaker> {
        if self.attribution_outside_quotes(sent).is_some() {
            return None;
        }
        let prev = first.checked_sub(1)?;
        let p = self.sentences.get(prev)?;
        let s0 = self.sentences.get(first)?;
        if p.quoted > 0.3 && s0.quoted > 0.9 && s0.block <= p.block + 1 {
            return self.attribution_outside_quotes(prev).map(|(sp, _, _)| sp);
        }
        None
    }

    /// The speaker named outside the quotation marks of a sentence
    /// (`..., the spokesman said`, `Peskov told RIA Novosti`), and a reporter.
    pub(super) fn attribution_outside_quotes(
        &mut self,
        i: usize,
    ) -> Option<(Speaker, Option<String>, usize)> {
        let s = self.sentences.get(i)?.clone();
        let t = self.text.get(s.start..s.end)?;
        // The text after the last closing quote, or before the first opening one.
        let close = t.rfind(['”', '"', '»']);
        let open = t.find(['“', '"', '«']);
        let mut regions = Vec::new();
        if let Some(c) = close {
            let after = s.start + c + t.get(c..)?.chars().next()?.len_utf8();
            regions.push((after, s.end));
        }
        if let Some(o) = open {
            regions.push((s.start, s.start + o));
        }
        for (a, b) in regions {
            let verbs = self.hits_of(a, b, |p| matches!(p, Pat::Assert | Pat::Cognition));
            for v in verbs {
                // "..., the spokesman said" or "said the spokesman".
                let before = clause_start(self.text, a, v.start);
                if let Some(sp) = self.parse_np(before, v.start, i) {
                    let rep = self.reporter_after(v.end, b);
                    return Some((sp, rep, v.start));
                }
                let after_end = np_end(self.text, v.end, b);
                if let Some(sp) = self.parse_np(v.end, after_end, i) {
                    return Some((sp, None, v.start));
                }
            }
        }
        None
    }

    pub(super) fn reporter_after(&self, s: usize, e: usize) -> Option<String> {
        // "told RIA Novosti": the object of "told".
        self.text.get(s..e)?;
        self.hits_of(s, e.min(s + 60), |p| matches!(p, Pat::Body(_)))
            .iter()
            .find_map(|h| {
                BODIES.get(match h.pat {
                    Pat::Body(i) => i,
                    _ => usize::MAX,
                })
            })
            .filter(|b| b.kind == BodyKind::Media)
            .map(|b| b.name.to_owned())
    }

    /// Learns named people with their titles from any sentence
    /// ("announced by Presidential spokesman Dmitry Peskov").
    pub(super) fn learn_people(&mut self, i: usize) {
        let (s, e) = (self.sentences[i].start, self.sentences[i].end);
        let titles = self.hits_of(s, e, |p| matches!(p, Pat::Title(_)));
        for t in titles {
            let after = self.text.get(t.end..e).unwrap_or("");
            let lead = after.len() - after.trim_start().len();
            if let Some(name) = capitalized_name(after.trim_start()) {
                let ne = t.end + lead + name.len();
                // The phrase from the clause start to the end of the name.
                let cs = clause_start(self.text, s, t.start);
                if self.find_person(&name).is_none()
                    || self.people.last().is_none_or(|p| p.name != name)
                {
                    let _ = self.parse_np(cs, ne, i);
                }
            }
        }
        for h in self.hits_of(s, e, |p| matches!(p, Pat::Person(_))) {
            if let Pat::Person(pi) = h.pat {
                if let Some(p) = PEOPLE.get(pi) {
                    if self.find_person(p.name).is_none() {
                        let sp = Speaker {
                            person: Some(p.name.to_owned()),
                            org: Some(p.org.to_owned()),
                            country: Some(p.country.to_owned()),
                            official: true,
                            media: false,
                        };
                        self.remember(&sp, None);
                    }
                }
            }
        }
    }

    /// Where a source's noun phrase ends when no comma closes it:
    /// "According to US intelligence chiefs the Kremlin ran ...".
    pub(super) fn np_end_before_party(&self, s: usize, e: usize) -> usize {
        let t = self.text.get(s..e).unwrap_or("");
        let mut words = 0;
        for (i, _) in t.match_indices(' ') {
            words += 1;
            let rest = t.get(i + 1..).unwrap_or("");
            if words >= 2 && (rest.starts_with("the ") || rest.starts_with("a ")) {
                return s + i;
            }
        }
        e
    }

    /// The subject noun phrase before a verb, skipping participle phrases.
    pub(super) fn subject_np(&self, cs: usize, v: usize) -> Option<(usize, usize)> {
        let t = self.text.get(cs..v)?;
        if t.trim().is_empty() {
            return None;
        }
        let mut buf = [0u8; 64];
        let lower = lowered(t.trim_start(), &mut buf);
        for skip in ["based on", "provided by", "speaking", "citing"] {
            if lower.starts_with(skip) {
                return None;
            }
        }
        // "The breach, which Microsoft said was ...": the party after the
        // relative pronoun says it; "..., who said" has none of its own.
        for rel in ["who ", "which "] {
            if lower.starts_with(rel) {
                let lead = t.len() - t.trim_start().len() + rel.len();
                let rest = t.get(lead..).unwrap_or("").trim();
                if rest.is_empty() || !rest.starts_with(char::is_uppercase) {
                    return None;
                }
                return Some((cs + lead, v));
            }
        }
        Some((cs, v))
    }
}

/// Every run of capitalised words in `text` (with "of", "and", "for",
/// "the" inside) by its initials when they could be an acronym (three to
/// six letters), each with its spans in text order.
fn initials_of_names(
    text: &str,
    offset: usize,
) -> std::collections::HashMap<String, Vec<(usize, usize)>> {
    let mut out: std::collections::HashMap<String, Vec<(usize, usize)>> =
        std::collections::HashMap::new();
    let mut run: Vec<(usize, &str)> = Vec::new();
    let mut close = |run: &mut Vec<(usize, &str)>| {
        while run
            .last()
            .is_some_and(|(_, w)| w.starts_with(char::is_lowercase))
        {
            run.pop();
        }
        if (3..=6).contains(&run.len()) {
            let initials: String = run
                .iter()
                .filter(|(_, w)| w.starts_with(|c: char| c.is_ascii_uppercase()))
                .filter_map(|(_, w)| w.chars().next())
                .collect();
            if let (Some(first), Some(last)) = (run.first(), run.last()) {
                if (3..=6).contains(&initials.len()) {
                    out.entry(initials)
                        .or_default()
                        .push((offset + first.0, offset + last.0 + last.1.len()));
                }
            }
        }
        run.clear();
    };
    let mut at = 0;
    for w in text.split([' ', '\n']) {
        let here = at;
        at += w.len() + 1;
        let bare = w.trim_end_matches([',', '.', ';', ':', ')', '”', '"']);
        let capital = bare.len() > 1
            && bare.starts_with(|c: char| c.is_ascii_uppercase())
            && bare.chars().all(char::is_alphabetic);
        let inner = !run.is_empty() && matches!(bare, "of" | "and" | "for" | "the");
        if !(capital || inner) || run.len() > 8 {
            close(&mut run);
            continue;
        }
        run.push((here, bare));
        if bare.len() != w.len() {
            close(&mut run);
        }
    }
    close(&mut run);
    out
}

/// Nouns that introduce a company by its name ("cybersecurity firm Redbay").
const FIRM_NOUNS: &[&str] = &["firm", "company", "vendor"];

/// Whether a word can belong to the name after such a noun.
fn firm_name_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
        && !not_name(w)
        && !["The", "A", "An"].contains(&w)
}

/// The name in "cybersecurity firm Redbay" or "the security company Redbay
/// Labs": the capitalised words that end the phrase right after the noun
/// "firm"/"company"/"vendor". None without such a noun or such a name.
pub(super) fn named_firm(np: &str) -> Option<String> {
    let np = np.trim().trim_end_matches([',', '.']);
    let is_noun = |w: &str| {
        let w = w.trim_end_matches(',');
        FIRM_NOUNS.iter().any(|n| n.eq_ignore_ascii_case(w))
    };
    let words: Vec<&str> = np.split_whitespace().collect();
    if let Some(k) = words.iter().position(|w| is_noun(w)) {
        // "a Chinese cybersecurity firm called Pangu Lab".
        let k = match words.get(k + 1) {
            Some(&"called" | &"named") => k + 1,
            _ => k,
        };
        let run: Vec<&str> = words
            .iter()
            .skip(k + 1)
            .take_while(|w| firm_name_word(w.trim_end_matches(',')))
            .map(|w| w.trim_end_matches(','))
            .collect();
        // The noun ends the name's description: nothing but the name after.
        if !run.is_empty() && k + 1 + run.len() == words.len() {
            return Some(run.join(" "));
        }
    }
    None
}
