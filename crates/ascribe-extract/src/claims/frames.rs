//! Frames: who speaks over which part of a sentence (saying, believing,
//! sources, accusing, passive attributions with no agent, denials).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrameKind {
    Say,
    Believe(usize, usize),
    Source,
    Accuse(usize),
    Passive(usize),
    Deny,
}

#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub(super) speaker: Option<Speaker>,
    pub(super) content: (usize, usize),
    pub(super) kind: FrameKind,
    pub(super) verb: usize,
    pub(super) reporter: Option<String>,
}

/// "The UK, together with the US and Canada, is exposing ...": where the
/// subject before `verb` ends when only an auxiliary stands between a
/// comma and the verb (the comma's position), else `verb`.
fn aux_after_comma(text: &str, s: usize, verb: usize) -> usize {
    let mut before = text.get(s..verb).unwrap_or("").trim_end();
    // "..., is formally attributing": an adverb sits with the verb.
    if let Some((head, last)) = before.rsplit_once(' ') {
        if last.ends_with("ly") && last.len() > 4 {
            before = head.trim_end();
        }
    }
    for aux in [
        ", is", ", are", ", has", ", have", ", was", ", were", ", had",
    ] {
        if before.len() > aux.len() && before.ends_with(aux) {
            return s + before.len() - aux.len();
        }
    }
    verb
}

/// Whether words after a verb of saying already make a clause of their own
/// ("said the allegations were baseless and that ..."): then a later "that"
/// starts a second statement, not the first.
fn finite_clause(t: &str) -> bool {
    // "said it uncovered a US operation that hit ...": a subject pronoun
    // and its verb open a clause of their own.
    // ("said on Thursday it uncovered ...": after a day, too.)
    let words: Vec<&str> = t.split_whitespace().take(4).collect();
    let pronoun_verb = words
        .iter()
        .take(3)
        .position(|w| matches!(*w, "it" | "they" | "he" | "she" | "we" | "I"))
        .is_some_and(|k| k + 1 < words.len());
    pronoun_verb
        || [
            " was ", " were ", " is ", " are ", " had ", " has ", " have ",
        ]
        .iter()
        .any(|w| t.contains(w))
}

/// Whether the words before an accusing verb withhold it: "stopped short
/// of", "declined to", "has not", "did not", "refused to", "yet to".
fn withheld(before: &str) -> bool {
    // The last three words, compared in any case without a copy (this runs
    // for every accusing verb).
    let mut words = before.trim_end().rsplit(' ');
    let w1 = words.next().unwrap_or("");
    let w2 = words.next().unwrap_or("");
    let is = |w: &str, set: &[&str]| set.iter().any(|x| w.eq_ignore_ascii_case(x));
    is(
        w1,
        &[
            "not", "never", "without", "n't", "didn't", "hasn't", "haven't", "wouldn't",
        ],
    ) || is(w1, &["of"]) && is(w2, &["short"])
        || is(w1, &["to"])
            && is(
                w2,
                &["declined", "refused", "yet", "reluctant", "not", "avoided"],
            )
        || is(w1, &["yet"]) && is(w2, &["not"])
        || is(w2, &["not"])
            && is(
                w1,
                &[
                    "formally",
                    "publicly",
                    "officially",
                    "explicitly",
                    "directly",
                ],
            )
}

/// Whether the clause starting at `cs` follows a relative pronoun ("...,
/// which Czech intelligence linked to ...", "an attack that officials
/// blamed on ...").
fn relative_before(text: &str, s: usize, cs: usize) -> bool {
    let before = text.get(s..cs).unwrap_or("").trim_end();
    before.ends_with(" which") || before.ends_with(" that") || before.ends_with(",which")
}

/// The phrase from `s` to a clause start `cs` when it is one phrase ended
/// by a comma ("Klaus Richter," before "Germany's interior minister,
/// said"), without that comma.
fn lead_phrase(text: &str, s: usize, cs: usize) -> Option<(usize, usize)> {
    let t = text.get(s..cs)?.trim_end();
    let body = t.strip_suffix(',')?;
    if body.trim().is_empty() || body.contains([',', ';', ':', '"', '“', '”', '(', ')']) {
        return None;
    }
    let lead = body.len() - body.trim_start().len();
    Some((s + lead, s + body.len()))
}

/// Whether an accusing verb in "-ing" opens its clause as the subject of
/// "is"/"are"/"was" ("Linking the incident to North Korea is a
/// provocation", "“Blaming China for the hack is absurd,” he said").
fn verb_text_is_gerund_subject(text: &str, s: usize, h: &Hit, e: usize) -> bool {
    let verb = text.get(h.start..h.end).unwrap_or("");
    if !verb.ends_with("ing") || !verb.starts_with(char::is_uppercase) {
        return false;
    }
    let lead = text.get(s..h.start).unwrap_or("");
    if !lead.trim().trim_matches(['"', '“', '‘', '\'']).is_empty() {
        return false;
    }
    let rest = text.get(h.end..e).unwrap_or("");
    [" is ", " are ", " was ", " would be "].iter().any(|w| {
        find_lit(rest, w).is_some_and(|p| {
            // The verb of the gerund's clause, not of a clause inside it.
            !rest.get(..p).is_some_and(|t| t.contains([',', ';']))
        })
    })
}

/// Where a sentence's subject ends: its first lower-case word that is no
/// article or preposition of a name ("expresses" in "The Foreign Ministry
/// of the DPRK expresses ..."); None when that is not before `e`.
fn sentence_subject_end(text: &str, s: usize, e: usize) -> Option<usize> {
    let t = text.get(s..e)?;
    let mut at = 0;
    for (k, w) in t.split(' ').enumerate() {
        let here = at;
        at += w.len() + 1;
        if w.is_empty() || w.starts_with(|c: char| !c.is_lowercase()) {
            continue;
        }
        if k > 0 && !["of", "the", "for", "and", "on", "to", "in"].contains(&w) {
            return Some(s + here);
        }
    }
    None
}

/// Verbs that put out a paper and the papers they put out ("the ministry
/// issued a statement accusing ...", "the FBI and CISA published an
/// advisory saying ..."): its issuers say what it says.
const ISSUING: &[&str] = &[
    "issued",
    "issues",
    "published",
    "publishes",
    "released",
    "releases",
    "unsealed",
    "unseals",
    "filed",
    "files",
    "put out",
    "puts out",
    "sent",
    "sends",
];
const PAPERS: &[&str] = &[
    "statement",
    "report",
    "indictment",
    "advisory",
    "complaint",
    "communique",
    "communiqué",
    "note",
    "letter",
    "notice",
    "declaration",
    "bulletin",
    "alert",
];

/// Where the subject ends in "X issued a statement" / "X unseals an
/// indictment" / "X released a joint advisory" right before `at` (an
/// accusing participle): the start of the issuing verb. None when the words
/// before `at` are not such a phrase.
fn issued_paper(text: &str, s: usize, at: usize) -> Option<usize> {
    let mut head = text.get(s..at)?.trim_end();
    // "released a report on Wednesday alleging": a day after the paper.
    for when in [" today", " yesterday", " this week", " last week"] {
        head = head.strip_suffix(when).unwrap_or(head);
    }
    if let Some((h, day)) = head.rsplit_once(" on ") {
        if !day.contains(' ') && day.starts_with(|c: char| c.is_ascii_uppercase()) {
            head = h;
        }
    }
    let (rest, paper) = head.rsplit_once(' ')?;
    if !PAPERS.contains(&paper) {
        return None;
    }
    // Up to three words between the verb and the paper ("a joint
    // cybersecurity advisory", "its own report").
    let words: Vec<&str> = rest.rsplitn(5, ' ').collect();
    for k in 0..words.len().min(4) {
        let between = &words[..k];
        if !between
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_lowercase() || c == '-'))
        {
            break;
        }
        let verb_end = rest.len() - words[..k].iter().map(|w| w.len() + 1).sum::<usize>();
        let before = rest.get(..verb_end)?;
        if let Some(v) = ISSUING
            .iter()
            .find(|v| before.ends_with(*v) && before[..before.len() - v.len()].ends_with(' '))
        {
            return Some(s + before.len() - v.len() - 1);
        }
    }
    None
}

