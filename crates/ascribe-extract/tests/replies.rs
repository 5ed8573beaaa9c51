//! Denials, counter-accusations, attribution statements and the kind a
//! claim takes: one small document per row, written for these tests (not
//! taken from any publication), in the ways foreign-ministry briefings,
//! embassy statements, news reports and security vendors word them.

use ascribe_extract::{read_document, ExtractedClaim};
use ascribe_model::ClaimKind::{
    self, Accusation as Acc, AttributionStatement as Attr, CounterAccusation as Counter,
    Denial as Deny,
};

/// One expected claim: kind, the speaker's country ("" for none, "*" for
/// any), the canonical target ("" for none), and a word of the speaker or
/// speaker organisation ("" for no check), as the scorer matches them.
type Want = (ClaimKind, &'static str, &'static str, &'static str);

fn read(text: &str) -> Vec<ExtractedClaim> {
    read_document("t.txt", text.as_bytes(), None).claims
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Whether a claim is the one wanted.
fn fits(c: &ExtractedClaim, w: &Want) -> bool {
    let c = &c.claim;
    let who = format!(
        "{} {}",
        c.speaker.as_deref().unwrap_or(""),
        c.speaker_org.as_deref().unwrap_or("")
    )
    .to_lowercase();
    c.kind == Some(w.0)
        && (w.1 == "*" || c.speaker_country.as_deref() == opt(w.1))
        && c.target_canonical.as_deref() == opt(w.2)
        && (w.3.is_empty() || who.contains(&w.3.to_lowercase()))
}

/// [`check`] for rows whose texts were built (`format!`) rather than written.
fn check_owned(cases: &[(&str, String, Vec<Want>)]) {
    let rows: Vec<(&str, &str, Vec<Want>)> = cases
        .iter()
        .map(|(n, t, w)| (*n, t.as_str(), w.clone()))
        .collect();
    check(&rows);
}

/// Reads every row and lists the rows whose claims are not exactly the
/// wanted ones (in any order).
fn check(cases: &[(&str, &str, Vec<Want>)]) {
    let mut failed = Vec::new();
    for (name, text, want) in cases {
        let cs = read(text);
        let mut left: Vec<&ExtractedClaim> = cs.iter().collect();
        let mut missing = Vec::new();
        for w in want {
            match left.iter().position(|c| fits(c, w)) {
                Some(k) => {
                    left.remove(k);
                }
                None => missing.push(w),
            }
        }
        if !missing.is_empty() || !left.is_empty() {
            let extra: Vec<String> = left
                .iter()
                .map(|c| {
                    format!(
                        "({:?}, {:?}, {:?}, {:?}/{:?})",
                        c.claim.kind,
                        c.claim.speaker_country,
                        c.claim.target_canonical,
                        c.claim.speaker,
                        c.claim.speaker_org
                    )
                })
                .collect();
            failed.push(format!(
                "{name}:\n  missing {missing:?}\n  extra   {}",
                extra.join("\n          ")
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} rows fail:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[test]
fn denials() {
    check(&[
        (
            "embassy_dismissed_as_unfounded",
            "The US Treasury on Friday sanctioned two officers of Russia's GRU over a hacking campaign against American water utilities. The Russian Embassy in Washington dismissed the allegations as unfounded.",
            vec![
                (Acc, "United States", "Russia", "Treasury"),
                (Deny, "Russia", "Russia", "embassy"),
            ],
        ),
        (
            "kremlin_spokesman_nothing_to_do_with",
            "Ukraine's security service said Russian military hackers had knocked out the mobile operator's network.\n\nKremlin spokesman Pavel Orlov told reporters that Russia had nothing to do with the outage.",
            vec![
                (Acc, "Ukraine", "Russia", ""),
                (Deny, "Russia", "Russia", "Orlov"),
            ],
        ),
        (
            "briefing_opposes_hacking_and_rejects_as_groundless",
            "Canada's signals intelligence agency said on Tuesday that Chinese state-sponsored hackers had broken into a federal network.\n\nAt a regular news briefing in Beijing, foreign ministry spokesperson Guo Lei said China firmly opposes all forms of hacking and rejected the accusation as groundless.",
            vec![
                (Acc, "Canada", "China", ""),
                (Deny, "China", "China", "Guo Lei"),
            ],
        ),
        (
            "capital_has_repeatedly_denied_involvement",
            "Britain said Chinese state-backed hackers had accessed the electoral register. Beijing has repeatedly denied any involvement in hacking.",
            vec![
                (Acc, "United Kingdom", "China", ""),
                (Deny, "China", "China", ""),
            ],
        ),
        (
            "categorically_rejected_calling_it_baseless",
            "Montenegro accused Iran of a cyberattack on government websites. Iran's foreign ministry spokesman Hamid Sadeghi categorically rejected the accusation, calling it baseless.",
            vec![
                (Acc, "Montenegro", "Iran", ""),
                (Deny, "Iran", "Iran", "Sadeghi"),
            ],
        ),
        (
            "state_has_denied_involvement",
            "The FBI said North Korean hackers stole $100 million from a cryptocurrency bridge. North Korea has denied involvement in cyber theft.",
            vec![
                (Acc, "United States", "North Korea", "FBI"),
                (Deny, "North Korea", "North Korea", ""),
            ],
        ),
        (
            "embassy_statement_fabricated_slander",
            "Dutch military intelligence said a Chinese hacking group had broken into a defence network.\n\nIn a statement, the Chinese embassy in The Hague said the accusations were \"completely fabricated and malicious slander\".",
            vec![
                (Acc, "Netherlands", "China", ""),
                (Deny, "China", "China", "embassy"),
            ],
        ),
        (
            "ministry_described_the_claims_as",
            "Germany said the GRU was behind a hacking campaign against the Social Democrats. The Russian foreign ministry described the claims as unsubstantiated and Russophobic.",
            vec![
                (Acc, "Germany", "Russia", ""),
                (Deny, "Russia", "Russia", "foreign"),
            ],
        ),
        (
            "spokeswoman_named_before_writes_on_telegram",
            "Estonia accused Russia's military intelligence of hacking its ministries.\n\nRussian foreign ministry spokeswoman Irina Volkova responded on Wednesday. \"This is yet another groundless accusation,\" Volkova wrote on Telegram.",
            vec![
                (Acc, "Estonia", "Russia", ""),
                (Deny, "Russia", "Russia", "Volkova"),
            ],
        ),
        (
            "capital_denied_the_charge",
            "Washington accused Tehran of hacking a dam in New York state. Tehran denied the charge.",
            vec![
                (Acc, "United States", "Iran", ""),
                (Deny, "Iran", "Iran", ""),
            ],
        ),
        (
            "standing_denial_in_the_background",
            "Moscow has consistently denied accusations that it uses hackers to meddle in elections abroad.",
            vec![(Deny, "Russia", "Russia", "")],
        ),
        (
            "inverted_quote_with_appositive_after_an_accusation_clause",
            "\"The so-called evidence is pure invention,\" said Anton Belov, a spokesman for the Russian embassy in London, after Britain blamed Russia for the attack on the defence ministry.",
            vec![
                (Acc, "United Kingdom", "Russia", ""),
                (Deny, "Russia", "Russia", "Belov"),
            ],
        ),
        (
            "embassy_opposes_and_is_a_victim",
            "Australia said China's Ministry of State Security was behind the intrusion. A spokesperson for the Chinese embassy in Canberra said China firmly opposes and cracks down on hacking and is itself a major victim of cyberattacks.",
            vec![
                (Acc, "Australia", "China", ""),
                (Deny, "China", "China", "embassy"),
            ],
        ),
        (
            "press_conference_q_and_label",
            "Foreign Ministry Spokesperson Tan Wei's Regular Press Conference on March 4\n\nBloomberg: The British government said today that hackers linked to China's Ministry of State Security targeted members of parliament. What's your comment?\n\nTan Wei: China has always opposed all forms of cyberattacks. We urge the UK to stop making groundless accusations against China.",
            vec![
                (Acc, "United Kingdom", "China", ""),
                (Deny, "China", "China", "Tan Wei"),
            ],
        ),
        (
            "mission_says_state_does_not_engage",
            "Israel said Iranian state hackers attacked its water systems. Iran's UN mission said Tehran does not engage in cyberattacks against any country.",
            vec![
                (Acc, "Israel", "Iran", ""),
                (Deny, "Iran", "Iran", "mission"),
            ],
        ),
        (
            "not_involved_in_any_way",
            "Lithuania blamed Russian hackers for the attack on its gas operator.\n\n\"Russia is not involved in any way,\" Kremlin spokesman Pavel Orlov said.",
            vec![
                (Acc, "Lithuania", "Russia", ""),
                (Deny, "Russia", "Russia", "Orlov"),
            ],
        ),
        (
            "russian_mfa_briefing_question_and_answer",
            "Briefing by Foreign Ministry Spokeswoman Irina Volkova, Moscow, May 5\n\nQuestion: The Czech government has accused Russian military intelligence of attacking its railways. How would you comment?\n\nIrina Volkova: We have repeatedly said that these are baseless fabrications. Russia does not conduct cyberattacks against other states.",
            vec![
                (Acc, "Czech Republic", "Russia", ""),
                (Deny, "Russia", "Russia", "Volkova"),
            ],
        ),
        (
            "says_it_does_not_carry_out",
            "The US accused Russia of the hack on the pipeline. Russia says it does not carry out cyberattacks.",
            vec![
                (Acc, "United States", "Russia", ""),
                (Deny, "Russia", "Russia", ""),
            ],
        ),
        (
            "had_not_been_involved",
            "The US accused Iran of the hack on the dam. Iran's mission to the UN said Iran had not been involved.",
            vec![
                (Acc, "United States", "Iran", ""),
                (Deny, "Iran", "Iran", "mission"),
            ],
        ),
        (
            "not_aware_but_always_opposed",
            "The US accused China of the hack on the utility. China's embassy in Washington said it was not aware of the incident and that China had always opposed cyberattacks.",
            vec![
                (Acc, "United States", "China", ""),
                (Deny, "China", "China", "embassy"),
            ],
        ),
        (
            "relative_which_denies",
            "The US accused Iran of the hack on the dam. Iran, which has repeatedly denied involvement in cyberattacks, did not respond.",
            vec![
                (Acc, "United States", "Iran", ""),
                (Deny, "Iran", "Iran", ""),
            ],
        ),
        (
            "state_news_agency_says_fabrication",
            "The US accused North Korea of the theft from the exchange. KCNA said the allegation was a \"fabrication\" aimed at tarnishing the country's image.",
            vec![
                (Acc, "United States", "North Korea", ""),
                (Deny, "North Korea", "North Korea", "KCNA"),
            ],
        ),
        (
            "officials_reject_and_say",
            "The US accused China of hacking the utility. Chinese officials routinely reject such accusations and say the US is the biggest perpetrator of cyberattacks.",
            vec![
                (Acc, "United States", "China", ""),
                (Deny, "China", "China", "Chinese officials"),
                (Counter, "China", "United States", "Chinese officials"),
            ],
        ),
        (
            "denial_restated_after_another_partys_claim",
            "The Czech government accused Russia of hacking the ministry's email. The Russian embassy rejected the accusations in a statement. Czech intelligence services have linked the attacks to APT28, a group controlled by the GRU. \"We categorically reject these accusations,\" the embassy said.",
            vec![
                (Acc, "Czech Republic", "Russia", ""),
                (Deny, "Russia", "Russia", "embassy"),
                (Acc, "Czech Republic", "APT28", "intelligence"),
            ],
        ),
    ]);
}

#[test]
fn counter_accusations() {
    check(&[
        (
            "it_is_the_us_that",
            "The US Justice Department charged seven men it said hacked on behalf of China's Ministry of State Security.\n\nChinese foreign ministry spokesman Guo Lei said the charges were groundless. \"It is the United States that has long carried out large-scale cyberattacks against Chinese universities and research institutes,\" Guo said.",
            vec![
                (Acc, "United States", "China", "Justice"),
                (Deny, "China", "China", "Guo"),
                (Counter, "China", "United States", "Guo"),
            ],
        ),
        (
            "washington_itself_carries_out",
            "Poland blamed Russian hackers for the attack on its news agency.\n\nRussian foreign ministry spokeswoman Irina Volkova said the claims were absurd and that Washington itself carries out large-scale cyberattacks on Russian infrastructure.",
            vec![
                (Acc, "Poland", "Russia", ""),
                (Deny, "Russia", "Russia", "Volkova"),
                (Counter, "Russia", "United States", "Volkova"),
            ],
        ),
        (
            "denies_and_accuses_the_accuser",
            "Israel's cyber directorate said Iranian hackers were behind the attack on a hospital. Iran's foreign ministry spokesman said the allegations were baseless and accused Israel of carrying out cyberattacks against Iran's fuel stations.",
            vec![
                (Acc, "Israel", "Iran", ""),
                (Deny, "Iran", "Iran", ""),
                (Counter, "Iran", "Israel", ""),
            ],
        ),
        (
            "state_agency_calls_it_fabrication_and_names_the_us",
            "The United States blamed North Korea for the theft from the bank. North Korea's official KCNA news agency called the claim a fabrication and said the United States was the main perpetrator of cyberattacks in the world.",
            vec![
                (Acc, "United States", "North Korea", ""),
                (Deny, "North Korea", "North Korea", "KCNA"),
                (Counter, "North Korea", "United States", "KCNA"),
            ],
        ),
        (
            "embassy_says_accuser_hacked_it",
            "The State Department accused Russia's Foreign Intelligence Service of breaching government agencies through a software update. The Russian embassy said in a statement that the United States had repeatedly attacked Russian networks.",
            vec![
                (Acc, "United States", "Russia", ""),
                (Counter, "Russia", "United States", "embassy"),
            ],
        ),
        (
            "pointed_to_the_accusers_attacks",
            "The US accused China of hacking the utility. In response, China's foreign ministry pointed to US cyberattacks on Chinese companies.",
            vec![
                (Acc, "United States", "China", ""),
                (Counter, "China", "United States", "foreign ministry"),
            ],
        ),
        (
            "dismissed_and_pointed_to_a_worm",
            "The US accused Iran of the hack. Iran's foreign ministry spokesman said the allegations were baseless and pointed to the Stuxnet virus, which was developed by the US and Israel to sabotage Iran's nuclear programme.",
            vec![
                (Acc, "United States", "Iran", ""),
                (Deny, "Iran", "Iran", ""),
                (Counter, "Iran", "United States", ""),
                (Counter, "Iran", "Israel", ""),
            ],
        ),
        (
            "unnamed_spokesperson_naming_the_accuser_as_actor",
            "The US accused China of the hack. \"The US has long been conducting indiscriminate cyber surveillance around the world,\" the spokesperson said.",
            vec![
                (Acc, "United States", "China", ""),
                (Counter, "China", "United States", "spokesperson"),
            ],
        ),
        (
            "spy_mania_is_rhetoric",
            "The Netherlands accused Russia of the attack on the chemical weapons watchdog. Moscow denied it and accused the Netherlands of \"spy mania\".",
            vec![
                (Acc, "Netherlands", "Russia", ""),
                (Deny, "Russia", "Russia", ""),
            ],
        ),
        (
            "the_accused_united_states_denies",
            "China accused the NSA of hacking a university in Xi'an. The US embassy in Beijing rejected the accusation.",
            vec![
                (Acc, "China", "United States", ""),
                (Deny, "United States", "United States", "embassy"),
            ],
        ),
        (
            "smear_talk_alone_is_no_reply",
            "The EU condemned Chinese hacking of its diplomats' email. China's mission to the EU said the bloc should stop smearing China and spreading disinformation.",
            vec![(Acc, "European Union", "China", "")],
        ),
        (
            "transcript_answer_points_at_the_accuser",
            "Foreign Ministry Spokesperson Tan Wei's Regular Press Conference\n\nAFP: The US and Japan said Chinese state hackers broke into Japan's space agency. What is your response?\n\nTan Wei: The accusation is groundless. The US has for years conducted cyber espionage against Chinese government departments and companies.",
            vec![
                (Acc, "United States", "China", ""),
                (Acc, "Japan", "China", ""),
                (Deny, "China", "China", "Tan Wei"),
                (Counter, "China", "United States", "Tan Wei"),
            ],
        ),
        (
            "transcript_answer_with_a_witness_aside",
            "Briefing by Foreign Ministry Spokeswoman Irina Volkova, Moscow, October 5\n\nQuestion: The British National Cyber Security Centre has accused the GRU of a series of cyberattacks. What can you say about this?\n\nIrina Volkova: London has not provided a single fact. It was the American special services that were caught spying on their own allies, as a former contractor revealed.",
            vec![
                (Acc, "United Kingdom", "Russia", "National Cyber Security Centre"),
                (Deny, "Russia", "Russia", "Volkova"),
                (Counter, "Russia", "United States", "Volkova"),
            ],
        ),
        (
            "spokesman_of_a_state_that_denied_before_any_accusation_was_read",
            "BEIJING - China on Monday rejected a Dutch report about state hackers, saying the Netherlands should stop hyping up the so-called China threat.\n\n\"The US is the biggest hacker in the world,\" foreign ministry spokesman Guo Lei told a regular briefing, adding that Washington had launched cyberattacks on Chinese universities.",
            vec![
                (Deny, "China", "China", ""),
                (Counter, "China", "United States", "Guo Lei"),
            ],
        ),
    ]);
}

/// Companies making a formal attribution accuse; attributions with no
/// official voice (the document's own, unnamed sources, commentators, the
/// press) and affiliations alone are attribution statements.
#[test]
fn vendors_and_attribution_statements() {
    check(&[
        (
            "vendor_we_assess_with_moderate_confidence",
            "Mandiant published a report on the campaign on Thursday.\n\n\"We assess with moderate confidence that APT29 is responsible for this intrusion campaign,\" the company said.",
            vec![(Acc, "United States", "APT29", "Mandiant")],
        ),
        (
            "unnamed_people_briefed",
            "Two people briefed on the investigation said Chinese state hackers were responsible.",
            vec![(Attr, "", "China", "briefed")],
        ),
        (
            "vendor_attributes_to",
            "CrowdStrike attributes the intrusions to Fancy Bear, a group tied to the GRU.",
            vec![(Acc, "United States", "APT28", "CrowdStrike")],
        ),
        (
            "researchers_at_a_vendor_linked_the_campaign",
            "Researchers at ESET linked the campaign against Ukrainian energy firms to Sandworm.",
            vec![(Acc, "Slovakia", "Sandworm", "ESET")],
        ),
        (
            "vendor_researchers_with_high_confidence",
            "Secureworks researchers said with high confidence that the intrusions were conducted on behalf of the Iranian government.",
            vec![(Acc, "United States", "Iran", "Secureworks")],
        ),
        (
            "vendor_team_said_state_backed_hackers_targeted",
            "Google's Threat Analysis Group said North Korean government-backed hackers had targeted security researchers.",
            vec![(Acc, "United States", "North Korea", "Google")],
        ),
        (
            "vendor_analyst_with_appositive_post",
            "Ana Lind, chief analyst at Mandiant, said the hackers were almost certainly working for the GRU.",
            vec![(Acc, "United States", "Russia", "Lind")],
        ),
        (
            "vendor_researcher_with_appositive_post",
            "Tomas Berg, a principal threat researcher at SentinelOne, said the hackers were linked to North Korea.",
            vec![(Acc, "United States", "North Korea", "Berg")],
        ),
        (
            "documents_voice_widely_attributed",
            "The malware shares code with earlier attacks widely attributed to the Lazarus Group.",
            vec![(Attr, "", "Lazarus", "")],
        ),
        (
            "documents_voice_names_the_group_again",
            "APT28, a group run by Russia's GRU, hacked the party's email server in 2016. APT28 also used phishing to break into the ministry's network.",
            vec![(Attr, "", "APT28", "")],
        ),
        (
            "unnamed_researchers_linked",
            "Security researchers have linked the campaign to APT41.",
            vec![(Attr, "", "APT41", "")],
        ),
        (
            "think_tank_fellow",
            "James Whitfield, a senior fellow at the Atlantic Council, said the operation was almost certainly the work of Russian military intelligence.",
            vec![(Attr, "*", "Russia", "Whitfield")],
        ),
        (
            "former_director",
            "A former NSA director said on Sunday that the intrusion was almost certainly the work of Chinese intelligence.",
            vec![(Attr, "*", "China", "")],
        ),
        (
            "people_familiar_with_the_investigation",
            "Two people familiar with the investigation said the breach was carried out by Russia's Foreign Intelligence Service.",
            vec![(Attr, "", "Russia", "")],
        ),
        (
            "intelligence_sources",
            "Intelligence sources said Russian hackers were behind the leak of the trade documents.",
            vec![(Attr, "", "Russia", "")],
        ),
        (
            "affiliation_only",
            "APT29, also known as Cozy Bear, is widely believed to be part of Russia's Foreign Intelligence Service.",
            vec![(Attr, "", "APT29", "")],
        ),
        (
            "state_media_claim_without_an_accusation_before",
            "China's state broadcaster CCTV reported that the attack on the university came from the United States.",
            vec![(Attr, "China", "United States", "CCTV")],
        ),
        (
            "newspaper_investigation",
            "The New York Times reported that hackers working for Iran's Revolutionary Guard had breached the campaign's email.",
            vec![(Attr, "United States", "Iran", "New York Times")],
        ),
    ]);
}

/// Writing about claims without making one, hypotheticals, non-answers and
/// a vendor describing a tool give no claim.
#[test]
fn no_claims() {
    check(&[
        (
            "declined_to_comment",
            "The Chinese embassy in Washington declined to comment on the report.",
            vec![],
        ),
        (
            "no_reply_is_no_denial",
            "The FBI said Chinese hackers had breached the utility. The Chinese embassy in Washington did not immediately respond to a request for comment.",
            vec![(Acc, "United States", "China", "FBI")],
        ),
        (
            "hypothetical",
            "If Russian hackers were found to be behind the attack, the alliance could invoke its mutual defence clause, the secretary general said.",
            vec![],
        ),
        (
            "report_names_nobody",
            "The report did not say who was behind the attack on the pipeline.",
            vec![],
        ),
        (
            "unclear_who",
            "It was not clear who was responsible for the breach of the health ministry.",
            vec![],
        ),
        (
            "asked_whether",
            "Asked whether Iran was behind the attack, the minister said investigators were still gathering evidence.",
            vec![],
        ),
        (
            "too_early_to_say",
            "Experts said it was too early to say whether China was involved in the intrusion.",
            vec![],
        ),
        (
            "vendor_describes_a_tool",
            "Kaspersky said the malware uses a new technique to hide its traffic inside DNS requests.",
            vec![],
        ),
        (
            "vendor_cannot_say_who",
            "Check Point said it could not yet say who was behind the campaign.",
            vec![],
        ),
        (
            "company_denies_data_loss",
            "The company denied that customer data had been stolen in the attack.",
            vec![],
        ),
        (
            "open_question",
            "Would the government respond if Chinese hackers were found to be behind the attack?",
            vec![],
        ),
        (
            "warning_of_what_may_come",
            "Experts warned that Chinese hackers could target the election.",
            vec![],
        ),
        (
            "bracing_for_attacks",
            "Ukraine said it was bracing for Russian cyberattacks.",
            vec![],
        ),
        (
            "both_states_were_targets",
            "China and Russia have both been targets of cyberattacks, officials in Beijing said.",
            vec![],
        ),
        (
            "investigating_whether",
            "The ministry said it was investigating whether Russian hackers were behind the attack.",
            vec![],
        ),
        (
            "no_evidence_of_involvement",
            "The company said it had no evidence that Russia was involved.",
            vec![],
        ),
        (
            "hacktivists_claim_responsibility",
            "A pro-Russian hacktivist group claimed responsibility for the attacks on bank websites.",
            vec![],
        ),
        (
            "retrospective_without_attribution",
            "Ten years ago, the hack of a Hollywood studio made headlines around the world.",
            vec![],
        ),
    ]);
}

/// One denial after one accusation, in the ways news sums up a reply: the
/// capital or the state, its ministry, embassy, mission, officials or
/// state media; and a government that "has not commented but has
/// previously denied" (the subject of two verbs is the government alone).
#[test]
fn one_line_denials() {
    let rows = [
        ("capital_repeatedly_denied", "Russia", "Moscow has repeatedly denied any involvement in cyberattacks.", ""),
        ("kremlin_dismissed_unfounded", "Russia", "The Kremlin dismissed the accusations as \"unfounded\".", "Kremlin"),
        ("capital_rejected_smears", "China", "Beijing rejected the claims as \"groundless smears\".", ""),
        ("capital_denied_allegations", "Iran", "Tehran has denied the allegations.", ""),
        ("embassy_completely_fabricated", "China", "The Chinese embassy in London called the accusations \"completely fabricated\".", "embassy"),
        ("ministry_said_absurd", "Russia", "Russia's foreign ministry said the claims were \"absurd\".", "foreign"),
        ("capital_denied_any_role", "North Korea", "Pyongyang denied any role in the attack.", ""),
        ("embassy_nothing_to_do_with", "Russia", "A spokesperson for the Russian embassy in Washington said Russia had nothing to do with the hack.", "embassy"),
        ("officials_denied_charges", "Russia", "Russian officials have denied the charges.", "officials"),
        ("mission_to_un_baseless", "Iran", "The Iranian mission to the United Nations rejected the report as \"baseless\".", "mission"),
        ("state_media_fabrication", "North Korea", "North Korea's state media called the allegations a \"fabrication\".", ""),
        ("no_comment_but_denied_before", "Russia", "The Russian government has not commented on the allegations but has previously denied carrying out cyberattacks.", "Russian government"),
        ("declined_comment_and_denied", "China", "The Chinese government declined to comment and has previously denied carrying out cyberattacks.", "Chinese government"),
        ("denied_saying_itself_a_victim", "China", "China has denied the accusation, saying it is the victim of cyberattacks itself.", ""),
        ("ministry_another_baseless_attack", "Russia", "Russia's Ministry of Foreign Affairs dismissed the statement as \"another baseless anti-Russian attack\".", "foreign"),
    ];
    let cases: Vec<(&str, String, Vec<Want>)> = rows
        .iter()
        .map(|&(name, state, denial, who)| {
            (
                name,
                format!("The Polish government said hackers working for {state} had attacked its network. {denial}"),
                vec![(Acc, "Poland", state, "Polish"), (Deny, state, state, who)],
            )
        })
        .collect();
    check_owned(&cases);
}

/// Accusations as one sentence of news, in the ways wires and official
/// statements word them: agencies, ministries, capitals, heads of
/// government, companies, joint advisories and lists of states; verbs that
/// accuse only with what follows them ("named ... as responsible", "held
/// ... responsible", "linked ... to"); a state the knowledge base must know
/// to hear it speak (Albania).
#[test]
fn one_line_accusations() {
    let us = "United States";
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("agency_almost_certainly", "Britain's National Cyber Security Centre said the GRU was almost certainly behind the attacks.", vec![(Acc, "United Kingdom", "Russia", "National Cyber Security Centre")]),
        ("charged_hackers_working_for", "The US Justice Department charged seven Iranian hackers working for the Islamic Revolutionary Guard Corps with attacking American banks.", vec![(Acc, us, "Iran", "Justice")]),
        ("head_of_government_confirmed", "Prime Minister Anthony Albanese confirmed that a state actor, China, was responsible for the breach.", vec![(Acc, "Australia", "China", "Albanese")]),
        ("pinned_on", "The Czech government pinned the attack on Russian military intelligence.", vec![(Acc, "Czech Republic", "Russia", "Czech")]),
        ("summoned_over_blamed_on", "Germany summoned the Russian ambassador over a cyberattack on the Social Democratic Party that Berlin blamed on APT28.", vec![(Acc, "Germany", "APT28", "German")]),
        ("company_group_it_calls", "Microsoft said a Chinese state-sponsored group it calls Storm-0558 had accessed email accounts of government agencies.", vec![(Acc, us, "Storm-0558", "Microsoft")]),
        ("minister_services_behind", "Poland's digital affairs minister said Russian services were behind the cyberattack on the state news agency.", vec![(Acc, "Poland", "Russia", "Polish")]),
        ("service_with_acronym", "The Netherlands' military intelligence service MIVD said Chinese state hackers had broken into a defence network.", vec![(Acc, "Netherlands", "China", "MIVD")]),
        ("three_states_jointly", "Australia, the United Kingdom and New Zealand jointly attributed the campaign to APT40, a group sponsored by China's Ministry of State Security.", vec![(Acc, "Australia", "APT40", ""), (Acc, "United Kingdom", "APT40", ""), (Acc, "New Zealand", "APT40", "")]),
        ("bloc_which_it_attributed", "The European Union condemned the cyberattacks on Germany, which it attributed to APT28.", vec![(Acc, "European Union", "APT28", "European Union")]),
        ("capital_blamed", "Washington blamed North Korea for the WannaCry attack.", vec![(Acc, us, "North Korea", "")]),
        ("assessed_almost_certainly", "Canada's Communications Security Establishment assessed that Russia's GRU was almost certainly responsible for the attack.", vec![(Acc, "Canada", "Russia", "Communications Security")]),
        ("company_team", "Google's Threat Analysis Group said North Korean government-backed hackers had targeted security researchers.", vec![(Acc, us, "North Korea", "Google")]),
        ("bureau_group_responsible", "The FBI said the Lazarus Group was responsible for the theft of $600 million from the Ronin network.", vec![(Acc, us, "Lazarus", "FBI")]),
        ("ministry_unit_carried_out", "Estonia's foreign ministry said Russian military intelligence unit 29155 carried out the cyberattack in 2020.", vec![(Acc, "Estonia", "Ember Bear", "Estonian")]),
        ("officials_accused", "Ukrainian officials accused Russia of the cyberattack that knocked out the Kyivstar network.", vec![(Acc, "Ukraine", "Russia", "Ukrainian")]),
        ("cut_ties_it_blamed_on", "Albania cut diplomatic ties with Iran over a July cyberattack that it blamed on Tehran.", vec![(Acc, "Albania", "Iran", "Albanian")]),
        ("spy_agency_stolen", "South Korea's spy agency said North Korean hackers had stolen data from a shipbuilder.", vec![(Acc, "South Korea", "North Korea", "")]),
        ("held_responsible", "The Dutch government said it held Russia responsible for the hack attempt.", vec![(Acc, "Netherlands", "Russia", "Dutch")]),
        ("agency_linked_to_group", "France's cyber agency ANSSI linked the campaign to the Sandworm group.", vec![(Acc, "France", "Sandworm", "ANSSI")]),
        ("group_called_linked_to", "Japan's National Police Agency said a group called MirrorFace, linked to China, had attacked Japanese organisations.", vec![(Acc, "Japan", "MirrorFace", "Police")]),
        ("joint_advisory_three_agencies", "In a joint advisory, CISA, the FBI and the NSA said Volt Typhoon, a Chinese state-sponsored actor, had compromised critical infrastructure.", vec![(Acc, us, "Volt Typhoon", "CISA"), (Acc, us, "Volt Typhoon", "FBI"), (Acc, us, "Volt Typhoon", "NSA")]),
        ("foreign_minister_named", "Norway's foreign minister Ine Eriksen Soreide said Russia was behind the cyberattack on the Storting.", vec![(Acc, "Norway", "Russia", "Soreide")]),
        ("department_accused_of_hacking", "The State Department accused Russia of hacking the Georgian government's websites.", vec![(Acc, us, "Russia", "State Department")]),
        ("government_attacked_ministries", "Taiwan's government said Chinese hackers attacked its ministries millions of times a day.", vec![(Acc, "Taiwan", "China", "Taiwan")]),
        ("based_hackers_blamed", "India's government has blamed Pakistan-based hackers for the attack on the power grid.", vec![(Acc, "India", "Pakistan", "Indian")]),
        ("named_as_responsible", "The UK government on Monday named China as responsible for the hack of the Electoral Commission.", vec![(Acc, "United Kingdom", "China", "UK")]),
        ("named_as_being_behind", "Britain named Russia's GRU as being behind the attack on the chemical weapons watchdog.", vec![(Acc, "United Kingdom", "Russia", "")]),
        ("named_as_the_actor_behind", "The US Justice Department named Russia as the actor behind the cyberattack on the parliament.", vec![(Acc, "United States", "Russia", "Justice")]),
        ("condemned_by_hackers_working_for", "The German government condemned the cyberattack on the parliament by hackers working for the Iranian government.", vec![(Acc, "Germany", "Iran", "German")]),
        ("states_intelligence_agency_behind", "A top Ukrainian official says a Belarusian intelligence agency is likely behind the hacking of several government websites.", vec![(Acc, "Ukraine", "Belarus", "Ukrainian")]),
        ("company_high_confidence", "Mandiant attributed the intrusion to APT41 with high confidence.", vec![(Acc, us, "APT41", "Mandiant")]),
        ("two_states_officials", "British and American officials said the attack was carried out by Russia's military intelligence agency.", vec![(Acc, "United Kingdom", "Russia", ""), (Acc, us, "Russia", "American")]),
        ("passive_attributed_by", "The attack was attributed by the Lithuanian government to Russian-linked hackers.", vec![(Acc, "Lithuania", "Russia", "Lithuanian")]),
        ("service_suspected", "Sweden's security service Sapo said it suspected Russian state actors were behind the attack.", vec![(Acc, "Sweden", "Russia", "")]),
        ("researchers_attributed", "ESET researchers attributed the malware to Sandworm.", vec![(Acc, "Slovakia", "Sandworm", "ESET")]),
        ("established_links", "New Zealand's GCSB said it had established links between a Chinese state-sponsored actor and the compromise of parliamentary networks.", vec![(Acc, "New Zealand", "China", "GCSB")]),
        ("service_accused_hackers", "The Danish defence intelligence service accused Russian hackers of attacking Danish energy companies.", vec![(Acc, "Denmark", "Russia", "Danish")]),
        ("date_between_subject_and_verb", "Japan's National Police Agency on Jan. 8 announced that a Chinese hacker group known as MirrorFace had conducted cyberattacks on Japanese ministries.", vec![(Acc, "Japan", "MirrorFace", "Police")]),
        ("day_month_between_subject_and_verb", "The Dutch government on 6 February said Chinese state hackers had broken into a defence network.", vec![(Acc, "Netherlands", "China", "Dutch")]),
        ("hyphenated_name_in_appositive", "The White House press secretary, Karine Jean-Pierre, said Russia was responsible for the attack.", vec![(Acc, us, "Russia", "Jean-Pierre")]),
        ("body_with_descriptive_appositive", "The Australian Signals Directorate, the country's cyber intelligence agency, said Chinese state hackers had targeted government networks.", vec![(Acc, "Australia", "China", "Signals")]),
        ("behind_this_in_a_quote", "\"We know the GRU was behind this,\" said a senior British official.", vec![(Acc, "United Kingdom", "Russia", "official")]),
        ("relative_clause_then_also_said", "The US Justice Department, which announced the charges against the GRU agents yesterday, also said Russian intelligence was behind the NotPetya malware attack.", vec![(Acc, us, "Russia", "Justice")]),
        ("is_sanctioning_a_long_list_for", "The United States is sanctioning ten individuals and two entities, all affiliated with Iran's Islamic Revolutionary Guard Corps, for their roles in conducting ransomware attacks.", vec![(Acc, us, "Iran", "US")]),
        ("bracketed_date_before_the_verb", "The UK and allies have today (December 7th) exposed a series of attempts by the Russian Intelligence Services to target high-profile individuals through cyber operations.", vec![(Acc, "United Kingdom", "Russia", "UK")]),
        ("post_given_by_the_states_possessive", "Iran's top nuclear negotiator Saeed Jalili blamed the United States for a cyberattack on Iran's nuclear facilities.", vec![(Acc, "Iran", us, "Jalili")]),
        ("possessive_charge_that", "China on Tuesday dismissed as 'groundless' India's charge that Chinese hackers had attempted to break into sensitive Indian government computers.", vec![(Acc, "India", "China", "Indian"), (Deny, "China", "China", "")]),
        ("announced_sanctions_for", "The United States announced sanctions on seven Chinese nationals for a series of cyber-related crimes.", vec![(Acc, us, "China", "US")]),
        ("a_group_named_is_no_verb", "Microsoft said a Chinese group named Storm-0558 had hacked email accounts.", vec![(Acc, us, "Storm-0558", "Microsoft")]),
    ];
    check(&rows);
}

/// Counter-accusations as one sentence after the accusation they answer:
/// the origin placed by "from" after the operation ("attacked from US
/// territory"), the reply's verbs ("countered that"), the accused naming
/// the accuser's agencies, and two parties in one reply.
#[test]
fn one_line_counter_accusations() {
    let us = "United States";
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    );
    let rows: Vec<Row> = vec![
        ("attacked_from_territory", "Russia", "Peskov said Russian websites were constantly attacked from US territory.", vec![(us, "Peskov")]),
        ("faced_attacks_from", "Russia", "Kremlin spokesman Dmitry Peskov said Russia itself faced constant cyberattacks from the United States.", vec![(us, "Peskov")]),
        ("biggest_source", "China", "Foreign ministry spokesman Wang Wenbin said the United States was the world's biggest source of cyberattacks.", vec![(us, "Wang Wenbin")]),
        ("hacker_empire", "China", "China's foreign ministry said the US was \"the biggest hacker empire in the world\".", vec![(us, "foreign")]),
        ("countered_that", "China", "Chinese officials countered that the US National Security Agency had hacked Chinese universities.", vec![(us, "Chinese")]),
        ("pointing_to", "China", "Beijing accused Washington of hypocrisy, pointing to US cyberattacks on Chinese companies.", vec![(us, "")]),
        ("two_parties_behind", "Iran", "Iran's foreign ministry said the United States and Israel were behind cyberattacks on Iranian infrastructure.", vec![(us, "foreign"), ("Israel", "foreign")]),
        ("it_was_the_accuser", "Russia", "Zakharova said it was the United States that was carrying out cyberattacks against Russia.", vec![(us, "Zakharova")]),
        ("victim_of_attacks_which_came_from", "China", "The Chinese embassy said China was a major victim of cyberattacks, many of which came from the United States.", vec![(us, "embassy")]),
        ("agency_conducted", "China", "Mao Ning said the CIA had conducted cyberattacks against China for years.", vec![(us, "Mao Ning")]),
        ("itself_conducting", "Russia", "The Russian embassy said the US was itself conducting cyber operations against Russia.", vec![(us, "embassy")]),
        ("long_carried_out", "China", "The spokesperson said the US had long carried out large-scale, organised cyberattacks against China.", vec![(us, "spokesperson")]),
        ("itself_the_target_by", "Iran", "Tehran said it had itself been the target of cyberattacks by Israel.", vec![("Israel", "")]),
    ];
    let cases: Vec<(&str, String, Vec<Want>)> = rows
        .iter()
        .map(|(name, state, reply, counters)| {
            let mut want: Vec<Want> = vec![(Acc, us, state, "US")];
            want.extend(counters.iter().map(|&(t, who)| (Counter, *state, t, who)));
            (
                *name,
                format!("The US government accused {state} of hacking its networks. {reply}"),
                want,
            )
        })
        .collect();
    check_owned(&cases);
}

/// A foreign ministry's or an embassy's reply in the words it uses for any
/// hacking charge: the standing formulas ("opposes all forms of
/// cyberattacks"), calling the claims unprofessional, hype and smears,
/// politicising cybersecurity; the replier named by name, office or capital.
#[test]
fn foreign_ministry_replies() {
    let rows = [
        ("standing_formula", "Foreign ministry spokesperson Lin Jian said China has always firmly opposed and cracked down on all forms of cyberattacks in accordance with the law.", "Lin Jian"),
        ("not_based_on_facts", "Lin Jian said the US accusations were not based on facts.", "Lin Jian"),
        ("hype_and_smears", "Mao Ning told reporters that China firmly opposes the US's groundless hype and smears.", "Mao Ning"),
        ("not_aware_but_opposes", "Asked about the report, Mao Ning said she was not aware of the specifics, but stressed that China opposes all forms of hacking.", "Mao Ning"),
        ("pure_fabrication", "The Chinese embassy said the relevant report was pure fabrication.", "embassy"),
        ("stop_politicising", "Guo Jiakun said tracing the source of cyberattacks is a complex technical issue and urged the US to stop politicizing cybersecurity issues.", "Guo Jiakun"),
        ("unfounded_and_irresponsible", "China rejected the accusation as \"unfounded\" and \"irresponsible\".", ""),
        ("embassy_spokesman_unprofessional", "Liu Pengyu, a spokesman for the Chinese embassy in Washington, said the claims were \"unprofessional and irresponsible\".", "Liu Pengyu"),
        ("completely_groundless", "In response, China's foreign ministry said the allegations were \"completely groundless\".", "foreign"),
        ("opposes_and_rejects", "The Chinese side firmly opposes and rejects the groundless accusations, Wang said.", ""),
        ("denied_involvement", "China has denied involvement.", ""),
        ("denied_and_itself_a_victim", "Beijing has consistently denied the accusations and says it is itself a victim of hacking.", ""),
        ("called_slander", "The Chinese government has called the allegations slander.", "Chinese government"),
        ("officials_repeatedly_rejected", "Chinese officials have repeatedly rejected such claims.", "officials"),
    ];
    let cases: Vec<(&str, String, Vec<Want>)> = rows
        .iter()
        .map(|&(name, reply, who)| {
            (
                name,
                format!("The US government accused Chinese state hackers of breaching the Treasury Department. {reply}"),
                vec![(Acc, "United States", "China", "US"), (Deny, "China", "China", who)],
            )
        })
        .collect();
    check_owned(&cases);
}

/// A reply that names the speculation about its own state needs no
/// accusation before it to be a denial ("said such speculation about
/// Beijing was irresponsible", where the story names the accuser only as
/// "a state actor").
#[test]
fn speculation_about_the_own_state_is_denied() {
    check(&[(
        "speculation_about_capital",
        "Australia said a sophisticated state actor had hacked the parliament. Chinese foreign ministry spokesman Geng Shuang said such speculation about Beijing was \"irresponsible\" and an attempt to \"smear\" the country.",
        vec![(Deny, "China", "China", "Geng Shuang")],
    )]);
}

/// Attacks of another kind than cyber ("bomb attacks", "the killing of
/// scientists"), sanctions for something else and a gerund subject that
/// speaks of the accusation ("Linking the incident to North Korea is a
/// provocation") are no cyber accusations, in a story that is about one.
#[test]
fn accusations_of_physical_attacks_are_no_claims() {
    check(&[
        (
            "behind_bomb_attacks",
            "Iran accuses the intelligence services of Israel, the United States and Britain of being behind bomb attacks against two nuclear scientists.",
            vec![],
        ),
        (
            "gerund_subject_speaks_of_the_accusation",
            "Linking the recent hacking incident to North Korea is a \"deliberate provocation,\" the spokesperson said.",
            vec![],
        ),
        (
            "blamed_for_the_killing",
            "Tehran has also blamed its enemies for the killing of three top nuclear scientists last year.",
            vec![],
        ),
        (
            "sanctions_over_a_programme_beside_attacks",
            "\"There is a relation between the UN resolution (sanctioning Iran over its nuclear program) and these attacks,\" Jalili said.",
            vec![],
        ),
    ]);
}

/// A paper's issuer accuses through its participle ("the ministry issued a
/// statement accusing ..."), also when the issuer is named before and only
/// "the Department" here, after an opening phrase of time, or across a
/// participle clause; an irregular past ("cut ties") ends the subject.
#[test]
fn papers_issued_accusing() {
    let us = "United States";
    let doj = "Today, the Justice Department is announcing charges in a national security cyber investigation.\n\n";
    let rows: Vec<(&str, String, Vec<Want>)> = vec![
        ("ministry_statement_accusing", "The Dutch foreign ministry summoned the Russian ambassador on Monday.\n\nThe ministry issued a statement accusing Russia of the cyberattack on the parliament.".to_owned(), vec![(Acc, "Netherlands", "Russia", "Dutch")]),
        ("department_unsealed_indictment_charging", format!("{doj}The Department unsealed an indictment charging three North Korean military hackers with a campaign of cyber heists."), vec![(Acc, us, "North Korea", "Justice")]),
        ("today_department_unseals", format!("{doj}Today, the Department unseals an indictment charging three North Korean military hackers with a campaign of cyber heists."), vec![(Acc, us, "North Korea", "Justice")]),
        ("unseals_returned_by_grand_jury", format!("{doj}Today, the Department unseals an indictment, returned by a grand jury in the Central District of California, charging three North Korean military hackers with a campaign of cyber heists."), vec![(Acc, us, "North Korea", "Justice")]),
        ("centre_released_advisory_attributing", "Britain's National Cyber Security Centre reported the breach in May.\n\nThe centre released an advisory attributing the campaign to APT29.".to_owned(), vec![(Acc, "United Kingdom", "APT29", "National Cyber Security Centre")]),
        ("treasury_issued_notice_blaming", "The US Treasury issued a notice blaming North Korea for the theft.".to_owned(), vec![(Acc, us, "North Korea", "Treasury")]),
        ("joint_advisory_accusing", "The FBI and CISA issued a joint advisory accusing Iranian hackers of attacking water utilities.".to_owned(), vec![(Acc, us, "Iran", "FBI"), (Acc, us, "Iran", "CISA")]),
        ("advisory_on_tuesday_accusing", "The FBI and CISA released a joint advisory on Tuesday accusing Iranian hackers of attacking water utilities.".to_owned(), vec![(Acc, us, "Iran", "FBI"), (Acc, us, "Iran", "CISA")]),
        ("listed_issuers_statement_accusing", "The UK, the US and Canada issued a statement accusing Russia of the attack.".to_owned(), vec![(Acc, "United Kingdom", "Russia", "UK"), (Acc, us, "Russia", "US"), (Acc, "Canada", "Russia", "Canad")]),
        ("today_listed_issuers", "Today, the UK, the US and Canada issued a statement accusing Russia of the attack.".to_owned(), vec![(Acc, "United Kingdom", "Russia", "UK"), (Acc, us, "Russia", "US"), (Acc, "Canada", "Russia", "Canad")]),
        ("cut_ties_accusing", "Albania cut ties with Iran, accusing Tehran of the cyberattack on its government servers.".to_owned(), vec![(Acc, "Albania", "Iran", "Alban")]),
        ("on_tuesday_cut_ties_accusing", "On Tuesday, Albania cut ties with Iran, accusing Tehran of the cyberattack on its government servers.".to_owned(), vec![(Acc, "Albania", "Iran", "Alban")]),
    ];
    check_owned(&rows);
}

/// A state's press reports, it does not accuse ("US media reported that
/// ..." is the media's attribution statement, not the US government's); a
/// named spokesperson who "made the following comments:" keeps their name
/// for the comments; "none of these allegations is supported by facts" is a
/// denial.
#[test]
fn a_states_media_and_a_spokespersons_comments() {
    let us = "United States";
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("us_media_reported", "US media reported that Chinese hackers hit the US Chamber of Commerce.", vec![(Attr, us, "China", "US media")]),
        ("state_media_reported", "Russian state media reported that Ukrainian hackers attacked the railway.", vec![(Attr, "Russia", "Ukraine", "Russian state media")]),
        ("according_to_us_media", "According to US media, Chinese hackers hit the US Chamber of Commerce.", vec![(Attr, us, "China", "US media")]),
        ("newspapers_reported", "US newspapers reported that Chinese hackers hit the US Chamber of Commerce.", vec![(Attr, us, "China", "US newspapers")]),
        ("following_comments", "Chinese Embassy spokesperson Liu Wen made the following comments on the report:\n\nNone of these allegations is supported by facts and evidence.", vec![(Deny, "China", "China", "Liu Wen")]),
        ("said_not_supported", "US media reported that Chinese hackers hit the US Chamber of Commerce.\n\nA Chinese embassy spokesperson said the allegations were not supported by facts.", vec![(Attr, us, "China", "US media"), (Deny, "China", "China", "embassy")]),
    ];
    check(&rows);
}

/// "said it uncovered a US operation that compromised ...": the "that" of a
/// relative clause inside what is said does not start what is said (the
/// pronoun and its verb make a clause of their own), also after a day.
#[test]
fn a_relative_that_inside_what_is_said() {
    let us = "United States";
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("it_uncovered_that_hit", "The FSB said it uncovered a US hacking operation that hit iPhones.", vec![(Acc, "Russia", us, "FSB")]),
        ("on_thursday_it_uncovered", "Russia's Federal Security Service (FSB) said on Thursday it uncovered a U.S. spy operation that compromised thousands of iPhones.", vec![(Acc, "Russia", us, "FSB")]),
        ("they_found_campaign_that", "Dutch officials said they found a Chinese espionage campaign that breached a defence network.", vec![(Acc, "Netherlands", "China", "Dutch")]),
        // A participle after the closing "X said" adds to what was said.
        ("said_using", "“The DPRK has increasingly relied on cybercrime to generate revenue,” a Treasury Department spokesperson said, using the initials of North Korea's official name.", vec![(Acc, "United States", "North Korea", "Treasury")]),
        // A complement "that" still opens what is said.
        ("said_it_was_clear_that", "The FSB said it was clear that US intelligence had hacked the phones.", vec![(Acc, "Russia", us, "FSB")]),
    ];
    check(&rows);
}

/// A company the text introduces by a noun ("Israeli firm ClearSky Cyber
/// Security") is that company when named alone later, with the state of
/// its adjective; the party that ends a clause before ", which denied" is
/// who denies, not the clause.
#[test]
fn companies_named_again_and_parties_before_which() {
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("firm_named_again", "Israeli firm ClearSky Cyber Security provided Reuters with documentation of similar impersonations. ClearSky also linked the hacking attempts to Charming Kitten.", vec![(Acc, "Israel", "Magic Hound", "ClearSky")]),
        ("company_named_again", "The Finnish company WithSecure published its findings on Monday. WithSecure said the Sandworm group was behind the attack on the grid.", vec![(Acc, "Finland", "Sandworm", "WithSecure")]),
        ("which_denied_after_clause", "Researchers tied the attacks to the Iranian government, which denied the accusation.", vec![(Attr, "", "Iran", ""), (Deny, "Iran", "Iran", "Iranian")]),
        ("which_rejected_after_said", "The attempts are part of an effort that three security firms said they have tied to the Iranian government, which rejected the claim.", vec![(Deny, "Iran", "Iran", "Iranian")]),
    ];
    check(&rows);
    // The denier is the party, not the clause that names it.
    for (_, text, _) in &rows[2..] {
        let cs = read(text);
        let deny = cs.iter().find(|c| c.claim.kind == Some(Deny));
        assert_eq!(
            deny.and_then(|c| c.claim.speaker_org.as_deref()),
            Some("Iranian government"),
            "{text}"
        );
    }
}

/// A state's possessive on an unknown acronym names that state's body
/// ("China's CVERC"); groups joined by "and" before their state are each
/// accused; a progressive verb ends a subject ("agencies are taking the
/// lead in attributing ...").
#[test]
fn a_states_acronym_and_a_progressive_subject() {
    let us = "United States";
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("states_acronym", "In a report in September 2022, China's CVERC had attributed the cyber incident at the university to the NSA.", vec![(Acc, "China", us, "CVERC")]),
        ("joined_groups_of_the_state", "The FBI said Lazarus Group and APT38, cyber actors associated with North Korea, are responsible for the theft.", vec![(Acc, us, "Lazarus", "FBI"), (Acc, us, "APT38", "FBI")]),
        ("progressive_subject", "In a new twist, multiple Chinese government agencies are taking the lead in loudly attributing malicious cyber activity to US cyber-spies.", vec![(Acc, "China", us, "Chinese government agencies")]),
    ];
    check(&rows);
    let cs = read(rows[2].1);
    assert_eq!(
        cs.first().and_then(|c| c.claim.speaker_org.as_deref()),
        Some("multiple Chinese government agencies"),
        "{cs:?}"
    );
}

