//! Search index documents, one per facility, CPC, organization, action and plan, made from
//! the same detail records the pages show — so the index can also be rebuilt from the stored
//! read models without re-resolving (`mieru index`).

use crate::search::IndexDoc;
use chrono::Datelike;
use mieru_web::model::{
    ActionDetail, ActionSummary, DatedValue, FacilityDetail, OrganizationDetail, PlanDetail,
};

/// Values with the current one first: a search hit shows the first address.
fn former_names(names: &[DatedValue]) -> Vec<String> {
    names
        .iter()
        .filter(|n| !n.current)
        .map(|n| n.value.clone())
        .collect()
}

/// How many actions a record has, their types and their years: the search facets.
fn action_facets(actions: &[ActionSummary]) -> (u32, Vec<String>, Vec<i32>) {
    (
        u32::try_from(actions.len()).unwrap_or(u32::MAX),
        actions.iter().map(|a| a.action_type.clone()).collect(),
        actions
            .iter()
            .filter_map(|a| a.issued_on.map(|x| x.year()))
            .collect(),
    )
}

fn current_first(values: &[DatedValue]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .filter(|v| v.current)
        .map(|v| v.value.clone())
        .collect();
    out.extend(
        values
            .iter()
            .rev()
            .filter(|v| !v.current)
            .map(|v| v.value.clone()),
    );
    out
}

pub fn facility(d: &FacilityDetail) -> IndexDoc {
    let (action_count, action_types, years) = action_facets(&d.actions);
    let mut ids = d.facility_numbers.clone();
    ids.extend(d.plans.iter().map(|p| p.number.clone()));
    IndexDoc {
        id: d.id.clone(),
        entity: d.kind.clone(),
        name: d.name.clone(),
        former_names: former_names(&d.names),
        addresses: current_first(&d.addresses),
        prefecture: d.prefecture.clone(),
        identifiers: ids,
        related_names: d.operators.iter().map(|o| o.name.clone()).collect(),
        text: d.plans.iter().filter_map(|p| p.title.clone()).collect(),
        action_count,
        action_types,
        years,
    }
}

pub fn organization(d: &OrganizationDetail) -> IndexDoc {
    let (action_count, action_types, years) = action_facets(&d.actions);
    IndexDoc {
        id: d.id.clone(),
        entity: "organization".into(),
        name: d.name.clone(),
        former_names: former_names(&d.names),
        addresses: current_first(&d.addresses),
        prefecture: d.addresses.iter().find_map(|a| {
            mieru_text::address::split_prefecture(&a.value)
                .0
                .map(str::to_owned)
        }),
        identifiers: d.corporate_number.iter().cloned().collect(),
        related_names: d.facilities.iter().map(|f| f.name.clone()).collect(),
        text: Vec::new(),
        action_count,
        action_types,
        years,
    }
}

pub fn action(d: &ActionDetail) -> IndexDoc {
    let s = &d.summary;
    IndexDoc {
        id: s.id.clone(),
        entity: "action".into(),
        name: s.headline.clone().unwrap_or_else(|| {
            s.targets
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
                .join("・")
        }),
        former_names: Vec::new(),
        addresses: Vec::new(),
        prefecture: None,
        identifiers: d
            .plans
            .iter()
            .map(|p| p.id.clone())
            .filter(|p| !p.is_empty())
            .collect(),
        related_names: s.targets.iter().map(|t| t.name.clone()).collect(),
        text: d
            .findings
            .iter()
            .chain(d.measures.iter())
            .cloned()
            .collect(),
        action_count: 1,
        action_types: vec![s.action_type.clone()],
        years: s.issued_on.map(|d| vec![d.year()]).unwrap_or_default(),
    }
}

