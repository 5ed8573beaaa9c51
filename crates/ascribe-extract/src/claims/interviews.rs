//! Interviews and transcripts: whose turn each paragraph is (labels such as
//! "MS. PSAKI:", an interviewer's questions, the interviewee's answers).

use super::*;

/// What a transcript's label names: a person ("MS. PSAKI:") or an office
/// ("SENIOR ADMINISTRATION OFFICIAL:").
enum Label {
    Name(String),
    Party(Speaker),
    /// "A:" after "Q:": the party the header names as answering.
    Answer,
}

impl Ctx<'_> {
    /// A transcript (press briefing, call): paragraphs open with the
    /// speaker's label in capitals ("MS. PSAKI:", "QUESTION:", "Q:"). Each
    /// labelled paragraph, and the unlabelled ones after it, are that
    /// speaker's turn; the questioners' turns are the interviewer's.
    pub(super) fn detect_transcript(&mut self) -> bool {
        const ASKS: &[&str] = &[
            "q",
            "question",
            "questions",
            "reporter",
            "journalist",
            "moderator",
            "operator",
            "participant",
            "audience",
            "host",
        ];
        const HONORIFIC: &[&str] = &[
            "mr",
            "ms",
            "mrs",
            "dr",
            "spokesperson",
            "spokesman",
            "spokeswoman",
            "ambassador",
            "secretary",
            "minister",
            "director",
            "general",
            "admiral",
            "senator",
        ];
        let n = self.sentences.len();
        let mut found: Vec<(usize, Option<Label>)> = Vec::new();
        for i in 0..n {
            if i > 0 && self.sentences[i].block == self.sentences[i - 1].block {
                continue;
            }
            let t = self.sent_text(i);
            // "MS. PSAKI:" (a briefing's style) or "Wang Wenbin:" (names
            // in title case, each word capitalised).
            let Some(colon) = crate::clean::turn_label(t) else {
                continue;
            };
            let label = t.get(..colon).unwrap_or("").trim();
            let words: Vec<&str> = label.split_whitespace().collect();
            let letters = label.chars().filter(|c| c.is_alphabetic()).count();
            let caps = !label.chars().any(char::is_lowercase);
            // The asking side: a news agency, or a paragraph that asks.
            let block = self.sentences[i].block;
            let at = self.sentences[i].start;
            let asks = self
                .sentences
                .iter()
                .skip(i)
                .take_while(|x| x.block == block)
                .last()
                .is_some_and(|x| x.question)
                || self
                    .hits_of(at, at + colon, |_| true)
                    .iter()
                    .any(|h| match h.pat {
                        Pat::Media => true,
                        Pat::Body(b) => BODIES.get(b).is_some_and(|d| d.kind == BodyKind::Media),
                        _ => false,
                    });
            // "AFP:", "NHK:", "TASS:" before a question: an outlet's
            // acronym asks, as "Bloomberg:" does.
            let acronym = words.len() == 1 && letters <= 6;
            if asks && (!caps || acronym) {
                found.push((i, None));
                continue;
            }
            let lower: Vec<String> = words
                .iter()
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                })
                .filter(|w| !w.is_empty())
                .collect();
            if lower.iter().any(|w| ASKS.contains(&w.as_str())) {
                found.push((i, None));
                continue;
            }
            if matches!(lower.as_slice(), [w] if w == "a" || w == "answer") {
                found.push((i, Some(Label::Answer)));
                continue;
            }
            let name: Vec<String> = lower
                .iter()
                .filter(|w| !HONORIFIC.contains(&w.as_str()))
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
                })
                .collect();
            let place = !self
                .hits_of(
                    self.sentences[i].start,
                    self.sentences[i].start + colon,
                    |p| matches!(p, Pat::State(_) | Pat::Body(_)),
                )
                .is_empty();
            if name.is_empty() || letters < 2 {
                continue;
            }
            if place {
                // "SENIOR ADMINISTRATION OFFICIAL:", "RUSSIAN FOREIGN MINISTRY:":
                // a briefing's label naming an office, not a person, speaks
                // for that office.
                let at = self.sentences[i].start;
                let party = if caps {
                    self.parse_np(at, at + colon, i)
                        .filter(|sp| sp.official && sp.country.is_some())
                } else {
                    None
                };
                if let Some(mut sp) = party {
                    sp.person = None;
                    found.push((i, Some(Label::Party(sp))));
                }
                continue;
            }
            // "SENIOR ADMINISTRATION OFFICIAL:", "PRESS SECRETARY:": role
            // words only name an office's voice, not a person.
            const ROLE: &[&str] = &[
                "senior",
                "administration",
                "official",
                "officials",
                "state",
                "department",
                "spokesperson",
                "spokesman",
                "spokeswoman",
                "press",
                "secretary",
                "deputy",
                "principal",
                "briefer",
                "government",
                "ministry",
                "foreign",
            ];
            if caps && lower.iter().all(|w| ROLE.contains(&w.as_str())) {
                found.push((
                    i,
                    Some(Label::Party(Speaker {
                        person: None,
                        org: Some(name.join(" ")),
                        country: None,
                        official: true,
                        media: false,
                    })),
                ));
                continue;
            }
            found.push((i, Some(Label::Name(name.join(" ")))));
        }
        // Both sides labelled: a dateline ("PRAGUE:") or a heading is not a
        // transcript.
        // (A briefer's label with an honorific, "MR. BOSSERT:", marks a
        // transcript even where the page is cut before the first question.)
        let briefer = found.iter().any(|(k, x)| {
            x.is_some() && {
                let t = self.sent_text(*k);
                ["MR. ", "MS. ", "MRS. ", "DR. "]
                    .iter()
                    .any(|h| t.starts_with(h))
            }
        });
        if !found.iter().any(|(_, x)| x.is_some())
            || !found.iter().any(|(_, x)| x.is_none()) && !briefer
        {
            return false;
        }
        let mut labels: Vec<Option<Speaker>> = vec![None; n];
        // The state each unknown answerer's turns name most, once per name
        // (a long transcript has many turns of one answerer).
        let mut turns_state: std::collections::HashMap<String, Option<&'static str>> =
            std::collections::HashMap::new();
        let mut header_answerer: Option<Option<Speaker>> = None;
        // Whether the header (before the first label) is a foreign
        // ministry's, read once.
        let head_end = found.first().map_or(0, |x| x.0);
        let foreign_head = {
            let head = (0..head_end.min(6))
                .map(|k| self.sent_text(k).to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            head.contains("foreign ministry") || head.contains("ministry of foreign affairs")
        };
        let mut first: Option<Speaker> = None;
        for (k, (i, name)) in found.iter().enumerate() {
            let end = found.get(k + 1).map_or(n, |x| x.0);
            let briefing = self
                .sent_text(*i)
                .split(':')
                .next()
                .is_some_and(|l| !l.chars().any(char::is_lowercase));
            let sp = name.as_ref().map(|label| {
                let mut sp = match label {
                    Label::Name(nm) => self.person_speaker(nm),
                    Label::Party(sp) => sp.clone(),
                    Label::Answer => header_answerer
                        .get_or_insert_with(|| self.answerer_in_header(head_end))
                        .clone()
                        .unwrap_or_default(),
                };
                // "Foreign Ministry Spokesperson Zhao Ming's Regular Press
                // Conference": the title the header gives the name.
                if let (Label::Name(nm), None) = (label, &sp.org) {
                    if let Some(x) = self.titled_in_header(nm, head_end) {
                        sp = x;
                    }
                }
                // A briefer answering the press ("MS. PSAKI:") speaks for an
                // office; others are as the knowledge base knows them.
                sp.official |= briefing;
                // "Regular Press Conference of the Foreign Ministry" and an
                // answerer the knowledge base does not know: the state its
                // answers name most ("China firmly opposes ...", "the
                // Chinese side") is the one its ministry speaks for. (Only
                // under a foreign ministry's header: an accuser's briefing
                // names the state it accuses most.)
                if let (None, true, Label::Name(nm)) = (&sp.country, foreign_head, label) {
                    let state = *turns_state.entry(nm.clone()).or_insert_with(|| {
                        // All of this name's turns.
                        let turns: Vec<(usize, usize)> = found
                            .iter()
                            .enumerate()
                            .filter(|(_, (_, l))| matches!(l, Some(Label::Name(a)) if a == nm))
                            .map(|(k2, (j, _))| (*j, found.get(k2 + 1).map_or(n, |x| x.0)))
                            .collect();
                        self.state_of_turns(&turns)
                    });
                    if let Some(c) = state {
                        let stateless = sp
                            .org
                            .as_deref()
                            .is_none_or(|o| o.starts_with("Ministry") || o.starts_with("Foreign"));
                        if stateless {
                            sp.org = Some(format!(
                                "{} Ministry of Foreign Affairs",
                                speakers::country_prefix(c)
                            ));
                        }
                        sp.country = Some(c.to_owned());
                        sp.official = true;
                    }
                }
                sp
            });
            if first.is_none() {
                first.clone_from(&sp);
            }
            for j in *i..end {
                if let Some(st) = self.sentences.get_mut(j) {
                    st.turn = if sp.is_some() {
                        Turn::Interviewee
                    } else {
                        Turn::Interviewer
                    };
                }
                if let Some(l) = labels.get_mut(j) {
                    l.clone_from(&sp);
                }
            }
        }
        self.labels = labels;
        self.transcript_from = found.first().map_or(0, |x| x.0);
        self.interviewee = first;
        self.interviewer = Some(Speaker {
            person: None,
            org: None,
            country: None,
            official: false,
            media: true,
        });
        true
    }

    /// The state one speaker's turns (sentence ranges) name most, when it
    /// is named at least twice and more often than any other.
    fn state_of_turns(&self, turns: &[(usize, usize)]) -> Option<&'static str> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for &(a, b) in turns {
            let (Some(x), Some(y)) = (self.sentences.get(a), self.sentences.get(b.max(a + 1) - 1))
            else {
                continue;
            };
            for h in self
                .hits_of(x.start, y.end, |p| matches!(p, Pat::State(_)))
                .iter()
            {
                if let Pat::State(k) = h.pat {
                    if let Some(d) = STATES.get(k) {
                        match counts.iter_mut().find(|(n, _)| *n == d.name) {
                            Some((_, c)) => *c += 1,
                            None => counts.push((d.name, 1)),
                        }
                    }
                }
            }
        }
        counts.sort_by_key(|q| std::cmp::Reverse(q.1));
        match counts[..] {
            [(n, c), ..] if c >= 2 && counts.get(1).is_none_or(|(_, d)| c > *d) => Some(n),
            _ => None,
        }
    }

    /// Who answers a "Q:"/"A:" transcript: the official party its header
    /// names ("Response to Media Query by Spokesperson of Chinese Embassy
    /// in New Zealand", "Foreign Ministry Spokesperson's Remarks on ...").
    fn answerer_in_header(&mut self, head_end: usize) -> Option<Speaker> {
        for i in 0..head_end.min(6) {
            let st = self.sentences.get(i)?;
            let (a, b) = (st.start, st.end);
            let parties = self.hits_of(a, b, |p| {
                matches!(
                    p,
                    Pat::Body(_) | Pat::Bloc(_) | Pat::State(_) | Pat::Title(_)
                )
            });
            for h in parties {
                // The noun phrase from the party to the next preposition
                // that ends a name ("... Embassy in New Zealand on ...").
                let rest = self.text.get(h.start..b).unwrap_or("");
                let end = [" on ", " regarding ", " about ", " concerning ", "\n"]
                    .iter()
                    .filter_map(|w| rest.find(w))
                    .min()
                    .unwrap_or(rest.len());
                if let Some(sp) = self
                    .parse_np(h.start, h.start + end, i)
                    .filter(|sp| sp.official && sp.country.is_some())
                {
                    return Some(Speaker { person: None, ..sp });
                }
            }
        }
        None
    }

    /// The speaker a header line before the first label makes of `name`
    /// with its title, if it gives one.
    fn titled_in_header(&mut self, name: &str, head_end: usize) -> Option<Speaker> {
        for i in 0..head_end.min(6) {
            let st = self.sentences.get(i)?;
            let (a, b) = (st.start, st.end);
            let Some(p) = self.text.get(a..b).and_then(|t| t.find(name)) else {
                continue;
            };
            let np_end = a + p + name.len();
            let x = self.parse_np(a, np_end, i)?;
            if x.person.as_deref() == Some(name) && x.org.is_some() {
                return Some(x);
            }
            if let Some(x) = self.post_after_name(name, np_end, b, i) {
                return Some(x);
            }
        }
        None
    }

    /// "Daniel Voss, head of Germany's Federal Office for Information
    /// Security": the name with the post the words after its comma give,
    /// when they name an official party.
    pub(super) fn post_after_name(
        &mut self,
        name: &str,
        at: usize,
        e: usize,
        i: usize,
    ) -> Option<Speaker> {
        let rest = self.text.get(at..e)?;
        let post = rest.strip_prefix(", ")?;
        let len = post.find([',', ';', '\n', '(']).unwrap_or(post.len());
        let post = post.get(..len)?.trim_end_matches(['.', ' ']);
        if post.is_empty() || post.split_whitespace().count() > 12 {
            return None;
        }
        let a = at + 2;
        let x = self.parse_np(a, a + post.len(), i)?;
        if x.person.is_some() || !x.official || x.org.is_none() && x.country.is_none() {
            return None;
        }
        let mut sp = Speaker {
            person: Some(name.to_owned()),
            ..x
        };
        // "A Chinese military spokesperson said ... Zhang Xiaogang,
        // spokesperson for the Ministry of National Defense": a post with
        // no state of its own is the one an unnamed holder of the same post
        // was given before.
        if sp.country.is_none() {
            let lower_post = post.to_lowercase();
            let earlier = self.posts.iter().rev().find(|(t, p)| {
                p.country.is_some()
                    && TITLES
                        .get(*t)
                        .and_then(|x| x.title.split_whitespace().last())
                        .is_some_and(|r| lower_post.contains(&r.to_lowercase()))
            });
            if let Some((_, p)) = earlier {
                sp.country.clone_from(&p.country);
            } else {
                // Or a state's adjective right before the same post word
                // earlier in the text ("A Chinese military spokesperson
                // condemned ...").
                let role = lower_post
                    .split_whitespace()
                    .find(|w| !["a", "an", "the"].contains(w))
                    .filter(|w| ["spokesperson", "spokesman", "spokeswoman"].contains(w));
                if let Some(role) = role {
                    let before = self.text.get(..at).unwrap_or("");
                    let lower = before.to_lowercase();
                    let state = lower.match_indices(role).find_map(|(k, _)| {
                        self.hits_of(k.saturating_sub(30), k, |p| matches!(p, Pat::State(_)))
                            .last()
                            .and_then(|h| match h.pat {
                                Pat::State(x) => STATES.get(x).map(|d| d.name.to_owned()),
                                _ => None,
                            })
                    });
                    if state.is_some() {
                        sp.country = state;
                    }
                }
            }
        }
        // "spokesperson for the Ministry of National Defense": the body,
        // not the post, is the organisation.
        if let Some(org) = &sp.org {
            let lower = org.to_lowercase();
            let cut = [
                "spokesperson",
                "spokesman",
                "spokeswoman",
                "a spokesperson",
                "a spokesman",
                "a spokeswoman",
                "the spokesperson",
                "the spokesman",
                "the spokeswoman",
            ]
            .iter()
            .flat_map(|r| {
                [" for the ", " for ", " of the ", " of ", " at the ", " at "]
                    .map(|p| format!("{r}{p}"))
            })
            .find(|p| lower.starts_with(p.as_str()))
            .map(|p| p.len());
            if let Some(k) = cut {
                sp.org = org.get(k..).map(str::to_owned);
            }
        }
        self.remember(&sp, None);
        Some(sp)
    }

    pub(super) fn detect_interview(&mut self) {
        if self.detect_transcript() {
            return;
        }
        let n = self.sentences.len();
        let questions = self.sentences.iter().filter(|s| s.question).count();
        let head: String = (0..n.min(12))
            .map(|i| self.sent_text(i).to_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let lower = head.to_lowercase();
        let marker = [
            "speaks to",
            "talks to",
            "interview",
            "in conversation with",
            "hardtalk",
            "welcome to",
        ]
        .iter()
        .any(|m| lower.contains(m));
        if !((questions >= 2 && marker) || (questions >= 4 && questions * 8 >= n)) {
            return;
        }
        // "X speaks to Y" names both sides.
        for verb in [
            "speaks to",
            "talks to",
            "interviews",
            "in conversation with",
            "interview with",
        ] {
            if let Some(p) = lower.find(verb) {
                let before = head.get(..p).unwrap_or("");
                let after = head.get(p + verb.len()..).unwrap_or("");
                let name_after = capitalized_name(after.trim_start());
                let name_before = before
                    .rsplit([',', '.'])
                    .next()
                    .and_then(|s| last_capitalized_name(s.trim()));
                if let Some(y) = name_after {
                    let mut sp = self.person_speaker(&y);
                    // "Viktor Sokolov, the spokesman for the Russian foreign ministry".
                    if sp.country.is_none() {
                        let found = (0..n.min(12)).find_map(|i| {
                            let st = self.sentences.get(i)?;
                            let t = self.text.get(st.start..st.end)?;
                            t.find(y.as_str()).map(|p| (i, st.start + p, st.end))
                        });
                        if let Some((i, a, b)) = found {
                            if let Some(x) = self.parse_np(a, b, i) {
                                if x.person.as_deref() == Some(y.as_str()) {
                                    sp = x;
                                }
                            }
                            if sp.country.is_none() {
                                if let Some(x) = self.post_after_name(&y, a + y.len(), b, i) {
                                    sp = x;
                                }
                            }
                        }
                    }
                    self.interviewee = Some(sp);
                }
                if let Some(x) = name_before {
                    self.interviewer = Some(Speaker {
                        person: Some(x),
                        org: None,
                        country: None,
                        official: false,
                        media: true,
                    });
                }
                break;
            }
        }
        if self.interviewee.is_none() {
            return;
        }
        let mut turn = Turn::Interviewer;
        for i in 0..n {
            let (first, second) = persons(self.sent_text(i));
            let question = self.sentences[i].question;
            let t_turn = if question {
                Turn::Interviewer
            } else if first && !second {
                Turn::Interviewee
            } else if second && !first {
                Turn::Interviewer
            } else if i > 0 && self.sentences[i - 1].question {
                Turn::Interviewee
            } else {
                turn
            };
            self.sentences[i].turn = t_turn;
            turn = t_turn;
        }
    }

    pub(super) fn turn_speaker(&self, sent: usize) -> Option<Speaker> {
        if let Some(Some(sp)) = self.labels.get(sent) {
            return Some(sp.clone());
        }
        match self.sentences.get(sent)?.turn {
            Turn::Interviewee => self.interviewee.clone(),
            _ => None,
        }
    }
}

