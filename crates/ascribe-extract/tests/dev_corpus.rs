//! The development corpus (`../shared/corpus/dev`, issue 20): documents
//! that use the vocabulary of attribution without attributing anything yield
//! no claim. (Precision and recall on it are held by the `docs eval` test in
//! `ascribe-cli`.) The rules were written against the "tune" half of
//! `split.toml`; its negatives yield nothing. Of the held-out negatives, not
//! read, one yielded a claim when this test was written: the bound holds that
//! figure so it cannot grow.

use ascribe_extract::eval::GoldDoc;

#[test]
fn negatives_yield_no_claim() {
    let Some(gold_path) = ascribe_testutil::shared_file("corpus/dev/gold.json") else {
        return;
    };
    let text = std::fs::read_to_string(&gold_path)
        .unwrap_or_else(|e| panic!("{}: {e}", gold_path.display()));
    let gold: Vec<GoldDoc> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not a gold file: {e}", gold_path.display()));
    let docs = gold_path
        .parent()
        .map(|d| d.join("docs"))
        .unwrap_or_else(|| panic!("{} has a folder", gold_path.display()));
    let negatives: Vec<&GoldDoc> = gold.iter().filter(|g| g.claims.is_empty()).collect();
    assert!(negatives.len() >= 4, "the corpus has its negatives");
    let split: toml::Table =
        toml::from_str(include_str!("split.toml")).unwrap_or_else(|e| panic!("split.toml: {e}"));
    let tune: Vec<&str> = split["tune"]
        .as_array()
        .unwrap_or_else(|| panic!("split.toml: tune is a list"))
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let is_tune = |doc: &str| tune.iter().any(|t| doc.split('.').next() == Some(t));
    // Names only: a held-out document's output is not printed.
    let mut with_claims = Vec::new();
    let mut held_with_claims = 0;
    for g in &negatives {
        let path = docs.join(&g.doc);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = ascribe_extract::read_document(&g.doc, &bytes, None);
        if !doc.claims.is_empty() {
            if is_tune(&g.doc) {
                with_claims.push(format!("{} ({} claims)", g.doc, doc.claims.len()));
            } else {
                held_with_claims += 1;
            }
        }
    }
    assert!(
        held_with_claims <= 1,
        "{held_with_claims} held-out negatives yield claims (was 1)"
    );
    assert!(
        with_claims.is_empty(),
        "tune-half negatives with claims: {}",
        with_claims.join(", ")
    );
}
