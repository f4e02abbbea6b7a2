//! `mieru import --format jsonl DIR`: restores the entities and read models of a JSON Lines
//! export into an empty database, so a published export can be served (or checked) without
//! re-crawling. Facts and archived documents are not part of an export, so an imported
//! registry answers every read but cannot be re-resolved. The records are read in the public
//! model, as exported, and stored in the read models' own format (`project::stored`).

use crate::ops::export::EntityLine;
use crate::pipeline::project::entities::view_row;
use crate::pipeline::project::{self, stored};
use crate::store::models::{ActionRow, EntityRow, PlanRow};
use crate::store::read_models::{self, Projection};
use crate::store::{self, DbPool, StoreError};
use mieru_web::model::{ActionDetail, FacilityDetail, OrganizationDetail, PlanDetail};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {message}")]
    Record {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("the database already holds resolved data; import needs an empty database")]
    NotEmpty,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import restored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub entities: usize,
    pub facilities: usize,
    pub organizations: usize,
    pub actions: usize,
    pub plans: usize,
    pub events: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} entities, {} facilities, {} organizations, {} actions, {} plans, {} events",
            self.entities,
            self.facilities,
            self.organizations,
            self.actions,
            self.plans,
            self.events
        )
    }
}

fn read_lines<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<Vec<T>, ImportError> {
    let path = dir.join(name);
    let file = std::fs::File::open(&path).map_err(|source| ImportError::Read {
        path: path.clone(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| ImportError::Read {
            path: path.clone(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line).map_err(|e| ImportError::Record {
            path: path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(record);
    }
    Ok(out)
}

fn encode<T: serde::Serialize>(v: &T) -> Result<String, ImportError> {
    serde_json::to_string(v).map_err(|e| ImportError::Store(StoreError::Corrupt(e.to_string())))
}

/// Reads the JSON Lines files of `dir` (as `mieru export --format jsonl` wrote them) and
/// stores them in one transaction. Refuses a database that already holds resolved data.
pub fn jsonl(pool: &DbPool, dir: &Path) -> Result<ImportReport, ImportError> {
    let entity_lines: Vec<EntityLine> = read_lines(dir, "entities.jsonl")?;
    let facilities: Vec<FacilityDetail> = read_lines(dir, "facilities.jsonl")?;
    let organizations: Vec<OrganizationDetail> = read_lines(dir, "organizations.jsonl")?;
    let actions: Vec<ActionDetail> = read_lines(dir, "actions.jsonl")?;
    let plans: Vec<PlanDetail> = read_lines(dir, "plans.jsonl")?;

    let mut conn = pool.get().map_err(StoreError::from)?;
    if !read_models::is_empty(&mut conn)? {
        return Err(ImportError::NotEmpty);
    }
    let now = store::now();
    let entity_rows: Vec<EntityRow> = entity_lines.into_iter().map(|e| e.into_row(now)).collect();
    let prefecture_of: HashMap<&str, &str> = entity_rows
        .iter()
        .filter_map(|e| e.prefecture.as_deref().map(|p| (e.id.as_str(), p)))
        .collect();

    let mut projection = Projection {
        views: Vec::new(),
        actions: Vec::new(),
        plans: Vec::new(),
        events: Vec::new(),
        activity: Default::default(),
        last_change: Default::default(),
    };
    for f in &facilities {
        projection
            .events
            .extend(project::events::rows(&f.id, &f.events));
        projection.views.push(view_row(&f.id, &f.kind, f, now));
    }
    for o in &organizations {
        projection
            .events
            .extend(project::events::rows(&o.id, &o.events));
        projection
            .views
            .push(view_row(&o.id, "organization", o, now));
    }
    for a in &actions {
        let s = &a.summary;
        // As the projection does: the prefecture of the first target that has one.
        let prefecture = s
            .targets
            .iter()
            .find_map(|t| prefecture_of.get(t.id.as_str()))
            .map(|p| (*p).to_owned());
        projection.actions.push(ActionRow {
            id: s.id.clone(),
            action_type: s.action_type.clone(),
            issued_on: s.issued_on,
            authority: s.authority.clone(),
            prefecture,
            status: s.status.clone(),
            articles: encode(&s.articles)?,
            detail: stored::encode_action(a),
            updated_at: now,
        });
    }
    for p in &plans {
        projection.plans.push(PlanRow {
            plan_number: p.summary.number.clone(),
            provider_id: p
                .provider
                .as_ref()
                .map(|r| r.id.clone())
                .filter(|id| !id.is_empty()),
            title: p.summary.title.clone(),
            risk_class: p.summary.risk_class.clone(),
            status: p.summary.status.clone(),
            detail: stored::encode_plan(p),
            updated_at: now,
        });
    }
    let report = ImportReport {
        entities: entity_rows.len(),
        facilities: facilities.len(),
        organizations: organizations.len(),
        actions: actions.len(),
        plans: plans.len(),
        events: projection.events.len(),
    };
    read_models::import_all(&mut conn, &entity_rows, &projection, 0, now)?;
    Ok(report)
}
