//! Relations: who is said to be responsible for what in a region of text
//! (accusation verbs, negation, conditions, hedges, affiliations).

use super::*;

/// What a condemnation names when it condemns a party's operations
/// without an operation word: "denounced the Chinese activities".
const CONDEMNED_ACTS: &[&str] = &[
    "activit",
    "action",
    "behavio",
    "campaign",
    "operation",
    "attack",
    "conduct",
    "intrusion",
    "espionage",
    "interference",
];

/// A relation read before (see [`Ctx::relation`]): its region, and the
/// context it consulted, as it was then, if it consulted any.
#[derive(Debug, Clone)]
pub(super) struct Cached {
    s: usize,
    e: usize,
    after_accuse: Option<usize>,
    rel: Option<Relation>,
    context: Option<(Option<Target>, Option<Speaker>)>,
}

/// The relations already read in a window: per sentence, the whole
/// sentence's (`find_accused` reads each before the claims pass reads it
/// again); and those of other regions of the sentence asked about last (its
/// rules ask for some region more than once).
#[derive(Debug, Default)]
pub(super) struct RelationCache {
    whole: Vec<Option<Cached>>,
    sent: usize,
    parts: Vec<Cached>,
}

impl RelationCache {
    pub(super) fn new(sentences: usize) -> RelationCache {
        RelationCache {
            whole: vec![None; sentences],
            sent: 0,
            parts: Vec::new(),
        }
    }
}

