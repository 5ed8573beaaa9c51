//! The web pages through the composed router, without a socket: structure
//! (one h1, table headers with scope, the banner's marking), sign-in with
//! CSRF, status codes and form errors, and that nothing above a reader's
//! clearance reaches a page, an export or a what-if (a property test).

mod common;

use std::collections::BTreeMap;

use ascribe_model::{
    AchRating, Bearing, Case, Claim, ClaimKind, Evidence, EvidenceKind, Hypothesis, Incident,
    Period, Tlp,
};
use ascribe_store::Store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use proptest::prelude::*;

fn hyp(id: &str, actor: Option<&str>) -> Hypothesis {
    Hypothesis {
        id: id.to_owned(),
        actor: actor.map(str::to_owned),
        resolved: None,
        prior: None,
    }
}

fn item(id: &str, tlp: Tlp, rating: AchRating, text: &str) -> Evidence {
    Evidence {
        id: id.to_owned(),
        kind: EvidenceKind::InfrastructureOverlap,
        summary: text.to_owned(),
        source: format!("src-{id}"),
        grade: "B2".parse().expect("a grade"),
        tlp,
        bearing: Bearing::Ratings(BTreeMap::from([("h1".to_owned(), rating)])),
        origin: None,
    }
}

fn case(id: &str, items: Vec<Evidence>, claims: Vec<Claim>) -> Case {
    Case {
        incident: Incident {
            id: id.to_owned(),
            title: format!("Incident {id}"),
            summary: None,
            period: Some(Period {
                from: "2020-07-01".to_owned(),
                to: "2020-07-16".to_owned(),
            }),
            victims: vec!["UK".to_owned()],
        },
        hypotheses: vec![
            hyp("h1", Some("APT29")),
            hyp("h2", Some("APT28")),
            Hypothesis::other(),
        ],
        evidence: items,
        claims,
        observed: vec![],
    }
}

/// One incident with an item and a claim at each marking.
fn fixture() -> Store {
    fill(Store::open_in_memory(ascribe_app::SystemClock).expect("an in-memory store"))
}

/// The fixture's users and incident, written into `s`.
fn fill(mut s: Store) -> Store {
    add_users(&mut s);
    let items = Tlp::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| {
            item(
                &format!("E{i}"),
                *t,
                AchRating::Consistent,
                &format!("secret-{}", t.as_str()),
            )
        })
        .collect();
    let claims = vec![
        claim(
            "c1",
            ClaimKind::Accusation,
            "2020-07-16",
            Tlp::Clear,
            "the NCSC says APT29 did it",
        ),
        claim(
            "c2",
            ClaimKind::Denial,
            "2020-07-17",
            Tlp::Clear,
            "Russia denies it",
        ),
        claim(
            "c3",
            ClaimKind::Accusation,
            "2020-07-18",
            Tlp::Red,
            "quote-red-only",
        ),
    ];
    s.save_case(&case("vaccine", items, claims), None)
        .expect("the case is saved");
    s
}

type Page = Reply;

