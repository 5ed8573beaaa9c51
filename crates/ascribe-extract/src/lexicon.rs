//! The lexicons, compiled once into one Aho-Corasick automaton: entity names
//! from the knowledge base and the cue words of reported speech, accusation,
//! denial, confidence, negation and conditionals.

use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::{nfa::contiguous::NFA, Anchored, MatchKind};
use ascribe_kb::{KnowledgeBase, BLOCS, BODIES, PEOPLE, STATES, TITLES};

/// What a lexicon entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pat {
    State(usize),
    Bloc(usize),
    Body(usize),
    Group(usize),
    Person(usize),
    Title(usize),
    /// Verbs of saying: said, told, announced.
    Assert,
    /// Verbs of belief that also carry confidence: believes, assesses.
    Cognition,
    /// accused, blamed.
    Accuse,
    /// attributed (to).
    Attribute,
    /// according to, as claimed by.
    Source,
    /// Words that name a cyber or intelligence operation.
    Op,
    /// Words that tie a party to an operation: behind, responsible for, came from.
    Resp,
    /// Origin: from, coming from the territory of.
    From,
    /// Words of denial said by the accused side.
    Deny,
    /// denied, rejected, dismissed: denial verbs with a subject.
    DenyVerb,
    /// A confidence phrase with its band id (see [`crate::claims::band_of`]).
    Conf(u8),
    /// Conditionals and open questions: if, whether, should there be.
    Cond,
    /// alleged, possible: the speaker does not assert it.
    Hedge,
    Neg,
    /// media reports, the newspaper.
    Media,
    /// Heads of perpetrator phrases: hackers, cyber actors, special services.
    Generic,
    /// Unnamed foreign parties: foreign special services.
    Foreign,
    /// -linked, connected with, associated with.
    Link,
    /// Pronouns: 0 he/she, 1 we/our/us, 2 I/me/my, 3 you/your, 4 they.
    Pron(u8),
    /// Official collectives: officials, intelligence chiefs, the government.
    Official,
    /// Non-official voices: experts, analysts, sources.
    Unofficial,
    /// Evidence assertions: the evidence is there, evidence shows.
    Evidence,
    /// Passive attribution without an agent: has been accused of, is believed to be.
    Passive,
    /// Physical attacks ("bomb attacks", "missile strikes"): matched so that
    /// their "attacks" is no cyber operation word.
    Physical,
}

pub(crate) struct Lexicon {
    /// Over the distinct lower-case texts, run anchored at word starts (see
    /// [`scan_with`]). A contiguous NFA, not a DFA: the DFA of these some
    /// thousand texts is about 14 MB and the scan waited on cache misses for
    /// most of its transitions; the NFA is about 0.7 MB.
    pub nfa: NFA,
    /// The first two bytes (ASCII lower case) any entry can start with, as
    /// a 65 536-bit set, and the bytes that are whole entries ("i"): for the
    /// entries that start with no letter or digit ("-linked").
    prefix2: Vec<u64>,
    single: [bool; 256],
    /// The first words of the entries, hashed ([`word_at`]) into a
    /// 65 536-bit set: a match that starts at a word start ends at a word
    /// end (see [`hits_at`]), so its entry's first word is the text's word.
    /// Most words of a text ("said", "that", "attack") start no entry, and
    /// the automaton is not run for them (a false positive only runs it).
    first_words: Vec<u64>,
    /// For each distinct text: every (kind, case-sensitive, text as written).
    pub kinds: Vec<Vec<(Pat, bool, String)>>,
}

/// Band ids for [`Pat::Conf`].
pub(crate) mod band {
    pub const ALMOST_CERTAIN: u8 = 0;
    pub const HIGHLY_LIKELY: u8 = 1;
    pub const LIKELY: u8 = 2;
    pub const POSSIBLE: u8 = 3;
    pub const UNLIKELY: u8 = 4;
    pub const HIGHLY_UNLIKELY: u8 = 5;
    pub const REMOTE: u8 = 6;
}

