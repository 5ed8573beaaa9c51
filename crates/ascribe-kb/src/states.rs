//! States: the short English name used as canonical, other names, the
//! adjectives and demonyms news uses, and metonyms (capitals, seats of
//! government) that stand for the state or its government.

/// One state as news refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateDef {
    /// Canonical short English name ("Russia", "United States").
    pub name: &'static str,
    /// ISO 3166-1 alpha-2 code.
    pub iso2: &'static str,
    /// Other names, formal or short ("Russian Federation", "the US").
    pub names: &'static [&'static str],
    /// Adjectives and demonyms ("Russian", "Russians").
    pub adjectives: &'static [&'static str],
    /// Words that stand for the government ("the Kremlin", "Moscow").
    pub metonyms: &'static [&'static str],
    /// The organisation a head-of-state title speaks for ("Kremlin", "White House").
    pub executive: &'static str,
}

macro_rules! st {
    ($name:expr, $iso:expr, [$($n:expr),*], [$($a:expr),*], [$($m:expr),*], $exec:expr) => {
        StateDef { name: $name, iso2: $iso, names: &[$($n),*], adjectives: &[$($a),*], metonyms: &[$($m),*], executive: $exec }
    };
}

/// The built-in states.
pub const STATES: &[StateDef] = &[
    st!(
        "Russia",
        "RU",
        ["Russian Federation", "RF"],
        ["Russian", "Russians"],
        ["Kremlin", "the Kremlin", "Moscow"],
        "Kremlin"
    ),
    st!(
        "China",
        "CN",
        ["People's Republic of China", "PRC", "Mainland China"],
        ["Chinese"],
        ["Beijing", "Zhongnanhai"],
        "Chinese government"
    ),
    st!(
        "North Korea",
        "KP",
        [
            "Democratic People's Republic of Korea",
            "DPRK",
            "Korea (Democratic People's Republic of)"
        ],
        ["North Korean", "North Koreans"],
        ["Pyongyang"],
        "North Korean government"
    ),
    st!(
        "South Korea",
        "KR",
        ["Republic of Korea", "ROK", "Korea (Republic of)"],
        ["South Korean", "South Koreans"],
        ["Seoul"],
        "Blue House"
    ),
    st!(
        "Iran",
        "IR",
        ["Islamic Republic of Iran", "Iran (Islamic Republic of)"],
        ["Iranian", "Iranians"],
        ["Tehran"],
        "Iranian government"
    ),
    st!(
        "United States",
        "US",
        [
            "United States of America",
            "USA",
            "U.S.",
            "U.S.A.",
            "US",
            "America"
        ],
        ["American", "Americans", "US", "U.S."],
        [
            "Washington",
            "the White House",
            "White House",
            "Washington D.C."
        ],
        "White House"
    ),
    st!(
        "United Kingdom",
        "GB",
        ["UK", "U.K.", "Britain", "Great Britain", "England"],
        ["British", "Briton", "Britons"],
        [
            "London",
            "Downing Street",
            "No 10",
            "No.10",
            "Number 10",
            "Whitehall"
        ],
        "Downing Street"
    ),
    st!(
        "Germany",
        "DE",
        ["Federal Republic of Germany"],
        ["German", "Germans"],
        ["Berlin"],
        "German government"
    ),
    st!(
        "France",
        "FR",
        ["French Republic"],
        ["French"],
        ["Paris", "the Elysee", "Elysee Palace", "Élysée"],
        "Elysee"
    ),
    st!(
        "Netherlands",
        "NL",
        ["the Netherlands", "Holland"],
        ["Dutch"],
        ["The Hague", "Amsterdam"],
        "Dutch government"
    ),
    st!(
        "Australia",
        "AU",
        ["Commonwealth of Australia"],
        ["Australian", "Australians"],
        ["Canberra"],
        "Australian government"
    ),
    st!(
        "Canada",
        "CA",
        [],
        ["Canadian", "Canadians"],
        ["Ottawa"],
        "Canadian government"
    ),
    st!(
        "New Zealand",
        "NZ",
        ["NZ"],
        ["New Zealander", "New Zealanders"],
        ["Wellington"],
        "New Zealand government"
    ),
    st!(
        "Japan",
        "JP",
        [],
        ["Japanese"],
        ["Tokyo"],
        "Japanese government"
    ),
    st!(
        "Israel",
        "IL",
        ["State of Israel"],
        ["Israeli", "Israelis"],
        ["Jerusalem", "Tel Aviv"],
        "Israeli government"
    ),
    st!(
        "Ukraine",
        "UA",
        [],
        ["Ukrainian", "Ukrainians"],
        ["Kyiv", "Kiev"],
        "Ukrainian government"
    ),
    st!(
        "Belarus",
        "BY",
        [],
        ["Belarusian", "Belarusians"],
        ["Minsk"],
        "Belarusian government"
    ),
    st!(
        "India",
        "IN",
        [],
        ["Indian", "Indians"],
        ["New Delhi", "Delhi"],
        "Indian government"
    ),
    st!(
        "Pakistan",
        "PK",
        [],
        ["Pakistani", "Pakistanis"],
        ["Islamabad"],
        "Pakistani government"
    ),
    st!(
        "Vietnam",
        "VN",
        ["Viet Nam", "Viet Nam (Socialist Republic of)"],
        ["Vietnamese"],
        ["Hanoi"],
        "Vietnamese government"
    ),
    st!(
        "Turkey",
        "TR",
        ["Türkiye", "Turkiye"],
        ["Turkish", "Turks"],
        ["Ankara"],
        "Turkish government"
    ),
    st!(
        "Syria",
        "SY",
        [],
        ["Syrian", "Syrians"],
        ["Damascus"],
        "Syrian government"
    ),
    st!(
        "Lebanon",
        "LB",
        [],
        ["Lebanese"],
        ["Beirut"],
        "Lebanese government"
    ),
    st!(
        "Saudi Arabia",
        "SA",
        [],
        ["Saudi", "Saudis"],
        ["Riyadh"],
        "Saudi government"
    ),
    st!(
        "United Arab Emirates",
        "AE",
        ["UAE"],
        ["Emirati", "Emiratis"],
        ["Abu Dhabi"],
        "Emirati government"
    ),
    st!("Qatar", "QA", [], ["Qatari"], ["Doha"], "Qatari government"),
    st!(
        "Egypt",
        "EG",
        [],
        ["Egyptian", "Egyptians"],
        ["Cairo"],
        "Egyptian government"
    ),
    st!(
        "Italy",
        "IT",
        [],
        ["Italian", "Italians"],
        ["Rome"],
        "Italian government"
    ),
    st!(
        "Spain",
        "ES",
        [],
        ["Spanish"],
        ["Madrid"],
        "Spanish government"
    ),
    st!(
        "Poland",
        "PL",
        [],
        ["Polish", "Poles"],
        ["Warsaw"],
        "Polish government"
    ),
    st!(
        "Estonia",
        "EE",
        [],
        ["Estonian", "Estonians"],
        ["Tallinn"],
        "Estonian government"
    ),
    st!(
        "Latvia",
        "LV",
        [],
        ["Latvian", "Latvians"],
        ["Riga"],
        "Latvian government"
    ),
    st!(
        "Lithuania",
        "LT",
        [],
        ["Lithuanian", "Lithuanians"],
        ["Vilnius"],
        "Lithuanian government"
    ),
    st!(
        "Finland",
        "FI",
        [],
        ["Finnish", "Finns"],
        ["Helsinki"],
        "Finnish government"
    ),
    st!(
        "Sweden",
        "SE",
        [],
        ["Swedish", "Swedes"],
        ["Stockholm"],
        "Swedish government"
    ),
    st!(
        "Norway",
        "NO",
        [],
        ["Norwegian", "Norwegians"],
        ["Oslo"],
        "Norwegian government"
    ),
    st!(
        "Denmark",
        "DK",
        [],
        ["Danish", "Danes"],
        ["Copenhagen"],
        "Danish government"
    ),
    st!(
        "Belgium",
        "BE",
        [],
        ["Belgian", "Belgians"],
        ["Brussels"],
        "Belgian government"
    ),
    st!(
        "Switzerland",
        "CH",
        [],
        ["Swiss"],
        ["Bern"],
        "Swiss government"
    ),
    st!(
        "Austria",
        "AT",
        [],
        ["Austrian", "Austrians"],
        ["Vienna"],
        "Austrian government"
    ),
    st!(
        "Czech Republic",
        "CZ",
        ["Czechia"],
        ["Czech"],
        ["Prague"],
        "Czech government"
    ),
    st!(
        "Georgia",
        "GE",
        [],
        ["Georgian"],
        ["Tbilisi"],
        "Georgian government"
    ),
    st!(
        "Taiwan",
        "TW",
        ["Republic of China", "ROC"],
        ["Taiwanese"],
        ["Taipei"],
        "Taiwanese government"
    ),
    st!(
        "Kazakhstan",
        "KZ",
        [],
        ["Kazakh", "Kazakhstani"],
        ["Astana"],
        "Kazakh government"
    ),
    st!(
        "Venezuela",
        "VE",
        [],
        ["Venezuelan", "Venezuelans"],
        ["Caracas"],
        "Venezuelan government"
    ),
    st!(
        "Cuba",
        "CU",
        [],
        ["Cuban", "Cubans"],
        ["Havana"],
        "Cuban government"
    ),
    st!(
        "Brazil",
        "BR",
        [],
        ["Brazilian", "Brazilians"],
        ["Brasilia", "Brasília"],
        "Brazilian government"
    ),
    st!(
        "Mexico",
        "MX",
        [],
        ["Mexican", "Mexicans"],
        ["Mexico City"],
        "Mexican government"
    ),
    st!(
        "Singapore",
        "SG",
        [],
        ["Singaporean"],
        [],
        "Singaporean government"
    ),
    st!(
        "Malaysia",
        "MY",
        [],
        ["Malaysian"],
        ["Kuala Lumpur"],
        "Malaysian government"
    ),
    st!(
        "Indonesia",
        "ID",
        [],
        ["Indonesian"],
        ["Jakarta"],
        "Indonesian government"
    ),
    st!(
        "Philippines",
        "PH",
        ["the Philippines"],
        ["Philippine", "Filipino"],
        ["Manila"],
        "Philippine government"
    ),
    st!(
        "Thailand",
        "TH",
        [],
        ["Thai"],
        ["Bangkok"],
        "Thai government"
    ),
    st!(
        "Iraq",
        "IQ",
        [],
        ["Iraqi", "Iraqis"],
        ["Baghdad"],
        "Iraqi government"
    ),
    st!(
        "Palestine",
        "PS",
        ["Gaza", "Palestinian territories"],
        ["Palestinian", "Palestinians"],
        ["Ramallah"],
        "Palestinian Authority"
    ),
    st!(
        "Nigeria",
        "NG",
        [],
        ["Nigerian", "Nigerians"],
        ["Abuja"],
        "Nigerian government"
    ),
    st!(
        "South Africa",
        "ZA",
        [],
        ["South African"],
        ["Pretoria"],
        "South African government"
    ),
    st!(
        "Ireland",
        "IE",
        ["Republic of Ireland"],
        ["Irish"],
        ["Dublin"],
        "Irish government"
    ),
    st!(
        "Romania",
        "RO",
        [],
        ["Romanian"],
        ["Bucharest"],
        "Romanian government"
    ),
    st!(
        "Moldova",
        "MD",
        [],
        ["Moldovan"],
        ["Chisinau"],
        "Moldovan government"
    ),
    st!(
        "Serbia",
        "RS",
        [],
        ["Serbian", "Serbs"],
        ["Belgrade"],
        "Serbian government"
    ),
    st!(
        "Montenegro",
        "ME",
        [],
        ["Montenegrin"],
        ["Podgorica"],
        "Montenegrin government"
    ),
    st!(
        "Armenia",
        "AM",
        [],
        ["Armenian"],
        ["Yerevan"],
        "Armenian government"
    ),
    st!(
        "Azerbaijan",
        "AZ",
        [],
        ["Azerbaijani"],
        ["Baku"],
        "Azerbaijani government"
    ),
    st!(
        "Greece",
        "GR",
        ["Hellenic Republic"],
        ["Greek", "Greeks"],
        ["Athens"],
        "Greek government"
    ),
    st!(
        "Portugal",
        "PT",
        [],
        ["Portuguese"],
        ["Lisbon"],
        "Portuguese government"
    ),
    st!(
        "Hungary",
        "HU",
        [],
        ["Hungarian", "Hungarians"],
        ["Budapest"],
        "Hungarian government"
    ),
    st!(
        "Slovakia",
        "SK",
        ["Slovak Republic"],
        ["Slovak", "Slovakian"],
        ["Bratislava"],
        "Slovak government"
    ),
    st!(
        "Slovenia",
        "SI",
        [],
        ["Slovenian", "Slovene"],
        ["Ljubljana"],
        "Slovenian government"
    ),
    st!(
        "Croatia",
        "HR",
        [],
        ["Croatian", "Croats"],
        ["Zagreb"],
        "Croatian government"
    ),
    st!(
        "Bulgaria",
        "BG",
        [],
        ["Bulgarian", "Bulgarians"],
        [],
        "Bulgarian government"
    ),
    st!(
        "Luxembourg",
        "LU",
        [],
        ["Luxembourgish"],
        [],
        "Luxembourgish government"
    ),
    st!(
        "Iceland",
        "IS",
        [],
        ["Icelandic"],
        ["Reykjavik"],
        "Icelandic government"
    ),
    st!(
        "North Macedonia",
        "MK",
        ["Macedonia"],
        ["Macedonian"],
        ["Skopje"],
        "Macedonian government"
    ),
    st!(
        "Kosovo",
        "XK",
        [],
        ["Kosovar"],
        ["Pristina"],
        "Kosovar government"
    ),
    st!(
        "Cyprus",
        "CY",
        [],
        ["Cypriot"],
        ["Nicosia"],
        "Cypriot government"
    ),
    st!(
        "Malta",
        "MT",
        [],
        ["Maltese"],
        ["Valletta"],
        "Maltese government"
    ),
    st!(
        "Bahrain",
        "BH",
        [],
        ["Bahraini"],
        ["Manama"],
        "Bahraini government"
    ),
    st!("Kuwait", "KW", [], ["Kuwaiti"], [], "Kuwaiti government"),
    st!(
        "Argentina",
        "AR",
        [],
        ["Argentine", "Argentinian"],
        ["Buenos Aires"],
        "Argentine government"
    ),
    st!(
        "Colombia",
        "CO",
        [],
        ["Colombian"],
        ["Bogota"],
        "Colombian government"
    ),
    st!("Chile", "CL", [], ["Chilean"], [], "Chilean government"),
    st!(
        "Morocco",
        "MA",
        [],
        ["Moroccan"],
        ["Rabat"],
        "Moroccan government"
    ),
    st!(
        "Algeria",
        "DZ",
        [],
        ["Algerian"],
        ["Algiers"],
        "Algerian government"
    ),
    st!(
        "Bangladesh",
        "BD",
        [],
        ["Bangladeshi"],
        ["Dhaka"],
        "Bangladeshi government"
    ),
    st!(
        "Sri Lanka",
        "LK",
        [],
        ["Sri Lankan"],
        ["Colombo"],
        "Sri Lankan government"
    ),
    st!(
        "Afghanistan",
        "AF",
        [],
        ["Afghan"],
        ["Kabul"],
        "Afghan government"
    ),
    st!(
        "Myanmar",
        "MM",
        ["Burma"],
        ["Burmese"],
        ["Naypyidaw"],
        "Myanmar government"
    ),
    st!(
        "Mongolia",
        "MN",
        [],
        ["Mongolian"],
        ["Ulaanbaatar"],
        "Mongolian government"
    ),
    st!(
        "Uzbekistan",
        "UZ",
        [],
        ["Uzbek"],
        ["Tashkent"],
        "Uzbek government"
    ),
    st!(
        "Kyrgyzstan",
        "KG",
        [],
        ["Kyrgyz"],
        ["Bishkek"],
        "Kyrgyz government"
    ),
    st!(
        "Tajikistan",
        "TJ",
        [],
        ["Tajik"],
        ["Dushanbe"],
        "Tajik government"
    ),
    st!(
        "Kenya",
        "KE",
        [],
        ["Kenyan"],
        ["Nairobi"],
        "Kenyan government"
    ),
    st!(
        "Ethiopia",
        "ET",
        [],
        ["Ethiopian"],
        ["Addis Ababa"],
        "Ethiopian government"
    ),
    st!(
        "Yemen",
        "YE",
        [],
        ["Yemeni"],
        ["Sanaa"],
        "Yemeni government"
    ),
    st!(
        "Cambodia",
        "KH",
        [],
        ["Cambodian"],
        ["Phnom Penh"],
        "Cambodian government"
    ),
    st!(
        "Albania",
        "AL",
        [],
        ["Albanian", "Albanians"],
        ["Tirana"],
        "Albanian government"
    ),
    st!(
        "Qatar",
        "QA",
        [],
        ["Qatari", "Qataris"],
        ["Doha"],
        "Qatari government"
    ),
    st!(
        "Kuwait",
        "KW",
        [],
        ["Kuwaiti", "Kuwaitis"],
        ["Kuwait City"],
        "Kuwaiti government"
    ),
    st!(
        "Oman",
        "OM",
        [],
        ["Omani", "Omanis"],
        ["Muscat"],
        "Omani government"
    ),
    st!(
        "Bosnia and Herzegovina",
        "BA",
        ["Bosnia"],
        ["Bosnian", "Bosnians"],
        ["Sarajevo"],
        "Bosnian government"
    ),
    st!(
        "Chile",
        "CL",
        [],
        ["Chilean", "Chileans"],
        [],
        "Chilean government"
    ),
    st!(
        "Peru",
        "PE",
        [],
        ["Peruvian", "Peruvians"],
        [],
        "Peruvian government"
    ),
    st!(
        "Ecuador",
        "EC",
        [],
        ["Ecuadorian", "Ecuadorians"],
        ["Quito"],
        "Ecuadorian government"
    ),
    st!(
        "Bolivia",
        "BO",
        [],
        ["Bolivian", "Bolivians"],
        [],
        "Bolivian government"
    ),
    st!(
        "Uruguay",
        "UY",
        [],
        ["Uruguayan", "Uruguayans"],
        ["Montevideo"],
        "Uruguayan government"
    ),
    st!(
        "Paraguay",
        "PY",
        [],
        ["Paraguayan", "Paraguayans"],
        ["Asuncion"],
        "Paraguayan government"
    ),
    st!(
        "Costa Rica",
        "CR",
        [],
        ["Costa Rican", "Costa Ricans"],
        [],
        "Costa Rican government"
    ),
    st!(
        "Panama",
        "PA",
        [],
        ["Panamanian", "Panamanians"],
        [],
        "Panamanian government"
    ),
    st!(
        "Nicaragua",
        "NI",
        [],
        ["Nicaraguan", "Nicaraguans"],
        ["Managua"],
        "Nicaraguan government"
    ),
    st!(
        "Libya",
        "LY",
        [],
        ["Libyan", "Libyans"],
        [],
        "Libyan government"
    ),
    st!(
        "Tunisia",
        "TN",
        [],
        ["Tunisian", "Tunisians"],
        ["Tunis"],
        "Tunisian government"
    ),
    st!(
        "Sudan",
        "SD",
        [],
        ["Sudanese"],
        ["Khartoum"],
        "Sudanese government"
    ),
    st!(
        "Ghana",
        "GH",
        [],
        ["Ghanaian", "Ghanaians"],
        ["Accra"],
        "Ghanaian government"
    ),
    st!(
        "Uganda",
        "UG",
        [],
        ["Ugandan", "Ugandans"],
        ["Kampala"],
        "Ugandan government"
    ),
    st!(
        "Tanzania",
        "TZ",
        [],
        ["Tanzanian", "Tanzanians"],
        ["Dodoma"],
        "Tanzanian government"
    ),
    st!(
        "Rwanda",
        "RW",
        [],
        ["Rwandan", "Rwandans"],
        ["Kigali"],
        "Rwandan government"
    ),
    st!(
        "Zimbabwe",
        "ZW",
        [],
        ["Zimbabwean", "Zimbabweans"],
        ["Harare"],
        "Zimbabwean government"
    ),
    st!(
        "Senegal",
        "SN",
        [],
        ["Senegalese"],
        ["Dakar"],
        "Senegalese government"
    ),
    st!(
        "Nepal",
        "NP",
        [],
        ["Nepali", "Nepalese"],
        ["Kathmandu"],
        "Nepalese government"
    ),
    st!(
        "Laos",
        "LA",
        ["Lao PDR"],
        ["Laotian", "Laotians"],
        ["Vientiane"],
        "Lao government"
    ),
    st!("Brunei", "BN", [], ["Bruneian"], [], "Bruneian government"),
    st!(
        "Turkmenistan",
        "TM",
        [],
        ["Turkmen"],
        ["Ashgabat"],
        "Turkmen government"
    ),
    st!(
        "Maldives",
        "MV",
        [],
        ["Maldivian", "Maldivians"],
        [],
        "Maldivian government"
    ),
    st!(
        "Papua New Guinea",
        "PG",
        [],
        ["Papua New Guinean"],
        ["Port Moresby"],
        "Papua New Guinean government"
    ),
    st!(
        "Fiji",
        "FJ",
        [],
        ["Fijian", "Fijians"],
        ["Suva"],
        "Fijian government"
    ),
    st!(
        "Jamaica",
        "JM",
        [],
        ["Jamaican", "Jamaicans"],
        [],
        "Jamaican government"
    ),
];

/// Unions that speak as one party in statements (the EU Council, NATO).
pub const BLOCS: &[(&str, &[&str])] = &[
    ("European Union", &["EU", "European Union", "E.U."]),
    (
        "NATO",
        &["NATO", "Nato", "North Atlantic Treaty Organization"],
    ),
];
