use super::*;

const HEAD: &str = r#"[incident]
id = "t"
title = "test"

[[hypothesis]]
id = "apt29"
actor = "APT29"
"#;

/// Parses HEAD + `rest` and returns the error text, or "ok".
/// Checks that the case with `rest` appended is refused with an error that
/// starts with `start`.
fn assert_refused(rest: &str, start: &str) {
    let got = check(rest);
    assert!(got.starts_with(start), "{got}");
}

fn check(rest: &str) -> String {
    match parse_case("case.toml", &format!("{HEAD}{rest}")) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}

fn item(fields: &str) -> String {
    format!("\n[[evidence]]\nid = \"e1\"\nkind = \"tradecraft\"\nsummary = \"s\"\nsource = \"x\"\n{fields}\n")
}

#[test]
fn the_example_case_parses() {
    let text = include_str!("../../../examples/vaccine-research-2020.toml");
    let parsed = parse_case("vaccine-research-2020.toml", text).unwrap();
    assert_eq!(parsed.case.incident.id, "vaccine-research-2020");
    assert_eq!(parsed.case.hypotheses.len(), 3);
    assert_eq!(parsed.case.evidence.len(), 7);
    assert_eq!(parsed.case.claims.len(), 4);
    assert!(parsed.case.evidence.iter().any(|e| e.tlp > Tlp::Clear));
    assert_eq!(
        parsed.case.claims[0].probability,
        Some(ascribe_model::Phia::AlmostCertain.band())
    );
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

#[test]
fn other_hypothesis_is_added() {
    let parsed = parse_case("c.toml", HEAD).unwrap();
    assert_eq!(
        parsed.case.hypotheses.last().map(|h| h.id.as_str()),
        Some("other")
    );
    assert_eq!(parsed.notes.len(), 1);
}

#[test]
fn unknown_rating_is_located() {
    let got = check(&item(
        "reliability = \"B\"\ncredibility = 2\ntlp = \"clear\"\nratings = { apt29 = \"CCC\" }",
    ));
    assert_eq!(
        got,
        "case.toml:17:21: \"CCC\" is not a valid ACH rating; expected one of CC, C, N, I, II"
    );
}

#[test]
fn grade_out_of_range_is_located() {
    let got = check(&item(
        "reliability = \"G\"\ncredibility = 7\ntlp = \"clear\"",
    ));
    assert_eq!(
        got,
        "case.toml:14:15: \"G\" is not a valid Admiralty source reliability; expected one of A, B, C, D, E, F\n\
         case.toml:15:15: \"7\" is not a valid Admiralty information credibility; expected one of 1, 2, 3, 4, 5, 6"
    );
}

#[test]
fn unknown_tlp_is_located() {
    let got = check(&item("grade = \"B2\"\ntlp = \"white-ish\""));
    assert_eq!(
        got,
        "case.toml:15:7: \"white-ish\" is not a valid TLP marking; expected one of clear, green, amber, amber+strict, red"
    );
}

#[test]
fn rating_a_missing_hypothesis_is_located() {
    let got = check(&item(
        "grade = \"B2\"\ntlp = \"clear\"\nratings = { apt28 = \"C\" }",
    ));
    assert_eq!(
        got,
        "case.toml:16:13: evidence \"e1\" rates hypothesis \"apt28\", which does not exist; expected one of apt29"
    );
}

#[test]
fn duplicate_ids_are_located() {
    let got = check("\n[[hypothesis]]\nid = \"apt29\"\n");
    assert_eq!(
        got,
        "case.toml:10:6: duplicate hypothesis id \"apt29\"; each hypothesis needs its own id"
    );
    let e = item("grade = \"B2\"\ntlp = \"clear\"");
    assert_refused(
        &format!("{e}{e}"),
        "case.toml:18:6: duplicate evidence id \"e1\"",
    );
}

#[test]
fn priors_over_one_are_located() {
    let text = format!("{HEAD}prior = 0.8\n\n[[hypothesis]]\nid = \"apt28\"\nprior = 0.3\n");
    let got = parse_case("case.toml", &text).unwrap_err().to_string();
    assert_eq!(
        got,
        "case.toml:12:9: the priors add up to 1.1000; expected at most 1"
    );
    let got = check("prior = 1.5\n");
    assert_eq!(
        got,
        "case.toml:8:9: prior 1.5 is out of range; expected a probability between 0 and 1"
    );
}

#[test]
fn syntax_and_unknown_fields_are_located() {
    assert_refused(
        "colour = \"red\"\n",
        "case.toml:8:1: unknown field `colour`",
    );
    let got = check("prior = \n");
    assert!(got.starts_with("case.toml:8:"), "{got}");
    let got = parse_case("case.toml", "[incident]\ntitle = \"x\"\n")
        .unwrap_err()
        .to_string();
    assert!(got.contains("missing field `id`"), "{got}");
}

#[test]
fn bad_dates_are_refused() {
    let got = check("\n[[claim]]\nkind = \"denial\"\ndate = \"2020-02-30\"\n");
    assert_eq!(
        got,
        "case.toml:11:8: \"2020-02-30\" is not a date; expected YYYY-MM-DD"
    );
    assert!(valid_date("2024-02-29"));
    assert!(!valid_date("2023-02-29"));
}

#[test]
fn claim_kind_must_be_known() {
    assert_refused(
        "\n[[claim]]\nkind = \"rumour\"\n",
        "case.toml:10:8: \"rumour\" is not a valid claim kind",
    );
}

#[test]
fn policy_overrides_are_checked_and_layered() {
    let got = check("\n[policy]\nsame_source_damping = 0.3\n[policy.ach]\nCC = 6.0\n");
    assert_eq!(got, "ok");
    let got = check("\n[policy]\nsame_source_dampening = 0.3\n");
    assert!(
        got.contains("unknown field `same_source_dampening`"),
        "{got}"
    );
    let config: toml::Table = toml::from_str("[ach]\nCC = 5.0\nC = 3.0").unwrap();
    let case: toml::Table = toml::from_str("[ach]\nCC = 6.0").unwrap();
    let p = policy_from_tables(&[&config, &case]).unwrap();
    assert_eq!((p.ach.cc, p.ach.c, p.ach.ii), (6.0, 3.0, 0.25));
    let bad: toml::Table = toml::from_str("same_source_damping = 2.0").unwrap();
    assert!(policy_from_tables(&[&bad]).is_err());
}

#[test]
fn line_col_counts_characters() {
    assert_eq!(line_col("ab\ncé d", 7), (2, 4));
    assert_eq!(line_col("", 5), (1, 1));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_gives_a_case_or_located_errors(text in "\\PC{0,400}") {
            match parse_case("f.toml", &text) {
                Ok(p) => prop_assert!(p.case.hypotheses.iter().any(|h| h.id == "other")),
                Err(e) => {
                    prop_assert!(!e.errors.is_empty());
                    let lines = text.lines().count().max(1);
                    for l in &e.errors {
                        prop_assert!(l.line >= 1 && l.line <= lines + 1, "line {} of {}", l.line, lines);
                    }
                }
            }
        }

        #[test]
        fn mutated_example_never_panics(cut in 0usize..4000, insert in "[\\[\\]{}=\"a-z0-9 \\n.,#-]{0,8}") {
            let text = include_str!("../../../examples/vaccine-research-2020.toml");
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let mutated = format!("{}{}{}", &text[..cut], insert, &text[cut..]);
            let _ = parse_case("f.toml", &mutated);
        }
    }
}

