//! Attaching a sensor run at a fixed clock: the run's id and time come from
//! the clock passed in, the run and its evidence are stored together, and a
//! run that read nothing is refused with nothing stored.

use ascribe_app::telemetry::{attach, AttachArgs};
use ascribe_app::FixedClock;
use ascribe_intel::Matcher;
use ascribe_model::Tlp;
use ascribe_store::Store;
use ascribe_telemetry::{Job, Output, Run};

const INDICATORS: &str =
    "type,value,source,actor,tlp\nip,175.6.90.140,illustrative-advisory,APT29,clear\n";

fn eve(src: &str) -> String {
    format!(
        r#"{{"timestamp":"2020-07-01T10:00:00Z","event_type":"alert","src_ip":"{src}","dest_ip":"10.0.0.2","alert":{{"signature":"probe","action":"allowed"}}}}"#
    )
}

fn run(text: &str) -> Output {
    let loaded = ascribe_intel::load_with(INDICATORS, "ind.csv", Tlp::Green);
    let (matcher, rejected) = Matcher::new(loaded.indicators);
    assert!(rejected.is_empty());
    let job = Job::new(&matcher, None);
    let mut run = Run::new(&job);
    run.feed("eve.json", text.as_bytes(), &|_| {})
        .expect("the run reads");
    run.try_finish().expect("the run finishes")
}

fn store_with_example(dir: &std::path::Path) -> Store {
    let store = Store::open(
        &dir.join("a.db"),
        FixedClock::from_unix(1_600_000_000).expect("a time in range"),
    )
    .expect("a new database opens");
    let text = include_str!("../../../examples/vaccine-research-2020.toml");
    let parsed =
        ascribe_app::case::check("vaccine-research-2020.toml", text).expect("the example checks");
    ascribe_app::case::import(&store, &[parsed]).expect("the example imports");
    store
}

/// How many observations the incident holds.
fn observed(store: &Store, incident: &str) -> usize {
    store
        .load_case(incident)
        .expect("readable")
        .expect("stored")
        .case
        .observed
        .len()
}

/// A run of alerts from `names`, marked at least TLP:AMBER.
fn alerts(names: &[String]) -> AttachArgs<'_> {
    AttachArgs {
        inputs: names,
        event_types: "alert",
        min_tlp: Tlp::Amber,
        geo_min_share: 0.01,
    }
}

#[test]
fn a_run_is_stored_with_its_evidence_at_the_clock_s_time() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut store = store_with_example(dir.path());
    let out = run(&format!("{}\n{}\n", eve("175.6.90.140"), eve("192.0.2.1")));
    let clock = FixedClock::from_unix(1_600_000_000).expect("a time in range");
    let names = ["eve.json".to_owned()];
    let args = alerts(&names);
    let incident = "vaccine-research-2020";
    let before = observed(&store, incident);
    let got = attach(&mut store, &clock, incident, &args, &out, None).expect("attached");
    assert!(
        got.run
            .id
            .starts_with("vaccine-research-2020@2020-09-13T12:26:40"),
        "{}",
        got.run.id
    );
    assert_eq!(got.run.sightings.len(), 1);
    // The sighting is marked at least at the run's floor.
    assert_eq!(got.run.sightings[0].indicator.tlp, Tlp::Amber);
    assert!(!got.observed.is_empty());
    assert_eq!(got.graded.len(), got.observed.len());
    let runs = store.telemetry_runs(incident).expect("readable");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].0, got.run.id);
    let after = observed(&store, incident);
    assert_eq!(after, before + got.observed.len());
}

#[test]
fn an_empty_run_or_a_missing_incident_stores_nothing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut store = store_with_example(dir.path());
    let clock = FixedClock::from_unix(1_600_000_000).expect("a time in range");
    let names = ["eve.json".to_owned()];
    let args = alerts(&names);
    let empty = run("not a log line\n");
    let err = attach(
        &mut store,
        &clock,
        "vaccine-research-2020",
        &args,
        &empty,
        None,
    )
    .expect_err("an empty run is refused");
    assert!(err.to_string().contains("no log record read"), "{err}");
    let out = run(&format!("{}\n", eve("175.6.90.140")));
    let err = attach(&mut store, &clock, "no-such-incident", &args, &out, None)
        .expect_err("no such incident");
    assert!(
        matches!(err, ascribe_app::AppError::NoIncident { ref known, .. } if known == &["vaccine-research-2020".to_owned()]),
        "{err:?}"
    );
    assert!(store
        .telemetry_runs("vaccine-research-2020")
        .expect("readable")
        .is_empty());
}
