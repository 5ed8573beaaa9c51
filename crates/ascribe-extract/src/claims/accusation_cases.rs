//! Accusations as news, press releases, briefings and joint advisories
//! report them, one short passage each, written for this table (not taken
//! from any publication or from the development corpus): who accuses, whom,
//! and which claims a careful reader codes from it. The table is read as a
//! whole, and a failure lists every passage that was misread, so a rule
//! that mends one and breaks another shows both.

use super::*;

/// A claim a passage must yield: its kind, the accused's canonical name,
/// a word of the speaker's person or organisation (any case), and the
/// speaker's country.
type Want = (ClaimKind, &'static str, &'static str, Option<&'static str>);

const A: ClaimKind = ClaimKind::Accusation;
const S: ClaimKind = ClaimKind::AttributionStatement;

/// Each passage with every claim it holds: no claim may be missing, and no
/// other claim may be found (an empty list is a passage that attributes
/// nothing).
const CASES: &[(&str, &[Want])] = &[
    // A ministry's announcement and its minister's words against the same
    // state: one claim, the minister's; alone, the ministry's.
    (
        "On Monday, the Norwegian Ministry of Defence announced that hackers working for the Chinese state had broken into a military research network. “It is right to hold China responsible for this espionage,” said Defence Minister Ola Berg.",
        &[(A, "China", "Berg", Some("Norway"))],
    ),
    (
        "On Monday, the Norwegian Ministry of Defence announced that hackers working for the Chinese state had broken into a military research network.",
        &[(A, "China", "defence", Some("Norway"))],
    ),
    // Government as subject, "said ... was behind".
    (
        "The British government said on Thursday that Russia's GRU military intelligence agency was behind a series of cyberattacks on sporting bodies.",
        &[(A, "Russia", "government", Some("United Kingdom"))],
    ),
    (
        "The Justice Department charged five officers of the Chinese military with hacking into the networks of American steel and energy companies.",
        &[(A, "China", "justice", Some("United States"))],
    ),
    (
        "Germany's Federal Office for the Protection of the Constitution attributed the attack on the parliament's network to APT28.",
        &[(A, "APT28", "protection", Some("Germany"))],
    ),
    (
        "Washington blamed North Korea for the ransomware outbreak that crippled hospitals and factories around the world.",
        &[(A, "North Korea", "", Some("United States"))],
    ),
    (
        "The attack was attributed by the National Cyber Security Centre to a group working for Chinese state security.",
        &[(A, "China", "cyber security centre", Some("United Kingdom"))],
    ),
    (
        "Canada's Communications Security Establishment assessed with high confidence that the Russian military was responsible for the intrusion.",
        &[(A, "Russia", "communications security", Some("Canada"))],
    ),
    (
        "\"We have high confidence that Iranian government-backed actors carried out the breach,\" a senior FBI official told reporters.",
        &[(A, "Iran", "FBI", Some("United States"))],
    ),
    (
        "According to the Foreign Office, the hackers worked for the Russian military intelligence service.",
        &[(A, "Russia", "foreign office", Some("United Kingdom"))],
    ),
    (
        "Officials in Seoul pointed the finger at North Korea after the computer networks of three banks were paralysed.",
        &[(A, "North Korea", "officials", Some("South Korea"))],
    ),
    (
        "The Council of the European Union said the ransomware campaign was carried out by the Lazarus Group.",
        &[(A, "Lazarus", "council", Some("European Union"))],
    ),
    (
        "Estonia's foreign ministry summoned the Russian charge d'affaires on Thursday. The ministry said Russian military intelligence had carried out cyberattacks against Estonian government agencies.",
        &[(A, "Russia", "ministry", Some("Estonia"))],
    ),
    (
        "\"China's Ministry of State Security is behind this campaign,\" said Julien Moreau, a spokesman for the French foreign ministry.",
        &[(A, "China", "Moreau", Some("France"))],
    ),
    (
        "Microsoft said on Tuesday that a hacking group it calls Hafnium, which operates from China, exploited flaws in its email server software.",
        &[(A, "Hafnium", "microsoft", Some("United States"))],
    ),
    (
        "In a joint advisory, the FBI, CISA and the NSA said Russian state-sponsored hackers had targeted defence contractors.",
        &[
            (A, "Russia", "FBI", Some("United States")),
            (A, "Russia", "cybersecurity", Some("United States")),
            (A, "Russia", "NSA", Some("United States")),
        ],
    ),
    (
        "U.S. intelligence agencies have concluded that Russia directed the hacking of the party's emails.",
        &[(A, "Russia", "intelligence", Some("United States"))],
    ),
    (
        "The Japanese government said on Wednesday it believed that a Chinese military unit was behind cyberattacks on about 200 companies and research institutes.",
        &[(A, "China", "government", Some("Japan"))],
    ),
    (
        "Ukraine's security service blamed Russian special services for the attack on the power grid.",
        &[(A, "Russia", "security service", Some("Ukraine"))],
    ),
    (
        "Israel's National Cyber Directorate said the attempted attack on water facilities was carried out by hackers working for Iran.",
        &[(A, "Iran", "cyber directorate", Some("Israel"))],
    ),
    (
        "Poland's digital affairs minister told a news conference that Russian services were behind the hacking of the state news agency.",
        &[(A, "Russia", "polish", Some("Poland"))],
    ),
    (
        "Belgium's foreign minister said in a statement that the cyberattack on the interior ministry was the work of APT31.",
        &[(A, "APT31", "foreign", Some("Belgium"))],
    ),
    (
        "A senior State Department official told reporters that North Korean hackers had stolen more than $600 million in cryptocurrency.",
        &[(A, "North Korea", "state department", Some("United States"))],
    ),
    (
        "South Korea's National Intelligence Service said North Korean hackers had tried to steal vaccine technology from drugmakers.",
        &[(A, "North Korea", "intelligence", Some("South Korea"))],
    ),
    (
        "Iran was behind the attack, the Albanian prime minister said in a video statement.",
        &[(A, "Iran", "Albanian government", Some("Albania"))],
    ),
    (
        "The Sandworm group was responsible for the attacks on the power grid, the U.S. Treasury said in a statement announcing sanctions.",
        &[(A, "Sandworm", "treasury", Some("United States"))],
    ),
    (
        "Speaking at a news conference in Brussels, NATO Secretary General Erik Haldorsen said Russia had carried out cyberattacks against allies.",
        &[(A, "Russia", "Haldorsen", Some("NATO"))],
    ),
    (
        "The Swedish Security Service has said it believes Russian intelligence was behind the data breach.",
        &[(A, "Russia", "security service", Some("Sweden"))],
    ),
    (
        "The Dutch defence minister, Marieke Janssen, accused Russia's GRU of attempting to hack the chemical weapons watchdog.",
        &[(A, "Russia", "Janssen", Some("Netherlands"))],
    ),
    (
        "Britain's National Cyber Security Centre said it was almost certain that Russian military intelligence was responsible.",
        &[(A, "Russia", "cyber security centre", Some("United Kingdom"))],
    ),
    (
        "In a statement, the Estonian foreign ministry blamed Russia's GRU for the cyberattacks.",
        &[(A, "Russia", "ministry", Some("Estonia"))],
    ),
    (
        "Lithuanian Defence Minister Tomas Vaitkus spoke to reporters in Vilnius. \"These attacks were organised by Russian intelligence,\" he said.",
        &[(A, "Russia", "Vaitkus", Some("Lithuania"))],
    ),
    (
        "French authorities on Tuesday accused a hacking group tied to Russia's military intelligence of targeting government ministries.",
        &[(A, "Russia", "authorities", Some("France"))],
    ),
    (
        "The Department of Justice announced charges against seven officers of the GRU for hacking anti-doping agencies.",
        &[(A, "Russia", "justice", Some("United States"))],
    ),
    (
        "Taiwan's government said on Monday that hackers linked to Beijing had attacked the presidential office website.",
        &[(A, "China", "government", Some("Taiwan"))],
    ),
    (
        "The Czech foreign ministry said the APT28 group had targeted its email systems in a campaign attributed to Russian military intelligence.",
        &[(A, "APT28", "ministry", Some("Czech Republic"))],
    ),
    (
        "The hack of the Treasury's email system was carried out by Russia's foreign intelligence service, according to senior administration officials.",
        &[(A, "Russia", "officials", None)],
    ),
    (
        "The German government on Friday summoned the Russian ambassador, accusing Moscow of a cyber campaign against political parties.",
        &[(A, "Russia", "government", Some("Germany"))],
    ),
    (
        "Britain, the United States and Australia accused China's Ministry of State Security of a global hacking campaign.",
        &[
            (A, "China", "", Some("United Kingdom")),
            (A, "China", "", Some("United States")),
            (A, "China", "", Some("Australia")),
        ],
    ),
    (
        // An affiliation with no operation is an attribution statement.
        "Mandiant said it had high confidence that APT41 was sponsored by the Chinese state.",
        &[(S, "APT41", "mandiant", Some("United States"))],
    ),
    (
        "Finland's security and intelligence service said the APT31 group was behind the breach of the parliament's systems.",
        &[(A, "APT31", "security", Some("Finland"))],
    ),
    (
        "The Norwegian Police Security Service said it was likely that a group linked to Russia had carried out the attack on parliament's email.",
        &[(A, "Russia", "police security", Some("Norway"))],
    ),
    (
        "Australia's Prime Minister Margaret Allen said a sophisticated state-based actor had targeted Australian organisations. She did not name the state.",
        &[],
    ),
    (
        "The cyberattack on the port was the work of Chinese state hackers, Japanese police said on Tuesday.",
        &[(A, "China", "police", Some("Japan"))],
    ),
    (
        "U.S. prosecutors said the two men, both officers of Russia's GRU, hacked into the email accounts of campaign staff.",
        &[(A, "Russia", "prosecutors", Some("United States"))],
    ),
    (
        "The White House formally attributed the intrusion to the SVR, Russia's foreign intelligence service.",
        &[(A, "Russia", "white house", Some("United States"))],
    ),
    (
        "Deputy Attorney General Lisa Carver said the hackers acted on behalf of Iran's Islamic Revolutionary Guard Corps.",
        &[(A, "Iran", "Carver", Some("United States"))],
    ),
    (
        "The EU's foreign policy chief said the bloc held Russia responsible for the cyberattack on the satellite network.",
        &[(A, "Russia", "", Some("European Union"))],
    ),

    // Speakers as news names them: titles, later mentions, relayed words.
    (
        "The New York Times reported on Sunday that American intelligence officials had concluded that Russian military hackers broke into the company's servers.",
        &[(A, "Russia", "intelligence officials", Some("United States"))],
    ),
    (
        "FBI Director Mark Ellison told lawmakers on Tuesday that Chinese government hackers had positioned themselves inside water and power utilities.",
        &[(A, "China", "Ellison", Some("United States"))],
    ),
    (
        "Foreign Secretary Helen Marsh said on Thursday that the GRU had waged a campaign of indiscriminate cyberattacks. Marsh said Britain would work with allies to respond.",
        &[(A, "Russia", "Marsh", Some("United Kingdom"))],
    ),
    (
        "State Department spokesperson Nora Field spoke to reporters on Monday. \"We are confident that North Korean cyber actors stole the funds,\" the spokesperson said.",
        &[(A, "North Korea", "Field", Some("United States"))],
    ),
    (
        "The U.K.'s National Cyber Security Centre (NCSC) assessed that APT29 almost certainly operates as part of Russia's intelligence services.",
        &[(S, "APT29", "cyber security centre", Some("United Kingdom"))],
    ),
    (
        "An indictment unsealed in federal court on Tuesday alleges that the three men worked for North Korea's military intelligence agency and stole $1.3 billion from banks.",
        &[(A, "North Korea", "justice", Some("United States"))],
    ),
    (
        "U.S. officials said Iranian hackers were behind the attempted intrusion into the campaign's email accounts.",
        &[(A, "Iran", "officials", Some("United States"))],
    ),
    (
        "The hacking campaign was the work of Russia's SVR foreign intelligence agency, three people familiar with the investigation said.",
        &[(S, "Russia", "", None)],
    ),
    (
        "In a statement released on Thursday, the Dutch intelligence service said hackers working for the Chinese state had broken into a military network.",
        &[(A, "China", "intelligence service", Some("Netherlands"))],
    ),
    (
        "Germany's interior minister, Klaus Richter, said on Friday that the hacker group APT28 was responsible for the attack on the party's email accounts.",
        &[(A, "APT28", "Richter", Some("Germany"))],
    ),
    (
        "Klaus Richter, Germany's interior minister, blamed Russian military hackers for the attack on the party's email accounts.",
        &[(A, "Russia", "Richter", Some("Germany"))],
    ),
    (
        "The Australian government said a state actor had breached the parliament's network. Officials later told the Australian Broadcasting Corporation the government believed China was responsible.",
        &[(A, "China", "government", Some("Australia"))],
    ),
    (
        "Britain on Monday accused Russia's military intelligence of targeting the country's election, saying the GRU had tried to hack the email of a party official.",
        &[(A, "Russia", "", Some("United Kingdom"))],
    ),
    (
        "Microsoft's Threat Intelligence Center said a group it tracks as Nobelium, the same Russian actor behind the SolarWinds hack, had targeted government agencies.",
        &[(A, "APT29", "microsoft", Some("United States"))],
    ),
    (
        "The Justice Department said in a statement that the defendants were members of APT41 and hacked more than 100 companies.",
        &[(A, "APT41", "justice", Some("United States"))],
    ),
    (
        "Japan's National Police Agency said on Wednesday that a Chinese hacking group known as MirrorFace had carried out attacks on Japanese organisations.",
        &[(A, "MirrorFace", "police agency", Some("Japan"))],
    ),
    (
        "The cyberattack on the country's largest hospital was carried out by hackers linked to North Korea, South Korea's spy agency said on Tuesday.",
        &[(A, "North Korea", "", Some("South Korea"))],
    ),
    (
        "Czech intelligence blamed Chinese state-sponsored hackers for the intrusion, according to its annual report published on Monday.",
        &[(A, "China", "intelligence", Some("Czech Republic"))],
    ),
    (
        "Canada's foreign minister said Ottawa had \"high confidence\" that Chinese state-sponsored actors were responsible for the breach of the National Research Council.",
        &[(A, "China", "foreign", Some("Canada"))],
    ),

    // Statements, releases and briefings in their own voice.
    (
        "The NCSC assesses that the GRU was almost certainly responsible for the attack on the anti-doping agency.",
        &[(A, "Russia", "cyber security centre", Some("United Kingdom"))],
    ),
    (
        "Today the United Kingdom is exposing a campaign of malicious cyber activity by Russia's Federal Security Service.",
        &[(A, "Russia", "", Some("United Kingdom"))],
    ),
    (
        "Statement by the Foreign Secretary\n\nThe UK has today attributed the compromise of the Electoral Commission to a Chinese state-affiliated actor. This is the latest example of the malicious cyber activity of China's Ministry of State Security.",
        &[(A, "China", "", Some("United Kingdom"))],
    ),
    (
        "The Council of the European Union today decided to impose restrictive measures on six persons responsible for or involved in cyberattacks, including the attempted attack against the OPCW, which was carried out by the GRU.",
        &[(A, "Russia", "council", Some("European Union"))],
    ),
    (
        "The foreign ministry summoned the Chinese ambassador over the intrusion, which it blamed on hackers working for Beijing's Ministry of State Security. The ministry is part of the Czech government.",
        &[(A, "China", "ministry", None)],
    ),
    (
        "France's cyber security agency ANSSI linked the phishing campaign to APT28.",
        &[(A, "APT28", "ANSSI", Some("France"))],
    ),
    (
        "The Netherlands' intelligence service AIVD said it had watched the hackers of Cozy Bear, a group tied to Russian intelligence, break into the party's network.",
        &[(A, "APT29", "AIVD", Some("Netherlands"))],
    ),
    (
        "\"We judge that North Korean actors were responsible for this theft,\" the FBI said in a statement on Friday.",
        &[(A, "North Korea", "FBI", Some("United States"))],
    ),
    (
        "The Biden administration on Monday formally blamed China for the hack of Microsoft's email servers.",
        &[(A, "China", "administration", Some("United States"))],
    ),
    (
        "Secretary of State Daniel Byrne said the United States and its allies had high confidence that the attack was carried out by Russia's military intelligence.",
        &[(A, "Russia", "Byrne", Some("United States"))],
    ),
    (
        "In an advisory, CISA warned that hackers sponsored by the Iranian government were exploiting known flaws to gain access to networks.",
        &[(A, "Iran", "cybersecurity", Some("United States"))],
    ),
    (
        "Denmark's defence intelligence service said on Thursday that it assessed with high confidence that pro-Russian hackers had carried out the attack.",
        &[],
    ),
    (
        "Sweden's prime minister said the cyberattack on the government's systems bore the hallmarks of a Russian operation.",
        &[(A, "Russia", "", Some("Sweden"))],
    ),
    (
        "Romania's intelligence service, SRI, said the attacks on the election infrastructure came from a state actor, which it identified as Russia.",
        &[(A, "Russia", "", Some("Romania"))],
    ),

    // The accuser inside a relative clause about the operation.
    (
        "The intrusion, which U.S. officials attributed to Chinese state hackers, exposed the data of 22 million people.",
        &[(A, "China", "officials", Some("United States"))],
    ),
    (
        "The parliament was hit by a cyberattack last year which German authorities blamed on APT28.",
        &[(A, "APT28", "authorities", Some("Germany"))],
    ),
    (
        "The breach, which Microsoft said was the work of a Chinese group, affected 30,000 organisations.",
        &[(A, "China", "microsoft", Some("United States"))],
    ),
    (
        "The Russian ambassador was summoned over cyberattacks on Czech institutions, which Czech intelligence services linked to the hacker group APT28.",
        &[(A, "APT28", "intelligence", Some("Czech Republic"))],
    ),
    (
        "The intrusions, which the FBI tied to North Korea, began in May.",
        &[(A, "North Korea", "FBI", Some("United States"))],
    ),

    // One party, one claim: its names vary, its target grows specific.
    (
        "Britain accused Russia's GRU of being behind a series of cyberattacks. The British government said the GRU was almost certainly behind the attacks.",
        &[(A, "Russia", "government", Some("United Kingdom"))],
    ),
    (
        "The Czech Foreign Ministry said government institutions had come under attack from Russia-linked hackers. According to the Czech ministry, behind the attacks is a group called APT28.",
        &[(A, "APT28", "foreign ministry", Some("Czech Republic"))],
    ),

    (
        "The U.S. Justice Department on Monday charged seven Chinese nationals with conspiring to hack into the computers of U.S. officials. The hackers worked for a front company, which prosecutors said was operated by China's Ministry of State Security.",
        &[(A, "China", "justice", Some("United States"))],
    ),
    (
        "The National Cyber Security Centre said it was almost certain that Star Blizzard was subordinate to the FSB's Centre 18. The agency said the group had targeted parliamentarians from several parties.",
        &[
            (S, "Star Blizzard", "cyber security centre", Some("United Kingdom")),
            (A, "Star Blizzard", "cyber security centre", Some("United Kingdom")),
        ],
    ),

    // Several accusers: lists, unnamed allies, statements' authors.
    (
        "The United States and its allies, including NATO, the European Union, Britain and Japan, on Monday accused China of a global cyber espionage campaign.",
        &[
            (A, "China", "", Some("United States")),
            (A, "China", "NATO", Some("NATO")),
            (A, "China", "", Some("European Union")),
            (A, "China", "", Some("United Kingdom")),
            (A, "China", "", Some("Japan")),
        ],
    ),
    (
        "The United States and its allies, including Britain and Japan, accused China of a global cyber espionage campaign.",
        &[
            (A, "China", "", Some("United States")),
            (A, "China", "", Some("United Kingdom")),
            (A, "China", "", Some("Japan")),
        ],
    ),
    (
        "Statement by the governments of Estonia, Latvia and Lithuania\n\nWe strongly condemn the malicious cyber activities carried out by Russia's military intelligence service against our national institutions. These attacks were conducted by APT28.",
        &[
            (A, "Russia", "", Some("Estonia")),
            (A, "Russia", "", Some("Latvia")),
            (A, "Russia", "", Some("Lithuania")),
            (A, "APT28", "", Some("Estonia")),
            (A, "APT28", "", Some("Latvia")),
            (A, "APT28", "", Some("Lithuania")),
        ],
    ),
    (
        "Officials said there were indications that Russian military intelligence was involved.",
        &[(A, "Russia", "officials", None)],
    ),

    // Unnamed voices given their party: datelines, asides, titles alone.
    (
        "WASHINGTON (Reuters) - Officials said on Monday that Chinese hackers had breached the agency's networks.",
        &[(A, "China", "officials", Some("United States"))],
    ),
    (
        "Investigators have concluded that North Korea was behind the heist, the FBI said.",
        &[(A, "North Korea", "FBI", Some("United States"))],
    ),
    (
        "A senior administration official, speaking on condition of anonymity, said Russia was responsible for the intrusion.",
        &[(A, "Russia", "administration", Some("United States"))],
    ),
    (
        "Britain's foreign secretary, speaking in parliament, said the GRU had attacked the chemical weapons watchdog.",
        &[(A, "Russia", "foreign office", Some("United Kingdom"))],
    ),
    (
        "The attack was launched from servers abroad, according to Ukraine's cyber police, who said the hackers worked for the FSB.",
        &[(A, "Russia", "cyber police", Some("Ukraine"))],
    ),
    (
        "The National Cyber Security Centre published its findings. A spokesperson said the GRU was responsible for the attacks.",
        &[(A, "Russia", "cyber security centre", Some("United Kingdom"))],
    ),

    // Companies and the context's state.
    (
        "CrowdStrike, which investigated the breach, said two groups linked to Russian intelligence, Fancy Bear and Cozy Bear, had infiltrated the networks.",
        &[
            (A, "APT28", "crowdstrike", None),
            (A, "APT29", "crowdstrike", None),
        ],
    ),
    (
        "The Justice Department on Monday charged four members of China's military with hacking into the credit agency. \"This is the largest theft of sensitive information by state sponsors ever recorded,\" FBI Deputy Director Paul Grant said.",
        &[
            (A, "China", "justice", Some("United States")),
            (A, "China", "Grant", Some("United States")),
        ],
    ),

    (
        "Britain accused Russia's GRU of attacking the chemical weapons watchdog. \"These hackers have attacked our institutions for years,\" Foreign Secretary Helen Marsh said.",
        &[
            (A, "Russia", "government", Some("United Kingdom")),
            (A, "Russia", "Marsh", Some("United Kingdom")),
        ],
    ),
    // An interviewee's post, given after the name in the introduction.
    (
        "Kate Morris talks to Daniel Voss, head of Germany's Federal Office for Information Security.\n\nKate Morris: Who was behind the attack on the parliament?\nDaniel Voss: We have enough information to conclude that APT28 was responsible for the attack.",
        &[(A, "APT28", "Voss", Some("Germany"))],
    ),

    (
        "Deputy Attorney General Rod Miller said the officers belonged to GRU Units 26165 and 74455 and hacked the party's computers.",
        &[
            (A, "APT28", "Miller", Some("United States")),
            (A, "Sandworm", "Miller", Some("United States")),
        ],
    ),

    // The accused placed in a group the story names only in passing.
    (
        "The Justice Department accused Chinese state hackers of breaking into the networks of defence contractors. The men belong to a group that researchers call APT40.",
        &[
            (A, "China", "justice", Some("United States")),
            (A, "APT40", "justice", Some("United States")),
        ],
    ),

    (
        "The advisory, released by the FBI, the NSA and Australia's ASD, said APT40 had exploited vulnerabilities in public-facing applications.",
        &[
            (A, "APT40", "FBI", Some("United States")),
            (A, "APT40", "NSA", Some("United States")),
            (A, "APT40", "signals", Some("Australia")),
        ],
    ),
    (
        "The governments of Australia, Canada and New Zealand today attributed the campaign to Russia's GRU.",
        &[
            (A, "Russia", "australian", Some("Australia")),
            (A, "Russia", "canadian", Some("Canada")),
            (A, "Russia", "new zealand government", Some("New Zealand")),
        ],
    ),

    // A speaker the rules cannot resolve makes no claim.
    (
        "A document that circulated widely in the capital last month said Russian hackers were behind the attack.",
        &[],
    ),
    // Commentators attribute without accusing.
    (
        "\"All the signs point to a North Korean operation,\" said Peter Lindgren, a researcher at a university in Stockholm.",
        &[(S, "North Korea", "Lindgren", None)],
    ),
    // Nothing attributed.
    (
        "Experts said it was too early to say who was behind the attack on the hospital.",
        &[],
    ),
    (
        "The government has not attributed the attack to any country.",
        &[],
    ),
    (
        "The ministry said it was investigating a cyberattack on its computer systems.",
        &[],
    ),
    (
        "Officials declined to say whether Russia was responsible for the outage.",
        &[],
    ),
];

/// Passages still misread, with what the reader finds today (FIXME: each
/// belongs in [`CASES`] with the claim written beside it).
const FIXME: &[(&str, &[Want])] = &[
    // "the minister" is named only in the next sentence ("The Ukrainian
    // minister said"); it should be (A, "Russia", "minister", Some("Ukraine")).
    (
        "\"Russia was behind the cyberattack on the power grid,\" the minister told parliament, referring to the incident in December. The Ukrainian minister said the attackers had used malware to cut power to 200,000 customers.",
        &[],
    ),
    // The quote's accusation is in its second sentence, whose "evidence
    // points clearly to" is an evidence cue, not a word tying the party to
    // an operation; it should be (A, "Russia", "defence", Some("Denmark")).
    (
        "\"This was a reckless and irresponsible attack. The evidence points clearly to the Russian government,\" the Danish defence minister said.",
        &[],
    ),
    // "established links between X and Y" ties no party to an operation;
    // it should be (A, "China", "GCSB", Some("New Zealand")).
    (
        "New Zealand's GCSB said it had established links between Chinese state-sponsored actors and the compromise of the parliamentary network.",
        &[],
    ),
];

fn claims_of(text: &str) -> Vec<RawClaim> {
    let c = crate::clean::clean(text.as_bytes(), Some(crate::clean::Format::Text));
    extract(&c)
}

fn matches(c: &RawClaim, w: &Want) -> bool {
    let (kind, target, word, country) = *w;
    let word = word.to_lowercase();
    let named = [c.speaker.as_deref(), c.speaker_org.as_deref()]
        .into_iter()
        .flatten()
        .any(|n| n.to_lowercase().contains(&word));
    c.kind == kind
        && c.target_canonical.as_deref() == Some(target)
        && named
        && (country.is_none() || c.speaker_country.as_deref() == country)
}

fn show(c: &RawClaim) -> String {
    format!(
        "{:?} {:?} by {:?} / {:?} / {:?}",
        c.kind, c.target_canonical, c.speaker, c.speaker_org, c.speaker_country
    )
}

#[test]
fn accusations_as_the_news_reports_them() {
    let mut bad = Vec::new();
    for (text, wants) in CASES.iter().chain(FIXME) {
        let got = claims_of(text);
        let missing: Vec<&Want> = wants
            .iter()
            .filter(|w| !got.iter().any(|c| matches(c, w)))
            .collect();
        let extra: Vec<&RawClaim> = got
            .iter()
            .filter(|c| !wants.iter().any(|w| matches(c, w)))
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            bad.push(format!(
                "{text}\n  missing: {missing:?}\n  found: {:?}",
                extra.iter().map(|c| show(c)).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} passages misread:\n{}",
        bad.len(),
        CASES.len() + FIXME.len(),
        bad.join("\n")
    );
}
