//! The claim extractor: sentences, quotations and interview turns, who
//! speaks, what they say about whom, and how sure they say they are.
//!
//! The rules follow how news and statements are written: reported speech
//! before or after the quote ("X said", "..., the spokesman said"), sources
//! ("according to", "as claimed by"), accusation verbs ("accused X of"),
//! denial verbs and wording, passive attributions with no agent, and the
//! turns of an interview, where the journalist's questions are nobody's claim
//! unless they relay a named party's accusation.

use ascribe_kb::{BodyKind, KnowledgeBase, TitleOrg, BLOCS, BODIES, PEOPLE, STATES, TITLES};
use ascribe_model::{Band, ClaimKind, Icd203, Phia};

use std::rc::Rc;

use crate::clean::{floor_boundary, word_count, Cleaned};
use crate::lexicon::{band, scan, Hit, Pat};

#[cfg(test)]
mod accusation_cases;
mod frames;
mod interviews;
mod kinds;
mod merge;
mod relations;
mod sentences;
mod speakers;
mod targets;

use frames::FrameKind;
pub use sentences::normalize_quote;
use sentences::{
    char_before, clause_start, dateline_end, normalize_ws, past_char, split_sentences,
};
use speakers::{capitalized_name, last_capitalized_name, np_end, split_subjects};

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
        self.speaker_name().to_lowercase()
    }

    /// The speaker's key before lowering: the person, else the body's name;
    /// empty for an unattributed claim (no organisation).
    fn speaker_name(&self) -> &str {
        match (&self.speaker, &self.speaker_org) {
            (Some(p), _) => p,
            (None, Some(o)) => kinds::org_name(o),
            (None, None) => "",
        }
    }

    /// Whether the claim has a speaker key (`!speaker_key().is_empty()`).
    fn has_speaker_key(&self) -> bool {
        !self.speaker_name().is_empty()
    }

    /// `self.speaker_key() == o.speaker_key()` without lowering both into
    /// new strings: the merge compares every pair of a document's claims.
    fn same_speaker(&self, o: &RawClaim) -> bool {
        let (a, b) = (self.speaker_name(), o.speaker_name());
        if a.is_ascii() && b.is_ascii() {
            a.eq_ignore_ascii_case(b)
        } else {
            a.to_lowercase() == b.to_lowercase()
        }
    }

    /// `self.speaker_key() == key`, without lowering into a new string.
    fn speaker_key_is(&self, key: &str) -> bool {
        let a = self.speaker_name();
        if a.is_ascii() {
            a.len() == key.len()
                && a.bytes()
                    .zip(key.bytes())
                    .all(|(x, y)| x.to_ascii_lowercase() == y)
        } else {
            a.to_lowercase() == key
        }
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
        // A speaker named by neither person nor organisation (a country
        // alone) has the empty key: it merges with no named speaker.
        match self.person.as_deref().or(self.org.as_deref()) {
            Some(name) => name.to_lowercase(),
            None => String::new(),
        }
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
    hits: Rc<[Hit]>,
    sentences: Vec<Sentence>,
    people: Vec<Person>,
    /// Officials given a post and an office but no name ("a Chinese foreign
    /// ministry spokesperson"), latest last: a name given the same post
    /// later, with no office of its own, is theirs.
    posts: Vec<(usize, Speaker)>,
    /// Companies the text introduces by a noun ("Israeli firm ClearSky
    /// Cyber Security"), in text order: (where, name, state), so that the
    /// name alone later ("ClearSky also linked ...") is that company.
    firms: Vec<(usize, String, Option<String>)>,
    /// Runs of capitalised words by their initials (see
    /// `speakers::initials_of_names`), gathered when first asked for.
    initials: std::cell::OnceCell<std::collections::HashMap<String, Vec<(usize, usize)>>>,
    kb: &'a KnowledgeBase,
    interviewer: Option<Speaker>,
    interviewee: Option<Speaker>,
    last_group: Option<Target>,
    /// States the document ties to an operation (outside questions and the
    /// accused's own words).
    accused: Vec<String>,
    /// States the document says are smeared or framed ("stop smearing
    /// China"): they answer accusations.
    smeared: Vec<String>,
    /// The body a statement document is issued by ("Statement by the North
    /// Atlantic Council"): its "we" speaks.
    author: Option<Speaker>,
    /// The sentence after which the document speaks in its author's voice:
    /// a statement headed by a short "Statement by ..." line says what its
    /// sentences say, "We" or not.
    author_voice_from: Option<usize>,
    /// The other parties of a joint statement ("Joint statement by the
    /// foreign ministers of A, B and C"): its "we" speaks for each.
    co_authors: Vec<Speaker>,
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
    /// Where the last search of the hits ended (see [`first_hit_at`]).
    finger: std::cell::Cell<usize>,
    /// Per sentence, the index range of the hits that start in it: the
    /// rules ask for a whole sentence's hits many times (see
    /// [`Ctx::hits_range`]).
    sent_hits: Vec<std::ops::Range<usize>>,
    /// The sentence whose hits were asked for last.
    sent_finger: std::cell::Cell<usize>,
    /// The relations already read (see [`Ctx::relation`]).
    relations: std::cell::RefCell<relations::RelationCache>,
    /// Set while a relation is read when it consults what the claims pass
    /// changes (the last group named, the interviewee).
    reads_context: std::cell::Cell<bool>,
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
        // The scan gives them in this order already; the check reads them
        // once, where the sort set up a buffer as long as half of them.
        if !hits.is_sorted_by_key(hit_order) {
            hits.sort_by_key(hit_order);
        }
        let window = sentences.get(from..to).unwrap_or(&[]).to_vec();
        let mut ctx = Ctx::prepared(text, hits, window, kb);
        out.extend(ctx.run());
        from = to;
    }
    out
}

