//! Government bodies (agencies, ministries, offices) with their country, and
//! the role titles that mark a speaker in news text.

/// What sort of body it is; intelligence and military bodies are state organs
/// an accusation can name as the perpetrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Intelligence,
    Military,
    Cyber,
    Ministry,
    Executive,
    LawEnforcement,
    Legislature,
    Embassy,
    International,
    Media,
    Company,
}

/// One government body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyDef {
    /// Canonical organisation name ("UK National Cyber Security Centre").
    pub name: &'static str,
    /// Country name as in [`crate::states::STATES`], or a bloc.
    pub country: &'static str,
    pub kind: BodyKind,
    /// Acronyms and other names as news writes them.
    pub aliases: &'static [&'static str],
}

macro_rules! b {
    ($name:expr, $country:expr, $kind:ident, [$($a:expr),*]) => {
        BodyDef { name: $name, country: $country, kind: BodyKind::$kind, aliases: &[$($a),*] }
    };
}

/// The built-in bodies.
pub const BODIES: &[BodyDef] = &[
    // United Kingdom
    b!(
        "UK National Cyber Security Centre",
        "United Kingdom",
        Cyber,
        [
            "NCSC",
            "National Cyber Security Centre",
            "National Cyber Security Center"
        ]
    ),
    b!(
        "GCHQ",
        "United Kingdom",
        Intelligence,
        ["GCHQ", "Government Communications Headquarters"]
    ),
    b!(
        "MI5",
        "United Kingdom",
        Intelligence,
        ["MI5", "Security Service"]
    ),
    b!(
        "MI6",
        "United Kingdom",
        Intelligence,
        ["MI6", "Secret Intelligence Service", "SIS"]
    ),
    b!(
        "UK Foreign Office",
        "United Kingdom",
        Ministry,
        [
            "Foreign Office",
            "Foreign, Commonwealth and Development Office",
            "Foreign and Commonwealth Office",
            "FCDO",
            "FCO"
        ]
    ),
    b!(
        "UK Home Office",
        "United Kingdom",
        Ministry,
        ["Home Office"]
    ),
    b!(
        "UK Ministry of Defence",
        "United Kingdom",
        Ministry,
        ["Ministry of Defence", "MoD"]
    ),
    b!(
        "UK Parliament Intelligence and Security Committee",
        "United Kingdom",
        Legislature,
        [
            "Intelligence and Security Committee",
            "parliamentary intelligence committee"
        ]
    ),
    // United States
    b!(
        "US Federal Bureau of Investigation",
        "United States",
        LawEnforcement,
        ["FBI", "Federal Bureau of Investigation"]
    ),
    b!(
        "US National Security Agency",
        "United States",
        Intelligence,
        ["NSA", "National Security Agency"]
    ),
    b!(
        "US Central Intelligence Agency",
        "United States",
        Intelligence,
        ["CIA", "Central Intelligence Agency"]
    ),
    b!(
        "US Office of the Director of National Intelligence",
        "United States",
        Intelligence,
        [
            "ODNI",
            "Office of the Director of National Intelligence",
            "Director of National Intelligence",
            "DNI"
        ]
    ),
    b!(
        "US Cybersecurity and Infrastructure Security Agency",
        "United States",
        Cyber,
        [
            "CISA",
            "Cybersecurity and Infrastructure Security Agency",
            "US-CERT"
        ]
    ),
    b!(
        "US Department of Justice",
        "United States",
        LawEnforcement,
        ["Department of Justice", "Justice Department", "DOJ", "DoJ"]
    ),
    b!(
        "US Department of Homeland Security",
        "United States",
        Ministry,
        ["Department of Homeland Security", "DHS"]
    ),
    b!(
        "US State Department",
        "United States",
        Ministry,
        ["State Department", "Department of State"]
    ),
    b!(
        "US Treasury",
        "United States",
        Ministry,
        [
            "Treasury Department",
            "Department of the Treasury",
            "US Treasury",
            "OFAC"
        ]
    ),
    b!(
        "US Department of Defense",
        "United States",
        Ministry,
        ["Pentagon", "Department of Defense", "DoD"]
    ),
    b!(
        "US Cyber Command",
        "United States",
        Military,
        ["Cyber Command", "USCYBERCOM"]
    ),
    b!(
        "US intelligence community",
        "United States",
        Intelligence,
        [
            "US intelligence community",
            "U.S. intelligence community",
            "American intelligence community",
            "intelligence community"
        ]
    ),
    b!(
        "US Congress",
        "United States",
        Legislature,
        [
            "Congress",
            "Senate Intelligence Committee",
            "House Intelligence Committee"
        ]
    ),
    // Russia
    b!(
        "FSB",
        "Russia",
        Intelligence,
        ["FSB", "Federal Security Service"]
    ),
    b!(
        "GRU",
        "Russia",
        Military,
        [
            "GRU",
            "GU",
            "Main Intelligence Directorate",
            "military intelligence",
            "Russian military intelligence",
            "Main Directorate of the General Staff"
        ]
    ),
    b!(
        "SVR",
        "Russia",
        Intelligence,
        [
            "SVR",
            "Foreign Intelligence Service of the Russian Federation",
            "Russian Foreign Intelligence Service"
        ]
    ),
    b!(
        "Russian National Computer Incident Coordination Centre",
        "Russia",
        Cyber,
        [
            "NCIRCC",
            "National Computer Incident Coordination Centre",
            "National Coordination Center for Computer Incidents"
        ]
    ),
    b!(
        "Russian Ministry of Foreign Affairs",
        "Russia",
        Ministry,
        [
            "Russian Foreign Ministry",
            "Russian foreign ministry",
            "Russian Ministry of Foreign Affairs",
            "Russian MFA"
        ]
    ),
    b!(
        "Russian Embassy",
        "Russia",
        Embassy,
        [
            "Russian Embassy",
            "Russian embassy",
            "Embassy of Russia",
            "Russian Embassy in London",
            "Russian Embassy in Washington"
        ]
    ),
    // China
    b!(
        "MSS",
        "China",
        Intelligence,
        ["MSS", "Ministry of State Security"]
    ),
    b!(
        "PLA",
        "China",
        Military,
        [
            "PLA",
            "People's Liberation Army",
            "PLA Unit 61398",
            "Unit 61398"
        ]
    ),
    b!(
        "Chinese Ministry of Foreign Affairs",
        "China",
        Ministry,
        [
            "Chinese Foreign Ministry",
            "Chinese foreign ministry",
            "Chinese Ministry of Foreign Affairs",
            "China's Foreign Ministry",
            "China's foreign ministry"
        ]
    ),
    b!(
        "Chinese Embassy",
        "China",
        Embassy,
        ["Chinese Embassy", "Chinese embassy", "Embassy of China"]
    ),
    b!(
        "Ministry of Public Security",
        "China",
        LawEnforcement,
        ["Ministry of Public Security", "MPS"]
    ),
    // North Korea
    b!(
        "Reconnaissance General Bureau",
        "North Korea",
        Intelligence,
        ["RGB", "Reconnaissance General Bureau"]
    ),
    b!(
        "North Korean Ministry of Foreign Affairs",
        "North Korea",
        Ministry,
        [
            "North Korean Foreign Ministry",
            "North Korean foreign ministry",
            "KCNA",
            "Korean Central News Agency"
        ]
    ),
    // Iran
    b!(
        "IRGC",
        "Iran",
        Military,
        [
            "IRGC",
            "Islamic Revolutionary Guard Corps",
            "Revolutionary Guards",
            "Revolutionary Guard"
        ]
    ),
    b!(
        "Iranian Ministry of Intelligence",
        "Iran",
        Intelligence,
        [
            "MOIS",
            "Ministry of Intelligence and Security",
            "Iranian Ministry of Intelligence",
            // Its official English name (the ministry's own usage).
            "Ministry of Intelligence"
        ]
    ),
    b!(
        "Iranian Ministry of Foreign Affairs",
        "Iran",
        Ministry,
        ["Iranian Foreign Ministry", "Iranian foreign ministry"]
    ),
    // Germany
    b!(
        "German Federal Intelligence Service (BND)",
        "Germany",
        Intelligence,
        [
            "BND",
            "Bundesnachrichtendienst",
            "Federal Intelligence Service",
            "foreign intelligence agency"
        ]
    ),
    b!(
        "German Federal Office for the Protection of the Constitution (BfV)",
        "Germany",
        Intelligence,
        [
            "BfV",
            "Bundesamt für Verfassungsschutz",
            "Federal Office for the Protection of the Constitution",
            "domestic intelligence agency"
        ]
    ),
    b!(
        "German Federal Office for Information Security (BSI)",
        "Germany",
        Cyber,
        ["BSI", "Federal Office for Information Security"]
    ),
    b!(
        "German Foreign Office",
        "Germany",
        Ministry,
        [
            "Auswärtiges Amt",
            "German Foreign Office",
            "German foreign ministry"
        ]
    ),
    // France
    b!(
        "ANSSI",
        "France",
        Cyber,
        ["ANSSI", "National Cybersecurity Agency of France"]
    ),
    b!("DGSE", "France", Intelligence, ["DGSE"]),
    // Netherlands
    b!(
        "AIVD",
        "Netherlands",
        Intelligence,
        ["AIVD", "General Intelligence and Security Service"]
    ),
    b!(
        "MIVD",
        "Netherlands",
        Intelligence,
        ["MIVD", "Military Intelligence and Security Service"]
    ),
    // Five Eyes others
    b!(
        "Canadian Centre for Cyber Security",
        "Canada",
        Cyber,
        ["Canadian Centre for Cyber Security", "CCCS"]
    ),
    b!(
        "Communications Security Establishment",
        "Canada",
        Intelligence,
        ["CSE", "Communications Security Establishment", "CSEC"]
    ),
    b!(
        "Australian Signals Directorate",
        "Australia",
        Intelligence,
        [
            "ASD",
            "Australian Signals Directorate",
            "ACSC",
            "Australian Cyber Security Centre"
        ]
    ),
    b!(
        "Australian Security Intelligence Organisation",
        "Australia",
        Intelligence,
        ["ASIO"]
    ),
    b!(
        "GCSB",
        "New Zealand",
        Intelligence,
        ["GCSB", "Government Communications Security Bureau"]
    ),
    // Others
    b!(
        "Ukrainian Security Service (SBU)",
        "Ukraine",
        Intelligence,
        ["SBU", "Security Service of Ukraine"]
    ),
    b!("CERT-UA", "Ukraine", Cyber, ["CERT-UA"]),
    b!(
        "Israel National Cyber Directorate",
        "Israel",
        Cyber,
        ["Israel National Cyber Directorate", "INCD"]
    ),
    b!("Mossad", "Israel", Intelligence, ["Mossad"]),
    b!("Unit 8200", "Israel", Military, ["Unit 8200"]),
    b!(
        "South Korean National Intelligence Service",
        "South Korea",
        Intelligence,
        ["National Intelligence Service", "NIS"]
    ),
    // National cyber and intelligence agencies of further states, by the
    // names their governments publish.
    b!(
        "Czech National Cyber and Information Security Agency",
        "Czech Republic",
        Cyber,
        [
            "NÚKIB",
            "NUKIB",
            "National Cyber and Information Security Agency"
        ]
    ),
    b!(
        "Czech Security Information Service",
        "Czech Republic",
        Intelligence,
        ["Security Information Service", "BIS counterintelligence"]
    ),
    b!(
        "Estonian Foreign Intelligence Service",
        "Estonia",
        Intelligence,
        ["Estonian Foreign Intelligence Service", "Välisluureamet"]
    ),
    b!(
        "Estonian Internal Security Service",
        "Estonia",
        Intelligence,
        [
            "Estonian Internal Security Service",
            "KAPO",
            "Kaitsepolitsei"
        ]
    ),
    b!(
        "Estonian Information System Authority",
        "Estonia",
        Cyber,
        ["Information System Authority", "Riigi Infosüsteemi Amet"]
    ),
    b!(
        "Polish Internal Security Agency",
        "Poland",
        Intelligence,
        ["Polish Internal Security Agency", "ABW"]
    ),
    b!(
        "Lithuanian National Cyber Security Centre",
        "Lithuania",
        Cyber,
        ["NKSC"]
    ),
    b!(
        "Finnish Security and Intelligence Service",
        "Finland",
        Intelligence,
        [
            "Finnish Security and Intelligence Service",
            "Finnish Security Intelligence Service",
            "Supo"
        ]
    ),
    b!(
        "Norwegian Police Security Service",
        "Norway",
        Intelligence,
        ["Norwegian Police Security Service"]
    ),
    b!(
        "Swedish Security Service",
        "Sweden",
        Intelligence,
        ["Swedish Security Service", "Säpo"]
    ),
    b!(
        "Danish Centre for Cyber Security",
        "Denmark",
        Cyber,
        [
            "Danish Centre for Cyber Security",
            "Danish Center for Cyber Security"
        ]
    ),
    b!(
        "Centre for Cybersecurity Belgium",
        "Belgium",
        Cyber,
        ["Centre for Cybersecurity Belgium"]
    ),
    b!(
        "Spanish National Cryptologic Centre",
        "Spain",
        Intelligence,
        ["National Cryptologic Centre", "CCN-CERT"]
    ),
    b!(
        "Italian National Cybersecurity Agency",
        "Italy",
        Cyber,
        [
            "Italian National Cybersecurity Agency",
            "Agenzia per la Cybersicurezza Nazionale"
        ]
    ),
    b!(
        "Japanese National Police Agency",
        "Japan",
        LawEnforcement,
        [
            "Japanese National Police Agency",
            "Japan's National Police Agency"
        ]
    ),
    b!(
        "Japanese National Center of Incident Readiness and Strategy for Cybersecurity",
        "Japan",
        Cyber,
        [
            "NISC",
            "National Center of Incident Readiness and Strategy for Cybersecurity"
        ]
    ),
    b!(
        "Korea Internet and Security Agency",
        "South Korea",
        Cyber,
        [
            "KISA",
            "Korea Internet and Security Agency",
            "Korea Internet & Security Agency"
        ]
    ),
    b!(
        "Taiwanese National Security Bureau",
        "Taiwan",
        Intelligence,
        [
            "Taiwanese National Security Bureau",
            "Taiwan's National Security Bureau"
        ]
    ),
    b!(
        "Netherlands National Cyber Security Centre",
        "Netherlands",
        Cyber,
        ["NCSC-NL"]
    ),
    b!(
        "New Zealand National Cyber Security Centre",
        "New Zealand",
        Cyber,
        ["NCSC NZ", "NCSC-NZ"]
    ),
    b!(
        "Council of the European Union",
        "European Union",
        International,
        [
            "Council of the European Union",
            "EU Council",
            "European Council",
            "Council of the EU"
        ]
    ),
    b!(
        "European Commission",
        "European Union",
        International,
        ["European Commission"]
    ),
    b!(
        "NATO",
        "NATO",
        International,
        [
            "NATO",
            "North Atlantic Treaty Organization",
            "North Atlantic Council"
        ]
    ),
    b!(
        "United Nations",
        "",
        International,
        ["United Nations", "UN Security Council", "UN"]
    ),
    // Companies that make formal attributions
    b!(
        "Microsoft",
        "United States",
        Company,
        ["Microsoft", "MSTIC", "Microsoft Threat Intelligence"]
    ),
    b!(
        "Google",
        "United States",
        Company,
        ["Google", "Google Threat Analysis Group"]
    ),
    // Security vendors that publish attributions under their own names
    // (Mandiant kept its name after Google bought it in 2022).
    b!(
        "Mandiant",
        "United States",
        Company,
        ["Mandiant", "Mandiant Threat Intelligence"]
    ),
    b!(
        "Palo Alto Networks",
        "United States",
        Company,
        ["Palo Alto Networks", "Unit 42"]
    ),
    b!(
        "Secureworks",
        "United States",
        Company,
        ["Secureworks", "SecureWorks"]
    ),
    b!("Proofpoint", "United States", Company, ["Proofpoint"]),
    b!(
        "Cisco Talos",
        "United States",
        Company,
        ["Cisco Talos", "Talos"]
    ),
    b!(
        "SentinelOne",
        "United States",
        Company,
        ["SentinelOne", "SentinelLabs"]
    ),
    b!("Dragos", "United States", Company, ["Dragos"]),
    b!(
        "Check Point",
        "Israel",
        Company,
        ["Check Point", "Check Point Research"]
    ),
    b!("Trend Micro", "Japan", Company, ["Trend Micro"]),
    b!("Group-IB", "Singapore", Company, ["Group-IB"]),
    b!(
        "Positive Technologies",
        "Russia",
        Company,
        ["Positive Technologies"]
    ),
    b!("Qihoo 360", "China", Company, ["Qihoo 360", "Qihoo"]),
    b!("CrowdStrike", "United States", Company, ["CrowdStrike"]),
    b!("FireEye", "United States", Company, ["FireEye"]),
    b!(
        "Kaspersky",
        "Russia",
        Company,
        ["Kaspersky", "Kaspersky Lab"]
    ),
    b!("ESET", "Slovakia", Company, ["ESET"]),
    b!("Symantec", "United States", Company, ["Symantec"]),
    b!(
        "Recorded Future",
        "United States",
        Company,
        ["Recorded Future"]
    ),
    // Media that news text cites as the source of a report
    b!("RIA Novosti", "Russia", Media, ["RIA Novosti", "RIA"]),
    b!("TASS", "Russia", Media, ["TASS", "Tass"]),
    b!("Interfax", "Russia", Media, ["Interfax"]),
    b!("Xinhua", "China", Media, ["Xinhua"]),
    // State media that carry their governments' replies.
    b!(
        "Korean Central News Agency (KCNA)",
        "North Korea",
        Media,
        ["KCNA", "Korean Central News Agency"]
    ),
    b!("Global Times", "China", Media, ["Global Times"]),
    b!(
        "China Central Television (CCTV)",
        "China",
        Media,
        ["CCTV", "China Central Television"]
    ),
    b!("China Daily", "China", Media, ["China Daily"]),
    b!(
        "People's Daily",
        "China",
        Media,
        ["People's Daily", "People’s Daily"]
    ),
    b!("Sputnik", "Russia", Media, ["Sputnik"]),
    b!(
        "Islamic Republic News Agency (IRNA)",
        "Iran",
        Media,
        ["IRNA", "Islamic Republic News Agency"]
    ),
    b!("Press TV", "Iran", Media, ["Press TV"]),
    b!("Tasnim News Agency", "Iran", Media, ["Tasnim"]),
    b!(
        "Corriere della Sera",
        "Italy",
        Media,
        ["Corriere della Sera"]
    ),
    b!("Reuters", "United Kingdom", Media, ["Reuters"]),
    b!("BBC", "United Kingdom", Media, ["BBC"]),
    b!(
        "The New York Times",
        "United States",
        Media,
        ["New York Times"]
    ),
    b!(
        "The Washington Post",
        "United States",
        Media,
        ["Washington Post"]
    ),
];

