//! Documents read by the document reader, and imported knowledge bases.

use ascribe_model::{Claim, Tlp};

use crate::case::corrupt;
use crate::case::{claim_row, rank};
use crate::sql::{big, unsigned};
use crate::{ReadUnit, Result, Store, UnitOfWork};

/// One ingested document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub name: String,
    pub bytes: u64,
    pub published: Option<String>,
    pub claims: usize,
    pub incidents: Vec<String>,
    pub ingested_at: String,
    /// The document's marking: no reader below it is shown the document.
    pub tlp: Tlp,
    /// The outlet the document names (an HTML page's metadata).
    pub outlet: Option<String>,
    /// The address the document names as its own.
    pub url: Option<String>,
}

/// A document as one reader may see it: its record, its text (`None` when
/// it was recorded before texts were kept) and the claims read from it that
/// the reader may see, with their incident ids, in the order of their spans.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentSeen {
    pub record: DocumentRecord,
    pub text: Option<String>,
    pub claims: Vec<(String, Claim)>,
}

/// What a list of documents is narrowed to; every part is optional and
/// text is matched case-insensitively as a part of the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    /// In the name, the outlet or the address.
    pub text: Option<String>,
    /// In the outlet.
    pub outlet: Option<String>,
    /// Exactly this marking.
    pub marking: Option<Tlp>,
}

/// An imported knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbImport {
    pub source: String,
    pub groups: usize,
    pub data_json: String,
    pub imported_at: String,
}

impl Store {
    /// Records (or re-records) an ingested document.
    pub fn record_document(&mut self, doc: &DocumentRecord) -> Result<()> {
        self.unit_of_work(|u| u.record_document(doc))
    }

    /// Every ingested document, by name.
    pub fn documents(&self) -> Result<Vec<DocumentRecord>> {
        self.read(|r| r.documents())
    }

    /// Stores an imported knowledge base; the latest one is the one in use.
    pub fn save_kb_import(&mut self, kb: &KbImport) -> Result<()> {
        self.unit_of_work(|u| u.save_kb_import(kb))
    }

    /// The latest imported knowledge base, if any.
    pub fn latest_kb_import(&self) -> Result<Option<KbImport>> {
        self.read(|r| r.latest_kb_import())
    }

    /// A document as a reader with `clearance` may see it ([`ReadUnit::document_seen_by`]).
    pub fn document_seen_by(&self, name: &str, clearance: Tlp) -> Result<Option<DocumentSeen>> {
        self.read(|r| r.document_seen_by(name, clearance))
    }
}

impl UnitOfWork<'_> {
    /// Records (or re-records) an ingested document.
    pub fn record_document(&self, doc: &DocumentRecord) -> Result<()> {
        // An upsert, so two writers recording one document at once
        // (PostgreSQL runs them side by side) take its row in turn; its
        // incidents are then replaced.
        self.execute(
            "INSERT INTO documents (name, bytes, published, claims, ingested_at, tlp, outlet, url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes, published = excluded.published,
                 claims = excluded.claims, ingested_at = excluded.ingested_at, tlp = excluded.tlp,
                 outlet = excluded.outlet, url = excluded.url",
            &[
                &doc.name,
                &big(doc.bytes, "document size")?,
                &doc.published,
                &big(doc.claims, "claim count")?,
                &doc.ingested_at,
                &doc.tlp.as_str(),
                &doc.outlet,
                &doc.url,
            ],
        )?;
        self.execute(
            "DELETE FROM document_incidents WHERE document_name = $1",
            &[&doc.name],
        )?;
        let mut filed = self.prepare(
            "INSERT INTO document_incidents (document_name, position, incident_id) VALUES ($1, $2, $3)",
        )?;
        for (pos, incident) in (0_i64..).zip(&doc.incidents) {
            filed.execute(&[&doc.name, &pos, incident])?;
        }
        Ok(())
    }

    /// Keeps a recorded document's text (the document decoded as UTF-8,
    /// which its claims' offsets index), replacing what was kept.
    pub fn record_document_text(&self, name: &str, text: &str) -> Result<()> {
        let n = self.execute(
            "UPDATE documents SET text = $2 WHERE name = $1",
            &[&name, &text],
        )?;
        if n == 0 {
            return Err(corrupt(
                &format!("document {name:?}"),
                "its text was given before the document was recorded",
            ));
        }
        Ok(())
    }

    /// Stores an imported knowledge base; the latest one is the one in use.
    pub fn save_kb_import(&self, kb: &KbImport) -> Result<()> {
        let id = self.next_id("kb_imports")?;
        self.execute(
            "INSERT INTO kb_imports (id, source, groups_count, data_json, imported_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &kb.source,
                &big(kb.groups, "group count")?,
                &kb.data_json,
                &kb.imported_at,
            ],
        )?;
        Ok(())
    }
}

