//! One small document per construction the reader handles, written for
//! these tests (not taken from any publication).

use ascribe_extract::{read_document, ExtractedClaim};
use ascribe_model::ClaimKind;

fn read(text: &str) -> Vec<ExtractedClaim> {
    read_document("t.txt", text.as_bytes(), None).claims
}

fn kinds(cs: &[ExtractedClaim]) -> Vec<(ClaimKind, Option<String>, Option<String>)> {
    cs.iter()
        .map(|c| {
            (
                c.claim.kind.unwrap_or(ClaimKind::Accusation),
                c.claim.speaker_country.clone(),
                c.claim.target_canonical.clone(),
            )
        })
        .collect()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn reported_speech_after_the_quote() {
    let cs = read(
        "\"The intrusion into the ministry's mail servers was the work of the GRU,\" Britain's foreign secretary said on Tuesday.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(
            ClaimKind::Accusation,
            some("United Kingdom"),
            some("Russia")
        )],
        "{cs:#?}"
    );
    let q = cs[0].claim.quote.as_deref().unwrap_or("");
    assert!(q.starts_with("\"The intrusion"), "{q}");
}

#[test]
fn reported_speech_before_the_quote_with_confidence() {
    let cs = read(
        "Foreign Secretary Jane Holloway said: \"We assess with high confidence that APT28 was behind the breach of the electoral commission.\"",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    let c = &cs[0].claim;
    assert_eq!(c.kind, Some(ClaimKind::Accusation));
    assert_eq!(c.speaker.as_deref(), Some("Jane Holloway"));
    assert_eq!(c.speaker_country.as_deref(), Some("United Kingdom"));
    assert_eq!(c.target_canonical.as_deref(), Some("APT28"));
    assert_eq!(c.target_state.as_deref(), Some("Russia"));
    assert_eq!(c.confidence_phrase.as_deref(), Some("with high confidence"));
    assert!(c.probability.is_some_and(|b| b.low >= 0.8));
}

#[test]
fn pronoun_refers_back_to_the_named_official() {
    let cs = read(
        "German Interior Minister Karl Brandt spoke to reporters in Berlin on Monday. He said Chinese state hackers had stolen data from the federal parliament.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    let c = &cs[0].claim;
    assert_eq!(c.speaker.as_deref(), Some("Karl Brandt"));
    assert_eq!(c.speaker_country.as_deref(), Some("Germany"));
    assert_eq!(c.target_canonical.as_deref(), Some("China"));
    assert_eq!(c.kind, Some(ClaimKind::Accusation));
}

#[test]
fn role_noun_refers_back_and_denial_with_counter_accusation() {
    let cs = read(
        "The Australian government on Monday accused China's Ministry of State Security of breaching the email servers of parliament.\n\n\
         Chinese foreign ministry spokeswoman Zhou Wen rejected the report on Tuesday. \"These accusations are groundless,\" the spokeswoman said, adding that the United States was the world's biggest hacking empire.",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Australia"), some("China"))),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(ClaimKind::Denial, some("China"), some("China"))),
        "{cs:#?}"
    );
    let denial = cs.iter().find(|c| c.claim.kind == Some(ClaimKind::Denial));
    assert_eq!(
        denial.and_then(|c| c.claim.speaker.as_deref()),
        Some("Zhou Wen")
    );
}

#[test]
fn interview_questions_are_not_the_interviewees_claims() {
    let cs = read(
        "Anna Berg talks to Viktor Sokolov, the spokesman for the Russian foreign ministry.\n\
         Do you accept that Russian military hackers attacked the Olympic committee?\n\
         We reject this. Russia has never attacked anyone's computers.\n\
         But the Dutch intelligence service says it has evidence that GRU officers were behind the attack?\n\
         These are fabrications. There is no evidence at all.\n\
         Will Moscow cooperate with the investigation?\n\
         We have always been open to cooperation.\n",
    );
    let k = kinds(&cs);
    // The interviewee denies; the Dutch service's relayed accusation counts.
    assert!(
        k.iter()
            .filter(|x| x.0 == ClaimKind::Denial)
            .all(|x| x.1 == some("Russia")),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(ClaimKind::Denial, some("Russia"), some("Russia"))),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Netherlands"), some("Russia"))),
        "{cs:#?}"
    );
    // The journalist's own question accuses nobody.
    assert!(!cs.iter().any(|c| c
        .claim
        .quote
        .as_deref()
        .is_some_and(|q| q.starts_with("Do you accept"))));
}

#[test]
fn negation_is_not_an_accusation() {
    let cs = read(
        "The energy ministry of Ukraine said on Friday that Russian hackers were not responsible for the outage, which it blamed on a faulty transformer.",
    );
    assert!(
        cs.iter()
            .all(|c| c.claim.kind != Some(ClaimKind::Accusation)),
        "{cs:#?}"
    );
}

#[test]
fn conditionals_are_not_accusations() {
    let cs = read(
        "If it turns out that Iranian hackers attacked the water utility, the government will respond, the Israeli minister said. Should there be proof that Tehran was behind it, sanctions would follow.",
    );
    assert!(cs.is_empty(), "{cs:#?}");
}

#[test]
fn lists_of_countries_give_one_claim_each() {
    let cs = read(
        "Japan's defence ministry said on Wednesday that hackers working for China and North Korea had targeted its defence contractors.",
    );
    let mut targets: Vec<String> = cs
        .iter()
        .filter_map(|c| c.claim.target_canonical.clone())
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        vec!["China".to_owned(), "North Korea".to_owned()],
        "{cs:#?}"
    );
    assert!(cs
        .iter()
        .all(|c| c.claim.speaker_country.as_deref() == Some("Japan")));
}

#[test]
fn several_accusers_in_one_sentence_are_split() {
    let cs = read(
        "The Foreign Office and the National Cyber Security Centre accused Sandworm of attacking the Georgian parliament's website.",
    );
    assert_eq!(cs.len(), 2, "{cs:#?}");
    assert!(cs
        .iter()
        .all(|c| c.claim.target_canonical.as_deref() == Some("Sandworm")));
    assert!(cs
        .iter()
        .all(|c| c.claim.target_state.as_deref() == Some("Russia")));
}

#[test]
fn second_hand_claims_keep_the_reporter() {
    let cs = read(
        "According to Reuters, a White House official said the breach was carried out by Chinese state hackers.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    let c = &cs[0];
    assert_eq!(c.claim.kind, Some(ClaimKind::Accusation));
    assert_eq!(c.claim.speaker_country.as_deref(), Some("United States"));
    assert_eq!(c.claim.target_canonical.as_deref(), Some("China"));
    assert_eq!(c.reporter.as_deref(), Some("Reuters"));
}

#[test]
fn denial_with_nothing_to_do_with() {
    let cs = read(
        "US officials blamed Russian hackers for the attack on the pipeline operator. The Kremlin said Russia had nothing to do with it.",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Accusation, some("United States"), some("Russia"))),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(ClaimKind::Denial, some("Russia"), some("Russia"))),
        "{cs:#?}"
    );
    let d = cs.iter().find(|c| c.claim.kind == Some(ClaimKind::Denial));
    assert_eq!(
        d.and_then(|c| c.claim.speaker_org.as_deref()),
        Some("Kremlin")
    );
}

#[test]
fn passive_attribution_in_the_documents_own_voice() {
    let cs = read(
        "The Lazarus Group has been accused of hacking a film studio and of stealing from central banks.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.kind, Some(ClaimKind::AttributionStatement));
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("Lazarus"));
    assert_eq!(cs[0].claim.target_state.as_deref(), Some("North Korea"));
}

#[test]
fn boilerplate_and_navigation_give_nothing() {
    let cs = read("Home\nWorld\nPolitics\nSport\nSubscribe to our newsletter\nRelated stories\nHackers hit bank\n");
    assert!(cs.is_empty(), "{cs:#?}");
}