/// A title that marks a speaker's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitleDef {
    /// The title as news writes it, lower case ("foreign secretary").
    pub title: &'static str,
    /// The organisation the holder speaks for, generic ("Foreign Office");
    /// `executive` means the state's seat of government (Kremlin, White House).
    pub org: TitleOrg,
    /// Whether a speaker with this title speaks officially for a state.
    pub official: bool,
    /// A country the title implies on its own ("Foreign Secretary" is British).
    pub implies_country: Option<&'static str>,
}

/// The organisation a title speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleOrg {
    /// The state's executive seat (Kremlin, White House, Downing Street).
    Executive,
    /// A named ministry or office, prefixed by the state adjective when known.
    Named(&'static str),
    /// The speaker's own organisation, found nearby in the text.
    Own,
    /// Not an official role.
    None,
}

macro_rules! t {
    ($t:expr, exec, $c:expr) => {
        TitleDef {
            title: $t,
            org: TitleOrg::Executive,
            official: true,
            implies_country: $c,
        }
    };
    ($t:expr, own) => {
        TitleDef {
            title: $t,
            org: TitleOrg::Own,
            official: true,
            implies_country: None,
        }
    };
    ($t:expr, unofficial) => {
        TitleDef {
            title: $t,
            org: TitleOrg::None,
            official: false,
            implies_country: None,
        }
    };
    ($t:expr, $org:expr, $c:expr) => {
        TitleDef {
            title: $t,
            org: TitleOrg::Named($org),
            official: true,
            implies_country: $c,
        }
    };
}

