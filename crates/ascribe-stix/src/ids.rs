//! Deterministic STIX identifiers.
//!
//! SDOs, SROs and bundles that ascribe writes get a UUIDv5 over a stable key in
//! ascribe's own namespace, so exporting the same data twice yields the same ids.
//! Cyber observables (SCOs) get the id STIX 2.1 defines: a UUIDv5 in the STIX
//! namespace over the canonical JSON of their id-contributing properties.

use serde_json::Value;
use uuid::Uuid;

/// The namespace STIX 2.1 defines for deterministic SCO ids.
pub const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00ab_edb4_aa42_466c_9c01_fed2_3315_a9b7);

/// ascribe's namespace for the SDO/SRO ids it derives (a fixed random UUID).
pub const ASCRIBE_NAMESPACE: Uuid = Uuid::from_u128(0x5d0c_1f4e_8a7b_4c21_9e3d_6b2a_0f71_c4e8);

/// `type--uuid5(ascribe, "type|key")`.
pub fn sdo_id(kind: &str, key: &str) -> String {
    let name = format!("{kind}|{key}");
    format!(
        "{kind}--{}",
        Uuid::new_v5(&ASCRIBE_NAMESPACE, name.as_bytes())
    )
}

/// The STIX-defined id of an SCO from its id-contributing properties
/// (for example `{"value": "198.51.100.3"}` for an `ipv4-addr`).
pub fn sco_id(kind: &str, contributing: &Value) -> String {
    let canon = canonical_json(contributing);
    format!(
        "{kind}--{}",
        Uuid::new_v5(&STIX_SCO_NAMESPACE, canon.as_bytes())
    )
}

/// JSON with object keys sorted and no insignificant whitespace (RFC 8785
/// for the strings, integers and objects SCO id properties use).
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(x) = m.get(*k) {
                    write_canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Whether `s` is `<type>--<uuid>` with a syntactically valid type and UUID.
pub fn is_stix_id(s: &str) -> bool {
    split_id(s).is_some()
}

/// Splits `<type>--<uuid>` into the type and the UUID.
pub fn split_id(s: &str) -> Option<(&str, Uuid)> {
    let (kind, uuid) = s.split_once("--")?;
    if !is_type_name(kind) {
        return None;
    }
    let u = Uuid::parse_str(uuid).ok()?;
    // Only the hyphenated form is allowed in STIX ids.
    if uuid.len() != 36 {
        return None;
    }
    Some((kind, u))
}

/// STIX type names: lowercase ASCII letters, digits and hyphens, 3 to 250 characters.
pub fn is_type_name(s: &str) -> bool {
    (3..=250).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sco_ids_follow_the_stix_namespace() {
        // The STIX 2.1 specification's own example of a deterministic id:
        // an ipv4-addr with value 198.51.100.3.
        let a = sco_id("ipv4-addr", &json!({"value": "198.51.100.3"}));
        let b = sco_id("ipv4-addr", &json!({"value": "198.51.100.3"}));
        assert_eq!(a, b);
        assert!(a.starts_with("ipv4-addr--"));
        let (_, u) = split_id(&a).unwrap_or(("", Uuid::nil()));
        assert_eq!(u.get_version_num(), 5);
        assert_ne!(a, sco_id("ipv4-addr", &json!({"value": "198.51.100.4"})));
    }

    #[test]
    fn sco_ids_match_the_oasis_python_library() {
        // Computed with the OASIS `stix2` 3.0.2 library (stix2.IPv4Address(value=...).id etc.).
        assert_eq!(
            sco_id("ipv4-addr", &json!({"value": "198.51.100.3"})),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
        );
        assert_eq!(
            sco_id("domain-name", &json!({"value": "example.com"})),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"
        );
        assert_eq!(
            sco_id("url", &json!({"value": "http://example.com/a"})),
            "url--90a682b4-db61-5016-9aaa-eb700579af05"
        );
        assert_eq!(
            sco_id(
                "file",
                &json!({"hashes": {"SHA-256": "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"}})
            ),
            "file--02c74237-f6bc-5e2e-bcbe-e9bf3d69ac64"
        );
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = json!({"b": 1, "a": {"z": "x", "c": [2, {"y": 1, "x": 0}]}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":[2,{"x":0,"y":1}],"z":"x"},"b":1}"#
        );
    }

    #[test]
    fn sdo_ids_are_stable_and_typed() {
        assert_eq!(sdo_id("incident", "x"), sdo_id("incident", "x"));
        assert_ne!(sdo_id("incident", "x"), sdo_id("report", "x"));
        assert!(is_stix_id(&sdo_id("intrusion-set", "apt29")));
        assert!(!is_stix_id("intrusion-set--not-a-uuid"));
        assert!(!is_stix_id(
            "Intrusion-Set--5d0c1f4e-8a7b-4c21-9e3d-6b2a0f71c4e8"
        ));
    }
}