pub fn plan(d: &PlanDetail) -> IndexDoc {
    IndexDoc {
        id: d.summary.number.clone(),
        entity: "plan".into(),
        name: d
            .summary
            .title
            .clone()
            .unwrap_or_else(|| d.summary.number.clone()),
        former_names: Vec::new(),
        addresses: Vec::new(),
        prefecture: None,
        identifiers: vec![d.summary.number.clone()],
        related_names: d.provider.iter().map(|p| p.name.clone()).collect(),
        text: Vec::new(),
        action_count: u32::try_from(d.actions.len()).unwrap_or(u32::MAX),
        action_types: d.actions.iter().map(|a| a.action_type.clone()).collect(),
        years: d
            .summary
            .submitted_on
            .map(|x| vec![x.year()])
            .unwrap_or_default(),
    }
}

/// Every search document, made from the stored read models (what the index is rebuilt from).
pub fn from_store(
    conn: &mut crate::store::DbConnection,
) -> Result<Vec<IndexDoc>, crate::store::StoreError> {
    StoredDocs::new(conn).collect()
}

/// Rows read per page by [`StoredDocs`].
const STORED_PAGE: i64 = 2_000;

/// The search documents of the stored read models, read a page at a time: records, then
/// actions, then plans, each in key order. Memory stays one page, whatever the registry's size.
pub struct StoredDocs<'c> {
    conn: &'c mut crate::store::DbConnection,
    stage: Stage,
    after: String,
    page: std::vec::IntoIter<IndexDoc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Records,
    Actions,
    Plans,
    Done,
}

impl<'c> StoredDocs<'c> {
    pub fn new(conn: &'c mut crate::store::DbConnection) -> Self {
        Self {
            conn,
            stage: Stage::Records,
            after: String::new(),
            page: Vec::new().into_iter(),
        }
    }

    /// The next page of the current stage, with the key it ends at; empty when it is done.
    fn read_page(&mut self) -> Result<(Vec<IndexDoc>, Option<String>), crate::store::StoreError> {
        use super::stored;
        use crate::store::read_models;
        let bad = |e: stored::StoredRecordError| crate::store::StoreError::Corrupt(e.to_string());
        let conn = &mut *self.conn;
        let after = self.after.as_str();
        let mut docs = Vec::new();
        let last = match self.stage {
            Stage::Records => {
                let rows = read_models::views_after(conn, after, STORED_PAGE)?;
                for v in &rows {
                    docs.push(if v.kind == "organization" {
                        organization(&stored::decode_organization(&v.detail).map_err(bad)?)
                    } else {
                        facility(&stored::decode_facility(&v.detail).map_err(bad)?)
                    });
                }
                rows.last().map(|v| v.entity_id.clone())
            }
            Stage::Actions => {
                let rows = read_models::actions_after(conn, after, STORED_PAGE)?;
                for a in &rows {
                    docs.push(action(&stored::decode_action(&a.detail).map_err(bad)?));
                }
                rows.last().map(|a| a.id.clone())
            }
            Stage::Plans => {
                let rows = read_models::plans_after(conn, after, STORED_PAGE)?;
                for p in &rows {
                    docs.push(plan(&stored::decode_plan(&p.detail).map_err(bad)?));
                }
                rows.last().map(|p| p.plan_number.clone())
            }
            Stage::Done => None,
        };
        Ok((docs, last))
    }
}

impl Iterator for StoredDocs<'_> {
    type Item = Result<IndexDoc, crate::store::StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(doc) = self.page.next() {
                return Some(Ok(doc));
            }
            if self.stage == Stage::Done {
                return None;
            }
            match self.read_page() {
                Err(e) => {
                    self.stage = Stage::Done;
                    return Some(Err(e));
                }
                Ok((docs, Some(last))) => {
                    self.after = last;
                    self.page = docs.into_iter();
                }
                Ok((_, None)) => {
                    self.after.clear();
                    self.stage = match self.stage {
                        Stage::Records => Stage::Actions,
                        Stage::Actions => Stage::Plans,
                        Stage::Plans | Stage::Done => Stage::Done,
                    };
                }
            }
        }
    }
}
