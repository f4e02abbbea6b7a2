//! Bulk exports of the read models: JSON Lines (one record per line, the API's shape) and
//! CSV (flat tables for spreadsheets). The same writers serve `mieru export` and the
//! downloads under `/api/v1/exports/`; `mieru import` reads the JSON Lines back.
//! The JSON Lines are the public model (a published format): stored records are decoded from
//! their storage format (`pipeline::project::stored`) and written as the API writes them.

use crate::pipeline::project::stored::{self, StoredRecordError};
use crate::store::export_reads;
use crate::store::models::{ActionRow, EntityRow, EntityViewRow, PlanRow};
use crate::store::{DbConnection, DbPool, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
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

impl From<diesel::result::Error> for ExportError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Query(e))
    }
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

/// Rows read per query: with one output line per row, the most an export holds in memory.
const PAGE: i64 = 256;

/// Whether `name` is one of the export files ([`JSONL_FILES`], [`CSV_FILES`]).
pub fn is_export_file(name: &str) -> bool {
    JSONL_FILES.contains(&name) || CSV_FILES.contains(&name)
}

/// Writes the export file `name` to `w`, reading the database a page at a time; `None` when
/// no such export exists, else the number of records written. Call it inside
/// [`export_reads::in_snapshot`] so that every page comes from the same data.
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
            let mut w = w;
            let n = each_action(conn, |a| line::<ActionDetail, _>(&mut w, &a.detail))?;
            w.flush()?;
            n
        }
        "plans.jsonl" => {
            let mut w = w;
            let n = each_page_row(
                |after: Option<&String>| {
                    export_reads::plans_after(conn, after.map(String::as_str), PAGE)
                },
                |p: &PlanRow| p.plan_number.clone(),
                |p| line::<PlanDetail, _>(&mut w, &p.detail),
            )?;
            w.flush()?;
            n
        }
        "facilities.csv" => facilities_csv(conn, w)?,
        "actions.csv" => actions_csv(conn, w)?,
        _ => return Ok(None),
    }))
}

/// Calls `each` on every row of the keyset pages that `page(after)` reads, `after` being
/// the `key` of the previous page's last row; stops after a page shorter than [`PAGE`].
fn each_page_row<R, K>(
    mut page: impl FnMut(Option<&K>) -> Result<Vec<R>, StoreError>,
    key: impl Fn(&R) -> K,
    mut each: impl FnMut(&R) -> Result<(), ExportError>,
) -> Result<usize, ExportError> {
    let mut after: Option<K> = None;
    let mut n = 0;
    loop {
        let rows = page(after.as_ref())?;
        for row in &rows {
            each(row)?;
            n += 1;
        }
        match rows.last() {
            Some(last) if i64::try_from(rows.len()).is_ok_and(|len| len == PAGE) => {
                after = Some(key(last));
            }
            _ => return Ok(n),
        }
    }
}

/// Every organization view (`organizations`), or every facility and CPC view, in ID order.
fn each_view(
    conn: &mut DbConnection,
    organizations: bool,
    each: impl FnMut(&EntityViewRow) -> Result<(), ExportError>,
) -> Result<usize, ExportError> {
    each_page_row(
        |after: Option<&String>| {
            export_reads::views_after(conn, organizations, after.map(String::as_str), PAGE)
        },
        |v: &EntityViewRow| v.entity_id.clone(),
        each,
    )
}

/// Every action, newest first; undated ones last.
fn each_action(
    conn: &mut DbConnection,
    mut each: impl FnMut(&ActionRow) -> Result<(), ExportError>,
) -> Result<usize, ExportError> {
    let dated = each_page_row(
        |after: Option<&(NaiveDate, String)>| {
            let after = after.map(|(date, id)| (*date, id.as_str()));
            export_reads::dated_actions_after(conn, after, PAGE)
        },
        // Dated rows only: the query filters out a missing date.
        |a: &ActionRow| (a.issued_on.unwrap_or_default(), a.id.clone()),
        &mut each,
    )?;
    let undated = each_page_row(
        |after: Option<&String>| {
            export_reads::undated_actions_after(conn, after.map(String::as_str), PAGE)
        },
        |a: &ActionRow| a.id.clone(),
        each,
    )?;
    Ok(dated + undated)
}

/// One public JSON record on its own line, from a stored record's `detail`.
fn line<R: stored::Record + Serialize, W: Write>(
    w: &mut W,
    detail: &str,
) -> Result<(), ExportError> {
    let record: R = stored::decode(detail).map_err(unreadable)?;
    serde_json::to_writer(&mut *w, &record).map_err(corrupt)?;
    w.write_all(b"\n")?;
    Ok(())
}

fn entities_jsonl<W: Write>(conn: &mut DbConnection, mut w: W) -> Result<usize, ExportError> {
    let n = each_page_row(
        |after: Option<&String>| {
            export_reads::entities_after(conn, after.map(String::as_str), PAGE)
        },
        |e: &EntityRow| e.id.clone(),
        |e| {
            serde_json::to_writer(&mut w, &EntityLine::of(e)).map_err(corrupt)?;
            w.write_all(b"\n")?;
            Ok(())
        },
    )?;
    w.flush()?;
    Ok(n)
}

fn views_jsonl<W: Write>(
    conn: &mut DbConnection,
    organizations: bool,
    mut w: W,
) -> Result<usize, ExportError> {
    let n = each_view(conn, organizations, |v| {
        if organizations {
            line::<OrganizationDetail, _>(&mut w, &v.detail)
        } else {
            line::<FacilityDetail, _>(&mut w, &v.detail)
        }
    })?;
    w.flush()?;
    Ok(n)
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
    let n = each_view(conn, false, |v| {
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
        .map_err(csv_err)
    })?;
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
    let n = each_action(conn, |a| {
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
        .map_err(csv_err)
    })?;
    w.flush()?;
    Ok(n)
}

/// Writes `names` into `dir`, all from one snapshot of the database.
fn write_all(
    pool: &DbPool,
    dir: &Path,
    names: &[&str],
) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    let mut conn = pool.get().map_err(StoreError::from)?;
    std::fs::create_dir_all(dir)?;
    export_reads::in_snapshot(&mut conn, |conn| {
        let mut out = Vec::new();
        for name in names {
            let path = dir.join(name);
            let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
            let n = write_file(conn, name, file)?.unwrap_or(0);
            out.push((path, n));
        }
        Ok(out)
    })
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
    use crate::store;
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
            activity: Default::default(),
            last_change: Default::default(),
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