/// An acronym the text never spelled out in brackets stands for the name
/// with those initials met before ("Japan's National Police Agency ...
/// The NPA said"); with no such name it names no one.
#[test]
fn an_acronym_of_a_name_met_before() {
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("acronym_of_body", "Japan's National Police Agency published a report.\n\nThe NPA said Chinese hackers were behind the attacks.", vec![(Acc, "Japan", "China", "NPA")]),
        ("acronym_of_state_organ", "Estonia's Information System Authority published its yearly review.\n\nThe ISA believes Russian hackers were behind the attacks.", vec![(Acc, "Estonia", "Russia", "ISA")]),
        ("no_such_name", "The NPA said Chinese hackers were behind the attacks.", vec![]),
    ];
    check(&rows);
}

/// A headline above the story makes its claim in the present tense
/// ("Britain blames Russia for ..."); where the story restates it (by the
/// same party, or by a body of the state the headline names), the story's
/// claim is the one kept; a headline below the story is another story's
/// link. Verbs that take "to" ("decided to name", "joined forces to
/// identify") belong to the verb after them; "has since denied" is the
/// subject's denial; "published a report claiming" is the publisher's claim.
#[test]
fn headlines_and_verbs_that_take_to() {
    let (uk, us) = ("United Kingdom", "United States");
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("headline_only", "Britain blames Russia for six global cyber attacks\n\nThe attacks hit banks in several countries.", vec![(Acc, uk, "Russia", "UK")]),
        ("short_headline", "US blames North Korea for Sony hack\n\nThe attacks hit several banks.", vec![(Acc, us, "North Korea", "US")]),
        ("denial_headline", "China denies hacking allegations\n\nThe attacks hit several banks.", vec![(Deny, "China", "China", "")]),
        ("headline_restated", "Britain blames Russia for cyber attacks\n\nThe Foreign Office said on Thursday that Russia was behind a wave of attacks on banks.", vec![(Acc, uk, "Russia", "Foreign Office")]),
        ("headline_of_a_body", "NCSC blames Russia for six global cyber attacks\n\nThe Foreign Office said on Thursday that Russia was behind the attacks.", vec![(Acc, uk, "Russia", "NCSC"), (Acc, uk, "Russia", "Foreign Office")]),
        ("link_below_the_story", "The ministry said the servers were restored on Friday after a week.\n\nRelated stories\n\nUS blames North Korea for Sony hack", vec![]),
        ("decided_to_name", "The UK decided to name the GRU as the source of the attacks.", vec![(Acc, uk, "Russia", "UK")]),
        ("joined_forces_to_identify", "The US and UK governments have joined forces to identify the GRU as the source of a series of cyber attacks.", vec![(Acc, us, "Russia", "US"), (Acc, uk, "Russia", "UK")]),
        ("tried_to_identify", "Researchers tried to identify the hackers who broke into the network.", vec![]),
        ("has_since_denied", "The Russian government has since denied the claims.", vec![(Deny, "Russia", "Russia", "Russian government")]),
        ("published_report_claiming", "US intelligence agencies have published a classified report claiming that Russia hacked the election.", vec![(Acc, us, "Russia", "intelligence agencies")]),
    ];
    check(&rows);
}

