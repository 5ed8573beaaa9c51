//! Targets: the parties a claim names as responsible, parties that are
//! victims instead, lists of accusing parties, and the states a document accuses.

use super::*;

impl Ctx<'_> {
    pub(super) fn target_at(&self, h: &Hit, sent: usize) -> Option<Target> {
        let (canonical, state, group) = match h.pat {
            Pat::State(i) => {
                let st = STATES.get(i)?;
                // "pro-Russian hackers", "anti-Western": sympathisers, not
                // the state.
                let lead = self
                    .text
                    .get(h.start.saturating_sub(5)..h.start)
                    .unwrap_or("");
                if lead.ends_with("pro-") || lead.ends_with("anti-") {
                    return None;
                }
                // "US intelligence chiefs", "United States Congress", "British
                // laboratories": the state word describes someone else.
                let rest = self.text.get(h.end..).unwrap_or("");
                let gap = rest.len() - rest.trim_start_matches([' ', '\n', '’', '\'', 's']).len();
                let next = self
                    .hits_in(h.end, (h.end + gap + 2).min(self.text.len()))
                    .iter()
                    .find(|x| x.start >= h.end && x.start <= h.end + gap + 1)
                    .copied();
                // "London's accusations against Moscow": the owner of the
                // accusations is the accuser.
                if rest.starts_with("'s ") || rest.starts_with("’s ") {
                    let noun = rest
                        .get(rest.find(' ').map_or(0, |p| p + 1)..)
                        .and_then(|r| r.split([' ', ',', '.']).next())
                        .unwrap_or("");
                    if CLAIM_NOUNS.iter().any(|w| noun.eq_ignore_ascii_case(w)) {
                        return None;
                    }
                }
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
                if next.is_empty() {
                    return None;
                }
                let c = self.context_interviewee()?.country.clone();
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
            let mut buf = [0u8; 64];
            let lw = lowered(word, &mut buf);
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
            .contains(&&*lw)
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

    pub(super) fn is_victim(&self, h: &Hit, region_start: usize) -> bool {
        // "South Korea has been the target of ...", "... China's Wuhan
        // suffered a cyberattack": the party is hit, not hitting.
        {
            let mut buf = [0u8; 64];
            let after = lowered(
                // (The next 48 bytes, cut back to a character's start: not
                // the rest of the window where the 48th falls inside one.)
                self.text
                    .get(h.end..floor_boundary(self.text, h.end + 48).max(h.end))
                    .unwrap_or(""),
                &mut buf,
            );
            let mut a = after.trim_start();
            if let Some(r) = speakers::after_possessive(a) {
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
                "have been targets",
                "have both been targets",
                "were targets",
                "are targets",
                "has been a victim",
                "have been victims",
                "have both been victims",
                "were victims",
                "are victims",
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
            // (Each starts with one of these letters: most words after a
            // party are tested against none.)
            let may_hit = |x: &str| x.bytes().next().is_some_and(|b| b"acfhsw".contains(&b));
            if may_hit(a) && HIT.iter().any(|x| a.starts_with(x)) {
                return true;
            }
            // "China and Russia have both been targets": the list's last
            // member before the verb.
            if let Some(r) = a.strip_prefix("and ") {
                let orig = self.text.get(h.end..).unwrap_or("").trim_start();
                let orig = orig.get(4.min(orig.len())..).unwrap_or("");
                let words: Vec<&str> = orig.split(' ').take(4).collect();
                let name_len: usize = words
                    .iter()
                    .take_while(|w| w.starts_with(char::is_uppercase) || **w == "the")
                    .map(|w| w.len() + 1)
                    .sum();
                if name_len > 0 {
                    let rest = r.get(name_len.min(r.len())..).unwrap_or("");
                    if may_hit(rest) && HIT.iter().any(|x| rest.starts_with(x)) {
                        return true;
                    }
                }
            }
        }
        // Three words back are enough.
        let mut from = region_start.max(h.start.saturating_sub(48));
        while from < h.start && !self.text.is_char_boundary(from) {
            from += 1;
        }
        let before = self.text.get(from..h.start).unwrap_or("");
        // "hackers linked to the Chinese government", "with ties to Belarus":
        // the party the actors serve.
        {
            let b = before.trim_end();
            let b = match b.len().checked_sub(4).and_then(|k| b.get(k..)) {
                Some(t) if t.eq_ignore_ascii_case(" the") => b.get(..b.len() - 4).unwrap_or(b),
                _ => b,
            };
            const TIES: &[&str] = &[
                "linked to",
                "tied to",
                "ties to",
                "links to",
                "connected to",
                "affiliated with",
                "associated with",
                "backed by",
                "sponsored by",
                "working for",
                "working on behalf of",
                "on behalf of",
                "acting for",
                "subordinate to",
                "controlled by",
                "run by",
                "operated by",
                "under the control of",
                "an arm of",
            ];
            if TIES.iter().any(|t| ends_with_ignore_case(b, t)) {
                return false;
            }
            // "members of a group based in Albania": a location only, not a
            // state held responsible.
            const PLACED: &[&str] = &["based in", "located in", "living in", "residing in"];
            if PLACED.iter().any(|t| ends_with_ignore_case(b, t)) {
                return true;
            }
            // "a group known as APT40", "a crew dubbed Volt Typhoon": the
            // name a party goes by, not a victim after "as".
            const NAMING: &[&str] = &[
                "known as",
                "dubbed",
                "tracked as",
                "tracks as",
                "calls",
                "called",
                "named",
                "nicknamed",
                "codenamed",
                "code-named",
                "referred to as",
                "identified as",
            ];
            // Not a name given to an operation or a tool ("a campaign
            // known as Ghostwriter"): that names what was done.
            if let Some(n) = NAMING.iter().find(|t| ends_with_ignore_case(b, t)) {
                let before = b.get(..b.len() - n.len()).unwrap_or("").trim_end();
                let noun = before.rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
                if ![
                    "campaign",
                    "campaigns",
                    "operation",
                    "operations",
                    "malware",
                    "attack",
                    "attacks",
                    "tool",
                    "virus",
                    "backdoor",
                ]
                .contains(&noun.as_str())
                {
                    return false;
                }
            }
        }
        // The last three words, lowercased ("" where there are fewer).
        let words = before
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .rev();
        let mut bufs = [[0u8; 64]; 3];
        let mut prev: [std::borrow::Cow<'_, str>; 3] = Default::default();
        for ((slot, buf), w) in prev.iter_mut().zip(bufs.iter_mut()).zip(words) {
            *slot = lowered(
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'),
                buf,
            );
        }
        let [p0, p1, p2] = [&*prev[0], &*prev[1], &*prev[2]];
        // "members of the PLA" reads as "members of PLA": the article does
        // not hide "of" and the noun before it.
        let (p0, p1) = if p0 == "the" && p1 == "of" {
            ("of", p2)
        } else {
            (p0, p1)
        };
        // "We urge the New Zealand side to abandon the Cold War mentality":
        // the party urged to act is asked, not held responsible, unless it
        // is urged to stop what it does ("urged the US to stop its
        // cyberattacks").
        {
            let verb = if p0 == "the" { p1 } else { p0 };
            if matches!(
                verb,
                "urge" | "urged" | "urges" | "urging" | "asked" | "asks" | "ask"
            ) {
                let rest = self
                    .text
                    .get(h.end..floor_boundary(self.text, h.end + 40).max(h.end));
                let rest = rest.unwrap_or("").to_ascii_lowercase();
                let rest = rest.trim_start();
                let rest = ["side ", "government ", "authorities "]
                    .iter()
                    .find_map(|w| rest.strip_prefix(w))
                    .unwrap_or(rest);
                if let Some(todo) = rest.strip_prefix("to ") {
                    let next = todo.split_whitespace().next().unwrap_or("");
                    if !["stop", "cease", "end", "halt", "refrain", "immediately"].contains(&next) {
                        return true;
                    }
                }
            }
        }
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
        // "a threat actor attributed by the US and UK governments as the
        // SVR", "accused by Israel and Albania": the agents of a passive
        // accusation accuse; they are not accused.
        // (A byte search over the few words before the party.)
        // (The participle is the lexicon's accusing or attributing word,
        // as the frames read it: see `frames`.)
        if let Some(k) = before.as_bytes().windows(4).rposition(|w| w == b" by ") {
            let list = &before[k + 4..];
            let only_parties = list.split([' ', ',']).filter(|w| !w.is_empty()).all(|w| {
                matches!(w, "the" | "and" | "The") || w.starts_with(|c: char| c.is_uppercase())
            });
            let by = from + k;
            if only_parties
                && self
                    .hits_of(from, by, |p| matches!(p, Pat::Accuse | Pat::Attribute))
                    .iter()
                    .any(|v| {
                        v.end == by
                            && self
                                .text
                                .get(v.start..v.end)
                                .is_some_and(|w| w.ends_with("ed"))
                    })
            {
                return true;
            }
        }
        // "rejected accusations by the United States that ...": the party
        // after "accusations by" makes the claim; it is not accused.
        let (b0, b1) = if p0 == "the" { (p1, p2) } else { (p0, p1) };
        if b0 == "by" && CLAIM_NOUNS.contains(&b1) {
            return true;
        }
        let lead_from = prev
            .iter()
            .take(3)
            .any(|w| ["from", "by", "behind"].contains(&w.as_ref()));
        if lead_from && !["against", "targeting", "on"].contains(&p0) {
            return false;
        }
        // "a hacker organization of China", "a threat group of Iran": the
        // state the actors belong to.
        let actors_of = matches!(
            p1,
            "organization" | "organisation" | "group" | "groups" | "actors"
        ) && matches!(
            p2,
            "hacker" | "hacking" | "cyber" | "threat" | "espionage" | "state"
        );
        if p0 == "of"
            && !actors_of
            && p1 != "territory"
            && p1 != "many"
            && ![
                "involvement",
                "role",
                // "China is itself a victim of American hacking": the
                // party of "victim of" is the one hacking.
                "victim",
                "victims",
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
            .get(h.end..floor_boundary(self.text, h.end + 40).max(h.end))
            .unwrap_or("");
        let mut buf = [0u8; 64];
        let after = lowered(
            after.trim_start_matches(['’', '\'', 's']).trim_start(),
            &mut buf,
        );
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
            // "rejected US accusations that ...", "Albania's decision to
            // cut ties": the owner of a claim or a step.
            "accusation",
            "allegation",
            "claim",
            "decision",
            "move to",
            "measures",
        ];
        VICTIM_NOUNS.iter().any(|n| after.starts_with(n))
    }

    /// Finds who is said to be responsible for what in a region of text.
    /// Whether `a..b` holds only further parties of a list and the words
    /// that join them to their verb ("Estonia, France, the United Kingdom
    /// and the United States have recently attributed ..."): every party in
    /// such a list is a subject, none is accused.
    pub(super) fn party_list_between(&self, a: usize, b: usize, hits: &[Hit]) -> bool {
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
            // "... and their allies attributed": unnamed allies close the list.
            "their",
            "its",
            "other",
            "allies",
            "partners",
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
    pub(super) fn list_start(&self, s: usize, cs: usize, verb: usize) -> usize {
        let mut cs = cs;
        // "the United States, joined by our allies, is attributing": a
        // partners' phrase continues the list as "and" does.
        // ("The UK, the US, and Canada said": the clause may start after
        // the serial comma's "and".)
        let clause_has_and = self.text.get(cs..verb).is_some_and(|c| {
            let c = c.trim_start();
            c.contains(" and ")
                || c.starts_with("and ")
                || PARTNERS.iter().any(|w| c.starts_with(w))
        }) || self
            .text
            .get(s..cs)
            .is_some_and(|t| t.trim_end().ends_with(", and"));
        while clause_has_and && cs > s + 1 {
            // A colon ends a label or an introduction ("Reuters: The UK and
            // the US accused ..."), never an item of a list.
            if self
                .text
                .get(..cs)
                .is_some_and(|t| t.trim_end().ends_with(':'))
            {
                break;
            }
            let before = self
                .text
                .get(s..char_before(self.text, cs).max(s))
                .unwrap_or("");
            let seg_start = before
                .rfind([',', ';', ':', '"', '“', '”'])
                .map_or(0, |p| past_char(before, p));
            let seg = before.get(seg_start..).unwrap_or("").trim();
            // The serial comma's "and" is no item.
            if seg == "and" {
                cs = s + seg_start;
                continue;
            }
            // "written by the NSA with input from the NCSC, ASD and CSE":
            // partners who gave input co-author nothing (not annotated).
            let lseg = seg.to_ascii_lowercase();
            if lseg.contains("with input from") || lseg.contains("with contributions from") {
                return verb;
            }
            // "together with the United States": the partners' words.
            let seg = PARTNERS
                .iter()
                .find_map(|w| seg.strip_prefix(w))
                .unwrap_or(seg);
            let party = !self
                .hits_of(s + seg_start, cs - 1, |p| {
                    matches!(p, Pat::State(_) | Pat::Body(_) | Pat::Bloc(_))
                })
                .is_empty();
            // "Britain's National Cyber Security Centre, the FBI and ...":
            // an agency's name makes a longer item.
            let body_item = !self
                .hits_of(s + seg_start, cs - 1, |p| matches!(p, Pat::Body(_)))
                .is_empty();
            let limit = if body_item { 7 } else { 4 };
            // "The United States and its allies, including Britain and
            // Japan, accused": the unnamed allies add no words to the item.
            let named = seg
                .rsplit_once(" and ")
                .filter(|(_, tail)| super::speakers::is_allies(tail))
                .map_or(seg, |(head, _)| head);
            if word_count(named, limit + 1) <= limit && party {
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

    /// "espionage allegations against Washington": the party accused in a
    /// mention of someone else's allegations.
    pub(super) fn allegations_against(&self, cs: usize, ce: usize, i: usize) -> Option<Target> {
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
            while let Some(p) = lower.get(from..).and_then(|x| find_lit(x, noun)) {
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

    /// Whether sentence `s..e` speaks of claims about the speaker's own
    /// state ("said such speculation about Beijing was irresponsible",
    /// "rejected the allegations against China"): the sentence itself makes
    /// that state the accused side.
    pub(super) fn claims_about_own(&self, sp: &Speaker, s: usize, e: usize) -> bool {
        let Some(own) = sp.country.as_deref() else {
            return false;
        };
        let Some(t) = self.text.get(s..e) else {
            return false;
        };
        // Each " about "/" against "/" targeting " once (few in a
        // sentence), then the claim noun before it and the state after it.
        for prep in [" about ", " against ", " targeting "] {
            let mut from = 0;
            while let Some(p) = t.get(from..).and_then(|x| find_lit(x, prep)) {
                let at = from + p;
                from = at + prep.len();
                let noun = t
                    .get(..at)
                    .and_then(|b| b.rsplit(' ').next())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !CLAIM_NOUNS.contains(&noun.as_str()) {
                    continue;
                }
                let after = s + at + prep.len();
                let named = self
                    .hits_of(after, (after + 25).min(e), |p| matches!(p, Pat::State(_)))
                    .first()
                    .is_some_and(|h| match h.pat {
                        Pat::State(k) => STATES.get(k).is_some_and(|d| d.name == own),
                        _ => false,
                    });
                if named {
                    return true;
                }
            }
        }
        false
    }

    pub(super) fn accused_side(&self, sp: &Speaker, prior: &[RawClaim]) -> bool {
        let Some(c) = &sp.country else { return false };
        if self.answering.get() {
            return true;
        }
        // Accused in the document (by someone from elsewhere), or in the
        // document's framing: the state is the target of any claim so far,
        // or the speaker is the interviewee facing accusations.
        // A state that has denied is the accused party too.
        prior.iter().any(|p| {
            p.target_state.as_deref() == Some(c.as_str())
                && p.speaker_country.as_deref() != Some(c.as_str())
                || p.kind == ClaimKind::Denial && p.speaker_country.as_deref() == Some(c.as_str())
        }) || self.doc_accuses(c)
            || self.smeared.iter().any(|x| x == c)
    }

    /// When the document ties both states to an operation: whether it
    /// ties `a` to one before `b` (in its narrative, in reading order).
    pub(super) fn accused_before(&self, a: Option<&str>, b: Option<&str>) -> Option<bool> {
        let pos = |c: Option<&str>| c.and_then(|c| self.accused.iter().position(|x| x == c));
        if b.is_some_and(|b| self.smeared.iter().any(|x| x == b)) {
            return Some(false);
        }
        Some(pos(a)? < pos(b)?)
    }

    /// Whether the document ties the state to an operation.
    pub(super) fn doc_accuses(&self, country: &str) -> bool {
        self.accused.iter().any(|c| c == country)
    }

    /// States any narrative or third-party sentence names as responsible
    /// for an operation (questions and the interviewee's answers aside).
    pub(super) fn find_accused(&mut self) {
        let mut acc = Vec::new();
        for i in 0..self.sentences.len() {
            let s = &self.sentences[i];
            if s.question || s.heading || s.turn == Turn::Interviewee {
                continue;
            }
            let (a, b) = (s.start, s.end);
            if let Some(rel) = self.relation(a, b, i, None) {
                // (A party said not to be behind it, "Neither the Russian
                // government nor ... was behind those attacks", is accused
                // too: that is what the denial answers.)
                if rel.conditional || rel.affiliation {
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
        // "urged the United States to stop smearing China": the state said
        // to be smeared or framed is answering accusations.
        const SMEAR: &[&str] = &[
            "smear ",
            "smearing ",
            "smears ",
            "slander ",
            "slandering ",
            "slanders ",
            "frame ",
            "framing ",
            "frames ",
            "discredit ",
            "discrediting ",
            "vilify ",
            "vilifying ",
            "demonize ",
            "demonizing ",
            "demonise ",
            "demonising ",
        ];
        let mut smeared = Vec::new();
        for h in self.hits.iter() {
            let Pat::State(si) = h.pat else { continue };
            let mut a = h.start.saturating_sub(16);
            while !self.text.is_char_boundary(a) {
                a -= 1;
            }
            let before = self.text.get(a..h.start).unwrap_or("");
            let before = match before.len().checked_sub(4).and_then(|k| before.get(k..)) {
                Some(t) if t.eq_ignore_ascii_case("the ") => {
                    before.get(..before.len() - 4).unwrap_or(before)
                }
                _ => before,
            };
            if SMEAR.iter().any(|w| ends_with_ignore_case(before, w)) {
                if let Some(st) = STATES.get(si) {
                    if !smeared.iter().any(|x| x == st.name) {
                        smeared.push(st.name.to_owned());
                    }
                }
            }
        }
        self.smeared = smeared;
    }
}

/// Nouns for what accusers say: a party named as their owner or after
/// them with "that" is the accuser or the content, not an accused the
/// speaker names.
pub(super) const CLAIM_NOUNS: &[&str] = &[
    "accusation",
    "accusations",
    "allegation",
    "allegations",
    "claim",
    "claims",
    "charges",
    "suggestion",
    "suggestions",
    "assertion",
    "assertions",
    "speculation",
    "rumours",
    "rumors",
];

/// The words that add partners to the party before them: "the UK, together
/// with the US and Canada, ...".
pub(super) const PARTNERS: &[&str] = &[
    "together with ",
    "alongside ",
    "along with ",
    "joined by ",
    "in concert with ",
    // "The NCSC, in collaboration with the FBI and the NSA, has released".
    "in collaboration with ",
    "jointly with ",
    // "The United States and its allies, including the UK and Japan, ..."
    "including ",
];

/// `s` ends with the ASCII word `w`, in any case (no allocation: this runs
/// for every party the rules look at).
fn ends_with_ignore_case(s: &str, w: &str) -> bool {
    s.len() >= w.len()
        && s.as_bytes()
            .get(s.len() - w.len()..)
            .is_some_and(|t| t.eq_ignore_ascii_case(w.as_bytes()))
}