#[test]
fn a_synthetic_case_file_parses_back_to_the_synthetic_case() {
    // The benchmark's case files are written by ascribe_assess::synth; they
    // must mean exactly the case the in-memory benchmark assesses.
    let text = ascribe_assess::synth::case_file(300, 5);
    let parsed = parse_case("synthetic.toml", &text).unwrap();
    assert_eq!(parsed.case, ascribe_assess::synth::case(300, 5));
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

#[test]
fn many_bad_items_are_all_reported_with_their_lines() {
    // Every error is located; a file with an error in each of many items
    // reports each one at its own line, in order.
    let n = 2000;
    let mut text = HEAD.to_owned();
    for i in 0..n {
        text.push_str(&format!(
            "\n[[evidence]]\nid = \"e{i}\"\nkind = \"tradecraft\"\nsummary = \"s\"\nsource = \"x\"\ngrade = \"B2\"\ntlp = \"mauve\"\n"
        ));
    }
    let err = parse_case("case.toml", &text).unwrap_err();
    assert_eq!(err.errors.len(), n);
    let head_lines = HEAD.lines().count();
    for (i, e) in err.errors.iter().enumerate() {
        // Each item is 8 lines (a blank line, the header, six fields); `tlp` is its last.
        assert_eq!(e.line, head_lines + 8 * i + 8, "item {i}: {e:?}");
        assert_eq!(e.column, 7);
        assert!(e.message.contains("mauve"), "{}", e.message);
    }
}

proptest::proptest! {
    #[test]
    fn line_col_counts_lines_and_characters(text in "[a\né\r ]{0,40}", offset in 0usize..50) {
        // The definition, spelled out: newlines before the offset, characters since the last.
        let end = if text.is_char_boundary(offset) { offset } else { text.len() };
        let before = &text[..end];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        proptest::prop_assert_eq!(line_col(&text, offset), (line, column));
    }
}

/// A file with many problems shows the first ones in full and counts the rest
/// (issue 17: a bad file's every problem was printed, one a line).
#[test]
fn many_problems_are_capped_with_a_count() {
    let e = CaseError {
        file: "case.toml".to_owned(),
        errors: (1..=30)
            .map(|line| Located {
                line,
                column: 1,
                message: "bad".to_owned(),
            })
            .collect(),
    };
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        ascribe_model::diag::PROBLEMS_SHOWN + 1,
        "{text}"
    );
    assert_eq!(lines[0], "case.toml:1:1: bad");
    assert_eq!(lines[20], "… and 10 more problems");
}

