//! The same words laid out another way give the same claims: line endings,
//! quote marks typed straight or curly, no-break spaces, dashes typed as
//! hyphens, lines folded at a width (as mail, plain-text releases and
//! transcripts are), HTML and Markdown of several shapes, a site's chrome
//! around the article. A document's layout is not its content, and real
//! pages come in all of these.
//!
//! Run on the seeds and on the "tune" half of the development corpus (the
//! half the rules were written against; see `split.toml`).

use std::collections::BTreeMap;

use ascribe_testutil::fold;

/// The names of the tune half's documents (`split.toml`).
fn tune_names() -> Vec<String> {
    let split: toml::Table =
        toml::from_str(include_str!("split.toml")).unwrap_or_else(|e| panic!("split.toml: {e}"));
    split["tune"]
        .as_array()
        .unwrap_or_else(|| panic!("split.toml: tune is a list"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("split.toml: {v} is a name"))
                .to_owned()
        })
        .collect()
}

/// The claims one reading has and the other lacks, for a failure message.
fn differences(base: &BTreeMap<Key, usize>, got: &BTreeMap<Key, usize>) -> String {
    let missing: Vec<_> = base.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !base.contains_key(*k)).collect();
    format!("missing {missing:?}, extra {extra:?}")
}

/// What a claim is, beyond where it is: kind, speaker, party, accused.
type Key = (String, Option<String>, Option<String>, Option<String>);

fn claims(name: &str, text: &str) -> BTreeMap<Key, usize> {
    let doc = ascribe_extract::read_document(name, text.as_bytes(), None);
    let mut out = BTreeMap::new();
    for c in doc.claims {
        let c = c.claim;
        let kind = c.kind.map_or("-", |k| k.as_str()).to_owned();
        *out.entry((kind, c.speaker, c.speaker_org, c.target_canonical))
            .or_insert(0) += 1;
    }
    out
}

/// Straight quotes made curly, paired within a line; a line with an odd
/// number of them (a quote running over lines) is left as it is.
fn curly(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let line = line.replace('\'', "’");
        if line.matches('"').count() % 2 == 1 {
            out.push(line);
            continue;
        }
        let mut open = true;
        out.push(
            line.chars()
                .map(|c| match c {
                    '"' => {
                        open = !open;
                        if open {
                            '”'
                        } else {
                            '“'
                        }
                    }
                    _ => c,
                })
                .collect(),
        );
    }
    out.join("\n")
}

/// Paragraphs in `<p>`, with a title, navigation and a footer.
fn html(text: &str) -> String {
    let title: String = paragraphs(text)
        .next()
        .unwrap_or("")
        .chars()
        .take(80)
        .collect();
    let mut out = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body>\
         <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li></ul></nav><article>",
        html_escape(&title)
    );
    for p in paragraphs(text) {
        out.push_str(&format!("<p>{}</p>\n", html_escape(p)));
    }
    out.push_str("</article><footer>Copyright 2024. All rights reserved.</footer></body></html>");
    out
}

fn html_escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn paragraphs(t: &str) -> impl Iterator<Item = &str> {
    t.split('\n').filter(|p| !p.trim().is_empty())
}

/// Paragraphs separated by `<br><br>` in one `<div>`.
fn html_br(t: &str) -> String {
    let body: Vec<String> = paragraphs(t).map(html_escape).collect();
    format!(
        "<html><body><div class=\"content\">{}</div></body></html>",
        body.join("<br><br>\n")
    )
}

/// Paragraphs in nested `<div>`s and `<span>`s, no `<p>`.
fn html_divs(t: &str) -> String {
    let mut out = String::from("<html><body>");
    for p in paragraphs(t) {
        out.push_str(&format!(
            "<div><div><span>{}</span></div></div>",
            html_escape(p)
        ));
    }
    out.push_str("</body></html>");
    out
}

/// A page as a news site serves it: scripts, a style sheet and JSON-LD in
/// the head, navigation, the article's names as links and its quotations
/// emphasised, a "most read" box beside it.
fn html_page(t: &str) -> String {
    let mut out = String::from(
        "<html><head><title>t</title><style>p{color:red}</style>\
         <script>var a=\"<p>not text</p>\";</script>\
         <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"x\"}</script>\
         </head><body><header><nav><a href=\"/\">Home</a> | <a href=\"/news\">News</a></nav></header>\
         <main><article><div class=\"article-body\">",
    );
    for p in paragraphs(t) {
        let words = link_names(&html_escape(p), |n| {
            format!("<a href=\"/people/x\">{n}</a>")
        });
        let p = words.replace('“', "<em>“").replace('”', "”</em>");
        out.push_str(&format!("<p>{p}</p>\n"));
    }
    out.push_str(
        "</div></article></main><aside><h3>Most read</h3><ul><li><a href=\"/a\">Markets rally</a>\
         </li></ul></aside></body></html>",
    );
    out
}