const ASSERT: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "announced",
    "announces",
    "stated",
    "states",
    "declared",
    "declares",
    "added",
    "adds",
    "claimed",
    "claims",
    "claiming",
    "alleged",
    "alleges",
    "alleging",
    "insisted",
    "insists",
    "confirmed",
    "confirms",
    "concluded",
    "concludes",
    "revealed",
    "reveals",
    "disclosed",
    "wrote",
    "writes",
    "reported",
    "reports",
    "noted",
    "notes",
    "argued",
    "argues",
    "charged",
    "charges",
    "asserted",
    "asserts",
    "maintained",
    "maintains",
    "tweeted",
    "warned",
    "warns",
    // "The United States and Microsoft are warning that ...".
    "is warning",
    "are warning",
    "was warning",
    "were warning",
    "explained",
    "explains",
    "stressed",
    "stresses",
    "reiterated",
    "reiterates",
    "acknowledged",
    "acknowledges",
    "indicated",
    "indicates",
    "suggested",
    "suggests",
    "found",
    "finds",
    "determined",
    "said in a statement",
    "said on",
    "told reporters",
    "according to whom",
    "has said",
    "have said",
    "had said",
    "said this",
    "appeared to say",
    "went on to say",
    "replied",
    "answered",
    "responded",
    "commented",
    "observed",
    "pointed out",
    "made clear",
    "made it clear",
    // "Beijing hit back, saying the claims were ...".
    "hit back",
    "hits back",
    // More verbs of saying in news and statements.
    "emphasised",
    "emphasized",
    "underlined",
    "highlighted",
    "affirmed",
    "reaffirmed",
    "testified",
    // "China's foreign ministry pointed to US cyberattacks on ...".
    "pointed to",
    "points to",
    "contended",
    // "Chinese officials countered that ...", "Moscow shot back that ...".
    "countered",
    "counters",
    "retorted",
    "shot back",
    "fired back",
    "cautioned",
    "mentioned",
];
const COGNITION: &[&str] = &[
    "believes",
    "believe",
    "believed",
    "assesses",
    "assess",
    "assessed",
    "judges",
    "judge",
    "judged",
    "thinks",
    "think",
    "suspects",
    "suspect",
    "suspected",
    "is convinced",
    "are convinced",
    "is confident",
    "are confident",
];
const ACCUSE: &[&str] = &[
    "accused",
    "accuses",
    "accuse",
    "accusing",
    "blamed",
    "blames",
    "blame",
    "blaming",
    "pinned",
    "pins",
    "pointed the finger at",
    "points the finger at",
    "called out",
    "calls out",
    "named and shamed",
    // "singled out North Korea as responsible", "implicated the MSS in".
    "singled out",
    "implicated",
    // "sanctioned two companies for their role in cyberattacks", "imposed
    // sanctions on six officers over the hack" (only with "for"/"over" and
    // an operation after them: see the frames).
    "sanctioned",
    "sanctioning",
    "imposed sanctions on",
    "imposed sanctions against",
    "announced sanctions on",
    "announced sanctions against",
    "issued sanctions against",
    "issuing sanctions against",
    // The EU's wording: "decided to impose restrictive measures on six
    // persons responsible for cyberattacks".
    "impose restrictive measures on",
    "imposed restrictive measures on",
    "imposes restrictive measures on",
    // "holds Russia responsible for", "held Beijing accountable for" (only
    // with "responsible"/"accountable" after them: see the frames).
    "holds",
    "held",
    // "publicly identified China's MSS as responsible for ...".
    "identified",
    "publicly identified",
    "publicly named",
    // "joined forces to identify the GRU as the source of ..." (these
    // only with "as" after them: see the frames).
    "identify",
    "identifies",
    "identifying",
    // "named China as responsible for the hack" (only with "as" and a
    // responsibility word after it: see the frames).
    "named",
    "names",
    "name",
    "naming",
    "charged",
    "charging",
    // "prosecuted DPRK citizens on the suspicion of a cyber crime" (only
    // with an operation in the sentence: see `weak_cue`).
    "prosecuted",
    "prosecutes",
    "prosecuting",
    // "unsealed charges against two nationals for hacking ...".
    "unsealed charges against",
    "filed charges against",
    "brought charges against",
    "announced charges against",
    "indicted",
    "indicts",
    "indicting",
    "exposed",
    "exposes",
    "exposing",
    // "Today, the UK and allies expose Russian intelligence for ...".
    "expose",
    "condemned",
    "condemns",
    "condemn",
    "condemning",
    "denounced",
    "denounces",
    "denouncing",
];
const ATTRIBUTE: &[&str] = &[
    "attributed",
    "attributes",
    "attribute",
    "attributing",
    // "The FBI linked the attack to North Korea", "traced the intrusion to
    // a PLA unit" (the participle before "to" itself is a link word).
    // ("links", "ties", "traces" are nouns as often: "has links to".)
    "linked",
    "tied",
    "traced",
];
const SOURCE: &[&str] = &[
    "according to",
    "as claimed by",
    "as alleged by",
    "as stated by",
    "as reported by",
    "citing",
    "cited by",
    "in the words of",
    "in the view of",
];
const OP: &[&str] = &[
    "hack",
    "hacks",
    "hacked",
    "hacking",
    "hacker",
    "hackers",
    "cyber",
    "cyberattack",
    "cyberattacks",
    "cyber-attack",
    "cyber-attacks",
    "cyber attack",
    "cyber attacks",
    "cyber operation",
    "cyber operations",
    "cyber espionage",
    "cyberespionage",
    "cybercrime",
    "cybercrimes",
    "intrusion",
    "intrusions",
    "breach",
    "breached",
    "breaches",
    "compromise",
    "compromised",
    "spy",
    "spied",
    "spies",
    "spying",
    "espionage",
    "surveillance",
    "eavesdrop",
    "eavesdropping",
    "monitored",
    "wiretap",
    "wiretapped",
    "interfere",
    "interfered",
    "interfering",
    "interference",
    "meddle",
    "meddled",
    "meddling",
    "steal",
    "stole",
    "stolen",
    "stealing",
    "theft",
    "leak",
    "leaked",
    "leaking",
    "malware",
    "ransomware",
    "phishing",
    "spear-phishing",
    "attacks",
    "attack",
    "attacked",
    "attacking",
    "covert operation",
    "covert operations",
    "influence operation",
    "influence campaign",
    "disinformation",
    "campaign",
    "sabotage",
    "wiper",
    "ddos",
    "denial-of-service",
    "targeted",
    "targeting",
    "infiltrate",
    "infiltrated",
    "exfiltrate",
    "exfiltrated",
    "gather information",
    "gathering information",
    "intelligence-gathering",
    "information-gathering",
    "dirty tricks",
    "election",
    "breaching",
    "compromising",
    "infiltrating",
    "penetrated",
    "penetrating",
    "sabotaging",
    "gained access",
    "broke into",
    "broken into",
    "break into",
    "breaking into",
    "exfiltrating",
    "cyber-espionage",
    "hack-and-leak",
    "spy on",
    "cyber campaign",
    "interfere in",
    "meddle in",
    "wiped",
    "defaced",
    "defacing",
    "operation",
    "operations",
    "outage",
    "outages",
    "blackout",
    "disruption",
    "exploited",
    "exploiting",
    "exploit",
    "exploits",
    // "malicious activity that it believes likely supports the interests of Iran".
    "malicious activity",
    "malicious activities",
    // Vendors' and agencies' word for what they observed: "we link this
    // activity to APT29", "the activity is linked to Mustang Panda".
    "this activity",
    "the activity",
    "such activity",
    "related activity",
    "activity cluster",
    "threat activity",
    "espionage activity",
    "hacking activity",
    "hacking activities",
    "intrusion set",
    // "had accessed its parliamentary network", "crippled the port's
    // systems": the verbs news uses for what an intrusion did.
    "accessed",
    "heist",
    "heists",
    "targets",
    "compromises",
    "infected",
    "infecting",
    "hijacked",
    "hijacking",
    "disrupted",
    "disrupting",
    "crippled",
    "paralysed",
    "paralyzed",
    "penetrate",
    "infiltrates",
    "exfiltration",
    "cyberspying",
    "cyber-spying",
    "cyber spying",
];
const RESP: &[&str] = &[
    "responsible",
    "responsible for",
    "is responsible",
    "are responsible",
    "was responsible",
    "were responsible",
    "behind",
    "stand behind",
    "stands behind",
    "stood behind",
    "carried out",
    "carry out",
    "carries out",
    "conducted",
    "conducts",
    "conduct",
    "orchestrated",
    "orchestrating",
    "perpetrated",
    "involved in",
    // "... that Russian military intelligence was involved."
    "was involved",
    "were involved",
    "had been involved",
    "has been involved",
    "involvement",
    "tried to",
    "try to",
    "tries to",
    "attempted to",
    "attempting to",
    "sought to",
    "seeking to",
    "ran",
    "runs",
    "run a",
    "launched",
    "launching",
    "deployed",
    "used",
    "sponsored",
    "directed",
    "mounted",
    "engaged in",
    "was accused of",
    "architects",
    "architect",
    "is to blame",
    "are to blame",
    "was to blame",
    "were to blame",
    "culprit",
    "culprits",
];
const FROM: &[&str] = &[
    "come from",
    "comes from",
    "came from",
    "coming from",
    "originated from",
    "originate from",
    "originating from",
    "originated in",
    "traced to",
    "traced back to",
    "from the territory of",
    "emanating from",
    "emanate from",
    "by",
    "the work of",
    "the handiwork of",
    "work of",
    "hallmarks of",
    "the hallmarks of",
    "carried out by",
    "conducted by",
    "perpetrated by",
    "orchestrated by",
    "launched by",
    "directed by",
    "operating from",
    // "by concrete individuals from Russian government bodies": the
    // perpetrators' noun with "from" places them.
    "hackers from",
    "individuals from",
    "attackers from",
    "actors from",
    "officers from",
    "agents from",
    "operatives from",
    "group from",
    "groups from",
    "based in",
    "operating out of",
    "working from",
    // "attacks on its servers every day, some of them from the United
    // States".
    "some of them from",
    "many of them from",
    "most of them from",
    "some of which from",
    "many of which from",
    // Whom the operation serves: "conducted on behalf of the Iranian
    // government", "supports the national interests of Iran".
    "on behalf of",
    "at the behest of",
    "at the direction of",
    // "an espionage actor supporting the People's Republic of China",
    // "operating in support of the Russian government".
    "actor supporting",
    "actors supporting",
    "group supporting",
    "in support of",
    "supports the interests of",
    "supports the national interests of",
    "support the interests of",
    "support the national interests of",
    "serves the interests of",
    "serve the interests of",
    // "All indications point to Russia", "officials pointed to China".
    "point to",
    "points to",
    "pointed to",
    "pointing to",
    // Inverted with the role first: "the responsible actors are almost
    // certainly PRC state-sponsored actors", "those responsible were".
    "responsible actors are",
    "responsible actors were",
    "actors responsible are",
    "actors responsible were",
    "those responsible are",
    "those responsible were",
    "the perpetrators are",
    "the perpetrators were",
    "the perpetrator is",
    "the perpetrator was",
    "the culprits are",
    "the culprits were",
    "the culprit is",
    "the culprit was",
    // Inverted: "behind the attacks is a group called APT28".
    "behind the attack is",
    "behind the attack was",
    "behind the attacks is",
    "behind the attacks are",
    "behind the attacks was",
    "behind the attacks were",
    "behind the campaign is",
    "behind the campaign was",
    "behind the hack is",
    "behind the hack was",
];
const DENY: &[&str] = &[
    "deny",
    "denies",
    "denied",
    "denying",
    "denial",
    "reject",
    "rejects",
    "rejected",
    "rejecting",
    "dismiss",
    "dismisses",
    "dismissed",
    "dismissing",
    "refute",
    "refutes",
    "refuted",
    "nothing to do with",
    "not involved",
    "no involvement",
    "no role",
    "no part in",
    "unfounded",
    "groundless",
    "baseless",
    "unsubstantiated",
    "absurd",
    "nonsense",
    "fabricated",
    "fabrication",
    "fabrications",
    "fake news",
    "lies",
    "slander",
    "slanderous",
    "smear",
    "propaganda",
    "fantasies",
    "fantasy",
    "not the truth",
    "not true",
    "untrue",
    "no evidence",
    "no proof",
    "without evidence",
    "without proof",
    "don't have any proof",
    "do not have any proof",
    "don't have any evidence",
    "do not have any evidence",
    "not provided any evidence",
    "based on assumptions",
    "not on evidence",
    "does not accept",
    "do not accept",
    "did not accept",
    "doesn't accept",
    "don't accept",
    "there are no actions",
    "never engaged",
    "does not engage",
    "do not engage",
    "never conducted",
    "would never",
    "do not know what this group",
    "don't know what this group",
    "do not know who",
    "don't know who",
    "nothing beneath",
    "russophobia",
    "politically motivated",
    "firmly oppose",
    "firmly opposes",
    "strongly oppose",
    "groundless accusations",
    "not accept these accusations",
    "no basis",
    "categorically disagree",
    "disagree with the baseless",
    "no actions",
    "nothing but an attempt",
    "an attempt to divert",
    "attempt to shift",
    "non-existent",
    "unjustified",
    "unproven",
    "no facts",
    "without any facts",
    "without any evidence",
    "not a shred",
    "no sufficient evidence",
    "insufficient evidence",
    "without sufficient evidence",
    "irresponsible to accuse",
    "groundless speculation",
    "speculation and fabrication",
    // Diplomatic formulas of dismissal.
    "do not correspond to reality",
    "does not correspond to reality",
    "did not correspond to reality",
    "a lie",
    "sheer lie",
    "absolute lie",
    "blatant lie",
    "outright lie",
    // The standing formulas of foreign ministries and embassies answering
    // hacking charges: "China firmly opposes and cracks down on all forms
    // of cyberattacks", "Russia does not conduct cyberattacks", "pure
    // invention", "Russophobic hysteria".
    "opposes all forms of",
    "opposed all forms of",
    "oppose all forms of",
    "opposes and combats",
    "opposes and cracks down",
    "opposed and cracked down",
    "against all forms of",
    "cracks down on all",
    "combats all forms of",
    "resolutely opposes",
    "resolutely oppose",
    "firmly against",
    "does not conduct",
    "does not carry out",
    "not provided a single",
    "not presented a single",
    "not a single fact",
    "not a single piece of evidence",
    "do not carry out",
    "never carries out",
    "not been involved",
    "always opposed",
    "always opposes",
    "staunch defender of cyber",
    "not serious",
    "do not conduct",
    "never carried out",
    "has never engaged",
    "never been involved",
    "not behind",
    "had no connection",
    "has no connection",
    "no connection with",
    "invention",
    "invented",
    "concocted",
    "trumped-up",
    "far-fetched",
    "preposterous",
    "ridiculous",
    "laughable",
    "russophobic",
    "hysteria",
    "false accusation",
    "false accusations",
    "false allegations",
    "false claims",
    "slandering",
    "defamation",
    "without any basis",
    "no factual basis",
    "not based on facts",
    // "said the claims were unprofessional", "urged the US to stop
    // politicising cybersecurity", "groundless hype and smears".
    "unprofessional",
    "politicizing",
    "politicising",
    "politicize",
    "politicise",
    "hype",
    "hyping",
    "smears",
    // "None of these allegations is supported by facts and evidence."
    "not supported by facts",
    "not supported by evidence",
    "not supported by any",
    "none of these allegations",
    "none of the allegations",
    "none of these accusations",
    "none of the accusations",
];
const DENY_VERB: &[&str] = &[
    "denied",
    "denies",
    "deny",
    "rejected",
    "rejects",
    "dismissed",
    "dismisses",
    "refuted",
    "refutes",
    "disputed",
    "disputes",
    "rebuffed",
    "rebuffs",
    // "Chinese officials routinely reject such accusations".
    "reject",
    "dismiss",
    "refute",
    "brushed off",
    "brushed aside",
    // "called the claims baseless", "described the accusations as lies".
    "called the accusation",
    "called the accusations",
    "called the allegation",
    "called the allegations",
    "called the claim",
    "called the claims",
    "called the charges",
    "called the report",
    "called the reports",
    "described the accusations as",
    "described the allegations as",
    "described the claims as",
    "branded the accusations",
    "branded the allegations",
    "branded the claims",
    "slammed the accusations",
    "slammed the allegations",
    "slammed the claims",
];

