//! Claim kinds: a sentence's frames and relations made into accusations,
//! denials, counter-accusations and attribution statements.

use super::*;

/// Words that refer back to perpetrators the story has named.
const PERPETRATOR_ANAPHORS: &[&str] = &[
    "these hackers",
    "the hackers",
    "those hackers",
    "the attackers",
    "these attackers",
    "the perpetrators",
    "those responsible",
    "the group",
    "this group",
    "these actors",
    "the same actors",
];

/// Words for a perpetrator that is a state the sentence does not name.
const UNNAMED_STATE: &[&str] = &[
    "state sponsor",
    "state-sponsored",
    "state actor",
    "state-backed",
    "nation-state",
    "nation state",
    "hostile state",
    "foreign power",
];

/// An outlet's frame: its index, the outlet's name, its content, and
/// whether it is a verb of saying (not "according to").
type MediaFrame = (usize, Option<String>, (usize, usize), bool);

impl Ctx<'_> {
    pub(super) fn sentence_claims(&mut self, i: usize, prior: &[RawClaim]) -> Vec<RawClaim> {
        let sent = self.sentences[i].clone();
        let (s, e) = (sent.start, sent.end);
        let mut frames = self.frames(i);
        // "Foreign ministry spokesperson Li Wei said the accusations were
        // groundless": an official named by a title alone speaks for the
        // state the story has already placed on that side.
        let unplaced = |sp: &Speaker| sp.country.is_none() && sp.official && !sp.media;
        let side = if frames
            .iter()
            .any(|f| f.speaker.as_ref().is_some_and(unplaced))
            || self
                .labels
                .get(i)
                .is_some_and(|l| l.as_ref().is_some_and(unplaced))
            || self.interviewee.as_ref().is_some_and(unplaced)
            || self.sentences[i].quoted > 0.5
            || self.colon_speaker.is_some()
            || self.author.is_some()
        {
            self.side_country(s, e, prior)
                .or_else(|| self.dateline_country(s, e))
        } else {
            None
        };
        for f in frames.iter_mut() {
            if let Some(sp) = f.speaker.as_mut() {
                self.place_official(sp, side.as_deref(), prior);
            }
        }
        // "According to Reuters, an official said ...", "The New York Times
        // reported that intelligence officials had concluded ...": the
        // outlet reports, the official speaks.
        let media_sources: Vec<MediaFrame> = frames
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                matches!(f.kind, FrameKind::Source | FrameKind::Say)
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
                    f.speaker.as_ref().and_then(|x| x.org.clone()),
                    f.content,
                    f.kind == FrameKind::Say,
                )
            })
            .collect();
        let mut drop = Vec::new();
        for (k, name, (cs, ce), says) in media_sources {
            let mut inner = false;
            for f in frames.iter_mut() {
                // What an outlet reports is a frame that speaks forward
                // inside its words ("reported that officials had concluded
                // that ..."), not the sentence's own closing "..., Peskov
                // said" around a mention of media reports.
                let relayed = !says || f.content.0 > f.verb;
                if f.kind != FrameKind::Source
                    && f.verb >= cs
                    && f.verb < ce
                    && relayed
                    && f.speaker.as_ref().is_some_and(|x| !x.media)
                {
                    // An outlet known only as "media" names no reporter.
                    if let Some(name) = &name {
                        f.reporter.get_or_insert_with(|| name.clone());
                    }
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
        // "The United States denounced ..., the U.S. Embassy in Prague said",
        // "Iran denied ..., the country's foreign ministry said": the body
        // that says it speaks for the state named as subject.
        let closing = frames
            .iter()
            .filter(|f| f.kind == FrameKind::Say && f.content.0 == s && f.content.1 <= f.verb)
            .max_by_key(|f| f.verb)
            .and_then(|f| f.speaker.clone());
        if let Some(cl) = closing {
            for f in frames.iter_mut() {
                // "Investigators have concluded that North Korea was behind
                // the heist, the FBI said": unnamed officials of no state
                // inside the words are the closing party's own.
                let unnamed = f.speaker.as_ref().is_some_and(|sp| {
                    sp.person.is_none() && sp.country.is_none() && sp.official && !sp.media
                });
                if unnamed
                    && matches!(f.kind, FrameKind::Say | FrameKind::Believe(..))
                    && f.verb < s + 200
                    && f.content.1 <= e
                    && cl.country.is_some()
                {
                    f.speaker = Some(cl.clone());
                    continue;
                }
                let accuses_or_denies = matches!(f.kind, FrameKind::Accuse(_) | FrameKind::Deny);
                if let (true, Some(sp)) = (accuses_or_denies, f.speaker.as_mut()) {
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
        // "The National Security Council said the United States condemned
        // ...": the body that says so speaks for the state it names.
        let bare_accuser = frames.iter().any(|f| {
            matches!(f.kind, FrameKind::Accuse(_))
                && f.speaker.as_ref().is_some_and(|sp| {
                    sp.person.is_none()
                        && sp
                            .org
                            .as_deref()
                            .is_some_and(|o| o.ends_with(" government"))
                })
        });
        let sayers: Vec<(usize, (usize, usize), Speaker)> = if bare_accuser {
            frames
                .iter()
                .filter(|f| f.kind == FrameKind::Say)
                .filter_map(|f| f.speaker.clone().map(|sp| (f.verb, f.content, sp)))
                .collect()
        } else {
            Vec::new()
        };
        for f in frames.iter_mut() {
            if let (FrameKind::Accuse(_), Some(sp)) = (f.kind, f.speaker.as_mut()) {
                let bare = sp.person.is_none()
                    && sp
                        .org
                        .as_deref()
                        .is_some_and(|o| o.ends_with(" government"));
                if !bare || sp.country.is_none() {
                    continue;
                }
                if let Some((_, _, by)) = sayers.iter().find(|(v, (a, b), by)| {
                    *v < f.verb && *a <= f.verb && f.verb < *b && by.country == sp.country
                }) {
                    *sp = by.clone();
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
            })
            .or_else(|| self.author_of(i))
            .map(|mut sp| {
                self.place_official(&mut sp, side.as_deref(), prior);
                // A ministry's own page: "Deputy Spokesperson Ngo Toan Thang
                // stated: This is groundless information." The official who
                // names no state speaks for the one state the document
                // accuses when dismissing it.
                if sp.country.is_none()
                    && sp.person.is_some()
                    && sp.official
                    && self.accused.len() == 1
                {
                    let dismisses = !self.hits_of(s, e, |p| p == Pat::Deny).is_empty();
                    if dismisses {
                        sp.country = self.accused.first().cloned();
                    }
                }
                sp
            });
        let mut default_sp = default_sp;
        // A transcript speaker just placed in a country keeps it (only
        // then: the update walks the transcript's labels).
        let unsettled = self
            .labels
            .get(i)
            .is_some_and(|l| l.as_ref().is_some_and(|x| x.country.is_none()))
            || self
                .interviewee
                .as_ref()
                .is_some_and(|x| x.country.is_none() && x.person.is_some());
        if let Some(sp) = default_sp.as_mut() {
            if unsettled && sp.person.is_some() && sp.country.is_some() {
                self.settle_speaker(sp);
            }
        }
        let hits = self.hits_of(s, e, |_| true);
        // A denial that answers "the accusations" marks its speaker as the accused side.
        {
            // (Lowered only for a sentence with a denial word, where it counts.)
            let answers = || {
                let lower = self.text.get(s..e).unwrap_or("").to_lowercase();
                [
                    "accusation",
                    "allegation",
                    "claims",
                    "blame",
                    "charges against",
                ]
                .iter()
                .any(|w| lower.contains(w))
            };
            // Not when the sentence itself accuses, or reports someone else's
            // denial ("..., an allegation which Russia denied").
            // "China denied the charges and accused the US of ...": a denial
            // followed by the speaker's own accusation is a reply.
            let denies_then_accuses = hits.iter().any(|d| {
                d.pat == Pat::DenyVerb
                    && hits.iter().any(|a| {
                        a.pat == Pat::Accuse
                            && a.start > d.end
                            && self
                                .text
                                .get(s..a.start)
                                .is_some_and(|t| t.trim_end().ends_with(" and"))
                    })
            });
            let accuses = !denies_then_accuses
                && hits
                    .iter()
                    .any(|h| matches!(h.pat, Pat::Accuse | Pat::Attribute | Pat::DenyVerb));
            self.answering.set(
                !accuses
                    && hits.iter().any(|h| matches!(h.pat, Pat::Deny))
                    && (denies_then_accuses || answers()),
            );
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
                        self.deny_in(cs, ce).is_some()
                            && (self.accused_side(sp, prior) || self.claims_about_own(sp, s, e))
                            // State media deny for their state ("KCNA said the
                            // allegation was a fabrication"); other media report.
                            && (!sp.media || sp.country.is_some())
                            && !is_company(sp)
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
                    // "said the claims were absurd and that Washington itself
                    // carries out cyberattacks": a second statement after the
                    // dismissal is the denier's own claim (made a reply below).
                    let second = self
                        .text
                        .get(d.end..ce)
                        .and_then(|t| t.find(" and that ").map(|p| d.end + p + 10));
                    if let Some(rel) = second.and_then(|a| self.relation(a, ce, i, None)) {
                        if !rel.negated && !rel.conditional && !rel.hedged {
                            let more =
                                self.relation_claims(&rel, Some(&sp), i, f.reporter.clone(), prior);
                            out.extend(more);
                        }
                    }
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
                        // An official asserting the evidence without naming
                        // anyone, or blaming "state sponsors" the story has
                        // already named ("the largest theft ... by state
                        // sponsors ever recorded", after China was accused).
                        if let Some(sp) = &f.speaker {
                            let ev = self.hits_of(cs, ce, |p| p == Pat::Evidence);
                            let unnamed_state = sp.country.is_some()
                                && !self.hits_of(cs, ce, |p| p == Pat::Op).is_empty()
                                && self.text.get(cs..ce).is_some_and(|t| {
                                    let t = t.to_ascii_lowercase();
                                    UNNAMED_STATE.iter().any(|w| t.contains(w))
                                });
                            if (!ev.is_empty() || unnamed_state) && sp.official && !sp.media {
                                if let Some(c) = self.context_accusation(sp, i, cs, ce, prior) {
                                    out.push(c);
                                }
                            } else if sp.official
                                && !sp.media
                                && sp.country.is_some()
                                && !self.hits_of(cs, ce, |p| p == Pat::Op).is_empty()
                                && self.text.get(cs..ce).is_some_and(|t| {
                                    let t = t.to_ascii_lowercase();
                                    PERPETRATOR_ANAPHORS.iter().any(|w| t.contains(w))
                                })
                            {
                                // "“These hackers have attacked our ministries
                                // for years,” the minister said": the party the
                                // story named just before.
                                if let Some(mut c) = self.context_accusation(sp, i, cs, ce, prior) {
                                    let near = prior.iter().rev().find(|p| {
                                        p.kind != ClaimKind::Denial
                                            && p.target_state.is_some()
                                            && p.target_state != sp.country
                                    });
                                    if let Some(p) = near.filter(|p| p.sentence + 4 >= i) {
                                        c.target_canonical.clone_from(&p.target_canonical);
                                        out.push(c);
                                    }
                                }
                            }
                        }
                        continue;
                    };
                    if f.kind == FrameKind::Source {
                        rel.conditional = false;
                    }
                    // "The accusations that Moscow ordered the hack are
                    // absurd, the minister said": the speaker talks about
                    // someone else's claim, and makes none of their own.
                    if !matches!(f.kind, FrameKind::Accuse(_))
                        && rel
                            .targets
                            .first()
                            .is_some_and(|t| self.about_claims(cs, t.start))
                    {
                        continue;
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
                            if self.accused_side(&sp, prior)
                                || own.is_some()
                                || self.claims_about_own(&sp, s, e)
                            {
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
        // "KCNA called the accusations a fabrication and said the US was
        // behind ...": a party that denies in a sentence and names another
        // state in it replies, whatever sort of speaker it is; so does one
        // that denied a few sentences before ("Zhao said the allegations
        // were baseless. He said the United States was itself ...").
        let deniers: Vec<Denier> = out
            .iter()
            .chain(prior.iter().rev().take_while(|c| c.sentence + 3 >= i))
            .filter_map(denier)
            .collect();
        for c in &mut out {
            if deniers.iter().any(|d| replies_to(c, d)) {
                c.kind = ClaimKind::CounterAccusation;
            }
        }
        // A joint statement's "we": each co-author says it too.
        if let (false, Some(author)) = (self.co_authors.is_empty(), self.author_of(i)) {
            let key = author.key();
            let mut more = Vec::new();
            for c in out.iter().filter(|c| c.speaker_key_is(&key)) {
                for co in &self.co_authors {
                    let mut d = c.clone();
                    d.speaker.clone_from(&co.person);
                    d.speaker_org.clone_from(&co.org);
                    d.speaker_country.clone_from(&co.country);
                    more.push(d);
                }
            }
            out.extend(more);
        }
        // Retractions cancel the speaker's territory-based counter-accusations.
        out
    }

    /// "WASHINGTON (Reuters) - Officials said ...": the state of the
    /// document's dateline, for officials of no named state in a sentence
    /// that denies nothing (the accused answer from anywhere).
    fn dateline_country(&self, s: usize, e: usize) -> Option<String> {
        if self
            .hits_in(s, e)
            .iter()
            .any(|h| matches!(h.pat, Pat::Deny | Pat::DenyVerb))
        {
            return None;
        }
        let first = self.sentences.iter().find(|x| !x.heading)?;
        let end = dateline_end(self.text, first.start, first.end);
        if end == first.start {
            return None;
        }
        self.hits_in(first.start, end)
            .iter()
            .find_map(|h| match h.pat {
                Pat::State(k) => STATES.get(k).map(|st| st.name.to_owned()),
                _ => None,
            })
    }

    /// The country a title-only official in `s..e` most likely speaks for:
    /// when the sentence denies or dismisses, the state the last claim
    /// accused; otherwise the country of the last accuser. None when the
    /// story has no such claim yet.
    pub(super) fn side_country(&self, s: usize, e: usize, prior: &[RawClaim]) -> Option<String> {
        let denies = self
            .hits_in(s, e)
            .iter()
            .any(|h| matches!(h.pat, Pat::Deny | Pat::DenyVerb));
        if denies {
            prior
                .iter()
                .rev()
                .find(|p| {
                    p.kind == ClaimKind::Denial
                        || p.target_state.is_some() && p.target_state != p.speaker_country
                })
                .and_then(|p| match p.kind {
                    ClaimKind::Denial => p.speaker_country.clone(),
                    _ => p.target_state.clone(),
                })
                // Before any claim: the one state the story accuses.
                .or_else(|| match self.accused.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                })
        } else {
            // Of several accusers in one sentence, the first named leads.
            // With no accusation read yet, a state that has denied is the
            // side its unplaced officials speak for ("China rejected the
            // report. 'The US is the biggest hacker,' spokesman Guo said").
            let Some(last) = prior.iter().rev().find(|p| p.kind == ClaimKind::Accusation) else {
                // Not where the sentence names a group or the denier's own
                // state: "local intelligence services linked the attacks to
                // APT28" speak for the other side.
                let names_denier = |c: &str| {
                    self.hits_in(s, e).iter().any(|h| match h.pat {
                        Pat::Group(_) => true,
                        Pat::State(k) => {
                            STATES.get(k).is_some_and(|st| st.name == c) && !self.is_victim(h, s)
                        }
                        _ => false,
                    })
                };
                return prior
                    .iter()
                    .rev()
                    .find(|p| p.kind == ClaimKind::Denial)
                    .and_then(|p| p.speaker_country.clone())
                    .filter(|c| !names_denier(c));
            };
            let accuser = prior
                .iter()
                .find(|p| p.kind == ClaimKind::Accusation && p.sentence == last.sentence)
                .and_then(|p| p.speaker_country.clone());
            // "'The US has long conducted cyber surveillance,' the
            // spokesperson said": an official naming the accuser's own state
            // as the actor speaks for the accused side.
            let names_accuser = accuser.as_deref().is_some_and(|c| {
                self.hits_in(s, e).iter().any(|h| match h.pat {
                    Pat::State(k) => {
                        STATES.get(k).is_some_and(|st| st.name == c)
                            && !self.is_victim(h, s)
                            && self.hits_in(h.end, e).iter().any(|x| x.pat == Pat::Op)
                    }
                    _ => false,
                })
            });
            if names_accuser && last.target_state.is_some() && last.target_state != accuser {
                return last.target_state.clone();
            }
            accuser
        }
    }

    /// Gives a country to an official known only by a title ("Defence
    /// Minister Erik Holm", "foreign ministry spokesperson Li Wei"): the
    /// side's (see [`Ctx::side_country`]), with the organisation named for
    /// it, and remembers it for the person's later "..., Li said".
    /// A person the story has already placed keeps that side: the
    /// spokesperson who dismissed a claim is not moved to the accuser's
    /// country when the next sentence merely denies nothing.
    pub(super) fn place_official(
        &mut self,
        sp: &mut Speaker,
        side: Option<&str>,
        prior: &[RawClaim],
    ) {
        if sp.country.is_some() || !sp.official || sp.media {
            return;
        }
        if sp.person.is_none() && sp.org.is_none() {
            return;
        }
        let placed = sp.person.as_deref().and_then(|name| {
            prior
                .iter()
                .rev()
                .find(|p| p.speaker.as_deref() == Some(name) && p.speaker_country.is_some())
        });
        if let Some(p) = placed {
            sp.country.clone_from(&p.speaker_country);
            if sp.org.is_none() {
                sp.org.clone_from(&p.speaker_org);
            }
            return;
        }
        let Some(c) = side else { return };
        sp.country = Some(c.to_owned());
        self.settle_speaker(sp);
    }

    /// Names the organisation of a speaker just placed in a country
    /// ("Chinese Ministry of Foreign Affairs") and remembers the country
    /// for the person's later mentions and transcript turns.
    pub(super) fn settle_speaker(&mut self, sp: &mut Speaker) {
        let Some(c) = sp.country.clone() else { return };
        if let Some(o) = sp.org.as_mut() {
            let pre = speakers::country_prefix(&c);
            if o.starts_with(|ch: char| ch.is_uppercase())
                && !o.starts_with(&pre)
                && TITLES
                    .iter()
                    .any(|t| matches!(t.org, TitleOrg::Named(n) if n == o.as_str()))
            {
                *o = format!("{pre} {o}");
            }
        }
        if let Some(name) = sp.person.clone() {
            if let Some(p) = self.people.iter_mut().rev().find(|p| p.name == name) {
                if p.speaker.country.is_none() {
                    p.speaker.country = sp.country.clone();
                    p.speaker.org.clone_from(&sp.org);
                }
            }
            // A transcript's speaker keeps the side for its later turns.
            let same =
                |x: &Speaker| x.person.as_deref() == Some(name.as_str()) && x.country.is_none();
            for l in self.labels.iter_mut().flatten() {
                if same(l) {
                    *l = sp.clone();
                }
            }
            if let Some(x) = self.interviewee.as_mut() {
                if same(x) {
                    *x = sp.clone();
                }
            }
        }
    }

    /// Whether the speaker's state has been accused in a claim so far, or
    /// has denied one, or the sentence answers or the story says it is
    /// smeared.
    fn answers_a_claim(&self, sp: &Speaker, prior: &[RawClaim]) -> bool {
        let Some(c) = sp.country.as_deref() else {
            return false;
        };
        self.answering.get()
            || self.smeared.iter().any(|x| x == c)
            || prior.iter().any(|p| {
                p.target_state.as_deref() == Some(c) && p.speaker_country.as_deref() != Some(c)
                    || p.kind == ClaimKind::Denial && p.speaker_country.as_deref() == Some(c)
            })
    }

    /// Whether the words from `cs` to a target at `t` speak of claims made
    /// about it ("the accusations that", "claims by the Netherlands
    /// that"), not endorsing them ("confirmed the allegations that").
    fn about_claims(&self, cs: usize, t: usize) -> bool {
        let Some(between) = self.text.get(cs..t) else {
            return false;
        };
        if between.len() > 160 {
            return false;
        }
        let lower = between.to_ascii_lowercase();
        let mut words = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty());
        let mentions =
            words.any(|w| super::targets::CLAIM_NOUNS.contains(&w)) && lower.contains(" that ");
        mentions
            && ![
                "confirm", "back", "endors", "support", "repeat", "reiterat", "stand",
            ]
            .iter()
            .any(|w| lower.contains(w))
    }

    pub(super) fn deny_in(&self, cs: usize, ce: usize) -> Option<Hit> {
        self.hits_of(cs, ce, |p| p == Pat::Deny).into_iter().next()
    }

    pub(super) fn set_conf_near(&self, c: &mut RawClaim, s: usize, e: usize, at: usize) {
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

    pub(super) fn op_before(&self, at: usize, cs: usize) -> Option<String> {
        let op = self.hits_of(cs, at, |p| p == Pat::Op).into_iter().last()?;
        let end = at;
        let t = self.text.get(op.start..end)?;
        Some(normalize_ws(
            t.trim_end_matches(|c: char| !c.is_alphanumeric()),
        ))
    }

    pub(super) fn is_retraction(&self, d: &Hit, e: usize) -> bool {
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
        let after = after.trim_start();
        if after.starts_with("the government") || after.starts_with("governments") {
            return true;
        }
        // "the recent fires have had nothing to do with the cyberattacks":
        // neither side of the phrase is the speaker's side (a pronoun, a
        // party) nor the claim's truth ("with reality"), so it denies no
        // responsibility.
        let clause_start = self
            .text
            .get(..d.start)
            .and_then(|b| b.rfind([',', ':', ';', '"', '“', '”', '—', '.', '?', '!']))
            .map_or(0, |k| k + 1);
        let before = self
            .text
            .get(clause_start..d.start)
            .unwrap_or("")
            .to_lowercase();
        const SIDE: &[&str] = &[
            "we", "i", "us", "me", "our", "my", "it", "he", "she", "they", "them", "its",
            "reality", "truth", "facts", "fact",
        ];
        let side_word = |t: &str| {
            t.split(|c: char| !c.is_alphanumeric())
                .any(|w| SIDE.contains(&w))
        };
        let first_after: String = after
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        let party = |a: usize, b: usize| {
            !self
                .hits_of(a, b, |p| {
                    matches!(
                        p,
                        Pat::State(_)
                            | Pat::Bloc(_)
                            | Pat::Body(_)
                            | Pat::Group(_)
                            | Pat::Person(_)
                    )
                })
                .is_empty()
        };
        !(side_word(&before)
            || side_word(&first_after)
            || party(clause_start, d.start)
            || party(d.end, (d.end + 30).min(e)))
    }

    pub(super) fn context_op(&self, prior: &[RawClaim], country: Option<&str>) -> Option<String> {
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

    pub(super) fn denial(
        &self,
        sp: &Speaker,
        i: usize,
        own: Option<Target>,
        prior: &[RawClaim],
    ) -> RawClaim {
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
        let this_group = || {
            self.text
                .get(sent.start..sent.end)
                .is_some_and(|t| t.to_lowercase().contains("this group"))
        };
        if let Some(g) = groups
            .first()
            .and_then(|g| self.target_at(g, i))
            .or_else(|| {
                if this_group() {
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

    pub(super) fn context_accusation(
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

    pub(super) fn relation_claims(
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
            let company = sp.is_some_and(is_company);
            // Two states each tied to an operation ("the US accused China
            // ...; China said the US is the biggest hacker"): the one the
            // document accuses first is the accused side, and the other's
            // accusation of it is no reply.
            let replying = sp.is_some_and(|x| {
                self.accused_before(t.state.as_deref(), x.country.as_deref())
                    .is_none_or(|first| !first)
            });
            // State media speak for the accused side only where they deny
            // in the same breath ("KCNA called the accusations a fabrication
            // and said the US was behind ..."), or denied before.
            // Replying takes an accusation met as a claim (or a denial of
            // one) before: a state the narrative only names near an
            // operation word ("Australian hacking claims") is no accused side.
            let accused_side = sp.is_some_and(|x| {
                self.accused_side(x, prior) && !x.media && self.answers_a_claim(x, prior)
            }) && !company
                && replying;
            // A journalist's question relays the accusers' words: never a
            // reply of theirs.
            let relayed = self.interviewee.is_some()
                && i >= self.transcript_from
                && sent.turn == Turn::Interviewer;
            let kind = if rel.affiliation {
                ClaimKind::AttributionStatement
            } else if accused_side && !relayed && t.state != sp.and_then(|x| x.country.clone()) {
                ClaimKind::CounterAccusation
            } else if sp.is_some_and(|x| x.official && !x.media) {
                ClaimKind::Accusation
            } else {
                ClaimKind::AttributionStatement
            };
            // "stop spreading disinformation": talk about the accusation
            // itself is rhetoric, not a reply that names an operation.
            if kind == ClaimKind::CounterAccusation && rel.op.as_deref().is_some_and(only_rhetoric)
            {
                continue;
            }
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
}

/// A company speaks for itself, never as its home state's accused side: its
/// attribution is no counter-accusation, the denial wording it reports no
/// denial of its own.
/// A denial's speaker: where it stands, its key and its country.
pub(super) struct Denier {
    pub sentence: usize,
    key: String,
    country: Option<String>,
}

/// The denier of a claim that is a denial by a named speaker of a state.
pub(super) fn denier(c: &RawClaim) -> Option<Denier> {
    (c.kind == ClaimKind::Denial && c.speaker_country.is_some() && c.has_speaker_key()).then(|| {
        Denier {
            sentence: c.sentence,
            key: c.speaker_key(),
            country: c.speaker_country.clone(),
        }
    })
}

/// Whether a claim is a denier's reply: the same speaker, of the same
/// state, naming another state (a company's words are never its state's
/// reply).
pub(super) fn replies_to(c: &RawClaim, d: &Denier) -> bool {
    c.kind != ClaimKind::Denial
        && c.target_state.is_some()
        && c.target_state != c.speaker_country
        && c.speaker_key_is(&d.key)
        && d.country == c.speaker_country
        && !is_company_org(c.speaker_org.as_deref())
}

pub(super) fn is_company(sp: &Speaker) -> bool {
    is_company_org(sp.org.as_deref())
}

/// Whether an organisation is a company the knowledge base knows (a
/// company's attribution is never a reply of its home state's).
pub(super) fn is_company_org(org: Option<&str>) -> bool {
    org.is_some_and(|o| {
        BODIES
            .iter()
            .any(|b| b.kind == BodyKind::Company && b.name == org_name(o))
    })
}

/// An organisation's name without the text's wording in brackets:
/// "Kaspersky (Kaspersky Lab)" is Kaspersky.
pub(super) fn org_name(o: &str) -> &str {
    match o
        .strip_suffix(')')
        .and_then(|x| x.rfind(" (").map(|p| &o[..p]))
    {
        Some(base) => base,
        None => o,
    }
}

/// Whether two speaker organisations are one: the same name once the
/// text's wording in brackets is set aside, case aside, and the two ways
/// the reader spells a ministry ("Dutch Ministry of Defence" from a
/// minister's title, "Dutch defence ministry" from the words).
pub(super) fn same_org(a: &str, b: &str) -> bool {
    fn key(o: &str) -> String {
        let o = org_name(o).to_lowercase();
        [
            ("ministry of defence", "defence ministry"),
            ("ministry of defense", "defence ministry"),
            ("defense ministry", "defence ministry"),
            ("ministry of foreign affairs", "foreign ministry"),
        ]
        .iter()
        .fold(o, |o, (long, short)| o.replace(long, short))
    }
    key(a) == key(b)
}

/// An operation that is only words about the accusations ("disinformation",
/// "smears", "lies"), naming no operation of the other side's.
fn only_rhetoric(op: &str) -> bool {
    const RHETORIC: &[&str] = &[
        "disinformation",
        "misinformation",
        "smear",
        "smears",
        "smearing",
        "lies",
        "rumours",
        "rumors",
        "spreading",
        "spread",
        "stop",
        "campaign",
        "the",
        "of",
        "and",
    ];
    // "accused the Netherlands of spy mania": a diagnosis, not an act.
    let lower = op.to_lowercase();
    if ["mania", "hysteria", "phobia", "paranoia"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    let mut words = op
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some() && words.all(|w| RHETORIC.contains(&w.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::same_org;

    #[test]
    fn a_ministry_is_one_organisation_however_the_reader_spells_it() {
        assert!(same_org(
            "Dutch Ministry of Defence",
            "Dutch defence ministry"
        ));
        assert!(same_org(
            "Dutch defense ministry",
            "Dutch Ministry of Defense"
        ));
        assert!(same_org(
            "Chinese Ministry of Foreign Affairs",
            "Chinese foreign ministry (the ministry)"
        ));
        assert!(!same_org(
            "Dutch defence ministry",
            "Belgian defence ministry"
        ));
        assert!(!same_org(
            "Dutch defence ministry",
            "Dutch foreign ministry"
        ));
    }
}
