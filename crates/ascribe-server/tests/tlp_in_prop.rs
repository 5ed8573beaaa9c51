//! Property (issue 17) through TAXII POST and GET: for random envelopes whose
//! markings come in every accepted form (TLP 2.0 and 1.0 ids in either letter
//! case, object level or granular, custom TLP definitions in the same
//! envelope, in an earlier POST or nowhere, refs to nothing), every reader
//! sees exactly the indicators at or below their clearance by the rule, on
//! every page, and never one below its strictest marking.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use ascribe_model::Tlp;
use ascribe_server::AppState;
use ascribe_store::Store;
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

use ascribe_tlp::TLP1;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Home {
    Envelope,
    EarlierPost,
    Nowhere,
}

#[derive(Debug, Clone, Copy)]
enum Mark {
    Tlp2(Tlp),
    Tlp1(usize),
    Custom(usize),
    Unknown,
}

fn tlp() -> impl Strategy<Value = Tlp> {
    (0usize..5).prop_map(|i| Tlp::ALL[i])
}

fn home() -> impl Strategy<Value = Home> {
    prop_oneof![
        Just(Home::Envelope),
        Just(Home::EarlierPost),
        Just(Home::Nowhere)
    ]
}

fn mark() -> impl Strategy<Value = (Mark, bool, bool)> {
    let m = prop_oneof![
        tlp().prop_map(Mark::Tlp2),
        (0usize..4).prop_map(Mark::Tlp1),
        (0usize..2).prop_map(Mark::Custom),
        Just(Mark::Unknown),
    ];
    (m, any::<bool>(), any::<bool>())
}

use ascribe_testutil::upper_uuid as upper;

/// One server for every case (each reader's first request verifies an
/// Argon2id hash; the cache then keeps the test short); each case has its own
/// ids, so cases never see each other's objects or definitions.
fn server() -> &'static (AppState, String) {
    static S: OnceLock<(AppState, String)> = OnceLock::new();
    S.get_or_init(|| {
        let mut s =
            Store::open_in_memory(ascribe_app::SystemClock).unwrap_or_else(|e| panic!("{e}"));
        add_users(&mut s);
        let cid = first_collection(&s);
        (state(s, true), cid)
    })
}

fn custom_id(case: usize, k: usize) -> String {
    format!("marking-definition--{case:08x}-aaaa-4bbb-8ccc-{k:012}")
}

fn indicator_id(case: usize, n: usize) -> String {
    format!("indicator--{case:08x}-0000-4000-8000-{n:012}")
}

fn def_json(case: usize, k: usize, level: Tlp) -> Value {
    json!({"type": "marking-definition", "spec_version": "2.1", "id": upper(&custom_id(case, k)),
           "created": "2020-01-01T00:00:00Z", "definition_type": "tlp",
           "definition": {"tlp": level.as_str()}})
}

fn object(case: usize, n: usize, marks: &[(Mark, bool, bool)]) -> Value {
    let mut o = indicator(n, Tlp::Clear, "2023-01-01T00:00:00.000Z");
    o["id"] = json!(indicator_id(case, n));
    let mut object_level = Vec::new();
    let mut granular = Vec::new();
    for (m, up, gran) in marks {
        let id = match m {
            Mark::Tlp2(t) => t.stix_marking_id().to_owned(),
            Mark::Tlp1(i) => TLP1[*i].0.to_owned(),
            Mark::Custom(k) => custom_id(case, *k),
            Mark::Unknown => "marking-definition--99999999-0000-4000-8000-000000000000".to_owned(),
        };
        let id = if *up { upper(&id) } else { id };
        if *gran {
            granular.push(json!({"marking_ref": id, "selectors": ["name"]}));
        } else {
            object_level.push(json!(id));
        }
    }
    o["object_marking_refs"] = json!(object_level);
    if object_level.is_empty() {
        if let Some(m) = o.as_object_mut() {
            m.remove("object_marking_refs");
        }
    }
    if !granular.is_empty() {
        o["granular_markings"] = json!(granular);
    }
    o
}

/// The rule: the strictest marking, TLP:RED for what nothing resolves,
/// TLP:GREEN (the server's default) for no marking.
fn expected(marks: &[(Mark, bool, bool)], defs: &[(Tlp, Home)]) -> Tlp {
    marks
        .iter()
        .map(|(m, _, _)| match m {
            Mark::Tlp2(t) => *t,
            Mark::Tlp1(i) => TLP1[*i].1,
            Mark::Custom(k) if defs[*k].1 != Home::Nowhere => defs[*k].0,
            Mark::Custom(_) | Mark::Unknown => Tlp::Red,
        })
        .max()
        .unwrap_or(Tlp::Green)
}

fn run(defs: Vec<(Tlp, Home)>, objs: Vec<Vec<(Mark, bool, bool)>>) -> Result<(), TestCaseError> {
    static CASE: AtomicUsize = AtomicUsize::new(0);
    let case = CASE.fetch_add(1, Ordering::Relaxed);
    let (st, cid) = server();
    let url = format!("/api1/collections/{cid}/objects/");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    rt.block_on(async {
        let earlier: Vec<Value> = defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.1 == Home::EarlierPost)
            .map(|(k, d)| def_json(case, k, d.0))
            .collect();
        let mut envelope: Vec<Value> = defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.1 == Home::Envelope)
            .map(|(k, d)| def_json(case, k, d.0))
            .collect();
        envelope.extend(objs.iter().enumerate().map(|(n, m)| object(case, n, m)));
        let ids: Vec<String> = (0..objs.len()).map(|n| indicator_id(case, n)).collect();
        for env in [earlier, envelope].into_iter().filter(|e| !e.is_empty()) {
            let body = json!({ "objects": env }).to_string();
            let r = post_as(st, &url, Some("u-red"), TAXII, body).await;
            prop_assert_eq!(r.status.as_u16(), 202, "{}", r.text);
            prop_assert_eq!(r.json["failure_count"].as_i64(), Some(0), "{}", r.text);
        }
        for who in [
            None,
            Some(Tlp::Clear),
            Some(Tlp::Green),
            Some(Tlp::Amber),
            Some(Tlp::AmberStrict),
            Some(Tlp::Red),
        ] {
            let clearance = who.unwrap_or(Tlp::Clear);
            let user = who.map(|t| format!("u-{}", t.as_str()));
            let mut got = Vec::new();
            let mut next: Option<String> = None;
            for _ in 0..20 {
                let mut u = format!("{url}?limit=2&match[id]={}", ids.join(","));
                if let Some(n) = &next {
                    u.push_str(&format!("&next={n}"));
                }
                let r = get_as(st, &u, user.as_deref()).await;
                prop_assert_eq!(r.status.as_u16(), 200, "{}", r.text);
                for o in r.json["objects"].as_array().into_iter().flatten() {
                    got.push(o["id"].as_str().unwrap_or("").to_owned());
                }
                if r.json["more"] != Value::Bool(true) {
                    break;
                }
                next = r.json["next"].as_str().map(str::to_owned);
            }
            got.sort();
            let want: Vec<String> = objs
                .iter()
                .enumerate()
                .filter(|(_, m)| expected(m, &defs) <= clearance)
                .map(|(n, _)| indicator_id(case, n))
                .collect();
            prop_assert_eq!(&got, &want, "reader {:?}", who);
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_reader_sees_exactly_what_the_rule_allows(
        defs in prop::collection::vec((tlp(), home()), 2),
        objs in prop::collection::vec(prop::collection::vec(mark(), 0..3), 1..5),
    ) {
        run(defs, objs)?;
    }
}