impl<'a> Ctx<'a> {
    /// The context of one window of sentences, prepared as every pass over
    /// it needs: quotations marked, an interview detected, the author and
    /// the accused found.
    fn prepared(
        text: &'a str,
        hits: Vec<Hit>,
        sentences: Vec<Sentence>,
        kb: &'a KnowledgeBase,
    ) -> Self {
        let mut hits = hits;
        hits.retain(|h| !(h.pat == Pat::Op && in_proper_name(text, h.start, h.end)));
        // "the suspects worked for the GRU": the noun, not a verb of belief
        // nor a confidence word.
        hits.retain(|h| !(matches!(h.pat, Pat::Cognition | Pat::Conf(_)) && suspect_noun(text, h)));
        // "are not only targeting ... but also exploiting": no negation.
        hits.retain(|h| {
            !(h.pat == Pat::Neg
                && text.get(h.end..).is_some_and(|r| {
                    let r = r.trim_start_matches(' ');
                    ["only ", "just ", "merely ", "simply "]
                        .iter()
                        .any(|w| r.get(..w.len()).is_some_and(|x| x.eq_ignore_ascii_case(w)))
                }))
        });
        // "deny the threat actor further access", "denied them entry":
        // refusing a thing is no denial of a deed.
        hits.retain(|h| {
            !(matches!(h.pat, Pat::Deny | Pat::DenyVerb)
                && text.get(h.start..h.end).is_some_and(|w| {
                    w.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("deny"))
                        || w.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("denied"))
                })
                && text.get(h.end..).is_some_and(|r| {
                    r.split(' ')
                        .skip(1)
                        .take(5)
                        .map(|w| w.trim_end_matches([',', '.', ';']))
                        .any(|w| matches!(w, "access" | "entry" | "visas" | "visa" | "service"))
                }))
        });
        // "APT41" is APT41's own name and, in another source, an alias of
        // Winnti: the group whose name is written wins over the other.
        let own_name = |h: &Hit| match h.pat {
            Pat::Group(g) => kb
                .actors()
                .get(g)
                .is_some_and(|a| same_name(&a.name, text.get(h.start..h.end).unwrap_or(""))),
            _ => false,
        };
        let mut named: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| own_name(h))
            .map(|h| (h.start, h.end))
            .collect();
        if !named.is_empty() {
            named.sort_unstable();
            hits.retain(|h| {
                !matches!(h.pat, Pat::Group(_))
                    || own_name(h)
                    || named.binary_search(&(h.start, h.end)).is_err()
            });
        }
        // "the Lazarus Group, also known as APT38": the second name is the
        // first's alias, not a second party (the text is about the first).
        let mut prev_group: Option<usize> = None;
        hits.retain(|h| {
            if !matches!(h.pat, Pat::Group(_)) {
                return true;
            }
            let alias = prev_group.is_some_and(|end| {
                h.start > end
                    && h.start - end <= 24
                    && text.get(end..h.start).is_some_and(|gap| {
                        let g = gap.trim_start_matches([',', ' ', '(']).trim_end();
                        [
                            "also known as",
                            "aka",
                            "a.k.a.",
                            "otherwise known as",
                            "alias",
                        ]
                        .iter()
                        .any(|w| g.eq_ignore_ascii_case(w))
                    })
            });
            prev_group = Some(h.end);
            !alias
        });
        let n_sentences = sentences.len();
        let mut at = 0;
        let sent_hits = sentences
            .iter()
            .map(|x| {
                let a = first_hit_at(&hits, x.start, at);
                let b = first_hit_at(&hits, x.end, a);
                at = a;
                a..b.max(a)
            })
            .collect();
        let mut ctx = Ctx {
            text,
            hits: hits.into(),
            sentences,
            people: Vec::new(),
            posts: Vec::new(),
            firms: Vec::new(),
            initials: std::cell::OnceCell::new(),
            kb,
            interviewer: None,
            interviewee: None,
            last_group: None,
            accused: Vec::new(),
            smeared: Vec::new(),
            author: None,
            author_voice_from: None,
            co_authors: Vec::new(),
            answering: std::cell::Cell::new(false),
            resolving_pronoun: false,
            labels: Vec::new(),
            transcript_from: 0,
            colon_speaker: None,
            finger: std::cell::Cell::new(0),
            sent_hits,
            sent_finger: std::cell::Cell::new(0),
            relations: std::cell::RefCell::new(relations::RelationCache::new(n_sentences)),
            reads_context: std::cell::Cell::new(false),
        };
        ctx.mark_quotes();
        ctx.detect_interview();
        ctx.find_author();
        ctx.find_firms();
        ctx.find_accused();
        ctx
    }
}

