//! Items stored graded before migration 0009 are read back as observations
//! when a use case loads the case (`case::load`), and assess as they did.

use ascribe_app::case::load;
use ascribe_app::FixedClock;
use ascribe_assess::{assess, observed_to_evidence, Policy};
use ascribe_model::{
    AchRating, ActorRef, Admiralty, Bearing, Case, Credibility, Evidence, EvidenceKind, Fact,
    Hypothesis, Incident, IndicatorKind, Reliability, Tlp,
};
use ascribe_store::Store;

fn observed_case() -> Case {
    Case {
        incident: Incident::titled("inc", "t"),
        hypotheses: vec![
            Hypothesis {
                id: "apt29".into(),
                actor: Some("APT29".into()),
                resolved: Some(ActorRef {
                    name: "APT29".into(),
                    sponsor: Some("Russia".into()),
                }),
                prior: None,
            },
            Hypothesis::other(),
        ],
        evidence: vec![],
        claims: vec![],
        observed: vec![],
    }
}

fn graded(
    id: &str,
    kind: EvidenceKind,
    summary: &str,
    grade: (Reliability, Credibility),
    bearing: Bearing,
    origin: &str,
) -> Evidence {
    Evidence {
        id: id.into(),
        kind,
        summary: summary.into(),
        source: "sensor logs (eve.json)".into(),
        grade: Admiralty::new(grade.0, grade.1),
        tlp: Tlp::Amber,
        bearing,
        origin: Some(origin.into()),
    }
}

/// Items as `telemetry ingest --incident` and `device vet --incident`
/// wrote them before migration 0009: graded, with fixed ratios.
fn old_items() -> Vec<Evidence> {
    let lr = |v: f64| Bearing::LikelihoodRatios([("apt29".to_owned(), v)].into());
    vec![
        graded(
            "telemetry-ip-175-6-90-140",
            EvidenceKind::InfrastructureOverlap,
            "Sensor logs show 4 event(s) with ip 175.6.90.140 (linked to APT29 by illustrative-advisory) between 2024-03-04T10:45:18.376246Z and 2024-03-05T13:01:05.438238Z, e.g. examples/telemetry/eve-sample.json.gz:269; a single address is reused, rented and reassigned.",
            (Reliability::B, Credibility::PossiblyTrue),
            lr(2.0),
            "telemetry:sighting:ip:175.6.90.140",
        ),
        graded(
            "telemetry-ip-203-0-113-9",
            EvidenceKind::InfrastructureOverlap,
            "Sensor logs show 1 event(s) with ip 203.0.113.9 (linked to APT29) between 2024-03-04T10:45:18.376246Z and 2024-03-04T10:45:18.376246Z; the address belongs to a hosting or cloud provider shared by many tenants.",
            (Reliability::B, Credibility::PossiblyTrue),
            lr(1.2),
            "telemetry:sighting:ip:203.0.113.9",
        ),
        graded(
            "telemetry-domain-metro-account821-net",
            EvidenceKind::InfrastructureOverlap,
            "Sensor logs show 2 event(s) with domain metro-account821.net (linked to APT29 by illustrative-advisory) between 2024-03-04T10:45:18.376246Z and 2024-03-05T13:01:05.438238Z, e.g. eve.json:7; a dedicated domain is rarely shared between operators.",
            (Reliability::B, Credibility::PossiblyTrue),
            lr(4.0),
            "telemetry:sighting:domain:metro-account821.net",
        ),
        graded(
            "telemetry-geolocation-ru",
            EvidenceKind::Geolocation,
            "25 of 852 geolocated events (2.9%) came from addresses in RU; the territory an attack comes from is at most weakly consistent with its state being the sponsor (proxies, rented servers and botnets are the norm).",
            (Reliability::B, Credibility::ProbablyTrue),
            Bearing::Ratings([("apt29".to_owned(), AchRating::Consistent)].into()),
            "telemetry:geolocation:RU",
        ),
        graded(
            "dev-0123abcd-cap-hid-keyboard",
            EvidenceKind::DeviceFinding,
            "Keyboard (CAP-HID-KEYBOARD, high): the device can type",
            (Reliability::B, Credibility::ProbablyTrue),
            Bearing::Ratings(
                [
                    ("apt29".to_owned(), AchRating::Neutral),
                    ("other".to_owned(), AchRating::Neutral),
                ]
                .into(),
            ),
            "device:0123abcd:CAP-HID-KEYBOARD",
        ),
        graded(
            "dev-0123abcd-data-no-strings",
            EvidenceKind::DeviceFinding,
            "No strings (DATA-NO-STRINGS, info): the input held none",
            (Reliability::B, Credibility::CannotBeJudged),
            Bearing::Ratings([("apt29".to_owned(), AchRating::Neutral)].into()),
            "device:0123abcd:DATA-NO-STRINGS",
        ),
    ]
}