/// A body the knowledge base does not know, named in full ("the China
/// Cybersecurity Industry Alliance", "the National Computer Virus Emergency
/// Response Center of China"), speaks as itself, not as its state's
/// government; "a hacker organization of China" is China's; a spokesperson
/// who "made the following statement in regard to the report issued by X"
/// speaks in what follows (X wrote the report, not the statement).
#[test]
fn bodies_named_in_full_and_statements_about_reports() {
    let (us, cn) = ("United States", "China");
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("industry_alliance", "The China Cybersecurity Industry Alliance said US intelligence agencies launched cyber attacks on Chinese universities.", vec![(Acc, cn, us, "Industry Alliance")]),
        ("alliance_after_opening_phrase", "In April, the China Cybersecurity Industry Alliance said US intelligence agencies launched cyber attacks.", vec![(Acc, cn, us, "Industry Alliance")]),
        ("center_of_a_state", "The National Computer Virus Emergency Response Center of China said the US used 41 cyber weapons to attack the university.", vec![(Acc, cn, us, "Emergency Response Center")]),
        ("threat_alliance", "The Cyber Threat Alliance said Russian hackers launched cyber attacks on Ukrainian banks.", vec![(Acc, "", "Russia", "Cyber Threat Alliance")]),
        ("hacker_organization_of", "Microsoft claimed that a hacker organization of China attacked infrastructure in the U.S.", vec![(Acc, us, cn, "Microsoft")]),
        ("organizations_of_a_victim", "Microsoft said the hackers attacked government organizations of Ukraine.", vec![]),
        ("statement_in_regard_to_a_report", "A spokesperson for the Chinese foreign ministry made the following statement in regard to the recent report issued by Microsoft, which said Chinese hackers attacked US infrastructure.\n\nIt is quite a layman's report with no sufficient evidence.", vec![(Deny, cn, cn, "foreign ministry")]),
        ("statement_of_condemnation_by", "Statement of condemnation by the North Atlantic Council\n\nWe strongly condemn Russia's malicious cyber activities against Allies.", vec![(Acc, "*", "Russia", "North Atlantic Council")]),
    ];
    check(&rows);
}