#[test]
fn offsets_point_into_the_original() {
    let text = "Intro line for the page\n\nThe   foreign minister of Estonia said on Monday that\nRussian military intelligence was almost certainly behind the\u{a0}attack on the government's servers.";
    let doc = read_document("t.txt", text.as_bytes(), None);
    assert_eq!(doc.claims.len(), 1, "{:#?}", doc.claims);
    let c = &doc.claims[0].claim;
    let (s, e) = (c.start.unwrap_or(0), c.end.unwrap_or(0));
    let slice = text.get(s..e).unwrap_or("");
    assert!(slice.starts_with("The   foreign minister"), "{slice}");
    assert!(slice.ends_with("servers."), "{slice}");
    assert_eq!(c.confidence_phrase.as_deref(), Some("almost certainly"));
}

#[test]
fn a_named_group_is_more_specific_than_its_state() {
    let cs = read(
        "Microsoft said a hacking group operating from China, which it calls Hafnium, had exploited flaws in its email server software.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.kind, Some(ClaimKind::Accusation));
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("Hafnium"));
    assert_eq!(cs[0].claim.target_state.as_deref(), Some("China"));
}

#[test]
fn a_list_of_accusing_states_gives_one_claim_each() {
    let cs = read(
        "The United States and Canada on Thursday accused Russian hackers of trying to steal vaccine research.",
    );
    let mut who: Vec<String> = cs
        .iter()
        .filter_map(|c| c.claim.speaker_country.clone())
        .collect();
    who.sort();
    assert_eq!(
        who,
        vec!["Canada".to_owned(), "United States".to_owned()],
        "{cs:#?}"
    );
    assert!(cs
        .iter()
        .all(|c| c.claim.target_canonical.as_deref() == Some("Russia")));
}

#[test]
fn an_imported_knowledge_base_adds_group_names() {
    let kb = ascribe_kb::KnowledgeBase::from_misp_galaxy(
        r#"{"values":[{"value":"Quiet Heron","uuid":"u1","meta":{"synonyms":["HERON-7"],"country":"IR"}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let reader = ascribe_extract::Reader::new(kb);
    let text = "The cyber agency said on Monday that Quiet Heron was behind the attack on the water utility.";
    let doc = reader.read("t.txt", text.as_bytes(), None);
    assert_eq!(doc.claims.len(), 1, "{:#?}", doc.claims);
    assert_eq!(
        doc.claims[0].claim.target_canonical.as_deref(),
        Some("Quiet Heron")
    );
    assert_eq!(doc.claims[0].claim.target_state.as_deref(), Some("Iran"));
    // The built-in reader does not know the name.
    assert!(read(text)
        .iter()
        .all(|c| c.claim.target_canonical.as_deref() != Some("Quiet Heron")));
}

#[test]
fn a_state_speaking_with_allies_is_its_government() {
    let cs = read(
        "In a joint statement, the UK and its allies said China's Ministry of State Security was responsible for the mail server hack.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.kind, Some(ClaimKind::Accusation));
    assert_eq!(cs[0].claim.speaker_org.as_deref(), Some("UK government"));
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("China"));
}

/// Issue 20: the patterns below were each missed before it.
#[test]
fn states_listed_before_attributed_to_each_accuse_the_party_after_to() {
    let cs = read(
        "The council said that Norway, Italy, the United Kingdom and Canada have recently attributed malicious cyber activity targeting several allies and Poland to Russia's military intelligence service.",
    );
    let mut got = kinds(&cs);
    got.sort();
    let mut want = vec![
        (ClaimKind::Accusation, some("Canada"), some("Russia")),
        (ClaimKind::Accusation, some("Italy"), some("Russia")),
        (ClaimKind::Accusation, some("Norway"), some("Russia")),
        (
            ClaimKind::Accusation,
            some("United Kingdom"),
            some("Russia"),
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{cs:#?}");
}

#[test]
fn several_states_saying_one_thing_are_each_a_speaker() {
    let cs = read(
        "The UK, the US and Australia said on Monday that China's Ministry of State Security was behind the hack of the mail servers.",
    );
    let speakers: Vec<Option<String>> =
        cs.iter().map(|c| c.claim.speaker_country.clone()).collect();
    assert_eq!(
        speakers,
        vec![
            some("United Kingdom"),
            some("United States"),
            some("Australia")
        ],
        "{cs:#?}"
    );
    assert!(cs
        .iter()
        .all(|c| c.claim.kind == Some(ClaimKind::Accusation)
            && c.claim.target_canonical.as_deref() == Some("China")));
}

#[test]
fn a_mission_to_the_un_denies_for_its_state() {
    let cs = read(
        "US officials said Iranian hackers were behind the attack on the water utility. Iran's mission to the United Nations rejected the accusations as baseless.",
    );
    let d = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::Denial))
        .unwrap_or_else(|| panic!("no denial: {cs:#?}"));
    assert_eq!(d.claim.speaker_country.as_deref(), Some("Iran"));
    assert_eq!(
        d.claim.speaker_org.as_deref(),
        Some("Iranian mission to the UN")
    );
}

#[test]
fn called_the_claim_groundless_is_a_denial() {
    let cs = read(
        "The UK said North Korean hackers carried out the cyberattack on the hospitals. North Korea's foreign ministry called the claim groundless.",
    );
    assert!(
        cs.iter().any(|c| c.claim.kind == Some(ClaimKind::Denial)
            && c.claim.speaker_country.as_deref() == Some("North Korea")),
        "{cs:#?}"
    );
}

#[test]
fn an_embassy_in_another_country_speaks_for_its_own() {
    let cs = read(
        "The Dutch government said Chinese state hackers had broken into a military network. \"These groundless accusations are slander,\" the Chinese Embassy in the Netherlands said in a statement.",
    );
    let d = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::Denial))
        .unwrap_or_else(|| panic!("no denial: {cs:#?}"));
    assert_eq!(d.claim.speaker_country.as_deref(), Some("China"), "{cs:#?}");
}

#[test]
fn a_briefing_transcript_labels_its_speakers() {
    let cs = read(
        "QUESTION: Are you still convinced that North Korea was behind the attack on the film studio?\n\nMS. HARTLEY: We remain confident that the North Korean Government is responsible for this destructive attack.\n\nQUESTION: Thank you.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    let c = &cs[0].claim;
    assert_eq!(c.kind, Some(ClaimKind::Accusation));
    assert_eq!(c.speaker.as_deref(), Some("Hartley"));
    assert_eq!(c.target_canonical.as_deref(), Some("North Korea"));
}

#[test]
fn a_dateline_and_a_victim_are_not_accused() {
    let cs = read(
        "BEIJING, China – A research centre in central China's Hubei suffered a cyberattack from overseas hackers, local authorities said on Wednesday.",
    );
    assert!(cs.is_empty(), "{cs:#?}");
}

#[test]
fn a_companys_statement_that_is_its_claim() {
    let cs = read(
        "The ministry rejected the security firm Mandiant's statement that Iran assisted the hackers in conducting cyber-attacks on shipping companies.",
    );
    assert!(
        cs.iter()
            .any(|c| c.claim.speaker_org.as_deref() == Some("Mandiant")
                && c.claim.target_canonical.as_deref() == Some("Iran")),
        "{cs:#?}"
    );
}

#[test]
fn a_spokesman_named_by_one_word_later_is_the_same_person() {
    let cs = read(
        "Foreign ministry spokesperson Lin Jian spoke at a briefing in Beijing on Monday. The United States has long conducted cyber espionage against China's universities, Lin said, adding that the claims were groundless.",
    );
    let c = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::CounterAccusation))
        .unwrap_or_else(|| panic!("no counter-accusation: {cs:#?}"));
    assert_eq!(c.claim.speaker.as_deref(), Some("Lin Jian"), "{cs:#?}");
    assert_eq!(c.claim.target_canonical.as_deref(), Some("United States"));
}

#[test]
fn the_body_that_reports_speaks_for_its_state() {
    let cs = read(
        "The United States denounced the Chinese hacking of the ministry and called on China to stop it, the U.S. Embassy in Prague said in a statement.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("US embassy"),
        "{cs:#?}"
    );
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("China"));
}

