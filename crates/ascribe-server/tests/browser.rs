//! A real browser against the real server: Debian's chromium driven by
//! playwright-core (`tests/browser/run.mjs`, installed by
//! `scripts/setup-browser.sh`) over a server on a free loopback port with a
//! demo database (the example case, 60 small synthetic incidents for paging,
//! a user cleared to TLP:AMBER). The script signs in, opens every page,
//! filters, pages, runs a what-if, exports and signs out, runs axe-core with
//! the WCAG 2.2 AA tags on every page (any violation fails) and writes
//! screenshots at 1280 and 390 px under `target/ui-screens/`.
//!
//! Skipped, with the reason, when chromium, node or the npm packages are
//! missing, unless `ASCRIBE_REQUIRE_BROWSER=1` or `ASCRIBE_REQUIRE_SHARED=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ascribe_model::Tlp;
use ascribe_server::{auth, AppState, ServerConfig, StorePool};
use ascribe_store::{Role, Store, UserRecord};

const USER: &str = "analyst";
const PASSWORD: &str = "browser-test-password";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the browser test cannot run here, if it cannot.
fn missing(dir: &Path) -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "{chromium} is missing (bash scripts/setup-browser.sh installs it)"
        ));
    }
    match Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Some("node is missing".to_owned()),
    }
    for p in ["playwright-core", "@axe-core/playwright"] {
        if !dir.join("node_modules").join(p).exists() {
            return Some(format!(
                "tests/browser/node_modules/{p} is missing (bash scripts/setup-browser.sh installs it)"
            ));
        }
    }
    None
}

fn required() -> bool {
    ["ASCRIBE_REQUIRE_BROWSER", "ASCRIBE_REQUIRE_SHARED"]
        .iter()
        .any(|k| std::env::var(k).is_ok_and(|v| v == "1"))
}

