//! The `ascribe` binary end to end: exit codes, messages, and the reports.

mod common;

use common::{ascribe, example, stderr, stdout, with_file};

use std::process::Output;

#[test]
fn import_then_assess_by_id_matches_assessing_the_file() {
    let (_dir, db) = common::temp_db();
    let example = example();
    let imported = ascribe(&db, &["case", "import", example.to_str().unwrap()]);
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    assert!(stderr(&imported).contains("imported vaccine-research-2020"));
    // Re-importing updates rather than duplicates.
    let again = ascribe(&db, &["case", "import", example.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    let list = ascribe(&db, &["case", "list"]);
    assert_eq!(stdout(&list).lines().count(), 1, "{}", stdout(&list));

    let by_id = ascribe(
        &db,
        &["assess", "vaccine-research-2020", "--format", "json"],
    );
    let by_file = ascribe(
        &db,
        &["assess", example.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(by_id.status.code(), Some(0), "{}", stderr(&by_id));
    assert_eq!(stdout(&by_id), stdout(&by_file));
}

#[test]
fn the_example_report_snapshot() {
    let (_dir, db) = common::temp_db();
    let example = example();
    let text = ascribe(&db, &["assess", example.to_str().unwrap()]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    insta::assert_snapshot!("example_report", stdout(&text));
    let json = ascribe(
        &db,
        &["assess", example.to_str().unwrap(), "--format", "json"],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    insta::assert_json_snapshot!("example_json", value);
    // Same input, same output, byte for byte.
    let again = ascribe(
        &db,
        &["assess", example.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(json.stdout, again.stdout);
}

#[test]
fn restricted_material_never_reaches_the_public_figures() {
    let (dir, db) = common::temp_db();
    let example = example();
    let full = ascribe(
        &db,
        &["assess", example.to_str().unwrap(), "--format", "json"],
    );
    let full: serde_json::Value = serde_json::from_slice(&full.stdout).unwrap();
    // The same case with every restricted item removed gives the same public view.
    let text = std::fs::read_to_string(&example).unwrap();
    let open: String = text
        .split("\n[[")
        .filter(|block| !(block.contains("tlp = \"amber\"") || block.contains("tlp = \"red\"")))
        .collect::<Vec<_>>()
        .join("\n[[");
    let open_path = common::write(dir.path(), "open.toml", open);
    let public = ascribe(
        &db,
        &["assess", open_path.to_str().unwrap(), "--format", "json"],
    );
    let public: serde_json::Value = serde_json::from_slice(&public.stdout).unwrap();
    for (a, b) in full["hypotheses"]
        .as_array()
        .unwrap()
        .iter()
        .zip(public["hypotheses"].as_array().unwrap())
    {
        assert_eq!(a["public_probability"], b["probability"]);
        assert_eq!(b["probability"], b["public_probability"]);
    }
    assert_eq!(full["public_confidence"], public["confidence"]);
}

#[test]
fn bad_input_exits_2_with_file_line_and_column() {
    let (_dir, db, bad) = with_file(
        "bad.toml",
        "[incident]\nid = \"x\"\ntitle = \"t\"\n\n[[hypothesis]]\nid = \"a\"\n\n[[evidence]]\nid = \"e\"\nkind = \"tradecraft\"\nsummary = \"s\"\nsource = \"s\"\ngrade = \"B2\"\ntlp = \"purple\"\nratings = { b = \"CC\" }\n",
    );
    let out = ascribe(&db, &["case", "import", &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml:14:7: \"purple\" is not a valid TLP marking"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:15:13: evidence \"e\" rates hypothesis \"b\", which does not exist"),
        "{err}"
    );
    // Nothing was written.
    let list = ascribe(&db, &["case", "list"]);
    assert!(
        stdout(&list).starts_with("no incidents"),
        "{}",
        stdout(&list)
    );

    let missing = ascribe(&db, &["assess", "no-such-incident"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no incident \"no-such-incident\""));
    let usage = ascribe(&db, &["assess"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn warnings_as_errors_exit_1() {
    let (_dir, db, case) = with_file(
        "claims-only.toml",
        "[incident]\nid = \"x\"\ntitle = \"t\"\n\n[[hypothesis]]\nid = \"a\"\nactor = \"APT28\"\nsponsor = \"Russia\"\n\n\
         [[claim]]\nkind = \"accusation\"\nspeaker_org = \"UK government\"\ntarget = \"Russia\"\nconfidence_phrase = \"almost certainly\"\n",
    );
    let plain = ascribe(&db, &["assess", &case]);
    assert_eq!(plain.status.code(), Some(0));
    common::assert_contains(&stdout(&plain), "statements only");
    let strict = ascribe(&db, &["assess", &case, "-W"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn a_config_file_overrides_defaults_and_the_case_wins() {
    let (dir, db) = common::temp_db();
    let config = dir.path().join("ascribe.toml");
    let example = example();
    let example = example.to_str().unwrap();
    let base = ascribe(&db, &["assess", example, "--format", "json"]);
    // The example assessed with a config file holding `text`.
    let assess_with = |text: &str, args: &[&str]| {
        std::fs::write(&config, text).unwrap();
        let config = config.to_str().unwrap();
        ascribe(
            &db,
            &[&["assess", example, "--config", config], args].concat(),
        )
    };
    let json_format = ["--format", "json"];
    // Make denials count against the accused: a policy some analysts argue for.
    let tuned = assess_with("[policy.kinds.denial]\nweight = 1.0\n", &json_format);
    assert_eq!(tuned.status.code(), Some(0), "{}", stderr(&tuned));
    // Denials are rated neutral in the example, so even at full weight they move nothing,
    // but the weight shown for them changes.
    let json = |o: &Output| serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap();
    assert_eq!(json(&base)["hypotheses"], json(&tuned)["hypotheses"]);
    assert!(
        stdout(&base) != stdout(&tuned),
        "the config file was not applied"
    );
    let undamped = assess_with("[policy]\nsame_source_damping = 1.0\n", &json_format);
    assert!(json(&base)["hypotheses"] != json(&undamped)["hypotheses"]);
    let bad = assess_with("[policy]\nsame_source_damping = 7\n", &[]);
    assert_eq!(bad.status.code(), Some(2));
    common::assert_contains(&stderr(&bad), "ascribe.toml:1:1");
}

#[test]
fn actors_resolve_through_the_knowledge_base() {
    // "Cozy Bear" is an alias of APT29; its sponsor comes from the knowledge base,
    // so an accusation against Russia bears on it.
    let (_dir, db, case) = with_file(
        "aliases.toml",
        "[incident]\nid = \"x\"\ntitle = \"t\"\n\n[[hypothesis]]\nid = \"cozy\"\nactor = \"Cozy Bear\"\n\n\
         [[hypothesis]]\nid = \"ghost\"\nactor = \"Nobody Group 99\"\n\n\
         [[claim]]\nkind = \"accusation\"\nspeaker_org = \"UK government\"\ntarget = \"Russia\"\n",
    );
    let out = ascribe(&db, &["assess", &case, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["leading"]["id"], "cozy");
    assert_eq!(v["hypotheses"][0]["label"], "APT29");
    let import = ascribe(&db, &["case", "import", &case]);
    common::assert_contains(
        &stderr(&import),
        "\"Nobody Group 99\" is not in the knowledge base",
    );
}

#[test]
fn a_long_case_report_shows_what_matters_and_counts_the_rest() {
    // 200 items, as telemetry makes them: the report lists 20 in each table
    // and says how many it leaves out; the JSON keeps every item.
    let (_dir, db, case) = with_file("synthetic.toml", ascribe_assess::synth::case_file(200, 3));
    let text = ascribe(&db, &["assess", &case]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let report = stdout(&text);
    let section = |title: &str| -> Vec<String> {
        report
            .split("\n\n")
            .find(|s| s.starts_with(title))
            .unwrap_or_else(|| panic!("no {title} section in\n{report}"))
            .lines()
            .map(str::to_owned)
            .collect()
    };
    // Evidence: the heading, the column names, 20 rows and the line that
    // counts the rest; sensitivity: the heading, 20 rows and that line.
    for (title, lines) in [("Evidence (200 items", 23), ("Sensitivity:", 22)] {
        let table = section(title);
        assert_eq!(table.len(), lines, "{table:#?}");
        let last = &table[lines - 1];
        assert!(last.starts_with("  … and 180 more items"), "{last}");
    }
    insta::assert_snapshot!("long_case_report", report);

    let json = ascribe(&db, &["assess", &case, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["contributions"].as_array().map(Vec::len), Some(200));
    assert_eq!(value["sensitivity"].as_array().map(Vec::len), Some(200));
    let again = ascribe(&db, &["assess", &case]);
    assert_eq!(stdout(&again), report);
}