#[test]
fn unnamed_officials_reporting_an_accusation_add_no_claim() {
    let cs = read(
        "WARSAW — Poland has accused Russia of being responsible for cyberattacks against its foreign ministry, officials said on Wednesday.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.speaker_country.as_deref(), Some("Poland"));
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("Russia"));
}

/// Two states each tied to an operation: the one the document accuses first
/// is the accused side; the other's officials accuse, they do not reply.
#[test]
fn the_state_accused_first_is_the_accused_side() {
    let cs = read(
        "Britain's foreign secretary said on Monday that Russian military intelligence was behind the attack on the election commission.\n\nThe Russian foreign ministry said the accusations were groundless and said British intelligence had hacked Russian banks.\n\nThe British foreign secretary also said Russia had attacked the defence ministry's network.",
    );
    let ks = kinds(&cs);
    assert!(
        ks.iter()
            .all(|k| k.1.as_deref() != Some("United Kingdom") || k.0 == ClaimKind::Accusation),
        "{ks:?}"
    );
    assert!(
        ks.contains(&(
            ClaimKind::CounterAccusation,
            some("Russia"),
            some("United Kingdom")
        )),
        "{ks:?}"
    );
}

/// A statement issued by a body speaks in "we": its sentences are the
/// body's, and its restatement of the same accusation further on is the
/// same claim.
#[test]
fn a_statement_by_a_body_speaks_in_we() {
    let cs = read(
        "Statement by the North Atlantic Council on malicious cyber activities\n\n1. We strongly condemn Russia's malicious cyber activities against Allied networks.\n\n2. The Alliance met on Tuesday.\n\n3. Estonia and France have attributed the campaign to Russia's military intelligence service.\n\n4. We will keep countering Russian malicious cyber activity.",
    );
    let nato: Vec<_> = kinds(&cs)
        .into_iter()
        .filter(|k| k.1.as_deref() == Some("NATO"))
        .collect();
    assert_eq!(
        nato,
        vec![(ClaimKind::Accusation, some("NATO"), some("Russia"))],
        "{cs:#?}"
    );
}

/// Without a statement heading, "we" in the narrative is nobody's claim.
#[test]
fn we_without_an_issuing_body_is_no_speaker() {
    let cs =
        read("We strongly condemn Russia's malicious cyber activities against Allied networks.");
    assert!(cs.is_empty(), "{cs:#?}");
}

/// "As the FBI made clear, ..." names a second party saying what follows.
#[test]
fn as_a_party_made_clear_names_a_speaker() {
    let cs = read("As the FBI made clear, the State Department is confident that the North Korean government is responsible for this destructive attack.");
    assert!(
        cs.iter().any(|c| c.claim.speaker_org.as_deref()
            == Some("US Federal Bureau of Investigation (FBI)")
            && c.claim.target_canonical.as_deref() == Some("North Korea")),
        "{cs:#?}"
    );
}

/// "attributed this group to a unit of the FSB", with no operation named:
/// an affiliation of the group, not an accusation of the state.
#[test]
fn a_group_attributed_to_a_state_organ_is_an_affiliation() {
    let cs = read("The malware was developed by a group called Turla. The U.S. government attributed this group to a unit within Center 16 of Russia's Federal Security Service (FSB).");
    let us: Vec<_> = kinds(&cs).into_iter().filter(|k| k.1.is_some()).collect();
    assert_eq!(
        us,
        vec![(
            ClaimKind::AttributionStatement,
            some("United States"),
            some("Turla")
        )],
        "{cs:#?}"
    );
}

/// A company reporting someone else's denial wording ("a claim which
/// Beijing refuted, calling it disinformation") accuses; it denies nothing.
#[test]
fn a_company_reporting_a_denial_does_not_deny() {
    let cs = read("Hackers from overseas attacked a monitoring centre in Wuhan, Chinese state media claimed, saying the attack came from the United States.\n\nMicrosoft earlier this month said Chinese hackers had breached senior US officials' emails, a claim which Beijing refuted, calling it disinformation.");
    let ms: Vec<_> = cs
        .iter()
        .filter(|c| c.claim.speaker_org.as_deref() == Some("Microsoft"))
        .map(|c| (c.claim.kind, c.claim.target_canonical.clone()))
        .collect();
    assert_eq!(
        ms,
        vec![(Some(ClaimKind::Accusation), some("China"))],
        "{cs:#?}"
    );
}

/// "a US cybersecurity firm has said": the firm is the company the
/// document names, not the US government.
#[test]
fn a_firm_is_the_company_the_document_names() {
    let cs = read("Mandiant published its findings on Tuesday.\n\nThe cybersecurity firm said that Russian military intelligence was behind the attack on the power grid.");
    assert_eq!(
        cs.iter()
            .map(|c| (
                c.claim.speaker_org.clone(),
                c.claim.target_canonical.clone()
            ))
            .collect::<Vec<_>>(),
        vec![(some("Mandiant"), some("Russia"))],
        "{cs:#?}"
    );
}

/// "hackers linked to the Chinese government", "with ties to Belarus": the
/// party after the tie is the one accused, not a victim.
#[test]
fn actors_tied_to_a_state_accuse_that_state() {
    for text in [
        "Hackers linked to the Chinese government were behind the breach of the ministry's network, the FBI said.",
        "A team of hackers with ties to Belarus is responsible for the hacking of officials' email accounts, the FBI said.",
    ] {
        let cs = read(text);
        assert_eq!(
            kinds(&cs).into_iter().map(|k| k.2).collect::<Vec<_>>(),
            vec![some(if text.contains("Chinese") { "China" } else { "Belarus" })],
            "{cs:#?}"
        );
    }
}

/// A ministry's own page names no state: its spokesperson dismissing the
/// one state the document accuses speaks for that state.
#[test]
fn a_spokesperson_on_the_ministrys_own_page_denies_for_the_accused_state() {
    let cs = read("Responding to a question about the security firm's statement that Iran was behind the attacks on the banks, Ministry of Foreign Affairs Spokesperson Ali Rezaei stated:\n\nThis is groundless information.");
    assert!(
        kinds(&cs).contains(&(ClaimKind::Denial, some("Iran"), some("Iran"))),
        "{cs:#?}"
    );
}

/// A body named by an acronym keeps the text's wording in brackets, as the
/// annotation writes it, and a company so named is still a company (its
/// attribution is no counter-accusation of its home state).
#[test]
fn acronym_in_brackets_and_company_stays_company() {
    let cs = read("The NSA said Russian military hackers were behind the intrusion.");
    assert_eq!(
        cs.first().and_then(|c| c.claim.speaker_org.as_deref()),
        Some("US National Security Agency (NSA)"),
        "{cs:#?}"
    );
    let cs = read(
        "Russian hackers attacked the grid, the Ukrainian government said. Kaspersky Lab said the malware used in the attack was the work of Lazarus.",
    );
    let k = cs
        .iter()
        .find(|c| c.claim.target_canonical.as_deref() == Some("Lazarus"))
        .map(|c| c.claim.kind);
    assert_eq!(k, Some(Some(ClaimKind::Accusation)), "{cs:#?}");
}

/// "..., which it attributed to ...": the relative "it" is the party that
/// opens the sentence.
#[test]
fn relative_it_is_the_sentence_subject() {
    let cs = read(
        "Britain summoned the ambassador on Monday over the intrusion, which it formally attributed to the GRU.",
    );
    assert!(
        cs.iter().any(
            |c| c.claim.speaker_country.as_deref() == Some("United Kingdom")
                && c.claim.target_canonical.as_deref() == Some("Russia")
        ),
        "{cs:#?}"
    );
}

/// A group named as the agent of an operation stays the accused even when an
/// apposition links it to a state organ; so does a group whose operation
/// follows its affiliation.
#[test]
fn affiliation_beside_an_operation_is_an_accusation() {
    let cs = read(
        "The UK, the US and Australia said the attack was carried out by APT40, a group linked to China's Ministry of State Security.",
    );
    assert_eq!(cs.len(), 3, "{cs:#?}");
    assert!(
        cs.iter()
            .all(|c| c.claim.kind == Some(ClaimKind::Accusation)
                && c.claim.target_canonical.as_deref() == Some("APT40")),
        "{cs:#?}"
    );
    let cs = read(
        "The Australian Signals Directorate said APT40 works for China's Ministry of State Security and had compromised government networks.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("Australia"), some("APT40"))],
        "{cs:#?}"
    );
}