/// Words of the first person (we, our, I, me ...) and of the second (you,
/// your ...) compared without case, but "US" stays the country.
const FIRST: &[&str] = &[
    "we",
    "our",
    "us",
    "ourselves",
    "i'm",
    "i",
    "me",
    "my",
    "we're",
    "we’re",
    "i’m",
];
const SECOND: &[&str] = &["you", "your", "you're", "you’re", "you've", "you’ve"];

/// Whether `t` has a word of the first person and one of the second. A
/// word is a run of letters, digits and apostrophes. Read a byte at a
/// time, with characters decoded only past ASCII, and only words short
/// enough and with the right first letter compared: this runs over every
/// sentence of an interview.
fn persons(t: &str) -> (bool, bool) {
    let (mut first, mut second) = (false, false);
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // The word that starts at `i`, if any.
        let start = i;
        while let Some(&b) = bytes.get(i) {
            let len = if b < 0x80 {
                if !(b.is_ascii_alphanumeric() || b == b'\'') {
                    break;
                }
                1
            } else {
                match t.get(i..).and_then(|r| r.chars().next()) {
                    Some(c) if c.is_alphanumeric() || c == '’' => c.len_utf8(),
                    _ => break,
                }
            };
            i += len;
        }
        if i == start {
            // A separator: one character on.
            i += t
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            continue;
        }
        let w = t.get(start..i).unwrap_or("");
        // The longest of the words is "ourselves" (9 bytes).
        if w.len() > 9 || w == "US" {
            continue;
        }
        match bytes.get(start).map(u8::to_ascii_lowercase) {
            Some(b'y') => second |= SECOND.iter().any(|f| w.eq_ignore_ascii_case(f)),
            Some(b'w' | b'o' | b'u' | b'i' | b'm') => {
                first |= FIRST.iter().any(|f| w.eq_ignore_ascii_case(f));
            }
            _ => {}
        }
        if first && second {
            break;
        }
    }
    (first, second)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words split and compared as `persons` did before it read bytes.
    fn by_split(t: &str) -> (bool, bool) {
        let (mut first, mut second) = (false, false);
        for w in t
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| !w.is_empty() && *w != "US")
        {
            first |= FIRST.iter().any(|f| w.eq_ignore_ascii_case(f));
            second |= SECOND.iter().any(|f| w.eq_ignore_ascii_case(f));
        }
        (first, second)
    }

    #[test]
    fn persons_reads_words_as_a_split_on_separators_does() {
        let texts = [
            "",
            "We reject this.",
            "Do you accept that Russian military hackers attacked the Olympic committee?",
            "You’re saying we’re to blame, but I’m sure YOU'VE seen it. US officials said so.",
            "Ourselves, OURSELVES; ourselvesx us US Us uS i I i'm I’M my-me",
            "caf\u{e9}-you na\u{ef}ve\u{2014}we \u{201c}I\u{201d} (you) \u{130}you y\u{f6}u w\u{e9}",
            "'we' 'you' we' you' ’we’ you’ve you've you’ve’ \u{a0}we\u{a0}you\u{3000}",
            "youyou wewe 123you you123 _you_ -we- i\u{2019}m i\u{2018}m",
        ];
        for t in texts {
            assert_eq!(persons(t), by_split(t), "{t:?}");
        }
    }
}
