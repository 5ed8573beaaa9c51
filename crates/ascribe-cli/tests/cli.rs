//! The `ascribe` binary end to end: exit codes, messages, and the reports.

mod common;

use common::{ascribe, example, stderr, stdout};

use std::process::Output;

#[test]
fn import_then_assess_by_id_matches_assessing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
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
    let open_path = dir.path().join("open.toml");
    std::fs::write(&open_path, open).unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[incident]\nid = \"x\"\ntitle = \"t\"\n\n[[hypothesis]]\nid = \"a\"\n\n[[evidence]]\nid = \"e\"\nkind = \"tradecraft\"\nsummary = \"s\"\nsource = \"s\"\ngrade = \"B2\"\ntlp = \"purple\"\nratings = { b = \"CC\" }\n",
    )
    .unwrap();
    let out = ascribe(&db, &["case", "import", bad.to_str().unwrap()]);
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let case = dir.path().join("claims-only.toml");
    std::fs::write(
        &case,
        "[incident]\nid = \"x\"\ntitle = \"t\"\n\n[[hypothesis]]\nid = \"a\"\nactor = \"APT28\"\nsponsor = \"Russia\"\n\n\
         [[claim]]\nkind = \"accusation\"\nspeaker_org = \"UK government\"\ntarget = \"Russia\"\nconfidence_phrase = \"almost certainly\"\n",
    )
    .unwrap();
    let plain = ascribe(&db, &["assess", case.to_str().unwrap()]);
    assert_eq!(plain.status.code(), Some(0));
    common::assert_contains(&stdout(&plain), "statements only");
    let strict = ascribe(&db, &["assess", case.to_str().unwrap(), "-W"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn a_config_file_overrides_defaults_and_the_case_wins() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let config = dir.path().join("ascribe.toml");
    // Make denials count against the accused: a policy some analysts argue for.
    std::fs::write(&config, "[policy.kinds.denial]\nweight = 1.0\n").unwrap();
    let example = example();
    let base = ascribe(
        &db,
        &["assess", example.to_str().unwrap(), "--format", "json"],
    );
    let tuned = ascribe(
        &db,
        &[
            "assess",
            example.to_str().unwrap(),
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(tuned.status.code(), Some(0), "{}", stderr(&tuned));
    // Denials are rated neutral in the example, so even at full weight they move nothing,
    // but the weight shown for them changes.
    let json = |o: &Output| serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap();
    assert_eq!(json(&base)["hypotheses"], json(&tuned)["hypotheses"]);
    assert!(
        stdout(&base) != stdout(&tuned),
        "the config file was not applied"
    );
    std::fs::write(&config, "[policy]\nsame_source_damping = 1.0\n").unwrap();
    let undamped = ascribe(
        &db,
        &[
            "assess",
            example.to_str().unwrap(),
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert!(json(&base)["hypotheses"] != json(&undamped)["hypotheses"]);
    std::fs::write(&config, "[policy]\nsame_source_damping = 7\n").unwrap();
    let bad = ascribe(
        &db,
        &[
            "assess",
            example.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    common::assert_contains(&stderr(&bad), "ascribe.toml:1:1");
}

#[test]
fn actors_resolve_through_the_knowledge_base() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let case = dir.path().join("aliases.toml");
    // "Cozy Bear" is an alias of APT29; its sponsor comes from the knowledge base,
    // so an accusation against Russia bears on it.
    std::fs::write(
        &case,
        "[incident]\nid = \"x\"\ntitle = \"t\"\n\n[[hypothesis]]\nid = \"cozy\"\nactor = \"Cozy Bear\"\n\n\
         [[hypothesis]]\nid = \"ghost\"\nactor = \"Nobody Group 99\"\n\n\
         [[claim]]\nkind = \"accusation\"\nspeaker_org = \"UK government\"\ntarget = \"Russia\"\n",
    )
    .unwrap();
    let out = ascribe(&db, &["assess", case.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["leading"]["id"], "cozy");
    assert_eq!(v["hypotheses"][0]["label"], "APT29");
    let import = ascribe(&db, &["case", "import", case.to_str().unwrap()]);
    common::assert_contains(
        &stderr(&import),
        "\"Nobody Group 99\" is not in the knowledge base",
    );
}

#[test]
fn a_long_case_report_shows_what_matters_and_counts_the_rest() {
    // 200 items, as telemetry makes them: the report lists 20 in each table
    // and says how many it leaves out; the JSON keeps every item.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let case = dir.path().join("synthetic.toml");
    std::fs::write(&case, ascribe_assess::synth::case_file(200, 3)).unwrap();
    let text = ascribe(&db, &["assess", case.to_str().unwrap()]);
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
    let evidence = section("Evidence (200 items");
    // The heading, the column names, 20 rows and the line that counts the rest.
    assert_eq!(evidence.len(), 23, "{evidence:#?}");
    assert!(
        evidence[22].starts_with("  … and 180 more items"),
        "{}",
        evidence[22]
    );
    let sensitivity = section("Sensitivity:");
    assert_eq!(sensitivity.len(), 22, "{sensitivity:#?}");
    assert!(
        sensitivity[21].starts_with("  … and 180 more items"),
        "{}",
        sensitivity[21]
    );
    insta::assert_snapshot!("long_case_report", report);

    let json = ascribe(&db, &["assess", case.to_str().unwrap(), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["contributions"].as_array().map(Vec::len), Some(200));
    assert_eq!(value["sensitivity"].as_array().map(Vec::len), Some(200));
    let again = ascribe(&db, &["assess", case.to_str().unwrap()]);
    assert_eq!(stdout(&again), report);
}
