//! Acceptance on the three seeds against `shared/seeds/gold.json`.

use std::collections::BTreeMap;

use ascribe_extract::eval::{score, GoldDoc};

#[test]
fn seeds_meet_the_acceptance_figures() {
    let Some(gold_path) = ascribe_testutil::shared_file("seeds/gold.json") else {
        return;
    };
    let gold: Vec<GoldDoc> =
        serde_json::from_str(&std::fs::read_to_string(&gold_path).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(gold.len(), 3);
    let dir = gold_path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let mut predicted = BTreeMap::new();
    for g in &gold {
        let bytes = std::fs::read(dir.join(&g.doc)).unwrap_or_default();
        let doc = ascribe_extract::read_document(&g.doc, &bytes, None);
        if std::env::var("ASCRIBE_EXTRACT_DEBUG").is_ok_and(|v| v == "1") {
            let cleaned = ascribe_extract::clean(&bytes, None);
            for l in ascribe_extract::claims::debug_sentences(&cleaned) {
                eprintln!("{l}");
            }
        }
        for c in &doc.claims {
            let c = &c.claim;
            eprintln!(
                "{} {:?} {:?}/{:?}/{:?} -> {:?} [{:?}] conf={:?} op={:?}\n    {:?}",
                g.doc,
                c.kind,
                c.speaker,
                c.speaker_org,
                c.speaker_country,
                c.target,
                c.target_canonical,
                c.confidence_phrase,
                c.operation,
                c.quote
                    .as_deref()
                    .unwrap_or("")
                    .chars()
                    .take(140)
                    .collect::<String>()
            );
        }
        predicted.insert(g.doc.clone(), (doc.published.clone(), doc.claims));
    }
    let rep = score(&gold, &predicted);
    for m in &rep.misses {
        eprintln!("{m}");
    }
    eprintln!(
        "precision {:.2} recall {:.2} f1 {:.2} main recall {:.2} ({}/{}) confidence {}/{}",
        rep.overall.precision,
        rep.overall.recall,
        rep.overall.f1,
        rep.main_recall,
        rep.main_found,
        rep.main_total,
        rep.confidence_right,
        rep.confidence_total
    );
    assert!(rep.main_recall >= 0.9, "main recall {:.2}", rep.main_recall);
    assert!(
        rep.overall.recall >= 0.8,
        "recall {:.2}",
        rep.overall.recall
    );
    assert!(
        rep.overall.precision >= 0.85,
        "precision {:.2}",
        rep.overall.precision
    );
    assert_eq!(
        rep.confidence_right, rep.confidence_total,
        "confidence phrases"
    );
}