/// The article as Markdown: the first paragraph a heading, names as links,
/// quotations in emphasis, paragraphs apart.
fn markdown(t: &str) -> String {
    let mut out = Vec::new();
    for (k, p) in paragraphs(t).enumerate() {
        if k == 0 {
            out.push(format!("# {p}"));
            continue;
        }
        let words = link_names(p, |n| format!("[{n}](https://example.org/people/x)"));
        out.push(words.replace('“', "*“").replace('”', "”*"));
    }
    out.join("\n\n")
}

/// Two capitalised words in a row (a name, most often) made a link.
fn link_names(p: &str, link: impl Fn(&str) -> String) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut prev_cap = false;
    for w in p.split(' ') {
        let cap = w.len() > 1
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().skip(1).all(char::is_lowercase);
        if cap && prev_cap {
            let first = words
                .pop()
                .expect("a capitalised word came before (prev_cap)");
            words.push(link(&format!("{first} {w}")));
            prev_cap = false;
            continue;
        }
        prev_cap = cap;
        words.push(w.to_owned());
    }
    words.join(" ")
}

type Layout = (&'static str, &'static str, fn(&str) -> String);

const LAYOUTS: &[Layout] = &[
    ("crlf", "txt", |t| t.replace('\n', "\r\n")),
    ("straight quotes", "txt", |t| {
        t.replace(['“', '”'], "\"").replace(['’', '‘'], "'")
    }),
    ("curly quotes", "txt", curly),
    ("no-break spaces after stops and commas", "txt", |t| {
        t.replace(". ", ".\u{a0} ").replace(", ", ",\u{a0}")
    }),
    ("dashes typed as hyphens", "txt", |t| {
        t.replace('—', "--").replace('–', "-")
    }),
    ("blank line between lines", "txt", |t| {
        t.replace('\n', "\n\n")
    }),
    ("indented lines", "txt", |t| t.replace('\n', "\n\t")),
    ("folded at 60", "txt", |t| fold(t, 60, false)),
    ("folded at 72", "txt", |t| fold(t, 72, false)),
    ("folded at 80, paragraphs apart", "txt", |t| {
        fold(t, 80, true)
    }),
    ("html paragraphs", "html", html),
    ("html paragraphs apart by <br>", "html", html_br),
    ("html in nested divs", "html", html_divs),
    (
        "html page with scripts, links and emphasis",
        "html",
        html_page,
    ),
    ("markdown with links and emphasis", "md", markdown),
    ("site navigation and footer", "txt", |t| {
        format!("{CHROME_TOP}{t}{CHROME_FOOT}")
    }),
    ("an unrelated paragraph in the middle", "txt", |t| {
        let paras: Vec<&str> = t.split("\n\n").collect();
        if paras.len() < 4 {
            return t.to_owned();
        }
        let k = paras.len() / 2;
        let mut out = paras[..k].to_vec();
        out.push(
            "The weather in the capital stayed mild for the season, and traffic was light on \
             the main roads into the city centre that morning.",
        );
        out.extend_from_slice(&paras[k..]);
        out.join("\n\n")
    }),
];

/// What a scraper keeps of a news site around its article.
const CHROME_TOP: &str = "Skip to main content\nMenu\nSearch\nSubscribe\nSign in\n\n\
    We use cookies to improve your experience on our site. By continuing to browse, you \
    agree to our use of cookies.\nAccept\n\n";
const CHROME_FOOT: &str = "\n\nShare this article\nFacebook\nTwitter\nEmail\n\nRead more\n\
    Markets rally as inflation cools\nNew rail line opens in the north\n\n\
    Sign up for our newsletter\nThe best of our journalism, every morning.\n\n\
    © 2024 Example Media Group. All rights reserved.\nPrivacy Policy | Terms of Use | Contact us\n";