/// "the agency said" after a quotation: the agency the text named last.
#[test]
fn role_noun_is_the_body_named_before() {
    let cs = read(
        "The Australian Signals Directorate published an advisory on Tuesday.\n\n\"APT40 continues to conduct cyber operations against Australian networks,\" the agency said.",
    );
    assert!(
        cs.iter().any(
            |c| c.claim.speaker_org.as_deref() == Some("Australian Signals Directorate")
                && c.claim.target_canonical.as_deref() == Some("APT40")
        ),
        "{cs:#?}"
    );
}

/// "The same threat actor targeted ...": the group the document named last.
#[test]
fn same_threat_actor_is_the_group_named_before() {
    let cs = read(
        "NATO said Germany attributed the campaign to APT28.\n\nNATO noted that the same threat actor targeted government entities across the Alliance.",
    );
    let groups = cs
        .iter()
        .filter(|c| c.claim.target_canonical.as_deref() == Some("APT28"))
        .count();
    assert!(groups >= 2, "{cs:#?}");
}

/// "..., dismissing US claims that ...": the speaker denies; the claims
/// being dismissed are no statement of the speaker's, nor a reply by their
/// owner.
#[test]
fn participle_dismissal_is_the_speakers_denial() {
    let cs = read(
        "The US accused China of the breach. \"China has always firmly opposed and cracked down on all forms of cyberattacks,\" foreign ministry spokesman Lin Jian said, dismissing US claims that Chinese hackers were behind the breach.",
    );
    assert_eq!(
        kinds(&cs),
        vec![
            (ClaimKind::Accusation, some("United States"), some("China")),
            (ClaimKind::Denial, some("China"), some("China")),
        ],
        "{cs:#?}"
    );
    let cs = read(
        "The Chinese foreign ministry spokesman said on Monday that the report was groundless, rejecting British claims that China had hacked the Electoral Commission.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Denial, some("China"), some("China"))],
        "{cs:#?}"
    );
}

/// A short fronted phrase ("On Friday,", "In a statement,") does not make
/// the rest of the sentence a speech tag.
#[test]
fn fronted_phrase_keeps_the_statement_after_the_verb() {
    for lead in ["On Friday,", "In a statement,"] {
        let cs = read(&format!(
            "{lead} the Czech government said APT28 was behind the attack."
        ));
        assert_eq!(
            kinds(&cs),
            vec![(ClaimKind::Accusation, some("Czech Republic"), some("APT28"))],
            "{lead} {cs:#?}"
        );
    }
}

/// A passive attribution with its agent: "attributed to APT29 by Microsoft".
#[test]
fn passive_with_agent_names_the_speaker() {
    let cs =
        read("The breach, which was attributed to APT29 by Microsoft last year, exposed emails.");
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("United States"), some("APT29"))],
        "{cs:#?}"
    );
    assert_eq!(cs[0].claim.speaker_org.as_deref(), Some("Microsoft"));
}