async fn get(st: &ascribe_server::AppState, uri: &str, cookie: Option<&str>) -> Page {
    let mut b = Request::builder().uri(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    send(st, b.body(Body::empty()).expect("a request")).await
}

fn set_cookie(p: &Page, name: &str) -> Option<String> {
    p.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
}

/// The value of the first `name="csrf" value="..."` in a page.
fn csrf(text: &str) -> String {
    let at = text.find(r#"name="csrf" value=""#).expect("a CSRF field");
    let rest = &text[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').expect("a closing quote")].to_owned()
}

/// Signs `user` in through the form; the session cookie.
async fn sign_in(st: &ascribe_server::AppState, user: &str) -> String {
    let form = get(st, "/login", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let nonce = set_cookie(&form, "ascribe_login").expect("a sign-in cookie");
    let body = format!(
        "csrf={}&name={}&password={PASSWORD}",
        csrf(&form.text),
        user.replace('+', "%2B")
    );
    let req = Request::post("/login")
        .header(header::COOKIE, nonce)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("a request");
    let r = send(st, req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let c = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ascribe_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(
        c.contains("HttpOnly") && c.contains("SameSite=Strict"),
        "{c}"
    );
    assert!(!c.contains("Secure"), "plain HTTP: no Secure flag");
    c.split(';').next().unwrap_or("").to_owned()
}

/// The structure every page must have.
fn assert_structure(p: &Page, marking: Tlp) {
    let t = &p.text;
    assert_eq!(t.matches("<h1").count(), 1, "one h1: {t}");
    assert!(t.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert_eq!(
        t.matches(r#"role="note""#).count(),
        2,
        "a banner top and bottom"
    );
    let label = format!("<strong>{}</strong>", marking.label());
    assert_eq!(
        t.matches(&label).count(),
        2,
        "the banner says {}: {t}",
        marking.label()
    );
    assert_eq!(
        t.matches("<th>").count(),
        0,
        "every header cell has a scope"
    );
    assert_eq!(
        t.matches("<th ").count(),
        t.matches("<th scope=").count(),
        "every th has a scope"
    );
    assert!(t.contains("<main id=\"main\""));
    assert!(!t.contains("<script"), "no script");
    assert!(!t.contains("http://") || t.contains("http://www.w3.org/2000/svg"));
    assert!(p
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("default-src 'none'"))));
}

#[tokio::test]
async fn anonymous_readers_see_clear_only_and_pages_have_their_structure() {
    let st = state(fixture(), true);
    let list = get(&st, "/incidents", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_structure(&list, Tlp::Clear);
    assert!(list.text.contains("Incident vaccine"));
    let page = get(&st, "/incidents/vaccine", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_structure(&page, Tlp::Clear);
    assert!(page.text.contains("E0") && !page.text.contains("secret-green"));
    assert!(
        page.text.contains("denied by"),
        "the denial answers the accusation"
    );
    assert!(!page.text.contains("quote-red-only"));
    assert!(page.text.contains(r#"role="img""#));
    let home = get(&st, "/", None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    let css = get(&st, "/static/ascribe.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.text.contains("#ffc000"));
}

#[tokio::test]
async fn signed_in_readers_see_up_to_their_clearance_and_sign_out() {
    let st = state(fixture(), false);
    // Without signing in, the pages send the reader to sign in.
    let r = get(&st, "/incidents", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = sign_in(&st, "u-amber").await;
    let page = get(&st, "/incidents/vaccine", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_structure(&page, Tlp::Amber);
    assert!(page.text.contains("secret-amber"));
    assert!(!page.text.contains("secret-amber+strict") && !page.text.contains("secret-red"));
    // The public view of the same page is TLP:CLEAR.
    let public = get(&st, "/incidents/vaccine?view=public", Some(&cookie)).await;
    assert_structure(&public, Tlp::Clear);
    assert!(!public.text.contains("secret-green"));
    let list = get(&st, "/incidents", Some(&cookie)).await;
    assert_structure(&list, Tlp::Amber);
    // Sign-out needs the session's CSRF token.
    let bad = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=wrong"))
        .expect("a request");
    assert_eq!(send(&st, bad).await.status, StatusCode::FORBIDDEN);
    let good = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", csrf(&list.text))))
        .expect("a request");
    assert_eq!(send(&st, good).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&st, "/incidents", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sign_in_refuses_a_missing_token_and_a_wrong_password() {
    let st = state(fixture(), true);
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf=x&name=u-red&password={PASSWORD}")))
        .expect("a request");
    let r = send(&st, req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_structure(&r, Tlp::Clear);
    let form = get(&st, "/login", None).await;
    let nonce = set_cookie(&form, "ascribe_login").expect("a sign-in cookie");
    let req = Request::post("/login")
        .header(header::COOKIE, nonce)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&name=u-red&password=wrong",
            csrf(&form.text)
        )))
        .expect("a request");
    let r = send(&st, req).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("role=\"alert\"") && r.text.contains("not right"));
    assert!(r.text.contains("value=\"u-red\""), "the name is kept");
}

#[tokio::test]
async fn bad_filters_and_what_ifs_are_shown_next_to_their_fields() {
    let st = state(fixture(), true);
    let r = get(&st, "/incidents?from=2020-13-01&verdict=maybe&gap=x", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_structure(&r, Tlp::Clear);
    for id in ["from-error", "verdict-error", "gap-error"] {
        assert!(r.text.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let r = get(&st, "/incidents/vaccine?exclude=E0+E9&grades=E0%3DZ9", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("id=\"exclude-error\"") && r.text.contains("E9"));
    assert!(r.text.contains("id=\"grades-error\""));
    let r = get(&st, "/incidents/vaccine?exclude=E0", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Nothing stored has changed"));
    assert_eq!(
        get(&st, "/incidents/nope", None).await.status,
        StatusCode::NOT_FOUND
    );
    let missing = get(&st, "/incidents/a/b/c", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_structure(&missing, Tlp::Clear);
    // TAXII still answers its own paths.
    let taxii = get(&st, "/taxii2/", None).await;
    assert_ne!(taxii.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn filters_find_by_alias_denial_and_verdict() {
    let st = state(fixture(), true);
    let hit = get(&st, "/incidents?actor=Cozy+Bear", None).await;
    assert!(hit.text.contains("Incident vaccine"), "APT29 by an alias");
    let miss = get(&st, "/incidents?actor=Lazarus", None).await;
    assert!(!miss.text.contains("Incident vaccine"));
    assert!(get(&st, "/incidents?denial=yes", None)
        .await
        .text
        .contains("Incident vaccine"));
    assert!(!get(&st, "/incidents?denial=no", None)
        .await
        .text
        .contains("Incident vaccine"));
    assert!(get(
        &st,
        "/incidents?accuser=united+kingdom&from=2020-07-10&to=2020-08-01",
        None
    )
    .await
    .text
    .contains("Incident vaccine"));
    let csv = get(&st, "/incidents.csv", None).await;
    assert!(csv.text.starts_with("# TLP:CLEAR\nid,title"));
}

/// The text of the documents fixture: a CLEAR claim, an AMBER claim and a
/// CLEAR one after them; offsets are byte offsets into it.
const DOC_TEXT: &str = "The NCSC said APT29 was almost certainly behind it.\nAn official said zq-amber-claim-span.\nRussia denied any involvement.\n";

fn span_of(needle: &str) -> (usize, usize) {
    let s = DOC_TEXT.find(needle).expect("the needle is in the text");
    (s, s + needle.len())
}

/// The vaccine incident with claims read from two documents: `clear.txt`
/// (TLP:CLEAR, holding a CLEAR and an AMBER claim) and `amber.txt` (TLP:AMBER).
fn documents_fixture() -> Store {
    let mut s = Store::open_in_memory(ascribe_app::SystemClock).expect("an in-memory store");
    add_users(&mut s);
    let from = |id: &str, doc: &str, needle: &str, tlp: Tlp, kind: ClaimKind| {
        let (start, end) = span_of(needle);
        Claim {
            doc: Some(doc.to_owned()),
            start: Some(start),
            end: Some(end),
            ..claim(id, kind, "2020-07-16", tlp, needle)
        }
    };
    let claims = vec![
        from(
            "d1",
            "clear.txt",
            "The NCSC said APT29 was almost certainly behind it.",
            Tlp::Clear,
            ClaimKind::Accusation,
        ),
        from(
            "zq-amber-claim-id",
            "clear.txt",
            "An official said zq-amber-claim-span.",
            Tlp::Amber,
            ClaimKind::Accusation,
        ),
        from(
            "d3",
            "clear.txt",
            "Russia denied any involvement.",
            Tlp::Clear,
            ClaimKind::Denial,
        ),
        from(
            "zq-amber-doc-claim",
            "amber.txt",
            "Russia denied any involvement.",
            Tlp::Amber,
            ClaimKind::Denial,
        ),
    ];
    s.save_case(&case("vaccine", vec![], claims), None)
        .expect("the case is saved");
    for (name, tlp) in [("clear.txt", Tlp::Clear), ("amber.txt", Tlp::Amber)] {
        let d = ascribe_store::DocumentRecord {
            name: name.to_owned(),
            bytes: DOC_TEXT.len() as u64,
            published: Some("2020-07-16".to_owned()),
            claims: 3,
            incidents: vec!["vaccine".to_owned()],
            ingested_at: "2026-01-01T00:00:00Z".to_owned(),
            tlp,
            outlet: Some("The Example Times".to_owned()),
            url: Some(format!("https://news.example/{name}")),
        };
        s.unit_of_work(|u| {
            u.record_document(&d)?;
            u.record_document_text(name, DOC_TEXT)
        })
        .expect("the document is recorded");
    }
    s
}

#[tokio::test]
async fn a_document_shows_its_text_with_claims_marked_and_nothing_above_clearance() {
    let st = state(documents_fixture(), true);
    let amber_cookie = sign_in(&st, "u-amber").await;
    let clear_cookie = sign_in(&st, "u-clear").await;
    // Anonymous and a TLP:CLEAR-cleared reader: the CLEAR document without the AMBER claim.
    for cookie in [None, Some(clear_cookie.as_str())] {
        let p = get(&st, "/documents/clear.txt", cookie).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_structure(&p, Tlp::Clear);
        assert!(
            p.text.contains("The Example Times")
                && p.text.contains("https://news.example/clear.txt")
        );
        assert!(
            p.text.contains(
                "<mark><a href=\"/documents/clear.txt?cl=1#claim-0\">The NCSC said APT29"
            ),
            "{}",
            p.text
        );
        assert!(p.text.contains("id=\"claim-0\"") && p.text.contains("id=\"claim-1\""));
        assert!(!p.text.contains("id=\"claim-2\""), "two claims are shown");
        assert!(p
            .text
            .contains("<mark><a href=\"/documents/clear.txt?cl=1#claim-1\">Russia denied"));
        assert!(
            !p.text.contains("zq-amber-claim-id"),
            "the AMBER claim is not listed"
        );
        assert!(
            !p.text
                .contains("<mark><a href=\"/documents/clear.txt?cl=1#claim-1\">An official"),
            "nor marked"
        );
        for export in [
            "/documents/clear.txt/claims.csv",
            "/documents/clear.txt/claims.json",
        ] {
            let e = get(&st, export, cookie).await;
            assert_eq!(e.status, StatusCode::OK);
            assert!(
                e.text.contains("d1") && !e.text.contains("zq-amber"),
                "{export}: {}",
                e.text
            );
            assert!(
                e.text.contains("TLP:CLEAR") && !e.text.contains("TLP:AMBER"),
                "{export}: {}",
                e.text
            );
        }
        // The AMBER document looks missing, as do its exports.
        for path in [
            "/documents/amber.txt",
            "/documents/amber.txt/claims.csv",
            "/documents/amber.txt/claims.json",
        ] {
            let r = get(&st, path, cookie).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                !r.text.contains("zq-amber") && !r.text.contains("The Example Times"),
                "{path}"
            );
        }
    }
    // A TLP:AMBER reader sees the AMBER claim, marked, and the AMBER document.
    let p = get(&st, "/documents/clear.txt", Some(&amber_cookie)).await;
    assert_structure(&p, Tlp::Amber);
    assert!(p.text.contains("zq-amber-claim-id"));
    assert!(p.text.contains("<mark><a href=\"/documents/clear.txt?cl=1#claim-1\">An official said zq-amber-claim-span.</a></mark>"), "{}", p.text);
    let a = get(&st, "/documents/amber.txt", Some(&amber_cookie)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_structure(&a, Tlp::Amber);
    let csv = get(&st, "/documents/amber.txt/claims.csv", Some(&amber_cookie)).await;
    assert!(
        csv.text.starts_with("# TLP:AMBER\nid,incident,date,kind")
            && csv.text.contains("zq-amber-doc-claim")
    );
    // The incident page links its documents; an unknown one is a 404.
    let inc = get(&st, "/incidents/vaccine", None).await;
    assert!(
        inc.text.contains("href=\"/documents/clear.txt\""),
        "{}",
        inc.text
    );
    assert!(
        !inc.text.contains("/documents/amber.txt"),
        "its claims are AMBER"
    );
    assert_eq!(
        get(&st, "/documents/nope.txt", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_actor_page_shows_its_names_sponsors_incidents_and_claims_up_to_clearance() {
    let st = state(fixture(), true);
    let clear_cookie = sign_in(&st, "u-clear").await;
    let red_cookie = sign_in(&st, "u-red").await;
    // The incident page links its hypotheses' actors.
    let inc = get(&st, "/incidents/vaccine", None).await;
    assert!(inc.text.contains("href=\"/actors/apt29\""), "{}", inc.text);
    for cookie in [None, Some(clear_cookie.as_str())] {
        let p = get(&st, "/actors/apt29", cookie).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_structure(&p, Tlp::Clear);
        assert!(
            p.text.contains("<h1>APT29</h1>") && p.text.contains("Cozy Bear"),
            "aliases"
        );
        assert!(
            p.text.contains("id=\"sponsors-caption\""),
            "sponsors with their sources"
        );
        assert!(
            p.text.contains("href=\"/incidents/vaccine\""),
            "the incident where it is a hypothesis"
        );
        assert!(p.text.contains("the NCSC says APT29 did it"));
        assert!(
            p.text.contains("of 2 claims"),
            "two claims name it at TLP:CLEAR"
        );
        assert!(
            !p.text.contains("quote-red-only"),
            "the RED claim is not read"
        );
        for export in ["/actors/apt29/claims.csv", "/actors/apt29/claims.json"] {
            let e = get(&st, export, cookie).await;
            assert_eq!(e.status, StatusCode::OK);
            assert!(
                e.text.contains("c1")
                    && !e.text.contains("quote-red-only")
                    && !e.text.contains("TLP:RED"),
                "{export}: {}",
                e.text
            );
        }
        let e = get(&st, "/actors/apt29/incidents.csv", cookie).await;
        assert!(
            e.text.starts_with("# TLP:CLEAR\nincident,title")
                && e.text.contains("vaccine,Incident vaccine,h1,APT29"),
            "{}",
            e.text
        );
    }
    // Any alias finds the entry; a TLP:RED reader sees the RED claim.
    let p = get(&st, "/actors/Cozy%20Bear", Some(&red_cookie)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_structure(&p, Tlp::Red);
    assert!(p.text.contains("quote-red-only") && p.text.contains("of 3 claims"));
    assert_eq!(
        get(&st, "/actors/no-such-group-zz", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// Vets an example device input as `claim` and files it in the vaccine
/// incident at `tlp`; the report's id (the input's SHA-256).
fn file_device(s: &mut Store, file: &str, claim: ascribe_device::Claim, tlp: Tlp) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/devices")
        .join(file);
    let bytes = std::fs::read(&path).expect("the example device input is readable");
    let mut opts = ascribe_device::VetOptions::new(claim);
    opts.input_name = file.to_owned();
    let verdict = ascribe_device::vet_bytes(&bytes, &opts).expect("the example vets");
    ascribe_app::device::file_verdict(s, "vaccine", &verdict, tlp).expect("the verdict is filed");
    verdict.input.sha256
}

#[tokio::test]
async fn a_device_report_shows_its_verdict_findings_tree_and_rule_only_up_to_clearance() {
    let mut s = fixture();
    let public = file_device(
        &mut s,
        "jc_holtek-keyboard_04d9-4545.lsusb-v.txt",
        ascribe_device::Claim::Keyboard,
        Tlp::Clear,
    );
    let secret = file_device(
        &mut s,
        "synthetic-flash-drive.descriptors.hex",
        ascribe_device::Claim::FlashDrive,
        Tlp::Amber,
    );
    let st = state(s, true);
    let clear_cookie = sign_in(&st, "u-clear").await;
    let amber_cookie = sign_in(&st, "u-amber").await;
    for cookie in [None, Some(clear_cookie.as_str())] {
        let p = get(&st, &format!("/devices/{public}"), cookie).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_structure(&p, Tlp::Clear);
        assert!(p.text.contains("class=\"verdict\""), "the verdict word");
        assert!(
            p.text.contains("id=\"findings\"")
                && p.text.contains("id=\"tree\"")
                && p.text.contains("id=\"usbguard\"")
        );
        assert!(
            p.text.contains("04d9") && p.text.contains("<pre class=\"rule\""),
            "the tree and the rule: {}",
            p.text
        );
        assert!(
            !p.text.contains("synthetic-flash-drive"),
            "nothing of the AMBER report"
        );
        for path in [
            format!("/devices/{secret}"),
            format!("/devices/{secret}/findings.csv"),
            format!("/devices/{secret}/findings.json"),
        ] {
            let r = get(&st, &path, cookie).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                !r.text.contains("synthetic-flash-drive") && !r.text.contains("TLP:AMBER"),
                "{path}"
            );
        }
        let e = get(&st, &format!("/devices/{public}/findings.csv"), cookie).await;
        assert!(
            e.text.starts_with("# TLP:CLEAR\nid,severity,title"),
            "{}",
            e.text
        );
        let inc = get(&st, "/incidents/vaccine", cookie).await;
        assert!(
            inc.text.contains(&format!("href=\"/devices/{public}\"")),
            "provenance links the report"
        );
        assert!(!inc.text.contains(&secret), "not the AMBER one");
    }
    let p = get(&st, &format!("/devices/{secret}"), Some(&amber_cookie)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_structure(&p, Tlp::Amber);
    assert!(p.text.contains("synthetic-flash-drive"));
    let e = get(
        &st,
        &format!("/devices/{secret}/findings.json"),
        Some(&amber_cookie),
    )
    .await;
    assert!(e.text.contains("\"marking\":\"TLP:AMBER\""), "{}", e.text);
    assert_eq!(
        get(&st, "/devices/0000", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A stored sensor run of `incident` marked `tlp`, with one
/// aggregate row and one sighting carrying `tag` in every text.
fn save_run(s: &mut Store, incident: &str, id: &str, tlp: Tlp, country: &str, asn: u32, tag: &str) {
    let obs = ascribe_model::Observation {
        day: "2020-07-10".to_owned(),
        src_country: country.to_owned(),
        src_asn: asn,
        signature: format!("ET {tag} signature"),
        action: "allowed".to_owned(),
        events: 40,
        distinct_src_ips: 3,
        first_seen: "2020-07-10T01:00:00.000000Z".to_owned(),
        last_seen: "2020-07-10T02:00:00.000000Z".to_owned(),
    };
    let sighting = ascribe_model::Sighting {
        indicator: ascribe_model::Indicator {
            kind: ascribe_model::IndicatorKind::Domain,
            value: format!("{tag}.example"),
            actor: Some("APT29".to_owned()),
            source: Some(format!("{tag}-feed")),
            tlp,
        },
        first_seen: obs.first_seen.clone(),
        last_seen: obs.last_seen.clone(),
        count: 7,
        examples: vec![],
    };
    s.save_telemetry_run(&ascribe_store::TelemetryRun {
        id: id.to_owned(),
        incident_id: Some(incident.to_owned()),
        started_at: "2020-07-11T00:00:00Z".to_owned(),
        inputs: vec![format!("{tag}.json")],
        event_types: "alert".to_owned(),
        summary_json: "{}".to_owned(),
        tlp,
        observations: vec![(obs, 0, vec![])],
        sightings: vec![sighting],
    })
    .expect("the run is saved");
}

/// The fixture with two sensor runs of the incident: a TLP:CLEAR one from
/// NL (AS64501, tagged zqclear) and a TLP:AMBER one from KP (AS64999, zqamber).
fn two_runs() -> Store {
    let mut s = fixture();
    save_run(
        &mut s,
        "vaccine",
        "public-run",
        Tlp::Clear,
        "NL",
        64501,
        "zqclear",
    );
    save_run(
        &mut s,
        "vaccine",
        "secret-run",
        Tlp::Amber,
        "KP",
        64999,
        "zqamber",
    );
    s
}

#[tokio::test]
async fn telemetry_counts_only_the_runs_a_reader_may_see_under_the_caveat() {
    let st = state(two_runs(), true);
    let clear_cookie = sign_in(&st, "u-clear").await;
    let amber_cookie = sign_in(&st, "u-amber").await;
    for cookie in [None, Some(clear_cookie.as_str())] {
        let p = get(&st, "/telemetry", cookie).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_structure(&p, Tlp::Clear);
        let caveat = p.text.find("is not its sponsor").expect("the caveat");
        assert!(
            caveat < p.text.find("<svg").expect("a chart"),
            "the caveat stands above the charts"
        );
        assert!(p
            .text
            .contains("<title id=\"country-chart-title\">Most events come from country NL:"));
        assert!(p.text.contains("zqclear.example") && p.text.contains("64501"));
        assert!(
            !p.text.contains("zqamber") && !p.text.contains("64999") && !p.text.contains(">KP<"),
            "nothing of the AMBER run"
        );
        for t in ["countries", "days", "asns", "signatures", "sightings"] {
            for ext in ["csv", "json"] {
                let e = get(&st, &format!("/telemetry/{t}.{ext}"), cookie).await;
                assert_eq!(e.status, StatusCode::OK, "{t}.{ext}");
                assert!(
                    !e.text.contains("zqamber")
                        && !e.text.contains("64999")
                        && !e.text.contains("KP"),
                    "{t}.{ext}: {}",
                    e.text
                );
                assert!(
                    e.text.contains("TLP:CLEAR") && !e.text.contains("TLP:AMBER"),
                    "{t}.{ext}: {}",
                    e.text
                );
            }
        }
        let days = get(&st, "/telemetry/days.csv", cookie).await;
        assert_eq!(days.text, "# TLP:CLEAR\nkey,events\n2020-07-10,40\n");
    }
    let p = get(&st, "/telemetry", Some(&amber_cookie)).await;
    assert_structure(&p, Tlp::Amber);
    assert!(p.text.contains("zqamber.example") && p.text.contains("64999"));
    let days = get(&st, "/telemetry/days.csv", Some(&amber_cookie)).await;
    assert_eq!(days.text, "# TLP:AMBER\nkey,events\n2020-07-10,80\n");
    // A page past the end shows the last one; an unknown export is a 404.
    assert_eq!(
        get(&st, "/telemetry?country=99", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&st, "/telemetry/nope.csv", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// Everything a reader may fetch about one incident, its document, the
/// actor its claims name, and the telemetry of its sensor run.
const PAGES: [&str; 20] = [
    "/incidents",
    "/documents",
    "/documents.json",
    "/documents?q=doc&marking=",
    "/actors/apt29/states.csv",
    "/incidents.csv",
    "/incidents.json",
    "/incidents/{id}",
    "/incidents/{id}?exclude=P{n}&grades=P{n}%3DA1",
    "/incidents/{id}/evidence.csv",
    "/incidents/{id}/claims.json",
    "/incidents/{id}/stix.json",
    "/documents/doc{n}.txt",
    "/documents/doc{n}.txt/claims.csv",
    "/actors/apt29",
    "/actors/apt29/claims.json",
    "/telemetry",
    "/telemetry/signatures.csv",
    "/telemetry/sightings.json",
    "/telemetry/countries.csv",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random incidents with random markings and a random reader: no page,
    /// export or what-if holds an item above the reader's clearance (its id
    /// or its text), and the banner is never below what the page shows. The
    /// same for the documents claims are read from, the actor they name and
    /// the sensor runs filed with the items.
    #[test]
    fn nothing_above_clearance_reaches_a_reader(
        marks in proptest::collection::vec((0usize..5, 0usize..5), 1..6),
        who in 0usize..5,
        signed_in in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        rt.block_on(async {
            let mut s = Store::open_in_memory(ascribe_app::SystemClock).expect("a store");
            add_users(&mut s);
            let mut secrets = Vec::new();
            for (n, (ei, ci)) in marks.iter().enumerate() {
                let (et, ct) = (Tlp::ALL[*ei], Tlp::ALL[*ci]);
                let items = vec![
                    item(&format!("E{n}x{}", et.as_str()), et, AchRating::StronglyConsistent, &format!("zq{n}e{}", *ei)),
                    item(&format!("P{n}"), Tlp::Clear, AchRating::Inconsistent, "public item"),
                ];
                // The claim is read from a document of its own marking, whose text holds its quote.
                let quote = format!("zq{n}c{}", *ci);
                let text = format!("Officials said {quote}.");
                let claims = vec![Claim {
                    doc: Some(format!("doc{n}.txt")),
                    start: Some(15),
                    end: Some(15 + quote.len()),
                    ..claim(&format!("c{n}k{}", *ci), ClaimKind::Accusation, "2020-07-16", ct, &quote)
                }];
                secrets.push((format!("E{n}x{}", et.as_str()), format!("zq{n}e{}", *ei), et));
                secrets.push((format!("c{n}k{}", *ci), quote.clone(), ct));
                secrets.push((format!("doc{n}.txt"), text.clone(), ct));
                s.save_case(&case(&format!("inc{n}"), items, claims), None).expect("saved");
                let d = ascribe_store::DocumentRecord {
                    name: format!("doc{n}.txt"),
                    bytes: text.len() as u64,
                    published: None,
                    claims: 1,
                    incidents: vec![format!("inc{n}")],
                    ingested_at: "t".to_owned(),
                    tlp: ct,
                    outlet: None,
                    url: None,
                };
                s.unit_of_work(|u| {
                    u.record_document(&d)?;
                    u.record_document_text(&d.name, &text)
                })
                .expect("the document is recorded");
                // A sensor run marked like the item, whose signature and sighting carry its text.
                save_run(&mut s, &format!("inc{n}"), &format!("run{n}"), et, "NL", 64500, &format!("zq{n}e{}", *ei));
            }
            let st = state(s, true);
            let reader = Tlp::ALL[who];
            let (cookie, clearance) = if signed_in {
                (Some(sign_in(&st, &format!("u-{}", reader.as_str())).await), reader)
            } else {
                (None, Tlp::Clear)
            };
            for (n, (_, ci)) in marks.iter().enumerate() {
                for p in PAGES {
                    let uri = p.replace("{id}", &format!("inc{n}")).replace("{n}", &n.to_string());
                    let r = get(&st, &uri, cookie.as_deref()).await;
                    // A document above the reader looks missing; every other page answers.
                    let hidden_doc = uri.starts_with("/documents/") && Tlp::ALL[*ci] > clearance;
                    if hidden_doc {
                        prop_assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", uri);
                    } else {
                        prop_assert!(r.status.is_success(), "{uri}: {}", r.status);
                    }
                    for (id, text, t) in &secrets {
                        if *t > clearance {
                            prop_assert!(!r.text.contains(id.as_str()), "{uri} holds {id} ({t:?}) for {clearance:?}");
                            prop_assert!(!r.text.contains(text.as_str()), "{uri} holds {text} ({t:?}) for {clearance:?}");
                        }
                    }
                    if r.text.starts_with("<!DOCTYPE") {
                        // The banner's marking is at least that of every item shown.
                        let shown = secrets.iter().filter(|(id, _, _)| r.text.contains(id.as_str())).map(|(_, _, t)| *t).max().unwrap_or(Tlp::Clear);
                        let banner = Tlp::ALL.into_iter().rev().find(|t| r.text.contains(&format!("<strong>{}</strong>", t.label()))).unwrap_or(Tlp::Clear);
                        prop_assert!(banner >= shown, "{uri}: banner {banner:?} below {shown:?}");
                        prop_assert!(banner <= clearance);
                    }
                }
            }
            Ok(())
        })?;
    }
}

/// The incident page and the list keep their assessments between requests;
/// a write to the incident shows on the very next request, even within the
/// same second (the kept result is tied to the incident's revision).
#[tokio::test]
async fn a_write_to_an_incident_shows_on_the_next_request() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("kept.db");
    let st = state(
        fill(Store::open(&path, ascribe_app::SystemClock).expect("a store file")),
        true,
    );
    // Another process's writer: a second store on the same file.
    let writer = Store::open(&path, ascribe_app::SystemClock).expect("the file again");
    let before = get(&st, "/incidents/vaccine", None).await;
    assert!(!before.text.contains("added-after-first-view"));
    let again = get(&st, "/incidents/vaccine", None).await;
    assert_eq!(
        before.text, again.text,
        "a kept assessment renders the same page"
    );
    let list = get(&st, "/incidents.csv", None).await;
    writer
        .unit_of_work(|u| {
            u.upsert_evidence(
                "vaccine",
                &[item(
                    "E9",
                    Tlp::Clear,
                    AchRating::StronglyConsistent,
                    "added-after-first-view",
                )],
            )
        })
        .expect("the item is added");
    let after = get(&st, "/incidents/vaccine", None).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text.contains("E9"), "the new item is on the page");
    assert_ne!(before.text, after.text);
    let list_after = get(&st, "/incidents.csv", None).await;
    assert_eq!(list_after.status, StatusCode::OK);
    assert_ne!(
        list.text, list_after.text,
        "the list's digest is recomputed: {}",
        list_after.text
    );
    let export = get(&st, "/incidents/vaccine/evidence.csv", None).await;
    assert!(export.text.contains("E9"), "the export is recomputed too");
}

/// `s` percent-encoded for a form body.
fn form_enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Posts the import form as `cookie`'s session with `csrf`.
async fn post_import(
    st: &ascribe_server::AppState,
    cookie: &str,
    csrf: &str,
    file: &str,
    text: &str,
) -> Page {
    let body = format!(
        "csrf={}&file={}&case={}",
        form_enc(csrf),
        form_enc(file),
        form_enc(text)
    );
    let req = Request::post("/import")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("a request");
    send(st, req).await
}

const EXAMPLE_CASE: &str = include_str!("../../../examples/vaccine-research-2020.toml");

#[tokio::test]
async fn a_case_file_imported_by_form_lands_on_its_page() {
    let st = state(fixture(), true);
    let cookie = sign_in(&st, "u-red").await;
    let form = get(&st, "/import", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert_structure(&form, Tlp::Clear);
    assert!(form.text.contains(r#"<label for="case">"#));
    let token = csrf(&form.text);
    let r = post_import(&st, &cookie, &token, "vaccine.toml", EXAMPLE_CASE).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let to = r
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a location");
    assert_eq!(to, "/incidents/vaccine-research-2020");
    let page = get(&st, to, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .text
        .contains("Intrusions into COVID-19 vaccine research organisations"));
}

#[tokio::test]
async fn a_bad_case_file_shows_its_line_next_to_the_field_and_stores_nothing() {
    let st = state(fixture(), true);
    let cookie = sign_in(&st, "u-red").await;
    let token = csrf(&get(&st, "/import", Some(&cookie)).await.text);
    // A good file with a wrong type on line 10 (the incident's title).
    let bad = EXAMPLE_CASE.replacen(
        "title = \"Intrusions into COVID-19 vaccine research organisations\"",
        "title = 42",
        1,
    );
    assert_ne!(bad, EXAMPLE_CASE);
    let r = post_import(&st, &cookie, &token, "mine.toml", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let at = r
        .text
        .find(r#"id="case-error""#)
        .expect("an error by the field");
    let shown = &r.text[at..];
    let field = shown
        .find(r#"<textarea id="case""#)
        .expect("the field after it");
    let error = &shown[..field];
    assert!(
        error.contains("mine.toml:10:9: invalid type: integer `42`, expected a string"),
        "names the file, line and what was expected: {error}"
    );
    assert!(shown.contains("title = 42"), "what the user pasted is kept");
    assert!(r.text.contains(r#"value="mine.toml""#));
    let none = get(&st, "/incidents/vaccine-research-2020", Some(&cookie)).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "nothing was stored");
}

#[tokio::test]
async fn import_refuses_no_token_readers_and_anonymous_users() {
    let st = state(fixture(), true);
    let cookie = sign_in(&st, "u-red").await;
    let r = post_import(&st, &cookie, "wrong", "x.toml", EXAMPLE_CASE).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        get(&st, "/incidents/vaccine-research-2020", Some(&cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A reader may not import, and is told so.
    let reader = sign_in(&st, "reader").await;
    let page = get(&st, "/import", Some(&reader)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text.contains("may read but not write"));
    let token = csrf(&get(&st, "/incidents", Some(&reader)).await.text);
    let r = post_import(&st, &reader, &token, "x.toml", EXAMPLE_CASE).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Anonymous readers are sent to sign in, even where they may read.
    let anon = get(&st, "/import", None).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anon.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/login")
    );
    let r = post_import(&st, "", "", "x.toml", EXAMPLE_CASE).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A body past the bound is refused with a page saying so.
    let token = csrf(&get(&st, "/import", Some(&cookie)).await.text);
    let huge = "#".repeat(5 * 1024 * 1024);
    let r = post_import(&st, &cookie, &token, "x.toml", &huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text.contains("larger than 4 MiB"));
}

/// Posts the import form as a browser does with a file chosen.
async fn upload_import(
    st: &ascribe_server::AppState,
    cookie: &str,
    csrf: &str,
    file: &str,
    text: &str,
) -> Page {
    let b = "----ascribeTestBoundary7";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{file}\"\r\n\
         Content-Type: application/toml\r\n\r\n{text}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"case\"\r\n\r\n\r\n--{b}--\r\n"
    );
    let req = Request::post("/import")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .body(Body::from(body))
        .expect("a request");
    send(st, req).await
}

#[tokio::test]
async fn an_uploaded_case_file_imports_and_a_bad_one_is_shown_with_its_name() {
    let st = state(fixture(), true);
    let cookie = sign_in(&st, "u-red").await;
    let token = csrf(&get(&st, "/import", Some(&cookie)).await.text);
    let bad = EXAMPLE_CASE.replacen("[incident]", "[incident]\nid = 7", 1);
    let r = upload_import(&st, &cookie, &token, "up.toml", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let at = r
        .text
        .find(r#"id="case-error""#)
        .expect("an error by the field");
    assert!(
        r.text[at..].starts_with(r#"id="case-error" role="alert">up.toml:10:1: duplicate key"#),
        "names the uploaded file and line: {}",
        &r.text[at..at + 200]
    );
    assert!(
        r.text.contains(r#"value="up.toml""#) && r.text.contains("id = 7"),
        "the uploaded file is kept in the form to fix"
    );
    let none = get(&st, "/incidents/vaccine-research-2020", Some(&cookie)).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "nothing was stored");
    let r = upload_import(&st, &cookie, &token, "vaccine.toml", EXAMPLE_CASE).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = get(&st, "/incidents/vaccine-research-2020", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    // Without the token the upload is refused.
    let r = upload_import(&st, &cookie, "wrong", "vaccine.toml", EXAMPLE_CASE).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_stix_bundle_imported_by_form_is_stored_and_a_bad_one_is_refused_whole() {
    let st = state(fixture(), true);
    let cookie = sign_in(&st, "u-red").await;
    let form = get(&st, "/import/stix", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert_structure(&form, Tlp::Clear);
    let token = csrf(&form.text);
    let post = |body: String| {
        Request::post("/import/stix")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a request")
    };
    let bundle = serde_json::json!({
        "type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
        "objects": [indicator(1, Tlp::Clear, "2020-01-02T00:00:00.000Z")],
    })
    .to_string();
    // A bundle cut short: refused whole, named, the paste kept.
    let cut = &bundle[..bundle.len() - 3];
    let r = send(
        &st,
        post(format!(
            "csrf={token}&collection=intel&file=cut.json&case={}",
            form_enc(cut)
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let at = r
        .text
        .find(r#"id="case-error""#)
        .expect("an error by the field");
    assert!(r.text[at..].contains("cut.json"), "{}", &r.text[at..]);
    assert!(r.text.contains("nothing imported"), "{}", r.text);
    let good = |b: &str| format!("csrf={token}&collection=intel&case={}", form_enc(b));
    let r = send(&st, post(good(&bundle))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.text
            .contains("1 object(s) accepted (1 new, 0 already stored"),
        "{}",
        r.text
    );
    // Again: the object is already stored (so the first import wrote it, and the cut one did not).
    let r = send(&st, post(good(&bundle))).await;
    assert!(r.text.contains("(0 new, 1 already stored"), "{}", r.text);
    // An unknown collection is named next to the field; a reader is refused.
    let r = send(
        &st,
        post(format!(
            "csrf={token}&collection=nope&case={}",
            form_enc(&bundle)
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let at = r
        .text
        .find(r#"id="case-error""#)
        .expect("an error by the field");
    assert!(
        r.text[at..]
            .split("</pre>")
            .next()
            .is_some_and(|e| e.contains("nope")),
        "{}",
        &r.text[at..]
    );
    let reader = sign_in(&st, "reader").await;
    assert_eq!(
        get(&st, "/import/stix", Some(&reader)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = send(
        &st,
        Request::post("/import/stix")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(good(&bundle)))
            .expect("a request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous: sign in first");
}

/// Posts a urlencoded form as `cookie`'s session.
async fn post_form(st: &ascribe_server::AppState, uri: &str, cookie: &str, body: &str) -> Page {
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("a request");
    send(st, req).await
}

/// The text of the error shown next to field `name`.
fn field_error(text: &str, name: &str) -> String {
    let tag = format!(r#"id="{name}-error""#);
    let at = text.find(&tag).unwrap_or_else(|| {
        panic!("an error next to {name}: {text}");
    });
    let rest = &text[at..];
    let start = rest.find('>').map_or(0, |i| i + 1);
    rest[start..].split('<').next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn a_device_report_is_recorded_as_evidence_by_writers_at_a_marking_they_choose() {
    let mut s = fixture();
    let id = file_device(
        &mut s,
        "synthetic-flash-drive.descriptors.hex",
        ascribe_device::Claim::FlashDrive,
        Tlp::Green,
    );
    s.save_case(&case("other", vec![], vec![]), None)
        .expect("a second incident");
    let st = state(s, true);
    let amber = sign_in(&st, "u-amber").await;
    let page = get(&st, &format!("/devices/{id}"), Some(&amber)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_structure(&page, Tlp::Green);
    assert!(page
        .text
        .contains(&format!(r#"action="/devices/{id}/record""#)));
    // Choices from the report's marking up to the reader's clearance.
    for (t, offered) in [
        (Tlp::Clear, false),
        (Tlp::Green, true),
        (Tlp::Amber, true),
        (Tlp::Red, false),
    ] {
        assert_eq!(
            page.text
                .contains(&format!(r#"<option value="{}""#, t.as_str())),
            offered,
            "{t:?}"
        );
    }
    let token = csrf(&page.text);
    let uri = format!("/devices/{id}/record");
    let form = |incident: &str, tlp: &str| format!("csrf={token}&incident={incident}&tlp={tlp}");
    // Below the report's marking, above the clearance, no such incident: next to the field, nothing stored.
    for (body, field, says) in [
        (form("other", "clear"), "tlp", "TLP:GREEN"),
        (form("other", "red"), "tlp", "TLP:AMBER"),
        (form("nope", "amber"), "incident", "no incident"),
        (form("", "amber"), "incident", "Name the incident"),
    ] {
        let r = post_form(&st, &uri, &amber, &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert_structure(&r, Tlp::Green);
        assert!(
            field_error(&r.text, field).contains(says),
            "{body}: {}",
            field_error(&r.text, field)
        );
    }
    let before = get(&st, "/incidents/other/evidence.csv", Some(&amber)).await;
    assert!(!before.text.contains("dev-"), "nothing filed yet");
    let r = post_form(&st, &uri, &amber, &form("other", "amber")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/incidents/other#provenance")
    );
    let after = get(&st, "/incidents/other/evidence.csv", Some(&amber)).await;
    assert!(
        after.text.contains("dev-") && after.text.contains("TLP:AMBER"),
        "{}",
        after.text
    );
    let inc = get(&st, "/incidents/other", Some(&amber)).await;
    assert!(
        inc.text.contains(&format!("href=\"/devices/{id}\"")),
        "provenance links the report"
    );
    // Filed at TLP:AMBER: neither the items nor the report reach a GREEN reader.
    let green = sign_in(&st, "u-green").await;
    let g = get(&st, "/incidents/other/evidence.csv", Some(&green)).await;
    assert!(!g.text.contains("dev-"), "{}", g.text);
    assert_eq!(
        get(&st, &format!("/devices/{id}"), Some(&green))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A bad token, a reader, an anonymous user: refused.
    let r = post_form(&st, &uri, &amber, "csrf=wrong&incident=other&tlp=amber").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let reader = sign_in(&st, "reader").await;
    let rp = get(&st, &format!("/devices/{id}"), Some(&reader)).await;
    assert!(!rp.text.contains("/record\""), "no form for a reader");
    let r = post_form(&st, &uri, &reader, &form("other", "amber")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(&st, &uri, "", &form("other", "amber")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/login")
    );
}

/// Posts the document form as a browser does: `files` uploaded, `fields` beside them.
async fn post_documents(
    st: &ascribe_server::AppState,
    cookie: &str,
    files: &[(&str, &[u8])],
    fields: &[(&str, &str)],
) -> Page {
    let b = "----ascribeTestBoundary9";
    let mut body: Vec<u8> = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    let req = Request::post("/import/documents")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .body(Body::from(body))
        .expect("a request");
    send(st, req).await
}

fn example_doc(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/docs")
            .join(name),
    )
    .expect("the example document is readable")
}

#[tokio::test]
async fn documents_imported_by_form_are_filed_marked_and_listed_up_to_clearance() {
    let st = state(fixture(), true);
    let amber = sign_in(&st, "u-amber").await;
    let form = get(&st, "/import/documents", Some(&amber)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert_structure(&form, Tlp::Clear);
    assert!(
        !form.text.contains(r#"<option value="red""#),
        "no marking above the clearance"
    );
    let token = csrf(&form.text);
    let ncsc = example_doc("2020-07-16-ncsc-advisory.txt");
    let kremlin = example_doc("2020-07-17-kremlin-response.txt");
    let files: [(&str, &[u8]); 2] = [("ncsc.txt", &ncsc), ("kremlin.txt", &kremlin)];
    // A bad date and a marking above the clearance: next to their fields, nothing stored.
    let r = post_documents(
        &st,
        &amber,
        &files,
        &[
            ("csrf", &token),
            ("published", "16/07/2020"),
            ("tlp", "red"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_structure(&r, Tlp::Clear);
    assert!(field_error(&r.text, "published").contains("YYYY-MM-DD"));
    assert!(field_error(&r.text, "tlp").contains("above your clearance"));
    assert!(
        r.text.contains(r#"value="16/07/2020""#),
        "what was entered is kept"
    );
    let list = get(&st, "/documents", Some(&amber)).await;
    assert!(list.text.contains("No documents."), "{}", list.text);
    // Nothing to import, and an empty file.
    let r = post_documents(&st, &amber, &[], &[("csrf", &token), ("tlp", "amber")]).await;
    assert!(field_error(&r.text, "case").contains("Choose a document"));
    let r = post_documents(
        &st,
        &amber,
        &[("blank.txt", b"  \n")],
        &[("csrf", &token), ("tlp", "amber")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("blank.txt: empty"), "{}", r.text);
    // Two documents at TLP:AMBER, with their outlet: both listed, the claims filed.
    let r = post_documents(
        &st,
        &amber,
        &files,
        &[
            ("csrf", &token),
            ("outlet", "Test Outlet"),
            ("incident", "vaccine"),
            ("tlp", "amber"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/documents")
    );
    let list = get(&st, "/documents", Some(&amber)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_structure(&list, Tlp::Amber);
    assert!(
        list.text.contains("of 2 documents") && list.text.contains("Test Outlet"),
        "{}",
        list.text
    );
    assert!(list.text.contains(r#"href="/documents/ncsc.txt""#));
    let doc = get(&st, "/documents/ncsc.txt", Some(&amber)).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_structure(&doc, Tlp::Amber);
    assert!(
        doc.text.contains("<mark>"),
        "its claims are marked in the text"
    );
    let claims = get(&st, "/incidents/vaccine/claims.csv", Some(&amber)).await;
    assert!(
        claims.text.contains("ncsc.txt#"),
        "filed under the incident: {}",
        claims.text
    );
    // Filters; and nothing of it below TLP:AMBER.
    let f = get(
        &st,
        "/documents?q=kreml&outlet=test&marking=amber",
        Some(&amber),
    )
    .await;
    assert!(
        f.text.contains("of 1 documents") && f.text.contains("kremlin.txt"),
        "{}",
        f.text
    );
    let bad = get(&st, "/documents?marking=purple", Some(&amber)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&bad.text, "marking").contains("purple"));
    let csv = get(&st, "/documents.csv", Some(&amber)).await;
    assert!(
        csv.text.starts_with("# TLP:AMBER\nname,outlet"),
        "{}",
        csv.text
    );
    // A writer cleared lower may not replace a document it may not read: the name is
    // refused (its marking not told), and the stored document is untouched.
    let green = sign_in(&st, "u-green").await;
    let green_token = csrf(&get(&st, "/import/documents", Some(&green)).await.text);
    let r = post_documents(
        &st,
        &green,
        &[("ncsc.txt", b"Nothing here.")],
        &[("csrf", &green_token), ("tlp", "green")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains(
            "ncsc.txt: a document of this name is stored and this account may not replace it"
        ) && !r.text.contains("AMBER"),
        "{}",
        r.text
    );
    let kept = get(&st, "/documents/ncsc.txt", Some(&amber)).await;
    assert!(
        kept.text.contains("<mark>") && !kept.text.contains("Nothing here."),
        "{}",
        kept.text
    );
    for cookie in [None, Some(green)] {
        let l = get(&st, "/documents", cookie.as_deref()).await;
        assert_structure(&l, Tlp::Clear);
        assert!(!l.text.contains("ncsc.txt") && l.text.contains("No documents."));
        let e = get(&st, "/documents.json", cookie.as_deref()).await;
        assert!(
            !e.text.contains("ncsc.txt") && e.text.contains("\"TLP:CLEAR\""),
            "{}",
            e.text
        );
        let c = get(&st, "/incidents/vaccine/claims.csv", cookie.as_deref()).await;
        assert!(!c.text.contains("ncsc.txt#"));
    }
    // One pasted document: its own page.
    let r = post_documents(
        &st,
        &amber,
        &[],
        &[
            ("csrf", &token),
            ("file", "pasted-note.txt"),
            (
                "case",
                "On 2020-07-16 the NCSC said APT29 almost certainly targeted vaccine research.",
            ),
            ("published", "2020-07-16"),
            ("tlp", "green"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/documents/pasted-note.txt")
    );
    // Refused: a bad token, a reader, an anonymous user.
    let r = post_documents(&st, &amber, &files, &[("csrf", "wrong"), ("tlp", "amber")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let reader = sign_in(&st, "reader").await;
    assert_eq!(
        get(&st, "/import/documents", Some(&reader)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = post_documents(&st, &reader, &files, &[("csrf", &token), ("tlp", "amber")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_documents(&st, "", &files, &[("tlp", "amber")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&st, "/documents", Some(&amber))
            .await
            .text
            .matches("<tr>")
            .count(),
        4,
        "header and three documents"
    );
}

#[tokio::test]
async fn the_documents_list_pages_with_counts() {
    let mut s = fixture();
    for n in 0..55 {
        s.record_document(&ascribe_store::DocumentRecord {
            name: format!("d{n:02}.txt"),
            bytes: 1,
            published: None,
            claims: 0,
            incidents: vec![],
            ingested_at: format!("2020-01-01T00:00:{n:02}Z"),
            tlp: Tlp::Clear,
            outlet: None,
            url: None,
        })
        .expect("recorded");
    }
    let st = state(s, true);
    let p1 = get(&st, "/documents", None).await;
    assert_structure(&p1, Tlp::Clear);
    assert!(
        p1.text
            .contains("Showing 1–50 of 55 documents (page 1 of 2)"),
        "{}",
        p1.text
    );
    assert!(
        p1.text.contains("d54.txt") && !p1.text.contains("d04.txt"),
        "newest first"
    );
    let p2 = get(&st, "/documents?page=2", None).await;
    assert!(p2.text.contains("Showing 51–55 of 55") && p2.text.contains("d00.txt"));
    let past = get(&st, "/documents?page=9", None).await;
    assert!(
        past.text.contains("Showing 51–55 of 55"),
        "a page past the end shows the last"
    );
    assert!(
        get(&st, "/incidents", None)
            .await
            .text
            .contains(r#"href="/documents""#),
        "in the navigation"
    );
}

#[tokio::test]
async fn actor_tables_export_sponsors_and_states_never_above_clearance() {
    let st = state(fixture(), true);
    let s = get(&st, "/actors/apt29/sponsors.csv", None).await;
    assert_eq!(s.status, StatusCode::OK);
    assert!(
        s.text.starts_with("# TLP:CLEAR\nsponsor,named_by\n"),
        "{}",
        s.text
    );
    let anon = get(&st, "/actors/apt29/states.json", None).await;
    assert!(
        anon.text.contains("\"TLP:CLEAR\"") && anon.text.contains("Russia"),
        "{}",
        anon.text
    );
    let red = sign_in(&st, "u-red").await;
    let r = get(&st, "/actors/apt29/states.csv", Some(&red)).await;
    assert!(
        r.text
            .starts_with("# TLP:RED\nstate,claims,said_by\nRussia,3,"),
        "{}",
        r.text
    );
    let a = get(&st, "/actors/apt29/states.csv", None).await;
    assert!(
        a.text.contains("Russia,2,"),
        "the RED claim is not counted: {}",
        a.text
    );
    assert_eq!(
        get(&st, "/actors/apt29/nope.csv", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&st, "/incidents/vaccine/nope.csv", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn telemetry_filters_narrow_every_table_and_export_never_above_clearance() {
    let st = state(two_runs(), true);
    let amber = sign_in(&st, "u-amber").await;
    let all = get(&st, "/telemetry", Some(&amber)).await;
    assert_structure(&all, Tlp::Amber);
    assert!(all
        .text
        .contains(r#"<form method="get" action="/telemetry""#));
    assert!(all.text.contains("zqclear") && all.text.contains("zqamber"));
    // One run: only its rows, and the banner of that run.
    let one = get(&st, "/telemetry?run=public-run", Some(&amber)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_structure(&one, Tlp::Clear);
    assert!(
        one.text.contains("zqclear")
            && !one.text.contains("zqamber")
            && !one.text.contains("64999")
    );
    for (q, shows, hides) in [
        ("src_country=kp", "64999", "64501"),
        ("src_asn=AS64501", "zqclear signature", "zqamber signature"),
        ("from=2020-07-11", "No sightings", "zqclear.example"),
        ("to=2020-07-10&src_country=NL", "64501", "64999"),
    ] {
        let p = get(&st, &format!("/telemetry?{q}"), Some(&amber)).await;
        assert_eq!(p.status, StatusCode::OK, "{q}");
        assert!(
            p.text.contains(shows) && !p.text.contains(hides),
            "{q}: {}",
            p.text
        );
    }
    let e = get(&st, "/telemetry/asns.csv?src_country=NL", Some(&amber)).await;
    assert!(
        e.text.contains("64501") && !e.text.contains("64999"),
        "{}",
        e.text
    );
    // The filter never widens a reader's view: the AMBER run stays hidden from TLP:CLEAR.
    let anon = get(&st, "/telemetry?run=secret-run", None).await;
    assert_structure(&anon, Tlp::Clear);
    assert!(!anon.text.contains("zqamber") && !anon.text.contains("64999"));
    let e = get(&st, "/telemetry/sightings.json?run=secret-run", None).await;
    assert!(!e.text.contains("zqamber"), "{}", e.text);
    // Unreadable filters are shown next to their fields.
    let bad = get(
        &st,
        "/telemetry?from=10/07/2020&src_country=Netherlands&src_asn=x",
        Some(&amber),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_structure(&bad, Tlp::Amber);
    for f in ["from", "src_country", "src_asn"] {
        assert!(!field_error(&bad.text, f).is_empty(), "{f}");
    }
}

/// Sessions are kept in the store: a server started again on the same
/// database keeps its users signed in, and a sign-out there ends the session.
#[tokio::test]
async fn a_restart_signs_no_one_out_and_a_sign_out_ends_the_session() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("sessions.db");
    let first = state(
        fill(Store::open(&path, ascribe_app::SystemClock).expect("a store file")),
        true,
    );
    let cookie = sign_in(&first, "u-amber").await;
    let before = get(&first, "/incidents", Some(&cookie)).await;
    assert!(before
        .text
        .contains("Signed in as <strong>u-amber</strong>"));
    let token = csrf(&before.text);
    drop(first);
    // The server again, with nothing in memory.
    let again = state(
        Store::open(&path, ascribe_app::SystemClock).expect("the file again"),
        true,
    );
    let after = get(&again, "/incidents/vaccine", Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(
        after.text.contains("Signed in as <strong>u-amber</strong>"),
        "still signed in"
    );
    assert_structure(&after, Tlp::Amber);
    assert_eq!(csrf(&after.text), token, "the same session and token");
    // A made-up cookie is nobody.
    let stranger = get(&again, "/incidents", Some("ascribe_session=0000")).await;
    assert!(stranger.text.contains("Not signed in"));
    let out = post_form(&again, "/logout", &cookie, &format!("csrf={token}")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let third = state(
        Store::open(&path, ascribe_app::SystemClock).expect("the file once more"),
        true,
    );
    let gone = get(&third, "/incidents", Some(&cookie)).await;
    assert!(gone.text.contains("Not signed in"), "signed out for good");
}