impl ReadUnit<'_> {
    /// Every ingested document, by name.
    pub fn documents(&self) -> Result<Vec<DocumentRecord>> {
        let mut filed: std::collections::BTreeMap<String, Vec<String>> =
            std::collections::BTreeMap::new();
        for (name, incident) in self.query(
            "SELECT document_name, incident_id FROM document_incidents ORDER BY document_name, position",
            &[],
            |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
        )? {
            filed.entry(name).or_default().push(incident);
        }
        self.query(
            "SELECT name, bytes, published, claims, ingested_at, tlp, outlet, url FROM documents ORDER BY name",
            &[],
            |r| {
                let name: String = r.get(0)?;
                // Truly empty, not an error: a document whose claims joined no
                // incident has no rows in document_incidents.
                let incidents = filed.remove(&name).unwrap_or_default();
                document_row(r, name, incidents)
            },
        )
    }

    /// A document with only what a reader with `clearance` may see, or
    /// `None` when there is no such document or it is marked above
    /// `clearance` (the two look alike). The filter is in the statements:
    /// neither a document nor a claim above `clearance` is read.
    pub fn document_seen_by(&self, name: &str, clearance: Tlp) -> Result<Option<DocumentSeen>> {
        let max = rank(clearance);
        let found = self.query_opt(
            concat!(
                "SELECT name, bytes, published, claims, ingested_at, tlp, outlet, url, text
                 FROM documents WHERE name = $1 AND ",
                tlp_rank!(),
                " <= $2"
            ),
            &[&name, &max],
            |r| {
                let name: String = r.get(0)?;
                let text: Option<String> = r.get(8)?;
                Ok((document_row(r, name, Vec::new())?, text))
            },
        )?;
        let Some((mut record, text)) = found else {
            return Ok(None);
        };
        record.incidents = self.query_column(
            "SELECT incident_id FROM document_incidents WHERE document_name = $1 ORDER BY position",
            &[&name],
        )?;
        let mut claims = self.query(
            concat!(
                r#"SELECT incident_id, id, kind, speaker, speaker_org, speaker_country, target, target_canonical,
                    target_state, operation, confidence_phrase, prob_low, prob_high, claim_date, quote, doc,
                    start_offset, end_offset, tlp
             FROM claims WHERE doc = $1 AND "#,
                tlp_rank!(),
                " <= $2 ORDER BY incident_id, position, id"
            ),
            &[&name, &max],
            claim_row,
        )?;
        claims.sort_by(|a, b| {
            (a.1.start, a.1.end, &a.1.id, &a.0).cmp(&(b.1.start, b.1.end, &b.1.id, &b.0))
        });
        Ok(Some(DocumentSeen {
            record,
            text,
            claims,
        }))
    }

    /// One page (`offset`, `limit`) of the documents marked at or below
    /// `clearance` that match `filter`, newest first, and how many match in
    /// all. The clearance and the filter are in the statements: no row above
    /// `clearance` is read, not even counted.
    pub fn documents_seen_by(
        &self,
        clearance: Tlp,
        filter: &DocumentFilter,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<DocumentRecord>)> {
        let max = rank(clearance);
        let like = |t: &str| {
            let escaped = t
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        };
        let text = filter.text.as_deref().map(like);
        let outlet = filter.outlet.as_deref().map(like);
        let marking = filter.marking.map(|t| t.as_str());
        let mut sql = String::from(concat!(" FROM documents WHERE ", tlp_rank!(), " <= $1"));
        let mut params: Vec<&dyn crate::sql::ToParam> = vec![&max];
        if let Some(t) = &text {
            params.push(t);
            let n = params.len();
            sql.push_str(&format!(
                " AND (LOWER(name) LIKE ${n} ESCAPE '\\' OR LOWER(COALESCE(outlet, '')) LIKE ${n} ESCAPE '\\' \
                 OR LOWER(COALESCE(url, '')) LIKE ${n} ESCAPE '\\')"
            ));
        }
        if let Some(o) = &outlet {
            params.push(o);
            let n = params.len();
            sql.push_str(&format!(
                " AND LOWER(COALESCE(outlet, '')) LIKE ${n} ESCAPE '\\'"
            ));
        }
        if let Some(m) = &marking {
            params.push(m);
            sql.push_str(&format!(" AND tlp = ${}", params.len()));
        }
        let total: i64 = self.query_value(&format!("SELECT COUNT(*){sql}"), &params)?;
        let (limit, offset) = (big(limit, "page size")?, big(offset, "page offset")?);
        params.push(&limit);
        params.push(&offset);
        let n = params.len();
        let mut page = self.query(
            &format!(
                "SELECT name, bytes, published, claims, ingested_at, tlp, outlet, url{sql} \
                 ORDER BY ingested_at DESC, name LIMIT ${} OFFSET ${n}",
                n - 1
            ),
            &params,
            |r| {
                let name: String = r.get(0)?;
                document_row(r, name, Vec::new())
            },
        )?;
        for d in &mut page {
            d.incidents = self.query(
                "SELECT incident_id FROM document_incidents WHERE document_name = $1 ORDER BY position",
                &[&d.name],
                |r| r.get(0),
            )?;
        }
        Ok((unsigned(total, "document count")?, page))
    }

    /// The latest imported knowledge base, if any.
    pub fn latest_kb_import(&self) -> Result<Option<KbImport>> {
        self.query_opt(
            "SELECT source, groups_count, data_json, imported_at FROM kb_imports ORDER BY id DESC LIMIT 1",
            &[],
            |r| {
                Ok(KbImport {
                    source: r.get(0)?,
                    groups: unsigned(r.get(1)?, "group count")?,
                    data_json: r.get(2)?,
                    imported_at: r.get(3)?,
                })
            },
        )
    }
}

/// A `documents` row's first eight columns (name, bytes, published, claims,
/// ingested_at, tlp, outlet, url) as a record.
fn document_row(
    r: &crate::unit::Row<'_>,
    name: String,
    incidents: Vec<String>,
) -> Result<DocumentRecord> {
    Ok(DocumentRecord {
        bytes: unsigned(r.get(1)?, "document size")?,
        published: r.get(2)?,
        claims: unsigned(r.get(3)?, "claim count")?,
        incidents,
        ingested_at: r.get(4)?,
        tlp: r.tlp(5, || format!("document {name:?}"))?,
        outlet: r.get(6)?,
        url: r.get(7)?,
        name,
    })
}