/// Confidence phrases with their band id.
const CONF: &[(&str, u8)] = &[
    ("almost certainly", band::ALMOST_CERTAIN),
    ("almost certain", band::ALMOST_CERTAIN),
    ("nearly certain", band::ALMOST_CERTAIN),
    ("with a very high degree of certainty", band::ALMOST_CERTAIN),
    ("a very high degree of certainty", band::ALMOST_CERTAIN),
    ("with a high degree of certainty", band::HIGHLY_LIKELY),
    ("with a high degree of confidence", band::HIGHLY_LIKELY),
    ("with a high state of certainty", band::HIGHLY_LIKELY),
    ("with high confidence", band::HIGHLY_LIKELY),
    ("high confidence", band::HIGHLY_LIKELY),
    ("highly confident", band::HIGHLY_LIKELY),
    ("with moderate confidence", band::LIKELY),
    ("moderate confidence", band::LIKELY),
    ("with low confidence", band::POSSIBLE),
    ("low confidence", band::POSSIBLE),
    ("certainly", band::ALMOST_CERTAIN),
    ("undoubtedly", band::ALMOST_CERTAIN),
    ("without doubt", band::ALMOST_CERTAIN),
    ("no doubt", band::ALMOST_CERTAIN),
    ("beyond doubt", band::ALMOST_CERTAIN),
    ("categorically", band::ALMOST_CERTAIN),
    ("definitely", band::ALMOST_CERTAIN),
    ("officially and firmly", band::ALMOST_CERTAIN),
    ("firmly", band::ALMOST_CERTAIN),
    ("were able to confirm", band::ALMOST_CERTAIN),
    ("was able to confirm", band::ALMOST_CERTAIN),
    ("enough information to conclude", band::HIGHLY_LIKELY),
    ("highly likely", band::HIGHLY_LIKELY),
    ("very likely", band::HIGHLY_LIKELY),
    ("highly probable", band::HIGHLY_LIKELY),
    ("good evidence", band::HIGHLY_LIKELY),
    ("strong evidence", band::HIGHLY_LIKELY),
    ("clear evidence", band::HIGHLY_LIKELY),
    ("the evidence is clear", band::HIGHLY_LIKELY),
    ("likely", band::LIKELY),
    ("probably", band::LIKELY),
    ("probable", band::LIKELY),
    ("the indications show", band::LIKELY),
    ("indications show", band::LIKELY),
    ("there is evidence", band::LIKELY),
    ("evidence shows", band::LIKELY),
    ("evidence suggests", band::LIKELY),
    ("evidence indicates", band::LIKELY),
    ("believe", band::LIKELY),
    ("believes", band::LIKELY),
    ("believed", band::LIKELY),
    ("assess", band::LIKELY),
    ("assesses", band::LIKELY),
    ("assessed", band::LIKELY),
    ("judge", band::LIKELY),
    ("judges", band::LIKELY),
    ("suspect", band::POSSIBLE),
    ("suspects", band::POSSIBLE),
    ("suspected", band::POSSIBLE),
    ("some evidence", band::POSSIBLE),
    ("realistic possibility", band::POSSIBLE),
    ("roughly even chance", band::POSSIBLE),
    ("might", band::POSSIBLE),
    ("may have", band::POSSIBLE),
    ("could have", band::POSSIBLE),
    ("possibly", band::POSSIBLE),
    ("appears to", band::POSSIBLE),
    ("appeared to", band::POSSIBLE),
    ("unlikely", band::UNLIKELY),
    ("improbable", band::UNLIKELY),
    ("highly unlikely", band::HIGHLY_UNLIKELY),
    ("very unlikely", band::HIGHLY_UNLIKELY),
    ("remote chance", band::REMOTE),
    ("almost no chance", band::REMOTE),
];
const COND: &[&str] = &[
    "if",
    "if it turns out",
    "if it urns out",
    "whether",
    "should there be",
    "unless",
    "in case",
    "were it",
    "had they",
    "hypothetically",
    "theoretically",
    "would be",
    "do you think",
    "do you believe",
    "are you",
    "is it",
    "could it be",
    "might be used",
    "could be used",
    "could indeed be used",
    "should be",
    "should there",
    // Warnings of what a party may do next, not of what it did: "Chinese
    // hackers could target the election", "bracing for Russian attacks".
    "could target",
    "could attack",
    "could launch",
    "could carry out",
    "could hack",
    "could try",
    "could interfere",
    "may target",
    "may attack",
    "may launch",
    "may try",
    "might target",
    "might attack",
    "might launch",
    "might try",
    "will target",
    "will attack",
    "will launch",
    "will try",
    "would target",
    "would attack",
    "would launch",
    "bracing for",
    "brace for",
    "preparing for",
    "prepare for",
];
const HEDGE: &[&str] = &[
    "alleged",
    "allegedly",
    "possible",
    "potential",
    "purported",
    "purportedly",
    "unconfirmed",
    "rumoured",
    "rumored",
    "any possible",
];
const NEG: &[&str] = &[
    "not", "no", "never", "neither", "nor", "n't", "nothing", "none", "nobody", "without",
];
const MEDIA: &[&str] = &[
    "media reports",
    "media report",
    "media articles",
    "media article",
    "press reports",
    "news reports",
    "the newspaper",
    "newspaper",
    "the report",
    "a report",
    "reports",
    "the paper",
    "the daily",
    "the revelations",
    "the magazine",
    "the broadcaster",
    "the news agency",
    "news agency",
    "journalists",
    "the outlet",
    "an investigation by",
    // "US media reported", "Russian state media said".
    "state media",
    "media outlets",
    "news outlets",
    "newspapers",
    "media",
];
const GENERIC: &[&str] = &[
    "hackers",
    "hacker",
    "hacker group",
    "hacking group",
    "cyber actors",
    "cyber actor",
    "actors",
    "special services",
    "intelligence services",
    "intelligence service",
    "intelligence",
    "intelligence agencies",
    // (Also an official body when it speaks; here what a state's adjective
    // makes a perpetrator: "a Belarusian intelligence agency was behind".)
    "intelligence agency",
    "spies",
    "spy agency",
    "spy agencies",
    "government",
    "state",
    "state hackers",
    "state-sponsored hackers",
    "military",
    "military intelligence",
    "authorities",
    "regime",
    "agents",
    "operatives",
    "group",
    "threat actor",
    "threat actors",
    "cyber criminals",
    "cybercriminals",
    "army",
    "secret services",
    "security services",
    // The perpetrators as vendors and officials name them.
    "operators",
    "attackers",
    "threat group",
    "cyber spies",
    "cyberspies",
];
const FOREIGN: &[&str] = &[
    "foreign special services",
    "some foreign special services",
    "foreign intelligence services",
    "foreign hackers",
    "foreign governments",
    "foreign states",
    "foreign actors",
    "other countries",
    "third countries",
    "unknown hackers",
    "unidentified hackers",
    "patriotic hackers",
    "private hackers",
];
const LINK: &[&str] = &[
    "-linked",
    "-backed",
    "-sponsored",
    "-based",
    "-affiliated",
    "-controlled",
    "-aligned",
    "-directed",
    "connected with",
    "connected to",
    "linked to",
    "linked with",
    "tied to",
    "affiliated with",
    "associated with",
    "part of",
    "works for",
    "worked for",
    "work for",
    "working for",
    "on behalf of",
    "backed by",
    "sponsored by",
    "a member of",
    "member of",
    "unit of",
    "a unit of",
    "belongs to",
    "belong to",
    // "Star Blizzard is subordinate to the FSB's Centre 18".
    "subordinate to",
    "controlled by",
    "run by",
    "operated by",
    "under the control of",
    "an arm of",
];
const PRON: &[(&str, u8)] = &[
    ("he", 0),
    ("she", 0),
    ("his", 0),
    ("her", 0),
    ("we", 1),
    ("our", 1),
    ("us", 1),
    ("ourselves", 1),
    ("i", 2),
    ("me", 2),
    ("my", 2),
    ("i'm", 2),
    ("you", 3),
    ("your", 3),
    ("they", 4),
    ("them", 4),
    ("their", 4),
];
const OFFICIAL: &[&str] = &[
    "officials",
    "official",
    "intelligence chiefs",
    "intelligence officials",
    "intelligence agencies",
    "security officials",
    "government officials",
    "the government",
    "government",
    "authorities",
    "prosecutors",
    "investigators",
    "the ministry",
    "ministry",
    "the agency",
    "agencies",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "the embassy",
    "embassy",
    "diplomats",
    "lawmakers",
    "leaders",
    "heads of government",
    "joint statement",
    "the white house",
    "cybersecurity agency",
    "cyber security centre",
    "security service",
    "intelligence service",
    "intelligence services",
    "security services",
    "intelligence agency",
    "cyber agency",
    "police",
    "military",
    "army",
    "armed forces",
    "navy",
    "air force",
    "cyber command",
    "foreign ministry",
    "defence ministry",
    "defense ministry",
    "interior ministry",
    "justice ministry",
    "prosecutor",
    "court",
    "indictment",
    "cabinet",
    "parliament",
    "president",
    "prime minister",
    "chancellery",
];
const UNOFFICIAL: &[&str] = &[
    "expert",
    "experts",
    "analyst",
    "analysts",
    "researcher",
    "researchers",
    "security researchers",
    "sources",
    "a source",
    "intelligence sources",
    "people familiar",
    "think tank",
    "think-tank",
    "former ambassador",
    "observers",
    "commentators",
    "critics",
    "some people",
    "some say",
    // Unnamed sources as wires name them: "two people briefed on the
    // investigation", "a person with knowledge of the matter".
    "people briefed",
    "person briefed",
    "people with knowledge",
    "person with knowledge",
    "people with direct knowledge",
    "person familiar",
];
const EVIDENCE: &[&str] = &[
    "the evidence is there",
    "evidence is there",
    "the evidence is clear",
    "the evidence points",
    "evidence points",
    "evidence is overwhelming",
    "the evidence is overwhelming",
    "conclusive evidence",
];
/// Attacks of another kind than cyber, so that "being behind bomb attacks"
/// ties no one to a cyber operation.
const PHYSICAL: &[&str] = &[
    "bomb attack",
    "bomb attacks",
    "missile attack",
    "missile attacks",
    "rocket attack",
    "rocket attacks",
    "drone attack",
    "drone attacks",
    "air attack",
    "air attacks",
    "terror attack",
    "terror attacks",
    "terrorist attack",
    "terrorist attacks",
    "suicide attack",
    "suicide attacks",
    "knife attack",
    "armed attack",
    "armed attacks",
    "chemical attack",
    "chemical attacks",
    "physical attack",
    "physical attacks",
    "killing",
    "killings",
    "murder",
    "assassination",
    "assassinations",
];

