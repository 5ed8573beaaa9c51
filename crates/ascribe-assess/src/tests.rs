use ascribe_model::{
    AchRating, Admiralty, Bearing, Case, Confidence, Credibility, Evidence, EvidenceKind,
    Hypothesis, Incident, Phia, Reliability, Tlp,
};
use proptest::prelude::*;

use super::*;

fn hyp(id: &str) -> Hypothesis {
    Hypothesis {
        id: id.into(),
        actor: Some(id.to_uppercase()),
        resolved: None,
        prior: None,
    }
}

fn case(hyps: &[&str], evidence: Vec<Evidence>) -> Case {
    let mut hypotheses: Vec<Hypothesis> = hyps.iter().map(|h| hyp(h)).collect();
    if !hyps.contains(&"other") {
        hypotheses.push(Hypothesis::other());
    }
    Case {
        incident: Incident::titled("t", "test"),
        hypotheses,
        evidence,
        claims: vec![],
        observed: Vec::new(),
    }
}

/// The assessment of a case of `hyps` and `evidence` under the default policy.
fn assessed(hyps: &[&str], evidence: Vec<Evidence>) -> Assessment {
    assess(&case(hyps, evidence), &Policy::default()).unwrap()
}

fn item(id: &str, source: &str, grade: &str, tlp: Tlp, ratings: &[(&str, AchRating)]) -> Evidence {
    Evidence {
        id: id.into(),
        kind: EvidenceKind::InfrastructureOverlap,
        summary: id.into(),
        source: source.into(),
        grade: grade
            .parse()
            .unwrap_or(Admiralty::new(Reliability::F, Credibility::CannotBeJudged)),
        tlp,
        bearing: Bearing::Ratings(ratings.iter().map(|(h, r)| ((*h).to_owned(), *r)).collect()),
        origin: None,
    }
}

const CC: AchRating = AchRating::StronglyConsistent;
const C: AchRating = AchRating::Consistent;
const I: AchRating = AchRating::Inconsistent;

