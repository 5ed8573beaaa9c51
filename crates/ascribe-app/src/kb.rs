//! The knowledge base in use: the latest one imported into the store, else
//! the built-in one.

use ascribe_kb::KnowledgeBase;
use ascribe_store::{KbImport, Store};
use time::format_description::well_known::Rfc3339;

use crate::{AppError, Clock, Result};

/// The knowledge base in use and whether it was imported (`false`: the
/// built-in one). Without a store it is the built-in one.
pub fn in_use(store: Option<&Store>) -> Result<(KnowledgeBase, bool)> {
    if let Some(store) = store {
        if let Some(k) = store.latest_kb_import()? {
            let kb = KnowledgeBase::from_json(&k.data_json).map_err(|source| AppError::Kb {
                source_name: format!("knowledge base imported from {} is unreadable", k.source),
                source,
            })?;
            return Ok((kb, true));
        }
    }
    Ok((KnowledgeBase::builtin().clone(), false))
}

/// Reads a MISP galaxy cluster, STIX bundle or ascribe-kb JSON (`text`, from
/// `source`) and stores it as the knowledge base later use cases use.
/// Returns the number of threat groups.
pub fn import(store: &mut Store, clock: &dyn Clock, source: &str, text: &str) -> Result<usize> {
    let kb = KnowledgeBase::from_any(text).map_err(|e| AppError::Kb {
        source_name: source.to_owned(),
        source: e,
    })?;
    let groups = kb.groups().count();
    if groups == 0 {
        return Err(AppError::Input(format!(
            "{source}: no threat groups found (expected intrusion-sets, threat-actors or cluster values)"
        )));
    }
    let imported_at = clock
        .now()
        .format(&Rfc3339)
        .expect("a clock's time (a four-digit year) formats as RFC 3339");
    store.save_kb_import(&KbImport {
        source: source.to_owned(),
        groups,
        data_json: kb.to_json(),
        imported_at,
    })?;
    Ok(groups)
}