/// One construction per row: its name, a small document written for it, and
/// the claims (kind, speaker's country, target) the reader must find in it,
/// in order.
#[test]
fn constructions_table() {
    type Want = Vec<(ClaimKind, Option<String>, Option<String>)>;
    let cases: Vec<(&str, &str, Want)> = vec![
        (
            "a_denial_answering_accusations_needs_no_earlier_accusation",
            "The Chinese foreign ministry said China firmly opposes all forms of cyberattacks and that the accusations by the US were groundless smears.",
            vec![(ClaimKind::Denial, some("China"), some("China"))],
        ),
        // A statement that the accuser is smearing a state ("stop smearing China")
        // makes that state the answering side even when it speaks first.
        (
            "a_smeared_state_answers",
            "A Chinese foreign ministry spokesperson said on Monday that the United States had launched cyberattacks on Chinese universities, and urged the United States to stop smearing China.",
            vec![(
            ClaimKind::CounterAccusation,
            some("China"),
            some("United States")
        )],
        ),
        // "members of the GRU", "officers of the PLA": the party after "of" and
        // an article is the one acting, not a victim.
        (
            "members_of_a_state_organ_are_the_accused",
            "Prosecutors at the Justice Department said that four members of the People's Liberation Army hacked into the credit agency's systems.",
            vec![(ClaimKind::Accusation, some("United States"), some("China"))],
        ),
        // "conducted on behalf of the Iranian government": the party the operation
        // serves is responsible.
        (
            "on_behalf_of_names_the_responsible_party",
            "Microsoft said the hacking campaign was conducted on behalf of the Iranian government.",
            vec![(ClaimKind::Accusation, some("United States"), some("Iran"))],
        ),
        // A state that answers an operation ("summoned the ambassador over the
        // hack") is not tied to it, so its later attribution is no reply.
        (
            "answering_an_operation_is_not_being_accused",
            "The UK summoned the ambassador over the hack. Britain formally attributed the hack to the GRU.",
            vec![(
            ClaimKind::Accusation,
            some("United Kingdom"),
            some("Russia")
        )],
        ),
        // "called the US allegations ... a fabrication": words between the verb and
        // the allegations still make it a denial.
        (
            "called_the_owners_allegations_is_a_denial",
            "North Korea's foreign ministry called the US allegations that Pyongyang was behind the Sony hack \"a fabrication\".",
            vec![(ClaimKind::Denial, some("North Korea"), some("North Korea"))],
        ),
        // A transcript label ends at its colon: "Reuters: The UK and the US accused
        // ..." is the two governments' accusation, relayed; and "urge them to stop
        // spreading disinformation" is rhetoric, no counter-accusation.
        (
            "label_is_no_accuser_and_disinformation_talk_no_reply",
            "Reuters: The UK and the US on Monday accused China of a years-long cyber-espionage campaign. What is China's response?\n\nLin Jian: We urge the US and the UK to stop spreading disinformation.",
            vec![
            (ClaimKind::Accusation, some("United Kingdom"), some("China")),
            (ClaimKind::Accusation, some("United States"), some("China")),
        ],
        ),
        // "officials told Reuters they believe ...": one speaker, one claim.
        (
            "verb_inside_reported_speech_is_no_second_speaker",
            "U.S. officials told Reuters they believe Russia was behind the hack.",
            vec![(ClaimKind::Accusation, some("United States"), some("Russia"))],
        ),
        // "The EU said": a union that speaks as one party.
        (
            "the_union_speaks_as_one_party",
            "The European Union said Russia was behind the attack on the satellite network.",
            vec![(ClaimKind::Accusation, some("European Union"), some("Russia"))],
        ),
        // "... and their allies attributed": each named state speaks; the unnamed
        // allies are no speaker, and no state of the list is accused.
        (
            "unnamed_allies_close_a_list_of_accusers",
            "The United States, the United Kingdom and their allies attributed the hack of the software supplier to Russia's foreign intelligence service.",
            vec![
                (ClaimKind::Accusation, some("United States"), some("Russia")),
                (ClaimKind::Accusation, some("United Kingdom"), some("Russia")),
            ],
        ),
        // "X, together with Y and Z, is exposing ...": every partner speaks.
        (
            "partners_after_together_with_speak_too",
            "The United Kingdom, together with the United States and Canada, is exposing malicious cyber activity by China's Ministry of State Security.",
            vec![
                (ClaimKind::Accusation, some("United Kingdom"), some("China")),
                (ClaimKind::Accusation, some("United States"), some("China")),
                (ClaimKind::Accusation, some("Canada"), some("China")),
            ],
        ),
        // "National Cyber Directorate": an operation word inside a body's name is
        // no operation, so the body's state is not accused.
        (
            "operation_word_in_a_name_is_no_operation",
            "Israel's National Cyber Directorate said Iranian hackers attacked water facilities.",
            vec![(ClaimKind::Accusation, some("Israel"), some("Iran"))],
        ),
        // "blamed the attack on X": the party after "on" is the accused.
        (
            "blamed_on_names_the_accused",
            "Ukraine's SBU blamed the attack on Sandworm, a unit of the GRU.",
            vec![(ClaimKind::Accusation, some("Ukraine"), some("Sandworm"))],
        ),
        // ATT&CK's G0128 goes by its APT number in news.
        (
            "element_name_gives_way_to_the_apt_number",
            "The Norwegian government said a Chinese group, APT31, was responsible for the attack on parliament's email system.",
            vec![(ClaimKind::Accusation, some("Norway"), some("APT31"))],
        ),
        // A briefing's label naming an office ("SENIOR ADMINISTRATION OFFICIAL:")
        // speaks for it; the state it names as subject speaks too.
        (
            "office_label_in_a_press_call",
            "Background Press Call on Malicious Cyber Activity\n\nSENIOR ADMINISTRATION OFFICIAL: Thanks, everyone, for joining. Today the United States, joined by our allies, is formally attributing the malicious cyber activity to China's Ministry of State Security. We assess with high confidence that MSS-affiliated cyber operators conducted the campaign.\n\nQ: Why are you making this attribution now and not earlier in the year?\n\nSENIOR ADMINISTRATION OFFICIAL: The evidence took time to gather.",
            vec![
                (ClaimKind::Accusation, some("United States"), some("China")),
                // The briefer named by role speaks for the state that has
                // just accused.
                (ClaimKind::Accusation, some("United States"), some("China")),
            ],
        ),
        // "The Permanent Mission of the Russian Federation": an office.
        (
            "a_mission_denies_for_its_state",
            "The Permanent Mission of the Russian Federation rejects the groundless accusations made by the United Kingdom regarding alleged cyberattacks.",
            vec![(ClaimKind::Denial, some("Russia"), some("Russia"))],
        ),
        // "said the GRU was almost certainly responsible.": responsibility ending
        // its clause stands for the operation.
        (
            "responsibility_ending_the_clause",
            "The Foreign Office said the GRU was \"almost certainly\" responsible.",
            vec![(ClaimKind::Accusation, some("United Kingdom"), some("Russia"))],
        ),
        // A unit number from ATT&CK's description names the group.
        (
            "unit_number_names_the_group",
            "Britain's National Cyber Security Centre said on Thursday that Unit 26165 of the GRU had targeted the agency.",
            vec![(ClaimKind::Accusation, some("United Kingdom"), some("APT28"))],
        ),
        // "denied the charges and accused the US of hacking ...": the second verb
        // shares the subject, and follows a denial, so it is a reply.
        (
            "denial_then_accusation_is_a_reply",
            "China denied the charges and accused the United States of hacking Chinese universities.",
            vec![
                (ClaimKind::CounterAccusation, some("China"), some("United States")),
                (ClaimKind::Denial, some("China"), some("China")),
            ],
        ),
        // "accused the United States of hypocrisy": no operation, no claim.
        (
            "accused_of_no_operation_is_rhetoric",
            "Chinese officials have denied the allegations and accused the United States of hypocrisy.",
            vec![(ClaimKind::Denial, some("China"), some("China"))],
        ),
        // "We can now clearly attribute this to APT28," the minister said.
        (
            "active_attribution_without_operation_word",
            "\"We can now clearly attribute this to APT28,\" German Interior Minister Nancy Faeser said.",
            vec![(ClaimKind::Accusation, some("Germany"), some("APT28"))],
        ),
        // "WASHINGTON (Reuters) - The United States accused ...": the dateline and
        // the agency are no part of the accuser.
        (
            "dateline_is_no_part_of_the_accuser",
            "WASHINGTON (Reuters) - The United States on Thursday accused Russia's military intelligence agency of being behind the cyberattack.",
            vec![(ClaimKind::Accusation, some("United States"), some("Russia"))],
        ),
        // "Microsoft said the group, which is linked to Russia's GRU, targeted
        // ...": the passive link is part of Microsoft's claim, no claim of its own.
        (
            "passive_inside_a_speakers_words",
            "Microsoft said the group it calls Forest Blizzard, which is linked to Russia's GRU, targeted the networks.",
            vec![(ClaimKind::Accusation, some("United States"), some("APT28"))],
        ),
        // State media that deny and, in the same sentence, name the accuser reply.
        (
            "state_media_denying_and_accusing_reply",
            "North Korea's state news agency KCNA called the accusations \"a preposterous story\" and said the United States was behind cyberattacks on North Korea.",
            vec![
                (ClaimKind::Denial, some("North Korea"), some("North Korea")),
                (ClaimKind::CounterAccusation, some("North Korea"), some("United States")),
            ],
        ),
        // "the hackers were working for China's MSS": the party worked for.
        (
            "working_for_names_the_party",
            "U.S. officials said the hackers were working for China's Ministry of State Security.",
            vec![(ClaimKind::Accusation, some("United States"), some("China"))],
        ),
        // "said the allegations were baseless and that China was a victim of
        // cyberattacks": the denial is the first statement; the victim is no accused.
        (
            "denial_before_a_second_that_clause",
            "The Chinese Foreign Ministry said the allegations were baseless and that China was a major victim of cyberattacks.",
            vec![(ClaimKind::Denial, some("China"), some("China"))],
        ),
        // "Russia's UN mission": the United Nations hosts the mission, it does not
        // speak.
        (
            "un_mission_speaks_for_its_state",
            "Russia's UN mission said the accusations of cyberattacks were unfounded.",
            vec![(ClaimKind::Denial, some("Russia"), some("Russia"))],
        ),
    ];
    let mut failed = Vec::new();
    for (name, text, want) in &cases {
        let cs = read(text);
        if &kinds(&cs) != want {
            failed.push(format!("{name}: want {want:?}\n  got {cs:#?}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// An office's name ("the Permanent Mission") or a briefing's role label
/// ("SENIOR ADMINISTRATION OFFICIAL:") is no person.
#[test]
fn an_office_is_no_person() {
    let cs = read(
        "The Permanent Mission of the Russian Federation rejects the groundless accusations made by the United Kingdom regarding alleged cyberattacks.",
    );
    assert!(cs.iter().all(|c| c.claim.speaker.is_none()), "{cs:#?}");
    let cs = read(
        "Background Press Call\n\nSENIOR ADMINISTRATION OFFICIAL: We assess with high confidence that Russia's SVR conducted the campaign against the software supplier.\n\nQ: Why are you making this attribution now and not earlier in the year?\n\nSENIOR ADMINISTRATION OFFICIAL: The evidence took time to gather.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.speaker, None);
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("Senior Administration Official")
    );
}

/// Several accusers joined in one act: "A joins B and C in condemning ...",
/// a list after a fronted phrase that holds a bloc, "including" partners.
#[test]
fn joined_and_listed_accusers() {
    type Want = Vec<(ClaimKind, Option<String>, Option<String>)>;
    let cases: Vec<(&str, &str, Want)> = vec![
        (
            "joins in condemning",
            "Norway joins Denmark and Finland in condemning the malicious cyber activity by North Korea's Reconnaissance General Bureau.",
            vec![
                (ClaimKind::Accusation, some("Norway"), some("North Korea")),
                (ClaimKind::Accusation, some("Denmark"), some("North Korea")),
                (ClaimKind::Accusation, some("Finland"), some("North Korea")),
            ],
        ),
        (
            "list with a bloc after a fronted phrase",
            "In a joint move on Friday, the EU, Japan and Canada accused Iran of hacking shipping companies.",
            vec![
                (ClaimKind::Accusation, some("European Union"), some("Iran")),
                (ClaimKind::Accusation, some("Japan"), some("Iran")),
                (ClaimKind::Accusation, some("Canada"), some("Iran")),
            ],
        ),
        (
            "including partners",
            "Several governments, including Italy and Spain, blamed Russia for the intrusion into the port systems.",
            vec![
                (ClaimKind::Accusation, some("Italy"), some("Russia")),
                (ClaimKind::Accusation, some("Spain"), some("Russia")),
            ],
        ),
    ];
    let mut failed = Vec::new();
    for (name, text, want) in &cases {
        let cs = read(text);
        if &kinds(&cs) != want {
            failed.push(format!("{name}: want {want:?}\n  got {cs:#?}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A ministry's press conference: the spokesperson's title in the header
/// gives the labelled name its office; the country is the accused side's
/// once the spokesperson dismisses; an outlet's acronym label asks.
#[test]
fn press_conference_labels_and_header_title() {
    let cs = read(
        "Foreign Ministry Spokesperson Tan Jiawei's Regular Press Conference\n\n\
         NHK: The Japanese police said on Monday that Chinese state hackers had broken into the space agency. What is your comment?\n\n\
         Tan Jiawei: We firmly reject the groundless accusation. It is the United States that is the biggest source of cyberattacks in the world.\n\n\
         TASS: Canada also said Chinese hackers stole data from its research council. What's your response?\n\n\
         Tan Jiawei: I have no information on that.",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Denial, some("China"), some("China"))),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(
            ClaimKind::CounterAccusation,
            some("China"),
            some("United States")
        )),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Canada"), some("China"))),
        "{cs:#?}"
    );
    let denial = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::Denial))
        .map(|c| &c.claim);
    assert_eq!(
        denial.and_then(|c| c.speaker.as_deref()),
        Some("Tan Jiawei")
    );
}

/// A quotation with no attribution of its own goes on in the voice of the
/// attributed one before it; "a victim of American hacking" names the party
/// hacking.
#[test]
fn continued_quotation_and_victim_of() {
    let cs = read(
        "Germany accused Russia's GRU of hacking the parliament.\n\n\
         Russian embassy spokesman Oleg Marchenko said the claims were unfounded. \"These accusations are absurd,\" Marchenko said. \"It is Washington that runs the largest cyber espionage operations in the world.\"",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Denial, some("Russia"), some("Russia"))),
        "{cs:#?}"
    );
    assert!(
        k.contains(&(
            ClaimKind::CounterAccusation,
            some("Russia"),
            some("United States")
        )),
        "{cs:#?}"
    );
    let cs = read(
        "The United States charged two Chinese officers with hacking.\n\n\
         Chinese foreign ministry spokesman Gao Feng said China was itself a victim of American hacking.",
    );
    assert!(
        kinds(&cs).contains(&(
            ClaimKind::CounterAccusation,
            some("China"),
            some("United States")
        )),
        "{cs:#?}"
    );
}

/// Accusations withheld or hedged away are no claims: "stopped short of
/// blaming", "has not attributed".
#[test]
fn withheld_accusations_are_no_claims() {
    for text in [
        "The cabinet stopped short of blaming Iran for the outage at the port.",
        "The agency has not attributed the intrusion to any state.",
        "Ministers declined to accuse North Korea of the theft.",
    ] {
        let cs = read(text);
        assert!(cs.is_empty(), "{text}: {cs:#?}");
    }
}

/// Who speaks and whom they name: charging papers speak for the prosecuting
/// body named before; a body that says a state condemned speaks for it; an
/// organ next to its group names the group; "the hackers were linked to X".
#[test]
fn speakers_and_targets_of_common_wire_phrasings() {
    let cs = read(
        "The Justice Department announced charges against three men on Tuesday.\n\n\
         According to the indictment, the men worked for Iran's Revolutionary Guards and hacked into a dam's control system.",
    );
    assert!(
        cs.iter()
            .all(|c| c.claim.speaker_org.as_deref() != Some("indictment")),
        "{cs:#?}"
    );
    let cs = read(
        "The Elysee said France firmly condemned the cyberattack by Russia's GRU unit 74455 on its broadcaster.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("Sandworm"));
    assert_ne!(
        cs[0].claim.speaker_org.as_deref(),
        Some("French government said France")
    );
    let cs = read("Google said the hackers were almost certainly linked to North Korea.");
    assert_eq!(
        kinds(&cs),
        vec![(
            ClaimKind::Accusation,
            some("United States"),
            some("North Korea")
        )],
        "{cs:#?}"
    );
}

/// The perpetrators' noun with "from" places them ("individuals from
/// Chinese state bodies"); whom an operation serves names its party, and a
/// relative "that it believes" is the opening party's.
#[test]
fn perpetrators_from_and_interests_served() {
    let cs = read(
        "Latvia's foreign minister, Ilze Berzina, said the investigation showed the intrusions were committed by several anonymous individuals from Chinese state bodies.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("Latvia"), some("China"))],
        "{cs:#?}"
    );
    let cs = read(
        "On Monday, Google published a report on a phishing wave that it assesses probably serves the interests of North Korea.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(
            ClaimKind::Accusation,
            some("United States"),
            some("North Korea")
        )],
        "{cs:#?}"
    );
}

/// A party's standing statement: "stands by its assessment that",
/// "has stayed firm in its allegation that"; "the administration" is the US
/// executive.
#[test]
fn standing_statements_and_the_administration() {
    let cs = read(
        "Despite doubts voiced by some researchers, the administration has stayed firm in its assessment that Iran was behind the breach of the dam.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("United States"), some("Iran"))],
        "{cs:#?}"
    );
    let cs = read("Canada stands by its conclusion that China's MSS carried out the intrusion.");
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("Canada"), some("China"))],
        "{cs:#?}"
    );
}

