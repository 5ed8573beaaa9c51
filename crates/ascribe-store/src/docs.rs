//! Documents read by the document reader, and imported knowledge bases.

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
}

impl UnitOfWork<'_> {
    /// Records (or re-records) an ingested document.
    pub fn record_document(&self, doc: &DocumentRecord) -> Result<()> {
        // An upsert, so two writers recording one document at once
        // (PostgreSQL runs them side by side) take its row in turn; its
        // incidents are then replaced.
        self.execute(
            "INSERT INTO documents (name, bytes, published, claims, ingested_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes, published = excluded.published,
                 claims = excluded.claims, ingested_at = excluded.ingested_at",
            &[
                &doc.name,
                &big(doc.bytes, "document size")?,
                &doc.published,
                &big(doc.claims, "claim count")?,
                &doc.ingested_at,
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
            "SELECT name, bytes, published, claims, ingested_at FROM documents ORDER BY name",
            &[],
            |r| {
                let name: String = r.get(0)?;
                Ok(DocumentRecord {
                    bytes: unsigned(r.get(1)?, "document size")?,
                    published: r.get(2)?,
                    claims: unsigned(r.get(3)?, "claim count")?,
                    // Truly empty, not an error: a document whose claims joined no
                    // incident has no rows in document_incidents.
                    incidents: filed.remove(&name).unwrap_or_default(),
                    ingested_at: r.get(4)?,
                    name,
                })
            },
        )
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
