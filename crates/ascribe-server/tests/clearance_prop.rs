//! Property: for random objects (several versions, random markings) and a
//! random caller, no response of any endpoint, filter or page holds an object
//! version above the caller's clearance, and the caller sees exactly the
//! versions at or below it. And what the caller receives (every page and
//! every `next` token) is exactly what it would receive from a store holding
//! only the versions it may see: hidden rows leave no trace, not even in
//! the tokens, and a token forged to name a hidden row is refused like any
//! malformed one.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use ascribe_model::Tlp;
use ascribe_store::Store;
use common::*;
use proptest::prelude::*;
use serde_json::Value;

fn tlp() -> impl Strategy<Value = Tlp> {
    (0usize..5).prop_map(|i| Tlp::ALL[i])
}

fn marking_of(o: &Value) -> Option<Tlp> {
    let m = o["object_marking_refs"][0].as_str()?;
    Tlp::ALL.into_iter().find(|t| t.stix_marking_id() == m)
}

fn run(
    objs: Vec<(usize, u8, Tlp)>,
    who: Option<Tlp>,
    limit: usize,
    filter_type: bool,
) -> Result<(), TestCaseError> {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    add_users(&mut s);
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, v, t) in &objs {
        if !seen.insert((*n, *v)) {
            continue;
        }
        rows.push((
            indicator(*n, *t, &format!("2020-01-{:02}T00:00:00.000Z", v + 1)),
            *t,
        ));
    }
    add_objects(&mut s, &rows);
    let cid = first_collection(&s);
    let st = state(s, true);
    let clearance = who.unwrap_or(Tlp::Clear);
    // The same collection without the rows the caller may not see.
    let mut only_visible = Store::open_in_memory(ascribe_app::SystemClock)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    add_users(&mut only_visible);
    let seen_rows: Vec<(Value, Tlp)> = rows
        .iter()
        .filter(|(_, t)| *t <= clearance)
        .cloned()
        .collect();
    add_objects(&mut only_visible, &seen_rows);
    let st_visible = state(only_visible, true);
    let user = who.map(|t| format!("u-{}", t.as_str()));
    let user = user.as_deref();
    // What the caller may see: (id, modified) with marking <= clearance.
    let visible: BTreeSet<(String, String)> = rows
        .iter()
        .filter(|(_, t)| *t <= clearance)
        .map(|(o, _)| {
            (
                o["id"].as_str().unwrap_or("").to_owned(),
                o["modified"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    for (id, m) in &visible {
        let e = last.entry(id.clone()).or_default();
        if m > e {
            *e = m.clone();
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    rt.block_on(async {
        let check = |o: &Value| -> Result<(), TestCaseError> {
            let t = marking_of(o).ok_or_else(|| TestCaseError::fail("unmarked object served"))?;
            prop_assert!(
                t <= clearance,
                "{} at {t:?} served to {clearance:?}",
                o["id"]
            );
            Ok(())
        };
        let base = format!("/api1/collections/{cid}");
        for version in ["last", "all", "first"] {
            // Page through the objects and the manifest.
            for endpoint in ["objects", "manifest"] {
                let mut got = Vec::new();
                let mut next: Option<String> = None;
                for _ in 0..200 {
                    let mut u =
                        format!("{base}/{endpoint}/?limit={limit}&match[version]={version}");
                    if filter_type {
                        u.push_str("&match[type]=indicator");
                    }
                    if let Some(n) = &next {
                        u.push_str(&format!("&next={n}"));
                    }
                    let r = get_as(&st, &u, user).await;
                    prop_assert_eq!(r.status.as_u16(), 200);
                    let rv = get_as(&st_visible, &u, user).await;
                    prop_assert_eq!(&r.text, &rv.text, "hidden rows changed a page");
                    let items = r.json["objects"].as_array().cloned().unwrap_or_default();
                    prop_assert!(items.len() <= limit);
                    for o in &items {
                        if endpoint == "objects" {
                            check(o)?;
                            got.push((
                                o["id"].as_str().unwrap_or("").to_owned(),
                                o["modified"].as_str().unwrap_or("").to_owned(),
                            ));
                        } else {
                            got.push((
                                o["id"].as_str().unwrap_or("").to_owned(),
                                o["version"].as_str().unwrap_or("").to_owned(),
                            ));
                        }
                    }
                    if r.json["more"] != Value::Bool(true) {
                        break;
                    }
                    next = r.json["next"].as_str().map(str::to_owned);
                }
                let got: BTreeSet<_> = got.into_iter().collect();
                let want: BTreeSet<(String, String)> = match version {
                    "all" => visible.clone(),
                    "last" => last.iter().map(|(i, m)| (i.clone(), m.clone())).collect(),
                    _ => {
                        let mut first: BTreeMap<String, String> = BTreeMap::new();
                        for (id, m) in &visible {
                            first.entry(id.clone()).or_insert_with(|| m.clone());
                        }
                        first.into_iter().collect()
                    }
                };
                prop_assert_eq!(&got, &want, "{} {}", endpoint, version);
            }
        }
        // A token forged to name any row the caller cannot see: the same 400
        // as a malformed token.
        let garbage = get_as(&st, &format!("{base}/objects/?next=garbage"), user).await;
        prop_assert_eq!(garbage.status.as_u16(), 400);
        for (o, t) in rows.iter().filter(|(_, t)| *t > clearance) {
            let token = ascribe_server::encode_token(&ascribe_store::Cursor {
                id: o["id"].as_str().unwrap_or("").to_owned(),
                version: ascribe_stix::time::version_key(o["modified"].as_str().unwrap_or(""))
                    .unwrap_or_default(),
            });
            let r = get_as(&st, &format!("{base}/objects/?next={token}"), user).await;
            prop_assert_eq!(&r.text, &garbage.text, "token on a hidden {:?} row", t);
        }
        // Every id, visible or not, through the by-id and versions endpoints.
        let all_ids: BTreeSet<String> = rows
            .iter()
            .map(|(o, _)| o["id"].as_str().unwrap_or("").to_owned())
            .collect();
        for id in &all_ids {
            let r = get_as(
                &st,
                &format!("{base}/objects/{id}/?match[version]=all"),
                user,
            )
            .await;
            let vs = get_as(&st, &format!("{base}/objects/{id}/versions/"), user).await;
            let want: Vec<&String> = visible
                .iter()
                .filter(|(i, _)| i == id)
                .map(|(_, m)| m)
                .collect();
            if want.is_empty() {
                prop_assert_eq!(r.status.as_u16(), 404);
                prop_assert_eq!(vs.status.as_u16(), 404);
                prop_assert!(!r.text.contains(id.as_str()) && !vs.text.contains("2020-"));
            } else {
                for o in r.json["objects"].as_array().into_iter().flatten() {
                    check(o)?;
                }
                prop_assert_eq!(r.json["objects"].as_array().map(Vec::len), Some(want.len()));
                prop_assert_eq!(
                    vs.json["versions"].as_array().map(Vec::len),
                    Some(want.len())
                );
            }
            let r = get_as(
                &st,
                &format!("{base}/objects/?match[id]={id}&match[version]=all"),
                user,
            )
            .await;
            prop_assert_eq!(
                r.json["objects"].as_array().map(Vec::len).unwrap_or(0),
                want.len()
            );
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn no_response_holds_anything_above_the_callers_clearance(
        objs in prop::collection::vec((0usize..6, 0u8..3, tlp()), 0..14),
        who in prop::option::of(tlp()),
        limit in 1usize..5,
        filter_type in any::<bool>(),
    ) {
        run(objs, who, limit, filter_type)?;
    }
}