/// The built-in role titles.
pub const TITLES: &[TitleDef] = &[
    t!("presidential spokesman", exec, None),
    t!("presidential spokeswoman", exec, None),
    t!("presidential spokesperson", exec, None),
    t!("presidential press secretary", exec, None),
    t!("kremlin spokesman", exec, Some("Russia")),
    t!("kremlin spokeswoman", exec, Some("Russia")),
    t!("white house spokesman", exec, Some("United States")),
    t!("white house spokeswoman", exec, Some("United States")),
    t!("white house press secretary", exec, Some("United States")),
    t!("press secretary", exec, None),
    t!("president", exec, None),
    t!("secretary general", own),
    t!("secretary-general", own),
    t!("president-elect", exec, None),
    t!("prime minister", exec, None),
    t!("chancellor", exec, None),
    t!("head of state", exec, None),
    t!(
        "foreign secretary",
        "Foreign Office",
        Some("United Kingdom")
    ),
    t!("home secretary", "Home Office", Some("United Kingdom")),
    t!("defence secretary", "Ministry of Defence", None),
    t!(
        "defense secretary",
        "Department of Defense",
        Some("United States")
    ),
    t!(
        "secretary of state",
        "State Department",
        Some("United States")
    ),
    // "Department of Justice" is the US name (Britain's attorney general
    // heads the Attorney General's Office, Australia's a department of
    // another name).
    t!(
        "attorney general",
        "Department of Justice",
        Some("United States")
    ),
    t!(
        "deputy attorney general",
        "Department of Justice",
        Some("United States")
    ),
    t!("foreign minister", "Ministry of Foreign Affairs", None),
    t!(
        "deputy foreign minister",
        "Ministry of Foreign Affairs",
        None
    ),
    t!(
        "foreign ministry spokesman",
        "Ministry of Foreign Affairs",
        None
    ),
    t!(
        "foreign ministry spokeswoman",
        "Ministry of Foreign Affairs",
        None
    ),
    t!(
        "foreign ministry spokesperson",
        "Ministry of Foreign Affairs",
        None
    ),
    t!("defence minister", "Ministry of Defence", None),
    t!("defense minister", "Ministry of Defence", None),
    t!("interior minister", "Ministry of the Interior", None),
    t!(
        "national security adviser",
        "National Security Council",
        None
    ),
    t!(
        "national security advisor",
        "National Security Council",
        None
    ),
    t!(
        "director of national intelligence",
        "Office of the Director of National Intelligence",
        Some("United States")
    ),
    t!("ambassador", "Embassy", None),
    t!("envoy", "Embassy", None),
    t!("spokesman", own),
    t!("spokeswoman", own),
    t!("spokesperson", own),
    t!("minister", own),
    t!("director", own),
    t!("chief", own),
    t!("head", own),
    t!("official", own),
    t!("officials", own),
    t!("prosecutor", own),
    t!("prosecutors", own),
    t!("senator", "Congress", Some("United States")),
    t!("analyst", unofficial),
    t!("researcher", unofficial),
    t!("expert", unofficial),
    t!("former ambassador", unofficial),
];
