//! Sentences and quotations: where a sentence ends, which sentences one
//! quotation joins, clause boundaries, and the whitespace rule the gold uses.

use super::*;

pub(super) const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "col", "lt", "sgt", "gov", "sen", "rep",
    "prof", "inc", "ltd", "co", "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.u", "u.n", "a.m", "p.m",
    "cf", "fig", "maj", "capt", "adm", "rev", "hon", "est", "approx", "dept", "univ",
];

pub(super) fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '«' | '„')
}

pub(super) fn split_sentences(cleaned: &Cleaned<'_>) -> Vec<Sentence> {
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
                    let mut buf = [0u8; 64];
                    let w = lowered(word, &mut buf);
                    ABBREV.contains(&&*w)
                        || (w.chars().count() == 1 && w.chars().all(char::is_alphabetic))
                }
            };
            let question_break = c == '?' && next.is_some();
            if (next_ws && (upper_next || question_break) && !abbrev)
                || glued_stop(block, pos, after)
            {
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

/// A stop with no space after it that still ends a sentence: pages whose
/// paragraphs lost their breaks when scraped run "game play.The hackers" and
/// "the theft.”Lazarus Group" together. Only a lower-case word of three
/// letters or more before and a capitalised word after count, so "U.S.",
/// "e.g.", "Node.js" and addresses stay whole.
fn glued_stop(block: &str, pos: usize, after: &str) -> bool {
    // ("... the US dollar.“The United States is aware ...": a quotation
    // opens the next sentence.)
    let after = after.strip_prefix('“').unwrap_or(after);
    let mut next = after.bytes();
    let (Some(a), Some(b)) = (next.next(), next.next()) else {
        return false;
    };
    if !(a.is_ascii_uppercase() && b.is_ascii_lowercase()) {
        return false;
    }
    let before = &block.as_bytes()[..pos];
    let word = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let start = pos - word;
    word >= 3
        && before[pos - 1].is_ascii_lowercase()
        && before[pos - 2].is_ascii_lowercase()
        && (start == 0 || !matches!(before[start - 1], b'.' | b'/' | b'@' | b'_' | b'-'))
}

/// The longest sentence the rules read, in bytes. A run of text with no
/// sentence end longer than this (junk, a table flattened into one line) is
/// read in pieces of about this size, cut at a space: several rules look
/// back from each cue word to the sentence's start, so their work on one
/// sentence grows with its length times its cue words.
const MAX_SENTENCE: usize = 8 * 1024;

pub(super) fn push_sentence(
    out: &mut Vec<Sentence>,
    cleaned: &Cleaned<'_>,
    block: usize,
    s: usize,
    e: usize,
    question: bool,
) {
    let text = cleaned.text.as_str();
    let mut s = s;
    while e.saturating_sub(s) > MAX_SENTENCE {
        let mut cut = s + MAX_SENTENCE;
        while cut > s && !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = text
            .get(s..cut)
            .and_then(|t| t.rfind(' '))
            .filter(|&p| p > MAX_SENTENCE / 2)
            .map_or(cut, |p| s + p + 1);
        push_one_sentence(out, cleaned, block, s, cut, false);
        s = cut;
    }
    push_one_sentence(out, cleaned, block, s, e, question);
}

fn push_one_sentence(
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

pub(super) fn normalize_ws(s: &str) -> String {
    // Most spans are ASCII words with one space between them already:
    // copied whole.
    let b = s.as_bytes();
    let mut prev_space = true;
    let plain = b.iter().all(|&c| {
        let space = c == b' ';
        let ok = c < 0x80 && !matches!(c, b'\t'..=b'\r') && !(space && prev_space);
        prev_space = space;
        ok
    }) && !prev_space;
    if plain {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    // Whole words at a time, one space between them.
    for w in s
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Normalises whitespace the way the gold does: NBSP and runs of
/// whitespace become one space.
pub fn normalize_quote(s: &str) -> String {
    normalize_ws(s)
}

/// The end of the last of `, ; : " “ ” — –` in `t`, or of a hyphen typed
/// for a dash (" - ", "--"), or 0: read a byte at a time from the end, the
/// marks past ASCII by their UTF-8 bytes (E2 80 then 9C, 9D, 94 or 93), so
/// no character is decoded.
fn last_clause_mark(t: &[u8]) -> usize {
    let mut k = t.len();
    while k > 0 {
        k -= 1;
        match t[k] {
            b',' | b';' | b':' | b'"' => return k + 1,
            // A dash typed as hyphens, not one inside a word ("pre-emptive").
            b'-' if k > 0
                && matches!(t[k - 1], b' ' | b'-')
                && matches!(t.get(k + 1), Some(b' ' | b'-')) =>
            {
                return k + 1;
            }
            0x93 | 0x94 | 0x9C | 0x9D if k >= 2 && t[k - 1] == 0x80 && t[k - 2] == 0xE2 => {
                return k + 1;
            }
            _ => {}
        }
    }
    0
}

/// Where the clause after the last relative or subordinating word of `t`
/// ("that", "which", "because" ...) starts, or 0: the last such word that is
/// neither the first word (words split at spaces) nor the last. Searched
/// from the end, word by word (`clause_start` runs for most verbs).
fn after_relative(t: &[u8]) -> usize {
    let mut end = t.len();
    for sp in memchr::memrchr_iter(b' ', t) {
        let w = t.get(sp + 1..end).unwrap_or(&[]);
        // (Only a word starting with a, b, i, t or w can be one.)
        let may_be = w.first().is_some_and(|b| b"abitw".contains(b));
        if may_be
            && end + 1 < t.len()
            && [
                "that", "which", "when", "while", "after", "because", "whom", "where", "if",
            ]
            .iter()
            .any(|r| r.as_bytes() == w)
        {
            return end + 1;
        }
        end = sp;
    }
    0
}

/// The offset just past the character at `p` in `t` (a mark found by
/// `find`): `p + 1` would fall inside a curly quote or a dash.
pub(super) fn past_char(t: &str, p: usize) -> usize {
    p + t
        .get(p..)
        .and_then(|r| r.chars().next())
        .map_or(1, char::len_utf8)
}

/// Where the character that ends at `p` in `t` starts: `p - 1` would fall
/// inside a curly quote or a dash.
pub(super) fn char_before(t: &str, p: usize) -> usize {
    t.get(..p)
        .and_then(|h| h.char_indices().next_back())
        .map_or(0, |(i, _)| i)
}

/// The start of the clause that ends at `pos`: after the last comma, quote
/// mark, semicolon or relative word.
pub(super) fn clause_start(text: &str, s: usize, pos: usize) -> usize {
    let t = text.get(s..pos).unwrap_or("");
    // After the last mark (searched from the end: the clause is near).
    let mut best = last_clause_mark(t.as_bytes());
    // Relative and subordinating words also start a clause.
    best += after_relative(t.get(best..).unwrap_or("").as_bytes());
    // "Russia's ambassador in London, Andrei Kelin, told": the clause before
    // the verb is empty, so the subject is the phrase before the appositive.
    // ("..., which announced the charges, also said": an adverb alone
    // leaves the clause empty too.)
    let only_adverbs = |c: &str| {
        c.split_whitespace()
            .all(|w| matches!(w, "also" | "again" | "later" | "further" | "then" | "now"))
    };
    if best > 0 && t.get(best..).is_some_and(only_adverbs) {
        let before = t.get(..char_before(t, best)).unwrap_or("");
        let name_start = before
            .rfind([',', ';', ':', '"', '“', '”'])
            .map_or(0, |p| past_char(before, p));
        let name = before.get(name_start..).unwrap_or("").trim();
        if capitalized_name(name).is_some_and(|n| n.len() == name.len()) && name_start > 0 {
            let head = before.get(..char_before(before, name_start)).unwrap_or("");
            let head_start = head
                .rfind([',', ';', ':', '"', '“', '”'])
                .map_or(0, |p| past_char(head, p));
            return s + head_start;
        }
        // "James Whitfield, a senior fellow at a think tank, said", "Ana
        // Lind, chief analyst at a vendor, said": the name before a
        // descriptive appositive is the subject.
        let described = ["a ", "an ", "the "].iter().any(|a| name.starts_with(a))
            || name.starts_with(|c: char| c.is_lowercase());
        if described && name_start > 0 {
            let head = before.get(..char_before(before, name_start)).unwrap_or("");
            let head_start = head
                .rfind([',', ';', ':', '"', '“', '”'])
                .map_or(0, |p| past_char(head, p));
            let seg = head.get(head_start..).unwrap_or("").trim();
            // Or a body's proper name: "The Australian Signals Directorate,
            // the country's cyber intelligence agency, said".
            let proper_body = seg.strip_prefix("The ").is_some_and(|rest| {
                let words: Vec<&str> = rest.split(' ').collect();
                words.len() >= 2
                    && words.iter().all(|w| {
                        w.starts_with(char::is_uppercase)
                            || matches!(*w, "of" | "and" | "for" | "the")
                    })
                    && words
                        .last()
                        .is_some_and(|w| w.starts_with(char::is_uppercase))
            });
            if capitalized_name(seg).is_some_and(|n| n.len() == seg.len()) || proper_body {
                return s + head_start;
            }
        }
        return s + name_start;
    }
    // Keep an appositive name: "Bruno Khal, chief of ...".
    // (Lowered only after a mark, where it counts.)
    // (Each of the words starts with c, d, h or t, which no other
    // character lowers to: the rest of the clause is lowered only then.)
    let lead = t.get(best..).unwrap_or("").trim_start();
    let may_be_title = lead
        .bytes()
        .next()
        .is_some_and(|b| matches!(b.to_ascii_lowercase(), b'c' | b'd' | b'h' | b't'));
    if best > 0 && may_be_title && {
        let clause = lead.to_lowercase();
        clause.starts_with("chief")
            || clause.starts_with("head")
            || clause.starts_with("director")
            || clause.starts_with("the ")
                && word_count(&clause, 7) <= 6
                && [
                    "spokesman",
                    "minister",
                    "secretary",
                    "chief",
                    "director",
                    "head",
                ]
                .iter()
                .any(|w| clause.contains(w))
    } {
        let before = t.get(..char_before(t, best)).unwrap_or("");
        let seg_start = before
            .rfind([',', ';', '.', '"', '“', '”'])
            .map_or(0, |p| past_char(before, p));
        let seg = before.get(seg_start..).unwrap_or("").trim();
        if capitalized_name(seg).is_some_and(|n| n.len() == seg.len()) {
            return s + seg_start;
        }
    }
    s + best
}

/// The end of a dateline opening the sentence ("BEIJING, China – ",
/// "PRAGUE, May 6. /TASS/. ", "WASHINGTON (Reuters) - "), or `s`.
pub(super) fn dateline_end(text: &str, s: usize, e: usize) -> usize {
    let head = text
        .get(s..floor_boundary(text, e.min(s + 80)).max(s))
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

/// The quotation marks of `t` (" “ ” « » „) and where they are. Only '"'
/// and the lead bytes of the others (0xC2 for « », 0xE2 for “ ” „) are
/// decoded, found by memchr rather than a byte at a time: the rules look
/// for quotes in every sentence.
fn quote_marks(t: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    memchr::memchr3_iter(b'"', 0xC2, 0xE2, t.as_bytes()).filter_map(|p| {
        t.get(p..)
            .and_then(|r| r.chars().next())
            .filter(|c| matches!(c, '"' | '“' | '”' | '«' | '»' | '„'))
            .map(|c| (p, c))
    })
}

impl Ctx<'_> {
    /// Marks which sentences are inside a quotation and groups sentences
    /// joined by one quotation (at most four sentences, within a block).
    pub(super) fn mark_quotes(&mut self) {
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
            let marks: Vec<(usize, char)> = quote_marks(t).collect();
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

    pub(super) fn clause_end(&self, from: usize, e: usize) -> usize {
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

    pub(super) fn inside_quote(&self, i: usize, pos: usize) -> bool {
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
        // The marks counted in one pass (this runs for every verb of saying).
        let (mut opens, mut closes, mut straight) = (usize::from(cont), 0, usize::from(cont));
        let (mut curly, mut any_straight) = (false, false);
        for (_, c) in quote_marks(t) {
            match c {
                '"' => {
                    straight += 1;
                    any_straight = true;
                }
                '“' | '«' => {
                    opens += 1;
                    curly = true;
                }
                '”' | '»' => {
                    closes += 1;
                    curly = true;
                }
                _ => {}
            }
        }
        if curly || !any_straight {
            opens > closes
        } else {
            straight % 2 == 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_run_together_by_a_scraper_are_split() {
        let split = |t: &str| -> Vec<String> {
            let cleaned = crate::clean::clean(t.as_bytes(), None);
            split_sentences(&cleaned)
                .iter()
                .map(|s| cleaned.text[s.start..s.end].to_owned())
                .collect()
        };
        assert_eq!(
            split("Players earn coins through game play.The hackers took 173,600 ether."),
            [
                "Players earn coins through game play.",
                "The hackers took 173,600 ether."
            ]
        );
        assert_eq!(
            split(
                "A stablecoin is pegged to the dollar.“The United States is aware of it,” he said."
            ),
            [
                "A stablecoin is pegged to the dollar.",
                "“The United States is aware of it,” he said."
            ]
        );
        assert_eq!(
            split("The FBI said: “Lazarus is responsible for the theft.”Lazarus Group gained fame in 2014."),
            [
                "The FBI said: “Lazarus is responsible for the theft.”",
                "Lazarus Group gained fame in 2014."
            ]
        );
        for whole in [
            "The U.S.Treasury said so.",
            "Tools, e.g.Mimikatz, were used.",
            "It runs on Node.js and www.example.Com pages.",
            "Version v2.Beta was out.",
        ] {
            assert_eq!(split(whole).len(), 1, "{whole}");
        }
    }

    #[test]
    fn the_last_clause_mark_is_the_one_a_char_search_finds() {
        let by_chars = |t: &str| {
            let mark = t
                .rfind([',', ';', ':', '”', '“', '"', '—', '–'])
                .map_or(0, |i| {
                    i + t
                        .get(i..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8)
                });
            // Hyphens typed for a dash: the end of the last such hyphen.
            let dash = [" - ", " --", "-- "]
                .iter()
                .filter_map(|d| t.rfind(d).map(|i| i + d.trim_end().len()))
                .max()
                .unwrap_or(0);
            mark.max(dash)
        };
        for t in [
            "",
            "no mark here",
            "a, b",
            "“Quoted” words",
            "x — y – z",
            "a - b",
            "a -- b, c -- d",
            "pre-emptive - strike",
            "well-known -5",
            "x--y",
            "end;",
            "caf\u{e9}: \u{2019}s \u{201e}",
            "\u{2013}",
            "\u{2022} bullet \u{2003}",
        ] {
            assert_eq!(last_clause_mark(t.as_bytes()), by_chars(t), "{t:?}");
        }
    }

    #[test]
    fn the_last_relative_word_is_the_one_a_word_loop_finds() {
        // The loop over the words from the start that `after_relative` replaces.
        let forward = |tail: &str| {
            let (mut best, mut pos) = (0, 0);
            for w in tail.split(' ') {
                let next = pos + w.len() + 1;
                if [
                    "that", "which", "when", "while", "after", "because", "whom", "where", "if",
                ]
                .contains(&w)
                    && pos > 0
                    && next < tail.len()
                {
                    best = best.max(next);
                }
                pos = next;
            }
            best
        };
        for t in [
            "",
            "that",
            "that x",
            "said that",
            "said that ",
            "said that x",
            "that which when x",
            "the man who said  that  it was, which if  ",
            " that x",
            "x because y because z",
            "x  if",
            "what whom whomever where wherever if",
        ] {
            assert_eq!(after_relative(t.as_bytes()), forward(t), "{t:?}");
        }
    }

    #[test]
    fn normalize_ws_reads_plain_spans_as_the_word_loop_does() {
        let slow = |s: &str| {
            s.split(|c: char| c.is_whitespace() || c == '\u{a0}')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        for s in [
            "",
            " ",
            "a",
            "Russia denied it.",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "line\nbreak",
            "nb\u{a0}sp",
            "em\u{2003}space",
            "caf\u{e9} au lait",
            "ctrl\u{1}char",
            "\u{b}vt",
        ] {
            assert_eq!(normalize_ws(s), slow(s), "{s:?}");
        }
    }
}