const PASSIVE: &[&str] = &[
    "have been accused of",
    "has been accused of",
    "had been accused of",
    "was accused of",
    "were accused of",
    "is accused of",
    "are accused of",
    "been blamed for",
    "was blamed for",
    "were blamed for",
    "is blamed for",
    "are blamed for",
    "was blamed on",
    "were blamed on",
    "has been blamed on",
    "have been blamed on",
    "is believed to be",
    "are believed to be",
    "is thought to be",
    "is widely believed",
    "are widely believed",
    "is suspected of",
    "are suspected of",
    "was suspected of",
    "has been linked to",
    "have been linked to",
    "is linked to",
    "are linked to",
    "was linked to",
    "has been tied to",
    "have been tied to",
    "was attributed to",
    "were attributed to",
    "has been attributed to",
    "have been attributed to",
    "is attributed to",
    "are attributed to",
    // "a series of cyber attacks attributable to the GRU".
    "attributable to",
];

fn is_acronym(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase())
}

pub(crate) fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| build(KnowledgeBase::builtin()))
}

/// A lexicon over another knowledge base's names (an imported one).
pub(crate) fn build(kb: &KnowledgeBase) -> Lexicon {
    let mut pats: Vec<(Pat, bool, String)> = Vec::new();
    fn add(pats: &mut Vec<(Pat, bool, String)>, p: Pat, s: &str) {
        let cs = is_acronym(s) || matches!(p, Pat::Person(_));
        pats.push((p, cs, s.to_owned()));
    }
    for (i, s) in STATES.iter().enumerate() {
        for f in std::iter::once(&s.name)
            .chain(s.names)
            .chain(s.adjectives)
            .chain(s.metonyms)
        {
            add(&mut pats, Pat::State(i), f);
        }
    }
    for (i, (_, forms)) in BLOCS.iter().enumerate() {
        for f in forms.iter() {
            add(&mut pats, Pat::Bloc(i), f);
        }
    }
    for (i, b) in BODIES.iter().enumerate() {
        add(&mut pats, Pat::Body(i), b.name);
        for a in b.aliases {
            add(&mut pats, Pat::Body(i), a);
        }
    }
    for (form, idx, single) in kb.group_surface_forms() {
        // Single-word group names must keep their capital letters.
        pats.push((Pat::Group(idx), single, form));
    }
    for (i, p) in PEOPLE.iter().enumerate() {
        add(&mut pats, Pat::Person(i), p.name);
        if p.surname != p.name {
            add(&mut pats, Pat::Person(i), p.surname);
        }
    }
    for (i, t) in TITLES.iter().enumerate() {
        add(&mut pats, Pat::Title(i), t.title);
    }
    let lists: &[(&[&str], Pat)] = &[
        (ASSERT, Pat::Assert),
        (COGNITION, Pat::Cognition),
        (ACCUSE, Pat::Accuse),
        (ATTRIBUTE, Pat::Attribute),
        (SOURCE, Pat::Source),
        (OP, Pat::Op),
        (RESP, Pat::Resp),
        (FROM, Pat::From),
        (DENY, Pat::Deny),
        (DENY_VERB, Pat::DenyVerb),
        (COND, Pat::Cond),
        (HEDGE, Pat::Hedge),
        (NEG, Pat::Neg),
        (MEDIA, Pat::Media),
        (GENERIC, Pat::Generic),
        (FOREIGN, Pat::Foreign),
        (LINK, Pat::Link),
        (OFFICIAL, Pat::Official),
        (UNOFFICIAL, Pat::Unofficial),
        (EVIDENCE, Pat::Evidence),
        (PASSIVE, Pat::Passive),
        (PHYSICAL, Pat::Physical),
    ];
    for (words, p) in lists {
        for w in *words {
            pats.push((*p, false, (*w).to_owned()));
        }
    }
    for (w, b) in CONF {
        pats.push((Pat::Conf(*b), false, (*w).to_owned()));
    }
    for (w, b) in PRON {
        pats.push((Pat::Pron(*b), false, (*w).to_owned()));
    }
    // News writes apostrophes both ways.
    let curly: Vec<(Pat, bool, String)> = pats
        .iter()
        .filter(|(_, _, t)| t.contains('\''))
        .map(|(p, cs, t)| (*p, *cs, t.replace('\'', "\u{2019}")))
        .collect();
    pats.extend(curly);
    // The same text may be several things ("denied" is a denial cue and a
    // denial verb; "US" a state and, in lower case, a pronoun): the
    // automaton runs over distinct lower-case texts, each with all its kinds.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut texts: Vec<String> = Vec::new();
    let mut kinds: Vec<Vec<(Pat, bool, String)>> = Vec::new();
    for (p, cs, t) in pats {
        let key = t.to_lowercase();
        let id = *index.entry(key.clone()).or_insert_with(|| {
            texts.push(key);
            kinds.push(Vec::new());
            texts.len() - 1
        });
        if let Some(k) = kinds.get_mut(id) {
            if !k.iter().any(|(q, c, x)| *q == p && *c == cs && *x == t) {
                k.push((p, cs, t));
            }
        }
    }
    let nfa = NFA::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&texts)
        .expect("the lexicon's automaton builds (some thousand short patterns)");
    let mut prefix2 = vec![0u64; 1024];
    let mut single = [false; 256];
    for text in &texts {
        let b = text.as_bytes();
        match b {
            [] => {}
            [a] => {
                single[usize::from(a.to_ascii_lowercase())] = true;
            }
            [a, c, ..] => {
                let k = prefix_key(*a, *c);
                prefix2[k / 64] |= 1 << (k % 64);
            }
        }
    }
    let mut first_words = vec![0u64; WORD_BITS / 64];
    for text in &texts {
        if let Some((_, h)) = word_at(text, 0) {
            first_words[h / 64] |= 1 << (h % 64);
        }
    }
    Lexicon {
        nfa,
        kinds,
        prefix2,
        single,
        first_words,
    }
}