/// Whether a link phrase names the role before the party: "the
/// responsible actors are", "those responsible were", "the culprit is".
fn inverted_role(t: &str) -> bool {
    let mut buf = [0u8; 64];
    let l = lowered(t, &mut buf);
    [
        "responsible actors",
        "actors responsible",
        "those responsible",
        "the perpetrator",
        "the culprit",
    ]
    .iter()
    .any(|r| l.starts_with(r))
}

/// Whether an operation word is part of a proper name: "Israel's National
/// Cyber Directorate", "Cyber Command", "the Cyber Security Agency" name a
/// body, not an operation. The word is capitalised and so is a word next to
/// it; a sentence's first word ("Cyberattacks on ...") and a lower-case
/// neighbour ("Cyber attacks") are no name.
fn in_proper_name(text: &str, s: usize, e: usize) -> bool {
    if !text.as_bytes().get(s).is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let next = text.get(e..).and_then(|t| t.strip_prefix(' '));
    let next_cap = next.is_some_and(|t| t.starts_with(|c: char| c.is_ascii_uppercase()));
    let before = text.get(..s).unwrap_or("");
    let prev_word = before
        .strip_suffix(' ')
        .map(|b| b.rsplit([' ', '\n']).next().unwrap_or(""));
    let prev_cap = prev_word.is_some_and(|w| {
        w.starts_with(|c: char| c.is_ascii_uppercase()) && !w.ends_with(['.', ':', '!', '?', '"'])
    });
    next_cap || prev_cap
}

/// Whether two group names are the same name, as news varies it ("APT
/// 41", "apt-41", "APT41").
fn same_name(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    key(a) == key(b)
}

/// Whether a "suspect(s)" hit is the noun: a determiner or number before it.
fn suspect_noun(text: &str, h: &Hit) -> bool {
    let w = text.get(h.start..h.end).unwrap_or("");
    if !(w.eq_ignore_ascii_case("suspects") || w.eq_ignore_ascii_case("suspect")) {
        return false;
    }
    let before = text.get(h.start.saturating_sub(12)..h.start).unwrap_or("");
    let prev = before.trim_end().rsplit([' ', '\n']).next().unwrap_or("");
    matches!(
        prev.to_ascii_lowercase().as_str(),
        "the"
            | "a"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "several"
            | "both"
            | "these"
            | "those"
            | "all"
            | "main"
            | "key"
            | "of"
            | "other"
            | "alleged"
    )
}