/// "The US White House" is the White House; attacks "some of them from"
/// states are charged to those states; and a party that denies in the
/// sentences after it accuses is replying (a counter-accusation), as it is
/// when the denial comes first.
#[test]
fn seats_of_state_and_replies_before_the_denial() {
    let us = "United States";
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("us_white_house", "The US White House blamed Russia for the cyberattack.", vec![(Acc, us, "Russia", "White House")]),
        ("russian_kremlin", "The Russian Kremlin denied involvement in the cyberattack.", vec![(Deny, "Russia", "Russia", "Kremlin")]),
        ("some_of_them_from", "Kremlin spokesman Dmitry Peskov denied that Russia was behind the attacks. According to the spokesman, Russia is subjected to hacking attacks numerous times every day, some of them from the United States, Germany and Britain.", vec![(Deny, "Russia", "Russia", "Peskov"), (Counter, "Russia", us, "Peskov"), (Counter, "Russia", "Germany", "Peskov"), (Counter, "Russia", "United Kingdom", "Peskov")]),
        ("denial_after", "Kremlin spokesman Dmitry Peskov said Russia is subjected to hacking attacks every day, many of them from the United States. Peskov also denied that Russia was involved in the attacks on the election.", vec![(Counter, "Russia", us, "Peskov"), (Deny, "Russia", "Russia", "Peskov")]),
        ("company_then_its_state_denies", "Kaspersky said the attacks came from the United States. The Russian government denied any role in the hack.", vec![(Acc, "*", us, "Kaspersky"), (Deny, "Russia", "Russia", "")]),
    ];
    check(&rows);
}