impl Ctx<'_> {
    /// Who is said to be responsible for what in `s..e` of sentence `sent`
    /// (after an accusing verb ending at `after_accuse`, if given). Read
    /// once per region: a relation depends on the text and hits, and on the
    /// context the claims pass changes only when it consulted it (then it is
    /// read again unless that context is as it was).
    pub(super) fn relation(
        &self,
        s: usize,
        e: usize,
        sent: usize,
        after_accuse: Option<usize>,
    ) -> Option<Relation> {
        let whole = after_accuse.is_none()
            && self
                .sentences
                .get(sent)
                .is_some_and(|x| x.start == s && x.end == e);
        let same = |c: &Cached| c.s == s && c.e == e && c.after_accuse == after_accuse;
        {
            let cache = self.relations.borrow();
            let found = if whole {
                cache.whole.get(sent).and_then(Option::as_ref)
            } else if cache.sent == sent {
                cache.parts.iter().find(|c| same(c))
            } else {
                None
            };
            if let Some(c) = found.filter(|c| same(c)) {
                match &c.context {
                    None => return c.rel.clone(),
                    Some((g, iv)) if *g == self.last_group && *iv == self.interviewee => {
                        // A relation that reads this one depends on the context too.
                        self.reads_context.set(true);
                        return c.rel.clone();
                    }
                    Some(_) => {}
                }
            }
        }
        let outer = self.reads_context.replace(false);
        let rel = self.read_relation(s, e, sent, after_accuse);
        let read = self.reads_context.get();
        self.reads_context.set(outer || read);
        let entry = Cached {
            s,
            e,
            after_accuse,
            rel: rel.clone(),
            context: read.then(|| (self.last_group.clone(), self.interviewee.clone())),
        };
        let mut cache = self.relations.borrow_mut();
        if whole {
            if let Some(slot) = cache.whole.get_mut(sent) {
                *slot = Some(entry);
            }
        } else {
            if cache.sent != sent {
                cache.parts.clear();
                cache.sent = sent;
            }
            match cache.parts.iter_mut().find(|c| same(c)) {
                Some(c) => *c = entry,
                None => cache.parts.push(entry),
            }
        }
        rel
    }

    /// The last group named, for a relation: marks the relation being read
    /// as depending on it (see [`Ctx::relation`]).
    pub(super) fn context_last_group(&self) -> Option<&Target> {
        self.reads_context.set(true);
        self.last_group.as_ref()
    }

    /// The interviewee, for a relation (see [`Ctx::context_last_group`]).
    pub(super) fn context_interviewee(&self) -> Option<&Speaker> {
        self.reads_context.set(true);
        self.interviewee.as_ref()
    }

    fn read_relation(
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
                && self.text.get(h.start..h.end).is_some_and(|t| {
                    t.get(..6).is_some_and(|b| b.eq_ignore_ascii_case("behind"))
                        || super::inverted_role(t)
                })
        };
        // "said the GRU was almost certainly responsible.": responsibility
        // that ends its clause stands for the operation the text is about.
        let final_resp = |h: &Hit| {
            h.pat == Pat::Resp
                && self.text.get(h.end..e).is_some_and(|r| {
                    let r = r.trim_start_matches(['"', '”', '’', '\'']);
                    r.is_empty() || r.starts_with(['.', ',', ';', '"', '”'])
                })
                && {
                    let w = self.text.get(h.start..h.end).unwrap_or("");
                    w.ends_with("responsible") || w.ends_with("to blame") || w.ends_with("involved")
                }
                || self.behind_pronoun(h, e)
        };
        // "(activity that it believes) supports the national interests of
        // Iran": whom an operation serves carries the operation with it.
        let serves = |h: &Hit| {
            h.pat == Pat::From
                && self
                    .text
                    .get(h.start..h.end)
                    .is_some_and(|t| t.ends_with("interests of"))
        };
        let cheap = self.hits_in(s, e);
        // "We can now clearly attribute this to APT28": an active
        // attribution names its party after "to" even with no operation word.
        if after_accuse.is_none() {
            let active = cheap.iter().find(|h| {
                h.pat == Pat::Attribute
                    && h.end <= e
                    && !cheap
                        .iter()
                        .any(|p| p.pat == Pat::Passive && p.start <= h.start && p.end >= h.end)
                    && self
                        .text
                        .get(h.end..e.min(h.end + 80))
                        .is_some_and(|r| r.contains(" to "))
            });
            if let Some(v) = active {
                if let Some(rel) = self.relation(s, e, sent, Some(v.end)) {
                    return Some(rel);
                }
            }
        }
        if after_accuse.is_none()
            && !cheap.iter().any(|h| {
                matches!(h.pat, Pat::Op | Pat::Link) || inverted(h) || final_resp(h) || serves(h)
            })
        {
            return None;
        }
        let hits = self.hits_of(s, e, |_| true);
        // "accused the United States of hypocrisy": an accusation naming no
        // operation, responsibility or origin after its verb is rhetoric.
        // "condemned Albania's decision to cut ties": a condemnation too
        // accuses only of an operation, or of activity, named after it
        // ("denounced the Chinese activities").
        let (accuses_of, condemns) = after_accuse.map_or((false, false), |v| {
            let w = self
                .text
                .get(v.saturating_sub(10)..v)
                .unwrap_or("")
                .to_ascii_lowercase();
            (
                w.contains("accus"),
                w.contains("condemn") || w.contains("denounc"),
            )
        });
        if let (Some(v), true) = (after_accuse, accuses_of || condemns) {
            let activity = condemns
                && self.text.get(v..e.min(v + 60)).is_some_and(|t| {
                    let t = t.to_ascii_lowercase();
                    CONDEMNED_ACTS.iter().any(|w| t.contains(w))
                });
            if !activity
                && !hits.iter().any(|h| {
                    h.start >= v && (matches!(h.pat, Pat::Op | Pat::Resp | Pat::From | Pat::Link))
                })
            {
                return None;
            }
        }
        // "accuses X of being behind bomb attacks", "blamed its enemies for
        // the killing": attacks of another kind.
        if let Some(v) = after_accuse {
            if hits.iter().any(|h| h.start >= v && h.pat == Pat::Physical)
                && !hits.iter().any(|h| h.start >= v && h.pat == Pat::Op)
            {
                return None;
            }
        }
        // A responsibility word counts only next to an operation word:
        // "ran a covert operation", not "conduct an investigation".
        let ops: Vec<&Hit> = hits
            .iter()
            .filter(|h| match h.pat {
                Pat::Op | Pat::From => true,
                Pat::Resp if final_resp(h) => true,
                Pat::Resp => hits
                    .iter()
                    .any(|o| o.pat == Pat::Op && o.start >= h.start && o.start <= h.end + 48),
                _ => false,
            })
            .collect();
        let has_op = hits
            .iter()
            .any(|h| h.pat == Pat::Op || inverted(h) || final_resp(h) || serves(h))
            || after_accuse.is_some();
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
        // Nor when the group is the agent of an operation met before it:
        // "the attack was carried out by APT40, a group linked to the MSS".
        // ("carried out by the Lazarus group": an article between.)
        let agent_of_op = |g: &Hit| {
            hits.iter().any(|h| {
                h.pat == Pat::From
                    && h.end <= g.start
                    && self.text.get(h.end..g.start).is_some_and(|gap| {
                        let gap = gap.trim();
                        gap.is_empty() || gap.eq_ignore_ascii_case("the")
                    })
            }) && hits.iter().any(|h| h.pat == Pat::Op && h.end <= g.start)
        };
        if let (Some(g), Some(l), None) = (group, link, after_accuse) {
            // "the group, known as APT40, works for the MSS and had compromised
            // the networks": an operation after the link is the group's.
            let op_after = hits.iter().any(|h| h.pat == Pat::Op && h.start >= l.end);
            // "Sponsored by Russian military intelligence, APT44 is ...":
            // the link opens the sentence, and its party comes before the
            // comma that ends the phrase.
            let fronted = self
                .text
                .get(s..l.start)
                .is_some_and(|t| t.trim().is_empty())
                && g.start > l.end
                && self
                    .text
                    .get(l.end..g.start)
                    .is_some_and(|t| t.contains(','));
            if (g.end <= l.start && l.start - g.end < 60 || fronted)
                && !resp_after(l.end)
                && (!op_after || fronted)
                && !agent_of_op(g)
            {
                let state_after = hits.iter().find(|h| {
                    h.start >= l.end
                        && (!fronted || h.end <= g.start)
                        && matches!(h.pat, Pat::State(_) | Pat::Body(_))
                });
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
                        // "did not say if Naikon was backed by the Chinese
                        // government": asked, not stated.
                        negated: hits
                            .iter()
                            .any(|h| h.pat == Pat::Neg && h.end <= g.start.min(l.start)),
                        conditional: hits
                            .iter()
                            .any(|h| h.pat == Pat::Cond && h.end <= g.start.min(l.start)),
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
            // Hits are in text order: skip those that start before `h` ends.
            hits.get(hits.partition_point(|x| x.start < h.end)..)
                .unwrap_or(&[])
                .iter()
                .find(|x| {
                    x.start >= h.end
                        // "the UK and its allies said": a possessive on the
                        // allies is no word of the sentence's own.
                        && !(matches!(x.pat, Pat::Pron(_))
                            && self.text.get(x.start..x.end).is_some_and(|w| {
                                w.eq_ignore_ascii_case("its") || w.eq_ignore_ascii_case("their")
                            }))
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
                        let mut buf = [0u8; 64];
                        let after = lowered(
                            self.text
                                .get(h.end..(h.end + 32).min(e))
                                .unwrap_or("")
                                .trim_start(),
                            &mut buf,
                        );
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
                let mut buf = [0u8; 64];
                let w = lowered(self.text.get(x.start..x.end).unwrap_or(""), &mut buf);
                w.starts_with("condemn") || w.starts_with("denounc")
            });
            // "blamed the attack on Sandworm", "pinned the hack on the GRU":
            // the party follows "on" as it follows "attributed ... to".
            let blames = verb.is_some_and(|x| {
                let w = self.text.get(x.start..x.end).unwrap_or("");
                w.eq_ignore_ascii_case("blamed")
                    || w.eq_ignore_ascii_case("blames")
                    || w.eq_ignore_ascii_case("blame")
                    || w.eq_ignore_ascii_case("blaming")
                    || w.eq_ignore_ascii_case("pinned")
                    || w.eq_ignore_ascii_case("pins")
            });
            let after_word = |word: &str| {
                self.text
                    .get(v..e)
                    .and_then(|r| r.find(word))
                    .map_or(v, |o| v + o + word.len())
            };
            let from = if attributes {
                after_word(" to ")
            } else if blames {
                // Only when "on" comes before any party: "blamed Russia for
                // the attack on Ukraine" names Russia first.
                let on = after_word(" on ");
                let party_first = cands.iter().any(|h| h.start >= v && h.end <= on);
                if on > v && !party_first {
                    on
                } else {
                    v
                }
            } else {
                v
            };
            // "attributed this group to a unit of Russia's FSB": a group,
            // named or just met, placed under a state organ with no
            // operation named is an affiliation.
            if attributes && from > v {
                let object = self.text.get(v..from - 4).unwrap_or("");
                let lower = object.trim().to_ascii_lowercase();
                let no_op = !hits
                    .iter()
                    .any(|h| h.pat == Pat::Op && h.start >= v && h.end <= from);
                let named = hits
                    .iter()
                    .find(|h| matches!(h.pat, Pat::Group(_)) && h.start >= v && h.end <= from);
                let anaphor = [
                    "this group",
                    "the group",
                    "that group",
                    "this actor",
                    "the actor",
                ]
                .contains(&lower.as_str());
                let group = match named {
                    Some(g) => self.target_at(g, sent),
                    None if anaphor => self.context_last_group().cloned(),
                    None => None,
                };
                let organ = cands
                    .iter()
                    .find(|h| h.start >= from)
                    .and_then(|h| self.target_at(h, sent))
                    .and_then(|t| t.state);
                if let (true, Some(mut t), Some(st)) = (no_op, group, organ) {
                    t.state.get_or_insert(st);
                    return Some(Relation {
                        targets: vec![t],
                        op: Some(format!(
                            "affiliation: {}",
                            normalize_ws(self.text.get(from..e).unwrap_or(""))
                        )),
                        conf: None,
                        negated: false,
                        conditional: false,
                        hedged: false,
                        affiliation: true,
                    });
                }
            }
            chosen = cands
                .iter()
                .copied()
                .find(|h| {
                    h.start >= from
                        && (blames && from > v && h.start <= from + 4 || !self.is_victim(h, from))
                        && self.target_at(h, sent).is_some()
                })
                .or_else(|| {
                    cands
                        .iter()
                        .copied()
                        .find(|h| h.start >= v && self.target_at(h, sent).is_some())
                });
            if names_next {
                let close = chosen.is_some_and(|h| {
                    self.text.get(v..h.start).is_some_and(|g| {
                        let g = g.trim().to_lowercase();
                        // "condemns activities of the Russian
                        // state-controlled actor APT28": the doer of the
                        // activities condemned.
                        let doings = (g.ends_with(" of") || g.ends_with(" of the"))
                            && g.split_whitespace().count() <= 6
                            && CONDEMNED_ACTS.iter().any(|w| g.contains(w));
                        matches!(g.as_str(), "" | "the") || doings
                    })
                });
                // "condemn the campaign by APT28", "condemn the campaign
                // ..., which was attributed to APT28": the condemned
                // operation's agent is named after "by" or "attributed to".
                let agent = chosen.is_some_and(|h| {
                    hits.iter().any(|x| {
                        x.end <= h.start
                            && h.start - x.end <= 5
                            && x.start >= v
                            && (x.pat == Pat::From
                                || x.pat == Pat::Passive
                                    && self
                                        .text
                                        .get(x.start..x.end)
                                        .is_some_and(|t| t.ends_with(" to") || t.ends_with(" on"))
                                // "the attack by hackers working for the
                                // Iranian government": the agents' masters.
                                || x.pat == Pat::Link
                                    && hits.iter().any(|y| {
                                        y.pat == Pat::From
                                            && y.end <= x.start
                                            && x.start - y.end <= 30
                                    }))
                    })
                });
                if !close && !agent {
                    return None;
                }
                // "condemned Albania's decision to cut ties over the
                // cyberattack": the owner of a step or a claim is not the
                // one condemned for the operation.
                if chosen.is_some_and(|h| self.owns_a_step(h)) {
                    return None;
                }
            }
        }
        if chosen.is_none() {
            // A party right after "from"/"by" is the origin.
            for h in &cands {
                let mut buf = [0u8; 64];
                let before = lowered(
                    self.text
                        .get(s.max(h.start.saturating_sub(40))..h.start)
                        .unwrap_or(""),
                    &mut buf,
                );
                // "was attributed to X", "was blamed on X" point at X as
                // "by X" does.
                // "the hackers were working for China's MSS", "the attack
                // was orchestrated and sponsored by Iran": a link word
                // before the party points at it too.
                // "the hackers were probably linked to China": "linked to"
                // points at the party only when its subject is the
                // perpetrators' noun, right before it.
                let perpetrator_before = |x: &Hit| {
                    hits.iter().any(|g| {
                        g.end <= x.start
                            && x.start - g.end <= 24
                            && (g.pat == Pat::Generic
                                || g.pat == Pat::Op
                                    && self
                                        .text
                                        .get(g.start..g.end)
                                        .is_some_and(|w| w.eq_ignore_ascii_case("hackers")))
                    })
                };
                let points = |x: &Hit| {
                    x.pat == Pat::From
                        || x.pat == Pat::Link
                            && self.text.get(x.start..x.end).is_some_and(|t| {
                                t.ends_with(" for")
                                    || t.ends_with(" by")
                                    || (t.ends_with(" to") || t.ends_with(" with"))
                                        && perpetrator_before(x)
                            })
                        || x.pat == Pat::Passive
                            && self
                                .text
                                .get(x.start..x.end)
                                .is_some_and(|t| t.ends_with(" to") || t.ends_with(" on"))
                };
                // "attacked from US territory", "cyberattacks from the
                // United States": "from" right after the operation places
                // its origin.
                let op_from = |x: &Hit| {
                    x.pat == Pat::Op
                        && x.end <= h.start
                        && h.start - x.end <= 10
                        && self.text.get(x.end..h.start).is_some_and(|g| {
                            let g = g.trim();
                            g.eq_ignore_ascii_case("from") || g.eq_ignore_ascii_case("from the")
                        })
                };
                let from = hits
                    .iter()
                    .any(|x| points(x) && x.end <= h.start && h.start - x.end <= 22 || op_from(x));
                let b = before.trim_end();
                // "accusations by the United States that ...": the one who
                // makes the claim, not an origin.
                let claimant = {
                    let b = b.strip_suffix(" the").unwrap_or(b);
                    b.strip_suffix(" by").is_some_and(|x| {
                        [
                            "accusations",
                            "allegations",
                            "claims",
                            "charges",
                            "accusation",
                        ]
                        .iter()
                        .any(|n| x.ends_with(n))
                    })
                };
                // "members based in Albania": a location, not an origin.
                let placed = ["based in", "located in", "living in", "residing in"]
                    .iter()
                    .any(|p| b.strip_suffix(" the").unwrap_or(b).ends_with(p));
                if from
                    && !claimant
                    && !placed
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
                let before = cands.iter().rfind(|h| {
                    h.end <= op.start
                        && op.start - h.end <= 100
                        && !self.is_victim(h, s)
                        && !self.acts_otherwise(h, op.start)
                        && self.target_at(h, sent).is_some()
                });
                if let Some(h) = before {
                    chosen = Some(h);
                    break;
                }
            }
        }
        let first_t = match chosen {
            Some(first) => self.target_at(first, sent)?,
            None => self.group_anaphor(s, &ops)?,
        };
        // Coordinated parties: "A and B", "neither A nor B".
        let mut targets = vec![first_t.clone()];
        // Backwards: "China and North Korea" when North Korea was chosen.
        let mut cursor_start = first_t.start;
        for h in cands.iter().rev() {
            if h.end > cursor_start {
                continue;
            }
            let mut buf = [0u8; 64];
            let gap = lowered(self.text.get(h.end..cursor_start).unwrap_or(""), &mut buf);
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
            let mut buf = [0u8; 64];
            let gap = lowered(self.text.get(cursor_end..h.start).unwrap_or(""), &mut buf);
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
            let sponsored: Vec<Target> = cands
                .iter()
                .filter(|h| matches!(h.pat, Pat::Group(_)) && !self.is_victim(h, s))
                .filter_map(|h| self.target_at(h, sent))
                .filter(|g| g.state.is_some() && targets.iter().any(|t| t.state == g.state))
                .collect();
            if let Some(g) = sponsored.first() {
                // With the groups joined to it: "Lazarus Group and APT38,
                // cyber actors associated with North Korea".
                let mut run = vec![g.clone()];
                for next in &sponsored[1..] {
                    let last = run.last().map_or(0, |t: &Target| t.end);
                    let gap = self.text.get(last..next.start).unwrap_or("");
                    let g = gap.trim().trim_matches([',', ' ']);
                    if gap.len() > 12 || !matches!(g, "and" | "or" | "" | "and the") {
                        break;
                    }
                    run.push(next.clone());
                }
                targets = run;
            }
        }
        // "GRU unit 26165", "the MSS's APT40": a state organ right next to
        // a group of its state names that group, not a second party.
        let groups: Vec<(usize, usize, Option<String>)> = targets
            .iter()
            .filter(|t| t.group)
            .map(|t| (t.start, t.end, t.state.clone()))
            .collect();
        if !groups.is_empty() && targets.len() > groups.len() {
            targets.retain(|t| {
                t.group
                    || !groups.iter().any(|(gs, ge, st)| {
                        t.state.is_some()
                            && *st == t.state
                            && (gs.saturating_sub(t.end) <= 3 || t.start.saturating_sub(*ge) <= 3)
                    })
            });
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

    /// "The same threat actor targeted ...", "the group has also hit ...":
    /// a definite phrase for a group, right before an operation word, is the
    /// group the document named last.
    fn group_anaphor(&self, s: usize, ops: &[&Hit]) -> Option<Target> {
        const PHRASES: &[&str] = &[
            "the same threat actor",
            "the same actor",
            "the same group",
            "the threat actor",
            "the group",
            "this group",
            "this threat actor",
        ];
        let last = self.context_last_group().cloned()?;
        let op = ops.iter().find(|h| h.pat != Pat::From)?;
        let before = self.text.get(s..op.start)?;
        let lower = before.to_ascii_lowercase();
        let (at, len) = PHRASES
            .iter()
            .filter_map(|p| lower.rfind(p).map(|at| (at, p.len())))
            .max_by_key(|&(at, len)| (at + len, len))?;
        // Next to the operation: "the same threat actor targeted", "the
        // group has also hit", not a phrase clauses away.
        let gap = lower.get(at + len..)?.trim();
        if word_count(gap, 4) > 3 || gap.contains([',', ';']) {
            return None;
        }
        Some(Target {
            text: before.get(at..at + len)?.to_owned(),
            start: s + at,
            end: s + at + len,
            ..last
        })
    }

    /// The party is the subject of a verb that answers an operation rather
    /// than carries it out: "the UK summoned the ambassador over the hack",
    /// "Germany condemned the attack". Such a party is not the one
    /// responsible for the operation named after it.
    /// Whether the party owns a decision or a claim ("Albania's decision",
    /// "US accusations"), not an operation.
    fn owns_a_step(&self, h: &Hit) -> bool {
        const OWNED: &[&str] = &[
            "decision",
            "move",
            "step",
            "action",
            "measure",
            "accusation",
            "allegation",
            "claim",
            "statement",
            "remarks",
            "position",
            "response",
            "reaction",
            "announcement",
        ];
        let mut end = (h.end + 48).min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let after = self.text.get(h.end..end).unwrap_or("");
        let owned = |t: &str| {
            let t = t.trim_start_matches(['’', '\'', 's']).trim_start();
            OWNED
                .iter()
                .any(|w| t.get(..w.len()).is_some_and(|x| x.eq_ignore_ascii_case(w)))
        };
        if owned(after) {
            return true;
        }
        // "the Albanian government's decision": the owner's head noun, then
        // the possessive.
        let head = after.trim_start().split(' ').take(3).collect::<Vec<_>>();
        let mut at = after.len() - after.trim_start().len();
        for w in head {
            at += w.len() + 1;
            if w.ends_with("’s") || w.ends_with("'s") {
                return after.get(at..).is_some_and(owned);
            }
        }
        false
    }

    /// "We know the GRU was behind this": "behind" and a pronoun ending
    /// the clause stand for the operation the text is about.
    pub(super) fn behind_pronoun(&self, h: &Hit, e: usize) -> bool {
        h.pat == Pat::Resp
            && self
                .text
                .get(h.start..h.end)
                .is_some_and(|w| w.ends_with("behind"))
            && self.text.get(h.end..e).is_some_and(|r| {
                ["this", "it", "that", "these", "them"].iter().any(|p| {
                    r.strip_prefix(' ')
                        .and_then(|x| x.strip_prefix(p))
                        .is_some_and(|x| {
                            let x = x.trim_start_matches(['"', '”', '’', '\'']);
                            x.is_empty() || x.starts_with(['.', ',', ';', '"', '”'])
                        })
                })
            })
    }

    fn acts_otherwise(&self, h: &Hit, op: usize) -> bool {
        const ANSWERING: &[&str] = &[
            "summoned",
            "expelled",
            "condemned",
            "condemns",
            "responded",
            "urged",
            "called",
            "imposed",
            "sanctioned",
            "announced",
            "vowed",
            "warned",
            "protested",
            "investigated",
            "published",
            "released",
            "issued",
            "reported",
            "thanked",
            "helped",
            "joined",
            "welcomed",
            "pledged",
            "promised",
            "opposed",
            "opposes",
            "oppose",
            "fought",
            "fights",
            "combats",
            "cracked",
        ];
        let Some(after) = self.text.get(h.end..op) else {
            return false;
        };
        // "China was a major victim of cyberattacks": a victim, not the
        // party responsible.
        if after.contains("victim") {
            return true;
        }
        // Skip what sits between subject and verb: "has", "on Monday",
        // "always firmly".
        let w = after
            .split_whitespace()
            .take(5)
            .find(|w| {
                !(matches!(
                    *w,
                    "has" | "have" | "had" | "on" | "always" | "also" | "again"
                    // The head noun of the party: "the Dutch government
                    // summoned ...", "Chinese authorities condemned ...".
                    | "government" | "authorities" | "officials" | "ministry"
                    | "embassy" | "foreign" | "cabinet" | "parliament"
                ) || w.ends_with("ly") && w.len() > 4
                    || w.starts_with(char::is_uppercase))
            })
            .unwrap_or("");
        ANSWERING.contains(&w.trim_end_matches([',', '.']))
    }
}
