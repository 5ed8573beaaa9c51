//! Reads raw documents (web pages as scraped, statements, interview
//! transcripts) and finds the accusations, denials, counter-accusations and
//! attribution statements in them.
//!
//! Pure: bytes in, [`Document`] out, no I/O. Offsets in the claims are byte
//! offsets into the document decoded as UTF-8 ([`Document::original`] when
//! the caller keeps it), always on char boundaries.
//!
//! ```
//! let doc = ascribe_extract::read_document(
//!     "note.txt",
//!     "The foreign minister said on Monday that Russian military intelligence was almost certainly behind the attack on the ministry's network.".as_bytes(),
//!     None,
//! );
//! let c = &doc.claims[0];
//! assert_eq!(c.claim.target_canonical.as_deref(), Some("Russia"));
//! assert_eq!(c.claim.confidence_phrase.as_deref(), Some("almost certainly"));
//! ```

pub mod claims;
pub mod clean;
pub mod date;
pub mod eval;
mod lexicon;

use ascribe_model::{Claim, Icd203, Phia, Tlp};
use serde::{Deserialize, Serialize};

pub use clean::{clean, source_meta, Cleaned, Format, Skip, SourceMeta};

/// A claim with what the model's [`Claim`] does not carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedClaim {
    pub claim: Claim,
    /// Who relayed it when second-hand (a newspaper, an interviewer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phia: Option<Phia>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icd203: Option<Icd203>,
}

/// What the reader made of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The name as given (file name, `-` for stdin).
    pub name: String,
    /// Publication date, ISO `YYYY-MM-DD`.
    pub published: Option<String>,
    pub claims: Vec<ExtractedClaim>,
    /// Why nothing was read, if so.
    pub skipped: Option<Skip>,
    /// Bytes of article text left after cleaning.
    pub clean_len: usize,
    /// The document decoded as UTF-8 (invalid bytes replaced): the text the
    /// claims' offsets index.
    pub original: String,
    /// The outlet and address an HTML page names in its metadata.
    pub source: SourceMeta,
}

/// A reader over a knowledge base other than the built-in one (an imported
/// MISP galaxy or STIX bundle): its group names are recognised in the text.
pub struct Reader {
    kb: ascribe_kb::KnowledgeBase,
    lex: lexicon::Lexicon,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("groups", &self.kb.groups().count())
            .finish_non_exhaustive()
    }
}

impl Reader {
    /// Compiles the lexicon for `kb` (a second or so for a full galaxy).
    pub fn new(kb: ascribe_kb::KnowledgeBase) -> Reader {
        let lex = lexicon::build(&kb);
        Reader { kb, lex }
    }

    /// Reads one document, as [`read_document`] does.
    pub fn read(&self, name: &str, bytes: &[u8], format: Option<Format>) -> Document {
        read_impl(name, bytes, format, Some((&self.lex, &self.kb)))
    }
}

/// Reads one document.
pub fn read_document(name: &str, bytes: &[u8], format: Option<Format>) -> Document {
    read_impl(name, bytes, format, None)
}

fn read_impl(
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
    with: Option<(&lexicon::Lexicon, &ascribe_kb::KnowledgeBase)>,
) -> Document {
    let format = format.or_else(|| Format::from_name(name));
    let cleaned = clean(bytes, format);
    let published = if cleaned.skipped == Some(Skip::Binary) {
        None
    } else {
        date::publication_date(&cleaned.original, &cleaned.meta_dates)
    };
    let raw = match with {
        Some((lex, kb)) => claims::extract_with(&cleaned, lex, kb),
        None => claims::extract(&cleaned),
    };
    let mut out = Vec::with_capacity(raw.len());
    let mut seen: std::collections::HashMap<(usize, usize), usize> =
        std::collections::HashMap::new();
    for (n, r) in raw.into_iter().enumerate() {
        let (start, end) = cleaned.original_range(r.start, r.end);
        let quote = cleaned
            .original
            .get(start..end)
            .map(claims::normalize_quote);
        let band = r.confidence_band.map(claims::band_of);
        // Several claims may share a quote ("Raab and the NCSC accused ...").
        let n_same = seen.entry((start, end)).or_insert(0usize);
        let same = *n_same;
        *n_same += 1;
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let claim = Claim {
            id: if same == 0 {
                format!("{base}#{start}-{end}")
            } else {
                format!("{base}#{start}-{end}.{same}")
            },
            kind: Some(r.kind),
            speaker: r.speaker,
            speaker_org: r.speaker_org,
            speaker_country: r.speaker_country,
            target: r.target,
            target_canonical: r.target_canonical,
            target_state: r.target_state,
            operation: r.operation,
            confidence_phrase: r.confidence_phrase,
            probability: band.map(|b| b.0),
            date: published.clone(),
            quote,
            doc: Some(name.to_owned()),
            start: Some(start),
            end: Some(end),
            tlp: Tlp::Clear,
        };
        let _ = n;
        out.push(ExtractedClaim {
            claim,
            reporter: r.reporter,
            phia: band.map(|b| b.1),
            icd203: band.map(|b| b.2),
        });
    }
    let source = if cleaned.skipped == Some(Skip::Binary) {
        SourceMeta::default()
    } else {
        source_meta(&cleaned.original, cleaned.format)
    };
    Document {
        name: name.to_owned(),
        published,
        claims: out,
        skipped: cleaned.skipped,
        clean_len: cleaned.text.len(),
        original: if cleaned.skipped == Some(Skip::Binary) {
            // A binary file is no text to show.
            String::new()
        } else {
            cleaned.original.into_owned()
        },
        source,
    }
}

/// The number of lexicon hits in a text; for the benchmark only.
#[doc(hidden)]
pub fn bench_scan(text: &str) -> usize {
    lexicon::scan(text).len()
}
