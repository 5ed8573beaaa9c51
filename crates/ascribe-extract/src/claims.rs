//! The claim extractor: sentences, quotations and interview turns, who
//! speaks, what they say about whom, and how sure they say they are.
//!
//! The rules follow how news and statements are written: reported speech
//! before or after the quote ("X said", "..., the spokesman said"), sources
//! ("according to", "as claimed by"), accusation verbs ("accused X of"),
//! denial verbs and wording, passive attributions with no agent, and the
//! turns of an interview, where the journalist's questions are nobody's claim
//! unless they relay a named party's accusation.

use ascribe_kb::{BodyKind, KnowledgeBase, TitleOrg, BODIES, PEOPLE, STATES, TITLES};
use ascribe_model::{Band, ClaimKind, Icd203, Phia};

use crate::clean::Cleaned;
use crate::lexicon::{band, scan, Hit, Pat};

/// A claim found in the clean text, before offsets are mapped back.
#[derive(Debug, Clone, PartialEq)]
pub struct RawClaim {
    pub kind: ClaimKind,
    pub speaker: Option<String>,
    pub speaker_org: Option<String>,
    pub speaker_country: Option<String>,
    /// Who relayed the claim when it is second-hand (a newspaper, an interviewer).
    pub reporter: Option<String>,
    pub target: Option<String>,
    pub target_canonical: Option<String>,
    pub target_state: Option<String>,
    pub operation: Option<String>,
    pub confidence_phrase: Option<String>,
    pub confidence_band: Option<u8>,
    /// Clean-text range of the quote.
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
}

impl RawClaim {
    fn speaker_key(&self) -> String {
        if let Some(p) = &self.speaker {
            return p.to_lowercase();
        }
        self.speaker_org.clone().unwrap_or_default().to_lowercase()
    }
}

/// The PHIA band, PHIA term and ICD 203 term for a confidence band id.
pub fn band_of(id: u8) -> (Band, Phia, Icd203) {
    let phia = match id {
        band::ALMOST_CERTAIN => Phia::AlmostCertain,
        band::HIGHLY_LIKELY => Phia::HighlyLikely,
        band::LIKELY => Phia::Likely,
        band::POSSIBLE => Phia::RealisticPossibility,
        band::UNLIKELY => Phia::Unlikely,
        band::HIGHLY_UNLIKELY => Phia::HighlyUnlikely,
        _ => Phia::RemoteChance,
    };
    let b = phia.band();
    (b, phia, Icd203::from_probability(b.midpoint()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Narrative,
    Interviewer,
    Interviewee,
}

#[derive(Debug, Clone)]
struct Sentence {
    start: usize,
    end: usize,
    block: usize,
    heading: bool,
    question: bool,
    /// Quotation group: sentences joined by one quotation share it.
    group: Option<usize>,
    /// Share of the sentence inside quotation marks.
    quoted: f32,
    turn: Turn,
}

/// Who speaks.
#[derive(Debug, Clone, Default, PartialEq)]
struct Speaker {
    person: Option<String>,
    org: Option<String>,
    country: Option<String>,
    official: bool,
    media: bool,
}

impl Speaker {
    fn is_empty(&self) -> bool {
        self.person.is_none() && self.org.is_none() && self.country.is_none()
    }
    fn key(&self) -> String {
        if self.media {
            return "media".to_owned();
        }
        self.person
            .clone()
            .or_else(|| self.org.clone())
            .unwrap_or_default()
            .to_lowercase()
    }
}

#[derive(Debug, Clone)]
struct Person {
    name: String,
    title: Option<usize>,
    speaker: Speaker,
}

/// A party a claim names as responsible.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    text: String,
    canonical: Option<String>,
    state: Option<String>,
    start: usize,
    end: usize,
    group: bool,
}

#[derive(Debug, Clone)]
struct Relation {
    targets: Vec<Target>,
    op: Option<String>,
    conf: Option<(usize, usize, u8)>,
    negated: bool,
    conditional: bool,
    hedged: bool,
    affiliation: bool,
}

struct Ctx<'a> {
    text: &'a str,
    hits: Vec<Hit>,
    sentences: Vec<Sentence>,
    people: Vec<Person>,
    kb: &'a KnowledgeBase,
    interviewer: Option<Speaker>,
    interviewee: Option<Speaker>,
    last_group: Option<Target>,
    /// States the document ties to an operation (outside questions and the
    /// accused's own words).
    accused: Vec<String>,
    /// Set while reading a statement that answers accusations ("the
    /// accusations by the US are groundless"): its speaker is the accused side.
    answering: std::cell::Cell<bool>,
    /// Set while an "I"/"we" looks for its speaker in the quote's attribution, whose own
    /// "I"/"we" must not look again (that loop overflowed the stack on fuzzed input).
    resolving_pronoun: bool,
    /// Per sentence, the speaker a transcript's label gives it ("MS. PSAKI:").
    labels: Vec<Option<Speaker>>,
    /// The first sentence of a transcript's labelled turns.
    transcript_from: usize,
    /// "... Deputy Spokesperson Ngo Toan Thang stated:" and the block that
    /// follows: (that block, its speaker).
    colon_speaker: Option<(usize, Speaker)>,
}

/// Finds the claims in a cleaned document.
pub fn extract(cleaned: &Cleaned<'_>) -> Vec<RawClaim> {
    extract_with(cleaned, crate::lexicon::lexicon(), KnowledgeBase::builtin())
}

/// [`extract`] with a lexicon built from `kb` (group indices must agree).
pub(crate) fn extract_with(
    cleaned: &Cleaned<'_>,
    lex: &crate::lexicon::Lexicon,
    kb: &KnowledgeBase,
) -> Vec<RawClaim> {
    if cleaned.text.is_empty() {
        return Vec::new();
    }
    let text = cleaned.text.as_str();
    let sentences = split_sentences(cleaned);
    // Context (who spoke, what was said before) does not reach further than
    // a long article: a huge input is read in windows of whole blocks, so
    // time and memory stay linear in its size.
    let mut out = Vec::new();
    let mut from = 0;
    while from < sentences.len() {
        let start = sentences[from].start;
        let mut to = from + 1;
        while to < sentences.len()
            && (sentences[to].end - start < CHUNK
                || sentences[to].block == sentences[to - 1].block
                    && sentences[to].end - start < 2 * CHUNK)
        {
            to += 1;
        }
        let end = sentences[to - 1].end;
        let mut hits = crate::lexicon::scan_with(lex, text.get(start..end).unwrap_or(""));
        for h in &mut hits {
            h.start += start;
            h.end += start;
        }
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut ctx = Ctx {
            text,
            hits,
            sentences: sentences.get(from..to).unwrap_or(&[]).to_vec(),
            people: Vec::new(),
            kb,
            interviewer: None,
            interviewee: None,
            last_group: None,
            accused: Vec::new(),
            answering: std::cell::Cell::new(false),
            resolving_pronoun: false,
            labels: Vec::new(),
            transcript_from: 0,
            colon_speaker: None,
        };
        ctx.mark_quotes();
        ctx.detect_interview();
        ctx.find_accused();
        out.extend(ctx.run());
        from = to;
    }
    out
}

/// The window a document is read in, in bytes of clean text.
const CHUNK: usize = 256 * 1024;

/// One line per sentence with its turn, quotation share and frames, for
/// tuning rules (`ASCRIBE_EXTRACT_DEBUG=1` in the seed test prints it).
pub fn debug_sentences(cleaned: &Cleaned<'_>) -> Vec<String> {
    let text = cleaned.text.as_str();
    let mut hits = scan(text);
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let sentences = split_sentences(cleaned);
    let mut ctx = Ctx {
        text,
        hits,
        sentences,
        people: Vec::new(),
        kb: KnowledgeBase::builtin(),
        interviewer: None,
        interviewee: None,
        last_group: None,
        accused: Vec::new(),
        answering: std::cell::Cell::new(false),
        resolving_pronoun: false,
        labels: Vec::new(),
        transcript_from: 0,
        colon_speaker: None,
    };
    ctx.mark_quotes();
    ctx.detect_interview();
    ctx.find_accused();
    let mut out = vec![format!(
        "interviewer={:?} interviewee={:?} accused={:?}",
        ctx.interviewer, ctx.interviewee, ctx.accused
    )];
    for i in 0..ctx.sentences.len() {
        ctx.learn_people(i);
        let frames = ctx.frames(i);
        let (a, b) = (ctx.sentences[i].start, ctx.sentences[i].end);
        let rel = ctx.relation(a, b, i, None).map(|r| {
            (
                r.targets.iter().map(|t| t.text.clone()).collect::<Vec<_>>(),
                r.negated,
                r.conditional,
            )
        });
        let s = &ctx.sentences[i];
        out.push(format!(
            "[{i}] {:?} q={:.2} g={:?} ?={} {:?}\n    rel: {rel:?}\n    frames: {:?}",
            s.turn,
            s.quoted,
            s.group,
            s.question,
            ctx.text
                .get(s.start..s.end)
                .unwrap_or("")
                .chars()
                .take(100)
                .collect::<String>(),
            frames
                .iter()
                .map(|f| (
                    f.kind,
                    f.speaker.as_ref().map(|x| (
                        x.person.clone(),
                        x.org.clone(),
                        x.country.clone()
                    ))
                ))
                .collect::<Vec<_>>()
        ));
    }
    out
}

// ---------------------------------------------------------------------------
// Sentences and quotations.

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "col", "lt", "sgt", "gov", "sen", "rep",
    "prof", "inc", "ltd", "co", "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.u", "u.n", "a.m", "p.m",
    "cf", "fig", "maj", "capt", "adm", "rev", "hon", "est", "approx", "dept", "univ",
];

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '«' | '„')
}

fn split_sentences(cleaned: &Cleaned<'_>) -> Vec<Sentence> {
    let text = cleaned.text.as_str();
    let mut out = Vec::new();
    for (bi, b) in cleaned.blocks.iter().enumerate() {
        let Some(block) = text.get(b.start..b.end) else {
            continue;
        };
        let bytes = block.as_bytes();
        let mut start = 0;
        // Stops: '.', '!', '?' and the ellipsis (E2 80 A6, found by its last byte).
        for pos in memchr::memchr3_iter(b'.', b'!', b'?', bytes).chain(std::iter::empty()) {
            if pos < start {
                continue;
            }
            let c = char::from(bytes[pos]);
            // Swallow closing quotes and brackets.
            let mut j = pos + 1;
            while let Some(ch) = block.get(j..).and_then(|r| r.chars().next()) {
                if matches!(ch, '"' | '”' | '’' | '\'' | ')' | '»' | '.' | '?' | '!') {
                    j += ch.len_utf8();
                } else {
                    break;
                }
            }
            let after = block.get(j..).unwrap_or("");
            let next_ws = after.chars().next().is_none_or(char::is_whitespace);
            let rest = after.trim_start();
            let k = block.len() - rest.len();
            let next = rest.chars().next();
            let upper_next = next.is_none_or(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || is_open_quote(n)
                    || n == '‘'
                    || n == '-'
                    || n == '—'
            });
            let abbrev = c == '.' && {
                let word = block
                    .get(..pos)
                    .unwrap_or("")
                    .rsplit(|ch: char| ch.is_whitespace() || ch == '(' || is_open_quote(ch))
                    .next()
                    .unwrap_or("");
                word.len() <= 8 && {
                    let w = word.to_lowercase();
                    ABBREV.contains(&w.as_str())
                        || (w.chars().count() == 1 && w.chars().all(char::is_alphabetic))
                }
            };
            let question_break = c == '?' && next.is_some();
            if next_ws && (upper_next || question_break) && !abbrev {
                push_sentence(
                    &mut out,
                    cleaned,
                    bi,
                    b.start + start,
                    b.start + j,
                    c == '?',
                );
                start = k;
            }
        }
        if start < block.len() {
            let question = block.trim_end().ends_with('?');
            push_sentence(&mut out, cleaned, bi, b.start + start, b.end, question);
        }
    }
    out
}

fn push_sentence(
    out: &mut Vec<Sentence>,
    cleaned: &Cleaned<'_>,
    block: usize,
    s: usize,
    e: usize,
    question: bool,
) {
    let Some(t) = cleaned.text.get(s..e) else {
        return;
    };
    if t.trim().is_empty() {
        return;
    }
    let lead = t.len() - t.trim_start().len();
    let trail = t.len() - t.trim_end().len();
    out.push(Sentence {
        start: s + lead,
        end: e - trail,
        block,
        heading: cleaned.blocks.get(block).is_some_and(|b| b.heading),
        question,
        group: None,
        quoted: 0.0,
        turn: Turn::Narrative,
    });
}