/// The size of [`Lexicon::first_words`] in bits (a power of two).
const WORD_BITS: usize = 1 << 16;

/// The word (a run of letters and digits, as `char::is_alphanumeric` has
/// them) that starts at `i`: its end and its hash in `0..`[`WORD_BITS`],
/// with ASCII letters folded to lower case as the automaton folds them;
/// `None` when no letter or digit starts at `i`.
#[inline(always)]
fn word_at(text: &str, i: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // The bytes are rotated in (a cycle each) and mixed once at the end.
    let mut h: u64 = 0;
    let mut at = i;
    while let Some(&b) = bytes.get(at) {
        if b.is_ascii_alphanumeric() {
            // Letters and digits: setting 0x20 folds only the capitals.
            h = h.rotate_left(7) ^ u64::from(b | 0x20);
            at += 1;
            continue;
        }
        if b < 0x80 {
            break;
        }
        let Some(c) = text.get(at..).and_then(|t| t.chars().next()) else {
            break;
        };
        if !c.is_alphanumeric() {
            break;
        }
        // Other characters must match as they are written.
        for &x in bytes.get(at..at + c.len_utf8()).unwrap_or(&[]) {
            h = h.rotate_left(7) ^ u64::from(x);
        }
        at += c.len_utf8();
    }
    if at == i {
        return None;
    }
    let mixed = (h ^ (at - i) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    Some((at, (mixed >> 48) as usize % WORD_BITS))
}

/// One lexicon hit in the clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub pat: Pat,
}

