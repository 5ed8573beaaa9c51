//! Exports of the pages' tables as CSV or JSON. Each file carries the
//! marking of what it holds (the CSV's first line, the JSON's `marking`),
//! and holds only rows read at the reader's clearance, as the pages do.

use ascribe_model::{Claim, Tlp};
use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::format::csv;
use crate::params::Params;
use crate::{Reading, Viewer, Web};

/// A path segment, percent-encoded.
pub(crate) fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// An export cell: an absent value (no period, no date, no speaker) is an
/// empty cell, as CSV and the JSON rows write it, not an error.
pub(crate) fn cell(v: Option<&str>) -> String {
    match v {
        Some(v) => v.to_owned(),
        None => String::new(),
    }
}

/// A file to download, never cached.
pub(crate) fn download(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// A table as JSON: `{"marking": "TLP:…", "rows": [{column: value, …}]}`.
pub(crate) fn table_json(marking: Tlp, header: &[&str], rows: &[Vec<String>]) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::Value::Object(
                header
                    .iter()
                    .zip(r)
                    .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
                    .collect(),
            )
        })
        .collect();
    serde_json::json!({ "marking": marking.label(), "rows": rows })
}

/// The two formats of every export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Json,
}

/// A file name of an export (`claims.csv`): the table's name and its format.
pub(crate) fn file(name: &str) -> Option<(&str, Format)> {
    let (table, ext) = name.rsplit_once('.')?;
    match ext {
        "csv" => Some((table, Format::Csv)),
        "json" => Some((table, Format::Json)),
        _ => None,
    }
}

/// An export's request, `/{page}/{id}/{table}.{csv|json}`: the page's id,
/// the table and format asked for, and who reads. A file name that is no
/// export answers 404, as an unknown page.
pub(crate) struct Export {
    pub id: String,
    pub table: String,
    pub format: Format,
    pub v: Viewer,
    pub q: Params,
}

impl FromRequestParts<Web> for Export {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Response> {
        let Ok(Path((id, name))) = Path::<(String, String)>::from_request_parts(parts, web).await
        else {
            return Err(crate::not_found());
        };
        let Some((table, format)) = file(&name) else {
            return Err(crate::not_found());
        };
        let table = table.to_owned();
        let Reading { v, q } = Reading::from_request_parts(parts, web).await?;
        Ok(Export {
            id,
            table,
            format,
            v,
            q,
        })
    }
}

/// A table in `format`, marked `marking`.
pub(crate) fn table(
    format: Format,
    marking: Tlp,
    header: &[&str],
    rows: &[Vec<String>],
) -> Response {
    match format {
        Format::Csv => download("text/csv; charset=utf-8", csv(marking, header, rows)),
        Format::Json => download(
            "application/json",
            table_json(marking, header, rows).to_string(),
        ),
    }
}

/// The columns of every claims export (incident, actor, document).
pub(crate) fn claims_header() -> Vec<&'static str> {
    "id incident date kind speaker speaker_org speaker_country target target_canonical target_state confidence_phrase quote doc start end tlp"
        .split(' ')
        .collect()
}

/// Claims as export rows, each with the incident it is filed under.
pub(crate) fn claim_rows<'a>(
    claims: impl IntoIterator<Item = (&'a str, &'a Claim)>,
) -> Vec<Vec<String>> {
    claims
        .into_iter()
        .map(|(incident, c)| {
            let o = |s: &Option<String>| cell(s.as_deref());
            let n = |x: Option<usize>| x.map_or(String::new(), |x| x.to_string());
            vec![
                c.id.clone(),
                incident.to_owned(),
                o(&c.date),
                c.kind_or_accusation().as_str().to_owned(),
                o(&c.speaker),
                o(&c.speaker_org),
                o(&c.speaker_country),
                o(&c.target),
                o(&c.target_canonical),
                o(&c.target_state),
                o(&c.confidence_phrase),
                o(&c.quote),
                o(&c.doc),
                n(c.start),
                n(c.end),
                c.tlp.label().to_owned(),
            ]
        })
        .collect()
}

/// The highest marking among `claims` (TLP:CLEAR when there are none).
pub(crate) fn claims_marking<'a>(claims: impl IntoIterator<Item = &'a Claim>) -> Tlp {
    claims.into_iter().map(|c| c.tlp).fold(Tlp::Clear, Ord::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_files_are_named_by_table_and_format() {
        assert_eq!(file("claims.csv"), Some(("claims", Format::Csv)));
        assert_eq!(file("a.b.json"), Some(("a.b", Format::Json)));
        assert_eq!(file("claims.xml"), None);
        assert_eq!(file("claims"), None);
        assert_eq!(enc("a b/c"), "a%20b%2Fc");
    }
}
