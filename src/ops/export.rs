//! Bulk exports of the read models: JSON Lines (one record per line, the API's shape) and
//! CSV (flat tables for spreadsheets). The same writers serve `mieru export` and the
//! downloads under `/api/v1/exports/`; `mieru import` reads the JSON Lines back.
//! The JSON Lines are the public model (a published format): stored records are decoded from
//! their storage format (`pipeline::project::stored`) and written as the API writes them.

use crate::pipeline::project::stored::{self, StoredRecordError};
use crate::store::models::EntityRow;
use crate::store::{self, read_models, DbConnection, DbPool, StoreError};
use chrono::NaiveDateTime;
use mieru_web::model::{ActionDetail, FacilityDetail, OrganizationDetail, PlanDetail};
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

impl EntityLine {
    pub fn of(row: &EntityRow) -> Self {
        Self {
            id: row.id.clone(),
            kind: row.kind.clone(),
            name: row.name.clone(),
            prefecture: row.prefecture.clone(),
            status: row.status.clone(),
            merged_into: row.merged_into.clone(),
        }
    }

    /// The stored row of an imported line, created and updated `now`.
    pub fn into_row(self, now: NaiveDateTime) -> EntityRow {
        EntityRow {
            id: self.id,
            kind: self.kind,
            name: self.name,
            prefecture: self.prefecture,
            status: self.status,
            merged_into: self.merged_into,
            created_at: now,
            updated_at: now,
        }
    }
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

fn unreadable(e: StoredRecordError) -> ExportError {
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
            lines::<ActionDetail, _>(w, rows.iter().map(|r| r.detail.as_str()))?
        }
        "plans.jsonl" => {
            let rows = read_models::all_plans(conn)?;
            lines::<PlanDetail, _>(w, rows.iter().map(|r| r.detail.as_str()))?
        }
        "facilities.csv" => facilities_csv(conn, w)?,
        "actions.csv" => actions_csv(conn, w)?,
        _ => return Ok(None),
    }))
}

/// One public JSON record per line, from the stored records `details`.
fn lines<'a, R: stored::Record + Serialize, W: Write>(
    mut w: W,
    details: impl Iterator<Item = &'a str>,
) -> Result<usize, ExportError> {
    let mut n = 0;
    for detail in details {
        let record: R = stored::decode(detail).map_err(unreadable)?;
        writeln!(w, "{}", serde_json::to_string(&record).map_err(corrupt)?)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

fn entities_jsonl<W: Write>(conn: &mut DbConnection, mut w: W) -> Result<usize, ExportError> {
    let rows = store::entities::all(conn)?;
    for e in &rows {
        let line = EntityLine::of(e);
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
    let details = views
        .iter()
        .filter(|v| (v.kind == "organization") == organizations)
        .map(|v| v.detail.as_str());
    if organizations {
        lines::<OrganizationDetail, _>(w, details)
    } else {
        lines::<FacilityDetail, _>(w, details)
    }
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
        let d = stored::decode_facility(&v.detail).map_err(unreadable)?;
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
        let d = stored::decode_action(&a.detail).map_err(unreadable)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::models::EntityViewRow;
    use crate::store::read_models::{replace_all, Projection};
    use chrono::TimeZone;

    fn facility() -> FacilityDetail {
        FacilityDetail {
            id: "F000001".into(),
            kind: "facility".into(),
            name: "みえるクリニック".into(),
            names: Vec::new(),
            addresses: Vec::new(),
            prefecture: Some("東京都".into()),
            facility_numbers: Vec::new(),
            status: "open".into(),
            operators: Vec::new(),
            managers: Vec::new(),
            plans: Vec::new(),
            actions: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            sources: vec![mieru_web::model::SourceRef {
                source: "kouseikyoku".into(),
                url: "https://kouseikyoku.mhlw.go.jp/x.pdf".into(),
                sha256: "ab".repeat(32),
                fetched_at: chrono::Utc.with_ymd_and_hms(2024, 6, 1, 9, 0, 0).unwrap(),
            }],
            citation: None,
        }
    }

    fn store_views(dir: &Path, detail: String) -> DbPool {
        let pool = store::connect(&dir.join("t.db").to_string_lossy(), 2).unwrap();
        let projection = Projection {
            views: vec![EntityViewRow {
                entity_id: "F000001".into(),
                kind: "facility".into(),
                detail,
                updated_at: store::now(),
            }],
            actions: Vec::new(),
            plans: Vec::new(),
            events: Vec::new(),
        };
        let mut conn = pool.get().unwrap();
        replace_all(&mut conn, &projection, "test", 0, store::now()).unwrap();
        pool
    }

    /// The export is the public model's JSON, whatever the storage format.
    #[test]
    fn jsonl_is_the_public_model() {
        let dir = tempfile::tempdir().unwrap();
        let pool = store_views(dir.path(), stored::encode_facility(&facility()));
        let mut out = Vec::new();
        let n = write_file(&mut pool.get().unwrap(), "facilities.jsonl", &mut out).unwrap();
        assert_eq!(n, Some(1));
        let expected = serde_json::to_string(&facility()).unwrap() + "\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    /// A record in the public model's JSON (as builds before the stored format wrote it) is
    /// an error that says what to do, not an empty or partial export.
    #[test]
    fn a_legacy_record_fails_the_export() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = serde_json::to_string(&facility()).unwrap();
        let pool = store_views(dir.path(), legacy);
        for name in ["facilities.jsonl", "facilities.csv"] {
            let err = write_file(&mut pool.get().unwrap(), name, Vec::new()).unwrap_err();
            assert!(err.to_string().contains("mieru resolve"), "{name}: {err}");
        }
    }
}