/// The case as parsing the whole file as one TOML document reads it: the
/// reference the sectioned parse must equal.
fn parse_whole(text: &str) -> Result<ParsedCase, CaseError> {
    parse_case_with("case.toml", text, read_raw_whole)
}

fn three_items(third: &str) -> String {
    let mut text = HEAD.to_owned();
    for i in 1..=2 {
        text.push_str(&format!(
            "\n[[evidence]]\nid = \"e{i}\"\nkind = \"tradecraft\"\nsummary = \"s\"\nsource = \"x\"\ngrade = \"B2\"\ntlp = \"clear\"\n[evidence.ratings]\napt29 = \"C\"\n"
        ));
    }
    text.push_str(third);
    text
}

#[test]
fn the_file_is_split_at_evidence_items_only() {
    let text = three_items(&item("grade = \"B2\"\ntlp = \"clear\""));
    let sections::Split::Evidence(s) = sections::split(&text) else {
        panic!("a plain case file is split");
    };
    assert_eq!(s.len(), 3);
    assert!(text[s[0].clone()].starts_with("[[evidence]]\nid = \"e1\""));
    assert!(text[s[0].clone()].ends_with("apt29 = \"C\"\n\n"));
    // `[evidence]` and an `[evidence.x]` away from its item are parsed whole.
    assert_eq!(sections::split("[evidence]\n"), sections::Split::Whole);
    let orphan = format!("{}[incident.x]\n[evidence.ratings]\n", item(""));
    assert_eq!(sections::split(&orphan), sections::Split::Whole);
    // Headers inside strings, arrays and comments are not headers.
    let hidden = "a = \"\"\"x\\\"\"\"\n[[evidence]]\n\"\"\"\nb = '''\n[[evidence]]'''\nc = [\n[[\"evidence\"]]\n]\n# [[evidence]]\n";
    assert_eq!(sections::split(hidden), sections::Split::Evidence(vec![]));
}

#[test]
fn an_error_in_the_third_item_is_located_as_in_the_whole_file() {
    let text = three_items(&item("grade = \"B2\"\ntlp = \"mauve\"").replace("\"e1\"", "\"e3\""));
    let got = parse_case("case.toml", &text).unwrap_err();
    assert_eq!(Err(got.clone()), parse_whole(&text));
    // HEAD is 8 lines, each item 10 lines; the third item's `tlp` is its 8th line.
    assert_eq!(got.errors.len(), 1, "{got}");
    assert_eq!((got.errors[0].line, got.errors[0].column), (35, 7));
    assert!(got.errors[0].message.contains("mauve"), "{got}");
}

#[test]
fn a_syntax_error_in_an_item_is_located_as_in_the_whole_file() {
    let text = three_items(&item(
        "grade = \"B2\"\ntlp = \"clear\"\nratings = { apt29 = }",
    ));
    let got = parse_case("case.toml", &text).unwrap_err();
    assert_eq!(Err(got.clone()), parse_whole(&text));
    assert_eq!(got.errors.len(), 1);
    assert_eq!((got.errors[0].line, got.errors[0].column), (36, 21));
    // An unknown field in the second item.
    let text = three_items("").replacen("tlp = \"clear\"\n", "tlp = \"clear\"\ncolour = 1\n", 2);
    let text = text.replacen("colour = 1\n", "", 1);
    let got = parse_case("case.toml", &text).unwrap_err();
    assert_eq!(Err(got.clone()), parse_whole(&text));
    assert_eq!((got.errors[0].line, got.errors[0].column), (26, 1));
    // A syntax error after a bad value earlier on: toml stops at the syntax error.
    let text = three_items(&item("grade = \"B2\"\ntlp = \"clear\"\nid = ")).replacen(
        "title = \"test\"",
        "title = 5",
        1,
    );
    assert_eq!(parse_case("case.toml", &text), parse_whole(&text));
}