/// "X said that the country was targeted ... and blamed Y": a passive first
/// verb has the victim for subject, so the accuser of the coordinated verb
/// is the one who said it; an active first verb keeps its own subject.
#[test]
fn coordinated_verbs_after_said_that() {
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("said_on_monday_that_passive", "Iranian officials said on Monday that the country was targeted by a cyberattack and blamed Israel.", vec![(Acc, "Iran", "Israel", "Iranian officials")]),
        ("said_that_passive", "Iranian officials said that the country was targeted by a cyberattack and blamed Israel.", vec![(Acc, "Iran", "Israel", "Iranian officials")]),
        ("said_without_that", "Iranian officials said the country was targeted by a cyberattack and blamed Israel.", vec![(Acc, "Iran", "Israel", "Iranian officials")]),
        ("said_that_active", "The spokesman said that the government summoned the ambassador and accused Russia of the attack.", vec![(Acc, "*", "Russia", "government")]),
    ];
    check(&rows);
}

/// How vendors and agencies write attributions: "the activity is linked
/// to", "we link this activity to", "an espionage actor supporting" a
/// state; a group "also known as" another is the first group.
#[test]
fn vendor_and_advisory_wording() {
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("activity_is_linked_to", "Palo Alto Networks researchers said the activity is linked to Mustang Panda.", vec![(Acc, "*", "Mustang Panda", "Palo Alto")]),
        ("believe_activity_linked", "Palo Alto Networks researchers believe with high confidence that the activity is linked to the Chinese APT group Mustang Panda.", vec![(Acc, "*", "Mustang Panda", "Palo Alto")]),
        ("it_linked_the_activity", "Palo Alto Networks said it linked the activity to Mustang Panda.", vec![(Acc, "*", "Mustang Panda", "Palo Alto")]),
        ("economic_activity", "The ministry said the economic activity is linked to the Chinese market.", vec![]),
        ("also_known_as", "The FBI has confirmed that the Lazarus Group, also known as APT38, is responsible for the theft of 100 million dollars from Harmony.", vec![(Acc, "United States", "Lazarus", "FBI")]),
        ("bracketed_also_known_as", "The FBI said the Lazarus Group (also known as APT38) is responsible for the theft.", vec![(Acc, "United States", "Lazarus", "FBI")]),
        ("two_groups", "The FBI said APT28 and APT29 were behind the attacks.", vec![(Acc, "United States", "APT28", "FBI"), (Acc, "United States", "APT29", "FBI")]),
        ("carried_out_by_the_group_which_is_linked", "Kaspersky experts believe the attack was carried out by the Lazarus group, which is believed to be linked to North Korea.", vec![(Acc, "*", "Lazarus", "Kaspersky")]),
        ("allies_expose", "Today, the UK and allies expose Russian intelligence for targeting election systems.", vec![(Acc, "United Kingdom", "Russia", "UK")]),
        ("fronted_sponsored_by", "Sponsored by Russian military intelligence, APT44 is a dynamic and operationally mature threat actor.", vec![(Attr, "", "Sandworm", "")]),
        ("fronted_backed_by", "Backed by the Chinese government, APT41 has stolen intellectual property from firms.", vec![(Attr, "", "APT41", "")]),
        ("responsible_actors_are", "The Canadian Centre for Cyber Security said the responsible actors are almost certainly PRC state-sponsored actors, specifically Salt Typhoon.", vec![(Acc, "Canada", "Salt Typhoon", "Canadian Centre")]),
        ("perpetrators_were", "The NCSC said the perpetrators were Chinese cyber actors.", vec![(Acc, "United Kingdom", "China", "NCSC")]),
        ("those_responsible_were", "The NCSC said those responsible were Chinese state-sponsored hackers.", vec![(Acc, "United Kingdom", "China", "NCSC")]),
        ("those_responsible_punished", "The ministry said those responsible would be punished.", vec![]),
        ("report_released_thursday_by", "Naikon, a group of hackers, deployed a software called Aria-body to target government agencies in Indonesia, according to a report released Thursday by Check Point Research, an Israeli security company.", vec![(Acc, "*", "Naikon", "Check Point")]),
        ("did_not_say_if_backed", "Check Point Research did not say if Naikon was backed by the Chinese government.", vec![]),
        ("said_backed", "Check Point Research said Naikon was backed by the Chinese government.", vec![(Attr, "*", "Naikon", "Check Point")]),
        ("attributed_by_governments_as", "'Midnight Blizzard' is a Russia-based threat actor attributed by the US and UK governments as the Foreign Intelligence Service of the Russian Federation, also known as the SVR.", vec![]),
        ("deny_further_access", "Microsoft said Russian hackers breached its systems.\n\nThe security team moved to mitigate the attack and deny the threat actor further access.", vec![(Acc, "*", "Russia", "Microsoft")]),
        ("denied_the_accusation", "Microsoft said Russian hackers breached its systems.\n\nThe Kremlin denied the accusation.", vec![(Acc, "*", "Russia", "Microsoft"), (Deny, "Russia", "Russia", "Kremlin")]),
        ("actor_supporting", "Mandiant tracks the activity as UNC4841 and assesses with high confidence that it is an espionage actor supporting the People's Republic of China.", vec![(Acc, "*", "China", "Mandiant"), (Acc, "*", "UNC4841", "Mandiant")]),
    ];
    check(&rows);
}