/// `s` lowercased, in `buf` when it is ASCII and fits (no allocation: the
/// rules lowercase a few words around every party), else a new string.
fn lowered<'b>(s: &str, buf: &'b mut [u8; 64]) -> std::borrow::Cow<'b, str> {
    match buf.get_mut(..s.len()) {
        Some(b) if s.is_ascii() => {
            b.copy_from_slice(s.as_bytes());
            b.make_ascii_lowercase();
            match std::str::from_utf8(b) {
                Ok(t) => std::borrow::Cow::Borrowed(t),
                Err(_) => std::borrow::Cow::Owned(s.to_lowercase()),
            }
        }
        _ => std::borrow::Cow::Owned(s.to_lowercase()),
    }
}

/// `hay.find(needle)` by memchr's searcher: the rules look for a few
/// literal words in each of many short sentences, where building the
/// standard library's two-way searcher for each search cost more than the
/// search.
fn find_lit(hay: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(hay.as_bytes(), needle.as_bytes())
}

/// The first of `hits` (sorted by start) that starts at or after `s`, as
/// `hits.partition_point(|h| h.start < s)` gives it, searched outwards
/// from `hint`. The rules ask for the hits of one sentence after another,
/// each near the last: a search from the last answer reads a few hits
/// where a search of the whole window (tens of thousands in a long
/// document) missed the cache at each of its steps.
fn first_hit_at(hits: &[Hit], s: usize, hint: usize) -> usize {
    let n = hits.len();
    let k = hint.min(n);
    let starts_before = |i: usize| hits.get(i).is_some_and(|h| h.start < s);
    let count_before = |a: usize, b: usize| {
        a + hits
            .get(a..b)
            .map_or(0, |r| r.partition_point(|h| h.start < s))
    };
    if k > 0 && !starts_before(k - 1) {
        // Before the hint: `hi` starts at or after `s`.
        let (mut hi, mut step) = (k - 1, 1);
        loop {
            let lo = hi.saturating_sub(step);
            if lo == 0 || starts_before(lo) {
                return count_before(lo, hi);
            }
            hi = lo;
            step *= 2;
        }
    }
    // At or after the hint: every hit before `lo` starts before `s`.
    let (mut lo, mut step) = (k, 1);
    loop {
        let hi = (lo + step).min(n);
        if hi == n || !starts_before(hi) {
            return count_before(lo, hi);
        }
        lo = hi + 1;
        step *= 2;
    }
}

/// Hits of a range (see [`Ctx::hits_of`]): a range of the document's
/// shared hits when they all qualify, else a filtered copy.
enum HitList {
    Shared(Rc<[Hit]>, std::ops::Range<usize>),
    Owned(Vec<Hit>),
}

impl std::ops::Deref for HitList {
    type Target = [Hit];
    fn deref(&self) -> &[Hit] {
        match self {
            HitList::Shared(all, r) => all.get(r.clone()).unwrap_or(&[]),
            HitList::Owned(v) => v,
        }
    }
}

impl<'a> IntoIterator for &'a HitList {
    type Item = &'a Hit;
    type IntoIter = std::slice::Iter<'a, Hit>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl IntoIterator for HitList {
    type Item = Hit;
    type IntoIter = HitIter;
    fn into_iter(self) -> HitIter {
        match self {
            HitList::Shared(all, r) => HitIter::Shared(all, r),
            HitList::Owned(v) => HitIter::Owned(v.into_iter()),
        }
    }
}

/// The hits of a [`HitList`] by value.
enum HitIter {
    Shared(Rc<[Hit]>, std::ops::Range<usize>),
    Owned(std::vec::IntoIter<Hit>),
}