impl Ctx<'_> {
    fn sent_text(&self, i: usize) -> &str {
        self.sentences
            .get(i)
            .and_then(|s| self.text.get(s.start..s.end))
            .unwrap_or("")
    }

    fn hits_in(&self, s: usize, e: usize) -> &[Hit] {
        let a = self.hits.partition_point(|h| h.start < s);
        let b = self.hits.partition_point(|h| h.start < e);
        let b = b.max(a);
        let slice = self.hits.get(a..b).unwrap_or(&[]);
        // Hits that run past `e` are cut off by the caller's range checks.
        slice
    }

    fn hits_of(&self, s: usize, e: usize, f: impl Fn(Pat) -> bool) -> Vec<Hit> {
        self.hits_in(s, e)
            .iter()
            .filter(|h| h.end <= e && f(h.pat))
            .copied()
            .collect()
    }

    /// Marks which sentences are inside a quotation and groups sentences
    /// joined by one quotation (at most four sentences, within a block).
    fn mark_quotes(&mut self) {
        let n = self.sentences.len();
        let mut group_id = 0;
        let mut i = 0;
        while i < n {
            let (s, e, block) = {
                let x = &self.sentences[i];
                (x.start, x.end, x.block)
            };
            let t = self.text.get(s..e).unwrap_or("");
            // Quote toggles in this sentence.
            let marks: Vec<(usize, char)> = t
                .char_indices()
                .filter(|(_, c)| matches!(c, '"' | '“' | '”' | '«' | '»' | '„'))
                .collect();
            if marks.is_empty() {
                i += 1;
                continue;
            }
            // Find whether the sentence leaves a quotation open.
            let mut open = false;
            let mut inside = 0usize;
            let mut last_open = 0usize;
            for &(p, c) in &marks {
                let opening = match c {
                    '“' | '«' | '„' => true,
                    '”' | '»' => false,
                    _ => !open,
                };
                if opening && !open {
                    open = true;
                    last_open = p;
                } else if !opening && open {
                    open = false;
                    inside += p - last_open;
                }
            }
            if !open {
                self.sentences[i].quoted = inside as f32 / t.len().max(1) as f32;
                i += 1;
                continue;
            }
            // Open at the end: look for the close in the next sentences.
            let mut close_at = None;
            for j in i + 1..(i + 5).min(n) {
                if self.sentences[j].block != block {
                    break;
                }
                let tj = self.sent_text(j);
                if tj.contains(['”', '»', '"']) {
                    close_at = Some(j);
                    break;
                }
            }
            let Some(j) = close_at else {
                inside += t.len() - last_open;
                self.sentences[i].quoted = inside as f32 / t.len().max(1) as f32;
                i += 1;
                continue;
            };
            group_id += 1;
            inside += t.len() - last_open;
            self.sentences[i].quoted = inside as f32 / t.len().max(1) as f32;
            self.sentences[i].group = Some(group_id);
            for k in i + 1..=j {
                self.sentences[k].group = Some(group_id);
                let tk = self.sent_text(k);
                let close = tk.find(['”', '»', '"']).unwrap_or(tk.len());
                self.sentences[k].quoted = if k < j {
                    1.0
                } else {
                    close as f32 / tk.len().max(1) as f32
                };
            }
            i = j + 1;
        }
    }

    // -----------------------------------------------------------------------
    // Interviews.

    /// A transcript (press briefing, call): paragraphs open with the
    /// speaker's label in capitals ("MS. PSAKI:", "QUESTION:", "Q:"). Each
    /// labelled paragraph, and the unlabelled ones after it, are that
    /// speaker's turn; the questioners' turns are the interviewer's.
    fn detect_transcript(&mut self) -> bool {
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
        let mut found: Vec<(usize, Option<String>)> = Vec::new();
        for i in 0..n {
            if i > 0 && self.sentences[i].block == self.sentences[i - 1].block {
                continue;
            }
            let t = self.sent_text(i);
            let Some(colon) = t.get(..t.len().min(48)).and_then(|h| h.find(':')) else {
                continue;
            };
            let label = t.get(..colon).unwrap_or("").trim();
            let words: Vec<&str> = label.split_whitespace().collect();
            let letters = label.chars().filter(|c| c.is_alphabetic()).count();
            // "MS. PSAKI:" (a briefing's style) or "Wang Wenbin:" (names
            // in title case, each word capitalised).
            let caps = !label.chars().any(char::is_lowercase);
            let titled = words.iter().all(|w| w.starts_with(char::is_uppercase));
            if words.is_empty()
                || words.len() > 4
                || letters < 1
                || label.chars().any(|c| c.is_ascii_digit())
                || !(caps || titled)
            {
                continue;
            }
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
            if asks && !caps {
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
            if name.is_empty() || letters < 2 || place {
                continue;
            }
            found.push((i, Some(name.join(" "))));
        }
        // Both sides labelled: a dateline ("PRAGUE:") or a heading is not a
        // transcript.
        if !found.iter().any(|(_, x)| x.is_some()) || !found.iter().any(|(_, x)| x.is_none()) {
            return false;
        }
        let mut labels: Vec<Option<Speaker>> = vec![None; n];
        let mut first: Option<Speaker> = None;
        for (k, (i, name)) in found.iter().enumerate() {
            let end = found.get(k + 1).map_or(n, |x| x.0);
            let briefing = self
                .sent_text(*i)
                .split(':')
                .next()
                .is_some_and(|l| !l.chars().any(char::is_lowercase));
            let sp = name.as_ref().map(|nm| {
                let mut sp = self.person_speaker(nm);
                // A briefer answering the press ("MS. PSAKI:") speaks for an
                // office; others are as the knowledge base knows them.
                sp.official |= briefing;
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

    fn detect_interview(&mut self) {
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
            // Words compared without case, but "US" stays the country.
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
            let (mut first, mut second) = (false, false);
            for w in self
                .sent_text(i)
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
                .filter(|w| !w.is_empty() && *w != "US")
            {
                first |= FIRST.iter().any(|f| w.eq_ignore_ascii_case(f));
                second |= SECOND.iter().any(|f| w.eq_ignore_ascii_case(f));
            }
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

    // -----------------------------------------------------------------------
    // People and speakers.

    fn person_speaker(&mut self, name: &str) -> Speaker {
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

    fn find_person(&self, name: &str) -> Option<&Person> {
        let last = name.split_whitespace().last().unwrap_or(name);
        self.people.iter().rev().find(|p| {
            p.name == name || p.name.split_whitespace().last() == Some(last) && last.len() > 2
        })
    }

    fn remember(&mut self, sp: &Speaker, title: Option<usize>) {
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

    /// Parses a noun phrase naming a speaker.
    fn parse_np(&mut self, s: usize, e: usize, sent: usize) -> Option<Speaker> {
        // Trailing auxiliaries and adverbs belong to the verb: "agencies have".
        let mut e = e;
        loop {
            let t = self.text.get(s..e)?.trim_end();
            let last = t.rsplit(char::is_whitespace).next().unwrap_or("");
            let l = last.to_lowercase();
            let wd = [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
                "yesterday",
                "today",
                "tonight",
                "earlier",
                "later",
                "week",
                "month",
                "year",
            ];
            if !last.is_empty() && last.len() < t.len() && wd.contains(&l.trim_end_matches(',')) {
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
                ]
                .contains(&l.as_str())
                    || l.ends_with("ly") && l.len() > 4)
            {
                e = s + t.len() - last.len();
                continue;
            }
            break;
        }
        let np = self.text.get(s..e)?.trim();
        if np.is_empty() || np.split_whitespace().count() > 16 {
            return None;
        }
        let hits = self.hits_of(s, e, |_| true);
        let mut sp = Speaker::default();
        let mut title: Option<usize> = None;
        let mut body: Option<usize> = None;
        let mut state: Option<usize> = None;
        let mut state_hit: Option<Hit> = None;
        let mut known: Option<usize> = None;
        let mut pron: Option<u8> = None;
        let mut official = false;
        let mut unofficial = false;
        let mut media: Option<Hit> = None;
        let mut exec_possessor = false;
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
                            && !NOT_NAMES.contains(&next_word);
                        let prev_word = before.rsplit(' ').next().unwrap_or("");
                        let cap_before = prev_word.chars().next().is_some_and(char::is_uppercase)
                            && prev_word.chars().skip(1).all(char::is_lowercase)
                            && !NOT_NAMES.contains(&prev_word)
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
                Pat::Body(i) => body = Some(i),
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
        if np.to_lowercase().contains("presidential") {
            exec_possessor = true;
        }
        // One word naming a person met before: "Peskov said", "Mao said"
        // (the surname comes first in Chinese, Korean and Vietnamese names).
        if known.is_none() && title.is_none() && body.is_none() && state.is_none() {
            let w = np.trim();
            if !w.contains(' ')
                && w.len() > 2
                && w.starts_with(char::is_uppercase)
                && w.chars().skip(1).all(char::is_lowercase)
                && !NOT_NAMES.contains(&w)
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
                if let Some(n) = &name {
                    if n != p.name && !p.name.ends_with(n.as_str()) && !n.ends_with(p.surname) {
                        let possessed = self
                            .text
                            .get(s..e)
                            .unwrap_or("")
                            .contains(&format!("{}'s", p.surname))
                            || self
                                .text
                                .get(s..e)
                                .unwrap_or("")
                                .contains(&format!("{}’s", p.surname));
                        if possessed {
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
                    let q = self.quote_speaker(sent).or_else(|| self.turn_speaker(sent));
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
            let definite = np.to_lowercase().starts_with("the ");
            if definite && body.is_none() && state.is_none() {
                if let Some(p) = self.people.iter().rev().find(|p| {
                    p.title
                        .and_then(|x| TITLES.get(x))
                        .is_some_and(|x| x.title.split_whitespace().last() == Some(role))
                }) {
                    return Some(p.speaker.clone());
                }
            }
        }
        // Country: body, state word, title.
        let body_def = body.and_then(|b| BODIES.get(b));
        let state_def = state.and_then(|x| STATES.get(x));
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
                            tail_after(alias, state_hit)
                        )
                    });
                    sp.country.get_or_insert_with(|| st.name.to_owned());
                }
            } else {
                if sp.org.is_none() || sp.person.is_none() || known.is_none() {
                    sp.org.get_or_insert_with(|| b.name.to_owned());
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
                sp.org = Some(
                    t.trim_start_matches("the ")
                        .trim_start_matches("The ")
                        .to_owned(),
                );
                sp.media = true;
            }
        }
        // "Iran's mission to the United Nations": a state's own office.
        if sp.org.is_none() && sp.person.is_none() && body_def.is_none() {
            if let Some(st) = state_def {
                let tail = tail_after(np, None);
                if tail != "government" {
                    sp.org = Some(format!("{} {tail}", country_prefix(st.name)));
                    sp.official = true;
                }
            }
        }
        if sp.org.is_none() && sp.person.is_none() {
            if official || unofficial {
                // "US intelligence chiefs", "Western intelligence agencies".
                let cleaned = strip_np(np);
                if !cleaned.is_empty() {
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
                let only_state = whole.split_whitespace().count() <= 2;
                if only_state {
                    sp.org = Some(
                        if word.to_lowercase().contains("kremlin")
                            || word.contains("White House")
                            || word.contains("Downing")
                        {
                            executive_of(st.name)
                        } else {
                            format!("{} government", country_prefix(st.name))
                        },
                    );
                    sp.official = true;
                } else if np.contains(" government")
                    || (media.is_none()
                        && title.is_none()
                        && name.is_none()
                        && whole.split_whitespace().count() <= 6)
                {
                    // "the government of Japan", "the UK and its allies".
                    sp.org = Some(format!("{} government", country_prefix(st.name)));
                    sp.official = true;
                }
            }
        }
        if unofficial && !official && body.is_none() && known.is_none() {
            sp.official = false;
        }
        if sp.person.is_some() && (title.is_some() || known.is_some()) {
            sp.official |= title.and_then(|t| TITLES.get(t)).is_none_or(|t| t.official);
        }
        if sp.is_empty() {
            return None;
        }
        self.remember(&sp, title);
        Some(sp)
    }

    fn quote_speaker(&mut self, sent: usize) -> Option<Speaker> {
        let g = self.sentences.get(sent)?.group?;
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
        None
    }

    fn turn_speaker(&self, sent: usize) -> Option<Speaker> {
        if let Some(Some(sp)) = self.labels.get(sent) {
            return Some(sp.clone());
        }
        match self.sentences.get(sent)?.turn {
            Turn::Interviewee => self.interviewee.clone(),
            _ => None,
        }
    }

    /// The speaker named outside the quotation marks of a sentence
    /// (`..., the spokesman said`, `Peskov told RIA Novosti`), and a reporter.
    fn attribution_outside_quotes(&mut self, i: usize) -> Option<(Speaker, Option<String>, usize)> {
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

    fn reporter_after(&self, s: usize, e: usize) -> Option<String> {
        let t = self.text.get(s..e)?;
        let lower = t.to_lowercase();
        let rest = lower.trim_start();
        if !(rest.starts_with("to ")
            || rest.starts_with("in an interview with")
            || rest.starts_with("reporters"))
        {
            // "told RIA Novosti": the object of "told".
        }
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

    // -----------------------------------------------------------------------
    // Targets and relations.

    fn target_at(&self, h: &Hit, sent: usize) -> Option<Target> {
        let (canonical, state, group) = match h.pat {
            Pat::State(i) => {
                let st = STATES.get(i)?;
                // "US intelligence chiefs", "United States Congress", "British
                // laboratories": the state word describes someone else.
                let rest = self.text.get(h.end..).unwrap_or("");
                let gap = rest.len() - rest.trim_start_matches([' ', '\n', '’', '\'', 's']).len();
                let next = self
                    .hits_in(h.end, (h.end + gap + 2).min(self.text.len()))
                    .iter()
                    .find(|x| x.start >= h.end && x.start <= h.end + gap + 1)
                    .copied();
                if let Some(n) = next {
                    let speakerish = match n.pat {
                        Pat::Body(b) => BODIES.get(b).is_some_and(|b| {
                            !matches!(b.kind, BodyKind::Intelligence | BodyKind::Military)
                        }),
                        Pat::Official | Pat::Media | Pat::Title(_) | Pat::Unofficial => true,
                        _ => false,
                    };
                    if speakerish {
                        return None;
                    }
                }
                (Some(st.name.to_owned()), Some(st.name.to_owned()), false)
            }
            Pat::Body(i) => {
                let b = BODIES.get(i)?;
                if !matches!(b.kind, BodyKind::Intelligence | BodyKind::Military)
                    || b.country.is_empty()
                {
                    return None;
                }
                (
                    Some(b.country.to_owned()),
                    Some(b.country.to_owned()),
                    false,
                )
            }
            Pat::Group(i) => {
                let a = self.kb.actors().get(i)?;
                (Some(a.name.clone()), a.sponsors.first().cloned(), true)
            }
            Pat::Person(i) => {
                let p = PEOPLE.get(i)?;
                (
                    Some(p.country.to_owned()),
                    Some(p.country.to_owned()),
                    false,
                )
            }
            Pat::Foreign => (None, None, false),
            Pat::Pron(3) => {
                // "your government" in an interview.
                let next = self.hits_of(h.end, (h.end + 16).min(self.text.len()), |p| {
                    p == Pat::Generic
                });
                if next.is_empty() || self.interviewee.is_none() {
                    return None;
                }
                let c = self.interviewee.as_ref().and_then(|x| x.country.clone());
                (c.clone(), c, false)
            }
            _ => return None,
        };
        let (mut s, mut e) = (h.start, h.end);
        // Extend over following state-linked heads: "Russian special services",
        // "Moscow-linked cyber actors", "the 'Cozy Bear' hacker group".
        let sent_end = self.sentences.get(sent).map_or(self.text.len(), |x| x.end);
        loop {
            let rest = self.text.get(e..sent_end).unwrap_or("");
            let skip = rest.len() - rest.trim_start_matches(['’', '\'', '"', '”', ' ']).len();
            let next = self
                .hits_in(e, (e + skip + 40).min(sent_end))
                .iter()
                .filter(|x| x.start <= e + skip + 1 && x.start >= e)
                .filter(|x| {
                    matches!(x.pat, Pat::Generic | Pat::Link | Pat::Body(_)) && x.end <= sent_end
                })
                .max_by_key(|x| x.end)
                .copied();
            match next {
                Some(n)
                    if n.pat == Pat::Link
                        && !self.text.get(n.start..n.end).unwrap_or("").starts_with('-') =>
                {
                    break
                }
                Some(n) => e = n.end,
                None => break,
            }
        }
        // Closing quote right after.
        if let Some(c) = self.text.get(e..).and_then(|r| r.chars().next()) {
            if matches!(c, '’' | '”' | '"' | '\'')
                && self
                    .text
                    .get(s.saturating_sub(12)..s)
                    .is_some_and(|b| b.contains(['‘', '“', '"', '\'']))
            {
                e += c.len_utf8();
            }
        }
        // Extend left over determiners, quotes and hedging adjectives.
        let sent_start = self.sentences.get(sent).map_or(0, |x| x.start);
        loop {
            let before = self.text.get(sent_start..s).unwrap_or("");
            let trimmed = before.trim_end();
            if let Some(c) = trimmed.chars().next_back() {
                if matches!(c, '‘' | '“' | '"' | '\'') {
                    s = sent_start + trimmed.len() - c.len_utf8();
                    continue;
                }
            }
            let word = trimmed
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            let lw = word.to_lowercase();
            if [
                "the",
                "certain",
                "unnamed",
                "some",
                "unidentified",
                "so-called",
                "neither",
                "a",
                "state-backed",
                "state-sponsored",
                "you",
            ]
            .contains(&lw.as_str())
                && !word.is_empty()
            {
                s = sent_start + trimmed.len() - word.len();
                continue;
            }
            break;
        }
        let text = self.text.get(s..e).unwrap_or("").trim().to_owned();
        Some(Target {
            text: normalize_ws(&text),
            canonical,
            state,
            start: s,
            end: e,
            group,
        })
    }

    fn is_victim(&self, h: &Hit, region_start: usize) -> bool {
        // "South Korea has been the target of ...", "... China's Wuhan
        // suffered a cyberattack": the party is hit, not hitting.
        {
            let after = self
                .text
                .get(h.end..(h.end + 48).min(self.text.len()))
                .or_else(|| self.text.get(h.end..))
                .unwrap_or("")
                .to_lowercase();
            let mut a = after.trim_start();
            if let Some(r) = a.strip_prefix("’s ").or_else(|| a.strip_prefix("'s ")) {
                // One capitalised place after a possessive: "China's Wuhan".
                let orig = self.text.get(h.end..).unwrap_or("");
                let next = orig
                    .trim_start_matches(['’', '\'', 's'])
                    .trim_start()
                    .split(' ')
                    .next()
                    .unwrap_or("");
                if next.starts_with(char::is_uppercase) {
                    a = r.get(next.len()..).unwrap_or("").trim_start();
                }
            }
            const HIT: &[&str] = &[
                "has been the target",
                "have been the target",
                "was the target",
                "were the target",
                "has been targeted",
                "have been targeted",
                "was targeted",
                "were targeted",
                "fell victim",
                "has fallen victim",
                "has been hit",
                "was hit",
                "were hit",
                "suffered",
                "has suffered",
                "was attacked",
                "were attacked",
                "has been attacked",
                "came under",
                "has come under",
            ];
            if HIT.iter().any(|x| a.starts_with(x)) {
                return true;
            }
        }
        // Three words back are enough.
        let mut from = region_start.max(h.start.saturating_sub(48));
        while from < h.start && !self.text.is_char_boundary(from) {
            from += 1;
        }
        let before = self.text.get(from..h.start).unwrap_or("");
        let words: Vec<&str> = before
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        let prev: Vec<String> = words
            .iter()
            .rev()
            .take(3)
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .to_lowercase()
            })
            .collect();
        let p0 = prev.first().map(String::as_str).unwrap_or("");
        let p1 = prev.get(1).map(String::as_str).unwrap_or("");
        const VICTIM_PREP: &[&str] = &[
            "against",
            "targeting",
            "on",
            "into",
            "in",
            "at",
            "inside",
            "including",
            "as",
            "of",
            "to",
            "with",
            "towards",
            "toward",
            "between",
            "and",
        ];
        const OP_VERBS: &[&str] = &[
            "hack",
            "hacked",
            "hacking",
            "target",
            "targeted",
            "attack",
            "attacked",
            "spy",
            "spied",
            "breach",
            "breached",
            "infiltrate",
            "infiltrated",
            "penetrate",
            "steal",
            "compromise",
            "compromised",
            "sanctions",
            "sanction",
            "accusing",
            "accusations",
            "allies",
        ];
        let lead_from = prev
            .iter()
            .take(3)
            .any(|w| ["from", "by", "behind"].contains(&w.as_str()));
        if lead_from && !["against", "targeting", "on"].contains(&p0) {
            return false;
        }
        if p0 == "of"
            && p1 != "territory"
            && p1 != "many"
            && ![
                "involvement",
                "role",
                "agents",
                "hackers",
                "spies",
                "part",
                "members",
                "officers",
                "unit",
            ]
            .contains(&p1)
        {
            // "elections of any country" is a victim; "involvement of Russia" is not.
            return p1.is_empty() || !["involvement", "role"].contains(&p1);
        }
        if p0 == "of" {
            return p1 == "many";
        }
        const REGION: &[&str] = &[
            "central",
            "northern",
            "southern",
            "eastern",
            "western",
            "north",
            "south",
            "east",
            "west",
            "northeast",
            "northwest",
            "southeast",
            "southwest",
        ];
        if VICTIM_PREP.contains(&p0) && p0 != "and"
            || REGION.contains(&p0) && VICTIM_PREP.contains(&p1) && p1 != "and"
            || OP_VERBS.contains(&p0)
            || (p0 == "the" && (VICTIM_PREP.contains(&p1) && p1 != "and" || OP_VERBS.contains(&p1)))
        {
            return true;
        }
        // An adjective before a victim noun: "British vaccine research".
        let after = self
            .text
            .get(h.end..(h.end + 40).min(self.text.len()))
            .unwrap_or("");
        let after = after
            .trim_start_matches(['’', '\'', 's'])
            .trim_start()
            .to_lowercase();
        const VICTIM_NOUNS: &[&str] = &[
            "election",
            "elections",
            "general election",
            "presidential election",
            "referendum",
            "research",
            "coronavirus",
            "vaccine",
            "institutions",
            "banks",
            "delegates",
            "allies",
            "networks",
            "systems",
            "companies",
            "parliament",
            "infrastructure",
            "politics",
            "election process",
            "security",
            "digital systems",
            "websites",
            "government networks",
            "critical",
            "voters",
            "citizens",
            "people",
            "relations",
            "laboratories",
            "hospitals",
            "universities",
            "firms",
            "energy",
            "power grid",
            "political",
            "media",
            "democratic",
            "internal",
            "databases",
            "officials",
        ];
        VICTIM_NOUNS.iter().any(|n| after.starts_with(n))
    }

    /// Finds who is said to be responsible for what in a region of text.
    /// Whether `a..b` holds only further parties of a list and the words
    /// that join them to their verb ("Estonia, France, the United Kingdom
    /// and the United States have recently attributed ..."): every party in
    /// such a list is a subject, none is accused.
    fn party_list_between(&self, a: usize, b: usize, hits: &[Hit]) -> bool {
        if b <= a || b - a > 200 {
            return false;
        }
        let Some(gap) = self.text.get(a..b) else {
            return false;
        };
        if !gap.contains(',') && !gap.contains(" and ") {
            return false;
        }
        let mut rest = String::with_capacity(gap.len());
        let mut at = a;
        for h in hits
            .iter()
            .filter(|h| h.start >= a && h.end <= b && matches!(h.pat, Pat::State(_) | Pat::Body(_)))
        {
            if h.start < at {
                continue;
            }
            rest.push_str(self.text.get(at..h.start).unwrap_or(""));
            rest.push(' ');
            at = h.end;
        }
        rest.push_str(self.text.get(at..b).unwrap_or(""));
        const JOIN: &[&str] = &[
            "and",
            "the",
            "have",
            "has",
            "had",
            "recently",
            "also",
            "jointly",
            "publicly",
            "all",
            "both",
            "individually",
            "separately",
            "formally",
            "together",
            "have now",
        ];
        at > a
            && rest
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| JOIN.contains(&w.to_lowercase().as_str()))
    }

    /// Where a list of parties before a verb starts: "Britain, the United
    /// States and Canada accused" (the clause start is only "the United
    /// States and Canada"), or "... recognise that Estonia, France and ...".
    fn list_start(&self, s: usize, cs: usize, verb: usize) -> usize {
        let mut cs = cs;
        let clause_has_and = self.text.get(cs..verb).is_some_and(|c| c.contains(" and "));
        while clause_has_and && cs > s + 1 {
            let before = self.text.get(s..cs - 1).unwrap_or("");
            let seg_start = before
                .rfind([',', ';', ':', '"', '“', '”'])
                .map_or(0, |p| p + 1);
            let seg = before.get(seg_start..).unwrap_or("").trim();
            let party = !self
                .hits_of(s + seg_start, cs - 1, |p| {
                    matches!(p, Pat::State(_) | Pat::Body(_))
                })
                .is_empty();
            if seg.split_whitespace().count() <= 4 && party {
                cs = s + seg_start;
            } else {
                // "... and recognise that Estonia, France and ...": the
                // list starts at the party that ends the segment.
                let last = self
                    .hits_of(s + seg_start, cs - 1, |p| {
                        matches!(p, Pat::State(_) | Pat::Body(_))
                    })
                    .into_iter()
                    .last()
                    .filter(|h| {
                        self.text
                            .get(h.end..cs - 1)
                            .is_some_and(|g| g.trim().is_empty())
                    });
                if let Some(h) = last {
                    cs = h.start;
                }
                break;
            }
        }
        cs
    }

    fn relation(
        &self,
        s: usize,
        e: usize,
        sent: usize,
        after_accuse: Option<usize>,
    ) -> Option<Relation> {
        // "behind the attacks is X" carries its operation word inside.
        let inverted = |h: &Hit| {
            h.pat == Pat::From
                && h.end - h.start > 6
                && self
                    .text
                    .get(h.start..h.start + 6)
                    .is_some_and(|t| t.eq_ignore_ascii_case("behind"))
        };
        let cheap = self.hits_in(s, e);
        if after_accuse.is_none()
            && !cheap
                .iter()
                .any(|h| matches!(h.pat, Pat::Op | Pat::Link) || inverted(h))
        {
            return None;
        }
        let hits = self.hits_of(s, e, |_| true);
        // A responsibility word counts only next to an operation word:
        // "ran a covert operation", not "conduct an investigation".
        let ops: Vec<&Hit> = hits
            .iter()
            .filter(|h| match h.pat {
                Pat::Op | Pat::From => true,
                Pat::Resp => hits
                    .iter()
                    .any(|o| o.pat == Pat::Op && o.start >= h.start && o.start <= h.end + 48),
                _ => false,
            })
            .collect();
        let has_op = hits.iter().any(|h| h.pat == Pat::Op || inverted(h)) || after_accuse.is_some();
        // Affiliation: a group linked to a state organ.
        let link = hits.iter().find(|h| {
            h.pat == Pat::Link && !self.text.get(h.start..h.end).unwrap_or("").starts_with('-')
        });
        let group = hits.iter().find(|h| matches!(h.pat, Pat::Group(_)));
        // After "accused"/"attributed ... to", the group is the accused; its
        // affiliation is part of the same claim.
        // Nor when the sentence goes on to make it responsible for an
        // operation ("APT31, which is associated with the MSS, was behind
        // the campaign").
        let resp_after = |from: usize| {
            hits.iter().any(|h| {
                h.pat == Pat::Resp
                    && h.start >= from
                    && hits
                        .iter()
                        .any(|o| o.pat == Pat::Op && o.start >= h.start && o.start <= h.end + 48)
            })
        };
        if let (Some(g), Some(l), None) = (group, link, after_accuse) {
            if g.end <= l.start && l.start - g.end < 60 && !resp_after(l.end) {
                let state_after = hits
                    .iter()
                    .find(|h| h.start >= l.end && matches!(h.pat, Pat::State(_) | Pat::Body(_)));
                if let (Some(mut t), Some(sa)) = (self.target_at(g, sent), state_after) {
                    if let Some(st) = self.target_at(sa, sent).and_then(|x| x.state) {
                        t.state = Some(st);
                    }
                    let conf = hits
                        .iter()
                        .rfind(|h| matches!(h.pat, Pat::Conf(_)) && h.end <= l.start)
                        .map(|h| {
                            (
                                h.start,
                                h.end,
                                match h.pat {
                                    Pat::Conf(b) => b,
                                    _ => band::LIKELY,
                                },
                            )
                        });
                    return Some(Relation {
                        targets: vec![t],
                        op: Some(normalize_ws(
                            self.text.get(l.start..sa.end.max(l.end)).unwrap_or(""),
                        ))
                        .map(|o| format!("affiliation: {o}")),
                        conf,
                        negated: false,
                        conditional: false,
                        hedged: false,
                        affiliation: true,
                    });
                }
            }
        }
        if !has_op {
            return None;
        }
        // A party followed by a verb of saying is a speaker, not a target.
        let speaks = |h: &Hit| {
            hits.iter()
                .find(|x| {
                    x.start >= h.end
                        && !matches!(
                            x.pat,
                            Pat::Generic
                                | Pat::Link
                                | Pat::Body(_)
                                | Pat::State(_)
                                | Pat::Official
                                | Pat::Title(_)
                                | Pat::Media
                                | Pat::Unofficial
                        )
                })
                .is_some_and(|x| {
                    matches!(
                        x.pat,
                        Pat::Assert | Pat::Cognition | Pat::Accuse | Pat::DenyVerb | Pat::Attribute
                    ) && (x.start <= h.end + 40
                        && !self
                            .text
                            .get(h.end..x.start)
                            .is_some_and(|g| g.contains([',', '"', '”', '“', ';']))
                        || self.party_list_between(h.end, x.start, &hits))
                })
        };
        let dateline = dateline_end(self.text, s, e);
        let cands: Vec<&Hit> =
            hits.iter()
                .filter(|h| {
                    matches!(
                        h.pat,
                        Pat::State(_)
                            | Pat::Body(_)
                            | Pat::Group(_)
                            | Pat::Person(_)
                            | Pat::Foreign
                            | Pat::Pron(3)
                    )
                })
                .filter(|h| !speaks(h))
                // "the US cyber security firm", "French researchers": a
                // state's adjective on a company or people is no party.
                .filter(|h| {
                    !matches!(h.pat, Pat::State(_)) || {
                        let after = self
                            .text
                            .get(h.end..(h.end + 32).min(e))
                            .unwrap_or("")
                            .trim_start()
                            .to_lowercase();
                        ![
                            "cyber security firm",
                            "cybersecurity firm",
                            "security firm",
                            "firm",
                            "company",
                            "companies",
                            "cybersecurity company",
                            "cyber security company",
                            "tech firm",
                            "researchers",
                            "researcher",
                            "experts",
                            "expert",
                            "analysts",
                        ]
                        .iter()
                        .any(|w| {
                            after.starts_with(w)
                                && after
                                    .get(w.len()..)
                                    .is_some_and(|r| !r.starts_with(char::is_alphanumeric))
                        })
                    }
                })
                // "BEIJING, China – ...": a dateline places the story.
                .filter(|h| h.start >= dateline)
                // "According to the MIVD, China ...": the source speaks.
                .filter(|h| {
                    !hits.iter().any(|x| {
                        x.pat == Pat::Source
                            && x.end <= h.start
                            && self.text.get(x.end..h.start).is_some_and(|g| {
                                matches!(g.trim().to_lowercase().as_str(), "" | "the")
                            })
                    })
                })
                .collect();
        let mut chosen: Option<&Hit> = None;
        if let Some(v) = after_accuse {
            // "attributed <the activity> to <the party>": the party follows
            // "to"; parties in the activity ("targeting Allies and Ukraine")
            // are its victims.
            let verb = self
                .hits_of(v.saturating_sub(24), v, |p| {
                    matches!(p, Pat::Attribute | Pat::Accuse)
                })
                .into_iter()
                .rfind(|x| x.end == v);
            let attributes = verb.is_some_and(|x| x.pat == Pat::Attribute);
            // "condemned the attack" names no one; "condemned Russia's
            // malicious cyber activities" does, right after the verb.
            let names_next = verb.is_some_and(|x| {
                let w = self.text.get(x.start..x.end).unwrap_or("").to_lowercase();
                w.starts_with("condemn") || w.starts_with("denounc")
            });
            let from = if attributes {
                self.text
                    .get(v..e)
                    .and_then(|r| r.find(" to "))
                    .map_or(v, |o| v + o + 4)
            } else {
                v
            };
            chosen = cands
                .iter()
                .copied()
                .find(|h| {
                    h.start >= from && !self.is_victim(h, from) && self.target_at(h, sent).is_some()
                })
                .or_else(|| {
                    cands
                        .iter()
                        .copied()
                        .find(|h| h.start >= v && self.target_at(h, sent).is_some())
                });
            if names_next {
                let close = chosen.is_some_and(|h| {
                    self.text
                        .get(v..h.start)
                        .is_some_and(|g| matches!(g.trim().to_lowercase().as_str(), "" | "the"))
                });
                if !close {
                    return None;
                }
            }
        }
        if chosen.is_none() {
            // A party right after "from"/"by" is the origin.
            for h in &cands {
                let before = self
                    .text
                    .get(s.max(h.start.saturating_sub(40))..h.start)
                    .unwrap_or("")
                    .to_lowercase();
                let from = hits
                    .iter()
                    .any(|x| x.pat == Pat::From && x.end <= h.start && h.start - x.end <= 22);
                let b = before.trim_end();
                if from
                    && !b.ends_with("against")
                    && !b.ends_with("targeting")
                    && !b.ends_with(" on")
                    && self.target_at(h, sent).is_some()
                {
                    chosen = Some(h);
                    break;
                }
            }
        }
        if chosen.is_none() {
            // The nearest party before an operation or responsibility word.
            for op in &ops {
                if op.pat == Pat::From {
                    continue;
                }
                let before: Vec<&&Hit> = cands
                    .iter()
                    .filter(|h| {
                        h.end <= op.start
                            && op.start - h.end <= 100
                            && !self.is_victim(h, s)
                            && self.target_at(h, sent).is_some()
                    })
                    .collect();
                if let Some(h) = before.last() {
                    chosen = Some(h);
                    break;
                }
            }
        }
        let first = chosen?;
        let first_t = self.target_at(first, sent)?;
        // Coordinated parties: "A and B", "neither A nor B".
        let mut targets = vec![first_t.clone()];
        // Backwards: "China and North Korea" when North Korea was chosen.
        let mut cursor_start = first_t.start;
        for h in cands.iter().rev() {
            if h.end > cursor_start {
                continue;
            }
            let gap = self
                .text
                .get(h.end..cursor_start)
                .unwrap_or("")
                .to_lowercase();
            let g = gap.trim().trim_matches([',', ' ']);
            let joined = [
                "and",
                "or",
                "nor",
                "",
                "and the",
                "or the",
                "nor the",
                "as well as",
            ]
            .contains(&g);
            if !joined || gap.len() > 24 {
                break;
            }
            match self.target_at(h, sent) {
                Some(t)
                    if t.end <= cursor_start + 2
                        || self
                            .text
                            .get(t.end..cursor_start)
                            .is_some_and(|x| x.len() <= 24) =>
                {
                    cursor_start = t.start;
                    targets.insert(0, t);
                }
                _ => break,
            }
        }
        let mut cursor_end = first_t.end;
        for h in cands.iter() {
            if h.start < cursor_end {
                continue;
            }
            let gap = self
                .text
                .get(cursor_end..h.start)
                .unwrap_or("")
                .to_lowercase();
            let g = gap.trim().trim_matches([',', ' ']);
            let joined = [
                "and",
                "or",
                "nor",
                "",
                "and the",
                "or the",
                "nor the",
                "as well as",
                "personally, nor",
                "personally nor",
            ]
            .iter()
            .any(|j| g == *j || g.trim_end_matches(" the") == *j);
            if !joined || gap.len() > 24 {
                break;
            }
            if let Some(t) = self.target_at(h, sent) {
                cursor_end = t.end;
                targets.push(t);
            }
        }
        // The most specific party: a named group sponsored by the chosen
        // state ("a group operating from China, which it calls Hafnium").
        if targets.iter().all(|t| !t.group) {
            let group = cands
                .iter()
                .filter(|h| matches!(h.pat, Pat::Group(_)) && !self.is_victim(h, s))
                .filter_map(|h| self.target_at(h, sent))
                .find(|g| g.state.is_some() && targets.iter().any(|t| t.state == g.state));
            if let Some(g) = group {
                targets = vec![g];
            }
        }
        // Drop duplicates of the same canonical party.
        let mut seen: Vec<Option<String>> = Vec::new();
        let whole_start = targets.first().map_or(0, |t| t.start);
        let whole_end = targets.last().map_or(0, |t| t.end);
        targets.retain(|t| {
            if seen.contains(&t.canonical) {
                false
            } else {
                seen.push(t.canonical.clone());
                true
            }
        });
        if targets.len() == 1 && whole_end > whole_start {
            if let Some(t) = targets.first_mut() {
                t.text = normalize_ws(self.text.get(whole_start..whole_end).unwrap_or(&t.text));
                t.start = whole_start;
                t.end = whole_end;
            }
        }
        let t_start = whole_start;
        // The operation: from the first operation word after the target.
        let op_hit = ops
            .iter()
            .find(|h| h.start >= whole_end)
            .or_else(|| ops.iter().find(|h| h.end <= whole_start))
            .copied();
        let op = op_hit.map(|h| {
            let from = if after_accuse.is_some() {
                // "accused X of trying to steal ...": what follows "of".
                let rest = self.text.get(whole_end..e).unwrap_or("");
                let off = rest
                    .find(" of ")
                    .or_else(|| rest.find(" for "))
                    .or_else(|| rest.find(" with "))
                    .map_or(0, |o| o + 4);
                whole_end + off
            } else {
                h.start.min(self.clause_end(h.start, e))
            };
            let end = self.clause_end(from, e);
            normalize_ws(
                self.text
                    .get(from..end)
                    .unwrap_or("")
                    .trim_matches([' ', ',', '.', '"', '”', '’']),
            )
        });
        let pred = op_hit.map_or(whole_end, |h| h.start);
        let between_lo = t_start.saturating_sub(30).max(s);
        let negated = hits.iter().any(|h| {
            h.pat == Pat::Neg
                && ((h.start >= whole_end && h.start < pred.max(whole_end))
                    || (h.end <= t_start && t_start - h.end <= 12)
                    || h.start >= between_lo
                        && h.start < t_start
                        && self
                            .text
                            .get(h.start..h.end)
                            .is_some_and(|w| w.eq_ignore_ascii_case("neither")))
        });
        let conditional = hits.iter().any(|h| h.pat == Pat::Cond && h.start < pred);
        let hedged = hits.iter().any(|h| {
            h.pat == Pat::Hedge && h.end <= t_start && t_start - h.end <= 3
                || h.pat == Pat::Hedge
                    && op_hit.is_some_and(|o| {
                        h.end <= o.start && o.start - h.end <= 12 && h.start > whole_end
                    })
        });
        // Confidence: the phrase nearest before the predicate, else after the target.
        let confs: Vec<&Hit> = hits
            .iter()
            .filter(|h| matches!(h.pat, Pat::Conf(_)))
            .collect();
        let conf = confs
            .iter()
            .filter(|h| h.end <= pred + 1)
            .min_by_key(|h| pred.saturating_sub(h.end))
            .or_else(|| confs.first())
            .map(|h| {
                (
                    h.start,
                    h.end,
                    match h.pat {
                        Pat::Conf(b) => b,
                        _ => band::LIKELY,
                    },
                )
            });
        Some(Relation {
            targets,
            op,
            conf,
            negated,
            conditional,
            hedged,
            affiliation: false,
        })
    }

    fn clause_end(&self, from: usize, e: usize) -> usize {
        let rest = self.text.get(from..e).unwrap_or("");
        let b = rest.as_bytes();
        let mut words = 0;
        // One pass: stop at a clause break or after about 25 words.
        for (i, &c) in b.iter().enumerate() {
            match c {
                b',' => {
                    let after = rest.get(i + 1..).unwrap_or("");
                    if [
                        " an ",
                        " which",
                        " a ",
                        " and said",
                        " but ",
                        " while",
                        " the spokesman",
                        " he said",
                        " she said",
                        " said",
                    ]
                    .iter()
                    .any(|p| after.starts_with(p))
                    {
                        return from + i;
                    }
                }
                b';' | b'?' if b.get(i + 1) == Some(&b' ') => return from + i,
                b' ' => {
                    let after = rest.get(i..).unwrap_or("");
                    if after.starts_with(" - ") || after.starts_with(" — ") {
                        return from + i;
                    }
                    words += 1;
                    if words >= 25 {
                        return from + i;
                    }
                }
                _ => {}
            }
        }
        from + rest.len()
    }

    // -----------------------------------------------------------------------
    // The pass over sentences.

    fn run(&mut self) -> Vec<RawClaim> {
        let n = self.sentences.len();
        let mut claims: Vec<RawClaim> = Vec::new();
        for i in 0..n {
            self.learn_people(i);
            if self.sentences[i].heading {
                continue;
            }
            let mut found = self.sentence_claims(i, &claims);
            // A sentence that introduces a statement with a colon gives the
            // next block its speaker.
            if self.sent_text(i).trim_end().ends_with(':') {
                let sp = self
                    .frames(i)
                    .into_iter()
                    .filter(|f| f.kind == FrameKind::Say && f.speaker.is_some())
                    .max_by_key(|f| f.verb)
                    .and_then(|f| f.speaker);
                let next = self.sentences.get(i + 1).map(|x| x.block);
                self.colon_speaker = match (sp, next) {
                    (Some(sp), Some(b)) if b != self.sentences[i].block => Some((b, sp)),
                    _ => None,
                };
            }
            self.answering.set(false);
            for c in &found {
                if c.target_canonical.is_some()
                    && c.target.as_deref().is_some_and(|t| {
                        self.kb
                            .resolve_actor(t)
                            .is_some_and(|a| a.kind == ascribe_model::ActorKind::Group)
                    })
                {
                    // remembered below
                }
            }
            claims.append(&mut found);
            // Remember the last group named for "this group".
            let (s, e) = (self.sentences[i].start, self.sentences[i].end);
            if let Some(g) = self.hits_of(s, e, |p| matches!(p, Pat::Group(_))).last() {
                self.last_group = self.target_at(g, i);
            }
        }
        self.finish(claims)
    }

    /// Learns named people with their titles from any sentence
    /// ("announced by Presidential spokesman Dmitry Peskov").
    fn learn_people(&mut self, i: usize) {
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

    /// The frame of a sentence: who speaks and over which part.
    fn frames(&mut self, i: usize) -> Vec<Frame> {
        let sent = self.sentences[i].clone();
        let (s, e) = (sent.start, sent.end);
        let mut out = Vec::new();
        let hits = self.hits_of(s, e, |_| true);
        // Sources: "according to X", "as claimed by X".
        for h in hits.iter().filter(|h| h.pat == Pat::Source) {
            let np_e = np_end(self.text, h.end, e);
            let np_e = self.np_end_before_party(h.end, np_e);
            if let Some(sp) = self.parse_np(h.end, np_e, i) {
                let before = self.text.get(s..h.start).unwrap_or("").trim();
                let (cs, ce) = if before.split_whitespace().count() >= 4 {
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
        // Accusation verbs: "X accused Y of Z".
        for h in hits
            .iter()
            .filter(|h| matches!(h.pat, Pat::Accuse | Pat::Attribute))
        {
            if hits
                .iter()
                .any(|p| p.pat == Pat::Passive && p.start <= h.start && p.end >= h.end)
            {
                continue;
            }
            let cs = self.list_start(s, clause_start(self.text, s, h.start), h.start);
            let parts = split_subjects(self.text, cs, h.start);
            for (a, b) in parts {
                if let Some(sp) = self.parse_np(a, b, i) {
                    out.push(Frame {
                        speaker: Some(sp),
                        content: (h.end, e),
                        kind: FrameKind::Accuse(h.end),
                        verb: h.start,
                        reporter: None,
                    });
                }
            }
        }
        // Passive attributions with no agent.
        for h in hits.iter().filter(|h| h.pat == Pat::Passive) {
            let rest = self.text.get(h.end..e).unwrap_or("").to_lowercase();
            if rest.contains(" by ") && !rest.contains("by the state") {
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
            let np: String = self.text.get(cs..h.start).unwrap_or("").to_owned();
            // Drop adverbs: "which Russia immediately denied".
            let trimmed = np.trim_end();
            let mut np_end_at = cs + trimmed.len();
            if let Some(last) = trimmed.rsplit(' ').next() {
                if last.ends_with("ly") && last.len() > 3 {
                    np_end_at -= last.len();
                }
            }
            if let Some(sp) = self.parse_np(cs, np_end_at, i) {
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
        if sent_text.contains(" that ")
            && (memchr::memmem::find(sent_text.as_bytes(), "’s ".as_bytes()).is_some()
                || memchr::memmem::find(sent_text.as_bytes(), b"'s ").is_some())
        {
            for noun in [
                "statement that",
                "claim that",
                "claims that",
                "allegation that",
                "allegations that",
                "accusation that",
                "accusations that",
                "assessment that",
                "report that",
                "finding that",
                "conclusion that",
            ] {
                for apos in ["’s ", "'s "] {
                    let mut pat = String::with_capacity(apos.len() + noun.len());
                    pat.push_str(apos);
                    pat.push_str(noun);
                    let mut from = 0;
                    while let Some(p) = sent_text.get(from..).and_then(|t| t.find(&pat)) {
                        let at = s + from + p;
                        from += p + pat.len();
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
            let vt = self.text.get(v.start..v.end).unwrap_or("").to_lowercase();
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
            .contains(&vt.as_str())
            {
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
            let tail = self.text.get(v.end..e).unwrap_or("");
            let tail_words = tail.split_whitespace().count();
            let cs = clause_start(self.text, s, v.start);
            let before_np = self.subject_np(cs, v.start);
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
                        if let Some(p) = rest.find(" that ") {
                            if p < 60 {
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
            if let Some(sp) = before_np.and_then(|(a, b)| self.parse_np(a, b, i)) {
                // Sentence-final: "..., the spokesman said (on Friday)."
                // "..., Mao said, adding that ...": the claim is before the verb.
                let adds = [
                    ", adding",
                    ", saying",
                    ", noting",
                    ", stressing",
                    ", and added",
                ]
                .iter()
                .any(|a| tail.trim_end().starts_with(a));
                let trivial_tail = adds
                    || tail_words <= 8 && !tail.contains(" that ") && !tail.contains(['“', '"']);
                let rep = self.reporter_after(v.end, e);
                // "..., the spokesperson stated:" introduces what follows;
                // the words before are not the statement.
                let introduces = tail.trim() == ":";
                if comma_before && trivial_tail {
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
                    if let Some(p) = rest.find(" that ") {
                        if p < 60 {
                            c0 = v.end + p + 6;
                        }
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
            // "..., said the spokesman."
            if comma_before || v.start == cs {
                let ae = np_end(self.text, v.end, e);
                if let Some(sp) = self.parse_np(v.end, ae, i) {
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
        out
    }

    /// Where a source's noun phrase ends when no comma closes it:
    /// "According to US intelligence chiefs the Kremlin ran ...".
    fn np_end_before_party(&self, s: usize, e: usize) -> usize {
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

    fn inside_quote(&self, i: usize, pos: usize) -> bool {
        let Some(sent) = self.sentences.get(i) else {
            return false;
        };
        let t = self.text.get(sent.start..pos).unwrap_or("");
        // A sentence that continues a quotation starts inside it.
        let cont = sent.group.is_some()
            && i > 0
            && self
                .sentences
                .get(i - 1)
                .is_some_and(|p| p.group == sent.group);
        let opens = t.matches(['“', '«']).count() + usize::from(cont);
        let closes = t.matches(['”', '»']).count();
        let straight = t.matches('"').count() + usize::from(cont);
        if t.contains(['“', '”', '«', '»']) || !t.contains('"') {
            opens > closes
        } else {
            straight % 2 == 1
        }
    }

    /// The subject noun phrase before a verb, skipping participle phrases.
    fn subject_np(&self, cs: usize, v: usize) -> Option<(usize, usize)> {
        let t = self.text.get(cs..v)?;
        if t.trim().is_empty() {
            return None;
        }
        let lower = t.trim_start().to_lowercase();
        for skip in [
            "based on",
            "provided by",
            "speaking",
            "citing",
            "who ",
            "which ",
        ] {
            if lower.starts_with(skip) {
                return None;
            }
        }
        Some((cs, v))
    }

    fn sentence_claims(&mut self, i: usize, prior: &[RawClaim]) -> Vec<RawClaim> {
        let sent = self.sentences[i].clone();
        let (s, e) = (sent.start, sent.end);
        let mut frames = self.frames(i);
        // "According to Reuters, an official said ...": the outlet reports,
        // the official speaks.
        let media_sources: Vec<(usize, String, (usize, usize))> = frames
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.kind == FrameKind::Source
                    && f.speaker.as_ref().is_some_and(|x| {
                        x.media
                            || x.org.as_deref().is_some_and(|o| {
                                BODIES
                                    .iter()
                                    .any(|b| b.kind == BodyKind::Media && b.name == o)
                            })
                    })
            })
            .map(|(k, f)| {
                (
                    k,
                    f.speaker
                        .as_ref()
                        .and_then(|x| x.org.clone())
                        .unwrap_or_default(),
                    f.content,
                )
            })
            .collect();
        let mut drop = Vec::new();
        for (k, name, (cs, ce)) in media_sources {
            let mut inner = false;
            for f in frames.iter_mut() {
                if f.kind != FrameKind::Source && f.verb >= cs && f.verb < ce && f.speaker.is_some()
                {
                    f.reporter.get_or_insert_with(|| name.clone());
                    inner = true;
                }
            }
            if inner {
                drop.push(k);
            }
        }
        for k in drop.into_iter().rev() {
            frames.remove(k);
        }
        // "The United States denounced ..., the U.S. Embassy in Prague said":
        // the body that says it speaks for the state named as subject.
        let closing = frames
            .iter()
            .filter(|f| f.kind == FrameKind::Say && f.content.0 == s && f.content.1 <= f.verb)
            .max_by_key(|f| f.verb)
            .and_then(|f| f.speaker.clone());
        if let Some(cl) = closing {
            for f in frames.iter_mut() {
                if let (FrameKind::Accuse(_), Some(sp)) = (f.kind, f.speaker.as_mut()) {
                    let bare = sp.person.is_none()
                        && sp
                            .org
                            .as_deref()
                            .is_some_and(|o| o.ends_with(" government"));
                    if bare && sp.country.is_some() && sp.country == cl.country && cl.org != sp.org
                    {
                        *sp = cl.clone();
                    }
                }
            }
        }
        let mut out: Vec<RawClaim> = Vec::new();
        // A transcript's introduction, before the first label, is narrative.
        let interview = self.interviewee.is_some() && i >= self.transcript_from;
        let turn = sent.turn;
        // The speaker of unframed text: a quotation's speaker, else the interviewee.
        let quote_sp = if sent.quoted > 0.5 {
            self.quote_speaker(i)
        } else {
            None
        };
        let default_sp = quote_sp
            .clone()
            .or_else(|| self.turn_speaker(i))
            .or_else(|| {
                self.colon_speaker
                    .as_ref()
                    .filter(|(b, _)| *b == sent.block)
                    .map(|(_, sp)| sp.clone())
            });
        let hits = self.hits_of(s, e, |_| true);
        // A denial that answers "the accusations" marks its speaker as the accused side.
        {
            let lower = self.text.get(s..e).unwrap_or("").to_lowercase();
            let answers = [
                "accusation",
                "allegation",
                "claims",
                "blame",
                "charges against",
            ]
            .iter()
            .any(|w| lower.contains(w));
            // Not when the sentence itself accuses, or reports someone else's
            // denial ("..., an allegation which Russia denied").
            let accuses = hits
                .iter()
                .any(|h| matches!(h.pat, Pat::Accuse | Pat::Attribute | Pat::DenyVerb));
            self.answering
                .set(answers && !accuses && hits.iter().any(|h| matches!(h.pat, Pat::Deny)));
        }
        let deny_cue = hits.iter().find(|h| {
            h.pat == Pat::Deny
                && !hits.iter().any(|d| {
                    d.pat == Pat::DenyVerb
                        && d.start == h.start
                        && frames
                            .iter()
                            .any(|f| f.kind == FrameKind::Deny && f.verb == d.start)
                })
        });
        let cond_before_deny =
            deny_cue.is_some_and(|d| hits.iter().any(|h| h.pat == Pat::Cond && h.start < d.start));
        let mut handled_deny = false;

        for f in &frames {
            let (cs, ce) = f.content;
            if ce <= cs {
                continue;
            }
            match f.kind {
                FrameKind::Deny => {
                    let Some(sp) = f.speaker.clone() else {
                        continue;
                    };
                    let rel = self.relation(s, e, i, None);
                    let own = rel.as_ref().and_then(|r| {
                        r.targets
                            .iter()
                            .find(|t| t.state.is_some() && t.state == sp.country)
                            .cloned()
                    });
                    let op = rel
                        .as_ref()
                        .and_then(|r| r.op.clone())
                        .or_else(|| self.context_op(prior, sp.country.as_deref()));
                    let mut c = self.denial(&sp, i, own, prior);
                    c.operation = op;
                    self.set_conf_near(&mut c, s, e, f.verb);
                    handled_deny = true;
                    out.push(c);
                }
                FrameKind::Say | FrameKind::Believe(..) | FrameKind::Source
                    if f.speaker.as_ref().is_some_and(|sp| {
                        self.deny_in(cs, ce).is_some() && self.accused_side(sp, prior) && !sp.media
                    }) =>
                {
                    let Some(sp) = f.speaker.clone() else {
                        continue;
                    };
                    let Some(d) = self.deny_in(cs, ce) else {
                        continue;
                    };
                    let cond = !self.hits_of(cs, d.start, |p| p == Pat::Cond).is_empty();
                    if cond || self.is_retraction(&d, e) {
                        continue;
                    }
                    let rel = self.relation(cs, ce, i, None);
                    let own = rel.as_ref().and_then(|r| {
                        r.targets
                            .iter()
                            .find(|t| t.state.is_some() && t.state == sp.country)
                            .cloned()
                    });
                    let mut c = self.denial(&sp, i, own, prior);
                    self.set_conf_near(&mut c, cs, ce, d.start);
                    handled_deny = true;
                    out.push(c);
                    // "... allegations against Washington": pointing back.
                    if let Some(t) = self.allegations_against(cs, ce, i) {
                        if t.state.is_some() && t.state != sp.country {
                            out.push(RawClaim {
                                kind: ClaimKind::CounterAccusation,
                                speaker: sp.person.clone(),
                                speaker_org: sp.org.clone(),
                                speaker_country: sp.country.clone(),
                                reporter: f.reporter.clone(),
                                target: Some(t.text.clone()),
                                target_canonical: t.canonical.clone(),
                                target_state: t.state.clone(),
                                operation: self.op_before(t.start, cs),
                                confidence_phrase: None,
                                confidence_band: None,
                                start: s,
                                end: e,
                                sentence: i,
                            });
                        }
                    }
                }
                _ => {
                    // In an interview the journalist's own words are no claim:
                    // only a named third party's relayed accusation is.
                    if interview
                        && turn == Turn::Interviewer
                        && f.speaker.as_ref().is_some_and(|x| {
                            self.interviewer
                                .as_ref()
                                .is_some_and(|iv| iv.person.is_some() && iv.person == x.person)
                        })
                    {
                        continue;
                    }
                    let accuse = match f.kind {
                        FrameKind::Accuse(v) => Some(v),
                        _ => None,
                    };
                    let Some(mut rel) = self.relation(cs, ce, i, accuse) else {
                        // An official asserting the evidence without naming anyone.
                        if let Some(sp) = &f.speaker {
                            let ev = self.hits_of(cs, ce, |p| p == Pat::Evidence);
                            if !ev.is_empty() && sp.official {
                                if let Some(c) = self.context_accusation(sp, i, cs, ce, prior) {
                                    out.push(c);
                                }
                            }
                        }
                        continue;
                    };
                    if f.kind == FrameKind::Source {
                        rel.conditional = false;
                    }
                    // "said: 'We assess with high confidence that ...'": the
                    // confidence sits between the verb and "that".
                    if rel.conf.is_none() && f.verb < cs {
                        rel.conf = self
                            .hits_of(f.verb, cs, |p| matches!(p, Pat::Conf(_)))
                            .into_iter()
                            .last()
                            .map(|h| {
                                (
                                    h.start,
                                    h.end,
                                    match h.pat {
                                        Pat::Conf(b) => b,
                                        _ => band::LIKELY,
                                    },
                                )
                            });
                    }
                    if let FrameKind::Believe(a, b) = f.kind {
                        if rel.conf.is_none() {
                            rel.conf = self
                                .hits_of(a, b, |p| matches!(p, Pat::Conf(_)))
                                .first()
                                .map(|h| {
                                    (
                                        h.start,
                                        h.end,
                                        match h.pat {
                                            Pat::Conf(x) => x,
                                            _ => band::LIKELY,
                                        },
                                    )
                                });
                        }
                    }
                    let sp = match f.kind {
                        FrameKind::Passive(_) => None,
                        _ => f.speaker.clone(),
                    };
                    // "we/I believe" inside someone's quotation is theirs.
                    let sp = sp.or_else(|| {
                        if matches!(f.kind, FrameKind::Passive(_)) {
                            None
                        } else {
                            default_sp.clone()
                        }
                    });
                    if rel.conditional || (rel.hedged && f.kind != FrameKind::Source) {
                        continue;
                    }
                    if rel.negated {
                        // "X was not responsible": no accusation; from the
                        // accused's side, a denial.
                        if let Some(sp) = &sp {
                            let own = rel
                                .targets
                                .iter()
                                .find(|t| t.state.is_some() && t.state == sp.country)
                                .cloned();
                            if own.is_some()
                                && !handled_deny
                                && !matches!(f.kind, FrameKind::Accuse(_))
                            {
                                let mut c = self.denial(sp, i, own, prior);
                                c.operation.clone_from(&rel.op);
                                handled_deny = true;
                                out.push(c);
                            }
                        }
                        continue;
                    }
                    if sent.question && f.speaker.is_none() {
                        continue;
                    }
                    let reporter = f.reporter.clone().or_else(|| {
                        (interview && turn == Turn::Interviewer)
                            .then(|| self.interviewer.as_ref().and_then(|x| x.person.clone()))
                            .flatten()
                    });
                    for c in self.relation_claims(&rel, sp.as_ref(), i, reporter, prior) {
                        out.push(c);
                    }
                }
            }
        }

        // Unframed sentences: a quotation's or an interviewee's words.
        let framed_speakers: Vec<String> = out.iter().map(RawClaim::speaker_key).collect();
        if let Some(sp) = default_sp.clone() {
            let allowed = !interview || turn == Turn::Interviewee || quote_sp.is_some();
            if allowed && !sent.question {
                // Denial wording.
                if let Some(d) = deny_cue {
                    if !handled_deny && !cond_before_deny && !framed_speakers.contains(&sp.key()) {
                        if self.is_retraction(d, e) {
                            // "it has nothing to do with the governments": not a denial.
                        } else {
                            let rel = self.relation(s, e, i, None);
                            let own = rel.as_ref().and_then(|r| {
                                r.targets
                                    .iter()
                                    .find(|t| t.state.is_some() && t.state == sp.country)
                                    .cloned()
                            });
                            if self.accused_side(&sp, prior) || own.is_some() {
                                let mut c = self.denial(&sp, i, own, prior);
                                let conf = hits
                                    .iter()
                                    .filter(|h| matches!(h.pat, Pat::Conf(_)))
                                    .min_by_key(|h| h.start.abs_diff(d.start));
                                if let Some(h) = conf {
                                    c.confidence_phrase =
                                        self.text.get(h.start..h.end).map(str::to_owned);
                                    c.confidence_band = match h.pat {
                                        Pat::Conf(b) => Some(b),
                                        _ => None,
                                    };
                                }
                                if c.operation.is_none() {
                                    c.operation = rel
                                        .and_then(|r| r.op)
                                        .filter(|_| false)
                                        .or_else(|| self.context_op(prior, sp.country.as_deref()));
                                }
                                out.push(c);
                            }
                        }
                    }
                } else if !frames.iter().any(|f| f.kind != FrameKind::Deny) {
                    // Accusation-shaped words in the speaker's mouth.
                    if let Some(rel) = self.relation(s, e, i, None) {
                        if !rel.conditional && !rel.hedged {
                            let about_accusing = hits.iter().any(|h| matches!(h.pat, Pat::Accuse));
                            if rel.negated && about_accusing {
                                // "they have never accused Russia": about accusations, not a denial.
                            } else if rel.negated
                                && rel
                                    .targets
                                    .iter()
                                    .any(|t| t.state.is_some() && t.state == sp.country)
                            {
                                let own =
                                    rel.targets.iter().find(|t| t.state == sp.country).cloned();
                                let mut c = self.denial(&sp, i, own, prior);
                                c.operation.clone_from(&rel.op);
                                out.push(c);
                            } else if !rel.negated {
                                for c in self.relation_claims(&rel, Some(&sp), i, None, prior) {
                                    out.push(c);
                                }
                            }
                        }
                    }
                }
            }
        } else if !interview && frames.is_empty() && !sent.question {
            // The document's own voice: only a named group counts as attribution.
            if let Some(rel) = self.relation(s, e, i, None) {
                if !rel.conditional
                    && !rel.hedged
                    && !rel.negated
                    && rel.targets.iter().any(|t| t.group)
                {
                    for c in self.relation_claims(&rel, None, i, None, prior) {
                        out.push(c);
                    }
                }
            }
        }
        // Retractions cancel the speaker's territory-based counter-accusations.
        out
    }

    fn deny_in(&self, cs: usize, ce: usize) -> Option<Hit> {
        self.hits_of(cs, ce, |p| p == Pat::Deny).into_iter().next()
    }

    fn set_conf_near(&self, c: &mut RawClaim, s: usize, e: usize, at: usize) {
        let conf = self
            .hits_of(s, e, |p| matches!(p, Pat::Conf(_)))
            .into_iter()
            .min_by_key(|h| h.start.abs_diff(at));
        if let Some(h) = conf {
            c.confidence_phrase = self.text.get(h.start..h.end).map(str::to_owned);
            c.confidence_band = match h.pat {
                Pat::Conf(b) => Some(b),
                _ => None,
            };
        }
    }

    /// "espionage allegations against Washington": the party accused in a
    /// mention of someone else's allegations.
    fn allegations_against(&self, cs: usize, ce: usize, i: usize) -> Option<Target> {
        let t = self.text.get(cs..ce)?;
        let lower = t.to_lowercase();
        for noun in [
            "allegations against ",
            "accusations against ",
            "claims against ",
            "charges against ",
            "spying by ",
            "hacking by ",
            "attacks by ",
        ] {
            let mut from = 0;
            while let Some(p) = lower.get(from..).and_then(|x| x.find(noun)) {
                let at = cs + from + p + noun.len();
                from += p + noun.len();
                let window_start = cs + (from.saturating_sub(noun.len() + 60));
                let has_op = !self.hits_of(window_start, at, |p| p == Pat::Op).is_empty()
                    || noun.starts_with("spying")
                    || noun.starts_with("hacking")
                    || noun.starts_with("attacks");
                if !has_op {
                    continue;
                }
                let h = self
                    .hits_of(at, (at + 30).min(ce), |p| {
                        matches!(p, Pat::State(_) | Pat::Body(_) | Pat::Group(_))
                    })
                    .into_iter()
                    .next()?;
                return self.target_at(&h, i);
            }
        }
        None
    }

    fn op_before(&self, at: usize, cs: usize) -> Option<String> {
        let op = self.hits_of(cs, at, |p| p == Pat::Op).into_iter().last()?;
        let end = at;
        let t = self.text.get(op.start..end)?;
        Some(normalize_ws(
            t.trim_end_matches(|c: char| !c.is_alphanumeric()),
        ))
    }

    fn is_retraction(&self, d: &Hit, e: usize) -> bool {
        let cue = self.text.get(d.start..d.end).unwrap_or("").to_lowercase();
        if cue != "nothing to do with" {
            return false;
        }
        let after = normalize_ws(
            &self
                .text
                .get(d.end..(d.end + 30).min(e))
                .unwrap_or("")
                .to_lowercase(),
        );
        after.trim_start().starts_with("the government")
            || after.trim_start().starts_with("governments")
    }

    fn accused_side(&self, sp: &Speaker, prior: &[RawClaim]) -> bool {
        let Some(c) = &sp.country else { return false };
        if self.answering.get() {
            return true;
        }
        // Accused in the document (by someone from elsewhere), or in the
        // document's framing: the state is the target of any claim so far,
        // or the speaker is the interviewee facing accusations.
        prior.iter().any(|p| {
            p.target_state.as_deref() == Some(c.as_str())
                && p.speaker_country.as_deref() != Some(c.as_str())
        }) || self.doc_accuses(c)
    }

    /// Whether the document ties the state to an operation.
    fn doc_accuses(&self, country: &str) -> bool {
        self.accused.iter().any(|c| c == country)
    }

    /// States any narrative or third-party sentence names as responsible
    /// for an operation (questions and the interviewee's answers aside).
    fn find_accused(&mut self) {
        let mut acc = Vec::new();
        for i in 0..self.sentences.len() {
            let s = &self.sentences[i];
            if s.question || s.heading || s.turn == Turn::Interviewee {
                continue;
            }
            let (a, b) = (s.start, s.end);
            if let Some(rel) = self.relation(a, b, i, None) {
                if rel.conditional || rel.negated || rel.affiliation {
                    continue;
                }
                for t in rel.targets {
                    if let Some(st) = t.state {
                        if !acc.contains(&st) {
                            acc.push(st);
                        }
                    }
                }
            }
        }
        self.accused = acc;
    }

    fn context_op(&self, prior: &[RawClaim], country: Option<&str>) -> Option<String> {
        prior
            .iter()
            .rev()
            .find(|p| {
                p.kind != ClaimKind::Denial
                    && country.is_some()
                    && p.target_state.as_deref() == country
            })
            .and_then(|p| p.operation.clone())
    }

    fn denial(&self, sp: &Speaker, i: usize, own: Option<Target>, prior: &[RawClaim]) -> RawClaim {
        let sent = &self.sentences[i];
        let (mut target, mut canonical, mut tstate) =
            (None, sp.country.clone(), sp.country.clone());
        if let Some(t) = own {
            target = Some(t.text);
            canonical = t.canonical.or(canonical);
            tstate = t.state.or(tstate);
        }
        // "this group" / a group named in the sentence.
        let groups = self.hits_of(sent.start, sent.end, |p| matches!(p, Pat::Group(_)));
        let this_group = self
            .text
            .get(sent.start..sent.end)
            .is_some_and(|t| t.to_lowercase().contains("this group"));
        if let Some(g) = groups
            .first()
            .and_then(|g| self.target_at(g, i))
            .or_else(|| {
                if this_group {
                    self.last_group.clone()
                } else {
                    None
                }
            })
        {
            target = Some(g.text);
            canonical = g.canonical;
            tstate = g.state.or(tstate);
        }
        if target.is_none() {
            if let Some(p) = prior.iter().rev().find(|p| {
                p.kind != ClaimKind::Denial
                    && p.target_state == sp.country
                    && p.target_canonical == sp.country
            }) {
                target.clone_from(&p.target);
            }
        }
        RawClaim {
            kind: ClaimKind::Denial,
            speaker: sp.person.clone(),
            speaker_org: sp.org.clone(),
            speaker_country: sp.country.clone(),
            reporter: None,
            target,
            target_canonical: canonical,
            target_state: tstate,
            operation: self.context_op(prior, sp.country.as_deref()),
            confidence_phrase: None,
            confidence_band: None,
            start: sent.start,
            end: sent.end,
            sentence: i,
        }
    }

    fn context_accusation(
        &self,
        sp: &Speaker,
        i: usize,
        cs: usize,
        ce: usize,
        prior: &[RawClaim],
    ) -> Option<RawClaim> {
        let p = prior.iter().rev().find(|p| {
            p.kind != ClaimKind::Denial && p.target_state.is_some() && p.target_state != sp.country
        })?;
        let conf = self
            .hits_of(cs, ce, |p| matches!(p, Pat::Conf(_)))
            .first()
            .copied();
        let sent = &self.sentences[i];
        Some(RawClaim {
            kind: if sp.official {
                ClaimKind::Accusation
            } else {
                ClaimKind::AttributionStatement
            },
            speaker: sp.person.clone(),
            speaker_org: sp.org.clone(),
            speaker_country: sp.country.clone(),
            reporter: None,
            target: None,
            target_canonical: p.target_state.clone(),
            target_state: p.target_state.clone(),
            operation: p.operation.clone(),
            confidence_phrase: conf
                .and_then(|h| self.text.get(h.start..h.end))
                .map(str::to_owned),
            confidence_band: conf.and_then(|h| match h.pat {
                Pat::Conf(b) => Some(b),
                _ => None,
            }),
            start: sent.start,
            end: sent.end,
            sentence: i,
        })
    }

    fn relation_claims(
        &self,
        rel: &Relation,
        sp: Option<&Speaker>,
        i: usize,
        reporter: Option<String>,
        prior: &[RawClaim],
    ) -> Vec<RawClaim> {
        let sent = &self.sentences[i];
        let mut out = Vec::new();
        for t in &rel.targets {
            if let (Some(sp), Some(ts)) = (sp, &t.state) {
                if sp.country.as_ref() == Some(ts) && !rel.affiliation {
                    // A party speaking of its own state in accusation form
                    // without negation is not an accusation of itself.
                    continue;
                }
            }
            // A company's attribution answers no accusation against its
            // home state: it is never a counter-accusation.
            let company = sp.is_some_and(|x| {
                x.org.as_deref().is_some_and(|o| {
                    BODIES
                        .iter()
                        .any(|b| b.kind == BodyKind::Company && b.name == o)
                })
            });
            let accused_side =
                sp.is_some_and(|x| self.accused_side(x, prior) && !x.media) && !company;
            let kind = if rel.affiliation {
                ClaimKind::AttributionStatement
            } else if accused_side && t.state != sp.and_then(|x| x.country.clone()) {
                ClaimKind::CounterAccusation
            } else if sp.is_some_and(|x| x.official && !x.media) {
                ClaimKind::Accusation
            } else {
                ClaimKind::AttributionStatement
            };
            if kind == ClaimKind::CounterAccusation && t.canonical.is_none() && t.state.is_none() {
                // An unnamed foreign party is still a counter-accusation.
            } else if t.canonical.is_none() && kind != ClaimKind::CounterAccusation {
                continue;
            }
            out.push(RawClaim {
                kind,
                speaker: sp.and_then(|x| x.person.clone()),
                speaker_org: sp.and_then(|x| x.org.clone()),
                speaker_country: sp.and_then(|x| x.country.clone()),
                reporter: reporter.clone(),
                target: Some(t.text.clone()),
                target_canonical: t.canonical.clone(),
                target_state: t.state.clone(),
                operation: rel.op.clone(),
                confidence_phrase: rel
                    .conf
                    .and_then(|(a, b, _)| self.text.get(a..b))
                    .map(str::to_owned),
                confidence_band: rel.conf.map(|(_, _, b)| b),
                start: sent.start,
                end: sent.end,
                sentence: i,
            });
        }
        out
    }

    /// Merges claims that say the same thing in neighbouring sentences and
    /// drops a speaker's territory counter-accusations they then take back.
    fn finish(&self, mut claims: Vec<RawClaim>) -> Vec<RawClaim> {
        // Retractions.
        let retract: Vec<(usize, String)> = (0..self.sentences.len())
            .filter_map(|i| {
                let (s, e) = (self.sentences[i].start, self.sentences[i].end);
                let d = self
                    .hits_of(s, e, |p| p == Pat::Deny)
                    .into_iter()
                    .find(|d| self.is_retraction(d, e))?;
                let _ = d;
                Some((i, self.turn_speaker(i).map(|x| x.key()).unwrap_or_default()))
            })
            .collect();
        claims.retain(|c| {
            !(c.kind == ClaimKind::CounterAccusation
                && c.target_canonical.is_some()
                && retract.iter().any(|(i, k)| {
                    *i > c.sentence
                        && *i - c.sentence <= 4
                        && (k.is_empty() || *k == c.speaker_key())
                }))
        });
        claims.sort_by_key(|c| (c.sentence, c.start));
        let mut out: Vec<RawClaim> = Vec::new();
        for c in claims {
            // Exact duplicates from overlapping frames; a named speaker wins
            // over the document's own voice for the same statement, and over
            // unnamed "officials" with no country reporting it ("The Czech
            // Republic has accused China ..., officials said").
            let weak = |x: &RawClaim| {
                x.speaker_key().is_empty() || x.speaker.is_none() && x.speaker_country.is_none()
            };
            if let Some(k) = out.iter().position(|o| {
                o.sentence == c.sentence
                    && o.kind == c.kind
                    && o.target_canonical == c.target_canonical
                    && (o.speaker_key() == c.speaker_key() || weak(o) || weak(&c))
            }) {
                if weak(&out[k]) && !weak(&c) {
                    out[k] = c;
                }
                continue;
            }
            let mergeable = out.iter().rposition(|o| {
                o.kind == c.kind
                    && o.speaker_key() == c.speaker_key()
                    && o.target_canonical == c.target_canonical
                    && c.sentence - o.sentence <= 4
                    && (c.kind == ClaimKind::Denial
                        || ops_compatible(o.operation.as_deref(), c.operation.as_deref()))
            });
            if let Some(k) = mergeable {
                let intervening = out
                    .iter()
                    .skip(k + 1)
                    .any(|o| o.speaker_key() != c.speaker_key() && o.sentence > out[k].sentence);
                if !intervening {
                    let o = &mut out[k];
                    let same_block = self.sentences.get(o.sentence).map(|x| x.block)
                        == self.sentences.get(c.sentence).map(|x| x.block);
                    if o.confidence_phrase.is_none() && c.confidence_phrase.is_some() {
                        o.confidence_phrase.clone_from(&c.confidence_phrase);
                        o.confidence_band = c.confidence_band;
                        if !same_block {
                            o.start = c.start;
                            o.end = c.end;
                        }
                    }
                    if same_block {
                        o.end = o.end.max(c.end);
                    }
                    if o.target.is_none()
                        || c.target.as_ref().is_some_and(|t| {
                            t.split_whitespace().count()
                                > o.target
                                    .as_ref()
                                    .map_or(0, |x| x.split_whitespace().count())
                                && c.kind == ClaimKind::Denial
                        })
                    {
                        o.target.clone_from(&c.target);
                    }
                    if o.operation.is_none() {
                        o.operation.clone_from(&c.operation);
                    }
                    continue;
                }
            }
            out.push(c);
        }
        // "China denies ..." in a headline or lede and "the embassy said
        // ..." below: one denial, by the body or person that made it.
        let generic = |c: &RawClaim| {
            c.kind == ClaimKind::Denial
                && c.sentence <= 1
                && c.speaker.is_none()
                && c.speaker_org
                    .as_deref()
                    .is_some_and(|o| o.ends_with(" government"))
        };
        // Likewise "a Kremlin spokesman refuted ..." and "Peskov said ...":
        // the office's unnamed denial is its named spokesman's.
        let folded: Vec<bool> = out
            .iter()
            .map(|c| {
                let same = |o: &RawClaim| {
                    o.kind == ClaimKind::Denial
                        && o.speaker_country == c.speaker_country
                        && o.target_state == c.target_state
                };
                generic(c)
                    && out
                        .iter()
                        .any(|o| same(o) && o.sentence > c.sentence && !generic(o))
                    || c.kind == ClaimKind::Denial
                        && c.speaker.is_none()
                        && c.speaker_org.is_some()
                        && out.iter().any(|o| {
                            same(o) && o.speaker.is_some() && o.speaker_org == c.speaker_org
                        })
            })
            .collect();
        let mut k = 0;
        out.retain(|_| {
            k += 1;
            !folded[k - 1]
        });
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Say,
    Believe(usize, usize),
    Source,
    Accuse(usize),
    Passive(usize),
    Deny,
}

#[derive(Debug, Clone)]
struct Frame {
    speaker: Option<Speaker>,
    content: (usize, usize),
    kind: FrameKind,
    verb: usize,
    reporter: Option<String>,
}

// ---------------------------------------------------------------------------
// Small text helpers.

/// Two operation spans describe the same operation, or one is unknown.
fn ops_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    const STOP: &[&str] = &[
        "the",
        "to",
        "of",
        "and",
        "in",
        "on",
        "a",
        "an",
        "by",
        "for",
        "tried",
        "trying",
        "try",
        "attempt",
        "attempted",
        "from",
        "with",
        "that",
        "this",
        "those",
        "these",
        "its",
        "their",
    ];
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2 && !STOP.contains(w))
            .map(|w| w.chars().take(6).collect())
            .collect()
    };
    let (wa, wb) = (words(a), words(b));
    wa.iter().any(|w| wb.contains(w))
}

fn normalize_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Normalises whitespace the way the gold does: NBSP and runs of
/// whitespace become one space.
pub fn normalize_quote(s: &str) -> String {
    normalize_ws(s)
}

/// The start of the clause that ends at `pos`: after the last comma, quote
/// mark, semicolon or relative word.
fn clause_start(text: &str, s: usize, pos: usize) -> usize {
    let t = text.get(s..pos).unwrap_or("");
    let mut best = 0;
    for (i, c) in t.char_indices() {
        if matches!(c, ',' | ';' | ':' | '”' | '“' | '"' | '—' | '–') {
            best = i + c.len_utf8();
        }
    }
    // Relative and subordinating words also start a clause.
    let tail = t.get(best..).unwrap_or("");
    let mut pos = 0;
    for w in tail.split(' ') {
        let next = pos + w.len() + 1;
        if [
            "that", "which", "when", "while", "after", "because", "whom", "where", "if",
        ]
        .contains(&w)
            && pos > 0
            && next < tail.len()
        {
            best = best.max(t.len() - tail.len() + next);
        }
        pos = next;
    }
    // "Russia's ambassador in London, Andrei Kelin, told": the clause before
    // the verb is empty, so the subject is the phrase before the appositive.
    if best > 0 && t.get(best..).is_some_and(|c| c.trim().is_empty()) {
        let before = t.get(..best.saturating_sub(1)).unwrap_or("");
        let name_start = before
            .rfind([',', ';', ':', '"', '“', '”'])
            .map_or(0, |p| p + 1);
        let name = before.get(name_start..).unwrap_or("").trim();
        if capitalized_name(name).is_some_and(|n| n.len() == name.len()) && name_start > 0 {
            let head = before.get(..name_start - 1).unwrap_or("");
            let head_start = head
                .rfind([',', ';', ':', '"', '“', '”'])
                .map_or(0, |p| p + 1);
            return s + head_start;
        }
        return s + name_start;
    }
    // Keep an appositive name: "Bruno Khal, chief of ...".
    let clause = t.get(best..).unwrap_or("").trim_start().to_lowercase();
    if best > 0
        && (clause.starts_with("chief")
            || clause.starts_with("head")
            || clause.starts_with("director")
            || clause.starts_with("the ")
                && clause.split_whitespace().count() <= 6
                && [
                    "spokesman",
                    "minister",
                    "secretary",
                    "chief",
                    "director",
                    "head",
                ]
                .iter()
                .any(|w| clause.contains(w)))
    {
        let before = t.get(..best.saturating_sub(1)).unwrap_or("");
        let seg_start = before
            .rfind([',', ';', '.', '"', '“', '”'])
            .map_or(0, |p| p + 1);
        let seg = before.get(seg_start..).unwrap_or("").trim();
        if capitalized_name(seg).is_some_and(|n| n.len() == seg.len()) {
            return s + seg_start;
        }
    }
    s + best
}

/// The end of a dateline opening the sentence ("BEIJING, China – ",
/// "PRAGUE, May 6. /TASS/. ", "WASHINGTON (Reuters) - "), or `s`.
fn dateline_end(text: &str, s: usize, e: usize) -> usize {
    let head = text
        .get(s..e.min(s + 80))
        .or_else(|| text.get(s..e))
        .unwrap_or("");
    let first = head.split([' ', ',']).next().unwrap_or("");
    let caps = first.len() >= 3
        && first
            .chars()
            .all(|c| c.is_uppercase() || c == '.' || c == '-');
    if !caps {
        return s;
    }
    for dash in [" – ", " — ", " -- ", " - "] {
        if let Some(p) = head.find(dash) {
            return s + p + dash.len();
        }
    }
    s
}

/// Where a noun phrase after a verb ends: at a comma, stop or quote.
fn np_end(text: &str, s: usize, e: usize) -> usize {
    let t = text.get(s..e).unwrap_or("");
    let p = t
        .find([',', '.', ';', '“', '"', '”', '?'])
        .unwrap_or(t.len());
    s + p
}

/// Splits "Raab and Britain's NCSC" into its parties.
fn split_subjects(text: &str, s: usize, e: usize) -> Vec<(usize, usize)> {
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
    out.retain(|(a, b)| text.get(*a..*b).is_some_and(|x| !x.trim().is_empty()));
    if out.len() > 1
        && out.iter().any(|(a, b)| {
            text.get(*a..*b).is_none_or(|x| {
                let x = x.trim();
                let x = x.strip_prefix("the ").unwrap_or(x);
                !x.starts_with(|c: char| c.is_uppercase())
            })
        })
    {
        return vec![(s, e)];
    }
    out
}

fn strip_np(np: &str) -> String {
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

fn tail_after(np: &str, state: Option<Hit>) -> String {
    let _ = state;
    let lower = np.to_lowercase();
    for k in [
        "foreign intelligence agency",
        "domestic intelligence agency",
        "intelligence agency",
        "foreign ministry",
        "embassy",
        "mission to the united nations",
        "mission to the un",
        "consulate",
        "ministry of foreign affairs",
        "defence ministry",
        "defense ministry",
        "ministry of defence",
        "ministry of defense",
    ] {
        if lower.contains(k) {
            return match k {
                "mission to the united nations" | "mission to the un" => {
                    "mission to the UN".to_owned()
                }
                "ministry of foreign affairs" => "foreign ministry".to_owned(),
                "defense ministry" | "ministry of defence" | "ministry of defense" => {
                    "defence ministry".to_owned()
                }
                _ => k.to_owned(),
            };
        }
    }
    "government".to_owned()
}

fn executive_of(country: &str) -> String {
    STATES.iter().find(|s| s.name == country).map_or_else(
        || format!("{country} government"),
        |s| s.executive.to_owned(),
    )
}

fn country_prefix(country: &str) -> String {
    match country {
        "United States" => "US".to_owned(),
        "United Kingdom" => "UK".to_owned(),
        c => STATES
            .iter()
            .find(|s| s.name == c)
            .and_then(|s| s.adjectives.first())
            .map_or_else(|| c.to_owned(), |a| (*a).to_owned()),
    }
}

const NOT_NAMES: &[&str] = &[
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
];

/// A capitalised name of two to four words at the start of `s`.
fn capitalized_name(s: &str) -> Option<String> {
    let mut words = Vec::new();
    for w in s.split_whitespace() {
        let w2 = w
            .trim_end_matches([',', '.', '’', '\'', ':', ';'])
            .trim_end_matches("’s")
            .trim_end_matches("'s");
        let ok = w2.len() >= 2
            && w2.chars().next().is_some_and(char::is_uppercase)
            && w2.chars().skip(1).all(|c| c.is_lowercase() || c == '-')
            && !NOT_NAMES.contains(&w2);
        if !ok {
            break;
        }
        words.push(w2);
        if w2.len() != w.len() || words.len() == 4 {
            break;
        }
    }
    (words.len() >= 2).then(|| words.join(" "))
}

fn last_capitalized_name(s: &str) -> Option<String> {
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
fn last_capitalized_name_outside(text: &str, s: usize, e: usize, hits: &[Hit]) -> Option<String> {
    let t = text.get(s..e)?;
    let mut best = None;
    let mut offset = 0;
    let words: Vec<&str> = t.split(' ').collect();
    for (k, _) in words.iter().enumerate() {
        let tail = words.get(k..).unwrap_or(&[]).join(" ");
        let abs = s + offset;
        offset += words.get(k).map_or(0, |w| w.len() + 1);
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
        if let Some(n) = capitalized_name(&tail) {
            best = Some(n);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims_of(text: &str) -> Vec<RawClaim> {
        let c = crate::clean::clean(text.as_bytes(), Some(crate::clean::Format::Text));
        for l in debug_sentences(&c) {
            eprintln!("{l}");
        }
        eprintln!(
            "{:?}",
            scan(&c.text)
                .iter()
                .map(|h| (c.text.get(h.start..h.end).unwrap_or(""), h.pat))
                .collect::<Vec<_>>()
        );
        extract(&c)
    }

    #[test]
    fn source_before_the_accused() {
        let c = claims_of("According to US intelligence chiefs the Kremlin ran a covert operation aimed to influence the election.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Accusation);
        assert_eq!(c[0].speaker_org.as_deref(), Some("US intelligence chiefs"));
        assert_eq!(c[0].target_canonical.as_deref(), Some("Russia"));
    }
}
