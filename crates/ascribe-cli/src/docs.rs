//! `ascribe docs ingest|eval`, `ascribe claims` and `ascribe kb import`:
//! reading raw documents into the claims register.
//!
//! Ingest groups claims into incidents: a claim joins an incident (one made
//! by an earlier ingest, or an analyst's case) when it names the same state
//! or group, shares a word of its operation ("vaccine", "election") and falls
//! within `--window-days` of it; otherwise a new incident is made, with one
//! hypothesis per accused party, so that `ascribe assess` works on it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_extract::{read_document, Document, ExtractedClaim, Format as DocFormat};
use ascribe_kb::KnowledgeBase;
use ascribe_model::{Claim, ClaimKind};
use ascribe_store::ClaimFilter;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::db::Db;
use crate::exit;

#[derive(Debug, Subcommand)]
pub(crate) enum DocsCommand {
    /// Read documents (.txt, .html, .htm, .md; folders; globs; - for stdin),
    /// print their claims and file them under incidents.
    Ingest(IngestArgs),
    /// Score the reader against a gold file (precision, recall, F1 per field).
    Eval(EvalArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct IngestArgs {
    /// Files, folders (read recursively) or globs (`docs/*.html`); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// `table` for people, `json` for one claim per line.
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    format: OutFormat,
    /// File every claim under this incident (created if missing) instead of grouping.
    #[arg(long, value_name = "ID")]
    incident: Option<String>,
    /// Print the claims without storing them.
    #[arg(long)]
    no_store: bool,
    /// Claims within this many days of an incident join it.
    #[arg(long, default_value_t = 45, value_name = "DAYS")]
    window_days: i64,
    /// Files larger than this are refused (bytes).
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    max_bytes: u64,
    /// Exit with status 1 when a file was skipped (binary, too large, unreadable).
    #[arg(long, short = 'W')]
    warnings_as_errors: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// Gold files (the format of shared/seeds/gold.json), one or more. Other
    /// paths given here (folders, globs, documents) are read as `--docs`.
    #[arg(required = true, value_name = "GOLD.json")]
    gold: Vec<String>,
    /// Where the documents are (files, folders or globs; repeatable). A gold
    /// entry's `doc` is looked up among these by file name; without a match,
    /// beside its gold file (`DIR/doc`, then `DIR/docs/doc`).
    #[arg(long = "docs", value_name = "PATH")]
    docs: Vec<String>,
    /// A split file (TOML lists of document names, e.g.
    /// crates/ascribe-extract/tests/split.toml); score only `--part` of it.
    #[arg(long, value_name = "SPLIT.toml", requires = "part")]
    split: Option<PathBuf>,
    /// The list of the split file to score (`tune`, `held_out`).
    #[arg(long, value_name = "NAME", requires = "split")]
    part: Option<String>,
    /// `table` for people, `json` for the full report.
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    format: OutFormat,
    /// List every missed and extra claim.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ClaimsArgs {
    /// Only this incident.
    #[arg(long, value_name = "ID")]
    incident: Option<String>,
    /// Speaker or speaking organisation contains this (case-insensitive).
    #[arg(long)]
    speaker: Option<String>,
    /// Target, canonical target or target state contains this.
    #[arg(long)]
    target: Option<String>,
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    format: OutFormat,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KbCommand {
    /// Replace the threat groups with a MISP galaxy cluster, a STIX bundle or
    /// ascribe-kb JSON; stored in the database, used by later commands.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Look a name up: group, body or state, with sponsors and their sources.
    Show {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// One line of `--format json`.
#[derive(Debug, Serialize)]
struct ClaimLine<'a> {
    doc: &'a str,
    published: Option<&'a str>,
    incident: Option<&'a str>,
    id: &'a str,
    kind: Option<&'a str>,
    speaker: Option<&'a str>,
    speaker_org: Option<&'a str>,
    speaker_country: Option<&'a str>,
    reporter: Option<&'a str>,
    target: Option<&'a str>,
    target_canonical: Option<&'a str>,
    target_state: Option<&'a str>,
    operation: Option<&'a str>,
    confidence_phrase: Option<&'a str>,
    probability: Option<[f64; 2]>,
    phia: Option<&'a str>,
    icd203: Option<&'a str>,
    quote: Option<&'a str>,
    start: Option<usize>,
    end: Option<usize>,
}

pub(crate) fn run(cmd: DocsCommand, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        DocsCommand::Ingest(args) => ingest(args, db),
        DocsCommand::Eval(args) => eval(args),
    }
}

/// The input files for a list of paths: files, folders (recursively, by
/// extension), globs in the last path component, and `-`.
fn expand(paths: &[String]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push("-".to_owned());
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            walk(path, &mut out)?;
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.contains(['*', '?']) {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut found: Vec<String> = std::fs::read_dir(dir)
                .with_context(|| format!("{}: cannot list folder", dir.display()))?
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("{}: cannot list folder", dir.display()))?
                .into_iter()
                .filter(|e| e.path().is_file())
                .filter(|e| glob_match(name, &e.file_name().to_string_lossy()))
                .map(|e| e.path().display().to_string())
                .collect();
            found.sort();
            if found.is_empty() {
                bail!("{p}: no file matches");
            }
            out.extend(found);
            continue;
        }
        if !path.exists() {
            bail!("{p}: no such file or folder");
        }
        out.push(p.clone());
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect())
        .with_context(|| format!("{}: cannot list folder", dir.display()))?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if DocFormat::from_name(&p.to_string_lossy()).is_some() {
            out.push(p.display().to_string());
        }
    }
    Ok(())
}

