//! The reader never panics, and every offset it returns slices the original
//! on char boundaries; binary and navigation-only input give no claims.

use proptest::prelude::*;

fn check(bytes: &[u8], name: &str) {
    let doc = ascribe_extract::read_document(name, bytes, None);
    let original = String::from_utf8_lossy(bytes);
    for c in &doc.claims {
        let (s, e) = (c.claim.start.unwrap_or(0), c.claim.end.unwrap_or(0));
        assert!(s <= e && e <= original.len());
        assert!(original.is_char_boundary(s) && original.is_char_boundary(e));
        assert!(original.get(s..e).is_some());
    }
    let cleaned = ascribe_extract::clean(bytes, None);
    for b in &cleaned.blocks {
        let (s, e) = cleaned.original_range(b.start, b.end);
        assert!(cleaned.original.get(s..e).is_some());
    }
}

const WORDS: &[&str] = &[
    "Russia",
    "said",
    "the",
    "\"",
    "“",
    "”",
    "’",
    "hackers",
    "accused",
    "denied",
    "GRU",
    "APT 29",
    "of",
    "attack",
    ".",
    ",",
    "?",
    "\n",
    "\n\n",
    "&amp;",
    "<p>",
    "</p>",
    "<script>",
    "almost certainly",
    "Kremlin",
    "spokesman",
    "Peskov",
    "not",
    "if",
    "according to",
    "Cozy Bear",
    "\u{a0}",
    "é",
    "日本",
    "behind",
    "from",
    "China",
    "and",
    "nothing to do with",
    "was",
    "<",
    ">",
    "&#x27;",
    "&",
    "Q:",
    // Markdown's marks.
    "[",
    "](https://example.org/a)",
    "*",
    "**",
    "\n# ",
    "\n- ",
    "\n> ",
    "`",
    "\\*",
    "![alt](b.png)",
    "\n```\n",
    "|",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        check(&bytes, "x.txt");
        check(&bytes, "x.html");
        check(&bytes, "x.md");
    }

    #[test]
    fn word_soup_never_panics(idx in proptest::collection::vec(0..WORDS.len(), 0..300)) {
        let mut s = String::new();
        for i in idx {
            s.push_str(WORDS[i]);
            s.push(' ');
        }
        check(s.as_bytes(), "x.txt");
        check(s.as_bytes(), "x.html");
        check(s.as_bytes(), "x.md");
    }
}

#[test]
fn binary_gives_no_claims() {
    let mut bytes = vec![0u8, 159, 146, 150, 0, 1, 2, 3];
    bytes.extend_from_slice(b"Russia accused of hacking");
    let doc = ascribe_extract::read_document("blob.bin", &bytes, None);
    assert_eq!(doc.skipped, Some(ascribe_extract::Skip::Binary));
    assert!(doc.claims.is_empty());
}

#[test]
fn invalid_utf8_is_read_lossily() {
    let mut bytes = b"The foreign minister said on Monday that Russian military intelligence was behind the attack on the ministry \xff\xfe servers.".to_vec();
    bytes.push(0xc3);
    let doc = ascribe_extract::read_document("x.txt", &bytes, None);
    assert_eq!(doc.claims.len(), 1);
}

#[test]
fn navigation_only_page_gives_no_claims() {
    let html = "<html><body><nav><a href=/>Home</a><a href=/w>World</a></nav><ul><li><a>Russia hacks</a></li><li><a>China spies</a></li></ul><footer>All rights reserved</footer></body></html>";
    let doc = ascribe_extract::read_document("x.html", html.as_bytes(), None);
    assert!(doc.claims.is_empty(), "{:?}", doc.claims);
}

/// Found by the `extract_claims` fuzz target: "I claims" inside the attribution of a
/// quote whose speaker is "I" sent the speaker search round in a loop until the stack
/// overflowed. It must end, with or without a claim.
#[test]
fn a_first_person_speaker_inside_its_own_attribution_terminates() {
    let bytes: &[u8] = &[
        0x22, 0x09, 0x2e, 0x09, 0x22, 0x22, 0x22, 0xff, 0xff, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0x22, 0x22, 0x22, 0x49, 0x09, 0xfd, 0x63, 0x6c, 0x61, 0x69, 0x6d, 0x73, 0x09,
        0x0d, 0x09, 0xff, 0x2e, 0xff,
    ];
    let _ = ascribe_extract::read_document("fuzz.txt", bytes, None);
    let text = "\"We did it,\" I claims. \"I know,\" we said.";
    let _ = ascribe_extract::read_document("t.txt", text.as_bytes(), None);
}