/// A joint statement's "we" speaks for each government of its title.
#[test]
fn joint_statement_speaks_for_each_author() {
    let cs = read(
        "Joint Statement by the Foreign Ministers of Denmark, Norway and Sweden\n\n\
         We condemn the intrusions into our parliaments carried out by APT28, which is controlled by Russia's GRU.",
    );
    let k = kinds(&cs);
    for c in ["Denmark", "Norway", "Sweden"] {
        assert!(
            k.contains(&(ClaimKind::Accusation, some(c), some("APT28"))),
            "{c}: {cs:#?}"
        );
    }
}

/// Agencies with long names in one list of accusers; "publicly identified X
/// as responsible" accuses X.
#[test]
fn agency_lists_and_identified_as_responsible() {
    let cs = read(
        "Germany's Federal Office for Information Security, the Netherlands' AIVD and the FBI said the breach was conducted by Sandworm.",
    );
    assert_eq!(cs.len(), 3, "{cs:#?}");
    let cs = read(
        "Spain and Italy on Thursday publicly identified Iran's Ministry of Intelligence as responsible for the intrusion into the health service.",
    );
    assert_eq!(
        kinds(&cs),
        vec![
            (ClaimKind::Accusation, some("Spain"), some("Iran")),
            (ClaimKind::Accusation, some("Italy"), some("Iran")),
        ],
        "{cs:#?}"
    );
}

/// "A and B published an advisory saying ...": each issuer says it; the
/// partners who only gave input to a document co-author nothing.
#[test]
fn issued_documents_and_input_partners() {
    let cs = read(
        "Poland's cyber agency and Lithuania's National Cyber Security Centre issued a joint alert saying Belarusian state hackers had broken into email accounts of officials.",
    );
    assert_eq!(cs.len(), 2, "{cs:#?}");
    assert!(cs
        .iter()
        .all(|c| c.claim.target_canonical.as_deref() == Some("Belarus")));
    let cs = read(
        "The report, drafted by Sweden's security service with input from Finland's Security and Intelligence Service and Norway's Police Security Service, says Russian intelligence hacked the research institutes.",
    );
    assert!(
        cs.iter()
            .all(|c| c.claim.speaker_country.as_deref() != Some("Finland")
                && c.claim.speaker_country.as_deref() != Some("Norway")),
        "{cs:#?}"
    );
}

