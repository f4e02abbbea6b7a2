//! Source documents: edits that changed what they state about this entity, and removals.
//! Only the entity's own facts count, so an edit of another row of a list is not news here.

use super::{About, Draft};
use crate::serve::watch::evidence::Evidence;
use crate::serve::watch::wording::{property_ja, shown};
use crate::store::models::{DocumentRow, FactRow, SnapshotRow};
use chrono::NaiveDateTime;
use mieru_web::watch::WatchEntry;
use std::collections::BTreeMap;

pub(super) fn document_changes(about: &About, ev: &Evidence) -> Vec<WatchEntry> {
    let mut by_doc: BTreeMap<i64, Vec<&FactRow>> = BTreeMap::new();
    for f in ev.facts(about.id()) {
        by_doc.entry(f.document_id).or_default().push(f);
    }
    let mut out = Vec::new();
    for (doc_id, doc_facts) in &by_doc {
        let Some(doc) = ev.documents.get(doc_id) else {
            continue;
        };
        let snaps: Vec<&SnapshotRow> = ev
            .snapshots
            .iter()
            .filter(|s| s.document_id == *doc_id)
            .collect();
        // Each snapshot against the one before it.
        for pair in snaps.windows(2) {
            let [before, snap] = pair else { continue };
            out.extend(edited(about, ev, doc, doc_facts, before, snap));
        }
        if let Some(at) = doc.removed_at {
            out.push(removed(about, ev, doc, &snaps, at));
        }
    }
    out
}

/// The edit a snapshot made to what the document states about the entity, if any.
fn edited(
    about: &About,
    ev: &Evidence,
    doc: &DocumentRow,
    doc_facts: &[&FactRow],
    before: &SnapshotRow,
    snap: &SnapshotRow,
) -> Option<WatchEntry> {
    let added: Vec<&&FactRow> = doc_facts
        .iter()
        .filter(|f| f.first_sha256 == snap.sha256)
        .collect();
    let dropped: Vec<&&FactRow> = doc_facts
        .iter()
        .filter(|f| f.retracted_at == Some(snap.fetched_at))
        .collect();
    if added.is_empty() && dropped.is_empty() {
        return None;
    }
    let mut ja = Vec::new();
    let mut en = Vec::new();
    if !added.is_empty() {
        ja.push(format!("追加：{}", fact_list(&added, true)));
        en.push(format!("now states {}", fact_list(&added, false)));
    }
    if !dropped.is_empty() {
        ja.push(format!("削除：{}", fact_list(&dropped, true)));
        en.push(format!("no longer states {}", fact_list(&dropped, false)));
    }
    let evidence = [
        ev.source_ref(doc.id, &snap.sha256),
        ev.source_ref(doc.id, &before.sha256),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(about.entry(Draft {
        key: format!(
            "{}/document_edited/{}/{}.{}",
            about.id(),
            snap.fetched_at.date(),
            doc.id,
            snap.id
        ),
        kind: "document_edited",
        date: Some(snap.fetched_at.date()),
        seen: snap.fetched_at,
        title: (
            format!("出典の更新：{}", doc.url),
            format!("Source edited: {}", doc.url),
        ),
        summary: (
            format!(
                "{}に関する記載が変わりました（{}）。{}",
                about.name(),
                doc.url,
                ja.join("。")
            ),
            format!(
                "What {} says about {} changed: {}",
                doc.url,
                about.name(),
                en.join("; ")
            ),
        ),
        link: None,
        evidence,
    }))
}

/// Up to five facts as `property「value」`, in Japanese or English.
fn fact_list(fs: &[&&FactRow], ja: bool) -> String {
    fs.iter()
        .take(5)
        .map(|f| {
            let p = if ja {
                property_ja(&f.property)
            } else {
                f.property.as_str()
            };
            format!("{p}「{}」", shown(f))
        })
        .collect::<Vec<_>>()
        .join(if ja { "、" } else { ", " })
}

/// The publisher took the document down; its last known version is the evidence.
fn removed(
    about: &About,
    ev: &Evidence,
    doc: &DocumentRow,
    snaps: &[&SnapshotRow],
    at: NaiveDateTime,
) -> WatchEntry {
    let sha = doc
        .current_sha256
        .clone()
        .or_else(|| snaps.last().map(|s| s.sha256.clone()))
        .unwrap_or_default();
    about.entry(Draft {
        key: format!("{}/document_removed/{}/{}", about.id(), at.date(), doc.id),
        kind: "document_removed",
        date: Some(at.date()),
        seen: at,
        title: (
            format!("出典の削除：{}", doc.url),
            format!("Source removed: {}", doc.url),
        ),
        summary: (
            format!(
                "{}について記載していた資料が公表元から削除されました（{}）。保存版は引き続き閲覧できます",
                about.name(), doc.url
            ),
            format!(
                "A document stating {} was taken down by its publisher ({}); the archived copy stays readable",
                about.name(), doc.url
            ),
        ),
        link: None,
        evidence: ev.source_ref(doc.id, &sha).into_iter().collect(),
    })
}
