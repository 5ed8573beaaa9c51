//! Rebuilds `data/actors.json` from the MISP galaxy threat-actor cluster and
//! the ATT&CK enterprise intrusion sets in `../shared/data`.
//!
//! `cargo run -p ascribe-kb --example gen_kb [SHARED_DATA_DIR]`

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../../shared/data"));
    let misp_path = data_dir.join("misp/threat-actor.json");
    let attack_path = data_dir.join("attack/enterprise-attack-18.1-intrusion-sets.json");
    let read = |p: &PathBuf| match std::fs::read_to_string(p) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", p.display());
            None
        }
    };
    let (Some(misp), Some(attack)) = (read(&misp_path), read(&attack_path)) else {
        return ExitCode::from(2);
    };
    let misp = match ascribe_kb::misp_groups(&misp) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {}: {e}", misp_path.display());
            return ExitCode::from(2);
        }
    };
    let attack = match ascribe_kb::stix_groups(&attack) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {}: {e}", attack_path.display());
            return ExitCode::from(2);
        }
    };
    let (n_misp, n_attack) = (misp.len(), attack.len());
    let mut actors = ascribe_kb::merge_groups(attack, misp);
    actors.sort_by(|a, b| {
        a.actor
            .name
            .to_lowercase()
            .cmp(&b.actor.name.to_lowercase())
    });
    let data = ascribe_kb::KbData {
        sources: vec![
            "MITRE ATT&CK Enterprise 18.1 intrusion sets (ATT&CK Terms of Use, see data/NOTICE)"
                .to_owned(),
            "MISP galaxy threat-actor cluster v349 (CC0 1.0 / BSD-2-Clause, see data/NOTICE)"
                .to_owned(),
        ],
        actors,
    };
    let mut out = String::from("{\"sources\":");
    out.push_str(&serde_json::to_string(&data.sources).unwrap_or_default());
    out.push_str(",\"actors\":[\n");
    for (i, a) in data.actors.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(&serde_json::to_string(a).unwrap_or_default());
    }
    out.push_str("\n]}\n");
    let dest = manifest.join("data/actors.json");
    if let Err(e) = std::fs::write(&dest, out) {
        eprintln!("error: cannot write {}: {e}", dest.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "wrote {} groups ({n_attack} from ATT&CK, {n_misp} MISP entries merged) to {}",
        data.actors.len(),
        dest.display()
    );
    ExitCode::SUCCESS
}
