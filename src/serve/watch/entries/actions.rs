//! New actions: one entry per action, first seen when its first statement was.

use super::{About, Draft};
use crate::pipeline::project::stored;
use crate::serve::watch::evidence::Evidence;
use crate::serve::watch::wording::{day, min_id};
use crate::store::models::FactRow;
use crate::store::{self, DbConnection, StoreError};
use mieru_web::model::{ActionSummary, EntityRef, SourceRef};
use mieru_web::watch::WatchEntry;

pub(super) fn new_actions(
    conn: &mut DbConnection,
    about: &About,
) -> Result<Vec<WatchEntry>, StoreError> {
    let action_ids: Vec<String> = about.w.actions.iter().map(|a| a.id.clone()).collect();
    // Evidence of the actions themselves: when each action was first stated.
    let action_ev = Evidence::load(conn, &action_ids)?;
    let mut out = Vec::new();
    for a in &about.w.actions {
        let facts: Vec<&FactRow> = action_ev.facts(&a.id).iter().collect();
        let Some(seen) = action_ev.first_seen(&a.id) else {
            continue;
        };
        let sources = action_sources(conn, &a.id)?;
        out.push(about.entry(Draft {
            key: format!(
                "{}/new_action/{}/{}.{}",
                about.id(),
                day(a.issued_on),
                a.id,
                min_id(&facts)
            ),
            kind: "new_action",
            date: a.issued_on,
            seen,
            title: title(about, a),
            summary: summary(a),
            link: Some(EntityRef {
                id: a.id.clone(),
                entity: "action".into(),
                name: a.headline.clone().unwrap_or_default(),
                role: None,
            }),
            evidence: sources,
        }));
    }
    Ok(out)
}

/// The sources the action's record cites (none if it has no read model). A record that does
/// not decode is an error: a feed entry must not silently lose its evidence.
fn action_sources(conn: &mut DbConnection, id: &str) -> Result<Vec<SourceRef>, StoreError> {
    match store::read_models::action(conn, id)? {
        Some(row) => stored::decode_action(&row.detail)
            .map(|d| d.sources)
            .map_err(|e| StoreError::Corrupt(e.to_string())),
        None => Ok(Vec::new()),
    }
}

fn title(about: &About, a: &ActionSummary) -> (String, String) {
    let kind_ja = crate::pipeline::project::entities::action_label_ja(&a.action_type);
    let kind_en = crate::pipeline::project::entities::action_label_en(&a.action_type);
    (
        format!("{}：{}（{}）", kind_ja, about.name(), day(a.issued_on)),
        format!("{}: {} ({})", kind_en, about.name(), day(a.issued_on)),
    )
}

fn summary(a: &ActionSummary) -> (String, String) {
    let kind_ja = crate::pipeline::project::entities::action_label_ja(&a.action_type);
    let kind_en = crate::pipeline::project::entities::action_label_en(&a.action_type);
    let authority = a.authority.clone().unwrap_or_default();
    (
        format!(
            "{}が{}に{}（{}）を出しました",
            if authority.is_empty() {
                "処分庁"
            } else {
                &authority
            },
            day(a.issued_on),
            kind_ja,
            a.articles.join("・")
        ),
        format!(
            "{} issued on {} by {} ({})",
            kind_en,
            day(a.issued_on),
            if authority.is_empty() {
                "the authority"
            } else {
                &authority
            },
            a.articles.join(", ")
        ),
    )
}