impl Iterator for HitIter {
    type Item = Hit;
    fn next(&mut self) -> Option<Hit> {
        match self {
            HitIter::Shared(all, r) => r.next().and_then(|i| all.get(i).copied()),
            HitIter::Owned(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            HitIter::Shared(_, r) => r.size_hint(),
            HitIter::Owned(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for HitIter {
    fn next_back(&mut self) -> Option<Hit> {
        match self {
            HitIter::Shared(all, r) => r.next_back().and_then(|i| all.get(i).copied()),
            HitIter::Owned(i) => i.next_back(),
        }
    }
}

/// The order of a window's hits: by start, the longest first.
fn hit_order(h: &Hit) -> (usize, std::cmp::Reverse<usize>) {
    (h.start, std::cmp::Reverse(h.end))
}

/// The window a document is read in, in bytes of clean text.
const CHUNK: usize = 256 * 1024;

/// One line per sentence with its turn, quotation share and frames, for
/// tuning rules (`ASCRIBE_EXTRACT_DEBUG=1` in the seed test prints it).
pub fn debug_sentences(cleaned: &Cleaned<'_>) -> Vec<String> {
    let text = cleaned.text.as_str();
    let mut hits = scan(text);
    hits.sort_by_key(hit_order);
    let sentences = split_sentences(cleaned);
    let mut ctx = Ctx::prepared(text, hits, sentences, KnowledgeBase::builtin());
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

impl Ctx<'_> {
    fn sent_text(&self, i: usize) -> &str {
        self.sentences
            .get(i)
            .and_then(|s| self.text.get(s.start..s.end))
            .unwrap_or("")
    }

    /// The index range of the hits that start in `s..e`.
    fn hits_range(&self, s: usize, e: usize) -> std::ops::Range<usize> {
        // A whole sentence, the one asked for last or the next: its range
        // is known.
        let k = self.sent_finger.get();
        for j in [k, k + 1] {
            if let (Some(x), Some(r)) = (self.sentences.get(j), self.sent_hits.get(j)) {
                if x.start == s && x.end == e {
                    self.sent_finger.set(j);
                    self.finger.set(r.start);
                    return r.clone();
                }
            }
        }
        let a = first_hit_at(&self.hits, s, self.finger.get());
        let b = first_hit_at(&self.hits, e, a);
        self.finger.set(a);
        a..b.max(a)
    }

    fn hits_in(&self, s: usize, e: usize) -> &[Hit] {
        // Hits that run past `e` are cut off by the caller's range checks.
        self.hits.get(self.hits_range(s, e)).unwrap_or(&[])
    }

    /// The hits that start and end in `s..e` and whose pattern `f` accepts,
    /// in text order. When every hit starting in the range is one (the
    /// usual case) they are the document's own, shared, not copied.
    fn hits_of(&self, s: usize, e: usize, f: impl Fn(Pat) -> bool) -> HitList {
        let r = self.hits_range(s, e);
        let all = self.hits.get(r.clone()).unwrap_or(&[]);
        let keep = |h: &&Hit| h.end <= e && f(h.pat);
        if all.iter().all(|h| keep(&h)) {
            HitList::Shared(Rc::clone(&self.hits), r)
        } else {
            HitList::Owned(all.iter().filter(keep).copied().collect())
        }
    }

    /// Whether sentence `i` has a cue word without which no rule makes a
    /// claim of it: an operation, affiliation, "behind the attack is" or
    /// clause-ending "responsible" word for a relation, an accusation, attribution or denial word, or
    /// an evidence assertion. Most sentences of a long document have none,
    /// and [`Ctx::sentence_claims`] is skipped for them.
    fn may_claim(&self, i: usize) -> bool {
        let (s, e) = (self.sentences[i].start, self.sentences[i].end);
        let hits = self.hits_in(s, e);
        hits.iter().any(|h| match h.pat {
            // "held talks", "linked arms": these verbs accuse only with an
            // operation in the sentence (see `frames`); the check keeps the
            // rules off the many sentences that merely use the word.
            Pat::Accuse | Pat::Attribute if h.end - h.start <= 6 && self.weak_cue(h) => {
                hits.iter().any(|o| o.pat == Pat::Op)
            }
            Pat::Op
            | Pat::Link
            | Pat::Accuse
            | Pat::Attribute
            | Pat::Deny
            | Pat::DenyVerb
            | Pat::Evidence => true,
            // "the GRU was almost certainly responsible." (see `relation`).
            Pat::Resp => {
                self.text.get(h.start..h.end).is_some_and(|t| {
                    t.ends_with("responsible") || t.ends_with("to blame") || t.ends_with("involved")
                }) || self.behind_pronoun(h, e)
            }
            // "behind the attacks is X", "supports the interests of X"
            // (see `relation`).
            Pat::From => {
                h.end - h.start > 6
                    && self.text.get(h.start..h.end).is_some_and(|t| {
                        t.get(..6).is_some_and(|b| b.eq_ignore_ascii_case("behind"))
                            || t.ends_with("interests of")
                            || inverted_role(t)
                    })
            }
            _ => false,
        })
    }

    /// Whether a heading reads as a headline that makes a claim ("Britain
    /// blames Russia for cyber attacks", "China denies hacking claims"):
    /// a line of four words or more, above the story's first sentence,
    /// whose verb accuses or denies in the present tense, as headlines are
    /// written. (Headings below the story are other stories' links.)
    /// (`run` asks it only of headings before the story's first sentence.)
    fn headline(&self, i: usize) -> bool {
        let t = self.sent_text(i);
        if t.split_whitespace().count() < 4 {
            return false;
        }
        let (s, e) = (self.sentences[i].start, self.sentences[i].end);
        // "ESET Research: Russian APT groups continue ...".
        if self.body_colon(s, e).is_some() {
            return true;
        }
        let hits = self.hits_in(s, e);
        let present = |h: &Hit| {
            self.text
                .get(h.start..h.end)
                .is_some_and(|w| w.ends_with('s') && !w.ends_with("ss"))
        };
        // ("US confirms Iran is behind cyberattacks": a verb of saying
        // with a party tied to an operation after it.)
        let tied = hits
            .iter()
            .any(|h| matches!(h.pat, Pat::Resp | Pat::From | Pat::Link))
            || hits.iter().any(|h| h.pat == Pat::Op)
                && hits
                    .iter()
                    .any(|h| matches!(h.pat, Pat::State(_) | Pat::Group(_)));
        hits.iter().any(|h| {
            (matches!(h.pat, Pat::Accuse | Pat::Attribute | Pat::DenyVerb)
                || tied && matches!(h.pat, Pat::Assert | Pat::Cognition))
                && present(h)
        })
    }

    /// Whether an accusing hit is one of the everyday verbs that accuse
    /// only in some constructions ("held", "holds", "linked", "tied",
    /// "traced").
    fn weak_cue(&self, h: &Hit) -> bool {
        self.text.get(h.start..h.end).is_some_and(|w| {
            [
                "held", "holds", "linked", "tied", "traced", "named", "names",
            ]
            .iter()
            .any(|x| w.eq_ignore_ascii_case(x))
        })
    }

    /// What [`Ctx::sentence_claims`] learns of a sentence that can hold no
    /// claim: the people its speech verbs and quotation name are remembered
    /// for later sentences ("Peskov said ..." before "Peskov denied ...").
    fn remember_speakers(&mut self, i: usize) {
        let (s, e) = (self.sentences[i].start, self.sentences[i].end);
        let speech = self.hits_in(s, e).iter().any(|h| {
            matches!(
                h.pat,
                Pat::Source | Pat::Assert | Pat::Cognition | Pat::Passive
            )
        });
        let t = self.sent_text(i);
        let owner_that = t.contains(" that ") && (t.contains("’s ") || t.contains("'s "));
        if speech || owner_that {
            let _ = self.frames(i);
        } else if let Some(name) = t
            .get(..floor_boundary(t, 48))
            .is_some_and(|h| h.contains(", "))
            .then(|| speakers::capitalized_name(t))
            .flatten()
            .filter(|n| t.starts_with(n.as_str()))
        {
            // "Zhang Xiaogang, spokesperson for the Ministry of National
            // Defense, made the remarks ...": the post an appositive gives
            // a name is remembered for a later "Zhang said".
            let _ = self.post_after_name(&name, s + name.len(), e, i);
        }
        // Only a quotation of several sentences names people to remember
        // here (a continued one names no one new).
        if self.sentences[i].quoted > 0.5 && self.sentences[i].group.is_some() {
            let _ = self.quote_speaker(i);
        }
    }

    fn run(&mut self) -> Vec<RawClaim> {
        let n = self.sentences.len();
        // Where the story starts: only headings above it are headlines.
        let story = self.sentences.iter().position(|x| !x.heading).unwrap_or(n);
        let mut claims: Vec<RawClaim> = Vec::new();
        for i in 0..n {
            self.learn_people(i);
            if self.sentences[i].heading && !(i < story && self.headline(i)) {
                continue;
            }
            let mut found = if self.may_claim(i) {
                self.sentence_claims(i, &claims)
            } else {
                self.remember_speakers(i);
                Vec::new()
            };
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
            claims.append(&mut found);
            // Remember the last group named for "this group".
            let (s, e) = (self.sentences[i].start, self.sentences[i].end);
            if let Some(g) = self.hits_of(s, e, |p| matches!(p, Pat::Group(_))).last() {
                self.last_group = self.target_at(g, i);
            }
        }
        self.finish(claims)
    }
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
    fn the_search_from_a_hint_finds_what_a_binary_search_finds() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [0usize, 1, 2, 3, 7, 40, 300] {
            let mut at = 0;
            let hits: Vec<Hit> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Repeated starts too: several kinds of one text.
                    at += (x % 4) as usize;
                    Hit {
                        start: at,
                        end: at + 1,
                        pat: Pat::Neg,
                    }
                })
                .collect();
            for s in 0..at + 3 {
                let want = hits.partition_point(|h| h.start < s);
                for hint in 0..n + 2 {
                    assert_eq!(
                        first_hit_at(&hits, s, hint),
                        want,
                        "n {n} s {s} hint {hint}"
                    );
                }
            }
        }
    }

    #[test]
    fn source_before_the_accused() {
        let c = claims_of("According to US intelligence chiefs the Kremlin ran a covert operation aimed to influence the election.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Accusation);
        assert_eq!(c[0].speaker_org.as_deref(), Some("US intelligence chiefs"));
        assert_eq!(c[0].target_canonical.as_deref(), Some("Russia"));
    }

    #[test]
    fn source_with_initials_abbreviation() {
        // Wire copy writes "U.S."; the stop after an initial ends no phrase.
        let c = claims_of(
            "The group broke into the networks of the ministry, according to the U.S. government.",
        );
        let c2 = claims_of("APT28 was behind the intrusion, according to U.K. officials.");
        assert_eq!(c.len(), 0, "no party named: {c:?}");
        assert_eq!(c2.len(), 1, "{c2:?}");
        assert_eq!(c2[0].kind, ClaimKind::Accusation);
        assert_eq!(c2[0].speaker_org.as_deref(), Some("U.K. officials"));
        assert_eq!(c2[0].target_canonical.as_deref(), Some("APT28"));
    }

    #[test]
    fn accusing_participle_takes_the_main_subject() {
        let c = claims_of(
            "The Dutch government summoned the Russian envoy on Friday, accusing Moscow of a hacking attempt on a chemical weapons laboratory.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Accusation);
        assert_eq!(c[0].speaker_country.as_deref(), Some("Netherlands"));
        assert_eq!(c[0].target_canonical.as_deref(), Some("Russia"));
        let c = claims_of(
            "Japan lodged a protest with Beijing, blaming China for intrusions into the space agency.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].speaker_country.as_deref(), Some("Japan"));
        assert_eq!(c[0].target_canonical.as_deref(), Some("China"));
    }

    #[test]
    fn sponsored_by_points_at_the_party() {
        let c = claims_of(
            "The interior minister, Helga Sund, said the breach was planned and sponsored by North Korea.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Accusation);
        assert_eq!(c[0].target_canonical.as_deref(), Some("North Korea"));
    }

    #[test]
    fn a_placed_spokesperson_keeps_their_state() {
        // The official placed by a denial is not moved to the accuser's side
        // by the next sentence, which denies nothing.
        let c = claims_of(
            "Responding to questions about the US security firm Brightwall's report that Iran helped the APT33 group attack energy companies, Foreign Ministry Spokesperson Reza Karimi stated:\n\nThis is baseless information. Iran firmly bans all cyber-attacks against organizations in any form.",
        );
        let by_him: Vec<_> = c
            .iter()
            .filter(|x| x.speaker.as_deref().is_some_and(|s| s.contains("Karimi")))
            .collect();
        assert!(!by_him.is_empty(), "{c:?}");
        for x in by_him {
            assert_eq!(x.speaker_country.as_deref(), Some("Iran"), "{x:?}");
            assert_ne!(x.kind, ClaimKind::Accusation, "{x:?}");
        }
    }

    #[test]
    fn the_countrys_ministry_speaks_for_the_state_named_before() {
        let c = claims_of(
            "Researchers at the firm Kestrel Labs attributed the intrusion to APT29. North Korea has rejected any role in the theft from the exchange, the country's foreign ministry said on Tuesday.",
        );
        let denials: Vec<_> = c.iter().filter(|x| x.kind == ClaimKind::Denial).collect();
        assert_eq!(denials.len(), 1, "{c:?}");
        assert_eq!(denials[0].speaker_country.as_deref(), Some("North Korea"));
        assert!(
            denials[0]
                .speaker_org
                .as_deref()
                .is_some_and(|o| o.to_lowercase().contains("ministry")),
            "{c:?}"
        );
    }

    #[test]
    fn a_denier_who_then_blames_another_state_replies() {
        let c = claims_of(
            "Iran's foreign ministry spokesman Hamid Rostami said the allegations were baseless. He said the United States was itself the largest source of cyberattacks in the world.",
        );
        assert!(c.iter().any(|x| x.kind == ClaimKind::Denial), "{c:?}");
        let reply: Vec<_> = c
            .iter()
            .filter(|x| x.target_canonical.as_deref() == Some("United States"))
            .collect();
        assert_eq!(reply.len(), 1, "{c:?}");
        assert_eq!(reply[0].kind, ClaimKind::CounterAccusation);
        assert_eq!(reply[0].speaker_country.as_deref(), Some("Iran"));
    }

    #[test]
    fn a_firm_the_kb_does_not_know_is_named_by_its_noun() {
        for text in [
            "Cybersecurity firm Redbay said the malware was almost certainly developed by Lazarus.",
            "The security company Redbay Labs said the malware was almost certainly developed by Lazarus.",
        ] {
            let c = claims_of(text);
            assert_eq!(c.len(), 1, "{c:?}");
            assert_eq!(c[0].kind, ClaimKind::Accusation, "{c:?}");
            assert!(
                c[0].speaker_org
                    .as_deref()
                    .is_some_and(|o| o.starts_with("Redbay")),
                "{c:?}"
            );
            assert_eq!(c[0].target_canonical.as_deref(), Some("Lazarus"));
        }
        assert_eq!(super::speakers::named_firm("the firm"), None);
        assert_eq!(
            super::speakers::named_firm("the firm Redbay and its partners"),
            None
        );
    }

    #[test]
    fn a_shared_head_after_an_opening_phrase_splits_the_accusers() {
        let c = claims_of(
            "On Friday, the foreign ministers of Canada and Norway said China's Ministry of State Security was responsible for the intrusion.",
        );
        let mut who: Vec<_> = c
            .iter()
            .filter(|x| x.kind == ClaimKind::Accusation)
            .filter_map(|x| x.speaker_country.as_deref())
            .collect();
        who.sort_unstable();
        assert_eq!(who, ["Canada", "Norway"], "{c:?}");
    }

    #[test]
    fn a_paper_speaks_for_the_body_that_just_issued_it() {
        let c = claims_of(
            "The Australian Signals Directorate published an advisory on Wednesday. The advisory said APT40 had targeted government networks.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Accusation, "{c:?}");
        assert_eq!(c[0].speaker_country.as_deref(), Some("Australia"), "{c:?}");
        assert_eq!(c[0].target_canonical.as_deref(), Some("APT40"));
        // Two sentences on, the paper is no longer tied to that body.
        let c = claims_of(
            "The Australian Signals Directorate published an advisory on Wednesday. Markets fell sharply on the news. Ministers met in the capital. The report said APT40 had targeted government networks.",
        );
        assert!(c.iter().all(|x| x.speaker_country.is_none()), "{c:?}");
    }

    #[test]
    fn a_former_official_comments_and_does_not_accuse() {
        let c = claims_of(
            "\"This has all the hallmarks of a North Korean operation,\" said Maria Lind, a former NSA analyst.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::AttributionStatement, "{c:?}");
        let c = claims_of(
            "\"This has all the hallmarks of a North Korean operation,\" said Maria Lind, an NSA analyst.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Accusation, "{c:?}");
    }

    #[test]
    fn a_comma_inside_a_known_name_starts_no_clause() {
        let c = claims_of(
            "A spokesperson for the Foreign, Commonwealth and Development Office said the UK had exposed Russian military intelligence for the intrusions.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(
            c[0].speaker_org
                .as_deref()
                .is_some_and(|o| o.contains("Foreign")),
            "{c:?}"
        );
        assert_eq!(c[0].target_canonical.as_deref(), Some("Russia"));
    }
}