/// More verbs of accusing: "holds X responsible", "linked/traced/tied the
/// attack to X", "X was to blame"; "held talks" and "has links to" are not.
#[test]
fn holding_responsible_and_linking_verbs() {
    let cases = [
        (
            "Denmark holds North Korea responsible for the theft from the central bank.",
            Some(("Denmark", "North Korea")),
        ),
        (
            "Ireland's police linked the ransomware attack on the health service to Russian criminals working for the FSB.",
            Some(("Ireland", "Russia")),
        ),
        (
            "The Swiss government traced the intrusion to China's Ministry of State Security.",
            Some(("Switzerland", "China")),
        ),
        (
            "Finland's president said Russia was to blame for the outage of the cable.",
            Some(("Finland", "Russia")),
        ),
        ("The minister held talks with Russia on cyberattacks.", None),
        ("The group has links to the Chinese state, experts said.", None),
    ];
    for (text, want) in cases {
        let cs = read(text);
        match want {
            Some((by, on)) => assert_eq!(
                kinds(&cs),
                vec![(ClaimKind::Accusation, some(by), some(on))],
                "{text}: {cs:#?}"
            ),
            None => assert!(
                cs.iter()
                    .all(|c| c.claim.kind != Some(ClaimKind::Accusation)),
                "{text}: {cs:#?}"
            ),
        }
    }
}

/// Sanctions accuse only "for" or "over" an operation; more verbs of
/// saying ("emphasised", "testified").
#[test]
fn sanctions_over_operations_and_more_saying_verbs() {
    let cs = read(
        "The Council of the European Union imposed sanctions on four officers of Russia's GRU over the hacking of the chemical weapons watchdog.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(
            ClaimKind::Accusation,
            some("European Union"),
            some("Russia")
        )],
        "{cs:#?}"
    );
    assert!(read("Canada sanctioned Iran over its nuclear programme.").is_empty());
    let cs = read(
        "The head of the Dutch intelligence service testified that Russian hackers had broken into the parliament's network.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
}

/// `"...," said NAME, a spokesman for ORG.`: the appositive gives the
/// named speaker's office and country.
#[test]
fn inverted_attribution_with_an_appositive_office() {
    let cs = read(
        "Poland accused Belarus of a hacking campaign.\n\n\"These accusations are absurd,\" said Pavel Lutsko, a spokesman for the Belarusian foreign ministry.",
    );
    let d = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::Denial))
        .map(|c| &c.claim);
    assert_eq!(
        d.and_then(|c| c.speaker.as_deref()),
        Some("Pavel Lutsko"),
        "{cs:#?}"
    );
    assert_eq!(
        d.and_then(|c| c.speaker_country.as_deref()),
        Some("Belarus")
    );
}

/// Charges: "unsealed charges against", "charging ... with"; "federal/US
/// prosecutors" are the Justice Department's; "the suspects" is a noun.
#[test]
fn charges_prosecutors_and_the_suspects_noun() {
    let cs = read(
        "Federal prosecutors unsealed charges against four North Korean programmers for stealing cryptocurrency on behalf of the Reconnaissance General Bureau.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("US Department of Justice (prosecutors)")
    );
    assert_eq!(cs[0].claim.target_canonical.as_deref(), Some("North Korea"));
    let cs = read(
        "Belgian prosecutors said the suspects worked for China's Ministry of State Security and had hacked the port's systems.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.confidence_phrase, None);
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("Belgian prosecutors")
    );
}

/// A passive accusation with its agent ("X has been accused by A of ...")
/// never reads as X accusing A.
#[test]
fn passive_accusation_with_agent_is_not_reversed() {
    let cs = read("Iran has been accused by Israel and Albania of cyberattacks on water systems.");
    assert!(
        cs.iter()
            .all(|c| c.claim.speaker_country.as_deref() != Some("Iran")
                || c.claim.kind == Some(ClaimKind::Denial)),
        "{cs:#?}"
    );
    // Each agent accuses the subject; an accusation of no operation is none.
    assert_eq!(
        kinds(&cs),
        vec![
            (ClaimKind::Accusation, some("Israel"), some("Iran")),
            (ClaimKind::Accusation, some("Albania"), some("Iran"))
        ],
        "{cs:#?}"
    );
    assert!(read("The United States was accused by China of hypocrisy.").is_empty());
}

#[test]
fn bodies_and_firms_the_knowledge_base_does_not_know() {
    // A state's body with a long proper name.
    let cs = read(
        "The National Security Agency carried out the attacks on the university, according to China's National Computer Virus Emergency Response Center.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("China"), some("United States"))],
        "{cs:#?}"
    );
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("Chinese National Computer Virus Emergency Response Center")
    );
    // "a <state> firm called <Name>": the firm, in that state.
    let cs = read(
        "In February, a Chinese cybersecurity firm called Pangu Lab said it discovered US-sponsored hacking activity on Chinese soil.",
    );
    assert_eq!(cs.len(), 1, "{cs:#?}");
    assert_eq!(cs[0].claim.speaker_org.as_deref(), Some("Pangu Lab"));
    assert_eq!(cs[0].claim.speaker_country.as_deref(), Some("China"));
}

#[test]
fn nothing_to_do_with_denies_only_for_the_speakers_side() {
    // Neither the fires nor the attacks are the speaker's side.
    let cs = read(
        "Hackers attacked Iran's infrastructure last month. Iranian foreign ministry spokesman Ali Karimi said the recent fires had nothing to do with the cyberattacks.",
    );
    assert!(
        cs.iter().all(|c| c.claim.kind != Some(ClaimKind::Denial)),
        "{cs:#?}"
    );
    // "... has nothing to do with us": the object is the speaker's side.
    let cs = read(
        "The US government accused Russia of hacking federal agencies. Kremlin spokesman Dmitry Peskov said: \"This discussion has nothing to do with us.\"",
    );
    assert!(
        cs.iter().any(|c| c.claim.kind == Some(ClaimKind::Denial)
            && c.claim.target_canonical.as_deref() == Some("Russia")),
        "{cs:#?}"
    );
}

#[test]
fn answers_labelled_a_are_the_party_the_header_names() {
    let cs = read(
        "Remarks by Spokesperson of Chinese Embassy in Canada on Cyber Security\n\n\
         Q: On Tuesday, Canada's Communications Security Establishment said Chinese state-sponsored actors had hacked a research council. What is your comment?\n\n\
         A: The accusation from the Canadian side is totally groundless. China firmly opposes all forms of cyberattacks.\n\n\
         We urge the Canadian side to abandon its prejudice when dealing with cyber incidents.",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Canada"), some("China"))),
        "{cs:#?}"
    );
    let denial = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::Denial))
        .map(|c| &c.claim);
    assert_eq!(
        denial.and_then(|c| c.speaker_country.as_deref()),
        Some("China"),
        "{cs:#?}"
    );
    assert!(
        denial
            .and_then(|c| c.speaker_org.as_deref())
            .is_some_and(|o| o.contains("Embassy")),
        "{cs:#?}"
    );
    // Urged to act is not accused of acting.
    assert!(
        !k.iter().any(|x| x.0 == ClaimKind::CounterAccusation),
        "{cs:#?}"
    );
}

#[test]
fn a_name_given_a_post_in_an_appositive_speaks_later_by_surname() {
    // The appositive's sentence has no verb of saying; the post's state
    // is the one an unnamed holder of the same post was given before.
    let cs = read(
        "A Chinese military spokesperson on Wednesday condemned a recent US report, saying that smearing China cannot help. \
         Zhang Wei, spokesperson for the Ministry of National Defense, made the remarks at a regular briefing. \
         Zhang said the United States was behind cyberattacks against China. \
         The United States often accuses others of actions it itself has taken, Zhang said.",
    );
    let k = kinds(&cs);
    assert_eq!(
        k,
        vec![(
            ClaimKind::CounterAccusation,
            some("China"),
            some("United States")
        )],
        "{cs:#?}"
    );
    assert_eq!(cs[0].claim.speaker.as_deref(), Some("Zhang Wei"));
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("Ministry of National Defense")
    );
}

#[test]
fn the_outlet_reporting_a_statement_is_not_its_speaker() {
    let cs = read(
        "The US accused Russia of the hack. Moscow is not involved in hacker attacks on US government bodies, Kremlin Spokesman Dmitry Peskov told reporters on Monday, TASS News Agency reported.",
    );
    let denials: Vec<_> = cs
        .iter()
        .filter(|c| c.claim.kind == Some(ClaimKind::Denial))
        .map(|c| (c.claim.speaker.as_deref(), c.claim.speaker_org.as_deref()))
        .collect();
    assert_eq!(
        denials,
        vec![(Some("Dmitry Peskov"), Some("Kremlin"))],
        "{cs:#?}"
    );
}

