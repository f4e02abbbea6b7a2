//! Bulk exports of the read models: JSON Lines (one record per line, the API's shape) and
//! CSV (flat tables for spreadsheets). The same writers serve `mieru export` and the
//! downloads under `/api/v1/exports/`; `mieru import` reads the JSON Lines back.

use crate::store::{self, read_models, DbConnection, DbPool, StoreError};
use mieru_web::model::{ActionDetail, FacilityDetail};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files `mieru export --format jsonl` writes, in the order `mieru import` reads them.
pub const JSONL_FILES: [&str; 5] = [
    "entities.jsonl",
    "facilities.jsonl",
    "organizations.jsonl",
    "actions.jsonl",
    "plans.jsonl",
];

pub const CSV_FILES: [&str; 2] = ["facilities.csv", "actions.csv"];

/// One line of `entities.jsonl`: every mieru ID ever published, including merged ones, so
/// that redirects survive an export and import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityLine {
    pub id: String,
    /// `facility`, `cpc`, `organization`, `action`, `plan`.
    pub kind: String,
    pub name: String,
    pub prefecture: Option<String>,
    pub status: String,
    /// Set when the ID was merged into another: the ID to redirect to.
    pub merged_into: Option<String>,
}

/// Why an export file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn csv_err(e: csv::Error) -> ExportError {
    ExportError::Io(std::io::Error::other(e))
}

fn corrupt(e: serde_json::Error) -> ExportError {
    ExportError::Store(StoreError::Corrupt(e.to_string()))
}

/// The MIME type of an export file by its name.
pub fn content_type(name: &str) -> &'static str {
    if name.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/x-ndjson; charset=utf-8"
    }
}

/// Writes the export file `name` to `w`; `None` when no such export exists, else the number
/// of records written.
pub fn write_file<W: Write>(
    conn: &mut DbConnection,
    name: &str,
    w: W,
) -> Result<Option<usize>, ExportError> {
    Ok(Some(match name {
        "entities.jsonl" => entities_jsonl(conn, w)?,
        "facilities.jsonl" => views_jsonl(conn, false, w)?,
        "organizations.jsonl" => views_jsonl(conn, true, w)?,
        "actions.jsonl" => {
            let rows = read_models::all_actions(conn)?;
            lines(w, rows.iter().map(|r| r.detail.as_str()))?
        }
        "plans.jsonl" => {
            let rows = read_models::all_plans(conn)?;
            lines(w, rows.iter().map(|r| r.detail.as_str()))?
        }
        "facilities.csv" => facilities_csv(conn, w)?,
        "actions.csv" => actions_csv(conn, w)?,
        _ => return Ok(None),
    }))
}

fn lines<'a, W: Write>(
    mut w: W,
    records: impl Iterator<Item = &'a str>,
) -> Result<usize, ExportError> {
    let mut n = 0;
    for r in records {
        writeln!(w, "{r}")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

fn entities_jsonl<W: Write>(conn: &mut DbConnection, mut w: W) -> Result<usize, ExportError> {
    let rows = store::entities::all(conn)?;
    for e in &rows {
        let line = EntityLine {
            id: e.id.clone(),
            kind: e.kind.clone(),
            name: e.name.clone(),
            prefecture: e.prefecture.clone(),
            status: e.status.clone(),
            merged_into: e.merged_into.clone(),
        };
        writeln!(w, "{}", serde_json::to_string(&line).map_err(corrupt)?)?;
    }
    w.flush()?;
    Ok(rows.len())
}

fn views_jsonl<W: Write>(
    conn: &mut DbConnection,
    organizations: bool,
    w: W,
) -> Result<usize, ExportError> {
    let views = read_models::all_views(conn)?;
    lines(
        w,
        views
            .iter()
            .filter(|v| (v.kind == "organization") == organizations)
            .map(|v| v.detail.as_str()),
    )
}

fn facilities_csv<W: Write>(conn: &mut DbConnection, w: W) -> Result<usize, ExportError> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "id",
        "kind",
        "name",
        "former_names",
        "prefecture",
        "address",
        "status",
        "operators",
        "action_count",
    ])
    .map_err(csv_err)?;
    let mut n = 0;
    for v in read_models::all_views(conn)?
        .into_iter()
        .filter(|v| v.kind != "organization")
    {
        let d: FacilityDetail = serde_json::from_str(&v.detail).map_err(corrupt)?;
        let former: Vec<&str> = d
            .names
            .iter()
            .filter(|x| !x.current)
            .map(|x| x.value.as_str())
            .collect();
        let address = d
            .addresses
            .iter()
            .find(|a| a.current)
            .or(d.addresses.last())
            .map(|a| a.value.clone());
        let operators: Vec<&str> = d.operators.iter().map(|o| o.name.as_str()).collect();
        w.write_record([
            d.id.as_str(),
            d.kind.as_str(),
            d.name.as_str(),
            &former.join(" | "),
            d.prefecture.as_deref().unwrap_or(""),
            address.as_deref().unwrap_or(""),
            d.status.as_str(),
            &operators.join(" | "),
            &d.actions.len().to_string(),
        ])
        .map_err(csv_err)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

fn actions_csv<W: Write>(conn: &mut DbConnection, w: W) -> Result<usize, ExportError> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "id",
        "action_type",
        "issued_on",
        "authority",
        "articles",
        "targets",
        "findings",
        "sources",
    ])
    .map_err(csv_err)?;
    let actions = read_models::all_actions(conn)?;
    for a in &actions {
        let d: ActionDetail = serde_json::from_str(&a.detail).map_err(corrupt)?;
        let s = &d.summary;
        w.write_record([
            s.id.as_str(),
            s.action_type.as_str(),
            &s.issued_on.map(|x| x.to_string()).unwrap_or_default(),
            s.authority.as_deref().unwrap_or(""),
            &s.articles.join(" | "),
            &s.targets
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
            &d.findings.join(" | "),
            &d.sources
                .iter()
                .map(|x| x.sha256.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
        ])
        .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(actions.len())
}

fn write_all(
    pool: &DbPool,
    dir: &Path,
    names: &[&str],
) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    let mut conn = pool.get().map_err(StoreError::from)?;
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for name in names {
        let path = dir.join(name);
        let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let n = write_file(&mut conn, name, file)?.unwrap_or(0);
        out.push((path, n));
    }
    Ok(out)
}

/// Writes `entities.jsonl`, `facilities.jsonl`, `organizations.jsonl`, `actions.jsonl`,
/// `plans.jsonl`.
pub fn jsonl(pool: &DbPool, dir: &Path) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    write_all(pool, dir, &JSONL_FILES)
}

/// Writes `facilities.csv` and `actions.csv`.
pub fn csv(pool: &DbPool, dir: &Path) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    write_all(pool, dir, &CSV_FILES)
}