/// The length of a leading " the findings of " (or "a report by", "the
/// latest assessment from" ...) in `t`: the words before the party whose
/// findings a source gives. 0 when `t` starts otherwise.
fn findings_of(t: &str) -> usize {
    const NOUNS: &[&str] = &[
        "findings",
        "report",
        "assessment",
        "analysis",
        "statement",
        "investigation",
        "research",
        "advisory",
        "data",
        "conclusions",
        "evidence",
    ];
    let lead = t.len() - t.trim_start().len();
    let words: Vec<&str> = t.trim_start().splitn(5, ' ').collect();
    let article = |w: &str| matches!(w, "the" | "a" | "an");
    let (noun_at, n) = match words.as_slice() {
        [a, x, n, ..] if article(a) && matches!(*x, "latest" | "new" | "recent") => (2, n),
        [a, n, ..] if article(a) => (1, n),
        _ => return 0,
    };
    if !NOUNS.contains(n) {
        return 0;
    }
    let head = lead + words[..=noun_at].iter().map(|w| w.len() + 1).sum::<usize>();
    let rest = t.get(head..).unwrap_or("");
    // "a report released Thursday by", "the report published on Monday by".
    let rest_lead = ["released ", "published ", "issued ", "compiled "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .map_or(rest, past_day);
    match ["of ", "by ", "from "]
        .iter()
        .find(|p| rest_lead.starts_with(**p))
    {
        Some(p) => t.len() - rest_lead.len() + p.len(),
        None => 0,
    }
}

/// `t` past a leading day ("Thursday by", "on Monday by", "today by"):
/// the words after it, or `t` when it starts with no day.
fn past_day(t: &str) -> &str {
    let r = t.strip_prefix("on ").unwrap_or(t);
    let day = r.split(' ').next().unwrap_or("");
    let lower = day.to_ascii_lowercase();
    if crate::date::WEEKDAYS.contains(&lower.as_str()) || matches!(day, "today" | "yesterday") {
        r.get(day.len() + 1..).unwrap_or("")
    } else {
        t
    }
}

/// The paper a subject names with the definite article or "this" ("The
/// advisory", "the joint report", "This statement"): its noun, one of
/// [`PAPERS`]. None for anything else.
fn definite_paper(subject: &str) -> Option<&'static str> {
    let t = subject.trim();
    let rest = ["The ", "the ", "This ", "this ", "That ", "that "]
        .iter()
        .find_map(|a| t.strip_prefix(a))?;
    let mut words = rest.split(' ');
    let last = words.next_back()?;
    // At most one word before the noun ("joint", "latest").
    if words.clone().count() > 1
        || words.any(|w| !w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
    {
        return None;
    }
    PAPERS.iter().find(|p| **p == last).copied()
}

/// The first past-tense verb after the first word of `s..e` ("summoned" in
/// "The government summoned the ambassador and"): where a subject ends.
fn first_past_verb(text: &str, s: usize, e: usize) -> Option<usize> {
    let t = text.get(s..e)?;
    let mut at = 0;
    for (k, w) in t.split(' ').enumerate() {
        let here = at;
        at += w.len() + 1;
        if k == 0 || w.is_empty() {
            continue;
        }
        if w.len() > 4 && w.ends_with("ed") && w.chars().all(|c| c.is_ascii_lowercase()) {
            return Some(s + here);
        }
        // Irregular pasts of what states do before accusing ("Albania cut
        // ties with Iran, accusing ...").
        if matches!(
            w,
            "cut" | "broke" | "sent" | "took" | "made" | "shut" | "froze" | "withdrew" | "struck"
        ) {
            return Some(s + here);
        }
    }
    None
}

impl Ctx<'_> {
    /// The frame of a sentence: who speaks and over which part.
    pub(super) fn frames(&mut self, i: usize) -> Vec<Frame> {
        let sent = self.sentences[i].clone();
        let (s, e) = (sent.start, sent.end);
        let mut out = Vec::new();
        let hits = self.hits_of(s, e, |_| true);
        // "ESET Research: Russian APT groups continue their attacks ...",
        // "Microsoft: Russian hackers breached ...": a body's name and a
        // colon open a line as "X says" does.
        if let Some(colon) = self.body_colon(s, e) {
            if let Some(sp) = self
                .parse_np(s, colon, i)
                .filter(|sp| sp.official && sp.org.is_some() && sp.person.is_none())
            {
                out.push(Frame {
                    speaker: Some(sp),
                    content: (colon + 1, e),
                    kind: FrameKind::Say,
                    verb: colon,
                    reporter: None,
                });
            }
        }
        // Sources: "according to X", "as claimed by X".
        for h in hits.iter().filter(|h| h.pat == Pat::Source) {
            // "according to the findings of the ... Agency": the party
            // whose findings they are.
            let np_s = h.end + self.text.get(h.end..e).map_or(0, findings_of);
            let np_e = np_end(self.text, np_s, e);
            let np_e = self.np_end_before_party(np_s, np_e);
            if let Some(sp) = self.parse_np(np_s, np_e, i) {
                let before = self.text.get(s..h.start).unwrap_or("").trim();
                let (cs, ce) = if word_count(before, 4) >= 4 {
                    (s, h.start)
                } else {
                    (np_e, e)
                };
                out.push(Frame {
                    speaker: Some(sp),
                    content: (cs, ce),
                    kind: FrameKind::Source,
                    verb: h.start,
                    reporter: None,
                });
            }
        }
        // "As the FBI made clear, we are confident that ...": the party
        // named before the comma also says what follows.
        let lead = self.text.get(s..e).unwrap_or("");
        if lead.starts_with("As ") {
            let verb = hits
                .iter()
                .find(|h| h.pat == Pat::Assert && h.start <= s + 80 && h.start > s + 3);
            if let Some(v) = verb {
                let rest = self.text.get(v.end..e).unwrap_or("");
                let comma = rest.find([',', '–', '—']).filter(|&p| p <= 16);
                if let Some(p) = comma {
                    if let Some(sp) = self.parse_np(s + 3, v.start, i) {
                        out.push(Frame {
                            speaker: Some(sp),
                            content: (v.end + past_char(rest, p), e),
                            kind: FrameKind::Source,
                            verb: v.start,
                            reporter: None,
                        });
                    }
                }
            }
        }
        // Accusation verbs: "X accused Y of Z".
        for h in hits
            .iter()
            .filter(|h| matches!(h.pat, Pat::Accuse | Pat::Attribute))
        {
            // The frame this verb makes for each speaker found.
            let accuse = |sp: Speaker| Frame {
                speaker: Some(sp),
                content: (h.end, e),
                kind: FrameKind::Accuse(h.end),
                verb: h.start,
                reporter: None,
            };
            // "a threat actor attributed by the US and UK governments as the
            // SVR": a participle with its agent is passive; the agents
            // accuse the phrase before it (see `passive_accusers`), the
            // parties after "by" are accused of nothing.
            if self
                .text
                .get(h.start..h.end)
                .is_some_and(|w| w.ends_with("ed"))
                && self
                    .text
                    .get(h.end..e)
                    .is_some_and(|r| r.starts_with(" by "))
                && !hits
                    .iter()
                    .any(|p| p.pat == Pat::Passive && p.start <= h.start && p.end >= h.end)
            {
                // "was attributed by the NCSC to a group working for ...":
                // the party accused follows "to".
                let to = (h.pat == Pat::Attribute)
                    .then(|| self.text.get(h.end..e).and_then(|r| find_lit(r, " to ")))
                    .flatten()
                    .map(|p| h.end + p + 4);
                let content = match to {
                    Some(t) => (t, e),
                    None => (s, h.start),
                };
                for sp in self.passive_accusers(h.end, e, i, to.is_some()) {
                    out.push(Frame {
                        speaker: Some(sp),
                        content,
                        kind: FrameKind::Accuse(content.0),
                        verb: h.start,
                        reporter: None,
                    });
                }
                continue;
            }
            // "stopped short of blaming Russia", "has not attributed the
            // attack to any state": no accusation is made.
            if withheld(self.text.get(s..h.start).unwrap_or("")) {
                continue;
            }
            // "Linking the recent hacking incident to North Korea is a
            // deliberate provocation": a gerund subject speaks of the
            // accusation, it does not make it.
            if verb_text_is_gerund_subject(self.text, s, h, e) {
                continue;
            }
            // "Seven Iranians ... Charged for Conducting Cyber Attacks": a
            // headline's participle with no auxiliary is passive, its
            // subject the accused, with no accuser named.
            let verb_text = self.text.get(h.start..h.end).unwrap_or("");
            // (The cheap tests first: the case of the whole line last.)
            if verb_text.ends_with("ed")
                && self.text.get(h.end..e).is_some_and(|r| {
                    [" for ", " of ", " with ", " over ", " in "]
                        .iter()
                        .any(|p| r.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p)))
                })
                && (self.sentences[i].heading
                    || crate::clean::title_case(self.text.get(s..e).unwrap_or("")))
            {
                continue;
            }
            // "Russia has been accused by Britain of ...": a passive with
            // its agent after "by"; the subject is the accused, not an
            // accuser (no frame rather than the reverse claim).
            let passive_by = self
                .text
                .get(s..h.start)
                .map(|b| b.trim_end().rsplit(' ').next().unwrap_or(""))
                .is_some_and(|w| {
                    ["been", "was", "were", "is", "are", "be", "being"]
                        .iter()
                        .any(|x| w.eq_ignore_ascii_case(x))
                })
                && self
                    .text
                    .get(h.end..e)
                    .is_some_and(|r| r.starts_with(" by "));
            if passive_by {
                // "The attack was attributed by the NCSC to a group working
                // for ...": the agent between "by" and "to" attributes it.
                if h.pat == Pat::Attribute {
                    if let Some(sp) = self.passive_agent_before_to(h.end, e, i) {
                        out.push(accuse(sp));
                    }
                } else {
                    // "A US agency was accused by China of hacking ...",
                    // "Iran has been accused by Israel and Albania of ...":
                    // each agent accuses the subject (searched from the
                    // sentence's start, where it stands).
                    for sp in self.passive_accusers(h.end, e, i, false) {
                        out.push(Frame {
                            speaker: Some(sp),
                            content: (s, h.start),
                            kind: FrameKind::Accuse(s),
                            verb: h.start,
                            reporter: None,
                        });
                    }
                }
                continue;
            }
            let vt = self.text.get(h.start..h.end).unwrap_or("");
            let vw_is = |x: &str| vt.eq_ignore_ascii_case(x);
            let after = self.text.get(h.end..e.min(h.end + 80)).unwrap_or("");
            // Sanctions accuse only for an operation named after "for" /
            // "over": "sanctioned ... for their role in cyberattacks".
            let sanctions = vw_is("sanctioned")
                || vw_is("sanctioning")
                || vt.to_ascii_lowercase().contains("sanctions")
                || vt.to_ascii_lowercase().contains("restrictive measures");
            // (The reason may follow a long list of the sanctioned: the
            // rest of the sentence is searched.)
            let rest = self.text.get(h.end..e).unwrap_or("");
            // The operation is what the sanctions are for: within the
            // phrase after "for"/"over".
            let reason = [" for ", " over "]
                .iter()
                .filter_map(|w| find_lit(rest, w))
                .min()
                .map(|p| h.end + p);
            // (The phrase ends at the next bracket or comma.)
            let reason_end = reason.map(|r| {
                self.text
                    .get(r + 1..e)
                    .and_then(|t| t.find([')', ',', ';']))
                    .map_or(e, |p| r + 1 + p)
            });
            if sanctions
                && !reason.zip(reason_end).is_some_and(|(r, re)| {
                    hits.iter()
                        .any(|x| x.pat == Pat::Op && x.start >= r && x.start < re)
                })
            {
                continue;
            }
            // "The United States often accuses others of actions it itself
            // has taken": a habit ascribed to the subject, with no party
            // accused.
            if [
                " others",
                " other countries",
                " other nations",
                " everyone",
                " anyone",
            ]
            .iter()
            .any(|o| {
                after.starts_with(o)
                    && after.get(o.len()..).is_some_and(|r| {
                        r.starts_with(' ') || r.starts_with(',') || r.starts_with('.')
                    })
            }) {
                continue;
            }
            // "held talks", "holds a stake": only "holds X responsible /
            // accountable" accuses.
            if (vw_is("holds") || vw_is("held"))
                && !(after.contains(" responsible") || after.contains(" accountable"))
            {
                continue;
            }
            // "a group named Storm-0558": only "named X as responsible /
            // as (being) behind / as the culprit" accuses.
            if (vw_is("identify") || vw_is("identifies") || vw_is("identifying"))
                && !after.contains(" as ")
            {
                continue;
            }
            if (vw_is("named") || vw_is("names") || vw_is("name") || vw_is("naming"))
                && ![
                    " as responsible",
                    " as being responsible",
                    " as behind",
                    " as being behind",
                    " as the culprit",
                    " as the perpetrator",
                    " as the actor",
                    " as the attacker",
                    " as the source of",
                    " as the party responsible",
                ]
                .iter()
                .any(|x| after.contains(x))
            {
                continue;
            }
            // "linked the attack to X": the object, then "to"; "linked to"
            // and "ties with" are link words, not this verb.
            if (vw_is("linked") || vw_is("tied") || vw_is("traced"))
                && (after.starts_with(" to ")
                    || after.starts_with(" with ")
                    || !after.contains(" to ")
                    || self.text.get(s..h.start).is_some_and(|b| {
                        let last = b.trim_end().rsplit(' ').next().unwrap_or("");
                        ["is", "are", "was", "were", "been", "be"]
                            .iter()
                            .any(|x| last.eq_ignore_ascii_case(x))
                    }))
            {
                continue;
            }
            if hits
                .iter()
                .any(|p| p.pat == Pat::Passive && p.start <= h.start && p.end >= h.end)
            {
                continue;
            }
            // "..., which it attributed to APT31", "officers it accused of
            // ...": "it"/"they" in a relative clause is the sentence's
            // subject, the party named at its start.
            if let Some(sp) = self.relative_subject(s, h.start, i) {
                out.push(accuse(sp));
                continue;
            }
            // "WASHINGTON (Reuters) - The United States accused ...": the
            // dateline is no part of the subject.
            let s = s.max(dateline_end(self.text, s, e).min(h.start));
            // "Albania cut ties with Iran, accusing Tehran of ...", "The
            // ministry summoned the envoy, blaming Beijing for ...": a
            // participle after a comma has the main clause's subject.
            // "Australia joins the United States and Canada in condemning
            // ...": the one joining and each joined accuse.
            let joined = self.joined_subjects(s, h, i);
            if !joined.is_empty() {
                for sp in joined {
                    out.push(accuse(sp));
                }
                continue;
            }
            let issuers = self.participle_subjects(s, h, i);
            if !issuers.is_empty() {
                for sp in issuers {
                    out.push(accuse(sp));
                }
                continue;
            }
            let mut vs = aux_after_comma(self.text, s, h.start);
            // "The EU and its member states strongly condemn": the adverb
            // is no part of the subject.
            if let Some((head, last)) = self
                .text
                .get(s..vs)
                .map(str::trim_end)
                .and_then(|t| t.rsplit_once(' '))
            {
                if last.len() > 4
                    && last.ends_with("ly")
                    && last.chars().all(|c| c.is_ascii_lowercase())
                {
                    vs = s + head.len();
                }
            }
            // "Chinese officials denied the allegations and accused the US of
            // ...": a verb coordinated with an earlier one shares its subject.
            if self
                .text
                .get(s..vs)
                .is_some_and(|t| t.trim_end().ends_with(" and"))
            {
                let cs0 = clause_start(self.text, s, vs);
                if let Some(first) = hits.iter().find(|x| {
                    x.start > cs0
                        && x.end < vs
                        && matches!(
                            x.pat,
                            Pat::Assert | Pat::Cognition | Pat::DenyVerb | Pat::Accuse
                        )
                }) {
                    vs = first.start;
                } else if let Some(at) = first_past_verb(self.text, cs0, vs) {
                    // "The government summoned the ambassador and accused ...".
                    vs = at;
                    // "Officials said on Monday that the country was targeted
                    // by a cyberattack and blamed Israel": a passive first
                    // verb has its victim for subject; the accuser is the
                    // one who said so.
                    let passive = self
                        .text
                        .get(cs0..at)
                        .map(str::trim_end)
                        .and_then(|t| t.rsplit(' ').next())
                        .is_some_and(|w| matches!(w, "was" | "were" | "been" | "is" | "are"));
                    if let Some(say) = hits.iter().rfind(|x| {
                        passive && x.start >= s && x.end <= cs0 && matches!(x.pat, Pat::Assert)
                    }) {
                        vs = say.start;
                    }
                }
            }
            let mut cs = self.list_start(s, self.clause_start_whole(s, vs), vs);
            // "The council said the United States strongly condemned ...":
            // the accuser is the subject after the verb of saying.
            if let Some(say) = hits.iter().rfind(|x| {
                x.start >= cs && x.end < vs && matches!(x.pat, Pat::Assert | Pat::Cognition)
            }) {
                let after = self.text.get(say.end..vs).unwrap_or("");
                let lead = after.len() - after.trim_start().len();
                cs = say.end + lead;
                if self
                    .text
                    .get(cs..vs)
                    .is_some_and(|t| t.starts_with("that "))
                {
                    cs += 5;
                }
            }
            let parts = split_subjects(self.text, cs, vs);
            if let [a, b] = parts[..] {
                if let Some(sp) = self.appositive(a, b, i) {
                    out.push(accuse(sp));
                    continue;
                }
            }
            // "Klaus Richter, Germany's interior minister, blamed ...": the
            // name before the clause and the post in it are one person.
            if let (Some(lead), [one]) = (lead_phrase(self.text, s, cs), &parts[..]) {
                if let Some(sp) = self.appositive(lead, *one, i) {
                    out.push(accuse(sp));
                    continue;
                }
            }
            let before = out.len();
            for (a, b) in parts {
                if let Some(sp) = self.parse_np(a, b, i) {
                    out.push(accuse(sp));
                }
            }
            // "The United States and its allies, including NATO, Britain
            // and Japan, on Monday accused ...": the clause before the verb
            // names no one; the list that opens the sentence does.
            if out.len() == before {
                for sp in self.opening_party_list(s, vs, i) {
                    out.push(accuse(sp));
                }
            }
        }
        // "cyberattacks, which Czech intelligence services linked to the
        // group APT28": the party between the relative pronoun and "linked
        // to" (a link word, not the verb of "linked the attack to") ties
        // the antecedent to the party after it.
        for h in hits.iter().filter(|h| h.pat == Pat::Link) {
            let w = self.text.get(h.start..h.end).unwrap_or("");
            if !(w.starts_with("linked") || w.starts_with("tied") || w.starts_with("traced")) {
                continue;
            }
            let cs = clause_start(self.text, s, h.start);
            if !relative_before(self.text, s, cs) {
                continue;
            }
            let np = self.text.get(cs..h.start).unwrap_or("").trim();
            if np.is_empty() || word_count(np, 7) > 6 {
                continue;
            }
            let a = h.start - np.len() - 1;
            if let Some(sp) = self
                .parse_np(a, h.start, i)
                .filter(|sp| sp.official && !sp.media)
            {
                out.push(Frame {
                    speaker: Some(sp),
                    content: (h.end, e),
                    kind: FrameKind::Accuse(h.end),
                    verb: h.start,
                    reporter: None,
                });
            }
        }
        // Passive attributions with no agent.
        for h in hits.iter().filter(|h| h.pat == Pat::Passive) {
            let rest = self.text.get(h.end..e).unwrap_or("").to_lowercase();
            if rest.contains(" by ") && !rest.contains("by the state") {
                // "The hack was attributed to APT29 by Microsoft": the agent
                // after "by" is the one who says so.
                // "..., a group controlled by the GRU": a "by" after
                // another participle names that verb's agent, not the one
                // who attributes.
                let other_agent = rest.rfind(" by ").is_some_and(|p| {
                    rest.get(..p)
                        .and_then(|t| t.rsplit(' ').next())
                        .is_some_and(|w| {
                            w.len() > 4
                                && (w.ends_with("ed") || w.ends_with("en"))
                                && w.chars().all(|c| c.is_ascii_lowercase())
                        })
                });
                if let Some(p) = rest.rfind(" by ").filter(|_| !other_agent) {
                    let by = h.end + p;
                    let np_s = by + 4;
                    let np_e = np_end(self.text, np_s, e);
                    if let Some(sp) = self
                        .parse_np(np_s, np_e, i)
                        .filter(|sp| sp.official && sp.org.is_some())
                    {
                        out.push(Frame {
                            speaker: Some(sp),
                            content: (s, by),
                            kind: FrameKind::Say,
                            verb: h.start,
                            reporter: None,
                        });
                    }
                }
                continue;
            }
            out.push(Frame {
                speaker: None,
                content: (s, e),
                kind: FrameKind::Passive(h.start),
                verb: h.start,
                reporter: None,
            });
        }
        // Denial verbs with a subject: "Russia denied", "the embassy dismissed".
        for h in hits.iter().filter(|h| h.pat == Pat::DenyVerb) {
            let cs = clause_start(self.text, s, h.start);
            // "Iran, which has repeatedly denied involvement, ...": the
            // relative's subject is the party before ", which".
            let lead = self.text.get(s..h.start).unwrap_or("");
            let rel = [", which ", ", who "]
                .iter()
                .filter_map(|w| lead.rfind(w).map(|p| (p, p + w.len())))
                .max();
            if let Some((party_end, after)) = rel {
                let between = lead.get(after..).unwrap_or("");
                let only_aux = between.split_whitespace().all(|w| {
                    ["has", "have", "had", "also", "long", "always", "previously"].contains(&w)
                        || w.len() > 4
                            && w.ends_with("ly")
                            && w.chars().all(|c| c.is_ascii_lowercase())
                });
                let party_end = s + party_end;
                let party_start = clause_start(self.text, s, party_end);
                // "Researchers tied the attacks to the Iranian government,
                // which denied ...": the party that ends the clause, not
                // the clause.
                let party_start = self
                    .hits_of(party_start, party_end, |p| {
                        matches!(p, Pat::State(_) | Pat::Body(_) | Pat::Bloc(_))
                    })
                    .last()
                    .filter(|x| {
                        x.start > party_start
                            && self
                                .text
                                .get(x.end..party_end)
                                .is_some_and(|g| word_count(g, 4) <= 3 && !g.contains([',', ';']))
                    })
                    .map_or(party_start, |x| x.start);
                let sp = only_aux
                    .then(|| self.parse_np(party_start, party_end, i))
                    .flatten()
                    .filter(|sp| sp.country.is_some());
                if let Some(sp) = sp {
                    let ce = self.clause_end(h.end, e);
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (h.end, ce),
                        kind: FrameKind::Deny,
                        verb: h.start,
                        reporter: None,
                    });
                    continue;
                }
            }
            let np: String = self.text.get(cs..h.start).unwrap_or("").to_owned();
            // Drop adverbs: "which Russia immediately denied".
            let trimmed = np.trim_end();
            let mut np_end_at = cs + trimmed.len();
            // "Iran's ministry condemned Albania's decision and rejected the
            // accusation": a verb coordinated with an earlier one shares its
            // subject, the phrase before that first verb.
            if trimmed.ends_with(" and") {
                let first = hits
                    .iter()
                    .find(|x| {
                        x.start > cs
                            && x.end < h.start
                            && matches!(
                                x.pat,
                                Pat::Assert | Pat::Cognition | Pat::DenyVerb | Pat::Accuse
                            )
                    })
                    .map(|x| x.start)
                    .or_else(|| first_past_verb(self.text, cs, h.start));
                if let Some(at) = first {
                    np_end_at = cs + self.text.get(cs..at).unwrap_or("").trim_end().len();
                }
            }
            let trimmed = self.text.get(cs..np_end_at).unwrap_or("");
            if let Some(last) = trimmed.rsplit(' ').next() {
                if last.ends_with("ly") && last.len() > 3 {
                    np_end_at -= last.len();
                }
            }
            let mut sp = self.parse_np(cs, np_end_at, i);
            // "The Foreign Ministry of the DPRK expresses concern over ...,
            // and strongly denounces and rejects it": a verb phrase after
            // a comma and "and" shares the sentence's subject.
            let lead = self.text.get(cs..h.start).unwrap_or("").trim_start();
            if sp.is_none() && cs > s && (lead.starts_with("and ") || lead.starts_with("but ")) {
                if let Some(end) = sentence_subject_end(self.text, s, cs) {
                    sp = self.parse_np(s, end, i);
                }
            }
            if let Some(sp) = sp {
                if sp.country.is_some() {
                    let ce = self.clause_end(h.end, e);
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (h.end, ce),
                        kind: FrameKind::Deny,
                        verb: h.start,
                        reporter: None,
                    });
                }
            }
        }
        // A party's statement as a noun: "FireEye's statement that Viet Nam
        // assisted ...", "Washington's claim that ...".
        let sent_text = self.text.get(s..e).unwrap_or("");
        let (curly, straight): (Vec<usize>, Vec<usize>) = if sent_text.contains(" that ") {
            let b = sent_text.as_bytes();
            (
                memchr::memmem::find_iter(b, "’s ".as_bytes()).collect(),
                memchr::memmem::find_iter(b, b"'s ").collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        if !curly.is_empty() || !straight.is_empty() {
            for noun in [
                "statement that",
                "claim that",
                "claims that",
                "allegation that",
                "allegations that",
                "accusation that",
                "accusations that",
                "charge that",
                "charges that",
                "assessment that",
                "report that",
                "finding that",
                "conclusion that",
            ] {
                // Each "’s "/"'s " once, then the nouns after it (no match
                // of "’s <noun>" overlaps another, so these are the
                // matches a search for each would find, in its order).
                for (apos, found) in [("’s ", &curly), ("'s ", &straight)] {
                    for &p in found.iter() {
                        if !sent_text
                            .get(p + apos.len()..)
                            .is_some_and(|t| t.starts_with(noun))
                        {
                            continue;
                        }
                        let at = s + p;
                        let from = p + apos.len() + noun.len();
                        let owner = hits.iter().rfind(|h| {
                            h.end == at
                                && matches!(h.pat, Pat::Body(_) | Pat::State(_) | Pat::Person(_))
                        });
                        if let Some(o) = owner {
                            if let Some(sp) = self.parse_np(o.start, o.end, i) {
                                out.push(Frame {
                                    speaker: Some(sp),
                                    content: (s + from, e),
                                    kind: FrameKind::Say,
                                    verb: at,
                                    reporter: None,
                                });
                            }
                        }
                    }
                }
            }
        }
        // "The Administration has stayed firm in its allegation that ...",
        // "the agency stands by its assessment that ...": the statement is
        // the clause subject's.
        // Only where a claim can follow (an operation, responsibility or
        // denial word): `frames` runs for every sentence with a verb of
        // saying, and these scans are not free.
        let claimable = hits.iter().any(|h| {
            matches!(
                h.pat,
                Pat::Op | Pat::Resp | Pat::From | Pat::Deny | Pat::Link
            )
        });
        if claimable
            && sent_text.contains(" that ")
            && (sent_text.contains("its ") || sent_text.contains("their "))
        {
            for noun in [
                "allegation that",
                "allegations that",
                "accusation that",
                "assessment that",
                "claim that",
                "conclusion that",
                "finding that",
                "view that",
                "position that",
            ] {
                // (Only a sentence with the noun holds it after a pronoun.)
                if find_lit(sent_text, noun).is_none() {
                    continue;
                }
                for pron in ["its ", "their "] {
                    let pat = format!("{pron}{noun}");
                    let Some(p) = find_lit(sent_text, &pat) else {
                        continue;
                    };
                    let at = s + p;
                    let cs = clause_start(self.text, s, at);
                    let head = self.text.get(cs..at).unwrap_or("");
                    let mut end = None;
                    for aux in [
                        " has ", " have ", " had ", " is ", " was ", " stands ", " stood ",
                    ] {
                        if let Some(q) = find_lit(head, aux) {
                            end = Some(end.map_or(q, |x: usize| x.min(q)));
                        }
                    }
                    if let Some(q) = first_past_verb(self.text, cs, at) {
                        end = Some(end.map_or(q - cs, |x: usize| x.min(q - cs)));
                    }
                    let Some(end) = end else { continue };
                    if let Some(sp) = self
                        .parse_np(cs, cs + end, i)
                        .filter(|sp| sp.official && sp.country.is_some())
                    {
                        out.push(Frame {
                            speaker: Some(sp),
                            content: (at + pat.len(), e),
                            kind: FrameKind::Say,
                            verb: at,
                            reporter: None,
                        });
                    }
                }
            }
        }
        // Verbs of saying and believing.
        let verbs: Vec<Hit> = hits
            .iter()
            .filter(|h| matches!(h.pat, Pat::Assert | Pat::Cognition))
            .copied()
            .collect();
        for v in verbs {
            if out.iter().any(|f| f.verb == v.start) {
                continue;
            }
            if self.inside_quote(i, v.start) {
                continue;
            }
            // Words that are also nouns ("London's latest claims") are verbs
            // only before "that", a quote, a colon or at the clause's end.
            let mut buf = [0u8; 64];
            let vt = lowered(self.text.get(v.start..v.end).unwrap_or(""), &mut buf);
            if [
                "claims",
                "claimed",
                "alleged",
                "alleges",
                "reports",
                "reported",
                "charges",
                "charged",
                "notes",
                "states",
                "finds",
                "found",
                "warns",
                "suspected",
                "judge",
                "states",
            ]
            .contains(&&*vt)
            {
                // "the Dutch claims that ...", "these reports that ...":
                // after a determiner the word is the noun.
                let is_det = |w: &str| {
                    [
                        "the", "these", "those", "such", "its", "their", "his", "her",
                    ]
                    .iter()
                    .any(|d| w.eq_ignore_ascii_case(d))
                };
                let mut before = self
                    .text
                    .get(s..v.start)
                    .unwrap_or("")
                    .split_whitespace()
                    .rev();
                let w1 = before.next().unwrap_or("");
                let w2 = before.next().unwrap_or("");
                let det = is_det(w1) || is_det(w2) && w1.starts_with(char::is_uppercase);
                if det {
                    continue;
                }
                let next = self.text.get(v.end..e).unwrap_or("").trim_start();
                let ok = next.is_empty()
                    || next.starts_with("that ")
                    || next.starts_with(['“', '"', ':', ',', '.'])
                    || next.starts_with("on ")
                    || next.starts_with("in a ");
                if !ok {
                    continue;
                }
            }
            // "dismissing US claims that ...": the claim being denied is
            // the denier's words about it, not a statement of its own.
            if ["claims", "claim", "allegations", "accusations"].contains(&&*vt) {
                let lead = self.text.get(s..v.start).unwrap_or("").to_ascii_lowercase();
                const DENYING: &[&str] = &[
                    "dismissing",
                    "rejecting",
                    "denying",
                    "refuting",
                    "dismissed",
                    "rejected",
                    "denied",
                    "refuted",
                    "called",
                ];
                // The word before the noun is its owner ("US", "Britain's").
                if lead
                    .split_whitespace()
                    .rev()
                    .skip(1)
                    .take(3)
                    .any(|w| DENYING.contains(&w))
                {
                    continue;
                }
            }
            // "Microsoft issued an advisory on activity that it believes
            // likely supports ...": a relative "it" is the sentence's
            // opening party.
            let relative = self.text.get(s..v.start).is_some_and(|t| {
                let t = t.trim_end();
                (t.ends_with(" it") || t.ends_with(" they"))
                    && t.rsplit(' ')
                        .nth(1)
                        .is_some_and(|w| matches!(w, "that" | "which"))
            });
            if let Some(sp) = relative
                .then(|| self.relative_subject(s, v.start, i))
                .flatten()
            {
                out.push(Frame {
                    speaker: Some(sp),
                    content: (v.end, e),
                    kind: if v.pat == Pat::Cognition {
                        FrameKind::Believe(v.start, v.end)
                    } else {
                        FrameKind::Say
                    },
                    verb: v.start,
                    reporter: None,
                });
                continue;
            }
            let tail = self.text.get(v.end..e).unwrap_or("");
            // (Compared with 8 only: counted no further than 9.)
            let tail_words = word_count(tail, 9);
            // "WASHINGTON (Reuters) - Officials said": the dateline is no
            // part of the subject.
            let mut cs = self
                .clause_start_whole(s, v.start)
                .max(dateline_end(self.text, s, e).min(v.start));
            // "KCNA called the accusations a fabrication and said ...": the
            // second verb's subject is the first's.
            let mut v_subject_end = v.start;
            if self
                .text
                .get(s..v.start)
                .is_some_and(|t| t.trim_end().ends_with(" and"))
            {
                let s0 = s.max(dateline_end(self.text, s, e).min(v.start));
                if let Some(first) = hits.iter().find(|x| {
                    x.start > s0
                        && x.end < v.start
                        && matches!(
                            x.pat,
                            Pat::Assert | Pat::Cognition | Pat::DenyVerb | Pat::Accuse
                        )
                }) {
                    cs = clause_start(self.text, s0, first.start);
                    v_subject_end = first.start;
                }
            }
            // "officials told Reuters they believe ...": a verb inside what
            // an earlier verb of the clause reports is that speaker's, not a
            // second speaker's made of the words before it.
            let pronoun_subject = self
                .text
                .get(s..v.start)
                .and_then(|t| t.split_whitespace().last())
                .is_some_and(|w| matches!(w, "they" | "he" | "she" | "it" | "we"));
            if pronoun_subject
                && out.iter().any(|f| {
                    f.speaker.is_some()
                        && matches!(f.kind, FrameKind::Say | FrameKind::Believe(..))
                        && f.verb >= cs
                        && f.content.0 <= v.start
                        && v.start < f.content.1
                })
            {
                continue;
            }
            // "Officials told the Australian Broadcasting Corporation the
            // government believed ...": the believer follows the one told.
            if let Some(after) = self.after_listener(&hits, cs, v_subject_end) {
                cs = after;
            }
            // "..., as Edward Snowden revealed": in a speaker's own turn or
            // quotation, an aside naming a witness leaves the claim the
            // speaker's.
            let aside = self
                .text
                .get(cs..v.start)
                .is_some_and(|t| t.trim_start().starts_with("as "))
                && (sent.turn == Turn::Interviewee || sent.quoted > 0.5);
            if aside {
                continue;
            }
            // "Russia has been behind a series of cyber attacks, it has
            // been announced today by the UK and international allies": the
            // agents of the passive say what comes before it.
            let announced_by = self.passive_speech_by(s, &v, e, i);
            if let Some((c_end, sps)) = announced_by {
                for sp in sps {
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (s, c_end),
                        kind: FrameKind::Say,
                        verb: v.start,
                        reporter: None,
                    });
                }
                continue;
            }
            // A paper speaks for those who issued it: named in an aside
            // ("The advisory, released by the FBI, the NSA and Australia's
            // ASD, said ..."), before its participle ("US intelligence
            // agencies have published a report claiming that ..."), or a few
            // sentences before ("The NCSC, the FBI and the NSA have released
            // a joint advisory. ... The advisory reveals that ...").
            let mut issuers = self.paper_released_by(s, v.start, i);
            if issuers.is_empty()
                && self
                    .text
                    .get(v.start..v.end)
                    .is_some_and(|w| w.ends_with("ing"))
            {
                if let Some(end) = issued_paper(self.text, s, v.start) {
                    issuers = self.paper_issuers(s, end, i);
                }
            }
            if issuers.is_empty() {
                if let Some(noun) = self.text.get(cs..v_subject_end).and_then(definite_paper) {
                    issuers = self.paper_issued_before(i, noun);
                }
            }
            if !issuers.is_empty() {
                let mut c0 = v.end;
                if let Some(p) = find_lit(tail, " that ").filter(|&p| p < 40) {
                    c0 = v.end + p + 6;
                }
                for sp in issuers {
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (c0, e),
                        kind: FrameKind::Say,
                        verb: v.start,
                        reporter: None,
                    });
                }
                continue;
            }
            let own_np = self.subject_np(cs, v_subject_end);
            let aside_np = own_np
                .is_none()
                .then(|| self.subject_before_aside(s, cs, v_subject_end))
                .flatten();
            let before_np = own_np.or(aside_np);
            let comma_before = self
                .text
                .get(s..cs)
                .is_some_and(|t| t.trim_end().ends_with([',', '”', '"']));
            // Several parties saying one thing: "The UK, the US and
            // Australia said ...": one frame each.
            if let Some((a, b)) = before_np {
                let la = self.list_start(s, a, b);
                let parts = split_subjects(self.text, la, b);
                if parts.len() > 1 {
                    let sps: Vec<Speaker> = parts
                        .iter()
                        .filter_map(|&(pa, pb)| self.parse_np(pa, pb, i))
                        .filter(|sp| sp.country.is_some() && sp.person.is_none())
                        .collect();
                    if sps.len() == parts.len() {
                        let mut c0 = v.end;
                        let rest = self.text.get(v.end..e).unwrap_or("");
                        if let Some(p) = find_lit(rest, " that ") {
                            if p < 60 && !finite_clause(rest.get(..p).unwrap_or("")) {
                                c0 = v.end + p + 6;
                            }
                        }
                        for sp in sps {
                            out.push(Frame {
                                speaker: Some(sp),
                                content: (c0, e),
                                kind: if v.pat == Pat::Cognition {
                                    FrameKind::Believe(v.start, v.end)
                                } else {
                                    FrameKind::Say
                                },
                                verb: v.start,
                                reporter: None,
                            });
                        }
                        continue;
                    }
                }
            }
            // "Klaus Richter, Germany's interior minister, said", "The
            // Dutch defence minister, Marieke Janssen, said": one person.
            let s0 = s.max(dateline_end(self.text, s, e).min(cs));
            let joined = before_np
                .zip(lead_phrase(self.text, s0, cs))
                .and_then(|(np, lead)| self.appositive(lead, np, i));
            if let Some(sp) = joined.or_else(|| before_np.and_then(|(a, b)| self.parse_np(a, b, i)))
            {
                // Sentence-final: "..., the spokesman said (on Friday)."
                // "..., Mao said, adding that ...": the claim is before the verb.
                let adds = [
                    ", adding",
                    ", saying",
                    ", noting",
                    ", stressing",
                    ", and added",
                    ", dismissing",
                    ", rejecting",
                    ", denying",
                    ", refuting",
                ]
                .iter()
                .any(|a| tail.trim_end().starts_with(a))
                    // "..., a Treasury spokesperson said, using the initials
                    // of North Korea's official name": any participle adds.
                    || tail
                        .trim_end()
                        .strip_prefix(", ")
                        .and_then(|r| r.split(' ').next())
                        .is_some_and(|w| {
                            w.len() > 4 && w.ends_with("ing") && w.chars().all(|c| c.is_ascii_lowercase())
                        });
                // "On Friday, the government said APT28 was behind it": a
                // short fronted phrase with no operation in it is no statement,
                // so what follows the verb is.
                let lead = self.text.get(s..cs).unwrap_or("");
                // "Speaking at a news conference in Brussels, ...", "Asked
                // about the report on Monday, ...": a fronted participle or
                // prepositional phrase of any length sets the scene; it may
                // name a place.
                let first = lead.split_whitespace().next().unwrap_or("");
                let scene = first.len() > 4
                    && first.ends_with("ing")
                    && first.starts_with(char::is_uppercase)
                    || matches!(first, "Asked" | "During" | "At" | "In" | "After");
                let fronted = (word_count(lead, 5) <= 4 || scene)
                    && !lead.contains(['"', '“', '”'])
                    && !hits.iter().any(|h| {
                        h.start < cs
                            && (matches!(h.pat, Pat::Op | Pat::Resp | Pat::Deny | Pat::Group(_))
                                || !scene && matches!(h.pat, Pat::State(_) | Pat::Body(_)))
                    });
                let trivial_tail = adds
                    || !fronted
                        && aside_np.is_none()
                        && tail_words <= 8
                        && !tail.contains(" that ")
                        && !tail.contains(['“', '"']);
                let rep = self.reporter_after(v.end, e);
                // "..., the spokesperson stated:" introduces what follows;
                // the words before are not the statement.
                let introduces = tail.trim() == ":";
                if comma_before && trivial_tail {
                    // "..., Novak told reporters, adding that the attack
                    // was carried out by Sandworm": what the participle adds
                    // is the speaker's too.
                    let added = find_lit(tail, ", adding that ")
                        .map(|p| p + 14)
                        .or_else(|| {
                            find_lit(tail, ", saying that ")
                                .or_else(|| find_lit(tail, ", noting that "))
                                .map(|p| p + 14)
                        });
                    if let Some(p) = added {
                        out.push(Frame {
                            speaker: Some(sp.clone()),
                            content: (v.end + p, e),
                            kind: FrameKind::Say,
                            verb: v.end + p,
                            reporter: rep.clone(),
                        });
                    }
                    out.push(Frame {
                        speaker: Some(sp),
                        content: if introduces { (e, e) } else { (s, cs) },
                        kind: FrameKind::Say,
                        verb: v.start,
                        reporter: rep,
                    });
                } else {
                    let mut c0 = v.end;
                    let rest = self.text.get(v.end..e).unwrap_or("");
                    if let Some(p) = find_lit(rest, " that ") {
                        if p < 60 && !finite_clause(rest.get(..p).unwrap_or("")) {
                            c0 = v.end + p + 6;
                        }
                    }
                    // "The breach, which Microsoft said was the work of
                    // ...": what is said is of the relative's antecedent,
                    // from the sentence's start.
                    let next = rest.split_whitespace().next().unwrap_or("");
                    if relative_before(self.text, s, cs)
                        && ["was", "were", "is", "are", "had", "has"].contains(&next)
                    {
                        c0 = s;
                    }
                    let cog = v.pat == Pat::Cognition;
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (c0, e),
                        kind: if cog {
                            FrameKind::Believe(v.start, v.end)
                        } else {
                            FrameKind::Say
                        },
                        verb: v.start,
                        reporter: rep,
                    });
                }
                continue;
            }
            // "..., said the spokesman." ("..., the minister told
            // parliament": whom one tells is no speaker.)
            let tells = vt.starts_with("told") || vt.starts_with("tell");
            if (comma_before || v.start == cs) && !tells {
                let ae = np_end(self.text, v.end, e);
                // "..., said Maria Volkova, a spokeswoman for the foreign
                // ministry.": the appositive after the name gives its office.
                let appositive = self
                    .text
                    .get(ae..e)
                    .and_then(|r| r.strip_prefix(", "))
                    .filter(|r| {
                        r.starts_with("a ")
                            || r.starts_with("an ")
                            || r.starts_with("the ")
                            || r.split(' ')
                                .next()
                                .is_some_and(|w| w.ends_with("’s") || w.ends_with("'s"))
                    })
                    .map(|r| ae + 2 + np_end(r, 0, r.len()));
                // "..., said Russia was responsible": a clause, not the
                // speaker's name.
                let clause_after = hits.iter().any(|h| {
                    h.start >= v.end
                        && h.end <= ae
                        && matches!(
                            h.pat,
                            Pat::Resp | Pat::Op | Pat::From | Pat::Assert | Pat::Accuse | Pat::Link
                        )
                });
                if clause_after {
                    continue;
                }
                let base = self.parse_np(v.end, ae, i);
                let full = match (appositive, &base) {
                    (Some(ap), Some(b)) if b.person.is_some() && b.org.is_none() => self
                        .parse_np(ae + 2, ap, i)
                        .filter(|x| x.org.is_some() || x.country.is_some())
                        .map(|x| Speaker {
                            person: b.person.clone(),
                            org: x.org,
                            country: x.country,
                            official: x.official,
                            media: x.media,
                        }),
                    _ => None,
                };
                if let Some(sp) = full.or(base) {
                    self.remember(&sp, None);
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (s, cs.max(s)),
                        kind: FrameKind::Say,
                        verb: v.start,
                        reporter: None,
                    });
                }
            }
        }
        // "The FBI and CISA published an advisory saying ...", "the
        // ministry issued a statement stating ...": the issuer says it.
        for cue in [" saying ", " stating ", " noting ", " warning "] {
            if !claimable {
                break;
            }
            let Some(p) = find_lit(sent_text, cue) else {
                continue;
            };
            let at = s + p;
            if out
                .iter()
                .any(|f| f.verb <= at && at < f.content.1 && f.speaker.is_some())
            {
                continue;
            }
            let head = sent_text.get(..p).unwrap_or("").to_ascii_lowercase();
            let issued = ISSUING
                .iter()
                .filter_map(|w| find_lit(&head, &format!(" {w} ")))
                .min();
            let document = PAPERS.iter().any(|w| {
                head.get(issued.unwrap_or(0)..)
                    .is_some_and(|t| t.contains(w))
            });
            let (Some(iv), true) = (issued, document) else {
                continue;
            };
            let s0 = s.max(dateline_end(self.text, s, e).min(s + iv));
            let mut subj_end = s + iv;
            // ", together with partners in A and B," ends the subject list.
            if let Some(c) = self
                .text
                .get(s0..subj_end)
                .and_then(|t| find_lit(t, ", together with"))
            {
                subj_end = s0 + c;
            }
            let mut c0 = at + cue.len();
            if self.text.get(c0..e).is_some_and(|t| t.starts_with("that ")) {
                c0 += 5;
            }
            // "CISA has published a joint advisory together with the FBI
            // and the NSA, noting ...": the partners after the paper issue
            // it too.
            let mut parts = split_subjects(self.text, s0, subj_end);
            let between = head.get(iv..).unwrap_or("");
            if let Some(q) = super::targets::PARTNERS
                .iter()
                .find_map(|w| find_lit(between, &format!(" {w}")).map(|q| q + 1 + w.len()))
            {
                let list_end =
                    s + p - usize::from(sent_text.get(..p).is_some_and(|t| t.ends_with(',')));
                parts.extend(split_subjects(self.text, s + iv + q, list_end));
            }
            for (a, b) in parts {
                if let Some(sp) = self
                    .parse_np(a, b, i)
                    .filter(|sp| sp.official && sp.country.is_some())
                {
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (c0, e),
                        kind: FrameKind::Say,
                        verb: at,
                        reporter: None,
                    });
                }
            }
        }
        // Only sentences with denial wording can hold one (and this keeps the
        // word scan off every other sentence).
        let condemns_claims = hits.iter().any(|h| {
            h.pat == Pat::Accuse
                && self.text.get(h.start..h.end).is_some_and(|w| {
                    w.get(..7).is_some_and(|p| {
                        p.eq_ignore_ascii_case("condemn") || p.eq_ignore_ascii_case("denounc")
                    })
                })
                && self.text.get(h.end..e).is_some_and(|r| {
                    r.split_whitespace().take(3).any(|x| {
                        let x = x.trim_matches(|c: char| !c.is_alphanumeric());
                        [
                            "accusation",
                            "accusations",
                            "allegation",
                            "allegations",
                            "claims",
                        ]
                        .iter()
                        .any(|n| x.eq_ignore_ascii_case(n))
                    })
                })
        });
        if condemns_claims || hits.iter().any(|h| h.pat == Pat::Deny) {
            self.participle_denials(s, e, i, &mut out);
        }
        // "Microsoft said the group, which is linked to Russia's GRU,
        // targeted ...": a passive inside what a named party says is part of
        // that party's claim, not a claim of no one's.
        let spoken: Vec<(usize, usize)> = out
            .iter()
            .filter(|f| {
                f.speaker.is_some()
                    && matches!(
                        f.kind,
                        FrameKind::Say
                            | FrameKind::Believe(..)
                            | FrameKind::Source
                            | FrameKind::Accuse(_)
                    )
            })
            .map(|f| f.content)
            .collect();
        out.retain(|f| {
            !matches!(f.kind, FrameKind::Passive(_))
                || !spoken.iter().any(|&(a, b)| a <= f.verb && f.verb < b)
        });
        // "MR. BOSSERT: ... the United States is publicly attributing the
        // attack to North Korea": a briefer naming their own state as the
        // accuser speaks for it; the claim is the briefer's.
        if self.sentences[i].turn == Turn::Interviewee {
            if let Some(Some(label)) = self.labels.get(i).cloned() {
                if label.person.is_some() && label.official {
                    let own = |f: &Frame| {
                        matches!(f.kind, FrameKind::Accuse(_) | FrameKind::Say)
                            && f.speaker.as_ref().is_some_and(|sp| {
                                sp.person.is_none()
                                    && sp.country.is_some()
                                    && label
                                        .country
                                        .as_ref()
                                        .is_none_or(|c| Some(c) == sp.country.as_ref())
                                    && sp
                                        .org
                                        .as_deref()
                                        .is_some_and(|o| o.ends_with(" government"))
                            })
                    };
                    // (One state only: "the UK, Australia and Japan join
                    // us" are others, not the briefer.)
                    let states: std::collections::HashSet<Option<String>> = out
                        .iter()
                        .filter(|f| own(f))
                        .map(|f| f.speaker.as_ref().and_then(|x| x.country.clone()))
                        .collect();
                    if states.len() == 1 {
                        for f in out.iter_mut() {
                            if !own(f) {
                                continue;
                            }
                            let Some(sp) = f.speaker.take() else { continue };
                            let mut x = label.clone();
                            x.country = sp.country;
                            x.org = x.org.or(sp.org);
                            f.speaker = Some(x);
                        }
                    }
                }
            }
        }
        out
    }

    /// "..., the spokesperson said, dismissing US claims that ...", "North
    /// Korea's foreign ministry called the US allegations ... a fabrication":
    /// a denial whose subject is the party already speaking in the sentence,
    /// or a "called/described/branded the X claims" with words between.
    fn participle_denials(&mut self, s: usize, e: usize, sent: usize, out: &mut Vec<Frame>) {
        const NOUNS: &[&str] = &[
            "accusation",
            "accusations",
            "allegation",
            "allegations",
            "claim",
            "claims",
            "charges",
            "report",
            "reports",
        ];
        let is = |w: &str, set: &[&str]| {
            let w = w.trim_end_matches([',', '.']);
            set.iter().any(|x| x.eq_ignore_ascii_case(w))
        };
        let text = self.text.get(s..e).unwrap_or("");
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut words = text
            .split(' ')
            .scan(s, |at, w| {
                let start = *at;
                *at += w.len() + 1;
                Some((start, w))
            })
            .filter(|(_, w)| !w.is_empty())
            .peekable();
        let mut prev = "";
        while let Some((at, w)) = words.next() {
            if prev.ends_with(',') && is(w, &["dismissing", "rejecting", "denying", "refuting"]) {
                found.push((at, at + w.len()));
            } else if is(
                w,
                &[
                    "called",
                    "described",
                    "branded",
                    "labelled",
                    "labeled",
                    "termed",
                    // "condemned the accusations as a smear": the accusation
                    // is what is condemned.
                    "condemned",
                    "denounced",
                    "slammed",
                ],
            ) {
                // "called the US allegations", "called Washington's claims":
                // the noun within the next four words, not right after.
                let noun_at = words.clone().take(4).position(|(_, x)| is(x, NOUNS));
                // "called it an absolute lie": a pronoun for the claim, with
                // the wording of denial after it.
                let pronoun = words
                    .clone()
                    .next()
                    .is_some_and(|(_, x)| is(x, &["it", "them", "this", "that"]))
                    && !self.hits_of(at, e, |p| p == Pat::Deny).is_empty();
                let condemns = is(w, &["condemned", "denounced", "slammed"]);
                if (noun_at.is_some_and(|k| k >= 1) || pronoun && !condemns)
                    && !out.iter().any(|f| f.verb == at && !condemns)
                {
                    // "condemned the accusations": not an accusation of its own.
                    out.retain(|f| f.verb != at);
                    found.push((at, at + w.len()));
                }
            }
            prev = w;
        }
        for (v, ve) in found {
            if out.iter().any(|f| {
                f.kind == FrameKind::Deny && f.verb <= v && v < f.content.1 && f.verb + 40 > v
            }) {
                continue;
            }
            // The subject: the party before the verb in its clause, else
            // the speaker of the sentence's saying frame before it.
            let cs = clause_start(self.text, s, v);
            let own = self
                .text
                .get(cs..v)
                .filter(|t| !t.trim().is_empty())
                .and_then(|_| self.parse_np(cs, v, sent));
            let speaker = own.or_else(|| {
                out.iter()
                    .filter(|f| f.verb < v && f.speaker.is_some())
                    .max_by_key(|f| f.verb)
                    .and_then(|f| f.speaker.clone())
            });
            let Some(sp) = speaker.filter(|sp| sp.country.is_some()) else {
                continue;
            };
            let ce = self.clause_end(ve, e);
            out.push(Frame {
                speaker: Some(sp),
                content: (ve, ce.max(e)),
                kind: FrameKind::Deny,
                verb: v,
                reporter: None,
            });
        }
    }

    /// Where the subject of a verb at `v` starts when a verb of telling
    /// and whom it tells come first in its clause ("told Reuters the
    /// government believed", "told the Australian Broadcasting Corporation
    /// officials had concluded"): after the one told, a name in capitals or
    /// a known outlet or body. None when there is no such verb or nothing is
    /// left for a subject.
    fn after_listener(&self, hits: &[Hit], cs: usize, v: usize) -> Option<usize> {
        let told = hits.iter().rfind(|h| {
            h.pat == Pat::Assert
                && h.start >= cs
                && h.end < v
                && self.text.get(h.start..h.end).is_some_and(|w| {
                    let w = w.to_ascii_lowercase();
                    w == "told" || w == "tells" || w == "tell"
                })
        })?;
        let rest = self.text.get(told.end..v)?;
        let mut at = told.end + (rest.len() - rest.trim_start().len());
        if self.text.get(at..v)?.starts_with("the ") {
            at += 4;
        }
        // A known party or outlet, else a run of capitalised words.
        if let Some(h) = hits
            .iter()
            .find(|h| h.start == at && matches!(h.pat, Pat::Media | Pat::Body(_) | Pat::State(_)))
        {
            at = h.end;
        }
        for w in self.text.get(at..v)?.split(' ') {
            if w.is_empty() {
                at += 1;
                continue;
            }
            if !w.starts_with(char::is_uppercase) {
                break;
            }
            at += w.len() + 1;
        }
        let left = self.text.get(at.min(v)..v)?.trim();
        (!left.is_empty() && at < v).then_some(at)
    }

    /// Where the colon is in a line that opens with a known body's name
    /// and a colon ("ESET Research: ..."): at most five words, the first
    /// of them a body the knowledge base knows. None otherwise.
    pub(super) fn body_colon(&self, s: usize, e: usize) -> Option<usize> {
        let t = self.text.get(s..e)?;
        // (A byte search: this is asked of every sentence.)
        let head = t.get(..floor_boundary(t, 60))?.as_bytes();
        let p = head.windows(2).position(|w| w == b": ")?;
        let name = t.get(..p)?;
        if name.split(' ').count() > 5 || !name.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
        let first = self
            .hits_of(s, s + p, |x| matches!(x, Pat::Body(_)))
            .first()
            .copied()?;
        (first.start == s).then_some(s + p)
    }

    /// A verb of saying in the passive after what was said, with its
    /// agents: "..., it has been announced today by the UK and allies"
    /// gives where what was said ends (the comma) and each official agent.
    fn passive_speech_by(
        &mut self,
        s: usize,
        v: &Hit,
        e: usize,
        i: usize,
    ) -> Option<(usize, Vec<Speaker>)> {
        let head = self.text.get(s..v.start)?.trim_end();
        let aux = [", it has been", ", it was", ", it had been", ", it is"]
            .iter()
            .find(|a| head.ends_with(**a))?;
        let c_end = s + head.len() - aux.len();
        let rest = self.text.get(v.end..e)?;
        let rest = rest
            .strip_prefix(' ')
            .map_or(rest, |r| past_day(r).trim_start());
        let agents = rest.strip_prefix("by ")?;
        let a = e - agents.len();
        let b = np_end(self.text, a, e);
        let sps: Vec<Speaker> = split_subjects(self.text, a, b)
            .into_iter()
            .filter_map(|(x, y)| self.parse_np(x, y, i))
            .filter(|sp| sp.official && (sp.org.is_some() || sp.country.is_some()))
            .collect();
        (!sps.is_empty()).then_some((c_end, sps))
    }

    /// The issuers of the last paper of that kind the text says was
    /// issued, a few sentences before `i` at most ("The NCSC, in
    /// collaboration with the FBI and the NSA, has released a joint
    /// advisory": the NCSC, the FBI and the NSA). Empty if none.
    fn paper_issued_before(&mut self, i: usize, noun: &str) -> Vec<Speaker> {
        const BACK: usize = 8;
        for j in (i.saturating_sub(BACK)..i).rev() {
            let (s, e) = (self.sentences[j].start, self.sentences[j].end);
            let Some(t) = self.text.get(s..e) else {
                continue;
            };
            let Some(p) = find_lit(t, noun) else { continue };
            let at = s + p + noun.len();
            let Some(verb) = issued_paper(self.text, s, at) else {
                continue;
            };
            // ", in collaboration with the FBI and the NSA,": partners
            // between the first issuer and the verb issue it too.
            let head = self.text.get(s..verb).unwrap_or("");
            let partners = super::targets::PARTNERS
                .iter()
                .find_map(|w| find_lit(head, &format!(", {w}")).map(|q| (q, q + 2 + w.len())));
            let mut out = match partners {
                Some((q, _)) => self.paper_issuers(s, s + q, j),
                None => self.paper_issuers(s, verb, j),
            };
            if let Some((_, r)) = partners {
                // (The aside ends at its closing comma: "..., has released".)
                let end = s + head
                    .rfind(',')
                    .filter(|&c| c >= r)
                    .unwrap_or(head.trim_end().len());
                for (a, b) in split_subjects(self.text, s + r, end) {
                    if let Some(sp) = self
                        .parse_np(a, b, j)
                        .filter(|sp| sp.official && sp.country.is_some())
                    {
                        out.push(sp);
                    }
                }
            }
            return out;
        }
        Vec::new()
    }

    /// The parties a paper opening the sentence was released by: "The
    /// advisory, released by the FBI, the NSA and Australia's ASD, said"
    /// (each an official party), or none.
    fn paper_released_by(&mut self, s: usize, v: usize, i: usize) -> Vec<Speaker> {
        let Some(head) = self.text.get(s..v) else {
            return Vec::new();
        };
        let lower = head.to_ascii_lowercase();
        let paper = ["advisory", "statement", "report", "alert", "bulletin"]
            .iter()
            .any(|w| lower.split([' ', ',']).take(4).any(|x| x == *w));
        if !paper || !lower.trim_end().ends_with(',') {
            return Vec::new();
        }
        let Some(p) = [
            ", released by ",
            ", issued by ",
            ", published by ",
            ", written by ",
            ", co-authored by ",
            ", authored by ",
        ]
        .iter()
        .find_map(|w| find_lit(&lower, w).map(|p| p + w.len())) else {
            return Vec::new();
        };
        let end = s + head.trim_end().len() - 1;
        let mut out = Vec::new();
        for (a, b) in split_subjects(self.text, s + p, end) {
            if let Some(sp) = self
                .parse_np(a, b, i)
                .filter(|sp| sp.official && sp.org.is_some())
            {
                out.push(sp);
            }
        }
        out
    }

    /// The subject of a verb whose own clause names none: "A senior
    /// official, speaking on condition of anonymity, said" (the phrase
    /// before the aside), "according to Ukraine's cyber police, who said"
    /// (the party "who" stands for). None unless the words before `v` in
    /// its clause are nothing or "who".
    fn subject_before_aside(&self, s: usize, cs: usize, v: usize) -> Option<(usize, usize)> {
        let own = self.text.get(cs..v)?.trim();
        // The clause may start at the aside itself ("speaking on condition
        // of anonymity,"): the subject is the piece before it.
        let aside_here = own.ends_with(',')
            && own
                .split(' ')
                .next()
                .is_some_and(|w| w.len() > 4 && w.ends_with("ing") || w == "which" || w == "who");
        if !(own.is_empty() || own == "who" || aside_here) {
            return None;
        }
        let head = self.text.get(s..cs)?;
        let head = head.trim_end().strip_suffix(',')?;
        // The comma-separated pieces before the clause, last first.
        let mut pieces = Vec::new();
        let mut end = head.len();
        while let Some(p) = head.get(..end)?.rfind(',') {
            pieces.push((p + 1, end));
            end = p;
        }
        pieces.push((0, end));
        let trimmed = |(a, b): (usize, usize)| {
            let t = head.get(a..b).unwrap_or("");
            let lead = t.len() - t.trim_start().len();
            (s + a + lead, s + a + t.trim_end().len())
        };
        let (a, b) = if aside_here {
            trimmed(*pieces.first()?)
        } else if own == "who" {
            let (a, b) = trimmed(*pieces.first()?);
            // "according to Ukraine's cyber police, who said".
            let t = self.text.get(a..b)?;
            let skip = ["according to ", "said ", "by "]
                .iter()
                .find(|p| t.starts_with(*p))
                .map_or(0, |p| p.len());
            (a + skip, b)
        } else {
            // "A senior official, speaking on condition of anonymity, said".
            let aside = trimmed(*pieces.first()?);
            let first = self.text.get(aside.0..aside.1)?.split(' ').next()?;
            if !(first.ends_with("ing") || first == "who") {
                return None;
            }
            trimmed(*pieces.get(1)?)
        };
        (b > a).then_some((a, b))
    }

    /// The parties a sentence opens with when only list words, unnamed
    /// allies and a time stand between them and the verb at `v`: "The
    /// United States and its allies, including NATO, the European Union,
    /// Britain and Japan, on Monday". Empty unless every word between the
    /// parties is such a word.
    fn opening_party_list(&mut self, s: usize, v: usize, i: usize) -> Vec<Speaker> {
        const GLUE: &[&str] = &[
            "and",
            "the",
            "its",
            "their",
            "our",
            "allies",
            "partners",
            "including",
            "together",
            "with",
            "along",
            "joined",
            "by",
            "as",
            "well",
            "other",
            "on",
            "in",
            "a",
            "today",
            "yesterday",
            "also",
            "jointly",
            "have",
            "has",
            "all",
            "both",
            "formally",
            "publicly",
        ];
        let parties: Vec<Hit> = self
            .hits_of(s, v, |p| {
                matches!(p, Pat::State(_) | Pat::Bloc(_) | Pat::Body(_))
            })
            .iter()
            .copied()
            .collect();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for h in &parties {
            if spans.last().is_some_and(|&(_, e)| h.start < e) {
                continue;
            }
            spans.push((h.start, h.end));
        }
        if spans.len() < 2 {
            return Vec::new();
        }
        let mut gaps: Vec<&str> = Vec::with_capacity(spans.len() + 1);
        let mut at = s;
        for &(a, b) in &spans {
            gaps.push(self.text.get(at..a).unwrap_or(""));
            at = b;
        }
        gaps.push(self.text.get(at..v).unwrap_or(""));
        for g in gaps {
            let ok = g
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| {
                    let l = w.to_ascii_lowercase();
                    GLUE.contains(&l.as_str()) || crate::date::WEEKDAYS.contains(&l.as_str())
                });
            if !ok {
                return Vec::new();
            }
        }
        let mut out: Vec<Speaker> = Vec::new();
        for (a, b) in spans {
            if let Some(sp) = self
                .parse_np(a, b, i)
                .filter(|sp| sp.official && (sp.org.is_some() || sp.country.is_some()))
            {
                if !out.iter().any(|x| x.key() == sp.key()) {
                    out.push(sp);
                }
            }
        }
        out
    }

    /// The official party named between "by" and "to" right after a
    /// passive attributing verb ending at `v` ("attributed by the NCSC to
    /// APT31"), or None.
    fn passive_agent_before_to(&mut self, v: usize, e: usize, i: usize) -> Option<Speaker> {
        let rest = self.text.get(v..e)?;
        let np = rest.strip_prefix(" by ")?;
        let to = find_lit(np, " to ").filter(|&p| p <= 80)?;
        if np.get(..to)?.contains([',', ';', '"', '“', '”']) {
            return None;
        }
        let a = v + 4;
        self.parse_np(a, a + to, i)
            .filter(|sp| sp.official && (sp.org.is_some() || sp.country.is_some()))
    }

    /// "accused by Israel and Albania of ...", "blamed by the UK for ...":
    /// the official parties between "by" and "of"/"for"/"over".
    fn passive_accusers(&mut self, v: usize, e: usize, i: usize, op_before: bool) -> Vec<Speaker> {
        let Some(np) = self.text.get(v..e).and_then(|r| r.strip_prefix(" by ")) else {
            return Vec::new();
        };
        let a = v + 4;
        // ("charged by the US Department of Justice for ...": an "of"
        // inside a body's name is no part of the charge.)
        let names: Vec<(usize, usize)> = self
            .hits_of(a, (a + 80).min(e), |p| {
                matches!(p, Pat::Body(_) | Pat::State(_) | Pat::Bloc(_))
            })
            .iter()
            .map(|h| (h.start, h.end))
            .collect();
        let Some(end) = [" of ", " for ", " over ", " as ", " to "]
            .iter()
            .flat_map(|w| np.match_indices(w).map(|(p, _)| p))
            .filter(|&p| !names.iter().any(|&(hs, he)| hs < a + p && a + p < he))
            .min()
            .filter(|&p| p <= 80)
        else {
            return Vec::new();
        };
        if np
            .get(..end)
            .is_none_or(|t| t.contains([';', '"', '“', '”']))
        {
            return Vec::new();
        }
        // Accused of an operation, not of "hypocrisy" ("The attack was
        // attributed by X to ...": the operation may come first).
        let from = if op_before {
            self.sentences[i].start
        } else {
            a + end
        };
        if self.hits_of(from, e, |p| p == Pat::Op).is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (x, y) in split_subjects(self.text, a, a + end) {
            if let Some(sp) = self
                .parse_np(x, y, i)
                .filter(|sp| sp.official && (sp.org.is_some() || sp.country.is_some()))
            {
                out.push(sp);
            }
        }
        out
    }

    /// "A joins B, C and D in condemning ...", "A joined B in blaming
    /// ...": the parties of both sides of "join", each an official party,
    /// or none.
    fn joined_subjects(&mut self, s: usize, h: &Hit, i: usize) -> Vec<Speaker> {
        let verb = self.text.get(h.start..h.end).unwrap_or("");
        let head = self.text.get(s..h.start).unwrap_or("");
        if !verb.ends_with("ing") || !head.ends_with(" in ") {
            return Vec::new();
        }
        let Some((jp, jw)) = [
            " joins ",
            " joined ",
            " join ",
            " has joined ",
            " have joined ",
        ]
        .iter()
        .filter_map(|w| find_lit(head, w).map(|p| (p, w.len())))
        .min() else {
            return Vec::new();
        };
        let subj = (s, s + jp);
        let others = (s + jp + jw, h.start - 4);
        let mut out = Vec::new();
        // "The United Kingdom, Australia and Japan have seen our analysis,
        // and they join us in denouncing ...": "they" are the parties that
        // open the sentence; "us" is the speaker, counted elsewhere.
        let pronoun = |t: Option<&str>| {
            t.map(|t| t.trim().to_ascii_lowercase())
                .is_some_and(|t| matches!(t.as_str(), "us" | "them" | "we" | "they" | "and they"))
        };
        let mut parts = Vec::new();
        let subj_text = self.text.get(subj.0..subj.1).unwrap_or("");
        if subj_text.trim_end().ends_with(" they") {
            let opening = subj_text.find(", and they").map_or(subj.1, |p| s + p);
            // The list ends at its last party: "... and Japan have seen
            // our analysis".
            let mut list_end = s;
            for h in self
                .hits_of(s, opening, |p| {
                    matches!(p, Pat::State(_) | Pat::Bloc(_) | Pat::Body(_))
                })
                .iter()
            {
                let gap = self.text.get(list_end..h.start).unwrap_or("");
                let glue = gap
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .all(|w| matches!(w.to_ascii_lowercase().as_str(), "and" | "the"));
                if list_end > s && !glue {
                    break;
                }
                list_end = h.end;
            }
            let firsts = self.opening_party_list(s, list_end, i);
            if firsts.is_empty() {
                return Vec::new();
            }
            out.extend(firsts);
        } else {
            parts.extend(split_subjects(self.text, subj.0, subj.1));
        }
        parts.extend(split_subjects(self.text, others.0, others.1));
        for (a, b) in parts {
            if pronoun(self.text.get(a..b)) {
                continue;
            }
            match self
                .parse_np(a, b, i)
                .filter(|sp| sp.official && sp.country.is_some())
            {
                Some(sp) => out.push(sp),
                None => return Vec::new(),
            }
        }
        out
    }

    /// Who accuses through a participle: the issuers of a paper (see
    /// [`Ctx::paper_issuers`]), else the subject before a comma (see
    /// [`Ctx::participle_subject`]).
    fn participle_subjects(&mut self, s: usize, h: &Hit, i: usize) -> Vec<Speaker> {
        if let Some(end) = self
            .text
            .get(h.start..h.end)
            .filter(|v| v.ends_with("ing"))
            .and_then(|_| issued_paper(self.text, s, h.start))
        {
            return self.paper_issuers(s, end, i);
        }
        self.participle_subject(s, h, i).into_iter().collect()
    }

    /// The issuers of a paper that accuses through its participle: "The
    /// ministry issued a statement accusing ...", "Today, the Department
    /// unseals an indictment charging ..." (after any opening phrase of
    /// time); each of joined issuers ("The UK, the US and Canada issued a
    /// statement accusing ..."), where one of them has a state.
    fn paper_issuers(&mut self, s: usize, end: usize, i: usize) -> Vec<Speaker> {
        let from = self.after_opening_phrase(s, end);
        if self
            .text
            .get(from..end)
            .is_none_or(|t| word_count(t, 13) > 12)
        {
            return Vec::new();
        }
        let parts = split_subjects(self.text, from, end);
        if parts.len() > 1 {
            let sps: Vec<Speaker> = parts
                .iter()
                .filter_map(|&(a, b)| self.parse_np(a, b, i))
                .filter(|sp| sp.official)
                .collect();
            if sps.len() == parts.len() && sps.iter().any(|sp| sp.country.is_some()) {
                return sps;
            }
            return Vec::new();
        }
        self.parse_np(from, end, i)
            .filter(|sp| sp.official && sp.country.is_some())
            .into_iter()
            .collect()
    }

    /// Where a subject starts past an opening phrase of time or place:
    /// "Today, the Department ...", "On Tuesday, Albania ..." (three words
    /// at most before the first comma, naming no party); else `s`.
    fn after_opening_phrase(&self, s: usize, end: usize) -> usize {
        let Some(t) = self.text.get(s..end) else {
            return s;
        };
        match t.split_once(',') {
            Some((lead, rest))
                if word_count(lead, 4) <= 3
                    && self
                        .hits_of(s, s + lead.len(), |p| {
                            matches!(p, Pat::State(_) | Pat::Body(_) | Pat::Bloc(_))
                        })
                        .is_empty() =>
            {
                end - rest.trim_start().len()
            }
            _ => s,
        }
    }

    /// The subject of an accusing participle ("..., accusing X of",
    /// "..., blaming X for") that follows a comma: the party that opens the
    /// sentence, before its first verb ("has cut", "summoned", "said").
    /// None when the participle does not follow a comma, or the opening
    /// words name no official party.
    fn participle_subject(&mut self, s: usize, h: &Hit, i: usize) -> Option<Speaker> {
        let verb = self.text.get(h.start..h.end)?;
        if !verb.ends_with("ing") {
            return None;
        }
        if !self.text.get(s..h.start)?.trim_end().ends_with(',') {
            return None;
        }
        let head = self.text.get(s..h.start)?;
        // The first finite verb: an auxiliary or a past-tense word.
        let mut end = None;
        for aux in [
            " has ",
            " have ",
            " had ",
            " is ",
            " are ",
            " was ",
            " were ",
            " will ",
            " on ",
            // "Today, the Department unseals an indictment, returned by a
            // grand jury ..., charging ...": a paper's issuer in the present.
            " unseals ",
            " issues ",
            " releases ",
            " publishes ",
        ] {
            if let Some(p) = find_lit(head, aux) {
                end = Some(end.map_or(p, |x: usize| x.min(p)));
            }
        }
        if let Some(p) = first_past_verb(self.text, s, h.start) {
            end = Some(end.map_or(p - s, |x: usize| x.min(p - s)));
        }
        let end = s + end?;
        let s = self.after_opening_phrase(s, end);
        // The subject is a short phrase with no clause break in it.
        let subj = self.text.get(s..end)?;
        if subj.contains([',', ';', ':', '"', '“', '”']) || word_count(subj, 9) > 8 {
            return None;
        }
        self.parse_np(s, end, i)
            .filter(|sp| sp.official && sp.country.is_some())
    }

    /// The party a relative "it"/"they" before `verb` stands for: the
    /// subject at the start of sentence `i` ("The Netherlands expelled four
    /// officers it accused of ..."). None unless the word before the verb is
    /// such a pronoun inside the sentence and a party opens the sentence.
    fn relative_subject(&mut self, s: usize, verb: usize, i: usize) -> Option<Speaker> {
        let before = self.text.get(s..verb)?.trim_end();
        let mut words = before.rsplit(' ');
        let mut last = words.next()?;
        if last.ends_with("ly") && last.len() > 4 {
            // "which it formally attributed"
            last = words.next()?;
        }
        if !matches!(last, "it" | "they") {
            return None;
        }
        let prev = words.next()?;
        // A pronoun opening its clause is resolved elsewhere.
        if prev.ends_with([',', ';', ':', '.'])
            || prev.chars().next().is_some_and(char::is_uppercase) && words.clone().next().is_none()
        {
            return None;
        }
        let opener = self
            .hits_of(s, verb, |p| matches!(p, Pat::Body(_) | Pat::State(_)))
            .into_iter()
            .next()
            .filter(|h| {
                self.text
                    .get(s..h.start)
                    .is_some_and(|t| t.split_whitespace().count() <= 2)
            });
        let Some(opener) = opener else {
            // "The foreign ministry summoned the ambassador over the
            // intrusion, which it blamed on ...": the official subject
            // before the sentence's first verb.
            let v0 = first_past_verb(self.text, s, verb)?;
            return self
                .parse_np(s, v0, i)
                .filter(|sp| sp.official && !sp.media && sp.org.is_some());
        };
        self.parse_np(s, opener.end, i)
            .filter(|sp| sp.official && sp.country.is_some())
    }
}

impl Ctx<'_> {
    /// [`clause_start`], but never inside a name the lexicon knows: the
    /// comma of "the Foreign, Commonwealth and Development Office" starts
    /// no clause.
    pub(super) fn clause_start_whole(&self, s: usize, pos: usize) -> usize {
        let mut cs = clause_start(self.text, s, pos);
        while let Some(h) = self.hits_in(s, pos).iter().find(|h| {
            h.start < cs
                && cs < h.end
                && h.end <= pos
                && matches!(h.pat, Pat::Body(_) | Pat::State(_) | Pat::Person(_))
        }) {
            let back = clause_start(self.text, s, h.start);
            if back >= cs {
                break;
            }
            cs = back;
        }
        cs
    }
}