/// `*` and `?` wildcards over a file name.
fn glob_match(pat: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pat.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Reads one input, refusing what is too large; `Ok(None)` with a message
/// on stderr when it is skipped.
fn read_input(name: &str, max: u64) -> anyhow::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    if name == "-" {
        std::io::stdin()
            .lock()
            .take(max + 1)
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
    } else {
        let f = std::fs::File::open(name).with_context(|| format!("{name}: cannot open"))?;
        f.take(max + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("{name}: cannot read"))?;
    }
    if bytes.len() as u64 > max {
        eprintln!("warning: {name}: larger than {max} bytes (--max-bytes); skipped");
        return Ok(None);
    }
    Ok(Some(bytes))
}

fn read_docs(
    paths: &[String],
    max: u64,
    reader: Option<&ascribe_extract::Reader>,
) -> anyhow::Result<(Vec<(Document, u64)>, bool)> {
    let files = expand(paths)?;
    let mut docs = Vec::new();
    let mut skipped = false;
    for name in files {
        let Some(bytes) = read_input(&name, max)? else {
            skipped = true;
            continue;
        };
        // An empty file is no document: storing it would file a source that says nothing.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            bail!(
                "{name}: empty ({} byte(s), no text); expected a document (text, HTML or Markdown); nothing stored",
                bytes.len()
            );
        }
        let doc = match reader {
            Some(r) => r.read(&name, &bytes, None),
            None => read_document(&name, &bytes, None),
        };
        match doc.skipped {
            Some(ascribe_extract::Skip::Binary) => {
                eprintln!("warning: {name}: looks like a binary file; skipped");
                skipped = true;
                continue;
            }
            Some(ascribe_extract::Skip::NoText) => {
                eprintln!(
                    "note: {name}: no article text once navigation and boilerplate are removed"
                );
            }
            None => {}
        }
        docs.push((doc, bytes.len() as u64));
    }
    Ok((docs, skipped))
}