/// All lexicon hits in `text`, at word boundaries, with every kind an
/// ambiguous text has ("denied" gives a [`Pat::Deny`] and a [`Pat::DenyVerb`]).
pub(crate) fn scan(text: &str) -> Vec<Hit> {
    scan_with(lexicon(), text)
}

/// [`scan`] with a given lexicon.
pub(crate) fn scan_with(lex: &Lexicon, text: &str) -> Vec<Hit> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut out = Vec::new();
    let nfa = &lex.nfa;
    let start = match nfa.start_state(Anchored::Yes) {
        Ok(sid) => sid,
        Err(e) => unreachable!("the lexicon's automaton is built for anchored searches: {e}"),
    };
    // The automaton is run from word starts only (and from any byte that is
    // not a letter or digit, for entries such as "-linked"): a match inside a
    // word would be thrown away below, and running it there ("he" in "the",
    // "i" in every word) was most of the scan's time.
    let mut i = 0;
    let mut prev_alnum = false;
    while i < n {
        let b = bytes[i];
        let (alnum, len) = if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text.get(i..).and_then(|t| t.chars().next());
            (
                c.is_some_and(char::is_alphanumeric),
                c.map_or(1, char::len_utf8),
            )
        };
        if prev_alnum && alnum {
            i += len;
            // The rest of an ASCII word, at once.
            while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
            continue;
        }
        if alnum {
            // No entry starts with this word: on to its end.
            if let Some((end, h)) = word_at(text, i) {
                if lex.first_words[h / 64] & (1 << (h % 64)) == 0 {
                    prev_alnum = true;
                    i = end;
                    continue;
                }
            }
        } else {
            // No entry starts with these two bytes: not a word to look up.
            let a = b.to_ascii_lowercase();
            let c = bytes.get(i + 1).copied().unwrap_or(0);
            let k = prefix_key(a, c);
            if !lex.single[usize::from(a)] && lex.prefix2[k / 64] & (1 << (k % 64)) == 0 {
                prev_alnum = false;
                i += len;
                continue;
            }
        }
        // The longest entry here that stands at word boundaries: where the
        // longest match runs into a word ("media report" in "media
        // reported"), a shorter one ("media") may still stand.
        let mut limit = n;
        let mut found = false;
        while let Some((pid, e)) = longest_at(nfa, start, &bytes[..limit], i) {
            if let Some(hits) = hits_at(lex, text, i, e, pid.as_usize(), prev_alnum) {
                out.extend(hits);
                // The last byte of a match ends a character; what follows is
                // not a letter or digit (checked), so it is a new word start.
                prev_alnum = text
                    .get(..e)
                    .and_then(|t| t.chars().next_back())
                    .is_some_and(char::is_alphanumeric);
                i = e;
                found = true;
                break;
            }
            if e <= i + 1 {
                break;
            }
            limit = e - 1;
        }
        if found {
            continue;
        }
        prev_alnum = alnum;
        i += len;
    }
    out
}

