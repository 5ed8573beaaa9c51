//! Prints the sentences, frames and claims of a file or stdin, for tuning:
//! `cargo run -p ascribe-extract --example claims FILE`.
use std::io::Read;

fn main() {
    let mut bytes = Vec::new();
    match std::env::args().nth(1) {
        Some(p) => bytes = std::fs::read(p).unwrap_or_default(),
        None => {
            let _ = std::io::stdin().read_to_end(&mut bytes);
        }
    }
    let cleaned = ascribe_extract::clean(&bytes, None);
    for l in ascribe_extract::claims::debug_sentences(&cleaned) {
        println!("{l}");
    }
    let doc = ascribe_extract::read_document("stdin", &bytes, None);
    for c in doc.claims {
        let c = c.claim;
        println!(
            "CLAIM {:?} {:?}/{:?}/{:?} -> {:?} [{:?}/{:?}] conf={:?} op={:?}",
            c.kind,
            c.speaker,
            c.speaker_org,
            c.speaker_country,
            c.target,
            c.target_canonical,
            c.target_state,
            c.confidence_phrase,
            c.operation
        );
    }
}