#[test]
fn a_leaders_spokesman_is_not_the_leader() {
    let cs = read(
        "The French government accused Russia of hacking the campaign. All the reports were \"nothing but fake news\", Putin's spokesman said.",
    );
    let d: Vec<_> = cs
        .iter()
        .filter(|c| c.claim.kind == Some(ClaimKind::Denial))
        .map(|c| {
            (
                c.claim.speaker.as_deref(),
                c.claim.speaker_org.as_deref(),
                c.claim.speaker_country.as_deref(),
            )
        })
        .collect();
    assert_eq!(d, vec![(None, Some("Kremlin"), Some("Russia"))], "{cs:#?}");
}

#[test]
fn a_party_giving_the_following_answer_speaks_in_what_follows() {
    let cs = read(
        "Answer of the Foreign Ministry Spokesperson\n\n\
         Pyongyang, May 2 (KCNA) - A spokesperson for the Foreign Ministry of the DPRK gave the following answer to a question as regards the fact that the U.S. Justice Department prosecuted DPRK citizens on the suspicion of cyber crime:\n\n\
         The Foreign Ministry of the DPRK expresses serious concern over the provocation, and strongly denounces and rejects it.\n\n\
         The U.S. has long been posing a constant threat to the cyber security of the DPRK by making cyber space a scene of battle.",
    );
    let k = kinds(&cs);
    for want in [
        (
            ClaimKind::Accusation,
            some("United States"),
            some("North Korea"),
        ),
        (ClaimKind::Denial, some("North Korea"), some("North Korea")),
        (
            ClaimKind::CounterAccusation,
            some("North Korea"),
            some("United States"),
        ),
    ] {
        assert!(k.contains(&want), "{want:?} in {cs:#?}");
    }
}

#[test]
fn the_gru_is_not_one_of_the_groups_named_for_its_units() {
    let cs = read(
        "The Dutch government has accused Russia's military intelligence service of being behind the attacks. \
         Officials said hackers from the GRU, operating under several names including Fancy Bear and Sandworm, targeted the ministries.",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Netherlands"), some("Russia"))),
        "{cs:#?}"
    );
    // The government's accusation is not copied onto the units' groups.
    assert!(
        !cs.iter().any(
            |c| c.claim.speaker_org.as_deref() == Some("Dutch government")
                && c.claim.target_canonical.as_deref() != Some("Russia")
        ),
        "{cs:#?}"
    );
}

#[test]
fn the_ministry_goes_on_speaking_for_the_story_not_the_clause_of_time() {
    let cs = read(
        "The Polish Foreign Ministry said on Monday that state institutions had been targeted. \
         The ministry issued its statement after the Lithuanian Defence Ministry said a series of cyber attacks attributable to the GRU had hit its networks. \
         \"Poland jointly with its allies strongly condemns activities of the Russian state-controlled actor APT28, which has been conducting a long-term cyber espionage campaign,\" the ministry said.",
    );
    let k = kinds(&cs);
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Lithuania"), some("Russia"))),
        "attributable to: {cs:#?}"
    );
    assert!(
        k.contains(&(ClaimKind::Accusation, some("Poland"), some("APT28"))),
        "activities of the actor condemned, by the ministry of the story: {cs:#?}"
    );
    assert!(
        !k.contains(&(ClaimKind::Accusation, some("Lithuania"), some("APT28"))),
        "{cs:#?}"
    );
}

#[test]
fn a_titled_name_after_the_comma_is_the_speaker_in_the_state_the_sentence_opens_with() {
    let cs = read(
        "Albania cut its diplomatic ties with Iran on Wednesday, Prime Minister Edi Rama said.\n\nRama accused Iran of launching a massive cyberattack against Albania.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("Albania"), some("Iran"))],
        "{cs:#?}"
    );
    assert_eq!(cs[0].claim.speaker.as_deref(), Some("Edi Rama"));
}

#[test]
fn an_answerer_unknown_to_the_knowledge_base_speaks_for_the_state_its_answers_name() {
    let cs = read(
        "Regular Press Conference of the Foreign Ministry, March 5\n\n\
         AFP: The US Justice Department charged two men it said worked for China's Ministry of State Security with hacking. What is your comment?\n\n\
         Zhang Ming: The US accusation is groundless. China firmly opposes all forms of cyberattacks.\n\n\
         Bloomberg: A question on trade?\n\n\
         Zhang Ming: China's position on trade is consistent.",
    );
    let d = cs
        .iter()
        .find(|c| c.claim.kind == Some(ClaimKind::Denial))
        .unwrap_or_else(|| panic!("no denial: {cs:#?}"));
    assert_eq!(d.claim.speaker.as_deref(), Some("Zhang Ming"));
    assert_eq!(d.claim.speaker_country.as_deref(), Some("China"));
    assert_eq!(
        d.claim.speaker_org.as_deref(),
        Some("Chinese Ministry of Foreign Affairs")
    );
}

#[test]
fn a_justice_department_release_and_a_vendors_we() {
    // The headline's participle is passive (no accuser in it); the grand
    // jury charges for the Justice Department.
    let cs = read(
        "Department of Justice\nOffice of Public Affairs\n\n\
         Five Iranians Working for State-Affiliated Entities Charged for Conducting Cyber Attacks Against Water Utilities\n\n\
         A grand jury in the Southern District of New York returned an indictment charging five Iranian individuals who performed work on behalf of the Iranian Government with conducting a campaign of cyber attacks against water utilities.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("United States"), some("Iran"))],
        "{cs:#?}"
    );
    assert_eq!(
        cs[0].claim.speaker_org.as_deref(),
        Some("US Department of Justice")
    );
    // A vendor's report in its own "we".
    let cs = read(
        "Recorded Future's Insikt Group has identified a cyber-espionage campaign targeting government networks in Southeast Asia. We attribute this activity with high confidence to a Chinese state-sponsored group.",
    );
    assert_eq!(
        kinds(&cs),
        vec![(ClaimKind::Accusation, some("United States"), some("China"))],
        "{cs:#?}"
    );
    assert_eq!(cs[0].claim.speaker_org.as_deref(), Some("Recorded Future"));
}

#[test]
fn a_briefer_naming_their_state_and_allies_joining_us() {
    // A briefer's label marks a transcript though the page ends before the
    // first question; "the United States is attributing" is the briefer's.
    let cs = read(
        "MR. HALE: Good morning, all.\n\n\
         After careful investigation, the United States is publicly attributing the massive cyberattack on hospitals to North Korea.\n\n\
         The United Kingdom, Australia, and Japan have seen our analysis, and they join us in denouncing North Korea for the attack.",
    );
    let k = kinds(&cs);
    for st in ["United States", "United Kingdom", "Australia", "Japan"] {
        assert!(
            k.contains(&(ClaimKind::Accusation, some(st), some("North Korea"))),
            "{st}: {cs:#?}"
        );
    }
    let us = cs
        .iter()
        .find(|c| c.claim.speaker_country.as_deref() == Some("United States"))
        .map(|c| c.claim.speaker.as_deref());
    assert_eq!(us, Some(Some("Hale")), "{cs:#?}");
}

#[test]
fn an_accusation_extends_to_the_group_named_near_it_not_every_group_of_the_state() {
    let cs = read(
        "A vendor's report on Putter Panda describes a second group working for China.\n\n\
         In May 2014, the US Department of Justice charged five Chinese military hackers for economic cyber espionage against US corporations. \
         Those hackers are believed to be officers in Unit 61398 of the People's Liberation Army.",
    );
    let doj: Vec<_> = kinds(&cs)
        .into_iter()
        .filter(|k| k.1 == some("United States"))
        .map(|k| k.2)
        .collect();
    assert!(doj.contains(&some("APT1")), "{cs:#?}");
    assert!(!doj.contains(&some("Putter Panda")), "{cs:#?}");
}
