//! How names of actors, states and parties are compared: one normaliser and
//! one hypothesis matcher, used by the knowledge base's lookups, the
//! assessor's claims, the telemetry's sightings and the STIX export's linked
//! indicators; and the one rule of the words that name an operation.
//!
//! Names are compared by their letters and digits, in lower case, so "APT 29",
//! "apt-29" and "APT29" are one name. The slugs that make stored ids are not
//! names in this sense and keep their own rules (an id must not change).

use crate::Hypothesis;

/// Letters and digits only, in lower case: "APT 29" and "apt-29" give "apt29".
pub fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The knowledge base's lookup key: [`compact`] after a leading "the " is
/// dropped ("The Dukes" and "Dukes" give "dukes").
pub fn key(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let rest = lower.strip_prefix("the ").unwrap_or(&lower);
    compact(rest)
}

/// Lower-case words: each run of anything but letters and digits becomes one
/// space, none at either end ("Russia's GRU" gives "russia s gru").
pub fn words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// How a name that was said is matched against a name that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The same letters and digits ([`compact`] equal): an indicator's actor.
    Same,
    /// The same, or the known name as whole words within what was said
    /// ("russia" in "Russia's GRU"): a claim's target.
    SameOrWithin,
}

/// A name normalised once, to be matched against many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// [`words`], with a space at either end (for whole-word search).
    padded: String,
    /// [`compact`].
    compact: String,
}

impl Name {
    pub fn new(s: &str) -> Self {
        let w = words(s);
        Name {
            // Words without their spaces are the compact name.
            compact: w.replace(' ', ""),
            padded: format!(" {w} "),
        }
    }

    /// A name with no letter or digit, which names nothing.
    pub fn is_empty(&self) -> bool {
        self.compact.is_empty()
    }

    /// Whether this name, as said, names `known` under `how`.
    pub fn names(&self, known: &Name, how: Match) -> bool {
        if self.is_empty() || known.is_empty() {
            return false;
        }
        if self.compact == known.compact {
            return true;
        }
        match how {
            Match::Same => false,
            Match::SameOrWithin => self.padded.contains(known.padded.as_str()),
        }
    }
}

/// Whether `said` names `known` under `how`. A name with no letter or digit
/// names nothing.
pub fn matches(said: &str, known: &str, how: Match) -> bool {
    Name::new(said).names(&Name::new(known), how)
}

/// The names a hypothesis goes by: its id, its actor as the analyst wrote
/// it, and the knowledge base's canonical name.
pub fn hypothesis_names(h: &Hypothesis) -> impl Iterator<Item = &str> {
    std::iter::once(h.id.as_str())
        .chain(h.actor.as_deref())
        .chain(h.resolved.as_ref().map(|r| r.name.as_str()))
}

/// The one hypothesis matcher: whether `said` names hypothesis `h` (by any
/// of [`hypothesis_names`]) under `how`.
pub fn names_hypothesis(h: &Hypothesis, said: &Name, how: Match) -> bool {
    hypothesis_names(h).any(|n| said.names(&Name::new(n), how))
}

/// The words that tell one operation from another ("vaccine", "election"),
/// the one rule of "the same operation" (claims merged in a document, claims
/// grouped into incidents), each caller with its own word lengths and stop
/// words: lower-case words longer than `longer_than` bytes, not in `stop`,
/// each cut to its first `stem` characters.
#[derive(Debug, Clone, Copy)]
pub struct OperationWords<'s> {
    pub longer_than: usize,
    pub stem: usize,
    pub stop: &'s [&'s str],
}

impl OperationWords<'_> {
    /// The operation words of `text` that `keep` also keeps.
    pub fn of<B: FromIterator<String>>(&self, text: &str, keep: impl Fn(&str) -> bool) -> B {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > self.longer_than && !self.stop.contains(w) && keep(w))
            .map(|w| w.chars().take(self.stem).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ActorRef;

    #[test]
    fn spelling_case_and_punctuation_do_not_make_another_name() {
        type Rule = fn(&str) -> String;
        let cases: [(Rule, &str, &str); 7] = [
            (compact, "APT 29", "apt29"),
            (compact, "apt-29", "apt29"),
            (compact, "The Dukes", "thedukes"),
            (key, "The Dukes", "dukes"),
            (key, "  the  Dukes ", "dukes"),
            (words, "Russia's GRU", "russia s gru"),
            (words, "--APT 28--", "apt 28"),
        ];
        for (rule, name, want) in cases {
            assert_eq!(rule(name), want, "{name:?}");
        }
    }

    #[test]
    fn operation_words_are_cut_long_words_outside_the_stop_list() {
        let rule = OperationWords {
            longer_than: 3,
            stem: 7,
            stop: &["attack"],
        };
        let w: Vec<String> = rule.of("The attack on COVID-19 vaccine-research labs", |w| {
            w != "labs"
        });
        assert_eq!(w, ["covid", "vaccine", "researc"]);
    }

    #[test]
    fn within_is_whole_words_only() {
        let cases = [
            ("Russia's GRU", "Russia", Match::SameOrWithin, true),
            ("Russia's GRU", "Russia", Match::Same, false),
            ("Prussia", "Russia", Match::SameOrWithin, false),
            ("APT-28", "apt28", Match::Same, true),
            ("", "", Match::Same, false),
            ("--", "--", Match::SameOrWithin, false),
        ];
        for (said, known, how, want) in cases {
            assert_eq!(
                matches(said, known, how),
                want,
                "{said:?} {known:?} {how:?}"
            );
        }
    }

    #[test]
    fn a_hypothesis_is_named_by_its_id_actor_or_canonical_name() {
        let mut h = Hypothesis::other();
        h.id = "h-apt29".into();
        h.actor = Some("Cozy Bear".into());
        h.resolved = Some(ActorRef {
            name: "APT29".into(),
            sponsor: Some("Russia".into()),
        });
        let cases = [
            ("H APT29", Match::Same, true),
            ("cozy-bear", Match::Same, true),
            ("apt 29", Match::Same, true),
            ("said APT29 did it", Match::SameOrWithin, true),
            ("said APT29 did it", Match::Same, false),
            ("APT28", Match::SameOrWithin, false),
            ("Russia", Match::SameOrWithin, false),
        ];
        for (said, how, want) in cases {
            let got = names_hypothesis(&h, &Name::new(said), how);
            assert_eq!(got, want, "{said:?} {how:?}");
        }
    }
}