fn ingest(args: IngestArgs, db: &Db) -> anyhow::Result<ExitCode> {
    let (kb, imported) = load_kb(db, args.no_store)?;
    // An imported knowledge base also teaches the reader its group names.
    let reader = imported.then(|| ascribe_extract::Reader::new(kb.clone()));
    let (docs, skipped) = read_docs(&args.paths, args.max_bytes, reader.as_ref())?;
    let mut docs = docs;
    for (d, _) in &mut docs {
        for c in &mut d.claims {
            ascribe_app::docs::overlay_kb(&kb, &mut c.claim);
        }
    }
    // Group and store.
    let mut filed: BTreeMap<String, String> = BTreeMap::new(); // claim id -> incident
    if !args.no_store {
        let store = db.open()?;
        let opts = ascribe_app::docs::FileOptions {
            incident: args.incident.as_deref(),
            window_days: args.window_days,
        };
        let done = ascribe_app::docs::file_claims(&store, db.clock(), &docs, &opts, &kb)?;
        for line in &done.lines {
            eprintln!("{line}");
        }
        filed = done.incidents;
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        OutFormat::Json => {
            for (d, _) in &docs {
                for c in &d.claims {
                    let inc = filed.get(&c.claim.id).map(String::as_str);
                    serde_json::to_writer(&mut out, &claim_line(d, c, inc))?;
                    writeln!(out)?;
                }
            }
        }
        OutFormat::Table => {
            for (d, _) in &docs {
                writeln!(
                    out,
                    "{}  published {}  {} claim(s)",
                    d.name,
                    d.published.as_deref().unwrap_or("unknown"),
                    d.claims.len()
                )?;
                for c in &d.claims {
                    write_claim_row(
                        &mut out,
                        &c.claim,
                        c.reporter.as_deref(),
                        filed.get(&c.claim.id).map(String::as_str),
                    )?;
                }
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    if skipped && args.warnings_as_errors {
        return Ok(exit::warnings());
    }
    Ok(exit::ok())
}

fn claim_line<'a>(
    d: &'a Document,
    c: &'a ExtractedClaim,
    incident: Option<&'a str>,
) -> ClaimLine<'a> {
    let cl = &c.claim;
    ClaimLine {
        doc: &d.name,
        published: d.published.as_deref(),
        incident,
        id: &cl.id,
        kind: cl.kind.map(ClaimKind::as_str),
        speaker: cl.speaker.as_deref(),
        speaker_org: cl.speaker_org.as_deref(),
        speaker_country: cl.speaker_country.as_deref(),
        reporter: c.reporter.as_deref(),
        target: cl.target.as_deref(),
        target_canonical: cl.target_canonical.as_deref(),
        target_state: cl.target_state.as_deref(),
        operation: cl.operation.as_deref(),
        confidence_phrase: cl.confidence_phrase.as_deref(),
        probability: cl.probability.map(|b| [b.low, b.high]),
        phia: c.phia.map(|p| p.as_str()),
        icd203: c.icd203.map(|p| p.as_str()),
        quote: cl.quote.as_deref(),
        start: cl.start,
        end: cl.end,
    }
}

fn write_claim_row(
    out: &mut impl Write,
    c: &Claim,
    reporter: Option<&str>,
    incident: Option<&str>,
) -> std::io::Result<()> {
    let who = match (&c.speaker, &c.speaker_org) {
        (Some(p), Some(o)) => format!("{p} ({o})"),
        (Some(p), None) => p.clone(),
        (None, Some(o)) => o.clone(),
        (None, None) => "(the document)".to_owned(),
    };
    let country = c
        .speaker_country
        .as_deref()
        .map(|x| format!(", {x}"))
        .unwrap_or_default();
    let target = match (&c.target, &c.target_canonical) {
        (Some(t), Some(k)) if t != k => format!("{t} -> {k}"),
        (_, Some(k)) => k.clone(),
        (Some(t), None) => format!("{t} -> ?"),
        (None, None) => "?".to_owned(),
    };
    let state = match (&c.target_state, &c.target_canonical) {
        (Some(s), Some(k)) if s != k => format!(" [{s}]"),
        _ => String::new(),
    };
    writeln!(
        out,
        "  {:<21} {who}{country}",
        c.kind.map(ClaimKind::as_str).unwrap_or("-"),
    )?;
    writeln!(out, "      accused: {target}{state}")?;
    if let Some(op) = &c.operation {
        writeln!(out, "      operation: {op}")?;
    }
    if let Some(p) = &c.confidence_phrase {
        let band = c
            .probability
            .map(|b| format!(" ({:.0}-{:.0} %)", b.low * 100.0, b.high * 100.0))
            .unwrap_or_default();
        writeln!(out, "      confidence: \"{p}\"{band}")?;
    }
    if let Some(r) = reporter {
        writeln!(out, "      reported by: {r}")?;
    }
    if let Some(q) = &c.quote {
        let short: String = q.chars().take(150).collect();
        let more = if q.chars().count() > 150 { "..." } else { "" };
        writeln!(
            out,
            "      quote [{}..{}]: \"{short}{more}\"",
            c.start.unwrap_or(0),
            c.end.unwrap_or(0)
        )?;
    }
    if let Some(i) = incident {
        writeln!(out, "      incident: {i}")?;
    }
    Ok(())
}

/// The knowledge base in use: the latest import in the database (and
/// `true`), else the built-in one.
fn load_kb(db: &Db, no_store: bool) -> anyhow::Result<(KnowledgeBase, bool)> {
    if !no_store || db.exists() {
        let store = db.open()?;
        return Ok(ascribe_app::kb::in_use(Some(&store))?);
    }
    Ok(ascribe_app::kb::in_use(None)?)
}

/// The document names a split file lists under `part`.
fn split_names(path: &Path, part: &str) -> anyhow::Result<BTreeSet<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not a TOML file", path.display()))?;
    let Some(list) = table.get(part) else {
        let lists: Vec<&str> = table
            .iter()
            .filter(|(_, v)| v.is_array())
            .map(|(k, _)| k.as_str())
            .collect();
        bail!(
            "{}: no list `{part}` (it has: {})",
            path.display(),
            lists.join(", ")
        );
    };
    let Some(items) = list.as_array() else {
        bail!("{}: `{part}` is not a list of names", path.display());
    };
    items
        .iter()
        .map(|v| {
            v.as_str().map(str::to_owned).with_context(|| {
                format!(
                    "{}: `{part}` holds {v}, expected a document name",
                    path.display()
                )
            })
        })
        .collect()
}

