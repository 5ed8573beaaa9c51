//! Merging: claims that say the same thing in neighbouring sentences become
//! one; counter-accusations their speaker takes back are dropped.

use super::*;

/// Whether an operation span names an act ("trying to steal vaccine
/// research", "hacking the party's email") rather than only who stands
/// behind it ("operated by China's Ministry of State Security"): two
/// claims of one party against one party a sentence or two apart are one
/// claim unless each names an act of its own.
fn names_an_act(op: Option<&str>) -> bool {
    const ACTS: &[&str] = &[
        "hack",
        "cyber",
        "attack",
        "intru",
        "breach",
        "compromis",
        "spy",
        "spie",
        "espionage",
        "steal",
        "stole",
        "theft",
        "leak",
        "malware",
        "ransomware",
        "phishing",
        "interfer",
        "meddl",
        "sabot",
        "infiltr",
        "exfiltr",
        "target",
        "campaign",
        "operation",
        "disrupt",
        "access",
        "break",
        "broke",
        "wip",
        "defac",
        "surveil",
    ];
    op.is_some_and(|o| {
        let o = o.to_ascii_lowercase();
        o.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| ACTS.iter().any(|a| w.starts_with(a)))
    })
}

/// Words from which a speaker phrase with no person and no state is taken
/// for one the rules could not resolve (names of bodies the knowledge base
/// does not know run to five: "the Czech National Cyber Agency").
const UNRESOLVED_WORDS: usize = 6;

/// Words that make a long speaker phrase a voice of its own kind: the
/// unnamed sources an attribution statement may cite.
const VOICES: &[&str] = &["source", "familiar", "briefed", "knowledge", "anonymity"];

/// Two operation spans describe the same operation, or one is unknown.
pub(super) fn ops_compatible(a: Option<&str>, b: Option<&str>) -> bool {
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
    let rule = ascribe_model::names::OperationWords {
        longer_than: 2,
        stem: 6,
        stop: STOP,
    };
    let words = |s: &str| -> Vec<String> { rule.of(s, |_| true) };
    let (wa, wb) = (words(a), words(b));
    wa.iter().any(|w| wb.contains(w))
}

