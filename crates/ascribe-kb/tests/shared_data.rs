//! The committed `data/actors.json` matches what the generator derives from
//! `../shared/data`, and imports of the raw files resolve the same names.

use ascribe_kb::{merge_groups, misp_groups, stix_groups, KnowledgeBase};

#[test]
fn committed_data_matches_a_fresh_derivation() {
    let Some(misp) = ascribe_testutil::shared_file("data/misp/threat-actor.json") else {
        return;
    };
    let Some(attack) =
        ascribe_testutil::shared_file("data/attack/enterprise-attack-18.1-intrusion-sets.json")
    else {
        return;
    };
    let misp = std::fs::read_to_string(misp).unwrap_or_default();
    let attack = std::fs::read_to_string(attack).unwrap_or_default();
    let merged = merge_groups(
        stix_groups(&attack).unwrap_or_default(),
        misp_groups(&misp).unwrap_or_default(),
    );
    let builtin = KnowledgeBase::builtin();
    assert_eq!(merged.len(), builtin.groups().count());

    let from_misp = KnowledgeBase::from_misp_galaxy(&misp);
    let from_misp = from_misp.as_ref().ok();
    assert!(from_misp
        .and_then(|kb| kb.resolve_actor("Cozy Bear"))
        .is_some_and(|a| a.sponsors.iter().any(|s| s == "Russia")));
    let from_stix = KnowledgeBase::from_stix_bundle(&attack);
    let from_stix = from_stix.as_ref().ok();
    assert_eq!(
        from_stix
            .and_then(|kb| kb.resolve_actor("Fancy Bear"))
            .map(|a| a.name.as_str()),
        Some("APT28")
    );
}
