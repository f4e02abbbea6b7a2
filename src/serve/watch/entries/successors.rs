//! Successors, established or possible: found when the later of the two records appeared.

use super::{About, Draft};
use crate::serve::watch::evidence::Evidence;
use crate::store::{DbConnection, StoreError};
use mieru_web::model::Link;
use mieru_web::watch::WatchEntry;

pub(super) fn successors(
    conn: &mut DbConnection,
    about: &About,
    ev: &Evidence,
) -> Result<Vec<WatchEntry>, StoreError> {
    let mine = ev.first_seen(about.id());
    let mut out = Vec::new();
    for l in &about.w.links {
        let kind = match l.kind.as_str() {
            "successor" => "successor",
            "possible_successor" => "possible_successor",
            _ => continue,
        };
        if l.other.id.is_empty() {
            continue;
        }
        let other_ev = Evidence::load(conn, std::slice::from_ref(&l.other.id))?;
        let Some(seen) = mine.max(other_ev.first_seen(&l.other.id)) else {
            continue;
        };
        let (title, summary) = wording(about, l, kind);
        out.push(about.entry(Draft {
            key: format!("{}/{kind}/{}", about.id(), l.other.id),
            kind,
            date: Some(seen.date()),
            seen,
            title,
            summary,
            link: Some(l.other.clone()),
            evidence: l.evidence.iter().flat_map(|e| e.sources.clone()).collect(),
        }));
    }
    Ok(out)
}

/// (title, summary), each (Japanese, English).
fn wording(about: &About, l: &Link, kind: &str) -> ((String, String), (String, String)) {
    let (ja, en) = if kind == "successor" {
        ("後継", "Successor")
    } else {
        ("後継の可能性", "Possible successor")
    };
    let detail: Vec<String> = l.evidence.iter().map(|e| e.detail.clone()).collect();
    let title = (
        format!("{ja}：{}", l.other.name),
        format!("{en}: {}", l.other.name),
    );
    let summary = (
        format!(
            "{}の{ja}として「{}」が見つかりました（根拠：{}）",
            about.name(),
            l.other.name,
            detail.join("、")
        ),
        format!(
            "{en} of {} found: {} (evidence: {})",
            about.name(),
            l.other.name,
            detail.join("; ")
        ),
    );
    (title, summary)
}