#[test]
fn layout_does_not_change_the_claims() {
    let (Some(seeds), Some(dev)) = (
        ascribe_testutil::shared_file("seeds"),
        ascribe_testutil::shared_file("corpus/dev/docs"),
    ) else {
        return;
    };
    let mut docs: Vec<std::path::PathBuf> = tune_names()
        .iter()
        .map(|name| dev.join(format!("{name}.txt")))
        .collect();
    for e in std::fs::read_dir(&seeds).unwrap_or_else(|e| panic!("{}: {e}", seeds.display())) {
        let p = e
            .unwrap_or_else(|e| panic!("{}: {e}", seeds.display()))
            .path();
        if p.extension().is_some_and(|x| x == "txt") {
            docs.push(p);
        }
    }
    assert!(
        docs.len() >= 23,
        "the seeds and the tune half: {}",
        docs.len()
    );
    let mut failures = Vec::new();
    let mut compared = 0;
    for path in &docs {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let base = claims("doc.txt", &text);
        for (layout, ext, f) in LAYOUTS {
            let got = claims(&format!("doc.{ext}"), &f(&text));
            compared += 1;
            if got != base {
                failures.push(format!(
                    "{} {layout}: {}",
                    path.display(),
                    differences(&base, &got)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} layouts changed the claims:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn folding_keeps_the_words_in_order() {
    let text = "One two three four five six seven eight nine ten.\nEleven twelve.";
    let f = fold(text, 20, false);
    assert!(f.lines().all(|l| l.chars().count() <= 20), "{f}");
    assert_eq!(
        f.split_whitespace().collect::<Vec<_>>(),
        text.split_whitespace().collect::<Vec<_>>()
    );
    assert_eq!(curly("\"a\" 'b'\n\"c"), "“a” ’b’\n\"c");
}

/// `text` with each whole-word `from` replaced by `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find(from) {
        let before = rest[..p].chars().next_back();
        let after = rest[p + from.len()..].chars().next();
        let whole =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..p]);
        out.push_str(if whole { to } else { from });
        rest = &rest[p + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Names no knowledge base holds, for the people a document quotes.
const FRESH: &[(&str, &str)] = &[
    ("Maria", "Lindqvist"),
    ("Tomas", "Verhoef"),
    ("Anika", "Brandt"),
    ("Pavel", "Orlov"),
];

/// The people a story quotes, renamed to people no knowledge base holds,
/// keep their claims: a spokesperson or minister is read from the words
/// around the name ("A foreign ministry spokesperson said ... Spokesperson
/// X made the remarks"), not from a list of names. Renamed are the full
/// name and each of its words alone ("Mao said", "Peskov told").
#[test]
fn people_the_knowledge_base_does_not_know_keep_their_claims() {
    let Some(dev) = ascribe_testutil::shared_file("corpus/dev/docs") else {
        return;
    };
    let mut failures = Vec::new();
    let mut renamed_docs = 0;
    for name in tune_names() {
        let path = dev.join(format!("{name}.txt"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = ascribe_extract::read_document("doc.txt", text.as_bytes(), None);
        let mut people: Vec<String> = doc
            .claims
            .iter()
            .filter_map(|c| c.claim.speaker.clone())
            .filter(|p| p.split_whitespace().count() >= 2)
            .collect();
        people.sort_by_key(|p| std::cmp::Reverse(p.len()));
        people.dedup();
        if people.is_empty() {
            continue;
        }
        renamed_docs += 1;
        let mut renamed = text.clone();
        let mut back = std::collections::HashMap::new();
        for (k, person) in people.iter().enumerate() {
            let (first, last) = FRESH[k % FRESH.len()];
            let fresh = format!("{first} {last}");
            renamed = renamed.replace(person.as_str(), &fresh);
            for word in person.split_whitespace() {
                renamed = replace_word(&renamed, word, last);
            }
            back.insert(fresh, person.clone());
        }
        let base = claims("doc.txt", &text);
        let got: BTreeMap<Key, usize> = claims("doc.txt", &renamed)
            .into_iter()
            .map(|((kind, person, org, target), n)| {
                let person = person.map(|p| back.get(&p).cloned().unwrap_or(p));
                ((kind, person, org.map(|o| base_org(&o)), target), n)
            })
            .collect();
        let base: BTreeMap<Key, usize> = base
            .into_iter()
            .map(|((kind, person, org, target), n)| {
                ((kind, person, org.map(|o| base_org(&o)), target), n)
            })
            .collect();
        if got != base {
            failures.push(format!("{name}: {}", differences(&base, &got)));
        }
    }
    assert!(
        renamed_docs >= 8,
        "documents with named speakers: {renamed_docs}"
    );
    // One known: a briefing transcript whose heading names the foreign
    // ministry but not its state, answered under the spokesperson's name
    // alone; the knowledge base's list of spokespeople places the known
    // name, nothing places a new one. The bound keeps it from growing.
    assert!(
        failures.len() <= 1,
        "{} of {renamed_docs} documents read differently with new names:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// An organisation's name without the text's wording in brackets: a
/// known person's office comes from the knowledge base, a new one's from
/// the words.
fn base_org(o: &str) -> String {
    o.split(" (").next().unwrap_or(o).to_owned()
}