/// A document name without folder and extension ("dA01" for "docs/dA01.txt").
fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.split_once('.').map_or(base, |(s, _)| s)
}

/// The file for gold entry `doc` of the gold file in `dir`: among `given` by
/// file name (preferring one under `dir` when several match), else beside the
/// gold file.
fn locate_doc(doc: &str, dir: &Path, given: &[String], gold: &Path) -> anyhow::Result<String> {
    let matching: Vec<&String> = given
        .iter()
        .filter(|f| {
            let p = Path::new(f.as_str());
            p.ends_with(doc)
        })
        .collect();
    match matching.as_slice() {
        [one] => return Ok((*one).clone()),
        [] => {}
        many => {
            let under: Vec<&&String> = many
                .iter()
                .filter(|f| Path::new(f.as_str()).starts_with(dir))
                .collect();
            if let [one] = under.as_slice() {
                return Ok((**one).clone());
            }
            bail!(
                "{}: document {doc} matches several given files ({}); give --docs one folder",
                gold.display(),
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    for cand in [dir.join(doc), dir.join("docs").join(doc)] {
        if cand.is_file() {
            return Ok(cand.display().to_string());
        }
    }
    bail!(
        "{}: document {doc} not found among --docs nor in {} or {}",
        gold.display(),
        dir.display(),
        dir.join("docs").display()
    )
}

fn print_prf(
    out: &mut impl Write,
    label: &str,
    p: &ascribe_extract::eval::Prf,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "  {label:<22} precision {:.2}  recall {:.2}  F1 {:.2}  (tp {}, fp {}, fn {})",
        p.precision, p.recall, p.f1, p.tp, p.fp, p.fn_
    )?;
    Ok(())
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    // Positional paths that are not JSON files are documents.
    let (gold_paths, mut doc_paths): (Vec<String>, Vec<String>) =
        args.gold.iter().cloned().partition(|p| {
            Path::new(p).extension().is_some_and(|e| e == "json") && Path::new(p).is_file()
        });
    if gold_paths.is_empty() {
        bail!("no gold file given (a .json file in the format of shared/seeds/gold.json)");
    }
    doc_paths.extend(args.docs.iter().cloned());
    let given = if doc_paths.is_empty() {
        Vec::new()
    } else {
        expand(&doc_paths)?
    };
    let only = match (&args.split, &args.part) {
        (Some(f), Some(part)) => Some(split_names(f, part)?),
        _ => None,
    };
    let mut total = ascribe_extract::eval::Report::default();
    let mut per_file = Vec::new();
    let (mut n_docs, mut n_gold) = (0usize, 0usize);
    for gp in &gold_paths {
        let gold_path = Path::new(gp);
        let text = crate::diag::read_text(gold_path)?;
        let mut gold: Vec<ascribe_extract::eval::GoldDoc> = serde_json::from_str(&text)
            .with_context(|| {
                format!(
                    "{}: not a gold file (a JSON array of documents)",
                    gold_path.display()
                )
            })?;
        if let Some(only) = &only {
            gold.retain(|g| only.contains(stem(&g.doc)));
        }
        let dir = gold_path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut predicted = BTreeMap::new();
        for g in &mut gold {
            let file = locate_doc(&g.doc, dir, &given, gold_path)?;
            let (docs, _) = read_docs(std::slice::from_ref(&file), 64 * 1024 * 1024, None)?;
            let Some((d, _)) = docs.into_iter().next() else {
                bail!("{file}: skipped (binary or too large), but {gp} scores it");
            };
            // Key by the file read, so that gold files may share document names.
            g.doc = file.clone();
            predicted.insert(file, (d.published.clone(), d.claims));
        }
        n_docs += gold.len();
        n_gold += gold.iter().map(|g| g.claims.len()).sum::<usize>();
        let rep = ascribe_extract::eval::score(&gold, &predicted);
        total.merge(&rep);
        per_file.push((gp.clone(), gold.len(), rep.overall));
    }
    let rep = total;
    let mut out = std::io::stdout().lock();
    if args.format == OutFormat::Json {
        serde_json::to_writer_pretty(&mut out, &rep)?;
        writeln!(out)?;
        return Ok(exit::ok());
    }
    let o = rep.overall;
    writeln!(
        out,
        "documents: {n_docs}  gold claims: {n_gold}  predicted: {}",
        o.tp + o.fp
    )?;
    writeln!(
        out,
        "claims (kind + target + speaker): precision {:.2}  recall {:.2}  F1 {:.2}  (tp {}, fp {}, fn {})",
        o.precision, o.recall, o.f1, o.tp, o.fp, o.fn_
    )?;
    if per_file.len() > 1 {
        writeln!(out, "per gold file:")?;
        for (name, n, p) in &per_file {
            print_prf(&mut out, &format!("{name} ({n} docs)"), p)?;
        }
    }
    writeln!(out, "per kind (background claims optional):")?;
    for (k, p) in &rep.by_kind {
        print_prf(&mut out, k, p)?;
    }
    writeln!(
        out,
        "recall on main claims: {:.2} ({}/{})",
        rep.main_recall, rep.main_found, rep.main_total
    )?;
    writeln!(
        out,
        "confidence phrase right where the gold has one: {}/{}",
        rep.confidence_right, rep.confidence_total
    )?;
    writeln!(
        out,
        "publication date right: {}/{}",
        rep.published_right, rep.published_total
    )?;
    writeln!(
        out,
        "fields on matched claims (accuracy; quote = overlaps the gold evidence):"
    )?;
    for (k, f) in &rep.fields {
        writeln!(
            out,
            "  {k:<18} {:.2}  ({}/{})",
            f.precision,
            f.tp,
            f.tp + f.fp
        )?;
    }
    if !rep.errors.is_empty() {
        writeln!(
            out,
            "where the errors are (an extra claim paired with a missed one when one field differs):"
        )?;
        for (why, n) in &rep.errors {
            writeln!(out, "  {why:<30} {n}")?;
        }
    }
    if args.verbose {
        for m in &rep.misses {
            writeln!(out, "  {m}")?;
        }
    } else if !rep.misses.is_empty() {
        writeln!(
            out,
            "{} missed or extra claim(s); --verbose lists them",
            rep.misses.len()
        )?;
    }
    Ok(exit::ok())
}

pub(crate) fn run_claims(args: ClaimsArgs, db: &Db) -> anyhow::Result<ExitCode> {
    let store = db.open()?;
    let rows = store.query_claims(&ClaimFilter {
        incident: args.incident.clone(),
        speaker: args.speaker.clone(),
        target: args.target.clone(),
    })?;
    if let Some(i) = &args.incident {
        if !store.has_incident(i)? {
            bail!("no incident {i:?} in {db}");
        }
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        OutFormat::Json => {
            for (inc, c) in &rows {
                let mut v = serde_json::to_value(c)?;
                if let Some(m) = v.as_object_mut() {
                    m.insert("incident".into(), serde_json::Value::String(inc.clone()));
                    if let Some(b) = c.probability {
                        m.insert("probability".into(), serde_json::json!([b.low, b.high]));
                    }
                }
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            }
        }
        OutFormat::Table => {
            let mut last = String::new();
            for (inc, c) in &rows {
                if *inc != last {
                    writeln!(out, "incident {inc}")?;
                    last.clone_from(inc);
                }
                write_claim_row(&mut out, c, None, None)?;
                if let Some(d) = &c.doc {
                    writeln!(out, "      from: {d}")?;
                }
            }
            if rows.is_empty() {
                eprintln!("no claims match");
            }
        }
    }
    out.flush()?;
    Ok(exit::ok())
}

pub(crate) fn run_kb(cmd: KbCommand, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        KbCommand::Import { file } => {
            let text = crate::diag::read_text(&file)?;
            let mut store = db.open()?;
            let groups = ascribe_app::kb::import(
                &mut store,
                db.clock(),
                &file.display().to_string(),
                &text,
            )?;
            println!(
                "imported {groups} threat groups from {}; later `docs ingest` runs resolve targets through them",
                file.display()
            );
            Ok(exit::ok())
        }
        KbCommand::Show { name } => {
            let (kb, _) = load_kb(db, true)?;
            let found = kb.resolve_actor_all(&name);
            if found.is_empty() {
                eprintln!("{name:?}: not in the knowledge base");
                return Ok(exit::warnings());
            }
            let mut out = std::io::stdout().lock();
            for a in found {
                let kind = match a.kind {
                    ascribe_model::ActorKind::Group => "group",
                    ascribe_model::ActorKind::Agency => "agency",
                    ascribe_model::ActorKind::State => "state",
                };
                writeln!(out, "{} ({kind})", a.name)?;
                if !a.sponsors.is_empty() {
                    writeln!(out, "  suspected sponsor(s): {}", a.sponsors.join(", "))?;
                }
                for (s, src) in kb.sponsor_sources(a) {
                    writeln!(out, "    {s}  per {src}")?;
                }
                let aliases: Vec<&str> = a.aliases.iter().take(20).map(String::as_str).collect();
                if !aliases.is_empty() {
                    writeln!(out, "  aliases: {}", aliases.join(", "))?;
                }
            }
            Ok(exit::ok())
        }
    }
}