impl Ctx<'_> {
    /// Merges claims that say the same thing in neighbouring sentences and
    /// drops a speaker's territory counter-accusations they then take back.
    pub(super) fn finish(&self, mut claims: Vec<RawClaim>) -> Vec<RawClaim> {
        // Retractions.
        let retract: Vec<(usize, String)> = (0..self.sentences.len())
            .filter_map(|i| {
                let (s, e) = (self.sentences[i].start, self.sentences[i].end);
                let retracts = self
                    .hits_of(s, e, |p| p == Pat::Deny)
                    .iter()
                    .any(|d| self.is_retraction(d, e));
                if !retracts {
                    return None;
                }
                // A retraction in no one's turn takes back the claims of no
                // one in particular: the empty key, as `Speaker::key` gives.
                let who = match self.turn_speaker(i) {
                    Some(sp) => sp.key(),
                    None => String::new(),
                };
                Some((i, who))
            })
            .collect();
        claims.retain(|c| {
            !(c.kind == ClaimKind::CounterAccusation
                && c.target_canonical.is_some()
                && retract.iter().any(|(i, k)| {
                    *i > c.sentence && *i - c.sentence <= 4 && (k.is_empty() || c.speaker_key_is(k))
                }))
        });
        // A state's own officials do not accuse it: "Viet Nam strictly bans
        // all cyber-attacks", said by Viet Nam's spokesperson, names the
        // state it defends, not the one it blames.
        claims.retain(|c| !self_accusation(c));
        // "Russia is attacked from the United States every day, Peskov
        // said. Peskov also denied that Russia was involved": a party that
        // denies in the next sentences is replying when it accuses (a denial
        // before is seen as the sentence is read, see `sentence_claims`).
        let deniers: Vec<kinds::Denier> = claims.iter().filter_map(kinds::denier).collect();
        if !deniers.is_empty() {
            for c in &mut claims {
                let replies = c.kind == ClaimKind::Accusation
                    && deniers.iter().any(|d| {
                        d.sentence > c.sentence
                            && d.sentence <= c.sentence + 3
                            && kinds::replies_to(c, d)
                    });
                if replies {
                    c.kind = ClaimKind::CounterAccusation;
                }
            }
        }
        // A headline's claims come last, so that the body's restatement of
        // one is the claim kept (see `fold_headlines`).
        let in_heading = |c: &RawClaim| self.sentences.get(c.sentence).is_some_and(|x| x.heading);
        let headlines = claims.iter().any(in_heading);
        claims.sort_by_key(|c| (in_heading(c), c.sentence, c.start));
        let mut out: Vec<RawClaim> = Vec::new();
        let mut said: std::collections::HashMap<(ClaimKind, String, Option<String>), Vec<usize>> =
            std::collections::HashMap::new();
        let mut own_voice: std::collections::HashSet<Option<String>> =
            std::collections::HashSet::new();
        for c in claims {
            // Exact duplicates from overlapping frames; a named speaker wins
            // over the document's own voice for the same statement, and over
            // unnamed "officials" with no country reporting it ("The Czech
            // Republic has accused China ..., officials said").
            // An outlet that reports the statement ("..., Peskov told
            // reporters, TASS reported") is weak beside its speaker too.
            let media = |x: &RawClaim| {
                x.speaker.is_none()
                    && x.speaker_org.as_deref().is_some_and(|o| {
                        let o = kinds::org_name(o);
                        BODIES
                            .iter()
                            .any(|b| b.kind == BodyKind::Media && b.name == o)
                    })
            };
            let weak = |x: &RawClaim| {
                !x.has_speaker_key()
                    || x.speaker.is_none() && x.speaker_country.is_none()
                    || media(x)
            };
            if let Some(k) = out.iter().position(|o| {
                o.sentence == c.sentence
                    && o.kind == c.kind
                    && o.target_canonical == c.target_canonical
                    && (o.same_speaker(&c) || weak(o) || weak(&c))
            }) {
                if weak(&out[k]) && !weak(&c) {
                    out[k] = c;
                }
                continue;
            }
            let mergeable = out.iter().rposition(|o| {
                o.kind == c.kind
                    && o.same_speaker(&c)
                    && o.target_canonical == c.target_canonical
                    && c.sentence.abs_diff(o.sentence) <= 4
                    && (c.kind == ClaimKind::Denial
                        || c.sentence.abs_diff(o.sentence) <= 2
                            && !(names_an_act(o.operation.as_deref())
                                && names_an_act(c.operation.as_deref()))
                        || ops_compatible(o.operation.as_deref(), c.operation.as_deref()))
            });
            if let Some(k) = mergeable {
                let intervening = out
                    .iter()
                    .skip(k + 1)
                    .any(|o| !o.same_speaker(&c) && o.sentence > out[k].sentence);
                // A party's denial is one claim however the story goes on
                // between its restatements (one claim per speaker, target
                // and kind).
                if !intervening || c.kind == ClaimKind::Denial {
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
            // The document's own voice naming a group it has already tied
            // to a state or an operation ("Turla used the Snake malware for
            // two decades") adds no attribution of its own.
            // (A set of the groups so attributed keeps this linear.)
            if c.kind == ClaimKind::AttributionStatement
                && !c.has_speaker_key()
                && !own_voice.insert(c.target_canonical.clone())
            {
                continue;
            }
            // The same party restating the same operation further on
            // ("countering Russian malicious cyber activity" after "we
            // condemn Russia's malicious cyber activities"): one claim.
            // (The last few claims of each party and target are compared, so
            // a huge document stays linear.)
            if c.kind != ClaimKind::Denial && c.operation.is_some() {
                let who = c.speaker_key();
                if !who.is_empty() {
                    let earlier = said
                        .entry((c.kind, who, c.target_canonical.clone()))
                        .or_default();
                    let restated = earlier.iter().rev().take(8).any(|&k| {
                        let o: &RawClaim = &out[k];
                        o.operation.is_some()
                            && ops_compatible(o.operation.as_deref(), c.operation.as_deref())
                    });
                    if restated {
                        continue;
                    }
                    earlier.push(out.len());
                }
            }
            out.push(c);
        }
        if headlines {
            out.sort_by_key(|c| (c.sentence, c.start));
        }
        // "China denies ..." in a headline or lede and "the embassy said
        // ..." below: one denial, by the body or person that made it.
        // The lede: the first sentence past the headings (a headline, a
        // navigation line the cleaner kept).
        let lede = self
            .sentences
            .iter()
            .position(|x| !x.heading)
            .unwrap_or(0)
            .max(1);
        let generic = |c: &RawClaim| {
            c.kind == ClaimKind::Denial
                && c.sentence <= lede
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
                            same(o)
                                && o.speaker.is_some()
                                && o.speaker_org.as_deref().map(kinds::org_name)
                                    == c.speaker_org.as_deref().map(kinds::org_name)
                        })
                    // "The defence ministry announced that ... Chinese
                    // malware ...", then "..., said Defence Minister X": one
                    // party's accusation of one target, by the person named.
                    || c.kind == ClaimKind::Accusation
                        && c.speaker.is_none()
                        && c.speaker_org.as_deref().is_some_and(|co| {
                            out.iter().any(|o| {
                                o.kind == ClaimKind::Accusation
                                    && o.speaker.is_some()
                                    && o.speaker_country == c.speaker_country
                                    && o.target_canonical == c.target_canonical
                                    && o.speaker_org
                                        .as_deref()
                                        .is_some_and(|oo| kinds::same_org(oo, co))
                            })
                        })
            })
            .collect();
        let mut k = 0;
        out.retain(|_| {
            k += 1;
            !folded[k - 1]
        });
        // "The ministry said the attacks came from Russia-linked hackers.
        // According to the ministry, behind the attacks is APT28": the same
        // party naming the state and then its group makes one claim, against
        // the most specific party (as the annotation rules code it).
        let to_group: Vec<bool> = out
            .iter()
            .map(|c| {
                c.kind != ClaimKind::Denial
                    && c.target_state.is_some()
                    && c.target_canonical == c.target_state
                    && c.has_speaker_key()
                    && out.iter().any(|g| {
                        g.kind == c.kind
                            && g.same_speaker(c)
                            && g.target_state == c.target_state
                            && g.target_canonical != g.target_state
                            && g.sentence.abs_diff(c.sentence) <= 2
                            && ops_compatible(g.operation.as_deref(), c.operation.as_deref())
                    })
            })
            .collect();
        let mut k = 0;
        out.retain(|_| {
            k += 1;
            !to_group[k - 1]
        });
        self.fold_headlines(&mut out);
        self.add_named_groups(&mut out);
        // A speaker read as a long phrase that names no person, state or
        // known body ("a document that circulated among security researchers
        // last month") is a phrase the rules could not resolve: no one the
        // reader can name makes that claim.
        // (Unnamed sources are named so on purpose: "three people familiar
        // with the investigation" stays.)
        out.retain(|c| {
            !(c.speaker.is_none()
                && c.speaker_country.is_none()
                && c.speaker_org.as_deref().is_some_and(|o| {
                    let l = o.to_ascii_lowercase();
                    word_count(o, UNRESOLVED_WORDS) >= UNRESOLVED_WORDS
                        && !VOICES.iter().any(|w| l.contains(w))
                }))
        });
        // "The Permanent Mission of the DPRK ... rejects": a state that
        // speaks through no named person or body speaks as its government
        // (a bloc as itself).
        for c in &mut out {
            if c.speaker.is_none() && c.speaker_org.is_none() {
                if let Some(country) = c.speaker_country.as_deref() {
                    c.speaker_org = Some(if BLOCS.iter().any(|(b, _)| *b == country) {
                        country.to_owned()
                    } else {
                        speakers::executive_of(country)
                    });
                }
            }
        }
        out
    }
}