/// The leftmost-longest match of the automaton anchored at `i`: its pattern
/// and end. What `try_find` with an anchored [`aho_corasick::Input`] finds,
/// walking the transitions directly (the scan calls this at most word
/// starts, and the search's set-up cost as much as the walk).
fn longest_at(
    nfa: &NFA,
    start: aho_corasick::automaton::StateID,
    bytes: &[u8],
    i: usize,
) -> Option<(aho_corasick::PatternID, usize)> {
    let mut sid = start;
    let mut mat = None;
    if nfa.is_match(sid) {
        let pid = nfa.match_pattern(sid, 0);
        if nfa.pattern_len(pid) == 0 {
            mat = Some((pid, i));
        }
    }
    let mut at = i;
    while let Some(&b) = bytes.get(at) {
        sid = nfa.next_state(Anchored::Yes, sid, b);
        if nfa.is_special(sid) {
            if nfa.is_dead(sid) {
                return mat;
            }
            if nfa.is_match(sid) {
                let pid = nfa.match_pattern(sid, 0);
                // Matches carried over from failure transitions start
                // after `i`: not anchored ones.
                if (at + 1).checked_sub(nfa.pattern_len(pid)) == Some(i) {
                    mat = Some((pid, at + 1));
                }
            }
        }
        at += 1;
    }
    mat
}