fn p(a: &Assessment, id: &str) -> f64 {
    probability_of(a, id).unwrap_or(f64::NAN)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn one_a1_strong_item_gives_four_to_one() {
    // Even priors, likelihood ratio 4 at full weight: 4 / (4 + 1) = 0.8.
    let a = assessed(
        &["apt29"],
        vec![item("e1", "NCSC", "A1", Tlp::Clear, &[("apt29", CC)])],
    );
    assert!(close(p(&a, "apt29"), 0.8), "{}", p(&a, "apt29"));
    assert_eq!(a.leading.id, "apt29");
    assert_eq!(a.leading.phrase, Phia::HighlyLikely);
}

#[test]
fn grade_scales_the_log_ratio() {
    // B2 weighs 0.8 × 0.8 = 0.64: 4^0.64 = 2.4284, so 2.4284 / 3.4284 = 0.7083.
    let a = assessed(
        &["apt29"],
        vec![item("e1", "NCSC", "B2", Tlp::Clear, &[("apt29", CC)])],
    );
    let expected = 4f64.powf(0.64) / (4f64.powf(0.64) + 1.0);
    assert!(
        close(p(&a, "apt29"), expected),
        "{} vs {expected}",
        p(&a, "apt29")
    );
    assert!((p(&a, "apt29") - 0.7083).abs() < 1e-4);
}

#[test]
fn repetition_from_one_source_is_damped() {
    // Same source: 4 × 4^0.5 = 8, so 8/9. Two sources: 16/17.
    // The first item from NCSC, the second from `second`.
    let from = |second: &str| {
        let first = item("e1", "NCSC", "A1", Tlp::Clear, &[("apt29", CC)]);
        assessed(
            &["apt29"],
            vec![
                first,
                item("e2", second, "A1", Tlp::Clear, &[("apt29", CC)]),
            ],
        )
    };
    let a = from("ncsc");
    let b = from("NSA");
    assert!(close(p(&a, "apt29"), 8.0 / 9.0));
    assert!(close(p(&b, "apt29"), 16.0 / 17.0));
}

#[test]
fn priors_given_and_shared() {
    let mut c = case(&["apt29", "apt28"], vec![]);
    c.hypotheses[0].prior = Some(0.5);
    let a = assess(&c, &Policy::default()).unwrap();
    assert!(close(p(&a, "apt29"), 0.5));
    assert!(close(p(&a, "apt28"), 0.25));
    assert!(close(p(&a, "other"), 0.25));
}

#[test]
fn priors_over_one_are_refused() {
    let mut c = case(&["apt29", "apt28"], vec![]);
    c.hypotheses[0].prior = Some(0.7);
    c.hypotheses[1].prior = Some(0.6);
    assert!(matches!(
        assess(&c, &Policy::default()),
        Err(AssessError::PriorsOverOne(_))
    ));
}

#[test]
fn rating_an_unknown_hypothesis_is_an_error() {
    let c = case(
        &["apt29"],
        vec![item("e1", "NCSC", "A1", Tlp::Clear, &[("apt99", CC)])],
    );
    assert_eq!(
        assess(&c, &Policy::default()),
        Err(AssessError::UnknownHypothesis {
            evidence: "e1".into(),
            hypothesis: "apt99".into()
        })
    );
}

#[test]
fn geolocation_is_at_most_weakly_consistent() {
    let mut e = item("geo", "sensor", "A1", Tlp::Clear, &[("apt29", CC)]);
    e.kind = EvidenceKind::Geolocation;
    let a = assessed(&["apt29"], vec![e]);
    // Centred log-ratios are ±ln(4)/2 = ±ln 2, inside the ±ln 2 cap: 2/(2+0.5) = 0.8
    // would be uncapped; the cap keeps each side within a factor 2 of the mean.
    assert!(p(&a, "apt29") <= 0.8 + 1e-9);
    let mut strong = item(
        "geo",
        "sensor",
        "A1",
        Tlp::Clear,
        &[("apt29", CC), ("other", AchRating::StronglyInconsistent)],
    );
    strong.kind = EvidenceKind::Geolocation;
    let a = assessed(&["apt29"], vec![strong]);
    // Uncapped this would be 16/17; capped at 2 against 1/2 it is 4/5.
    assert!(close(p(&a, "apt29"), 0.8), "{}", p(&a, "apt29"));
}

#[test]
fn denial_moves_nothing_by_default() {
    let mut d = item(
        "deny",
        "Kremlin",
        "A1",
        Tlp::Clear,
        &[("apt29", AchRating::StronglyInconsistent)],
    );
    d.kind = EvidenceKind::Denial;
    let a = assessed(&["apt29"], vec![d]);
    assert!(close(p(&a, "apt29"), 0.5));
}

#[test]
fn public_view_excludes_restricted_items_and_states_the_gap() {
    let a = assessed(
        &["apt29"],
        vec![
            item("open", "NCSC", "B2", Tlp::Clear, &[("apt29", CC)]),
            item(
                "secret",
                "Partner",
                "A1",
                Tlp::Amber,
                &[("apt29", CC), ("other", I)],
            ),
        ],
    );
    assert!(p(&a, "apt29") > a.raw["apt29"].1);
    assert_eq!(a.public_evidence_count, 1);
    assert!(a.gap.points > 0);
    assert!(
        a.gap
            .line
            .contains("rest on evidence the public cannot see"),
        "{}",
        a.gap.line
    );
}

#[test]
fn sensitivity_flags_the_item_the_verdict_hangs_on() {
    let a = assessed(
        &["apt29", "apt28"],
        vec![
            item("key", "NCSC", "A1", Tlp::Clear, &[("apt29", CC)]),
            item("weak", "Blog", "C3", Tlp::Clear, &[("apt28", C)]),
        ],
    );
    assert_eq!(a.sensitivity[0].evidence, "key");
    assert!(a.sensitivity[0].flips);
    assert_eq!(a.sensitivity[0].new_leading.as_deref(), Some("apt28"));
    assert!(a.sensitivity[0].delta < 0.0);
}

#[test]
fn statements_alone_give_low_confidence_and_say_so() {
    let mut s1 = item("s1", "UK", "B2", Tlp::Clear, &[("apt29", CC)]);
    s1.kind = EvidenceKind::OfficialStatement;
    let mut s2 = item("s2", "US", "B2", Tlp::Clear, &[("apt29", CC)]);
    s2.kind = EvidenceKind::Accusation;
    let mut s3 = item("s3", "CA", "B2", Tlp::Clear, &[("apt29", CC)]);
    s3.kind = EvidenceKind::Accusation;
    let a = assessed(&["apt29"], vec![s1, s2, s3]);
    assert!(a.statements_only);
    assert_eq!(a.confidence, Confidence::Low);
    assert!(a.warnings.iter().any(|w| w.contains("statements only")));
}

#[test]
fn three_good_sources_two_technical_give_high_confidence() {
    let mut s = item("s", "UK", "B2", Tlp::Clear, &[("apt29", CC)]);
    s.kind = EvidenceKind::OfficialStatement;
    let a = assessed(
        &["apt29"],
        vec![
            item("t1", "NCSC", "B2", Tlp::Clear, &[("apt29", CC)]),
            item("t2", "NSA", "A2", Tlp::Clear, &[("apt29", C)]),
            s,
        ],
    );
    assert_eq!(a.confidence, Confidence::High);
    assert_eq!(a.confidence_basis.sources, 3);
    assert_eq!(a.confidence_basis.technical_sources, 2);
}

// ---- Properties that hold for any case. ----

const HYPS: [&str; 4] = ["h0", "h1", "h2", "other"];
const SOURCES: [&str; 3] = ["alpha", "beta", "gamma"];

fn arb_rating() -> impl Strategy<Value = AchRating> {
    prop::sample::select(AchRating::ALL.to_vec())
}

/// The kinds the generated items take ("zero-weight" only in the comparison).
const KINDS: [&str; 5] = [
    "tradecraft",
    "geolocation",
    "accusation",
    "denial",
    "malware-reuse",
];

fn arb_kind(kinds: Vec<&'static str>) -> impl Strategy<Value = EvidenceKind> {
    prop::sample::select(kinds).prop_map(|k| k.parse().unwrap_or(EvidenceKind::Tradecraft))
}

fn arb_grade() -> impl Strategy<Value = Admiralty> {
    (
        prop::sample::select(Reliability::ALL.to_vec()),
        prop::sample::select(Credibility::ALL.to_vec()),
    )
        .prop_map(|(r, c)| Admiralty::new(r, c))
}

fn arb_tlp() -> impl Strategy<Value = Tlp> {
    prop::sample::select(Tlp::ALL.to_vec())
}

/// Ratings of up to three of the hypotheses.
fn arb_ratings() -> impl Strategy<Value = Bearing> {
    prop::collection::btree_map(prop::sample::select(HYPS.to_vec()), arb_rating(), 0..4)
        .prop_map(|m| Bearing::Ratings(m.into_iter().map(|(h, r)| (h.to_owned(), r)).collect()))
}

fn arb_item(id: usize) -> impl Strategy<Value = Evidence> {
    (
        prop::sample::select(SOURCES.to_vec()),
        arb_grade(),
        arb_tlp(),
        arb_ratings(),
        arb_kind(KINDS.to_vec()),
    )
        .prop_map(move |(source, grade, tlp, bearing, kind)| Evidence {
            id: format!("e{id}"),
            kind,
            summary: String::new(),
            source: source.into(),
            grade,
            tlp,
            bearing,
            origin: None,
        })
}

fn arb_evidence() -> impl Strategy<Value = Vec<Evidence>> {
    (0usize..8).prop_flat_map(|n| (0..n).map(arb_item).collect::<Vec<_>>())
}

fn arb_case() -> impl Strategy<Value = Case> {
    arb_evidence().prop_map(|ev| case(&HYPS, ev))
}

fn views(a: &Assessment) -> (Vec<(String, f64, f64)>, String, String) {
    (
        a.hypotheses
            .iter()
            .map(|h| (h.id.clone(), h.probability, h.public_probability))
            .collect(),
        a.leading.id.clone(),
        a.leading.public_id.clone(),
    )
}

fn same_probabilities(a: &Assessment, b: &Assessment, public: bool) -> bool {
    a.hypotheses.iter().zip(&b.hypotheses).all(|(x, y)| {
        let (u, v) = if public {
            (x.public_probability, y.public_probability)
        } else {
            (x.probability, y.probability)
        };
        (u - v).abs() < 1e-9
    })
}

proptest! {
    #[test]
    fn probabilities_sum_to_one(c in arb_case()) {
        let a = assess(&c, &Policy::default()).unwrap();
        let full: f64 = a.hypotheses.iter().map(|h| h.probability).sum();
        let public: f64 = a.hypotheses.iter().map(|h| h.public_probability).sum();
        prop_assert!((full - 1.0).abs() < 1e-9);
        prop_assert!((public - 1.0).abs() < 1e-9);
    }

    #[test]
    fn evidence_order_does_not_matter(c in arb_case(), seed in any::<u64>()) {
        let a = assess(&c, &Policy::default()).unwrap();
        let mut shuffled = c.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled.evidence.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.evidence.swap(i, (s >> 33) as usize % (i + 1));
        }
        let b = assess(&shuffled, &Policy::default()).unwrap();
        prop_assert!(same_probabilities(&a, &b, false));
        prop_assert!(same_probabilities(&a, &b, true));
        prop_assert_eq!(views(&a).1, views(&b).1);
        prop_assert_eq!(&a.sensitivity, &b.sensitivity);
        prop_assert_eq!(a.confidence, b.confidence);
    }

    #[test]
    fn an_all_neutral_item_changes_nothing(c in arb_case(), src in prop::sample::select(SOURCES.to_vec())) {
        let a = assess(&c, &Policy::default()).unwrap();
        let mut more = c.clone();
        more.evidence.push(Evidence {
            id: "neutral".into(),
            kind: EvidenceKind::Tradecraft,
            summary: String::new(),
            source: src.into(),
            grade: Admiralty::new(Reliability::A, Credibility::Confirmed),
            tlp: Tlp::Clear,
            bearing: Bearing::Ratings(HYPS.iter().map(|h| ((*h).to_owned(), AchRating::Neutral)).collect()),
            origin: None,
        });
        let b = assess(&more, &Policy::default()).unwrap();
        prop_assert!(same_probabilities(&a, &b, false));
        prop_assert!(same_probabilities(&a, &b, true));
    }

    #[test]
    fn without_restricted_items_public_equals_full(c in arb_case()) {
        let mut open = c.clone();
        for e in &mut open.evidence { e.tlp = Tlp::Clear; }
        let a = assess(&open, &Policy::default()).unwrap();
        for h in &a.hypotheses {
            prop_assert!((h.probability - h.public_probability).abs() < 1e-12);
        }
        prop_assert_eq!(a.confidence, a.public_confidence);
        prop_assert_eq!(&a.leading.id, &a.leading.public_id);
    }

    #[test]
    fn restricted_items_never_change_the_public_view(
        c in arb_case(),
        idx in any::<prop::sample::Index>(),
        new_ratings in prop::collection::btree_map(prop::sample::select(HYPS.to_vec()), arb_rating(), 0..4),
        remove in any::<bool>(),
    ) {
        let restricted: Vec<usize> = (0..c.evidence.len()).filter(|&i| !c.evidence[i].tlp.is_public()).collect();
        prop_assume!(!restricted.is_empty());
        let i = restricted[idx.index(restricted.len())];
        let a = assess(&c, &Policy::default()).unwrap();
        let mut changed = c.clone();
        if remove {
            changed.evidence.remove(i);
        } else {
            changed.evidence[i].bearing =
                Bearing::Ratings(new_ratings.into_iter().map(|(h, r)| (h.to_owned(), r)).collect());
            changed.evidence[i].source = "delta".into();
        }
        let b = assess(&changed, &Policy::default()).unwrap();
        prop_assert!(same_probabilities(&a, &b, true));
        prop_assert_eq!(&a.leading.public_id, &b.leading.public_id);
        prop_assert_eq!(a.public_confidence, b.public_confidence);
    }

    #[test]
    fn same_source_moves_less_than_a_new_source(c in arb_case(), source in prop::sample::select(SOURCES.to_vec())) {
        // The repeated item is a copy of the source's weakest diagnostic item,
        // so it ranks last within its source: a second (or later) item.
        let policy = Policy::default();
        let strength = |e: &Evidence| -> f64 {
            let one = case(&HYPS, vec![e.clone()]);
            assess(&one, &policy).map(|a| a.contributions[0].log_lr.values().map(|v| v.abs()).sum()).unwrap_or(0.0)
        };
        let weakest = c
            .evidence
            .iter()
            .filter(|e| e.source == source && strength(e) > 1e-9)
            .min_by(|a, b| strength(a).partial_cmp(&strength(b)).unwrap_or(std::cmp::Ordering::Equal));
        prop_assume!(weakest.is_some());
        let mut repeat = weakest.cloned().unwrap_or_else(|| unreachable!());
        repeat.id = "zz-repeat".into();
        repeat.tlp = Tlp::Clear;
        let base = assess(&c, &policy).unwrap();
        let mut same = c.clone();
        same.evidence.push(repeat.clone());
        let mut fresh = c.clone();
        repeat.source = "a-new-source".into();
        fresh.evidence.push(repeat);
        let a = assess(&same, &policy).unwrap();
        let b = assess(&fresh, &policy).unwrap();
        // Movement in centred log-probabilities, where evidence adds.
        let centred = |x: &Assessment| -> Vec<f64> {
            let l: Vec<f64> = x.hypotheses.iter().map(|h| h.probability.ln()).collect();
            let m = l.iter().sum::<f64>() / l.len() as f64;
            l.iter().map(|v| v - m).collect()
        };
        let moved = |x: &Assessment| -> f64 {
            centred(x).iter().zip(centred(&base)).map(|(u, v)| (u - v).abs()).sum()
        };
        prop_assert!(moved(&a) < moved(&b), "same {} new {}", moved(&a), moved(&b));
        prop_assert!(moved(&a) <= 0.5 * moved(&b) + 1e-9);
    }

    #[test]
    fn assessment_is_deterministic(c in arb_case()) {
        let a = assess(&c, &Policy::default()).unwrap();
        let b = assess(&c, &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}

// ---- The incremental sensitivity equals the naive recomputation. ----

/// The sensitivity as it was first written: the whole case recomputed once
/// per item, O(N²). Kept as the reference the incremental one must equal.
fn naive_sensitivity(case: &Case, policy: &Policy) -> Vec<Sensitivity> {
    let hyps = &case.hypotheses;
    let index = hypothesis_index(hyps).expect("the generated case has unique hypotheses");
    let priors = priors(hyps, &mut Vec::new()).expect("the generated priors are valid");
    let prepared = prepare(case, policy, &index).expect("the generated items are valid");
    let items = &prepared.items;
    let damping = policy.same_source_damping;
    let all: Vec<usize> = (0..items.len()).collect();
    let full_p = view(&priors, &prepared, &all, damping).p;
    let lead = argmax(&full_p);
    let phrase = Phia::from_probability(full_p[lead]);
    (0..items.len())
        .map(|skip| {
            let rest: Vec<usize> = (0..items.len()).filter(|&i| i != skip).collect();
            let p = view(&priors, &prepared, &rest, damping).p;
            let new_lead = argmax(&p);
            let new_phrase = Phia::from_probability(p[new_lead]);
            let leader_changed = new_lead != lead;
            let phrase_changed = new_phrase != phrase;
            Sensitivity {
                evidence: items[skip].evidence.id.clone(),
                delta: p[lead] - full_p[lead],
                flips: leader_changed || phrase_changed,
                new_leading: leader_changed.then(|| hyps[new_lead].id.clone()),
                new_phrase: (leader_changed || phrase_changed).then_some(new_phrase),
            }
        })
        .collect()
}

/// An item for the comparison: few sources (so groups are large), ratings or
/// free likelihood ratios (so figures rarely tie), some items neutral.
fn arb_scale_item(id: usize, sources: usize) -> impl Strategy<Value = Evidence> {
    let bearing = prop_oneof![
        arb_ratings(),
        prop::collection::btree_map(prop::sample::select(HYPS.to_vec()), 0.05f64..20.0, 0..4)
            .prop_map(|m| Bearing::LikelihoodRatios(
                m.into_iter().map(|(h, v)| (h.to_owned(), v)).collect()
            )),
        // Neutral: moves nothing, so it is not diagnostic.
        Just(Bearing::Ratings(BTreeMap::new())),
    ];
    let mut kinds = KINDS.to_vec();
    kinds.push("zero-weight");
    (0..sources, arb_grade(), arb_tlp(), bearing, arb_kind(kinds)).prop_map(
        move |(source, grade, tlp, bearing, kind)| Evidence {
            id: format!("e{id:02}"),
            kind,
            summary: String::new(),
            // Case and spaces differ but name one source.
            source: if source % 2 == 0 {
                format!("Source {source}")
            } else {
                format!(" source {source} ")
            },
            grade,
            tlp,
            bearing,
            origin: None,
        },
    )
}

fn arb_scale_case() -> impl Strategy<Value = (Case, Policy)> {
    let damping = prop_oneof![Just(0.0), Just(1.0), Just(0.5), 0.0f64..=1.0];
    let priors = prop_oneof![
        Just(vec![None; 4]),
        prop::collection::vec(prop::option::of(0.0f64..0.25), 4),
    ];
    (1usize..4, 0usize..40, damping, priors)
        .prop_flat_map(|(sources, n, damping, priors)| {
            (
                (0..n)
                    .map(|i| arb_scale_item(i, sources))
                    .collect::<Vec<_>>(),
                Just(damping),
                Just(priors),
            )
        })
        .prop_map(|(evidence, damping, priors)| {
            let mut c = case(&HYPS, evidence);
            for (h, p) in c.hypotheses.iter_mut().zip(priors) {
                h.prior = p;
            }
            let mut policy = Policy {
                same_source_damping: damping,
                ..Policy::default()
            };
            policy.kinds.insert(
                "zero-weight".to_owned(),
                policy::KindRule {
                    weight: 0.0,
                    max_lr: None,
                    min_lr: None,
                },
            );
            (c, policy)
        })
}

#[test]
fn one_big_source_and_damping_zero_match_the_naive_sensitivity() {
    for damping in [0.0, 0.25, 1.0] {
        let evidence: Vec<Evidence> = (0..30)
            .map(|i| {
                let r = [CC, C, I, AchRating::Neutral][i % 4];
                item(&format!("x{i:02}"), "one", "B2", Tlp::Clear, &[("a", r)])
            })
            .collect();
        let c = case(&["a", "b"], evidence);
        let policy = Policy {
            same_source_damping: damping,
            ..Policy::default()
        };
        let a = assess(&c, &policy).unwrap();
        let naive = naive_sensitivity(&c, &policy);
        for s in &naive {
            let got = a
                .sensitivity
                .iter()
                .find(|x| x.evidence == s.evidence)
                .unwrap();
            assert!((got.delta - s.delta).abs() < 1e-9, "{got:?} vs {s:?}");
            assert_eq!(
                (got.flips, &got.new_leading, got.new_phrase),
                (s.flips, &s.new_leading, s.new_phrase)
            );
        }
    }
}

proptest! {
    #[test]
    fn incremental_sensitivity_equals_the_naive_recomputation((c, policy) in arb_scale_case()) {
        let a = assess(&c, &policy).unwrap();
        let naive = naive_sensitivity(&c, &policy);
        prop_assert_eq!(a.sensitivity.len(), naive.len());
        let by_id: BTreeMap<&str, &Sensitivity> =
            a.sensitivity.iter().map(|s| (s.evidence.as_str(), s)).collect();
        for s in &naive {
            let got = by_id[s.evidence.as_str()];
            prop_assert!((got.delta - s.delta).abs() < 1e-9, "{:?} vs naive {:?}", got, s);
            prop_assert_eq!(got.flips, s.flips, "{:?} vs naive {:?}", got, s);
            prop_assert_eq!(&got.new_leading, &s.new_leading);
            prop_assert_eq!(got.new_phrase, s.new_phrase);
        }
        // Ordered by how far each item moves the leader, then by id.
        for w in a.sensitivity.windows(2) {
            prop_assert!(
                w[0].delta.abs() > w[1].delta.abs()
                    || (w[0].delta.abs() == w[1].delta.abs() && w[0].evidence < w[1].evidence)
            );
        }
    }
}

fn claim(id: &str, target: &str) -> ascribe_model::Claim {
    ascribe_model::Claim {
        id: id.into(),
        kind: Some(ascribe_model::ClaimKind::Accusation),
        speaker_org: Some("NCSC".into()),
        target: Some(target.into()),
        target_canonical: Some(target.into()),
        ..ascribe_model::Claim::default()
    }
}

/// `assess_case` is exactly "convert the claims, add them, assess", with the
/// conversion's notes (a claim naming no hypothesis) among the warnings.
#[test]
fn assess_case_adds_claim_evidence_and_keeps_the_notes() {
    let mut c = case(&["apt29"], vec![]);
    c.claims = vec![claim("k1", "APT29"), claim("k2", "Nobody Known")];
    let policy = Policy::default();
    let got = assess_case(c.clone(), &policy).unwrap();
    let conversion = claims_to_evidence(&c.claims, &c.hypotheses, &policy);
    assert_eq!(conversion.evidence.len(), 1);
    let mut by_hand = c.clone();
    by_hand.evidence.extend(conversion.evidence);
    let want = assess(&by_hand, &policy).unwrap();
    assert_eq!(views(&got), views(&want));
    assert!(close(p(&got, "apt29"), p(&want, "apt29")));
    assert_eq!(got.evidence_count, 1);
    assert!(
        got.warnings.iter().any(|w| w.contains("claim k2")),
        "{:?}",
        got.warnings
    );
    assert_eq!(
        got.warnings.len(),
        want.warnings.len() + conversion.notes.len()
    );
}

/// An evidence item already called `claim:<id>` beside claim `<id>` is an
/// error that names it, never one of the two dropped in silence.
#[test]
fn assess_case_refuses_a_claim_whose_evidence_id_is_taken() {
    let mut c = case(
        &["apt29"],
        vec![item("claim:k1", "x", "B2", Tlp::Clear, &[("apt29", C)])],
    );
    c.claims = vec![claim("k1", "APT29")];
    assert_eq!(
        assess_case(c, &Policy::default()).map(|a| a.evidence_count),
        Err(AssessError::DuplicateEvidence("claim:k1".into()))
    );
}