fn demo_db(path: &Path) {
    let mut store = Store::open(path, ascribe_app::SystemClock).expect("the demo database opens");
    let file = root().join("examples/vaccine-research-2020.toml");
    let text = std::fs::read_to_string(&file).expect("the example case is readable");
    let parsed = ascribe_app::case::check("vaccine-research-2020.toml", &text)
        .expect("the example case is valid");
    ascribe_app::case::import(&store, &[parsed]).expect("the example case is stored");
    // The example documents, their claims filed under the example incident
    // (the document page shows their text with the claims marked).
    let docs: Vec<_> = [
        "2020-07-16-ncsc-advisory.txt",
        "2020-07-17-kremlin-response.txt",
    ]
    .iter()
    .map(|name| {
        let bytes = std::fs::read(root().join("examples/docs").join(name))
            .expect("the example document is readable");
        (
            ascribe_extract::read_document(name, &bytes, None),
            bytes.len() as u64,
        )
    })
    .collect();
    ascribe_app::docs::file_claims(
        &store,
        &ascribe_app::SystemClock,
        &docs,
        &ascribe_app::docs::FileOptions {
            incident: Some("vaccine-research-2020"),
            window_days: 45,
        },
        ascribe_kb::KnowledgeBase::builtin(),
    )
    .expect("the example documents are filed");
    // A device vetted and filed in the example incident (TLP:AMBER, the
    // signed-in user's clearance): the device page shows its report.
    let bytes =
        std::fs::read(root().join("examples/devices/synthetic-flash-drive.descriptors.hex"))
            .expect("the example device input is readable");
    let mut opts = ascribe_device::VetOptions::new(ascribe_device::Claim::FlashDrive);
    opts.input_name = "synthetic-flash-drive.descriptors.hex".to_owned();
    let verdict = ascribe_device::vet_bytes(&bytes, &opts).expect("the example device vets");
    ascribe_app::device::file_verdict(&store, "vaccine-research-2020", &verdict, Tlp::Amber)
        .expect("the device report is filed");
    // Two sensor runs of the example incident, one TLP:CLEAR and one
    // TLP:AMBER, over a few days, countries and ASes: the telemetry page.
    for (id, tlp, countries) in [
        ("demo-public", Tlp::Clear, ["NL", "DE", "US"]),
        ("demo-amber", Tlp::Amber, ["RU", "NL", "CN"]),
    ] {
        let mut observations = Vec::new();
        for day in 1..=12u64 {
            for (i, c) in countries.iter().enumerate() {
                let events = 10 * day + 7 * i as u64;
                observations.push((
                    ascribe_model::Observation {
                        day: format!("2020-07-{day:02}"),
                        src_country: (*c).to_owned(),
                        src_asn: 64500 + i as u32,
                        signature: format!("ET SCAN probe {}", i + 1),
                        action: "allowed".to_owned(),
                        events,
                        distinct_src_ips: 2,
                        first_seen: format!("2020-07-{day:02}T01:00:00.000000Z"),
                        last_seen: format!("2020-07-{day:02}T02:00:00.000000Z"),
                    },
                    0,
                    vec![],
                ));
            }
        }
        let sightings = vec![ascribe_model::Sighting {
            indicator: ascribe_model::Indicator {
                kind: ascribe_model::IndicatorKind::Ip,
                value: format!("198.51.100.{}", if tlp == Tlp::Clear { 7 } else { 9 }),
                actor: Some("APT29".to_owned()),
                source: Some("demo feed".to_owned()),
                tlp,
            },
            first_seen: "2020-07-03T01:00:00.000000Z".to_owned(),
            last_seen: "2020-07-09T02:00:00.000000Z".to_owned(),
            count: 12,
            examples: vec![],
        }];
        store
            .save_telemetry_run(&ascribe_store::TelemetryRun {
                id: id.to_owned(),
                incident_id: Some("vaccine-research-2020".to_owned()),
                started_at: "2020-07-13T00:00:00Z".to_owned(),
                inputs: vec![format!("{id}.json")],
                event_types: "alert".to_owned(),
                summary_json: "{}".to_owned(),
                tlp,
                observations,
                sightings,
            })
            .expect("the demo run is saved");
    }
    let cases: Vec<_> = (0..60u64)
        .map(|i| {
            let mut c = ascribe_assess::synth::case(8, i);
            c.incident.id = format!("synthetic-{i:02}");
            c
        })
        .collect();
    let rows: Vec<_> = cases.iter().map(|c| (c, None)).collect();
    store
        .save_cases(&rows)
        .expect("the synthetic cases are stored");
    store
        .add_user(
            &UserRecord {
                name: USER.to_owned(),
                role: Role::Analyst,
                clearance: Tlp::Amber,
                password_hash: auth::hash_password(PASSWORD).expect("a hash"),
            },
            "2026-01-01T00:00:00Z",
        )
        .expect("the user is added");
}

#[test]
fn a_browser_signs_in_uses_every_page_and_axe_finds_nothing() {
    let dir = root().join("tests/browser");
    if let Some(why) = missing(&dir) {
        if required() {
            panic!("browser test required but cannot run: {why}");
        }
        eprintln!("skipping the browser test: {why}");
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let db = tmp.path().join("demo.db");
    demo_db(&db);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let addr = listener.local_addr().expect("the port");
    listener.set_nonblocking(true).expect("non-blocking");
    let pool = StorePool::open(&db, 4, ascribe_app::SystemClock).expect("the pool opens");
    let state = AppState::new(pool, ServerConfig::default());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            ascribe_server::serve(l, state)
                .await
                .expect("the server runs");
        });
    });
    let out = root().join("target/ui-screens");
    let o = Command::new("node")
        .arg("run.mjs")
        .current_dir(&dir)
        .env("BASE", format!("http://{addr}"))
        .env("USER", USER)
        .env("PASSWORD", PASSWORD)
        .env("INCIDENT", "vaccine-research-2020")
        .env("DOCUMENT", "2020-07-16-ncsc-advisory.txt")
        .env("OUT", &out)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        o.status.success(),
        "the browser script failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("\"axe_violations\":0,\"failures\":0"),
        "{stdout}"
    );
}