#[test]
fn items_stored_graded_are_read_back_as_observed_and_assess_the_same() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clock = FixedClock::from_unix(1_600_000_000).expect("a time in range");
    let mut store = Store::open(&dir.path().join("a.db"), clock).expect("a new database opens");
    store.save_case(&observed_case(), None).unwrap();
    // An item whose stored ratio is not the default policy's stays fixed.
    let mut edited = old_items()[2].clone();
    edited.id = "telemetry-domain-edited".into();
    edited.bearing = Bearing::LikelihoodRatios([("apt29".to_owned(), 3.0)].into());
    let mut old = old_items();
    old.push(edited.clone());
    store.upsert_evidence("inc", &old).unwrap();

    let loaded = load(&store, "inc").unwrap().unwrap().case;
    assert_eq!(loaded.evidence, vec![edited]);
    assert_eq!(loaded.observed.len(), old.len() - 1);
    let ip = &loaded.observed[0].fact;
    assert!(
        matches!(ip, Fact::Sighting { indicator: IndicatorKind::Ip, count: 4, shared_hosting: Some(false), first_seen, .. } if first_seen == "2024-03-04T10:45:18.376246Z"),
        "{ip:?}"
    );
    assert!(matches!(
        &loaded.observed[1].fact,
        Fact::Sighting {
            shared_hosting: Some(true),
            ..
        }
    ));
    assert!(matches!(
        &loaded.observed[3].fact,
        Fact::Geolocation { country, events: 25, total: 852, .. } if country == "RU"
    ));
    // Under the default policy they are the stored items, byte for byte.
    let regraded = observed_to_evidence(&loaded.observed, &Policy::default()).unwrap();
    assert_eq!(regraded, old[..old.len() - 1]);
    // The same figures and bytes as before (the item kept fixed is listed
    // first: evidence comes before observations).
    let mut before = observed_case();
    before.evidence = old.clone();
    before.evidence.rotate_right(1);
    let json = |c: &Case, p: &Policy| serde_json::to_string(&assess(c, p).unwrap()).unwrap();
    assert_eq!(
        json(&loaded, &Policy::default()),
        json(&before, &Policy::default())
    );
    // A policy now reaches them.
    let mut policy = Policy::default();
    policy.telemetry.ratio.address = 3.0;
    policy.device.data_grade = "A1".into();
    let regraded = observed_to_evidence(&loaded.observed, &policy).unwrap();
    assert_eq!(
        regraded[0].bearing,
        Bearing::LikelihoodRatios([("apt29".to_owned(), 3.0)].into())
    );
    assert_eq!(
        regraded[1].bearing,
        Bearing::LikelihoodRatios([("apt29".to_owned(), 1.2)].into()),
        "decided shared at ingest"
    );
    assert_eq!(regraded[5].grade.to_string(), "A1");
    assert_ne!(json(&loaded, &policy), json(&before, &Policy::default()));
}