/// Advisories and the papers agencies issue: "the advisory reveals that
/// ..." speaks for each issuer of the advisory named before (partners "in
/// collaboration with" too); "published a joint advisory together with A,
/// B, and C, noting that ..." for every one of them; "according to the
/// findings of X" is X's; "not only ... but also" denies nothing; a list
/// with a serial comma is a list; a headline's "confirms" and "says" state
/// what follows.
#[test]
fn advisories_and_their_issuers() {
    let us = "United States";
    let rows: Vec<(&str, &str, Vec<Want>)> = vec![
        ("the_advisory_said", "The NCSC, the FBI and the NSA have released a joint advisory on Thursday.\n\nThe advisory said Russian hackers exploited vulnerabilities in routers.", vec![(Acc, "United Kingdom", "Russia", "NCSC"), (Acc, us, "Russia", "FBI"), (Acc, us, "Russia", "NSA")]),
        ("in_collaboration_with", "The NCSC, in collaboration with the FBI and the NSA, has released a joint advisory on Thursday.\n\nThe advisory reveals that Russian hackers exploited vulnerabilities in routers.", vec![(Acc, "United Kingdom", "Russia", "NCSC"), (Acc, us, "Russia", "FBI"), (Acc, us, "Russia", "NSA")]),
        ("no_paper_before", "The advisory said Russian hackers exploited vulnerabilities in routers.", vec![]),
        ("together_with_noting", "CISA has published a joint advisory together with the FBI, the NSA, and the INCD, noting that hackers of Iran's IRGC targeted water utilities.", vec![(Acc, us, "Iran", "CISA"), (Acc, us, "Iran", "FBI"), (Acc, us, "Iran", "NSA"), (Acc, "Israel", "Iran", "INCD")]),
        ("findings_of", "Iranian hackers were apparently behind recent attacks on US water plants, according to the findings of the government's Cybersecurity and Infrastructure Security Agency (CISA).", vec![(Acc, us, "Iran", "CISA")]),
        ("report_by", "Iranian hackers were behind the attacks, according to a report by Mandiant.", vec![(Acc, "*", "Iran", "Mandiant")]),
        ("not_only_but_also", "The NCSC said SVR hackers were behind the attacks.\n\nThe advisory adds that SVR cyber actors are not only targeting specific entities but are also exploiting vulnerabilities at scale.", vec![(Acc, "United Kingdom", "Russia", "NCSC")]),
        ("serial_comma", "The UK, the US, and Canada accused Russia of the attack.", vec![(Acc, "United Kingdom", "Russia", "UK"), (Acc, us, "Russia", "US"), (Acc, "Canada", "Russia", "Canad")]),
        ("serial_comma_said", "Britain, the United States, and Canada said Russia was behind the attack.", vec![(Acc, "United Kingdom", "Russia", "UK"), (Acc, us, "Russia", "US"), (Acc, "Canada", "Russia", "Canad")]),
        ("clause_after_and", "The NCSC said Russia was behind the attack, and the Kremlin denied it.", vec![(Acc, "United Kingdom", "Russia", "NCSC"), (Deny, "Russia", "Russia", "Kremlin")]),
        ("charged_by_department_of_justice", "The news came on Wednesday. Three North Korean military hackers have been charged by the US Department of Justice (DoJ) for cyber-crimes.", vec![(Acc, us, "North Korea", "Department of Justice")]),
        ("several_of_its_allies", "The United States and several of its allies said Chinese hackers penetrated critical infrastructure.", vec![(Acc, us, "China", "US")]),
        ("described_item_and_are_warning", "United States, several of its allies and hardware manufacturer Microsoft are warning that the Chinese state-linked cyber actor Volt Typhoon has succeeded in penetrating the US's critical infrastructure.", vec![(Acc, us, "Volt Typhoon", "US"), (Acc, "*", "Volt Typhoon", "Microsoft")]),
        ("is_warning", "Microsoft is warning that Chinese hackers penetrated critical infrastructure.", vec![(Acc, "*", "China", "Microsoft")]),
        ("it_has_been_announced_by", "Russia has been behind a series of cyber attacks since the start of the invasion, it has been announced today by the UK and international allies.", vec![(Acc, "United Kingdom", "Russia", "UK")]),
        ("body_colon_headline", "ESET Research: Russian APT groups continue their attacks against Ukraine with wipers\n\nThe report was released on Tuesday.", vec![(Acc, "*", "Russia", "ESET")]),
        ("body_colon_line", "The report was released on Tuesday.\n\nMicrosoft: Russian hackers breached its email systems.", vec![(Acc, "*", "Russia", "Microsoft")]),
        ("person_colon_is_no_body", "The report was released on Tuesday.\n\nAnalysis: Russian hackers breached the email systems.", vec![]),
        ("headline_confirms", "US government confirms Iran is behind cyberattacks on water companies\n\nThe water plants were hit last week.", vec![(Acc, us, "Iran", "US")]),
        ("headline_says", "Microsoft says Russian hackers breached its email systems\n\nThe breach was found in January.", vec![(Acc, "*", "Russia", "Microsoft")]),
    ];
    check(&rows);
}