#[test]
fn a_root_evidence_key_beside_evidence_tables_is_refused_as_toml_does() {
    let text = format!(
        "evidence = []\n{HEAD}{}",
        item("grade = \"B2\"\ntlp = \"clear\"")
    );
    let got = parse_case("case.toml", &text);
    assert!(got.is_err());
    assert_eq!(got, parse_whole(&text));
}

/// Text made at a line boundary of a case file, to vary its layout.
fn decorate(line: &str, kind: u8) -> String {
    let summary = line.starts_with("summary = ");
    let header = line.trim_start().starts_with('[');
    match kind {
        0 => format!("{line}\n"),
        1 => format!("{line}\n  \t"),
        2 => format!("{line}\n# [[evidence]]"),
        3 => format!("{line}\n  # [incident] ''' \"\"\""),
        4 if header => format!("  {line}"),
        5 if summary => {
            "summary = \"\"\"x\\\"\"\"\n[[evidence]]\n[evidence.ratings]\n\"\"\"".to_owned()
        }
        6 if summary => "summary = '''it's\n  [[evidence]]\n'''".to_owned(),
        7 if line == "[incident]" => format!("{line}\nvictims = [\n  \"[[evidence]]\",\n  # ]\n]"),
        8 if line == "[incident]" => format!("{line}\nvictims = [\n[[\"evidence\"]]\n]"),
        9 if header => format!("{line} # [[evidence]]"),
        10 if line.starts_with("id = ") => format!("{line} # ]]"),
        11 if line.starts_with("tlp = ") => "tlp = \"mauve\"".to_owned(),
        12 if line.starts_with("kind = ") => "kind = ".to_owned(),
        13 if summary => "summary = \"\"\"a\nb\"\"\"\"\"".to_owned(),
        _ => line.to_owned(),
    }
}

proptest::proptest! {
    #[test]
    fn the_sectioned_parse_equals_the_whole_file_parse(
        items in 0usize..12,
        seed in 0u64..1000,
        changes in proptest::collection::vec((0usize..400, 0u8..14), 0..12),
    ) {
        let mut lines: Vec<String> = ascribe_assess::synth::case_file(items, seed)
            .lines()
            .map(str::to_owned)
            .collect();
        for (at, kind) in changes {
            let at = at % lines.len();
            lines[at] = decorate(&lines[at], kind);
        }
        let text = lines.join("\n") + "\n";
        proptest::prop_assert_eq!(parse_case("case.toml", &text), parse_whole(&text), "{}", text);
    }
}

#[test]
fn policy_tables_reach_telemetry_and_device_grading() {
    let layer: toml::Table = toml::from_str(
        "[telemetry]\nsighting_grade = \"A2\"\ngeolocation_rating = \"N\"\nshared_hosting_as = [\"example-cloud\"]\n[telemetry.ratio]\nhash = 9.0\n[device]\ndata_grade = \"F6\"\n",
    )
    .expect("toml");
    let p = policy_from_tables(&[&layer]).expect("a valid policy");
    assert_eq!(p.telemetry.sighting_grade, "A2");
    assert_eq!(
        p.telemetry.geolocation_rating,
        ascribe_model::AchRating::Neutral
    );
    assert_eq!(p.telemetry.ratio.hash, 9.0);
    assert_eq!(
        p.telemetry.ratio.domain, 4.0,
        "keys left out keep the default"
    );
    assert_eq!(p.telemetry.shared_hosting_as, ["example-cloud"]);
    assert_eq!(p.device.data_grade, "F6");
    assert_eq!(p.device.capability_grade, "B2");
    let bad: toml::Table = toml::from_str("[device]\ncapability_grade = \"B9\"\n").expect("toml");
    let err = policy_from_tables(&[&bad]).unwrap_err();
    assert!(err.contains("device.capability_grade"), "{err}");
    let unknown: toml::Table = toml::from_str("[telemetry.ratio]\nipv4 = 2.0\n").expect("toml");
    assert!(policy_from_tables(&[&unknown]).is_err());
}
