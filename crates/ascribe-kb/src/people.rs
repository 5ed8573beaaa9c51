//! Officials who often speak about attribution, with the organisation they
//! speak for. General knowledge, kept short: the reader also learns people
//! from the text itself ("UK Foreign Secretary Dominic Raab").

/// A well-known official.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonDef {
    pub name: &'static str,
    /// Surname as news writes it on second mention.
    pub surname: &'static str,
    pub country: &'static str,
    pub org: &'static str,
}

macro_rules! p {
    ($n:expr, $s:expr, $c:expr, $o:expr) => {
        PersonDef {
            name: $n,
            surname: $s,
            country: $c,
            org: $o,
        }
    };
}

/// The built-in officials.
pub const PEOPLE: &[PersonDef] = &[
    p!("Vladimir Putin", "Putin", "Russia", "Kremlin"),
    p!("Dmitry Peskov", "Peskov", "Russia", "Kremlin"),
    p!("Dmitry Medvedev", "Medvedev", "Russia", "Kremlin"),
    p!(
        "Sergei Lavrov",
        "Lavrov",
        "Russia",
        "Russian Ministry of Foreign Affairs"
    ),
    p!(
        "Sergey Lavrov",
        "Lavrov",
        "Russia",
        "Russian Ministry of Foreign Affairs"
    ),
    p!(
        "Maria Zakharova",
        "Zakharova",
        "Russia",
        "Russian Ministry of Foreign Affairs"
    ),
    p!(
        "Sergei Ryabkov",
        "Ryabkov",
        "Russia",
        "Russian Ministry of Foreign Affairs"
    ),
    p!("Andrei Kelin", "Kelin", "Russia", "Russian Embassy"),
    p!("Anatoly Antonov", "Antonov", "Russia", "Russian Embassy"),
    p!("Xi Jinping", "Xi", "China", "Chinese government"),
    p!(
        "Wang Yi",
        "Wang Yi",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Wang Wenbin",
        "Wang Wenbin",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Zhao Lijian",
        "Zhao",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Hua Chunying",
        "Hua",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Geng Shuang",
        "Geng",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Lu Kang",
        "Lu Kang",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Mao Ning",
        "Mao Ning",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Lin Jian",
        "Lin Jian",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!("Liu Pengyu", "Liu Pengyu", "China", "Chinese Embassy"),
    // Foreign-ministry spokespeople and ministers of the states most often
    // accused, as their ministries' own sites name them.
    p!(
        "Guo Jiakun",
        "Guo Jiakun",
        "China",
        "Chinese Ministry of Foreign Affairs"
    ),
    p!(
        "Nasser Kanaani",
        "Kanaani",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Saeed Khatibzadeh",
        "Khatibzadeh",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Esmaeil Baghaei",
        "Baghaei",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Abbas Mousavi",
        "Mousavi",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Abbas Araghchi",
        "Araghchi",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Hossein Amir-Abdollahian",
        "Amir-Abdollahian",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Vassily Nebenzia",
        "Nebenzia",
        "Russia",
        "Russian mission to the UN"
    ),
    p!(
        "Alexander Grushko",
        "Grushko",
        "Russia",
        "Russian Ministry of Foreign Affairs"
    ),
    p!(
        "Kim Jong Un",
        "Kim",
        "North Korea",
        "North Korean government"
    ),
    p!(
        "Kim Jong-un",
        "Kim",
        "North Korea",
        "North Korean government"
    ),
    p!("Hassan Rouhani", "Rouhani", "Iran", "Iranian government"),
    p!(
        "Javad Zarif",
        "Zarif",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!(
        "Mohammad Javad Zarif",
        "Zarif",
        "Iran",
        "Iranian Ministry of Foreign Affairs"
    ),
    p!("Donald Trump", "Trump", "United States", "White House"),
    p!("Joe Biden", "Biden", "United States", "White House"),
    p!("Barack Obama", "Obama", "United States", "White House"),
    p!(
        "Mike Pompeo",
        "Pompeo",
        "United States",
        "US State Department"
    ),
    p!(
        "Antony Blinken",
        "Blinken",
        "United States",
        "US State Department"
    ),
    p!(
        "James Clapper",
        "Clapper",
        "United States",
        "US Office of the Director of National Intelligence"
    ),
    p!(
        "Dan Coats",
        "Coats",
        "United States",
        "US Office of the Director of National Intelligence"
    ),
    p!(
        "Avril Haines",
        "Haines",
        "United States",
        "US Office of the Director of National Intelligence"
    ),
    p!(
        "James Comey",
        "Comey",
        "United States",
        "US Federal Bureau of Investigation"
    ),
    p!(
        "Christopher Wray",
        "Wray",
        "United States",
        "US Federal Bureau of Investigation"
    ),
    p!(
        "Merrick Garland",
        "Garland",
        "United States",
        "US Department of Justice"
    ),
    p!(
        "Rod Rosenstein",
        "Rosenstein",
        "United States",
        "US Department of Justice"
    ),
    p!(
        "John Demers",
        "Demers",
        "United States",
        "US Department of Justice"
    ),
    p!("Jen Psaki", "Psaki", "United States", "White House"),
    p!(
        "Anne Neuberger",
        "Neuberger",
        "United States",
        "White House"
    ),
    p!(
        "Jen Easterly",
        "Easterly",
        "United States",
        "US Cybersecurity and Infrastructure Security Agency"
    ),
    p!(
        "Boris Johnson",
        "Johnson",
        "United Kingdom",
        "Downing Street"
    ),
    p!(
        "Theresa May",
        "Theresa May",
        "United Kingdom",
        "Downing Street"
    ),
    p!(
        "Dominic Raab",
        "Raab",
        "United Kingdom",
        "UK Foreign Office"
    ),
    p!(
        "Jeremy Hunt",
        "Jeremy Hunt",
        "United Kingdom",
        "UK Foreign Office"
    ),
    p!("Liz Truss", "Truss", "United Kingdom", "UK Foreign Office"),
    p!(
        "James Cleverly",
        "Cleverly",
        "United Kingdom",
        "UK Foreign Office"
    ),
    p!(
        "David Lammy",
        "Lammy",
        "United Kingdom",
        "UK Foreign Office"
    ),
    p!(
        "Ciaran Martin",
        "Ciaran Martin",
        "United Kingdom",
        "UK National Cyber Security Centre"
    ),
    p!(
        "Paul Chichester",
        "Chichester",
        "United Kingdom",
        "UK National Cyber Security Centre"
    ),
    p!("Angela Merkel", "Merkel", "Germany", "German government"),
    p!("Olaf Scholz", "Scholz", "Germany", "German government"),
    p!("Heiko Maas", "Maas", "Germany", "German Foreign Office"),
    p!(
        "Annalena Baerbock",
        "Baerbock",
        "Germany",
        "German Foreign Office"
    ),
    p!(
        "Bruno Kahl",
        "Kahl",
        "Germany",
        "German Federal Intelligence Service (BND)"
    ),
    p!("Emmanuel Macron", "Macron", "France", "Elysee"),
    p!("Mark Rutte", "Rutte", "Netherlands", "Dutch government"),
    p!(
        "Scott Morrison",
        "Morrison",
        "Australia",
        "Australian government"
    ),
    p!(
        "Anthony Albanese",
        "Albanese",
        "Australia",
        "Australian government"
    ),
    p!("Justin Trudeau", "Trudeau", "Canada", "Canadian government"),
    p!(
        "Volodymyr Zelensky",
        "Zelensky",
        "Ukraine",
        "Ukrainian government"
    ),
    p!(
        "Josep Borrell",
        "Borrell",
        "European Union",
        "Council of the European Union"
    ),
];
