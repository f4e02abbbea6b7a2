//! Bulk exports of the read models: JSON Lines (one record per line, the API's shape) and
//! CSV (flat tables for spreadsheets).

use crate::app::{AppError, Mieru};
use crate::store::{read_models, StoreError};
use mieru_web::model::{ActionDetail, FacilityDetail};
use std::io::Write;
use std::path::{Path, PathBuf};

fn create(
    dir: &Path,
    name: &str,
) -> Result<(PathBuf, std::io::BufWriter<std::fs::File>), AppError> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let file = std::fs::File::create(&path)?;
    Ok((path, std::io::BufWriter::new(file)))
}

/// Writes `facilities.jsonl`, `organizations.jsonl`, `actions.jsonl`, `plans.jsonl`.
pub fn jsonl(app: &Mieru, dir: &Path) -> Result<Vec<(PathBuf, usize)>, AppError> {
    let mut conn = app.pool.get().map_err(StoreError::from)?;
    let views = read_models::all_views(&mut conn)?;
    let mut out = Vec::new();
    for (name, want_org) in [("facilities.jsonl", false), ("organizations.jsonl", true)] {
        let (path, mut w) = create(dir, name)?;
        let mut n = 0;
        for v in views
            .iter()
            .filter(|v| (v.kind == "organization") == want_org)
        {
            writeln!(w, "{}", v.detail)?;
            n += 1;
        }
        w.flush()?;
        out.push((path, n));
    }
    let (path, mut w) = create(dir, "actions.jsonl")?;
    let actions = read_models::all_actions(&mut conn)?;
    for a in &actions {
        writeln!(w, "{}", a.detail)?;
    }
    w.flush()?;
    out.push((path, actions.len()));
    let (path, mut w) = create(dir, "plans.jsonl")?;
    let plans = read_models::all_plans(&mut conn)?;
    for p in &plans {
        writeln!(w, "{}", p.detail)?;
    }
    w.flush()?;
    out.push((path, plans.len()));
    Ok(out)
}

fn csv_err(e: csv::Error) -> AppError {
    AppError::Io(std::io::Error::other(e))
}

/// Writes `facilities.csv` and `actions.csv`.
pub fn csv(app: &Mieru, dir: &Path) -> Result<Vec<(PathBuf, usize)>, AppError> {
    let mut conn = app.pool.get().map_err(StoreError::from)?;
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();

    let path = dir.join("facilities.csv");
    let mut w = csv::Writer::from_path(&path).map_err(csv_err)?;
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
    for v in read_models::all_views(&mut conn)?
        .into_iter()
        .filter(|v| v.kind != "organization")
    {
        let d: FacilityDetail =
            serde_json::from_str(&v.detail).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
    out.push((path, n));

    let path = dir.join("actions.csv");
    let mut w = csv::Writer::from_path(&path).map_err(csv_err)?;
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
    let actions = read_models::all_actions(&mut conn)?;
    for a in &actions {
        let d: ActionDetail =
            serde_json::from_str(&a.detail).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
    out.push((path, actions.len()));
    Ok(out)
}