impl Ctx<'_> {
    /// A headline's claim ("Britain blames Russia for cyber attacks") is
    /// the story's summary: where the body makes the same claim (same kind
    /// and party accused, by the same speaker or one of the same country:
    /// "the Foreign Office said ..."), the body's claim, with its fuller
    /// quote and speaker, is the one kept; a headline whose claim the body
    /// does not repeat (the page cut short, or worded otherwise) stands.
    fn fold_headlines(&self, out: &mut Vec<RawClaim>) {
        // "Britain blames ...": the state itself, which any of its bodies
        // or officials in the body speaks for ("NCSC blames ..." is the
        // NCSC's own).
        let state_voice = |c: &RawClaim| {
            c.speaker.is_none()
                && match (&c.speaker_org, &c.speaker_country) {
                    (Some(o), Some(country)) => {
                        o.ends_with(" government") || *o == speakers::executive_of(country)
                    }
                    (None, _) => true,
                    _ => false,
                }
        };
        let heading = |c: &RawClaim| self.sentences.get(c.sentence).is_some_and(|x| x.heading);
        if !out.iter().any(heading) {
            return;
        }
        type Key<'k> = (ClaimKind, Option<&'k str>, String);
        let mut body: std::collections::HashSet<Key<'_>> = std::collections::HashSet::new();
        for c in out.iter().filter(|c| !heading(c)) {
            for t in [c.target_canonical.as_deref(), c.target_state.as_deref()] {
                if t.is_some() {
                    body.insert((c.kind, t, c.speaker_key()));
                    if let Some(country) = &c.speaker_country {
                        body.insert((c.kind, t, format!("country:{country}")));
                    }
                }
            }
        }
        let repeated: Vec<bool> = out
            .iter()
            .map(|c| {
                heading(c)
                    && [c.target_canonical.as_deref(), c.target_state.as_deref()]
                        .into_iter()
                        .filter(Option::is_some)
                        .any(|t| {
                            body.contains(&(c.kind, t, c.speaker_key()))
                                || c.speaker_country.as_ref().is_some_and(|country| {
                                    state_voice(c)
                                        && body.contains(&(c.kind, t, format!("country:{country}")))
                                })
                        })
            })
            .collect();
        drop(body);
        let mut k = 0;
        out.retain(|_| {
            k += 1;
            !repeated[k - 1]
        });
    }

    /// "The Justice Department accused Chinese hackers of ... The group is
    /// known as APT40.": the story places the accused state's hackers in a
    /// group it names only in passing (no claim of its own targets it), and
    /// each accusation against that state is one against the group too (the
    /// annotation codes the most specific party the text names). At most a
    /// few groups of one state: a longer list is background.
    fn add_named_groups(&self, out: &mut Vec<RawClaim>) {
        const MAX_GROUPS: usize = 4;
        // The parties claims already target (a set: this stays linear in
        // the claims and the names).
        let targeted: std::collections::HashSet<&str> = out
            .iter()
            .filter_map(|o| o.target_canonical.as_deref())
            .collect();
        // Each group named outside headings: canonical, state, text.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut groups: Vec<(String, String, String, usize)> = Vec::new();
        for (k, sent) in self.sentences.iter().enumerate() {
            if sent.heading {
                continue;
            }
            for h in self
                .hits_of(sent.start, sent.end, |p| matches!(p, Pat::Group(_)))
                .iter()
            {
                let Some(t) = self.target_at(h, k) else {
                    continue;
                };
                if let (Some(c), Some(st)) = (t.canonical, t.state) {
                    if !targeted.contains(c.as_str()) && seen.insert(c.clone()) {
                        groups.push((c, st, t.text, k));
                    }
                }
            }
        }
        drop(targeted);
        if groups.is_empty() {
            return;
        }
        // A state's groups, at most a few (a long list is background).
        let mut by_state: std::collections::HashMap<&str, Vec<&(String, String, String, usize)>> =
            std::collections::HashMap::new();
        for g in &groups {
            let v = by_state.entry(g.1.as_str()).or_default();
            if v.len() < MAX_GROUPS {
                v.push(g);
            }
        }
        let mut more = Vec::new();
        for c in out.iter() {
            if c.kind != ClaimKind::Accusation
                || c.target_state.is_none()
                || c.target_canonical != c.target_state
            {
                continue;
            }
            let Some(of_state) = c.target_state.as_deref().and_then(|st| by_state.get(st)) else {
                continue;
            };
            // "GRU" alone is not one of its units' groups (the annotation
            // rules: it has several), however many the story names.
            if c.target.as_deref().is_some_and(several_units)
                || self.text.get(c.start..c.end).is_some_and(several_units)
            {
                continue;
            }
            // The groups named near the accusation, where there are any
            // ("... charged five Chinese military hackers. Those hackers
            // are believed to be officers in Unit 61398"), else all of the
            // state's few.
            let near = |g: &&&(String, String, String, usize)| {
                g.3 + 1 >= c.sentence && g.3 <= c.sentence + 3
            };
            let any_near = of_state.iter().any(|g| near(&g));
            for (canonical, _, text, _) in of_state.iter().filter(|g| !any_near || near(g)) {
                let mut d = c.clone();
                d.target_canonical = Some(canonical.clone());
                d.target = Some(text.clone());
                more.push(d);
            }
        }
        out.extend(more);
    }
}

/// Whether the accused as written is a state organ with several units
/// that each have a group of their own (Russia's military intelligence).
fn several_units(target: &str) -> bool {
    let t = target.to_ascii_lowercase();
    t.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "gru")
        || t.contains("military intelligence")
}

/// Whether an accusation or counter-accusation blames the speaker's own
/// state (its officials, its state media): such a sentence defends the state
/// rather than accusing it. Attribution statements are left alone, since a
/// company may name a group from its own country.
fn self_accusation(c: &RawClaim) -> bool {
    matches!(c.kind, ClaimKind::Accusation | ClaimKind::CounterAccusation)
        && c.speaker_country.is_some()
        && c.speaker_country == c.target_state
}
