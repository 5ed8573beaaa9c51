//! One actor as a reader may see it: the knowledge base's entry (aliases,
//! sponsors with who names which), the incidents where it is a hypothesis,
//! and the claims naming it at the reader's clearance (the store filters).

use ascribe_kb::{normalize, KnowledgeBase};
use ascribe_model::{Actor, Claim, Tlp};
use ascribe_store::{NamedHypothesis, Store};

use crate::Result;

/// An actor of the knowledge base in use, with what the store holds about it.
#[derive(Debug, Clone)]
pub struct ActorSeen {
    pub actor: Actor,
    /// `(sponsor, source)`: each source's word, side by side, never merged.
    pub sponsor_sources: Vec<(String, String)>,
    /// Whether the knowledge base is an imported one (else the built-in one).
    pub imported: bool,
    /// Where the knowledge base's group data came from.
    pub kb_sources: Vec<String>,
    /// The hypotheses, in any incident, that name this actor by any name.
    pub hypotheses: Vec<NamedHypothesis>,
    /// Claims naming it, marked at or below the reader's clearance, with their incident ids.
    pub claims: Vec<(String, Claim)>,
}

/// Whether `name` names `actor` in `kb` (its entry, or one of its names as written).
fn names(kb: &KnowledgeBase, actor: &Actor, name: &str) -> bool {
    match kb.resolve_actor(name) {
        Some(a) => a.name == actor.name,
        None => {
            let n = normalize(name);
            normalize(&actor.name) == n || actor.aliases.iter().any(|a| normalize(a) == n)
        }
    }
}

/// The actor `id` names (any name or alias the knowledge base in use knows),
/// or `None` when it names none.
pub fn seen_by(store: &Store, id: &str, clearance: Tlp) -> Result<Option<ActorSeen>> {
    let (kb, imported) = crate::kb::in_use(Some(store))?;
    let Some(actor) = kb.resolve_actor(id) else {
        return Ok(None);
    };
    let sponsor_sources = kb.sponsor_sources(actor).to_vec();
    let actor = actor.clone();
    let hypotheses = store
        .named_hypotheses()?
        .into_iter()
        .filter(|h| {
            h.actor_name
                .iter()
                .chain(&h.actor)
                .any(|n| names(&kb, &actor, n))
        })
        .collect();
    let all_names: Vec<String> = std::iter::once(actor.name.clone())
        .chain(actor.aliases.iter().cloned())
        .collect();
    let claims = store.claims_naming_seen_by(&all_names, clearance)?;
    Ok(Some(ActorSeen {
        sponsor_sources,
        imported,
        kb_sources: kb.sources().to_vec(),
        hypotheses,
        claims,
        actor,
    }))
}

/// The address part that names `actor` (its name, normalised): what
/// [`seen_by`] resolves back to it.
pub fn id_of(actor: &Actor) -> String {
    normalize(&actor.name)
}