/// The index of two bytes in [`Lexicon::prefix2`], ASCII case folded.
fn prefix_key(a: u8, b: u8) -> usize {
    usize::from(a.to_ascii_lowercase()) << 8 | usize::from(b.to_ascii_lowercase())
}

/// The hits of lexicon entry `id` found at `s..e`, if it stands at word
/// boundaries and its case-sensitive forms agree.
fn hits_at<'a>(
    lex: &'a Lexicon,
    text: &'a str,
    s: usize,
    e: usize,
    id: usize,
    prev_alnum: bool,
) -> Option<impl Iterator<Item = Hit> + 'a> {
    let kinds = lex.kinds.get(id)?;
    let (_, _, pat_text) = kinds.first()?;
    // (The entry's text is read only where it counts: it is a pointer away.)
    let left_ok = !prev_alnum || pat_text.starts_with('-');
    let right_ok = !text
        .get(e..)
        .and_then(|t| t.chars().next())
        .is_some_and(|c| c.is_alphanumeric() || c == '\'' && pat_text == "i");
    if !left_ok || !right_ok {
        return None;
    }
    let found = text.get(s..e)?;
    Some(kinds.iter().filter_map(move |(pat, cs, pt)| {
        if *cs && found != pt {
            return None;
        }
        // "US" is not "us".
        if matches!(pat, Pat::Pron(_)) && found.chars().skip(1).any(char::is_uppercase) {
            return None;
        }
        Some(Hit {
            start: s,
            end: e,
            pat: *pat,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan without its filters: the automaton run at every word
    /// start and every byte that is no letter or digit.
    fn unfiltered(text: &str) -> Vec<Hit> {
        let lex = lexicon();
        let Ok(start) = lex.nfa.start_state(Anchored::Yes) else {
            panic!("the lexicon's automaton has an anchored start");
        };
        let mut out = Vec::new();
        let (mut i, mut prev_alnum) = (0, false);
        while let Some(c) = text.get(i..).and_then(|t| t.chars().next()) {
            let alnum = c.is_alphanumeric();
            if !(prev_alnum && alnum) {
                // Every end from the longest down: the first entry that
                // ends exactly there and stands at word boundaries.
                let standing = (i + 1..=text.len()).rev().find_map(|e| {
                    let (pid, end) = longest_at(&lex.nfa, start, &text.as_bytes()[..e], i)?;
                    (end == e)
                        .then(|| hits_at(lex, text, i, e, pid.as_usize(), prev_alnum))
                        .flatten()
                        .map(|hits| (hits.collect::<Vec<_>>(), e))
                });
                if let Some((hits, e)) = standing {
                    out.extend(hits);
                    prev_alnum = text
                        .get(..e)
                        .and_then(|t| t.chars().next_back())
                        .is_some_and(char::is_alphanumeric);
                    i = e;
                    continue;
                }
            }
            prev_alnum = alnum;
            i += c.len_utf8();
        }
        out
    }

    #[test]
    fn the_filters_drop_no_hit() {
        let texts = [
            "Russian military intelligence (GRU) was almost certainly behind the attacks, the NCSC said.",
            "RUSSIA'S GRU and China\u{2019}s MSS-linked APT31; Russians, Russia-linked, russia.",
            "Fancy Bear, also known as APT28 or Sofacy, denied nothing. I\u{2019}m sure US officials didn't.",
            "Caf\u{e9} \u{c9}tat na\u{ef}ve \u{130}stanbul Stra\u{df}e 2016 apt28x xAPT28 APT-28 -linked",
            "the the the Kremlin the Kremlin's spokesman Dmitry Peskov rejected the accusations as groundless",
            // A longer entry running into a word shadows no shorter one:
            // "media report" in "media reported" leaves "media".
            "US media reported that hackers breached it; newspapers reportedly said so.",
        ];
        for t in texts {
            assert_eq!(scan(t), unfiltered(t), "{t}");
            let upper = t.to_uppercase();
            assert_eq!(scan(&upper), unfiltered(&upper), "{upper}");
        }
        assert!(!scan(texts[0]).is_empty());
        let media = scan(texts[5]);
        assert!(
            media
                .iter()
                .any(|h| h.pat == Pat::Media && &texts[5][h.start..h.end] == "media"),
            "{media:?}"
        );
    }
}
