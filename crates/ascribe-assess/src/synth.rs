//! Seeded synthetic cases, for benchmarks and scale checks.
//!
//! Telemetry turns every sighted indicator into an evidence item, so real
//! incidents reach tens of thousands of items; these cases let the benchmark
//! (`cargo bench -p ascribe-assess`) and `scripts/bench-assess.sh` measure the
//! assessment at that size. The same `(items, seed)` always gives the same
//! case, byte for byte, and [`case_file`] writes exactly what [`case`] returns
//! (a test in ascribe-case parses one back and compares).
//!
//! Shape: four hypotheses (three actors and "other"), random ACH ratings for a
//! random subset of them, random Admiralty grades, kinds and TLP markings
//! (about two in five items TLP:CLEAR), and one source per ten items.

use std::collections::BTreeMap;
use std::fmt::Write;

use ascribe_model::{
    AchRating, Admiralty, Bearing, Case, Credibility, Evidence, EvidenceKind, Hypothesis, Incident,
    Reliability, Tlp,
};

/// The hypotheses of every synthetic case, "other" last as a case file adds it.
const ACTORS: [(&str, &str); 3] = [
    ("apt29", "APT29"),
    ("apt28", "APT28"),
    ("lazarus", "Lazarus"),
];

/// Items per source.
const PER_SOURCE: usize = 10;

/// splitmix64: tiny, seedable and good enough for test data; no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0); the modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A case of `items` evidence items drawn from `seed`.
/// Reads `ITEMS [SEED]` (SEED 1 when absent), the arguments of the
/// synthetic-case examples, naming the argument that is not a whole number.
pub fn args(args: &[String]) -> Result<(usize, u64), String> {
    let whole = |name: &str, v: &str| -> Result<u64, String> {
        v.parse()
            .map_err(|e| format!("{name}: expected a whole number, got {v:?} ({e})"))
    };
    let (items, seed) = match args {
        [n] => (whole("ITEMS", n)?, 1),
        [n, seed] => (whole("ITEMS", n)?, whole("SEED", seed)?),
        _ => {
            return Err(format!(
                "expected ITEMS [SEED], got {} argument(s)",
                args.len()
            ))
        }
    };
    let items = usize::try_from(items).map_err(|e| format!("ITEMS: {items} is too large ({e})"))?;
    Ok((items, seed))
}

pub fn case(items: usize, seed: u64) -> Case {
    let mut rng = Rng(seed);
    let mut hypotheses: Vec<Hypothesis> = ACTORS
        .iter()
        .map(|(id, actor)| Hypothesis {
            id: (*id).to_owned(),
            actor: Some((*actor).to_owned()),
            resolved: None,
            prior: None,
        })
        .collect();
    hypotheses.push(Hypothesis::other());
    let hyp_ids: Vec<String> = hypotheses.iter().map(|h| h.id.clone()).collect();
    let kinds: Vec<EvidenceKind> = EvidenceKind::KNOWN
        .iter()
        .map(|k| k.parse().unwrap_or_else(|never| match never {}))
        .collect();
    let evidence = (0..items)
        .map(|i| {
            let mut ratings = BTreeMap::new();
            for h in &hyp_ids {
                // Each hypothesis is rated three times in five.
                if rng.below(5) < 3 {
                    ratings.insert(h.clone(), AchRating::ALL[rng.below(AchRating::ALL.len())]);
                }
            }
            // Two in five items are public; the rest spread over the other markings.
            let tlp = if rng.below(5) < 2 {
                Tlp::Clear
            } else {
                Tlp::ALL[1 + rng.below(Tlp::ALL.len() - 1)]
            };
            let grade = Admiralty::new(
                Reliability::ALL[rng.below(Reliability::ALL.len())],
                Credibility::ALL[rng.below(Credibility::ALL.len())],
            );
            Evidence {
                id: format!("item-{i:06}"),
                kind: kinds[rng.below(kinds.len())].clone(),
                summary: format!("synthetic item {i}"),
                source: format!("source-{:05}", i / PER_SOURCE),
                grade,
                tlp,
                bearing: Bearing::Ratings(ratings),
                origin: None,
            }
        })
        .collect();
    Case {
        incident: Incident::titled(
            format!("synthetic-{items}-{seed}"),
            format!("Synthetic case of {items} evidence items (seed {seed})"),
        ),
        hypotheses,
        evidence,
        claims: vec![],
        observed: Vec::new(),
    }
}

/// The TOML case file of [`case`]`(items, seed)`, as `ascribe case check` reads it.
pub fn case_file(items: usize, seed: u64) -> String {
    let c = case(items, seed);
    // About 200 bytes an item.
    let mut s = String::with_capacity(256 + 200 * items);
    // Writing to a String cannot fail.
    let _ = write_case(&c, &mut s);
    s
}

fn write_case(c: &Case, s: &mut String) -> std::fmt::Result {
    writeln!(
        s,
        "# Generated by ascribe_assess::synth: test data, not a real incident."
    )?;
    writeln!(s, "[incident]")?;
    writeln!(s, "id = {:?}", c.incident.id)?;
    writeln!(s, "title = {:?}", c.incident.title)?;
    for h in &c.hypotheses {
        writeln!(s, "\n[[hypothesis]]\nid = {:?}", h.id)?;
        if let Some(a) = &h.actor {
            writeln!(s, "actor = {a:?}")?;
        }
    }
    for e in &c.evidence {
        writeln!(s, "\n[[evidence]]")?;
        writeln!(s, "id = {:?}", e.id)?;
        writeln!(s, "kind = {:?}", e.kind.as_str())?;
        writeln!(s, "summary = {:?}", e.summary)?;
        writeln!(s, "source = {:?}", e.source)?;
        writeln!(s, "grade = \"{}\"", e.grade)?;
        writeln!(s, "tlp = {:?}", e.tlp.as_str())?;
        let Bearing::Ratings(ratings) = &e.bearing else {
            unreachable!("synthetic cases only use ratings")
        };
        let pairs: Vec<String> = ratings
            .iter()
            .map(|(h, r)| format!("{h} = {:?}", r.as_str()))
            .collect();
        writeln!(s, "ratings = {{ {} }}", pairs.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_arguments_are_read_or_named_in_the_error() {
        let a = |v: &[&str]| args(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(a(&["100"]), Ok((100, 1)));
        assert_eq!(a(&["100", "7"]), Ok((100, 7)));
        assert!(a(&["1e5"]).is_err_and(|e| e.starts_with("ITEMS:")));
        assert!(a(&["10", "-1"]).is_err_and(|e| e.starts_with("SEED:")));
        assert!(a(&[]).is_err_and(|e| e.contains("ITEMS [SEED]")));
    }

    #[test]
    fn the_same_seed_gives_the_same_case_and_another_seed_another() {
        assert_eq!(case(50, 7), case(50, 7));
        assert_ne!(case(50, 7), case(50, 8));
        assert_eq!(case_file(50, 7), case_file(50, 7));
    }

    #[test]
    fn a_synthetic_case_has_the_promised_shape() {
        let c = case(1000, 1);
        assert_eq!(c.evidence.len(), 1000);
        assert_eq!(c.hypotheses.len(), 4);
        let sources: std::collections::BTreeSet<&str> =
            c.evidence.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(sources.len(), 100);
        let public = c.evidence.iter().filter(|e| e.tlp.is_public()).count();
        assert!((300..500).contains(&public), "{public} public items");
        assert!(crate::assess(&c, &crate::Policy::default()).is_ok());
    }
}
